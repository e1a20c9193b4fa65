/*
 * detect.c: the matching engine. For one field value it
 *   1. finds candidate windows with cheap prefilters: literals are found
 *      in one pass over byte pairs (a 64 Kbit table says which pairs start
 *      a literal), each hit serving every pattern that names the
 *      literal; one pass with a byte table
 *      finds digit runs for all "digits N" patterns; "none" patterns get
 *      the whole value;
 *   2. merges each pattern's windows and runs its PCRE2 JIT code only
 *      there (subject = whole value so lookbehind sees real context,
 *      start offset = window start, length = window end + a little slack);
 *   3. filters each match: entropy gate, validator, placeholder list,
 *      context words near the match or in the field name;
 *   4. resolves overlaps and returns the findings ordered by start.
 * Loading and compiling patterns is patterns.c's job, checksums are
 * validate.c's, and what is stored about a finding is the caller's.
 *
 * A window is [hit start - window, hit end + window] where "window" is the
 * entry's maximum match length, so every match that contains the hit lies
 * inside it. The subject is cut SLACK bytes after the window end so that
 * lookahead sees real bytes; a match that ends past the window end might
 * have been cut short, and is redone against the whole value.
 */
#include "auditor/detect.h"
#include "auditor/validate.h"

#include <pcre2.h>
#ifdef __SSE2__
#include <emmintrin.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define AUD_HAVE_AVX2 1
#endif
#endif
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define NAME_CACHE 256 /* field names whose context results are kept */
#define SLACK 64	     /* bytes of lookahead context past a window */
#define CONTEXT_SPAN 64	     /* context words are looked for this near */
#define MAX_CANDIDATES 65536 /* per value; more are counted, not kept */
#define MATCH_LIMIT 100000   /* PCRE2 match limit per start position */
#define DEPTH_LIMIT 5000     /* interpreter backtracking depth */
#define HEAP_LIMIT_KIB 20480 /* interpreter heap, KiB */
#define NAME_MAX_BYTES 256   /* field-name bytes used as context */
#define NOWIN ((size_t)-1)
/* lastwin[p] when entry p opens no window in this value */
#define SHUT ((size_t)-2)

/* One distinct literal and the patterns that need it. Literals are kept
 * sorted by their first byte(s) so that those sharing one are found in a
 * single memchr pass ("AKIA", "ASIA", ... cost one scan for 'A'). */
struct lit {
	const char *s; /* lower-cased when nocase */
	size_t len;
	int nocase;
	unsigned char lo, up; /* first byte, both cases when nocase */
	size_t *pats;
	size_t npats;
};

struct win {
	size_t pat, s, e;
	size_t ls; /* the last start of a hit in it */
	size_t le; /* the last end of a hit in it */
};

/* A link in a chain of the literal index. */
struct litref {
	int32_t next;
	uint32_t lit;
	/* the literal's third byte in either case (has3 0: it has none), so
	 * that "gh" in "though" is turned away before any compare */
	unsigned char third[2], has3;
};

/* A pattern's context (or exclude-context) words, ready for matching. */
struct words {
	const char *const *w; /* lower-case, as in the pattern file */
	size_t n;
	size_t *len;
	char **tok;               /* each word split like field names */
	unsigned char first[256]; /* first bytes of the words */
	unsigned char second[256]; /* second bytes (all, if a word has one) */
	uint16_t *order;          /* word numbers by first byte: those */
	uint16_t at[257];         /* starting with c are order[at[c]..at[c+1]) */
	uint64_t pairs[64];       /* pair_bit of each word's first two bytes */
	int has1;                 /* a word of one byte (pairs says nothing) */
#ifdef AUD_HAVE_AVX2
	/* set_tables of the bytes that fold to a first byte, and to a
	 * second one (words_in512) */
	unsigned char f_lo[32], f_hi[32], s_lo[32], s_hi[32];
#endif
};

/* A set of byte pairs for a look at 32 positions at once (the "Teddy"
 * idea of Hyperscan): the pairs are spread over 16 buckets (8 bits of
 * two tables), and a position may start a pair of bucket k when its bit
 * is set in the table rows of both nibbles of both its bytes. A superset
 * of the pairs (a bucket accepts the products of its pairs' nibbles),
 * much smaller than first bytes times second bytes: in prose, literal
 * pairs such as "ke" and "pa" being common, about a quarter of the
 * positions those two byte sets let through. Rows are repeated for both
 * 16-byte lanes. */
struct pairset {
	unsigned char lo1[2][32], hi1[2][32], lo2[2][32], hi2[2][32];
};

/* The entries whose prefilter is a run of one byte class (equal classes
 * share a scan), sorted by their N. */
struct runclass {
	unsigned char in[256]; /* 1 for the class's bytes */
	unsigned char lo[32], hi[32]; /* the same for set_member */
	size_t *pats;
	size_t npats;
	size_t min; /* the first (smallest) N */
	/* has_run for min, without a branch: x &= x >> k | keep[j] for
	 * k = 1, 2, 4, ... (keep[j] all ones once 2k > min), then
	 * x &= x >> last */
	uint64_t keep[6];
	unsigned last;
};

struct cand {
	aud_match m;
	size_t ent;    /* entity number, equal for equal entity names */
	int validated; /* the pattern has a validator (and it passed) */
	int dropped;
};

struct aud_detector {
	const aud_patternset *ps;
	size_t np;
	const aud_pattern_engine **eng;
	const aud_pattern_info **info;
	size_t *ent;             /* entity number per pattern */
	struct words *ctx;  /* per pattern: its context words */
	struct words *xctx; /* per pattern: its exclude-context words */
	struct lit *lits;
	size_t nlits;
	/* Literal index: a bit per byte pair that starts some literal (all
	 * case variants for nocase ones), chains from a pair or, for
	 * one-byte literals, from a byte to the literals starting so. */
	unsigned char *pairbits; /* 65536 bits */
	int32_t *pairhead;       /* 65536 chain heads, -1 none */
	int32_t bytehead[256];
	unsigned char issingle[256]; /* first bytes of 1-byte literals */
	struct litref *refs;
	size_t nrefs;
	size_t *digit_pats; /* sorted by min_digits */
	size_t ndigit;
	/* the same split: entries a run anywhere can use, and anchored ones
	 * (only a run within window_before of the value start), each with
	 * its min_digits beside it */
	struct dpat {
		size_t pat;
		unsigned min;
		/* bit g: the run may hold g digits in a row, no digit
		 * right before or after (bit 63: 63 or more) */
		uint64_t groups;
		int start0; /* that stretch must start with the digit 0 */
	} *dfree, *danch;
	size_t nfree, nanch;
	/* With at most 64 dfree entries, as bit masks over them: dmin[n]
	 * those whose N is at most n (n up to 64), dgrp[g] those a stretch
	 * of g digits in a row satisfies, and dshut those this value has
	 * shut (SHUT): run_done then needs no branch per entry. */
	uint64_t dmin[65], dgrp[64], dshut;
	/* and those whose stretch of G to H digits starts with 0 (start0) */
	uint64_t dzero;
	size_t anch_before; /* the largest window_before of danch */
	/* the fewest digits a run needs for some entry: for dfree, and for
	 * any entry (danch too) when it starts within anch_before */
	unsigned need_free, need_any;
	size_t *none_pats;
	size_t nnone;
	size_t min_length; /* the shortest match of any entry (at least 1) */
	struct runclass *rcls;
	size_t nrcls;
	size_t run_min; /* the smallest N of every run class */
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
	size_t *lastwin;  /* per pattern: its newest window this value */
	uint32_t *lastgen; /* lastwin[p] is valid when lastgen[p] == gen */
	uint32_t gen;      /* bumped for every value */
	unsigned char pairfirst[256]; /* first bytes of 2+ byte literals */
	/* Context words of the context-required entries: their first bytes,
	 * and for the current value the places where one of them could
	 * start (computed once per value, when first needed). */
	unsigned char cfirst[256];
	/* The same as sets of raw bytes, and the second bytes of those
	 * words, for context_places without AVX2; with it, pairs of them. */
	unsigned char craw[256], craw2[256], alnum[256];
	struct pairset cpairs;   /* case-folded first two bytes of words */
	/* The same per context-required entry, for entry_in_value (used
	 * when the entry has no word of one byte: !ctx[p].has1) */
	struct pairset *epairs;
	unsigned char c1_lo[32], c1_hi[32]; /* one-byte words, both cases */
	unsigned char an_lo[32], an_hi[32];
	uint32_t *cpos;
	/* per listed place, the entries (bit cbit[p]) with a word that
	 * could start with its bytes (place_mask: the first three, or two
	 * for words of two; places of none are not listed) */
	uint32_t *cmask;
	size_t ncpos, capcpos;
	/* those masks (place_mask): entry number n has bit n % 32, so
	 * beyond 32 entries a bit stands for several (more places listed,
	 * never fewer) */
	uint32_t pmask[4096];  /* by trio_bit of words of 3+ bytes */
	uint32_t pmask2[1024]; /* by pair_bit & 1023 of words of 2 */
	uint32_t pmask1;       /* entries with a word of 1 byte */
	unsigned char *cbit;
	size_t *creq;  /* the context-required entries */
	size_t ncreq;
	/* This value's field name and bytes, and which context-required
	 * entries have one of their words somewhere in it (vmask, for the
	 * bits in vknown): windows of the others (whose field name holds
	 * none either) are not opened. In prose most such windows are of
	 * dates with no birth word near, and a look at each cost more. */
	const char *vname, *vval;
	size_t vname_len, vlen;
	uint32_t vknown, vmask;
	unsigned vasks;		 /* asked by entry_in_value in this value */
	unsigned char fold[256]; /* lower() */
	size_t cpos_upto; /* places before this are listed */
	int cpos_fail;    /* the value is too long to list */
	/* Whether a field name holds a context-required entry's words, for
	 * NAME_CACHE field names, in the slot of name_slot or one of the
	 * next three (records repeat their fields, and arrays number them:
	 * tags[0], tags[1], ...): res[p] is 0 not known yet, 1 no, 2 yes. */
	struct name_cache {
		char name[64];
		size_t len;
		unsigned char *res;
	} ncache[NAME_CACHE];
	struct name_cache *cur_nc; /* this value's field name, or NULL */
	unsigned nturn; /* which of four slots a new name takes */
	int avx2; /* the CPU has AVX2: pairs are looked for 32 bytes at once */
	int avx512; /* and AVX-512BW: 64 bytes at once, tails by masked loads */
	/* runs_vec512 (AVX-512 with CD, at most 8 classes, each N under
	 * 32): per class its N, has_run's keep[0..3] and last */
	int rvec;
	uint64_t rv_min[8], rv_keep[4][8], rv_last[8];
	struct pairset lpairs; /* the literals' first two bytes */
	unsigned char one_lo[32], one_hi[32]; /* issingle */
	struct win *wins;
	size_t nwins, capwins;
	struct win *sw;  /* scratch of sort_wins, swapped with wins */
	size_t capsw;
	size_t *sortat;  /* np + 1 counters of sort_wins */
	struct cand *c;
	size_t nc, capc;
	aud_match *out;
	size_t capout;
	char name[2 * NAME_MAX_BYTES + 2]; /* normalised field name */
	size_t namelen;
	int name_done;
	uint64_t limit_hits, truncated, window_bytes;
	int stats;
	uint64_t union_bytes;
	struct win *uw; /* scratch for union_bytes */
	size_t capuw;
};

const char *aud_evidence_name(aud_evidence e)
{
	switch (e) {
	case AUD_EV_PATTERN:
		return "pattern";
	case AUD_EV_VALIDATED:
		return "validated";
	case AUD_EV_CONTEXT:
		return "context";
	case AUD_EV_PLACEHOLDER:
		return "placeholder";
	}
	return "unknown";
}

static int is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Slot of the case-folded first three bytes of a context word. */
static unsigned trio_bit(unsigned char a, unsigned char b, unsigned char c)
{
	return ((unsigned)a * 961u + (unsigned)b * 31u + c) & 4095u;
}

/* Bit of the case-folded byte pair (a, b) in struct words' pairs. */
static unsigned pair_bit(unsigned char a, unsigned char b)
{
	return ((unsigned)a * 31u + b) & 4095u;
}

/* Writes the token form of {s, n} into out (cap >= 2n + 2): lower-case
 * letters and digits, one '_' between tokens; a token ends at any other
 * byte and at a lower-to-upper case change ("emailAddress" ->
 * "email_address"). Returns the length. */
static size_t tokens(char *out, const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!is_alnum(c)) {
			if (k && out[k - 1] != '_')
				out[k++] = '_';
			continue;
		}
		if (c >= 'A' && c <= 'Z' && i > 0 &&
		    (((unsigned char)s[i - 1] >= 'a' &&
		      (unsigned char)s[i - 1] <= 'z') ||
		     ((unsigned char)s[i - 1] >= '0' &&
		      (unsigned char)s[i - 1] <= '9')) &&
		    k && out[k - 1] != '_')
			out[k++] = '_';
		out[k++] = (char)lower(c);
	}
	while (k && out[k - 1] == '_')
		k--;
	out[k] = '\0';
	return k;
}

void aud_detector_free(aud_detector *d)
{
	size_t i, k;

	if (!d)
		return;
	for (i = 0; i < d->nlits; i++)
		free(d->lits[i].pats);
	free(d->lits);
	free(d->lastgen);
	free(d->pairbits);
	free(d->pairhead);
	free(d->refs);
	for (i = 0; i < d->np; i++) {
		struct words *ws[2] = {d->ctx ? &d->ctx[i] : NULL,
				       d->xctx ? &d->xctx[i] : NULL};
		int t;

		for (t = 0; t < 2; t++) {
			if (!ws[t] || !ws[t]->tok)
				continue;
			for (k = 0; k < ws[t]->n; k++)
				free(ws[t]->tok[k]);
			free(ws[t]->tok);
			free(ws[t]->len);
			free(ws[t]->order);
		}
	}
	free(d->ctx);
	free(d->xctx);
	free(d->eng);
	free(d->info);
	free(d->ent);
	free(d->digit_pats);
	free(d->dfree);
	free(d->danch);
	free(d->none_pats);
	for (i = 0; i < d->nrcls; i++)
		free(d->rcls[i].pats);
	free(d->rcls);
	free(d->lastwin);
	free(d->wins);
	free(d->sw);
	free(d->sortat);
	free(d->cpos);
	free(d->cmask);
	free(d->cbit);
	free(d->creq);
	free(d->epairs);
	for (i = 0; i < NAME_CACHE; i++)
		free(d->ncache[i].res);
	free(d->uw);
	free(d->c);
	free(d->out);
	pcre2_match_data_free(d->md);
	pcre2_match_context_free(d->mctx);
	pcre2_jit_stack_free(d->jstack);
	free(d);
}

/* Adds pattern p to the literal {s, len, nocase}, creating it if new. */
static int add_lit(aud_detector *d, const char *s, size_t len, int nocase,
		   size_t p)
{
	struct lit *l = NULL;
	size_t i, *np;

	for (i = 0; i < d->nlits; i++)
		if (d->lits[i].len == len && d->lits[i].nocase == nocase &&
		    memcmp(d->lits[i].s, s, len) == 0)
			l = &d->lits[i];
	if (!l) {
		struct lit *nl = realloc(d->lits, (d->nlits + 1) * sizeof *nl);

		if (!nl)
			return AUD_ENOMEM;
		d->lits = nl;
		l = &nl[d->nlits++];
		memset(l, 0, sizeof *l);
		l->s = s;
		l->len = len;
		l->nocase = nocase;
		l->lo = l->up = (unsigned char)s[0];
		if (nocase && l->lo >= 'a' && l->lo <= 'z')
			l->up = (unsigned char)(l->lo - 'a' + 'A');
	}
	for (i = 0; i < l->npats; i++)
		if (l->pats[i] == p)
			return 0; /* the same literal listed twice */
	np = realloc(l->pats, (l->npats + 1) * sizeof *np);
	if (!np)
		return AUD_ENOMEM;
	l->pats = np;
	l->pats[l->npats++] = p;
	return 0;
}

static int cmp_lit(const void *a, const void *b)
{
	const struct lit *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return (x->up > y->up) - (x->up < y->up);
}

/* The groups mask of "group G" (H 0) or "group G-H". */
static uint64_t group_bits(unsigned g, unsigned h)
{
	uint64_t from = UINT64_MAX << (g < 63 ? g : 63);

	return h == 0 || h >= 63 ? from : from & (UINT64_MAX >> (63 - h));
}

/* Sorts the digit patterns by N (insertion sort: qsort has no context
 * argument, and the list is short). */
static int sort_digit_pats(aud_detector *d)
{
	size_t i, j;

	for (i = 1; i < d->ndigit; i++) {
		size_t v = d->digit_pats[i];

		for (j = i; j > 0 && d->eng[d->digit_pats[j - 1]]->min_digits >
					 d->eng[v]->min_digits;
		     j--)
			d->digit_pats[j] = d->digit_pats[j - 1];
		d->digit_pats[j] = v;
	}
	d->dfree = calloc(d->ndigit + 1, sizeof *d->dfree);
	d->danch = calloc(d->ndigit + 1, sizeof *d->danch);
	if (!d->dfree || !d->danch)
		return AUD_ENOMEM;
	for (i = 0; i < d->ndigit; i++) {
		const aud_pattern_engine *e = d->eng[d->digit_pats[i]];
		struct dpat x = {d->digit_pats[i], e->min_digits,
				 group_bits(e->min_group, e->max_group),
				 e->start0};

		if (e->anchored) {
			d->danch[d->nanch++] = x;
			if (e->window_before > d->anch_before)
				d->anch_before = e->window_before;
		} else {
			d->dfree[d->nfree++] = x;
		}
	}
	d->need_free = d->nfree ? d->dfree[0].min : UINT_MAX;
	d->need_any = d->ndigit ? d->eng[d->digit_pats[0]]->min_digits : UINT_MAX;
	for (i = 0; i < d->nfree && d->nfree <= 64; i++) {
		uint64_t bit = (uint64_t)1 << i;
		size_t n, g;

		for (n = d->dfree[i].min; n <= 64; n++)
			d->dmin[n] |= bit;
		if (d->dfree[i].start0)
			d->dzero |= bit;
		for (g = 0; g < 64; g++)
			if (d->dfree[i].groups >> g & 1)
				d->dgrp[g] |= bit;
	}
	return 0;
}

/* keep and last of has_run for rc->min (1..64) */
static void run_steps(struct runclass *rc)
{
	size_t k = 1, j;

	for (j = 0; j < 6; j++) {
		rc->keep[j] = 2 * k <= rc->min ? 0 : UINT64_MAX;
		if (2 * k <= rc->min)
			k *= 2;
	}
	/* (no run inside a block reaches 64: all six steps leave 0) */
	rc->last = rc->min > k && rc->min < 64 ? (unsigned)(rc->min - k) : 0;
}

/* Adds pattern p to the run class with its bitmap, creating it if new;
 * keeps each class's patterns sorted by N. */
static int add_run(aud_detector *d, size_t p)
{
	const aud_pattern_engine *e = d->eng[p];
	unsigned char in[256];
	struct runclass *rc = NULL;
	size_t i, j;

	for (i = 0; i < 256; i++)
		in[i] = (e->run_class[i >> 3] >> (i & 7)) & 1;
	for (i = 0; i < d->nrcls && !rc; i++)
		if (memcmp(d->rcls[i].in, in, sizeof in) == 0)
			rc = &d->rcls[i];
	if (!rc) {
		struct runclass *n =
		    realloc(d->rcls, (d->nrcls + 1) * sizeof *n);

		if (!n)
			return AUD_ENOMEM;
		d->rcls = n;
		rc = &n[d->nrcls++];
		memcpy(rc->in, in, sizeof in);
		rc->npats = 0;
		rc->pats = calloc(d->np, sizeof *rc->pats);
		if (!rc->pats)
			return AUD_ENOMEM;
	}
	for (j = rc->npats; j > 0 && d->eng[rc->pats[j - 1]]->run_min >
					 e->run_min;
	     j--)
		rc->pats[j] = rc->pats[j - 1];
	rc->pats[j] = p;
	rc->npats++;
	rc->min = d->eng[rc->pats[0]]->run_min;
	run_steps(rc);
	return 0;
}

static size_t variants(unsigned char c, int nocase, unsigned char out[2]);

static int push_ref(aud_detector *d, int32_t *head, size_t lit)
{
	struct litref *nr = realloc(d->refs, (d->nrefs + 1) * sizeof *nr);

	if (!nr)
		return AUD_ENOMEM;
	d->refs = nr;
	nr[d->nrefs].lit = (uint32_t)lit;
	nr[d->nrefs].next = *head;
	nr[d->nrefs].has3 = d->lits[lit].len >= 3;
	if (nr[d->nrefs].has3) {
		unsigned char v[2];
		size_t n = variants((unsigned char)d->lits[lit].s[2],
				    d->lits[lit].nocase, v);

		nr[d->nrefs].third[0] = v[0];
		nr[d->nrefs].third[1] = v[n - 1];
	}
	*head = (int32_t)d->nrefs++;
	return 0;
}

/* The byte and its other case, for a case-insensitive literal. */
static size_t variants(unsigned char c, int nocase, unsigned char out[2])
{
	out[0] = c;
	if (nocase && c >= 'a' && c <= 'z') {
		out[1] = (unsigned char)(c - 'a' + 'A');
		return 2;
	}
	return 1;
}

/* Builds the pair index that literal_windows scans with. */
static int index_literals(aud_detector *d)
{
	size_t i, a, b, na, nb;
	unsigned char va[2], vb[2];

	for (i = 0; i < 256; i++)
		d->bytehead[i] = -1;
	if (!d->nlits)
		return 0;
	d->pairbits = calloc(65536 / 8, 1);
	d->pairhead = malloc(65536 * sizeof *d->pairhead);
	if (!d->pairbits || !d->pairhead)
		return AUD_ENOMEM;
	for (i = 0; i < 65536; i++)
		d->pairhead[i] = -1;
	for (i = 0; i < d->nlits; i++) {
		const struct lit *l = &d->lits[i];

		na = variants((unsigned char)l->s[0], l->nocase, va);
		if (l->len == 1) {
			for (a = 0; a < na; a++) {
				d->issingle[va[a]] = 1;
				if (push_ref(d, &d->bytehead[va[a]], i))
					return AUD_ENOMEM;
			}
			continue;
		}
		nb = variants((unsigned char)l->s[1], l->nocase, vb);
		for (a = 0; a < na; a++)
			for (b = 0; b < nb; b++) {
				unsigned key = va[a] | (unsigned)vb[b] << 8;

				d->pairbits[key >> 3] |=
					(unsigned char)(1u << (key & 7));
				d->pairfirst[va[a]] = 1;
				if (push_ref(d, &d->pairhead[key], i))
					return AUD_ENOMEM;
			}
	}
	return 0;
}

#ifdef AUD_HAVE_AVX2
static void set_tables(const unsigned char in[256], unsigned char lo[32],
		       unsigned char hi[32]);
#endif

static int words_init(struct words *ws, const char *const *w, size_t n)
{
#ifdef AUD_HAVE_AVX2
	unsigned char f[256], sc[256];
#endif
	uint16_t fill[256];
	size_t k, c;

	ws->w = w;
	ws->n = n;
	if (n == 0)
		return 0;
	if (n > UINT16_MAX)
		n = ws->n = UINT16_MAX;
	ws->len = calloc(n, sizeof *ws->len);
	ws->tok = calloc(n, sizeof *ws->tok);
	ws->order = calloc(n, sizeof *ws->order);
	if (!ws->len || !ws->tok || !ws->order)
		return AUD_ENOMEM;
	for (k = 0; k < n; k++)
		ws->at[(unsigned char)w[k][0] + 1]++;
	for (c = 0; c < 256; c++)
		ws->at[c + 1] += ws->at[c];
	for (c = 0; c < 256; c++)
		fill[c] = ws->at[c];
	for (k = 0; k < n; k++) {
		size_t l = strlen(w[k]);

		ws->order[fill[(unsigned char)w[k][0]]++] = (uint16_t)k;
		ws->len[k] = l;
		ws->first[(unsigned char)w[k][0]] = 1;
		if (l < 2) {
			memset(ws->second, 1, sizeof ws->second);
			ws->has1 = 1;
		} else {
			unsigned b = pair_bit((unsigned char)w[k][0],
					      (unsigned char)w[k][1]);

			ws->second[(unsigned char)w[k][1]] = 1;
			ws->pairs[b >> 6] |= (uint64_t)1 << (b & 63);
		}
		ws->tok[k] = malloc(2 * l + 2);
		if (!ws->tok[k])
			return AUD_ENOMEM;
		tokens(ws->tok[k], w[k], l);
	}
#ifdef AUD_HAVE_AVX2
	for (c = 0; c < 256; c++) {
		f[c] = ws->first[lower((unsigned char)c)];
		sc[c] = ws->second[lower((unsigned char)c)];
	}
	set_tables(f, ws->f_lo, ws->f_hi);
	set_tables(sc, ws->s_lo, ws->s_hi);
#endif
	return 0;
}

/* cbit, creq and the place masks: context-required entry number n has
 * bit n % 32 (so beyond 32 a bit stands for several entries: more places
 * listed and looked at, never fewer). A word's first three bytes pick
 * its slot (most places in prose start no word's three: "bi" begins
 * many words, "bir" few). */
static int place_masks(aud_detector *d)
{
	size_t i, k, n = 0;

	d->cbit = calloc(d->np + 1, 1);
	d->creq = calloc(d->np + 1, sizeof *d->creq);
	if (!d->cbit || !d->creq)
		return AUD_ENOMEM;
	for (i = 0; i < d->np; i++) {
		const struct words *ws = &d->ctx[i];
		uint32_t bit;

		if (!d->eng[i]->context_required)
			continue;
		d->creq[d->ncreq++] = i;
		d->cbit[i] = (unsigned char)(n++ % 32);
		bit = 1u << d->cbit[i];
		for (k = 0; k < ws->n; k++) {
			const unsigned char *w = (const unsigned char *)ws->w[k];

			if (ws->len[k] < 2)
				d->pmask1 |= bit;
			else if (ws->len[k] == 2)
				d->pmask2[pair_bit(w[0], w[1]) & 1023] |= bit;
			else
				d->pmask[trio_bit(w[0], w[1], w[2])] |= bit;
		}
	}
	return 0;
}

#ifdef AUD_HAVE_AVX2
static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Fills ps from the n pairs x[k] = folded pair << 16 | pair (a pair
 * being first byte << 8 | second), sorted here: the case variants of
 * one pair share a bucket (their products are only themselves), and the
 * groups are spread evenly over the buckets in that order. */
static void pairset_fill(struct pairset *ps, uint32_t *x, size_t n)
{
	size_t k, g, ng = 0;

	memset(ps, 0, sizeof *ps);
	qsort(x, n, sizeof *x, cmp_u32);
	for (k = 0; k < n; k++)
		ng += k == 0 || x[k] >> 16 != x[k - 1] >> 16;
	for (k = 0, g = 0; k < n; k++) {
		unsigned a = (x[k] >> 8) & 255, b = x[k] & 255, bucket, h;
		unsigned char bit;

		if (k > 0 && x[k] >> 16 != x[k - 1] >> 16)
			g++;
		bucket = (unsigned)(g * 16 / ng);
		bit = (unsigned char)(1u << (bucket % 8));
		for (h = 0; h < 32; h += 16) {
			ps->lo1[bucket / 8][h + (a & 15)] |= bit;
			ps->hi1[bucket / 8][h + (a >> 4)] |= bit;
			ps->lo2[bucket / 8][h + (b & 15)] |= bit;
			ps->hi2[bucket / 8][h + (b >> 4)] |= bit;
		}
	}
}

static uint32_t pair_entry(const aud_detector *d, unsigned a, unsigned b)
{
	return (uint32_t)(d->fold[a] << 8 | d->fold[b]) << 16 | a << 8 | b;
}

/* lpairs: every pair in pairbits (the literals' first two bytes, in
 * both cases for literal-i). */
static int literal_pairs(aud_detector *d)
{
	uint32_t *x;
	size_t n = 0, key;

	memset(&d->lpairs, 0, sizeof d->lpairs);
	if (!d->pairbits)
		return 0;
	x = malloc(65536 * sizeof *x);
	if (!x)
		return AUD_ENOMEM;
	for (key = 0; key < 65536; key++)
		if (d->pairbits[key >> 3] & (1u << (key & 7)))
			x[n++] = pair_entry(d, key & 255, key >> 8);
	pairset_fill(&d->lpairs, x, n);
	free(x);
	return 0;
}

/* cpairs: the case-folded first two bytes of the context-required
 * entries' words; c1: their one-byte words (both cases). */
static int word_pairs(aud_detector *d)
{
	unsigned char one[256] = {0};
	uint32_t *x;
	size_t n = 0, i, k;

	for (i = 0; i < d->ncreq; i++)
		n += d->ctx[d->creq[i]].n;
	x = malloc((n + 1) * sizeof *x);
	if (!x)
		return AUD_ENOMEM;
	n = 0;
	for (i = 0; i < d->ncreq; i++) {
		const struct words *ws = &d->ctx[d->creq[i]];

		for (k = 0; k < ws->n; k++) {
			const unsigned char *w =
			    (const unsigned char *)ws->w[k];

			if (ws->len[k] >= 2)
				x[n++] = pair_entry(d, d->fold[w[0]],
						    d->fold[w[1]]);
			else if (ws->len[k] == 1)
				one[w[0]] = one[d->fold[w[0]]] =
				    one[w[0] >= 'a' && w[0] <= 'z' ? w[0] - 32
								  : w[0]] = 1;
		}
	}
	pairset_fill(&d->cpairs, x, n);
	set_tables(one, d->c1_lo, d->c1_hi);
	d->epairs = calloc(d->np + 1, sizeof *d->epairs);
	if (!d->epairs) {
		free(x);
		return AUD_ENOMEM;
	}
	for (i = 0; i < d->ncreq; i++) {
		const struct words *ws = &d->ctx[d->creq[i]];

		for (k = 0, n = 0; k < ws->n; k++) {
			const unsigned char *w =
			    (const unsigned char *)ws->w[k];

			if (ws->len[k] >= 2)
				x[n++] =
				    pair_entry(d, d->fold[w[0]], d->fold[w[1]]);
		}
		pairset_fill(&d->epairs[d->creq[i]], x, n);
	}
	free(x);
	return 0;
}
#endif

int aud_detector_new(aud_detector **out, const aud_patternset *ps, aud_err *err)
{
	aud_detector *d;
	size_t i, k;
	uint32_t maxcap = 0;

	*out = NULL;
	d = calloc(1, sizeof *d);
	if (!d)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	d->ps = ps;
	d->np = aud_patterns_count(ps);
	d->eng = calloc(d->np + 1, sizeof *d->eng);
	d->info = calloc(d->np + 1, sizeof *d->info);
	d->ent = calloc(d->np + 1, sizeof *d->ent);
	d->ctx = calloc(d->np + 1, sizeof *d->ctx);
	d->xctx = calloc(d->np + 1, sizeof *d->xctx);
	d->digit_pats = calloc(d->np + 1, sizeof *d->digit_pats);
	d->none_pats = calloc(d->np + 1, sizeof *d->none_pats);
	d->lastwin = calloc(d->np + 1, sizeof *d->lastwin);
	d->lastgen = calloc(d->np + 1, sizeof *d->lastgen);
	d->sortat = calloc(d->np + 1, sizeof *d->sortat);
	for (i = 0; i < NAME_CACHE; i++) {
		d->ncache[i].res = calloc(d->np + 1, 1);
		if (!d->ncache[i].res)
			goto nomem;
		d->ncache[i].len = (size_t)-1;
	}
	d->mctx = pcre2_match_context_create(NULL);
	d->jstack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	if (!d->eng || !d->info || !d->ent || !d->ctx || !d->xctx ||
	    !d->digit_pats || !d->none_pats || !d->lastwin ||
	    !d->lastgen || !d->sortat ||
	    !d->mctx || !d->jstack)
		goto nomem;
	pcre2_set_match_limit(d->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(d->mctx, DEPTH_LIMIT);
	pcre2_set_heap_limit(d->mctx, HEAP_LIMIT_KIB);
	pcre2_jit_stack_assign(d->mctx, NULL, d->jstack);

	for (i = 0; i < d->np; i++) {
		const aud_pattern_engine *e = aud_patterns_engine(ps, i);
		const aud_pattern_info *in = aud_patterns_info(ps, i);

		d->eng[i] = e;
		d->info[i] = in;
		if (e->capture_count > maxcap)
			maxcap = e->capture_count;
		d->ent[i] = i;
		for (k = 0; k < i; k++)
			if (strcmp(d->info[k]->entity, in->entity) == 0) {
				d->ent[i] = d->ent[k];
				break;
			}
		if (words_init(&d->ctx[i], in->context, in->ncontext) ||
		    words_init(&d->xctx[i], e->exclude_context,
			       e->nexclude_context))
			goto nomem;
		/* every prefilter line of the entry opens windows */
		if (e->prefilters & (1u << AUD_PF_LITERAL))
			for (k = 0; k < e->nliterals; k++)
				if (add_lit(d, e->literals[k],
					    e->literal_lens[k],
					    e->literal_nocase, i))
					goto nomem;
		if (e->prefilters & (1u << AUD_PF_DIGITS))
			d->digit_pats[d->ndigit++] = i;
		if ((e->prefilters & (1u << AUD_PF_RUN)) && add_run(d, i))
			goto nomem;
		if (!e->prefilters || (e->prefilters & (1u << AUD_PF_NONE)))
			d->none_pats[d->nnone++] = i;
	}
	if (sort_digit_pats(d))
		goto nomem;
	d->min_length = SIZE_MAX;
	for (i = 0; i < d->np; i++)
		if (d->eng[i]->min_length < d->min_length)
			d->min_length = d->eng[i]->min_length;
	if (d->min_length == 0 || d->min_length == SIZE_MAX)
		d->min_length = 1;
	d->run_min = SIZE_MAX;
	for (i = 0; i < d->nrcls; i++)
		if (d->rcls[i].min < d->run_min)
			d->run_min = d->rcls[i].min;
	if (d->nlits)
		qsort(d->lits, d->nlits, sizeof *d->lits, cmp_lit);
	if (index_literals(d))
		goto nomem;
	for (i = 0; i < d->np; i++)
		if (d->eng[i]->context_required)
			for (k = 0; k < 256; k++) {
				d->cfirst[k] |= d->ctx[i].first[k];
				d->craw2[k] |= d->ctx[i].second[lower(
				    (unsigned char)k)];
			}
	if (place_masks(d))
		goto nomem;
	for (k = 0; k < 256; k++) {
		d->fold[k] = lower((unsigned char)k);
		d->craw[k] = d->cfirst[lower((unsigned char)k)];
		d->alnum[k] = (unsigned char)is_alnum((unsigned char)k);
	}
#ifdef AUD_HAVE_AVX2
	/* AUDITOR_NO_SIMD=1 keeps the plain loops, AUDITOR_NO_AVX512=1 the
	 * AVX2 ones (tests compare them). */
	d->avx2 = __builtin_cpu_supports("avx2") && !getenv("AUDITOR_NO_SIMD");
	d->avx512 = d->avx2 && __builtin_cpu_supports("avx512bw") &&
		    __builtin_cpu_supports("popcnt") &&
		    !getenv("AUDITOR_NO_AVX512");
	if (literal_pairs(d) || word_pairs(d))
		goto nomem;
	set_tables(d->issingle, d->one_lo, d->one_hi);
	set_tables(d->alnum, d->an_lo, d->an_hi);
	for (i = 0; i < d->nrcls; i++)
		set_tables(d->rcls[i].in, d->rcls[i].lo, d->rcls[i].hi);
	d->rvec = d->avx512 && __builtin_cpu_supports("avx512cd") &&
		  d->nrcls <= 8;
	for (i = 0; i < 8; i++) {
		const struct runclass *rc = i < d->nrcls ? &d->rcls[i] : NULL;

		if (rc && rc->min >= 32)
			d->rvec = 0;
		/* a class beyond the last: never a run */
		d->rv_min[i] = rc ? rc->min : UINT32_MAX;
		for (k = 0; k < 4; k++)
			d->rv_keep[k][i] = rc ? rc->keep[k] : 0;
		d->rv_last[i] = rc ? rc->last : 0;
	}
#endif
	d->md = pcre2_match_data_create(maxcap + 1, NULL);
	if (!d->md)
		goto nomem;
	*out = d;
	return 0;
nomem:
	aud_detector_free(d);
	return aud_err_set(err, AUD_ENOMEM, "out of memory");
}

const char *aud_detector_simd(const aud_detector *d)
{
	return d->avx512 ? "avx512" : d->avx2 ? "avx2" : "none";
}

uint64_t aud_detector_limit_hits(const aud_detector *d)
{
	return d->limit_hits;
}

uint64_t aud_detector_truncated(const aud_detector *d)
{
	return d->truncated;
}

void aud_detector_stats(aud_detector *d, int on)
{
	d->stats = on;
}

uint64_t aud_detector_union_bytes(const aud_detector *d)
{
	return d->union_bytes;
}

static int cmp_win_start(const void *a, const void *b)
{
	const struct win *x = a, *y = b;

	return (x->s > y->s) - (x->s < y->s);
}

/* Adds the bytes covered by the union of this value's windows. */
static int count_union(aud_detector *d)
{
	size_t i, s, e;

	if (d->nwins > d->capuw) {
		struct win *n = realloc(d->uw, d->nwins * sizeof *n);

		if (!n)
			return AUD_ENOMEM;
		d->uw = n;
		d->capuw = d->nwins;
	}
	memcpy(d->uw, d->wins, d->nwins * sizeof *d->uw);
	qsort(d->uw, d->nwins, sizeof *d->uw, cmp_win_start);
	s = d->uw[0].s;
	e = d->uw[0].e;
	for (i = 1; i < d->nwins; i++) {
		if (d->uw[i].s > e) {
			d->union_bytes += e - s;
			s = d->uw[i].s;
		}
		if (d->uw[i].e > e)
			e = d->uw[i].e;
	}
	d->union_bytes += e - s;
	return 0;
}

uint64_t aud_detector_window_bytes(const aud_detector *d)
{
	return d->window_bytes;
}

/* ---- step 1: windows ------------------------------------------------ */

static int name_context(aud_detector *d, size_t p, const char *name,
			size_t nl);
static int context_places(aud_detector *d, const char *v, size_t len,
			  size_t to);
static int word_at(const struct words *ws, const char *v, size_t len,
		   size_t at, size_t to, unsigned char c);
#ifdef AUD_HAVE_AVX2
static int entry_in_value(aud_detector *d, size_t p, const unsigned char *v,
			  size_t len);
#endif

/* In a value whose places are not listed yet, up to ENTRY_PASSES
 * context-required entries look for their words on their own
 * (entry_in_value) before the places are listed for all. Each such
 * pass costs about what the shared pass's vector part does, and looks at
 * far fewer places; the shared one then pays place_mask and a store at
 * every place any of the 396 words could start. In prose a value is
 * asked about by date_of_birth (a four-digit run) and often by one or
 * two secret entries (a digit near the start, "cret"): `bench_detect`
 * over 20 MB of the harness's prose, 493-499 MB/s with the shared pass
 * only, 524-531 with up to two passes, 543-546 with three, 525-538 with
 * no limit; on findings-heavy text, where a value is asked about by many
 * entries, 103-106 against 105-107 MB/s. */
#define ENTRY_PASSES 3
#define CPOS_MAX (1u << 20) /* longest value whose places are listed */

/* Has context-required entry p one of its words anywhere in the value,
 * as words_between(0, len) would find it? (Yes when the value is too
 * long to list its places.) Known per bit of vmask once asked: vknown. */
static int value_context(aud_detector *d, size_t p)
{
	const char *v = d->vval;
	size_t len = d->vlen, i;
	uint32_t bit = 1u << d->cbit[p];

	if (d->vknown & bit)
		return (d->vmask & bit) != 0;
#ifdef AUD_HAVE_AVX2
	if (d->avx2 && !d->ctx[p].has1 && d->cpos_upto < len &&
	    len <= CPOS_MAX && d->vasks < ENTRY_PASSES) {
		int r = entry_in_value(d, p, (const unsigned char *)v, len);

		d->vasks++;
		if (r)
			d->vmask |= bit;
		if (r || d->ncreq <= 32)
			d->vknown |= bit;
		return r;
	}
#endif
	if (context_places(d, v, len, len))
		return 1;
	for (i = 0; i < d->ncpos; i++) {
		size_t at = d->cpos[i];
		unsigned char c;

		if (!(d->cmask[i] & bit))
			continue;
		c = d->fold[(unsigned char)v[at]];
		if (d->ctx[p].first[c] &&
		    word_at(&d->ctx[p], v, len, at, len, c))
			break;
	}
	/* (beyond 32 entries a bit is shared: only a yes is kept) */
	if (i < d->ncpos)
		d->vmask |= bit;
	if (i < d->ncpos || d->ncreq <= 32)
		d->vknown |= bit;
	return i < d->ncpos;
}

/* May context-required entry p report in this value at all? */
static int context_possible(aud_detector *d, size_t p)
{
	return name_context(d, p, d->vname, d->vname_len) ||
	       value_context(d, p);
}

static inline int add_window(aud_detector *d, size_t p, size_t hs, size_t he,
		      size_t len)
{
	size_t lw = d->lastgen[p] == d->gen ? d->lastwin[p] : NOWIN;
	size_t w = d->eng[p]->window, wb = d->eng[p]->window_before;
	size_t s = hs > wb ? hs - wb : 0;
	size_t e = he + w < he || he + w > len ? len : he + w;

	if (lw == SHUT)
		return 0;
	/* A regex anchored at the value start (^...) can only use a hit that
	 * a match from byte 0 could contain, and one anchored at both ends
	 * (^...$) matches no value longer than its longest match (and a
	 * final newline); none matches a value shorter than its shortest
	 * match. */
	if ((d->eng[p]->anchored && s > 0) ||
	    (d->eng[p]->whole && len > w + 1) || len < d->eng[p]->min_length)
		return 0;
	if (lw == NOWIN && d->eng[p]->context_required &&
	    !context_possible(d, p)) {
		d->lastwin[p] = SHUT;
		d->lastgen[p] = d->gen;
		return 0;
	}

	if (lw != NOWIN && d->wins[lw].e >= s && d->wins[lw].s <= e) {
		if (s < d->wins[lw].s)
			d->wins[lw].s = s;
		if (e > d->wins[lw].e)
			d->wins[lw].e = e;
		if (hs > d->wins[lw].ls)
			d->wins[lw].ls = hs;
		if (he > d->wins[lw].le)
			d->wins[lw].le = he;
		return 0;
	}
	if (d->nwins == d->capwins) {
		size_t nc = d->capwins ? d->capwins * 2 : 64;
		struct win *nw = realloc(d->wins, nc * sizeof *nw);

		if (!nw)
			return AUD_ENOMEM;
		d->wins = nw;
		d->capwins = nc;
	}
	d->wins[d->nwins].pat = p;
	d->wins[d->nwins].s = s;
	d->wins[d->nwins].e = e;
	d->wins[d->nwins].ls = hs;
	d->wins[d->nwins].le = he;
	d->lastwin[p] = d->nwins++;
	d->lastgen[p] = d->gen;
	return 0;
}

/* Does literal l occur at v[at]? */
static int lit_here(const struct lit *l, const char *v, size_t len, size_t at)
{
	size_t i;

	if (l->len > len - at)
		return 0;
	if (!l->nocase)
		return memcmp(v + at, l->s, l->len) == 0;
	for (i = 0; i < l->len; i++)
		if (lower((unsigned char)v[at + i]) != (unsigned char)l->s[i])
			return 0;
	return 1;
}

static int lit_hit(aud_detector *d, const struct lit *l, size_t at,
		   size_t len)
{
	size_t k;

	for (k = 0; k < l->npats; k++)
		if (add_window(d, l->pats[k], at, at + l->len, len))
			return AUD_ENOMEM;
	return 0;
}

/* The one-byte literals that v[i] is. */
static int single_at(aud_detector *d, const char *v, size_t len, size_t i)
{
	int32_t r;

	for (r = d->bytehead[(unsigned char)v[i]]; r >= 0; r = d->refs[r].next)
		if (lit_hit(d, &d->lits[d->refs[r].lit], i, len))
			return AUD_ENOMEM;
	return 0;
}

/* The literals starting with the byte pair at i. */
static int pair_at(aud_detector *d, const char *v, size_t len, size_t i)
{
	const unsigned char *u = (const unsigned char *)v;
	unsigned key = u[i] | (unsigned)u[i + 1] << 8;
	int32_t r;

	if (!(d->pairbits[key >> 3] & (1u << (key & 7))))
		return 0;
	for (r = d->pairhead[key]; r >= 0; r = d->refs[r].next) {
		const struct litref *f = &d->refs[r];
		const struct lit *l = &d->lits[f->lit];

		if (f->has3 && (i + 2 >= len || (u[i + 2] != f->third[0] &&
						 u[i + 2] != f->third[1])))
			continue;
		if (lit_here(l, v, len, i) && lit_hit(d, l, i, len))
			return AUD_ENOMEM;
	}
	return 0;
}

#ifdef AUD_HAVE_AVX2
#include <immintrin.h>

/* Builds the two 16-byte tables (repeated for both AVX2 lanes) that
 * set_member looks bytes up in: lo[n] has bit h set when the byte with
 * low nibble n and high nibble h (< 8) is in the set, hi[n] the same for
 * high nibbles 8..15. */
static void set_tables(const unsigned char in[256], unsigned char lo[32],
		       unsigned char hi[32])
{
	unsigned x;

	memset(lo, 0, 32);
	memset(hi, 0, 32);
	for (x = 0; x < 256; x++)
		if (in[x]) {
			unsigned char *t = x < 128 ? lo : hi;

			t[x & 15] |= (unsigned char)(1u << ((x >> 4) & 7));
			t[16 + (x & 15)] |= (unsigned char)(1u << ((x >> 4) & 7));
		}
}

/* 0xff in every byte of x that is in the set, 0 elsewhere (W. Mula's
 * bitmap lookup: pshufb picks the row by low nibble, a second pshufb the
 * bit by high nibble). */
/* The parts of set_member that depend on x alone (for testing one block
 * against many sets): x with its top bit flipped, and each byte's bit for
 * its high nibble. */
__attribute__((target("avx2"))) static void set_prep(__m256i x, __m256i *xf,
						      __m256i *sel)
{
	const __m256i bit = _mm256_setr_epi8(
		1, 2, 4, 8, 16, 32, 64, (char)128, 1, 2, 4, 8, 16, 32, 64,
		(char)128, 1, 2, 4, 8, 16, 32, 64, (char)128, 1, 2, 4, 8, 16, 32,
		64, (char)128);

	*xf = _mm256_xor_si256(x, _mm256_set1_epi8((char)0x80));
	*sel = _mm256_shuffle_epi8(
		bit, _mm256_and_si256(_mm256_srli_epi16(x, 4),
				      _mm256_set1_epi8(0x07)));
}

/* set_member with set_prep's parts of x. */
__attribute__((target("avx2"))) static __m256i
set_member_prep(__m256i x, __m256i xf, __m256i sel, __m256i lo, __m256i hi)
{
	__m256i row = _mm256_or_si256(_mm256_shuffle_epi8(lo, x),
				      _mm256_shuffle_epi8(hi, xf));

	return _mm256_cmpeq_epi8(_mm256_and_si256(row, sel), sel);
}

__attribute__((target("avx2"))) static __m256i
set_member(__m256i x, __m256i lo, __m256i hi)
{
	__m256i xf, sel;

	set_prep(x, &xf, &sel);
	return set_member_prep(x, xf, sel, lo, hi);
}

/* Bit i: a pair of ps may start at byte i of a, its second byte being
 * byte i of b (b is a one byte further on). */
__attribute__((target("avx2"))) static uint32_t
pairset_mask(const struct pairset *ps, __m256i a, __m256i b)
{
	const __m256i nib = _mm256_set1_epi8(0x0f);
	__m256i la = _mm256_and_si256(a, nib);
	__m256i ha = _mm256_and_si256(_mm256_srli_epi16(a, 4), nib);
	__m256i lb = _mm256_and_si256(b, nib);
	__m256i hb = _mm256_and_si256(_mm256_srli_epi16(b, 4), nib);
	__m256i k[2];
	int t;

#define ROW(tab, x)                                                            \
	_mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(tab)), x)
	for (t = 0; t < 2; t++)
		k[t] = _mm256_and_si256(
			_mm256_and_si256(ROW(ps->lo1[t], la),
					 ROW(ps->hi1[t], ha)),
			_mm256_and_si256(ROW(ps->lo2[t], lb),
					 ROW(ps->hi2[t], hb)));
#undef ROW
	return ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(
		_mm256_or_si256(k[0], k[1]), _mm256_setzero_si256()));
}

/* x with A-Z made a-z */
__attribute__((target("avx2"))) static __m256i fold_avx2(__m256i x)
{
	__m256i t = _mm256_sub_epi8(x, _mm256_set1_epi8('A'));
	__m256i up = _mm256_cmpeq_epi8(
		_mm256_min_epu8(t, _mm256_set1_epi8(25)), t);

	return _mm256_add_epi8(x, _mm256_and_si256(up, _mm256_set1_epi8(32)));
}

/* literal_windows 32 bytes at a time (the last ones from a padded copy):
 * only positions whose byte is a one-byte literal, or may start a pair of
 * lpairs, are looked at further. */
__attribute__((target("avx2"))) static int
pairs_avx2(aud_detector *d, const char *v, size_t len)
{
	const __m256i olo = _mm256_loadu_si256((const __m256i *)d->one_lo);
	const __m256i ohi = _mm256_loadu_si256((const __m256i *)d->one_hi);
	unsigned char pad[64];
	size_t i;

	for (i = 0; i < len; i += 32) {
		const unsigned char *p = (const unsigned char *)v + i;
		uint32_t valid = UINT32_MAX, m;
		__m256i a, b;

		if (len - i < 33) {
			/* the last bytes from a padded copy: candidates only
			 * where the value has bytes, pairs only where it has
			 * a second one */
			size_t n = len - i;

			memset(pad, 0, sizeof pad);
			memcpy(pad, p, n);
			p = pad;
			valid = n >= 32 ? UINT32_MAX >> 1 : (1u << (n - 1)) - 1;
		}
		a = _mm256_loadu_si256((const __m256i *)p);
		b = _mm256_loadu_si256((const __m256i *)(p + 1));
		m = (pairset_mask(&d->lpairs, a, b) & valid) |
		    ((uint32_t)_mm256_movemask_epi8(set_member(a, olo, ohi)) &
		     (valid << 1 | 1));
		while (m) {
			size_t k = i + (size_t)__builtin_ctz(m);
			unsigned key = (unsigned char)v[k] |
				       (unsigned)p[k - i + 1] << 8;

			if (d->issingle[(unsigned char)v[k]] &&
			    single_at(d, v, len, k))
				return AUD_ENOMEM;
			/* most candidates are no literal's pair: look that
			 * up before the call (past the value's end p holds
			 * a 0 and valid kept no pair) */
			if (k + 1 < len &&
			    (d->pairbits[key >> 3] & (1u << (key & 7))) &&
			    pair_at(d, v, len, k))
				return AUD_ENOMEM;
			m &= m - 1;
		}
	}
	return 0;
}

/* ---- AVX-512BW: the same passes 64 bytes a step ---------------------- */
#define AUD_T512 __attribute__((target("avx512f,avx512bw,popcnt")))

/* A 16-byte table row (set_tables, pairset) in all four lanes. */
AUD_T512 static inline __m512i row512(const unsigned char t[32])
{
	return _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)t));
}

/* The first n (any size_t) bits set, at most 64. */
static inline uint64_t first_bits(size_t n)
{
	return n >= 64 ? UINT64_MAX : ((uint64_t)1 << n) - 1;
}

/* set_prep and set_member_prep, 64 bytes: a bit per byte of x in the set
 * of the tables lo, hi. */
AUD_T512 static inline void prep512(__m512i x, __m512i *xf, __m512i *sel)
{
	const __m512i bit = _mm512_broadcast_i32x4(_mm_setr_epi8(
		1, 2, 4, 8, 16, 32, 64, (char)128, 1, 2, 4, 8, 16, 32, 64,
		(char)128));

	*xf = _mm512_xor_si512(x, _mm512_set1_epi8((char)0x80));
	*sel = _mm512_shuffle_epi8(
		bit, _mm512_and_si512(_mm512_srli_epi16(x, 4),
				      _mm512_set1_epi8(0x07)));
}

AUD_T512 static inline uint64_t member_prep512(__m512i x, __m512i xf,
					       __m512i sel, __m512i lo,
					       __m512i hi)
{
	return _mm512_test_epi8_mask(
		_mm512_or_si512(_mm512_shuffle_epi8(lo, x),
				_mm512_shuffle_epi8(hi, xf)),
		sel);
}

AUD_T512 static inline uint64_t member512(__m512i x, __m512i lo, __m512i hi)
{
	__m512i xf, sel;

	prep512(x, &xf, &sel);
	return member_prep512(x, xf, sel, lo, hi);
}

/* pairset_mask, 64 bytes */
AUD_T512 static inline uint64_t pairset_mask512(const struct pairset *ps,
						__m512i a, __m512i b)
{
	const __m512i nib = _mm512_set1_epi8(0x0f);
	__m512i la = _mm512_and_si512(a, nib);
	__m512i ha = _mm512_and_si512(_mm512_srli_epi16(a, 4), nib);
	__m512i lb = _mm512_and_si512(b, nib);
	__m512i hb = _mm512_and_si512(_mm512_srli_epi16(b, 4), nib);
	__m512i k[2];
	int t;

	for (t = 0; t < 2; t++)
		k[t] = _mm512_and_si512(
			_mm512_and_si512(
				_mm512_shuffle_epi8(row512(ps->lo1[t]), la),
				_mm512_shuffle_epi8(row512(ps->hi1[t]), ha)),
			_mm512_and_si512(
				_mm512_shuffle_epi8(row512(ps->lo2[t]), lb),
				_mm512_shuffle_epi8(row512(ps->hi2[t]), hb)));
	k[0] = _mm512_or_si512(k[0], k[1]);
	return _mm512_test_epi8_mask(k[0], k[0]);
}

/* fold_avx2, 64 bytes */
AUD_T512 static inline __m512i fold512(__m512i x)
{
	__m512i t = _mm512_sub_epi8(x, _mm512_set1_epi8('A'));

	return _mm512_mask_add_epi8(
		x, _mm512_cmple_epu8_mask(t, _mm512_set1_epi8(25)), x,
		_mm512_set1_epi8(32));
}

/* pairs_avx2, 64 bytes a step; bytes past the value are read as 0 by
 * masked loads, which never touch them. */
AUD_T512 static int pairs_avx512(aud_detector *d, const char *v, size_t len)
{
	const __m512i olo = row512(d->one_lo), ohi = row512(d->one_hi);
	size_t i;

	for (i = 0; i < len; i += 64) {
		const unsigned char *p = (const unsigned char *)v + i;
		uint64_t va = first_bits(len - i), vb = first_bits(len - i - 1);
		__m512i a = _mm512_maskz_loadu_epi8(va, p);
		__m512i b = _mm512_maskz_loadu_epi8(vb, p + 1);
		uint64_t m = (pairset_mask512(&d->lpairs, a, b) & vb) |
			     (member512(a, olo, ohi) & va);

		while (m) {
			size_t k = i + (size_t)__builtin_ctzll(m);
			unsigned key;

			if (d->issingle[(unsigned char)v[k]] &&
			    single_at(d, v, len, k))
				return AUD_ENOMEM;
			if (k + 1 < len) {
				key = (unsigned char)v[k] |
				      (unsigned)(unsigned char)v[k + 1] << 8;
				if ((d->pairbits[key >> 3] & (1u << (key & 7))) &&
				    pair_at(d, v, len, k))
					return AUD_ENOMEM;
			}
			m &= m - 1;
		}
	}
	return 0;
}
#endif

/*
 * Finds every literal in one pass: each byte pair is looked up in a 64
 * Kbit table (8 KiB, stays in L1) and only pairs that start some literal
 * are checked further. This replaced one memchr pass per distinct first
 * byte, which cost a call for every 'e' or 'p' in prose once the secrets
 * added literals starting with common letters.
 */
static int literal_windows(aud_detector *d, const char *v, size_t len)
{
	const unsigned char *u = (const unsigned char *)v;
	size_t i;

	if (!d->nlits || len == 0)
		return 0;
#ifdef AUD_HAVE_AVX2
	if (d->avx512)
		return pairs_avx512(d, v, len);
	if (d->avx2)
		return pairs_avx2(d, v, len);
#endif
	for (i = 0; i < len; i++) {
		if (d->issingle[u[i]] && single_at(d, v, len, i))
			return AUD_ENOMEM;
		if (i + 1 < len && d->pairfirst[u[i]] && pair_at(d, v, len, i))
			return AUD_ENOMEM;
	}
	return 0;
}

/* Byte classes for digit runs: 1 digit, 2 separator, 0 anything else. */
static const unsigned char dclass[256] = {
    [' '] = 2, ['-'] = 2, ['.'] = 2, ['/'] = 2, ['('] = 2, [')'] = 2,
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
    ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
};

/* Most separator bytes between two digits of one run. */
#define MAX_GAP 2

/* The groups bit of g digits in a row. */
static uint64_t group_bit(unsigned g)
{
	return (uint64_t)1 << (g < 63 ? g : 63);
}

/* Windows around the run v[rs, re) of nd digits, whose stretches of
 * digits in a row have the lengths in gm (group_bit), those starting with
 * the digit 0 the lengths in gz, for the entries whose N and groups it
 * meets. */
static int run_done(aud_detector *d, size_t rs, size_t re, unsigned nd,
		    uint64_t gm, uint64_t gz, size_t len)
{
	size_t k;

	if (d->nfree <= 64) {
		uint64_t m = d->dmin[nd < 64 ? nd : 64] & ~d->dshut, g = 0;
		uint64_t g0 = 0, x;

		for (x = gm; x; x &= x - 1)
			g |= d->dgrp[__builtin_ctzll(x)];
		for (x = gz; x; x &= x - 1)
			g0 |= d->dgrp[__builtin_ctzll(x)];
		for (m &= (g & ~d->dzero) | (g0 & d->dzero); m; m &= m - 1) {
			size_t p;

			k = (size_t)__builtin_ctzll(m);
			p = d->dfree[k].pat;
			if (add_window(d, p, rs, re, len))
				return AUD_ENOMEM;
			if (d->lastwin[p] == SHUT && d->lastgen[p] == d->gen)
				d->dshut |= (uint64_t)1 << k;
		}
	} else {
		for (k = 0; k < d->nfree && d->dfree[k].min <= nd; k++)
			if ((d->dfree[k].groups &
			     (d->dfree[k].start0 ? gz : gm)) &&
			    add_window(d, d->dfree[k].pat, rs, re, len))
				return AUD_ENOMEM;
	}
	/* an anchored entry's match starts the value: add_window would
	 * drop the hit; most runs are past its start */
	if (rs > d->anch_before)
		return 0;
	for (k = 0; k < d->nanch && d->danch[k].min <= nd; k++)
		if ((d->danch[k].groups & (d->danch[k].start0 ? gz : gm)) &&
		    rs <= d->eng[d->danch[k].pat]->window_before &&
		    add_window(d, d->danch[k].pat, rs, re, len))
			return AUD_ENOMEM;
	return 0;
}

/* First position at or after i holding an ASCII digit, or len. Prose has
 * few digits, so this is where most bytes of a value go by: 16 at a time
 * with SSE2 (part of every x86-64), one at a time elsewhere. */
static size_t skip_to_digit(const unsigned char *v, size_t len, size_t i)
{
#ifdef __SSE2__
	const __m128i lo = _mm_set1_epi8((char)('0' - 1 - 128));
	const __m128i hi = _mm_set1_epi8((char)('9' + 1 - 128));
	const __m128i flip = _mm_set1_epi8((char)0x80);

	while (i + 16 <= len) {
		__m128i x = _mm_xor_si128(
			_mm_loadu_si128((const __m128i *)(v + i)), flip);
		int m = _mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(x, lo),
							_mm_cmplt_epi8(x, hi)));

		if (m)
			return i + (size_t)__builtin_ctz((unsigned)m);
		i += 16;
	}
#endif
	while (i < len && dclass[v[i]] != 1)
		i++;
	return i;
}

/* Has a run of nd digits from v[rs] enough for some entry? (Most numbers
 * in prose are too short for every entry but an anchored one, which
 * looks only near the value start.) */
static int run_enough(const aud_detector *d, size_t rs, unsigned nd)
{
	return nd >= (rs <= d->anch_before ? d->need_any : d->need_free);
}

/* The run of digits that starts at the digit v[rs], walked byte by byte:
 * its windows when it has enough digits. Returns where the look for the
 * next run goes on: the byte that ended this one (a digit, after more
 * than MAX_GAP separators), or len. */
static size_t digit_run_plain(aud_detector *d, const unsigned char *v,
			      size_t len, size_t rs, int *rc)
{
	/* nd digits so far, gap separators since the last one, cg digits in
	 * the last stretch (z0: it starts with 0), gm the lengths of the
	 * stretches before it (group_bit), gz those of them starting with 0 */
	unsigned nd = 0, gap = 0, cg = 0;
	uint64_t gm = 0, gz = 0;
	size_t i, re = rs;
	int z0 = 0;

	for (i = rs; i < len; i++) {
		unsigned char c = dclass[v[i]];

		if (c == 1) {
			if (gap > MAX_GAP)
				break;
			if (gap) {
				gm |= group_bit(cg);
				gz |= z0 ? group_bit(cg) : 0;
				cg = 1;
			} else {
				cg++;
			}
			if (cg == 1)
				z0 = v[i] == '0';
			nd++;
			re = i + 1;
			gap = 0;
		} else if (c == 2) {
			gap++;
		} else {
			break;
		}
	}
	if (run_enough(d, rs, nd) && run_done(d, rs, re, nd, gm | group_bit(cg),
				   gz | (z0 ? group_bit(cg) : 0), len))
		*rc = AUD_ENOMEM;
	return i;
}

#ifdef AUD_HAVE_AVX2
/* The digits of 64 bytes, their zeros, and the separators (dclass 2:
 * space - . / ( )) */
AUD_T512 static inline uint64_t digits512(__m512i x)
{
	return _mm512_cmple_epu8_mask(_mm512_sub_epi8(x, _mm512_set1_epi8('0')),
				      _mm512_set1_epi8(9));
}

AUD_T512 static inline uint64_t zeros512(__m512i x)
{
	return _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('0'));
}

AUD_T512 static inline uint64_t seps512(__m512i x)
{
	return _mm512_cmple_epu8_mask(
		       _mm512_sub_epi8(x, _mm512_set1_epi8('-')),
		       _mm512_set1_epi8(2)) |
	       _mm512_cmple_epu8_mask(
		       _mm512_sub_epi8(x, _mm512_set1_epi8('(')),
		       _mm512_set1_epi8(1)) |
	       _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8(' '));
}

/* The run of the digits dg (bit 0: the digit at rs; zr: the zeros) that
 * ends before bit f: its windows when it has enough digits. */
AUD_T512 static int digit_run_bits(aud_detector *d, uint64_t dg,
				   uint64_t zr, size_t rs, size_t f,
				   size_t len)
{
	uint64_t x = dg & first_bits(f), gm = 0, gz = 0;
	unsigned nd = (unsigned)__builtin_popcountll(x);
	size_t re;

	if (!run_enough(d, rs, nd))
		return 0;
	re = rs + 64 - (size_t)__builtin_clzll(x);
	/* each stretch of digits in a row: its length, then cleared (x + its
	 * lowest bit carries past it) */
	while (x) {
		unsigned s = (unsigned)__builtin_ctzll(x);
		uint64_t g = group_bit((unsigned)__builtin_ctzll(~(x >> s)));

		gm |= g;
		gz |= zr >> s & 1 ? g : 0;
		x &= x + ((uint64_t)1 << s);
	}
	return run_done(d, rs, re, nd, gm, gz, len);
}

/* Where a run that starts at bit 0 of the digits dg and separators sp
 * ends: the first byte that is neither, or the first of more than
 * MAX_GAP separators in a row (bit 63 at the latest). */
static size_t digit_run_end(uint64_t dg, uint64_t sp)
{
	uint64_t stop = ~(dg | sp) | (sp & sp >> 1 & sp >> 2);

	return (size_t)__builtin_ctzll(stop | (uint64_t)1 << 63);
}

/*
 * digit_windows from bit masks of 64 bytes: the digits and separators of
 * a block; from each digit, a run up to where digit_run_end says, its
 * digits, their last one and the lengths of their stretches by bit counts
 * (digit_run_bits). A run that may go on past its block (its end is not
 * known from the block's bytes) is looked at again in the 64 bytes from
 * its first digit, and one that may go on past those is walked by
 * digit_run_plain.
 */
AUD_T512 static int digits_avx512(aud_detector *d, const unsigned char *v,
				  size_t len)
{
	size_t i = 0;
	int rc = 0;

	while (i < len) {
		__m512i y = _mm512_maskz_loadu_epi8(first_bits(len - i), v + i);
		uint64_t dg = digits512(y), sp, zr, dd;
		/* a stop found at or past this bit may lie in the bytes after
		 * the block (there are none when the value ends before its
		 * last byte; bit 63 is digit_run_end's own) */
		size_t lim = len - i < 64 ? 64 : 62, b = 0, f;

		if (!dg) {
			i += 64;
			continue;
		}
		sp = seps512(y);
		zr = zeros512(y);
		while ((dd = dg & ~first_bits(b)) != 0) {
			b = (size_t)__builtin_ctzll(dd);
			f = digit_run_end(dg >> b, sp >> b);
			if (b + f >= lim)
				break;
			if (digit_run_bits(d, dg >> b, zr >> b, i + b, f, len))
				return AUD_ENOMEM;
			b += f;
		}
		if (!dd || b >= 64) {
			i += 64;
			continue;
		}
		/* the run from i + b, in the 64 bytes from its first digit */
		i += b;
		y = _mm512_maskz_loadu_epi8(first_bits(len - i), v + i);
		dg = digits512(y);
		f = digit_run_end(dg, seps512(y));
		if (f > 60) {
			i = digit_run_plain(d, v, len, i, &rc);
			if (rc)
				return rc;
			continue;
		}
		if (digit_run_bits(d, dg, zeros512(y), i, f, len))
			return AUD_ENOMEM;
		i += f;
	}
	return 0;
}
#endif

static int digit_windows(aud_detector *d, const unsigned char *v, size_t len)
{
	size_t i = 0;
	int rc = 0;

	if (d->ndigit == 0)
		return 0;
#ifdef AUD_HAVE_AVX2
	if (d->avx512)
		return digits_avx512(d, v, len);
#endif
	/* outside a run only a digit matters: skip fast */
	while ((i = skip_to_digit(v, len, i)) < len) {
		i = digit_run_plain(d, v, len, i, &rc);
		if (rc)
			return rc;
	}
	return 0;
}

/* Does the run v[s, e) hold each "with K [SUB]" part of entry en? Counts
 * only until K is reached. */
static int run_holds(const aud_pattern_engine *en, const unsigned char *v,
		     size_t s, size_t e)
{
	unsigned j;

	for (j = 0; j < en->run_nwith; j++) {
		const unsigned char *sub = en->run_with[j].sub;
		unsigned need = en->run_with[j].min;
		size_t i;

		for (i = s; i < e && need; i++)
			need -= (sub[v[i] >> 3] >> (v[i] & 7)) & 1;
		if (need)
			return 0;
	}
	return 1;
}

/* Windows for the entries of class rc around the run v[s, e), which
 * bytes outside the class (or the value's ends) bound: those whose N it
 * reaches, whose M, if any, it does not pass, and whose "with" parts it
 * holds. */
static int run_hit(aud_detector *d, const struct runclass *rc, size_t s,
		   size_t e, size_t len)
{
	size_t k;

	for (k = 0; k < rc->npats && d->eng[rc->pats[k]]->run_min <= e - s;
	     k++) {
		const aud_pattern_engine *en = d->eng[rc->pats[k]];

		if (en->run_max && e - s > en->run_max)
			continue;
		if (en->run_nwith &&
		    !run_holds(en, (const unsigned char *)d->vval, s, e))
			continue;
		if (add_window(d, rc->pats[k], s, e, len))
			return AUD_ENOMEM;
	}
	return 0;
}

/* The runs of at least rc->min bytes of class rc in v[from, to), which
 * is bounded by bytes outside the class (or the value's ends). Probes
 * every N-th byte: a run of N must hold a probe, and is then walked back
 * and forth to its ends. */
static int runs_plain(aud_detector *d, const struct runclass *rc,
		      const unsigned char *v, size_t from, size_t to,
		      size_t len)
{
	const unsigned char *in = rc->in;
	size_t n = rc->min, i, s, e;

	for (i = from + n - 1; i < to;) {
		if (!in[v[i]]) {
			i += n;
			continue;
		}
		for (s = i; s > from && in[v[s - 1]]; s--)
			;
		for (e = i + 1; e < to && in[v[e]]; e++)
			;
		if (e - s >= n && run_hit(d, rc, s, e, len))
			return AUD_ENOMEM;
		i = e + n;
	}
	return 0;
}

#ifdef AUD_HAVE_AVX2
/* Has x a run of at least rc->min (1..64) set bits? The same steps for
 * every x (a branch on x here was mispredicted a lot in prose). */
static int has_run(const struct runclass *rc, uint64_t x)
{
	x &= x >> 1 | rc->keep[0];
	x &= x >> 2 | rc->keep[1];
	x &= x >> 4 | rc->keep[2];
	x &= x >> 8 | rc->keep[3];
	if (rc->min >= 32) { /* (no shipped class: a branch never taken) */
		x &= x >> 16 | rc->keep[4];
		x &= x >> 32 | rc->keep[5];
	}
	return (x & x >> rc->last) != 0;
}

/* One 64-byte block of the vector run passes for class c, whose bytes in
 * it are m (cur[c] of the class right before it): the windows of runs
 * that end in it or lie inside it, and the run it leaves open in cur[c]. */
static int run_block(aud_detector *d, const unsigned char *v, size_t c,
		     uint64_t m, size_t i, size_t len, size_t *cur)
{
	const struct runclass *rc = &d->rcls[c];
	size_t z, top, to;
	uint64_t inner;

	if (m == 0) {
		if (cur[c] >= rc->min && run_hit(d, rc, i - cur[c], i, len))
			return AUD_ENOMEM;
		cur[c] = 0;
		return 0;
	}
	if (m == UINT64_MAX) {
		cur[c] += 64;
		return 0;
	}
	z = (size_t)__builtin_ctzll(~m);
	if (cur[c] + z >= rc->min && run_hit(d, rc, i - cur[c], i + z, len))
		return AUD_ENOMEM;
	top = (size_t)__builtin_clzll(~m);
	cur[c] = top;
	/* bits z and 63 - top are clear: the runs inside */
	inner = m & ~(UINT64_MAX >> (63 - z)) & (UINT64_MAX >> top);
	if (has_run(rc, inner)) {
		to = i + 64 - top < len ? i + 64 - top : len;
		if (runs_plain(d, rc, v, i + z + 1, to, len))
			return AUD_ENOMEM;
	}
	return 0;
}

/*
 * run_windows 64 bytes at a time for every class at once: a bitmap of
 * the block's class bytes per class, a run carried over from the blocks
 * before (cur[c] long), and the plain walk only for blocks with a long
 * run inside. The last block is read from a padded copy. The runs still
 * open at the end are left in cur.
 */
__attribute__((target("avx2"))) static int
runs_avx2(aud_detector *d, const unsigned char *v, size_t len, size_t *cur)
{
	unsigned char pad[64];
	size_t i, c;

	for (i = 0; i < len; i += 64) {
		uint64_t valid = UINT64_MAX;
		const unsigned char *b = v + i;
		__m256i x0, x1, f0, f1, s0, s1;

		if (len - i < 64) {
			memset(pad, 0, sizeof pad);
			memcpy(pad, v + i, len - i);
			b = pad;
			valid = UINT64_MAX >> (64 - (len - i));
		}
		x0 = _mm256_loadu_si256((const __m256i *)b);
		x1 = _mm256_loadu_si256((const __m256i *)(b + 32));
		set_prep(x0, &f0, &s0);
		set_prep(x1, &f1, &s1);
		for (c = 0; c < d->nrcls; c++) {
			const struct runclass *rc = &d->rcls[c];
			const __m256i lo =
				_mm256_loadu_si256((const __m256i *)rc->lo);
			const __m256i hi =
				_mm256_loadu_si256((const __m256i *)rc->hi);
			uint64_t m = valid &
				     ((uint64_t)(uint32_t)_mm256_movemask_epi8(
					      set_member_prep(x0, f0, s0, lo,
							      hi)) |
				      (uint64_t)(uint32_t)_mm256_movemask_epi8(
					      set_member_prep(x1, f1, s1, lo,
							      hi))
					      << 32);

			if (run_block(d, v, c, m, i, len, cur))
				return AUD_ENOMEM;
		}
	}
	return 0;
}

/*
 * runs_avx2 on AVX-512: 64 bytes a load, and the classes side by side, a
 * 64-bit lane each: the leading and trailing bytes of each class (counts
 * of zeros), whether a run ends here long enough with the one before, and
 * has_run's steps on the bytes between, for all at once. Only a class
 * with something to report goes through run_block; the others only carry
 * their open run (left in cur for run_windows, as by runs_avx2).
 */
__attribute__((target("avx512f,avx512bw,avx512cd"))) static int
runs_vec512(aud_detector *d, const unsigned char *v, size_t len, size_t *cur)
{
	const __m512i all = _mm512_set1_epi64(-1), c63 = _mm512_set1_epi64(63);
	const __m512i vmin = _mm512_loadu_si512((const void *)d->rv_min);
	const __m512i k0 = _mm512_loadu_si512((const void *)d->rv_keep[0]);
	const __m512i k1 = _mm512_loadu_si512((const void *)d->rv_keep[1]);
	const __m512i k2 = _mm512_loadu_si512((const void *)d->rv_keep[2]);
	const __m512i k3 = _mm512_loadu_si512((const void *)d->rv_keep[3]);
	const __m512i last = _mm512_loadu_si512((const void *)d->rv_last);
	__m512i vcur = _mm512_setzero_si512();
	size_t i, c;

	for (i = 0; i < len; i += 64) {
		uint64_t valid = first_bits(len - i);
		__m512i x = _mm512_maskz_loadu_epi8(valid, v + i), xf, sel;
		__m512i m = _mm512_setzero_si512(), nm, z, top, inner, r;
		__mmask8 full, slow;

		prep512(x, &xf, &sel);
		for (c = 0; c < d->nrcls; c++)
			m = _mm512_mask_set1_epi64(
				m, (__mmask8)(1u << c),
				(long long)(valid &
					    member_prep512(x, xf, sel,
							   row512(d->rcls[c].lo),
							   row512(d->rcls[c].hi))));
		nm = _mm512_xor_si512(m, all);
		full = _mm512_cmpeq_epi64_mask(m, all);
		/* z: zeros below the lowest clear bit (its lzcnt from 63);
		 * top: the set bits above the highest */
		z = _mm512_sub_epi64(
			c63, _mm512_lzcnt_epi64(_mm512_and_si512(
				     nm, _mm512_sub_epi64(_mm512_setzero_si512(),
							  nm))));
		top = _mm512_lzcnt_epi64(nm);
		inner = _mm512_andnot_si512(
			_mm512_srlv_epi64(all, _mm512_sub_epi64(c63, z)),
			_mm512_and_si512(m, _mm512_srlv_epi64(all, top)));
		r = _mm512_and_si512(
			inner, _mm512_or_si512(_mm512_srli_epi64(inner, 1), k0));
		r = _mm512_and_si512(r, _mm512_or_si512(_mm512_srli_epi64(r, 2), k1));
		r = _mm512_and_si512(r, _mm512_or_si512(_mm512_srli_epi64(r, 4), k2));
		r = _mm512_and_si512(r, _mm512_or_si512(_mm512_srli_epi64(r, 8), k3));
		slow = (__mmask8)((_mm512_cmpge_epu64_mask(
					   _mm512_add_epi64(vcur, z), vmin) &
				   ~full) |
				  _mm512_test_epi64_mask(
					  r, _mm512_srlv_epi64(r, last)));
		if (slow) {
			uint64_t mm[8];

			_mm512_storeu_si512((void *)cur, vcur);
			_mm512_storeu_si512((void *)mm, m);
			for (c = 0; c < d->nrcls; c++)
				if ((slow >> c & 1) &&
				    run_block(d, v, c, mm[c], i, len, cur))
					return AUD_ENOMEM;
		}
		/* the open run: longer by 64, or the trailing bytes */
		vcur = _mm512_mask_blend_epi64(
			full, top, _mm512_add_epi64(vcur, _mm512_set1_epi64(64)));
		if (slow)
			vcur = _mm512_mask_loadu_epi64(vcur, slow, (const void *)cur);
	}
	_mm512_storeu_si512((void *)cur, vcur);
	return 0;
}

#endif

/* Windows around every run of at least N bytes of a run class, for the
 * class's entries whose N the run reaches. */
static int run_windows(aud_detector *d, const unsigned char *v, size_t len)
{
	size_t c, cur[64];

	if (d->nrcls == 0 || len < d->run_min)
		return 0;
#ifdef AUD_HAVE_AVX2
	if (d->avx2 && d->nrcls <= 64) {
		memset(cur, 0, d->nrcls * sizeof *cur);
		if (d->rvec ? runs_vec512(d, v, len, cur)
			    : runs_avx2(d, v, len, cur))
			return AUD_ENOMEM;
		/* the runs still open at the value's end */
		for (c = 0; c < d->nrcls; c++)
			if (cur[c] >= d->rcls[c].min &&
			    run_hit(d, &d->rcls[c], len - cur[c], len, len))
				return AUD_ENOMEM;
		return 0;
	}
#else
	(void)cur;
#endif
	for (c = 0; c < d->nrcls; c++)
		if (runs_plain(d, &d->rcls[c], v, 0, len, len))
			return AUD_ENOMEM;
	return 0;
}

static int cmp_win(const void *a, const void *b);

/* Sorts windows by pattern, then start. Values yield a handful of windows,
 * mostly in order already: insertion sort beats qsort's calls there. Many
 * windows are spread over the patterns by counting (each pattern's own come
 * in order of start from each prefilter), and only a pattern whose windows
 * are out of order is sorted further. */
static int sort_wins(aud_detector *d)
{
	struct win *w = d->wins;
	size_t n = d->nwins, i, j;

	if (n > 32) {
		size_t *at = d->sortat;

		if (d->capsw < n) {
			struct win *nw = realloc(d->sw, n * sizeof *nw);

			if (!nw)
				return AUD_ENOMEM;
			d->sw = nw;
			d->capsw = n;
		}
		memset(at, 0, (d->np + 1) * sizeof *at);
		for (i = 0; i < n; i++)
			at[w[i].pat + 1]++;
		for (i = 0; i < d->np; i++)
			at[i + 1] += at[i];
		for (i = 0; i < n; i++)
			d->sw[at[w[i].pat]++] = w[i];
		/* at[p] is now the end of pattern p's windows */
		for (i = 0, j = 0; i < d->np; j = at[i++]) {
			size_t k;

			for (k = j + 1; k < at[i]; k++)
				if (d->sw[k - 1].s > d->sw[k].s)
					break;
			if (k < at[i])
				qsort(d->sw + j, at[i] - j, sizeof *w, cmp_win);
		}
		d->wins = d->sw;
		d->sw = w;
		i = d->capsw;
		d->capsw = d->capwins;
		d->capwins = i;
		return 0;
	}
	for (i = 1; i < n; i++) {
		struct win x = w[i];

		for (j = i; j > 0 && (w[j - 1].pat > x.pat ||
				      (w[j - 1].pat == x.pat && w[j - 1].s > x.s));
		     j--)
			w[j] = w[j - 1];
		w[j] = x;
	}
	return 0;
}

static int cmp_win(const void *a, const void *b)
{
	const struct win *x = a, *y = b;

	if (x->pat != y->pat)
		return x->pat < y->pat ? -1 : 1;
	return (x->s > y->s) - (x->s < y->s);
}

/* ---- step 3: one match ---------------------------------------------- */

/* Does one of the words ws start at v[at] and end by to, as a whole word?
 * (A word edge that is a letter or digit must not continue into more:
 * "ss#" may touch digits.) The caller has case-folded v[at] into c and
 * seen that some word starts with it (ws->first[c]). */
static int word_at(const struct words *ws, const char *v, size_t len,
		   size_t at, size_t to, unsigned char c)
{
	size_t q, k, j;

	if (at + 1 < len && !ws->has1) {
		unsigned b = pair_bit(c, lower((unsigned char)v[at + 1]));

		if (!(ws->pairs[b >> 6] >> (b & 63) & 1))
			return 0;
	}
	for (q = ws->at[c]; q < ws->at[c + 1]; q++) {
		const char *w = ws->w[k = ws->order[q]];
		size_t n = ws->len[k];

		if (n > to - at)
			continue;
		for (j = 1; j < n; j++)
			if (lower((unsigned char)v[at + j]) != (unsigned char)w[j])
				break;
		if (j < n)
			continue;
		if (at > 0 && is_alnum((unsigned char)w[0]) &&
		    is_alnum((unsigned char)v[at - 1]))
			continue;
		if (at + n < len && is_alnum((unsigned char)w[n - 1]) &&
		    is_alnum((unsigned char)v[at + n]))
			continue;
		return 1;
	}
	return 0;
}

/* Is one of the words ws in v[from, to) as a whole word? One pass over
 * the bytes; a word is only compared where its first byte (case-folded)
 * occurs, which the table ws->first says. */
static int words_in(const struct words *ws, const char *v, size_t len,
		    size_t from, size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		unsigned char c = lower((unsigned char)v[i]);

		if (ws->first[c] && word_at(ws, v, len, i, to, c))
			return 1;
	}
	return 0;
}

#ifdef AUD_HAVE_AVX2
/* words_in 64 bytes a step: the places whose byte folds to a first byte
 * of a word and, unless a word is one byte long, whose next byte (before
 * to) folds to a second one; word_at at those alone. */
AUD_T512 static int words_in512(const struct words *ws, const char *v,
				size_t len, size_t from, size_t to)
{
	const __m512i flo = row512(ws->f_lo), fhi = row512(ws->f_hi);
	const __m512i slo = row512(ws->s_lo), shi = row512(ws->s_hi);
	size_t i;

	for (i = from; i < to; i += 64) {
		uint64_t k = first_bits(to - i), m;

		m = member512(_mm512_maskz_loadu_epi8(k, v + i), flo, fhi) & k;
		if (m && !ws->has1) {
			/* a word of two or more bytes ends by to */
			uint64_t k2 = first_bits(to - i - 1);

			m &= member512(_mm512_maskz_loadu_epi8(k2, v + i + 1),
				       slo, shi) &
			     k2;
		}
		for (; m; m &= m - 1) {
			size_t at = i + (size_t)__builtin_ctzll(m);

			if (word_at(ws, v, len, at, to,
				    lower((unsigned char)v[at])))
				return 1;
		}
	}
	return 0;
}
#endif

/* words_in on the detector's widest path. */
static int words_near(const aud_detector *d, const struct words *ws,
		      const char *v, size_t len, size_t from, size_t to)
{
#ifdef AUD_HAVE_AVX2
	if (d->avx512)
		return words_in512(ws, v, len, from, to);
#else
	(void)d;
#endif
	return words_in(ws, v, len, from, to);
}

/* Does a token of the normalised field name start with word w? */
static int name_has(const char *name, size_t nl, const char *w)
{
	size_t n = strlen(w), i;

	if (n == 0)
		return 0;
	for (i = 0; i + n <= nl; i++)
		if ((i == 0 || name[i - 1] == '_') &&
		    memcmp(name + i, w, n) == 0)
			return 1;
	return 0;
}

/* Does the field name hold one of the words ws? */
static int name_words(aud_detector *d, const struct words *ws,
		      const char *fname, size_t fnlen)
{
	size_t k;

	if (ws->n == 0)
		return 0;
	if (!d->name_done) {
		if (fnlen > NAME_MAX_BYTES) {
			fname += fnlen - NAME_MAX_BYTES;
			fnlen = NAME_MAX_BYTES;
		}
		d->namelen = fname ? tokens(d->name, fname, fnlen) : 0;
		d->name_done = 1;
	}
	for (k = 0; k < ws->n && d->namelen; k++)
		if (name_has(d->name, d->namelen, ws->tok[k]))
			return 1;
	return 0;
}

/* Is one of the words ws near v[s, e) or in the field name? */
static int near_words(aud_detector *d, const struct words *ws,
		      const char *fname, size_t fnlen, const char *v,
		      size_t len, size_t s, size_t e)
{
	size_t from = s > CONTEXT_SPAN ? s - CONTEXT_SPAN : 0;
	size_t to = len - e > CONTEXT_SPAN ? e + CONTEXT_SPAN : len;

	if (ws->n == 0)
		return 0;
	if (name_words(d, ws, fname, fnlen))
		return 1;
	return words_near(d, ws, v, len, from, s) ||
	       words_near(d, ws, v, len, e, to);
}

/* Does the entry's exclude-before regex match the text just before s? */
static int excluded_before(aud_detector *d, size_t p, const char *v, size_t s)
{
	const pcre2_code *code = d->eng[p]->exclude_before;
	size_t from = s > CONTEXT_SPAN * 2 ? s - CONTEXT_SPAN * 2 : 0;

	return code && pcre2_match(code, (PCRE2_SPTR)v, s, from, 0, d->md,
				   d->mctx) >= 0;
}

static int add_cand(aud_detector *d, size_t p, const char *fname, size_t fnlen,
		    const char *v, size_t len, size_t s, size_t e)
{
	const aud_pattern_engine *en = d->eng[p];
	const aud_pattern_info *in = d->info[p];
	struct cand *c;
	int ph, ctx;
	long conf;

	if (e <= s)
		return 0;
	if (en->entropy > 0 && aud_entropy(v + s, e - s) < en->entropy)
		return 0;
	if (en->validator && !en->validator(v + s, e - s))
		return 0;
	ph = aud_is_placeholder(in->entity, v + s, e - s);
	ctx = near_words(d, &d->ctx[p], fname, fnlen, v, len, s, e);
	if (en->context_required && !ctx)
		return 0;
	/* Exclusions: a word that says "this is something else" (an NHS
	 * number is not a phone number) drops a match that no context word
	 * speaks for; exclude-before drops it whatever the context. */
	if (!ctx && near_words(d, &d->xctx[p], fname, fnlen, v, len, s, e))
		return 0;
	if (excluded_before(d, p, v, s))
		return 0;
	if (d->nc == MAX_CANDIDATES) {
		d->truncated++;
		return 0;
	}
	if (d->nc == d->capc) {
		size_t nc = d->capc ? d->capc * 2 : 32;
		struct cand *ncand = realloc(d->c, nc * sizeof *ncand);

		if (!ncand)
			return AUD_ENOMEM;
		d->c = ncand;
		d->capc = nc;
	}
	/* in whole hundredths, so the same inputs always round the same */
	conf = (long)(in->confidence * 100.0 + 0.5);
	if (ctx)
		conf += 15;
	if (aud_is_local(in->entity, v + s, e - s))
		conf = (conf + 1) / 2;
	if (ph && conf > 10)
		conf = 10;
	if (conf > 100)
		conf = 100;

	c = &d->c[d->nc++];
	memset(c, 0, sizeof *c);
	c->m.pattern = p;
	c->m.entity = in->entity;
	c->m.pattern_id = in->id;
	c->m.start = s;
	c->m.len = e - s;
	if (ph)
		c->m.evidence = AUD_EV_PLACEHOLDER;
	else if (ctx)
		c->m.evidence = AUD_EV_CONTEXT;
	else if (en->validator)
		c->m.evidence = AUD_EV_VALIDATED;
	else
		c->m.evidence = AUD_EV_PATTERN;
	c->m.confidence = (double)conf / 100.0;
	c->ent = d->ent[p];
	c->validated = en->validator != NULL;
	return 0;
}

/* ---- step 2: PCRE2 over one pattern's windows ------------------------ */

static int match_at(aud_detector *d, size_t p, const char *v, size_t sub,
		    size_t start, int at)
{
	const aud_pattern_engine *e = d->eng[p];
	const pcre2_code *code = at ? e->code_at : e->code;

	if (at ? e->jit_at : e->jit)
		return pcre2_jit_match(code, (PCRE2_SPTR)v, sub, start, 0,
				       d->md, d->mctx);
	return pcre2_match(code, (PCRE2_SPTR)v, sub, start, 0, d->md, d->mctx);
}

/* Runs pattern p over its merged windows w[0..nw). Returns 0, or
 * AUD_ENOMEM. A PCRE2 error (limits) ends the pattern for this value. */
static int run_pattern(aud_detector *d, size_t p, const struct win *w,
		       size_t nw, const char *fname, size_t fnlen,
		       const char *v, size_t len)
{
	const unsigned char *starts = d->eng[p]->starts;
	const unsigned char *u = (const unsigned char *)v;
	int vg = d->eng[p]->value_group;
	int at = d->eng[p]->code_at != NULL;
	size_t i, done = 0;

	for (i = 0; i < nw; i++) {
		size_t start, last = w[i].ls < len ? w[i].ls : len - 1;

		if (w[i].e <= done)
			continue;
		start = w[i].s > done ? w[i].s : done;
		while (start < w[i].e) {
			size_t sub =
			    len - w[i].e > SLACK ? w[i].e + SLACK : len;
			PCRE2_SIZE *ov;
			size_t ms, me, s, e;
			int rc;

			if (at) {
				/* a match holding a hit starts by its last
				 * hit's start: try the anchored regex there,
				 * where a match can begin */
				while (start <= last &&
				       !(starts[u[start] >> 3] >> (u[start] & 7) &
					 1))
					start++;
				if (start > last)
					break;
			}
			rc = match_at(d, p, v, sub, start, at);
			if (rc == PCRE2_ERROR_NOMATCH && at) {
				start++;
				continue;
			}
			if (rc == PCRE2_ERROR_NOMATCH)
				break;
			if (rc < 0)
				goto limit;
			ov = pcre2_get_ovector_pointer(d->md);
			if (sub < len && ov[1] > w[i].e) {
				/* may have been cut short by the subject
				 * end: redo over the whole value */
				rc = match_at(d, p, v, len, start, at);
				if (rc == PCRE2_ERROR_NOMATCH)
					return 0;
				if (rc < 0)
					goto limit;
				ov = pcre2_get_ovector_pointer(d->md);
			}
			ms = ov[0];
			me = ov[1];
			s = ms;
			e = me;
			if (vg > 0 && rc > vg && ov[2 * vg] != PCRE2_UNSET) {
				s = ov[2 * vg];
				e = ov[2 * vg + 1];
			}
			if (add_cand(d, p, fname, fnlen, v, len, s, e))
				return AUD_ENOMEM;
			done = me > ms ? me : ms + 1;
			start = done;
			/* every match overlaps a hit: none is left to find
			 * past the window's last hit (in the findings-heavy
			 * data this saved a search over the rest of nearly
			 * every window that held a match) */
			if (done >= w[i].le)
				break;
		}
	}
	return 0;
limit:
	/* match/depth/heap/JIT-stack limit, or another PCRE2 failure: skip
	 * this pattern for this value rather than fail the scan */
	d->limit_hits++;
	return 0;
}

/* The places in v where a context word of a context-required entry could
 * start: its first byte (case-folded) is some word's first byte, the next
 * byte some word's second one, and a word starting with a letter or digit
 * would not continue a word. Every place words_in could accept is among
 * them. Listed on demand, as far into the value as a caller needs (an
 * anchored entry needs only its start). 0, or -1 when the value is too
 * long to list, over CPOS_MAX bytes (the caller then reads the bytes
 * itself). */

/* The entries with a word that could start with the case-folded bytes
 * a b c (0 past the value's end, where no longer word fits). */
static uint32_t place_mask(const aud_detector *d, unsigned char a,
			   unsigned char b, unsigned char c)
{
	return d->pmask[trio_bit(a, b, c)] |
	       d->pmask2[pair_bit(a, b) & 1023] | d->pmask1;
}

/* Room for n more places. */
static int places_room(aud_detector *d, size_t n)
{
	/* the same capacities from the same start */
	size_t c1 = d->capcpos, c2 = d->capcpos;

	if (d->ncpos + n <= d->capcpos)
		return 0;
	if (aud_grow((void **)&d->cpos, &c1, d->ncpos + n, sizeof *d->cpos) ||
	    aud_grow((void **)&d->cmask, &c2, d->ncpos + n, sizeof *d->cmask))
		return -1;
	d->capcpos = c1;
	return 0;
}

/* Lists v[i] with the entries whose words could start there, if any
 * (without a branch on that: most places start none). */
static int push_place(aud_detector *d, const unsigned char *v, size_t len,
		      size_t i)
{
	uint32_t m;

	if (places_room(d, 1))
		return -1;
	m = place_mask(d, d->fold[v[i]], i + 1 < len ? d->fold[v[i + 1]] : 0,
		       i + 2 < len ? d->fold[v[i + 2]] : 0);
	d->cpos[d->ncpos] = (uint32_t)i;
	d->cmask[d->ncpos] = m;
	d->ncpos += m != 0;
	return 0;
}

/* Is v[i] such a place? (It has a next byte, or some word is one byte.) */
static int place_at(const aud_detector *d, const unsigned char *v, size_t len,
		    size_t i)
{
	if (!d->craw[v[i]])
		return 0;
	if (i + 1 < len ? !d->craw2[v[i + 1]] : !d->craw2[0])
		return 0;
	return !(d->alnum[v[i]] && i > 0 && d->alnum[v[i - 1]]);
}

#ifdef AUD_HAVE_AVX2
/* context_places from *at (>= 1) on, 32 bytes at a time, until at least
 * to (the value's last bytes from a padded copy). */
__attribute__((target("avx2"))) static int
places_avx2(aud_detector *d, const unsigned char *v, size_t len, size_t *at,
	    size_t to)
{
	const __m256i olo = _mm256_loadu_si256((const __m256i *)d->c1_lo);
	const __m256i ohi = _mm256_loadu_si256((const __m256i *)d->c1_hi);
	const __m256i alo = _mm256_loadu_si256((const __m256i *)d->an_lo);
	const __m256i ahi = _mm256_loadu_si256((const __m256i *)d->an_hi);
	unsigned char pad[68];
	size_t i;

	for (i = *at; i < to && i < len; i += 32) {
		const unsigned char *q = v + i; /* q[-1] .. q[33] readable */
		uint32_t valid = UINT32_MAX, m;
		__m256i a, p, b, inword;
		size_t n;

		if (len - i < 34) {
			/* the value's last bytes from a padded copy: a 0
			 * past its end, as place_at and push_place read */
			memset(pad, 0, sizeof pad);
			memcpy(pad, v + i - 1, len - i + 1);
			q = pad + 1;
			valid = len - i >= 32 ? UINT32_MAX
					      : (1u << (len - i)) - 1;
		}
		a = _mm256_loadu_si256((const __m256i *)q);
		p = _mm256_loadu_si256((const __m256i *)(q - 1));
		b = _mm256_loadu_si256((const __m256i *)(q + 1));
		inword = _mm256_and_si256(set_member(a, alo, ahi),
					  set_member(p, alo, ahi));
		/* a word's first two bytes (case-folded), or a word of
		 * one byte, not inside a word */
		m = (pairset_mask(&d->cpairs, fold_avx2(a), fold_avx2(b)) |
		     (d->pmask1 ? (uint32_t)_mm256_movemask_epi8(
				      set_member(a, olo, ohi))
				: 0)) &
		    ~(uint32_t)_mm256_movemask_epi8(inword) & valid;
		n = d->ncpos;
		if (m && places_room(d, 32))
			return -1;
		/* push_place for each, inline */
		while (m) {
			size_t k = (size_t)__builtin_ctz(m);
			uint32_t e = place_mask(d, d->fold[q[k]],
						d->fold[q[k + 1]],
						d->fold[q[k + 2]]);

			d->cpos[n] = (uint32_t)(i + k);
			d->cmask[n] = e;
			n += e != 0;
			m &= m - 1;
		}
		d->ncpos = n;
	}
	*at = i;
	return 0;
}

/* places_avx2 64 bytes a step, bytes past the value read as 0 by masked
 * loads. */
AUD_T512 static int places_avx512(aud_detector *d, const unsigned char *v,
				  size_t len, size_t *at, size_t to)
{
	const __m512i olo = row512(d->c1_lo), ohi = row512(d->c1_hi);
	const __m512i alo = row512(d->an_lo), ahi = row512(d->an_hi);
	size_t i;

	for (i = *at; i < to && i < len; i += 64) {
		uint64_t va = first_bits(len - i);
		__m512i a = _mm512_maskz_loadu_epi8(va, v + i);
		__m512i p = _mm512_maskz_loadu_epi8(first_bits(len - i + 1),
						    v + i - 1);
		__m512i b = _mm512_maskz_loadu_epi8(first_bits(len - i - 1),
						    v + i + 1);
		uint64_t inword = member512(a, alo, ahi) & member512(p, alo, ahi);
		uint64_t m = (pairset_mask512(&d->cpairs, fold512(a),
					      fold512(b)) |
			      (d->pmask1 ? member512(a, olo, ohi) : 0)) &
			     ~inword & va;
		size_t n = d->ncpos;

		if (m && places_room(d, 64))
			return -1;
		while (m) {
			size_t k = i + (size_t)__builtin_ctzll(m);
			uint32_t e = place_mask(
				d, d->fold[v[k]],
				k + 1 < len ? d->fold[v[k + 1]] : 0,
				k + 2 < len ? d->fold[v[k + 2]] : 0);

			d->cpos[n] = (uint32_t)k;
			d->cmask[n] = e;
			n += e != 0;
			m &= m - 1;
		}
		d->ncpos = n;
	}
	*at = i;
	return 0;
}

/* Does a word of entry p start at v[k], as value_context reads a listed
 * place there (its place_mask bit, then word_at)? */
static inline int entry_word_at(const aud_detector *d, size_t p,
				const unsigned char *v, size_t len, size_t k)
{
	unsigned char c = d->fold[v[k]];

	return (place_mask(d, c, k + 1 < len ? d->fold[v[k + 1]] : 0,
			   k + 2 < len ? d->fold[v[k + 2]] : 0) &
		(1u << d->cbit[p])) &&
	       d->ctx[p].first[c] &&
	       word_at(&d->ctx[p], (const char *)v, len, k, len, c);
}

/* value_context's answer for entry p without listing places (from the
 * value's second byte on; entry_in_value looks at the first): the places
 * places_avx512 and place_at would list (a word's case-folded first two
 * bytes, not inside a word) whose first two bytes start one of p's own
 * words (epairs[p]) and whose place_mask has p's bit, each then read by
 * word_at as value_context reads it. */
AUD_T512 static int entry_in_value512(aud_detector *d, size_t p,
				      const unsigned char *v, size_t len)
{
	const struct pairset *ps = &d->epairs[p];
	const __m512i alo = row512(d->an_lo), ahi = row512(d->an_hi);
	size_t i;

	for (i = 1; i < len; i += 64) {
		uint64_t va = first_bits(len - i);
		__m512i a = _mm512_maskz_loadu_epi8(va, v + i);
		__m512i q =
		    _mm512_maskz_loadu_epi8(first_bits(len - i + 1), v + i - 1);
		__m512i b =
		    _mm512_maskz_loadu_epi8(first_bits(len - i - 1), v + i + 1);
		uint64_t inword =
		    member512(a, alo, ahi) & member512(q, alo, ahi);
		uint64_t m =
		    pairset_mask512(ps, fold512(a), fold512(b)) & ~inword & va;

		for (; m; m &= m - 1)
			if (entry_word_at(d, p, v, len,
					  i + (size_t)__builtin_ctzll(m)))
				return 1;
	}
	return 0;
}

/* entry_in_value512 32 bytes a step, the value's last bytes from a padded
 * copy (as places_avx2 reads them). */
__attribute__((target("avx2"))) static int
entry_in_value256(aud_detector *d, size_t p, const unsigned char *v, size_t len)
{
	const struct pairset *ps = &d->epairs[p];
	const __m256i alo = _mm256_loadu_si256((const __m256i *)d->an_lo);
	const __m256i ahi = _mm256_loadu_si256((const __m256i *)d->an_hi);
	unsigned char pad[68];
	size_t i;

	for (i = 1; i < len; i += 32) {
		const unsigned char *q = v + i; /* q[-1] .. q[33] readable */
		uint32_t valid = UINT32_MAX, m;
		__m256i a, b, inword;

		if (len - i < 34) {
			memset(pad, 0, sizeof pad);
			memcpy(pad, v + i - 1, len - i + 1);
			q = pad + 1;
			valid =
			    len - i >= 32 ? UINT32_MAX : (1u << (len - i)) - 1;
		}
		a = _mm256_loadu_si256((const __m256i *)q);
		b = _mm256_loadu_si256((const __m256i *)(q + 1));
		inword = _mm256_and_si256(
		    set_member(a, alo, ahi),
		    set_member(_mm256_loadu_si256((const __m256i *)(q - 1)),
			       alo, ahi));
		m = pairset_mask(ps, fold_avx2(a), fold_avx2(b)) &
		    ~(uint32_t)_mm256_movemask_epi8(inword) & valid;
		for (; m; m &= m - 1)
			if (entry_word_at(d, p, v, len,
					  i + (size_t)__builtin_ctz(m)))
				return 1;
	}
	return 0;
}

/* entry_in_value512 or entry_in_value256, the value's first byte here. */
static int entry_in_value(aud_detector *d, size_t p, const unsigned char *v,
			  size_t len)
{
	if (place_at(d, v, len, 0) && entry_word_at(d, p, v, len, 0))
		return 1;
	return d->avx512 ? entry_in_value512(d, p, v, len)
			 : entry_in_value256(d, p, v, len);
}

#endif

static int context_places(aud_detector *d, const char *v, size_t len,
			  size_t to)
{
	const unsigned char *u = (const unsigned char *)v;
	size_t i = d->cpos_upto;

	if (d->cpos_fail)
		return -1;
	if (to <= i)
		return 0;
	if (len > CPOS_MAX) {
		d->cpos_fail = 1;
		return -1;
	}
	if (i == 0) {
		d->ncpos = 0;
		if (place_at(d, u, len, 0) && push_place(d, u, len, 0))
			goto fail;
		i = 1;
	}
#ifdef AUD_HAVE_AVX2
	if (d->avx512 ? places_avx512(d, u, len, &i, to)
		      : d->avx2 && places_avx2(d, u, len, &i, to))
		goto fail;
#endif
	for (; i < to; i++)
		if (place_at(d, u, len, i) && push_place(d, u, len, i))
			goto fail;
	d->cpos_upto = i;
	return 0;
fail:
	d->cpos_fail = 1;
	return -1;
}

/* name_words for entry p's context words, remembered per field name. */
static int name_context(aud_detector *d, size_t p, const char *name,
			size_t nl)
{
	unsigned char *r = d->cur_nc ? &d->cur_nc->res[p] : NULL;

	if (!r)
		return name_words(d, &d->ctx[p], name, nl);
	if (!*r)
		*r = name_words(d, &d->ctx[p], name, nl) ? 2 : 1;
	return *r == 2;
}

/* Does v[from, to) hold one of the words ws (a context-required entry's),
 * as words_in(ws, v, len, from, to) would find it? Looks only at the
 * places context_places listed. */
static int words_between(aud_detector *d, const struct words *ws,
			 uint32_t bit, const char *v, size_t len, size_t from,
			 size_t to, size_t *cur)
{
	size_t i, lo, hi;

	if (context_places(d, v, len, to))
		return words_in(ws, v, len, from, to);
	/* the first listed place at or after from: searched for the first
	 * window, then walked to (from only grows, window by window) */
	if (*cur == SIZE_MAX) {
		for (lo = 0, hi = d->ncpos; lo < hi;) {
			size_t mid = lo + (hi - lo) / 2;

			if (d->cpos[mid] < from)
				lo = mid + 1;
			else
				hi = mid;
		}
		*cur = lo;
	}
	while (*cur < d->ncpos && d->cpos[*cur] < from)
		++*cur;
	for (i = *cur; i < d->ncpos && d->cpos[i] < to; i++) {
		unsigned char c;

		/* few places start a word of this entry: a branch that is
		 * seldom taken */
		if (!(d->cmask[i] & bit))
			continue;
		c = lower((unsigned char)v[d->cpos[i]]);
		if (ws->first[c] && word_at(ws, v, len, d->cpos[i], to, c))
			return 1;
	}
	return 0;
}

/*
 * Keeps of a context-required entry's windows w[0..nw) those that could
 * give a reportable match: one with a context word within CONTEXT_SPAN
 * bytes of it. A match found in a window starts in it and, holding a hit
 * and being at most `window` long, ends in it, so the word lies in
 * [s - CONTEXT_SPAN, e + CONTEXT_SPAN). Returns how many are kept (moved
 * to the front). The caller has checked the field name.
 */
static size_t context_windows(aud_detector *d, size_t p, struct win *w,
			      size_t nw, const char *v, size_t len)
{
	size_t i, n = 0, cur = SIZE_MAX;

	for (i = 0; i < nw; i++) {
		size_t from = w[i].s > CONTEXT_SPAN ? w[i].s - CONTEXT_SPAN : 0;
		size_t to = len - w[i].e > CONTEXT_SPAN ? w[i].e + CONTEXT_SPAN
							 : len;

		if (words_between(d, &d->ctx[p], 1u << d->cbit[p], v, len,
				  from, to, &cur))
			w[n++] = w[i];
	}
	return n;
}

/* ---- step 4: overlaps ----------------------------------------------- */

/* Is a a better finding than b for the same span of text? */
static int better(const struct cand *a, const struct cand *b)
{
	if (a->m.len != b->m.len)
		return a->m.len > b->m.len;
	if (a->m.evidence != b->m.evidence)
		return a->m.evidence > b->m.evidence;
	if (a->m.confidence != b->m.confidence)
		return a->m.confidence > b->m.confidence;
	return a->m.pattern < b->m.pattern;
}

static int cmp_ent(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->ent != y->ent)
		return x->ent < y->ent ? -1 : 1;
	if (x->m.start != y->m.start)
		return x->m.start < y->m.start ? -1 : 1;
	return better(x, y) ? -1 : better(y, x) ? 1 : 0;
}

static int cmp_start(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->dropped != y->dropped)
		return x->dropped - y->dropped;
	if (x->m.start != y->m.start)
		return x->m.start < y->m.start ? -1 : 1;
	if (x->m.len != y->m.len)
		return x->m.len > y->m.len ? -1 : 1;
	return (x->m.pattern > y->m.pattern) - (x->m.pattern < y->m.pattern);
}

/* Sorts a value's candidates: a stable insertion sort for the usual
 * handful (glibc's qsort, a merge sort, is stable too, so the order is the
 * same; it cost a tenth of the time on inputs full of findings). */
static void sort_cands(struct cand *c, size_t n,
		       int (*cmp)(const void *, const void *))
{
	size_t i, j;

	if (n > 32) {
		qsort(c, n, sizeof *c, cmp);
		return;
	}
	for (i = 1; i < n; i++) {
		struct cand x = c[i];

		for (j = i; j > 0 && cmp(&c[j - 1], &x) > 0; j--)
			c[j] = c[j - 1];
		c[j] = x;
	}
}

/* Same entity: of overlapping findings keep the better one. Other
 * entities: a validated finding drops a shorter finding of another entity
 * that lies inside it (a card number is not also a phone number), and on
 * the very same span a finding with context drops those without. */
static size_t resolve(aud_detector *d)
{
	size_t i, j, k, cur = 0, n = 0, cover = NOWIN;

	if (d->nc == 0)
		return 0;
	sort_cands(d->c, d->nc, cmp_ent);
	for (i = 1; i < d->nc; i++) {
		struct cand *a = &d->c[cur], *b = &d->c[i];

		if (b->ent == a->ent && b->m.start < a->m.start + a->m.len) {
			if (better(b, a)) {
				a->dropped = 1;
				cur = i;
			} else {
				b->dropped = 1;
			}
			continue;
		}
		cur = i;
	}
	sort_cands(d->c, d->nc, cmp_start);
	for (i = 0; i < d->nc && !d->c[i].dropped; i++) {
		struct cand *b = &d->c[i];
		size_t be = b->m.start + b->m.len;

		if (cover != NOWIN) {
			const struct cand *a = &d->c[cover];
			size_t ae = a->m.start + a->m.len;

			if (a->ent != b->ent && be <= ae &&
			    b->m.len < a->m.len) {
				b->dropped = 1;
				continue;
			}
		}
		if (b->validated &&
		    (cover == NOWIN ||
		     be > d->c[cover].m.start + d->c[cover].m.len))
			cover = i;
	}
	/* The very same span claimed by two entities (212 555 2361 is a
	 * NANP phone number and a valid NHS number): when a context word
	 * speaks for one of them, the others without context are dropped;
	 * with no such word, all are kept. */
	for (i = 0; i < d->nc; i = j) {
		int ctx = 0;

		for (j = i; j < d->nc && d->c[j].m.start == d->c[i].m.start &&
			    d->c[j].m.len == d->c[i].m.len;
		     j++)
			if (!d->c[j].dropped &&
			    d->c[j].m.evidence == AUD_EV_CONTEXT)
				ctx = 1;
		for (k = i; ctx && k < j; k++)
			if (d->c[k].m.evidence < AUD_EV_CONTEXT)
				d->c[k].dropped = 1;
	}
	for (i = 0; i < d->nc; i++)
		if (!d->c[i].dropped)
			d->c[n++] = d->c[i];
	return n;
}

/* The name cache's slot for a field name (1 to 64 bytes): its length
 * and its first, middle and last 8 bytes mixed (array numbers such as
 * the 12 of rows[12].name are in one of them), for every value cheaper
 * than a hash of every byte. Names in one slot only take turns. */
static size_t name_slot(const char *name, size_t n)
{
	uint64_t a = 0, b = 0, c = 0;
	size_t k = n < 8 ? n : 8;

	memcpy(&a, name, k);
	memcpy(&b, name + n - k, k);
	memcpy(&c, name + (n - k) / 2, k);
	a = (a ^ (b + n) * 0x9e3779b97f4a7c15u ^ c * 0xc2b2ae3d27d4eb4fu) *
	    0xff51afd7ed558ccdu;
	return (size_t)(a >> 56) % NAME_CACHE;
}

int aud_detect_field(aud_detector *d, const char *name, size_t name_len,
		     const char *value, size_t value_len, const aud_match **out,
		     aud_err *err)
{
	size_t i, j, k, n, nk;
	int rc;

	*out = d->out;
	d->nwins = 0;
	d->nc = 0;
	d->name_done = 0;
	d->cpos_upto = 0;
	d->cpos_fail = 0;
	d->vknown = 0;
	d->vmask = 0;
	d->vasks = 0;
	d->dshut = 0;
	d->vname = name;
	d->vname_len = name ? name_len : 0;
	d->vval = value;
	d->vlen = value_len;
	d->cur_nc = NULL;
	if (!name)
		name_len = 0;
	if (name_len <= sizeof d->ncache[0].name) {
		/* the name's slot or one of the next three (a name seen
		 * before is found; a new one takes the next in turn) */
		size_t h = name_len ? name_slot(name, name_len) : 0;

		for (k = 0; k < 4; k++) {
			i = (h + k) % NAME_CACHE;
			if (d->ncache[i].len == name_len &&
			    (!name_len ||
			     memcmp(d->ncache[i].name, name, name_len) == 0))
				break;
		}
		if (k == 4) {
			i = (h + d->nturn++ % 4) % NAME_CACHE;
			if (name_len)
				memcpy(d->ncache[i].name, name, name_len);
			d->ncache[i].len = name_len;
			memset(d->ncache[i].res, 0, d->np);
		}
		d->cur_nc = &d->ncache[i];
	}
	/* no regex matches fewer bytes than PCRE2's minimum length */
	if (value_len < d->min_length || d->np == 0)
		return 0;
	if (++d->gen == 0) { /* wrapped: forget every old stamp */
		memset(d->lastgen, 0, d->np * sizeof *d->lastgen);
		d->gen = 1;
	}
	if (literal_windows(d, value, value_len) ||
	    digit_windows(d, (const unsigned char *)value, value_len) ||
	    run_windows(d, (const unsigned char *)value, value_len))
		goto nomem;
	for (i = 0; i < d->nnone; i++)
		if (add_window(d, d->none_pats[i], 0, value_len, value_len))
			goto nomem;
	if (d->nwins == 0)
		return 0;
	if (sort_wins(d))
		goto nomem;
	/* merge overlapping windows of each pattern in place */
	for (i = 0, n = 0; i < d->nwins; i++) {
		if (n && d->wins[n - 1].pat == d->wins[i].pat &&
		    d->wins[i].s <= d->wins[n - 1].e) {
			if (d->wins[i].e > d->wins[n - 1].e)
				d->wins[n - 1].e = d->wins[i].e;
			if (d->wins[i].ls > d->wins[n - 1].ls)
				d->wins[n - 1].ls = d->wins[i].ls;
			if (d->wins[i].le > d->wins[n - 1].le)
				d->wins[n - 1].le = d->wins[i].le;
			continue;
		}
		d->wins[n++] = d->wins[i];
	}
	d->nwins = n;
	if (d->stats && count_union(d))
		goto nomem;
	for (i = 0; i < d->nwins; i = j) {
		size_t p = d->wins[i].pat;

		for (j = i; j < d->nwins && d->wins[j].pat == p; j++)
			;
		/* An entry that reports only next to a context word (or
		 * with one in the field name) need not run PCRE2 on windows
		 * far from every such word. (Dates in prose are the common
		 * case.) */
		nk = j - i;
		if (d->eng[p]->context_required &&
		    !name_context(d, p, name, name_len))
			nk = context_windows(d, p, d->wins + i, j - i, value,
					     value_len);
		for (k = i; k < i + nk; k++)
			d->window_bytes += d->wins[k].e - d->wins[k].s;
		if (nk == 0)
			continue;
		rc = run_pattern(d, d->wins[i].pat, d->wins + i, nk, name,
				 name_len, value, value_len);
		if (rc)
			goto nomem;
	}
	n = resolve(d);
	if (n > d->capout) {
		aud_match *no = realloc(d->out, n * sizeof *no);

		if (!no)
			goto nomem;
		d->out = no;
		d->capout = n;
	}
	for (i = 0; i < n; i++)
		d->out[i] = d->c[i].m;
	*out = d->out;
	return (int)n;
nomem:
	return aud_err_set(err, AUD_ENOMEM, "out of memory");
}
