/*
 * merge.c: combines the latest run of several databases into one new run
 * (merge.h). Every figure a report shows is either a per-input row or is
 * computed from per-input rows, so copying the rows of every input and
 * recomputing what is derived gives exactly the run one scan of all the
 * inputs would have written:
 *
 * - tables with a run_id and a file_id column are per input; they are
 *   found in the schema (so a column or table added later is copied too)
 *   and copied with new file ids. Inputs take ids in path order whatever
 *   order the sources come in, and rows with their own integer id
 *   (findings, problems) take ids in that order too, so merge(a, b) and
 *   merge(b, a) write the same rows with the same ids;
 * - suppressed_by_file is per input, but its rows moved over from a
 *   version-1 database have no file_id: those are copied per run (the
 *   view suppressed sums both); group_metrics and attribute_metrics
 *   are computed again from the merged counters by aud_bias_finish, with
 *   the bias options the sources were scanned with; run_sources is the
 *   union of the sources'. Any other per-run table with rows is refused
 *   rather than dropped.
 *
 * A run's identity is runs.uid, random at its start. A scanned run holds
 * itself; a merged run holds the runs listed in run_sources. A source
 * whose runs are all held by a source already taken is skipped (the same
 * database twice, or one shard inside two merged databases), which makes
 * merging idempotent and, with path-ordered ids, associative. Two sources
 * that share some runs but not all cannot be combined without counting
 * those twice, and are refused.
 *
 * Sources are opened read-only with their own connections; the copy is one
 * transaction on the destination, so a merge that fails leaves only its
 * run, marked failed. Memory holds one entry per input and per scanned
 * run, never per record.
 */
#include "auditor/merge.h"
#include "auditor/bias.h"
#include "auditor/groups.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One scanned run held by a source, and where it was first seen. */
typedef struct prov {
	char *uid, *db;
	int64_t run;
} prov;

typedef struct msrc {
	const char *path; /* as given */
	char *real;	  /* realpath, for run_sources */
	int64_t run_id;
	char *uid, *status, *options, *patsha, *fp, *keysrc, *alsha, *version;
	prov *set; /* sorted by uid */
	size_t nset;
	size_t first_file, nfiles; /* its slice of aud_merge.files */
	dev_t dev;
	ino_t ino;
} msrc;

typedef struct mfile {
	size_t src; /* position in aud_merge.order */
	int64_t old_id, new_id;
	char *path, *sha;
} mfile;

/* A per-input table: its copied columns, and its own integer id if any. */
typedef struct mtable {
	char *name;
	char **cols;
	size_t ncols;
	char *id;
	size_t idx; /* among the tables with an id */
} mtable;

typedef struct mexp {
	char *attr, *group;
	double share;
	size_t src;
} mexp;

struct aud_merge {
	msrc *src;
	size_t nsrc;
	size_t *order; /* the sources taken, in the order they are read */
	size_t nin, nskipped;
	mfile *files;
	size_t nfiles, capfiles;
	size_t *forder; /* files in their new order */
	mtable files_t; /* the files table's columns */
	mtable *tables;
	size_t ntables, nid;
	char **unknown; /* per-run tables merge cannot combine */
	size_t nunknown;
	int64_t *rows, *base; /* [file * nid + table]: rows, first id - 1 */
	mexp *exp;
	size_t nexp, capexp;
	char *options, *keysrc;
	size_t not_ok; /* inputs whose status is not ok */
	sqlite3 *mem;  /* private, for SQLite's JSON functions */
};

static int streq(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Copies column i of st (NULL stays NULL). Sets *oom on failure. */
static char *coltext(sqlite3_stmt *st, int i, int *oom)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	char *s;

	if (!t)
		return NULL;
	s = strdup((const char *)t);
	if (!s)
		*oom = 1;
	return s;
}

static int nomem(aud_err *err)
{
	return aud_err_set(err, AUD_ENOMEM, "out of memory");
}

/* "PATH: DOING: SQLITE MESSAGE", or "PATH: file is not a database". */
static int sql_fail(aud_err *err, sqlite3 *db, const char *path,
		    const char *doing)
{
	if (sqlite3_errcode(db) == SQLITE_NOTADB)
		return aud_err_set(err, AUD_ESTORE, "%s: %s", path,
				   sqlite3_errmsg(db));
	return aud_err_set(err, AUD_ESTORE, "%s: %s: %s", path, doing,
			   sqlite3_errmsg(db));
}

/* A statement from printf-style SQL (identifiers come from the schema,
 * values are always bound). */
static int prepf(sqlite3 *db, sqlite3_stmt **st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int prepf(sqlite3 *db, sqlite3_stmt **st, const char *fmt, ...)
{
	va_list ap;
	char *sql;
	int n, rc;

	*st = NULL;
	va_start(ap, fmt);
	n = vasprintf(&sql, fmt, ap);
	va_end(ap);
	if (n < 0)
		return SQLITE_NOMEM;
	rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);
	free(sql);
	return rc;
}

/* Opens a source read-only inside a read transaction (one snapshot),
 * after checking that it exists and is an auditor database of this
 * schema version. */
static int src_open(sqlite3 **db, msrc *s, aud_err *err)
{
	sqlite3_stmt *st = NULL;
	struct stat sb;
	int64_t v = -1;

	*db = NULL;
	if (stat(s->path, &sb) != 0)
		return aud_err_set(err, AUD_EIO, "%s: cannot open database: %s",
				   s->path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return aud_err_set(err, AUD_EIO, "%s: not a database file",
				   s->path);
	s->dev = sb.st_dev;
	s->ino = sb.st_ino;
	if (sqlite3_open_v2(s->path, db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		if (!*db)
			return nomem(err);
		return sql_fail(err, *db, s->path, "cannot open database");
	}
	sqlite3_busy_timeout(*db, 5000);
	if (sqlite3_prepare_v2(*db, "PRAGMA user_version", -1, &st, NULL) !=
		SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return sql_fail(err, *db, s->path, "cannot read database");
	}
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (v == 0)
		return aud_err_set(err, AUD_ESTORE,
				   "%s: not an auditor database", s->path);
	if (v != AUD_STORE_SCHEMA_VERSION)
		return aud_err_set(err, AUD_ESTORE,
				   "%s: database schema version %lld, this "
				   "auditor merges version %d",
				   s->path, (long long)v,
				   AUD_STORE_SCHEMA_VERSION);
	if (sqlite3_exec(*db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return sql_fail(err, *db, s->path, "cannot read database");
	return AUD_OK;
}

static void src_close(sqlite3 *db)
{
	if (!db)
		return;
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
}

static int cmp_prov(const void *a, const void *b)
{
	return strcmp(((const prov *)a)->uid, ((const prov *)b)->uid);
}

/* The source's latest run and the scanned runs it holds. */
static int read_meta(msrc *s, aud_err *err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, oom = 0;

	if ((rc = src_open(&db, s, err)))
		goto done;
	if (sqlite3_prepare_v2(db,
			       "SELECT run_id, uid, status, options, "
			       "patterns_sha256, hash_key_fingerprint, "
			       "hash_key_source, allowlist_sha256, "
			       "tool_version FROM runs "
			       "ORDER BY run_id DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = sql_fail(err, db, s->path, "cannot read runs");
		goto done;
	}
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = aud_err_set(err, AUD_EUSAGE, "%s: no run to merge",
				 s->path);
		goto done;
	}
	s->run_id = sqlite3_column_int64(st, 0);
	s->uid = coltext(st, 1, &oom);
	s->status = coltext(st, 2, &oom);
	s->options = coltext(st, 3, &oom);
	s->patsha = coltext(st, 4, &oom);
	s->fp = coltext(st, 5, &oom);
	s->keysrc = coltext(st, 6, &oom);
	s->alsha = coltext(st, 7, &oom);
	s->version = coltext(st, 8, &oom);
	sqlite3_finalize(st);
	st = NULL;
	if (oom || !s->uid || !s->status) {
		rc = oom ? nomem(err)
			 : aud_err_set(err, AUD_ESTORE,
				       "%s: run %lld has no "
				       "uid",
				       s->path, (long long)s->run_id);
		goto done;
	}
	if (sqlite3_prepare_v2(db,
			       "SELECT source_uid, source_db, source_run_id "
			       "FROM run_sources WHERE run_id = ?1",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = sql_fail(err, db, s->path, "cannot read run_sources");
		goto done;
	}
	sqlite3_bind_int64(st, 1, s->run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (s->nset == cap) {
			prov *nv = realloc(s->set, (cap = cap ? cap * 2 : 8) *
						       sizeof *nv);
			if (!nv) {
				rc = nomem(err);
				goto done;
			}
			s->set = nv;
		}
		s->set[s->nset].uid = coltext(st, 0, &oom);
		s->set[s->nset].db = coltext(st, 1, &oom);
		s->set[s->nset].run = sqlite3_column_int64(st, 2);
		s->nset++;
		if (oom || !s->set[s->nset - 1].uid) {
			rc = nomem(err);
			goto done;
		}
	}
	if (s->nset == 0) { /* a scanned run holds itself */
		s->set = calloc(1, sizeof *s->set);
		if (!s->set || !(s->set[0].uid = strdup(s->uid)) ||
		    !(s->set[0].db = strdup(s->real ? s->real : s->path))) {
			rc = nomem(err);
			goto done;
		}
		s->set[0].run = s->run_id;
		s->nset = 1;
	}
	qsort(s->set, s->nset, sizeof *s->set, cmp_prov);
	rc = AUD_OK;
done:
	sqlite3_finalize(st);
	src_close(db);
	return rc;
}

/* ---- which sources go in -------------------------------------------- */

static int cmp_src_order(const void *a, const void *b, void *ctx)
{
	const aud_merge *m = ctx;
	const msrc *x = &m->src[*(const size_t *)a];
	const msrc *y = &m->src[*(const size_t *)b];
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	/* Bigger sets first, so a run inside a merged source is skipped
	 * whichever order they were given in. */
	if (x->nset != y->nset)
		return x->nset > y->nset ? -1 : 1;
	return i < j ? -1 : i > j;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The taken source holding uid. */
static const msrc *holder(const aud_merge *m, const char *uid)
{
	size_t i;
	prov key;

	key.uid = (char *)uid;
	for (i = 0; i < m->nin; i++) {
		const msrc *t = &m->src[m->order[i]];

		if (bsearch(&key, t->set, t->nset, sizeof *t->set, cmp_prov))
			return t;
	}
	return NULL;
}

static int decide(aud_merge *m, aud_merge_note_fn note, void *ctx, aud_err *err)
{
	size_t *idx = malloc(m->nsrc * sizeof *idx);
	char **uni = NULL;
	size_t nuni = 0, total = 0, i, j;
	char msg[1024];
	int rc = AUD_OK;

	m->order = malloc(m->nsrc * sizeof *m->order);
	for (i = 0; i < m->nsrc; i++)
		total += m->src[i].nset;
	uni = malloc((total ? total : 1) * sizeof *uni);
	if (!idx || !m->order || !uni) {
		rc = nomem(err);
		goto done;
	}
	for (i = 0; i < m->nsrc; i++)
		idx[i] = i;
	qsort_r(idx, m->nsrc, sizeof *idx, cmp_src_order, m);
	for (i = 0; i < m->nsrc; i++) {
		msrc *s = &m->src[idx[i]];
		size_t have = 0;
		const char *shared = NULL;

		for (j = 0; j < s->nset; j++)
			if (bsearch(&s->set[j].uid, uni, nuni, sizeof *uni,
				    cmp_str)) {
				have++;
				shared = s->set[j].uid;
			}
		if (have == s->nset) {
			const msrc *t = holder(m, shared);

			snprintf(msg, sizeof msg,
				 "%s: run %lld is already in this merge "
				 "(through %s, run %lld): skipped",
				 s->path, (long long)s->run_id,
				 t ? t->path : "?",
				 t ? (long long)t->run_id : 0);
			if (note)
				note(ctx, msg);
			m->nskipped++;
			continue;
		}
		if (have) {
			const msrc *t = holder(m, shared);

			rc = aud_err_set(err, AUD_EUSAGE,
					 "cannot merge %s (run %lld) with %s "
					 "(run %lld): they hold some of the "
					 "same scanned runs but not all, which "
					 "would count those twice; merge the "
					 "shard databases themselves",
					 s->path, (long long)s->run_id,
					 t ? t->path : "?",
					 t ? (long long)t->run_id : 0);
			goto done;
		}
		m->order[m->nin++] = idx[i];
		for (j = 0; j < s->nset; j++)
			uni[nuni++] = s->set[j].uid;
		qsort(uni, nuni, sizeof *uni, cmp_str);
	}
done:
	free(idx);
	free(uni);
	return rc;
}

/* ---- do the sources agree? ------------------------------------------ */

/* The first column of a one-row query on the private connection, with
 * up to two text parameters; NULL for SQL NULL (and on error). */
static char *mem_text(aud_merge *m, const char *sql, const char *a,
		      const char *b, int *oom)
{
	sqlite3_stmt *st = NULL;
	char *r = NULL;

	if (sqlite3_prepare_v2(m->mem, sql, -1, &st, NULL) != SQLITE_OK) {
		*oom = 1;
		return NULL;
	}
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		r = coltext(st, 0, oom);
	sqlite3_finalize(st);
	return r;
}

/* Options (keys of the runs' options JSON) that change what a scan finds
 * or how the bias metrics come out. The rest (inputs, --shard, --fail-on,
 * --include, file-format and size limits, paths of the pattern and
 * allowlist files, whose contents are compared by hash) may differ. */
static const char *const must_agree[] = {
    "entities", "skip_entities", "group",      "intersect",
    "outcome",	"positive",	 "prediction", "predicted_positive",
    "score",	"threshold",	 "reference",  "min_share",
};

/* An option's value as a user would write it. */
static const char show_sql[] =
    "SELECT CASE WHEN json_type(?1, ?2) IN ('real', 'integer') THEN "
    "CAST(json_extract(?1, ?2) AS TEXT) ELSE ?1 -> ?2 END";

static int refuse(aud_err *err, const msrc *a, const msrc *b, const char *why)
{
	return aud_err_set(err, AUD_EUSAGE,
			   "cannot merge %s (run %lld) with %s (run %lld): %s",
			   b->path, (long long)b->run_id, a->path,
			   (long long)a->run_id, why);
}

static int agree(aud_merge *m, const msrc *a, const msrc *b, aud_err *err)
{
	char why[700], path[64], opt[40];
	size_t i, k;
	int oom = 0;

	if (!streq(a->fp, b->fp)) {
		snprintf(why, sizeof why,
			 "they were scanned with different hash keys "
			 "(fingerprints %s and %s), so their value hashes "
			 "cannot be compared; scan every shard with the same "
			 "--hash-key-file",
			 b->fp ? b->fp : "none", a->fp ? a->fp : "none");
		return refuse(err, a, b, why);
	}
	if (!streq(a->version, b->version)) {
		snprintf(why, sizeof why,
			 "they were scanned by different versions of auditor "
			 "(%s and %s), whose detectors may differ",
			 b->version ? b->version : "unknown",
			 a->version ? a->version : "unknown");
		return refuse(err, a, b, why);
	}
	if (!streq(a->patsha, b->patsha))
		return refuse(err, a, b,
			      "they were scanned with different pattern sets "
			      "(runs.patterns_sha256 differs)");
	if (!streq(a->alsha, b->alsha))
		return refuse(err, a, b,
			      "they were scanned with different allowlists "
			      "(runs.allowlist_sha256 differs)");
	for (i = 0; i < sizeof must_agree / sizeof *must_agree; i++) {
		char *x, *y;
		int same;

		snprintf(path, sizeof path, "$.%s", must_agree[i]);
		x = mem_text(m, "SELECT ?1 -> ?2", a->options, path, &oom);
		y = mem_text(m, "SELECT ?1 -> ?2", b->options, path, &oom);
		same = streq(x, y);
		if (!same) {
			/* Numbers are stored with 17 digits; say them
			 * with SQLite's 15 (0.1, not 0.10000000000000001). */
			free(x);
			free(y);
			x = mem_text(m, show_sql, a->options, path, &oom);
			y = mem_text(m, show_sql, b->options, path, &oom);
			for (k = 0; must_agree[i][k] && k < sizeof opt - 1; k++)
				opt[k] = must_agree[i][k] == '_'
					     ? '-'
					     : must_agree[i][k];
			opt[k] = '\0';
			snprintf(why, sizeof why,
				 "different bias or detection options: --%s "
				 "%.250s and %.250s",
				 opt, y ? y : "(none)", x ? x : "(none)");
		}
		free(x);
		free(y);
		if (oom)
			return nomem(err);
		if (!same)
			return refuse(err, a, b, why);
	}
	{
		char *x =
		    mem_text(m, "SELECT json_type(?1, '$.expected_shares')",
			     a->options, NULL, &oom);
		char *y =
		    mem_text(m, "SELECT json_type(?1, '$.expected_shares')",
			     b->options, NULL, &oom);
		int same = streq(x, y);

		free(x);
		free(y);
		if (oom)
			return nomem(err);
		if (!same)
			return refuse(err, a, b,
				      "one was scanned with --expected-shares "
				      "and the other without");
	}
	return AUD_OK;
}

/* The merged run's options: the first source's, less --shard and less
 * every option whose value differs between the sources (such as the
 * inputs of differently-made shards). Shards of one command keep them
 * all, so the merged run reads like the one scan of everything. */
static int merged_options(aud_merge *m, aud_err *err)
{
	const msrc *ref = &m->src[m->order[0]];
	sqlite3_stmt *st = NULL;
	char *cur;
	int oom = 0, rc = AUD_OK;

	if (!ref->options)
		return AUD_OK;
	if (!(cur = strdup(ref->options)))
		return nomem(err);
	if (sqlite3_prepare_v2(m->mem, "SELECT key FROM json_each(?1)", -1, &st,
			       NULL) != SQLITE_OK) {
		free(cur);
		return nomem(err);
	}
	sqlite3_bind_text(st, 1, ref->options, -1, SQLITE_STATIC);
	while (!oom && sqlite3_step(st) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		char path[256];
		size_t i;
		int drop;

		if (!key || strchr(key, '"') || strlen(key) > 200)
			continue;
		snprintf(path, sizeof path, "$.\"%s\"", key);
		drop = strcmp(key, "shard") == 0;
		for (i = 1; i < m->nin && !drop; i++) {
			const msrc *s = &m->src[m->order[i]];
			char *x = mem_text(m, "SELECT ?1 -> ?2", ref->options,
					   path, &oom);
			char *y = mem_text(m, "SELECT ?1 -> ?2", s->options,
					   path, &oom);

			drop = !streq(x, y);
			free(x);
			free(y);
		}
		if (drop) {
			char *next = mem_text(m, "SELECT json_remove(?1, ?2)",
					      cur, path, &oom);

			if (next) {
				free(cur);
				cur = next;
			}
		}
	}
	sqlite3_finalize(st);
	if (oom) {
		free(cur);
		return nomem(err);
	}
	m->options = cur;
	return rc;
}

/* ---- the inputs of each source -------------------------------------- */

static int add_table(aud_merge *m, sqlite3 *db, const msrc *s, const char *name,
		     aud_err *err)
{
	sqlite3_stmt *st = NULL;
	mtable t;
	int has_run = 0, has_file = 0, npk = 0, rc = AUD_OK;
	char *pk = NULL;

	memset(&t, 0, sizeof t);
	if (prepf(db, &st, "PRAGMA table_info(\"%s\")", name) != SQLITE_OK)
		return sql_fail(err, db, s->path, "cannot read the schema");
	t.cols = calloc(64, sizeof *t.cols);
	if (!t.cols || !(t.name = strdup(name))) {
		rc = nomem(err);
		goto done;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(st, 1);
		const char *type = (const char *)sqlite3_column_text(st, 2);
		int is_pk = sqlite3_column_int(st, 5) > 0;

		if (!col || strchr(col, '"'))
			continue;
		if (is_pk)
			npk++;
		if (strcmp(col, "run_id") == 0) {
			has_run = 1;
			continue;
		}
		if (strcmp(col, "file_id") == 0) {
			has_file = 1;
			continue;
		}
		if (is_pk && type && strcasecmp(type, "INTEGER") == 0) {
			free(pk);
			if (!(pk = strdup(col))) {
				rc = nomem(err);
				goto done;
			}
			continue;
		}
		if (t.ncols == 64) {
			rc = aud_err_set(err, AUD_ESTORE,
					 "%s: table %s has too many columns",
					 s->path, name);
			goto done;
		}
		if (!(t.cols[t.ncols++] = strdup(col))) {
			rc = nomem(err);
			goto done;
		}
	}
	/* A rowid alias is the one INTEGER primary key column; anything
	 * else named pk is part of a composite key and copied as is. */
	if (pk && npk != 1) {
		if (t.ncols == 64) {
			rc = aud_err_set(err, AUD_ESTORE,
					 "%s: table %s has too many columns",
					 s->path, name);
			goto done;
		}
		t.cols[t.ncols++] = pk;
		pk = NULL;
	}
	if (strcmp(name, "files") == 0) {
		m->files_t = t;
		memset(&t, 0, sizeof t);
	} else if (has_run && has_file) {
		mtable *nv = realloc(m->tables, (m->ntables + 1) * sizeof *nv);

		if (!nv) {
			rc = nomem(err);
			goto done;
		}
		m->tables = nv;
		t.id = pk;
		pk = NULL;
		t.idx = t.id ? m->nid++ : 0;
		m->tables[m->ntables++] = t;
		memset(&t, 0, sizeof t);
	} else if (has_run && strcmp(name, "runs") &&
		   strcmp(name, "run_sources") &&
		   strcmp(name, "group_metrics") &&
		   strcmp(name, "attribute_metrics")) {
		char **nv = realloc(m->unknown, (m->nunknown + 1) * sizeof *nv);

		if (!nv || !(nv[m->nunknown] = strdup(name))) {
			if (nv)
				m->unknown = nv;
			rc = nomem(err);
			goto done;
		}
		m->unknown = nv;
		m->nunknown++;
	}
done:
	sqlite3_finalize(st);
	free(pk);
	free(t.name);
	while (t.ncols)
		free(t.cols[--t.ncols]);
	free(t.cols);
	return rc;
}

/* The tables to copy, from the first source's schema (all sources and the
 * destination have the same schema version). */
static int read_tables(aud_merge *m, aud_err *err)
{
	msrc *s = &m->src[m->order[0]];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = src_open(&db, s, err)))
		goto done;
	if (sqlite3_prepare_v2(db,
			       "SELECT name FROM sqlite_schema WHERE type = "
			       "'table' AND name NOT LIKE 'sqlite%' ORDER BY "
			       "name",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = sql_fail(err, db, s->path, "cannot read the schema");
		goto done;
	}
	while (!rc && sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		/* Names go into SQL text: one with a quote is none of ours. */
		if (name && !strchr(name, '"'))
			rc = add_table(m, db, s, name, err);
	}
	if (!rc && !m->files_t.name)
		rc =
		    aud_err_set(err, AUD_ESTORE, "%s: no files table", s->path);
done:
	sqlite3_finalize(st);
	src_close(db);
	return rc;
}

static int cmp_old(const void *key, const void *elt)
{
	int64_t k = *(const int64_t *)key, v = ((const mfile *)elt)->old_id;

	return k < v ? -1 : k > v;
}

/* The input of source s whose file_id there was old, or NULL. */
static mfile *find_file(aud_merge *m, const msrc *s, int64_t old)
{
	return bsearch(&old, m->files + s->first_file, s->nfiles,
		       sizeof *m->files, cmp_old);
}

/* The source's inputs, their row counts in the tables with ids, its
 * expected shares, and a check that it has nothing merge cannot combine. */
static int read_files(aud_merge *m, size_t pos, aud_err *err)
{
	msrc *s = &m->src[m->order[pos]];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	size_t t;
	int rc, oom = 0;

	if ((rc = src_open(&db, s, err)))
		goto done;
	s->first_file = m->nfiles;
	if (sqlite3_prepare_v2(db,
			       "SELECT file_id, path, sha256, status <> "
			       "'ok' FROM files "
			       "WHERE run_id = ?1 ORDER BY file_id",
			       -1, &st, NULL) != SQLITE_OK)
		goto sqlfail;
	sqlite3_bind_int64(st, 1, s->run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		mfile *f;

		if (m->nfiles == m->capfiles) {
			size_t nc = m->capfiles ? m->capfiles * 2 : 64;
			mfile *nv = realloc(m->files, nc * sizeof *nv);
			int64_t *nr;

			if (nv)
				m->files = nv;
			nr = nv ? realloc(m->rows,
					  (nc * m->nid + 1) * sizeof *nr)
				: NULL;
			if (!nr) {
				rc = nomem(err);
				goto done;
			}
			m->rows = nr;
			memset(nr + m->capfiles * m->nid, 0,
			       (nc - m->capfiles) * m->nid * sizeof *nr);
			m->capfiles = nc;
		}
		f = &m->files[m->nfiles++];
		memset(f, 0, sizeof *f);
		f->src = pos;
		f->old_id = sqlite3_column_int64(st, 0);
		f->path = coltext(st, 1, &oom);
		f->sha = coltext(st, 2, &oom);
		m->not_ok += sqlite3_column_int(st, 3) != 0;
		if (oom || !f->path) {
			rc = nomem(err);
			goto done;
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	s->nfiles = m->nfiles - s->first_file;
	for (t = 0; t < m->ntables; t++) {
		const mtable *tb = &m->tables[t];

		if (!tb->id)
			continue;
		if (prepf(db, &st,
			  "SELECT file_id, COUNT(*) FROM \"%s\" WHERE "
			  "run_id = ?1 GROUP BY file_id",
			  tb->name) != SQLITE_OK)
			goto sqlfail;
		sqlite3_bind_int64(st, 1, s->run_id);
		while (sqlite3_step(st) == SQLITE_ROW) {
			mfile *f = find_file(m, s, sqlite3_column_int64(st, 0));

			if (!f) {
				rc = aud_err_set(
				    err, AUD_ESTORE,
				    "%s: %s rows of run %lld name "
				    "an input the run does not have",
				    s->path, tb->name, (long long)s->run_id);
				goto done;
			}
			m->rows[(size_t)(f - m->files) * m->nid + tb->idx] =
			    sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	for (t = 0; t < m->nunknown; t++) {
		if (prepf(db, &st,
			  "SELECT 1 FROM \"%s\" WHERE run_id = ?1 LIMIT 1",
			  m->unknown[t]) != SQLITE_OK)
			goto sqlfail;
		sqlite3_bind_int64(st, 1, s->run_id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			rc = aud_err_set(err, AUD_ESTORE,
					 "%s: run %lld has rows in table %s, "
					 "which merge does not know how to "
					 "combine",
					 s->path, (long long)s->run_id,
					 m->unknown[t]);
			goto done;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (sqlite3_prepare_v2(db,
			       "SELECT attribute, group_value, expected_share "
			       "FROM group_metrics WHERE run_id = ?1 AND "
			       "expected_share IS NOT NULL",
			       -1, &st, NULL) != SQLITE_OK)
		goto sqlfail;
	sqlite3_bind_int64(st, 1, s->run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		mexp *e;

		if (m->nexp == m->capexp) {
			size_t nc = m->capexp ? m->capexp * 2 : 16;
			mexp *nv = realloc(m->exp, nc * sizeof *nv);

			if (!nv) {
				rc = nomem(err);
				goto done;
			}
			m->exp = nv;
			m->capexp = nc;
		}
		e = &m->exp[m->nexp++];
		e->attr = coltext(st, 0, &oom);
		e->group = coltext(st, 1, &oom);
		e->share = sqlite3_column_double(st, 2);
		e->src = m->order[pos];
		if (oom || !e->attr || !e->group) {
			rc = nomem(err);
			goto done;
		}
	}
	rc = AUD_OK;
	goto done;
sqlfail:
	rc = sql_fail(err, db, s->path, "cannot read the run");
done:
	sqlite3_finalize(st);
	src_close(db);
	return rc;
}

/* Inputs in path order, then SHA-256 (an unread input's NULL first), then
 * source and id: the order one scan of a folder lists them in. */
static int cmp_file(const void *a, const void *b, void *ctx)
{
	const aud_merge *m = ctx;
	const mfile *x = &m->files[*(const size_t *)a];
	const mfile *y = &m->files[*(const size_t *)b];
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	if (!x->sha != !y->sha)
		return x->sha ? 1 : -1;
	if (x->sha && (c = strcmp(x->sha, y->sha)))
		return c;
	if (x->src != y->src)
		return x->src < y->src ? -1 : 1;
	return x->old_id < y->old_id ? -1 : x->old_id > y->old_id;
}

/* Orders the inputs and refuses one input (same path, same SHA-256) in
 * two sources: two tasks scanned the same file, and merging both would
 * count it twice. */
static int order_files(aud_merge *m, aud_err *err)
{
	size_t i;

	m->forder = malloc((m->nfiles ? m->nfiles : 1) * sizeof *m->forder);
	if (!m->forder)
		return nomem(err);
	for (i = 0; i < m->nfiles; i++)
		m->forder[i] = i;
	qsort_r(m->forder, m->nfiles, sizeof *m->forder, cmp_file, m);
	for (i = 1; i < m->nfiles; i++) {
		const mfile *x = &m->files[m->forder[i - 1]];
		const mfile *y = &m->files[m->forder[i]];
		const msrc *a = &m->src[m->order[x->src]];
		const msrc *b = &m->src[m->order[y->src]];

		if (x->src == y->src || strcmp(x->path, y->path) ||
		    !streq(x->sha, y->sha))
			continue;
		return aud_err_set(err, AUD_EUSAGE,
				   "cannot merge %s (run %lld) with %s (run "
				   "%lld): both scanned %s (SHA-256 %s), which "
				   "would count it twice; was a shard scanned "
				   "twice into different databases? leave one "
				   "out",
				   b->path, (long long)b->run_id, a->path,
				   (long long)a->run_id, x->path,
				   x->sha ? x->sha : "unknown");
	}
	return AUD_OK;
}

static int cmp_exp(const void *a, const void *b)
{
	const mexp *x = a, *y = b;
	int c = strcmp(x->attr, y->attr);

	return c ? c : strcmp(x->group, y->group);
}

/* The expected shares the sources used, from their group_metrics rows:
 * each source has those of the attributes it saw. Two sources that give
 * one group different shares used different files. */
static int check_expected(aud_merge *m, aud_err *err)
{
	size_t i;
	char why[600];

	if (m->nexp > 1)
		qsort(m->exp, m->nexp, sizeof *m->exp, cmp_exp);
	for (i = 1; i < m->nexp; i++) {
		const mexp *x = &m->exp[i - 1], *y = &m->exp[i];

		if (cmp_exp(x, y) || x->share == y->share)
			continue;
		snprintf(why, sizeof why,
			 "different --expected-shares: %.200s=%.200s is %g in "
			 "one and %g in the other",
			 x->attr, x->group, y->share, x->share);
		return refuse(err, &m->src[x->src], &m->src[y->src], why);
	}
	return AUD_OK;
}

/* Only scans (and merges of scans, which keep their options) have the
 * rows merge combines; other commands' runs (options.command) are refused
 * by name rather than by whatever they lack. */
static int is_scan(aud_merge *m, const msrc *s, aud_err *err)
{
	int oom = 0, rc = AUD_OK;
	char *cmd = mem_text(m, "SELECT json_extract(?1, '$.command')",
			     s->options, NULL, &oom);

	if (oom)
		rc = nomem(err);
	else if (cmd && strcmp(cmd, "scan") != 0)
		rc =
		    aud_err_set(err, AUD_EUSAGE,
				"%s: run %lld is an `auditor %.40s` run, not a "
				"scan: merge combines scans",
				s->path, (long long)s->run_id, cmd);
	free(cmd);
	return rc;
}

int aud_merge_plan(aud_merge **out, const char *out_path,
		   const char *const *paths, size_t n, aud_merge_note_fn note,
		   void *ctx, aud_err *err)
{
	aud_merge *m;
	struct stat ob;
	int have_out, rc = AUD_OK;
	size_t i;

	*out = NULL;
	if (n == 0)
		return aud_err_set(err, AUD_EUSAGE, "nothing to merge");
	have_out = out_path && stat(out_path, &ob) == 0;
	m = calloc(1, sizeof *m);
	if (!m)
		return nomem(err);
	m->src = calloc(n, sizeof *m->src);
	if (!m->src || sqlite3_open(":memory:", &m->mem) != SQLITE_OK) {
		rc = nomem(err);
		goto done;
	}
	m->nsrc = n;
	for (i = 0; i < n && !rc; i++) {
		msrc *s = &m->src[i];
		char buf[PATH_MAX];

		s->path = paths[i];
		if (realpath(paths[i], buf) && !(s->real = strdup(buf))) {
			rc = nomem(err);
			break;
		}
		rc = read_meta(s, err);
		if (rc)
			break;
		if (have_out && s->dev == ob.st_dev && s->ino == ob.st_ino) {
			rc = aud_err_set(err, AUD_EUSAGE,
					 "%s is both the database to write and "
					 "a database to merge; write to a new "
					 "one",
					 s->path);
			break;
		}
		if ((rc = is_scan(m, s, err)))
			break;
		if (strcmp(s->status, "complete") != 0)
			rc = aud_err_set(
			    err, AUD_EUSAGE,
			    "%s: run %lld is %s, and only complete runs "
			    "can be merged%s",
			    s->path, (long long)s->run_id, s->status,
			    strcmp(s->status, "failed")
				? " (continue it with scan --resume)"
				: " (its inputs may not all have been "
				  "scanned: scan that shard again)");
	}
	if (rc || (rc = decide(m, note, ctx, err)))
		goto done;
	for (i = 1; i < m->nin && !rc; i++)
		rc = agree(m, &m->src[m->order[0]], &m->src[m->order[i]], err);
	if (rc || (rc = read_tables(m, err)))
		goto done;
	for (i = 0; i < m->nin && !rc; i++)
		rc = read_files(m, i, err);
	if (rc || (rc = order_files(m, err)) || (rc = check_expected(m, err)) ||
	    (rc = merged_options(m, err)))
		goto done;
	/* Where the key came from, when every source says the same. */
	for (i = 1; i < m->nin; i++)
		if (!streq(m->src[m->order[0]].keysrc,
			   m->src[m->order[i]].keysrc))
			break;
	if (i == m->nin && m->src[m->order[0]].keysrc &&
	    !(m->keysrc = strdup(m->src[m->order[0]].keysrc)))
		rc = nomem(err);
done:
	if (rc) {
		aud_merge_free(m);
		return rc;
	}
	*out = m;
	return AUD_OK;
}

size_t aud_merge_sources(const aud_merge *m) { return m ? m->nin : 0; }

size_t aud_merge_skipped(const aud_merge *m) { return m ? m->nskipped : 0; }

size_t aud_merge_inputs_not_ok(const aud_merge *m) { return m ? m->not_ok : 0; }

/* ---- writing -------------------------------------------------------- */

static int dst_fail(aud_err *err, sqlite3 *db, const char *doing)
{
	return sql_fail(err, db, sqlite3_db_filename(db, "main"), doing);
}

static int max_id(sqlite3 *db, const char *table, const char *col, int64_t *out,
		  aud_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = AUD_OK;

	if (prepf(db, &st, "SELECT COALESCE(MAX(\"%s\"), 0) FROM \"%s\"", col,
		  table) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		rc = dst_fail(err, db, "cannot read ids");
	else
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc;
}

/* The rows of per-input table name (one with its own id) that the merge
 * copies, over all inputs: 0 for a table it does not know. */
static uint64_t table_rows(const aud_merge *m, const char *name)
{
	uint64_t n = 0;
	size_t t, i;

	for (t = 0; t < m->ntables; t++) {
		if (!m->tables[t].id || strcmp(m->tables[t].name, name) != 0)
			continue;
		for (i = 0; i < m->nfiles; i++)
			n += (uint64_t)m->rows[i * m->nid + m->tables[t].idx];
	}
	return n;
}

/* New ids: inputs after the largest file_id, in their new order; the
 * rows of each table with ids in input order, after its largest id. Runs
 * inside the write transaction, so no other writer can take them. */
static int assign_ids(aud_merge *m, sqlite3 *db, aud_err *err)
{
	int64_t next = 0;
	size_t i, t;
	int rc;

	m->base = calloc(m->nfiles * m->nid + 1, sizeof *m->base);
	if (!m->base)
		return nomem(err);
	if ((rc = max_id(db, "files", "file_id", &next, err)))
		return rc;
	for (i = 0; i < m->nfiles; i++)
		m->files[m->forder[i]].new_id = ++next;
	for (t = 0; t < m->ntables; t++) {
		const mtable *tb = &m->tables[t];

		if (!tb->id)
			continue;
		if ((rc = max_id(db, tb->name, tb->id, &next, err)))
			return rc;
		for (i = 0; i < m->nfiles; i++) {
			size_t k = m->forder[i] * m->nid + tb->idx;

			m->base[k] = next;
			next += m->rows[k];
		}
	}
	return AUD_OK;
}

/* Copies source s's rows of one per-input table (or of files) into the
 * destination: run and file ids replaced, ids from assign_ids, every
 * other column as it is. */
static int copy_table(aud_merge *m, const msrc *s, sqlite3 *src, sqlite3 *dst,
		      int64_t run_id, const mtable *tb, aud_err *err)
{
	int files = tb == &m->files_t;
	sqlite3_stmt *sel = NULL, *ins = NULL;
	aud_buf cs = {0}, ph = {0};
	const mfile *cur = NULL;
	int64_t k = 0, copied = 0, want = 0;
	char num[24];
	size_t i, first;
	int rc = AUD_OK, b;

	/* Column lists: ", "a", "b"" and their placeholders. */
	first = files ? 3 : tb->id ? 4 : 3;
	for (i = 0; i < tb->ncols; i++) {
		snprintf(num, sizeof num, ", ?%zu", first + i);
		if (aud_buf_append(&cs, ", \"", 3) ||
		    aud_buf_append(&cs, tb->cols[i], strlen(tb->cols[i])) ||
		    aud_buf_append(&cs, "\"", 1) ||
		    aud_buf_append(&ph, num, strlen(num))) {
			rc = nomem(err);
			goto done;
		}
	}
	if (aud_buf_append(&cs, "", 1) || aud_buf_append(&ph, "", 1)) {
		rc = nomem(err);
		goto done;
	}
	if (files) {
		b = prepf(src, &sel,
			  "SELECT file_id%s FROM files WHERE run_id = ?1 "
			  "ORDER BY file_id",
			  cs.p);
		if (b == SQLITE_OK)
			b = prepf(
			    dst, &ins,
			    "INSERT INTO files (run_id, file_id%s) VALUES "
			    "(?1, ?2%s)",
			    cs.p, ph.p);
	} else if (tb->id) {
		b = prepf(src, &sel,
			  "SELECT file_id, \"%s\"%s FROM \"%s\" WHERE run_id = "
			  "?1 ORDER BY file_id, \"%s\"",
			  tb->id, cs.p, tb->name, tb->id);
		if (b == SQLITE_OK)
			b = prepf(
			    dst, &ins,
			    "INSERT INTO \"%s\" (run_id, file_id, \"%s\"%s) "
			    "VALUES (?1, ?2, ?3%s)",
			    tb->name, tb->id, cs.p, ph.p);
	} else {
		/* (rows of no input: copy_source's) */
		b = prepf(src, &sel,
			  "SELECT file_id%s FROM \"%s\" WHERE run_id = ?1 "
			  "AND file_id IS NOT NULL ORDER BY file_id",
			  cs.p, tb->name);
		if (b == SQLITE_OK)
			b = prepf(
			    dst, &ins,
			    "INSERT INTO \"%s\" (run_id, file_id%s) VALUES "
			    "(?1, ?2%s)",
			    tb->name, cs.p, ph.p);
	}
	if (b != SQLITE_OK) {
		rc = !sel ? sql_fail(err, src, s->path, "cannot read the run")
			  : dst_fail(err, dst, "cannot write merged rows");
		goto done;
	}
	sqlite3_bind_int64(sel, 1, s->run_id);
	while ((b = sqlite3_step(sel)) == SQLITE_ROW) {
		int64_t old = sqlite3_column_int64(sel, 0);
		int c = 1, p = 3, bd;

		if (!cur || cur->old_id != old) {
			cur = find_file(m, s, old);
			k = 0;
			if (!cur)
				goto changed;
		}
		bd = sqlite3_bind_int64(ins, 1, run_id);
		bd |= sqlite3_bind_int64(ins, 2, cur->new_id);
		if (tb->id) {
			size_t at = (size_t)(cur - m->files) * m->nid + tb->idx;

			if (++k > m->rows[at])
				goto changed;
			bd |= sqlite3_bind_int64(ins, p++, m->base[at] + k);
			c++;
		}
		for (i = 0; i < tb->ncols; i++)
			bd |= sqlite3_bind_value(
			    ins, p++, sqlite3_column_value(sel, c++));
		if (bd != SQLITE_OK || sqlite3_step(ins) != SQLITE_DONE) {
			rc = dst_fail(err, dst, "cannot write merged rows");
			goto done;
		}
		sqlite3_reset(ins);
		copied++;
	}
	if (b != SQLITE_DONE) {
		rc = sql_fail(err, src, s->path, "cannot read the run");
		goto done;
	}
	if (files)
		want = (int64_t)s->nfiles;
	else if (tb->id)
		for (i = 0; i < s->nfiles; i++)
			want += m->rows[(s->first_file + i) * m->nid + tb->idx];
	if ((files || tb->id) && copied != want)
		goto changed;
	goto done;
changed:
	rc = aud_err_set(err, AUD_ESTORE,
			 "%s: run %lld changed while it was being merged "
			 "(table %s)",
			 s->path, (long long)s->run_id, tb->name);
done:
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	aud_buf_free(&cs);
	aud_buf_free(&ph);
	return rc;
}

/* Everything of one source: its inputs and per-input rows, its allowlist
 * counts of no input (from a version-1 database), the scanned runs it
 * holds. */
static int copy_source(aud_merge *m, size_t pos, sqlite3 *dst, int64_t run_id,
		       aud_err *err)
{
	msrc *s = &m->src[m->order[pos]];
	sqlite3 *src = NULL;
	sqlite3_stmt *sel = NULL, *ins = NULL;
	size_t t;
	int rc;

	if ((rc = src_open(&src, s, err)) ||
	    (rc = copy_table(m, s, src, dst, run_id, &m->files_t, err)))
		goto done;
	for (t = 0; t < m->ntables && !rc; t++)
		rc = copy_table(m, s, src, dst, run_id, &m->tables[t], err);
	if (rc)
		goto done;
	if (sqlite3_prepare_v2(src,
			       "SELECT entity, count FROM suppressed_by_file "
			       "WHERE run_id = ?1 AND file_id IS NULL",
			       -1, &sel, NULL) != SQLITE_OK) {
		rc = sql_fail(err, src, s->path, "cannot read the run");
		goto done;
	}
	if (sqlite3_prepare_v2(dst,
			       "INSERT INTO suppressed_by_file (run_id, "
			       "file_id, entity, count) VALUES (?1, NULL, ?2, "
			       "?3)",
			       -1, &ins, NULL) != SQLITE_OK) {
		rc = dst_fail(err, dst, "cannot write merged rows");
		goto done;
	}
	sqlite3_bind_int64(sel, 1, s->run_id);
	while (sqlite3_step(sel) == SQLITE_ROW) {
		sqlite3_bind_int64(ins, 1, run_id);
		sqlite3_bind_value(ins, 2, sqlite3_column_value(sel, 0));
		sqlite3_bind_value(ins, 3, sqlite3_column_value(sel, 1));
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = dst_fail(err, dst, "cannot write merged rows");
			goto done;
		}
		sqlite3_reset(ins);
	}
	sqlite3_finalize(ins);
	ins = NULL;
	if (sqlite3_prepare_v2(dst,
			       "INSERT OR IGNORE INTO run_sources (run_id, "
			       "source_uid, source_db, source_run_id) VALUES "
			       "(?1, ?2, ?3, ?4)",
			       -1, &ins, NULL) != SQLITE_OK) {
		rc = dst_fail(err, dst, "cannot write run_sources");
		goto done;
	}
	for (t = 0; t < s->nset; t++) {
		sqlite3_bind_int64(ins, 1, run_id);
		sqlite3_bind_text(ins, 2, s->set[t].uid, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, s->set[t].db, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 4, s->set[t].run);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = dst_fail(err, dst, "cannot write run_sources");
			goto done;
		}
		sqlite3_reset(ins);
	}
done:
	sqlite3_finalize(sel);
	sqlite3_finalize(ins);
	src_close(src);
	return rc;
}

/* The bias metrics of the merged run, from its summed counters, with the
 * options the sources were scanned with (they all agree). */
static int finish_bias(aud_merge *m, aud_store *s, int64_t run_id, aud_err *err)
{
	const char *o = m->src[m->order[0]].options;
	char *any, *ref_a, *ref_v, *pred, *score, *thr, *share, *exp;
	aud_expected *ex = NULL;
	aud_bias_opts b;
	size_t i;
	int rc = AUD_OK, oom = 0;

	any = mem_text(m,
		       "SELECT COALESCE(json_array_length(?1, '$.group'), 0) + "
		       "COALESCE(json_array_length(?1, '$.intersect'), 0)",
		       o, NULL, &oom);
	ref_a = mem_text(m, "SELECT json_extract(?1, '$.reference.attribute')",
			 o, NULL, &oom);
	ref_v = mem_text(m, "SELECT json_extract(?1, '$.reference.value')", o,
			 NULL, &oom);
	pred = mem_text(m, "SELECT json_extract(?1, '$.prediction')", o, NULL,
			&oom);
	score =
	    mem_text(m, "SELECT json_extract(?1, '$.score')", o, NULL, &oom);
	thr = mem_text(m, "SELECT ?1 -> '$.threshold'", o, NULL, &oom);
	share = mem_text(m, "SELECT ?1 -> '$.min_share'", o, NULL, &oom);
	exp = mem_text(m, "SELECT json_type(?1, '$.expected_shares')", o, NULL,
		       &oom);
	if (oom) {
		rc = nomem(err);
		goto done;
	}
	if (!any || strcmp(any, "0") == 0)
		goto done; /* no bias audit */
	memset(&b, 0, sizeof b);
	b.reference_attr = ref_a;
	b.reference_value = ref_a ? (ref_v ? ref_v : "") : NULL;
	b.prediction = pred;
	b.score = score;
	b.has_threshold = thr != NULL;
	b.threshold = thr ? strtod(thr, NULL) : 0;
	b.min_share = share ? strtod(share, NULL) : 0.02;
	if (exp && strcmp(exp, "text") == 0) {
		for (i = 0; i < m->nexp && !rc; i++)
			if (i == 0 || cmp_exp(&m->exp[i - 1], &m->exp[i]))
				rc = aud_expected_add(&ex, m->exp[i].attr,
						      m->exp[i].group,
						      m->exp[i].share, err);
		b.expected = ex;
	}
	if (!rc)
		rc = aud_bias_finish(s, run_id, &b, err);
done:
	aud_expected_free(ex);
	free(any);
	free(ref_a);
	free(ref_v);
	free(pred);
	free(score);
	free(thr);
	free(share);
	free(exp);
	return rc;
}

int aud_merge_write(aud_merge *m, aud_store *s, int64_t *run_id, aud_err *err)
{
	sqlite3 *db = aud_store_db(s);
	const msrc *ref;
	aud_run_meta meta;
	aud_err e2;
	size_t i;
	int rc, in_tx = 0;

	*run_id = 0;
	if (!m || !db || m->nin == 0)
		return aud_err_set(err, AUD_EUSAGE, "nothing to merge");
	ref = &m->src[m->order[0]];
	memset(&meta, 0, sizeof meta);
	meta.tool_version = ref->version; /* the detections are its */
	meta.options_json = m->options;
	meta.patterns_sha256 = ref->patsha;
	meta.key_fingerprint = ref->fp;
	meta.key_source = m->keysrc;
	meta.allowlist_sha256 = ref->alsha;
	if ((rc = aud_store_run_begin(s, &meta, run_id, err)))
		return rc;
	if ((rc = aud_store_findings_coming(s, table_rows(m, "findings"), err)))
		goto fail;
	/* The findings' value_hash index takes rows in random order; with
	 * SQLite's default 2 MB of page cache most of them miss. 64 MB,
	 * whatever the input, keeps the copy near SQLite's insert speed
	 * while the run keeps the index up. */
	sqlite3_exec(db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		rc = dst_fail(err, db, "cannot begin transaction");
		goto fail;
	}
	in_tx = 1;
	if ((rc = assign_ids(m, db, err)))
		goto fail;
	for (i = 0; i < m->nin; i++)
		if ((rc = copy_source(m, i, db, *run_id, err)))
			goto fail;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = dst_fail(err, db, "cannot commit");
		goto fail;
	}
	in_tx = 0;
	if ((rc = finish_bias(m, s, *run_id, err)))
		goto fail;
	return aud_store_run_end(s, *run_id, "complete", err);
fail:
	if (in_tx && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	aud_err_clear(&e2);
	aud_store_run_end(s, *run_id, "failed", &e2);
	return rc;
}

static void table_free(mtable *t)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		free(t->cols[i]);
	free(t->cols);
	free(t->name);
	free(t->id);
}

void aud_merge_free(aud_merge *m)
{
	size_t i, j;

	if (!m)
		return;
	for (i = 0; i < m->nsrc; i++) {
		msrc *s = &m->src[i];

		for (j = 0; j < s->nset; j++) {
			free(s->set[j].uid);
			free(s->set[j].db);
		}
		free(s->set);
		free(s->real);
		free(s->uid);
		free(s->status);
		free(s->options);
		free(s->patsha);
		free(s->fp);
		free(s->keysrc);
		free(s->alsha);
		free(s->version);
	}
	for (i = 0; i < m->nfiles; i++) {
		free(m->files[i].path);
		free(m->files[i].sha);
	}
	for (i = 0; i < m->ntables; i++)
		table_free(&m->tables[i]);
	table_free(&m->files_t);
	for (i = 0; i < m->nunknown; i++)
		free(m->unknown[i]);
	for (i = 0; i < m->nexp; i++) {
		free(m->exp[i].attr);
		free(m->exp[i].group);
	}
	free(m->exp);
	free(m->unknown);
	free(m->tables);
	free(m->files);
	free(m->forder);
	free(m->rows);
	free(m->base);
	free(m->order);
	free(m->src);
	free(m->options);
	free(m->keysrc);
	sqlite3_close(m->mem);
	free(m);
}
