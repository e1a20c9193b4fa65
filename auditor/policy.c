/*
 * policy.c: the CI gates of `--fail-on`. A policy is parsed once into a
 * list of rules (subject, measure, operator, number) and then evaluated
 * against one run of the results store, with every figure read back from
 * SQLite so that `scan` and `report` give the same verdict. This module
 * only counts and compares: printing the broken rules and choosing the exit
 * code is the command-line layer's job, and the figures themselves (what a
 * finding, a record or an impact ratio is) are defined by the scanner, the
 * store and the bias audit.
 *
 * Policy text never reaches SQL: every query is a constant string and the
 * entity name, run id and group members are bound parameters.
 */
#include "auditor/policy.h"

#include <ctype.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a rule measures. */
enum subject {
	SUB_ENTITY,   /* findings of one entity */
	SUB_SECRETS,  /* findings of the secrets group */
	SUB_PII,      /* findings of the pii group */
	SUB_ANY,      /* all findings */
	SUB_IMPACT,   /* lowest eligible impact ratio */
	SUB_SCORING,  /* lowest eligible scoring impact ratio */
	SUB_PVALUE,   /* lowest eligible p-value */
	SUB_PROBLEMS, /* SUM(files.problems) */
	SUB_FAILED,   /* files with status 'failed' */
	SUB_KANON_K,  /* k-anonymity: the smallest equivalence class */
	SUB_KANON_L,  /* l-diversity */
	SUB_BELOW_K,  /* records in classes under k (.rate: their share) */
	SUB_UNIQUE    /* records alone in their class (.rate: share) */
};

enum measure { M_COUNT, M_RATE, M_DISTINCT };

enum op { OP_GT, OP_GE, OP_LT, OP_LE, OP_EQ, OP_NE };

struct rule {
	char *text;   /* normalised rule, e.g. "US_SSN.rate>1e-4" */
	char *entity; /* SUB_ENTITY only */
	enum subject sub;
	enum measure m;
	enum op op;
	double num;
};

struct aud_policy {
	struct rule *r;
	size_t n;
};

/* The entities of patterns/secrets*.pat. Kept here rather than read from
 * the pattern files so that a report on an old database classifies the
 * same way whatever pattern files are installed now. */
static const char *const secrets[] = {
	"AWS_ACCESS_KEY",  "AWS_SECRET_KEY", "GITHUB_TOKEN",
	"GITLAB_TOKEN",    "SLACK_TOKEN",    "SLACK_WEBHOOK",
	"STRIPE_KEY",      "GOOGLE_API_KEY", "OPENAI_API_KEY",
	"ANTHROPIC_API_KEY", "TWILIO_KEY",   "SENDGRID_KEY",
	"NPM_TOKEN",       "PRIVATE_KEY",    "JWT",
	"URL_CREDENTIALS", "GENERIC_SECRET",
};
#define NSECRETS (sizeof secrets / sizeof secrets[0])

/* Not a finding (markers left by earlier scrubbers), so never pii. */
static const char marker_entity[] = "REDACTION_MARKER";

static const struct {
	const char *word;
	enum subject sub;
} keywords[] = {
	{"secrets", SUB_SECRETS},
	{"pii", SUB_PII},
	{"any", SUB_ANY},
	{"impact_ratio", SUB_IMPACT},
	{"scoring_impact_ratio", SUB_SCORING},
	{"p_value", SUB_PVALUE},
	{"problems", SUB_PROBLEMS},
	{"failed_inputs", SUB_FAILED},
	{"k_anonymity", SUB_KANON_K},
	{"l_diversity", SUB_KANON_L},
	{"records_below_k", SUB_BELOW_K},
	{"unique_records", SUB_UNIQUE},
};

static const char *const opnames[] = {">", ">=", "<", "<=", "==", "!="};

static const char subjects_hint[] =
	"an upper-case entity name such as US_SSN, or one of secrets, pii, "
	"any, impact_ratio, scoring_impact_ratio, p_value, problems, "
	"failed_inputs, k_anonymity, l_diversity, records_below_k, "
	"unique_records";

int aud_policy_entity_in_group(const char *entity, const char *group)
{
	size_t i;
	int secret = 0;

	if (!group)
		return -1;
	if (strcmp(group, "secrets") != 0 && strcmp(group, "pii") != 0 &&
	    strcmp(group, "any") != 0)
		return -1;
	if (!entity)
		return 0;
	if (strcmp(group, "any") == 0)
		return 1;
	for (i = 0; i < NSECRETS; i++)
		if (strcmp(entity, secrets[i]) == 0)
			secret = 1;
	if (strcmp(group, "secrets") == 0)
		return secret;
	return !secret && strcmp(entity, marker_entity) != 0;
}

size_t aud_policy_rules(const aud_policy *p)
{
	return p ? p->n : 0;
}

void aud_policy_free(aud_policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++) {
		free(p->r[i].text);
		free(p->r[i].entity);
	}
	free(p->r);
	free(p);
}

/* ---- parsing ---------------------------------------------------------- */

static char *dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static int is_word(int c)
{
	return isalnum((unsigned char)c) || c == '_';
}

static const char *skip_ws(const char *s, const char *end)
{
	while (s < end && isspace((unsigned char)*s))
		s++;
	return s;
}

/* Rule texts in messages are cut so a long policy cannot overflow them. */
#define SHOW 100

static int parse_rule(struct rule *r, const char *s, const char *end,
		      size_t idx, aud_err *err)
{
	const char *name, *suf = NULL, *num, *p;
	size_t nlen, slen = 0, numlen, i;
	int upper = 1, found = 0, rl;
	char numbuf[64], *ep;
	aud_buf t = {0};

	memset(r, 0, sizeof *r);
	s = skip_ws(s, end);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	rl = (int)(end - s > SHOW ? SHOW : end - s);
	if (s == end)
		return aud_err_set(err, AUD_EUSAGE,
				   "--fail-on: rule %zu is empty (two commas "
				   "in a row, or a comma at either end)",
				   idx);

	/* Subject. */
	name = p = s;
	while (p < end && is_word(*p))
		p++;
	nlen = (size_t)(p - name);
	if (nlen == 0)
		return aud_err_set(err, AUD_EUSAGE,
				   "--fail-on: rule '%.*s': expected %s "
				   "before the operator",
				   rl, s, subjects_hint);
	p = skip_ws(p, end);
	if (p < end && *p == '.') {
		p = skip_ws(p + 1, end);
		suf = p;
		while (p < end && is_word(*p))
			p++;
		slen = (size_t)(p - suf);
		p = skip_ws(p, end);
	}

	if (!isupper((unsigned char)name[0]))
		upper = 0;
	for (i = 0; i < nlen; i++)
		if (islower((unsigned char)name[i]))
			upper = 0;
	if (upper) {
		r->sub = SUB_ENTITY;
		found = 1;
	} else {
		for (i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
			if (strlen(keywords[i].word) == nlen &&
			    memcmp(keywords[i].word, name, nlen) == 0) {
				r->sub = keywords[i].sub;
				found = 1;
			}
	}
	if (!found)
		return aud_err_set(err, AUD_EUSAGE,
				   "--fail-on: rule '%.*s': unknown subject "
				   "'%.*s' (expected %s)",
				   rl, s, (int)(nlen > SHOW ? SHOW : nlen),
				   name, subjects_hint);

	r->m = M_COUNT;
	if (suf) {
		int takes = r->sub <= SUB_ANY;
		int share = r->sub == SUB_BELOW_K || r->sub == SUB_UNIQUE;

		if ((takes || share) && slen == 4 &&
		    memcmp(suf, "rate", 4) == 0)
			r->m = M_RATE;
		else if (takes && slen == 8 && memcmp(suf, "distinct", 8) == 0)
			r->m = M_DISTINCT;
		else if (share)
			return aud_err_set(err, AUD_EUSAGE,
					   "--fail-on: rule '%.*s': '%.*s' "
					   "takes only '.rate' (its share of "
					   "the records)",
					   rl, s, (int)nlen, name);
		else if (!takes)
			return aud_err_set(err, AUD_EUSAGE,
					   "--fail-on: rule '%.*s': '%.*s' "
					   "takes no suffix such as '.%.*s' "
					   "(.rate and .distinct are for "
					   "entities, secrets, pii and any; "
					   ".rate also for records_below_k "
					   "and unique_records)",
					   rl, s, (int)nlen, name,
					   (int)(slen > SHOW ? SHOW : slen),
					   suf);
		else
			return aud_err_set(err, AUD_EUSAGE,
					   "--fail-on: rule '%.*s': unknown "
					   "suffix '.%.*s' (expected .rate or "
					   ".distinct)",
					   rl, s,
					   (int)(slen > SHOW ? SHOW : slen),
					   suf);
	}

	/* Operator: the two-character ones first, so ">=" is not read as
	 * ">" followed by "=0". */
	found = 0;
	for (i = 0; i < 2 && !found; i++) {
		size_t w = 2 - i, k;

		for (k = 0; k < 6 && !found; k++)
			if (strlen(opnames[k]) == w &&
			    (size_t)(end - p) >= w &&
			    memcmp(p, opnames[k], w) == 0) {
				r->op = (enum op)k;
				p += w;
				found = 1;
			}
	}
	if (!found)
		return aud_err_set(err, AUD_EUSAGE,
				   "--fail-on: rule '%.*s': missing operator "
				   "after the subject (expected one of > >= "
				   "< <= == != and a number%s)",
				   rl, s,
				   p < end && *p == '=' ? "; write == for "
							  "equality"
							: "");

	/* Number: the whole rest, in strtod syntax, finite. */
	num = skip_ws(p, end);
	numlen = (size_t)(end - num);
	if (numlen == 0)
		return aud_err_set(err, AUD_EUSAGE,
				   "--fail-on: rule '%.*s': missing number "
				   "after the operator",
				   rl, s);
	if (numlen >= sizeof numbuf)
		return aud_err_set(err, AUD_EUSAGE,
				   "--fail-on: rule '%.*s': '%.*s' is not a "
				   "number",
				   rl, s, SHOW > numlen ? (int)numlen : SHOW,
				   num);
	memcpy(numbuf, num, numlen);
	numbuf[numlen] = '\0';
	r->num = strtod(numbuf, &ep);
	if (ep == numbuf || *ep != '\0' || !isfinite(r->num))
		return aud_err_set(err, AUD_EUSAGE,
				   "--fail-on: rule '%.*s': '%s' is not a "
				   "number (write e.g. 0, 0.8 or 1e-4)",
				   rl, s, numbuf);

	/* The text shown for a broken rule, without the spaces. */
	if (aud_buf_append(&t, name, nlen) ||
	    (suf && (aud_buf_append(&t, ".", 1) ||
		     aud_buf_append(&t, suf, slen))) ||
	    aud_buf_append(&t, opnames[r->op], strlen(opnames[r->op])) ||
	    aud_buf_append(&t, numbuf, numlen + 1))
		goto nomem;
	r->text = t.p;
	if (r->sub == SUB_ENTITY && !(r->entity = dupn(name, nlen))) {
		free(r->text);
		r->text = NULL;
		goto nomem;
	}
	return 0;
nomem:
	aud_buf_free(&t);
	return aud_err_set(err, AUD_ENOMEM, "out of memory");
}

static int is_word_policy(const char *text, const char *word)
{
	const char *s = text, *e = text + strlen(text);
	size_t n = strlen(word);

	s = skip_ws(s, e);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return (size_t)(e - s) == n && memcmp(s, word, n) == 0;
}

int aud_policy_parse(aud_policy **out, const char *text, aud_err *err)
{
	aud_policy *p;
	const char *s, *c;
	size_t n = 1, i;
	int rc;

	if (!out)
		return aud_err_set(err, AUD_EUSAGE, "policy: no output");
	*out = NULL;
	if (!text || *skip_ws(text, text + strlen(text)) == '\0')
		return aud_err_set(err, AUD_EUSAGE,
				   "--fail-on: empty policy (write rules such "
				   "as US_SSN>0,secrets>0, or 'none')");
	p = calloc(1, sizeof *p);
	if (!p)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	if (is_word_policy(text, "none")) {
		*out = p;
		return 0;
	}
	if (is_word_policy(text, "any"))
		text = "any>0";
	for (c = text; *c; c++)
		if (*c == ',')
			n++;
	p->r = calloc(n, sizeof *p->r);
	if (!p->r) {
		free(p);
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	}
	s = text;
	for (i = 0; i < n; i++) {
		c = strchr(s, ',');
		if (!c)
			c = s + strlen(s);
		rc = parse_rule(&p->r[i], s, c, i + 1, err);
		if (rc) {
			aud_policy_free(p);
			return rc;
		}
		p->n++;
		s = c + 1;
	}
	*out = p;
	return 0;
}

/* ---- evaluation ------------------------------------------------------- */

static int dberr(sqlite3 *db, aud_err *err, const char *what)
{
	return aud_err_set(err, AUD_ESTORE, "policy: %s: %s", what,
			   sqlite3_errmsg(db));
}

/* Runs a one-row query of integers with ?1 = run_id; the remaining
 * parameters are the nb strings of binds. Fills out[0..nout) (0 for NULL
 * or no row). */
static int q_ints(sqlite3 *db, const char *sql, int64_t run_id,
		  const char *const *binds, size_t nb, int64_t *out,
		  int nout, aud_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc, i, b;
	size_t k;

	for (i = 0; i < nout; i++)
		out[i] = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return dberr(db, err, "cannot query the store");
	b = sqlite3_bind_int64(st, 1, run_id);
	for (k = 0; k < nb; k++)
		b |= sqlite3_bind_text(st, (int)k + 2, binds[k], -1,
				       SQLITE_STATIC);
	if (b != SQLITE_OK) {
		rc = dberr(db, err, "cannot query the store");
		goto done;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		for (i = 0; i < nout; i++)
			out[i] = sqlite3_column_int64(st, i);
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = dberr(db, err, "cannot query the store");
	}
done:
	sqlite3_finalize(st);
	return rc;
}

/* Findings and distinct values of a subject. The group queries list the
 * secret entities as bound parameters ?2..?N+1 (N fixed by the table
 * above), so the SQL text is built from constants only. */
static int q_findings(sqlite3 *db, int64_t run_id, const struct rule *r,
		      int baseline, int64_t out[2], aud_err *err)
{
	/* With a baseline loaded (store.h), its known findings leave the
	 * counts: they are accepted. */
	const char *head =
		baseline
			? "SELECT COUNT(*), COUNT(DISTINCT value_hash) FROM "
			  "findings WHERE run_id = ?1 AND evidence <> "
			  "'placeholder' AND NOT EXISTS (SELECT 1 FROM "
			  "temp.auditor_baseline b WHERE b.entity = "
			  "findings.entity AND b.value_hash = "
			  "findings.value_hash AND b.field = "
			  "aud_fold_field(findings.field))"
			: "SELECT COUNT(*), COUNT(DISTINCT value_hash) FROM "
			  "findings WHERE run_id = ?1 AND evidence <> "
			  "'placeholder'";
	const char *binds[NSECRETS + 1];
	char sql[512 + 64 + 5 * (NSECRETS + 1)];
	size_t nb = 0, i, len;

	if (r->sub == SUB_ENTITY) {
		binds[0] = r->entity;
		snprintf(sql, sizeof sql, "%s AND entity = ?2", head);
		return q_ints(db, sql, run_id, binds, 1, out, 2, err);
	}
	if (r->sub == SUB_ANY)
		return q_ints(db, head, run_id, NULL, 0, out, 2, err);
	for (i = 0; i < NSECRETS; i++)
		binds[nb++] = secrets[i];
	if (r->sub == SUB_PII)
		binds[nb++] = marker_entity;
	len = (size_t)snprintf(sql, sizeof sql, "%s AND entity %s (", head,
			       r->sub == SUB_PII ? "NOT IN" : "IN");
	for (i = 0; i < nb && len < sizeof sql; i++)
		len += (size_t)snprintf(sql + len, sizeof sql - len, "%s?%zu",
					i ? "," : "", i + 2);
	if (len + 2 > sizeof sql)
		return aud_err_set(err, AUD_ESTORE, "policy: query too long");
	strcpy(sql + len, ")");
	return q_ints(db, sql, run_id, binds, nb, out, 2, err);
}

static const char *plural(int64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* The lowest eligible value of a bias metric, with its group. Sets *have
 * to 0 when no eligible group has the metric. */
static int q_lowest(sqlite3 *db, int64_t run_id, enum subject sub,
		    double *v, int *have, char *detail, size_t cap,
		    aud_err *err)
{
	static const char *const sql[] = {
		"SELECT impact_ratio, attribute, group_value FROM group_metrics"
		" WHERE run_id = ?1 AND eligible = 1 AND impact_ratio IS NOT"
		" NULL ORDER BY impact_ratio, attribute, group_value LIMIT 1",
		"SELECT scoring_impact_ratio, attribute, group_value FROM"
		" group_metrics WHERE run_id = ?1 AND eligible = 1 AND"
		" scoring_impact_ratio IS NOT NULL ORDER BY"
		" scoring_impact_ratio, attribute, group_value LIMIT 1",
		"SELECT p_value, attribute, group_value FROM group_metrics"
		" WHERE run_id = ?1 AND eligible = 1 AND p_value IS NOT NULL"
		" ORDER BY p_value, attribute, group_value LIMIT 1",
	};
	static const char *const what[] = {
		"lowest impact ratio",
		"lowest scoring impact ratio",
		"lowest p-value",
	};
	int k = sub == SUB_IMPACT ? 0 : sub == SUB_SCORING ? 1 : 2;
	sqlite3_stmt *st = NULL;
	const unsigned char *a, *g;
	int rc;

	*have = 0;
	if (sqlite3_prepare_v2(db, sql[k], -1, &st, NULL) != SQLITE_OK)
		return dberr(db, err, "cannot query the bias audit");
	if (sqlite3_bind_int64(st, 1, run_id) != SQLITE_OK) {
		rc = dberr(db, err, "cannot query the bias audit");
		goto done;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_double(st, 0);
		a = sqlite3_column_text(st, 1);
		g = sqlite3_column_text(st, 2);
		snprintf(detail, cap, "%s %g (%.100s = %.100s)", what[k], *v,
			 a ? (const char *)a : "", g ? (const char *)g : "");
		*have = 1;
		rc = 0;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = dberr(db, err, "cannot query the bias audit");
	}
done:
	sqlite3_finalize(st);
	return rc;
}

/* A re-identification figure of the run (kanon_metrics). *have = 0 when
 * the run did not measure it (no --quasi-identifiers, no --sensitive, no
 * record, or a database older than the table). */
static int q_kanon(sqlite3 *db, int64_t run_id, const struct rule *r,
		   double *v, int *have, char *detail, size_t cap,
		   aud_err *err)
{
	sqlite3_stmt *st = NULL;
	int64_t t;
	int rc, col = r->sub == SUB_KANON_K   ? 0
		      : r->sub == SUB_KANON_L ? 1
		      : r->sub == SUB_BELOW_K ? 2
					      : 3;
	int64_t n, records, k;

	*have = 0;
	if ((rc = q_ints(db,
			 "SELECT COUNT(*) FROM sqlite_schema WHERE type = "
			 "'table' AND name = 'kanon_metrics' AND ?1 = ?1",
			 run_id, NULL, 0, &t, 1, err)) ||
	    !t)
		return rc;
	if (sqlite3_prepare_v2(db,
			       "SELECT k_anonymity, l_diversity, "
			       "records_below_k, unique_records, records, k, "
			       "quasi_identifiers, sensitive FROM "
			       "kanon_metrics WHERE run_id = ?1",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, run_id) != SQLITE_OK) {
		rc = dberr(db, err, "cannot query the re-identification risk");
		goto done;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		rc = 0;
		goto done;
	}
	if (rc != SQLITE_ROW) {
		rc = dberr(db, err, "cannot query the re-identification risk");
		goto done;
	}
	rc = 0;
	records = sqlite3_column_int64(st, 4);
	k = sqlite3_column_int64(st, 5);
	if (sqlite3_column_type(st, col) == SQLITE_NULL || records == 0)
		goto done;
	n = sqlite3_column_int64(st, col);
	*have = 1;
	*v = r->m == M_RATE ? (double)n / (double)records : (double)n;
	if (col == 0 || col == 1)
		snprintf(detail, cap, "%s %lld (%.200s)",
			 col ? "l-diversity" : "k-anonymity", (long long)n,
			 (const char *)sqlite3_column_text(st, col ? 7 : 6));
	else if (r->m == M_RATE)
		snprintf(detail, cap, "rate %g (%lld of %lld records %s)", *v,
			 (long long)n, (long long)records,
			 col == 2 ? "in classes under k" : "unique");
	else if (col == 2)
		snprintf(detail, cap, "%lld %s in classes under %lld",
			 (long long)n, plural(n, "record", "records"),
			 (long long)k);
	else
		snprintf(detail, cap, "%lld unique %s", (long long)n,
			 plural(n, "record", "records"));
done:
	sqlite3_finalize(st);
	return rc;
}

static int holds(enum op op, double v, double x)
{
	switch (op) {
	case OP_GT:
		return v > x;
	case OP_GE:
		return v >= x;
	case OP_LT:
		return v < x;
	case OP_LE:
		return v <= x;
	case OP_EQ:
		return v == x;
	case OP_NE:
		return v != x;
	}
	return 0;
}

/* The rule's figure in *v and words in detail; *have = 0 when there is no
 * figure (a bias rule on a run without an eligible group). */
static int measure(sqlite3 *db, int64_t run_id, const struct rule *r,
		   int64_t *records, double *v, int *have, char *detail,
		   size_t cap, aud_err *err, int baseline)
{
	int64_t q[2] = { 0, 0 };
	int rc;

	*have = 1;
	switch (r->sub) {
	case SUB_IMPACT:
	case SUB_SCORING:
	case SUB_PVALUE:
		return q_lowest(db, run_id, r->sub, v, have, detail, cap, err);
	case SUB_KANON_K:
	case SUB_KANON_L:
	case SUB_BELOW_K:
	case SUB_UNIQUE:
		return q_kanon(db, run_id, r, v, have, detail, cap, err);
	case SUB_PROBLEMS:
		rc = q_ints(db,
			    "SELECT COALESCE(SUM(problems), 0) FROM files"
			    " WHERE run_id = ?1",
			    run_id, NULL, 0, q, 1, err);
		*v = (double)q[0];
		snprintf(detail, cap, "%lld %s", (long long)q[0],
			 plural(q[0], "problem", "problems"));
		return rc;
	case SUB_FAILED:
		rc = q_ints(db,
			    "SELECT COUNT(*) FROM files WHERE run_id = ?1"
			    " AND status = 'failed'",
			    run_id, NULL, 0, q, 1, err);
		*v = (double)q[0];
		snprintf(detail, cap, "%lld %s", (long long)q[0],
			 plural(q[0], "failed input", "failed inputs"));
		return rc;
	default:
		break;
	}
	if ((rc = q_findings(db, run_id, r, baseline, q, err)))
		return rc;
	if (r->m == M_DISTINCT) {
		*v = (double)q[1];
		snprintf(detail, cap, "%lld %s", (long long)q[1],
			 plural(q[1], "distinct value", "distinct values"));
	} else if (r->m == M_RATE) {
		if (*records < 0) {
			int64_t t;

			rc = q_ints(db,
				    "SELECT COALESCE(SUM(records), 0) FROM"
				    " files WHERE run_id = ?1",
				    run_id, NULL, 0, &t, 1, err);
			if (rc)
				return rc;
			*records = t;
		}
		*v = *records > 0 ? (double)q[0] / (double)*records : 0.0;
		snprintf(detail, cap, "rate %g (%lld %s in %lld %s)", *v,
			 (long long)q[0], plural(q[0], "finding", "findings"),
			 (long long)*records,
			 plural(*records, "record", "records"));
	} else {
		*v = (double)q[0];
		snprintf(detail, cap, "%lld %s", (long long)q[0],
			 plural(q[0], "finding", "findings"));
	}
	return 0;
}

int aud_policy_check(const aud_policy *p, aud_store *s, int64_t run_id,
		     aud_policy_fn fn, void *ctx, aud_err *err)
{
	sqlite3 *db;
	int64_t exists, records = -1;
	char detail[512];
	double v = 0;
	int have, rc, broken = 0;
	size_t i;

	if (!p || !s || !(db = aud_store_db(s)))
		return aud_err_set(err, AUD_EUSAGE, "policy: no policy or "
						    "store");
	/* A gate on a run that is not there must not pass silently. */
	rc = q_ints(db, "SELECT COUNT(*) FROM runs WHERE run_id = ?1", run_id,
		    NULL, 0, &exists, 1, err);
	if (rc)
		return rc;
	if (!exists)
		return aud_err_set(err, AUD_EUSAGE,
				   "policy: run %lld is not in the database",
				   (long long)run_id);
	for (i = 0; i < p->n; i++) {
		detail[0] = '\0';
		rc = measure(db, run_id, &p->r[i], &records, &v, &have, detail,
			     sizeof detail, err, aud_store_has_baseline(s));
		if (rc)
			return rc;
		if (!have || !holds(p->r[i].op, v, p->r[i].num))
			continue;
		broken++;
		if (fn)
			fn(ctx, p->r[i].text, detail);
	}
	return broken;
}
