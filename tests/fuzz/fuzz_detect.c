/*
 * fuzz_detect.c: libFuzzer harness for the detector's fast paths and
 * prefilters (auditor/detect.c with the shipped patterns/). The first byte
 * picks a field name (its context words count as near every value), the
 * rest is the field value, copied to a buffer of exactly its size.
 *
 * Three detectors over the shipped set look at it: the widest vector path
 * the CPU has (AVX-512BW or AVX2), AVX2 alone (AUDITOR_NO_AVX512) and the
 * plain byte loops (AUDITOR_NO_SIMD). Their findings must be the same
 * (position, length, entry, evidence, confidence), and so must the bytes
 * their windows gave PCRE2: a vector pass that misses a literal, a digit
 * run, a run of a class or a context word shows here.
 *
 * A fourth detector has the same entries with every prefilter made "none"
 * and window-before dropped (each regex over the whole value, as
 * test_prefilters_kept builds them): its findings must be the same too, so
 * a window too narrow, a window-before that misses where a match starts, or
 * a literal, digit group or run length a match can lack loses a finding
 * here. Every match must lie within the value.
 */
#include "auditor/detect.h"
#include "auditor/patterns.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NDET 3

static aud_patternset *ps, *ps_none;
static aud_detector *det[NDET], *none;
static const char *const pathname[NDET] = {"widest", "avx2", "plain"};

/* Field names: none, plain ones, and ones holding context words of
 * several entries (so a name's context and a value's words both count). */
static const char *const names[] = {
    "", "notes", "email", "ssn", "phone_number", "password", "nino", "iban",
};

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_detect: %s: %s\n", what, detail ? detail : "");
	abort();
}

/* A detector of set s made with env set to 1 (NULL: none). */
static aud_detector *make(const aud_patternset *s, const char *env)
{
	aud_detector *d = NULL;
	aud_err err;

	if (env)
		setenv(env, "1", 1);
	aud_err_clear(&err);
	if (aud_detector_new(&d, s, &err))
		fail("cannot make a detector", err.msg);
	if (env)
		unsetenv(env);
	return d;
}

/* Copies the shipped file name into dir with each entry's first
 * "prefilter:" line made "prefilter: none", its other ones and its
 * "window-before:" dropped. */
static void none_copy(const char *dir, const char *name)
{
	char in[4096], out[4096], line[8192];
	FILE *f, *g;
	int had = 0;

	snprintf(in, sizeof in, "%s/%s", AUD_PATTERNS_DIR, name);
	snprintf(out, sizeof out, "%s/%s", dir, name);
	f = fopen(in, "rb");
	g = fopen(out, "wb");
	if (!f || !g)
		fail("cannot copy a pattern file", name);
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "id: ", 4) == 0)
			had = 0;
		if (strncmp(line, "prefilter:", 10) == 0) {
			if (!had++)
				fputs("prefilter: none\n", g);
			continue;
		}
		if (strncmp(line, "window-before:", 14) != 0)
			fputs(line, g);
	}
	fclose(f);
	if (fclose(g))
		fail("cannot write a pattern file", out);
}

/* The shipped set with every prefilter "none", loaded from copies in a
 * temporary folder, which is removed once they are loaded. */
static void load_none(void)
{
	char dir[] = "/tmp/fuzz_detect.XXXXXX", p[4200];
	const char *path = dir;
	struct dirent *e;
	aud_err err;
	DIR *dp;

	if (!mkdtemp(dir))
		fail("cannot make a temporary folder", dir);
	dp = opendir(AUD_PATTERNS_DIR);
	if (!dp)
		fail("cannot read the patterns folder", AUD_PATTERNS_DIR);
	while ((e = readdir(dp)) != NULL) {
		size_t l = strlen(e->d_name);

		if (l > 4 && strcmp(e->d_name + l - 4, ".pat") == 0)
			none_copy(dir, e->d_name);
	}
	closedir(dp);
	aud_err_clear(&err);
	if (aud_patterns_load(&ps_none, &path, 1, &err))
		fail("cannot load the copies", err.msg);
	none = make(ps_none, NULL);
	dp = opendir(dir);
	while (dp && (e = readdir(dp)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (dp)
		closedir(dp);
	rmdir(dir);
}

static void init(void)
{
	const char *path = AUD_PATTERNS_DIR;
	aud_err err;

	aud_err_clear(&err);
	if (aud_patterns_load(&ps, &path, 1, &err))
		fail("cannot load the shipped patterns", err.msg);
	det[0] = make(ps, NULL);
	det[1] = make(ps, "AUDITOR_NO_AVX512");
	det[2] = make(ps, "AUDITOR_NO_SIMD");
	load_none();
}

/* Is m (n of them) the widest path's list want (nwant)? what names the
 * other side. */
static void same_findings(const aud_match *m, int n, const aud_match *want,
			  int nwant, const char *what)
{
	int i;

	if (n != nwant) {
		fprintf(stderr, "fuzz_detect: %d findings against %d\n", n,
			nwant);
		fail("the number of findings differs from the widest path's",
		     what);
	}
	for (i = 0; i < n; i++)
		if (m[i].start != want[i].start || m[i].len != want[i].len ||
		    strcmp(m[i].pattern_id, want[i].pattern_id) != 0 ||
		    m[i].evidence != want[i].evidence ||
		    m[i].confidence != want[i].confidence) {
			fprintf(stderr,
				"fuzz_detect: %s at %zu+%zu (evidence %d, "
				"%.2f) against %s at %zu+%zu (%d, %.2f)\n",
				m[i].pattern_id, m[i].start, m[i].len,
				(int)m[i].evidence, m[i].confidence,
				want[i].pattern_id, want[i].start, want[i].len,
				(int)want[i].evidence, want[i].confidence);
			fail("a finding differs from the widest path's", what);
		}
}

/* Runs d over the value; checks every match lies within it. */
static int detect(aud_detector *d, const char *name, const char *v, size_t len,
		  const aud_match **m)
{
	aud_err err;
	int n, i;

	aud_err_clear(&err);
	n = aud_detect_field(d, name, strlen(name), v, len, m, &err);
	if (n < 0)
		fail("detector error", err.msg);
	for (i = 0; i < n; i++)
		if ((*m)[i].len == 0 || (*m)[i].start > len ||
		    (*m)[i].len > len - (*m)[i].start)
			fail("a match outside the value", (*m)[i].pattern_id);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the widest path's findings (a detector's list lives until its
	 * next call) */
	static aud_match first[4096];
	const size_t cap = sizeof first / sizeof *first;
	const aud_match *m;
	const char *name;
	char *v;
	size_t len, k;
	uint64_t wb[NDET];
	int n[NDET], nn;

	if (!ps)
		init();
	if (size == 0)
		return 0;
	name = names[data[0] % (sizeof names / sizeof *names)];
	len = size - 1;
	v = malloc(len ? len : 1);
	if (!v)
		return 0;
	if (len)
		memcpy(v, data + 1, len);
	for (k = 0; k < NDET; k++) {
		uint64_t before = aud_detector_window_bytes(det[k]);

		n[k] = detect(det[k], name, v, len, &m);
		wb[k] = aud_detector_window_bytes(det[k]) - before;
		if ((size_t)n[k] > cap)
			n[k] = (int)cap;
		if (k == 0) {
			memcpy(first, m, (size_t)n[0] * sizeof *m);
			continue;
		}
		same_findings(m, n[k], first, n[0], pathname[k]);
		if (wb[k] != wb[0])
			fail("the window bytes differ from the widest path's",
			     pathname[k]);
	}
	nn = detect(none, name, v, len, &m);
	if ((size_t)nn > cap)
		nn = (int)cap;
	same_findings(m, nn, first, n[0], "prefilter: none");
	free(v);
	return 0;
}
