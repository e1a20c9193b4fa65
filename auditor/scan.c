/*
 * scan.c: the scan pipeline for one run.
 *
 * Three roles, run by threads or, with one thread, one after another on
 * the caller's thread (the same functions either way):
 *
 *   decoder   opens each input, turns raw bytes into decoded pieces of
 *             about 1 MiB and cuts the stream into segments: for JSONL a
 *             segment ends at a newline (a record boundary), so segments
 *             can be read independently; a JSONL line longer than a piece
 *             is one segment with the lines around it. A JSON array is cut
 *             after a ',' that ends an element (aud_json_cut follows the
 *             array reader's strings and nesting), maybe inside a line:
 *             such a segment counts only its line ends, and the next one
 *             goes on with the line. A CSV input is cut
 *             at a newline that ends a record, not one inside a quoted
 *             field (aud_csv_cut follows the reader's quote rules over
 *             the stream); a reader that starts at a later segment takes
 *             its header from the input's first bytes
 *             (aud_reader_continue).
 *   workers   take whole segments: a fresh reader parses the segment, the
 *             worker's detector matches every field, and the results go
 *             into batches (findings with masked preview and keyed hash,
 *             problems, and the segment's column profile and bias
 *             counters) whose record, line and offset numbers count from
 *             the segment's start.
 *   committer (the caller's thread) takes batches strictly in input order
 *             (input, segment, batch), turns local numbers into the
 *             input's, merges profiles and counters, and writes the rows.
 *
 * Because batches are committed in input order and merged in the order a
 * single reader would have seen them, the database does not depend on the
 * number of threads (row ids included). Memory is bounded: the decoder
 * waits when a fixed number of pieces are decoded but not yet committed.
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
#include "auditor/stream.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#define PIECE (1024 * 1024)
#define MAX_THREADS 64
#define MAX_SUPPRESSED_ENTITIES 256
#define MAX_VALUE_ENTITIES 16
#define BATCH_PROBLEMS 1000 /* kept per batch: the store keeps 1000/file */
#define WORKER_NICE 3	    /* see yield_to_decoder */

typedef struct suppressed {
	const char *entity; /* borrowed from the pattern set */
	uint64_t n;
} suppressed;

typedef struct supp_list {
	suppressed v[MAX_SUPPRESSED_ENTITIES];
	size_t n;
	uint64_t total;
} supp_list;

/* Decoded bytes of one input. */
typedef struct piece {
	struct piece *next;
	char *data;
	size_t len;
	uint64_t raw, decoded; /* decoder position after it (progress) */
} piece;

/* A finding with numbers local to its segment; text in the batch arena. */
typedef struct fnd {
	uint64_t record, line, offset, length;
	const char *entity, *pattern_id; /* borrowed from the pattern set */
	double confidence;
	size_t field, field_len, masked; /* offsets into text */
	aud_evidence evidence;
	char hash[65];
} fnd;

struct segment;

/* What a worker found in (part of) a segment. */
typedef struct batch {
	struct batch *next;
	fnd *f;
	size_t nf, capf;
	aud_buf text;
	aud_err *pr; /* the first BATCH_PROBLEMS problems */
	size_t npr, cappr;
	uint64_t problems; /* all of them */
	aud_profile *prof;
	aud_groups *groups; /* NULL without a bias audit */
	aud_kanon *kanon;   /* NULL without --quasi-identifiers */
	uint64_t findings, placeholders, markers, limit_hits;
	supp_list supp;
	uint64_t records, lines; /* reader counters at the batch's end */
	uint64_t numbered;	 /* record numbers used (aud_reader_numbered) */
	uint64_t pre_numbered, pre_lines; /* before the final flush */
	uint64_t raw, decoded;   /* progress */
	piece *pc;               /* pieces it read, freed on commit */
	int final;               /* last batch of its segment */
	int rc;                  /* non-zero: the input ends here (err) */
	aud_err err;
} batch;

struct job;

typedef struct segment {
	struct segment *next;       /* of its input, in order */
	struct segment *next_ready; /* queue of segments for workers */
	struct job *job;
	uint64_t base_offset; /* decoded offset of its first byte */
	piece *ph, *pt;       /* decoded, not yet taken by the worker */
	int closed;           /* the decoder adds no more pieces */
	int finish;           /* the input ends with it: flush the reader */
	int cut;	      /* the decoder cut the input after it */
	batch *bh, *bt;       /* for the committer */
	int done;             /* its final batch is queued */
	/* the worker's */
	aud_reader *rd;
	batch *cur;
	int fault;
} segment;

/* One input. */
typedef struct job {
	struct job *next; /* queue for the decoder */
	struct job *link; /* the committer's list */
	size_t index;     /* in the inputs */
	const aud_input *in;
	const char *path; /* as shown and stored */
	int64_t file_id;
	aud_format fmt;
	char delim;
	char *head;     /* CSV cut into segments: the bytes before its first */
	size_t headlen; /* record, for the readers of later segments */
	segment *sh, *st;
	/* set by the decoder */
	int decoded; /* no more segments will come */
	int started; /* the decoder took it */
	int cancel;  /* a worker or the committer ended it: stop decoding */
	int failed, stopped, empty, ended_line, have_sha;
	aud_err fail;
	char sha[65];
	const char *compression;
	char changed[256];
	uint64_t bytes_decoded, raw_bytes;
	int64_t size_bytes;
	/* the committer's */
	uint64_t records, lines;
	/* the record numbers the input's segments used so far (records
	 * given plus JSONL lines skipped for their length): the base of the
	 * next segment's numbers; pre_: before the last segment's flush */
	uint64_t numbered, pre_numbered, pre_lines;
	uint64_t problems, shown, limit_hits;
	int fault; /* a batch ended the input */
	aud_err fault_err;
	aud_profile *prof;
	aud_groups *groups;
	aud_kanon *kanon; /* its records' classes, merged into the run's
			     when it ends well */
} job;

typedef struct worker {
	struct scan_ctx *c;
	aud_detector *det;
	pthread_t tid;
	int started;
} worker;

struct scan_ctx;

/* The worker's state while it reads one segment. */
typedef struct wctx {
	struct scan_ctx *c;
	worker *w;
	segment *seg;
	aud_err err; /* ENOMEM or a usage error from a record callback */
	int failed;
	const aud_field *cols; /* CSV: the reader's header, once read */
	size_t ncols;
} wctx;

typedef struct scan_ctx {
	aud_store *s;
	int64_t run_id;
	const aud_keyhash *kh;
	const aud_patternset *ps;
	const aud_scan_opts *o;
	unsigned nthreads; /* workers; 0: everything on the caller's thread */
	worker w[MAX_THREADS];
	worker inline_w;
	wctx ix; /* the open segment without workers */
	/* shared, under mu */
	pthread_mutex_t mu;
	pthread_cond_t work_cv;   /* workers: a segment or a piece is ready */
	pthread_cond_t commit_cv; /* committer: a batch or an input is ready */
	pthread_cond_t space_cv;  /* decoder: a piece is free */
	pthread_cond_t jobs_cv;   /* decoder: an input is queued */
	job *jq_head, *jq_tail;   /* for the decoder */
	int jobs_closed;          /* no more inputs will be queued */
	segment *rq_head, *rq_tail; /* for workers */
	int decoder_exited;
	int abort;                /* the store failed: everyone stops */
	piece *free_pieces;
	size_t pieces, max_pieces; /* allocated, at most */
	aud_profile **prof_pool; /* accumulators of committed batches */
	size_t nprof_pool, capprof_pool;
	aud_groups **grp_pool;
	size_t ngrp_pool, capgrp_pool;
	aud_kanon **kan_pool;
	size_t nkan_pool, capkan_pool;
	/* the committer's */
	uint64_t findings, placeholders, markers, limit_hits, suppressed;
	aud_err store_err;
	int store_failed;
	uint64_t raw_done, decoded_done, records_done; /* finished inputs */
	const aud_input *inputs_base;
	size_t ninputs;
} scan_ctx;

/* ---- pools ------------------------------------------------------------ */

static void lock(scan_ctx *c)
{
	if (c->nthreads)
		pthread_mutex_lock(&c->mu);
}

static void unlock(scan_ctx *c)
{
	if (c->nthreads)
		pthread_mutex_unlock(&c->mu);
}

static void signal_all(scan_ctx *c, pthread_cond_t *cv)
{
	if (c->nthreads)
		pthread_cond_broadcast(cv);
}

/* A profile (and bias counters) for a new batch, from the pool. Locked. */
static int take_accumulators(scan_ctx *c, batch *b, aud_err *err)
{
	int rc;

	if (c->nprof_pool) {
		b->prof = c->prof_pool[--c->nprof_pool];
	} else if ((rc = aud_profile_new(&b->prof, err))) {
		return rc;
	}
	if (c->o->kanon) {
		if (c->nkan_pool)
			b->kanon = c->kan_pool[--c->nkan_pool];
		else if ((rc = aud_kanon_new_like(&b->kanon, c->o->kanon,
						  err)))
			return rc;
	}
	if (!c->o->bias)
		return AUD_OK;
	if (c->ngrp_pool)
		b->groups = c->grp_pool[--c->ngrp_pool];
	else if ((rc = aud_groups_new(&b->groups, c->o->bias, err)))
		return rc;
	return AUD_OK;
}

static int push_ptr(void ***v, size_t *n, size_t *cap, void *p)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		void **nv = realloc(*v, nc * sizeof *nv);

		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = p;
	return 0;
}

/* Gives a batch's accumulators back to the pools and frees it. Locked. */
static void batch_free(scan_ctx *c, batch *b)
{
	if (!b)
		return;
	if (b->prof) {
		aud_profile_reset(b->prof);
		if (push_ptr((void ***)&c->prof_pool, &c->nprof_pool,
			     &c->capprof_pool, b->prof))
			aud_profile_free(b->prof);
	}
	if (b->groups) {
		aud_groups_reset(b->groups);
		if (push_ptr((void ***)&c->grp_pool, &c->ngrp_pool,
			     &c->capgrp_pool, b->groups))
			aud_groups_free(b->groups);
	}
	if (b->kanon) {
		aud_kanon_reset(b->kanon);
		if (push_ptr((void ***)&c->kan_pool, &c->nkan_pool,
			     &c->capkan_pool, b->kanon))
			aud_kanon_free(b->kanon);
	}
	while (b->pc) {
		piece *p = b->pc;

		b->pc = p->next;
		p->next = c->free_pieces;
		c->free_pieces = p;
	}
	free(b->f);
	free(b->pr);
	aud_buf_free(&b->text);
	free(b);
}

static batch *batch_new(scan_ctx *c, aud_err *err)
{
	batch *b = calloc(1, sizeof *b);
	int rc;

	if (!b) {
		aud_err_set(err, AUD_ENOMEM, "out of memory");
		return NULL;
	}
	lock(c);
	rc = take_accumulators(c, b, err);
	unlock(c);
	if (rc) {
		lock(c);
		batch_free(c, b);
		unlock(c);
		return NULL;
	}
	return b;
}

/* ---- worker: records to findings ---------------------------------------- */

static void suppress(supp_list *s, const char *entity, uint64_t n)
{
	size_t i;

	s->total += n;
	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].entity, entity) == 0) {
			s->v[i].n += n;
			return;
		}
	if (s->n < MAX_SUPPRESSED_ENTITIES) {
		s->v[s->n].entity = entity;
		s->v[s->n].n = n;
		s->n++;
	}
}

static void on_problem(void *ctx, const aud_err *e)
{
	wctx *x = ctx;
	batch *b = x->seg->cur;

	b->problems++;
	if (b->npr == BATCH_PROBLEMS)
		return;
	if (b->npr == b->cappr) {
		size_t nc = b->cappr ? b->cappr * 2 : 8;
		aud_err *np = realloc(b->pr, nc * sizeof *np);

		if (!np)
			return; /* counted, not kept */
		b->pr = np;
		b->cappr = nc;
	}
	b->pr[b->npr++] = *e;
}

/* A column named by the bias options that this input does not have is a
 * usage error; the message lists the columns it has. */
static void unseen_column(const char *path, aud_profile *prof,
			  const char *col, aud_err *err)
{
	char list[600];
	size_t i, len = 0, n = aud_profile_count(prof);

	list[0] = '\0';
	for (i = 0; i < n && len + 4 < sizeof list; i++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
					i ? ", " : "",
					aud_profile_get(prof, i)->name);
	aud_err_clear(err);
	aud_err_set(err, AUD_EUSAGE,
		    "%s: column '%s' not found; its columns are: %s", path,
		    col, list);
}

static int add_finding(batch *b, const aud_record *rec, const aud_field *f,
		       const aud_match *m, const char *masked,
		       const char *hash)
{
	fnd *d;
	size_t ml = strlen(masked);

	if (b->nf == b->capf) {
		size_t nc = b->capf ? b->capf * 2 : 64;
		fnd *nf = realloc(b->f, nc * sizeof *nf);

		if (!nf)
			return -1;
		b->f = nf;
		b->capf = nc;
	}
	d = &b->f[b->nf];
	d->record = rec->number;
	d->line = rec->line;
	d->offset = f->offset + m->start;
	d->length = m->len;
	d->entity = m->entity;
	d->pattern_id = m->pattern_id;
	d->confidence = m->confidence;
	d->evidence = m->evidence;
	d->field = b->text.len;
	d->field_len = f->name_len;
	if (aud_buf_append(&b->text, f->name, f->name_len))
		return -1;
	d->masked = b->text.len;
	if (aud_buf_append(&b->text, masked, ml + 1))
		return -1;
	memcpy(d->hash, hash, sizeof d->hash);
	b->nf++;
	return 0;
}

static int queue_batch(wctx *x, int final, int reading);
static int cancelled(scan_ctx *c, job *j);
static void set_cancel(struct scan_ctx *c, job *j);
static void put_piece(struct scan_ctx *c, piece *p);

/* Is rec a CSV input's first record? (The decoder cuts a CSV input only
 * after it, so it is in the first segment.) */
static int first_record(const wctx *x, const aud_record *rec)
{
	return rec->number == 1 && x->seg->base_offset == 0 &&
	       x->seg->job->fmt == AUD_FMT_CSV;
}

/* The token for the profile and the bias counters when rec has exactly
 * the CSV header's columns (the reader says so, and names them with the
 * header's own strings, which stay put while it lives), else NULL. A
 * batch holds the records of one reader only, so one token always means
 * one header. */
static const void *header_names(wctx *x, const aud_record *rec)
{
	if (!(rec->flags & AUD_REC_HEADER_NAMES) ||
	    x->seg->job->fmt != AUD_FMT_CSV)
		return NULL;
	if (!x->cols)
		x->ncols = aud_reader_columns(x->seg->rd, &x->cols);
	return x->cols;
}

/* The detector's look at every field of rec: findings, and the profile's
 * counts. Returns 0, 1 when the detector failed (x->err says why) or -1
 * when out of memory. Out of line: without a detector (--no-detect) the
 * record callback stays small. */
static int __attribute__((noinline))
detect_record(wctx *x, batch *b, const aud_record *rec)
{
	scan_ctx *c = x->c;
	const aud_match *m;
	char masked[128], hash[65];
	const char *ents[MAX_VALUE_ENTITIES];
	size_t i, k, nents;
	int n, j, found;
	long h;

	for (i = 0; i < rec->nfields; i++) {
		const aud_field *f = &rec->fields[i];

		h = aud_profile_value(b->prof, f->name, f->name_len,
				      f->value_len);
		if (h < 0)
			return -1;
		if (f->value_len == 0)
			continue;
		n = aud_detect_field(x->w->det, f->name, f->name_len, f->value,
				     f->value_len, &m, &x->err);
		if (n < 0)
			return 1;
		nents = 0;
		found = 0;
		for (j = 0; j < n; j++) {
			const char *v = f->value + m[j].start;

			if (strcmp(m[j].entity, AUD_MARKER_ENTITY) == 0) {
				aud_profile_marker(b->prof, h, v, m[j].len);
				b->markers++;
				continue;
			}
			if (c->o->allowlist &&
			    aud_allowlist_match(c->o->allowlist, m[j].entity, v,
						m[j].len)) {
				suppress(&b->supp, m[j].entity, 1);
				continue;
			}
			aud_mask(masked, sizeof masked, m[j].entity, v,
				 m[j].len);
			aud_keyhash_value(c->kh, m[j].entity, v, m[j].len,
					  hash);
			if (add_finding(b, rec, f, &m[j], masked, hash))
				return -1;
			if (m[j].evidence == AUD_EV_PLACEHOLDER) {
				b->placeholders++;
				continue;
			}
			b->findings++;
			found = 1;
			for (k = 0; k < nents; k++)
				if (strcmp(ents[k], m[j].entity) == 0)
					break;
			if (k == nents && nents < MAX_VALUE_ENTITIES)
				ents[nents++] = m[j].entity;
		}
		if (found)
			aud_profile_value_found(b->prof, h);
		for (k = 0; k < nents; k++)
			if (aud_profile_entity(b->prof, h, ents[k]))
				return -1;
	}
	return 0;
}

static int on_record(void *ctx, const aud_record *rec)
{
	wctx *x = ctx;
	batch *b = x->seg->cur;
	const void *names = header_names(x, rec);
	int rc;

	if (x->w->det) {
		rc = detect_record(x, b, rec);
		if (rc > 0) {
			x->failed = 1;
			return 1;
		}
		if (rc < 0)
			goto nomem;
	} else if (aud_profile_record(b->prof, rec->fields, rec->nfields,
				      names)) {
		/* Without a detector only the profile sees values. */
		goto nomem;
	}
	/* Before the bias counters: a full score table hands b on. */
	if (b->kanon) {
		const char *col;

		aud_err_clear(&x->err);
		if (aud_kanon_record(b->kanon, rec, &x->err)) {
			x->failed = 1;
			return 1;
		}
		if (first_record(x, rec) &&
		    (col = aud_kanon_unseen_column(b->kanon))) {
			unseen_column(x->seg->job->path, b->prof, col, &x->err);
			x->failed = 1;
			return 1;
		}
	}
	if (b->groups) {
		const char *col;

		aud_groups_set_unique_names(b->groups,
					    x->seg->job->fmt == AUD_FMT_CSV);
		if (aud_groups_record_names(b->groups, rec, names))
			goto nomem;
		/* A CSV's columns are all known after its first row. */
		if (first_record(x, rec) &&
		    (col = aud_groups_unseen_column(b->groups))) {
			unseen_column(x->seg->job->path, b->prof, col, &x->err);
			x->failed = 1;
			return 1;
		}
		/* The score table is bounded: hand it on and go on with a
		 * fresh batch. */
		if (aud_groups_scores_full(b->groups) && queue_batch(x, 0, 1))
			goto nomem;
	}
	return 0;
nomem:
	aud_err_clear(&x->err);
	aud_err_set(&x->err, AUD_ENOMEM, "out of memory");
	x->failed = 1;
	return 1;
}

/* Hands the segment's current batch to the committer and starts a new one
 * (unless final). reading says that the reader is in the middle of the
 * batch's last piece (a record callback): that piece then moves to the
 * new batch, since the committer recycles a batch's pieces and the
 * decoder would overwrite the bytes still to be read. */
static int queue_batch(wctx *x, int final, int reading)
{
	scan_ctx *c = x->c;
	segment *seg = x->seg;
	batch *b = seg->cur;

	if (seg->rd) {
		b->records = aud_reader_records(seg->rd);
		b->numbered = aud_reader_numbered(seg->rd);
		b->lines = aud_reader_lines(seg->rd);
	}
	b->final = final;
	seg->cur = NULL;
	if (!final) {
		seg->cur = batch_new(c, &x->err);
		if (!seg->cur) {
			seg->cur = b; /* keep it: the caller fails the input */
			return -1;
		}
		if (reading && b->pc) {
			seg->cur->pc = b->pc;
			b->pc = b->pc->next;
			seg->cur->pc->next = NULL;
			seg->cur->raw = b->raw;
			seg->cur->decoded = b->decoded;
		}
	}
	lock(c);
	b->next = NULL;
	if (seg->bt)
		seg->bt->next = b;
	else
		seg->bh = b;
	seg->bt = b;
	if (final)
		seg->done = 1;
	signal_all(c, &c->commit_cv);
	unlock(c);
	return 0;
}

/* The worker's first look at a segment. Returns 0 or a negative code (the
 * input fails: recorded in the segment's batch). */
static void seg_start(wctx *x)
{
	segment *seg = x->seg;
	aud_reader_opts ro;

	seg->cur = batch_new(x->c, &x->err);
	if (!seg->cur) {
		seg->fault = 1; /* reported by seg_end */
		return;
	}
	memset(&ro, 0, sizeof ro);
	ro.format = seg->job->fmt;
	ro.delimiter = seg->job->delim;
	ro.max_record_bytes = x->c->o->max_record_bytes;
	if (aud_reader_new(&seg->rd, &ro, on_record, on_problem, x,
			   &x->err)) {
		seg->rd = NULL;
		seg->fault = 1;
		return;
	}
	/* The decoder checked that the header reads without an error, so
	 * this can only run out of memory. */
	if (seg->base_offset > 0 &&
	    aud_reader_continue(seg->rd, seg->job->head, seg->job->headlen,
				seg->base_offset, &x->err))
		seg->fault = 1;
}

/* Feeds one piece of the segment. The piece now belongs to the batch. */
static void seg_feed(wctx *x, piece *p, int more)
{
	segment *seg = x->seg;
	batch *b = seg->cur;
	uint64_t before;
	int rc;

	if (!b || seg->fault || cancelled(x->c, seg->job)) {
		/* Nothing more is read of this input: the piece goes back
		 * at once, so the decoder is never left waiting for it. */
		put_piece(x->c, p);
		return;
	}
	p->next = b->pc;
	b->pc = p;
	b->raw = p->raw;
	b->decoded = p->decoded;
	before = x->w->det ? aud_detector_limit_hits(x->w->det) : 0;
	aud_err_clear(&x->err);
	rc = aud_reader_feed(seg->rd, p->data, p->len, &x->err);
	if (x->w->det)
		seg->cur->limit_hits +=
			aud_detector_limit_hits(x->w->det) - before;
	if (rc) {
		seg->fault = 1;
		set_cancel(x->c, seg->job); /* the decoder stops */
		return;
	}
	/* A long segment (CSV, long lines) is committed as it goes, so the
	 * pieces it read are freed and the decoder can go on. */
	if (more && queue_batch(x, 0, 0))
		seg->fault = 1;
}

/* The segment has no more pieces: flush the reader if the input ends
 * here, and queue the final batch. */
static void seg_end(wctx *x)
{
	segment *seg = x->seg;
	aud_reader *rd = seg->rd; /* seg is the committer's once done */
	uint64_t pre_numbered = 0, pre_lines = 0;
	batch *b;
	int rc;

	if (!seg->cur) { /* out of memory before any batch */
		seg->cur = calloc(1, sizeof *seg->cur);
		if (!seg->cur) {
			/* Nothing to report with: the committer treats a
			 * done segment without batches as a failure. */
			seg->rd = NULL;
			lock(x->c);
			seg->done = 1;
			signal_all(x->c, &x->c->commit_cv);
			unlock(x->c);
			aud_reader_free(rd);
			return;
		}
	}
	if (seg->rd) {
		pre_numbered = aud_reader_numbered(seg->rd);
		pre_lines = aud_reader_lines(seg->rd);
	}
	if (!seg->fault && seg->finish && !cancelled(x->c, seg->job)) {
		aud_err fe;

		aud_err_clear(&fe);
		rc = aud_reader_finish(seg->rd, &fe);
		if (rc && !x->failed) {
			x->err = fe;
			seg->fault = 1;
		} else if (rc) {
			seg->fault = 1;
		}
	}
	b = seg->cur; /* finish may have queued batches */
	b->pre_numbered = pre_numbered;
	b->pre_lines = pre_lines;
	if (seg->rd) {
		b->records = aud_reader_records(seg->rd);
		b->numbered = aud_reader_numbered(seg->rd);
		/* a JSON array may be cut inside a line: the next segment
		 * goes on with it */
		b->lines = seg->cut ? aud_reader_line_ends(seg->rd)
				    : aud_reader_lines(seg->rd);
	}
	seg->rd = NULL;
	if (seg->fault) {
		b->rc = x->err.code ? x->err.code : AUD_EFORMAT;
		b->err = x->err;
		set_cancel(x->c, seg->job);
	}
	queue_batch(x, 1, 0);
	aud_reader_free(rd);
}

/* Takes the segment's next piece, waiting for the decoder; NULL when the
 * segment has no more. */
static piece *next_piece(scan_ctx *c, segment *seg, int *more)
{
	piece *p;

	lock(c);
	while (!seg->ph && !seg->closed && !c->abort)
		pthread_cond_wait(&c->work_cv, &c->mu);
	p = seg->ph;
	if (p) {
		seg->ph = p->next;
		if (!seg->ph)
			seg->pt = NULL;
		p->next = NULL;
	}
	*more = seg->ph || !seg->closed;
	unlock(c);
	return p;
}

/* Workers (named auditor-work, as top -H shows them; the decoder is
 * auditor-decode) run at a nice value WORKER_NICE above the thread that
 * started them, so that the decoder and the committer come first. With more
 * threads than cores (a decoder, a committer and one worker per core),
 * Linux otherwise gives every runnable thread an equal share: the decoder
 * got about two thirds of a core, fell behind, and the workers then
 * waited with a core idle (four .jsonl.gz shards on 2 cores, --threads 2:
 * 1.88 s at equal nice, 1.75 at +3, 1.73 at +19, the same CPU time).
 * Linux only: there setpriority() takes a thread id. Where the process
 * has its own autogroup or cgroup (a terminal session, a container, a
 * systemd unit), this orders only auditor's own threads. A failure is
 * ignored: it costs speed, not results. */
static void yield_to_decoder(void)
{
#ifdef __linux__
	id_t tid = (id_t)syscall(SYS_gettid);
	int cur;

	errno = 0;
	cur = getpriority(PRIO_PROCESS, tid);
	if (cur == -1 && errno)
		return;
	(void)setpriority(PRIO_PROCESS, tid,
			  cur + WORKER_NICE > 19 ? 19 : cur + WORKER_NICE);
#endif
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	scan_ctx *c = w->c;
	wctx x;
	int more;

	yield_to_decoder();
#ifdef __linux__
	/* named once its nice value is set (test_threads reads both) */
	pthread_setname_np(pthread_self(), "auditor-work");
#endif
	for (;;) {
		segment *seg;
		piece *p;

		pthread_mutex_lock(&c->mu);
		while (!c->rq_head && !c->decoder_exited && !c->abort)
			pthread_cond_wait(&c->work_cv, &c->mu);
		seg = c->rq_head;
		if (seg) {
			c->rq_head = seg->next_ready;
			if (!c->rq_head)
				c->rq_tail = NULL;
		}
		pthread_mutex_unlock(&c->mu);
		if (!seg)
			break; /* decoder done and nothing queued, or abort */
		memset(&x, 0, sizeof x);
		x.c = c;
		x.w = w;
		x.seg = seg;
		seg_start(&x);
		while ((p = next_piece(c, seg, &more)))
			seg_feed(&x, p, more);
		seg_end(&x);
	}
	return NULL;
}

/* ---- decoder ------------------------------------------------------------ */

/* A free piece, waiting while the budget is used up. NULL on abort or
 * out of memory. */
static piece *get_piece(scan_ctx *c, job *j)
{
	piece *p = NULL;

	lock(c);
	while (!c->free_pieces && c->pieces >= c->max_pieces && !c->abort &&
	       !j->cancel && c->nthreads)
		pthread_cond_wait(&c->space_cv, &c->mu);
	if (j->cancel && !c->free_pieces && c->pieces >= c->max_pieces) {
		unlock(c);
		return NULL; /* the caller sees the cancel */
	}
	if (c->free_pieces) {
		p = c->free_pieces;
		c->free_pieces = p->next;
	} else if (!c->abort) {
		p = calloc(1, sizeof *p);
		if (p && !(p->data = malloc(PIECE))) {
			free(p);
			p = NULL;
		}
		if (p)
			c->pieces++;
	}
	unlock(c);
	if (p) {
		p->next = NULL;
		p->len = 0;
	}
	return p;
}

static void put_piece(scan_ctx *c, piece *p)
{
	lock(c);
	p->next = c->free_pieces;
	c->free_pieces = p;
	signal_all(c, &c->space_cv);
	unlock(c);
}

static int commit_ready(scan_ctx *c, job *j);

static segment *seg_new(job *j, uint64_t offset)
{
	segment *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	s->job = j;
	s->base_offset = offset;
	return s;
}

/* Appends a segment to its input (and for workers to the ready queue). */
static void seg_publish(scan_ctx *c, segment *s)
{
	job *j = s->job;

	lock(c);
	if (j->st)
		j->st->next = s;
	else
		j->sh = s;
	j->st = s;
	if (c->nthreads) {
		if (c->rq_tail)
			c->rq_tail->next_ready = s;
		else
			c->rq_head = s;
		c->rq_tail = s;
		pthread_cond_broadcast(&c->work_cv);
		pthread_cond_broadcast(&c->commit_cv);
	}
	unlock(c);
}

static void seg_add_piece(scan_ctx *c, segment *s, piece *p, int close,
			  int finish)
{
	if (!c->nthreads) { /* read it here and now */
		wctx *x = &c->ix;

		if (x->seg != s) {
			memset(x, 0, sizeof *x);
			x->c = c;
			x->w = &c->inline_w;
			x->seg = s;
			seg_start(x);
		}
		if (close) {
			s->closed = 1;
			s->finish = finish;
		}
		if (p)
			seg_feed(x, p, !close);
		if (close) {
			seg_end(x);
			x->seg = NULL;
		}
		commit_ready(c, s->job);
		return;
	}
	lock(c);
	if (p) {
		p->next = NULL;
		if (s->pt)
			s->pt->next = p;
		else
			s->ph = p;
		s->pt = p;
	}
	if (close) {
		s->closed = 1;
		s->finish = finish;
	}
	signal_all(c, &c->work_cv);
	unlock(c);
}

/* Fills p from the decoder: up to PIECE bytes, fewer only at the end of
 * input or on a fault. Returns the bytes added or a negative code. */
static ptrdiff_t fill(aud_decoder *d, piece *p, aud_err *e)
{
	size_t start = p->len;

	while (p->len < PIECE) {
		ptrdiff_t n = aud_decoder_read(d, p->data + p->len,
					       PIECE - p->len, e);

		if (n < 0)
			return n;
		if (n == 0)
			break;
		p->len += (size_t)n;
	}
	return (ptrdiff_t)(p->len - start);
}

static int stopped(scan_ctx *c)
{
	return aud_stop_set(c->o->stop);
}

static void set_cancel(scan_ctx *c, job *j)
{
	lock(c);
	j->cancel = 1;
	signal_all(c, &c->space_cv);
	unlock(c);
}

static int cancelled(scan_ctx *c, job *j)
{
	int v;

	lock(c);
	v = j->cancel || c->abort;
	unlock(c);
	return v;
}

static int stop_at_first(void *ctx, const aud_record *rec)
{
	*(uint64_t *)ctx = rec->offset;
	return 1;
}

/*
 * May CSV input j be cut into segments? Decided on its first piece p:
 * only when p holds the header and the first record whole, and the header
 * reads without an error. The bytes before the first record (a byte order
 * mark, blank lines, the header) go to j->head, from which the reader of
 * every later segment takes its header. Returns 1 if so, 0 if j is one
 * segment.
 */
static int csv_cuttable(scan_ctx *c, job *j, const piece *p)
{
	const char *nl;
	aud_reader *rd = NULL;
	aud_reader_opts ro;
	aud_err e;
	uint64_t first = 0;
	int rc;

	if (!(nl = memrchr(p->data, '\n', p->len)))
		return 0;
	memset(&ro, 0, sizeof ro);
	ro.format = AUD_FMT_CSV;
	ro.delimiter = j->delim;
	ro.max_record_bytes = c->o->max_record_bytes;
	if (aud_reader_new(&rd, &ro, stop_at_first, NULL, &first, &e))
		return 0;
	rc = aud_reader_feed(rd, p->data, (size_t)(nl - p->data) + 1, &e);
	aud_reader_free(rd);
	if (rc != 1 || first == 0 || first > p->len ||
	    !(j->head = malloc(first)))
		return 0;
	memcpy(j->head, p->data, first);
	j->headlen = first;
	return 1;
}

/* Decodes one input into segments. */
static void decode_job(scan_ctx *c, job *j)
{
	aud_decoder *d = NULL;
	aud_decoder_opts dopts;
	aud_err e;
	piece *p = NULL, *next = NULL;
	segment *seg = NULL;
	ptrdiff_t n;
	uint64_t offset = 0; /* decoded bytes handed to segments */
	int split, cut, eof = 0, fault = 0;
	char last = '\n';
	aud_csv_cut cc;   /* a CSV input's record ends */
	aud_json_cut jc;  /* a JSON array's element ends */
	size_t ccfed = 0; /* bytes of p that cc or jc has seen */

	aud_err_clear(&e);
	memset(&dopts, 0, sizeof dopts);
	dopts.max_decoded_bytes = c->o->max_decoded_bytes;
	dopts.max_ratio = c->o->max_ratio;
	if (aud_decoder_open(&d, j->in->path, &dopts, &e)) {
		j->fail = e;
		j->failed = 1;
		goto out;
	}
	p = get_piece(c, j);
	if (!p)
		goto nomem;
	n = fill(d, p, &e);
	if (n < 0 && p->len == 0) {
		j->fail = e;
		j->failed = 1;
		goto out;
	}
	if (p->len == 0) {
		j->empty = 1;
		aud_err_set(&j->fail, AUD_EFORMAT,
			    "empty input: nothing to scan");
		goto out;
	}
	j->fmt = aud_format_pick(j->path, c->o->format, c->o->delimiter,
				 p->data, p->len, &j->delim);
	/* JSONL is cut after a newline; a JSON array after a ',' between
	 * elements (which may span lines); CSV after a record's line end */
	split = j->fmt == AUD_FMT_JSONL;
	cut = split || j->fmt == AUD_FMT_JSON ||
	      (j->fmt == AUD_FMT_CSV && n > 0 && p->len == PIECE &&
	       csv_cuttable(c, j, p));
	aud_csv_cut_init(&cc, j->delim);
	aud_json_cut_init(&jc);
	seg = seg_new(j, 0);
	if (!seg)
		goto nomem;
	seg_publish(c, seg);
	for (;;) {
		const char *nl = NULL;
		size_t keep;

		if (n < 0) {
			fault = 1;
		} else if (p->len < PIECE) {
			eof = 1;
		}
		p->raw = aud_decoder_raw_bytes(d);
		p->decoded = aud_decoder_decoded_bytes(d);
		if (p->len)
			last = p->data[p->len - 1];
		if (cut && !eof && !fault && split) {
			nl = memrchr(p->data, '\n', p->len);
		} else if (cut && !eof && !fault) {
			/* a CSV line end outside quotes, or the ',' after a
			 * JSON array's element (the bytes of p before ccfed
			 * were fed with the piece before) */
			size_t k = j->fmt == AUD_FMT_JSON
				       ? aud_json_cut_feed(&jc, p->data + ccfed,
							   p->len - ccfed)
				       : aud_csv_cut_feed(&cc, p->data + ccfed,
							  p->len - ccfed);

			nl = k ? p->data + ccfed + k - 1 : NULL;
			ccfed = p->len;
		}
		if (!nl || eof || fault || stopped(c) || cancelled(c, j)) {
			int cancel = cancelled(c, j);
			int end = eof || fault || stopped(c) || cancel;

			if (end && stopped(c) && !eof && !fault && split) {
				/* Interrupted: the cut last line is not a
				 * record; --resume scans the input again. */
				nl = memrchr(p->data, '\n', p->len);
				p->len = nl ? (size_t)(nl - p->data) + 1 : 0;
			}
			offset += p->len;
			seg_add_piece(c, seg, p, end,
				      end && !stopped(c) && !cancel);
			p = NULL;
			if (end)
				break;
			p = get_piece(c, j);
			if (!p)
				goto nomem;
			ccfed = 0;
		} else {
			/* Cut after the last newline (or ','): the rest
			 * starts the next segment. */
			keep = (size_t)(nl - p->data) + 1;
			next = get_piece(c, j);
			if (!next) {
				put_piece(c, p);
				p = NULL;
				goto nomem;
			}
			next->len = p->len - keep;
			memcpy(next->data, p->data + keep, next->len);
			ccfed = next->len;
			p->len = keep;
			offset += keep;
			seg->cut = 1;
			seg_add_piece(c, seg, p, 1, 0);
			p = next;
			next = NULL;
			seg = seg_new(j, offset);
			if (!seg)
				goto nomem;
			seg_publish(c, seg);
		}
		n = fill(d, p, &e);
		if (n < 0 && e.code == AUD_ENOMEM)
			goto nomem;
	}
	j->ended_line = last == '\n';
	if (fault) {
		j->fail = e;
		j->failed = 1;
	}
	if (stopped(c)) {
		j->stopped = 1;
		aud_err_set(&j->fail, AUD_EIO, "scan interrupted");
		j->fail.offset = aud_decoder_decoded_bytes(d);
		j->failed = 1;
	}
	goto out;
nomem:
	if (!cancelled(c, j)) {
		aud_err_clear(&j->fail);
		aud_err_set(&j->fail, AUD_ENOMEM, "out of memory");
		j->failed = 1;
	}
	if (seg && !seg->closed)
		seg_add_piece(c, seg, NULL, 1, 0);
out:
	if (p)
		put_piece(c, p);
	if (d) {
		if (!stopped(c) && aud_decoder_drain(d, &e) == 0) {
			const char *chg = aud_decoder_changed(d);

			if (chg)
				snprintf(j->changed, sizeof j->changed, "%s",
					 chg);
			aud_decoder_sha256_hex(d, j->sha);
			j->have_sha = 1;
		}
		j->compression =
			aud_compression_name(aud_decoder_compression(d));
		j->bytes_decoded = aud_decoder_decoded_bytes(d);
		j->raw_bytes = aud_decoder_raw_bytes(d);
		j->size_bytes = aud_decoder_file_size(d);
		aud_decoder_close(d);
	}
	lock(c);
	j->decoded = 1;
	signal_all(c, &c->commit_cv);
	unlock(c);
}

static void *decoder_main(void *arg)
{
	scan_ctx *c = arg;

#ifdef __linux__
	pthread_setname_np(pthread_self(), "auditor-decode");
#endif

	for (;;) {
		job *j;

		pthread_mutex_lock(&c->mu);
		while (!c->jq_head && !c->jobs_closed && !c->abort)
			pthread_cond_wait(&c->jobs_cv, &c->mu);
		j = c->abort ? NULL : c->jq_head;
		if (j) {
			c->jq_head = j->next;
			if (!c->jq_head)
				c->jq_tail = NULL;
			j->started = 1;
		}
		pthread_mutex_unlock(&c->mu);
		if (!j)
			break;
		if (stopped(c)) { /* not started: the committer forgets it */
			pthread_mutex_lock(&c->mu);
			j->started = 0;
			j->decoded = 1;
			pthread_cond_broadcast(&c->commit_cv);
			pthread_mutex_unlock(&c->mu);
			continue;
		}
		decode_job(c, j);
	}
	pthread_mutex_lock(&c->mu);
	c->decoder_exited = 1;
	pthread_cond_broadcast(&c->work_cv);
	pthread_cond_broadcast(&c->commit_cv);
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* ---- committer ---------------------------------------------------------- */

static void diag(scan_ctx *c, const job *j, aud_diag_kind kind,
		 const aud_err *e)
{
	if (c->o->diag)
		c->o->diag(c->o->diag_ctx, kind, j->path, e);
}

const char *aud_scan_problem_kind(const aud_err *e)
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

/* Records one problem of input j (numbers already the input's). */
static void problem(scan_ctx *c, job *j, const aud_err *e)
{
	unsigned cap = c->o->max_problems_shown ? c->o->max_problems_shown : 10;

	j->problems++;
	if (j->shown < cap) {
		j->shown++;
		diag(c, j, AUD_DIAG_PROBLEM, e);
	}
	if (!c->store_failed &&
	    aud_store_problem_add(c->s, c->run_id, j->file_id,
				  aud_scan_problem_kind(e), e, &c->store_err))
		c->store_failed = 1;
}

static void place(aud_err *e, uint64_t rec, uint64_t line, uint64_t off)
{
	if (e->record != AUD_NOPOS)
		e->record += rec;
	if (e->line != AUD_NOPOS)
		e->line += line;
	if (e->offset != AUD_NOPOS)
		e->offset += off;
}

/* Moves the score table into the store (it is bounded in memory). */
static int drain_scores(scan_ctx *c, job *j)
{
	const aud_score_count *sc;
	size_t i, n = aud_groups_scores(j->groups, &sc);

	for (i = 0; i < n; i++)
		if (aud_store_group_score_add(
			    c->s, c->run_id, j->file_id,
			    aud_groups_attribute(j->groups, sc[i].attribute),
			    aud_groups_get(j->groups, sc[i].attribute,
					   sc[i].group)
				    ->value,
			    sc[i].score, sc[i].count, &c->store_err))
			return -1;
	aud_groups_scores_clear(j->groups);
	return 0;
}

/* Writes one batch of segment seg of input j. */
static int commit_batch(scan_ctx *c, job *j, segment *seg, batch *b)
{
	uint64_t br = j->numbered, bl = j->lines, bo = seg->base_offset;
	/* Rows go to the store a slice at a time: it puts several in one
	 * statement. */
	aud_finding_row rows[64];
	size_t i, nr = 0;

	if (j->fault)
		return 0; /* the input ended at an earlier fault */
	for (i = 0; i < b->npr && !c->store_failed; i++) {
		place(&b->pr[i], br, bl, bo);
		problem(c, j, &b->pr[i]);
	}
	j->problems += b->problems - b->npr;
	for (i = 0; i < b->nf && !c->store_failed; i++) {
		const fnd *f = &b->f[i];
		aud_finding_row *row = &rows[nr++];

		row->run_id = c->run_id;
		row->file_id = j->file_id;
		row->record = br + f->record;
		row->line = bl + f->line;
		row->byte_offset = bo + f->offset;
		row->length = f->length;
		row->field = b->text.p + f->field;
		row->field_len = f->field_len;
		row->entity = f->entity;
		row->pattern_id = f->pattern_id;
		row->evidence = aud_evidence_name(f->evidence);
		row->confidence = f->confidence;
		row->masked = b->text.p + f->masked;
		row->value_hash = f->hash;
		if (nr == sizeof rows / sizeof rows[0] || i + 1 == b->nf) {
			if (aud_store_findings_add(c->s, rows, nr,
						   &c->store_err))
				c->store_failed = 1;
			nr = 0;
		}
	}
	if (c->store_failed)
		return -1;
	c->findings += b->findings;
	c->placeholders += b->placeholders;
	c->markers += b->markers;
	j->limit_hits += b->limit_hits;
	for (i = 0; i < b->supp.n; i++) {
		if (aud_store_suppressed_add(c->s, c->run_id, j->file_id,
					     b->supp.v[i].entity,
					     b->supp.v[i].n, &c->store_err)) {
			c->store_failed = 1;
			return -1;
		}
	}
	c->suppressed += b->supp.total;
	if (aud_profile_merge(j->prof, b->prof))
		goto nomem;
	if (j->groups && b->groups) {
		if (!aud_groups_scores_fit(j->groups, b->groups) &&
		    drain_scores(c, j))
			goto fail;
		if (aud_groups_merge(j->groups, b->groups))
			goto nomem;
	}
	if (j->kanon && b->kanon &&
	    aud_kanon_merge(j->kanon, b->kanon, &c->store_err))
		goto fail;
	if (b->rc) {
		j->fault = 1;
		j->fault_err = b->err;
		place(&j->fault_err, br, bl, bo);
		j->records += b->records;
		j->numbered += b->numbered;
		j->lines += b->lines;
		if (b->rc == AUD_ENOMEM || b->rc == AUD_EUSAGE) {
			c->store_err = j->fault_err;
			c->store_failed = 1;
			return -1;
		}
	}
	if (b->final && !b->rc) {
		j->pre_numbered = j->numbered + b->pre_numbered;
		j->pre_lines = j->lines + b->pre_lines;
		j->records += b->records;
		j->numbered += b->numbered;
		j->lines += b->lines;
	}
	return 0;
nomem:
	aud_err_clear(&c->store_err);
	aud_err_set(&c->store_err, AUD_ENOMEM, "out of memory");
fail:
	c->store_failed = 1;
	return -1;
}

/* Commits every batch of j that is ready, in order. Returns 1 when j is
 * complete (decoded and every segment committed), 0 if not yet, -1 when
 * the store failed. */
static int commit_ready(scan_ctx *c, job *j)
{
	for (;;) {
		segment *seg;
		batch *b;
		int rc, final;

		lock(c);
		seg = j->sh;
		if (!seg) {
			rc = j->decoded;
			unlock(c);
			return rc;
		}
		b = seg->bh;
		if (!b) {
			if (seg->done) { /* a segment without any batch */
				j->sh = seg->next;
				if (!j->sh)
					j->st = NULL;
				unlock(c);
				free(seg);
				if (!j->fault) {
					j->fault = 1;
					aud_err_clear(&j->fault_err);
					aud_err_set(&j->fault_err, AUD_ENOMEM,
						    "out of memory");
				}
				continue;
			}
			unlock(c);
			return 0;
		}
		seg->bh = b->next;
		if (!seg->bh)
			seg->bt = NULL;
		unlock(c);
		rc = commit_batch(c, j, seg, b);
		if (rc == 0 && c->o->progress) {
			aud_scan_progress p;

			p.raw_bytes = c->raw_done + b->raw;
			p.decoded_bytes = c->decoded_done + b->decoded;
			p.records = c->records_done + j->records +
				    (b->final ? 0 : b->records);
			p.findings = c->findings;
			p.input = j->index;
			p.inputs = c->ninputs;
			p.path = j->path;
			c->o->progress(c->o->progress_ctx, &p);
		}
		final = b->final;
		lock(c);
		if (final) {
			j->sh = seg->next;
			if (!j->sh)
				j->st = NULL;
		}
		batch_free(c, b);
		signal_all(c, &c->space_cv);
		unlock(c);
		if (final)
			free(seg);
		if (rc)
			return -1;
	}
}

/* Writes input j's group counters and scores. */
static int store_groups(scan_ctx *c, job *j)
{
	size_t a, i;

	if (drain_scores(c, j))
		return -1;
	for (a = 0; a < aud_groups_attributes(j->groups); a++)
		for (i = 0; i < aud_groups_count(j->groups, a); i++)
			if (aud_store_group_counts_add(
				    c->s, c->run_id, j->file_id,
				    aud_groups_attribute(j->groups, a),
				    aud_groups_get(j->groups, a, i),
				    &c->store_err))
				return -1;
	return 0;
}

/* Writes input j's column profile (also for a failed input: the fields
 * seen before the fault). */
static int store_profile(scan_ctx *c, job *j)
{
	size_t i, k, n = aud_profile_count(j->prof);
	aud_field_row fr;

	for (i = 0; i < n; i++) {
		const aud_profile_field *pf = aud_profile_get(j->prof, i);

		memset(&fr, 0, sizeof fr);
		fr.run_id = c->run_id;
		fr.file_id = j->file_id;
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
		for (k = 0; k < pf->nentities; k++)
			if (aud_store_field_entity_add(
				    c->s, c->run_id, j->file_id, pf->name,
				    pf->entities[k].entity,
				    pf->entities[k].values, &c->store_err))
				return -1;
		for (k = 0; k < pf->nmarkers; k++)
			if (aud_store_marker_add(c->s, c->run_id, j->file_id,
						 pf->name, pf->markers[k].text,
						 pf->markers[k].count,
						 &c->store_err))
				return -1;
	}
	return 0;
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

/* A record of an input read again for its classes alone. */
struct again {
	aud_kanon *k;
	aud_err err;
	int failed;
};

static int again_record(void *ctx, const aud_record *rec)
{
	struct again *a = ctx;

	if (aud_kanon_record(a->k, rec, &a->err)) {
		a->failed = 1;
		return 1;
	}
	return 0;
}

/*
 * --resume with --quasi-identifiers, for an input the run finished before
 * it was stopped: the classes of its records were only in the stopped
 * process's memory (raw values are never stored), so the input is read
 * again, for them alone (no matching, nothing stored), and they are merged
 * into the run's as they were when it finished. The read's SHA-256 stands
 * for same_hash's. Returns 1 when the input is unchanged (its classes
 * merged, unless a signal stopped the read: the run then ends interrupted
 * and counts no classes), 0 when it changed or cannot be read cleanly
 * with this scan's options (it is then scanned again from scratch, as by
 * same_hash), -1 when memory or the classes' spill store failed
 * (c->store_err).
 */
static int kanon_again(scan_ctx *c, const aud_input *in, const char *was)
{
	aud_stream_opts so;
	aud_stream_result r;
	struct again a;
	int rc;

	memset(&a, 0, sizeof a);
	aud_err_clear(&a.err);
	if (aud_kanon_new_like(&a.k, c->o->kanon, &c->store_err))
		return -1;
	memset(&so, 0, sizeof so);
	so.format = c->o->format;
	so.delimiter = c->o->delimiter;
	so.max_record_bytes = c->o->max_record_bytes;
	so.max_decoded_bytes = c->o->max_decoded_bytes;
	so.max_ratio = c->o->max_ratio;
	so.stop = c->o->stop;
	aud_stream_input(in->path, &so, again_record, NULL, &a, &r);
	if (a.failed) {
		c->store_err = a.err;
		rc = -1;
	} else if (r.stopped) {
		rc = 1;
	} else if (r.failed || strcmp(r.sha256, was) != 0) {
		rc = 0;
	} else {
		rc = aud_kanon_merge(c->o->kanon, a.k, &c->store_err) ? -1 : 1;
	}
	aud_kanon_free(a.k);
	return rc;
}

static void job_free(scan_ctx *c, job *j)
{
	if (!j)
		return;
	while (j->sh) {
		segment *s = j->sh;

		j->sh = s->next;
		while (s->bh) {
			batch *b = s->bh;

			s->bh = b->next;
			batch_free(c, b);
		}
		while (s->ph) {
			piece *p = s->ph;

			s->ph = p->next;
			p->next = c->free_pieces;
			c->free_pieces = p;
		}
		if (s->cur)
			batch_free(c, s->cur);
		aud_reader_free(s->rd);
		free(s);
	}
	aud_profile_free(j->prof);
	aud_groups_free(j->groups);
	aud_kanon_free(j->kanon);
	free(j->head);
	free(j);
}

/* Begins input in: its files row, or nothing when --resume finds it done
 * (*out NULL then). Returns 0 or -1 when the store failed. */
static int prepare_job(scan_ctx *c, const aud_input *in, job **out,
		       aud_scan_totals *t)
{
	job *j;
	const char *path = strcmp(in->path, "-") == 0 ? "<stdin>" : in->path;

	*out = NULL;
	if (c->o->resume && !in->error && strcmp(in->path, "-") != 0) {
		char was[65];
		int warned, done;

		done = aud_store_file_done(c->s, c->run_id, path, was, &warned);
		if (done)
			done = c->o->kanon ? kanon_again(c, in, was)
					   : same_hash(in->path, was);
		if (done < 0)
			return -1;
		if (done) {
			t->resumed++;
			t->files++;
			if (warned)
				t->files_warning++;
			return 0; /* finished before the interruption */
		}
		if (aud_store_file_forget(c->s, c->run_id, path,
					  &c->store_err))
			return -1;
	}
	j = calloc(1, sizeof *j);
	if (!j || aud_profile_new(&j->prof, &c->store_err) ||
	    (c->o->bias &&
	     aud_groups_new(&j->groups, c->o->bias, &c->store_err)) ||
	    (c->o->kanon &&
	     aud_kanon_new_like(&j->kanon, c->o->kanon, &c->store_err))) {
		job_free(c, j);
		aud_err_clear(&c->store_err);
		aud_err_set(&c->store_err, AUD_ENOMEM, "out of memory");
		return -1;
	}
	j->in = in;
	j->path = path;
	j->size_bytes = -1;
	aud_err_clear(&j->fail);
	aud_err_clear(&j->fault_err);
	if (aud_store_file_begin(c->s, c->run_id, path, &j->file_id,
				 &c->store_err)) {
		job_free(c, j);
		return -1;
	}
	if (in->error) {
		aud_err_set(&j->fail, AUD_EIO, "%s", in->error);
		j->failed = 1;
		j->decoded = 1;
		j->started = 1;
	}
	*out = j;
	return 0;
}

/* Ends input j: its files row, profile and counters. Returns 0 or -1 when
 * the store failed (or the options do not fit the input). */
static int finish_job(scan_ctx *c, job *j, aud_scan_totals *t)
{
	aud_file_result r;
	aud_err fail = j->fail;
	int failed = j->failed;

	memset(&r, 0, sizeof r);
	r.size_bytes = -1;
	r.status = j->empty ? "warning" : "ok";
	r.error_record = r.error_line = r.error_offset = AUD_NOPOS;
	if (j->fmt != AUD_FMT_AUTO)
		r.format = aud_format_name(j->fmt);
	r.records = j->records;
	if (j->fault && !c->store_failed) {
		fail = j->fault_err; /* the reader gave up on this input */
		failed = 1;
	} else if (j->stopped) {
		fail.record = j->numbered + 1;
	} else if (failed && j->started && j->compression) {
		/* Decoder fault: keep what came before. The record being
		 * read when it happened is the next one; the line counter
		 * already counts a line that has started, the next line
		 * only if the data before the fault ended one. */
		if (fail.record == AUD_NOPOS)
			fail.record = j->pre_numbered + 1;
		if (fail.line == AUD_NOPOS)
			fail.line = j->pre_lines + (j->ended_line ? 1 : 0);
	}
	if (j->compression) {
		if (j->changed[0]) { /* grew or was rewritten while read */
			aud_err ce;

			aud_err_clear(&ce);
			aud_err_set(&ce, AUD_EIO, "%s", j->changed);
			problem(c, j, &ce);
		}
		if (j->have_sha)
			r.sha256 = j->sha;
		r.compression = j->compression;
		r.bytes_decoded = j->bytes_decoded;
		r.size_bytes = j->size_bytes;
		if (r.size_bytes < 0)
			r.size_bytes = (int64_t)j->raw_bytes;
	}
	if (c->store_failed) {
		if (c->store_err.code == AUD_EUSAGE) {
			aud_err ue;

			/* The bias options do not fit this input: say so on
			 * its row; the run stops. */
			aud_err_clear(&ue);
			r.status = "failed";
			r.error = c->store_err.msg;
			aud_store_file_end(c->s, j->file_id, &r, &ue);
		}
		return -1;
	}
	if ((j->groups || j->kanon) && r.records > 0) {
		const char *col = j->groups ? aud_groups_unseen_column(j->groups)
					    : NULL;

		if (!col && j->kanon)
			col = aud_kanon_unseen_column(j->kanon);

		if (col) {
			aud_err ue;

			/* Record the refusal on the input's row, then stop
			 * the run: the options do not fit the data. */
			unseen_column(j->path, j->prof, col, &c->store_err);
			c->store_failed = 1;
			aud_err_clear(&ue);
			r.status = "failed";
			r.error = c->store_err.msg;
			aud_store_file_end(c->s, j->file_id, &r, &ue);
			return -1;
		}
	}
	/* A failed input's bias counters would describe an unknown part of
	 * it, and its last record may be cut in two (a broken quote): they
	 * are dropped, and the input's failure is on its files row. Its
	 * findings stay. */
	if (j->groups && !failed && store_groups(c, j))
		goto store_fail;
	if (j->kanon && !failed &&
	    aud_kanon_merge(c->o->kanon, j->kanon, &c->store_err))
		goto store_fail;
	if (store_profile(c, j))
		goto store_fail;
	if (j->limit_hits) {
		aud_err le;

		aud_err_clear(&le);
		aud_err_set(&le, AUD_ELIMIT,
			    "%llu field values were not fully checked: a "
			    "pattern hit PCRE2's match or depth limit",
			    (unsigned long long)j->limit_hits);
		problem(c, j, &le);
	}
	r.problems = j->problems;
	if (failed) {
		r.status = "failed";
		diag(c, j, AUD_DIAG_FAILED, &fail);
	} else if (fail.msg[0]) {
		diag(c, j, AUD_DIAG_WARNING, &fail); /* empty input */
	} else if (j->problems) {
		r.status = "warning";
	}
	if (j->problems > j->shown) {
		aud_err me;

		aud_err_clear(&me);
		aud_err_set(&me, AUD_EFORMAT,
			    "%llu more problems not shown (table problems "
			    "holds up to 1000 per input)",
			    (unsigned long long)(j->problems - j->shown));
		diag(c, j, AUD_DIAG_MORE, &me);
	}
	if (fail.msg[0]) {
		r.error = fail.msg;
		r.error_record = fail.record;
		r.error_line = fail.line;
		r.error_offset = fail.offset;
	} else if (j->problems) {
		r.error = "some records had problems (see table problems)";
	}
	if (aud_store_file_end(c->s, j->file_id, &r, &c->store_err))
		goto store_fail;
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
	return 0;
store_fail:
	c->store_failed = 1;
	return -1;
}

static void set_abort(scan_ctx *c)
{
	lock(c);
	c->abort = 1;
	if (c->nthreads) {
		pthread_cond_broadcast(&c->work_cv);
		pthread_cond_broadcast(&c->space_cv);
		pthread_cond_broadcast(&c->jobs_cv);
		pthread_cond_broadcast(&c->commit_cv);
	}
	unlock(c);
}

/* Waits (threads only) until j has something for the committer. */
static void wait_for(scan_ctx *c, job *j)
{
	pthread_mutex_lock(&c->mu);
	while (!c->abort && !c->decoder_exited &&
	       (j->sh ? !j->sh->bh && !j->sh->done : !j->decoded))
		pthread_cond_wait(&c->commit_cv, &c->mu);
	pthread_mutex_unlock(&c->mu);
}

/* Waits until the decoder is done with j (it was told to stop). */
static void wait_decoded(scan_ctx *c, job *j)
{
	if (!c->nthreads)
		return;
	pthread_mutex_lock(&c->mu);
	while (!j->decoded && !c->decoder_exited)
		pthread_cond_wait(&c->commit_cv, &c->mu);
	pthread_mutex_unlock(&c->mu);
}

static unsigned default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (unsigned)n;
}

/* Runs the inputs with workers; the caller's thread commits. */
static int run_threaded(scan_ctx *c, const aud_inputs *inputs,
			aud_scan_totals *t)
{
	job *ph = NULL, *pt = NULL; /* begun, not yet ended, in order */
	job *failed_job = NULL;
	size_t next = 0, pending = 0, i;
	pthread_t dec;
	int dec_started = 0, rc = 0;

	if (pthread_create(&dec, NULL, decoder_main, c) == 0)
		dec_started = 1;
	for (i = 0; i < c->nthreads; i++)
		if (pthread_create(&c->w[i].tid, NULL, worker_main,
				   &c->w[i]) == 0)
			c->w[i].started = 1;
	if (!dec_started || !c->w[0].started) {
		aud_err_set(&c->store_err, AUD_ENOMEM,
			    "cannot start scan threads");
		c->store_failed = 1;
		rc = -1;
		goto stop;
	}
	for (;;) {
		job *j;
		int r;

		/* Keep the decoder fed: begin up to two inputs ahead. */
		while (pending < 2 && next < inputs->n && !stopped(c)) {
			if (prepare_job(c, &inputs->v[next++], &j, t)) {
				rc = -1;
				goto stop;
			}
			if (!j)
				continue;
			j->index = next - 1;
			pending++;
			if (pt)
				pt->link = j;
			else
				ph = j;
			pt = j;
			if (j->decoded) /* nothing to decode */
				continue;
			pthread_mutex_lock(&c->mu);
			j->next = NULL;
			if (c->jq_tail)
				c->jq_tail->next = j;
			else
				c->jq_head = j;
			c->jq_tail = j;
			pthread_cond_broadcast(&c->jobs_cv);
			pthread_mutex_unlock(&c->mu);
		}
		j = ph;
		if (!j)
			break;
		r = commit_ready(c, j);
		if (r == 0) {
			wait_for(c, j);
			continue;
		}
		if (r < 0) {
			/* Options that do not fit the input: say so on its
			 * row once the decoder has let go of it. */
			set_cancel(c, j);
			wait_decoded(c, j);
		}
		if (r > 0 && !j->started) {
			/* Interrupted before it began: as if never begun. */
			if (aud_store_file_forget(c->s, c->run_id, j->path,
						  &c->store_err))
				c->store_failed = 1;
		} else {
			finish_job(c, j, t);
		}
		if (c->store_failed) {
			/* j stays listed: freed once the threads stopped */
			failed_job = j;
			rc = -1;
			break;
		}
		ph = j->link;
		if (!ph)
			pt = NULL;
		pending--;
		job_free(c, j);
	}
stop:
	pthread_mutex_lock(&c->mu);
	c->jobs_closed = 1;
	pthread_cond_broadcast(&c->jobs_cv);
	pthread_mutex_unlock(&c->mu);
	if (rc)
		set_abort(c);
	if (dec_started)
		pthread_join(dec, NULL);
	for (i = 0; i < c->nthreads; i++)
		if (c->w[i].started)
			pthread_join(c->w[i].tid, NULL);
	while (ph) {
		job *j = ph;
		aud_err fe;

		/* Begun ahead but never ended: as if never begun (the run
		 * stopped at an earlier input). */
		if (j != failed_job)
			aud_store_file_forget(c->s, c->run_id, j->path, &fe);
		ph = j->link;
		job_free(c, j);
	}
	return rc;
}

/* Runs the inputs one after another on the caller's thread. */
static int run_inline(scan_ctx *c, const aud_inputs *inputs,
		      aud_scan_totals *t)
{
	size_t i;

	for (i = 0; i < inputs->n; i++) {
		job *j;

		if (stopped(c))
			break;
		if (prepare_job(c, &inputs->v[i], &j, t))
			return -1;
		if (!j)
			continue;
		j->index = i;
		if (!j->decoded) {
			j->started = 1;
			decode_job(c, j);
		}
		if (commit_ready(c, j) >= 0)
			finish_job(c, j, t);
		else
			finish_job(c, j, t); /* writes a usage refusal */
		job_free(c, j);
		if (c->store_failed)
			return -1;
	}
	return 0;
}

int aud_scan_inputs(aud_store *s, int64_t run_id, const aud_inputs *inputs,
		    const aud_patternset *ps, const aud_keyhash *kh,
		    const aud_scan_opts *opts, aud_scan_totals *totals,
		    aud_err *err)
{
	scan_ctx *c = calloc(1, sizeof *c);
	aud_scan_totals t;
	unsigned n;
	size_t i;
	int rc = AUD_OK, mu = 0;

	memset(&t, 0, sizeof t);
	if (!c)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	aud_err_clear(&c->store_err);
	c->s = s;
	c->run_id = run_id;
	c->kh = kh;
	c->ps = ps;
	c->o = opts;
	c->inputs_base = inputs->v;
	c->ninputs = inputs->n;
	if (opts->bias) { /* options that cannot work: a usage error now */
		aud_groups *g = NULL;

		rc = aud_groups_new(&g, opts->bias, err);
		aud_groups_free(g);
		if (rc)
			goto done;
	}
	n = opts->threads ? opts->threads : default_threads();
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	c->nthreads = n > 1 ? n : 0;
	/* Pieces decoded but not yet committed: enough to keep every
	 * worker busy while the committer catches up. */
	c->max_pieces = c->nthreads ? 4 * (size_t)c->nthreads + 4 : 1;
	for (i = 0; i < (c->nthreads ? c->nthreads : 1) && !rc; i++) {
		worker *w = c->nthreads ? &c->w[i] : &c->inline_w;

		w->c = c;
		if (ps) /* NULL: --no-detect */
			rc = aud_detector_new(&w->det, ps, err);
	}
	if (rc)
		goto done;
	if (c->nthreads) {
		pthread_mutex_init(&c->mu, NULL);
		pthread_cond_init(&c->work_cv, NULL);
		pthread_cond_init(&c->commit_cv, NULL);
		pthread_cond_init(&c->space_cv, NULL);
		pthread_cond_init(&c->jobs_cv, NULL);
		mu = 1;
		if (run_threaded(c, inputs, &t))
			rc = -1;
	} else if (run_inline(c, inputs, &t)) {
		rc = -1;
	}
	if (rc) {
		if (err)
			*err = c->store_err;
		rc = c->store_err.code ? c->store_err.code : AUD_ESTORE;
		goto done;
	}
	t.findings = c->findings;
	t.placeholders = c->placeholders;
	t.suppressed = c->suppressed;
	t.markers = c->markers;
	t.interrupted = stopped(c);
done:
	for (i = 0; i < MAX_THREADS; i++) {
		worker *w = i ? &c->w[i - 1] : &c->inline_w;

		if (w->det) {
			t.pattern_limit_hits += aud_detector_limit_hits(w->det);
			aud_detector_free(w->det);
		}
	}
	if (totals)
		*totals = t;
	while (c->free_pieces) {
		piece *p = c->free_pieces;

		c->free_pieces = p->next;
		free(p->data);
		free(p);
	}
	for (i = 0; i < c->nprof_pool; i++)
		aud_profile_free(c->prof_pool[i]);
	for (i = 0; i < c->ngrp_pool; i++)
		aud_groups_free(c->grp_pool[i]);
	for (i = 0; i < c->nkan_pool; i++)
		aud_kanon_free(c->kan_pool[i]);
	free(c->prof_pool);
	free(c->grp_pool);
	free(c->kan_pool);
	if (mu) {
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->work_cv);
		pthread_cond_destroy(&c->commit_cv);
		pthread_cond_destroy(&c->space_cv);
		pthread_cond_destroy(&c->jobs_cv);
	}
	free(c);
	return rc;
}
