/*
 * test_statmath.c: checks statmath.c against values from published sources
 * (R's documentation examples, SciPy's documentation, Newcombe 1998, R's
 * qnorm/qchisq quantiles) and against second implementations written here
 * in a different way: exact integer enumeration of small Fisher tables,
 * the Wilson bounds as roots of their quadratic in long double, the
 * closed forms of the chi-square tail for integer degrees of freedom, and
 * a brute-force log-gamma sum in long double for large Fisher tables.
 */
#include "auditor/statmath.h"

#include <math.h>
#include <stdint.h>
#include <time.h>

#include "harness.h"

/* |got - want| <= rel * |want|, or both NaN. */
static int near(double got, double want, double rel)
{
	if (isnan(want))
		return isnan(got);
	if (got == want)
		return 1;
	return fabs(got - want) <= rel * fabs(want);
}

static int near_abs(double got, double want, double tol)
{
	return fabs(got - want) <= tol;
}

static int prob_ok(double p) { return p >= 0 && p <= 1; }

/* ---- normal tail ---------------------------------------------------- */

static void test_normal_sf(void)
{
	/* Quantiles from R: qnorm(0.975), qnorm(0.95), qnorm(0.995); the
	 * tails at those rounded points agree with 0.025, 0.05, 0.005 to
	 * better than 3e-15 (checked with 40-digit mpmath). */
	CHECK(near(aud_normal_sf(AUD_Z95), 0.025, 1e-12));
	CHECK(near(aud_normal_sf(1.6448536269514722), 0.05, 1e-12));
	CHECK(near(aud_normal_sf(2.5758293035489004), 0.005, 1e-12));
	CHECK(near(aud_normal_sf(-AUD_Z95), 0.975, 1e-12));
	CHECK(aud_normal_sf(0) == 0.5);
	/* pnorm(8, lower.tail = FALSE) = 6.220960574271784e-16 */
	CHECK(near(aud_normal_sf(8), 6.220960574271784e-16, 1e-12));
	CHECK(aud_normal_sf(INFINITY) == 0);
	CHECK(aud_normal_sf(-INFINITY) == 1);
	CHECK(isnan(aud_normal_sf(NAN)));
	/* sf(z) + sf(-z) = 1 and monotone decreasing */
	for (double z = -6; z <= 6; z += 0.25) {
		CHECK(near_abs(aud_normal_sf(z) + aud_normal_sf(-z), 1, 1e-15));
		CHECK(aud_normal_sf(z) > aud_normal_sf(z + 0.25));
		CHECK(prob_ok(aud_normal_sf(z)));
	}
}

/* ---- Wilson interval ------------------------------------------------ */

/* The Wilson bounds solve (phat - p)^2 = z^2 p (1 - p) / n, i.e.
 * (1 + z^2/n) p^2 - (2 phat + z^2/n) p + phat^2 = 0; roots by the
 * quadratic formula in long double. */
static void wilson_ref(uint64_t k, uint64_t n, long double z, long double *lo,
		       long double *hi)
{
	long double ph = (long double)k / n, t = z * z / n;
	long double a = 1 + t, b = -(2 * ph + t), c = ph * ph;
	long double disc = sqrtl(b * b - 4 * a * c);

	*lo = (-b - disc) / (2 * a);
	*hi = (-b + disc) / (2 * a);
}

static void test_wilson_published(void)
{
	double lo, hi;

	/* Newcombe 1998, Stat. Med. 17:857-872, Table II, method 3, to four
	 * decimals: 81/263, 15/148, 0/20, 1/29. */
	CHECK_EQ_INT(aud_wilson_interval(81, 263, AUD_Z95, &lo, &hi), 0);
	CHECK(near_abs(lo, 0.2553, 5e-5) && near_abs(hi, 0.3662, 5e-5));
	CHECK_EQ_INT(aud_wilson_interval(15, 148, AUD_Z95, &lo, &hi), 0);
	CHECK(near_abs(lo, 0.0624, 5e-5) && near_abs(hi, 0.1605, 5e-5));
	CHECK_EQ_INT(aud_wilson_interval(0, 20, AUD_Z95, &lo, &hi), 0);
	CHECK(lo == 0 && near_abs(hi, 0.1611, 5e-5));
	CHECK_EQ_INT(aud_wilson_interval(1, 29, AUD_Z95, &lo, &hi), 0);
	CHECK(near_abs(lo, 0.0061, 5e-5) && near_abs(hi, 0.1718, 5e-5));
}

static void test_wilson_quadratic(void)
{
	static const double zs[] = {AUD_Z95, 1.0, 2.5758293035489004, 0.5};
	double lo, hi, plo, phi, lo2, hi2;
	long double rl, rh;
	int bad = 0;

	for (size_t zi = 0; zi < sizeof zs / sizeof zs[0]; zi++) {
		for (uint64_t n = 1; n <= 40; n++) {
			plo = phi = -1;
			for (uint64_t k = 0; k <= n; k++) {
				if (aud_wilson_interval(k, n, zs[zi], &lo,
							&hi) != 0)
					bad++;
				wilson_ref(k, n, zs[zi], &rl, &rh);
				if (!near_abs(lo, (double)rl, 1e-14) ||
				    !near(hi, (double)rh, 1e-13))
					bad++;
				/* lower bound relative accuracy too */
				if (k > 0 && !near(lo, (double)rl, 1e-12))
					bad++;
				/* contains the estimate, inside [0,1] */
				if (!(0 <= lo && lo <= (double)k / n &&
				      (double)k / n <= hi && hi <= 1))
					bad++;
				/* strictly increasing in k */
				if (!(lo > plo || (k == 0 && lo == 0)) ||
				    !(hi > phi))
					bad++;
				/* mirror: lo(k) = 1 - hi(n - k) */
				aud_wilson_interval(n - k, n, zs[zi], &lo2,
						    &hi2);
				if (!near_abs(lo, 1 - hi2, 1e-15) ||
				    !near_abs(hi, 1 - lo2, 1e-15))
					bad++;
				plo = lo;
				phi = hi;
			}
		}
	}
	CHECK_EQ_INT(bad, 0);
}

static void test_wilson_edges(void)
{
	double lo, hi, w1, w2, z2 = AUD_Z95 * AUD_Z95;
	long double rl, rh;

	/* no data: the whole range */
	CHECK_EQ_INT(aud_wilson_interval(0, 0, AUD_Z95, &lo, &hi), 0);
	CHECK(lo == 0 && hi == 1);
	/* k = 0: [0, z^2 / (n + z^2)]; k = n: [n / (n + z^2), 1] */
	CHECK_EQ_INT(aud_wilson_interval(0, 1000000000, AUD_Z95, &lo, &hi), 0);
	CHECK(lo == 0 && near(hi, z2 / (1e9 + z2), 1e-12));
	CHECK_EQ_INT(
	    aud_wilson_interval(1000000000, 1000000000, AUD_Z95, &lo, &hi), 0);
	CHECK(hi == 1 && near(lo, 1e9 / (1e9 + z2), 1e-12));
	/* one success in a billion: no cancellation in the lower bound */
	aud_wilson_interval(1, 1000000000, AUD_Z95, &lo, &hi);
	wilson_ref(1, 1000000000, AUD_Z95, &rl, &rh);
	CHECK(near(lo, (double)rl, 1e-9) && near(hi, (double)rh, 1e-9));
	CHECK(lo > 0 && lo < 1e-9 && hi > 1e-9);
	/* width shrinks as n grows at a fixed rate */
	aud_wilson_interval(50, 100, AUD_Z95, &lo, &hi);
	w1 = hi - lo;
	aud_wilson_interval(500, 1000, AUD_Z95, &lo, &hi);
	w2 = hi - lo;
	CHECK(w2 < w1);
	/* half of the largest n still lands in [0,1] around 1/2 */
	CHECK_EQ_INT(
	    aud_wilson_interval(UINT64_MAX / 2, UINT64_MAX, AUD_Z95, &lo, &hi),
	    0);
	CHECK(0 <= lo && lo <= 0.5 && 0.5 <= hi && hi <= 1);
	/* z = 0 collapses to the estimate */
	aud_wilson_interval(3, 12, 0, &lo, &hi);
	CHECK(lo == 0.25 && hi == 0.25);
	aud_wilson_interval(0, 12, 0, &lo, &hi);
	CHECK(lo == 0 && hi == 0);
	/* bad input */
	CHECK_EQ_INT(aud_wilson_interval(5, 4, AUD_Z95, &lo, &hi), AUD_EUSAGE);
	CHECK(isnan(lo) && isnan(hi));
	CHECK_EQ_INT(aud_wilson_interval(1, 4, -1, &lo, &hi), AUD_EUSAGE);
	CHECK_EQ_INT(aud_wilson_interval(1, 4, NAN, &lo, &hi), AUD_EUSAGE);
	CHECK_EQ_INT(aud_wilson_interval(1, 4, INFINITY, &lo, &hi), AUD_EUSAGE);
	CHECK_EQ_INT(aud_wilson_interval(1, 4, AUD_Z95, NULL, &hi), AUD_EUSAGE);
	CHECK(isnan(hi));
}

/* ---- two-proportion z ----------------------------------------------- */

static void test_two_proportion(void)
{
	double z, p, z2, p2, chi2, dof, pc;
	uint64_t pos[2], n[2];

	/* 15/20 against 10/20: pooled 5/8, z^2 = 0.0625 / (5/8 * 3/8 / 10)
	 * = 8/3 by hand; R: prop.test(c(15, 10), c(20, 20), correct = FALSE)
	 * gives X-squared = 2.6667, p-value = 0.1025; erfc(sqrt(4/3)) =
	 * 0.10247043485974943 (mpmath, 40 digits). */
	CHECK_EQ_INT(aud_two_proportion_z(15, 20, 10, 20, &z, &p), 0);
	CHECK(near(z, sqrt(8.0 / 3.0), 1e-12));
	CHECK(near(p, 0.10247043485974943, 1e-12));
	/* antisymmetric in the groups, same p */
	CHECK_EQ_INT(aud_two_proportion_z(10, 20, 15, 20, &z2, &p2), 0);
	CHECK(near(z2, -z, 1e-15) && near(p2, p, 1e-15));
	/* z^2 is Pearson's chi-square of the same 2x2 table */
	pos[0] = 37, n[0] = 120, pos[1] = 61, n[1] = 133;
	aud_two_proportion_z(37, 120, 61, 133, &z, &p);
	aud_chi_square_test(pos, n, 2, &chi2, &dof, &pc);
	CHECK(near(z * z, chi2, 1e-12) && near(p, pc, 1e-10) && dof == 1);
	CHECK(z < 0);
	/* nobody / everybody positive: no difference, no variance */
	CHECK_EQ_INT(aud_two_proportion_z(0, 20, 0, 30, &z, &p), 0);
	CHECK(z == 0 && p == 1);
	CHECK_EQ_INT(aud_two_proportion_z(20, 20, 30, 30, &z, &p), 0);
	CHECK(z == 0 && p == 1);
	/* equal rates */
	CHECK_EQ_INT(aud_two_proportion_z(5, 10, 50, 100, &z, &p), 0);
	CHECK(z == 0 && p == 1);
	/* empty group: undefined; impossible counts: usage error */
	CHECK_EQ_INT(aud_two_proportion_z(0, 0, 3, 10, &z, &p),
		     AUD_STAT_UNDEFINED);
	CHECK(isnan(z) && isnan(p));
	CHECK_EQ_INT(aud_two_proportion_z(3, 10, 0, 0, &z, &p),
		     AUD_STAT_UNDEFINED);
	CHECK_EQ_INT(aud_two_proportion_z(11, 10, 3, 10, &z, &p), AUD_EUSAGE);
	CHECK(isnan(z) && isnan(p));
	CHECK_EQ_INT(aud_two_proportion_z(1, UINT64_MAX, 3, 10, &z, &p),
		     AUD_EUSAGE);
	CHECK_EQ_INT(aud_two_proportion_z(1, 2, 3, 10, NULL, &p), AUD_EUSAGE);
}

static void test_two_proportion_large(void)
{
	double z, p;
	long double p1, p2, pp, zr;

	/* a billion a side, rates 0.50005 and 0.5: textbook formula with
	 * rates, in long double */
	CHECK_EQ_INT(aud_two_proportion_z(500050000, 1000000000, 500000000,
					  1000000000, &z, &p),
		     0);
	p1 = 500050000.0L / 1e9L, p2 = 0.5L, pp = 1000050000.0L / 2e9L;
	zr = (p1 - p2) / sqrtl(pp * (1 - pp) * (2 / 1e9L));
	CHECK(near(z, (double)zr, 1e-9));
	CHECK(near(p, erfc((double)zr / sqrt(2.0)), 1e-9));
	CHECK(prob_ok(p) && p > 0.02 && p < 0.03); /* z = sqrt 5 */
	/* rates one count apart out of four billion: exact numerator */
	CHECK_EQ_INT(aud_two_proportion_z(2000000001, 4000000000, 2000000000,
					  4000000000, &z, &p),
		     0);
	p1 = 2000000001.0L / 4e9L, p2 = 0.5L, pp = 4000000001.0L / 8e9L;
	zr = (p1 - p2) / sqrtl(pp * (1 - pp) * (2 / 4e9L));
	CHECK(near(z, (double)zr, 1e-9));
	CHECK(z > 0 && prob_ok(p) && p > 0.99);
	/* a single positive among 1e9 and 1e9 against 0 of 10 */
	CHECK_EQ_INT(aud_two_proportion_z(1, 1000000000, 0, 10, &z, &p), 0);
	CHECK(prob_ok(p) && !isnan(z));
}

/* ---- Fisher exact --------------------------------------------------- */

static uint64_t binom(uint64_t n, uint64_t k)
{
	uint64_t r = 1;

	if (k > n)
		return 0;
	for (uint64_t i = 1; i <= k; i++)
		r = r * (n - k + i) / i; /* exact: r * (n-k+i) = C * i */
	return r;
}

/* Exact Fisher p by enumeration with integers: the probability of table x
 * is C(r1, x) C(r2, c1 - x) / C(N, c1); ties as R, h <= h_obs (1 + 1e-7),
 * tested as h * 10^7 <= h_obs * (10^7 + 1). Needs N <= 24 or so. */
static double fisher_ref(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	uint64_t r1 = a + b, r2 = c + d, c1 = a + c, nn = r1 + r2;
	uint64_t lo = c1 > r2 ? c1 - r2 : 0, hi = r1 < c1 ? r1 : c1;
	uint64_t ho = binom(r1, a) * binom(r2, c1 - a), s = 0, h;

	for (uint64_t x = lo; x <= hi; x++) {
		h = binom(r1, x) * binom(r2, c1 - x);
		if (h * 10000000u <= ho * 10000001u)
			s += h;
	}
	return (double)s / (double)binom(nn, c1);
}

static void test_fisher_published(void)
{
	/* Fisher's tea tasting, R ?fisher.test TeaTasting: two-sided
	 * p = 0.4857 = 34/70 */
	CHECK(near(aud_fisher_exact_p(3, 1, 1, 3), 34.0 / 70.0, 1e-12));
	/* R ?fisher.test Convictions, matrix(c(2, 10, 15, 3), nrow = 2):
	 * two-sided p = 0.0005367 = 3571/6653325 (exact enumeration) */
	CHECK(
	    near(aud_fisher_exact_p(2, 15, 10, 3), 3571.0 / 6653325.0, 1e-12));
	CHECK(near_abs(aud_fisher_exact_p(2, 15, 10, 3), 0.0005367, 5e-8));
	/* SciPy fisher_exact docs: [[6, 2], [1, 4]] -> 0.10256410256410257
	 * (= 4/39); older docs: [[8, 2], [1, 5]] -> 0.0349650349650349
	 * (= 5/143) */
	CHECK(near(aud_fisher_exact_p(6, 2, 1, 4), 4.0 / 39.0, 1e-12));
	CHECK(near(aud_fisher_exact_p(8, 2, 1, 5), 5.0 / 143.0, 1e-12));
	/* by hand: [[0, 5], [7, 0]], margins 5, 7 / 7, 5: only the observed
	 * table has probability 1/792 = 1/C(12, 7); the rest are likelier */
	CHECK(near(aud_fisher_exact_p(0, 5, 7, 0), 1.0 / 792.0, 1e-12));
	/* a single possible table */
	CHECK(aud_fisher_exact_p(0, 0, 0, 0) == 1);
	CHECK(aud_fisher_exact_p(5, 0, 0, 0) == 1);
	CHECK(aud_fisher_exact_p(5, 7, 0, 0) == 1);
	CHECK(aud_fisher_exact_p(5, 0, 9, 0) == 1);
	/* overflowing total */
	CHECK(isnan(aud_fisher_exact_p(UINT64_MAX, 1, 0, 0)));
	CHECK(isnan(aud_fisher_exact_p(1, 1, UINT64_MAX, 0)));
}

/* One small table against the enumeration, and read the other ways round
 * (transpose, rows swapped): returns the number of failures. */
static int fisher_one(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	double p = aud_fisher_exact_p(a, b, c, d);
	double want = fisher_ref(a, b, c, d);
	int bad = 0;

	if (!near(p, want, 1e-12) || !prob_ok(p)) {
		fprintf(stderr, "fisher %d %d %d %d: %.17g want %.17g\n",
			(int)a, (int)b, (int)c, (int)d, p, want);
		bad++;
	}
	if (!near(aud_fisher_exact_p(a, c, b, d), p, 1e-13))
		bad++;
	if (!near(aud_fisher_exact_p(c, d, a, b), p, 1e-13))
		bad++;
	return bad;
}

static void test_fisher_exhaustive(void)
{
	int bad = 0, checked = 0;
	uint64_t a, b, c, d, max = 22;

	/* every table with a+b+c+d <= 22 */
	for (a = 0; a <= max; a++)
		for (b = 0; a + b <= max; b++)
			for (c = 0; a + b + c <= max; c++)
				for (d = 0; a + b + c + d <= max; d++) {
					bad += fisher_one(a, b, c, d);
					checked++;
				}
	CHECK_EQ_INT(bad, 0);
	CHECK(checked > 10000);
}

/* Brute force in the log domain with lgammal over mode +- 60 sd (terms
 * outside are below e^-1800 of the mode). Slow but simple. */
static double fisher_lg(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	long double r1 = a + b, r2 = c + d, c1 = a + c, nn = r1 + r2;
	long double lo = c1 > r2 ? c1 - r2 : 0, hi = r1 < c1 ? r1 : c1;
	long double var = r1 * r2 * c1 * (nn - c1) / (nn * nn * (nn - 1));
	long double mean = r1 * c1 / nn, w = 60 * sqrtl(var) + 60;
	long double from = fmaxl(lo, floorl(mean - w));
	long double to = fminl(hi, ceill(mean + w));
	long double lo_obs, s = 0, t = 0, lp, x;

#define LH(x)                                                                  \
	(-lgammal((x) + 1) - lgammal(r1 - (x) + 1) - lgammal(c1 - (x) + 1) -   \
	 lgammal(r2 - c1 + (x) + 1))
	lo_obs = LH((long double)a);
	for (x = from; x <= to; x += 1) {
		lp = LH(x) - lo_obs;
		t += expl(lp);
		if (lp <= logl(1 + 1e-7L))
			s += expl(lp);
	}
#undef LH
	return (double)(s / t);
}

static void test_fisher_large(void)
{
	static const uint64_t tabs[][4] = {
	    {1000, 2000, 1500, 2600},
	    {120000, 80000, 118000, 82000},
	    {3, 997000, 40, 2000000},
	    {0, 500000, 25, 1000000},
	    {2000000, 1000000, 1995000, 1005000},
	    {50, 5000000, 80, 5000000},
	    {1000, 1000, 1000, 1000},
	};
	double p, want;
	clock_t t0;

	for (size_t i = 0; i < sizeof tabs / sizeof tabs[0]; i++) {
		const uint64_t *t = tabs[i];

		p = aud_fisher_exact_p(t[0], t[1], t[2], t[3]);
		want = fisher_lg(t[0], t[1], t[2], t[3]);
		if (!near(p, want, 1e-9))
			fprintf(stderr, "fisher large %zu: %.17g want %.17g\n",
				i, p, want);
		CHECK(near(p, want, 1e-9));
		CHECK(prob_ok(p));
		/* the same table read the other ways round */
		CHECK(
		    near(aud_fisher_exact_p(t[0], t[2], t[1], t[3]), p, 1e-10));
		CHECK(
		    near(aud_fisher_exact_p(t[2], t[3], t[0], t[1]), p, 1e-10));
		CHECK(
		    near(aud_fisher_exact_p(t[1], t[0], t[3], t[2]), p, 1e-10));
		CHECK(
		    near(aud_fisher_exact_p(t[3], t[1], t[2], t[0]), p, 1e-10));
	}

	/* billions: quick, in range, and the extremes right */
	t0 = clock();
	CHECK(near(
	    aud_fisher_exact_p(1000000000, 1000000000, 1000000000, 1000000000),
	    1, 1e-12));
	p = aud_fisher_exact_p(0, 1000000000, 1000000000, 0);
	CHECK(p == 0); /* 2 / C(2e9, 1e9), far below the double range */
	p = aud_fisher_exact_p(1000000000, 1000000000, 1000000000, 1000100000);
	/* lgammal loses digits at 1e9 (its ulp there is ~2e-9) */
	CHECK(near(p, fisher_lg(1000000000, 1000000000, 1000000000, 1000100000),
		   1e-6));
	CHECK(prob_ok(p) && p > 0.1 && p < 0.12); /* about 1.58 sd out */
	p = aud_fisher_exact_p(1, 3000000000u, 0, 3000000000u);
	CHECK(near(p, 1, 1e-12)); /* a = 1 and a = 0 have equal odds */
	CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 5);
	/* monotone: a more lopsided table is less likely under H0 */
	CHECK(aud_fisher_exact_p(30, 70, 50, 50) >
	      aud_fisher_exact_p(25, 75, 50, 50));
	CHECK(aud_fisher_exact_p(25, 75, 50, 50) >
	      aud_fisher_exact_p(20, 80, 50, 50));
}

/* ---- chi-square tail ------------------------------------------------ */

/* Closed forms for integer k (Abramowitz and Stegun 26.4.4, 26.4.5):
 * even k: e^{-x/2} sum_{j < k/2} (x/2)^j / j!;
 * odd k: erfc(sqrt(x/2)) + e^{-x/2} sum_{j=1}^{(k-1)/2}
 *        (x/2)^{j-1/2} / Gamma(j + 1/2). */
static double chi2_closed(double x, int k)
{
	double h = x / 2, term, s;
	int j;

	if (k % 2 == 0) {
		term = 1, s = 1;
		for (j = 1; j < k / 2; j++) {
			term *= h / j;
			s += term;
		}
		return exp(-h) * s;
	}
	s = 0;
	term = sqrt(h) / tgamma(1.5); /* j = 1 */
	for (j = 1; j <= (k - 1) / 2; j++) {
		s += term;
		term *= h / (j + 0.5);
	}
	return erfc(sqrt(h)) + exp(-h) * s;
}

static void test_chi2_sf(void)
{
	static const double xs[] = {1e-6, 0.01, 0.3, 1,	 1.9, 2,   2.1, 3.99, 4,
				    7.5,  15,	30,  60, 120, 300, 700, 1400};
	int bad = 0;
	double prev;

	/* R qchisq quantiles; the tails at the printed points agree with the
	 * round values to 1e-15 (mpmath, 40 digits) */
	CHECK(near(aud_chi2_sf(3.841458820694124, 1), 0.05, 1e-12));
	CHECK(near(aud_chi2_sf(6.6348966010212145, 1), 0.01, 1e-12));
	CHECK(near(aud_chi2_sf(5.991464547107979, 2), 0.05, 1e-12));
	CHECK(near(aud_chi2_sf(11.070497693516351, 5), 0.05, 1e-12));
	CHECK(near(aud_chi2_sf(18.307038053275146, 10), 0.05, 1e-12));
	/* k = 2 is exp(-x/2); k = 1 is erfc(sqrt(x/2)) = 2 sf_N(sqrt x) */
	for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
		if (!near(aud_chi2_sf(xs[i], 2), exp(-xs[i] / 2), 1e-13))
			bad++;
		if (!near(aud_chi2_sf(xs[i], 1), erfc(sqrt(xs[i] / 2)), 1e-12))
			bad++;
		if (!near(aud_gamma_q(1, xs[i]), exp(-xs[i]), 1e-13))
			bad++;
		for (int k = 1; k <= 40; k++) {
			double got = aud_chi2_sf(xs[i], k);
			double want = chi2_closed(xs[i], k);

			if (!near(got, want, 1e-11) || !prob_ok(got)) {
				if (bad++ < 5)
					fprintf(stderr,
						"chi2 sf(%g, %d) = %.17g want "
						"%.17g\n",
						xs[i], k, got, want);
			}
		}
	}
	CHECK_EQ_INT(bad, 0);
	/* decreasing in x, increasing in k */
	prev = 1;
	for (double x = 0.5; x < 50; x += 0.5) {
		CHECK(aud_chi2_sf(x, 3) < prev);
		prev = aud_chi2_sf(x, 3);
		CHECK(aud_chi2_sf(x, 4) > aud_chi2_sf(x, 3));
	}
	/* large k: Wilson-Hilferty approximation, good to ~1e-4 there */
	for (double k = 1000; k <= 100000; k *= 10) {
		double x = k + 2 * sqrt(2 * k), v = 2 / (9 * k);
		double wh = aud_normal_sf((cbrt(x / k) - (1 - v)) / sqrt(v));

		CHECK(near_abs(aud_chi2_sf(x, k), wh, 1e-4));
		CHECK(aud_chi2_sf(k, k) < 0.5 && aud_chi2_sf(k, k) > 0.49);
	}
	/* non-integer k: Q(0.75, x) between Q(0.5) and Q(1) */
	CHECK(aud_chi2_sf(2, 1.5) > aud_chi2_sf(2, 1) &&
	      aud_chi2_sf(2, 1.5) < aud_chi2_sf(2, 2));
	/* edges */
	CHECK(aud_chi2_sf(0, 3) == 1);
	CHECK(aud_chi2_sf(-1, 3) == 1);
	CHECK(aud_chi2_sf(INFINITY, 3) == 0);
	CHECK(isnan(aud_chi2_sf(NAN, 3)));
	CHECK(isnan(aud_chi2_sf(1, 0)));
	CHECK(isnan(aud_chi2_sf(1, -2)));
	CHECK(isnan(aud_chi2_sf(1, NAN)));
	CHECK(isnan(aud_gamma_q(0, 1)));
	CHECK(isnan(aud_gamma_q(1, -1)));
	CHECK(aud_chi2_sf(1e6, 1) == 0);
}

/* ---- Pearson chi-square on 2 x G ------------------------------------ */

static void test_chi_square(void)
{
	double chi2, dof, p;

	/* R ?chisq.test: party by gender, rbind(c(762, 327, 468),
	 * c(484, 239, 477)) -> X-squared = 30.07, df = 2, p = 2.954e-07.
	 * Exact statistic by fractions: 30.070149095754672; with 2 dof the
	 * tail is exp(-chi2/2) = 2.9535891832117580e-07. */
	{
		uint64_t pos[] = {762, 327, 468}, n[] = {1246, 566, 945};

		CHECK_EQ_INT(aud_chi_square_test(pos, n, 3, &chi2, &dof, &p),
			     0);
		CHECK(near(chi2, 30.070149095754672, 1e-12));
		CHECK(dof == 2);
		CHECK(near(p, 2.9535891832117580e-07, 1e-12));
	}
	/* by hand: 10, 20, 30 of 50 each: expected 20 and 30 per group,
	 * chi2 = 2 (100/20 + 100/30) = 50/3, p = exp(-25/3) */
	{
		uint64_t pos[] = {10, 20, 30}, n[] = {50, 50, 50};

		CHECK_EQ_INT(aud_chi_square_test(pos, n, 3, &chi2, &dof, &p),
			     0);
		CHECK(near(chi2, 50.0 / 3.0, 1e-13) && dof == 2);
		CHECK(near(p, exp(-25.0 / 3.0), 1e-12));
	}
	/* empty groups are skipped */
	{
		uint64_t pos[] = {0, 15, 0, 10}, n[] = {0, 20, 0, 20};

		CHECK_EQ_INT(aud_chi_square_test(pos, n, 4, &chi2, &dof, &p),
			     0);
		CHECK(near(chi2, 8.0 / 3.0, 1e-13) && dof == 1);
		CHECK(near(p, 0.10247043485974943, 1e-12));
	}
	/* billions: compare with sum (O - E)^2 / E over the 2G cells */
	{
		uint64_t pos[] = {400000000, 1300000000, 777777777},
			 n[] = {1000000000, 3000000000u, 2000000000};
		long double nn = 6e9L, pp = 2477777777.0L, s = 0, e;

		for (int i = 0; i < 3; i++) {
			e = (long double)n[i] * pp / nn;
			s += ((long double)pos[i] - e) *
			     ((long double)pos[i] - e) / e;
			e = (long double)n[i] * (nn - pp) / nn;
			s += ((long double)(n[i] - pos[i]) - e) *
			     ((long double)(n[i] - pos[i]) - e) / e;
		}
		CHECK_EQ_INT(aud_chi_square_test(pos, n, 3, &chi2, &dof, &p),
			     0);
		CHECK(near(chi2, (double)s, 1e-9) && dof == 2);
		CHECK(p == 0 || near(p, exp(-chi2 / 2), 1e-9));
	}
	/* undefined: one group, nobody or everybody positive */
	{
		uint64_t pos[] = {3, 0}, n[] = {10, 0};
		uint64_t z[] = {0, 0}, all[] = {10, 12}, nn[] = {10, 12};

		CHECK_EQ_INT(aud_chi_square_test(pos, n, 2, &chi2, &dof, &p),
			     AUD_STAT_UNDEFINED);
		CHECK(isnan(chi2) && isnan(dof) && isnan(p));
		CHECK_EQ_INT(aud_chi_square_test(z, nn, 2, &chi2, &dof, &p),
			     AUD_STAT_UNDEFINED);
		CHECK_EQ_INT(aud_chi_square_test(all, nn, 2, &chi2, &dof, &p),
			     AUD_STAT_UNDEFINED);
		CHECK_EQ_INT(
		    aud_chi_square_test(NULL, NULL, 0, &chi2, &dof, &p),
		    AUD_STAT_UNDEFINED);
	}
	/* bad input */
	{
		uint64_t pos[] = {11, 2}, n[] = {10, 5};
		uint64_t big[] = {UINT64_MAX, 2};

		CHECK_EQ_INT(aud_chi_square_test(pos, n, 2, &chi2, &dof, &p),
			     AUD_EUSAGE);
		CHECK(isnan(p));
		CHECK_EQ_INT(aud_chi_square_test(n, big, 2, &chi2, &dof, &p),
			     AUD_EUSAGE);
		CHECK_EQ_INT(aud_chi_square_test(NULL, n, 2, &chi2, &dof, &p),
			     AUD_EUSAGE);
		CHECK_EQ_INT(aud_chi_square_test(n, n, 2, &chi2, NULL, &p),
			     AUD_EUSAGE);
	}
}

int main(void)
{
	RUN(test_normal_sf);
	RUN(test_wilson_published);
	RUN(test_wilson_quadratic);
	RUN(test_wilson_edges);
	RUN(test_two_proportion);
	RUN(test_two_proportion_large);
	RUN(test_fisher_published);
	RUN(test_fisher_exhaustive);
	RUN(test_fisher_large);
	RUN(test_chi2_sf);
	RUN(test_chi_square);
	return DONE();
}
