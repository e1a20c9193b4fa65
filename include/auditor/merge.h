/*
 * merge.h: `auditor merge`: the latest run of several databases (shards
 * scanned apart, on a cluster or not, or earlier merges) becomes one new
 * run whose counts, lists and metrics equal one scan of all their inputs.
 *
 * Per-input rows (files, findings, problems, the column profile, markers,
 * bias counters and scores) are copied with new ids, inputs in path order;
 * per-run rows are combined (run_sources) or recomputed from
 * the merged counters (the bias metrics, with bias.c's code). Each run has
 * a random uid; a merged run lists in run_sources the uids of the scanned
 * runs it holds, so a run that reaches a merge twice (the same database
 * given twice, or inside two merged databases) is counted once.
 *
 * Merging is done in two steps so that a refused merge writes nothing:
 * aud_merge_plan reads and checks every source, aud_merge_write writes.
 */
#ifndef AUDITOR_MERGE_H
#define AUDITOR_MERGE_H

#include "auditor/common.h"
#include "auditor/store.h"

#include <stddef.h>
#include <stdint.h>

typedef struct aud_merge aud_merge;

/* A note for the user (a source skipped as already merged). */
typedef void (*aud_merge_note_fn)(void *ctx, const char *msg);

/*
 * Reads the latest run of each database in paths (opened read-only) and
 * decides what goes in. A source whose scanned runs are all held by
 * another source is skipped (note says which); two sources that share some
 * scanned runs but not all are refused. Refused too (AUD_EUSAGE, err naming
 * both databases): a run that is not complete; runs made by different
 * auditor versions, or with different hash keys, pattern sets, allowlists,
 * entity selections or bias options
 * (--group, --intersect, --outcome, --positive, --prediction,
 * --predicted-positive, --score, --threshold, --reference, --min-share,
 * --expected-shares); the same input (path and SHA-256) in two sources;
 * out_path (the database to write, may not exist yet) among the sources.
 * A missing file, a file that is not an auditor database or one without a
 * run: AUD_EIO or AUD_ESTORE. note may be NULL. Free with aud_merge_free.
 */
int aud_merge_plan(aud_merge **out, const char *out_path,
		   const char *const *paths, size_t n, aud_merge_note_fn note,
		   void *ctx, aud_err *err);

/* How many sources go in, and how many were skipped. */
size_t aud_merge_sources(const aud_merge *m);
size_t aud_merge_skipped(const aud_merge *m);

/* How many of the inputs going in are not "ok" (failed, or with
 * warnings): a scan of them all would exit 3. */
size_t aud_merge_inputs_not_ok(const aud_merge *m);

/*
 * Writes the planned merge into s as a new run and sets *run_id. The rows
 * are copied in one transaction; the run is "running" until the bias
 * metrics are computed, then "complete". On failure the run is marked
 * "failed" and holds nothing (AUD_ESTORE, AUD_ENOMEM, or AUD_EUSAGE when
 * the merged bias audit is refused, as a scan's would be: a --reference
 * group that no source has). A source that changed since aud_merge_plan
 * is an error.
 */
int aud_merge_write(aud_merge *m, aud_store *s, int64_t *run_id, aud_err *err);

/* NULL is a no-op. */
void aud_merge_free(aud_merge *m);

#endif
