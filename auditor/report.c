/*
 * report.c: text, JSON, Markdown and CSV exports of one run (report.h).
 * Everything is read from the store; lists are ordered explicitly so the
 * same database always gives the same bytes. The figures of the text and
 * JSON bodies are the scan summary's (summary.c), with the manifest in
 * front; Markdown lays the same tables out for a document to file.
 */
#include "auditor/report.h"
#include "auditor/overlap.h"
#include "auditor/summary.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *txt(const unsigned char *s)
{
	return s ? (const char *)s : "";
}

static int prep(sqlite3 *db, sqlite3_stmt **st, const char *sql,
		int64_t run_id, aud_err *err)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return aud_err_set(err, AUD_ESTORE, "cannot read the run: %s",
				   sqlite3_errmsg(db));
	sqlite3_bind_int64(*st, 1, run_id);
	return AUD_OK;
}

int aud_report_run_exists(aud_store *s, int64_t run_id)
{
	sqlite3_stmt *st;
	int found;

	if (prep(aud_store_db(s), &st, "SELECT 1 FROM runs WHERE run_id = ?1",
		 run_id, NULL))
		return 0;
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

static const char run_sql[] =
	"SELECT run_id, status, started_at, finished_at, tool_version, "
	"options, patterns_sha256, hash_key_fingerprint, hash_key_source, "
	"allowlist_sha256 FROM runs WHERE run_id = ?1";

static const char inputs_sql[] =
	"SELECT path, size_bytes, sha256, compression, format, records, "
	"status FROM files WHERE run_id = ?1 ORDER BY file_id";

static void json_field(FILE *out, const char *name, const unsigned char *v,
		       int first)
{
	fprintf(out, "%s\"%s\":", first ? "" : ",", name);
	if (v)
		aud_json_string(out, (const char *)v, strlen((const char *)v));
	else
		fputs("null", out);
}

/* The manifest as a JSON object. The run's options are stored as JSON and
 * copied in as they are. */
static int manifest_json(FILE *out, sqlite3 *db, int64_t run_id,
			 aud_err *err)
{
	sqlite3_stmt *st;
	int rc, first = 1;

	if ((rc = prep(db, &st, run_sql, run_id, err)))
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return aud_err_set(err, AUD_EUSAGE, "no run %" PRId64, run_id);
	}
	fprintf(out, "{\"tool\":\"auditor\"");
	json_field(out, "tool_version", sqlite3_column_text(st, 4), 0);
	fprintf(out, ",\"run_id\":%" PRId64, run_id);
	json_field(out, "status", sqlite3_column_text(st, 1), 0);
	json_field(out, "started_at", sqlite3_column_text(st, 2), 0);
	json_field(out, "finished_at", sqlite3_column_text(st, 3), 0);
	fprintf(out, ",\"options\":%s",
		sqlite3_column_text(st, 5) ? txt(sqlite3_column_text(st, 5))
					   : "null");
	json_field(out, "patterns_sha256", sqlite3_column_text(st, 6), 0);
	json_field(out, "hash_key_fingerprint", sqlite3_column_text(st, 7), 0);
	json_field(out, "hash_key_source", sqlite3_column_text(st, 8), 0);
	json_field(out, "allowlist_sha256", sqlite3_column_text(st, 9), 0);
	sqlite3_finalize(st);
	if ((rc = prep(db, &st, inputs_sql, run_id, err)))
		return rc;
	fputs(",\"inputs\":[", out);
	while (sqlite3_step(st) == SQLITE_ROW) {
		fputs(first ? "{" : ",{", out);
		json_field(out, "path", sqlite3_column_text(st, 0), 1);
		if (sqlite3_column_type(st, 1) == SQLITE_NULL)
			fputs(",\"size_bytes\":null", out);
		else
			fprintf(out, ",\"size_bytes\":%" PRId64,
				(int64_t)sqlite3_column_int64(st, 1));
		json_field(out, "sha256", sqlite3_column_text(st, 2), 0);
		json_field(out, "compression", sqlite3_column_text(st, 3), 0);
		json_field(out, "format", sqlite3_column_text(st, 4), 0);
		fprintf(out, ",\"records\":%" PRId64,
			(int64_t)sqlite3_column_int64(st, 5));
		json_field(out, "status", sqlite3_column_text(st, 6), 0);
		fputc('}', out);
		first = 0;
	}
	sqlite3_finalize(st);
	fputs("]}", out);
	return AUD_OK;
}

static int manifest_text(FILE *out, sqlite3 *db, int64_t run_id, int md,
			 aud_err *err)
{
	sqlite3_stmt *st;
	int rc;
	const char *row = md ? "| %s | %s |\n" : "%-12s %s\n";

	if ((rc = prep(db, &st, run_sql, run_id, err)))
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return aud_err_set(err, AUD_EUSAGE, "no run %" PRId64, run_id);
	}
	if (md)
		fprintf(out, "# auditor report: run %" PRId64 "\n\n"
			     "## Manifest\n\n| | |\n|---|---|\n",
			run_id);
	else
		fprintf(out, "auditor report: run %" PRId64 "\n", run_id);
	fprintf(out, row, "tool", "auditor");
	fprintf(out, row, "version", txt(sqlite3_column_text(st, 4)));
	fprintf(out, row, "status", txt(sqlite3_column_text(st, 1)));
	fprintf(out, row, "started", txt(sqlite3_column_text(st, 2)));
	fprintf(out, row, "finished", txt(sqlite3_column_text(st, 3)));
	fprintf(out, row, "options", txt(sqlite3_column_text(st, 5)));
	fprintf(out, row, "patterns", txt(sqlite3_column_text(st, 6)));
	fprintf(out, row, "hash key",
		sqlite3_column_text(st, 7) ? txt(sqlite3_column_text(st, 7))
					   : "-");
	if (sqlite3_column_text(st, 9))
		fprintf(out, row, "allowlist", txt(sqlite3_column_text(st, 9)));
	sqlite3_finalize(st);
	if ((rc = prep(db, &st, inputs_sql, run_id, err)))
		return rc;
	fputs(md ? "\n## Inputs\n\n| path | bytes | SHA-256 | compression "
		   "| format | records | status |\n|---|---:|---|---|---|---:|"
		   "---|\n"
		 : "inputs\n",
	      out);
	while (sqlite3_step(st) == SQLITE_ROW)
		fprintf(out,
			md ? "| %s | %" PRId64 " | %s | %s | %s | %" PRId64
			     " | %s |\n"
			   : "  %s  %" PRId64 " bytes  sha256 %s  %s %s  %" PRId64
			     " records  %s\n",
			txt(sqlite3_column_text(st, 0)),
			(int64_t)sqlite3_column_int64(st, 1),
			sqlite3_column_text(st, 2)
				? txt(sqlite3_column_text(st, 2))
				: "-",
			txt(sqlite3_column_text(st, 3)),
			txt(sqlite3_column_text(st, 4)),
			(int64_t)sqlite3_column_int64(st, 5),
			txt(sqlite3_column_text(st, 6)));
	sqlite3_finalize(st);
	fputc('\n', out);
	return AUD_OK;
}

/* Writes the rows of sql (run id bound to ?1) as a Markdown table. */
static int md_table(FILE *out, sqlite3 *db, int64_t run_id, const char *title,
		    const char *sql, aud_err *err)
{
	sqlite3_stmt *st;
	int rc, i, ncol, rows = 0;

	if ((rc = prep(db, &st, sql, run_id, err)))
		return rc;
	ncol = sqlite3_column_count(st);
	fprintf(out, "## %s\n\n", title);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (rows++ == 0) {
			for (i = 0; i < ncol; i++)
				fprintf(out, "| %s ", sqlite3_column_name(st, i));
			fputs("|\n", out);
			for (i = 0; i < ncol; i++)
				fputs(sqlite3_column_type(st, i) == SQLITE_TEXT
					      ? "|---"
					      : "|---:",
				      out);
			fputs("|\n", out);
		}
		for (i = 0; i < ncol; i++) {
			const unsigned char *v = sqlite3_column_text(st, i);
			const char *p;

			fputs("| ", out);
			if (sqlite3_column_type(st, i) == SQLITE_FLOAT)
				fprintf(out, "%.4g", sqlite3_column_double(st, i));
			else
				for (p = txt(v); *p; p++) { /* keep the table */
					if (*p == '|')
						fputs("\\|", out);
					else if (*p == '\n' || *p == '\r')
						fputc(' ', out);
					else
						fputc(*p, out);
				}
			fputc(' ', out);
		}
		fputs("|\n", out);
	}
	sqlite3_finalize(st);
	fputs(rows ? "\n" : "None.\n\n", out);
	return AUD_OK;
}

/* Does the database have this table? (Those added after a database was
 * made, such as kanon_metrics, may be missing from it.) */
static int has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(db,
			       "SELECT 1 FROM sqlite_schema WHERE type = "
			       "'table' AND name = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* Re-identification risk, when the run measured it. */
static int md_kanon(FILE *out, sqlite3 *db, int64_t run_id, aud_err *err)
{
	sqlite3_stmt *st;
	int rc, found;

	if (!has_table(db, "kanon_metrics"))
		return AUD_OK;
	if ((rc = prep(db, &st,
		       "SELECT 1 FROM kanon_metrics WHERE run_id = ?1",
		       run_id, err)))
		return rc;
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!found)
		return AUD_OK;
	if ((rc = md_table(out, db, run_id, "Re-identification risk",
			   "SELECT quasi_identifiers, sensitive, k, records, "
			   "classes, k_anonymity, classes_below_k, "
			   "records_below_k, share_below_k, unique_records, "
			   "share_unique, l_diversity, classes_l_below_2, "
			   "records_l_below_2 FROM kanon_metrics WHERE "
			   "run_id = ?1",
			   err)) ||
	    (rc = md_table(out, db, run_id,
			   "Re-identification risk: the 20 smallest class "
			   "sizes",
			   "SELECT class_size, classes, class_size * classes "
			   "AS records FROM kanon_sizes WHERE run_id = ?1 "
			   "ORDER BY class_size LIMIT 20",
			   err)))
		return rc;
	return AUD_OK;
}

static int markdown(FILE *out, sqlite3 *db, int64_t run_id, aud_err *err)
{
	int rc;

	if ((rc = manifest_text(out, db, run_id, 1, err)) ||
	    (rc = md_table(out, db, run_id, "Findings by entity",
			   "SELECT entity, real AS findings, "
			   "real_distinct_values AS distinct_values, "
			   "placeholders FROM entity_counts WHERE run_id = ?1 "
			   "ORDER BY real DESC, entity",
			   err)) ||
	    (rc = md_table(out, db, run_id, "Findings by field",
			   "SELECT field, entity, COUNT(*) AS findings FROM "
			   "findings WHERE run_id = ?1 AND evidence <> "
			   "'placeholder' GROUP BY field, entity ORDER BY "
			   "findings DESC, field, entity",
			   err)) ||
	    (rc = md_table(out, db, run_id, "Fields with personal data",
			   "SELECT field, verdict, name_class, "
			   "values_non_empty, values_with_findings FROM "
			   "field_verdicts WHERE run_id = ?1 AND verdict <> "
			   "'none_found' ORDER BY verdict, field",
			   err)) ||
	    (rc = md_table(out, db, run_id, "Most repeated values",
			   "SELECT entity, masked, substr(value_hash, 1, 12) "
			   "AS hash, occurrences, records, files"
			   AUD_REPEATED_FROM " LIMIT 50",
			   err)) ||
	    (rc = md_table(out, db, run_id, "Bias audit: groups",
			   "SELECT attribute, group_value, n, share, "
			   "selection_rate, ci_low, ci_high, impact_ratio, "
			   "p_value, test, flag FROM group_metrics WHERE "
			   "run_id = ?1 ORDER BY attribute, eligible DESC, "
			   "impact_ratio IS NULL, impact_ratio, group_value",
			   err)) ||
	    (rc = md_table(out, db, run_id, "Bias audit: attributes",
			   "SELECT attribute, groups, reference_group, "
			   "most_selected_group, missing_outcome, chi2_p, "
			   "dp_difference, dp_ratio, eo_difference, eo_ratio "
			   "FROM attribute_metrics WHERE run_id = ?1 ORDER BY "
			   "attribute",
			   err)) ||
	    (rc = md_table(out, db, run_id, "Inputs with problems",
			   "SELECT path, status, error, error_record, "
			   "error_offset, problems FROM files WHERE run_id = ?1 "
			   "AND status <> 'ok' ORDER BY file_id",
			   err)) ||
	    (rc = md_kanon(out, db, run_id, err)))
		return rc;
	return AUD_OK;
}

/* An overlap run's tables (auditor overlap): the counts, and the first
 * matches with the places of both records. */
static int md_overlap(FILE *out, sqlite3 *db, int64_t run_id, aud_err *err)
{
	int rc;

	if ((rc = md_table(out, db, run_id, "Train/test overlap",
			   "SELECT key, near, train_records, test_records, "
			   "test_in_train, near_test_records, "
			   "train_duplicates, test_duplicates FROM "
			   "overlap_runs WHERE run_id = ?1",
			   err)))
		return rc;
	return md_table(out, db, run_id, "Overlap: first matches",
			"SELECT m.kind, a.path, m.record, b.path AS "
			"first_path, m.first_record, m.masked"
			AUD_OVERLAP_MATCHES_FROM
			" ORDER BY m.kind, m.match_id LIMIT 50",
			err);
}

/* One JSON object of a report, written by fn into *buf (*len bytes, the
 * trailing line end dropped). */
static int json_part(char **buf, size_t *len, aud_store *s, int64_t run_id,
		     int (*fn)(FILE *, aud_store *, int64_t, int, aud_err *),
		     aud_err *err)
{
	FILE *mem = open_memstream(buf, len);
	int rc;

	if (!mem)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	rc = fn(mem, s, run_id, 1, err);
	fclose(mem);
	while (*len && (*buf)[*len - 1] == '\n')
		(*len)--;
	return rc;
}

int aud_report_write(FILE *out, aud_store *s, int64_t run_id,
		     const char *format, aud_err *err)
{
	sqlite3 *db = aud_store_db(s);
	char *buf = NULL, *obuf = NULL;
	size_t len = 0, olen = 0;
	int rc, overlap;

	if (!aud_report_run_exists(s, run_id))
		return aud_err_set(err, AUD_EUSAGE, "no run %" PRId64 " in the "
				   "database", run_id);
	overlap = aud_overlap_run_has(s, run_id);
	if (strcmp(format, "text") == 0) {
		if ((rc = manifest_text(out, db, run_id, 0, err)) ||
		    (rc = aud_summary_write(out, s, run_id, 0, err)))
			return rc;
		if (!overlap)
			return AUD_OK;
		fputc('\n', out);
		return aud_overlap_summary_write(out, s, run_id, 0, err);
	}
	if (strcmp(format, "markdown") == 0) {
		if ((rc = markdown(out, db, run_id, err)) || !overlap)
			return rc;
		return md_overlap(out, db, run_id, err);
	}
	if (strcmp(format, "json") != 0)
		return aud_err_set(err, AUD_EUSAGE, "unknown report format '%s'",
				   format);
	/* {"manifest": {...}, "summary": {...}[, "overlap": {...}]} */
	rc = json_part(&buf, &len, s, run_id, aud_summary_write, err);
	if (!rc && overlap)
		rc = json_part(&obuf, &olen, s, run_id,
			       aud_overlap_summary_write, err);
	if (!rc) {
		fputs("{\"manifest\":", out);
		rc = manifest_json(out, db, run_id, err);
	}
	if (!rc) {
		fprintf(out, ",\"summary\":%.*s", (int)len, buf);
		if (overlap)
			fprintf(out, ",\"overlap\":%.*s", (int)olen, obuf);
		fputs("}\n", out);
	}
	free(buf);
	free(obuf);
	return rc;
}

/* ---- CSV ---------------------------------------------------------- */

static void csv_value(FILE *f, sqlite3_stmt *st, int i)
{
	const unsigned char *v;
	const char *p;

	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		return;
	case SQLITE_INTEGER:
		fprintf(f, "%" PRId64, (int64_t)sqlite3_column_int64(st, i));
		return;
	case SQLITE_FLOAT:
		fprintf(f, "%.17g", sqlite3_column_double(st, i));
		return;
	}
	v = sqlite3_column_text(st, i);
	p = txt(v);
	if (!strpbrk(p, ",\"\r\n")) {
		fputs(p, f);
		return;
	}
	fputc('"', f); /* RFC 4180: quote, and double inner quotes */
	for (; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

static int csv_table(const char *dir, const char *name, sqlite3 *db,
		     int64_t run_id, const char *sql, aud_err *err)
{
	char path[4096];
	sqlite3_stmt *st;
	FILE *f;
	int fd, i, n, rc;

	snprintf(path, sizeof path, "%s/%s.csv", dir, name);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0 || !(f = fdopen(fd, "w"))) {
		if (fd >= 0)
			close(fd);
		return aud_err_set(err, AUD_EIO, "%s: cannot write: %s", path,
				   strerror(errno));
	}
	if ((rc = prep(db, &st, sql, run_id, err))) {
		fclose(f);
		return rc;
	}
	n = sqlite3_column_count(st);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? "," : "", sqlite3_column_name(st, i));
	fputs("\r\n", f);
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			if (i)
				fputc(',', f);
			csv_value(f, st, i);
		}
		fputs("\r\n", f);
	}
	sqlite3_finalize(st);
	if (fclose(f) != 0)
		return aud_err_set(err, AUD_EIO, "%s: cannot write: %s", path,
				   strerror(errno));
	return AUD_OK;
}

int aud_report_csv(const char *dir, aud_store *s, int64_t run_id,
		   aud_err *err)
{
	static const struct {
		const char *name, *sql;
	} tables[] = {
		{"manifest", "SELECT run_id, status, started_at, finished_at, "
			     "tool_version, options, patterns_sha256, "
			     "hash_key_fingerprint, hash_key_source, "
			     "allowlist_sha256 FROM runs WHERE run_id = ?1"},
		{"files", "SELECT * FROM files WHERE run_id = ?1 ORDER BY "
			  "file_id"},
		{"findings", "SELECT finding_id, file_id, record, line, field, "
			     "byte_offset, length, entity, pattern_id, "
			     "evidence, confidence, masked, value_hash FROM "
			     "findings WHERE run_id = ?1 ORDER BY finding_id"},
		{"entity_counts", "SELECT * FROM entity_counts WHERE run_id = "
				  "?1 ORDER BY entity"},
		{"fields", "SELECT * FROM fields WHERE run_id = ?1 ORDER BY "
			   "file_id, field"},
		{"repeated_values", "SELECT * FROM repeated_values WHERE "
				    "run_id = ?1 AND records > 1 ORDER BY "
				    "records DESC, occurrences DESC, entity, "
				    "value_hash"},
		{"markers", "SELECT * FROM markers WHERE run_id = ?1 ORDER BY "
			    "file_id, field, marker"},
		{"group_metrics", "SELECT * FROM group_metrics WHERE run_id = "
				  "?1 ORDER BY attribute, group_value"},
		{"attribute_metrics", "SELECT * FROM attribute_metrics WHERE "
				      "run_id = ?1 ORDER BY attribute"},
		{"kanon_metrics", "SELECT * FROM kanon_metrics WHERE run_id = "
				  "?1"},
		{"kanon_sizes", "SELECT * FROM kanon_sizes WHERE run_id = ?1 "
				"ORDER BY class_size"},
	};
	size_t i;
	int rc;

	if (!aud_report_run_exists(s, run_id))
		return aud_err_set(err, AUD_EUSAGE, "no run %" PRId64 " in the "
				   "database", run_id);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return aud_err_set(err, AUD_EIO, "%s: cannot create: %s", dir,
				   strerror(errno));
	for (i = 0; i < sizeof tables / sizeof *tables; i++)
		if (/* tables newer than some databases: named as the file */
		    (strncmp(tables[i].name, "kanon_", 6) != 0 ||
		     has_table(aud_store_db(s), tables[i].name)) &&
		    (rc = csv_table(dir, tables[i].name, aud_store_db(s),
				    run_id, tables[i].sql, err)))
			return rc;
	return AUD_OK;
}

int aud_report_key_fingerprint(aud_store *s, int64_t run_id, char out[17])
{
	sqlite3_stmt *st;
	int rc = AUD_EUSAGE;

	out[0] = '\0';
	if (prep(aud_store_db(s), &st,
		 "SELECT hash_key_fingerprint FROM runs WHERE run_id = ?1",
		 run_id, NULL))
		return AUD_ESTORE;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		snprintf(out, 17, "%s", txt(sqlite3_column_text(st, 0)));
		rc = AUD_OK;
	}
	sqlite3_finalize(st);
	return rc;
}
