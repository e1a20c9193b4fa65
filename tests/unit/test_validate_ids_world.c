/*
 * test_validate_ids_world.c: the validators of the ids_world family
 * (India, Australia, Singapore, China, South Korea, Brazil, South Africa)
 * on published examples (the source is cited next to each) and on values
 * whose check digits are worked out by hand in the comments, then altered
 * check digits, impossible dates, wrong lengths and stray bytes; the
 * family's registration and its placeholder list.
 */
#include "auditor/validate.h"

#include "harness.h"
#include "validate_harness.h"

#include <string.h>

static const char *const names[] = {
    "in_aadhaar",  "in_pan",	  "au_tfn",	    "au_abn",
    "au_medicare", "sg_nric_fin", "cn_resident_id", "kr_rrn",
    "br_cpf",	   "br_cnpj",	  "za_id",	    NULL};

/* Runs validator `name` on the C string s (-1 when it is missing). */
static void test_registered(void)
{
	const char *const *all = aud_validator_names();
	size_t i, j, k, seen;

	for (i = 0; names[i]; i++) {
		CHECK(aud_validator_find(names[i]) != NULL);
		/* listed exactly once over all families */
		for (seen = 0, j = 0; all[j]; j++)
			seen += strcmp(all[j], names[i]) == 0;
		CHECK_EQ_INT(seen, 1);
	}
	/* no name at all is registered twice */
	for (j = 0; all[j]; j++)
		for (k = j + 1; all[k]; k++)
			CHECK(strcmp(all[j], all[k]) != 0);
	/* the empty string is never a valid id */
	for (i = 0; names[i]; i++)
		CHECK_EQ_INT(ok(names[i], ""), 0);
}

static void test_in_aadhaar(void)
{
	/* UIDAI's public test residents (developer.uidai.gov.in, "Aadhaar
	 * Authentication Basics"). */
	CHECK_EQ_INT(ok("in_aadhaar", "999999990019"), 1);
	CHECK_EQ_INT(ok("in_aadhaar", "999999990026"), 1);
	CHECK_EQ_INT(ok("in_aadhaar", "9999 9999 0019"), 1);
	CHECK_EQ_INT(ok("in_aadhaar", "9999-9999-0026"), 1);
	/* altered check digit; a transposition (Verhoeff catches both) */
	CHECK_EQ_INT(ok("in_aadhaar", "999999990018"), 0);
	CHECK_EQ_INT(ok("in_aadhaar", "999999990109"), 0);
	/* Verhoeff, worked by hand with the d and p tables: folding
	 * 23456789012 from the right with p[(i + 1) mod 8] ends at c = 1,
	 * and inv[1] = 4 is the check digit: 234567890124. */
	CHECK_EQ_INT(ok("in_aadhaar", "2345 6789 0124"), 1);
	CHECK_EQ_INT(ok("in_aadhaar", "2345 6789 0125"), 0);
	/* 134567890129 passes Verhoeff but starts with 1: not issued */
	CHECK_EQ_INT(ok("in_aadhaar", "134567890129"), 0);
	CHECK_EQ_INT(ok("in_aadhaar", "99999999001"), 0);   /* 11 digits */
	CHECK_EQ_INT(ok("in_aadhaar", "9999999900190"), 0); /* 13 digits */
	CHECK_EQ_INT(ok("in_aadhaar", "9999.9999.0019"), 0);
}

static void test_in_pan(void)
{
	/* The format example of Income Tax Department forms (AAAPL1234C:
	 * status P, person). */
	CHECK_EQ_INT(ok("in_pan", "AAAPL1234C"), 1);
	CHECK_EQ_INT(ok("in_pan", "BXKCR7781Q"), 1); /* C, company */
	CHECK_EQ_INT(ok("in_pan", "ZZZGA0001A"), 1); /* G, government */
	CHECK_EQ_INT(ok("in_pan", "AAAXL1234C"), 0); /* X: no such status */
	CHECK_EQ_INT(ok("in_pan", "AAAPL0000C"), 0);
	CHECK_EQ_INT(ok("in_pan", "aaapl1234c"), 0);
	CHECK_EQ_INT(ok("in_pan", "AAAPL12345"), 0);
	CHECK_EQ_INT(ok("in_pan", "AAAPL1234"), 0);
	CHECK_EQ_INT(ok("in_pan", "AAAPL1234CD"), 0);
	CHECK_EQ_INT(ok("in_pan", "AAAP 1234C"), 0);
}

static void test_au_tfn(void)
{
	/* Worked example of the TFN algorithm: 1*1 + 2*4 + 3*3 + 4*7 + 5*5
	 * + 6*8 + 7*6 + 8*9 + 2*10 = 253 = 23 * 11 (Tax & Super Australia,
	 * "The secret life of TFNs"). */
	CHECK_EQ_INT(ok("au_tfn", "123456782"), 1);
	CHECK_EQ_INT(ok("au_tfn", "123 456 782"), 1);
	CHECK_EQ_INT(ok("au_tfn", "123-456-782"), 1);
	CHECK_EQ_INT(ok("au_tfn", "123456783"), 0);
	CHECK_EQ_INT(ok("au_tfn", "213456782"), 0); /* transposed */
	/* 8*1 + 7*4 + 6*3 + 5*7 + 4*5 + 3*8 + 2*6 + 1*9 + 0*10 = 154 */
	CHECK_EQ_INT(ok("au_tfn", "876 543 210"), 1);
	/* 8 digits: 1*10 + 2*7 + 3*8 + 4*4 + 5*6 + 6*3 + 7*5 + 7*1 = 154 */
	CHECK_EQ_INT(ok("au_tfn", "12345677"), 1);
	CHECK_EQ_INT(ok("au_tfn", "12345678"), 0);
	CHECK_EQ_INT(ok("au_tfn", "1234567820"), 0); /* 10 digits */
	CHECK_EQ_INT(ok("au_tfn", "123.456.782"), 0);
}

static void test_au_abn(void)
{
	/* ATO "ABN format": 51 824 753 556; (5-1)*10 + 1*1 + 8*3 + 2*5 +
	 * 4*7 + 7*9 + 5*11 + 3*13 + 5*15 + 5*17 + 6*19 = 534 = 6 * 89. */
	CHECK_EQ_INT(ok("au_abn", "51824753556"), 1);
	CHECK_EQ_INT(ok("au_abn", "51 824 753 556"), 1);
	CHECK_EQ_INT(ok("au_abn", "51824753557"), 0);
	CHECK_EQ_INT(ok("au_abn", "15824753556"), 0);
	CHECK_EQ_INT(ok("au_abn", "5182475355"), 0);
	CHECK_EQ_INT(ok("au_abn", "518247535560"), 0);
	/* first digit 0: (0-1) would be negative, never a valid ABN */
	CHECK_EQ_INT(ok("au_abn", "00000000000"), 0);
	CHECK_EQ_INT(ok("au_abn", "51/824/753/556"), 0);
}

static void test_au_medicare(void)
{
	/* NEHTA's example 2123 45670 1: 2 + 1*3 + 2*7 + 3*9 + 4 + 5*3 +
	 * 6*7 + 7*9 = 170, check digit 0, issue number 1. */
	CHECK_EQ_INT(ok("au_medicare", "2123456701"), 1);
	CHECK_EQ_INT(ok("au_medicare", "2123 45670 1"), 1);
	CHECK_EQ_INT(ok("au_medicare", "2123 45670 1-2"), 1); /* IRN 2 */
	CHECK_EQ_INT(ok("au_medicare", "2123 45670 1/3"), 1);
	CHECK_EQ_INT(ok("au_medicare", "21234567014"), 1);
	CHECK_EQ_INT(ok("au_medicare", "21234567010"), 0); /* IRN 0 */
	CHECK_EQ_INT(ok("au_medicare", "2123 45671 1"), 0);
	/* first digit must be 2-6: 7123 4567x with its own check digit
	 * (7 + 3 + 14 + 27 + 4 + 15 + 42 + 63 = 175, check 5) */
	CHECK_EQ_INT(ok("au_medicare", "7123456751"), 0);
	CHECK_EQ_INT(ok("au_medicare", "212345670"), 0);
	CHECK_EQ_INT(ok("au_medicare", "212345670112"), 0);
}

static void test_sg_nric_fin(void)
{
	/* By hand, weights 2 7 6 5 4 3 2:
	 * S1234567: 2+14+18+20+20+18+14 = 106, mod 11 = 7 -> "JZIHGFEDCBA"
	 * [7] = D.  T0123456: 0+7+12+15+16+15+12 = 77, +4 = 81, mod 11 = 4
	 * -> G.  F2345678: 4+21+24+25+24+21+16 = 135, mod 11 = 3 ->
	 * "XWUTRQPNMLK"[3] = T.  G9876543: 18+56+42+30+20+12+6 = 184, +4 =
	 * 188, mod 11 = 1 -> W.  M1234567: 106 + 3 = 109, mod 11 = 10 ->
	 * "XWUTRQPNJLK"[10] = K. */
	CHECK_EQ_INT(ok("sg_nric_fin", "S1234567D"), 1);
	CHECK_EQ_INT(ok("sg_nric_fin", "T0123456G"), 1);
	CHECK_EQ_INT(ok("sg_nric_fin", "F2345678T"), 1);
	CHECK_EQ_INT(ok("sg_nric_fin", "G9876543W"), 1);
	CHECK_EQ_INT(ok("sg_nric_fin", "M1234567K"), 1);
	CHECK_EQ_INT(ok("sg_nric_fin", "s1234567d"), 1);
	CHECK_EQ_INT(ok("sg_nric_fin", "S1234567A"), 0);
	/* the S/T table used for a T prefix without the offset */
	CHECK_EQ_INT(ok("sg_nric_fin", "T1234567D"), 0);
	/* the F/G table differs from M's at index 8: M with "M" */
	CHECK_EQ_INT(ok("sg_nric_fin", "M1234567X"), 0);
	CHECK_EQ_INT(ok("sg_nric_fin", "X1234567D"), 0);
	CHECK_EQ_INT(ok("sg_nric_fin", "S123456D"), 0);
	CHECK_EQ_INT(ok("sg_nric_fin", "S12345678D"), 0);
	CHECK_EQ_INT(ok("sg_nric_fin", "S12a4567D"), 0);
}

static void test_cn_resident_id(void)
{
	/* GB 11643-1999's example: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8
	 * 4 2 over 11010519491231002 give 167, 167 mod 11 = 2, (12 - 2) mod
	 * 11 = 10 -> X. */
	CHECK_EQ_INT(ok("cn_resident_id", "11010519491231002X"), 1);
	CHECK_EQ_INT(ok("cn_resident_id", "11010519491231002x"), 1);
	CHECK_EQ_INT(ok("cn_resident_id", "110105 19491231 002X"), 1);
	CHECK_EQ_INT(ok("cn_resident_id", "110105194912310020"), 0);
	/* 44030619900307123: sum 252, mod 11 = 10, (12 - 10) = 2 */
	CHECK_EQ_INT(ok("cn_resident_id", "440306199003071232"), 1);
	CHECK_EQ_INT(ok("cn_resident_id", "440306199003071233"), 0);
	/* 2001-02-29 does not exist (check digit 5 is right for it) */
	CHECK_EQ_INT(ok("cn_resident_id", "510108200102292415"), 0);
	/* province 99 is not in GB/T 2260 */
	CHECK_EQ_INT(ok("cn_resident_id", "99010519491231002X"), 0);
	/* born 1849 */
	CHECK_EQ_INT(ok("cn_resident_id", "11010518491231002X"), 0);
	CHECK_EQ_INT(ok("cn_resident_id", "1101051949123100X"), 0);
	CHECK_EQ_INT(ok("cn_resident_id", "11010519491231002X1"), 0);
	CHECK_EQ_INT(ok("cn_resident_id", "X1010519491231002X"), 0);
}

static void test_kr_rrn(void)
{
	/* 800101-123456x: 8*2 + 0*3 + 0*4 + 1*5 + 0*6 + 1*7 + 1*8 + 2*9 +
	 * 3*2 + 4*3 + 5*4 + 6*5 = 122, 122 mod 11 = 1, (11 - 1) mod 10 = 0 */
	CHECK_EQ_INT(ok("kr_rrn", "800101-1234560"), 1);
	CHECK_EQ_INT(ok("kr_rrn", "8001011234560"), 1);
	CHECK_EQ_INT(ok("kr_rrn", "800101-1234561"), 0);
	/* February 30th; month 13 */
	CHECK_EQ_INT(ok("kr_rrn", "800230-1234560"), 0);
	CHECK_EQ_INT(ok("kr_rrn", "801301-1234560"), 0);
	/* Feb 29: 2000 was a leap year (G = 3), 1900 was not (G = 1).
	 * 000229-300000x: 2*5 + 2*6 + 9*7 + 3*8 = 109, mod 11 = 10 -> 1. */
	CHECK_EQ_INT(ok("kr_rrn", "000229-3000001"), 1);
	CHECK_EQ_INT(ok("kr_rrn", "000229-1000001"), 0);
	/* Issued from October 2020 without a check digit: the last digit
	 * of 210315-3847261 does not check ((11 - 226 mod 11) mod 10 = 5)
	 * but the birth date is after 2020-09-01, so it is accepted; the
	 * same digits for a birth in 1919 or on 2020-08-31 are not. */
	CHECK_EQ_INT(ok("kr_rrn", "210315-3847261"), 1);
	CHECK_EQ_INT(ok("kr_rrn", "200901-3847262"), 1);
	CHECK_EQ_INT(ok("kr_rrn", "190315-1847261"), 0);
	CHECK_EQ_INT(ok("kr_rrn", "200831-3847261"), 0);
	CHECK_EQ_INT(ok("kr_rrn", "800101-123456"), 0);
	CHECK_EQ_INT(ok("kr_rrn", "800101/1234560"), 0);
}

static void test_br_cpf(void)
{
	/* 123.456.789-09: 1*10 + 2*9 + ... + 9*2 = 210, 210 mod 11 = 1 < 2
	 * -> 0; then 1*11 + 2*10 + ... + 9*3 + 0*2 = 255, mod 11 = 2 ->
	 * 11 - 2 = 9. */
	CHECK_EQ_INT(ok("br_cpf", "123.456.789-09"), 1);
	CHECK_EQ_INT(ok("br_cpf", "12345678909"), 1);
	CHECK_EQ_INT(ok("br_cpf", "123456789-09"), 1);
	CHECK_EQ_INT(ok("br_cpf", "123.456.789-08"), 0);
	CHECK_EQ_INT(ok("br_cpf", "123.456.789-19"), 0);
	/* one repeated digit passes the arithmetic but is not issued */
	CHECK_EQ_INT(ok("br_cpf", "111.111.111-11"), 0);
	CHECK_EQ_INT(ok("br_cpf", "000.000.000-00"), 0);
	CHECK_EQ_INT(ok("br_cpf", "123.456.789-0"), 0);
	CHECK_EQ_INT(ok("br_cpf", "123,456,789-09"), 0);
}

static void test_br_cnpj(void)
{
	/* 11.222.333/0001-81: weights 5 4 3 2 9 8 7 6 5 4 3 2 give 102,
	 * mod 11 = 3 -> 8; weights 6 5 4 3 2 9 8 7 6 5 4 3 2 give 120,
	 * mod 11 = 10 -> 1. */
	CHECK_EQ_INT(ok("br_cnpj", "11.222.333/0001-81"), 1);
	CHECK_EQ_INT(ok("br_cnpj", "11222333000181"), 1);
	CHECK_EQ_INT(ok("br_cnpj", "11.222.333/0001-82"), 0);
	CHECK_EQ_INT(ok("br_cnpj", "11.222.333/0002-81"), 0);
	CHECK_EQ_INT(ok("br_cnpj", "00.000.000/0000-00"), 0);
	CHECK_EQ_INT(ok("br_cnpj", "11.222.333/0001-8"), 0);
	CHECK_EQ_INT(ok("br_cnpj", "11.222.333\\0001-81"), 0);
}

static void test_za_id(void)
{
	/* The example of Wikipedia's "South African identity card"
	 * article, 800101 5009 087: born 1 January 1980, male, citizen. */
	CHECK_EQ_INT(ok("za_id", "8001015009087"), 1);
	CHECK_EQ_INT(ok("za_id", "800101 5009 087"), 1);
	CHECK_EQ_INT(ok("za_id", "8001015009088"), 0);
	/* Luhn, by hand for 950715 0123 08x: odd positions 9+0+1+0+2+0 =
	 * 12; doubled even positions 5->1, 7->5, 5->1, 1->2, 3->6, 8->7 =
	 * 22; 34 -> check digit 6. */
	CHECK_EQ_INT(ok("za_id", "9507150123086"), 1);
	/* C = 3 (no such status) and A = 7 (a pre-1986 race code), each
	 * with the Luhn digit that fits */
	CHECK_EQ_INT(ok("za_id", "9507150123383"), 0);
	CHECK_EQ_INT(ok("za_id", "9507150123078"), 0);
	/* 31 April */
	CHECK_EQ_INT(ok("za_id", "9504315009086"), 0);
	CHECK_EQ_INT(ok("za_id", "800101500908"), 0);
	CHECK_EQ_INT(ok("za_id", "80010150090877"), 0);
	CHECK_EQ_INT(ok("za_id", "800101-5009-087"), 0);
}

static void test_placeholders(void)
{
	CHECK_EQ_INT(ph("IN_AADHAAR", "9999 9999 0019"), 1);
	CHECK_EQ_INT(ph("IN_AADHAAR", "234567890124"), 0);
	CHECK_EQ_INT(ph("AU_ABN", "51 824 753 556"), 1);
	CHECK_EQ_INT(ph("AU_TFN", "123 456 782"), 1);
	CHECK_EQ_INT(ph("AU_TFN", "876 543 210"), 0);
	CHECK_EQ_INT(ph("AU_MEDICARE", "2123 45670 1"), 1);
	CHECK_EQ_INT(ph("AU_MEDICARE", "2123 45670 1-1"), 1);
	CHECK_EQ_INT(ph("AU_MEDICARE", "21234567014"), 1);
	CHECK_EQ_INT(ph("AU_MEDICARE", "2314 87599 4"), 0);
	CHECK_EQ_INT(ph("IN_PAN", "AAAPL1234C"), 1);
	CHECK_EQ_INT(ph("IN_PAN", "BXKCR7781Q"), 0);
	CHECK_EQ_INT(ph("SG_NRIC_FIN", "S1234567D"), 1);
	CHECK_EQ_INT(ph("SG_NRIC_FIN", "T0123456G"), 0);
	CHECK_EQ_INT(ph("CN_RESIDENT_ID", "11010519491231002x"), 1);
	CHECK_EQ_INT(ph("BR_CPF", "123.456.789-09"), 1);
	CHECK_EQ_INT(ph("BR_CNPJ", "11.222.333/0001-81"), 1);
	CHECK_EQ_INT(ph("BR_CNPJ", "12.345.678/0001-95"), 1);
	CHECK_EQ_INT(ph("ZA_ID", "8001015009087"), 1);
	CHECK_EQ_INT(ph("ZA_ID", "9507150123086"), 0);
	/* a value is a placeholder only for its own entity */
	CHECK_EQ_INT(ph("BR_CPF", "51824753556"), 0);
	CHECK_EQ_INT(ph("US_SSN", "123456782"), 0);
	CHECK_EQ_INT(ph(NULL, "51824753556"), 0);
}

int main(void)
{
	RUN(test_registered);
	RUN(test_in_aadhaar);
	RUN(test_in_pan);
	RUN(test_au_tfn);
	RUN(test_au_abn);
	RUN(test_au_medicare);
	RUN(test_sg_nric_fin);
	RUN(test_cn_resident_id);
	RUN(test_kr_rrn);
	RUN(test_br_cpf);
	RUN(test_br_cnpj);
	RUN(test_za_id);
	RUN(test_placeholders);
	return DONE();
}
