/*
 * validate_ids_eu.c: validators of the ids_eu family (see validate_impl.h).
 */
#include "validate_impl.h"

static const aud_validator_entry validators[] = {
	{NULL, NULL},
};

const aud_validator_family aud_vfamily_ids_eu = {"ids_eu", validators, NULL};
