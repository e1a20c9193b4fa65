/*
 * scan.c: the scan pipeline for one run. Inputs are taken one at a time:
 * the decoder turns raw bytes into a decoded stream, the reader cuts it
 * into records, the detector finds matches in each field, and each match
 * becomes a finding row holding only a masked preview and a keyed hash.
 *
 * Faults are kept per input: a file that cannot be opened or decoded, or
 * whose reader gives up, gets status "failed" and its error on its files
 * row, and everything found before the fault stays (the store commits at
 * every file end). Per-record problems are counted, stored (up to a cap) and
 * a few of them shown through the diagnostic callback. Only a store
 * failure ends the run, since nothing more could be recorded.
 */
#include "auditor/scan.h"
#include "auditor/decode.h"
#include "auditor/detect.h"
#include "auditor/mask.h"
#include "auditor/profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (256 * 1024)
#define MAX_SUPPRESSED_ENTITIES 256
#define MAX_VALUE_ENTITIES 16

typedef struct suppressed {
	const char *entity; /* borrowed from the pattern set */
	uint64_t n;
} suppressed;

typedef struct scan_ctx {
	aud_store *s;
	int64_t run_id, file_id;
	aud_detector *det;
	const aud_keyhash *kh;
	const aud_scan_opts *o;
	const char *path;      /* as shown and stored */
	uint64_t problems;     /* this input */
	uint64_t shown;        /* problems passed to diag, this input */
	uint64_t findings;     /* this run, real ones */
	uint64_t placeholders; /* this run */
	uint64_t markers;      /* this run */
	aud_profile *prof;     /* this input's column facts */
	aud_groups *groups;    /* bias counters, NULL without --group */
	aud_kanon *kanon;      /* this input's classes, NULL without
				  --quasi-identifiers */
	aud_format format;     /* this input's */
	suppressed supp[MAX_SUPPRESSED_ENTITIES];
	size_t nsupp;
	uint64_t nsuppressed;
	aud_err store_err;
	int store_failed;
	uint64_t raw_done, decoded_done, records_done; /* finished inputs */
	size_t input, ninputs;
} scan_ctx;

static void progress(scan_ctx *c, aud_decoder *d, aud_reader *rd)
{
	aud_scan_progress p;

	if (!c->o->progress)
		return;
	p.raw_bytes = c->raw_done + aud_decoder_raw_bytes(d);
	p.decoded_bytes = c->decoded_done + aud_decoder_decoded_bytes(d);
	p.records = c->records_done + aud_reader_records(rd);
	p.findings = c->findings;
	p.input = c->input;
	p.inputs = c->ninputs;
	p.path = c->path;
	c->o->progress(c->o->progress_ctx, &p);
}

static void suppress(scan_ctx *c, const char *entity)
{
	size_t i;

	c->nsuppressed++;
	for (i = 0; i < c->nsupp; i++)
		if (strcmp(c->supp[i].entity, entity) == 0) {
			c->supp[i].n++;
			return;
		}
	if (c->nsupp < MAX_SUPPRESSED_ENTITIES) {
		c->supp[c->nsupp].entity = entity;
		c->supp[c->nsupp].n = 1;
		c->nsupp++;
	}
}

static void diag(scan_ctx *c, aud_diag_kind kind, const aud_err *e)
{
	if (c->o->diag)
		c->o->diag(c->o->diag_ctx, kind, c->path, e);
}

/* A short word for the problems table, from the reader's message. */
static const char *problem_kind(const aud_err *e)
{
	if (strstr(e->msg, "PCRE2's match or depth limit"))
		return "pattern_limit";
	if (strncmp(e->msg, "file grew", 9) == 0 ||
	    strncmp(e->msg, "file was modified", 17) == 0)
		return "changed";
	if (e->code == AUD_ELIMIT)
		return "too_long";
	if (strncmp(e->msg, "invalid UTF-8", 13) == 0)
		return "utf8";
	if (strncmp(e->msg, "NUL byte", 8) == 0)
		return "nul";
	if (strstr(e->msg, "fields, header has"))
		return "field_count";
	if (strstr(e->msg, "JSON"))
		return "json";
	return "format";
}

static void on_problem(void *ctx, const aud_err *e)
{
	scan_ctx *c = ctx;
	unsigned cap = c->o->max_problems_shown ? c->o->max_problems_shown : 10;

	c->problems++;
	if (c->shown < cap) {
		c->shown++;
		diag(c, AUD_DIAG_PROBLEM, e);
	}
	if (!c->store_failed &&
	    aud_store_problem_add(c->s, c->run_id, c->file_id, problem_kind(e),
				  e, &c->store_err))
		c->store_failed = 1;
}

/* A column named by the bias options that this input does not have is a
 * usage error; the message lists the columns it has. */
static int unseen_column(scan_ctx *c, const char *col)
{
	char list[600];
	size_t i, len = 0, n = aud_profile_count(c->prof);

	list[0] = '\0';
	for (i = 0; i < n && len + 4 < sizeof list; i++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
					i ? ", " : "",
					aud_profile_get(c->prof, i)->name);
	aud_err_clear(&c->store_err);
	aud_err_set(&c->store_err, AUD_EUSAGE,
		    "%s: column '%s' not found; its columns are: %s", c->path,
		    col, list);
	c->store_failed = 1;
	return 1;
}

/* Moves the score table into the store (it is bounded in memory). */
static int drain_scores(scan_ctx *c)
{
	const aud_score_count *sc;
	size_t i, n = aud_groups_scores(c->groups, &sc);

	for (i = 0; i < n; i++)
		if (aud_store_group_score_add(
			    c->s, c->run_id, c->file_id,
			    aud_groups_attribute(c->groups, sc[i].attribute),
			    aud_groups_get(c->groups, sc[i].attribute,
					   sc[i].group)
				    ->value,
			    sc[i].score, sc[i].count, &c->store_err))
			return -1;
	aud_groups_scores_clear(c->groups);
	return 0;
}

static int on_record(void *ctx, const aud_record *rec)
{
	scan_ctx *c = ctx;
	const aud_match *m;
	aud_finding_row row;
	char masked[128], hash[65];
	const char *ents[MAX_VALUE_ENTITIES];
	size_t i, k, nents;
	int n, j, found;
	long h;

	for (i = 0; i < rec->nfields; i++) {
		const aud_field *f = &rec->fields[i];

		h = aud_profile_value(c->prof, f->name, f->name_len,
				      f->value_len);
		if (h < 0) {
			aud_err_set(&c->store_err, AUD_ENOMEM, "out of memory");
			c->store_failed = 1;
			return 1;
		}
		if (f->value_len == 0)
			continue;
		n = aud_detect_field(c->det, f->name, f->name_len, f->value,
				     f->value_len, &m, &c->store_err);
		if (n < 0) {
			c->store_failed = 1;
			return 1;
		}
		nents = 0;
		found = 0;
		for (j = 0; j < n; j++) {
			const char *v = f->value + m[j].start;

			if (strcmp(m[j].entity, AUD_MARKER_ENTITY) == 0) {
				aud_profile_marker(c->prof, h, v, m[j].len);
				c->markers++;
				continue;
			}
			if (c->o->allowlist &&
			    aud_allowlist_match(c->o->allowlist, m[j].entity, v,
						m[j].len)) {
				suppress(c, m[j].entity);
				continue;
			}
			aud_mask(masked, sizeof masked, m[j].entity, v,
				 m[j].len);
			aud_keyhash_value(c->kh, m[j].entity, v, m[j].len,
					  hash);
			memset(&row, 0, sizeof row);
			row.run_id = c->run_id;
			row.file_id = c->file_id;
			row.record = rec->number;
			row.line = rec->line;
			row.byte_offset = f->offset + m[j].start;
			row.length = m[j].len;
			row.field = f->name;
			row.field_len = f->name_len;
			row.entity = m[j].entity;
			row.pattern_id = m[j].pattern_id;
			row.evidence = aud_evidence_name(m[j].evidence);
			row.confidence = m[j].confidence;
			row.masked = masked;
			row.value_hash = hash;
			if (aud_store_finding_add(c->s, &row, &c->store_err)) {
				c->store_failed = 1;
				return 1;
			}
			if (m[j].evidence == AUD_EV_PLACEHOLDER) {
				c->placeholders++;
				continue;
			}
			c->findings++;
			found = 1;
			for (k = 0; k < nents; k++)
				if (strcmp(ents[k], m[j].entity) == 0)
					break;
			if (k == nents && nents < MAX_VALUE_ENTITIES)
				ents[nents++] = m[j].entity;
		}
		if (found)
			aud_profile_value_found(c->prof, h);
		for (k = 0; k < nents; k++)
			aud_profile_entity(c->prof, h, ents[k]);
	}
	if (c->groups) {
		const char *col;

		if (aud_groups_record(c->groups, rec)) {
			aud_err_set(&c->store_err, AUD_ENOMEM, "out of memory");
			c->store_failed = 1;
			return 1;
		}
		if (aud_groups_scores_full(c->groups) && drain_scores(c)) {
			c->store_failed = 1;
			return 1;
		}
		/* A CSV's columns are all known after its first row. */
		if (rec->number == 1 && c->format == AUD_FMT_CSV &&
		    (col = aud_groups_unseen_column(c->groups)))
			return unseen_column(c, col);
	}
	if (c->kanon) {
		const char *col;

		if (aud_kanon_record(c->kanon, rec, &c->store_err)) {
			c->store_failed = 1;
			return 1;
		}
		if (rec->number == 1 && c->format == AUD_FMT_CSV &&
		    (col = aud_kanon_unseen_column(c->kanon)))
			return unseen_column(c, col);
	}
	return 0;
}

/* The first column the bias or re-identification options name that this
 * input lacks, or NULL. */
static const char *unseen(scan_ctx *c)
{
	const char *col = c->groups ? aud_groups_unseen_column(c->groups)
				    : NULL;

	return col ? col : c->kanon ? aud_kanon_unseen_column(c->kanon) : NULL;
}

/* Writes this input's group counters and scores and clears them. */
static int store_groups(scan_ctx *c)
{
	size_t a, i;

	if (drain_scores(c))
		return -1;
	for (a = 0; a < aud_groups_attributes(c->groups); a++)
		for (i = 0; i < aud_groups_count(c->groups, a); i++)
			if (aud_store_group_counts_add(
				    c->s, c->run_id, c->file_id,
				    aud_groups_attribute(c->groups, a),
				    aud_groups_get(c->groups, a, i),
				    &c->store_err))
				return -1;
	aud_groups_reset(c->groups);
	return 0;
}

/* Writes this input's column profile (also for a failed input: the fields
 * seen before the fault) and clears it for the next input. */
static int store_profile(scan_ctx *c)
{
	size_t i, j, n = aud_profile_count(c->prof);
	aud_field_row fr;

	for (i = 0; i < n; i++) {
		const aud_profile_field *pf = aud_profile_get(c->prof, i);

		memset(&fr, 0, sizeof fr);
		fr.run_id = c->run_id;
		fr.file_id = c->file_id;
		fr.field = pf->name;
		fr.values_seen = pf->values_seen;
		fr.values_non_empty = pf->values_non_empty;
		fr.values_with_findings = pf->values_with_findings;
		fr.name_class = aud_name_class_name(pf->name_class);
		fr.top_entity = pf->top_entity;
		fr.top_entity_values = pf->top_entity_values;
		fr.verdict = pf->verdict;
		fr.reason = pf->reason;
		if (aud_store_field_add(c->s, &fr, &c->store_err))
			return -1;
		for (j = 0; j < pf->nentities; j++)
			if (aud_store_field_entity_add(
				    c->s, c->run_id, c->file_id, pf->name,
				    pf->entities[j].entity,
				    pf->entities[j].values, &c->store_err))
				return -1;
		for (j = 0; j < pf->nmarkers; j++)
			if (aud_store_marker_add(c->s, c->run_id, c->file_id,
						 pf->name, pf->markers[j].text,
						 pf->markers[j].count,
						 &c->store_err))
				return -1;
	}
	aud_profile_reset(c->prof);
	return 0;
}

/* Scans one opened input. Fills r and *fail (the error that ended it). */
static void scan_stream(scan_ctx *c, aud_decoder *d, char *buf,
			aud_file_result *r, aud_err *fail, int *failed)
{
	aud_reader *rd = NULL;
	aud_reader_opts ro;
	ptrdiff_t n;
	int rc = 0, stopped = 0, ended_line = 1;
	char delim = ',';
	aud_format fmt;
	aud_err e;

	aud_err_clear(&e);
	n = aud_decoder_read(d, buf, CHUNK, &e);
	if (n < 0) {
		*fail = e;
		*failed = 1;
		return;
	}
	if (n == 0) {
		r->status = "warning";
		aud_err_set(fail, AUD_EFORMAT, "empty input: nothing to scan");
		return;
	}
	fmt = aud_format_from_name(c->path, &delim);
	if (c->o->format != AUD_FMT_AUTO)
		fmt = c->o->format;
	else if (fmt == AUD_FMT_AUTO)
		fmt = aud_format_sniff(buf, (size_t)n);
	if (c->o->delimiter)
		delim = c->o->delimiter;
	r->format = aud_format_name(fmt);
	c->format = fmt;

	memset(&ro, 0, sizeof ro);
	ro.format = fmt;
	ro.delimiter = delim;
	ro.max_record_bytes = c->o->max_record_bytes;
	if (aud_reader_new(&rd, &ro, on_record, on_problem, c, &e)) {
		*fail = e;
		*failed = 1;
		return;
	}
	while (n > 0) {
		rc = aud_reader_feed(rd, buf, (size_t)n, &e);
		if (rc)
			break;
		ended_line = buf[n - 1] == '\n';
		progress(c, d, rd);
		if (c->o->stop && *c->o->stop) {
			aud_err_set(fail, AUD_EIO, "scan interrupted");
			aud_err_place(fail, aud_reader_records(rd) + 1,
				      AUD_NOPOS, aud_decoder_decoded_bytes(d));
			*failed = 1;
			stopped = 1;
			break;
		}
		n = aud_decoder_read(d, buf, CHUNK, &e);
	}
	if (stopped) {
		/* Interrupted: the cut last line is not a record to report
		 * on; the input is scanned again by --resume. */
	} else if (rc < 0 && !c->store_failed) {
		*fail = e; /* the reader gave up on this input */
		*failed = 1;
	} else if (rc == 0) {
		aud_err fe;

		aud_err_clear(&fe);
		if (n < 0) {
			/* Decoder fault: keep what came before. The record
			 * being read when it happened is the next one. */
			*fail = e;
			*failed = 1;
			if (fail->record == AUD_NOPOS)
				fail->record = aud_reader_records(rd) + 1;
			/* The line counter already counts a line that
			 * has started; the next line only if the last
			 * chunk ended one. */
			if (fail->line == AUD_NOPOS)
				fail->line = aud_reader_lines(rd) +
					     (ended_line ? 1 : 0);
		}
		/* Flush the last record: for a truncated stream it is the
		 * data before the fault, which must still be scanned. */
		rc = aud_reader_finish(rd, &fe);
		if (rc < 0 && !*failed && !c->store_failed) {
			*fail = fe;
			*failed = 1;
		}
	}
	r->records = aud_reader_records(rd);
	aud_reader_free(rd);
}

/* Does path still have the SHA-256 want? (Read in full to know.) */
static int same_hash(const char *path, const char *want)
{
	aud_decoder *d = NULL;
	aud_err e;
	char got[65];
	int same = 0;

	aud_err_clear(&e);
	if (aud_decoder_open(&d, path, NULL, &e) == 0 &&
	    aud_decoder_drain(d, &e) == 0) {
		aud_decoder_sha256_hex(d, got);
		same = strcmp(got, want) == 0;
	}
	aud_decoder_close(d);
	return same;
}

static int scan_one(scan_ctx *c, const aud_input *in, char *buf,
		    aud_scan_totals *t)
{
	aud_decoder *d = NULL;
	aud_decoder_opts dopts;
	aud_file_result r;
	aud_err fail, e;
	int failed = 0;
	uint64_t limit_before = aud_detector_limit_hits(c->det);
	char sha[65];

	c->path = strcmp(in->path, "-") == 0 ? "<stdin>" : in->path;
	c->problems = c->shown = 0;
	aud_err_clear(&fail);
	aud_err_clear(&e);
	memset(&r, 0, sizeof r);
	r.size_bytes = -1;
	r.status = "ok";
	r.error_record = r.error_line = r.error_offset = AUD_NOPOS;

	if (c->o->resume && !in->error && strcmp(in->path, "-") != 0) {
		char was[65];
		int warned;

		if (aud_store_file_done(c->s, c->run_id, c->path, was,
					&warned) &&
		    same_hash(in->path, was)) {
			t->resumed++;
			t->files++;
			if (warned)
				t->files_warning++;
			return 0; /* finished before the interruption */
		}
		if (aud_store_file_forget(c->s, c->run_id, c->path,
					  &c->store_err))
			return -1;
	}
	if (aud_store_file_begin(c->s, c->run_id, c->path, &c->file_id,
				 &c->store_err))
		return -1;
	if (in->error) {
		aud_err_set(&fail, AUD_EIO, "%s", in->error);
		failed = 1;
	} else {
		memset(&dopts, 0, sizeof dopts);
		dopts.max_decoded_bytes = c->o->max_decoded_bytes;
		dopts.max_ratio = c->o->max_ratio;
		if (aud_decoder_open(&d, in->path, &dopts, &e)) {
			fail = e;
			failed = 1;
		}
	}
	if (d) {
		scan_stream(c, d, buf, &r, &fail, &failed);
		if (!(c->o->stop && *c->o->stop) &&
		    aud_decoder_drain(d, &e) == 0) {
			const char *chg = aud_decoder_changed(d);

			if (chg) { /* grew or was rewritten while read */
				aud_err ce;

				aud_err_clear(&ce);
				aud_err_set(&ce, AUD_EIO, "%s", chg);
				on_problem(c, &ce);
			}
			aud_decoder_sha256_hex(d, sha);
			r.sha256 = sha;
		}
		r.compression = aud_compression_name(
			aud_decoder_compression(d));
		r.bytes_decoded = aud_decoder_decoded_bytes(d);
		r.size_bytes = aud_decoder_file_size(d);
		if (r.size_bytes < 0)
			r.size_bytes = (int64_t)aud_decoder_raw_bytes(d);
	}
	if (c->store_failed) {
		if (c->store_err.code == AUD_EUSAGE) {
			aud_err ue;

			/* The bias options do not fit this input: say so on
			 * its row; the run stops. */
			aud_err_clear(&ue);
			r.status = "failed";
			r.error = c->store_err.msg;
			aud_store_file_end(c->s, c->file_id, &r, &ue);
		}
		goto done;
	}
	if ((c->groups || c->kanon) && r.records > 0) {
		const char *col = unseen(c);

		if (col) {
			aud_err ue;

			/* Record the refusal on the input's row, then stop
			 * the run: the options do not fit the data. */
			unseen_column(c, col);
			aud_err_clear(&ue);
			r.status = "failed";
			r.error = c->store_err.msg;
			aud_store_file_end(c->s, c->file_id, &r, &ue);
			goto done;
		}
	}
	/* A failed input's bias counters would describe an unknown part of
	 * it, and its last record may be cut in two (a broken quote): they
	 * are dropped, and the input's failure is on its files row. Its
	 * findings stay. */
	if (c->groups && failed) {
		aud_groups_reset(c->groups);
	} else if (c->groups && store_groups(c)) {
		c->store_failed = 1;
		goto done;
	}
	if (c->kanon && failed) {
		aud_kanon_reset(c->kanon);
	} else if (c->kanon &&
		   aud_kanon_merge(c->o->kanon, c->kanon, &c->store_err)) {
		c->store_failed = 1;
		goto done;
	}
	if (store_profile(c)) {
		c->store_failed = 1;
		goto done;
	}
	if (aud_detector_limit_hits(c->det) > limit_before) {
		aud_err le;

		aud_err_clear(&le);
		aud_err_set(&le, AUD_ELIMIT,
			    "%llu field values were not fully checked: a "
			    "pattern hit PCRE2's match or depth limit",
			    (unsigned long long)(aud_detector_limit_hits(
							 c->det) -
						 limit_before));
		on_problem(c, &le);
	}
	r.problems = c->problems;
	if (failed) {
		r.status = "failed";
		diag(c, AUD_DIAG_FAILED, &fail);
	} else if (fail.msg[0]) {
		diag(c, AUD_DIAG_WARNING, &fail); /* empty input */
	} else if (c->problems) {
		r.status = "warning";
	}
	if (c->problems > c->shown) {
		aud_err me;

		aud_err_clear(&me);
		aud_err_set(&me, AUD_EFORMAT,
			    "%llu more problems not shown (table problems "
			    "holds up to 1000 per input)",
			    (unsigned long long)(c->problems - c->shown));
		diag(c, AUD_DIAG_MORE, &me);
	}
	if (fail.msg[0]) {
		r.error = fail.msg;
		r.error_record = fail.record;
		r.error_line = fail.line;
		r.error_offset = fail.offset;
	} else if (c->problems) {
		r.error = "some records had problems (see table problems)";
	}
	if (aud_store_file_end(c->s, c->file_id, &r, &c->store_err))
		c->store_failed = 1;
	t->files++;
	t->records += r.records;
	t->bytes_decoded += r.bytes_decoded;
	c->records_done += r.records;
	c->decoded_done += r.bytes_decoded;
	c->raw_done += r.size_bytes > 0 ? (uint64_t)r.size_bytes : 0;
	if (strcmp(r.status, "failed") == 0)
		t->files_failed++;
	else if (strcmp(r.status, "warning") == 0)
		t->files_warning++;
done:
	aud_decoder_close(d);
	return c->store_failed ? -1 : 0;
}

int aud_scan_inputs(aud_store *s, int64_t run_id, const aud_inputs *inputs,
		    const aud_patternset *ps, const aud_keyhash *kh,
		    const aud_scan_opts *opts, aud_scan_totals *totals,
		    aud_err *err)
{
	scan_ctx c;
	aud_scan_totals t;
	char *buf = NULL;
	size_t i;
	int rc = AUD_OK;

	memset(&c, 0, sizeof c);
	memset(&t, 0, sizeof t);
	aud_err_clear(&c.store_err);
	c.s = s;
	c.run_id = run_id;
	c.kh = kh;
	c.o = opts;
	buf = malloc(CHUNK);
	if (!buf)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	rc = aud_detector_new(&c.det, ps, err);
	if (rc)
		goto done;
	rc = aud_profile_new(&c.prof, err);
	if (rc)
		goto done;
	if (opts->bias && (rc = aud_groups_new(&c.groups, opts->bias, err)))
		goto done;
	if (opts->kanon && (rc = aud_kanon_new_like(&c.kanon, opts->kanon, err)))
		goto done;
	c.ninputs = inputs->n;
	for (i = 0; i < inputs->n; i++) {
		if (opts->stop && *opts->stop)
			break;
		c.input = i;
		if (scan_one(&c, &inputs->v[i], buf, &t)) {
			if (err)
				*err = c.store_err;
			rc = c.store_err.code ? c.store_err.code : AUD_ESTORE;
			break;
		}
	}
	for (i = 0; rc == AUD_OK && i < c.nsupp; i++)
		if (aud_store_suppressed_add(s, run_id, c.supp[i].entity,
					     c.supp[i].n, err))
			rc = AUD_ESTORE;
	t.findings = c.findings;
	t.placeholders = c.placeholders;
	t.suppressed = c.nsuppressed;
	t.markers = c.markers;
	t.pattern_limit_hits = aud_detector_limit_hits(c.det);
	t.interrupted = opts->stop && *opts->stop;
done:
	if (totals)
		*totals = t;
	aud_detector_free(c.det);
	aud_profile_free(c.prof);
	aud_groups_free(c.groups);
	aud_kanon_free(c.kanon);
	free(buf);
	return rc;
}
