/*
 * test_utf8.c: aud_utf8_invalid_at against the well-formed sequences of
 * Unicode 15 table 3-7 and the classic ill-formed ones (overlongs,
 * surrogates, past U+10FFFF, stray continuations, truncation); and its
 * SSE2 and AVX2 loops against the byte loop on random text and with a bad
 * or multi-byte sequence at every place (a level the CPU lacks runs as
 * the best it has, so the test holds on any machine).
 */
#include "auditor/utf8.h"

#include "harness.h"

#include <stdlib.h>
#include <string.h>

#define AT(lit) aud_utf8_invalid_at((lit), sizeof(lit) - 1)

static void test_valid(void)
{
	CHECK_EQ_INT(aud_utf8_invalid_at("", 0), 0);
	CHECK_EQ_INT(AT("plain ascii"), 11);
	/* é (2 bytes), € (3), 𝄞 U+1D11E (4) */
	CHECK_EQ_INT(AT("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9D\x84\x9E"), 14);
	/* Boundaries of table 3-7. */
	CHECK_EQ_INT(AT("\xC2\x80"), 2);	 /* U+0080 */
	CHECK_EQ_INT(AT("\xDF\xBF"), 2);	 /* U+07FF */
	CHECK_EQ_INT(AT("\xE0\xA0\x80"), 3);	 /* U+0800 */
	CHECK_EQ_INT(AT("\xED\x9F\xBF"), 3);	 /* U+D7FF */
	CHECK_EQ_INT(AT("\xEE\x80\x80"), 3);	 /* U+E000 */
	CHECK_EQ_INT(AT("\xEF\xBF\xBF"), 3);	 /* U+FFFF */
	CHECK_EQ_INT(AT("\xF0\x90\x80\x80"), 4); /* U+10000 */
	CHECK_EQ_INT(AT("\xF4\x8F\xBF\xBF"), 4); /* U+10FFFF */
	/* NUL is U+0000: valid. */
	CHECK_EQ_INT(aud_utf8_invalid_at("a\0b", 3), 3);
}

static void test_overlong(void)
{
	CHECK_EQ_INT(AT("\xC0\xAF"), 0); /* '/' in 2 bytes */
	CHECK_EQ_INT(AT("\xC1\xBF"), 0);
	CHECK_EQ_INT(AT("ab\xE0\x80\xAF"), 2);	 /* '/' in 3 bytes */
	CHECK_EQ_INT(AT("\xE0\x9F\xBF"), 0);	 /* U+07FF in 3 bytes */
	CHECK_EQ_INT(AT("\xF0\x80\x80\xAF"), 0); /* '/' in 4 bytes */
	CHECK_EQ_INT(AT("\xF0\x8F\xBF\xBF"), 0); /* U+FFFF in 4 bytes */
}

static void test_surrogates_and_range(void)
{
	CHECK_EQ_INT(AT("ok\xED\xA0\x80"), 2);	 /* U+D800 */
	CHECK_EQ_INT(AT("\xED\xBF\xBF"), 0);	 /* U+DFFF */
	CHECK_EQ_INT(AT("\xF4\x90\x80\x80"), 0); /* U+110000 */
	CHECK_EQ_INT(AT("\xF5\x80\x80\x80"), 0);
	CHECK_EQ_INT(AT("x\xFF"), 1);
	CHECK_EQ_INT(AT("x\xFE"), 1);
}

static void test_broken_sequences(void)
{
	CHECK_EQ_INT(AT("\x80"), 0); /* stray continuation */
	CHECK_EQ_INT(AT("abc\xBF"), 3);
	CHECK_EQ_INT(AT("a\xC3"), 1); /* truncated at end */
	CHECK_EQ_INT(AT("\xE2\x82"), 0);
	CHECK_EQ_INT(AT("\xF0\x9D\x84"), 0);
	CHECK_EQ_INT(AT("\xC3\x41"), 0); /* lead + ASCII */
	CHECK_EQ_INT(AT("\xE2\x82\x41"), 0);
	CHECK_EQ_INT(AT("\xF0\x9D\x41\x9E"), 0);
	CHECK_EQ_INT(AT("\xC3\xA9\xA9"), 2); /* one too many */
	/* The length bounds the check: a valid prefix is valid. */
	CHECK_EQ_INT(aud_utf8_invalid_at("\xC3\xA9\xFF", 2), 2);
}

/* The 16-byte ASCII fast path must not skip a bad byte at any place. */
static void test_fast_path_positions(void)
{
	char buf[100];
	size_t i;
	int ok = 1;

	for (i = 0; i < sizeof buf; i++) {
		memset(buf, 'a', sizeof buf);
		buf[i] = (char)0x80;
		if (aud_utf8_invalid_at(buf, sizeof buf) != i)
			ok = 0;
		buf[i] = (char)0xC3; /* truncated by the next 'a' */
		if (aud_utf8_invalid_at(buf, sizeof buf) != i)
			ok = 0;
	}
	CHECK(ok);
	memset(buf, 'a', sizeof buf);
	memcpy(buf + 40, "\xE2\x82\xAC", 3);
	CHECK_EQ_INT(aud_utf8_invalid_at(buf, sizeof buf), sizeof buf);
}

/* ---- the SIMD paths against the byte loop --------------------------- */

static unsigned long long rng = 0x2545F4914F6CDD1Dull;

static unsigned rnd(unsigned n) { return h_rnd(&rng, n); }

/* Pieces that text is made of here: ASCII, every length of well-formed
 * sequence and the table 3-7 edges (the first NGOOD), then ill-formed
 * ones of every kind. */
enum { NGOOD = 14 };
/* clang-format off */
static const char *const pieces[] = {
    "a", "hello world ", "\t", "\0", "\xC3\xA9", "\xE2\x82\xAC",
    "\xF0\x9F\x98\x80", "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF",
    "\xEE\x80\x80", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF", "\x80", "\xBF",
    "\xC0\xAF", "\xC1\xBF", "\xE0\x9F\xBF", "\xED\xA0\x80", "\xF0\x8F\xBF\xBF",
    "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFE", "\xFF", "\xC3", "\xE2\x82",
    "\xF0\x9F\x98", "\xC3\x41", "\xE2\x41\xAC"};
/* clang-format on */
/* Their lengths ("\0" is one byte). */
static size_t piece_len(size_t i)
{
	return pieces[i][0] ? strlen(pieces[i]) : 1;
}

/* Every level must give the byte loop's answer for s; with cuts, also
 * for each of its prefixes and suffixes (which move the ends across 16-,
 * 32- and 64-byte blocks). */
static int same_at_all_levels(const char *s, size_t n, int cuts)
{
	size_t k, want;
	int lv;

	for (k = cuts ? 0 : n; k <= n; k++) {
		want = aud_utf8_invalid_at_path(s, k, AUD_SIMD_NONE);
		for (lv = AUD_SIMD_SSE2; lv <= AUD_SIMD_AVX2; lv++)
			if (aud_utf8_invalid_at_path(s, k, lv) != want)
				return 0;
		want = aud_utf8_invalid_at_path(s + k, n - k, AUD_SIMD_NONE);
		for (lv = AUD_SIMD_SSE2; lv <= AUD_SIMD_AVX2; lv++)
			if (aud_utf8_invalid_at_path(s + k, n - k, lv) != want)
				return 0;
	}
	return aud_utf8_invalid_at(s, n) ==
	       aud_utf8_invalid_at_path(s, n, aud_simd_best());
}

static void test_levels_random(void)
{
	char buf[400];
	size_t n, i, k, npieces, bad_runs = 0;
	int run, ok = 1;

	CHECK(aud_simd_best() >= AUD_SIMD_NONE &&
	      aud_simd_best() <= AUD_SIMD_AVX2);
	for (run = 0; run < 600 && ok; run++) {
		/* Mostly ASCII with now and then another piece, so that runs
		 * of ASCII of every length sit between them; half the runs
		 * draw only well-formed pieces. */
		npieces = run % 2 ? NGOOD : sizeof pieces / sizeof *pieces;
		n = 0;
		while (n < 300) {
			i = rnd(6) ? rnd(3) : rnd((unsigned)npieces);
			k = piece_len(i);
			memcpy(buf + n, pieces[i], k);
			n += k;
		}
		if (aud_utf8_invalid_at(buf, n) < n)
			bad_runs++;
		ok = same_at_all_levels(buf, n, 1);
	}
	CHECK(ok);
	/* Both kinds of text were met. */
	CHECK(bad_runs > 200 && bad_runs < 400);
}

/* One bad byte, or one good sequence, at every place of every length up
 * to 200: the block loops, the shifted last block and the short-input
 * loop all meet it. */
static void test_levels_every_position(void)
{
	static const char *const one[] = {"\x80",     "\xC3",
					  "\xFF",     "\xED\xA0\x80",
					  "\xC3\xA9", "\xF0\x9F\x98\x80"};
	char buf[210];
	size_t n, at, i, k;
	int ok = 1;

	for (i = 0; i < sizeof one / sizeof *one; i++) {
		k = strlen(one[i]);
		for (n = k; n <= 200 && ok; n++) {
			for (at = 0; at + k <= n && ok; at++) {
				memset(buf, 'x', n);
				memcpy(buf + at, one[i], k);
				ok = same_at_all_levels(buf, n, 0);
			}
		}
	}
	CHECK(ok);
	memset(buf, 'x', 200);
	memcpy(buf + 130, "\xE2\x82", 2); /* truncated by an 'x' */
	CHECK_EQ_INT(aud_utf8_invalid_at_path(buf, 200, AUD_SIMD_AVX2), 130);
	CHECK_EQ_INT(aud_utf8_invalid_at_path(buf, 200, AUD_SIMD_SSE2), 130);
	CHECK_EQ_INT(aud_utf8_invalid_at_path(buf, 131, AUD_SIMD_AVX2), 130);
	CHECK_EQ_INT(aud_utf8_invalid_at_path(buf, 130, AUD_SIMD_AVX2), 130);
}

int main(void)
{
	RUN(test_valid);
	RUN(test_overlong);
	RUN(test_surrogates_and_range);
	RUN(test_broken_sequences);
	RUN(test_fast_path_positions);
	RUN(test_levels_random);
	RUN(test_levels_every_position);
	return DONE();
}
