/*
 * test_policy.c: --fail-on policies. Parsing is checked on valid policies
 * and on each kind of mistake; evaluation runs against a real SQLite
 * database written through the store API in a temporary directory, with
 * every expected figure worked out by hand from the rows written below.
 *
 * Run 1 (two inputs, 6000 + 4000 = 10000 records, 2 + 1 = 3 problems, the
 * second input failed):
 *   US_SSN          21 real findings, hashes h1 x10, h2 x10, h3 x1 (3
 *                   distinct), plus 5 placeholders with hash h4
 *   EMAIL_ADDRESS   4 real, hashes e1 x2, e2 x2 (2 distinct)
 *   AWS_ACCESS_KEY  2 real, hash k1
 *   GITHUB_TOKEN    1 real, hash k2, plus 1 placeholder hash k3
 *   so secrets = 3 findings / 2 distinct, pii = 25 / 5, any = 28 / 7.
 *   Bias: sex M (eligible, ratio 1), F (eligible, ratio 0.62, p 0.003,
 *   scoring ratio 0.5), X (not eligible, ratio 0.3, p 0.0001, scoring
 *   0.1); race A (eligible, 1), B (eligible, 0.75, p 0.001, scoring 0.7),
 *   C (eligible, ratio and p unknown = NULL).
 *   Lowest eligible: impact 0.62 (sex = F), scoring 0.5 (sex = F),
 *   p-value 0.001 (race = B).
 * Run 2: one input of 0 records, nothing found, no bias audit.
 */
#include "auditor/fairness.h"
#include "auditor/policy.h"
#include "auditor/store.h"
#include "harness.h"

#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tdir[256];
static aud_store *st;
static int64_t run1, run2;

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

/* ---- parsing ---------------------------------------------------------- */

static int parses(const char *text, size_t *rules)
{
	aud_policy *p = NULL;
	aud_err err;
	int rc;

	aud_err_clear(&err);
	rc = aud_policy_parse(&p, text, &err);
	if (rc == 0 && rules)
		*rules = aud_policy_rules(p);
	if (rc == 0 && !p)
		rc = -100;
	aud_policy_free(p);
	return rc;
}

/* The parse fails with AUD_EUSAGE and a message holding want. */
static void bad(const char *text, const char *want)
{
	aud_policy *p = (aud_policy *)&p; /* must be reset to NULL */
	aud_err err;
	int rc;

	aud_err_clear(&err);
	rc = aud_policy_parse(&p, text, &err);
	CHECK_EQ_INT(rc, AUD_EUSAGE);
	CHECK(p == NULL);
	CHECK_EQ_INT(err.code, AUD_EUSAGE);
	if (!strstr(err.msg, want)) {
		t_fail++;
		fprintf(stderr, "policy '%s': message '%s' lacks '%s'\n",
			text, err.msg, want);
	} else {
		t_pass++;
	}
}

static void test_parse_valid(void)
{
	size_t n = 99;

	CHECK_EQ_INT(parses("US_SSN>0", &n), 0);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_INT(parses("US_SSN>0,secrets>0,EMAIL_ADDRESS.rate>1e-4,"
			    "impact_ratio<0.8", &n), 0);
	CHECK_EQ_INT(n, 4);
	CHECK_EQ_INT(parses(" US_SSN . distinct >= 2 , pii.rate<=0.5 ,"
			    "any!=0,scoring_impact_ratio < .8,"
			    "p_value<0.05,problems==0,failed_inputs>0", &n),
		     0);
	CHECK_EQ_INT(n, 7);
	CHECK_EQ_INT(parses("secrets.distinct>0,any.rate>-1,NO_SUCH_ENTITY>0",
			    &n),
		     0);
	CHECK_EQ_INT(n, 3);
	CHECK_EQ_INT(parses("any", &n), 0);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_INT(parses("  none ", &n), 0);
	CHECK_EQ_INT(n, 0);
	CHECK_EQ_INT(parses("\tany\n", &n), 0);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_INT(parses("US_SSN>+1.5E+2", &n), 0);
	CHECK_EQ_INT(parses("CREDIT_CARD2>0", &n), 0);
}

static void test_parse_errors(void)
{
	bad("", "empty policy");
	bad("   ", "empty policy");
	bad("US_SSN>0,,x", "rule 2 is empty");
	bad("US_SSN>0,", "rule 2 is empty");
	bad(",US_SSN>0", "rule 1 is empty");
	bad("US_SSN>0, ,secrets>0", "rule 2 is empty");
	bad("bogus>0", "unknown subject 'bogus'");
	bad("Us_ssn>0", "unknown subject 'Us_ssn'");
	bad("Secrets>0", "unknown subject 'Secrets'");
	bad(">0", "expected an upper-case entity name");
	bad("impact_ratio.rate<0.8", "'impact_ratio' takes no suffix");
	bad("problems.distinct>0", "'problems' takes no suffix");
	bad("US_SSN.foo>0", "unknown suffix '.foo'");
	bad("secrets.>0", "unknown suffix '.'");
	bad("US_SSN", "missing operator");
	bad("US_SSN 0", "missing operator");
	bad("US_SSN=0", "write == for equality");
	bad("US_SSN=>0", "missing operator");
	bad("any,US_SSN>0", "rule 'any': missing operator");
	bad("US_SSN>", "missing number");
	bad("US_SSN>abc", "'abc' is not a number");
	bad("US_SSN>1e-4x", "'1e-4x' is not a number");
	bad("US_SSN>1 2", "'1 2' is not a number");
	bad("US_SSN>nan", "'nan' is not a number");
	bad("US_SSN>inf", "'inf' is not a number");
	bad("US_SSN>>0", "'>0' is not a number");
	bad("US_SSN>0,secrets>x", "rule 'secrets>x'");
	CHECK_EQ_INT(aud_policy_parse(&(aud_policy *){NULL}, NULL, NULL),
		     AUD_EUSAGE);
}

static void test_groups(void)
{
	CHECK_EQ_INT(aud_policy_entity_in_group("AWS_ACCESS_KEY", "secrets"),
		     1);
	CHECK_EQ_INT(aud_policy_entity_in_group("GENERIC_SECRET", "secrets"),
		     1);
	CHECK_EQ_INT(aud_policy_entity_in_group("JWT", "secrets"), 1);
	CHECK_EQ_INT(aud_policy_entity_in_group("ANTHROPIC_API_KEY",
						"secrets"), 1);
	CHECK_EQ_INT(aud_policy_entity_in_group("URL_CREDENTIALS", "secrets"),
		     1);
	CHECK_EQ_INT(aud_policy_entity_in_group("JWT", "pii"), 0);
	CHECK_EQ_INT(aud_policy_entity_in_group("US_SSN", "secrets"), 0);
	CHECK_EQ_INT(aud_policy_entity_in_group("US_SSN", "pii"), 1);
	CHECK_EQ_INT(aud_policy_entity_in_group("EMAIL_ADDRESS", "pii"), 1);
	CHECK_EQ_INT(aud_policy_entity_in_group("REDACTION_MARKER", "pii"), 0);
	CHECK_EQ_INT(aud_policy_entity_in_group("REDACTION_MARKER", "secrets"),
		     0);
	CHECK_EQ_INT(aud_policy_entity_in_group("US_SSN", "any"), 1);
	CHECK_EQ_INT(aud_policy_entity_in_group("US_SSN", "bogus"), -1);
	CHECK_EQ_INT(aud_policy_entity_in_group("US_SSN", "SECRETS"), -1);
	CHECK_EQ_INT(aud_policy_entity_in_group("US_SSN", NULL), -1);
}

/* ---- the database ----------------------------------------------------- */

static int add(int64_t run, int64_t file, const char *entity,
	       const char *evidence, const char *hash, int times)
{
	aud_finding_row f;
	aud_err err;
	int i;

	memset(&f, 0, sizeof f);
	f.run_id = run;
	f.file_id = file;
	f.line = f.byte_offset = f.length = AUD_NOPOS;
	f.field = "col";
	f.field_len = 3;
	f.entity = entity;
	f.pattern_id = "p";
	f.evidence = evidence;
	f.confidence = 0.9;
	f.masked = "***";
	f.value_hash = hash;
	for (i = 0; i < times; i++) {
		f.record = (uint64_t)i + 1;
		if (aud_store_finding_add(st, &f, &err))
			return -1;
	}
	return 0;
}

static int end_file(int64_t file, uint64_t records, uint64_t problems,
		    const char *status)
{
	aud_file_result r;
	aud_err err;

	memset(&r, 0, sizeof r);
	r.size_bytes = -1;
	r.records = records;
	r.problems = problems;
	r.status = status;
	r.error_record = r.error_line = r.error_offset = AUD_NOPOS;
	return aud_store_file_end(st, file, &r, &err);
}

static int group(const char *attr, const char *value, int eligible,
		 double ratio, double p, double scoring)
{
	aud_group_counts g;
	aud_group_metrics m;
	aud_err err;

	memset(&g, 0, sizeof g);
	g.value = value;
	g.n = g.n_outcome = 100;
	memset(&m, 0, sizeof m);
	m.share = m.base_rate = m.selection_rate = NAN;
	m.ci_low = m.ci_high = m.impact_ratio_ref = m.spd_ref = NAN;
	m.tpr = m.fpr = m.fnr = m.ppv = m.npv = NAN;
	m.impact_ratio = ratio;
	m.p_value = p;
	m.eligible = eligible;
	if (aud_store_group_metrics_add(st, run1, attr, &g, &m, NULL, &err))
		return -1;
	if (scoring == scoring &&
	    aud_store_group_scoring_set(st, run1, attr, value, 100, 0.5,
					scoring, &err))
		return -1;
	return 0;
}

static int build(void)
{
	aud_run_meta meta = {"0.1.0", "{}", "0", "0", "random", NULL};
	char path[512];
	int64_t fa, fb, fc;
	aud_err err;

	snprintf(path, sizeof path, "%s/audit.db", tdir);
	if (aud_store_open(&st, path, &err))
		return -1;
	if (aud_store_run_begin(st, &meta, &run1, &err) ||
	    aud_store_file_begin(st, run1, "a.csv", &fa, &err) ||
	    add(run1, fa, "US_SSN", "validated", "h1", 10) ||
	    add(run1, fa, "US_SSN", "pattern", "h2", 6) ||
	    add(run1, fa, "US_SSN", "placeholder", "h4", 3) ||
	    add(run1, fa, "EMAIL_ADDRESS", "pattern", "e1", 2) ||
	    add(run1, fa, "AWS_ACCESS_KEY", "validated", "k1", 2) ||
	    end_file(fa, 6000, 2, "ok") ||
	    aud_store_file_begin(st, run1, "b.jsonl", &fb, &err) ||
	    add(run1, fb, "US_SSN", "context", "h2", 4) ||
	    add(run1, fb, "US_SSN", "pattern", "h3", 1) ||
	    add(run1, fb, "US_SSN", "placeholder", "h4", 2) ||
	    add(run1, fb, "EMAIL_ADDRESS", "pattern", "e2", 2) ||
	    add(run1, fb, "GITHUB_TOKEN", "pattern", "k2", 1) ||
	    add(run1, fb, "GITHUB_TOKEN", "placeholder", "k3", 1) ||
	    end_file(fb, 4000, 1, "failed"))
		return -1;
	if (group("sex", "M", 1, 1.0, NAN, 1.0) ||
	    group("sex", "F", 1, 0.62, 0.003, 0.5) ||
	    group("sex", "X", 0, 0.3, 0.0001, 0.1) ||
	    group("race", "A", 1, 1.0, NAN, 1.0) ||
	    group("race", "B", 1, 0.75, 0.001, 0.7) ||
	    group("race", "C", 1, NAN, NAN, NAN))
		return -1;
	if (aud_store_run_end(st, run1, "complete", &err))
		return -1;
	if (aud_store_run_begin(st, &meta, &run2, &err) ||
	    aud_store_file_begin(st, run2, "empty.csv", &fc, &err) ||
	    end_file(fc, 0, 0, "ok") ||
	    aud_store_run_end(st, run2, "complete", &err))
		return -1;
	return 0;
}

/* Collects "rule: detail\n" lines of broken rules. */
struct out {
	char text[4096];
	int calls;
};

static void collect(void *ctx, const char *rule, const char *detail)
{
	struct out *o = ctx;
	size_t len = strlen(o->text);

	snprintf(o->text + len, sizeof o->text - len, "%s: %s\n", rule,
		 detail);
	o->calls++;
}

/* Evaluates text on run; returns the count and fills o. */
static int eval(const char *text, int64_t run, struct out *o)
{
	aud_policy *p = NULL;
	aud_err err;
	int rc;

	memset(o, 0, sizeof *o);
	aud_err_clear(&err);
	if (aud_policy_parse(&p, text, &err)) {
		fprintf(stderr, "parse '%s': %s\n", text, err.msg);
		return -100;
	}
	rc = aud_policy_check(p, st, run, collect, o, &err);
	if (rc < 0)
		fprintf(stderr, "check '%s': %s\n", text, err.msg);
	aud_policy_free(p);
	return rc;
}

/* One rule on a run: broken (1) with detail want, or not (0, want NULL). */
static void one(const char *text, int64_t run, const char *want)
{
	struct out o;
	char line[1024];
	int rc = eval(text, run, &o);

	CHECK_EQ_INT(rc, want ? 1 : 0);
	CHECK_EQ_INT(o.calls, want ? 1 : 0);
	if (want) {
		snprintf(line, sizeof line, "%s\n", want);
		CHECK_STR(o.text, line);
	}
}

static void test_counts(void)
{
	one("US_SSN>0", run1, "US_SSN>0: 21 findings");
	one("US_SSN>20", run1, "US_SSN>20: 21 findings");
	one("US_SSN>21", run1, NULL);
	one("US_SSN>=21", run1, "US_SSN>=21: 21 findings");
	one("US_SSN>=22", run1, NULL);
	one("US_SSN==21", run1, "US_SSN==21: 21 findings");
	one("US_SSN!=21", run1, NULL);
	one("US_SSN<=21", run1, "US_SSN<=21: 21 findings");
	one("US_SSN<21", run1, NULL);
	one("US_SSN == 2.1e1", run1, "US_SSN==2.1e1: 21 findings");
	/* Placeholders never count: 1 real GitHub token, not 2. */
	one("GITHUB_TOKEN==1", run1, "GITHUB_TOKEN==1: 1 finding");
	one("GITHUB_TOKEN>1", run1, NULL);
	/* An entity no pattern has: 0 findings. */
	one("CREDIT_CARD>0", run1, NULL);
	one("CREDIT_CARD>=0", run1, "CREDIT_CARD>=0: 0 findings");
	one("US_SSN.distinct==3", run1,
	    "US_SSN.distinct==3: 3 distinct values");
	one("US_SSN.distinct>3", run1, NULL);
	one("AWS_ACCESS_KEY.distinct>0", run1,
	    "AWS_ACCESS_KEY.distinct>0: 1 distinct value");
	one("secrets>0", run1, "secrets>0: 3 findings");
	one("secrets>3", run1, NULL);
	one("secrets.distinct==2", run1,
	    "secrets.distinct==2: 2 distinct values");
	one("pii==25", run1, "pii==25: 25 findings");
	one("pii.distinct==5", run1, "pii.distinct==5: 5 distinct values");
	one("any==28", run1, "any==28: 28 findings");
	one("any", run1, "any>0: 28 findings");
	one("any.distinct==7", run1, "any.distinct==7: 7 distinct values");
	one("problems>2", run1, "problems>2: 3 problems");
	one("problems>3", run1, NULL);
	one("failed_inputs>0", run1, "failed_inputs>0: 1 failed input");
	one("failed_inputs>1", run1, NULL);
}

static void test_rates(void)
{
	/* 21 / 10000 = 0.0021; 4 / 10000 = 0.0004; 3 / 10000 = 0.0003. */
	one("US_SSN.rate>0.002", run1,
	    "US_SSN.rate>0.002: rate 0.0021 (21 findings in 10000 records)");
	one("US_SSN.rate>0.0021", run1, NULL);
	one("US_SSN.rate>=0.0021", run1,
	    "US_SSN.rate>=0.0021: rate 0.0021 (21 findings in 10000 records)");
	one("EMAIL_ADDRESS.rate>1e-4", run1,
	    "EMAIL_ADDRESS.rate>1e-4: rate 0.0004 (4 findings in 10000 "
	    "records)");
	one("EMAIL_ADDRESS.rate>4e-4", run1, NULL);
	one("secrets.rate>=3e-4", run1,
	    "secrets.rate>=3e-4: rate 0.0003 (3 findings in 10000 records)");
	one("GITHUB_TOKEN.rate==1e-4", run1,
	    "GITHUB_TOKEN.rate==1e-4: rate 0.0001 (1 finding in 10000 "
	    "records)");
	/* No records: the rate is 0. */
	one("US_SSN.rate>0", run2, NULL);
	one("US_SSN.rate>=0", run2,
	    "US_SSN.rate>=0: rate 0 (0 findings in 0 records)");
}

static void test_bias(void)
{
	/* Eligible only: X (0.3, not eligible) is ignored; C's NULL too. */
	one("impact_ratio<0.8", run1,
	    "impact_ratio<0.8: lowest impact ratio 0.62 (sex = F)");
	one("impact_ratio<0.62", run1, NULL);
	one("impact_ratio<=0.62", run1,
	    "impact_ratio<=0.62: lowest impact ratio 0.62 (sex = F)");
	one("impact_ratio<0.5", run1, NULL);
	one("scoring_impact_ratio<0.8", run1,
	    "scoring_impact_ratio<0.8: lowest scoring impact ratio 0.5 "
	    "(sex = F)");
	one("scoring_impact_ratio<0.5", run1, NULL);
	one("p_value<0.05", run1, "p_value<0.05: lowest p-value 0.001 "
				  "(race = B)");
	one("p_value<0.001", run1, NULL);
	/* No bias audit in run 2: such rules cannot be broken. */
	one("impact_ratio<0.8", run2, NULL);
	one("impact_ratio>=0", run2, NULL);
	one("p_value<1", run2, NULL);
}

static void test_several(void)
{
	struct out o;
	aud_policy *p = NULL;
	aud_err err;

	/* One call per broken rule, in policy order. */
	CHECK_EQ_INT(eval("US_SSN>0,CREDIT_CARD>0,secrets>0,"
			  "EMAIL_ADDRESS.rate>1e-4,impact_ratio<0.8,"
			  "failed_inputs>0,problems>100",
			  run1, &o),
		     5);
	CHECK_EQ_INT(o.calls, 5);
	CHECK_STR(o.text,
		  "US_SSN>0: 21 findings\n"
		  "secrets>0: 3 findings\n"
		  "EMAIL_ADDRESS.rate>1e-4: rate 0.0004 (4 findings in 10000 "
		  "records)\n"
		  "impact_ratio<0.8: lowest impact ratio 0.62 (sex = F)\n"
		  "failed_inputs>0: 1 failed input\n");
	/* The same policy on the clean run breaks nothing. */
	CHECK_EQ_INT(eval("US_SSN>0,CREDIT_CARD>0,secrets>0,"
			  "EMAIL_ADDRESS.rate>1e-4,impact_ratio<0.8,"
			  "failed_inputs>0,problems>100",
			  run2, &o),
		     0);
	CHECK_EQ_INT(o.calls, 0);
	CHECK_EQ_INT(eval("none", run1, &o), 0);
	CHECK_EQ_INT(o.calls, 0);

	/* A NULL callback still counts; an absent run is an error. */
	CHECK_EQ_INT(aud_policy_parse(&p, "US_SSN>0,pii>0", &err), 0);
	CHECK_EQ_INT(aud_policy_check(p, st, run1, NULL, NULL, &err), 2);
	CHECK_EQ_INT(aud_policy_check(p, st, 999, NULL, NULL, &err),
		     AUD_EUSAGE);
	CHECK(strstr(err.msg, "run 999") != NULL);
	aud_policy_free(p);
	aud_policy_free(NULL);
	CHECK_EQ_INT(aud_policy_rules(NULL), 0);
}

int main(void)
{
	snprintf(tdir, sizeof tdir, "/tmp/aud_policy_XXXXXX");
	if (!mkdtemp(tdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_parse_valid);
	RUN(test_parse_errors);
	RUN(test_groups);
	if (build()) {
		fprintf(stderr, "cannot build the test database\n");
		t_fail++;
	} else {
		RUN(test_counts);
		RUN(test_rates);
		RUN(test_bias);
		RUN(test_several);
	}
	aud_store_close(st);
	rm_tdir();
	return DONE();
}
