/*
 * patterns.c: loads pattern files (format in patterns/README.md), compiles
 * each regex with PCRE2 and its JIT, hashes the files' bytes, narrows the
 * set to chosen entities and runs every entry's own samples.
 *
 * A file is parsed line by line into stanzas that start at "id:"; any
 * error names FILE:LINE and stops the load, so a set is either complete or
 * not made at all. Regexes are compiled in byte mode (no PCRE2_UTF):
 * values may be invalid UTF-8, every pattern we need is ASCII, and byte
 * mode is the fastest; \w, \d and \b are therefore ASCII classes. The set
 * is read-only once loaded (aud_patterns_select aside), so detectors in
 * several threads can share it. Matching itself is detect.c's job.
 */
#include "auditor/patterns.h"
#include "auditor/detect.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <openssl/evp.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FILE_BYTES (8u << 20) /* a pattern file is text, not data */
#define MAX_WINDOW 65536u
#define DEFAULT_WINDOW 256u
#define MAX_NAME 64

enum { S_MATCH, S_NOMATCH, S_PLACEHOLDER };

typedef struct sample {
	int kind;
	char *text;
	size_t len;
	unsigned line;
} sample;

typedef struct entry {
	aud_pattern_info info;
	aud_pattern_engine eng;
	char **context;
	char **xcontext; /* exclude-context words */
	char **literals;
	size_t *litlens;
	sample *samples;
	size_t nsamples;
	/* parse state */
	unsigned seen;	     /* bit per non-repeatable key */
	unsigned regex_line; /* for compile errors */
	int caseless;
} entry;

struct aud_patternset {
	entry *e;
	size_t n, cap;
	char **files;
	size_t nfiles;
	char sha[65];
};

enum key {
	K_ID,
	K_ENTITY,
	K_DESCRIPTION,
	K_REGEX,
	K_FLAGS,
	K_VALIDATOR,
	K_PREFILTER,
	K_CONTEXT,
	K_CONTEXT_REQUIRED,
	K_EXCLUDE_CONTEXT,
	K_EXCLUDE_BEFORE,
	K_CONFIDENCE,
	K_WINDOW,
	K_WINDOW_BEFORE,
	K_ENTROPY,
	K_MATCH,
	K_NOMATCH,
	K_PLACEHOLDER,
	K_COUNT
};

static const struct {
	const char *name;
	int repeat;
} keys[K_COUNT] = {
    [K_ID] = {"id", 0},
    [K_ENTITY] = {"entity", 0},
    [K_DESCRIPTION] = {"description", 0},
    [K_REGEX] = {"regex", 0},
    [K_FLAGS] = {"flags", 0},
    [K_VALIDATOR] = {"validator", 0},
    [K_PREFILTER] = {"prefilter", 1},
    [K_CONTEXT] = {"context", 1},
    [K_CONTEXT_REQUIRED] = {"context-required", 0},
    [K_EXCLUDE_CONTEXT] = {"exclude-context", 1},
    [K_EXCLUDE_BEFORE] = {"exclude-before", 0},
    [K_CONFIDENCE] = {"confidence", 0},
    [K_WINDOW] = {"window", 0},
    [K_WINDOW_BEFORE] = {"window-before", 0},
    [K_ENTROPY] = {"entropy", 0},
    [K_MATCH] = {"match", 1},
    [K_NOMATCH] = {"nomatch", 1},
    [K_PLACEHOLDER] = {"placeholder", 1},
};

/* Sets an AUD_EPATTERN-style error whose message starts "PATH:LINE: ". */
static int perr(aud_err *err, int code, const char *path, unsigned line,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int perr(aud_err *err, int code, const char *path, unsigned line,
		const char *fmt, ...)
{
	char msg[448];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line)
		return aud_err_set(err, code, "%s:%u: %s", path, line, msg);
	return aud_err_set(err, code, "%s: %s", path, msg);
}

static char *dupn(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static void entry_free(entry *e)
{
	size_t i;

	free((char *)e->info.id);
	free((char *)e->info.entity);
	free((char *)e->info.regex);
	free((char *)e->info.validator);
	free((char *)e->info.prefilter);
	free((char *)e->info.description);
	for (i = 0; i < e->info.ncontext; i++)
		free(e->context[i]);
	free(e->context);
	for (i = 0; i < e->eng.nexclude_context; i++)
		free(e->xcontext[i]);
	free(e->xcontext);
	pcre2_code_free((pcre2_code *)e->eng.exclude_before);
	for (i = 0; i < e->eng.nliterals; i++)
		free(e->literals[i]);
	free(e->literals);
	free(e->litlens);
	for (i = 0; i < e->nsamples; i++)
		free(e->samples[i].text);
	free(e->samples);
	pcre2_code_free((pcre2_code *)e->eng.code);
	pcre2_code_free((pcre2_code *)e->eng.code_at);
	memset(e, 0, sizeof *e);
}

void aud_patterns_free(aud_patternset *ps)
{
	size_t i;

	if (!ps)
		return;
	for (i = 0; i < ps->n; i++)
		entry_free(&ps->e[i]);
	free(ps->e);
	for (i = 0; i < ps->nfiles; i++)
		free(ps->files[i]);
	free(ps->files);
	free(ps);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes a sample value: "..." with \\ \" \n \r \t \xHH escapes, or the
 * text as is. Returns 0, 1 for a bad escape, or -1 for no memory. */
static int sample_text(const char *v, size_t n, char **out, size_t *outlen)
{
	char *p;
	size_t i, k = 0;

	if (n < 2 || v[0] != '"' || v[n - 1] != '"') {
		*out = dupn(v, n);
		*outlen = n;
		return *out ? 0 : -1;
	}
	p = malloc(n);
	if (!p)
		return -1;
	for (i = 1; i + 1 < n; i++) {
		char c = v[i];

		if (c == '"') {
			free(p);
			return 1;
		}
		if (c == '\\') {
			if (i + 2 >= n) {
				free(p);
				return 1;
			}
			c = v[++i];
			switch (c) {
			case '\\':
			case '"':
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'x':
				if (i + 3 >= n || hexval(v[i + 1]) < 0 ||
				    hexval(v[i + 2]) < 0) {
					free(p);
					return 1;
				}
				c = (char)(hexval(v[i + 1]) * 16 +
					   hexval(v[i + 2]));
				i += 2;
				break;
			default:
				free(p);
				return 1;
			}
		}
		p[k++] = c;
	}
	p[k] = '\0';
	*out = p;
	*outlen = k;
	return 0;
}

/* Appends one decoded literal. Returns 0 or -1 for no memory. */
static int add_literal(entry *e, const char *s, size_t n)
{
	char **l;
	size_t *ln;
	size_t i;
	char *copy = dupn(s, n);

	if (!copy)
		return -1;
	if (e->eng.literal_nocase)
		for (i = 0; i < n; i++)
			if (copy[i] >= 'A' && copy[i] <= 'Z')
				copy[i] = (char)(copy[i] - 'A' + 'a');
	l = realloc(e->literals, (e->eng.nliterals + 1) * sizeof *l);
	if (!l) {
		free(copy);
		return -1;
	}
	e->literals = l;
	ln = realloc(e->litlens, (e->eng.nliterals + 1) * sizeof *ln);
	if (!ln) {
		free(copy);
		return -1;
	}
	e->litlens = ln;
	l[e->eng.nliterals] = copy;
	ln[e->eng.nliterals++] = n;
	e->eng.literals = (const char *const *)e->literals;
	e->eng.literal_lens = e->litlens;
	return 0;
}

/* Parses "L1, L2, ..." with \, \\ \s \xHH escapes; blanks around each
 * literal are dropped. Returns 0, 1 for a syntax error (why says which),
 * or -1 for no memory. */
static int parse_literals(entry *e, const char *v, size_t n, const char **why)
{
	char buf[256];
	size_t i, k = 0, keep = 0;

	for (i = 0; i <= n; i++) {
		char c = i < n ? v[i] : ',';

		if (c == ',') {
			if (keep == 0) {
				*why = "empty literal";
				return 1;
			}
			if (add_literal(e, buf, keep))
				return -1;
			k = keep = 0;
			continue;
		}
		if ((c == ' ' || c == '\t') && k == 0)
			continue;
		if (k == sizeof buf) {
			*why = "literal longer than 255 bytes";
			return 1;
		}
		if (c == '\\') {
			c = i + 1 < n ? v[++i] : '\0';
			if (c == 's') {
				c = ' ';
			} else if (c == 'x' && i + 2 < n &&
				   hexval(v[i + 1]) >= 0 &&
				   hexval(v[i + 2]) >= 0) {
				c = (char)(hexval(v[i + 1]) * 16 +
					   hexval(v[i + 2]));
				i += 2;
			} else if (c != ',' && c != '\\') {
				*why = "bad escape (use \\, \\\\ \\s or \\xHH)";
				return 1;
			}
			buf[k++] = c;
			keep = k;
			continue;
		}
		buf[k++] = c;
		if (c != ' ' && c != '\t')
			keep = k;
	}
	return 0;
}

/* The whole number v[0, n) into *out when it is from lo to hi. Returns 0,
 * or 1 for anything else. */
static int parse_count(const char *v, size_t n, long lo, long hi, long *out)
{
	char tmp[16], *end;

	if (n == 0 || n >= sizeof tmp)
		return 1;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	*out = strtol(tmp, &end, 10);
	return *end || *out < lo || *out > hi;
}

/* One byte of a run class at v[*i] (\\ \] \- \s \xHH escapes). Returns
 * the byte, or -1 for a bad escape. Advances *i past it. */
static int class_byte(const char *v, size_t n, size_t *i)
{
	size_t k = *i;

	if (v[k] != '\\') {
		*i = k + 1;
		return (unsigned char)v[k];
	}
	if (k + 1 >= n)
		return -1;
	switch (v[k + 1]) {
	case '\\':
	case ']':
	case '-':
		*i = k + 2;
		return (unsigned char)v[k + 1];
	case 's':
		*i = k + 2;
		return ' ';
	case 'x':
		if (k + 3 >= n || hexval(v[k + 2]) < 0 || hexval(v[k + 3]) < 0)
			return -1;
		*i = k + 4;
		return hexval(v[k + 2]) * 16 + hexval(v[k + 3]);
	default:
		return -1;
	}
}

/* The class "[...]" at v[*i] into set (bit b for byte b), *i past its
 * "]". Returns how many bytes it holds (0 for an empty class), or -1 with
 * why set. */
static int parse_class(const char *v, size_t n, size_t *i,
		       unsigned char set[32], const char **why)
{
	size_t k = *i + 1;
	int members = 0;

	memset(set, 0, 32);
	if (*i >= n || v[*i] != '[')
		return -1;
	while (k < n && v[k] != ']') {
		int lo = class_byte(v, n, &k), hi;

		if (lo < 0) {
			*why = "run class: bad escape (want \\\\ \\] \\- \\s "
			       "or \\xHH)";
			return -1;
		}
		hi = lo;
		if (k + 1 < n && v[k] == '-' && v[k + 1] != ']') {
			k++;
			hi = class_byte(v, n, &k);
			if (hi < 0 || hi < lo) {
				*why = "run class: bad range";
				return -1;
			}
		}
		for (; lo <= hi; lo++)
			if (!(set[lo >> 3] & (1u << (lo & 7)))) {
				set[lo >> 3] |= (unsigned char)(1u << (lo & 7));
				members++;
			}
	}
	if (k >= n)
		return -1;
	*i = k + 1;
	return members;
}

/* The length of the word at v[i] (up to a space or the end). */
static size_t word_len(const char *v, size_t n, size_t i)
{
	size_t k = i;

	while (k < n && v[k] != ' ')
		k++;
	return k - i;
}

/* Parses "[CLASS] N" or "[CLASS] N-M", then any "with K [SUB]" parts, of
 * a run prefilter into the entry's class bitmap, run_min, run_max (0
 * without M) and run_with. Returns 0 or 1 (syntax, why set). */
static int parse_run(entry *e, const char *v, size_t n, const char **why)
{
	const char *usage = "run needs '[CLASS] N' or '[CLASS] N-M', then "
			    "optionally 'with K [SUB]' parts, e.g. "
			    "'run [0-9A-Fa-f:] 17 with 5 [:]'";
	size_t i = 0, len, b;
	const char *dash;
	long d, m = 0, k;

	*why = usage;
	e->eng.run_nwith = 0;
	if (parse_class(v, n, &i, e->eng.run_class, why) <= 0)
		return 1;
	for (; i < n && v[i] == ' '; i++)
		;
	len = word_len(v, n, i);
	if (len == 0)
		return 1;
	dash = memchr(v + i, '-', len);
	if (parse_count(v + i, dash ? (size_t)(dash - (v + i)) : len, 2, 1024,
			&d)) {
		*why = "run [CLASS] N needs N from 2 to 1024";
		return 1;
	}
	if (dash && parse_count(dash + 1, len - (size_t)(dash + 1 - (v + i)), d,
				65536, &m)) {
		*why = "run [CLASS] N-M needs M from N to 65536";
		return 1;
	}
	i += len;
	while (i < n) {
		aud_run_with *w;

		for (; i < n && v[i] == ' '; i++)
			;
		if (i == n)
			break;
		*why = usage;
		if (n - i < 5 || memcmp(v + i, "with ", 5) != 0)
			return 1;
		if (e->eng.run_nwith == AUD_RUN_WITH_MAX) {
			*why = "run: at most 4 'with K [SUB]' parts";
			return 1;
		}
		w = &e->eng.run_with[e->eng.run_nwith];
		for (i += 5; i < n && v[i] == ' '; i++)
			;
		len = word_len(v, n, i);
		if (parse_count(v + i, len, 1, m ? m : 65536, &k)) {
			*why = "run ... with K [SUB] needs K from 1 to the "
			       "run's M (if given)";
			return 1;
		}
		for (i += len; i < n && v[i] == ' '; i++)
			;
		*why = usage;
		if (parse_class(v, n, &i, w->sub, why) <= 0)
			return 1;
		for (b = 0; b < 32; b++)
			if (w->sub[b] & ~e->eng.run_class[b]) {
				*why = "run ... with K [SUB]: SUB holds a byte "
				       "that is not in the run's class";
				return 1;
			}
		w->min = (unsigned)k;
		e->eng.run_nwith++;
	}
	e->eng.prefilter = AUD_PF_RUN;
	e->eng.run_min = (unsigned)d;
	e->eng.run_max = (unsigned)m;
	return 0;
}

static int parse_prefilter_kind(entry *e, const char *v, size_t n,
				const char **why);

/* Parses one "prefilter:" line. An entry may have several of different
 * kinds (every match satisfies at least one); "none" stands alone. The
 * first line's kind is e->eng.prefilter. Returns 0, 1 (syntax, why set)
 * or -1. */
static int parse_prefilter(entry *e, const char *v, size_t n, const char **why)
{
	aud_prefilter_kind first = e->eng.prefilter;
	unsigned had = e->eng.prefilters;
	int rc = parse_prefilter_kind(e, v, n, why);
	unsigned bit = 1u << e->eng.prefilter;

	if (rc)
		return rc;
	if (had & bit) {
		*why = "one 'prefilter:' line per kind";
		return 1;
	}
	if (had && (bit | had) & (1u << AUD_PF_NONE)) {
		*why = "'prefilter: none' cannot be combined with another";
		return 1;
	}
	e->eng.prefilters = had | bit;
	if (had)
		e->eng.prefilter = first;
	return 0;
}

static int parse_prefilter_kind(entry *e, const char *v, size_t n,
				const char **why)
{
	const char *sp = memchr(v, ' ', n);
	size_t kw = sp ? (size_t)(sp - v) : n;
	const char *arg = sp ? sp + 1 : v + n;
	size_t alen = (size_t)(v + n - arg);

	*why = "unknown prefilter (want 'none', 'literal S,...', "
	       "'literal-i S,...', 'digits N' or 'run [CLASS] N')";
	if (kw == 4 && memcmp(v, "none", 4) == 0 && alen == 0) {
		e->eng.prefilter = AUD_PF_NONE;
		return 0;
	}
	if ((kw == 7 && memcmp(v, "literal", 7) == 0) ||
	    (kw == 9 && memcmp(v, "literal-i", 9) == 0)) {
		e->eng.prefilter = AUD_PF_LITERAL;
		e->eng.literal_nocase = kw == 9;
		return parse_literals(e, arg, alen, why);
	}
	if (kw == 3 && memcmp(v, "run", 3) == 0)
		return parse_run(e, arg, alen, why);
	if (kw == 6 && memcmp(v, "digits", 6) == 0) {
		const char *g;
		size_t nlen;
		long d, k = 1, h = 0;
		int start0 = 0;

		/* "... start 0" last */
		if (alen > 8 && memcmp(arg + alen - 8, " start 0", 8) == 0) {
			start0 = 1;
			alen -= 8;
		}
		g = memchr(arg, ' ', alen);
		nlen = g ? (size_t)(g - arg) : alen;
		if (alen == 0)
			return 1;
		if (parse_count(arg, nlen, 1, 64, &d)) {
			*why = "digits N needs N from 1 to 64";
			return 1;
		}
		if (g) { /* "digits N group G" or "group G-H" */
			size_t rest = alen - nlen - 1;
			const char *dash =
			    rest < 7 ? NULL : memchr(g + 7, '-', rest - 6);
			size_t glen = dash ? (size_t)(dash - (g + 7)) : rest - 6;

			if (rest < 7 || memcmp(g + 1, "group ", 6) != 0 ||
			    parse_count(g + 7, glen, 1, d, &k) ||
			    (dash && parse_count(dash + 1,
						 rest - 6 - glen - 1, k, 64,
						 &h))) {
				*why = "digits N group G needs G from 1 to N "
				       "(group G-H: H from G to 64)";
				return 1;
			}
		}
		e->eng.prefilter = AUD_PF_DIGITS;
		e->eng.min_digits = (unsigned)d;
		e->eng.min_group = (unsigned)k;
		e->eng.max_group = (unsigned)h;
		e->eng.start0 = start0;
		return 0;
	}
	return 1;
}

/* Parses "w1, w2, ..." into the entry's context words (lower-cased).
 * Returns 0, 1 for an empty word, -1 for no memory. */
static int parse_words(char ***list, size_t *count, const char *v, size_t n)
{
	size_t i = 0;

	while (i <= n) {
		size_t st, en, k;
		char **c, *w;

		while (i < n && (v[i] == ' ' || v[i] == '\t'))
			i++;
		st = i;
		while (i < n && v[i] != ',')
			i++;
		en = i;
		while (en > st && (v[en - 1] == ' ' || v[en - 1] == '\t'))
			en--;
		if (en == st)
			return 1;
		w = dupn(v + st, en - st);
		if (!w)
			return -1;
		for (k = 0; w[k]; k++)
			if (w[k] >= 'A' && w[k] <= 'Z')
				w[k] = (char)(w[k] - 'A' + 'a');
		c = realloc(*list, (*count + 1) * sizeof *c);
		if (!c) {
			free(w);
			return -1;
		}
		*list = c;
		c[(*count)++] = w;
		i++; /* past the comma (or past the end) */
	}
	return 0;
}

static int name_ok(const char *v, size_t n, int upper)
{
	size_t i;

	if (n == 0 || n > MAX_NAME)
		return 0;
	for (i = 0; i < n; i++) {
		char c = v[i];
		int ok;

		if (upper)
			ok = (c >= 'A' && c <= 'Z') ||
			     (i > 0 && ((c >= '0' && c <= '9') || c == '_'));
		else
			ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			     (i > 0 && (c == '_' || c == '-' || c == '.'));
		if (!ok)
			return 0;
	}
	return 1;
}

/* Parses a number that must be the whole of {v, n}. */
static int parse_double(const char *v, size_t n, double *out)
{
	char tmp[32], *end;

	if (n == 0 || n >= sizeof tmp)
		return 0;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	*out = strtod(tmp, &end);
	return *end == '\0' && isfinite(*out);
}

#define AT_MAX_BEFORE 16 /* window-before up to which anchored tries pay */

/*
 * An entry whose every match starts at most window-before bytes before
 * its hit (less than window) is tried only at those starts: an anchored
 * copy of the regex, run where a match can begin (the bytes PCRE2 says a
 * match starts with), instead of a search over the whole window.
 */
static int compile_at(entry *e, uint32_t opts, const char *path,
		      aud_err *err)
{
	int ecode;
	PCRE2_SIZE eoff;
	uint32_t type = 0, unit = 0;
	const uint8_t *map = NULL;
	pcre2_code *a = pcre2_compile((PCRE2_SPTR)e->info.regex,
				      PCRE2_ZERO_TERMINATED,
				      opts | PCRE2_ANCHORED, &ecode, &eoff,
				      NULL);
	unsigned b;

	if (!a)
		return perr(err, AUD_EPATTERN, path, e->regex_line,
			    "pattern '%s': regex error (anchored)",
			    e->info.id);
	e->eng.code_at = a;
	e->eng.jit_at = pcre2_jit_compile(a, PCRE2_JIT_COMPLETE) == 0;
	pcre2_pattern_info((pcre2_code *)e->eng.code, PCRE2_INFO_FIRSTCODETYPE,
			   &type);
	pcre2_pattern_info((pcre2_code *)e->eng.code, PCRE2_INFO_FIRSTBITMAP,
			   &map);
	if (type == 1)
		pcre2_pattern_info((pcre2_code *)e->eng.code,
				   PCRE2_INFO_FIRSTCODEUNIT, &unit);
	for (b = 0; b < 256; b++) {
		int ok = 1;

		if (map)
			ok = (map[b >> 3] >> (b & 7)) & 1;
		else if (type == 1) {
			/* (a letter in either case: (?i) may apply) */
			ok = b == unit ||
			     (b < 128 && unit < 128 &&
			      (b | 0x20) == (unit | 0x20) &&
			      (b | 0x20) >= 'a' && (b | 0x20) <= 'z');
		}
		if (ok)
			e->eng.starts[b >> 3] |= (unsigned char)(1u << (b & 7));
	}
	return 0;
}

/* Does the regex end with a $ that ends every match at the subject's end
 * (or before a newline there)? It must be the last byte, not escaped,
 * with no | outside brackets and classes (^a|b$ ends only one branch)
 * and no (?m) (which lets $ match at any line end). */
static int ends_at_end(const char *re)
{
	size_t i, n = strlen(re), depth = 0;
	int cls = 0;

	if (n == 0 || re[n - 1] != '$')
		return 0;
	for (i = 0; i < n; i++) {
		if (re[i] == '\\') {
			/* an escaped $, or \Q...\E quoting */
			if (i + 1 == n - 1 || re[i + 1] == 'Q')
				return 0;
			i++;
		} else if (cls) {
			cls = re[i] != ']';
		} else if (re[i] == '[') {
			cls = 1;
			/* a ] first in a class is a member */
			if (i + 1 < n && re[i + 1] == '^')
				i++;
			if (i + 1 < n && re[i + 1] == ']')
				i++;
		} else if (re[i] == '(') {
			if (i + 1 < n && re[i + 1] == '?') {
				size_t k = i + 2;

				while (k < n && ((re[k] >= 'a' && re[k] <= 'z') ||
						 re[k] == '-' || re[k] == '^'))
					if (re[k++] == 'm')
						return 0;
			}
			depth++;
		} else if (re[i] == ')') {
			depth -= depth > 0;
		} else if (re[i] == '|' && depth == 0) {
			return 0;
		}
	}
	return 1;
}

/* Compiles the entry's regex and checks what the engine relies on. */
static int compile_entry(entry *e, const char *path, aud_err *err)
{
	uint32_t opts = PCRE2_NEVER_UTF | PCRE2_NEVER_UCP;
	int ecode, num;
	PCRE2_SIZE eoff;
	pcre2_code *code;
	uint32_t minlen = 0, caps = 0, allopts = 0;
	PCRE2_UCHAR msg[256];

	if (e->caseless)
		opts |= PCRE2_CASELESS;
	code = pcre2_compile((PCRE2_SPTR)e->info.regex, PCRE2_ZERO_TERMINATED,
			     opts, &ecode, &eoff, NULL);
	if (!code) {
		pcre2_get_error_message(ecode, msg, sizeof msg);
		return perr(err, AUD_EPATTERN, path, e->regex_line,
			    "pattern '%s': regex error at offset %zu: %s",
			    e->info.id, (size_t)eoff, (const char *)msg);
	}
	e->eng.code = code;
	pcre2_pattern_info(code, PCRE2_INFO_MINLENGTH, &minlen);
	pcre2_pattern_info(code, PCRE2_INFO_ALLOPTIONS, &allopts);
	e->eng.anchored = (allopts & PCRE2_ANCHORED) != 0;
	e->eng.whole = e->eng.anchored && ends_at_end(e->info.regex);
	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &caps);
	if (minlen == 0)
		return perr(err, AUD_EPATTERN, path, e->regex_line,
			    "pattern '%s': regex can match an empty string",
			    e->info.id);
	e->eng.capture_count = caps;
	e->eng.min_length = minlen;
	num = pcre2_substring_number_from_name(code, (PCRE2_SPTR) "value");
	if (num == PCRE2_ERROR_NOUNIQUESUBSTRING)
		return perr(err, AUD_EPATTERN, path, e->regex_line,
			    "pattern '%s': more than one group named 'value'",
			    e->info.id);
	e->eng.value_group = num > 0 ? num : 0;
	/* Without JIT the interpreter still works, only slower. */
	e->eng.jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
	/* (over a longer stretch one search beats a try at each start) */
	if (e->eng.window_before < e->eng.window &&
	    e->eng.window_before <= AT_MAX_BEFORE && !e->eng.anchored)
		return compile_at(e, opts, path, err);
	return 0;
}

/* Checks a finished stanza and appends it to the set. On error the entry
 * is left for the caller to free. */
static int finish_entry(aud_patternset *ps, entry *e, const char *path,
			aud_err *err)
{
	static const enum key need[] = {K_ENTITY, K_DESCRIPTION, K_REGEX,
					K_PREFILTER, K_CONFIDENCE};
	size_t i, nmatch = 0;
	int rc;

	for (i = 0; i < sizeof need / sizeof need[0]; i++)
		if (!(e->seen & (1u << need[i])))
			return perr(err, AUD_EPATTERN, path, e->info.line,
				    "pattern '%s': missing '%s:'", e->info.id,
				    keys[need[i]].name);
	for (i = 0; i < e->nsamples; i++)
		nmatch += e->samples[i].kind == S_MATCH;
	if (nmatch == 0)
		return perr(err, AUD_EPATTERN, path, e->info.line,
			    "pattern '%s': needs at least one 'match:' sample",
			    e->info.id);
	if (e->eng.context_required && e->info.ncontext == 0)
		return perr(err, AUD_EPATTERN, path, e->info.line,
			    "pattern '%s': context-required without context "
			    "words",
			    e->info.id);
	for (i = 0; i < ps->n; i++)
		if (strcmp(ps->e[i].info.id, e->info.id) == 0)
			return perr(err, AUD_EPATTERN, path, e->info.line,
				    "duplicate id '%s' (first at %s:%u)",
				    e->info.id, ps->e[i].info.file,
				    ps->e[i].info.line);
	if (!(e->seen & (1u << K_WINDOW)))
		e->eng.window = DEFAULT_WINDOW;
	if (!(e->seen & (1u << K_WINDOW_BEFORE)))
		e->eng.window_before = e->eng.window;
	else if (e->eng.window_before > e->eng.window)
		return perr(err, AUD_EPATTERN, path, e->info.line,
			    "pattern '%s': window-before is larger than "
			    "window", e->info.id);
	rc = compile_entry(e, path, err);
	if (rc)
		return rc;
	if (ps->n == ps->cap) {
		size_t nc = ps->cap ? ps->cap * 2 : 16;
		entry *ne = realloc(ps->e, nc * sizeof *ne);

		if (!ne)
			return aud_err_set(err, AUD_ENOMEM, "out of memory");
		ps->e = ne;
		ps->cap = nc;
	}
	ps->e[ps->n++] = *e;
	memset(e, 0, sizeof *e);
	return 0;
}

/* Handles one "key: value" line of the current entry. */
static int set_key(entry *e, enum key k, const char *v, size_t n,
		   const char *path, unsigned line, aud_err *err)
{
	const char *why = NULL;
	char **slot = NULL;
	double d;
	int rc;

	switch (k) {
	case K_ID:
	case K_COUNT:
		break;
	case K_ENTITY:
		if (!name_ok(v, n, 1))
			return perr(err, AUD_EPATTERN, path, line,
				    "entity must be UPPER_SNAKE_CASE, at most "
				    "%d characters",
				    MAX_NAME);
		slot = (char **)&e->info.entity;
		break;
	case K_DESCRIPTION:
		slot = (char **)&e->info.description;
		break;
	case K_REGEX:
		if (n == 0)
			return perr(err, AUD_EPATTERN, path, line,
				    "empty regex");
		e->regex_line = line;
		slot = (char **)&e->info.regex;
		break;
	case K_FLAGS:
		if (n == 0 || strspn(v, "i") < n)
			return perr(err, AUD_EPATTERN, path, line,
				    "unknown flag in '%.*s' (known: i)", (int)n,
				    v);
		e->caseless = 1;
		return 0;
	case K_VALIDATOR:
		slot = (char **)&e->info.validator;
		break;
	case K_PREFILTER:
		rc = parse_prefilter(e, v, n, &why);
		if (rc < 0)
			return aud_err_set(err, AUD_ENOMEM, "out of memory");
		if (rc)
			return perr(err, AUD_EPATTERN, path, line, "%s", why);
		if (e->info.prefilter) { /* "first; second" */
			size_t ol = strlen(e->info.prefilter);
			char *j = realloc((char *)e->info.prefilter,
					  ol + 2 + n + 1);

			if (!j)
				return aud_err_set(err, AUD_ENOMEM,
						   "out of memory");
			memcpy(j + ol, "; ", 2);
			memcpy(j + ol + 2, v, n);
			j[ol + 2 + n] = '\0';
			e->info.prefilter = j;
			return 0;
		}
		slot = (char **)&e->info.prefilter;
		break;
	case K_CONTEXT:
	case K_EXCLUDE_CONTEXT:
		if (k == K_CONTEXT) {
			rc = parse_words(&e->context, &e->info.ncontext, v, n);
			e->info.context = (const char *const *)e->context;
		} else {
			rc = parse_words(&e->xcontext,
					 &e->eng.nexclude_context, v, n);
			e->eng.exclude_context =
				(const char *const *)e->xcontext;
		}
		if (rc < 0)
			return aud_err_set(err, AUD_ENOMEM, "out of memory");
		if (rc)
			return perr(err, AUD_EPATTERN, path, line,
				    "empty context word");
		return 0;
	case K_EXCLUDE_BEFORE: {
		/* Compiled to match only where the text before a finding
		 * ends: "(?:RE)\z" over the bytes up to the finding. */
		char *src = malloc(n + 8);
		int ec;
		PCRE2_SIZE eo;
		PCRE2_UCHAR msg[256];
		pcre2_code *code;

		if (!src)
			return aud_err_set(err, AUD_ENOMEM, "out of memory");
		snprintf(src, n + 8, "(?:%.*s)\\z", (int)n, v);
		code = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
				     PCRE2_NEVER_UTF | PCRE2_NEVER_UCP, &ec,
				     &eo, NULL);
		free(src);
		if (!code) {
			pcre2_get_error_message(ec, msg, sizeof msg);
			return perr(err, AUD_EPATTERN, path, line,
				    "exclude-before: regex error at offset "
				    "%zu: %s",
				    eo > 3 ? (size_t)eo - 3 : 0,
				    (const char *)msg);
		}
		pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
		e->eng.exclude_before = code;
		return 0;
	}
	case K_CONTEXT_REQUIRED:
		if (n == 3 && memcmp(v, "yes", 3) == 0)
			e->eng.context_required = 1;
		else if (!(n == 2 && memcmp(v, "no", 2) == 0))
			return perr(err, AUD_EPATTERN, path, line,
				    "context-required must be 'yes' or 'no'");
		return 0;
	case K_CONFIDENCE:
		if (!parse_double(v, n, &d) || d < 0.0 || d > 1.0)
			return perr(err, AUD_EPATTERN, path, line,
				    "confidence must be a number from 0 to 1");
		e->info.confidence = d;
		return 0;
	case K_WINDOW:
	case K_WINDOW_BEFORE:
		if (!parse_double(v, n, &d) || d < (k == K_WINDOW) ||
		    d > MAX_WINDOW || d != (double)(size_t)d)
			return perr(err, AUD_EPATTERN, path, line,
				    "%s must be a whole number of bytes "
				    "from %d to %u",
				    keys[k].name, k == K_WINDOW, MAX_WINDOW);
		if (k == K_WINDOW)
			e->eng.window = (size_t)d;
		else
			e->eng.window_before = (size_t)d;
		return 0;
	case K_ENTROPY:
		if (!parse_double(v, n, &d) || d <= 0.0 || d > 8.0)
			return perr(err, AUD_EPATTERN, path, line,
				    "entropy must be bits per byte, above 0 "
				    "and at most 8");
		e->eng.entropy = d;
		return 0;
	case K_MATCH:
	case K_NOMATCH:
	case K_PLACEHOLDER: {
		sample *s = realloc(e->samples, (e->nsamples + 1) * sizeof *s);

		if (!s)
			return aud_err_set(err, AUD_ENOMEM, "out of memory");
		e->samples = s;
		s += e->nsamples;
		rc = sample_text(v, n, &s->text, &s->len);
		if (rc < 0)
			return aud_err_set(err, AUD_ENOMEM, "out of memory");
		if (rc)
			return perr(err, AUD_EPATTERN, path, line,
				    "bad escape in quoted sample (known: \\\\ "
				    "\\\" \\n \\r \\t \\xHH)");
		if (s->len == 0) {
			free(s->text);
			return perr(err, AUD_EPATTERN, path, line,
				    "empty sample");
		}
		if (k == K_MATCH)
			s->kind = S_MATCH;
		else if (k == K_NOMATCH)
			s->kind = S_NOMATCH;
		else
			s->kind = S_PLACEHOLDER;
		s->line = line;
		e->nsamples++;
		return 0;
	}
	}
	if (k == K_VALIDATOR) {
		char tmp[MAX_NAME + 1];

		if (n > MAX_NAME)
			n = MAX_NAME;
		memcpy(tmp, v, n);
		tmp[n] = '\0';
		e->eng.validator = aud_validator_find(tmp);
		if (!e->eng.validator)
			return perr(err, AUD_EPATTERN, path, line,
				    "unknown validator '%s'", tmp);
	}
	if (slot) {
		*slot = dupn(v, n);
		if (!*slot)
			return aud_err_set(err, AUD_ENOMEM, "out of memory");
	}
	return 0;
}

/* Reads a whole file into *out (NUL-terminated, caller frees). */
static int read_file(const char *path, char **out, size_t *len, aud_err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f)
		return perr(err, AUD_EIO, path, 0, "cannot open: %s",
			    strerror(errno));
	for (;;) {
		size_t got;

		if (n == cap) {
			char *nb;

			if (cap >= MAX_FILE_BYTES) {
				fclose(f);
				free(buf);
				return perr(err, AUD_EPATTERN, path, 0,
					    "larger than %u bytes",
					    MAX_FILE_BYTES);
			}
			cap = cap ? cap * 2 : 16384;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				fclose(f);
				free(buf);
				return aud_err_set(err, AUD_ENOMEM,
						   "out of memory");
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return perr(err, AUD_EIO, path, 0, "read error");
	}
	fclose(f);
	if (!buf) {
		buf = malloc(1);
		if (!buf)
			return aud_err_set(err, AUD_ENOMEM, "out of memory");
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* Parses one pattern file into ps. */
static int load_file(aud_patternset *ps, const char *path, EVP_MD_CTX *md,
		     aud_err *err)
{
	char *buf = NULL, **files;
	size_t len = 0, pos = 0;
	unsigned line = 0;
	entry cur;
	int have = 0, rc;

	memset(&cur, 0, sizeof cur);
	rc = read_file(path, &buf, &len, err);
	if (rc)
		return rc;
	files = realloc(ps->files, (ps->nfiles + 1) * sizeof *files);
	if (!files) {
		rc = aud_err_set(err, AUD_ENOMEM, "out of memory");
		goto done;
	}
	ps->files = files;
	files[ps->nfiles] = dupn(path, strlen(path));
	if (!files[ps->nfiles]) {
		rc = aud_err_set(err, AUD_ENOMEM, "out of memory");
		goto done;
	}
	path = files[ps->nfiles++];
	EVP_DigestUpdate(md, buf, len);

	while (pos < len) {
		char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos, k, kl;
		const char *v;
		int key = -1;

		pos += n + 1;
		line++;
		if (memchr(s, '\0', n)) {
			rc = perr(err, AUD_EPATTERN, path, line, "NUL byte");
			goto done;
		}
		while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' ||
			     s[n - 1] == '\t'))
			n--;
		while (n && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		if (n == 0 || *s == '#')
			continue;
		for (kl = 0;
		     kl < n && ((s[kl] >= 'a' && s[kl] <= 'z') || s[kl] == '-');
		     kl++)
			;
		if (kl == 0 || kl == n || s[kl] != ':') {
			rc = perr(err, AUD_EPATTERN, path, line,
				  "expected 'key: value'");
			goto done;
		}
		for (k = 0; k < K_COUNT; k++)
			if (strlen(keys[k].name) == kl &&
			    memcmp(keys[k].name, s, kl) == 0)
				key = (int)k;
		if (key < 0) {
			rc = perr(err, AUD_EPATTERN, path, line,
				  "unknown key '%.*s'", (int)kl, s);
			goto done;
		}
		v = s + kl + 1;
		n -= kl + 1;
		while (n && (*v == ' ' || *v == '\t')) {
			v++;
			n--;
		}
		if (key == K_ID) {
			if (have) {
				rc = finish_entry(ps, &cur, path, err);
				if (rc)
					goto done;
			}
			if (!name_ok(v, n, 0)) {
				rc = perr(err, AUD_EPATTERN, path, line,
					  "id must be lower-case letters, "
					  "digits, '_', '-' or '.', at most "
					  "%d characters",
					  MAX_NAME);
				goto done;
			}
			memset(&cur, 0, sizeof cur);
			have = 1;
			cur.info.id = dupn(v, n);
			cur.info.file = path;
			cur.info.line = line;
			cur.seen = 1u << K_ID;
			if (!cur.info.id) {
				rc = aud_err_set(err, AUD_ENOMEM,
						 "out of memory");
				goto done;
			}
			continue;
		}
		if (!have) {
			rc = perr(err, AUD_EPATTERN, path, line,
				  "'%s:' before the first 'id:'",
				  keys[key].name);
			goto done;
		}
		if (!keys[key].repeat && (cur.seen & (1u << key))) {
			rc = perr(err, AUD_EPATTERN, path, line,
				  "pattern '%s': duplicate key '%s'",
				  cur.info.id, keys[key].name);
			goto done;
		}
		cur.seen |= 1u << key;
		rc = set_key(&cur, (enum key)key, v, n, path, line, err);
		if (rc)
			goto done;
	}
	if (have) {
		rc = finish_entry(ps, &cur, path, err);
		if (rc)
			goto done;
	}
	rc = 0;
done:
	entry_free(&cur);
	free(buf);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads a directory's *.pat files in byte order of their names. */
static int load_dir(aud_patternset *ps, const char *dir, EVP_MD_CTX *md,
		    aud_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	if (!d)
		return perr(err, AUD_EIO, dir, 0, "cannot open: %s",
			    strerror(errno));
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char *full;
		struct stat st;

		if (de->d_name[0] == '.' || l < 5 ||
		    strcmp(de->d_name + l - 4, ".pat") != 0)
			continue;
		full = malloc(strlen(dir) + l + 2);
		if (!full) {
			rc = aud_err_set(err, AUD_ENOMEM, "out of memory");
			goto done;
		}
		sprintf(full, "%s%s%s", dir,
			dir[strlen(dir) - 1] == '/' ? "" : "/", de->d_name);
		if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(full);
			continue;
		}
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			char **nn = realloc(names, nc * sizeof *nn);

			if (!nn) {
				free(full);
				rc = aud_err_set(err, AUD_ENOMEM,
						 "out of memory");
				goto done;
			}
			names = nn;
			cap = nc;
		}
		names[n++] = full;
	}
	if (n == 0) {
		rc = perr(err, AUD_EPATTERN, dir, 0, "no .pat files");
		goto done;
	}
	qsort(names, n, sizeof *names, cmp_str);
	for (i = 0; i < n && rc == 0; i++)
		rc = load_file(ps, names[i], md, err);
done:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

int aud_patterns_load(aud_patternset **out, const char *const *paths,
		      size_t npaths, aud_err *err)
{
	aud_patternset *ps;
	EVP_MD_CTX *md = NULL;
	unsigned char dig[EVP_MAX_MD_SIZE];
	unsigned dlen = 0, i;
	size_t k;
	int rc = 0;

	*out = NULL;
	if (npaths == 0)
		return aud_err_set(err, AUD_EUSAGE, "no pattern files given");
	ps = calloc(1, sizeof *ps);
	md = EVP_MD_CTX_new();
	if (!ps || !md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		rc = aud_err_set(err, AUD_ENOMEM, "out of memory");
		goto done;
	}
	for (k = 0; k < npaths && rc == 0; k++) {
		struct stat st;

		if (stat(paths[k], &st) != 0)
			rc = perr(err, AUD_EIO, paths[k], 0, "cannot open: %s",
				  strerror(errno));
		else if (S_ISDIR(st.st_mode))
			rc = load_dir(ps, paths[k], md, err);
		else
			rc = load_file(ps, paths[k], md, err);
	}
	if (rc)
		goto done;
	if (!EVP_DigestFinal_ex(md, dig, &dlen)) {
		rc = aud_err_set(err, AUD_ENOMEM, "SHA-256 failed");
		goto done;
	}
	for (i = 0; i < dlen && i < 32; i++)
		sprintf(ps->sha + 2 * i, "%02x", dig[i]);
	*out = ps;
	ps = NULL;
done:
	EVP_MD_CTX_free(md);
	aud_patterns_free(ps);
	return rc;
}

/* Is {s, n} one of the names in the comma-separated list? */
static int in_list(const char *list, const char *s)
{
	size_t n = strlen(s);
	const char *p = list;

	while (*p) {
		const char *c = strchr(p, ','), *e;
		const char *st = p;

		e = c ? c : p + strlen(p);
		while (st < e && (*st == ' ' || *st == '\t'))
			st++;
		while (e > st && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if ((size_t)(e - st) == n && memcmp(st, s, n) == 0)
			return 1;
		if (!c)
			break;
		p = c + 1;
	}
	return 0;
}

/* Checks that every name in list is some entry's entity. */
static int check_list(const aud_patternset *ps, const char *list, aud_err *err)
{
	const char *p = list;

	while (p && *p) {
		const char *c = strchr(p, ','), *e = c ? c : p + strlen(p);
		const char *st = p;
		size_t i;
		int found = 0;

		while (st < e && (*st == ' ' || *st == '\t'))
			st++;
		while (e > st && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		for (i = 0; i < ps->n && !found; i++)
			found =
			    strlen(ps->e[i].info.entity) == (size_t)(e - st) &&
			    memcmp(ps->e[i].info.entity, st,
				   (size_t)(e - st)) == 0;
		if (!found && e > st)
			return aud_err_set(err, AUD_EUSAGE,
					   "unknown entity '%.*s'",
					   (int)(e - st), st);
		p = c ? c + 1 : NULL;
	}
	return 0;
}

int aud_patterns_select(aud_patternset *ps, const char *keep, const char *skip,
			aud_err *err)
{
	size_t i, k = 0;
	int rc;

	if (keep && !*keep)
		keep = NULL;
	if (skip && !*skip)
		skip = NULL;
	rc = check_list(ps, keep, err);
	if (!rc)
		rc = check_list(ps, skip, err);
	if (rc)
		return rc;
	for (i = 0; i < ps->n; i++) {
		const char *ent = ps->e[i].info.entity;

		if ((keep && !in_list(keep, ent)) ||
		    (skip && in_list(skip, ent))) {
			entry_free(&ps->e[i]);
			continue;
		}
		ps->e[k++] = ps->e[i];
	}
	ps->n = k;
	return 0;
}

size_t aud_patterns_count(const aud_patternset *ps) { return ps ? ps->n : 0; }

const aud_pattern_info *aud_patterns_info(const aud_patternset *ps, size_t i)
{
	return ps && i < ps->n ? &ps->e[i].info : NULL;
}

const aud_pattern_engine *aud_patterns_engine(const aud_patternset *ps,
					      size_t i)
{
	return ps && i < ps->n ? &ps->e[i].eng : NULL;
}

void aud_patterns_sha256_hex(const aud_patternset *ps, char out[65])
{
	if (ps)
		memcpy(out, ps->sha, 65);
	else
		out[0] = '\0';
}

/* Writes a sample for a message: printable ASCII as is, other bytes as
 * \xHH, cut to about 60 characters. */
static void show(char *out, size_t cap, const char *s, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 8 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		if (k > 60) {
			memcpy(out + k, "...", 3);
			k += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[k++] = (char)c;
		else
			k += (size_t)snprintf(out + k, cap - k, "\\x%02x", c);
	}
	out[k] = '\0';
}

/* Checks one sample against the findings; fills why on failure. */
static int judge(const entry *e, size_t idx, const sample *s,
		 const aud_match *m, int nm, char *why, size_t cap)
{
	char shown[96], got[96];
	const aud_match *mine = NULL, *other = NULL, *ph = NULL;
	int i;

	for (i = 0; i < nm; i++) {
		if (m[i].pattern == idx) {
			if (m[i].evidence == AUD_EV_PLACEHOLDER)
				ph = ph ? ph : &m[i];
			else
				mine = mine ? mine : &m[i];
		} else if (strcmp(m[i].entity, e->info.entity) == 0 && !other) {
			other = &m[i];
		}
	}
	show(shown, sizeof shown, s->text, s->len);
	switch (s->kind) {
	case S_MATCH:
		if (mine)
			return 0;
		if (ph)
			snprintf(why, cap,
				 "sample '%s' matched only as a placeholder",
				 shown);
		else if (other)
			snprintf(why, cap,
				 "sample '%s' did not match (reported as "
				 "pattern '%s' instead)",
				 shown, other->pattern_id);
		else
			snprintf(why, cap, "sample '%s' did not match", shown);
		return 1;
	case S_NOMATCH:
		if (!mine)
			return 0;
		show(got, sizeof got, s->text + mine->start, mine->len);
		snprintf(why, cap, "nomatch sample '%s' matched '%s'", shown,
			 got);
		return 1;
	default:
		if (ph)
			return 0;
		if (mine)
			snprintf(why, cap,
				 "placeholder sample '%s' was reported as "
				 "evidence '%s', not placeholder",
				 shown, aud_evidence_name(mine->evidence));
		else
			snprintf(why, cap,
				 "placeholder sample '%s' did not match",
				 shown);
		return 1;
	}
}

int aud_patterns_test(const aud_patternset *ps, size_t *checked, aud_err *err)
{
	aud_detector *d = NULL;
	size_t i, j, nchk = 0, nfail = 0;
	char first[400] = "";
	int rc;

	if (checked)
		*checked = 0;
	if (!ps)
		return 0;
	rc = aud_detector_new(&d, ps, err);
	if (rc)
		return rc;
	for (i = 0; i < ps->n; i++) {
		const entry *e = &ps->e[i];

		for (j = 0; j < e->nsamples; j++) {
			const sample *s = &e->samples[j];
			const aud_match *m = NULL;
			char why[300];
			int nm;

			nm = aud_detect_field(d, "", 0, s->text, s->len, &m,
					      err);
			if (nm < 0) {
				rc = nm;
				goto done;
			}
			nchk++;
			if (!judge(e, i, s, m, nm, why, sizeof why))
				continue;
			if (nfail++ == 0)
				snprintf(first, sizeof first,
					 "%s:%u: pattern '%s': %s",
					 e->info.file, s->line, e->info.id,
					 why);
		}
	}
	if (nfail == 1)
		rc = aud_err_set(err, AUD_EPATTERN, "%s", first);
	else if (nfail > 1)
		rc = aud_err_set(err, AUD_EPATTERN,
				 "%s (and %zu more failing samples)", first,
				 nfail - 1);
done:
	if (checked)
		*checked = nchk;
	aud_detector_free(d);
	return rc;
}
