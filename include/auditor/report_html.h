/*
 * report_html.h: the HTML export of one run. One self-contained HTML5
 * page (inline CSS, inline SVG charts, no script, nothing fetched, so it
 * works offline and can be filed as a document), computed from the store
 * alone and byte-identical for the same database.
 */
#ifndef AUDITOR_REPORT_HTML_H
#define AUDITOR_REPORT_HTML_H

#include "auditor/common.h"
#include "auditor/store.h"

#include <stdint.h>
#include <stdio.h>

/* Writes run_id of s as an HTML page to out: the manifest (tool version,
 * run id, status, times, options, pattern-set hash, each input's path,
 * size, SHA-256 and status), the overview, findings by entity and by
 * field, the most repeated values, the fields with personal data, the
 * redaction markers, and per bias attribute its metrics with SVG charts
 * (selection rate with its 95% Wilson interval, impact ratio against the
 * 0.8 line, TPR and FPR when there are predictions, scoring rate and
 * representativeness when present). Every string from the database is
 * HTML-escaped; invalid UTF-8 is written as U+FFFD. Long lists are cut
 * (the page says where) so the page stays bounded whatever the data.
 * Returns 0, AUD_EUSAGE (no such run), AUD_ESTORE (a query failed) or
 * AUD_EIO (writing to out failed). On error part of the page may have
 * been written. */
int aud_report_html(FILE *out, aud_store *s, int64_t run_id, aud_err *err);

#endif
