/*
 * utf8.c: UTF-8 validation for the readers. Multi-byte sequences go
 * through the table of well-formed byte sequences of Unicode 15, section
 * 3.9 (table 3-7), which rejects overlongs, surrogates and code points
 * past U+10FFFF by bounding the second byte. Decoding, and deciding what
 * to do about bad bytes, is left to the callers.
 *
 * Speed: the ASCII bytes between two non-ASCII characters are skipped 64
 * (AVX2) or 16 (SSE2) bytes at a time, and the first byte with its high
 * bit set is found from the movemask of the block, not byte by byte. Text
 * in Latin scripts has an accent every few dozen bytes at most and most
 * lines have none, so this beats a full SIMD validator, which pays for
 * every byte what this loop pays only for the non-ASCII ones. The last
 * bytes of s are read as the last whole block of s (shifted), so no byte
 * loop runs at the end either. The byte loop (AUD_SIMD_NONE) is kept as
 * the reference the tests compare with.
 */
#include "auditor/utf8.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__SSE2__)
#include <immintrin.h>
#define HAVE_X86 1
#else
#define HAVE_X86 0
#endif

/* What the CPU can run, without regard to AUDITOR_NO_SIMD. */
static int hw_level(void)
{
#if HAVE_X86
	return __builtin_cpu_supports("avx2") ? AUD_SIMD_AVX2 : AUD_SIMD_SSE2;
#else
	return AUD_SIMD_NONE;
#endif
}

int aud_simd_best(void)
{
	/* 0: not looked up yet; else the level + 1. Threads that race on
	 * the first call all store the same value. */
	static atomic_int best;
	int b = atomic_load_explicit(&best, memory_order_relaxed);

	if (b == 0) {
		b = hw_level();
		if (b == AUD_SIMD_AVX2 && getenv("AUDITOR_NO_SIMD"))
			b = AUD_SIMD_SSE2;
		atomic_store_explicit(&best, b + 1, memory_order_relaxed);
		return b;
	}
	return b - 1;
}

/* Length of the well-formed sequence that starts with p[0] >= 0x80 in
 * p[0..left), or 0 when there is none. */
static inline size_t seq_len(const unsigned char *p, size_t left)
{
	unsigned char c = p[0], lo, hi;

	if (c >= 0xC2 && c <= 0xDF) {
		if (left < 2 || (p[1] & 0xC0) != 0x80)
			return 0;
		return 2;
	}
	if (c >= 0xE0 && c <= 0xEF) {
		lo = c == 0xE0 ? 0xA0 : 0x80;
		hi = c == 0xED ? 0x9F : 0xBF;
		if (left < 3 || p[1] < lo || p[1] > hi || (p[2] & 0xC0) != 0x80)
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		lo = c == 0xF0 ? 0x90 : 0x80;
		hi = c == 0xF4 ? 0x8F : 0xBF;
		if (left < 4 || p[1] < lo || p[1] > hi ||
		    (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
			return 0;
		return 4;
	}
	return 0; /* 80..C1 and F5..FF never start one */
}

/* The reference: one byte at a time. */
static size_t invalid_plain(const unsigned char *p, size_t len)
{
	size_t i = 0, k;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (!(k = seq_len(p + i, len - i)))
			return i;
		i += k;
	}
	return len;
}

#if HAVE_X86
/* First index from i on in p[0..len) whose byte is >= 0x80, or len;
 * 16 bytes at a time. When fewer than 16 are left, the last 16 bytes of p
 * are read and the bits of those before i shifted out. */
static inline size_t skip_sse2(const unsigned char *p, size_t i, size_t len)
{
	unsigned m;

	while (len - i >= 16) {
		m = (unsigned)_mm_movemask_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)(p + i)));
		if (m)
			return i + (size_t)__builtin_ctz(m);
		i += 16;
	}
	if (i == len)
		return len;
	if (len >= 16) {
		m = (unsigned)_mm_movemask_epi8(_mm_loadu_si128(
			(const __m128i *)(const void *)(p + len - 16))) >>
		    (16 - (len - i));
		return m ? i + (size_t)__builtin_ctz(m) : len;
	}
	while (i < len && p[i] < 0x80)
		i++;
	return i;
}

static size_t invalid_sse2(const unsigned char *p, size_t len)
{
	size_t i = 0, k;

	for (;;) {
		i = skip_sse2(p, i, len);
		if (i == len)
			return len;
		if (!(k = seq_len(p + i, len - i)))
			return i;
		i += k;
	}
}

/* As skip_sse2, 64 and then 32 bytes at a time. */
__attribute__((target("avx2"))) static inline size_t
skip_avx2(const unsigned char *p, size_t i, size_t len)
{
	uint64_t m;
	unsigned h;

	while (len - i >= 64) {
		m = (uint32_t)_mm256_movemask_epi8(_mm256_loadu_si256(
			(const __m256i *)(const void *)(p + i))) |
		    (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_loadu_si256(
			(const __m256i *)(const void *)(p + i + 32)))
			<< 32;
		if (m)
			return i + (size_t)__builtin_ctzll(m);
		i += 64;
	}
	if (len - i >= 32) {
		h = (unsigned)_mm256_movemask_epi8(
		    _mm256_loadu_si256((const __m256i *)(const void *)(p + i)));
		if (h)
			return i + (size_t)__builtin_ctz(h);
		i += 32;
	}
	if (i == len)
		return len;
	if (len >= 32) {
		h = (unsigned)_mm256_movemask_epi8(_mm256_loadu_si256(
			(const __m256i *)(const void *)(p + len - 32))) >>
		    (32 - (len - i));
		return h ? i + (size_t)__builtin_ctz(h) : len;
	}
	return skip_sse2(p, i, len);
}

__attribute__((target("avx2"))) static size_t
invalid_avx2(const unsigned char *p, size_t len)
{
	size_t i = 0, k;

	for (;;) {
		i = skip_avx2(p, i, len);
		if (i == len)
			return len;
		if (!(k = seq_len(p + i, len - i)))
			return i;
		i += k;
	}
}
#endif

size_t aud_utf8_invalid_at_path(const char *s, size_t len, int level)
{
	const unsigned char *p = (const unsigned char *)s;

	if (level > AUD_SIMD_NONE) {
		int hw = hw_level();

		if (level > hw)
			level = hw;
	}
#if HAVE_X86
	if (level >= AUD_SIMD_AVX2)
		return invalid_avx2(p, len);
	if (level == AUD_SIMD_SSE2)
		return invalid_sse2(p, len);
#endif
	return invalid_plain(p, len);
}

size_t aud_utf8_invalid_at(const char *s, size_t len)
{
	return aud_utf8_invalid_at_path(s, len, aud_simd_best());
}
