/*
 * validate_secrets.c: validators of the secrets family (see validate_impl.h).
 */
#include "validate_impl.h"

static const aud_validator_entry validators[] = {
	{NULL, NULL},
};

const aud_validator_family aud_vfamily_secrets = {"secrets", validators, NULL};
