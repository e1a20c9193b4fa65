/*
 * fuzz_csv.c: libFuzzer harness for the CSV reader (auditor/csv.c through
 * the reader front in auditor/reader.c). The checks are in fuzz_reader.h;
 * the delimiter is chosen from the input's last byte. On top of them, the
 * reader's own fast path for simple lines must give the transcript that
 * libcsv alone gives (aud_reader_set_fast(r, 0)), fed whole and in the
 * same uneven chunks, with the default and a 48-byte record limit. And
 * aud_csv_cut, which the scanner cuts CSV inputs with, must cut between
 * the reader's records only, and after each one but the last that ends
 * with its line end.
 */
#include "fuzz_reader.h"

#include <stdlib.h>

typedef struct spans {
	uint64_t *s, *e;
	size_t n, cap;
} spans;

static int span_record(void *ctx, const aud_record *rec)
{
	spans *x = ctx;

	if (x->n < x->cap) {
		x->s[x->n] = rec->offset;
		x->e[x->n] = rec->offset + rec->length;
		x->n++;
	}
	return 0;
}

static void span_problem(void *ctx, const aud_err *err)
{
	(void)ctx;
	(void)err;
}

static void check_cuts(const uint8_t *data, size_t size, char delim)
{
	aud_reader_opts o;
	aud_reader *r = NULL;
	aud_csv_cut k;
	aud_err err;
	spans x = {0};
	unsigned char *cut = calloc(size + 1, 1);
	size_t i;
	uint64_t b;

	x.cap = size + 1;
	x.s = malloc(x.cap * sizeof *x.s);
	x.e = malloc(x.cap * sizeof *x.e);
	memset(&o, 0, sizeof o);
	o.format = AUD_FMT_CSV;
	o.delimiter = delim;
	if (!cut || !x.s || !x.e ||
	    aud_reader_new(&r, &o, span_record, span_problem, &x, &err) != 0)
		goto done;
	if (aud_reader_feed(r, (const char *)data, size, &err) == 0)
		aud_reader_finish(r, &err);
	aud_csv_cut_init(&k, delim);
	for (i = 0; i < size; i++)
		if (aud_csv_cut_feed(&k, (const char *)data + i, 1) == 1)
			cut[i + 1] = 1;
	for (i = 0; i < x.n; i++) {
		for (b = x.s[i] + 1; b < x.e[i] && b <= size; b++)
			if (cut[b])
				fz_fail("aud_csv_cut cut inside a record");
		if (i + 1 < x.n && x.e[i] <= size && x.e[i] > 0 &&
		    data[x.e[i] - 1] == '\n' && !cut[x.e[i]])
			fz_fail("aud_csv_cut missed a record's end");
	}
done:
	aud_reader_free(r);
	free(cut);
	free(x.s);
	free(x.e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = {',', '\t', ';', '|'};
	aud_reader_opts o;
	uint64_t fast;
	int mode;

	fz_reader_input(data, size, AUD_FMT_CSV);
	memset(&o, 0, sizeof o);
	o.format = AUD_FMT_CSV;
	o.delimiter = size > 0 ? delims[data[size - 1] & 3] : ',';
	for (mode = 0; mode <= 2; mode += 2) {
		o.max_record_bytes = 0;
		fast = fz_read(data, size, &o, mode, 0);
		fz_fast = 0;
		if (fz_read(data, size, &o, mode, 0) != fast)
			fz_fail("the fast path and libcsv differ");
		o.max_record_bytes = 48;
		fz_fast = 1;
		fast = fz_read(data, size, &o, mode, 0);
		fz_fast = 0;
		if (fz_read(data, size, &o, mode, 0) != fast)
			fz_fail("the fast path and libcsv differ (48-byte "
				"limit)");
		fz_fast = 1;
	}
	check_cuts(data, size, o.delimiter);
	return 0;
}
