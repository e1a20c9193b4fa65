/*
 * mask.c: masked previews and normalised forms of matched values.
 *
 * A preview keeps the shape a reviewer needs to recognise the kind of
 * value and no more: separators, a country code, the last few digits, the
 * first character of each e-mail part, a known secret prefix. Everything
 * else becomes '*'. Previews are valid UTF-8 whenever they copy a
 * character at all: a byte that does not start a valid sequence is
 * written as '*'. The normalised form feeds the keyed hash (keyhash.c), so
 * the same value written two ways hashes the same; deciding what is a
 * match is detect.c's job.
 */
#include "auditor/mask.h"

#include <arpa/inet.h>
#include <string.h>

#define MAX_STARS 8    /* e-mail domain stars */
#define MAX_DEFAULT 32 /* longest default preview, characters */
#define MAX_SHAPED 64  /* longest digit/IBAN/IP preview, bytes */

typedef struct wr {
	char *p;
	size_t cap, n;
} wr;

static void put(wr *w, char c)
{
	if (w->n + 1 < w->cap)
		w->p[w->n++] = c;
}

static void puts_n(wr *w, const char *s, size_t n)
{
	while (n--)
		put(w, *s++);
}

static void stars(wr *w, size_t n)
{
	while (n--)
		put(w, '*');
}

static size_t finish(wr *w)
{
	w->p[w->n] = '\0';
	return w->n;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is(const char *entity, const char *name)
{
	return entity && strcmp(entity, name) == 0;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none. */
static size_t utf8_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t l, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		l = 2;
	else if (c >= 0xe0 && c <= 0xef)
		l = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		l = 4;
	else
		return 0;
	if (l > n)
		return 0;
	for (i = 1; i < l; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 0;
	return l;
}

/* Number of UTF-8 characters (invalid bytes count one each). */
static size_t nchars(const char *s, size_t n)
{
	size_t i = 0, k = 0;

	while (i < n) {
		size_t l = utf8_len(s + i, n - i);

		i += l ? l : 1;
		k++;
	}
	return k;
}

/* Copies the first character of s, or '*' when it is not valid UTF-8.
 * Returns the bytes it covered in s. */
static size_t first_char(wr *w, const char *s, size_t n)
{
	size_t l = n ? utf8_len(s, n) : 0;

	if (n == 0)
		return 0;
	if (l == 0 || (l == 1 && (unsigned char)s[0] < 0x20)) {
		put(w, '*');
		return 1;
	}
	if (w->n + l < w->cap)
		puts_n(w, s, l);
	return l;
}

/* Keeps the last `keep` digits and the separators; other digits -> '*',
 * other bytes -> '*'. A leading '+' is kept when plus is set. */
static size_t mask_digits(wr *w, const char *v, size_t len, size_t keep,
			  int plus)
{
	size_t i, nd = 0, seen = 0;

	if (len > MAX_SHAPED)
		len = MAX_SHAPED;
	for (i = 0; i < len; i++)
		nd += is_digit(v[i]);
	for (i = 0; i < len; i++) {
		char c = v[i];

		if (is_digit(c)) {
			put(w,
			    seen++ >= nd - (keep < nd ? keep : nd) ? c : '*');
		} else if (c == ' ' || c == '-' || c == '.' || c == '(' ||
			   c == ')' || c == '/' ||
			   (plus && c == '+' && i == 0)) {
			put(w, c);
		} else {
			put(w, '*');
		}
	}
	return finish(w);
}

/* j***@g****.com: first character of the local part and of the domain,
 * the last dot and the top-level domain. */
static size_t mask_email(wr *w, const char *v, size_t len)
{
	const char *at = memrchr(v, '@', len), *dom, *dot;
	size_t dlen, body;

	if (!at || at == v || at + 1 == v + len)
		return 0;
	first_char(w, v, (size_t)(at - v));
	stars(w, 3);
	put(w, '@');
	dom = at + 1;
	dlen = (size_t)(v + len - dom);
	dot = memrchr(dom, '.', dlen);
	body = dot ? (size_t)(dot - dom) : dlen;
	first_char(w, dom, body);
	stars(w, body <= 1 ? 1 : body - 1 > MAX_STARS ? MAX_STARS : body - 1);
	if (dot && (size_t)(v + len - dot) <= 32)
		puts_n(w, dot, (size_t)(v + len - dot));
	return finish(w);
}

/* DE** **** **** **** **30 00: country code and last four kept. */
static size_t mask_iban(wr *w, const char *v, size_t len)
{
	size_t i, na = 0, seen = 0;

	if (len > MAX_SHAPED)
		len = MAX_SHAPED;
	for (i = 0; i < len; i++)
		na += is_alnum(v[i]);
	for (i = 0; i < len; i++) {
		char c = v[i];

		if (c == ' ') {
			put(w, c);
		} else if (!is_alnum(c)) {
			put(w, '*');
		} else {
			put(w, seen < 2 || seen + 4 >= na ? c : '*');
			seen++;
		}
	}
	return finish(w);
}

/* IPv4 10.*.*.*; IPv6 2001:*::*:*: the first group kept, every later
 * group written as one '*'. */
static size_t mask_ip(wr *w, const char *v, size_t len)
{
	size_t i = 0;
	int v6 = memchr(v, ':', len) != NULL;
	char sep = v6 ? ':' : '.';

	if (len > MAX_SHAPED)
		len = MAX_SHAPED;
	while (i < len && v[i] != sep && is_alnum(v[i]))
		put(w, v[i++]);
	while (i < len) {
		if (v[i] == ':' || (!v6 && v[i] == '.')) {
			put(w, v[i++]);
			continue;
		}
		put(w, '*');
		while (i < len && v[i] != ':' && (v6 || v[i] != '.'))
			i++;
	}
	return finish(w);
}

/* "-----BEGIN RSA PRIVATE KEY-----": the armour header only. */
static size_t mask_pem(wr *w, const char *v, size_t len)
{
	size_t i;

	if (len < 16 || memcmp(v, "-----BEGIN ", 11) != 0)
		return 0;
	for (i = 11; i < len && i < 64; i++) {
		if (v[i] == '-') {
			if (i + 5 <= len && memcmp(v + i, "-----", 5) == 0) {
				puts_n(w, v, i + 5);
				return finish(w);
			}
			return 0;
		}
		if (!(v[i] >= 'A' && v[i] <= 'Z') && v[i] != ' ')
			return 0;
	}
	return 0;
}

/* Secret prefixes that say what a token is without giving it away;
 * longer ones first where one is a prefix of another. */
/* clang-format off */
static const char *const secret_prefixes[] = {
	"github_pat_", "sk-proj-", "sk_live_", "sk_test_", "rk_live_",
	"rk_test_", "pk_live_", "pk_test_", "dop_v1_", "shpat_", "glpat-",
	"xoxb-", "xoxp-", "xoxa-", "xoxs-", "ghp_", "gho_", "ghu_", "ghs_",
	"ghr_", "npm_", "AKIA", "ASIA", "ABIA", "ACCA", "AIza", "SG.", "hf_",
	"sk-", NULL
};
/* clang-format on */

/* First character (or a known secret prefix) and stars, at most
 * MAX_DEFAULT characters in all. */
static size_t mask_default(wr *w, const char *v, size_t len)
{
	size_t i, used, rest;

	for (i = 0; secret_prefixes[i]; i++) {
		size_t pl;

		/* Most values start with none of them: the first byte says
		 * so without measuring and comparing each prefix (a third of
		 * a preview's cost went there). */
		if (v[0] != secret_prefixes[i][0])
			continue;
		pl = strlen(secret_prefixes[i]);
		if (len > pl && memcmp(v, secret_prefixes[i], pl) == 0) {
			puts_n(w, v, pl);
			rest = nchars(v + pl, len - pl);
			stars(w, rest > MAX_DEFAULT - pl ? MAX_DEFAULT - pl
							 : rest);
			return finish(w);
		}
	}
	used = first_char(w, v, len);
	rest = nchars(v + used, len - used);
	stars(w, rest > MAX_DEFAULT - 1 ? MAX_DEFAULT - 1 : rest);
	return finish(w);
}

size_t aud_mask(char *out, size_t cap, const char *entity, const char *value,
		size_t len)
{
	wr w = {out, cap, 0};
	size_t n = 0;

	if (cap == 0)
		return 0;
	out[0] = '\0';
	if (!value || len == 0)
		return 0;
	if (is(entity, "EMAIL_ADDRESS"))
		n = mask_email(&w, value, len);
	else if (is(entity, "CREDIT_CARD") || is(entity, "US_SSN"))
		return mask_digits(&w, value, len, 4, 0);
	else if (is(entity, "PHONE_NUMBER"))
		return mask_digits(&w, value, len, 2, 1);
	else if (is(entity, "IBAN_CODE"))
		return mask_iban(&w, value, len);
	else if (is(entity, "IP_ADDRESS"))
		return mask_ip(&w, value, len);
	else if (is(entity, "PRIVATE_KEY"))
		n = mask_pem(&w, value, len);
	if (n)
		return n;
	w.n = 0; /* the shaped mask did not apply */
	return mask_default(&w, value, len);
}

/* Phone numbers: '+' and digits, a "(0)" trunk prefix after a country
 * code dropped; NANP numbers (+1, 1 or nothing before ten digits) become
 * their ten digits, so (212) 555-1234 and +1 212 555 1234 agree. */
static size_t norm_phone(wr *w, const char *v, size_t len)
{
	size_t i = 0, st;
	int plus;

	while (i < len && v[i] == ' ')
		i++;
	plus = i < len && v[i] == '+';
	if (plus)
		put(w, '+');
	st = w->n;
	for (; i < len; i++) {
		if (plus && v[i] == '(' && i + 2 < len && v[i + 1] == '0' &&
		    v[i + 2] == ')') {
			i += 2;
			continue;
		}
		if (is_digit(v[i]))
			put(w, v[i]);
	}
	if (w->n - st == 11 && w->p[st] == '1') {
		/* +1NXXNXXXXXX or 1NXXNXXXXXX -> NXXNXXXXXX */
		size_t from = st + 1, to = plus ? st - 1 : st;

		memmove(w->p + to, w->p + from, 10);
		w->n = to + 10;
	}
	return finish(w);
}

size_t aud_normalize(char *out, size_t cap, const char *entity,
		     const char *value, size_t len)
{
	wr w = {out, cap, 0};
	size_t i;

	if (cap == 0)
		return 0;
	if (!value)
		len = 0;
	if (is(entity, "EMAIL_ADDRESS")) {
		for (i = 0; i < len; i++) {
			char c = value[i];

			put(&w,
			    c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c);
		}
	} else if (is(entity, "CREDIT_CARD") || is(entity, "US_SSN")) {
		for (i = 0; i < len; i++)
			if (is_digit(value[i]))
				put(&w, value[i]);
	} else if (is(entity, "PHONE_NUMBER")) {
		return norm_phone(&w, value, len);
	} else if (is(entity, "IBAN_CODE")) {
		for (i = 0; i < len; i++) {
			char c = value[i];

			if (c >= 'a' && c <= 'z')
				c = (char)(c - 'a' + 'A');
			if (is_alnum(c))
				put(&w, c);
		}
	} else if (is(entity, "IP_ADDRESS") && memchr(value, ':', len) &&
		   len < 64) {
		/* RFC 5952 text: lower case, zeros compressed */
		char in[64], txt[INET6_ADDRSTRLEN];
		unsigned char a[16];

		memcpy(in, value, len);
		in[len] = '\0';
		if (inet_pton(AF_INET6, in, a) == 1 &&
		    inet_ntop(AF_INET6, a, txt, sizeof txt) &&
		    strlen(txt) <= len)
			puts_n(&w, txt, strlen(txt));
		else
			puts_n(&w, value, len);
	} else {
		puts_n(&w, value, len);
	}
	return finish(&w);
}
