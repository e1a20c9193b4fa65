/*
 * summary.c: the run summary on stdout, read back from the store. Numbers
 * come from SQL over the runs, files and findings tables; placeholder
 * findings (documentation and test values) are counted apart from real
 * ones. Ordering is fixed (count, then name) so the output is stable.
 */
#include "auditor/summary.h"
#include "auditor/utf8.h"

#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define TOP_FIELDS 20

void aud_json_chars(FILE *out, const char *s, size_t len, int brackets)
{
	size_t i = 0, ok;

	while (i < len) {
		ok = i + aud_utf8_invalid_at(s + i, len - i);
		for (; i < ok; i++) {
			unsigned char ch = (unsigned char)s[i];

			if (ch == '"' || ch == '\\')
				fprintf(out, "\\%c", ch);
			else if (brackets && (ch == '[' || ch == ']'))
				fprintf(out, "\\\\%c", ch);
			else if (ch == '\n')
				fputs("\\n", out);
			else if (ch == '\t')
				fputs("\\t", out);
			else if (ch == '\r')
				fputs("\\r", out);
			else if (ch < 0x20 || ch == 0x7f)
				fprintf(out, "\\u%04x", ch);
			else
				fputc(ch, out);
		}
		if (i < len) { /* not UTF-8: JSON text must be */
			fputs("\\ufffd", out);
			i++;
		}
	}
}

void aud_json_string(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	aud_json_chars(out, s, len, 0);
	fputc('"', out);
}

static void jstr(FILE *out, const unsigned char *s)
{
	if (!s)
		fputs("null", out);
	else
		aud_json_string(out, (const char *)s, strlen((const char *)s));
}

static const char *txt(const unsigned char *s)
{
	return s ? (const char *)s : "";
}

static int prep(sqlite3 *db, sqlite3_stmt **st, const char *sql,
		int64_t run_id, aud_err *err)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return aud_err_set(err, AUD_ESTORE, "cannot read summary: %s",
				   sqlite3_errmsg(db));
	sqlite3_bind_int64(*st, 1, run_id);
	return AUD_OK;
}

static void human_bytes(char *out, size_t cap, double b)
{
	static const char *u[] = {"B", "KB", "MB", "GB", "TB"};
	int i = 0;

	while (b >= 1000 && i < 4) {
		b /= 1000;
		i++;
	}
	if (i == 0)
		snprintf(out, cap, "%.0f B", b);
	else
		snprintf(out, cap, "%.1f %s", b, u[i]);
}

static void jint(FILE *out, const char *name, sqlite3_stmt *st, int col)
{
	fprintf(out, ",\"%s\":%" PRId64, name,
		(int64_t)sqlite3_column_int64(st, col));
}

/* Fields that hold personal data: by name, by values, or quasi-ids. */
static int write_fields(FILE *out, sqlite3 *db, int64_t run_id, int json,
			aud_err *err)
{
	sqlite3_stmt *st;
	int rc, first = 1, shown = 0;

	if ((rc = prep(db, &st,
		       "SELECT v.field, v.verdict, (SELECT f.reason FROM "
		       "fields f WHERE f.run_id = v.run_id AND f.field = "
		       "v.field AND f.verdict = v.verdict ORDER BY f.file_id "
		       "LIMIT 1), v.values_non_empty, v.values_with_findings, "
		       "v.name_class FROM field_verdicts v WHERE v.run_id = ?1 "
		       "AND v.verdict <> 'none_found' ORDER BY CASE v.verdict "
		       "WHEN 'personal' THEN 1 WHEN 'contains_personal' THEN 2 "
		       "ELSE 3 END, v.field",
		       run_id, err)))
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *fld = sqlite3_column_text(st, 0);
		const unsigned char *ver = sqlite3_column_text(st, 1);
		const unsigned char *why = sqlite3_column_text(st, 2);

		if (json) {
			fputs(first ? ",\"fields\":[" : ",", out);
			fputs("{\"field\":", out);
			jstr(out, fld);
			fputs(",\"verdict\":", out);
			jstr(out, ver);
			fputs(",\"reason\":", out);
			jstr(out, why);
			fputs(",\"name_class\":", out);
			jstr(out, sqlite3_column_text(st, 5));
			jint(out, "values_non_empty", st, 3);
			jint(out, "values_with_findings", st, 4);
			fputc('}', out);
		} else {
			if (first)
				fprintf(out, "\n%-28s %-18s %s\n",
					"fields with personal data", "verdict",
					"why");
			if (shown++ < 40)
				fprintf(out, "  %-26s %-18s %s\n", txt(fld),
					txt(ver), txt(why));
		}
		first = 0;
	}
	sqlite3_finalize(st);
	if (json)
		fputs(first ? ",\"fields\":[]" : "]", out);
	else if (shown > 40)
		fprintf(out, "  ... and %d more (table fields)\n", shown - 40);
	return AUD_OK;
}

/* Values found in more than one record: what a model would memorise.
 * Their masked previews often look alike (a date of birth shows its first
 * digit), so each row also shows the start of its keyed hash, which tells
 * them apart and finds the value's findings: WHERE value_hash GLOB
 * 'start*' (which, unlike LIKE, uses the value_hash index; JSON: the
 * whole hash). */
static int write_repeated(FILE *out, sqlite3 *db, int64_t run_id, int json,
			  aud_err *err)
{
	sqlite3_stmt *st;
	int rc, first = 1;

	if ((rc = prep(db, &st,
		       "SELECT entity, masked, occurrences, records, files, "
		       "value_hash" AUD_REPEATED_FROM " LIMIT 10",
		       run_id, err)))
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (json) {
			fputs(first ? ",\"repeated_values\":[" : ",", out);
			fputs("{\"entity\":", out);
			jstr(out, sqlite3_column_text(st, 0));
			fputs(",\"masked\":", out);
			jstr(out, sqlite3_column_text(st, 1));
			jint(out, "occurrences", st, 2);
			jint(out, "records", st, 3);
			jint(out, "files", st, 4);
			fputs(",\"value_hash\":", out);
			jstr(out, sqlite3_column_text(st, 5));
			fputc('}', out);
		} else {
			if (first)
				fprintf(out,
					"\n%-28s %-24s %-12s %8s %8s %6s\n",
					"most repeated values", "masked",
					"hash", "found", "records", "files");
			fprintf(out,
				"  %-26s %-24s %-12.12s %8" PRId64 " %8" PRId64
				" %6" PRId64 "\n",
				txt(sqlite3_column_text(st, 0)),
				txt(sqlite3_column_text(st, 1)),
				txt(sqlite3_column_text(st, 5)),
				(int64_t)sqlite3_column_int64(st, 2),
				(int64_t)sqlite3_column_int64(st, 3),
				(int64_t)sqlite3_column_int64(st, 4));
		}
		first = 0;
	}
	sqlite3_finalize(st);
	if (json)
		fputs(first ? ",\"repeated_values\":[]" : "]", out);
	return AUD_OK;
}

/* Redaction markers: whether and how the data was already scrubbed. */
static int write_markers(FILE *out, sqlite3 *db, int64_t run_id, int json,
			 aud_err *err)
{
	sqlite3_stmt *st;
	int rc, first = 1;

	if ((rc = prep(db, &st,
		       "SELECT field, marker, SUM(count) AS n FROM markers "
		       "WHERE run_id = ?1 GROUP BY field, marker "
		       "ORDER BY n DESC, field, marker LIMIT 20",
		       run_id, err)))
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (json) {
			fputs(first ? ",\"redaction_markers\":[" : ",", out);
			fputs("{\"field\":", out);
			jstr(out, sqlite3_column_text(st, 0));
			fputs(",\"marker\":", out);
			jstr(out, sqlite3_column_text(st, 1));
			jint(out, "count", st, 2);
			fputc('}', out);
		} else {
			if (first)
				fprintf(out, "\n%-28s %-24s %8s\n",
					"redaction markers", "marker", "count");
			fprintf(out, "  %-26s %-24s %8" PRId64 "\n",
				txt(sqlite3_column_text(st, 0)),
				txt(sqlite3_column_text(st, 1)),
				(int64_t)sqlite3_column_int64(st, 2));
		}
		first = 0;
	}
	sqlite3_finalize(st);
	if (json)
		fputs(first ? ",\"redaction_markers\":[]" : "]", out);
	return AUD_OK;
}

static int write_suppressed(FILE *out, sqlite3 *db, int64_t run_id, int json,
			    aud_err *err)
{
	sqlite3_stmt *st;
	int rc, first = 1;

	if ((rc = prep(db, &st,
		       "SELECT entity, count FROM suppressed WHERE run_id = ?1 "
		       "ORDER BY count DESC, entity",
		       run_id, err)))
		return rc;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (json) {
			fputs(first ? ",\"suppressed\":[" : ",", out);
			fputs("{\"entity\":", out);
			jstr(out, sqlite3_column_text(st, 0));
			jint(out, "count", st, 1);
			fputc('}', out);
		} else {
			fprintf(out, "%s %s %" PRId64,
				first ? "\nsuppressed by the allowlist:" : ",",
				txt(sqlite3_column_text(st, 0)),
				(int64_t)sqlite3_column_int64(st, 1));
		}
		first = 0;
	}
	sqlite3_finalize(st);
	if (json)
		fputs(first ? ",\"suppressed\":[]" : "]", out);
	else if (!first)
		fputc('\n', out);
	return AUD_OK;
}

static void jnum(FILE *out, const char *name, sqlite3_stmt *st, int col)
{
	fprintf(out, ",\"%s\":", name);
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		fputs("null", out);
	else
		fprintf(out, "%.17g", sqlite3_column_double(st, col));
}

/* "0.1234" or "-" for NULL, into buf. */
static const char *num(char *buf, size_t cap, sqlite3_stmt *st, int col,
		       const char *fmt)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		snprintf(buf, cap, "-");
	else
		snprintf(buf, cap, fmt, sqlite3_column_double(st, col));
	return buf;
}

/* LL144 scoring rates of one attribute, lowest ratio first. */
static int write_scoring(FILE *out, sqlite3 *db, int64_t run_id,
			 const unsigned char *attr, double median,
			 int64_t scored, aud_err *err)
{
	sqlite3_stmt *st;
	int rc;
	char b1[32], b2[32];

	if ((rc = prep(db, &st,
		       "SELECT group_value, scored, scoring_rate, "
		       "scoring_impact_ratio, eligible FROM group_metrics "
		       "WHERE run_id = ?1 AND attribute = ?2 AND scored > 0 "
		       "ORDER BY eligible DESC, scoring_impact_ratio IS NULL, "
		       "scoring_impact_ratio, group_value",
		       run_id, err)))
		return rc;
	sqlite3_bind_text(st, 2, (const char *)attr, -1, SQLITE_TRANSIENT);
	fprintf(out,
		"  scoring rate (LL144): share scoring above the median %.6g "
		"of %" PRId64 " scored records\n",
		median, scored);
	while (sqlite3_step(st) == SQLITE_ROW)
		fprintf(out, "    %-30.30s %9" PRId64 " %9s  impact %s%s\n",
			txt(sqlite3_column_text(st, 0)),
			(int64_t)sqlite3_column_int64(st, 1),
			num(b1, sizeof b1, st, 2, "%.4f"),
			num(b2, sizeof b2, st, 3, "%.3f"),
			sqlite3_column_int(st, 4) ? "" : " (not ranked)");
	sqlite3_finalize(st);
	return AUD_OK;
}

/* Representativeness: observed against expected shares. */
static int write_representation(FILE *out, sqlite3 *db, int64_t run_id,
				const unsigned char *attr, double chi2,
				int64_t dof, double p, aud_err *err)
{
	sqlite3_stmt *st;
	int rc;
	char b1[32];

	if ((rc = prep(db, &st,
		       "SELECT group_value, n, expected_share, "
		       "representation_ratio FROM group_metrics WHERE "
		       "run_id = ?1 AND attribute = ?2 AND expected_share IS "
		       "NOT NULL ORDER BY representation_ratio, group_value",
		       run_id, err)))
		return rc;
	sqlite3_bind_text(st, 2, (const char *)attr, -1, SQLITE_TRANSIENT);
	fprintf(out,
		"  representativeness: goodness of fit chi-square %.4g, dof "
		"%" PRId64 ", p %.3g\n",
		chi2, dof, p);
	while (sqlite3_step(st) == SQLITE_ROW)
		fprintf(out,
			"    %-30.30s %9" PRId64 "  expected %.4f  observed/"
			"expected %s%s\n",
			txt(sqlite3_column_text(st, 0)),
			(int64_t)sqlite3_column_int64(st, 1),
			sqlite3_column_double(st, 2),
			num(b1, sizeof b1, st, 3, "%.3f"),
			sqlite3_column_int64(st, 1) == 0 ? "  (missing)" : "");
	sqlite3_finalize(st);
	return AUD_OK;
}

/* The bias audit: per attribute, its groups most affected first. */
static int write_bias(FILE *out, sqlite3 *db, int64_t run_id, int json,
		      aud_err *err)
{
	sqlite3_stmt *at, *gs;
	int rc, first = 1, gfirst;
	char b1[32], b2[32], b3[80], b4[32], b5[32], b6[32];

	if ((rc = prep(db, &at,
		       "SELECT attribute, reference_group, most_selected_group, "
		       "chi2_p, missing_outcome, has_predictions, "
		       "dp_difference, dp_ratio, eo_difference, eo_ratio, "
		       "score_median, scored, gof_chi2, gof_dof, gof_p "
		       "FROM attribute_metrics WHERE run_id = ?1 "
		       "ORDER BY attribute",
		       run_id, err)))
		return rc;
	while (sqlite3_step(at) == SQLITE_ROW) {
		const unsigned char *attr = sqlite3_column_text(at, 0);

		if (json) {
			fputs(first ? ",\"bias\":[" : ",", out);
			fputs("{\"attribute\":", out);
			jstr(out, attr);
			fputs(",\"reference\":", out);
			jstr(out, sqlite3_column_text(at, 1));
			fputs(",\"most_selected\":", out);
			jstr(out, sqlite3_column_text(at, 2));
			jnum(out, "chi2_p", at, 3);
			jint(out, "missing_outcome", at, 4);
			jnum(out, "dp_difference", at, 6);
			jnum(out, "dp_ratio", at, 7);
			jnum(out, "eo_difference", at, 8);
			jnum(out, "eo_ratio", at, 9);
			jnum(out, "score_median", at, 10);
			jnum(out, "gof_chi2", at, 12);
			jnum(out, "gof_p", at, 14);
		} else {
			fprintf(out,
				"\nbias: %s (reference %s, most selected %s, "
				"chi-square p %s)\n",
				txt(attr), txt(sqlite3_column_text(at, 1)),
				txt(sqlite3_column_text(at, 2)),
				num(b1, sizeof b1, at, 3, "%.3g"));
			fprintf(out, "  %-30s %9s %7s %9s %-17s %7s %9s  %s\n",
				"group", "n", "share", "sel.rate", "95% CI",
				"impact", "p", "flag");
		}
		first = 0;
		if ((rc = prep(db, &gs,
			       "SELECT group_value, n, share, selection_rate, "
			       "ci_low, ci_high, impact_ratio, p_value, flag, "
			       "small, is_reference, impact_ratio_ref, spd_ref, "
			       "base_rate, tpr, fpr, ppv, test, scoring_rate, "
			       "scoring_impact_ratio, expected_share, "
			       "representation_ratio "
			       "FROM group_metrics WHERE run_id = ?1 AND "
			       "attribute = ?2 ORDER BY eligible DESC, "
			       "impact_ratio IS NULL, "
			       "impact_ratio, group_value",
			       run_id, err))) {
			sqlite3_finalize(at);
			return rc;
		}
		sqlite3_bind_text(gs, 2, (const char *)attr, -1,
				  SQLITE_TRANSIENT);
		gfirst = 1;
		while (sqlite3_step(gs) == SQLITE_ROW) {
			if (json) {
				fputs(gfirst ? ",\"groups\":[" : ",", out);
				fputs("{\"value\":", out);
				jstr(out, sqlite3_column_text(gs, 0));
				jint(out, "n", gs, 1);
				jnum(out, "share", gs, 2);
				jnum(out, "selection_rate", gs, 3);
				jnum(out, "ci_low", gs, 4);
				jnum(out, "ci_high", gs, 5);
				jnum(out, "impact_ratio", gs, 6);
				jnum(out, "p_value", gs, 7);
				fputs(",\"flag\":", out);
				jstr(out, sqlite3_column_text(gs, 8));
				fprintf(out, ",\"small\":%s",
					sqlite3_column_int(gs, 9) ? "true"
								  : "false");
				jnum(out, "scoring_rate", gs, 18);
				jnum(out, "scoring_impact_ratio", gs, 19);
				jnum(out, "expected_share", gs, 20);
				jnum(out, "representation_ratio", gs, 21);
				fputc('}', out);
			} else {
				snprintf(b3, sizeof b3, "[%s, %s]",
					 num(b4, sizeof b4, gs, 4, "%.4f"),
					 num(b5, sizeof b5, gs, 5, "%.4f"));
				fprintf(out,
					"  %-30.30s %9" PRId64
					" %6s%% %9s %-17s %7s %9s  %s%s%s\n",
					txt(sqlite3_column_text(gs, 0)),
					(int64_t)sqlite3_column_int64(gs, 1),
					sqlite3_column_type(gs, 2) ==
							SQLITE_NULL
						? "-"
						: (snprintf(b6, sizeof b6,
							    "%.1f",
							    100 *
								sqlite3_column_double(
									gs, 2)),
						   b6),
					num(b1, sizeof b1, gs, 3, "%.4f"), b3,
					num(b2, sizeof b2, gs, 6, "%.3f"),
					sqlite3_column_int(gs, 10)
						? "ref"
						: num(b4, sizeof b4, gs, 7,
						      "%.3g"),
					txt(sqlite3_column_text(gs, 8)),
					sqlite3_column_int(gs, 9) ? " " : "",
					sqlite3_column_int(gs, 9)
						? "(few records: the interval "
						  "is wider than 0.2)"
						: "");
			}
			gfirst = 0;
		}
		sqlite3_finalize(gs);
		if (!json && sqlite3_column_type(at, 10) != SQLITE_NULL &&
		    (rc = write_scoring(out, db, run_id, attr,
					sqlite3_column_double(at, 10),
					sqlite3_column_int64(at, 11), err))) {
			sqlite3_finalize(at);
			return rc;
		}
		if (!json && sqlite3_column_type(at, 12) != SQLITE_NULL &&
		    (rc = write_representation(out, db, run_id, attr,
					       sqlite3_column_double(at, 12),
					       sqlite3_column_int64(at, 13),
					       sqlite3_column_double(at, 14),
					       err))) {
			sqlite3_finalize(at);
			return rc;
		}
		if (json) {
			fputs(gfirst ? ",\"groups\":[]}" : "]}", out);
		} else if (sqlite3_column_int64(at, 4) > 0) {
			fprintf(out,
				"  %" PRId64 " records had no outcome: counted "
				"in n, left out of the rates\n",
				(int64_t)sqlite3_column_int64(at, 4));
		}
	}
	sqlite3_finalize(at);
	if (json)
		fputs(first ? ",\"bias\":[]" : "]", out);
	return AUD_OK;
}

/* jint, or null for a NULL column. */
static void jint_null(FILE *out, const char *name, sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		fprintf(out, ",\"%s\":null", name);
	else
		jint(out, name, st, col);
}

/* Re-identification risk (kanon_metrics): the run's one row, if any. A
 * database made before the table existed has none. */
static int write_kanon(FILE *out, sqlite3 *db, int64_t run_id, int json,
		       aud_err *err)
{
	sqlite3_stmt *st;
	int rc, step;
	const char *q, *p;
	int64_t n, all;

	if ((rc = prep(db, &st,
		       "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND "
		       "name = 'kanon_metrics'",
		       run_id, err)))
		return rc;
	step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step != SQLITE_ROW) {
		if (json)
			fputs(",\"reidentification\":null", out);
		return AUD_OK;
	}
	if ((rc = prep(db, &st,
		       "SELECT quasi_identifiers, sensitive, k, records, "
		       "classes, k_anonymity, classes_below_k, "
		       "records_below_k, share_below_k, unique_records, "
		       "share_unique, l_diversity, classes_l_below_2, "
		       "records_l_below_2, spills, (SELECT TOTAL(records) "
		       "FROM files f WHERE f.run_id = m.run_id) FROM "
		       "kanon_metrics m WHERE run_id = ?1",
		       run_id, err)))
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (json)
			fputs(",\"reidentification\":null", out);
		return AUD_OK;
	}
	q = txt(sqlite3_column_text(st, 0));
	n = sqlite3_column_int64(st, 3);
	all = sqlite3_column_int64(st, 15);
	if (json) {
		fputs(",\"reidentification\":{\"quasi_identifiers\":[", out);
		for (p = q; *p;) { /* stored joined with ',' */
			size_t len = strcspn(p, ",");

			if (p != q)
				fputc(',', out);
			aud_json_string(out, p, len);
			p += len + (p[len] == ',');
		}
		fputs("],\"sensitive\":", out);
		jstr(out, sqlite3_column_text(st, 1));
		jint(out, "k", st, 2);
		jint(out, "records", st, 3);
		jint(out, "records_in_run", st, 15);
		jint(out, "classes", st, 4);
		jint_null(out, "k_anonymity", st, 5);
		jint(out, "classes_below_k", st, 6);
		jint(out, "records_below_k", st, 7);
		jnum(out, "share_below_k", st, 8);
		jint(out, "unique_records", st, 9);
		jnum(out, "share_unique", st, 10);
		jint_null(out, "l_diversity", st, 11);
		jint_null(out, "classes_l_below_2", st, 12);
		jint_null(out, "records_l_below_2", st, 13);
		jint(out, "spills", st, 14);
		fputc('}', out);
		sqlite3_finalize(st);
		return AUD_OK;
	}
	fprintf(out, "\nre-identification risk over %s (k = %" PRId64 ")\n",
		q, (int64_t)sqlite3_column_int64(st, 2));
	fprintf(out, "  %-24s %" PRId64 " in %" PRId64 " equivalence classes\n",
		"records", n, (int64_t)sqlite3_column_int64(st, 4));
	if (n > 0) {
		fprintf(out, "  %-24s %" PRId64 " (the smallest class)\n",
			"k-anonymity", (int64_t)sqlite3_column_int64(st, 5));
		fprintf(out,
			"  %-24s %" PRId64 " records (%.2f%%) in %" PRId64
			" classes\n",
			"in classes under k", (int64_t)sqlite3_column_int64(st, 7),
			100 * sqlite3_column_double(st, 8),
			(int64_t)sqlite3_column_int64(st, 6));
		fprintf(out,
			"  %-24s %" PRId64 " records (%.2f%%) alone in their "
			"class\n",
			"unique", (int64_t)sqlite3_column_int64(st, 9),
			100 * sqlite3_column_double(st, 10));
		if (sqlite3_column_type(st, 11) != SQLITE_NULL)
			fprintf(out,
				"  %-24s %" PRId64 " for %s; %" PRId64
				" classes (%" PRId64
				" records) have one value only\n",
				"l-diversity",
				(int64_t)sqlite3_column_int64(st, 11),
				txt(sqlite3_column_text(st, 1)),
				(int64_t)sqlite3_column_int64(st, 12),
				(int64_t)sqlite3_column_int64(st, 13));
	}
	if (n < all)
		fprintf(out,
			"  counted over %" PRId64 " of the run's %" PRId64
			" records: inputs that failed are left out\n",
			n, all);
	sqlite3_finalize(st);
	return AUD_OK;
}

/*
 * The repeated values, written on a second thread while this one writes
 * the sections before them. Their query sorts every finding of the run,
 * as the per-entity one does: on 100 MB of findings-heavy text (396,680
 * findings) 0.54 and 0.39 s of the summary's 1.14 s, each mostly on one
 * core while the other idles (SQLite's sorter thread helps them little).
 * The thread reads through its own read-only connection (the WAL lets
 * readers share the committed run) into a memory stream, which the
 * summary copies out in its place. Without a file to open again (an
 * in-memory database) or a thread, they are written in turn as before.
 */
struct side {
	sqlite3 *db;
	FILE *out;
	char *buf;
	size_t len;
	int64_t run_id;
	int json, started, rc;
	aud_err err;
	pthread_t t;
};

static void *side_main(void *p)
{
	struct side *sd = p;

	sd->rc =
	    write_repeated(sd->out, sd->db, sd->run_id, sd->json, &sd->err);
	return NULL;
}

static void side_start(struct side *sd, sqlite3 *db, int64_t run_id, int json)
{
	const char *path = sqlite3_db_filename(db, "main");

	memset(sd, 0, sizeof *sd);
	aud_err_clear(&sd->err);
	sd->run_id = run_id;
	sd->json = json;
	if (!path || !*path ||
	    sqlite3_open_v2(path, &sd->db,
			    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK ||
	    sqlite3_exec(sd->db, "PRAGMA threads = 1", NULL, NULL, NULL) !=
		SQLITE_OK ||
	    !(sd->out = open_memstream(&sd->buf, &sd->len)))
		goto none;
	sqlite3_busy_timeout(sd->db, 5000);
	if (pthread_create(&sd->t, NULL, side_main, sd) == 0) {
		sd->started = 1;
		return;
	}
none:
	if (sd->out)
		fclose(sd->out);
	free(sd->buf);
	sqlite3_close(sd->db);
	memset(sd, 0, sizeof *sd);
}

/* Waits for the side thread, if any, and frees what it had. Returns its
 * result (its text in sd->buf, sd->len until freed). */
static int side_join(struct side *sd)
{
	if (!sd->started)
		return -1;
	pthread_join(sd->t, NULL);
	sd->started = 0;
	fclose(sd->out);
	sd->out = NULL;
	sqlite3_close(sd->db);
	sd->db = NULL;
	return sd->rc;
}

/* The repeated values: the side thread's text, or written here. */
static int repeated(FILE *out, sqlite3 *db, int64_t run_id, int json,
		    struct side *sd, aud_err *err)
{
	int rc;

	if (!sd->started)
		return write_repeated(out, db, run_id, json, err);
	rc = side_join(sd);
	if (rc) {
		*err = sd->err;
		return rc;
	}
	if (sd->len && fwrite(sd->buf, 1, sd->len, out) != sd->len)
		return aud_err_set(err, AUD_EIO, "cannot write the summary");
	return AUD_OK;
}

static int summary(FILE *out, sqlite3 *db, int64_t run_id, int json,
		   struct side *sd, aud_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = AUD_OK, first;
	int64_t nfiles = 0, nfailed = 0, nwarn = 0, records = 0,
		decoded = 0, raw = 0, findings = 0, placeholders = 0;
	char status[32] = "", b1[32], b2[32];

	if ((rc = prep(db, &st,
		       "SELECT status FROM runs WHERE run_id = ?1", run_id,
		       err)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(status, sizeof status, "%s",
			 txt(sqlite3_column_text(st, 0)));
	sqlite3_finalize(st);

	if ((rc = prep(db, &st,
		       "SELECT COUNT(*), TOTAL(status = 'failed'), "
		       "TOTAL(status = 'warning'), TOTAL(records), "
		       "TOTAL(bytes_decoded), TOTAL(size_bytes) "
		       "FROM files WHERE run_id = ?1",
		       run_id, err)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		nfiles = sqlite3_column_int64(st, 0);
		nfailed = sqlite3_column_int64(st, 1);
		nwarn = sqlite3_column_int64(st, 2);
		records = sqlite3_column_int64(st, 3);
		decoded = sqlite3_column_int64(st, 4);
		raw = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);

	if ((rc = prep(db, &st,
		       "SELECT TOTAL(evidence <> 'placeholder'), "
		       "TOTAL(evidence = 'placeholder') FROM findings "
		       "WHERE run_id = ?1",
		       run_id, err)))
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW) {
		findings = sqlite3_column_int64(st, 0);
		placeholders = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);

	if (json) {
		fprintf(out,
			"{\"run_id\":%" PRId64 ",\"status\":\"%s\","
			"\"files\":{\"scanned\":%" PRId64 ",\"failed\":%" PRId64
			",\"warning\":%" PRId64 "},\"records\":%" PRId64
			",\"bytes_decoded\":%" PRId64 ",\"bytes_read\":%" PRId64
			",\"findings\":%" PRId64 ",\"placeholders\":%" PRId64,
			run_id, status, nfiles, nfailed, nwarn, records,
			decoded, raw, findings, placeholders);
	} else {
		human_bytes(b1, sizeof b1, (double)decoded);
		human_bytes(b2, sizeof b2, (double)raw);
		fprintf(out, "auditor: run %" PRId64 " %s\n", run_id, status);
		fprintf(out,
			"files     %" PRId64 " scanned, %" PRId64
			" failed, %" PRId64 " with warnings\n",
			nfiles, nfailed, nwarn);
		fprintf(out, "records   %" PRId64 "\n", records);
		fprintf(out, "bytes     %s decoded (%s read)\n", b1, b2);
		fprintf(out,
			"findings  %" PRId64 " (and %" PRId64
			" placeholder values)\n",
			findings, placeholders);
	}

	/* Per entity. */
	if ((rc = prep(db, &st,
		       "SELECT entity, TOTAL(evidence <> 'placeholder') AS n, "
		       "COUNT(DISTINCT CASE WHEN evidence <> 'placeholder' "
		       "THEN value_hash END), TOTAL(evidence = 'placeholder') "
		       "FROM findings WHERE run_id = ?1 GROUP BY entity "
		       "ORDER BY n DESC, entity",
		       run_id, err)))
		return rc;
	first = 1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *ent = sqlite3_column_text(st, 0);
		int64_t n = sqlite3_column_int64(st, 1);
		int64_t dv = sqlite3_column_int64(st, 2);
		int64_t ph = sqlite3_column_int64(st, 3);

		if (json) {
			fputs(first ? ",\"by_entity\":[" : ",", out);
			fputs("{\"entity\":", out);
			jstr(out, ent);
			fprintf(out,
				",\"findings\":%" PRId64
				",\"distinct_values\":%" PRId64
				",\"placeholders\":%" PRId64 "}",
				n, dv, ph);
		} else {
			if (first)
				fprintf(out, "\n%-28s %10s %10s %12s\n",
					"by entity", "findings", "distinct",
					"placeholder");
			fprintf(out,
				"  %-26s %10" PRId64 " %10" PRId64
				" %12" PRId64 "\n",
				txt(ent), n, dv, ph);
		}
		first = 0;
	}
	sqlite3_finalize(st);
	if (json)
		fputs(first ? ",\"by_entity\":[]" : "]", out);

	/* Per field: where the real findings are. */
	if ((rc = prep(db, &st,
		       "SELECT field, entity, COUNT(*) AS n FROM findings "
		       "WHERE run_id = ?1 AND evidence <> 'placeholder' "
		       "GROUP BY field, entity ORDER BY n DESC, field, entity "
		       "LIMIT " "20",
		       run_id, err)))
		return rc;
	first = 1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *fld = sqlite3_column_text(st, 0);
		const unsigned char *ent = sqlite3_column_text(st, 1);
		int64_t n = sqlite3_column_int64(st, 2);

		if (json) {
			fputs(first ? ",\"by_field\":[" : ",", out);
			fputs("{\"field\":", out);
			jstr(out, fld);
			fputs(",\"entity\":", out);
			jstr(out, ent);
			fprintf(out, ",\"findings\":%" PRId64 "}", n);
		} else {
			if (first)
				fprintf(out, "\n%-28s %-22s %10s\n",
					"by field (top 20)", "entity",
					"findings");
			fprintf(out, "  %-26s %-22s %10" PRId64 "\n", txt(fld),
				txt(ent), n);
		}
		first = 0;
	}
	sqlite3_finalize(st);
	if (json)
		fputs(first ? ",\"by_field\":[]" : "]", out);

	/* Inputs that failed or had problems. */
	if ((rc = prep(db, &st,
		       "SELECT path, status, error, error_record, error_line, "
		       "error_offset, problems FROM files WHERE run_id = ?1 "
		       "AND status <> 'ok' ORDER BY file_id",
		       run_id, err)))
		return rc;
	first = 1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *path = sqlite3_column_text(st, 0);
		const unsigned char *fst = sqlite3_column_text(st, 1);
		const unsigned char *er = sqlite3_column_text(st, 2);

		if (json) {
			fputs(first ? ",\"inputs_with_problems\":[" : ",", out);
			fputs("{\"path\":", out);
			jstr(out, path);
			fputs(",\"status\":", out);
			jstr(out, fst);
			fputs(",\"error\":", out);
			jstr(out, er);
			fputs(",\"record\":", out);
			if (sqlite3_column_type(st, 3) == SQLITE_NULL)
				fputs("null", out);
			else
				fprintf(out, "%" PRId64,
					(int64_t)sqlite3_column_int64(st, 3));
			fputs(",\"byte_offset\":", out);
			if (sqlite3_column_type(st, 5) == SQLITE_NULL)
				fputs("null", out);
			else
				fprintf(out, "%" PRId64,
					(int64_t)sqlite3_column_int64(st, 5));
			fprintf(out, ",\"problems\":%" PRId64 "}",
				(int64_t)sqlite3_column_int64(st, 6));
		} else {
			if (first)
				fputs("\ninputs with problems\n", out);
			fprintf(out, "  %s [%s] %s", txt(path), txt(fst),
				txt(er));
			if (sqlite3_column_int64(st, 6) > 0)
				fprintf(out, " (%" PRId64 " problem records)",
					(int64_t)sqlite3_column_int64(st, 6));
			fputc('\n', out);
		}
		first = 0;
	}
	sqlite3_finalize(st);
	if (json)
		fputs(first ? ",\"inputs_with_problems\":[]" : "]", out);

	if ((rc = write_bias(out, db, run_id, json, err)) ||
	    (rc = write_kanon(out, db, run_id, json, err)) ||
	    (rc = write_fields(out, db, run_id, json, err)) ||
	    (rc = repeated(out, db, run_id, json, sd, err)) ||
	    (rc = write_markers(out, db, run_id, json, err)) ||
	    (rc = write_suppressed(out, db, run_id, json, err)))
		return rc;
	if (json)
		fputs("}\n", out);
	return AUD_OK;
}

int aud_summary_write(FILE *out, aud_store *s, int64_t run_id, int json,
		      aud_err *err)
{
	sqlite3 *db = aud_store_db(s);
	struct side sd;
	int rc;

	side_start(&sd, db, run_id, json);
	rc = summary(out, db, run_id, json, &sd, err);
	side_join(&sd);
	free(sd.buf);
	return rc;
}
