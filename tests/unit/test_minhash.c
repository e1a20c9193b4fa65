/*
 * test_minhash.c: shingling, MinHash estimates against exact Jaccard
 * similarities computed from the shingle sets, the choice of bands and
 * rows, and the LSH index (found, not found, identical bands, memory
 * cap).
 */
#include "auditor/minhash.h"

#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define K 126

typedef struct hset {
	uint64_t v[4096];
	size_t n;
} hset;

static void collect(void *ctx, uint64_t h)
{
	hset *s = ctx;

	if (s->n < 4096)
		s->v[s->n++] = h;
}

static int cmp64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Exact Jaccard of the shingle sets of two texts. */
static double exact(const char *a, const char *b)
{
	static hset x, y;
	size_t i = 0, j = 0, inter = 0, nx = 0, ny = 0;

	x.n = y.n = 0;
	aud_minhash_shingles(a, strlen(a), collect, &x);
	aud_minhash_shingles(b, strlen(b), collect, &y);
	qsort(x.v, x.n, 8, cmp64);
	qsort(y.v, y.n, 8, cmp64);
	for (i = 0; i < x.n; i++) /* unique */
		if (!nx || x.v[nx - 1] != x.v[i])
			x.v[nx++] = x.v[i];
	for (i = 0; i < y.n; i++)
		if (!ny || y.v[ny - 1] != y.v[i])
			y.v[ny++] = y.v[i];
	for (i = j = 0; i < nx && j < ny;) {
		if (x.v[i] == y.v[j]) {
			inter++;
			i++;
			j++;
		} else if (x.v[i] < y.v[j]) {
			i++;
		} else {
			j++;
		}
	}
	return (double)inter / (double)(nx + ny - inter);
}

static uint64_t rng = 12345;

static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005ull + 1442695040888963407ull;
	return (unsigned)((rng >> 33) % n);
}

/* n random words of a 5000-word vocabulary, into out. */
static void text(char *out, size_t cap, unsigned n)
{
	size_t len = 0;
	unsigned i;

	out[0] = '\0';
	for (i = 0; i < n && len + 12 < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, "%sw%u",
					i ? " " : "", rnd(5000));
}

/* b: a with k words replaced by fresh ones. */
static void mutate(char *b, const char *a, unsigned k, unsigned n)
{
	char *words[400], tmp[4096];
	unsigned i, len = 0;

	snprintf(tmp, sizeof tmp, "%s", a);
	words[0] = strtok(tmp, " ");
	for (i = 1; i < n; i++)
		words[i] = strtok(NULL, " ");
	for (i = 0; i < k; i++)
		words[rnd(n)] = "zzfresh";
	b[0] = '\0';
	for (i = 0; i < n; i++)
		len += (unsigned)sprintf(b + len, "%s%s", i ? " " : "",
					 words[i]);
}

static void test_shingles(void)
{
	static hset s;
	uint32_t sig[K], sig2[K];

	s.n = 0;
	CHECK_EQ_INT(aud_minhash_shingles("", 0, collect, &s), 0);
	CHECK_EQ_INT(aud_minhash_shingles("   ", 3, collect, &s), 0);
	CHECK_EQ_INT(aud_minhash_shingles("a b c", 5, collect, &s), 1);
	CHECK_EQ_INT(aud_minhash_shingles("a b c d e", 9, collect, &s), 1);
	CHECK_EQ_INT(aud_minhash_shingles("a b c d e f g", 13, collect, &s),
		     3);
	/* U+001F separates words like a space. */
	CHECK_EQ_INT(aud_minhash_shingles("a\x1f" "b c d e f", 11, collect,
					  &s),
		     2);
	CHECK_EQ_INT(aud_minhash_signature("", 0, K, sig), 0);
	CHECK(aud_minhash_signature("a b c", 5, K, sig) == 1);
	CHECK(aud_minhash_signature("a b c", 5, K, sig2) == 1);
	CHECK(memcmp(sig, sig2, sizeof sig) == 0);
	CHECK(aud_minhash_signature("a b d", 5, K, sig2) == 1);
	CHECK(aud_minhash_estimate(sig, sig2, K) < 0.1);
	/* Order matters: reversed words share no 5-gram. */
	CHECK_EQ_INT(exact("a b c d e f g h", "h g f e d c b a") == 0, 1);
	CHECK(exact("a b c d e f", "a b c d e f") == 1);
	CHECK(fabs(exact("a b c d e f", "a b c d e g") - 1.0 / 3) < 1e-12);
}

static void test_choose(void)
{
	unsigned b, r;

	aud_minhash_choose(0.8, 128, &b, &r);
	CHECK_EQ_INT(b, 21);
	CHECK_EQ_INT(r, 6);
	CHECK(aud_minhash_candidate_prob(0.8, 21, 6) > 0.99);
	CHECK(aud_minhash_candidate_prob(0.9, 21, 6) > 0.9999);
	CHECK(aud_minhash_candidate_prob(0.3, 21, 6) < 0.02);
	aud_minhash_choose(0.5, 128, &b, &r);
	CHECK(b * r <= 128 && aud_minhash_candidate_prob(0.5, b, r) >= 0.99);
	CHECK(aud_minhash_candidate_prob(0.5, 128 / (r + 1), r + 1) < 0.99);
	aud_minhash_choose(0.95, 128, &b, &r);
	CHECK(r > 6);
}

/* Estimates against exact Jaccard on pairs of 200-word texts with k
 * words replaced: the error stays within 4 standard deviations, and
 * averages near 0 (no bias). */
static void test_estimates(void)
{
	static char a[4096], b[4096];
	uint32_t sa[K], sb[K];
	int i, outside = 0;
	double sum = 0, e, j, sd;

	for (i = 0; i < 400; i++) {
		text(a, sizeof a, 200);
		mutate(b, a, (unsigned)(i % 40), 200);
		aud_minhash_signature(a, strlen(a), K, sa);
		aud_minhash_signature(b, strlen(b), K, sb);
		j = exact(a, b);
		e = aud_minhash_estimate(sa, sb, K);
		sd = sqrt(j * (1 - j) / K);
		if (fabs(e - j) > 4 * sd + 1e-9)
			outside++;
		sum += e - j;
	}
	CHECK(outside <= 1);
	CHECK(fabs(sum / 400) < 0.01);
	fprintf(stderr, "  mean error %.4f, %d of 400 beyond 4 sd\n",
		sum / 400, outside);
}

static void test_lsh(void)
{
	static char docs[300][2048], q[2048];
	aud_lsh *l = NULL;
	aud_err err;
	uint32_t sig[K], id = 0;
	double j = 0;
	int capped, i;

	aud_err_clear(&err);
	CHECK_EQ_INT(aud_lsh_new(&l, 200, 1, 0, &err), AUD_EUSAGE);
	CHECK(aud_lsh_new(&l, 21, 6, 0, &err) == 0);
	for (i = 0; i < 300; i++) {
		text(docs[i], sizeof docs[i], 150);
		aud_minhash_signature(docs[i], strlen(docs[i]), K, sig);
		CHECK(aud_lsh_add(l, sig, &id, &err) == 0 &&
		      id == (uint32_t)i);
	}
	CHECK_EQ_INT(aud_lsh_count(l), 300);
	/* Two words changed in 150: J ~ 0.88: found, and it is doc 123. */
	mutate(q, docs[123], 2, 150);
	aud_minhash_signature(q, strlen(q), K, sig);
	CHECK(aud_lsh_best(l, sig, 0.8, 0, &id, &j, &capped) == 1);
	CHECK_EQ_INT(id, 123);
	CHECK(j >= 0.8 && !capped);
	/* An unrelated text: nothing. */
	text(q, sizeof q, 150);
	aud_minhash_signature(q, strlen(q), K, sig);
	CHECK(aud_lsh_best(l, sig, 0.8, 0, &id, &j, &capped) == 0);
	/* Many identical texts share every bucket; the best is the first,
	 * and a candidate cap cuts the search short. */
	aud_minhash_signature(docs[7], strlen(docs[7]), K, sig);
	for (i = 0; i < 50; i++)
		CHECK(aud_lsh_add(l, sig, &id, &err) == 0);
	CHECK(aud_lsh_best(l, sig, 0.8, 0, &id, &j, &capped) == 1);
	CHECK(id == 7 || j == 1.0);
	CHECK(j == 1.0);
	mutate(q, docs[7], 3, 150);
	aud_minhash_signature(q, strlen(q), K, sig);
	aud_lsh_best(l, sig, 0.99, 10, &id, &j, &capped);
	CHECK_EQ_INT(capped, 1);
	aud_lsh_free(l);

	/* A memory cap: refused with AUD_ELIMIT, the index stays usable. */
	CHECK(aud_lsh_new(&l, 21, 6, 1 << 20, &err) == 0);
	for (i = 0; i < 100000; i++) {
		sig[0] = (uint32_t)i;
		if (aud_lsh_add(l, sig, &id, &err))
			break;
	}
	CHECK_EQ_INT(err.code, AUD_ELIMIT);
	CHECK(aud_lsh_bytes(l) <= 1 << 20);
	CHECK(aud_lsh_best(l, sig, 0.5, 0, &id, &j, &capped) == 1);
	aud_lsh_free(l);
}

int main(void)
{
	RUN(test_shingles);
	RUN(test_choose);
	RUN(test_estimates);
	RUN(test_lsh);
	return DONE();
}
