/*
 * validate_harness.h: the two calls every validator test makes: run the
 * validator registered under a name on a C string (-1 and a message when
 * no such validator is registered), and ask whether a value is a known
 * placeholder. Include it after harness.h.
 */
#ifndef AUDITOR_TEST_VALIDATE_HARNESS_H
#define AUDITOR_TEST_VALIDATE_HARNESS_H

#include "auditor/validate.h"

#include <stdio.h>
#include <string.h>

static int ok(const char *name, const char *s)
{
	aud_validator_fn fn = aud_validator_find(name);

	if (!fn) {
		fprintf(stderr, "no validator '%s'\n", name);
		return -1;
	}
	return fn(s, strlen(s));
}

static int ph(const char *entity, const char *s)
{
	return aud_is_placeholder(entity, s, strlen(s));
}

#endif
