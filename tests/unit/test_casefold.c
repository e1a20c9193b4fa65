/*
 * test_casefold.c: Unicode full case folding and white-space collapsing.
 * Examples written out by hand, then every code point against Python's
 * str.casefold() (an independent implementation of the same Unicode
 * version's CaseFolding.txt), when /usr/bin/python3 has that version.
 */
#include "auditor/casefold.h"

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static aud_buf b;

static const char *fold(const char *s)
{
	static char out[512];

	b.len = 0;
	if (aud_fold_text(&b, s, strlen(s)) != 0)
		return "(error)";
	snprintf(out, sizeof out, "%.*s", (int)b.len, b.p);
	return out;
}

static void test_examples(void)
{
	CHECK_STR(fold("Hello World"), "hello world");
	CHECK_STR(fold("  Hello\t\r\n  WORLD  "), "hello world");
	/* No-break space, em space, ideographic space, NEL, line sep. */
	CHECK_STR(fold("a\xc2\xa0\xe2\x80\x83" "b\xe3\x80\x80\xc2\x85"
		       "c\xe2\x80\xa8"),
		  "a b c");
	/* Full folding: sharp s (and capital sharp s) to ss. */
	CHECK_STR(fold("Stra\xc3\x9f" "e"), "strasse");
	CHECK_STR(fold("STRA\xe1\xba\x9e" "E"), "strasse");
	CHECK_STR(fold("STRASSE"), "strasse");
	/* Greek: capital and final sigma both fold to sigma; accented
	 * capitals keep their accent. */
	CHECK_STR(fold("\xce\xa3\xce\x8a\xce\xa3\xce\xa5\xce\xa6\xce\x9f\xce\xa3"),
		  "\xcf\x83\xce\xaf\xcf\x83\xcf\x85\xcf\x86\xce\xbf\xcf\x83");
	CHECK_STR(fold("\xcf\x83\xce\xaf\xcf\x83\xcf\x85\xcf\x86\xce\xbf\xcf\x82"),
		  "\xcf\x83\xce\xaf\xcf\x83\xcf\x85\xcf\x86\xce\xbf\xcf\x83");
	/* Cyrillic: ПРИВЕТ Мир -> привет мир; Ё -> ё. */
	CHECK_STR(fold("\xd0\x9f\xd0\xa0\xd0\x98\xd0\x92\xd0\x95\xd0\xa2 "
		       "\xd0\x9c\xd0\xb8\xd1\x80 \xd0\x81"),
		  "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 "
		  "\xd0\xbc\xd0\xb8\xd1\x80 \xd1\x91");
	/* Latin-1 and Extended-A (stride-2 runs): À -> à, Ā -> ā, Ł -> ł. */
	CHECK_STR(fold("\xc3\x80\xc4\x80\xc5\x81"), "\xc3\xa0\xc4\x81\xc5\x82");
	/* One-to-three: U+0390 stays three code points. */
	CHECK_STR(fold("\xce\x90"), "\xce\xb9\xcc\x88\xcc\x81");
	/* Micro sign to Greek mu; Kelvin sign to k. */
	CHECK_STR(fold("\xc2\xb5\xe2\x84\xaa"), "\xce\xbck");
	/* Outside the BMP: Deseret and Adlam capitals. */
	CHECK_STR(fold("\xf0\x90\x90\x80\xf0\x9e\xa4\x80"),
		  "\xf0\x90\x90\xa8\xf0\x9e\xa4\xa2");
	/* Nothing to fold: CJK, digits, punctuation. */
	CHECK_STR(fold("\xe4\xb8\xad\xe6\x96\x87 123 !?"),
		  "\xe4\xb8\xad\xe6\x96\x87 123 !?");
	/* Empty and white space only. */
	CHECK_STR(fold(""), "");
	CHECK_STR(fold(" \t\xc2\xa0 "), "");
	/* Invalid UTF-8 passes through byte by byte; it does not join or
	 * split words. */
	CHECK_STR(fold("A\xff" "B \xc3"), "a\xff" "b \xc3");
	CHECK_STR(fold("\xed\xa0\x80X"), "\xed\xa0\x80x");
	/* U+001F (the key separator) is not white space. */
	CHECK_STR(fold("a\x1f" "B"), "a\x1f" "b");
}

static void test_long_text(void)
{
	/* Longer than the internal 4 KiB block: nothing lost at the seams. */
	char in[20000], want[20000];
	size_t i, n = 0, w = 0;

	for (i = 0; i < 3000; i++) {
		memcpy(in + n, "\xc3\x9f  ", 4); /* ß and two spaces */
		n += 4;
		memcpy(want + w, "ss ", 3);
		w += 3;
	}
	w--; /* no trailing space */
	b.len = 0;
	CHECK(aud_fold_text(&b, in, n) == 0);
	CHECK(b.len == w && memcmp(b.p, want, w) == 0);
}

static void test_limit(void)
{
	aud_buf small = {0};

	small.max = 8;
	CHECK_EQ_INT(aud_fold_text(&small, "abcdefghijk", 11), AUD_ELIMIT);
	aud_buf_free(&small);
}

/* Every code point with a folding other than itself, from Python, as
 * lines "CP TO TO..." in hex; then every code point against ours. */
static void test_against_python(void)
{
	static const char prog[] =
		"/usr/bin/python3 -c '\n"
		"import sys, unicodedata\n"
		"if unicodedata.unidata_version != sys.argv[1]:\n"
		"    print(\"skip\", unicodedata.unidata_version); sys.exit()\n"
		"for cp in range(0x110000):\n"
		"    if 0xd800 <= cp < 0xe000: continue\n"
		"    f = chr(cp).casefold()\n"
		"    if f != chr(cp):\n"
		"        print(\"%x\" % cp, \" \".join(\"%x\" % ord(c) for c in f))\n"
		"' ";
	char cmd[1024], line[256];
	FILE *p;
	uint32_t cp, to[3], got[3];
	size_t n, k, lines = 0, bad = 0;
	unsigned char *expected;

	snprintf(cmd, sizeof cmd, "%s%s", prog, aud_casefold_unicode);
	p = popen(cmd, "r");
	if (!p) {
		fprintf(stderr, "note: no python3: exhaustive check skipped\n");
		return;
	}
	expected = calloc(0x110000, 1); /* code points Python folds */
	while (expected && fgets(line, sizeof line, p)) {
		char *s = line, *e;

		if (strncmp(line, "skip", 4) == 0) {
			fprintf(stderr, "note: python3 has Unicode %s, not %s: "
					"exhaustive check skipped\n",
				line + 5, aud_casefold_unicode);
			break;
		}
		cp = (uint32_t)strtoul(s, &e, 16);
		for (n = 0; n < 3 && *e == ' '; n++) {
			s = e + 1;
			to[n] = (uint32_t)strtoul(s, &e, 16);
		}
		lines++;
		expected[cp] = 1;
		k = aud_casefold(cp, got);
		if (k != n || memcmp(got, to, n * sizeof *to) != 0) {
			if (bad++ < 10)
				fprintf(stderr, "U+%04X: folds differently\n",
					cp);
		}
	}
	pclose(p);
	if (lines) {
		/* The other way: what we fold, Python folds too. */
		for (cp = 0; cp < 0x110000; cp++) {
			if (cp >= 0xd800 && cp < 0xe000)
				continue;
			k = aud_casefold(cp, got);
			if ((k != 1 || got[0] != cp) && !expected[cp] &&
			    bad++ < 20)
				fprintf(stderr, "U+%04X: folded, Python does "
						"not\n",
					cp);
		}
		CHECK(lines > 1500); /* C + F of Unicode 14: 1,530 */
		fprintf(stderr, "  %zu foldings compared with Python\n",
			lines);
	}
	CHECK_EQ_INT(bad, 0);
	free(expected);
}

int main(void)
{
	RUN(test_examples);
	RUN(test_long_text);
	RUN(test_limit);
	RUN(test_against_python);
	aud_buf_free(&b);
	return DONE();
}
