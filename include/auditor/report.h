/*
 * report.h: exports of one run, computed from the store alone and
 * byte-identical for the same database (no wall-clock time beyond the
 * run's own timestamps, every list in a fixed order). Each export carries
 * the manifest: tool version, run id and times, options, the pattern
 * set's hash, and every input's path, size and SHA-256.
 */
#ifndef AUDITOR_REPORT_H
#define AUDITOR_REPORT_H

#include "auditor/common.h"
#include "auditor/store.h"

#include <stdio.h>

/* Writes run_id as "text", "json" or "markdown" to out. Returns 0,
 * AUD_EUSAGE (unknown format or run) or AUD_ESTORE. */
int aud_report_write(FILE *out, aud_store *s, int64_t run_id,
		     const char *format, aud_err *err);

/* Writes one RFC 4180 CSV file per table of the run into dir (created if
 * missing, mode 0700; files 0600): manifest.csv, files.csv, findings.csv,
 * entity_counts.csv, fields.csv, repeated_values.csv, markers.csv,
 * group_metrics.csv, attribute_metrics.csv, kanon_metrics.csv,
 * kanon_sizes.csv. Returns 0 or AUD_EIO / AUD_ESTORE. */
int aud_report_csv(const char *dir, aud_store *s, int64_t run_id,
		   aud_err *err);

/* The hash-key fingerprint of run_id into out. 0, or AUD_EUSAGE when the
 * run or its fingerprint is not there. */
int aud_report_key_fingerprint(aud_store *s, int64_t run_id, char out[17]);

/* Does the run exist? 1 or 0. */
int aud_report_run_exists(aud_store *s, int64_t run_id);

#endif
