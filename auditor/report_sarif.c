/*
 * report_sarif.c: the SARIF 2.1.0 export of one run (report_sarif.h).
 * Rows are streamed from the store straight to the output, so memory does
 * not grow with the number of findings; every list is ordered in SQL, so
 * the same database gives the same bytes. Which entities count as secrets
 * is policy.c's list, so the SARIF levels and `--fail-on secrets>0` agree.
 * The option parsing and the output file are the command line's job.
 *
 * Two places where our data and SARIF's model differ, and what we do:
 * SARIF's region.byteOffset is an offset into the artifact, ours is into
 * the decoded stream; for a compressed input the region says so in its
 * properties. And the store keeps no working directory, so relative
 * paths stay relative URI references without a uriBaseId.
 */
#include "auditor/report_sarif.h"
#include "auditor/summary.h"
#include "auditor/policy.h"
#include "auditor/utf8.h"

#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#define SARIF_SCHEMA                                                           \
	"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/"          \
	"schemas/sarif-schema-2.1.0.json"

/* JSON text; see aud_json_chars for the bracket escape. */
static void esc(FILE *out, const char *s, size_t len, int brackets)
{
	aud_json_chars(out, s, len, brackets);
}

static void jstr(FILE *out, const char *s)
{
	fputc('"', out);
	esc(out, s, strlen(s), 0);
	fputc('"', out);
}

/* ,"name":"value" when v is not NULL. */
static void opt_str(FILE *out, const char *name, const unsigned char *v)
{
	if (!v)
		return;
	fprintf(out, ",\"%s\":", name);
	jstr(out, (const char *)v);
}

static const char *txt(const unsigned char *s)
{
	return s ? (const char *)s : "";
}

void aud_report_sarif_uri(FILE *out, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)path;

	if (*p == '/')
		fputs("file://", out);
	for (; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~' || *p == '/')
			fputc(*p, out);
		else
			fprintf(out, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
}

static int prep(sqlite3 *db, sqlite3_stmt **st, const char *sql, int64_t run_id,
		aud_err *err)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return aud_err_set(err, AUD_ESTORE, "cannot read the run: %s",
				   sqlite3_errmsg(db));
	sqlite3_bind_int64(*st, 1, run_id);
	return AUD_OK;
}

/* sqlite3_step to the end: SQLITE_DONE is success, anything else (a
 * locked or corrupt database) an error. */
static int step_done(sqlite3 *db, int rc, aud_err *err)
{
	if (rc == SQLITE_DONE)
		return AUD_OK;
	return aud_err_set(err, AUD_ESTORE, "cannot read the run: %s",
			   sqlite3_errmsg(db));
}

static const char *level_of(const char *entity)
{
	return aud_policy_entity_in_group(entity, "secrets") == 1 ? "error"
								  : "warning";
}

/* tool.driver with its rules: the patterns that have real findings. A
 * pattern id names one entity; MIN() keeps the output defined should a
 * database say otherwise. */
static int driver(FILE *out, sqlite3 *db, int64_t run_id,
		  const unsigned char *version, aud_err *err)
{
	sqlite3_stmt *st;
	int rc, first = 1;

	if ((rc = prep(db, &st,
		       "SELECT pattern_id, MIN(entity) FROM findings WHERE "
		       "run_id = ?1 AND evidence <> 'placeholder' GROUP BY "
		       "pattern_id ORDER BY pattern_id",
		       run_id, err)))
		return rc;
	fputs("\"tool\":{\"driver\":{\"name\":\"auditor\"", out);
	opt_str(out, "version", version);
	fputs(",\"rules\":[", out);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = txt(sqlite3_column_text(st, 0));
		const char *ent = txt(sqlite3_column_text(st, 1));

		fputs(first ? "\n{\"id\":" : ",\n{\"id\":", out);
		jstr(out, id);
		fputs(",\"name\":", out);
		jstr(out, ent);
		fputs(",\"shortDescription\":{\"text\":", out);
		jstr(out, ent);
		fprintf(out,
			"},\"defaultConfiguration\":{\"level\":\"%s\"},"
			"\"properties\":{\"entity\":",
			level_of(ent));
		jstr(out, ent);
		fputs("}}", out);
		first = 0;
	}
	rc = step_done(db, rc, err);
	sqlite3_finalize(st);
	fputs("]}}", out);
	return rc;
}

/* invocations[0]: the run's outcome and times, and one notification per
 * input that failed or finished with problems. */
static int invocation(FILE *out, sqlite3 *db, int64_t run_id,
		      const unsigned char *status, const unsigned char *start,
		      const unsigned char *end, aud_err *err)
{
	sqlite3_stmt *st;
	int rc, first = 1;

	fprintf(out, ",\n\"invocations\":[{\"executionSuccessful\":%s",
		status && strcmp((const char *)status, "complete") == 0
		    ? "true"
		    : "false");
	opt_str(out, "startTimeUtc", start);
	opt_str(out, "endTimeUtc", end);
	if ((rc = prep(db, &st,
		       "SELECT i, path, status, error, error_line, "
		       "error_record, error_offset, problems FROM (SELECT "
		       "ROW_NUMBER() OVER (ORDER BY file_id) - 1 AS i, * FROM "
		       "files WHERE run_id = ?1) WHERE status <> 'ok' ORDER BY "
		       "i",
		       run_id, err)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *fst = txt(sqlite3_column_text(st, 2));
		const unsigned char *msg = sqlite3_column_text(st, 3);

		fputs(first ? ",\"toolExecutionNotifications\":[" : ",", out);
		fprintf(out, "\n{\"level\":\"%s\",\"message\":{\"text\":\"",
			strcmp(fst, "failed") == 0 ? "error" : "warning");
		esc(out, fst, strlen(fst), 1);
		fputs(": ", out);
		if (msg)
			esc(out, (const char *)msg, strlen((const char *)msg),
			    1);
		else
			fprintf(out, "%" PRId64 " problem records",
				(int64_t)sqlite3_column_int64(st, 7));
		fprintf(out, "\"},\"locations\":[{\"physicalLocation\":{"
			     "\"artifactLocation\":{\"uri\":\"");
		aud_report_sarif_uri(out, txt(sqlite3_column_text(st, 1)));
		fprintf(out, "\",\"index\":%" PRId64 "}",
			(int64_t)sqlite3_column_int64(st, 0));
		if (sqlite3_column_type(st, 4) != SQLITE_NULL &&
		    sqlite3_column_int64(st, 4) >= 1)
			fprintf(out, ",\"region\":{\"startLine\":%" PRId64 "}",
				(int64_t)sqlite3_column_int64(st, 4));
		fputs("}}]", out);
		if (sqlite3_column_type(st, 5) != SQLITE_NULL ||
		    sqlite3_column_type(st, 6) != SQLITE_NULL) {
			const char *sep = "";

			fputs(",\"properties\":{", out);
			if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
				fprintf(out, "\"record\":%" PRId64,
					(int64_t)sqlite3_column_int64(st, 5));
				sep = ",";
			}
			if (sqlite3_column_type(st, 6) != SQLITE_NULL)
				fprintf(out, "%s\"decodedByteOffset\":%" PRId64,
					sep,
					(int64_t)sqlite3_column_int64(st, 6));
			fputc('}', out);
		}
		fputc('}', out);
		first = 0;
	}
	rc = step_done(db, rc, err);
	sqlite3_finalize(st);
	if (!first)
		fputc(']', out);
	fputs("}]", out);
	return rc;
}

/* artifacts: every input, in file_id order (results refer to them by
 * that index). */
static int artifacts(FILE *out, sqlite3 *db, int64_t run_id, aud_err *err)
{
	sqlite3_stmt *st;
	int rc, first = 1;

	if ((rc = prep(db, &st,
		       "SELECT path, size_bytes, sha256, compression, format, "
		       "records, status FROM files WHERE run_id = ?1 ORDER BY "
		       "file_id",
		       run_id, err)))
		return rc;
	fputs(",\n\"artifacts\":[", out);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fputs(first ? "\n{\"location\":{\"uri\":\""
			    : ",\n{\"location\":{\"uri\":\"",
		      out);
		aud_report_sarif_uri(out, txt(sqlite3_column_text(st, 0)));
		fputs("\"}", out);
		if (sqlite3_column_type(st, 1) != SQLITE_NULL &&
		    sqlite3_column_int64(st, 1) >= 0)
			fprintf(out, ",\"length\":%" PRId64,
				(int64_t)sqlite3_column_int64(st, 1));
		fputs(",\"roles\":[\"analysisTarget\"]", out);
		if (sqlite3_column_text(st, 2)) {
			fputs(",\"hashes\":{\"sha-256\":", out);
			jstr(out, (const char *)sqlite3_column_text(st, 2));
			fputc('}', out);
		}
		fputs(",\"properties\":{\"path\":", out);
		jstr(out, txt(sqlite3_column_text(st, 0)));
		opt_str(out, "compression", sqlite3_column_text(st, 3));
		opt_str(out, "format", sqlite3_column_text(st, 4));
		fprintf(out, ",\"records\":%" PRId64,
			(int64_t)sqlite3_column_int64(st, 5));
		opt_str(out, "status", sqlite3_column_text(st, 6));
		fputs("}}", out);
		first = 0;
	}
	rc = step_done(db, rc, err);
	sqlite3_finalize(st);
	fputc(']', out);
	return rc;
}

enum {
	R_ID,
	R_PATTERN,
	R_ENTITY,
	R_FIELD,
	R_MASKED,
	R_EVIDENCE,
	R_CONF,
	R_RECORD,
	R_LINE,
	R_OFFSET,
	R_LENGTH,
	R_HASH,
	R_PATH,
	R_COMP,
	R_RULE,
	R_ART
};

/* One result per real finding. Rule and artifact indexes come from the
 * same orderings as the rules and artifacts arrays. */
static const char results_sql[] =
    "WITH r AS MATERIALIZED (SELECT pattern_id, ROW_NUMBER() OVER "
    "(ORDER BY pattern_id) - 1 AS i FROM (SELECT DISTINCT pattern_id "
    "FROM findings WHERE run_id = ?1 AND evidence <> 'placeholder')), "
    "a AS MATERIALIZED (SELECT file_id, path, compression, ROW_NUMBER() "
    "OVER (ORDER BY file_id) - 1 AS i FROM files WHERE run_id = ?1) "
    "SELECT f.finding_id, f.pattern_id, f.entity, f.field, f.masked, "
    "f.evidence, f.confidence, f.record, f.line, f.byte_offset, "
    "f.length, f.value_hash, a.path, a.compression, r.i, a.i "
    "FROM findings f JOIN r ON r.pattern_id = f.pattern_id "
    "JOIN a ON a.file_id = f.file_id "
    "WHERE f.run_id = ?1 AND f.evidence <> 'placeholder' "
    "ORDER BY f.finding_id";

static int has_int(sqlite3_stmt *st, int col, int64_t min)
{
	return sqlite3_column_type(st, col) != SQLITE_NULL &&
	       sqlite3_column_int64(st, col) >= min;
}

static void region(FILE *out, sqlite3_stmt *st)
{
	const char *comp = (const char *)sqlite3_column_text(st, R_COMP);
	const char *sep = "";

	if (!has_int(st, R_LINE, 1) && !has_int(st, R_OFFSET, 0))
		return;
	fputs(",\"region\":{", out);
	if (has_int(st, R_LINE, 1)) {
		fprintf(out, "\"startLine\":%" PRId64,
			(int64_t)sqlite3_column_int64(st, R_LINE));
		sep = ",";
	}
	if (has_int(st, R_OFFSET, 0)) {
		fprintf(out, "%s\"byteOffset\":%" PRId64, sep,
			(int64_t)sqlite3_column_int64(st, R_OFFSET));
		if (has_int(st, R_LENGTH, 0))
			fprintf(out, ",\"byteLength\":%" PRId64,
				(int64_t)sqlite3_column_int64(st, R_LENGTH));
	}
	if (comp && strcmp(comp, "plain") != 0) {
		/* The artifact is compressed: lines and offsets count in
		 * the decompressed bytes, not in the file. */
		fputs(",\"properties\":{\"positionsIn\":\"decoded\","
		      "\"compression\":",
		      out);
		jstr(out, comp);
		fputc('}', out);
	}
	fputc('}', out);
}

static void result(FILE *out, sqlite3_stmt *st, int first)
{
	const char *ent = txt(sqlite3_column_text(st, R_ENTITY));
	const unsigned char *fld = sqlite3_column_text(st, R_FIELD);
	const unsigned char *masked = sqlite3_column_text(st, R_MASKED);
	const char *ev = txt(sqlite3_column_text(st, R_EVIDENCE));
	const unsigned char *hash = sqlite3_column_text(st, R_HASH);

	fputs(first ? "\n{\"ruleId\":" : ",\n{\"ruleId\":", out);
	jstr(out, txt(sqlite3_column_text(st, R_PATTERN)));
	fprintf(out, ",\"ruleIndex\":%" PRId64 ",\"level\":\"%s\"",
		(int64_t)sqlite3_column_int64(st, R_RULE), level_of(ent));

	/* "EMAIL_ADDRESS in field email: j***@e*****.com (evidence
	 * context)": the masked preview only. */
	fputs(",\"message\":{\"text\":\"", out);
	esc(out, ent, strlen(ent), 1);
	if (fld) {
		fputs(" in field ", out);
		esc(out, (const char *)fld, strlen((const char *)fld), 1);
	}
	fputs(": ", out);
	if (masked)
		esc(out, (const char *)masked, strlen((const char *)masked), 1);
	else
		fputs("(no preview)", out);
	fputs(" (evidence ", out);
	esc(out, ev, strlen(ev), 1);
	fputs(")\"}", out);

	fputs(",\"locations\":[{\"physicalLocation\":{\"artifactLocation\":"
	      "{\"uri\":\"",
	      out);
	aud_report_sarif_uri(out, txt(sqlite3_column_text(st, R_PATH)));
	fprintf(out, "\",\"index\":%" PRId64 "}",
		(int64_t)sqlite3_column_int64(st, R_ART));
	region(out, st);
	fputs("}}]", out);

	if (hash) {
		fputs(",\"partialFingerprints\":{\"auditor/valueHash/v1\":",
		      out);
		jstr(out, (const char *)hash);
		fputc('}', out);
	}

	fprintf(out, ",\"properties\":{\"findingId\":%" PRId64,
		(int64_t)sqlite3_column_int64(st, R_ID));
	if (has_int(st, R_RECORD, 0))
		fprintf(out, ",\"record\":%" PRId64,
			(int64_t)sqlite3_column_int64(st, R_RECORD));
	opt_str(out, "field", fld);
	fputs(",\"entity\":", out);
	jstr(out, ent);
	fputs(",\"evidence\":", out);
	jstr(out, ev);
	if (sqlite3_column_type(st, R_CONF) != SQLITE_NULL &&
	    isfinite(sqlite3_column_double(st, R_CONF)))
		fprintf(out, ",\"confidence\":%.6g",
			sqlite3_column_double(st, R_CONF));
	opt_str(out, "masked", masked);
	fputs("}}", out);
}

static int results(FILE *out, sqlite3 *db, int64_t run_id, aud_err *err)
{
	sqlite3_stmt *st;
	int rc, first = 1;

	if ((rc = prep(db, &st, results_sql, run_id, err)))
		return rc;
	fputs(",\n\"results\":[", out);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		result(out, st, first);
		first = 0;
	}
	rc = step_done(db, rc, err);
	sqlite3_finalize(st);
	fputc(']', out);
	return rc;
}

int aud_report_sarif(FILE *out, aud_store *s, int64_t run_id, aud_err *err)
{
	sqlite3 *db = aud_store_db(s);
	sqlite3_stmt *st;
	int rc;

	if ((rc = prep(db, &st,
		       "SELECT status, started_at, finished_at, tool_version, "
		       "patterns_sha256, hash_key_fingerprint FROM runs WHERE "
		       "run_id = ?1",
		       run_id, err)))
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return aud_err_set(err, AUD_EUSAGE,
				   "no run %" PRId64 " in the database",
				   run_id);
	}
	fputs("{\"$schema\":\"" SARIF_SCHEMA "\",\"version\":\"2.1.0\","
	      "\"runs\":[{\n",
	      out);
	rc = driver(out, db, run_id, sqlite3_column_text(st, 3), err);
	if (!rc)
		rc = invocation(out, db, run_id, sqlite3_column_text(st, 0),
				sqlite3_column_text(st, 1),
				sqlite3_column_text(st, 2), err);
	if (!rc)
		rc = artifacts(out, db, run_id, err);
	if (!rc)
		rc = results(out, db, run_id, err);
	if (!rc) {
		fprintf(out, ",\n\"properties\":{\"runId\":%" PRId64, run_id);
		opt_str(out, "status", sqlite3_column_text(st, 0));
		opt_str(out, "patternsSha256", sqlite3_column_text(st, 4));
		opt_str(out, "hashKeyFingerprint", sqlite3_column_text(st, 5));
		fputs("}}]}\n", out);
	}
	sqlite3_finalize(st);
	if (!rc && ferror(out))
		rc = aud_err_set(err, AUD_EIO, "cannot write the SARIF log");
	return rc;
}
