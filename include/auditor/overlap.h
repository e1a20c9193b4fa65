/*
 * overlap.h: train/test leakage (`auditor overlap`). Streams the train
 * inputs, then the test inputs, and reports test records whose key (one
 * or more fields, or the whole record) also occurs in train after
 * normalisation, records repeated within each split, and with near
 * detection test records whose text is nearly that of a train record
 * (MinHash + LSH, minhash.h).
 *
 * The key of a record: with key fields, the values of those fields in
 * the order given; without, the values of all its fields in record order
 * (CSV columns, JSON leaves in document order; field names are not part
 * of it). Each value is normalised (casefold.h: full Unicode case
 * folding, white space trimmed and runs collapsed to one space) and the
 * values are joined with U+001F. A missing key field counts as empty; a
 * record whose key is empty is "without a key": counted, not compared.
 *
 * Nothing raw is kept: a key is remembered as a 128-bit keyed digest
 * (HMAC-SHA-256 under the run's hash key, keyset.h), 16 bytes a distinct
 * key of train and test together, plus table slack; --near adds about
 * 790 bytes per distinct train text (signature, LSH index, place). The
 * places of the first occurrences of matched keys are found by reading
 * the inputs of that split a second time, up to the last one needed
 * (not possible for stdin: those stay unknown).
 */
#ifndef AUDITOR_OVERLAP_H
#define AUDITOR_OVERLAP_H

#include "auditor/common.h"
#include "auditor/keyhash.h"
#include "auditor/policy.h"
#include "auditor/record.h"
#include "auditor/scan.h"
#include "auditor/store.h"
#include "auditor/stream.h"
#include "auditor/walk.h"

#include <stdint.h>
#include <stdio.h>

#define AUD_OVERLAP_JACCARD 0.8       /* default --jaccard */
#define AUD_OVERLAP_LOCATIONS 1000    /* default --max-locations */
#define AUD_OVERLAP_NEAR_CHECKS 256   /* candidates compared per text */

typedef struct aud_overlap_opts {
	const char *const *keys; /* key fields; NULL/0: the whole record */
	size_t nkeys;
	int near;                /* also near duplicates */
	double jaccard;          /* near threshold, 0: 0.8 */
	uint64_t max_locations;  /* places stored per kind, 0: 1000 */
	uint64_t max_memory;     /* key tables' bytes, 0: no limit */
	aud_stream_opts stream;  /* format, limits, stop (chunk unused) */
	unsigned max_problems_shown; /* per input, 0: 10 */
	aud_diag_fn diag;
	void *diag_ctx;
	/* After every decoded chunk; findings counts matches so far. */
	void (*progress)(void *ctx, const aud_scan_progress *p);
	void *progress_ctx;
} aud_overlap_opts;

typedef struct aud_overlap_totals {
	uint64_t files, files_failed, files_warning;
	uint64_t test_in_train, near_test_records;
	uint64_t train_duplicates, test_duplicates;
	int interrupted;
} aud_overlap_totals;

/*
 * Runs the comparison into run run_id of s: a files row and an
 * overlap_inputs row per input, problems as scan records them, the
 * located matches in overlap_matches and the counts in overlap_runs.
 * An input that fails is recorded and the others go on. Returns 0, or a
 * negative code when the run cannot go on (store failure; AUD_ENOMEM or
 * AUD_ELIMIT when the key tables ran out of memory or --max-memory):
 * err says why.
 */
int aud_overlap_run(aud_store *s, int64_t run_id, const aud_inputs *train,
		    const aud_inputs *test, const aud_keyhash *kh,
		    const aud_overlap_opts *o, aud_overlap_totals *totals,
		    aud_err *err);

/* Appends the key of rec (see above) to out. Returns 1 when the key is
 * not empty, 0 when it is, or a negative code from aud_buf_append. */
int aud_overlap_key(aud_buf *out, const aud_record *rec,
		    const char *const *keys, size_t nkeys);

/* Prints run_id's overlap summary, read back from the database, as text
 * or JSON. Returns 0 or AUD_ESTORE / AUD_EUSAGE (no overlap for that
 * run). */
int aud_overlap_summary_write(FILE *out, aud_store *s, int64_t run_id,
			      int json, aud_err *err);

/* The FROM and WHERE of a query of run ?1's overlap matches (m), with
 * the input each is in (a) and the input of its first occurrence (b, none
 * when not known). */
#define AUD_OVERLAP_MATCHES_FROM                                               \
	" FROM overlap_matches m JOIN files a ON a.file_id = m.file_id"        \
	" LEFT JOIN files b ON b.file_id = m.first_file_id"                    \
	" WHERE m.run_id = ?1"

/* Is run_id an overlap run (a row of overlap_runs)? 0 also when the
 * database has no overlap tables. */
int aud_overlap_run_has(aud_store *s, int64_t run_id);

/*
 * --fail-on for overlap: rules separated by commas, each SUBJECT OP
 * NUMBER with OP one of > >= < <= == !=. Subjects: overlap (test records
 * whose key is in train), near (test records only near a train record),
 * leaked (both), train_duplicates, test_duplicates, each also with
 * .share (of the split's records); "any" alone is leaked>0. Returns 0 or
 * AUD_EUSAGE (err says which rule) for aud_overlap_policy_parse; for
 * aud_overlap_policy_check the number of broken rules (fn is called for
 * each) or a negative code.
 */
int aud_overlap_policy_parse(const char *text, aud_err *err);
int aud_overlap_policy_check(const char *text, aud_store *s, int64_t run_id,
			     aud_policy_fn fn, void *ctx, aud_err *err);

#endif
