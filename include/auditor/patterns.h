/*
 * patterns.h: the pattern library. Pattern files (*.pat, format in
 * patterns/README.md) are loaded and compiled with PCRE2 JIT; each entry
 * carries its own must-match and must-not-match samples, which
 * aud_patterns_test runs. A file with an error is rejected with file:line
 * and PCRE2's message.
 */
#ifndef AUDITOR_PATTERNS_H
#define AUDITOR_PATTERNS_H

#include "auditor/common.h"
#include "auditor/validate.h"

#include <stddef.h>
#include <stdint.h>

/* Read-only view of one loaded entry. Strings are owned by the set. */
typedef struct aud_pattern_info {
	const char *id;          /* unique across the set, e.g. "email" */
	const char *entity;      /* e.g. "EMAIL_ADDRESS" (Presidio's name) */
	const char *regex;       /* PCRE2 source */
	const char *validator;   /* validator name or NULL */
	const char *prefilter;   /* prefilter hint as written in the file */
	const char *description;
	const char *const *context; /* context words */
	size_t ncontext;
	double confidence;       /* base confidence, 0..1 */
	const char *file;        /* file it was loaded from */
	unsigned line;           /* line of its "id:" */
} aud_pattern_info;

typedef struct aud_patternset aud_patternset;

/* Loads every path in order: a file is loaded as is, a directory gives its
 * *.pat files in name order (not recursive). Duplicate ids are an error.
 * Returns 0, or AUD_EPATTERN / AUD_EIO / AUD_ENOMEM with err->msg starting
 * "FILE:LINE: ". Caller frees *out with aud_patterns_free. */
int aud_patterns_load(aud_patternset **out, const char *const *paths,
		      size_t npaths, aud_err *err);

/* Keeps only entries whose entity is in `keep` (comma-separated, NULL for
 * all) and not in `skip` (comma-separated, NULL for none). An entity name
 * that no entry has is AUD_EUSAGE, and the set is then unchanged. Call it
 * before creating detectors over ps: it frees the entries it drops. */
int aud_patterns_select(aud_patternset *ps, const char *keep,
			const char *skip, aud_err *err);

size_t aud_patterns_count(const aud_patternset *ps);
const aud_pattern_info *aud_patterns_info(const aud_patternset *ps,
					  size_t i);

/* SHA-256 (hex) over the bytes of every loaded file, in load order. */
void aud_patterns_sha256_hex(const aud_patternset *ps, char out[65]);

/* Runs every entry's samples through the real detector (regex, prefilter,
 * validator). Returns 0 when all pass, else AUD_EPATTERN with err->msg
 * naming the file:line, id and the failing sample. *checked (may be NULL)
 * gets the number of samples checked. */
int aud_patterns_test(const aud_patternset *ps, size_t *checked,
		      aud_err *err);

void aud_patterns_free(aud_patternset *ps);

/* ---- the engine's view of an entry (for detect.c) -------------------- */

/* Prefilter kinds, the "prefilter:" key of a pattern file. */
typedef enum aud_prefilter_kind {
	AUD_PF_NONE = 0, /* "none": run over every value */
	AUD_PF_LITERAL,  /* "literal"/"literal-i": the match contains one of
			    the literals */
	AUD_PF_DIGITS,   /* "digits N": the match contains a run of >= N
			    digits (see patterns/README.md) */
	AUD_PF_RUN       /* "run [CLASS] N": the match contains N bytes in a
			    row of the class */
} aud_prefilter_kind;

/* "with K [SUB]" of a run prefilter: the run holds at least K bytes of
 * SUB (a subset of the run's class). */
#define AUD_RUN_WITH_MAX 4
typedef struct aud_run_with {
	unsigned char sub[32]; /* bit b set for byte b */
	unsigned min;          /* K */
} aud_run_with;

/* What the matching engine needs of one entry beyond aud_pattern_info.
 * Owned by the set, read-only after loading. */
typedef struct aud_pattern_engine {
	const void *code;              /* pcre2_code, 8-bit code units */
	int jit;                       /* 1 when JIT compilation succeeded */
	const void *code_at;           /* the same anchored, or NULL: set
					  when window_before < window and
					  <= 16, for an unanchored regex */
	int jit_at;
	unsigned char starts[32];      /* with code_at: bit b set when a
					  match can start with byte b */
	aud_validator_fn validator;    /* NULL when the entry has none */
	aud_prefilter_kind prefilter;  /* the first "prefilter:" line's */
	unsigned prefilters;           /* bit 1 << kind for each line */
	const char *const *literals;   /* AUD_PF_LITERAL: the literals, */
	const size_t *literal_lens;    /* their lengths, */
	size_t nliterals;              /* and how many */
	int literal_nocase;            /* literal-i: ASCII case-insensitive */
	unsigned min_digits;           /* AUD_PF_DIGITS: N */
	unsigned min_group;            /* and G of "group G" (else 1; 0
					  without a digits prefilter) */
	unsigned max_group;            /* H of "group G-H", else 0 (none) */
	int start0;                    /* "... start 0": a stretch of the
					  run begins with the digit 0 */
	unsigned char run_class[32];   /* AUD_PF_RUN: bit b set for byte b */
	unsigned run_min;              /* AUD_PF_RUN: N */
	unsigned run_max;              /* and M of "N-M": the whole run
					  (bounded by bytes outside the
					  class) is at most M long; else 0 */
	aud_run_with run_with[AUD_RUN_WITH_MAX]; /* and its "with" parts, */
	unsigned run_nwith;                      /* how many (0: none) */
	size_t window;                 /* longest match in bytes ("window:") */
	size_t window_before;          /* most bytes a match starts before
					  the hit ("window-before:") */
	double entropy;                /* min bits per byte, 0 for none */
	int context_required;          /* report only with a context word */
	const char *const *exclude_context; /* words that drop a match that */
	size_t nexclude_context;            /* has no context word near it */
	const void *exclude_before;    /* pcre2_code or NULL: a match is
					  dropped when this matches the text
					  just before it */
	int value_group;               /* number of (?<value>...), or 0 */
	int anchored;                  /* matches only at the value start */
	int whole;                     /* and ends at its end ($): a value
					  longer than window + 1 holds none */
	uint32_t capture_count;        /* capturing groups in the regex */
	uint32_t min_length;           /* PCRE2's shortest possible match */
} aud_pattern_engine;

/* The engine view of entry i (i < aud_patterns_count). */
const aud_pattern_engine *aud_patterns_engine(const aud_patternset *ps,
					      size_t i);

#endif
