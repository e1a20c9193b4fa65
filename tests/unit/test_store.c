/*
 * test_store.c: the SQLite results store against real database files in a
 * temporary directory. Every number checked against the database is worked
 * out by hand from the rows the test writes; the test reads the database
 * through its own SQLite queries (and a second connection where the point
 * is what another process would see).
 */
#include "auditor/store.h"
#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char tdir[256];

static void mkpath(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", tdir, name);
}

static void rm_tdir(void)
{
	DIR *d = opendir(tdir);
	struct dirent *e;
	char p[512];

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", tdir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(tdir);
}

/* One integer from sql on db, or -999 if the query fails. */
static int64_t q_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -999;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "query failed: %s: %s\n", sql,
			sqlite3_errmsg(db));
		return v;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* One text value (copied into out, "" for NULL, "?" on failure). */
static char *q_text(sqlite3 *db, const char *sql, char *out, size_t cap)
{
	sqlite3_stmt *st;
	const unsigned char *t;

	snprintf(out, cap, "?");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return out;
	if (sqlite3_step(st) == SQLITE_ROW) {
		t = sqlite3_column_text(st, 0);
		snprintf(out, cap, "%s", t ? (const char *)t : "");
	}
	sqlite3_finalize(st);
	return out;
}

/* A separate read-only connection: what another process would see. */
static sqlite3 *second(const char *path)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* Is t "YYYY-MM-DDTHH:MM:SS.mmmZ" and within a minute of now? */
static int fresh_iso(const char *t)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	struct tm tm;
	size_t i;
	time_t when;

	if (strlen(t) != sizeof shape - 1)
		return 0;
	for (i = 0; i < sizeof shape - 1; i++) {
		if (shape[i] == 'd' ? (t[i] < '0' || t[i] > '9')
				    : t[i] != shape[i])
			return 0;
	}
	memset(&tm, 0, sizeof tm);
	if (sscanf(t, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	when = timegm(&tm);
	return when >= time(NULL) - 60 && when <= time(NULL) + 1;
}

static aud_store *open_ok(const char *path)
{
	aud_store *s = NULL;
	aud_err err;

	aud_err_clear(&err);
	if (aud_store_open(&s, path, &err) != 0)
		fprintf(stderr, "open failed: %s\n", err.msg);
	return s;
}

static const aud_run_meta meta = {
    .tool_version = "0.1.0",
    .options_json = "{\"fail_on\":null}",
    .patterns_sha256 = "ab12",
    .key_fingerprint = "fp99",
    .key_source = "env",
};

static aud_file_result result(const char *status, uint64_t records,
			      uint64_t bytes, uint64_t problems)
{
	aud_file_result r = {
	    .size_bytes = 100,
	    .sha256 = "e3b0",
	    .compression = "gzip",
	    .format = "jsonl",
	    .records = records,
	    .bytes_decoded = bytes,
	    .problems = problems,
	    .status = status,
	    .error = NULL,
	    .error_record = AUD_NOPOS,
	    .error_line = AUD_NOPOS,
	    .error_offset = AUD_NOPOS,
	};
	return r;
}

/* A finding with the given parts; field is a buffer that goes on past
 * field_len, so only a length-bound bind stores the right text. */
static aud_finding_row finding(int64_t run, int64_t file, const char *field,
			       size_t field_len, const char *entity,
			       const char *evidence, const char *hash)
{
	aud_finding_row f = {
	    .run_id = run,
	    .file_id = file,
	    .record = 7,
	    .line = 8,
	    .byte_offset = 120,
	    .length = 17,
	    .field = field,
	    .field_len = field_len,
	    .entity = entity,
	    .pattern_id = "p1",
	    .evidence = evidence,
	    .confidence = 0.75,
	    .masked = "j***@e*****.com",
	    .value_hash = hash,
	};
	return f;
}

/* A fresh database name in the test folder (its path in path) with one
 * run begun: the store, or NULL after a failed check. */
static aud_store *begin_run(const char *name, char *path, size_t cap,
			    int64_t *run)
{
	aud_store *s;
	aud_err err;

	mkpath(path, cap, name);
	s = open_ok(path);
	CHECK(s != NULL);
	if (!s)
		return NULL;
	CHECK(aud_store_run_begin(s, &meta, run, &err) == 0);
	return s;
}

static void test_create_mode(void)
{
	static const mode_t masks[] = {0, 077, 0277};
	char path[512], wal[520];
	struct stat sb;
	aud_store *s;
	sqlite3 *db;
	int64_t run;
	aud_err err;
	size_t i;
	mode_t old;

	for (i = 0; i < sizeof masks / sizeof masks[0]; i++) {
		snprintf(path, sizeof path, "%s/mode%zu.db", tdir, i);
		old = umask(masks[i]);
		s = open_ok(path);
		CHECK(s != NULL);
		if (!s) {
			umask(old);
			continue;
		}
		CHECK(aud_store_run_begin(s, &meta, &run, &err) == 0);
		CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
		/* The WAL and shared-memory files take the database's
		 * mode, not the umask's. */
		snprintf(wal, sizeof wal, "%s-wal", path);
		CHECK(stat(wal, &sb) == 0 && (sb.st_mode & 077) == 0);
		snprintf(wal, sizeof wal, "%s-shm", path);
		CHECK(stat(wal, &sb) == 0 && (sb.st_mode & 077) == 0);
		umask(old);

		db = aud_store_db(s);
		CHECK_EQ_INT(q_int(db, "PRAGMA user_version"), 2);
		CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM sqlite_schema"
				       " WHERE type = 'table' AND name IN"
				       " ('runs','files','findings',"
				       "'problems')"),
			     4);
		CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM sqlite_schema"
				       " WHERE type = 'view' AND name IN"
				       " ('finding_counts','entity_counts',"
				       "'run_summary')"),
			     3);
		/* The first run into an empty findings table builds the
		 * value_hash index at its end, not row by row; the one on
		 * (run_id, file_id), whose order the rows come in, is kept
		 * up, and the one on (run_id, entity) that schema version 1
		 * made is gone. */
		CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM sqlite_schema"
				       " WHERE type = 'index' AND tbl_name ="
				       " 'findings'"),
			     1);
		CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM sqlite_schema"
				       " WHERE type = 'index' AND sql LIKE"
				       " '%findings(run_id, file_id)%'"),
			     1);
		CHECK(aud_store_run_end(s, run, "complete", &err) == 0);
		CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM sqlite_schema"
				       " WHERE type = 'index' AND sql LIKE"
				       " '%findings(value_hash)%'"),
			     1);
		CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM sqlite_schema"
				       " WHERE type = 'index' AND tbl_name ="
				       " 'findings'"),
			     2);
		CHECK_EQ_INT(q_int(db, "PRAGMA foreign_keys"), 1);
		CHECK_EQ_INT(q_int(db, "PRAGMA page_size"), 16384);
		/* a helper thread for the sorter (index build, summary) */
		CHECK_EQ_INT(q_int(db, "PRAGMA threads"), 1);
		{
			char jm[16];
			CHECK_STR(
			    q_text(db, "PRAGMA journal_mode", jm, sizeof jm),
			    "wal");
		}
		aud_store_close(s);
	}

	/* An existing (empty) file keeps the mode it has. */
	mkpath(path, sizeof path, "existing.db");
	close(open(path, O_CREAT | O_WRONLY, 0600));
	chmod(path, 0640);
	s = open_ok(path);
	CHECK(s != NULL);
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0640);
	if (s)
		CHECK_EQ_INT(q_int(aud_store_db(s), "PRAGMA user_version"), 2);
	aud_store_close(s);

	/* No such directory. */
	mkpath(path, sizeof path, "nodir/x.db");
	aud_err_clear(&err);
	s = (aud_store *)1;
	CHECK_EQ_INT(aud_store_open(&s, path, &err), AUD_ESTORE);
	CHECK(s == NULL);
	CHECK(strstr(err.msg, "cannot create database") != NULL);
	CHECK(strncmp(err.msg, path, strlen(path)) == 0);

	aud_store_close(NULL);
	CHECK(aud_store_db(NULL) == NULL);
}

static void test_reopen_appends(void)
{
	char path[512];
	aud_store *s;
	int64_t run = -1, latest = -1;
	aud_err err;

	mkpath(path, sizeof path, "reopen.db");
	s = open_ok(path);
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(aud_store_latest_run(s, &latest, &err) == 0);
	CHECK_EQ_INT(latest, 0);
	CHECK(aud_store_run_begin(s, &meta, &run, &err) == 0);
	CHECK_EQ_INT(run, 1);
	CHECK(aud_store_run_end(s, run, "complete", &err) == 0);
	aud_store_close(s);

	s = open_ok(path);
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(aud_store_latest_run(s, &latest, &err) == 0);
	CHECK_EQ_INT(latest, 1);
	CHECK(aud_store_run_begin(s, NULL, &run, &err) == 0);
	CHECK_EQ_INT(run, 2);
	CHECK(aud_store_latest_run(s, &latest, &err) == 0);
	CHECK_EQ_INT(latest, 2);
	CHECK_EQ_INT(q_int(aud_store_db(s), "SELECT COUNT(*) FROM runs"), 2);
	aud_store_close(s);
}

/* Findings of one file added to run run with hashes h<first>..; 0 when
 * every add succeeded. */
static int add_findings(aud_store *s, int64_t run, int64_t file, int first,
			int n)
{
	char hash[32] = "";
	aud_finding_row f =
	    finding(run, file, "email", 5, "EMAIL_ADDRESS", "pattern", hash);
	aud_err err;
	int i, bad = 0;

	for (i = 0; i < n; i++) {
		snprintf(hash, sizeof hash, "h%d", first + i);
		f.record = (uint64_t)i + 1;
		bad += aud_store_finding_add(s, &f, &err) != 0;
	}
	return bad;
}

static int64_t value_hash_index(sqlite3 *db)
{
	return q_int(db, "SELECT COUNT(*) FROM sqlite_schema WHERE name ="
			 " 'findings_value_hash'");
}

/* A database written by an older build, with SQLite's 4 KiB pages and the
 * findings index on (run_id, entity), keeps its pages: later runs append
 * to it, nothing is rebuilt, and that index is dropped. */
static void test_old_page_size(void)
{
	char path[512], ok[8];
	aud_store *s;
	sqlite3 *db;
	int64_t run, file;
	aud_file_result r;
	aud_err err;
	int pass;

	mkpath(path, sizeof path, "pages4k.db");
	s = open_ok(path);
	CHECK(s != NULL);
	aud_store_close(s);
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db,
			   "PRAGMA journal_mode = DELETE;"
			   "PRAGMA page_size = 4096; VACUUM;"
			   "PRAGMA journal_mode = WAL;",
			   NULL, NULL, NULL) == SQLITE_OK);
	CHECK_EQ_INT(q_int(db, "PRAGMA page_size"), 4096);
	sqlite3_close(db);

	for (pass = 0; pass < 2; pass++) {
		/* as an older build leaves it: with that index, the second
		 * time over findings */
		CHECK(sqlite3_open(path, &db) == SQLITE_OK);
		CHECK(sqlite3_exec(db,
				   "CREATE INDEX IF NOT EXISTS"
				   " findings_run_entity"
				   " ON findings(run_id, entity);",
				   NULL, NULL, NULL) == SQLITE_OK);
		CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM sqlite_schema"
				       " WHERE name = 'findings_run_entity'"),
			     1);
		sqlite3_close(db);
		s = begin_run("pages4k.db", path, sizeof path, &run);
		if (!s)
			return;
		db = aud_store_db(s);
		CHECK(aud_store_file_begin(s, run, "a.jsonl", &file, &err) ==
		      0);
		CHECK_EQ_INT(add_findings(s, run, file, 0, 3000), 0);
		r = result("ok", 3000, 300000, 0);
		CHECK(aud_store_file_end(s, file, &r, &err) == 0);
		CHECK(aud_store_run_end(s, run, "complete", &err) == 0);
		CHECK_EQ_INT(q_int(db, "PRAGMA page_size"), 4096);
		CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM findings"),
			     3000 * (pass + 1));
		CHECK_EQ_INT(q_int(db, "SELECT COUNT(DISTINCT value_hash)"
				       " FROM findings WHERE run_id = 2"),
			     pass ? 3000 : 0);
		CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM sqlite_schema"
				       " WHERE type = 'index' AND tbl_name ="
				       " 'findings'"),
			     2);
		CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM sqlite_schema"
				       " WHERE name = 'findings_run_entity'"),
			     0);
		CHECK_STR(q_text(db, "PRAGMA integrity_check", ok, sizeof ok),
			  "ok");
		aud_store_close(s);
	}
}

/* A run into a database that holds findings keeps the value_hash index up
 * row by row until it has added a 32nd of the rows there were, then drops
 * it; the run's end (or a resumed run's) builds it again. */
static void test_value_hash_rule(void)
{
	char path[512], ok[8];
	aud_store *s;
	sqlite3 *db;
	int64_t run, file;
	aud_file_result r = result("ok", 1, 100, 0);
	aud_err err;

	s = begin_run("vhrule.db", path, sizeof path, &run);
	if (!s)
		return;
	db = aud_store_db(s);
	/* the first run into an empty table: dropped at once */
	CHECK_EQ_INT(value_hash_index(db), 0);
	CHECK(aud_store_file_begin(s, run, "a.jsonl", &file, &err) == 0);
	CHECK_EQ_INT(add_findings(s, run, file, 0, 3200), 0);
	CHECK(aud_store_file_end(s, file, &r, &err) == 0);
	CHECK(aud_store_run_end(s, run, "complete", &err) == 0);
	CHECK_EQ_INT(value_hash_index(db), 1);

	/* 3,200 rows: room for 100 findings with the index kept up */
	CHECK(aud_store_run_begin(s, &meta, &run, &err) == 0);
	CHECK(aud_store_file_begin(s, run, "b.jsonl", &file, &err) == 0);
	CHECK_EQ_INT(add_findings(s, run, file, 5000, 60), 0);
	CHECK_EQ_INT(value_hash_index(db), 1);
	CHECK_EQ_INT(add_findings(s, run, file, 5060, 39), 0);
	CHECK_EQ_INT(value_hash_index(db), 1);
	CHECK_EQ_INT(add_findings(s, run, file, 5099, 1), 0);
	CHECK_EQ_INT(value_hash_index(db), 0);
	CHECK(aud_store_file_end(s, file, &r, &err) == 0);
	CHECK(aud_store_run_end(s, run, "complete", &err) == 0);
	CHECK_EQ_INT(value_hash_index(db), 1);
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM findings"
			       " WHERE value_hash = 'h5099' AND run_id = 2"),
		     1);
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(DISTINCT value_hash)"
			       " FROM findings"),
		     3300);

	/* a run killed after the drop leaves no index; its resumption
	 * builds it at its end */
	CHECK(aud_store_run_begin(s, &meta, &run, &err) == 0);
	CHECK(aud_store_file_begin(s, run, "c.jsonl", &file, &err) == 0);
	CHECK_EQ_INT(add_findings(s, run, file, 9000, 500), 0);
	CHECK(aud_store_file_end(s, file, &r, &err) == 0);
	aud_store_close(s);
	s = open_ok(path);
	CHECK(s != NULL);
	if (!s)
		return;
	db = aud_store_db(s);
	CHECK_EQ_INT(value_hash_index(db), 0);
	CHECK(aud_store_run_resume(s, &run, (char[17]){0}, (char[65]){0},
				   &err) == 0);
	CHECK_EQ_INT(run, 3);
	CHECK(aud_store_run_end(s, run, "complete", &err) == 0);
	CHECK_EQ_INT(value_hash_index(db), 1);
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM findings"), 3800);
	CHECK_STR(q_text(db, "PRAGMA integrity_check", ok, sizeof ok), "ok");

	/* findings announced (as auditor merge does) count the same way:
	 * 3,800 rows leave room for 118 */
	CHECK(aud_store_run_begin(s, &meta, &run, &err) == 0);
	CHECK(aud_store_findings_coming(s, 100, &err) == 0);
	CHECK_EQ_INT(value_hash_index(db), 1);
	CHECK(aud_store_findings_coming(s, 18, &err) == 0);
	CHECK_EQ_INT(value_hash_index(db), 0);
	CHECK(aud_store_run_end(s, run, "complete", &err) == 0);
	CHECK_EQ_INT(value_hash_index(db), 1);
	aud_store_close(s);
}

/* A new database's page cache stays at SQLite's default 2000 KiB with its
 * 16 KiB pages (counted in pages of 4 KiB it grew to about 8 MB). */
static void test_cache_bounded(void)
{
	char path[512];
	aud_store *s;
	int64_t run, file;
	aud_file_result r = result("ok", 1, 100, 0);
	aud_err err;
	int cur = 0, hi = 0;

	s = begin_run("cache.db", path, sizeof path, &run);
	if (!s)
		return;
	CHECK(aud_store_file_begin(s, run, "a.jsonl", &file, &err) == 0);
	/* about 15 MB of rows */
	CHECK_EQ_INT(add_findings(s, run, file, 0, 100000), 0);
	CHECK(aud_store_file_end(s, file, &r, &err) == 0);
	CHECK(sqlite3_db_status(aud_store_db(s), SQLITE_DBSTATUS_CACHE_USED,
				&cur, &hi, 0) == SQLITE_OK);
	CHECK(cur > 1000 * 1024);
	if (cur > 2600 * 1024)
		fprintf(stderr, "page cache %d bytes\n", cur);
	CHECK(cur <= 2600 * 1024);
	CHECK(aud_store_run_end(s, run, "complete", &err) == 0);
	aud_store_close(s);
}

/* 15,000 findings in one file and 10,000 in another, checking what a
 * second connection sees at each batch boundary. */
static void test_batches(void)
{
	static const char field[] = "emailXYZ"; /* field is "email" */
	char path[512], hash[32];
	aud_store *s;
	sqlite3 *db, *db2;
	int64_t run, fa, fb;
	aud_finding_row f;
	aud_file_result r;
	aud_err err;
	int i, bad = 0;

	mkpath(path, sizeof path, "batch.db");
	s = open_ok(path);
	db2 = second(path);
	CHECK(s != NULL && db2 != NULL);
	if (!s || !db2)
		goto done;
	db = aud_store_db(s);
	CHECK(aud_store_run_begin(s, &meta, &run, &err) == 0);
	CHECK(aud_store_file_begin(s, run, "a.jsonl.gz", &fa, &err) == 0);
	f = finding(run, fa, field, 5, "EMAIL_ADDRESS", "pattern", hash);
	for (i = 0; i < 15000; i++) {
		/* 1,000 distinct values: h0 .. h999 */
		snprintf(hash, sizeof hash, "h%d", i % 1000);
		f.record = (uint64_t)i + 1;
		bad += aud_store_finding_add(s, &f, &err) != 0;
		if (i + 1 == 10000)
			CHECK_EQ_INT(q_int(db2, "SELECT COUNT(*) FROM "
						"findings"),
				     10000);
	}
	CHECK_EQ_INT(bad, 0);
	/* Rows after the last batch are not visible before the file ends. */
	CHECK_EQ_INT(q_int(db2, "SELECT COUNT(*) FROM findings"), 10000);
	r = result("ok", 15000, 1500000, 0);
	CHECK(aud_store_file_end(s, fa, &r, &err) == 0);
	CHECK_EQ_INT(q_int(db2, "SELECT COUNT(*) FROM findings"), 15000);

	CHECK(aud_store_file_begin(s, run, "b.csv", &fb, &err) == 0);
	f.file_id = fb;
	for (i = 0; i < 10000; i++) {
		/* 2,000 more distinct values: h1000 .. h2999 */
		snprintf(hash, sizeof hash, "h%d", 1000 + i % 2000);
		bad += aud_store_finding_add(s, &f, &err) != 0;
	}
	CHECK_EQ_INT(bad, 0);
	/* The 10,000th row of the file completed a batch. */
	CHECK_EQ_INT(q_int(db2, "SELECT COUNT(*) FROM findings"), 25000);
	r = result("warning", 500, 2000, 0);
	CHECK(aud_store_file_end(s, fb, &r, &err) == 0);
	CHECK(aud_store_run_end(s, run, "complete", &err) == 0);

	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM findings"
			       " WHERE file_id = 1"),
		     15000);
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM findings"
			       " WHERE file_id = 2"),
		     10000);
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM findings"
			       " WHERE field = 'email' AND length(field) = 5"),
		     25000);
	CHECK_EQ_INT(q_int(db, "SELECT MAX(record) FROM findings"
			       " WHERE file_id = 1"),
		     15000);
	CHECK_EQ_INT(q_int(db, "SELECT findings FROM entity_counts"), 25000);
	CHECK_EQ_INT(q_int(db, "SELECT distinct_values FROM entity_counts"),
		     3000);
	CHECK_EQ_INT(q_int(db, "SELECT files FROM entity_counts"), 2);
	CHECK_EQ_INT(q_int(db, "SELECT placeholders FROM entity_counts"), 0);
	CHECK_EQ_INT(q_int(db, "SELECT real FROM entity_counts"), 25000);
	CHECK_EQ_INT(q_int(db, "SELECT distinct_values FROM finding_counts"
			       " WHERE file_id = 2"),
		     2000);
	CHECK_EQ_INT(q_int(db, "SELECT records FROM run_summary"), 15500);
	CHECK_EQ_INT(q_int(db, "SELECT bytes_decoded FROM run_summary"),
		     1502000);
	CHECK_EQ_INT(q_int(db, "SELECT findings FROM run_summary"), 25000);
	CHECK_EQ_INT(q_int(db, "SELECT files_warning FROM run_summary"), 1);
	{
		char ok[16];
		CHECK_STR(q_text(db, "PRAGMA integrity_check", ok, sizeof ok),
			  "ok");
		CHECK_STR(q_text(db2, "PRAGMA integrity_check", ok, sizeof ok),
			  "ok");
	}
done:
	sqlite3_close(db2);
	aud_store_close(s);
}

/*
 * A small set whose view rows are worked out by hand:
 *   file X: email/EMAIL validated h-aa, email/EMAIL validated h-aa,
 *           contact/EMAIL placeholder h-bb
 *   file Y: phone/PHONE context h-cc, phone/PHONE pattern (no hash)
 * entity_counts EMAIL: 3 findings, 2 distinct (aa, bb), 1 file,
 *   1 placeholder, 2 real, 1 real distinct (aa).
 * entity_counts PHONE: 2 findings, 1 distinct (NULL is not a value),
 *   1 file, 0 placeholders, 2 real.
 * finding_counts X/email/EMAIL/validated: 2 findings, 1 distinct.
 * run_summary: files 2, failed 0, warning 1, records 10 + 5,
 *   bytes 100 + 50, findings 4 (placeholders excluded), placeholders 1,
 *   problems 2.
 */
static void test_views(void)
{
	static const char email[] = "email.addressJUNK";
	static const char contact[] = "contact.name";
	static const char phone[] = "phone";
	char path[512], t[128];
	aud_store *s;
	sqlite3 *db;
	int64_t run, fx, fy;
	aud_finding_row f;
	aud_file_result r;
	aud_err err;

	s = begin_run("views.db", path, sizeof path, &run);
	if (!s)
		return;
	db = aud_store_db(s);
	CHECK(aud_store_file_begin(s, run, "x.jsonl", &fx, &err) == 0);
	CHECK(aud_store_file_begin(s, run, "y.csv", &fy, &err) == 0);

	f = finding(run, fx, email, 5, "EMAIL_ADDRESS", "validated", "aa");
	CHECK(aud_store_finding_add(s, &f, &err) == 0);
	f.record = AUD_NOPOS;
	f.line = AUD_NOPOS;
	f.byte_offset = AUD_NOPOS;
	CHECK(aud_store_finding_add(s, &f, &err) == 0);
	f = finding(run, fx, contact, 7, "EMAIL_ADDRESS", "placeholder", "bb");
	CHECK(aud_store_finding_add(s, &f, &err) == 0);
	f = finding(run, fy, phone, 5, "PHONE", "context", "cc");
	CHECK(aud_store_finding_add(s, &f, &err) == 0);
	f = finding(run, fy, phone, 5, "PHONE", "pattern", NULL);
	CHECK(aud_store_finding_add(s, &f, &err) == 0);

	r = result("ok", 10, 100, 0);
	CHECK(aud_store_file_end(s, fx, &r, &err) == 0);
	r = result("warning", 5, 50, 2);
	r.size_bytes = -1;
	r.sha256 = NULL;
	r.error = "line too long";
	r.error_record = 3;
	r.error_line = 4;
	CHECK(aud_store_file_end(s, fy, &r, &err) == 0);
	CHECK(aud_store_run_end(s, run, "complete", &err) == 0);

	/* entity_counts, by hand above */
	CHECK_EQ_INT(q_int(db, "SELECT findings FROM entity_counts"
			       " WHERE entity = 'EMAIL_ADDRESS'"),
		     3);
	CHECK_EQ_INT(q_int(db, "SELECT distinct_values FROM entity_counts"
			       " WHERE entity = 'EMAIL_ADDRESS'"),
		     2);
	CHECK_EQ_INT(q_int(db, "SELECT files FROM entity_counts"
			       " WHERE entity = 'EMAIL_ADDRESS'"),
		     1);
	CHECK_EQ_INT(q_int(db, "SELECT placeholders FROM entity_counts"
			       " WHERE entity = 'EMAIL_ADDRESS'"),
		     1);
	CHECK_EQ_INT(q_int(db, "SELECT real FROM entity_counts"
			       " WHERE entity = 'EMAIL_ADDRESS'"),
		     2);
	CHECK_EQ_INT(q_int(db, "SELECT real_distinct_values FROM"
			       " entity_counts WHERE entity = "
			       "'EMAIL_ADDRESS'"),
		     1);
	CHECK_EQ_INT(q_int(db, "SELECT findings || '/' || distinct_values"
			       " || '/' || files || '/' || placeholders"
			       " || '/' || real = '2/1/1/0/2'"
			       " FROM entity_counts WHERE entity = 'PHONE'"),
		     1);
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM entity_counts"), 2);

	/* finding_counts: one row per (file, field, entity, evidence) */
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM finding_counts"), 4);
	CHECK_EQ_INT(q_int(db, "SELECT findings FROM finding_counts"
			       " WHERE path = 'x.jsonl' AND field = 'email'"
			       " AND evidence = 'validated'"),
		     2);
	CHECK_EQ_INT(q_int(db, "SELECT distinct_values FROM finding_counts"
			       " WHERE path = 'x.jsonl' AND field = 'email'"),
		     1);
	CHECK_EQ_INT(q_int(db, "SELECT findings FROM finding_counts"
			       " WHERE field = 'contact' AND"
			       " evidence = 'placeholder'"),
		     1);

	/* run_summary */
	CHECK_EQ_INT(q_int(db, "SELECT files FROM run_summary"), 2);
	CHECK_EQ_INT(q_int(db, "SELECT files_failed FROM run_summary"), 0);
	CHECK_EQ_INT(q_int(db, "SELECT files_warning FROM run_summary"), 1);
	CHECK_EQ_INT(q_int(db, "SELECT records FROM run_summary"), 15);
	CHECK_EQ_INT(q_int(db, "SELECT bytes_decoded FROM run_summary"), 150);
	CHECK_EQ_INT(q_int(db, "SELECT findings FROM run_summary"), 4);
	CHECK_EQ_INT(q_int(db, "SELECT placeholders FROM run_summary"), 1);
	CHECK_EQ_INT(q_int(db, "SELECT problems FROM run_summary"), 2);
	CHECK_STR(q_text(db, "SELECT status FROM run_summary", t, sizeof t),
		  "complete");
	CHECK_STR(
	    q_text(db, "SELECT typeof(records) FROM run_summary", t, sizeof t),
	    "integer");

	/* Columns written as given, length-bound field, NOPOS as NULL. */
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM findings"
			       " WHERE field = 'contact' AND entity ="
			       " 'EMAIL_ADDRESS' AND record = 7 AND line = 8"
			       " AND byte_offset = 120 AND length = 17 AND"
			       " pattern_id = 'p1' AND confidence = 0.75 AND"
			       " masked = 'j***@e*****.com'"
			       " AND value_hash = 'bb'"),
		     1);
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM findings WHERE"
			       " record IS NULL AND line IS NULL AND"
			       " byte_offset IS NULL AND length = 17"),
		     1);
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM findings"
			       " WHERE field LIKE '%JUNK%' OR"
			       " field LIKE '%.name%'"),
		     0);
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM files WHERE"
			       " path = 'y.csv' AND size_bytes IS NULL AND"
			       " sha256 IS NULL AND compression = 'gzip' AND"
			       " format = 'jsonl' AND records = 5 AND"
			       " bytes_decoded = 50 AND problems = 2 AND"
			       " status = 'warning' AND"
			       " error = 'line too long' AND"
			       " error_record = 3 AND error_line = 4 AND"
			       " error_offset IS NULL"),
		     1);
	CHECK(fresh_iso(q_text(db,
			       "SELECT started_at FROM files"
			       " WHERE file_id = 1",
			       t, sizeof t)));
	CHECK(fresh_iso(q_text(db,
			       "SELECT finished_at FROM files"
			       " WHERE file_id = 1",
			       t, sizeof t)));

	/* A finding for a file that does not exist is refused. */
	f = finding(run, 999, phone, 5, "PHONE", "pattern", "dd");
	aud_err_clear(&err);
	CHECK_EQ_INT(aud_store_finding_add(s, &f, &err), AUD_ESTORE);
	CHECK(strstr(err.msg, "cannot insert finding: FOREIGN KEY") != NULL);
	/* So is an evidence level outside the schema's list. */
	f = finding(run, fx, phone, 5, "PHONE", "guess", "dd");
	CHECK_EQ_INT(aud_store_finding_add(s, &f, &err), AUD_ESTORE);
	CHECK(strstr(err.msg, "CHECK constraint failed") != NULL);
	aud_store_close(s);
}

static void test_problems_cap(void)
{
	char path[512], t[128];
	aud_store *s;
	sqlite3 *db;
	int64_t run, f1, f2, f3;
	aud_file_result r;
	aud_err err, p;
	int i, bad = 0;

	mkpath(path, sizeof path, "problems.db");
	s = open_ok(path);
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(aud_store_run_begin(s, &meta, &run, &err) == 0);
	CHECK(aud_store_file_begin(s, run, "bad.jsonl", &f1, &err) == 0);
	CHECK(aud_store_file_begin(s, run, "worse.jsonl", &f2, &err) == 0);
	aud_err_clear(&p);
	for (i = 0; i < 1200; i++) {
		aud_err_set(&p, AUD_EFORMAT, "invalid JSON %d", i + 1);
		aud_err_place(&p, (uint64_t)i + 1, (uint64_t)i + 2,
			      i == 0 ? AUD_NOPOS : (uint64_t)i * 10);
		bad += aud_store_problem_add(s, run, f1, "json", &p, &err);
		if (i < 1001)
			bad +=
			    aud_store_problem_add(s, run, f2, "utf8", &p, &err);
	}
	CHECK_EQ_INT(bad, 0);
	r = result("warning", 1200, 5000, 1200);
	CHECK(aud_store_file_end(s, f1, &r, &err) == 0);
	r = result("warning", 1001, 5000, 1001);
	CHECK(aud_store_file_end(s, f2, &r, &err) == 0);
	db = aud_store_db(s);
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM problems"
			       " WHERE file_id = 1"),
		     1000);
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM problems"
			       " WHERE file_id = 2"),
		     1000);
	CHECK_EQ_INT(q_int(db, "SELECT problems FROM files WHERE file_id = 1"),
		     1200);
	CHECK_EQ_INT(q_int(db, "SELECT problems FROM files WHERE file_id = 2"),
		     1001);
	/* The first 1,000 are the ones kept. */
	CHECK_STR(q_text(db,
			 "SELECT MAX(message) FROM problems WHERE"
			 " file_id = 1 AND record = 1000",
			 t, sizeof t),
		  "invalid JSON 1000");
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM problems WHERE"
			       " file_id = 1 AND record = 1 AND line = 2 AND"
			       " byte_offset IS NULL AND kind = 'json'"),
		     1);
	CHECK_EQ_INT(q_int(db, "SELECT byte_offset FROM problems WHERE"
			       " file_id = 1 AND record = 5"),
		     40);
	aud_store_close(s);

	/* After a reopen the cap still holds: the count comes from the
	 * database. A file begun now starts from zero. */
	s = open_ok(path);
	CHECK(s != NULL);
	if (!s)
		return;
	db = aud_store_db(s);
	aud_err_clear(&p);
	CHECK(aud_store_problem_add(s, run, f1, "json", &p, &err) == 0);
	CHECK(aud_store_file_begin(s, run, "late.csv", &f3, &err) == 0);
	CHECK(aud_store_problem_add(s, run, f3, "nul", NULL, &err) == 0);
	CHECK(aud_store_commit(s, &err) == 0);
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM problems"
			       " WHERE file_id = 1"),
		     1000);
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM problems WHERE"
			       " file_id = 3 AND kind = 'nul' AND"
			       " message IS NULL AND record IS NULL"),
		     1);
	aud_store_close(s);
}

static void test_not_a_database(void)
{
	char path[512], wal[520], text[4096], back[4097];
	aud_store *s = (aud_store *)1;
	aud_err err;
	size_t i;
	FILE *fp;

	for (i = 0; i < sizeof text; i++)
		text[i] = i % 64 == 63 ? '\n' : (char)('a' + i % 26);
	mkpath(path, sizeof path, "notes.txt");
	fp = fopen(path, "wb");
	CHECK(fp != NULL);
	if (!fp)
		return;
	fwrite(text, 1, sizeof text, fp);
	fclose(fp);

	aud_err_clear(&err);
	CHECK_EQ_INT(aud_store_open(&s, path, &err), AUD_ESTORE);
	CHECK(s == NULL);
	CHECK(strncmp(err.msg, path, strlen(path)) == 0);
	CHECK(strstr(err.msg, ": file is not a database") != NULL);

	/* The file is left as it was, with no WAL beside it. */
	fp = fopen(path, "rb");
	CHECK(fp != NULL);
	if (fp) {
		CHECK_EQ_INT(fread(back, 1, sizeof back, fp), sizeof text);
		CHECK(memcmp(back, text, sizeof text) == 0);
		fclose(fp);
	}
	snprintf(wal, sizeof wal, "%s-wal", path);
	CHECK(access(wal, F_OK) != 0);
}

static void test_schema_versions(void)
{
	char path[512], want[700];
	aud_store *s = (aud_store *)1;
	sqlite3 *db = NULL;
	aud_err err;

	/* A database from a newer auditor. */
	mkpath(path, sizeof path, "future.db");
	CHECK(sqlite3_open_v2(path, &db,
			      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			      NULL) == SQLITE_OK);
	CHECK(sqlite3_exec(db,
			   "CREATE TABLE runs (x);"
			   "PRAGMA user_version = 99",
			   NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	aud_err_clear(&err);
	CHECK_EQ_INT(aud_store_open(&s, path, &err), AUD_ESTORE);
	CHECK(s == NULL);
	snprintf(want, sizeof want,
		 "%s: database schema version 99 is newer than this auditor "
		 "(knows 2)",
		 path);
	CHECK_STR(err.msg, want);

	/* Someone else's database: tables but no version. Left alone. */
	mkpath(path, sizeof path, "other.db");
	db = NULL;
	CHECK(sqlite3_open_v2(path, &db,
			      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			      NULL) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "CREATE TABLE people (name)", NULL, NULL,
			   NULL) == SQLITE_OK);
	sqlite3_close(db);
	aud_err_clear(&err);
	CHECK_EQ_INT(aud_store_open(&s, path, &err), AUD_ESTORE);
	CHECK(strstr(err.msg, "not an auditor database") != NULL);
	db = second(path);
	CHECK(db != NULL);
	if (db) {
		CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM sqlite_schema"),
			     1);
		CHECK_EQ_INT(q_int(db, "PRAGMA user_version"), 0);
		sqlite3_close(db);
	}
}

/* Allowlist counts per input: added up per input and entity, forgotten
 * with the input (--resume), summed per run by the view suppressed. */
static void test_suppressed(void)
{
	char path[512], t[256];
	aud_store *s;
	sqlite3 *db;
	int64_t run, fa, fb;
	aud_err err;

	s = begin_run("supp.db", path, sizeof path, &run);
	if (!s)
		return;
	db = aud_store_db(s);
	CHECK(aud_store_file_begin(s, run, "a.jsonl", &fa, &err) == 0);
	CHECK(aud_store_file_begin(s, run, "b.jsonl", &fb, &err) == 0);
	CHECK(aud_store_suppressed_add(s, run, fa, "EMAIL_ADDRESS", 3, &err) ==
	      0);
	CHECK(aud_store_suppressed_add(s, run, fa, "EMAIL_ADDRESS", 4, &err) ==
	      0);
	CHECK(aud_store_suppressed_add(s, run, fa, "IP_ADDRESS", 1, &err) == 0);
	CHECK(aud_store_suppressed_add(s, run, fb, "EMAIL_ADDRESS", 10, &err) ==
	      0);
	CHECK(aud_store_commit(s, &err) == 0);
	CHECK_STR(q_text(db,
			 "SELECT group_concat(file_id || ':' || entity || ':' ||"
			 " count, ' ') FROM (SELECT * FROM suppressed_by_file"
			 " ORDER BY file_id, entity)",
			 t, sizeof t),
		  "1:EMAIL_ADDRESS:7 1:IP_ADDRESS:1 2:EMAIL_ADDRESS:10");
	CHECK_STR(q_text(db,
			 "SELECT group_concat(entity || ':' || count, ' ') FROM"
			 " (SELECT * FROM suppressed ORDER BY entity)",
			 t, sizeof t),
		  "EMAIL_ADDRESS:17 IP_ADDRESS:1");
	/* b is scanned again: its counts go with it */
	CHECK(aud_store_file_forget(s, run, "b.jsonl", &err) == 0);
	CHECK(aud_store_commit(s, &err) == 0);
	CHECK_STR(q_text(db,
			 "SELECT group_concat(entity || ':' || count, ' ') FROM"
			 " (SELECT * FROM suppressed ORDER BY entity)",
			 t, sizeof t),
		  "EMAIL_ADDRESS:7 IP_ADDRESS:1");
	aud_store_close(s);
}

/* A version-1 database (one count per run and entity in the table
 * suppressed) is migrated: its counts move to suppressed_by_file with no
 * input, the view gives them as before, and new runs count per input. */
static void test_migrate_v1(void)
{
	char path[512], t[256];
	aud_store *s;
	sqlite3 *db = NULL;
	int64_t run, fa;
	aud_err err;

	mkpath(path, sizeof path, "v1.db");
	s = open_ok(path);
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(aud_store_run_begin(s, &meta, &run, &err) == 0);
	CHECK(aud_store_run_end(s, run, "complete", &err) == 0);
	aud_store_close(s);
	/* back to version 1: its suppressed table, as schema_v1 made it */
	CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) ==
	      SQLITE_OK);
	CHECK(sqlite3_exec(db,
			   "DROP VIEW suppressed;"
			   "DROP TABLE suppressed_by_file;"
			   "CREATE TABLE suppressed ("
			   " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
			   " entity TEXT NOT NULL,"
			   " count INTEGER NOT NULL,"
			   " PRIMARY KEY (run_id, entity));"
			   "INSERT INTO suppressed VALUES (1, 'EMAIL_ADDRESS', 5),"
			   " (1, 'US_SSN', 2);"
			   "PRAGMA user_version = 1",
			   NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);

	s = open_ok(path);
	CHECK(s != NULL);
	if (!s)
		return;
	db = aud_store_db(s);
	CHECK_EQ_INT(q_int(db, "PRAGMA user_version"), 2);
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM sqlite_schema WHERE"
			       " name = 'suppressed' AND type = 'view'"),
		     1);
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM suppressed_by_file"
			       " WHERE run_id = 1 AND file_id IS NULL"),
		     2);
	CHECK_STR(q_text(db,
			 "SELECT group_concat(run_id || ':' || entity || ':' ||"
			 " count, ' ') FROM (SELECT * FROM suppressed ORDER BY"
			 " run_id, entity)",
			 t, sizeof t),
		  "1:EMAIL_ADDRESS:5 1:US_SSN:2");
	CHECK(aud_store_run_begin(s, &meta, &run, &err) == 0);
	CHECK_EQ_INT(run, 2);
	CHECK(aud_store_file_begin(s, run, "a.jsonl", &fa, &err) == 0);
	CHECK(aud_store_suppressed_add(s, run, fa, "EMAIL_ADDRESS", 3, &err) ==
	      0);
	CHECK(aud_store_run_end(s, run, "complete", &err) == 0);
	CHECK_STR(q_text(db,
			 "SELECT group_concat(run_id || ':' || entity || ':' ||"
			 " count, ' ') FROM (SELECT * FROM suppressed ORDER BY"
			 " run_id, entity)",
			 t, sizeof t),
		  "1:EMAIL_ADDRESS:5 1:US_SSN:2 2:EMAIL_ADDRESS:3");
	aud_store_close(s);
}

static void test_run_end(void)
{
	char path[512], t[128], started[64];
	aud_store *s;
	sqlite3 *db, *db2;
	int64_t run;
	aud_err err;

	s = begin_run("runend.db", path, sizeof path, &run);
	if (!s)
		return;
	db = aud_store_db(s);
	CHECK_STR(q_text(db, "SELECT status FROM runs", t, sizeof t),
		  "running");
	/* Committed at once: another process sees the run. */
	db2 = second(path);
	CHECK(db2 != NULL);
	CHECK_EQ_INT(q_int(db2, "SELECT COUNT(*) FROM runs"
				" WHERE status = 'running'"),
		     1);
	CHECK_EQ_INT(q_int(db, "SELECT finished_at IS NULL FROM runs"), 1);
	CHECK(fresh_iso(q_text(db, "SELECT started_at FROM runs", started,
			       sizeof started)));
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM runs WHERE"
			       " tool_version = '0.1.0' AND"
			       " options = '{\"fail_on\":null}' AND"
			       " patterns_sha256 = 'ab12' AND"
			       " hash_key_fingerprint = 'fp99' AND"
			       " hash_key_source = 'env'"),
		     1);

	aud_err_clear(&err);
	CHECK_EQ_INT(aud_store_run_end(s, run, "finished", &err), AUD_ESTORE);
	CHECK(strstr(err.msg, "cannot end run: CHECK constraint failed") !=
	      NULL);
	CHECK_EQ_INT(aud_store_run_end(s, 999, "complete", &err), AUD_ESTORE);
	CHECK(strstr(err.msg, "no such run") != NULL);

	CHECK(aud_store_run_end(s, run, "interrupted", &err) == 0);
	CHECK_STR(q_text(db, "SELECT status FROM runs", t, sizeof t),
		  "interrupted");
	CHECK(
	    fresh_iso(q_text(db, "SELECT finished_at FROM runs", t, sizeof t)));
	CHECK(strcmp(t, started) >= 0);
	CHECK_STR(q_text(db2, "SELECT status FROM runs", t, sizeof t),
		  "interrupted");
	sqlite3_close(db2);
	aud_store_close(s);
}

/*
 * What survives a crash: a child process writes one whole file and
 * part of another, then dies without closing. The first file is there,
 * complete; the second is not there at all.
 */
static void test_crash_safety(void)
{
	static const char field[] = "ssn";
	char path[512], t[64];
	aud_store *s;
	sqlite3 *db2;
	int64_t run, fa, fb;
	aud_finding_row f;
	aud_file_result r;
	aud_err err;
	int i, status = -1;
	pid_t pid;

	mkpath(path, sizeof path, "crash.db");
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int bad = 0;

		s = open_ok(path);
		if (!s)
			_exit(2);
		bad |= aud_store_run_begin(s, &meta, &run, &err);
		bad |= aud_store_file_begin(s, run, "done.csv", &fa, &err);
		f = finding(run, fa, field, 3, "US_SSN", "validated", "h");
		for (i = 0; i < 5; i++)
			bad |= aud_store_finding_add(s, &f, &err);
		r = result("ok", 5, 50, 0);
		bad |= aud_store_file_end(s, fa, &r, &err);
		bad |= aud_store_file_begin(s, run, "half.csv", &fb, &err);
		f.file_id = fb;
		for (i = 0; i < 3; i++)
			bad |= aud_store_finding_add(s, &f, &err);
		_exit(bad ? 3 : 0); /* no close, no commit */
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	db2 = second(path);
	CHECK(db2 != NULL);
	if (!db2)
		return;
	CHECK_EQ_INT(q_int(db2, "SELECT COUNT(*) FROM runs"), 1);
	CHECK_STR(q_text(db2, "SELECT status FROM runs", t, sizeof t),
		  "running");
	CHECK_EQ_INT(q_int(db2, "SELECT COUNT(*) FROM files"), 1);
	CHECK_STR(q_text(db2, "SELECT status FROM files", t, sizeof t), "ok");
	CHECK_EQ_INT(q_int(db2, "SELECT COUNT(*) FROM findings"), 5);
	CHECK_STR(q_text(db2, "PRAGMA integrity_check", t, sizeof t), "ok");
	sqlite3_close(db2);

	/* The writer can carry on with the same database. */
	s = open_ok(path);
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(aud_store_run_end(s, 1, "interrupted", &err) == 0);
	CHECK(aud_store_latest_run(s, &run, &err) == 0);
	CHECK_EQ_INT(run, 1);
	aud_store_close(s);
}

static int refuse_commit(void *ctx)
{
	(void)ctx;
	return 1;
}

/* A COMMIT that fails rolls the batch back: the file is not left looking
 * finished, and the store can still be used. */
static void test_commit_failure(void)
{
	static const char field[] = "iban";
	char path[512], t[64];
	aud_store *s;
	sqlite3 *db, *db2;
	int64_t run, fa, fb;
	aud_finding_row f;
	aud_file_result r;
	aud_err err;
	int i;

	mkpath(path, sizeof path, "commitfail.db");
	s = open_ok(path);
	db2 = second(path);
	CHECK(s != NULL && db2 != NULL);
	if (!s || !db2)
		goto done;
	db = aud_store_db(s);
	CHECK(aud_store_run_begin(s, &meta, &run, &err) == 0);
	CHECK(aud_store_file_begin(s, run, "doomed.csv", &fa, &err) == 0);
	f = finding(run, fa, field, 4, "IBAN", "validated", "x");
	for (i = 0; i < 4; i++)
		CHECK(aud_store_finding_add(s, &f, &err) == 0);
	sqlite3_commit_hook(db, refuse_commit, NULL);
	r = result("ok", 4, 40, 0);
	aud_err_clear(&err);
	CHECK_EQ_INT(aud_store_file_end(s, fa, &r, &err), AUD_ESTORE);
	CHECK(strncmp(err.msg, path, strlen(path)) == 0);
	CHECK(strstr(err.msg, ": cannot commit: ") != NULL);
	sqlite3_commit_hook(db, NULL, NULL);
	CHECK_EQ_INT(sqlite3_get_autocommit(db), 1);
	CHECK_EQ_INT(q_int(db2, "SELECT COUNT(*) FROM files"), 0);
	CHECK_EQ_INT(q_int(db2, "SELECT COUNT(*) FROM findings"), 0);
	CHECK_EQ_INT(q_int(db, "SELECT COUNT(*) FROM findings"), 0);

	CHECK(aud_store_file_begin(s, run, "next.csv", &fb, &err) == 0);
	f.file_id = fb;
	CHECK(aud_store_finding_add(s, &f, &err) == 0);
	r = result("ok", 1, 10, 0);
	CHECK(aud_store_file_end(s, fb, &r, &err) == 0);
	CHECK_EQ_INT(q_int(db2, "SELECT COUNT(*) FROM findings"), 1);
	CHECK_STR(q_text(db2, "SELECT path FROM files", t, sizeof t),
		  "next.csv");
done:
	sqlite3_close(db2);
	aud_store_close(s);
}

/* Closing while the caller still holds a statement on the handle must
 * neither fail nor leak: the connection goes when the statement does. */
static void test_close_with_open_statement(void)
{
	char path[512];
	aud_store *s;
	sqlite3_stmt *st = NULL;
	int64_t run;
	aud_err err;

	mkpath(path, sizeof path, "busyclose.db");
	s = open_ok(path);
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(aud_store_run_begin(s, &meta, &run, &err) == 0);
	CHECK(sqlite3_prepare_v2(aud_store_db(s), "SELECT run_id FROM runs", -1,
				 &st, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	sqlite3_reset(st);
	aud_store_close(s);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_EQ_INT(sqlite3_column_int64(st, 0), 1);
	sqlite3_finalize(st);
}

/* Row i of test_findings_rows: every column worked out from i, some NULL. */
struct trow {
	char field[16], masked[16], hash[16];
	aud_finding_row f;
};

static void trow_make(struct trow *t, int64_t run, int64_t file, int i)
{
	static const char *const ev[] = {"pattern", "validated", "context",
					 "placeholder"};

	snprintf(t->field, sizeof t->field, "f%dXX", i);
	snprintf(t->masked, sizeof t->masked, "m%d", i);
	snprintf(t->hash, sizeof t->hash, "h%d", i);
	memset(&t->f, 0, sizeof t->f);
	t->f.run_id = run;
	t->f.file_id = file;
	t->f.record = i % 7 == 0 ? AUD_NOPOS : (uint64_t)i;
	t->f.line = (uint64_t)i * 2;
	t->f.byte_offset = (uint64_t)i * 3;
	t->f.length = 1 + (uint64_t)(i % 50);
	t->f.field = i % 11 == 0 ? NULL : t->field;
	t->f.field_len = strlen(t->field) - 2; /* without "XX" */
	t->f.entity = i % 2 ? "PHONE_NUMBER" : "EMAIL_ADDRESS";
	t->f.pattern_id = i % 3 ? "p1" : "p2";
	t->f.evidence = ev[i % 4];
	t->f.confidence = i / 1000.0;
	t->f.masked = t->masked;
	t->f.value_hash = i % 13 == 0 ? NULL : t->hash;
}

/*
 * aud_store_findings_add (several rows a statement) against the rows it
 * was given: every column of every row read back in order, and the batch
 * committed on the same row as one row at a time would (3 problems plus
 * 9,997 findings make the first 10,000, inside the call of rows 9,984 to
 * 10,031). The rows of one statement share their file: from row OTHER on
 * (inside a call) the rows name a second file.
 */
static void test_findings_rows(void)
{
	enum { N = 10050, FIRST = 9997, CALL = 48, OTHER = 5000 + 21 };
	struct trow *t = calloc(N, sizeof *t);
	aud_finding_row *rows = calloc(N, sizeof *rows);
	char path[512];
	aud_store *s = NULL;
	sqlite3 *db2 = NULL;
	sqlite3_stmt *st = NULL;
	int64_t run, file, file2;
	aud_file_result r;
	aud_err err, pr;
	int i, n, bad = 0, rc;

	CHECK(t != NULL && rows != NULL);
	if (!t || !rows)
		goto done;
	mkpath(path, sizeof path, "rows.db");
	s = open_ok(path);
	db2 = second(path);
	CHECK(s != NULL && db2 != NULL);
	if (!s || !db2)
		goto done;
	CHECK(aud_store_run_begin(s, &meta, &run, &err) == 0);
	CHECK(aud_store_file_begin(s, run, "r.jsonl", &file, &err) == 0);
	CHECK(aud_store_file_begin(s, run, "r2.jsonl", &file2, &err) == 0);
	aud_err_clear(&pr);
	aud_err_set(&pr, AUD_EFORMAT, "bad line");
	for (i = 0; i < 3; i++)
		CHECK(aud_store_problem_add(s, run, file, "json", &pr, &err) ==
		      0);
	for (i = 0; i < N; i++) {
		trow_make(&t[i], run, i < OTHER ? file : file2, i);
		rows[i] = t[i].f;
	}
	/* 48 rows a call: a statement of 32 and 16 single rows, and single
	 * rows where a whole statement would pass the 10,000th row or hold
	 * rows of both files. */
	for (i = 0; i < N; i += n) {
		int64_t seen;

		n = N - i < CALL ? N - i : CALL;
		bad += aud_store_findings_add(s, rows + i, (size_t)n, &err) != 0;
		seen = q_int(db2, "SELECT COUNT(*) FROM findings");
		if (seen != (i + n < FIRST ? 0 : FIRST) && bad++ < 3)
			fprintf(stderr, "after row %d: %lld rows committed\n",
				i + n, (long long)seen);
	}
	bad += aud_store_findings_add(s, rows, 0, &err) != 0;
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(q_int(db2, "SELECT COUNT(*) FROM findings"), FIRST);
	r = result("ok", N, 1000, 3);
	CHECK(aud_store_file_end(s, file, &r, &err) == 0);
	CHECK(aud_store_file_end(s, file2, &r, &err) == 0);
	CHECK(aud_store_run_end(s, run, "complete", &err) == 0);

	rc = sqlite3_prepare_v2(db2,
				"SELECT finding_id, run_id, file_id, record,"
				" line, field, byte_offset, length, entity,"
				" pattern_id, evidence, confidence, masked,"
				" value_hash FROM findings ORDER BY finding_id",
				-1, &st, NULL);
	CHECK_EQ_INT(rc, SQLITE_OK);
	for (i = 0; rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW; i++) {
		const aud_finding_row *f = &t[i].f;
		const char *fld = (const char *)sqlite3_column_text(st, 5);
		const char *h = (const char *)sqlite3_column_text(st, 13);
		int ok = i < N;

		ok = ok && sqlite3_column_int64(st, 0) == i + 1;
		ok = ok && sqlite3_column_int64(st, 1) == run &&
		     sqlite3_column_int64(st, 2) == f->file_id;
		ok = ok &&
		     (i % 7 == 0 ? sqlite3_column_type(st, 3) == SQLITE_NULL
				 : sqlite3_column_int64(st, 3) == i);
		ok = ok && sqlite3_column_int64(st, 4) == 2 * (int64_t)i &&
		     sqlite3_column_int64(st, 6) == 3 * (int64_t)i &&
		     sqlite3_column_int64(st, 7) == 1 + i % 50;
		ok = ok && (f->field ? fld && strlen(fld) == f->field_len &&
					       memcmp(fld, f->field,
						      f->field_len) == 0
				     : fld == NULL);
		ok = ok && strcmp((const char *)sqlite3_column_text(st, 8),
				  f->entity) == 0 &&
		     strcmp((const char *)sqlite3_column_text(st, 9),
			    f->pattern_id) == 0 &&
		     strcmp((const char *)sqlite3_column_text(st, 10),
			    f->evidence) == 0;
		ok = ok && sqlite3_column_double(st, 11) == i / 1000.0;
		ok = ok && strcmp((const char *)sqlite3_column_text(st, 12),
				  t[i].masked) == 0;
		ok = ok && (f->value_hash ? h && strcmp(h, t[i].hash) == 0
					  : h == NULL);
		if (!ok && bad++ < 3)
			fprintf(stderr, "row %d differs\n", i);
	}
	CHECK_EQ_INT(i, N);
	CHECK_EQ_INT(bad, 0);
done:
	sqlite3_finalize(st);
	sqlite3_close(db2);
	aud_store_close(s);
	free(rows);
	free(t);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(tdir, sizeof tdir, "%s/aud_store_XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_create_mode);
	RUN(test_reopen_appends);
	RUN(test_old_page_size);
	RUN(test_value_hash_rule);
	RUN(test_cache_bounded);
	RUN(test_batches);
	RUN(test_findings_rows);
	RUN(test_views);
	RUN(test_problems_cap);
	RUN(test_not_a_database);
	RUN(test_schema_versions);
	RUN(test_suppressed);
	RUN(test_migrate_v1);
	RUN(test_run_end);
	RUN(test_crash_safety);
	RUN(test_commit_failure);
	RUN(test_close_with_open_statement);
	rm_tdir();
	return DONE();
}
