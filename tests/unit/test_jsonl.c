/*
 * test_jsonl.c: the JSONL reader (auditor/jsonl.c). Every input is fed
 * whole and in chunks of 1, 2, 3, 7 and 64 bytes; all runs must give the
 * same records, offsets and problems. Expected offsets were counted by
 * hand from the inputs (positions inside a line are listed next to each
 * case); on top of that every field marked raw_exact is checked against
 * the input bytes at its offset.
 */
#include "auditor/reader.h"

#include "harness.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reader_harness.h"

static aud_reader_opts jl_opts(size_t max)
{
	aud_reader_opts o = {AUD_FMT_JSONL, 0, max};

	return o;
}

#define FIELD_IS(t, r, i, nm, vl, of, ty, ex)                                  \
	do {                                                                   \
		CHECK_STR((t)->recs[r].f[i].name, nm);                         \
		CHECK_MEM_STR((t)->recs[r].f[i].val, (t)->recs[r].f[i].vlen,   \
			      vl);                                             \
		CHECK_EQ_INT((t)->recs[r].f[i].off, of);                       \
		CHECK_EQ_INT((t)->recs[r].f[i].type, ty);                      \
		CHECK_EQ_INT((t)->recs[r].f[i].exact, ex);                     \
	} while (0)

#define S AUD_VAL_STRING
#define N AUD_VAL_NUMBER
#define B AUD_VAL_BOOL
#define Z AUD_VAL_NULL

/* Offset of the first byte after needle in hay (needle is unique). */
static uint64_t after(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	return p ? (uint64_t)(p - hay) + strlen(needle) : 999999;
}

/* ---- tests ---------------------------------------------------------- */

static void test_two_lines_offsets(void)
{
	/* {"a":"xy","b":12}: '{'0 '"'1 a2 '"'3 ':'4 '"'5 x6 y7 '"'8 ','9
	 * '"'10 b11 '"'12 ':'13 '1'14 '2'15 '}'16 '\n'17; then line 2 at 18:
	 * '{'18 '"'19 c20 '"'21 ':'22 't'23 */
	static const char in[] = "{\"a\":\"xy\",\"b\":12}\n{\"c\":true}\n";
	aud_reader_opts o = jl_opts(0);
	trun t;

	RUN_ALL(&t, in, &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.nrec, 2);
	CHECK_EQ_INT(t.lines, 2);
	CHECK_EQ_INT(t.ncols, 0);
	CHECK_EQ_INT(t.recs[0].number, 1);
	CHECK_EQ_INT(t.recs[0].line, 1);
	CHECK_EQ_INT(t.recs[0].offset, 0);
	CHECK_EQ_INT(t.recs[0].length, 18);
	CHECK_EQ_INT(t.recs[0].nf, 2);
	FIELD_IS(&t, 0, 0, "a", "xy", 6, S, 1);
	FIELD_IS(&t, 0, 1, "b", "12", 14, N, 1);
	CHECK_EQ_INT(t.recs[1].number, 2);
	CHECK_EQ_INT(t.recs[1].line, 2);
	CHECK_EQ_INT(t.recs[1].offset, 18);
	CHECK_EQ_INT(t.recs[1].length, 11);
	FIELD_IS(&t, 1, 0, "c", "true", 23, B, 1);
	trun_free(&t);
}

static void test_nested_paths(void)
{
	static const char in[] =
	    "{\"id\":7,\"meta\":{\"author\":{\"email\":\"a@b.org\"}},"
	    "\"tags\":[\"x\",\"y\",\"z\"],\"m\":[[10,20],[30]],"
	    "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
	    "{\"content\":\"yo\"}]}\n";
	aud_reader_opts o = jl_opts(0);
	trun t;

	RUN_ALL(&t, in, &o);
	CHECK_EQ_INT(t.nrec, 1);
	CHECK_EQ_INT(t.problems, 0);
	CHECK_EQ_INT(t.recs[0].nf, 11);
	if (t.nrec != 1 || t.recs[0].nf != 11)
		return;
	/* '{'0 '"'1 i2 d3 '"'4 ':'5 '7'6 */
	FIELD_IS(&t, 0, 0, "id", "7", 6, N, 1);
	/* ... {"email":"a@b.org": the value starts at 35 */
	FIELD_IS(&t, 0, 1, "meta.author.email", "a@b.org", 35, S, 1);
	FIELD_IS(&t, 0, 2, "tags[0]", "x", after(in, "[\""), S, 1);
	FIELD_IS(&t, 0, 3, "tags[1]", "y", after(in, ",\"y") - 1, S, 1);
	FIELD_IS(&t, 0, 4, "tags[2]", "z", after(in, ",\"z") - 1, S, 1);
	FIELD_IS(&t, 0, 5, "m[0][0]", "10", after(in, "[["), N, 1);
	FIELD_IS(&t, 0, 6, "m[0][1]", "20", after(in, "10,"), N, 1);
	FIELD_IS(&t, 0, 7, "m[1][0]", "30", after(in, "],["), N, 1);
	FIELD_IS(&t, 0, 8, "messages[0].role", "user", after(in, "\"role\":\""),
		 S, 1);
	FIELD_IS(&t, 0, 9, "messages[0].content", "hi",
		 after(in, "\"content\":\"h") - 1, S, 1);
	FIELD_IS(&t, 0, 10, "messages[1].content", "yo",
		 after(in, "\"content\":\"y") - 1, S, 1);
	trun_free(&t);
}

static void test_escapes(void)
{
	/* '{'0 '"'1 e2 '"'3 ':'4 '"'5 a6 */
	static const char in[] =
	    "{\"e\":\"a\\u0040b.org\",\"s\":\"\\ud83d\\ude00\","
	    "\"q\":\"say \\\"hi\\\"\\\\n\\/\\t\",\"c\":\"\\b\\f\\n\\r\\t\","
	    "\"k\\u00e9y\":\"v\",\"lone\":\"\\ud800x\",\"lo\":\"\\uDC00\","
	    "\"pair\":\"\\uD834\\uDD1E\",\"nul\":\"\\u0000\"}\n";
	aud_reader_opts o = jl_opts(0);
	trun t;

	RUN_ALL(&t, in, &o);
	CHECK_EQ_INT(t.nrec, 1);
	CHECK_EQ_INT(t.problems, 0);
	CHECK_EQ_INT(t.recs[0].nf, 9);
	if (t.nrec != 1 || t.recs[0].nf != 9)
		return;
	FIELD_IS(&t, 0, 0, "e", "a@b.org", 6, S, 0);
	/* U+1F600 from a surrogate pair: F0 9F 98 80. */
	FIELD_IS(&t, 0, 1, "s", "\xF0\x9F\x98\x80", after(in, "\"s\":\""), S,
		 0);
	FIELD_IS(&t, 0, 2, "q", "say \"hi\"\\n/\t", after(in, "\"q\":\""), S,
		 0);
	FIELD_IS(&t, 0, 3, "c", "\b\f\n\r\t", after(in, "\"c\":\""), S, 0);
	/* Keys are unescaped too. */
	FIELD_IS(&t, 0, 4, "k\xC3\xA9y", "v", after(in, "e9y\":\""), S, 1);
	/* Lone surrogates cannot be UTF-8: U+FFFD instead. */
	FIELD_IS(&t, 0, 5, "lone", "\xEF\xBF\xBDx", after(in, "lone\":\""), S,
		 0);
	FIELD_IS(&t, 0, 6, "lo", "\xEF\xBF\xBD", after(in, "lo\":\""), S, 0);
	/* U+1D11E (musical G clef): F0 9D 84 9E. */
	FIELD_IS(&t, 0, 7, "pair", "\xF0\x9D\x84\x9E", after(in, "pair\":\""),
		 S, 0);
	CHECK_EQ_INT(t.recs[0].f[8].vlen, 1);
	CHECK_EQ_INT(t.recs[0].f[8].val[0], 0);
	CHECK_EQ_INT(t.recs[0].flags, 0); /* \u0000 is not a raw NUL */
	trun_free(&t);
}

static void test_types(void)
{
	/* '{'0 '"'1 n2 '"'3 ':'4 '-'5 */
	static const char in[] =
	    "{\"n\":-1.5e3,\"t\":true,\"f\":false,\"z\":null,\"o\":{},"
	    "\"a\":[],\"i\":0,\"E\":2E+10, \"d\" : { \"x\" : [ ] , \"y\" :"
	    " 0.25 } , \"a\":2}\n";
	aud_reader_opts o = jl_opts(0);
	trun t;

	RUN_ALL(&t, in, &o);
	CHECK_EQ_INT(t.nrec, 1);
	CHECK_EQ_INT(t.problems, 0);
	CHECK_EQ_INT(t.recs[0].nf, 8);
	if (t.nrec != 1 || t.recs[0].nf != 8)
		return;
	FIELD_IS(&t, 0, 0, "n", "-1.5e3", 5, N, 1);
	FIELD_IS(&t, 0, 1, "t", "true", after(in, "\"t\":"), B, 1);
	FIELD_IS(&t, 0, 2, "f", "false", after(in, "\"f\":"), B, 1);
	FIELD_IS(&t, 0, 3, "z", "", after(in, "\"z\":"), Z, 1);
	FIELD_IS(&t, 0, 4, "i", "0", after(in, "\"i\":"), N, 1);
	FIELD_IS(&t, 0, 5, "E", "2E+10", after(in, "\"E\":"), N, 1);
	FIELD_IS(&t, 0, 6, "d.y", "0.25", after(in, "\"y\" : "), N, 1);
	/* Duplicate keys: both given. */
	FIELD_IS(&t, 0, 7, "a", "2", after(in, "\"a\":2") - 1, N, 1);
	trun_free(&t);
}

static void test_blank_crlf_bom(void)
{
	/* BOM 0-2; '{'3 '"'4 a5 '"'6 ':'7 '1'8 '}'9 '\r'10 '\n'11;
	 * "\r\n" 12-13; "   \n" 14-17; '{'18 .. '2'23 '}'24 '\r'25 '\n'26 */
	static const char in[] =
	    "\xEF\xBB\xBF{\"a\":1}\r\n\r\n   \n{\"b\":2}\r\n";
	aud_reader_opts o = jl_opts(0);
	trun t;

	RUN_ALL(&t, in, &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.nrec, 2);
	CHECK_EQ_INT(t.problems, 0);
	CHECK_EQ_INT(t.lines, 4);
	CHECK_EQ_INT(t.recs[0].offset, 3);
	CHECK_EQ_INT(t.recs[0].length, 9);
	CHECK_EQ_INT(t.recs[0].line, 1);
	FIELD_IS(&t, 0, 0, "a", "1", 8, N, 1);
	CHECK_EQ_INT(t.recs[1].number, 2);
	CHECK_EQ_INT(t.recs[1].line, 4);
	CHECK_EQ_INT(t.recs[1].offset, 18);
	CHECK_EQ_INT(t.recs[1].length, 9);
	FIELD_IS(&t, 1, 0, "b", "2", 23, N, 1);
	trun_free(&t);
}

static void test_last_line_without_newline(void)
{
	static const char in[] = "{\"a\":1}\n{\"b\":2}";
	aud_reader_opts o = jl_opts(0);
	trun t;

	RUN_ALL(&t, in, &o);
	CHECK_EQ_INT(t.nrec, 2);
	CHECK_EQ_INT(t.lines, 2);
	CHECK_EQ_INT(t.recs[1].offset, 8);
	CHECK_EQ_INT(t.recs[1].length, 7);
	FIELD_IS(&t, 1, 0, "b", "2", 13, N, 1);
	trun_free(&t);
	RUN_ALL(&t, "{\"a\":1}\n  \n", &o);
	CHECK_EQ_INT(t.nrec, 1);
	CHECK_EQ_INT(t.lines, 2);
	trun_free(&t);
}

struct badcase {
	const char *line;
	unsigned rel; /* offset of the offending byte in the line */
	const char *msg;
};

static void test_invalid_lines(void)
{
	static const struct badcase cases[] = {
	    {"{\"a\":}", 5, "invalid JSON: unexpected '}' (expected a value)"},
	    {"{\"a\":1,}", 7, "invalid JSON: unexpected '}' (expected a key)"},
	    {"{\"a\":01}", 6,
	     "invalid JSON: unexpected '1' (expected ',' or '}')"},
	    {"{\"a\":\"x", 7,
	     "invalid JSON: unexpected end of line (expected '\"' to end "
	     "the string)"},
	    {"{\"a\":\"\\q\"}", 7,
	     "invalid JSON: unexpected 'q' (expected an escape "
	     "character)"},
	    {"{\"a\":1} x", 8,
	     "invalid JSON: unexpected 'x' (expected end of line after "
	     "the object)"},
	    {"{\"a\":\"t\tb\"}", 7,
	     "invalid JSON: unescaped control character 0x09 in string"},
	    {"{\"a\":tru}", 8,
	     "invalid JSON: unexpected '}' (expected 'true')"},
	    {"{\"a\":-}", 6, "invalid JSON: unexpected '}' (expected a digit)"},
	    {"{\"a\":1.}", 7,
	     "invalid JSON: unexpected '}' (expected a digit after '.')"},
	    {"{\"a\":1e}", 7,
	     "invalid JSON: unexpected '}' (expected a digit in the "
	     "exponent)"},
	    {"{\"a\" 1}", 5, "invalid JSON: unexpected '1' (expected ':')"},
	    {"{a:1}", 1,
	     "invalid JSON: unexpected 'a' (expected a key or '}')"},
	    {"{\"a\":[1 2]}", 8,
	     "invalid JSON: unexpected '2' (expected ',' or ']')"},
	    {"{\"a\":\"\\u12G4\"}", 6, "invalid JSON: invalid \\u escape"},
	    {"{\"a\":1", 6,
	     "invalid JSON: unexpected end of line (expected ',' or '}')"},
	    {"{\"a\":1}}", 7,
	     "invalid JSON: unexpected '}' (expected end of line after "
	     "the object)"},
	    {"{\"a\":NaN}", 5,
	     "invalid JSON: unexpected 'N' (expected a value)"},
	    {"[1,2]", 0,
	     "line is not a JSON object (JSON Lines holds one object per "
	     "line; a JSON array becomes that with jq -c '.[]')"},
	    {" [", 1,
	     "line is not a JSON object (JSON Lines holds one object per "
	     "line; a JSON array becomes that with jq -c '.[]')"},
	    {"  42", 2, "line is not a JSON object"},
	    {"\"str\"", 0, "line is not a JSON object"},
	};
	enum { NC = sizeof cases / sizeof cases[0] };
	static char in[2048];
	uint64_t start[NC];
	size_t i, len = 0;
	aud_reader_opts o = jl_opts(0);
	trun t;

	for (i = 0; i < NC; i++) {
		start[i] = len;
		len += (size_t)sprintf(in + len, "%s\n", cases[i].line);
	}
	run_all(&t, in, len, &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.nrec, NC);
	CHECK_EQ_INT(t.records, NC);
	CHECK_EQ_INT(t.problems, NC);
	if (t.nrec != NC || t.nprob != NC)
		return;
	for (i = 0; i < NC; i++) {
		CHECK_EQ_INT(t.probs[i].code, AUD_EFORMAT);
		CHECK_STR(t.probs[i].msg, cases[i].msg);
		CHECK_EQ_INT(t.probs[i].off, start[i] + cases[i].rel);
		CHECK_EQ_INT(t.probs[i].rec, i + 1);
		CHECK_EQ_INT(t.probs[i].line, i + 1);
		CHECK_EQ_INT(t.recs[i].number, i + 1);
		CHECK_EQ_INT(t.recs[i].flags, AUD_REC_UNPARSED);
		CHECK_EQ_INT(t.recs[i].nf, 1);
		FIELD_IS(&t, i, 0, "(unparsed)", cases[i].line, start[i], S, 1);
	}
	trun_free(&t);
}

static void test_deep_nesting(void)
{
	size_t depth = 1000000, len;
	char *in = malloc(depth + 64);
	aud_reader_opts o = jl_opts(0);
	clock_t t0;
	trun t;

	/* {"a": then a million '[': the object is level 1, so the 1000th
	 * '[' (at 5 + 999) would be level 1001. */
	memcpy(in, "{\"a\":", 5);
	memset(in + 5, '[', depth);
	len = 5 + depth;
	len += (size_t)sprintf(in + len, "}\n{\"b\":1}\n");
	t0 = clock();
	run_chunks(&t, in, len, 0, &o, -1);
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	trun_free(&t);
	run_all(&t, in, len, &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.nrec, 2);
	CHECK_EQ_INT(t.nprob, 1);
	CHECK_STR(t.probs[0].msg,
		  "invalid JSON: nesting deeper than 1000 levels");
	CHECK_EQ_INT(t.probs[0].off, 1004);
	CHECK_EQ_INT(t.recs[0].flags, AUD_REC_UNPARSED);
	CHECK_EQ_INT(t.recs[0].f[0].vlen, 5 + depth + 1);
	CHECK_EQ_INT(t.recs[1].number, 2);
	FIELD_IS(&t, 1, 0, "b", "1", 5 + depth + 2 + 5, N, 1);
	trun_free(&t);

	/* 999 arrays inside the object: exactly 1000 levels, valid. */
	memset(in + 5, '[', 999);
	in[5 + 999] = '1';
	memset(in + 5 + 1000, ']', 999);
	len = 5 + 1000 + 999;
	len += (size_t)sprintf(in + len, "}\n");
	run_all(&t, in, len, &o);
	CHECK_EQ_INT(t.nprob, 0);
	CHECK_EQ_INT(t.nrec, 1);
	CHECK_EQ_INT(t.recs[0].nf, 1);
	if (t.nrec == 1 && t.recs[0].nf == 1) {
		CHECK_EQ_INT(t.recs[0].f[0].nlen, 1 + 999 * 3);
		CHECK(strncmp(t.recs[0].f[0].name, "a[0][0]", 7) == 0);
		CHECK_MEM_STR(t.recs[0].f[0].val, t.recs[0].f[0].vlen, "1");
		CHECK_EQ_INT(t.recs[0].f[0].off, 1004);
	}
	trun_free(&t);
	free(in);
}

/* Line 1 "{"a":1}\n" (0-7); line 2 at 8 is `{"b":"` + x's + `"}\n`
 * of `total` bytes; line 3 `{"c":3}\n` after it. */
static size_t long_line_input(char *buf, size_t total, int last_nl)
{
	size_t len = 0;

	len += (size_t)sprintf(buf, "{\"a\":1}\n{\"b\":\"");
	memset(buf + len, 'x', total - 9);
	len += total - 9;
	len +=
	    (size_t)sprintf(buf + len, "\"}\n{\"c\":3}%s", last_nl ? "\n" : "");
	return len;
}

static void test_line_over_cap(void)
{
	static char buf[8192];
	aud_reader_opts o = jl_opts(1024);
	size_t len;
	trun t;

	/* Exactly 1024 bytes with its '\n': accepted. */
	len = long_line_input(buf, 1024, 1);
	run_all(&t, buf, len, &o);
	CHECK_EQ_INT(t.problems, 0);
	CHECK_EQ_INT(t.nrec, 3);
	CHECK_EQ_INT(t.recs[1].length, 1024);
	trun_free(&t);
	/* 2009 bytes: skipped, numbered, the next line still read. */
	len = long_line_input(buf, 2009, 1);
	run_all(&t, buf, len, &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.nrec, 2);
	CHECK_EQ_INT(t.records, 2);
	CHECK_EQ_INT(t.problems, 1);
	CHECK_EQ_INT(t.probs[0].code, AUD_ELIMIT);
	CHECK_STR(t.probs[0].msg, "record exceeds --max-record-bytes (1024)");
	CHECK_EQ_INT(t.probs[0].rec, 2);
	CHECK_EQ_INT(t.probs[0].line, 2);
	CHECK_EQ_INT(t.probs[0].off, 8);
	CHECK_EQ_INT(t.recs[1].number, 3);
	CHECK_EQ_INT(t.recs[1].line, 3);
	CHECK_EQ_INT(t.recs[1].offset, 8 + 2009);
	FIELD_IS(&t, 1, 0, "c", "3", 8 + 2009 + 5, N, 1);
	CHECK_EQ_INT(t.lines, 3);
	trun_free(&t);
	/* Over the cap and last, without '\n'. */
	len = (size_t)sprintf(buf, "{\"a\":1}\n");
	memset(buf + len, ' ', 1500);
	len += 1500;
	memcpy(buf + len, "{}", 2);
	len += 2;
	run_all(&t, buf, len, &o);
	CHECK_EQ_INT(t.nrec, 1);
	CHECK_EQ_INT(t.problems, 1);
	CHECK_EQ_INT(t.probs[0].rec, 2);
	CHECK_EQ_INT(t.lines, 2);
	trun_free(&t);
}

static void test_bad_bytes(void)
{
	/* Line 1 (0-12): '{'0 '"'1 a2 '"'3 ':'4 '"'5 c6 a7 f8 E9@9.
	 * Line 2 at 13 (11 bytes and '\n'): '"'18 x19 NUL@20.
	 * Line 3 at 25: {"n":1} then NUL@32. */
	static const char in[] = "{\"a\":\"caf\xE9\"}\n"
				 "{\"a\":\"x\0y\"}\n"
				 "{\"n\":1}\0\n";
	aud_reader_opts o = jl_opts(0);
	trun t;

	run_all(&t, in, sizeof in - 1, &o);
	CHECK_EQ_INT(t.nrec, 3);
	CHECK_EQ_INT(t.nprob, 5);
	if (t.nrec != 3 || t.nprob != 5)
		return;
	CHECK_EQ_INT(t.recs[0].flags, AUD_REC_INVALID_UTF8);
	FIELD_IS(&t, 0, 0, "a", "caf\xE9", 6, S, 1);
	CHECK_STR(t.probs[0].msg, "invalid UTF-8 at byte 9");
	CHECK_EQ_INT(t.probs[0].off, 9);
	CHECK_EQ_INT(t.probs[0].rec, 1);
	CHECK_EQ_INT(t.recs[1].flags, AUD_REC_HAS_NUL | AUD_REC_UNPARSED);
	CHECK_STR(t.probs[1].msg, "NUL byte");
	CHECK_EQ_INT(t.probs[1].off, 20);
	CHECK_STR(t.probs[2].msg,
		  "invalid JSON: unescaped control character 0x00 in string");
	CHECK_EQ_INT(t.probs[2].off, 20);
	CHECK_EQ_INT(t.recs[1].f[0].vlen, 11);
	CHECK_EQ_INT(t.recs[2].flags, AUD_REC_HAS_NUL | AUD_REC_UNPARSED);
	CHECK_EQ_INT(t.probs[3].off, 32);
	CHECK_STR(t.probs[4].msg,
		  "invalid JSON: unexpected byte 0x00 (expected end of line "
		  "after the object)");
	CHECK_EQ_INT(t.probs[4].off, 32);
	trun_free(&t);
}

static void test_flatten_limits(void)
{
	/* max 64 KiB: at most 4096 fields a record, and names plus values
	 * at most 256 KiB. */
	static char buf[70000];
	aud_reader_opts o = jl_opts(65536);
	size_t len, i;
	trun t;

	len = (size_t)sprintf(buf, "{\"a\":[");
	for (i = 0; i < 4100; i++)
		len += (size_t)sprintf(buf + len, "0,");
	len += (size_t)sprintf(buf + len, "0]}\n{\"ok\":1}\n");
	run_all(&t, buf, len, &o);
	CHECK_EQ_INT(t.nrec, 2);
	CHECK_EQ_INT(t.nprob, 1);
	CHECK_EQ_INT(t.probs[0].code, AUD_ELIMIT);
	CHECK_STR(t.probs[0].msg, "record has more than 4096 fields");
	CHECK_EQ_INT(t.recs[0].flags, AUD_REC_UNPARSED);
	CHECK_EQ_INT(t.recs[1].nf, 1);
	trun_free(&t);

	/* A 30000-byte key over ten leaves: ten 30002-byte names. */
	len = (size_t)sprintf(buf, "{\"");
	memset(buf + len, 'k', 30000);
	len += 30000;
	len += (size_t)sprintf(buf + len, "\":{\"a\":1,\"b\":2,\"c\":3,\"d\":4,"
					  "\"e\":5,\"f\":6,\"g\":7,\"h\":8,"
					  "\"i\":9,\"j\":10}}\n");
	run_all(&t, buf, len, &o);
	CHECK_EQ_INT(t.nrec, 1);
	CHECK_EQ_INT(t.nprob, 1);
	CHECK_EQ_INT(t.probs[0].code, AUD_ELIMIT);
	CHECK_STR(t.probs[0].msg, "flattened record exceeds its size limit");
	CHECK_EQ_INT(t.recs[0].flags, AUD_REC_UNPARSED);
	trun_free(&t);
}

static void test_stop(void)
{
	static const char in[] = "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n";
	aud_reader_opts o = jl_opts(0);
	trun t;

	run_all_stop(&t, in, sizeof in - 1, &o, 2);
	CHECK_EQ_INT(t.rc, 7);
	CHECK_EQ_INT(t.nrec, 2);
	trun_free(&t);
	run_all(&t, "", 0, &o);
	CHECK_EQ_INT(t.nrec, 0);
	CHECK_EQ_INT(t.lines, 0);
	trun_free(&t);
	run_all(&t, "\xEF\xBB\xBF", 3, &o);
	CHECK_EQ_INT(t.nrec, 0);
	CHECK_EQ_INT(t.nprob, 0);
	trun_free(&t);
}

/* ---- the fast paths against the byte loops --------------------------- */

/* Reads data whole at each aud_reader_set_fast level (1: the machine's
 * best, 2: SSE2 only, 0: byte loops) and in chunks of `chunk` bytes at
 * level 1: every transcript must be the same. Returns 1 when they are. */
static int levels_agree(const char *data, size_t len, size_t max, size_t chunk)
{
	aud_reader_opts o = jl_opts(max);
	trun a, b;
	int ok = 1, lv;

	run_chunks(&a, data, len, 0, &o, -1);
	ok = a.exact_ok;
	for (lv = 0; lv <= 3 && ok; lv++) {
		harness_fast = lv == 3 ? 1 : lv;
		run_chunks(&b, data, len, lv == 3 ? chunk : 0, &o, -1);
		harness_fast = 1;
		if (b.loglen != a.loglen || memcmp(b.log, a.log, a.loglen)) {
			fprintf(stderr,
				"level %d differs:\n%s\n--- level 1:\n%s", lv,
				b.log, a.log);
			ok = 0;
		}
		ok = ok && b.exact_ok;
		trun_free(&b);
	}
	trun_free(&a);
	return ok;
}

static unsigned long long rng = 0x9E3779B97F4A7C15ull;

static unsigned rnd(unsigned n) { return h_rnd(&rng, n); }

/* Bytes a string is made of: plain ones and runs of them, escapes, raw
 * UTF-8 (good and bad), and the bytes that end a scan (controls, NUL). */
/* clang-format off */
static const char *const str_bits[] = {
    "a", "b", "x y z", "0123456789abcdef", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
    "\\n", "\\\"", "\\\\", "\\/", "\\t", "\\u0040", "\\u00e9", "\\ud83d\\ude00",
    "\\ud800", "\\udc00x", "\\uZZ", "\\q", "\xC3\xA9", "\xE2\x82\xAC",
    "\xF0\x9F\x98\x80", "\xFF", "\xC3", "\xED\xA0\x80", "\x01", "\x1F", "\t",
    "\x7F", "\\"};
/* clang-format on */

static void add_str(char *buf, size_t *len, size_t cap)
{
	size_t k, want = rnd(4) ? rnd(20) : rnd(150);
	const char *b;

	buf[(*len)++] = '"';
	while (want && *len + 40 < cap) {
		/* Plain bytes most of the time, so escapes and odd bytes
		 * fall at every distance from the string's start. */
		b = str_bits[rnd(4) ? rnd(5)
				    : rnd(sizeof str_bits / sizeof *str_bits)];
		k = strlen(b);
		memcpy(buf + *len, b, k);
		*len += k;
		want = want > k ? want - k : 0;
	}
	if (rnd(40))
		buf[(*len)++] = '"';
	if (!rnd(200))
		buf[(*len)++] = '\0';
}

static void add_value(char *buf, size_t *len, size_t cap, int depth);

static void add_object(char *buf, size_t *len, size_t cap, int depth)
{
	int i, n = (int)rnd(6);

	buf[(*len)++] = '{';
	for (i = 0; i < n && *len + 200 < cap; i++) {
		if (i)
			*len +=
			    (size_t)sprintf(buf + *len, rnd(2) ? "," : ", ");
		add_str(buf, len, cap);
		*len += (size_t)sprintf(buf + *len, rnd(3) ? ":" : " : ");
		add_value(buf, len, cap, depth + 1);
	}
	if (rnd(30))
		buf[(*len)++] = '}';
}

static void add_value(char *buf, size_t *len, size_t cap, int depth)
{
	static const char *const atoms[] = {"1",    "-0.5",  "2e+10", "0",
					    "true", "false", "null",  "01",
					    "tru",  "-",     "1.",    "NaN"};
	int i, n;

	switch (depth < 4 ? rnd(8) : 6 + rnd(2)) {
	case 0:
		add_object(buf, len, cap, depth);
		return;
	case 1:
		n = (int)rnd(5);
		buf[(*len)++] = '[';
		for (i = 0; i < n && *len + 200 < cap; i++) {
			if (i)
				buf[(*len)++] = ',';
			add_value(buf, len, cap, depth + 1);
		}
		if (rnd(30))
			buf[(*len)++] = ']';
		return;
	case 6:
		*len += (size_t)sprintf(buf + *len, "%s",
					atoms[rnd(rnd(10) ? 7 : 12)]);
		return;
	default:
		add_str(buf, len, cap);
	}
}

/* Random lines, mostly valid JSON, some broken, all kinds of strings in
 * them: every level and every chunking gives the same records, fields,
 * offsets and problems; also with a record limit small enough that some
 * lines pass it and some flattened records pass four times it. */
static void test_levels_random(void)
{
	static char buf[1 << 16];
	size_t len, lines;
	int run, ok = 1;

	for (run = 0; run < 300 && ok; run++) {
		len = 0;
		for (lines = 0; lines < 20 && len + 4000 < sizeof buf;
		     lines++) {
			if (!rnd(20))
				len += (size_t)sprintf(buf + len, "%s",
						       rnd(2) ? "  " : "\r");
			else
				add_object(buf, &len, sizeof buf, 0);
			if (!rnd(15))
				buf[len++] = '\r';
			buf[len++] = '\n';
		}
		ok = levels_agree(buf, len, run % 3 ? 0 : 300, 1 + rnd(100));
	}
	CHECK(ok);
}

/* A string whose escape, or odd byte, falls at each place from 0 to 130
 * and whose start falls at each place in a 64-byte block: the strings
 * cross 16-, 32- and 64-byte boundaries at every offset, and end on
 * them. */
static void test_levels_every_position(void)
{
	static const struct {
		const char *b;
		size_t len;
	} odd[] = {{"\\n", 2},
		   {"\\\"", 2},
		   {"\\\\", 2},
		   {"\\u00e9", 6},
		   {"\\ud83d\\ude00", 12},
		   {"\xC3\xA9", 2},
		   {"\xFF", 1},
		   {"\x01", 1},
		   {"\0", 1},
		   {"\"", 1},
		   {"", 0}};
	static char buf[1 << 16];
	size_t len, a, pad, i;
	int ok = 1;

	for (i = 0; i < sizeof odd / sizeof *odd && ok; i++) {
		for (pad = 0; pad < 64 && ok; pad += 7) {
			len = 0;
			for (a = 0; a <= 130; a++) {
				len += (size_t)sprintf(
				    buf + len, "{\"%.*s\":\"", (int)pad,
				    "kkkkkkkkkkkkkkkkkkkkkkkkkkk"
				    "kkkkkkkkkkkkkkkkkkkkkkkkkk"
				    "kkkkkkkkkkkkk");
				memset(buf + len, 'x', a);
				len += a;
				memcpy(buf + len, odd[i].b, odd[i].len);
				len += odd[i].len;
				/* The rest of the string, and sometimes none
				 * (the line ends inside it). */
				if (a % 5)
					len +=
					    (size_t)sprintf(buf + len, "yz\"}");
				buf[len++] = '\n';
			}
			ok = levels_agree(buf, len, 0, 61);
		}
	}
	CHECK(ok);
}

/* The arena's limit counts the names of top-level keys although they are
 * no longer copied there: with max 1024 (arena 4096), 19 names of 202
 * bytes (3838) and a top-level name of 258 bytes fill it exactly; one
 * more byte of name passes it, before or after the nested ones. */
static void test_limit_counts_top_names(void)
{
	static char buf[8192];
	aud_reader_opts o = jl_opts(1024);
	size_t len, i;
	int top, first;
	trun t;

	for (top = 258; top <= 259; top++) {
		for (first = 0; first <= 1; first++) {
			len = 0;
			buf[len++] = '{';
			if (first)
				len += (size_t)sprintf(buf + len, "\"%0*d\":1,",
						       top, 0);
			len += (size_t)sprintf(buf + len, "\"%0200d\":{", 0);
			for (i = 0; i < 19; i++)
				len += (size_t)sprintf(
				    buf + len, "%s\"%c\":%zu", i ? "," : "",
				    (char)('a' + i), i);
			buf[len++] = '}';
			if (!first)
				len += (size_t)sprintf(buf + len, ",\"%0*d\":1",
						       top, 0);
			len += (size_t)sprintf(buf + len, "}\n{\"ok\":1}\n");
			run_all(&t, buf, len, &o);
			CHECK_EQ_INT(t.nrec, 2);
			if (top == 258) {
				CHECK_EQ_INT(t.nprob, 0);
				CHECK_EQ_INT(t.recs[0].nf, 20);
				CHECK_EQ_INT(t.recs[0].f[first ? 0 : 19].nlen,
					     258);
				CHECK_EQ_INT(t.recs[0].f[first ? 1 : 0].nlen,
					     202);
			} else {
				CHECK_EQ_INT(t.nprob, 1);
				CHECK_STR(t.probs[0].msg,
					  "flattened record exceeds its size "
					  "limit");
				CHECK_EQ_INT(t.recs[0].flags, AUD_REC_UNPARSED);
			}
			CHECK(levels_agree(buf, len, 1024, 5));
			trun_free(&t);
		}
	}
}

int main(void)
{
	RUN(test_two_lines_offsets);
	RUN(test_nested_paths);
	RUN(test_escapes);
	RUN(test_types);
	RUN(test_blank_crlf_bom);
	RUN(test_last_line_without_newline);
	RUN(test_invalid_lines);
	RUN(test_deep_nesting);
	RUN(test_line_over_cap);
	RUN(test_bad_bytes);
	RUN(test_flatten_limits);
	RUN(test_stop);
	RUN(test_levels_random);
	RUN(test_levels_every_position);
	RUN(test_limit_counts_top_names);
	return DONE();
}
