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

/* The values found in more than one record that the summary and the
 * reports list, most records first; the caller adds its columns before
 * and its LIMIT after. */
#define AUD_REPEATED_FROM                                                      \
	" FROM repeated_values WHERE run_id = ?1 AND records > 1"              \
	" ORDER BY records DESC, occurrences DESC, entity, value_hash"

/* Writes the summary of run_id as text (json = 0) or JSON (json = 1) to
 * out. Returns 0 or AUD_ESTORE. */
int aud_summary_write(FILE *out, aud_store *s, int64_t run_id, int json,
		      aud_err *err);

/* Writes s as a JSON string literal (quotes and escapes included). Bytes
 * that are not valid UTF-8 become U+FFFD, so the output is always JSON. */
void aud_json_string(FILE *out, const char *s, size_t len);

/* The same without the quotes; with brackets set, '[' and ']' are also
 * escaped with a backslash (SARIF message text reads "[text](n)" as a
 * link, SARIF 2.1.0 section 3.11.6). */
void aud_json_chars(FILE *out, const char *s, size_t len, int brackets);

#endif
