/*
 * validate_impl.h: how validators are registered. validate.c holds the
 * first family (email, cards, IBAN, IP, phone, SSN); each further family of
 * identifiers lives in its own validate_<family>.c and exports one
 * aud_validator_family, which aud_validator_find and aud_is_placeholder
 * consult in the order of aud_validator_families. Names must be unique
 * across families (the unit tests check it).
 */
#ifndef AUDITOR_VALIDATE_IMPL_H
#define AUDITOR_VALIDATE_IMPL_H

#include "auditor/validate.h"

typedef struct aud_validator_entry {
	const char *name;
	aud_validator_fn fn;
} aud_validator_entry;

typedef struct aud_validator_family {
	const char *name;                      /* for messages and tests */
	const aud_validator_entry *validators; /* ends with {NULL, NULL} */
	/* Known documentation/test values of this family's entities, or NULL
	 * when it has none. Returns 0 for entities it does not know. */
	int (*is_placeholder)(const char *entity, const char *s, size_t len);
	/* The entities is_placeholder can say 1 for, NULL-terminated (NULL
	 * with is_placeholder): aud_is_placeholder asks the family about
	 * these only, instead of every family about every finding. */
	const char *const *placeholder_entities;
} aud_validator_family;

extern const aud_validator_family aud_vfamily_ids_eu;    /* validate_ids_eu.c */
extern const aud_validator_family aud_vfamily_ids_world; /* validate_ids_world.c */
extern const aud_validator_family aud_vfamily_global;    /* validate_global.c */
extern const aud_validator_family aud_vfamily_secrets;   /* validate_secrets.c */

#endif
