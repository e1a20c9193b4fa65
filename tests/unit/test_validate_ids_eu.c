/*
 * test_validate_ids_eu.c: the ids_eu validators (North American and
 * European national identifiers) on published valid and invalid examples,
 * each source cited next to it, plus altered check characters, impossible
 * dates and wrong lengths; their registration; and the documentation
 * values the family reports as placeholders.
 *
 * "stdnum" below is the doctest of the module of that name in
 * python-stdnum (arthurdejong/python-stdnum), which quotes each example
 * from its national source. Values marked "computed" were worked out by
 * hand from the rule cited in validate_ids_eu.c.
 */
#include "auditor/validate.h"

#include "harness.h"
#include "validate_harness.h"

#include <string.h>

static void test_registered(void)
{
	static const char *const mine[] = {
	    "ca_sin",	       "de_tax_id", "es_nie",
	    "es_nif",	       "fi_hetu",   "fr_nir",
	    "it_fiscal_code",  "nl_bsn",    "pl_pesel",
	    "se_personnummer", "uk_nhs",    "uk_nino",
	    "us_itin",	       NULL};
	const char *const *names = aud_validator_names();
	size_t i, j, k;

	for (i = 0; mine[i]; i++) {
		CHECK(aud_validator_find(mine[i]) != NULL);
		for (k = 0, j = 0; names[j]; j++)
			if (strcmp(names[j], mine[i]) == 0)
				k++;
		CHECK_EQ_INT(k, 1); /* listed once over all families */
	}
	/* empty input is never a valid identifier */
	for (i = 0; mine[i]; i++)
		CHECK_EQ_INT(aud_validator_find(mine[i])("", 0), 0);
}

static void test_us_itin(void)
{
	/* IRS Publication 1915: 9XX, group 50-65, 70-88, 90-92, 94-99. */
	CHECK_EQ_INT(ok("us_itin", "912-70-1234"), 1);
	CHECK_EQ_INT(ok("us_itin", "912 88 1234"), 1);
	CHECK_EQ_INT(ok("us_itin", "900500000"), 1);
	CHECK_EQ_INT(ok("us_itin", "999-65-9999"), 1);
	CHECK_EQ_INT(ok("us_itin", "912-90-1234"), 1);
	CHECK_EQ_INT(ok("us_itin", "912-94-1234"), 1);
	CHECK_EQ_INT(ok("us_itin", "912-93-1234"), 0);
	CHECK_EQ_INT(ok("us_itin", "912-89-1234"), 0);
	CHECK_EQ_INT(ok("us_itin", "912-66-1234"), 0);
	CHECK_EQ_INT(ok("us_itin", "912-49-1234"), 0);
	CHECK_EQ_INT(ok("us_itin", "812-70-1234"), 0); /* not 9XX */
	CHECK_EQ_INT(ok("us_itin", "912-70-123"), 0);
	CHECK_EQ_INT(ok("us_itin", "912/70/1234"), 0);
}

static void test_ca_sin(void)
{
	/* stdnum ca.sin */
	CHECK_EQ_INT(ok("ca_sin", "123-456-782"), 1);
	CHECK_EQ_INT(ok("ca_sin", "123 456 782"), 1);
	CHECK_EQ_INT(ok("ca_sin", "999-999-999"), 0); /* Luhn */
	CHECK_EQ_INT(ok("ca_sin", "823456785"), 0);   /* Luhn ok, 8 */
	CHECK_EQ_INT(ok("ca_sin", "12345678Z"), 0);
	/* Luhn-valid example of the Wikipedia "Social Insurance Number"
	 * article, but 0 is not an assigned first digit. */
	CHECK_EQ_INT(ok("ca_sin", "046 454 286"), 0);
	CHECK_EQ_INT(ok("ca_sin", "123-456-783"), 0);
	CHECK_EQ_INT(ok("ca_sin", "123-456-78"), 0);
	CHECK_EQ_INT(ok("ca_sin", "912 345 675"), 1); /* computed: temp. */
}

static void test_uk_nino(void)
{
	/* HMRC NIM39110: "QQ 12 34 56 A" is its example (not a valid
	 * prefix; accepted so it can be reported as a placeholder). */
	CHECK_EQ_INT(ok("uk_nino", "QQ 12 34 56 A"), 1);
	CHECK_EQ_INT(ok("uk_nino", "QQ123456C"), 1);
	CHECK_EQ_INT(ok("uk_nino", "AB 12 34 56 C"), 1);
	CHECK_EQ_INT(ok("uk_nino", "JK481293D"), 1);
	CHECK_EQ_INT(ok("uk_nino", "DA123456C"), 0); /* D first */
	CHECK_EQ_INT(ok("uk_nino", "AV123456C"), 0); /* V second */
	CHECK_EQ_INT(ok("uk_nino", "AO123456C"), 0); /* O second */
	CHECK_EQ_INT(ok("uk_nino", "OA123456C"), 1); /* O first is fine */
	CHECK_EQ_INT(ok("uk_nino", "BG123456A"), 0);
	CHECK_EQ_INT(ok("uk_nino", "GB123456A"), 0);
	CHECK_EQ_INT(ok("uk_nino", "KN123456A"), 0);
	CHECK_EQ_INT(ok("uk_nino", "NK123456A"), 0);
	CHECK_EQ_INT(ok("uk_nino", "NT123456A"), 0);
	CHECK_EQ_INT(ok("uk_nino", "TN123456A"), 0);
	CHECK_EQ_INT(ok("uk_nino", "ZZ123456A"), 0);
	CHECK_EQ_INT(ok("uk_nino", "AB123456E"), 0); /* suffix A-D */
	CHECK_EQ_INT(ok("uk_nino", "AB12345C"), 0);
	CHECK_EQ_INT(ok("uk_nino", "A1123456C"), 0);
}

static void test_uk_nhs(void)
{
	/* Worked example of the Wikipedia "NHS number" article: weighted
	 * sum 299, remainder 2, check digit 9. */
	CHECK_EQ_INT(ok("uk_nhs", "943 476 5919"), 1);
	CHECK_EQ_INT(ok("uk_nhs", "9434765919"), 1);
	CHECK_EQ_INT(ok("uk_nhs", "943-476-5919"), 1);
	CHECK_EQ_INT(ok("uk_nhs", "943 476 5918"), 0);
	/* The NHS syntax example 987 654 4321 is not a valid number: its
	 * check digit would be 2. */
	CHECK_EQ_INT(ok("uk_nhs", "987 654 4321"), 0);
	CHECK_EQ_INT(ok("uk_nhs", "987 654 4322"), 1);
	/* 999 123 456: 11 - (sum mod 11) = 10, which no number may have. */
	CHECK_EQ_INT(ok("uk_nhs", "9991234560"), 0);
	CHECK_EQ_INT(ok("uk_nhs", "9991234561"), 0);
	CHECK_EQ_INT(ok("uk_nhs", "943 476 591"), 0);
	/* computed: 401 023 208 has remainder 0, so 11 - 0 = 11 -> 0 */
	CHECK_EQ_INT(ok("uk_nhs", "401 023 2080"), 1);
	CHECK_EQ_INT(ok("uk_nhs", "401 023 2137"), 1);
}

static void test_es(void)
{
	/* stdnum es.dni; Ministerio del Interior: 12345678 -> Z. */
	CHECK_EQ_INT(ok("es_nif", "54362315-K"), 1);
	CHECK_EQ_INT(ok("es_nif", "54362315K"), 1);
	CHECK_EQ_INT(ok("es_nif", "54362315Z"), 0);
	CHECK_EQ_INT(ok("es_nif", "54362315"), 0);
	CHECK_EQ_INT(ok("es_nif", "12345678Z"), 1);
	CHECK_EQ_INT(ok("es_nif", "12.345.678-Z"), 1);
	CHECK_EQ_INT(ok("es_nif", "12345678 Z"), 1);
	CHECK_EQ_INT(ok("es_nif", "1234567Z"), 0);
	/* stdnum es.nie */
	CHECK_EQ_INT(ok("es_nie", "X-2482300W"), 1);
	CHECK_EQ_INT(ok("es_nie", "X2482300W"), 1);
	CHECK_EQ_INT(ok("es_nie", "X-2482300A"), 0);
	CHECK_EQ_INT(ok("es_nie", "X2482300"), 0);
	/* Y counts as 1, Z as 2: computed 14829103 mod 23 = 14 -> Z. */
	CHECK_EQ_INT(ok("es_nie", "Y4829103Z"), 1);
	CHECK_EQ_INT(ok("es_nie", "X4829103Z"), 0);
	CHECK_EQ_INT(ok("es_nie", "W4829103Z"), 0);
}

static void test_it_fiscal_code(void)
{
	/* stdnum it.codicefiscale */
	CHECK_EQ_INT(ok("it_fiscal_code", "RCCMNL83S18D969H"), 1);
	CHECK_EQ_INT(ok("it_fiscal_code", "CNTCHR83T41D969D"), 1); /* F */
	CHECK_EQ_INT(ok("it_fiscal_code", "rccmnl83s18d969h"), 1);
	CHECK_EQ_INT(ok("it_fiscal_code", "RCCMNL83S18D969"), 0);
	CHECK_EQ_INT(ok("it_fiscal_code", "RCCMNL83S18D969A"), 0);
	/* computed omocodia of the same code: 969 -> VSV, then all seven
	 * digits (83 -> UP, 18 -> MU). */
	CHECK_EQ_INT(ok("it_fiscal_code", "RCCMNL83S18DVSVX"), 1);
	CHECK_EQ_INT(ok("it_fiscal_code", "RCCMNLUPSMUDVSVO"), 1);
	CHECK_EQ_INT(ok("it_fiscal_code", "RCCMNL83S18DVSVA"), 0);
	/* month letter F is not in ABCDEHLMPRST; day 75-40 = 35 */
	CHECK_EQ_INT(ok("it_fiscal_code", "RCCMNL83F18D969H"), 0);
	CHECK_EQ_INT(ok("it_fiscal_code", "BNCGLI92E75F205H"), 0);
	/* computed: 29 February 2001 does not exist (check letter right) */
	CHECK_EQ_INT(ok("it_fiscal_code", "FRRNNA01B29L219E"), 0);
	CHECK_EQ_INT(ok("it_fiscal_code", "1CCMNL83S18D969H"), 0);
}

static void test_fr_nir(void)
{
	/* stdnum fr.nir */
	CHECK_EQ_INT(ok("fr_nir", "2 95 10 99 126 111 93"), 1);
	CHECK_EQ_INT(ok("fr_nir", "295109912611193"), 1);
	CHECK_EQ_INT(ok("fr_nir", "295109912611199"), 0);
	CHECK_EQ_INT(ok("fr_nir", "253072B07300470"), 1);
	CHECK_EQ_INT(ok("fr_nir", "253072A07300443"), 1);
	CHECK_EQ_INT(ok("fr_nir", "253072C07300443"), 0);
	CHECK_EQ_INT(ok("fr_nir", "6546546546546703"), 0);
	/* key of 2A differs from that of department 20 */
	CHECK_EQ_INT(ok("fr_nir", "253072007300443"), 0);
	/* computed: sex 5 and month 13 are impossible, keys right */
	CHECK_EQ_INT(ok("fr_nir", "5 87 05 69 123 456 34"), 0);
	CHECK_EQ_INT(ok("fr_nir", "2 87 13 69 123 456 21"), 0);
	CHECK_EQ_INT(ok("fr_nir", "2 87 05 69 123 456 87"), 1);
}

static void test_de_tax_id(void)
{
	/* stdnum de.idnr */
	CHECK_EQ_INT(ok("de_tax_id", "36 574 261 809"), 1);
	CHECK_EQ_INT(ok("de_tax_id", "36574261809"), 1);
	CHECK_EQ_INT(ok("de_tax_id", "36574261890"), 0);
	CHECK_EQ_INT(ok("de_tax_id", "36554266806"), 0); /* two repeated */
	/* kryptografie.de worked example of the check digit */
	CHECK_EQ_INT(ok("de_tax_id", "12345678995"), 1);
	CHECK_EQ_INT(ok("de_tax_id", "12345678994"), 0);
	/* all ten digits distinct: no digit repeated */
	CHECK_EQ_INT(ok("de_tax_id", "12345678903"), 0);
	/* computed: a digit three times (2016 rule) is fine, four is not */
	CHECK_EQ_INT(ok("de_tax_id", "25149578531"), 1);
	CHECK_EQ_INT(ok("de_tax_id", "25159578538"), 0);
	CHECK_EQ_INT(ok("de_tax_id", "05149578531"), 0); /* leading 0 */
	CHECK_EQ_INT(ok("de_tax_id", "3657426180"), 0);
}

static void test_nl_bsn(void)
{
	/* stdnum nl.bsn */
	CHECK_EQ_INT(ok("nl_bsn", "1112.22.333"), 1);
	CHECK_EQ_INT(ok("nl_bsn", "111222333"), 1);
	CHECK_EQ_INT(ok("nl_bsn", "1112.52.333"), 0);
	CHECK_EQ_INT(ok("nl_bsn", "1112223334"), 0);
	CHECK_EQ_INT(ok("nl_bsn", "123456782"), 1);
	CHECK_EQ_INT(ok("nl_bsn", "123456783"), 0);
	CHECK_EQ_INT(ok("nl_bsn", "000000000"), 0);
}

static void test_pl_pesel(void)
{
	/* stdnum pl.pesel */
	CHECK_EQ_INT(ok("pl_pesel", "44051401359"), 1);
	CHECK_EQ_INT(ok("pl_pesel", "44051401358"), 0);
	CHECK_EQ_INT(ok("pl_pesel", "02381307589"), 0); /* 2002-18-13 */
	CHECK_EQ_INT(ok("pl_pesel", "02211307589"), 1); /* 2002-01-13 */
	CHECK_EQ_INT(ok("pl_pesel", "02122401358"), 1); /* 1902-12-24 */
	/* computed: 29 Feb 2000 (month 22) exists, 29 Feb 1900 does not */
	CHECK_EQ_INT(ok("pl_pesel", "00222912349"), 1);
	CHECK_EQ_INT(ok("pl_pesel", "00022912343"), 0);
	CHECK_EQ_INT(ok("pl_pesel", "4405140135"), 0);
}

static void test_se_personnummer(void)
{
	/* stdnum se.personnummer */
	CHECK_EQ_INT(ok("se_personnummer", "880320-0016"), 1);
	CHECK_EQ_INT(ok("se_personnummer", "8803200016"), 1);
	CHECK_EQ_INT(ok("se_personnummer", "880320-0018"), 0);
	CHECK_EQ_INT(ok("se_personnummer", "890102-3286"), 1);
	CHECK_EQ_INT(ok("se_personnummer", "811228-9841"), 1);
	/* the 12-digit forms, and '+' for those aged 100 or more */
	CHECK_EQ_INT(ok("se_personnummer", "19880320-0016"), 1);
	CHECK_EQ_INT(ok("se_personnummer", "198803200016"), 1);
	CHECK_EQ_INT(ok("se_personnummer", "880320+0016"), 1);
	CHECK_EQ_INT(ok("se_personnummer", "19880320+0016"), 0);
	CHECK_EQ_INT(ok("se_personnummer", "17880320-0016"), 0);
	CHECK_EQ_INT(ok("se_personnummer", "8803-200016"), 0);
	CHECK_EQ_INT(ok("se_personnummer", "880320--0016"), 0);
	/* computed: samordningsnummer 701063-2391 is day 3 + 60 */
	CHECK_EQ_INT(ok("se_personnummer", "701063-2391"), 1);
	CHECK_EQ_INT(ok("se_personnummer", "701093-2391"), 0);
	CHECK_EQ_INT(ok("se_personnummer", "881320-0016"), 0);
	/* 29 Feb: 1900 was not a leap year, 2012 was */
	CHECK_EQ_INT(ok("se_personnummer", "19000229-1234"), 0);
	CHECK_EQ_INT(ok("se_personnummer", "120229-1231"), 1);
}

static void test_fi_hetu(void)
{
	/* stdnum fi.hetu */
	CHECK_EQ_INT(ok("fi_hetu", "131052-308T"), 1);
	CHECK_EQ_INT(ok("fi_hetu", "131052-308U"), 0);
	CHECK_EQ_INT(ok("fi_hetu", "310252-308Y"), 0); /* 31 February */
	CHECK_EQ_INT(ok("fi_hetu", "131052a308t"), 1);
	/* DVV's fictitious persons with the 2023 century signs, and DVV's
	 * press-release example 100190-999P */
	CHECK_EQ_INT(ok("fi_hetu", "010594Y9032"), 1);
	CHECK_EQ_INT(ok("fi_hetu", "010594Y9021"), 1);
	CHECK_EQ_INT(ok("fi_hetu", "020594X903P"), 1);
	CHECK_EQ_INT(ok("fi_hetu", "010516B903X"), 1);
	CHECK_EQ_INT(ok("fi_hetu", "100190-999P"), 1);
	CHECK_EQ_INT(ok("fi_hetu", "100190Y999P"), 1);
	CHECK_EQ_INT(ok("fi_hetu", "100190G999P"), 0); /* no sign G */
	CHECK_EQ_INT(ok("fi_hetu", "131052-001T"), 0); /* below 002 */
	CHECK_EQ_INT(ok("fi_hetu", "131052-308"), 0);
	CHECK_EQ_INT(ok("fi_hetu", "131052-308TT"), 0);
}

static void test_placeholders(void)
{
	CHECK_EQ_INT(ph("UK_NINO", "QQ 12 34 56 A"), 1);
	CHECK_EQ_INT(ph("UK_NINO", "QQ123456C"), 1);
	CHECK_EQ_INT(ph("UK_NINO", "AB123456C"), 0);
	CHECK_EQ_INT(ph("UK_NHS", "999 000 0018"), 1);
	CHECK_EQ_INT(ph("UK_NHS", "943 476 5919"), 1);
	CHECK_EQ_INT(ph("UK_NHS", "485 777 3457"), 0);
	CHECK_EQ_INT(ph("ES_NIF", "12.345.678-Z"), 1);
	CHECK_EQ_INT(ph("ES_NIF", "54362315K"), 0);
	CHECK_EQ_INT(ph("IT_FISCAL_CODE", "rssmra85t10a562s"), 1);
	CHECK_EQ_INT(ph("IT_FISCAL_CODE", "RCCMNL83S18D969H"), 0);
	CHECK_EQ_INT(ph("NL_BSN", "1112.22.333"), 1);
	CHECK_EQ_INT(ph("SE_PERSONNUMMER", "19121212-1212"), 1);
	CHECK_EQ_INT(ph("SE_PERSONNUMMER", "811218-9876"), 1);
	CHECK_EQ_INT(ph("SE_PERSONNUMMER", "880320-0016"), 0);
	CHECK_EQ_INT(ph("FI_PERSONAL_IDENTITY_CODE", "131052-308T"), 1);
	CHECK_EQ_INT(ph("FI_PERSONAL_IDENTITY_CODE", "010594Y9032"), 1);
	CHECK_EQ_INT(ph("FI_PERSONAL_IDENTITY_CODE", "240378-1230"), 0);
	/* another entity's value is not ours */
	CHECK_EQ_INT(ph("US_SSN", "QQ123456C"), 0);
	CHECK_EQ_INT(ph("UK_NINO", ""), 0);
}

int main(void)
{
	RUN(test_registered);
	RUN(test_us_itin);
	RUN(test_ca_sin);
	RUN(test_uk_nino);
	RUN(test_uk_nhs);
	RUN(test_es);
	RUN(test_it_fiscal_code);
	RUN(test_fr_nir);
	RUN(test_de_tax_id);
	RUN(test_nl_bsn);
	RUN(test_pl_pesel);
	RUN(test_se_personnummer);
	RUN(test_fi_hetu);
	RUN(test_placeholders);
	return DONE();
}
