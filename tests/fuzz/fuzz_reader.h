/*
 * fuzz_reader.h: what the CSV and JSONL fuzz harnesses share. One input is
 * read several times, fed whole, a byte at a time and in uneven chunks
 * chosen from the input's own hash, and every run must give the same
 * transcript (records, fields, problems, return codes): the reader is a
 * push interface that promises the same result for chunks of any size.
 * Each field's bytes are read in full (so ASan sees any dangling pointer)
 * and a field marked raw_exact must equal the input bytes at its offset.
 * A second pass with a tiny max_record_bytes drives the limit paths, and a
 * third stops at a record to check the sticky stop. Any broken promise
 * calls abort(), which libFuzzer reports as a crash.
 */
#ifndef AUDITOR_FUZZ_READER_H
#define AUDITOR_FUZZ_READER_H

#include "auditor/reader.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct frun {
	const uint8_t *data; /* the whole input, for raw_exact checks */
	size_t size;
	uint64_t hash; /* FNV-1a over the transcript */
	uint64_t nrec;
	uint64_t last;	  /* number of the last record given */
	uint64_t stop_at; /* record_fn returns 7 at this record, 0: never */
	/* read in segments (fz_read_cut): the places of the segment's first
	 * byte, added to the reader's, as the scanner's committer adds them */
	uint64_t base_rec, base_line, base_off;
} frun;

static void fz_fail(const char *what)
{
	fprintf(stderr, "fuzz_reader: %s\n", what);
	abort();
}

static void fz_mix(frun *t, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		t->hash ^= b[i];
		t->hash *= 1099511628211ull;
	}
}

static void fz_mix_u64(frun *t, uint64_t v) { fz_mix(t, &v, sizeof v); }

static int fz_record(void *ctx, const aud_record *rec)
{
	frun *t = ctx;
	size_t i;

	t->nrec++;
	/* A JSONL line skipped for its length keeps its number. */
	if (rec->number + t->base_rec <= t->last)
		fz_fail("record numbers do not increase");
	t->last = rec->number + t->base_rec;
	if (rec->nfields > 0 && !rec->fields)
		fz_fail("nfields > 0 but fields is NULL");
	fz_mix_u64(t, 0xAA);
	fz_mix_u64(t, rec->number + t->base_rec);
	fz_mix_u64(t, rec->line + t->base_line);
	fz_mix_u64(t, rec->offset + t->base_off);
	fz_mix_u64(t, rec->length);
	fz_mix_u64(t, rec->flags);
	fz_mix_u64(t, rec->nfields);
	for (i = 0; i < rec->nfields; i++) {
		const aud_field *f = &rec->fields[i];

		if ((f->name_len && !f->name) || (f->value_len && !f->value))
			fz_fail("field with a length but no bytes");
		fz_mix(t, f->name, f->name_len);
		fz_mix_u64(t, f->name_len);
		fz_mix(t, f->value, f->value_len);
		fz_mix_u64(t, f->value_len);
		fz_mix_u64(t, f->offset + t->base_off);
		fz_mix_u64(t, f->type);
		fz_mix_u64(t, f->raw_exact);
		if (f->raw_exact && f->value_len > 0 &&
		    (f->offset + t->base_off > t->size ||
		     f->value_len > t->size - f->offset - t->base_off ||
		     memcmp(t->data + t->base_off + f->offset, f->value,
			    f->value_len)))
			fz_fail("raw_exact field differs from the input");
	}
	return t->stop_at && t->nrec == t->stop_at ? 7 : 0;
}

static void fz_problem(void *ctx, const aud_err *err)
{
	frun *t = ctx;

	if (err->code >= 0)
		fz_fail("problem with a non-negative code");
	if (!memchr(err->msg, '\0', sizeof err->msg))
		fz_fail("problem message not terminated");
	fz_mix_u64(t, 0xBB);
	fz_mix_u64(t, (uint64_t)(int64_t)err->code);
	fz_mix_u64(t,
		   err->record + (err->record != AUD_NOPOS ? t->base_rec : 0));
	fz_mix_u64(t, err->line + (err->line != AUD_NOPOS ? t->base_line : 0));
	fz_mix_u64(t,
		   err->offset + (err->offset != AUD_NOPOS ? t->base_off : 0));
	fz_mix(t, err->msg, strlen(err->msg));
}

/* Chunk size for the next feed: 0 feeds everything at once, 1 one byte,
 * else a size from 1 to 17 drawn from a xorshift seeded by the input. */
static size_t fz_chunk(int mode, uint64_t *rng, size_t left)
{
	size_t n;

	if (mode == 0)
		return left;
	if (mode == 1)
		return 1;
	*rng ^= *rng << 13;
	*rng ^= *rng >> 7;
	*rng ^= *rng << 17;
	n = 1 + (size_t)(*rng % 17);
	return n < left ? n : left;
}

/* aud_reader_set_fast for the readers fz_read makes. */
static int fz_fast = 1;

/* Reads data once with the given options and chunking; returns the
 * transcript hash. */
static uint64_t fz_read(const uint8_t *data, size_t size,
			const aud_reader_opts *o, int mode, uint64_t stop_at)
{
	aud_reader *r = NULL;
	aud_err err;
	frun t;
	uint64_t rng = 0x9E3779B97F4A7C15ull ^ size;
	size_t pos = 0, i;
	int rc = 0, rc2;

	memset(&t, 0, sizeof t);
	t.data = data;
	t.size = size;
	t.hash = 14695981039346656037ull;
	t.stop_at = stop_at;
	for (i = 0; i < size && i < 16; i++)
		rng = rng * 31 + data[i];
	aud_err_clear(&err);
	if (aud_reader_new(&r, o, fz_record, fz_problem, &t, &err) != 0)
		fz_fail("aud_reader_new failed");
	aud_reader_set_fast(r, fz_fast);
	while (pos < size && rc == 0) {
		size_t n = fz_chunk(mode, &rng, size - pos);

		rc = aud_reader_feed(r, (const char *)data + pos, n, &err);
		pos += n;
	}
	if (rc == 0)
		rc = aud_reader_finish(r, &err);
	fz_mix_u64(&t, 0xCC);
	fz_mix_u64(&t, (uint64_t)(int64_t)rc);
	if (rc < 0) {
		fz_mix_u64(&t, (uint64_t)(int64_t)err.code);
		if (err.code != rc)
			fz_fail("return code and err->code differ");
		/* A fatal error or a stop is sticky. */
		rc2 = aud_reader_feed(r, "x", 1, &err);
		if (rc2 != rc)
			fz_fail("feed after a fatal error gave another code");
	} else if (rc > 0) {
		if (rc != 7 || t.nrec != stop_at)
			fz_fail("a positive code that record_fn did not give");
		rc2 = aud_reader_finish(r, &err);
		if (rc2 != rc)
			fz_fail("finish after a stop gave another code");
	}
	if (aud_reader_records(r) != t.nrec)
		fz_fail("aud_reader_records differs from the records given");
	fz_mix_u64(&t, aud_reader_records(r));
	fz_mix_u64(&t, aud_reader_problems(r));
	if (rc == 0)
		fz_mix_u64(&t, aud_reader_lines(r));
	{
		const aud_field *cols = NULL;
		size_t nc = aud_reader_columns(r, &cols);

		for (i = 0; i < nc; i++)
			fz_mix(&t, cols[i].name, cols[i].name_len);
	}
	aud_reader_free(r);
	return t.hash;
}

/* Runs every check on one input for the given format. */
static void fz_reader_input(const uint8_t *data, size_t size, aud_format fmt)
{
	aud_reader_opts o;
	uint64_t whole, h;
	static const char delims[] = {',', '\t', ';', '|'};

	memset(&o, 0, sizeof o);
	o.format = fmt;
	o.delimiter = ',';
	if (fmt == AUD_FMT_CSV && size > 0)
		o.delimiter = delims[data[size - 1] & 3];

	/* Default limits: whole, bytewise and uneven chunks agree. */
	whole = fz_read(data, size, &o, 0, 0);
	h = fz_read(data, size, &o, 1, 0);
	if (h != whole)
		fz_fail("fed a byte at a time, the transcript differs");
	h = fz_read(data, size, &o, 2, 0);
	if (h != whole)
		fz_fail("fed in uneven chunks, the transcript differs");

	/* Tiny record limit: the limit paths, again chunk-independent. */
	o.max_record_bytes = 48;
	whole = fz_read(data, size, &o, 0, 0);
	h = fz_read(data, size, &o, 2, 0);
	if (h != whole)
		fz_fail("with a 48-byte limit, chunked transcript differs");

	/* Stop at the second record: the stop is returned and sticky. */
	o.max_record_bytes = 0;
	(void)fz_read(data, size, &o, 2, 2);
}

#endif
