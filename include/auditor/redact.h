/*
 * redact.h: a redacted copy of one input. The input is streamed through
 * the decoder, the reader and the detector exactly as `scan` reads it, and
 * written again in the same format and compression: every finding above
 * the placeholder level is replaced by a marker (<EMAIL_ADDRESS>) or by a
 * keyed pseudonym of the same shape (pseudonym.h), and columns whose name
 * says they are personal (profile.h) can be dropped or replaced whole.
 * Every byte that holds no finding is copied as it was: CSV keeps its
 * header, delimiter, quoting and line ends, JSONL its keys, their order,
 * its white space and every value that holds no finding.
 *
 * The output is written to a temporary file (mode 0600) beside it and
 * renamed into place only when the whole input was read and written, so
 * OUTPUT is never left half-written ("-" writes to stdout, which cannot
 * promise that).
 */
#ifndef AUDITOR_REDACT_H
#define AUDITOR_REDACT_H

#include "auditor/allowlist.h"
#include "auditor/common.h"
#include "auditor/keyhash.h"
#include "auditor/patterns.h"
#include "auditor/reader.h"
#include "auditor/scan.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

/* What to do with a column (CSV) or field (JSONL) whose name says it is
 * personal: profile.c's name classes other than QUASI_IDENTIFIER. */
typedef enum aud_personal_mode {
	AUD_PERSONAL_KEEP = 0, /* only its findings are replaced */
	AUD_PERSONAL_DROP,     /* the column (or JSON member) goes */
	AUD_PERSONAL_REPLACE   /* every non-empty value is replaced whole */
} aud_personal_mode;

typedef struct aud_redact_opts {
	aud_format format;	    /* AUTO: by name, else by sniffing */
	char delimiter;		    /* 0: by name (.tsv tab) else ',' */
	size_t max_record_bytes;    /* 0: 16 MiB */
	uint64_t max_decoded_bytes; /* 0: none */
	double max_ratio;	    /* decompression ratio guard, 0: none */
	int pseudonymize;	    /* keyed pseudonyms instead of markers */
	aud_personal_mode personal;
	const aud_allowlist *allowlist; /* values left as they are */
	unsigned max_problems_shown;	/* through diag; 0: 10 */
	aud_diag_fn diag;
	void *diag_ctx;
	const atomic_int *stop; /* non-zero: stop at the next chunk */
	void (*progress)(void *ctx, const aud_scan_progress *p);
	void *progress_ctx;
} aud_redact_opts;

#define AUD_REDACT_MAX_ENTITIES 128
#define AUD_REDACT_MAX_FIELDS 256

typedef struct aud_redact_count {
	const char *entity; /* borrowed from the pattern set, or static */
	uint64_t n;
} aud_redact_count;

typedef struct aud_redact_field {
	char *name;		/* column or JSON path (indices as found) */
	const char *name_class; /* PERSON_NAME, EMAIL... (static) */
	uint64_t values;	/* values dropped or replaced */
} aud_redact_field;

typedef struct aud_redact_totals {
	const char *format;	 /* "csv", "jsonl" (static) */
	const char *compression; /* "plain", "gzip", "zstd" (static) */
	uint64_t records;	 /* data records read */
	uint64_t bytes_in;	 /* decoded bytes read */
	uint64_t bytes_out;	 /* plain bytes written */
	uint64_t replacements;	 /* spans replaced (overlaps count once) */
	uint64_t pseudonyms;	 /* of them, by a pseudonym */
	uint64_t no_pseudonym;	 /* a marker, though --pseudonymize */
	uint64_t rechecked;	 /* spans found again in a rewritten value
				    and replaced by a marker */
	uint64_t values_changed; /* field values written differently */
	uint64_t placeholders;	 /* placeholder findings left as they were */
	uint64_t allowlisted;	 /* allowlisted findings left as they were */
	uint64_t markers;	 /* markers already in the input */
	uint64_t unparsed;	 /* records written as redacted raw text */
	uint64_t dropped;	 /* records left out (over the size limit) */
	uint64_t problems;	 /* record problems found */
	int interrupted;	 /* stopped through opts->stop */
	int output_failed;	 /* the failure was writing the output */
	aud_redact_count entities[AUD_REDACT_MAX_ENTITIES];
	size_t nentities;
	aud_redact_field fields[AUD_REDACT_MAX_FIELDS]; /* personal fields */
	size_t nfields;
	uint64_t more_fields; /* personal fields past the table */
	aud_personal_mode personal;
} aud_redact_totals;

/* Writes a redacted copy of input ("-": stdin) to output ("-": stdout)
 * with patterns ps; kh (the key of the pseudonyms) may be NULL unless
 * opts->pseudonymize. Fills *totals (always, also on failure: free it
 * with aud_redact_totals_free). Returns:
 *   0           output written and in place; totals->problems says
 *               whether some records had problems (each reported
 *               through opts->diag, as scan reports them);
 *   AUD_EUSAGE  output names the input itself or a folder: nothing done;
 *   another negative code: the input failed (corrupt or truncated
 *               stream, a CSV quote never closed, a record over the limit),
 *               the output could not be written, or opts->stop was set;
 *               err says what and where (record, line, byte offset), and
 *               no output file was left behind. */
int aud_redact_file(const char *input, const char *output,
		    const aud_patternset *ps, const aud_keyhash *kh,
		    const aud_redact_opts *opts, aud_redact_totals *totals,
		    aud_err *err);

/* Prints the summary of a redaction: as text, or as one JSON object when
 * json is set. Returns 0 or AUD_EIO. */
int aud_redact_summary_write(FILE *out, const aud_redact_totals *t,
			     const char *input, const char *output, int json);

/* Frees what totals owns (field names); totals itself is the caller's. */
void aud_redact_totals_free(aud_redact_totals *t);

#endif
