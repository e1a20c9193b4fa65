/* Unit tests for fairness.c: hand-computed tables. Every expected value is
 * worked out in the comments from the counts (or taken from a published
 * example), never from auditor's output. p-values of z-tests are checked
 * through erfc(|z| / sqrt 2), with z worked out by hand; chi-square
 * p-values with 2 degrees of freedom through exp(-chi2 / 2), the closed
 * form of that distribution's upper tail. */
#include "auditor/fairness.h"
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NONE ((size_t)-1)
#define Z 1.959963984540054

static int near(double a, double b)
{
	return fabs(a - b) <= 1e-12 + 1e-10 * fabs(b);
}

#define CHECK_NEAR(a, b)                                                       \
	do {                                                                   \
		double x_ = (a), y_ = (b);                                     \
		if (near(x_, y_)) {                                            \
			t_pass++;                                              \
		} else {                                                       \
			t_fail++;                                              \
			fprintf(stderr, "%s:%d: %s == %s: %.17g != %.17g\n",   \
				__FILE__, __LINE__, #a, #b, x_, y_);           \
		}                                                              \
	} while (0)

#define CHECK_NAN(a) CHECK(isnan(a))

/* A group without predictions: n records, all with a known outcome. */
static aud_group_counts grp(const char *v, uint64_t n, uint64_t pos)
{
	aud_group_counts g;

	memset(&g, 0, sizeof g);
	g.value = v;
	g.n = n;
	g.n_outcome = n;
	g.pos = pos;
	return g;
}

/* A group with predictions on every record: outcome positive = tp + fn,
 * prediction positive = tp + fp. */
static aud_group_counts pgrp(const char *v, uint64_t tp, uint64_t fp,
			     uint64_t tn, uint64_t fn)
{
	aud_group_counts g;

	memset(&g, 0, sizeof g);
	g.value = v;
	g.n = g.n_outcome = g.n_pred = tp + fp + tn + fn;
	g.pos = tp + fn;
	g.pred_pos = tp + fp;
	g.tp = tp;
	g.fp = fp;
	g.tn = tn;
	g.fn = fn;
	return g;
}

/* The Wilson interval written out independently of statmath.c:
 * (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n). */
static void wilson(double k, double n, double *lo, double *hi)
{
	double p = k / n, z2 = Z * Z;
	double c = p + z2 / (2 * n);
	double h = Z * sqrt(p * (1 - p) / n + z2 / (4 * n * n));

	*lo = (c - h) / (1 + z2 / n);
	*hi = (c + h) / (1 + z2 / n);
}

/* Two-sided normal p-value of z. */
static double p2(double z) { return erfc(fabs(z) / sqrt(2.0)); }

static void test_three_groups(void)
{
	/* A 60/100 = 0.6, B 40/80 = 0.5, C 9/20 = 0.45; total n = 200. */
	aud_group_counts g[3] = {grp("A", 100, 60), grp("B", 80, 40),
				 grp("C", 20, 9)};
	aud_group_metrics m[3];
	aud_attribute_metrics a;
	aud_err err;
	double lo, hi, z;

	aud_err_clear(&err);
	CHECK_EQ_INT(aud_fairness_compute(g, 3, NONE, 0.02, 0, m, &a, &err), 0);
	/* Shares 100/200, 80/200, 20/200. */
	CHECK_NEAR(m[0].share, 0.5);
	CHECK_NEAR(m[1].share, 0.4);
	CHECK_NEAR(m[2].share, 0.1);
	/* Without predictions the selection rate is the base rate. */
	CHECK_NEAR(m[0].base_rate, 0.6);
	CHECK_NEAR(m[1].base_rate, 0.5);
	CHECK_NEAR(m[2].base_rate, 0.45);
	CHECK_NEAR(m[0].selection_rate, 0.6);
	CHECK_NEAR(m[1].selection_rate, 0.5);
	CHECK_NEAR(m[2].selection_rate, 0.45);
	/* All eligible; A is the most selected and the default reference. */
	CHECK(m[0].eligible && m[1].eligible && m[2].eligible);
	CHECK_EQ_INT(a.most_selected, 0);
	CHECK_EQ_INT(a.reference, 0);
	CHECK(m[0].is_reference && !m[1].is_reference && !m[2].is_reference);
	/* Impact ratios: 0.6/0.6 = 1, 0.5/0.6 = 5/6, 0.45/0.6 = 0.75. */
	CHECK_NEAR(m[0].impact_ratio, 1.0);
	CHECK_NEAR(m[1].impact_ratio, 5.0 / 6.0);
	CHECK_NEAR(m[2].impact_ratio, 0.75);
	CHECK(!m[0].four_fifths && !m[1].four_fifths && m[2].four_fifths);
	/* Against the reference A: same ratios; SPD 0, -0.1, -0.15. */
	CHECK_NEAR(m[1].impact_ratio_ref, 5.0 / 6.0);
	CHECK_NEAR(m[2].impact_ratio_ref, 0.75);
	CHECK_NEAR(m[0].spd_ref, 0.0);
	CHECK_NEAR(m[1].spd_ref, -0.1);
	CHECK_NEAR(m[2].spd_ref, -0.15);
	/* The reference is not tested against itself. */
	CHECK_NAN(m[0].p_value);
	CHECK(m[0].test == NULL);
	/* B vs A: table [[40, 40], [60, 40]], rows 80 and 100, columns 100
	 * and 80, N = 180; smallest expected cell 80 * 80 / 180 = 35.6, so
	 * the z-test. Pooled P = 100/180 = 5/9; variance
	 * P(1-P)(1/80 + 1/100) = (20/81)(9/400) = 1/180;
	 * z = (0.5 - 0.6) sqrt(180) = -sqrt(1.8). */
	CHECK(m[1].test && strcmp(m[1].test, "z") == 0);
	CHECK_NEAR(m[1].p_value, p2(sqrt(1.8)));
	/* C vs A: [[9, 11], [60, 40]], rows 20, 100, columns 69, 51,
	 * N = 120; smallest expected 20 * 51 / 120 = 8.5: z-test. Pooled
	 * P = 69/120 = 0.575; variance 0.575 * 0.425 * (1/20 + 1/100)
	 * = 0.244375 * 0.06 = 0.0146625; z = -0.15 / sqrt(0.0146625). */
	CHECK(m[2].test && strcmp(m[2].test, "z") == 0);
	z = -0.15 / sqrt(0.0146625);
	CHECK_NEAR(m[2].p_value, p2(z));
	/* Wilson intervals of 60/100, 40/80, 9/20. Widths
	 * 2 z sqrt(k(n-k)/n + z^2/4) / (n + z^2): A 2 * 1.96 * sqrt(24.96)
	 * / 103.84 = 0.189, B 2 * 1.96 * sqrt(20.96) / 83.84 = 0.214,
	 * C 2 * 1.96 * sqrt(5.91) / 23.84 = 0.400: B and C are small. */
	wilson(60, 100, &lo, &hi);
	CHECK_NEAR(m[0].ci_low, lo);
	CHECK_NEAR(m[0].ci_high, hi);
	wilson(40, 80, &lo, &hi);
	CHECK_NEAR(m[1].ci_low, lo);
	CHECK_NEAR(m[1].ci_high, hi);
	wilson(9, 20, &lo, &hi);
	CHECK_NEAR(m[2].ci_low, lo);
	CHECK_NEAR(m[2].ci_high, hi);
	CHECK(!m[0].small && m[1].small && m[2].small);
	/* Chi-square: P = 109/200 = 0.545; chi2 = sum n_i (p_i - P)^2 /
	 * (P (1 - P)) = (100 * 0.055^2 + 80 * 0.045^2 + 20 * 0.095^2) /
	 * (0.545 * 0.455) = (0.3025 + 0.162 + 0.1805) / 0.247975
	 * = 0.645 / 0.247975 = 2.60107...; 2 dof: p = exp(-chi2 / 2). */
	CHECK_NEAR(a.chi2, 0.645 / 0.247975);
	CHECK_NEAR(a.chi2_dof, 2.0);
	CHECK_NEAR(a.chi2_p, exp(-0.645 / 0.247975 / 2));
	/* Demographic parity on base rates: 0.6 - 0.45 = 0.15,
	 * 0.45 / 0.6 = 0.75. Odds metrics need predictions. */
	CHECK_NEAR(a.dp_difference, 0.15);
	CHECK_NEAR(a.dp_ratio, 0.75);
	CHECK_NAN(a.eo_difference);
	CHECK_NAN(a.eo_ratio);
	CHECK_NAN(a.eq_opportunity_difference);
	CHECK_NAN(a.average_odds_difference);
	CHECK_NAN(m[0].tpr);
	CHECK_NAN(m[0].fpr);
	CHECK_NAN(m[0].fnr);
	CHECK_NAN(m[0].ppv);
	CHECK_NAN(m[0].npv);
}

static void test_four_fifths_boundary(void)
{
	/* A 10/25 = 0.4 (most selected), B 8/25 = 0.32, C 7/25 = 0.28.
	 * B / A = 0.32 / 0.4 = 0.8 exactly: not flagged (in doubles
	 * 0.32 / 0.4 is 0.7999999999999999). C / A = 0.7: flagged. */
	aud_group_counts g[3] = {grp("A", 25, 10), grp("B", 25, 8),
				 grp("C", 25, 7)};
	aud_group_metrics m[3];
	aud_attribute_metrics a;

	CHECK_EQ_INT(aud_fairness_compute(g, 3, NONE, 0.02, 0, m, &a, NULL), 0);
	CHECK(m[1].impact_ratio == 0.8);
	CHECK(!m[1].four_fifths);
	CHECK_NEAR(m[2].impact_ratio, 0.7);
	CHECK(m[2].four_fifths);
	CHECK(!m[0].four_fifths);

	/* Just under: 39/50 = 0.78 against 1: flagged; 40/50 exactly 0.8:
	 * not flagged. */
	{
		aud_group_counts h[3] = {grp("A", 50, 50), grp("B", 50, 39),
					 grp("C", 50, 40)};

		CHECK_EQ_INT(
		    aud_fairness_compute(h, 3, NONE, 0, 0, m, &a, NULL), 0);
		CHECK_NEAR(m[1].impact_ratio, 0.78);
		CHECK(m[1].four_fifths);
		CHECK(m[2].impact_ratio == 0.8);
		CHECK(!m[2].four_fifths);
	}
}

static void test_min_share(void)
{
	/* A 50/100 = 0.5, B 35/98 = 5/14, S 2/2 = 1 with share 2/200 = 0.01
	 * below min_share 0.02: S is left out of the ranking, so A is the
	 * most selected; S's numbers are still computed: impact ratio
	 * 1 / 0.5 = 2, not flagged. B: (5/14) / 0.5 = 5/7 < 0.8, flagged. */
	aud_group_counts g[3] = {grp("A", 100, 50), grp("B", 98, 35),
				 grp("S", 2, 2)};
	aud_group_metrics m[3];
	aud_attribute_metrics a;

	CHECK_EQ_INT(aud_fairness_compute(g, 3, NONE, 0.02, 0, m, &a, NULL), 0);
	CHECK_NEAR(m[2].share, 0.01);
	CHECK(m[0].eligible && m[1].eligible && !m[2].eligible);
	CHECK_EQ_INT(a.most_selected, 0);
	CHECK_EQ_INT(a.reference, 0);
	CHECK_NEAR(m[2].selection_rate, 1.0);
	CHECK_NEAR(m[2].impact_ratio, 2.0);
	CHECK(!m[2].four_fifths);
	CHECK_NEAR(m[1].impact_ratio, 5.0 / 7.0);
	CHECK(m[1].four_fifths);
	/* S is still tested against the reference: [[2, 0], [50, 50]],
	 * smallest expected 2 * 50 / 102 < 5: Fisher. */
	CHECK(m[2].test && strcmp(m[2].test, "fisher") == 0);
	CHECK(m[2].small);
	/* dp over eligible groups only: 0.5 - 5/14 = 1/7, ratio 5/7. */
	CHECK_NEAR(a.dp_difference, 1.0 / 7.0);
	CHECK_NEAR(a.dp_ratio, 5.0 / 7.0);
	/* The chi-square takes all three groups: dof 2. */
	CHECK_NEAR(a.chi2_dof, 2.0);

	/* min_share 0.01: share 0.01 is not below it, S is eligible and the
	 * most selected; A's ratio 0.5, B's 5/14. */
	CHECK_EQ_INT(aud_fairness_compute(g, 3, NONE, 0.01, 0, m, &a, NULL), 0);
	CHECK(m[2].eligible);
	CHECK_EQ_INT(a.most_selected, 2);
	CHECK_NEAR(m[0].impact_ratio, 0.5);
	CHECK_NEAR(m[1].impact_ratio, 5.0 / 14.0);
	CHECK(m[0].four_fifths && m[1].four_fifths);
}

static void test_unknown(void)
{
	/* "(unknown)" has the highest rate (9/10) but is never eligible; a
	 * NULL value counts as unknown too. The most selected is M, 30/50 =
	 * 0.6; F 20/40 = 0.5. Shares include the unknown groups: total
	 * 50 + 40 + 10 + 100 = 200. */
	aud_group_counts g[4] = {grp("M", 50, 30), grp("F", 40, 20),
				 grp("(unknown)", 10, 9), grp(NULL, 100, 70)};
	aud_group_metrics m[4];
	aud_attribute_metrics a;

	CHECK_EQ_INT(aud_fairness_compute(g, 4, NONE, 0.02, 0, m, &a, NULL), 0);
	CHECK_NEAR(m[0].share, 0.25);
	CHECK_NEAR(m[2].share, 0.05);
	CHECK_NEAR(m[3].share, 0.5);
	CHECK(m[0].eligible && m[1].eligible);
	CHECK(!m[2].eligible && !m[3].eligible);
	CHECK_EQ_INT(a.most_selected, 0);
	/* Computed all the same: 0.9 / 0.6 = 1.5, 0.7 / 0.6 = 7/6. */
	CHECK_NEAR(m[2].selection_rate, 0.9);
	CHECK_NEAR(m[2].impact_ratio, 1.5);
	CHECK_NEAR(m[3].impact_ratio, 7.0 / 6.0);
	CHECK_NEAR(m[2].spd_ref, 0.3);
	CHECK(!m[2].four_fifths);
	CHECK_NEAR(m[1].impact_ratio, 5.0 / 6.0);
	/* dp over M and F only: 0.1 and 5/6. */
	CHECK_NEAR(a.dp_difference, 0.1);
	CHECK_NEAR(a.dp_ratio, 5.0 / 6.0);
	/* The chi-square includes the unknown groups: 4 groups, 3 dof. */
	CHECK_NEAR(a.chi2_dof, 3.0);
}

static void test_reference(void)
{
	/* A 60/100 = 0.6, B 40/80 = 0.5, C 9/20 = 0.45, reference B.
	 * impact_ratio still against the most selected (A); against B:
	 * 0.6/0.5 = 1.2, 1, 0.45/0.5 = 0.9; SPD 0.1, 0, -0.05. */
	aud_group_counts g[3] = {grp("A", 100, 60), grp("B", 80, 40),
				 grp("C", 20, 9)};
	aud_group_metrics m[3];
	aud_attribute_metrics a;
	aud_err err;
	double z;

	CHECK_EQ_INT(aud_fairness_compute(g, 3, 1, 0.02, 0, m, &a, &err), 0);
	CHECK_EQ_INT(a.reference, 1);
	CHECK_EQ_INT(a.most_selected, 0);
	CHECK(!m[0].is_reference && m[1].is_reference && !m[2].is_reference);
	CHECK_NEAR(m[0].impact_ratio, 1.0);
	CHECK_NEAR(m[2].impact_ratio, 0.75);
	CHECK_NEAR(m[0].impact_ratio_ref, 1.2);
	CHECK_NEAR(m[1].impact_ratio_ref, 1.0);
	CHECK_NEAR(m[2].impact_ratio_ref, 0.9);
	CHECK_NEAR(m[0].spd_ref, 0.1);
	CHECK_NEAR(m[1].spd_ref, 0.0);
	CHECK_NEAR(m[2].spd_ref, -0.05);
	CHECK_NAN(m[1].p_value);
	CHECK(m[1].test == NULL);
	/* A vs B is the same table as B vs A in test_three_groups. */
	CHECK(m[0].test && strcmp(m[0].test, "z") == 0);
	CHECK_NEAR(m[0].p_value, p2(sqrt(1.8)));
	/* C vs B: [[9, 11], [40, 40]], rows 20, 80, columns 49, 51,
	 * N = 100; smallest expected 20 * 49 / 100 = 9.8: z. Pooled
	 * P = 0.49; variance 0.49 * 0.51 * (1/20 + 1/80) = 0.2499 * 0.0625;
	 * z = -0.05 / sqrt(0.2499 * 0.0625). */
	z = -0.05 / sqrt(0.2499 * 0.0625);
	CHECK(m[2].test && strcmp(m[2].test, "z") == 0);
	CHECK_NEAR(m[2].p_value, p2(z));

	/* The reference may be a group that is not eligible. */
	CHECK_EQ_INT(aud_fairness_compute(g, 3, 2, 0.5, 0, m, &a, NULL), 0);
	CHECK_EQ_INT(a.reference, 2);
	CHECK_EQ_INT(a.most_selected, 0);
	CHECK(m[2].is_reference && !m[2].eligible);
	CHECK_NEAR(m[1].impact_ratio_ref, 0.5 / 0.45);

	/* Out of range. */
	aud_err_clear(&err);
	CHECK_EQ_INT(aud_fairness_compute(g, 3, 3, 0.02, 0, m, &a, &err),
		     AUD_EUSAGE);
	CHECK_EQ_INT(err.code, AUD_EUSAGE);
}

static void test_significance(void)
{
	aud_group_metrics m[2];
	aud_attribute_metrics a;

	/* [[3, 1], [1, 3]]: all expected cells 2, Fisher. Tables with these
	 * margins have probabilities C(4,x)^2 / 70 = 1, 16, 36, 16, 1 (/70);
	 * two-sided p = (1 + 16 + 16 + 1) / 70 = 34/70. Group 0 (3/4) is
	 * given as the reference so group 1 (1/4) is tested. */
	{
		aud_group_counts g[2] = {grp("A", 4, 3), grp("B", 4, 1)};

		CHECK_EQ_INT(aud_fairness_compute(g, 2, 0, 0, 0, m, &a, NULL),
			     0);
		CHECK(m[1].test && strcmp(m[1].test, "fisher") == 0);
		CHECK_NEAR(m[1].p_value, 34.0 / 70.0);
		CHECK_NEAR(m[1].impact_ratio, 1.0 / 3.0);
	}
	/* Wikipedia's "Fisher's exact test" example, [[1, 9], [11, 3]]:
	 * rows 10, 14, columns 12, 12, N = 24; expected cells 10 * 12 / 24
	 * = 5 and 14 * 12 / 24 = 7, none under 5, so the z-test and not
	 * Fisher (whose p there is 0.002759). Pooled P = 0.5, variance
	 * 0.25 (1/10 + 1/14) = 3/70, difference 1/10 - 11/14 = -24/35,
	 * z^2 = (576/1225) (70/3) = 384/35, p = erfc(sqrt(192/35)). */
	{
		aud_group_counts g[2] = {grp("men", 10, 1),
					 grp("women", 14, 11)};

		CHECK_EQ_INT(
		    aud_fairness_compute(g, 2, NONE, 0, 0, m, &a, NULL), 0);
		CHECK_EQ_INT(a.reference, 1);
		CHECK(m[0].test && strcmp(m[0].test, "z") == 0);
		CHECK_NEAR(m[0].p_value, erfc(sqrt(192.0 / 35.0)));
	}
	/* One record fewer in the first row, [[1, 8], [11, 3]]: expected
	 * 9 * 12 / 23 = 4.7 < 5: Fisher. Margins 9, 14 and 12, 11; table x
	 * (top-left cell, 0..9) has probability C(9,x) C(14,12-x) / C(23,12)
	 * with C(23,12) = 1352078 and numerators 91, 3276, 36036, 168168,
	 * 378378, 432432, 252252, 72072, 9009, 364. Those at most the
	 * observed 3276 (x = 1) are x = 0, 1, 9:
	 * p = (91 + 3276 + 364) / 1352078 = 3731/1352078. */
	{
		aud_group_counts g[2] = {grp("men", 9, 1),
					 grp("women", 14, 11)};

		CHECK_EQ_INT(
		    aud_fairness_compute(g, 2, NONE, 0, 0, m, &a, NULL), 0);
		CHECK(m[0].test && strcmp(m[0].test, "fisher") == 0);
		CHECK_NEAR(m[0].p_value, 3731.0 / 1352078.0);
	}
	/* 40/100 vs 60/100: pooled P = 0.5, variance 0.25 * 0.02 = 0.005,
	 * z = -0.2 / sqrt(0.005) = -2 sqrt 2, p = erfc(2) =
	 * 0.004677734981047266. */
	{
		aud_group_counts g[2] = {grp("A", 100, 40), grp("B", 100, 60)};

		CHECK_EQ_INT(
		    aud_fairness_compute(g, 2, NONE, 0, 0, m, &a, NULL), 0);
		CHECK(m[0].test && strcmp(m[0].test, "z") == 0);
		CHECK_NEAR(m[0].p_value, 0.004677734981047266);
		/* With two groups the chi-square is z^2 = 8, dof 1. */
		CHECK_NEAR(a.chi2, 8.0);
		CHECK_NEAR(a.chi2_dof, 1.0);
		CHECK_NEAR(a.chi2_p, 0.004677734981047266);
	}
	/* Boundary: 3/20 vs 7/20: rows 20, 20, columns 10, 30, N = 40;
	 * smallest expected 20 * 10 / 40 = 5, not under 5: z. Pooled
	 * P = 0.25, variance 0.1875 * 0.1 = 0.01875,
	 * z = -0.2 / sqrt(0.01875). */
	{
		aud_group_counts g[2] = {grp("A", 20, 3), grp("B", 20, 7)};

		CHECK_EQ_INT(
		    aud_fairness_compute(g, 2, NONE, 0, 0, m, &a, NULL), 0);
		CHECK(m[0].test && strcmp(m[0].test, "z") == 0);
		CHECK_NEAR(m[0].p_value, p2(-0.2 / sqrt(0.01875)));
	}
	/* 2/20 vs 7/20: columns 9, 31; smallest expected 20 * 9 / 40 = 4.5:
	 * Fisher. Hypergeometric probabilities at most that of the observed
	 * table sum to 674/5291. */
	{
		aud_group_counts g[2] = {grp("A", 20, 2), grp("B", 20, 7)};

		CHECK_EQ_INT(
		    aud_fairness_compute(g, 2, NONE, 0, 0, m, &a, NULL), 0);
		CHECK(m[0].test && strcmp(m[0].test, "fisher") == 0);
		CHECK_NEAR(m[0].p_value, 674.0 / 5291.0);
	}
}

static void test_predictions(void)
{
	/* G1: tp 30, fp 20, tn 40, fn 10 (n 100): selection (30+20)/100 =
	 *     0.5, base rate (30+10)/100 = 0.4, TPR 30/40 = 0.75,
	 *     FPR 20/60 = 1/3, FNR 10/40 = 0.25, PPV 30/50 = 0.6,
	 *     NPV 40/50 = 0.8.
	 * G2: tp 10, fp 5, tn 25, fn 10 (n 50): selection 15/50 = 0.3,
	 *     TPR 10/20 = 0.5, FPR 5/30 = 1/6, FNR 0.5, PPV 10/15 = 2/3,
	 *     NPV 25/35 = 5/7.
	 * G3: tp 8, fp 10, tn 30, fn 2 (n 50): selection 18/50 = 0.36,
	 *     TPR 0.8, FPR 10/40 = 0.25, FNR 0.2, PPV 8/18 = 4/9,
	 *     NPV 30/32 = 15/16.
	 * "(unknown)": tp 1, fp 0, tn 9, fn 0: TPR 1, FPR 0, selection
	 *     0.1; not eligible, so it must not move the summaries. */
	aud_group_counts g[4] = {
	    pgrp("G1", 30, 20, 40, 10), pgrp("G2", 10, 5, 25, 10),
	    pgrp("G3", 8, 10, 30, 2), pgrp("(unknown)", 1, 0, 9, 0)};
	aud_group_metrics m[4];
	aud_attribute_metrics a;

	CHECK_EQ_INT(aud_fairness_compute(g, 4, NONE, 0.02, 1, m, &a, NULL), 0);
	CHECK_NEAR(m[0].base_rate, 0.4);
	CHECK_NEAR(m[0].selection_rate, 0.5);
	CHECK_NEAR(m[1].selection_rate, 0.3);
	CHECK_NEAR(m[2].selection_rate, 0.36);
	CHECK_NEAR(m[0].tpr, 0.75);
	CHECK_NEAR(m[0].fpr, 1.0 / 3.0);
	CHECK_NEAR(m[0].fnr, 0.25);
	CHECK_NEAR(m[0].ppv, 0.6);
	CHECK_NEAR(m[0].npv, 0.8);
	CHECK_NEAR(m[1].tpr, 0.5);
	CHECK_NEAR(m[1].fpr, 1.0 / 6.0);
	CHECK_NEAR(m[1].fnr, 0.5);
	CHECK_NEAR(m[1].ppv, 2.0 / 3.0);
	CHECK_NEAR(m[1].npv, 5.0 / 7.0);
	CHECK_NEAR(m[2].tpr, 0.8);
	CHECK_NEAR(m[2].fpr, 0.25);
	CHECK_NEAR(m[2].fnr, 0.2);
	CHECK_NEAR(m[2].ppv, 4.0 / 9.0);
	CHECK_NEAR(m[2].npv, 15.0 / 16.0);
	CHECK_NEAR(m[3].tpr, 1.0);
	CHECK_NEAR(m[3].fpr, 0.0);
	CHECK(!m[3].eligible);
	/* Most selected G1; ratios 0.3/0.5 = 0.6, 0.36/0.5 = 0.72. */
	CHECK_EQ_INT(a.most_selected, 0);
	CHECK_EQ_INT(a.reference, 0);
	CHECK_NEAR(m[1].impact_ratio, 0.6);
	CHECK_NEAR(m[2].impact_ratio, 0.72);
	CHECK(m[1].four_fifths && m[2].four_fifths);
	CHECK_NEAR(m[2].spd_ref, -0.14);
	/* Fairlearn over G1..G3: dp 0.5 - 0.3 = 0.2, 0.3/0.5 = 0.6.
	 * TPR 0.5..0.8: difference 0.3, ratio 0.625; FPR 1/6..1/3:
	 * difference 1/6, ratio 0.5. eo difference max(0.3, 1/6) = 0.3,
	 * eo ratio min(0.625, 0.5) = 0.5; equal opportunity 0.3. */
	CHECK_NEAR(a.dp_difference, 0.2);
	CHECK_NEAR(a.dp_ratio, 0.6);
	CHECK_NEAR(a.eo_difference, 0.3);
	CHECK_NEAR(a.eo_ratio, 0.5);
	CHECK_NEAR(a.eq_opportunity_difference, 0.3);
	/* AOD against G1: G2 ((1/6 - 1/3) + (0.5 - 0.75)) / 2 = -5/24;
	 * G3 ((0.25 - 1/3) + (0.8 - 0.75)) / 2 = -1/60. Largest |AOD|:
	 * 5/24. */
	CHECK_NEAR(a.average_odds_difference, 5.0 / 24.0);
	/* Chi-square on the selection counts 50/100, 15/50, 18/50, 1/10:
	 * P = 84/210 = 0.4; sum n (p - P)^2 / (P(1-P)) =
	 * (100 * 0.01 + 50 * 0.01 + 50 * 0.0016 + 10 * 0.09) / 0.24 =
	 * (1 + 0.5 + 0.08 + 0.9) / 0.24 = 2.48 / 0.24, 3 dof. */
	CHECK_NEAR(a.chi2, 2.48 / 0.24);
	CHECK_NEAR(a.chi2_dof, 3.0);

	/* Reference G2: AOD of G1 = +5/24, of G3 ((0.25 - 1/6) +
	 * (0.8 - 0.5)) / 2 = (1/12 + 0.3) / 2 = 23/120. Largest: 5/24. */
	CHECK_EQ_INT(aud_fairness_compute(g, 4, 1, 0.02, 1, m, &a, NULL), 0);
	CHECK_NEAR(a.average_odds_difference, 5.0 / 24.0);
	/* Reference G3: G1 ((1/3 - 1/4) + (0.75 - 0.8)) / 2 = 1/60, G2
	 * ((1/6 - 1/4) + (0.5 - 0.8)) / 2 = -23/120: 23/120. */
	CHECK_EQ_INT(aud_fairness_compute(g, 4, 2, 0.02, 1, m, &a, NULL), 0);
	CHECK_NEAR(a.average_odds_difference, 23.0 / 120.0);
}

static void test_nan(void)
{
	aud_group_metrics m[3];
	aud_attribute_metrics a;

	/* E has records but no known outcome: every rate NaN, no interval,
	 * small, not eligible, not tested. */
	{
		aud_group_counts g[3] = {grp("A", 10, 5), grp("B", 10, 2),
					 grp("E", 5, 0)};

		g[2].n_outcome = 0;
		CHECK_EQ_INT(
		    aud_fairness_compute(g, 3, NONE, 0, 0, m, &a, NULL), 0);
		CHECK_NEAR(m[2].share, 0.2);
		CHECK_NAN(m[2].base_rate);
		CHECK_NAN(m[2].selection_rate);
		CHECK_NAN(m[2].ci_low);
		CHECK_NAN(m[2].ci_high);
		CHECK_NAN(m[2].impact_ratio);
		CHECK_NAN(m[2].impact_ratio_ref);
		CHECK_NAN(m[2].spd_ref);
		CHECK_NAN(m[2].p_value);
		CHECK(m[2].test == NULL);
		CHECK(!m[2].eligible && !m[2].four_fifths && m[2].small);
		/* Left out of the chi-square: 2 groups, 1 dof. */
		CHECK_NEAR(a.chi2_dof, 1.0);
	}
	/* Nobody selected anywhere: the highest rate is 0, so impact ratios
	 * are NaN and nobody is flagged; dp difference 0, ratio NaN; the
	 * chi-square is undefined (zero margin). */
	{
		aud_group_counts g[2] = {grp("A", 10, 0), grp("B", 10, 0)};

		CHECK_EQ_INT(
		    aud_fairness_compute(g, 2, NONE, 0, 0, m, &a, NULL), 0);
		CHECK_EQ_INT(a.most_selected, 0);
		CHECK_NAN(m[0].impact_ratio);
		CHECK_NAN(m[1].impact_ratio);
		CHECK_NAN(m[1].impact_ratio_ref);
		CHECK_NEAR(m[1].spd_ref, 0.0);
		CHECK(!m[0].four_fifths && !m[1].four_fifths);
		CHECK_NEAR(a.dp_difference, 0.0);
		CHECK_NAN(a.dp_ratio);
		CHECK_NAN(a.chi2);
		CHECK_NAN(a.chi2_p);
		/* Expected cells are 0: Fisher, and the only table is p = 1. */
		CHECK(m[1].test && strcmp(m[1].test, "fisher") == 0);
		CHECK_NEAR(m[1].p_value, 1.0);
	}
	/* No eligible group at all: no most selected group, no reference. */
	{
		aud_group_counts g[2] = {grp("(unknown)", 10, 5),
					 grp("A", 0, 0)};

		CHECK_EQ_INT(
		    aud_fairness_compute(g, 2, NONE, 0, 1, m, &a, NULL), 0);
		CHECK_EQ_INT(a.most_selected, NONE);
		CHECK_EQ_INT(a.reference, NONE);
		CHECK_NAN(m[0].impact_ratio);
		CHECK_NAN(m[0].impact_ratio_ref);
		CHECK_NAN(m[0].p_value);
		CHECK(!m[0].is_reference && !m[1].is_reference);
		CHECK_NAN(a.dp_difference);
		CHECK_NAN(a.eo_difference);
		CHECK_NAN(a.average_odds_difference);
		CHECK_NEAR(m[1].share, 0.0);
		/* has_predictions = 1 but no prediction counts: NaN rates. */
		CHECK_NAN(m[0].selection_rate);
		CHECK_NAN(m[0].tpr);
		CHECK_NEAR(m[0].base_rate, 0.5);
	}
	/* A group with no actual positives has no TPR: it is skipped in
	 * the TPR range, the FPR range still counts it. G1 TPR 0.75, FPR
	 * 1/3; N: tp 0, fp 5, tn 15, fn 0: TPR NaN, FNR NaN, FPR 0.25,
	 * NPV 1, PPV 0. eq opportunity over G1 alone: 0; FPR difference
	 * 1/3 - 1/4 = 1/12; eo difference max(0, 1/12) = 1/12; eo ratio
	 * min(1, 0.75) = 0.75; AOD of N vs G1 is NaN, so no group: NaN. */
	{
		aud_group_counts g[2] = {pgrp("G1", 30, 20, 40, 10),
					 pgrp("N", 0, 5, 15, 0)};

		CHECK_EQ_INT(
		    aud_fairness_compute(g, 2, NONE, 0, 1, m, &a, NULL), 0);
		CHECK_NAN(m[1].tpr);
		CHECK_NAN(m[1].fnr);
		CHECK_NEAR(m[1].fpr, 0.25);
		CHECK_NEAR(m[1].ppv, 0.0);
		CHECK_NEAR(m[1].npv, 1.0);
		CHECK_NEAR(a.eq_opportunity_difference, 0.0);
		CHECK_NEAR(a.eo_difference, 1.0 / 12.0);
		CHECK_NEAR(a.eo_ratio, 0.75);
		CHECK_NAN(a.average_odds_difference);
	}
}

static void test_usage(void)
{
	aud_group_counts g[2] = {grp("A", 10, 5), grp("B", 10, 2)};
	aud_group_metrics m[2];
	aud_attribute_metrics a;
	aud_err err;

	aud_err_clear(&err);
	CHECK_EQ_INT(aud_fairness_compute(g, 0, NONE, 0.02, 0, m, &a, &err),
		     AUD_EUSAGE);
	CHECK_EQ_INT(err.code, AUD_EUSAGE);
	CHECK(err.msg[0] != '\0');
	/* err may be NULL. */
	CHECK_EQ_INT(aud_fairness_compute(g, 0, NONE, 0.02, 0, m, &a, NULL),
		     AUD_EUSAGE);
	/* A part larger than its whole. */
	g[1].pos = 11;
	g[1].n_outcome = 11;
	CHECK_EQ_INT(aud_fairness_compute(g, 2, NONE, 0.02, 0, m, &a, NULL),
		     AUD_EUSAGE);
	g[1] = grp("B", 10, 2);
	g[1].pos = 3;
	g[1].n_outcome = 2;
	CHECK_EQ_INT(aud_fairness_compute(g, 2, NONE, 0.02, 0, m, &a, NULL),
		     AUD_EUSAGE);
	g[1] = grp("B", 10, 2);
	CHECK_EQ_INT(aud_fairness_compute(g, 2, NONE, NAN, 0, m, &a, NULL),
		     AUD_EUSAGE);
	CHECK_EQ_INT(aud_fairness_compute(g, 2, NONE, 0.02, 0, m, &a, NULL), 0);
}

int main(void)
{
	RUN(test_three_groups);
	RUN(test_four_fifths_boundary);
	RUN(test_min_share);
	RUN(test_unknown);
	RUN(test_reference);
	RUN(test_significance);
	RUN(test_predictions);
	RUN(test_nan);
	RUN(test_usage);
	return DONE();
}
