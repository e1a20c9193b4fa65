/*
 * report_profiles.h: compliance documents of one run, computed from the
 * store alone. Each profile starts with the manifest (tool version, run
 * id, status, times, options, pattern set hash, every input's path, size
 * and SHA-256) and then lays the bias audit and data findings out as one
 * regime asks:
 *
 *   ll144      NYC Local Law 144 bias audit summary: per category of each
 *              attribute (intersections in their own table) the number of
 *              individuals, selection and/or scoring rate and impact
 *              ratio; the unknown count; categories under the minimum
 *              share left out of the impact ratios.
 *   eeoc       the four-fifths table of 29 CFR 1607.4(D) with each group's
 *              significance test against the reference group.
 *   eu-ai-act  an Article 10 data-governance evidence section: data
 *              sources, what was examined for bias and how, the results,
 *              representativeness, and the gaps found (missing and small
 *              groups, unknown values, missing outcomes, personal data and
 *              where, inputs that failed).
 *
 * The same database always gives the same bytes: no clock is read, every
 * list has an explicit order.
 */
#ifndef AUDITOR_REPORT_PROFILES_H
#define AUDITOR_REPORT_PROFILES_H

#include "auditor/common.h"
#include "auditor/store.h"

#include <stdint.h>
#include <stdio.h>

/* Writes run_id of s to out as profile ("ll144", "eeoc" or "eu-ai-act"):
 * Markdown when markdown is 1, else plain text with aligned columns.
 * Returns 0; AUD_EUSAGE for an unknown profile or a run that does not
 * exist (nothing is written then); AUD_ESTORE when a query fails;
 * AUD_ENOMEM; AUD_EIO when out reports a write error. On an error after
 * writing began, out holds a partial document. */
int aud_report_profile(FILE *out, aud_store *s, int64_t run_id,
		       const char *profile, int markdown, aud_err *err);

#endif
