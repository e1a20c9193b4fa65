/*
 * common.c: the error struct and the capped growable buffer used across the
 * library. Nothing here prints; formatting an error for humans is
 * aud_err_format's job and the caller decides where the text goes.
 */
#include "auditor/common.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void aud_err_clear(aud_err *err)
{
	if (!err)
		return;
	err->code = AUD_OK;
	err->record = err->line = err->offset = AUD_NOPOS;
	err->msg[0] = '\0';
}

int aud_err_set(aud_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return code;
}

void aud_err_place(aud_err *err, uint64_t record, uint64_t line,
		   uint64_t offset)
{
	if (!err)
		return;
	err->record = record;
	err->line = line;
	err->offset = offset;
}

char *aud_err_format(char *out, size_t cap, const aud_err *err,
		     const char *path)
{
	size_t n = 0;
	int w;

	if (cap == 0)
		return out;
	out[0] = '\0';
#define PUT(...)                                                          \
	do {                                                              \
		if (n < cap) {                                            \
			w = snprintf(out + n, cap - n, __VA_ARGS__);      \
			if (w > 0)                                        \
				n += (size_t)w;                           \
		}                                                         \
	} while (0)
	if (path)
		PUT("%s", path);
	if (err->line != AUD_NOPOS)
		PUT(":%" PRIu64, err->line);
	if (err->record != AUD_NOPOS || err->offset != AUD_NOPOS) {
		PUT(" (");
		if (err->record != AUD_NOPOS)
			PUT("record %" PRIu64, err->record);
		if (err->record != AUD_NOPOS && err->offset != AUD_NOPOS)
			PUT(", ");
		if (err->offset != AUD_NOPOS)
			PUT("byte %" PRIu64, err->offset);
		PUT(")");
	}
	if (path || err->line != AUD_NOPOS || err->record != AUD_NOPOS ||
	    err->offset != AUD_NOPOS)
		PUT(": ");
	PUT("%s", err->msg);
#undef PUT
	return out;
}

int aud_buf_reserve(aud_buf *b, size_t extra)
{
	size_t need, ncap;
	char *np;

	if (extra > SIZE_MAX - b->len)
		return AUD_ELIMIT;
	need = b->len + extra;
	if (b->max && need > b->max)
		return AUD_ELIMIT;
	if (need <= b->cap)
		return AUD_OK;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (b->max && ncap > b->max)
		ncap = b->max;
	np = realloc(b->p, ncap);
	if (!np)
		return AUD_ENOMEM;
	b->p = np;
	b->cap = ncap;
	return AUD_OK;
}

int aud_buf_append(aud_buf *b, const void *data, size_t n)
{
	int rc = aud_buf_reserve(b, n);

	if (rc)
		return rc;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	return AUD_OK;
}

void aud_buf_free(aud_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

int aud_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	p = realloc(*arr, n * elem);
	if (!p)
		return AUD_ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

uint64_t aud_fnv1a(const void *s, size_t n)
{
	const unsigned char *p = s;
	uint64_t h = 1469598103934665603ull;

	while (n--) {
		h ^= *p++;
		h *= 1099511628211ull;
	}
	return h;
}
