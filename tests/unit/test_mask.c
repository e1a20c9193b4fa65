/*
 * test_mask.c: masked previews and normalised forms, entity by entity,
 * with the expected text written out by hand.
 */
#include "auditor/mask.h"

#include "harness.h"

#include <string.h>

static char out[256];

static const char *m(const char *entity, const char *v)
{
	size_t n = aud_mask(out, sizeof out, entity, v, strlen(v));

	if (n != strlen(out))
		return "(length mismatch)";
	return out;
}

static const char *nz(const char *entity, const char *v)
{
	size_t n = aud_normalize(out, strlen(v) + 1, entity, v, strlen(v));

	if (n != strlen(out))
		return "(length mismatch)";
	return out;
}

static void test_email(void)
{
	/* first char, 3 stars, @, first char of the domain, one star per
	 * further character up to 8, the last dot and the TLD */
	CHECK_STR(m("EMAIL_ADDRESS", "john.doe@gmail.com"), "j***@g****.com");
	CHECK_STR(m("EMAIL_ADDRESS", "jane@example.com"), "j***@e******.com");
	CHECK_STR(m("EMAIL_ADDRESS", "Jane_D@mail.co.uk"), "J***@m******.uk");
	CHECK_STR(m("EMAIL_ADDRESS", "a@b.co"), "a***@b*.co");
	CHECK_STR(m("EMAIL_ADDRESS", "x@averyveryverylongdomain.org"),
		  "x***@a********.org");
	CHECK_STR(m("EMAIL_ADDRESS", "x@localhost"), "x***@l********");
	/* no '@': the default mask */
	CHECK_STR(m("EMAIL_ADDRESS", "nobody"), "n*****");
}

static void test_digits(void)
{
	CHECK_STR(m("CREDIT_CARD", "4111-1111-1111-1111"),
		  "****-****-****-1111");
	CHECK_STR(m("CREDIT_CARD", "4111111111111111"), "************1111");
	CHECK_STR(m("CREDIT_CARD", "3782 822463 10005"), "**** ****** *0005");
	CHECK_STR(m("US_SSN", "123-45-6789"), "***-**-6789");
	CHECK_STR(m("US_SSN", "123 45 6789"), "*** ** 6789");
	CHECK_STR(m("US_SSN", "123456789"), "*****6789");
	CHECK_STR(m("PHONE_NUMBER", "+1 (212) 555-2368"), "+* (***) ***-**68");
	CHECK_STR(m("PHONE_NUMBER", "+44 20 7123 4567"), "+** ** **** **67");
	CHECK_STR(m("PHONE_NUMBER", "212.555.2368"), "***.***.**68");
}

static void test_iban(void)
{
	CHECK_STR(m("IBAN_CODE", "DE89 3704 0044 0532 0130 00"),
		  "DE** **** **** **** **30 00");
	CHECK_STR(m("IBAN_CODE", "DE89370400440532013000"),
		  "DE****************3000");
	CHECK_STR(m("IBAN_CODE", "NO9386011117947"), "NO*********7947");
}

static void test_ip(void)
{
	CHECK_STR(m("IP_ADDRESS", "10.1.2.3"), "10.*.*.*");
	CHECK_STR(m("IP_ADDRESS", "192.168.100.254"), "192.*.*.*");
	CHECK_STR(m("IP_ADDRESS", "2001:db8::8a2e:370:7334"), "2001:*::*:*:*");
	CHECK_STR(m("IP_ADDRESS", "fe80::1"), "fe80::*");
	CHECK_STR(m("IP_ADDRESS", "::1"), "::*");
	CHECK_STR(m("IP_ADDRESS", "::ffff:81.2.69.160"), "::*:*");
}

static void test_secrets(void)
{
	CHECK_STR(m("AWS_ACCESS_KEY", "AKIAZ3MHQRSTUVWX2345"),
		  "AKIA****************");
	CHECK_STR(m("PRIVATE_KEY", "-----BEGIN RSA PRIVATE KEY-----"),
		  "-----BEGIN RSA PRIVATE KEY-----");
	CHECK_STR(m("PRIVATE_KEY", "-----BEGIN OPENSSH PRIVATE KEY-----\n"
				   "b3BlbnNzaC1rZXktdjEAAAAA\n"),
		  "-----BEGIN OPENSSH PRIVATE KEY-----");
	CHECK_STR(m("PRIVATE_KEY", "-----BEGIN PGP PRIVATE KEY BLOCK-----"),
		  "-----BEGIN PGP PRIVATE KEY BLOCK-----");
	/* not an armour header: the default mask */
	CHECK_STR(m("PRIVATE_KEY", "MIIEpAIBAAKC"), "M***********");
	/* known prefixes under any entity */
	CHECK_STR(m("GITHUB_TOKEN", "ghp_abcdefghij"), "ghp_**********");
	CHECK_STR(m("STRIPE_KEY", "sk_live_abc"), "sk_live_***");
}

static void test_default(void)
{
	char v[101];

	CHECK_STR(m("SOMETHING", "secretvalue"), "s**********");
	CHECK_STR(m(NULL, "ab"), "a*");
	memset(v, 'x', 100);
	v[100] = '\0';
	/* at most 32 characters: the first and 31 stars */
	CHECK_STR(m("SOMETHING", v), "x*******************************");
	CHECK_EQ_INT(strlen(out), 32);
	/* a UTF-8 first character is copied whole; stars count characters */
	CHECK_STR(m("PERSON", "\xc3\xa9"
			      "clair"),
		  "\xc3\xa9*****");
	/* a byte that starts no valid sequence is not copied */
	CHECK_STR(m("PERSON", "\xff"
			      "abc"),
		  "****");
	CHECK_STR(m("PERSON", "\xc3"), "*");
	CHECK_STR(m("PERSON", ""), "");
}

static void test_cap(void)
{
	char small[5];
	size_t n;

	n = aud_mask(small, sizeof small, "EMAIL_ADDRESS", "john@gmail.com",
		     14);
	CHECK_EQ_INT(n, 4);
	CHECK_STR(small, "j***");
	n = aud_mask(small, 1, "CREDIT_CARD", "4111111111111111", 16);
	CHECK_EQ_INT(n, 0);
	CHECK_STR(small, "");
	/* a UTF-8 character that does not fit is left out, not cut */
	n = aud_mask(small, 2, "PERSON",
		     "\xc3\xa9"
		     "clair",
		     7);
	CHECK_EQ_INT(n, 1);
	CHECK_STR(small, "*");
}

static void test_normalize(void)
{
	CHECK_STR(nz("EMAIL_ADDRESS", "John.Doe@GMAIL.com"),
		  "john.doe@gmail.com");
	CHECK_STR(nz("CREDIT_CARD", "4111-1111 1111-1111"), "4111111111111111");
	CHECK_STR(nz("US_SSN", "536-22-1234"), "536221234");
	/* NANP numbers become their ten digits */
	CHECK_STR(nz("PHONE_NUMBER", "+1 (212) 555-2368"), "2125552368");
	CHECK_STR(nz("PHONE_NUMBER", "(212) 555-2368"), "2125552368");
	CHECK_STR(nz("PHONE_NUMBER", "1-212-555-2368"), "2125552368");
	CHECK_STR(nz("PHONE_NUMBER", "2125552368"), "2125552368");
	/* others keep '+' and drop a "(0)" trunk prefix */
	CHECK_STR(nz("PHONE_NUMBER", "+44 (0)20 7123 4567"), "+442071234567");
	CHECK_STR(nz("PHONE_NUMBER", "+44 20 7123 4567"), "+442071234567");
	CHECK_STR(nz("PHONE_NUMBER", "+49-30-12345678"), "+493012345678");
	CHECK_STR(nz("IBAN_CODE", "de89 3704 0044 0532 0130 00"),
		  "DE89370400440532013000");
	CHECK_STR(nz("IP_ADDRESS", "2001:0DB8:0000:0000:0000:0000:0000:0001"),
		  "2001:db8::1");
	CHECK_STR(nz("IP_ADDRESS", "FE80::1"), "fe80::1");
	/* RFC 5952 text would be longer here: kept as written */
	CHECK_STR(nz("IP_ADDRESS", "::ffff:ffff:ffff"), "::ffff:ffff:ffff");
	CHECK_STR(nz("IP_ADDRESS", "10.0.0.1"), "10.0.0.1");
	CHECK_STR(nz("AWS_ACCESS_KEY", "AKIAZ3MHQRSTUVWX2345"),
		  "AKIAZ3MHQRSTUVWX2345");
}

int main(void)
{
	RUN(test_email);
	RUN(test_digits);
	RUN(test_iban);
	RUN(test_ip);
	RUN(test_secrets);
	RUN(test_default);
	RUN(test_cap);
	RUN(test_normalize);
	return DONE();
}
