/* Unit tests for groups.c: the counters of a CSV row counted by token
 * (count_known, the memo of recent keys, the one-byte positive table, the
 * counts by state folded when read) against the same rows counted field
 * by field, and against counts made here: many distinct values (past the
 * memo and past the cap), values that differ only after their first 8
 * bytes or only in their last byte, keys too long for the memo, empty and
 * NUL-holding values, positives of one and of several bytes, and the
 * intersection of three attributes; and the merge of counts by state. */
#include "auditor/groups.h"
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCOL 5
#define NROWS 100000

static const char *const cols[NCOL] = {"g", "h", "k", "y", "p"};

/* Row i's values: g cycles through the awkward keys and, every fifth
 * row, one of 40,000 numbered values (past AUD_GROUPS_MAX_VALUES). */
static size_t value(char *buf, size_t col, unsigned i)
{
	static const char *const g[] = {
		"A", "B", "", "abcdefgh1", "abcdefgh2", "abcdefghijklmnop1",
		"abcdefghijklmnop2",
		"a key longer than the memo holds, number 1",
		"a key longer than the memo holds, number 2", "Zq", "Zr",
		"nul\0after"};
	unsigned x = (i * NCOL + (unsigned)col) * 2654435761u;

	x ^= x >> 15;
	x *= 2246822519u;
	x ^= x >> 13;

	switch (col) {
	case 0:
		if (i % 5 == 4)
			return (size_t)sprintf(buf, "v%u", (x >> 7) % 40000);
		if ((x >> 3) % 12 == 11) {
			memcpy(buf, g[11], 9); /* "nul\0after" */
			return 9;
		}
		return (size_t)sprintf(buf, "%s", g[(x >> 3) % 12]);
	case 1:
		return (size_t)sprintf(buf, "%s", (x >> 5) % 3 ? "Female" : "");
	case 2:
		return (size_t)sprintf(buf, "k%u", (x >> 9) % 4);
	case 3:
		return (size_t)sprintf(buf, "%s",
				       (const char *[]){"1", "0", "", "yes"}
					       [(x >> 11) % 4]);
	default:
		return (size_t)sprintf(buf, "%s", (x >> 13) % 2 ? "1" : "0");
	}
}

typedef struct row {
	char v[NCOL][64];
	aud_field f[NCOL];
	aud_record rec;
} row;

static void make_row(row *r, unsigned i)
{
	size_t c;

	memset(&r->rec, 0, sizeof r->rec);
	for (c = 0; c < NCOL; c++) {
		size_t n = value(r->v[c], c, i);

		r->f[c].name = cols[c];
		r->f[c].name_len = 1;
		r->f[c].value = r->v[c];
		r->f[c].value_len = n;
		r->f[c].type = AUD_VAL_STRING;
		if (memchr(r->v[c], '\0', n))
			r->rec.flags |= AUD_REC_HAS_NUL;
	}
	r->rec.number = i + 1;
	r->rec.fields = r->f;
	r->rec.nfields = NCOL;
}

static const char *const groups[] = {"g", "h"};
static const char *const inter[] = {"g,h,k"};
static const char *const pos[] = {"1", "yes"};
static const char *const ppos[] = {"1"};

static aud_bias_opts opts(int intersect)
{
	aud_bias_opts o;

	memset(&o, 0, sizeof o);
	o.groups = groups;
	o.ngroups = 2;
	o.intersections = intersect ? inter : NULL;
	o.nintersections = intersect ? 1 : 0;
	o.outcome = "y";
	o.positive = pos;
	o.npositive = 2;
	o.prediction = "p";
	o.predicted_positive = ppos;
	o.npredicted_positive = 1;
	return o;
}

/* Every attribute and group of a and b equal, in the same order. */
static int same_groups(aud_groups *a, aud_groups *b)
{
	size_t at, i;

	if (aud_groups_attributes(a) != aud_groups_attributes(b))
		return 0;
	for (at = 0; at < aud_groups_attributes(a); at++) {
		if (aud_groups_count(a, at) != aud_groups_count(b, at))
			return 0;
		for (i = 0; i < aud_groups_count(a, at); i++) {
			const aud_group_counts *x = aud_groups_get(a, at, i);
			const aud_group_counts *y = aud_groups_get(b, at, i);

			if (strcmp(x->value, y->value) || x->n != y->n ||
			    x->n_outcome != y->n_outcome || x->pos != y->pos ||
			    x->n_pred != y->n_pred ||
			    x->pred_pos != y->pred_pos || x->tp != y->tp ||
			    x->fp != y->fp || x->tn != y->tn || x->fn != y->fn) {
				fprintf(stderr, "differ: %s '%s'\n",
					aud_groups_attribute(a, at), x->value);
				return 0;
			}
		}
	}
	return 1;
}

static const aud_group_counts *group(aud_groups *g, size_t at,
				     const char *v)
{
	size_t i;

	for (i = 0; i < aud_groups_count(g, at); i++)
		if (strcmp(aud_groups_get(g, at, i)->value, v) == 0)
			return aud_groups_get(g, at, i);
	return NULL;
}

/* The number of records in at's groups whose value starts with v. */
static uint64_t prefixed(aud_groups *g, size_t at, const char *v)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < aud_groups_count(g, at); i++)
		if (strncmp(aud_groups_get(g, at, i)->value, v, strlen(v)) ==
		    0)
			n += aud_groups_get(g, at, i)->n;
	return n;
}

/* Rows counted by token (the CSV path) and field by field agree, and
 * agree with counts made here. */
static void check_paths(int intersect)
{
	aud_bias_opts o = opts(intersect);
	aud_groups *tok, *plain, *merged;
	aud_err err;
	row r;
	unsigned i;
	uint64_t n1 = 0, n_long = 0, n_unknown = 0, pos_a = 0, n_a = 0;
	const aud_group_counts *gc;
	char tokbuf;

	CHECK_EQ_INT(aud_groups_new(&tok, &o, &err), 0);
	CHECK_EQ_INT(aud_groups_new(&plain, &o, &err), 0);
	CHECK_EQ_INT(aud_groups_new(&merged, &o, &err), 0);
	aud_groups_set_unique_names(tok, 1);
	aud_groups_set_unique_names(plain, 1);
	aud_groups_set_unique_names(merged, 1);
	for (i = 0; i < NROWS; i++) {
		make_row(&r, i);
		CHECK_EQ_INT(aud_groups_record_names(tok, &r.rec, &tokbuf),
			     0);
		CHECK_EQ_INT(aud_groups_record(plain, &r.rec), 0);
		n1 += r.f[0].value_len == 9 &&
		      memcmp(r.v[0], "abcdefgh1", 9) == 0;
		n_long += strcmp(r.v[0], "a key longer than the memo holds, "
					 "number 2") == 0;
		n_unknown += r.f[0].value_len == 0;
		if (strcmp(r.v[0], "A") == 0) {
			n_a++;
			pos_a += strcmp(r.v[3], "1") == 0 ||
				 strcmp(r.v[3], "yes") == 0;
		}
	}
	CHECK(same_groups(tok, plain));
	/* Counts by state are merged as counters. */
	CHECK_EQ_INT(aud_groups_merge(merged, tok), 0);
	CHECK(same_groups(merged, plain));
	CHECK_EQ_INT(aud_groups_count(plain, 0), AUD_GROUPS_MAX_VALUES + 1);
	CHECK((gc = group(tok, 0, "abcdefgh1")) && gc->n == n1);
	CHECK((gc = group(tok, 0, "a key longer than the memo holds, "
				  "number 2")) &&
	      gc->n == n_long);
	CHECK((gc = group(tok, 0, AUD_GROUP_UNKNOWN)) && gc->n == n_unknown);
	CHECK((gc = group(tok, 0, "A")) && gc->n == n_a && gc->pos == pos_a &&
	      gc->n_outcome <= n_a);
	/* A value with a NUL byte is the group of what comes before it. */
	CHECK(group(tok, 0, "nul") != NULL);
	CHECK(group(tok, 0, AUD_GROUP_OTHER) != NULL);
	if (intersect) {
		CHECK_EQ_INT(aud_groups_attributes(tok), 3);
		CHECK_STR(aud_groups_attribute(tok, 2), "g,h,k");
		/* Each record is in one group of the intersection, which
		 * splits the single column's groups. */
		CHECK_EQ_INT(prefixed(tok, 2, "A | "), n_a);
		CHECK(prefixed(tok, 2, "A | Female | k") > 0);
		CHECK(prefixed(tok, 2, "A | (unknown) | k") > 0);
		CHECK_EQ_INT(prefixed(tok, 2, "abcdefgh1 | "), n1);
	}
	/* After a reset the memo remembers nothing: the same rows count
	 * the same again. */
	aud_groups_reset(tok);
	aud_groups_reset(plain);
	for (i = 0; i < NROWS; i += 7) {
		make_row(&r, i);
		CHECK_EQ_INT(aud_groups_record_names(tok, &r.rec, &tokbuf),
			     0);
		CHECK_EQ_INT(aud_groups_record(plain, &r.rec), 0);
	}
	CHECK(same_groups(tok, plain));
	aud_groups_free(tok);
	aud_groups_free(plain);
	aud_groups_free(merged);
}

static void test_single_columns(void) { check_paths(0); }

static void test_intersection_of_three(void) { check_paths(1); }

int main(void)
{
	RUN(test_single_columns);
	RUN(test_intersection_of_three);
	return DONE();
}
