/*
 * mask.h: what may be stored about a matched value instead of the value.
 * A masked preview keeps just enough shape for a reviewer
 * (j***@e*****.com, ****-****-****-1111) and a normalised form feeds the
 * keyed hash (keyhash.h), so the same value written two ways counts once.
 */
#ifndef AUDITOR_MASK_H
#define AUDITOR_MASK_H

#include <stddef.h>

/* Writes a masked preview of value (an entity match) into out, always
 * NUL-terminated within cap (cap >= 1). Never copies more than a few
 * characters of the original: at most the last 4 digits of card-like
 * numbers, the first character of each email part, the top-level domain,
 * known secret prefixes (AKIA, ghp_, sk_live_...). Returns the length. */
size_t aud_mask(char *out, size_t cap, const char *entity,
		const char *value, size_t len);

/* Writes the normalised form used for hashing into out (cap >= len + 1 is
 * always enough): lower-case for EMAIL_ADDRESS, digits only for numeric
 * ids (card, SSN, phone: a leading '+' kept), upper-case letters and
 * digits for IBAN, the value as is otherwise. Refinements so one number
 * written two ways hashes once: a NANP phone number (ten digits after an
 * optional "+1" or "1") becomes its ten digits, a "(0)" trunk prefix after
 * a '+' country code is dropped, and an IPv6 address takes its RFC 5952
 * form when that is not longer. Returns the length. */
size_t aud_normalize(char *out, size_t cap, const char *entity,
		     const char *value, size_t len);

#endif
