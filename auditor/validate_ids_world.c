/*
 * validate_ids_world.c: validators of the ids_world family (see
 * validate_impl.h): national identifiers of Asia-Pacific (India, Australia,
 * Singapore, China, South Korea), Brazil and South Africa, and the
 * documentation values of those ids that are reported as placeholders.
 *
 * Each validator gets the matched text with its separators, accepts every
 * separator its pattern entries allow (patterns/ids-asia-pacific.pat and
 * patterns/ids-americas-africa.pat) and rejects any other byte, answers 1
 * or 0, never allocates and never reads past len. Which layouts are looked
 * for, and which need a context word, is the pattern files' business; the
 * source of every rule is cited above the function that applies it.
 */
#include "validate_impl.h"

#include <string.h>

/* Most digits any id here has (CNPJ: 14; CN resident id: 17 + check). */
#define MAXD 18

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/*
 * Copies the decimal digits of s into d[MAXD] and returns how many there
 * were. Bytes listed in seps are skipped; any other non-digit, or more
 * than MAXD digits, returns 0 (no id here has zero digits).
 */
static size_t digits(const char *s, size_t len, const char *seps, char *d)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (is_digit(s[i])) {
			if (n == MAXD)
				return 0;
			d[n++] = s[i];
		} else if (s[i] == '\0' || !strchr(seps, s[i])) {
			return 0;
		}
	}
	return n;
}

/* Value of n decimal digits at d. */
static unsigned num(const char *d, size_t n)
{
	unsigned v = 0;

	while (n--)
		v = v * 10 + (unsigned)(*d++ - '0');
	return v;
}

/* Sum of digit[i] * w[i] over n digits. */
static unsigned weighted(const char *d, const unsigned char *w, size_t n)
{
	unsigned s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += (unsigned)(d[i] - '0') * w[i];
	return s;
}

/* All n digits the same ("000.000.000-00" passes the CPF check)? */
static int all_same(const char *d, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (d[i] != d[0])
			return 0;
	return 1;
}

/* Proleptic Gregorian calendar date? */
static int valid_date(unsigned y, unsigned m, unsigned day)
{
	static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30,
						31, 31, 30, 31, 30, 31};
	unsigned lim;

	if (m < 1 || m > 12 || day < 1)
		return 0;
	lim = mdays[m - 1];
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		lim = 29;
	return day <= lim;
}

/*
 * Luhn mod 10 over n digits, the check digit last (ISO/IEC 7812-1:2017
 * Annex B): double every second digit from the right, subtract 9 from
 * products over 9, the sum must be a multiple of 10.
 */
static int luhn(const char *d, size_t n)
{
	unsigned sum = 0, k = 0, v;
	size_t i;

	for (i = n; i-- > 0; k++) {
		v = (unsigned)(d[i] - '0');
		if (k % 2 == 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

/* ---- India ----------------------------------------------------------- */

/*
 * Verhoeff's dihedral check (J. Verhoeff, "Error Detecting Decimal Codes",
 * Mathematical Centre Tract 29, Amsterdam 1969): d is the multiplication
 * table of the dihedral group D5, p the position permutation
 * (p[i] = p[1]^i with p[1] = (1 5 8 9 4 2 7 0)(3 6)), and a number whose
 * check digit is its last digit is valid when folding its digits from the
 * right, c = d[c][p[i mod 8][digit]], ends at c = 0. (Generating a check
 * digit also needs the inverse table inv; checking does not.) It detects
 * every single-digit error and every adjacent transposition.
 */
/* clang-format off */
static const unsigned char verhoeff_d[10][10] = {
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
	{2, 3, 4, 0, 1, 7, 8, 9, 5, 6}, {3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
	{4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
	{6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
	{8, 7, 6, 5, 9, 3, 2, 1, 0, 4}, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
};
static const unsigned char verhoeff_p[8][10] = {
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
	{5, 8, 0, 3, 7, 9, 6, 1, 4, 2}, {8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
	{9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
	{2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
};
/* clang-format on */

static int verhoeff(const char *d, size_t n)
{
	unsigned c = 0, k = 0;
	size_t i;

	for (i = n; i-- > 0; k++)
		c = verhoeff_d[c][verhoeff_p[k % 8][d[i] - '0']];
	return c == 0;
}

/*
 * Aadhaar number, UIDAI white paper "A UID Numbering Scheme" (Unique
 * Identification Authority of India, May 2010): 12 digits, 11 random
 * ones and a Verhoeff check digit last; the first digit is a version
 * number and 0 and 1 are not issued (UIDAI's statement on number
 * allocation, Business Standard, 14 Sep 2010). Printed in groups of four
 * separated by spaces (dashes also seen).
 */
static int v_in_aadhaar(const char *s, size_t len)
{
	char d[MAXD];

	if (digits(s, len, " -", d) != 12 || d[0] < '2')
		return 0;
	return verhoeff(d, 12);
}

/*
 * Permanent Account Number, Income Tax Department of India ("Know your
 * PAN" and Notification 2/2014, e-PAN structure): 5 letters, 4 digits, 1
 * letter, all upper case. The fourth letter is the holder's status: P
 * person, C company, H Hindu undivided family, F firm, A association of
 * persons, T trust, B body of individuals, L local authority, J artificial
 * juridical person, G government. The digits run 0001-9999. The last
 * letter is a check character whose rule is not published, so it is not
 * verified here.
 */
static int v_in_pan(const char *s, size_t len)
{
	size_t i;

	if (len != 10)
		return 0;
	for (i = 0; i < 10; i++) {
		int want_digit = i >= 5 && i <= 8;

		if (want_digit ? !is_digit(s[i])
			       : !(s[i] >= 'A' && s[i] <= 'Z'))
			return 0;
	}
	if (!strchr("PCHFATBLJG", s[3]))
		return 0;
	return memcmp(s + 5, "0000", 4) != 0;
}

/* ---- Australia ------------------------------------------------------- */

/*
 * Tax File Number, the ATO check-digit algorithm (ATO "TFN algorithm",
 * released to registered software developers; worked example 123 456 782
 * in Tax & Super Australia's "The secret life of TFNs", 2017): 9 digits
 * weighted 1, 4, 3, 7, 5, 8, 6, 9, 10, or the older 8-digit numbers
 * weighted 10, 7, 8, 4, 6, 3, 5, 1; the sum is a multiple of 11.
 */
static int v_au_tfn(const char *s, size_t len)
{
	static const unsigned char w9[9] = {1, 4, 3, 7, 5, 8, 6, 9, 10};
	static const unsigned char w8[8] = {10, 7, 8, 4, 6, 3, 5, 1};
	char d[MAXD];
	size_t n = digits(s, len, " -", d);

	if (n == 9)
		return weighted(d, w9, 9) % 11 == 0;
	if (n == 8)
		return weighted(d, w8, 8) % 11 == 0;
	return 0;
}

/*
 * Australian Business Number, ATO "Format of the ABN" (abr.business.gov.au,
 * "ABN format"): 11 digits; subtract 1 from the first (leftmost) digit,
 * weight the digits 10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, and the sum is
 * divisible by 89. The first two digits are the check digits 10-99, so the
 * first digit is never 0. ATO's worked example is 51 824 753 556.
 */
static int v_au_abn(const char *s, size_t len)
{
	static const unsigned char w[11] = {10, 1,  3,	5,  7, 9,
					    11, 13, 15, 17, 19};
	char d[MAXD];

	if (digits(s, len, " -", d) != 11 || d[0] == '0')
		return 0;
	/* (first - 1) * 10 instead of changing the digit */
	return (weighted(d, w, 11) - 10) % 89 == 0;
}

/*
 * Medicare card number, NEHTA "Use of Healthcare Identifiers in Health
 * Software Systems - Software Conformance Requirements" v1.4 (2011), as
 * restated by Services Australia: 8 digits, the first 2-6; a check digit
 * equal to the sum of the 8 digits weighted 1, 3, 7, 9, 1, 3, 7, 9,
 * modulo 10; an issue number (one digit). An 11th digit, the individual
 * reference number 1-9 (the holder's line on the card), is often written
 * after it. NEHTA's example: 2123 45670 1.
 */
static int v_au_medicare(const char *s, size_t len)
{
	static const unsigned char w[8] = {1, 3, 7, 9, 1, 3, 7, 9};
	char d[MAXD];
	size_t n = digits(s, len, " -/", d);

	if (n != 10 && n != 11)
		return 0;
	if (d[0] < '2' || d[0] > '6')
		return 0;
	if (n == 11 && d[10] == '0')
		return 0;
	return weighted(d, w, 8) % 10 == (unsigned)(d[8] - '0');
}

/* ---- Singapore ------------------------------------------------------- */

/*
 * NRIC and FIN, Immigration & Checkpoints Authority of Singapore. The
 * check-letter rule is not published by ICA; it is documented in
 * "Singapore NRIC numbers" (ngiam.net/NRIC, 2001) and in the M-series
 * notice of 2021: a prefix S/T (citizens and PRs born before/from 2000),
 * F/G (foreigners, issued before/from 2000) or M (foreigners, from 2022),
 * 7 digits weighted 2, 7, 6, 5, 4, 3, 2, plus 4 for T and G and 3 for M;
 * the sum modulo 11 indexes "JZIHGFEDCBA" for S/T, "XWUTRQPNMLK" for F/G
 * and "XWUTRQPNJLK" for M. Upper or lower case.
 */
static int v_sg_nric_fin(const char *s, size_t len)
{
	static const unsigned char w[7] = {2, 7, 6, 5, 4, 3, 2};
	const char *tab;
	unsigned sum;
	size_t i;
	char p;

	if (len != 9)
		return 0;
	for (i = 1; i < 8; i++)
		if (!is_digit(s[i]))
			return 0;
	p = upper(s[0]);
	sum = weighted(s + 1, w, 7);
	if (p == 'S' || p == 'T')
		tab = "JZIHGFEDCBA";
	else if (p == 'F' || p == 'G')
		tab = "XWUTRQPNMLK";
	else if (p == 'M')
		tab = "XWUTRQPNJLK";
	else
		return 0;
	if (p == 'T' || p == 'G')
		sum += 4;
	else if (p == 'M')
		sum += 3;
	return upper(s[8]) == tab[sum % 11];
}

/* ---- China ----------------------------------------------------------- */

/*
 * Province-level codes of GB/T 2260 (administrative divisions), the first
 * two digits of a resident id: the 31 mainland provinces, 71 Taiwan, and
 * 81/82/83 used since 2018 by residence permits for Hong Kong, Macao and
 * Taiwan residents (State Council, "Measures for Residence Permits for
 * Hong Kong, Macao and Taiwan Residents", 2018).
 */
static int cn_province(unsigned p)
{
	static const unsigned char codes[] = {
	    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
	    35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
	    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83};
	size_t i;

	for (i = 0; i < sizeof codes; i++)
		if (codes[i] == p)
			return 1;
	return 0;
}

/*
 * Citizen identification number, GB 11643-1999: 18 characters, a 6-digit
 * administrative division code (GB/T 2260), the birth date YYYYMMDD, a
 * 3-digit sequence (odd for men) and a check character from ISO 7064
 * MOD 11-2: weights 2^(17-i) mod 11 = 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9,
 * 10, 5, 8, 4, 2, and the check is (12 - sum mod 11) mod 11, written X for
 * 10. Birth years are taken as 1900-2099. One space may separate the date
 * (6-8-4 grouping), as some forms print it. The standard's own example is
 * 11010519491231002X.
 */
static int v_cn_resident_id(const char *s, size_t len)
{
	static const unsigned char w[17] = {7, 9, 10, 5,  8, 4, 2, 1, 6,
					    3, 7, 9,  10, 5, 8, 4, 2};
	char d[MAXD];
	unsigned y, chk;

	if (len < 18 || upper(s[len - 1]) != 'X') {
		if (digits(s, len, " ", d) != 18)
			return 0;
		chk = (unsigned)(d[17] - '0');
	} else {
		if (digits(s, len - 1, " ", d) != 17)
			return 0;
		chk = 10;
	}
	if (!cn_province(num(d, 2)))
		return 0;
	y = num(d + 6, 4);
	if (y < 1900 || y > 2099 ||
	    !valid_date(y, num(d + 10, 2), num(d + 12, 2)))
		return 0;
	return (12 - weighted(d, w, 17) % 11) % 11 == chk;
}

/* ---- South Korea ----------------------------------------------------- */

/*
 * Resident registration number (Enforcement Rule of the Resident
 * Registration Act, art. 2 and its annex; foreigners' registration numbers
 * follow the same layout): YYMMDD-GXXXXXX. G gives the century and sex:
 * 9/0 born 1800-1899, 1/2 1900-1999, 3/4 2000-2099; 5-8 the same for
 * foreigners (5/6 1900s, 7/8 2000s). The birth date must exist.
 *
 * Numbers issued before 5 October 2020 end in a check digit:
 * (11 - sum mod 11) mod 10 with weights 2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5.
 * From that date (Ministry of the Interior and Safety, notice of the
 * amended rule, 2020) the six digits after G are random, with no check
 * digit, for every number newly issued. A number cannot tell when it was
 * issued; its birth date is the best proxy, since nearly all new numbers
 * go to newborns. So: a valid check digit is always accepted, and a number
 * without one only for a birth on or after 1 September 2020 (a month
 * before the change, as births are registered up to a month late). Numbers
 * re-issued since 2020 to people born earlier (naturalisation, a changed
 * number) are the known miss of this rule.
 */
static int v_kr_rrn(const char *s, size_t len)
{
	static const unsigned char w[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
	char d[MAXD];
	unsigned yy, mm, dd, century;

	if (digits(s, len, " -", d) != 13)
		return 0;
	switch (d[6]) {
	case '9':
	case '0':
		century = 1800;
		break;
	case '1':
	case '2':
	case '5':
	case '6':
		century = 1900;
		break;
	default:
		century = 2000;
		break;
	}
	yy = num(d, 2);
	mm = num(d + 2, 2);
	dd = num(d + 4, 2);
	if (!valid_date(century + yy, mm, dd))
		return 0;
	if ((11 - weighted(d, w, 12) % 11) % 10 == (unsigned)(d[12] - '0'))
		return 1;
	return century == 2000 && num(d, 6) >= 200901;
}

/* ---- Brazil ---------------------------------------------------------- */

/*
 * Two mod-11 check digits as Receita Federal computes them for CPF and
 * CNPJ: the sum of the digits so far times the weights, r = sum mod 11,
 * check digit 0 when r < 2 and 11 - r otherwise.
 */
static int br_check(const char *d, const unsigned char *w, size_t n)
{
	unsigned r = weighted(d, w, n) % 11;

	return (unsigned)(d[n] - '0') == (r < 2 ? 0 : 11 - r);
}

/*
 * CPF (Cadastro de Pessoas Físicas), Receita Federal, Instrução Normativa
 * RFB 2172/2024 and the algorithm in its "Comprovante de Inscrição"
 * documentation: 11 digits written 123.456.789-09; the 10th digit checks
 * the first 9 with weights 10..2, the 11th checks the first 10 with
 * weights 11..2. Numbers of one repeated digit pass the arithmetic but are
 * not issued. 123.456.789-09 is the customary example.
 */
static int v_br_cpf(const char *s, size_t len)
{
	static const unsigned char w1[9] = {10, 9, 8, 7, 6, 5, 4, 3, 2};
	static const unsigned char w2[10] = {11, 10, 9, 8, 7, 6, 5, 4, 3, 2};
	char d[MAXD];

	if (digits(s, len, ".- ", d) != 11 || all_same(d, 11))
		return 0;
	return br_check(d, w1, 9) && br_check(d, w2, 10);
}

/*
 * CNPJ (Cadastro Nacional da Pessoa Jurídica), Receita Federal, Instrução
 * Normativa RFB 2119/2022 annex: 14 digits written 12.345.678/0001-95 (an
 * 8-digit root, a 4-digit branch, two check digits); weights 5, 4, 3, 2,
 * 9, 8, 7, 6, 5, 4, 3, 2 for the 13th digit and 6, 5, 4, 3, 2, 9, 8, 7,
 * 6, 5, 4, 3, 2 for the 14th. (The alphanumeric CNPJ announced for 2026
 * is not handled.)
 */
static int v_br_cnpj(const char *s, size_t len)
{
	static const unsigned char w1[12] = {5, 4, 3, 2, 9, 8,
					     7, 6, 5, 4, 3, 2};
	static const unsigned char w2[13] = {6, 5, 4, 3, 2, 9, 8,
					     7, 6, 5, 4, 3, 2};
	char d[MAXD];

	if (digits(s, len, "./- ", d) != 14 || all_same(d, 14))
		return 0;
	return br_check(d, w1, 12) && br_check(d, w2, 13);
}

/* ---- South Africa ---------------------------------------------------- */

/*
 * South African identity number, Department of Home Affairs (the
 * explanation printed in green ID books; Western Cape Government,
 * "Decoding your South African ID number"): YYMMDD SSSS C A Z, 13 digits:
 * a birth date (either century), a sequence (0000-4999 women, 5000-9999
 * men), C citizenship (0 citizen, 1 permanent resident, 2 refugee), A
 * which was a race code until 1986 and is now 8 (9 on some re-issued
 * numbers), and Z a Luhn check digit over all 13.
 */
static int v_za_id(const char *s, size_t len)
{
	char d[MAXD];
	unsigned yy;

	if (digits(s, len, " ", d) != 13)
		return 0;
	yy = num(d, 2);
	/* Feb 29 is valid in either century unless YY = 00 means 1900,
	 * and 2000 was a leap year: test as 2000 + YY. */
	if (!valid_date(2000 + yy, num(d + 2, 2), num(d + 4, 2)))
		return 0;
	if (d[10] > '2' || (d[11] != '8' && d[11] != '9'))
		return 0;
	return luhn(d, 13);
}

/* clang-format off */
static const aud_validator_entry validators[] = {
    {"au_abn", v_au_abn},
    {"au_medicare", v_au_medicare},
    {"au_tfn", v_au_tfn},
    {"br_cnpj", v_br_cnpj},
    {"br_cpf", v_br_cpf},
    {"cn_resident_id", v_cn_resident_id},
    {"in_aadhaar", v_in_aadhaar},
    {"in_pan", v_in_pan},
    {"kr_rrn", v_kr_rrn},
    {"sg_nric_fin", v_sg_nric_fin},
    {"za_id", v_za_id},
    {NULL, NULL},
};
/* clang-format on */

/* ---- placeholders ---------------------------------------------------- */

/* Digits-only documentation values, per entity. */
static const struct {
	const char *entity;
	const char *value;
} examples[] = {
    /* UIDAI's public test residents for the authentication API
     * (developer.uidai.gov.in, "Aadhaar Authentication Basics"). */
    {"IN_AADHAAR", "999999990019"},
    {"IN_AADHAAR", "999999990026"},
    /* ATO's ABN example ("ABN format", abr.business.gov.au). */
    {"AU_ABN", "51824753556"},
    /* The TFN algorithm's worked example (see v_au_tfn). */
    {"AU_TFN", "123456782"},
    /* NEHTA's Medicare example (see v_au_medicare), whatever individual
     * reference number follows it. */
    {"AU_MEDICARE", "2123456701"},
    /* The customary CPF and CNPJ examples of Brazilian documentation. */
    {"BR_CPF", "12345678909"},
    {"BR_CNPJ", "11222333000181"},
    {"BR_CNPJ", "12345678000195"},
    /* GB 11643-1999's own example. */
    {"CN_RESIDENT_ID", "11010519491231002X"},
    /* South African examples reproduced everywhere: 800101 5009 087
     * (Wikipedia, "South African identity card") and 880123 5111 088
     * (MyBroadband's ID-number infographic). */
    {"ZA_ID", "8001015009087"},
    {"ZA_ID", "8801235111088"},
};

/*
 * Known documentation and test values of this family's entities: the
 * examples above compared without separators; for SG_NRIC_FIN the dummy
 * S1234567D of sample forms and developer guides; for IN_PAN AAAPL1234C,
 * the format example of Income Tax Department forms and help pages.
 */
static int ids_world_placeholder(const char *entity, const char *s, size_t len)
{
	char c[MAXD + 1];
	size_t i, n = 0;

	if (!entity)
		return 0;
	if (strcmp(entity, "SG_NRIC_FIN") == 0)
		return len == 9 && upper(s[0]) == 'S' &&
		       memcmp(s + 1, "1234567", 7) == 0 && upper(s[8]) == 'D';
	if (strcmp(entity, "IN_PAN") == 0)
		return len == 10 && memcmp(s, "AAAPL1234C", 10) == 0;
	for (i = 0; i < len; i++) {
		if (!is_digit(s[i]) && upper(s[i]) != 'X')
			continue;
		if (n == sizeof c)
			return 0;
		c[n++] = upper(s[i]);
	}
	if (strcmp(entity, "AU_MEDICARE") == 0 && n == 11)
		n = 10; /* the card's number without the holder's IRN */
	for (i = 0; i < sizeof examples / sizeof examples[0]; i++)
		if (strcmp(entity, examples[i].entity) == 0 &&
		    strlen(examples[i].value) == n &&
		    memcmp(examples[i].value, c, n) == 0)
			return 1;
	return 0;
}

/* SG_NRIC_FIN, IN_PAN and every entity of examples[]. */
static const char *const placeholder_entities[] = {
    "SG_NRIC_FIN",    "IN_PAN",	     "IN_AADHAAR", "AU_ABN",
    "AU_TFN",	      "AU_MEDICARE", "BR_CPF",	   "BR_CNPJ",
    "CN_RESIDENT_ID", "ZA_ID",	     NULL};

const aud_validator_family aud_vfamily_ids_world = {
    "ids_world", validators, ids_world_placeholder, placeholder_entities};
