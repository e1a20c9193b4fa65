/* Unit tests for common.c (error formatting, capped buffer), keyhash.c and
 * walk.c. */
#include "auditor/common.h"
#include "auditor/keyhash.h"
#include "auditor/walk.h"
#include "harness.h"

#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_err_format(void)
{
	aud_err e;
	char buf[256];

	aud_err_clear(&e);
	CHECK_EQ_INT(e.code, AUD_OK);
	CHECK_EQ_INT(aud_err_set(&e, AUD_EFORMAT, "invalid JSON: %s", "x"),
		     AUD_EFORMAT);
	aud_err_place(&e, 12, 13, 88213);
	CHECK_STR(aud_err_format(buf, sizeof buf, &e, "data/x.jsonl.gz"),
		  "data/x.jsonl.gz:13 (record 12, byte 88213): invalid JSON: x");
	aud_err_place(&e, AUD_NOPOS, AUD_NOPOS, 7);
	CHECK_STR(aud_err_format(buf, sizeof buf, &e, "f"),
		  "f (byte 7): invalid JSON: x");
	aud_err_place(&e, AUD_NOPOS, AUD_NOPOS, AUD_NOPOS);
	CHECK_STR(aud_err_format(buf, sizeof buf, &e, NULL), "invalid JSON: x");
	CHECK_STR(aud_err_format(buf, 6, &e, "abcdefgh"), "abcde");
	CHECK_EQ_INT(aud_err_set(NULL, AUD_EIO, "x"), AUD_EIO);
}

static void test_buf_cap(void)
{
	aud_buf b = {0};
	char big[1000];

	memset(big, 'a', sizeof big);
	b.max = 1500;
	CHECK_EQ_INT(aud_buf_append(&b, big, 1000), AUD_OK);
	CHECK_EQ_INT(aud_buf_append(&b, big, 600), AUD_ELIMIT);
	CHECK_EQ_INT(b.len, 1000);
	CHECK_EQ_INT(aud_buf_append(&b, big, 500), AUD_OK);
	CHECK_EQ_INT(b.len, 1500);
	CHECK(b.cap <= 1500);
	aud_buf_free(&b);
	CHECK(b.p == NULL && b.len == 0);
}

static void test_keyhash(void)
{
	const unsigned char key[] = "0123456789abcdef-key";
	aud_keyhash *h = NULL, *h2 = NULL;
	char a[65], b2[65], fp[17], fp2[17], want[65];
	unsigned char md[32];
	unsigned int mdlen = 0;
	aud_err e;
	int i;

	aud_err_clear(&e);
	CHECK_EQ_INT(aud_keyhash_new(&h, key, 8, &e), AUD_EUSAGE);
	CHECK(h == NULL);
	CHECK_EQ_INT(aud_keyhash_new(&h, key, sizeof key - 1, &e), AUD_OK);
	/* Same address in two spellings: one hash (emails are lower-cased). */
	aud_keyhash_value(h, "EMAIL_ADDRESS", "Ann@Example.COM", 15, a);
	aud_keyhash_value(h, "EMAIL_ADDRESS", "ann@example.com", 15, b2);
	CHECK_STR(a, b2);
	/* Independent HMAC over "EMAIL_ADDRESS\0ann@example.com". */
	HMAC(EVP_sha256(), key, (int)sizeof key - 1,
	     (const unsigned char *)"EMAIL_ADDRESS\0ann@example.com", 29, md,
	     &mdlen);
	for (i = 0; i < 32; i++)
		sprintf(want + 2 * i, "%02x", md[i]);
	CHECK_STR(a, want);
	/* A key longer than SHA-256's block is hashed first (RFC 2104), and
	 * a value longer than the stack buffer: both against HMAC(). */
	{
		unsigned char lk[100];
		char big[700];
		aud_keyhash *hl = NULL;

		for (i = 0; i < 100; i++)
			lk[i] = (unsigned char)(i * 7 + 1);
		memset(big, 'x', sizeof big);
		memcpy(big, "PERSON", 6);
		big[6] = '\0';
		CHECK_EQ_INT(aud_keyhash_new(&hl, lk, sizeof lk, &e), AUD_OK);
		aud_keyhash_value(hl, "PERSON", big + 7, sizeof big - 7, b2);
		HMAC(EVP_sha256(), lk, (int)sizeof lk,
		     (const unsigned char *)big, sizeof big, md, &mdlen);
		for (i = 0; i < 32; i++)
			sprintf(want + 2 * i, "%02x", md[i]);
		CHECK_STR(b2, want);
		aud_keyhash_free(hl);
	}
	/* The entity is part of the message. */
	aud_keyhash_value(h, "PERSON", "ann@example.com", 15, b2);
	CHECK(strcmp(a, b2) != 0);
	aud_keyhash_fingerprint(h, fp);
	CHECK_EQ_INT(strlen(fp), 16);
	CHECK_EQ_INT(aud_keyhash_new(&h2, (const unsigned char *)"another key of 16",
				     17, &e), AUD_OK);
	aud_keyhash_fingerprint(h2, fp2);
	CHECK(strcmp(fp, fp2) != 0);
	aud_keyhash_free(h);
	aud_keyhash_free(h2);
	aud_keyhash_free(NULL);
}

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");
	if (f)
		fclose(f);
}

static void test_walk(void)
{
	char dir[] = "/tmp/aud-walk-XXXXXX", p[512];
	aud_inputs in = {0};
	aud_walk_opts o;
	const char *inc[] = {"*.txt"}, *exc[] = {"skip*"};
	aud_err e;
	size_t i;

	aud_err_clear(&e);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(p, sizeof p, "%s/b", dir); mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/.git", dir); mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/z.csv", dir); touch(p);
	snprintf(p, sizeof p, "%s/a.jsonl.gz", dir); touch(p);
	snprintf(p, sizeof p, "%s/notes.txt", dir); touch(p);
	snprintf(p, sizeof p, "%s/b/c.csv", dir); touch(p);
	snprintf(p, sizeof p, "%s/b/skip.csv", dir); touch(p);
	snprintf(p, sizeof p, "%s/.git/h.csv", dir); touch(p);
	snprintf(p, sizeof p, "%s/b/loop", dir);
	CHECK(symlink("..", p) == 0);

	memset(&o, 0, sizeof o);
	CHECK_EQ_INT(aud_walk(&in, dir, &o, &e), AUD_OK);
	/* Sorted, recursive, hidden skipped, .txt not a data file (but
	 * counted as skipped), loop. */
	CHECK_EQ_INT(in.n, 5);
	CHECK_EQ_INT(in.skipped, 1);
	CHECK(in.first_skipped && strstr(in.first_skipped, "notes.txt"));
	if (in.n == 5) {
		CHECK(strstr(in.v[0].path, "/a.jsonl.gz") != NULL);
		CHECK(strstr(in.v[1].path, "/b/c.csv") != NULL);
		CHECK(strstr(in.v[2].path, "/b/loop") != NULL);
		CHECK(in.v[2].error && strstr(in.v[2].error, "loop"));
		CHECK(strstr(in.v[3].path, "/b/skip.csv") != NULL);
		CHECK(strstr(in.v[4].path, "/z.csv") != NULL);
		for (i = 0; i < 5; i++)
			CHECK(i == 2 || in.v[i].error == NULL);
	}
	aud_inputs_free(&in);

	o.include = inc;
	o.ninclude = 1;
	o.exclude = exc;
	o.nexclude = 1;
	CHECK_EQ_INT(aud_walk(&in, dir, &o, &e), AUD_OK);
	CHECK_EQ_INT(in.n, 2); /* notes.txt and the loop entry */
	if (in.n == 2) {
		CHECK(strstr(in.v[0].path, "/b/loop") != NULL);
		CHECK(strstr(in.v[1].path, "/notes.txt") != NULL);
	}
	aud_inputs_free(&in);

	/* A named file is kept whatever its name; a missing one is an error. */
	snprintf(p, sizeof p, "%s/notes.txt", dir);
	memset(&o, 0, sizeof o);
	CHECK_EQ_INT(aud_walk(&in, p, &o, &e), AUD_OK);
	snprintf(p, sizeof p, "%s/missing.csv", dir);
	CHECK_EQ_INT(aud_walk(&in, p, &o, &e), AUD_OK);
	CHECK_EQ_INT(aud_walk(&in, "-", &o, &e), AUD_OK);
	CHECK_EQ_INT(in.n, 3);
	if (in.n == 3) {
		CHECK(in.v[0].error == NULL);
		CHECK(in.v[1].error && strstr(in.v[1].error, "cannot open"));
		CHECK_STR(in.v[2].path, "-");
	}
	aud_inputs_free(&in);
	CHECK(aud_walk_glob_match("*.csv", "/x/y/z.csv"));
	CHECK(aud_walk_glob_match("skip", "/x/skip"));
	CHECK(!aud_walk_glob_match("skip", "/x/skipper"));

	snprintf(p, sizeof p, "rm -rf '%s'", dir);
	CHECK(system(p) == 0);
}

int main(void)
{
	RUN(test_err_format);
	RUN(test_buf_cap);
	RUN(test_keyhash);
	RUN(test_walk);
	return DONE();
}
