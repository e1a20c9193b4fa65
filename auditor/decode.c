/*
 * decode.c: the streaming decoder. It opens one input (a path, or "-" for
 * stdin), reads it in fixed 256 KiB chunks with read(2), feeds every raw
 * byte to SHA-256 (OpenSSL EVP) and hands out decoded bytes: gzip through
 * zlib's or ISA-L's inflate (all members of a multi-member file; see
 * below), zstd through a ZSTD_DStream (all frames, skippable ones
 * skipped), anything else as is. The compression is chosen from the first
 * raw bytes, never from the name.
 *
 * Memory is fixed: one raw buffer plus the codec state (zlib's 32 KiB
 * window; ISA-L's state and its 66 KiB stage; zstd's window capped at
 * 2^27 bytes by ZSTD_d_windowLogMax), so nothing grows with the input.
 * Decoded bytes go straight into the caller's buffer; plain input is read
 * straight into it when the raw buffer is empty.
 *
 * Errors are sticky and deferred: when a fault is found after some bytes
 * were decoded in the same call, those bytes are returned first and the
 * error comes with the next call, with err->offset equal to the decoded
 * bytes handed out. What the bytes mean (CSV, JSONL) is left to the readers.
 *
 * Messages do not repeat the path: the caller names the input.
 *
 * A regular file is read up to the size it had when opened and no
 * further, as tar(1) does: a writer appending faster than we scan would
 * otherwise keep the scan going for ever. The hash and counts then cover
 * that prefix, and aud_decoder_changed says the file grew or was rewritten
 * (size or mtime differ at the end). A file that shrinks under us is an
 * error: its end is gone, so what was read is not the whole file.
 * (Regular files of size 0 at open, such as those in /proc, are read to
 * their end: they have no size to trust.)
 *
 * The bomb guard compares decoded bytes with the raw bytes the codec has
 * consumed, not with those read ahead into the raw buffer: a 256 KiB
 * read-ahead would otherwise hide a deflate bomb (at most ~1032:1) from a
 * limit of 1000:1 until many gigabytes were decoded.
 *
 * gzip through ISA-L (built with AUDITOR_ISAL, the default when libisal
 * is installed): ISA-L's inflate is two to three times zlib's speed here.
 * zlib still reads every member header and the trailer is checked in
 * zlib's order and words, so headers, trailers, members, padding, garbage
 * and truncation give the same bytes and errors on both paths (tested
 * against zlib in test_decode_gzip.c). Damaged deflate data is where they
 * may part: ISA-L has three error codes where zlib has a dozen messages,
 * may find a distance that reaches before the member's start a few bytes
 * later than zlib (those bytes come from its own calloc'ed state, never
 * from other memory), and accepts some malformed block headers that zlib
 * refuses (a distance code set no symbol uses) when the member's CRC-32
 * and length still match. Both always detect what the CRC-32 detects.
 * And where a member is cut short (a truncated file) ISA-L may stop a
 * symbol before zlib does: in 700 random cuts of two gzip streams it
 * handed out one byte fewer 86 times, never more than one (a symbol is
 * at most 258 bytes, which the fuzz harness allows).
 * opts->gzip_zlib picks zlib at run time.
 *
 * Choices: zero bytes after the last gzip member (tape or block padding)
 * are accepted and ignored if they run to the end of the file, as gzip(1)
 * does; any other trailing bytes are an error. Trailing bytes after a zstd
 * frame are an error reported by libzstd.
 */
#include "auditor/decode.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>
#ifdef AUD_HAVE_ISAL
#include <isa-l/igzip_lib.h>

/* See dec_gzip_isal. */
#define STAGE_CAP sizeof(((struct inflate_state *)0)->tmp_out_buffer)
#endif
#include <zstd.h>
#include <zstd_errors.h>

#define RAW_CAP (256u * 1024u)
#define ZSTD_WLOG_MAX 27 /* 128 MiB: zstd's default limit, made explicit */

struct aud_decoder {
	int fd;
	int own_fd; /* 0 for stdin: never closed here */
	aud_compression comp;
	uint64_t max;	    /* max_decoded_bytes, 0 = none */
	double ratio;	    /* max_ratio, 0 = none */
	uint64_t raw_bytes; /* read from fd and hashed */
	uint64_t decoded;   /* handed out to the caller */
	int64_t fsize;
	uint64_t cap;	       /* regular files: read no more than this */
	struct timespec mtime; /* at open, to see a rewrite in place */
	char changed[160];     /* why the file looks changed, "" if not */
	EVP_MD_CTX *sha;

	unsigned char *raw;
	size_t pos, len; /* unread raw bytes are raw[pos..len) */
	int eof;	 /* read(2) returned 0 */

	int done;    /* clean end of the decoded stream reached */
	int drained; /* aud_decoder_drain threw raw bytes away */

	/* gzip */
	z_stream z;
	int z_init;
	int z_between; /* a member ended; what follows is not yet known */
#ifdef AUD_HAVE_ISAL
	struct inflate_state *isal; /* decodes the deflate data of members */
	int isal_body;	      /* the member's header is read: ISA-L's turn */
	int isal_starved;     /* ISA-L used up its input: refill first */
	int isal_fault;	      /* ISA-L's error, reported once stage is out */
	unsigned char *stage; /* see dec_gzip_isal */
	size_t spos, slen;    /* stage[spos..slen) not yet handed out */
#endif

	/* zstd */
	ZSTD_DStream *zs;
	int zs_frame_open; /* a frame was started and has not ended */

	/* sticky error: once ecode != 0 every read reports it */
	int ecode;
	char emsg[256];
};

const char *aud_compression_name(aud_compression c)
{
	switch (c) {
	case AUD_COMP_GZIP:
		return "gzip";
	case AUD_COMP_ZSTD:
		return "zstd";
	default:
		return "plain";
	}
}

/* Records the decoder's sticky error (first one wins). Returns code. */
static int fail(aud_decoder *d, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(aud_decoder *d, int code, const char *fmt, ...)
{
	va_list ap;

	if (d->ecode)
		return d->ecode;
	d->ecode = code;
	va_start(ap, fmt);
	vsnprintf(d->emsg, sizeof d->emsg, fmt, ap);
	va_end(ap);
	return code;
}

/* Copies the sticky error into err; the place is the decoded offset. */
static ptrdiff_t report(const aud_decoder *d, aud_err *err)
{
	aud_err_set(err, d->ecode, "%s", d->emsg);
	aud_err_place(err, AUD_NOPOS, AUD_NOPOS, d->decoded);
	return d->ecode;
}

/* At the size seen at open: notes whether the file has changed since. */
static void look_changed(aud_decoder *d)
{
	struct stat st;

	if (d->changed[0] || fstat(d->fd, &st) != 0)
		return;
	if ((uint64_t)st.st_size > d->cap)
		snprintf(d->changed, sizeof d->changed,
			 "file grew while being read (%llu bytes now): "
			 "scanned the %llu bytes it had when opened",
			 (unsigned long long)st.st_size,
			 (unsigned long long)d->cap);
	else if (st.st_mtim.tv_sec != d->mtime.tv_sec ||
		 st.st_mtim.tv_nsec != d->mtime.tv_nsec)
		snprintf(d->changed, sizeof d->changed,
			 "file was modified while being read");
}

/* read(2) with EINTR retry; hashes and counts what it got. Returns the
 * byte count, 0 at end of file, or -1 with errno set. */
static ssize_t rawread(aud_decoder *d, void *buf, size_t n)
{
	ssize_t r;

	if (d->cap) {
		if (d->raw_bytes >= d->cap) {
			d->eof = 1;
			look_changed(d);
			return 0;
		}
		if (n > d->cap - d->raw_bytes)
			n = (size_t)(d->cap - d->raw_bytes);
	}
	do
		r = read(d->fd, buf, n);
	while (r < 0 && errno == EINTR);
	if (r == 0 && d->cap) {
		fail(d, AUD_EIO,
		     "file shrank while being read (end of file after %llu "
		     "of %llu bytes)",
		     (unsigned long long)d->raw_bytes,
		     (unsigned long long)d->cap);
		errno = EIO;
		d->eof = 1;
		return -1;
	}
	if (r > 0) {
		EVP_DigestUpdate(d->sha, buf, (size_t)r);
		d->raw_bytes += (uint64_t)r;
	} else if (r == 0) {
		d->eof = 1;
	}
	return r;
}

/* Makes at least n unread raw bytes available (n <= RAW_CAP), moving the
 * unread tail to the front when needed. Returns the number available,
 * which is below n only at end of file, or AUD_EIO. */
static ptrdiff_t need(aud_decoder *d, size_t n)
{
	ssize_t r;

	while (d->len - d->pos < n && !d->eof) {
		if (d->pos > 0) {
			memmove(d->raw, d->raw + d->pos, d->len - d->pos);
			d->len -= d->pos;
			d->pos = 0;
		}
		r = rawread(d, d->raw + d->len, RAW_CAP - d->len);
		if (r < 0)
			return fail(d, AUD_EIO, "read error: %s",
				    strerror(errno));
		d->len += (size_t)r;
	}
	return (ptrdiff_t)(d->len - d->pos);
}

/* Refills the raw buffer once it is used up (pos == len) with one read.
 * Returns the bytes now available, 0 at end of file, or AUD_EIO. */
static ptrdiff_t refill(aud_decoder *d);

/* More input for a stream that has not ended: 0, or the error (a read
 * error, or "truncated WHAT" at the end of the file). */
static int refill_more(aud_decoder *d, const char *what)
{
	ptrdiff_t avail = refill(d);

	if (avail < 0)
		return (int)avail;
	if (avail == 0)
		return fail(d, AUD_EFORMAT, "truncated %s", what);
	return 0;
}

static ptrdiff_t refill(aud_decoder *d)
{
	ssize_t r;

	d->pos = d->len = 0;
	if (d->eof)
		return 0;
	r = rawread(d, d->raw, RAW_CAP);
	if (r < 0)
		return fail(d, AUD_EIO, "read error: %s", strerror(errno));
	d->len = (size_t)r;
	return r;
}

static int sniff(aud_decoder *d)
{
	const unsigned char *p = d->raw;
	ptrdiff_t n = need(d, 4);
	uint32_t m;

	if (n < 0)
		return (int)n;
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return AUD_COMP_GZIP;
	if (n >= 4) {
		m = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		if (m == 0xFD2FB528u || (m & 0xFFFFFFF0u) == 0x184D2A50u)
			return AUD_COMP_ZSTD;
	}
	return AUD_COMP_PLAIN;
}

int aud_decoder_open(aud_decoder **out, const char *path,
		     const aud_decoder_opts *opts, aud_err *err)
{
	aud_decoder *d = NULL;
	struct stat st;
	int rc = AUD_OK;
	int c;

	*out = NULL;
	d = calloc(1, sizeof *d);
	if (!d)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	d->fd = -1;
	d->max = opts ? opts->max_decoded_bytes : 0;
	d->ratio = opts && opts->max_ratio > 0 ? opts->max_ratio : 0;
	d->fsize = -1;

	if (strcmp(path, "-") == 0) {
		d->fd = 0;
	} else {
		do
			d->fd = open(path, O_RDONLY | O_CLOEXEC);
		while (d->fd < 0 && errno == EINTR);
		if (d->fd < 0) {
			rc = aud_err_set(err, AUD_EIO, "cannot open: %s",
					 strerror(errno));
			goto done;
		}
		d->own_fd = 1;
	}
	if (fstat(d->fd, &st) != 0) {
		rc = aud_err_set(err, AUD_EIO, "cannot stat: %s",
				 strerror(errno));
		goto done;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = aud_err_set(err, AUD_EIO, "is a directory");
		goto done;
	}
	if (S_ISREG(st.st_mode) && d->own_fd) {
		/* stdin is -1 even when redirected from a file. */
		d->fsize = (int64_t)st.st_size;
		d->cap = (uint64_t)st.st_size;
		d->mtime = st.st_mtim;
		(void)posix_fadvise(d->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	}

	d->raw = malloc(RAW_CAP);
	d->sha = EVP_MD_CTX_new();
	if (!d->raw || !d->sha) {
		rc = aud_err_set(err, AUD_ENOMEM, "out of memory");
		goto done;
	}
	if (EVP_DigestInit_ex(d->sha, EVP_sha256(), NULL) != 1) {
		rc = aud_err_set(err, AUD_ENOMEM, "cannot initialise SHA-256");
		goto done;
	}

	c = sniff(d);
	if (c < 0) {
		rc = aud_err_set(err, AUD_EIO, "%s: %s", path, d->emsg);
		goto done;
	}
	d->comp = (aud_compression)c;
	if (d->comp == AUD_COMP_GZIP) {
		/* 15 + 16: gzip wrapper only, largest window. */
		c = inflateInit2(&d->z, 15 + 16);
		if (c != Z_OK) {
			rc = aud_err_set(err, AUD_ENOMEM,
					 "cannot initialise zlib: %s",
					 zError(c));
			goto done;
		}
		d->z_init = 1;
#ifdef AUD_HAVE_ISAL
		if (!opts || !opts->gzip_zlib) {
			/* calloc: see the top of the file (corrupt data). */
			d->isal = calloc(1, sizeof *d->isal);
			d->stage = malloc(STAGE_CAP);
			if (!d->isal || !d->stage) {
				rc = aud_err_set(err, AUD_ENOMEM,
						 "out of memory");
				goto done;
			}
			isal_inflate_init(d->isal);
		}
#endif
	} else if (d->comp == AUD_COMP_ZSTD) {
		d->zs = ZSTD_createDStream();
		if (!d->zs || ZSTD_isError(ZSTD_DCtx_setParameter(
				  d->zs, ZSTD_d_windowLogMax, ZSTD_WLOG_MAX))) {
			rc = aud_err_set(err, AUD_ENOMEM,
					 "cannot initialise zstd");
			goto done;
		}
	}
	*out = d;
	d = NULL;
done:
	aud_decoder_close(d);
	return rc;
}

/* Decoders proper. Each fills out[0..cap) as far as it can and stores the
 * count in *got; it returns 0 (check d->done for the end) or an error code
 * recorded with fail(). Bytes in *got are valid even when an error is
 * returned. */

static int dec_plain(aud_decoder *d, unsigned char *out, size_t cap,
		     size_t *got)
{
	size_t n = 0, k;
	ssize_t r;

	while (n < cap) {
		if (d->pos < d->len) {
			k = d->len - d->pos;
			if (k > cap - n)
				k = cap - n;
			memcpy(out + n, d->raw + d->pos, k);
			d->pos += k;
			n += k;
			continue;
		}
		if (d->eof) {
			d->done = 1;
			break;
		}
		if (cap - n >= RAW_CAP / 4) {
			/* Large request: skip the copy. */
			r = rawread(d, out + n,
				    cap - n > SSIZE_MAX ? SSIZE_MAX : cap - n);
			if (r < 0) {
				*got = n;
				return fail(d, AUD_EIO, "read error: %s",
					    strerror(errno));
			}
			n += (size_t)r;
		} else if (refill(d) < 0) {
			*got = n;
			return d->ecode;
		}
	}
	*got = n;
	return 0;
}

/* After a gzip member: another member, zero padding to the end, the end,
 * or garbage. */
static int gz_next_member(aud_decoder *d)
{
	ptrdiff_t n = need(d, 2);
	size_t i;

	if (n < 0)
		return (int)n;
	if (n == 0) {
		d->done = 1;
		return 0;
	}
	if (d->raw[d->pos] == 0x1f) {
		if (n < 2)
			return fail(d, AUD_EFORMAT, "truncated gzip stream");
		if (d->raw[d->pos + 1] != 0x8b)
			return fail(d, AUD_EFORMAT,
				    "trailing garbage after gzip member");
		if (inflateReset(&d->z) != Z_OK)
			return fail(d, AUD_EFORMAT, "cannot reset zlib");
		d->z_between = 0;
		return 0;
	}
	for (;;) {
		for (i = d->pos; i < d->len; i++)
			if (d->raw[i] != 0)
				return fail(d, AUD_EFORMAT,
					    "trailing garbage after gzip "
					    "member");
		d->pos = d->len;
		n = refill(d);
		if (n < 0)
			return (int)n;
		if (n == 0) {
			d->done = 1;
			return 0;
		}
	}
}

static int dec_gzip(aud_decoder *d, unsigned char *out, size_t cap, size_t *got)
{
	z_stream *z = &d->z;
	size_t n = 0, chunk;
	uInt in0, out0;
	int zr, rc = 0;

	while (n < cap && !d->done) {
		if (d->z_between) {
			rc = gz_next_member(d);
			if (rc < 0)
				break;
			continue;
		}
		chunk = cap - n > UINT_MAX ? UINT_MAX : cap - n;
		z->next_in = d->raw + d->pos;
		z->avail_in = in0 = (uInt)(d->len - d->pos);
		z->next_out = out + n;
		z->avail_out = out0 = (uInt)chunk;
		zr = inflate(z, Z_NO_FLUSH);
		d->pos += in0 - z->avail_in;
		n += out0 - z->avail_out;
		if (zr == Z_STREAM_END) {
			d->z_between = 1;
			continue;
		}
		if (zr == Z_DATA_ERROR) {
			rc = fail(d, AUD_EFORMAT, "gzip: %s",
				  z->msg ? z->msg : "invalid data");
			break;
		}
		if (zr == Z_MEM_ERROR) {
			rc = fail(d, AUD_ENOMEM, "out of memory in zlib");
			break;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			rc = fail(d, AUD_EFORMAT, "gzip: %s", zError(zr));
			break;
		}
		if (z->avail_out == 0)
			continue; /* the loop test decides */
		if (z->avail_in > 0) {
			if (z->avail_in == in0 && z->avail_out == out0) {
				rc = fail(d, AUD_EFORMAT,
					  "gzip: decoder made no progress");
				break;
			}
			continue;
		}
		if ((rc = refill_more(d, "gzip stream")))
			break;
	}
	*got = n;
	return rc;
}

#ifdef AUD_HAVE_ISAL
/*
 * The ISA-L gzip path: the same members, errors and bytes as dec_gzip,
 * with ISA-L's faster inflate for the deflate data. zlib still reads each
 * member's header (inflate with Z_BLOCK stops right after it), so a bad
 * header gives zlib's own message; ISA-L then decodes the deflate data
 * alone (ISAL_GZIP_NO_HDR: it computes the CRC-32 but leaves the trailer),
 * and gz_trailer checks the trailer in zlib's order and words. What ISA-L
 * cannot say is which deflate rule corrupt data broke: it only has three
 * codes (see isal_msg).
 */

static const char *isal_msg(int r)
{
	switch (r) {
	case ISAL_INVALID_BLOCK:
		return "invalid block type or header";
	case ISAL_INVALID_SYMBOL:
		return "invalid literal/length or distance code";
	case ISAL_INVALID_LOOKBACK:
		return "invalid distance too far back";
	default:
		return "invalid data";
	}
}

/* After the deflate data: the 8-byte trailer (CRC-32 and size mod 2^32,
 * little-endian), checked as zlib does: the CRC as soon as its 4 bytes
 * are there, then the size. ISA-L reads ahead up to 8 bytes into its bit
 * buffer (read_in); past the bits of the last deflate byte, those are the
 * trailer's first bytes. */
static int gz_trailer(aud_decoder *d)
{
	struct inflate_state *st = d->isal;
	unsigned char t[8];
	unsigned bits = (unsigned)st->read_in_length, k = 0;
	uint64_t v;
	uint32_t crc, size;
	ptrdiff_t avail;
	size_t take;

	if (st->read_in_length < 0 || bits > 64 || st->tmp_in_size != 0)
		return fail(d, AUD_EFORMAT, "gzip: cannot place the trailer");
	v = bits % 8 ? st->read_in >> (bits % 8) : st->read_in;
	for (; k < bits / 8; k++)
		t[k] = (unsigned char)(v >> (8 * k));
	avail = need(d, 8 - k);
	if (avail < 0)
		return (int)avail;
	take = (size_t)avail < 8 - k ? (size_t)avail : 8 - k;
	memcpy(t + k, d->raw + d->pos, take);
	d->pos += take;
	k += (unsigned)take;
	if (k >= 4) {
		crc = (uint32_t)t[0] | (uint32_t)t[1] << 8 |
		      (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
		if (crc != st->crc)
			return fail(d, AUD_EFORMAT,
				    "gzip: incorrect data check");
	}
	if (k < 8)
		return fail(d, AUD_EFORMAT, "truncated gzip stream");
	size = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 |
	       (uint32_t)t[7] << 24;
	if (size != st->total_out)
		return fail(d, AUD_EFORMAT, "gzip: incorrect length check");
	d->isal_body = 0;
	d->z_between = 1;
	return 0;
}

/* ISA-L decodes ahead into its own tmp_out_buffer (at the start of each
 * member, and when the room it is given is small) and copies out what fits
 * in the room; when it finds a fault there, the decoded bytes that did not
 * fit are lost with the error, and fewer bytes than zlib's come out before
 * it. So ISA-L always gets at least that buffer's size of room: the
 * caller's buffer when it has that much left, else the stage, handed out
 * from there on this and the next reads. A fault found while the stage
 * holds bytes waits (isal_fault) until they are all handed out. */
static int dec_gzip_isal(aud_decoder *d, unsigned char *out, size_t cap,
			 size_t *got)
{
	struct inflate_state *st = d->isal;
	z_stream *z = &d->z;
	unsigned char *dst;
	size_t n = 0, k, room;
	uint32_t in0, out0;
	unsigned char none;
	int r, rc = 0, direct;

	while (n < cap && !d->done) {
		if (d->spos < d->slen) {
			k = d->slen - d->spos;
			if (k > cap - n)
				k = cap - n;
			memcpy(out + n, d->stage + d->spos, k);
			d->spos += k;
			n += k;
			continue;
		}
		if (d->isal_fault) {
			rc = fail(d, AUD_EFORMAT, "gzip: %s",
				  isal_msg(d->isal_fault));
			break;
		}
		if (d->z_between) {
			rc = gz_next_member(d);
			if (rc < 0)
				break;
			continue;
		}
		if (!d->isal_body) {
			/* The header, by zlib, with no room for output. */
			z->next_in = d->raw + d->pos;
			z->avail_in = in0 = (uInt)(d->len - d->pos);
			z->next_out = &none;
			z->avail_out = 0;
			r = inflate(z, Z_BLOCK);
			d->pos += in0 - z->avail_in;
			if (r == Z_DATA_ERROR) {
				rc = fail(d, AUD_EFORMAT, "gzip: %s",
					  z->msg ? z->msg : "invalid data");
				break;
			}
			if (r == Z_MEM_ERROR) {
				rc = fail(d, AUD_ENOMEM,
					  "out of memory in zlib");
				break;
			}
			if (r != Z_OK && r != Z_BUF_ERROR) {
				rc =
				    fail(d, AUD_EFORMAT, "gzip: %s", zError(r));
				break;
			}
			/* 128: before the first block, no bits held. */
			if (z->data_type == 128) {
				isal_inflate_reset(st);
				st->crc_flag = ISAL_GZIP_NO_HDR;
				d->isal_body = 1;
				d->isal_starved = 0;
				continue;
			}
			if (z->avail_in > 0) {
				rc = fail(d, AUD_EFORMAT,
					  "gzip: decoder made no progress");
				break;
			}
			d->isal_starved = 1; /* the refill below */
		} else if (st->block_state == ISAL_BLOCK_FINISH) {
			rc = gz_trailer(d);
			if (rc < 0)
				break;
			continue;
		} else if (!d->isal_starved || d->pos < d->len) {
			direct = cap - n >= STAGE_CAP;
			dst = direct ? out + n : d->stage;
			room = direct ? cap - n : STAGE_CAP;
			if (room > UINT32_MAX)
				room = UINT32_MAX;
			st->next_in = d->raw + d->pos;
			st->avail_in = in0 = (uint32_t)(d->len - d->pos);
			st->next_out = dst;
			st->avail_out = out0 = (uint32_t)room;
			r = isal_inflate(st);
			d->pos += in0 - st->avail_in;
			k = out0 - st->avail_out;
			if (direct)
				n += k;
			else
				d->spos = 0, d->slen = k;
			if (r < 0) {
				if (d->slen > 0) {
					d->isal_fault = r;
					continue;
				}
				rc = fail(d, AUD_EFORMAT, "gzip: %s",
					  isal_msg(r));
				break;
			}
			/* Room left over: ISA-L wants more input. */
			d->isal_starved = st->avail_out > 0 &&
					  st->block_state != ISAL_BLOCK_FINISH;
			if (d->isal_starved && k == 0 && in0 > 0 &&
			    st->avail_in == in0) {
				rc = fail(d, AUD_EFORMAT,
					  "gzip: decoder made no progress");
				break;
			}
			continue;
		}
		if ((rc = refill_more(d, "gzip stream")))
			break;
	}
	*got = n;
	return rc;
}
#endif

static int dec_zstd(aud_decoder *d, unsigned char *out, size_t cap, size_t *got)
{
	ZSTD_inBuffer in;
	ZSTD_outBuffer ob = {out, cap, 0};
	size_t zr, in0, out0;
	ptrdiff_t avail;
	int rc = 0;

	while (ob.pos < cap && !d->done) {
		if (d->pos == d->len && !d->zs_frame_open) {
			/* Between frames: more input or the clean end. */
			avail = refill(d);
			if (avail < 0) {
				rc = (int)avail;
				break;
			}
			if (avail == 0) {
				d->done = 1;
				break;
			}
		}
		in.src = d->raw;
		in.size = d->len;
		in.pos = in0 = d->pos;
		out0 = ob.pos;
		zr = ZSTD_decompressStream(d->zs, &ob, &in);
		d->pos = in.pos;
		if (ZSTD_isError(zr)) {
			if (ZSTD_getErrorCode(zr) ==
			    ZSTD_error_frameParameter_windowTooLarge)
				rc = fail(d, AUD_EFORMAT,
					  "zstd frame needs a window larger "
					  "than %u MiB (the limit)",
					  1u << (ZSTD_WLOG_MAX - 20));
			else
				rc = fail(d, AUD_EFORMAT, "zstd: %s",
					  ZSTD_getErrorName(zr));
			break;
		}
		/* 0: a frame ended and is fully flushed. */
		d->zs_frame_open = zr != 0;
		if (ob.pos == cap)
			break;
		if (in.pos < in.size) {
			if (in.pos == in0 && ob.pos == out0) {
				rc = fail(d, AUD_EFORMAT,
					  "zstd: decoder made no progress");
				break;
			}
			continue;
		}
		if (!d->zs_frame_open)
			continue; /* the top of the loop refills */
		/* Input used up, output not full: the frame needs more. */
		if ((rc = refill_more(d, "zstd frame")))
			break;
	}
	*got = ob.pos;
	return rc;
}

/* The bomb guard: records AUD_ELIMIT (reported from the next read on)
 * when decoded / consumed raw bytes passes the ratio. */
static void check_ratio(aud_decoder *d)
{
	uint64_t used = d->raw_bytes - (d->len - d->pos);

	if ((double)d->decoded <= d->ratio * (double)used)
		return;
	fail(d, AUD_ELIMIT,
	     "decompression ratio over %.15g:1 after %llu bytes (a "
	     "decompression bomb?); raise --max-ratio to read it",
	     d->ratio, (unsigned long long)d->decoded);
}

ptrdiff_t aud_decoder_read(aud_decoder *d, void *buf, size_t cap, aud_err *err)
{
	unsigned char *out = buf;
	size_t want, got = 0;
	uint64_t left = 0;
	int rc;

	if (d->ecode)
		return report(d, err);
	if (d->done || cap == 0)
		return 0;
	if (d->drained) {
		fail(d, AUD_EUSAGE, "read after aud_decoder_drain");
		return report(d, err);
	}
	if (cap > PTRDIFF_MAX)
		cap = PTRDIFF_MAX;
	want = cap;
	if (d->max) {
		/* Ask for one byte past the limit (there is room: cap > left)
		 * to learn whether the stream goes on beyond it. */
		left = d->decoded < d->max ? d->max - d->decoded : 0;
		if (left < cap)
			want = (size_t)left + 1;
	}
	switch (d->comp) {
	case AUD_COMP_GZIP:
#ifdef AUD_HAVE_ISAL
		if (d->isal) {
			rc = dec_gzip_isal(d, out, want, &got);
			break;
		}
#endif
		rc = dec_gzip(d, out, want, &got);
		break;
	case AUD_COMP_ZSTD:
		rc = dec_zstd(d, out, want, &got);
		break;
	default:
		rc = dec_plain(d, out, want, &got);
		break;
	}
	if (d->max && got > left) {
		got = (size_t)left;
		d->ecode = 0; /* the limit comes first */
		fail(d, AUD_ELIMIT,
		     "decoded size exceeds --max-decoded-bytes (%llu bytes)",
		     (unsigned long long)d->max);
	}
	d->decoded += got;
	if (d->ratio > 0 && d->decoded > AUD_DECODER_RATIO_AFTER)
		check_ratio(d);
	if (got > 0)
		return (ptrdiff_t)got;
	if (rc < 0 || d->ecode)
		return report(d, err);
	return 0;
}

int aud_decoder_drain(aud_decoder *d, aud_err *err)
{
	ssize_t r;

	/* Bytes already in the raw buffer were hashed when read. */
	d->pos = d->len = 0;
	while (!d->eof) {
		r = rawread(d, d->raw, RAW_CAP);
		if (r < 0 && d->ecode == AUD_EIO)
			return aud_err_set(err, AUD_EIO, "%s", d->emsg);
		if (r < 0)
			return aud_err_set(err, AUD_EIO, "read error: %s",
					   strerror(errno));
	}
	if (!d->done)
		d->drained = 1;
	return 0;
}

aud_compression aud_decoder_compression(const aud_decoder *d)
{
	return d->comp;
}

uint64_t aud_decoder_raw_bytes(const aud_decoder *d) { return d->raw_bytes; }

uint64_t aud_decoder_decoded_bytes(const aud_decoder *d) { return d->decoded; }

int64_t aud_decoder_file_size(const aud_decoder *d) { return d->fsize; }

const char *aud_decoder_changed(const aud_decoder *d)
{
	return d->changed[0] ? d->changed : NULL;
}

const char *aud_decoder_inflater(const aud_decoder *d)
{
	if (d->comp != AUD_COMP_GZIP)
		return NULL;
#ifdef AUD_HAVE_ISAL
	if (d->isal)
		return "isa-l";
#endif
	return "zlib";
}

void aud_decoder_sha256_hex(const aud_decoder *d, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	out[0] = '\0';
	/* Finish a copy so hashing can go on after the call. */
	if (c && EVP_MD_CTX_copy_ex(c, d->sha) == 1 &&
	    EVP_DigestFinal_ex(c, md, &n) == 1 && n == 32) {
		for (i = 0; i < n; i++) {
			out[2 * i] = hex[md[i] >> 4];
			out[2 * i + 1] = hex[md[i] & 15];
		}
		out[64] = '\0';
	}
	EVP_MD_CTX_free(c);
}

void aud_decoder_close(aud_decoder *d)
{
	if (!d)
		return;
	if (d->own_fd && d->fd >= 0)
		close(d->fd);
	if (d->z_init)
		inflateEnd(&d->z);
#ifdef AUD_HAVE_ISAL
	free(d->isal);
	free(d->stage);
#endif
	ZSTD_freeDStream(d->zs);
	EVP_MD_CTX_free(d->sha);
	free(d->raw);
	free(d);
}
