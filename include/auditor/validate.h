/*
 * validate.h: checksum and structure validators, looked up by the name a
 * pattern file gives. Each takes the matched text (separators included)
 * and says whether it is a valid identifier. The source of each rule is
 * cited above its function in validate.c.
 */
#ifndef AUDITOR_VALIDATE_H
#define AUDITOR_VALIDATE_H

#include <stddef.h>

typedef int (*aud_validator_fn)(const char *s, size_t len);

/* Returns the validator called name, or NULL when there is none. */
aud_validator_fn aud_validator_find(const char *name);

/* Names of all validators, NULL-terminated. Static storage. */
const char *const *aud_validator_names(void);

/* Known fake, documentation or test value for this entity (example.com
 * emails, 555-01xx phone numbers, test card numbers, SSN 078-05-1120,
 * documentation IP ranges)? 1 or 0. */
int aud_is_placeholder(const char *entity, const char *s, size_t len);

/* A value that names nothing outside one host or network (loopback,
 * private and link-local IP addresses)? 1 or 0. Such findings are still
 * reported, with lower confidence. */
int aud_is_local(const char *entity, const char *s, size_t len);

/* Shannon entropy of the bytes of s in bits per byte (0 for len 0). */
double aud_entropy(const char *s, size_t len);

#endif
