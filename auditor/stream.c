/*
 * stream.c: an input read to its records with the fault rules of scan
 * (stream.h). The order of the steps and what is kept after each fault
 * follow scan.c's scan_stream and scan_one: a decoder fault keeps every
 * record before it and flushes the cut last one; a reader that gives up
 * ends the input with its error; the place of a decoder fault is the
 * record being read and the line it is on. Storing and reporting are the
 * caller's.
 */
#include "auditor/stream.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK (256 * 1024)

/* Reads the opened input d through a reader. */
static int read_records(const char *path, aud_decoder *d, char *buf,
			const aud_stream_opts *o, aud_record_fn record_fn,
			aud_problem_fn problem_fn, void *ctx,
			aud_stream_result *res)
{
	aud_reader *rd = NULL;
	aud_reader_opts ro;
	ptrdiff_t n;
	int rc = 0, ended_line = 1;
	char delim = ',';
	aud_format fmt;
	aud_err e;

	aud_err_clear(&e);
	n = aud_decoder_read(d, buf, CHUNK, &e);
	if (n < 0) {
		res->fail = e;
		res->failed = 1;
		return 0;
	}
	if (n == 0) {
		res->empty = 1;
		aud_err_set(&res->fail, AUD_EFORMAT,
			    "empty input: nothing to read");
		return 0;
	}
	fmt = aud_format_pick(path, o->format, o->delimiter, buf, (size_t)n,
			      &delim);
	res->format = fmt;
	memset(&ro, 0, sizeof ro);
	ro.format = fmt;
	ro.delimiter = delim;
	ro.max_record_bytes = o->max_record_bytes;
	if (aud_reader_new(&rd, &ro, record_fn, problem_fn, ctx, &e)) {
		res->fail = e;
		res->failed = 1;
		return 0;
	}
	while (n > 0) {
		rc = aud_reader_feed(rd, buf, (size_t)n, &e);
		if (rc)
			break;
		ended_line = buf[n - 1] == '\n';
		if (o->chunk)
			o->chunk(ctx, d, rd);
		if (aud_stop_set(o->stop)) {
			aud_err_set(&res->fail, AUD_EIO, "interrupted");
			aud_err_place(&res->fail, aud_reader_records(rd) + 1,
				      AUD_NOPOS, aud_decoder_decoded_bytes(d));
			res->failed = 1;
			res->stopped = 1;
			break;
		}
		n = aud_decoder_read(d, buf, CHUNK, &e);
	}
	if (res->stopped) {
		rc = 0; /* the cut last line is not a record */
	} else if (rc < 0) {
		res->fail = e; /* the reader gave up on this input */
		res->failed = 1;
		rc = 0;
	} else if (rc == 0) {
		aud_err fe;

		aud_err_clear(&fe);
		if (n < 0) {
			/* Decoder fault: what came before is kept; the record
			 * being read is the next one, on the line that has
			 * started (or the next, if the chunk ended one). */
			res->fail = e;
			res->failed = 1;
			if (res->fail.record == AUD_NOPOS)
				res->fail.record = aud_reader_records(rd) + 1;
			if (res->fail.line == AUD_NOPOS)
				res->fail.line = aud_reader_lines(rd) +
						 (ended_line ? 1 : 0);
		}
		/* Flush the last record, also the one a fault cut short. */
		rc = aud_reader_finish(rd, &fe);
		if (rc < 0) {
			if (!res->failed) {
				res->fail = fe;
				res->failed = 1;
			}
			rc = 0;
		}
	}
	res->records = aud_reader_records(rd);
	aud_reader_free(rd);
	return rc;
}

int aud_stream_input(const char *path, const aud_stream_opts *o,
		     aud_record_fn record_fn, aud_problem_fn problem_fn,
		     void *ctx, aud_stream_result *res)
{
	aud_decoder *d = NULL;
	aud_decoder_opts dopts;
	aud_err e;
	char *buf;
	int rc = 0;

	memset(res, 0, sizeof *res);
	aud_err_clear(&res->fail);
	aud_err_clear(&e);
	res->size_bytes = -1;
	buf = malloc(CHUNK);
	if (!buf) {
		aud_err_set(&res->fail, AUD_ENOMEM, "out of memory");
		res->failed = 1;
		return 0;
	}
	memset(&dopts, 0, sizeof dopts);
	dopts.max_decoded_bytes = o->max_decoded_bytes;
	dopts.max_ratio = o->max_ratio;
	if (aud_decoder_open(&d, path, &dopts, &e)) {
		res->fail = e;
		res->failed = 1;
		free(buf);
		return 0;
	}
	rc = read_records(path, d, buf, o, record_fn, problem_fn, ctx, res);
	if (!res->stopped && aud_decoder_drain(d, &e) == 0) {
		const char *chg = aud_decoder_changed(d);

		if (chg && problem_fn) { /* grew or was rewritten while read */
			aud_err ce;

			aud_err_clear(&ce);
			aud_err_set(&ce, AUD_EIO, "%s", chg);
			problem_fn(ctx, &ce);
		}
		aud_decoder_sha256_hex(d, res->sha256);
	}
	res->known = 1;
	res->compression = aud_decoder_compression(d);
	res->bytes_decoded = aud_decoder_decoded_bytes(d);
	res->raw_bytes = aud_decoder_raw_bytes(d);
	res->size_bytes = aud_decoder_file_size(d);
	if (res->size_bytes < 0)
		res->size_bytes = (int64_t)res->raw_bytes;
	aud_decoder_close(d);
	free(buf);
	return rc;
}
