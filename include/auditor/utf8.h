/*
 * utf8.h: a fast UTF-8 validator. Strict RFC 3629: overlong forms,
 * UTF-16 surrogates (U+D800..U+DFFF) and code points above U+10FFFF are
 * invalid, as are stray continuation bytes and truncated sequences.
 */
#ifndef AUDITOR_UTF8_H
#define AUDITOR_UTF8_H

#include <stddef.h>

/* The loops a caller can choose (aud_utf8_invalid_at_path; the readers
 * use the same levels for their own scans): byte by byte, SSE2 (16 bytes
 * at a time) or AVX2 (32). */
enum { AUD_SIMD_NONE = 0, AUD_SIMD_SSE2 = 1, AUD_SIMD_AVX2 = 2 };

/* The best level for this machine: AVX2 when the CPU has it and the
 * environment has no AUDITOR_NO_SIMD, else SSE2 (x86-64 always has it),
 * else NONE on other machines. Looked up once per process. */
int aud_simd_best(void);

/* Returns the index of the first byte of the first ill-formed sequence in
 * s[0..len), or len when all of it is valid UTF-8. For a bad or truncated
 * multi-byte sequence the index is that of its lead byte. s need not end
 * in NUL; a NUL byte is valid (it is U+0000). Runs at aud_simd_best(). */
size_t aud_utf8_invalid_at(const char *s, size_t len);

/* The same at the given level (a level above what the machine has runs
 * as the best it has). Every level gives the same answer; tests compare
 * them. */
size_t aud_utf8_invalid_at_path(const char *s, size_t len, int level);

#endif
