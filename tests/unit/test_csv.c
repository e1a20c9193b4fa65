/*
 * test_csv.c: the CSV reader (auditor/csv.c) and the format helpers of
 * auditor/reader.c. Every input is fed whole and in chunks of 1, 2, 3, 7
 * and 64 bytes; all runs must give the same records, offsets and
 * problems. Expected offsets were counted by hand from the inputs; on top
 * of that every field marked raw_exact is checked against the input bytes
 * at its offset.
 */
#include "auditor/reader.h"

#include "harness.h"

#include <malloc.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "reader_harness.h"

static aud_reader_opts csv_opts(char delim, size_t max)
{
	aud_reader_opts o = {AUD_FMT_CSV, delim, max};

	return o;
}

#define FIELD_IS(t, r, i, nm, vl, of, ex)                                      \
	do {                                                                   \
		CHECK_STR((t)->recs[r].f[i].name, nm);                         \
		CHECK_MEM_STR((t)->recs[r].f[i].val, (t)->recs[r].f[i].vlen,   \
			      vl);                                             \
		CHECK_EQ_INT((t)->recs[r].f[i].off, of);                       \
		CHECK_EQ_INT((t)->recs[r].f[i].exact, ex);                     \
	} while (0)

/* ---- tests ---------------------------------------------------------- */

static void test_formats(void)
{
	char d = 0;

	CHECK_STR(aud_format_name(AUD_FMT_CSV), "csv");
	CHECK_STR(aud_format_name(AUD_FMT_JSONL), "jsonl");
	CHECK_STR(aud_format_name(AUD_FMT_AUTO), "auto");
	CHECK_EQ_INT(aud_format_from_name("data/x.csv", &d), AUD_FMT_CSV);
	CHECK_EQ_INT(d, ',');
	CHECK_EQ_INT(aud_format_from_name("x.tsv.gz", &d), AUD_FMT_CSV);
	CHECK_EQ_INT(d, '\t');
	CHECK_EQ_INT(aud_format_from_name("X.CSV.ZST", &d), AUD_FMT_CSV);
	CHECK_EQ_INT(d, ',');
	CHECK_EQ_INT(aud_format_from_name("a.jsonl.gz", NULL), AUD_FMT_JSONL);
	CHECK_EQ_INT(aud_format_from_name("a.ndjson.zstd", NULL),
		     AUD_FMT_JSONL);
	CHECK_EQ_INT(aud_format_from_name("a.json", NULL), AUD_FMT_JSON);
	CHECK_EQ_INT(aud_format_from_name("a.txt", NULL), AUD_FMT_AUTO);
	CHECK_EQ_INT(aud_format_from_name("a.gz", NULL), AUD_FMT_AUTO);
	CHECK_EQ_INT(aud_format_from_name("dir.csv/data", NULL), AUD_FMT_AUTO);
	CHECK_EQ_INT(aud_format_sniff("\xEF\xBB\xBF \n {\"a\":1}", 14),
		     AUD_FMT_JSONL);
	CHECK_EQ_INT(aud_format_sniff("a,b\n", 4), AUD_FMT_CSV);
	CHECK_EQ_INT(aud_format_sniff("[1]\n", 4), AUD_FMT_JSON);
	CHECK_EQ_INT(aud_format_sniff("", 0), AUD_FMT_CSV);
}

static void test_bad_opts(void)
{
	aud_reader *r = (aud_reader *)1;
	aud_reader_opts o = {AUD_FMT_AUTO, ',', 0};
	aud_err e;

	CHECK_EQ_INT(aud_reader_new(&r, &o, NULL, NULL, NULL, &e), AUD_EUSAGE);
	CHECK(r == NULL);
	o.format = AUD_FMT_CSV;
	o.delimiter = '"';
	CHECK_EQ_INT(aud_reader_new(&r, &o, NULL, NULL, NULL, &e), AUD_EUSAGE);
	aud_reader_free(NULL);
}

static void test_simple(void)
{
	static const char in[] = "name,email,age\n"
				 "Alice,alice@example.com,30\n"
				 "Bob,bob@example.org,41\n";
	aud_reader_opts o = csv_opts(',', 0);
	trun t;

	RUN_ALL(&t, in, &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.nrec, 2);
	CHECK_EQ_INT(t.records, 2);
	CHECK_EQ_INT(t.problems, 0);
	CHECK_EQ_INT(t.lines, 3);
	CHECK_EQ_INT(t.ncols, 3);
	CHECK_STR(t.cols[1], "email");
	CHECK_EQ_INT(t.recs[0].number, 1);
	CHECK_EQ_INT(t.recs[0].line, 2);
	CHECK_EQ_INT(t.recs[0].offset, 15);
	CHECK_EQ_INT(t.recs[0].length, 27);
	CHECK_EQ_INT(t.recs[0].nf, 3);
	FIELD_IS(&t, 0, 0, "name", "Alice", 15, 1);
	FIELD_IS(&t, 0, 1, "email", "alice@example.com", 21, 1);
	FIELD_IS(&t, 0, 2, "age", "30", 39, 1);
	CHECK_EQ_INT(t.recs[1].number, 2);
	CHECK_EQ_INT(t.recs[1].line, 3);
	CHECK_EQ_INT(t.recs[1].offset, 42);
	CHECK_EQ_INT(t.recs[1].length, 23);
	FIELD_IS(&t, 1, 0, "name", "Bob", 42, 1);
	FIELD_IS(&t, 1, 1, "email", "bob@example.org", 46, 1);
	FIELD_IS(&t, 1, 2, "age", "41", 62, 1);
	CHECK_EQ_INT(t.recs[1].flags, AUD_REC_HEADER_NAMES);
	trun_free(&t);
}

static void test_quotes(void)
{
	static const char in[] = "id,comment\n"
				 "1,\"Hello, world\"\n"
				 "2,\"She said \"\"hi\"\"\"\n"
				 "3,\"multi\nline\"\n"
				 "4,after\n"
				 "5,  \"x\" ,y\"z\n";
	aud_reader_opts o = csv_opts(',', 0);
	trun t;

	RUN_ALL(&t, in, &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.nrec, 5);
	CHECK_EQ_INT(t.problems, 1); /* record 5 has 3 fields */
	CHECK_EQ_INT(t.lines, 7);
	CHECK_EQ_INT(t.recs[0].offset, 11);
	CHECK_EQ_INT(t.recs[0].length, 17);
	FIELD_IS(&t, 0, 0, "id", "1", 11, 1);
	FIELD_IS(&t, 0, 1, "comment", "Hello, world", 14, 1);
	CHECK_EQ_INT(t.recs[1].offset, 28);
	CHECK_EQ_INT(t.recs[1].length, 20);
	CHECK_EQ_INT(t.recs[1].line, 3);
	FIELD_IS(&t, 1, 1, "comment", "She said \"hi\"", 31, 0);
	CHECK_EQ_INT(t.recs[2].offset, 48);
	CHECK_EQ_INT(t.recs[2].line, 4);
	CHECK_EQ_INT(t.recs[2].length, 15);
	FIELD_IS(&t, 2, 1, "comment", "multi\nline", 51, 1);
	/* After the embedded newline, lines are still physical lines. */
	CHECK_EQ_INT(t.recs[3].offset, 63);
	CHECK_EQ_INT(t.recs[3].line, 6);
	FIELD_IS(&t, 3, 1, "comment", "after", 65, 1);
	/* Spaces around a quoted field go; a quote inside an unquoted field
	 * is kept as text (lenient mode). */
	CHECK_EQ_INT(t.recs[4].offset, 71);
	CHECK_EQ_INT(t.recs[4].line, 7);
	FIELD_IS(&t, 4, 1, "comment", "x", 76, 1);
	CHECK_EQ_INT(t.recs[4].nf, 3);
	CHECK_EQ_INT(t.recs[4].flags, AUD_REC_FIELD_COUNT);
	FIELD_IS(&t, 4, 2, "Unnamed: 2", "y\"z", 80, 1);
	trun_free(&t);
}

static void test_crlf_blank_lines(void)
{
	static const char in[] = "a,b\r\n1,2\r\n\r\n   \r\n\"q\r\nq\",4 \r\n"
				 "  5,6";
	aud_reader_opts o = csv_opts(',', 0);
	trun t;

	RUN_ALL(&t, in, &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.nrec, 3);
	CHECK_EQ_INT(t.lines, 7);
	CHECK_STR(t.cols[1], "b");
	CHECK_EQ_INT(t.recs[0].offset, 5);
	CHECK_EQ_INT(t.recs[0].length, 5);
	FIELD_IS(&t, 0, 0, "a", "1", 5, 1);
	FIELD_IS(&t, 0, 1, "b", "2", 7, 1);
	/* Lines 3 and 4 are blank; the quoted CRLF is kept. */
	CHECK_EQ_INT(t.recs[1].number, 2);
	CHECK_EQ_INT(t.recs[1].line, 5);
	CHECK_EQ_INT(t.recs[1].offset, 17);
	CHECK_EQ_INT(t.recs[1].length, 11);
	FIELD_IS(&t, 1, 0, "a", "q\r\nq", 18, 1);
	FIELD_IS(&t, 1, 1, "b", "4", 24, 1);
	/* Last line: no terminator, leading spaces belong to the record. */
	CHECK_EQ_INT(t.recs[2].line, 7);
	CHECK_EQ_INT(t.recs[2].offset, 28);
	CHECK_EQ_INT(t.recs[2].length, 5);
	FIELD_IS(&t, 2, 0, "a", "5", 30, 1);
	FIELD_IS(&t, 2, 1, "b", "6", 32, 1);
	trun_free(&t);
}

static void test_bom(void)
{
	static const char in[] = "\xEF\xBB\xBFname,ssn\nA,123-45-6789\n";
	static const char notbom[] = "\xEF\xBB,b\n1,2\n";
	aud_reader_opts o = csv_opts(',', 0);
	trun t;

	RUN_ALL(&t, in, &o);
	CHECK_EQ_INT(t.ncols, 2);
	CHECK_STR(t.cols[0], "name");
	CHECK_EQ_INT(t.recs[0].offset, 12);
	FIELD_IS(&t, 0, 1, "ssn", "123-45-6789", 14, 1);
	CHECK_EQ_INT(t.lines, 2);
	trun_free(&t);
	/* A BOM prefix that is not a BOM stays data (and is bad UTF-8). */
	RUN_ALL(&t, notbom, &o);
	CHECK_EQ_INT(t.ncols, 2);
	CHECK_STR(t.cols[0], "\xEF\xBB");
	CHECK_EQ_INT(t.problems, 1);
	CHECK_EQ_INT(t.probs[0].off, 0);
	CHECK_EQ_INT(t.recs[0].offset, 5);
	trun_free(&t);
}

static void test_header_names(void)
{
	/* The COMPAS two-years file repeats decile_score and ends its
	 * header with an empty name. */
	static const char compas[] = "id,name,decile_score,decile_score,\n"
				     "1,Ann,5,5,x\n";
	static const char tricky[] = "a,a,a.1,,x,,x\n1,2,3,4,5,6,7\n";
	aud_reader_opts o = csv_opts(',', 0);
	trun t;

	RUN_ALL(&t, compas, &o);
	CHECK_EQ_INT(t.ncols, 5);
	CHECK_STR(t.cols[0], "id");
	CHECK_STR(t.cols[1], "name");
	CHECK_STR(t.cols[2], "decile_score");
	CHECK_STR(t.cols[3], "decile_score.1");
	CHECK_STR(t.cols[4], "Unnamed: 4");
	CHECK_EQ_INT(t.problems, 0);
	FIELD_IS(&t, 0, 3, "decile_score.1", "5", 43, 1);
	FIELD_IS(&t, 0, 4, "Unnamed: 4", "x", 45, 1);
	trun_free(&t);
	/* pandas: a, a.1, then "a.1" is taken so a.1.1; empty names are
	 * Unnamed: <index>; the second x is x.1. */
	RUN_ALL(&t, tricky, &o);
	CHECK_EQ_INT(t.ncols, 7);
	CHECK_STR(t.cols[0], "a");
	CHECK_STR(t.cols[1], "a.1");
	CHECK_STR(t.cols[2], "a.1.1");
	CHECK_STR(t.cols[3], "Unnamed: 3");
	CHECK_STR(t.cols[4], "x");
	CHECK_STR(t.cols[5], "Unnamed: 5");
	CHECK_STR(t.cols[6], "x.1");
	trun_free(&t);
}

static void test_delimiters(void)
{
	static const char tsv[] = "name\tnote\tn\n"
				  "Al Smith\t  padded  \t\n"
				  "\t\"a\tb\"\t3\n";
	static const char semi[] = "a;b\n1,5;x\n";
	aud_reader_opts o = csv_opts('\t', 0);
	trun t;

	RUN_ALL(&t, tsv, &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.ncols, 3);
	CHECK_EQ_INT(t.problems, 0);
	CHECK_EQ_INT(t.nrec, 2);
	FIELD_IS(&t, 0, 0, "name", "Al Smith", 12, 1);
	FIELD_IS(&t, 0, 1, "note", "padded", 23, 1);
	FIELD_IS(&t, 0, 2, "n", "", 32, 1);
	/* A leading tab is an empty first field, not white space. */
	FIELD_IS(&t, 1, 0, "name", "", 33, 1);
	FIELD_IS(&t, 1, 1, "note", "a\tb", 35, 1);
	FIELD_IS(&t, 1, 2, "n", "3", 40, 1);
	trun_free(&t);
	o = csv_opts(';', 0);
	RUN_ALL(&t, semi, &o);
	FIELD_IS(&t, 0, 0, "a", "1,5", 4, 1);
	FIELD_IS(&t, 0, 1, "b", "x", 8, 1);
	trun_free(&t);
}

static void test_uci_adult(void)
{
	/* adult.data separates fields with ", " and has no header; here
	 * with a header line in the same style. */
	static const char in[] = "age, workclass, fnlwgt\n"
				 "39, State-gov, 77516\n"
				 "50, Self-emp-not-inc, 83311\n";
	aud_reader_opts o = csv_opts(',', 0);
	trun t;

	RUN_ALL(&t, in, &o);
	CHECK_STR(t.cols[1], "workclass");
	CHECK_STR(t.cols[2], "fnlwgt");
	CHECK_EQ_INT(t.recs[0].offset, 23);
	CHECK_EQ_INT(t.recs[0].length, 21);
	FIELD_IS(&t, 0, 0, "age", "39", 23, 1);
	FIELD_IS(&t, 0, 1, "workclass", "State-gov", 27, 1);
	FIELD_IS(&t, 0, 2, "fnlwgt", "77516", 38, 1);
	CHECK_EQ_INT(t.recs[1].offset, 44);
	FIELD_IS(&t, 1, 1, "workclass", "Self-emp-not-inc", 48, 1);
	trun_free(&t);
}

static void test_field_count(void)
{
	static const char in[] = "a,b,c\n1,2,3,4,5\n1,2\n7,8,9\n";
	aud_reader_opts o = csv_opts(',', 0);
	trun t;

	RUN_ALL(&t, in, &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.nrec, 3);
	CHECK_EQ_INT(t.problems, 2);
	CHECK_EQ_INT(t.recs[0].nf, 5);
	CHECK_EQ_INT(t.recs[0].flags, AUD_REC_FIELD_COUNT);
	FIELD_IS(&t, 0, 3, "Unnamed: 3", "4", 12, 1);
	FIELD_IS(&t, 0, 4, "Unnamed: 4", "5", 14, 1);
	CHECK_EQ_INT(t.probs[0].code, AUD_EFORMAT);
	CHECK_STR(t.probs[0].msg, "record has 5 fields, header has 3");
	CHECK_EQ_INT(t.probs[0].rec, 1);
	CHECK_EQ_INT(t.probs[0].line, 2);
	CHECK_EQ_INT(t.probs[0].off, 6);
	CHECK_EQ_INT(t.recs[1].nf, 2);
	CHECK_EQ_INT(t.recs[1].flags, AUD_REC_FIELD_COUNT);
	CHECK_STR(t.probs[1].msg, "record has 2 fields, header has 3");
	CHECK_EQ_INT(t.probs[1].rec, 2);
	CHECK_EQ_INT(t.probs[1].off, 16);
	CHECK_EQ_INT(t.recs[2].flags, AUD_REC_HEADER_NAMES);
	trun_free(&t);
}

static void test_unterminated_quote(void)
{
	static const char in[] = "a,b\n1,2\n3,\"open\nmore";
	aud_reader_opts o = csv_opts(',', 0);
	trun t;

	RUN_ALL(&t, in, &o);
	CHECK_EQ_INT(t.nrec, 2);
	CHECK_EQ_INT(t.recs[1].offset, 8);
	CHECK_EQ_INT(t.recs[1].line, 3);
	FIELD_IS(&t, 1, 1, "b", "open\nmore", 11, 1);
	CHECK_EQ_INT(t.rc, AUD_EFORMAT);
	CHECK_EQ_INT(t.err.code, AUD_EFORMAT);
	CHECK_STR(t.err.msg, "unterminated quoted field");
	CHECK_EQ_INT(t.err.record, 2);
	CHECK_EQ_INT(t.err.line, 3);
	CHECK_EQ_INT(t.err.offset, 8);
	CHECK_EQ_INT(t.lines, 4);
	trun_free(&t);
}

static void test_trailing_delimiter_at_eof(void)
{
	static const char in[] = "a,b\n1,";
	aud_reader_opts o = csv_opts(',', 0);
	trun t;

	RUN_ALL(&t, in, &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.recs[0].nf, 2);
	FIELD_IS(&t, 0, 1, "b", "", 6, 1);
	CHECK_EQ_INT(t.recs[0].length, 2);
	trun_free(&t);
}

/* Fills buf with header "a,b\n" and one record of exactly n bytes
 * ("1," then x's, then '\n'). Returns the total length. */
static size_t record_of(char *buf, size_t n)
{
	memcpy(buf, "a,b\n1,", 6);
	memset(buf + 6, 'x', n - 3);
	buf[4 + n - 1] = '\n';
	return 4 + n;
}

static void test_max_record_bytes(void)
{
	static char buf[4096];
	aud_reader_opts o = csv_opts(',', 1024);
	trun t;
	size_t n;

	n = record_of(buf, 1024);
	run_all(&t, buf, n, &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.nrec, 1);
	CHECK_EQ_INT(t.recs[0].length, 1024);
	trun_free(&t);
	n = record_of(buf, 1025);
	run_all(&t, buf, n, &o);
	CHECK_EQ_INT(t.rc, AUD_ELIMIT);
	CHECK_EQ_INT(t.nrec, 0);
	CHECK_STR(t.err.msg, "record exceeds --max-record-bytes (1024)");
	CHECK_EQ_INT(t.err.record, 1);
	CHECK_EQ_INT(t.err.line, 2);
	CHECK_EQ_INT(t.err.offset, 4);
	trun_free(&t);
}

static int count_rec(void *ctx, const aud_record *r)
{
	(void)r;
	(*(int *)ctx)++;
	return 0;
}

/* An unbalanced quote followed by 8 MiB of data: fatal as soon as the
 * record passes 1 KiB; the heap does not grow with the input. */
static void test_unbalanced_quote_memory(void)
{
	static char chunk[65536];
	aud_reader_opts o = csv_opts(',', 1024);
	aud_reader *r;
	aud_err e;
	struct mallinfo2 before, after;
	int n = 0, i, rc = 0, stops = 0;

	memset(chunk, 'y', sizeof chunk);
	chunk[100] = '\n';
	CHECK_EQ_INT(aud_reader_new(&r, &o, count_rec, NULL, &n, &e), 0);
	CHECK_EQ_INT(aud_reader_feed(r, "a,b\n1,\"", 7, &e), 0);
	before = mallinfo2();
	for (i = 0; i < 128; i++) {
		rc = aud_reader_feed(r, chunk, sizeof chunk, &e);
		if (rc == AUD_ELIMIT)
			stops++;
	}
	after = mallinfo2();
	CHECK_EQ_INT(stops, 128); /* sticky */
	CHECK_EQ_INT(e.code, AUD_ELIMIT);
	CHECK_EQ_INT(e.offset, 4);
	CHECK(after.uordblks < before.uordblks + 64 * 1024);
	CHECK_EQ_INT(aud_reader_finish(r, &e), AUD_ELIMIT);
	CHECK_EQ_INT(n, 0);
	aud_reader_free(r);
}

/* More fields than a record may list (max(1024, max_record_bytes / 16),
 * here 2048): a problem, and the raw text as one "(unparsed)" field. */
static void test_too_many_fields(void)
{
	static char buf[4096];
	aud_reader_opts o = csv_opts(',', 32768);
	size_t len;
	trun t;

	memcpy(buf, "a\n", 2);
	memset(buf + 2, ',', 2100);
	memcpy(buf + 2102, "\r\nz\n", 4);
	len = 2106;
	run_all(&t, buf, len, &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.nrec, 2);
	CHECK_EQ_INT(t.problems, 1);
	CHECK_EQ_INT(t.probs[0].code, AUD_ELIMIT);
	CHECK_STR(t.probs[0].msg, "record has more than 2048 fields");
	CHECK_EQ_INT(t.probs[0].off, 2);
	CHECK_EQ_INT(t.recs[0].flags, AUD_REC_UNPARSED);
	CHECK_EQ_INT(t.recs[0].nf, 1);
	CHECK_EQ_INT(t.recs[0].length, 2102);
	CHECK_STR(t.recs[0].f[0].name, "(unparsed)");
	CHECK_EQ_INT(t.recs[0].f[0].vlen, 2100);
	CHECK_EQ_INT(t.recs[0].f[0].off, 2);
	CHECK_EQ_INT(t.recs[1].line, 3);
	CHECK_EQ_INT(t.recs[1].nf, 1);
	trun_free(&t);
}

/* Regressions found by fuzzing (tests/fuzz): a row with so many extra
 * fields that their "Unnamed: N" names outgrow their buffer (the names of
 * the first extra fields once pointed into freed memory; ASan would catch
 * it), and a header whose every name is empty. */
static void test_fuzz_regressions(void)
{
	static char buf[512];
	aud_reader_opts o = csv_opts(',', 32768);
	size_t len, i;
	trun t;
	char want[32];

	memcpy(buf, "h\n", 2);
	len = 2;
	for (i = 0; i < 40; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%sv%zu",
					i ? "," : "", i);
	buf[len++] = '\n';
	run_all(&t, buf, len, &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.nrec, 1);
	if (t.nrec == 1) {
		CHECK_EQ_INT(t.recs[0].nf, 40);
		CHECK_STR(t.recs[0].f[0].name, "h");
		for (i = 1; i < 40 && i < t.recs[0].nf; i++) {
			snprintf(want, sizeof want, "Unnamed: %zu", i);
			CHECK_STR(t.recs[0].f[i].name, want);
		}
	}
	trun_free(&t);

	run_all(&t, ",,\n1,2,3\n", 9, &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.nrec, 1);
	if (t.nrec == 1 && t.recs[0].nf == 3) {
		CHECK_STR(t.recs[0].f[0].name, "Unnamed: 0");
		CHECK_STR(t.recs[0].f[2].name, "Unnamed: 2");
	}
	trun_free(&t);
}

static void test_bad_bytes(void)
{
	static const char in[] = "a,b\nok,caf\xC3\xA9\nbad,x\xE9y\nnul,a\0b\n"
				 "\"q\xFF\",\"x\"\"\xFF\"\n";
	aud_reader_opts o = csv_opts(',', 0);
	trun t;

	run_all(&t, in, sizeof in - 1, &o);
	CHECK_EQ_INT(t.nrec, 4);
	CHECK_EQ_INT(t.recs[0].flags, AUD_REC_HEADER_NAMES);
	FIELD_IS(&t, 0, 1, "b", "caf\xC3\xA9", 7, 1);
	CHECK_EQ_INT(t.recs[1].offset, 13);
	CHECK_EQ_INT(t.recs[1].flags, AUD_REC_INVALID_UTF8 | AUD_REC_HEADER_NAMES);
	FIELD_IS(&t, 1, 1, "b", "x\xE9y", 17, 1);
	CHECK_EQ_INT(t.recs[2].flags, AUD_REC_HAS_NUL | AUD_REC_HEADER_NAMES);
	CHECK_EQ_INT(t.recs[2].f[1].vlen, 3);
	CHECK(memcmp(t.recs[2].f[1].val, "a\0b", 3) == 0);
	/* One problem per kind per record, at the first bad byte. */
	CHECK_EQ_INT(t.recs[3].flags, AUD_REC_INVALID_UTF8 | AUD_REC_HEADER_NAMES);
	CHECK_EQ_INT(t.problems, 3);
	CHECK_STR(t.probs[0].msg, "invalid UTF-8 at byte 18");
	CHECK_EQ_INT(t.probs[0].off, 18);
	CHECK_EQ_INT(t.probs[0].rec, 2);
	CHECK_EQ_INT(t.probs[0].line, 3);
	CHECK_STR(t.probs[1].msg, "NUL byte");
	CHECK_EQ_INT(t.probs[1].off, 26);
	CHECK_EQ_INT(t.probs[1].rec, 3);
	CHECK_STR(t.probs[2].msg, "invalid UTF-8 at byte 31");
	CHECK_EQ_INT(t.probs[2].off, 31);
	trun_free(&t);
}

/* ---- aud_csv_cut: where the scanner may cut a CSV input -------------- */

struct ends {
	uint64_t s[4096], e[4096];
	size_t n;
};

static int on_end(void *ctx, const aud_record *r)
{
	struct ends *x = ctx;

	if (x->n < 4096) {
		x->s[x->n] = r->offset;
		x->e[x->n] = r->offset + r->length;
		x->n++;
	}
	return 0;
}

static void on_any_problem(void *ctx, const aud_err *e)
{
	(void)ctx;
	(void)e;
}

/* is_cut[i]: aud_csv_cut_feed, fed one byte at a time, said that the
 * record ends before byte i. Also fed in chunks of random sizes, each
 * answer must be the chunk's last such place. */
static void cut_points(char delim, const char *in, size_t len,
		       unsigned char *is_cut, unsigned *seed)
{
	aud_csv_cut k;
	size_t i, n, last;

	aud_csv_cut_init(&k, delim);
	memset(is_cut, 0, len + 1);
	for (i = 0; i < len; i++)
		if (aud_csv_cut_feed(&k, in + i, 1) == 1)
			is_cut[i + 1] = 1;
	aud_csv_cut_init(&k, delim);
	for (i = 0; i < len; i += n) {
		size_t got;

		*seed = *seed * 1103515245u + 12345u;
		n = 1 + (*seed >> 16) % 97;
		if (n > len - i)
			n = len - i;
		got = aud_csv_cut_feed(&k, in + i, n);
		for (last = n; last > 0 && !is_cut[i + last]; last--)
			;
		CHECK_EQ_INT(got, last);
	}
}

/* The reader's records of in, and the cut points: none inside a record,
 * one after every record but the last that ends with its line end. */
static int cuts_agree(char delim, const char *in, size_t len,
		      unsigned *seed)
{
	aud_reader_opts o = csv_opts(delim, 0);
	static struct ends x;
	static unsigned char is_cut[4096];
	aud_reader *r = NULL;
	aud_err err;
	size_t i, b;
	int ok = 1;

	if (len >= sizeof is_cut)
		return 0;
	x.n = 0;
	if (aud_reader_new(&r, &o, on_end, on_any_problem, &x, &err) != 0)
		return 0;
	if (aud_reader_feed(r, in, len, &err) == 0)
		aud_reader_finish(r, &err);
	aud_reader_free(r);
	cut_points(delim, in, len, is_cut, seed);
	for (i = 0; i < x.n; i++) {
		for (b = x.s[i] + 1; b < x.e[i]; b++)
			if (is_cut[b])
				ok = 0;
		/* (the last may end in an unterminated quote) */
		if (i + 1 < x.n && in[x.e[i] - 1] == '\n' && !is_cut[x.e[i]])
			ok = 0;
	}
	return ok;
}

static void test_cut(void)
{
	static const char quotes[] = "id,comment\n"
				     "1,\"Hello, world\"\n"
				     "2,\"She said \"\"hi\"\"\"\n"
				     "3,\"multi\nline\"\n"
				     "4,after\n"
				     "5,  \"x\" ,y\"z\n";
	/* a byte order mark, then a quoted header name with a line end */
	static const char bom[] = "\xEF\xBB\xBF\"a\nb\",c\n1,2\n";
	static const char *const tok[] = {
	    ",", ",", "\"", "\"\"", "\n", "\n", " ", "\r", "\t", ";", "a",
	    "bc", "1", "\"x,\ny\"", "\"\" ", "\" \"", "5'10\"", "\xEF\xBB"};
	static const char delims[] = {',', '\t', ';', ' '};
	unsigned char is_cut[200];
	unsigned seed = 11;
	char in[1200];
	size_t i, len, at;
	static const size_t want[] = {11, 28, 48, 63, 71, 84};
	int bad = 0;

	cut_points(',', quotes, sizeof quotes - 1, is_cut, &seed);
	for (i = 0, at = 0; i <= sizeof quotes - 1; i++)
		if (is_cut[i] && at < 6)
			CHECK_EQ_INT(i, want[at++]);
		else if (is_cut[i])
			CHECK(0);
	CHECK_EQ_INT(at, 6); /* not at 57, inside "multi\nline" */
	CHECK(cuts_agree(',', quotes, sizeof quotes - 1, &seed));
	cut_points(',', bom, sizeof bom - 1, is_cut, &seed);
	CHECK(!is_cut[6]);
	CHECK(is_cut[11] && is_cut[15]);
	CHECK(cuts_agree(',', bom, sizeof bom - 1, &seed));

	for (i = 0; i < 20000 && !bad; i++) {
		char delim = delims[i % 4];

		len = 0;
		if (i % 7 == 0) {
			memcpy(in, "\xEF\xBB\xBF", 3);
			len = 3;
		}
		while (len < 600) {
			const char *t;
			size_t n;

			seed = seed * 1103515245u + 12345u;
			t = tok[(seed >> 16) % (sizeof tok / sizeof *tok)];
			n = strlen(t);
			memcpy(in + len, t, n);
			len += n;
		}
		if (!cuts_agree(delim, in, len, &seed)) {
			bad = 1;
			fprintf(stderr, "cut differs (delim %d): %.*s\n", delim,
				(int)len, in);
		}
	}
	CHECK(!bad);
}

static void test_stop_and_edges(void)
{
	static const char in[] = "a\n1\n2\n3\n";
	aud_reader_opts o = csv_opts(',', 0);
	trun t;

	run_all_stop(&t, in, sizeof in - 1, &o, 2);
	CHECK_EQ_INT(t.rc, 7);
	CHECK_EQ_INT(t.nrec, 2);
	trun_free(&t);
	run_all(&t, "", 0, &o);
	CHECK_EQ_INT(t.rc, 0);
	CHECK_EQ_INT(t.nrec, 0);
	CHECK_EQ_INT(t.lines, 0);
	CHECK_EQ_INT(t.ncols, 0);
	trun_free(&t);
	RUN_ALL(&t, "x,y", &o);
	CHECK_EQ_INT(t.nrec, 0);
	CHECK_EQ_INT(t.ncols, 2);
	CHECK_EQ_INT(t.lines, 1);
	trun_free(&t);
}

int main(void)
{
	RUN(test_formats);
	RUN(test_bad_opts);
	RUN(test_simple);
	RUN(test_quotes);
	RUN(test_crlf_blank_lines);
	RUN(test_bom);
	RUN(test_header_names);
	RUN(test_delimiters);
	RUN(test_uci_adult);
	RUN(test_field_count);
	RUN(test_unterminated_quote);
	RUN(test_trailing_delimiter_at_eof);
	RUN(test_max_record_bytes);
	RUN(test_unbalanced_quote_memory);
	RUN(test_too_many_fields);
	RUN(test_fuzz_regressions);
	RUN(test_bad_bytes);
	RUN(test_stop_and_edges);
	RUN(test_cut);
	return DONE();
}
