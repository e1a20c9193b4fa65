/*
 * test_json_array.c: the JSON array reader (AUD_FMT_JSON, auditor/jsonl.c):
 * a file that is one JSON array, its elements the records, over any
 * number of lines. Every input is fed whole and in chunks of 1, 2, 3, 7
 * and 64 bytes, and with the fast paths off (reader_harness.h): all runs
 * must give the same records, offsets and problems. Expected offsets were
 * counted from the inputs (listed next to each case); the random test
 * compares each element's fields with those the JSON Lines reader gives
 * for the same object on a line of its own, and checks each record's
 * offset and line against the place its generator wrote the element.
 */
#include "auditor/reader.h"

#include "harness.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "reader_harness.h"

static aud_reader_opts ja_opts(size_t max)
{
	aud_reader_opts o = {AUD_FMT_JSON, 0, max};

	return o;
}

#define S AUD_VAL_STRING
#define N AUD_VAL_NUMBER

static void field_is(const trun *t, size_t r, size_t i, const char *name,
		     const char *val, uint64_t off, int type, int exact)
{
	CHECK(r < t->nrec && i < t->recs[r].nf);
	if (r >= t->nrec || i >= t->recs[r].nf)
		return;
	CHECK_STR(t->recs[r].f[i].name, name);
	CHECK_MEM_STR(t->recs[r].f[i].val, t->recs[r].f[i].vlen, val);
	CHECK_EQ_INT(t->recs[r].f[i].off, off);
	CHECK_EQ_INT(t->recs[r].f[i].type, type);
	CHECK_EQ_INT(t->recs[r].f[i].exact, exact);
}

/* Two elements over four lines, with ',' ']' '}' and an escaped quote
 * inside a string: '[' 0, '\n' 1, '{' 4, "xy" at 11, 1 at 22, 2 at 25,
 * the first element 24 bytes up to its '}'; the second '{' at 32 on line
 * 3, its value's first raw byte at 39, 17 bytes up to its '}'. */
static void test_two_elements(void)
{
	static const char in[] = "[\n  {\"a\": \"xy\", \"b\": [1, 2]},\n"
				 "  {\"c\": \"d,e]f\\\"}\"}\n]\n";
	aud_reader_opts o = ja_opts(0);
	trun t;

	RUN_ALL(&t, in, &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.nprob, 0);
	CHECK_EQ_INT(t.nrec, 2);
	CHECK_EQ_INT(t.lines, 4);
	CHECK_EQ_INT(t.recs[0].number, 1);
	CHECK_EQ_INT(t.recs[0].line, 2);
	CHECK_EQ_INT(t.recs[0].offset, 4);
	CHECK_EQ_INT(t.recs[0].length, 24);
	CHECK_EQ_INT(t.recs[0].nf, 3);
	field_is(&t, 0, 0, "a", "xy", 11, S, 1);
	field_is(&t, 0, 1, "b[0]", "1", 22, N, 1);
	field_is(&t, 0, 2, "b[1]", "2", 25, N, 1);
	CHECK_EQ_INT(t.recs[1].number, 2);
	CHECK_EQ_INT(t.recs[1].line, 3);
	CHECK_EQ_INT(t.recs[1].offset, 32);
	CHECK_EQ_INT(t.recs[1].length, 17);
	field_is(&t, 1, 0, "c", "d,e]f\"}", 39, S, 0);
	trun_free(&t);
}

/* Empty arrays, white space and a byte order mark give no record and no
 * problem. */
static void test_empty(void)
{
	static const char *const ins[] = {"[]", "  [ ]  \n", "\xEF\xBB\xBF[\n]",
					  "\n\n[\n\n]\n\n"};
	aud_reader_opts o = ja_opts(0);
	size_t i;
	trun t;

	for (i = 0; i < sizeof ins / sizeof *ins; i++) {
		run_all(&t, ins[i], strlen(ins[i]), &o);
		CHECK_EQ_INT(t.rc, 0);
		CHECK_EQ_INT(t.nrec, 0);
		CHECK_EQ_INT(t.nprob, 0);
		trun_free(&t);
	}
}

/* What is wrong with an array is reported at its byte, and every element
 * is still given (a broken one as "(unparsed)"), and what follows the
 * array is read as JSON Lines. Offsets: see each input. */
static void test_problems(void)
{
	aud_reader_opts o = ja_opts(0);
	trun t;

	/* ',' at 9 is an empty element: '[' 0, '{' 1, ',' 8, ',' 9, '{' 10 */
	RUN_ALL(&t, "[{\"a\":1},,{\"b\":2}]", &o);
	CHECK_EQ_INT(t.nrec, 2);
	CHECK_EQ_INT(t.nprob, 1);
	CHECK_STR(t.probs[0].msg, "invalid JSON: unexpected ',' (expected a "
				  "value)");
	CHECK_EQ_INT(t.probs[0].off, 9);
	CHECK_EQ_INT(t.recs[1].offset, 10);
	trun_free(&t);

	/* a ',' before ']' at 9 */
	RUN_ALL(&t, "[{\"a\":1},]", &o);
	CHECK_EQ_INT(t.nrec, 1);
	CHECK_EQ_INT(t.nprob, 1);
	CHECK_STR(t.probs[0].msg, "invalid JSON: unexpected ']' after ',' "
				  "(expected a value)");
	CHECK_EQ_INT(t.probs[0].off, 9);
	trun_free(&t);

	/* no closing ']': the element is given, then the problem at the
	 * end (8) */
	RUN_ALL(&t, "[{\"a\":1}", &o);
	CHECK_EQ_INT(t.nrec, 1);
	CHECK_EQ_INT(t.recs[0].nf, 1);
	CHECK_EQ_INT(t.nprob, 1);
	CHECK_STR(t.probs[0].msg, "invalid JSON: the input ends inside the "
				  "JSON array (no closing ']')");
	CHECK_EQ_INT(t.probs[0].off, 8);
	trun_free(&t);

	/* a string that never closes takes the rest as one broken element
	 * ("x}, {" is the value, then b stands where ',' or '}' must) */
	RUN_ALL(&t, "[{\"a\":\"x}, {\"b\":1}]\n", &o);
	CHECK_EQ_INT(t.nrec, 1);
	CHECK(t.nrec == 1 && (t.recs[0].flags & AUD_REC_UNPARSED));
	CHECK_EQ_INT(t.nprob, 2);
	CHECK_STR(t.probs[0].msg,
		  "invalid JSON: unexpected 'b' (expected ',' or '}')");
	trun_free(&t);

	/* elements that are not objects: given raw, reported at their
	 * first byte ('1' at 1, '"' at 4) */
	RUN_ALL(&t, "[1, \"s\", {\"a\":1}]", &o);
	CHECK_EQ_INT(t.nrec, 3);
	CHECK_EQ_INT(t.nprob, 2);
	CHECK(t.nrec == 3 && (t.recs[0].flags & AUD_REC_UNPARSED) &&
	      (t.recs[1].flags & AUD_REC_UNPARSED) &&
	      !(t.recs[2].flags & AUD_REC_UNPARSED));
	CHECK_EQ_INT(t.probs[0].off, 1);
	CHECK_EQ_INT(t.probs[1].off, 4);
	CHECK_STR(t.probs[0].msg, "element is not a JSON object");
	trun_free(&t);

	/* bytes after the array (at 10, line 1) are read as JSON Lines:
	 * '{' 10 starts record 2, "y" at 16, '\n' at 19; record 3 on line 2
	 * at 20 */
	RUN_ALL(&t, "[{\"a\":1}] {\"b\":\"y\"}\n{\"c\":1}\n", &o);
	CHECK_EQ_INT(t.nrec, 3);
	CHECK_EQ_INT(t.nprob, 1);
	CHECK_STR(t.probs[0].msg, "data after the end of the JSON array: read "
				  "as JSON Lines");
	CHECK_EQ_INT(t.probs[0].off, 10);
	CHECK_EQ_INT(t.recs[1].offset, 10);
	CHECK_EQ_INT(t.recs[1].line, 1);
	field_is(&t, 1, 0, "b", "y", 16, S, 1);
	CHECK_EQ_INT(t.recs[2].offset, 20);
	CHECK_EQ_INT(t.recs[2].line, 2);
	trun_free(&t);

	/* not an array at all: read as JSON Lines from its first byte */
	RUN_ALL(&t, "{\"a\":1}\n{\"b\":2}\n", &o);
	CHECK_EQ_INT(t.nrec, 2);
	CHECK_EQ_INT(t.nprob, 1);
	CHECK_STR(t.probs[0].msg, "not a JSON array: read as JSON Lines");
	trun_free(&t);
}

/* An element over the record limit is reported at its first byte and
 * skipped to its end, without being kept; it takes a record number.
 * '{' of the long one at 1, its 59 bytes up to 59, ',' at 60, the next
 * '{' at 61. */
static void test_element_over_cap(void)
{
	char in[200];
	aud_reader_opts o = ja_opts(40);
	trun t;

	memset(in, 0, sizeof in);
	strcpy(in, "[{\"a\":\"");
	memset(in + 7, 'x', 51); /* '{' .. '}' is 59 bytes */
	strcat(in, "\"},{\"b\":1}]");
	run_all(&t, in, strlen(in), &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.nprob, 1);
	CHECK_STR(t.probs[0].msg, "record exceeds --max-record-bytes (40)");
	CHECK_EQ_INT(t.probs[0].off, 1);
	CHECK_EQ_INT(t.probs[0].rec, 1);
	CHECK_EQ_INT(t.nrec, 1);
	CHECK_EQ_INT(t.recs[0].number, 2);
	CHECK_EQ_INT(t.recs[0].offset, 61);
	trun_free(&t);
}

/* ---- random arrays against JSON Lines -------------------------------- */

static unsigned long long rng = 0x2545F4914F6CDD1Dull;

static unsigned rnd(unsigned n) { return h_rnd(&rng, n); }

/* White space between tokens: none, a space, or a line end and indent
 * (in the array only; on the JSON Lines side it is left out). */
static void ws(char *b, size_t *n, int lines)
{
	unsigned k = rnd(4); /* drawn either way: both sides stay in step */

	switch (lines ? k : 3) {
	case 0:
		b[(*n)++] = ' ';
		break;
	case 1:
		memcpy(b + *n, "\n    ", 5);
		*n += 5;
		break;
	case 2:
		memcpy(b + *n, "\r\n\t", 3);
		*n += 3;
		break;
	default:
		break;
	}
}

/* Strings full of the bytes that end an element outside strings. */
static const char *const bits[] = {"a",   ",",   "]",	"}",  "[",
				   "{",   "\\\"", "\\\\", "x y", "\\n",
				   "\\u005d", "\xC3\xA9", ", ]"};

static void str(char *b, size_t *n)
{
	int k = (int)rnd(6);

	b[(*n)++] = '"';
	while (k--) {
		const char *s = bits[rnd(sizeof bits / sizeof *bits)];

		memcpy(b + *n, s, strlen(s));
		*n += strlen(s);
	}
	b[(*n)++] = '"';
}

static void value(char *b, size_t *n, int depth, int lines);

static void object(char *b, size_t *n, int depth, int lines)
{
	int i, k = (int)rnd(depth ? 3 : 5);

	b[(*n)++] = '{';
	for (i = 0; i < k; i++) {
		if (i)
			b[(*n)++] = ',';
		ws(b, n, lines);
		str(b, n);
		b[(*n)++] = ':';
		ws(b, n, lines);
		value(b, n, depth + 1, lines);
	}
	ws(b, n, lines);
	b[(*n)++] = '}';
}

static void value(char *b, size_t *n, int depth, int lines)
{
	int i, k;

	switch (depth < 3 ? rnd(5) : 3 + rnd(2)) {
	case 0:
		object(b, n, depth, lines);
		break;
	case 1:
		k = (int)rnd(4);
		b[(*n)++] = '[';
		for (i = 0; i < k; i++) {
			if (i)
				b[(*n)++] = ',';
			ws(b, n, lines);
			value(b, n, depth + 1, lines);
		}
		ws(b, n, lines);
		b[(*n)++] = ']';
		break;
	case 2:
		*n += (size_t)sprintf(b + *n, "%u", rnd(100000));
		break;
	default:
		str(b, n);
	}
}

/* The same records, field by field (not their places). */
static int same_fields(const trun *a, const trun *b)
{
	size_t r, i;

	if (a->nrec != b->nrec || a->nprob != 0 || b->nprob != 0)
		return 0;
	for (r = 0; r < a->nrec; r++) {
		if (a->recs[r].nf != b->recs[r].nf)
			return 0;
		for (i = 0; i < a->recs[r].nf; i++) {
			const tfield *x = &a->recs[r].f[i], *y = &b->recs[r].f[i];

			if (strcmp(x->name, y->name) || x->vlen != y->vlen ||
			    memcmp(x->val, y->val, x->vlen) ||
			    x->type != y->type)
				return 0;
		}
	}
	return 1;
}

/* Random arrays of random objects (strings full of ',' ']' '}' and
 * escapes, nested arrays and objects, white space and line ends between
 * every token): each element gives the fields the JSON Lines reader
 * gives for the same object on a line of its own, at the offset and line
 * where the generator put its '{'. */
static void test_random_against_lines(void)
{
	static char arr[1 << 16], lines[1 << 16];
	aud_reader_opts oa = ja_opts(0), ol = {AUD_FMT_JSONL, 0, 0};
	size_t start[40], run, k;
	int ok = 1;

	for (run = 0; run < 300 && ok; run++) {
		size_t na = 0, nl = 0, ne = 1 + rnd(30), i;
		unsigned long long keep;
		trun ta, tl;

		arr[na++] = '[';
		for (i = 0; i < ne; i++) {
			if (i)
				arr[na++] = ',';
			ws(arr, &na, 1);
			start[i] = na;
			/* the same object twice, from the same random state:
			 * with line ends in the array, without in the line */
			keep = rng;
			object(arr, &na, 0, 1);
			rng = keep;
			object(lines, &nl, 0, 0);
			lines[nl++] = '\n';
		}
		ws(arr, &na, 1);
		arr[na++] = ']';
		arr[na++] = '\n';
		run_all(&ta, arr, na, &oa);
		run_all(&tl, lines, nl, &ol);
		ok = ta.rc == 0 && tl.rc == 0 && same_fields(&ta, &tl) &&
		     ta.exact_ok;
		for (k = 0; ok && k < ta.nrec; k++) {
			size_t nls = 0, p;

			for (p = 0; p < start[k]; p++)
				nls += arr[p] == '\n';
			ok = ta.recs[k].offset == start[k] &&
			     ta.recs[k].line == nls + 1 &&
			     ta.recs[k].number == k + 1;
		}
		if (!ok)
			fprintf(stderr, "run %zu: %.*s\n", run, (int)na, arr);
		trun_free(&ta);
		trun_free(&tl);
	}
	CHECK(ok);
}

/* ---- aud_json_cut: where the scanner may cut an array ---------------- */

/* is_cut[i]: aud_json_cut_feed, fed one byte at a time, said that a cut
 * lies before byte i. Fed in chunks of random sizes, each answer must be
 * the chunk's last such place. Returns how many there are. */
static size_t json_cuts(const char *in, size_t len, unsigned char *is_cut)
{
	aud_json_cut k;
	size_t i, n, last, count = 0;

	aud_json_cut_init(&k);
	memset(is_cut, 0, len + 1);
	for (i = 0; i < len; i++)
		if (aud_json_cut_feed(&k, in + i, 1) == 1) {
			is_cut[i + 1] = 1;
			count++;
		}
	aud_json_cut_init(&k);
	for (i = 0; i < len; i += n) {
		size_t got;

		n = 1 + rnd(97);
		if (n > len - i)
			n = len - i;
		got = aud_json_cut_feed(&k, in + i, n);
		for (last = n; last > 0 && !is_cut[i + last]; last--)
			;
		CHECK_EQ_INT(got, last);
	}
	return count;
}

/* Reads in[0..len) as the scanner does when it cuts it before each of
 * cut[0..ncut): a fresh reader per segment, continued after the first
 * (aud_reader_continue), finished only at the input's end; numbers
 * placed in the input as the committer places them (record numbers, line
 * ends and bytes of the segments before added). Records go to rec->log,
 * problems to prob->log; *most is the most records or problems one
 * reader gave. */
static void read_cut(trun *rec, trun *prob, size_t *most, size_t max,
		     const char *in, size_t len, const size_t *cut, size_t ncut)
{
	aud_reader_opts o = ja_opts(max);
	uint64_t br = 0, bl = 0, n = 0;
	size_t s, i, k;

	memset(rec, 0, sizeof *rec);
	memset(prob, 0, sizeof *prob);
	*most = 0;
	for (s = 0; s <= ncut; s++) {
		size_t from = s ? cut[s - 1] : 0, to = s < ncut ? cut[s] : len;
		aud_reader *r = NULL;
		aud_err e;
		trun t;
		int rc;

		memset(&t, 0, sizeof t);
		t.data = in + from;
		t.dlen = to - from;
		t.stop_at = -1;
		t.exact_ok = 1;
		if (aud_reader_new(&r, &o, on_rec, on_prob, &t, &e) != 0) {
			CHECK(0);
			return;
		}
		rc = s ? aud_reader_continue(r, NULL, 0, from, &e) : 0;
		if (rc == 0)
			rc = aud_reader_feed(r, in + from, to - from, &e);
		if (rc == 0 && s == ncut)
			rc = aud_reader_finish(r, &e);
		CHECK(t.exact_ok);
		if (rc)
			logf_(rec, "rc %d\n", rc);
		for (i = 0; i < t.nrec; i++) {
			const trec *c = &t.recs[i];

			logf_(rec, "R %llu line %llu off %llu len %llu f %u\n",
			      (unsigned long long)(c->number + br),
			      (unsigned long long)(c->line + bl),
			      (unsigned long long)(c->offset + from),
			      (unsigned long long)c->length, c->flags);
			for (k = 0; k < c->nf; k++) {
				logf_(rec, "  F %s = ", c->f[k].name);
				logbytes(rec, c->f[k].val, c->f[k].vlen);
				logf_(rec, " @%llu t%d x%d\n",
				      (unsigned long long)(c->f[k].off + from),
				      c->f[k].type, c->f[k].exact);
			}
		}
		for (i = 0; i < t.nprob; i++) {
			aud_err pe;

			aud_err_clear(&pe);
			pe.record = t.probs[i].rec;
			pe.line = t.probs[i].line;
			pe.offset = t.probs[i].off;
			if (pe.record != AUD_NOPOS)
				pe.record += br;
			if (pe.line != AUD_NOPOS)
				pe.line += bl;
			if (pe.offset != AUD_NOPOS)
				pe.offset += from;
			logf_(prob, "P %d rec %lld line %lld off %lld: %s\n",
			      t.probs[i].code, (long long)pe.record,
			      (long long)pe.line, (long long)pe.offset,
			      t.probs[i].msg);
		}
		*most = t.nrec > *most ? t.nrec : *most;
		*most = t.nprob > *most ? t.nprob : *most;
		br += aud_reader_numbered(r);
		n += aud_reader_records(r);
		if (s < ncut)
			bl += aud_reader_line_ends(r);
		else
			logf_(rec, "records %llu numbered %llu lines %llu\n",
			      (unsigned long long)n, (unsigned long long)br,
			      (unsigned long long)(bl + aud_reader_lines(r)));
		aud_reader_free(r);
		trun_free(&t);
	}
}

/* Damages an array: a few tokens that end elements, open or close
 * containers or strings, a byte order mark, stray text, put anywhere;
 * sometimes the end cut off. */
static size_t damage(char *b, size_t n, size_t cap)
{
	static const char *const tok[] = {
	    ",",	",,",  "]",   "[",    "{",   "}",
	    "\"",	"\\",  "x",   "\n",   " ",   "\xEF\xBB\xBF",
	    "\xEF\xBB", ", ]", "] [", "\x01", "\xFF"};
	unsigned k = rnd(4);

	while (k--) {
		const char *t = tok[rnd(sizeof tok / sizeof *tok)];
		size_t tl = strlen(t), at = rnd((unsigned)n + 1);

		if (n + tl > cap)
			break;
		memmove(b + at + tl, b + at, n - at);
		memcpy(b + at, t, tl);
		n += tl;
	}
	if (rnd(4) == 0)
		n = rnd((unsigned)n + 1);
	return n;
}

/* Random arrays, whole and damaged: read in segments cut at a random
 * choice of aud_json_cut's places, the records and problems are those of
 * one reader of the whole input, with the same numbers, lines, offsets
 * and messages, with the default record limit and a tiny one. In an undamaged
 * array every ',' between elements is a place (so the cuts are really used). */
static void test_cut_segments(void)
{
	static char arr[1 << 16];
	static unsigned char is_cut[(1 << 16) + 1];
	size_t cut[64], run, used = 0;
	int ok = 1;

	for (run = 0; run < 2000 && ok; run++) {
		size_t na = 0, ne = 1 + rnd(30), i, ncut = 0, places, most,
		       dummy;
		int damaged = run % 3 != 0;
		trun wr, wp, sr, sp;

		if (rnd(8) == 0)
			na += (size_t)sprintf(arr, "\xEF\xBB\xBF");
		ws(arr, &na, 1);
		arr[na++] = '[';
		for (i = 0; i < ne; i++) {
			if (i)
				arr[na++] = ',';
			ws(arr, &na, 1);
			value(arr, &na, 0, 1);
			ws(arr, &na, 1);
		}
		arr[na++] = ']';
		if (rnd(3) == 0)
			arr[na++] = '\n';
		if (damaged)
			na = damage(arr, na, sizeof arr);
		places = json_cuts(arr, na, is_cut);
		if (!damaged && places != ne - 1) {
			fprintf(stderr,
				"run %zu: %zu places for %zu elements\n", run,
				places, ne);
			ok = 0;
		}
		/* (a cut at na leaves the last segment empty: an input
		 * cut short right after a ',') */
		for (i = 1; i <= na && ncut < 64; i++)
			if (is_cut[i] && rnd(2)) {
				CHECK(arr[i - 1] == ',');
				cut[ncut++] = i;
			}
		/* every other run with a 40-byte record limit: elements
		 * over it are skipped and reported, in a segment as whole */
		read_cut(&wr, &wp, &most, run % 2 ? 40 : 0, arr, na, NULL, 0);
		read_cut(&sr, &sp, &dummy, run % 2 ? 40 : 0, arr, na, cut,
			 ncut);
		/* (the collector keeps 64 records and problems a reader) */
		if (most >= 64)
			ncut = 0;
		else if (wr.loglen != sr.loglen ||
			 memcmp(wr.log, sr.log, wr.loglen) ||
			 wp.loglen != sp.loglen ||
			 (wp.loglen && memcmp(wp.log, sp.log, wp.loglen))) {
			fprintf(
			    stderr,
			    "run %zu: %zu cuts differ\n%.*s\n--- whole:\n%s%s"
			    "--- cut:\n%s%s",
			    run, ncut, (int)na, arr, wr.log,
			    wp.log ? wp.log : "", sr.log, sp.log ? sp.log : "");
			ok = 0;
		}
		used += ncut;
		trun_free(&wr);
		trun_free(&wp);
		trun_free(&sr);
		trun_free(&sp);
	}
	CHECK(ok);
	CHECK(used > 1000);
}

/* ---- the format of an input ------------------------------------------ */

static void test_pick(void)
{
	char d = 0;

	CHECK_EQ_INT(aud_format_pick("a.json", AUD_FMT_AUTO, 0, " \n[{}]", 6,
				     &d),
		     AUD_FMT_JSON);
	CHECK_EQ_INT(aud_format_pick("a.json.gz", AUD_FMT_AUTO, 0,
				     "\xEF\xBB\xBF[", 4, &d),
		     AUD_FMT_JSON);
	CHECK_EQ_INT(aud_format_pick("a.json", AUD_FMT_AUTO, 0, "{}\n", 3, &d),
		     AUD_FMT_JSONL);
	CHECK_EQ_INT(aud_format_pick("a.jsonl", AUD_FMT_AUTO, 0, "[{}]", 4,
				     &d),
		     AUD_FMT_JSONL);
	CHECK_EQ_INT(aud_format_pick("-", AUD_FMT_AUTO, 0, "[{}]", 4, &d),
		     AUD_FMT_JSON);
	CHECK_EQ_INT(aud_format_pick("-", AUD_FMT_AUTO, 0, "{}", 2, &d),
		     AUD_FMT_JSONL);
	CHECK_EQ_INT(aud_format_pick("a.txt", AUD_FMT_JSON, 0, "{}", 2, &d),
		     AUD_FMT_JSONL);
	CHECK_EQ_INT(aud_format_pick("a.txt", AUD_FMT_JSON, 0, "[", 1, &d),
		     AUD_FMT_JSON);
	CHECK_EQ_INT(aud_format_pick("a.json", AUD_FMT_CSV, ';', "[", 1, &d),
		     AUD_FMT_CSV);
	CHECK_EQ_INT(d, ';');
	CHECK_EQ_INT(aud_format_pick("a.tsv", AUD_FMT_AUTO, 0, "[", 1, &d),
		     AUD_FMT_CSV);
	CHECK_EQ_INT(d, '\t');
	CHECK_STR(aud_format_name(AUD_FMT_JSON), "json");
}

int main(void)
{
	RUN(test_two_elements);
	RUN(test_empty);
	RUN(test_problems);
	RUN(test_element_over_cap);
	RUN(test_random_against_lines);
	RUN(test_cut_segments);
	RUN(test_pick);
	return DONE();
}
