/*
 * csv.c: the CSV reader. libcsv does the parsing; this file feeds it one
 * physical line at a time (a chunk is split on '\n' with memchr), so when
 * libcsv reports the end of a row we know exactly which bytes made it: the
 * record's offset, length and first line are those of the lines fed since
 * the previous row ended. Those raw bytes are kept (bounded by
 * max_record_bytes) and scanned once more after the row, with the same
 * rules as libcsv, to find where each field starts in the stream; the same
 * bytes are checked for invalid UTF-8 and NUL bytes. The first row is the
 * header: its names are de-duplicated the way pandas does it.
 *
 * Choices about libcsv:
 * - Only '\n' ends a row (csv_set_term_func). '\r' counts as white space,
 *   so a CRLF line end is stripped like trailing blanks, while a '\r'
 *   inside a quoted field is kept. A file with bare '\r' line ends (old
 *   Mac) is therefore one long line and ends at the record size limit.
 * - Spaces (and tabs, unless the delimiter is a tab) around unquoted
 *   fields are stripped, as libcsv does by default: the UCI adult files
 *   separate fields with ", ".
 * - CSV_STRICT is not used: real files carry stray quotes inside unquoted
 *   fields (5'10", 12" pizza) that strict mode rejects, while the lenient
 *   mode keeps them as text. CSV_STRICT_FINI needs CSV_STRICT and drops the
 *   partial record, so an unterminated quote at the end of input is found
 *   by our own scan instead, after the partial record has been given.
 * - libcsv's field buffer grows through a realloc hook that refuses sizes
 *   past the record limit, so an unbalanced quote cannot make it grow
 *   without bound even if our own check were bypassed.
 *
 * Field, value and raw-byte storage is reused from record to record.
 *
 * The fast path. libcsv copies every byte into its field buffer and calls
 * back per field, and the row's bytes are copied and scanned again for
 * the field places, so a short-column file goes at a quarter of memchr's
 * speed. Most data lines are simpler than that: a line that starts a
 * record and lies whole in the fed chunk, whose fields are unquoted
 * (no '"' at all) or quoted without inner quotes or line ends, is split
 * here in one pass over a byte class table, with the values pointing
 * into the caller's chunk: no copy, no allocation. Its results are those
 * libcsv gives for such a line under the rules above (a field is what
 * lies between delimiters less the white space around it; a quoted
 * field is what lies between its quotes, white space after the closing
 * quote dropped), so the records are identical; the UTF-8 and NUL check
 * runs only on lines holding a byte >= 0x80 or a NUL, as it finds nothing
 * in others. Any other line (the header, a blank line, a doubled or stray
 * quote, a line cut by the chunk end, too long, too many fields) goes to
 * libcsv as before. aud_reader_csv_fast(r, 0) turns the fast path off so
 * that a test can compare the two on the same input.
 *
 * Where SSE2 is there (every x86-64), a line without quotes is split 64
 * bytes a step instead (split_simd): compares find the delimiters, the
 * line end and the bytes that need check_bytes, and the fields are cut
 * at the delimiters' bits, so a short-column line costs a few dozen
 * instructions instead of a few per byte. Only white space around fields
 * is still looked at byte by byte. A line with a quote goes to the byte
 * loop. aud_reader_csv_fast(r, 2) keeps the byte loop for every line, so
 * that a test can compare the two.
 */
#include "reader_impl.h"

#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define CSV_BLK (16u << 10) /* libcsv's field buffer grows by this much */

/* libcsv's realloc hook has no context argument, so the cap of the parser
 * about to run is passed in a thread-local variable set right before each
 * csv_parse/csv_fini call. */
static _Thread_local size_t csv_cap;

static void *cap_realloc(void *p, size_t n)
{
	return n > csv_cap ? NULL : realloc(p, n);
}

static void cap_free(void *p) { free(p); }

/* White space around unquoted fields; never the delimiter itself. */
static int space_any(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int space_tabdelim(unsigned char c) { return c == ' ' || c == '\r'; }

static int space_spacedelim(unsigned char c) { return c == '\t' || c == '\r'; }

static int term_lf(unsigned char c) { return c == '\n'; }

/* The white space test for a delimiter: the reader's and aud_csv_cut's. */
static int (*space_for(unsigned char delim))(unsigned char)
{
	if (delim == '\t')
		return space_tabdelim;
	if (delim == ' ')
		return space_spacedelim;
	return space_any;
}

struct fpos {
	uint64_t off;
	unsigned char exact;
};

/* Header de-duplication: name -> times seen, as pandas' counts dict. */
struct hent {
	size_t off, len; /* into dedup.keys */
	size_t count;
	int used;
};

struct dedup {
	struct hent *t;
	size_t mask;
	aud_buf keys;
};

/* Byte classes of the fast path (csvr.cls). Text classes are below
 * B_DELIM and OR together: bit 0 set means the line needs check_bytes. */
enum {
	B_TEXT = 0,  /* any other byte */
	B_CHECK = 1, /* NUL or >= 0x80: text, but needs check_bytes */
	B_SPACE = 2, /* white space around fields (is_space, not delim) */
	B_DELIM = 4,
	B_QUOTE = 5,
	B_LF = 6
};

typedef struct csvr {
	struct csv_parser p;
	int (*is_space)(unsigned char);
	int inline_ok; /* libcsv's own space test is ours, less '\r' */
	int fast; /* the fast path: 0 off, 1 on, 2 on without split_simd */
	unsigned char cls[256]; /* byte -> B_* */
	aud_reader *r;
	aud_err *err; /* the feed/finish call's err, for callbacks */
	int rc;	      /* set by a callback: stop with this code */
	size_t cap;   /* libcsv buffer cap */

	int line_fresh;	   /* the next byte starts a physical line */
	uint64_t line_off; /* where the current line starts */
	uint64_t line_no;

	int in_rec; /* a record is in progress */
	uint64_t rec_off, rec_line;
	uint64_t raw_off; /* stream offset of raw.p[0] */
	aud_buf raw;	  /* bytes fed to libcsv for this record */
	aud_buf vals;	  /* field values, one after the other */
	size_t nvals;	  /* fields libcsv gave (may pass max_fields) */
	aud_field *fields;
	size_t fcap;
	size_t named; /* fields[0..named) hold their header name and type */
	struct fpos *fpos;
	size_t fpcap;
	uint64_t recno;

	int have_header;
	aud_field *cols;
	size_t ncols;
	aud_buf colnames;

	aud_buf xnames; /* "Unnamed: N" for fields past the header */
	size_t *xoff;
	size_t nx, xcap;
} csvr;

static int nomem(aud_err *err)
{
	return aud_err_set(err, AUD_ENOMEM, "out of memory");
}

/* Record number for a place: AUD_NOPOS for the header. */
static uint64_t place_rec(const csvr *c)
{
	return c->have_header ? c->recno + 1 : AUD_NOPOS;
}

/*
 * Finds where each field of the record in raw starts, replaying libcsv's
 * state machine (same states, same rules for quotes, delimiters and white
 * space) over the same bytes. Stores min(found, cap) positions in fpos
 * and returns the number of fields found; *open is set when the bytes end
 * inside a quoted field.
 */
static size_t scan_fields(csvr *c, size_t cap, int *open)
{
	const unsigned char *s = (const unsigned char *)c->raw.p;
	size_t n = c->raw.len, i, nf = 0, start = 0, spaces = 0;
	unsigned char delim = (unsigned char)c->r->delim, ch;
	enum { NOT_BEGUN, BEGUN, MIGHT_END } st = NOT_BEGUN;
	int quoted = 0, exact = 1, ended = 0;
	const unsigned char *d;

#define PUT(at, ex)                                                            \
	do {                                                                   \
		if (nf < cap) {                                                \
			c->fpos[nf].off = c->raw_off + (at);                   \
			c->fpos[nf].exact = (unsigned char)(ex);               \
		}                                                              \
		nf++;                                                          \
	} while (0)

	*open = 0;
	if (!memchr(s, '"', n)) {
		/* No quotes: fields are what lies between delimiters, less
		 * the leading white space. */
		i = 0;
		for (;;) {
			while (i < n && s[i] != delim && s[i] != '\n' &&
			       c->is_space(s[i]))
				i++;
			PUT(i, 1);
			d = memchr(s + i, delim, n - i);
			if (!d)
				break;
			i = (size_t)(d - s) + 1;
		}
		return nf;
	}
	for (i = 0; i < n && !ended; i++) {
		ch = s[i];
		switch (st) {
		case NOT_BEGUN:
			if (ch != delim && c->is_space(ch))
				break;
			if (ch == delim || ch == '\n') {
				PUT(i, 1);
				ended = ch == '\n';
			} else if (ch == '"') {
				st = BEGUN;
				quoted = 1;
				exact = 1;
				start = i + 1;
			} else {
				st = BEGUN;
				quoted = 0;
				exact = 1;
				start = i;
			}
			break;
		case BEGUN:
			if (quoted && ch != '"') {
				/* Inside quotes only a quote matters. */
				d = memchr(s + i, '"', n - i);
				i = d ? (size_t)(d - s) - 1 : n - 1;
			} else if (ch == '"') {
				if (quoted) {
					st = MIGHT_END;
					spaces = 0;
				}
			} else if ((ch == delim || ch == '\n') && !quoted) {
				PUT(start, exact);
				st = NOT_BEGUN;
				ended = ch == '\n';
			}
			break;
		case MIGHT_END:
			if (ch == delim || ch == '\n') {
				PUT(start, exact);
				st = NOT_BEGUN;
				ended = ch == '\n';
			} else if (c->is_space(ch)) {
				spaces++;
			} else if (ch == '"') {
				if (spaces) {
					spaces = 0; /* a stray quote, kept */
				} else {
					st = BEGUN; /* "" is one quote */
					exact = 0;
				}
			} else {
				st = BEGUN;
				spaces = 0;
			}
			break;
		}
	}
	if (!ended) {
		/* End of input without '\n': csv_fini submits the last
		 * field (an empty one after a trailing delimiter). */
		if (st != NOT_BEGUN)
			PUT(start, exact);
		else if (nf > 0)
			PUT(n, 1);
		*open = st == BEGUN && quoted;
	}
#undef PUT
	return nf;
}

/* ---- cut points for segments --------------------------------------- */

/* The states of scan_fields: no field begun, an unquoted field, a quoted
 * one, and a quote seen in a quoted field (it ends the field if white
 * space and then a delimiter or line end follow). */
enum { CUT_NONE, CUT_PLAIN, CUT_QUOTED, CUT_MIGHT_END };

void aud_csv_cut_init(aud_csv_cut *k, char delim)
{
	memset(k, 0, sizeof *k);
	k->delim = (unsigned char)(delim ? delim : ','); /* as the reader */
	k->is_space = space_for(k->delim);
	k->state = CUT_NONE;
}

/*
 * scan_fields' state machine over the stream, one byte at a time only
 * where quotes are: a stretch without '"' leaves a quoted field as it is
 * and ends a record at every line end outside one, so memchr finds the
 * next quote and memrchr the stretch's last line end; the state at the
 * quote is found by looking back over white space to the last delimiter
 * or line end. Inside a quoted field memchr finds the next quote.
 */
size_t aud_csv_cut_feed(aud_csv_cut *k, const char *buf, size_t n)
{
	const unsigned char *s = (const unsigned char *)buf, *q, *nl;
	size_t i = 0, cut = 0, b;
	unsigned char ch;

	/* the mark is not a field's first bytes: "\xEF\xBB\xBF\"a\"" opens
	 * a quoted field, for the reader */
	while (k->fed < 3 && i < n) {
		if (s[i] != (unsigned char)"\xEF\xBB\xBF"[k->fed]) {
			if (k->fed) /* part of a mark: a field's bytes */
				k->state = CUT_PLAIN;
			k->fed = 3;
			break;
		}
		k->fed++;
		i++;
	}
	while (i < n) {
		switch (k->state) {
		case CUT_NONE:
		case CUT_PLAIN:
			q = memchr(s + i, '"', n - i);
			b = q ? (size_t)(q - s) : n;
			nl = b > i ? memrchr(s + i, '\n', b - i) : NULL;
			if (nl)
				cut = (size_t)(nl - s) + 1;
			/* the state at b: the last byte before it that is
			 * not white space (or the state at i, if none is) */
			{
				size_t j = b;

				while (j > i && s[j - 1] != k->delim &&
				       k->is_space(s[j - 1]))
					j--;
				if (j > i)
					k->state = s[j - 1] == k->delim ||
							   s[j - 1] == '\n'
						       ? CUT_NONE
						       : CUT_PLAIN;
			}
			if (!q)
				return cut;
			/* a quote opens a field only at its start */
			if (k->state == CUT_NONE)
				k->state = CUT_QUOTED;
			i = b + 1;
			break;
		case CUT_QUOTED:
			q = memchr(s + i, '"', n - i);
			if (!q)
				return cut;
			k->state = CUT_MIGHT_END;
			k->spaces = 0;
			i = (size_t)(q - s) + 1;
			break;
		default: /* CUT_MIGHT_END */
			ch = s[i++];
			if (ch == k->delim || ch == '\n') {
				k->state = CUT_NONE;
				if (ch == '\n')
					cut = i;
			} else if (k->is_space(ch)) {
				k->spaces++;
			} else if (ch == '"') {
				if (k->spaces)
					k->spaces = 0; /* a stray quote, kept */
				else
					k->state = CUT_QUOTED; /* "" */
			} else {
				k->state = CUT_QUOTED;
			}
			break;
		}
	}
	return cut;
}

static unsigned check_bytes(csvr *c, uint64_t recno)
{
	return aud_reader_check_bytes(c->r, c->raw.p, c->raw.len, c->raw_off,
				      recno, c->rec_line);
}

/* Finds name in the table, adding it with count 0 when absent. Returns
 * NULL when out of memory. The table never fills: it has room for twice
 * the number of names it can be given. */
static struct hent *dd_get(struct dedup *d, const char *s, size_t n)
{
	size_t i = (size_t)aud_fnv1a(s, n) & d->mask;
	struct hent *e;

	for (;; i = (i + 1) & d->mask) {
		e = &d->t[i];
		if (!e->used)
			break;
		if (e->len == n && memcmp(d->keys.p + e->off, s, n) == 0)
			return e;
	}
	e->off = d->keys.len;
	e->len = n;
	e->count = 0;
	if (aud_buf_append(&d->keys, s, n))
		return NULL;
	e->used = 1;
	return e;
}

/*
 * Turns the header row into column names, as pandas.read_csv does: an
 * empty name becomes "Unnamed: N" (N the 0-based column index); a name
 * seen before gets ".1", ".2"... appended, skipping candidates that are
 * themselves taken (pandas' dedup_names). cols[i].value keeps the name as
 * written in the file, cols[i].offset its place.
 */
static int header_row(csvr *c)
{
	struct dedup d = {0};
	aud_buf cand = {0};
	size_t n = c->nvals, i, tsize = 16, *noff = NULL, *nlen = NULL;
	size_t cnt, k, voff;
	struct hent *e;
	int open, rc = AUD_ENOMEM;
	char num[32];
	int w;

	if (n > c->r->max_fields) {
		aud_err_place(c->err, AUD_NOPOS, c->rec_line, c->rec_off);
		return aud_err_set(c->err, AUD_ELIMIT,
				   "header has more than %zu fields",
				   c->r->max_fields);
	}
	check_bytes(c, AUD_NOPOS);
	if (aud_grow((void **)&c->fpos, &c->fpcap, n, sizeof *c->fpos))
		goto done;
	if (scan_fields(c, n, &open) != n)
		for (i = 0; i < n; i++)
			c->fpos[i] = (struct fpos){c->rec_off, 0};
	while (tsize < 2 * n + 2)
		tsize *= 2;
	d.t = calloc(tsize, sizeof *d.t);
	d.mask = tsize - 1;
	noff = malloc(n * sizeof *noff);
	nlen = malloc(n * sizeof *nlen);
	c->cols = calloc(n, sizeof *c->cols);
	if (!d.t || !noff || !nlen || !c->cols)
		goto done;
	for (i = 0; i < n; i++) {
		cand.len = 0;
		voff = (size_t)c->fields[i].offset;
		if (c->fields[i].value_len == 0) {
			w = snprintf(num, sizeof num, "Unnamed: %zu", i);
			if (aud_buf_append(&cand, num, (size_t)w))
				goto done;
		} else if (aud_buf_append(&cand, c->vals.p + voff,
					  c->fields[i].value_len)) {
			goto done;
		}
		if (!(e = dd_get(&d, cand.p, cand.len)))
			goto done;
		cnt = e->count;
		while (cnt > 0) {
			e->count = cnt + 1;
			w = snprintf(num, sizeof num, ".%zu", cnt);
			if (aud_buf_append(&cand, num, (size_t)w))
				goto done;
			if (!(e = dd_get(&d, cand.p, cand.len)))
				goto done;
			cnt = e->count;
		}
		e->count = cnt + 1;
		/* Final name, then the name as written. */
		noff[i] = c->colnames.len;
		nlen[i] = cand.len;
		k = c->fields[i].value_len;
		if (aud_buf_append(&c->colnames, cand.p, cand.len) ||
		    aud_buf_append(&c->colnames,
				   c->vals.p ? c->vals.p + voff : "", k))
			goto done;
	}
	for (i = 0; i < n; i++) {
		c->cols[i].name = c->colnames.p + noff[i];
		c->cols[i].name_len = nlen[i];
		c->cols[i].value = c->colnames.p + noff[i] + nlen[i];
		c->cols[i].value_len = c->fields[i].value_len;
		c->cols[i].offset = c->fpos[i].off;
		c->cols[i].raw_exact = c->fpos[i].exact;
		c->cols[i].type = AUD_VAL_STRING;
	}
	c->ncols = n;
	c->have_header = 1;
	rc = 0;
done:
	if (rc) {
		free(c->cols);
		c->cols = NULL;
		nomem(c->err);
	}
	free(d.t);
	aud_buf_free(&d.keys);
	aud_buf_free(&cand);
	free(noff);
	free(nlen);
	return rc;
}

/* Name of field i past the header: "Unnamed: i", made once and kept. */
static int extra_name(csvr *c, size_t i, const char **name, size_t *len)
{
	size_t j = i - c->ncols;
	char num[32];
	int w;

	while (c->nx <= j) {
		if (aud_grow((void **)&c->xoff, &c->xcap, c->nx + 1,
			     sizeof *c->xoff))
			return AUD_ENOMEM;
		w = snprintf(num, sizeof num, "Unnamed: %zu", c->ncols + c->nx);
		c->xoff[c->nx] = c->xnames.len;
		if (aud_buf_append(&c->xnames, num, (size_t)w))
			return AUD_ENOMEM;
		c->nx++;
	}
	*name = c->xnames.p + c->xoff[j];
	*len = (j + 1 < c->nx ? c->xoff[j + 1] : c->xnames.len) - c->xoff[j];
	return 0;
}

/* Names the n fields of rec (values and places already set), reports a
 * field count that differs from the header and gives the record. Shared
 * by both paths so that their problems come in the same order. */
static int give_row(csvr *c, aud_record *rec, size_t n)
{
	aud_reader *r = c->r;
	const char *nm;
	size_t i, nl;

	/* Make every extra name first: making one may move xnames, which
	 * would leave the names of earlier fields dangling. */
	if (n > c->ncols && extra_name(c, n - 1, &nm, &nl))
		return nomem(c->err);
	/* Header names never move: each slot gets its name once. */
	for (i = c->named; i < n && i < c->ncols; i++) {
		c->fields[i].type = AUD_VAL_STRING;
		c->fields[i].name = c->cols[i].name;
		c->fields[i].name_len = c->cols[i].name_len;
		c->named = i + 1;
	}
	for (i = c->ncols; i < n; i++) {
		c->fields[i].type = AUD_VAL_STRING;
		if (extra_name(c, i, &c->fields[i].name,
			       &c->fields[i].name_len))
			return nomem(c->err);
	}
	/* Slots below ncols keep their header name (above), so a row of
	 * ncols fields is named with the header's strings. */
	if (n == c->ncols)
		rec->flags |= AUD_REC_HEADER_NAMES;
	if (n != c->ncols) {
		rec->flags |= AUD_REC_FIELD_COUNT;
		aud_reader_problem(
		    r, AUD_EFORMAT, c->recno, c->rec_line, c->rec_off,
		    "record has %zu fields, header has %zu", n, c->ncols);
	}
	rec->fields = c->fields;
	rec->nfields = n;
	return aud_reader_emit(r, rec);
}

/* Builds and gives a data record from what libcsv handed over. */
static int data_row(csvr *c)
{
	aud_reader *r = c->r;
	aud_record rec;
	aud_field un;
	size_t n = c->nvals, i, body;
	int open;
	unsigned flags;

	c->recno++;
	flags = check_bytes(c, c->recno);
	rec.number = c->recno;
	rec.line = c->rec_line;
	rec.offset = c->rec_off;
	rec.length = c->raw_off + c->raw.len - c->rec_off;
	if (n > r->max_fields) {
		/* Too many fields to list: give the raw text instead, so
		 * that detection still sees it. */
		aud_reader_problem(
		    r, AUD_ELIMIT, c->recno, c->rec_line, c->rec_off,
		    "record has more than %zu fields", r->max_fields);
		body = c->raw.len;
		while (body && (c->raw.p[body - 1] == '\n' ||
				c->raw.p[body - 1] == '\r'))
			body--;
		un.name = "(unparsed)";
		un.name_len = 10;
		un.value = c->raw.p;
		un.value_len = body;
		un.offset = c->raw_off;
		un.type = AUD_VAL_STRING;
		un.raw_exact = 1;
		rec.fields = &un;
		rec.nfields = 1;
		rec.flags = flags | AUD_REC_UNPARSED;
		return aud_reader_emit(r, &rec);
	}
	if (aud_grow((void **)&c->fpos, &c->fpcap, n, sizeof *c->fpos))
		return nomem(c->err);
	if (scan_fields(c, n, &open) != n) {
		/* Should not happen; places become approximate. */
		for (i = 0; i < n; i++)
			c->fpos[i] = (struct fpos){c->rec_off, 0};
	}
	for (i = 0; i < n; i++) {
		aud_field *f = &c->fields[i];

		/* Never NULL, even when every value so far was empty. */
		f->value = c->vals.p ? c->vals.p + (size_t)f->offset : "";
		f->offset = c->fpos[i].off;
		f->raw_exact = c->fpos[i].exact;
	}
	rec.flags = flags;
	return give_row(c, &rec, n);
}

/* Room for field nf + 1, unless that passes the limit. 0 or -1. */
static int field_room(csvr *c, size_t nf)
{
	if (nf == c->r->max_fields)
		return -1;
	if (nf == c->fcap &&
	    aud_grow((void **)&c->fields, &c->fcap, nf + 1, sizeof *c->fields))
		return -1;
	return 0;
}

#ifdef __SSE2__
/* Bit i set where w[i] == v, for the 64 bytes w holds. */
static inline uint64_t eq64(const __m128i w[4], __m128i v)
{
	return (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(w[0], v)) |
	       (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(w[1], v))
		   << 16 |
	       (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(w[2], v))
		   << 32 |
	       (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(w[3], v))
		   << 48;
}

/* Bit i set where w[i] >= 0x80. */
static inline uint64_t high64(const __m128i w[4])
{
	return (uint64_t)(unsigned)_mm_movemask_epi8(w[0]) |
	       (uint64_t)(unsigned)_mm_movemask_epi8(w[1]) << 16 |
	       (uint64_t)(unsigned)_mm_movemask_epi8(w[2]) << 32 |
	       (uint64_t)(unsigned)_mm_movemask_epi8(w[3]) << 48;
}

/* Bit i set where w[i] <= 0x20: white space, line ends, NUL and other
 * control bytes. */
static inline uint64_t low64(const __m128i w[4])
{
	const __m128i sp = _mm_set1_epi8(0x20);

	return eq64((const __m128i[4]){_mm_max_epu8(w[0], sp),
				       _mm_max_epu8(w[1], sp),
				       _mm_max_epu8(w[2], sp),
				       _mm_max_epu8(w[3], sp)},
		    sp);
}

/*
 * The fast path's split of a line without quotes (see the top of the
 * file), 64 bytes a step: s[0..len) is the rest of the chunk, starting a
 * line. Returns 1 with the line's nf fields in c->fields, its length in
 * *used and B_CHECK in *acc when it needs check_bytes; 0 when the line has
 * a quote (the byte loop decides); -1 when the line goes to libcsv (blank,
 * no line end in the chunk, too long, too many fields).
 */
static int split_simd(csvr *c, const unsigned char *s, size_t len,
		      size_t *nfp, size_t *used, unsigned char *acc)
{
	aud_reader *r = c->r;
	const unsigned char *cls = c->cls, *src;
	const __m128i vd = _mm_set1_epi8(r->delim), vq = _mm_set1_epi8('"'),
		      vn = _mm_set1_epi8('\n'), vz = _mm_setzero_si128();
	const uint64_t at = r->pos;
	unsigned char tail[64];
	__m128i w[4];
	size_t base = 0, start = 0, end, pos, nf = 0, k;
	uint64_t d, nl, in, low, lows = 0;
	aud_field *f;

	while (start < len && cls[s[start]] == B_SPACE)
		start++;
	if (start == len || cls[s[start]] == B_LF)
		return -1; /* blank, or only white space so far */
	for (;;) {
		src = s + base;
		if (len - base < 64) { /* the chunk's end: no reading past it */
			memset(tail, 0, sizeof tail);
			memcpy(tail, src, len - base);
			src = tail;
		}
		for (k = 0; k < 4; k++)
			w[k] = _mm_loadu_si128((const __m128i *)(src + 16 * k));
		nl = eq64(w, vn);
		/* Bytes of this line: up to its line end, or all 64. */
		in = nl ? (nl & -nl) - 1 : ~(uint64_t)0;
		if (len - base < 64 && !nl)
			return -1; /* the line goes on in the next chunk */
		if (eq64(w, vq) & in)
			return 0;
		/* Without white space or control bytes there is nothing to
		 * strip around the values, and no NUL. A value may begin in
		 * an earlier step: lows is for the line so far. */
		low = low64(w) & in;
		lows |= low;
		if ((high64(w) | (low ? eq64(w, vz) : 0)) & in)
			*acc = B_CHECK;
		/* A field ends at each delimiter, and the last at the line
		 * end. */
		d = (eq64(w, vd) & in) | (nl & -nl);
		/* Room for this step's fields, at most 64: the exact count
		 * is needed only near the limit (a popcount is a libgcc call
		 * unless the whole build targets a CPU that has one). */
		if (nf + 64 > r->max_fields &&
		    nf + (size_t)__builtin_popcountll(d) > r->max_fields)
			return -1;
		if (nf + 64 > c->fcap &&
		    aud_grow((void **)&c->fields, &c->fcap, nf + 64,
			     sizeof *c->fields))
			return -1;
		while (d) {
			pos = base + (size_t)__builtin_ctzll(d);
			d &= d - 1;
			end = pos;
			if (lows) {
				/* White space around the value, as libcsv
				 * drops it: the delimiter or the line end
				 * stops both loops. */
				while (cls[s[start]] == B_SPACE)
					start++;
				while (end > start &&
				       cls[s[end - 1]] == B_SPACE)
					end--;
			}
			f = &c->fields[nf++];
			f->value = (const char *)s + start;
			f->value_len = end - start;
			f->offset = at + start;
			f->raw_exact = 1;
			start = pos + 1;
		}
		if (nl) {
			if (start > r->max_record_bytes)
				return -1;
			*nfp = nf;
			*used = start;
			return 1;
		}
		base += 64;
		if (base >= len || base > r->max_record_bytes)
			return -1;
	}
}
#endif

/*
 * The fast path (see the top of the file): splits the line at data[0..]
 * if it starts a record, ends with '\n' within len bytes and is simple
 * enough, and gives its record. Returns 0 with *used = 0 when the line
 * must go to libcsv instead (nothing was done then), else *used is the
 * line's length and the return is that of give_row.
 */
static int fast_line(csvr *c, const char *data, size_t len, size_t *used)
{
	aud_reader *r = c->r;
	const unsigned char *s = (const unsigned char *)data;
	const unsigned char *cls = c->cls, *nl;
	size_t i = 0, k, nf = 0, start, end;
	unsigned char b, acc = 0;
	int rc;
	aud_record rec;
	aud_field *f;

	*used = 0;
#ifdef __SSE2__
	if (c->fast == 1) {
		rc = split_simd(c, s, len, &nf, &i, &acc);
		if (rc < 0)
			return 0;
		if (rc > 0) {
			for (k = 0; cls[s[k]] == B_SPACE; k++)
				;
			goto give;
		}
	}
#endif
	/* The '\n' (class B_LF) stops every loop below: no bound checks. */
	nl = memchr(s, '\n', len);
	if (!nl || (size_t)(nl - s) + 1 > r->max_record_bytes)
		return 0;
	while (cls[s[i]] == B_SPACE)
		i++;
	if (cls[s[i]] == B_LF)
		return 0; /* a blank line: piece() skips it */
	k = i;
	for (;;) {
		while ((b = cls[s[i]]) == B_SPACE)
			i++;
		if (b == B_QUOTE) {
			/* Quoted: up to the next quote, then only white
			 * space before the delimiter or the line end. */
			start = ++i;
			while ((b = cls[s[i]]) <= B_DELIM) {
				acc |= b;
				i++;
			}
			if (b != B_QUOTE)
				return 0;
			end = i++;
			while ((b = cls[s[i]]) == B_SPACE)
				i++;
			if (b != B_DELIM && b != B_LF)
				return 0;
		} else {
			/* Unquoted: up to the delimiter or line end, less
			 * trailing white space. */
			start = i;
			while ((b = cls[s[i]]) < B_DELIM) {
				acc |= b;
				i++;
			}
			if (b == B_QUOTE)
				return 0;
			end = i;
			while (end > start && cls[s[end - 1]] == B_SPACE)
				end--;
		}
		if (field_room(c, nf))
			return 0;
		f = &c->fields[nf++];
		f->value = data + start;
		f->value_len = end - start;
		f->offset = r->pos + start;
		f->raw_exact = 1;
		if (b == B_LF)
			break;
		i++;
	}
	i++;
give:
	/* As piece() and data_row() would leave things. */
	c->line_off = r->pos;
	c->line_no = r->lines + 1;
	c->rec_off = r->pos;
	c->rec_line = c->line_no;
	r->partial = 1;
	c->recno++;
	rec.number = c->recno;
	rec.line = c->rec_line;
	rec.offset = c->rec_off;
	rec.length = i;
	rec.flags = acc & B_CHECK
			? aud_reader_check_bytes(r, data + k, i - k, r->pos + k,
						 c->recno, c->rec_line)
			: 0;
	rc = give_row(c, &rec, nf);
	r->pos += i;
	r->lines++;
	r->partial = 0;
	c->line_fresh = 1;
	*used = i;
	return rc;
}

/* libcsv: one field. Values are copied next to each other in vals; the
 * offset into vals waits in fields[i].offset until the row ends. */
static void on_field(void *s, size_t len, void *data)
{
	csvr *c = data;
	size_t i;

	if (c->rc)
		return;
	i = c->nvals++;
	if (i >= c->r->max_fields)
		return; /* counted only; the row goes out unparsed */
	if (aud_grow((void **)&c->fields, &c->fcap, i + 1, sizeof *c->fields) ||
	    aud_buf_reserve(&c->vals, len)) {
		c->rc = nomem(c->err);
		return;
	}
	c->fields[i].offset = c->vals.len;
	c->fields[i].value_len = len;
	if (len)
		memcpy(c->vals.p + c->vals.len, s, len);
	c->vals.len += len;
}

/* libcsv: end of row. */
static void on_row(int ch, void *data)
{
	csvr *c = data;
	int rc;

	(void)ch;
	c->in_rec = 0;
	if (!c->rc) {
		rc = c->have_header ? data_row(c) : header_row(c);
		if (rc)
			c->rc = rc;
	}
	c->nvals = 0;
	c->vals.len = 0;
}

static int too_big(csvr *c, aud_err *err)
{
	aud_err_place(err, place_rec(c), c->rec_line, c->rec_off);
	return aud_err_set(err, AUD_ELIMIT,
			   "record exceeds --max-record-bytes (%zu)",
			   c->r->max_record_bytes);
}

/* libcsv stopped early: its buffer hit our cap or memory ran out. */
static int csv_failed(csvr *c, aud_err *err)
{
	if (csv_get_buffer_size(&c->p) + CSV_BLK > c->cap)
		return too_big(c, err);
	aud_err_place(err, place_rec(c), c->rec_line, c->rec_off);
	return aud_err_set(err, AUD_ENOMEM, "libcsv: %s",
			   csv_strerror(csv_error(&c->p)));
}

/* Feeds one piece of a line to libcsv: s[0..n), ending in '\n' when eol.
 * A row can only end at that '\n', which is the last byte. */
static int piece(csvr *c, const char *s, size_t n, int eol, aud_err *err)
{
	aud_reader *r = c->r;
	size_t k = 0, body = n - (eol ? 1 : 0), got;
	unsigned char delim = (unsigned char)r->delim;

	if (c->line_fresh) {
		c->line_off = r->pos;
		c->line_no = r->lines + 1;
		c->line_fresh = 0;
	}
	if (!c->in_rec) {
		/* libcsv skips white space before a row and blank lines;
		 * so do we, without feeding them. */
		while (k < body && (unsigned char)s[k] != delim &&
		       c->is_space((unsigned char)s[k]))
			k++;
		if (k == body) {
			r->pos += n;
			if (eol) {
				r->lines++;
				r->partial = 0;
				c->line_fresh = 1;
			} else if (n) {
				r->partial = 1;
			}
			return 0;
		}
		c->in_rec = 1;
		c->rec_off = c->line_off;
		c->rec_line = c->line_no;
		c->raw.len = 0;
		c->raw_off = r->pos + k;
		r->pos += k;
		r->partial = 1;
		s += k;
		n -= k;
	}
	if (r->pos + n - c->rec_off > r->max_record_bytes)
		return too_big(c, err);
	if (aud_buf_append(&c->raw, s, n))
		return nomem(err);
	/* libcsv's built-in tests (blank = space or tab, row end = CR or
	 * LF) are ours as long as the piece has no '\r' and the delimiter
	 * is neither tab nor space (libcsv checks the delimiter before
	 * blanks anyway). They are inline, hence much faster than hooks. */
	if (c->inline_ok && !memchr(s, '\r', n)) {
		csv_set_space_func(&c->p, NULL);
		csv_set_term_func(&c->p, NULL);
	} else {
		csv_set_space_func(&c->p, c->is_space);
		csv_set_term_func(&c->p, term_lf);
	}
	c->err = err;
	csv_cap = c->cap;
	got = csv_parse(&c->p, s, n, on_field, on_row, c);
	r->pos += n;
	if (eol) {
		r->lines++;
		r->partial = 0;
		c->line_fresh = 1;
	} else {
		r->partial = 1;
	}
	if (c->rc)
		return c->rc;
	if (got < n)
		return csv_failed(c, err);
	return 0;
}

int aud_reader_csv_feed(aud_reader *r, const char *data, size_t len,
			aud_err *err)
{
	csvr *c = r->impl;
	const char *nl;
	size_t n;
	int rc;

	while (len) {
		if (c->fast && c->have_header && c->line_fresh && !c->in_rec) {
			c->err = err;
			rc = fast_line(c, data, len, &n);
			if (rc)
				return rc;
			if (n) {
				data += n;
				len -= n;
				continue;
			}
		}
		nl = memchr(data, '\n', len);
		n = nl ? (size_t)(nl - data) + 1 : len;
		rc = piece(c, data, n, nl != NULL, err);
		if (rc)
			return rc;
		data += n;
		len -= n;
	}
	return 0;
}

int aud_reader_csv_finish(aud_reader *r, aud_err *err)
{
	csvr *c = r->impl;
	int open = 0, was_rec = c->in_rec;
	uint64_t place;

	if (was_rec)
		scan_fields(c, 0, &open);
	place = place_rec(c);
	c->err = err;
	csv_cap = c->cap;
	csv_fini(&c->p, on_field, on_row, c);
	if (c->rc)
		return c->rc;
	if (open) {
		aud_err_place(err, place, c->rec_line, c->rec_off);
		return aud_err_set(err, AUD_EFORMAT,
				   "unterminated quoted field");
	}
	return 0;
}

void aud_reader_csv_set_fast(aud_reader *r, int on)
{
	csvr *c = r->impl;

	c->fast = (unsigned char)r->delim < 0x80 ? on : 0;
}

size_t aud_reader_csv_columns(const aud_reader *r, const aud_field **out)
{
	const csvr *c = r->impl;

	*out = c->have_header ? c->cols : NULL;
	return c->have_header ? c->ncols : 0;
}

int aud_reader_csv_new(aud_reader *r, aud_err *err)
{
	csvr *c = calloc(1, sizeof *c);
	unsigned char b;
	int i;

	if (!c || csv_init(&c->p, 0) != 0) {
		free(c);
		return nomem(err);
	}
	c->r = r;
	c->line_fresh = 1;
	c->cap = r->max_record_bytes + 2 * CSV_BLK;
	c->raw.max = r->max_record_bytes;
	c->is_space = space_for((unsigned char)r->delim);
	c->inline_ok = r->delim != '\t' && r->delim != ' ';
	for (i = 0; i < 256; i++) {
		b = (unsigned char)i;
		c->cls[i] = b == 0 || b >= 0x80 ? B_CHECK
			    : c->is_space(b)	? B_SPACE
						: B_TEXT;
	}
	c->cls['"'] = B_QUOTE;
	c->cls['\n'] = B_LF;
	c->cls[(unsigned char)r->delim] = B_DELIM;
	/* A delimiter byte that is not ASCII would hide bad UTF-8 from the
	 * fast path's check. */
	c->fast = (unsigned char)r->delim < 0x80;
	csv_set_delim(&c->p, (unsigned char)r->delim);
	csv_set_space_func(&c->p, c->is_space);
	csv_set_term_func(&c->p, term_lf);
	csv_set_realloc_func(&c->p, cap_realloc);
	csv_set_free_func(&c->p, cap_free);
	csv_set_blk_size(&c->p, CSV_BLK);
	r->impl = c;
	return 0;
}

void aud_reader_csv_free(aud_reader *r)
{
	csvr *c = r ? r->impl : NULL;

	if (!c)
		return;
	csv_free(&c->p);
	aud_buf_free(&c->raw);
	aud_buf_free(&c->vals);
	aud_buf_free(&c->colnames);
	aud_buf_free(&c->xnames);
	free(c->fields);
	free(c->fpos);
	free(c->cols);
	free(c->xoff);
	free(c);
	r->impl = NULL;
}
