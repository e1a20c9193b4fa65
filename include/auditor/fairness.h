/*
 * fairness.h: bias metrics of one attribute, computed from group counters
 * alone (so they merge exactly across files and shards). Definitions follow
 * the EEOC Uniform Guidelines (29 CFR 1607.4(D), four-fifths rule), NYC
 * Local Law 144 (impact ratio against the most selected category) and
 * Fairlearn (demographic parity, equalized odds, equal opportunity); the
 * README's bias section gives every formula.
 */
#ifndef AUDITOR_FAIRNESS_H
#define AUDITOR_FAIRNESS_H

#include "auditor/common.h"

#include <stddef.h>
#include <stdint.h>

/* Counters of one group (one value of an attribute, or one combination of
 * values of an intersection). */
typedef struct aud_group_counts {
	const char *value;      /* group value; "(unknown)" for missing */
	uint64_t n;             /* records in the group */
	uint64_t n_outcome;     /* of those, with a known outcome */
	uint64_t pos;           /* outcome positive (of n_outcome) */
	uint64_t n_pred;        /* with a known prediction */
	uint64_t pred_pos;      /* prediction positive (of n_pred) */
	uint64_t tp, fp, tn, fn; /* both known */
} aud_group_counts;

/* Metrics of one group. NaN where a metric is undefined (a rate over zero
 * records, a test with too few groups). */
typedef struct aud_group_metrics {
	double share;          /* n / total n of the attribute */
	double base_rate;      /* pos / n_outcome */
	double selection_rate; /* pred_pos / n_pred with predictions, else
				  the base rate */
	double ci_low, ci_high; /* 95% Wilson interval of selection_rate */
	double impact_ratio;     /* selection_rate / the highest selection
				    rate among eligible groups (LL144) */
	double impact_ratio_ref; /* selection_rate / the reference's */
	double spd_ref;          /* selection_rate - the reference's */
	double p_value;          /* vs the reference: two-proportion z, or
				    Fisher's exact when an expected cell < 5 */
	const char *test;        /* "z", "fisher", or NULL */
	double tpr, fpr, fnr, ppv, npv; /* with predictions */
	int eligible;    /* share >= min_share and value not "(unknown)" */
	int four_fifths; /* 1 when eligible and impact_ratio < 0.8 */
	int is_reference;
	int small;       /* the 95% interval is wider than 0.2: too few
			    records for the rates to mean much */
} aud_group_metrics;

/* Metrics of the attribute as a whole. */
typedef struct aud_attribute_metrics {
	double chi2, chi2_dof, chi2_p; /* outcome (or selection) by group */
	double dp_difference, dp_ratio; /* demographic parity (Fairlearn):
					   max - min and min / max of
					   selection rates, eligible groups */
	double eo_difference, eo_ratio; /* equalized odds (Fairlearn): the
					   larger of the TPR and FPR
					   differences; the smaller ratio */
	double eq_opportunity_difference; /* max - min TPR */
	double average_odds_difference;   /* mean of FPR and TPR differences
					     against the reference (AIF360) */
	size_t reference;  /* index of the reference group */
	size_t most_selected; /* index of the highest eligible selection
				 rate */
} aud_attribute_metrics;

/* Computes metrics for the n groups g[0..n) of one attribute into out[i]
 * and whole-attribute figures into attr. reference is the index of the
 * reference group, or (size_t)-1 for "the eligible group with the highest
 * selection rate". min_share leaves smaller groups out of the impact-ratio
 * ranking (they are still computed). has_predictions says whether the
 * prediction counters mean anything. Returns 0, or AUD_EUSAGE when n == 0.
 */
int aud_fairness_compute(const aud_group_counts *g, size_t n,
			 size_t reference, double min_share,
			 int has_predictions, aud_group_metrics *out,
			 aud_attribute_metrics *attr, aud_err *err);

#endif
