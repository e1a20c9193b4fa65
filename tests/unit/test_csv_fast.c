/*
 * test_csv_fast.c: the CSV reader's fast path against libcsv. csv.c splits
 * simple lines itself and gives every other line to libcsv;
 * aud_reader_set_fast(r, 0) sends every line to libcsv. Inputs generated
 * from a fixed seed (quotes, doubled and stray quotes, CRLF, bare CR, empty
 * fields, white space around fields and quotes, quoted delimiters and line
 * ends, field-count mismatches, blank lines, a BOM, NUL bytes, valid and
 * invalid UTF-8, over-long records, a missing last line end, plus random
 * byte soup) are read with the fast path off and on, with the same feeds
 * each time: whole, cut into two feeds at every position, and in random
 * chunks of 1 to 17 bytes. The two transcripts (every record's number,
 * line, offset, length, flags, every field's name, value, offset and
 * raw_exact, every problem's code, place and message, the return code and
 * error, the counters and the column names) must be the same, byte for
 * byte; so must they with a 48-byte record limit and with record_fn
 * stopping at the second record. (The same feeds, because after a fatal
 * error the line count may depend on where the input was cut, on either
 * path.)
 * Four delimiters: ',', tab, ';' and space. The fast path is compared as
 * it runs (lines without quotes split by SSE2 where there is SSE2) and in
 * mode 2 (every line by its byte loop), and lines around the SSE2 split's
 * 64-byte step are added by hand.
 *
 * The fast path hands out values that point into the caller's chunk,
 * libcsv's path values copied into the reader's own buffer; the test
 * counts the former to check that the fast path did run on most
 * records (a comparison of the slow path with itself proves nothing).
 */
#include "auditor/reader.h"

#include "harness.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tx {
	const char *data; /* the input */
	size_t len;
	aud_buf log;	  /* transcript */
	uint64_t nrec;	  /* records given */
	uint64_t stop_at; /* record_fn returns 7 at this record, 0: never */
	uint64_t inplace; /* records with a value pointing into the input */
	int exact_bad;	  /* a raw_exact field differs from the input */
} tx;

static void put(tx *t, const void *p, size_t n)
{
	if (aud_buf_append(&t->log, p, n))
		abort();
}

static void putf(tx *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void putf(tx *t, const char *fmt, ...)
{
	char b[600];
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	put(t, b, (size_t)w < sizeof b ? (size_t)w : sizeof b - 1);
}

/* Bytes as printable text: \xNN for anything else and for '\'. */
static void putbytes(tx *t, const char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char e[4] = {'\\', 'x', 0, 0};
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			put(t, p + i, 1);
		} else {
			e[2] = hex[c >> 4];
			e[3] = hex[c & 15];
			put(t, e, 4);
		}
	}
}

static int on_rec(void *ctx, const aud_record *r)
{
	tx *t = ctx;
	int inplace = 0;
	size_t i;

	t->nrec++;
	putf(t, "R %llu line %llu off %llu len %llu flags %u n %zu\n",
	     (unsigned long long)r->number, (unsigned long long)r->line,
	     (unsigned long long)r->offset, (unsigned long long)r->length,
	     r->flags, r->nfields);
	for (i = 0; i < r->nfields; i++) {
		const aud_field *f = &r->fields[i];

		put(t, " F ", 3);
		putbytes(t, f->name, f->name_len);
		put(t, " = ", 3);
		putbytes(t, f->value, f->value_len);
		putf(t, " @%llu t%d x%d\n", (unsigned long long)f->offset,
		     (int)f->type, f->raw_exact);
		if (f->raw_exact &&
		    (f->offset > t->len || f->value_len > t->len - f->offset ||
		     memcmp(t->data + f->offset, f->value, f->value_len)))
			t->exact_bad = 1;
		if (f->value_len && f->value >= t->data &&
		    f->value < t->data + t->len)
			inplace = 1;
	}
	t->inplace += (uint64_t)inplace;
	return t->stop_at && t->nrec == t->stop_at ? 7 : 0;
}

static void on_prob(void *ctx, const aud_err *e)
{
	tx *t = ctx;

	putf(t, "P %d rec %lld line %lld off %lld: %s\n", e->code,
	     (long long)e->record, (long long)e->line, (long long)e->offset,
	     e->msg);
}

/* Reads t->data with the fast path on or off: cut at `split` into two
 * feeds when split <= len, else in chunks of 1..17 bytes drawn from seed
 * (seed 0: whole). The transcript is in t->log. */
static void read_one(tx *t, const aud_reader_opts *o, int fast, size_t split,
		     uint64_t seed)
{
	aud_reader *r = NULL;
	const aud_field *cols;
	aud_err e;
	size_t off = 0, n, i, nc;
	int rc = 0;

	t->log.len = 0;
	t->nrec = t->inplace = 0;
	t->exact_bad = 0;
	aud_err_clear(&e);
	if (aud_reader_new(&r, o, on_rec, on_prob, t, &e) != 0)
		abort();
	aud_reader_set_fast(r, fast);
	while (off < t->len && rc == 0) {
		n = t->len - off;
		if (split <= t->len) {
			n = off < split ? split - off : n;
		} else if (seed) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			if (n > 1 + seed % 17)
				n = 1 + (size_t)(seed % 17);
		}
		rc = aud_reader_feed(r, t->data + off, n, &e);
		off += n;
	}
	if (rc == 0)
		rc = aud_reader_finish(r, &e);
	putf(t, "END rc %d code %d rec %lld line %lld off %lld: %s\n", rc,
	     e.code, (long long)e.record, (long long)e.line,
	     (long long)e.offset, e.msg);
	putf(t, "records %llu problems %llu lines %llu\n",
	     (unsigned long long)aud_reader_records(r),
	     (unsigned long long)aud_reader_problems(r),
	     (unsigned long long)aud_reader_lines(r));
	nc = aud_reader_columns(r, &cols);
	for (i = 0; i < nc; i++) {
		put(t, "C ", 2);
		putbytes(t, cols[i].name, cols[i].name_len);
		putf(t, " @%llu x%d\n", (unsigned long long)cols[i].offset,
		     cols[i].raw_exact);
	}
	aud_reader_free(r);
}

/* ---- generator ------------------------------------------------------ */

static unsigned long long rng = 0x2545F4914F6CDD1Dull;

static unsigned rnd(unsigned n) { return h_rnd(&rng, n); }

typedef struct gen {
	char b[1024];
	size_t n;
	char d; /* delimiter */
} gen;

static void add(gen *g, const char *s, size_t n)
{
	if (g->n + n <= sizeof g->b) {
		memcpy(g->b + g->n, s, n);
		g->n += n;
	}
}

#define ADDS(g, lit) add((g), (lit), sizeof(lit) - 1)

static void addc(gen *g, char c) { add(g, &c, 1); }

static void token(gen *g)
{
	static const char *const w[] = {"a",	  "bob",  "42", "x.y", "0.5",
					"j@e.co", "Al B", "z",	"-1",  "ok"};
	const char *s = w[rnd(10)];

	add(g, s, strlen(s));
}

static void blanks(gen *g)
{
	static const char *const b[] = {" ", "  ", "\t", " \t", "\r", " \r"};
	const char *s = b[rnd(6)];

	add(g, s, strlen(s));
}

/* One field in one of many shapes, with g->d as the delimiter. */
static void field(gen *g)
{
	switch (rnd(22)) {
	case 0:
	case 1:
		break; /* empty */
	case 2:
	case 3:
	case 4:
	case 5:
		token(g);
		break;
	case 6:
		blanks(g);
		token(g);
		blanks(g);
		break;
	case 7:
	case 8:
		addc(g, '"');
		token(g);
		addc(g, '"');
		break;
	case 9: /* white space inside and around the quotes */
		blanks(g);
		ADDS(g, "\" ");
		token(g);
		ADDS(g, " \"");
		blanks(g);
		break;
	case 10: /* quoted delimiter */
		addc(g, '"');
		token(g);
		addc(g, g->d);
		token(g);
		addc(g, '"');
		break;
	case 11: /* doubled quote */
		addc(g, '"');
		token(g);
		ADDS(g, "\"\"");
		token(g);
		addc(g, '"');
		break;
	case 12: /* quoted line end */
		addc(g, '"');
		token(g);
		if (rnd(2))
			addc(g, '\r');
		addc(g, '\n');
		token(g);
		addc(g, '"');
		break;
	case 13: /* stray quotes in an unquoted field */
		token(g);
		addc(g, '"');
		if (rnd(2))
			token(g);
		break;
	case 14: /* text after the closing quote, or a stray quote */
		addc(g, '"');
		token(g);
		addc(g, '"');
		if (rnd(2))
			blanks(g);
		if (rnd(2))
			addc(g, '"');
		token(g);
		break;
	case 15: /* UTF-8: valid, invalid, cut short */
		token(g);
		switch (rnd(4)) {
		case 0:
			ADDS(g, "caf\xC3\xA9");
			break;
		case 1:
			ADDS(g, "\xFF");
			break;
		case 2:
			ADDS(g, "\xE2\x82");
			break;
		default:
			ADDS(g, "\xF0\x9F\x98\x80");
			break;
		}
		break;
	case 16: /* a NUL byte, maybe quoted */
		if (rnd(2)) {
			ADDS(g, "\"n\0l\"");
		} else {
			token(g);
			addc(g, '\0');
		}
		break;
	case 17: /* the other delimiters as text */
		token(g);
		addc(g, ",\t; |"[rnd(5)]);
		token(g);
		break;
	case 18: /* long, for the 48-byte limit */
		add(g, "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijkl",
		    24 + rnd(25));
		break;
	case 19: /* a quote that is never closed on this line */
		ADDS(g, "\"open ");
		token(g);
		break;
	case 20: /* white space only */
		blanks(g);
		break;
	default: /* quoted, empty */
		ADDS(g, "\"\"");
		break;
	}
}

static void line_end(gen *g, int last)
{
	unsigned k = rnd(20);

	if (last && k < 3)
		return; /* none at the end of input */
	if (k < 12)
		addc(g, '\n');
	else if (k < 16)
		ADDS(g, "\r\n");
	else if (k < 17)
		addc(g, '\r'); /* bare CR: not a line end here */
	else if (k < 19)
		ADDS(g, " \n");
	else
		ADDS(g, "\t\r\n");
}

/* A CSV-like input: header, then rows and blank lines. */
static void gen_csv(gen *g)
{
	unsigned nh = 1 + rnd(4), rows = rnd(9), i, k, nf;

	g->n = 0;
	if (rnd(8) == 0)
		ADDS(g, "\xEF\xBB\xBF");
	for (k = 0; k < nh; k++) {
		if (k)
			addc(g, g->d);
		if (rnd(6))
			token(g);
	}
	line_end(g, rows == 0);
	for (i = 0; i < rows; i++) {
		if (rnd(10) == 0) {
			if (rnd(2))
				blanks(g);
			line_end(g, i + 1 == rows);
			continue;
		}
		nf = nh;
		k = rnd(8);
		if (k == 0 && nf > 1)
			nf--;
		else if (k == 1)
			nf++;
		for (k = 0; k < nf; k++) {
			if (k)
				addc(g, g->d);
			field(g);
		}
		line_end(g, i + 1 == rows);
	}
}

/* Random bytes from an alphabet of the bytes that matter. */
static void gen_soup(gen *g)
{
	static const char ab[] = "ab \t\r\n\n\n\",;|\0\xC3\xA9\xFF\xEF\xBB\xBF";
	unsigned n = rnd(120), i;

	g->n = 0;
	for (i = 0; i < n; i++) {
		if (rnd(6) == 0)
			addc(g, g->d);
		else
			addc(g, ab[rnd(sizeof ab - 1)]);
	}
}

/* ---- tests ---------------------------------------------------------- */

static int same(const tx *a, const tx *b)
{
	return a->log.len == b->log.len &&
	       memcmp(a->log.p, b->log.p, a->log.len) == 0;
}

static int shown;

static void differs(const char *what, const gen *g, size_t split, const tx *ref,
		    const tx *got)
{
	tx in = {0};

	CHECK(0);
	if (shown++ >= 3)
		return;
	putbytes(&in, g->b, g->n);
	fprintf(stderr,
		"%s differs (delimiter 0x%02x, split %zu), input:\n%.*s\n"
		"--- libcsv only:\n%.*s--- fast path:\n%.*s",
		what, (unsigned char)g->d, split, (int)in.log.len, in.log.p,
		(int)ref->log.len, ref->log.p, (int)got->log.len, got->log.p);
	aud_buf_free(&in.log);
}

static uint64_t total_rec, total_inplace;

/* Every comparison for one input, with the fast path in mode fast (1:
 * as it runs, 2: without its SSE2 split). */
static void compare_mode(const gen *g, int fast)
{
	aud_reader_opts o = {AUD_FMT_CSV, g->d, 0};
	tx ref = {0}, got = {0};
	size_t split;
	uint64_t seed;

	ref.data = got.data = g->b;
	ref.len = got.len = g->n;

	read_one(&ref, &o, 0, SIZE_MAX, 0);
	CHECK(ref.inplace == 0);
	CHECK(!ref.exact_bad);
	read_one(&got, &o, fast, SIZE_MAX, 0);
	if (fast == 1) {
		total_rec += got.nrec;
		total_inplace += got.inplace;
	}
	if (!same(&ref, &got))
		differs("whole", g, SIZE_MAX, &ref, &got);
	CHECK(!got.exact_bad);
	for (split = 0; split <= g->n; split++) {
		read_one(&ref, &o, 0, split, 0);
		read_one(&got, &o, fast, split, 0);
		if (!same(&ref, &got))
			differs("two feeds", g, split, &ref, &got);
	}
	seed = rng | 1;
	read_one(&ref, &o, 0, SIZE_MAX, seed);
	read_one(&got, &o, fast, SIZE_MAX, seed);
	if (!same(&ref, &got))
		differs("random chunks", g, SIZE_MAX, &ref, &got);

	/* A record limit the long fields pass. */
	o.max_record_bytes = 48;
	read_one(&ref, &o, 0, SIZE_MAX, 0);
	read_one(&got, &o, fast, SIZE_MAX, 0);
	if (!same(&ref, &got))
		differs("48-byte limit", g, SIZE_MAX, &ref, &got);
	for (split = 1; split < g->n; split += 5) {
		read_one(&ref, &o, 0, split, 0);
		read_one(&got, &o, fast, split, 0);
		if (!same(&ref, &got))
			differs("48-byte limit, two feeds", g, split, &ref,
				&got);
	}

	/* record_fn stops at the second record. */
	o.max_record_bytes = 0;
	ref.stop_at = got.stop_at = 2;
	read_one(&ref, &o, 0, SIZE_MAX, 0);
	read_one(&got, &o, fast, SIZE_MAX, 0);
	if (!same(&ref, &got))
		differs("stop", g, SIZE_MAX, &ref, &got);

	aud_buf_free(&ref.log);
	aud_buf_free(&got.log);
}

static void compare(const gen *g)
{
	compare_mode(g, 1);
	compare_mode(g, 2);
}

static void test_generated(void)
{
	static const char delims[] = {',', '\t', ';', ' '};
	gen g;
	unsigned i, k;

	for (k = 0; k < sizeof delims; k++) {
		g.d = delims[k];
		for (i = 0; i < 300; i++) {
			if (i % 4 == 3)
				gen_soup(&g);
			else
				gen_csv(&g);
			compare(&g);
		}
	}
	/* The fast path must have run on most records, or the comparison
	 * only compared libcsv with itself. */
	fprintf(stderr, "%llu records, %llu of them by the fast path\n",
		(unsigned long long)total_rec,
		(unsigned long long)total_inplace);
	CHECK(total_rec > 2000);
	CHECK(total_inplace * 3 > total_rec);
}

/* Hand-made lines at the edges of the fast path's rules, each checked
 * against libcsv the same way. */
static void test_edges(void)
{
	static const char *const in[] = {
	    "a,b\n1,2\n",
	    "a,b\n \t1 , 2 \r\n",
	    "a,b\n\"1\" , \"2\"\t\r\n",
	    "a,b\n\"1\"x,2\n",
	    "a,b\n\"1\" \"x,2\n",
	    "a,b\n\"1\"\"\",2\n",
	    "a,b\n1\"2,3\n",
	    "a,b\n\"1\n2\",3\n4,5\n",
	    "a,b\n\"1\r2\",3\n",
	    "a,b\n,\n",
	    "a,b\n , \n",
	    "a,b\n\"\",\"\"\n",
	    "a,b\n1,2,3,4\n5\n",
	    "a,b\n   \n\t\n\r\n1,2\n",
	    "a,b\n1,2\r3\n",
	    "a,b\n1,2",
	    "a,b\n1,\"2",
	    "a,b\n1,\"2\"",
	    "a,b\n1,\"2\" ",
	    "a,b\n\xC3\xA9,\xFF\n",
	    "a,b\n\"\xFF\",x\n",
	    "\xEF\xBB\xBF"
	    "a,b\n1,2\n",
	};
	gen g;
	size_t i;

	g.d = ',';
	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		g.n = 0;
		add(&g, in[i], strlen(in[i]));
		compare(&g);
	}
	/* With a NUL byte inside. */
	g.n = 0;
	ADDS(&g, "a,b\nx\0y,\"\0\"\n");
	compare(&g);
	/* Lines around the SSE2 split's 64-byte step: the delimiter, a
	 * blank, a byte to check or the line end on either side of it. */
	for (i = 0; i < 40; i++) {
		size_t len = 56 + i % 20, at = i < 20 ? 62 : 1 + i * 3, k;

		g.n = 0;
		ADDS(&g, "a,b\n");
		for (k = 0; k < len; k++)
			addc(&g, k == at ? ',' : "xyz"[k % 3]);
		if (i % 5 == 1)
			ADDS(&g, " ");
		else if (i % 5 == 2)
			ADDS(&g, "\xC3\xA9");
		else if (i % 5 == 3)
			ADDS(&g, ",");
		ADDS(&g, "\n");
		for (k = 0; k < 130 + i; k++)
			addc(&g, k % 17 == 5 ? ',' : "pq "[k % 3]);
		ADDS(&g, "\n1,2\n");
		compare(&g);
	}
	/* White space around a value in one 64-byte step, its delimiter or
	 * line end in the next, which has none. */
	for (i = 0; i < 48; i++) {
		char line[160];
		int w = snprintf(line, sizeof line, "a,b\n%.*s, v%.*s %s",
				 (int)(54 + i / 4),
				 "xyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyzxyz"
				 "xyzxyzxyzxyzxyzxyzxyzxyzxyz",
				 (int)(i % 4), "qqq",
				 i % 2 ? ",rest,of,line\n" : "\n2,3\n");

		g.n = 0;
		add(&g, line, (size_t)w);
		compare(&g);
	}
}

int main(void)
{
	RUN(test_edges);
	RUN(test_generated);
	return DONE();
}
