/*
 * minhash.h: near-duplicate detection for `auditor overlap --near`.
 * MinHash signatures over word 5-gram shingles estimate the Jaccard
 * similarity of two texts' shingle sets; an LSH index of signatures cut
 * into bands finds the candidate pairs without comparing every pair.
 *
 * Shingles: the text (already normalised: case folded, white space
 * collapsed) is cut into words at U+0020 and U+001F (the separator of
 * whole-record keys); each run of 5 consecutive words is a shingle. A
 * text of 1 to 4 words is one shingle of all its words; a text without
 * words has no signature.
 *
 * Signature: for each of k hash functions h_i (multiply-shift over a
 * 64-bit shingle hash, fixed seeds), the minimum of h_i over the
 * shingles, 32 bits. The share of equal positions in two signatures
 * estimates the Jaccard similarity, with standard deviation
 * sqrt(J (1 - J) / k).
 *
 * LSH: the signature is cut into b bands of r rows (k = b r); two texts
 * are candidates when some band is equal, which happens with probability
 * 1 - (1 - J^r)^b (the S-curve). Candidates are then kept only when the
 * estimated Jaccard over the whole signature reaches the threshold.
 */
#ifndef AUDITOR_MINHASH_H
#define AUDITOR_MINHASH_H

#include "auditor/common.h"

#include <stddef.h>
#include <stdint.h>

#define AUD_MINHASH_SHINGLE 5   /* words per shingle */
#define AUD_MINHASH_MAX_K 128   /* signature length at most */

/* Bands and rows for a threshold t in (0, 1]: the largest r (fewest
 * chance candidates) such that b = floor(max_k / r) bands still make a
 * pair with Jaccard exactly t a candidate with probability >= 0.99.
 * For t = 0.8 and max_k = 128: 21 bands of 6 rows (k = 126). */
void aud_minhash_choose(double t, unsigned max_k, unsigned *bands,
			unsigned *rows);

/* 1 - (1 - j^rows)^bands: the chance that a pair of Jaccard j becomes a
 * candidate. */
double aud_minhash_candidate_prob(double j, unsigned bands, unsigned rows);

/* The signature (k values, k <= AUD_MINHASH_MAX_K) of the normalised
 * text[0..len). Returns the number of shingles; 0 when the text has no
 * word (sig is then left as is). */
size_t aud_minhash_signature(const char *text, size_t len, unsigned k,
			     uint32_t *sig);

/* The share of the k positions where a and b agree. */
double aud_minhash_estimate(const uint32_t *a, const uint32_t *b,
			    unsigned k);

/* The 64-bit hash of every shingle of text, in order, through fn (for
 * tests that compute exact Jaccard from the same shingle sets). Returns
 * the number of shingles. */
size_t aud_minhash_shingles(const char *text, size_t len,
			    void (*fn)(void *ctx, uint64_t h), void *ctx);

/* An LSH index of signatures: each added signature gets the next id (0,
 * 1, ...). Memory: 4 k bytes a signature, plus for each band 4 bytes of
 * list link and 8 to 16 bytes of table (tables double at half full),
 * plus 4 bytes of bookkeeping: 760 to 930 bytes a text for 21 x 6. */
typedef struct aud_lsh aud_lsh;

/* Creates an empty index. max_bytes caps its memory (0: none). Returns 0,
 * AUD_EUSAGE (bands * rows not in 1..AUD_MINHASH_MAX_K) or AUD_ENOMEM. */
int aud_lsh_new(aud_lsh **out, unsigned bands, unsigned rows,
		size_t max_bytes, aud_err *err);

/* Adds a signature of bands * rows values and sets *id. Returns 0, or
 * AUD_ELIMIT / AUD_ENOMEM (err says how many texts it held; the index
 * is unchanged and usable). */
int aud_lsh_add(aud_lsh *l, const uint32_t *sig, uint32_t *id, aud_err *err);

/* Looks sig up: among the candidates (texts sharing a band with sig;
 * at most max_checks of them are compared, 0 for no limit) the one with
 * the highest estimated Jaccard, if it reaches t: sets *id and *j and
 * returns 1. Returns 0 when none does. *capped is set to 1 when the
 * candidate limit cut the search short. */
int aud_lsh_best(aud_lsh *l, const uint32_t *sig, double t,
		 size_t max_checks, uint32_t *id, double *j, int *capped);

size_t aud_lsh_count(const aud_lsh *l);
size_t aud_lsh_bytes(const aud_lsh *l);
void aud_lsh_free(aud_lsh *l);

#endif
