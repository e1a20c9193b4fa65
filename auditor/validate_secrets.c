/*
 * validate_secrets.c: validators and documentation values of the secrets
 * family (see validate_impl.h): checksums that vendors build into their
 * tokens (GitHub and npm CRC-32 in base62, GitLab routable tokens' CRC-32
 * in base36), the structure of a JSON Web Token (both halves must decode to
 * JSON objects, the header naming its "alg"), the character mix of an AWS
 * secret access key, and the plausibility checks that keep a generic
 * "password = ..." assignment from reporting code (self.password,
 * os.getenv(...)) or file paths, and the shape of a URL's "user:password".
 * The placeholder list knows the keys that vendors print in their
 * documentation and the markers people write instead of a secret
 * (${DB_PASSWORD}, YOUR_API_KEY, xxxx, changeme).
 *
 * Finding candidates is the regexes' job (patterns/secrets*.pat); the
 * entropy gate and context words are detect.c's. Like every validator,
 * these never allocate (fixed stack buffers, bounded recursion) and never
 * read past len.
 */
#include "validate_impl.h"

#include <stdint.h>
#include <string.h>

/* Longest JWT segment we decode (base64url characters). The JWT pattern
 * bounds its segments below this; a longer one is not validated. */
#define JWT_MAX_SEG 6144
#define JSON_MAX_DEPTH 32

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(int c) { return c >= 'a' && c <= 'z'; }
static int is_alnum(int c) { return is_digit(c) || is_upper(c) || is_lower(c); }

static int lower(int c) { return is_upper(c) ? c - 'A' + 'a' : c; }

/* Does {s, n} contain the C string w, ASCII case-insensitively? */
static int has_nocase(const char *s, size_t n, const char *w)
{
	size_t m = strlen(w), i, j;

	for (i = 0; m && i + m <= n; i++) {
		for (j = 0; j < m; j++)
			if (lower((unsigned char)s[i + j]) != w[j])
				break;
		if (j == m)
			return 1;
	}
	return 0;
}

/* Is {s, n} equal to the lower-case C string w, case-insensitively? */
static int eq_nocase(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && has_nocase(s, n, w);
}

static int has(const char *s, size_t n, const char *w)
{
	return memmem(s, n, w, strlen(w)) != NULL;
}

/*
 * CRC-32 as specified for HDLC in ISO/IEC 13239 (also ITU-T V.42, IEEE
 * 802.3, zlib's crc32()): reflected polynomial 0xEDB88320, initial value
 * and final XOR 0xFFFFFFFF. Check value: "123456789" -> 0xCBF43926.
 */
static uint32_t crc32_ieee(const char *s, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= (unsigned char)s[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
	}
	return c ^ 0xFFFFFFFFu;
}

/* Digit value in the base62 alphabet 0-9A-Za-z, or -1. */
static int b62(int c)
{
	if (is_digit(c))
		return c - '0';
	if (is_upper(c))
		return c - 'A' + 10;
	if (is_lower(c))
		return c - 'a' + 36;
	return -1;
}

/* Digit value in the lower-case base36 alphabet 0-9a-z, or -1. */
static int b36(int c)
{
	if (is_digit(c))
		return c - '0';
	if (is_lower(c))
		return c - 'a' + 10;
	return -1;
}

/* 30 random base62 characters followed by the CRC-32 of those 30 bytes
 * written as 6 base62 digits (0-9A-Za-z, most significant first, left
 * padded with '0'). */
static int b62_crc_ok(const char *p)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < 36; i++)
		if (!is_alnum((unsigned char)p[i]))
			return 0;
	for (i = 30; i < 36; i++)
		v = v * 62 + (uint64_t)b62((unsigned char)p[i]);
	if (v > 0xFFFFFFFFu)
		return 0;
	return crc32_ieee(p, 30) == (uint32_t)v;
}

/*
 * GitHub token, the format of April 2021 (GitHub blog, "Behind GitHub's
 * new authentication token formats", 2021-04-05): a prefix ghp_ (personal
 * access), gho_ (OAuth), ghu_ (user-to-server), ghs_ (server-to-server),
 * ghr_ (refresh), then 36 base62 characters whose last six are "a 32-bit
 * checksum" of the rest. The checksum is CRC-32 of the 30 random
 * characters in base62 with the alphabet 0-9A-Za-z, left-padded to six
 * digits: GitHub's npm announcement says "CRC32 checksum ... encoded in
 * Base62"; the alphabet and input were established on real tokens (A.J.
 * O'Neal, "GitHub token format", gist coolaj86/eb8cddfd3e42, 2021) and are
 * what Samsung CredSweeper's ValueGitHubCheck applies.
 */
static int v_github_token(const char *s, size_t len)
{
	if (len != 40 || s[0] != 'g' || s[1] != 'h' || s[3] != '_' ||
	    !memchr("pousr", s[2], 5))
		return 0;
	return b62_crc_ok(s + 4);
}

/*
 * npm access token, format of September 2021 (GitHub blog, "Announcing
 * npm's new access token format", 2021-09-23): "npm_" and 36 base62
 * characters, "the last six characters of the tokens consist of CRC32
 * checksum ... encoded in Base62", the same scheme as GitHub's tokens.
 */
static int v_npm_token(const char *s, size_t len)
{
	if (len != 40 || memcmp(s, "npm_", 4) != 0)
		return 0;
	return b62_crc_ok(s + 4);
}

static int is_b64url(int c) { return is_alnum(c) || c == '-' || c == '_'; }

/*
 * GitLab routable token (GitLab source, lib/authn/token_field/generator/
 * routable_token.rb, GitLab 17.x and later): prefix (glpat-, glrt-t1_,
 * ...), the URL-safe base64 of random bytes and routing payload, then
 * either ".<len>" (first framing) or ".<version>.<len>" (version 1, "01"),
 * where <len> is the length of the base64 part as two base36 digits, and
 * finally the CRC-32 of everything before it as seven lower-case base36
 * digits (Ruby's Integer#to_s(36), left-padded with '0').
 */
static int v_gitlab_routable_token(const char *s, size_t len)
{
	uint64_t crc = 0;
	size_t i, end, start;
	int d1, d2;

	if (len < 3 + 20 + 1 + 9 || len > 400 || s[0] != 'g' || s[1] != 'l')
		return 0;
	for (i = len - 7; i < len; i++) {
		int d = b36((unsigned char)s[i]);

		if (d < 0)
			return 0;
		crc = crc * 36 + (uint64_t)d;
	}
	if (crc > 0xFFFFFFFFu)
		return 0;
	d1 = b36((unsigned char)s[len - 9]);
	d2 = b36((unsigned char)s[len - 8]);
	if (d1 < 0 || d2 < 0 || s[len - 10] != '.')
		return 0;
	end = len - 10; /* the dot before <len> */
	if (end >= 3 && s[end - 3] == '.' &&
	    b36((unsigned char)s[end - 2]) >= 0 &&
	    b36((unsigned char)s[end - 1]) >= 0)
		end -= 3; /* ".01." framing: base64 never holds a dot */
	if ((size_t)(d1 * 36 + d2) < 20 || (size_t)(d1 * 36 + d2) + 3 > end)
		return 0;
	start = end - (size_t)(d1 * 36 + d2);
	for (i = start; i < end; i++)
		if (!is_b64url((unsigned char)s[i]))
			return 0;
	for (i = 0; i < start; i++)
		if (!is_b64url((unsigned char)s[i]))
			return 0;
	return crc32_ieee(s, len - 7) == (uint32_t)crc;
}

/*
 * AWS secret access key: 40 characters of the base64 alphabet without
 * padding (IAM API Reference, AccessKey.SecretAccessKey; AWS Security
 * Blog, "A safer way to distribute AWS credentials to EC2", 2014, gives
 * the pattern [A-Za-z0-9/+=]{40}). Keys are random, so one without both
 * letter cases and without a digit or '/' or '+' is a word or an
 * identifier, not a key (a random 40-character key lacks them with
 * probability below 1e-3).
 */
static int v_aws_secret_key(const char *s, size_t len)
{
	int up = 0, lo = 0, other = 0;
	size_t i;

	if (len != 40)
		return 0;
	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (is_upper(c))
			up = 1;
		else if (is_lower(c))
			lo = 1;
		else if (is_digit(c) || c == '/' || c == '+')
			other = 1;
		else
			return 0;
	}
	return up && lo && other;
}

/* ---- JSON Web Token ---------------------------------------------------- */

static int b64url_val(int c)
{
	if (is_upper(c))
		return c - 'A';
	if (is_lower(c))
		return c - 'a' + 26;
	if (is_digit(c))
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

/* Decodes unpadded base64url (RFC 4648 section 5, as JWS uses it: RFC
 * 7515 section 2) into out[cap]. Returns the byte count, or -1 for a bad
 * character, an impossible length (n % 4 == 1) or too long an input. */
static long b64url_decode(const char *s, size_t n, unsigned char *out,
			  size_t cap)
{
	uint32_t acc = 0;
	size_t i, o = 0;
	int bits = 0;

	if (n % 4 == 1 || n / 4 * 3 + 2 > cap)
		return -1;
	for (i = 0; i < n; i++) {
		int v = b64url_val((unsigned char)s[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	return (long)o;
}

/* A small recursive-descent JSON reader (RFC 8259) over a decoded
 * buffer: it only says whether the text is one well-formed object, and
 * whether that object has a top-level member "alg" with a string value. */
struct js {
	const unsigned char *p, *e;
};

static void js_ws(struct js *j)
{
	while (j->p < j->e && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' ||
			       *j->p == '\r'))
		j->p++;
}

/* At '"': skips the string. On success *raw and *rawlen give its bytes
 * between the quotes (escapes left as written). */
static int js_string(struct js *j, const unsigned char **raw, size_t *rawlen)
{
	const unsigned char *st;

	if (j->p >= j->e || *j->p != '"')
		return 0;
	st = ++j->p;
	while (j->p < j->e && *j->p != '"') {
		if (*j->p < 0x20)
			return 0;
		if (*j->p == '\\') {
			int k;

			if (++j->p >= j->e)
				return 0;
			if (*j->p == 'u') {
				for (k = 1; k <= 4; k++)
					if (j->p + k >= j->e ||
					    !((is_digit(j->p[k])) ||
					      (lower(j->p[k]) >= 'a' &&
					       lower(j->p[k]) <= 'f')))
						return 0;
				j->p += 4;
			} else if (!memchr("\"\\/bfnrt", *j->p, 8)) {
				return 0;
			}
		}
		j->p++;
	}
	if (j->p >= j->e)
		return 0;
	if (raw) {
		*raw = st;
		*rawlen = (size_t)(j->p - st);
	}
	j->p++;
	return 1;
}

static int js_digits(struct js *j)
{
	const unsigned char *st = j->p;

	while (j->p < j->e && is_digit(*j->p))
		j->p++;
	return j->p > st;
}

static int js_number(struct js *j)
{
	if (j->p < j->e && *j->p == '-')
		j->p++;
	if (j->p < j->e && *j->p == '0')
		j->p++;
	else if (!js_digits(j))
		return 0;
	if (j->p < j->e && *j->p == '.') {
		j->p++;
		if (!js_digits(j))
			return 0;
	}
	if (j->p < j->e && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		if (j->p < j->e && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (!js_digits(j))
			return 0;
	}
	return 1;
}

static int js_word(struct js *j, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(j->e - j->p) < n || memcmp(j->p, w, n) != 0)
		return 0;
	j->p += n;
	return 1;
}

static int js_object(struct js *j, int depth, int *alg);

static int js_value(struct js *j, int depth)
{
	js_ws(j);
	if (j->p >= j->e)
		return 0;
	switch (*j->p) {
	case '{':
		return js_object(j, depth + 1, NULL);
	case '[':
		if (depth + 1 > JSON_MAX_DEPTH)
			return 0;
		j->p++;
		js_ws(j);
		if (j->p < j->e && *j->p == ']') {
			j->p++;
			return 1;
		}
		for (;;) {
			if (!js_value(j, depth + 1))
				return 0;
			js_ws(j);
			if (j->p < j->e && *j->p == ',') {
				j->p++;
				continue;
			}
			if (j->p < j->e && *j->p == ']') {
				j->p++;
				return 1;
			}
			return 0;
		}
	case '"':
		return js_string(j, NULL, NULL);
	case 't':
		return js_word(j, "true");
	case 'f':
		return js_word(j, "false");
	case 'n':
		return js_word(j, "null");
	default:
		return js_number(j);
	}
}

/* At '{'. alg, when not NULL, is set when a member "alg" has a string
 * value. */
static int js_object(struct js *j, int depth, int *alg)
{
	if (depth > JSON_MAX_DEPTH || j->p >= j->e || *j->p != '{')
		return 0;
	j->p++;
	js_ws(j);
	if (j->p < j->e && *j->p == '}') {
		j->p++;
		return 1;
	}
	for (;;) {
		const unsigned char *key;
		size_t klen;

		js_ws(j);
		if (!js_string(j, &key, &klen))
			return 0;
		js_ws(j);
		if (j->p >= j->e || *j->p != ':')
			return 0;
		j->p++;
		js_ws(j);
		if (alg && klen == 3 && memcmp(key, "alg", 3) == 0 &&
		    j->p < j->e && *j->p == '"')
			*alg = 1;
		if (!js_value(j, depth))
			return 0;
		js_ws(j);
		if (j->p < j->e && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->e && *j->p == '}') {
			j->p++;
			return 1;
		}
		return 0;
	}
}

/* Is the base64url segment {s, n} the encoding of exactly one JSON object
 * (surrounding white space allowed)? *alg as for js_object. */
static int seg_is_object(const char *s, size_t n, int *alg)
{
	unsigned char buf[JWT_MAX_SEG / 4 * 3 + 4];
	struct js j;
	long m;

	if (n > JWT_MAX_SEG)
		return 0;
	m = b64url_decode(s, n, buf, sizeof buf);
	if (m <= 0)
		return 0;
	j.p = buf;
	j.e = buf + m;
	js_ws(&j);
	if (!js_object(&j, 1, alg))
		return 0;
	js_ws(&j);
	return j.p == j.e;
}

/*
 * JSON Web Token in JWS compact serialisation (RFC 7519 section 3, RFC
 * 7515 sections 3.1 and 7.1): three base64url segments separated by dots,
 * BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature). The
 * header must be a JSON object with an "alg" member (RFC 7515 section
 * 4.1.1: "This Header Parameter MUST be present"); a JWT's payload is a
 * JSON object of claims (RFC 7519 section 7.2 step 10). The signature may
 * be empty (alg "none", RFC 7519 section 6.1).
 */
static int v_jwt(const char *s, size_t len)
{
	const char *d1 = memchr(s, '.', len), *d2;
	size_t i;
	int alg = 0;

	if (!d1)
		return 0;
	d2 = memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - s));
	if (!d2)
		return 0;
	for (i = (size_t)(d2 + 1 - s); i < len; i++)
		if (b64url_val((unsigned char)s[i]) < 0)
			return 0; /* a third dot (JWE) or junk */
	if (!seg_is_object(s, (size_t)(d1 - s), &alg) || !alg)
		return 0;
	return seg_is_object(d1 + 1, (size_t)(d2 - d1 - 1), NULL);
}

/* ---- generic secrets --------------------------------------------------- */

/* An identifier path such as self.password, config.db.pass or
 * process.env.DB_PASSWORD: dot-separated names that start with a letter,
 * '_' or '$'. */
static int is_ident_path(const char *s, size_t len)
{
	size_t i;
	int dots = 0, start = 1;

	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c == '.') {
			if (start)
				return 0;
			dots++;
			start = 1;
		} else if (start) {
			if (!(is_upper(c) || is_lower(c) || c == '_' ||
			      c == '$'))
				return 0;
			start = 0;
		} else if (!(is_alnum(c) || c == '_' || c == '$')) {
			return 0;
		}
	}
	return dots > 0 && !start;
}

/* local@domain.tld: a user name, not a secret. */
static int is_email(const char *s, size_t len)
{
	const char *at = memchr(s, '@', len), *dot;
	size_t i;

	if (!at || at == s)
		return 0;
	dot = memrchr(at, '.', len - (size_t)(at - s));
	if (!dot || dot == at + 1 || s + len - dot < 3)
		return 0;
	for (i = (size_t)(dot + 1 - s); i < len; i++)
		if (!is_upper((unsigned char)s[i]) &&
		    !is_lower((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * Value of a generic "password = ...", "api_key: ..." assignment, or of a
 * field named like one. There is no standard here: these are the habits
 * of secret scanners (gitleaks' generic-api-key rule and detect-secrets'
 * KeywordDetector, which likewise exclude code and paths) written as
 * rules. Printable ASCII without blanks, 8-128 bytes; at least two
 * letters; a digit, or three of lower case, upper case, digits and
 * symbols (so words and slugs such as "my-tls-secret" fail); not an
 * identifier path (self.password), a file path (/run/secrets/db,
 * ./token.txt, ~/.pgpass), an e-mail address or an ISO date.
 */
static int v_generic_secret(const char *s, size_t len)
{
	int lo = 0, up = 0, dg = 0, sy = 0;
	size_t i, letters = 0;

	if (len < 8 || len > 128)
		return 0;
	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c <= ' ' || c >= 0x7f)
			return 0;
		lo |= is_lower(c);
		up |= is_upper(c);
		dg |= is_digit(c);
		sy |= !is_alnum(c);
		letters += is_lower(c) || is_upper(c);
	}
	if (letters < 2 || !(dg || lo + up + sy >= 3))
		return 0;
	if (s[0] == '/' || s[0] == '~' || (s[0] == '.' && s[1] == '/') ||
	    (s[0] == '.' && s[1] == '.' && s[2] == '/'))
		return 0;
	if (is_ident_path(s, len) || is_email(s, len))
		return 0;
	if (is_digit((unsigned char)s[0]) && is_digit((unsigned char)s[1]) &&
	    is_digit((unsigned char)s[2]) && is_digit((unsigned char)s[3]) &&
	    s[4] == '-' && is_digit((unsigned char)s[5]) &&
	    is_digit((unsigned char)s[6]) && s[7] == '-')
		return 0;
	return 1;
}

/*
 * User information of a URL, "user:password" (RFC 3986 section 3.2.1:
 * userinfo = *( unreserved / pct-encoded / sub-delims / ":" ), the
 * "user:password" form being deprecated but still accepted by clients):
 * printable ASCII without blanks, '@' or '/', a ':' after a user name of
 * 0-128 bytes, and a password of 1-128 bytes that is not a port number
 * (1-5 digits: "host:8080@" is a mistyped authority, not a login).
 */
static int v_url_credentials(const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	size_t i, plen, digits = 0;

	if (!colon || (size_t)(colon - s) > 128)
		return 0;
	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c <= ' ' || c >= 0x7f || c == '@' || c == '/')
			return 0;
	}
	plen = len - (size_t)(colon + 1 - s);
	if (plen == 0 || plen > 128)
		return 0;
	for (i = 0; i < plen; i++)
		if (is_digit((unsigned char)colon[1 + i]))
			digits++;
	return !(digits == plen && plen <= 5);
}

static const aud_validator_entry validators[] = {
    {"github_token", v_github_token},
    {"npm_token", v_npm_token},
    {"gitlab_routable_token", v_gitlab_routable_token},
    {"aws_secret_key", v_aws_secret_key},
    {"jwt", v_jwt},
    {"generic_secret", v_generic_secret},
    {"url_credentials", v_url_credentials},
    {NULL, NULL},
};

/* ---- placeholders ------------------------------------------------------ */

/* Eight or more of the same filler byte in a row: xxxxxxxx, XXXXXXXX,
 * ********, 00000000 (what people type instead of a key). */
static int has_filler_run(const char *s, size_t len)
{
	size_t i, run = 0;

	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (i > 0 && c == (unsigned char)s[i - 1] &&
		    (c == 'x' || c == 'X' || c == '*' || c == '0'))
			run++;
		else
			run = 1;
		if (run >= 8)
			return 1;
	}
	return 0;
}

/* A reference to a secret rather than the secret: $DB_PASSWORD,
 * ${DB_PASSWORD}, %DB_PASSWORD%, {{ password }}, <password>, %s. */
static int is_template(const char *s, size_t len)
{
	size_t i;

	if (len >= 2 && s[0] == '$') {
		for (i = 1; i < len; i++)
			if (!is_alnum((unsigned char)s[i]) && s[i] != '_' &&
			    !(i == 1 && s[i] == '{') &&
			    !(i == len - 1 && s[i] == '}' && s[1] == '{'))
				return 0;
		return 1;
	}
	if (len >= 3 && s[0] == '%' && s[len - 1] == '%')
		return 1;
	if (len >= 4 && s[0] == '{' && s[1] == '{')
		return 1;
	if (len >= 3 && s[0] == '<' && s[len - 1] == '>')
		return 1;
	return len == 2 && s[0] == '%' && s[1] == 's';
}

/*
 * Passwords and keys that are not secrets: templates, fillers, the words
 * people write instead of a value, and defaults printed in documentation
 * (Docker's postgres image README: "mysecretpassword"; Java keytool's
 * keystore default "changeit").
 */
static int password_placeholder(const char *s, size_t len)
{
	static const char *const exact[] = {
	    "password",	  "passwd",	  "pass",
	    "pwd",	  "secret",	  "changeme",
	    "changeit",	  "change_me",	  "mysecretpassword",
	    "mypassword", "yourpassword", "your_password",
	    "null",	  "none",	  "nil",
	    "undefined",  "redacted",	  "removed",
	    "hidden",	  "masked",	  "dummy",
	    "example",	  "sample",	  "placeholder",
	    "token",	  "apikey",	  "api_key",
	    "secretkey",  "secret_key",	  "test",
	    "testing",	  "foobar",	  NULL};
	static const char *const part[] = {
	    "your_",	 "your-",	"yourapi",    "yoursecret", "yourtoken",
	    "example",	 "placeholder", "redacted",   "changeme",   "change_me",
	    "change-me", "replace_me",	"replace-me", "replaceme",  "dummy",
	    "insert_",	 "insert-",	"xxxx",	      "****",	    NULL};
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; exact[i]; i++)
		if (eq_nocase(s, len, exact[i]))
			return 1;
	for (i = 0; part[i]; i++)
		if (has_nocase(s, len, part[i]))
			return 1;
	if (has_filler_run(s, len) || is_template(s, len))
		return 1;
	for (i = 1; i < len && s[i] == s[0]; i++)
		;
	return i == len;
}

/*
 * Keys printed in vendors' documentation:
 * - AWS: secret keys ending in EXAMPLEKEY (wJalrXUtnFEMI/K7MDENG/
 *   bPxRfiCYEXAMPLEKEY, "Managing access keys for IAM users", IAM User
 *   Guide);
 * - Stripe: the test keys shown to every reader of the API reference
 *   (sk_test_4eC39HqLyjWDarjtT1zdp7dc, and the older
 *   sk_test_BQokikJOvBiI2HlWgH4olfQ2);
 * - Slack: the incoming-webhook example hooks.slack.com/services/
 *   T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX ("Sending messages using
 *   incoming webhooks", api.slack.com);
 * - JWT: jwt.io's default token (HS256, "John Doe") and the examples of
 *   RFC 7519 sections 3.1 and 6.1 (the latter unsecured, "alg":"none").
 * Any token whose random part is filler (XXXXXXXX, 00000000) or says
 * EXAMPLE is a placeholder too.
 */
static const char *const doc_tokens[] = {
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MD"
    "IyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLm"
    "NvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    "eyJhbGciOiJub25lIn0."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLm"
    "NvbS9pc19yb290Ijp0cnVlfQ.",
    NULL};

static int entity_in(const char *entity, const char *const *list)
{
	size_t i;

	for (i = 0; list[i]; i++)
		if (strcmp(entity, list[i]) == 0)
			return 1;
	return 0;
}

/* The entities secrets_placeholder knows: the two judged as passwords,
 * then the vendor tokens (tokens below). */
static const char *const placeholder_entities[] = {"GENERIC_SECRET",
						   "URL_CREDENTIALS",
						   "AWS_SECRET_KEY",
						   "GITHUB_TOKEN",
						   "GITLAB_TOKEN",
						   "SLACK_TOKEN",
						   "SLACK_WEBHOOK",
						   "STRIPE_KEY",
						   "GOOGLE_API_KEY",
						   "OPENAI_API_KEY",
						   "ANTHROPIC_API_KEY",
						   "TWILIO_KEY",
						   "SENDGRID_KEY",
						   "NPM_TOKEN",
						   "JWT",
						   NULL};
static const char *const *const tokens = placeholder_entities + 2;

static int secrets_placeholder(const char *entity, const char *s, size_t len)
{
	size_t i;

	if (!entity || !s || len == 0)
		return 0;
	if (strcmp(entity, "GENERIC_SECRET") == 0)
		return password_placeholder(s, len);
	if (strcmp(entity, "URL_CREDENTIALS") == 0) {
		/* "user:password" from a URL, or a connection string's bare
		 * password: judge the password part */
		const char *colon = memchr(s, ':', len);

		if (colon)
			return password_placeholder(
			    colon + 1, len - (size_t)(colon + 1 - s));
		return password_placeholder(s, len);
	}
	if (!entity_in(entity, tokens))
		return 0;
	for (i = 0; doc_tokens[i]; i++)
		if (strlen(doc_tokens[i]) == len &&
		    memcmp(doc_tokens[i], s, len) == 0)
			return 1;
	if (strcmp(entity, "JWT") == 0)
		return 0; /* base64 of real claims may hold any run */
	if (strcmp(entity, "SLACK_WEBHOOK") == 0 &&
	    (has(s, len, "/T00000000/") || has(s, len, "/B00000000/")))
		return 1;
	return has(s, len, "EXAMPLE") || has_filler_run(s, len);
}

const aud_validator_family aud_vfamily_secrets = {
    "secrets", validators, secrets_placeholder, placeholder_entities};
