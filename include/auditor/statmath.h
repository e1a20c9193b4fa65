/*
 * statmath.h: the statistics behind the bias audit. Pure functions of
 * counts: a confidence interval for a proportion, the normal and chi-square
 * upper tails, and three tests of "the rates differ" (two-proportion z,
 * Fisher's exact test on a 2x2 table, Pearson's chi-square on a 2 x G
 * table). Nothing here allocates, prints or keeps state; every function is
 * safe to call from any thread.
 *
 * Return codes of the int-returning functions:
 *   0                    the outputs hold the result;
 *   AUD_STAT_UNDEFINED   the inputs are valid but the statistic is not
 *                        defined for them (an empty group, fewer than two
 *                        groups, a zero margin); the outputs are NaN;
 *   AUD_EUSAGE           the inputs are impossible (k > n, a NULL output,
 *                        counts whose sum overflows 64 bits, a bad z);
 *                        the outputs that could be written are NaN.
 * AUD_STAT_UNDEFINED is positive on purpose: it is not an error, callers
 * report "no test" and go on.
 */
#ifndef AUDITOR_STATMATH_H
#define AUDITOR_STATMATH_H

#include <stddef.h>
#include <stdint.h>

#include "auditor/common.h"

#define AUD_STAT_UNDEFINED 1

/* z for a two-sided 95% interval: the 0.975 quantile of the standard
 * normal (qnorm(0.975) in R). */
#define AUD_Z95 1.959963984540054

/* Wilson score interval for k successes in n trials (Wilson 1927, JASA 22,
 * 209-212; Newcombe 1998, Stat. Med. 17, 857-872, method 3, no continuity
 * correction):
 *   centre = (k + z^2/2) / (n + z^2),
 *   half   = z sqrt(k (n-k)/n + z^2/4) / (n + z^2).
 * Writes the bounds to *lo and *hi, with 0 <= lo <= k/n <= hi <= 1; lo is
 * exactly 0 when k = 0 and hi exactly 1 when k = n. n = 0 (no data) gives
 * the whole range, lo = 0 and hi = 1, and returns 0. z >= 0 is the normal
 * quantile (AUD_Z95 for 95%); z = 0 gives lo = hi = k/n.
 * Returns 0, or AUD_EUSAGE (lo = hi = NaN) when k > n, z is negative or
 * not finite, or lo or hi is NULL. */
int aud_wilson_interval(uint64_t k, uint64_t n, double z, double *lo,
			double *hi);

/* Upper tail P(Z > z) of the standard normal, 0.5 erfc(z / sqrt 2)
 * (Abramowitz and Stegun 26.2.29 / 7.1.2). Accurate in relative terms far
 * into the upper tail (about 1e-308 at z = 37.5); NaN for NaN. */
double aud_normal_sf(double z);

/* Pooled two-proportion z-test of p1 = k1/n1 against p2 = k2/n2 (Fleiss,
 * Levin and Paik 2003, Statistical Methods for Rates and Proportions,
 * 3rd ed., section 2.2; the same test as R's prop.test(correct = FALSE)):
 *   pooled P = (k1 + k2) / (n1 + n2),
 *   z = (p1 - p2) / sqrt(P (1 - P) (1/n1 + 1/n2)),
 *   p = 2 P(Z > |z|).
 * z > 0 when group 1 has the higher rate. z^2 equals Pearson's chi-square
 * of the 2x2 table. When P is 0 or 1 (nobody or everybody positive) the
 * rates are equal and there is no variance: z = 0, p = 1, return 0.
 * Returns 0; AUD_STAT_UNDEFINED with z = p = NaN when n1 or n2 is 0;
 * AUD_EUSAGE (outputs NaN) when k1 > n1, k2 > n2, a sum overflows or an
 * output is NULL. */
int aud_two_proportion_z(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2,
			 double *z, double *p);

/* Two-sided p-value of Fisher's exact test for the 2x2 table
 * [[a, b], [c, d]] (Fisher 1935, The Design of Experiments, section 2;
 * two-sided by the "probability of the table" rule of R's fisher.test,
 * Agresti 2002, Categorical Data Analysis, 2nd ed., 3.5.1): the sum of the
 * hypergeometric probabilities of all tables with the same margins whose
 * probability is at most (1 + 1e-7) times that of the observed table,
 * which keeps tables of equal probability from being lost to rounding.
 * The result is in [0, 1]; 1 when a margin is 0 (a single possible table).
 * It is 0 only when the true value is below the smallest double.
 * Probabilities are built by the ratio of successive hypergeometric terms,
 * walking out from the mode, in scaled doubles, so any counts work without
 * overflow; relative error about 1e-15 on small tables and under 1e-10 on
 * tables of billions. Time grows with the spread of the distribution
 * (about 20 sqrt(a+b+c+d) steps at most), not with the counts.
 * NaN when the total a+b+c+d overflows 64 bits. */
double aud_fisher_exact_p(uint64_t a, uint64_t b, uint64_t c, uint64_t d);

/* Pearson's chi-square test of independence on the 2 x G table whose
 * column i holds pos[i] positives and n[i] - pos[i] negatives (Pearson
 * 1900; Agresti 2002, 3.2.1; R's chisq.test(correct = FALSE)):
 *   chi2 = sum over cells (O - E)^2 / E, E = row total * column total / N,
 *   dof  = (non-empty groups) - 1,  p = Q(dof/2, chi2/2).
 * Groups with n[i] = 0 are left out (they have no expected counts). The
 * statistic is computed per group as (pos N - n P)^2 / (n P (N - P)), with
 * P the total positives, which avoids cancellation.
 * Returns 0; AUD_STAT_UNDEFINED with *chi2 = *dof = *p = NaN when fewer
 * than two groups are non-empty or every row is positive or every row
 * negative (a zero margin); AUD_EUSAGE (outputs NaN) when pos[i] > n[i],
 * the totals overflow, or a pointer is NULL (pos and n may be NULL when
 * groups is 0). */
int aud_chi_square_test(const uint64_t *pos, const uint64_t *n, size_t groups,
			double *chi2, double *dof, double *p);

/* Upper tail P(X > x) of the chi-square distribution with k degrees of
 * freedom, the regularised upper incomplete gamma Q(k/2, x/2) (Abramowitz
 * and Stegun 26.4.19 and 6.5.3). Q is evaluated by the power series of
 * P(a, x) when x < a + 1 and by the Lentz continued fraction of Q
 * otherwise (Press et al., Numerical Recipes in C, 2nd ed., 1992, section
 * 6.2, gser/gcf; the same split as Cephes igamc). Relative accuracy about
 * 1e-14 for moderate k. Returns 1 for x <= 0, 0 for x = +inf, NaN when x
 * or k is NaN or k <= 0. k need not be an integer. */
double aud_chi2_sf(double x, double k);

/* The regularised upper incomplete gamma function Q(a, x) =
 * Gamma(a, x) / Gamma(a) for a > 0, x >= 0 (same method as aud_chi2_sf,
 * which calls it). NaN for a <= 0, x < 0 or NaN arguments. */
double aud_gamma_q(double a, double x);

#endif
