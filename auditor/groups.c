/*
 * groups.c: per-group counters for the bias audit (see groups.h). Each
 * record is looked at once: its fields are matched against the few columns
 * the options name, then every attribute's group key is built from those
 * values and its counters advanced. Group values live in an open-addressing
 * hash table per attribute; what the metrics mean is fairness.c's job, and
 * storing the counters is the scanner's.
 */
#include "auditor/groups.h"

#include <stdlib.h>
#include <string.h>

#define KEY_MAX 512
#define MAX_COLS 64
#define SCORE_SLOTS 65536 /* score table size: drained when half full */
#define MEMO_BITS 6 /* per attribute, 64 slots of recent short keys */
#define MEMO_SLOTS (1 << MEMO_BITS)
#define MEMO_LEN 24 /* the longest key a memo slot holds */

/* A group. c is its counters, but records are counted in st, by outcome
 * and prediction state (see state()), which fold() adds to c before
 * anything reads it: one increment per record instead of nine. */
struct gval {
	aud_group_counts c; /* first: find() returns &c for the group */
	uint64_t st[9];
	char *value;
	size_t len; /* strlen(value) */
};

/* A key the attribute's find() was asked for and the group it gave: a
 * group column holds a handful of distinct values, so most records are
 * answered by one compare with the copy of the key kept in the slot,
 * without hashing the key or following the group's value pointer. */
struct memo {
	char v[MEMO_LEN];
	uint32_t len;
	int32_t group; /* index into attr.v, -1 when the slot is empty */
};

struct attr {
	char *name;
	size_t col[3]; /* indices into aud_groups.col */
	size_t ncol;
	struct gval *v;
	size_t n, cap;
	long *slot;
	size_t nslot;
	struct memo memo[MEMO_SLOTS]; /* see find_memo */
};

struct aud_groups {
	const aud_bias_opts *o;
	char *col[MAX_COLS]; /* every column named by the options, once */
	size_t collen[MAX_COLS];
	size_t colpos[MAX_COLS]; /* field index it had in the last record */
	int unique; /* records name each field once, in one order (CSV) */
	const void *names; /* token of records whose columns are at colpos */
	size_t ncol;
	long outcome, prediction, score; /* column indices or -1 */
	size_t *poslen, *predlen; /* lengths of the positive values */
	/* The one-byte positive values as a table (0/1, Y/N), and whether
	 * the list has longer ones: most outcome columns need no compare. */
	unsigned char pos1[256], pred1[256];
	int poslong, predlong;
	int multi; /* some attribute is an intersection */
	int pending; /* some group has counts in st */
	const char *val[MAX_COLS];       /* this record's values */
	size_t vlen[MAX_COLS];
	int present[MAX_COLS]; /* non-empty, non-null in this record */
	int seen[MAX_COLS];    /* named by some record of this input */
	struct attr *a;
	size_t na;
	char key[KEY_MAX + 1];
	aud_score_count *sc; /* open addressing, SCORE_SLOTS entries */
	long *scslot;
	size_t nsc;
};

/* Hash of a group value, eight bytes a step (only the slot depends on
 * it: groups keep their first-seen order). */
static inline size_t hash(const char *s, size_t n)
{
	uint64_t h = 0x9E3779B97F4A7C15ull ^ n, w;
	uint32_t u, v;
	size_t i;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
		h ^= h >> 31;
	}
	if (n >= 4) { /* two 4-byte loads, overlapping when n < 8 */
		memcpy(&u, s, 4);
		memcpy(&v, s + n - 4, 4);
		w = (uint64_t)u << 32 | v;
	} else {
		w = 0;
		for (i = 0; i < n; i++)
			w |= (uint64_t)(unsigned char)s[i] << (8 * i);
	}
	h = (h ^ w) * 0x94D049BB133111EBull;
	return (size_t)(h ^ (h >> 29));
}

/* Lengths of list[0..n), or NULL when out of memory. */
static size_t *lengths(const char *const *list, size_t n)
{
	size_t *v = malloc((n ? n : 1) * sizeof *v), i;

	if (v)
		for (i = 0; i < n; i++)
			v[i] = strlen(list[i]);
	return v;
}

/* Sets tab[b] for each value of list[0..n) that is the one byte b.
 * Returns 1 when the list also has values of other lengths. */
static int byte_table(unsigned char tab[256], const char *const *list,
		      const size_t *lens, size_t n)
{
	size_t i;
	int longer = 0;

	memset(tab, 0, 256);
	for (i = 0; i < n; i++)
		if (lens[i] == 1)
			tab[(unsigned char)list[i][0]] = 1;
		else
			longer = 1;
	return longer;
}

static long add_col(aud_groups *g, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < g->ncol; i++)
		if (strlen(g->col[i]) == len && memcmp(g->col[i], name, len) == 0)
			return (long)i;
	if (g->ncol == MAX_COLS)
		return -2;
	g->col[g->ncol] = malloc(len + 1);
	if (!g->col[g->ncol])
		return -1;
	memcpy(g->col[g->ncol], name, len);
	g->col[g->ncol][len] = '\0';
	g->collen[g->ncol] = len;
	return (long)g->ncol++;
}

static void memo_clear(struct attr *at)
{
	size_t i;

	for (i = 0; i < MEMO_SLOTS; i++) {
		at->memo[i].len = 0;
		at->memo[i].group = -1;
	}
}

static int add_attr(aud_groups *g, const char *spec, aud_err *err)
{
	struct attr *na = realloc(g->a, (g->na + 1) * sizeof *na), *at;
	const char *p = spec;

	if (!na)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	g->a = na;
	at = &na[g->na];
	memset(at, 0, sizeof *at);
	memo_clear(at);
	while (1) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		long c;

		if (len == 0 || at->ncol == 3)
			return aud_err_set(err, AUD_EUSAGE,
					   "--intersect takes 2 or 3 column "
					   "names separated by commas, not '%s'",
					   spec);
		if (at->ncol == 1)
			g->multi = 1;
		c = add_col(g, p, len);
		if (c == -1)
			return aud_err_set(err, AUD_ENOMEM, "out of memory");
		if (c == -2)
			return aud_err_set(err, AUD_EUSAGE,
					   "too many columns in the bias "
					   "options (at most %d)", MAX_COLS);
		at->col[at->ncol++] = (size_t)c;
		if (!comma)
			break;
		p = comma + 1;
	}
	at->name = strdup(spec);
	if (!at->name)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	g->na++;
	return AUD_OK;
}

int aud_groups_new(aud_groups **out, const aud_bias_opts *o, aud_err *err)
{
	aud_groups *g = calloc(1, sizeof *g);
	size_t i;
	int rc = AUD_OK;

	*out = NULL;
	if (!g)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	g->o = o;
	g->outcome = g->prediction = g->score = -1;
	for (i = 0; i < o->ngroups && !rc; i++)
		if (strchr(o->groups[i], ','))
			rc = aud_err_set(err, AUD_EUSAGE,
					 "--group takes one column; use "
					 "--intersect for '%s'",
					 o->groups[i]);
		else
			rc = add_attr(g, o->groups[i], err);
	for (i = 0; i < o->nintersections && !rc; i++) {
		if (!strchr(o->intersections[i], ','))
			rc = aud_err_set(err, AUD_EUSAGE,
					 "--intersect takes 2 or 3 column names "
					 "separated by commas, not '%s'",
					 o->intersections[i]);
		else
			rc = add_attr(g, o->intersections[i], err);
	}
	if (!rc && o->outcome &&
	    (g->outcome = add_col(g, o->outcome, strlen(o->outcome))) < 0)
		rc = aud_err_set(err, AUD_ENOMEM, "too many columns");
	if (!rc && o->prediction &&
	    (g->prediction =
		     add_col(g, o->prediction, strlen(o->prediction))) < 0)
		rc = aud_err_set(err, AUD_ENOMEM, "too many columns");
	if (!rc && o->score &&
	    (g->score = add_col(g, o->score, strlen(o->score))) < 0)
		rc = aud_err_set(err, AUD_ENOMEM, "too many columns");
	if (!rc && (!(g->poslen = lengths(o->positive, o->npositive)) ||
		    !(g->predlen = lengths(o->predicted_positive,
					   o->npredicted_positive))))
		rc = aud_err_set(err, AUD_ENOMEM, "out of memory");
	if (!rc) {
		g->poslong = byte_table(g->pos1, o->positive, g->poslen,
					o->npositive);
		g->predlong = byte_table(g->pred1, o->predicted_positive,
					 g->predlen, o->npredicted_positive);
	}
	if (!rc && o->score) {
		g->sc = malloc(SCORE_SLOTS / 2 * sizeof *g->sc);
		g->scslot = malloc(SCORE_SLOTS * sizeof *g->scslot);
		if (!g->sc || !g->scslot)
			rc = aud_err_set(err, AUD_ENOMEM, "out of memory");
		else
			aud_groups_scores_clear(g);
	}
	if (rc) {
		aud_groups_free(g);
		return rc;
	}
	*out = g;
	return AUD_OK;
}

static int grow(struct attr *at)
{
	size_t ns = at->nslot ? at->nslot * 2 : 16, i;
	long *sl = malloc(ns * sizeof *sl);

	if (!sl)
		return -1;
	for (i = 0; i < ns; i++)
		sl[i] = -1;
	for (i = 0; i < at->n; i++) {
		size_t h = hash(at->v[i].value, at->v[i].len) & (ns - 1);

		while (sl[h] >= 0)
			h = (h + 1) & (ns - 1);
		sl[h] = (long)i;
	}
	free(at->slot);
	at->slot = sl;
	at->nslot = ns;
	return 0;
}

/* The group of key in at, created if new (or "(other)" past the cap). */
static aud_group_counts *__attribute__((noinline))
add_group(struct attr *at, const char *key, size_t len)
{
	size_t h;
	struct gval *gv;

	if (at->n * 2 >= at->nslot && grow(at))
		return NULL;
	h = hash(key, len) & (at->nslot - 1);
	while (at->slot[h] >= 0) {
		gv = &at->v[at->slot[h]];
		if (gv->len == len && aud_same(gv->value, key, len))
			return &gv->c;
		h = (h + 1) & (at->nslot - 1);
	}
	if (at->n >= AUD_GROUPS_MAX_VALUES &&
	    !(len == strlen(AUD_GROUP_OTHER) &&
	      aud_same(key, AUD_GROUP_OTHER, len)))
		return add_group(at, AUD_GROUP_OTHER,
				 strlen(AUD_GROUP_OTHER));
	if (at->n == at->cap) {
		size_t nc = at->cap ? at->cap * 2 : 8;
		struct gval *nv = realloc(at->v, nc * sizeof *nv);

		if (!nv)
			return NULL;
		at->v = nv;
		at->cap = nc;
	}
	gv = &at->v[at->n];
	memset(gv, 0, sizeof *gv);
	gv->value = malloc(len + 1);
	if (!gv->value)
		return NULL;
	memcpy(gv->value, key, len);
	gv->value[len] = '\0';
	gv->len = len;
	gv->c.value = gv->value;
	at->slot[h] = (long)at->n++;
	return &gv->c;
}

/* The group of key in at: a known one found inline, the rest by
 * add_group. */
static inline aud_group_counts *find(struct attr *at, const char *key,
				     size_t len)
{
	size_t h;
	long k;

	if (at->nslot) {
		h = hash(key, len) & (at->nslot - 1);
		while ((k = at->slot[h]) >= 0) {
			struct gval *gv = &at->v[k];

			if (gv->len == len && aud_same(gv->value, key, len))
				return &gv->c;
			h = (h + 1) & (at->nslot - 1);
		}
	}
	return add_group(at, key, len);
}

/* find() through at's memo: the slot is picked by the key's length and
 * its first and last bytes, and holds the last key that mapped there. A
 * slot's group stays right until the reset: a value keeps its group, and
 * one sent to "(other)" (past the cap) stays there, as no value is added
 * after the cap. */
static inline struct gval *find_memo(struct attr *at, const char *key,
				     size_t len)
{
	struct memo *m;
	struct gval *gv;
	uint32_t k;

	if (len - 1 >= MEMO_LEN) /* empty (len - 1 wraps) or too long */
		return (struct gval *)(void *)find(at, key, len);
	k = (uint32_t)len << 16 | (uint32_t)(unsigned char)key[0] << 8 |
	    (unsigned char)key[len - 1];
	m = &at->memo[(k * 0x9E3779B1u) >> (32 - MEMO_BITS)];
	if (m->len == len && aud_same(m->v, key, len))
		return &at->v[m->group];
	gv = (struct gval *)(void *)find(at, key, len);
	if (gv) {
		memcpy(m->v, key, len);
		m->len = (uint32_t)len;
		m->group = (int32_t)(gv - at->v);
	}
	return gv;
}

static int in_list(const char *v, size_t len, const char *const *list,
		   const size_t *lens, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lens[i] == len && aud_same(list[i], v, len))
			return 1;
	return 0;
}

/* Is the value v[0..len), len > 0, in list? Looked up in tab when it is
 * one byte (a one-byte value can only equal a one-byte list entry). */
static inline int positive(const unsigned char tab[256], int longer,
			   const char *v, size_t len,
			   const char *const *list, const size_t *lens,
			   size_t n)
{
	if (len == 1)
		return tab[(unsigned char)v[0]];
	return longer && in_list(v, len, list, lens, n);
}

/* The state of a record's outcome and prediction, 0 to 8: unknown,
 * negative or positive, each. */
static inline int state(int out_known, int out_pos, int pred_known,
			int pred_pos)
{
	return (out_known + out_pos) * 3 + pred_known + pred_pos;
}

/* Adds the records counted in st (see struct gval) to d. */
static void add_states(aud_group_counts *d, const uint64_t st[9])
{
	int s;

	for (s = 0; s < 9; s++) {
		uint64_t k = st[s];
		int ok = s >= 3, op = s >= 6, pk = s % 3 >= 1, pp = s % 3 == 2;

		d->n += k;
		d->n_outcome += ok ? k : 0;
		d->pos += op ? k : 0;
		d->n_pred += pk ? k : 0;
		d->pred_pos += pp ? k : 0;
		d->tp += ok && pk && op && pp ? k : 0;
		d->fp += ok && pk && !op && pp ? k : 0;
		d->tn += ok && pk && !op && !pp ? k : 0;
		d->fn += ok && pk && op && !pp ? k : 0;
	}
}

/* Moves every group's st into its counters. */
static void fold(aud_groups *g)
{
	size_t a, i;

	if (!g->pending)
		return;
	for (a = 0; a < g->na; a++)
		for (i = 0; i < g->a[a].n; i++) {
			add_states(&g->a[a].v[i].c, g->a[a].v[i].st);
			memset(g->a[a].v[i].st, 0, sizeof g->a[a].v[i].st);
		}
	g->pending = 0;
}

/* Parses a decimal number; 1 on success. */
static int parse_num(const char *v, size_t len, double *out)
{
	char buf[64], *end;

	if (len == 0 || len >= sizeof buf)
		return 0;
	memcpy(buf, v, len);
	buf[len] = '\0';
	*out = strtod(buf, &end);
	return end != buf && *end == '\0' && *out == *out;
}

/* The key of a one-column attribute: the value cut at KEY_MAX bytes (as
 * make_key cuts an intersection's), or AUD_GROUP_UNKNOWN when the record
 * has none. */
static const char *column_key(int present, const char *v, size_t vlen,
			      size_t *len)
{
	if (!present) {
		*len = strlen(AUD_GROUP_UNKNOWN);
		return AUD_GROUP_UNKNOWN;
	}
	*len = vlen < KEY_MAX ? vlen : KEY_MAX;
	return v;
}

/* The group key of attribute at for this record: a single column's value
 * as it is, or several joined into g->key. Sets *len. */
static const char *make_key(aud_groups *g, const struct attr *at,
			    size_t *len)
{
	size_t k, n = 0;

	if (at->ncol == 1)
		return column_key(g->present[at->col[0]], g->val[at->col[0]],
				  g->vlen[at->col[0]], len);

	for (k = 0; k < at->ncol; k++) {
		size_t c = at->col[k], len;
		const char *v;

		if (k) {
			if (n + 3 > KEY_MAX)
				break;
			memcpy(g->key + n, " | ", 3);
			n += 3;
		}
		if (g->present[c]) {
			v = g->val[c];
			len = g->vlen[c];
		} else {
			v = AUD_GROUP_UNKNOWN;
			len = strlen(v);
		}
		if (len > KEY_MAX - n)
			len = KEY_MAX - n;
		memcpy(g->key + n, v, len);
		n += len;
	}
	g->key[n] = '\0';
	*len = n;
	return g->key;
}

/* Counts one (attribute, group, score); the table is never more than half
 * full because the caller drains it when aud_groups_scores_full. */
static void add_score(aud_groups *g, size_t a, const aud_group_counts *gc,
		      double score, uint64_t n)
{
	size_t grp = (size_t)(((const char *)gc - (const char *)g->a[a].v) /
			      (ptrdiff_t)sizeof(struct gval));
	uint64_t bits;
	size_t h;
	aud_score_count *e;

	if (score == 0)
		score = 0; /* -0.0 and 0.0 are one score */
	memcpy(&bits, &score, sizeof bits);
	h = (size_t)((bits ^ (bits >> 29) ^ (grp * 0x9E3779B97F4A7C15ull) ^
		      (a << 17)) *
		     0xBF58476D1CE4E5B9ull) &
	    (SCORE_SLOTS - 1);
	while (g->scslot[h] >= 0) {
		e = &g->sc[g->scslot[h]];
		if (e->attribute == a && e->group == grp && e->score == score) {
			e->count += n;
			return;
		}
		h = (h + 1) & (SCORE_SLOTS - 1);
	}
	e = &g->sc[g->nsc];
	e->attribute = a;
	e->group = grp;
	e->score = score;
	e->count = n;
	g->scslot[h] = (long)g->nsc++;
}

int aud_groups_scores_full(const aud_groups *g)
{
	return g->sc && g->nsc + g->na >= SCORE_SLOTS / 2;
}

size_t aud_groups_scores(const aud_groups *g, const aud_score_count **out)
{
	*out = g->sc;
	return g->nsc;
}

void aud_groups_scores_clear(aud_groups *g)
{
	size_t i;

	g->nsc = 0;
	if (g->scslot)
		for (i = 0; i < SCORE_SLOTS; i++)
			g->scslot[i] = -1;
}

int aud_groups_record(aud_groups *g, const aud_record *rec)
{
	return aud_groups_record_names(g, rec, NULL);
}

/* aud_groups_record_names for a record whose columns are where they were
 * in the previous one (names is the last token), when every attribute is
 * one column and no score is counted: the usual CSV audit. Each value is
 * read once from its field, and looked for in the attribute's memo. */
static int count_known(aud_groups *g, const aud_record *rec)
{
	const aud_bias_opts *o = g->o;
	const aud_field *f;
	int out_known = 0, out_pos = 0, pred_known = 0, pred_pos = 0, s;
	int cut = !g->unique || (rec->flags & AUD_REC_HAS_NUL);
	size_t i, len;

	if (g->outcome >= 0) {
		f = &rec->fields[g->colpos[g->outcome]];
		out_known = f->value_len && f->type != AUD_VAL_NULL;
		out_pos = out_known &&
			  positive(g->pos1, g->poslong, f->value,
				   f->value_len, o->positive, g->poslen,
				   o->npositive);
	}
	if (g->prediction >= 0) {
		f = &rec->fields[g->colpos[g->prediction]];
		pred_known = f->value_len && f->type != AUD_VAL_NULL;
		pred_pos = pred_known &&
			   positive(g->pred1, g->predlong, f->value,
				    f->value_len, o->predicted_positive,
				    g->predlen, o->npredicted_positive);
	}
	s = state(out_known, out_pos, pred_known, pred_pos);
	g->pending = 1;
	for (i = 0; i < g->na; i++) {
		struct attr *at = &g->a[i];
		const char *key;
		struct gval *gv;

		/* As make_key and the NUL rule in aud_groups_record_names. */
		f = &rec->fields[g->colpos[at->col[0]]];
		key = column_key(f->value_len && f->type != AUD_VAL_NULL,
				 f->value, f->value_len, &len);
		if (cut)
			len = strnlen(key, len);
		gv = find_memo(at, key, len);
		if (!gv)
			return AUD_ENOMEM;
		gv->st[s]++;
	}
	return AUD_OK;
}

int aud_groups_record_names(aud_groups *g, const aud_record *rec,
			    const void *names)
{
	const aud_bias_opts *o = g->o;
	size_t i, c;
	int out_known = 0, out_pos = 0, pred_known = 0, pred_pos = 0, s;
	int has_score = 0;
	double score = 0;

	if (names && names == g->names) {
		if (!g->multi && g->score < 0)
			return count_known(g, rec);
		/* The same names as a record whose columns were found at
		 * colpos: no need to check them again. */
		for (c = 0; c < g->ncol; c++) {
			const aud_field *f = &rec->fields[g->colpos[c]];

			g->present[c] = f->value_len && f->type != AUD_VAL_NULL;
			g->val[c] = f->value;
			g->vlen[c] = f->value_len;
		}
		goto counted;
	}
	g->names = NULL;
	for (c = 0; c < g->ncol; c++)
		g->present[c] = 0;
	/* A CSV row has the header's fields, in its order, each name once:
	 * each column is where it was in the last row (checked). Any other
	 * record looks at every field. */
	for (c = 0; g->unique && !(rec->flags & AUD_REC_FIELD_COUNT) &&
		    c < g->ncol;
	     c++) {
		const aud_field *f;

		i = g->colpos[c];
		if (i >= rec->nfields)
			break;
		f = &rec->fields[i];
		if (f->name_len != g->collen[c] ||
		    !aud_same(f->name, g->col[c], f->name_len))
			break;
		g->seen[c] = 1;
		if (f->value_len && f->type != AUD_VAL_NULL) {
			g->present[c] = 1;
			g->val[c] = f->value;
			g->vlen[c] = f->value_len;
		}
	}
	if (g->unique && c == g->ncol) {
		g->names = names;
		goto counted;
	}
	for (c = 0; c < g->ncol; c++)
		g->present[c] = 0;
	for (i = 0; i < rec->nfields; i++) {
		const aud_field *f = &rec->fields[i];

		for (c = 0; c < g->ncol; c++) {
			if (g->collen[c] != f->name_len ||
			    g->col[c][0] != f->name[0] ||
			    memcmp(g->col[c], f->name, f->name_len) != 0)
				continue;
			g->seen[c] = 1;
			g->colpos[c] = i;
			if (f->value_len && f->type != AUD_VAL_NULL &&
			    !g->present[c]) {
				g->present[c] = 1;
				g->val[c] = f->value;
				g->vlen[c] = f->value_len;
			}
		}
	}
counted:
	if (g->outcome >= 0 && g->present[g->outcome]) {
		out_known = 1;
		out_pos = positive(g->pos1, g->poslong, g->val[g->outcome],
				   g->vlen[g->outcome], o->positive,
				   g->poslen, o->npositive);
	}
	if (g->prediction >= 0 && g->present[g->prediction]) {
		pred_known = 1;
		pred_pos = positive(g->pred1, g->predlong,
				    g->val[g->prediction],
				    g->vlen[g->prediction],
				    o->predicted_positive, g->predlen,
				    o->npredicted_positive);
	}
	if (g->score >= 0 && g->present[g->score] &&
	    parse_num(g->val[g->score], g->vlen[g->score], &score) &&
	    score - score == 0) { /* finite */
		has_score = 1;
		if (g->prediction < 0 && o->has_threshold) {
			pred_known = 1;
			pred_pos = score >= o->threshold;
		}
	}
	s = state(out_known, out_pos, pred_known, pred_pos);
	g->pending = 1;
	for (i = 0; i < g->na; i++) {
		size_t len;
		const char *key = make_key(g, &g->a[i], &len);
		struct gval *gv;

		/* A group value is a C string in the store: one with a NUL
		 * byte is the group of what comes before it. A CSV value
		 * holds one only in a record flagged so; a JSON value may
		 * have it from a \u0000 escape. */
		if (!g->unique || (rec->flags & AUD_REC_HAS_NUL))
			len = strnlen(key, len);
		gv = find_memo(&g->a[i], key, len);

		if (!gv)
			return AUD_ENOMEM;
		if (has_score)
			add_score(g, i, &gv->c, score, 1);
		gv->st[s]++;
	}
	return AUD_OK;
}

void aud_groups_set_unique_names(aud_groups *g, int on)
{
	g->unique = on;
}

int aud_groups_scores_fit(const aud_groups *dst, const aud_groups *src)
{
	return !dst->sc || dst->nsc + src->nsc + dst->na < SCORE_SLOTS / 2;
}

int aud_groups_merge(aud_groups *dst, const aud_groups *src)
{
	size_t a, i, c;

	for (c = 0; c < dst->ncol && c < src->ncol; c++)
		dst->seen[c] |= src->seen[c];
	for (a = 0; a < dst->na && a < src->na; a++) {
		const struct attr *sa = &src->a[a];

		for (i = 0; i < sa->n; i++) {
			const aud_group_counts *s = &sa->v[i].c;
			aud_group_counts *d =
				find(&dst->a[a], s->value, sa->v[i].len);

			if (!d)
				return AUD_ENOMEM;
			d->n += s->n;
			d->n_outcome += s->n_outcome;
			d->pos += s->pos;
			d->n_pred += s->n_pred;
			d->pred_pos += s->pred_pos;
			d->tp += s->tp;
			d->fp += s->fp;
			d->tn += s->tn;
			d->fn += s->fn;
			add_states(d, sa->v[i].st);
		}
	}
	for (i = 0; i < src->nsc; i++) {
		const aud_score_count *e = &src->sc[i];
		const struct gval *sv = &src->a[e->attribute].v[e->group];
		aud_group_counts *d =
			find(&dst->a[e->attribute], sv->value, sv->len);

		if (!d)
			return AUD_ENOMEM;
		add_score(dst, e->attribute, d, e->score, e->count);
	}
	return AUD_OK;
}

const char *aud_groups_unseen_column(const aud_groups *g)
{
	size_t c;

	for (c = 0; c < g->ncol; c++)
		if (!g->seen[c])
			return g->col[c];
	return NULL;
}

size_t aud_groups_attributes(const aud_groups *g)
{
	return g->na;
}

const char *aud_groups_attribute(const aud_groups *g, size_t a)
{
	return a < g->na ? g->a[a].name : NULL;
}

size_t aud_groups_count(const aud_groups *g, size_t a)
{
	return a < g->na ? g->a[a].n : 0;
}

const aud_group_counts *aud_groups_get(aud_groups *g, size_t a, size_t i)
{
	if (a >= g->na || i >= g->a[a].n)
		return NULL;
	fold(g);
	return &g->a[a].v[i].c;
}

void aud_groups_reset(aud_groups *g)
{
	size_t i, j;

	for (i = 0; i < g->na; i++) {
		struct attr *at = &g->a[i];

		for (j = 0; j < at->n; j++)
			free(at->v[j].value);
		at->n = 0;
		for (j = 0; j < at->nslot; j++)
			at->slot[j] = -1;
		memo_clear(at);
	}
	for (i = 0; i < g->ncol; i++)
		g->seen[i] = 0;
	g->names = NULL;
	g->pending = 0; /* add_group clears a new group's st */
	aud_groups_scores_clear(g);
}

void aud_groups_free(aud_groups *g)
{
	size_t i;

	if (!g)
		return;
	aud_groups_reset(g);
	for (i = 0; i < g->na; i++) {
		free(g->a[i].name);
		free(g->a[i].v);
		free(g->a[i].slot);
	}
	free(g->a);
	for (i = 0; i < g->ncol; i++)
		free(g->col[i]);
	free(g->sc);
	free(g->scslot);
	free(g->poslen);
	free(g->predlen);
	free(g);
}
