/*
 * allowlist.h: values a user accepts, so that known findings (the
 * company's support address, a test account) stop being reported. A line
 * gives an entity (or * for any) and either an exact value, compared after
 * the same normalisation as the keyed hash (so a phone number matches
 * however it is written), or "re:" and a PCRE2 regex matched against the
 * found text. Suppressed findings are counted, never silently dropped.
 */
#ifndef AUDITOR_ALLOWLIST_H
#define AUDITOR_ALLOWLIST_H

#include "auditor/common.h"

#include <stddef.h>

typedef struct aud_allowlist aud_allowlist;

/* Loads FILE. Blank lines and lines starting with # are ignored; others
 * are "ENTITY VALUE" or "ENTITY re:REGEX" (blanks between). Returns 0, or
 * AUD_EIO / AUD_EUSAGE with err->msg "FILE:LINE: ..." (a bad regex carries
 * PCRE2's message). Free with aud_allowlist_free. */
int aud_allowlist_load(aud_allowlist **out, const char *path, aud_err *err);

/* Does the list accept this found value of entity? 1 or 0. Thread-safe. */
int aud_allowlist_match(const aud_allowlist *a, const char *entity,
			const char *value, size_t len);

/* Entries loaded, and SHA-256 (hex) of the file's bytes. */
size_t aud_allowlist_count(const aud_allowlist *a);
void aud_allowlist_sha256_hex(const aud_allowlist *a, char out[65]);

void aud_allowlist_free(aud_allowlist *a);

#endif
