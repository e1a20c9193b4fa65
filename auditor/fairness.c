/*
 * fairness.c: the bias metrics of one attribute, derived from its groups'
 * counters alone (so they are the same whether the counters came from one
 * file or were summed over many shards). For each group: share, base and
 * selection rates with a 95% Wilson interval, the impact ratio against the
 * most selected eligible group (NYC LL144) and the four-fifths flag (EEOC,
 * 29 CFR 1607.4(D)), impact ratio and statistical parity difference against
 * a reference group, a significance test against that reference, and with
 * predictions the confusion-matrix rates. For the attribute: a chi-square
 * test across groups and Fairlearn's / AIF360's summary differences.
 *
 * Counting is groups.c's job and the statistics (intervals, tests,
 * distributions) are statmath.c's; this file only decides which counts go
 * into which formula. Every formula is written in a comment above the code
 * that computes it; the README's bias section copies them.
 *
 * Comparisons that decide a flag (the four-fifths rule, "an expected cell
 * under 5") are made on the integer counts, not on rounded rates: with
 * selection rates 8/25 and 10/25 the ratio is exactly 0.8 (not flagged),
 * while 0.32 / 0.4 in doubles is 0.7999999999999999.
 */
#include "auditor/fairness.h"
#include "auditor/statmath.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The four-fifths rule's threshold, as the fraction FF_NUM / FF_DEN. */
#define FF_NUM 4
#define FF_DEN 5

/* A group whose interval is wider than this is reported as "small". */
#define SMALL_WIDTH 0.2

/* Fisher's test replaces the z-test when an expected cell is below this. */
#define MIN_EXPECTED 5

#define NONE ((size_t)-1)

static const char unknown_value[] = "(unknown)";

__extension__ typedef unsigned __int128 u128;

/* k / n, or NaN when n is 0. */
static double rate(uint64_t k, uint64_t n)
{
	return n ? (double)k / (double)n : NAN;
}

/* The counts behind a group's selection rate: pred_pos of n_pred with
 * predictions, else pos of n_outcome. */
static void sel_counts(const aud_group_counts *g, int has_pred, uint64_t *k,
		       uint64_t *n)
{
	*k = has_pred ? g->pred_pos : g->pos;
	*n = has_pred ? g->n_pred : g->n_outcome;
}

static int is_unknown(const char *v)
{
	/* Also an intersection with a missing part ("F | (unknown)") and the
	 * "(other)" bucket of values past the cap: neither is a category
	 * that can be ranked. */
	return !v || strstr(v, unknown_value) != NULL ||
	       strcmp(v, "(other)") == 0;
}

/* (k1/n1) / (k2/n2) = (k1 * n2) / (n1 * k2), computed from the products so
 * that equal fractions give exactly 1 and 8/25 over 10/25 gives exactly
 * 0.8. NaN when either rate is undefined or the denominator rate is 0. */
static double ratio(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2)
{
	if (!n1 || !n2 || !k2)
		return NAN;
	return (double)((long double)k1 * (long double)n2 /
			((long double)n1 * (long double)k2));
}

/* 1 when (k1/n1) / (k2/n2) < FF_NUM / FF_DEN, i.e.
 * FF_DEN * k1 * n2 < FF_NUM * k2 * n1, decided exactly while the products
 * fit in 128 bits (every count below 2^61), else on long doubles. The
 * caller guarantees n1, n2, k2 > 0. */
static int below_four_fifths(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2)
{
	const uint64_t lim = (uint64_t)1 << 61;

	if (k1 < lim && n1 < lim && k2 < lim && n2 < lim)
		return (u128)FF_DEN * k1 * n2 < (u128)FF_NUM * k2 * n1;
	return (long double)FF_DEN * k1 * n2 < (long double)FF_NUM * k2 * n1;
}

/* The test of group (kg of ng) against the reference (kr of nr), on the
 * 2x2 table
 *
 *	        selected   not selected
 *	group   kg         ng - kg
 *	ref     kr         nr - kr
 *
 * Expected cell under independence: row total * column total / grand
 * total. If any expected cell is < 5 (checked exactly as the smallest row
 * total * the smallest column total < 5 * grand total), Fisher's exact
 * test, two-sided (test "fisher"); else the pooled two-proportion z-test,
 * two-sided (test "z"). NaN and no test when either row is empty. */
static void test_vs_ref(uint64_t kg, uint64_t ng, uint64_t kr, uint64_t nr,
			double *p, const char **test)
{
	u128 grand, col1, col2, row_min, col_min;
	double z, pz;

	*p = NAN;
	*test = NULL;
	if (!ng || !nr)
		return;
	grand = (u128)ng + nr;
	col1 = (u128)kg + kr;
	col2 = grand - col1;
	row_min = ng < nr ? ng : nr;
	col_min = col1 < col2 ? col1 : col2;
	if (row_min * col_min < (u128)MIN_EXPECTED * grand) {
		/* NaN (no test) only when the total overflows 64 bits. */
		*p = aud_fisher_exact_p(kg, ng - kg, kr, nr - kr);
		*test = isnan(*p) ? NULL : "fisher";
		return;
	}
	if (aud_two_proportion_z(kg, ng, kr, nr, &z, &pz) == 0) {
		*p = pz;
		*test = "z";
	}
}

/* Rejects counters that cannot come from counting (a part larger than its
 * whole): they would make negative table cells. */
static int check_counts(const aud_group_counts *g, size_t i, aud_err *err)
{
	u128 both = (u128)g->tp + g->fp + g->tn + g->fn;

	if (g->n_outcome > g->n || g->pos > g->n_outcome || g->n_pred > g->n ||
	    g->pred_pos > g->n_pred || both > g->n)
		return aud_err_set(err, AUD_EUSAGE,
				   "inconsistent counters for group %zu (%s)",
				   i, g->value ? g->value : unknown_value);
	return 0;
}

/* Minimum and maximum of the defined values v[i] of eligible groups;
 * returns how many there were. */
static size_t range(const aud_group_metrics *m, size_t n, size_t off,
		    double *lo, double *hi)
{
	size_t i, cnt = 0;
	double v;

	*lo = *hi = NAN;
	for (i = 0; i < n; i++) {
		if (!m[i].eligible)
			continue;
		v = *(const double *)((const char *)&m[i] + off);
		if (isnan(v))
			continue;
		if (!cnt || v < *lo)
			*lo = v;
		if (!cnt || v > *hi)
			*hi = v;
		cnt++;
	}
	return cnt;
}

/* Fairlearn's difference (max - min) and ratio (min / max) of one metric
 * over the eligible groups where it is defined; NaN when no group has it,
 * ratio NaN when max is 0. */
static void diff_ratio(const aud_group_metrics *m, size_t n, size_t off,
		       double *diff, double *rat)
{
	double lo, hi;

	*diff = *rat = NAN;
	if (!range(m, n, off, &lo, &hi))
		return;
	*diff = hi - lo;
	*rat = hi > 0 ? lo / hi : NAN;
}

/* The attribute's chi-square test: Pearson's chi-square on the
 * groups x {selected, not selected} table of selection counts, over every
 * group (eligible or not, "(unknown)" included) whose denominator is not
 * 0; dof = groups - 1. NaN when statmath declines (fewer than 2 groups, no
 * variation). */
static int chi_square(const aud_group_counts *g, size_t n, int has_pred,
		      aud_attribute_metrics *attr, aud_err *err)
{
	uint64_t *pos, *tot, k, d;
	size_t i, m = 0;

	attr->chi2 = attr->chi2_dof = attr->chi2_p = NAN;
	pos = malloc(n * sizeof *pos);
	tot = malloc(n * sizeof *tot);
	if (!pos || !tot) {
		free(pos);
		free(tot);
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	}
	for (i = 0; i < n; i++) {
		sel_counts(&g[i], has_pred, &k, &d);
		if (!d)
			continue;
		pos[m] = k;
		tot[m] = d;
		m++;
	}
	/* AUD_STAT_UNDEFINED (fewer than two groups, nobody or everybody
	 * selected) leaves the outputs NaN: no test, not an error. */
	if (aud_chi_square_test(pos, tot, m, &attr->chi2, &attr->chi2_dof,
				&attr->chi2_p) != 0)
		attr->chi2 = attr->chi2_dof = attr->chi2_p = NAN;
	free(pos);
	free(tot);
	return 0;
}

int aud_fairness_compute(const aud_group_counts *g, size_t n, size_t reference,
			 double min_share, int has_predictions,
			 aud_group_metrics *out, aud_attribute_metrics *attr,
			 aud_err *err)
{
	u128 total = 0;
	uint64_t k, d, km = 0, dm = 0, kr = 0, dr = 0;
	size_t i, best = NONE, ref;
	double aod, dfpr, dtpr, worst;
	int rc;

	if (n == 0)
		return aud_err_set(err, AUD_EUSAGE, "no groups");
	if (!g || !out || !attr)
		return aud_err_set(err, AUD_EUSAGE, "missing argument");
	if (reference != NONE && reference >= n)
		return aud_err_set(err, AUD_EUSAGE,
				   "reference group %zu out of range (%zu "
				   "groups)",
				   reference, n);
	if (isnan(min_share))
		return aud_err_set(err, AUD_EUSAGE, "min_share is NaN");
	for (i = 0; i < n; i++) {
		if ((rc = check_counts(&g[i], i, err)) != 0)
			return rc;
		total += g[i].n;
	}

	for (i = 0; i < n; i++) {
		aud_group_metrics *m = &out[i];
		const aud_group_counts *c = &g[i];
		double lo, hi;

		memset(m, 0, sizeof *m);
		/* share = n / (sum of n over all groups of the attribute,
		 * "(unknown)" included); NaN when that sum is 0. */
		m->share = total ? (double)c->n / (double)total : NAN;
		/* base_rate = pos / n_outcome (NaN when n_outcome = 0). */
		m->base_rate = rate(c->pos, c->n_outcome);
		/* selection_rate = pred_pos / n_pred with predictions, else
		 * the base rate; NaN on a zero denominator. */
		sel_counts(c, has_predictions, &k, &d);
		m->selection_rate = rate(k, d);
		/* ci_low, ci_high: the 95% Wilson score interval of the
		 * selection rate on the same k of d (z = 1.959963984540054):
		 * (p + z^2/2d -+ z sqrt(p(1-p)/d + z^2/4d^2)) / (1 + z^2/d).
		 * small = the interval is wider than 0.2; a group with no
		 * records behind its rate (no interval) is small too. */
		m->ci_low = m->ci_high = NAN;
		if (d && aud_wilson_interval(k, d, AUD_Z95, &lo, &hi) == 0) {
			m->ci_low = lo;
			m->ci_high = hi;
		}
		m->small = !d || m->ci_high - m->ci_low > SMALL_WIDTH;
		/* eligible = the value is not "(unknown)", share >= min_share
		 * and the selection rate's denominator is > 0. */
		m->eligible =
		    !is_unknown(c->value) && d > 0 && m->share >= min_share;
		/* most_selected = the eligible group with the highest
		 * selection rate; on ties the first. */
		if (m->eligible &&
		    (best == NONE ||
		     m->selection_rate > out[best].selection_rate))
			best = i;
		/* With predictions, over the records where both the outcome
		 * and the prediction are known:
		 * tpr = tp / (tp + fn), fpr = fp / (fp + tn),
		 * fnr = fn / (tp + fn), ppv = tp / (tp + fp),
		 * npv = tn / (tn + fn); NaN on a zero denominator, and NaN
		 * without predictions. */
		if (has_predictions) {
			m->tpr = rate(c->tp, c->tp + c->fn);
			m->fpr = rate(c->fp, c->fp + c->tn);
			m->fnr = rate(c->fn, c->tp + c->fn);
			m->ppv = rate(c->tp, c->tp + c->fp);
			m->npv = rate(c->tn, c->tn + c->fn);
		} else {
			m->tpr = m->fpr = m->fnr = m->ppv = m->npv = NAN;
		}
	}

	/* The reference: the group given, else the most selected one (none
	 * when no group is eligible). */
	ref = reference != NONE ? reference : best;
	attr->reference = ref;
	attr->most_selected = best;
	if (best != NONE)
		sel_counts(&g[best], has_predictions, &km, &dm);
	if (ref != NONE)
		sel_counts(&g[ref], has_predictions, &kr, &dr);

	for (i = 0; i < n; i++) {
		aud_group_metrics *m = &out[i];

		sel_counts(&g[i], has_predictions, &k, &d);
		/* impact_ratio = selection_rate / the most selected group's
		 * selection rate, computed for every group (eligible or not);
		 * NaN when no group is eligible or that rate is 0.
		 * four_fifths = eligible and impact_ratio < 0.8 (exactly 0.8
		 * is not flagged; decided on the integer counts). */
		m->impact_ratio = NAN;
		if (best != NONE && km > 0 && d > 0) {
			m->impact_ratio = ratio(k, d, km, dm);
			m->four_fifths =
			    m->eligible && below_four_fifths(k, d, km, dm);
		}
		/* impact_ratio_ref = selection_rate / the reference's
		 * selection rate (NaN when that is 0 or undefined);
		 * spd_ref = selection_rate - the reference's selection rate.
		 * p_value: see test_vs_ref; the reference itself is not
		 * tested (p_value NaN, test NULL). */
		m->impact_ratio_ref = m->spd_ref = m->p_value = NAN;
		m->test = NULL;
		if (ref == NONE)
			continue;
		m->is_reference = i == ref;
		m->impact_ratio_ref = ratio(k, d, kr, dr);
		m->spd_ref = m->selection_rate - out[ref].selection_rate;
		if (i != ref)
			test_vs_ref(k, d, kr, dr, &m->p_value, &m->test);
	}

	if ((rc = chi_square(g, n, has_predictions, attr, err)) != 0)
		return rc;

	/* Demographic parity (Fairlearn): dp_difference = max - min of the
	 * selection rates of the eligible groups, dp_ratio = min / max (NaN
	 * when max is 0). Without predictions the selection rate is the base
	 * rate, so these compare base rates. */
	diff_ratio(out, n, offsetof(aud_group_metrics, selection_rate),
		   &attr->dp_difference, &attr->dp_ratio);

	attr->eo_difference = attr->eo_ratio = NAN;
	attr->eq_opportunity_difference = NAN;
	attr->average_odds_difference = NAN;
	if (!has_predictions)
		return 0;

	/* Equalized odds (Fairlearn), over the eligible groups where each
	 * rate is defined: eo_difference = max(TPR max - min,
	 * FPR max - min); eo_ratio = min(TPR min / max, FPR min / max); NaN
	 * when either part is NaN. Equal opportunity difference =
	 * TPR max - min. */
	{
		double td, tr, fd, fr;

		diff_ratio(out, n, offsetof(aud_group_metrics, tpr), &td, &tr);
		diff_ratio(out, n, offsetof(aud_group_metrics, fpr), &fd, &fr);
		attr->eq_opportunity_difference = td;
		if (!isnan(td) && !isnan(fd))
			attr->eo_difference = td > fd ? td : fd;
		if (!isnan(tr) && !isnan(fr))
			attr->eo_ratio = tr < fr ? tr : fr;
	}

	/* Average odds difference (AIF360's, per group against the
	 * reference): AOD_g = ((FPR_g - FPR_ref) + (TPR_g - TPR_ref)) / 2.
	 * The attribute's figure is the largest |AOD_g| over the eligible
	 * groups other than the reference whose AOD is defined (so it is
	 * >= 0); NaN when there is no such group or no reference. */
	if (ref == NONE)
		return 0;
	worst = NAN;
	for (i = 0; i < n; i++) {
		if (!out[i].eligible || i == ref)
			continue;
		dfpr = out[i].fpr - out[ref].fpr;
		dtpr = out[i].tpr - out[ref].tpr;
		aod = (dfpr + dtpr) / 2;
		if (isnan(aod))
			continue;
		if (isnan(worst) || fabs(aod) > worst)
			worst = fabs(aod);
	}
	attr->average_odds_difference = worst;
	return 0;
}
