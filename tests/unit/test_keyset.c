/*
 * test_keyset.c: the digest set of `auditor overlap` (flags, growth, the
 * memory cap) and the keyed 128-bit digest that feeds it, checked against
 * OpenSSL's one-shot HMAC.
 */
#include "auditor/keyhash.h"
#include "auditor/keyset.h"

#include "harness.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

/* A distinct pseudo-random digest for each i. */
static void digest(uint64_t i, unsigned char d[16])
{
	uint64_t a = i * 0x9e3779b97f4a7c15ull + 1, b;

	a ^= a >> 31;
	a *= 0xbf58476d1ce4e5b9ull;
	b = a * 0x94d049bb133111ebull + i;
	memcpy(d, &a, 8);
	memcpy(d + 8, &b, 8);
}

static void test_flags(void)
{
	aud_keyset *ks = NULL;
	aud_err err;
	unsigned char d[16], e[16];

	aud_err_clear(&err);
	CHECK(aud_keyset_new(&ks, 0, &err) == 0);
	digest(1, d);
	digest(2, e);
	CHECK_EQ_INT(aud_keyset_get(ks, d), 0);
	CHECK_EQ_INT(aud_keyset_add(ks, d, AUD_KEY_TRAIN, &err), 0);
	CHECK_EQ_INT(aud_keyset_add(ks, d, AUD_KEY_TRAIN, &err),
		     AUD_KEY_TRAIN);
	CHECK_EQ_INT(aud_keyset_add(ks, d, AUD_KEY_TEST, &err),
		     AUD_KEY_TRAIN);
	CHECK_EQ_INT(aud_keyset_get(ks, d), AUD_KEY_TRAIN | AUD_KEY_TEST);
	CHECK_EQ_INT(aud_keyset_add(ks, e, AUD_KEY_TEST, &err), 0);
	CHECK_EQ_INT(aud_keyset_get(ks, e), AUD_KEY_TEST);
	CHECK_EQ_INT(aud_keyset_count(ks), 2);
	CHECK_EQ_INT(aud_keyset_add(ks, e, 0, &err), AUD_EUSAGE);
	/* The two low bits hold the flags: a digest differing only there
	 * is the same key (126 bits compared). */
	e[8] ^= 1;
	CHECK_EQ_INT(aud_keyset_get(ks, e), AUD_KEY_TEST);
	e[15] ^= 0x80;
	CHECK_EQ_INT(aud_keyset_get(ks, e), 0);
	aud_keyset_free(ks);
}

static void test_growth(void)
{
	aud_keyset *ks = NULL;
	aud_err err;
	unsigned char d[16];
	uint64_t i, wrong = 0;
	const uint64_t n = 300000;

	aud_err_clear(&err);
	CHECK(aud_keyset_new(&ks, 0, &err) == 0);
	for (i = 0; i < n; i++) {
		digest(i, d);
		if (aud_keyset_add(ks, d, i % 2 ? AUD_KEY_TRAIN : AUD_KEY_TEST,
				   &err) != 0)
			wrong++;
	}
	CHECK_EQ_INT(wrong, 0);
	CHECK_EQ_INT(aud_keyset_count(ks), n);
	for (i = 0; i < n; i++) {
		digest(i, d);
		if (aud_keyset_get(ks, d) !=
		    (i % 2 ? AUD_KEY_TRAIN : AUD_KEY_TEST))
			wrong++;
	}
	for (i = n; i < 2 * n; i++) {
		digest(i, d);
		if (aud_keyset_get(ks, d) != 0)
			wrong++;
	}
	CHECK_EQ_INT(wrong, 0);
	/* 16 bytes a slot, at most 70% full, at least 35% after doubling. */
	CHECK(aud_keyset_bytes(ks) >= n * 16 * 10 / 7);
	CHECK(aud_keyset_bytes(ks) <= n * 16 * 20 / 7 + 16);
	aud_keyset_free(ks);
}

static void test_limit(void)
{
	aud_keyset *ks = NULL;
	aud_err err;
	unsigned char d[16];
	uint64_t i;
	int rc = 0;

	aud_err_clear(&err);
	CHECK(aud_keyset_new(&ks, 1 << 20, &err) == 0);
	for (i = 0; i < 1000000 && rc >= 0; i++) {
		digest(i, d);
		rc = aud_keyset_add(ks, d, AUD_KEY_TRAIN, &err);
	}
	CHECK_EQ_INT(rc, AUD_ELIMIT);
	CHECK(strstr(err.msg, "memory limit") != NULL);
	CHECK(aud_keyset_bytes(ks) <= 1 << 20);
	/* Still usable: what was added is there, the refused key is not. */
	CHECK_EQ_INT(aud_keyset_get(ks, d), 0);
	digest(0, d);
	CHECK_EQ_INT(aud_keyset_get(ks, d), AUD_KEY_TRAIN);
	CHECK_EQ_INT(aud_keyset_count(ks), i - 1);
	aud_keyset_free(ks);
}

static void test_keydigest(void)
{
	static const unsigned char key[] = "overlap-unit-test-key-0123456789";
	aud_keyhash *kh = NULL, *kh2 = NULL;
	aud_keydigest *kd = NULL, *kd2 = NULL;
	unsigned char got[16], again[16], other[16], md[32], msg[64];
	unsigned int mdlen = 0;
	aud_err err;

	aud_err_clear(&err);
	CHECK(aud_keyhash_new(&kh, key, sizeof key - 1, &err) == 0);
	CHECK(aud_keyhash_new(&kh2, key, sizeof key - 2, &err) == 0);
	CHECK(aud_keydigest_new(&kd, kh, "lbl", &err) == 0);
	CHECK(aud_keydigest_new(&kd2, kh2, "lbl", &err) == 0);
	CHECK(aud_keydigest_compute(kd, "hello", 5, got) == 0);
	/* The same as HMAC-SHA-256(key, "lbl\0hello"), first 16 bytes. */
	memcpy(msg, "lbl\0hello", 9);
	HMAC(EVP_sha256(), key, (int)sizeof key - 1, msg, 9, md, &mdlen);
	CHECK(mdlen == 32 && memcmp(got, md, 16) == 0);
	/* Reused: the second digest is the same. */
	CHECK(aud_keydigest_compute(kd, "other", 5, other) == 0);
	CHECK(aud_keydigest_compute(kd, "hello", 5, again) == 0);
	CHECK(memcmp(got, again, 16) == 0);
	CHECK(memcmp(got, other, 16) != 0);
	/* Another key, another digest. */
	CHECK(aud_keydigest_compute(kd2, "hello", 5, other) == 0);
	CHECK(memcmp(got, other, 16) != 0);
	aud_keydigest_free(kd);
	aud_keydigest_free(kd2);
	aud_keyhash_free(kh);
	aud_keyhash_free(kh2);
}

int main(void)
{
	RUN(test_flags);
	RUN(test_growth);
	RUN(test_limit);
	RUN(test_keydigest);
	return DONE();
}
