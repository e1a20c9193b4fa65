/*
 * report_html.c: the HTML export of one run (report_html.h). One
 * self-contained HTML5 page: inline CSS, inline SVG charts, no script, and
 * a Content-Security-Policy that forbids the browser any fetch, so the
 * file works offline and reads the same wherever it is filed.
 *
 * Everything is read from the store, as the other exports do (report.c);
 * every list has an explicit ORDER BY with a unique tie-break, and every
 * chart coordinate is computed here and printed with fixed decimals, so
 * the same database gives the same bytes. Every string that comes from
 * data (paths, field names, group values, masked previews, reasons) goes
 * through esc(), which escapes & < > " ' and writes invalid UTF-8 and
 * control bytes as U+FFFD. Long lists are cut at fixed sizes and the page
 * says so: a database with 10,000 groups still gives a page of bounded
 * size. The metrics are computed elsewhere (fairness.c, statmath.c); this
 * file only lays them out.
 */
#include "auditor/report_html.h"
#include "auditor/overlap.h"
#include "auditor/report.h"
#include "auditor/summary.h"
#include "auditor/utf8.h"

#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define LIST_MAX 50 /* rows of the findings and repeated-value tables */
#define MARKER_MAX 100
#define GROUP_MAX 500 /* rows of a bias attribute's group table */
#define CHART_MAX 40  /* bars of a chart */
#define LABEL_MAX 30  /* code points of a chart label */

/* Chart geometry, in SVG user units (the viewBox; CSS scales it). */
#define CW 1040.0 /* chart width */
#define LW 220.0  /* label column, right-aligned at LW - 8 */
#define PW 500.0  /* plot width of a one-panel chart */
#define P2 340.0  /* plot width of each panel of the TPR/FPR chart */
#define GAP 100.0 /* between the two panels */
#define RH 24.0	  /* row height */
#define BH 14.0	  /* bar height */
#define TOP 30.0  /* room above the rows for panel titles, line labels */
#define BOT 42.0  /* room below for tick labels and the axis title */

typedef struct ctx {
	FILE *out;
	sqlite3 *db;
	int64_t run;
	int chart; /* charts written so far, for unique element ids */
	aud_err *err;
	int reid;    /* the run measured re-identification risk */
	int overlap; /* the run is one of auditor overlap */
} ctx;

/* ---- escaping and numbers ---------------------------------------- */

static void esc_valid(FILE *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				fputs("&#xFFFD;", out);
			else
				fputc(c, out);
		}
	}
}

/* Writes n bytes of s escaped for HTML text and attribute values. Each
 * call to the validator runs to the next bad byte, so this is linear. */
static void esc_n(FILE *out, const char *s, size_t n)
{
	size_t i = 0, bad;

	while (i < n) {
		bad = i + aud_utf8_invalid_at(s + i, n - i);
		esc_valid(out, s + i, bad - i);
		if (bad >= n)
			break;
		fputs("&#xFFFD;", out);
		i = bad + 1;
	}
}

static void esc(FILE *out, const unsigned char *s)
{
	if (s)
		esc_n(out, (const char *)s, strlen((const char *)s));
}

/* Escapes at most max code points of s, then an ellipsis if it was cut.
 * Cuts only before a byte that is not a continuation byte. */
static void esc_cut(FILE *out, const char *s, size_t max)
{
	size_t i, cps = 0, n = strlen(s);

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && cps++ == max)
			break;
	esc_n(out, s, i);
	if (i < n)
		fputs("&#8230;", out);
}

/* A REAL column, NaN for NULL. */
static double col_d(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
		   ? NAN
		   : sqlite3_column_double(st, i);
}

/* printf of one double, "n/a" for NaN, without the sign of a rounded
 * zero ("-0.000" reads as a finding, "+0.000" as a difference). */
static void num(FILE *out, const char *fmt, double v)
{
	char b[64];
	const char *p;
	int sign;

	if (isnan(v)) {
		fputs("n/a", out);
		return;
	}
	snprintf(b, sizeof b, fmt, v);
	sign = b[0] == '-' || b[0] == '+';
	for (p = b + sign; *p && (*p < '1' || *p > '9'); p++)
		if (*p == 'e') /* 0e+00 is zero; the exponent is not */
			break;
	fputs(sign && (!*p || *p == 'e') ? b + 1 : b, out);
}

/* An integer with thousands separators: 2546489 -> 2,546,489. */
static void thou(FILE *out, int64_t v)
{
	char b[32];
	int n, i;

	n = snprintf(b, sizeof b, "%" PRId64, v);
	for (i = 0; i < n; i++) {
		fputc(b[i], out);
		if (b[i] != '-' && i < n - 1 && (n - 1 - i) % 3 == 0)
			fputc(',', out);
	}
}

static void col_thou(FILE *out, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		fputs("n/a", out);
	else
		thou(out, sqlite3_column_int64(st, i));
}

/* ---- queries ------------------------------------------------------ */

static int prep(ctx *c, sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v2(c->db, sql, -1, st, NULL) != SQLITE_OK)
		return aud_err_set(c->err, AUD_ESTORE,
				   "cannot read the run: %s",
				   sqlite3_errmsg(c->db));
	sqlite3_bind_int64(*st, 1, c->run);
	return AUD_OK;
}

/* Finalizes st; an error unless the last step was SQLITE_DONE. */
static int fin(ctx *c, sqlite3_stmt *st, int step)
{
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return aud_err_set(c->err, AUD_ESTORE,
				   "cannot read the run: %s",
				   sqlite3_errmsg(c->db));
	return AUD_OK;
}

/* One integer (the first column of the first row), 0 when no row. */
static int scalar(ctx *c, const char *sql, int64_t *out)
{
	sqlite3_stmt *st;
	int rc, step;

	*out = 0;
	if ((rc = prep(c, &st, sql)))
		return rc;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		step = SQLITE_DONE;
	}
	return fin(c, st, step);
}

/* ---- page frame ---------------------------------------------------- */

static const char css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;background:#eef0f3;color:#1d2430;"
    "font:14px/1.45 \"DejaVu Sans\",system-ui,\"Segoe UI\",Roboto,"
    "Arial,sans-serif}\n"
    "main{max-width:1100px;margin:0 auto;padding:24px 30px 40px;"
    "background:#fff}\n"
    "header{border-bottom:3px solid #1f4e8c;padding-bottom:10px}\n"
    "h1{font-size:26px;margin:0 0 4px}\n"
    "h2{font-size:20px;margin:30px 0 10px;padding-bottom:4px;"
    "border-bottom:1px solid #d3d8e0;color:#1f4e8c}\n"
    "h3{font-size:17px;margin:26px 0 8px}\n"
    "h3 code{font-size:16px}\n"
    ".sub{color:#4f5b6e;margin:0}\n"
    "nav{font-size:13px;margin-top:8px}\n"
    "nav a{margin-right:14px;white-space:nowrap}\n"
    "a{color:#1f4e8c}\n"
    ".cards{display:grid;grid-template-columns:repeat(4,1fr);gap:10px;"
    "margin:8px 0}\n"
    ".card{border:1px solid #d3d8e0;border-radius:6px;padding:8px 12px;"
    "background:#f8f9fb}\n"
    ".card .v{display:block;font-size:22px;font-weight:700}\n"
    ".card .k{display:block;color:#4f5b6e;font-size:12px}\n"
    ".card.warn{border-color:#c2410c;background:#fff3ec}\n"
    "table{border-collapse:collapse;width:100%;margin:6px 0 10px;"
    "font-size:13px}\n"
    "th,td{border-bottom:1px solid #e2e5ea;padding:4px 8px;"
    "text-align:left;vertical-align:top}\n"
    "thead th{background:#eef1f5;border-bottom:2px solid #c6ccd6}\n"
    ".n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "td.n{white-space:nowrap}\n"
    "h4{font-size:14px;margin:14px 0 4px}\n"
    "code{font-family:\"DejaVu Sans Mono\",monospace;font-size:12px;"
    "overflow-wrap:anywhere}\n"
    "code.t{overflow-wrap:normal}\n"
    "table.kv th{width:270px;font-weight:600}\n"
    ".note{color:#4f5b6e;font-size:12.5px}\n"
    ".w{color:#b02a07;font-weight:600}\n"
    "figure{margin:12px 0 18px}\n"
    "figcaption{font-weight:600}\n"
    "svg{max-width:100%;height:auto;display:block}\n"
    "svg text{font-family:\"DejaVu Sans\",sans-serif;font-size:12px;"
    "fill:#1d2430}\n"
    "svg .tick{font-size:11px;fill:#4f5b6e}\n"
    "svg .pt{font-weight:700}\n"
    "svg .rl{fill:#b02a07;font-size:11px}\n"
    ".grid{stroke:#e2e5ea}\n"
    ".axis{stroke:#8d96a5}\n"
    ".ci{stroke:#1d2430;stroke-width:1.5}\n"
    ".line{stroke:#b02a07;stroke-width:1.5;stroke-dasharray:6 3}\n"
    ".b-ok{fill:#3a6fb0}.b-warn{fill:#d9480f}.b-na{fill:#b7bec9}"
    ".b-tpr{fill:#2a8a7e}.b-fpr{fill:#8458c0}\n"
    ".legend{font-size:12.5px;color:#394354;margin:2px 0 6px}\n"
    ".sw{display:inline-block;width:12px;height:12px;"
    "vertical-align:-1px;margin:0 5px 0 0;border-radius:2px}\n"
    ".legend span+.sw{margin-left:14px}\n"
    ".sw.ok{background:#3a6fb0}.sw.warn{background:#d9480f}"
    ".sw.na{background:#b7bec9}.sw.tpr{background:#2a8a7e}"
    ".sw.fpr{background:#8458c0}"
    ".sw.line{background:none;border-left:2px dashed #b02a07;"
    "border-radius:0;width:2px}\n"
    "footer{margin-top:34px;color:#4f5b6e;font-size:12px;"
    "border-top:1px solid #d3d8e0;padding-top:8px}\n"
    "@media print{body{background:#fff}main{padding:0}}\n";

static void head(ctx *c)
{
	fprintf(c->out,
		"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		"<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\""
		"default-src 'none'; style-src 'unsafe-inline'; "
		"img-src data:\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, "
		"initial-scale=1\">\n"
		"<meta name=\"generator\" content=\"auditor %s\">\n"
		"<link rel=\"icon\" href=\"data:,\">\n"
		"<title>auditor report: run %" PRId64 "</title>\n"
		"<style>\n%s</style>\n</head>\n<body>\n<main>\n",
		AUD_VERSION, c->run, css);
}

/* The header with the run's identity, and the table of contents. */
static int top(ctx *c, int64_t attributes)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = prep(c, &st,
		       "SELECT status, started_at, finished_at, "
		       "tool_version FROM runs WHERE run_id = ?1")))
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return aud_err_set(c->err, AUD_EUSAGE, "no run %" PRId64,
				   c->run);
	}
	fprintf(c->out, "<header>\n<h1>Dataset audit report</h1>\n"
			"<p class=\"sub\">auditor ");
	esc(c->out, sqlite3_column_text(st, 3));
	fprintf(c->out, " &middot; run %" PRId64 " &middot; ", c->run);
	esc(c->out, sqlite3_column_text(st, 0));
	fputs(" &middot; started ", c->out);
	esc(c->out, sqlite3_column_text(st, 1));
	if (sqlite3_column_text(st, 2)) {
		fputs(" &middot; finished ", c->out);
		esc(c->out, sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
	fputs("</p>\n<nav aria-label=\"Contents\">"
	      "<a href=\"#overview\">Overview</a>"
	      "<a href=\"#entities\">Findings by entity</a>"
	      "<a href=\"#fields\">Findings by field</a>"
	      "<a href=\"#pii-fields\">Fields with personal data</a>",
	      c->out);
	if (attributes)
		fputs("<a href=\"#bias\">Bias audit</a>", c->out);
	if (c->reid)
		fputs("<a href=\"#reid\">Re-identification risk</a>", c->out);
	if (c->overlap)
		fputs("<a href=\"#overlap\">Train/test overlap</a>", c->out);
	fputs("<a href=\"#repeated\">Repeated values</a>"
	      "<a href=\"#markers\">Redaction markers</a>"
	      "<a href=\"#manifest\">Manifest</a></nav>\n</header>\n",
	      c->out);
	return AUD_OK;
}

static void card(FILE *out, const char *key, int64_t v, int warn)
{
	fprintf(out, "<div class=\"card%s\"><span class=\"v\">",
		warn ? " warn" : "");
	thou(out, v);
	fprintf(out, "</span><span class=\"k\">%s</span></div>\n", key);
}

static int overview(ctx *c, int64_t attributes)
{
	sqlite3_stmt *st;
	int64_t flagged, suppressed, entities;
	double b;
	int rc, step;

	if ((rc = scalar(c,
			 "SELECT COUNT(*) FROM group_metrics WHERE "
			 "run_id = ?1 AND flag = 'four_fifths'",
			 &flagged)) ||
	    (rc = scalar(c,
			 "SELECT COALESCE(SUM(count), 0) FROM suppressed "
			 "WHERE run_id = ?1",
			 &suppressed)) ||
	    (rc = scalar(c,
			 "SELECT COUNT(*) FROM entity_counts WHERE "
			 "run_id = ?1 AND real > 0",
			 &entities)))
		return rc;
	if ((rc = prep(c, &st,
		       "SELECT files, files_failed, files_warning, "
		       "records, bytes_decoded, findings, "
		       "placeholders, problems FROM run_summary "
		       "WHERE run_id = ?1")))
		return rc;
	fputs("<section id=\"overview\" aria-labelledby=\"h-overview\">\n"
	      "<h2 id=\"h-overview\">Overview</h2>\n<div class=\"cards\">\n",
	      c->out);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		card(c->out, "input files", sqlite3_column_int64(st, 0), 0);
		card(c->out, "records", sqlite3_column_int64(st, 3), 0);
		card(c->out, "bytes decoded", sqlite3_column_int64(st, 4), 0);
		card(c->out, "findings (placeholders excluded)",
		     sqlite3_column_int64(st, 5),
		     sqlite3_column_int64(st, 5) > 0);
		card(c->out, "entity types found", entities, 0);
		card(c->out, "placeholders (test values)",
		     sqlite3_column_int64(st, 6), 0);
		card(c->out, "suppressed by the allowlist", suppressed, 0);
		card(c->out, "record problems", sqlite3_column_int64(st, 7),
		     sqlite3_column_int64(st, 7) > 0);
		card(c->out, "files failed", sqlite3_column_int64(st, 1),
		     sqlite3_column_int64(st, 1) > 0);
		card(c->out, "files with warnings", sqlite3_column_int64(st, 2),
		     0);
		card(c->out, "bias attributes audited", attributes, 0);
		card(c->out, "groups below four-fifths", flagged, flagged > 0);
		b = (double)sqlite3_column_int64(st, 4);
		step = SQLITE_DONE;
	} else {
		b = 0;
	}
	fputs("</div>\n<p class=\"note\">Bytes are counted after "
	      "decompression (",
	      c->out);
	if (b >= 1024.0 * 1024 * 1024)
		fprintf(c->out, "%.1f GiB", b / (1024.0 * 1024 * 1024));
	else if (b >= 1024.0 * 1024)
		fprintf(c->out, "%.1f MiB", b / (1024.0 * 1024));
	else
		fprintf(c->out, "%.1f KiB", b / 1024.0);
	fputs("). Findings hold a masked preview and a keyed hash, never the "
	      "value; placeholders are known documentation or test values "
	      "and are counted apart.</p>\n</section>\n",
	      c->out);
	return fin(c, st, step);
}

/* ---- manifest ------------------------------------------------------ */

static void kv(FILE *out, const char *key, const unsigned char *v, int code)
{
	fprintf(out, "<tr><th scope=\"row\">%s</th><td>%s", key,
		code ? "<code>" : "");
	if (v)
		esc(out, v);
	else
		fputs("n/a", out);
	fprintf(out, "%s</td></tr>\n", code ? "</code>" : "");
}

static int manifest(ctx *c)
{
	sqlite3_stmt *st;
	int rc, step, rows = 0;

	if ((rc = prep(c, &st,
		       "SELECT tool_version, run_id, status, "
		       "started_at, finished_at, options, "
		       "patterns_sha256, hash_key_fingerprint, "
		       "hash_key_source, allowlist_sha256 FROM runs "
		       "WHERE run_id = ?1")))
		return rc;
	fputs("<section id=\"manifest\" aria-labelledby=\"h-manifest\">\n"
	      "<h2 id=\"h-manifest\">Manifest</h2>\n"
	      "<table class=\"kv\">\n<tbody>\n"
	      "<tr><th scope=\"row\">tool</th><td>auditor</td></tr>\n",
	      c->out);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		kv(c->out, "version", sqlite3_column_text(st, 0), 0);
		kv(c->out, "run id", sqlite3_column_text(st, 1), 0);
		kv(c->out, "status", sqlite3_column_text(st, 2), 0);
		kv(c->out, "started (UTC)", sqlite3_column_text(st, 3), 0);
		kv(c->out, "finished (UTC)", sqlite3_column_text(st, 4), 0);
		kv(c->out, "options", sqlite3_column_text(st, 5), 1);
		kv(c->out, "pattern set SHA-256", sqlite3_column_text(st, 6),
		   1);
		kv(c->out, "hash key fingerprint", sqlite3_column_text(st, 7),
		   1);
		kv(c->out, "hash key source", sqlite3_column_text(st, 8), 0);
		kv(c->out, "allowlist SHA-256", sqlite3_column_text(st, 9), 1);
		step = SQLITE_DONE;
	}
	fputs("</tbody>\n</table>\n", c->out);
	if ((rc = fin(c, st, step)))
		return rc;
	if ((rc = prep(c, &st,
		       "SELECT path, size_bytes, sha256, "
		       "compression, format, records, status, error, "
		       "error_record, error_offset FROM files WHERE "
		       "run_id = ?1 ORDER BY file_id")))
		return rc;
	fputs("<h3>Inputs</h3>\n<table>\n<thead><tr>"
	      "<th scope=\"col\">path</th>"
	      "<th scope=\"col\" class=\"n\">bytes</th>"
	      "<th scope=\"col\">SHA-256</th>"
	      "<th scope=\"col\">compression</th>"
	      "<th scope=\"col\">format</th>"
	      "<th scope=\"col\" class=\"n\">records</th>"
	      "<th scope=\"col\">status</th></tr></thead>\n<tbody>\n",
	      c->out);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		rows++;
		fputs("<tr><td><code>", c->out);
		esc(c->out, sqlite3_column_text(st, 0));
		fputs("</code></td><td class=\"n\">", c->out);
		col_thou(c->out, st, 1);
		fputs("</td><td><code>", c->out);
		if (sqlite3_column_text(st, 2))
			esc(c->out, sqlite3_column_text(st, 2));
		else
			fputs("n/a", c->out);
		fputs("</code></td><td>", c->out);
		esc(c->out, sqlite3_column_text(st, 3));
		fputs("</td><td>", c->out);
		esc(c->out, sqlite3_column_text(st, 4));
		fputs("</td><td class=\"n\">", c->out);
		col_thou(c->out, st, 5);
		fputs("</td><td>", c->out);
		esc(c->out, sqlite3_column_text(st, 6));
		if (sqlite3_column_text(st, 7)) {
			fputs("<br><span class=\"note\">", c->out);
			if (sqlite3_column_type(st, 8) != SQLITE_NULL)
				fprintf(c->out, "record %" PRId64 ": ",
					(int64_t)sqlite3_column_int64(st, 8));
			esc(c->out, sqlite3_column_text(st, 7));
			fputs("</span>", c->out);
		}
		fputs("</td></tr>\n", c->out);
	}
	if (!rows)
		fputs("<tr><td colspan=\"7\">No inputs.</td></tr>\n", c->out);
	fputs("</tbody>\n</table>\n</section>\n", c->out);
	return fin(c, st, step);
}

/* ---- tables of findings -------------------------------------------- */

/* Column kinds of a generic table: text, code (monospace text that may
 * break anywhere: paths, field names), token (monospace, kept whole:
 * entity and class names), integer with separators. */
enum { K_TXT, K_CODE, K_TOK, K_INT };

typedef struct col {
	const char *head;
	int kind;
} col;

/* A section with one table of the rows of sql (run id bound to ?1). When
 * count_sql is given and says more rows exist than shown, a note says how
 * many. */
static int table(ctx *c, const char *id, const char *title, const char *intro,
		 const col *cols, int ncol, const char *sql,
		 const char *count_sql, int64_t shown_max)
{
	sqlite3_stmt *st;
	int64_t total = 0;
	int rc, step, i, rows = 0;

	if (count_sql && (rc = scalar(c, count_sql, &total)))
		return rc;
	if ((rc = prep(c, &st, sql)))
		return rc;
	fprintf(c->out,
		"<section id=\"%s\" aria-labelledby=\"h-%s\">\n"
		"<h2 id=\"h-%s\">%s</h2>\n",
		id, id, id, title);
	if (intro)
		fprintf(c->out, "<p class=\"note\">%s</p>\n", intro);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (rows++ == 0) {
			fputs("<table>\n<thead><tr>", c->out);
			for (i = 0; i < ncol; i++)
				fprintf(c->out, "<th scope=\"col\"%s>%s</th>",
					cols[i].kind == K_INT ? " class=\"n\""
							      : "",
					cols[i].head);
			fputs("</tr></thead>\n<tbody>\n", c->out);
		}
		fputs("<tr>", c->out);
		for (i = 0; i < ncol; i++) {
			const unsigned char *v = sqlite3_column_text(st, i);

			switch (cols[i].kind) {
			case K_INT:
				fputs("<td class=\"n\">", c->out);
				col_thou(c->out, st, i);
				fputs("</td>", c->out);
				break;
			case K_CODE:
			case K_TOK:
				fputs(cols[i].kind == K_TOK
					  ? "<td><code class=\"t\">"
					  : "<td><code>",
				      c->out);
				esc(c->out, v);
				fputs("</code></td>", c->out);
				break;
			default:
				fputs("<td>", c->out);
				esc(c->out, v);
				fputs("</td>", c->out);
			}
		}
		fputs("</tr>\n", c->out);
	}
	if (rows)
		fputs("</tbody>\n</table>\n", c->out);
	else
		fputs("<p>None found.</p>\n", c->out);
	if (total > shown_max) {
		fprintf(c->out,
			"<p class=\"note\">Showing the first %" PRId64 " of ",
			shown_max);
		thou(c->out, total);
		fputs(" rows; the CSV export and the database hold them "
		      "all.</p>\n",
		      c->out);
	}
	fputs("</section>\n", c->out);
	return fin(c, st, step);
}

static int findings(ctx *c)
{
	static const col ent[] = {{"entity", K_TOK},
				  {"findings", K_INT},
				  {"distinct values", K_INT},
				  {"placeholders", K_INT},
				  {"files", K_INT}};
	static const col fld[] = {{"field", K_CODE},
				  {"entity", K_TOK},
				  {"findings", K_INT},
				  {"distinct values", K_INT},
				  {"files", K_INT}};
	static const col pii[] = {{"field", K_CODE},
				  {"verdict", K_TXT},
				  {"why", K_TXT},
				  {"name says", K_TOK},
				  {"non-empty values", K_INT},
				  {"values with findings", K_INT},
				  {"files", K_INT}};
	int rc;

	if ((rc = table(c, "entities", "Findings by entity",
			"Findings exclude placeholders; distinct values are "
			"counted by keyed hash.",
			ent, 5,
			"SELECT entity, real, real_distinct_values, "
			"placeholders, files FROM entity_counts WHERE "
			"run_id = ?1 ORDER BY real DESC, placeholders DESC, "
			"entity",
			NULL, 0)) ||
	    (rc = table(c, "fields", "Findings by field",
			"The fields (CSV columns or JSON paths) and entities "
			"with the most findings, placeholders excluded.",
			fld, 5,
			"SELECT field, entity, COUNT(*) AS k, "
			"COUNT(DISTINCT value_hash), COUNT(DISTINCT file_id) "
			"FROM findings WHERE run_id = ?1 AND evidence <> "
			"'placeholder' GROUP BY field, entity ORDER BY k DESC, "
			"field, entity LIMIT 50",
			"SELECT COUNT(*) FROM (SELECT 1 FROM findings WHERE "
			"run_id = ?1 AND evidence <> 'placeholder' GROUP BY "
			"field, entity)",
			LIST_MAX)) ||
	    (rc = table(c, "pii-fields", "Fields with personal data",
			"Per field over all inputs, the strongest verdict: "
			"<b>personal</b> (the name says so, or at least half "
			"the values are one entity), <b>contains_personal</b> "
			"(some values hold findings), <b>quasi_identifier</b> "
			"(a demographic attribute).",
			pii, 7,
			"SELECT v.field, v.verdict, (SELECT f.reason FROM "
			"fields f WHERE f.run_id = v.run_id AND f.field = "
			"v.field AND f.verdict = v.verdict ORDER BY "
			"f.file_id LIMIT 1), v.name_class, "
			"v.values_non_empty, v.values_with_findings, v.files "
			"FROM field_verdicts v WHERE v.run_id = ?1 AND "
			"v.verdict <> 'none_found' ORDER BY CASE v.verdict "
			"WHEN 'personal' THEN 1 WHEN 'contains_personal' "
			"THEN 2 ELSE 3 END, v.field",
			NULL, 0)))
		return rc;
	return AUD_OK;
}

/* An overlap run's results (auditor overlap): its counts, and the first
 * matches with the places of both records. */
static int overlap(ctx *c)
{
	static const col cnt[] = {{"key", K_CODE},
				  {"train records", K_INT},
				  {"test records", K_INT},
				  {"test records in train", K_INT},
				  {"near duplicates", K_INT},
				  {"train duplicates", K_INT},
				  {"test duplicates", K_INT}};
	static const col mat[] = {{"kind", K_TOK},	  {"test input", K_CODE},
				  {"record", K_INT},	  {"first seen in", K_CODE},
				  {"record", K_INT},	  {"masked", K_CODE}};
	int rc;

	if ((rc = table(c, "overlap", "Train/test overlap",
			"Records of the test inputs whose key (or whole "
			"record) also occurs in the training inputs, and "
			"with <b>near</b> the near duplicates (MinHash); keys "
			"are compared by keyed hash, never stored.",
			cnt, 7,
			"SELECT COALESCE(key, '(whole record)'), "
			"train_records, test_records, test_in_train, "
			"near_test_records, train_duplicates, test_duplicates "
			"FROM overlap_runs WHERE run_id = ?1",
			NULL, 0)))
		return rc;
	return table(c, "overlap-matches", "Train/test overlap: first matches",
		     NULL, mat, 6,
		     "SELECT m.kind, a.path, m.record, b.path, m.first_record, "
		     "m.masked" AUD_OVERLAP_MATCHES_FROM
		     " ORDER BY m.kind, m.match_id LIMIT 50",
		     "SELECT COUNT(*) FROM overlap_matches WHERE run_id = ?1",
		     LIST_MAX);
}

/* The detail tables after the bias audit. */
static int details(ctx *c)
{
	static const col rep[] = {{"entity", K_TOK},
				  {"masked preview", K_CODE},
				  {"keyed hash", K_CODE},
				  {"occurrences", K_INT},
				  {"records", K_INT},
				  {"files", K_INT}};
	static const col mk[] = {{"field", K_CODE},
				 {"marker", K_CODE},
				 {"count", K_INT},
				 {"files", K_INT}};
	int rc;

	if ((rc = table(c, "repeated", "Repeated values",
			"Values (by keyed hash) found in more than one "
			"record: what a model trained on the data could "
			"memorise. Placeholders excluded. The keyed hash's "
			"start tells values with the same preview apart and "
			"finds their findings (<code>WHERE value_hash GLOB "
			"'start*'</code>).",
			rep, 6,
			"SELECT entity, masked, substr(value_hash, 1, 12), "
			"occurrences, records, files" AUD_REPEATED_FROM
			" LIMIT 50",
			"SELECT COUNT(*) FROM repeated_values WHERE run_id = "
			"?1 AND records > 1",
			LIST_MAX)) ||
	    (rc = table(c, "markers", "Redaction markers",
			"Markers left by earlier scrubbers (such as "
			"<code>[REDACTED]</code>); they are not findings.",
			mk, 4,
			"SELECT field, marker, SUM(count) AS k, "
			"COUNT(DISTINCT file_id) FROM markers WHERE run_id = "
			"?1 GROUP BY field, marker ORDER BY k DESC, field, "
			"marker LIMIT 100",
			"SELECT COUNT(*) FROM (SELECT 1 FROM markers WHERE "
			"run_id = ?1 GROUP BY field, marker)",
			MARKER_MAX)))
		return rc;
	return AUD_OK;
}

/* ---- bias audit ---------------------------------------------------- */

typedef struct grp {
	char *name;
	int64_t n;
	double share, sel, lo, hi, ir, tpr, fpr, srate, sir, exp, rep;
	int eligible, ref, small;
	char flag[24];
} grp;

static const char grp_cols[] =
    "SELECT group_value, n, share, selection_rate, ci_low, ci_high, "
    "impact_ratio, tpr, fpr, scoring_rate, scoring_impact_ratio, "
    "expected_share, representation_ratio, eligible, is_reference, small, "
    "flag, impact_ratio_ref, spd_ref, p_value, test, fnr, ppv, scored, "
    "missing_outcome FROM group_metrics WHERE run_id = ?1 AND attribute = "
    "?2 ORDER BY eligible DESC, n DESC, group_value LIMIT ?3";

static void grp_read(sqlite3_stmt *st, grp *g)
{
	const unsigned char *f = sqlite3_column_text(st, 16);

	g->n = sqlite3_column_int64(st, 1);
	g->share = col_d(st, 2);
	g->sel = col_d(st, 3);
	g->lo = col_d(st, 4);
	g->hi = col_d(st, 5);
	g->ir = col_d(st, 6);
	g->tpr = col_d(st, 7);
	g->fpr = col_d(st, 8);
	g->srate = col_d(st, 9);
	g->sir = col_d(st, 10);
	g->exp = col_d(st, 11);
	g->rep = col_d(st, 12);
	g->eligible = sqlite3_column_int(st, 13);
	g->ref = sqlite3_column_int(st, 14);
	g->small = sqlite3_column_int(st, 15);
	snprintf(g->flag, sizeof g->flag, "%s", f ? (const char *)f : "");
}

/* The flag in words, for charts and tables. */
static const char *flag_words(const grp *g)
{
	if (strcmp(g->flag, "four_fifths") == 0)
		return "below four-fifths";
	if (strcmp(g->flag, "below_min_share") == 0)
		return "not ranked: share under the minimum";
	if (strcmp(g->flag, "unknown") == 0)
		return "not ranked: unknown value";
	if (!g->eligible)
		return "not ranked";
	return NULL;
}

/* Bar class: not ranked groups grey; warn when warn is set. */
static const char *bar_class(const grp *g, int warn)
{
	if (!g->eligible)
		return "b-na";
	return warn ? "b-warn" : "b-ok";
}

/* <figure>, caption, legend (HTML) and the <svg> start with its <title>
 * and <desc>. caption and desc are ours; attr comes from data. */
static void fig_begin(ctx *c, const char *caption, const char *attr,
		      const char *legend, const char *desc, double h)
{
	int id = ++c->chart;

	fprintf(c->out, "<figure>\n<figcaption id=\"c%d\">%s: <code>", id,
		caption);
	esc_n(c->out, attr, strlen(attr));
	fprintf(c->out, "</code></figcaption>\n");
	if (legend)
		fprintf(c->out, "<div class=\"legend\">%s</div>\n", legend);
	fprintf(c->out,
		"<svg width=\"%.0f\" height=\"%.2f\" viewBox=\"0 0 %.0f %.2f\" "
		"role=\"img\" aria-labelledby=\"c%d-t\" "
		"aria-describedby=\"c%d-d\">\n<title id=\"c%d-t\">%s: ",
		CW, h, CW, h, id, id, id, caption);
	esc_n(c->out, attr, strlen(attr));
	fprintf(c->out, "</title>\n<desc id=\"c%d-d\">%s</desc>\n", id, desc);
}

static void fig_end(ctx *c, size_t shown, int64_t total)
{
	fputs("</svg>\n", c->out);
	if ((int64_t)shown < total) {
		fprintf(c->out,
			"<p class=\"note\">The chart shows the first "
			"%zu of ",
			shown);
		thou(c->out, total);
		fputs(" groups (ranked groups first, then by size); the table "
		      "below lists more.</p>\n",
		      c->out);
	}
	fputs("</figure>\n", c->out);
}

/* x position of v on a plot from x0, width w, scale 0..xmax (clamped). */
static double xpos(double x0, double w, double xmax, double v)
{
	if (isnan(v) || v < 0)
		v = 0;
	if (v > xmax)
		v = xmax;
	return x0 + w * v / xmax;
}

/* Grid lines and tick labels of one plot, and its axis title. */
static void axis(ctx *c, double x0, double w, double xmax, double step,
		 double y1, const char *title)
{
	int i, n = (int)floor(xmax / step + 1e-9);

	for (i = 0; i <= n; i++) {
		double x = x0 + w * (i * step) / xmax;

		fprintf(c->out,
			"<line class=\"grid\" x1=\"%.2f\" y1=\"%.2f\" "
			"x2=\"%.2f\" y2=\"%.2f\"/>"
			"<text class=\"tick\" x=\"%.2f\" y=\"%.2f\" "
			"text-anchor=\"middle\">%g</text>\n",
			x, TOP - 4, x, y1, x, y1 + 14, i * step);
	}
	fprintf(c->out,
		"<line class=\"axis\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
		"y2=\"%.2f\"/>\n<text x=\"%.2f\" y=\"%.2f\" "
		"text-anchor=\"middle\">%s</text>\n",
		x0, TOP - 4, x0, y1, x0 + w / 2, y1 + 32, title);
}

/* A dashed vertical line at v with its label above the plot. */
static void vline(ctx *c, double x0, double w, double xmax, double v, double y1,
		  const char *label)
{
	double x = xpos(x0, w, xmax, v);

	fprintf(c->out,
		"<line class=\"line\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
		"y2=\"%.2f\"/><text class=\"rl\" x=\"%.2f\" y=\"%.2f\" "
		"text-anchor=\"middle\">%s</text>\n",
		x, TOP - 10, x, y1, x, TOP - 14, label);
}

/* The start of one group's row: <g> with a <title> naming it, and its
 * label. The </g> is the caller's. */
static void row_begin(ctx *c, const grp *g, double y, const char *what,
		      double v, const char *fmt)
{
	fputs("<g><title>", c->out);
	esc_n(c->out, g->name, strlen(g->name));
	fprintf(c->out, ": %s ", what);
	num(c->out, fmt, v);
	fputs(", ", c->out);
	thou(c->out, g->n);
	fputs(" records", c->out);
	if (flag_words(g))
		fprintf(c->out, ", %s", flag_words(g));
	fprintf(c->out,
		"</title><text x=\"%.2f\" y=\"%.2f\" text-anchor=\"end\">",
		LW - 8, y + RH / 2 + 4);
	esc_cut(c->out, g->name, LABEL_MAX);
	fputs("</text>", c->out);
}

static void bar(ctx *c, const char *cls, double x0, double w, double xmax,
		double v, double y)
{
	if (isnan(v))
		return;
	fprintf(c->out,
		"<rect class=\"%s\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
		"height=\"%.2f\"/>",
		cls, x0, y + (RH - BH) / 2, xpos(x0, w, xmax, v) - x0, BH);
}

/* The value text of a row, in the column right of the plot. */
static void val_begin(ctx *c, double x, double y)
{
	fprintf(c->out, "<text x=\"%.2f\" y=\"%.2f\">", x, y + RH / 2 + 4);
}

/* A scale for ratios: at least 0..1, else up to the largest value
 * rounded up to a quarter, at most 3 (longer bars are cut; their value
 * is written beside them). */
static double ratio_max(const grp *g, size_t n, int which)
{
	double m = 1.0, v;
	size_t i;

	for (i = 0; i < n; i++) {
		v = which == 0 ? g[i].ir : which == 1 ? g[i].sir : g[i].rep;
		if (!isnan(v) && v > m)
			m = v;
	}
	m = ceil(m * 4 - 1e-9) / 4;
	return m > 3.0 ? 3.0 : m;
}

static double height(size_t n) { return TOP + RH * (double)n + BOT; }

static void chart_selection(ctx *c, const char *attr, const grp *g, size_t n,
			    int64_t total, int pred)
{
	double y1 = TOP + RH * (double)n, vx = LW + PW + 12;
	size_t i;

	fig_begin(c, "Selection rate per group, with its 95% interval", attr,
		  "<span class=\"sw ok\"></span><span>ranked group</span>"
		  "<span class=\"sw na\"></span><span>not ranked (unknown "
		  "value or share under the minimum)</span>",
		  pred ? "Horizontal bars: the share of each group's records "
			 "predicted positive; the black line across each bar "
			 "is the 95% Wilson score interval."
		       : "Horizontal bars: the share of each group's records "
			 "with the favourable outcome; the black line across "
			 "each bar is the 95% Wilson score interval.",
		  height(n));
	axis(c, LW, PW, 1.0, 0.25, y1, "selection rate");
	for (i = 0; i < n; i++) {
		double y = TOP + RH * (double)i, cy = y + RH / 2;

		row_begin(c, &g[i], y, "selection rate", g[i].sel, "%.3f");
		bar(c, bar_class(&g[i], 0), LW, PW, 1.0, g[i].sel, y);
		if (!isnan(g[i].lo) && !isnan(g[i].hi)) {
			double a = xpos(LW, PW, 1.0, g[i].lo);
			double b = xpos(LW, PW, 1.0, g[i].hi);

			fprintf(c->out,
				"<line class=\"ci\" x1=\"%.2f\" y1=\"%.2f\" "
				"x2=\"%.2f\" y2=\"%.2f\"/>"
				"<line class=\"ci\" x1=\"%.2f\" y1=\"%.2f\" "
				"x2=\"%.2f\" y2=\"%.2f\"/>"
				"<line class=\"ci\" x1=\"%.2f\" y1=\"%.2f\" "
				"x2=\"%.2f\" y2=\"%.2f\"/>",
				a, cy, b, cy, a, cy - 5, a, cy + 5, b, cy - 5,
				b, cy + 5);
		}
		val_begin(c, vx, y);
		num(c->out, "%.3f", g[i].sel);
		if (!isnan(g[i].lo)) {
			fputs(" [", c->out);
			num(c->out, "%.3f", g[i].lo);
			fputs(", ", c->out);
			num(c->out, "%.3f", g[i].hi);
			fputc(']', c->out);
		}
		if (g[i].small)
			fputs(" &#183; few records", c->out);
		if (g[i].ref)
			fputs(" &#183; reference", c->out);
		fputs("</text></g>\n", c->out);
	}
	fig_end(c, n, total);
}

static void chart_impact(ctx *c, const char *attr, const grp *g, size_t n,
			 int64_t total)
{
	double y1 = TOP + RH * (double)n, vx = LW + PW + 12;
	double xmax = ratio_max(g, n, 0);
	size_t i;

	fig_begin(c, "Impact ratio per group, against the four-fifths line",
		  attr,
		  "<span class=\"sw ok\"></span><span>0.8 or more</span>"
		  "<span class=\"sw warn\"></span><span>below four-fifths "
		  "(0.8)</span><span class=\"sw na\"></span><span>not "
		  "ranked</span><span class=\"sw line\"></span><span>the 0.8 "
		  "line</span>",
		  "Horizontal bars: each group's selection rate divided by the "
		  "highest selection rate among ranked groups. A dashed "
		  "vertical line marks 0.8, the EEOC four-fifths rule; "
		  "ranked groups below it are drawn in the warning colour.",
		  height(n));
	axis(c, LW, PW, xmax, xmax > 1.5 ? 0.5 : 0.25, y1, "impact ratio");
	for (i = 0; i < n; i++) {
		double y = TOP + RH * (double)i;
		int warn = strcmp(g[i].flag, "four_fifths") == 0;

		row_begin(c, &g[i], y, "impact ratio", g[i].ir, "%.3f");
		bar(c, bar_class(&g[i], warn), LW, PW, xmax, g[i].ir, y);
		val_begin(c, vx, y);
		num(c->out, "%.3f", g[i].ir);
		if (flag_words(&g[i]))
			fprintf(c->out, " &#183; %s", flag_words(&g[i]));
		fputs("</text></g>\n", c->out);
	}
	vline(c, LW, PW, xmax, 0.8, y1, "0.8 (four-fifths)");
	fig_end(c, n, total);
}

static void chart_errors(ctx *c, const char *attr, const grp *g, size_t n,
			 int64_t total)
{
	double y1 = TOP + RH * (double)n, x2 = LW + P2 + GAP;
	size_t i;

	fig_begin(c, "True and false positive rates per group", attr,
		  "<span class=\"sw tpr\"></span><span>TPR: predicted "
		  "positive among favourable outcomes</span><span "
		  "class=\"sw fpr\"></span><span>FPR: predicted positive "
		  "among the others</span>",
		  "Two panels side by side: on the left each group's true "
		  "positive rate, on the right its false positive rate, both "
		  "from 0 to 1. Equal rates across groups mean equalized "
		  "odds.",
		  height(n));
	fprintf(c->out,
		"<text class=\"pt\" x=\"%.2f\" y=\"%.2f\">TPR</text>"
		"<text class=\"pt\" x=\"%.2f\" y=\"%.2f\">FPR</text>\n",
		LW, TOP - 12, x2, TOP - 12);
	axis(c, LW, P2, 1.0, 0.25, y1, "true positive rate");
	axis(c, x2, P2, 1.0, 0.25, y1, "false positive rate");
	for (i = 0; i < n; i++) {
		double y = TOP + RH * (double)i;

		row_begin(c, &g[i], y, "TPR", g[i].tpr, "%.3f");
		bar(c, "b-tpr", LW, P2, 1.0, g[i].tpr, y);
		val_begin(c, xpos(LW, P2, 1.0, g[i].tpr) + 4, y);
		num(c->out, "%.3f", g[i].tpr);
		fputs("</text>", c->out);
		bar(c, "b-fpr", x2, P2, 1.0, g[i].fpr, y);
		val_begin(c, xpos(x2, P2, 1.0, g[i].fpr) + 4, y);
		num(c->out, "%.3f", g[i].fpr);
		fputs("</text></g>\n", c->out);
	}
	fig_end(c, n, total);
}

static void chart_scoring(ctx *c, const char *attr, const grp *g, size_t n,
			  int64_t total)
{
	double y1 = TOP + RH * (double)n, vx = LW + PW + 12;
	size_t i;

	fig_begin(c, "Scoring rate per group (NYC LL144)", attr,
		  "<span class=\"sw ok\"></span><span>scoring impact ratio "
		  "0.8 or more</span><span class=\"sw warn\"></span><span>"
		  "below 0.8</span><span class=\"sw na\"></span><span>not "
		  "ranked</span>",
		  "Horizontal bars: the share of each group's scored records "
		  "whose score is above the median of all scored records; "
		  "the text gives the scoring impact ratio.",
		  height(n));
	axis(c, LW, PW, 1.0, 0.25, y1, "scoring rate (share above the median)");
	for (i = 0; i < n; i++) {
		double y = TOP + RH * (double)i;
		int warn = g[i].eligible && !isnan(g[i].sir) && g[i].sir < 0.8;

		row_begin(c, &g[i], y, "scoring rate", g[i].srate, "%.3f");
		bar(c, bar_class(&g[i], warn), LW, PW, 1.0, g[i].srate, y);
		val_begin(c, vx, y);
		num(c->out, "%.3f", g[i].srate);
		fputs(" &#183; impact ", c->out);
		num(c->out, "%.3f", g[i].sir);
		if (warn)
			fputs(" (below 0.8)", c->out);
		fputs("</text></g>\n", c->out);
	}
	fig_end(c, n, total);
}

static void chart_representation(ctx *c, const char *attr, const grp *g,
				 size_t n)
{
	double xmax = ratio_max(g, n, 2), vx = LW + PW + 12, y1;
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += !isnan(g[i].exp);
	y1 = TOP + RH * (double)k;
	fig_begin(c, "Representation: observed share over expected share", attr,
		  "<span class=\"sw ok\"></span><span>observed / expected"
		  "</span><span class=\"sw line\"></span><span>1.0: as "
		  "expected</span>",
		  "Horizontal bars: for each group listed in the expected "
		  "shares, its share of the records divided by its expected "
		  "share; the dashed line at 1 means as expected.",
		  height(k));
	axis(c, LW, PW, xmax, xmax > 1.5 ? 0.5 : 0.25, y1,
	     "representation ratio");
	for (i = 0, k = 0; i < n; i++) {
		double y = TOP + RH * (double)k;

		if (isnan(g[i].exp))
			continue;
		k++;
		row_begin(c, &g[i], y, "representation ratio", g[i].rep,
			  "%.3f");
		bar(c, "b-ok", LW, PW, xmax, g[i].rep, y);
		val_begin(c, vx, y);
		num(c->out, "%.3f", g[i].rep);
		fputs(" &#183; expected ", c->out);
		num(c->out, "%.1f%%", g[i].exp * 100);
		if (g[i].n == 0)
			fputs(" &#183; missing from the data", c->out);
		fputs("</text></g>\n", c->out);
	}
	vline(c, LW, PW, xmax, 1.0, y1, "1.0 (expected)");
	fig_end(c, 0, 0);
}

typedef struct attr {
	char *name, *reference, *most;
	int pred, gof;
	int64_t groups, eligible, missing, scored;
	double chi2, dof, p, dpd, dpr, eod, eor, eqo, aod, median;
	double gchi2, gdof, gp;
} attr;

static void attr_kv(FILE *out, const char *key)
{
	fprintf(out, "<tr><th scope=\"row\">%s</th><td>", key);
}

static void attr_summary(ctx *c, const attr *a)
{
	FILE *o = c->out;

	fputs("<table class=\"kv\">\n<tbody>\n", o);
	attr_kv(o, "groups");
	thou(o, a->groups);
	fputs(" (", o);
	thou(o, a->eligible);
	fputs(" ranked)</td></tr>\n", o);
	attr_kv(o, "selection comes from");
	fputs(a->pred ? "predictions: the share predicted positive"
		      : "outcomes: the share with the favourable outcome",
	      o);
	fputs("</td></tr>\n", o);
	attr_kv(o, "most selected group");
	esc(o, (const unsigned char *)a->most);
	fputs("</td></tr>\n", o);
	attr_kv(o, "reference group");
	esc(o, (const unsigned char *)a->reference);
	fputs("</td></tr>\n", o);
	attr_kv(o, "records without an outcome");
	thou(o, a->missing);
	fputs("</td></tr>\n", o);
	attr_kv(o, "chi-square test across groups");
	fputs("&#967;&#178; = ", o);
	num(o, "%.2f", a->chi2);
	fputs(", dof ", o);
	num(o, "%.0f", a->dof);
	fputs(", p = ", o);
	num(o, "%.3g", a->p);
	fputs("</td></tr>\n", o);
	attr_kv(o, "demographic parity");
	fputs("difference ", o);
	num(o, "%.3f", a->dpd);
	fputs(", ratio ", o);
	num(o, "%.3f", a->dpr);
	fputs("</td></tr>\n", o);
	if (a->pred) {
		attr_kv(o, "equalized odds");
		fputs("difference ", o);
		num(o, "%.3f", a->eod);
		fputs(", ratio ", o);
		num(o, "%.3f", a->eor);
		fputs("</td></tr>\n", o);
		attr_kv(o, "equal opportunity difference");
		num(o, "%.3f", a->eqo);
		fputs("</td></tr>\n", o);
		attr_kv(o, "average odds difference");
		num(o, "%.3f", a->aod);
		fputs("</td></tr>\n", o);
	}
	if (a->scored >= 0) {
		attr_kv(o, "scored records (LL144)");
		thou(o, a->scored);
		fputs(", median score ", o);
		num(o, "%g", a->median);
		fputs("</td></tr>\n", o);
	}
	if (a->gof) {
		attr_kv(o, "representativeness (goodness of fit)");
		fputs("&#967;&#178; = ", o);
		num(o, "%.2f", a->gchi2);
		fputs(", dof ", o);
		num(o, "%.0f", a->gdof);
		fputs(", p = ", o);
		num(o, "%.3g", a->gp);
		fputs("</td></tr>\n", o);
	}
	fputs("</tbody>\n</table>\n", o);
}

static void th_col(FILE *out, const char *h, int numeric)
{
	fprintf(out, "<th scope=\"col\"%s>%s</th>",
		numeric ? " class=\"n\"" : "", h);
}

static void td_num(FILE *out, const char *fmt, double v)
{
	fputs("<td class=\"n\">", out);
	num(out, fmt, v);
	fputs("</td>", out);
}

/* The notes of a group in words. */
static void group_notes(FILE *o, const grp *g, int64_t missing)
{
	const char *w = flag_words(g), *sep = "";

	if (w) {
		fprintf(o, "%s%s</span>",
			strcmp(g->flag, "four_fifths") == 0
			    ? "<span class=\"w\">"
			    : "<span>",
			w);
		sep = "; ";
	}
	if (g->ref) {
		fprintf(o, "%sreference", sep);
		sep = "; ";
	}
	if (g->small) {
		fprintf(o, "%sfew records: the interval is wider than 0.2",
			sep);
		sep = "; ";
	}
	if (missing > 0) {
		fputs(sep, o);
		thou(o, missing);
		fputs(" without an outcome", o);
	}
}

/* The table of the groups (up to GROUP_MAX), streamed from the store:
 * part 0 the selection figures, part 1 the error rates, scoring rates
 * and representativeness (the columns that apply). */
static int group_table(ctx *c, const attr *a, int part, int scored,
		       int expected)
{
	sqlite3_stmt *st;
	int rc, step;
	grp g;
	FILE *o = c->out;

	if ((rc = prep(c, &st, grp_cols)))
		return rc;
	sqlite3_bind_text(st, 2, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, GROUP_MAX);
	fputs("<table>\n<thead><tr>", o);
	th_col(o, "group", 0);
	th_col(o, "records", 1);
	if (part == 0) {
		th_col(o, "share", 1);
		th_col(o, "selection rate", 1);
		th_col(o, "95% interval", 1);
		th_col(o, "impact ratio", 1);
		th_col(o, "ratio to reference", 1);
		th_col(o, "difference to reference", 1);
		th_col(o, "p-value (test)", 1);
		th_col(o, "notes", 0);
	} else {
		if (a->pred) {
			th_col(o, "TPR", 1);
			th_col(o, "FPR", 1);
			th_col(o, "FNR", 1);
			th_col(o, "PPV", 1);
		}
		if (scored) {
			th_col(o, "scored", 1);
			th_col(o, "scoring rate", 1);
			th_col(o, "scoring impact ratio", 1);
		}
		if (expected) {
			th_col(o, "expected share", 1);
			th_col(o, "observed / expected", 1);
		}
	}
	fputs("</tr></thead>\n<tbody>\n", o);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		grp_read(st, &g);
		fputs("<tr><th scope=\"row\">", o);
		esc(o, sqlite3_column_text(st, 0));
		fputs("</th><td class=\"n\">", o);
		thou(o, g.n);
		fputs("</td>", o);
		if (part == 0) {
			td_num(o, "%.1f%%", g.share * 100);
			td_num(o, "%.3f", g.sel);
			fputs("<td class=\"n\">", o);
			num(o, "%.3f", g.lo);
			fputs("&#8211;", o);
			num(o, "%.3f", g.hi);
			fprintf(o, "</td><td class=\"n%s\">",
				strcmp(g.flag, "four_fifths") == 0 ? " w" : "");
			num(o, "%.3f", g.ir);
			fputs("</td>", o);
			td_num(o, "%.3f", col_d(st, 17));
			td_num(o, "%+.3f", col_d(st, 18));
			fputs("<td class=\"n\">", o);
			num(o, "%.3g", col_d(st, 19));
			if (sqlite3_column_text(st, 20)) {
				fputs(" (", o);
				esc(o, sqlite3_column_text(st, 20));
				fputc(')', o);
			}
			fputs("</td><td>", o);
			group_notes(o, &g, sqlite3_column_int64(st, 24));
			fputs("</td>", o);
		} else {
			if (a->pred) {
				td_num(o, "%.3f", g.tpr);
				td_num(o, "%.3f", g.fpr);
				td_num(o, "%.3f", col_d(st, 21));
				td_num(o, "%.3f", col_d(st, 22));
			}
			if (scored) {
				fputs("<td class=\"n\">", o);
				col_thou(o, st, 23);
				fputs("</td>", o);
				td_num(o, "%.3f", g.srate);
				td_num(o, "%.3f", g.sir);
			}
			if (expected) {
				td_num(o, "%.1f%%", g.exp * 100);
				td_num(o, "%.3f", g.rep);
			}
		}
		fputs("</tr>\n", o);
	}
	fputs("</tbody>\n</table>\n", o);
	if (a->groups > GROUP_MAX) {
		fprintf(o, "<p class=\"note\">Showing the first %d of ",
			GROUP_MAX);
		thou(o, a->groups);
		fputs(" groups; the CSV export holds them all.</p>\n", o);
	}
	return fin(c, st, step);
}

static void grps_free(grp *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(g[i].name);
}

/* One attribute: its summary, the charts, the group table. */
static int attribute(ctx *c, const attr *a, int idx)
{
	sqlite3_stmt *st;
	grp g[CHART_MAX];
	size_t n = 0, i;
	int rc, step, scored = 0, expected = 0;

	if ((rc = prep(c, &st, grp_cols)))
		return rc;
	sqlite3_bind_text(st, 2, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, CHART_MAX);
	while ((step = sqlite3_step(st)) == SQLITE_ROW && n < CHART_MAX) {
		const unsigned char *v = sqlite3_column_text(st, 0);

		g[n].name = strdup(v ? (const char *)v : "");
		if (!g[n].name) {
			sqlite3_finalize(st);
			grps_free(g, n);
			return aud_err_set(c->err, AUD_ENOMEM, "out of memory");
		}
		grp_read(st, &g[n]);
		scored |= !isnan(g[n].srate);
		expected |= !isnan(g[n].exp);
		n++;
	}
	if (step == SQLITE_ROW)
		step = SQLITE_DONE;
	if ((rc = fin(c, st, step))) {
		grps_free(g, n);
		return rc;
	}
	fprintf(c->out,
		"<section id=\"bias-%d\" aria-labelledby=\"h-bias-%d\">\n"
		"<h3 id=\"h-bias-%d\">Attribute <code>",
		idx, idx, idx);
	esc_n(c->out, a->name, strlen(a->name));
	fputs("</code></h3>\n", c->out);
	attr_summary(c, a);
	if (n) {
		chart_selection(c, a->name, g, n, a->groups, a->pred);
		chart_impact(c, a->name, g, n, a->groups);
		if (a->pred)
			chart_errors(c, a->name, g, n, a->groups);
		if (scored)
			chart_scoring(c, a->name, g, n, a->groups);
		if (expected)
			chart_representation(c, a->name, g, n);
	}
	for (i = 0; i < n; i++)
		free(g[i].name);
	fputs("<h4>Groups: selection</h4>\n", c->out);
	rc = group_table(c, a, 0, scored, expected);
	if (!rc && (a->pred || scored || expected)) {
		fprintf(c->out, "<h4>Groups: %s</h4>\n",
			a->pred ? "error rates and scores"
				: "scores and shares");
		rc = group_table(c, a, 1, scored, expected);
	}
	fputs("</section>\n", c->out);
	return rc;
}

static char *dup_col(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return strdup(v ? (const char *)v : "");
}

static int bias(ctx *c)
{
	sqlite3_stmt *st;
	int rc = AUD_OK, step, idx = 0;
	attr a;

	if ((rc = prep(c, &st,
		       "SELECT attribute, groups, reference_group, "
		       "most_selected_group, has_predictions, "
		       "missing_outcome, chi2, chi2_dof, chi2_p, "
		       "dp_difference, dp_ratio, eo_difference, eo_ratio, "
		       "eq_opportunity_difference, average_odds_difference, "
		       "scored, score_median, gof_chi2, gof_dof, gof_p, "
		       "(SELECT COUNT(*) FROM group_metrics g WHERE "
		       "g.run_id = a.run_id AND g.attribute = a.attribute AND "
		       "g.eligible) FROM attribute_metrics a WHERE run_id = ?1 "
		       "ORDER BY attribute")))
		return rc;
	fputs("<section id=\"bias\" aria-labelledby=\"h-bias\">\n"
	      "<h2 id=\"h-bias\">Bias audit</h2>\n"
	      "<p class=\"note\">Per protected attribute and group: the "
	      "selection rate with its 95% Wilson score interval; the impact "
	      "ratio, the selection rate over that of the most selected "
	      "ranked group (EEOC four-fifths rule, NYC LL144); the "
	      "difference and significance test against the reference "
	      "group. Groups of unknown value or under the minimum share "
	      "are shown but not ranked; \"few records\" marks an interval "
	      "wider than 0.2.</p>\n",
	      c->out);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&a, 0, sizeof a);
		a.name = dup_col(st, 0);
		a.reference = dup_col(st, 2);
		a.most = dup_col(st, 3);
		a.groups = sqlite3_column_int64(st, 1);
		a.pred = sqlite3_column_int(st, 4);
		a.missing = sqlite3_column_int64(st, 5);
		a.chi2 = col_d(st, 6);
		a.dof = col_d(st, 7);
		a.p = col_d(st, 8);
		a.dpd = col_d(st, 9);
		a.dpr = col_d(st, 10);
		a.eod = col_d(st, 11);
		a.eor = col_d(st, 12);
		a.eqo = col_d(st, 13);
		a.aod = col_d(st, 14);
		a.scored = sqlite3_column_type(st, 15) == SQLITE_NULL
			       ? -1
			       : sqlite3_column_int64(st, 15);
		a.median = col_d(st, 16);
		a.gchi2 = col_d(st, 17);
		a.gdof = col_d(st, 18);
		a.gp = col_d(st, 19);
		a.gof = sqlite3_column_type(st, 18) != SQLITE_NULL;
		a.eligible = sqlite3_column_int64(st, 20);
		if (!a.name || !a.reference || !a.most)
			rc = aud_err_set(c->err, AUD_ENOMEM, "out of memory");
		else
			rc = attribute(c, &a, ++idx);
		free(a.name);
		free(a.reference);
		free(a.most);
		if (rc) {
			sqlite3_finalize(st);
			return rc;
		}
	}
	fputs("</section>\n", c->out);
	return fin(c, st, step);
}

/* ---- re-identification risk ---------------------------------------- */

/* A share as a percentage with two decimals, n/a for NULL. */
static void pct(FILE *out, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		fputs("n/a", out);
	else
		fprintf(out, "%.2f%%", 100 * sqlite3_column_double(st, i));
}

/* The smallest class sizes first: they are the risk. */
static int kanon_sizes(ctx *c, int64_t k)
{
	sqlite3_stmt *st;
	int64_t total, shown = 0, records;
	int rc, step;

	if ((rc = scalar(c,
			 "SELECT COUNT(*) FROM kanon_sizes WHERE run_id = ?1",
			 &total)) ||
	    (rc = scalar(c,
			 "SELECT records FROM kanon_metrics WHERE run_id = ?1",
			 &records)) ||
	    (rc = prep(c, &st,
		       "SELECT class_size, classes, class_size * classes FROM "
		       "kanon_sizes WHERE run_id = ?1 ORDER BY class_size "
		       "LIMIT 20")))
		return rc;
	fputs("<h3>Class sizes</h3>\n<table>\n<thead><tr>"
	      "<th scope=\"col\" class=\"n\">records in the class</th>"
	      "<th scope=\"col\" class=\"n\">classes</th>"
	      "<th scope=\"col\" class=\"n\">records</th>"
	      "<th scope=\"col\" class=\"n\">share of the records</th>"
	      "</tr></thead>\n<tbody>\n",
	      c->out);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t size = sqlite3_column_int64(st, 0);

		fprintf(c->out, "<tr%s><td class=\"n\">",
			size < k ? " class=\"w\"" : "");
		thou(c->out, size);
		fputs("</td><td class=\"n\">", c->out);
		thou(c->out, sqlite3_column_int64(st, 1));
		fputs("</td><td class=\"n\">", c->out);
		thou(c->out, sqlite3_column_int64(st, 2));
		fputs("</td><td class=\"n\">", c->out);
		num(c->out, "%.2f%%",
		    records ? 100.0 * (double)sqlite3_column_int64(st, 2) /
				      (double)records
			    : NAN);
		fputs("</td></tr>\n", c->out);
		shown++;
	}
	fputs("</tbody>\n</table>\n", c->out);
	if (total > shown) {
		fprintf(c->out,
			"<p class=\"note\">The %" PRId64 " smallest of ",
			shown);
		thou(c->out, total);
		fputs(" class sizes; table <code>kanon_sizes</code> holds "
		      "them all.</p>\n",
		      c->out);
	}
	return fin(c, st, step);
}

static int reidentification(ctx *c)
{
	sqlite3_stmt *st;
	const unsigned char *q;
	int64_t k, n, all;
	int rc, step, sens;

	if ((rc = prep(c, &st,
		       "SELECT quasi_identifiers, sensitive, k, records, "
		       "classes, k_anonymity, classes_below_k, "
		       "records_below_k, share_below_k, unique_records, "
		       "share_unique, l_diversity, classes_l_below_2, "
		       "records_l_below_2, spills, (SELECT TOTAL(records) "
		       "FROM files f WHERE f.run_id = m.run_id) FROM "
		       "kanon_metrics m WHERE run_id = ?1")))
		return rc;
	if ((step = sqlite3_step(st)) != SQLITE_ROW)
		return fin(c, st, step);
	q = sqlite3_column_text(st, 0);
	k = sqlite3_column_int64(st, 2);
	n = sqlite3_column_int64(st, 3);
	all = sqlite3_column_int64(st, 15);
	sens = sqlite3_column_type(st, 11) != SQLITE_NULL;
	fputs("<section id=\"reid\" aria-labelledby=\"h-reid\">\n"
	      "<h2 id=\"h-reid\">Re-identification risk</h2>\n"
	      "<p class=\"note\">Records that share every value of the "
	      "quasi-identifiers form an equivalence class. Someone who knows "
	      "these attributes of a person can single out their record when "
	      "the class is small, names or not (Sweeney: zip code, birth date "
	      "and sex single out most Americans). The data set is "
	      "<i>k</i>-anonymous for <i>k</i> up to its smallest class; "
	      "<i>l</i>-diversity counts the distinct values of the sensitive "
	      "column in the least diverse class (with one, everyone in it "
	      "has that value). Missing values form a value of their own. No "
	      "value of a class is stored, only these counts.</p>\n"
	      "<div class=\"cards\">\n",
	      c->out);
	card(c->out, "records", n, 0);
	card(c->out, "equivalence classes", sqlite3_column_int64(st, 4), 0);
	card(c->out, "k-anonymity (the smallest class)",
	     sqlite3_column_int64(st, 5), n > 0 && sqlite3_column_int64(st, 5) < k);
	card(c->out, "records in classes under k", sqlite3_column_int64(st, 7),
	     sqlite3_column_int64(st, 7) > 0);
	card(c->out, "unique records", sqlite3_column_int64(st, 9),
	     sqlite3_column_int64(st, 9) > 0);
	if (sens) {
		card(c->out, "l-diversity", sqlite3_column_int64(st, 11),
		     sqlite3_column_int64(st, 11) < 2);
		card(c->out, "classes with one sensitive value",
		     sqlite3_column_int64(st, 12),
		     sqlite3_column_int64(st, 12) > 0);
	}
	fputs("</div>\n<table class=\"kv\">\n<tbody>\n", c->out);
	kv(c->out, "quasi-identifiers", q, 1);
	fprintf(c->out, "<tr><th scope=\"row\">k</th><td>%" PRId64
			"</td></tr>\n", k);
	fputs("<tr><th scope=\"row\">share of the records in classes "
	      "under k</th><td>",
	      c->out);
	pct(c->out, st, 8);
	fputs("</td></tr>\n<tr><th scope=\"row\">share of unique "
	      "records</th><td>",
	      c->out);
	pct(c->out, st, 10);
	fputs("</td></tr>\n", c->out);
	if (sens) {
		kv(c->out, "sensitive column", sqlite3_column_text(st, 1), 1);
		fputs("<tr><th scope=\"row\">records in classes with one "
		      "sensitive value</th><td>",
		      c->out);
		thou(c->out, sqlite3_column_int64(st, 13));
		fputs("</td></tr>\n", c->out);
	}
	fputs("<tr><th scope=\"row\">records counted</th><td>", c->out);
	thou(c->out, n);
	fputs(" of ", c->out);
	thou(c->out, all);
	if (n < all)
		fputs(" <span class=\"w\">(inputs that failed are left "
		      "out)</span>",
		      c->out);
	fputs("</td></tr>\n<tr><th scope=\"row\">memory</th><td>", c->out);
	if (sqlite3_column_int64(st, 14) > 0) {
		fputs("the classes outgrew the memory budget and were moved "
		      "to a temporary database ",
		      c->out);
		thou(c->out, sqlite3_column_int64(st, 14));
		fputs(" times, as keyed hashes", c->out);
	} else {
		fputs("counted in memory", c->out);
	}
	fputs("</td></tr>\n</tbody>\n</table>\n", c->out);
	sqlite3_finalize(st);
	if ((rc = kanon_sizes(c, k)))
		return rc;
	fputs("</section>\n", c->out);
	return AUD_OK;
}

int aud_report_html(FILE *out, aud_store *s, int64_t run_id, aud_err *err)
{
	ctx c = {out, aud_store_db(s), run_id, 0, err, 0, 0};
	int64_t attributes, reid = 0;
	int rc;

	if (!aud_report_run_exists(s, run_id))
		return aud_err_set(err, AUD_EUSAGE,
				   "no run %" PRId64 " in the database",
				   run_id);
	if ((rc = scalar(&c,
			 "SELECT COUNT(*) FROM attribute_metrics WHERE "
			 "run_id = ?1",
			 &attributes)))
		return rc;
	/* A database made before the kanon tables has none. */
	if ((rc = scalar(&c,
			 "SELECT COUNT(*) FROM sqlite_schema WHERE type = "
			 "'table' AND name = 'kanon_metrics'",
			 &reid)) ||
	    (reid && (rc = scalar(&c,
				  "SELECT COUNT(*) FROM kanon_metrics WHERE "
				  "run_id = ?1",
				  &reid))))
		return rc;
	c.reid = reid > 0;
	c.overlap = aud_overlap_run_has(s, run_id);
	head(&c);
	if ((rc = top(&c, attributes)) || (rc = overview(&c, attributes)) ||
	    (rc = findings(&c)) || (attributes && (rc = bias(&c))) ||
	    (c.reid && (rc = reidentification(&c))) ||
	    (c.overlap && (rc = overlap(&c))) ||
	    (rc = details(&c)) || (rc = manifest(&c)))
		return rc;
	fprintf(out,
		"<footer>Written by auditor %s from the results database "
		"alone (run %" PRId64 "). This page holds no scripts and "
		"loads nothing from the network; the charts are inline "
		"SVG.</footer>\n</main>\n</body>\n</html>\n",
		AUD_VERSION, run_id);
	if (ferror(out))
		return aud_err_set(err, AUD_EIO, "cannot write the report");
	return AUD_OK;
}
