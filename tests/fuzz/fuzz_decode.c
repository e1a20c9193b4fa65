/*
 * fuzz_decode.c: libFuzzer harness for the decoders (auditor/decode.c):
 * gzip (multi-member), zstd (multi-frame) and plain pass-through, picked
 * by magic bytes. The input is written to a memfd and opened through
 * /proc/self/fd, so the real open/fstat/read path is used.
 *
 * Each input is decoded three times under a 1 MiB max_decoded_bytes: with
 * a 64 KiB buffer, with buffers of 1 to 13 bytes, and under a small limit
 * drawn from the input. The checks, any of which aborts:
 *   - both buffer sizes give the same bytes and the same final code
 *     (on a corrupt stream, the large buffer's bytes may be a prefix);
 *   - the small limit gives a prefix of those bytes, and AUD_ELIMIT
 *     (exactly at the limit) when there was more;
 *   - decoded_bytes counts what was handed out, never past the limit;
 *   - an error is sticky (the next read returns it again);
 *   - plain input comes out unchanged;
 *   - after aud_decoder_drain, raw_bytes and file_size are the input size
 *     and the SHA-256 equals OpenSSL's over the input;
 *   - gzip, in a build with ISA-L (run.sh adds it when libisal is
 *     installed): when zlib alone (gzip_zlib) decodes the input cleanly,
 *     the build's path gives the same bytes and a clean end; when zlib
 *     finds a fault, the build's path hands out at least zlib's bytes and
 *     ends with the same code, or cleanly: ISA-L may find a bad distance
 *     a little later, and accepts some malformed block headers that zlib
 *     refuses when the member's CRC-32 and length still match (see
 *     auditor/decode.c); the one exception, a member cut short, where
 *     ISA-L may stop up to one symbol (258 bytes) before zlib, the same
 *     bytes as far as it goes.
 */
#include "auditor/decode.h"

#include <openssl/sha.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define LIMIT (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One byte of slack: a read of cap 1 at the limit must have room. */
static unsigned char out1[LIMIT + 1], out2[LIMIT + 1], out3[LIMIT + 1],
    out4[LIMIT + 1];

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_decode: %s\n", what);
	abort();
}

typedef struct pass {
	size_t n; /* bytes handed out */
	int rc;	  /* 0 for a clean end, else the error code */
	aud_compression comp;
	int cut; /* the error is "truncated gzip stream" */
} pass;

/* Decodes the file at path into out (room for LIMIT + 1 bytes) with the
 * given limit; small != 0 reads with buffers of 1 to 13 bytes. */
static pass run(const char *path, const uint8_t *data, size_t size,
		uint64_t limit, int small, unsigned char *out, int zlib_only)
{
	aud_decoder_opts o;
	aud_decoder *d = NULL;
	aud_err err;
	pass p = {0, 0, AUD_COMP_PLAIN, 0};
	unsigned step = 0;
	ptrdiff_t r;
	char hex[65], want[65];
	unsigned char md[SHA256_DIGEST_LENGTH];
	int i;

	memset(&o, 0, sizeof o); /* new options default to off */
	o.max_decoded_bytes = limit;
	o.gzip_zlib = zlib_only;
	aud_err_clear(&err);
	if (aud_decoder_open(&d, path, &o, &err) != 0)
		fail("cannot open the memfd");
	p.comp = aud_decoder_compression(d);
	for (;;) {
		size_t cap = small ? 1 + step++ % 13 : 65536;

		if (cap > LIMIT + 1 - p.n)
			cap = LIMIT + 1 - p.n;
		r = aud_decoder_read(d, out + p.n, cap, &err);
		if (r == 0)
			break;
		if (r < 0) {
			ptrdiff_t again;

			p.rc = (int)r;
			p.cut = strcmp(err.msg, "truncated gzip stream") == 0;
			if (err.code != p.rc)
				fail("return code and err->code differ");
			again = aud_decoder_read(d, out, 16, &err);
			if (again != r)
				fail("an error was not sticky");
			break;
		}
		if ((size_t)r > cap)
			fail("read returned more than cap");
		p.n += (size_t)r;
	}
	if (aud_decoder_decoded_bytes(d) != p.n)
		fail("decoded_bytes differs from the bytes handed out");
	if (limit && p.n > limit)
		fail("handed out more than max_decoded_bytes");
	if (aud_decoder_drain(d, &err) != 0)
		fail("drain failed on a memfd");
	if (aud_decoder_raw_bytes(d) != size)
		fail("raw_bytes after drain is not the input size");
	if (aud_decoder_file_size(d) != (int64_t)size)
		fail("file_size is not the input size");
	aud_decoder_sha256_hex(d, hex);
	SHA256(data, size, md);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(want + 2 * i, 3, "%02x", md[i]);
	if (strcmp(hex, want) != 0)
		fail("SHA-256 differs from OpenSSL's");
	aud_decoder_close(d);
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd;
	size_t off = 0;
	uint64_t small_limit = 1;
	pass a, b, c, z;
	int corrupt;

	fd = memfd_create("fuzz_decode", MFD_CLOEXEC);
	if (fd < 0)
		fail("memfd_create");
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);

		if (w <= 0)
			fail("write to memfd");
		off += (size_t)w;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);

	a = run(path, data, size, LIMIT, 0, out1, 0);
	b = run(path, data, size, LIMIT, 1, out2, 0);
	/* A corrupt zstd frame is found at its end (the checksum): read
	 * through small buffers its bytes have already come out, while a
	 * buffer that holds the whole frame gets none of them. And what
	 * zstd flushed in the call that fails is not handed out, which can
	 * leave either run a few bytes shorter (a 65,538-byte RLE block
	 * before a bad one: 65,536 bytes through the large buffer, 65,535
	 * through small ones). So on AUD_EFORMAT the two need only agree
	 * on the bytes both handed out. */
	corrupt = b.rc == AUD_EFORMAT;
	if (a.comp != b.comp || a.rc != b.rc ||
	    (!corrupt && a.n != b.n) ||
	    memcmp(out1, out2, a.n < b.n ? a.n : b.n) != 0)
		fail("small buffers decode differently from large ones");
	if (a.comp == AUD_COMP_PLAIN && a.rc == 0 &&
	    (a.n != size || memcmp(out1, data, size) != 0))
		fail("plain input did not pass through unchanged");

	for (off = 0; off < size && off < 8; off++)
		small_limit = small_limit * 131 + data[off];
	small_limit = 1 + small_limit % 8192;
	c = run(path, data, size, small_limit, 0, out3, 0);
	if ((!corrupt && c.n > b.n) ||
	    memcmp(out2, out3, c.n < b.n ? c.n : b.n) != 0)
		fail("a smaller limit gave other bytes");
	if (c.rc == AUD_ELIMIT && c.n != small_limit)
		fail("AUD_ELIMIT before the limit was reached");
	if (c.rc != AUD_ELIMIT && (c.rc != b.rc || (!corrupt && c.n != b.n)))
		fail("a limit that was not reached changed the result");
	if (!corrupt && b.n > small_limit && c.rc != AUD_ELIMIT)
		fail("passing a small limit was not AUD_ELIMIT");

	if (a.comp == AUD_COMP_GZIP) {
		z = run(path, data, size, LIMIT, 0, out4, 1);
		if (z.rc == 0 && (a.rc != 0 || a.n != z.n ||
				  memcmp(out1, out4, z.n) != 0))
			fail("the build's gzip path differs from zlib's on "
			     "good input");
		if (z.rc != 0 && a.rc != 0 && a.rc != AUD_ELIMIT &&
		    a.rc != z.rc)
			fail("the build's gzip path and zlib's end with "
			     "other codes");
		/* At a cut the build's path may stop one symbol (at most
		 * 258 bytes) short of zlib: see auditor/decode.c. */
		if (a.n + (a.cut && z.cut ? 258 : 0) < z.n ||
		    memcmp(out1, out4, a.n < z.n ? a.n : z.n) != 0)
			fail("the build's gzip path gave fewer or other "
			     "bytes than zlib's");
	}
	close(fd);
	return 0;
}
