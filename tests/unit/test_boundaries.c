/*
 * test_boundaries.c: a match that straddles a read or decoder boundary is
 * found exactly once, at the same offset. A record holding an email, an
 * SSN with its context word and an AWS access key is cut at every byte
 * position across two aud_reader_feed calls (JSONL and CSV), and placed at
 * every offset across the decoder's 256 KiB raw-buffer boundary in a plain
 * and a gzip file read through aud_decoder_read. The real pattern files
 * ($AUD_SRC/patterns) and the real detector run on every field. The
 * expected offsets are where the values sit in the text, found with memmem,
 * not what the detector said once.
 */
#include "auditor/decode.h"
#include "auditor/detect.h"
#include "auditor/patterns.h"
#include "auditor/reader.h"

#include "harness.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define RAW_BOUNDARY (256u * 1024u) /* decode.c's raw buffer */

static const char rec_jsonl[] =
    "{\"id\":7,\"note\":\"mail jane.roe@gmail.com now\","
    "\"ssn\":\"SSN 536-22-8147\",\"key\":\"aws key AKIA4KTR2BSLXQJQ6N7F\"}\n";
static const char csv_text[] =
    "id,note,ssn,key\n"
    "6,nothing here,none,none\n"
    "7,mail jane.roe@gmail.com now,SSN 536-22-8147,aws key "
    "AKIA4KTR2BSLXQJQ6N7F\n"
    "8,nothing here,none,none\n";

static const struct {
	const char *entity, *value;
} want[] = {{"EMAIL_ADDRESS", "jane.roe@gmail.com"},
	    {"US_SSN", "536-22-8147"},
	    {"AWS_ACCESS_KEY", "AKIA4KTR2BSLXQJQ6N7F"}};
#define NWANT (sizeof want / sizeof want[0])

typedef struct hit {
	const char *entity;
	uint64_t off;
	size_t len;
} hit;

static aud_detector *det;
static hit hits[64];
static size_t nhits, nall;

static int on_record(void *ctx, const aud_record *rec)
{
	const aud_match *m;
	aud_err e;
	size_t i;
	int n, k;

	(void)ctx;
	for (i = 0; i < rec->nfields; i++) {
		const aud_field *f = &rec->fields[i];

		n = aud_detect_field(det, f->name, f->name_len, f->value,
				     f->value_len, &m, &e);
		CHECK(n >= 0);
		for (k = 0; k < n; k++) {
			nall++;
			CHECK(f->raw_exact);
			if (nhits < 64)
				hits[nhits++] =
				    (hit){m[k].entity, f->offset + m[k].start,
					  m[k].len};
		}
	}
	return 0;
}

static void on_problem(void *ctx, const aud_err *err)
{
	(void)ctx;
	fprintf(stderr, "unexpected problem: %s\n", err->msg);
	CHECK(0);
}

static aud_reader *reader(aud_format fmt)
{
	aud_reader_opts o = {fmt, ',', 0};
	aud_reader *r = NULL;
	aud_err e;

	CHECK_EQ_INT(aud_reader_new(&r, &o, on_record, on_problem, NULL, &e),
		     0);
	nhits = nall = 0;
	return r;
}

/* Checks that the wanted entities were each found once, at base + their
 * place in rec, and that nothing else moved (the same total each time). */
static void expect_hits(const char *rec, size_t reclen, uint64_t base,
			size_t total, const char *what, size_t at)
{
	size_t i, j, found;
	const char *p;
	int good = 1;

	for (i = 0; i < NWANT; i++) {
		p = memmem(rec, reclen, want[i].value, strlen(want[i].value));
		found = 0;
		for (j = 0; j < nhits; j++) {
			if (strcmp(hits[j].entity, want[i].entity))
				continue;
			found++;
			good &= p &&
				hits[j].off == base + (uint64_t)(p - rec) &&
				hits[j].len == strlen(want[i].value);
		}
		good &= found == 1;
	}
	good &= nall == total;
	CHECK(good);
	if (!good)
		fprintf(stderr, "%s: split at %zu: %zu matches\n", what, at,
			nall);
}

/* Every cut of text into two feeds gives the same matches. */
static void split_all(aud_format fmt, const char *text, size_t len,
		      const char *rec, size_t reclen, const char *what)
{
	const char *at = memmem(text, len, rec, reclen);
	uint64_t base = at ? (uint64_t)(at - text) : 0;
	aud_reader *r;
	size_t i, total;
	aud_err e;

	r = reader(fmt);
	CHECK_EQ_INT(aud_reader_feed(r, text, len, &e), 0);
	CHECK_EQ_INT(aud_reader_finish(r, &e), 0);
	aud_reader_free(r);
	total = nall;
	CHECK(total >= NWANT);
	expect_hits(rec, reclen, base, total, what, len);

	for (i = 0; i <= len; i++) {
		r = reader(fmt);
		CHECK_EQ_INT(aud_reader_feed(r, text, i, &e), 0);
		CHECK_EQ_INT(aud_reader_feed(r, text + i, len - i, &e), 0);
		CHECK_EQ_INT(aud_reader_finish(r, &e), 0);
		aud_reader_free(r);
		expect_hits(rec, reclen, base, total, what, i);
	}
}

static void test_reader_splits(void)
{
	char text[512];
	const char *row;
	size_t n;

	/* JSONL: a record between two others, so offsets are not 0. */
	n = (size_t)snprintf(text, sizeof text,
			     "{\"id\":6,\"note\":\"nothing here\"}\n%s"
			     "{\"id\":8,\"note\":\"nothing\"}\n",
			     rec_jsonl);
	split_all(AUD_FMT_JSONL, text, n, rec_jsonl, strlen(rec_jsonl),
		  "jsonl");
	/* Without the newline at the end: the last record comes from
	 * aud_reader_finish. */
	split_all(AUD_FMT_JSONL, rec_jsonl, strlen(rec_jsonl) - 1, rec_jsonl,
		  strlen(rec_jsonl) - 1, "jsonl, no newline");

	row = strstr(csv_text, "7,");
	split_all(AUD_FMT_CSV, csv_text, strlen(csv_text), row,
		  (size_t)(strchr(row, '\n') - row + 1), "csv");
}

/* A JSONL line of exactly len bytes (len >= 10) with nothing to find. */
static void filler(FILE *f, size_t len)
{
	size_t i;

	fputs("{\"f\":\"", f);
	for (i = 0; i < len - 9; i++)
		fputc('x', f);
	fputs("\"}\n", f);
}

/* Writes filler lines of `start` bytes in all, then the record. */
static void put_at(const char *path, size_t start, int gz)
{
	FILE *f = fopen(path, "wb");
	char *mem = NULL;
	size_t memlen = 0, left = start;
	FILE *m = open_memstream(&mem, &memlen);
	unsigned char *out;
	uLongf outlen;
	z_stream z;

	while (left > 2000) {
		filler(m, 1000);
		left -= 1000;
	}
	filler(m, left);
	fputs(rec_jsonl, m);
	fclose(m);
	if (!gz) {
		fwrite(mem, 1, memlen, f);
	} else {
		memset(&z, 0, sizeof z);
		deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
		outlen = deflateBound(&z, memlen);
		out = malloc(outlen);
		z.next_in = (unsigned char *)mem;
		z.avail_in = (uInt)memlen;
		z.next_out = out;
		z.avail_out = (uInt)outlen;
		CHECK_EQ_INT(deflate(&z, Z_FINISH), Z_STREAM_END);
		fwrite(out, 1, outlen - z.avail_out, f);
		deflateEnd(&z);
		free(out);
	}
	fclose(f);
	free(mem);
}

/* The record placed at every offset across the raw-buffer boundary, read
 * through the decoder in reads of bs bytes and fed as they come. */
static void test_decoder_boundary(void)
{
	static const size_t bss[] = {65536, 4093};
	size_t reclen = strlen(rec_jsonl), s, b, total = 0;
	char dir[] = "/tmp/aud_bound_XXXXXX", path[64];
	char *buf = malloc(65536);
	aud_decoder *d;
	aud_reader *r;
	ptrdiff_t k;
	aud_err e;
	int gz;

	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof path, "%s/f", dir);
	/* Matches in the record alone, the count every case must give. */
	r = reader(AUD_FMT_JSONL);
	CHECK_EQ_INT(aud_reader_feed(r, rec_jsonl, reclen, &e), 0);
	aud_reader_free(r);
	total = nall;
	CHECK(total >= NWANT);

	for (gz = 0; gz < 2; gz++) {
		for (s = 0; s <= reclen; s++) {
			put_at(path, RAW_BOUNDARY - s, gz);
			for (b = 0; b < 2; b++) {
				CHECK_EQ_INT(
				    aud_decoder_open(&d, path, NULL, &e), 0);
				r = reader(AUD_FMT_JSONL);
				while ((k = aud_decoder_read(d, buf, bss[b],
							     &e)) > 0)
					CHECK_EQ_INT(aud_reader_feed(
							 r, buf, (size_t)k, &e),
						     0);
				CHECK_EQ_INT(k, 0);
				CHECK_EQ_INT(aud_reader_finish(r, &e), 0);
				aud_reader_free(r);
				aud_decoder_close(d);
				expect_hits(rec_jsonl, reclen, RAW_BOUNDARY - s,
					    total, gz ? "gzip" : "plain", s);
			}
		}
	}
	remove(path);
	remove(dir);
	free(buf);
}

int main(void)
{
	const char *src = getenv("AUD_SRC");
	char pat[1024];
	const char *paths[1] = {pat};
	aud_patternset *ps = NULL;
	aud_err e;

	snprintf(pat, sizeof pat, "%s/patterns", src ? src : ".");
	if (aud_patterns_load(&ps, paths, 1, &e) != 0) {
		fprintf(stderr, "cannot load %s: %s\n", pat, e.msg);
		return 1;
	}
	if (aud_detector_new(&det, ps, &e) != 0)
		return 1;

	RUN(test_reader_splits);
	RUN(test_decoder_boundary);

	aud_detector_free(det);
	aud_patterns_free(ps);
	return DONE();
}
