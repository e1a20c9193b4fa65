/*
 * test_redact.c: redacted copies through the library, with every expected
 * output written out here by hand: CSV quoting, line ends, BOM and blank
 * lines kept byte for byte; columns dropped and replaced; JSONL keys,
 * white space and escapes; overlapping findings replaced once; a marker
 * that brings a context word next to a number (the re-check); records the
 * reader cannot parse; failures that must leave no output behind; gzip in,
 * gzip out.
 */
#include "auditor/decode.h"
#include "auditor/redact.h"

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

static char dir[64];
static aud_patternset *ps, *tps;
static aud_keyhash *kh;
static aud_redact_totals tot;

static const char *tpath(const char *name)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
	return p[i];
}

static void put(const char *name, const char *s, size_t n)
{
	FILE *f = fopen(tpath(name), "wb");

	if (!f || fwrite(s, 1, n, f) != n)
		exit(2);
	fclose(f);
}

/* The whole file, NUL-terminated; "(missing)" when there is none. */
static char *get(const char *name)
{
	static char buf[1 << 16];
	FILE *f = fopen(tpath(name), "rb");
	size_t n;

	if (!f)
		return strcpy(buf, "(missing)");
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Redacts in -> out with the defaults plus the given mode. */
static int redact(const char *in, const char *out, aud_personal_mode mode,
		  int pseudo, const aud_patternset *set, aud_err *err)
{
	aud_redact_opts o;

	memset(&o, 0, sizeof o);
	o.personal = mode;
	o.pseudonymize = pseudo;
	aud_err_clear(err);
	aud_redact_totals_free(&tot);
	return aud_redact_file(tpath(in), tpath(out), set ? set : ps, kh, &o,
			       &tot, err);
}

static const char csv_in[] =
    "\xEF\xBB\xBFid,name,email,note\r\n"
    "1,\"Doe, John\", john@acme.io ,\"say \"\"hi\"\" to x@corp.io\"\r\n"
    "\r\n"
    "2,Ann,\"ann@b.org\",plain text\r\n"
    "3,\"multi\nline\",n/a,\"q\"\"uote\"";

static void test_csv_markers(void)
{
	aud_err err;

	put("a.csv", csv_in, sizeof csv_in - 1);
	CHECK_EQ_INT(
	    redact("a.csv", "a.out.csv", AUD_PERSONAL_KEEP, 0, NULL, &err), 0);
	CHECK_STR(get("a.out.csv"),
		  "\xEF\xBB\xBFid,name,email,note\r\n"
		  "1,\"Doe, John\", <EMAIL_ADDRESS> ,\"say \"\"hi\"\" to "
		  "<EMAIL_ADDRESS>\"\r\n"
		  "\r\n"
		  "2,Ann,\"<EMAIL_ADDRESS>\",plain text\r\n"
		  "3,\"multi\nline\",n/a,\"q\"\"uote\"");
	CHECK_EQ_INT(tot.records, 3);
	CHECK_EQ_INT(tot.replacements, 3);
	CHECK_EQ_INT(tot.values_changed, 3);
	CHECK_EQ_INT(tot.problems, 0);
	CHECK_STR(tot.format, "csv");
	CHECK_STR(tot.compression, "plain");
}

static void test_csv_drop_replace(void)
{
	aud_err err;
	struct stat sb;

	put("a.csv", csv_in, sizeof csv_in - 1);
	CHECK_EQ_INT(redact("a.csv", "d.csv", AUD_PERSONAL_DROP, 0, NULL, &err),
		     0);
	CHECK_STR(get("d.csv"), "\xEF\xBB\xBFid,note\r\n"
				"1,\"say \"\"hi\"\" to <EMAIL_ADDRESS>\"\r\n"
				"\r\n"
				"2,plain text\r\n"
				"3,\"q\"\"uote\"");
	CHECK_EQ_INT(tot.nfields, 2);
	CHECK_STR(tot.fields[0].name, "name");
	CHECK_STR(tot.fields[0].name_class, "PERSON_NAME");
	CHECK_EQ_INT(tot.fields[0].values, 3);
	CHECK_STR(tot.fields[1].name, "email");
	CHECK_EQ_INT(tot.fields[1].values, 3);
	CHECK(stat(tpath("d.csv"), &sb) == 0 && (sb.st_mode & 0777) == 0600);

	CHECK_EQ_INT(
	    redact("a.csv", "r.csv", AUD_PERSONAL_REPLACE, 0, NULL, &err), 0);
	CHECK_STR(get("r.csv"),
		  "\xEF\xBB\xBFid,name,email,note\r\n"
		  "1,\"<PERSON_NAME>\", <EMAIL> ,\"say \"\"hi\"\" to "
		  "<EMAIL_ADDRESS>\"\r\n"
		  "\r\n"
		  "2,<PERSON_NAME>,\"<EMAIL>\",plain text\r\n"
		  "3,\"<PERSON_NAME>\",<EMAIL>,\"q\"\"uote\"");
}

/* New text holding the delimiter needs quotes: with '_' as delimiter,
 * the marker <US_SSN> does. */
static void test_csv_requote(void)
{
	static const char in[] = "k_v\n1_ssn 123-45-6789\n";
	aud_redact_opts o;
	aud_err err;

	put("us.csv", in, sizeof in - 1);
	memset(&o, 0, sizeof o);
	o.delimiter = '_';
	aud_err_clear(&err);
	aud_redact_totals_free(&tot);
	CHECK_EQ_INT(aud_redact_file(tpath("us.csv"), tpath("us.out"), ps, kh,
				     &o, &tot, &err),
		     0);
	CHECK_STR(get("us.out"), "k_v\n1_\"ssn <US_SSN>\"\n");
}

static void test_jsonl(void)
{
	static const char in[] =
	    "{\"a\": \"mail john@acme.io\", \"b\": 1, \"c\": {\"email\": "
	    "\"x\\u0040corp.io\", \"n\": null}}\n"
	    "\n"
	    "{\"t\":[\"ok\",\"ann@b.org\"],\"phone\":2125552368}\n";
	aud_err err;

	put("a.jsonl", in, sizeof in - 1);
	CHECK_EQ_INT(
	    redact("a.jsonl", "a.out.jsonl", AUD_PERSONAL_KEEP, 0, NULL, &err),
	    0);
	CHECK_STR(get("a.out.jsonl"),
		  "{\"a\": \"mail <EMAIL_ADDRESS>\", \"b\": 1, \"c\": "
		  "{\"email\": \"<EMAIL_ADDRESS>\", \"n\": null}}\n"
		  "\n"
		  "{\"t\":[\"ok\",\"<EMAIL_ADDRESS>\"],\"phone\":"
		  "\"<PHONE_NUMBER>\"}\n");
	CHECK_EQ_INT(
	    redact("a.jsonl", "d.jsonl", AUD_PERSONAL_DROP, 0, NULL, &err), 0);
	/* c.email and phone go with one comma each; the array element
	 * under a personal name would be replaced, not dropped */
	CHECK_STR(get("d.jsonl"),
		  "{\"a\": \"mail <EMAIL_ADDRESS>\", \"b\": 1, \"c\": { \"n\": "
		  "null}}\n"
		  "\n"
		  "{\"t\":[\"ok\",\"<EMAIL_ADDRESS>\"]}\n");
	/* a pseudonym of digits stays a number */
	CHECK_EQ_INT(
	    redact("a.jsonl", "p.jsonl", AUD_PERSONAL_KEEP, 1, NULL, &err), 0);
	CHECK(strstr(get("p.jsonl"), "\"phone\":") != NULL);
	CHECK(strstr(get("p.jsonl"), "\"phone\":\"") == NULL);
	CHECK(strstr(get("p.jsonl"), "55501") != NULL);
}

/* Members dropped next to each other share their commas. */
static void test_jsonl_drop_runs(void)
{
	static const char in[] =
	    "{\"name\":\"A\",\"email\":\"a@b.io\",\"id\":1,\"phone\":\"x\"}\n"
	    "{\"id\":2,\"first_name\":\"B\",\"last_name\":\"C\"}\n"
	    "{\"name\":\"D\"}\n";
	aud_err err;

	put("r.jsonl", in, sizeof in - 1);
	CHECK_EQ_INT(
	    redact("r.jsonl", "r.out", AUD_PERSONAL_DROP, 0, NULL, &err), 0);
	CHECK_STR(get("r.out"), "{\"id\":1}\n{\"id\":2}\n{}\n");
}

/* Test patterns: two overlapping entities, and one that needs the word
 * "beta" as context. */
static const char test_pat[] =
    "id: t_a\nentity: T_ALPHA\ndescription: t\nregex: abc123\n"
    "prefilter: literal abc\nconfidence: 0.9\nmatch: abc123\n\n"
    "id: t_b\nentity: T_BETA\ndescription: t\nregex: 123xyzw\n"
    "prefilter: literal xyz\nconfidence: 0.9\nmatch: 123xyzw\n\n"
    "id: t_c\nentity: T_CTX\ndescription: t\nregex: (?<!\\d)\\d{6}(?!\\d)\n"
    "prefilter: digits 6\nconfidence: 0.5\ncontext: beta\n"
    "context-required: yes\nmatch: beta 123456\n";

static void test_overlap_and_recheck(void)
{
	static const char in[] = "v\nk abc123xyzw k 654321\n";
	aud_err err;

	put("t.pat", test_pat, sizeof test_pat - 1);
	put("o.csv", in, sizeof in - 1);
	CHECK_EQ_INT(redact("o.csv", "o.out", AUD_PERSONAL_KEEP, 0, tps, &err),
		     0);
	/* one span for the union, named after the longer finding; then
	 * <T_BETA> puts "beta" next to 654321, which is found again */
	CHECK_STR(get("o.out"), "v\nk <T_BETA> k <T_CTX>\n");
	CHECK_EQ_INT(tot.replacements, 1);
	CHECK_EQ_INT(tot.rechecked, 1);
	CHECK_EQ_INT(tot.nentities, 1);
}

static void test_unparsed_and_long(void)
{
	static const char in[] =
	    "{\"a\":\"x@corp.io\"}\n"
	    "not json: jd@corp.io\n"
	    "{\"long\":\"0123456789012345678901234567890123456789012345678"
	    "9012345678901234567890123456789 mail@corp.io\"}\n"
	    "{\"b\":2}";
	aud_redact_opts o;
	aud_err err;

	put("u.jsonl", in, sizeof in - 1);
	memset(&o, 0, sizeof o);
	o.max_record_bytes = 64;
	aud_err_clear(&err);
	aud_redact_totals_free(&tot);
	CHECK_EQ_INT(aud_redact_file(tpath("u.jsonl"), tpath("u.out"), ps, kh,
				     &o, &tot, &err),
		     0);
	CHECK_STR(get("u.out"), "{\"a\":\"<EMAIL_ADDRESS>\"}\n"
				"not json: <EMAIL_ADDRESS>\n"
				"{\"b\":2}");
	CHECK_EQ_INT(tot.unparsed, 1);
	CHECK_EQ_INT(tot.dropped, 1);
	CHECK_EQ_INT(tot.problems, 2);
	CHECK_EQ_INT(tot.records, 3);
}

static void test_failures(void)
{
	static const char bad[] = "a,b\n1,\"never closed\n2,3\n";
	aud_err err;
	struct stat sb;

	/* an input that fails: no output, and an older one is untouched */
	put("bad.csv", bad, sizeof bad - 1);
	put("keep.csv", "old\n", 4);
	CHECK(redact("bad.csv", "keep.csv", AUD_PERSONAL_KEEP, 0, NULL, &err) ==
	      AUD_EFORMAT);
	CHECK(strstr(err.msg, "unterminated quoted field") != NULL);
	CHECK_EQ_INT(err.record, 1);
	CHECK_EQ_INT(err.line, 2);
	CHECK_EQ_INT(err.offset, 4);
	CHECK_STR(get("keep.csv"), "old\n");
	CHECK(redact("bad.csv", "none.csv", AUD_PERSONAL_KEEP, 0, NULL, &err) <
	      0);
	CHECK(stat(tpath("none.csv"), &sb) != 0);
	/* the input itself, or a folder */
	CHECK_EQ_INT(
	    redact("keep.csv", "keep.csv", AUD_PERSONAL_KEEP, 0, NULL, &err),
	    AUD_EUSAGE);
	CHECK_EQ_INT(redact("keep.csv", ".", AUD_PERSONAL_KEEP, 0, NULL, &err),
		     AUD_EUSAGE);
	CHECK_STR(get("keep.csv"), "old\n");
	/* a missing input */
	CHECK_EQ_INT(
	    redact("nope.csv", "x.csv", AUD_PERSONAL_KEEP, 0, NULL, &err),
	    AUD_EIO);
	CHECK(stat(tpath("x.csv"), &sb) != 0);
}

static void test_gzip(void)
{
	static const char in[] = "id,email\n1,john@acme.io\n";
	unsigned char z[256], out[256];
	z_stream s;
	FILE *f;
	size_t n;
	aud_decoder *d = NULL;
	aud_err err;
	ptrdiff_t k;

	memset(&s, 0, sizeof s);
	deflateInit2(&s, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
	s.next_in = (unsigned char *)in;
	s.avail_in = sizeof in - 1;
	s.next_out = z;
	s.avail_out = sizeof z;
	deflate(&s, Z_FINISH);
	n = sizeof z - s.avail_out;
	deflateEnd(&s);
	f = fopen(tpath("g.csv.gz"), "wb");
	fwrite(z, 1, n, f);
	fclose(f);
	CHECK_EQ_INT(
	    redact("g.csv.gz", "g.out.gz", AUD_PERSONAL_KEEP, 0, NULL, &err),
	    0);
	CHECK_STR(tot.compression, "gzip");
	aud_err_clear(&err);
	CHECK_EQ_INT(aud_decoder_open(&d, tpath("g.out.gz"), NULL, &err), 0);
	k = aud_decoder_read(d, out, sizeof out - 1, &err);
	CHECK(aud_decoder_compression(d) == AUD_COMP_GZIP);
	CHECK(k > 0);
	out[k > 0 ? k : 0] = '\0';
	CHECK_STR((char *)out, "id,email\n1,<EMAIL_ADDRESS>\n");
	aud_decoder_close(d);
}

int main(void)
{
	const char *src = getenv("AUD_SRC");
	char pd[1024];
	const char *paths[1];
	aud_err err;
	int rc;

	snprintf(dir, sizeof dir, "/tmp/aud-redact-XXXXXX");
	if (!mkdtemp(dir))
		return 2;
	aud_err_clear(&err);
	snprintf(pd, sizeof pd, "%s/patterns", src ? src : ".");
	paths[0] = pd;
	put("t.pat", test_pat, sizeof test_pat - 1);
	if (aud_patterns_load(&ps, paths, 1, &err) ||
	    aud_keyhash_new(&kh, (const unsigned char *)"unit-test-key-0123456",
			    21, &err)) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return 2;
	}
	paths[0] = tpath("t.pat");
	if (aud_patterns_load(&tps, paths, 1, &err)) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return 2;
	}
	RUN(test_csv_markers);
	RUN(test_csv_drop_replace);
	RUN(test_csv_requote);
	RUN(test_jsonl);
	RUN(test_jsonl_drop_runs);
	RUN(test_overlap_and_recheck);
	RUN(test_unparsed_and_long);
	RUN(test_failures);
	RUN(test_gzip);
	aud_redact_totals_free(&tot);
	aud_patterns_free(ps);
	aud_patterns_free(tps);
	aud_keyhash_free(kh);
	rc = DONE();
	if (rc == 0) {
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	}
	return rc;
}
