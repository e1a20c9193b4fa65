/*
 * bench_detect.c: the detector alone, over every field value of a JSONL or
 * CSV file read into memory: MB/s of field-value bytes, and how many of
 * those bytes reached PCRE2 (the windows the prefilter opened), which is
 * what the prefilter design promises to keep small. Best of the first two
 * passes; the third counts distinct window bytes, which costs a sort.
 *
 * Usage: bench_detect csv|jsonl FILE [PATTERN_PATH...]
 * (default pattern path: the source tree's patterns/)
 */
#include "auditor/detect.h"
#include "auditor/reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct ctx {
	aud_detector *d;
	unsigned long long value_bytes, findings;
} ctx;

static int on_record(void *p, const aud_record *rec)
{
	ctx *c = p;
	const aud_match *m;
	aud_err e;
	size_t i;
	int n;

	for (i = 0; i < rec->nfields; i++) {
		const aud_field *f = &rec->fields[i];

		c->value_bytes += f->value_len;
		n = aud_detect_field(c->d, f->name, f->name_len, f->value,
				     f->value_len, &m, &e);
		if (n > 0)
			c->findings += (unsigned long long)n;
	}
	return 0;
}

static void on_problem(void *p, const aud_err *e)
{
	(void)p;
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
	const char *defpath[] = {AUD_PATTERNS_DIR};
	aud_patternset *ps = NULL;
	aud_reader_opts o;
	aud_reader *r;
	aud_err e;
	ctx c;
	FILE *f;
	char *data;
	long size;
	double best = 1e9, t;
	unsigned long long wb = 0, ub = 0;
	const char *simd = "none";
	int pass;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_detect csv|jsonl FILE [PATTERNS...]\n");
		return 2;
	}
	aud_err_clear(&e);
	if (aud_patterns_load(&ps, argc > 3 ? (const char *const *)argv + 3
					    : defpath,
			      argc > 3 ? (size_t)(argc - 3) : 1, &e)) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
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
		memset(&c, 0, sizeof c);
		if (aud_detector_new(&c.d, ps, &e) ||
		    aud_reader_new(&r, &o, on_record, on_problem, &c, &e))
			return 1;
		aud_detector_stats(c.d, pass == 2); /* timed without it */
		t = now();
		aud_reader_feed(r, data, (size_t)size, &e);
		aud_reader_finish(r, &e);
		t = now() - t;
		if (t < best && pass < 2)
			best = t;
		wb = aud_detector_window_bytes(c.d);
		ub = aud_detector_union_bytes(c.d);
		simd = aud_detector_simd(c.d);
		aud_reader_free(r);
		aud_detector_free(c.d);
	}
	printf("%zu patterns, %s: parse+detect %.0f MB/s of input; %llu value "
	       "bytes; PCRE2 windows: %llu bytes summed over patterns "
	       "(%.1f%%), %llu distinct bytes (%.1f%%); %llu findings\n",
	       aud_patterns_count(ps), simd, size / best / 1e6, c.value_bytes, wb,
	       c.value_bytes ? 100.0 * (double)wb / (double)c.value_bytes : 0,
	       ub,
	       c.value_bytes ? 100.0 * (double)ub / (double)c.value_bytes : 0,
	       c.findings);
	aud_patterns_free(ps);
	free(data);
	return 0;
}
