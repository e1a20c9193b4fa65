/*
 * test_validate.c: every validator on published valid and invalid
 * examples (the source of each is cited next to it), the placeholder and
 * local-address lists, and the entropy measure.
 */
#include "../../auditor/validate_impl.h"
#include "auditor/patterns.h"
#include "auditor/validate.h"

#include "harness.h"
#include "validate_harness.h"

#include <stdio.h>
#include <string.h>

/* Runs validator `name` on the C string s. */
static void test_lookup(void)
{
	const char *const *names = aud_validator_names();
	size_t i;

	size_t j;

	for (i = 0; names[i]; i++) {
		CHECK(aud_validator_find(names[i]) != NULL);
		for (j = 0; j < i; j++) /* unique across families */
			CHECK(strcmp(names[i], names[j]) != 0);
	}
	CHECK(i >= 9);
	CHECK(aud_validator_find("nope") == NULL);
	CHECK(aud_validator_find(NULL) == NULL);
	CHECK(aud_validator_find("") == NULL);
}

static void test_luhn(void)
{
	/* The worked example of the Luhn algorithm (ISO/IEC 7812-1 Annex B,
	 * as reproduced in the Wikipedia article "Luhn algorithm"):
	 * 7992739871 has check digit 3. */
	CHECK_EQ_INT(ok("luhn", "79927398713"), 1);
	CHECK_EQ_INT(ok("luhn", "79927398710"), 0);
	CHECK_EQ_INT(ok("luhn", "79927398714"), 0);
	CHECK_EQ_INT(ok("luhn", "7992 7398 713"), 1);
	CHECK_EQ_INT(ok("luhn", "7992-7398-713"), 1);
	CHECK_EQ_INT(ok("luhn", "7992x7398713"), 0);
	CHECK_EQ_INT(ok("luhn", "0"), 0); /* too short to mean anything */
}

static void test_credit_card(void)
{
	/* Stripe's published test cards ("Testing", stripe.com/docs). */
	CHECK_EQ_INT(ok("credit_card", "4242424242424242"), 1); /* Visa */
	CHECK_EQ_INT(ok("credit_card", "4000056655665556"), 1); /* Visa */
	CHECK_EQ_INT(ok("credit_card", "5555555555554444"), 1); /* MC */
	CHECK_EQ_INT(ok("credit_card", "2223003122003222"), 1); /* MC 2 */
	CHECK_EQ_INT(ok("credit_card", "378282246310005"), 1);	/* Amex */
	CHECK_EQ_INT(ok("credit_card", "6011111111111117"), 1); /* Disc. */
	CHECK_EQ_INT(ok("credit_card", "3566002020360505"), 1); /* JCB */
	CHECK_EQ_INT(ok("credit_card", "6200000000000005"), 1); /* UPay */
	CHECK_EQ_INT(ok("credit_card", "3056930009020004"), 1); /* Diners */
	CHECK_EQ_INT(ok("credit_card", "36227206271667"), 1); /* Diners */
	/* As printed, with separators. */
	CHECK_EQ_INT(ok("credit_card", "4242 4242 4242 4242"), 1);
	CHECK_EQ_INT(ok("credit_card", "3782-822463-10005"), 1);
	/* Luhn fails: last digit changed. */
	CHECK_EQ_INT(ok("credit_card", "4242424242424241"), 0);
	CHECK_EQ_INT(ok("credit_card", "378282246310006"), 0);
	/* Luhn holds but no network issues such numbers: 1234 5678 1234
	 * 5670 (prefix 1) and 0000 0000 0000 0000 (prefix 0). */
	CHECK_EQ_INT(ok("luhn", "1234567812345670"), 1);
	CHECK_EQ_INT(ok("credit_card", "1234567812345670"), 0);
	CHECK_EQ_INT(ok("credit_card", "0000000000000000"), 0);
	/* Luhn holds, prefix known, length wrong: Amex is 15 digits
	 * (37828224631000 followed by its Luhn digit 3 is 16), Mastercard
	 * 16. */
	CHECK_EQ_INT(ok("luhn", "3782822463100003"), 1);
	CHECK_EQ_INT(ok("credit_card", "3782822463100003"), 0);
	CHECK_EQ_INT(ok("luhn", "555555555555442"), 1);
	CHECK_EQ_INT(ok("credit_card", "555555555555442"), 0);
	CHECK_EQ_INT(ok("credit_card", "4242-4242-4242-424x"), 0);
}

static void test_us_ssn(void)
{
	/* SSA: area 001-665, 667-899; group 01-99; serial 0001-9999. */
	CHECK_EQ_INT(ok("us_ssn", "536-22-1234"), 1);
	CHECK_EQ_INT(ok("us_ssn", "536 22 1234"), 1);
	CHECK_EQ_INT(ok("us_ssn", "536221234"), 1);
	CHECK_EQ_INT(ok("us_ssn", "001-01-0001"), 1);
	CHECK_EQ_INT(ok("us_ssn", "899-99-9999"), 1);
	CHECK_EQ_INT(ok("us_ssn", "078-05-1120"), 1); /* valid shape */
	CHECK_EQ_INT(ok("us_ssn", "000-22-1234"), 0);
	CHECK_EQ_INT(ok("us_ssn", "666-22-1234"), 0);
	CHECK_EQ_INT(ok("us_ssn", "900-22-1234"), 0);
	CHECK_EQ_INT(ok("us_ssn", "987-65-4320"), 0); /* SSA ad range */
	CHECK_EQ_INT(ok("us_ssn", "536-00-1234"), 0);
	CHECK_EQ_INT(ok("us_ssn", "536-22-0000"), 0);
	CHECK_EQ_INT(ok("us_ssn", "536-22-123"), 0);
	CHECK_EQ_INT(ok("us_ssn", "536-22-12345"), 0);
	CHECK_EQ_INT(ok("us_ssn", "536/22/1234"), 0);
}

static void test_ipv4(void)
{
	/* RFC 5737 documentation addresses, RFC 3986 dec-octet limits. */
	CHECK_EQ_INT(ok("ipv4", "192.0.2.1"), 1);
	CHECK_EQ_INT(ok("ipv4", "0.0.0.0"), 1);
	CHECK_EQ_INT(ok("ipv4", "255.255.255.255"), 1);
	CHECK_EQ_INT(ok("ipv4", "10.0.0.1"), 1);
	CHECK_EQ_INT(ok("ipv4", "256.0.0.1"), 0);
	CHECK_EQ_INT(ok("ipv4", "1.2.3.256"), 0);
	CHECK_EQ_INT(ok("ipv4", "01.2.3.4"), 0);  /* octal to inet_aton */
	CHECK_EQ_INT(ok("ipv4", "1.2.3.012"), 0); /* octal to inet_aton */
	CHECK_EQ_INT(ok("ipv4", "1.2.3"), 0);
	CHECK_EQ_INT(ok("ipv4", "1.2.3.4.5"), 0);
	CHECK_EQ_INT(ok("ipv4", "1.2..4"), 0);
	CHECK_EQ_INT(ok("ipv4", "1.2.3.4 "), 0);
	CHECK_EQ_INT(ok("ipv4", "1234.2.3.4"), 0);
}

static void test_ipv6(void)
{
	/* RFC 4291 section 2.2, the text forms and their examples. */
	CHECK_EQ_INT(ok("ipv6", "ABCD:EF01:2345:6789:ABCD:EF01:2345:6789"), 1);
	CHECK_EQ_INT(ok("ipv6", "2001:DB8:0:0:8:800:200C:417A"), 1);
	CHECK_EQ_INT(ok("ipv6", "2001:DB8::8:800:200C:417A"), 1);
	CHECK_EQ_INT(ok("ipv6", "FF01::101"), 1);
	CHECK_EQ_INT(ok("ipv6", "::1"), 1);
	CHECK_EQ_INT(ok("ipv6", "0:0:0:0:0:0:13.1.68.3"), 1);
	CHECK_EQ_INT(ok("ipv6", "::13.1.68.3"), 1);
	CHECK_EQ_INT(ok("ipv6", "::FFFF:129.144.52.38"), 1);
	/* RFC 5952 section 4 recommended form. */
	CHECK_EQ_INT(ok("ipv6", "2001:db8::1"), 1);
	/* Invalid: two "::", nine groups, too few groups without "::". */
	CHECK_EQ_INT(ok("ipv6", "2001:db8::1::2"), 0);
	CHECK_EQ_INT(ok("ipv6", "2001:db8:::1"), 0);
	CHECK_EQ_INT(ok("ipv6", "1:2:3:4:5:6:7:8:9"), 0);
	CHECK_EQ_INT(ok("ipv6", "12:34:56"), 0);
	CHECK_EQ_INT(ok("ipv6", "00:1a:2b:3c:4d:5e"), 0); /* a MAC */
	CHECK_EQ_INT(ok("ipv6", "12345::1"), 0);
	CHECK_EQ_INT(ok("ipv6", "::1.2.3.256"), 0);
	/* Our rule: no decimal digit, no address ("::", C++ scopes). */
	CHECK_EQ_INT(ok("ipv6", "::"), 0);
	CHECK_EQ_INT(ok("ipv6", "dead::beef"), 0);
}

static void test_nanp(void)
{
	/* NANP: NPA and NXX [2-9]XX, not N11; NPA not [2-9]9X. */
	CHECK_EQ_INT(ok("nanp", "212-555-2368"), 1);
	CHECK_EQ_INT(ok("nanp", "(212) 555-2368"), 1);
	CHECK_EQ_INT(ok("nanp", "+1 415 555 2671"), 1);
	CHECK_EQ_INT(ok("nanp", "1-800-555-2400"), 1);
	CHECK_EQ_INT(ok("nanp", "2125552368"), 1);
	CHECK_EQ_INT(ok("nanp", "123-555-2368"), 0); /* NPA starts 1 */
	CHECK_EQ_INT(ok("nanp", "012-555-2368"), 0); /* NPA starts 0 */
	CHECK_EQ_INT(ok("nanp", "911-555-2368"), 0); /* N11 NPA */
	CHECK_EQ_INT(ok("nanp", "292-555-2368"), 0); /* x9x NPA */
	CHECK_EQ_INT(ok("nanp", "212-155-2368"), 0); /* NXX starts 1 */
	CHECK_EQ_INT(ok("nanp", "212-411-2368"), 0); /* N11 NXX */
	CHECK_EQ_INT(ok("nanp", "212-555-236"), 0);
	CHECK_EQ_INT(ok("nanp", "2-212-555-2368"), 0); /* 11 digits, not 1 */
}

static void test_e164(void)
{
	/* ITU-T E.164 country codes: 44 UK, 49 Germany, 33 France, 86
	 * China, 7 Russia, 358 Finland, 1 NANP; 28x and 0 are not assigned;
	 * 8 to 15 digits in all. */
	CHECK_EQ_INT(ok("e164", "+44 20 7946 0958"), 1);
	CHECK_EQ_INT(ok("e164", "+49 30 12345678"), 1);
	CHECK_EQ_INT(ok("e164", "+33 1 42 68 53 00"), 1);
	CHECK_EQ_INT(ok("e164", "+8613812345678"), 1);
	CHECK_EQ_INT(ok("e164", "+7 495 123-45-67"), 1);
	CHECK_EQ_INT(ok("e164", "+358 9 1234567"), 1);
	CHECK_EQ_INT(ok("e164", "+1 212 555 2368"), 1);
	CHECK_EQ_INT(ok("e164", "+44 (0)20 7946 0958"), 1);
	CHECK_EQ_INT(ok("e164", "+281 234 5678"), 0); /* 28x spare */
	CHECK_EQ_INT(ok("e164", "+0 123 456 789"), 0);
	CHECK_EQ_INT(ok("e164", "+49 30 123"), 0);	     /* 7 digits */
	CHECK_EQ_INT(ok("e164", "+49 30 1234567890123"), 0); /* 17 */
	CHECK_EQ_INT(ok("e164", "44 20 7946 0958"), 0);	     /* no + */
	CHECK_EQ_INT(ok("e164", "+44 20 7946 0958x"), 0);
	CHECK_EQ_INT(ok("e164", "+210 1234 5678"), 0); /* 210 spare */
}

static void test_iban(void)
{
	/* ECBS TR 201 / ISO 13616 examples, and SWIFT IBAN registry
	 * examples (NO, BE, MT, FR, SA). */
	CHECK_EQ_INT(ok("iban", "GB82WEST12345698765432"), 1);
	CHECK_EQ_INT(ok("iban", "GB82 WEST 1234 5698 7654 32"), 1);
	CHECK_EQ_INT(ok("iban", "DE89370400440532013000"), 1);
	CHECK_EQ_INT(ok("iban", "DE89 3704 0044 0532 0130 00"), 1);
	CHECK_EQ_INT(ok("iban", "NO9386011117947"), 1);
	CHECK_EQ_INT(ok("iban", "BE68539007547034"), 1);
	CHECK_EQ_INT(ok("iban", "MT84MALT011000012345MTLCAST001S"), 1);
	CHECK_EQ_INT(ok("iban", "FR1420041010050500013M02606"), 1);
	CHECK_EQ_INT(ok("iban", "SA0380000000608010167519"), 1);
	/* registry examples whose BBAN holds letters, and one made (its
	 * check digits computed in Python) with letters wherever Qatar's
	 * structure 4!a21!c allows them */
	CHECK_EQ_INT(ok("iban", "QA58DOHB00001234567890ABCDEFG"), 1);
	CHECK_EQ_INT(ok("iban", "KW81CBKU0000000000001234560101"), 1);
	CHECK_EQ_INT(ok("iban", "LC55HEMM000100010012001200023015"), 1);
	CHECK_EQ_INT(ok("iban", "BR1800360305000010009795493C1"), 1);
	CHECK_EQ_INT(ok("iban", "MU17BOMM0101101030300200000MUR"), 1);
	CHECK_EQ_INT(ok("iban", "SC18SSCB11010000000000001497USD"), 1);
	CHECK_EQ_INT(ok("iban", "QA69DOHBABCDEFGHIJKLMNOPQRSTU"), 1);
	/* Honduras (registry release 101, 4!a20!n), the registry's example,
	 * spaced too; with a letter in its account number or a digit in its
	 * bank code (check digits computed in Python) it is none */
	CHECK_EQ_INT(ok("iban", "HN88CABF00000000000250005469"), 1);
	CHECK_EQ_INT(ok("iban", "HN88 CABF 0000 0000 0002 5000 5469"), 1);
	CHECK_EQ_INT(ok("iban", "HN82CABF0000000000025000546A"), 0);
	CHECK_EQ_INT(ok("iban", "HN05CAB100000000000250005469"), 0);
	/* mod 97 holds (checked in Python), the country's structure does
	 * not: letters in a German BBAN (8!n10!n), digits for the letters
	 * of a British bank code (4!a6!n8!n), a letter O in a Dutch account
	 * number (4!a10!n) */
	CHECK_EQ_INT(ok("iban", "DE8937RS1ASR8T0MA5562S"), 0);
	CHECK_EQ_INT(ok("iban", "DE89 37RS 1ASR 8T0M A556 2S"), 0);
	CHECK_EQ_INT(ok("iban", "GB25123456789012345678"), 0);
	CHECK_EQ_INT(ok("iban", "NL52ABNA04171643O0"), 0);
	/* One digit changed: the check fails. */
	CHECK_EQ_INT(ok("iban", "GB82WEST12345698765433"), 0);
	CHECK_EQ_INT(ok("iban", "DE89370400440532013001"), 0);
	CHECK_EQ_INT(ok("iban", "GB83WEST12345698765432"), 0);
	/* Wrong length for the country, unknown country, lower case. */
	CHECK_EQ_INT(ok("iban", "DE8937040044053201300"), 0);
	CHECK_EQ_INT(ok("iban", "DE893704004405320130000"), 0);
	CHECK_EQ_INT(ok("iban", "XX82WEST12345698765432"), 0);
	CHECK_EQ_INT(ok("iban", "gb82west12345698765432"), 0);
	CHECK_EQ_INT(ok("iban", "GB82-WEST-1234-5698-7654-32"), 0);
	CHECK_EQ_INT(ok("iban", ""), 0);
}

static void test_email(void)
{
	/* RFC 5321 section 4.5.3.1 limits, RFC 5322 dot-atom. */
	CHECK_EQ_INT(ok("email", "john.doe@gmail.com"), 1);
	CHECK_EQ_INT(ok("email", "j+tag@sub.mail.co.uk"), 1);
	CHECK_EQ_INT(ok("email", "a@b.co"), 1);
	CHECK_EQ_INT(ok("email", ".john@gmail.com"), 0);
	CHECK_EQ_INT(ok("email", "john.@gmail.com"), 0);
	CHECK_EQ_INT(ok("email", "john..doe@gmail.com"), 0);
	CHECK_EQ_INT(ok("email", "john@-gmail.com"), 0);
	CHECK_EQ_INT(ok("email", "john@gmail-.com"), 0);
	CHECK_EQ_INT(ok("email", "john@gmail..com"), 0);
	CHECK_EQ_INT(ok("email", "john@gmail.c"), 0);
	CHECK_EQ_INT(ok("email", "john@gmail.c0m"), 0);
	CHECK_EQ_INT(ok("email", "john@localhost"), 0);
	CHECK_EQ_INT(ok("email", "logo@2x.png"), 0);
	CHECK_EQ_INT(ok("email", "@gmail.com"), 0);
	CHECK_EQ_INT(ok("email",
			"a234567890123456789012345678901234567890123456789012"
			"345678901234@x.com"),
		     1); /* 64-character local part */
	CHECK_EQ_INT(ok("email",
			"a234567890123456789012345678901234567890123456789012"
			"3456789012345@x.com"),
		     0); /* 65 */
}

static void test_placeholders(void)
{
	/* RFC 2606 / RFC 6761 reserved names. */
	CHECK_EQ_INT(ph("EMAIL_ADDRESS", "jane@example.com"), 1);
	CHECK_EQ_INT(ph("EMAIL_ADDRESS", "jane@EXAMPLE.ORG"), 1);
	CHECK_EQ_INT(ph("EMAIL_ADDRESS", "ops@mail.example.net"), 1);
	CHECK_EQ_INT(ph("EMAIL_ADDRESS", "a@host.test"), 1);
	CHECK_EQ_INT(ph("EMAIL_ADDRESS", "a@foo.invalid"), 1);
	CHECK_EQ_INT(ph("EMAIL_ADDRESS", "a@foo.localhost"), 1);
	CHECK_EQ_INT(ph("EMAIL_ADDRESS", "jane@myexample.com"), 0);
	CHECK_EQ_INT(ph("EMAIL_ADDRESS", "jane@example.com.au"), 0);
	CHECK_EQ_INT(ph("EMAIL_ADDRESS", "jane@gmail.com"), 0);
	/* NANPA fictional 555-0100..0199; Ofcom drama numbers. */
	CHECK_EQ_INT(ph("PHONE_NUMBER", "(212) 555-0100"), 1);
	CHECK_EQ_INT(ph("PHONE_NUMBER", "+1 312 555 0199"), 1);
	CHECK_EQ_INT(ph("PHONE_NUMBER", "212-555-0200"), 0);
	CHECK_EQ_INT(ph("PHONE_NUMBER", "212-555-0099"), 0);
	CHECK_EQ_INT(ph("PHONE_NUMBER", "+44 20 7946 0958"), 1);
	CHECK_EQ_INT(ph("PHONE_NUMBER", "+44 7700 900123"), 1);
	CHECK_EQ_INT(ph("PHONE_NUMBER", "+44 20 7123 4567"), 0);
	/* Published test cards (Stripe, Braintree, PayPal). */
	CHECK_EQ_INT(ph("CREDIT_CARD", "4111 1111 1111 1111"), 1);
	CHECK_EQ_INT(ph("CREDIT_CARD", "4242-4242-4242-4242"), 1);
	CHECK_EQ_INT(ph("CREDIT_CARD", "5555555555554444"), 1);
	CHECK_EQ_INT(ph("CREDIT_CARD", "378282246310005"), 1);
	CHECK_EQ_INT(ph("CREDIT_CARD", "6011111111111117"), 1);
	CHECK_EQ_INT(ph("CREDIT_CARD", "5105105105105100"), 1);
	CHECK_EQ_INT(ph("CREDIT_CARD", "4012888888881881"), 1);
	CHECK_EQ_INT(ph("CREDIT_CARD", "371449635398431"), 1);
	CHECK_EQ_INT(ph("CREDIT_CARD", "3530111333300000"), 1);
	CHECK_EQ_INT(ph("CREDIT_CARD", "4539148803436467"), 0);
	/* SSA: the Woolworth wallet card and the advertisement number. */
	CHECK_EQ_INT(ph("US_SSN", "078-05-1120"), 1);
	CHECK_EQ_INT(ph("US_SSN", "219099999"), 1);
	CHECK_EQ_INT(ph("US_SSN", "536-22-1234"), 0);
	/* RFC 5737 TEST-NETs, RFC 3849 2001:db8::/32. */
	CHECK_EQ_INT(ph("IP_ADDRESS", "192.0.2.0"), 1);
	CHECK_EQ_INT(ph("IP_ADDRESS", "198.51.100.255"), 1);
	CHECK_EQ_INT(ph("IP_ADDRESS", "203.0.113.7"), 1);
	CHECK_EQ_INT(ph("IP_ADDRESS", "192.0.3.1"), 0);
	CHECK_EQ_INT(ph("IP_ADDRESS", "2001:db8::1"), 1);
	CHECK_EQ_INT(ph("IP_ADDRESS", "2001:DB8:ffff::1"), 1);
	CHECK_EQ_INT(ph("IP_ADDRESS", "2001:db9::1"), 0);
	/* ECBS example IBANs; AWS documentation key. */
	CHECK_EQ_INT(ph("IBAN_CODE", "GB82 WEST 1234 5698 7654 32"), 1);
	CHECK_EQ_INT(ph("IBAN_CODE", "DE89370400440532013000"), 1);
	CHECK_EQ_INT(ph("IBAN_CODE", "DE68210501700012345678"), 0);
	CHECK_EQ_INT(ph("AWS_ACCESS_KEY", "AKIAIOSFODNN7EXAMPLE"), 1);
	CHECK_EQ_INT(ph("AWS_ACCESS_KEY", "AKIAZ3MHQRSTUVWX2345"), 0);
	/* Wrong entity, unknown entity, empty value. */
	CHECK_EQ_INT(ph("PHONE_NUMBER", "jane@example.com"), 0);
	CHECK_EQ_INT(ph("SOMETHING", "jane@example.com"), 0);
	CHECK_EQ_INT(ph("EMAIL_ADDRESS", ""), 0);
}

static int listed(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (strcmp(*list, name) == 0)
			return 1;
	return 0;
}

/*
 * aud_is_placeholder asks a family only about the entities it lists in
 * placeholder_entities. So a family that says 1 for an entity must list
 * it, or its placeholders would stop being found: every family is asked
 * directly about every entity of the pattern files and of the lists,
 * with values that some family takes for a placeholder.
 */
static void test_placeholder_lists(void)
{
	static const aud_validator_family *const fams[] = {
	    &aud_vfamily_ids_eu, &aud_vfamily_ids_world, &aud_vfamily_global,
	    &aud_vfamily_secrets};
	static const char *const values[] = {
	    "jane@example.com",
	    "(212) 555-0100",
	    "4111 1111 1111 1111",
	    "078-05-1120",
	    "192.0.2.1",
	    "AKIAIOSFODNN7EXAMPLE",
	    "QQ123456C",
	    "999 000 0018",
	    "943 476 5919",
	    "12.345.678-Z",
	    "RSSMRA80A01H501U",
	    "111222333",
	    "123456782",
	    "19121212-1212",
	    "811218-9876",
	    "131052-308T",
	    "010594Y9032",
	    "S1234567D",
	    "AAAPL1234C",
	    "9999 9999 0019",
	    "51 824 753 556",
	    "2123 45670 1",
	    "21234567014",
	    "123.456.789-09",
	    "11.222.333/0001-81",
	    "11010519491231002X",
	    "8001015009087",
	    "00-00-5E-00-53-2A",
	    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
	    "0x0000000000000000000000000000000000000000",
	    "020 7946 0000",
	    "+44 113 496 0555",
	    "0152 28817386",
	    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
	    "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
	    "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	    "hooks.slack.com/services/T00000000/B00000000/XXXXXXXX",
	    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	    "${DB_PASSWORD}",
	    "changeit",
	    "postgres:password",
	    "%s",
	    "<password>",
	    "xxxxxxxxxxxxxxxx",
	    "0000000000000000"};
	const char *names[512];
	size_t nnames = 0, i, f, v, asked = 0;
	const char *paths[1] = {AUD_PATTERNS_DIR};
	aud_patternset *ps = NULL;
	aud_err err = {0};

	CHECK(aud_patterns_load(&ps, paths, 1, &err) == 0);
	for (i = 0; ps && i < aud_patterns_count(ps) && nnames < 400; i++)
		if (aud_patterns_info(ps, i)->entity)
			names[nnames++] = aud_patterns_info(ps, i)->entity;
	for (f = 0; f < sizeof fams / sizeof *fams; f++) {
		const char *const *l = fams[f]->placeholder_entities;

		CHECK(fams[f]->is_placeholder != NULL);
		CHECK(l != NULL);
		for (; l && *l && nnames < 500; l++)
			names[nnames++] = *l;
	}
	CHECK(nnames > 60);
	for (f = 0; f < sizeof fams / sizeof *fams; f++)
		for (i = 0; i < nnames; i++)
			for (v = 0; v < sizeof values / sizeof *values; v++) {
				const char *s = values[v];

				if (!fams[f]->is_placeholder(names[i], s,
							     strlen(s)))
					continue;
				asked++;
				if (!listed(fams[f]->placeholder_entities,
					    names[i]))
					fprintf(stderr,
						"%s says %s is a %s "
						"placeholder but does not "
						"list %s\n",
						fams[f]->name, s, names[i],
						names[i]);
				CHECK(listed(fams[f]->placeholder_entities,
					     names[i]));
				CHECK_EQ_INT(ph(names[i], s), 1);
			}
	/* every value is some family's placeholder, or validate.c's own */
	CHECK(asked >= 30);
	aud_patterns_free(ps);
}

static void test_local(void)
{
	/* RFC 1918, RFC 6598, RFC 3927, RFC 4291/4193 ranges. */
	static const char *const yes[] = {
		"127.0.0.1",  "10.1.2.3",      "172.16.0.1", "172.31.255.254",
		"192.168.1.1", "169.254.10.20", "100.64.0.1", "0.0.0.0",
		"::1",        "fe80::1",       "fd12:3456::1", "::"};
	static const char *const no[] = {
		"172.32.0.1",  "172.15.0.1",      "81.2.69.160",
		"100.128.0.1", "2606:4700::1111", "fec0::1"};
	size_t i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		CHECK_EQ_INT(aud_is_local("IP_ADDRESS", yes[i], strlen(yes[i])),
			     1);
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		CHECK_EQ_INT(aud_is_local("IP_ADDRESS", no[i], strlen(no[i])),
			     0);
	CHECK_EQ_INT(aud_is_local("EMAIL_ADDRESS", "10.1.2.3", 8), 0);
}

static void test_entropy(void)
{
	/* H = -sum p log2 p: one symbol 0, two equal halves 1, four equal
	 * quarters 2, 256 distinct bytes 8. */
	char all[256];
	int i;

	for (i = 0; i < 256; i++)
		all[i] = (char)i;
	CHECK(aud_entropy("aaaa", 4) == 0.0);
	CHECK(aud_entropy("aabb", 4) == 1.0);
	CHECK(aud_entropy("abcd", 4) == 2.0);
	CHECK(aud_entropy(all, 256) == 8.0);
	CHECK(aud_entropy("", 0) == 0.0);
	/* p = 3/4, 1/4: 0.811278... */
	CHECK(aud_entropy("aaab", 4) > 0.8112 &&
	      aud_entropy("aaab", 4) < 0.8113);
}

int main(void)
{
	RUN(test_lookup);
	RUN(test_luhn);
	RUN(test_credit_card);
	RUN(test_us_ssn);
	RUN(test_ipv4);
	RUN(test_ipv6);
	RUN(test_nanp);
	RUN(test_e164);
	RUN(test_iban);
	RUN(test_email);
	RUN(test_placeholders);
	RUN(test_placeholder_lists);
	RUN(test_local);
	RUN(test_entropy);
	return DONE();
}
