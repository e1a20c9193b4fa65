/*
 * pseudonym.c: keyed pseudonyms of the same shape as a found value
 * (pseudonym.h). The randomness is a keyed stream: HMAC-SHA-256 under the
 * user's key over a label, the entity, the normalised value (mask.c's
 * normalisation, as for the keyed hash, so one number written two ways
 * gets the same digits), the attempt number and a block counter. Nothing
 * about the value survives but its layout: separators, case, length.
 *
 * Shapes, and why a rescan does not find them above the placeholder level:
 * - e-mail: the local part and the domain labels are mapped letter for
 *   letter, digit for digit; the top-level domain becomes "example"
 *   (RFC 2606), which auditor reports as a placeholder. The domain is
 *   mapped under its own stream, so all addresses of one domain share one
 *   pseudo-domain;
 * - phone: NANP numbers become NPA-555-01XX (fictional, NANPA), +44
 *   numbers Ofcom's drama range +44 7700 900XXX (both placeholders); any
 *   other number gets random digits with a 0 where no numbering plan has
 *   one (after the '+', or after the trunk 0), so no validator takes it;
 * - credit card: the first digit (the network) is kept, the rest is random
 *   and the check digit is set so that Luhn fails;
 * - US SSN and ITIN: area 9xx with a group under 50: neither an SSN (SSA)
 *   nor an ITIN (IRS);
 * - IP address: an address of TEST-NET-1/2/3 (RFC 5737) or 2001:db8::/32
 *   (RFC 3849), documentation ranges auditor reports as placeholders;
 * - MAC address: hex letters become letters past 'f', so it is no longer
 *   hex;
 * - person names (a personal column's values): word by word, each word
 *   keyed on itself, so a first name maps the same in every column;
 * - everything else (national ids, dates of birth, crypto addresses, other
 *   personal columns): digits, upper- and lower-case letters mapped one
 *   for one (a non-ASCII character becomes one ASCII letter), so check
 *   digits fail nine times in ten or more;
 * - secrets and credentials get none: a fake token is of no use to anyone
 *   and one of the right shape would be found again. Nor, in effect, does
 *   a US passport number: any 9 digits next to the word are one, so every
 *   candidate is found again and the caller writes a marker.
 * Whatever the rule, each candidate is run through the detector, with the
 * entity's own context words as field name, and the next candidate is
 * tried while it is found; after AUD_PSEUDONYM_ATTEMPTS the caller falls
 * back to a marker.
 */
#include "auditor/pseudonym.h"
#include "auditor/detect.h"
#include "auditor/mask.h"
#include "auditor/policy.h"
#include "auditor/scan.h"

#include <openssl/crypto.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LABEL "auditor pseudonym v1"
#define MAX_DIGITS 64 /* longer digit runs are mapped like any text */
#define MAX_CTX 128   /* entities whose context names are cached */
#define CTX_NAME_MAX 250

/* ---- the keyed stream ------------------------------------------------ */

typedef struct stream {
	const aud_keyhash *kh;
	aud_buf msg; /* LABEL 0 entity 0 data 0 attempt(4) counter(4) */
	unsigned char block[32];
	size_t pos;
	uint32_t counter;
	int ok;
} stream;

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static int stream_init(stream *s, const aud_keyhash *kh, const char *label,
		       const char *data, size_t len, unsigned attempt)
{
	static const char zero = 0;
	unsigned char a[8];

	memset(s, 0, sizeof *s);
	s->kh = kh;
	put32(a, attempt);
	put32(a + 4, 0);
	if (aud_buf_append(&s->msg, LABEL, sizeof LABEL) ||
	    aud_buf_append(&s->msg, label, strlen(label)) ||
	    aud_buf_append(&s->msg, &zero, 1) ||
	    aud_buf_append(&s->msg, data, len) ||
	    aud_buf_append(&s->msg, &zero, 1) ||
	    aud_buf_append(&s->msg, a, sizeof a))
		return AUD_ENOMEM;
	s->pos = sizeof s->block;
	s->ok = 1;
	return 0;
}

static unsigned char next_byte(stream *s)
{
	if (s->pos == sizeof s->block) {
		put32((unsigned char *)s->msg.p + s->msg.len - 4, s->counter++);
		aud_keyhash_mac(s->kh, s->msg.p, s->msg.len, s->block);
		s->pos = 0;
	}
	return s->block[s->pos++];
}

/* Uniform in [0, n), n <= 256, by rejection. */
static unsigned uniform(stream *s, unsigned n)
{
	unsigned lim = 256 - 256 % n, b;

	do
		b = next_byte(s);
	while (b >= lim);
	return b % n;
}

static void stream_free(stream *s)
{
	if (s->msg.p)
		OPENSSL_cleanse(s->msg.p, s->msg.len);
	aud_buf_free(&s->msg);
	OPENSSL_cleanse(s->block, sizeof s->block);
}

/* ---- shapes ---------------------------------------------------------- */

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_upper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(unsigned char c) { return c >= 'a' && c <= 'z'; }

/* Length of the UTF-8 sequence led by c (1 for a stray byte). */
static size_t seq_len(unsigned char c)
{
	return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/* Digit for digit, letter for letter (case kept), a non-ASCII character
 * for one lower-case letter; everything else as it is. */
static int classmap(stream *s, const char *v, size_t len, aud_buf *out)
{
	size_t i = 0, k;
	char c;

	while (i < len) {
		unsigned char b = (unsigned char)v[i];

		k = 1;
		if (is_digit(b))
			c = (char)('0' + uniform(s, 10));
		else if (is_upper(b))
			c = (char)('A' + uniform(s, 26));
		else if (is_lower(b))
			c = (char)('a' + uniform(s, 26));
		else if (b >= 0x80) {
			c = (char)('a' + uniform(s, 26));
			k = seq_len(b);
			if (k > len - i)
				k = len - i;
		} else
			c = (char)b;
		if (aud_buf_append(out, &c, 1))
			return AUD_ENOMEM;
		i += k;
	}
	return 0;
}

/* Copies v, putting digits d[0], d[1]... in place of its digits. */
static int put_digits(const char *v, size_t len, const char *d, aud_buf *out)
{
	size_t i, k = 0;

	for (i = 0; i < len; i++) {
		char c = is_digit((unsigned char)v[i]) ? d[k++] : v[i];

		if (aud_buf_append(out, &c, 1))
			return AUD_ENOMEM;
	}
	return 0;
}

static size_t digits_of(const char *v, size_t len, char *d, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (is_digit((unsigned char)v[i])) {
			if (n < cap)
				d[n] = v[i];
			n++;
		}
	return n;
}

static void random_digits(stream *s, char *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = (char)('0' + uniform(s, 10));
}

static int phone(stream *s, const char *v, size_t len, aud_buf *out)
{
	char d[MAX_DIGITS], nd[MAX_DIGITS];
	size_t n = digits_of(v, len, d, sizeof d), k = 0, i = 0;
	int plus;

	if (n > sizeof d || n < 2)
		return classmap(s, v, len, out);
	while (i < len && v[i] == ' ')
		i++;
	plus = i < len && v[i] == '+';
	random_digits(s, nd, n);
	if ((n == 10 && !plus && d[0] >= '2') || (n == 11 && d[0] == '1')) {
		/* NPA (2-9, 0-8, any), then 555-01XX */
		if (n == 11)
			nd[k++] = '1';
		nd[k] = (char)('2' + uniform(s, 8));
		nd[k + 1] = (char)('0' + uniform(s, 9));
		memcpy(nd + k + 3, "55501", 5);
	} else if (plus && n == 12 && d[0] == '4' && d[1] == '4') {
		memcpy(nd, "447700900", 9);
	} else if (plus) {
		nd[0] = '0'; /* no country code starts with 0 */
	} else {
		nd[0] = '0'; /* a trunk 0 followed by 0: no national plan */
		nd[1] = '0';
	}
	return put_digits(v, len, nd, out);
}

static int card(stream *s, const char *v, size_t len, aud_buf *out)
{
	char d[MAX_DIGITS], nd[MAX_DIGITS];
	size_t n = digits_of(v, len, d, sizeof d), i;
	unsigned sum = 0;

	if (n > sizeof d || n < 2)
		return classmap(s, v, len, out);
	random_digits(s, nd, n);
	nd[0] = d[0];
	for (i = 0; i < n; i++) {
		unsigned x = (unsigned)(nd[n - 1 - i] - '0');

		if (i % 2 == 1) {
			x *= 2;
			if (x > 9)
				x -= 9;
		}
		sum += x;
	}
	if (sum % 10 == 0) /* valid: any other check digit is not */
		nd[n - 1] = (char)('0' + (nd[n - 1] - '0' + 1) % 10);
	return put_digits(v, len, nd, out);
}

static int ssn(stream *s, const char *v, size_t len, aud_buf *out)
{
	char d[MAX_DIGITS], nd[MAX_DIGITS];
	size_t n = digits_of(v, len, d, sizeof d);

	if (n != 9)
		return classmap(s, v, len, out);
	random_digits(s, nd, n);
	nd[0] = '9';
	nd[3] = (char)('0' + uniform(s, 5));
	return put_digits(v, len, nd, out);
}

static int ip(stream *s, const char *v, size_t len, aud_buf *out)
{
	static const char *const nets[] = {"192.0.2.", "198.51.100.",
					   "203.0.113."};
	static const char hx[] = "0123456789abcdef";
	char b[64];
	size_t i, k;

	if (memchr(v, ':', len)) {
		memcpy(b, "2001:db8", 8);
		k = 8;
		for (i = 0; i < 6; i++) {
			b[k++] = ':';
			b[k++] = hx[uniform(s, 16)];
			b[k++] = hx[uniform(s, 16)];
			b[k++] = hx[uniform(s, 16)];
			b[k++] = hx[uniform(s, 16)];
		}
	} else {
		const char *net = nets[uniform(s, 3)];

		k = (size_t)snprintf(b, sizeof b, "%s%u", net, next_byte(s));
	}
	return aud_buf_append(out, b, k);
}

static int mac(stream *s, const char *v, size_t len, aud_buf *out)
{
	size_t i;
	int first = 1;

	for (i = 0; i < len; i++) {
		unsigned char b = (unsigned char)v[i];
		char c = (char)b;

		if (is_digit(b) && !first) {
			c = (char)('0' + uniform(s, 10));
		} else if (is_digit(b) || is_lower(b)) {
			c = (char)('g' + uniform(s, 20));
		} else if (is_upper(b)) {
			c = (char)('G' + uniform(s, 20));
		}
		if (is_digit(b) || is_lower(b) || is_upper(b))
			first = 0;
		if (aud_buf_append(out, &c, 1))
			return AUD_ENOMEM;
	}
	return 0;
}

/* local@labels.tld -> local'@labels'.example; the domain has its own
 * stream so that one domain always maps to one pseudo-domain. */
static int email(stream *s, const aud_keyhash *kh, const char *v, size_t len,
		 unsigned attempt, aud_buf *out)
{
	const char *at = memrchr(v, '@', len), *dom, *dot;
	size_t dlen, i;
	stream ds;
	char low[256];
	int rc;

	if (!at || at == v || at + 1 == v + len)
		return classmap(s, v, len, out);
	dom = at + 1;
	dlen = (size_t)(v + len - dom);
	if (dlen > sizeof low)
		return classmap(s, v, len, out);
	for (i = 0; i < dlen; i++)
		low[i] = (char)(is_upper((unsigned char)dom[i]) ? dom[i] + 32
								: dom[i]);
	if ((rc = classmap(s, v, (size_t)(at - v), out)) ||
	    (rc = aud_buf_append(out, "@", 1)))
		return rc;
	if (stream_init(&ds, kh, "EMAIL_ADDRESS domain", low, dlen, attempt)) {
		stream_free(&ds);
		return AUD_ENOMEM;
	}
	dot = memrchr(dom, '.', dlen);
	rc = classmap(&ds, dom, dot ? (size_t)(dot - dom) : dlen, out);
	if (!rc)
		rc = aud_buf_append(out, ".example", 8);
	stream_free(&ds);
	return rc;
}

/* Word by word, each word under its own stream (keyed on its lower-case
 * form): "Miguel Hernandez" in a name column and "miguel" in a first-name
 * column get the same pseudo-word. */
static int words(const aud_keyhash *kh, const char *v, size_t len,
		 unsigned attempt, aud_buf *out)
{
	size_t i = 0, j, k;
	char low[256];
	stream ws;
	int rc = 0;

	while (i < len && rc == 0) {
		unsigned char b = (unsigned char)v[i];

		if (!(is_digit(b) || is_upper(b) || is_lower(b) || b >= 0x80)) {
			rc = aud_buf_append(out, v + i, 1);
			i++;
			continue;
		}
		for (j = i; j < len; j++) {
			b = (unsigned char)v[j];
			if (!(is_digit(b) || is_upper(b) || is_lower(b) ||
			      b >= 0x80))
				break;
		}
		for (k = 0; k < j - i && k < sizeof low; k++)
			low[k] = (char)(is_upper((unsigned char)v[i + k])
					    ? v[i + k] + 32
					    : v[i + k]);
		if (stream_init(&ws, kh, "PERSON_NAME word", low, k, attempt))
			rc = AUD_ENOMEM;
		else
			rc = classmap(&ws, v + i, j - i, out);
		stream_free(&ws);
		i = j;
	}
	return rc;
}

/* A column's name class stands for the entity it holds. */
static const char *entity_of(const char *entity)
{
	if (strcmp(entity, "EMAIL") == 0)
		return "EMAIL_ADDRESS";
	if (strcmp(entity, "PHONE") == 0)
		return "PHONE_NUMBER";
	return entity;
}

int aud_pseudonym_candidate(const aud_keyhash *kh, const char *entity,
			    const char *value, size_t len, unsigned attempt,
			    aud_buf *out)
{
	char stack[512], *norm = stack;
	size_t nlen;
	stream s;
	int rc;

	out->len = 0;
	entity = entity_of(entity);
	if (strcmp(entity, "CREDENTIAL") == 0 ||
	    aud_policy_entity_in_group(entity, "secrets") == 1)
		return 0;
	if (len + 1 > sizeof stack && !(norm = malloc(len + 1)))
		return AUD_ENOMEM;
	nlen = aud_normalize(norm, len + 1, entity, value, len);
	rc = stream_init(&s, kh, entity, norm, nlen, attempt);
	if (norm != stack) {
		OPENSSL_cleanse(norm, len + 1);
		free(norm);
	} else {
		OPENSSL_cleanse(stack, sizeof stack);
	}
	if (rc)
		goto done;
	if (strcmp(entity, "EMAIL_ADDRESS") == 0)
		rc = email(&s, kh, value, len, attempt, out);
	else if (strcmp(entity, "PHONE_NUMBER") == 0)
		rc = phone(&s, value, len, out);
	else if (strcmp(entity, "CREDIT_CARD") == 0)
		rc = card(&s, value, len, out);
	else if (strcmp(entity, "US_SSN") == 0 ||
		 strcmp(entity, "US_ITIN") == 0)
		rc = ssn(&s, value, len, out);
	else if (strcmp(entity, "IP_ADDRESS") == 0)
		rc = ip(&s, value, len, out);
	else if (strcmp(entity, "MAC_ADDRESS") == 0)
		rc = mac(&s, value, len, out);
	else if (strcmp(entity, "PERSON_NAME") == 0)
		rc = words(kh, value, len, attempt, out);
	else
		rc = classmap(&s, value, len, out);
done:
	stream_free(&s);
	return rc ? rc : 1;
}

/* ---- the detector check ---------------------------------------------- */

struct ctxname {
	char *entity;
	char name[CTX_NAME_MAX + 1];
};

struct aud_pseudonymizer {
	const aud_patternset *ps;
	const aud_keyhash *kh;
	aud_detector *det;
	struct ctxname ctx[MAX_CTX];
	size_t nctx;
};

int aud_pseudonymizer_new(aud_pseudonymizer **out, const aud_patternset *ps,
			  const aud_keyhash *kh, aud_err *err)
{
	aud_pseudonymizer *p = calloc(1, sizeof *p);
	int rc;

	*out = NULL;
	if (!p)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	p->ps = ps;
	p->kh = kh;
	if ((rc = aud_detector_new(&p->det, ps, err))) {
		free(p);
		return rc;
	}
	*out = p;
	return 0;
}

/* The context words of every entry of entity, joined by '_' (as a field
 * name holding them all would read), up to the detector's name limit. */
static const char *ctx_name(aud_pseudonymizer *p, const char *entity)
{
	struct ctxname *c;
	size_t i, j, k = 0, w;

	for (i = 0; i < p->nctx; i++)
		if (strcmp(p->ctx[i].entity, entity) == 0)
			return p->ctx[i].name;
	if (p->nctx == MAX_CTX || !(p->ctx[p->nctx].entity = strdup(entity)))
		return "";
	c = &p->ctx[p->nctx++];
	for (i = 0; i < aud_patterns_count(p->ps); i++) {
		const aud_pattern_info *in = aud_patterns_info(p->ps, i);

		if (strcmp(in->entity, entity) != 0)
			continue;
		for (j = 0; j < in->ncontext; j++) {
			w = strlen(in->context[j]);
			if (k + w + 1 > CTX_NAME_MAX)
				break;
			if (k)
				c->name[k++] = '_';
			memcpy(c->name + k, in->context[j], w);
			k += w;
		}
	}
	c->name[k] = '\0';
	return c->name;
}

/* Does the detector find something in s above the placeholder level? */
static int found(aud_pseudonymizer *p, const char *name, const char *s,
		 size_t n, aud_err *err)
{
	const aud_match *m;
	int k = aud_detect_field(p->det, name, strlen(name), s, n, &m, err);
	int i;

	if (k < 0)
		return k;
	for (i = 0; i < k; i++)
		if (m[i].evidence != AUD_EV_PLACEHOLDER &&
		    strcmp(m[i].entity, AUD_MARKER_ENTITY) != 0)
			return 1;
	return 0;
}

int aud_pseudonymize(aud_pseudonymizer *p, const char *entity,
		     const char *value, size_t len, aud_buf *out, aud_err *err)
{
	const char *name = ctx_name(p, entity_of(entity));
	unsigned a;
	int rc;

	for (a = 0; a < AUD_PSEUDONYM_ATTEMPTS; a++) {
		rc = aud_pseudonym_candidate(p->kh, entity, value, len, a, out);
		if (rc < 0)
			return aud_err_set(err, rc, "out of memory");
		if (rc == 0)
			return 0;
		rc = found(p, name, out->p, out->len, err);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return 1;
	}
	out->len = 0;
	return 0;
}

void aud_pseudonymizer_free(aud_pseudonymizer *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nctx; i++)
		free(p->ctx[i].entity);
	aud_detector_free(p->det);
	free(p);
}
