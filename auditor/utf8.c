/*
 * utf8.c: UTF-8 validation for the readers. Mostly-ASCII text is checked
 * 16 bytes at a time; multi-byte sequences go through the table of
 * well-formed byte sequences of Unicode 15, section 3.9 (table 3-7), which
 * rejects overlongs, surrogates and code points past U+10FFFF by bounding
 * the second byte. Decoding, and deciding what to do about bad bytes, is
 * left to the callers.
 */
#include "auditor/utf8.h"

#include <stdint.h>
#include <string.h>

#define HIGH_BITS 0x8080808080808080ULL

size_t aud_utf8_invalid_at(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	unsigned char c, lo, hi;
	uint64_t a, b;

	while (i < len) {
		c = p[i];
		if (c < 0x80) {
			while (len - i >= 16) {
				memcpy(&a, p + i, 8);
				memcpy(&b, p + i + 8, 8);
				if ((a | b) & HIGH_BITS)
					break;
				i += 16;
			}
			while (i < len && p[i] < 0x80)
				i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			if (len - i < 2 || (p[i + 1] & 0xC0) != 0x80)
				return i;
			i += 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			lo = c == 0xE0 ? 0xA0 : 0x80;
			hi = c == 0xED ? 0x9F : 0xBF;
			if (len - i < 3 || p[i + 1] < lo || p[i + 1] > hi ||
			    (p[i + 2] & 0xC0) != 0x80)
				return i;
			i += 3;
		} else if (c >= 0xF0 && c <= 0xF4) {
			lo = c == 0xF0 ? 0x90 : 0x80;
			hi = c == 0xF4 ? 0x8F : 0xBF;
			if (len - i < 4 || p[i + 1] < lo || p[i + 1] > hi ||
			    (p[i + 2] & 0xC0) != 0x80 ||
			    (p[i + 3] & 0xC0) != 0x80)
				return i;
			i += 4;
		} else {
			return i; /* 80..C1 and F5..FF never start one */
		}
	}
	return len;
}
