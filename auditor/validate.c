/*
 * validate.c: checksum and structure validators for matched text, and the
 * lists of known documentation/test values (placeholders).
 *
 * A validator gets the bytes a regex matched, separators included, and
 * answers 1 (a well-formed identifier) or 0. It never allocates and never
 * reads past len. Finding candidates is the regex's job (the .pat files);
 * deciding what to report is detect.c's. The source of every rule is cited
 * above the function that applies it, so a reviewer can check it.
 */
#include "auditor/validate.h"
#include "auditor/common.h"
#include "validate_impl.h"

#include <arpa/inet.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

/* Copies the decimal digits of s into out (at most cap) and returns how
 * many there were, or cap + 1 when there are more than cap. */
static size_t digits_of(const char *s, size_t len, char *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			continue;
		if (n == cap)
			return cap + 1;
		out[n++] = s[i];
	}
	return n;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(char c) { return is_digit(c) || is_alpha(c); }

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive comparison of {s, n} with the C string w. */
static int eq_nocase(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i] == '\0' || lower(s[i]) != w[i])
			return 0;
	return w[n] == '\0';
}

/* Value of n decimal digits at d. */
static unsigned num(const char *d, size_t n)
{
	unsigned v = 0;

	while (n--)
		v = v * 10 + (unsigned)(*d++ - '0');
	return v;
}

/*
 * Luhn (mod 10) check digit, ISO/IEC 7812-1:2017 Annex B: from the
 * rightmost digit (the check digit) leftwards, double every second digit,
 * subtract 9 from products over 9, and the sum must be a multiple of 10.
 * Spaces and dashes are ignored; any other non-digit fails.
 */
static int v_luhn(const char *s, size_t len)
{
	unsigned sum = 0, n = 0;
	size_t i;

	for (i = len; i-- > 0;) {
		unsigned d;

		if (s[i] == ' ' || s[i] == '-')
			continue;
		if (!is_digit(s[i]))
			return 0;
		d = (unsigned)(s[i] - '0');
		if (n++ % 2 == 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return n >= 2 && sum % 10 == 0;
}

/*
 * Payment card number: Luhn (ISO/IEC 7812-1) plus an issuer
 * identification number (IIN) range and length that a major network
 * publishes. Ranges: Visa 4 (13, 16, 19 digits); Mastercard 51-55 and
 * 2221-2720 (16); American Express 34, 37 (15); Discover 6011, 644-649,
 * 65 (16-19); JCB 3528-3589 (16-19); UnionPay 62 (16-19); Diners Club
 * International 300-305, 36, 38 (14-19). Sources: the networks' published
 * IIN tables as summarised in ISO/IEC 7812 registries (Visa, Mastercard
 * "2-series" bulletin 2016, Discover Global Network IIN ranges).
 */
static int v_credit_card(const char *s, size_t len)
{
	char d[20];
	size_t n = digits_of(s, len, d, sizeof d);
	unsigned p2, p3, p4;
	int ok = 0;

	if (n < 13 || n > 19 || !v_luhn(s, len))
		return 0;
	p2 = num(d, 2);
	p3 = num(d, 3);
	p4 = num(d, 4);
	if (d[0] == '4')
		ok = n == 13 || n == 16 || n == 19;
	else if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))
		ok = n == 16;
	else if (p2 == 34 || p2 == 37)
		ok = n == 15;
	else if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65)
		ok = n >= 16;
	else if (p4 >= 3528 && p4 <= 3589)
		ok = n >= 16;
	else if (p2 == 62)
		ok = n >= 16;
	else if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38)
		ok = n >= 14;
	return ok;
}

/*
 * US Social Security number, SSA rules for numbers ever issued (SSA
 * Program Operations Manual System RM 10201.035 and the SSA "Social
 * Security Number Randomization" notice, 2011): 9 digits; the area (first
 * 3) is not 000, 666 or 900-999; the group (middle 2) is not 00; the
 * serial (last 4) is not 0000. Only digits, spaces and dashes may occur.
 */
static int v_us_ssn(const char *s, size_t len)
{
	char d[9];
	size_t i;
	unsigned area;

	for (i = 0; i < len; i++)
		if (!is_digit(s[i]) && s[i] != ' ' && s[i] != '-')
			return 0;
	if (digits_of(s, len, d, sizeof d) != 9)
		return 0;
	area = num(d, 3);
	if (area == 0 || area == 666 || area >= 900)
		return 0;
	return num(d + 3, 2) != 0 && num(d + 5, 4) != 0;
}

/*
 * Dotted-quad IPv4 address, RFC 791 with the textual form of RFC 3986
 * section 3.2.2 (dec-octet): four decimal numbers 0-255 separated by dots.
 * A leading zero ("010") is rejected, as inet_pton(3) does: the BSD
 * inet_aton() reads it as octal, so such text has no single meaning and is
 * more often a version or a serial than an address.
 */
static int v_ipv4(const char *s, size_t len)
{
	size_t i = 0;
	int part;

	for (part = 0; part < 4; part++) {
		size_t st = i;
		unsigned v = 0;

		if (part > 0) {
			if (i >= len || s[i] != '.')
				return 0;
			st = ++i;
		}
		while (i < len && is_digit(s[i]) && i - st < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == st || v > 255 || (s[st] == '0' && i - st > 1))
			return 0;
		if (i < len && is_digit(s[i]))
			return 0;
	}
	return i == len;
}

/* Parses an IPv6 text form with inet_pton into out. 1 or 0. */
static int parse6(const char *s, size_t len, unsigned char out[16])
{
	char buf[64];

	if (len < 2 || len >= sizeof buf)
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, out) == 1;
}

/*
 * IPv6 address text, RFC 4291 section 2.2 (eight 16-bit hex groups, "::"
 * for one run of zero groups, a trailing dotted IPv4 part), parsed by
 * inet_pton(3); RFC 5952 is the canonical form used when normalising. We
 * also require at least one decimal digit: words made only of hex letters
 * ("add::bee", C++ scopes) parse as addresses but are not ones in practice.
 */
static int v_ipv6(const char *s, size_t len)
{
	unsigned char a[16];
	size_t i;
	int digit = 0;

	for (i = 0; i < len; i++)
		if (is_digit(s[i]))
			digit = 1;
	return digit && parse6(s, len, a);
}

/*
 * North American Numbering Plan number (NANPA, "NANP Numbering Resource
 * Utilization/Forecast" and ATIS-0300115): an optional country code 1,
 * then NPA-NXX-XXXX. NPA and NXX start with 2-9; neither is an N11 service
 * code (211-911); NPAs with 9 as the middle digit are reserved for
 * expansion (ATIS INC guideline), so none is in use.
 */
static int v_nanp(const char *s, size_t len)
{
	char d[12];
	const char *p = d;
	size_t n = digits_of(s, len, d, sizeof d);

	if (n == 11 && d[0] == '1') {
		p++;
		n--;
	}
	if (n != 10)
		return 0;
	if (p[0] < '2' || p[3] < '2')
		return 0;
	if (p[1] == '9')
		return 0;
	if (p[1] == '1' && p[2] == '1')
		return 0;
	if (p[4] == '1' && p[5] == '1')
		return 0;
	return 1;
}

/*
 * Country codes assigned in ITU-T Recommendation E.164, "List of ITU-T
 * Recommendation E.164 assigned country codes" (ITU-T Operational Bulletin
 * No. 1114, 2016, with amendments). The codes are prefix-free.
 */
/* clang-format off */
static const char *const e164_cc[] = {
	"1", "7", "20", "27", "30", "31", "32", "33", "34", "36", "39", "40",
	"41", "43", "44", "45", "46", "47", "48", "49", "51", "52", "53",
	"54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65",
	"66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95",
	"98", "211", "212", "213", "216", "218", "220", "221", "222", "223",
	"224", "225", "226", "227", "228", "229", "230", "231", "232", "233",
	"234", "235", "236", "237", "238", "239", "240", "241", "242", "243",
	"244", "245", "246", "247", "248", "249", "250", "251", "252", "253",
	"254", "255", "256", "257", "258", "260", "261", "262", "263", "264",
	"265", "266", "267", "268", "269", "290", "291", "297", "298", "299",
	"350", "351", "352", "353", "354", "355", "356", "357", "358", "359",
	"370", "371", "372", "373", "374", "375", "376", "377", "378", "379",
	"380", "381", "382", "383", "385", "386", "387", "389", "420", "421",
	"423", "500", "501", "502", "503", "504", "505", "506", "507", "508",
	"509", "590", "591", "592", "593", "594", "595", "596", "597", "598",
	"599", "670", "672", "673", "674", "675", "676", "677", "678", "679",
	"680", "681", "682", "683", "685", "686", "687", "688", "689", "690",
	"691", "692", "800", "808", "850", "852", "853", "855", "856", "870",
	"878", "880", "881", "882", "883", "886", "888", "960", "961", "962",
	"963", "964", "965", "966", "967", "968", "970", "971", "972", "973",
	"974", "975", "976", "977", "979", "992", "993", "994", "995", "996",
	"998", NULL
};
/* clang-format on */

/* Length of the E.164 country code that starts d, or 0 if unassigned. */
static size_t e164_cc_len(const char *d, size_t n)
{
	size_t i, l;

	for (i = 0; e164_cc[i]; i++) {
		l = strlen(e164_cc[i]);
		if (l <= n && memcmp(d, e164_cc[i], l) == 0)
			return l;
	}
	return 0;
}

/*
 * International number in ITU-T E.164 form (E.164 section 6 and E.123
 * section 2 for the printed "+" form): '+', an assigned country code of
 * 1-3 digits, and 8 to 15 digits in all. Spaces, dashes, dots and one
 * national trunk prefix written "(0)" (E.123 section 2.5 says it should be
 * left out; people write it anyway) may appear between digits.
 */
static int v_e164(const char *s, size_t len)
{
	char d[16];
	size_t i, n = 0;

	if (len < 2 || s[0] != '+')
		return 0;
	for (i = 1; i < len; i++) {
		if (is_digit(s[i])) {
			if (n == sizeof d)
				return 0;
			d[n++] = s[i];
		} else if (s[i] == '(' && i + 2 < len && s[i + 1] == '0' &&
			   s[i + 2] == ')') {
			i += 2;
		} else if (s[i] != ' ' && s[i] != '-' && s[i] != '.') {
			return 0;
		}
	}
	if (n < 8 || n > 15 || d[0] == '0')
		return 0;
	return e164_cc_len(d, n) > 0;
}

/*
 * IBAN structure by country, from the SWIFT "IBAN Registry", the
 * registration authority for ISO 13616 (the lengths of release 98, 2024,
 * and Honduras, which release 101 adds; the structures as release 101
 * lists them, with the same lengths): the BBAN (what follows the country
 * code and check digits) in the registry's notation, adjacent groups of
 * one kind merged: n a digit, a an upper-case letter, c either. Its
 * length plus 4 is the IBAN's. Covers every SEPA country and the other
 * registered ones.
 */
static const struct {
	char cc[3];
	const char *bban;
} iban_fmt[] = {
    {"AD", "8n12c"},	{"AE", "19n"},	    {"AL", "8n16c"},
    {"AT", "16n"},	{"AZ", "4a20c"},    {"BA", "16n"},
    {"BE", "12n"},	{"BG", "4a6n8c"},   {"BH", "4a14c"},
    {"BI", "23n"},	{"BR", "23n1a1c"},  {"BY", "4c4n16c"},
    {"CH", "5n12c"},	{"CR", "18n"},	    {"CY", "8n16c"},
    {"CZ", "20n"},	{"DE", "18n"},	    {"DJ", "23n"},
    {"DK", "14n"},	{"DO", "4c20n"},    {"EE", "16n"},
    {"EG", "25n"},	{"ES", "20n"},	    {"FI", "14n"},
    {"FK", "2a12n"},	{"FO", "14n"},	    {"FR", "10n11c2n"},
    {"GB", "4a14n"},	{"GE", "2a16n"},    {"GI", "4a15c"},
    {"GL", "14n"},	{"GR", "7n16c"},    {"GT", "24c"},
    {"HN", "4a20n"},	{"HR", "17n"},	    {"HU", "24n"},
    {"IE", "4a14n"},	{"IL", "19n"},	    {"IQ", "4a15n"},
    {"IS", "22n"},	{"IT", "1a10n12c"}, {"JO", "4a4n18c"},
    {"KW", "4a22c"},	{"KZ", "3n13c"},    {"LB", "4n20c"},
    {"LC", "4a24c"},	{"LI", "5n12c"},    {"LT", "16n"},
    {"LU", "3n13c"},	{"LV", "4a13c"},    {"LY", "21n"},
    {"MC", "10n11c2n"}, {"MD", "20c"},	    {"ME", "18n"},
    {"MK", "3n10c2n"},	{"MN", "16n"},	    {"MR", "23n"},
    {"MT", "4a5n18c"},	{"MU", "4a19n3a"},  {"NI", "4a20n"},
    {"NL", "4a10n"},	{"NO", "11n"},	    {"OM", "3n16c"},
    {"PK", "4a16c"},	{"PL", "24n"},	    {"PS", "4a21c"},
    {"PT", "21n"},	{"QA", "4a21c"},    {"RO", "4a16c"},
    {"RS", "18n"},	{"RU", "14n15c"},   {"SA", "2n18c"},
    {"SC", "4a20n3a"},	{"SD", "14n"},	    {"SE", "20n"},
    {"SI", "15n"},	{"SK", "20n"},	    {"SM", "1a10n12c"},
    {"SO", "19n"},	{"ST", "21n"},	    {"SV", "4a20n"},
    {"TL", "19n"},	{"TN", "20n"},	    {"TR", "6n16c"},
    {"UA", "6n19c"},	{"VA", "18n"},	    {"VG", "4a16n"},
    {"XK", "16n"},	{"YE", "4a4n18c"},
};

/* Does the BBAN b[0, n) have the structure fmt (iban_fmt)? */
static int bban_ok(const char *b, size_t n, const char *fmt)
{
	size_t i = 0;

	while (*fmt) {
		size_t k = 0;
		char t;

		while (*fmt >= '0' && *fmt <= '9')
			k = k * 10 + (size_t)(*fmt++ - '0');
		t = *fmt++;
		for (; k > 0; k--, i++) {
			int digit = i < n && is_digit(b[i]);
			int upper = i < n && b[i] >= 'A' && b[i] <= 'Z';

			if (t == 'n'   ? !digit
			    : t == 'a' ? !upper
				       : !(digit || upper))
				return 0;
		}
	}
	return i == n;
}

/* Compact form of an IBAN (spaces removed) into out[35]; length or 0. */
static size_t iban_compact(const char *s, size_t len, char out[35])
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == ' ')
			continue;
		if (n == 34 || !is_alnum(s[i]))
			return 0;
		out[n++] = s[i];
	}
	return n;
}

/*
 * IBAN, ISO 13616-1:2020 section 5 and the ECBS "IBAN: Standard
 * Implementation Guidelines" (TR 201): two upper-case letters (a country in
 * the SWIFT IBAN registry), two check digits 02-98, a BBAN of that
 * country's structure (iban_fmt: its length, and digits, letters or either
 * at each place, so a German one with a letter is not one); moving the first
 * four characters to the end and reading letters as 10-35 gives a number
 * that is 1 modulo 97 (ISO 7064 MOD 97-10). Printed groups of four
 * separated by single spaces are accepted.
 */
static int v_iban(const char *s, size_t len)
{
	char c[35];
	size_t n = iban_compact(s, len, c), i, k;
	unsigned rem = 0, ck;

	if (n < 15)
		return 0;
	for (k = 0; k < sizeof iban_fmt / sizeof iban_fmt[0]; k++)
		if (c[0] == iban_fmt[k].cc[0] && c[1] == iban_fmt[k].cc[1])
			break;
	if (k == sizeof iban_fmt / sizeof iban_fmt[0] ||
	    !bban_ok(c + 4, n - 4, iban_fmt[k].bban))
		return 0;
	if (!is_digit(c[2]) || !is_digit(c[3]))
		return 0;
	ck = num(c + 2, 2);
	if (ck < 2 || ck > 98)
		return 0;
	for (i = 0; i < n; i++) {
		char ch = c[(i + 4) % n];

		if (is_digit(ch))
			rem = (rem * 10 + (unsigned)(ch - '0')) % 97;
		else if (ch >= 'A' && ch <= 'Z')
			rem = (rem * 100 + (unsigned)(ch - 'A' + 10)) % 97;
		else
			return 0; /* lower case is not a printed IBAN */
	}
	return rem == 1;
}

/*
 * E-mail address, the dot-atom form of RFC 5322 section 3.4.1 with the
 * limits of RFC 5321 section 4.5.3.1: local part 1-64 characters, no
 * leading, trailing or doubled dot; domain at most 253 characters of
 * LDH labels (RFC 1035 section 2.3.1, RFC 1123 section 2.1) of 1-63
 * characters that neither start nor end with '-'; a top-level label of
 * letters only. A top level that is a common file extension ("logo@2x.png")
 * is rejected: these are asset names, and no such TLD is delegated.
 */
static int v_email(const char *s, size_t len)
{
	static const char *const ext[] = {
	    "png", "jpg",  "jpeg", "gif", "svg",  "webp", "ico",  "bmp",
	    "tif", "tiff", "css",  "js",  "json", "html", "htm",  "php",
	    "txt", "pdf",  "xml",  "yml", "yaml", "heic", "avif", NULL};
	const char *at = memchr(s, '@', len), *dom, *tld;
	size_t loc, dlen, i, lab = 0, tlen;

	if (!at || len > 254)
		return 0;
	loc = (size_t)(at - s);
	dom = at + 1;
	dlen = len - loc - 1;
	if (loc == 0 || loc > 64 || dlen == 0 || dlen > 253)
		return 0;
	if (s[0] == '.' || s[loc - 1] == '.')
		return 0;
	for (i = 0; i < loc; i++) {
		if (s[i] == '@' || (unsigned char)s[i] <= ' ')
			return 0;
		if (s[i] == '.' && s[i + 1] == '.')
			return 0;
	}
	for (i = 0; i <= dlen; i++) {
		if (i == dlen || dom[i] == '.') {
			if (lab == 0 || lab > 63 || dom[i - 1] == '-' ||
			    dom[i - lab] == '-')
				return 0;
			lab = 0;
		} else if (is_alnum(dom[i]) || dom[i] == '-') {
			lab++;
		} else {
			return 0;
		}
	}
	tld = memrchr(dom, '.', dlen);
	if (!tld)
		return 0;
	tld++;
	tlen = (size_t)(dom + dlen - tld);
	if (tlen < 2)
		return 0;
	for (i = 0; i < tlen; i++)
		if (!is_alpha(tld[i]))
			return 0;
	for (i = 0; ext[i]; i++)
		if (eq_nocase(tld, tlen, ext[i]))
			return 0;
	return 1;
}

static const aud_validator_entry validators[] = {
    {"credit_card", v_credit_card},
    {"e164", v_e164},
    {"email", v_email},
    {"iban", v_iban},
    {"ipv4", v_ipv4},
    {"ipv6", v_ipv6},
    {"luhn", v_luhn},
    {"nanp", v_nanp},
    {"us_ssn", v_us_ssn},
};

#define NVALIDATORS (sizeof validators / sizeof validators[0])

static const aud_validator_family *const families[] = {
	&aud_vfamily_ids_eu, &aud_vfamily_ids_world, &aud_vfamily_global,
	&aud_vfamily_secrets};
#define NFAMILIES (sizeof families / sizeof families[0])

aud_validator_fn aud_validator_find(const char *name)
{
	const aud_validator_entry *v;
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < NVALIDATORS; i++)
		if (strcmp(validators[i].name, name) == 0)
			return validators[i].fn;
	for (i = 0; i < NFAMILIES; i++)
		for (v = families[i]->validators; v->name; v++)
			if (strcmp(v->name, name) == 0)
				return v->fn;
	return NULL;
}

const char *const *aud_validator_names(void)
{
	/* Filled once, on first use; the list is fixed at build time. */
	static const char *names[512];
	static int filled;
	const aud_validator_entry *v;
	size_t i, n = 0;

	if (filled)
		return names;
	for (i = 0; i < NVALIDATORS && n + 1 < 512; i++)
		names[n++] = validators[i].name;
	for (i = 0; i < NFAMILIES; i++)
		for (v = families[i]->validators; v->name && n + 1 < 512; v++)
			names[n++] = v->name;
	names[n] = NULL;
	filled = 1;
	return names;
}

/* ---- placeholders ---------------------------------------------------- */

static int entity_is(const char *entity, const char *name)
{
	return entity && strcmp(entity, name) == 0;
}

/*
 * Domains reserved for documentation and testing: RFC 2606 section 3
 * (example.com, example.net, example.org) and sections 2 and RFC 6761
 * section 6 (the .test, .example, .invalid and .localhost top levels).
 */
static int email_placeholder(const char *s, size_t len)
{
	static const char *const doms[] = {"example.com", "example.net",
					   "example.org", NULL};
	static const char *const tlds[] = {"test", "example", "invalid",
					   "localhost", NULL};
	const char *at = memrchr(s, '@', len), *dom, *tld;
	size_t dlen, tlen, i, l;

	if (!at)
		return 0;
	dom = at + 1;
	dlen = (size_t)(s + len - dom);
	for (i = 0; doms[i]; i++) {
		l = strlen(doms[i]);
		if (dlen < l || !eq_nocase(dom + dlen - l, l, doms[i]))
			continue;
		if (dlen == l || dom[dlen - l - 1] == '.')
			return 1;
	}
	tld = memrchr(dom, '.', dlen);
	tld = tld ? tld + 1 : dom;
	tlen = (size_t)(s + len - tld);
	for (i = 0; tlds[i]; i++)
		if (eq_nocase(tld, tlen, tlds[i]))
			return 1;
	return 0;
}

/*
 * Fictional telephone numbers: NANP 555-0100 to 555-0199 in any area code
 * (NANPA, "555 NXX" assignment guidelines: reserved for fictional use);
 * UK drama numbers from Ofcom's "Telephone numbers for use in TV and radio
 * drama": 020 7946 0000-0999 and 07700 900000-900999.
 */
static int phone_placeholder(const char *s, size_t len)
{
	char d[16];
	size_t n = digits_of(s, len, d, sizeof d);
	const char *p = d;

	if (n > sizeof d)
		return 0;
	if (n == 11 && d[0] == '1') {
		p++;
		n--;
	}
	if (n == 10 && memcmp(p + 3, "5550", 4) == 0 && p[7] == '1')
		return 1;
	if (s[0] == '+' && n == 12 && memcmp(d, "442079460", 9) == 0)
		return 1;
	if (s[0] == '+' && n == 12 && memcmp(d, "447700900", 9) == 0)
		return 1;
	return 0;
}

/*
 * Card numbers the networks and payment processors publish for testing
 * (Stripe, Adyen, PayPal/Braintree test card lists; the Visa and
 * Mastercard numbers below appear in all of them).
 */
static int card_placeholder(const char *s, size_t len)
{
	static const char *const cards[] = {"4111111111111111",
					    "4242424242424242",
					    "4012888888881881",
					    "4222222222222",
					    "4000056655665556",
					    "4000000000000002",
					    "4000000000000077",
					    "5555555555554444",
					    "5105105105105100",
					    "2223003122003222",
					    "5200828282828210",
					    "378282246310005",
					    "371449635398431",
					    "378734493671000",
					    "6011111111111117",
					    "6011000990139424",
					    "6011000000000004",
					    "3530111333300000",
					    "3566002020360505",
					    "30569309025904",
					    "38520000023237",
					    "36227206271667",
					    "6200000000000005",
					    "6250941006528599",
					    NULL};
	char d[20];
	size_t n = digits_of(s, len, d, sizeof d), i;

	if (n > sizeof d)
		return 0;
	for (i = 0; cards[i]; i++)
		if (strlen(cards[i]) == n && memcmp(cards[i], d, n) == 0)
			return 1;
	return 0;
}

/*
 * SSNs made public and voided by the SSA: 078-05-1120 (printed on sample
 * cards sold with wallets in 1938) and 219-09-9999 (an SSA advertisement);
 * SSA, "Social Security Cards Issued by Woolworth" (ssa.gov/history).
 */
static int ssn_placeholder(const char *s, size_t len)
{
	char d[10];
	size_t n = digits_of(s, len, d, sizeof d);

	if (n != 9)
		return 0;
	return memcmp(d, "078051120", 9) == 0 || memcmp(d, "219099999", 9) == 0;
}

/* Parses a dotted quad into a[4] (no validation beyond the shape). */
static int parse4(const char *s, size_t len, unsigned char a[4])
{
	char buf[16];

	if (len >= sizeof buf)
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET, buf, a) == 1;
}

/*
 * Documentation address blocks: IPv4 TEST-NET-1/2/3 (RFC 5737:
 * 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) and IPv6 2001:db8::/32
 * (RFC 3849).
 */
static int ip_placeholder(const char *s, size_t len)
{
	unsigned char a[16];

	if (parse4(s, len, a))
		return (a[0] == 192 && a[1] == 0 && a[2] == 2) ||
		       (a[0] == 198 && a[1] == 51 && a[2] == 100) ||
		       (a[0] == 203 && a[1] == 0 && a[2] == 113);
	if (parse6(s, len, a))
		return a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d &&
		       a[3] == 0xb8;
	return 0;
}

/*
 * IBANs printed as examples by their standards bodies and used in
 * documentation everywhere: the ECBS/ISO 13616 examples and the first
 * entries of the SWIFT IBAN registry for the largest SEPA countries.
 */
static int iban_placeholder(const char *s, size_t len)
{
	static const char *const ibans[] = {
	    "GB82WEST12345698765432",	   "GB29NWBK60161331926819",
	    "DE89370400440532013000",	   "FR1420041010050500013M02606",
	    "NL91ABNA0417164300",	   "BE68539007547034",
	    "CH9300762011623852957",	   "ES9121000418450200051332",
	    "IT60X0542811101000000123456", NULL};
	char c[35];
	size_t n = iban_compact(s, len, c), i;

	for (i = 0; n && ibans[i]; i++)
		if (strlen(ibans[i]) == n && memcmp(ibans[i], c, n) == 0)
			return 1;
	return 0;
}

/* AWS documentation keys all end in "EXAMPLE" (AKIAIOSFODNN7EXAMPLE,
 * "Managing access keys for IAM users", AWS IAM User Guide). */
static int aws_placeholder(const char *s, size_t len)
{
	return len >= 7 && memcmp(s + len - 7, "EXAMPLE", 7) == 0;
}

/* The entities this file knows placeholders of. */
static const struct {
	const char *entity;
	int (*fn)(const char *s, size_t len);
} own_placeholders[] = {
    {"EMAIL_ADDRESS", email_placeholder}, {"PHONE_NUMBER", phone_placeholder},
    {"CREDIT_CARD", card_placeholder},	  {"US_SSN", ssn_placeholder},
    {"IP_ADDRESS", ip_placeholder},	  {"IBAN_CODE", iban_placeholder},
    {"AWS_ACCESS_KEY", aws_placeholder},
};
#define NOWN (sizeof own_placeholders / sizeof own_placeholders[0])

/*
 * Who knows placeholders of which entity: an open-addressing table by
 * entity name, filled once from own_placeholders and the families'
 * placeholder_entities. Every finding is asked about, and asking every
 * family in turn cost about 2,500 instructions (some 45 strcmp of entity
 * names and two passes over the value); the table costs a hash and one
 * strcmp. Should the names ever outgrow it, every finding asks everyone
 * again (ph_all): slower, never another answer.
 */
#define PH_SLOTS 256 /* a power of two */

static struct ph_slot {
	const char *entity; /* NULL: empty */
	unsigned char own;  /* 1 + index into own_placeholders, 0: none */
	unsigned char fam;  /* bit i: families[i] knows it */
} ph_table[PH_SLOTS];
static int ph_all;
static pthread_once_t ph_once = PTHREAD_ONCE_INIT;

_Static_assert(NOWN < 255 && NFAMILIES <= 8, "ph_slot's fields hold these");

/* The slot of entity, or the empty slot where it would go; NULL when the
 * table is full. */
static struct ph_slot *ph_slot_of(const char *entity)
{
	size_t i = (size_t)aud_fnv1a(entity, strlen(entity)), n;

	for (n = 0; n < PH_SLOTS; n++, i++) {
		struct ph_slot *e = &ph_table[i & (PH_SLOTS - 1)];

		if (!e->entity || strcmp(e->entity, entity) == 0)
			return e;
	}
	return NULL;
}

/* Leaves a slot free, so a lookup of an unknown name always ends. */
static struct ph_slot *ph_add(const char *entity, size_t *used)
{
	struct ph_slot *e = ph_slot_of(entity);

	if (!e)
		return NULL;
	if (!e->entity) {
		if (*used + 1 >= PH_SLOTS)
			return NULL;
		e->entity = entity;
		(*used)++;
	}
	return e;
}

static void ph_build(void)
{
	struct ph_slot *e;
	const char *const *n;
	size_t i, used = 0;

	for (i = 0; i < NOWN; i++) {
		if (!(e = ph_add(own_placeholders[i].entity, &used)))
			goto full;
		e->own = (unsigned char)(i + 1);
	}
	for (i = 0; i < NFAMILIES; i++) {
		if (!families[i]->is_placeholder ||
		    !families[i]->placeholder_entities)
			continue;
		for (n = families[i]->placeholder_entities; *n; n++) {
			if (!(e = ph_add(*n, &used)))
				goto full;
			e->fam |= (unsigned char)(1u << i);
		}
	}
	return;
full:
	ph_all = 1;
}

int aud_is_placeholder(const char *entity, const char *s, size_t len)
{
	const struct ph_slot *e;
	size_t i;

	if (!s || len == 0 || !entity)
		return 0;
	pthread_once(&ph_once, ph_build);
	if (ph_all) {
		for (i = 0; i < NOWN; i++)
			if (strcmp(entity, own_placeholders[i].entity) == 0 &&
			    own_placeholders[i].fn(s, len))
				return 1;
		for (i = 0; i < NFAMILIES; i++)
			if (families[i]->is_placeholder &&
			    families[i]->is_placeholder(entity, s, len))
				return 1;
		return 0;
	}
	e = ph_slot_of(entity);
	if (!e || !e->entity)
		return 0;
	if (e->own && own_placeholders[e->own - 1].fn(s, len))
		return 1;
	for (i = 0; i < NFAMILIES; i++)
		if ((e->fam >> i & 1) &&
		    families[i]->is_placeholder(entity, s, len))
			return 1;
	return 0;
}

/*
 * Addresses that name nothing outside one host or network: IPv4
 * "this network" 0/8, private 10/8, 172.16/12, 192.168/16 (RFC 1918),
 * shared CGN space 100.64/10 (RFC 6598), loopback 127/8, link-local
 * 169.254/16 (RFC 3927), broadcast; IPv6 ::, ::1, link-local fe80::/10
 * and unique-local fc00::/7 (RFC 4291, RFC 4193).
 */
static int ip_local(const char *s, size_t len)
{
	unsigned char a[16];
	static const unsigned char zero[15];

	if (parse4(s, len, a))
		return a[0] == 0 || a[0] == 10 || a[0] == 127 ||
		       (a[0] == 172 && (a[1] & 0xf0) == 16) ||
		       (a[0] == 192 && a[1] == 168) ||
		       (a[0] == 169 && a[1] == 254) ||
		       (a[0] == 100 && (a[1] & 0xc0) == 64) ||
		       (a[0] == 255 && a[1] == 255 && a[2] == 255 &&
			a[3] == 255);
	if (parse6(s, len, a))
		return (memcmp(a, zero, 15) == 0 && a[15] <= 1) ||
		       (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
		       (a[0] & 0xfe) == 0xfc;
	return 0;
}

int aud_is_local(const char *entity, const char *s, size_t len)
{
	if (!s || len == 0)
		return 0;
	if (entity_is(entity, "IP_ADDRESS"))
		return ip_local(s, len);
	return 0;
}

double aud_entropy(const char *s, size_t len)
{
	size_t count[256] = {0}, i;
	double h = 0.0, n = (double)len;

	if (len == 0)
		return 0.0;
	for (i = 0; i < len; i++)
		count[(unsigned char)s[i]]++;
	for (i = 0; i < 256; i++) {
		double p;

		if (!count[i])
			continue;
		p = (double)count[i] / n;
		h -= p * log2(p);
	}
	return h;
}
