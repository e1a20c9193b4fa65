/*
 * keyset.h: a set of 128-bit keyed digests with two flag bits each, in
 * one open-addressing table (linear probing). It is what `auditor
 * overlap` remembers of every distinct key: 16 bytes a key, never the
 * key's text. The two lowest bits of a digest hold its flags (which
 * splits it occurred in), so digests are compared on their other 126
 * bits; two different keys collide with probability about n^2 / 2^127.
 *
 * Memory: 16 bytes a slot; the table doubles when it is 70% full, so it
 * holds between 22 and 46 bytes per distinct key, and while it doubles
 * the old and the new table exist together (1.5 times the new size).
 */
#ifndef AUDITOR_KEYSET_H
#define AUDITOR_KEYSET_H

#include "auditor/common.h"

#include <stddef.h>
#include <stdint.h>

typedef struct aud_keyset aud_keyset;

/* Flag bits; every key added carries at least one. */
#define AUD_KEY_TRAIN 0x1u
#define AUD_KEY_TEST 0x2u

/* Creates an empty set. max_bytes caps the table's memory (0: no cap):
 * a growth past it fails with AUD_ELIMIT instead of allocating. Returns
 * 0 or AUD_ENOMEM. Free with aud_keyset_free. */
int aud_keyset_new(aud_keyset **out, size_t max_bytes, aud_err *err);

/* Adds the digest d (16 bytes) with flags (AUD_KEY_*, not 0), or ORs
 * flags into an entry already there. Returns the flags the key had
 * before (0 when it is new), or a negative code when the table had to
 * grow and could not: AUD_ELIMIT (over max_bytes) or AUD_ENOMEM, with
 * err saying how many keys and bytes it held. The set is then unchanged
 * and still usable. */
int aud_keyset_add(aud_keyset *ks, const unsigned char d[16],
		   unsigned flags, aud_err *err);

/* The flags of d, 0 when it is not in the set. */
unsigned aud_keyset_get(const aud_keyset *ks, const unsigned char d[16]);

size_t aud_keyset_count(const aud_keyset *ks); /* distinct keys */
size_t aud_keyset_bytes(const aud_keyset *ks); /* table memory now */

void aud_keyset_free(aud_keyset *ks);

#endif
