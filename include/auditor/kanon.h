/*
 * kanon.h: re-identification risk of tabular data (Sweeney's k-anonymity
 * and Machanavajjhala's l-diversity). The values of the quasi-identifier
 * columns (--quasi-identifiers COL,...) put each record in an equivalence
 * class; records in a small class can be singled out by someone who knows
 * those few attributes of a person, even without a name. With a sensitive
 * column (--sensitive COL), a class whose records all share one sensitive
 * value discloses it for everyone in the class.
 *
 * An accumulator is fed one record at a time. Classes are counted in an
 * in-memory hash table up to a byte budget; past it, the table is spilled
 * into a private temporary SQLite database as keyed hashes (HMAC-SHA-256
 * under a key derived from the run's hash key, cut to 128 bits) with
 * their counts, and the final statistics are computed by SQL over the
 * spill. Raw quasi-identifier values are never written anywhere.
 *
 * Accumulators with the same options and key merge exactly
 * (aud_kanon_merge), so one can be filled per input or per thread and the
 * results added up. Values are compared as text, byte for byte: a missing
 * column, an empty value and a JSON null are one value of their own
 * ("missing"), distinct from every text, as in the bias audit.
 */
#ifndef AUDITOR_KANON_H
#define AUDITOR_KANON_H

#include "auditor/common.h"
#include "auditor/keyhash.h"
#include "auditor/record.h"

#include <stddef.h>
#include <stdint.h>

#define AUD_KANON_DEFAULT_K 5
#define AUD_KANON_DEFAULT_MEMORY (64ull << 20)
#define AUD_KANON_MAX_COLUMNS 64

typedef struct aud_kanon_opts {
	const char *const *qis; /* quasi-identifier columns (CSV header
				   names or JSON paths), in order */
	size_t nqis;            /* 1 to AUD_KANON_MAX_COLUMNS */
	const char *sensitive;  /* sensitive column, or NULL */
	uint64_t k;             /* threshold, >= 1; 0: AUD_KANON_DEFAULT_K */
	uint64_t memory;        /* byte budget of the in-memory table; 0:
				   AUD_KANON_DEFAULT_MEMORY */
} aud_kanon_opts;

typedef struct aud_kanon aud_kanon;

/* Creates an empty accumulator. The options are copied; the hash key is
 * read once (a subkey is derived from it; kh may be freed after), and NULL
 * kh means a random subkey (then only accumulators made from this one by
 * aud_kanon_new_like can be merged with it). Returns 0, AUD_EUSAGE (no
 * column, too many, a repeated one, the sensitive column among the
 * quasi-identifiers, an empty name) or AUD_ENOMEM. Free with
 * aud_kanon_free. */
int aud_kanon_new(aud_kanon **out, const aud_kanon_opts *o,
		  const aud_keyhash *kh, aud_err *err);

/* Creates an empty accumulator with proto's options, budget and key, which
 * aud_kanon_merge accepts on either side. Returns 0 or AUD_ENOMEM. */
int aud_kanon_new_like(aud_kanon **out, const aud_kanon *proto,
		       aud_err *err);

/* Adds one record. Returns 0, AUD_ESTORE (the spill database failed: err
 * names SQLite's reason) or AUD_ENOMEM. */
int aud_kanon_record(aud_kanon *k, const aud_record *rec, aud_err *err);

/* The first column the options name that no record added since the last
 * reset had (not even empty), or NULL when every one was seen. Borrowed. */
const char *aud_kanon_unseen_column(const aud_kanon *k);

/* Adds everything src holds to dst (as if dst had been fed src's records
 * too) and leaves src empty, ready for reuse. Returns 0, AUD_EUSAGE (other
 * options or key), AUD_ESTORE or AUD_ENOMEM; on error dst may hold part of
 * src and should be dropped. */
int aud_kanon_merge(aud_kanon *dst, aud_kanon *src, aud_err *err);

/* Forgets every record (the options stay); closes the spill, if any. */
void aud_kanon_reset(aud_kanon *k);

/* Records added since the last reset (merged ones included). */
uint64_t aud_kanon_records(const aud_kanon *k);

/* Bytes the in-memory table holds now (its allocations). Never more than
 * the budget, except for a single class larger than the budget itself. */
uint64_t aud_kanon_memory(const aud_kanon *k);

/* The quasi-identifier columns joined with "," and the sensitive column
 * (NULL when none). Borrowed. */
const char *aud_kanon_columns(const aud_kanon *k);
const char *aud_kanon_sensitive(const aud_kanon *k);

/* How many classes have a given size. */
typedef struct aud_kanon_size {
	uint64_t size, classes;
} aud_kanon_size;

typedef struct aud_kanon_stats {
	uint64_t k;               /* the threshold */
	uint64_t records;         /* records counted */
	uint64_t classes;         /* equivalence classes */
	uint64_t k_anonymity;     /* the smallest class size; 0: no records */
	uint64_t classes_below_k; /* classes with fewer than k records */
	uint64_t records_below_k; /* records in those classes */
	uint64_t unique_records;  /* records alone in their class */
	int has_sensitive;
	uint64_t l_diversity;       /* distinct sensitive values in the least
				       diverse class; 0: no records */
	uint64_t classes_l_below_2; /* classes with one sensitive value */
	uint64_t records_l_below_2; /* records in those classes */
	uint64_t spills;            /* times the table went to disk */
	aud_kanon_size *sizes;      /* by ascending size; owned, free with
				       aud_kanon_stats_free */
	size_t nsizes;
} aud_kanon_stats;

/* Computes the statistics of everything added so far into out (which the
 * caller frees with aud_kanon_stats_free). After a spill, what is still in
 * memory is spilled too, so k is left holding the same records. Returns 0,
 * AUD_ESTORE or AUD_ENOMEM. */
int aud_kanon_result(aud_kanon *k, aud_kanon_stats *out, aud_err *err);

void aud_kanon_stats_free(aud_kanon_stats *s);

void aud_kanon_free(aud_kanon *k);

#endif
