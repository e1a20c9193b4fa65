/*
 * fuzz_validate.c: libFuzzer harness for the validators
 * (auditor/validate*.c). Every validator named by aud_validator_names()
 * gets the input as matched text and must answer 0 or 1 without reading
 * past it (the input buffer is exactly size bytes, so ASan sees any
 * overread); aud_is_placeholder and aud_is_local are asked about it for
 * every entity they know and one they do not, and aud_entropy must stay
 * within 0..8 bits per byte.
 */
#include "auditor/validate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *name)
{
	fprintf(stderr, "fuzz_validate: %s: %s\n", what, name);
	abort();
}

static const char *const entities[] = {
    "EMAIL_ADDRESS",  "PHONE_NUMBER", "CREDIT_CARD",
    "US_SSN",	      "IP_ADDRESS",   "IBAN_CODE",
    "AWS_ACCESS_KEY", "GITHUB_TOKEN", "",
    "NOT_AN_ENTITY",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *const *names = aud_validator_names();
	size_t i;
	double e;

	if (!names)
		fail("no validator names", "");
	for (i = 0; names[i]; i++) {
		aud_validator_fn fn = aud_validator_find(names[i]);
		int v;

		if (!fn)
			fail("a listed validator cannot be found", names[i]);
		v = fn(s, size);
		if (v != 0 && v != 1)
			fail("validator answered neither 0 nor 1", names[i]);
		if (size > 0 && fn(s, size) != v)
			fail("validator is not deterministic", names[i]);
	}
	for (i = 0; i < sizeof entities / sizeof entities[0]; i++) {
		int p = aud_is_placeholder(entities[i], s, size);
		int l = aud_is_local(entities[i], s, size);

		if ((p != 0 && p != 1) || (l != 0 && l != 1))
			fail("placeholder/local answered neither 0 nor 1",
			     entities[i]);
	}
	e = aud_entropy(s, size);
	if (!(e >= 0.0 && e <= 8.0 + 1e-9))
		fail("entropy outside 0..8", "");
	return 0;
}
