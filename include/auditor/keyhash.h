/*
 * keyhash.h: keyed hashes of matched values (HMAC-SHA-256, OpenSSL). The key
 * comes from the user and is never stored; only its fingerprint is. The
 * hash lets analysts count distinct and repeated values across files and
 * runs without holding the values.
 */
#ifndef AUDITOR_KEYHASH_H
#define AUDITOR_KEYHASH_H

#include "auditor/common.h"

#include <stddef.h>

typedef struct aud_keyhash aud_keyhash;

/* Creates a hasher over a copy of key (keylen >= 16). Returns 0,
 * AUD_EUSAGE for a short key, or AUD_ENOMEM. Free with aud_keyhash_free,
 * which wipes the key. */
int aud_keyhash_new(aud_keyhash **out, const unsigned char *key,
		    size_t keylen, aud_err *err);

/* Fills key with n cryptographically random bytes. Returns 0 or AUD_EIO. */
int aud_keyhash_random_key(unsigned char *key, size_t n, aud_err *err);

/* HMAC-SHA-256(key, entity || 0x00 || normalised value), as 64 hex chars
 * plus NUL. The value is normalised with aud_normalize first. */
void aud_keyhash_value(const aud_keyhash *h, const char *entity,
		       const char *value, size_t len, char out[65]);

/* HMAC-SHA-256(key, msg) as 32 raw bytes: keyed bytes for other uses than
 * the value hash (pseudonyms), each with its own label inside msg so that
 * they never equal a stored value hash. */
void aud_keyhash_mac(const aud_keyhash *h, const void *msg, size_t len,
		     unsigned char out[32]);

/* Fingerprint of the key: the first 16 hex chars of
 * SHA-256("auditor key fingerprint v1" || key), plus NUL. */
void aud_keyhash_fingerprint(const aud_keyhash *h, char out[17]);

void aud_keyhash_free(aud_keyhash *h);

/* A keyed 128-bit digest for many short inputs (overlap keys): the first
 * 16 bytes of HMAC-SHA-256(key, label || 0x00 || data), with the key
 * schedule done once in aud_keydigest_new. The label keeps these digests
 * apart from aud_keyhash_value's. Not for use from two threads at once. */
typedef struct aud_keydigest aud_keydigest;

/* Returns 0 or AUD_ENOMEM (err filled). h and label must outlive *out.
 * Free with aud_keydigest_free. */
int aud_keydigest_new(aud_keydigest **out, const aud_keyhash *h,
		      const char *label, aud_err *err);

/* Digest of data[0..len) into out. Returns 0, or AUD_ENOMEM when OpenSSL
 * fails (out is then zeroed). */
int aud_keydigest_compute(aud_keydigest *d, const void *data, size_t len,
			  unsigned char out[16]);

void aud_keydigest_free(aud_keydigest *d);

#endif
