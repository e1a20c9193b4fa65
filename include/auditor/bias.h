/*
 * bias.h: the bias audit's last step. After a run's inputs are scanned,
 * the per-input group counters in the store are summed per attribute and
 * group, the metrics are computed from those sums (fairness.h) and written
 * to group_metrics and attribute_metrics. Computing from the stored sums,
 * never from scan-time state, is what makes merged shards give the same
 * numbers as one scan.
 */
#ifndef AUDITOR_BIAS_H
#define AUDITOR_BIAS_H

#include "auditor/common.h"
#include "auditor/groups.h"
#include "auditor/store.h"

/* Expected shares (--expected-shares FILE): a CSV with the header
 * attribute,group,expected_share, one row per group, for EU AI Act
 * Article 10(3) representativeness. */
typedef struct aud_expected aud_expected;

/* Loads FILE. Returns 0, or AUD_EUSAGE with "FILE:LINE: ..." for a
 * missing column, a share that is not a number in [0, 1], a group listed
 * twice, or shares of one attribute that add up to more than 1 (+1e-9).
 * Free with aud_expected_free. */
int aud_expected_load(aud_expected **out, const char *path, aud_err *err);
void aud_expected_free(aud_expected *e);

/* Appends one expected share, creating *e when it is NULL (free it with
 * aud_expected_free). Rows must come in strictly increasing (attribute,
 * group) order, the order aud_expected_load leaves them in: AUD_EUSAGE
 * otherwise; AUD_ENOMEM. For rebuilding a run's shares from the store. */
int aud_expected_add(aud_expected **e, const char *attribute,
		     const char *group, double share, aud_err *err);

/* Computes and stores the metrics of run_id. Returns 0, AUD_EUSAGE when
 * --reference names a group that does not exist (err lists those that
 * do), or AUD_ESTORE / AUD_ENOMEM. */
int aud_bias_finish(aud_store *s, int64_t run_id, const aud_bias_opts *o,
		    aud_err *err);

#endif
