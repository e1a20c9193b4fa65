/*
 * kanon.c: equivalence classes over the quasi-identifier columns, for
 * k-anonymity and l-diversity (kanon.h). Each record's quasi-identifier
 * values are encoded into one key (per column a tag byte, then for a
 * present value its 4-byte length and bytes, so no two tuples share a
 * key) and counted in an open-addressing hash table whose entries point
 * into one byte arena. With a sensitive column, a second table holds the
 * distinct (class, sensitive value) pairs with their records, chained per
 * class, and each class counts its pairs: that count is its l.
 *
 * Memory is bounded by a budget over every allocation of the tables (and
 * the sort array a spill needs). When an insert would grow them past it,
 * every class and pair in memory is written to a private temporary SQLite
 * database (a file SQLite deletes itself, in SQLITE_TMPDIR or TMPDIR) as
 * rows (class, sensitive value, records) of 128-bit keyed hashes, in hash
 * order, counts added with INSERT ... ON CONFLICT DO UPDATE. The tables
 * are then emptied, their allocations kept, and filling goes on. The
 * final figures come from SQL over the spill after
 * the rest of memory joins it; without a spill, from memory directly.
 * Both give the same numbers, since a class split between memory and
 * disk, or between two accumulators, meets itself again under its hash.
 *
 * Raw values live only in memory. What reaches the disk is HMAC-SHA-256
 * under a subkey derived from the run's hash key, so a quasi-identifier
 * tuple (few enough to enumerate) cannot be read back from the spill.
 * Computing the statistics from them and storing them is the caller's.
 */
#include "auditor/kanon.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
#define HLEN 16 /* bytes of the keyed hash kept: collisions need ~2^64 */
#define MAX_ENTRIES (UINT32_MAX - 1u)
#define SPILL_CACHE_KIB 2048 /* the spill database's page cache */
#define SUBKEY_LABEL "auditor k-anonymity v1"

struct cls {
	uint64_t h;      /* fast hash of the key */
	uint64_t n;      /* records */
	uint64_t l;      /* distinct sensitive values (pairs) in memory */
	size_t key;      /* offset of the key in the arena */
	uint32_t keylen;
	uint32_t first; /* first pair of the class, NONE */
};

struct pair {
	uint64_t vh; /* fast hash of the sensitive value */
	uint64_t n;  /* records of the class with this value */
	size_t val;  /* offset in the arena */
	uint32_t vallen;
	uint32_t cls;
	uint32_t next; /* next pair of the same class, NONE */
};

/* A class's keyed hash while it is being spilled: the rows go to disk in
 * hash order, so each spill walks the on-disk B-tree once instead of
 * jumping about it for every row. */
struct ord {
	unsigned char h[HLEN];
	uint32_t i;
};

struct aud_kanon {
	char *col[AUD_KANON_MAX_COLUMNS + 1]; /* quasi-ids, then sensitive */
	size_t collen[AUD_KANON_MAX_COLUMNS + 1];
	size_t ncol, nqi;
	int has_sens;
	char *columns; /* quasi-ids joined with "," */
	uint64_t k, budget;
	unsigned char subkey[32];
	EVP_MAC_CTX *mac;

	/* This record's values (borrowed) and the columns seen. */
	const char *val[AUD_KANON_MAX_COLUMNS + 1];
	size_t vlen[AUD_KANON_MAX_COLUMNS + 1];
	unsigned char present[AUD_KANON_MAX_COLUMNS + 1];
	unsigned char seen[AUD_KANON_MAX_COLUMNS + 1];
	char *kb; /* this record's key, then its sensitive value */
	size_t kbcap;

	/* The in-memory table. */
	struct cls *c;
	size_t nc, ccap;
	uint32_t *cslot;
	size_t ncslot;
	struct pair *p;
	size_t np, pcap;
	uint32_t *pslot;
	size_t npslot;
	char *a; /* arena of keys and values */
	size_t alen, acap;
	uint64_t records;

	/* The spill. */
	sqlite3 *db;
	sqlite3_stmt *ins;
	uint64_t spills;
};

/* ---- hashing --------------------------------------------------------- */

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = aud_fnv1a(s, n);

	return h ^ (h >> 29);
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

/* Slot hash of a pair: its class and its value. */
static uint64_t pair_hash(uint32_t cls, uint64_t vh)
{
	return mix(vh + 0x9E3779B97F4A7C15ull * ((uint64_t)cls + 1));
}

/* HMAC-SHA-256(subkey, tag || s), cut to HLEN bytes. */
static int keyed(aud_kanon *k, char tag, const char *s, size_t n,
		 unsigned char out[HLEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	size_t len = 0;

	if (EVP_MAC_init(k->mac, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(k->mac, (const unsigned char *)&tag, 1) != 1 ||
	    EVP_MAC_update(k->mac, (const unsigned char *)s, n) != 1 ||
	    EVP_MAC_final(k->mac, md, &len, sizeof md) != 1 || len < HLEN)
		return -1;
	memcpy(out, md, HLEN);
	return 0;
}

static int mac_init(aud_kanon *k, aud_err *err)
{
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	OSSL_PARAM par[2];

	if (m)
		k->mac = EVP_MAC_CTX_new(m);
	EVP_MAC_free(m); /* the context keeps its own reference */
	par[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						  (char *)"SHA256", 0);
	par[1] = OSSL_PARAM_construct_end();
	if (!k->mac || EVP_MAC_init(k->mac, k->subkey, sizeof k->subkey,
				    par) != 1)
		return aud_err_set(err, AUD_ENOMEM,
				   "cannot set up HMAC-SHA-256 (OpenSSL)");
	return AUD_OK;
}

/* ---- the in-memory table --------------------------------------------- */

static uint64_t mem_of(size_t ccap, size_t ncslot, size_t pcap,
		       size_t npslot, size_t acap)
{
	return (uint64_t)ccap * sizeof(struct cls) +
	       (uint64_t)ncslot * sizeof(uint32_t) +
	       (uint64_t)pcap * sizeof(struct pair) +
	       (uint64_t)npslot * sizeof(uint32_t) + acap;
}

uint64_t aud_kanon_memory(const aud_kanon *k)
{
	return mem_of(k->ccap, k->ncslot, k->pcap, k->npslot, k->acap);
}

/* New capacities for adding nc classes, np pairs and bytes of arena. */
static size_t cap_for(size_t have, size_t need, size_t min)
{
	size_t c = have ? have : min;

	while (c < need)
		c *= 2;
	return c;
}

/* What the table would hold after growing for nc more classes, np more
 * pairs and bytes more of arena, with the sort array a spill then needs
 * (twice: glibc's qsort sorts through a copy). */
static uint64_t mem_after(const aud_kanon *k, size_t nc, size_t np,
			  size_t bytes)
{
	return 2 * (uint64_t)(k->nc + nc) * sizeof(struct ord) +
	       mem_of(cap_for(k->ccap, k->nc + nc, 16),
		      cap_for(k->ncslot, 2 * (k->nc + nc), 32),
		      np ? cap_for(k->pcap, k->np + np, 16) : k->pcap,
		      np ? cap_for(k->npslot, 2 * (k->np + np), 32)
			 : k->npslot,
		      cap_for(k->acap, k->alen + bytes, 256));
}

static void slots_clear(uint32_t *s, size_t n)
{
	memset(s, 0xff, n * sizeof *s); /* NONE */
}

static int rehash_classes(aud_kanon *k, size_t n)
{
	uint32_t *s = malloc(n * sizeof *s);
	size_t i, j;

	if (!s)
		return -1;
	slots_clear(s, n);
	for (i = 0; i < k->nc; i++) {
		for (j = k->c[i].h & (n - 1); s[j] != NONE; j = (j + 1) & (n - 1))
			;
		s[j] = (uint32_t)i;
	}
	free(k->cslot);
	k->cslot = s;
	k->ncslot = n;
	return 0;
}

static int rehash_pairs(aud_kanon *k, size_t n)
{
	uint32_t *s = malloc(n * sizeof *s);
	size_t i, j;

	if (!s)
		return -1;
	slots_clear(s, n);
	for (i = 0; i < k->np; i++) {
		j = pair_hash(k->p[i].cls, k->p[i].vh) & (n - 1);
		while (s[j] != NONE)
			j = (j + 1) & (n - 1);
		s[j] = (uint32_t)i;
	}
	free(k->pslot);
	k->pslot = s;
	k->npslot = n;
	return 0;
}

/* Grows the table for nc more classes, np more pairs, bytes of arena. */
static int grow(aud_kanon *k, size_t nc, size_t np, size_t bytes)
{
	size_t c;

	if ((c = cap_for(k->ccap, k->nc + nc, 16)) != k->ccap) {
		struct cls *x = realloc(k->c, c * sizeof *x);

		if (!x)
			return -1;
		k->c = x;
		k->ccap = c;
	}
	if ((c = cap_for(k->ncslot, 2 * (k->nc + nc), 32)) != k->ncslot &&
	    rehash_classes(k, c))
		return -1;
	if (np && (c = cap_for(k->pcap, k->np + np, 16)) != k->pcap) {
		struct pair *x = realloc(k->p, c * sizeof *x);

		if (!x)
			return -1;
		k->p = x;
		k->pcap = c;
	}
	if (np && (c = cap_for(k->npslot, 2 * (k->np + np), 32)) != k->npslot &&
	    rehash_pairs(k, c))
		return -1;
	if ((c = cap_for(k->acap, k->alen + bytes, 256)) != k->acap) {
		char *x = realloc(k->a, c);

		if (!x)
			return -1;
		k->a = x;
		k->acap = c;
	}
	return 0;
}

/* The slot holding key, or the empty slot where it would go. */
static size_t find_class(const aud_kanon *k, const char *key, size_t len,
			 uint64_t h)
{
	size_t m = k->ncslot - 1, i = h & m;
	uint32_t x;

	while ((x = k->cslot[i]) != NONE) {
		const struct cls *c = &k->c[x];

		if (c->h == h && c->keylen == len &&
		    memcmp(k->a + c->key, key, len) == 0)
			break;
		i = (i + 1) & m;
	}
	return i;
}

static size_t find_pair(const aud_kanon *k, uint32_t cls, const char *v,
			size_t len, uint64_t vh)
{
	size_t m = k->npslot - 1, i = pair_hash(cls, vh) & m;
	uint32_t x;

	while ((x = k->pslot[i]) != NONE) {
		const struct pair *p = &k->p[x];

		if (p->cls == cls && p->vh == vh && p->vallen == len &&
		    memcmp(k->a + p->val, v, len) == 0)
			break;
		i = (i + 1) & m;
	}
	return i;
}

/* Empties the table, keeping its allocations. */
static void clear_memory(aud_kanon *k)
{
	k->nc = k->np = k->alen = 0;
	if (k->cslot)
		slots_clear(k->cslot, k->ncslot);
	if (k->pslot)
		slots_clear(k->pslot, k->npslot);
}

/* ---- the spill ------------------------------------------------------- */

static int db_fail(aud_kanon *k, aud_err *err, const char *doing)
{
	return aud_err_set(err, AUD_ESTORE,
			   "re-identification risk: %s in the temporary "
			   "database: %s",
			   doing, k->db ? sqlite3_errmsg(k->db) : "no memory");
}

static void db_close(aud_kanon *k)
{
	sqlite3_finalize(k->ins);
	sqlite3_close(k->db);
	k->ins = NULL;
	k->db = NULL;
}

static int db_open(aud_kanon *k, aud_err *err)
{
	char sql[64];

	if (k->db)
		return AUD_OK;
	/* "": a private database in a temporary file that SQLite removes
	 * itself, whatever happens to this process. */
	if (sqlite3_open_v2("", &k->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK) {
		db_fail(k, err, "cannot open");
		db_close(k);
		return AUD_ESTORE;
	}
	snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", SPILL_CACHE_KIB);
	if (sqlite3_exec(k->db,
			 "PRAGMA journal_mode = OFF;"
			 "PRAGMA synchronous = OFF;"
			 "PRAGMA temp_store = FILE;"
			 "CREATE TABLE p (h BLOB NOT NULL, v BLOB NOT NULL,"
			 " n INTEGER NOT NULL, PRIMARY KEY (h, v))"
			 " WITHOUT ROWID;",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(k->db, sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(k->db,
			       "INSERT INTO p (h, v, n) VALUES (?1, ?2, ?3) "
			       "ON CONFLICT (h, v) DO UPDATE SET n = n + "
			       "excluded.n",
			       -1, &k->ins, NULL) != SQLITE_OK) {
		db_fail(k, err, "cannot set up");
		db_close(k);
		return AUD_ESTORE;
	}
	return AUD_OK;
}

/* Adds n records to the row (class h, sensitive value v); without a
 * sensitive column v is empty (vlen 0) and the row is the class. */
static int put(aud_kanon *k, const void *h, const void *v, int vlen,
	       sqlite3_int64 n)
{
	int rc;

	sqlite3_bind_blob(k->ins, 1, h, HLEN, SQLITE_STATIC);
	sqlite3_bind_blob(k->ins, 2, vlen ? v : "", vlen, SQLITE_STATIC);
	sqlite3_bind_int64(k->ins, 3, n);
	rc = sqlite3_step(k->ins);
	sqlite3_reset(k->ins);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int cmp_ord(const void *a, const void *b)
{
	return memcmp(a, b, HLEN);
}

/* Moves every class and pair in memory to the spill database: one row per
 * (class, sensitive value), or per class without a sensitive column,
 * holding its records; the class's size is the sum over its rows and its
 * l the number of them. */
static int spill(aud_kanon *k, aud_err *err)
{
	/* Sensitive columns have few values: their hashes are kept for the
	 * pairs that follow (slot by fast hash, checked byte for byte). */
	struct {
		uint32_t p;
		unsigned char h[HLEN];
	} vc[64];
	struct ord *o;
	size_t i;
	uint32_t j;
	int rc;

	if ((rc = db_open(k, err)))
		return rc;
	/* Counted in the budget (mem_after). */
	if (!(o = malloc((k->nc ? k->nc : 1) * sizeof *o)))
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	for (i = 0; i < k->nc; i++) {
		o[i].i = (uint32_t)i;
		if (keyed(k, 'C', k->a + k->c[i].key, k->c[i].keylen, o[i].h))
			goto mac_failed;
	}
	qsort(o, k->nc, sizeof *o, cmp_ord);
	for (i = 0; i < 64; i++)
		vc[i].p = NONE;
	if (sqlite3_exec(k->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		free(o);
		return db_fail(k, err, "cannot write");
	}
	for (i = 0; i < k->nc; i++) {
		const struct cls *c = &k->c[o[i].i];

		if (!k->has_sens &&
		    put(k, o[i].h, NULL, 0, (sqlite3_int64)c->n))
			goto failed;
		for (j = c->first; j != NONE; j = k->p[j].next) {
			const struct pair *p = &k->p[j], *q;
			size_t v = p->vh & 63;

			q = vc[v].p == NONE ? NULL : &k->p[vc[v].p];
			if (!q || q->vallen != p->vallen ||
			    memcmp(k->a + q->val, k->a + p->val, p->vallen)) {
				if (keyed(k, 'V', k->a + p->val, p->vallen,
					  vc[v].h))
					goto mac_failed;
				vc[v].p = j;
			}
			if (put(k, o[i].h, vc[v].h, HLEN, (sqlite3_int64)p->n))
				goto failed;
		}
	}
	free(o);
	if (sqlite3_exec(k->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = db_fail(k, err, "cannot write");
		sqlite3_exec(k->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	clear_memory(k);
	k->spills++;
	return AUD_OK;
mac_failed:
	free(o);
	if (!sqlite3_get_autocommit(k->db))
		sqlite3_exec(k->db, "ROLLBACK", NULL, NULL, NULL);
	return aud_err_set(err, AUD_ENOMEM, "HMAC-SHA-256 failed (OpenSSL)");
failed:
	free(o);
	rc = db_fail(k, err, "cannot write");
	sqlite3_exec(k->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* ---- adding ---------------------------------------------------------- */

/*
 * Adds n records to the class of key and, when val is given, the pair
 * (class, val). When the growth this needs would pass the budget, what is
 * in memory is spilled first (unless the table is empty: a class larger
 * than the whole budget still goes in, alone).
 */
static int add(aud_kanon *k, const char *key, size_t klen, uint64_t h,
	       uint64_t n, const char *val, size_t vlen, uint64_t vh,
	       aud_err *err)
{
	size_t cs, ps = 0;
	uint32_t ci = NONE;
	int cnew, pnew = 0, rc;

	if (klen > UINT32_MAX || vlen > UINT32_MAX)
		return aud_err_set(err, AUD_ELIMIT,
				   "quasi-identifier values over 4 GiB");
	for (;;) {
		cs = find_class(k, key, klen, h);
		cnew = k->cslot[cs] == NONE;
		if (!cnew)
			ci = k->cslot[cs];
		if (val) {
			pnew = 1;
			if (!cnew) {
				ps = find_pair(k, ci, val, vlen, vh);
				pnew = k->pslot[ps] == NONE;
			}
		}
		if (!cnew && !pnew)
			break;
		if (k->nc > 0 &&
		    (mem_after(k, (size_t)cnew, (size_t)pnew,
			       (cnew ? klen : 0) + (pnew ? vlen : 0)) >
			     k->budget ||
		     k->nc + (size_t)cnew > MAX_ENTRIES ||
		     k->np + (size_t)pnew > MAX_ENTRIES)) {
			if ((rc = spill(k, err)))
				return rc;
			continue; /* the table is empty now */
		}
		if (grow(k, (size_t)cnew, (size_t)pnew,
			 (cnew ? klen : 0) + (pnew ? vlen : 0)))
			return aud_err_set(err, AUD_ENOMEM, "out of memory");
		break;
	}
	if (cnew) {
		struct cls *c;

		cs = find_class(k, key, klen, h); /* slots may have moved */
		ci = (uint32_t)k->nc++;
		c = &k->c[ci];
		c->h = h;
		c->n = 0;
		c->l = 0;
		c->key = k->alen;
		c->keylen = (uint32_t)klen;
		c->first = NONE;
		memcpy(k->a + k->alen, key, klen);
		k->alen += klen;
		k->cslot[cs] = ci;
	}
	k->c[ci].n += n;
	if (val && !pnew) {
		k->p[k->pslot[ps]].n += n;
	} else if (val) {
		struct pair *p;
		uint32_t pi = (uint32_t)k->np++;

		ps = find_pair(k, ci, val, vlen, vh);
		p = &k->p[pi];
		p->vh = vh;
		p->n = n;
		p->val = k->alen;
		p->vallen = (uint32_t)vlen;
		p->cls = ci;
		p->next = k->c[ci].first;
		memcpy(k->a + k->alen, val, vlen);
		k->alen += vlen;
		k->pslot[ps] = pi;
		k->c[ci].first = pi;
		k->c[ci].l++;
	}
	return AUD_OK;
}

static int kb_reserve(aud_kanon *k, size_t need)
{
	size_t c = k->kbcap ? k->kbcap : 256;
	char *x;

	if (need <= k->kbcap)
		return 0;
	while (c < need)
		c *= 2;
	x = realloc(k->kb, c);
	if (!x)
		return -1;
	k->kb = x;
	k->kbcap = c;
	return 0;
}

int aud_kanon_record(aud_kanon *k, const aud_record *rec, aud_err *err)
{
	size_t i, j, need = 1, klen = 0, vlen = 0;
	char *v = NULL;
	int rc;

	memset(k->present, 0, k->ncol);
	for (i = 0; i < rec->nfields; i++) {
		const aud_field *f = &rec->fields[i];

		for (j = 0; j < k->ncol; j++) {
			if (k->collen[j] != f->name_len ||
			    memcmp(k->col[j], f->name, f->name_len) != 0)
				continue;
			k->seen[j] = 1;
			if (f->value_len && f->type != AUD_VAL_NULL &&
			    !k->present[j]) {
				k->present[j] = 1;
				k->val[j] = f->value;
				k->vlen[j] = f->value_len;
			}
		}
	}
	for (j = 0; j < k->ncol; j++)
		need += 5 + (k->present[j] ? k->vlen[j] : 0);
	if (kb_reserve(k, need))
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	for (j = 0; j < k->nqi; j++) {
		if (!k->present[j]) {
			k->kb[klen++] = 0;
			continue;
		}
		k->kb[klen++] = 1;
		k->kb[klen++] = (char)(k->vlen[j] >> 24);
		k->kb[klen++] = (char)(k->vlen[j] >> 16);
		k->kb[klen++] = (char)(k->vlen[j] >> 8);
		k->kb[klen++] = (char)k->vlen[j];
		memcpy(k->kb + klen, k->val[j], k->vlen[j]);
		klen += k->vlen[j];
	}
	if (k->has_sens) {
		v = k->kb + klen;
		v[vlen++] = (char)k->present[k->nqi];
		if (k->present[k->nqi]) {
			memcpy(v + vlen, k->val[k->nqi], k->vlen[k->nqi]);
			vlen += k->vlen[k->nqi];
		}
	}
	rc = add(k, k->kb, klen, fnv(k->kb, klen), 1, v, vlen,
		 v ? fnv(v, vlen) : 0, err);
	if (rc)
		return rc;
	k->records++;
	return AUD_OK;
}

const char *aud_kanon_unseen_column(const aud_kanon *k)
{
	size_t j;

	for (j = 0; j < k->ncol; j++)
		if (!k->seen[j])
			return k->col[j];
	return NULL;
}

uint64_t aud_kanon_records(const aud_kanon *k)
{
	return k->records;
}

const char *aud_kanon_columns(const aud_kanon *k)
{
	return k->columns;
}

const char *aud_kanon_sensitive(const aud_kanon *k)
{
	return k->has_sens ? k->col[k->nqi] : NULL;
}

/* ---- life cycle ------------------------------------------------------ */

static int set_columns(aud_kanon *k, const aud_kanon_opts *o, aud_err *err)
{
	size_t i, j, len = 0;

	if (o->nqis == 0)
		return aud_err_set(err, AUD_EUSAGE,
				   "--quasi-identifiers needs at least one "
				   "column");
	if (o->nqis > AUD_KANON_MAX_COLUMNS)
		return aud_err_set(err, AUD_EUSAGE,
				   "at most %d quasi-identifier columns",
				   AUD_KANON_MAX_COLUMNS);
	k->nqi = o->nqis;
	k->has_sens = o->sensitive != NULL;
	k->ncol = k->nqi + (size_t)k->has_sens;
	for (i = 0; i < k->ncol; i++) {
		const char *name = i < k->nqi ? o->qis[i] : o->sensitive;

		if (!name || !*name)
			return aud_err_set(err, AUD_EUSAGE,
					   "an empty column name in "
					   "--quasi-identifiers or "
					   "--sensitive");
		for (j = 0; j < i; j++)
			if (strcmp(k->col[j], name) == 0)
				return aud_err_set(
					err, AUD_EUSAGE,
					i < k->nqi
						? "quasi-identifier '%s' is "
						  "named twice"
						: "the sensitive column '%s' "
						  "is also a quasi-identifier",
					name);
		if (!(k->col[i] = strdup(name)))
			return aud_err_set(err, AUD_ENOMEM, "out of memory");
		k->collen[i] = strlen(name);
		if (i < k->nqi)
			len += k->collen[i] + 1;
	}
	if (!(k->columns = malloc(len)))
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	for (i = 0, len = 0; i < k->nqi; i++) {
		if (i)
			k->columns[len++] = ',';
		memcpy(k->columns + len, k->col[i], k->collen[i]);
		len += k->collen[i];
	}
	k->columns[len] = '\0';
	return AUD_OK;
}

static int init_table(aud_kanon *k, aud_err *err)
{
	if (mac_init(k, err))
		return AUD_ENOMEM;
	if (grow(k, 0, k->has_sens, 0))
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	clear_memory(k);
	return AUD_OK;
}

int aud_kanon_new(aud_kanon **out, const aud_kanon_opts *o,
		  const aud_keyhash *kh, aud_err *err)
{
	aud_kanon *k = calloc(1, sizeof *k);
	char hex[65];
	int rc, i;

	*out = NULL;
	if (!k)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	k->k = o->k ? o->k : AUD_KANON_DEFAULT_K;
	k->budget = o->memory ? o->memory : AUD_KANON_DEFAULT_MEMORY;
	if ((rc = set_columns(k, o, err)))
		goto fail;
	if (kh) {
		/* A subkey: the same run key gives the same one, so
		 * accumulators of one run merge; it is never a value hash
		 * of any finding (the label is no entity). */
		aud_keyhash_value(kh, SUBKEY_LABEL, "", 0, hex);
		if (strlen(hex) != 64) {
			rc = aud_err_set(err, AUD_ENOMEM, "out of memory");
			goto fail;
		}
		for (i = 0; i < 32; i++) {
			unsigned hi = (unsigned)(hex[2 * i] <= '9'
							 ? hex[2 * i] - '0'
							 : hex[2 * i] - 'a' + 10);
			unsigned lo = (unsigned)(hex[2 * i + 1] <= '9'
							 ? hex[2 * i + 1] - '0'
							 : hex[2 * i + 1] - 'a' +
								   10);

			k->subkey[i] = (unsigned char)(hi << 4 | lo);
		}
		OPENSSL_cleanse(hex, sizeof hex);
	} else if (RAND_bytes(k->subkey, sizeof k->subkey) != 1) {
		rc = aud_err_set(err, AUD_EIO, "cannot get random bytes");
		goto fail;
	}
	if ((rc = init_table(k, err)))
		goto fail;
	*out = k;
	return AUD_OK;
fail:
	aud_kanon_free(k);
	return rc;
}

int aud_kanon_new_like(aud_kanon **out, const aud_kanon *proto,
		       aud_err *err)
{
	const char *qis[AUD_KANON_MAX_COLUMNS];
	aud_kanon_opts o;
	aud_kanon *k = NULL;
	size_t i;
	int rc;

	*out = NULL;
	memset(&o, 0, sizeof o);
	for (i = 0; i < proto->nqi; i++)
		qis[i] = proto->col[i];
	o.qis = qis;
	o.nqis = proto->nqi;
	o.sensitive = aud_kanon_sensitive(proto);
	o.k = proto->k;
	o.memory = proto->budget;
	k = calloc(1, sizeof *k);
	if (!k)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	k->k = o.k;
	k->budget = o.memory;
	memcpy(k->subkey, proto->subkey, sizeof k->subkey);
	if ((rc = set_columns(k, &o, err)) || (rc = init_table(k, err))) {
		aud_kanon_free(k);
		return rc;
	}
	*out = k;
	return AUD_OK;
}

void aud_kanon_reset(aud_kanon *k)
{
	clear_memory(k);
	db_close(k);
	memset(k->seen, 0, sizeof k->seen);
	k->records = 0;
	k->spills = 0;
}

void aud_kanon_free(aud_kanon *k)
{
	size_t i;

	if (!k)
		return;
	db_close(k);
	for (i = 0; i < k->ncol; i++)
		free(k->col[i]);
	free(k->columns);
	free(k->kb);
	free(k->c);
	free(k->cslot);
	free(k->p);
	free(k->pslot);
	if (k->a)
		OPENSSL_cleanse(k->a, k->acap); /* raw values */
	free(k->a);
	EVP_MAC_CTX_free(k->mac);
	OPENSSL_cleanse(k->subkey, sizeof k->subkey);
	free(k);
}

/* ---- merging --------------------------------------------------------- */

static int compatible(const aud_kanon *a, const aud_kanon *b)
{
	size_t i;

	if (a->ncol != b->ncol || a->nqi != b->nqi ||
	    a->has_sens != b->has_sens || a->k != b->k ||
	    memcmp(a->subkey, b->subkey, sizeof a->subkey) != 0)
		return 0;
	for (i = 0; i < a->ncol; i++)
		if (strcmp(a->col[i], b->col[i]) != 0)
			return 0;
	return 1;
}

#define SWAP(T, x, y)                                                     \
	do {                                                              \
		T t_ = (x);                                               \
		(x) = (y);                                                \
		(y) = t_;                                                 \
	} while (0)

/* Exchanges the tables and spills of a and b (not their options). */
static void swap_state(aud_kanon *a, aud_kanon *b)
{
	SWAP(struct cls *, a->c, b->c);
	SWAP(size_t, a->nc, b->nc);
	SWAP(size_t, a->ccap, b->ccap);
	SWAP(uint32_t *, a->cslot, b->cslot);
	SWAP(size_t, a->ncslot, b->ncslot);
	SWAP(struct pair *, a->p, b->p);
	SWAP(size_t, a->np, b->np);
	SWAP(size_t, a->pcap, b->pcap);
	SWAP(uint32_t *, a->pslot, b->pslot);
	SWAP(size_t, a->npslot, b->npslot);
	SWAP(char *, a->a, b->a);
	SWAP(size_t, a->alen, b->alen);
	SWAP(size_t, a->acap, b->acap);
	SWAP(sqlite3 *, a->db, b->db);
	SWAP(sqlite3_stmt *, a->ins, b->ins);
}

/* Adds src's spilled rows to dst's spill (dst's is open). */
static int merge_spill(aud_kanon *dst, aud_kanon *src, aud_err *err)
{
	sqlite3_stmt *st = NULL;
	int step = SQLITE_DONE, bad = 0;

	if (sqlite3_exec(dst->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(dst, err, "cannot write");
	/* In key order: dst's B-tree is walked once. */
	if (sqlite3_prepare_v2(src->db, "SELECT h, v, n FROM p", -1, &st,
			       NULL) != SQLITE_OK)
		goto src_failed;
	while (!bad && (step = sqlite3_step(st)) == SQLITE_ROW)
		bad = sqlite3_column_bytes(st, 0) != HLEN ||
		      put(dst, sqlite3_column_blob(st, 0),
			  sqlite3_column_blob(st, 1),
			  sqlite3_column_bytes(st, 1),
			  sqlite3_column_int64(st, 2));
	sqlite3_finalize(st);
	st = NULL;
	if (bad)
		goto dst_failed;
	if (step != SQLITE_DONE)
		goto src_failed;
	if (sqlite3_exec(dst->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto dst_failed;
	return AUD_OK;
src_failed:
	db_fail(src, err, "cannot read");
	sqlite3_finalize(st);
	sqlite3_exec(dst->db, "ROLLBACK", NULL, NULL, NULL);
	return AUD_ESTORE;
dst_failed:
	db_fail(dst, err, "cannot write");
	sqlite3_exec(dst->db, "ROLLBACK", NULL, NULL, NULL);
	return AUD_ESTORE;
}

int aud_kanon_merge(aud_kanon *dst, aud_kanon *src, aud_err *err)
{
	size_t i, j;
	int rc;

	if (dst == src || !compatible(dst, src))
		return aud_err_set(err, AUD_EUSAGE,
				   "re-identification risk: cannot merge "
				   "accumulators with other columns, k or "
				   "key");
	for (j = 0; j < dst->ncol; j++)
		dst->seen[j] |= src->seen[j];
	if (dst->nc == 0 && !dst->db) {
		/* Nothing to add to: take src's state whole. */
		swap_state(dst, src);
		if (dst->nc && aud_kanon_memory(dst) > dst->budget &&
		    (rc = spill(dst, err)))
			return rc;
	} else {
		for (i = 0; i < src->nc; i++) {
			const struct cls *c = &src->c[i];
			const char *key = src->a + c->key;
			uint32_t p = c->first;

			/* A class's records are those of its pairs, when it
			 * has any (always, with a sensitive column). */
			if (p == NONE &&
			    (rc = add(dst, key, c->keylen, c->h, c->n, NULL, 0,
				      0, err)))
				return rc;
			for (; p != NONE; p = src->p[p].next) {
				const struct pair *pp = &src->p[p];

				if ((rc = add(dst, key, c->keylen, c->h, pp->n,
					      src->a + pp->val, pp->vallen,
					      pp->vh, err)))
					return rc;
			}
		}
		if (src->db && !dst->db) {
			SWAP(sqlite3 *, dst->db, src->db);
			SWAP(sqlite3_stmt *, dst->ins, src->ins);
		} else if (src->db && (rc = merge_spill(dst, src, err))) {
			return rc;
		}
	}
	dst->records += src->records;
	dst->spills += src->spills;
	aud_kanon_reset(src);
	return AUD_OK;
}

/* ---- results --------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int size_add(aud_kanon_stats *s, size_t *cap, uint64_t size,
		    uint64_t classes)
{
	if (s->nsizes == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		aud_kanon_size *x = realloc(s->sizes, nc * sizeof *x);

		if (!x)
			return -1;
		s->sizes = x;
		*cap = nc;
	}
	s->sizes[s->nsizes].size = size;
	s->sizes[s->nsizes].classes = classes;
	s->nsizes++;
	return 0;
}

/* The figures that follow from the size histogram. */
static void from_sizes(aud_kanon_stats *s)
{
	size_t i;

	for (i = 0; i < s->nsizes; i++) {
		const aud_kanon_size *z = &s->sizes[i];

		s->classes += z->classes;
		s->records += z->size * z->classes;
		if (z->size < s->k) {
			s->classes_below_k += z->classes;
			s->records_below_k += z->size * z->classes;
		}
		if (z->size == 1)
			s->unique_records += z->classes;
	}
	s->k_anonymity = s->nsizes ? s->sizes[0].size : 0;
}

static int result_memory(aud_kanon *k, aud_kanon_stats *s, aud_err *err)
{
	uint64_t *n = malloc((k->nc ? k->nc : 1) * sizeof *n);
	size_t i, cap = 0;

	if (!n)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	for (i = 0; i < k->nc; i++) {
		const struct cls *c = &k->c[i];

		n[i] = c->n;
		if (!k->has_sens)
			continue;
		if (i == 0 || c->l < s->l_diversity)
			s->l_diversity = c->l;
		if (c->l < 2) {
			s->classes_l_below_2++;
			s->records_l_below_2 += c->n;
		}
	}
	qsort(n, k->nc, sizeof *n, cmp_u64);
	for (i = 0; i < k->nc; i++) {
		if (s->nsizes && s->sizes[s->nsizes - 1].size == n[i]) {
			s->sizes[s->nsizes - 1].classes++;
		} else if (size_add(s, &cap, n[i], 1)) {
			free(n);
			return aud_err_set(err, AUD_ENOMEM, "out of memory");
		}
	}
	free(n);
	return AUD_OK;
}

static int result_spill(aud_kanon *k, aud_kanon_stats *s, aud_err *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int step;

	/* Rows are in (h, v) order: each GROUP BY h streams. */
	if (sqlite3_prepare_v2(k->db,
			       "SELECT n, COUNT(*) FROM (SELECT SUM(n) AS n "
			       "FROM p GROUP BY h) GROUP BY n ORDER BY n",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(k, err, "cannot read");
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if (size_add(s, &cap,
			     (uint64_t)sqlite3_column_int64(st, 0),
			     (uint64_t)sqlite3_column_int64(st, 1))) {
			sqlite3_finalize(st);
			return aud_err_set(err, AUD_ENOMEM, "out of memory");
		}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return db_fail(k, err, "cannot read");
	if (!k->has_sens)
		return AUD_OK;
	/* A class's l is its number of rows. */
	if (sqlite3_prepare_v2(
		    k->db,
		    "SELECT MIN(l), TOTAL(l < 2), TOTAL(CASE WHEN l < 2 THEN n "
		    "END) FROM (SELECT SUM(n) AS n, COUNT(*) AS l FROM p "
		    "GROUP BY h)",
		    -1, &st, NULL) != SQLITE_OK)
		return db_fail(k, err, "cannot read");
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		s->l_diversity = (uint64_t)sqlite3_column_int64(st, 0);
		s->classes_l_below_2 = (uint64_t)sqlite3_column_int64(st, 1);
		s->records_l_below_2 = (uint64_t)sqlite3_column_int64(st, 2);
		step = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (step != SQLITE_DONE)
		return db_fail(k, err, "cannot read");
	return AUD_OK;
}

int aud_kanon_result(aud_kanon *k, aud_kanon_stats *out, aud_err *err)
{
	uint64_t spills = k->spills;
	int rc;

	memset(out, 0, sizeof *out);
	out->k = k->k;
	out->has_sensitive = k->has_sens;
	/* The rest of memory joins the spill (not counted as a spill: it
	 * is how the figures are read). */
	if (k->db && k->nc && (rc = spill(k, err)))
		return rc;
	k->spills = spills;
	rc = k->db ? result_spill(k, out, err) : result_memory(k, out, err);
	if (rc) {
		aud_kanon_stats_free(out);
		return rc;
	}
	from_sizes(out);
	out->spills = k->spills;
	return AUD_OK;
}

void aud_kanon_stats_free(aud_kanon_stats *s)
{
	if (!s)
		return;
	free(s->sizes);
	s->sizes = NULL;
	s->nsizes = 0;
}
