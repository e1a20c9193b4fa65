/*
 * statmath.c: the numbers behind the bias audit's uncertainty and
 * significance columns: the Wilson interval, the normal and chi-square
 * tails, the two-proportion z-test, Fisher's exact test and Pearson's
 * chi-square test. Everything is a pure function of counts; which test to
 * run, for which groups, and how to report it is left to fairness.c.
 *
 * Care is taken where doubles lose digits: differences of rates are formed
 * as k1 n2 - k2 n1 in long double (exact while the products fit 64 bits),
 * the Wilson bounds are written so that nothing cancels, and Fisher's
 * probabilities are built from ratios of successive hypergeometric terms
 * rather than from differences of log-gamma values, which for counts in
 * the millions would keep only about eight digits.
 */
#include "auditor/statmath.h"

#include <float.h>
#include <math.h>

/* Adds a and b unless the sum wraps; returns 0 then, -1 on overflow. */
static int add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	if (a > UINT64_MAX - b)
		return -1;
	*out = a + b;
	return 0;
}

/*
 * The bounds are the roots of (k/n - p)^2 = z^2 p (1 - p) / n. With
 * A = k + z^2/2 and S = z sqrt(k (n-k)/n + z^2/4) they are
 * (A -+ S) / (n + z^2). The upper one adds positive terms; the lower one
 * would subtract nearly equal ones when k is small, so it is rewritten by
 * (A - S)(A + S) = k^2 (n + z^2) / n as k^2 / (n (A + S)).
 */
int aud_wilson_interval(uint64_t k, uint64_t n, double z, double *lo,
			double *hi)
{
	double dn, dk, dm, z2, a, s, phat, l, h;

	if (lo)
		*lo = NAN;
	if (hi)
		*hi = NAN;
	if (!lo || !hi || k > n || !(z >= 0) || isinf(z))
		return AUD_EUSAGE;
	if (n == 0) {
		*lo = 0;
		*hi = 1;
		return 0;
	}
	dn = (double)n;
	dk = (double)k;
	dm = (double)(n - k);
	phat = dk / dn;
	z2 = z * z;
	a = dk + z2 / 2;
	s = z * sqrt(dk * (dm / dn) + z2 / 4);
	l = k == 0 ? 0.0 : phat * (dk / (a + s));
	h = k == n ? 1.0 : (a + s) / (dn + z2);
	/* Rounding must not push a bound past the estimate or out of [0,1]. */
	*lo = fmax(0.0, fmin(l, phat));
	*hi = fmin(1.0, fmax(h, phat));
	return 0;
}

double aud_normal_sf(double z)
{
	if (isnan(z))
		return NAN;
	return 0.5 * erfc(z * M_SQRT1_2);
}

/*
 * z = (k1 n2 - k2 n1) / sqrt(K (N - K) n1 n2 / N), with K = k1 + k2 and
 * N = n1 + n2: the textbook formula with p1 - p2 and the pooled variance
 * multiplied through by n1 n2, so that the difference of two close rates
 * is an exact integer difference rather than a cancellation.
 */
int aud_two_proportion_z(uint64_t k1, uint64_t n1, uint64_t k2, uint64_t n2,
			 double *z, double *p)
{
	uint64_t kk, nn;
	long double num, var, zz;

	if (z)
		*z = NAN;
	if (p)
		*p = NAN;
	if (!z || !p || k1 > n1 || k2 > n2 || add_u64(n1, n2, &nn) < 0)
		return AUD_EUSAGE;
	if (n1 == 0 || n2 == 0)
		return AUD_STAT_UNDEFINED;
	kk = k1 + k2; /* <= nn, cannot wrap */
	if (kk == 0 || kk == nn) {
		*z = 0;
		*p = 1;
		return 0;
	}
	num = (long double)k1 * n2 - (long double)k2 * n1;
	var = (long double)kk * (long double)(nn - kk) / (long double)nn *
	      (long double)n1 * (long double)n2;
	zz = num / sqrtl(var);
	*z = (double)zz;
	*p = fmin(1.0, erfc(fabs((double)zz) * M_SQRT1_2));
	return 0;
}

/*
 * Fisher's exact test. With the margins fixed, the table is determined by
 * x, its top-left cell, which is hypergeometric on [lo, hi]:
 *   P(x) ~ 1 / (x! (r1-x)! (c1-x)! (r2-c1+x)!).
 * The ratio of neighbours is simple in the cells (a, b, c, d) of table x:
 *   P(x+1)/P(x) = b c / ((a+1)(d+1)),  P(x-1)/P(x) = a d / ((b+1)(c+1)),
 * and the products are exact in double while below 2^53. The distribution
 * is log-concave, so these ratios fall as one walks away from the mode,
 * which gives both the order of the terms and a bound on what is left of
 * a tail: after a term t with next ratio r < 1, at most t r / (1 - r).
 *
 * Weights are kept relative to the mode as m * 2^e (struct wt) so that
 * tails far below the double range still compare correctly; the answer is
 * w_obs * (sum of qualifying w / w_obs) / (sum of all w).
 */
struct fisher {
	uint64_t r1, r2, c1;
};

struct wt {
	double m;
	int e;
};

static double ratio_up(const struct fisher *f, uint64_t x)
{
	uint64_t b = f->r1 - x, c = f->c1 - x, d = x + f->r2 - f->c1;

	return ((double)b * (double)c) / ((double)(x + 1) * ((double)d + 1.0));
}

static double ratio_down(const struct fisher *f, uint64_t x)
{
	uint64_t b = f->r1 - x, c = f->c1 - x, d = x + f->r2 - f->c1;

	return ((double)x * (double)d) /
	       (((double)b + 1.0) * ((double)c + 1.0));
}

static void wt_mul(struct wt *w, double r)
{
	w->m *= r;
	if (w->m < 0x1p-500 && w->m > 0) {
		w->m *= 0x1p500;
		w->e -= 500;
	}
}

#define FISHER_TOL 1e-7 /* R's fisher.test: relErr <- 1 + 10^(-7) */
#define TAIL_EPS 1e-17	/* a tail this small relative to a sum is gone */
#define FLOOR_EXP (-1200)

struct sums {
	double all;  /* sum of w, relative to the mode */
	double qual; /* sum of w / w_obs over tables no likelier than obs */
};

/* Adds table x's weight w; returns w / w_obs when x qualifies, else -1. */
static double take(struct sums *s, struct wt w, struct wt wo)
{
	double q;

	s->all += ldexp(w.m, w.e);
	if (w.e - wo.e > 4000)
		return -1;
	q = ldexp(w.m / wo.m, w.e - wo.e);
	if (q > 1 + FISHER_TOL)
		return -1;
	s->qual += q;
	return q;
}

/* Walks from the mode m (already taken) to one end of the support, adding
 * terms until the rest of both sums is negligible. */
static void walk(const struct fisher *f, uint64_t m, uint64_t end, int up,
		 struct wt wo, struct sums *s)
{
	struct wt w = {1.0, 0};
	uint64_t x = m;
	double r, q = -1, left;

	while (x != end) {
		r = up ? ratio_up(f, x) : ratio_down(f, x);
		if (r < 1 && q >= 0) {
			left = r / (1 - r);
			if (ldexp(w.m, w.e) * left <= TAIL_EPS * s->all &&
			    q * left <= TAIL_EPS * s->qual)
				break;
		}
		wt_mul(&w, r);
		x = up ? x + 1 : x - 1;
		q = take(s, w, wo);
		if (w.m == 0)
			break; /* cannot happen inside the support; be safe */
	}
}

double aud_fisher_exact_p(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	struct fisher f;
	struct wt wo = {1.0, 0};
	struct sums s = {0, 0};
	uint64_t nn, lo, hi, m, x;
	double p;

	if (add_u64(a, b, &f.r1) < 0 || add_u64(c, d, &f.r2) < 0 ||
	    add_u64(f.r1, f.r2, &nn) < 0)
		return NAN;
	f.c1 = a + c; /* <= nn */
	lo = f.c1 > f.r2 ? f.c1 - f.r2 : 0;
	hi = f.r1 < f.c1 ? f.r1 : f.c1;
	if (lo == hi)
		return 1.0;

	/* The mode is floor((r1+1)(c1+1)/(N+2)); the double estimate can be
	 * off by a little for huge counts, so settle it on the ratios. */
	p = floor(((double)f.r1 + 1) * ((double)f.c1 + 1) / ((double)nn + 2));
	m = p <= (double)lo ? lo : p >= (double)hi ? hi : (uint64_t)p;
	while (m < hi && ratio_up(&f, m) > 1)
		m++;
	while (m > lo && ratio_down(&f, m) > 1)
		m--;

	/* Weight of the observed table relative to the mode. Below 2^-1200
	 * the p-value (at most 2^64 such terms over a sum >= 1) is under the
	 * smallest subnormal double. */
	for (x = m; x != a; x = a > m ? x + 1 : x - 1) {
		wt_mul(&wo, a > m ? ratio_up(&f, x) : ratio_down(&f, x));
		if (wo.e < FLOOR_EXP || wo.m == 0)
			return 0.0;
	}

	take(&s, (struct wt){1.0, 0}, wo);
	walk(&f, m, hi, 1, wo, &s);
	walk(&f, m, lo, 0, wo, &s);
	p = ldexp(wo.m * (s.qual / s.all), wo.e);
	return fmax(0.0, fmin(1.0, p));
}

/*
 * Pearson's chi-square on 2 x G. For group i with n_i rows and pos_i
 * positives, P positives and N rows in all, the two cells contribute
 * (pos_i - E)^2 (1/E + 1/E') = (pos_i N - n_i P)^2 / (n_i P (N - P)),
 * where E = n_i P / N and E' = n_i (N - P) / N. The numerator is an exact
 * integer difference in long double while the products fit 64 bits.
 */
int aud_chi_square_test(const uint64_t *pos, const uint64_t *n, size_t groups,
			double *chi2, double *dof, double *p)
{
	uint64_t nn = 0, pp = 0;
	size_t i, used = 0;
	long double sum = 0, dd;

	if (chi2)
		*chi2 = NAN;
	if (dof)
		*dof = NAN;
	if (p)
		*p = NAN;
	if (!chi2 || !dof || !p || (groups > 0 && (!pos || !n)))
		return AUD_EUSAGE;
	for (i = 0; i < groups; i++) {
		if (pos[i] > n[i] || add_u64(nn, n[i], &nn) < 0)
			return AUD_EUSAGE;
		pp += pos[i]; /* <= nn */
		if (n[i] > 0)
			used++;
	}
	if (used < 2 || pp == 0 || pp == nn)
		return AUD_STAT_UNDEFINED;
	for (i = 0; i < groups; i++) {
		if (n[i] == 0)
			continue;
		dd = (long double)pos[i] * nn - (long double)n[i] * pp;
		sum +=
		    dd * dd / ((long double)n[i] * pp * (long double)(nn - pp));
	}
	*chi2 = (double)sum;
	*dof = (double)(used - 1);
	*p = aud_chi2_sf(*chi2, *dof);
	return 0;
}

/*
 * Q(a, x) after Numerical Recipes 6.2: for x < a + 1 the series
 *   P(a, x) = e^-x x^a / Gamma(a) * sum_n x^n / (a (a+1) ... (a+n))
 * converges fast and Q = 1 - P loses nothing (Q is not small there); for
 * x >= a + 1 the continued fraction
 *   Q(a, x) = e^-x x^a / Gamma(a) * 1/(x+1-a- 1(1-a)/(x+3-a- 2(2-a)/...))
 * is evaluated by the modified Lentz method. Both need O(sqrt a) terms;
 * the iteration cap only guards against a bug, never binds in practice.
 */
#define GAM_EPS (DBL_EPSILON / 2)
#define GAM_TINY 1e-300

double aud_gamma_q(double a, double x)
{
	double pre, sum, del, ap, b, c, d, h, an, lg;
	long i, maxit;
	int sign;

	if (isnan(a) || isnan(x) || a <= 0 || x < 0)
		return NAN;
	if (x == 0 || isinf(a))
		return 1.0;
	if (isinf(x))
		return 0.0;
	lg = lgamma_r(a, &sign);
	pre = a * log(x) - x - lg;
	maxit = 1000 + (long)(40 * sqrt(a < 1e12 ? a : 1e12));
	if (x < a + 1) {
		ap = a;
		sum = del = 1 / a;
		for (i = 0; i < maxit; i++) {
			ap += 1;
			del *= x / ap;
			sum += del;
			if (fabs(del) < fabs(sum) * GAM_EPS)
				break;
		}
		return fmax(0.0, fmin(1.0, 1 - sum * exp(pre)));
	}
	b = x + 1 - a;
	c = 1 / GAM_TINY;
	d = 1 / b;
	h = d;
	for (i = 1; i <= maxit; i++) {
		an = -(double)i * ((double)i - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < GAM_TINY)
			d = GAM_TINY;
		c = b + an / c;
		if (fabs(c) < GAM_TINY)
			c = GAM_TINY;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < GAM_EPS)
			break;
	}
	return fmax(0.0, fmin(1.0, exp(pre) * h));
}

double aud_chi2_sf(double x, double k)
{
	if (isnan(x) || isnan(k) || k <= 0)
		return NAN;
	if (x <= 0)
		return 1.0;
	return aud_gamma_q(k / 2, x / 2);
}
