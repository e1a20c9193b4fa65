/*
 * bias.c: from the summed group counters of a run to its stored metrics
 * (see bias.h). Reading the sums is one GROUP BY over group_counts; the
 * arithmetic is fairness.c's.
 */
#include "auditor/bias.h"
#include "auditor/fairness.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct attr_rows {
	char *name;
	aud_group_counts *g;
	char **values;
	size_t n, cap;
} attr_rows;

static void rows_free(attr_rows *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->values[i]);
	free(a->values);
	free(a->g);
	free(a->name);
	memset(a, 0, sizeof *a);
}

/* The flag of a group for the summary and the compliance exports. */
static const char *flag_of(const aud_group_counts *g,
			   const aud_group_metrics *m, double min_share)
{
	if (m->four_fifths)
		return "four_fifths";
	if (strstr(g->value, AUD_GROUP_UNKNOWN))
		return "unknown";
	if (m->share < min_share)
		return "below_min_share";
	return NULL;
}

/*
 * NYC LL144's scoring rate for a score column: the share of a group's
 * records that score above the median of the whole sample. The median is
 * exact: the stored (score, count) rows are walked in order to the middle
 * record (the mean of the two middle ones for an even count), so no score
 * is ever held in memory. scoring impact ratio = a group's scoring rate /
 * the highest scoring rate among eligible groups.
 */
static int scoring(aud_store *s, int64_t run_id, attr_rows *a,
		   const aud_group_metrics *m, aud_err *err)
{
	sqlite3 *db = aud_store_db(s);
	sqlite3_stmt *st = NULL;
	uint64_t total = 0, seen = 0, lo_pos, hi_pos, *scored, *above;
	double lo = NAN, hi = NAN, median, best = NAN;
	size_t i;
	int rc = AUD_OK;

	scored = calloc(a->n ? a->n : 1, sizeof *scored);
	above = calloc(a->n ? a->n : 1, sizeof *above);
	if (!scored || !above) {
		rc = aud_err_set(err, AUD_ENOMEM, "out of memory");
		goto done;
	}
	if (sqlite3_prepare_v2(db,
			       "SELECT score, SUM(count) FROM group_scores "
			       "WHERE run_id = ?1 AND attribute = ?2 "
			       "GROUP BY score ORDER BY score",
			       -1, &st, NULL) != SQLITE_OK)
		goto sqlfail;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, a->name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		total += (uint64_t)sqlite3_column_int64(st, 1);
	if (total == 0)
		goto done; /* no scores: nothing to set */
	/* 1-based positions of the middle record(s). */
	lo_pos = (total + 1) / 2;
	hi_pos = total / 2 + 1;
	sqlite3_reset(st);
	while (sqlite3_step(st) == SQLITE_ROW) {
		double v = sqlite3_column_double(st, 0);
		uint64_t c = (uint64_t)sqlite3_column_int64(st, 1);

		if (seen < lo_pos && seen + c >= lo_pos)
			lo = v;
		if (seen < hi_pos && seen + c >= hi_pos) {
			hi = v;
			break;
		}
		seen += c;
	}
	sqlite3_finalize(st);
	st = NULL;
	median = lo == hi ? lo : lo / 2 + hi / 2;
	if (sqlite3_prepare_v2(db,
			       "SELECT group_value, SUM(count), "
			       "SUM(CASE WHEN score > ?3 THEN count ELSE 0 END) "
			       "FROM group_scores WHERE run_id = ?1 AND "
			       "attribute = ?2 GROUP BY group_value",
			       -1, &st, NULL) != SQLITE_OK)
		goto sqlfail;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 3, median);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);

		for (i = 0; i < a->n; i++)
			if (v && strcmp(a->values[i], v) == 0) {
				scored[i] = (uint64_t)sqlite3_column_int64(st, 1);
				above[i] = (uint64_t)sqlite3_column_int64(st, 2);
			}
	}
	sqlite3_finalize(st);
	st = NULL;
	for (i = 0; i < a->n; i++)
		if (m[i].eligible && scored[i] &&
		    (best != best || (double)above[i] / (double)scored[i] > best))
			best = (double)above[i] / (double)scored[i];
	for (i = 0; i < a->n && !rc; i++) {
		double rate = scored[i] ? (double)above[i] / (double)scored[i]
					: NAN;

		rc = aud_store_group_scoring_set(s, run_id, a->name,
						 a->values[i], scored[i], rate,
						 best > 0 ? rate / best : NAN,
						 err);
	}
	if (!rc)
		rc = aud_store_attribute_scoring_set(s, run_id, a->name, total,
						     median, err);
	goto done;
sqlfail:
	rc = aud_err_set(err, AUD_ESTORE, "cannot read group scores: %s",
			 sqlite3_errmsg(db));
done:
	sqlite3_finalize(st);
	free(scored);
	free(above);
	return rc;
}

static int finish_attr(aud_store *s, int64_t run_id, const aud_bias_opts *o,
		       attr_rows *a, aud_err *err)
{
	aud_group_metrics *m;
	aud_attribute_metrics am;
	size_t i, ref = (size_t)-1;
	uint64_t missing = 0;
	int has_pred = o->prediction || (o->score && o->has_threshold);
	int rc = AUD_OK;

	if (o->reference_attr && strcmp(o->reference_attr, a->name) == 0) {
		char list[512];
		size_t len = 0;

		for (i = 0; i < a->n; i++)
			if (strcmp(a->values[i], o->reference_value) == 0)
				ref = i;
		if (ref == (size_t)-1) {
			list[0] = '\0';
			for (i = 0; i < a->n && len < sizeof list - 1; i++)
				len += (size_t)snprintf(
					list + len, sizeof list - len, "%s%s",
					i ? ", " : "", a->values[i]);
			return aud_err_set(err, AUD_EUSAGE,
					   "--reference %s=%s: no such group; "
					   "the groups of %s are: %s",
					   a->name, o->reference_value, a->name,
					   list);
		}
	}
	m = calloc(a->n, sizeof *m);
	if (!m)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	memset(&am, 0, sizeof am);
	rc = aud_fairness_compute(a->g, a->n, ref, o->min_share, has_pred, m,
				  &am, err);
	for (i = 0; i < a->n && !rc; i++) {
		missing += a->g[i].n - a->g[i].n_outcome;
		rc = aud_store_group_metrics_add(s, run_id, a->name, &a->g[i],
						 &m[i],
						 flag_of(&a->g[i], &m[i],
							 o->min_share),
						 err);
	}
	if (!rc)
		rc = aud_store_attribute_metrics_add(
			s, run_id, a->name, a->n,
			am.reference < a->n ? a->values[am.reference] : NULL,
			am.most_selected < a->n ? a->values[am.most_selected]
						: NULL,
			has_pred, missing, &am, err);
	if (!rc && o->score)
		rc = scoring(s, run_id, a, m, err);
	free(m);
	return rc;
}

int aud_bias_finish(aud_store *s, int64_t run_id, const aud_bias_opts *o,
		    aud_err *err)
{
	sqlite3 *db = aud_store_db(s);
	sqlite3_stmt *st = NULL;
	attr_rows a;
	int rc = AUD_OK, step;

	memset(&a, 0, sizeof a);
	if (sqlite3_prepare_v2(db,
			       "SELECT attribute, group_value, SUM(n), "
			       "SUM(n_outcome), SUM(pos), SUM(n_pred), "
			       "SUM(pred_pos), SUM(tp), SUM(fp), SUM(tn), "
			       "SUM(fn) FROM group_counts WHERE run_id = ?1 "
			       "GROUP BY attribute, group_value "
			       "ORDER BY attribute, group_value",
			       -1, &st, NULL) != SQLITE_OK)
		return aud_err_set(err, AUD_ESTORE,
				   "cannot read group counts: %s",
				   sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, run_id);
	while (rc == AUD_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *attr = (const char *)sqlite3_column_text(st, 0);
		const char *val = (const char *)sqlite3_column_text(st, 1);
		aud_group_counts *g;
		int c;

		if (a.name && strcmp(a.name, attr) != 0) {
			rc = finish_attr(s, run_id, o, &a, err);
			rows_free(&a);
			if (rc)
				break;
		}
		if (!a.name && !(a.name = strdup(attr))) {
			rc = aud_err_set(err, AUD_ENOMEM, "out of memory");
			break;
		}
		if (a.n == a.cap) {
			size_t nc = a.cap ? a.cap * 2 : 16;
			aud_group_counts *ng = realloc(a.g, nc * sizeof *ng);
			char **nv = ng ? realloc(a.values, nc * sizeof *nv)
				       : NULL;

			if (ng)
				a.g = ng;
			if (!ng || !nv) {
				rc = aud_err_set(err, AUD_ENOMEM,
						 "out of memory");
				break;
			}
			a.values = nv;
			a.cap = nc;
		}
		a.values[a.n] = strdup(val ? val : "");
		if (!a.values[a.n]) {
			rc = aud_err_set(err, AUD_ENOMEM, "out of memory");
			break;
		}
		g = &a.g[a.n];
		memset(g, 0, sizeof *g);
		g->value = a.values[a.n];
		c = 2;
		g->n = (uint64_t)sqlite3_column_int64(st, c++);
		g->n_outcome = (uint64_t)sqlite3_column_int64(st, c++);
		g->pos = (uint64_t)sqlite3_column_int64(st, c++);
		g->n_pred = (uint64_t)sqlite3_column_int64(st, c++);
		g->pred_pos = (uint64_t)sqlite3_column_int64(st, c++);
		g->tp = (uint64_t)sqlite3_column_int64(st, c++);
		g->fp = (uint64_t)sqlite3_column_int64(st, c++);
		g->tn = (uint64_t)sqlite3_column_int64(st, c++);
		g->fn = (uint64_t)sqlite3_column_int64(st, c++);
		a.n++;
	}
	sqlite3_finalize(st);
	if (rc == AUD_OK && a.name)
		rc = finish_attr(s, run_id, o, &a, err);
	rows_free(&a);
	if (rc == AUD_OK)
		rc = aud_store_commit(s, err);
	return rc;
}
