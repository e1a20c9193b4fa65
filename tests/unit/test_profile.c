/* Unit tests for profile.c: the field-name classifier, per-field counts,
 * folding of array indices, the field cap and the verdicts. */
#include "auditor/profile.h"
#include "harness.h"

#include <stdio.h>
#include <string.h>

static aud_name_class cls(const char *s)
{
	return aud_profile_classify(s, strlen(s));
}

static void test_classify(void)
{
	/* The COMPAS columns the issue names, and their neighbours. */
	CHECK_EQ_INT(cls("name"), AUD_NAME_PERSON_NAME);
	CHECK_EQ_INT(cls("first"), AUD_NAME_PERSON_NAME);
	CHECK_EQ_INT(cls("last"), AUD_NAME_PERSON_NAME);
	CHECK_EQ_INT(cls("dob"), AUD_NAME_DATE_OF_BIRTH);
	CHECK_EQ_INT(cls("sex"), AUD_NAME_QUASI_IDENTIFIER);
	CHECK_EQ_INT(cls("age_cat"), AUD_NAME_QUASI_IDENTIFIER);
	CHECK_EQ_INT(cls("race"), AUD_NAME_QUASI_IDENTIFIER);
	CHECK_EQ_INT(cls("decile_score"), AUD_NAME_NONE);
	CHECK_EQ_INT(cls("c_jail_in"), AUD_NAME_NONE);
	CHECK_EQ_INT(cls("last_login"), AUD_NAME_NONE);
	CHECK_EQ_INT(cls("first_seen"), AUD_NAME_NONE);
	/* Spellings. */
	CHECK_EQ_INT(cls("first_name"), AUD_NAME_PERSON_NAME);
	CHECK_EQ_INT(cls("lastName"), AUD_NAME_PERSON_NAME);
	CHECK_EQ_INT(cls("Surname"), AUD_NAME_PERSON_NAME);
	CHECK_EQ_INT(cls("customer_name"), AUD_NAME_PERSON_NAME);
	CHECK_EQ_INT(cls("patientName"), AUD_NAME_PERSON_NAME);
	CHECK_EQ_INT(cls("user.name"), AUD_NAME_PERSON_NAME);
	CHECK_EQ_INT(cls("meta.author.name"), AUD_NAME_PERSON_NAME);
	CHECK_EQ_INT(cls("product.name"), AUD_NAME_NONE);
	CHECK_EQ_INT(cls("file_name"), AUD_NAME_NONE);
	CHECK_EQ_INT(cls("date_of_birth"), AUD_NAME_DATE_OF_BIRTH);
	CHECK_EQ_INT(cls("BirthDate"), AUD_NAME_DATE_OF_BIRTH);
	CHECK_EQ_INT(cls("street_address"), AUD_NAME_ADDRESS);
	CHECK_EQ_INT(cls("zip"), AUD_NAME_ADDRESS);
	CHECK_EQ_INT(cls("city"), AUD_NAME_ADDRESS);
	CHECK_EQ_INT(cls("email_address"), AUD_NAME_EMAIL);
	CHECK_EQ_INT(cls("user.email"), AUD_NAME_EMAIL);
	CHECK_EQ_INT(cls("mac_address"), AUD_NAME_NONE);
	CHECK_EQ_INT(cls("client_ip"), AUD_NAME_IP_ADDRESS);
	CHECK_EQ_INT(cls("zip_code"), AUD_NAME_ADDRESS);
	CHECK_EQ_INT(cls("phone2"), AUD_NAME_PHONE);
	CHECK_EQ_INT(cls("mobileNumber"), AUD_NAME_PHONE);
	CHECK_EQ_INT(cls("ssn"), AUD_NAME_NATIONAL_ID);
	CHECK_EQ_INT(cls("social_security_number"), AUD_NAME_NATIONAL_ID);
	CHECK_EQ_INT(cls("passport_no"), AUD_NAME_NATIONAL_ID);
	CHECK_EQ_INT(cls("api_key"), AUD_NAME_CREDENTIAL);
	CHECK_EQ_INT(cls("password"), AUD_NAME_CREDENTIAL);
	CHECK_EQ_INT(cls("card_number"), AUD_NAME_FINANCIAL);
	CHECK_EQ_INT(cls("iban"), AUD_NAME_FINANCIAL);
	CHECK_EQ_INT(cls("marital-status"), AUD_NAME_QUASI_IDENTIFIER);
	CHECK_EQ_INT(cls("native-country"), AUD_NAME_QUASI_IDENTIFIER);
	CHECK_EQ_INT(cls("message"), AUD_NAME_NONE);
	CHECK_EQ_INT(cls("usage"), AUD_NAME_NONE);
	CHECK_EQ_INT(cls("messages[2].content"), AUD_NAME_NONE);
	CHECK_EQ_INT(cls(""), AUD_NAME_NONE);
	CHECK_STR(aud_name_class_name(AUD_NAME_PERSON_NAME), "PERSON_NAME");
	CHECK(aud_name_class_name(AUD_NAME_NONE) == NULL);
}

static const aud_profile_field *find(aud_profile *p, const char *name)
{
	size_t i;

	for (i = 0; i < aud_profile_count(p); i++) {
		const aud_profile_field *f = aud_profile_get(p, i);
		if (strcmp(f->name, name) == 0)
			return f;
	}
	return NULL;
}

static void test_counts_and_verdicts(void)
{
	aud_profile *p = NULL;
	const aud_profile_field *f;
	aud_err e;
	long h;
	int i;

	aud_err_clear(&e);
	CHECK_EQ_INT(aud_profile_new(&p, &e), AUD_OK);
	/* contact: 3 of 4 values are emails -> personal by values. */
	for (i = 0; i < 4; i++) {
		h = aud_profile_value(p, "contact", 7, 10);
		if (i < 3) {
			aud_profile_value_found(p, h);
			aud_profile_entity(p, h, "EMAIL_ADDRESS");
		}
	}
	/* messages[N].content folded; 1 of 3 non-empty holds a phone. */
	h = aud_profile_value(p, "messages[0].content", 19, 5);
	h = aud_profile_value(p, "messages[1].content", 19, 5);
	aud_profile_value_found(p, h);
	aud_profile_entity(p, h, "PHONE_NUMBER");
	aud_profile_marker(p, h, "<EMAIL>", 7);
	aud_profile_marker(p, h, "<EMAIL>", 7);
	h = aud_profile_value(p, "messages[12].content", 20, 9);
	h = aud_profile_value(p, "messages[12].content", 20, 0);
	aud_profile_value(p, "sex", 3, 1);
	aud_profile_value(p, "name", 4, 0);
	aud_profile_value(p, "score", 5, 2);

	CHECK_EQ_INT(aud_profile_count(p), 5);
	f = find(p, "contact");
	CHECK(f != NULL);
	if (f) {
		CHECK_EQ_INT(f->values_seen, 4);
		CHECK_EQ_INT(f->values_with_findings, 3);
		CHECK_STR(f->verdict, "personal");
		CHECK_STR(f->top_entity, "EMAIL_ADDRESS");
		CHECK_STR(f->reason, "3 of 4 values are EMAIL_ADDRESS");
	}
	f = find(p, "messages[].content");
	CHECK(f != NULL);
	if (f) {
		CHECK_EQ_INT(f->values_seen, 4);
		CHECK_EQ_INT(f->values_non_empty, 3);
		CHECK_STR(f->verdict, "contains_personal");
		CHECK_EQ_INT(f->nmarkers, 1);
		CHECK_STR(f->markers[0].text, "<EMAIL>");
		CHECK_EQ_INT(f->markers[0].count, 2);
	}
	f = find(p, "sex");
	CHECK(f && strcmp(f->verdict, "quasi_identifier") == 0);
	f = find(p, "name");
	CHECK(f && strcmp(f->verdict, "personal") == 0 &&
	      strcmp(f->reason, "the name says PERSON_NAME") == 0);
	f = find(p, "score");
	CHECK(f && strcmp(f->verdict, "none_found") == 0);

	aud_profile_reset(p);
	CHECK_EQ_INT(aud_profile_count(p), 0);
	aud_profile_free(p);
	aud_profile_free(NULL);
}

static void test_field_cap(void)
{
	aud_profile *p = NULL;
	const aud_profile_field *f;
	aud_err e;
	char name[32];
	int i;

	aud_err_clear(&e);
	CHECK_EQ_INT(aud_profile_new(&p, &e), AUD_OK);
	for (i = 0; i < AUD_PROFILE_MAX_FIELDS + 500; i++) {
		snprintf(name, sizeof name, "col%d_x", i);
		CHECK(aud_profile_value(p, name, strlen(name), 1) >= 0);
	}
	CHECK_EQ_INT(aud_profile_count(p), AUD_PROFILE_MAX_FIELDS + 1);
	f = find(p, AUD_PROFILE_OTHER);
	CHECK(f && f->values_seen == 500);
	aud_profile_free(p);
}

int main(void)
{
	RUN(test_classify);
	RUN(test_counts_and_verdicts);
	RUN(test_field_cap);
	return DONE();
}
