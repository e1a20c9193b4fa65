/*
 * bench_readers.c: throughput of the CSV and JSONL readers alone, on a file
 * already in the page cache, fed in 256 KiB chunks as the scanner does,
 * with a callback that only counts fields. Prints MB/s of the best of
 * three passes, and, as a reference measured in the same run, the MB/s of
 * a plain memchr pass counting newlines over the same bytes.
 *
 * Usage: bench_readers csv|jsonl FILE
 */
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

int main(int argc, char **argv)
{
	aud_reader_opts o;
	aud_reader *r;
	aud_err e;
	FILE *f;
	char *data;
	long size;
	double best = 1e9, ref = 1e9, t;
	size_t off, lines = 0;
	int pass;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_readers csv|jsonl FILE\n");
		return 2;
	}
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
	memset(&o, 0, sizeof o);
	o.format = strcmp(argv[1], "csv") == 0 ? AUD_FMT_CSV : AUD_FMT_JSONL;
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
		nfields = 0;
		aud_err_clear(&e);
		if (aud_reader_new(&r, &o, on_record, on_problem, NULL, &e))
			return 1;
		t = now();
		for (off = 0; off < (size_t)size; off += 256 * 1024) {
			size_t n = (size_t)size - off;

			if (n > 256 * 1024)
				n = 256 * 1024;
			if (aud_reader_feed(r, data + off, n, &e) < 0)
				break;
		}
		aud_reader_finish(r, &e);
		t = now() - t;
		if (t < best)
			best = t;
		aud_reader_free(r);
	}
	printf("%s reader: %.0f MB/s (%ld bytes, %zu lines, %llu fields); "
	       "memchr newline count: %.0f MB/s\n",
	       argv[1], size / best / 1e6, size, lines, nfields,
	       size / ref / 1e6);
	free(data);
	return 0;
}
