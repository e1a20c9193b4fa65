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

/* Computes and stores the metrics of run_id. Returns 0, AUD_EUSAGE when
 * --reference names a group that does not exist (err lists those that
 * do), or AUD_ESTORE / AUD_ENOMEM. */
int aud_bias_finish(aud_store *s, int64_t run_id, const aud_bias_opts *o,
		    aud_err *err);

#endif
