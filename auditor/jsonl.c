/*
 * jsonl.c: the JSON Lines reader, and the JSON array reader (AUD_FMT_JSON:
 * a file that is one array of records, as many datasets ship; below,
 * "JSON arrays"), which cuts each element out of the stream and reads it
 * as a line. Each line holds one JSON object; it is
 * validated strictly (RFC 8259) and flattened into fields named by path:
 * nested objects give dotted names (meta.author.email), array elements
 * brackets (tags[2], messages[2].content, m[1][0]). Strings are unescaped
 * (\u0040 is '@', surrogate pairs become one 4-byte UTF-8 sequence),
 * numbers keep their raw text, true/false/null are typed. Empty objects
 * and arrays give no field.
 *
 * The parser is iterative, with an explicit stack (a growable array)
 * capped at 1000 levels, so no line can overflow the C stack. A line that
 * is not valid JSON, or not an object, is reported as a problem and still
 * given as one field "(unparsed)" holding the raw line, so detection sees
 * its text. A line longer than max_record_bytes is reported and skipped up
 * to the next newline without being buffered; it still takes a record
 * number, so later record numbers stay in step with the lines.
 *
 * Speed: lines are found with memchr and parsed in place when a chunk
 * holds them whole (copied only when they span chunks). Each line first
 * gets a map of its '"', '\\' and control bytes, 64 bytes at a time
 * (make_map), from which every string's end is found without a scan of
 * its own; the same pass notes whether the line has a non-ASCII byte,
 * and an ASCII line that parses needs no UTF-8 or NUL check. Strings
 * without escapes and numbers point into the line, and so do the names
 * of top-level keys without escapes; other names and unescaped strings
 * go to one arena reset per line. The field arrays, path, arena, map and
 * stack are reused from line to line. aud_reader_set_fast(r, 0) keeps
 * the byte loops (no map), which the tests compare with.
 */
#include "reader_impl.h"

#include "auditor/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__SSE2__)
#include <immintrin.h>
#define HAVE_X86 1
#else
#define HAVE_X86 0
#endif

#define MAX_DEPTH 1000

enum { K_OBJ, K_ARR };

/* Parse results besides 0 (and negative AUD_E* for fatal ones). */
enum { J_BAD = 1, J_LIMIT = 2 };

typedef struct frame {
	size_t base;  /* path length of this container's own name */
	size_t index; /* arrays: index of the current element */
	int kind;
} frame;

/* Where a field's name and value wait in the arena until the line is
 * done (the arena may move while it grows). */
typedef struct fx {
	size_t name_off;
	size_t val_off;
	unsigned char name_in_arena, val_in_arena;
} fx;

/* A decoded string: in the line when it had no escape, else in a buf. */
typedef struct jstr {
	const char *ptr; /* in the line, when !in_buf */
	size_t off;	 /* in the buf, when in_buf */
	size_t len;
	size_t end; /* line offset just past the closing quote */
	int in_buf;
} jstr;

typedef struct jsonl {
	aud_reader *r;
	aud_buf line; /* a line that spans chunks */
	int at_start; /* the next byte starts a line */
	int skipping; /* dropping an over-long line up to its '\n' */
	uint64_t line_off, line_no;
	uint64_t recno;

	frame *stk;
	size_t stk_cap;
	aud_buf path;  /* name of the value being parsed */
	aud_buf arena; /* names and unescaped values of this line */
	aud_buf key;   /* unescaped key */
	aud_field *fields;
	fx *fx;
	size_t nf, fcap;
	size_t froom; /* fields that fit without grow_fields: min(fcap, max) */

	int simd;	/* AUD_SIMD_* level of this line's scans */
	int mapped;	/* bits holds the line's stop map (make_map) */
	unsigned hi;	/* 0x80: the mapped line has a byte >= 0x80 */
	uint64_t *bits; /* the stop map, nbits words of bits_cap */
	size_t nbits, bits_cap;

	size_t epos; /* parse error: offset in the line, and message */
	int ecode;
	char emsg[200];

	/* A JSON array (AUD_FMT_JSON): its elements are the records, each
	 * cut out of the stream where a ',' or the closing ']' stands
	 * outside strings and nested containers, and parsed as a line is.
	 * astate is A_LINES for JSON Lines (and for what follows a closed
	 * array); adepth, ains and aesc follow the element's nesting. */
	int astate;
	int acomma;  /* a ',' came since the last element */
	int askip;   /* the element is over max_record_bytes: not kept */
	size_t adepth;
	int ains, aesc;
} jsonl;

enum { A_LINES, A_START, A_ELEM, A_IN, A_END };

/* Bytes that end the fast scan of a string: '"', '\\' and controls. */
/* clang-format off */
static const unsigned char str_stop[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1};
/* clang-format on */

/* First index from p on that holds '"', '\\' or a control byte, or n:
 * the reference, byte by byte (AUD_SIMD_NONE). */
static size_t scan_none(const unsigned char *s, size_t p, size_t n)
{
	while (p < n && !str_stop[s[p]])
		p++;
	return p;
}

#if HAVE_X86
/*
 * The stop map of a line (AUD_SIMD_SSE2 and up): bit i of bits[i / 64]
 * is set when s[i] is '"', '\\' or a control byte, found 64 bytes at a
 * time (a byte below 0x20 is one that min(byte, 0x1F) leaves unchanged).
 * The parser then finds the end of each string, and each stretch between
 * escapes, with a shift and a count of trailing zeros instead of a scan
 * of its own: most strings are short, and a call to a scan per string
 * cost more than the scan. The last bytes of a line are read as its last
 * 64 (shifted), so only lines under 64 bytes are copied (into a block
 * padded with spaces, which are no stops).
 *
 * Returns 0x80 when some byte of the line has its high bit set: process()
 * skips the UTF-8 and NUL checks of an ASCII line that parsed.
 */
static inline unsigned stops16(__m128i x)
{
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(
	    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
			 _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
	    _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1F)), x)));
}

/* Stops of the 64 bytes at s, 16 at a time; their high bits go to acc. */
static inline uint64_t block_sse2(const unsigned char *s, __m128i *acc)
{
	__m128i a = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + 16));
	__m128i c = _mm_loadu_si128((const __m128i *)(const void *)(s + 32));
	__m128i d = _mm_loadu_si128((const __m128i *)(const void *)(s + 48));

	*acc = _mm_or_si128(
	    *acc, _mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(c, d)));
	return (uint64_t)stops16(a) | (uint64_t)stops16(b) << 16 |
	       (uint64_t)stops16(c) << 32 | (uint64_t)stops16(d) << 48;
}

static unsigned map_sse2(const unsigned char *s, size_t n, uint64_t *bits)
{
	__m128i acc = _mm_setzero_si128();
	unsigned char pad[64];
	size_t i = 0;

	for (; n - i >= 64; i += 64)
		*bits++ = block_sse2(s + i, &acc);
	if (i < n && n >= 64) {
		*bits = block_sse2(s + n - 64, &acc) >> (64 - (n - i));
	} else if (i < n) {
		memset(pad, ' ', sizeof pad);
		memcpy(pad, s, n);
		*bits = block_sse2(pad, &acc);
	}
	return _mm_movemask_epi8(acc) ? 0x80u : 0;
}

__attribute__((target("avx2"))) static inline unsigned stops32(__m256i x)
{
	return (unsigned)_mm256_movemask_epi8(_mm256_or_si256(
	    _mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('"')),
			    _mm256_cmpeq_epi8(x, _mm256_set1_epi8('\\'))),
	    _mm256_cmpeq_epi8(_mm256_min_epu8(x, _mm256_set1_epi8(0x1F)), x)));
}

__attribute__((target("avx2"))) static inline uint64_t
block_avx2(const unsigned char *s, __m256i *acc)
{
	__m256i a = _mm256_loadu_si256((const __m256i *)(const void *)s);
	__m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(s + 32));

	*acc = _mm256_or_si256(*acc, _mm256_or_si256(a, b));
	return (uint64_t)stops32(a) | (uint64_t)stops32(b) << 32;
}

__attribute__((target("avx2"))) static unsigned
map_avx2(const unsigned char *s, size_t n, uint64_t *bits)
{
	__m256i acc = _mm256_setzero_si256();
	unsigned char pad[64];
	size_t i = 0;

	for (; n - i >= 64; i += 64)
		*bits++ = block_avx2(s + i, &acc);
	if (i < n && n >= 64) {
		*bits = block_avx2(s + n - 64, &acc) >> (64 - (n - i));
	} else if (i < n) {
		memset(pad, ' ', sizeof pad);
		memcpy(pad, s, n);
		*bits = block_avx2(pad, &acc);
	}
	return _mm256_movemask_epi8(acc) ? 0x80u : 0;
}
#endif

/* Builds the stop map of s[0..n) at level j->simd into j->bits and sets
 * j->hi. Returns 0 when there is no map to use (AUD_SIMD_NONE, or no
 * memory for it): the line's strings are then scanned byte by byte. */
static int make_map(jsonl *j, const unsigned char *s, size_t n)
{
#if HAVE_X86
	size_t words = n / 64 + 1;
	void *p;

	if (j->simd == AUD_SIMD_NONE)
		return 0;
	if (words > j->bits_cap) {
		if (!(p = realloc(j->bits, words * sizeof *j->bits)))
			return 0;
		j->bits = p;
		j->bits_cap = words;
	}
	j->nbits = (n + 63) / 64;
	j->hi = j->simd == AUD_SIMD_AVX2 ? map_avx2(s, n, j->bits)
					 : map_sse2(s, n, j->bits);
	return 1;
#else
	(void)j;
	(void)s;
	(void)n;
	return 0;
#endif
}

/* The first stop at p or after it in the line, or n: from the stop map
 * when there is one, else byte by byte. */
static inline size_t scan(jsonl *j, const unsigned char *s, size_t p, size_t n)
{
	size_t w;
	uint64_t m;

	if (!j->mapped)
		return scan_none(s, p, n);
	if (p >= n)
		return n;
	w = p / 64;
	if ((m = j->bits[w] >> (p % 64)))
		return p + (size_t)__builtin_ctzll(m);
	while (++w < j->nbits)
		if ((m = j->bits[w]))
			return w * 64 + (size_t)__builtin_ctzll(m);
	return n;
}

/* aud_buf_append with the common case (room left) inline. */
static inline int put(aud_buf *b, const void *data, size_t n)
{
	if (b->cap - b->len >= n) {
		if (n)
			memcpy(b->p + b->len, data, n);
		b->len += n;
		return 0;
	}
	return aud_buf_append(b, data, n);
}

/* JSON's white space, by table: one load and test a byte. */
static const unsigned char ws_byte[256] = {
    [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1};

static size_t skip_ws(const unsigned char *s, size_t n, size_t p)
{
	while (p < n && ws_byte[s[p]])
		p++;
	return p;
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Names the byte at s[p] (p < n) for a message. */
static const char *describe(char *buf, size_t cap, const unsigned char *s,
			    size_t p)
{
	if (s[p] >= 0x20 && s[p] < 0x7f)
		snprintf(buf, cap, "'%c'", s[p]);
	else
		snprintf(buf, cap, "byte 0x%02X", s[p]);
	return buf;
}

/* What a record is: a line, or an element of a JSON array. */
static const char *unit(const jsonl *j)
{
	return j->astate == A_LINES ? "line" : "element";
}

/* Records a JSON error at s[p]: "unexpected X (expected what)". */
static int bad(jsonl *j, const unsigned char *s, size_t n, size_t p,
	       const char *what)
{
	char b[24];

	j->epos = p;
	if (p >= n)
		snprintf(b, sizeof b, "end of %s", unit(j));
	snprintf(j->emsg, sizeof j->emsg,
		 "invalid JSON: unexpected %s (expected %s)",
		 p >= n ? b : describe(b, sizeof b, s, p), what);
	return J_BAD;
}

static int bad_msg(jsonl *j, size_t p, const char *msg)
{
	j->epos = p;
	snprintf(j->emsg, sizeof j->emsg, "invalid JSON: %s", msg);
	return J_BAD;
}

/* A limit or allocation failure from an aud_buf call. */
static int buf_fail(jsonl *j, int rc, const char *what)
{
	if (rc == AUD_ELIMIT) {
		snprintf(j->emsg, sizeof j->emsg,
			 "flattened record exceeds its %s limit", what);
		return J_LIMIT;
	}
	return AUD_ENOMEM;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at s[p..p+4) as a number, or -1. */
static long hex4(const unsigned char *s, size_t n, size_t p)
{
	long v = 0;
	int i, h;

	if (n - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		h = hexval(s[p + (size_t)i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static size_t utf8_put(unsigned char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * The rest of parse_string for a string that did not end at the first
 * stop of the scan, at s[p]: an escape, a control byte or the end of the
 * line. start is just after the opening quote.
 */
static int __attribute__((noinline))
parse_string_rest(jsonl *j, const unsigned char *s, size_t n, size_t start,
		  size_t p, aud_buf *out, jstr *res)
{
	size_t q;
	unsigned char e, u[4];
	unsigned long cp;
	long lo;
	int rc;

	res->in_buf = 1;
	res->off = out->len;
	if ((rc = aud_buf_append(out, s + start, p - start)))
		return buf_fail(j, rc, "size");
	for (;;) {
		if (p >= n)
			return bad(j, s, n, p, "'\"' to end the string");
		if (s[p] == '"')
			break;
		if (s[p] < 0x20) {
			char m[64];

			snprintf(m, sizeof m,
				 "unescaped control character 0x%02X in "
				 "string",
				 s[p]);
			return bad_msg(j, p, m);
		}
		if (s[p] != '\\') {
			q = scan(j, s, p, n);
			if ((rc = put(out, s + p, q - p)))
				return buf_fail(j, rc, "size");
			p = q;
			continue;
		}
		if (p + 1 >= n)
			return bad(j, s, n, p + 1, "an escape");
		e = s[p + 1];
		switch (e) {
		case '"':
		case '\\':
		case '/':
			u[0] = e;
			break;
		case 'b':
			u[0] = '\b';
			break;
		case 'f':
			u[0] = '\f';
			break;
		case 'n':
			u[0] = '\n';
			break;
		case 'r':
			u[0] = '\r';
			break;
		case 't':
			u[0] = '\t';
			break;
		case 'u':
			lo = hex4(s, n, p + 2);
			if (lo < 0)
				return bad_msg(j, p, "invalid \\u escape");
			cp = (unsigned long)lo;
			p += 6;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				lo = n - p >= 6 && s[p] == '\\' &&
					     s[p + 1] == 'u'
					 ? hex4(s, n, p + 2)
					 : -1;
				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) +
					     ((unsigned long)lo - 0xDC00);
					p += 6;
				} else {
					cp = 0xFFFD;
				}
			} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
				cp = 0xFFFD;
			}
			if ((rc = put(out, u, utf8_put(u, cp))))
				return buf_fail(j, rc, "size");
			continue;
		default:
			return bad(j, s, n, p + 1, "an escape character");
		}
		if ((rc = put(out, u, 1)))
			return buf_fail(j, rc, "size");
		p += 2;
	}
	res->len = out->len - res->off;
	res->end = p + 1;
	return 0;
}

/*
 * Parses a string whose opening quote is just before s[start]; on success
 * res->end is just past the closing quote. Without escapes the result
 * points into s; with them it is decoded onto the end of out. A lone
 * surrogate (legal JSON grammar, but not encodable in UTF-8) becomes
 * U+FFFD. Inline, as most strings end at the first stop of their scan.
 *
 * Here and below, positions go in and out by value: a parser position
 * whose address went to a function that is not inlined would have to
 * live in memory for the whole parse.
 */
static inline int parse_string(jsonl *j, const unsigned char *s, size_t n,
			       size_t start, aud_buf *out, jstr *res)
{
	size_t p = scan(j, s, start, n);
	jstr slow;
	int rc;

	if (p < n && s[p] == '"') {
		res->ptr = (const char *)s + start;
		res->off = 0;
		res->len = p - start;
		res->in_buf = 0;
		res->end = p + 1;
		return 0;
	}
	rc = parse_string_rest(j, s, n, start, p, out, &slow);
	*res = slow;
	return rc;
}

/* RFC 8259 number at s[p]: the offset just past it, or 0 when there is
 * none (J_BAD, epos and emsg set). */
static inline size_t parse_number(jsonl *j, const unsigned char *s, size_t n,
				  size_t p)
{
	if (s[p] == '-')
		p++;
	if (p < n && s[p] == '0') {
		p++;
	} else if (p < n && s[p] >= '1' && s[p] <= '9') {
		while (p < n && is_digit(s[p]))
			p++;
	} else {
		bad(j, s, n, p, "a digit");
		return 0;
	}
	if (p < n && s[p] == '.') {
		p++;
		if (p >= n || !is_digit(s[p])) {
			bad(j, s, n, p, "a digit after '.'");
			return 0;
		}
		while (p < n && is_digit(s[p]))
			p++;
	}
	if (p < n && (s[p] == 'e' || s[p] == 'E')) {
		p++;
		if (p < n && (s[p] == '+' || s[p] == '-'))
			p++;
		if (p >= n || !is_digit(s[p])) {
			bad(j, s, n, p, "a digit in the exponent");
			return 0;
		}
		while (p < n && is_digit(s[p]))
			p++;
	}
	return p;
}

/* true, false or null at s[p]: the offset just past it, or 0 (J_BAD,
 * epos and emsg set). */
static size_t parse_literal(jsonl *j, const unsigned char *s, size_t n,
			    size_t p, const char *lit)
{
	size_t i;
	char what[16];

	for (i = 0; lit[i]; i++) {
		if (p + i >= n || s[p + i] != (unsigned char)lit[i]) {
			snprintf(what, sizeof what, "'%s'", lit);
			bad(j, s, n, p + i, what);
			return 0;
		}
	}
	return p + i;
}

/* Makes room for one more field, or says why there is none. */
static int __attribute__((noinline)) grow_fields(jsonl *j)
{
	size_t cap;
	void *p;

	if (j->nf >= j->r->max_fields) {
		snprintf(j->emsg, sizeof j->emsg,
			 "record has more than %zu fields", j->r->max_fields);
		return J_LIMIT;
	}
	if (j->nf == j->fcap) {
		cap = j->fcap ? j->fcap * 2 : 64;
		if (!(p = realloc(j->fields, cap * sizeof *j->fields)))
			return AUD_ENOMEM;
		j->fields = p;
		if (!(p = realloc(j->fx, cap * sizeof *j->fx)))
			return AUD_ENOMEM;
		j->fx = p;
		j->fcap = cap;
	}
	j->froom = j->fcap < j->r->max_fields ? j->fcap : j->r->max_fields;
	return 0;
}

/*
 * put() of n bytes from data, avail of which can be read. Names are
 * mostly short: for n <= 32, with 32 bytes to read and room for 32 in b,
 * one copy of a fixed 32 bytes (a few vector moves, no call) beats a call
 * to memcpy, whose branches on n mispredict as names of every length
 * follow one another. The bytes past n are garbage past b->len.
 */
static inline int put_name(aud_buf *b, const void *data, size_t n, size_t avail)
{
	if (n <= 32 && avail >= 32 && b->cap - b->len >= 32) {
		memcpy(b->p + b->len, data, 32);
		b->len += n;
		return 0;
	}
	return put(b, data, n);
}

/*
 * Adds a field named by the current path, or by kn[0..kl) when kn is not
 * NULL: a top-level key without escapes, whose bytes in the line are the
 * name. Its bytes are still counted in the arena (the arena's length is
 * advanced over them unwritten), so that the arena's limit is met by the
 * same records as when every name was copied there. value is in the
 * line, or in the arena at voff when in_arena.
 *
 * The name and value pointers are set from the arena as it is now; when
 * the arena grows later in the line, process() sets them again from the
 * offsets kept in fx.
 */
static inline int add_field(jsonl *j, aud_valtype type, const char *value,
			    size_t voff, size_t len, int in_arena, uint64_t off,
			    int exact, const unsigned char *kn, size_t kl)
{
	aud_buf *a = &j->arena;
	aud_field *f;
	fx *x;
	int rc;

	if (j->nf >= j->froom && (rc = grow_fields(j)))
		return rc;
	f = &j->fields[j->nf];
	x = &j->fx[j->nf];
	x->name_off = a->len;
	x->val_off = voff;
	x->val_in_arena = (unsigned char)in_arena;
	if (kn) {
		if (a->cap - a->len < kl && (rc = aud_buf_reserve(a, kl)))
			return buf_fail(j, rc, "size");
		a->len += kl;
		x->name_in_arena = 0;
		f->name = (const char *)kn;
		f->name_len = kl;
	} else {
		if ((rc = put_name(a, j->path.p, j->path.len, j->path.cap)))
			return buf_fail(j, rc, "size");
		x->name_in_arena = 1;
		f->name = a->p + x->name_off;
		f->name_len = j->path.len;
	}
	f->value = in_arena ? a->p + voff : value;
	f->value_len = len;
	f->offset = off;
	f->type = type;
	f->raw_exact = (unsigned char)exact;
	j->nf++;
	return 0;
}

/* Sets the path to the name of element `index` of the array whose own
 * name ends at base. */
static int path_index(jsonl *j, size_t base, size_t index)
{
	char b[24];
	size_t k = sizeof b;

	b[--k] = ']';
	do {
		b[--k] = (char)('0' + index % 10);
		index /= 10;
	} while (index);
	b[--k] = '[';
	j->path.len = base;
	return put(&j->path, b + k, sizeof b - k);
}

/* Doubles the stack, up to MAX_DEPTH frames. */
static int grow_stack(jsonl *j)
{
	size_t cap = j->stk_cap * 2;
	frame *p;

	if (cap > MAX_DEPTH)
		cap = MAX_DEPTH;
	p = realloc(j->stk, cap * sizeof *p);
	if (!p)
		return AUD_ENOMEM;
	j->stk = p;
	j->stk_cap = cap;
	return 0;
}

/*
 * Parses and flattens one line s[0..n) whose first byte is at stream
 * offset base. Returns 0, J_BAD (epos, emsg set), J_LIMIT (emsg set) or
 * AUD_ENOMEM.
 *
 * Each place in the grammar is a label and each step a goto, rather than
 * a loop over a state variable: every branch then has a place of its own
 * in the code, which the CPU's predictor learns from the shape of the
 * records (after a key's ':' comes a ' ', the third value is a number),
 * where one shared switch would mispredict. in_obj is the kind of the
 * innermost container, kept out of memory.
 */
static int parse(jsonl *j, const unsigned char *s, size_t n, uint64_t base)
{
	size_t p, depth = 0, vp, kl = 0;
	const unsigned char *kn = NULL;
	frame *top;
	jstr str;
	int rc, in_obj;

	j->nf = 0;
	j->arena.len = 0;
	j->path.len = 0;
	p = skip_ws(s, n, 0);
	if (p >= n || s[p] != '{') {
		j->epos = p;
		/* a JSON array read as JSON Lines (named .jsonl, or with
		 * --format jsonl): say what would make it JSON Lines */
		snprintf(j->emsg, sizeof j->emsg, "%s is not a JSON object%s",
			 unit(j),
			 p < n && s[p] == '[' && j->astate == A_LINES
				 ? " (JSON Lines holds one object per line; "
				   "a JSON array becomes that with "
				   "jq -c '.[]')"
				 : "");
		return J_BAD;
	}
	top = &j->stk[depth++];
	top->kind = K_OBJ;
	top->base = 0;
	in_obj = 1;
	p++;
obj_first:
	p = skip_ws(s, n, p);
	if (p < n && s[p] == '}') {
		p++;
		goto close;
	}
	if (p >= n || s[p] != '"')
		return bad(j, s, n, p, "a key or '}'");
	goto key;
obj_key:
	p = skip_ws(s, n, p);
	if (p >= n || s[p] != '"')
		return bad(j, s, n, p, "a key");
key:
	p++;
	j->key.len = 0;
	if ((rc = parse_string(j, s, n, p, &j->key, &str)))
		return rc;
	p = str.end;
	if (!str.in_buf && !top->base) {
		/* Named by its bytes in the line (see add_field); only a
		 * container copies the key into the path, for the names of
		 * its members. A key of at most a line cannot pass the path's
		 * limit. */
		kn = (const unsigned char *)str.ptr;
		kl = str.len;
	} else {
		if (str.in_buf)
			str.ptr = j->key.p + str.off;
		kn = NULL;
		j->path.len = top->base;
		if ((top->base && (rc = put(&j->path, ".", 1))) ||
		    (rc = put_name(
			 &j->path, str.ptr, str.len,
			 str.in_buf ? j->key.cap - str.off
				    : n - (size_t)(str.ptr - (const char *)s))))
			return buf_fail(j, rc, "name");
	}
	p = skip_ws(s, n, p);
	if (p >= n || s[p] != ':')
		return bad(j, s, n, p, "':'");
	p++;
value:
	p = skip_ws(s, n, p);
	if (p >= n)
		return bad(j, s, n, p, "a value");
	vp = p;
	if (s[p] == '"') {
		if ((rc = parse_string(j, s, n, p + 1, &j->arena, &str)) ||
		    (rc = add_field(j, AUD_VAL_STRING, str.ptr, str.off,
				    str.len, str.in_buf, base + vp + 1,
				    !str.in_buf, kn, kl)))
			return rc;
		p = str.end;
		goto after;
	}
	switch (s[p]) {
	case '{':
	case '[':
		if (depth >= MAX_DEPTH)
			return bad_msg(j, p, "nesting deeper than 1000 levels");
		if (depth == j->stk_cap && grow_stack(j))
			return AUD_ENOMEM;
		if (kn) {
			j->path.len = 0;
			if ((rc = put(&j->path, kn, kl)))
				return buf_fail(j, rc, "name");
			kn = NULL;
		}
		top = &j->stk[depth++];
		in_obj = s[p] == '{';
		top->kind = in_obj ? K_OBJ : K_ARR;
		top->base = j->path.len;
		top->index = 0;
		p++;
		if (in_obj)
			goto obj_first;
		goto arr_first;
	case 't':
		if (!(p = parse_literal(j, s, n, p, "true")))
			return J_BAD;
		rc = add_field(j, AUD_VAL_BOOL, "true", 0, 4, 0, base + vp, 1,
			       kn, kl);
		break;
	case 'f':
		if (!(p = parse_literal(j, s, n, p, "false")))
			return J_BAD;
		rc = add_field(j, AUD_VAL_BOOL, "false", 0, 5, 0, base + vp, 1,
			       kn, kl);
		break;
	case 'n':
		if (!(p = parse_literal(j, s, n, p, "null")))
			return J_BAD;
		rc = add_field(j, AUD_VAL_NULL, "", 0, 0, 0, base + vp, 1, kn,
			       kl);
		break;
	case '-':
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
	case '6':
	case '7':
	case '8':
	case '9':
		if (!(p = parse_number(j, s, n, p)))
			return J_BAD;
		rc = add_field(j, AUD_VAL_NUMBER, (const char *)s + vp, 0,
			       p - vp, 0, base + vp, 1, kn, kl);
		break;
	default:
		return bad(j, s, n, p, "a value");
	}
	if (rc)
		return rc;
after:
	p = skip_ws(s, n, p);
	if (in_obj) {
		if (p < n && s[p] == ',') {
			p++;
			goto obj_key;
		}
		if (p < n && s[p] == '}') {
			p++;
			goto close;
		}
		return bad(j, s, n, p, "',' or '}'");
	}
	if (p < n && s[p] == ',') {
		p++;
		top->index++;
		kn = NULL;
		if ((rc = path_index(j, top->base, top->index)))
			return buf_fail(j, rc, "name");
		goto value;
	}
	if (p < n && s[p] == ']') {
		p++;
		goto close;
	}
	return bad(j, s, n, p, "',' or ']'");
arr_first:
	p = skip_ws(s, n, p);
	if (p < n && s[p] == ']') {
		p++;
		goto close;
	}
	kn = NULL;
	if ((rc = path_index(j, top->base, 0)))
		return buf_fail(j, rc, "name");
	goto value;
close:
	if (--depth > 0) {
		top = &j->stk[depth - 1];
		in_obj = top->kind == K_OBJ;
		goto after;
	}
	p = skip_ws(s, n, p);
	if (p < n) {
		char w[40];

		snprintf(w, sizeof w, "end of %s after the object", unit(j));
		return bad(j, s, n, p, w);
	}
	return 0;
}

/* Gives the line's raw text as the one field "(unparsed)". */
static int emit_unparsed(jsonl *j, aud_record *rec, const char *s, size_t n)
{
	aud_field f = {"(unparsed)", 10, s, n, j->line_off, AUD_VAL_STRING, 1};

	rec->fields = &f;
	rec->nfields = 1;
	rec->flags |= AUD_REC_UNPARSED;
	return aud_reader_emit(j->r, rec);
}

/* One whole line s[0..n), ending in '\n' when eol. */
static int process(jsonl *j, const char *s, size_t n, int eol, aud_err *err)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = n - (eol ? 1 : 0), i, cap = j->arena.cap;
	aud_record rec;
	aud_reader *r = j->r;
	int rc;

	if (len && s[len - 1] == '\r')
		len--;
	if (skip_ws(u, len, 0) == len)
		return 0; /* blank: not a record */
	j->recno++;
	rec.number = j->recno;
	rec.line = j->line_no;
	rec.offset = j->line_off;
	rec.length = n;
	j->simd = r->simd;
	j->mapped = make_map(j, u, len);
	rc = parse(j, u, len, j->line_off);
	/* A line that parsed has no NUL (JSON allows none), and the map saw
	 * every byte: when none had its high bit set, it is ASCII, and
	 * there is no bad byte to look for. The problems of bad bytes still
	 * come before those of the parse, which reports none itself. */
	rec.flags = 0;
	if (rc || !j->mapped)
		rec.flags = aud_reader_check_bytes(r, s, len, j->line_off,
						   j->recno, j->line_no);
	else if (j->hi)
		rec.flags = aud_reader_check_utf8(r, s, len, j->line_off,
						  j->recno, j->line_no);
	if (rc == J_BAD) {
		aud_reader_problem(r, AUD_EFORMAT, j->recno, j->line_no,
				   j->line_off + j->epos, "%s", j->emsg);
		return emit_unparsed(j, &rec, s, len);
	}
	if (rc == J_LIMIT) {
		aud_reader_problem(r, AUD_ELIMIT, j->recno, j->line_no,
				   j->line_off, "%s", j->emsg);
		return emit_unparsed(j, &rec, s, len);
	}
	if (rc) {
		aud_err_place(err, j->recno, j->line_no, j->line_off);
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	}
	/* The arena grew, and may have moved, since add_field pointed into
	 * it (it never shrinks, so this is rare). */
	if (j->arena.cap != cap) {
		for (i = 0; i < j->nf; i++) {
			if (j->fx[i].name_in_arena)
				j->fields[i].name =
				    j->arena.p + j->fx[i].name_off;
			if (j->fx[i].val_in_arena)
				j->fields[i].value =
				    j->arena.p + j->fx[i].val_off;
		}
	}
	rec.fields = j->fields;
	rec.nfields = j->nf;
	return aud_reader_emit(r, &rec);
}

/* A line over the limit: reported, numbered, never buffered. */
static void too_long(jsonl *j)
{
	j->recno++;
	aud_reader_problem(j->r, AUD_ELIMIT, j->recno, j->line_no, j->line_off,
			   "record exceeds --max-record-bytes (%zu)",
			   j->r->max_record_bytes);
}

static int lines_feed(aud_reader *r, const char *data, size_t len,
		      aud_err *err)
{
	jsonl *j = r->impl;
	const char *nl;
	size_t k, max = r->max_record_bytes;
	int rc = 0;

	while (len) {
		nl = memchr(data, '\n', len);
		if (j->skipping) {
			if (!nl) {
				r->pos += len;
				r->partial = 1;
				return 0;
			}
			k = (size_t)(nl - data) + 1;
			j->skipping = 0;
			r->skipped++; /* (its number counts once it ended) */
		} else {
			if (j->at_start) {
				j->line_off = r->pos;
				j->line_no = r->lines + 1;
				j->at_start = 0;
				j->line.len = 0;
			}
			if (!nl) {
				if (j->line.len + len > max) {
					too_long(j);
					j->skipping = 1;
					j->line.len = 0;
				} else if (aud_buf_append(&j->line, data,
							  len)) {
					return aud_err_set(err, AUD_ENOMEM,
							   "out of memory");
				}
				r->pos += len;
				r->partial = 1;
				return 0;
			}
			k = (size_t)(nl - data) + 1;
			if (j->line.len + k > max) {
				too_long(j);
				r->skipped++;
			} else if (j->line.len == 0) {
				rc = process(j, data, k, 1, err);
			} else if (aud_buf_append(&j->line, data, k)) {
				return aud_err_set(err, AUD_ENOMEM,
						   "out of memory");
			} else {
				rc = process(j, j->line.p, j->line.len, 1, err);
			}
			j->line.len = 0;
		}
		r->pos += k;
		r->lines++;
		r->partial = 0;
		j->at_start = 1;
		if (rc)
			return rc;
		data += k;
		len -= k;
	}
	return 0;
}

/* ---- JSON arrays ---------------------------------------------------- */

/* Bytes the element scan stops at (the rest it passes 8 at a time). */
/* clang-format off */
static const unsigned char a_stop[256] = {
	['"'] = 1, ['\\'] = 1, ['{'] = 1, ['['] = 1, ['}'] = 1, [']'] = 1,
	[','] = 1, ['\n'] = 1};
/* clang-format on */

/* The first place from i on where s[0..n) holds a '"', a '\\' or a
 * control byte (a line end among them), n if none: a line's stops
 * (stops16), 16 bytes a step when simd, else byte by byte. For the
 * strings of arrays, where prose is long and the loop below would stop at
 * every ',' in it. */
static size_t string_next(const unsigned char *s, size_t i, size_t n, int simd)
{
#if HAVE_X86
	if (simd)
		for (; i + 16 <= n; i += 16) {
			unsigned m = stops16(_mm_loadu_si128(
			    (const __m128i *)(const void *)(s + i)));

			if (m)
				return i + (size_t)__builtin_ctz(m);
		}
#else
	(void)simd;
#endif
	while (i < n && s[i] != '"' && s[i] != '\\' && s[i] >= 0x20)
		i++;
	return i;
}

/* Inside an array's element, the next byte from i on that may change
 * where the element ends or is a line end (n if none): in a string a
 * string_next stop; outside one any a_stop byte. */
static size_t elem_next(const unsigned char *s, size_t i, size_t n, int ins,
			int simd)
{
	if (ins)
		return string_next(s, i, n, simd);
	while (i + 8 <= n && !a_stop[s[i]] && !a_stop[s[i + 1]] &&
	       !a_stop[s[i + 2]] && !a_stop[s[i + 3]] && !a_stop[s[i + 4]] &&
	       !a_stop[s[i + 5]] && !a_stop[s[i + 6]] && !a_stop[s[i + 7]])
		i += 8;
	while (i < n && !a_stop[s[i]])
		i++;
	return i;
}

/* What byte c (not after a backslash) does inside an array's element:
 * strings open and close, containers nest; returns 1 when it ends the
 * element (a ',' or ']' outside strings and nested containers). One
 * function for array_feed and aud_json_cut, which must agree byte for
 * byte. */
static inline int elem_byte(unsigned char c, int *ins, int *esc, size_t *depth)
{
	if (*ins) {
		if (c == '\\')
			*esc = 1;
		else if (c == '"')
			*ins = 0;
	} else if (c == '"') {
		*ins = 1;
	} else if (c == '{' || c == '[') {
		++*depth;
	} else if ((c == '}' || c == ']') && *depth) {
		--*depth;
	} else if (*depth == 0 && (c == ',' || c == ']')) {
		return 1;
	}
	return 0;
}

/* The element s[0..n) (its white space after it left out) as a record. */
static int array_element(jsonl *j, const char *s, size_t n, aud_err *err)
{
	while (n && ws_byte[(unsigned char)s[n - 1]])
		n--;
	return process(j, s, n, 0, err);
}

/* Keeps data[from, i) of the element being read for its next chunk, or
 * gives up keeping it past max_record_bytes (reported once). */
static int array_keep(jsonl *j, const char *data, size_t from, size_t i,
		      aud_err *err)
{
	if (j->askip)
		return 0;
	if (j->line.len + (i - from) > j->r->max_record_bytes) {
		too_long(j);
		j->askip = 1;
		j->line.len = 0;
		return 0;
	}
	if (aud_buf_append(&j->line, data + from, i - from))
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	return 0;
}

/* Ends the element being read at byte i of data (the ',' or ']' after
 * it): the record, from the chunk when it lies there whole. */
static int array_end_element(jsonl *j, const char *data, size_t from,
			     size_t i, aud_err *err)
{
	int rc;

	if (!j->askip && j->line.len == 0 &&
	    i - from <= j->r->max_record_bytes)
		rc = array_element(j, data + from, i - from, err);
	else if (!(rc = array_keep(j, data, from, i, err)) && !j->askip)
		rc = array_element(j, j->line.p, j->line.len, err);
	j->r->skipped += j->askip != 0;
	j->askip = 0;
	j->line.len = 0;
	return rc;
}

/*
 * A JSON array's bytes: white space, '[', then elements separated by ','
 * up to ']'. An element ends at the first ',' or ']' outside its strings
 * and nested containers; what it is (an object, anything else, broken
 * JSON) is for process() to say, as for a line. Bytes after the closing
 * ']' other than white space are reported and read as JSON Lines, and so
 * is an input that does not start with '[': nothing goes unread.
 */
static int array_feed(aud_reader *r, const char *data, size_t len,
		      aud_err *err)
{
	jsonl *j = r->impl;
	const unsigned char *u = (const unsigned char *)data;
	size_t i = 0, from = 0;
	int rc = 0;

	while (i < len) {
		unsigned char c = u[i];

		switch (j->astate) {
		case A_START:
		case A_ELEM:
		case A_END:
			if (c == '\n') {
				r->lines++;
				i++;
				continue;
			}
			if (ws_byte[c]) {
				i++;
				continue;
			}
			if (j->astate == A_START && c == '[') {
				j->astate = A_ELEM;
				j->acomma = 0;
				i++;
				continue;
			}
			if (j->astate == A_ELEM && c == ']') {
				if (j->acomma)
					aud_reader_problem(
					    r, AUD_EFORMAT, j->recno + 1,
					    r->lines + 1, r->pos + i,
					    "invalid JSON: unexpected ']' "
					    "after ',' (expected a value)");
				j->astate = A_END;
				i++;
				continue;
			}
			if (j->astate == A_ELEM && c == ',') {
				aud_reader_problem(r, AUD_EFORMAT,
						   j->recno + 1, r->lines + 1,
						   r->pos + i,
						   "invalid JSON: unexpected ',' "
						   "(expected a value)");
				i++;
				continue;
			}
			if (j->astate != A_ELEM) {
				aud_reader_problem(
				    r, AUD_EFORMAT, j->recno + 1, r->lines + 1,
				    r->pos + i,
				    j->astate == A_START
					? "not a JSON array: read as JSON Lines"
					: "data after the end of the JSON "
					  "array: read as JSON Lines");
				j->astate = A_LINES;
				j->at_start = 1;
				r->pos += i;
				r->partial = 1;
				return lines_feed(r, data + i, len - i, err);
			}
			/* an element starts */
			j->astate = A_IN;
			j->line_off = r->pos + i;
			j->line_no = r->lines + 1;
			j->line.len = 0;
			j->askip = 0;
			j->adepth = 0;
			j->ains = j->aesc = 0;
			from = i;
			continue;
		case A_IN:
			if (j->aesc) { /* the byte after a backslash */
				if (c == '\n')
					r->lines++;
				j->aesc = 0;
				i++;
				continue;
			}
			i = elem_next(u, i, len, j->ains, r->simd);
			if (i == len)
				break;
			c = u[i];
			if (c == '\n')
				r->lines++;
			if (elem_byte(c, &j->ains, &j->aesc, &j->adepth)) {
				if ((rc = array_end_element(j, data, from, i,
							    err)))
					goto out;
				j->astate = c == ',' ? A_ELEM : A_END;
				j->acomma = c == ',';
			}
			i++;
			continue;
		}
	}
	if (j->astate == A_IN)
		rc = array_keep(j, data, from, len, err);
out:
	r->pos += len;
	r->partial = len && data[len - 1] != '\n';
	return rc;
}

int aud_reader_jsonl_feed(aud_reader *r, const char *data, size_t len,
			  aud_err *err)
{
	jsonl *j = r->impl;

	return j->astate == A_LINES ? lines_feed(r, data, len, err)
				    : array_feed(r, data, len, err);
}

int aud_reader_jsonl_finish(aud_reader *r, aud_err *err)
{
	jsonl *j = r->impl;
	int rc = 0;

	if (j->astate != A_LINES) {
		if (j->astate == A_IN && !j->askip)
			rc = array_element(j, j->line.p, j->line.len, err);
		r->skipped += j->astate == A_IN && j->askip;
		if (rc == 0 && (j->astate == A_IN || j->astate == A_ELEM))
			aud_reader_problem(r, AUD_EFORMAT, j->recno,
					   r->lines + (r->partial ? 1 : 0),
					   r->pos,
					   "invalid JSON: the input ends inside "
					   "the JSON array (no closing ']')");
		j->line.len = 0;
		j->astate = A_END;
		return rc;
	}
	if (!j->skipping && !j->at_start && j->line.len > 0)
		rc = process(j, j->line.p, j->line.len, 0, err);
	r->skipped += j->skipping != 0;
	j->line.len = 0;
	j->at_start = 1;
	j->skipping = 0;
	return rc;
}

/* A reader of an array from right after a ',' that ended an element
 * (aud_json_cut's cut): the next element, or a problem, comes next. */
void aud_reader_jsonl_continue(aud_reader *r)
{
	jsonl *j = r->impl;

	if (j->astate == A_START) {
		j->astate = A_ELEM;
		j->acomma = 1;
	}
}

void aud_json_cut_init(aud_json_cut *k)
{
	memset(k, 0, sizeof *k);
	k->state = A_START;
}

/*
 * array_feed's states over buf[0..n), without the records: the same
 * transitions, byte for byte (elem_byte inside elements), so a cut lies
 * exactly where the reader of the whole input ends an element at a ','.
 * A stray ',' (reported by the reader, ending no element) is no cut; past
 * the closing ']', or once the input proves not to be an array (read as
 * JSON Lines), nothing is.
 */
size_t aud_json_cut_feed(aud_json_cut *k, const char *buf, size_t n)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t i = 0, cut = 0;

	/* as aud_reader_feed: a whole mark is skipped; a part of one is
	 * data, and no '[' */
	while (k->fed < 3 && i < n) {
		if (s[i] != (unsigned char)"\xEF\xBB\xBF"[k->fed]) {
			if (k->fed)
				k->state = A_LINES;
			k->fed = 3;
			break;
		}
		k->fed++;
		i++;
	}
	while (i < n && (k->state == A_START || k->state == A_ELEM ||
			 k->state == A_IN)) {
		unsigned char c = s[i];

		if (k->state != A_IN) {
			if (ws_byte[c] || (k->state == A_ELEM && c == ',')) {
				i++;
			} else if (k->state == A_START) {
				k->state = c == '[' ? A_ELEM : A_LINES;
				i++;
			} else if (c == ']') {
				k->state = A_END;
			} else { /* an element starts at c */
				k->state = A_IN;
				k->depth = 0;
				k->ins = k->esc = 0;
			}
			continue;
		}
		if (k->esc) {
			k->esc = 0;
			i++;
			continue;
		}
		i = elem_next(s, i, n, k->ins, 1);
		if (i == n)
			break;
		c = s[i++];
		if (elem_byte(c, &k->ins, &k->esc, &k->depth)) {
			k->state = c == ',' ? A_ELEM : A_END;
			if (c == ',')
				cut = i;
		}
	}
	return cut;
}

int aud_reader_jsonl_new(aud_reader *r, aud_err *err)
{
	jsonl *j = calloc(1, sizeof *j);
	size_t max = r->max_record_bytes;

	if (j)
		j->stk = malloc(32 * sizeof *j->stk);
	if (!j || !j->stk) {
		free(j);
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	}
	j->r = r;
	j->at_start = 1;
	j->astate = r->format == AUD_FMT_JSON ? A_START : A_LINES;
	j->stk_cap = 32;
	j->line.max = max;
	j->key.max = max;
	/* A name is at most the keys of the line plus the separators and
	 * indexes of 1000 levels; names and values of one line together
	 * are capped at four times the line limit. */
	j->path.max = max + MAX_DEPTH * 24;
	j->arena.max = max > SIZE_MAX / 4 ? SIZE_MAX : max * 4;
	/* add_field points into the arena: it must never be NULL. */
	if (aud_buf_reserve(&j->arena, 1)) {
		free(j->stk);
		free(j);
		return aud_err_set(err, AUD_ENOMEM, "out of memory");
	}
	r->impl = j;
	return 0;
}

void aud_reader_jsonl_free(aud_reader *r)
{
	jsonl *j = r ? r->impl : NULL;

	if (!j)
		return;
	aud_buf_free(&j->line);
	aud_buf_free(&j->path);
	aud_buf_free(&j->arena);
	aud_buf_free(&j->key);
	free(j->stk);
	free(j->fields);
	free(j->fx);
	free(j->bits);
	free(j);
	r->impl = NULL;
}
