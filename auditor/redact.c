/*
 * redact.c: writes a redacted copy of one input (redact.h). The input goes
 * through the same decoder, reader and detector as a scan; the output is
 * made from the input's own decoded bytes, so what holds no finding is
 * copied byte for byte and only the bytes of findings change.
 *
 * The reader hands out records with their offset and length in the
 * decoded stream, so this module keeps the decoded bytes from the end of
 * the last record written (`done`) in a buffer: at most one record in
 * progress plus one chunk, since the reader refuses bigger records. What
 * lies between records is a gap: blank lines are copied, the CSV header
 * is copied (without the dropped columns), and anything else in a gap is a
 * line the reader left out (a JSONL line over the size limit), which is
 * dropped: nothing reaches the output without having been through the
 * detector.
 *
 * A field value with findings gets a new value: each union of overlapping
 * findings above the placeholder level is replaced once, by <ENTITY> or a
 * pseudonym (pseudonym.c). Placeholders (documentation values), allowlisted
 * values and markers of an earlier scrub stay. The new value is scanned
 * again with the field's name, as a rescan of the output would see it; what
 * is found then (a context word that a marker brought next to a number,
 * say) is replaced by markers too, a few rounds, and if something is still
 * found the whole value becomes <REDACTED>. So a scan of the output with
 * the same patterns finds nothing above the placeholder level.
 *
 * Writing a value back: CSV fields are located in the raw row with the
 * rules csv.c uses (libcsv's), checked against the reader's own offsets; a
 * quoted field is written quoted again (csv_write), an unquoted one bare
 * unless the new text needs quotes, and the other fields, delimiters and
 * the line end are the row's own bytes. If the raw row cannot be matched
 * to the reader's fields (libcsv's lenient reading of text after a closing
 * quote), the row is written anew from its values. JSON strings are
 * replaced between their quotes and escaped with the JSON escaper of
 * summary.c; a number or boolean that held a finding becomes a string
 * unless its pseudonym is still a valid number. A JSON member whose value
 * is dropped takes one adjacent comma with it. Keys are never changed:
 * the detector does not look at them either.
 *
 * A record the reader could not parse (a line that is not JSON, a CSV row
 * with too many fields) was scanned as raw text; its findings are replaced
 * in that raw text, and it is written and counted as such.
 */
#include "auditor/redact.h"
#include "auditor/decode.h"
#include "auditor/detect.h"
#include "auditor/encode.h"
#include "auditor/profile.h"
#include "auditor/pseudonym.h"
#include "auditor/summary.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK (256 * 1024)
#define RECHECKS 4 /* rounds of "scan the new value again" */

static const char bom[3] = {'\xEF', '\xBB', '\xBF'};

/* A span of a value to replace: a union of overlapping findings. */
struct span {
	size_t s, e;
	const char *entity; /* of the longest finding in it */
	size_t longest;
};

/* Where one CSV field lies in its raw row. */
struct seg {
	size_t start, end;    /* after the previous delimiter, to the next
				 delimiter or the line end */
	size_t cstart, cend;  /* the text between the quotes, or without the
				 blanks libcsv strips */
	size_t qopen, qclose; /* quoted fields: the two quotes */
	int quoted;
};

/* A change to a raw record: bytes [s, e) become rep[roff, roff + rlen). */
struct edit {
	size_t s, e, roff, rlen;
};

typedef struct rctx {
	const aud_redact_opts *o;
	aud_redact_totals *t;
	aud_detector *det;
	aud_pseudonymizer *pz;
	aud_encoder *enc;
	aud_decoder *dec;
	aud_reader *rd;
	const char *path; /* the input as shown */
	const char *output;
	aud_format fmt;
	char delim;

	aud_buf pend;	/* decoded bytes from `base` on */
	uint64_t base;	/* stream offset of pend.p[0] */
	uint64_t done;	/* output settled up to here */
	int in_dropped; /* the bytes at `done` continue a dropped line */

	int header_done;
	aud_name_class *cls; /* CSV: per column, NONE unless personal */
	size_t ncls;

	struct span *sp;
	size_t nsp, capsp;
	aud_buf nv, tmp, rep, out, vals, edb;
	size_t *voff, *vlen;
	unsigned char *vchg, *vdrop;
	size_t vcap;
	struct seg *segs;
	size_t segcap;
	struct edit *ed;
	size_t ned, caped;

	uint64_t shown; /* problems passed to diag */
	int failed;
	aud_err fail;
} rctx;

static int nomem(rctx *c)
{
	aud_err_clear(&c->fail);
	c->failed = 1;
	return aud_err_set(&c->fail, AUD_ENOMEM, "out of memory");
}

/* The output failed: the message names it, and has no input place. */
static int out_failed(rctx *c)
{
	char m[sizeof c->fail.msg];

	snprintf(m, sizeof m, "%s", c->fail.msg);
	aud_err_clear(&c->fail);
	aud_err_set(&c->fail, AUD_EIO, "%s: %s", c->output, m);
	c->failed = 1;
	c->t->output_failed = 1;
	return AUD_EIO;
}

/* Writes output bytes. */
static int emit(rctx *c, const void *p, size_t n)
{
	if (aud_encoder_write(c->enc, p, n, &c->fail))
		return out_failed(c);
	c->t->bytes_out += n;
	return 0;
}

static void count_entity(rctx *c, const char *entity)
{
	aud_redact_totals *t = c->t;
	size_t i;

	for (i = 0; i < t->nentities; i++)
		if (strcmp(t->entities[i].entity, entity) == 0) {
			t->entities[i].n++;
			return;
		}
	if (t->nentities < AUD_REDACT_MAX_ENTITIES) {
		t->entities[t->nentities].entity = entity;
		t->entities[t->nentities++].n = 1;
	}
}

/* Notes a personal field (JSON array indices folded to []): values is
 * added to its count. */
static int note_field(rctx *c, const char *name, size_t len, aud_name_class cls,
		      uint64_t values)
{
	aud_redact_totals *t = c->t;
	char *f = malloc(len + 1);
	size_t i, k = 0;
	int in_idx = 0;

	if (!f)
		return nomem(c);
	for (i = 0; i < len; i++) {
		if (name[i] == '[')
			in_idx = 1;
		else if (name[i] == ']')
			in_idx = 0;
		else if (in_idx)
			continue;
		f[k++] = name[i];
	}
	f[k] = '\0';
	for (i = 0; i < t->nfields; i++)
		if (strcmp(t->fields[i].name, f) == 0) {
			t->fields[i].values += values;
			free(f);
			return 0;
		}
	if (t->nfields == AUD_REDACT_MAX_FIELDS) {
		t->more_fields += values;
		free(f);
		return 0;
	}
	t->fields[t->nfields].name = f;
	t->fields[t->nfields].name_class = aud_name_class_name(cls);
	t->fields[t->nfields++].values = values;
	return 0;
}

/* A field name that says "personal" (profile.c's verdict by name). */
static aud_name_class personal(const rctx *c, const char *name, size_t len)
{
	aud_name_class k;

	if (c->o->personal == AUD_PERSONAL_KEEP)
		return AUD_NAME_NONE;
	k = aud_profile_classify(name, len);
	return k == AUD_NAME_QUASI_IDENTIFIER ? AUD_NAME_NONE : k;
}

/* ---- new values ------------------------------------------------------ */

static int marker(aud_buf *out, const char *entity)
{
	if (aud_buf_append(out, "<", 1) ||
	    aud_buf_append(out, entity, strlen(entity)) ||
	    aud_buf_append(out, ">", 1))
		return AUD_ENOMEM;
	return 0;
}

/* Appends what replaces text (found as entity) to out. */
static int replacement(rctx *c, const char *entity, const char *text, size_t n,
		       aud_buf *out)
{
	int rc;

	if (c->o->pseudonymize) {
		rc =
		    aud_pseudonymize(c->pz, entity, text, n, &c->rep, &c->fail);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			c->t->pseudonyms++;
			return aud_buf_append(out, c->rep.p, c->rep.len);
		}
		c->t->no_pseudonym++;
	}
	return marker(out, entity);
}

/* A private key's finding is its BEGIN line; the key follows, up to the
 * END line (or the end of the value): all of it goes. */
static size_t key_end(const char *v, size_t len, size_t from)
{
	const char *end = memmem(v + from, len - from, "-----END", 8), *close;

	if (!end)
		return len;
	end += 8;
	close = memmem(end, (size_t)(v + len - end), "-----", 5);
	return close ? (size_t)(close + 5 - v) : len;
}

/* Turns matches in v[0..len) into spans to replace, in c->sp. Markers,
 * placeholders and allowlisted values are left alone (and counted when
 * first). */
static size_t spans(rctx *c, const aud_match *m, int n, const char *v,
		    size_t len, int first)
{
	int i;

	c->nsp = 0;
	for (i = 0; i < n; i++) {
		struct span *s;
		size_t e;

		if (strcmp(m[i].entity, AUD_MARKER_ENTITY) == 0) {
			c->t->markers += first;
			continue;
		}
		if (m[i].evidence == AUD_EV_PLACEHOLDER) {
			c->t->placeholders += first;
			continue;
		}
		if (c->o->allowlist &&
		    aud_allowlist_match(c->o->allowlist, m[i].entity,
					v + m[i].start, m[i].len)) {
			c->t->allowlisted += first;
			continue;
		}
		e = m[i].start + m[i].len;
		if (strcmp(m[i].entity, "PRIVATE_KEY") == 0)
			e = key_end(v, len, e);
		if (c->nsp && m[i].start < c->sp[c->nsp - 1].e) {
			s = &c->sp[c->nsp - 1];
			if (e > s->e)
				s->e = e;
			if (m[i].len > s->longest) {
				s->longest = m[i].len;
				s->entity = m[i].entity;
			}
			continue;
		}
		if (aud_grow((void **)&c->sp, &c->capsp, c->nsp + 1,
			     sizeof *c->sp))
			return (size_t)-1;
		s = &c->sp[c->nsp++];
		s->s = m[i].start;
		s->e = e;
		s->entity = m[i].entity;
		s->longest = m[i].len;
	}
	return c->nsp;
}

/* out = v with each span of c->sp replaced (by replacement(), or by a
 * marker when markers_only). */
static int rebuild(rctx *c, const char *v, size_t len, int markers_only,
		   aud_buf *out)
{
	size_t i, at = 0;
	int rc;

	out->len = 0;
	for (i = 0; i < c->nsp; i++) {
		const struct span *s = &c->sp[i];

		if ((rc = aud_buf_append(out, v + at, s->s - at)))
			return rc;
		rc = markers_only ? marker(out, s->entity)
				  : replacement(c, s->entity, v + s->s,
						s->e - s->s, out);
		if (rc)
			return rc;
		at = s->e;
	}
	return aud_buf_append(out, v + at, len - at);
}

/* Scans c->nv as a rescan would see it and replaces what is still found.
 * Returns 0 or a negative code. */
static int recheck(rctx *c, const char *name, size_t nlen)
{
	const aud_match *m;
	aud_buf t;
	int i, n, rc;
	size_t k;

	for (i = 0; i < RECHECKS; i++) {
		n = aud_detect_field(c->det, name, nlen, c->nv.p, c->nv.len, &m,
				     &c->fail);
		if (n < 0)
			return n;
		k = spans(c, m, n, c->nv.p, c->nv.len, 0);
		if (k == (size_t)-1)
			return AUD_ENOMEM;
		if (k == 0)
			return 0;
		c->t->rechecked += k;
		if ((rc = rebuild(c, c->nv.p, c->nv.len, 1, &c->tmp)))
			return rc;
		t = c->nv;
		c->nv = c->tmp;
		c->tmp = t;
	}
	/* Still found after several rounds: give up on the value. */
	c->t->rechecked++;
	c->nv.len = 0;
	return marker(&c->nv, "REDACTED");
}

/*
 * The new value of one field, in c->nv. cls != NONE replaces the whole
 * value (a personal column). Returns 1 when the value changes, 0 when it
 * stays, or a negative code.
 */
static int redact_value(rctx *c, const char *name, size_t nlen, const char *v,
			size_t len, aud_name_class cls)
{
	const aud_match *m;
	size_t k, i;
	int n, rc;

	c->nv.len = 0;
	if (len == 0)
		return 0;
	if (cls != AUD_NAME_NONE) {
		const char *ent = aud_name_class_name(cls);

		if ((rc = replacement(c, ent, v, len, &c->nv)))
			return rc;
		c->t->replacements++;
		count_entity(c, ent);
	} else {
		n = aud_detect_field(c->det, name, nlen, v, len, &m, &c->fail);
		if (n < 0)
			return n;
		k = spans(c, m, n, v, len, 1);
		if (k == (size_t)-1)
			return AUD_ENOMEM;
		if (k == 0)
			return 0;
		for (i = 0; i < k; i++)
			count_entity(c, c->sp[i].entity);
		c->t->replacements += k;
		if ((rc = rebuild(c, v, len, 0, &c->nv)))
			return rc;
	}
	if ((rc = recheck(c, name, nlen)))
		return rc;
	c->t->values_changed++;
	return 1;
}

/* Redacts field f (of name class k) into c->nv: 1 when its value changed,
 * 0 when not, or a negative code. A changed personal column is counted. */
static int redact_field(rctx *c, const aud_field *f, aud_name_class k)
{
	int rc =
	    redact_value(c, f->name, f->name_len, f->value, f->value_len, k);

	if (rc > 0 && k != AUD_NAME_NONE &&
	    note_field(c, f->name, f->name_len, k, 1))
		return AUD_ENOMEM;
	return rc;
}

/* ---- CSV ------------------------------------------------------------- */

/* Blanks libcsv strips around unquoted fields (csv.c): never the
 * delimiter. */
static int csv_space(const rctx *c, unsigned char b)
{
	return (b == ' ' || b == '\t' || b == '\r') &&
	       b != (unsigned char)c->delim;
}

/*
 * Splits the CSV row at s[0..n) the way libcsv reads it (csv.c). Stores
 * up to cap fields in sg and returns how many there are; *used is the
 * row's length (through its '\n', or n), *term where its line end ("\n",
 * "\r\n", or nothing) starts, *eol whether a '\n' ended it. *weird is set when
 * text follows a closing quote or a quote is never closed: libcsv then reads
 * the field in ways that are not a slice of the raw bytes.
 */
static size_t split(const rctx *c, const char *s, size_t n, struct seg *sg,
		    size_t cap, size_t *used, size_t *term, int *weird,
		    int *eol)
{
	unsigned char d = (unsigned char)c->delim;
	size_t i = 0, nf = 0, j, k, floor;
	struct seg g;

	*weird = 0;
	for (;;) {
		memset(&g, 0, sizeof g);
		g.start = i;
		while (i < n && (unsigned char)s[i] != d && s[i] != '\n' &&
		       csv_space(c, (unsigned char)s[i]))
			i++;
		if (i < n && s[i] == '"') {
			g.quoted = 1;
			g.qopen = i++;
			for (;;) {
				const char *q = memchr(s + i, '"', n - i);

				if (!q) { /* never closed */
					*weird = 1;
					g.qclose = i = n;
					break;
				}
				j = (size_t)(q - s);
				if (j + 1 < n && s[j + 1] == '"') {
					i = j + 2; /* "" is one quote */
					continue;
				}
				k = j + 1;
				while (k < n && (unsigned char)s[k] != d &&
				       s[k] != '\n' &&
				       csv_space(c, (unsigned char)s[k]))
					k++;
				if (k < n && (unsigned char)s[k] != d &&
				    s[k] != '\n') {
					/* libcsv goes on as if still
					 * quoted */
					*weird = 1;
					i = k;
					continue;
				}
				g.qclose = j;
				i = k;
				break;
			}
			g.cstart = g.qopen + 1;
			g.cend = g.qclose;
			floor = g.qclose < n ? g.qclose + 1 : n;
		} else {
			g.cstart = i;
			while (i < n && (unsigned char)s[i] != d &&
			       s[i] != '\n')
				i++;
			g.cend = i;
			while (g.cend > g.cstart &&
			       csv_space(c, (unsigned char)s[g.cend - 1]))
				g.cend--;
			floor = g.cend;
		}
		g.end = i;
		if (i >= n || s[i] == '\n') {
			while (g.end > floor && s[g.end - 1] == '\r')
				g.end--;
			*term = g.end;
			*eol = i < n;
			*used = i < n ? i + 1 : n;
			if (nf < cap)
				sg[nf] = g;
			return nf + 1;
		}
		if (nf < cap)
			sg[nf] = g;
		nf++;
		i++; /* the delimiter */
	}
}

/* Would this text read back differently if written without quotes? */
static int needs_quotes(const rctx *c, const char *s, size_t n)
{
	size_t i;

	if (n && (csv_space(c, (unsigned char)s[0]) ||
		  csv_space(c, (unsigned char)s[n - 1])))
		return 1;
	for (i = 0; i < n; i++)
		if (s[i] == c->delim || s[i] == '"' || s[i] == '\n' ||
		    s[i] == '\r')
			return 1;
	return 0;
}

/* Appends s quoted, inner quotes doubled (libcsv's csv_write). */
static int put_quoted(aud_buf *out, const char *s, size_t n)
{
	size_t need = csv_write(NULL, 0, s, n);

	if (aud_buf_reserve(out, need))
		return AUD_ENOMEM;
	csv_write(out->p + out->len, need, s, n);
	out->len += need;
	return 0;
}

/* Appends a field value as a fresh CSV field. */
static int put_field(const rctx *c, aud_buf *out, const char *s, size_t n)
{
	return needs_quotes(c, s, n) ? put_quoted(out, s, n)
				     : aud_buf_append(out, s, n);
}

/* The line end of a raw row: its trailing "\r\n" or "\n", if any. */
static size_t line_end(const char *s, size_t n)
{
	size_t k = n;

	if (k && s[k - 1] == '\n') {
		k--;
		while (k && s[k - 1] == '\r')
			k--;
	}
	return k;
}

/* Header names that say "personal", once the reader has the header. */
static int classify_columns(rctx *c)
{
	const aud_field *cols;
	size_t n = aud_reader_columns(c->rd, &cols), i;

	if (c->cls || !cols)
		return 0;
	c->cls = calloc(n ? n : 1, sizeof *c->cls);
	if (!c->cls)
		return nomem(c);
	c->ncls = n;
	for (i = 0; i < n; i++) {
		c->cls[i] = personal(c, cols[i].name, cols[i].name_len);
		if (c->cls[i] != AUD_NAME_NONE &&
		    note_field(c, cols[i].name, cols[i].name_len, c->cls[i], 0))
			return AUD_ENOMEM;
	}
	return 0;
}

static int any_dropped(const rctx *c)
{
	size_t i;

	if (c->o->personal != AUD_PERSONAL_DROP)
		return 0;
	for (i = 0; i < c->ncls; i++)
		if (c->cls[i] != AUD_NAME_NONE)
			return 1;
	return 0;
}

/*
 * The CSV header at s[0..n). whole: the bytes hold the header and blank
 * lines only (the gap before the first record, or the end of input).
 * Returns the bytes it took (0: not enough yet), or a negative code.
 */
static long header(rctx *c, const char *s, size_t n, int whole)
{
	size_t nseg, used, term, i;
	int weird, eol, first = 1;
	const aud_field *cols;

	if (classify_columns(c))
		return AUD_ENOMEM;
	if (aud_grow((void **)&c->segs, &c->segcap, c->ncls + 1,
		     sizeof *c->segs))
		return nomem(c);
	nseg = split(c, s, n, c->segs, c->segcap, &used, &term, &weird, &eol);
	if (!any_dropped(c)) {
		if (whole)
			used = n;
		else if (weird || !eol)
			return 0; /* not sure where it ends: wait */
		c->header_done = 1;
		return emit(c, s, used) ? -1 : (long)used;
	}
	c->out.len = 0;
	if (!weird && nseg == c->ncls && (whole || eol)) {
		for (i = 0; i < nseg; i++) {
			if (c->cls[i] != AUD_NAME_NONE)
				continue;
			if ((!first && aud_buf_append(&c->out, &c->delim, 1)) ||
			    aud_buf_append(&c->out, s + c->segs[i].start,
					   c->segs[i].end - c->segs[i].start))
				return nomem(c);
			first = 0;
		}
		if (aud_buf_append(&c->out, s + term, used - term))
			return nomem(c);
	} else if (whole) {
		/* Write the kept names anew from what the reader read. */
		aud_reader_columns(c->rd, &cols);
		for (i = 0; i < c->ncls; i++) {
			if (c->cls[i] != AUD_NAME_NONE)
				continue;
			if ((!first && aud_buf_append(&c->out, &c->delim, 1)) ||
			    put_field(c, &c->out, cols[i].value,
				      cols[i].value_len))
				return nomem(c);
			first = 0;
		}
		if (aud_buf_append(&c->out, "\n", 1))
			return nomem(c);
		used = n;
	} else {
		return 0;
	}
	c->header_done = 1;
	return emit(c, c->out.p, c->out.len) ? -1 : (long)used;
}

static int grow_fields(rctx *c, size_t n)
{
	size_t cap = c->vcap;

	if (n <= c->vcap)
		return 0;
	if (aud_grow((void **)&c->voff, &cap, n, sizeof *c->voff))
		return AUD_ENOMEM;
	cap = c->vcap;
	if (aud_grow((void **)&c->vlen, &cap, n, sizeof *c->vlen))
		return AUD_ENOMEM;
	cap = c->vcap;
	if (aud_grow((void **)&c->vchg, &cap, n, 1))
		return AUD_ENOMEM;
	cap = c->vcap;
	if (aud_grow((void **)&c->vdrop, &cap, n, 1))
		return AUD_ENOMEM;
	c->vcap = cap;
	return 0;
}

/* Appends field i of a row whose fields are at sg: its own bytes, or its
 * new value in place of its text. */
static int put_seg(rctx *c, const char *raw, const struct seg *g, size_t i)
{
	const char *v;
	size_t vl;

	if (!c->vchg[i])
		return aud_buf_append(&c->out, raw + g->start,
				      g->end - g->start);
	v = c->vals.p + c->voff[i];
	vl = c->vlen[i];
	if (g->quoted)
		return aud_buf_append(&c->out, raw + g->start,
				      g->qopen - g->start) ||
		       put_quoted(&c->out, v, vl) ||
		       aud_buf_append(&c->out, raw + g->qclose + 1,
				      g->end - g->qclose - 1);
	return aud_buf_append(&c->out, raw + g->start, g->cstart - g->start) ||
	       put_field(c, &c->out, v, vl) ||
	       aud_buf_append(&c->out, raw + g->cend, g->end - g->cend);
}

static int csv_record(rctx *c, const aud_record *rec, const char *raw,
		      size_t rlen)
{
	size_t nf = rec->nfields, i, nseg, used = 0, term = 0;
	int weird = 0, eol = 0, any = 0, ok, first = 1, rc;

	if (grow_fields(c, nf))
		return nomem(c);
	c->vals.len = 0;
	for (i = 0; i < nf; i++) {
		const aud_field *f = &rec->fields[i];
		aud_name_class k = i < c->ncls ? c->cls[i] : AUD_NAME_NONE;

		c->vchg[i] = 0;
		c->vdrop[i] =
		    k != AUD_NAME_NONE && c->o->personal == AUD_PERSONAL_DROP;
		if (c->vdrop[i]) {
			any = 1;
			if (f->value_len &&
			    note_field(c, f->name, f->name_len, k, 1))
				return AUD_ENOMEM;
			continue;
		}
		rc = redact_field(c, f, k);
		if (rc < 0)
			return rc;
		if (rc == 0)
			continue;
		c->vchg[i] = 1;
		c->voff[i] = c->vals.len;
		c->vlen[i] = c->nv.len;
		if (aud_buf_append(&c->vals, c->nv.p, c->nv.len))
			return nomem(c);
		any = 1;
	}
	if (!any)
		return emit(c, raw, rlen);
	if (aud_grow((void **)&c->segs, &c->segcap, nf + 1, sizeof *c->segs))
		return nomem(c);
	nseg =
	    split(c, raw, rlen, c->segs, c->segcap, &used, &term, &weird, &eol);
	ok = !weird && nseg == nf && used == rlen;
	for (i = 0; ok && i < nf; i++)
		ok = rec->fields[i].offset - rec->offset == c->segs[i].cstart;
	c->out.len = 0;
	for (i = 0; i < nf; i++) {
		const aud_field *f = &rec->fields[i];

		if (c->vdrop[i])
			continue;
		if (!first && aud_buf_append(&c->out, &c->delim, 1))
			return nomem(c);
		first = 0;
		if (ok)
			rc = put_seg(c, raw, &c->segs[i], i);
		else if (c->vchg[i])
			rc = put_field(c, &c->out, c->vals.p + c->voff[i],
				       c->vlen[i]);
		else
			rc = put_field(c, &c->out, f->value, f->value_len);
		if (rc)
			return nomem(c);
	}
	if (!ok)
		term = line_end(raw, rlen);
	if (aud_buf_append(&c->out, raw + term, rlen - term))
		return nomem(c);
	return emit(c, c->out.p, c->out.len);
}

/* ---- JSONL ----------------------------------------------------------- */

static int json_ws(char b)
{
	return b == ' ' || b == '\t' || b == '\r' || b == '\n';
}

/* Is s[0..n) a JSON number (RFC 8259)? */
static int json_number(const char *s, size_t n)
{
	size_t i = 0, k;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0') {
		i++;
	} else {
		for (k = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == k)
			return 0;
	}
	if (i < n && s[i] == '.') {
		for (k = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == k)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (k = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == k)
			return 0;
	}
	return i == n;
}

/* Appends s as JSON string content (the shared escaper), with the quotes
 * when quoted. */
static int put_json(aud_buf *out, const char *s, size_t n, int quoted)
{
	char *p = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&p, &len);
	int rc;

	if (!f)
		return AUD_ENOMEM;
	if (quoted)
		aud_json_string(f, s, n);
	else
		aud_json_chars(f, s, n, 0);
	if (fclose(f) != 0) {
		free(p);
		return AUD_ENOMEM;
	}
	rc = aud_buf_append(out, p, len);
	free(p);
	return rc;
}

static int add_edit(rctx *c, size_t s, size_t e, size_t roff, size_t rlen)
{
	if (aud_grow((void **)&c->ed, &c->caped, c->ned + 1, sizeof *c->ed))
		return AUD_ENOMEM;
	c->ed[c->ned++] = (struct edit){s, e, roff, rlen};
	return 0;
}

/* Raw extent [*vs, *ve) of field f's value in the line s[0..n); the line
 * starts at stream offset base. Returns 0, or -1 when it is not where it
 * should be (never for a line the reader parsed). */
static int value_extent(const aud_field *f, uint64_t base, const char *s,
			size_t n, size_t *vs, size_t *ve)
{
	size_t i;

	if (f->offset < base || f->offset - base > n)
		return -1;
	i = (size_t)(f->offset - base);
	if (f->type != AUD_VAL_STRING) {
		*vs = i;
		*ve = i + (f->type == AUD_VAL_NULL ? 4 : f->value_len);
		return *ve <= n ? 0 : -1;
	}
	if (i == 0 || s[i - 1] != '"')
		return -1;
	*vs = i - 1;
	while (i < n && s[i] != '"')
		i += s[i] == '\\' ? 2 : 1;
	if (i >= n)
		return -1;
	*ve = i + 1;
	return 0;
}

/* For a value at [vs, ve) that is an object member, the separators around
 * it: *b the '{' or ',' before its key, *a the ',' or '}' after it.
 * Returns 0, or -1 when the value is an array element. */
static int member(const char *s, size_t n, size_t vs, size_t ve, size_t *b,
		  size_t *a)
{
	size_t p = vs, q, k;

	while (p && json_ws(s[p - 1]))
		p--;
	if (!p || s[p - 1] != ':')
		return -1;
	p--;
	while (p && json_ws(s[p - 1]))
		p--;
	if (!p || s[p - 1] != '"')
		return -1;
	q = p - 1; /* the key's closing quote */
	for (;;) {
		if (!q)
			return -1;
		q--;
		if (s[q] != '"')
			continue;
		for (k = q; k && s[k - 1] == '\\'; k--)
			;
		if ((q - k) % 2 == 0)
			break; /* not escaped: the opening quote */
	}
	p = q;
	while (p && json_ws(s[p - 1]))
		p--;
	if (!p || (s[p - 1] != '{' && s[p - 1] != ','))
		return -1;
	*b = p - 1;
	p = ve;
	while (p < n && json_ws(s[p]))
		p++;
	if (p >= n || (s[p] != ',' && s[p] != '}'))
		return -1;
	*a = p;
	return 0;
}

static int cmp_edit(const void *x, const void *y)
{
	const struct edit *a = x, *b = y;

	return (a->s > b->s) - (a->s < b->s);
}

/* Member removals: a run of adjacent dropped members [B, A] (B the
 * separator before the first, A the one after the last) loses one comma:
 * the one after it when it opens the object, else the one before. */
static int drop_runs(rctx *c, const char *s, const size_t *bs, const size_t *as,
		     size_t nd)
{
	size_t i = 0, j;

	while (i < nd) {
		for (j = i; j + 1 < nd && bs[j + 1] == as[j]; j++)
			;
		if (s[bs[i]] == '{') {
			if (add_edit(c, bs[i] + 1,
				     as[j] + (s[as[j]] == ',' ? 1 : 0), 0, 0))
				return AUD_ENOMEM;
		} else if (add_edit(c, bs[i], as[j], 0, 0)) {
			return AUD_ENOMEM;
		}
		i = j + 1;
	}
	return 0;
}

static int json_record(rctx *c, const aud_record *rec, const char *raw,
		       size_t rlen)
{
	size_t i, vs, ve, nd = 0, at, *bs, *as;
	int rc;

	c->ned = 0;
	c->edb.len = 0;
	if (grow_fields(c, rec->nfields))
		return nomem(c);
	/* drop separators go in voff (before) and vlen (after) */
	bs = c->voff;
	as = c->vlen;
	for (i = 0; i < rec->nfields; i++) {
		const aud_field *f = &rec->fields[i];
		aud_name_class k = AUD_NAME_NONE;
		size_t roff;

		if (f->type == AUD_VAL_STRING || f->type == AUD_VAL_NUMBER)
			k = personal(c, f->name, f->name_len);
		if (k != AUD_NAME_NONE && f->value_len == 0)
			continue; /* nothing to hide */
		if (k != AUD_NAME_NONE && c->o->personal == AUD_PERSONAL_DROP &&
		    value_extent(f, rec->offset, raw, rlen, &vs, &ve) == 0 &&
		    member(raw, rlen, vs, ve, &bs[nd], &as[nd]) == 0) {
			nd++;
			if (note_field(c, f->name, f->name_len, k, 1))
				return AUD_ENOMEM;
			continue;
		}
		rc = redact_field(c, f, k);
		if (rc < 0)
			return rc;
		if (rc == 0)
			continue;
		if (value_extent(f, rec->offset, raw, rlen, &vs, &ve)) {
			aud_err_clear(&c->fail);
			aud_err_place(&c->fail, rec->number, rec->line,
				      f->offset);
			c->failed = 1;
			return aud_err_set(&c->fail, AUD_EFORMAT,
					   "internal error: cannot find the "
					   "value of %.*s in the line",
					   (int)f->name_len, f->name);
		}
		roff = c->edb.len;
		if (f->type == AUD_VAL_STRING) {
			rc = put_json(&c->edb, c->nv.p, c->nv.len, 0);
			vs++; /* between the quotes */
			ve--;
		} else if (f->type == AUD_VAL_NUMBER &&
			   json_number(c->nv.p, c->nv.len))
			rc = aud_buf_append(&c->edb, c->nv.p, c->nv.len);
		else
			rc = put_json(&c->edb, c->nv.p, c->nv.len, 1);
		if (rc || add_edit(c, vs, ve, roff, c->edb.len - roff))
			return nomem(c);
	}
	if (drop_runs(c, raw, bs, as, nd))
		return nomem(c);
	if (c->ned == 0)
		return emit(c, raw, rlen);
	qsort(c->ed, c->ned, sizeof *c->ed, cmp_edit);
	c->out.len = 0;
	for (i = 0, at = 0; i < c->ned; i++) {
		if (aud_buf_append(&c->out, raw + at, c->ed[i].s - at) ||
		    (c->ed[i].rlen &&
		     aud_buf_append(&c->out, c->edb.p + c->ed[i].roff,
				    c->ed[i].rlen)))
			return nomem(c);
		at = c->ed[i].e;
	}
	if (aud_buf_append(&c->out, raw + at, rlen - at))
		return nomem(c);
	return emit(c, c->out.p, c->out.len);
}

/* A record the reader could not parse: its one field is raw text. */
static int unparsed_record(rctx *c, const aud_record *rec, const char *raw,
			   size_t rlen)
{
	const aud_field *f = &rec->fields[0];
	size_t s = (size_t)(f->offset - rec->offset);
	int rc;

	c->t->unparsed++;
	if (s > rlen || f->value_len > rlen - s)
		return emit(c, "\n", 1); /* cannot happen; never copy */
	rc = redact_value(c, f->name, f->name_len, f->value, f->value_len,
			  AUD_NAME_NONE);
	if (rc <= 0)
		return rc < 0 ? rc : emit(c, raw, rlen);
	if (emit(c, raw, s) || emit(c, c->nv.p, c->nv.len) ||
	    emit(c, raw + s + f->value_len, rlen - s - f->value_len))
		return c->fail.code;
	return 0;
}

/* ---- gaps between records -------------------------------------------- */

static int blank(const rctx *c, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char b = (unsigned char)s[i];

		if (b == '\n')
			continue;
		if (c->fmt == AUD_FMT_CSV
			? !csv_space(c, b)
			: !(b == ' ' || b == '\t' || b == '\r'))
			return 0;
	}
	return 1;
}

enum { GAP_DRAIN, GAP_BEFORE, GAP_END };

/*
 * gap for a JSON array: what lies between its elements ('[', ',', ']',
 * white space, a byte order mark) is copied as it is, once the next
 * element (or the end) shows where it ends; after a chunk nothing is sure
 * (an element may be in progress), so GAP_DRAIN waits. Any other byte
 * there belongs to no record the reader gave (an element over
 * --max-record-bytes, a line over it after the array): it would reach
 * the copy unredacted, so the input fails instead.
 */
static int array_gap(rctx *c, uint64_t upto, int mode)
{
	const unsigned char *p = (const unsigned char *)c->pend.p +
				 (c->done - c->base);
	size_t n = (size_t)(upto - c->done), i = 0;

	if (mode == GAP_DRAIN || n == 0)
		return 0;
	if (c->done == 0 && n >= 3 && memcmp(p, bom, 3) == 0)
		i = 3;
	for (; i < n; i++)
		if (!strchr(" \t\r\n[],", p[i]) || p[i] == 0) {
			aud_err_clear(&c->fail);
			c->failed = 1;
			aud_err_place(&c->fail, aud_reader_records(c->rd) + 1,
				      AUD_NOPOS, c->done + i);
			return aud_err_set(&c->fail, AUD_EFORMAT,
					   "bytes outside every record of the "
					   "JSON array (an element over "
					   "--max-record-bytes?): nothing "
					   "written");
		}
	if (emit(c, (const char *)p, n))
		return -1;
	c->done = upto;
	return 0;
}

/*
 * Settles the bytes from `done` up to stream offset upto. GAP_BEFORE: they
 * lie before a record (all gap); GAP_END: the input has ended; GAP_DRAIN:
 * after a chunk, only what is surely gap (leading blank lines, a parsed
 * CSV header, JSONL lines the reader finished without a record). Returns
 * 0 or a negative code.
 */
static int gap(rctx *c, uint64_t upto, int mode)
{
	if (c->fmt == AUD_FMT_JSON)
		return array_gap(c, upto, mode);
	while (c->done < upto) {
		const char *p = c->pend.p + (c->done - c->base), *nl;
		size_t n = (size_t)(upto - c->done), len;
		int whole = mode != GAP_DRAIN;
		const aud_field *cols;
		long took;

		if (c->done == 0 && n >= 3 && memcmp(p, bom, 3) == 0) {
			if (emit(c, p, 3))
				return -1;
			c->done = 3;
			continue;
		}
		nl = memchr(p, '\n', n);
		len = nl ? (size_t)(nl - p) + 1 : n;
		if (!nl && !whole)
			return 0; /* a line still coming */
		if (c->in_dropped) {
			c->in_dropped = !nl;
			c->done += len;
			continue;
		}
		if (blank(c, p, len)) {
			if (emit(c, p, len))
				return -1;
			c->done += len;
			continue;
		}
		if (c->fmt == AUD_FMT_CSV && !c->header_done) {
			if (mode == GAP_DRAIN &&
			    !aud_reader_columns(c->rd, &cols))
				return 0;
			took = header(c, p, n, whole);
			if (took < 0)
				return -1;
			if (took == 0)
				return 0;
			c->done += (uint64_t)took;
			continue;
		}
		if (c->fmt == AUD_FMT_CSV && mode == GAP_DRAIN)
			return 0; /* a record in progress */
		/* A line the reader read but gave no record for (over the
		 * size limit): it never reaches the output. */
		c->done += len;
	}
	return 0;
}

/* Drops settled bytes from the buffer; keeps it bounded. */
static int compact(rctx *c, size_t limit)
{
	size_t k = (size_t)(c->done - c->base);

	if (k) {
		memmove(c->pend.p, c->pend.p + k, c->pend.len - k);
		c->pend.len -= k;
		c->base = c->done;
	}
	if (c->pend.len <= limit)
		return 0;
	if (c->fmt == AUD_FMT_JSONL) {
		/* The reader is skipping a line over the limit: so do we. */
		c->done += c->pend.len;
		c->base = c->done;
		c->pend.len = 0;
		c->in_dropped = 1;
		return 0;
	}
	aud_err_clear(&c->fail);
	c->failed = 1;
	aud_err_place(&c->fail, aud_reader_records(c->rd) + 1, AUD_NOPOS,
		      c->done);
	return aud_err_set(
	    &c->fail, AUD_ELIMIT, "record exceeds --max-record-bytes (%zu)",
	    c->o->max_record_bytes ? c->o->max_record_bytes : (size_t)16 << 20);
}

/* ---- reader callbacks ------------------------------------------------ */

static int on_record(void *ctx, const aud_record *rec)
{
	rctx *c = ctx;
	const char *raw;
	int rc;

	if (gap(c, rec->offset, GAP_BEFORE) || c->failed) {
		if (!c->failed)
			nomem(c);
		return 1;
	}
	if (rec->offset != c->done || rec->offset < c->base ||
	    rec->offset + rec->length > c->base + c->pend.len) {
		aud_err_clear(&c->fail);
		aud_err_place(&c->fail, rec->number, rec->line, rec->offset);
		aud_err_set(&c->fail, AUD_EFORMAT,
			    "internal error: record bytes not at hand");
		c->failed = 1;
		return 1;
	}
	raw = c->pend.p + (rec->offset - c->base);
	c->t->records++;
	if (rec->flags & AUD_REC_UNPARSED)
		rc = unparsed_record(c, rec, raw, (size_t)rec->length);
	else if (c->fmt == AUD_FMT_CSV)
		rc = csv_record(c, rec, raw, (size_t)rec->length);
	else
		rc = json_record(c, rec, raw, (size_t)rec->length);
	if (rc) {
		if (!c->failed) {
			aud_err_clear(&c->fail);
			c->failed = 1;
			aud_err_set(&c->fail, rc, "out of memory");
		}
		if (c->fail.record == AUD_NOPOS)
			aud_err_place(&c->fail, rec->number, rec->line,
				      rec->offset);
		return 1;
	}
	c->done = rec->offset + rec->length;
	return 0;
}

static void on_problem(void *ctx, const aud_err *e)
{
	rctx *c = ctx;
	unsigned cap = c->o->max_problems_shown ? c->o->max_problems_shown : 10;

	c->t->problems++;
	if (e->code == AUD_ELIMIT && strstr(e->msg, "exceeds --max-record"))
		c->t->dropped++;
	if (c->shown < cap) {
		c->shown++;
		if (c->o->diag)
			c->o->diag(c->o->diag_ctx, AUD_DIAG_PROBLEM, c->path,
				   e);
	}
}

static void progress(rctx *c)
{
	aud_scan_progress p;

	if (!c->o->progress)
		return;
	memset(&p, 0, sizeof p);
	p.raw_bytes = aud_decoder_raw_bytes(c->dec);
	p.decoded_bytes = aud_decoder_decoded_bytes(c->dec);
	p.records = c->t->records;
	p.findings = c->t->replacements;
	p.inputs = 1;
	p.path = c->path;
	c->o->progress(c->o->progress_ctx, &p);
}

/* ---- the whole file -------------------------------------------------- */

/* The stream: read, feed, settle, until the end. Returns 0 or a negative
 * code with c->fail filled. */
static int run(rctx *c, char *buf)
{
	aud_reader_opts ro;
	aud_err e;
	ptrdiff_t n;
	size_t limit, maxrec = c->o->max_record_bytes ? c->o->max_record_bytes
						      : (size_t)16 << 20;
	int rc, ended_line = 1;

	aud_err_clear(&e);
	n = aud_decoder_read(c->dec, buf, CHUNK, &e);
	if (n < 0)
		goto decode_failed;
	c->fmt = aud_format_pick(c->path, c->o->format, c->o->delimiter, buf,
				 n > 0 ? (size_t)n : 0, &c->delim);
	c->t->format = aud_format_name(c->fmt);
	if (n == 0) {
		aud_err ee;

		aud_err_clear(&ee);
		aud_err_set(&ee, AUD_EFORMAT, "empty input: nothing to redact");
		c->t->problems++;
		if (c->o->diag)
			c->o->diag(c->o->diag_ctx, AUD_DIAG_WARNING, c->path,
				   &ee);
		return 0;
	}
	memset(&ro, 0, sizeof ro);
	ro.format = c->fmt;
	ro.delimiter = c->delim;
	ro.max_record_bytes = maxrec;
	if ((rc = aud_reader_new(&c->rd, &ro, on_record, on_problem, c, &e))) {
		c->fail = e;
		return rc;
	}
	limit = maxrec + CHUNK;
	c->pend.max = limit + CHUNK + 16;
	while (n > 0) {
		if (aud_buf_append(&c->pend, buf, (size_t)n))
			return nomem(c);
		rc = aud_reader_feed(c->rd, buf, (size_t)n, &e);
		if (c->failed)
			return c->fail.code;
		if (rc) {
			c->fail = e;
			return rc;
		}
		ended_line = buf[n - 1] == '\n';
		if (gap(c, c->base + c->pend.len, GAP_DRAIN) ||
		    compact(c, limit))
			return c->fail.code ? c->fail.code : AUD_ENOMEM;
		progress(c);
		if (aud_stop_set(c->o->stop)) {
			c->t->interrupted = 1;
			aud_err_clear(&c->fail);
			aud_err_place(&c->fail, c->t->records + 1, AUD_NOPOS,
				      aud_decoder_decoded_bytes(c->dec));
			return aud_err_set(&c->fail, AUD_EIO,
					   "interrupted: nothing written");
		}
		n = aud_decoder_read(c->dec, buf, CHUNK, &e);
	}
	if (n < 0)
		goto decode_failed;
	rc = aud_reader_finish(c->rd, &e);
	if (c->failed)
		return c->fail.code;
	if (rc) {
		c->fail = e;
		return rc;
	}
	if (gap(c, c->base + c->pend.len, GAP_END))
		return c->fail.code ? c->fail.code : AUD_ENOMEM;
	return 0;
decode_failed:
	c->fail = e;
	if (c->fail.record == AUD_NOPOS)
		c->fail.record = c->t->records + 1;
	if (c->fail.line == AUD_NOPOS && c->rd)
		c->fail.line = aud_reader_lines(c->rd) + (ended_line ? 1 : 0);
	return (int)n;
}

/* Is output the same file as input (or a folder)? */
static int check_paths(const char *input, const char *output, aud_err *err)
{
	struct stat si, so;

	if (strcmp(output, "-") == 0)
		return 0;
	if (stat(output, &so) != 0)
		return 0;
	if (S_ISDIR(so.st_mode))
		return aud_err_set(err, AUD_EUSAGE,
				   "%s: is a folder; -o needs a file name",
				   output);
	if (strcmp(input, "-") != 0 && stat(input, &si) == 0 &&
	    si.st_dev == so.st_dev && si.st_ino == so.st_ino)
		return aud_err_set(err, AUD_EUSAGE,
				   "%s: the output is the input itself; "
				   "write the redacted copy elsewhere",
				   output);
	return 0;
}

/* Creates the temporary file beside output: ".NAME.auditor-XXXXXX". */
static int make_temp(const char *output, char **tmp, int *fd, aud_err *err)
{
	const char *slash = strrchr(output, '/');
	size_t dl = slash ? (size_t)(slash - output) + 1 : 0;
	size_t n = strlen(output) + 32;

	*tmp = malloc(n);
	if (!*tmp)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	snprintf(*tmp, n, "%.*s.%s.auditor-XXXXXX", (int)dl, output,
		 output + dl);
	*fd = mkostemp(*tmp, O_CLOEXEC);
	if (*fd < 0 || fchmod(*fd, 0600) != 0) {
		int e = errno;

		if (*fd >= 0) {
			close(*fd);
			unlink(*tmp);
		}
		free(*tmp);
		*tmp = NULL;
		return aud_err_set(err, AUD_EIO, "%s: cannot create: %s",
				   output, strerror(e));
	}
	return 0;
}

int aud_redact_file(const char *input, const char *output,
		    const aud_patternset *ps, const aud_keyhash *kh,
		    const aud_redact_opts *opts, aud_redact_totals *totals,
		    aud_err *err)
{
	rctx c;
	aud_decoder_opts dopts;
	char *buf = NULL, *tmp = NULL;
	int fd = -1, rc;

	memset(totals, 0, sizeof *totals);
	memset(&c, 0, sizeof c);
	totals->personal = opts->personal;
	totals->format = aud_format_name(AUD_FMT_AUTO);
	totals->compression = aud_compression_name(AUD_COMP_PLAIN);
	c.o = opts;
	c.t = totals;
	c.delim = ',';
	c.path = strcmp(input, "-") == 0 ? "<stdin>" : input;
	c.output = strcmp(output, "-") == 0 ? "<stdout>" : output;
	aud_err_clear(&c.fail);
	if ((rc = check_paths(input, output, err)))
		return rc;
	if (opts->pseudonymize && !kh)
		return aud_err_set(err, AUD_EUSAGE,
				   "pseudonyms need a hash key");
	if (!(buf = malloc(CHUNK))) {
		rc = aud_err_set(err, AUD_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = aud_detector_new(&c.det, ps, err)) ||
	    (opts->pseudonymize &&
	     (rc = aud_pseudonymizer_new(&c.pz, ps, kh, err))))
		goto done;
	memset(&dopts, 0, sizeof dopts);
	dopts.max_decoded_bytes = opts->max_decoded_bytes;
	dopts.max_ratio = opts->max_ratio;
	if ((rc = aud_decoder_open(&c.dec, input, &dopts, err)))
		goto done;
	totals->compression =
	    aud_compression_name(aud_decoder_compression(c.dec));
	if (strcmp(output, "-") == 0)
		fd = STDOUT_FILENO;
	else if ((rc = make_temp(output, &tmp, &fd, err))) {
		totals->output_failed = 1;
		goto done;
	}
	if ((rc = aud_encoder_new(&c.enc, fd, aud_decoder_compression(c.dec),
				  err)))
		goto done;
	rc = run(&c, buf);
	if (rc == 0 && aud_decoder_drain(c.dec, &c.fail) == 0) {
		const char *chg = aud_decoder_changed(c.dec);

		if (chg) {
			aud_err ce;

			aud_err_clear(&ce);
			aud_err_set(&ce, AUD_EIO, "%s", chg);
			on_problem(&c, &ce);
		}
	}
	totals->bytes_in = aud_decoder_decoded_bytes(c.dec);
	if (rc == 0 && aud_encoder_finish(c.enc, &c.fail))
		rc = out_failed(&c);
	if (rc) {
		if (err)
			*err = c.fail;
		if (err && !err->msg[0])
			aud_err_set(err, rc, "cannot redact");
		goto done;
	}
	if (tmp) {
		/* On disk before it takes the name: a crash leaves the old
		 * OUTPUT or the whole new one, never a part. */
		int bad = fsync(fd) != 0, e = errno;

		if (close(fd) != 0 && !bad) {
			bad = 1;
			e = errno;
		}
		fd = -1;
		if (bad) {
			totals->output_failed = 1;
			rc = aud_err_set(err, AUD_EIO, "%s: cannot write: %s",
					 output, strerror(e));
			goto done;
		}
		if (rename(tmp, output) != 0) {
			totals->output_failed = 1;
			rc = aud_err_set(err, AUD_EIO,
					 "%s: cannot rename into place: %s",
					 output, strerror(errno));
			goto done;
		}
		free(tmp);
		tmp = NULL;
	}
	if (c.shown < totals->problems && opts->diag) {
		aud_err me;

		aud_err_clear(&me);
		aud_err_set(&me, AUD_EFORMAT,
			    "%" PRIu64 " more problems not shown",
			    totals->problems - c.shown);
		opts->diag(opts->diag_ctx, AUD_DIAG_MORE, c.path, &me);
	}
done:
	if (tmp) {
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		free(tmp);
	}
	aud_encoder_free(c.enc);
	aud_reader_free(c.rd);
	aud_decoder_close(c.dec);
	aud_detector_free(c.det);
	aud_pseudonymizer_free(c.pz);
	aud_buf_free(&c.pend);
	aud_buf_free(&c.nv);
	aud_buf_free(&c.tmp);
	aud_buf_free(&c.rep);
	aud_buf_free(&c.out);
	aud_buf_free(&c.vals);
	aud_buf_free(&c.edb);
	free(c.cls);
	free(c.sp);
	free(c.voff);
	free(c.vlen);
	free(c.vchg);
	free(c.vdrop);
	free(c.segs);
	free(c.ed);
	free(buf);
	return rc;
}

/* ---- summary --------------------------------------------------------- */

static const char *mode_name(aud_personal_mode m)
{
	return m == AUD_PERSONAL_DROP	   ? "drop"
	       : m == AUD_PERSONAL_REPLACE ? "replace"
					   : "keep";
}

int aud_redact_summary_write(FILE *out, const aud_redact_totals *t,
			     const char *input, const char *output, int json)
{
	const char *done = t->personal == AUD_PERSONAL_DROP	 ? "dropped"
			   : t->personal == AUD_PERSONAL_REPLACE ? "replaced"
								 : "kept";
	size_t i;

	if (json) {
		fputs("{\"input\":", out);
		aud_json_string(out, input, strlen(input));
		fputs(",\"output\":", out);
		aud_json_string(out, output, strlen(output));
		fprintf(out,
			",\"format\":\"%s\",\"compression\":\"%s\","
			"\"records\":%" PRIu64 ",\"bytes_in\":%" PRIu64
			",\"bytes_out\":%" PRIu64 ",\"replacements\":%" PRIu64
			",\"pseudonyms\":%" PRIu64 ",\"no_pseudonym\":%" PRIu64
			",\"rechecked\":%" PRIu64 ",\"values_changed\":%" PRIu64
			",\"placeholders_kept\":%" PRIu64
			",\"allowlisted_kept\":%" PRIu64
			",\"markers_kept\":%" PRIu64 ",\"unparsed\":%" PRIu64
			",\"dropped_records\":%" PRIu64 ",\"problems\":%" PRIu64
			",\"personal_columns\":\"%s\",\"entities\":{",
			t->format, t->compression, t->records, t->bytes_in,
			t->bytes_out, t->replacements, t->pseudonyms,
			t->no_pseudonym, t->rechecked, t->values_changed,
			t->placeholders, t->allowlisted, t->markers,
			t->unparsed, t->dropped, t->problems,
			mode_name(t->personal));
		for (i = 0; i < t->nentities; i++) {
			if (i)
				fputc(',', out);
			aud_json_string(out, t->entities[i].entity,
					strlen(t->entities[i].entity));
			fprintf(out, ":%" PRIu64, t->entities[i].n);
		}
		fputs("},\"personal_fields\":[", out);
		for (i = 0; i < t->nfields; i++) {
			fputs(i ? ",{\"field\":" : "{\"field\":", out);
			aud_json_string(out, t->fields[i].name,
					strlen(t->fields[i].name));
			fprintf(out,
				",\"class\":\"%s\",\"values\":%" PRIu64 "}",
				t->fields[i].name_class, t->fields[i].values);
		}
		fputs("]}\n", out);
	} else {
		fprintf(out, "redacted  %s -> %s (%s, %s)\n", input, output,
			t->format, t->compression);
		fprintf(out,
			"records   %" PRIu64 " read, %" PRIu64
			" left out (over --max-record-bytes), %" PRIu64
			" unparsed (redacted as raw text)\n",
			t->records, t->dropped, t->unparsed);
		fprintf(out,
			"replaced  %" PRIu64 " spans in %" PRIu64
			" values: %" PRIu64 " by pseudonyms, %" PRIu64
			" by markers\n",
			t->replacements, t->values_changed, t->pseudonyms,
			t->replacements - t->pseudonyms);
		for (i = 0; i < t->nentities; i++)
			fprintf(out, "  %-28s %10" PRIu64 "\n",
				t->entities[i].entity, t->entities[i].n);
		if (t->no_pseudonym)
			fprintf(out,
				"          %" PRIu64 " got a marker instead of "
				"a pseudonym (secrets, or every candidate "
				"was found again)\n",
				t->no_pseudonym);
		if (t->rechecked)
			fprintf(out,
				"          %" PRIu64 " more found in rewritten "
				"values and replaced by markers\n",
				t->rechecked);
		fprintf(out,
			"kept      %" PRIu64 " placeholder values, %" PRIu64
			" allowlisted, %" PRIu64 " earlier markers\n",
			t->placeholders, t->allowlisted, t->markers);
		for (i = 0; i < t->nfields; i++)
			fprintf(out, "%s %-26s %-14s %" PRIu64 " values %s\n",
				i ? "         " : "personal ",
				t->fields[i].name, t->fields[i].name_class,
				t->fields[i].values, done);
		if (t->more_fields)
			fprintf(out,
				"          and %" PRIu64
				" values of more personal fields\n",
				t->more_fields);
		fprintf(out, "problems  %" PRIu64 "\n", t->problems);
	}
	return ferror(out) ? AUD_EIO : 0;
}

void aud_redact_totals_free(aud_redact_totals *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nfields; i++)
		free(t->fields[i].name);
	t->nfields = 0;
}
