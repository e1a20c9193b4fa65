/*
 * test_decode_gzip.c: the decoder's two gzip paths against zlib called
 * directly. A build with ISA-L (AUDITOR_ISAL) inflates with ISA-L;
 * aud_decoder_opts.gzip_zlib = 1 makes it use zlib. Inputs made here with
 * zlib's deflate: text, incompressible, all-zero and empty payloads at
 * several levels and strategies (stored, fixed and dynamic blocks),
 * headers with a name, comment, extra field and header CRC, many members
 * concatenated (with empty ones), zero padding and garbage after the last
 * member, every cut of a small file and sampled cuts of a large one, and
 * flipped bytes in the header, the deflate data and the trailer.
 *
 * The reference is an independent loop over zlib's inflate (reference()),
 * written from zlib's documentation and the decoder's documented choices
 * (members until the end; zero padding to the end accepted; anything else
 * after a member is an error). For every input and read size the decoder,
 * on both paths, must hand out the same bytes, end with the same code and
 * the same error place (decoded offset), count the same raw bytes and give
 * the SHA-256 of the whole file. Where ISA-L and zlib can disagree, on
 * damaged deflate data, the test counts the reads that differ and checks
 * what still must hold: the same code, and every byte zlib hands out
 * before the fault comes out first (ISA-L may find a bad distance a few
 * bytes later, and names some faults otherwise). test_lenient_header
 * pins the one kind of input where the codes differ.
 */
#include "auditor/decode.h"

#include "harness.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>

static char path[64];

/* ---- inputs --------------------------------------------------------- */

typedef struct blob {
	unsigned char *p;
	size_t n, cap;
} blob;

static void bput(blob *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		while (b->n + n > b->cap)
			b->cap = b->cap ? 2 * b->cap : 4096;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			exit(2);
	}
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

/* Appends one gzip member of data to b: deflate at level with strategy;
 * hdr != 0 adds a name, comment, extra field and header CRC. */
static void member(blob *b, const void *data, size_t n, int level, int strategy,
		   int hdr)
{
	static unsigned char extra[] = {'A', 'U', 4, 0, 1, 2, 3, 4};
	gz_header h;
	z_stream z;
	unsigned char *o;
	size_t cap;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, level, Z_DEFLATED, 31, 8, strategy) != Z_OK)
		exit(2);
	if (hdr) {
		memset(&h, 0, sizeof h);
		h.name = (Bytef *)"data.jsonl";
		h.comment = (Bytef *)"made by test_decode_gzip";
		h.extra = extra;
		h.extra_len = sizeof extra;
		h.hcrc = 1;
		h.time = 1700000000;
		if (deflateSetHeader(&z, &h) != Z_OK)
			exit(2);
	}
	cap = deflateBound(&z, (uLong)n) + 256;
	o = malloc(cap);
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)n;
	z.next_out = o;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		exit(2);
	bput(b, o, cap - z.avail_out);
	deflateEnd(&z);
	free(o);
}

static uint32_t seed = 2463534242u;

static uint32_t rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 17;
	seed ^= seed << 5;
	return seed;
}

/* JSONL-like text, n bytes. */
static unsigned char *text(size_t n)
{
	static const char *w[] = {"{\"id\":", "\"text\":\"",
				  "the ",     "quick ",
				  "brown ",   "jane@example.org ",
				  "\"},\n",   "555-0100 ",
				  "données ", "fox "};
	unsigned char *p = malloc(n + 32);
	const char *s;
	size_t k = 0, l;

	while (k < n) {
		s = w[rnd() % 10];
		l = strlen(s);
		memcpy(p + k, s, l);
		k += l;
	}
	return p;
}

static unsigned char *noise(size_t n)
{
	unsigned char *p = malloc(n ? n : 1);
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)rnd();
	return p;
}

/* ---- the reference: zlib directly ----------------------------------- */

typedef struct outcome {
	blob out;
	int code;      /* 0 or AUD_EFORMAT */
	char msg[128]; /* the reference's message for a fault */
} outcome;

/* Decodes in[0..n) as the decoder promises to: input that does not start
 * with the gzip magic passes through; else every gzip member to the end, zero
 * bytes running to the end accepted, anything else after a member an error; the
 * whole input is given to zlib at once. */
static void reference(const unsigned char *in, size_t n, outcome *o)
{
	unsigned char buf[65536];
	z_stream z;
	size_t pos = 0, i;
	int zr;

	memset(o, 0, sizeof *o);
	if (n < 2 || in[0] != 0x1f || in[1] != 0x8b) {
		bput(&o->out, in, n); /* not gzip: passed through */
		return;
	}
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, 31) != Z_OK)
		exit(2);
	for (;;) {
		/* A member starts at pos. */
		z.next_in = (unsigned char *)in + pos;
		z.avail_in = (uInt)(n - pos);
		do {
			z.next_out = buf;
			z.avail_out = sizeof buf;
			zr = inflate(&z, Z_NO_FLUSH);
			bput(&o->out, buf, sizeof buf - z.avail_out);
		} while (zr == Z_OK && (z.avail_out == 0 || z.avail_in > 0));
		pos = n - z.avail_in;
		if (zr == Z_DATA_ERROR) {
			o->code = AUD_EFORMAT;
			snprintf(o->msg, sizeof o->msg, "gzip: %s", z.msg);
			break;
		}
		if (zr != Z_STREAM_END) {
			/* Z_OK or Z_BUF_ERROR with all input used. */
			o->code = AUD_EFORMAT;
			snprintf(o->msg, sizeof o->msg,
				 "truncated gzip stream");
			break;
		}
		if (pos == n)
			break;
		if (in[pos] == 0x1f) {
			if (pos + 1 == n) {
				o->code = AUD_EFORMAT;
				snprintf(o->msg, sizeof o->msg,
					 "truncated gzip stream");
				break;
			}
			if (in[pos + 1] == 0x8b) {
				inflateReset(&z);
				continue;
			}
		}
		for (i = pos; i < n && in[i] == 0; i++)
			;
		if (i < n) {
			o->code = AUD_EFORMAT;
			snprintf(o->msg, sizeof o->msg,
				 "trailing garbage after gzip member");
		}
		break;
	}
	inflateEnd(&z);
}

/* ---- the decoder ---------------------------------------------------- */

typedef struct got {
	blob out;
	ptrdiff_t rc;
	aud_err err;
	uint64_t raw, dec;
	char hex[65];
	const char *inflater;
} got;

static void decode(const char *file, int zlib_only, size_t bs, got *g)
{
	aud_decoder_opts o;
	aud_decoder *d = NULL;
	unsigned char *buf = malloc(bs);
	ptrdiff_t k;

	memset(g, 0, sizeof *g);
	memset(&o, 0, sizeof o);
	o.gzip_zlib = zlib_only;
	aud_err_clear(&g->err);
	if (aud_decoder_open(&d, file, &o, &g->err) != 0) {
		g->rc = g->err.code;
		free(buf);
		return;
	}
	while ((k = aud_decoder_read(d, buf, bs, &g->err)) > 0)
		bput(&g->out, buf, (size_t)k);
	g->rc = k;
	aud_decoder_drain(d, NULL);
	g->raw = aud_decoder_raw_bytes(d);
	g->dec = aud_decoder_decoded_bytes(d);
	g->inflater = aud_decoder_inflater(d);
	aud_decoder_sha256_hex(d, g->hex);
	aud_decoder_close(d);
	free(buf);
}

static void sha_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int ml = 0, i;

	EVP_Digest(p, n, md, &ml, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

static unsigned long long ninputs, nfaults, nmsg_differ, nbytes_differ;
static int shown;

/* The whole comparison for one input. corrupt != 0: the deflate data
 * may be damaged, where the two libraries may disagree on the message and
 * on how many bytes come out before the fault. */
static void check_input(const blob *in, int corrupt, const char *what)
{
	static const size_t sizes[] = {1 << 20, 65536, 4093, 7, 1};
	outcome ref;
	got g, z;
	char want_hex[65];
	size_t i, same;
	FILE *f = fopen(path, "wb");

	if (!f || (in->n && fwrite(in->p, 1, in->n, f) != in->n))
		exit(2);
	fclose(f);
	reference(in->p, in->n, &ref);
	sha_hex(in->p, in->n, want_hex);
	ninputs++;
	nfaults += ref.code != 0;
	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		/* Small reads cost time under sanitizers. */
		if (sizes[i] < 64 && ref.out.n + in->n > 300000)
			continue;
		decode(path, 0, sizes[i], &g);
		decode(path, 1, sizes[i], &z);
		CHECK_STR(g.hex, want_hex);
		CHECK_STR(z.hex, want_hex);
		CHECK_EQ_INT(g.raw, in->n);
		CHECK_EQ_INT(z.raw, in->n);
		CHECK_EQ_INT(g.dec, g.out.n);
		CHECK_EQ_INT(z.dec, z.out.n);
		if (in->n >= 2 && in->p[0] == 0x1f && in->p[1] == 0x8b) {
			CHECK_STR(z.inflater, "zlib");
#ifdef AUD_HAVE_ISAL
			CHECK_STR(g.inflater, "isa-l");
#else
			CHECK_STR(g.inflater, "zlib");
#endif
		}
		/* zlib's path is the reference exactly. */
		CHECK_EQ_INT(z.rc, ref.code);
		CHECK(
		    z.out.n == ref.out.n &&
		    (!ref.out.n || memcmp(z.out.p, ref.out.p, ref.out.n) == 0));
		if (ref.code)
			CHECK_STR(z.err.msg, ref.msg);
		/* The build's path: the same, or for damaged deflate data
		 * the same code and a prefix of what it decoded agreeing. */
		CHECK_EQ_INT(g.rc, ref.code);
		if (ref.code)
			CHECK_EQ_INT(g.err.offset, g.out.n);
		for (same = 0; same < g.out.n && same < ref.out.n &&
			       g.out.p[same] == ref.out.p[same];
		     same++)
			;
		if (!corrupt) {
			CHECK(g.out.n == ref.out.n && same == ref.out.n);
			if (ref.code)
				CHECK_STR(g.err.msg, ref.msg);
		} else {
			/* Every byte zlib gave comes out; ISA-L may find
			 * a bad distance a few bytes later. */
			CHECK(same == ref.out.n);
			nbytes_differ += g.out.n != ref.out.n;
			nmsg_differ += strcmp(g.err.msg, ref.msg) != 0;
		}
		if (t_fail && shown++ < 5)
			fprintf(stderr,
				"  %s (read size %zu): ref %zu bytes '%s', "
				"got %zu bytes rc %d '%s', %zu agree\n",
				what, sizes[i], ref.out.n, ref.msg, g.out.n,
				(int)g.rc, g.err.msg, same);
		free(g.out.p);
		free(z.out.p);
	}
	free(ref.out.p);
}

/* ---- tests ---------------------------------------------------------- */

static void test_members(void)
{
	static const int strat[] = {Z_DEFAULT_STRATEGY, Z_FILTERED,
				    Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED};
	size_t sizes[] = {0, 1, 100, 40000, 70000, 1500000};
	unsigned char *t = text(1500000), *r = noise(300000);
	unsigned char *zero = calloc(1, 1500000);
	blob b = {0};
	size_t i, k;
	int lvl;

	for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		for (lvl = 0; lvl <= 9; lvl += 3) {
			b.n = 0;
			member(&b, t, sizes[i], lvl, strat[i % 5], i & 1);
			check_input(&b, 0, "text member");
		}
	}
	b.n = 0;
	member(&b, r, 300000, 6, Z_DEFAULT_STRATEGY, 0);
	check_input(&b, 0, "incompressible member");
	b.n = 0;
	member(&b, zero, 1500000, 9, Z_DEFAULT_STRATEGY, 1);
	check_input(&b, 0, "zeros member");

	/* Concatenated members of every kind, empty ones among them, with
	 * members cut at 256 KiB boundaries of the raw stream. */
	b.n = 0;
	for (k = 0; k < 40; k++) {
		size_t n = rnd() % 90000;

		if (k % 7 == 3)
			n = 0;
		member(&b, k % 3 ? t + k : r, n > 300000 ? 300000 : n,
		       (int)(k % 10), strat[k % 5], (int)(k & 1));
	}
	check_input(&b, 0, "40 members");

	/* Zero padding to the end, and garbage after the last member. */
	k = b.n;
	bput(&b, zero, 5000);
	check_input(&b, 0, "zero padding");
	b.n = k;
	bput(&b, "\x1f", 1);
	check_input(&b, 0, "a lone 0x1f after a member");
	b.n = k;
	bput(&b, "\x1f\x8c", 2);
	check_input(&b, 0, "0x1f 0x8c after a member");
	b.n = k;
	bput(&b, zero, 10);
	bput(&b, "x", 1);
	check_input(&b, 0, "padding then garbage");
	free(b.p);
	free(t);
	free(r);
	free(zero);
}

static void test_cuts(void)
{
	unsigned char *t = text(400000), *r = noise(5000);
	blob full = {0}, b = {0};
	size_t cut;

	/* Every cut of a small two-member file (with header fields). */
	member(&full, t, 3000, 6, Z_DEFAULT_STRATEGY, 1);
	member(&full, r, 700, 6, Z_DEFAULT_STRATEGY, 0);
	for (cut = 0; cut < full.n; cut++) {
		b.n = 0;
		bput(&b, full.p, cut);
		check_input(&b, 0, "cut small");
	}
	/* Sampled cuts of a larger one, and the last 16 bytes each. */
	full.n = 0;
	member(&full, t, 400000, 6, Z_DEFAULT_STRATEGY, 0);
	for (cut = 1; cut < full.n; cut += 1 + rnd() % 9000) {
		b.n = 0;
		bput(&b, full.p, cut);
		check_input(&b, 0, "cut large");
	}
	for (cut = full.n - 16; cut < full.n; cut++) {
		b.n = 0;
		bput(&b, full.p, cut);
		check_input(&b, 0, "cut in the trailer");
	}
	free(full.p);
	free(b.p);
	free(t);
	free(r);
}

static void test_damage(void)
{
	unsigned char *t = text(200000);
	blob full = {0}, b = {0};
	size_t i, at, n1, hdr;

	member(&full, t, 100000, 6, Z_DEFAULT_STRATEGY, 1);
	n1 = full.n;
	member(&full, t + 5, 100000, 1, Z_DEFAULT_STRATEGY, 0);

	/* The header (every byte of the first member's: 10 fixed, the
	 * extra field with its length, the name and comment with their
	 * NULs, the header CRC) and the trailers: read by zlib on both
	 * paths, or checked in zlib's words. */
	hdr = 10 + 2 + 8 + strlen("data.jsonl") + 1 +
	      strlen("made by test_decode_gzip") + 1 + 2;
	for (at = 0; at < hdr; at++) {
		b.n = 0;
		bput(&b, full.p, full.n);
		b.p[at] ^= 0x41;
		check_input(&b, 0, "damaged header");
	}
	for (at = n1 - 8; at < n1; at++) {
		b.n = 0;
		bput(&b, full.p, full.n);
		b.p[at] ^= 0x10;
		check_input(&b, 0, "damaged trailer");
	}
	for (at = full.n - 8; at < full.n; at++) {
		b.n = 0;
		bput(&b, full.p, full.n);
		b.p[at] ^= 0x01;
		check_input(&b, 0, "damaged last trailer");
	}
	/* The deflate data: flipped bytes and bits at random places. */
	for (i = 0; i < 200; i++) {
		b.n = 0;
		bput(&b, full.p, full.n);
		at = hdr + rnd() % (full.n - hdr - 8);
		if (i % 2)
			b.p[at] ^= (unsigned char)(1u << (rnd() % 8));
		else
			b.p[at] = (unsigned char)rnd();
		check_input(&b, 1, "damaged deflate data");
	}
	fprintf(stderr,
		"  %llu inputs, %llu with a fault; reads of damaged deflate "
		"data where the message differs: %llu, more bytes: %llu\n",
		ninputs, nfaults, nmsg_differ, nbytes_differ);
	free(full.p);
	free(b.p);
	free(t);
}

/* A difference the fuzzer found, kept as a known one: a member whose
 * only block is dynamic, holds no data and has a distance code set zlib
 * refuses ("invalid distances set") though no distance is used; its
 * trailer (CRC-32 0, length 0) matches the empty output. zlib stops
 * there; ISA-L decodes it as an empty member. */
static void test_lenient_header(void)
{
	static const unsigned char in[] = {
	    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	    0x03, 0xed, 0xc1, 0x31, 0x01, 0x00, 0x00, 0x00, 0xc2,
	    0xa0, 0xf5, 0x4f, 0x6d, 0x0d, 0x0f, 0xdc, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
	FILE *f = fopen(path, "wb");
	outcome ref;
	got g, z;

	if (!f || fwrite(in, 1, sizeof in, f) != sizeof in)
		exit(2);
	fclose(f);
	reference(in, sizeof in, &ref);
	CHECK_EQ_INT(ref.code, AUD_EFORMAT);
	CHECK_STR(ref.msg, "gzip: invalid distances set");
	decode(path, 1, 65536, &z);
	CHECK_EQ_INT(z.rc, AUD_EFORMAT);
	CHECK_STR(z.err.msg, "gzip: invalid distances set");
	decode(path, 0, 65536, &g);
	CHECK_EQ_INT(g.out.n, 0);
#ifdef AUD_HAVE_ISAL
	CHECK_EQ_INT(g.rc, 0);
#else
	CHECK_EQ_INT(g.rc, AUD_EFORMAT);
#endif
	free(ref.out.p);
	free(g.out.p);
	free(z.out.p);
}

int main(void)
{
	snprintf(path, sizeof path, "/tmp/aud-gz-%d.gz", (int)getpid());
	RUN(test_members);
	RUN(test_cuts);
	RUN(test_damage);
	RUN(test_lenient_header);
	unlink(path);
	return DONE();
}
