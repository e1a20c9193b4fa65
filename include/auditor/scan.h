/*
 * scan.h: one scan run, from a list of inputs to rows in the store. This is
 * the pipeline of DESIGN.md: decoder -> reader -> detector -> store, run by
 * a decode thread and worker threads (see scan.c) and committed in input
 * order. A fault in one input is recorded on its files row
 * and reported through the diagnostic callback; the run goes on with the
 * next input.
 */
#ifndef AUDITOR_SCAN_H
#define AUDITOR_SCAN_H

#include "auditor/allowlist.h"
#include "auditor/common.h"
#include "auditor/groups.h"
#include "auditor/kanon.h"
#include "auditor/keyhash.h"
#include "auditor/patterns.h"
#include "auditor/reader.h"
#include "auditor/store.h"
#include "auditor/walk.h"

#include <signal.h>
#include <stdint.h>

typedef enum aud_diag_kind {
	AUD_DIAG_PROBLEM, /* a record was flagged or skipped; file goes on */
	AUD_DIAG_FAILED,  /* the input failed or ended early */
	AUD_DIAG_WARNING, /* about the input as a whole (empty file) */
	AUD_DIAG_MORE     /* err->msg says how many problems were not shown */
} aud_diag_kind;

/* Called for every diagnostic worth a line on stderr. path is the input. */
typedef void (*aud_diag_fn)(void *ctx, aud_diag_kind kind, const char *path,
			    const aud_err *err);

struct aud_scan_progress;

typedef struct aud_scan_opts {
	aud_format format;       /* AUTO: by name, else by sniffing */
	char delimiter;          /* 0: by name (.tsv tab) else ',' */
	size_t max_record_bytes; /* 0: 16 MiB */
	uint64_t max_decoded_bytes; /* 0: none */
	double max_ratio;           /* decompression ratio guard, 0: none */
	unsigned max_problems_shown; /* per input, through diag; 0: 10 */
	aud_diag_fn diag;
	void *diag_ctx;
	/* When not NULL and *stop becomes non-zero (a signal handler sets
	 * it), the scan stops at the next chunk: the current input is marked
	 * failed ("scan interrupted") and the rest are not started. */
	const atomic_int *stop;
	const aud_allowlist *allowlist; /* NULL: none */
	const aud_bias_opts *bias;      /* NULL: no bias audit */
	/* Called after every decoded chunk (cheap: the callee rate-limits
	 * its output). NULL: none. */
	void (*progress)(void *ctx, const struct aud_scan_progress *p);
	void *progress_ctx;
	/* Resuming run_id: an input the run already finished with the same
	 * SHA-256 is skipped; any unfinished attempt of an input is deleted
	 * before it is scanned again. */
	int resume;
	/* Threads that decode and match: 0 for one per online CPU; 1 runs
	 * everything on the caller's thread. The results do not depend on
	 * it. */
	unsigned threads;
	/* The run's re-identification classes, NULL for none. Each input's
	 * records go into an accumulator like it, merged in when the input
	 * ends well; a failed input's are dropped, as its bias counters
	 * are. */
	aud_kanon *kanon;
} aud_scan_opts;

typedef struct aud_scan_progress {
	uint64_t raw_bytes;     /* raw bytes read, all inputs so far */
	uint64_t decoded_bytes; /* decoded bytes, all inputs so far */
	uint64_t records, findings;
	size_t input, inputs;   /* 0-based index of the current input */
	const char *path;
} aud_scan_progress;

/* Matches of this entity are redaction markers left by an earlier scrubber
 * (<EMAIL>, [REDACTED]): counted per field in the markers table, never
 * stored as findings. */
#define AUD_MARKER_ENTITY "REDACTION_MARKER"

typedef struct aud_scan_totals {
	uint64_t files, files_failed, files_warning;
	uint64_t records, bytes_decoded, findings, placeholders;
	uint64_t pattern_limit_hits;
	uint64_t suppressed; /* findings the allowlist accepted */
	uint64_t markers;    /* redaction markers counted */
	uint64_t resumed;    /* inputs skipped: finished before (--resume) */
	int interrupted; /* stopped through opts->stop */
} aud_scan_totals;

/* A short word for the problems table ("json", "utf8", "nul",
 * "field_count", "too_long", "pattern_limit", "changed", "format") from a
 * reader's or decoder's problem. Static storage. */
const char *aud_scan_problem_kind(const aud_err *e);

/* Scans every input in order into run run_id of store s, using patterns ps
 * and key hasher kh. Returns 0 when the run could be carried out (inputs
 * may still have failed: see totals), or a negative code when the store
 * failed (the run cannot go on). totals may be NULL. */
int aud_scan_inputs(aud_store *s, int64_t run_id, const aud_inputs *inputs,
		    const aud_patternset *ps, const aud_keyhash *kh,
		    const aud_scan_opts *opts, aud_scan_totals *totals,
		    aud_err *err);

#endif
