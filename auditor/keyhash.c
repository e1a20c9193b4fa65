/*
 * keyhash.c: HMAC-SHA-256 of normalised matched values under a user key.
 * OpenSSL does the hashing (SHA-NI accelerated where the CPU has it). The
 * key lives only in memory, is wiped on free, and only a fingerprint of it
 * ever leaves this module. Normalisation is mask.c's job.
 */
#include "auditor/keyhash.h"
#include "auditor/mask.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 1024

struct aud_keyhash {
	unsigned char key[KEY_MAX];
	size_t keylen;
};

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
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char stack[512];
	char *norm = stack;
	size_t nlen, elen = strlen(entity);
	unsigned char *msg;
	size_t mlen;

	if (len + 1 > sizeof stack) {
		norm = malloc(len + 1);
		if (!norm) {
			out[0] = '\0';
			return;
		}
	}
	nlen = aud_normalize(norm, len + 1, entity, value, len);
	mlen = elen + 1 + nlen;
	msg = malloc(mlen);
	if (!msg) {
		out[0] = '\0';
		goto done;
	}
	memcpy(msg, entity, elen);
	msg[elen] = 0;
	memcpy(msg + elen + 1, norm, nlen);
	HMAC(EVP_sha256(), h->key, (int)h->keylen, msg, mlen, md, &mdlen);
	to_hex(md, 32, out);
	free(msg);
done:
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
	OPENSSL_cleanse(h->key, sizeof h->key);
	free(h);
}
