/*
 * report_profiles.c: the ll144, eeoc and eu-ai-act documents of one run
 * (report_profiles.h). Every figure is read from the store: the bias
 * metrics come from group_metrics and attribute_metrics as fairness.c
 * computed them, the selection counts of the four-fifths table from the
 * summed group_counts, personal data from the views over findings and
 * fields. Nothing is recomputed here except sums and the choice of words.
 *
 * Tables are collected in memory first so that plain text can be aligned;
 * each keeps at most MAX_ROWS rows and says how many it left out, so a
 * database with millions of finding places cannot exhaust memory. Values
 * that came from the data (group names, paths, fields) are written with
 * control characters replaced (text) or Markdown punctuation escaped
 * (markdown), so they cannot break the layout or a terminal.
 */
#include "auditor/report_profiles.h"
#include "auditor/overlap.h"
#include "auditor/report.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS 2000 /* data rows kept per table */
#define WRAP 78	      /* plain-text paragraphs are wrapped here */

struct ctx {
	FILE *out;
	sqlite3 *db;
	int64_t run;
	int md;
	int overlap; /* the run is one of auditor overlap */
	int rc; /* sticky: once set, every helper does nothing */
	aud_err *err;
	char *opts; /* runs.options, owned; "" when NULL */
};

static void fail_db(struct ctx *c)
{
	if (!c->rc)
		c->rc =
		    aud_err_set(c->err, AUD_ESTORE, "cannot read the run: %s",
				sqlite3_errmsg(c->db));
}

static void fail_mem(struct ctx *c)
{
	if (!c->rc)
		c->rc = aud_err_set(c->err, AUD_ENOMEM, "out of memory");
}

/* Prepares sql with the run bound to ?1 and, when given, arg to ?2.
 * NULL on failure (c->rc set). */
static sqlite3_stmt *q(struct ctx *c, const char *sql, const char *arg)
{
	sqlite3_stmt *st = NULL;

	if (c->rc)
		return NULL;
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK) {
		fail_db(c);
		sqlite3_finalize(st);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, c->run);
	if (arg)
		sqlite3_bind_text(st, 2, arg, -1, SQLITE_TRANSIENT);
	return st;
}

/* 1 while there is a row; 0 at the end or on an error (c->rc set). */
static int next(struct ctx *c, sqlite3_stmt *st)
{
	int r;

	if (!st || c->rc)
		return 0;
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		return 1;
	if (r != SQLITE_DONE)
		fail_db(c);
	return 0;
}

/* The first column of the first row as an integer; 0 when none. */
static int64_t q_int(struct ctx *c, const char *sql, const char *arg)
{
	sqlite3_stmt *st = q(c, sql, arg);
	int64_t v = 0;

	if (next(c, st))
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* ---- cell formatting ------------------------------------------------ */

static const char *s_txt(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v ? (const char *)v : "-";
}

static const char *s_int(char *b, size_t n, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return "-";
	snprintf(b, n, "%" PRId64, (int64_t)sqlite3_column_int64(st, i));
	return b;
}

/* A rate or ratio with four decimals; "-" for NULL (undefined). */
static const char *s_fix(char *b, size_t n, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return "-";
	snprintf(b, n, "%.4f", sqlite3_column_double(st, i));
	return b;
}

/* A p-value or statistic with four significant digits. */
static const char *s_g(char *b, size_t n, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return "-";
	snprintf(b, n, "%.4g", sqlite3_column_double(st, i));
	return b;
}

static const char *plural(int64_t n) { return n == 1 ? "" : "s"; }

/* ---- writing ------------------------------------------------------- */

/* Display width: UTF-8 continuation bytes take no column. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

static int mdpunct(int ch) { return ch && strchr("\\|*`<>[]#", ch) != NULL; }

static int alnum(int ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
	       (ch >= 'A' && ch <= 'Z') || (unsigned char)ch >= 0x80;
}

/* Writes n bytes of s as data: control characters become '?' (a space in
 * Markdown for line breaks and tabs); in Markdown, punctuation that could
 * start markup is escaped, '_' only where it could open emphasis. */
static void put_n(struct ctx *c, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 || ch == 0x7f) {
			fputc(c->md && (ch == '\n' || ch == '\r' || ch == '\t')
				  ? ' '
				  : '?',
			      c->out);
			continue;
		}
		if (c->md && (mdpunct(ch) ||
			      (ch == '_' && (i == 0 || !alnum(s[i - 1]) ||
					     i + 1 == n || !alnum(s[i + 1])))))
			fputc('\\', c->out);
		fputc(ch, c->out);
	}
}

static void put(struct ctx *c, const char *s) { put_n(c, s, strlen(s)); }

static char *vfmt(struct ctx *c, const char *fmt, va_list ap)
{
	char *s;

	if (c->rc)
		return NULL;
	if (vasprintf(&s, fmt, ap) < 0) {
		fail_mem(c);
		return NULL;
	}
	return s;
}

/* Plain text: s wrapped at WRAP columns, first line after p1, the others
 * after p2. Words longer than a line stay whole. */
static void wrap(struct ctx *c, const char *s, const char *p1, const char *p2)
{
	size_t col = width(p1), start = col;

	fputs(p1, c->out);
	while (*s) {
		size_t n = strcspn(s, " "), w = 0, i;

		if (n == 0) {
			s++;
			continue;
		}
		for (i = 0; i < n; i++)
			if (((unsigned char)s[i] & 0xC0) != 0x80)
				w++;
		if (col > start && col + 1 + w > WRAP) {
			fputc('\n', c->out);
			fputs(p2, c->out);
			col = start = width(p2);
		} else if (col > start) {
			fputc(' ', c->out);
			col++;
		}
		put_n(c, s, n);
		col += w;
		s += n;
	}
	fputc('\n', c->out);
}

static void heading(struct ctx *c, int level, const char *fmt, ...)
{
	va_list ap;
	char *s;
	size_t i, w;

	va_start(ap, fmt);
	s = vfmt(c, fmt, ap);
	va_end(ap);
	if (!s)
		return;
	if (c->md) {
		for (i = 0; i < (size_t)level; i++)
			fputc('#', c->out);
		fputc(' ', c->out);
		put(c, s);
		fputs("\n\n", c->out);
	} else {
		put(c, s);
		fputc('\n', c->out);
		w = width(s);
		for (i = 0; i < w; i++)
			fputc(level == 1   ? '='
			      : level == 2 ? '-'
					   : '~',
			      c->out);
		fputs("\n\n", c->out);
	}
	free(s);
}

static void para(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vfmt(c, fmt, ap);
	va_end(ap);
	if (!s)
		return;
	if (c->md) {
		put(c, s);
		fputc('\n', c->out);
	} else {
		wrap(c, s, "", "");
	}
	fputc('\n', c->out);
	free(s);
}

/* One item of a bullet list; the caller ends the list with a blank line. */
static void item(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vfmt(c, fmt, ap);
	va_end(ap);
	if (!s)
		return;
	if (c->md) {
		fputs("- ", c->out);
		put(c, s);
		fputc('\n', c->out);
	} else {
		wrap(c, s, "  - ", "    ");
	}
	free(s);
}

/* ---- tables --------------------------------------------------------- */

struct tbl {
	int ncol;
	int header;	   /* row 0 is a header; 0 for a key/value list */
	const char *align; /* 'l' or 'r' per column */
	size_t nrow, cap, omitted;
	char **cell; /* row-major, nrow * ncol */
};

static void tbl_row(struct ctx *c, struct tbl *t, const char *const *v)
{
	size_t i, n = (size_t)t->ncol;

	if (c->rc)
		return;
	if (t->nrow >= MAX_ROWS + (size_t)t->header) {
		t->omitted++;
		return;
	}
	if (t->nrow == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **p = realloc(t->cell, cap * n * sizeof *p);

		if (!p) {
			fail_mem(c);
			return;
		}
		t->cell = p;
		t->cap = cap;
	}
	for (i = 0; i < n; i++) {
		t->cell[t->nrow * n + i] = strdup(v[i] ? v[i] : "");
		if (!t->cell[t->nrow * n + i]) {
			while (i--)
				free(t->cell[t->nrow * n + i]);
			fail_mem(c);
			return;
		}
	}
	t->nrow++;
}

static void tbl_init(struct ctx *c, struct tbl *t, int ncol, const char *align,
		     const char *const *header)
{
	memset(t, 0, sizeof *t);
	t->ncol = ncol;
	t->align = align;
	t->header = header != NULL;
	if (header)
		tbl_row(c, t, header);
}

static void tbl_free(struct tbl *t)
{
	size_t i;

	for (i = 0; i < t->nrow * (size_t)t->ncol; i++)
		free(t->cell[i]);
	free(t->cell);
	memset(t, 0, sizeof *t);
}

static void pad(FILE *out, size_t n)
{
	while (n--)
		fputc(' ', out);
}

static void md_sep(struct ctx *c, const struct tbl *t)
{
	int i;

	for (i = 0; i < t->ncol; i++)
		fputs(t->align[i] == 'r' ? "|---:" : "|---", c->out);
	fputs("|\n", c->out);
}

/* Writes the table (or "None." when it has no data row) and frees it. */
static void tbl_print(struct ctx *c, struct tbl *t)
{
	size_t r, i, n = (size_t)t->ncol, w[16] = {0};

	if (c->rc || n > 16)
		goto done;
	if (t->nrow == (size_t)t->header) {
		para(c, "None.");
		goto done;
	}
	if (c->md) {
		/* A key/value list gets an empty header: Markdown tables
		 * need one. */
		if (!t->header) {
			for (i = 0; i < n; i++)
				fputs("| ", c->out);
			fputs("|\n", c->out);
			md_sep(c, t);
		}
		for (r = 0; r < t->nrow; r++) {
			for (i = 0; i < n; i++) {
				fputs("| ", c->out);
				put(c, t->cell[r * n + i]);
				fputc(' ', c->out);
			}
			fputs("|\n", c->out);
			if (r == 0 && t->header)
				md_sep(c, t);
		}
	} else {
		for (r = 0; r < t->nrow; r++)
			for (i = 0; i < n; i++) {
				size_t x = width(t->cell[r * n + i]);

				if (x > w[i])
					w[i] = x;
			}
		for (r = 0; r < t->nrow; r++) {
			fputs("  ", c->out);
			for (i = 0; i < n; i++) {
				const char *v = t->cell[r * n + i];
				size_t x = width(v);

				if (i)
					fputs("  ", c->out);
				if (t->align[i] == 'r')
					pad(c->out, w[i] - x);
				put(c, v);
				if (t->align[i] != 'r' && i + 1 < n)
					pad(c->out, w[i] - x);
			}
			fputc('\n', c->out);
			if (r == 0 && t->header) {
				fputs("  ", c->out);
				for (i = 0; i < n; i++) {
					size_t k;

					if (i)
						fputs("  ", c->out);
					for (k = 0; k < w[i]; k++)
						fputc('-', c->out);
				}
				fputc('\n', c->out);
			}
		}
	}
	fputc('\n', c->out);
	if (t->omitted)
		para(c,
		     "(%zu more row%s not shown here; they are in the "
		     "database.)",
		     t->omitted, t->omitted == 1 ? "" : "s");
done:
	tbl_free(t);
}

/* ---- the run's options (a JSON object) ------------------------------ */

static const char *jws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* p at '"': returns just past the closing quote, or at the NUL. */
static const char *jstr(const char *p)
{
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p + 1 : p;
}

static const char *jval(const char *p)
{
	int depth = 0;

	if (*p == '"')
		return jstr(p);
	if (*p != '{' && *p != '[') {
		while (*p && !strchr(",}] \t\r\n", *p))
			p++;
		return p;
	}
	while (*p) {
		if (*p == '"') {
			p = jstr(p);
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && --depth == 0)
			return p + 1;
		p++;
	}
	return p;
}

/* Finds the top-level member key of the object js: 1 with its value's raw
 * JSON text in *v, *n; 0 when absent or the JSON is not an object. */
static int opt_raw(const char *js, const char *key, const char **v, size_t *n)
{
	const char *p = jws(js), *k, *e;

	if (*p != '{')
		return 0;
	p++;
	for (;;) {
		p = jws(p);
		if (*p != '"')
			return 0;
		k = p + 1;
		e = jstr(p);
		if (!*e && e[-1] != '"')
			return 0;
		p = jws(e);
		if (*p != ':')
			return 0;
		*v = p = jws(p + 1);
		p = jval(p);
		*n = (size_t)(p - *v);
		if ((size_t)(e - 1 - k) == strlen(key) &&
		    memcmp(k, key, (size_t)(e - 1 - k)) == 0)
			return 1;
		p = jws(p);
		if (*p != ',')
			return 0;
		p++;
	}
}

/* Appends the JSON string at p (up to end) to b without its quotes,
 * undoing \" and \\; other escapes are kept as written. */
static const char *jcopy_str(const char *p, const char *end, char *b,
			     size_t cap, size_t *len)
{
	for (p++; p < end && *p != '"'; p++) {
		if (*p == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\'))
			p++;
		if (*len + 1 < cap)
			b[(*len)++] = *p;
	}
	return p < end ? p + 1 : p;
}

/* The option key as words: a string without its quotes, an array of
 * strings joined by ", ", anything else as its JSON. Returns b, or NULL
 * when the option is absent, null, "" or []. */
static const char *opt(struct ctx *c, const char *key, char *b, size_t cap)
{
	const char *v, *p, *end;
	size_t n, len = 0;

	if (!opt_raw(c->opts, key, &v, &n) || n == 0 ||
	    (n == 4 && memcmp(v, "null", 4) == 0))
		return NULL;
	end = v + n;
	if (*v == '"') {
		jcopy_str(v, end, b, cap, &len);
	} else if (*v == '[') {
		for (p = jws(v + 1); p < end && *p == '"';) {
			if (len && len + 2 < cap) {
				b[len++] = ',';
				b[len++] = ' ';
			}
			p = jws(jcopy_str(p, end, b, cap, &len));
			if (*p == ',')
				p = jws(p + 1);
		}
		if (p < end && *p != ']') { /* not all strings: the JSON */
			snprintf(b, cap, "%.*s", (int)n, v);
			len = strlen(b);
		}
	} else {
		snprintf(b, cap, "%.*s", (int)n, v);
		len = strlen(b);
	}
	b[len < cap ? len : cap - 1] = '\0';
	return len ? b : NULL;
}

/* The --min-share of the run as a percentage ("2%"), or a phrase. */
static const char *min_share_pct(struct ctx *c, char *b, size_t cap)
{
	char v[64];

	if (!opt(c, "min_share", v, sizeof v))
		return "the minimum share";
	snprintf(b, cap, "%g%%", strtod(v, NULL) * 100);
	return b;
}

/* ---- the manifest (every profile starts with it) ---------------------- */

static void manifest(struct ctx *c)
{
	static const char run_sql[] =
	    "SELECT tool_version, status, started_at, finished_at, "
	    "patterns_sha256, hash_key_fingerprint, hash_key_source, "
	    "allowlist_sha256 FROM runs WHERE run_id = ?1";
	static const char *const hdr[] = {"path", "bytes", "SHA-256", "status"};
	sqlite3_stmt *st;
	struct tbl t;
	char run[32], b[32];
	size_t fence = 3, k, i;
	const char *p;

	heading(c, 2, "Manifest");
	tbl_init(c, &t, 2, "ll", NULL);
	st = q(c, run_sql, NULL);
	if (next(c, st)) {
		const char *kv[][2] = {
		    {"tool", "auditor"},
		    {"version", s_txt(st, 0)},
		    {"run", run},
		    {"status", s_txt(st, 1)},
		    {"started", s_txt(st, 2)},
		    {"finished", s_txt(st, 3)},
		    {"pattern set SHA-256", s_txt(st, 4)},
		    {"hash key fingerprint", s_txt(st, 5)},
		    {"hash key source", s_txt(st, 6)},
		    {"allowlist SHA-256", s_txt(st, 7)},
		};

		snprintf(run, sizeof run, "%" PRId64, c->run);
		for (i = 0; i < sizeof kv / sizeof *kv; i++)
			tbl_row(c, &t, kv[i]);
	}
	sqlite3_finalize(st);
	tbl_print(c, &t);
	if (c->rc)
		return;

	/* The options exactly as stored. */
	if (c->md) {
		for (p = c->opts, k = 0; *p; p++) {
			k = *p == '`' ? k + 1 : 0;
			if (k >= fence)
				fence = k + 1;
		}
		fputs("Options:\n\n", c->out);
		for (k = 0; k < fence; k++)
			fputc('`', c->out);
		fputs("json\n", c->out);
		fputs(*c->opts ? c->opts : "null", c->out);
		fputc('\n', c->out);
		for (k = 0; k < fence; k++)
			fputc('`', c->out);
		fputs("\n\n", c->out);
	} else {
		fputs("Options:\n  ", c->out);
		put(c, *c->opts ? c->opts : "null");
		fputs("\n\n", c->out);
	}

	para(c, "Inputs:");
	tbl_init(c, &t, 4, "lrll", hdr);
	st = q(c,
	       "SELECT path, size_bytes, sha256, status FROM files WHERE "
	       "run_id = ?1 ORDER BY file_id",
	       NULL);
	while (next(c, st)) {
		const char *v[] = {s_txt(st, 0), s_int(b, sizeof b, st, 1),
				   s_txt(st, 2), s_txt(st, 3)};

		tbl_row(c, &t, v);
	}
	sqlite3_finalize(st);
	tbl_print(c, &t);
}

/* ---- shared pieces of the bias sections ------------------------------ */

/* Attributes in the order the scan stored them, single ones before
 * intersections (whose names hold a comma). */
static const char attrs_sql[] =
    "SELECT attribute, groups, reference_group, most_selected_group, "
    "has_predictions, missing_outcome, chi2, chi2_dof, chi2_p, scored, "
    "score_median, gof_chi2, gof_dof, gof_p FROM attribute_metrics "
    "WHERE run_id = ?1 ORDER BY instr(attribute, ',') > 0, rowid";

static const char unknown_sql[] =
    "SELECT COALESCE(SUM(n), 0) FROM group_metrics WHERE run_id = ?1 AND "
    "attribute = ?2 AND instr(group_value, '(unknown)') > 0";

static int no_bias(struct ctx *c)
{
	if (q_int(c, "SELECT COUNT(*) FROM attribute_metrics WHERE run_id = ?1",
		  NULL) > 0)
		return 0;
	para(c, "This run has no bias audit. Scan with --group (and "
		"--intersect) together with --outcome, --prediction or --score "
		"to have one.");
	return 1;
}

/* Where the selection rates come from, in words. */
static const char *selection_source(struct ctx *c, char *b, size_t cap)
{
	char col[256], val[512];

	if (opt(c, "prediction", col, sizeof col)) {
		snprintf(b, cap, "the predictions in '%s' (positive: %s)", col,
			 opt(c, "predicted_positive", val, sizeof val) ? val
								       : "-");
	} else if (opt(c, "threshold", val, sizeof val) &&
		   opt(c, "score", col, sizeof col)) {
		snprintf(b, cap, "the scores in '%s' at or above %s", col, val);
	} else if (opt(c, "outcome", col, sizeof col)) {
		snprintf(b, cap, "the outcome '%s' (favourable: %s)", col,
			 opt(c, "positive", val, sizeof val) ? val : "-");
	} else {
		return NULL;
	}
	return b;
}

/* Are records without an outcome left out of the selection rates of the
 * attribute row a (attrs_sql)? Only when the rates come from an outcome:
 * with predictions every predicted record counts, and without an outcome
 * column every record would be "missing". */
static int counts_missing(struct ctx *c, sqlite3_stmt *a)
{
	char b[8];

	return sqlite3_column_int64(a, 5) > 0 && !sqlite3_column_int(a, 4) &&
	       opt(c, "outcome", b, sizeof b) != NULL;
}

/* ---- ll144 ------------------------------------------------------------ */

static void ll144_scoring(struct ctx *c, char *b, size_t cap)
{
	sqlite3_stmt *st;
	char col[256], med[64];

	b[0] = '\0';
	st = q(c,
	       "SELECT score_median, scored FROM attribute_metrics WHERE "
	       "run_id = ?1 AND scored > 0 ORDER BY rowid LIMIT 1",
	       NULL);
	if (next(c, st))
		snprintf(b, cap,
			 "the share of the individuals scoring above the "
			 "median score (%s) of all %" PRId64 " scored, from "
			 "'%s'",
			 s_g(med, sizeof med, st, 0),
			 (int64_t)sqlite3_column_int64(st, 1),
			 opt(c, "score", col, sizeof col) ? col : "-");
	sqlite3_finalize(st);
}

static void ll144_attribute(struct ctx *c, sqlite3_stmt *a)
{
	const char *attr = s_txt(a, 0);
	int inter = strchr(attr, ',') != NULL, sel, sco, nparts = 1, i, k;
	const char *parts[4] = {NULL};
	char names[256], who[300], *p, b[8][48], pct[32], *excl = NULL;
	int64_t total, unknown;
	sqlite3_stmt *st;
	struct tbl t;
	const char *hdr[12], *row[12];
	char align[13];
	size_t elen = 0;
	FILE *ex;

	snprintf(names, sizeof names, "%s", attr);
	parts[0] = names;
	if (inter) {
		for (p = names; (p = strchr(p, ',')) && nparts < 3; p++) {
			*p = '\0';
			parts[nparts++] = p + 1;
		}
		if (strchr(attr, ',') && p) /* more parts than we split */
			nparts = 1, parts[0] = attr;
		heading(c, 2, "Intersectional categories: %s", attr);
	} else {
		heading(c, 2, "%s categories", attr);
	}
	sel = q_int(c,
		    "SELECT COUNT(selection_rate) FROM group_metrics WHERE "
		    "run_id = ?1 AND attribute = ?2",
		    attr) > 0;
	sco = sqlite3_column_int64(a, 9) > 0;
	k = 0;
	for (i = 0; i < nparts; i++) {
		hdr[k] = nparts > 1 ? parts[i] : "category";
		align[k++] = 'l';
	}
	hdr[k] = "number of applicants";
	align[k++] = 'r';
	if (sel) {
		hdr[k] = "selection rate";
		align[k++] = 'r';
		hdr[k] = "impact ratio";
		align[k++] = 'r';
	}
	if (sco) {
		hdr[k] = "scoring rate";
		align[k++] = 'r';
		hdr[k] = sel ? "impact ratio (scoring)" : "impact ratio";
		align[k++] = 'r';
	}
	align[k] = '\0';
	tbl_init(c, &t, k, align, hdr);
	st = q(c,
	       "SELECT group_value, n, selection_rate, impact_ratio, "
	       "scoring_rate, scoring_impact_ratio, eligible, flag FROM "
	       "group_metrics WHERE run_id = ?1 AND attribute = ?2 AND n > 0 "
	       "AND instr(group_value, '(unknown)') = 0 ORDER BY eligible "
	       "DESC, group_value",
	       attr);
	while (next(c, st)) {
		const char *g = s_txt(st, 0), *flag = s_txt(st, 7);
		int elig = sqlite3_column_int(st, 6);
		int below = strcmp(flag, "below_min_share") == 0;
		char *gv = strdup(g), *gp[4] = {gv};
		int ng = 1;

		if (!gv) {
			fail_mem(c);
			break;
		}

		/* "F | Black" into one column per attribute of the
		 * intersection; a value that does not split evenly (such as
		 * "(other)") stays whole in the first column. */
		if (nparts > 1) {
			char *s = gv;

			while (ng < 4 && (s = strstr(s, " | "))) {
				*s = '\0';
				s += 3;
				gp[ng++] = s;
			}
			if (ng != nparts) {
				strcpy(gv, g);
				ng = 1;
			}
		}
		k = 0;
		for (i = 0; i < nparts; i++)
			row[k++] = i < ng ? gp[i] : "";
		row[k++] = s_int(b[0], sizeof b[0], st, 1);
		if (sel) {
			row[k++] = s_fix(b[1], sizeof b[1], st, 2);
			row[k++] = below  ? "excluded"
				   : elig ? s_fix(b[2], sizeof b[2], st, 3)
					  : "not ranked";
		}
		if (sco) {
			row[k++] = s_fix(b[3], sizeof b[3], st, 4);
			/* Ranked among the groups with selections when
			 * there are any; the store leaves it NULL else. */
			row[k++] = below ? "excluded"
					 : s_fix(b[4], sizeof b[4], st, 5);
		}
		tbl_row(c, &t, row);
		free(gv);
	}
	sqlite3_finalize(st);
	tbl_print(c, &t);

	total = q_int(c,
		      "SELECT COALESCE(SUM(n), 0) FROM group_metrics WHERE "
		      "run_id = ?1 AND attribute = ?2",
		      attr);
	unknown = q_int(c, unknown_sql, attr);
	who[0] = '\0';
	for (i = 0; i < nparts; i++)
		snprintf(who + strlen(who), sizeof who - strlen(who), "%s%s",
			 i ? " or " : "", parts[i]);
	item(c, "Individuals assessed: %" PRId64 ".", total);
	item(c,
	     "Unknown category: %" PRId64 " individual%s whose %s is "
	     "unknown (empty or missing)%s.",
	     unknown, plural(unknown), who,
	     unknown ? "; they are not in the table above nor in the impact "
		       "ratios"
		     : "");
	if (counts_missing(c, a))
		item(c,
		     "Without an outcome: %" PRId64 " individual%s, counted "
		     "above but left out of the selection rates.",
		     (int64_t)sqlite3_column_int64(a, 5),
		     plural(sqlite3_column_int64(a, 5)));

	/* Excluded categories, named as in the table. */
	ex = c->rc ? NULL : open_memstream(&excl, &elen);
	if (!c->rc && !ex)
		fail_mem(c);
	st = q(c,
	       "SELECT group_value, n FROM group_metrics WHERE run_id = ?1 "
	       "AND attribute = ?2 AND n > 0 AND flag = 'below_min_share' "
	       "ORDER BY group_value",
	       attr);
	i = 0;
	while (ex && next(c, st))
		if (ftell(ex) < 4096)
			fprintf(ex, "%s%s (%" PRId64 " individual%s)",
				i++ ? ", " : "", s_txt(st, 0),
				(int64_t)sqlite3_column_int64(st, 1),
				plural(sqlite3_column_int64(st, 1)));
	sqlite3_finalize(st);
	if (ex) {
		fclose(ex);
		if (i)
			item(c,
			     "Note: %s %s excluded from the impact ratio "
			     "calculations because %s under %s of the data; "
			     "%s numbers are still shown in the table.",
			     excl, i == 1 ? "is" : "are",
			     i == 1 ? "it represents" : "each represents",
			     min_share_pct(c, pct, sizeof pct),
			     i == 1 ? "its" : "their");
		else
			item(c,
			     "Excluded from the impact ratio calculations "
			     "(under %s of the data): none.",
			     min_share_pct(c, pct, sizeof pct));
	}
	free(excl);
	if (!c->rc)
		fputc('\n', c->out);
}

static void ll144(struct ctx *c)
{
	sqlite3_stmt *st;
	struct tbl t;
	char b[1200], sc[1024], rec[32], pct[32];

	para(c,
	     "Summary of the results of a bias audit, laid out as NYC "
	     "Local Law 144 and the DCWP rules (6 RCNY 5-300) ask: per "
	     "category, the number of individuals assessed, the selection "
	     "or scoring rate and the impact ratio; the individuals in an "
	     "unknown category; and the categories under %s of the data "
	     "left out of the impact ratios. Every figure comes from the "
	     "audit database.",
	     min_share_pct(c, pct, sizeof pct));
	heading(c, 2, "Audit");
	tbl_init(c, &t, 2, "ll", NULL);
	st = q(c,
	       "SELECT COALESCE(finished_at, 'not finished (' || status "
	       "|| ')') FROM runs WHERE run_id = ?1",
	       NULL);
	if (next(c, st)) {
		const char *v[] = {"date of the audit", s_txt(st, 0)};

		tbl_row(c, &t, v);
	}
	sqlite3_finalize(st);
	st = q(c,
	       "SELECT path, sha256, records FROM files WHERE run_id = ?1 "
	       "ORDER BY file_id",
	       NULL);
	while (next(c, st)) {
		const char *v[] = {"source of the data", b};

		snprintf(b, sizeof b, "%s (SHA-256 %s, %" PRId64 " records)",
			 s_txt(st, 0), s_txt(st, 1),
			 (int64_t)sqlite3_column_int64(st, 2));
		tbl_row(c, &t, v);
	}
	sqlite3_finalize(st);
	snprintf(rec, sizeof rec, "%" PRId64,
		 q_int(c,
		       "SELECT COALESCE(SUM(records), 0) FROM files WHERE "
		       "run_id = ?1",
		       NULL));
	{
		const char *v[] = {"individuals assessed", rec};

		tbl_row(c, &t, v);
	}
	if (selection_source(c, b, sizeof b)) {
		const char *v[] = {"selection rates from", b};

		tbl_row(c, &t, v);
	}
	ll144_scoring(c, sc, sizeof sc);
	if (sc[0]) {
		const char *v[] = {"scoring rate", sc};

		tbl_row(c, &t, v);
	}
	tbl_print(c, &t);
	para(c, "The impact ratio of a category is its selection (or "
		"scoring) rate divided by the rate of the most selected "
		"category among those ranked.");
	if (no_bias(c))
		return;
	st = q(c, attrs_sql, NULL);
	while (next(c, st))
		ll144_attribute(c, st);
	sqlite3_finalize(st);
}

/* ---- eeoc --------------------------------------------------------------- */

static void eeoc_attribute(struct ctx *c, sqlite3_stmt *a)
{
	static const char *const hdr[] = {
	    "group",	      "applicants",   "selected",
	    "selection rate", "impact ratio", "adverse impact",
	    "test",	      "p-value",      "significant at 0.05"};
	const char *attr = s_txt(a, 0);
	sqlite3_stmt *st;
	struct tbl t;
	char b[8][48], pct[32], chi[48], dof[48], p[48];

	heading(c, 2, "%s", attr);
	para(c,
	     "Highest selection rate: %s. Reference group of the tests: %s. "
	     "Chi-square across the groups: %s (dof %s), p = %s.",
	     s_txt(a, 3), s_txt(a, 2), s_g(chi, sizeof chi, a, 6),
	     s_g(dof, sizeof dof, a, 7), s_g(p, sizeof p, a, 8));
	tbl_init(c, &t, 9, "lrrrrllrl", hdr);
	st = q(c,
	       "SELECT g.group_value, "
	       " COALESCE((SELECT SUM(CASE WHEN ?3 THEN x.n_pred ELSE "
	       "  x.n_outcome END) FROM group_counts x WHERE x.run_id = "
	       "  g.run_id AND x.attribute = g.attribute AND x.group_value = "
	       "  g.group_value), 0), "
	       " COALESCE((SELECT SUM(CASE WHEN ?3 THEN x.pred_pos ELSE "
	       "  x.pos END) FROM group_counts x WHERE x.run_id = g.run_id "
	       "  AND x.attribute = g.attribute AND x.group_value = "
	       "  g.group_value), 0), "
	       " g.selection_rate, g.impact_ratio, g.eligible, g.flag, "
	       " g.is_reference, g.test, g.p_value "
	       "FROM group_metrics g WHERE g.run_id = ?1 AND g.attribute = ?2 "
	       "AND g.n > 0 ORDER BY g.eligible DESC, g.group_value",
	       attr);
	if (st)
		sqlite3_bind_int(st, 3, sqlite3_column_int(a, 4) != 0);
	while (next(c, st)) {
		const char *flag = s_txt(st, 6), *adv, *test, *sig;
		int elig = sqlite3_column_int(st, 5);
		int ref = sqlite3_column_int(st, 7);
		char why[64];

		if (strcmp(flag, "four_fifths") == 0)
			adv = "yes";
		else if (strcmp(flag, "below_min_share") == 0) {
			snprintf(why, sizeof why, "excluded (under %s)",
				 min_share_pct(c, pct, sizeof pct));
			adv = why;
		} else if (strcmp(flag, "unknown") == 0)
			adv = "not ranked (unknown)";
		else
			adv = elig ? "no" : "not ranked";
		if (ref)
			test = "reference";
		else if (strcmp(s_txt(st, 8), "fisher") == 0)
			test = "Fisher exact";
		else if (strcmp(s_txt(st, 8), "z") == 0)
			test = "two-proportion z";
		else
			test = s_txt(st, 8);
		if (sqlite3_column_type(st, 9) == SQLITE_NULL)
			sig = "-";
		else
			sig =
			    sqlite3_column_double(st, 9) < 0.05 ? "yes" : "no";
		{
			const char *v[] = {s_txt(st, 0),
					   s_int(b[0], sizeof b[0], st, 1),
					   s_int(b[1], sizeof b[1], st, 2),
					   s_fix(b[2], sizeof b[2], st, 3),
					   s_fix(b[3], sizeof b[3], st, 4),
					   adv,
					   test,
					   ref ? "-"
					       : s_g(b[4], sizeof b[4], st, 9),
					   ref ? "-" : sig};

			tbl_row(c, &t, v);
		}
	}
	sqlite3_finalize(st);
	tbl_print(c, &t);
	if (counts_missing(c, a))
		para(c,
		     "%" PRId64 " record%s had no outcome and %s left out of "
		     "the applicants above.",
		     (int64_t)sqlite3_column_int64(a, 5),
		     plural(sqlite3_column_int64(a, 5)),
		     sqlite3_column_int64(a, 5) == 1 ? "is" : "are");
}

static void eeoc(struct ctx *c)
{
	sqlite3_stmt *st;
	char b[1200], pct[32];

	heading(c, 2, "The four-fifths rule");
	para(c, "Under the Uniform Guidelines on Employee Selection Procedures "
		"(29 CFR 1607.4(D)), a selection rate for a group that is less "
		"than four-fifths (80%%) of the rate of the group with the "
		"highest rate is generally regarded as evidence of adverse "
		"impact. The impact ratio below is each group's selection "
		"rate divided by the highest rate among the ranked groups; "
		"adverse impact is indicated when it is under 0.8, decided on "
		"the integer counts (a ratio of exactly 0.8 is not flagged).");
	para(c,
	     "Selections are counted from %s. Groups under %s of the "
	     "records, groups with an unknown value and groups without "
	     "counted selections are shown but not ranked.",
	     selection_source(c, b, sizeof b) ? b : "no outcome",
	     min_share_pct(c, pct, sizeof pct));
	para(c, "Practical and statistical significance: the four-fifths rule "
		"is a rule of thumb about the size of a difference. The "
		"Guidelines also say that smaller differences may be adverse "
		"impact when they are significant in both statistical and "
		"practical terms, and that greater differences need not be "
		"when they rest on small numbers and are not statistically "
		"significant. Each group is therefore also compared with the "
		"reference group by a two-sided test of its 2x2 table of "
		"selected and not selected: Fisher's exact test when an "
		"expected cell is under 5, else the pooled two-proportion "
		"z-test. 'Significant at 0.05' means p < 0.05. With small "
		"groups a large difference may not be significant; with large "
		"samples a small one usually is; and among many groups some "
		"will be significant by chance.");
	if (no_bias(c))
		return;
	if (!selection_source(c, b, sizeof b)) {
		para(c,
		     "No selections were counted in this run: the table needs "
		     "an outcome (--outcome), predictions (--prediction) or a "
		     "score threshold (--threshold).");
		return;
	}
	st = q(c, attrs_sql, NULL);
	while (next(c, st))
		eeoc_attribute(c, st);
	sqlite3_finalize(st);
}

/* ---- eu-ai-act ----------------------------------------------------------- */

static void eu_sources(struct ctx *c)
{
	static const char *const hdr[] = {"path",    "bytes",	"SHA-256",
					  "records", "format",	"compression",
					  "status",  "problems"};
	sqlite3_stmt *st;
	struct tbl t;
	char b[3][32];

	heading(c, 2, "Data sources");
	para(c,
	     "The inputs of the run, as read (Article 10(2)(b): origin of "
	     "the data). Bytes are the raw size; the SHA-256 is over the raw "
	     "bytes, so the same files can be verified later with auditor "
	     "verify.");
	tbl_init(c, &t, 8, "lrlrlllr", hdr);
	st = q(c,
	       "SELECT path, size_bytes, sha256, records, format, compression, "
	       "status, problems FROM files WHERE run_id = ?1 ORDER BY file_id",
	       NULL);
	while (next(c, st)) {
		const char *v[] = {
		    s_txt(st, 0), s_int(b[0], sizeof b[0], st, 1),
		    s_txt(st, 2), s_int(b[1], sizeof b[1], st, 3),
		    s_txt(st, 4), s_txt(st, 5),
		    s_txt(st, 6), s_int(b[2], sizeof b[2], st, 7)};

		tbl_row(c, &t, v);
	}
	sqlite3_finalize(st);
	tbl_print(c, &t);
}

static void eu_examined(struct ctx *c)
{
	static const struct {
		const char *key, *label;
	} o[] = {
	    {"group", "protected attributes"},
	    {"intersect", "intersections"},
	    {"outcome", "outcome"},
	    {"positive", "favourable outcome values"},
	    {"prediction", "prediction"},
	    {"predicted_positive", "positive prediction values"},
	    {"score", "score"},
	    {"threshold", "score threshold"},
	    {"reference", "reference group"},
	    {"min_share", "minimum share"},
	    {"expected_shares", "expected shares file"},
	};
	char b[1024];
	size_t i;
	int any = 0;

	heading(c, 2, "Examination for possible biases");
	para(c, "What was examined (Article 10(2)(f)), from the options of the "
		"run (shown in full in the manifest):");
	for (i = 0; i < sizeof o / sizeof *o; i++)
		if (opt(c, o[i].key, b, sizeof b)) {
			item(c, "%s: %s", o[i].label, b);
			any = 1;
		}
	if (!any)
		item(c, "no bias options were given");
	if (!c->rc)
		fputc('\n', c->out);
	para(c, "How: records are counted per group of each attribute (empty "
		"values form the group (unknown)). Per group: the selection "
		"rate with its 95%% Wilson interval; the impact ratio against "
		"the most selected group among those ranked (groups under the "
		"minimum share and unknown groups are not ranked), flagged "
		"under 0.8 (four-fifths rule); a two-sided test against the "
		"reference group (Fisher's exact test when an expected cell is "
		"under 5, else the two-proportion z-test). Per attribute: "
		"Pearson's chi-square test across all groups. With a score: "
		"the share of each group above the median score. With expected "
		"shares: observed over expected share per group and a "
		"chi-square goodness-of-fit test (Article 10(3)).");
}

/* Group names of attr matching cond, joined by ", " (at most ~2 KB). */
static void group_list(struct ctx *c, const char *attr, const char *cond,
		       char *b, size_t cap)
{
	char sql[512];
	sqlite3_stmt *st;
	size_t len = 0;

	b[0] = '\0';
	snprintf(sql, sizeof sql,
		 "SELECT group_value FROM group_metrics WHERE run_id = ?1 AND "
		 "attribute = ?2 AND %s ORDER BY group_value",
		 cond);
	st = q(c, sql, attr);
	while (next(c, st)) {
		const char *g = s_txt(st, 0);
		int n =
		    snprintf(b + len, cap - len, "%s%s", len ? ", " : "", g);

		if (n < 0 || (size_t)n >= cap - len) {
			b[len] = '\0';
			if (len + 6 <= cap)
				strcpy(b + len, len ? ", ..." : "...");
			break;
		}
		len += (size_t)n;
	}
	sqlite3_finalize(st);
}

static void eu_results(struct ctx *c)
{
	static const char *const hdr[] = {
	    "attribute",     "groups",	     "reference",
	    "most selected", "chi-square p", "groups flagged (four-fifths)"};
	sqlite3_stmt *st;
	struct tbl t;
	char b[2][48], fl[2048];

	heading(c, 2, "Results");
	if (no_bias(c))
		return;
	tbl_init(c, &t, 6, "lrllrl", hdr);
	st = q(c, attrs_sql, NULL);
	while (next(c, st)) {
		group_list(c, s_txt(st, 0), "flag = 'four_fifths'", fl,
			   sizeof fl);
		{
			const char *v[] = {s_txt(st, 0),
					   s_int(b[0], sizeof b[0], st, 1),
					   s_txt(st, 2),
					   s_txt(st, 3),
					   s_g(b[1], sizeof b[1], st, 8),
					   fl[0] ? fl : "none"};

			tbl_row(c, &t, v);
		}
	}
	sqlite3_finalize(st);
	tbl_print(c, &t);
	para(c, "The per-group figures (rates, intervals, ratios, tests) are "
		"in the eeoc profile and the markdown report.");
}

static void eu_representativeness(struct ctx *c)
{
	static const char *const hdr[] = {"group", "records", "share",
					  "expected share",
					  "observed / expected"};
	sqlite3_stmt *a, *st;
	struct tbl t;
	char b[4][48];

	heading(c, 2, "Representativeness");
	if (q_int(c,
		  "SELECT COUNT(*) FROM group_metrics WHERE run_id = ?1 AND "
		  "expected_share IS NOT NULL",
		  NULL) == 0) {
		para(c, "No expected shares were given (--expected-shares), so "
			"representativeness against a target population was "
			"not measured (Article 10(3)).");
		return;
	}
	para(c, "Observed against expected shares (Article 10(3)). The ratio "
		"is the group's share among the listed groups over its "
		"expected share; 1 is exact representation.");
	a = q(c,
	      "SELECT attribute, gof_chi2, gof_dof, gof_p FROM "
	      "attribute_metrics a WHERE run_id = ?1 AND EXISTS (SELECT 1 "
	      "FROM group_metrics g WHERE g.run_id = a.run_id AND g.attribute "
	      "= a.attribute AND g.expected_share IS NOT NULL) ORDER BY "
	      "instr(attribute, ',') > 0, rowid",
	      NULL);
	while (next(c, a)) {
		const char *attr = s_txt(a, 0);

		heading(c, 3, "%s", attr);
		para(c, "Goodness of fit: chi-square %s, dof %s, p = %s.",
		     s_g(b[0], sizeof b[0], a, 1),
		     s_int(b[1], sizeof b[1], a, 2),
		     s_g(b[2], sizeof b[2], a, 3));
		tbl_init(c, &t, 5, "lrrrr", hdr);
		st = q(c,
		       "SELECT group_value, n, share, expected_share, "
		       "representation_ratio FROM group_metrics WHERE run_id = "
		       "?1 AND attribute = ?2 AND expected_share IS NOT NULL "
		       "ORDER BY group_value",
		       attr);
		while (next(c, st)) {
			const char *v[] = {s_txt(st, 0),
					   s_int(b[0], sizeof b[0], st, 1),
					   s_fix(b[1], sizeof b[1], st, 2),
					   s_fix(b[2], sizeof b[2], st, 3),
					   s_fix(b[3], sizeof b[3], st, 4)};

			tbl_row(c, &t, v);
		}
		sqlite3_finalize(st);
		tbl_print(c, &t);
	}
	sqlite3_finalize(a);
}

/* Prints the rows of sql (run bound to ?1) as a table with the given
 * header; integers as integers, reals with four decimals. */
static void sql_table(struct ctx *c, const char *sql, int ncol,
		      const char *align, const char *const *hdr)
{
	sqlite3_stmt *st;
	struct tbl t;
	char b[16][48];
	const char *v[16];
	int i;

	tbl_init(c, &t, ncol, align, hdr);
	st = q(c, sql, NULL);
	while (next(c, st)) {
		for (i = 0; i < ncol && i < 16; i++)
			switch (sqlite3_column_type(st, i)) {
			case SQLITE_INTEGER:
				v[i] = s_int(b[i], sizeof b[i], st, i);
				break;
			case SQLITE_FLOAT:
				v[i] = s_fix(b[i], sizeof b[i], st, i);
				break;
			default:
				v[i] = s_txt(st, i);
			}
		tbl_row(c, &t, v);
	}
	sqlite3_finalize(st);
	tbl_print(c, &t);
}

/* Re-identification risk (kanon_metrics): can records be singled out
 * (GDPR recital 26) by their quasi-identifiers, names or not? */
static void eu_reidentification(struct ctx *c)
{
	static const char *const h_sizes[] = {"records in the class",
					      "classes", "records"};
	sqlite3_stmt *st = NULL;
	char b[6][24];

	heading(c, 3, "Re-identification risk");
	if (q_int(c,
		  "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' "
		  "AND name = 'kanon_metrics'",
		  NULL))
		st = q(c,
		       "SELECT replace(quasi_identifiers, ',', ', '), "
		       "sensitive, k, records, "
		       "classes, k_anonymity, records_below_k, share_below_k, "
		       "unique_records, share_unique, l_diversity, "
		       "classes_l_below_2, records_l_below_2, (SELECT "
		       "TOTAL(records) FROM files f WHERE f.run_id = m.run_id) "
		       "FROM kanon_metrics m WHERE run_id = ?1",
		       NULL);
	if (!next(c, st)) {
		sqlite3_finalize(st);
		st = q(c,
		       "SELECT group_concat(field, ', ') FROM (SELECT field "
		       "FROM field_verdicts WHERE run_id = ?1 AND verdict = "
		       "'quasi_identifier' ORDER BY field)",
		       NULL);
		if (next(c, st) && sqlite3_column_text(st, 0))
			para(c,
			     "Not measured: the scan named no quasi-identifiers "
			     "(--quasi-identifiers). Columns the audit takes "
			     "for quasi-identifiers: %s.",
			     s_txt(st, 0));
		else
			para(c, "Not measured: the scan named no "
				"quasi-identifiers (--quasi-identifiers).");
		sqlite3_finalize(st);
		return;
	}
	para(c,
	     "Records that share every value of the quasi-identifiers %s "
	     "form an equivalence class; whoever knows these attributes of "
	     "a person can single out their record in a small class, with "
	     "or without a name. %s records in %s classes; k-anonymity %s "
	     "(the smallest class). In classes of fewer than k = %s records: "
	     "%s records (%.2f%%); unique: %s records (%.2f%%).",
	     s_txt(st, 0), s_int(b[0], sizeof b[0], st, 3),
	     s_int(b[1], sizeof b[1], st, 4), s_int(b[2], sizeof b[2], st, 5),
	     s_int(b[3], sizeof b[3], st, 2), s_int(b[4], sizeof b[4], st, 6),
	     100 * sqlite3_column_double(st, 7), s_int(b[5], sizeof b[5], st, 8),
	     100 * sqlite3_column_double(st, 9));
	if (sqlite3_column_type(st, 10) != SQLITE_NULL)
		para(c,
		     "l-diversity for the sensitive column %s: %s (distinct "
		     "values in the least diverse class). %s classes (%s "
		     "records) hold a single value, which is then known for "
		     "everyone in them.",
		     s_txt(st, 1), s_int(b[0], sizeof b[0], st, 10),
		     s_int(b[1], sizeof b[1], st, 11),
		     s_int(b[2], sizeof b[2], st, 12));
	if (sqlite3_column_int64(st, 3) < sqlite3_column_int64(st, 13))
		para(c,
		     "Counted over %s of the run's %.0f records: inputs that "
		     "failed are left out.",
		     s_int(b[0], sizeof b[0], st, 3),
		     sqlite3_column_double(st, 13));
	sqlite3_finalize(st);
	para(c, "Classes smaller than k:");
	sql_table(c,
		  "SELECT class_size, classes, class_size * classes FROM "
		  "kanon_sizes s WHERE run_id = ?1 AND class_size < (SELECT k "
		  "FROM kanon_metrics m WHERE m.run_id = s.run_id) ORDER BY "
		  "class_size",
		  3, "rrr", h_sizes);
}

static void eu_gaps(struct ctx *c)
{
	static const char *const h_missing[] = {"attribute", "group",
						"expected share"};
	static const char *const h_small[] = {"attribute", "group", "records",
					      "share", "why"};
	static const char *const h_unknown[] = {
	    "attribute", "records with an unknown value"};
	static const char *const h_outcome[] = {"attribute",
						"records without an outcome"};
	static const char *const h_ent[] = {"entity", "findings",
					    "distinct values", "files",
					    "placeholders (not counted)"};
	static const char *const h_fields[] = {"field",
					       "verdict",
					       "name says",
					       "values with findings",
					       "non-empty values",
					       "files"};
	static const char *const h_where[] = {"input", "field", "entity",
					      "findings"};
	static const char *const h_failed[] = {"input", "status", "problems",
					       "error"};
	char pct[32], sql[640], ob[8];
	int bias;

	heading(c, 2, "Gaps found");
	para(c, "Data gaps and shortcomings found in the run (Article "
		"10(2)(h)), and the personal data it holds (Article 10(5)).");
	bias = q_int(c,
		     "SELECT COUNT(*) FROM attribute_metrics WHERE run_id "
		     "= ?1",
		     NULL) > 0;

	heading(c, 3, "Missing groups");
	if (bias)
		para(c,
		     "Groups listed in the expected shares with no record in "
		     "the data:");
	else
		para(c, "No bias audit in this run.");
	if (bias)
		sql_table(c,
			  "SELECT attribute, group_value, expected_share FROM "
			  "group_metrics WHERE run_id = ?1 AND expected_share "
			  "IS NOT NULL AND n = 0 ORDER BY attribute, "
			  "group_value",
			  3, "llr", h_missing);

	if (bias) {
		heading(c, 3, "Small groups");
		para(c,
		     "Groups under %s of the records, or whose 95%% interval "
		     "of the selection rate is wider than 0.2 (too few "
		     "records for the rate to mean much):",
		     min_share_pct(c, pct, sizeof pct));
		snprintf(sql, sizeof sql,
			 "SELECT attribute, group_value, n, share, CASE WHEN "
			 "flag = 'below_min_share' AND small THEN 'under %s; "
			 "wide interval' WHEN flag = 'below_min_share' THEN "
			 "'under %s' ELSE 'wide interval' END FROM "
			 "group_metrics WHERE run_id = ?1 AND n > 0 AND (small "
			 "= 1 OR flag = 'below_min_share') ORDER BY attribute, "
			 "n, group_value",
			 pct, pct);
		/* pct is ours ("2%" or a fixed phrase): no quote in it. */
		sql_table(c, sql, 5, "llrrl", h_small);

		heading(c, 3, "Unknown values");
		sql_table(c,
			  "SELECT a.attribute, (SELECT COALESCE(SUM(g.n), 0) "
			  "FROM group_metrics g WHERE g.run_id = a.run_id AND "
			  "g.attribute = a.attribute AND instr(g.group_value, "
			  "'(unknown)') > 0) FROM attribute_metrics a WHERE "
			  "a.run_id = ?1 ORDER BY instr(a.attribute, ',') > 0, "
			  "a.rowid",
			  2, "lr", h_unknown);

		heading(c, 3, "Missing outcomes");
		if (!opt(c, "outcome", ob, sizeof ob))
			para(c, "No outcome column was given.");
		else
			sql_table(
			    c,
			    "SELECT attribute, missing_outcome FROM "
			    "attribute_metrics WHERE run_id = ?1 ORDER BY "
			    "instr(attribute, ',') > 0, rowid",
			    2, "lr", h_outcome);
	}

	heading(c, 3, "Personal data found");
	para(c, "By entity (placeholder values, such as documentation "
		"examples, are counted apart):");
	sql_table(c,
		  "SELECT entity, real, real_distinct_values, files, "
		  "placeholders FROM entity_counts WHERE run_id = ?1 ORDER BY "
		  "real DESC, entity",
		  5, "lrrrr", h_ent);
	para(c, "Fields that hold personal data:");
	sql_table(
	    c,
	    "SELECT field, verdict, COALESCE(name_class, '-'), "
	    "values_with_findings, values_non_empty, files FROM "
	    "field_verdicts WHERE run_id = ?1 AND verdict IN ('personal', "
	    "'contains_personal') ORDER BY verdict DESC, field",
	    6, "lllrrr", h_fields);
	para(c, "Where (per input and field):");
	sql_table(c,
		  "SELECT path, COALESCE(field, '-'), entity, SUM(findings) "
		  "FROM finding_counts WHERE run_id = ?1 AND evidence <> "
		  "'placeholder' GROUP BY file_id, field, entity ORDER BY "
		  "file_id, field, entity",
		  4, "lllr", h_where);
	eu_reidentification(c);

	heading(c, 3, "Inputs that failed or had problems");
	sql_table(c,
		  "SELECT path, status, problems, COALESCE(error, '-') FROM "
		  "files WHERE run_id = ?1 AND status <> 'ok' ORDER BY file_id",
		  4, "llrl", h_failed);
}

/* An overlap run (auditor overlap): whether test records also occur in
 * the training data, which would make the test measure memory. */
static void eu_overlap(struct ctx *c)
{
	static const char *const hdr[] = {
	    "key",	      "train records",	  "test records",
	    "test in train", "near duplicates", "train duplicates",
	    "test duplicates"};
	static const char *const mhdr[] = {"kind", "test input", "record",
					   "first seen in", "record"};

	heading(c, 2, "Training and testing data overlap");
	para(c, "Test records whose key (or whole record) also occurs in the "
		"training data, and with near duplicates enabled those within "
		"the Jaccard threshold (Article 10(3): training, validation and "
		"testing data sets free of errors; a test set that repeats "
		"training records measures memory, not generalisation). Keys "
		"are compared by keyed hash: only that hash and a masked "
		"preview are stored.");
	sql_table(c,
		  "SELECT COALESCE(key, '(whole record)'), train_records, "
		  "test_records, test_in_train, COALESCE(near_test_records, "
		  "'not measured'), train_duplicates, test_duplicates FROM "
		  "overlap_runs WHERE run_id = ?1",
		  7, "lrrrrrr", hdr);
	para(c, "The first matches (the overlap_matches table holds up to "
		"max_locations of each kind):");
	sql_table(c,
		  "SELECT m.kind, a.path, m.record, COALESCE(b.path, ''), "
		  "m.first_record" AUD_OVERLAP_MATCHES_FROM
		  " ORDER BY m.kind, m.match_id LIMIT 20",
		  5, "llrlr", mhdr);
}

static void eu_ai_act(struct ctx *c)
{
	para(c, "Evidence for the data governance of Article 10 of the EU AI "
		"Act (Regulation (EU) 2024/1689): where the data came from, "
		"what was examined for possible biases and how, the results, "
		"and the gaps found. Every figure comes from the audit "
		"database.");
	eu_sources(c);
	if (c->overlap)
		eu_overlap(c);
	eu_examined(c);
	eu_results(c);
	eu_representativeness(c);
	eu_gaps(c);
}

/* ---- entry --------------------------------------------------------------- */

int aud_report_profile(FILE *out, aud_store *s, int64_t run_id,
		       const char *profile, int markdown, aud_err *err)
{
	static const struct {
		const char *name, *title;
		void (*write)(struct ctx *);
	} profiles[] = {
	    {"ll144", "Bias audit summary (NYC Local Law 144)", ll144},
	    {"eeoc", "Adverse impact: the four-fifths rule (EEOC)", eeoc},
	    {"eu-ai-act", "Data governance evidence (EU AI Act, Article 10)",
	     eu_ai_act},
	};
	struct ctx c = {0};
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < sizeof profiles / sizeof *profiles; i++)
		if (profile && strcmp(profile, profiles[i].name) == 0)
			break;
	if (i == sizeof profiles / sizeof *profiles)
		return aud_err_set(err, AUD_EUSAGE,
				   "unknown report profile '%s' (ll144, eeoc "
				   "or eu-ai-act)",
				   profile ? profile : "");
	if (!aud_report_run_exists(s, run_id))
		return aud_err_set(err, AUD_EUSAGE,
				   "no run %" PRId64 " in the database",
				   run_id);
	c.out = out;
	c.db = aud_store_db(s);
	c.run = run_id;
	c.md = markdown != 0;
	c.err = err;
	c.overlap = aud_overlap_run_has(s, run_id);
	st = q(&c, "SELECT COALESCE(options, '') FROM runs WHERE run_id = ?1",
	       NULL);
	if (next(&c, st) &&
	    !(c.opts = strdup((const char *)sqlite3_column_text(st, 0))))
		fail_mem(&c);
	sqlite3_finalize(st);
	if (!c.rc && !c.opts)
		fail_db(&c);
	if (!c.rc) {
		heading(&c, 1, "%s: run %" PRId64, profiles[i].title, run_id);
		manifest(&c);
		profiles[i].write(&c);
	}
	free(c.opts);
	if (!c.rc && (fflush(out) != 0 || ferror(out)))
		c.rc = aud_err_set(err, AUD_EIO, "cannot write the report");
	return c.rc;
}
