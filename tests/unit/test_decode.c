/*
 * test_decode.c: the streaming decoder against data made here: a
 * deterministic 3 MB text payload, compressed in the test with zlib's
 * deflate (gzip wrapper) and libzstd, and by the gzip and zstd programs
 * when they are installed. Hand-built zstd frames (RFC 8878) check the
 * window limit and skippable frames. SHA-256 is checked against a published
 * test vector, EVP one-shot digests and sha256sum(1).
 */
#include "auditor/decode.h"

#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>
#include <zstd.h>

static char dir[64];
static unsigned char *pay; /* the payload */
static size_t paylen;
static int bytewise; /* read even big files 1 byte at a time */

/* --- helpers -------------------------------------------------------- */

static const char *tpath(const char *name)
{
	static char p[8][256];
	static int i;

	i = (i + 1) % 8;
	snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
	return p[i];
}

static void put(const char *name, const void *data, size_t n, const char *mode)
{
	FILE *f = fopen(tpath(name), mode);

	if (!f) {
		perror(name);
		exit(2);
	}
	if (n && fwrite(data, 1, n, f) != n) {
		perror(name);
		exit(2);
	}
	fclose(f);
}

static unsigned char *slurp(const char *name, size_t *n)
{
	FILE *f = fopen(tpath(name), "rb");
	unsigned char *p;
	long sz;

	if (!f) {
		perror(name);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)sz + 1);
	if (!p || fread(p, 1, (size_t)sz, f) != (size_t)sz)
		exit(2);
	fclose(f);
	*n = (size_t)sz;
	return p;
}

static void hexof(const void *data, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int ml = 0, i;

	EVP_Digest(data, n, md, &ml, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

static void filehex(const char *name, char out[65])
{
	size_t n;
	unsigned char *p = slurp(name, &n);

	hexof(p, n, out);
	free(p);
}

static int have(const char *prog)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

/* sha256sum's hex for a test file; "" when the tool is missing. */
static void sumhex(const char *name, char out[65])
{
	char cmd[512];
	FILE *p;

	out[0] = '\0';
	if (!have("sha256sum"))
		return;
	snprintf(cmd, sizeof cmd, "sha256sum '%s'", tpath(name));
	p = popen(cmd, "r");
	if (!p)
		return;
	if (fread(out, 1, 64, p) != 64)
		out[0] = '\0';
	else
		out[64] = '\0';
	pclose(p);
}

static int run(const char *fmt, const char *a, const char *b)
{
	char cmd[1024];

	snprintf(cmd, sizeof cmd, fmt, a, b);
	return system(cmd);
}

/* gzip member of data via deflate with the gzip wrapper (windowBits 31). */
static unsigned char *gz(const void *data, size_t n, size_t *outn)
{
	z_stream z;
	unsigned char *o;
	size_t cap;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		exit(2);
	cap = deflateBound(&z, (uLong)n);
	o = malloc(cap);
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)n;
	z.next_out = o;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		exit(2);
	*outn = cap - z.avail_out;
	deflateEnd(&z);
	return o;
}

static unsigned char *zst(const void *data, size_t n, int checksum,
			  size_t *outn)
{
	size_t cap = ZSTD_compressBound(n), r;
	unsigned char *o = malloc(cap);
	ZSTD_CCtx *c = ZSTD_createCCtx();

	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, checksum);
	r = ZSTD_compress2(c, o, cap, data, n);
	if (ZSTD_isError(r))
		exit(2);
	ZSTD_freeCCtx(c);
	*outn = r;
	return o;
}

/* A zstd skippable frame (magic 0x184D2A5x) holding n bytes of junk. */
static void put_skippable(const char *name, unsigned nibble, size_t n,
			  const char *mode)
{
	unsigned char h[8] = {(unsigned char)(0x50 | nibble), 0x2a, 0x4d, 0x18};
	unsigned char *junk = malloc(n + 8);

	h[4] = (unsigned char)n;
	h[5] = (unsigned char)(n >> 8);
	h[6] = (unsigned char)(n >> 16);
	h[7] = (unsigned char)(n >> 24);
	memcpy(junk, h, 8);
	memset(junk + 8, 0xA5, n);
	put(name, junk, n + 8, mode);
	free(junk);
}

typedef struct result {
	unsigned char *p;
	size_t n;
	ptrdiff_t rc; /* last return: 0 or an error code */
	aud_err err;
	aud_compression comp;
	uint64_t raw, dec;
	int64_t fsize;
	char hex[65];
} result;

/* Opens name, reads to the end or the first error with reads of bs
 * bytes, checks that the error is sticky, and fills r. */
static void decode(const char *path, size_t bs, uint64_t max, result *r)
{
	aud_decoder_opts o = {.max_decoded_bytes = max};
	aud_decoder *d = NULL;
	unsigned char *buf = malloc(bs);
	size_t cap = 1 << 20;
	ptrdiff_t k;
	aud_err e2;
	int over = 0;

	memset(r, 0, sizeof *r);
	r->p = malloc(cap);
	aud_err_clear(&r->err);
	if (aud_decoder_open(&d, path, &o, &r->err) != 0) {
		r->rc = r->err.code;
		free(buf);
		return;
	}
	for (;;) {
		k = aud_decoder_read(d, buf, bs, &r->err);
		if (k <= 0)
			break;
		over |= (size_t)k > bs;
		if (r->n + (size_t)k > cap) {
			cap *= 2;
			r->p = realloc(r->p, cap);
		}
		memcpy(r->p + r->n, buf, (size_t)k);
		r->n += (size_t)k;
	}
	r->rc = k;
	CHECK(!over);
	if (k < 0) {
		/* Sticky: same code, message and place again. */
		aud_err_clear(&e2);
		CHECK_EQ_INT(aud_decoder_read(d, buf, bs, &e2), k);
		CHECK_EQ_INT(e2.offset, r->err.offset);
		CHECK_STR(e2.msg, r->err.msg);
	} else {
		CHECK_EQ_INT(aud_decoder_read(d, buf, bs, &e2), 0);
	}
	r->comp = aud_decoder_compression(d);
	r->raw = aud_decoder_raw_bytes(d);
	r->dec = aud_decoder_decoded_bytes(d);
	r->fsize = aud_decoder_file_size(d);
	aud_decoder_sha256_hex(d, r->hex);
	aud_decoder_close(d);
	free(buf);
}

static void done(result *r)
{
	free(r->p);
	r->p = NULL;
}

/* Decodes name whole with several read sizes; expects exp[0..n). */
static void expect_ok(const char *name, const void *exp, size_t n,
		      aud_compression comp)
{
	static const size_t sizes[] = {64 * 1024, 7, 1, 1 << 20};
	char want[65], sum[65];
	struct stat st;
	result r;
	size_t i;

	filehex(name, want);
	sumhex(name, sum);
	stat(tpath(name), &st);
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		/* 1-byte reads are slow by design: for big files only
		 * when asked, to keep the test fast under sanitizers. */
		if (sizes[i] == 1 && n > 400000 && !bytewise)
			continue;
		decode(tpath(name), sizes[i], 0, &r);
		CHECK_EQ_INT(r.rc, 0);
		CHECK_EQ_INT(r.n, n);
		CHECK(r.n == n && memcmp(r.p, exp, n) == 0);
		CHECK_EQ_INT(r.comp, comp);
		CHECK_EQ_INT(r.dec, n);
		CHECK_EQ_INT(r.raw, st.st_size);
		CHECK_EQ_INT(r.fsize, st.st_size);
		CHECK_STR(r.hex, want);
		if (sum[0])
			CHECK_STR(r.hex, sum);
		if (r.rc)
			fprintf(stderr, "  %s (bs %zu): %s\n", name, sizes[i],
				r.err.msg);
		done(&r);
	}
}

/* Deterministic text lines: varied words, numbers, some UTF-8. */
static void make_payload(size_t want)
{
	static const char *w[] = {"alpha",     "Bravo", "charlie@example.org",
				  "delta",     "écho",	"foxtrot,\"golf\"",
				  "{\"k\":1}", "hotel", "India 555-0100",
				  "juliett",   "kilo",	"lima\tmike"};
	uint32_t s = 12345;
	size_t n = 0, line = 0;

	pay = malloc(want + 128);
	while (n < want) {
		int words = 0;

		n += (size_t)sprintf((char *)pay + n, "%zu:", ++line);
		while (words++ < 12 && n < want) {
			s = s * 1103515245u + 12345u;
			n +=
			    (size_t)sprintf((char *)pay + n, " %s%u",
					    w[(s >> 16) % 12], (s >> 8) % 1000);
		}
		pay[n++] = '\n';
	}
	paylen = n;
}

/* --- tests ---------------------------------------------------------- */

static void test_sha_vector(void)
{
	result r;

	put("abc", "abc", 3, "wb");
	decode(tpath("abc"), 64, 0, &r);
	CHECK_EQ_INT(r.rc, 0);
	CHECK_MEM_STR(r.p, r.n, "abc");
	CHECK_EQ_INT(r.comp, AUD_COMP_PLAIN);
	CHECK_EQ_INT(r.raw, 3);
	CHECK_EQ_INT(r.fsize, 3);
	/* FIPS 180-2, appendix B.1. */
	CHECK_STR(r.hex, "ba7816bf8f01cfea414140de5dae2223"
			 "b00361a396177a9cb410ff61f20015ad");
	done(&r);
}

static void test_empty(void)
{
	result r;

	put("empty", "", 0, "wb");
	decode(tpath("empty"), 64, 0, &r);
	CHECK_EQ_INT(r.rc, 0);
	CHECK_EQ_INT(r.n, 0);
	CHECK_EQ_INT(r.comp, AUD_COMP_PLAIN);
	CHECK_EQ_INT(r.raw, 0);
	CHECK_EQ_INT(r.fsize, 0);
	/* SHA-256 of the empty string (FIPS 180 examples). */
	CHECK_STR(r.hex, "e3b0c44298fc1c149afbf4c8996fb924"
			 "27ae41e4649b934ca495991b7852b855");
	done(&r);

	/* Short plain files shorter than any magic. */
	put("one", "\x1f", 1, "wb");
	decode(tpath("one"), 64, 0, &r);
	CHECK_EQ_INT(r.rc, 0);
	CHECK_MEM_STR(r.p, r.n, "\x1f");
	CHECK_EQ_INT(r.comp, AUD_COMP_PLAIN);
	done(&r);
	put("three", "(\xb5/", 3, "wb");
	decode(tpath("three"), 64, 0, &r);
	CHECK_EQ_INT(r.rc, 0);
	CHECK_MEM_STR(r.p, r.n, "(\xb5/");
	CHECK_EQ_INT(r.comp, AUD_COMP_PLAIN);
	done(&r);
}

static void test_plain(void)
{
	put("plain.txt", pay, paylen, "wb");
	bytewise = 1;
	expect_ok("plain.txt", pay, paylen, AUD_COMP_PLAIN);
	bytewise = 0;

	/* A name that says gzip does not make it gzip. */
	put("fake.gz", "hello\n", 6, "wb");
	expect_ok("fake.gz", "hello\n", 6, AUD_COMP_PLAIN);
}

static void test_gzip(void)
{
	size_t n1, n2, cut = paylen / 3 + 17;
	unsigned char *a = gz(pay, paylen, &n1), *b;

	put("one.gz", a, n1, "wb");
	bytewise = 1;
	expect_ok("one.gz", pay, paylen, AUD_COMP_GZIP);
	bytewise = 0;
	free(a);

	/* Two members: decoded is the concatenation. */
	a = gz(pay, cut, &n1);
	b = gz(pay + cut, paylen - cut, &n2);
	put("two.gz", a, n1, "wb");
	put("two.gz", b, n2, "ab");
	expect_ok("two.gz", pay, paylen, AUD_COMP_GZIP);
	free(b);

	/* Many small members, and an empty member in the middle. */
	b = gz("", 0, &n2);
	put("many.gz", a, n1, "wb");
	put("many.gz", b, n2, "ab");
	free(a);
	free(b);
	for (cut = 0; cut < 200; cut++) {
		a = gz("x\n", 2, &n1);
		put("many.gz", a, n1, "ab");
		free(a);
	}
	{
		size_t n = paylen / 3 + 17 + 400;
		unsigned char *exp = malloc(n);

		memcpy(exp, pay, paylen / 3 + 17);
		for (cut = 0; cut < 200; cut++)
			memcpy(exp + paylen / 3 + 17 + 2 * cut, "x\n", 2);
		expect_ok("many.gz", exp, n, AUD_COMP_GZIP);
		free(exp);
	}
}

static void test_gzip_cli(void)
{
	if (!have("gzip")) {
		fprintf(stderr, "  skip: no gzip program\n");
		return;
	}
	put("plain.txt", pay, paylen, "wb");
	put("head.txt", pay, 1000, "wb");
	CHECK_EQ_INT(
	    run("gzip -c -n '%s' > '%s'", tpath("plain.txt"), tpath("cli.gz")),
	    0);
	expect_ok("cli.gz", pay, paylen, AUD_COMP_GZIP);
	CHECK_EQ_INT(
	    run("gzip -9 -c '%s' >> '%s'", tpath("head.txt"), tpath("cli.gz")),
	    0);
	{
		unsigned char *exp = malloc(paylen + 1000);

		memcpy(exp, pay, paylen);
		memcpy(exp + paylen, pay, 1000);
		expect_ok("cli.gz", exp, paylen + 1000, AUD_COMP_GZIP);
		free(exp);
	}
}

static void test_zstd(void)
{
	size_t n1, n2, n3, c1 = 100003, c2 = paylen / 2;
	unsigned char *a = zst(pay, paylen, 0, &n1), *b, *c;

	put("one.zst", a, n1, "wb");
	bytewise = 1;
	expect_ok("one.zst", pay, paylen, AUD_COMP_ZSTD);
	bytewise = 0;
	free(a);

	/* Three frames, one with a checksum. */
	a = zst(pay, c1, 0, &n1);
	b = zst(pay + c1, c2 - c1, 1, &n2);
	c = zst(pay + c2, paylen - c2, 0, &n3);
	put("three.zst", a, n1, "wb");
	put("three.zst", b, n2, "ab");
	put("three.zst", c, n3, "ab");
	expect_ok("three.zst", pay, paylen, AUD_COMP_ZSTD);

	/* Skippable frames first, between and last. */
	put_skippable("skip.zst", 0, 100, "wb");
	put("skip.zst", a, n1, "ab");
	put_skippable("skip.zst", 0xf, 300000, "ab");
	put("skip.zst", b, n2, "ab");
	put("skip.zst", c, n3, "ab");
	put_skippable("skip.zst", 7, 0, "ab");
	expect_ok("skip.zst", pay, paylen, AUD_COMP_ZSTD);

	/* A file with only a skippable frame is zstd with no content. */
	put_skippable("onlyskip.zst", 3, 10, "wb");
	expect_ok("onlyskip.zst", "", 0, AUD_COMP_ZSTD);
	free(a);
	free(b);
	free(c);
}

static void test_zstd_cli(void)
{
	if (!have("zstd")) {
		fprintf(stderr, "  skip: no zstd program\n");
		return;
	}
	put("plain.txt", pay, paylen, "wb");
	put("head.txt", pay, 1000, "wb");
	CHECK_EQ_INT(
	    run("zstd -q -c '%s' > '%s'", tpath("plain.txt"), tpath("cli.zst")),
	    0);
	expect_ok("cli.zst", pay, paylen, AUD_COMP_ZSTD);
	CHECK_EQ_INT(run("zstd -q -19 -c '%s' >> '%s'", tpath("head.txt"),
			 tpath("cli.zst")),
		     0);
	{
		unsigned char *exp = malloc(paylen + 1000);

		memcpy(exp, pay, paylen);
		memcpy(exp + paylen, pay, 1000);
		expect_ok("cli.zst", exp, paylen + 1000, AUD_COMP_ZSTD);
		free(exp);
	}
}

/* Frames built by hand from RFC 8878: descriptor 0x00 (no content size,
 * not single segment, no checksum, no dictionary), a window descriptor,
 * then one last raw block of "abc" (header (3 << 3) | 1 = 0x19). */
static void test_zstd_window(void)
{
	unsigned char f[] = {0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x88,
			     0x19, 0x00, 0x00, 'a',  'b',  'c'};
	result r;

	/* Exponent 17: window 2^27 = 128 MiB, the limit: accepted. */
	put("w27.zst", f, sizeof f, "wb");
	expect_ok("w27.zst", "abc", 3, AUD_COMP_ZSTD);

	/* Exponent 18: window 2^28: refused. */
	f[5] = 0x90;
	put("w28.zst", f, sizeof f, "wb");
	decode(tpath("w28.zst"), 64, 0, &r);
	CHECK_EQ_INT(r.rc, AUD_EFORMAT);
	CHECK_EQ_INT(r.n, 0);
	CHECK_EQ_INT(r.err.offset, 0);
	CHECK(strstr(r.err.msg, "window") != NULL);
	CHECK(strstr(r.err.msg, "128 MiB") != NULL);
	done(&r);
}

/* Decodes a damaged file; expects code with msg_part, a returned prefix
 * of the payload (when prefix), and err.offset == bytes returned. */
static void expect_fail(const char *name, size_t bs, int code,
			const char *msg_part, int prefix)
{
	result r;

	decode(tpath(name), bs, 0, &r);
	CHECK_EQ_INT(r.rc, code);
	CHECK_EQ_INT(r.err.offset, r.n);
	CHECK_EQ_INT(r.dec, r.n);
	if (prefix)
		CHECK(r.n <= paylen && memcmp(r.p, pay, r.n) == 0);
	if (msg_part && !strstr(r.err.msg, msg_part)) {
		CHECK(!"message");
		fprintf(stderr, "  %s: '%s' lacks '%s'\n", name, r.err.msg,
			msg_part);
	}
	done(&r);
}

static void test_gzip_truncated(void)
{
	size_t n, i;
	unsigned char *a = gz(pay, paylen, &n);
	const size_t cuts[] = {2, 5, 12, 100, n / 2, n - 9, n - 1};
	result r;

	for (i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		put("trunc.gz", a, cuts[i], "wb");
		expect_fail("trunc.gz", 64 * 1024, AUD_EFORMAT,
			    "truncated gzip stream", 1);
		expect_fail("trunc.gz", 7, AUD_EFORMAT, "truncated gzip stream",
			    1);
	}
	/* A cut in the middle still hands out a good part first. */
	put("trunc.gz", a, n / 2, "wb");
	decode(tpath("trunc.gz"), 4096, 0, &r);
	CHECK(r.n > paylen / 4);
	done(&r);
	/* Cut before the 8-byte trailer: every byte came out first. */
	put("trunc.gz", a, n - 8, "wb");
	decode(tpath("trunc.gz"), 4096, 0, &r);
	CHECK_EQ_INT(r.n, paylen);
	CHECK_EQ_INT(r.rc, AUD_EFORMAT);
	done(&r);

	/* A bad CRC in the trailer is zlib's data error. */
	a[n - 8] ^= 0xff;
	put("crc.gz", a, n, "wb");
	expect_fail("crc.gz", 65536, AUD_EFORMAT, "incorrect data check", 1);
	/* Corrupt deflate data: an error, never a crash. */
	a[n - 8] ^= 0xff;
	memset(a + n / 2, 0xff, 64);
	put("bad.gz", a, n, "wb");
	expect_fail("bad.gz", 65536, AUD_EFORMAT, "gzip: ", 0);
	free(a);
}

static void test_gzip_trailing(void)
{
	size_t n;
	unsigned char *a = gz(pay, 5000, &n);
	unsigned char zeros[1000] = {0};

	put("garb.gz", a, n, "wb");
	put("garb.gz", "garbage!", 8, "ab");
	expect_fail("garb.gz", 65536, AUD_EFORMAT,
		    "trailing garbage after gzip member", 1);
	{
		result r;

		decode(tpath("garb.gz"), 1000, 0, &r);
		CHECK_EQ_INT(r.n, 5000); /* all good bytes came first */
		CHECK_EQ_INT(r.err.offset, 5000);
		done(&r);
	}
	/* 0x1f then not 0x8b is garbage too. */
	put("garb2.gz", a, n, "wb");
	put("garb2.gz", "\x1f\x00zz", 4, "ab");
	expect_fail("garb2.gz", 65536, AUD_EFORMAT, "trailing garbage", 1);

	/* Zero padding to the end is accepted (documented choice)... */
	put("pad.gz", a, n, "wb");
	put("pad.gz", zeros, sizeof zeros, "ab");
	expect_ok("pad.gz", pay, 5000, AUD_COMP_GZIP);
	/* ...but not when something follows it. */
	put("pad.gz", "x", 1, "ab");
	expect_fail("pad.gz", 65536, AUD_EFORMAT, "trailing garbage", 1);
	free(a);
}

static void test_zstd_damaged(void)
{
	size_t n, i, c1 = 200000, n1, n2;
	unsigned char *a = zst(pay, paylen, 1, &n), *b;
	/* Shorter than 4 bytes it is not zstd at all (test_empty). */
	const size_t cuts[] = {4, 6, 100, n / 2, n - 4, n - 1};
	result r;

	for (i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		put("trunc.zst", a, cuts[i], "wb");
		expect_fail("trunc.zst", 64 * 1024, AUD_EFORMAT,
			    "truncated zstd frame", 1);
		expect_fail("trunc.zst", 7, AUD_EFORMAT, "truncated zstd frame",
			    1);
	}
	/* Cut after the first of two frames, mid-frame of the second. */
	free(a);
	a = zst(pay, c1, 0, &n1);
	b = zst(pay + c1, paylen - c1, 0, &n2);
	put("trunc2.zst", a, n1, "wb");
	put("trunc2.zst", b, n2 / 2, "ab");
	decode(tpath("trunc2.zst"), 65536, 0, &r);
	CHECK_EQ_INT(r.rc, AUD_EFORMAT);
	CHECK(r.n >= c1 && memcmp(r.p, pay, r.n) == 0);
	CHECK_EQ_INT(r.err.offset, r.n);
	done(&r);
	/* Garbage after a whole frame. */
	put("garb.zst", a, n1, "wb");
	put("garb.zst", "garbage!", 8, "ab");
	expect_fail("garb.zst", 65536, AUD_EFORMAT, "zstd", 1);
	decode(tpath("garb.zst"), 65536, 0, &r);
	CHECK_EQ_INT(r.n, c1);
	done(&r);
	free(a);
	free(b);

	/* Flipped bytes in the middle of a checksummed frame. */
	a = zst(pay, paylen, 1, &n);
	for (i = n / 2; i < n / 2 + 16; i++)
		a[i] ^= 0x5a;
	put("bad.zst", a, n, "wb");
	expect_fail("bad.zst", 65536, AUD_EFORMAT, "zstd: ", 0);
	expect_fail("bad.zst", 7, AUD_EFORMAT, "zstd: ", 0);
	free(a);
}

static void test_limit(void)
{
	const char *names[] = {"plain.txt", "one.gz", "one.zst"};
	const size_t bss[] = {65536, 7, 1 << 20};
	size_t i, j;
	result r;

	for (i = 0; i < 3; i++) {
		for (j = 0; j < 3; j++) {
			decode(tpath(names[i]), bss[j], 100000, &r);
			CHECK_EQ_INT(r.rc, AUD_ELIMIT);
			CHECK_EQ_INT(r.n, 100000);
			CHECK(memcmp(r.p, pay, 100000) == 0);
			CHECK_EQ_INT(r.err.offset, 100000);
			CHECK_STR(r.err.msg, "decoded size exceeds "
					     "--max-decoded-bytes (100000 "
					     "bytes)");
			done(&r);
		}
		/* Exactly the size: a clean end. One less: the limit. */
		decode(tpath(names[i]), 65536, paylen, &r);
		CHECK_EQ_INT(r.rc, 0);
		CHECK_EQ_INT(r.n, paylen);
		done(&r);
		decode(tpath(names[i]), 65536, paylen - 1, &r);
		CHECK_EQ_INT(r.rc, AUD_ELIMIT);
		CHECK_EQ_INT(r.n, paylen - 1);
		done(&r);
	}
}

/* 200 MB of zeros deflated here: the limit stops it at 10 MB. */
static void test_bomb(void)
{
	static unsigned char zin[1 << 20], zout[1 << 16];
	z_stream z;
	FILE *f = fopen(tpath("bomb.gz"), "wb");
	result r;
	size_t i;
	int zr;

	memset(&z, 0, sizeof z);
	deflateInit2(&z, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	for (i = 0; i < 200; i++) {
		z.next_in = zin;
		z.avail_in = sizeof zin;
		do {
			z.next_out = zout;
			z.avail_out = sizeof zout;
			zr = deflate(&z, i == 199 ? Z_FINISH : Z_NO_FLUSH);
			fwrite(zout, 1, sizeof zout - z.avail_out, f);
		} while (z.avail_out == 0);
	}
	CHECK_EQ_INT(zr, Z_STREAM_END);
	deflateEnd(&z);
	fclose(f);

	decode(tpath("bomb.gz"), 65536, 10u << 20, &r);
	CHECK_EQ_INT(r.rc, AUD_ELIMIT);
	CHECK_EQ_INT(r.n, 10u << 20);
	CHECK_EQ_INT(r.err.offset, 10u << 20);
	for (i = 0; i < r.n && r.p[i] == 0; i++)
		;
	CHECK_EQ_INT(i, r.n);
	done(&r);
}

/* --- the ratio guard ------------------------------------------------ */

/* Writes `times` copies of one compressed member/frame of 64 MiB of zeros
 * (gzip at level 6 is ~1028:1, deflate's ceiling is ~1032:1; zstd far
 * more), so multi-gigabyte bombs cost the test only a few MB on disk. */
static void put_zeros(const char *name, int zstd, unsigned times)
{
	size_t zn = 64u << 20, n;
	unsigned char *z = calloc(1, zn), *c;
	unsigned i;

	c = zstd ? zst(z, zn, 0, &n) : gz(z, zn, &n);
	put(name, c, n, "wb");
	for (i = 1; i < times; i++)
		put(name, c, n, "ab");
	free(c);
	free(z);
}

/* Reads path to the end or the first error, 1 MiB at a time, keeping no
 * output; checks that all bytes were zeros and that an error is sticky. */
static ptrdiff_t ratio_read(const char *path, double ratio, uint64_t *dec,
			    aud_err *err)
{
	aud_decoder_opts o = {.max_ratio = ratio};
	aud_decoder *d = NULL;
	size_t bs = 1u << 20, i;
	unsigned char *buf = malloc(bs);
	ptrdiff_t k;
	int nonzero = 0;
	aud_err e2;

	aud_err_clear(err);
	*dec = 0;
	if (aud_decoder_open(&d, path, &o, err) != 0) {
		free(buf);
		return err->code;
	}
	while ((k = aud_decoder_read(d, buf, bs, err)) > 0)
		for (i = 0; i < (size_t)k; i++)
			nonzero |= buf[i];
	CHECK(!nonzero);
	*dec = aud_decoder_decoded_bytes(d);
	if (k < 0) {
		aud_err_clear(&e2);
		CHECK_EQ_INT(aud_decoder_read(d, buf, bs, &e2), k);
		CHECK_STR(e2.msg, err->msg);
	}
	aud_decoder_close(d);
	free(buf);
	return k;
}

static void test_ratio(void)
{
	const uint64_t gib = 1ull << 30, mib = 1u << 20;
	char want[200];
	uint64_t dec;
	aud_err e;
	ptrdiff_t k;
	int fd;

	/* 17 x 64 MiB = 1088 MiB at ~1028:1: over 1000:1 once past 1 GiB.
	 * The check follows each 1 MiB read, so it stops within 1 MiB. */
	put_zeros("r17.gz", 0, 17);
	k = ratio_read(tpath("r17.gz"), 1000, &dec, &e);
	CHECK_EQ_INT(k, AUD_ELIMIT);
	CHECK(dec > gib && dec <= gib + mib);
	CHECK_EQ_INT(e.offset, dec);
	snprintf(want, sizeof want,
		 "decompression ratio over 1000:1 after %llu bytes (a "
		 "decompression bomb?); raise --max-ratio to read it",
		 (unsigned long long)dec);
	CHECK_STR(e.msg, want);
	/* zstd: the same stop, a fractional limit printed as given. */
	put_zeros("r17.zst", 1, 17);
	k = ratio_read(tpath("r17.zst"), 1500.5, &dec, &e);
	CHECK_EQ_INT(k, AUD_ELIMIT);
	CHECK(dec > gib && dec <= gib + mib);
	snprintf(want, sizeof want,
		 "decompression ratio over 1500.5:1 after %llu bytes (a "
		 "decompression bomb?); raise --max-ratio to read it",
		 (unsigned long long)dec);
	CHECK_STR(e.msg, want);

	/* Under 1 GiB nothing is checked, whatever the ratio. */
	put_zeros("r15.zst", 1, 15);
	k = ratio_read(tpath("r15.zst"), 2.5, &dec, &e);
	CHECK_EQ_INT(k, 0);
	CHECK_EQ_INT(dec, 15 * 64 * mib);

	/* Plain input is 1:1, so even a limit of 1 never stops it (a sparse
	 * file: 1 GiB + 1 MiB of zeros that take no disk). This also shows a
	 * ratio under the limit past 1 GiB reads to the end. */
	fd = open(tpath("sparse.bin"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && ftruncate(fd, (off_t)(gib + mib)) == 0);
	close(fd);
	k = ratio_read(tpath("sparse.bin"), 1, &dec, &e);
	CHECK_EQ_INT(k, 0);
	CHECK_EQ_INT(dec, gib + mib);
}

/* --- files that change while being read ------------------------------ */

/* Reads d to the end or an error in reads of bs; returns the last return
 * and adds the bytes to *n. */
static ptrdiff_t read_rest(aud_decoder *d, size_t bs, size_t *n,
			   aud_err *err)
{
	unsigned char *buf = malloc(bs);
	ptrdiff_t k;

	while ((k = aud_decoder_read(d, buf, bs, err)) > 0)
		*n += (size_t)k;
	free(buf);
	return k;
}

static void test_changing(void)
{
	static const struct timespec old[2] = {{1000000000, 0},
					       {1000000000, 0}};
	aud_decoder *d = NULL;
	unsigned char buf[100];
	char hex[65], want[65];
	size_t n;
	aud_err e;
	int fd;

	/* Growth: only the 1000 bytes there at open are read and hashed. */
	put("grow.txt", pay, 1000, "wb");
	aud_err_clear(&e);
	CHECK_EQ_INT(aud_decoder_open(&d, tpath("grow.txt"), NULL, &e), 0);
	CHECK_EQ_INT(aud_decoder_read(d, buf, sizeof buf, &e), 100);
	CHECK(aud_decoder_changed(d) == NULL);
	put("grow.txt", pay + 1000, 500, "ab");
	n = 100;
	CHECK_EQ_INT(read_rest(d, 4096, &n, &e), 0);
	CHECK_EQ_INT(n, 1000);
	CHECK_EQ_INT(aud_decoder_raw_bytes(d), 1000);
	CHECK(aud_decoder_changed(d) != NULL);
	if (aud_decoder_changed(d))
		CHECK_STR(aud_decoder_changed(d),
			  "file grew while being read (1500 bytes now): "
			  "scanned the 1000 bytes it had when opened");
	aud_decoder_sha256_hex(d, hex);
	hexof(pay, 1000, want);
	CHECK_STR(hex, want);
	aud_decoder_close(d);

	/* Unchanged: NULL at the end too. */
	CHECK_EQ_INT(aud_decoder_open(&d, tpath("grow.txt"), NULL, &e), 0);
	n = 0;
	CHECK_EQ_INT(read_rest(d, 4096, &n, &e), 0);
	CHECK_EQ_INT(n, 1500);
	CHECK(aud_decoder_changed(d) == NULL);
	aud_decoder_close(d);

	/* Rewritten in place, same size, other mtime. */
	CHECK_EQ_INT(aud_decoder_open(&d, tpath("grow.txt"), NULL, &e), 0);
	CHECK_EQ_INT(aud_decoder_read(d, buf, sizeof buf, &e), 100);
	CHECK(utimensat(AT_FDCWD, tpath("grow.txt"), old, 0) == 0);
	n = 100;
	CHECK_EQ_INT(read_rest(d, 4096, &n, &e), 0);
	CHECK_EQ_INT(n, 1500);
	CHECK(aud_decoder_changed(d) != NULL);
	if (aud_decoder_changed(d))
		CHECK_STR(aud_decoder_changed(d),
			  "file was modified while being read");
	aud_decoder_close(d);

	/* Shrinking: the first raw buffer (256 KiB, read at open to sniff)
	 * is handed out, then the end is missing: AUD_EIO at that offset. */
	put("shrink.txt", pay, 600000, "wb");
	CHECK_EQ_INT(aud_decoder_open(&d, tpath("shrink.txt"), NULL, &e), 0);
	CHECK_EQ_INT(aud_decoder_read(d, buf, sizeof buf, &e), 100);
	fd = open(tpath("shrink.txt"), O_WRONLY);
	CHECK(fd >= 0 && ftruncate(fd, 10) == 0);
	close(fd);
	n = 100;
	CHECK_EQ_INT(read_rest(d, 4096, &n, &e), AUD_EIO);
	CHECK_EQ_INT(n, 262144);
	CHECK_EQ_INT(e.offset, 262144);
	CHECK_STR(e.msg, "file shrank while being read (end of file after "
			 "262144 of 600000 bytes)");
	/* The error is the read's; a drain has nothing more to read. */
	CHECK_EQ_INT(aud_decoder_drain(d, &e), 0);
	CHECK_EQ_INT(aud_decoder_raw_bytes(d), 262144);
	aud_decoder_close(d);
}

static void test_open_errors(void)
{
	aud_decoder *d = (aud_decoder *)&d;
	aud_err e;
	const char *p = tpath("no-such-file");

	aud_err_clear(&e);
	CHECK_EQ_INT(aud_decoder_open(&d, dir, NULL, &e), AUD_EIO);
	CHECK(d == NULL);
	CHECK_EQ_INT(e.code, AUD_EIO);
	CHECK(strstr(e.msg, "is a directory") != NULL);

	d = (aud_decoder *)&d;
	aud_err_clear(&e);
	CHECK_EQ_INT(aud_decoder_open(&d, p, NULL, &e), AUD_EIO);
	CHECK(d == NULL);
	CHECK(strstr(e.msg, strerror(ENOENT)) != NULL);
	aud_decoder_close(NULL);
}

/* Stops at an error or a limit, drains, and expects the whole file's
 * SHA-256 and size. */
static void drain_case(const char *name, uint64_t max, int code)
{
	aud_decoder_opts o = {.max_decoded_bytes = max};
	aud_decoder *d;
	unsigned char buf[4096];
	char want[65], got[65];
	ptrdiff_t k;
	struct stat st;
	aud_err e;

	filehex(name, want);
	stat(tpath(name), &st);
	aud_err_clear(&e);
	if (aud_decoder_open(&d, tpath(name), &o, &e) != 0) {
		CHECK(!"open");
		return;
	}
	while ((k = aud_decoder_read(d, buf, sizeof buf, &e)) > 0)
		;
	CHECK_EQ_INT(k, code);
	CHECK(aud_decoder_raw_bytes(d) < (uint64_t)st.st_size);
	CHECK_EQ_INT(aud_decoder_drain(d, &e), 0);
	CHECK_EQ_INT(aud_decoder_raw_bytes(d), st.st_size);
	aud_decoder_sha256_hex(d, got);
	CHECK_STR(got, want);
	/* Still the same error after the drain. */
	CHECK_EQ_INT(aud_decoder_read(d, buf, sizeof buf, &e), code);
	aud_decoder_close(d);
}

static void test_drain(void)
{
	size_t n;
	unsigned char *a = zst(pay, paylen, 1, &n);
	aud_decoder *d;
	unsigned char buf[100];
	char want[65], got[65];
	aud_err e;

	/* Corrupt early in a file much larger than the raw buffer. */
	memset(a + 1000, 0xee, 100);
	put("early.zst", a, n, "wb");
	put("early.zst", pay, paylen, "ab"); /* make it long */
	drain_case("early.zst", 0, AUD_EFORMAT);
	drain_case("plain.txt", 1000, AUD_ELIMIT);
	free(a);

	/* Drain before any read, then a read: a usage error, not data. */
	filehex("plain.txt", want);
	aud_err_clear(&e);
	CHECK_EQ_INT(aud_decoder_open(&d, tpath("plain.txt"), NULL, &e), 0);
	CHECK_EQ_INT(aud_decoder_read(d, buf, sizeof buf, &e), 100);
	CHECK_EQ_INT(aud_decoder_drain(d, &e), 0);
	aud_decoder_sha256_hex(d, got);
	CHECK_STR(got, want);
	CHECK_EQ_INT(aud_decoder_read(d, buf, sizeof buf, &e), AUD_EUSAGE);
	aud_decoder_close(d);

	/* Drain after a clean end changes nothing. */
	CHECK_EQ_INT(aud_decoder_open(&d, tpath("abc"), NULL, &e), 0);
	CHECK_EQ_INT(aud_decoder_read(d, buf, sizeof buf, &e), 3);
	CHECK_EQ_INT(aud_decoder_read(d, buf, sizeof buf, &e), 0);
	CHECK_EQ_INT(aud_decoder_drain(d, &e), 0);
	CHECK_EQ_INT(aud_decoder_read(d, buf, sizeof buf, &e), 0);
	CHECK_EQ_INT(aud_decoder_raw_bytes(d), 3);
	aud_decoder_close(d);
}

/* "-" reads fd 0 (here a pipe fed by a child in small writes) and leaves
 * it open. */
static void test_stdin(void)
{
	size_t n, i;
	unsigned char *a = gz(pay, paylen, &n);
	int fds[2], saved = dup(0);
	pid_t pid;
	result r;
	char want[65];

	hexof(a, n, want);
	if (pipe(fds) != 0 || saved < 0) {
		CHECK(!"pipe");
		return;
	}
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		for (i = 0; i < n; i += 3333) {
			size_t k = n - i < 3333 ? n - i : 3333;

			if (write(fds[1], a + i, k) != (ssize_t)k)
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	dup2(fds[0], 0);
	close(fds[0]);
	decode("-", 65536, 0, &r);
	CHECK_EQ_INT(r.rc, 0);
	CHECK(r.n == paylen && memcmp(r.p, pay, paylen) == 0);
	CHECK_EQ_INT(r.comp, AUD_COMP_GZIP);
	CHECK_EQ_INT(r.fsize, -1);
	CHECK_EQ_INT(r.raw, n);
	CHECK_STR(r.hex, want);
	done(&r);
	CHECK(fcntl(0, F_GETFD) != -1); /* not closed by the decoder */
	dup2(saved, 0);
	close(saved);
	waitpid(pid, NULL, 0);
	free(a);
}

int main(void)
{
	size_t n;
	unsigned char *a;
	char cmd[128];

	snprintf(dir, sizeof dir, "/tmp/aud_decode_XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	make_payload(3u << 20);
	put("plain.txt", pay, paylen, "wb");
	a = gz(pay, paylen, &n);
	put("one.gz", a, n, "wb");
	free(a);
	a = zst(pay, paylen, 0, &n);
	put("one.zst", a, n, "wb");
	free(a);

	RUN(test_sha_vector);
	RUN(test_empty);
	RUN(test_plain);
	RUN(test_gzip);
	RUN(test_gzip_cli);
	RUN(test_zstd);
	RUN(test_zstd_cli);
	RUN(test_zstd_window);
	RUN(test_gzip_truncated);
	RUN(test_gzip_trailing);
	RUN(test_zstd_damaged);
	RUN(test_limit);
	RUN(test_bomb);
	RUN(test_ratio);
	RUN(test_changing);
	RUN(test_open_errors);
	RUN(test_drain);
	RUN(test_stdin);

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(pay);
	return DONE();
}
