/*
 * keyhash.c: HMAC-SHA-256 of normalised matched values under a user key.
 * OpenSSL does the hashing (SHA-NI accelerated where the CPU has it). The
 * key lives only in memory, is wiped on free, and only a fingerprint of it
 * ever leaves this module. Normalisation is mask.c's job.
 */
/* SHA256_Init and friends are deprecated in OpenSSL 3 in favour of EVP,
 * but a value's HMAC through EVP costs three times as much (below). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "auditor/keyhash.h"
#include "auditor/mask.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 1024

struct aud_keyhash {
	unsigned char key[KEY_MAX];
	size_t keylen;
	/* SHA-256 states after the key's inner and outer pad blocks: an
	 * HMAC is then two short hashes (HMAC() one-shot looked up the
	 * algorithm and scheduled the key on every call: 20 k instructions
	 * a finding). Plain structs rather than EVP contexts: starting from
	 * one is a copy, where EVP_MD_CTX_copy_ex allocates (0.52 -> 0.17 us
	 * a value; the same SHA-NI code hashes). Read only once made, so
	 * threads share them. */
	SHA256_CTX inner, outer;
};

/* HMAC's key schedule (RFC 2104): a key longer than the 64-byte block is
 * hashed first; the padded key XOR 0x36 starts the inner hash and XOR
 * 0x5c the outer one. */
static int schedule(aud_keyhash *h)
{
	unsigned char k[64], pad[64];
	unsigned int n = 0;
	size_t i;

	memset(k, 0, sizeof k);
	if (h->keylen > sizeof k) {
		if (EVP_Digest(h->key, h->keylen, k, &n, EVP_sha256(), NULL) !=
		    1)
			return -1;
	} else {
		memcpy(k, h->key, h->keylen);
	}
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	if (SHA256_Init(&h->inner) != 1 ||
	    SHA256_Update(&h->inner, pad, 64) != 1)
		return -1;
	for (i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	if (SHA256_Init(&h->outer) != 1 ||
	    SHA256_Update(&h->outer, pad, 64) != 1)
		return -1;
	OPENSSL_cleanse(k, sizeof k);
	OPENSSL_cleanse(pad, sizeof pad);
	return 0;
}

int aud_keyhash_new(aud_keyhash **out, const unsigned char *key,
		    size_t keylen, aud_err *err)
{
	aud_keyhash *h;

	*out = NULL;
	if (keylen < 16)
		return aud_err_set(err, AUD_EUSAGE,
				   "hash key is %zu bytes; it needs at least 16",
				   keylen);
	if (keylen > KEY_MAX)
		return aud_err_set(err, AUD_EUSAGE,
				   "hash key is %zu bytes; at most %d are used",
				   keylen, KEY_MAX);
	h = calloc(1, sizeof *h);
	if (!h)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	memcpy(h->key, key, keylen);
	h->keylen = keylen;
	if (schedule(h)) {
		aud_keyhash_free(h);
		return aud_err_set(err, AUD_ENOMEM,
				   "cannot set up HMAC-SHA-256");
	}
	*out = h;
	return AUD_OK;
}

int aud_keyhash_random_key(unsigned char *key, size_t n, aud_err *err)
{
	if (RAND_bytes(key, (int)n) != 1)
		return aud_err_set(err, AUD_EIO,
				   "cannot get random bytes for the hash key");
	return AUD_OK;
}

static void to_hex(const unsigned char *b, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hx[b[i] >> 4];
		out[2 * i + 1] = hx[b[i] & 15];
	}
	out[2 * n] = '\0';
}

void aud_keyhash_value(const aud_keyhash *h, const char *entity,
		       const char *value, size_t len, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char stack[512];
	char *norm = stack;
	size_t nlen, elen = strlen(entity);
	SHA256_CTX c;
	int ok;

	out[0] = '\0';
	if (len + 1 > sizeof stack) {
		norm = malloc(len + 1);
		if (!norm)
			return;
	}
	nlen = aud_normalize(norm, len + 1, entity, value, len);
	/* HMAC over entity, NUL, normalised value. */
	c = h->inner;
	ok = SHA256_Update(&c, entity, elen + 1) == 1 &&
	     SHA256_Update(&c, norm, nlen) == 1 && SHA256_Final(md, &c) == 1;
	c = h->outer;
	ok = ok && SHA256_Update(&c, md, sizeof md) == 1 &&
	     SHA256_Final(md, &c) == 1;
	if (ok)
		to_hex(md, 32, out);
	OPENSSL_cleanse(&c, sizeof c);
	if (norm != stack)
		free(norm);
}

void aud_keyhash_mac(const aud_keyhash *h, const void *msg, size_t len,
		     unsigned char out[32])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	HMAC(EVP_sha256(), h->key, (int)h->keylen, msg, len, md, &mdlen);
	memcpy(out, md, 32);
	OPENSSL_cleanse(md, sizeof md);
}

void aud_keyhash_fingerprint(const aud_keyhash *h, char out[17])
{
	static const char label[] = "auditor key fingerprint v1";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	char hex[65];

	out[0] = '\0';
	if (!c)
		return;
	if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(c, label, sizeof label - 1) == 1 &&
	    EVP_DigestUpdate(c, h->key, h->keylen) == 1 &&
	    EVP_DigestFinal_ex(c, md, &mdlen) == 1) {
		to_hex(md, 32, hex);
		memcpy(out, hex, 16);
		out[16] = '\0';
	}
	EVP_MD_CTX_free(c);
}

void aud_keyhash_free(aud_keyhash *h)
{
	if (!h)
		return;
	/* The pad states are as good as the key. */
	OPENSSL_cleanse(h, sizeof *h);
	free(h);
}

struct aud_keydigest {
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
	const char *label;
	size_t label_len;
};

int aud_keydigest_new(aud_keydigest **out, const aud_keyhash *h,
		      const char *label, aud_err *err)
{
	aud_keydigest *d;
	OSSL_PARAM params[2];
	char digest[] = "SHA256";

	*out = NULL;
	d = calloc(1, sizeof *d);
	if (!d)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	d->label = label;
	d->label_len = strlen(label) + 1; /* with its NUL */
	params[0] = OSSL_PARAM_construct_utf8_string("digest", digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	d->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	d->ctx = d->mac ? EVP_MAC_CTX_new(d->mac) : NULL;
	if (!d->ctx ||
	    EVP_MAC_init(d->ctx, h->key, h->keylen, params) != 1) {
		aud_keydigest_free(d);
		return aud_err_set(err, AUD_ENOMEM,
				   "cannot set up HMAC-SHA-256 (OpenSSL)");
	}
	*out = d;
	return AUD_OK;
}

int aud_keydigest_compute(aud_keydigest *d, const void *data, size_t len,
			  unsigned char out[16])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	size_t mdlen = 0;

	/* A NULL key re-initialises the MAC with the key set at creation:
	 * the key schedule is not redone for every input. */
	if (EVP_MAC_init(d->ctx, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(d->ctx, (const unsigned char *)d->label,
			   d->label_len) != 1 ||
	    EVP_MAC_update(d->ctx, data, len) != 1 ||
	    EVP_MAC_final(d->ctx, md, &mdlen, sizeof md) != 1 || mdlen < 16) {
		memset(out, 0, 16);
		return AUD_ENOMEM;
	}
	memcpy(out, md, 16);
	OPENSSL_cleanse(md, sizeof md);
	return AUD_OK;
}

void aud_keydigest_free(aud_keydigest *d)
{
	if (!d)
		return;
	EVP_MAC_CTX_free(d->ctx);
	EVP_MAC_free(d->mac);
	free(d);
}
