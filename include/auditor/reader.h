/*
 * reader.h: CSV (libcsv), JSONL and JSON array readers behind one push
 * interface. The caller feeds decoded bytes in chunks of any size; the
 * reader calls back once per complete record and once per problem. Push,
 * not pull, so that a decode thread can hand chunks to a parse thread
 * later without changing the readers.
 *
 * Memory is bounded by max_record_bytes: a record that grows past it is
 * never buffered whole.
 *
 * Problems (reported through problem_fn, the file goes on):
 *   JSONL: invalid JSON line (its raw text still reaches record_fn as one
 *          field "(unparsed)" with AUD_REC_UNPARSED, so nothing escapes
 *          detection), a line that is not an object (same), a line over
 *          max_record_bytes (skipped up to the next newline, not scanned).
 *   JSON:  the same per array element (an element over max_record_bytes
 *          is skipped to its end); an empty element (",,"), a ',' before
 *          ']', no closing ']' at the end of input; bytes after the
 *          closing ']', or an input that does not start with '[', are
 *          reported and read as JSON Lines.
 *   CSV:   a row whose field count differs from the header (still given,
 *          AUD_REC_FIELD_COUNT; extra fields are named "Unnamed: N", N the
 *          0-based column index).
 *   both:  invalid UTF-8 or a NUL byte (the record is still given, flagged).
 *   both:  a record with more than max(1024, max_record_bytes / 16)
 *          fields, or a JSONL line whose flattened names and values pass
 *          4 x max_record_bytes: AUD_ELIMIT problem, the record is given as
 *          one "(unparsed)" field (bounds memory for rows of commas and
 *          deeply nested keys).
 * Fatal (feed/finish return a negative code, the file ends there):
 *   CSV:   a header with too many fields (see above),
 *          a record over max_record_bytes (no safe place to resync), an
 *          unterminated quoted field at the end of input (the partial
 *          record is still given first).
 */
#ifndef AUDITOR_READER_H
#define AUDITOR_READER_H

#include "auditor/common.h"
#include "auditor/record.h"

/* AUD_FMT_JSON is one JSON array whose elements are the records (a .json
 * file as many datasets ship: [{"a": 1}, {"a": 2}], over any number of
 * lines); JSON Lines is one object per line. */
typedef enum aud_format {
	AUD_FMT_AUTO = 0,
	AUD_FMT_CSV,
	AUD_FMT_JSONL,
	AUD_FMT_JSON
} aud_format;

/* "auto", "csv", "jsonl", "json". Static storage. */
const char *aud_format_name(aud_format f);

/* Format from the file name, after dropping .gz/.gzip/.zst/.zstd: .csv and
 * .tsv give CSV, .jsonl and .ndjson JSONL, .json JSON (which the content
 * settles: aud_format_pick), anything else AUTO. If delim is not NULL it
 * is set to '\t' for .tsv and ',' otherwise. */
aud_format aud_format_from_name(const char *path, char *delim);

/* Format from the first decoded bytes: by the first byte that is not white
 * space or a UTF-8 BOM, JSON for '[', JSONL for '{', else CSV. */
aud_format aud_format_sniff(const char *data, size_t len);

/* An input's format: forced unless AUTO, else by name, else by content
 * (data[0..len), its first decoded bytes); JSON (by name or forced) then
 * stays JSON only when the content starts a JSON array, and is JSONL
 * otherwise. *delim: ',' ('\t' for .tsv), or forced_delim when not 0. */
aud_format aud_format_pick(const char *path, aud_format forced,
			   char forced_delim, const char *data, size_t len,
			   char *delim);

/* Called once per record. Return 0 to go on; a non-zero return stops the
 * reader and is returned by aud_reader_feed/finish as is. */
typedef int (*aud_record_fn)(void *ctx, const aud_record *rec);

/* Called once per non-fatal problem; err has code, place and message. */
typedef void (*aud_problem_fn)(void *ctx, const aud_err *err);

typedef struct aud_reader_opts {
	aud_format format;       /* CSV, JSONL or JSON; AUTO is a usage
				  * error */
	char delimiter;          /* CSV only: ',', '\t', ';', '|' ... */
	size_t max_record_bytes; /* 0 means 16 MiB */
} aud_reader_opts;

typedef struct aud_reader aud_reader;

/* Creates a reader. Returns 0, AUD_EUSAGE or AUD_ENOMEM. Free with
 * aud_reader_free. */
int aud_reader_new(aud_reader **out, const aud_reader_opts *opts,
		   aud_record_fn record_fn, aud_problem_fn problem_fn,
		   void *ctx, aud_err *err);

/* Feeds the next len decoded bytes. Returns 0; a negative AUD_E* code when
 * the file cannot go on (err says where); or the non-zero value returned by
 * record_fn. */
int aud_reader_feed(aud_reader *r, const char *data, size_t len,
		    aud_err *err);

/* Signals the end of input: emits a last record without a trailing
 * newline. Same returns as aud_reader_feed. */
int aud_reader_finish(aud_reader *r, aud_err *err);

/* Counters so far. */
uint64_t aud_reader_records(const aud_reader *r);  /* given to record_fn */
/* record numbers of the records that ended: those given and the JSONL
 * lines or JSON array elements skipped for their length (each keeps its
 * number; one still being skipped is not counted yet) */
uint64_t aud_reader_numbered(const aud_reader *r);
uint64_t aud_reader_problems(const aud_reader *r); /* given to problem_fn */
uint64_t aud_reader_lines(const aud_reader *r);    /* physical lines seen */
uint64_t aud_reader_line_ends(const aud_reader *r); /* of them, ended */

/* CSV header names after de-duplication (NULL before the header is read,
 * and for JSONL). Borrowed; valid until aud_reader_free. */
size_t aud_reader_columns(const aud_reader *r, const aud_field **out);

/* Turns the reader's fast paths on (1, the default) or off (0): with 0,
 * every CSV line goes to libcsv, none is split by the reader itself; with
 * 2, the CSV fast path splits every line byte by byte, without SSE2. The
 * UTF-8 checks of both formats and JSONL's string scans run byte by byte
 * with 0, with SSE2 (no AVX2) with 2, and at aud_simd_best() with 1. The
 * records and problems are the same either way; 0 and 2 are there so that
 * tests can compare. Call before the first feed. */
void aud_reader_set_fast(aud_reader *r, int on);

/* Makes r a reader of an input from the middle on, right after a line end
 * (the scanner cuts inputs into segments there), or for a JSON array
 * right after a ',' that ends an element (aud_json_cut): no byte order
 * mark is looked for, a CSV reader takes its header from head[0..len),
 * the input's first bytes up to the start of a later line, read without
 * giving records or problems (the header's problems are for the reader of
 * the first segment to report), and a JSON array reader reads the next
 * element. Places, lines and records then count from 0 at the first byte
 * fed (the first line is line 1, also when it began before the cut);
 * only message texts that name a byte ("invalid UTF-8 at byte N") count
 * from at, the first byte's offset in the input. Call before the first
 * feed; for JSONL and JSON, head is not read (pass NULL, 0). Returns 0, or
 * the code of the error that reading the header met (err filled): r is
 * then stopped. */
int aud_reader_continue(aud_reader *r, const char *head, size_t len,
			uint64_t at, aud_err *err);

void aud_reader_free(aud_reader *r);

/* Where a CSV stream may be cut into segments: after a line end that ends
 * a record, as the CSV reader (libcsv's rules, see csv.c) reads it, not
 * one inside a quoted field. Fed the stream's bytes in order from its
 * first (a UTF-8 byte order mark is skipped, as the reader does), in
 * chunks of any size; keeps no bytes. */
typedef struct aud_csv_cut {
	unsigned char delim;
	int (*is_space)(unsigned char); /* white space around fields */
	int state; /* csv.c's: outside a field, unquoted, quoted, after a
		    * quote in a quoted field */
	int spaces; /* white space since that quote */
	unsigned fed; /* bytes seen, up to 3: a byte order mark is skipped */
} aud_csv_cut;

void aud_csv_cut_init(aud_csv_cut *k, char delim);

/* Feeds buf[0..n): returns the length of its longest prefix that ends
 * with a record's line end, 0 when no record ends in it. */
size_t aud_csv_cut_feed(aud_csv_cut *k, const char *buf, size_t n);

/* Where a JSON array (AUD_FMT_JSON) may be cut into segments: right after
 * a ',' that ends an element, as the reader (jsonl.c's array loop) reads
 * the stream, outside strings and nested containers; nowhere once the
 * array is closed or the input proves not to be one. Fed the stream's
 * bytes in order from its first (a UTF-8 byte order mark is skipped, as
 * the reader does), in chunks of any size; keeps no bytes. A reader
 * continued there (aud_reader_continue) reads the rest as the reader of
 * the whole input would. */
typedef struct aud_json_cut {
	int state;    /* jsonl.c's array states */
	int ins, esc; /* in a string; after a backslash in it */
	size_t depth; /* containers open inside the element */
	unsigned fed; /* bytes seen, up to 3: a byte order mark is skipped */
} aud_json_cut;

void aud_json_cut_init(aud_json_cut *k);

/* Feeds buf[0..n): returns the length of its longest prefix that ends
 * with such a ',', 0 when none is in it. */
size_t aud_json_cut_feed(aud_json_cut *k, const char *buf, size_t n);

#endif
