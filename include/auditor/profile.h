/*
 * profile.h: per-column facts for one input. Field names are classified by
 * what they say (name, dob, street, ssn...), which finds personal data that
 * no regex can see in the values (person names); field values are counted:
 * how many were present, non-empty, held findings, and of which entities;
 * redaction markers left by earlier scrubbers are counted per field. The
 * verdict of a field combines both.
 *
 * JSON array indices are folded (messages[3].content -> messages[].content)
 * and at most AUD_PROFILE_MAX_FIELDS distinct fields are tracked per input
 * (the rest are counted under "(other fields)"), so memory stays bounded
 * whatever the input holds.
 */
#ifndef AUDITOR_PROFILE_H
#define AUDITOR_PROFILE_H

#include "auditor/common.h"
#include "auditor/record.h"

#include <stddef.h>
#include <stdint.h>

#define AUD_PROFILE_MAX_FIELDS 4096
#define AUD_PROFILE_OTHER "(other fields)"

/* Classes a field name can fall in; AUD_NAME_NONE when it says nothing. */
typedef enum aud_name_class {
	AUD_NAME_NONE = 0,
	AUD_NAME_PERSON_NAME,
	AUD_NAME_DATE_OF_BIRTH,
	AUD_NAME_ADDRESS,
	AUD_NAME_EMAIL,
	AUD_NAME_PHONE,
	AUD_NAME_NATIONAL_ID,
	AUD_NAME_IP_ADDRESS,
	AUD_NAME_CREDENTIAL,
	AUD_NAME_FINANCIAL,       /* card, IBAN, bank account numbers */
	AUD_NAME_QUASI_IDENTIFIER /* sex, gender, age, race, ethnicity... */
} aud_name_class;

/* "PERSON_NAME", "DATE_OF_BIRTH", ... or NULL for AUD_NAME_NONE. */
const char *aud_name_class_name(aud_name_class c);

/* Classifies a field name or JSON path (its last component, with the
 * parent for ambiguous words: user.name is a person's name, product.name
 * is not). Tokens are split at non-alphanumeric bytes and at lower-to-upper
 * case changes; matching is ASCII case-insensitive. */
aud_name_class aud_profile_classify(const char *name, size_t len);

typedef struct aud_profile aud_profile;

/* Creates an empty profile. Returns 0 or AUD_ENOMEM. */
int aud_profile_new(aud_profile **out, aud_err *err);

/* Clears all counts, keeping the storage (one profile serves every input). */
void aud_profile_reset(aud_profile *p);

/* Notes that a record had this field with this value length. Returns a
 * handle for the calls below, or -1 when out of memory. */
long aud_profile_value(aud_profile *p, const char *name, size_t len,
		       size_t value_len);

/* aud_profile_value for each of the n fields of a record, when no handle
 * is needed (nothing is matched in the values). names is NULL or a token
 * for the fields' names (the scanner passes a CSV reader's header when a
 * row has exactly its columns): the calls with one token since the last
 * reset must give the same names in the same order, which are then
 * looked up once. Returns 0 or -1 when out of memory. */
int aud_profile_record(aud_profile *p, const aud_field *f, size_t n,
		       const void *names);

/* Notes that the value behind handle h held (at least) one real finding of
 * entity (a string with static or set lifetime: it is kept by pointer).
 * Call once per distinct entity per value. */
int aud_profile_entity(aud_profile *p, long h, const char *entity);

/* Notes that the value behind h held (at least) one real finding. */
void aud_profile_value_found(aud_profile *p, long h);

/* Counts a redaction marker (its text, truncated to 64 bytes) in h. */
int aud_profile_marker(aud_profile *p, long h, const char *text, size_t len);

/* Adds everything src counted to dst, src's fields and entities in their
 * first-seen order after dst's, as if dst had seen src's values itself
 * (scan threads keep one profile per chunk and merge them in input
 * order, so the result does not depend on the threads). Returns 0 or
 * AUD_ENOMEM. */
int aud_profile_merge(aud_profile *dst, const aud_profile *src);

/* Read-out, in first-seen order. */
typedef struct aud_profile_entity_count {
	const char *entity;
	uint64_t values;
} aud_profile_entity_count;

typedef struct aud_profile_marker_count {
	const char *text; /* NUL-terminated */
	uint64_t count;
} aud_profile_marker_count;

typedef struct aud_profile_field {
	const char *name; /* NUL-terminated, indices folded */
	uint64_t values_seen, values_non_empty, values_with_findings;
	aud_name_class name_class;
	const aud_profile_entity_count *entities;
	size_t nentities;
	const aud_profile_marker_count *markers;
	size_t nmarkers;
	const char *verdict; /* "personal", "contains_personal", "none_found" */
	const char *top_entity; /* NULL when none */
	uint64_t top_entity_values;
	char reason[160];
} aud_profile_field;

/* Number of fields, and field i with its verdict computed. Borrowed until
 * the next call that changes p. */
size_t aud_profile_count(const aud_profile *p);
const aud_profile_field *aud_profile_get(aud_profile *p, size_t i);

void aud_profile_free(aud_profile *p);

#endif
