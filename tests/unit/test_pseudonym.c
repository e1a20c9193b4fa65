/*
 * test_pseudonym.c: keyed pseudonyms. Shapes are checked by hand-written
 * rules (digits where digits were, separators kept, the e-mail domain
 * under .example, Luhn computed here); consistency by the same value twice
 * and under another key; and the promise that a rescan finds nothing by
 * taking every must-match sample of every pattern file, replacing each of
 * its findings with its pseudonym, and scanning the result again.
 */
#include "auditor/detect.h"
#include "auditor/keyhash.h"
#include "auditor/pseudonym.h"

#include "harness.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static aud_keyhash *k1, *k2;
static aud_patternset *ps;
static aud_pseudonymizer *pz;

/* The candidate-0 pseudonym as a C string (static, overwritten). */
static const char *pn(const aud_keyhash *kh, const char *entity, const char *v)
{
	static char out[4][512];
	static int i;
	aud_buf b = {0};
	int rc = aud_pseudonym_candidate(kh, entity, v, strlen(v), 0, &b);

	i = (i + 1) % 4;
	if (rc != 1) {
		aud_buf_free(&b);
		return rc == 0 ? "(none)" : "(error)";
	}
	snprintf(out[i], sizeof out[i], "%.*s", (int)b.len, b.p);
	aud_buf_free(&b);
	return out[i];
}

/* Same length, and every byte that is not a letter or digit in place. */
static int same_layout(const char *a, const char *b)
{
	size_t i;

	if (strlen(a) != strlen(b))
		return 0;
	for (i = 0; a[i]; i++) {
		if (!isdigit((unsigned char)a[i]) !=
		    !isdigit((unsigned char)b[i]))
			return 0;
		if (!isalnum((unsigned char)a[i]) && a[i] != b[i])
			return 0;
	}
	return 1;
}

static int luhn_ok(const char *s)
{
	int sum = 0, alt = 0;
	size_t i = strlen(s);

	while (i--) {
		int d;

		if (!isdigit((unsigned char)s[i]))
			continue;
		d = s[i] - '0';
		if (alt && (d *= 2) > 9)
			d -= 9;
		sum += d;
		alt = !alt;
	}
	return sum % 10 == 0;
}

static void digits(const char *s, char *out)
{
	for (; *s; s++)
		if (isdigit((unsigned char)*s))
			*out++ = *s;
	*out = '\0';
}

static void test_consistent(void)
{
	const char *a = pn(k1, "EMAIL_ADDRESS", "john.doe@gmail.com");
	const char *b = pn(k1, "EMAIL_ADDRESS", "john.doe@gmail.com");
	const char *c = pn(k2, "EMAIL_ADDRESS", "john.doe@gmail.com");
	const char *d = pn(k1, "EMAIL_ADDRESS", "jane.roe@gmail.com");

	CHECK_STR(a, b);
	CHECK(strcmp(a, c) != 0);
	CHECK(strcmp(a, d) != 0);
	/* one domain, one pseudo-domain, under either address */
	CHECK_STR(strchr(a, '@'), strchr(d, '@'));
	/* normalised first: case does not make another person */
	CHECK(strcasecmp(a, pn(k1, "EMAIL_ADDRESS", "John.Doe@GMAIL.com")) ==
	      0);
	/* the same number written two ways: the same digits */
	{
		char x[64], y[64];

		digits(pn(k1, "US_SSN", "123-45-6789"), x);
		digits(pn(k1, "US_SSN", "123456789"), y);
		CHECK_STR(x, y);
	}
	/* a column's class stands for its entity */
	CHECK_STR(pn(k1, "EMAIL", "john.doe@gmail.com"), a);
}

static void test_email(void)
{
	const char *p = pn(k1, "EMAIL_ADDRESS", "john.doe+x@mail.co.uk");
	const char *at = strchr(p, '@');

	CHECK(at != NULL && strchr(at + 1, '@') == NULL);
	/* local part: same layout; domain: its labels, then .example */
	CHECK(at - p == 10 && p[4] == '.' && p[8] == '+');
	CHECK(strlen(at) == strlen("@mail.co.example"));
	CHECK(strcmp(p + strlen(p) - 8, ".example") == 0);
	CHECK(at[5] == '.');
	CHECK(strncmp(at + 1, "mail", 4) != 0);
}

static void test_phone(void)
{
	const char *p = pn(k1, "PHONE_NUMBER", "(212) 555-2368");
	const char *q = pn(k1, "PHONE_NUMBER", "+1 212-867-5309");
	const char *u = pn(k1, "PHONE_NUMBER", "+44 20 7123 4567");
	const char *f = pn(k1, "PHONE_NUMBER", "01 42 68 53 00");
	char d[32];

	CHECK(same_layout("(212) 555-2368", p));
	digits(p, d);
	CHECK(strncmp(d + 3, "55501", 5) == 0 && d[0] >= '2');
	CHECK(same_layout("+1 212-867-5309", q));
	digits(q, d);
	CHECK(d[0] == '1' && strncmp(d + 4, "55501", 5) == 0);
	CHECK(same_layout("+44 20 7123 4567", u));
	digits(u, d);
	CHECK(strncmp(d, "447700900", 9) == 0);
	/* national with trunk 0: a second 0, which no plan has */
	CHECK(same_layout("01 42 68 53 00", f));
	CHECK(f[0] == '0' && f[1] == '0');
}

static void test_card_ssn_ip(void)
{
	const char *c, *s, *v4, *v6;
	int i, valid = 0;

	/* Luhn fails for every value tried */
	for (i = 0; i < 200; i++) {
		char v[32];

		snprintf(v, sizeof v, "4%015d", i * 7919);
		valid += luhn_ok(pn(k1, "CREDIT_CARD", v));
	}
	CHECK_EQ_INT(valid, 0);
	c = pn(k1, "CREDIT_CARD", "4556 7375 8689 9855");
	s = pn(k1, "US_SSN", "123-45-6789");
	v4 = pn(k1, "IP_ADDRESS", "8.8.4.4");
	v6 = pn(k1, "IP_ADDRESS", "2a00:1450:4001::200e");
	CHECK(same_layout("4556 7375 8689 9855", c));
	CHECK(c[0] == '4' && !luhn_ok(c));
	CHECK(same_layout("123-45-6789", s));
	CHECK(s[0] == '9' && s[4] >= '0' && s[4] <= '4');
	s = pn(k1, "US_ITIN", "912-70-1234");
	CHECK(s[0] == '9' && s[4] >= '0' && s[4] <= '4');
	CHECK(strncmp(v4, "192.0.2.", 8) == 0 ||
	      strncmp(v4, "198.51.100.", 11) == 0 ||
	      strncmp(v4, "203.0.113.", 10) == 0);
	CHECK(strncmp(v6, "2001:db8:", 9) == 0);
}

static void test_other_shapes(void)
{
	const char *n = pn(k1, "PERSON_NAME", "Jos\xc3\xa9 M\xc3\xbcller");
	const char *m = pn(k1, "MAC_ADDRESS", "00:1a:2b:3c:4d:5e");

	/* a non-ASCII letter becomes one ASCII letter */
	CHECK_EQ_INT(strlen(n), strlen("Jose Muller"));
	CHECK(isupper((unsigned char)n[0]) && n[4] == ' ' &&
	      isupper((unsigned char)n[5]));
	/* names: word by word, so one first name maps the same anywhere */
	{
		char full[64];

		snprintf(full, sizeof full, "%s",
			 pn(k1, "PERSON_NAME", "Miguel Hernandez"));
		CHECK(strncasecmp(full, pn(k1, "PERSON_NAME", "miguel"), 6) ==
		      0);
		CHECK(strcasecmp(full + 7,
				 pn(k1, "PERSON_NAME", "HERNANDEZ")) == 0);
		CHECK(strncmp(full, "Miguel", 6) != 0);
	}
	/* no longer hex: the first character is a letter past f */
	CHECK(m[0] > 'f' && m[2] == ':');
	/* secrets and credentials get none */
	CHECK_STR(pn(k1, "AWS_ACCESS_KEY", "AKIA2OGYBAH6STMMNXNN"), "(none)");
	CHECK_STR(pn(k1, "CREDENTIAL", "hunter2"), "(none)");
}

/* ---- every pattern sample, pseudonymized, is not found again -------- */

/* Unquotes a sample written as "..." with \n \t \" \\ \xHH escapes. */
static size_t unquote(const char *s, char *out)
{
	size_t n = strlen(s), k = 0, i;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"') {
		memcpy(out, s, n);
		return n;
	}
	for (i = 1; i + 1 < n; i++) {
		if (s[i] != '\\' || i + 2 >= n) {
			out[k++] = s[i];
			continue;
		}
		i++;
		if (s[i] == 'n')
			out[k++] = '\n';
		else if (s[i] == 't')
			out[k++] = '\t';
		else if (s[i] == 'x') {
			unsigned v = 0;

			sscanf(s + i + 1, "%2x", &v);
			out[k++] = (char)v;
			i += 2;
		} else
			out[k++] = s[i];
	}
	return k;
}

static int found_real(aud_detector *d, const char *v, size_t n)
{
	const aud_match *m;
	int k = aud_detect_field(d, "", 0, v, n, &m, NULL), i, real = 0;

	for (i = 0; i < k; i++)
		if (m[i].evidence != AUD_EV_PLACEHOLDER &&
		    strcmp(m[i].entity, "REDACTION_MARKER") != 0)
			real++;
	return real;
}

/* Rewrites sample v with each finding replaced (pseudonym, or marker when
 * there is none). Returns 1 when the rewrite is found again. */
static int rewrite_found(aud_detector *d, const char *v, size_t n,
			 int *pseudonyms, int *markers)
{
	const aud_match *m;
	aud_match keep[64];
	aud_buf out = {0}, p = {0};
	size_t at = 0, end;
	int k = aud_detect_field(d, "", 0, v, n, &m, NULL), i, nk = 0, again;

	for (i = 0; i < k && nk < 64; i++)
		if (m[i].evidence != AUD_EV_PLACEHOLDER &&
		    strcmp(m[i].entity, "REDACTION_MARKER") != 0)
			keep[nk++] = m[i];
	for (i = 0; i < nk; i++) {
		if (keep[i].start < at)
			continue; /* inside the previous one */
		end = keep[i].start + keep[i].len;
		aud_buf_append(&out, v + at, keep[i].start - at);
		if (aud_pseudonymize(pz, keep[i].entity, v + keep[i].start,
				     keep[i].len, &p, NULL) == 1) {
			aud_buf_append(&out, p.p, p.len);
			(*pseudonyms)++;
		} else {
			aud_buf_append(&out, "<", 1);
			aud_buf_append(&out, keep[i].entity,
				       strlen(keep[i].entity));
			aud_buf_append(&out, ">", 1);
			(*markers)++;
		}
		at = end;
	}
	aud_buf_append(&out, v + at, n - at);
	again = found_real(d, out.p ? out.p : "", out.len);
	if (again)
		fprintf(stderr, "  found again: '%.*s' -> '%.*s'\n", (int)n, v,
			(int)out.len, out.p);
	aud_buf_free(&out);
	aud_buf_free(&p);
	return again;
}

static void test_samples(void)
{
	const char *src = getenv("AUD_SRC");
	char dirp[1024], path[1300], line[4096], v[4096];
	aud_detector *d = NULL;
	struct dirent **ents;
	int n, i, samples = 0, again = 0, pseudonyms = 0, markers = 0;

	snprintf(dirp, sizeof dirp, "%s/patterns", src ? src : ".");
	n = scandir(dirp, &ents, NULL, alphasort);
	CHECK(n > 0);
	CHECK_EQ_INT(aud_detector_new(&d, ps, NULL), 0);
	for (i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		size_t l = strlen(nm);
		FILE *f;

		if (l < 4 || strcmp(nm + l - 4, ".pat") != 0 ||
		    strstr(nm, "markers")) {
			free(ents[i]);
			continue;
		}
		snprintf(path, sizeof path, "%s/%s", dirp, nm);
		free(ents[i]);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof line, f)) {
			size_t vl;

			if (strncmp(line, "match:", 6) != 0)
				continue;
			line[strcspn(line, "\n")] = '\0';
			vl = unquote(line + 6 + strspn(line + 6, " "), v);
			if (!found_real(d, v, vl))
				continue; /* needs a field name as context */
			samples++;
			again += rewrite_found(d, v, vl, &pseudonyms, &markers);
		}
		fclose(f);
	}
	free(ents);
	fprintf(stderr,
		"  %d samples: %d pseudonyms, %d markers, %d found "
		"again\n",
		samples, pseudonyms, markers, again);
	CHECK(samples > 300);
	CHECK(pseudonyms > 250);
	CHECK_EQ_INT(again, 0);
	aud_detector_free(d);
}

int main(void)
{
	const char *src = getenv("AUD_SRC");
	char dirp[1024];
	const char *paths[1];
	aud_err err;

	aud_err_clear(&err);
	snprintf(dirp, sizeof dirp, "%s/patterns", src ? src : ".");
	paths[0] = dirp;
	if (aud_keyhash_new(&k1, (const unsigned char *)"first-key-0123456789",
			    20, &err) ||
	    aud_keyhash_new(&k2, (const unsigned char *)"other-key-0123456789",
			    20, &err) ||
	    aud_patterns_load(&ps, paths, 1, &err) ||
	    aud_pseudonymizer_new(&pz, ps, k1, &err)) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return 2;
	}
	RUN(test_consistent);
	RUN(test_email);
	RUN(test_phone);
	RUN(test_card_ssn_ip);
	RUN(test_other_shapes);
	RUN(test_samples);
	aud_pseudonymizer_free(pz);
	aud_patterns_free(ps);
	aud_keyhash_free(k1);
	aud_keyhash_free(k2);
	return DONE();
}
