/*
 * test_patterns.c: loads the shipped pattern library ($AUD_SRC/patterns)
 * and runs every sample; checks the file hash, entity selection, and that
 * each kind of error in a pattern file is reported at FILE:LINE.
 */
#include <dirent.h>
#include "auditor/patterns.h"

#include "harness.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[256];
static char srcpat[512];

/* Writes text to tmpdir/name and returns the path (static storage, one
 * per slot). */
static const char *put_file(int slot, const char *name, const char *text)
{
	static char paths[4][512];
	FILE *f;

	snprintf(paths[slot], sizeof paths[slot], "%s/%s", tmpdir, name);
	f = fopen(paths[slot], "wb");
	if (!f)
		return "(cannot write)";
	fputs(text, f);
	fclose(f);
	return paths[slot];
}

/* Loads one file; returns the code, message in *err. */
static int load_one(const char *path, aud_err *err)
{
	aud_patternset *ps = NULL;
	int rc;

	aud_err_clear(err);
	rc = aud_patterns_load(&ps, &path, 1, err);
	aud_patterns_free(ps);
	return rc;
}

/* Does msg start with "PATH:LINE: "? */
static int at_line(const char *msg, const char *path, unsigned line)
{
	char want[600];

	snprintf(want, sizeof want, "%s:%u: ", path, line);
	return strncmp(msg, want, strlen(want)) == 0;
}

static void test_shipped(void)
{
	const char *path = srcpat;
	aud_patternset *ps = NULL;
	aud_err err;
	size_t checked = 0, i, j;
	int rc, found = 0;

	aud_err_clear(&err);
	rc = aud_patterns_load(&ps, &path, 1, &err);
	CHECK_EQ_INT(rc, 0);
	if (rc) {
		fprintf(stderr, "%s\n", err.msg);
		return;
	}
	CHECK(aud_patterns_count(ps) >= 12);
	rc = aud_patterns_test(ps, &checked, &err);
	CHECK_EQ_INT(rc, 0);
	if (rc)
		fprintf(stderr, "%s\n", err.msg);
	CHECK(checked >= 150);
	/* the email entry, as written in pii-global.pat */
	for (i = 0; i < aud_patterns_count(ps); i++) {
		const aud_pattern_info *in = aud_patterns_info(ps, i);
		const aud_pattern_engine *en = aud_patterns_engine(ps, i);
		size_t fl = strlen(in->file);

		if (strcmp(in->id, "email") != 0)
			continue;
		found = 1;
		CHECK_STR(in->entity, "EMAIL_ADDRESS");
		CHECK_STR(in->validator, "email");
		CHECK_STR(in->prefilter, "literal @");
		CHECK(fl > 15 &&
		      strcmp(in->file + fl - 15, "/pii-global.pat") == 0);
		CHECK(in->line > 1);
		CHECK(in->confidence == 0.85);
		CHECK(in->ncontext >= 2);
		CHECK_STR(in->context[0], "email");
		CHECK_EQ_INT(en->prefilter, AUD_PF_LITERAL);
		CHECK_EQ_INT(en->nliterals, 1);
		CHECK_MEM_STR(en->literals[0], en->literal_lens[0], "@");
		CHECK_EQ_INT(en->window, 320);
		CHECK_EQ_INT(en->window_before, 64);
		CHECK(en->validator != NULL);
		for (j = 0; j < i; j++)
			CHECK(strcmp(aud_patterns_info(ps, j)->id, "email"));
	}
	CHECK(found);
	CHECK(aud_patterns_info(ps, aud_patterns_count(ps)) == NULL);
	aud_patterns_free(ps);
}

static int is_pat(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 4 && strcmp(e->d_name + n - 4, ".pat") == 0 &&
	       e->d_name[0] != '.';
}

static int alphasort_bytes(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* The set hash is SHA-256 over the files' bytes in load order (name
 * order in a directory): computed here independently. */
static void test_sha256(void)
{
	struct dirent **ents = NULL;
	int nents;
	const char *path = srcpat;
	aud_patternset *ps = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char dig[32], buf[4096];
	char want[65], got[65];
	unsigned dl = 0, i;
	aud_err err;

	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	/* Every *.pat file of the folder, in byte order of their names. */
	nents = scandir(srcpat, &ents, is_pat, alphasort_bytes);
	CHECK(nents > 0);
	for (i = 0; nents > 0 && i < (unsigned)nents; i++) {
		char p[1024];
		FILE *f;
		size_t n;

		snprintf(p, sizeof p, "%.500s/%.255s", srcpat, ents[i]->d_name);
		free(ents[i]);
		f = fopen(p, "rb");
		CHECK(f != NULL);
		if (!f)
			continue;
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			EVP_DigestUpdate(md, buf, n);
		fclose(f);
	}
	free(ents);
	EVP_DigestFinal_ex(md, dig, &dl);
	EVP_MD_CTX_free(md);
	for (i = 0; i < 32; i++)
		sprintf(want + 2 * i, "%02x", dig[i]);
	CHECK_EQ_INT(aud_patterns_load(&ps, &path, 1, &err), 0);
	if (!ps)
		return;
	aud_patterns_sha256_hex(ps, got);
	CHECK_STR(got, want);
	aud_patterns_free(ps);

	/* a file's hash alone: SHA-256("") for an empty file */
	path = put_file(0, "empty.pat", "");
	CHECK_EQ_INT(aud_patterns_load(&ps, &path, 1, &err), 0);
	if (!ps)
		return;
	CHECK_EQ_INT(aud_patterns_count(ps), 0);
	aud_patterns_sha256_hex(ps, got);
	CHECK_STR(got, "e3b0c44298fc1c149afbf4c8996fb924"
		       "27ae41e4649b934ca495991b7852b855");
	aud_patterns_free(ps);
	unlink(path);
}

static void test_select(void)
{
	const char *path = srcpat;
	aud_patternset *ps = NULL;
	aud_err err;
	size_t all, i;

	CHECK_EQ_INT(aud_patterns_load(&ps, &path, 1, &err), 0);
	if (!ps)
		return;
	all = aud_patterns_count(ps);
	CHECK_EQ_INT(aud_patterns_select(ps, "NO_SUCH_ENTITY", NULL, &err),
		     AUD_EUSAGE);
	CHECK(strstr(err.msg, "NO_SUCH_ENTITY") != NULL);
	CHECK_EQ_INT(aud_patterns_select(ps, NULL, "US_SSN, BOGUS", &err),
		     AUD_EUSAGE);
	CHECK_EQ_INT(aud_patterns_count(ps), all);
	/* pii-us.pat has two US_SSN entries; skip one entity of those left */
	CHECK_EQ_INT(aud_patterns_select(ps,
					 "EMAIL_ADDRESS, US_SSN,"
					 "CREDIT_CARD",
					 "CREDIT_CARD", &err),
		     0);
	CHECK_EQ_INT(aud_patterns_count(ps), 3);
	for (i = 0; i < aud_patterns_count(ps); i++)
		CHECK(strcmp(aud_patterns_info(ps, i)->entity, "CREDIT_CARD") !=
		      0);
	/* the rest still passes its samples */
	CHECK_EQ_INT(aud_patterns_test(ps, NULL, &err), 0);
	aud_patterns_free(ps);
}

/* One stanza that is valid apart from what the caller changes. */
#define GOOD_HEAD                                                              \
	"# test\n"                                                             \
	"id: digits4\n"                                                        \
	"entity: TEST_NUMBER\n"                                                \
	"description: four digits\n"

static void test_errors(void)
{
	aud_err err;
	const char *p;

	/* unknown key, at its line */
	p = put_file(0, "a.pat",
		     GOOD_HEAD "colour: blue\nregex: \\d{4}\n"
			       "prefilter: digits 4\nconfidence: 0.5\n"
			       "match: 1234\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 5));
	CHECK(strstr(err.msg, "unknown key 'colour'") != NULL);

	/* regex error: PCRE2's message and the offset */
	p = put_file(0, "a.pat",
		     GOOD_HEAD "prefilter: digits 4\nconfidence: 0.5\n"
			       "regex: (\\d{4}\nmatch: 1234\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 7));
	CHECK(strstr(err.msg, "missing closing parenthesis") != NULL);
	CHECK(strstr(err.msg, "offset 6") != NULL);
	CHECK(strstr(err.msg, "'digits4'") != NULL);

	/* duplicate id across two files */
	{
		const char *two[2];
		aud_patternset *ps = NULL;
		char want[600];

		two[0] = put_file(0, "a.pat",
				  GOOD_HEAD "regex: \\d{4}\n"
					    "prefilter: digits 4\n"
					    "confidence: 0.5\nmatch: 1234\n");
		two[1] = put_file(1, "b.pat",
				  "\n" GOOD_HEAD "regex: \\d{5}\n"
				  "prefilter: digits 5\n"
				  "confidence: 0.5\nmatch: 12345\n");
		aud_err_clear(&err);
		CHECK_EQ_INT(aud_patterns_load(&ps, two, 2, &err),
			     AUD_EPATTERN);
		CHECK(ps == NULL);
		CHECK(at_line(err.msg, two[1], 3));
		snprintf(want, sizeof want,
			 "duplicate id 'digits4' (first at %s:2)", two[0]);
		CHECK(strstr(err.msg, want) != NULL);
		unlink(two[1]);
	}

	/* unknown validator */
	p = put_file(0, "a.pat",
		     GOOD_HEAD "regex: \\d{4}\nvalidator: nope\n"
			       "prefilter: digits 4\nconfidence: 0.5\n"
			       "match: 1234\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 6));
	CHECK(strstr(err.msg, "unknown validator 'nope'") != NULL);

	/* no match sample: reported at the id line */
	p = put_file(0, "a.pat",
		     GOOD_HEAD "regex: \\d{4}\nprefilter: digits 4\n"
			       "confidence: 0.5\nnomatch: abcd\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 2));
	CHECK(strstr(err.msg, "at least one 'match:' sample") != NULL);

	/* missing required key */
	p = put_file(0, "a.pat",
		     "id: x\ndescription: d\nregex: \\d{4}\n"
		     "prefilter: digits 4\nconfidence: 0.5\nmatch: 1234\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 1));
	CHECK(strstr(err.msg, "missing 'entity:'") != NULL);

	/* bad confidence, window, prefilter, flags, context-required */
	p = put_file(0, "a.pat",
		     GOOD_HEAD "regex: \\d{4}\nprefilter: digits 4\n"
			       "confidence: 1.5\nmatch: 1234\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 7));
	CHECK(strstr(err.msg, "confidence") != NULL);
	p = put_file(0, "a.pat",
		     GOOD_HEAD "regex: \\d{4}\nprefilter: digits 4\n"
			       "confidence: 0.5x\nmatch: 1234\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 7));
	p = put_file(0, "a.pat",
		     GOOD_HEAD "regex: \\d{4}\nprefilter: regexy\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 6));
	CHECK(strstr(err.msg, "unknown prefilter") != NULL);
	p = put_file(0, "a.pat",
		     GOOD_HEAD "regex: \\d{4}\nprefilter: digits 0\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 6));
	/* "digits N group G": G from 1 to N, the word spelt out; "group
	 * G-H": H from G to 64 */
	{
		static const char *const bad[] = {
		    "digits 4 group 5", "digits 4 group 0", "digits 4 group",
		    "digits 4 groups 2", "digits 4 group 2x", "digits 4 2",
		    "digits 4  group 2", "digits 4 group 3-2",
		    "digits 4 group 2-", "digits 4 group -2",
		    "digits 4 group 2-65", "digits 4 group 2-x",
		    "digits 4 group 5-6", "digits 4 group 2--3"};
		size_t k;

		for (k = 0; k < sizeof bad / sizeof *bad; k++) {
			char text[256];

			snprintf(text, sizeof text,
				 GOOD_HEAD "regex: \\d{4}\nprefilter: %s\n"
					   "confidence: 0.5\nmatch: 1234\n",
				 bad[k]);
			p = put_file(0, "a.pat", text);
			CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
			CHECK(at_line(err.msg, p, 6));
		}
		p = put_file(0, "a.pat",
			     GOOD_HEAD "regex: \\d{4}\n"
				       "prefilter: digits 4 group 4\n"
				       "confidence: 0.5\nmatch: 1234\n");
		CHECK_EQ_INT(load_one(p, &err), 0);
		p = put_file(0, "a.pat",
			     GOOD_HEAD "regex: \\d{4}\n"
				       "prefilter: digits 4 group 4-64\n"
				       "confidence: 0.5\nmatch: 1234\n");
		CHECK_EQ_INT(load_one(p, &err), 0);
	}
	p = put_file(0, "a.pat", GOOD_HEAD "window: 0\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 5));
	p = put_file(0, "a.pat", GOOD_HEAD "flags: iz\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 5));
	p = put_file(0, "a.pat", GOOD_HEAD "context-required: maybe\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 5));
	p = put_file(0, "a.pat", GOOD_HEAD "entropy: 9\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 5));
	p = put_file(0, "a.pat", GOOD_HEAD "prefilter: literal a,,b\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 5));
	CHECK(strstr(err.msg, "empty literal") != NULL);

	p = put_file(0, "a.pat",
		     GOOD_HEAD "regex: \\d{4}\nprefilter: digits 4\n"
			       "confidence: 0.5\ncontext-required: yes\n"
			       "match: 1234\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 2));
	CHECK(strstr(err.msg, "without context words") != NULL);

	/* structure: key before id, duplicate key, not key: value, bad id,
	 * bad entity, bad escape in a quoted sample, empty-matching regex */
	p = put_file(0, "a.pat", "entity: X\nid: x\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 1));
	p = put_file(0, "a.pat", GOOD_HEAD "entity: OTHER\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 5));
	CHECK(strstr(err.msg, "duplicate key 'entity'") != NULL);
	p = put_file(0, "a.pat", GOOD_HEAD "just some words\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 5));
	p = put_file(0, "a.pat", "id: Bad Id\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 1));
	p = put_file(0, "a.pat", "id: x\nentity: lower_case\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 2));
	p = put_file(0, "a.pat", GOOD_HEAD "match: \"a\\qb\"\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 5));
	p = put_file(0, "a.pat",
		     GOOD_HEAD "regex: \\d*\nprefilter: none\n"
			       "confidence: 0.5\nmatch: 1234\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 5));
	CHECK(strstr(err.msg, "empty string") != NULL);

	/* CRLF line ends and comments are fine */
	p = put_file(0, "a.pat",
		     "# c\r\nid: x\r\nentity: X\r\ndescription: d\r\n"
		     "  # indented comment\r\nregex: \\d{4}\r\n"
		     "prefilter: digits 4\r\nconfidence: 0.5\r\n"
		     "match: 1234\r\n");
	CHECK_EQ_INT(load_one(p, &err), 0);
	unlink(p);

	/* I/O: a missing path, a directory without .pat files */
	p = "/nonexistent/auditor/x.pat";
	CHECK_EQ_INT(load_one(p, &err), AUD_EIO);
	CHECK(strstr(err.msg, p) == err.msg);
	CHECK_EQ_INT(load_one(tmpdir, &err), AUD_EPATTERN);
	CHECK(strstr(err.msg, "no .pat files") != NULL);
}

/* A directory gives its .pat files in name order; other files are
 * ignored. */
static void test_directory(void)
{
	const char *a, *b, *c, *path = tmpdir;
	aud_patternset *ps = NULL;
	aud_err err;

	b = put_file(1, "b.pat",
		     "id: bee\nentity: B\ndescription: b\nregex: bee\n"
		     "prefilter: literal bee\nconfidence: 0.5\nmatch: bee\n");
	a = put_file(0, "a.pat",
		     "id: ay\nentity: A\ndescription: a\nregex: ay\n"
		     "prefilter: literal ay\nconfidence: 0.5\nmatch: ay\n");
	c = put_file(2, "c.txt", "not a pattern file\n");
	CHECK_EQ_INT(aud_patterns_load(&ps, &path, 1, &err), 0);
	if (ps) {
		CHECK_EQ_INT(aud_patterns_count(ps), 2);
		CHECK_STR(aud_patterns_info(ps, 0)->id, "ay");
		CHECK_STR(aud_patterns_info(ps, 1)->id, "bee");
		CHECK_STR(aud_patterns_info(ps, 0)->file, a);
	}
	aud_patterns_free(ps);
	unlink(a);
	unlink(b);
	unlink(c);
}

/* aud_patterns_test reports the first failing sample at its line. */
static void test_sample_failures(void)
{
	aud_patternset *ps = NULL;
	aud_err err;
	const char *p;
	size_t checked = 0;

	p = put_file(0, "s.pat",
		     "id: four\nentity: TEST_NUMBER\ndescription: d\n"
		     "regex: (?<!\\d)\\d{4}(?!\\d)\nprefilter: digits 4\n"
		     "confidence: 0.5\n"
		     "match: 1234\n"
		     "match: \"tab\\t5678\\x00\"\n"
		     "nomatch: 12345\n"
		     "nomatch: a 4321 b\n"
		     "match: 123\n"
		     "placeholder: 9999\n");
	CHECK_EQ_INT(aud_patterns_load(&ps, &p, 1, &err), 0);
	if (!ps)
		return;
	CHECK_EQ_INT(aud_patterns_test(ps, &checked, &err), AUD_EPATTERN);
	CHECK_EQ_INT(checked, 6);
	CHECK(at_line(err.msg, p, 10));
	CHECK(strstr(err.msg, "pattern 'four': nomatch sample 'a 4321 b' "
			      "matched '4321'") != NULL);
	CHECK(strstr(err.msg, "and 2 more failing samples") != NULL);
	aud_patterns_free(ps);
	unlink(p);
}

/* "run [CLASS] N", several prefilter lines, window-before: what a good
 * file sets, and each error at its line. */
static void test_run_and_windows(void)
{
	aud_patternset *ps = NULL;
	const aud_pattern_engine *en;
	aud_err err;
	const char *p;
	unsigned b;
	int members = 0;

	p = put_file(0, "a.pat",
		     GOOD_HEAD "regex: [0-9a-f:]{4}\n"
			       "prefilter: literal ::\n"
			       "prefilter: run [0-9a-f:\\-\\x41\\s] 4\n"
			       "window: 12\nwindow-before: 3\n"
			       "confidence: 0.5\nmatch: ab:c\n");
	aud_err_clear(&err);
	CHECK_EQ_INT(aud_patterns_load(&ps, &p, 1, &err), 0);
	if (ps) {
		en = aud_patterns_engine(ps, 0);
		CHECK_EQ_INT(en->prefilter, AUD_PF_LITERAL);
		CHECK_EQ_INT(en->prefilters,
			     (1u << AUD_PF_LITERAL) | (1u << AUD_PF_RUN));
		CHECK_EQ_INT(en->run_min, 4);
		CHECK_EQ_INT(en->run_max, 0);
		for (b = 0; b < 256; b++)
			members += (en->run_class[b >> 3] >> (b & 7)) & 1;
		/* 10 digits, 6 letters, ':', '-', 'A', ' ' */
		CHECK_EQ_INT(members, 20);
		CHECK(en->run_class['-' >> 3] & (1u << ('-' & 7)));
		CHECK(en->run_class['A' >> 3] & (1u << ('A' & 7)));
		CHECK(!(en->run_class['g' >> 3] & (1u << ('g' & 7))));
		CHECK_EQ_INT(en->window, 12);
		CHECK_EQ_INT(en->window_before, 3);
		CHECK_STR(aud_patterns_info(ps, 0)->prefilter,
			  "literal ::; run [0-9a-f:\\-\\x41\\s] 4");
	}
	aud_patterns_free(ps);

	/* "N-M": the longest whole run that can hold a match */
	p = put_file(0, "a.pat",
		     GOOD_HEAD "regex: (?<![a-z])[a-z]{4,9}(?![a-z])\n"
			       "prefilter: run [a-z] 4-9\nconfidence: 0.5\n"
			       "window: 9\nmatch: x-abcd-y\nmatch: abcdefghi\n"
			       "nomatch: abcdefghij\n");
	CHECK_EQ_INT(aud_patterns_load(&ps, &p, 1, &err), 0);
	if (ps) {
		en = aud_patterns_engine(ps, 0);
		CHECK_EQ_INT(en->prefilter, AUD_PF_RUN);
		CHECK_EQ_INT(en->run_min, 4);
		CHECK_EQ_INT(en->run_max, 9);
		CHECK_STR(aud_patterns_info(ps, 0)->prefilter, "run [a-z] 4-9");
	}
	aud_patterns_free(ps);
	ps = NULL;
	p = put_file(0, "a.pat",
		     GOOD_HEAD "regex: (?<![a-z])[a-z]{4}(?![a-z])\n"
			       "prefilter: run [a-z] 4-4\nconfidence: 0.5\n"
			       "window: 4\nmatch: ab-abcd\nnomatch: abcde\n");
	CHECK_EQ_INT(load_one(p, &err), 0);
	/* "with K [SUB]" parts: each a subset of the class, K at most M */
	p = put_file(0, "a.pat",
		     GOOD_HEAD
		     "regex: (?<![a-z0-9])[a-z]{2}[0-9]{2}(?![a-z0-9])\n"
		     "prefilter: run [a-z0-9] 4-4 with 2 [0-9]  with 1 "
		     "[a-c\\x64]\nconfidence: 0.5\n"
		     "window: 4\nmatch: ab12\n");
	CHECK_EQ_INT(aud_patterns_load(&ps, &p, 1, &err), 0);
	if (ps) {
		en = aud_patterns_engine(ps, 0);
		CHECK_EQ_INT(en->prefilter, AUD_PF_RUN);
		CHECK_EQ_INT(en->run_min, 4);
		CHECK_EQ_INT(en->run_max, 4);
		CHECK_EQ_INT(en->run_nwith, 2);
		CHECK_EQ_INT(en->run_with[0].min, 2);
		CHECK_EQ_INT(en->run_with[1].min, 1);
		members = 0;
		for (b = 0; b < 256; b++)
			members += (en->run_with[0].sub[b >> 3] >> (b & 7)) & 1;
		CHECK_EQ_INT(members, 10);
		members = 0;
		for (b = 0; b < 256; b++)
			members += (en->run_with[1].sub[b >> 3] >> (b & 7)) & 1;
		CHECK_EQ_INT(members, 4); /* a b c and \x64, d */
		CHECK(en->run_with[1].sub['d' >> 3] & (1u << ('d' & 7)));
	}
	aud_patterns_free(ps);
	ps = NULL;
	p = put_file(0, "a.pat",
		     GOOD_HEAD "prefilter: run [a-z] 4 with 2 [A-Z]\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 5));
	CHECK(strstr(err.msg, "not in the run's class") != NULL);
	p = put_file(0, "a.pat",
		     GOOD_HEAD "prefilter: run [a-z] 4-9 with 10 [a]\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(strstr(err.msg, "K from 1 to the run's M") != NULL);
	p = put_file(0, "a.pat",
		     GOOD_HEAD "prefilter: run [a-z] 4 with 0 [a]\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(strstr(err.msg, "K from 1 to the run's M") != NULL);
	p = put_file(0, "a.pat", GOOD_HEAD "prefilter: run [a-z] 4 with 2\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(strstr(err.msg, "optionally 'with K [SUB]'") != NULL);
	p = put_file(0, "a.pat",
		     GOOD_HEAD "prefilter: run [a-z] 4 and 2 [a]\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(strstr(err.msg, "optionally 'with K [SUB]'") != NULL);
	p = put_file(0, "a.pat",
		     GOOD_HEAD "prefilter: run [a-z] 4 with 1 [a] with 1 [b] "
			       "with 1 [c] with 1 [d] with 1 [e]\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(strstr(err.msg, "at most 4") != NULL);
	p = put_file(0, "a.pat", GOOD_HEAD "prefilter: run [a-z] 9-4\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 5));
	CHECK(strstr(err.msg, "M from N to 65536") != NULL);
	p = put_file(0, "a.pat", GOOD_HEAD "prefilter: run [a-z] 4-\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(strstr(err.msg, "M from N to 65536") != NULL);
	p = put_file(0, "a.pat", GOOD_HEAD "prefilter: run [a-z] 4-65537\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(strstr(err.msg, "M from N to 65536") != NULL);
	p = put_file(0, "a.pat", GOOD_HEAD "prefilter: run [a-z] -4\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(strstr(err.msg, "N from 2 to 1024") != NULL);
	p = put_file(0, "a.pat", GOOD_HEAD "prefilter: run 0-9 4\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 5));
	CHECK(strstr(err.msg, "run needs '[CLASS] N'") != NULL);
	p = put_file(0, "a.pat", GOOD_HEAD "prefilter: run [0-9] 1\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(strstr(err.msg, "N from 2 to 1024") != NULL);
	p = put_file(0, "a.pat", GOOD_HEAD "prefilter: run [\\q] 4\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(strstr(err.msg, "bad escape") != NULL);
	p = put_file(0, "a.pat", GOOD_HEAD "prefilter: run [9-0] 4\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(strstr(err.msg, "bad range") != NULL);
	p = put_file(0, "a.pat", GOOD_HEAD "prefilter: run [0-9 4\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	p = put_file(0, "a.pat",
		     GOOD_HEAD "prefilter: digits 4\nprefilter: digits 5\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 6));
	CHECK(strstr(err.msg, "one 'prefilter:' line per kind") != NULL);
	p = put_file(0, "a.pat",
		     GOOD_HEAD "prefilter: digits 4\nprefilter: none\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 6));
	CHECK(strstr(err.msg, "cannot be combined") != NULL);
	p = put_file(0, "a.pat",
		     GOOD_HEAD "regex: \\d{4}\nprefilter: digits 4\n"
			       "confidence: 0.5\nwindow: 8\nwindow-before: 9\n"
			       "match: 1234\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 2));
	CHECK(strstr(err.msg, "window-before is larger than window") != NULL);
	p = put_file(0, "a.pat", GOOD_HEAD "window-before: -1\n");
	CHECK_EQ_INT(load_one(p, &err), AUD_EPATTERN);
	CHECK(at_line(err.msg, p, 5));
	unlink(p);
}

int main(void)
{
	const char *src = getenv("AUD_SRC");

	snprintf(srcpat, sizeof srcpat, "%s/patterns", src ? src : ".");
	snprintf(tmpdir, sizeof tmpdir, "/tmp/aud_test_patterns.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_shipped);
	RUN(test_sha256);
	RUN(test_select);
	RUN(test_errors);
	RUN(test_run_and_windows);
	RUN(test_directory);
	RUN(test_sample_failures);
	{
		char p[600];

		snprintf(p, sizeof p, "%s/a.pat", tmpdir);
		unlink(p);
		snprintf(p, sizeof p, "%s/b.pat", tmpdir);
		unlink(p);
	}
	rmdir(tmpdir);
	return DONE();
}
