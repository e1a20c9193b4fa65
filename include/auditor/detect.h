/*
 * detect.h: the matching engine. For each field value, a cheap prefilter
 * picks candidate windows (required literals, digit runs); PCRE2 (JIT,
 * match data reused) confirms inside them; a validator checks checksums;
 * context words near the match or in the field name raise the evidence.
 * Matches whose checksum fails are dropped, not reported.
 *
 * A detector holds per-thread state (match data, scratch): one per thread,
 * sharing one read-only aud_patternset.
 */
#ifndef AUDITOR_DETECT_H
#define AUDITOR_DETECT_H

#include "auditor/common.h"
#include "auditor/patterns.h"

#include <stddef.h>
#include <stdint.h>

/* Evidence levels, weakest first. A finding of a pattern that has a
 * validator is at least VALIDATED (failing the checksum drops it). */
typedef enum aud_evidence {
	AUD_EV_PATTERN = 1,  /* the regex matched, nothing more */
	AUD_EV_VALIDATED,    /* and the checksum/validator passed */
	AUD_EV_CONTEXT,      /* and a context word was found near it or in
				the field name */
	AUD_EV_PLACEHOLDER   /* a known documentation/test value */
} aud_evidence;

/* "pattern", "validated", "context", "placeholder". Static storage. */
const char *aud_evidence_name(aud_evidence e);

typedef struct aud_match {
	size_t pattern;         /* index in the pattern set */
	const char *entity;     /* borrowed from the set */
	const char *pattern_id; /* borrowed from the set */
	size_t start, len;      /* within the field value */
	aud_evidence evidence;
	double confidence;      /* 0..1 */
} aud_match;

typedef struct aud_detector aud_detector;

/* Creates a detector for ps (which must outlive it). Returns 0 or
 * AUD_ENOMEM. */
int aud_detector_new(aud_detector **out, const aud_patternset *ps,
		     aud_err *err);

/* Scans one field value. name is the field name or path (used as context).
 * On success returns the number of matches (>= 0) and sets *out to an
 * array valid until the next call; matches are ordered by start and do not
 * overlap for the same entity. Never fails on content: a pattern that hits
 * PCRE2's match or depth limit is skipped for this value and counted in
 * aud_detector_limit_hits. Returns a negative code only for AUD_ENOMEM. */
int aud_detect_field(aud_detector *d, const char *name, size_t name_len,
		     const char *value, size_t value_len,
		     const aud_match **out, aud_err *err);

/* How many times a pattern hit PCRE2's limits since creation. */
uint64_t aud_detector_limit_hits(const aud_detector *d);

/* How many matches were not reported since creation because one value
 * had more than 65536 candidate matches (memory stays bounded). */
uint64_t aud_detector_truncated(const aud_detector *d);

/* Bytes handed to PCRE2 since creation: the sum over values and patterns
 * of the merged candidate windows. Divided by the bytes scanned it says
 * how well the prefilters work. */
uint64_t aud_detector_window_bytes(const aud_detector *d);

/* The vector paths the prefilters take on this CPU: "avx512" (AVX-512BW),
 * "avx2" or "none". AUDITOR_NO_AVX512=1 in the environment when the
 * detector is made keeps AVX2, AUDITOR_NO_SIMD=1 the plain loops (the
 * tests compare them). */
const char *aud_detector_simd(const aud_detector *d);

/* With on != 0, the detector also counts the distinct value bytes that
 * lie in at least one pattern's window (a byte two patterns look at counts
 * once): aud_detector_union_bytes. Off by default (it costs a sort per
 * value); for benchmarks. */
void aud_detector_stats(aud_detector *d, int on);
uint64_t aud_detector_union_bytes(const aud_detector *d);

void aud_detector_free(aud_detector *d);

#endif
