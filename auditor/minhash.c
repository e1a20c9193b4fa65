/*
 * minhash.c: MinHash signatures and the LSH index of minhash.h.
 *
 * Hashing is our own and simple, since nothing here is an adversary's
 * target and nothing leaves the process: each word is hashed once to 64
 * bits, a shingle's hash chains its 5 word hashes (order matters), and
 * the k hash functions of the signature are multiply-shift maps
 * h_i(x) = high 32 bits of (a_i x + b_i) mod 2^64 with fixed odd a_i,
 * which on an already uniform x behave as independent permutations for
 * MinHash's purpose (the precision/recall test measures it).
 *
 * The index keeps, per band, an open-addressing table of buckets (a slot
 * holds the id + 1 of the newest signature with that band; band values
 * are compared against the stored signature, so the table stores no key)
 * and, per signature and band, a link to the next signature of the same
 * bucket. Identical band values therefore cost one slot, however many
 * texts share them, and adding is O(1).
 */
#include "auditor/minhash.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static uint64_t mul_a[AUD_MINHASH_MAX_K], add_b[AUD_MINHASH_MAX_K];
static pthread_once_t seeds_once = PTHREAD_ONCE_INIT;

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void make_seeds(void)
{
	uint64_t s = 0x61756469746f7231ull; /* fixed: same signatures
					       in every run */
	unsigned i;

	for (i = 0; i < AUD_MINHASH_MAX_K; i++) {
		mul_a[i] = splitmix64(&s) | 1;
		add_b[i] = splitmix64(&s);
	}
}

static uint64_t fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return k;
}

static uint64_t word_hash(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ ((uint64_t)n * 0x100000001b3ull);
	uint64_t w;

	while (n >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ fmix64(w)) * 0x9fb21c651e98df25ull;
		h = (h << 29) | (h >> 35);
		p += 8;
		n -= 8;
	}
	w = 0;
	memcpy(&w, p, n);
	return fmix64(h ^ fmix64(w + n));
}

static uint64_t chain(const uint64_t *w, size_t n)
{
	uint64_t s = 0x243f6a8885a308d3ull;
	size_t i;

	for (i = 0; i < n; i++)
		s = fmix64(s * 0x9fb21c651e98df25ull + w[i]);
	return s;
}

static int is_sep(unsigned char c) { return c == ' ' || c == 0x1f; }

size_t aud_minhash_shingles(const char *text, size_t len,
			    void (*fn)(void *ctx, uint64_t h), void *ctx)
{
	const unsigned char *p = (const unsigned char *)text;
	uint64_t ring[2 * AUD_MINHASH_SHINGLE];
	size_t i = 0, words = 0, shingles = 0, start;

	/* ring holds the last 5 word hashes twice over, so the window is
	 * always contiguous: ring[k % 5] and ring[k % 5 + 5]. */
	while (i < len) {
		while (i < len && is_sep(p[i]))
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && !is_sep(p[i]))
			i++;
		ring[words % AUD_MINHASH_SHINGLE] =
			ring[words % AUD_MINHASH_SHINGLE + AUD_MINHASH_SHINGLE] =
				word_hash(p + start, i - start);
		words++;
		if (words >= AUD_MINHASH_SHINGLE) {
			fn(ctx, chain(ring + words % AUD_MINHASH_SHINGLE,
				      AUD_MINHASH_SHINGLE));
			shingles++;
		}
	}
	if (words > 0 && words < AUD_MINHASH_SHINGLE) {
		fn(ctx, chain(ring, words));
		shingles = 1;
	}
	return shingles;
}

typedef struct sigctx {
	uint32_t *sig;
	unsigned k;
} sigctx;

static void sig_add(void *ctx, uint64_t x)
{
	sigctx *c = ctx;
	unsigned i;

	for (i = 0; i < c->k; i++) {
		uint32_t v = (uint32_t)((mul_a[i] * x + add_b[i]) >> 32);

		if (v < c->sig[i])
			c->sig[i] = v;
	}
}

size_t aud_minhash_signature(const char *text, size_t len, unsigned k,
			     uint32_t *sig)
{
	uint32_t tmp[AUD_MINHASH_MAX_K];
	sigctx c;
	size_t n;

	if (k > AUD_MINHASH_MAX_K)
		k = AUD_MINHASH_MAX_K;
	pthread_once(&seeds_once, make_seeds);
	memset(tmp, 0xff, sizeof tmp);
	c.sig = tmp;
	c.k = k;
	n = aud_minhash_shingles(text, len, sig_add, &c);
	if (n)
		memcpy(sig, tmp, k * sizeof *sig);
	return n;
}

double aud_minhash_estimate(const uint32_t *a, const uint32_t *b, unsigned k)
{
	unsigned i, same = 0;

	for (i = 0; i < k; i++)
		same += a[i] == b[i];
	return k ? (double)same / k : 0;
}

double aud_minhash_candidate_prob(double j, unsigned bands, unsigned rows)
{
	return 1 - pow(1 - pow(j, rows), bands);
}

void aud_minhash_choose(double t, unsigned max_k, unsigned *bands,
			unsigned *rows)
{
	unsigned r;

	if (max_k < 1)
		max_k = 1;
	if (max_k > AUD_MINHASH_MAX_K)
		max_k = AUD_MINHASH_MAX_K;
	*rows = 1;
	*bands = max_k;
	for (r = 2; r <= max_k; r++) {
		unsigned b = max_k / r;

		if (aud_minhash_candidate_prob(t, b, r) < 0.99)
			break;
		*rows = r;
		*bands = b;
	}
}

/* ---- the LSH index ------------------------------------------------- */

struct aud_lsh {
	unsigned bands, rows, k;
	size_t n, cap;      /* signatures held, room for */
	uint32_t *sigs;     /* n x k */
	uint32_t *next;     /* n x bands: id + 1 of the next in the bucket */
	uint32_t *stamp;    /* n: last query that looked at it */
	uint32_t query;
	uint32_t **slot;    /* per band: id + 1 of the bucket's newest */
	size_t *nslots;     /* per band, power of two */
	size_t *used;       /* per band: buckets */
	size_t max_bytes;
};

static uint64_t band_hash(const uint32_t *v, unsigned rows)
{
	uint64_t h = 0x452821e638d01377ull;
	unsigned i;

	for (i = 0; i < rows; i++)
		h = fmix64(h ^ (v[i] + ((uint64_t)i << 32)));
	return h;
}

size_t aud_lsh_bytes(const aud_lsh *l)
{
	size_t b, t = l->cap * (l->k + l->bands + 1) * sizeof(uint32_t);

	for (b = 0; b < l->bands; b++)
		t += l->nslots[b] * sizeof(uint32_t);
	return t;
}

size_t aud_lsh_count(const aud_lsh *l) { return l->n; }

void aud_lsh_free(aud_lsh *l)
{
	unsigned b;

	if (!l)
		return;
	for (b = 0; l->slot && b < l->bands; b++)
		free(l->slot[b]);
	free(l->slot);
	free(l->nslots);
	free(l->used);
	free(l->sigs);
	free(l->next);
	free(l->stamp);
	free(l);
}

int aud_lsh_new(aud_lsh **out, unsigned bands, unsigned rows,
		size_t max_bytes, aud_err *err)
{
	aud_lsh *l;
	unsigned b;

	*out = NULL;
	if (!bands || !rows || bands * rows > AUD_MINHASH_MAX_K)
		return aud_err_set(err, AUD_EUSAGE,
				   "LSH needs 1 to %d rows in all, not %u x %u",
				   AUD_MINHASH_MAX_K, bands, rows);
	l = calloc(1, sizeof *l);
	if (!l)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	l->bands = bands;
	l->rows = rows;
	l->k = bands * rows;
	l->max_bytes = max_bytes;
	l->slot = calloc(bands, sizeof *l->slot);
	l->nslots = calloc(bands, sizeof *l->nslots);
	l->used = calloc(bands, sizeof *l->used);
	if (!l->slot || !l->nslots || !l->used)
		goto nomem;
	for (b = 0; b < bands; b++) {
		l->nslots[b] = 256;
		l->slot[b] = calloc(l->nslots[b], sizeof(uint32_t));
		if (!l->slot[b])
			goto nomem;
	}
	*out = l;
	return AUD_OK;
nomem:
	aud_lsh_free(l);
	return aud_err_set(err, AUD_ENOMEM, "out of memory");
}

static int limit(aud_lsh *l, size_t more, aud_err *err)
{
	if (l->max_bytes && aud_lsh_bytes(l) + more > l->max_bytes)
		return aud_err_set(err, AUD_ELIMIT,
				   "the near-duplicate index would pass the "
				   "memory limit (%zu MiB) after %zu texts",
				   l->max_bytes >> 20, l->n);
	return AUD_OK;
}

static int grow_arrays(aud_lsh *l, aud_err *err)
{
	size_t cap = l->cap ? l->cap * 2 : 1024;
	uint32_t *s, *nx, *st;

	if (cap > UINT32_MAX - 1)
		return aud_err_set(err, AUD_ELIMIT,
				   "the near-duplicate index holds at most "
				   "%u texts", UINT32_MAX - 1);
	if (limit(l, (cap - l->cap) * (l->k + l->bands + 1) * 4, err))
		return AUD_ELIMIT;
	s = realloc(l->sigs, cap * l->k * sizeof *s);
	if (s)
		l->sigs = s;
	nx = s ? realloc(l->next, cap * l->bands * sizeof *nx) : NULL;
	if (nx)
		l->next = nx;
	st = nx ? realloc(l->stamp, cap * sizeof *st) : NULL;
	if (!st)
		return aud_err_set(err, AUD_ENOMEM,
				   "out of memory growing the near-duplicate "
				   "index past %zu texts", l->n);
	l->stamp = st;
	l->cap = cap;
	return AUD_OK;
}

/* The slot of the bucket of band b with values v, or the empty slot
 * where it would go. */
static size_t bucket(const aud_lsh *l, unsigned b, const uint32_t *v)
{
	size_t mask = l->nslots[b] - 1;
	size_t j = (size_t)band_hash(v, l->rows) & mask;
	uint32_t s;

	while ((s = l->slot[b][j]) != 0 &&
	       memcmp(l->sigs + (size_t)(s - 1) * l->k + b * l->rows, v,
		      l->rows * sizeof *v) != 0)
		j = (j + 1) & mask;
	return j;
}

static int grow_band(aud_lsh *l, unsigned b, aud_err *err)
{
	size_t n = l->nslots[b] * 2, i, j;
	uint32_t *t, *old = l->slot[b], s;

	if (limit(l, n * sizeof *t, err))
		return AUD_ELIMIT;
	t = calloc(n, sizeof *t);
	if (!t)
		return aud_err_set(err, AUD_ENOMEM,
				   "out of memory growing the near-duplicate "
				   "index past %zu texts", l->n);
	for (i = 0; i < l->nslots[b]; i++) {
		if (!(s = old[i]))
			continue;
		j = (size_t)band_hash(l->sigs + (size_t)(s - 1) * l->k +
					      b * l->rows,
				      l->rows) &
		    (n - 1);
		while (t[j])
			j = (j + 1) & (n - 1);
		t[j] = s;
	}
	free(old);
	l->slot[b] = t;
	l->nslots[b] = n;
	return AUD_OK;
}

int aud_lsh_add(aud_lsh *l, const uint32_t *sig, uint32_t *id, aud_err *err)
{
	unsigned b;
	size_t j;
	int rc;

	/* Every allocation first, so a failure leaves the index as it
	 * was. */
	if (l->n == l->cap && (rc = grow_arrays(l, err)))
		return rc;
	for (b = 0; b < l->bands; b++)
		if ((l->used[b] + 1) * 2 > l->nslots[b] &&
		    (rc = grow_band(l, b, err)))
			return rc;
	memcpy(l->sigs + l->n * l->k, sig, l->k * sizeof *sig);
	l->stamp[l->n] = 0;
	for (b = 0; b < l->bands; b++) {
		j = bucket(l, b, sig + b * l->rows);
		if (!l->slot[b][j])
			l->used[b]++;
		l->next[l->n * l->bands + b] = l->slot[b][j];
		l->slot[b][j] = (uint32_t)l->n + 1;
	}
	*id = (uint32_t)l->n++;
	return AUD_OK;
}

int aud_lsh_best(aud_lsh *l, const uint32_t *sig, double t,
		 size_t max_checks, uint32_t *id, double *j, int *capped)
{
	size_t checks = 0;
	unsigned b;
	uint32_t s, best = 0;
	double bj = -1, e;

	*capped = 0;
	if (++l->query == 0) { /* wrapped: forget every stamp */
		memset(l->stamp, 0, l->n * sizeof *l->stamp);
		l->query = 1;
	}
	for (b = 0; b < l->bands && bj < 1; b++) {
		s = l->slot[b][bucket(l, b, sig + b * l->rows)];
		for (; s && bj < 1; s = l->next[(size_t)(s - 1) * l->bands + b]) {
			if (l->stamp[s - 1] == l->query)
				continue;
			if (max_checks && checks++ >= max_checks) {
				*capped = 1;
				goto done;
			}
			l->stamp[s - 1] = l->query;
			e = aud_minhash_estimate(
				sig, l->sigs + (size_t)(s - 1) * l->k, l->k);
			if (e > bj || (e == bj && s - 1 < best)) {
				bj = e;
				best = s - 1;
			}
		}
	}
done:
	if (bj >= t) {
		*id = best;
		*j = bj;
		return 1;
	}
	return 0;
}
