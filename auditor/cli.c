/*
 * cli.c: sub-commands, options and exit codes. One option table drives
 * both parsing and --help, so the two cannot drift apart. This is the only
 * place that prints diagnostics or decides the exit code; everything it
 * calls returns codes and fills aud_err.
 *
 * Options take `--opt=value` or `--opt value`; short forms exist for the
 * common few. `-` is stdin; `--` ends the options.
 */
#include "auditor/cli.h"
#include "auditor/allowlist.h"
#include "auditor/bias.h"
#include "auditor/common.h"
#include "auditor/kanon.h"
#include "auditor/keyhash.h"
#include "auditor/overlap.h"
#include "auditor/merge.h"
#include "auditor/patterns.h"
#include "auditor/policy.h"
#include "auditor/redact.h"
#include "auditor/progress.h"
#include "auditor/reader.h"
#include "auditor/report.h"
#include "auditor/report_profiles.h"
#include "auditor/report_sarif.h"
#include "auditor/report_html.h"
#include "auditor/scan.h"
#include "auditor/store.h"
#include "auditor/summary.h"
#include "auditor/verify.h"
#include "auditor/walk.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CMD_SCAN 0x1u
#define CMD_PATTERNS 0x2u
#define CMD_REPORT 0x4u
#define CMD_VERIFY 0x8u
#define CMD_OVERLAP 0x10u
#define CMD_MERGE 0x20u
#define CMD_REDACT 0x40u /* 0x10 and 0x20 left to other commands */

enum {
	O_HELP = 1,
	O_DB,
	O_FORMAT,
	O_DELIMITER,
	O_INCLUDE,
	O_EXCLUDE,
	O_PATTERNS,
	O_NO_DEFAULT_PATTERNS,
	O_NO_DETECT,
	O_ENTITIES,
	O_SKIP_ENTITIES,
	O_HASH_KEY_FILE,
	O_MAX_RECORD,
	O_MAX_DECODED,
	O_FAIL_ON,
	O_JSON,
	O_QUIET,
	O_SHOW_PROBLEMS,
	O_ALLOWLIST,
	O_GROUP,
	O_INTERSECT,
	O_OUTCOME,
	O_POSITIVE,
	O_PREDICTION,
	O_PREDICTED_POSITIVE,
	O_SCORE,
	O_THRESHOLD,
	O_REFERENCE,
	O_MIN_SHARE,
	O_EXPECTED,
	O_RUN,
	O_REPORT_FORMAT,
	O_OUTPUT,
	O_PROGRESS,
	O_NO_PROGRESS,
	O_BASELINE,
	O_PROFILE,
	O_RESUME,
	O_THREADS,
	O_MAX_RATIO,
	O_SHARD,
	O_TRAIN,
	O_TEST,
	O_KEY,
	O_NEAR,
	O_JACCARD,
	O_MAX_LOCATIONS,
	O_MAX_MEMORY,
	O_OVERLAP_FAIL_ON,
	O_QUASI,
	O_KANON_K,
	O_SENSITIVE,
	O_KANON_MEMORY,
	O_PSEUDONYMIZE,
	O_DROP_PERSONAL,
	O_REPLACE_PERSONAL
};

typedef struct optdef {
	const char *name;
	char shortname;
	const char *arg; /* NULL: a flag */
	int id;
	unsigned cmds;
	const char *def; /* default, shown in --help */
	const char *help;
} optdef;

static const optdef options[] = {
	/* auditor redact: its own rows, so that each help text speaks of
	 * the copy it writes */
	{"output", 'o', "PATH", O_OUTPUT, CMD_REDACT, NULL,
	 "where the redacted copy goes (- for stdout); written to a 0600 "
	 "temporary file beside it and renamed into place at the end; never "
	 "the input itself"},
	{"pseudonymize", 0, NULL, O_PSEUDONYMIZE, CMD_REDACT, "off",
	 "replace each finding by a keyed pseudonym of the same shape (the "
	 "same value always gets the same pseudonym under the same key; "
	 "secrets get a marker) instead of a marker such as <EMAIL_ADDRESS>"},
	{"drop-personal-columns", 0, NULL, O_DROP_PERSONAL, CMD_REDACT, "off",
	 "leave out the columns (JSON members) whose name says they are "
	 "personal: name, email, phone, dob, street, ssn..."},
	{"replace-personal-columns", 0, NULL, O_REPLACE_PERSONAL, CMD_REDACT,
	 "off",
	 "replace every value of those columns whole, by <CLASS> (such as "
	 "<PERSON_NAME>) or, with --pseudonymize, a pseudonym"},
	{"format", 'f', "FMT", O_FORMAT, CMD_REDACT, "auto",
	 "input format: auto, csv, jsonl or json (a JSON array of records); "
	 "the copy has the same"},
	{"delimiter", 0, "CHAR", O_DELIMITER, CMD_REDACT, ", (tab for .tsv)",
	 "CSV delimiter: a character, or comma, tab, semicolon, pipe"},
	{"patterns", 'p', "PATH", O_PATTERNS, CMD_REDACT, "none",
	 "also load pattern files from PATH (repeatable)"},
	{"no-default-patterns", 0, NULL, O_NO_DEFAULT_PATTERNS, CMD_REDACT,
	 "off", "do not load the built-in pattern files"},
	{"entities", 'e', "LIST", O_ENTITIES, CMD_REDACT, "all",
	 "redact only these entities (comma-separated)"},
	{"skip-entities", 0, "LIST", O_SKIP_ENTITIES, CMD_REDACT, "none",
	 "leave these entities as they are (comma-separated)"},
	{"allowlist", 'a', "FILE", O_ALLOWLIST, CMD_REDACT, "none",
	 "accepted values (as for scan): left as they are"},
	{"hash-key-file", 'k', "FILE", O_HASH_KEY_FILE, CMD_REDACT,
	 "$AUDITOR_HASH_KEY, else a random key",
	 "key of the pseudonyms (at least 16 bytes); with a random key they "
	 "are consistent within this copy only"},
	{"max-record-bytes", 0, "N", O_MAX_RECORD, CMD_REDACT, "16M",
	 "largest record kept in memory; longer JSONL lines are left out"},
	{"max-decoded-bytes", 0, "N", O_MAX_DECODED, CMD_REDACT,
	 "0 (no limit)", "fail when the input decodes to more than N bytes"},
	{"max-ratio", 0, "N", O_MAX_RATIO, CMD_REDACT, "200",
	 "fail on a decompression ratio over N:1 past 1 GiB (a bomb); 0 for "
	 "no limit"},
	{"json", 0, NULL, O_JSON, CMD_REDACT, "off",
	 "print the summary as JSON"},
	{"quiet", 'q', NULL, O_QUIET, CMD_REDACT, "off",
	 "print no summary (diagnostics still go to stderr)"},
	{"show-problems", 0, "N", O_SHOW_PROBLEMS, CMD_REDACT, "10",
	 "print at most N record problems on stderr"},
	{"progress", 0, NULL, O_PROGRESS, CMD_REDACT,
	 "on when stderr is a terminal", "show progress on stderr"},
	{"no-progress", 0, NULL, O_NO_PROGRESS, CMD_REDACT, "off",
	 "never show progress"},
	{"help", 'h', NULL, O_HELP, CMD_REDACT, "off",
	 "show this help and exit"},
	{"db", 'd', "FILE", O_DB, CMD_SCAN, "auditor.db",
	 "SQLite database to write (created 0600; a new run is appended)"},
	{"db", 'd', "FILE", O_DB, CMD_REPORT | CMD_VERIFY, "auditor.db",
	 "SQLite database to read"},
	{"db", 'd', "FILE", O_DB, CMD_MERGE, "auditor.db",
	 "database to write the merged run into (created 0600 if new; a new "
	 "run is appended; it may not be one of the databases merged)"},
	{"run", 'r', "ID", O_RUN, CMD_REPORT | CMD_VERIFY, "the latest run",
	 "which run"},
	{"format", 'f', "FMT", O_REPORT_FORMAT, CMD_REPORT, "text",
	 "text, json, markdown, html (one self-contained page), sarif "
	 "(SARIF 2.1.0), csv (one file per table into the -o folder) or "
	 "baseline (the run's findings as known ones, for --baseline)"},
	{"baseline", 0, "FILE", O_BASELINE, CMD_SCAN | CMD_REPORT, "none",
	 "known findings (from report --format baseline): --fail-on leaves "
	 "them out; matched by entity, field and keyed hash, so it survives "
	 "reshuffled and re-sharded data"},
	{"profile", 0, "NAME", O_PROFILE, CMD_REPORT, "none",
	 "a compliance layout: ll144 (NYC Local Law 144 bias audit), eeoc "
	 "(four-fifths table) or eu-ai-act (Article 10 evidence); with "
	 "--format text or markdown"},
	{"output", 'o', "PATH", O_OUTPUT, CMD_REPORT, "stdout",
	 "write the report to PATH (created 0600); a folder for csv"},
	{"format", 'f', "FMT", O_FORMAT, CMD_SCAN, "auto",
	 "input format: auto, csv, jsonl or json (a JSON array of records; "
	 "auto: by extension, else by content, and a .json file by its "
	 "first byte, '[' or not)"},
	{"delimiter", 0, "CHAR", O_DELIMITER, CMD_SCAN, ", (tab for .tsv)",
	 "CSV delimiter: a character, or comma, tab, semicolon, pipe"},
	{"include", 0, "GLOB", O_INCLUDE, CMD_SCAN,
	 "*.csv *.tsv *.jsonl *.ndjson *.json, optionally .gz/.zst",
	 "in folders, scan only files matching GLOB (repeatable)"},
	{"exclude", 0, "GLOB", O_EXCLUDE, CMD_SCAN, "none",
	 "skip files and folders matching GLOB (repeatable)"},
	{"patterns", 'p', "PATH", O_PATTERNS, CMD_SCAN | CMD_PATTERNS, "none",
	 "also load pattern files from PATH, a .pat file or a folder "
	 "(repeatable)"},
	{"no-detect", 0, NULL, O_NO_DETECT, CMD_SCAN, "off",
	 "look for no personal data at all (no pattern files are loaded): "
	 "a bias audit, column profile and file checks only"},
	{"no-default-patterns", 0, NULL, O_NO_DEFAULT_PATTERNS,
	 CMD_SCAN | CMD_PATTERNS, "off",
	 "do not load the built-in pattern files"},
	{"entities", 'e', "LIST", O_ENTITIES, CMD_SCAN | CMD_PATTERNS, "all",
	 "detect only these entities (comma-separated)"},
	{"skip-entities", 0, "LIST", O_SKIP_ENTITIES, CMD_SCAN | CMD_PATTERNS,
	 "none", "do not detect these entities (comma-separated)"},
	{"allowlist", 'a', "FILE", O_ALLOWLIST, CMD_SCAN, "none",
	 "accepted values: lines 'ENTITY VALUE' or 'ENTITY re:REGEX' (* for "
	 "any entity); matches are counted as suppressed, not reported"},
	{"hash-key-file", 'k', "FILE", O_HASH_KEY_FILE, CMD_SCAN,
	 "$AUDITOR_HASH_KEY, else a random key",
	 "key for the keyed hashes of found values (at least 16 bytes)"},
	{"max-record-bytes", 0, "N", O_MAX_RECORD, CMD_SCAN, "16M",
	 "largest record kept in memory (suffixes K, M, G)"},
	{"max-decoded-bytes", 0, "N", O_MAX_DECODED, CMD_SCAN, "0 (no limit)",
	 "stop decoding an input past N bytes (suffixes K, M, G, T)"},
	{"max-ratio", 0, "N", O_MAX_RATIO, CMD_SCAN, "200",
	 "stop an input whose decompression ratio passes N:1 once more than "
	 "1 GiB is decoded (a decompression bomb); 0 for no limit"},
	{"fail-on", 0, "POLICY", O_FAIL_ON, CMD_SCAN | CMD_REPORT, "none",
	 "exit 1 when a rule holds, listing each: rules separated by commas, "
	 "such as US_SSN>0, secrets>0, pii.rate>1e-4, EMAIL_ADDRESS.distinct>10, "
	 "impact_ratio<0.8, failed_inputs>0, k_anonymity<5; 'any' is any>0"},
	{"json", 0, NULL, O_JSON, CMD_SCAN | CMD_MERGE, "off",
	 "print the summary as JSON"},
	{"quiet", 'q', NULL, O_QUIET, CMD_SCAN | CMD_MERGE, "off",
	 "print no summary (diagnostics still go to stderr)"},
	{"shard", 0, "I/N", O_SHARD, CMD_SCAN, "0/1 (everything)",
	 "scan only the I-th (0-based) of N slices of the inputs, taken from "
	 "the expanded list sorted by path: N tasks with the same arguments "
	 "cover every file once"},
	{"resume", 0, NULL, O_RESUME, CMD_SCAN, "off",
	 "continue the database's last run if it was interrupted or killed: "
	 "inputs it finished with the same SHA-256 are skipped (with "
	 "--quasi-identifiers read again for the classes alone), unfinished "
	 "ones scanned again (same inputs, key and patterns)"},
	{"threads", 'j', "N", O_THREADS, CMD_SCAN, "the number of CPUs",
	 "threads that match, beside one that decodes (1: all on one "
	 "thread; on Linux the workers run three nice levels lower); the "
	 "results do not depend on it"},
	{"progress", 0, NULL, O_PROGRESS, CMD_SCAN,
	 "on when stderr is a terminal",
	 "show progress on stderr (bytes, records, findings, MB/s, ETA)"},
	{"no-progress", 0, NULL, O_NO_PROGRESS, CMD_SCAN, "off",
	 "never show progress"},
	{"show-problems", 0, "N", O_SHOW_PROBLEMS, CMD_SCAN, "10",
	 "print at most N record problems per input on stderr"},
	{"group", 'g', "COL", O_GROUP, CMD_SCAN, "none",
	 "bias audit: a protected attribute column (CSV header or JSON path); "
	 "repeatable"},
	{"intersect", 0, "COL,COL[,COL]", O_INTERSECT, CMD_SCAN, "none",
	 "bias audit: an intersection of 2 or 3 attributes; repeatable"},
	{"outcome", 0, "COL", O_OUTCOME, CMD_SCAN, "none",
	 "bias audit: the outcome column"},
	{"positive", 0, "VALUE[,VALUE...]", O_POSITIVE, CMD_SCAN, "none",
	 "outcome values that count as favourable"},
	{"prediction", 0, "COL", O_PREDICTION, CMD_SCAN, "none",
	 "bias audit: a column of model predictions"},
	{"predicted-positive", 0, "VALUE[,VALUE...]", O_PREDICTED_POSITIVE,
	 CMD_SCAN, "none", "prediction values that count as positive"},
	{"score", 0, "COL", O_SCORE, CMD_SCAN, "none",
	 "bias audit: a numeric score column: LL144 scoring rates (the share "
	 "above the sample median); with --threshold, score >= T is also a "
	 "positive prediction"},
	{"threshold", 0, "T", O_THRESHOLD, CMD_SCAN, "none",
	 "score threshold for a positive prediction"},
	{"reference", 0, "COL=VALUE", O_REFERENCE, CMD_SCAN,
	 "the group with the highest selection rate",
	 "reference group for ratios, differences and significance tests"},
	{"min-share", 0, "X", O_MIN_SHARE, CMD_SCAN, "0.02",
	 "groups under this share of the records are reported but left out of "
	 "the impact-ratio ranking (NYC LL144)"},
	{"expected-shares", 0, "FILE", O_EXPECTED, CMD_SCAN, "none",
	 "representativeness (EU AI Act Art. 10): a CSV attribute,group,"
	 "expected_share; gives observed/expected and a goodness-of-fit "
	 "test"},
	{"quasi-identifiers", 0, "COLS", O_QUASI, CMD_SCAN, "none",
	 "re-identification risk: columns (CSV headers or JSON paths, "
	 "separated by commas) that together can single a person out, such as "
	 "age,sex,zip: k-anonymity of their equivalence classes over the run; "
	 "repeatable"},
	{"k", 0, "K", O_KANON_K, CMD_SCAN, "5",
	 "re-identification risk: records in classes of fewer than K are "
	 "counted as at risk"},
	{"sensitive", 0, "COL", O_SENSITIVE, CMD_SCAN, "none",
	 "re-identification risk: a sensitive column: l-diversity (distinct "
	 "values in the least diverse class)"},
	{"kanon-memory", 0, "N", O_KANON_MEMORY, CMD_SCAN, "64M",
	 "re-identification risk: memory for the equivalence classes "
	 "(suffixes K, M, G); past it they spill, as keyed hashes, to a "
	 "temporary SQLite file"},
	{"help", 'h', NULL, O_HELP,
	 CMD_SCAN | CMD_PATTERNS | CMD_REPORT | CMD_VERIFY | CMD_MERGE, "off",
	 "show this help and exit"},
	/* auditor overlap */
	{"train", 0, "FILE...", O_TRAIN, CMD_OVERLAP, "none",
	 "the training split: files, folders or - (stdin); every argument "
	 "up to the next option belongs to it"},
	{"test", 0, "FILE...", O_TEST, CMD_OVERLAP, "none",
	 "the test split, likewise (stdin for at most one side)"},
	{"key", 0, "FIELD", O_KEY, CMD_OVERLAP, "the whole record",
	 "compare this field (CSV column or JSON path); repeatable: the "
	 "fields' values in the order given"},
	{"near", 0, NULL, O_NEAR, CMD_OVERLAP, "off",
	 "also near duplicates: MinHash over word 5-grams with LSH; costs "
	 "about 1 KB of memory per distinct train key"},
	{"jaccard", 0, "J", O_JACCARD, CMD_OVERLAP, "0.8",
	 "near duplicates: the estimated Jaccard similarity to reach"},
	{"max-locations", 0, "N", O_MAX_LOCATIONS, CMD_OVERLAP, "1000",
	 "places stored per kind of match (counts are always complete)"},
	{"max-memory", 0, "SIZE", O_MAX_MEMORY, CMD_OVERLAP, "no limit",
	 "stop with an error once the key tables pass SIZE (16 bytes a "
	 "distinct key plus slack; suffixes K, M, G)"},
	{"fail-on", 0, "POLICY", O_OVERLAP_FAIL_ON, CMD_OVERLAP, "none",
	 "exit 1 when a rule holds: overlap, near, leaked, train_duplicates, "
	 "test_duplicates (or SUBJECT.share) with > >= < <= == != and a "
	 "number, comma-separated; 'any' is leaked>0"},
	{"db", 'd', "FILE", O_DB, CMD_OVERLAP, "auditor.db",
	 "SQLite database to write (created 0600; a new run is appended)"},
	{"format", 'f', "FMT", O_FORMAT, CMD_OVERLAP, "auto",
	 "input format: auto, csv, jsonl or json (a JSON array of records)"},
	{"delimiter", 0, "CHAR", O_DELIMITER, CMD_OVERLAP, ", (tab for .tsv)",
	 "CSV delimiter: a character, or comma, tab, semicolon, pipe"},
	{"include", 0, "GLOB", O_INCLUDE, CMD_OVERLAP, "data files",
	 "in folders, read only files matching GLOB (repeatable)"},
	{"exclude", 0, "GLOB", O_EXCLUDE, CMD_OVERLAP, "none",
	 "skip files and folders matching GLOB (repeatable)"},
	{"hash-key-file", 'k', "FILE", O_HASH_KEY_FILE, CMD_OVERLAP,
	 "$AUDITOR_HASH_KEY, else a random key",
	 "key for the keyed digests of the keys (at least 16 bytes)"},
	{"max-record-bytes", 0, "N", O_MAX_RECORD, CMD_OVERLAP, "16M",
	 "largest record kept in memory"},
	{"max-decoded-bytes", 0, "N", O_MAX_DECODED, CMD_OVERLAP,
	 "0 (no limit)", "stop decoding an input past N bytes"},
	{"max-ratio", 0, "N", O_MAX_RATIO, CMD_OVERLAP, "200",
	 "decompression-bomb guard, as for scan"},
	{"show-problems", 0, "N", O_SHOW_PROBLEMS, CMD_OVERLAP, "10",
	 "print at most N record problems per input on stderr"},
	{"json", 0, NULL, O_JSON, CMD_OVERLAP, "off",
	 "print the summary as JSON"},
	{"quiet", 'q', NULL, O_QUIET, CMD_OVERLAP, "off",
	 "print no summary"},
	{"progress", 0, NULL, O_PROGRESS, CMD_OVERLAP,
	 "on when stderr is a terminal", "show progress on stderr"},
	{"no-progress", 0, NULL, O_NO_PROGRESS, CMD_OVERLAP, "off",
	 "never show progress"},
	{"help", 'h', NULL, O_HELP, CMD_OVERLAP, "off",
	 "show this help and exit"},
};
#define NOPTIONS (sizeof options / sizeof *options)

typedef struct strlist {
	const char **v;
	size_t n;
} strlist;

typedef struct cli {
	const char *db;
	aud_format format;
	char delimiter;
	strlist include, exclude, patterns, inputs;
	int no_default_patterns;
	int no_detect;
	const char *entities, *skip_entities;
	const char *hash_key_file;
	const char *allowlist;
	uint64_t max_record, max_decoded;
	double max_ratio;
	const char *fail_on;  /* --fail-on text */
	aud_policy *policy;   /* parsed, NULL for none */
	int json, quiet;
	int progress; /* -1 auto, 0 off, 1 on */
	unsigned show_problems;
	strlist groups, intersect, positive, predicted_positive;
	aud_bias_opts bias;
	char *reference; /* copy of COL=VALUE, split at '=' */
	const char *expected_path;
	int64_t run_id; /* report, verify: 0 = latest */
	const char *report_format, *output;
	const char *baseline;
	const char *profile;
	int resume;
	unsigned threads; /* 0: one per CPU */
	unsigned long shard_i, shard_n;
	/* overlap */
	strlist train, test, keys;
	strlist *split; /* where positional arguments go: train or test */
	int near;
	double jaccard;
	uint64_t max_locations, max_memory;
	const char *overlap_fail_on;
	strlist qis; /* --quasi-identifiers, split at commas */
	const char *sensitive;
	uint64_t kanon_k, kanon_memory; /* 0: not given */
	int pseudonymize;           /* redact */
	aud_personal_mode personal; /* redact */
} cli;


static int usage_error(const char *fmt, const char *a)
{
	fputs("auditor: ", stderr);
	fprintf(stderr, fmt, a);
	fputs("\nTry 'auditor --help'\n", stderr);
	return AUD_EXIT_USAGE;
}

static void print_err(const aud_err *e, const char *path)
{
	char buf[1200];

	fprintf(stderr, "auditor: %s\n",
		aud_err_format(buf, sizeof buf, e, path));
}

static int strlist_add(strlist *l, const char *s)
{
	const char **nv = realloc(l->v, (l->n + 1) * sizeof *nv);

	if (!nv)
		return -1;
	l->v = nv;
	l->v[l->n++] = s;
	return 0;
}

/* Adds the comma-separated values of s to l (s is kept: argv lives on). */
static int split_list(strlist *l, char *s)
{
	char *p = s, *comma;

	do {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (strlist_add(l, p))
			return -1;
		p = comma + 1;
	} while (comma);
	return 0;
}

static void print_options(FILE *out, unsigned cmd)
{
	size_t i;
	char left[64];

	for (i = 0; i < NOPTIONS; i++) {
		const optdef *o = &options[i];

		if (!(o->cmds & cmd))
			continue;
		if (o->shortname)
			snprintf(left, sizeof left, "-%c, --%s%s%s",
				 o->shortname, o->name, o->arg ? " " : "",
				 o->arg ? o->arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(out, "  %-30s %s", left, o->help);
		if (o->def)
			fprintf(out, " [default: %s]", o->def);
		fputc('\n', out);
	}
}

static void print_help(FILE *out, const char *cmd)
{
	if (!cmd || strcmp(cmd, "scan") == 0) {
		if (!cmd)
			fputs("auditor " AUD_VERSION
			      ": audit datasets for personal data, secrets "
			      "and bias before training\n\n"
			      "Usage:\n"
			      "  auditor scan [options] INPUT...\n"
			      "  auditor patterns list [options]\n"
			      "  auditor patterns test [options] [PATH...]\n"
			      "  auditor report [options]\n"
			      "  auditor verify [options]\n"
			      "  auditor overlap --train FILE... --test FILE... "
			      "[options]\n"
			      "  auditor merge [options] IN.db...\n"
			      "  auditor redact [options] INPUT -o OUTPUT\n"
			      "  auditor --version | --help | COMMAND --help\n"
			      "\n",
			      out);
		fputs("auditor scan [options] INPUT...\n"
		      "  Scans files, folders (recursively) and - (stdin); "
		      "gzip and zstd are\n  recognised by their magic bytes. "
		      "Results go to a SQLite database.\n\n"
		      "Options:\n",
		      out);
		print_options(out, CMD_SCAN);
	}
	if (!cmd || strcmp(cmd, "report") == 0) {
		fputs("\nauditor report [options]\n"
		      "  Writes a run from the database as text, JSON, Markdown "
		      "or CSV, with its\n  manifest (tool version, run, options, "
		      "pattern hash, every input's SHA-256).\n"
		      "  Never rescans; the same database gives the same bytes."
		      "\n\nOptions:\n",
		      out);
		print_options(out, CMD_REPORT);
	}
	if (!cmd || strcmp(cmd, "verify") == 0) {
		fputs("\nauditor verify [options]\n"
		      "  Re-hashes a run's inputs: which still match, changed "
		      "or went missing\n  (exit 1 when any differ).\n\n"
		      "Options:\n",
		      out);
		print_options(out, CMD_VERIFY);
	}
	if (!cmd || strcmp(cmd, "overlap") == 0) {
		fputs("\nauditor overlap --train FILE... --test FILE... "
		      "[options]\n"
		      "  Train/test leakage: test records whose key (--key "
		      "fields, else the whole\n  record) also occurs in train, "
		      "and records repeated within each split,\n  after Unicode "
		      "case folding and white-space collapsing; --near adds "
		      "near\n  duplicates (MinHash, LSH). Keys are kept as "
		      "128-bit keyed digests: memory\n  is about 16 bytes per "
		      "distinct key of train and test plus table slack\n  "
		      "(22 to 46 bytes in all); --near adds about 1 KB per "
		      "distinct train key.\n  Results go to the database "
		      "(overlap_runs, overlap_matches).\n\nOptions:\n",
		      out);
		print_options(out, CMD_OVERLAP);
	}
	if (!cmd || strcmp(cmd, "merge") == 0) {
		fputs("\nauditor merge [options] IN.db...\n"
		      "  Combines the latest run of each IN.db (shards scanned "
		      "apart, or earlier\n  merges) into one new run equal to "
		      "one scan of all their inputs. A run\n  given twice is "
		      "counted once; runs with other hash keys, patterns or "
		      "bias\n  options are refused.\n\nOptions:\n",
		      out);
		print_options(out, CMD_MERGE);
	}
	if (!cmd || strcmp(cmd, "redact") == 0) {
		fputs("\nauditor redact [options] INPUT -o OUTPUT\n"
		      "  Writes a copy of INPUT in the same format and "
		      "compression with every\n  finding above the placeholder "
		      "level replaced (by <ENTITY> or a pseudonym),\n  so that "
		      "a scan of OUTPUT finds none. Exit 3 when the input had "
		      "problems\n  (OUTPUT is then still written), 4 when it "
		      "failed (nothing is written).\n\nOptions:\n",
		      out);
		print_options(out, CMD_REDACT);
	}
	if (!cmd || strcmp(cmd, "patterns") == 0) {
		fputs("\nauditor patterns list|test [options] [PATH...]\n"
		      "  list: prints every loaded pattern entry.\n"
		      "  test: runs every entry's match/nomatch samples "
		      "(PATHs, else the built-in\n  set) and fails on the "
		      "first miss.\n\nOptions:\n",
		      out);
		print_options(out, CMD_PATTERNS);
	}
	if (!cmd)
		fputs("\nEnvironment:\n"
		      "  AUDITOR_HASH_KEY   key for value hashes when "
		      "--hash-key-file is not given\n"
		      "  AUDITOR_PATTERNS   folder of the built-in pattern "
		      "files\n\n"
		      "Exit codes: 0 clean, 1 findings over --fail-on, 2 "
		      "usage error,\n  3 an input, pattern file or the "
		      "database failed, 4 (redact) the copy was not\n  "
		      "written, 130/143 interrupted by SIGINT/SIGTERM (the run "
		      "is marked\n  interrupted; findings so far are kept).\n",
		      out);
}

/* Writes s for roff: a leading dot or quote escaped, backslashes and
 * hyphens of option names kept literal. */
static void roff(FILE *out, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", out);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", out);
		else if (*s == '-')
			fputs("\\-", out);
		else
			fputc(*s, out);
	}
}

static void man_options(FILE *out, unsigned cmd)
{
	size_t i;

	for (i = 0; i < NOPTIONS; i++) {
		const optdef *o = &options[i];

		if (!(o->cmds & cmd))
			continue;
		fputs(".TP\n", out);
		if (o->shortname)
			fprintf(out, "\\fB\\-%c\\fR, ", o->shortname);
		fputs("\\fB\\-\\-", out);
		roff(out, o->name);
		fputs("\\fR", out);
		if (o->arg) {
			fputs(" \\fI", out);
			roff(out, o->arg);
			fputs("\\fR", out);
		}
		fputc('\n', out);
		roff(out, o->help);
		if (o->def) {
			fputs(" [default: ", out);
			roff(out, o->def);
			fputc(']', out);
		}
		fputc('\n', out);
	}
}

/* The manual page, made from the same option table as --help (cmake builds
 * auditor.1 with `auditor help --man` and installs it). */
static void print_man(FILE *out)
{
	fputs(".TH AUDITOR 1 \"\" \"auditor " AUD_VERSION "\" \"User Commands\"\n"
	      ".SH NAME\nauditor \\- audit datasets for personal data, secrets "
	      "and bias before training\n"
	      ".SH SYNOPSIS\n"
	      "\\fBauditor scan\\fR [\\fIoptions\\fR] \\fIINPUT\\fR...\n.br\n"
	      "\\fBauditor report\\fR [\\fIoptions\\fR]\n.br\n"
	      "\\fBauditor verify\\fR [\\fIoptions\\fR]\n.br\n"
	      "\\fBauditor overlap\\fR \\fB\\-\\-train\\fR \\fIFILE\\fR... "
	      "\\fB\\-\\-test\\fR \\fIFILE\\fR... [\\fIoptions\\fR]\n.br\n"
	      "\\fBauditor merge\\fR [\\fIoptions\\fR] \\fIIN.db\\fR...\n.br\n"
	      "\\fBauditor redact\\fR [\\fIoptions\\fR] \\fIINPUT\\fR "
	      "\\fB\\-o\\fR \\fIOUTPUT\\fR\n.br\n"
	      "\\fBauditor patterns\\fR \\fBlist\\fR|\\fBtest\\fR "
	      "[\\fIoptions\\fR] [\\fIPATH\\fR...]\n"
	      ".SH DESCRIPTION\n"
	      "\\fBauditor\\fR streams CSV and JSONL files (plain, gzip, zstd "
	      "or stdin), finds personal data and secrets with PCRE2 patterns "
	      "confirmed by checksums and context, audits outcomes for bias "
	      "per group, and writes everything into a SQLite database. Raw "
	      "values are never stored: a finding keeps a masked preview, a "
	      "keyed hash and its place.\n"
	      ".SH SCAN OPTIONS\n",
	      out);
	man_options(out, CMD_SCAN);
	fputs(".SH REPORT OPTIONS\n", out);
	man_options(out, CMD_REPORT);
	fputs(".SH VERIFY OPTIONS\n", out);
	man_options(out, CMD_VERIFY);
	fputs(".SH OVERLAP OPTIONS\n", out);
	man_options(out, CMD_OVERLAP);
	fputs(".SH MERGE OPTIONS\n", out);
	man_options(out, CMD_MERGE);
	fputs(".SH REDACT OPTIONS\n", out);
	man_options(out, CMD_REDACT);
	fputs(".SH PATTERNS OPTIONS\n", out);
	man_options(out, CMD_PATTERNS);
	fputs(
	    ".SH ENVIRONMENT\n.TP\n\\fBAUDITOR_HASH_KEY\\fR\nkey for the "
	    "keyed hashes when \\fB\\-\\-hash\\-key\\-file\\fR is not "
	    "given\n.TP\n\\fBAUDITOR_PATTERNS\\fR\nfolder of the built-in "
	    "pattern files\n"
	    ".SH EXIT STATUS\n0 clean; 1 a \\fB\\-\\-fail\\-on\\fR rule holds "
	    "or \\fBverify\\fR found a difference; 2 usage error; 3 an "
	    "input, a pattern file or the database failed (\\fBredact\\fR: "
	    "the input had problems, the copy is written); 4 "
	    "\\fBredact\\fR only: the copy was not written; 130 or 143 "
	    "interrupted by SIGINT or SIGTERM.\n"
	    ".SH FILES\n\\fIauditor.db\\fR, the default database, created "
	    "with mode 0600.\n",
	    out);
}

/* Parses "16M", "1G", "4096" into *out. */
static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	errno = 0;
	if (!*s || *s == '-')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': mul = 1ull << 10; end++; break;
	case 'm': case 'M': mul = 1ull << 20; end++; break;
	case 'g': case 'G': mul = 1ull << 30; end++; break;
	case 't': case 'T': mul = 1ull << 40; end++; break;
	}
	if (*end == 'i' || *end == 'B')
		end++;
	if (*end == 'B')
		end++;
	if (*end || (v && mul > UINT64_MAX / v))
		return -1;
	*out = v * mul;
	return 0;
}

static int parse_delimiter(const char *s, char *out)
{
	if (strcmp(s, "comma") == 0 || strcmp(s, ",") == 0)
		*out = ',';
	else if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0 ||
		 strcmp(s, "\t") == 0)
		*out = '\t';
	else if (strcmp(s, "semicolon") == 0 || strcmp(s, ";") == 0)
		*out = ';';
	else if (strcmp(s, "pipe") == 0 || strcmp(s, "|") == 0)
		*out = '|';
	else if (strlen(s) == 1 && s[0] != '"' && s[0] != '\n' &&
		 s[0] != '\r')
		*out = s[0];
	else
		return -1;
	return 0;
}

static const optdef *find_long(const char *name, size_t len, unsigned cmd)
{
	size_t i;

	for (i = 0; i < NOPTIONS; i++)
		if ((options[i].cmds & cmd) &&
		    strlen(options[i].name) == len &&
		    strncmp(options[i].name, name, len) == 0)
			return &options[i];
	return NULL;
}

static const optdef *find_short(char c, unsigned cmd)
{
	size_t i;

	for (i = 0; i < NOPTIONS; i++)
		if ((options[i].cmds & cmd) && options[i].shortname == c)
			return &options[i];
	return NULL;
}

/* Applies one option. Returns -1 when done with exit 0 (help), an exit
 * code > 0 on a usage error, 0 to go on. */
static int apply(cli *c, const optdef *o, const char *val, unsigned cmd)
{
	switch (o->id) {
	case O_HELP:
		print_help(stdout, cmd == CMD_REDACT ? "redact"
				   : cmd == CMD_SCAN	   ? "scan"
				   : cmd == CMD_REPORT ? "report"
				   : cmd == CMD_VERIFY ? "verify"
				   : cmd == CMD_OVERLAP ? "overlap"
				   : cmd == CMD_MERGE   ? "merge"
						       : "patterns");
		return -1;
	case O_DB:
		c->db = val;
		break;
	case O_FORMAT:
		if (strcmp(val, "auto") == 0)
			c->format = AUD_FMT_AUTO;
		else if (strcmp(val, "csv") == 0)
			c->format = AUD_FMT_CSV;
		else if (strcmp(val, "jsonl") == 0)
			c->format = AUD_FMT_JSONL;
		else if (strcmp(val, "json") == 0)
			c->format = AUD_FMT_JSON;
		else
			return usage_error("--format takes auto, csv, jsonl or "
					   "json, not '%s'", val);
		break;
	case O_DELIMITER:
		if (parse_delimiter(val, &c->delimiter))
			return usage_error("--delimiter takes one character "
					   "(or comma, tab, semicolon, pipe), "
					   "not '%s'", val);
		break;
	case O_INCLUDE:
		strlist_add(&c->include, val);
		break;
	case O_EXCLUDE:
		strlist_add(&c->exclude, val);
		break;
	case O_PATTERNS:
		strlist_add(&c->patterns, val);
		break;
	case O_NO_DETECT:
		c->no_detect = 1;
		break;
	case O_NO_DEFAULT_PATTERNS:
		c->no_default_patterns = 1;
		break;
	case O_ENTITIES:
		c->entities = val;
		break;
	case O_SKIP_ENTITIES:
		c->skip_entities = val;
		break;
	case O_HASH_KEY_FILE:
		c->hash_key_file = val;
		break;
	case O_ALLOWLIST:
		c->allowlist = val;
		break;
	case O_GROUP:
		strlist_add(&c->groups, val);
		break;
	case O_INTERSECT:
		strlist_add(&c->intersect, val);
		break;
	case O_OUTCOME:
		c->bias.outcome = val;
		break;
	case O_POSITIVE:
		split_list(&c->positive, (char *)val);
		break;
	case O_PREDICTION:
		c->bias.prediction = val;
		break;
	case O_PREDICTED_POSITIVE:
		split_list(&c->predicted_positive, (char *)val);
		break;
	case O_SCORE:
		c->bias.score = val;
		break;
	case O_THRESHOLD: {
		char *end;

		c->bias.threshold = strtod(val, &end);
		if (end == val || *end || c->bias.threshold != c->bias.threshold)
			return usage_error("--threshold takes a number, not '%s'",
					   val);
		c->bias.has_threshold = 1;
		break;
	}
	case O_REFERENCE: {
		char *eq;

		free(c->reference);
		c->reference = strdup(val);
		eq = c->reference ? strchr(c->reference, '=') : NULL;
		if (!eq || eq == c->reference)
			return usage_error("--reference takes COL=VALUE, not "
					   "'%s'", val);
		*eq = '\0';
		c->bias.reference_attr = c->reference;
		c->bias.reference_value = eq + 1;
		break;
	}
	case O_EXPECTED:
		c->expected_path = val;
		break;
	case O_RUN: {
		char *end;
		long long v = strtoll(val, &end, 10);

		if (end == val || *end || v <= 0)
			return usage_error("--run takes a run id (1, 2, ...), "
					   "not '%s'", val);
		c->run_id = v;
		break;
	}
	case O_REPORT_FORMAT:
		if (strcmp(val, "text") && strcmp(val, "json") &&
		    strcmp(val, "markdown") && strcmp(val, "csv") &&
		    strcmp(val, "baseline") && strcmp(val, "sarif") &&
		    strcmp(val, "html"))
			return usage_error("--format takes text, json, markdown, "
					   "html, sarif, csv or baseline, not "
					   "'%s'", val);
		c->report_format = val;
		break;
	case O_OUTPUT:
		c->output = val;
		break;
	case O_PROGRESS:
		c->progress = 1;
		break;
	case O_BASELINE:
		c->baseline = val;
		break;
	case O_RESUME:
		c->resume = 1;
		break;
	case O_THREADS: {
		char *end;
		unsigned long n = strtoul(val, &end, 10);

		if (end == val || *end || n < 1 || n > 64)
			return usage_error("--threads takes a number from 1 to "
					   "64, not '%s'", val);
		c->threads = (unsigned)n;
		break;
	}
	case O_SHARD: {
		char *end, *end2;

		c->shard_i = strtoul(val, &end, 10);
		if (end == val || *end != '/' ||
		    (c->shard_n = strtoul(end + 1, &end2, 10), *end2) ||
		    end2 == end + 1 || c->shard_n == 0 ||
		    c->shard_i >= c->shard_n || c->shard_n > 1000000)
			return usage_error("--shard takes I/N with 0 <= I < N, "
					   "not '%s'", val);
		break;
	}
	case O_MAX_RATIO: {
		char *end;

		c->max_ratio = strtod(val, &end);
		if (end == val || *end || !(c->max_ratio >= 0))
			return usage_error("--max-ratio takes a number such as "
					   "1000 (0: no limit), not '%s'", val);
		break;
	}
	case O_PROFILE:
		if (strcmp(val, "ll144") && strcmp(val, "eeoc") &&
		    strcmp(val, "eu-ai-act"))
			return usage_error("--profile takes ll144, eeoc or "
					   "eu-ai-act, not '%s'", val);
		c->profile = val;
		break;
	case O_PSEUDONYMIZE:
		c->pseudonymize = 1;
		break;
	case O_DROP_PERSONAL:
	case O_REPLACE_PERSONAL:
		if (c->personal != AUD_PERSONAL_KEEP)
			return usage_error("%s", "give one of "
					   "--drop-personal-columns and "
					   "--replace-personal-columns");
		c->personal = o->id == O_DROP_PERSONAL ? AUD_PERSONAL_DROP
						       : AUD_PERSONAL_REPLACE;
		break;
	case O_NO_PROGRESS:
		c->progress = 0;
		break;
	case O_QUASI:
		if (!*val || split_list(&c->qis, (char *)val))
			return usage_error("--quasi-identifiers takes column "
					   "names separated by commas, not "
					   "'%s'", val);
		break;
	case O_SENSITIVE:
		c->sensitive = val;
		break;
	case O_KANON_K: {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(val, &end, 10);
		if (end == val || *end || errno || v < 1 || *val == '-' ||
		    v > 1000000000000ull)
			return usage_error("--k takes a whole number of records "
					   "from 1, not '%s'", val);
		c->kanon_k = v;
		break;
	}
	case O_KANON_MEMORY:
		if (parse_size(val, &c->kanon_memory) ||
		    c->kanon_memory < 1024)
			return usage_error("--kanon-memory takes a size from 1K "
					   "such as 256M, not '%s'", val);
		break;
	case O_MIN_SHARE: {
		char *end;

		c->bias.min_share = strtod(val, &end);
		if (end == val || *end || !(c->bias.min_share >= 0) ||
		    c->bias.min_share >= 1)
			return usage_error("--min-share takes a number from 0 "
					   "to below 1, not '%s'", val);
		break;
	}
	case O_MAX_RECORD:
		if (parse_size(val, &c->max_record) || c->max_record < 1024 ||
		    c->max_record > (1ull << 32))
			return usage_error("--max-record-bytes takes a size "
					   "from 1K to 4G, not '%s'", val);
		break;
	case O_MAX_DECODED:
		if (parse_size(val, &c->max_decoded))
			return usage_error("--max-decoded-bytes takes a size "
					   "such as 10G, not '%s'", val);
		break;
	case O_FAIL_ON: {
		aud_err e;

		aud_err_clear(&e);
		aud_policy_free(c->policy);
		c->policy = NULL;
		c->fail_on = val;
		if (aud_policy_parse(&c->policy, val, &e))
			return usage_error("--fail-on: %s", e.msg);
		break;
	}
	case O_JSON:
		c->json = 1;
		break;
	case O_TRAIN:
	case O_TEST:
		c->split = o->id == O_TRAIN ? &c->train : &c->test;
		strlist_add(c->split, val);
		break;
	case O_KEY:
		strlist_add(&c->keys, val);
		break;
	case O_NEAR:
		c->near = 1;
		break;
	case O_JACCARD: {
		char *end;

		c->jaccard = strtod(val, &end);
		if (end == val || *end || !(c->jaccard > 0) || c->jaccard > 1)
			return usage_error("--jaccard takes a number above 0 "
					   "and at most 1, not '%s'", val);
		break;
	}
	case O_MAX_LOCATIONS:
		if (parse_size(val, &c->max_locations) ||
		    c->max_locations > 10000000)
			return usage_error("--max-locations takes a number up "
					   "to 10M, not '%s'", val);
		break;
	case O_MAX_MEMORY:
		if (parse_size(val, &c->max_memory) || c->max_memory < 1024)
			return usage_error("--max-memory takes a size such as "
					   "4G, not '%s'", val);
		break;
	case O_OVERLAP_FAIL_ON: {
		aud_err e;

		aud_err_clear(&e);
		if (aud_overlap_policy_parse(val, &e))
			return usage_error("%s", e.msg);
		c->overlap_fail_on = val;
		break;
	}
	case O_QUIET:
		c->quiet = 1;
		break;
	case O_SHOW_PROBLEMS: {
		uint64_t n;
		if (parse_size(val, &n) || n > 1000000)
			return usage_error("--show-problems takes a number, "
					   "not '%s'", val);
		c->show_problems = (unsigned)n;
		break;
	}
	}
	return 0;
}

/* Parses argv[from..] for command cmd; positional arguments go to
 * c->inputs. Returns 0, -1 (help shown) or a usage exit code. */
static int parse_args(cli *c, int argc, char **argv, int from, unsigned cmd)
{
	int i, rc, only_pos = 0;

	for (i = from; i < argc; i++) {
		const char *a = argv[i];
		const optdef *o;
		const char *val = NULL;

		if (only_pos || a[0] != '-' || strcmp(a, "-") == 0) {
			strlist_add(c->split ? c->split : &c->inputs, a);
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

			o = find_long(a + 2, len, cmd);
			if (!o)
				return usage_error("unknown option '%s'", a);
			if (eq) {
				if (!o->arg)
					return usage_error(
						"option '%s' takes no value", a);
				val = eq + 1;
			}
		} else {
			o = find_short(a[1], cmd);
			if (!o)
				return usage_error("unknown option '%s'", a);
			if (a[2]) {
				if (!o->arg)
					return usage_error(
						"unknown option '%s'", a);
				val = a + 2;
			}
		}
		if (o->arg && !val) {
			if (i + 1 >= argc)
				return usage_error("option '%s' needs a value",
						   a);
			val = argv[++i];
		}
		rc = apply(c, o, val, cmd);
		if (rc)
			return rc;
	}
	return 0;
}

/* The folder of the built-in pattern files: $AUDITOR_PATTERNS, then next
 * to an installed binary (../share/auditor/patterns), then the source tree
 * this binary was built from, then the install prefix. */
static const char *default_patterns_dir(char *buf, size_t cap)
{
	const char *env = getenv("AUDITOR_PATTERNS");
	struct stat st;
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, cap, "%s/../share/auditor/patterns", exe);
			if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
				return buf;
		}
	}
	if (stat(AUD_PATTERNS_DIR, &st) == 0 && S_ISDIR(st.st_mode))
		return AUD_PATTERNS_DIR;
	return AUD_INSTALLED_PATTERNS_DIR;
}

static int load_patterns(aud_patternset **ps, const cli *c,
			 const strlist *extra)
{
	char dirbuf[PATH_MAX + 32];
	const char **paths;
	size_t n = 0, i;
	aud_err err;
	int rc;

	aud_err_clear(&err);
	paths = calloc(c->patterns.n + extra->n + 1, sizeof *paths);
	if (!paths)
		return AUD_EXIT_ERROR;
	if (extra->n) {
		for (i = 0; i < extra->n; i++)
			paths[n++] = extra->v[i];
	} else if (!c->no_default_patterns) {
		paths[n++] = default_patterns_dir(dirbuf, sizeof dirbuf);
	}
	for (i = 0; i < c->patterns.n; i++)
		paths[n++] = c->patterns.v[i];
	if (n == 0) {
		free(paths);
		return usage_error("%s",
				   "no pattern files: --no-default-patterns "
				   "needs --patterns");
	}
	rc = aud_patterns_load(ps, paths, n, &err);
	free(paths);
	if (rc) {
		fprintf(stderr, "auditor: %s\n", err.msg);
		return AUD_EXIT_ERROR;
	}
	rc = aud_patterns_select(*ps, c->entities, c->skip_entities, &err);
	if (rc) {
		aud_patterns_free(*ps);
		*ps = NULL;
		if (rc == AUD_EUSAGE)
			return usage_error("%s", err.msg);
		fprintf(stderr, "auditor: %s\n", err.msg);
		return AUD_EXIT_ERROR;
	}
	return 0;
}

static int cmd_patterns(cli *c, int argc, char **argv)
{
	aud_patternset *ps = NULL;
	strlist extra = {0};
	const char *sub;
	int rc;
	size_t i, j, checked = 0;
	aud_err err;

	if (argc < 3)
		return usage_error("%s", "patterns needs 'list' or 'test'");
	sub = argv[2];
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		print_help(stdout, "patterns");
		return 0;
	}
	if (strcmp(sub, "list") != 0 && strcmp(sub, "test") != 0)
		return usage_error("unknown patterns command '%s' (use list "
				   "or test)", sub);
	rc = parse_args(c, argc, argv, 3, CMD_PATTERNS);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (strcmp(sub, "test") == 0)
		extra = c->inputs;
	else if (c->inputs.n)
		return usage_error("unexpected argument '%s'", c->inputs.v[0]);
	rc = load_patterns(&ps, c, &extra);
	if (rc)
		return rc;
	if (strcmp(sub, "list") == 0) {
		printf("%-22s %-28s %-10s %-5s %s\n", "id", "entity",
		       "validator", "conf", "description");
		for (i = 0; i < aud_patterns_count(ps); i++) {
			const aud_pattern_info *p = aud_patterns_info(ps, i);

			printf("%-22s %-28s %-10s %-5.2f %s\n", p->id,
			       p->entity, p->validator ? p->validator : "-",
			       p->confidence,
			       p->description ? p->description : "");
			if (p->ncontext) {
				printf("%-22s context:", "");
				for (j = 0; j < p->ncontext; j++)
					printf("%s %s", j ? "," : "",
					       p->context[j]);
				putchar('\n');
			}
			printf("%-22s prefilter: %s; %s:%u\n", "",
			       p->prefilter ? p->prefilter : "none",
			       p->file ? p->file : "?", p->line);
		}
		rc = 0;
	} else {
		aud_err_clear(&err);
		if (aud_patterns_test(ps, &checked, &err)) {
			fprintf(stderr, "auditor: %s\n", err.msg);
			rc = AUD_EXIT_ERROR;
		} else {
			printf("%zu patterns, %zu samples: all passed\n",
			       aud_patterns_count(ps), checked);
			rc = 0;
		}
	}
	aud_patterns_free(ps);
	return rc;
}

static void on_diag(void *ctx, aud_diag_kind kind, const char *path,
		    const aud_err *e)
{
	char buf[1200];

	if (ctx) /* a progress line is being drawn: clear it first */
		aud_progress_clear(ctx);
	aud_err_format(buf, sizeof buf, e, path);
	switch (kind) {
	case AUD_DIAG_FAILED:
		fprintf(stderr, "auditor: %s (input failed)\n", buf);
		break;
	case AUD_DIAG_MORE:
		fprintf(stderr, "auditor: %s: %s\n", path, e->msg);
		break;
	default:
		fprintf(stderr, "auditor: %s\n", buf);
	}
}

/* Reads the hash key: --hash-key-file, else $AUDITOR_HASH_KEY, else a
 * random key (said on stderr). A trailing newline in the file is not part
 * of the key. Returns 0 or an exit code. */
static int get_key(const cli *c, unsigned char *key, size_t cap,
		   size_t *len, const char **source)
{
	const char *env = getenv("AUDITOR_HASH_KEY");
	aud_err err;

	aud_err_clear(&err);
	if (c->hash_key_file) {
		FILE *f = fopen(c->hash_key_file, "rb");
		size_t n;

		if (!f) {
			fprintf(stderr, "auditor: %s: cannot open hash key "
				"file: %s\n", c->hash_key_file,
				strerror(errno));
			return AUD_EXIT_USAGE;
		}
		n = fread(key, 1, cap, f);
		fclose(f);
		while (n && (key[n - 1] == '\n' || key[n - 1] == '\r'))
			n--;
		*len = n;
		*source = "file";
	} else if (env && *env) {
		*len = strlen(env) < cap ? strlen(env) : cap;
		memcpy(key, env, *len);
		*source = "env";
	} else {
		*len = 32;
		*source = "random";
		if (aud_keyhash_random_key(key, 32, &err)) {
			fprintf(stderr, "auditor: %s\n", err.msg);
			return AUD_EXIT_ERROR;
		}
		fputs("auditor: no hash key given (--hash-key-file or "
		      "AUDITOR_HASH_KEY): using a random key for this run, so "
		      "value hashes will not match other runs\n",
		      stderr);
	}
	if (*len < 16) {
		fprintf(stderr, "auditor: the hash key has %zu bytes; it needs "
			"at least 16\n", *len);
		return AUD_EXIT_USAGE;
	}
	return 0;
}

/* The keyed hash of the run, from get_key's key (wiped after). Returns 0 or
 * an exit code. */
static int open_key(const cli *c, aud_keyhash **kh, const char **source)
{
	unsigned char key[1024];
	size_t len = 0;
	aud_err err;
	int rc = get_key(c, key, sizeof key, &len, source);

	aud_err_clear(&err);
	if (!rc && aud_keyhash_new(kh, key, len, &err)) {
		fprintf(stderr, "auditor: %s\n", err.msg);
		rc = AUD_EXIT_USAGE;
	}
	OPENSSL_cleanse(key, sizeof key);
	return rc;
}

/* The --include/--exclude globs of the folder walk. */
static void walk_opts(const cli *c, aud_walk_opts *wo)
{
	memset(wo, 0, sizeof *wo);
	wo->include = c->include.v;
	wo->ninclude = c->include.n;
	wo->exclude = c->exclude.v;
	wo->nexclude = c->exclude.n;
}

static void json_list(FILE *f, const char *name, const strlist *l)
{
	size_t i;

	fprintf(f, ",\"%s\":[", name);
	for (i = 0; i < l->n; i++) {
		if (i)
			fputc(',', f);
		aud_json_string(f, l->v[i], strlen(l->v[i]));
	}
	fputc(']', f);
}

static void json_opt(FILE *f, const char *name, const char *v)
{
	fprintf(f, ",\"%s\":", name);
	if (v)
		aud_json_string(f, v, strlen(v));
	else
		fputs("null", f);
}

/* The scan's options as JSON, for the runs table (never the key). */
static char *options_json(const cli *c)
{
	char *buf = NULL, d[2] = {c->delimiter, 0};
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs("{\"command\":\"scan\"", f);
	json_opt(f, "format", aud_format_name(c->format));
	json_opt(f, "delimiter", c->delimiter ? d : NULL);
	json_list(f, "include", &c->include);
	json_list(f, "exclude", &c->exclude);
	json_list(f, "patterns", &c->patterns);
	fprintf(f, ",\"default_patterns\":%s",
		c->no_default_patterns ? "false" : "true");
	json_opt(f, "entities", c->entities);
	json_opt(f, "skip_entities", c->skip_entities);
	json_opt(f, "allowlist", c->allowlist);
	json_list(f, "group", &c->groups);
	json_list(f, "intersect", &c->intersect);
	json_opt(f, "outcome", c->bias.outcome);
	json_list(f, "positive", &c->positive);
	json_opt(f, "prediction", c->bias.prediction);
	json_list(f, "predicted_positive", &c->predicted_positive);
	json_opt(f, "score", c->bias.score);
	if (c->bias.has_threshold)
		fprintf(f, ",\"threshold\":%.17g", c->bias.threshold);
	if (c->bias.reference_attr) {
		fputs(",\"reference\":{\"attribute\":", f);
		aud_json_string(f, c->bias.reference_attr,
				strlen(c->bias.reference_attr));
		fputs(",\"value\":", f);
		aud_json_string(f, c->bias.reference_value,
				strlen(c->bias.reference_value));
		fputc('}', f);
	}
	fprintf(f, ",\"min_share\":%.17g", c->bias.min_share);
	json_opt(f, "expected_shares", c->expected_path);
	if (c->qis.n) {
		json_list(f, "quasi_identifiers", &c->qis);
		json_opt(f, "sensitive", c->sensitive);
		fprintf(f, ",\"k\":%" PRIu64 ",\"kanon_memory\":%" PRIu64,
			c->kanon_k ? c->kanon_k : (uint64_t)AUD_KANON_DEFAULT_K,
			c->kanon_memory ? c->kanon_memory
					: (uint64_t)AUD_KANON_DEFAULT_MEMORY);
	}
	fprintf(f, ",\"max_record_bytes\":%" PRIu64, c->max_record);
	fprintf(f, ",\"max_decoded_bytes\":%" PRIu64, c->max_decoded);
	fprintf(f, ",\"max_ratio\":%.17g", c->max_ratio);
	if (c->shard_n > 1)
		fprintf(f, ",\"shard\":\"%lu/%lu\"", c->shard_i, c->shard_n);
	json_opt(f, "fail_on", c->fail_on ? c->fail_on : "none");
	json_opt(f, "baseline", c->baseline);
	json_list(f, "inputs", &c->inputs);
	fputs("}", f);
	fclose(f);
	return buf;
}

/* Set by the handler, read by the scan's threads (aud_stop_set); a
 * handler may only touch atomics that are always lock-free. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int must be lock-free");
static atomic_int stop_signal;

static void on_signal(int sig)
{
	atomic_store_explicit(&stop_signal, sig, memory_order_relaxed);
}

/* SIGINT and SIGTERM stop the scan at the next chunk; the run is then
 * marked interrupted, what was found is committed, and the exit code is
 * 128 + the signal, as a shell would report it. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static void on_broken(void *ctx, const char *rule, const char *detail)
{
	(void)ctx;
	fprintf(stderr, "auditor: --fail-on: %s: %s\n", rule, detail);
}

/* Evaluates --fail-on on run_id; prints each broken rule on stderr.
 * Returns how many broke, or -1 after printing an error. */
static int check_policy(cli *c, aud_store *st, int64_t run_id)
{
	aud_err err;
	int n;
	char fp[17];
	uint64_t known = 0;

	aud_err_clear(&err);
	if (c->baseline && !aud_store_has_baseline(st)) {
		if (aud_report_key_fingerprint(st, run_id, fp) ||
		    aud_store_baseline_load(st, c->baseline, fp, &known,
					    &err)) {
			if (!err.msg[0])
				aud_err_set(&err, AUD_EUSAGE,
					    "run %lld has no key fingerprint",
					    (long long)run_id);
			print_err(&err, NULL);
			return -1;
		}
	}
	n = aud_policy_check(c->policy, st, run_id, on_broken, NULL, &err);
	if (n < 0)
		print_err(&err, NULL);
	return n;
}

/* Fills c->bias from the options and checks that they fit together.
 * Returns 0 or a usage exit code. */
static int check_bias(cli *c)
{
	aud_bias_opts *b = &c->bias;
	int any = c->groups.n || c->intersect.n;

	b->groups = c->groups.v;
	b->ngroups = c->groups.n;
	b->intersections = c->intersect.v;
	b->nintersections = c->intersect.n;
	b->positive = c->positive.v;
	b->npositive = c->positive.n;
	b->predicted_positive = c->predicted_positive.v;
	b->npredicted_positive = c->predicted_positive.n;
	if (!any && (b->outcome || b->prediction || b->score || c->reference ||
		     c->expected_path))
		return usage_error("%s", "--outcome, --prediction, --score and "
				   "--reference need --group or --intersect");
	if (!any)
		return 0;
	if (!b->outcome && !b->prediction && !b->score)
		return usage_error("%s", "--group needs --outcome (and/or "
				   "--prediction, or --score with --threshold)");
	if (b->outcome && !b->npositive)
		return usage_error("%s", "--outcome needs --positive VALUE[,...] "
				   "(the favourable outcome values)");
	if (b->prediction && !b->npredicted_positive)
		return usage_error("%s", "--prediction needs --predicted-positive "
				   "VALUE[,...]");
	if (b->has_threshold && !b->score)
		return usage_error("%s", "--threshold needs --score COL");
	if (b->prediction && b->has_threshold)
		return usage_error("%s", "give --prediction or --score with "
				   "--threshold, not both");
	if (c->reference) {
		size_t i;
		int known = 0;

		for (i = 0; i < c->groups.n; i++)
			known |= strcmp(c->groups.v[i], b->reference_attr) == 0;
		for (i = 0; i < c->intersect.n; i++)
			known |= strcmp(c->intersect.v[i], b->reference_attr) == 0;
		if (!known)
			return usage_error("--reference names '%s', which is no "
					   "--group or --intersect",
					   b->reference_attr);
	}
	return 0;
}

/* The re-identification accumulator of the run (NULL without
 * --quasi-identifiers): half the memory budget is its own, half that of
 * the accumulator filled for each input. Returns 0 or an exit code. */
static int kanon_begin(cli *c, const aud_keyhash *kh, aud_kanon **out)
{
	aud_kanon_opts o;
	aud_err err;
	uint64_t mem = c->kanon_memory ? c->kanon_memory
				       : AUD_KANON_DEFAULT_MEMORY;

	*out = NULL;
	if (!c->qis.n) {
		if (c->sensitive || c->kanon_k || c->kanon_memory)
			return usage_error("%s", "--sensitive, --k and "
					   "--kanon-memory need "
					   "--quasi-identifiers");
		return 0;
	}
	memset(&o, 0, sizeof o);
	o.qis = c->qis.v;
	o.nqis = c->qis.n;
	o.sensitive = c->sensitive;
	o.k = c->kanon_k;
	o.memory = mem / 2;
	aud_err_clear(&err);
	if (aud_kanon_new(out, &o, kh, &err)) {
		if (err.code == AUD_EUSAGE)
			return usage_error("%s", err.msg);
		print_err(&err, NULL);
		return AUD_EXIT_ERROR;
	}
	return 0;
}

/* Computes the run's re-identification figures and stores them. */
static int kanon_finish(aud_store *st, int64_t run_id, aud_kanon *k,
			aud_err *err)
{
	aud_kanon_stats ks;
	int rc = aud_kanon_result(k, &ks, err);

	if (!rc)
		rc = aud_store_kanon_add(st, run_id, aud_kanon_columns(k),
					 aud_kanon_sensitive(k), &ks, err);
	aud_kanon_stats_free(&ks);
	return rc;
}

/* A finished run's exit code: 128 + the signal when interrupted, else 3
 * when an input failed or had problems, else 1 when --fail-on rules
 * broke, else 0. */
static int exit_for(int interrupted, int bad_inputs, int broken)
{
	if (interrupted)
		return 128 + atomic_load(&stop_signal);
	if (bad_inputs)
		return AUD_EXIT_ERROR;
	return broken ? AUD_EXIT_FINDINGS : AUD_EXIT_OK;
}

/* Ends run_id once a command's work returned rc: "failed" when rc is an
 * error (printed here), else "complete" or "interrupted". Returns 0 or
 * the exit code the command gives. */
static int end_run(aud_store *st, int64_t run_id, int rc, int interrupted,
		   aud_err *err)
{
	if (rc) {
		aud_err e2;

		print_err(err, NULL);
		aud_err_clear(&e2);
		aud_store_run_end(st, run_id, "failed", &e2);
		return rc == AUD_EUSAGE ? AUD_EXIT_USAGE : AUD_EXIT_ERROR;
	}
	if (aud_store_run_end(st, run_id,
			      interrupted ? "interrupted" : "complete", err)) {
		print_err(err, NULL);
		return AUD_EXIT_ERROR;
	}
	return 0;
}

/* Raw size of the inputs that are regular files, for the progress line. */
static uint64_t inputs_size(const aud_inputs *in)
{
	uint64_t total = 0;
	struct stat sb;
	size_t i;

	for (i = 0; i < in->n; i++)
		if (!in->v[i].error && strcmp(in->v[i].path, "-") &&
		    stat(in->v[i].path, &sb) == 0 && S_ISREG(sb.st_mode))
			total += (uint64_t)sb.st_size;
	return total;
}

static int cmd_scan(cli *c, int argc, char **argv)
{
	aud_patternset *ps = NULL;
	aud_keyhash *kh = NULL;
	aud_allowlist *al = NULL;
	aud_expected *ex = NULL;
	aud_kanon *kanon = NULL;
	aud_progress prog;
	aud_store *st = NULL;
	aud_inputs inputs = {0};
	aud_walk_opts wo;
	aud_scan_opts so;
	aud_scan_totals tot;
	aud_run_meta meta;
	aud_err err;
	strlist none = {0};
	size_t i;
	const char *key_source = NULL;
	char patsha[65], alsha[65], fp[17], *opts = NULL;
	int64_t run_id = 0;
	int rc, broken;

	aud_err_clear(&err);
	rc = parse_args(c, argc, argv, 2, CMD_SCAN);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (c->inputs.n == 0)
		return usage_error("%s", "scan needs at least one input (a "
				   "file, a folder or - for stdin)");
	if ((rc = check_bias(c)))
		return rc;
	if (c->baseline && !c->policy)
		return usage_error("%s", "--baseline goes with --fail-on");
	if (c->no_detect && (c->patterns.n || c->no_default_patterns ||
			     c->entities || c->skip_entities))
		return usage_error("%s", "--no-detect loads no patterns: it "
				   "does not go with --patterns, "
				   "--no-default-patterns or --entities");
	rc = c->no_detect ? 0 : load_patterns(&ps, c, &none);
	if (rc)
		return rc;
	if (c->allowlist && aud_allowlist_load(&al, c->allowlist, &err)) {
		fprintf(stderr, "auditor: %s\n", err.msg);
		rc = err.code == AUD_EUSAGE ? AUD_EXIT_USAGE : AUD_EXIT_ERROR;
		goto done_rc;
	}
	if (c->expected_path) {
		if (aud_expected_load(&ex, c->expected_path, &err)) {
			fprintf(stderr, "auditor: %s\n", err.msg);
			rc = err.code == AUD_EUSAGE ? AUD_EXIT_USAGE
						    : AUD_EXIT_ERROR;
			goto done_rc;
		}
		c->bias.expected = ex;
	}
	if ((rc = open_key(c, &kh, &key_source)))
		goto done_rc;
	if ((rc = kanon_begin(c, kh, &kanon)))
		goto done_rc;

	walk_opts(c, &wo);
	for (i = 0; i < c->inputs.n; i++) {
		if (aud_walk(&inputs, c->inputs.v[i], &wo, &err)) {
			print_err(&err, NULL);
			rc = AUD_EXIT_ERROR;
			goto done_rc;
		}
	}

	aud_inputs_shard(&inputs, c->shard_i, c->shard_n);
	if (inputs.skipped)
		fprintf(stderr,
			"auditor: note: %zu file%s in folders not scanned: "
			"the name does not look like CSV or JSONL (first: "
			"%s); scan them with --include GLOB\n",
			inputs.skipped, inputs.skipped == 1 ? "" : "s",
			inputs.first_skipped);
	if (aud_store_open(&st, c->db, &err)) {
		print_err(&err, NULL);
		rc = AUD_EXIT_ERROR;
		goto done_rc;
	}
	if (ps)
		aud_patterns_sha256_hex(ps, patsha);
	else
		snprintf(patsha, sizeof patsha, "none");
	aud_keyhash_fingerprint(kh, fp);
	opts = options_json(c);
	memset(&meta, 0, sizeof meta);
	meta.tool_version = AUD_VERSION;
	meta.options_json = opts;
	meta.patterns_sha256 = patsha;
	meta.key_fingerprint = fp;
	meta.key_source = key_source;
	if (al) {
		aud_allowlist_sha256_hex(al, alsha);
		meta.allowlist_sha256 = alsha;
	}
	if (c->resume) {
		char was_fp[17], was_pat[65];

		if (aud_store_run_resume(st, &run_id, was_fp, was_pat, &err)) {
			print_err(&err, NULL);
			rc = err.code == AUD_EUSAGE ? AUD_EXIT_USAGE
						    : AUD_EXIT_ERROR;
			goto done_rc;
		}
		/* The same key and patterns, or the counts would mix two
		 * different scans. */
		if (strcmp(was_fp, fp) != 0 || strcmp(was_pat, patsha) != 0) {
			fprintf(stderr,
				"auditor: run %lld was started with another %s; "
				"--resume needs the same\n",
				(long long)run_id,
				strcmp(was_fp, fp) ? "hash key"
						   : "pattern set");
			aud_store_run_end(st, run_id, "interrupted", &err);
			rc = AUD_EXIT_USAGE;
			goto done_rc;
		}
	} else if (aud_store_run_begin(st, &meta, &run_id, &err)) {
		print_err(&err, NULL);
		rc = AUD_EXIT_ERROR;
		goto done_rc;
	}

	memset(&so, 0, sizeof so);
	so.format = c->format;
	so.delimiter = c->delimiter;
	so.max_record_bytes = (size_t)c->max_record;
	so.max_decoded_bytes = c->max_decoded;
	so.max_ratio = c->max_ratio;
	so.max_problems_shown = c->show_problems;
	so.diag = on_diag;
	so.stop = &stop_signal;
	so.allowlist = al;
	so.resume = c->resume;
	so.threads = c->threads;
	if (c->progress == 1 || (c->progress == -1 && isatty(2))) {
		aud_progress_init(&prog, stderr, inputs_size(&inputs));
		so.progress = aud_progress_update;
		so.progress_ctx = &prog;
		so.diag_ctx = &prog;
	}
	so.bias = (c->groups.n || c->intersect.n) ? &c->bias : NULL;
	so.kanon = kanon;
	catch_signals();
	rc = aud_scan_inputs(st, run_id, &inputs, ps, kh, &so, &tot, &err);
	if (so.progress)
		aud_progress_clear(&prog);
	if (!rc && so.bias && !tot.interrupted)
		rc = aud_bias_finish(st, run_id, so.bias, &err);
	if (!rc && kanon && !tot.interrupted)
		rc = kanon_finish(st, run_id, kanon, &err);
	rc = end_run(st, run_id, rc, tot.interrupted, &err);
	if (rc)
		goto done_rc;
	if (!c->quiet && aud_summary_write(stdout, st, run_id, c->json, &err)) {
		print_err(&err, NULL);
		rc = AUD_EXIT_ERROR;
		goto done_rc;
	}
	broken = c->policy ? check_policy(c, st, run_id) : 0;
	if (broken < 0) {
		rc = AUD_EXIT_ERROR;
		goto done_rc;
	}
	rc = exit_for(tot.interrupted, tot.files_failed || tot.files_warning,
		      broken);
done_rc:
	free(opts);
	aud_store_close(st);
	aud_inputs_free(&inputs);
	aud_keyhash_free(kh);
	aud_allowlist_free(al);
	aud_expected_free(ex);
	aud_kanon_free(kanon);
	aud_patterns_free(ps);
	return rc;
}

/* Opens an existing database for reading a run; sets *run_id to the
 * chosen or latest run. Returns 0 or an exit code (message printed). */
static int open_existing(cli *c, aud_store **st, int64_t *run_id)
{
	aud_err err;
	struct stat sb;

	aud_err_clear(&err);
	if (stat(c->db, &sb) != 0) {
		fprintf(stderr, "auditor: %s: no such database\n", c->db);
		return AUD_EXIT_ERROR;
	}
	if (aud_store_open(st, c->db, &err)) {
		print_err(&err, NULL);
		return AUD_EXIT_ERROR;
	}
	*run_id = c->run_id;
	if (!*run_id && aud_store_latest_run(*st, run_id, &err)) {
		print_err(&err, NULL);
		return AUD_EXIT_ERROR;
	}
	if (!*run_id || !aud_report_run_exists(*st, *run_id)) {
		fprintf(stderr, "auditor: %s: no run %lld\n", c->db,
			(long long)*run_id);
		return AUD_EXIT_USAGE;
	}
	return 0;
}

static int cmd_report(cli *c, int argc, char **argv)
{
	aud_store *st = NULL;
	int64_t run_id = 0;
	aud_err err;
	FILE *out = stdout;
	int rc;

	aud_err_clear(&err);
	rc = parse_args(c, argc, argv, 2, CMD_REPORT);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (c->inputs.n)
		return usage_error("unexpected argument '%s'", c->inputs.v[0]);
	if (!c->report_format)
		c->report_format = "text";
	if (c->baseline && !c->policy)
		return usage_error("%s", "--baseline goes with --fail-on");
	if (strcmp(c->report_format, "csv") == 0 && !c->output)
		return usage_error("%s", "--format csv needs -o FOLDER");
	if (c->profile && strcmp(c->report_format, "text") &&
	    strcmp(c->report_format, "markdown"))
		return usage_error("%s", "--profile goes with --format text or "
				   "markdown");
	if ((rc = open_existing(c, &st, &run_id)))
		goto done;
	if (strcmp(c->report_format, "csv") == 0) {
		rc = aud_report_csv(c->output, st, run_id, &err);
	} else {
		int baseline = strcmp(c->report_format, "baseline") == 0;

		if (c->output) {
			int fd = open(c->output,
				      O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC,
				      0600);

			if (fd < 0 || fchmod(fd, 0600) != 0 ||
			    !(out = fdopen(fd, "w"))) {
				fprintf(stderr, "auditor: %s: cannot write: "
					"%s\n", c->output, strerror(errno));
				if (fd >= 0)
					close(fd);
				rc = AUD_EXIT_ERROR;
				goto done;
			}
		}
		if (c->profile)
			rc = aud_report_profile(
				out, st, run_id, c->profile,
				strcmp(c->report_format, "markdown") == 0,
				&err);
		else if (baseline)
			rc = aud_store_baseline_write(out, st, run_id, &err);
		else if (strcmp(c->report_format, "sarif") == 0)
			rc = aud_report_sarif(out, st, run_id, &err);
		else if (strcmp(c->report_format, "html") == 0)
			rc = aud_report_html(out, st, run_id, &err);
		else
			rc = aud_report_write(out, st, run_id,
					      c->report_format, &err);
		if (out != stdout && fclose(out) != 0 && !rc)
			rc = aud_err_set(&err, AUD_EIO, "%s: cannot write",
					 c->output);
	}
	if (rc) {
		print_err(&err, NULL);
		rc = rc == AUD_EUSAGE ? AUD_EXIT_USAGE : AUD_EXIT_ERROR;
	} else if (c->policy) {
		int broken = check_policy(c, st, run_id);

		rc = broken < 0 ? AUD_EXIT_ERROR
				: broken ? AUD_EXIT_FINDINGS : AUD_EXIT_OK;
	}
done:
	aud_store_close(st);
	return rc;
}

static void on_verify(void *ctx, const char *path, const char *status,
		      const char *detail)
{
	(void)ctx;
	printf("%-12s %s", status, path);
	if (strcmp(status, "ok") != 0)
		printf(": %s", detail);
	putchar('\n');
}

static int cmd_verify(cli *c, int argc, char **argv)
{
	aud_store *st = NULL;
	int64_t run_id = 0;
	aud_err err;
	int rc;

	aud_err_clear(&err);
	rc = parse_args(c, argc, argv, 2, CMD_VERIFY);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (c->inputs.n)
		return usage_error("unexpected argument '%s'", c->inputs.v[0]);
	if ((rc = open_existing(c, &st, &run_id)))
		goto done;
	rc = aud_verify_run(st, run_id, on_verify, NULL, &err);
	if (rc < 0) {
		print_err(&err, NULL);
		rc = rc == AUD_EUSAGE ? AUD_EXIT_USAGE : AUD_EXIT_ERROR;
	} else {
		rc = rc ? AUD_EXIT_FINDINGS : AUD_EXIT_OK;
	}
done:
	aud_store_close(st);
	return rc;
}

/* The overlap's options as JSON, for the runs table (never the key). */
static char *overlap_json(const cli *c)
{
	char *buf = NULL, d[2] = {c->delimiter, 0};
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs("{\"command\":\"overlap\"", f);
	json_list(f, "train", &c->train);
	json_list(f, "test", &c->test);
	json_list(f, "key", &c->keys);
	fprintf(f, ",\"near\":%s", c->near ? "true" : "false");
	if (c->near)
		fprintf(f, ",\"jaccard\":%.17g",
			c->jaccard ? c->jaccard : AUD_OVERLAP_JACCARD);
	json_opt(f, "format", aud_format_name(c->format));
	json_opt(f, "delimiter", c->delimiter ? d : NULL);
	json_list(f, "include", &c->include);
	json_list(f, "exclude", &c->exclude);
	fprintf(f, ",\"max_locations\":%" PRIu64,
		c->max_locations ? c->max_locations : AUD_OVERLAP_LOCATIONS);
	fprintf(f, ",\"max_memory\":%" PRIu64, c->max_memory);
	fprintf(f, ",\"max_record_bytes\":%" PRIu64, c->max_record);
	fprintf(f, ",\"max_decoded_bytes\":%" PRIu64, c->max_decoded);
	fprintf(f, ",\"max_ratio\":%.17g", c->max_ratio);
	json_opt(f, "fail_on", c->overlap_fail_on ? c->overlap_fail_on
						  : "none");
	fputs("}", f);
	fclose(f);
	return buf;
}

static int cmd_overlap(cli *c, int argc, char **argv)
{
	aud_keyhash *kh = NULL;
	aud_store *st = NULL;
	aud_inputs in[2] = {{0}, {0}};
	const strlist *lists[2] = {&c->train, &c->test};
	aud_walk_opts wo;
	aud_overlap_opts oo;
	aud_overlap_totals tot;
	aud_progress prog;
	aud_run_meta meta;
	aud_err err;
	size_t i, stdins = 0;
	const char *key_source = NULL;
	char fp[17], *opts = NULL;
	int64_t run_id = 0;
	int rc, k, broken;

	aud_err_clear(&err);
	rc = parse_args(c, argc, argv, 2, CMD_OVERLAP);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (c->inputs.n)
		return usage_error("'%s' belongs to no split: name inputs after "
				   "--train or --test", c->inputs.v[0]);
	if (!c->train.n || !c->test.n)
		return usage_error("%s", "overlap needs --train FILE... and "
				   "--test FILE...");
	for (k = 0; k < 2; k++)
		for (i = 0; i < lists[k]->n; i++)
			stdins += strcmp(lists[k]->v[i], "-") == 0;
	if (stdins > 1)
		return usage_error("%s", "stdin (-) can be only one input, of "
				   "one split");
	if (c->jaccard && !c->near)
		return usage_error("%s", "--jaccard goes with --near");
	if ((rc = open_key(c, &kh, &key_source)))
		goto done;
	walk_opts(c, &wo);
	for (k = 0; k < 2; k++)
		for (i = 0; i < lists[k]->n; i++)
			if (aud_walk(&in[k], lists[k]->v[i], &wo, &err)) {
				print_err(&err, NULL);
				rc = AUD_EXIT_ERROR;
				goto done;
			}
	if (aud_store_open(&st, c->db, &err)) {
		print_err(&err, NULL);
		rc = AUD_EXIT_ERROR;
		goto done;
	}
	aud_keyhash_fingerprint(kh, fp);
	opts = overlap_json(c);
	memset(&meta, 0, sizeof meta);
	meta.tool_version = AUD_VERSION;
	meta.options_json = opts;
	meta.key_fingerprint = fp;
	meta.key_source = key_source;
	if (aud_store_run_begin(st, &meta, &run_id, &err)) {
		print_err(&err, NULL);
		rc = AUD_EXIT_ERROR;
		goto done;
	}
	memset(&oo, 0, sizeof oo);
	oo.keys = c->keys.v;
	oo.nkeys = c->keys.n;
	oo.near = c->near;
	oo.jaccard = c->jaccard;
	oo.max_locations = c->max_locations;
	oo.max_memory = c->max_memory;
	oo.stream.format = c->format;
	oo.stream.delimiter = c->delimiter;
	oo.stream.max_record_bytes = (size_t)c->max_record;
	oo.stream.max_decoded_bytes = c->max_decoded;
	oo.stream.max_ratio = c->max_ratio;
	oo.stream.stop = &stop_signal;
	oo.max_problems_shown = c->show_problems;
	oo.diag = on_diag;
	if (c->progress == 1 || (c->progress == -1 && isatty(2))) {
		aud_progress_init(&prog, stderr,
				  inputs_size(&in[0]) + inputs_size(&in[1]));
		prog.unit = "matches";
		oo.progress = aud_progress_update;
		oo.progress_ctx = &prog;
		oo.diag_ctx = &prog;
	}
	catch_signals();
	rc = aud_overlap_run(st, run_id, &in[0], &in[1], kh, &oo, &tot, &err);
	if (oo.progress)
		aud_progress_clear(&prog);
	rc = end_run(st, run_id, rc, tot.interrupted, &err);
	if (rc)
		goto done;
	if (!c->quiet &&
	    aud_overlap_summary_write(stdout, st, run_id, c->json, &err)) {
		print_err(&err, NULL);
		rc = AUD_EXIT_ERROR;
		goto done;
	}
	broken = c->overlap_fail_on
			 ? aud_overlap_policy_check(c->overlap_fail_on, st,
						    run_id, on_broken, NULL,
						    &err)
			 : 0;
	if (broken < 0) {
		print_err(&err, NULL);
		rc = AUD_EXIT_ERROR;
		goto done;
	}
	rc = exit_for(tot.interrupted, tot.files_failed || tot.files_warning,
		      broken);
done:
	free(opts);
	aud_store_close(st);
	aud_inputs_free(&in[0]);
	aud_inputs_free(&in[1]);
	aud_keyhash_free(kh);
	return rc;
}

static void on_merge_note(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "auditor: note: %s\n", msg);
}

/* merge: plan (reads and checks every source, writes nothing), then
 * write the merged run, then the summary as scan prints it. The exit code
 * is the one a scan of all the inputs would give (3 when one is not ok). */
static int cmd_merge(cli *c, int argc, char **argv)
{
	aud_merge *m = NULL;
	aud_store *st = NULL;
	int64_t run_id = 0;
	aud_err err;
	size_t i, bad;
	int rc;

	aud_err_clear(&err);
	rc = parse_args(c, argc, argv, 2, CMD_MERGE);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (c->inputs.n == 0)
		return usage_error("%s", "merge needs the databases to merge: "
				   "auditor merge --db OUT.db IN.db...");
	for (i = 0; i < c->inputs.n; i++)
		if (strcmp(c->inputs.v[i], "-") == 0)
			return usage_error("%s", "merge reads databases, not "
					   "standard input");
	rc = aud_merge_plan(&m, c->db, c->inputs.v, c->inputs.n,
			    on_merge_note, NULL, &err);
	if (!rc && (rc = aud_store_open(&st, c->db, &err)) == 0)
		rc = aud_merge_write(m, st, &run_id, &err);
	if (rc) {
		print_err(&err, NULL);
		rc = rc == AUD_EUSAGE ? AUD_EXIT_USAGE : AUD_EXIT_ERROR;
		goto done;
	}
	if (!c->quiet && aud_summary_write(stdout, st, run_id, c->json, &err)) {
		print_err(&err, NULL);
		rc = AUD_EXIT_ERROR;
		goto done;
	}
	bad = aud_merge_inputs_not_ok(m);
	if (bad) {
		fprintf(stderr, "auditor: %zu merged input%s failed or had "
			"problems (files.status)\n", bad, bad == 1 ? "" : "s");
		rc = AUD_EXIT_ERROR;
	}
done:
	aud_store_close(st);
	aud_merge_free(m);
	return rc;
}

/* auditor redact INPUT -o OUTPUT: the copy is aud_redact_file's job; this
 * sets it up, prints the summary and decides the exit code. */
static int cmd_redact(cli *c, int argc, char **argv)
{
	aud_patternset *ps = NULL;
	aud_keyhash *kh = NULL;
	aud_allowlist *al = NULL;
	aud_progress prog;
	aud_redact_opts ro;
	aud_redact_totals tot;
	aud_err err;
	strlist none = {0};
	const char *key_source = NULL, *in, *shown;
	struct stat sb;
	int rc;

	memset(&tot, 0, sizeof tot);
	aud_err_clear(&err);
	rc = parse_args(c, argc, argv, 2, CMD_REDACT);
	if (rc)
		return rc < 0 ? 0 : rc;
	if (c->inputs.n != 1)
		return usage_error("%s", "redact takes one INPUT (a file, or - "
				   "for stdin)");
	if (!c->output)
		return usage_error("%s", "redact needs -o OUTPUT (a file, or - "
				   "for stdout)");
	in = c->inputs.v[0];
	shown = strcmp(in, "-") == 0 ? "<stdin>" : in;
	if ((rc = load_patterns(&ps, c, &none)))
		return rc;
	if (c->allowlist && aud_allowlist_load(&al, c->allowlist, &err)) {
		fprintf(stderr, "auditor: %s\n", err.msg);
		rc = err.code == AUD_EUSAGE ? AUD_EXIT_USAGE : AUD_EXIT_ERROR;
		goto done;
	}
	if (c->pseudonymize && (rc = open_key(c, &kh, &key_source)))
		goto done;
	memset(&ro, 0, sizeof ro);
	ro.format = c->format;
	ro.delimiter = c->delimiter;
	ro.max_record_bytes = (size_t)c->max_record;
	ro.max_decoded_bytes = c->max_decoded;
	ro.max_ratio = c->max_ratio;
	ro.pseudonymize = c->pseudonymize;
	ro.personal = c->personal;
	ro.allowlist = al;
	ro.max_problems_shown = c->show_problems;
	ro.diag = on_diag;
	ro.stop = &stop_signal;
	if (c->progress == 1 || (c->progress == -1 && isatty(2))) {
		aud_progress_init(&prog, stderr,
				  strcmp(in, "-") && stat(in, &sb) == 0 &&
					  S_ISREG(sb.st_mode)
				      ? (uint64_t)sb.st_size
				      : 0);
		ro.progress = aud_progress_update;
		ro.progress_ctx = &prog;
		ro.diag_ctx = &prog;
	}
	catch_signals();
	rc = aud_redact_file(in, c->output, ps, kh, &ro, &tot, &err);
	if (ro.progress)
		aud_progress_clear(&prog);
	if (rc) {
		print_err(&err, rc == AUD_EUSAGE || tot.output_failed ? NULL
								      : shown);
		if (rc != AUD_EUSAGE && strcmp(c->output, "-") != 0)
			fprintf(stderr, "auditor: %s: not written\n",
				c->output);
		/* Not 3: a script must tell "written, with problems"
		 * from "not written", above all when an older OUTPUT is
		 * still there. */
		rc = rc == AUD_EUSAGE  ? AUD_EXIT_USAGE
		     : tot.interrupted ? 128 + atomic_load(&stop_signal)
				       : AUD_EXIT_NOT_WRITTEN;
		goto done;
	}
	if (!c->quiet)
		aud_redact_summary_write(strcmp(c->output, "-") == 0 ? stderr
								     : stdout,
					 &tot, shown, c->output, c->json);
	rc = tot.problems ? AUD_EXIT_ERROR : AUD_EXIT_OK;
done:
	aud_redact_totals_free(&tot);
	aud_keyhash_free(kh);
	aud_allowlist_free(al);
	aud_patterns_free(ps);
	return rc;
}

int aud_cli_main(int argc, char **argv)
{
	cli c;
	int rc;

	memset(&c, 0, sizeof c);
	c.db = "auditor.db";
	c.max_record = 16u << 20;
	c.bias.min_share = 0.02;
	c.progress = -1;
	c.max_ratio = 200;
	if (argc < 2)
		return usage_error("%s", "no command given");
	if (strcmp(argv[1], "help") == 0 && argc > 2 &&
	    strcmp(argv[2], "--man") == 0) {
		print_man(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		print_help(stdout, argc > 2 ? argv[2] : NULL);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		printf("auditor %s\n", AUD_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "scan") == 0)
		rc = cmd_scan(&c, argc, argv);
	else if (strcmp(argv[1], "patterns") == 0)
		rc = cmd_patterns(&c, argc, argv);
	else if (strcmp(argv[1], "report") == 0)
		rc = cmd_report(&c, argc, argv);
	else if (strcmp(argv[1], "verify") == 0)
		rc = cmd_verify(&c, argc, argv);
	else if (strcmp(argv[1], "redact") == 0)
		rc = cmd_redact(&c, argc, argv);
	else if (strcmp(argv[1], "overlap") == 0)
		rc = cmd_overlap(&c, argc, argv);
	else if (strcmp(argv[1], "merge") == 0)
		rc = cmd_merge(&c, argc, argv);
	else if (argv[1][0] == '-')
		rc = usage_error("unknown option '%s'", argv[1]);
	else
		rc = usage_error("unknown command '%s'", argv[1]);
	free(c.include.v);
	free(c.exclude.v);
	free(c.groups.v);
	free(c.intersect.v);
	free(c.positive.v);
	free(c.predicted_positive.v);
	free(c.qis.v);
	free(c.reference);
	aud_policy_free(c.policy);
	free(c.patterns.v);
	free(c.inputs.v);
	free(c.train.v);
	free(c.test.v);
	free(c.keys.v);
	fflush(stdout);
	return rc;
}
