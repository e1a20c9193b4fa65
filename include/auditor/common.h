/*
 * common.h: error codes, the error struct every library call fills, and a
 * growable byte buffer with a hard cap.
 *
 * Library code never prints and never exits. A failing function returns a
 * negative AUD_E* code and fills an aud_err with a message and, when known,
 * the place in the input (record, line, byte offset in the decoded stream).
 * Only the command-line layer turns an aud_err into text on stderr.
 */
#ifndef AUDITOR_COMMON_H
#define AUDITOR_COMMON_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define AUD_VERSION "0.1.0"

/* Return codes. 0 is success; every error is negative. */
enum {
	AUD_OK = 0,
	AUD_EUSAGE = -1,   /* bad arguments or options */
	AUD_EIO = -2,      /* open/read/write failed */
	AUD_EFORMAT = -3,  /* malformed input: corrupt stream, bad CSV/JSON */
	AUD_EPATTERN = -4, /* pattern file invalid, or a sample failed */
	AUD_ESTORE = -5,   /* SQLite error */
	AUD_ENOMEM = -6,   /* allocation failed */
	AUD_ELIMIT = -7    /* a configured limit was exceeded */
};

#define AUD_NOPOS UINT64_MAX /* "place not known" for record/line/offset */

typedef struct aud_err {
	int code;        /* AUD_E*, AUD_OK when no error */
	uint64_t record; /* 1-based record number, AUD_NOPOS if unknown */
	uint64_t line;   /* 1-based line number, AUD_NOPOS if unknown */
	uint64_t offset; /* byte offset in the decoded stream, or AUD_NOPOS */
	char msg[512];   /* message without the place prefix */
} aud_err;

/* Resets err to "no error, no place". err may be NULL. */
void aud_err_clear(aud_err *err);

/* Sets code and printf-style message; keeps the place fields as they are.
 * Returns code, so callers can write `return aud_err_set(err, ...)`.
 * err may be NULL (the code is still returned). */
int aud_err_set(aud_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sets the place fields. Pass AUD_NOPOS for what is unknown. */
void aud_err_place(aud_err *err, uint64_t record, uint64_t line,
		   uint64_t offset);

/* Formats "PATH:LINE (record R, byte B): MSG" into out (always
 * NUL-terminated, truncated to cap). Parts whose place is unknown are left
 * out; path may be NULL. Returns out. */
char *aud_err_format(char *out, size_t cap, const aud_err *err,
		     const char *path);

/* Growable byte buffer with a hard cap (max). Bytes are not NUL-terminated
 * unless the caller appends one. Zero-initialise before first use. */
typedef struct aud_buf {
	char *p;
	size_t len;
	size_t cap;
	size_t max; /* 0 means no cap */
} aud_buf;

/* Ensures room for `extra` more bytes. Returns 0, AUD_ELIMIT when len+extra
 * would pass max, or AUD_ENOMEM. On error the buffer is unchanged. */
int aud_buf_reserve(aud_buf *b, size_t extra);

/* Appends n bytes. Same returns as aud_buf_reserve. */
int aud_buf_append(aud_buf *b, const void *data, size_t n);

/* Frees the storage; the buffer may be reused after (max is kept). */
void aud_buf_free(aud_buf *b);

/* Grows the array *arr (elements of elem bytes, *cap of them) to hold at
 * least need elements, doubling from 16. Returns 0 or AUD_ENOMEM (*arr and
 * *cap unchanged then). */
int aud_grow(void **arr, size_t *cap, size_t need, size_t elem);

/* Are a[0..n) and b[0..n) the same bytes? Names and values here are a
 * few bytes long: two word loads beat a call to memcmp. */
static inline int aud_same(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	uint32_t u, v;

	if (n >= 8) {
		for (; n > 8; a += 8, b += 8, n -= 8) {
			memcpy(&x, a, 8);
			memcpy(&y, b, 8);
			if (x != y)
				return 0;
		}
		memcpy(&x, a + n - 8, 8); /* the last 8, overlapping */
		memcpy(&y, b + n - 8, 8);
		return x == y;
	}
	if (n >= 4) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		if (u != v)
			return 0;
		memcpy(&u, a + n - 4, 4);
		memcpy(&v, b + n - 4, 4);
		return u == v;
	}
	for (; n; a++, b++, n--)
		if (*a != *b)
			return 0;
	return 1;
}

/* A stop flag a signal handler sets and any thread reads: an atomic, not a
 * volatile sig_atomic_t, which C makes safe only within the thread the
 * handler interrupts (ThreadSanitizer saw the decoder thread read one the
 * main thread's handler wrote). atomic_int is lock-free here, so the
 * handler may store to it. Is it set (s may be NULL)? */
static inline int aud_stop_set(const atomic_int *s)
{
	return s && atomic_load_explicit(s, memory_order_relaxed) != 0;
}

/* 64-bit FNV-1a of n bytes: the hash of our in-memory tables. */
uint64_t aud_fnv1a(const void *s, size_t n);

#endif
