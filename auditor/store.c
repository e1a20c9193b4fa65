/*
 * store.c: the SQLite results store. It creates the database file (mode
 * 0600), brings its schema up to AUD_STORE_SCHEMA_VERSION through an ordered
 * list of migration steps, and writes runs, files, findings and per-record
 * problems through statements prepared once at open. Writes are batched:
 * a transaction opens on the first write and is committed at every run
 * begin and end, every file end, and every BATCH_ROWS findings or problems,
 * so a crash loses at most the rows since the last file end. Reading the
 * results (reports, summaries) is left to others: they query the views
 * through aud_store_db(). One aud_store is one connection and is not meant
 * to be used from two threads at once.
 */
#include "auditor/store.h"
#include "auditor/fairness.h"
#include "auditor/kanon.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Findings and problems written before the open transaction is committed.
 * Large enough that commits cost little (WAL, synchronous=NORMAL), small
 * enough that a crash in a huge file loses little. */
#define BATCH_ROWS 10000

/* Problem rows kept per file; the rest are only counted by the caller
 * (files.problems). A broken file can have a problem on every record. */
#define PROBLEMS_PER_FILE 1000

/* Files whose stored-problem count is cached. Normally only the files
 * being scanned are here (file_end drops them); on a miss the count is read
 * back from the database, so evicting an entry costs a query, never a
 * wrong count. */
#define COUNTER_SLOTS 64

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%fZ','now')"

/* Re-identification risk (kanon.h): aggregates only, never a class's
 * values. Part of schema 1, and also created when first written to a
 * database made before they existed (ine: "IF NOT EXISTS "). */
/* clang-format off */
#define KANON_TABLES(ine)						\
	"CREATE TABLE " ine "kanon_metrics ("				\
	" run_id INTEGER PRIMARY KEY REFERENCES runs(run_id),"		\
	" quasi_identifiers TEXT NOT NULL, sensitive TEXT,"		\
	" k INTEGER NOT NULL, records INTEGER NOT NULL,"		\
	" classes INTEGER NOT NULL, k_anonymity INTEGER,"		\
	" classes_below_k INTEGER NOT NULL,"				\
	" records_below_k INTEGER NOT NULL,"				\
	" share_below_k REAL, unique_records INTEGER NOT NULL,"	\
	" share_unique REAL, l_diversity INTEGER,"			\
	" classes_l_below_2 INTEGER, records_l_below_2 INTEGER,"	\
	" spills INTEGER NOT NULL);"					\
	"CREATE TABLE " ine "kanon_sizes ("				\
	" run_id INTEGER NOT NULL REFERENCES runs(run_id),"		\
	" class_size INTEGER NOT NULL, classes INTEGER NOT NULL,"	\
	" PRIMARY KEY (run_id, class_size));"
/* clang-format on */

/*
 * The tables of `auditor overlap`. IF NOT EXISTS because
 * aud_store_overlap_prepare runs the same text on databases made before
 * they existed (tables are only added, so the schema version stays).
 */
#define SCHEMA_OVERLAP \
	"CREATE TABLE IF NOT EXISTS overlap_runs (" \
	" run_id INTEGER PRIMARY KEY REFERENCES runs(run_id)," \
	" key TEXT, near INTEGER NOT NULL, jaccard REAL," \
	" bands INTEGER, rows INTEGER," \
	" train_files INTEGER NOT NULL, test_files INTEGER NOT NULL," \
	" train_records INTEGER NOT NULL, test_records INTEGER NOT NULL," \
	" train_keyless INTEGER NOT NULL, test_keyless INTEGER NOT NULL," \
	" train_distinct INTEGER NOT NULL, test_distinct INTEGER NOT NULL," \
	" test_in_train INTEGER NOT NULL, test_in_train_share REAL," \
	" train_duplicates INTEGER NOT NULL, train_duplicate_share REAL," \
	" test_duplicates INTEGER NOT NULL, test_duplicate_share REAL," \
	" near_test_records INTEGER, near_share REAL," \
	" near_capped INTEGER," \
	" leaked_test_records INTEGER NOT NULL, leaked_share REAL," \
	" max_locations INTEGER NOT NULL, memory_bytes INTEGER);" \
	"CREATE TABLE IF NOT EXISTS overlap_inputs (" \
	" file_id INTEGER PRIMARY KEY REFERENCES files(file_id)," \
	" run_id INTEGER NOT NULL REFERENCES runs(run_id)," \
	" split TEXT NOT NULL CHECK (split = 'train' OR split = 'test'));" \
	"CREATE TABLE IF NOT EXISTS overlap_matches (" \
	" match_id INTEGER PRIMARY KEY," \
	" run_id INTEGER NOT NULL REFERENCES runs(run_id)," \
	" kind TEXT NOT NULL CHECK (kind = 'test_in_train' OR" \
	"  kind = 'train_duplicate' OR kind = 'test_duplicate' OR" \
	"  kind = 'near')," \
	" file_id INTEGER NOT NULL REFERENCES files(file_id)," \
	" record INTEGER, line INTEGER, byte_offset INTEGER," \
	" first_file_id INTEGER REFERENCES files(file_id)," \
	" first_record INTEGER, first_line INTEGER," \
	" first_byte_offset INTEGER," \
	" key_hash TEXT, masked TEXT, jaccard REAL);" \
	"CREATE INDEX IF NOT EXISTS overlap_matches_run" \
	" ON overlap_matches(run_id, kind);"

/*
 * Schema version 1. Every column the reports need is here; see the
 * schema section of README.md for what each one means.
 */
/* clang-format off */
static const char schema_v1[] =
	"CREATE TABLE runs ("
	" run_id INTEGER PRIMARY KEY,"
	" started_at TEXT NOT NULL,"
	" finished_at TEXT,"
	" status TEXT NOT NULL CHECK (status IN"
	"  ('running','complete','failed','interrupted')),"
	" tool_version TEXT,"
	" options TEXT,"
	" patterns_sha256 TEXT,"
	" hash_key_fingerprint TEXT,"
	" hash_key_source TEXT,"
	" allowlist_sha256 TEXT,"
	/* A run's identity, unique across databases: merge uses it to
	 * recognise a run it already holds (see merge.c). */
	" uid TEXT NOT NULL DEFAULT (lower(hex(randomblob(16)))));"
	"CREATE TABLE files ("
	" file_id INTEGER PRIMARY KEY,"
	" run_id INTEGER NOT NULL REFERENCES runs(run_id),"
	" path TEXT NOT NULL,"
	" size_bytes INTEGER,"
	" sha256 TEXT,"
	" compression TEXT,"
	" format TEXT,"
	" records INTEGER NOT NULL DEFAULT 0,"
	" bytes_decoded INTEGER NOT NULL DEFAULT 0,"
	" problems INTEGER NOT NULL DEFAULT 0,"
	" status TEXT NOT NULL CHECK (status IN"
	"  ('scanning','ok','warning','failed')),"
	" error TEXT,"
	" error_record INTEGER,"
	" error_line INTEGER,"
	" error_offset INTEGER,"
	" started_at TEXT,"
	" finished_at TEXT);"
	"CREATE TABLE findings ("
	" finding_id INTEGER PRIMARY KEY,"
	" run_id INTEGER NOT NULL REFERENCES runs(run_id),"
	" file_id INTEGER NOT NULL REFERENCES files(file_id),"
	" record INTEGER,"
	" line INTEGER,"
	" field TEXT,"
	" byte_offset INTEGER,"
	" length INTEGER,"
	" entity TEXT NOT NULL,"
	" pattern_id TEXT NOT NULL,"
	/* Means evidence IN (...); but an IN list of more than two values
	 * makes SQLite build a temporary index on every insert, which
	 * halved the insert rate. */
	" evidence TEXT NOT NULL CHECK (evidence = 'pattern' OR"
	"  evidence = 'validated' OR evidence = 'context' OR"
	"  evidence = 'placeholder'),"
	" confidence REAL,"
	" masked TEXT,"
	" value_hash TEXT);"
	"CREATE TABLE problems ("
	" problem_id INTEGER PRIMARY KEY,"
	" run_id INTEGER NOT NULL REFERENCES runs(run_id),"
	" file_id INTEGER NOT NULL REFERENCES files(file_id),"
	" record INTEGER,"
	" line INTEGER,"
	" byte_offset INTEGER,"
	" kind TEXT,"
	" message TEXT);"
	"CREATE TABLE fields ("
	" run_id INTEGER NOT NULL REFERENCES runs(run_id),"
	" file_id INTEGER NOT NULL REFERENCES files(file_id),"
	" field TEXT NOT NULL,"
	" values_seen INTEGER NOT NULL,"
	" values_non_empty INTEGER NOT NULL,"
	" values_with_findings INTEGER NOT NULL,"
	" name_class TEXT,"
	" top_entity TEXT,"
	" top_entity_values INTEGER,"
	" verdict TEXT NOT NULL CHECK (verdict = 'personal' OR"
	"  verdict = 'contains_personal' OR verdict = 'quasi_identifier' OR"
	"  verdict = 'none_found'),"
	" reason TEXT,"
	" PRIMARY KEY (file_id, field));"
	"CREATE TABLE field_entities ("
	" run_id INTEGER NOT NULL REFERENCES runs(run_id),"
	" file_id INTEGER NOT NULL REFERENCES files(file_id),"
	" field TEXT NOT NULL,"
	" entity TEXT NOT NULL,"
	" values_matched INTEGER NOT NULL,"
	" PRIMARY KEY (file_id, field, entity));"
	"CREATE TABLE markers ("
	" run_id INTEGER NOT NULL REFERENCES runs(run_id),"
	" file_id INTEGER NOT NULL REFERENCES files(file_id),"
	" field TEXT NOT NULL,"
	" marker TEXT NOT NULL,"
	" count INTEGER NOT NULL,"
	" PRIMARY KEY (file_id, field, marker));"
	"CREATE TABLE suppressed ("
	" run_id INTEGER NOT NULL REFERENCES runs(run_id),"
	" entity TEXT NOT NULL,"
	" count INTEGER NOT NULL,"
	" PRIMARY KEY (run_id, entity));"
	"CREATE TABLE group_counts ("
	" run_id INTEGER NOT NULL REFERENCES runs(run_id),"
	" file_id INTEGER NOT NULL REFERENCES files(file_id),"
	" attribute TEXT NOT NULL,"
	" group_value TEXT NOT NULL,"
	" n INTEGER NOT NULL, n_outcome INTEGER NOT NULL,"
	" pos INTEGER NOT NULL, n_pred INTEGER NOT NULL,"
	" pred_pos INTEGER NOT NULL, tp INTEGER NOT NULL,"
	" fp INTEGER NOT NULL, tn INTEGER NOT NULL, fn INTEGER NOT NULL,"
	" PRIMARY KEY (file_id, attribute, group_value));"
	"CREATE TABLE group_metrics ("
	" run_id INTEGER NOT NULL REFERENCES runs(run_id),"
	" attribute TEXT NOT NULL,"
	" group_value TEXT NOT NULL,"
	" n INTEGER NOT NULL, n_outcome INTEGER NOT NULL,"
	" missing_outcome INTEGER NOT NULL,"
	" share REAL, base_rate REAL, selection_rate REAL,"
	" ci_low REAL, ci_high REAL,"
	" impact_ratio REAL, impact_ratio_ref REAL, spd_ref REAL,"
	" p_value REAL, test TEXT,"
	" tpr REAL, fpr REAL, fnr REAL, ppv REAL, npv REAL,"
	" eligible INTEGER NOT NULL, is_reference INTEGER NOT NULL,"
	" small INTEGER NOT NULL, flag TEXT,"
	" scored INTEGER, scoring_rate REAL, scoring_impact_ratio REAL,"
	" expected_share REAL, representation_ratio REAL,"
	" PRIMARY KEY (run_id, attribute, group_value));"
	"CREATE TABLE group_scores ("
	" run_id INTEGER NOT NULL REFERENCES runs(run_id),"
	" file_id INTEGER NOT NULL REFERENCES files(file_id),"
	" attribute TEXT NOT NULL,"
	" group_value TEXT NOT NULL,"
	" score REAL NOT NULL,"
	" count INTEGER NOT NULL);"
	"CREATE INDEX group_scores_run ON group_scores(run_id, attribute, score);"
	"CREATE TABLE attribute_metrics ("
	" run_id INTEGER NOT NULL REFERENCES runs(run_id),"
	" attribute TEXT NOT NULL,"
	" groups INTEGER NOT NULL,"
	" reference_group TEXT, most_selected_group TEXT,"
	" has_predictions INTEGER NOT NULL,"
	" missing_outcome INTEGER NOT NULL,"
	" chi2 REAL, chi2_dof REAL, chi2_p REAL,"
	" dp_difference REAL, dp_ratio REAL,"
	" eo_difference REAL, eo_ratio REAL,"
	" eq_opportunity_difference REAL, average_odds_difference REAL,"
	" scored INTEGER, score_median REAL,"
	" gof_chi2 REAL, gof_dof INTEGER, gof_p REAL,"
	" PRIMARY KEY (run_id, attribute));"
	KANON_TABLES("")
	/* For a merged run: the scanned runs whose rows it holds. */
	"CREATE TABLE run_sources ("
	" run_id INTEGER NOT NULL REFERENCES runs(run_id),"
	" source_uid TEXT NOT NULL,"
	" source_db TEXT,"
	" source_run_id INTEGER,"
	" PRIMARY KEY (run_id, source_uid));"
	"CREATE INDEX fields_run ON fields(run_id);"
	/* (dropped by every run since: see findings_indexes) */
	"CREATE INDEX findings_run_entity ON findings(run_id, entity);"
	"CREATE INDEX findings_run_file ON findings(run_id, file_id);"
	"CREATE INDEX findings_value_hash ON findings(value_hash);"
	"CREATE INDEX files_run ON files(run_id);"
	/* For the per-file cap, read back after a reopen. */
	"CREATE INDEX problems_file ON problems(file_id);"
	"CREATE VIEW finding_counts AS"
	" SELECT f.run_id, f.file_id, fl.path, f.field, f.entity,"
	"  f.evidence, COUNT(*) AS findings,"
	"  COUNT(DISTINCT f.value_hash) AS distinct_values"
	" FROM findings f JOIN files fl ON fl.file_id = f.file_id"
	" GROUP BY f.run_id, f.file_id, f.field, f.entity, f.evidence;"
	"CREATE VIEW entity_counts AS"
	" SELECT run_id, entity, COUNT(*) AS findings,"
	"  COUNT(DISTINCT value_hash) AS distinct_values,"
	"  COUNT(DISTINCT file_id) AS files,"
	"  SUM(evidence = 'placeholder') AS placeholders,"
	"  SUM(evidence <> 'placeholder') AS real,"
	"  COUNT(DISTINCT CASE WHEN evidence <> 'placeholder'"
	"   THEN value_hash END) AS real_distinct_values"
	" FROM findings GROUP BY run_id, entity;"
	/* Scalar subqueries rather than joins: each one is an index lookup
	 * on run_id, and no join can multiply the counts. */
	"CREATE VIEW run_summary AS"
	" SELECT r.run_id, r.status, r.started_at, r.finished_at,"
	"  (SELECT COUNT(*) FROM files x WHERE x.run_id = r.run_id)"
	"   AS files,"
	"  (SELECT COUNT(*) FROM files x WHERE x.run_id = r.run_id"
	"   AND x.status = 'failed') AS files_failed,"
	"  (SELECT COUNT(*) FROM files x WHERE x.run_id = r.run_id"
	"   AND x.status = 'warning') AS files_warning,"
	"  (SELECT COALESCE(SUM(records), 0) FROM files x"
	"   WHERE x.run_id = r.run_id) AS records,"
	"  (SELECT COALESCE(SUM(bytes_decoded), 0) FROM files x"
	"   WHERE x.run_id = r.run_id) AS bytes_decoded,"
	"  (SELECT COUNT(*) FROM findings y WHERE y.run_id = r.run_id"
	"   AND y.evidence <> 'placeholder') AS findings,"
	"  (SELECT COUNT(*) FROM findings y WHERE y.run_id = r.run_id"
	"   AND y.evidence = 'placeholder') AS placeholders,"
	"  (SELECT COALESCE(SUM(problems), 0) FROM files x"
	"   WHERE x.run_id = r.run_id) AS problems"
	" FROM runs r;"
	"CREATE VIEW repeated_values AS"
	" SELECT run_id, entity, value_hash, MIN(masked) AS masked,"
	"  COUNT(*) AS occurrences,"
	"  COUNT(DISTINCT file_id || ':' || record) AS records,"
	"  COUNT(DISTINCT file_id) AS files"
	" FROM findings WHERE evidence <> 'placeholder'"
	" GROUP BY run_id, entity, value_hash;"
	"CREATE VIEW file_density AS"
	" SELECT fl.run_id, fl.file_id, fl.path, fl.records, fl.status,"
	"  (SELECT COUNT(*) FROM findings x WHERE x.file_id = fl.file_id"
	"   AND x.evidence <> 'placeholder') AS findings,"
	"  (SELECT COUNT(DISTINCT x.record) FROM findings x"
	"   WHERE x.file_id = fl.file_id AND x.evidence <> 'placeholder')"
	"   AS records_with_findings"
	" FROM files fl;"
	"CREATE VIEW field_density AS"
	" SELECT run_id, field, SUM(values_non_empty) AS values_non_empty,"
	"  SUM(values_with_findings) AS values_with_findings,"
	"  CAST(SUM(values_with_findings) AS REAL) /"
	"   NULLIF(SUM(values_non_empty), 0) AS density"
	" FROM fields GROUP BY run_id, field;"
	"CREATE VIEW field_verdicts AS"
	" SELECT run_id, field,"
	"  COUNT(*) AS files,"
	"  SUM(values_seen) AS values_seen,"
	"  SUM(values_non_empty) AS values_non_empty,"
	"  SUM(values_with_findings) AS values_with_findings,"
	"  MAX(name_class) AS name_class,"
	"  CASE MIN(CASE verdict WHEN 'personal' THEN 1"
	"   WHEN 'contains_personal' THEN 2 WHEN 'quasi_identifier' THEN 3"
	"   ELSE 4 END) WHEN 1 THEN 'personal' WHEN 2 THEN 'contains_personal'"
	"   WHEN 3 THEN 'quasi_identifier' ELSE 'none_found' END AS verdict"
	" FROM fields GROUP BY run_id, field;"
	SCHEMA_OVERLAP;
/* clang-format on */

/*
 * Version 2: allowlist counts per input. Version 1 kept one count per run
 * and entity, written when the run ended: a run killed before its end lost
 * the counts of the inputs it had finished, and an input scanned again by
 * --resume was counted twice. suppressed_by_file has a row per input and
 * entity, written with the input's findings and forgotten with them; the
 * run's counts are the view suppressed, with version 1's columns. A
 * version-1 database's counts move over with file_id NULL (not known per
 * input).
 */
/* clang-format off */
static const char schema_v2[] =
	"CREATE TABLE suppressed_by_file ("
	" run_id INTEGER NOT NULL REFERENCES runs(run_id),"
	" file_id INTEGER REFERENCES files(file_id),"
	" entity TEXT NOT NULL,"
	" count INTEGER NOT NULL,"
	" UNIQUE (file_id, entity));"
	"CREATE INDEX suppressed_by_file_run ON suppressed_by_file(run_id);"
	"INSERT INTO suppressed_by_file (run_id, file_id, entity, count)"
	" SELECT run_id, NULL, entity, count FROM suppressed;"
	"DROP TABLE suppressed;"
	"CREATE VIEW suppressed AS"
	" SELECT run_id, entity, SUM(count) AS count FROM suppressed_by_file"
	" GROUP BY run_id, entity;";
/* clang-format on */

/*
 * migrations[i] takes a database from user_version i to i + 1. A new
 * schema version appends one step and bumps AUD_STORE_SCHEMA_VERSION; steps
 * already released are never edited.
 */
static const char *const migrations[] = {
    schema_v1,
    schema_v2,
};

_Static_assert(sizeof migrations / sizeof migrations[0] ==
		   AUD_STORE_SCHEMA_VERSION,
	       "one migration step per schema version");

enum {
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_RUN_INS,
	S_RUN_END,
	S_FILE_INS,
	S_FILE_END,
	S_FINDING_INS,
	S_FINDINGS_INS, /* FINDINGS_PER_STMT rows */
	S_PROBLEM_INS,
	S_PROBLEM_COUNT,
	S_LATEST,
	S_FIELD_INS,
	S_FENT_INS,
	S_MARKER_INS,
	S_SUPP_INS,
	S_SCORE_INS,
	S_COUNT
};

/*
 * Findings go in FINDINGS_PER_STMT rows to an INSERT: each statement run
 * has a cost of its own (step, halt, reset), and 16 rows a statement took
 * a fifth off a finding's insert. The rows of one statement share their
 * run and file (?1, ?2: bound once, not for every row), and its bindings
 * are not cleared between runs: 4.5% less again; 32 rows instead of 16
 * another 2%, 64 nothing more (the rest of a batch goes one row a
 * statement). The other 11 columns of row k are ?(3 + 11k) to ?(13 + 11k);
 * findings_sql writes the text (at most 80 bytes a row).
 */
#define FINDINGS_PER_STMT 32
#define FINDING_COLS 11 /* bound per row */

/* clang-format off */
static const char *const stmt_sql[S_COUNT] = {
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
	[S_RUN_INS] = "INSERT INTO runs (started_at, status, tool_version,"
		      " options, patterns_sha256, hash_key_fingerprint,"
		      " hash_key_source, allowlist_sha256) VALUES (" NOW_SQL
		      ", 'running', ?1, ?2, ?3, ?4, ?5, ?6)",
	[S_RUN_END] = "UPDATE runs SET status = ?2, finished_at = " NOW_SQL
		      " WHERE run_id = ?1",
	[S_FILE_INS] = "INSERT INTO files (run_id, path, status, started_at)"
		       " VALUES (?1, ?2, 'scanning', " NOW_SQL ")",
	[S_FILE_END] = "UPDATE files SET size_bytes = ?2, sha256 = ?3,"
		       " compression = ?4, format = ?5, records = ?6,"
		       " bytes_decoded = ?7, problems = ?8, status = ?9,"
		       " error = ?10, error_record = ?11, error_line = ?12,"
		       " error_offset = ?13, finished_at = " NOW_SQL
		       " WHERE file_id = ?1",
	[S_FINDING_INS] = "INSERT INTO findings (run_id, file_id, record,"
			  " line, field, byte_offset, length, entity,"
			  " pattern_id, evidence, confidence, masked,"
			  " value_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
			  " ?8, ?9, ?10, ?11, ?12, ?13)",
	[S_FINDINGS_INS] = NULL, /* findings_sql */
	[S_PROBLEM_INS] = "INSERT INTO problems (run_id, file_id, record,"
			  " line, byte_offset, kind, message)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_PROBLEM_COUNT] = "SELECT COUNT(*) FROM problems WHERE file_id = ?1",
	[S_LATEST] = "SELECT COALESCE(MAX(run_id), 0) FROM runs",
	[S_FIELD_INS] = "INSERT INTO fields (run_id, file_id, field,"
			" values_seen, values_non_empty, values_with_findings,"
			" name_class, top_entity, top_entity_values, verdict,"
			" reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
			" ?10, ?11)",
	[S_FENT_INS] = "INSERT INTO field_entities (run_id, file_id, field,"
		       " entity, values_matched) VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_MARKER_INS] = "INSERT INTO markers (run_id, file_id, field,"
			 " marker, count) VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_SCORE_INS] = "INSERT INTO group_scores (run_id, file_id, attribute,"
			" group_value, score, count) VALUES (?1, ?2, ?3, ?4,"
			" ?5, ?6)",
	[S_SUPP_INS] = "INSERT INTO suppressed_by_file (run_id, file_id,"
		       " entity, count) VALUES (?1, ?2, ?3, ?4) ON CONFLICT"
		       " (file_id, entity) DO UPDATE SET count = count +"
		       " excluded.count",
};
/* clang-format on */

struct counter {
	int64_t file_id;
	int64_t stored; /* problem rows in the database for this file */
};

struct aud_store {
	int baseline; /* temp.auditor_baseline is loaded */
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[S_COUNT];
	int in_tx;	  /* we opened a transaction that is still open */
	unsigned pending; /* findings and problems since it opened */
	/* findings this run may still add while the value_hash index is
	 * kept up row by row (see value_hash_rows), or -1: no count kept */
	int64_t vh_room;
	struct counter ctr[COUNTER_SLOTS];
	size_t nctr;
};

/* The findings indexes, made at a run's end when missing: the one on
 * value_hash, kept up row by row in random order, costs more than the rest
 * of a finding's insert, so a run may drop it and build it at its end
 * (below); a killed run may leave it out. findings_run_file is kept up
 * throughout: the rows come in its order, so keeping it up is an append to
 * its last page, cheaper than sorting it at the end, and done while the
 * workers still scan; it also serves every "this run" filter.
 *
 * Schema version 1 also made findings_run_entity, on (run_id, entity).
 * Every run drops it: building it took an eighth of a findings-heavy
 * scan's time, and no query of ours was faster with it (SQLite chose it
 * for the per-entity views and then read the rows in its order, which made
 * the text, JSON and HTML reports about a fifth slower than a walk of the
 * run's rows by findings_run_file). Dropping an index changes no data, so
 * an older build still opens the database (and may put it back). */
static const char drop_run_entity[] =
    "DROP INDEX IF EXISTS findings_run_entity;";
/*
 * Kept up row by row, the value_hash index costs a run into a database
 * that already holds findings far more than building it anew: each batch
 * of BATCH_ROWS random keys dirties about that many of its pages, and
 * every commit writes them all to the WAL. A second run of 100 MB of
 * findings-heavy text (396,680 findings) into the database of the first
 * took 7.6-7.9 s against 1.2 s for the first, 5 s of it in the kernel.
 * Building it costs in proportion to all the rows, kept up it costs in
 * proportion to the new ones (and to the index's size): so the index is
 * kept up until this run has added 1/VH_SHARE of the rows there were when
 * it began, then dropped and built at the run's end (the rent-or-buy
 * rule: never more than about twice the better of the two). A small run
 * into a large database keeps it up throughout; a run into an empty
 * findings table drops it at once.
 */
#define VH_SHARE 32
static const char drop_value_hash[] =
    "DROP INDEX IF EXISTS findings_value_hash;";
#define RUN_FILE_INDEX                                                         \
	"CREATE INDEX IF NOT EXISTS findings_run_file"                         \
	" ON findings(run_id, file_id);"
static const char findings_indexes[] =
    RUN_FILE_INDEX "CREATE INDEX IF NOT EXISTS findings_value_hash"
		   " ON findings(value_hash);";

/* Forgets the transaction: it was committed, or rolled back (then the
 * cached problem counts may include rows that are gone: reread them). */
static void tx_forget(aud_store *s, int rolled_back)
{
	s->in_tx = 0;
	s->pending = 0;
	if (rolled_back)
		s->nctr = 0;
}

/*
 * Fills err with "PATH: DOING: SQLITE MESSAGE" and returns AUD_ESTORE.
 * "file is not a database" is left bare: it says all there is to say.
 * SQLite rolls a transaction back by itself after some errors (I/O, full
 * disk); when it did, our idea of the open transaction is reset.
 */
static int fail(aud_store *s, aud_err *err, const char *doing)
{
	aud_err_place(err, AUD_NOPOS, AUD_NOPOS, AUD_NOPOS);
	if (sqlite3_errcode(s->db) == SQLITE_NOTADB || !doing)
		aud_err_set(err, AUD_ESTORE, "%s: %s", s->path,
			    sqlite3_errmsg(s->db));
	else
		aud_err_set(err, AUD_ESTORE, "%s: %s: %s", s->path, doing,
			    sqlite3_errmsg(s->db));
	if (s->in_tx && sqlite3_get_autocommit(s->db))
		tx_forget(s, 1);
	return AUD_ESTORE;
}

/* Runs a statement that returns no row we need; resets it either way. */
static int run(aud_store *s, sqlite3_stmt *st, aud_err *err, const char *doing)
{
	int rc = sqlite3_step(st);
	int ret = 0;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = fail(s, err, doing);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ret;
}

/* Binds a C string, or NULL as SQL NULL. The data must outlive the step. */
static int bind_str(sqlite3_stmt *st, int i, const char *v)
{
	if (!v)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

/* Binds a record/line/offset: AUD_NOPOS (or anything SQLite's integers
 * cannot hold) is SQL NULL. */
static int bind_pos(sqlite3_stmt *st, int i, uint64_t v)
{
	if (v == AUD_NOPOS || v > (uint64_t)INT64_MAX)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_int64(st, i, (sqlite3_int64)v);
}

/* Binds a count, saturating at INT64_MAX. */
static int bind_count(sqlite3_stmt *st, int i, uint64_t v)
{
	if (v > (uint64_t)INT64_MAX)
		v = (uint64_t)INT64_MAX;
	return sqlite3_bind_int64(st, i, (sqlite3_int64)v);
}

static int tx_begin(aud_store *s, aud_err *err)
{
	if (s->in_tx && !sqlite3_get_autocommit(s->db))
		return 0;
	if (s->in_tx)
		tx_forget(s, 1); /* ended behind our back */
	if (run(s, s->st[S_BEGIN], err, "cannot begin transaction"))
		return AUD_ESTORE;
	s->in_tx = 1;
	s->pending = 0;
	return 0;
}

/*
 * Commits the open transaction, if any. When COMMIT fails the transaction
 * is rolled back, so nothing of it stays in the database looking done: a
 * file row stays "scanning" (or is not there at all), never "ok" with half
 * its findings.
 */
static int tx_commit(aud_store *s, aud_err *err)
{
	int ret;

	if (!s->in_tx)
		return 0;
	if (sqlite3_get_autocommit(s->db)) {
		tx_forget(s, 1);
		return 0;
	}
	ret = run(s, s->st[S_COMMIT], err, "cannot commit");
	if (ret && !sqlite3_get_autocommit(s->db)) {
		sqlite3_step(s->st[S_ROLLBACK]);
		sqlite3_reset(s->st[S_ROLLBACK]);
	}
	tx_forget(s, ret != 0);
	return ret;
}

/* Counts one queued row and commits when the batch is full. */
static int tx_row(aud_store *s, aud_err *err)
{
	if (++s->pending >= BATCH_ROWS)
		return tx_commit(s, err);
	return 0;
}

static struct counter *counter_find(aud_store *s, int64_t file_id)
{
	size_t i;

	for (i = 0; i < s->nctr; i++)
		if (s->ctr[i].file_id == file_id)
			return &s->ctr[i];
	return NULL;
}

static struct counter *counter_add(aud_store *s, int64_t file_id,
				   int64_t stored)
{
	if (s->nctr == COUNTER_SLOTS) { /* evict the oldest */
		memmove(&s->ctr[0], &s->ctr[1],
			(COUNTER_SLOTS - 1) * sizeof s->ctr[0]);
		s->nctr--;
	}
	s->ctr[s->nctr].file_id = file_id;
	s->ctr[s->nctr].stored = stored;
	return &s->ctr[s->nctr++];
}

static void counter_drop(aud_store *s, int64_t file_id)
{
	struct counter *c = counter_find(s, file_id);

	if (!c)
		return;
	memmove(c, c + 1, (size_t)(&s->ctr[s->nctr] - (c + 1)) * sizeof *c);
	s->nctr--;
}

/* Reads a one-integer result from a statement with no parameters. */
static int query_int(aud_store *s, const char *sql, int64_t *out, aud_err *err,
		     const char *doing)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			*out = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_ROW) {
		fail(s, err, doing);
		sqlite3_finalize(st);
		return AUD_ESTORE;
	}
	sqlite3_finalize(st);
	return 0;
}

static int exec(aud_store *s, const char *sql, aud_err *err, const char *doing)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail(s, err, doing);
	return 0;
}

/* Refuses a schema version this build cannot migrate from. */
static int check_version(aud_store *s, int64_t v, aud_err *err)
{
	if (v >= 0 && v <= AUD_STORE_SCHEMA_VERSION)
		return 0;
	aud_err_place(err, AUD_NOPOS, AUD_NOPOS, AUD_NOPOS);
	if (v < 0)
		return aud_err_set(err, AUD_ESTORE,
				   "%s: unknown database schema version %lld",
				   s->path, (long long)v);
	return aud_err_set(err, AUD_ESTORE,
			   "%s: database schema version %lld is newer than "
			   "this auditor (knows %d)",
			   s->path, (long long)v, AUD_STORE_SCHEMA_VERSION);
}

/*
 * Brings the schema to AUD_STORE_SCHEMA_VERSION. An up-to-date database
 * is only read, so opening one for a report never waits for a writer;
 * otherwise the version is read again under a write lock (another process
 * may have migrated meanwhile) and every missing step runs in one
 * transaction with the new user_version.
 */
static int migrate(aud_store *s, aud_err *err)
{
	int64_t v = 0, tables = 0;
	char sql[64];
	int ret;

	if (query_int(s, "PRAGMA user_version", &v, err,
		      "cannot read schema version"))
		return AUD_ESTORE;
	if (v == AUD_STORE_SCHEMA_VERSION)
		return 0;
	if (check_version(s, v, err))
		return AUD_ESTORE;
	if (exec(s, "BEGIN IMMEDIATE", err, "cannot lock database"))
		return AUD_ESTORE;
	ret = query_int(s, "PRAGMA user_version", &v, err,
			"cannot read schema version");
	if (ret || (ret = check_version(s, v, err)))
		goto done;
	if (v == 0) {
		ret = query_int(s, "SELECT COUNT(*) FROM sqlite_schema",
				&tables, err, "cannot read schema");
		if (ret)
			goto done;
		if (tables > 0) {
			aud_err_place(err, AUD_NOPOS, AUD_NOPOS, AUD_NOPOS);
			ret = aud_err_set(err, AUD_ESTORE,
					  "%s: not an auditor database (it "
					  "has tables but no schema version)",
					  s->path);
			goto done;
		}
	}
	for (; v < AUD_STORE_SCHEMA_VERSION; v++) {
		ret = exec(s, migrations[v], err, "cannot migrate schema");
		if (ret)
			goto done;
	}
	/* A pragma takes no parameters; the number is our own constant. */
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
		 AUD_STORE_SCHEMA_VERSION);
	ret = exec(s, sql, err, "cannot set schema version");
	if (ret)
		goto done;
	ret = exec(s, "COMMIT", err, "cannot commit schema");
done:
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return ret;
}

/*
 * Creates path with mode 0600 if it does not exist. O_EXCL makes this
 * race-free: if someone else created the file first, theirs is used and
 * keeps its mode. fchmod undoes a umask that would take our own rights.
 */
static int create_file(const char *path, aud_err *err)
{
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
	int e;

	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		return aud_err_set(err, AUD_ESTORE,
				   "%s: cannot create database: %s", path,
				   strerror(errno));
	}
	if (fchmod(fd, 0600) != 0) {
		e = errno;
		close(fd);
		unlink(path);
		return aud_err_set(err, AUD_ESTORE,
				   "%s: cannot set mode 0600: %s", path,
				   strerror(e));
	}
	if (close(fd) != 0)
		return aud_err_set(err, AUD_ESTORE,
				   "%s: cannot create database: %s", path,
				   strerror(errno));
	return 0;
}

/* Sets the connection up: WAL so reports can read while a scan writes,
 * synchronous=NORMAL (durable at checkpoints, never corrupt), and foreign
 * keys so a finding cannot name a file that does not exist. A new
 * database gets pages of 16 KiB (SQLite's default is 4): a findings-heavy
 * scan spends much of the committer's time writing pages, twice with the
 * WAL, and the index build at a run's end splits and fills them; with 16
 * KiB the scan of 100 MB of such text took 1.15 s against 1.22 s (8 KiB
 * the same, 64 KiB slower), the same on prose, and reads as fast.
 * An existing database keeps its page size (SQLite changes it only on
 * VACUUM, and not in WAL mode). */
static int configure(aud_store *s, aud_err *err)
{
	int64_t dummy;

	sqlite3_busy_timeout(s->db, 5000);
	if (exec(s, "PRAGMA foreign_keys = ON", err, "cannot configure"))
		return AUD_ESTORE;
	/* Reads the header: this is where a file that is not a database
	 * shows. A read-only database keeps its journal mode. */
	if (query_int(s, "SELECT COUNT(*) FROM sqlite_schema", &dummy, err,
		      "cannot read database"))
		return AUD_ESTORE;
	if (!sqlite3_db_readonly(s->db, "main") &&
	    (exec(s, "PRAGMA page_size = 16384", err, "cannot configure") ||
	     /* SQLite's default of 2000 KiB again: it counted the cache
	      * in pages of the old size (500 of 4 KiB), which with 16 KiB
	      * pages let it grow to 8 MB */
	     exec(s, "PRAGMA cache_size = -2000", err, "cannot configure") ||
	     exec(s, "PRAGMA journal_mode = WAL", err,
		  "cannot set journal mode")))
		return AUD_ESTORE;
	if (exec(s, "PRAGMA synchronous = NORMAL", err, "cannot configure"))
		return AUD_ESTORE;
	/* One helper thread for SQLite's sorter: the value_hash index built
	 * at a run's end and the summary's GROUP BYs sort every finding of
	 * the run on one core while the other is idle. 100 MB of
	 * findings-heavy text, medians of rotating runs: 1.175 -> 1.12 s
	 * with -q (six), 2.55 -> 2.26 s with the summary (four); prose and
	 * peak RSS the same. */
	if (exec(s, "PRAGMA threads = 1", err, "cannot configure"))
		return AUD_ESTORE;
	return 0;
}

/* The text of S_FINDINGS_INS into buf (cap bytes: FINDINGS_SQL_CAP). */
#define FINDINGS_SQL_CAP (200 + FINDINGS_PER_STMT * 80)
static void findings_sql(char *buf, size_t cap)
{
	size_t len, k;
	int c;

	len = (size_t)snprintf(buf, cap,
			       "INSERT INTO findings (run_id, file_id, record,"
			       " line, field, byte_offset, length, entity,"
			       " pattern_id, evidence, confidence, masked,"
			       " value_hash) VALUES ");
	for (k = 0; k < FINDINGS_PER_STMT && len < cap; k++) {
		len += (size_t)snprintf(buf + len, cap - len, "%s(?1,?2",
					k ? "," : "");
		for (c = 0; c < FINDING_COLS && len < cap; c++)
			len += (size_t)snprintf(buf + len, cap - len, ",?%d",
						3 + (int)k * FINDING_COLS + c);
		if (len < cap)
			len += (size_t)snprintf(buf + len, cap - len, ")");
	}
}

int aud_store_open(aud_store **out, const char *path, aud_err *err)
{
	char findings_ins[FINDINGS_SQL_CAP];
	aud_store *s;
	/* No mutex on the connection: an aud_store is used by one thread
	 * at a time, and the lock on every bind and step cost a tenth of a
	 * finding's insert. */
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int i, ret;

	*out = NULL;
	if (!path)
		return aud_err_set(err, AUD_EUSAGE, "no database path");
	aud_err_place(err, AUD_NOPOS, AUD_NOPOS, AUD_NOPOS);
	/* ":memory:" and "" are SQLite's private databases, not files. */
	if (strcmp(path, ":memory:") == 0 || path[0] == '\0')
		flags |= SQLITE_OPEN_CREATE;
	else if (create_file(path, err))
		return AUD_ESTORE;

	s = calloc(1, sizeof *s);
	if (!s)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	s->vh_room = -1;
	s->path = strdup(path);
	if (!s->path) {
		free(s);
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	}
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		ret = s->db ? fail(s, err, "cannot open database")
			    : aud_err_set(err, AUD_ENOMEM, "out of memory");
		goto fail;
	}
	ret = configure(s, err);
	if (ret)
		goto fail;
	ret = migrate(s, err);
	if (ret)
		goto fail;
	findings_sql(findings_ins, sizeof findings_ins);
	for (i = 0; i < S_COUNT; i++) {
		if (sqlite3_prepare_v3(
			s->db, i == S_FINDINGS_INS ? findings_ins : stmt_sql[i],
			-1, SQLITE_PREPARE_PERSISTENT, &s->st[i],
			NULL) != SQLITE_OK) {
			ret = fail(s, err, "cannot prepare statement");
			goto fail;
		}
	}
	*out = s;
	return 0;
fail:
	aud_store_close(s);
	return ret;
}

/* Counts n findings about to be added, and drops the value_hash index
 * once the run's room for keeping it up is used (n 0: when there is
 * none). In a transaction. */
static int value_hash_rows(aud_store *s, uint64_t n, aud_err *err)
{
	if (s->vh_room < 0)
		return 0;
	if ((uint64_t)s->vh_room > n) {
		s->vh_room -= (int64_t)n;
		return 0;
	}
	s->vh_room = -1;
	return exec(s, drop_value_hash, err, "cannot drop an index");
}

/* Sets how many findings a run beginning now may add with the value_hash
 * index kept up (VH_SHARE), and drops the index when that is none. A
 * missing index (a killed run's) is left to the run's end. The rows are
 * counted by the largest finding_id, which costs a look at the table's
 * last page, not a scan; deleted rows make it an overcount. */
static int value_hash_room(aud_store *s, aud_err *err)
{
	int64_t rows = 0;

	if (query_int(s, "SELECT COALESCE(MAX(finding_id), 0) FROM findings",
		      &rows, err, "cannot read findings"))
		return AUD_ESTORE;
	s->vh_room = rows / VH_SHARE;
	return value_hash_rows(s, 0, err);
}

int aud_store_findings_coming(aud_store *s, uint64_t n, aud_err *err)
{
	if (!s)
		return aud_err_set(err, AUD_EUSAGE, "store not open");
	if (!n)
		return 0;
	if (tx_begin(s, err) || value_hash_rows(s, n, err))
		return AUD_ESTORE;
	return tx_commit(s, err);
}

int aud_store_run_begin(aud_store *s, const aud_run_meta *m, int64_t *run_id,
			aud_err *err)
{
	static const aud_run_meta none;
	sqlite3_stmt *st;
	int b;

	if (!s || !run_id)
		return aud_err_set(err, AUD_EUSAGE, "store not open");
	if (!m)
		m = &none;
	if (tx_begin(s, err))
		return AUD_ESTORE;
	if (exec(s, drop_run_entity, err, "cannot drop an index") ||
	    exec(s, RUN_FILE_INDEX, err, "cannot index findings") ||
	    value_hash_room(s, err))
		return AUD_ESTORE;
	st = s->st[S_RUN_INS];
	b = bind_str(st, 1, m->tool_version);
	b |= bind_str(st, 2, m->options_json);
	b |= bind_str(st, 3, m->patterns_sha256);
	b |= bind_str(st, 4, m->key_fingerprint);
	b |= bind_str(st, 5, m->key_source);
	b |= bind_str(st, 6, m->allowlist_sha256);
	if (b != SQLITE_OK) {
		sqlite3_clear_bindings(st);
		return fail(s, err, "cannot insert run");
	}
	if (run(s, st, err, "cannot insert run"))
		return AUD_ESTORE;
	*run_id = sqlite3_last_insert_rowid(s->db);
	return tx_commit(s, err);
}

int aud_store_run_end(aud_store *s, int64_t run_id, const char *status,
		      aud_err *err)
{
	sqlite3_stmt *st;
	int b;

	if (!s || !status)
		return aud_err_set(err, AUD_EUSAGE, "store not open");
	if (tx_begin(s, err))
		return AUD_ESTORE;
	st = s->st[S_RUN_END];
	b = sqlite3_bind_int64(st, 1, run_id);
	b |= bind_str(st, 2, status);
	if (b != SQLITE_OK) {
		sqlite3_clear_bindings(st);
		return fail(s, err, "cannot end run");
	}
	if (run(s, st, err, "cannot end run"))
		return AUD_ESTORE;
	if (sqlite3_changes(s->db) == 0) {
		aud_err_place(err, AUD_NOPOS, AUD_NOPOS, AUD_NOPOS);
		return aud_err_set(err, AUD_ESTORE,
				   "%s: cannot end run %lld: no such run",
				   s->path, (long long)run_id);
	}
	if (exec(s, findings_indexes, err, "cannot index findings"))
		return AUD_ESTORE;
	return tx_commit(s, err);
}

int aud_store_file_begin(aud_store *s, int64_t run_id, const char *path,
			 int64_t *file_id, aud_err *err)
{
	sqlite3_stmt *st;
	int b;

	if (!s || !path || !file_id)
		return aud_err_set(err, AUD_EUSAGE, "store not open");
	if (tx_begin(s, err))
		return AUD_ESTORE;
	st = s->st[S_FILE_INS];
	b = sqlite3_bind_int64(st, 1, run_id);
	b |= bind_str(st, 2, path);
	if (b != SQLITE_OK) {
		sqlite3_clear_bindings(st);
		return fail(s, err, "cannot insert file");
	}
	if (run(s, st, err, "cannot insert file"))
		return AUD_ESTORE;
	*file_id = sqlite3_last_insert_rowid(s->db);
	counter_drop(s, *file_id);
	counter_add(s, *file_id, 0);
	return 0;
}

int aud_store_file_end(aud_store *s, int64_t file_id, const aud_file_result *r,
		       aud_err *err)
{
	sqlite3_stmt *st;
	int b;

	if (!s || !r)
		return aud_err_set(err, AUD_EUSAGE, "store not open");
	if (tx_begin(s, err))
		return AUD_ESTORE;
	st = s->st[S_FILE_END];
	b = sqlite3_bind_int64(st, 1, file_id);
	b |= r->size_bytes < 0 ? sqlite3_bind_null(st, 2)
			       : sqlite3_bind_int64(st, 2, r->size_bytes);
	b |= bind_str(st, 3, r->sha256);
	b |= bind_str(st, 4, r->compression);
	b |= bind_str(st, 5, r->format);
	b |= bind_count(st, 6, r->records);
	b |= bind_count(st, 7, r->bytes_decoded);
	b |= bind_count(st, 8, r->problems);
	b |= bind_str(st, 9, r->status);
	b |= bind_str(st, 10, r->error);
	b |= bind_pos(st, 11, r->error_record);
	b |= bind_pos(st, 12, r->error_line);
	b |= bind_pos(st, 13, r->error_offset);
	if (b != SQLITE_OK) {
		sqlite3_clear_bindings(st);
		return fail(s, err, "cannot finish file");
	}
	if (run(s, st, err, "cannot finish file"))
		return AUD_ESTORE;
	if (sqlite3_changes(s->db) == 0) {
		aud_err_place(err, AUD_NOPOS, AUD_NOPOS, AUD_NOPOS);
		return aud_err_set(err, AUD_ESTORE,
				   "%s: cannot finish file %lld: no such file",
				   s->path, (long long)file_id);
	}
	counter_drop(s, file_id);
	return tx_commit(s, err);
}

/* Runs an insert whose parameters are bound (b: the OR of the bind
 * results) in the open transaction, and counts it toward the batch. */
static int insert_row(aud_store *s, sqlite3_stmt *st, int b, aud_err *err,
		      const char *doing)
{
	if (b != SQLITE_OK) {
		sqlite3_clear_bindings(st);
		return fail(s, err, doing);
	}
	if (run(s, st, err, doing))
		return AUD_ESTORE;
	return tx_row(s, err);
}

/* Binds the 11 columns of finding f after run and file to the
 * parameters after base; returns the OR of the bind results. */
static int bind_finding_cols(sqlite3_stmt *st, int base,
			     const aud_finding_row *f)
{
	int b;

	b = bind_pos(st, base + 1, f->record);
	b |= bind_pos(st, base + 2, f->line);
	b |= f->field
		 ? sqlite3_bind_text64(st, base + 3, f->field, f->field_len,
				       SQLITE_STATIC, SQLITE_UTF8)
		 : sqlite3_bind_null(st, base + 3);
	b |= bind_pos(st, base + 4, f->byte_offset);
	b |= bind_pos(st, base + 5, f->length);
	b |= bind_str(st, base + 6, f->entity);
	b |= bind_str(st, base + 7, f->pattern_id);
	b |= bind_str(st, base + 8, f->evidence);
	b |= sqlite3_bind_double(st, base + 9, f->confidence);
	b |= bind_str(st, base + 10, f->masked);
	b |= bind_str(st, base + 11, f->value_hash);
	return b;
}

/* Binds finding f to ?1..?13 of the one-row insert. */
static int bind_finding(sqlite3_stmt *st, const aud_finding_row *f)
{
	int b;

	b = sqlite3_bind_int64(st, 1, f->run_id);
	b |= sqlite3_bind_int64(st, 2, f->file_id);
	return b | bind_finding_cols(st, 2, f);
}

/* How many rows from f[0] on (at most n) share f[0]'s run and file. */
static size_t same_file(const aud_finding_row *f, size_t n)
{
	size_t k;

	for (k = 1; k < n; k++)
		if (f[k].run_id != f[0].run_id || f[k].file_id != f[0].file_id)
			break;
	return k;
}

int aud_store_finding_add(aud_store *s, const aud_finding_row *f, aud_err *err)
{
	return aud_store_findings_add(s, f, 1, err);
}

/*
 * Whole statements of FINDINGS_PER_STMT rows of one file while the batch
 * has room for them, so the commits fall on the same rows as with one row
 * a statement; the rest one by one. The whole-statement insert binds every
 * parameter each time, so its bindings are not cleared after a run (a
 * tenth of its cost went there).
 */
int aud_store_findings_add(aud_store *s, const aud_finding_row *f, size_t n,
			   aud_err *err)
{
	sqlite3_stmt *st;
	size_t i = 0, k;
	int b, rc;

	if (!s || (n && !f))
		return aud_err_set(err, AUD_EUSAGE, "store not open");
	if (n && (tx_begin(s, err) || value_hash_rows(s, n, err)))
		return AUD_ESTORE;
	while (i < n) {
		if (tx_begin(s, err))
			return AUD_ESTORE;
		if (n - i >= FINDINGS_PER_STMT &&
		    s->pending + FINDINGS_PER_STMT <= BATCH_ROWS &&
		    same_file(f + i, FINDINGS_PER_STMT) == FINDINGS_PER_STMT) {
			st = s->st[S_FINDINGS_INS];
			b = sqlite3_bind_int64(st, 1, f[i].run_id);
			b |= sqlite3_bind_int64(st, 2, f[i].file_id);
			for (k = 0; k < FINDINGS_PER_STMT; k++)
				b |= bind_finding_cols(
				    st, 2 + (int)k * FINDING_COLS, &f[i + k]);
			if (b != SQLITE_OK) {
				sqlite3_clear_bindings(st);
				return fail(s, err, "cannot insert finding");
			}
			rc = sqlite3_step(st);
			if (rc != SQLITE_DONE) {
				fail(s, err, "cannot insert finding");
				sqlite3_reset(st);
				return AUD_ESTORE;
			}
			sqlite3_reset(st);
			i += FINDINGS_PER_STMT;
			s->pending += FINDINGS_PER_STMT - 1;
			if (tx_row(s, err))
				return AUD_ESTORE;
			continue;
		}
		st = s->st[S_FINDING_INS];
		if (insert_row(s, st, bind_finding(st, &f[i]), err,
			       "cannot insert finding"))
			return AUD_ESTORE;
		i++;
	}
	return 0;
}

int aud_store_problem_add(aud_store *s, int64_t run_id, int64_t file_id,
			  const char *kind, const aud_err *problem,
			  aud_err *err)
{
	struct counter *c;
	sqlite3_stmt *st;
	int b;

	if (!s)
		return aud_err_set(err, AUD_EUSAGE, "store not open");
	if (tx_begin(s, err))
		return AUD_ESTORE;
	c = counter_find(s, file_id);
	if (!c) {
		/* Not begun here (or evicted): the database knows. */
		st = s->st[S_PROBLEM_COUNT];
		sqlite3_bind_int64(st, 1, file_id);
		if (sqlite3_step(st) != SQLITE_ROW) {
			fail(s, err, "cannot count problems");
			sqlite3_reset(st);
			return AUD_ESTORE;
		}
		c = counter_add(s, file_id, sqlite3_column_int64(st, 0));
		sqlite3_reset(st);
	}
	if (c->stored >= PROBLEMS_PER_FILE)
		return 0; /* counted by the caller in files.problems */
	st = s->st[S_PROBLEM_INS];
	b = sqlite3_bind_int64(st, 1, run_id);
	b |= sqlite3_bind_int64(st, 2, file_id);
	if (problem) {
		b |= bind_pos(st, 3, problem->record);
		b |= bind_pos(st, 4, problem->line);
		b |= bind_pos(st, 5, problem->offset);
		b |= bind_str(st, 7, problem->msg);
	}
	b |= bind_str(st, 6, kind);
	if (b != SQLITE_OK) {
		sqlite3_clear_bindings(st);
		return fail(s, err, "cannot insert problem");
	}
	if (run(s, st, err, "cannot insert problem"))
		return AUD_ESTORE;
	c->stored++;
	return tx_row(s, err);
}

int aud_store_commit(aud_store *s, aud_err *err)
{
	if (!s)
		return aud_err_set(err, AUD_EUSAGE, "store not open");
	return tx_commit(s, err);
}

int aud_store_latest_run(aud_store *s, int64_t *out, aud_err *err)
{
	sqlite3_stmt *st;

	if (!s || !out)
		return aud_err_set(err, AUD_EUSAGE, "store not open");
	st = s->st[S_LATEST];
	if (sqlite3_step(st) != SQLITE_ROW) {
		fail(s, err, "cannot read runs");
		sqlite3_reset(st);
		return AUD_ESTORE;
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

struct sqlite3 *aud_store_db(aud_store *s) { return s ? s->db : NULL; }

/*
 * If the caller still holds statements of its own on the handle (from
 * aud_store_db), sqlite3_close says SQLITE_BUSY; sqlite3_close_v2 then
 * lets the connection go as soon as the last of them is finalized, rather
 * than leaking it or finalizing statements that are not ours.
 */
void aud_store_close(aud_store *s)
{
	int i;

	if (!s)
		return;
	if (s->db) {
		if (s->st[S_COMMIT])
			tx_commit(s, NULL);
		else if (!sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		for (i = 0; i < S_COUNT; i++)
			sqlite3_finalize(s->st[i]);
		if (sqlite3_close(s->db) == SQLITE_BUSY)
			sqlite3_close_v2(s->db);
	}
	free(s->path);
	free(s);
}


int aud_store_field_add(aud_store *s, const aud_field_row *f, aud_err *err)
{
	sqlite3_stmt *st;
	int b;

	if (!s || !f)
		return aud_err_set(err, AUD_EUSAGE, "store not open");
	if (tx_begin(s, err))
		return AUD_ESTORE;
	st = s->st[S_FIELD_INS];
	b = sqlite3_bind_int64(st, 1, f->run_id);
	b |= sqlite3_bind_int64(st, 2, f->file_id);
	b |= bind_str(st, 3, f->field);
	b |= bind_count(st, 4, f->values_seen);
	b |= bind_count(st, 5, f->values_non_empty);
	b |= bind_count(st, 6, f->values_with_findings);
	b |= bind_str(st, 7, f->name_class);
	b |= bind_str(st, 8, f->top_entity);
	b |= f->top_entity ? bind_count(st, 9, f->top_entity_values)
			   : sqlite3_bind_null(st, 9);
	b |= bind_str(st, 10, f->verdict);
	b |= bind_str(st, 11, f->reason && *f->reason ? f->reason : NULL);
	return insert_row(s, st, b, err, "cannot insert field");
}

/* field_entities and markers rows: (run, file, field, name, count). */
static int insert_field_count(aud_store *s, int which, int64_t run_id,
			      int64_t file_id, const char *field,
			      const char *name, uint64_t count, aud_err *err,
			      const char *doing)
{
	sqlite3_stmt *st;
	int b;

	if (!s)
		return aud_err_set(err, AUD_EUSAGE, "store not open");
	if (tx_begin(s, err))
		return AUD_ESTORE;
	st = s->st[which];
	b = sqlite3_bind_int64(st, 1, run_id);
	b |= sqlite3_bind_int64(st, 2, file_id);
	b |= bind_str(st, 3, field);
	b |= bind_str(st, 4, name);
	b |= bind_count(st, 5, count);
	return insert_row(s, st, b, err, doing);
}

int aud_store_field_entity_add(aud_store *s, int64_t run_id, int64_t file_id,
			       const char *field, const char *entity,
			       uint64_t values, aud_err *err)
{
	return insert_field_count(s, S_FENT_INS, run_id, file_id, field,
				  entity, values, err,
				  "cannot insert field entity");
}

int aud_store_marker_add(aud_store *s, int64_t run_id, int64_t file_id,
			 const char *field, const char *marker,
			 uint64_t count, aud_err *err)
{
	return insert_field_count(s, S_MARKER_INS, run_id, file_id, field,
				  marker, count, err, "cannot insert marker");
}

int aud_store_suppressed_add(aud_store *s, int64_t run_id, int64_t file_id,
			     const char *entity, uint64_t count, aud_err *err)
{
	sqlite3_stmt *st;
	int b;

	if (!s)
		return aud_err_set(err, AUD_EUSAGE, "store not open");
	if (tx_begin(s, err))
		return AUD_ESTORE;
	st = s->st[S_SUPP_INS];
	b = sqlite3_bind_int64(st, 1, run_id);
	b |= sqlite3_bind_int64(st, 2, file_id);
	b |= bind_str(st, 3, entity);
	b |= bind_count(st, 4, count);
	return insert_row(s, st, b, err, "cannot count suppressed findings");
}

/* Prepares a one-off statement inside the open transaction (opening one
 * if needed). Returns 0, or AUD_EUSAGE / AUD_ESTORE with err filled. */
static int prepare_once(aud_store *s, const char *sql, sqlite3_stmt **st,
			aud_err *err, const char *doing)
{
	if (!s)
		return aud_err_set(err, AUD_EUSAGE, "store not open");
	if (tx_begin(s, err))
		return AUD_ESTORE;
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return fail(s, err, doing);
	return AUD_OK;
}

int aud_store_group_counts_add(aud_store *s, int64_t run_id, int64_t file_id,
			       const char *attribute,
			       const aud_group_counts *g, aud_err *err)
{
	static const char sql[] =
		"INSERT INTO group_counts (run_id, file_id, attribute,"
		" group_value, n, n_outcome, pos, n_pred, pred_pos, tp, fp, tn,"
		" fn) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
		" ?13)";
	sqlite3_stmt *st = NULL;
	int b, rc;

	if ((rc = prepare_once(s, sql, &st, err,
				"cannot insert group counts")))
		return rc;
	b = sqlite3_bind_int64(st, 1, run_id);
	b |= sqlite3_bind_int64(st, 2, file_id);
	b |= bind_str(st, 3, attribute);
	b |= bind_str(st, 4, g->value);
	b |= bind_count(st, 5, g->n);
	b |= bind_count(st, 6, g->n_outcome);
	b |= bind_count(st, 7, g->pos);
	b |= bind_count(st, 8, g->n_pred);
	b |= bind_count(st, 9, g->pred_pos);
	b |= bind_count(st, 10, g->tp);
	b |= bind_count(st, 11, g->fp);
	b |= bind_count(st, 12, g->tn);
	b |= bind_count(st, 13, g->fn);
	rc = insert_row(s, st, b, err, "cannot insert group counts");
	sqlite3_finalize(st);
	return rc;
}

/* Binds a metric, NaN (undefined) as NULL. */
static int bind_metric(sqlite3_stmt *st, int i, double v)
{
	return v == v ? sqlite3_bind_double(st, i, v) : sqlite3_bind_null(st, i);
}

int aud_store_group_metrics_add(aud_store *s, int64_t run_id,
				const char *attribute,
				const aud_group_counts *g,
				const aud_group_metrics *m, const char *flag,
				aud_err *err)
{
	static const char sql[] =
		"INSERT INTO group_metrics (run_id, attribute, group_value, n,"
		" n_outcome, missing_outcome, share, base_rate, selection_rate,"
		" ci_low, ci_high, impact_ratio, impact_ratio_ref, spd_ref,"
		" p_value, test, tpr, fpr, fnr, ppv, npv, eligible,"
		" is_reference, small, flag) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
		" ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
		" ?19, ?20, ?21, ?22, ?23, ?24, ?25)";
	sqlite3_stmt *st = NULL;
	int b, rc;

	if ((rc = prepare_once(s, sql, &st, err,
				"cannot insert group metrics")))
		return rc;
	b = sqlite3_bind_int64(st, 1, run_id);
	b |= bind_str(st, 2, attribute);
	b |= bind_str(st, 3, g->value);
	b |= bind_count(st, 4, g->n);
	b |= bind_count(st, 5, g->n_outcome);
	b |= bind_count(st, 6, g->n - g->n_outcome);
	b |= bind_metric(st, 7, m->share);
	b |= bind_metric(st, 8, m->base_rate);
	b |= bind_metric(st, 9, m->selection_rate);
	b |= bind_metric(st, 10, m->ci_low);
	b |= bind_metric(st, 11, m->ci_high);
	b |= bind_metric(st, 12, m->impact_ratio);
	b |= bind_metric(st, 13, m->impact_ratio_ref);
	b |= bind_metric(st, 14, m->spd_ref);
	b |= bind_metric(st, 15, m->p_value);
	b |= bind_str(st, 16, m->test);
	b |= bind_metric(st, 17, m->tpr);
	b |= bind_metric(st, 18, m->fpr);
	b |= bind_metric(st, 19, m->fnr);
	b |= bind_metric(st, 20, m->ppv);
	b |= bind_metric(st, 21, m->npv);
	b |= sqlite3_bind_int(st, 22, m->eligible);
	b |= sqlite3_bind_int(st, 23, m->is_reference);
	b |= sqlite3_bind_int(st, 24, m->small);
	b |= bind_str(st, 25, flag);
	rc = insert_row(s, st, b, err, "cannot insert group metrics");
	sqlite3_finalize(st);
	return rc;
}

int aud_store_attribute_metrics_add(aud_store *s, int64_t run_id,
				    const char *attribute, size_t groups,
				    const char *reference,
				    const char *most_selected,
				    int has_predictions,
				    uint64_t missing_outcome,
				    const aud_attribute_metrics *m,
				    aud_err *err)
{
	static const char sql[] =
		"INSERT INTO attribute_metrics (run_id, attribute, groups,"
		" reference_group, most_selected_group, has_predictions,"
		" missing_outcome, chi2, chi2_dof, chi2_p, dp_difference,"
		" dp_ratio, eo_difference, eo_ratio, eq_opportunity_difference,"
		" average_odds_difference) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
		" ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
	sqlite3_stmt *st = NULL;
	int b, rc;

	if ((rc = prepare_once(s, sql, &st, err,
				"cannot insert attribute metrics")))
		return rc;
	b = sqlite3_bind_int64(st, 1, run_id);
	b |= bind_str(st, 2, attribute);
	b |= bind_count(st, 3, groups);
	b |= bind_str(st, 4, reference);
	b |= bind_str(st, 5, most_selected);
	b |= sqlite3_bind_int(st, 6, has_predictions);
	b |= bind_count(st, 7, missing_outcome);
	b |= bind_metric(st, 8, m->chi2);
	b |= bind_metric(st, 9, m->chi2_dof);
	b |= bind_metric(st, 10, m->chi2_p);
	b |= bind_metric(st, 11, m->dp_difference);
	b |= bind_metric(st, 12, m->dp_ratio);
	b |= bind_metric(st, 13, m->eo_difference);
	b |= bind_metric(st, 14, m->eo_ratio);
	b |= bind_metric(st, 15, m->eq_opportunity_difference);
	b |= bind_metric(st, 16, m->average_odds_difference);
	rc = insert_row(s, st, b, err, "cannot insert attribute metrics");
	sqlite3_finalize(st);
	return rc;
}

int aud_store_group_score_add(aud_store *s, int64_t run_id, int64_t file_id,
			      const char *attribute, const char *group,
			      double score, uint64_t count, aud_err *err)
{
	sqlite3_stmt *st;
	int b;

	if (!s)
		return aud_err_set(err, AUD_EUSAGE, "store not open");
	if (tx_begin(s, err))
		return AUD_ESTORE;
	st = s->st[S_SCORE_INS];
	b = sqlite3_bind_int64(st, 1, run_id);
	b |= sqlite3_bind_int64(st, 2, file_id);
	b |= bind_str(st, 3, attribute);
	b |= bind_str(st, 4, group);
	b |= sqlite3_bind_double(st, 5, score);
	b |= bind_count(st, 6, count);
	return insert_row(s, st, b, err, "cannot insert group score");
}

/* Runs a one-off UPDATE in the open transaction: ?1 run, ?2 attribute,
 * ?3 group, ?4 scored, ?5 and ?6 metrics (the statement may leave out ?3
 * and ?6). */
static int update(aud_store *s, const char *sql, int64_t run_id,
		  const char *a, const char *b, uint64_t scored, double x,
		  double y, aud_err *err)
{
	sqlite3_stmt *st = NULL;
	int bd, rc;

	if ((rc = prepare_once(s, sql, &st, err,
				"cannot store scoring rates")))
		return rc;
	bd = sqlite3_bind_int64(st, 1, run_id);
	bd |= bind_str(st, 2, a);
	bd |= bind_str(st, 3, b);
	bd |= bind_count(st, 4, scored);
	bd |= bind_metric(st, 5, x);
	if (sqlite3_bind_parameter_count(st) >= 6)
		bd |= bind_metric(st, 6, y);
	rc = insert_row(s, st, bd, err, "cannot store scoring rates");
	sqlite3_finalize(st);
	return rc;
}

int aud_store_group_scoring_set(aud_store *s, int64_t run_id,
				const char *attribute, const char *group,
				uint64_t scored, double rate, double ratio,
				aud_err *err)
{
	return update(s,
		      "UPDATE group_metrics SET scored = ?4, scoring_rate = ?5,"
		      " scoring_impact_ratio = ?6 WHERE run_id = ?1 AND"
		      " attribute = ?2 AND group_value = ?3",
		      run_id, attribute, group, scored, rate, ratio, err);
}

int aud_store_attribute_scoring_set(aud_store *s, int64_t run_id,
				    const char *attribute, uint64_t scored,
				    double median, aud_err *err)
{
	return update(s,
		      "UPDATE attribute_metrics SET scored = ?4,"
		      " score_median = ?5 WHERE run_id = ?1 AND attribute = ?2",
		      run_id, attribute, NULL, scored, median, NAN, err);
}

int aud_store_group_expected_set(aud_store *s, int64_t run_id,
				 const char *attribute, const char *group,
				 double expected, double ratio, aud_err *err)
{
	return update(s,
		      "UPDATE group_metrics SET expected_share = ?5,"
		      " representation_ratio = ?6 WHERE run_id = ?1 AND"
		      " attribute = ?2 AND group_value = ?3",
		      run_id, attribute, group, 0, expected, ratio, err);
}

int aud_store_attribute_gof_set(aud_store *s, int64_t run_id,
				const char *attribute, uint64_t dof,
				double chi2, double p, aud_err *err)
{
	return update(s,
		      "UPDATE attribute_metrics SET gof_dof = ?4, gof_chi2 = ?5,"
		      " gof_p = ?6 WHERE run_id = ?1 AND attribute = ?2",
		      run_id, attribute, NULL, dof, chi2, p, err);
}

/* ---- baselines ------------------------------------------------------ */

/* aud_fold_field(path): JSON array indices folded, messages[3].content ->
 * messages[].content, so a baseline survives reshuffled records. */
static void fold_field(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *in = sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]), i, k = 0;
	char *out;

	(void)argc;
	if (!in) {
		sqlite3_result_null(ctx);
		return;
	}
	out = sqlite3_malloc(n + 1);
	if (!out) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	for (i = 0; i < n; i++) {
		out[k++] = (char)in[i];
		if (in[i] == '[')
			while (i + 1 < n && in[i + 1] >= '0' && in[i + 1] <= '9')
				i++;
	}
	sqlite3_result_text(ctx, out, k, sqlite3_free);
}

static int baseline_prepare(aud_store *s, aud_err *err)
{
	if (sqlite3_create_function(s->db, "aud_fold_field", 1,
				    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
				    fold_field, NULL, NULL) != SQLITE_OK)
		return fail(s, err, "cannot register aud_fold_field");
	return AUD_OK;
}

int aud_store_baseline_write(FILE *out, aud_store *s, int64_t run_id,
			     aud_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = baseline_prepare(s, err)))
		return rc;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT hash_key_fingerprint FROM runs WHERE "
			       "run_id = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(s, err, "cannot write baseline");
	sqlite3_bind_int64(st, 1, run_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return aud_err_set(err, AUD_EUSAGE, "no run %" PRId64, run_id);
	}
	fprintf(out,
		"# auditor baseline v1: known findings as entity, field and "
		"keyed value hash\n# key-fingerprint %s\n",
		sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0)
					   : "-");
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(s->db,
			       "SELECT DISTINCT entity, aud_fold_field(field), "
			       "value_hash FROM findings WHERE run_id = ?1 AND "
			       "evidence <> 'placeholder' AND value_hash IS NOT "
			       "NULL ORDER BY 1, 2, 3",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(s, err, "cannot write baseline");
	sqlite3_bind_int64(st, 1, run_id);
	while (sqlite3_step(st) == SQLITE_ROW)
		fprintf(out, "%s\t%s\t%s\n", sqlite3_column_text(st, 0),
			sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "",
			sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
	return AUD_OK;
}

int aud_store_baseline_load(aud_store *s, const char *path,
			    const char *key_fingerprint, uint64_t *entries,
			    aud_err *err)
{
	FILE *f = fopen(path, "rb");
	sqlite3_stmt *st = NULL;
	char line[1024];
	unsigned lineno = 0;
	int rc = AUD_OK, seen_key = 0;

	*entries = 0;
	if (!f)
		return aud_err_set(err, AUD_EUSAGE, "%s: cannot open: %s", path,
				   strerror(errno));
	if ((rc = baseline_prepare(s, err)))
		goto done;
	if (sqlite3_exec(s->db,
			 "CREATE TEMP TABLE IF NOT EXISTS auditor_baseline ("
			 " entity TEXT, field TEXT, value_hash TEXT,"
			 " PRIMARY KEY (entity, field, value_hash))",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db,
			       "INSERT OR IGNORE INTO temp.auditor_baseline "
			       "VALUES (?1, ?2, ?3)",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = fail(s, err, "cannot load baseline");
		goto done;
	}
	while (fgets(line, sizeof line, f)) {
		char *t1, *t2, *nl;

		lineno++;
		if ((nl = strchr(line, '\n')))
			*nl = '\0';
		if (strncmp(line, "# key-fingerprint ", 18) == 0) {
			seen_key = 1;
			if (key_fingerprint &&
			    strcmp(line + 18, key_fingerprint) != 0) {
				rc = aud_err_set(err, AUD_EUSAGE,
						 "%s: made with another hash key "
						 "(fingerprint %s, this run %s): "
						 "its hashes cannot match",
						 path, line + 18, key_fingerprint);
				goto done;
			}
			continue;
		}
		if (line[0] == '#' || line[0] == '\0')
			continue;
		t1 = strchr(line, '\t');
		t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t2 || strchr(t2 + 1, '\t')) {
			rc = aud_err_set(err, AUD_EUSAGE,
					 "%s:%u: expected ENTITY<tab>FIELD<tab>"
					 "HASH",
					 path, lineno);
			goto done;
		}
		*t1 = *t2 = '\0';
		sqlite3_bind_text(st, 1, line, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, t1 + 1, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, t2 + 1, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = fail(s, err, "cannot load baseline");
			goto done;
		}
		sqlite3_reset(st);
		(*entries)++;
	}
	if (!seen_key)
		rc = aud_err_set(err, AUD_EUSAGE,
				 "%s: not an auditor baseline (no "
				 "key-fingerprint line)",
				 path);
	else
		s->baseline = 1;
done:
	sqlite3_finalize(st);
	fclose(f);
	return rc;
}

int aud_store_has_baseline(const aud_store *s)
{
	return s && s->baseline;
}

/* ---- resuming a run ------------------------------------------------- */

int aud_store_run_resume(aud_store *s, int64_t *run_id, char fingerprint[17],
			 char patterns_sha[65], aud_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = AUD_OK;

	*run_id = 0;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT run_id, hash_key_fingerprint, "
			       "patterns_sha256, status FROM runs ORDER BY "
			       "run_id DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(s, err, "cannot read runs");
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return aud_err_set(err, AUD_EUSAGE,
				   "%s: no run to resume", s->path);
	}
	*run_id = sqlite3_column_int64(st, 0);
	snprintf(fingerprint, 17, "%s",
		 sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
	snprintf(patterns_sha, 65, "%s",
		 sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "");
	if (strcmp((const char *)sqlite3_column_text(st, 3), "running") &&
	    strcmp((const char *)sqlite3_column_text(st, 3), "interrupted"))
		rc = aud_err_set(err, AUD_EUSAGE,
				 "%s: the last run (%lld) is %s: nothing to "
				 "resume",
				 s->path, (long long)*run_id,
				 sqlite3_column_text(st, 3));
	sqlite3_finalize(st);
	if (rc)
		return rc;
	if (tx_begin(s, err))
		return AUD_ESTORE;
	if (sqlite3_prepare_v2(s->db,
			       "UPDATE runs SET status = 'running', "
			       "finished_at = NULL WHERE run_id = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(s, err, "cannot resume run");
	sqlite3_bind_int64(st, 1, *run_id);
	rc = sqlite3_step(st) == SQLITE_DONE ? AUD_OK
					     : fail(s, err, "cannot resume run");
	sqlite3_finalize(st);
	if (!rc)
		rc = value_hash_room(s, err);
	return rc ? rc : tx_commit(s, err);
}

int aud_store_file_done(aud_store *s, int64_t run_id, const char *path,
			char sha256[65], int *warning)
{
	sqlite3_stmt *st = NULL;
	int found = 0;

	sha256[0] = '\0';
	*warning = 0;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT sha256, status = 'warning', records "
			       "FROM files WHERE run_id = ?1 AND "
			       "path = ?2 AND status IN ('ok', 'warning') AND "
			       "sha256 IS NOT NULL ORDER BY file_id DESC "
			       "LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(sha256, 65, "%s", sqlite3_column_text(st, 0));
		*warning = sqlite3_column_int(st, 1);
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

int aud_store_file_forget(aud_store *s, int64_t run_id, const char *path,
			  aud_err *err)
{
	/* Every row that hangs off an unfinished attempt of this input. */
	static const char *const sql[] = {
		"DELETE FROM findings WHERE file_id IN (SELECT file_id FROM "
		"files WHERE run_id = ?1 AND path = ?2)",
		"DELETE FROM problems WHERE file_id IN (SELECT file_id FROM "
		"files WHERE run_id = ?1 AND path = ?2)",
		"DELETE FROM fields WHERE file_id IN (SELECT file_id FROM "
		"files WHERE run_id = ?1 AND path = ?2)",
		"DELETE FROM field_entities WHERE file_id IN (SELECT file_id "
		"FROM files WHERE run_id = ?1 AND path = ?2)",
		"DELETE FROM markers WHERE file_id IN (SELECT file_id FROM "
		"files WHERE run_id = ?1 AND path = ?2)",
		"DELETE FROM group_counts WHERE file_id IN (SELECT file_id FROM "
		"files WHERE run_id = ?1 AND path = ?2)",
		"DELETE FROM group_scores WHERE file_id IN (SELECT file_id FROM "
		"files WHERE run_id = ?1 AND path = ?2)",
		"DELETE FROM suppressed_by_file WHERE file_id IN (SELECT "
		"file_id FROM files WHERE run_id = ?1 AND path = ?2)",
		"DELETE FROM files WHERE run_id = ?1 AND path = ?2",
	};
	sqlite3_stmt *st = NULL;
	size_t i;

	if (tx_begin(s, err))
		return AUD_ESTORE;
	for (i = 0; i < sizeof sql / sizeof *sql; i++) {
		if (sqlite3_prepare_v2(s->db, sql[i], -1, &st, NULL) !=
		    SQLITE_OK)
			return fail(s, err, "cannot forget an unfinished input");
		sqlite3_bind_int64(st, 1, run_id);
		sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return fail(s, err, "cannot forget an unfinished input");
		}
		sqlite3_finalize(st);
	}
	s->nctr = 0; /* cached problem counts: reread from the database */
	return tx_commit(s, err);
}

/* ---- overlap (auditor overlap) -------------------------------------- */

int aud_store_overlap_prepare(aud_store *s, aud_err *err)
{
	if (!s)
		return aud_err_set(err, AUD_EUSAGE, "store not open");
	if (tx_begin(s, err))
		return AUD_ESTORE;
	return exec(s, SCHEMA_OVERLAP, err, "cannot create overlap tables");
}

int aud_store_overlap_input_add(aud_store *s, int64_t run_id,
				int64_t file_id, const char *split,
				aud_err *err)
{
	static const char sql[] = "INSERT INTO overlap_inputs (file_id,"
				  " run_id, split) VALUES (?1, ?2, ?3)";
	sqlite3_stmt *st = NULL;
	int b, rc;

	if ((rc = prepare_once(s, sql, &st, err, "cannot insert input")))
		return rc;
	b = sqlite3_bind_int64(st, 1, file_id);
	b |= sqlite3_bind_int64(st, 2, run_id);
	b |= bind_str(st, 3, split);
	rc = insert_row(s, st, b, err, "cannot insert input");
	sqlite3_finalize(st);
	return rc;
}

/* Binds a file id, 0 (unknown) as NULL. */
static int bind_file(sqlite3_stmt *st, int i, int64_t file_id)
{
	return file_id > 0 ? sqlite3_bind_int64(st, i, file_id)
			   : sqlite3_bind_null(st, i);
}

int aud_store_overlap_match_add(aud_store *s, const aud_overlap_match_row *m,
				aud_err *err)
{
	static const char sql[] =
		"INSERT INTO overlap_matches (run_id, kind, file_id, record,"
		" line, byte_offset, first_file_id, first_record, first_line,"
		" first_byte_offset, key_hash, masked, jaccard) VALUES (?1,"
		" ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
	sqlite3_stmt *st = NULL;
	int b, rc;

	if ((rc = prepare_once(s, sql, &st, err, "cannot insert match")))
		return rc;
	b = sqlite3_bind_int64(st, 1, m->run_id);
	b |= bind_str(st, 2, m->kind);
	b |= sqlite3_bind_int64(st, 3, m->file_id);
	b |= bind_pos(st, 4, m->record);
	b |= bind_pos(st, 5, m->line);
	b |= bind_pos(st, 6, m->byte_offset);
	b |= bind_file(st, 7, m->first_file_id);
	b |= bind_pos(st, 8, m->first_record);
	b |= bind_pos(st, 9, m->first_line);
	b |= bind_pos(st, 10, m->first_byte_offset);
	b |= bind_str(st, 11, m->key_hash);
	b |= bind_str(st, 12, m->masked);
	b |= bind_metric(st, 13, m->jaccard);
	rc = insert_row(s, st, b, err, "cannot insert match");
	sqlite3_finalize(st);
	return rc;
}

/* A share, NULL when its denominator is 0. */
static int bind_share(sqlite3_stmt *st, int i, uint64_t k, uint64_t n)
{
	return n ? sqlite3_bind_double(st, i, (double)k / (double)n)
		 : sqlite3_bind_null(st, i);
}

int aud_store_overlap_run_add(aud_store *s, const aud_overlap_run_row *r,
			      aud_err *err)
{
	static const char sql[] =
		"INSERT INTO overlap_runs (run_id, key, near, jaccard, bands,"
		" rows, train_files, test_files, train_records, test_records,"
		" train_keyless, test_keyless, train_distinct, test_distinct,"
		" test_in_train, test_in_train_share, train_duplicates,"
		" train_duplicate_share, test_duplicates, test_duplicate_share,"
		" near_test_records, near_share, near_capped,"
		" leaked_test_records, leaked_share, max_locations,"
		" memory_bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
		" ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,"
		" ?22, ?23, ?24, ?25, ?26, ?27)";
	sqlite3_stmt *st = NULL;
	int b, rc;

	if ((rc = prepare_once(s, sql, &st, err, "cannot insert overlap")))
		return rc;
	b = sqlite3_bind_int64(st, 1, r->run_id);
	b |= bind_str(st, 2, r->key);
	b |= sqlite3_bind_int(st, 3, r->near);
	if (r->near) {
		b |= sqlite3_bind_double(st, 4, r->jaccard);
		b |= sqlite3_bind_int(st, 5, (int)r->bands);
		b |= sqlite3_bind_int(st, 6, (int)r->rows);
		b |= bind_count(st, 21, r->near_test_records);
		b |= bind_share(st, 22, r->near_test_records, r->test_records);
		b |= bind_count(st, 23, r->near_capped);
	}
	b |= bind_count(st, 7, r->train_files);
	b |= bind_count(st, 8, r->test_files);
	b |= bind_count(st, 9, r->train_records);
	b |= bind_count(st, 10, r->test_records);
	b |= bind_count(st, 11, r->train_keyless);
	b |= bind_count(st, 12, r->test_keyless);
	b |= bind_count(st, 13, r->train_distinct);
	b |= bind_count(st, 14, r->test_distinct);
	b |= bind_count(st, 15, r->test_in_train);
	b |= bind_share(st, 16, r->test_in_train, r->test_records);
	b |= bind_count(st, 17, r->train_duplicates);
	b |= bind_share(st, 18, r->train_duplicates, r->train_records);
	b |= bind_count(st, 19, r->test_duplicates);
	b |= bind_share(st, 20, r->test_duplicates, r->test_records);
	b |= bind_count(st, 24, r->test_in_train + r->near_test_records);
	b |= bind_share(st, 25, r->test_in_train + r->near_test_records,
			r->test_records);
	b |= bind_count(st, 26, r->max_locations);
	b |= bind_count(st, 27, r->memory_bytes);
	rc = insert_row(s, st, b, err, "cannot insert overlap");
	sqlite3_finalize(st);
	return rc;
}

int aud_store_kanon_add(aud_store *s, int64_t run_id, const char *qis,
			const char *sensitive,
			const struct aud_kanon_stats *k, aud_err *err)
{
	static const char del[] = "DELETE FROM kanon_sizes WHERE run_id = ?1";
	static const char met[] =
		"INSERT OR REPLACE INTO kanon_metrics (run_id,"
		" quasi_identifiers, sensitive, k, records, classes,"
		" k_anonymity, classes_below_k, records_below_k, share_below_k,"
		" unique_records, share_unique, l_diversity, classes_l_below_2,"
		" records_l_below_2, spills) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
		" ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
	static const char siz[] =
		"INSERT INTO kanon_sizes (run_id, class_size, classes) VALUES"
		" (?1, ?2, ?3)";
	sqlite3_stmt *st = NULL;
	double n = (double)k->records;
	int b, rc;
	size_t i;

	if (tx_begin(s, err))
		return AUD_ESTORE;
	if (sqlite3_exec(s->db, KANON_TABLES("IF NOT EXISTS "), NULL, NULL,
			 NULL) != SQLITE_OK)
		return fail(s, err, "cannot create the k-anonymity tables");
	/* A resumed run that ends again replaces its figures. */
	if ((rc = prepare_once(s, del, &st, err, "cannot write k-anonymity")))
		return rc;
	b = sqlite3_bind_int64(st, 1, run_id);
	rc = insert_row(s, st, b, err, "cannot write k-anonymity");
	sqlite3_finalize(st);
	if (rc || (rc = prepare_once(s, met, &st, err,
				     "cannot write k-anonymity")))
		return rc;
	b = sqlite3_bind_int64(st, 1, run_id);
	b |= bind_str(st, 2, qis);
	b |= bind_str(st, 3, sensitive);
	b |= bind_count(st, 4, k->k);
	b |= bind_count(st, 5, k->records);
	b |= bind_count(st, 6, k->classes);
	b |= k->records ? bind_count(st, 7, k->k_anonymity)
			: sqlite3_bind_null(st, 7);
	b |= bind_count(st, 8, k->classes_below_k);
	b |= bind_count(st, 9, k->records_below_k);
	b |= bind_metric(st, 10, k->records ? (double)k->records_below_k / n
					    : NAN);
	b |= bind_count(st, 11, k->unique_records);
	b |= bind_metric(st, 12, k->records ? (double)k->unique_records / n
					    : NAN);
	if (k->has_sensitive) {
		b |= k->records ? bind_count(st, 13, k->l_diversity)
				: sqlite3_bind_null(st, 13);
		b |= bind_count(st, 14, k->classes_l_below_2);
		b |= bind_count(st, 15, k->records_l_below_2);
	}
	b |= bind_count(st, 16, k->spills);
	rc = insert_row(s, st, b, err, "cannot write k-anonymity");
	sqlite3_finalize(st);
	if (rc || (rc = prepare_once(s, siz, &st, err,
				     "cannot write class sizes")))
		return rc;
	for (i = 0; i < k->nsizes && !rc; i++) {
		if (tx_begin(s, err)) { /* a full batch was committed */
			rc = AUD_ESTORE;
			break;
		}
		b = sqlite3_bind_int64(st, 1, run_id);
		b |= bind_count(st, 2, k->sizes[i].size);
		b |= bind_count(st, 3, k->sizes[i].classes);
		rc = insert_row(s, st, b, err, "cannot write class sizes");
	}
	sqlite3_finalize(st);
	return rc;
}
