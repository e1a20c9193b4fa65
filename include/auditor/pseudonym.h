/*
 * pseudonym.h: consistent keyed pseudonyms of the same shape as a found
 * value, for redacted copies. The same value (after the keyed hash's
 * normalisation) under the same key always gives the same pseudonym; a
 * different key gives a different one. Shapes: an e-mail stays an e-mail
 * (its domain under the reserved .example top level), digits stay digits
 * and letters letters with every separator kept, and each pseudonym is
 * chosen so that auditor does not find it again above the placeholder
 * level: checksums fail, ranges are impossible, or the value is a
 * documentation value (555-01xx numbers, TEST-NET addresses). Every
 * candidate is checked with the real detector before it is given out.
 */
#ifndef AUDITOR_PSEUDONYM_H
#define AUDITOR_PSEUDONYM_H

#include "auditor/common.h"
#include "auditor/keyhash.h"
#include "auditor/patterns.h"

#include <stddef.h>

/* Candidates tried per value before giving up. */
#define AUD_PSEUDONYM_ATTEMPTS 8

/* Candidate number `attempt` for value (found as entity, or a whole value
 * of a column of that name class: PERSON_NAME, EMAIL, PHONE...), without
 * the detector check: the shape rules only. Replaces the contents of out.
 * Returns 1, 0 when the entity gets no pseudonym at all (secrets and
 * credentials: a fake token is no use and a real-looking one would be
 * found again), or AUD_ENOMEM / AUD_ELIMIT from out. */
int aud_pseudonym_candidate(const aud_keyhash *kh, const char *entity,
			    const char *value, size_t len, unsigned attempt,
			    aud_buf *out);

typedef struct aud_pseudonymizer aud_pseudonymizer;

/* Creates a pseudonymizer over ps (the patterns that decide what "found
 * again" means) and kh; both must outlive it. Returns 0 or AUD_ENOMEM. */
int aud_pseudonymizer_new(aud_pseudonymizer **out, const aud_patternset *ps,
			  const aud_keyhash *kh, aud_err *err);

/* Writes into out (replacing its contents) the first candidate that the
 * detector, given the entity's own context words as the field name, does
 * not find above the placeholder level. Returns 1 with the pseudonym in
 * out; 0 when there is none (no pseudonym for this entity, or
 * AUD_PSEUDONYM_ATTEMPTS candidates were all found again): the caller
 * writes a marker instead; or AUD_ENOMEM. */
int aud_pseudonymize(aud_pseudonymizer *p, const char *entity,
		     const char *value, size_t len, aud_buf *out, aud_err *err);

void aud_pseudonymizer_free(aud_pseudonymizer *p);

#endif
