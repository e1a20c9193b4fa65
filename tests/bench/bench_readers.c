/*
 * bench_readers.c: throughput of the input stages alone, best of three
 * passes each.
 *
 * csv|jsonl FILE: the reader on a file already in memory, fed in 256 KiB
 * chunks as the scanner does, with a callback that only counts fields;
 * also with the reader's fast paths off (aud_reader_set_fast(r, 0): for
 * CSV every line through libcsv, for JSONL strings scanned and UTF-8
 * checked byte by byte); and, as a reference measured in the same run, a
 * plain memchr pass counting newlines over the same bytes.
 *
 * decode FILE: the decoder (aud_decoder_read into a 256 KiB buffer, the
 * SHA-256 of the raw bytes included, as in a scan) on a file in the page
 * cache, MB/s of decoded bytes: for gzip both the build's path (ISA-L when
 * built with AUDITOR_ISAL) and zlib's (gzip_zlib), in the same run.
 *
 * Usage: bench_readers csv|jsonl|decode FILE
 */
#include "auditor/decode.h"
#include "auditor/reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned long long nfields;

static int on_record(void *ctx, const aud_record *rec)
{
	(void)ctx;
	nfields += rec->nfields;
	return 0;
}

static void on_problem(void *ctx, const aud_err *e)
{
	(void)ctx;
	(void)e;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One pass of the reader over data; returns seconds. */
static double read_pass(const aud_reader_opts *o, const char *data, size_t size,
			int fast)
{
	aud_reader *r;
	aud_err e;
	size_t off, n;
	double t;

	nfields = 0;
	aud_err_clear(&e);
	if (aud_reader_new(&r, o, on_record, on_problem, NULL, &e))
		exit(1);
	aud_reader_set_fast(r, fast);
	t = now();
	for (off = 0; off < size; off += n) {
		n = size - off < 256 * 1024 ? size - off : 256 * 1024;
		if (aud_reader_feed(r, data + off, n, &e) < 0)
			break;
	}
	aud_reader_finish(r, &e);
	t = now() - t;
	aud_reader_free(r);
	return t;
}

/* One decode pass over path; returns seconds, sets *dec and *how. */
static double decode_pass(const char *path, int zlib_only,
			  unsigned long long *dec, const char **how)
{
	static char buf[256 * 1024];
	aud_decoder_opts o;
	aud_decoder *d;
	aud_err e;
	ptrdiff_t k;
	double t;

	memset(&o, 0, sizeof o);
	o.gzip_zlib = zlib_only;
	aud_err_clear(&e);
	t = now();
	if (aud_decoder_open(&d, path, &o, &e)) {
		fprintf(stderr, "%s: %s\n", path, e.msg);
		exit(1);
	}
	while ((k = aud_decoder_read(d, buf, sizeof buf, &e)) > 0)
		;
	if (k < 0) {
		fprintf(stderr, "%s: %s\n", path, e.msg);
		exit(1);
	}
	*dec = aud_decoder_decoded_bytes(d);
	*how = aud_decoder_inflater(d);
	if (!*how)
		*how = aud_compression_name(aud_decoder_compression(d));
	aud_decoder_close(d);
	return now() - t;
}

static int bench_decode(const char *path)
{
	double best[2] = {1e9, 1e9}, t;
	unsigned long long dec = 0;
	const char *how[2] = {"", ""};
	int pass, z;

	for (pass = 0; pass < 3; pass++) {
		for (z = 0; z < 2; z++) {
			t = decode_pass(path, z, &dec, &how[z]);
			if (t < best[z])
				best[z] = t;
		}
	}
	printf("decode %s: %.0f MB/s (%llu bytes decoded)", how[0],
	       dec / best[0] / 1e6, dec);
	if (strcmp(how[0], how[1]) != 0)
		printf("; %s: %.0f MB/s (ratio %.2f)", how[1],
		       dec / best[1] / 1e6, best[1] / best[0]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	aud_reader_opts o;
	FILE *f;
	char *data;
	long size;
	double best = 1e9, slow = 1e9, ref = 1e9, t;
	size_t lines = 0;
	int pass, csv;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_readers csv|jsonl|decode FILE\n");
		return 2;
	}
	if (strcmp(argv[1], "decode") == 0)
		return bench_decode(argv[2]);
	f = fopen(argv[2], "rb");
	if (!f || fseek(f, 0, SEEK_END) || (size = ftell(f)) <= 0) {
		perror(argv[2]);
		return 1;
	}
	rewind(f);
	data = malloc((size_t)size);
	if (!data || fread(data, 1, (size_t)size, f) != (size_t)size)
		return 1;
	fclose(f);
	csv = strcmp(argv[1], "csv") == 0;
	memset(&o, 0, sizeof o);
	o.format = csv ? AUD_FMT_CSV : AUD_FMT_JSONL;
	o.delimiter = ',';
	for (pass = 0; pass < 3; pass++) {
		const char *p = data, *end = data + size;

		t = now();
		lines = 0;
		while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			lines++;
			p++;
		}
		t = now() - t;
		if (t < ref)
			ref = t;
		t = read_pass(&o, data, (size_t)size, 0);
		if (t < slow)
			slow = t;
		t = read_pass(&o, data, (size_t)size, 1);
		if (t < best)
			best = t;
	}
	printf("%s reader: %.0f MB/s (%ld bytes, %zu lines, %llu fields); ",
	       argv[1], size / best / 1e6, size, lines, nfields);
	printf("%s: %.0f MB/s; ", csv ? "libcsv only" : "byte loops",
	       size / slow / 1e6);
	printf("memchr newline count: %.0f MB/s\n", size / ref / 1e6);
	free(data);
	return 0;
}
