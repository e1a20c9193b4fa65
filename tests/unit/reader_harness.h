/*
 * reader_harness.h: what the CSV and JSONL reader tests share: a collector
 * that records every record and problem the reader reports, and a runner
 * that feeds one input whole and in chunks of 1, 2, 3, 7 and 64 bytes and
 * checks that every run gives the same transcript, with every field marked
 * raw_exact checked against the input bytes at its offset; the whole
 * input is also read with the reader's fast paths off
 * (aud_reader_set_fast), which must give the same transcript. Include it
 * after harness.h.
 */
#ifndef AUDITOR_TEST_READER_HARNESS_H
#define AUDITOR_TEST_READER_HARNESS_H

#include "auditor/reader.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- collector ------------------------------------------------------ */

typedef struct tfield {
	char *name, *val;
	size_t nlen, vlen;
	uint64_t off;
	int type, exact;
} tfield;

typedef struct trec {
	uint64_t number, line, offset, length;
	unsigned flags;
	size_t nf;
	tfield *f;
} trec;

typedef struct tprob {
	int code;
	uint64_t rec, line, off;
	char msg[512];
} tprob;

typedef struct trun {
	const char *data; /* the input, to check raw_exact offsets */
	size_t dlen;
	trec recs[64];
	size_t nrec;
	tprob probs[64];
	size_t nprob;
	int rc;
	aud_err err;
	uint64_t records, problems, lines;
	int stop_at; /* record_fn returns 7 at this record number */
	int exact_ok;
	char *log; /* transcript of everything above */
	size_t loglen, logcap;
	size_t ncols;
	char cols[16][64];
} trun;

static void logmem(trun *t, const char *p, size_t n)
{
	if (t->loglen + n + 1 > t->logcap) {
		while (t->loglen + n + 1 > t->logcap)
			t->logcap = t->logcap ? t->logcap * 2 : 4096;
		t->log = realloc(t->log, t->logcap);
	}
	memcpy(t->log + t->loglen, p, n);
	t->loglen += n;
	t->log[t->loglen] = '\0';
}

static void logf_(trun *t, const char *fmt, ...)
{
	char b[1024];
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(b, sizeof b, fmt, ap);
	va_end(ap);
	logmem(t, b, (size_t)w < sizeof b ? (size_t)w : sizeof b - 1);
}

static void logbytes(trun *t, const char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char e[4] = {'\\', 'x', 0, 0};
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			logmem(t, p + i, 1);
		} else {
			e[2] = hex[c >> 4];
			e[3] = hex[c & 15];
			logmem(t, e, 4);
		}
	}
}

static char *dup_mem(const char *p, size_t n)
{
	char *d = malloc(n + 1);

	if (n)
		memcpy(d, p, n);
	d[n] = '\0';
	return d;
}

static int on_rec(void *ctx, const aud_record *r)
{
	trun *t = ctx;
	trec *c = t->nrec < 64 ? &t->recs[t->nrec++] : NULL;
	size_t i;

	logf_(t, "R %llu line %llu off %llu len %llu flags %u n %zu\n",
	      (unsigned long long)r->number, (unsigned long long)r->line,
	      (unsigned long long)r->offset, (unsigned long long)r->length,
	      r->flags, r->nfields);
	if (c) {
		c->number = r->number;
		c->line = r->line;
		c->offset = r->offset;
		c->length = r->length;
		c->flags = r->flags;
		c->nf = r->nfields;
		c->f = calloc(r->nfields ? r->nfields : 1, sizeof *c->f);
	}
	for (i = 0; i < r->nfields; i++) {
		const aud_field *f = &r->fields[i];

		logf_(t, "  F ");
		logbytes(t, f->name, f->name_len);
		logf_(t, " = ");
		logbytes(t, f->value, f->value_len);
		logf_(t, " @%llu t%d x%d\n", (unsigned long long)f->offset,
		      (int)f->type, f->raw_exact);
		if (f->raw_exact &&
		    (f->offset + f->value_len > t->dlen ||
		     memcmp(t->data + f->offset, f->value, f->value_len)))
			t->exact_ok = 0;
		if (c) {
			c->f[i].name = dup_mem(f->name, f->name_len);
			c->f[i].nlen = f->name_len;
			c->f[i].val = dup_mem(f->value, f->value_len);
			c->f[i].vlen = f->value_len;
			c->f[i].off = f->offset;
			c->f[i].type = (int)f->type;
			c->f[i].exact = f->raw_exact;
		}
	}
	return (int)r->number == t->stop_at ? 7 : 0;
}

static void on_prob(void *ctx, const aud_err *e)
{
	trun *t = ctx;
	tprob *p = t->nprob < 64 ? &t->probs[t->nprob++] : NULL;

	logf_(t, "P %d rec %lld line %lld off %lld: %s\n", e->code,
	      (long long)e->record, (long long)e->line, (long long)e->offset,
	      e->msg);
	if (p) {
		p->code = e->code;
		p->rec = e->record;
		p->line = e->line;
		p->off = e->offset;
		snprintf(p->msg, sizeof p->msg, "%s", e->msg);
	}
}

static void trun_free(trun *t)
{
	size_t i, k;

	for (i = 0; i < t->nrec; i++) {
		for (k = 0; k < t->recs[i].nf; k++) {
			free(t->recs[i].f[k].name);
			free(t->recs[i].f[k].val);
		}
		free(t->recs[i].f);
	}
	free(t->log);
	memset(t, 0, sizeof *t);
}

/* aud_reader_set_fast for the readers run_chunks makes. */
static int harness_fast = 1;

/* Feeds data in chunks of `chunk` bytes (0: all at once) and finishes. */
static void run_chunks(trun *t, const char *data, size_t len, size_t chunk,
		       const aud_reader_opts *o, int stop_at)
{
	aud_reader *r = NULL;
	const aud_field *cols;
	size_t off = 0, n, i;
	int rc = 0;

	memset(t, 0, sizeof *t);
	t->data = data;
	t->dlen = len;
	t->stop_at = stop_at;
	t->exact_ok = 1;
	aud_err_clear(&t->err);
	if (aud_reader_new(&r, o, on_rec, on_prob, t, &t->err) != 0) {
		t->rc = -100;
		return;
	}
	aud_reader_set_fast(r, harness_fast);
	if (chunk == 0)
		chunk = len ? len : 1;
	while (off < len && rc == 0) {
		n = len - off < chunk ? len - off : chunk;
		rc = aud_reader_feed(r, data + off, n, &t->err);
		off += n;
	}
	if (rc == 0)
		rc = aud_reader_finish(r, &t->err);
	t->rc = rc;
	t->records = aud_reader_records(r);
	t->problems = aud_reader_problems(r);
	t->lines = aud_reader_lines(r);
	t->ncols = aud_reader_columns(r, &cols);
	for (i = 0; i < t->ncols && i < 16; i++)
		snprintf(t->cols[i], sizeof t->cols[i], "%.*s",
			 (int)cols[i].name_len, cols[i].name);
	logf_(t, "END rc %d code %d rec %lld line %lld off %lld: %s\n", rc,
	      t->err.code, (long long)t->err.record, (long long)t->err.line,
	      (long long)t->err.offset, t->err.msg);
	logf_(t, "records %llu problems %llu lines %llu cols %zu\n",
	      (unsigned long long)t->records, (unsigned long long)t->problems,
	      (unsigned long long)t->lines, t->ncols);
	for (i = 0; i < t->ncols; i++) {
		logf_(t, "C ");
		logbytes(t, cols[i].name, cols[i].name_len);
		logf_(t, " @%llu\n", (unsigned long long)cols[i].offset);
	}
	aud_reader_free(r);
}

/* Runs every chunk size; they must agree. Leaves the whole-input run in
 * t. */
static void run_all_stop(trun *t, const char *data, size_t len,
			 const aud_reader_opts *o, int stop_at)
{
	static const size_t sizes[] = {1, 2, 3, 7, 64};
	trun other;
	size_t i;

	run_chunks(t, data, len, 0, o, stop_at);
	CHECK(t->exact_ok);
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		run_chunks(&other, data, len, sizes[i], o, stop_at);
		if (other.loglen != t->loglen ||
		    memcmp(other.log, t->log, t->loglen) != 0) {
			fprintf(stderr,
				"chunk %zu differs:\n%s\n--- whole:\n%s",
				sizes[i], other.log, t->log);
			CHECK(0);
		}
		CHECK(other.exact_ok);
		trun_free(&other);
	}
	harness_fast = 0;
	run_chunks(&other, data, len, 0, o, stop_at);
	harness_fast = 1;
	if (other.loglen != t->loglen ||
	    memcmp(other.log, t->log, t->loglen) != 0) {
		fprintf(stderr, "fast paths off differs:\n%s\n--- on:\n%s",
			other.log, t->log);
		CHECK(0);
	}
	trun_free(&other);
}

static void run_all(trun *t, const char *data, size_t len,
		    const aud_reader_opts *o)
{
	run_all_stop(t, data, len, o, -1);
}

#define RUN_ALL(t, lit, o) run_all((t), (lit), sizeof(lit) - 1, (o))

#endif
