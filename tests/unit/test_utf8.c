/*
 * test_utf8.c: aud_utf8_invalid_at against the well-formed sequences of
 * Unicode 15 table 3-7 and the classic ill-formed ones (overlongs,
 * surrogates, past U+10FFFF, stray continuations, truncation).
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

int main(void)
{
	RUN(test_valid);
	RUN(test_overlong);
	RUN(test_surrogates_and_range);
	RUN(test_broken_sequences);
	RUN(test_fast_path_positions);
	return DONE();
}
