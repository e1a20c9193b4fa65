/*
 * policy.h: CI gates. A policy is a comma-separated list of rules, each
 * "SUBJECT OP NUMBER" with OP one of > >= < <= == !=:
 *   ENTITY>N            findings of an entity (placeholders never count)
 *   ENTITY.rate>X       findings of the entity per record scanned
 *   ENTITY.distinct>N   distinct values (keyed hashes) of the entity
 *   secrets>N, pii>N    the same over an entity group (and .rate, .distinct)
 *   any>N               all findings
 *   impact_ratio<X      the lowest impact ratio of any eligible group of
 *                       any attribute (bias audit)
 *   scoring_impact_ratio<X, p_value<X, problems>N, failed_inputs>N
 * "any" alone means any>0 and "none" the empty policy. A rule is broken
 * when its comparison holds. Everything is read from the store, so
 * `auditor scan --fail-on` and `auditor report --fail-on` agree.
 */
#ifndef AUDITOR_POLICY_H
#define AUDITOR_POLICY_H

#include "auditor/common.h"
#include "auditor/store.h"

#include <stddef.h>

typedef struct aud_policy aud_policy;

/* Parses text. Returns 0, or AUD_EUSAGE with a message naming the bad rule
 * and what was expected. Free with aud_policy_free. */
int aud_policy_parse(aud_policy **out, const char *text, aud_err *err);

/* One broken rule, for the caller to print: "US_SSN>0: 3 findings". */
typedef void (*aud_policy_fn)(void *ctx, const char *rule,
			      const char *detail);

/* Evaluates every rule on run_id; calls fn for each broken one. Returns
 * the number of broken rules (>= 0) or a negative code (AUD_ESTORE). */
int aud_policy_check(const aud_policy *p, aud_store *s, int64_t run_id,
		     aud_policy_fn fn, void *ctx, aud_err *err);

/* Number of rules (0 for "none"). */
size_t aud_policy_rules(const aud_policy *p);

void aud_policy_free(aud_policy *p);

/* Entity groups: is entity in group ("secrets" or "pii")? 1 or 0; -1 when
 * group is not a known group name. Secrets are the entities of
 * patterns/secrets*.pat (keys, tokens, passwords, private keys); pii is
 * everything else except REDACTION_MARKER. */
int aud_policy_entity_in_group(const char *entity, const char *group);

#endif
