/*
 * groups.h: the bias audit's counters. For every record, the values of the
 * group columns (each --group is an attribute, each --intersect a
 * combination of them) pick a group, and the outcome, prediction and score
 * columns add to that group's counters (fairness.h's aud_group_counts).
 * Missing, empty or null group values form the group "(unknown)"; records
 * whose outcome is missing are counted (n) but not in n_outcome. Counters
 * are kept per input and written to the store, where every metric is
 * derived from their sums, so results merge exactly across files.
 *
 * At most AUD_GROUPS_MAX_VALUES distinct values are kept per attribute;
 * further values are counted under "(other)", so memory is bounded.
 */
#ifndef AUDITOR_GROUPS_H
#define AUDITOR_GROUPS_H

#include "auditor/common.h"
#include "auditor/fairness.h"
#include "auditor/record.h"

#include <stddef.h>

#define AUD_GROUPS_MAX_VALUES 10000
#define AUD_GROUP_UNKNOWN "(unknown)"
#define AUD_GROUP_OTHER "(other)"

typedef struct aud_bias_opts {
	const char *const *groups; /* --group COL, repeatable */
	size_t ngroups;
	const char *const *intersections; /* --intersect COL,COL[,COL] */
	size_t nintersections;
	const char *outcome;                /* --outcome COL */
	const char *const *positive;        /* --positive VALUE[,...] */
	size_t npositive;
	const char *prediction;             /* --prediction COL */
	const char *const *predicted_positive;
	size_t npredicted_positive;
	const char *score;                  /* --score COL */
	double threshold;                   /* --threshold T */
	int has_threshold;
	const char *reference_attr;         /* --reference COL=VALUE */
	const char *reference_value;
	double min_share;                   /* --min-share, default 0.02 */
	const struct aud_expected *expected; /* --expected-shares, or NULL */
} aud_bias_opts;

typedef struct aud_groups aud_groups;

/* Creates the counters for o (which must outlive them). Returns 0,
 * AUD_EUSAGE (an intersection naming fewer than 2 or more than 3 columns)
 * or AUD_ENOMEM. */
int aud_groups_new(aud_groups **out, const aud_bias_opts *o, aud_err *err);

/* Adds one record. Returns 0 or AUD_ENOMEM. */
int aud_groups_record(aud_groups *g, const aud_record *rec);

/* The same, with names NULL or a token for the names of rec's fields (the
 * scanner passes a CSV reader's header when a row has exactly its
 * columns): the records given with one token since the last reset must
 * name the same fields in the same order, so the columns are looked for
 * once. */
int aud_groups_record_names(aud_groups *g, const aud_record *rec,
			    const void *names);

/* Tells g that every record names each field once and in one order (CSV
 * rows, whose names come from a de-duplicated header): it then finds the
 * columns where they were in the previous record, checking the names. */
void aud_groups_set_unique_names(aud_groups *g, int on);

/* The first column the options name that no record of this input had, or
 * NULL when all were seen. Borrowed. */
const char *aud_groups_unseen_column(const aud_groups *g);

/* Read-out: attributes (a --group's column name, or an intersection's
 * columns joined with ","), and each attribute's groups in first-seen
 * order. Intersection values join the columns' values with " | ".
 * aud_groups_get brings the counters up to date first (records may be
 * counted in a compact form until then), hence g is not const; the
 * counters are borrowed until the next call that changes g. */
size_t aud_groups_attributes(const aud_groups *g);
const char *aud_groups_attribute(const aud_groups *g, size_t a);
size_t aud_groups_count(const aud_groups *g, size_t a);
const aud_group_counts *aud_groups_get(aud_groups *g, size_t a, size_t i);

/* Scores (--score): per attribute and group, how many records had each
 * exact score value. Kept in a bounded table that the caller drains into
 * the store whenever aud_groups_scores_full says so, and at every input's
 * end; the exact median and the LL144 scoring rates are computed from the
 * stored rows. */
typedef struct aud_score_count {
	size_t attribute, group; /* indices for aud_groups_attribute/get */
	double score;
	uint64_t count;
} aud_score_count;

int aud_groups_scores_full(const aud_groups *g);
size_t aud_groups_scores(const aud_groups *g, const aud_score_count **out);
void aud_groups_scores_clear(aud_groups *g);

/* Adds src's counters (and scores, and the columns it saw) to dst, src's
 * groups in their first-seen order after dst's, as if dst had counted
 * src's records itself. Both must come from the same options. Call only
 * when aud_groups_scores_fit(dst, src); drain dst's scores first if not.
 * Returns 0 or AUD_ENOMEM. */
int aud_groups_merge(aud_groups *dst, const aud_groups *src);
int aud_groups_scores_fit(const aud_groups *dst, const aud_groups *src);

/* Clears the counters for the next input (the attributes stay). */
void aud_groups_reset(aud_groups *g);

void aud_groups_free(aud_groups *g);

#endif
