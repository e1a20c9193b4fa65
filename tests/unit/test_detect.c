/*
 * test_detect.c: the matching engine over the shipped patterns and over
 * small pattern files written by the tests: findings in realistic text
 * (entity, start, length, evidence, confidence), field-name context,
 * overlap rules, placeholders, PCRE2 limits, window edges, that values
 * without candidate bytes never reach PCRE2, and that every shipped
 * prefilter finds what the regex over the whole value finds.
 */
#include "auditor/detect.h"

#include "harness.h"

#include <dirent.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[256];
static char srcpat[512];
static aud_detector *shipped;
static aud_patternset *shipped_ps;

static const aud_match *mt; /* findings of the last scan */
static int nmt;             /* and how many */

/* Scans value (a C string) under field name; returns the count. */
static int scan(aud_detector *d, const char *name, const char *value)
{
	aud_err err;
	int n = aud_detect_field(d, name, strlen(name), value, strlen(value),
				 &mt, &err);
	int i;

	nmt = n;
	for (i = 1; i < n; i++)
		CHECK(mt[i - 1].start <= mt[i].start);
	return n;
}

/* Offset of needle in hay (the expected start of a finding). */
static size_t off(const char *hay, const char *needle)
{
	const char *p = strstr(hay, needle);

	return p ? (size_t)(p - hay) : (size_t)-1;
}

/* Checks finding i against entity, pattern id, the text it must cover,
 * evidence and confidence (in hundredths); a scan that found fewer fails
 * here rather than read past its findings. */
#define CHECK_FINDING(i, value, ent, pid, text, ev, conf100)                   \
	do {                                                                   \
		CHECK((int)(i) < nmt);                                         \
		if ((int)(i) >= nmt)                                           \
			break;                                                 \
		CHECK_STR(mt[i].entity, ent);                                  \
		CHECK_STR(mt[i].pattern_id, pid);                              \
		CHECK_EQ_INT(mt[i].start, off(value, text));                   \
		CHECK_EQ_INT(mt[i].len, strlen(text));                         \
		CHECK_STR(aud_evidence_name(mt[i].evidence), ev);              \
		CHECK_EQ_INT((long)(mt[i].confidence * 100 + 0.5), conf100);   \
	} while (0)

static const char *put_file(const char *name, const char *text)
{
	static char path[4][600];
	static int slot;
	char *p = path[slot++ % 4];
	FILE *f;

	snprintf(p, 600, "%s/%s", tmpdir, name);
	f = fopen(p, "wb");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	return p;
}

/* Loads the given files into a set and makes a detector over it. */
static aud_detector *make(aud_patternset **ps, const char *const *paths,
			  size_t n)
{
	aud_detector *d = NULL;
	aud_err err;

	*ps = NULL;
	if (aud_patterns_load(ps, paths, n, &err)) {
		fprintf(stderr, "load: %s\n", err.msg);
		return NULL;
	}
	if (aud_detector_new(&d, *ps, &err)) {
		aud_patterns_free(*ps);
		*ps = NULL;
	}
	return d;
}

/* make() for one pattern path with env=1 set meanwhile (AUDITOR_NO_SIMD
 * for the plain loops, AUDITOR_NO_AVX512 for the AVX2 paths). */
static aud_detector *make_with(aud_patternset **ps, const char *path,
			       const char *env)
{
	aud_detector *d;

	setenv(env, "1", 1);
	d = make(ps, &path, 1);
	unsetenv(env);
	return d;
}

/* An IBAN whose account part is letters (Qatar's 4!a21!c allows them;
 * check digits computed in Python) has two digits in a row: found all the
 * same, as a run of letters, digits and spaces. */
static void test_iban_letters(void)
{
	const char *v = "IBAN QA69 DOHB ABCD EFGH IJKL MNOP QRST U, thanks";
	int n = scan(shipped, "", v), i, found = 0;

	for (i = 0; i < n; i++)
		if (strcmp(mt[i].pattern_id, "iban") == 0) {
			found++;
			CHECK_FINDING(i, v, "IBAN_CODE", "iban",
				      "QA69 DOHB ABCD EFGH IJKL MNOP QRST U",
				      "context", 100);
		}
	CHECK_EQ_INT(found, 1);
}

static void test_paragraph(void)
{
	const char *v =
	    "Hi team, please contact Maria Garcia at "
	    "maria.garcia@uni-hamburg.de or call +49 30 12345678. Her "
	    "card 4539 1488 0343 6467 was charged from IP 81.2.69.160; "
	    "SSN 536-22-1234 is on file.";
	int n = scan(shipped, "message", v);

	CHECK_EQ_INT(n, 5);
	if (n != 5)
		return;
	CHECK_FINDING(0, v, "EMAIL_ADDRESS", "email",
		      "maria.garcia@uni-hamburg.de", "context", 100);
	CHECK_FINDING(1, v, "PHONE_NUMBER", "phone_e164", "+49 30 12345678",
		      "context", 85);
	CHECK_FINDING(2, v, "CREDIT_CARD", "credit_card", "4539 1488 0343 6467",
		      "context", 95);
	CHECK_FINDING(3, v, "IP_ADDRESS", "ipv4", "81.2.69.160", "context", 75);
	CHECK_FINDING(4, v, "US_SSN", "us_ssn", "536-22-1234", "context", 75);
}

static void test_without_context(void)
{
	const char *v;

	/* a validator and no context word: "validated", base confidence */
	v = "ref 4539148803436467";
	CHECK_EQ_INT(scan(shipped, "", v), 1);
	CHECK_FINDING(0, v, "CREDIT_CARD", "credit_card", "4539148803436467",
		      "validated", 80);
	/* no validator: "pattern" */
	v = "x AKIAZ3MHQRSTUVWX2345 y";
	CHECK_EQ_INT(scan(shipped, "", v), 1);
	CHECK_FINDING(0, v, "AWS_ACCESS_KEY", "aws_access_key",
		      "AKIAZ3MHQRSTUVWX2345", "pattern", 90);
	v = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA";
	CHECK_EQ_INT(scan(shipped, "", v), 1);
	CHECK_FINDING(0, v, "PRIVATE_KEY", "private_key",
		      "-----BEGIN OPENSSH PRIVATE KEY-----", "pattern", 95);
	/* a private address: half the confidence */
	v = "peer 192.168.10.20 up";
	CHECK_EQ_INT(scan(shipped, "", v), 1);
	CHECK_FINDING(0, v, "IP_ADDRESS", "ipv4", "192.168.10.20", "validated",
		      30);
}

static void test_json_values(void)
{
	const char *v = "{\"user\":{\"email\":\"j.smith@company.io\","
			"\"ip\":\"10.0.0.1\",\"iban\":\"DE68 2105 0170 0012 "
			"3456 78\"}}";

	CHECK_EQ_INT(scan(shipped, "payload", v), 3);
	CHECK_FINDING(0, v, "EMAIL_ADDRESS", "email", "j.smith@company.io",
		      "context", 100);
	/* (0.60 + 0.15) halved, rounded up: 0.38 */
	CHECK_FINDING(1, v, "IP_ADDRESS", "ipv4", "10.0.0.1", "context", 38);
	CHECK_FINDING(2, v, "IBAN_CODE", "iban", "DE68 2105 0170 0012 3456 78",
		      "context", 100);
}

static void test_field_name_context(void)
{
	/* nine plain digits are an SSN only with context */
	CHECK_EQ_INT(scan(shipped, "ssn", "536221234"), 1);
	CHECK_FINDING(0, "536221234", "US_SSN", "us_ssn_nodash", "536221234",
		      "context", 65);
	CHECK_EQ_INT(scan(shipped, "customerSSN", "536221234"), 1);
	CHECK_EQ_INT(scan(shipped, "customer.tax.ssn_last", "536221234"), 1);
	CHECK_EQ_INT(scan(shipped, "rows[3].SSN", "536221234"), 1);
	CHECK_EQ_INT(scan(shipped, "lesson", "536221234"), 0);
	CHECK_EQ_INT(scan(shipped, "", "536221234"), 0);
	/* the same in the value */
	CHECK_EQ_INT(scan(shipped, "", "SSN 536221234"), 1);
	CHECK_EQ_INT(scan(shipped, "", "ssn#536221234"), 1);
	/* a field name raises evidence of a formatted SSN too */
	CHECK_EQ_INT(scan(shipped, "ssn", "536-22-1234"), 1);
	CHECK_FINDING(0, "536-22-1234", "US_SSN", "us_ssn", "536-22-1234",
		      "context", 75);
	/* a token must start with the word: zip is not ip */
	CHECK_EQ_INT(scan(shipped, "client_ip", "81.2.69.160"), 1);
	CHECK_STR(aud_evidence_name(mt[0].evidence), "context");
	CHECK_EQ_INT(scan(shipped, "zip", "81.2.69.160"), 1);
	CHECK_STR(aud_evidence_name(mt[0].evidence), "validated");
	/* a context word far away (over 64 bytes) does not count */
	CHECK_EQ_INT(scan(shipped, "",
			  "SSN ......................................"
			  "............................ 536221234"),
		     0);
}

static void test_overlaps(void)
{
	const char *loose = "id: phone_loose\nentity: PHONE_NUMBER\n"
			    "description: ten digits anywhere\n"
			    "regex: \\d{3}[ -]?\\d{3}[ -]?\\d{4}\n"
			    "prefilter: digits 10\nconfidence: 0.3\n"
			    "match: number 212 555 2368\n";
	const char *paths[2];
	aud_patternset *ps = NULL;
	aud_detector *d;
	const char *v;

	/* the shipped phone patterns never fire inside a card */
	CHECK_EQ_INT(scan(shipped, "", "4539 1488 0343 6467"), 1);
	CHECK_STR(mt[0].entity, "CREDIT_CARD");
	/* one IP, not an IPv6 and an IPv4 inside it */
	v = "::ffff:81.2.69.160";
	CHECK_EQ_INT(scan(shipped, "", v), 1);
	CHECK_FINDING(0, v, "IP_ADDRESS", "ipv6", v, "validated", 70);

	/* a permissive phone pattern matches inside the card number; the
	 * validated card drops it */
	paths[0] = srcpat;
	paths[1] = put_file("loose.pat", loose);
	d = make(&ps, paths, 2);
	CHECK(d != NULL);
	if (!d)
		return;
	v = "card 4539148803436467";
	CHECK_EQ_INT(scan(d, "", v), 1);
	CHECK_FINDING(0, v, "CREDIT_CARD", "credit_card", "4539148803436467",
		      "context", 95);
	/* ... which it does report elsewhere */
	v = "number 4539148803 here";
	CHECK_EQ_INT(scan(d, "", v), 1);
	CHECK_FINDING(0, v, "PHONE_NUMBER", "phone_loose", "4539148803",
		      "pattern", 30);
	/* same entity, same span: the stronger evidence wins (the plain
	 * NANP entry with its context word over the loose one) */
	v = "call 4539148803";
	CHECK_EQ_INT(scan(d, "", v), 1);
	CHECK_FINDING(0, v, "PHONE_NUMBER", "phone_nanp_plain", "4539148803",
		      "context", 65);
	/* same entity, overlapping: the longer wins */
	v = "+1 212 555 2368";
	CHECK_EQ_INT(scan(d, "", v), 1);
	CHECK_FINDING(0, v, "PHONE_NUMBER", "phone_nanp", v, "validated", 70);
	aud_detector_free(d);
	aud_patterns_free(ps);
	unlink(paths[1]);
}

static void test_placeholders(void)
{
	static const struct {
		const char *v, *ent;
	} t[] = {
	    {"mail jane@example.com", "EMAIL_ADDRESS"},
	    {"4111 1111 1111 1111", "CREDIT_CARD"},
	    {"(212) 555-0123", "PHONE_NUMBER"},
	    {"078-05-1120", "US_SSN"},
	    {"from 192.0.2.1", "IP_ADDRESS"},
	    {"2001:db8::8a2e:370:7334", "IP_ADDRESS"},
	    {"GB82 WEST 1234 5698 7654 32", "IBAN_CODE"},
	    {"AKIAIOSFODNN7EXAMPLE", "AWS_ACCESS_KEY"},
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int n = scan(shipped, "", t[i].v);

		CHECK_EQ_INT(n, 1);
		if (n != 1)
			continue;
		CHECK_STR(mt[0].entity, t[i].ent);
		CHECK_STR(aud_evidence_name(mt[0].evidence), "placeholder");
		CHECK(mt[0].confidence <= 0.1);
	}
}

static void test_limits(void)
{
	const char *evil = "id: evil\nentity: EVIL\n"
			   "description: catastrophic on purpose\n"
			   "regex: (a+)+$\nprefilter: none\nconfidence: 0.5\n"
			   "match: aaa\n";
	const char *path = put_file("evil.pat", evil);
	aud_patternset *ps = NULL;
	aud_detector *d = make(&ps, &path, 1);
	char v[4096];
	clock_t t0;
	int i;

	CHECK(d != NULL);
	if (!d)
		return;
	CHECK_EQ_INT(aud_detector_limit_hits(d), 0);
	memset(v, 'a', 40);
	v[40] = 'b';
	v[41] = '\0';
	t0 = clock();
	CHECK_EQ_INT(scan(d, "", v), 0);
	CHECK_EQ_INT(aud_detector_limit_hits(d), 1);
	/* a long value: stopped at the first start position, not per
	 * position */
	for (i = 0; i < 4000; i++)
		v[i] = i % 30 == 29 ? 'b' : 'a';
	v[4000] = '\0';
	CHECK_EQ_INT(scan(d, "", v), 0);
	CHECK_EQ_INT(aud_detector_limit_hits(d), 2);
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 10.0);
	/* the pattern still works on ordinary values */
	CHECK_EQ_INT(scan(d, "", "xaaa"), 1);
	CHECK_EQ_INT(mt[0].start, 1);
	CHECK_EQ_INT(aud_detector_limit_hits(d), 2);
	aud_detector_free(d);
	aud_patterns_free(ps);
	unlink(path);
}

static void test_window_edges(void)
{
	const char *tail = "id: tail\nentity: TEST_TAIL\n"
			   "description: digits, a dash, letters\n"
			   "regex: (?<!\\d)\\d{3}-[a-z]{1,300}(?![a-z])\n"
			   "prefilter: digits 3\nconfidence: 0.5\nwindow: 8\n"
			   "match: 123-abc\n"
			   "id: tail2\nentity: TEST_TAIL2\n"
			   "description: no '#' ten bytes before\n"
			   "regex: (?<!#.{9})\\d{3}-x\n"
			   "prefilter: digits 3\nconfidence: 0.5\nwindow: 5\n"
			   "match: -abcdefghi123-x\n";
	const char *path = put_file("tail.pat", tail);
	aud_patternset *ps = NULL;
	aud_detector *d = make(&ps, &path, 1);
	char v[400];

	CHECK(d != NULL);
	if (!d)
		return;
	/* the window around "123" ends long before the match does: the
	 * match must come out whole, not cut where the subject was cut */
	strcpy(v, "x 123-");
	memset(v + 6, 'q', 150);
	strcpy(v + 156, "9 end");
	CHECK_EQ_INT(scan(d, "", v), 1);
	CHECK_EQ_INT(mt[0].start, 2);
	CHECK_EQ_INT(mt[0].len, 154);
	/* two hits with overlapping windows: each match once */
	CHECK_EQ_INT(scan(d, "", "123-ab 456-cd"), 2);
	CHECK_EQ_INT(mt[0].start, 0);
	CHECK_EQ_INT(mt[1].start, 7);
	/* lookbehind sees bytes before the window: tail2's window around
	 * "123" starts 5 bytes before it, its lookbehind looks 10 back */
	CHECK_EQ_INT(scan(d, "", "-abcdefghi123-x"), 2);
	CHECK_STR(mt[0].pattern_id, "tail");
	CHECK_STR(mt[1].pattern_id, "tail2");
	CHECK_EQ_INT(scan(d, "", "#abcdefghi123-x"), 1);
	CHECK_STR(mt[0].pattern_id, "tail");
	aud_detector_free(d);
	aud_patterns_free(ps);
	unlink(path);
}

static void test_value_group_entropy(void)
{
	const char *tok = "id: token\nentity: TEST_TOKEN\n"
			  "description: a token after its key\n"
			  "regex: token=(?<value>[A-Za-z0-9]{8,40})\n"
			  "flags: i\nprefilter: literal-i TOKEN=\n"
			  "entropy: 2.5\nconfidence: 0.7\n"
			  "match: token=a8Kz2QpXr\n";
	const char *path = put_file("tok.pat", tok);
	aud_patternset *ps = NULL;
	aud_detector *d = make(&ps, &path, 1);

	CHECK(d != NULL);
	if (!d)
		return;
	/* the finding is the value group; the literal is matched in any
	 * case */
	CHECK_EQ_INT(scan(d, "", "ToKeN=a8Kz2QpXr;"), 1);
	CHECK_EQ_INT(mt[0].start, 6);
	CHECK_EQ_INT(mt[0].len, 9);
	/* 0 bits per byte: dropped */
	CHECK_EQ_INT(scan(d, "", "token=aaaaaaaaaa"), 0);
	/* 1 bit per byte: dropped */
	CHECK_EQ_INT(scan(d, "", "token=abababababab"), 0);
	aud_detector_free(d);
	aud_patterns_free(ps);
	unlink(path);
}

static void test_prefilter_skips(void)
{
	size_t len = 1u << 20, i;
	const char *filler = "lorem ipsum dolor sit amet consectetur ";
	char *v = malloc(len + 1);
	uint64_t before;
	const aud_match *m;
	aud_err err;
	clock_t t0;

	CHECK(v != NULL);
	if (!v)
		return;
	for (i = 0; i < len; i++)
		v[i] = filler[i % strlen(filler)];
	v[len] = '\0';
	before = aud_detector_window_bytes(shipped);
	t0 = clock();
	CHECK_EQ_INT(aud_detect_field(shipped, "", 0, v, len, &m, &err), 0);
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 2.0);
	CHECK_EQ_INT(aud_detector_window_bytes(shipped) - before, 0);

	/* two e-mail addresses far apart: found exactly, and PCRE2 sees
	 * only the windows around the two '@' */
	memcpy(v + 100, " a.b@gmail.com ", 15);
	memcpy(v + 600000, " c.d@gmail.com ", 15);
	before = aud_detector_window_bytes(shipped);
	CHECK_EQ_INT(aud_detect_field(shipped, "", 0, v, len, &m, &err), 2);
	CHECK_EQ_INT(m[0].start, 101);
	CHECK_EQ_INT(m[0].len, 13);
	CHECK_EQ_INT(m[1].start, 600001);
	CHECK_EQ_INT(m[1].len, 13);
	CHECK(aud_detector_window_bytes(shipped) - before <= 2 * 641);
	free(v);
}

/* d[0] over the pattern file at path with the machine's SIMD paths, d[1]
 * with the plain loops (AUDITOR_NO_SIMD); 0, or -1 when either failed. */
static int make_both(aud_patternset *ps[2], aud_detector *d[2],
		     const char *path)
{
	d[0] = make(&ps[0], &path, 1);
	d[1] = make_with(&ps[1], path, "AUDITOR_NO_SIMD");
	CHECK(d[0] != NULL && d[1] != NULL);
	return d[0] && d[1] ? 0 : -1;
}

/* The maximal runs of bytes from "ab01" of 12 to hi bytes in v[0, n):
 * what the run entry below must report, computed without the engine. */
static size_t expected_runs(const char *v, size_t n, size_t hi, size_t *st,
			    size_t *ln)
{
	size_t i = 0, k = 0;

	while (i < n) {
		size_t s = i;

		while (i < n && strchr("ab01", v[i]) && v[i])
			i++;
		if (i - s >= 12 && i - s <= hi) {
			st[k] = s;
			ln[k++] = i - s;
		}
		if (i == s)
			i++;
	}
	return k;
}

/* 3000 random values of mostly "ab01" bytes (so runs are long and many,
 * some across blocks; an LCG from seed): what each of the two detectors
 * finds must be exactly the runs of 12 to hi of those bytes that keep
 * accepts (NULL: all), counted here independently. */
static void random_runs(aud_detector *d[2], size_t hi, unsigned seed,
			int (*keep)(const char *run, size_t len))
{
	const char *alpha = "ab01ab01ab01 xZ";
	char v[300];
	size_t st[64], ln[64], len, k, t, i, j, want;
	const aud_match *m;
	aud_err err;

	for (k = 0; k < 3000; k++) {
		len = (seed = seed * 1103515245u + 12345u) >> 16;
		len %= sizeof v;
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			v[i] = alpha[(seed >> 16) % (k % 2 ? 13 : 15)];
		}
		want = expected_runs(v, len, hi, st, ln);
		for (i = j = 0; i < want; i++)
			if (!keep || keep(v + st[i], ln[i])) {
				st[j] = st[i];
				ln[j++] = ln[i];
			}
		want = j;
		for (t = 0; t < 2; t++) {
			int got =
			    aud_detect_field(d[t], "", 0, v, len, &m, &err);

			CHECK_EQ_INT(got, want);
			for (i = 0; (int)i < got && i < want; i++) {
				CHECK_EQ_INT(m[i].start, st[i]);
				CHECK_EQ_INT(m[i].len, ln[i]);
			}
		}
	}
}

/* "run [CLASS] N" (and "N-M"): runs found wherever they fall against
 * 32-byte blocks (inside one, across several, in the last partial one, in
 * values shorter than a block), the same with and without AVX2, checked
 * against an independent scan of random values; a run one byte short (or,
 * with M, one byte long) opens no window at all. The regex matches runs of
 * 12 to hi bytes; "prefilter" is the entry's line, bounded when it gives
 * M (= hi). */
static void run_prefilter_case(size_t hi, const char *prefilter, int bounded)
{
	char text[400];
	const char *p;
	aud_patternset *ps[2] = {NULL, NULL};
	aud_detector *d[2];
	char v[300];
	size_t len, k, n, t, i;
	uint64_t before;
	const aud_match *m;
	aud_err err;

	snprintf(text, sizeof text,
		 "id: abrun\nentity: TEST_RUN\ndescription: d\n"
		 "regex: (?<![ab01])[ab01]{12,%zu}(?![ab01])\n"
		 "prefilter: %s\nconfidence: 0.5\n"
		 "window: %zu\nmatch: x ab01ab01ab01 y\n"
		 "nomatch: ab01ab01ab0\n",
		 hi, prefilter, hi);
	p = put_file("run.pat", text);
	if (make_both(ps, d, p))
		return;
	/* one run at every offset 0..70 and of every length 11..41 */
	for (len = 11; len <= 41; len++)
		for (k = 0; k <= 70; k++) {
			memset(v, 'x', sizeof v);
			for (i = 0; i < len; i++)
				v[k + i] = "ab01"[i % 4];
			n = k + len + (k % 3); /* sometimes ends the value */
			for (t = 0; t < 2; t++) {
				int got = aud_detect_field(d[t], "", 0, v, n,
							   &m, &err);

				if (len < 12 || len > hi) {
					CHECK_EQ_INT(got, 0);
					continue;
				}
				CHECK_EQ_INT(got, 1);
				if (got == 1) {
					CHECK_EQ_INT(m[0].start, k);
					CHECK_EQ_INT(m[0].len, len);
				}
			}
		}
	/* eleven bytes of the class (and, with M, hi + 1 to 200): no
	 * window, PCRE2 never runs */
	for (len = 11; len <= 200; len = len == 11 ? hi + 1 : len + 7) {
		memset(v, ' ', sizeof v);
		for (i = 0; i < len; i++)
			v[40 + i] = "ab01"[i % 4];
		for (t = 0; t < 2; t++) {
			before = aud_detector_window_bytes(d[t]);
			CHECK_EQ_INT(aud_detect_field(d[t], "", 0, v, sizeof v,
						      &m, &err),
				     0);
			CHECK_EQ_INT(aud_detector_window_bytes(d[t]) - before,
				     0);
		}
		if (!bounded)
			break;
	}
	/* random values: several runs, long ones, runs across blocks */
	random_runs(d, hi, 12345, NULL);
	for (t = 0; t < 2; t++) {
		aud_detector_free(d[t]);
		aud_patterns_free(ps[t]);
	}
	unlink(p);
}

static void test_run_prefilter(void)
{
	run_prefilter_case(40, "run [ab0-1] 12", 0);
	run_prefilter_case(20, "run [ab0-1] 12-20", 1);
	run_prefilter_case(12, "run [ab0-1] 12-12", 1);
}

/* How many bytes c the n bytes at v hold. */
static size_t count_byte(const char *v, size_t n, char c)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += v[i] == c;
	return k;
}

/* Does the run hold three zeros and two a's? */
static int zeros3_as2(const char *run, size_t len)
{
	return count_byte(run, len, '0') >= 3 && count_byte(run, len, 'a') >= 2;
}

/* "run [CLASS] N with K [SUB]": a run that holds fewer than K bytes of
 * SUB opens no window (PCRE2 never sees it), and every run that holds
 * them is found. The regex matches the runs of 12 to 40 bytes with three
 * zeros and two a's, so the promise is true; the findings over random
 * values are checked against runs counted here independently, with and
 * without AVX2 (the vector passes hand run_hit runs that cross blocks). */
static void test_run_with(void)
{
	const char *p;
	aud_patternset *ps[2] = {NULL, NULL};
	aud_detector *d[2];
	size_t t;
	uint64_t before;
	const aud_match *m;
	aud_err err;

	p = put_file("runwith.pat",
		     "id: abrun\nentity: TEST_RUN\ndescription: d\n"
		     "regex: (?<![ab01])(?=(?:[ab1]*0){3})(?=(?:[b01]*a){2})"
		     "[ab01]{12,40}(?![ab01])\n"
		     "prefilter: run [ab0-1] 12 with 3 [0] with 2 [a]\n"
		     "confidence: 0.5\nwindow: 40\n"
		     "match: x 0a0a0b1bbbb0 y\n");
	if (make_both(ps, d, p))
		return;
	/* the second run has two zeros: no window at all */
	for (t = 0; t < 2; t++) {
		CHECK_EQ_INT(aud_detect_field(d[t], "", 0, "x 0a0a0b1bbbb0 y",
					      16, &m, &err),
			     1);
		before = aud_detector_window_bytes(d[t]);
		CHECK_EQ_INT(aud_detect_field(d[t], "", 0, "x 0a1a0b1bbbb1 y",
					      16, &m, &err),
			     0);
		CHECK_EQ_INT(aud_detector_window_bytes(d[t]) - before, 0);
	}
	random_runs(d, 40, 777, zeros3_as2);
	for (t = 0; t < 2; t++) {
		aud_detector_free(d[t]);
		aud_patterns_free(ps[t]);
	}
	unlink(p);
}

/* A random value of fragments from frag[0..n) (an LCG in *seed), at most
 * cap bytes and about `want` long; returns its length. */
static size_t random_value(char *v, size_t cap, size_t want,
			   const char *const *frag, size_t n, unsigned *seed)
{
	size_t len = 0;

	while (len < want) {
		const char *f;
		size_t fl;

		*seed = *seed * 1103515245u + 12345u;
		f = frag[(*seed >> 16) % n];
		fl = strlen(f);
		if (len + fl > cap)
			break;
		memcpy(v + len, f, fl);
		len += fl;
	}
	return len;
}

/* A context-required entry reports exactly the matches that the same
 * entry without the requirement reports with evidence "context" (that
 * look, near_words, reads every byte around a match): so the shortcuts
 * that skip windows far from any word, or values without one (listed
 * places, their word masks, a value's mask, words of one, two and more
 * bytes, words near the value's ends and across 32-byte blocks, more
 * than 32 such entries sharing mask bits), drop nothing they should
 * keep. With and without AVX2, over random values. */
static const char *cr_entry(char *buf, size_t cap, int n, int required)
{
	static const char *const body[3] = {
	    "regex: (?<!\\d)\\d{4}(?!\\d)\nprefilter: digits 4\n"
	    "context: born, dob, s3, birth date, n\xc3\xa9 le\n"
	    "match: born 1984\n",
	    "regex: Q[a-z]{3}\nprefilter: literal Q\n"
	    "context: code, x\nmatch: x Qabc\n",
	    "regex: [A-Z]{6}\nprefilter: run [A-Z] 6\n"
	    "context: ref, REF no\nmatch: ref ABCDEF\n",
	};

	if (n < 3)
		snprintf(buf, cap,
			 "id: cr%d\nentity: TEST_CR%d\ndescription: d\n%s"
			 "confidence: 0.5\nwindow: 12\n%s\n",
			 n, n, body[n], required ? "context-required: yes" : "");
	else /* opens windows, never matches: shares mask bits */
		snprintf(buf, cap,
			 "id: pad%d\nentity: TEST_PAD\ndescription: d\n"
			 "regex: ZQZQ(?!)\nprefilter: literal ZQZQ\n"
			 "context: born, ref, %s\ncontext-required: yes\n"
			 "confidence: 0.5\nmatch: ZQZQ\n\n",
			 n, n % 2 ? "code" : "dob");
	return buf;
}

static void test_context_required(void)
{
	static const char *const frag[] = {
	    "born ", "BORN", "Dob:", "s3 ", "S3", "birth date ", "Birth  date",
	    "n\xc3\xa9 le ", "code", "x ", "X", "ref ", "REF no ", "rEf",
	    "1984", "12345", " 2001 ", "Qabc", "Qab", "ABCDEF", "ABCDEFGH",
	    "lorem ipsum ", "bornx", "xdob", "  ", ".", "\n", "9", "a",
	    "ZQZQ "};
	char text[3][8192], ent[512], v[400];
	const char *paths[3];
	aud_patternset *ps[4] = {NULL, NULL, NULL, NULL};
	aud_detector *d[4];
	unsigned seed = 4242;
	size_t k, i, len;
	int n, t;

	/* with: 32 padding entries first (bits 0..31), then the three
	 * (sharing bits 0..2 with padding that has other words); the
	 * same three without the requirement */
	text[0][0] = text[1][0] = '\0';
	for (n = 3; n < 35; n++)
		strcat(text[0], cr_entry(ent, sizeof ent, n, 1));
	for (n = 0; n < 3; n++) {
		strcat(text[0], cr_entry(ent, sizeof ent, n, 1));
		strcat(text[1], cr_entry(ent, sizeof ent, n, 0));
	}
	/* and the three required ones alone (a bit each) */
	text[2][0] = '\0';
	for (n = 0; n < 3; n++)
		strcat(text[2], cr_entry(ent, sizeof ent, n, 1));
	paths[0] = put_file("cr_with.pat", text[0]);
	paths[1] = put_file("cr_without.pat", text[1]);
	paths[2] = put_file("cr_alone.pat", text[2]);
	d[0] = make(&ps[0], &paths[0], 1);
	d[1] = make(&ps[1], &paths[1], 1);
	d[2] = make(&ps[2], &paths[2], 1);
	d[3] = make_with(&ps[3], paths[0], "AUDITOR_NO_SIMD");
	CHECK(d[0] && d[1] && d[2] && d[3]);
	if (!d[0] || !d[1] || !d[2] || !d[3])
		goto done;
	for (k = 0; k < 4000; k++) {
		aud_match want[64];
		const aud_match *m;
		aud_err err;
		int nw = 0, got;

		seed = seed * 1103515245u + 12345u;
		/* 1 to 400 bytes: words at every offset against blocks */
		len = random_value(v, sizeof v, (seed >> 16) % 400 + 1, frag,
				   sizeof frag / sizeof *frag, &seed);
		got = aud_detect_field(d[1], "", 0, v, len, &m, &err);
		for (i = 0; (int)i < got && nw < 64; i++)
			if (m[i].evidence == AUD_EV_CONTEXT)
				want[nw++] = m[i];
		for (t = 0; t < 4; t++) {
			if (t == 1)
				continue;
			got = aud_detect_field(d[t], "", 0, v, len, &m, &err);
			CHECK_EQ_INT(got, nw);
			for (i = 0; (int)i < got && (int)i < nw; i++) {
				CHECK_EQ_INT(m[i].start, want[i].start);
				CHECK_EQ_INT(m[i].len, want[i].len);
				CHECK_STR(m[i].pattern_id, want[i].pattern_id);
			}
			if (got != nw) {
				fprintf(stderr, "detector %d, value %zu: %.*s\n",
					t, k, (int)len, v);
				goto done;
			}
		}
	}
done:
	for (t = 0; t < 4; t++) {
		aud_detector_free(d[t]);
		aud_patterns_free(ps[t]);
	}
	for (t = 0; t < 3; t++)
		unlink(paths[t]);
}

/* The shipped patterns give the same findings with and without AVX2
 * over random values made of literal prefixes in all cases, context
 * words, digits, runs and prose, at every offset against 32- and
 * 64-byte blocks (the literal pairs' buckets, context places, run
 * classes and digit runs each have an AVX2 and a plain path). */
static void test_simd_same(void)
{
	static const char *const frag[] = {
	    "sk-", "sk-ant-api03-", "AKIA", "akia", "ghp_", "github_pat_",
	    "glpat-", "xoxb-", "AIza", "eyJ", "-----BEGIN ", "0x", "::",
	    "{{", "[", "<|", "|||", "@", "://", "pass", "PASSWORD", "PwD",
	    "secret", "Token", "key=", "api_key: ", "authorization",
	    "born ", "DOB ", "s3 ", "ssn ", "tel ", "iban ", "passport ",
	    "1984-03-02", "4111 1111 1111 1111", "123-45-6789", "+44 20 ",
	    "DE89370400440532013000", "00:1a:2b:3c:4d:5e", "192.168.0.1",
	    "ABCDE1234F", "AB123456C", "deadbeefcafe", "a@b.co ", "x.y@",
	    "lorem ipsum dolor ", "the ", "make ", "per ", ", ", ". ", "\n",
	    "  ", "9", "Z", "\xc3\xa9", "\"", "="};
	aud_patternset *ps = NULL;
	aud_detector *plain;
	const char *path = srcpat;
	unsigned seed = 777;
	char v[600];
	size_t k, i, len;

	plain = make_with(&ps, path, "AUDITOR_NO_SIMD");
	CHECK(plain != NULL);
	if (!plain)
		return;
	for (k = 0; k < 4000; k++) {
		aud_match a[64];
		const aud_match *m;
		aud_err err;
		uint64_t wa, wb;
		int na, nb;

		seed = seed * 1103515245u + 12345u;
		len = random_value(v, sizeof v, (seed >> 16) % sizeof v + 1, frag,
				   sizeof frag / sizeof *frag, &seed);
		wa = aud_detector_window_bytes(shipped);
		na = aud_detect_field(shipped, k % 3 ? "" : "notes", k % 3 ? 0 : 5,
				      v, len, &m, &err);
		wa = aud_detector_window_bytes(shipped) - wa;
		for (i = 0; (int)i < na && i < 64; i++)
			a[i] = m[i];
		wb = aud_detector_window_bytes(plain);
		nb = aud_detect_field(plain, k % 3 ? "" : "notes", k % 3 ? 0 : 5,
				      v, len, &m, &err);
		wb = aud_detector_window_bytes(plain) - wb;
		CHECK_EQ_INT(na, nb);
		/* the same windows, not only the same findings (a window a
		 * byte short or long finds the same within its slack) */
		CHECK_EQ_INT(wa, wb);
		for (i = 0; (int)i < na && (int)i < nb && i < 64; i++) {
			CHECK_EQ_INT(a[i].start, m[i].start);
			CHECK_EQ_INT(a[i].len, m[i].len);
			CHECK_STR(a[i].pattern_id, m[i].pattern_id);
			CHECK_EQ_INT(a[i].evidence, m[i].evidence);
			CHECK_EQ_INT((long)(a[i].confidence * 100 + 0.5),
				     (long)(m[i].confidence * 100 + 0.5));
		}
		if (na != nb || wa != wb) {
			fprintf(stderr, "value %zu: %.*s\n", k, (int)len, v);
			break;
		}
	}
	aud_detector_free(plain);
	aud_patterns_free(ps);
}

/* Copies the shipped pattern file name into dir with every entry's
 * prefilter made "none" (the regex over the whole value) and its
 * window-before dropped, and adds its "match:" samples to frag (at most
 * cap in all, from *n on). Returns 0, or -1. */
static int none_copy(const char *dir, const char *name, char **frag,
		     size_t *n, size_t cap)
{
	char in[600], out[600], line[4096];
	FILE *f, *g;
	int had = 0;

	snprintf(in, sizeof in, "%s/%s", srcpat, name);
	snprintf(out, sizeof out, "%s/%s", dir, name);
	f = fopen(in, "rb");
	g = fopen(out, "wb");
	if (!f || !g) {
		if (f)
			fclose(f);
		if (g)
			fclose(g);
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "id: ", 4) == 0)
			had = 0;
		if (strncmp(line, "prefilter:", 10) == 0) {
			if (!had++)
				fputs("prefilter: none\n", g);
			continue;
		}
		if (strncmp(line, "window-before:", 14) == 0)
			continue;
		if (strncmp(line, "match: ", 7) == 0 && *n < cap) {
			line[strcspn(line, "\n")] = '\0';
			frag[*n] = strdup(line + 7);
			*n += frag[*n] != NULL;
		}
		fputs(line, g);
	}
	fclose(f);
	return fclose(g) ? -1 : 0;
}

/* Every shipped entry's prefilter keeps its promise: the findings over
 * random text made of the entries' own samples, separators, digits and
 * context words are those of the same entries with "prefilter: none"
 * (their regex over every whole value). A window too narrow, a
 * window-before that misses where a match starts, a literal or run a
 * match can lack, or a digit group it need not have would each lose a
 * finding here. */
static void test_prefilters_kept(void)
{
	static const char *const noise[] = {
	    " ", "  ", "-", ".", "/", "(", ")", "+", "0", "1", "9", "12",
	    "345", "2024-09-11T02:45:21Z", "x", "A", "Z", ", ", ":", "@",
	    "\n", "the ", "born ", "dob: ", "ssn ", "tel ", "password=", "\"",
	    "_", "2A", "ab12CD34ef56GH78", "hetu ", "pnr "};
	char *frag[1200];
	size_t nf = 0, nsamples, k, i;
	char dir[300], v[800];
	const char *path = dir;
	aud_patternset *ps = NULL;
	aud_detector *none = NULL;
	unsigned seed = 4242;
	struct dirent *e;
	DIR *dp;

	snprintf(dir, sizeof dir, "%s/none", tmpdir);
	CHECK(mkdir(dir, 0700) == 0);
	dp = opendir(srcpat);
	CHECK(dp != NULL);
	while (dp && (e = readdir(dp)) != NULL) {
		size_t l = strlen(e->d_name);

		if (l > 4 && strcmp(e->d_name + l - 4, ".pat") == 0)
			CHECK(none_copy(dir, e->d_name, frag, &nf,
					sizeof frag / sizeof *frag -
					    sizeof noise / sizeof *noise) == 0);
	}
	if (dp)
		closedir(dp);
	nsamples = nf;
	CHECK(nsamples > 300);
	for (k = 0; k < sizeof noise / sizeof *noise; k++)
		frag[nf++] = (char *)noise[k];
	none = make(&ps, &path, 1);
	CHECK(none != NULL);
	for (k = 0; none && k < 20000; k++) {
		const char *name = k % 4 ? "" : "notes";
		aud_match a[64];
		const aud_match *m;
		aud_err err;
		size_t len;
		int na, nb, same;

		seed = seed * 1103515245u + 12345u;
		len = random_value(v, sizeof v, (seed >> 16) % 300 + 1,
				   (const char *const *)frag, nf, &seed);
		na = aud_detect_field(shipped, name, strlen(name), v, len, &m,
				      &err);
		for (i = 0; (int)i < na && i < 64; i++)
			a[i] = m[i];
		nb = aud_detect_field(none, name, strlen(name), v, len, &m,
				      &err);
		same = na == nb;
		for (i = 0; same && (int)i < na && i < 64; i++)
			same = a[i].start == m[i].start &&
			       a[i].len == m[i].len &&
			       strcmp(a[i].pattern_id, m[i].pattern_id) == 0 &&
			       a[i].evidence == m[i].evidence;
		CHECK(same);
		if (!same) {
			fprintf(stderr, "value %zu (%d vs %d): %.*s\n", k, na,
				nb, (int)len, v);
			break;
		}
	}
	aud_detector_free(none);
	aud_patterns_free(ps);
	for (k = 0; k < nsamples; k++)
		free(frag[k]);
	dp = opendir(dir);
	while (dp && (e = readdir(dp)) != NULL) {
		char p[700];

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (dp)
		closedir(dp);
	rmdir(dir);
}

/* Runs of 32 to 64 bytes and more (has_run's longer steps): a run of N
 * opens its window wherever it lies, one of N - 1 does not. */
static void test_long_runs(void)
{
	const char *p = put_file(
	    "longrun.pat", "id: longrun\nentity: TEST_LONG\ndescription: d\n"
			   "regex: (?<![a-z])[a-z]{40,70}(?![a-z])\n"
			   "prefilter: run [a-z] 40\nconfidence: 0.5\n"
			   "window: 80\nmatch: x abcdefghijabcdefghijabcdefghij"
			   "abcdefghij y\n");
	aud_patternset *ps[2] = {NULL, NULL};
	aud_detector *d[2];
	char v[300];
	size_t len, k, i;
	int t;

	if (make_both(ps, d, p))
		return;
	for (len = 38; len <= 71; len++)
		for (k = 0; k < 70; k += 3) {
			const aud_match *m;
			aud_err err;

			memset(v, '.', sizeof v);
			for (i = 0; i < len; i++)
				v[k + i] = (char)('a' + i % 26);
			for (t = 0; t < 2; t++) {
				int got = aud_detect_field(d[t], "", 0, v,
							   k + len + 5, &m,
							   &err);

				CHECK_EQ_INT(got, len >= 40 && len <= 70);
				if (got == 1) {
					CHECK_EQ_INT(m[0].start, k);
					CHECK_EQ_INT(m[0].len, len);
				}
			}
		}
	for (t = 0; t < 2; t++) {
		aud_detector_free(d[t]);
		aud_patterns_free(ps[t]);
	}
	unlink(p);
}

/* n random values of up to max bytes from alpha (its first few bytes in
 * every other value, all its bytes in the rest): d[0], d[2] and d[3] find
 * the matches of d[1], the reference. */
static void same_as_ref(aud_detector *d[4], const char *alpha, size_t few,
			size_t all, size_t max, unsigned seed, size_t n)
{
	char v[256];
	size_t k, i, len;
	int t;

	for (k = 0; k < n; k++) {
		aud_match want[32];
		const aud_match *m;
		aud_err err;
		int nw, got;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % (max < sizeof v ? max : sizeof v);
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			v[i] = alpha[(seed >> 16) % (k % 2 ? few : all)];
		}
		nw = aud_detect_field(d[1], "", 0, v, len, &m, &err);
		for (i = 0; (int)i < nw && i < 32; i++)
			want[i] = m[i];
		for (t = 0; t < 4; t += 1 + (t == 0)) {
			got = aud_detect_field(d[t], "", 0, v, len, &m, &err);
			CHECK_EQ_INT(got, nw);
			for (i = 0; (int)i < got && (int)i < nw && i < 32; i++) {
				CHECK_EQ_INT(m[i].start, want[i].start);
				CHECK_EQ_INT(m[i].len, want[i].len);
			}
		}
	}
}

/* "digits N group G": a run whose longest stretch of digits in a row is
 * shorter than G opens no window (dates, phone numbers written in
 * groups), and with "group G-H" one with no stretch of G to H digits
 * opens none either (a card number's sixteen for a seven-digit entry);
 * the findings are those of the same entry without "group", over random
 * digits and separators, with and without AVX2. */
static void test_digit_groups(void)
{
	static const char *const body =
	    "entity: TEST_SEVEN\ndescription: d\n"
	    "regex: (?<![\\d])\\d{7}(?![\\d])\nconfidence: 0.5\n"
	    "window: 12\nmatch: x 1234567 y\n";
	char text[3][512];
	const char *paths[3];
	aud_patternset *ps[4] = {NULL, NULL, NULL, NULL};
	aud_detector *d[4];
	const char *alpha = "0123456789 -./()x";
	unsigned seed = 99;
	uint64_t before;
	const aud_match *m;
	aud_err err;
	int t;

	snprintf(text[0], sizeof text[0],
		 "id: seven\n%sprefilter: digits 7 group 7\n", body);
	snprintf(text[1], sizeof text[1], "id: seven\n%sprefilter: digits 7\n",
		 body);
	snprintf(text[2], sizeof text[2],
		 "id: seven\n%sprefilter: digits 7 group 7-7\n", body);
	paths[0] = put_file("grp.pat", text[0]);
	paths[1] = put_file("nogrp.pat", text[1]);
	paths[2] = put_file("range.pat", text[2]);
	d[0] = make(&ps[0], &paths[0], 1);
	d[1] = make(&ps[1], &paths[1], 1);
	d[2] = make_with(&ps[2], paths[0], "AUDITOR_NO_SIMD");
	d[3] = make(&ps[3], &paths[2], 1);
	CHECK(d[0] && d[1] && d[2] && d[3]);
	if (!d[0] || !d[1] || !d[2] || !d[3])
		goto done;
	/* eight in a row: a window for "group 7", none for "group 7-7" */
	before = aud_detector_window_bytes(d[0]);
	CHECK_EQ_INT(aud_detect_field(d[0], "", 0, "no 12345678", 11, &m,
				      &err),
		     0);
	CHECK(aud_detector_window_bytes(d[0]) - before > 0);
	before = aud_detector_window_bytes(d[3]);
	CHECK_EQ_INT(aud_detect_field(d[3], "", 0, "no 12345678", 11, &m,
				      &err),
		     0);
	CHECK_EQ_INT(aud_detector_window_bytes(d[3]) - before, 0);
	/* ... but seven in a row beside it in the same run: found */
	CHECK_EQ_INT(aud_detect_field(d[3], "", 0, "12345678 1234567.", 17,
				      &m, &err),
		     1);
	CHECK_EQ_INT(aud_detect_field(d[3], "", 0, "1234567-12345678", 16,
				      &m, &err),
		     1);
	/* groups of 4, 2 and 2: a window without group, none with it */
	before = aud_detector_window_bytes(d[0]);
	CHECK_EQ_INT(aud_detect_field(d[0], "", 0, "on 2015-12-14 at", 16,
				      &m, &err),
		     0);
	CHECK_EQ_INT(aud_detector_window_bytes(d[0]) - before, 0);
	before = aud_detector_window_bytes(d[1]);
	CHECK_EQ_INT(aud_detect_field(d[1], "", 0, "on 2015-12-14 at", 16,
				      &m, &err),
		     0);
	CHECK(aud_detector_window_bytes(d[1]) - before > 0);
	/* seven in a row after groups: found */
	CHECK_EQ_INT(aud_detect_field(d[0], "", 0, "12-34 1234567", 13, &m,
				      &err),
		     1);
	/* mostly digits: long runs, groups of all lengths */
	same_as_ref(d, alpha, 12, 17, 200, seed, 5000);
done:
	for (t = 0; t < 4; t++) {
		aud_detector_free(d[t]);
		aud_patterns_free(ps[t]);
	}
	unlink(paths[0]);
	unlink(paths[1]);
	unlink(paths[2]);
}

/* "digits N group G-H start 0": the stretch of G to H digits starts with
 * the digit 0 (national phone numbers' trunk prefix). A date whose month
 * is 02, or a run without such a stretch, opens no window; the findings
 * are those of the same entry without it, over random digits, zeros and
 * separators, on every path (the machine's vector paths, AVX2, plain). */
static void test_digit_start0(void)
{
	static const char *const body =
	    "entity: TEST_TRUNK\ndescription: d\n"
	    "regex: (?<![\\w.-])0\\d{2,3}[ /]\\d{4,6}(?![\\w-])\n"
	    "confidence: 0.5\nwindow: 12\nmatch: x 030 12345 y\n";
	char text[2][512];
	const char *paths[2];
	aud_patternset *ps[4] = {NULL, NULL, NULL, NULL};
	aud_detector *d[4];
	const char *alpha = "0001234567 -./x";
	unsigned seed = 4242;
	uint64_t before;
	const aud_match *m;
	aud_err err;
	int t;

	snprintf(text[0], sizeof text[0],
		 "id: trunk\n%sprefilter: digits 7 group 3-4 start 0\n", body);
	snprintf(text[1], sizeof text[1],
		 "id: trunk\n%sprefilter: digits 7 group 3-4\n", body);
	paths[0] = put_file("start0.pat", text[0]);
	paths[1] = put_file("nostart0.pat", text[1]);
	d[0] = make(&ps[0], &paths[0], 1);
	d[1] = make(&ps[1], &paths[1], 1);
	d[2] = make_with(&ps[2], paths[0], "AUDITOR_NO_AVX512");
	d[3] = make_with(&ps[3], paths[0], "AUDITOR_NO_SIMD");
	CHECK(d[0] && d[1] && d[2] && d[3]);
	if (!d[0] || !d[1] || !d[2] || !d[3])
		goto done;
	for (t = 0; t < 4; t++) {
		if (t == 1)
			continue;
		/* 2020, 02, 28: the stretch starting with 0 has 2 digits */
		before = aud_detector_window_bytes(d[t]);
		CHECK_EQ_INT(aud_detect_field(d[t], "", 0, "on 2020-02-28 1234",
					      18, &m, &err),
			     0);
		CHECK_EQ_INT(aud_detector_window_bytes(d[t]) - before, 0);
		/* 120 4567: no stretch starts with 0 */
		CHECK_EQ_INT(aud_detect_field(d[t], "", 0, "tel 120 4567", 12,
					      &m, &err),
			     0);
		CHECK_EQ_INT(aud_detector_window_bytes(d[t]) - before, 0);
		/* the 0 mid-run, after another stretch: found */
		CHECK_EQ_INT(aud_detect_field(d[t], "", 0, "12/ 030/12345", 13,
					      &m, &err),
			     1);
		CHECK(aud_detector_window_bytes(d[t]) - before > 0);
	}
	/* without "start 0" the date opens a window */
	before = aud_detector_window_bytes(d[1]);
	CHECK_EQ_INT(aud_detect_field(d[1], "", 0, "on 2020-02-28 1234", 18,
				      &m, &err),
		     0);
	CHECK(aud_detector_window_bytes(d[1]) - before > 0);
	same_as_ref(d, alpha, 10, 15, 160, seed, 6000);
done:
	for (t = 0; t < 4; t++) {
		aud_detector_free(d[t]);
		aud_patterns_free(ps[t]);
	}
	unlink(paths[0]);
	unlink(paths[1]);
}

/* An entry anchored at both ends (^...$, no | outside brackets, no (?m))
 * opens no window in a value longer than its window and a final newline:
 * a long value with hits costs nothing. Not anchored at the end (^a|^b$,
 * an escaped \$, $ in a group), the same hits are still looked at. */
static int one_entry(aud_detector **d, aud_patternset **ps, const char *name,
		     const char *regex, const char *match)
{
	char text[512];
	const char *path;

	snprintf(text, sizeof text,
		 "id: %s\nentity: TEST_WHOLE\ndescription: d\nregex: %s\n"
		 "prefilter: digits 2\nconfidence: 0.5\nwindow: 6\n"
		 "match: %s\n",
		 name, regex, match);
	path = put_file("whole.pat", text);
	*d = make(ps, &path, 1);
	unlink(path);
	CHECK(*d != NULL);
	return *d ? 0 : -1;
}

static void test_whole_value(void)
{
	static const char *const re[4] = {"^(?:ab|cd)\\d{2}$",
					  "^ab\\d{2}|^cd$", "^ab\\d{2}\\$",
					  "^ab\\d{2}(?:$|x)"};
	static const char *const sample[4] = {"ab12", "ab12", "ab12$",
					      "ab12"};
	aud_patternset *ps = NULL;
	aud_detector *d = NULL;
	const aud_match *m;
	aud_err err;
	uint64_t before;
	int t;

	for (t = 0; t < 4; t++) {
		if (one_entry(&d, &ps, "whole", re[t], sample[t]))
			return;
		CHECK_EQ_INT(aud_detect_field(d, "", 0, sample[t],
					      strlen(sample[t]), &m, &err),
			     1);
		before = aud_detector_window_bytes(d);
		if (t == 0) {
			/* within the window and a final newline: found */
			CHECK_EQ_INT(aud_detect_field(d, "", 0, "cd34\n", 5, &m,
						      &err),
				     1);
			/* longer: no window at all */
			CHECK_EQ_INT(aud_detect_field(d, "", 0,
						      "ab12 and 34 more", 16,
						      &m, &err),
				     0);
			CHECK_EQ_INT(aud_detector_window_bytes(d) - before, 5);
		} else {
			/* the first branch, or a literal $, or $ in a
			 * group: the long value's hits are looked at */
			aud_detect_field(d, "", 0, "ab12 and 34 more $", 18, &m,
					 &err);
			CHECK(aud_detector_window_bytes(d) - before > 0);
		}
		if (t == 1)
			CHECK_EQ_INT(aud_detect_field(d, "", 0,
						      "ab12 and 34 more", 16,
						      &m, &err),
				     1);
		aud_detector_free(d);
		aud_patterns_free(ps);
		ps = NULL;
	}
}

/* More than 64 "digits" entries: run_done leaves its bit masks (one bit
 * an entry) for the loop over every entry. The same entries with
 * "prefilter: none" find the same matches in values of digit runs,
 * groups and separators, with the bit masks (60 entries) and without
 * (75). */
static void test_many_digit_entries(void)
{
	static const char alpha[] = "0123456789 -./x";
	static const size_t counts[2] = {60, 75};
	aud_patternset *ps[2][2] = {{NULL, NULL}, {NULL, NULL}};
	aud_detector *d[2][2] = {{NULL, NULL}, {NULL, NULL}};
	unsigned seed = 7;
	size_t c, k, i;
	int t;

	for (c = 0; c < 2; c++) {
		for (t = 0; t < 2; t++) {
			size_t cap = 80000, len = 0;
			char *text = malloc(cap);
			const char *path;

			CHECK(text != NULL);
			if (!text)
				return;
			for (k = 0; k < counts[c]; k++) {
				unsigned n = 2 + (unsigned)(k % 12);
				char pf[64];

				/* exact groups, a pair then a group, plain */
				if (t == 1)
					snprintf(pf, sizeof pf, "none");
				else if (k % 3 == 0)
					snprintf(pf, sizeof pf,
						 "digits %u group %u-%u", n, n,
						 n);
				else if (k % 3 == 1)
					snprintf(pf, sizeof pf,
						 "digits %u group %u-%u", n + 2,
						 n, n + 1);
				else
					snprintf(pf, sizeof pf, "digits %u", n);
				len += (size_t)snprintf(
				    text + len, cap - len,
				    "id: many%zu\nentity: TEST_MANY_%c%c\n"
				    "description: d\n"
				    "regex: (?<![\\d-])%s\\d{%u}(?![\\d-])\n"
				    "confidence: 0.5\nwindow: 24\n"
				    "prefilter: %s\n"
				    "match: x %s%.*s y\n\n",
				    k, 'A' + (int)(k / 26), 'A' + (int)(k % 26),
				    k % 3 == 1 ? "\\d\\d-" : "", n, pf,
				    k % 3 == 1 ? "12-" : "", (int)n,
				    "1234567890123");
			}
			path = put_file(t ? "many_none.pat" : "many.pat", text);
			d[c][t] = make(&ps[c][t], &path, 1);
			CHECK(d[c][t] != NULL);
			free(text);
		}
	}
	for (c = 0; c < 2; c++) {
		for (k = 0; d[c][0] && d[c][1] && k < 4000; k++) {
			static aud_match want[2048];
			const aud_match *m;
			aud_err err;
			char v[160];
			size_t len;
			int nw, got, same;

			seed = seed * 1103515245u + 12345u;
			len = (seed >> 16) % sizeof v;
			for (i = 0; i < len; i++) {
				seed = seed * 1103515245u + 12345u;
				v[i] = alpha[(seed >> 16) %
					     (k % 2 ? 11 : sizeof alpha - 1)];
			}
			nw = aud_detect_field(d[c][1], "", 0, v, len, &m, &err);
			for (i = 0; (int)i < nw && i < 2048; i++)
				want[i] = m[i];
			got = aud_detect_field(d[c][0], "", 0, v, len, &m, &err);
			same = got == nw && nw <= 2048;
			for (i = 0; same && (int)i < got; i++)
				same = m[i].start == want[i].start &&
				       m[i].len == want[i].len &&
				       strcmp(m[i].pattern_id,
					      want[i].pattern_id) == 0;
			CHECK(same);
			if (!same) {
				fprintf(stderr, "%zu entries, value %zu: %.*s\n",
					counts[c], k, (int)len, v);
				break;
			}
		}
	}
	for (c = 0; c < 2; c++)
		for (t = 0; t < 2; t++) {
			aud_detector_free(d[c][t]);
			aud_patterns_free(ps[c][t]);
		}
}

/* window-before: the regex is tried only at starts up to the hit (an
 * anchored copy, at bytes a match can start with, either case for (?i)),
 * and finds every match that starts within window-before of its hit. */
static void test_window_before(void)
{
	const char *p = put_file(
	    "wb.pat", "id: wb\nentity: TEST_WB\ndescription: d\n"
		      "regex: (?i)(?<![a-z])x[a-z]{0,4}key=\\d+\n"
		      "prefilter: literal-i key\nconfidence: 0.5\n"
		      "window: 40\nwindow-before: 5\n"
		      "match: xabcdkey=12\n");
	aud_patternset *ps = NULL;
	aud_detector *d = make(&ps, &p, 1);

	CHECK(d != NULL);
	if (!d)
		return;
	CHECK_EQ_INT(scan(d, "", "go Xabcdkey=12 and xkey=3, XKEY=4"), 3);
	CHECK_EQ_INT(mt[0].start, 3);
	CHECK_EQ_INT(mt[0].len, 11);
	CHECK_EQ_INT(mt[1].start, 19);
	CHECK_EQ_INT(mt[1].len, 6);
	CHECK_EQ_INT(mt[2].start, 27);
	CHECK_EQ_INT(mt[2].len, 6);
	/* no key, no match, though x... is there */
	CHECK_EQ_INT(scan(d, "", "xabcd=12 xab=3"), 0);
	aud_detector_free(d);
	aud_patterns_free(ps);
	unlink(p);
}

static void test_bytes(void)
{
	static const char v[] = "\xff\xfe john@gmail.com \x00 tail \xc3";
	const aud_match *m;
	aud_err err;

	/* invalid UTF-8 and NUL bytes around a match do not matter */
	CHECK_EQ_INT(
	    aud_detect_field(shipped, NULL, 0, v, sizeof v - 1, &m, &err), 1);
	CHECK_EQ_INT(m[0].start, 3);
	CHECK_EQ_INT(m[0].len, 14);
	CHECK_EQ_INT(aud_detect_field(shipped, "x", 1, "", 0, &m, &err), 0);
}

static void test_many_matches(void)
{
	size_t n = 70000, i;
	char *v = malloc(n * 7 + 1);
	const aud_match *m;
	aud_err err;

	CHECK(v != NULL);
	if (!v)
		return;
	for (i = 0; i < n; i++)
		memcpy(v + 7 * i, "a@b.cc ", 7);
	/* at most 65536 findings per value; the rest are counted */
	CHECK_EQ_INT(aud_detect_field(shipped, "", 0, v, n * 7, &m, &err),
		     65536);
	CHECK_EQ_INT(aud_detector_truncated(shipped), n - 65536);
	CHECK_EQ_INT(m[65535].start, 65535 * 7);
	free(v);
}

static void test_names(void)
{
	CHECK_STR(aud_evidence_name(AUD_EV_PATTERN), "pattern");
	CHECK_STR(aud_evidence_name(AUD_EV_VALIDATED), "validated");
	CHECK_STR(aud_evidence_name(AUD_EV_CONTEXT), "context");
	CHECK_STR(aud_evidence_name(AUD_EV_PLACEHOLDER), "placeholder");
}

int main(void)
{
	const char *src = getenv("AUD_SRC");
	const char *path = srcpat;
	int rc;

	snprintf(srcpat, sizeof srcpat, "%s/patterns", src ? src : ".");
	snprintf(tmpdir, sizeof tmpdir, "/tmp/aud_test_detect.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	shipped = make(&shipped_ps, &path, 1);
	CHECK(shipped != NULL);
	if (shipped) {
		/* which vector paths the comparisons with the plain loops
		 * cover on this CPU */
		fprintf(stderr, "test_detect: vector paths %s\n",
		       aud_detector_simd(shipped));
		RUN(test_paragraph);
		RUN(test_iban_letters);
		RUN(test_without_context);
		RUN(test_json_values);
		RUN(test_field_name_context);
		RUN(test_overlaps);
		RUN(test_placeholders);
		RUN(test_limits);
		RUN(test_window_edges);
		RUN(test_value_group_entropy);
		RUN(test_prefilter_skips);
		RUN(test_run_prefilter);
		RUN(test_run_with);
		RUN(test_window_before);
		RUN(test_context_required);
		RUN(test_simd_same);
		RUN(test_prefilters_kept);
		RUN(test_long_runs);
		RUN(test_digit_groups);
		RUN(test_digit_start0);
		RUN(test_whole_value);
	RUN(test_many_digit_entries);
		RUN(test_bytes);
		RUN(test_many_matches);
		RUN(test_names);
	}
	aud_detector_free(shipped);
	aud_patterns_free(shipped_ps);
	rc = DONE();
	rmdir(tmpdir);
	return rc;
}
