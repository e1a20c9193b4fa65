/*
 * validate_ids_world.c: validators of the ids_world family (see validate_impl.h).
 */
#include "validate_impl.h"

static const aud_validator_entry validators[] = {
	{NULL, NULL},
};

const aud_validator_family aud_vfamily_ids_world = {"ids_world", validators, NULL};
