/*
 * keyset.c: the digest set of keyset.h. A slot is two 64-bit words taken
 * from the digest's bytes; the low two bits of the second word are the
 * flags, and a slot whose flags are 0 is empty (every stored key has a
 * flag). Digests are keyed HMAC output, already uniform, so the slot
 * index is simply the first word's high bits: no further mixing. Linear
 * probing keeps a probe inside one or two cache lines at the load kept
 * here (at most 70%).
 */
#include "auditor/keyset.h"

#include <stdlib.h>
#include <string.h>

#define MIN_SLOTS 1024
#define FLAGS 3u

typedef struct slot {
	uint64_t a, b; /* b's low 2 bits: flags; 0 = empty */
} slot;

struct aud_keyset {
	slot *t;
	size_t nslots; /* power of two */
	size_t count;
	size_t max_bytes;
};

static void split(const unsigned char d[16], uint64_t *a, uint64_t *b)
{
	memcpy(a, d, 8);
	memcpy(b, d + 8, 8);
	*b &= ~(uint64_t)FLAGS;
}

static size_t home(uint64_t a, size_t nslots)
{
	return (size_t)(a >> 7) & (nslots - 1);
}

int aud_keyset_new(aud_keyset **out, size_t max_bytes, aud_err *err)
{
	aud_keyset *ks = calloc(1, sizeof *ks);

	*out = NULL;
	if (!ks)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	ks->t = calloc(MIN_SLOTS, sizeof *ks->t);
	if (!ks->t) {
		free(ks);
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	}
	ks->nslots = MIN_SLOTS;
	ks->max_bytes = max_bytes;
	*out = ks;
	return AUD_OK;
}

static int grow(aud_keyset *ks, aud_err *err)
{
	size_t n = ks->nslots * 2, i, j;
	size_t bytes = n * sizeof(slot);
	slot *t;

	if (n > SIZE_MAX / sizeof(slot) / 2 ||
	    (ks->max_bytes && bytes + ks->nslots * sizeof(slot) >
				      ks->max_bytes))
		return aud_err_set(err, AUD_ELIMIT,
				   "the key table would pass the memory limit "
				   "(%zu MiB) after %zu distinct keys "
				   "(%zu MiB in use)",
				   ks->max_bytes >> 20, ks->count,
				   (ks->nslots * sizeof(slot)) >> 20);
	t = calloc(n, sizeof *t);
	if (!t)
		return aud_err_set(err, AUD_ENOMEM,
				   "out of memory growing the key table to "
				   "%zu MiB after %zu distinct keys",
				   bytes >> 20, ks->count);
	for (i = 0; i < ks->nslots; i++) {
		if (!(ks->t[i].b & FLAGS))
			continue;
		j = home(ks->t[i].a, n);
		while (t[j].b & FLAGS)
			j = (j + 1) & (n - 1);
		t[j] = ks->t[i];
	}
	free(ks->t);
	ks->t = t;
	ks->nslots = n;
	return AUD_OK;
}

/* The slot of (a, b), or the empty slot where it would go. */
static size_t find(const aud_keyset *ks, uint64_t a, uint64_t b)
{
	size_t j = home(a, ks->nslots);

	while ((ks->t[j].b & FLAGS) &&
	       (ks->t[j].a != a || (ks->t[j].b & ~(uint64_t)FLAGS) != b))
		j = (j + 1) & (ks->nslots - 1);
	return j;
}

int aud_keyset_add(aud_keyset *ks, const unsigned char d[16],
		   unsigned flags, aud_err *err)
{
	uint64_t a, b;
	size_t j;
	unsigned old;
	int rc;

	split(d, &a, &b);
	flags &= FLAGS;
	if (!flags)
		return aud_err_set(err, AUD_EUSAGE, "a key needs a flag");
	j = find(ks, a, b);
	old = (unsigned)(ks->t[j].b & FLAGS);
	if (old) {
		ks->t[j].b |= flags;
		return (int)old;
	}
	if ((ks->count + 1) * 10 > ks->nslots * 7) {
		if ((rc = grow(ks, err)))
			return rc;
		j = find(ks, a, b);
	}
	ks->t[j].a = a;
	ks->t[j].b = b | flags;
	ks->count++;
	return 0;
}

unsigned aud_keyset_get(const aud_keyset *ks, const unsigned char d[16])
{
	uint64_t a, b;

	split(d, &a, &b);
	return (unsigned)(ks->t[find(ks, a, b)].b & FLAGS);
}

size_t aud_keyset_count(const aud_keyset *ks) { return ks->count; }

size_t aud_keyset_bytes(const aud_keyset *ks)
{
	return ks->nslots * sizeof(slot);
}

void aud_keyset_free(aud_keyset *ks)
{
	if (!ks)
		return;
	free(ks->t);
	free(ks);
}
