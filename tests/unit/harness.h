/*
 * harness.h: a tiny assertion harness for unit tests. Each test file has a
 * main() that calls its test functions through RUN(); a failed CHECK prints
 * file:line and the expression and counts a failure, and the process exits
 * non-zero when any check failed. The last line is "N passed, N failed".
 */
#ifndef AUDITOR_TEST_HARNESS_H
#define AUDITOR_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

#define CHECK(cond)                                                       \
	do {                                                              \
		if (cond) {                                               \
			t_pass++;                                         \
		} else {                                                  \
			t_fail++;                                         \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n",      \
				__FILE__, __LINE__, #cond);               \
		}                                                         \
	} while (0)

#define CHECK_EQ_INT(a, b)                                                \
	do {                                                              \
		long long va_ = (long long)(a), vb_ = (long long)(b);     \
		if (va_ == vb_) {                                         \
			t_pass++;                                         \
		} else {                                                  \
			t_fail++;                                         \
			fprintf(stderr, "%s:%d: %s == %s: %lld != %lld\n",\
				__FILE__, __LINE__, #a, #b, va_, vb_);    \
		}                                                         \
	} while (0)

/* Compares a {ptr,len} byte string with a C string. */
#define CHECK_MEM_STR(p, n, s)                                            \
	do {                                                              \
		size_t ln_ = strlen(s);                                   \
		if ((size_t)(n) == ln_ && memcmp((p), (s), ln_) == 0) {   \
			t_pass++;                                         \
		} else {                                                  \
			t_fail++;                                         \
			fprintf(stderr, "%s:%d: %s: got '%.*s', want '%s'\n", \
				__FILE__, __LINE__, #p, (int)(n),         \
				(const char *)(p), (s));                  \
		}                                                         \
	} while (0)

#define CHECK_STR(a, b) CHECK_MEM_STR((a), strlen(a), (b))

#define RUN(fn)                                                           \
	do {                                                              \
		int before_ = t_fail;                                     \
		fn();                                                     \
		fprintf(stderr, "%s %s\n", t_fail == before_ ? "ok  " : "FAIL", #fn); \
	} while (0)

#define DONE()                                                            \
	(printf("%d passed, %d failed\n", t_pass, t_fail), t_fail ? 1 : 0)

/* The random tests' generator, xorshift64 (Marsaglia 2003): the next
 * number below n from *state, which each test file seeds itself. */
static inline unsigned h_rnd(unsigned long long *state, unsigned n)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (unsigned)(*state % n);
}

#endif
