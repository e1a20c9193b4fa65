/*
 * encode.c: the streaming encoder (encode.h). Plain bytes go into one
 * 256 KiB output buffer, either as they are or through the codec: zlib's
 * deflate with a gzip wrapper (level 6, gzip(1)'s default) or a zstd
 * compression stream (level 3, zstd(1)'s default, with the frame's content
 * checksum so that `zstd -t` and our own decoder can verify it). The
 * buffer is written with write(2) whenever it fills, so memory is fixed
 * whatever is written. Like the decoder, it knows nothing of paths: the
 * caller names the output in its messages.
 */
#include "auditor/encode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#define OUT_CAP (256u * 1024u)
#define GZIP_LEVEL 6
#define ZSTD_LEVEL 3

struct aud_encoder {
	int fd;
	aud_compression comp;
	z_stream z;
	int z_live;
	ZSTD_CCtx *zc;
	unsigned char *buf;
	size_t len; /* bytes waiting in buf */
	uint64_t in, out;
	int finished;
	int failed;
	aud_err fail;
};

/* Writes buf[0..len) with write(2), retrying short writes and EINTR. */
static int flush(aud_encoder *e, aud_err *err)
{
	size_t done = 0;
	ssize_t w;

	while (done < e->len) {
		w = write(e->fd, e->buf + done, e->len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			aud_err_clear(&e->fail);
			aud_err_set(&e->fail, AUD_EIO, "cannot write: %s",
				    w < 0 ? strerror(errno) : "no progress");
			e->fail.offset = e->in;
			e->failed = 1;
			if (err)
				*err = e->fail;
			return AUD_EIO;
		}
		done += (size_t)w;
		e->out += (uint64_t)w;
	}
	e->len = 0;
	return 0;
}

static int failed(aud_encoder *e, aud_err *err)
{
	if (err)
		*err = e->fail;
	return e->fail.code ? e->fail.code : AUD_EIO;
}

static int codec_error(aud_encoder *e, aud_err *err, const char *what)
{
	aud_err_clear(&e->fail);
	aud_err_set(&e->fail, AUD_EIO, "compression failed: %s", what);
	e->failed = 1;
	return failed(e, err);
}

int aud_encoder_new(aud_encoder **out, int fd, aud_compression c, aud_err *err)
{
	aud_encoder *e = calloc(1, sizeof *e);

	*out = NULL;
	if (!e || !(e->buf = malloc(OUT_CAP))) {
		free(e);
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	}
	e->fd = fd;
	e->comp = c;
	if (c == AUD_COMP_GZIP) {
		/* windowBits 15 + 16: a gzip header and trailer. */
		if (deflateInit2(&e->z, GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK) {
			aud_encoder_free(e);
			return aud_err_set(err, AUD_EIO,
					   "cannot start gzip compression");
		}
		e->z_live = 1;
	} else if (c == AUD_COMP_ZSTD) {
		e->zc = ZSTD_createCCtx();
		if (!e->zc ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(
			e->zc, ZSTD_c_compressionLevel, ZSTD_LEVEL)) ||
		    ZSTD_isError(ZSTD_CCtx_setParameter(
			e->zc, ZSTD_c_checksumFlag, 1))) {
			aud_encoder_free(e);
			return aud_err_set(err, AUD_EIO,
					   "cannot start zstd compression");
		}
	}
	*out = e;
	return 0;
}

/* Runs deflate over the pending input with flush mode mode until it has
 * taken everything (Z_NO_FLUSH) or ended the stream (Z_FINISH). */
static int gz_run(aud_encoder *e, int mode, aud_err *err)
{
	int rc;

	for (;;) {
		e->z.next_out = e->buf + e->len;
		e->z.avail_out = (uInt)(OUT_CAP - e->len);
		rc = deflate(&e->z, mode);
		e->len = OUT_CAP - e->z.avail_out;
		if (rc == Z_STREAM_ERROR)
			return codec_error(e, err, "deflate");
		if (mode == Z_FINISH && rc == Z_STREAM_END)
			return 0;
		if (e->z.avail_out == 0) {
			if (flush(e, err))
				return AUD_EIO;
			continue;
		}
		if (mode == Z_NO_FLUSH && e->z.avail_in == 0)
			return 0;
	}
}

/* Same for zstd: op is ZSTD_e_continue or ZSTD_e_end. */
static int zs_run(aud_encoder *e, const void *data, size_t n,
		  ZSTD_EndDirective op, aud_err *err)
{
	ZSTD_inBuffer in = {data, n, 0};
	size_t left;

	for (;;) {
		ZSTD_outBuffer ob = {e->buf, OUT_CAP, e->len};

		left = ZSTD_compressStream2(e->zc, &ob, &in, op);
		e->len = ob.pos;
		if (ZSTD_isError(left))
			return codec_error(e, err, ZSTD_getErrorName(left));
		if (e->len == OUT_CAP && flush(e, err))
			return AUD_EIO;
		if (op == ZSTD_e_continue && in.pos == in.size)
			return 0;
		if (op == ZSTD_e_end && left == 0)
			return 0;
	}
}

int aud_encoder_write(aud_encoder *e, const void *data, size_t n, aud_err *err)
{
	const unsigned char *p = data;
	size_t k;

	if (e->failed)
		return failed(e, err);
	if (e->finished)
		return aud_err_set(err, AUD_EUSAGE,
				   "write after the end of the stream");
	if (n == 0)
		return 0;
	e->in += n;
	switch (e->comp) {
	case AUD_COMP_GZIP:
		while (n) {
			/* avail_in is 32 bits wide */
			k = n > (1u << 30) ? (1u << 30) : n;
			e->z.next_in = (unsigned char *)p;
			e->z.avail_in = (uInt)k;
			if (gz_run(e, Z_NO_FLUSH, err))
				return AUD_EIO;
			p += k;
			n -= k;
		}
		return 0;
	case AUD_COMP_ZSTD:
		return zs_run(e, data, n, ZSTD_e_continue, err);
	default:
		while (n) {
			k = OUT_CAP - e->len < n ? OUT_CAP - e->len : n;
			memcpy(e->buf + e->len, p, k);
			e->len += k;
			p += k;
			n -= k;
			if (e->len == OUT_CAP && flush(e, err))
				return AUD_EIO;
		}
		return 0;
	}
}

int aud_encoder_finish(aud_encoder *e, aud_err *err)
{
	int rc = 0;

	if (e->failed)
		return failed(e, err);
	if (e->finished)
		return 0;
	if (e->comp == AUD_COMP_GZIP) {
		e->z.next_in = NULL;
		e->z.avail_in = 0;
		rc = gz_run(e, Z_FINISH, err);
	} else if (e->comp == AUD_COMP_ZSTD) {
		rc = zs_run(e, NULL, 0, ZSTD_e_end, err);
	}
	if (rc == 0)
		rc = flush(e, err);
	e->finished = 1;
	return rc;
}

uint64_t aud_encoder_bytes_in(const aud_encoder *e) { return e->in; }

uint64_t aud_encoder_bytes_out(const aud_encoder *e) { return e->out; }

void aud_encoder_free(aud_encoder *e)
{
	if (!e)
		return;
	if (e->z_live)
		deflateEnd(&e->z);
	ZSTD_freeCCtx(e->zc);
	free(e->buf);
	free(e);
}
