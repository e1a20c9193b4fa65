/*
 * utf8.h: a fast UTF-8 validator. Strict RFC 3629: overlong forms,
 * UTF-16 surrogates (U+D800..U+DFFF) and code points above U+10FFFF are
 * invalid, as are stray continuation bytes and truncated sequences.
 */
#ifndef AUDITOR_UTF8_H
#define AUDITOR_UTF8_H

#include <stddef.h>

/* Returns the index of the first byte of the first ill-formed sequence in
 * s[0..len), or len when all of it is valid UTF-8. For a bad or truncated
 * multi-byte sequence the index is that of its lead byte. s need not end
 * in NUL; a NUL byte is valid (it is U+0000). */
size_t aud_utf8_invalid_at(const char *s, size_t len);

#endif
