/*
 * profile.c: per-column facts for one input: the field-name classifier,
 * per-field value counters and the verdict. The classifier is a small table
 * of words; a field is "personal" when its name says so or when most of its
 * values are one entity, "contains_personal" when some values hold
 * findings, "quasi_identifier" when its name is a demographic attribute
 * that, combined with others, singles people out (Sweeney), else
 * "none_found" (nothing seen: not a proof of absence).
 *
 * Fields are found through an open-addressing hash table over the folded
 * name; the hot path (one call per field per record) copies at most 256
 * bytes and allocates nothing once the field is known.
 */
#include "auditor/profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_MAX 256
#define MAX_MARKERS 64 /* distinct marker texts per field */
#define MAX_ROW 256    /* fields of a record whose handles are kept */

struct fld {
	char *name;
	size_t namelen;
	uint64_t seen, non_empty, with_findings;
	aud_name_class cls;
	aud_profile_entity_count *ent;
	size_t nent, capent;
	aud_profile_marker_count *mk;
	size_t nmk, capmk;
};

struct aud_profile {
	struct fld *f;
	size_t n, cap;
	long *slot; /* hash table of indices into f, -1 empty */
	size_t nslot;
	aud_profile_field view;
	char key[KEY_MAX + 1];
	long last; /* the field of the previous call: records repeat their
		      fields in order, so the next one is tried first */
	const void *names; /* aud_profile_record's token, or NULL */
	long rowh[MAX_ROW]; /* ... and the fields of its names, in order */
	size_t rown;
	/* Records given with the token since the last fold(), and how many
	 * of them had field i empty: the fields' counters lag behind by
	 * these until catch_up() adds them. */
	uint64_t rows;
	uint64_t empty[MAX_ROW];
};

const char *aud_name_class_name(aud_name_class c)
{
	static const char *const names[] = {
		NULL,        "PERSON_NAME", "DATE_OF_BIRTH",
		"ADDRESS",   "EMAIL",       "PHONE",
		"NATIONAL_ID", "IP_ADDRESS", "CREDENTIAL",
		"FINANCIAL",   "QUASI_IDENTIFIER"};

	return (unsigned)c < sizeof names / sizeof *names ? names[c] : NULL;
}

/* ---- the name classifier --------------------------------------------- */

#define MAX_TOKENS 16
#define TOK_MAX 32

typedef struct tokens {
	char t[MAX_TOKENS][TOK_MAX];
	size_t n;
} tokens;

static int is_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* Splits s into lower-case tokens at non-alphanumerics and lower-to-upper
 * changes; trailing digits of a token are dropped (address2 -> address). */
static void tokenize(tokens *tk, const char *s, size_t len)
{
	size_t i, k = 0;
	char cur[TOK_MAX];

	tk->n = 0;
	for (i = 0; i <= len; i++) {
		unsigned char c = i < len ? (unsigned char)s[i] : 0;
		int split = !is_alnum(c) ||
			    (k && c >= 'A' && c <= 'Z' && i > 0 &&
			     s[i - 1] >= 'a' && s[i - 1] <= 'z');

		if (split && k) {
			while (k && cur[k - 1] >= '0' && cur[k - 1] <= '9')
				k--;
			if (k && tk->n < MAX_TOKENS) {
				memcpy(tk->t[tk->n], cur, k);
				tk->t[tk->n][k] = '\0';
				tk->n++;
			}
			k = 0;
		}
		if (is_alnum(c) && k < TOK_MAX - 1)
			cur[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
}

static int in(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(w, *list) == 0)
			return 1;
	return 0;
}

static int has(const tokens *tk, const char *const *list)
{
	size_t i;

	for (i = 0; i < tk->n; i++)
		if (in(tk->t[i], list))
			return 1;
	return 0;
}

/* Words that make "name" a person's name when they come before it, in the
 * same component (customer_name) or as the parent (customer.name). */
static const char *const person_words[] = {
	"first", "last", "full", "given", "family", "middle", "maiden",
	"display", "real", "legal", "birth", "nick", "user", "author",
	"person", "customer", "patient", "employee", "contact", "client",
	"member", "student", "applicant", "candidate", "owner", "holder",
	"driver", "sender", "recipient", "reviewer", "speaker", "participant",
	"buyer", "seller", "signer", "guardian", "parent", "spouse",
	"beneficiary", "account", "cardholder", "passenger", "guest",
	"visitor", "subscriber", "respondent", "defendant", "offender",
	"victim", "witness", "suspect", "inmate", "doctor", "physician",
	"nurse", "teacher", "manager", "agent", "worker", "staff", "people",
	"from", "to", "cc", "bcc", "mother", "father", "child", "kin", NULL};

static aud_name_class classify_tokens(const tokens *tk, const tokens *parent)
{
	static const char *const dob[] = {"dob", "birth", "birthdate",
					  "birthday", "born", "geburtsdatum",
					  "bday", NULL};
	static const char *const email[] = {"email", "emails", "emailaddress",
					    "mail", NULL};
	static const char *const phone[] = {"phone", "phones", "telephone",
					    "tel", "mobile", "cell",
					    "cellphone", "fax", "msisdn",
					    "phonenumber", NULL};
	static const char *const natid[] = {
		"ssn", "nino", "passport", "nhs", "aadhaar", "pesel", "bsn",
		"cpf", "nric", "tfn", "itin", "sin", "nir", "dni", "nie",
		"hetu", "personnummer", "steuerid", "idnr", "rrn", NULL};
	static const char *const ip[] = {"ip", "ipaddress", "ipv4", "ipv6",
					 "ipaddr", NULL};
	static const char *const addr[] = {
		"address", "addr", "street", "city", "zip", "zipcode",
		"postcode", "postal", "postalcode", "town", "streetaddress",
		"housenumber", "residence", "geolocation", "latitude",
		"longitude", "lat", "lon", "lng", "gps", NULL};
	static const char *const cred[] = {
		"password", "passwd", "pwd", "secret", "token", "apikey",
		"credential", "credentials", "passphrase", "privatekey", NULL};
	static const char *const namew[] = {
		"firstname", "lastname", "surname", "forename", "fullname",
		"givenname", "familyname", "middlename", "maidenname",
		"nickname", "username", "fname", "lname", NULL};
	static const char *const alone[] = {"first", "last", "surname",
					    "name", "names", NULL};
	static const char *const quasi[] = {
		"sex", "gender", "age", "race", "ethnicity", "ethnic",
		"religion", "nationality", "marital", "citizenship",
		"native", "disability", "pregnancy", "orientation", NULL};
	size_t i;

	if (tk->n == 0)
		return AUD_NAME_NONE;
	if (has(tk, email))
		return AUD_NAME_EMAIL;
	if (has(tk, ip) ||
	    (tk->n >= 2 && strcmp(tk->t[tk->n - 1], "addr") == 0 &&
	     strcmp(tk->t[tk->n - 2], "remote") == 0))
		return AUD_NAME_IP_ADDRESS;
	if (has(tk, dob) || (tk->n >= 3 && has(tk, (const char *const[]){
							  "date", NULL}) &&
			     has(tk, (const char *const[]){"birth", NULL})))
		return AUD_NAME_DATE_OF_BIRTH;
	if (has(tk, phone))
		return AUD_NAME_PHONE;
	if (has(tk, natid))
		return AUD_NAME_NATIONAL_ID;
	for (i = 0; i + 1 < tk->n; i++) {
		const char *a = tk->t[i], *b = tk->t[i + 1];

		if ((strcmp(a, "social") == 0 && strcmp(b, "security") == 0) ||
		    ((strcmp(a, "tax") == 0 || strcmp(a, "national") == 0) &&
		     (strcmp(b, "id") == 0 || strcmp(b, "number") == 0)))
			return AUD_NAME_NATIONAL_ID;
		if ((strcmp(a, "api") == 0 || strcmp(a, "private") == 0 ||
		     strcmp(a, "access") == 0 || strcmp(a, "secret") == 0) &&
		    strcmp(b, "key") == 0)
			return AUD_NAME_CREDENTIAL;
	}
	if (has(tk, cred))
		return AUD_NAME_CREDENTIAL;
	if (has(tk, (const char *const[]){"iban", "creditcard", "cardnumber",
					   "ccnumber", "ccnum", NULL}))
		return AUD_NAME_FINANCIAL;
	for (i = 0; i + 1 < tk->n; i++)
		if (((strcmp(tk->t[i], "card") == 0 ||
		      strcmp(tk->t[i], "account") == 0) &&
		     (strcmp(tk->t[i + 1], "number") == 0 ||
		      strcmp(tk->t[i + 1], "no") == 0 ||
		      strcmp(tk->t[i + 1], "num") == 0)) ||
		    (strcmp(tk->t[i], "bank") == 0 &&
		     strcmp(tk->t[i + 1], "account") == 0) ||
		    (strcmp(tk->t[i], "credit") == 0 &&
		     strcmp(tk->t[i + 1], "card") == 0))
			return AUD_NAME_FINANCIAL;
	if (has(tk, namew))
		return AUD_NAME_PERSON_NAME;
	if (tk->n == 1 && in(tk->t[0], alone)) {
		/* "name" alone: a person unless the parent says otherwise
		 * (product.name); top-level "name" counts as a person's. */
		if (strcmp(tk->t[0], "name") != 0 &&
		    strcmp(tk->t[0], "names") != 0)
			return AUD_NAME_PERSON_NAME;
		if (!parent || parent->n == 0 ||
		    in(parent->t[parent->n - 1], person_words))
			return AUD_NAME_PERSON_NAME;
		return AUD_NAME_NONE;
	}
	for (i = 0; i + 1 < tk->n; i++)
		if (strcmp(tk->t[i + 1], "name") == 0 &&
		    in(tk->t[i], person_words))
			return AUD_NAME_PERSON_NAME;
	if (has(tk, addr) && !has(tk, (const char *const[]){"mac", "ether",
							     "hw", NULL}))
		return AUD_NAME_ADDRESS;
	if (has(tk, quasi))
		return AUD_NAME_QUASI_IDENTIFIER;
	return AUD_NAME_NONE;
}

aud_name_class aud_profile_classify(const char *name, size_t len)
{
	tokens last, parent;
	size_t i, start = 0, pstart = 0, pend = 0;

	/* Last path component, and the one before it (array indices are not
	 * components: messages[2].content's parent is messages). */
	for (i = 0; i < len; i++)
		if (name[i] == '.') {
			pstart = start;
			pend = i;
			start = i + 1;
		}
	tokenize(&last, name + start, len - start);
	if (pend > pstart) {
		tokenize(&parent, name + pstart, pend - pstart);
		return classify_tokens(&last, &parent);
	}
	return classify_tokens(&last, NULL);
}

/* ---- the per-field table --------------------------------------------- */

int aud_profile_new(aud_profile **out, aud_err *err)
{
	aud_profile *p = calloc(1, sizeof *p);

	*out = NULL;
	if (!p)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	p->last = -1;
	*out = p;
	return AUD_OK;
}

static void fld_free(struct fld *f)
{
	size_t i;

	free(f->name);
	free(f->ent);
	for (i = 0; i < f->nmk; i++)
		free((char *)f->mk[i].text);
	free(f->mk);
}

/* Adds the records counted by token to their fields' counters. */
static void catch_up(aud_profile *p)
{
	size_t i;

	if (!p->rows)
		return;
	for (i = 0; i < p->rown; i++) {
		struct fld *f = &p->f[p->rowh[i]];

		f->seen += p->rows;
		f->non_empty += p->rows - p->empty[i];
		p->empty[i] = 0;
	}
	p->rows = 0;
}

void aud_profile_reset(aud_profile *p)
{
	size_t i;

	p->rows = 0;
	for (i = 0; i < p->rown; i++)
		p->empty[i] = 0;
	for (i = 0; i < p->n; i++)
		fld_free(&p->f[i]);
	p->n = 0;
	p->last = -1;
	p->names = NULL;
	for (i = 0; i < p->nslot; i++)
		p->slot[i] = -1;
}

void aud_profile_free(aud_profile *p)
{
	if (!p)
		return;
	aud_profile_reset(p);
	free(p->f);
	free(p->slot);
	free(p);
}

/* Folds JSON array indices ([12] -> []) into p->key. Returns the length.
 * A name without '[' (every CSV column) is copied as it is. */
static size_t fold(aud_profile *p, const char *s, size_t len)
{
	size_t i, k = 0;

	if (!memchr(s, '[', len)) {
		k = len < KEY_MAX ? len : KEY_MAX;
		memcpy(p->key, s, k);
		p->key[k] = '\0';
		return k;
	}
	for (i = 0; i < len && k < KEY_MAX; i++) {
		p->key[k++] = s[i];
		if (s[i] == '[')
			while (i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9')
				i++;
	}
	p->key[k] = '\0';
	return k;
}

static int grow_slots(aud_profile *p)
{
	size_t ns = p->nslot ? p->nslot * 2 : 64, i;
	long *sl = malloc(ns * sizeof *sl);

	if (!sl)
		return -1;
	for (i = 0; i < ns; i++)
		sl[i] = -1;
	for (i = 0; i < p->n; i++) {
		size_t h =
			aud_fnv1a(p->f[i].name, p->f[i].namelen) & (ns - 1);

		while (sl[h] >= 0)
			h = (h + 1) & (ns - 1);
		sl[h] = (long)i;
	}
	free(p->slot);
	p->slot = sl;
	p->nslot = ns;
	return 0;
}

static long lookup(aud_profile *p, const char *key, size_t klen,
		   const char *orig, size_t olen)
{
	size_t h;
	struct fld *f;

	if (p->n * 2 >= p->nslot && grow_slots(p))
		return -1;
	h = aud_fnv1a(key, klen) & (p->nslot - 1);
	while (p->slot[h] >= 0) {
		f = &p->f[p->slot[h]];
		if (f->namelen == klen && memcmp(f->name, key, klen) == 0)
			return p->slot[h];
		h = (h + 1) & (p->nslot - 1);
	}
	if (p->n >= AUD_PROFILE_MAX_FIELDS && strcmp(key, AUD_PROFILE_OTHER))
		return lookup(p, AUD_PROFILE_OTHER, strlen(AUD_PROFILE_OTHER),
			      NULL, 0);
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 32;
		struct fld *nf = realloc(p->f, nc * sizeof *nf);

		if (!nf)
			return -1;
		p->f = nf;
		p->cap = nc;
	}
	f = &p->f[p->n];
	memset(f, 0, sizeof *f);
	f->name = malloc(klen + 1);
	if (!f->name)
		return -1;
	memcpy(f->name, key, klen);
	f->name[klen] = '\0';
	f->namelen = klen;
	f->cls = orig ? aud_profile_classify(orig, olen) : AUD_NAME_NONE;
	p->slot[h] = (long)p->n;
	return (long)p->n++;
}


/* aud_profile_value when the name is not the next field's: folded and
 * looked up. Kept out of line so that the usual case stays small. */
static long __attribute__((noinline))
other_field(aud_profile *p, long h, const char *name, size_t len)
{
	size_t klen = fold(p, name, len);

	if (h >= (long)p->n || p->f[h].namelen != klen ||
	    memcmp(p->f[h].name, p->key, klen) != 0)
		h = lookup(p, p->key, klen, p->key, klen);
	return h;
}

/* aud_profile_value, inlined in the loop of aud_profile_record. */
static inline long value(aud_profile *p, const char *name, size_t len,
			 size_t value_len)
{
	long h = p->last + 1;

	if (h < 0 || (size_t)h >= p->n)
		h = 0;
	/* A name equal to the next field's folded name folds to itself (a
	 * folded name has no digit after a '[' and at most KEY_MAX bytes),
	 * so the usual case, a record repeating its fields in order, needs
	 * no folding. */
	if (h >= (long)p->n || p->f[h].namelen != len ||
	    !aud_same(p->f[h].name, name, len))
		h = other_field(p, h, name, len);
	p->last = h;
	if (h < 0)
		return -1;
	p->f[h].seen++;
	if (value_len)
		p->f[h].non_empty++;
	return h;
}

long aud_profile_value(aud_profile *p, const char *name, size_t len,
		       size_t value_len)
{
	return value(p, name, len, value_len);
}

/* aud_profile_record when names is not the token of the last record:
 * each field looked up. Kept out of line so that the usual case, a CSV
 * row counted by token, stays small. */
static int __attribute__((noinline))
record_fields(aud_profile *p, const aud_field *f, size_t n, const void *names)
{
	size_t i;
	long h;

	catch_up(p);
	p->names = NULL;
	for (i = 0; i < n; i++) {
		if ((h = value(p, f[i].name, f[i].name_len, f[i].value_len)) < 0)
			return -1;
		if (i < MAX_ROW)
			p->rowh[i] = h;
	}
	if (names && n <= MAX_ROW) {
		p->names = names;
		p->rown = n;
	}
	return 0;
}

int aud_profile_record(aud_profile *p, const aud_field *f, size_t n,
		       const void *names)
{
	size_t i;

	if (!names || names != p->names || n != p->rown)
		return record_fields(p, f, n, names);
	p->rows++;
	for (i = 0; i < n; i++)
		p->empty[i] += !f[i].value_len;
	if (n)
		p->last = p->rowh[n - 1];
	return 0;
}

void aud_profile_value_found(aud_profile *p, long h)
{
	if (h >= 0 && (size_t)h < p->n)
		p->f[h].with_findings++;
}

static int add_entity(aud_profile *p, long h, const char *entity,
		      uint64_t n)
{
	struct fld *f;
	size_t i;

	if (h < 0 || (size_t)h >= p->n)
		return -1;
	f = &p->f[h];
	for (i = 0; i < f->nent; i++)
		if (f->ent[i].entity == entity ||
		    strcmp(f->ent[i].entity, entity) == 0) {
			f->ent[i].values += n;
			return 0;
		}
	if (f->nent == f->capent) {
		size_t nc = f->capent ? f->capent * 2 : 4;
		aud_profile_entity_count *ne =
			realloc(f->ent, nc * sizeof *ne);

		if (!ne)
			return -1;
		f->ent = ne;
		f->capent = nc;
	}
	f->ent[f->nent].entity = entity;
	f->ent[f->nent].values = n;
	f->nent++;
	return 0;
}

int aud_profile_entity(aud_profile *p, long h, const char *entity)
{
	return add_entity(p, h, entity, 1);
}

static int add_marker(aud_profile *p, long h, const char *text, size_t len,
		      uint64_t n)
{
	struct fld *f;
	size_t i;
	char *t;

	if (h < 0 || (size_t)h >= p->n)
		return -1;
	f = &p->f[h];
	if (len > 64)
		len = 64;
	for (i = 0; i < f->nmk; i++)
		if (strlen(f->mk[i].text) == len &&
		    memcmp(f->mk[i].text, text, len) == 0) {
			f->mk[i].count += n;
			return 0;
		}
	if (f->nmk >= MAX_MARKERS)
		return 0; /* bounded: further distinct texts are not kept */
	if (f->nmk == f->capmk) {
		size_t nc = f->capmk ? f->capmk * 2 : 4;
		aud_profile_marker_count *nm = realloc(f->mk, nc * sizeof *nm);

		if (!nm)
			return -1;
		f->mk = nm;
		f->capmk = nc;
	}
	t = malloc(len + 1);
	if (!t)
		return -1;
	memcpy(t, text, len);
	t[len] = '\0';
	f->mk[f->nmk].text = t;
	f->mk[f->nmk].count = n;
	f->nmk++;
	return 0;
}

int aud_profile_marker(aud_profile *p, long h, const char *text, size_t len)
{
	return add_marker(p, h, text, len, 1);
}

int aud_profile_merge(aud_profile *dst, const aud_profile *src)
{
	size_t i, j;

	for (i = 0; i < src->n; i++) {
		const struct fld *sf = &src->f[i];
		size_t klen = strlen(sf->name);
		long h = lookup(dst, sf->name, klen, sf->name, klen);
		struct fld *df;

		if (h < 0)
			return AUD_ENOMEM;
		df = &dst->f[h];
		df->seen += sf->seen;
		df->non_empty += sf->non_empty;
		df->with_findings += sf->with_findings;
		for (j = 0; j < sf->nent; j++)
			if (add_entity(dst, h, sf->ent[j].entity,
				       sf->ent[j].values))
				return AUD_ENOMEM;
		for (j = 0; j < sf->nmk; j++)
			if (add_marker(dst, h, sf->mk[j].text,
				       strlen(sf->mk[j].text), sf->mk[j].count))
				return AUD_ENOMEM;
	}
	/* What src counted by token and has not folded: its fields are in
	 * dst by now, so this finds them and adds none. */
	for (i = 0; i < src->rown && src->rows; i++) {
		const struct fld *sf = &src->f[src->rowh[i]];
		size_t klen = strlen(sf->name);
		long h = lookup(dst, sf->name, klen, sf->name, klen);

		if (h < 0)
			return AUD_ENOMEM;
		dst->f[h].seen += src->rows;
		dst->f[h].non_empty += src->rows - src->empty[i];
	}
	return AUD_OK;
}

size_t aud_profile_count(const aud_profile *p)
{
	return p->n;
}

const aud_profile_field *aud_profile_get(aud_profile *p, size_t i)
{
	aud_profile_field *v = &p->view;
	struct fld *f;
	size_t j;

	if (i >= p->n)
		return NULL;
	catch_up(p);
	f = &p->f[i];
	memset(v, 0, sizeof *v);
	v->name = f->name;
	v->values_seen = f->seen;
	v->values_non_empty = f->non_empty;
	v->values_with_findings = f->with_findings;
	v->name_class = f->cls;
	v->entities = f->ent;
	v->nentities = f->nent;
	v->markers = f->mk;
	v->nmarkers = f->nmk;
	for (j = 0; j < f->nent; j++)
		if (f->ent[j].values > v->top_entity_values ||
		    (f->ent[j].values == v->top_entity_values &&
		     v->top_entity &&
		     strcmp(f->ent[j].entity, v->top_entity) < 0)) {
			v->top_entity = f->ent[j].entity;
			v->top_entity_values = f->ent[j].values;
		}
	if (f->cls != AUD_NAME_NONE && f->cls != AUD_NAME_QUASI_IDENTIFIER) {
		v->verdict = "personal";
		snprintf(v->reason, sizeof v->reason, "the name says %s",
			 aud_name_class_name(f->cls));
	} else if (v->top_entity && v->top_entity_values * 2 >= f->non_empty) {
		v->verdict = "personal";
		snprintf(v->reason, sizeof v->reason,
			 "%llu of %llu values are %s",
			 (unsigned long long)v->top_entity_values,
			 (unsigned long long)f->non_empty, v->top_entity);
	} else if (f->with_findings) {
		v->verdict = "contains_personal";
		snprintf(v->reason, sizeof v->reason,
			 "%llu of %llu values hold findings (most: %s)",
			 (unsigned long long)f->with_findings,
			 (unsigned long long)f->non_empty,
			 v->top_entity ? v->top_entity : "?");
	} else if (f->cls == AUD_NAME_QUASI_IDENTIFIER) {
		v->verdict = "quasi_identifier";
		snprintf(v->reason, sizeof v->reason,
			 "the name says a demographic attribute");
	} else {
		v->verdict = "none_found";
		v->reason[0] = '\0';
	}
	return v;
}
