/*
 * allowlist.c: the user's list of accepted values (see allowlist.h). Exact
 * entries are stored normalised (mask.c's aud_normalize, the same form the
 * keyed hash sees); regex entries are compiled once with PCRE2 and JIT.
 * Lists are expected to be short (tens to thousands of lines), so lookup is
 * a linear pass; it runs only for values that were already found.
 */
#include "auditor/allowlist.h"
#include "auditor/mask.h"

#include <errno.h>
#include <openssl/evp.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_BYTES 4096

typedef struct entry {
	char *entity; /* "*" for any */
	char *value;  /* normalised exact value, or NULL for a regex */
	size_t vlen;
	pcre2_code *re;
} entry;

struct aud_allowlist {
	entry *v;
	size_t n, cap;
	char sha[65];
};

void aud_allowlist_free(aud_allowlist *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->n; i++) {
		free(a->v[i].entity);
		free(a->v[i].value);
		pcre2_code_free(a->v[i].re);
	}
	free(a->v);
	free(a);
}

static int add(aud_allowlist *a, const char *path, unsigned line,
	       const char *entity, size_t elen, const char *rest, aud_err *err)
{
	entry e;

	memset(&e, 0, sizeof e);
	if (a->n == a->cap) {
		size_t nc = a->cap ? a->cap * 2 : 16;
		entry *nv = realloc(a->v, nc * sizeof *nv);

		if (!nv)
			return aud_err_set(err, AUD_ENOMEM, "out of memory");
		a->v = nv;
		a->cap = nc;
	}
	e.entity = strndup(entity, elen);
	if (!e.entity)
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	if (strncmp(rest, "re:", 3) == 0) {
		int ec;
		PCRE2_SIZE eo;
		PCRE2_UCHAR msg[256];

		e.re = pcre2_compile((PCRE2_SPTR)rest + 3, PCRE2_ZERO_TERMINATED,
				     PCRE2_NEVER_UTF, &ec, &eo, NULL);
		if (!e.re) {
			pcre2_get_error_message(ec, msg, sizeof msg);
			free(e.entity);
			return aud_err_set(err, AUD_EUSAGE,
					   "%s:%u: bad regex at offset %zu: %s",
					   path, line, (size_t)eo, (char *)msg);
		}
		pcre2_jit_compile(e.re, PCRE2_JIT_COMPLETE);
	} else {
		size_t len = strlen(rest);

		e.value = malloc(len + 1);
		if (!e.value) {
			free(e.entity);
			return aud_err_set(err, AUD_ENOMEM, "out of memory");
		}
		e.vlen = aud_normalize(e.value, len + 1,
				       strcmp(e.entity, "*") ? e.entity : "",
				       rest, len);
	}
	a->v[a->n++] = e;
	return AUD_OK;
}

int aud_allowlist_load(aud_allowlist **out, const char *path, aud_err *err)
{
	aud_allowlist *a;
	FILE *f;
	char line[LINE_MAX_BYTES + 2];
	unsigned lineno = 0;
	EVP_MD_CTX *md = NULL;
	unsigned char dig[32];
	unsigned int dlen = 0;
	int rc = AUD_OK, i;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f)
		return aud_err_set(err, AUD_EUSAGE, "%s: cannot open: %s", path,
				   strerror(errno));
	a = calloc(1, sizeof *a);
	md = EVP_MD_CTX_new();
	if (!a || !md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		rc = aud_err_set(err, AUD_ENOMEM, "out of memory");
		goto done;
	}
	while (fgets(line, sizeof line, f)) {
		size_t len = strlen(line), e0, e1, r0;

		lineno++;
		EVP_DigestUpdate(md, line, len);
		if (len > LINE_MAX_BYTES) {
			rc = aud_err_set(err, AUD_EUSAGE,
					 "%s:%u: line longer than %d bytes",
					 path, lineno, LINE_MAX_BYTES);
			goto done;
		}
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
			       line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		for (e0 = 0; e0 < len && (line[e0] == ' ' || line[e0] == '\t');
		     e0++)
			;
		if (e0 == len || line[e0] == '#')
			continue;
		for (e1 = e0; e1 < len && line[e1] != ' ' && line[e1] != '\t';
		     e1++)
			;
		for (r0 = e1; r0 < len && (line[r0] == ' ' || line[r0] == '\t');
		     r0++)
			;
		if (r0 == len) {
			rc = aud_err_set(err, AUD_EUSAGE,
					 "%s:%u: expected 'ENTITY VALUE' or "
					 "'ENTITY re:REGEX'",
					 path, lineno);
			goto done;
		}
		rc = add(a, path, lineno, line + e0, e1 - e0, line + r0, err);
		if (rc)
			goto done;
	}
	if (ferror(f)) {
		rc = aud_err_set(err, AUD_EIO, "%s: read error", path);
		goto done;
	}
	EVP_DigestFinal_ex(md, dig, &dlen);
	for (i = 0; i < 32; i++)
		sprintf(a->sha + 2 * i, "%02x", dig[i]);
done:
	EVP_MD_CTX_free(md);
	fclose(f);
	if (rc) {
		aud_allowlist_free(a);
		return rc;
	}
	*out = a;
	return AUD_OK;
}

int aud_allowlist_match(const aud_allowlist *a, const char *entity,
			const char *value, size_t len)
{
	char stack[256], *norm = NULL;
	size_t i, nlen = 0;
	int hit = 0;
	pcre2_match_data *md = NULL;

	if (!a || a->n == 0)
		return 0;
	for (i = 0; i < a->n && !hit; i++) {
		const entry *e = &a->v[i];

		if (strcmp(e->entity, "*") != 0 && strcmp(e->entity, entity) != 0)
			continue;
		if (e->re) {
			if (!md)
				md = pcre2_match_data_create(1, NULL);
			hit = md && pcre2_match(e->re, (PCRE2_SPTR)value, len, 0,
						0, md, NULL) >= 0;
			continue;
		}
		if (strcmp(e->entity, "*") == 0) {
			/* Any entity: no one normalisation fits, so as is. */
			hit = e->vlen == len && memcmp(e->value, value, len) == 0;
			continue;
		}
		if (!norm) {
			norm = len < sizeof stack ? stack : malloc(len + 1);
			if (!norm)
				break;
			nlen = aud_normalize(norm, len + 1, entity, value, len);
		}
		hit = e->vlen == nlen && memcmp(e->value, norm, nlen) == 0;
	}
	if (norm && norm != stack)
		free(norm);
	pcre2_match_data_free(md);
	return hit;
}

size_t aud_allowlist_count(const aud_allowlist *a)
{
	return a ? a->n : 0;
}

void aud_allowlist_sha256_hex(const aud_allowlist *a, char out[65])
{
	memcpy(out, a->sha, 65);
}
