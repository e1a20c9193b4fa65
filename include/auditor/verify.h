/*
 * verify.h: `auditor verify`: re-hashes the inputs of a run and says which
 * still match the SHA-256 and size recorded when they were scanned, which
 * changed and which are gone, so an audit can show it describes the data
 * on disk now.
 */
#ifndef AUDITOR_VERIFY_H
#define AUDITOR_VERIFY_H

#include "auditor/common.h"
#include "auditor/store.h"

/* Called once per input: status is "ok", "changed", "missing" or
 * "unverifiable" (stdin, or no hash was recorded); detail says more. */
typedef void (*aud_verify_fn)(void *ctx, const char *path,
			      const char *status, const char *detail);

/* Verifies every input of run_id. Returns the number that are not "ok"
 * (>= 0), or a negative code (AUD_EUSAGE for an unknown run, AUD_ESTORE). */
int aud_verify_run(aud_store *s, int64_t run_id, aud_verify_fn fn,
		   void *ctx, aud_err *err);

#endif
