/*
 * report_sarif.h: one run as a SARIF 2.1.0 log, for code-scanning tools.
 * Each finding that is not a placeholder becomes a result whose rule is
 * the pattern that matched; each input becomes an artifact with its size
 * and SHA-256. Like the other exports it is computed from the store alone
 * and is byte-identical for the same database.
 */
#ifndef AUDITOR_REPORT_SARIF_H
#define AUDITOR_REPORT_SARIF_H

#include "auditor/common.h"
#include "auditor/store.h"

#include <stdio.h>

/* Writes run_id of s to out as a SARIF 2.1.0 log with one run:
 *   tool.driver: name "auditor", version = runs.tool_version, one rule per
 *     pattern_id with real (non-placeholder) findings, ordered by id;
 *   invocations[0]: executionSuccessful (run status "complete"), the run's
 *     start and end times, a notification per failed or warning input;
 *   artifacts: every input of the run, ordered by file_id, with its URI,
 *     length (raw size) and hashes {"sha-256"} when known;
 *   results: one per non-placeholder finding, ordered by finding_id, with
 *     level "error" for secrets and "warning" otherwise, the masked preview
 *     only (raw values are never in the store), the region (line, decoded
 *     byte offset and length) and partialFingerprints
 *     {"auditor/valueHash/v1": keyed value hash}.
 * Relative paths become relative URI references, absolute ones "file://"
 * URIs, every byte outside RFC 3986's unreserved set and "/" being
 * percent-encoded. Text that is not valid UTF-8 is written with U+FFFD in
 * place of the bad bytes, so the output is always valid JSON.
 * Returns 0, AUD_EUSAGE (no such run), AUD_ESTORE or AUD_EIO (out
 * reported a write error). */
int aud_report_sarif(FILE *out, aud_store *s, int64_t run_id, aud_err *err);

/* Writes path as a SARIF artifact URI (see above) to out, without quotes.
 * Only bytes in [A-Za-z0-9-._~/] and "%XX" escapes are written. */
void aud_report_sarif_uri(FILE *out, const char *path);

#endif
