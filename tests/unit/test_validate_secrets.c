/*
 * test_validate_secrets.c: the validators and documentation values of the
 * secrets family (auditor/validate_secrets.c), and the entries of
 * patterns/secrets*.pat that need a field name, which pattern samples
 * cannot give.
 *
 * Where the values come from: vendors' documentation examples (AWS,
 * Stripe, Slack), RFC 7519's example tokens and jwt.io's default token
 * (their HMAC signatures were checked against the published keys), and
 * tokens made up for this test whose checksums were computed with an
 * independent implementation (Python's zlib.crc32 and base64 modules)
 * following the published formats. Values one character away from those
 * are the invalid cases.
 */
#include "auditor/detect.h"
#include "auditor/patterns.h"
#include "auditor/validate.h"

#include "harness.h"
#include "validate_harness.h"

#include <stdlib.h>
#include <string.h>

/* jwt.io's default token: header {"alg":"HS256","typ":"JWT"}, payload
 * {"sub":"1234567890","name":"John Doe","iat":1516239022}, signed with
 * "your-256-bit-secret". */
static const char jwt_io[] =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MD"
    "IyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

/* RFC 7519 section 3.1: header {"typ":"JWT",CRLF "alg":"HS256"} (white
 * space inside the JSON), HMAC key of RFC 7515 appendix A.1. */
static const char jwt_rfc[] =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLm"
    "NvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

/* RFC 7519 section 6.1: the same claims as an unsecured JWT ("alg":
 * "none", empty signature). */
static const char jwt_rfc_none[] =
    "eyJhbGciOiJub25lIn0."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLm"
    "NvbS9pc19yb290Ijp0cnVlfQ.";

static void test_lookup(void)
{
	static const char *const mine[] = {
	    "github_token",    "npm_token", "gitlab_routable_token",
	    "aws_secret_key",  "jwt",	    "generic_secret",
	    "url_credentials", NULL};
	const char *const *names = aud_validator_names();
	size_t i, j, n;

	for (i = 0; mine[i]; i++) {
		CHECK(aud_validator_find(mine[i]) != NULL);
		for (j = 0, n = 0; names[j]; j++)
			n += strcmp(names[j], mine[i]) == 0;
		CHECK_EQ_INT(n, 1); /* listed once across families */
	}
}

static void test_github_token(void)
{
	/* CRC-32 of the 30 random characters, base62 0-9A-Za-z. */
	CHECK_EQ_INT(
	    ok("github_token", "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"), 1);
	CHECK_EQ_INT(
	    ok("github_token", "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"), 1);
	CHECK_EQ_INT(
	    ok("github_token", "ghs_WuyvwYmuBAuKn53AoncVoWb3q2GuX94ZN55P"), 1);
	/* CRC 0x222882a6 < 62^5: the checksum is written "0cmaLW". */
	CHECK_EQ_INT(
	    ok("github_token", "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"), 1);
	/* last checksum character changed */
	CHECK_EQ_INT(
	    ok("github_token", "ghp_ElULtm4UAWTWqIpO0VFwAHUN9ntITv09HyeK"), 0);
	/* a random character changed: the CRC no longer fits */
	CHECK_EQ_INT(
	    ok("github_token", "ghp_FlULtm4UAWTWqIpO0VFwAHUN9ntITv09HyeJ"), 0);
	/* GitHub docs' OAuth example token has no valid checksum */
	CHECK_EQ_INT(
	    ok("github_token", "gho_16C7e42F292c6912E7710c838347Ae178B4a"), 0);
	/* unknown type letter, wrong length, non-base62 */
	CHECK_EQ_INT(
	    ok("github_token", "ghx_ElULtm4UAWTWqIpO0VFwAHUN9ntITv09HyeJ"), 0);
	CHECK_EQ_INT(
	    ok("github_token", "ghp_ElULtm4UAWTWqIpO0VFwAHUN9ntITv09Hye"), 0);
	CHECK_EQ_INT(
	    ok("github_token", "ghp_ElULtm4UAWTWqIpO0VFwAHUN9ntITv09Hy-J"), 0);
	/* checksum digits above 0xFFFFFFFF */
	CHECK_EQ_INT(
	    ok("github_token", "ghp_ElULtm4UAWTWqIpO0VFwAHUN9ntITvzzzzzz"), 0);
	/* the same body under npm's prefix is npm_token's, not this one's */
	CHECK_EQ_INT(
	    ok("github_token", "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"), 0);
}

static void test_npm_token(void)
{
	CHECK_EQ_INT(
	    ok("npm_token", "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"), 1);
	CHECK_EQ_INT(
	    ok("npm_token", "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"), 1);
	CHECK_EQ_INT(
	    ok("npm_token", "npm_KZTANhv2PMXopDximxFM1OjqyNvv8T0m5pmt"), 0);
	CHECK_EQ_INT(
	    ok("npm_token", "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"), 0);
	CHECK_EQ_INT(ok("npm_token", "npm_"), 0);
}

static void test_gitlab_routable_token(void)
{
	/* version 1 framing: <b64>.01.<len 2><crc 7> */
	CHECK_EQ_INT(
	    ok("gitlab_routable_token",
	       "glpat-SD2xdppDe4bhb6n4ajPXEm86MQp1OjJhCA.01.0y1w5jyk6"),
	    1);
	/* first framing: <b64>.<len 2><crc 7> */
	CHECK_EQ_INT(ok("gitlab_routable_token",
			"glpat-TU1HIpCpu0CGGX435DLIY286MQp1OjJhCA.0y1aaf3nk"),
		     1);
	/* runner token, prefix glrt-t2_ (the '_' is not base64's) */
	CHECK_EQ_INT(ok("gitlab_routable_token",
			"glrt-t2_LYPZOVFawLPkzAuU5u6ti2M6MQpvOjMKdDoyCw.01."
			"120hig72f"),
		     1);
	/* CRC changed */
	CHECK_EQ_INT(
	    ok("gitlab_routable_token",
	       "glpat-SD2xdppDe4bhb6n4ajPXEm86MQp1OjJhCA.01.0y1w5jyk7"),
	    0);
	/* payload changed */
	CHECK_EQ_INT(
	    ok("gitlab_routable_token",
	       "glpat-SD2xdppDe4bhb6n4ajPXEm86MQp1OjJhCB.01.0y1w5jyk6"),
	    0);
	/* length field does not match the payload (34 = "0y") */
	CHECK_EQ_INT(
	    ok("gitlab_routable_token",
	       "glpat-SD2xdppDe4bhb6n4ajPXEm86MQp1OjJhCA.01.0z1w5jyk6"),
	    0);
	/* upper-case CRC digits are not Ruby's to_s(36) */
	CHECK_EQ_INT(
	    ok("gitlab_routable_token",
	       "glpat-SD2xdppDe4bhb6n4ajPXEm86MQp1OjJhCA.01.0y1W5JYK6"),
	    0);
	/* the legacy 20-character token has no checksum to check */
	CHECK_EQ_INT(ok("gitlab_routable_token", "glpat-UdjAWtGSU8po_799Nksn"),
		     0);
	CHECK_EQ_INT(ok("gitlab_routable_token", "glpat-.01.0y1w5jyk6"), 0);
}

static void test_aws_secret_key(void)
{
	/* AWS IAM User Guide's example secret access key */
	CHECK_EQ_INT(
	    ok("aws_secret_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
	    1);
	CHECK_EQ_INT(
	    ok("aws_secret_key", "Xr4Tq9vLm2Kp7Wz0Bn5Hc8Jd3Fg6Ys1Ae/QuRo+t"),
	    1);
	/* 39 and 41 characters */
	CHECK_EQ_INT(
	    ok("aws_secret_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE"), 0);
	CHECK_EQ_INT(
	    ok("aws_secret_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYX"),
	    0);
	/* letters only (an identifier), one case only (hex digest) */
	CHECK_EQ_INT(
	    ok("aws_secret_key", "ThisIsNotAKeyButItIsFortyCharactersLongX"),
	    0);
	CHECK_EQ_INT(
	    ok("aws_secret_key", "9fceb02d0ae598e95dc970b74767f19372d61af8"),
	    0);
	/* '=' and '-' are not in a key */
	CHECK_EQ_INT(
	    ok("aws_secret_key", "wJalrXUtnFEMI=K7MDENG/bPxRfiCYEXAMPLEKEY"),
	    0);
	CHECK_EQ_INT(
	    ok("aws_secret_key", "wJalrXUtnFEMI-K7MDENG/bPxRfiCYEXAMPLEKEY"),
	    0);
}

static void test_jwt(void)
{
	char buf[256];
	char deep[400];
	size_t i, n;

	CHECK_EQ_INT(ok("jwt", jwt_io), 1);
	CHECK_EQ_INT(ok("jwt", jwt_rfc), 1);
	CHECK_EQ_INT(ok("jwt", jwt_rfc_none), 1);
	/* header {"typ":"JWT"}: no "alg" */
	CHECK_EQ_INT(ok("jwt", "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.r8m47jgQ1V"
			       "mcwUAoUuWdRufQdCRBgPbrejWXQ52BPFE"),
		     0);
	/* header {"alg":5}: "alg" is not a string */
	CHECK_EQ_INT(ok("jwt", "eyJhbGciOjV9.eyJzdWIiOiJ4In0.abc"), 0);
	/* payload [1,2,3] is not an object */
	CHECK_EQ_INT(ok("jwt", "eyJhbGciOiJIUzI1NiJ9.WzEsMiwzXQ.VezxZuJPWvHo"
			       "gU5nGYVHWVsUQk4DwgLGNOaeCtL31Ug"),
		     0);
	/* header cut short: {"alg":"HS256","typ":"JWT" without '}' */
	CHECK_EQ_INT(ok("jwt", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ.eyJzdWIiOi"
			       "J4In0.r8m47jgQ1VmcwUAoUuWdRufQdCRBgPbrejWXQ52BP"
			       "FE"),
		     0);
	/* header {"alg":"HS256"}x: trailing bytes after the object */
	CHECK_EQ_INT(ok("jwt", "eyJhbGciOiJIUzI1NiJ9eA.eyJzdWIiOiJ4In0.abc"),
		     0);
	/* a fourth segment (JWE has five), two segments, bad characters */
	snprintf(buf, sizeof buf, "%s.abc", jwt_io);
	CHECK_EQ_INT(ok("jwt", buf), 0);
	CHECK_EQ_INT(ok("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0"), 0);
	CHECK_EQ_INT(ok("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.ab+c"), 0);
	CHECK_EQ_INT(ok("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIi$iJ4In0.abc"), 0);
	/* a segment of length 4k+1 is not base64 */
	CHECK_EQ_INT(ok("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0xy.abc"),
		     0);
	/* payload {"a":"\u00e9","b":[true,false,null,-1.5e3,{}]} */
	CHECK_EQ_INT(ok("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJhIjoiXHUwMGU5IiwiYiI6"
			       "W3RydWUsZmFsc2UsbnVsbCwtMS41ZTMse31dfQ.abc"),
		     1);
	/* payload {"a":"\x"}: a bad escape */
	CHECK_EQ_INT(ok("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJhIjoiXHgifQ.abc"), 0);
	/* payload nested 40 deep: {"a":[[[...]]]} (past the depth limit);
	 * built as base64 of the text, 3 bytes -> 4 characters */
	{
		static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
					  "klmnopqrstuvwxyz0123456789-_";
		char text[128];
		size_t t = 0, o;

		t += (size_t)snprintf(text, sizeof text, "{\"a\":");
		for (i = 0; i < 40; i++)
			text[t++] = '[';
		for (i = 0; i < 40; i++)
			text[t++] = ']';
		text[t++] = '}';
		n = (size_t)snprintf(deep, sizeof deep,
				     "eyJhbGciOiJIUzI1NiJ9.");
		for (o = 0; o + 3 <= t; o += 3) {
			unsigned v = (unsigned char)text[o] << 16 |
				     (unsigned char)text[o + 1] << 8 |
				     (unsigned char)text[o + 2];

			deep[n++] = b64[v >> 18 & 63];
			deep[n++] = b64[v >> 12 & 63];
			deep[n++] = b64[v >> 6 & 63];
			deep[n++] = b64[v & 63];
		}
		if (t - o == 1) {
			unsigned v = (unsigned char)text[o] << 16;

			deep[n++] = b64[v >> 18 & 63];
			deep[n++] = b64[v >> 12 & 63];
		} else if (t - o == 2) {
			unsigned v = (unsigned char)text[o] << 16 |
				     (unsigned char)text[o + 1] << 8;

			deep[n++] = b64[v >> 18 & 63];
			deep[n++] = b64[v >> 12 & 63];
			deep[n++] = b64[v >> 6 & 63];
		}
		memcpy(deep + n, ".abc", 5);
		CHECK_EQ_INT(ok("jwt", deep), 0);
	}
	CHECK_EQ_INT(ok("jwt", ""), 0);
	CHECK_EQ_INT(ok("jwt", ".."), 0);
}

static void test_generic_secret(void)
{
	CHECK_EQ_INT(ok("generic_secret", "S9v!kq2Wx7Lr"), 1);
	CHECK_EQ_INT(ok("generic_secret", "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e"),
		     1);
	CHECK_EQ_INT(ok("generic_secret", "django-insecure-9x!k2m@p4q7r"), 1);
	CHECK_EQ_INT(ok("generic_secret", "Gx-Kp-mWq-vRt-zLs-n"), 1);
	CHECK_EQ_INT(ok("generic_secret", "Summer.2024"), 1);
	/* bcrypt hash of a password: leaks it to offline guessing */
	CHECK_EQ_INT(ok("generic_secret", "$2b$12$KIXxPfnK6JKcD8sVJ/5OUe"), 1);
	/* too short, too long, a blank */
	CHECK_EQ_INT(ok("generic_secret", "Ab1!xyz"), 0);
	CHECK_EQ_INT(ok("generic_secret", "Ab1 xyz12"), 0);
	/* a word, a slug, digits only */
	CHECK_EQ_INT(ok("generic_secret", "internationalization"), 0);
	CHECK_EQ_INT(ok("generic_secret", "my-tls-secret"), 0);
	CHECK_EQ_INT(ok("generic_secret", "12345678901"), 0);
	/* code, paths, an e-mail address, a timestamp */
	CHECK_EQ_INT(ok("generic_secret", "self.password"), 0);
	CHECK_EQ_INT(ok("generic_secret", "process.env.DB_PASSWORD2"), 0);
	CHECK_EQ_INT(ok("generic_secret", "/run/secrets/db_password"), 0);
	CHECK_EQ_INT(ok("generic_secret", "./token2.txt"), 0);
	CHECK_EQ_INT(ok("generic_secret", "~/.pgpass2"), 0);
	CHECK_EQ_INT(ok("generic_secret", "jane.doe2@acme-mail.io"), 0);
	CHECK_EQ_INT(ok("generic_secret", "2024-05-01T10:00:00Z"), 0);
}

static void test_url_credentials(void)
{
	/* RFC 3986 section 3.2.1 user information */
	CHECK_EQ_INT(ok("url_credentials", "app_user:Tr0ub4dor-x9"), 1);
	CHECK_EQ_INT(ok("url_credentials", ":9fK2xQ7mLpV3"), 1);
	CHECK_EQ_INT(ok("url_credentials", "user:pa:ss%40word"), 1);
	CHECK_EQ_INT(ok("url_credentials", "root:123456"), 1);
	/* a port, an empty password, no ':' at all */
	CHECK_EQ_INT(ok("url_credentials", "host.acme.io:8080"), 0);
	CHECK_EQ_INT(ok("url_credentials", "user:"), 0);
	CHECK_EQ_INT(ok("url_credentials", "useronly"), 0);
	/* characters a user-info cannot hold */
	CHECK_EQ_INT(ok("url_credentials", "us er:secret12"), 0);
	CHECK_EQ_INT(ok("url_credentials", "user:sec@ret12"), 0);
	CHECK_EQ_INT(ok("url_credentials", "user:sec/ret12"), 0);
}

static void test_placeholders(void)
{
	/* documentation keys */
	CHECK_EQ_INT(
	    ph("AWS_SECRET_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
	    1);
	CHECK_EQ_INT(
	    ph("AWS_SECRET_KEY", "Xr4Tq9vLm2Kp7Wz0Bn5Hc8Jd3Fg6Ys1Ae/QuRo+t"),
	    0);
	CHECK_EQ_INT(ph("STRIPE_KEY", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"), 1);
	CHECK_EQ_INT(ph("STRIPE_KEY", "sk_test_2WjQ5TY4MyWuUFjsUNPjc01T"), 0);
	CHECK_EQ_INT(ph("STRIPE_KEY", "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"), 1);
	CHECK_EQ_INT(ph("SLACK_WEBHOOK",
			"https://hooks.slack.com/services/T00000000/B00000000/"
			"XXXXXXXXXXXXXXXXXXXXXXXX"),
		     1);
	CHECK_EQ_INT(
	    ph("SLACK_WEBHOOK",
	       "https://hooks.slack.com/services/TDL1ERBFQ/BFOEQH3AV90/"
	       "76rNicHTp8hkqdlm7tOtHWns"),
	    0);
	CHECK_EQ_INT(ph("JWT", jwt_io), 1);
	CHECK_EQ_INT(ph("JWT", jwt_rfc), 1);
	CHECK_EQ_INT(ph("JWT", jwt_rfc_none), 1);
	CHECK_EQ_INT(ph("JWT", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."), 0);
	CHECK_EQ_INT(
	    ph("GITHUB_TOKEN", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), 1);
	CHECK_EQ_INT(
	    ph("GITHUB_TOKEN", "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"), 0);
	/* passwords people write instead of a password */
	CHECK_EQ_INT(ph("GENERIC_SECRET", "${DB_PASSWORD}"), 1);
	CHECK_EQ_INT(ph("GENERIC_SECRET", "$DB_PASSWORD"), 1);
	CHECK_EQ_INT(ph("GENERIC_SECRET", "%DB_PASSWORD%"), 1);
	CHECK_EQ_INT(ph("GENERIC_SECRET", "{{ db_password }}"), 1);
	CHECK_EQ_INT(ph("GENERIC_SECRET", "<your-password>"), 1);
	CHECK_EQ_INT(ph("GENERIC_SECRET", "YOUR_API_KEY_HERE"), 1);
	CHECK_EQ_INT(ph("GENERIC_SECRET", "********"), 1);
	CHECK_EQ_INT(ph("GENERIC_SECRET", "ChangeMe"), 1);
	CHECK_EQ_INT(ph("GENERIC_SECRET", "changeit"), 1);
	CHECK_EQ_INT(ph("GENERIC_SECRET", "%s"), 1);
	CHECK_EQ_INT(ph("GENERIC_SECRET", "S9v!kq2Wx7Lr"), 0);
	CHECK_EQ_INT(ph("GENERIC_SECRET", "$2b$12$KIXxPfnK6JKcD8sVJ/5OUe"), 0);
	CHECK_EQ_INT(ph("URL_CREDENTIALS", "postgres:password"), 1);
	CHECK_EQ_INT(ph("URL_CREDENTIALS", "root:${MYSQL_ROOT_PASSWORD}"), 1);
	CHECK_EQ_INT(ph("URL_CREDENTIALS", "postgres:mysecretpassword"), 1);
	CHECK_EQ_INT(ph("URL_CREDENTIALS", "app_user:Tr0ub4dor-x9"), 0);
	CHECK_EQ_INT(ph("URL_CREDENTIALS", "<password>"), 1);
	/* not this family's entities */
	CHECK_EQ_INT(ph("EMAIL_ADDRESS", "changeme"), 0);
	CHECK_EQ_INT(ph("US_SSN", "${SSN}"), 0);
}

/* ---- entries that need a field name ------------------------------------ */

static aud_patternset *ps;
static aud_detector *det;

/* Findings of entity in the value of field name: their count; *start and
 * *len get the first one's span, *ev its evidence. */
static int find(const char *name, const char *value, const char *entity,
		size_t *start, size_t *len, aud_evidence *ev)
{
	const aud_match *m;
	aud_err err = {0};
	int n, i, k = 0;

	n = aud_detect_field(det, name, strlen(name), value, strlen(value), &m,
			     &err);
	for (i = 0; i < n; i++) {
		if (strcmp(m[i].entity, entity) != 0)
			continue;
		if (k++ == 0) {
			*start = m[i].start;
			*len = m[i].len;
			*ev = m[i].evidence;
		}
	}
	return k;
}

static void test_fields(void)
{
	size_t s = 0, l = 0;
	aud_evidence ev = AUD_EV_PATTERN;

	if (!det) {
		fprintf(stderr, "patterns not loaded: field tests skipped\n");
		return;
	}
	/* a column named like a credential */
	CHECK_EQ_INT(
	    find("password", "Wq4!tN8zBv7p", "GENERIC_SECRET", &s, &l, &ev), 1);
	CHECK_EQ_INT(ev, AUD_EV_CONTEXT);
	CHECK_EQ_INT(l, 12);
	CHECK_EQ_INT(find("user.apiKey", "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e",
			  "GENERIC_SECRET", &s, &l, &ev),
		     1);
	CHECK_EQ_INT(find("client_secret", "Gx7-Kp2mWq9vRt4zLs8n",
			  "GENERIC_SECRET", &s, &l, &ev),
		     1);
	/* the same value in a field that names nothing secret */
	CHECK_EQ_INT(
	    find("comment", "Wq4!tN8zBv7p", "GENERIC_SECRET", &s, &l, &ev), 0);
	CHECK_EQ_INT(find("next_page_token", "CiAKGjBpNDd2Nmp2Zml6bjRhM2M2",
			  "GENERIC_SECRET", &s, &l, &ev),
		     0);
	/* a word, a template (dropped: letters and symbols only), a
	 * placeholder, a vendor token (reported as the vendor's) */
	CHECK_EQ_INT(find("password", "internationalization", "GENERIC_SECRET",
			  &s, &l, &ev),
		     0);
	CHECK_EQ_INT(
	    find("password", "${DB_PASSWORD}", "GENERIC_SECRET", &s, &l, &ev),
	    0);
	CHECK_EQ_INT(find("password", "your-password-123", "GENERIC_SECRET", &s,
			  &l, &ev),
		     1);
	CHECK_EQ_INT(ev, AUD_EV_PLACEHOLDER);
	CHECK_EQ_INT(find("api_key", "AIza2rcDkdfrUnW5gcF_Ha6ili8GjHEAD6-Wj9K",
			  "GENERIC_SECRET", &s, &l, &ev),
		     0);
	CHECK_EQ_INT(find("api_key", "AIza2rcDkdfrUnW5gcF_Ha6ili8GjHEAD6-Wj9K",
			  "GOOGLE_API_KEY", &s, &l, &ev),
		     1);
	/* AWS secret key: only the key's own field names give context */
	CHECK_EQ_INT(find("aws_secret_access_key",
			  "Xr4Tq9vLm2Kp7Wz0Bn5Hc8Jd3Fg6Ys1Ae/QuRo+t",
			  "AWS_SECRET_KEY", &s, &l, &ev),
		     1);
	CHECK_EQ_INT(ev, AUD_EV_CONTEXT);
	CHECK_EQ_INT(find("Credentials.SecretAccessKey",
			  "vinX/zMqf9OgXluCZz8xBfZuXTptFyfePpX6N1NF",
			  "AWS_SECRET_KEY", &s, &l, &ev),
		     1);
	CHECK_EQ_INT(find("aws_secret_access_key",
			  "Xr4Tq9vLm2Kp7Wz0Bn5Hc8Jd3Fg6Ys1Ae/QuRo+t",
			  "GENERIC_SECRET", &s, &l, &ev),
		     0);
	CHECK_EQ_INT(find("sha1", "Xr4Tq9vLm2Kp7Wz0Bn5Hc8Jd3Fg6Ys1Ae/QuRo+t",
			  "AWS_SECRET_KEY", &s, &l, &ev),
		     0);
	CHECK_EQ_INT(find("aws_secret_access_key",
			  "9fceb02d0ae598e95dc970b74767f19372d61af8",
			  "AWS_SECRET_KEY", &s, &l, &ev),
		     0);
	/* spans: the secret, not the key name */
	CHECK_EQ_INT(find("", "DB_PASSWORD=\"hR4!tq8Zw2Lm\"", "GENERIC_SECRET",
			  &s, &l, &ev),
		     1);
	CHECK_EQ_INT(s, 13);
	CHECK_EQ_INT(l, 12);
	CHECK_EQ_INT(find("", "postgres://app_user:Tr0ub4dor-x9@db.acme.io/x",
			  "URL_CREDENTIALS", &s, &l, &ev),
		     1);
	CHECK_EQ_INT(s, 11);
	CHECK_EQ_INT(l, 21);
	/* a token in an assignment is reported once, under its vendor */
	CHECK_EQ_INT(find("",
			  "token = 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",
			  "GENERIC_SECRET", &s, &l, &ev),
		     0);
	CHECK_EQ_INT(find("",
			  "token = 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",
			  "GITHUB_TOKEN", &s, &l, &ev),
		     1);
}

static void load(void)
{
	const char *src = getenv("AUD_SRC");
	char a[4096], b[4096];
	const char *paths[2];
	aud_err err = {0};

	snprintf(a, sizeof a, "%s/patterns/secrets.pat", src ? src : ".");
	snprintf(b, sizeof b, "%s/patterns/secrets-generic.pat",
		 src ? src : ".");
	paths[0] = a;
	paths[1] = b;
	if (aud_patterns_load(&ps, paths, 2, &err) != 0) {
		fprintf(stderr, "%s\n", err.msg);
		ps = NULL;
		return;
	}
	if (aud_detector_new(&det, ps, &err) != 0)
		det = NULL;
}

int main(void)
{
	load();
	RUN(test_lookup);
	RUN(test_github_token);
	RUN(test_npm_token);
	RUN(test_gitlab_routable_token);
	RUN(test_aws_secret_key);
	RUN(test_jwt);
	RUN(test_generic_secret);
	RUN(test_url_credentials);
	RUN(test_placeholders);
	RUN(test_fields);
	aud_detector_free(det);
	aud_patterns_free(ps);
	return DONE();
}
