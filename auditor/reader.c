/*
 * reader.c: the front of the reader module. Picks a format from a file
 * name or from the first bytes, holds what both formats share (callbacks,
 * counters, the stream position, the sticky stop after a fatal error) and
 * strips a UTF-8 byte order mark at the start of the stream, so that the
 * BOM never reaches a CSV header name or the JSON parser. The formats
 * themselves live in csv.c (libcsv) and jsonl.c (own parser); this file
 * only dispatches to them.
 */
#include "reader_impl.h"

#include "auditor/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};

const char *aud_format_name(aud_format f)
{
	switch (f) {
	case AUD_FMT_CSV:
		return "csv";
	case AUD_FMT_JSONL:
		return "jsonl";
	case AUD_FMT_JSON:
		return "json";
	default:
		return "auto";
	}
}

/* Does name[0..n) end in suffix, ignoring ASCII case? */
static int ends_with(const char *name, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && strncasecmp(name + n - k, suffix, k) == 0;
}

aud_format aud_format_from_name(const char *path, char *delim)
{
	static const char *const packed[] = {".gz", ".gzip", ".zst", ".zstd"};
	const char *base;
	size_t n, i;
	aud_format f = AUD_FMT_AUTO;

	if (delim)
		*delim = ',';
	if (!path)
		return f;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	n = strlen(base);
	for (i = 0; i < sizeof packed / sizeof packed[0]; i++) {
		if (ends_with(base, n, packed[i])) {
			n -= strlen(packed[i]);
			break;
		}
	}
	if (ends_with(base, n, ".csv")) {
		f = AUD_FMT_CSV;
	} else if (ends_with(base, n, ".tsv")) {
		f = AUD_FMT_CSV;
		if (delim)
			*delim = '\t';
	} else if (ends_with(base, n, ".jsonl") ||
		   ends_with(base, n, ".ndjson")) {
		f = AUD_FMT_JSONL;
	} else if (ends_with(base, n, ".json")) {
		f = AUD_FMT_JSON;
	}
	return f;
}

/* The first byte of data that is not white space or a UTF-8 BOM, or -1. */
static int first_byte(const char *data, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(data, bom, 3) == 0)
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' ||
			   data[i] == '\r' || data[i] == '\n'))
		i++;
	return i < len ? (unsigned char)data[i] : -1;
}

aud_format aud_format_sniff(const char *data, size_t len)
{
	int c = first_byte(data, len);

	return c == '[' ? AUD_FMT_JSON : c == '{' ? AUD_FMT_JSONL : AUD_FMT_CSV;
}

aud_format aud_format_pick(const char *path, aud_format forced,
			   char forced_delim, const char *data, size_t len,
			   char *delim)
{
	aud_format f = aud_format_from_name(path, delim);

	if (forced != AUD_FMT_AUTO)
		f = forced;
	else if (f == AUD_FMT_AUTO && len > 0)
		f = aud_format_sniff(data, len);
	if (f == AUD_FMT_JSON && first_byte(data, len) != '[')
		f = AUD_FMT_JSONL;
	if (forced_delim && delim)
		*delim = forced_delim;
	return f;
}

void aud_reader_problem(aud_reader *r, int code, uint64_t record, uint64_t line,
			uint64_t offset, const char *fmt, ...)
{
	aud_err e;
	va_list ap;

	aud_err_clear(&e);
	e.code = code;
	aud_err_place(&e, record, line, offset);
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof e.msg, fmt, ap);
	va_end(ap);
	r->problems++;
	if (r->problem_fn)
		r->problem_fn(r->ctx, &e);
}

unsigned aud_reader_check_utf8(aud_reader *r, const char *s, size_t n,
			       uint64_t base, uint64_t record, uint64_t line)
{
	size_t bad = aud_utf8_invalid_at_path(s, n, r->simd);

	if (bad == n)
		return 0;
	aud_reader_problem(r, AUD_EFORMAT, record, line, base + bad,
			   "invalid UTF-8 at byte %llu",
			   (unsigned long long)(r->msg_base + base + bad));
	return AUD_REC_INVALID_UTF8;
}

unsigned aud_reader_check_bytes(aud_reader *r, const char *s, size_t n,
				uint64_t base, uint64_t record, uint64_t line)
{
	unsigned flags = aud_reader_check_utf8(r, s, n, base, record, line);
	const char *nul = memchr(s, 0, n);

	if (nul) {
		flags |= AUD_REC_HAS_NUL;
		aud_reader_problem(r, AUD_EFORMAT, record, line,
				   base + (uint64_t)(nul - s), "NUL byte");
	}
	return flags;
}

int aud_reader_emit(aud_reader *r, const aud_record *rec)
{
	r->records++;
	return r->record_fn ? r->record_fn(r->ctx, rec) : 0;
}

int aud_reader_new(aud_reader **out, const aud_reader_opts *opts,
		   aud_record_fn record_fn, aud_problem_fn problem_fn,
		   void *ctx, aud_err *err)
{
	aud_reader *r;
	char d;
	int rc;

	*out = NULL;
	if (!opts)
		return aud_err_set(err, AUD_EUSAGE, "reader options missing");
	if (opts->format != AUD_FMT_CSV && opts->format != AUD_FMT_JSONL &&
	    opts->format != AUD_FMT_JSON)
		return aud_err_set(err, AUD_EUSAGE,
				   "reader format must be csv, jsonl or json");
	d = opts->delimiter ? opts->delimiter : ',';
	if (opts->format == AUD_FMT_CSV && (d == '"' || d == '\n' || d == '\r'))
		return aud_err_set(err, AUD_EUSAGE,
				   "CSV delimiter cannot be a quote or a "
				   "line end");
	r = calloc(1, sizeof *r);
	if (!r)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	r->format = opts->format;
	r->delim = d;
	r->max_record_bytes =
	    opts->max_record_bytes ? opts->max_record_bytes : 16u << 20;
	r->max_fields = r->max_record_bytes / 16;
	if (r->max_fields < AUD_RD_MIN_FIELDS)
		r->max_fields = AUD_RD_MIN_FIELDS;
	r->record_fn = record_fn;
	r->problem_fn = problem_fn;
	r->ctx = ctx;
	r->simd = aud_simd_best();
	aud_err_clear(&r->stop_err);
	rc = r->format == AUD_FMT_CSV ? aud_reader_csv_new(r, err)
				      : aud_reader_jsonl_new(r, err);
	if (rc) {
		free(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* Records a stop (fatal error or record_fn's non-zero return) so that
 * later feed/finish calls give the same answer instead of parsing on from
 * an undefined state. */
static void stop(aud_reader *r, int rc, const aud_err *err)
{
	if (rc == 0)
		return;
	r->stopped = 1;
	r->stop_rc = rc;
	r->stop_err = *err;
}

static int impl_feed(aud_reader *r, const char *data, size_t len, aud_err *err)
{
	if (len == 0)
		return 0;
	return r->format == AUD_FMT_CSV
		   ? aud_reader_csv_feed(r, data, len, err)
		   : aud_reader_jsonl_feed(r, data, len, err);
}

/* Ends the BOM check: either the whole BOM was seen (skip it) or only a
 * prefix (hand the held bytes over as data). */
static int bom_end(aud_reader *r, aud_err *err)
{
	unsigned n = r->bom_len;

	r->bom_done = 1;
	if (n == 3) {
		r->pos = 3;
		r->partial = 1;
		return 0;
	}
	return impl_feed(r, (const char *)bom, n, err);
}

/* Gives back the answer of the call that stopped the reader. */
static int stopped(const aud_reader *r, aud_err *err)
{
	if (err)
		*err = r->stop_err;
	return r->stop_rc;
}

int aud_reader_feed(aud_reader *r, const char *data, size_t len, aud_err *err)
{
	aud_err e;
	int rc = 0;

	if (r->stopped)
		return stopped(r, err);
	aud_err_clear(&e);
	if (!r->bom_done) {
		while (len && r->bom_len < 3 &&
		       (unsigned char)*data == bom[r->bom_len]) {
			r->bom_len++;
			data++;
			len--;
		}
		if (r->bom_len < 3 && len == 0)
			goto done; /* still a BOM prefix: wait for more */
		rc = bom_end(r, &e);
	}
	if (rc == 0)
		rc = impl_feed(r, data, len, &e);
	stop(r, rc, &e);
done:
	if (err)
		*err = e;
	return rc;
}

int aud_reader_finish(aud_reader *r, aud_err *err)
{
	aud_err e;
	int rc = 0;

	if (r->stopped)
		return stopped(r, err);
	aud_err_clear(&e);
	if (!r->bom_done)
		rc = bom_end(r, &e);
	if (rc == 0)
		rc = r->format == AUD_FMT_CSV ? aud_reader_csv_finish(r, &e)
					      : aud_reader_jsonl_finish(r, &e);
	/* Even on success: finishing twice must not emit the last record
	 * twice, and feeding after the end has nothing to attach to. */
	r->stopped = 1;
	r->stop_rc = rc;
	r->stop_err = e;
	if (err)
		*err = e;
	return rc;
}

int aud_reader_continue(aud_reader *r, const char *head, size_t len,
			uint64_t at, aud_err *err)
{
	aud_record_fn rf = r->record_fn;
	aud_problem_fn pf = r->problem_fn;
	int rc = 0;

	if (err)
		aud_err_clear(err);
	if (r->format == AUD_FMT_CSV && len) {
		r->record_fn = NULL;
		r->problem_fn = NULL;
		rc = aud_reader_feed(r, head, len, err);
		r->record_fn = rf;
		r->problem_fn = pf;
	}
	if (r->format == AUD_FMT_JSON)
		aud_reader_jsonl_continue(r);
	r->bom_done = 1;
	r->records = r->skipped = r->problems = r->lines = r->pos = 0;
	/* a JSON array is cut after a ',': inside a line that began before
	 * (it counts, as for the reader of the whole input, even when the
	 * input ends right there) */
	r->partial = r->format == AUD_FMT_JSON;
	r->msg_base = at;
	return rc;
}

uint64_t aud_reader_records(const aud_reader *r) { return r->records; }

uint64_t aud_reader_numbered(const aud_reader *r)
{
	return r->records + r->skipped;
}

uint64_t aud_reader_problems(const aud_reader *r) { return r->problems; }

uint64_t aud_reader_lines(const aud_reader *r)
{
	return r->lines + (r->partial ? 1 : 0);
}

uint64_t aud_reader_line_ends(const aud_reader *r) { return r->lines; }

size_t aud_reader_columns(const aud_reader *r, const aud_field **out)
{
	if (r->format != AUD_FMT_CSV) {
		*out = NULL;
		return 0;
	}
	return aud_reader_csv_columns(r, out);
}

void aud_reader_set_fast(aud_reader *r, int on)
{
	int best = aud_simd_best();

	r->simd = on == 0   ? AUD_SIMD_NONE
		  : on == 2 ? (best < AUD_SIMD_SSE2 ? best : AUD_SIMD_SSE2)
			    : best;
	if (r->format == AUD_FMT_CSV)
		aud_reader_csv_set_fast(r, on);
}

void aud_reader_free(aud_reader *r)
{
	if (!r)
		return;
	if (r->format == AUD_FMT_CSV)
		aud_reader_csv_free(r);
	else
		aud_reader_jsonl_free(r);
	free(r);
}
