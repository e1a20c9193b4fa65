/*
 * reader_impl.h: what reader.c shares with the two format readers (csv.c,
 * jsonl.c). Private to the reader module: nothing outside auditor/reader.c,
 * csv.c and jsonl.c includes it.
 *
 * reader.c owns the common state (options, callbacks, counters, the
 * stream position) and strips a UTF-8 BOM at the start of the stream; each
 * format reader keeps its own state behind `impl` and advances `pos`,
 * `lines` and `partial` as it consumes bytes.
 */
#ifndef AUDITOR_READER_IMPL_H
#define AUDITOR_READER_IMPL_H

#include "auditor/reader.h"

/* Fields a record may have: the field array costs about 48 bytes a field,
 * so it is bounded separately from max_record_bytes (a 16 MiB record of
 * commas would otherwise need 800 MB of field structs). */
#define AUD_RD_MIN_FIELDS 1024

struct aud_reader {
	aud_format format;
	char delim;
	size_t max_record_bytes;
	size_t max_fields; /* max(AUD_RD_MIN_FIELDS, max_record_bytes/16) */
	aud_record_fn record_fn;
	aud_problem_fn problem_fn;
	void *ctx;

	uint64_t records;  /* given to record_fn */
	uint64_t skipped;  /* numbered, not given (too long), ended */
	uint64_t problems; /* given to problem_fn */
	uint64_t lines;	   /* '\n' seen */
	int partial;	   /* bytes seen after the last '\n' */
	uint64_t pos;	   /* stream offset of the next byte */
	uint64_t msg_base; /* input offset of pos 0, for message texts */

	int simd; /* AUD_SIMD_* level of the byte scans (aud_reader_set_fast) */

	unsigned bom_len; /* BOM bytes matched so far at stream start */
	int bom_done;

	int stopped; /* fatal error or record_fn stop: feed/finish repeat it */
	int stop_rc;
	aud_err stop_err;

	void *impl;
};

/* Reports a non-fatal problem: fills an aud_err, counts it, calls
 * problem_fn when set. */
void aud_reader_problem(aud_reader *r, int code, uint64_t record, uint64_t line,
			uint64_t offset, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Gives rec to record_fn (when set) and counts it. Returns record_fn's
 * value. */
int aud_reader_emit(aud_reader *r, const aud_record *rec);

/* Reports invalid UTF-8 and NUL bytes in s[0..n), a record whose first
 * byte is at stream offset base: at most one problem of each kind, placed
 * at the first bad byte. Returns the AUD_REC_* flags to set. */
unsigned aud_reader_check_bytes(aud_reader *r, const char *s, size_t n,
				uint64_t base, uint64_t record, uint64_t line);

/* The UTF-8 half of aud_reader_check_bytes, for a record known to hold no
 * NUL byte. */
unsigned aud_reader_check_utf8(aud_reader *r, const char *s, size_t n,
			       uint64_t base, uint64_t record, uint64_t line);

/* Format readers. new: 0 or AUD_ENOMEM (err filled). feed/finish: as
 * aud_reader_feed/finish. free: releases impl; NULL-safe. */
int aud_reader_csv_new(aud_reader *r, aud_err *err);
int aud_reader_csv_feed(aud_reader *r, const char *data, size_t len,
			aud_err *err);
int aud_reader_csv_finish(aud_reader *r, aud_err *err);
size_t aud_reader_csv_columns(const aud_reader *r, const aud_field **out);
void aud_reader_csv_set_fast(aud_reader *r, int on);
void aud_reader_csv_free(aud_reader *r);

int aud_reader_jsonl_new(aud_reader *r, aud_err *err);
int aud_reader_jsonl_feed(aud_reader *r, const char *data, size_t len,
			  aud_err *err);
int aud_reader_jsonl_finish(aud_reader *r, aud_err *err);
void aud_reader_jsonl_continue(aud_reader *r);
void aud_reader_jsonl_free(aud_reader *r);

#endif
