/*
 * validate_ids_eu.c: validators of the ids_eu family (see validate_impl.h):
 * national identifiers of North America (US ITIN, Canadian SIN) and Europe
 * (UK NINO and NHS number, Spanish DNI/NIE, Italian codice fiscale, French
 * NIR, German Steuer-IdNr, Dutch BSN, Polish PESEL, Swedish personnummer,
 * Finnish HETU), and the documentation values of those entities.
 *
 * Each validator gets the bytes its pattern matched, separators included,
 * and answers 1 or 0; it accepts every separator form the patterns in
 * ids-north-america.pat, ids-uk.pat and ids-europe.pat allow, never
 * allocates and never reads past len. Finding candidates and requiring
 * context words for bare digit runs is the pattern files' job. The rule of
 * each identifier is cited above its function.
 */
#include "validate_impl.h"

#include <string.h>

/* Longest compacted identifier any validator here looks at. */
#define MAXID 16

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Copies s without the bytes in seps into out, upper-casing ASCII letters.
 * Returns the length, or MAXID + 1 when it would be longer than MAXID. */
static size_t compact(const char *s, size_t len, const char *seps,
		      char out[MAXID])
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (s[i] != '\0' && strchr(seps, s[i]))
			continue;
		if (n == MAXID)
			return MAXID + 1;
		out[n++] = upper(s[i]);
	}
	return n;
}

static int all_digits(const char *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!is_digit(d[i]))
			return 0;
	return 1;
}

/* Value of n decimal digits at d. */
static unsigned long num(const char *d, size_t n)
{
	unsigned long v = 0;

	while (n--)
		v = v * 10 + (unsigned long)(*d++ - '0');
	return v;
}

/* Gregorian leap year. */
static int leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Is day d of month m (1-12) a date, in a leap year or not? */
static int date_ok(unsigned m, unsigned d, int lp)
{
	static const unsigned char mdays[12] = {31, 29, 31, 30, 31, 30,
						31, 31, 30, 31, 30, 31};

	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	return !(m == 2 && d == 29 && !lp);
}

/*
 * Luhn (ISO/IEC 7812-1 Annex B) over n digits: from the right, double every
 * second digit, subtract 9 from products over 9; the sum is 0 modulo 10.
 */
static int luhn(const char *d, size_t n)
{
	unsigned sum = 0, k = 0;

	while (n--) {
		unsigned v = (unsigned)(d[n] - '0');

		if (k++ % 2 == 1) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

/*
 * US Individual Taxpayer Identification Number: IRS Publication 1915
 * ("Understanding Your IRS Individual Taxpayer Identification Number",
 * Rev. 2021): nine digits formatted like an SSN, beginning with 9, whose
 * fourth and fifth digits are 50-65, 70-88, 90-92 or 94-99 (the 70-88
 * block since 1996, the others added by the IRS in 2011). There is no
 * check digit.
 */
static int v_us_itin(const char *s, size_t len)
{
	char d[MAXID];
	unsigned long g;

	if (compact(s, len, " -", d) != 9 || !all_digits(d, 9) || d[0] != '9')
		return 0;
	g = num(d + 3, 2);
	return (g >= 50 && g <= 65) || (g >= 70 && g <= 88) ||
	       (g >= 90 && g <= 92) || g >= 94;
}

/*
 * Canadian Social Insurance Number, Employment and Social Development
 * Canada, "Social Insurance Number Code of Practice" (section on the
 * structure of the SIN): nine digits whose last is a Luhn check digit; the
 * first digit is the province of registration, 9 for temporary residents;
 * 0 is not assigned and 8 is not used for individuals (business numbers).
 */
static int v_ca_sin(const char *s, size_t len)
{
	char d[MAXID];

	if (compact(s, len, " -", d) != 9 || !all_digits(d, 9))
		return 0;
	if (d[0] == '0' || d[0] == '8')
		return 0;
	return luhn(d, 9);
}

/*
 * UK National Insurance number, HMRC National Insurance Manual NIM39110
 * ("What a NINO looks like"): two prefix letters, six digits, a suffix
 * A, B, C or D. Neither prefix letter is D, F, I, Q, U or V; the second is
 * not O; the prefixes BG, GB, KN, NK, NT, TN and ZZ are not used. There is
 * no check character. HMRC's own example "QQ 12 34 56 A" (an impossible
 * prefix) is accepted so that it is reported as a placeholder. Spaces may
 * separate the groups.
 */
static int v_uk_nino(const char *s, size_t len)
{
	static const char *const bad = "BGGBKNNKNTTNZZ";
	char c[MAXID];
	size_t i;

	if (compact(s, len, " ", c) != 9 || !is_upper(c[0]) ||
	    !is_upper(c[1]) || !all_digits(c + 2, 6) || c[8] < 'A' ||
	    c[8] > 'D')
		return 0;
	if (c[0] == 'Q' && c[1] == 'Q')
		return 1;
	if (strchr("DFIQUV", c[0]) || strchr("DFIQUVO", c[1]))
		return 0;
	for (i = 0; bad[i]; i += 2)
		if (c[0] == bad[i] && c[1] == bad[i + 1])
			return 0;
	return 1;
}

/*
 * NHS number (England, Wales, Isle of Man; Scotland's CHI number uses the
 * same check), NHS Data Dictionary, "NHS Number" data element: ten digits,
 * printed 3 3 4, the last a Modulus 11 check digit: weight the first nine
 * by 10 down to 2, subtract the sum modulo 11 from 11; 11 means 0 and 10
 * means the number is invalid.
 */
static int v_uk_nhs(const char *s, size_t len)
{
	char d[MAXID];
	unsigned sum = 0, i, c;

	if (compact(s, len, " -", d) != 10 || !all_digits(d, 10))
		return 0;
	for (i = 0; i < 9; i++)
		sum += (unsigned)(d[i] - '0') * (10 - i);
	c = 11 - sum % 11;
	if (c == 10)
		return 0;
	if (c == 11)
		c = 0;
	return (unsigned)(d[9] - '0') == c;
}

/* Control letters of the Spanish DNI/NIF and NIE, indexed by the number
 * modulo 23 (Ministerio del Interior, below). */
static const char es_letters[] = "TRWAGMYFPDXBNJZSQVHLCKE";

/*
 * Spanish DNI number as NIF, Ministerio del Interior, "Cálculo del dígito
 * de control del NIF/NIE" (interior.gob.es, after Real Decreto 1553/2005):
 * eight digits and a control letter, the letter TRWAGMYFPDXBNJZSQVHLCKE
 * indexed by the number modulo 23. Thousands dots, and a dash or space
 * before the letter, are accepted.
 */
static int v_es_nif(const char *s, size_t len)
{
	char c[MAXID];

	if (compact(s, len, " .-", c) != 9 || !all_digits(c, 8))
		return 0;
	return c[8] == es_letters[num(c, 8) % 23];
}

/*
 * Spanish foreigner identity number (NIE), same source: X, Y or Z, seven
 * digits and a control letter computed as for the DNI with the initial
 * letter read as 0, 1 or 2. Dashes or spaces between the parts are
 * accepted.
 */
static int v_es_nie(const char *s, size_t len)
{
	char c[MAXID];
	unsigned long n;

	if (compact(s, len, " -", c) != 9 || c[0] < 'X' || c[0] > 'Z' ||
	    !all_digits(c + 1, 7))
		return 0;
	n = (unsigned long)(c[0] - 'X') * 10000000UL + num(c + 1, 7);
	return c[8] == es_letters[n % 23];
}

/* A digit of the codice fiscale, or its omocodia letter (LMNPQRSTUV for
 * 0-9); -1 for anything else. */
static int cf_digit(char c)
{
	static const char omo[] = "LMNPQRSTUV";
	const char *p;

	if (is_digit(c))
		return c - '0';
	p = c ? strchr(omo, c) : NULL;
	return p ? (int)(p - omo) : -1;
}

/*
 * Italian codice fiscale of a person, Decreto ministeriale 23 dicembre
 * 1976 ("Sistemi di codificazione dei soggetti da iscrivere all'anagrafe
 * tributaria") with the omocodia rule of the Agenzia delle Entrate: six
 * letters (surname, name), two digits of year, a month letter from
 * ABCDEHLMPRST, two digits of day (plus 40 for women), a letter and three
 * digits of the place of birth, and a check letter. Any of the seven
 * digits may be replaced by L M N P Q R S T U V (0-9) to tell apart equal
 * codes. Check letter: characters in odd positions (1st, 3rd, ...) score
 * by the table of the decree, those in even positions by their value
 * (0-9, A-Z as 0-25); the sum modulo 26 is the letter. The birth date must
 * exist (29 February in years divisible by 4, the century being unknown).
 */
static int v_it_fiscal_code(const char *s, size_t len)
{
	static const unsigned char odd[26] = {
	    1,	0,  5, 7, 9, 13, 15, 17, 19, 21, 2,  4,	 18,
	    20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};
	static const char months[] = "ABCDEHLMPRST";
	static const unsigned char dpos[7] = {6, 7, 9, 10, 12, 13, 14};
	char c[MAXID];
	int dv[7];
	unsigned i, sum = 0, yy, day, mon;
	const char *m;

	if (compact(s, len, "", c) != 16)
		return 0;
	for (i = 0; i < 6; i++)
		if (!is_upper(c[i]))
			return 0;
	if (!is_upper(c[11]) || !is_upper(c[15]))
		return 0;
	for (i = 0; i < 7; i++)
		if ((dv[i] = cf_digit(c[dpos[i]])) < 0)
			return 0;
	m = c[8] ? strchr(months, c[8]) : NULL;
	if (!m)
		return 0;
	mon = (unsigned)(m - months) + 1;
	yy = (unsigned)(dv[0] * 10 + dv[1]);
	day = (unsigned)(dv[2] * 10 + dv[3]);
	if (day > 40)
		day -= 40;
	if (!date_ok(mon, day, yy % 4 == 0))
		return 0;
	for (i = 0; i < 15; i++) {
		unsigned v = is_digit(c[i]) ? (unsigned)(c[i] - '0')
					    : (unsigned)(c[i] - 'A');

		sum += i % 2 == 0 ? odd[v] : v;
	}
	return c[15] == (char)('A' + sum % 26);
}

/*
 * French NIR ("numéro de sécurité sociale"), INSEE, "Numéro
 * d'inscription au répertoire (NIR)" (definition c1409) and the RNIPP
 * rules: sex 1 or 2 (3 and 4 for some foreign-born records, 7 and 8 for
 * temporary numbers), two digits of year, month 01-12 (20-42 and 50-99
 * when the month is unknown), department (2A/2B for Corsica), commune,
 * order number, then a two-digit key equal to 97 minus the first 13 digits
 * modulo 97, Corsica's 2A and 2B counting as 19 and 18. Spaces between the
 * groups are accepted.
 */
static int v_fr_nir(const char *s, size_t len)
{
	char c[MAXID];
	unsigned long n = 0;
	unsigned mon, i;

	if (compact(s, len, " ", c) != 15 || !all_digits(c, 5) ||
	    !all_digits(c + 7, 8))
		return 0;
	if (!strchr("123478", c[0]))
		return 0;
	mon = (unsigned)num(c + 3, 2);
	if (!((mon >= 1 && mon <= 12) || (mon >= 20 && mon <= 42) || mon >= 50))
		return 0;
	if (c[5] == '2' && (c[6] == 'A' || c[6] == 'B')) {
		c[5] = '1';
		c[6] = c[6] == 'A' ? '9' : '8';
	} else if (!is_digit(c[5]) || !is_digit(c[6])) {
		return 0;
	}
	for (i = 0; i < 13; i++)
		n = n * 10 + (unsigned long)(c[i] - '0');
	return num(c + 13, 2) == 97 - n % 97;
}

/*
 * German tax identification number (steuerliche Identifikationsnummer,
 * IdNr), § 139b Abgabenordnung and StIdV § 1: ten digits and a check
 * digit; the first digit is not 0; in the first ten digits exactly one
 * digit occurs twice or (since 2016) three times and every other at most
 * once (ELSTER, "Prüfung der Steuer- und Steueridentifikationsnummer",
 * chapter 2). The check digit follows ISO/IEC 7064 MOD 11,10. BZSt
 * letters print it as 2 3 3 3 digits separated by spaces.
 */
static int v_de_tax_id(const char *s, size_t len)
{
	char d[MAXID];
	unsigned cnt[10] = {0}, i, rep = 0, p = 10, c;

	if (compact(s, len, " ", d) != 11 || !all_digits(d, 11) || d[0] == '0')
		return 0;
	for (i = 0; i < 10; i++)
		cnt[d[i] - '0']++;
	for (i = 0; i < 10; i++) {
		if (cnt[i] > 3)
			return 0;
		if (cnt[i] > 1)
			rep++;
	}
	if (rep != 1)
		return 0;
	for (i = 0; i < 10; i++) {
		unsigned t = ((unsigned)(d[i] - '0') + p) % 10;

		if (t == 0)
			t = 10;
		p = (2 * t) % 11;
	}
	c = 11 - p;
	if (c == 10)
		c = 0;
	return (unsigned)(d[10] - '0') == c;
}

/*
 * Dutch citizen service number (burgerservicenummer, BSN), Rijksdienst
 * voor Identiteitsgegevens, "Logisch Ontwerp BSN" (the 11-proef): nine
 * digits d1..d9 with 9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11, and
 * not all zero. Printed plain or as 4.2.3 with dots.
 */
static int v_nl_bsn(const char *s, size_t len)
{
	char d[MAXID];
	long sum = 0;
	unsigned i;

	if (compact(s, len, " .", d) != 9 || !all_digits(d, 9) ||
	    num(d, 9) == 0)
		return 0;
	for (i = 0; i < 8; i++)
		sum += (long)(d[i] - '0') * (long)(9 - i);
	sum -= d[8] - '0';
	return sum % 11 == 0;
}

/*
 * Polish PESEL, Ministerstwo Cyfryzacji, "Numer PESEL" (gov.pl) and the
 * Act on population records of 24 September 2010, art. 15: eleven digits
 * YYMMDDZZZXQ; the month carries the century (+80 for 1800-1899, +0 for
 * 1900s, +20 for 2000s, +40 for 2100s, +60 for 2200s) and the date must
 * exist; weights 1 3 7 9 1 3 7 9 1 3 on the first ten digits, the check
 * digit is (10 - sum mod 10) mod 10.
 */
static int v_pl_pesel(const char *s, size_t len)
{
	static const unsigned char w[10] = {1, 3, 7, 9, 1, 3, 7, 9, 1, 3};
	static const unsigned short century[5] = {1900, 2000, 2100, 2200, 1800};
	char d[MAXID];
	unsigned i, sum = 0, mm, year;

	if (compact(s, len, "", d) != 11 || !all_digits(d, 11))
		return 0;
	mm = (unsigned)num(d + 2, 2);
	year = century[mm / 20] + (unsigned)num(d, 2);
	if (!date_ok(mm % 20, (unsigned)num(d + 4, 2), leap(year)))
		return 0;
	for (i = 0; i < 10; i++)
		sum += w[i] * (unsigned)(d[i] - '0');
	return (unsigned)(d[10] - '0') == (10 - sum % 10) % 10;
}

/*
 * Swedish personnummer and samordningsnummer, Skatteverket, "Population
 * registration in Sweden" (SKV 717B) and "Samordningsnummer" (SKV 707):
 * YYMMDD-NNNC, with '+' instead of '-' from the year the person turns 100,
 * or YYYYMMDDNNNC (also with '-' before NNNC) in newer systems; the date
 * must exist, a coordination number adds 60 to the day; C is a Luhn check
 * digit over the ten digits YYMMDDNNN. With a two-digit year the century
 * is unknown, so 29 February is accepted in any year divisible by 4.
 */
static int v_se_personnummer(const char *s, size_t len)
{
	char d[MAXID];
	size_t n, i, sep = len;
	unsigned year, mon, day;
	int lp;

	for (i = 0; i < len; i++) {
		if (is_digit(s[i]))
			continue;
		if ((s[i] != '-' && s[i] != '+') || sep != len)
			return 0;
		sep = i;
	}
	n = compact(s, len, "-+", d);
	if (n != 10 && n != 12)
		return 0;
	if (sep != len && (sep != n - 4 || (n == 12 && s[sep] == '+')))
		return 0;
	if (n == 12) {
		year = (unsigned)num(d, 4);
		if (year < 1800 || year > 2099)
			return 0;
		lp = leap(year);
	} else {
		lp = num(d, 2) % 4 == 0;
	}
	mon = (unsigned)num(d + n - 8, 2);
	day = (unsigned)num(d + n - 6, 2);
	if (day > 60)
		day -= 60;
	if (!date_ok(mon, day, lp))
		return 0;
	return luhn(d + n - 10, 10);
}

/* Check characters of the HETU, indexed by the number modulo 31. */
static const char fi_check[] = "0123456789ABCDEFHJKLMNPRSTUVWXY";

/*
 * Finnish personal identity code (henkilötunnus, HETU), Population
 * Information Act 661/2009 § 11 and Digital and Population Data Services
 * Agency (DVV), "Henkilötunnus" and the 2023 century-sign reform
 * (Government Decree in force 1.1.2023): DDMMYY, a century sign ('+' for
 * 1800s; '-', Y, X, W, V, U for 1900s; A, B, C, D, E, F for 2000s), a
 * three-digit individual number 002-999 (900-999 for temporary and test
 * codes) and a check character 0123456789ABCDEFHJKLMNPRSTUVWXY indexed by
 * the nine-digit number DDMMYYZZZ modulo 31. The date must exist.
 */
static int v_fi_hetu(const char *s, size_t len)
{
	char c[MAXID];
	unsigned year;

	if (compact(s, len, "", c) != 11 || !all_digits(c, 6) ||
	    !all_digits(c + 7, 3))
		return 0;
	if (c[6] == '+')
		year = 1800;
	else if (c[6] == '-' || (c[6] >= 'U' && c[6] <= 'Y'))
		year = 1900;
	else if (c[6] >= 'A' && c[6] <= 'F')
		year = 2000;
	else
		return 0;
	year += (unsigned)num(c + 4, 2);
	if (!date_ok((unsigned)num(c + 2, 2), (unsigned)num(c, 2), leap(year)))
		return 0;
	if (num(c + 7, 3) < 2)
		return 0;
	return c[10] == fi_check[(num(c, 6) * 1000 + num(c + 7, 3)) % 31];
}

static const aud_validator_entry validators[] = {
    {"ca_sin", v_ca_sin},
    {"de_tax_id", v_de_tax_id},
    {"es_nie", v_es_nie},
    {"es_nif", v_es_nif},
    {"fi_hetu", v_fi_hetu},
    {"fr_nir", v_fr_nir},
    {"it_fiscal_code", v_it_fiscal_code},
    {"nl_bsn", v_nl_bsn},
    {"pl_pesel", v_pl_pesel},
    {"se_personnummer", v_se_personnummer},
    {"uk_nhs", v_uk_nhs},
    {"uk_nino", v_uk_nino},
    {"us_itin", v_us_itin},
    {NULL, NULL},
};

/* ---- placeholders ---------------------------------------------------- */

/* Is the compacted form of {s, len} (seps removed) one of list? */
static int in_list(const char *s, size_t len, const char *seps,
		   const char *const *list)
{
	char c[MAXID];
	size_t n = compact(s, len, seps, c), i;

	for (i = 0; n <= MAXID && list[i]; i++)
		if (strlen(list[i]) == n && memcmp(list[i], c, n) == 0)
			return 1;
	return 0;
}

/*
 * Documentation and test values:
 * - UK_NINO: any QQ prefix (HMRC NIM39110's "QQ 12 34 56 A"; GOV.UK forms
 *   show "QQ 12 34 56 C"); Q is never a prefix letter of a real NINO.
 * - UK_NHS: 999 000 0000-999 999 9999, the range kept for test data and
 *   never issued, and 943 476 5919, the worked example of the check digit
 *   that documentation copies (Wikipedia, "NHS number").
 * - ES_NIF: 12345678Z, the Ministerio del Interior's worked example of the
 *   control letter.
 * - IT_FISCAL_CODE: the "Mario Rossi" examples copied across Italian
 *   documentation, RSSMRA80A01H501U and RSSMRA85T10A562S.
 * - NL_BSN: 111222333 and 123456782, the example numbers of BSN
 *   documentation and validation libraries.
 * - SE_PERSONNUMMER: 811218-9876, the example of the Wikipedia article
 *   "Personal identity number (Sweden)", and 19121212-1212, "Tolvan
 *   Tolvansson", the test person of Skatteverket and Swedish e-ID test
 *   environments.
 * - FI_PERSONAL_IDENTITY_CODE: 131052-308T, the example of DVV and the
 *   HETU literature, and every code with individual number 900-999, the
 *   range of DVV's fictitious test persons (010594Y9032, 100190-999P).
 */
static int ids_eu_placeholder(const char *entity, const char *s, size_t len)
{
	static const char *const nhs[] = {"9434765919", NULL};
	static const char *const nif[] = {"12345678Z", NULL};
	static const char *const cf[] = {"RSSMRA80A01H501U", "RSSMRA85T10A562S",
					 NULL};
	static const char *const bsn[] = {"111222333", "123456782", NULL};
	static const char *const se[] = {"8112189876", "198112189876",
					 "1212121212", "191212121212", NULL};
	static const char *const fi[] = {"131052-308T", NULL};
	char c[MAXID];
	size_t n;

	if (!entity || !s)
		return 0;
	if (strcmp(entity, "UK_NINO") == 0)
		return compact(s, len, " ", c) == 9 && c[0] == 'Q' &&
		       c[1] == 'Q';
	if (strcmp(entity, "UK_NHS") == 0)
		return (compact(s, len, " -", c) == 10 &&
			memcmp(c, "999", 3) == 0) ||
		       in_list(s, len, " -", nhs);
	if (strcmp(entity, "ES_NIF") == 0)
		return in_list(s, len, " .-", nif);
	if (strcmp(entity, "IT_FISCAL_CODE") == 0)
		return in_list(s, len, "", cf);
	if (strcmp(entity, "NL_BSN") == 0)
		return in_list(s, len, " .", bsn);
	if (strcmp(entity, "SE_PERSONNUMMER") == 0)
		return in_list(s, len, "-+", se);
	if (strcmp(entity, "FI_PERSONAL_IDENTITY_CODE") == 0) {
		n = compact(s, len, "", c);
		return in_list(s, len, "", fi) ||
		       (n == 11 && c[7] == '9' && is_digit(c[8]));
	}
	return 0;
}

static const char *const placeholder_entities[] = {"UK_NINO",
						   "UK_NHS",
						   "ES_NIF",
						   "IT_FISCAL_CODE",
						   "NL_BSN",
						   "SE_PERSONNUMMER",
						   "FI_PERSONAL_IDENTITY_CODE",
						   NULL};

const aud_validator_family aud_vfamily_ids_eu = {
    "ids_eu", validators, ids_eu_placeholder, placeholder_entities};
