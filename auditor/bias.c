/*
 * bias.c: from the summed group counters of a run to its stored metrics
 * (see bias.h). Reading the sums is one GROUP BY over group_counts; the
 * arithmetic is fairness.c's.
 */
#include "auditor/bias.h"
#include "auditor/fairness.h"
#include "auditor/reader.h"
#include "auditor/statmath.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct exp_row {
	char *attr, *group;
	double share;
} exp_row;

struct aud_expected {
	exp_row *v;
	size_t n, cap;
};

void aud_expected_free(aud_expected *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->n; i++) {
		free(e->v[i].attr);
		free(e->v[i].group);
	}
	free(e->v);
	free(e);
}

typedef struct load_ctx {
	aud_expected *e;
	const char *path;
	aud_err *err;
	int failed;
} load_ctx;

static const aud_field *field_named(const aud_record *rec, const char *name)
{
	size_t i;

	for (i = 0; i < rec->nfields; i++)
		if (strlen(name) == rec->fields[i].name_len &&
		    memcmp(rec->fields[i].name, name, rec->fields[i].name_len) ==
			    0)
			return &rec->fields[i];
	return NULL;
}

static int on_expected(void *p, const aud_record *rec)
{
	load_ctx *c = p;
	const aud_field *a = field_named(rec, "attribute");
	const aud_field *g = field_named(rec, "group");
	const aud_field *x = field_named(rec, "expected_share");
	char num[64], *end;
	double share, sum = 0;
	exp_row *r;
	size_t i;

	if (!a || !g || !x) {
		aud_err_set(c->err, AUD_EUSAGE,
			    "%s:%llu: expected the columns attribute, group, "
			    "expected_share",
			    c->path, (unsigned long long)rec->line);
		return c->failed = 1;
	}
	if (x->value_len == 0 || x->value_len >= sizeof num)
		share = NAN;
	else {
		memcpy(num, x->value, x->value_len);
		num[x->value_len] = '\0';
		share = strtod(num, &end);
		if (*end)
			share = NAN;
	}
	if (!(share >= 0 && share <= 1)) {
		aud_err_set(c->err, AUD_EUSAGE,
			    "%s:%llu: expected_share must be a number from 0 "
			    "to 1",
			    c->path, (unsigned long long)rec->line);
		return c->failed = 1;
	}
	for (i = 0; i < c->e->n; i++) {
		r = &c->e->v[i];
		if (strlen(r->attr) != a->value_len ||
		    memcmp(r->attr, a->value, a->value_len) != 0)
			continue;
		sum += r->share;
		if (strlen(r->group) == g->value_len &&
		    memcmp(r->group, g->value, g->value_len) == 0) {
			aud_err_set(c->err, AUD_EUSAGE,
				    "%s:%llu: group '%s' of '%s' is listed "
				    "twice",
				    c->path, (unsigned long long)rec->line,
				    r->group, r->attr);
			return c->failed = 1;
		}
	}
	if (sum + share > 1 + 1e-9) {
		aud_err_set(c->err, AUD_EUSAGE,
			    "%s:%llu: the expected shares of '%.*s' add up to "
			    "more than 1",
			    c->path, (unsigned long long)rec->line,
			    (int)a->value_len, a->value);
		return c->failed = 1;
	}
	if (c->e->n == c->e->cap) {
		size_t nc = c->e->cap ? c->e->cap * 2 : 16;
		exp_row *nv = realloc(c->e->v, nc * sizeof *nv);

		if (!nv) {
			aud_err_set(c->err, AUD_ENOMEM, "out of memory");
			return c->failed = 1;
		}
		c->e->v = nv;
		c->e->cap = nc;
	}
	r = &c->e->v[c->e->n];
	r->attr = strndup(a->value, a->value_len);
	r->group = strndup(g->value, g->value_len);
	r->share = share;
	if (!r->attr || !r->group) {
		free(r->attr);
		free(r->group);
		aud_err_set(c->err, AUD_ENOMEM, "out of memory");
		return c->failed = 1;
	}
	c->e->n++;
	return 0;
}

static int cmp_exp_row(const void *a, const void *b)
{
	const exp_row *x = a, *y = b;
	int c = strcmp(x->attr, y->attr);

	return c ? c : strcmp(x->group, y->group);
}

static void on_expected_problem(void *p, const aud_err *e)
{
	load_ctx *c = p;

	if (!c->failed) {
		aud_err_set(c->err, AUD_EUSAGE, "%s:%llu: %s", c->path,
			    (unsigned long long)(e->line == AUD_NOPOS ? 0
								      : e->line),
			    e->msg);
		c->failed = 1;
	}
}

int aud_expected_load(aud_expected **out, const char *path, aud_err *err)
{
	aud_reader_opts ro;
	aud_reader *r = NULL;
	aud_err rerr; /* the reader's own: err is the callbacks' */
	load_ctx c;
	FILE *f;
	char buf[65536];
	size_t n;
	int rc = AUD_OK;

	*out = NULL;
	memset(&c, 0, sizeof c);
	c.path = path;
	c.err = err;
	c.e = calloc(1, sizeof *c.e);
	if (!c.e)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	f = fopen(path, "rb");
	if (!f) {
		aud_expected_free(c.e);
		return aud_err_set(err, AUD_EUSAGE, "%s: cannot open: %s", path,
				   strerror(errno));
	}
	memset(&ro, 0, sizeof ro);
	ro.format = AUD_FMT_CSV;
	ro.delimiter = ',';
	ro.max_record_bytes = 1 << 20;
	aud_err_clear(&rerr);
	rc = aud_reader_new(&r, &ro, on_expected, on_expected_problem, &c,
			    &rerr);
	while (!rc && !c.failed && (n = fread(buf, 1, sizeof buf, f)) > 0)
		rc = aud_reader_feed(r, buf, n, &rerr);
	if (!rc && !c.failed)
		rc = aud_reader_finish(r, &rerr);
	aud_reader_free(r);
	fclose(f);
	if (!c.failed && rc < 0) /* the reader gave up on the file */
		aud_err_set(err, AUD_EUSAGE, "%s:%llu: %s", path,
			    (unsigned long long)(rerr.line == AUD_NOPOS
							 ? 0
							 : rerr.line),
			    rerr.msg);
	if (c.failed || rc) {
		aud_expected_free(c.e);
		return c.failed && err && err->code == AUD_ENOMEM ? AUD_ENOMEM
								  : AUD_EUSAGE;
	}
	/* In (attribute, group) order, not the file's: the sums of the
	 * goodness-of-fit test then do not depend on how the file was laid
	 * out, and a merge that rebuilds the list gets the same bits. */
	if (c.e->n > 1)
		qsort(c.e->v, c.e->n, sizeof *c.e->v, cmp_exp_row);
	*out = c.e;
	return AUD_OK;
}

int aud_expected_add(aud_expected **e, const char *attribute,
		     const char *group, double share, aud_err *err)
{
	exp_row r, *last;

	if (!*e && !(*e = calloc(1, sizeof **e)))
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	last = (*e)->n ? &(*e)->v[(*e)->n - 1] : NULL;
	r.attr = (char *)attribute;
	r.group = (char *)group;
	if (last && cmp_exp_row(last, &r) >= 0)
		return aud_err_set(err, AUD_EUSAGE,
				   "expected share of %s=%s out of order or "
				   "given twice",
				   attribute, group);
	if ((*e)->n == (*e)->cap) {
		size_t nc = (*e)->cap ? (*e)->cap * 2 : 16;
		exp_row *nv = realloc((*e)->v, nc * sizeof *nv);

		if (!nv)
			return aud_err_set(err, AUD_ENOMEM, "out of memory");
		(*e)->v = nv;
		(*e)->cap = nc;
	}
	r.attr = strdup(attribute);
	r.group = strdup(group);
	r.share = share;
	if (!r.attr || !r.group) {
		free(r.attr);
		free(r.group);
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	}
	(*e)->v[(*e)->n++] = r;
	return AUD_OK;
}

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
		   const aud_group_metrics *m, double min_share, aud_err *err)
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
	/* Ranked for the scoring ratio: as for selection rates, but a
	 * group needs scored records rather than outcomes (a run may have
	 * scores only). */
	for (i = 0; i < a->n; i++)
		if (!strstr(a->values[i], AUD_GROUP_UNKNOWN) &&
		    strcmp(a->values[i], AUD_GROUP_OTHER) != 0 &&
		    m[i].share >= min_share && scored[i] &&
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

/* Groups the expected-shares file lists but no record had: they are
 * added with zero counts, so the report shows them as missing. */
static int add_absent(const aud_expected *e, attr_rows *a, aud_err *err)
{
	size_t i, j;

	for (i = 0; i < e->n; i++) {
		if (strcmp(e->v[i].attr, a->name) != 0)
			continue;
		for (j = 0; j < a->n; j++)
			if (strcmp(a->values[j], e->v[i].group) == 0)
				break;
		if (j < a->n)
			continue;
		if (a->n == a->cap) {
			size_t nc = a->cap ? a->cap * 2 : 16;
			aud_group_counts *ng = realloc(a->g, nc * sizeof *ng);
			char **nv = ng ? realloc(a->values, nc * sizeof *nv)
				       : NULL;

			if (ng)
				a->g = ng;
			if (!nv)
				return aud_err_set(err, AUD_ENOMEM,
						   "out of memory");
			a->values = nv;
			a->cap = nc;
		}
		a->values[a->n] = strdup(e->v[i].group);
		if (!a->values[a->n])
			return aud_err_set(err, AUD_ENOMEM, "out of memory");
		memset(&a->g[a->n], 0, sizeof a->g[a->n]);
		for (j = 0; j <= a->n; j++) /* values may have moved */
			a->g[j].value = a->values[j];
		a->n++;
	}
	return AUD_OK;
}

/*
 * EU AI Act Article 10(3) representativeness: for each group the file
 * lists, representation ratio = (O_g / N) / (e_g / sum of e), the observed
 * over the expected share among the listed groups, and per
 * attribute Pearson's goodness-of-fit test over the listed groups:
 * O_g = records of g, N = the sum of O_g, E_g = N * e_g / (sum of e),
 * chi2 = sum over E_g > 0 of (O_g - E_g)^2 / E_g, dof = listed groups - 1,
 * p = Q(dof/2, chi2/2).
 */
static int representativeness(aud_store *s, int64_t run_id,
			      const aud_expected *e, attr_rows *a,
			      aud_err *err)
{
	double esum = 0, chi2 = 0, n = 0;
	size_t i, j, k = 0;
	int rc = AUD_OK;

	for (i = 0; i < e->n; i++)
		if (strcmp(e->v[i].attr, a->name) == 0)
			for (j = 0; j < a->n; j++)
				if (strcmp(a->values[j], e->v[i].group) == 0) {
					esum += e->v[i].share;
					n += (double)a->g[j].n;
					k++;
				}
	if (k == 0)
		return AUD_OK;
	for (i = 0; i < e->n && !rc; i++) {
		if (strcmp(e->v[i].attr, a->name) != 0)
			continue;
		for (j = 0; j < a->n; j++)
			if (strcmp(a->values[j], e->v[i].group) == 0)
				break;
		if (j == a->n)
			continue;
		if (esum > 0 && e->v[i].share > 0) {
			double x = n * e->v[i].share / esum;
			double d = (double)a->g[j].n - x;

			chi2 += d * d / x;
		}
		rc = aud_store_group_expected_set(
			s, run_id, a->name, a->values[j], e->v[i].share,
			e->v[i].share > 0 && n > 0
				? ((double)a->g[j].n / n) /
					  (e->v[i].share / esum)
				: NAN,
			err);
	}
	if (!rc)
		rc = aud_store_attribute_gof_set(
			s, run_id, a->name, k - 1, k > 1 ? chi2 : NAN,
			k > 1 ? aud_chi2_sf(chi2, (double)(k - 1)) : NAN, err);
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
	if (o->expected && (rc = add_absent(o->expected, a, err)))
		return rc;
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
		rc = scoring(s, run_id, a, m, o->min_share, err);
	if (!rc && o->expected)
		rc = representativeness(s, run_id, o->expected, a, err);
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
