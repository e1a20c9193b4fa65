/*
 * record.h: what readers produce and analyzers consume. A record is an
 * ordered list of (field name, value) pairs plus its place in the decoded
 * stream. All pointers are borrowed: they stay valid only during the record
 * callback. Byte data is {ptr, len} and never assumed to end in NUL.
 */
#ifndef AUDITOR_RECORD_H
#define AUDITOR_RECORD_H

#include <stddef.h>
#include <stdint.h>

typedef enum aud_valtype {
	AUD_VAL_STRING = 0, /* CSV fields are always strings */
	AUD_VAL_NUMBER,     /* JSON number: value is its raw text */
	AUD_VAL_BOOL,       /* JSON true/false: value is "true"/"false" */
	AUD_VAL_NULL        /* JSON null: value is "" (len 0) */
} aud_valtype;

typedef struct aud_field {
	const char *name; /* CSV header name or JSON path: a.b[2].c */
	size_t name_len;
	const char *value; /* decoded: escapes resolved, quotes removed */
	size_t value_len;
	uint64_t offset; /* decoded-stream offset of the value's first raw
			    byte (after an opening quote) */
	aud_valtype type;
	unsigned char raw_exact; /* 1 when the value's bytes equal the raw
				    bytes, so offset + i is exact for every i;
				    0 when escapes or doubled quotes shifted
				    them (offset + i is then approximate) */
} aud_field;

/* Record flags: facts a reader noticed but that did not stop it. */
#define AUD_REC_INVALID_UTF8 0x1u /* some bytes are not valid UTF-8 */
#define AUD_REC_HAS_NUL 0x2u      /* a NUL byte occurs in the record */
#define AUD_REC_UNPARSED 0x4u     /* could not be parsed; the raw text is
				     given as one field named "(unparsed)" */
#define AUD_REC_FIELD_COUNT 0x8u  /* CSV: field count differs from header */
#define AUD_REC_HEADER_NAMES 0x10u /* CSV: the fields are the header's
				      columns, named with the very strings
				      aud_reader_columns gives */

typedef struct aud_record {
	uint64_t number; /* 1-based, data records only (not the CSV header) */
	uint64_t line;   /* 1-based physical line where the record starts */
	uint64_t offset; /* decoded-stream offset of its first byte */
	uint64_t length; /* raw bytes, terminator included */
	const aud_field *fields;
	size_t nfields;
	unsigned flags; /* AUD_REC_* */
} aud_record;

#endif
