/*
 * casefold.h: the text normalisation that decides when two records are
 * "the same" for overlap detection: Unicode full case folding and
 * collapsed white space.
 *
 * Case folding is Unicode's full default folding (CaseFolding.txt, status
 * C and F, Unicode 14.0, every script it covers: Latin, Greek, Cyrillic,
 * Armenian, Georgian, Cherokee, Glagolitic, Deseret, Adlam...), so
 * "STRASSE", "Straße" and "strasse" fold alike, as do "ΣΊΣΥΦΟΣ" and
 * "σίσυφος". Turkic dotted/dotless i mappings (status T) are not applied.
 * No Unicode normalisation form (NFC/NFKC) is applied: a precomposed "é"
 * and "e" + U+0301 stay different.
 */
#ifndef AUDITOR_CASEFOLD_H
#define AUDITOR_CASEFOLD_H

#include "auditor/common.h"

#include <stddef.h>
#include <stdint.h>

/* The Unicode version the folding table was made from ("14.0.0"). */
extern const char aud_casefold_unicode[];

/* Full case folding of one code point: writes its folding (1 to 3 code
 * points; cp itself when it has none) to out and returns how many. */
size_t aud_casefold(uint32_t cp, uint32_t out[3]);

/* Is cp in Unicode's White_Space property (PropList.txt): U+0009..U+000D,
 * U+0020, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029,
 * U+202F, U+205F, U+3000? */
int aud_is_space(uint32_t cp);

/*
 * Appends the normalised form of s[0..len) to out: every character case
 * folded, leading and trailing white space dropped, and each run of
 * white space inside replaced by one U+0020. Bytes that are not valid
 * UTF-8 are copied as they are, one by one (they fold to themselves).
 * Returns 0, or AUD_ELIMIT / AUD_ENOMEM from aud_buf_append (out may then
 * hold part of the text).
 */
int aud_fold_text(aud_buf *out, const char *s, size_t len);

#endif
