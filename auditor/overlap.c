/*
 * overlap.c: train/test leakage (overlap.h). The train inputs are read
 * first: every record's key is normalised, digested under the run's key
 * and added to one digest set (keyset.h) flagged "train"; with --near its
 * MinHash signature also goes into an LSH index (minhash.h) together with
 * its place. Then the test inputs: a key already flagged "train" is a
 * test record found in train, one already flagged "test" a repeat within
 * test, and with --near a test record not found exactly is looked up in
 * the index. Counts are unbounded; places are kept for the first
 * --max-locations matches of each kind. The places of the first
 * occurrences those matches point to are not in memory (that would cost
 * a place per distinct key); a second pass over the split finds them,
 * stopping as soon as it has them all.
 *
 * Inputs are read through stream.c, so every bad input is handled,
 * reported and recorded (files, problems) as scan does. Everything
 * written goes through the store; the summary is read back from it.
 */
#include "auditor/overlap.h"
#include "auditor/casefold.h"
#include "auditor/keyset.h"
#include "auditor/mask.h"
#include "auditor/minhash.h"
#include "auditor/summary.h"

#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define SEP "\x1f"        /* between the values of a key */
#define DIGEST_LABEL "auditor overlap key v1"
#define STOP_RESOLVED 2   /* record_fn: every wanted place is found */
#define STOP_FATAL 1      /* record_fn: the run cannot go on */

enum split { TRAIN = 0, TEST = 1 };
static const char *const split_name[] = {"train", "test"};

enum kind { K_TEST_IN_TRAIN, K_TRAIN_DUP, K_TEST_DUP, K_NEAR, K_COUNT };
static const char *const kind_name[K_COUNT] = {
	"test_in_train", "train_duplicate", "test_duplicate", "near"};

typedef struct loc {
	int64_t file_id; /* 0: not known */
	uint64_t record, line, offset;
} loc;

/* One located match. */
typedef struct entry {
	enum kind kind;
	loc at, first;
	unsigned char d[16];
	char masked[48];
	double jaccard;
} entry;

/* A first occurrence to find in the second pass. */
typedef struct wanted {
	unsigned char d[16];
	loc at;
} wanted;

typedef struct ov {
	aud_store *s;
	int64_t run_id;
	const aud_overlap_opts *o;
	aud_keydigest *kd;
	aud_keyset *ks;
	aud_lsh *lsh;
	loc *near_at; /* per LSH id: the train record's place */
	size_t near_cap;
	unsigned bands, rows;
	double jaccard;
	uint64_t cap; /* places per kind */
	aud_buf text;
	enum split split;
	int64_t file_id;
	const char *path;
	/* counts */
	uint64_t records[2], keyless[2], distinct[2], dups[2];
	uint64_t test_in_train, near, near_capped;
	uint64_t problems, shown; /* this input */
	uint64_t kept[K_COUNT];
	entry *e;
	size_t ne, ecap;
	/* second pass */
	wanted *w;
	size_t nw, nfound;
	/* progress */
	uint64_t raw_done, decoded_done, records_done;
	size_t input, ninputs;
	/* the error that ends the run */
	aud_err fatal;
	int failed;
	size_t peak_bytes;
} ov;

/* ---- keys ---------------------------------------------------------- */

static const aud_field *find_field(const aud_record *rec, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < rec->nfields; i++)
		if (rec->fields[i].name_len == n &&
		    memcmp(rec->fields[i].name, name, n) == 0)
			return &rec->fields[i];
	return NULL;
}

int aud_overlap_key(aud_buf *out, const aud_record *rec,
		    const char *const *keys, size_t nkeys)
{
	size_t i, n = nkeys ? nkeys : rec->nfields, before;
	int rc, any = 0;

	for (i = 0; i < n; i++) {
		const aud_field *f =
			nkeys ? find_field(rec, keys[i]) : &rec->fields[i];

		if (i && (rc = aud_buf_append(out, SEP, 1)))
			return rc;
		if (!f)
			continue;
		before = out->len;
		if ((rc = aud_fold_text(out, f->value, f->value_len)))
			return rc;
		any |= out->len > before;
	}
	return any;
}

/* ---- matches ------------------------------------------------------- */

static void hex16(const unsigned char d[16], char out[33])
{
	static const char hx[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 16; i++) {
		out[2 * i] = hx[d[i] >> 4];
		out[2 * i + 1] = hx[d[i] & 15];
	}
	out[32] = '\0';
}

static int fatal(ov *v, int code, const char *msg)
{
	if (!v->failed) {
		aud_err_clear(&v->fatal);
		aud_err_set(&v->fatal, code, "%s", msg);
		v->failed = 1;
	}
	return STOP_FATAL;
}

/* Keeps the place of a match, up to the cap of its kind. */
static int keep(ov *v, enum kind k, const loc *at, const unsigned char d[16],
		const loc *first, double j)
{
	entry *x;

	if (v->kept[k] >= v->cap)
		return 0;
	if (v->ne == v->ecap) {
		size_t n = v->ecap ? v->ecap * 2 : 64;
		entry *ne = realloc(v->e, n * sizeof *ne);

		if (!ne)
			return fatal(v, AUD_ENOMEM, "out of memory");
		v->e = ne;
		v->ecap = n;
	}
	x = &v->e[v->ne++];
	memset(x, 0, sizeof *x);
	x->kind = k;
	x->at = *at;
	memcpy(x->d, d, 16);
	aud_mask(x->masked, sizeof x->masked, "TEXT", v->text.p, v->text.len);
	if (first)
		x->first = *first;
	x->jaccard = j;
	v->kept[k]++;
	return 0;
}

/* The tables' memory now, and the --max-memory check. */
static int memory_check(ov *v)
{
	size_t b = aud_keyset_bytes(v->ks);

	if (v->lsh)
		b += aud_lsh_bytes(v->lsh) + v->near_cap * sizeof(loc);
	if (b > v->peak_bytes)
		v->peak_bytes = b;
	if (v->o->max_memory && b > v->o->max_memory) {
		char msg[300];

		snprintf(msg, sizeof msg,
			 "the key tables passed --max-memory (%" PRIu64
			 " MiB) after %zu distinct keys%s",
			 v->o->max_memory >> 20, aud_keyset_count(v->ks),
			 v->lsh ? " and the near-duplicate index" : "");
		return fatal(v, AUD_ELIMIT, msg);
	}
	return 0;
}

static int near_add(ov *v, const loc *at)
{
	uint32_t sig[AUD_MINHASH_MAX_K], id;
	aud_err e;

	if (!aud_minhash_signature(v->text.p, v->text.len, v->bands * v->rows,
				   sig))
		return 0;
	aud_err_clear(&e);
	if (aud_lsh_add(v->lsh, sig, &id, &e))
		return fatal(v, e.code, e.msg);
	if (id >= v->near_cap) {
		size_t n = v->near_cap ? v->near_cap * 2 : 1024;
		loc *nl = realloc(v->near_at, n * sizeof *nl);

		if (!nl)
			return fatal(v, AUD_ENOMEM,
				     "out of memory in the near-duplicate "
				     "index");
		v->near_at = nl;
		v->near_cap = n;
	}
	v->near_at[id] = *at;
	return 0;
}

static int near_find(ov *v, const loc *at, const unsigned char d[16])
{
	uint32_t sig[AUD_MINHASH_MAX_K], id;
	double j;
	int capped;

	if (!aud_minhash_signature(v->text.p, v->text.len, v->bands * v->rows,
				   sig))
		return 0;
	if (aud_lsh_best(v->lsh, sig, v->jaccard, AUD_OVERLAP_NEAR_CHECKS,
			 &id, &j, &capped)) {
		v->near++;
		if (keep(v, K_NEAR, at, d, &v->near_at[id], j))
			return STOP_FATAL;
	}
	v->near_capped += capped;
	return 0;
}

static int on_record(void *ctx, const aud_record *rec)
{
	ov *v = ctx;
	unsigned char d[16];
	loc at;
	int rc, old;
	aud_err e;

	if (v->failed) /* the store failed on a problem row */
		return STOP_FATAL;
	v->records[v->split]++;
	v->text.len = 0;
	rc = aud_overlap_key(&v->text, rec, v->o->keys, v->o->nkeys);
	if (rc < 0)
		return fatal(v, rc, "out of memory normalising a key");
	if (rc == 0) {
		v->keyless[v->split]++;
		return 0;
	}
	if (aud_keydigest_compute(v->kd, v->text.p, v->text.len, d))
		return fatal(v, AUD_ENOMEM, "cannot compute HMAC-SHA-256");
	at.file_id = v->file_id;
	at.record = rec->number;
	at.line = rec->line;
	at.offset = rec->offset;
	aud_err_clear(&e);
	old = aud_keyset_add(v->ks, d,
			     v->split == TRAIN ? AUD_KEY_TRAIN : AUD_KEY_TEST,
			     &e);
	if (old < 0)
		return fatal(v, old, e.msg);
	if (v->split == TRAIN) {
		if (old & AUD_KEY_TRAIN) {
			v->dups[TRAIN]++;
			return keep(v, K_TRAIN_DUP, &at, d, NULL, NAN);
		}
		v->distinct[TRAIN]++;
		if (v->lsh && (rc = near_add(v, &at)))
			return rc;
		return memory_check(v);
	}
	if (old & AUD_KEY_TRAIN) {
		v->test_in_train++;
		if (keep(v, K_TEST_IN_TRAIN, &at, d, NULL, NAN))
			return STOP_FATAL;
	} else if (v->lsh && (rc = near_find(v, &at, d))) {
		return rc;
	}
	if (old & AUD_KEY_TEST) {
		v->dups[TEST]++;
		return keep(v, K_TEST_DUP, &at, d, NULL, NAN);
	}
	v->distinct[TEST]++;
	return memory_check(v);
}

/* ---- reading the inputs ------------------------------------------ */

static void diag(ov *v, aud_diag_kind kind, const aud_err *e)
{
	if (v->o->diag)
		v->o->diag(v->o->diag_ctx, kind, v->path, e);
}

static void on_problem(void *ctx, const aud_err *e)
{
	ov *v = ctx;
	unsigned cap = v->o->max_problems_shown ? v->o->max_problems_shown
						: 10;
	aud_err se;

	v->problems++;
	if (v->shown < cap) {
		v->shown++;
		diag(v, AUD_DIAG_PROBLEM, e);
	}
	aud_err_clear(&se);
	if (!v->failed && aud_store_problem_add(v->s, v->run_id, v->file_id,
						aud_scan_problem_kind(e), e,
						&se)) {
		v->fatal = se;
		v->failed = 1;
	}
}

static void on_chunk(void *ctx, const aud_decoder *d, const aud_reader *r)
{
	ov *v = ctx;
	aud_scan_progress p;

	if (!v->o->progress)
		return;
	p.raw_bytes = v->raw_done + aud_decoder_raw_bytes(d);
	p.decoded_bytes = v->decoded_done + aud_decoder_decoded_bytes(d);
	p.records = v->records_done + aud_reader_records(r);
	p.findings = v->test_in_train + v->near + v->dups[TRAIN] +
		     v->dups[TEST];
	p.input = v->input;
	p.inputs = v->ninputs;
	p.path = v->path;
	v->o->progress(v->o->progress_ctx, &p);
}

/* Reads one input of the first pass and records it. Returns 0, or
 * STOP_FATAL when the run cannot go on (v->fatal). */
static int read_input(ov *v, const aud_input *in, aud_overlap_totals *t)
{
	aud_stream_opts so = v->o->stream;
	aud_stream_result res;
	aud_file_result r;
	aud_err e;
	int rc = 0;

	v->path = strcmp(in->path, "-") == 0 ? "<stdin>" : in->path;
	v->problems = v->shown = 0;
	aud_err_clear(&e);
	if (aud_store_file_begin(v->s, v->run_id, v->path, &v->file_id, &e) ||
	    aud_store_overlap_input_add(v->s, v->run_id, v->file_id,
					split_name[v->split], &e)) {
		v->fatal = e;
		v->failed = 1;
		return STOP_FATAL;
	}
	memset(&r, 0, sizeof r);
	r.size_bytes = -1;
	r.status = "ok";
	r.error_record = r.error_line = r.error_offset = AUD_NOPOS;
	memset(&res, 0, sizeof res);
	if (in->error) {
		aud_err_clear(&res.fail);
		aud_err_set(&res.fail, AUD_EIO, "%s", in->error);
		res.failed = 1;
	} else {
		so.chunk = on_chunk;
		rc = aud_stream_input(in->path, &so, on_record, on_problem, v,
				      &res);
	}
	if (res.known) {
		r.size_bytes = res.size_bytes;
		r.sha256 = res.sha256[0] ? res.sha256 : NULL;
		r.compression = aud_compression_name(res.compression);
		r.bytes_decoded = res.bytes_decoded;
	}
	if (res.format != AUD_FMT_AUTO)
		r.format = aud_format_name(res.format);
	r.records = res.records;
	if (v->failed) {
		/* The run stops here: say why on the input's row too. */
		r.status = "failed";
		r.error = v->fatal.msg;
		r.error_record = res.records + 1;
		aud_err_clear(&e);
		aud_store_file_end(v->s, v->file_id, &r, &e);
		return STOP_FATAL;
	}
	(void)rc;
	r.problems = v->problems;
	if (res.failed) {
		r.status = "failed";
		diag(v, AUD_DIAG_FAILED, &res.fail);
	} else if (res.empty) {
		r.status = "warning";
		diag(v, AUD_DIAG_WARNING, &res.fail);
	} else if (v->problems) {
		r.status = "warning";
	}
	if (v->problems > v->shown) {
		aud_err me;

		aud_err_clear(&me);
		aud_err_set(&me, AUD_EFORMAT,
			    "%" PRIu64 " more problems not shown (table "
			    "problems holds up to 1000 per input)",
			    v->problems - v->shown);
		diag(v, AUD_DIAG_MORE, &me);
	}
	if (res.fail.msg[0]) {
		r.error = res.fail.msg;
		r.error_record = res.fail.record;
		r.error_line = res.fail.line;
		r.error_offset = res.fail.offset;
	} else if (v->problems) {
		r.error = "some records had problems (see table problems)";
	}
	aud_err_clear(&e);
	if (aud_store_file_end(v->s, v->file_id, &r, &e)) {
		v->fatal = e;
		v->failed = 1;
		return STOP_FATAL;
	}
	t->files++;
	if (strcmp(r.status, "failed") == 0)
		t->files_failed++;
	else if (strcmp(r.status, "warning") == 0)
		t->files_warning++;
	v->records_done += res.records;
	v->decoded_done += res.bytes_decoded;
	v->raw_done += res.size_bytes > 0 ? (uint64_t)res.size_bytes : 0;
	if (res.stopped)
		t->interrupted = 1;
	return 0;
}

/* ---- second pass: where the first occurrences are ---------------- */

static int cmp_wanted(const void *a, const void *b)
{
	return memcmp(((const wanted *)a)->d, ((const wanted *)b)->d, 16);
}

static int on_record_again(void *ctx, const aud_record *rec)
{
	ov *v = ctx;
	wanted key, *w;

	v->text.len = 0;
	if (aud_overlap_key(&v->text, rec, v->o->keys, v->o->nkeys) <= 0 ||
	    aud_keydigest_compute(v->kd, v->text.p, v->text.len, key.d))
		return 0;
	w = bsearch(&key, v->w, v->nw, sizeof *v->w, cmp_wanted);
	if (!w || w->at.file_id)
		return 0;
	w->at.file_id = v->file_id;
	w->at.record = rec->number;
	w->at.line = rec->line;
	w->at.offset = rec->offset;
	return ++v->nfound == v->nw ? STOP_RESOLVED : 0;
}

static void on_problem_again(void *ctx, const aud_err *e)
{
	(void)ctx; /* reported in the first pass */
	(void)e;
}

/* Finds the first occurrence in split sp of every kept match of the
 * kinds that point there. file_ids holds the first pass's file ids of
 * the split's inputs, in order. */
static void resolve(ov *v, enum split sp, const aud_inputs *in,
		    const int64_t *file_ids)
{
	aud_stream_opts so = v->o->stream;
	aud_stream_result res;
	size_t i, n = 0;

	for (i = 0; i < v->ne; i++)
		n += sp == TRAIN ? v->e[i].kind == K_TEST_IN_TRAIN ||
					   v->e[i].kind == K_TRAIN_DUP
				 : v->e[i].kind == K_TEST_DUP;
	if (!n)
		return;
	for (i = 0; i < in->n; i++)
		if (strcmp(in->v[i].path, "-") == 0)
			return; /* stdin cannot be read twice */
	v->w = calloc(n, sizeof *v->w);
	if (!v->w)
		return; /* the places stay unknown */
	v->nw = 0;
	for (i = 0; i < v->ne; i++)
		if (sp == TRAIN ? v->e[i].kind == K_TEST_IN_TRAIN ||
					  v->e[i].kind == K_TRAIN_DUP
				: v->e[i].kind == K_TEST_DUP)
			memcpy(v->w[v->nw++].d, v->e[i].d, 16);
	qsort(v->w, v->nw, sizeof *v->w, cmp_wanted);
	for (i = 0, n = 0; i < v->nw; i++) /* unique digests */
		if (!n || memcmp(v->w[n - 1].d, v->w[i].d, 16))
			v->w[n++] = v->w[i];
	v->nw = n;
	v->nfound = 0;
	so.chunk = on_chunk;
	v->raw_done = v->decoded_done = v->records_done = 0;
	v->ninputs = in->n;
	for (i = 0; i < in->n && v->nfound < v->nw; i++) {
		if (in->v[i].error || aud_stop_set(so.stop))
			continue;
		v->file_id = file_ids[i];
		v->input = i;
		v->path = in->v[i].path;
		aud_stream_input(in->v[i].path, &so, on_record_again,
				 on_problem_again, v, &res);
		v->raw_done += res.size_bytes > 0 ? (uint64_t)res.size_bytes
						  : 0;
		v->records_done += res.records;
	}
	for (i = 0; i < v->ne; i++) {
		wanted key, *w;

		if (sp == TRAIN ? v->e[i].kind != K_TEST_IN_TRAIN &&
					  v->e[i].kind != K_TRAIN_DUP
				: v->e[i].kind != K_TEST_DUP)
			continue;
		memcpy(key.d, v->e[i].d, 16);
		w = bsearch(&key, v->w, v->nw, sizeof *v->w, cmp_wanted);
		if (w && w->at.file_id)
			v->e[i].first = w->at;
	}
	free(v->w);
	v->w = NULL;
	v->nw = 0;
}

/* ---- the run --------------------------------------------------------- */

static int store_results(ov *v, size_t ntrain, size_t ntest, aud_err *err)
{
	aud_overlap_match_row m;
	aud_overlap_run_row r;
	char hex[33], keys[1024];
	size_t i, len = 0;

	for (i = 0; i < v->ne; i++) {
		const entry *x = &v->e[i];

		hex16(x->d, hex);
		memset(&m, 0, sizeof m);
		m.run_id = v->run_id;
		m.kind = kind_name[x->kind];
		m.file_id = x->at.file_id;
		m.record = x->at.record;
		m.line = x->at.line;
		m.byte_offset = x->at.offset;
		m.first_file_id = x->first.file_id;
		if (x->first.file_id) {
			m.first_record = x->first.record;
			m.first_line = x->first.line;
			m.first_byte_offset = x->first.offset;
		} else {
			m.first_record = m.first_line = m.first_byte_offset =
				AUD_NOPOS;
		}
		m.key_hash = hex;
		m.masked = x->masked;
		m.jaccard = x->jaccard;
		if (aud_store_overlap_match_add(v->s, &m, err))
			return AUD_ESTORE;
	}
	keys[0] = '\0';
	for (i = 0; i < v->o->nkeys && len + 2 < sizeof keys; i++)
		len += (size_t)snprintf(keys + len, sizeof keys - len, "%s%s",
					i ? "," : "", v->o->keys[i]);
	memset(&r, 0, sizeof r);
	r.run_id = v->run_id;
	r.key = v->o->nkeys ? keys : NULL;
	r.near = v->lsh != NULL;
	r.jaccard = v->jaccard;
	r.bands = v->bands;
	r.rows = v->rows;
	r.train_files = ntrain;
	r.test_files = ntest;
	r.train_records = v->records[TRAIN];
	r.test_records = v->records[TEST];
	r.train_keyless = v->keyless[TRAIN];
	r.test_keyless = v->keyless[TEST];
	r.train_distinct = v->distinct[TRAIN];
	r.test_distinct = v->distinct[TEST];
	r.test_in_train = v->test_in_train;
	r.train_duplicates = v->dups[TRAIN];
	r.test_duplicates = v->dups[TEST];
	r.near_test_records = v->near;
	r.near_capped = v->near_capped;
	r.max_locations = v->cap;
	r.memory_bytes = v->peak_bytes;
	if (aud_store_overlap_run_add(v->s, &r, err))
		return AUD_ESTORE;
	return aud_store_commit(v->s, err);
}

int aud_overlap_run(aud_store *s, int64_t run_id, const aud_inputs *train,
		    const aud_inputs *test, const aud_keyhash *kh,
		    const aud_overlap_opts *o, aud_overlap_totals *totals,
		    aud_err *err)
{
	aud_overlap_totals t;
	int64_t *ids[2] = {NULL, NULL};
	const aud_inputs *in[2] = {train, test};
	ov v;
	size_t i;
	int rc = AUD_OK, sp;

	memset(&t, 0, sizeof t);
	memset(&v, 0, sizeof v);
	aud_err_clear(&v.fatal);
	v.s = s;
	v.run_id = run_id;
	v.o = o;
	v.cap = o->max_locations ? o->max_locations : AUD_OVERLAP_LOCATIONS;
	v.jaccard = o->jaccard > 0 ? o->jaccard : AUD_OVERLAP_JACCARD;
	v.text.max = 24 * (o->stream.max_record_bytes
				   ? o->stream.max_record_bytes
				   : (size_t)16 << 20) +
		     4096;
	if ((rc = aud_store_overlap_prepare(s, err)) ||
	    (rc = aud_keydigest_new(&v.kd, kh, DIGEST_LABEL, err)) ||
	    (rc = aud_keyset_new(&v.ks, 0, err)))
		goto done;
	if (o->near) {
		aud_minhash_choose(v.jaccard, AUD_MINHASH_MAX_K, &v.bands,
				   &v.rows);
		if ((rc = aud_lsh_new(&v.lsh, v.bands, v.rows, 0, err)))
			goto done;
	}
	ids[0] = calloc(train->n + 1, sizeof *ids[0]);
	ids[1] = calloc(test->n + 1, sizeof *ids[1]);
	if (!ids[0] || !ids[1]) {
		rc = aud_err_set(err, AUD_ENOMEM, "out of memory");
		goto done;
	}
	for (sp = TRAIN; sp <= TEST; sp++) {
		v.split = (enum split)sp;
		v.ninputs = in[sp]->n;
		for (i = 0; i < in[sp]->n; i++) {
			if (aud_stop_set(o->stream.stop)) {
				t.interrupted = 1;
				break;
			}
			v.input = i;
			if (read_input(&v, &in[sp]->v[i], &t)) {
				if (err)
					*err = v.fatal;
				rc = v.fatal.code ? v.fatal.code : AUD_ESTORE;
				goto done;
			}
			ids[sp][i] = v.file_id;
		}
		if (t.interrupted)
			break;
	}
	if (!t.interrupted) {
		resolve(&v, TRAIN, train, ids[0]);
		resolve(&v, TEST, test, ids[1]);
		if (aud_stop_set(o->stream.stop))
			t.interrupted = 1;
	}
	rc = store_results(&v, train->n, test->n, err);
	t.test_in_train = v.test_in_train;
	t.near_test_records = v.near;
	t.train_duplicates = v.dups[TRAIN];
	t.test_duplicates = v.dups[TEST];
done:
	if (totals)
		*totals = t;
	free(ids[0]);
	free(ids[1]);
	free(v.e);
	free(v.near_at);
	aud_buf_free(&v.text);
	aud_lsh_free(v.lsh);
	aud_keyset_free(v.ks);
	aud_keydigest_free(v.kd);
	return rc;
}

/* ---- summary ------------------------------------------------------- */

static const char *place(char *buf, size_t cap, const unsigned char *path,
			 sqlite3_stmt *st, int col)
{
	if (!path) {
		snprintf(buf, cap, "(not known)");
		return buf;
	}
	if (sqlite3_column_type(st, col + 1) == SQLITE_NULL)
		snprintf(buf, cap, "%s (record %lld)", (const char *)path,
			 (long long)sqlite3_column_int64(st, col));
	else
		snprintf(buf, cap, "%s:%lld (record %lld, byte %lld)",
			 (const char *)path,
			 (long long)sqlite3_column_int64(st, col + 1),
			 (long long)sqlite3_column_int64(st, col),
			 (long long)sqlite3_column_int64(st, col + 2));
	return buf;
}

static void jnum(FILE *out, sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		fputs("null", out);
	else if (sqlite3_column_type(st, col) == SQLITE_FLOAT)
		fprintf(out, "%.15g", sqlite3_column_double(st, col));
	else
		fprintf(out, "%lld", (long long)sqlite3_column_int64(st, col));
}

static void jstr(FILE *out, const unsigned char *s)
{
	if (!s)
		fputs("null", out);
	else
		aud_json_string(out, (const char *)s,
				strlen((const char *)s));
}

static int db_fail(sqlite3 *db, aud_err *err)
{
	return aud_err_set(err, AUD_ESTORE, "cannot read overlap: %s",
			   sqlite3_errmsg(db));
}

/* Columns of overlap_runs the summary reads, in this order. */
static const char run_sql[] =
	"SELECT o.key, o.near, o.jaccard, o.bands, o.rows, o.train_files,"
	" o.test_files, o.train_records, o.test_records, o.train_keyless,"
	" o.test_keyless, o.train_distinct, o.test_distinct,"
	" o.test_in_train, o.test_in_train_share, o.train_duplicates,"
	" o.train_duplicate_share, o.test_duplicates, o.test_duplicate_share,"
	" o.near_test_records, o.near_share, o.near_capped,"
	" o.leaked_test_records, o.leaked_share, o.max_locations,"
	" o.memory_bytes, r.status"
	" FROM overlap_runs o JOIN runs r USING (run_id) WHERE run_id = ?1";

static const char match_sql[] =
	"SELECT m.kind, a.path, m.record, m.line, m.byte_offset, b.path,"
	" m.first_record, m.first_line, m.first_byte_offset, m.masked,"
	" m.jaccard, m.key_hash" AUD_OVERLAP_MATCHES_FROM
	" ORDER BY m.match_id";

static const char files_sql[] =
	"SELECT f.path, i.split, f.status, f.records, f.error"
	" FROM overlap_inputs i JOIN files f USING (file_id)"
	" WHERE i.run_id = ?1 AND f.status <> 'ok' ORDER BY f.file_id";

static double col_share(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL
		       ? 0
		       : 100 * sqlite3_column_double(st, col);
}

static void text_summary(FILE *out, sqlite3_stmt *r, sqlite3_stmt *m,
			 sqlite3_stmt *f, int64_t run_id)
{
	long long n;
	int shown[K_COUNT] = {0}, k, any = 0;
	char a[600], b[600];

#define I(c) ((long long)sqlite3_column_int64(r, (c)))
	fprintf(out, "auditor: overlap run %lld %s\n", (long long)run_id,
		sqlite3_column_text(r, 26));
	fprintf(out, "key               %s\n",
		sqlite3_column_text(r, 0)
			? (const char *)sqlite3_column_text(r, 0)
			: "whole record (all field values, in order)");
	fprintf(out,
		"train             %lld file%s, %lld records (%lld without a "
		"key), %lld distinct keys\n",
		I(5), I(5) == 1 ? "" : "s", I(7), I(9), I(11));
	fprintf(out,
		"test              %lld file%s, %lld records (%lld without a "
		"key), %lld distinct keys\n",
		I(6), I(6) == 1 ? "" : "s", I(8), I(10), I(12));
	fprintf(out, "test in train     %lld records (%.2f%% of test)\n",
		I(13), col_share(r, 14));
	if (I(1)) {
		fprintf(out,
			"near (J >= %.2f)  %lld more records (%.2f%% of test), "
			"LSH %lld bands x %lld rows",
			sqlite3_column_double(r, 2), I(19), col_share(r, 20),
			I(3), I(4));
		if (I(21))
			fprintf(out, "; %lld lookups cut at %d candidates",
				I(21), AUD_OVERLAP_NEAR_CHECKS);
		fputc('\n', out);
		fprintf(out, "leaked            %lld records (%.2f%% of test)\n",
			I(22), col_share(r, 23));
	}
	fprintf(out, "train duplicates  %lld records (%.2f%% of train)\n",
		I(15), col_share(r, 16));
	fprintf(out, "test duplicates   %lld records (%.2f%% of test)\n",
		I(17), col_share(r, 18));
	fprintf(out, "memory            %.2f MiB of key tables at most\n",
		(double)I(25) / 1048576.0);
	n = I(24);
	while (sqlite3_step(m) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(m, 0);

		for (k = 0; k < K_COUNT; k++)
			if (strcmp(kind, kind_name[k]) == 0)
				break;
		if (k == K_COUNT || shown[k] >= 5)
			continue;
		if (!any++)
			fprintf(out, "\nfirst matches (up to 5 of each kind; up "
				     "to %lld of each in overlap_matches)\n",
				n);
		shown[k]++;
		fprintf(out, "  %-15s %s\n", kind,
			place(a, sizeof a, sqlite3_column_text(m, 1), m, 2));
		fprintf(out, "  %-15s first: %s", "",
			place(b, sizeof b, sqlite3_column_text(m, 5), m, 6));
		if (sqlite3_column_type(m, 10) != SQLITE_NULL)
			fprintf(out, ", J ~ %.2f", sqlite3_column_double(m, 10));
		fprintf(out, ", %s\n", sqlite3_column_text(m, 9));
	}
	any = 0;
	while (sqlite3_step(f) == SQLITE_ROW) {
		if (!any++)
			fputs("\ninputs with problems\n", out);
		fprintf(out, "  %s (%s): %s, %lld records: %s\n",
			sqlite3_column_text(f, 0), sqlite3_column_text(f, 1),
			sqlite3_column_text(f, 2),
			(long long)sqlite3_column_int64(f, 3),
			sqlite3_column_text(f, 4)
				? (const char *)sqlite3_column_text(f, 4)
				: "");
	}
#undef I
}

static void json_summary(FILE *out, sqlite3_stmt *r, sqlite3_stmt *m,
			 sqlite3_stmt *f, int64_t run_id)
{
	static const char *const names[] = {
		"key", "near", "jaccard", "bands", "rows", "train_files",
		"test_files", "train_records", "test_records", "train_keyless",
		"test_keyless", "train_distinct", "test_distinct",
		"test_in_train", "test_in_train_share", "train_duplicates",
		"train_duplicate_share", "test_duplicates",
		"test_duplicate_share", "near_test_records", "near_share",
		"near_capped", "leaked_test_records", "leaked_share",
		"max_locations", "memory_bytes"};
	static const char *const mcols[] = {
		"kind", "path", "record", "line", "byte_offset", "first_path",
		"first_record", "first_line", "first_byte_offset", "masked",
		"jaccard", "key_hash"};
	size_t i;
	int any = 0;

	fprintf(out, "{\"run_id\":%lld,\"status\":", (long long)run_id);
	jstr(out, sqlite3_column_text(r, 26));
	for (i = 0; i < sizeof names / sizeof *names; i++) {
		fprintf(out, ",\"%s\":", names[i]);
		if (i == 0)
			jstr(out, sqlite3_column_text(r, 0));
		else if (i == 1)
			fputs(sqlite3_column_int(r, 1) ? "true" : "false", out);
		else
			jnum(out, r, (int)i);
	}
	fputs(",\"matches\":[", out);
	while (sqlite3_step(m) == SQLITE_ROW) {
		fputs(any++ ? ",{" : "{", out);
		for (i = 0; i < sizeof mcols / sizeof *mcols; i++) {
			fprintf(out, "%s\"%s\":", i ? "," : "", mcols[i]);
			if (i == 0 || i == 1 || i == 5 || i == 9 || i == 11)
				jstr(out, sqlite3_column_text(m, (int)i));
			else
				jnum(out, m, (int)i);
		}
		fputc('}', out);
	}
	fputs("],\"inputs_with_problems\":[", out);
	any = 0;
	while (sqlite3_step(f) == SQLITE_ROW) {
		fputs(any++ ? ",{\"path\":" : "{\"path\":", out);
		jstr(out, sqlite3_column_text(f, 0));
		fputs(",\"split\":", out);
		jstr(out, sqlite3_column_text(f, 1));
		fputs(",\"status\":", out);
		jstr(out, sqlite3_column_text(f, 2));
		fprintf(out, ",\"records\":%lld,\"error\":",
			(long long)sqlite3_column_int64(f, 3));
		jstr(out, sqlite3_column_text(f, 4));
		fputc('}', out);
	}
	fputs("]}\n", out);
}

int aud_overlap_summary_write(FILE *out, aud_store *s, int64_t run_id,
			      int json, aud_err *err)
{
	sqlite3 *db = aud_store_db(s);
	sqlite3_stmt *r = NULL, *m = NULL, *f = NULL;
	int rc = AUD_OK;

	if (sqlite3_prepare_v2(db, run_sql, -1, &r, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, match_sql, -1, &m, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, files_sql, -1, &f, NULL) != SQLITE_OK) {
		rc = db_fail(db, err);
		goto done;
	}
	sqlite3_bind_int64(r, 1, run_id);
	sqlite3_bind_int64(m, 1, run_id);
	sqlite3_bind_int64(f, 1, run_id);
	if (sqlite3_step(r) != SQLITE_ROW) {
		rc = aud_err_set(err, AUD_EUSAGE, "run %lld has no overlap",
				 (long long)run_id);
		goto done;
	}
	if (json)
		json_summary(out, r, m, f, run_id);
	else
		text_summary(out, r, m, f, run_id);
done:
	sqlite3_finalize(r);
	sqlite3_finalize(m);
	sqlite3_finalize(f);
	return rc;
}

int aud_overlap_run_has(aud_store *s, int64_t run_id)
{
	sqlite3_stmt *st = NULL;
	int has = 0;

	if (sqlite3_prepare_v2(aud_store_db(s),
			       "SELECT 1 FROM overlap_runs WHERE run_id = ?1",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, run_id);
		has = sqlite3_step(st) == SQLITE_ROW;
	}
	sqlite3_finalize(st);
	return has;
}

/* ---- --fail-on --------------------------------------------------- */

static const struct {
	const char *name;
	const char *count, *share; /* overlap_runs columns */
} subjects[] = {
	{"overlap", "test_in_train", "test_in_train_share"},
	{"near", "near_test_records", "near_share"},
	{"leaked", "leaked_test_records", "leaked_share"},
	{"train_duplicates", "train_duplicates", "train_duplicate_share"},
	{"test_duplicates", "test_duplicates", "test_duplicate_share"},
};
#define NSUBJECTS (sizeof subjects / sizeof *subjects)

typedef struct rule {
	size_t sub;
	int share;
	int op; /* 0 > 1 >= 2 < 3 <= 4 == 5 != */
	double num;
} rule;

static const char *const ops[] = {">=", "<=", "==", "!=", ">", "<"};
static const int op_code[] = {1, 3, 4, 5, 0, 2};

/* Parses one rule of len bytes at p. */
static int parse_rule(const char *p, size_t len, rule *r, aud_err *err)
{
	char buf[128], *end, *q;
	size_t i, n;

	if (len == 0 || len >= sizeof buf)
		return aud_err_set(err, AUD_EUSAGE,
				   "--fail-on: empty or overlong rule");
	memcpy(buf, p, len);
	buf[len] = '\0';
	if (strcmp(buf, "any") == 0) {
		r->sub = 2;
		r->share = 0;
		r->op = 0;
		r->num = 0;
		return AUD_OK;
	}
	for (q = buf; *q && !strchr("<>=!", *q); q++)
		;
	n = (size_t)(q - buf);
	r->share = n > 6 && strncmp(q - 6, ".share", 6) == 0;
	if (r->share)
		n -= 6;
	for (r->sub = 0; r->sub < NSUBJECTS; r->sub++)
		if (strlen(subjects[r->sub].name) == n &&
		    strncmp(buf, subjects[r->sub].name, n) == 0)
			break;
	if (r->sub == NSUBJECTS)
		return aud_err_set(err, AUD_EUSAGE,
				   "--fail-on: '%s': the subject must be "
				   "overlap, near, leaked, train_duplicates "
				   "or test_duplicates (with .share for a "
				   "share), or 'any'",
				   buf);
	for (i = 0; i < sizeof ops / sizeof *ops; i++)
		if (strncmp(q, ops[i], strlen(ops[i])) == 0)
			break;
	if (i == sizeof ops / sizeof *ops)
		return aud_err_set(err, AUD_EUSAGE,
				   "--fail-on: '%s': expected > >= < <= == or "
				   "!= after the subject",
				   buf);
	r->op = op_code[i];
	q += strlen(ops[i]);
	r->num = strtod(q, &end);
	if (end == q || *end || r->num != r->num)
		return aud_err_set(err, AUD_EUSAGE,
				   "--fail-on: '%s': expected a number after "
				   "the operator",
				   buf);
	return AUD_OK;
}

/* Calls fn for each rule of text (or only checks them when fn is
 * NULL). Returns 0 or AUD_EUSAGE. */
static int each_rule(const char *text, int (*fn)(void *, const rule *,
						 const char *, size_t),
		     void *ctx, aud_err *err)
{
	const char *p = text, *c;
	rule r;
	int rc;

	if (strcmp(text, "none") == 0)
		return AUD_OK;
	do {
		c = strchr(p, ',');
		if ((rc = parse_rule(p, c ? (size_t)(c - p) : strlen(p), &r,
				     err)))
			return rc;
		if (fn && (rc = fn(ctx, &r, p, c ? (size_t)(c - p)
						 : strlen(p))))
			return rc;
		p = c + 1;
	} while (c);
	return AUD_OK;
}

int aud_overlap_policy_parse(const char *text, aud_err *err)
{
	return each_rule(text, NULL, NULL, err);
}

typedef struct check_ctx {
	sqlite3 *db;
	int64_t run_id;
	aud_policy_fn fn;
	void *ctx;
	int broken;
	aud_err *err;
} check_ctx;

static int check_one(void *ctx, const rule *r, const char *text, size_t len)
{
	check_ctx *c = ctx;
	sqlite3_stmt *st = NULL;
	char sql[200], rtext[128], detail[128];
	double v;
	int hit;

	/* The column name is one of ours, never the user's text. */
	snprintf(sql, sizeof sql,
		 "SELECT COALESCE(%s, 0) FROM overlap_runs WHERE run_id = ?1",
		 r->share ? subjects[r->sub].share : subjects[r->sub].count);
	if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(c->db, c->err);
	sqlite3_bind_int64(st, 1, c->run_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return aud_err_set(c->err, AUD_EUSAGE,
				   "run %lld has no overlap",
				   (long long)c->run_id);
	}
	v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	switch (r->op) {
	case 0: hit = v > r->num; break;
	case 1: hit = v >= r->num; break;
	case 2: hit = v < r->num; break;
	case 3: hit = v <= r->num; break;
	case 4: hit = v == r->num; break;
	default: hit = v != r->num; break;
	}
	if (!hit)
		return 0;
	c->broken++;
	snprintf(rtext, sizeof rtext, "%.*s", (int)len, text);
	if (r->share)
		snprintf(detail, sizeof detail, "share %.6g", v);
	else
		snprintf(detail, sizeof detail, "%.0f records", v);
	if (c->fn)
		c->fn(c->ctx, rtext, detail);
	return 0;
}

int aud_overlap_policy_check(const char *text, aud_store *s, int64_t run_id,
			     aud_policy_fn fn, void *ctx, aud_err *err)
{
	check_ctx c;
	int rc;

	c.db = aud_store_db(s);
	c.run_id = run_id;
	c.fn = fn;
	c.ctx = ctx;
	c.broken = 0;
	c.err = err;
	rc = each_rule(text, check_one, &c, err);
	return rc ? rc : c.broken;
}
