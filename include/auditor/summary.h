/*
 * summary.h: the short summary of one run that `auditor scan` prints,
 * computed from the store alone (never from scan-time counters), so that a
 * database always gives the same summary as the scan that wrote it.
 */
#ifndef AUDITOR_SUMMARY_H
#define AUDITOR_SUMMARY_H

#include "auditor/common.h"
#include "auditor/store.h"

#include <stdio.h>

/* Writes the summary of run_id as text (json = 0) or JSON (json = 1) to
 * out. Returns 0 or AUD_ESTORE. */
int aud_summary_write(FILE *out, aud_store *s, int64_t run_id, int json,
		      aud_err *err);

/* Writes s as a JSON string literal (quotes and escapes included). */
void aud_json_string(FILE *out, const char *s, size_t len);

#endif
