/*
 * validate_global.c: validators of the global family (see validate_impl.h).
 */
#include "validate_impl.h"

static const aud_validator_entry validators[] = {
	{NULL, NULL},
};

const aud_validator_family aud_vfamily_global = {"global", validators, NULL};
