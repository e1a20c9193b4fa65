/*
 * store.h: the SQLite results store, the contract between scanning and
 * reporting. One database holds many runs; each run has its files, their
 * findings and per-record problems. Inserts are batched in transactions and
 * committed at least at every file end, so a crash loses at most the file
 * being scanned. Raw matched values never reach the store: callers pass a
 * masked preview and a keyed hash.
 *
 * The schema is versioned with PRAGMA user_version and migrated on open.
 * The database file is created with mode 0600 whatever the umask.
 */
#ifndef AUDITOR_STORE_H
#define AUDITOR_STORE_H

#include "auditor/common.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define AUD_STORE_SCHEMA_VERSION 2

typedef struct aud_store aud_store;

/* Opens (creating with mode 0600 if absent) and migrates the database.
 * Returns 0, or AUD_ESTORE with err->msg naming the path and SQLite's
 * message (also for a file that is not a database, or a schema newer than
 * this build knows). Free with aud_store_close. */
int aud_store_open(aud_store **out, const char *path, aud_err *err);

typedef struct aud_run_meta {
	const char *tool_version;
	const char *options_json;    /* the scan's options as JSON */
	const char *patterns_sha256; /* aud_patterns_sha256_hex */
	const char *key_fingerprint; /* aud_keyhash_fingerprint */
	const char *key_source;      /* "file", "env" or "random" */
	const char *allowlist_sha256; /* NULL when no --allowlist */
} aud_run_meta;

/* Inserts a run with status "running" and started_at = now (UTC, ISO
 * 8601 with 'Z'), commits, and sets *run_id. */
int aud_store_run_begin(aud_store *s, const aud_run_meta *m,
			int64_t *run_id, aud_err *err);

/* Sets status ("complete", "failed", "interrupted") and finished_at,
 * commits everything pending. */
int aud_store_run_end(aud_store *s, int64_t run_id, const char *status,
		      aud_err *err);

/* Inserts a file row with status "scanning" and sets *file_id. */
int aud_store_file_begin(aud_store *s, int64_t run_id, const char *path,
			 int64_t *file_id, aud_err *err);

typedef struct aud_file_result {
	int64_t size_bytes;      /* raw size, -1 unknown (stored NULL) */
	const char *sha256;      /* hex, NULL unknown */
	const char *compression; /* "plain", "gzip", "zstd", NULL unknown */
	const char *format;      /* "csv", "jsonl", NULL unknown */
	uint64_t records;
	uint64_t bytes_decoded;
	uint64_t problems;       /* per-record problems reported */
	const char *status;      /* "ok", "warning", "failed" */
	const char *error;       /* first/ending message, NULL if none */
	uint64_t error_record, error_line, error_offset; /* AUD_NOPOS: NULL */
} aud_file_result;

/* Fills in the file's row and commits the pending batch. */
int aud_store_file_end(aud_store *s, int64_t file_id,
		       const aud_file_result *r, aud_err *err);

typedef struct aud_finding_row {
	int64_t run_id, file_id;
	uint64_t record, line, byte_offset, length;
	const char *field;  /* not NUL-terminated: field_len bytes */
	size_t field_len;
	const char *entity, *pattern_id, *evidence;
	double confidence;
	const char *masked;     /* NUL-terminated preview */
	const char *value_hash; /* NUL-terminated hex */
} aud_finding_row;

/* Says that n findings are about to be added to the run by other means
 * than these functions (auditor merge copies them with its own
 * statements), so that the findings' value_hash index is dropped, to be
 * built at the run's end, when keeping it up row by row would cost more.
 * Outside a transaction of the caller's. */
int aud_store_findings_coming(aud_store *s, uint64_t n, aud_err *err);

/* Queues one finding in the open transaction (commits every 10,000 rows). */
int aud_store_finding_add(aud_store *s, const aud_finding_row *f,
			  aud_err *err);

/* Queues n findings in order, as n calls of aud_store_finding_add would,
 * but cheaper: several rows go in one statement. The rows' strings need
 * only last until it returns. */
int aud_store_findings_add(aud_store *s, const aud_finding_row *f, size_t n,
			   aud_err *err);

/* Queues one per-record problem (kind: short word such as "json",
 * "field_count", "utf8", "nul", "too_long", "pattern_limit"). */
int aud_store_problem_add(aud_store *s, int64_t run_id, int64_t file_id,
			  const char *kind, const aud_err *problem,
			  aud_err *err);

/* Commits the pending batch now. */
int aud_store_commit(aud_store *s, aud_err *err);

/* One row of the fields table: a column's profile in one input. */
typedef struct aud_field_row {
	int64_t run_id, file_id;
	const char *field; /* NUL-terminated, array indices folded */
	uint64_t values_seen, values_non_empty, values_with_findings;
	const char *name_class; /* NULL when the name says nothing */
	const char *top_entity; /* NULL when no findings */
	uint64_t top_entity_values;
	const char *verdict, *reason;
} aud_field_row;

/* Queue profile rows in the open transaction (committed with the file). */
int aud_store_field_add(aud_store *s, const aud_field_row *f, aud_err *err);
int aud_store_field_entity_add(aud_store *s, int64_t run_id, int64_t file_id,
			       const char *field, const char *entity,
			       uint64_t values, aud_err *err);
int aud_store_marker_add(aud_store *s, int64_t run_id, int64_t file_id,
			 const char *field, const char *marker,
			 uint64_t count, aud_err *err);

/* Adds count to input file_id's number of findings of entity that the
 * allowlist suppressed (in the transaction of that input's findings, so
 * the counts are as durable as they are, and an input scanned again by
 * --resume is counted once). */
int aud_store_suppressed_add(aud_store *s, int64_t run_id, int64_t file_id,
			     const char *entity, uint64_t count, aud_err *err);

/* Bias audit rows (groups.h, fairness.h): one input's counters of one
 * group; and, at the run's end, the metrics derived from the summed
 * counters (NaN metrics are stored as NULL). */
struct aud_group_counts;
struct aud_group_metrics;
struct aud_attribute_metrics;
int aud_store_group_counts_add(aud_store *s, int64_t run_id, int64_t file_id,
			       const char *attribute,
			       const struct aud_group_counts *g, aud_err *err);
int aud_store_group_metrics_add(aud_store *s, int64_t run_id,
				const char *attribute,
				const struct aud_group_counts *g,
				const struct aud_group_metrics *m,
				const char *flag, aud_err *err);
int aud_store_attribute_metrics_add(aud_store *s, int64_t run_id,
				    const char *attribute, size_t groups,
				    const char *reference,
				    const char *most_selected,
				    int has_predictions,
				    uint64_t missing_outcome,
				    const struct aud_attribute_metrics *m,
				    aud_err *err);

/* Adds count records of one input whose score was exactly score, in
 * group of attribute (table group_scores; rows for the same score add). */
int aud_store_group_score_add(aud_store *s, int64_t run_id, int64_t file_id,
			      const char *attribute, const char *group,
			      double score, uint64_t count, aud_err *err);

/* LL144 scoring rates, set after the metrics rows exist: per group, the
 * records with a score and the share of them above the sample median; per
 * attribute, the records with a score and the median. */
int aud_store_group_scoring_set(aud_store *s, int64_t run_id,
				const char *attribute, const char *group,
				uint64_t scored, double rate, double ratio,
				aud_err *err);
int aud_store_attribute_scoring_set(aud_store *s, int64_t run_id,
				    const char *attribute, uint64_t scored,
				    double median, aud_err *err);

/* Representativeness (--expected-shares): per group, the expected share
 * and observed / expected; per attribute, the goodness-of-fit test. */
int aud_store_group_expected_set(aud_store *s, int64_t run_id,
				 const char *attribute, const char *group,
				 double expected, double ratio, aud_err *err);
int aud_store_attribute_gof_set(aud_store *s, int64_t run_id,
				const char *attribute, uint64_t dof,
				double chi2, double p, aud_err *err);

/* Re-identification risk (kanon.h): the run's k-anonymity figures over
 * the quasi-identifiers qis (joined with ",") and, when sensitive is not
 * NULL, its l-diversity, with the histogram of class sizes (tables
 * kanon_metrics and kanon_sizes). A second call for the run (a resumed
 * run that ends again) replaces the first. */
struct aud_kanon_stats;
int aud_store_kanon_add(aud_store *s, int64_t run_id, const char *qis,
			const char *sensitive,
			const struct aud_kanon_stats *k, aud_err *err);

/* Baselines: known findings, as (entity, field with array indices folded,
 * keyed value hash), so they survive reshuffled and re-sharded data.
 * aud_store_baseline_write writes run_id's as text; aud_store_baseline_load
 * loads a file into a temporary table of this connection (refusing one made
 * with another key than key_fingerprint, unless it is NULL), after which
 * --fail-on leaves its findings out. */
int aud_store_baseline_write(FILE *out, aud_store *s, int64_t run_id,
			     aud_err *err);
int aud_store_baseline_load(aud_store *s, const char *path,
			    const char *key_fingerprint, uint64_t *entries,
			    aud_err *err);
int aud_store_has_baseline(const aud_store *s);

/* Resuming (scan --resume): aud_store_run_resume takes the newest run if
 * it is "running" (killed) or "interrupted", sets it running again and
 * gives its id, key fingerprint and pattern hash (AUD_EUSAGE when there is
 * nothing to resume). aud_store_file_done says whether path was finished
 * in that run (status ok or warning) and gives the SHA-256 it had then
 * and whether it ended with a warning.
 * aud_store_file_forget deletes every row of path's unfinished attempts
 * in the run (the file row, findings, problems, profile, counters), so
 * scanning it again counts it once. */
int aud_store_run_resume(aud_store *s, int64_t *run_id, char fingerprint[17],
			 char patterns_sha[65], aud_err *err);
int aud_store_file_done(aud_store *s, int64_t run_id, const char *path,
			char sha256[65], int *warning);
int aud_store_file_forget(aud_store *s, int64_t run_id, const char *path,
			  aud_err *err);

/* Overlap (auditor overlap): aud_store_overlap_prepare creates the
 * overlap tables in a database made before they existed (a no-op
 * otherwise); then, per input, which split it belongs to; per located
 * match, a row of overlap_matches; at the end, the run's counts. Shares
 * are computed here (count / records of the split; NULL over 0). */
int aud_store_overlap_prepare(aud_store *s, aud_err *err);
int aud_store_overlap_input_add(aud_store *s, int64_t run_id,
				int64_t file_id, const char *split,
				aud_err *err);

typedef struct aud_overlap_match_row {
	int64_t run_id;
	const char *kind; /* test_in_train, train_duplicate, test_duplicate,
			     near */
	int64_t file_id;  /* the later record: the test record or the
			     repeat */
	uint64_t record, line, byte_offset;
	int64_t first_file_id; /* the first occurrence; 0: not known */
	uint64_t first_record, first_line, first_byte_offset; /* AUD_NOPOS */
	const char *key_hash; /* hex of the 128-bit keyed digest */
	const char *masked;   /* masked preview of the normalised key */
	double jaccard;       /* near: estimated; NaN (NULL) otherwise */
} aud_overlap_match_row;

int aud_store_overlap_match_add(aud_store *s, const aud_overlap_match_row *m,
				aud_err *err);

typedef struct aud_overlap_run_row {
	int64_t run_id;
	const char *key; /* the --key fields joined with ','; NULL: records */
	int near;
	double jaccard;
	unsigned bands, rows;
	uint64_t train_files, test_files, train_records, test_records;
	uint64_t train_keyless, test_keyless, train_distinct, test_distinct;
	uint64_t test_in_train, train_duplicates, test_duplicates;
	uint64_t near_test_records, near_capped;
	uint64_t max_locations, memory_bytes;
} aud_overlap_run_row;

int aud_store_overlap_run_add(aud_store *s, const aud_overlap_run_row *r,
			      aud_err *err);

/* The newest run id in the database, or 0 when there is none. */
int aud_store_latest_run(aud_store *s, int64_t *out, aud_err *err);

/* The underlying handle, for read-only report queries. Borrowed. */
struct sqlite3 *aud_store_db(aud_store *s);

/* Commits what is pending and closes. NULL is a no-op. */
void aud_store_close(aud_store *s);

#endif
