/*
 * casefold.c: Unicode full case folding and white-space collapsing
 * (casefold.h). The folding table is generated from the Unicode
 * Character Database by auditor/gen_casefold.pl into casefold_table.h:
 * 195 runs of one-to-one mappings (A-Z is one run; the alternating
 * upper/lower pairs of Latin Extended-A one run of stride 2) and the 104
 * one-to-many mappings. A lookup is a binary search over the runs, taken
 * only for non-ASCII code points; ASCII folds inline. Deciding what to
 * normalise (which fields, how they are joined) is overlap.c's job.
 */
#include "auditor/casefold.h"

#include <string.h>

#include "casefold_table.h"

#define NRUNS (sizeof fold_runs / sizeof fold_runs[0])
#define NMANY (sizeof fold_many / sizeof fold_many[0])

const char aud_casefold_unicode[] = AUD_CASEFOLD_UNICODE;

size_t aud_casefold(uint32_t cp, uint32_t out[3])
{
	size_t lo = 0, hi = NMANY, i;

	if (cp < 0x80) {
		out[0] = cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
		return 1;
	}
	while (lo < hi) { /* one-to-many: few, and checked first */
		size_t mid = (lo + hi) / 2;

		if (fold_many[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < NMANY && fold_many[lo].cp == cp) {
		for (i = 0; i < 3 && fold_many[lo].to[i]; i++)
			out[i] = fold_many[lo].to[i];
		return i;
	}
	/* The last run that starts at or before cp. */
	lo = 0;
	hi = NRUNS;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (fold_runs[mid].first <= cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	out[0] = cp;
	if (lo > 0) {
		const struct fold_run *r = &fold_runs[lo - 1];

		if (cp <= r->last && (cp - r->first) % r->stride == 0)
			out[0] = (uint32_t)((int32_t)cp + r->delta);
	}
	return 1;
}

int aud_is_space(uint32_t cp)
{
	if (cp < 0x80)
		return cp == ' ' || (cp >= 0x09 && cp <= 0x0d);
	return cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/* Decodes one strict UTF-8 sequence at s (n > 0 bytes left). Returns its
 * length and sets *cp, or 0 when s does not start a valid sequence. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len, i;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

static size_t utf8_encode(uint32_t cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

int aud_fold_text(aud_buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n, k, m, o = 0;
	uint32_t cp, f[3];
	char tmp[4096];
	int space = 0, any = 0, rc;

	while (i < len) {
		/* Room for a space and the longest folding (3 code points of
		 * up to 4 bytes) before the next character goes in. */
		if (o + 16 > sizeof tmp) {
			if ((rc = aud_buf_append(out, tmp, o)))
				return rc;
			o = 0;
		}
		if (p[i] < 0x80) {
			unsigned char c = p[i++];

			if (c == ' ' || (c >= 0x09 && c <= 0x0d)) {
				space = 1;
				continue;
			}
			if (space && any)
				tmp[o++] = ' ';
			space = 0;
			any = 1;
			tmp[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			continue;
		}
		n = utf8_decode(p + i, len - i, &cp);
		if (n && aud_is_space(cp)) {
			space = 1;
			i += n;
			continue;
		}
		if (space && any)
			tmp[o++] = ' ';
		space = 0;
		any = 1;
		if (n == 0) { /* not UTF-8: the byte as it is */
			tmp[o++] = (char)p[i++];
			continue;
		}
		m = aud_casefold(cp, f);
		for (k = 0; k < m; k++)
			o += utf8_encode(f[k], tmp + o);
		i += n;
	}
	return aud_buf_append(out, tmp, o);
}
