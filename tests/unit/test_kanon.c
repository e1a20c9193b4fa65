/*
 * test_kanon.c: the k-anonymity accumulator (kanon.h). A worked example
 * checked by hand; then random tables whose expected figures come from a
 * naive count in this file (tuples of small integers, every pair of
 * records compared), against the accumulator in memory, with a budget so
 * small that it spills to disk on most records, and split over several
 * accumulators merged in every order (into an empty one, spilled into
 * unspilled and back). Also the memory bound, usage errors and merges that
 * must be refused.
 */
#include "auditor/kanon.h"
#include "harness.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static aud_keyhash *key(void)
{
	static const unsigned char k[] = "unit-test-key-0123456789";
	aud_keyhash *h = NULL;

	aud_keyhash_new(&h, k, sizeof k - 1, NULL);
	return h;
}

/* A record from parallel arrays of names and values; a NULL value leaves
 * the field out, "\x01null" makes it a JSON null. */
static void feed(aud_kanon *k, const char *const *names,
		 const char *const *vals, size_t n)
{
	aud_field f[8];
	aud_record r;
	size_t i, nf = 0;
	aud_err e;

	memset(&r, 0, sizeof r);
	for (i = 0; i < n; i++) {
		if (!vals[i])
			continue;
		memset(&f[nf], 0, sizeof f[nf]);
		f[nf].name = names[i];
		f[nf].name_len = strlen(names[i]);
		if (strcmp(vals[i], "\x01null") == 0) {
			f[nf].value = "";
			f[nf].type = AUD_VAL_NULL;
		} else {
			f[nf].value = vals[i];
			f[nf].value_len = strlen(vals[i]);
		}
		nf++;
	}
	r.fields = f;
	r.nfields = nf;
	aud_err_clear(&e);
	CHECK_EQ_INT(aud_kanon_record(k, &r, &e), 0);
}

static void worked_example(void)
{
	static const char *const qi[] = {"sex", "age"};
	static const char *const names[] = {"sex", "age", "diag", "id"};
	static const char *const rows[][4] = {
		{"F", "30", "flu", "1"},     {"F", "30", "cold", "2"},
		{"F", "30", "flu", "3"},     {"M", "40", "flu", "4"},
		{"M", "40", "flu", "5"},     {"M", "41", "x", "6"},
		{NULL, "30", "flu", "7"},    {"", "30", "cold", "8"},
		{"\x01null", "30", NULL, "9"}, {"(unknown)", "30", "flu", "10"},
	};
	aud_kanon_opts o;
	aud_kanon *k = NULL;
	aud_kanon_stats s;
	aud_keyhash *kh = key();
	aud_err e;
	size_t i;

	memset(&o, 0, sizeof o);
	o.qis = qi;
	o.nqis = 2;
	o.sensitive = "diag";
	o.k = 3;
	aud_err_clear(&e);
	CHECK_EQ_INT(aud_kanon_new(&k, &o, kh, &e), 0);
	CHECK_STR(aud_kanon_columns(k), "sex,age");
	CHECK_STR(aud_kanon_sensitive(k), "diag");
	for (i = 0; i < sizeof rows / sizeof *rows; i++)
		feed(k, names, rows[i], 4);
	CHECK_EQ_INT(aud_kanon_records(k), 10);
	CHECK(aud_kanon_unseen_column(k) == NULL);
	CHECK_EQ_INT(aud_kanon_result(k, &s, &e), 0);
	/* Classes: (F,30) 3 with {flu, cold}; (M,40) 2 {flu}; (M,41) 1
	 * {x}; (missing,30) 3 {flu, cold, missing}: an absent sex, an
	 * empty one and a null are one value; (unknown) is a text. */
	CHECK_EQ_INT(s.records, 10);
	CHECK_EQ_INT(s.classes, 5);
	CHECK_EQ_INT(s.k_anonymity, 1);
	CHECK_EQ_INT(s.classes_below_k, 3);
	CHECK_EQ_INT(s.records_below_k, 4);
	CHECK_EQ_INT(s.unique_records, 2);
	CHECK(s.has_sensitive);
	CHECK_EQ_INT(s.l_diversity, 1);
	CHECK_EQ_INT(s.classes_l_below_2, 3);
	CHECK_EQ_INT(s.records_l_below_2, 4);
	CHECK_EQ_INT(s.spills, 0);
	CHECK_EQ_INT(s.nsizes, 3);
	if (s.nsizes == 3) {
		CHECK_EQ_INT(s.sizes[0].size, 1);
		CHECK_EQ_INT(s.sizes[0].classes, 2);
		CHECK_EQ_INT(s.sizes[1].size, 2);
		CHECK_EQ_INT(s.sizes[1].classes, 1);
		CHECK_EQ_INT(s.sizes[2].size, 3);
		CHECK_EQ_INT(s.sizes[2].classes, 2);
	}
	aud_kanon_stats_free(&s);

	/* Emptied, it reports nothing and knows no column. */
	aud_kanon_reset(k);
	CHECK_EQ_INT(aud_kanon_result(k, &s, &e), 0);
	CHECK_EQ_INT(s.records, 0);
	CHECK_EQ_INT(s.classes, 0);
	CHECK_EQ_INT(s.k_anonymity, 0);
	CHECK_EQ_INT(s.l_diversity, 0);
	CHECK_EQ_INT(s.nsizes, 0);
	aud_kanon_stats_free(&s);
	CHECK_STR(aud_kanon_unseen_column(k), "sex");
	{
		static const char *const part[] = {"sex", "age", "other"};
		static const char *const v[] = {"F", "1", "z"};

		feed(k, part, v, 3);
		CHECK_STR(aud_kanon_unseen_column(k), "diag");
	}
	aud_kanon_free(k);
	aud_keyhash_free(kh);
}

/* ---- random tables against a naive count ----------------------------- */

#define NQ 3
#define ROWS 3000

typedef struct row {
	int q[NQ]; /* value index, -1 missing */
	int s;     /* sensitive value index, -1 missing */
	int how;   /* for missing: 0 absent, 1 empty, 2 null */
} row;

typedef struct expect {
	uint64_t records, classes, kmin, below_k_classes, below_k_records;
	uint64_t unique, lmin, l1_classes, l1_records;
	uint64_t hist[ROWS + 1]; /* size -> classes */
} expect;

static unsigned long long rng = 88172645463325252ull;

static unsigned rnd(unsigned n) { return h_rnd(&rng, n); }

static void gen(row *r, size_t n, unsigned spread)
{
	size_t i;
	int j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < NQ; j++)
			r[i].q[j] = rnd(10) == 0 ? -1
						 : (int)rnd(j == 0 ? 2 : spread);
		r[i].s = rnd(12) == 0 ? -1 : (int)rnd(4);
		r[i].how = (int)rnd(3);
	}
}

static int same_class(const row *a, const row *b)
{
	int j;

	for (j = 0; j < NQ; j++)
		if (a->q[j] != b->q[j])
			return 0;
	return 1;
}

/* Every figure by comparing every pair of records. */
static void naive(const row *r, size_t n, uint64_t k, expect *x)
{
	size_t i, j;

	memset(x, 0, sizeof *x);
	x->records = n;
	for (i = 0; i < n; i++) {
		size_t size = 0, l = 0;
		int firstof = 1, seen[5] = {0};

		for (j = 0; j < n; j++) {
			if (!same_class(&r[i], &r[j]))
				continue;
			if (j < i)
				firstof = 0;
			size++;
			if (!seen[r[j].s + 1]++)
				l++;
		}
		if (!firstof)
			continue;
		x->classes++;
		x->hist[size]++;
		if (!x->kmin || size < x->kmin)
			x->kmin = size;
		if (size < k) {
			x->below_k_classes++;
			x->below_k_records += size;
		}
		if (size == 1)
			x->unique++;
		if (!x->lmin || l < x->lmin)
			x->lmin = l;
		if (l < 2) {
			x->l1_classes++;
			x->l1_records += size;
		}
	}
}

static const char *const qnames[] = {"sex", "age", "zip", "diag"};

static void feed_rows(aud_kanon *k, const row *r, size_t n)
{
	static const char *const words[] = {"v0", "v1", "v2", "v3", "v4",
					    "v5", "v6", "v7", "v8", "v9",
					    "v10", "v11", "v12", "v13",
					    "v14", "v15", "v16", "v17",
					    "v18", "v19", "v20", "v21",
					    "v22", "v23", "v24", "v25",
					    "v26", "v27", "v28", "v29"};
	const char *v[NQ + 1];
	size_t i;
	int j;

	for (i = 0; i < n; i++) {
		for (j = 0; j <= NQ; j++) {
			int x = j < NQ ? r[i].q[j] : r[i].s;

			if (x >= 0)
				v[j] = words[x];
			else
				v[j] = r[i].how == 0   ? NULL
				       : r[i].how == 1 ? ""
						       : "\x01null";
		}
		feed(k, qnames, v, NQ + 1);
	}
}

static void check_stats(const aud_kanon_stats *s, const expect *x)
{
	size_t i, nh = 0;
	int hist_ok = 1;

	CHECK_EQ_INT(s->records, x->records);
	CHECK_EQ_INT(s->classes, x->classes);
	CHECK_EQ_INT(s->k_anonymity, x->kmin);
	CHECK_EQ_INT(s->classes_below_k, x->below_k_classes);
	CHECK_EQ_INT(s->records_below_k, x->below_k_records);
	CHECK_EQ_INT(s->unique_records, x->unique);
	CHECK_EQ_INT(s->l_diversity, x->lmin);
	CHECK_EQ_INT(s->classes_l_below_2, x->l1_classes);
	CHECK_EQ_INT(s->records_l_below_2, x->l1_records);
	for (i = 1; i <= ROWS; i++)
		if (x->hist[i]) {
			if (nh >= s->nsizes || s->sizes[nh].size != i ||
			    s->sizes[nh].classes != x->hist[i])
				hist_ok = 0;
			nh++;
		}
	CHECK(hist_ok);
	CHECK_EQ_INT(s->nsizes, nh);
}

static aud_kanon *make(aud_keyhash *kh, uint64_t budget)
{
	static const char *const qi[] = {"sex", "age", "zip"};
	aud_kanon_opts o;
	aud_kanon *k = NULL;
	aud_err e;

	memset(&o, 0, sizeof o);
	o.qis = qi;
	o.nqis = NQ;
	o.sensitive = "diag";
	o.memory = budget;
	aud_err_clear(&e);
	CHECK_EQ_INT(aud_kanon_new(&k, &o, kh, &e), 0);
	return k;
}

static void random_tables(void)
{
	static row r[ROWS];
	static expect x;
	unsigned spreads[] = {3, 8, 30};
	aud_keyhash *kh = key();
	size_t t;
	aud_err e;

	aud_err_clear(&e);
	for (t = 0; t < sizeof spreads / sizeof *spreads; t++) {
		aud_kanon *mem, *disk, *a, *b, *c, *d;
		aud_kanon_stats s;

		gen(r, ROWS, spreads[t]);
		naive(r, ROWS, AUD_KANON_DEFAULT_K, &x);

		/* All in memory. */
		mem = make(kh, 0);
		feed_rows(mem, r, ROWS);
		CHECK_EQ_INT(aud_kanon_result(mem, &s, &e), 0);
		check_stats(&s, &x);
		CHECK_EQ_INT(s.spills, 0);
		aud_kanon_stats_free(&s);

		/* A budget of 2 KiB: spilled over and over. */
		disk = make(kh, 2048);
		feed_rows(disk, r, ROWS);
		CHECK(aud_kanon_memory(disk) <= 2048);
		CHECK_EQ_INT(aud_kanon_result(disk, &s, &e), 0);
		check_stats(&s, &x);
		CHECK(s.spills > 0);
		aud_kanon_stats_free(&s);
		/* Asking twice gives the same (what was in memory joined
		 * the spill the first time). */
		CHECK_EQ_INT(aud_kanon_result(disk, &s, &e), 0);
		check_stats(&s, &x);
		aud_kanon_stats_free(&s);

		/* Four parts: a small budget (spills) and a large one, merged
		 * into an empty accumulator, then spilled into unspilled and
		 * unspilled into spilled. */
		a = make(kh, 0);
		CHECK_EQ_INT(aud_kanon_new_like(&b, a, &e), 0);
		c = make(kh, 3000);
		d = make(kh, 0);
		feed_rows(b, r, 1000);
		feed_rows(c, r + 1000, 1000);
		feed_rows(d, r + 2000, 1000);
		CHECK_EQ_INT(aud_kanon_merge(a, b, &e), 0); /* a was empty */
		CHECK_EQ_INT(aud_kanon_records(b), 0);
		CHECK_EQ_INT(aud_kanon_merge(a, c, &e), 0); /* c spilled */
		CHECK_EQ_INT(aud_kanon_merge(d, a, &e), 0); /* a spilled */
		CHECK_EQ_INT(aud_kanon_records(d), ROWS);
		CHECK_EQ_INT(aud_kanon_result(d, &s, &e), 0);
		check_stats(&s, &x);
		CHECK(s.spills > 0);
		aud_kanon_stats_free(&s);
		/* The emptied ones can be filled again. */
		feed_rows(c, r, ROWS);
		CHECK_EQ_INT(aud_kanon_result(c, &s, &e), 0);
		check_stats(&s, &x);
		aud_kanon_stats_free(&s);

		/* Interleaved rows into two spilling accumulators. */
		aud_kanon_reset(a);
		aud_kanon_reset(b);
		{
			aud_kanon *sa = make(kh, 1500), *sb = make(kh, 1500);
			size_t i;

			for (i = 0; i < ROWS; i++)
				feed_rows(i % 2 ? sa : sb, r + i, 1);
			CHECK_EQ_INT(aud_kanon_merge(sa, sb, &e), 0);
			CHECK_EQ_INT(aud_kanon_result(sa, &s, &e), 0);
			check_stats(&s, &x);
			aud_kanon_stats_free(&s);
			aud_kanon_free(sa);
			aud_kanon_free(sb);
		}
		aud_kanon_free(mem);
		aud_kanon_free(disk);
		aud_kanon_free(a);
		aud_kanon_free(b);
		aud_kanon_free(c);
		aud_kanon_free(d);
	}
	aud_keyhash_free(kh);
}

/* No sensitive column: no l; a table with every record unique. */
static void no_sensitive(void)
{
	static const char *const qi[] = {"id"};
	aud_kanon_opts o;
	aud_kanon *k = NULL, *small = NULL;
	aud_kanon_stats s;
	aud_keyhash *kh = key();
	char buf[32];
	const char *v[1] = {buf};
	aud_err e;
	int i;
	uint64_t peak = 0;

	memset(&o, 0, sizeof o);
	o.qis = qi;
	o.nqis = 1;
	o.k = 2;
	aud_err_clear(&e);
	CHECK_EQ_INT(aud_kanon_new(&k, &o, kh, &e), 0);
	o.memory = 64 * 1024;
	CHECK_EQ_INT(aud_kanon_new(&small, &o, kh, &e), 0);
	for (i = 0; i < 20000; i++) {
		snprintf(buf, sizeof buf, "person-%d", i);
		feed(k, qi, v, 1);
		feed(small, qi, v, 1);
		if (aud_kanon_memory(small) > peak)
			peak = aud_kanon_memory(small);
	}
	CHECK(peak <= 64 * 1024);
	CHECK(peak >= 32 * 1024); /* the budget is used, not wasted */
	CHECK_EQ_INT(aud_kanon_result(k, &s, &e), 0);
	CHECK_EQ_INT(s.records, 20000);
	CHECK_EQ_INT(s.classes, 20000);
	CHECK_EQ_INT(s.k_anonymity, 1);
	CHECK_EQ_INT(s.unique_records, 20000);
	CHECK_EQ_INT(s.records_below_k, 20000);
	CHECK(!s.has_sensitive);
	CHECK_EQ_INT(s.l_diversity, 0);
	aud_kanon_stats_free(&s);
	CHECK_EQ_INT(aud_kanon_result(small, &s, &e), 0);
	CHECK_EQ_INT(s.classes, 20000);
	CHECK_EQ_INT(s.unique_records, 20000);
	CHECK(s.spills > 0);
	CHECK_EQ_INT(s.nsizes, 1);
	aud_kanon_stats_free(&s);
	aud_kanon_free(k);
	aud_kanon_free(small);
	aud_keyhash_free(kh);
}

static void refused(void)
{
	static const char *const two[] = {"a", "a"};
	static const char *const one[] = {"a"};
	static const char *const other[] = {"b"};
	static const char *const empty[] = {""};
	aud_kanon_opts o;
	aud_kanon *k = NULL, *x = NULL;
	aud_keyhash *kh = key();
	aud_err e;

	aud_err_clear(&e);
	memset(&o, 0, sizeof o);
	o.qis = one;
	CHECK_EQ_INT(aud_kanon_new(&k, &o, kh, &e), AUD_EUSAGE); /* none */
	o.nqis = 2;
	o.qis = two;
	CHECK_EQ_INT(aud_kanon_new(&k, &o, kh, &e), AUD_EUSAGE);
	CHECK(strstr(e.msg, "twice") != NULL);
	o.nqis = 1;
	o.qis = empty;
	CHECK_EQ_INT(aud_kanon_new(&k, &o, kh, &e), AUD_EUSAGE);
	o.qis = one;
	o.sensitive = "a";
	CHECK_EQ_INT(aud_kanon_new(&k, &o, kh, &e), AUD_EUSAGE);
	CHECK(strstr(e.msg, "also a quasi-identifier") != NULL);
	CHECK(k == NULL);

	/* Merges across options or keys would mix unrelated classes. */
	o.sensitive = NULL;
	CHECK_EQ_INT(aud_kanon_new(&k, &o, kh, &e), 0);
	o.qis = other;
	CHECK_EQ_INT(aud_kanon_new(&x, &o, kh, &e), 0);
	CHECK_EQ_INT(aud_kanon_merge(k, x, &e), AUD_EUSAGE);
	aud_kanon_free(x);
	o.qis = one;
	o.k = 7;
	CHECK_EQ_INT(aud_kanon_new(&x, &o, kh, &e), 0);
	CHECK_EQ_INT(aud_kanon_merge(k, x, &e), AUD_EUSAGE);
	aud_kanon_free(x);
	o.k = 0;
	CHECK_EQ_INT(aud_kanon_new(&x, &o, NULL, &e), 0); /* random key */
	CHECK_EQ_INT(aud_kanon_merge(k, x, &e), AUD_EUSAGE);
	CHECK_EQ_INT(aud_kanon_merge(k, k, &e), AUD_EUSAGE);
	aud_kanon_free(x);
	o.memory = 100; /* another budget merges fine */
	CHECK_EQ_INT(aud_kanon_new(&x, &o, kh, &e), 0);
	CHECK_EQ_INT(aud_kanon_merge(k, x, &e), 0);
	aud_kanon_free(x);
	aud_kanon_free(k);
	aud_kanon_free(NULL);
	aud_keyhash_free(kh);
}

int main(void)
{
	RUN(worked_example);
	RUN(random_tables);
	RUN(no_sensitive);
	RUN(refused);
	return DONE();
}
