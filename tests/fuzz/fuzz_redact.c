/*
 * fuzz_redact.c: libFuzzer harness for redacted copies (auditor/redact.c,
 * with pseudonym.c and encode.c, through the real reader, detector and
 * built-in patterns). The input, less its last byte, goes to a memfd read
 * as /proc/self/fd/N; the last byte picks CSV, JSONL or a JSON array, the
 * CSV delimiter, markers or pseudonyms and what happens to personal
 * columns. Promises:
 * a run returns 0 with the output in place, or a negative code with no
 * output file; and when the input was read without a problem, redacting
 * the copy again (markers, columns kept) changes nothing: the copy holds
 * nothing the detector finds above the placeholder level.
 */
#include "auditor/redact.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static aud_patternset *ps;
static aud_keyhash *kh;
static char dir[64], out1[128], out2[128];

static void fail(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_redact: %s: %s\n", what, msg ? msg : "");
	abort();
}

static void cleanup(void)
{
	unlink(out1);
	unlink(out2);
	rmdir(dir);
}

static void setup(void)
{
	const char *paths[1] = {AUD_PATTERNS_DIR};
	aud_err err;

	aud_err_clear(&err);
	snprintf(dir, sizeof dir, "/tmp/fuzz-redact-XXXXXX");
	if (!mkdtemp(dir))
		fail("mkdtemp", NULL);
	snprintf(out1, sizeof out1, "%s/one", dir);
	snprintf(out2, sizeof out2, "%s/two", dir);
	atexit(cleanup);
	if (aud_patterns_load(&ps, paths, 1, &err) ||
	    aud_keyhash_new(&kh, (const unsigned char *)"fuzz-key-0123456789",
			    19, &err))
		fail("setup", err.msg);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	size_t cap = 0, len = 0, k;

	if (!f)
		return NULL;
	do {
		if (len == cap && !(p = realloc(p, cap = cap * 2 + 4096)))
			fail("realloc", NULL);
		k = fread(p + len, 1, cap - len, f);
		len += k;
	} while (k);
	fclose(f);
	*n = len;
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = {',', '\t', ';', '|'};
	aud_redact_opts o;
	aud_redact_totals t;
	aud_err err;
	char in[64];
	struct stat sb;
	unsigned mode;
	int fd, rc;

	if (!ps)
		setup();
	if (size == 0)
		return 0;
	mode = data[size - 1];
	size--;
	fd = memfd_create("fuzz", 0);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		fail("memfd", NULL);
	snprintf(in, sizeof in, "/proc/self/fd/%d", fd);
	memset(&o, 0, sizeof o);
	o.format = !(mode & 1)	  ? AUD_FMT_CSV
		   : mode & 0x80 ? AUD_FMT_JSON /* an array, if it is one */
				 : AUD_FMT_JSONL;
	o.delimiter = delims[(mode >> 1) & 3];
	o.pseudonymize = (mode >> 3) & 1;
	o.personal = (aud_personal_mode)(((mode >> 4) & 3) % 3);
	o.max_record_bytes = mode & 0x40 ? 64 : 0;
	unlink(out1);
	aud_err_clear(&err);
	rc = aud_redact_file(in, out1, ps, kh, &o, &t, &err);
	if (rc > 0)
		fail("positive return", err.msg);
	if (rc < 0 && stat(out1, &sb) == 0)
		fail("failed, yet an output is there", err.msg);
	if (rc == 0 && stat(out1, &sb) != 0)
		fail("no output after success", NULL);
	if (rc == 0 && t.problems == 0) {
		aud_redact_totals t2;
		size_t n1 = 0, n2 = 0;
		char *a, *b;

		o.pseudonymize = 0;
		o.personal = AUD_PERSONAL_KEEP;
		o.max_record_bytes = 0; /* markers make records longer */
		unlink(out2);
		aud_err_clear(&err);
		if (aud_redact_file(out1, out2, ps, kh, &o, &t2, &err))
			fail("redacting the copy failed", err.msg);
		a = slurp(out1, &n1);
		b = slurp(out2, &n2);
		if (!a || !b || n1 != n2 || memcmp(a, b, n1) != 0) {
			fprintf(stderr, "copy:  '%.*s'\nagain: '%.*s'\n",
				(int)n1, a ? a : "", (int)n2, b ? b : "");
			fail("the copy still held findings", NULL);
		}
		free(a);
		free(b);
		aud_redact_totals_free(&t2);
	}
	aud_redact_totals_free(&t);
	close(fd);
	return 0;
}
