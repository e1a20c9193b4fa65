/*
 * fuzz_patterns.c: libFuzzer harness for the pattern-file parser
 * (auditor/patterns.c). The input is written to a memfd and loaded through
 * its /proc/self/fd path with aud_patterns_load, as a .pat file would be.
 * A rejected file must give AUD_EPATTERN (or AUD_ENOMEM) with a message
 * that starts "PATH:"; a loaded set is walked (every info and engine view),
 * its samples are run through the real detector with aud_patterns_test,
 * and aud_patterns_select keeps the first entry's entity. PCRE2 itself is
 * not the target, but regexes from the input do reach it, with the match
 * limits detect.c sets.
 */
#include "auditor/patterns.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_patterns: %s: %s\n", what, msg ? msg : "");
	abort();
}

static void walk(const aud_patternset *ps)
{
	size_t i, j, n = aud_patterns_count(ps);
	volatile size_t sum = 0;

	for (i = 0; i < n; i++) {
		const aud_pattern_info *pi = aud_patterns_info(ps, i);
		const aud_pattern_engine *pe = aud_patterns_engine(ps, i);

		if (!pi || !pe || !pi->id || !pi->entity || !pi->regex ||
		    !pe->code)
			fail("entry with a missing part", NULL);
		if (!(pi->confidence >= 0.0 && pi->confidence <= 1.0))
			fail("confidence outside 0..1", pi->id);
		sum += strlen(pi->id) + strlen(pi->entity) + strlen(pi->regex);
		if (pi->description)
			sum += strlen(pi->description);
		for (j = 0; j < pi->ncontext; j++)
			sum += strlen(pi->context[j]);
		for (j = 0; j < pe->nliterals; j++)
			if (pe->literal_lens[j] > 0)
				sum +=
				    (unsigned char)pe
					->literals[j][pe->literal_lens[j] - 1];
		for (j = 0; j < pe->nexclude_context; j++)
			sum += strlen(pe->exclude_context[j]);
		if (pe->window < 1 || pe->window > 65536)
			fail("window outside 1..65536", pi->id);
		if (pe->window_before > pe->window)
			fail("window-before above window", pi->id);
		if ((pe->prefilters & (1u << AUD_PF_RUN)) &&
		    (pe->run_min < 2 || pe->run_min > 1024))
			fail("run N outside 2..1024", pi->id);
		if (pe->run_max &&
		    (pe->run_max < pe->run_min || pe->run_max > 65536))
			fail("run M outside N..65536", pi->id);
		if (pe->run_nwith > AUD_RUN_WITH_MAX)
			fail("more than 4 run 'with' parts", pi->id);
		for (j = 0; j < pe->run_nwith && j < AUD_RUN_WITH_MAX; j++) {
			size_t b;

			if (pe->run_with[j].min < 1 ||
			    (pe->run_max && pe->run_with[j].min > pe->run_max))
				fail("run 'with' K outside 1..M", pi->id);
			for (b = 0; b < 32; b++)
				if (pe->run_with[j].sub[b] & ~pe->run_class[b])
					fail(
					    "run 'with' byte outside the class",
					    pi->id);
		}
	}
	(void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], ent[80];
	const char *paths[1];
	aud_patternset *ps = NULL;
	aud_err err;
	size_t off = 0, checked = 0;
	int fd, rc;

	fd = memfd_create("fuzz_patterns", MFD_CLOEXEC);
	if (fd < 0)
		fail("memfd_create", NULL);
	while (off < size) {
		ssize_t w = write(fd, data + off, size - off);

		if (w <= 0)
			fail("write to memfd", NULL);
		off += (size_t)w;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	paths[0] = path;
	aud_err_clear(&err);
	rc = aud_patterns_load(&ps, paths, 1, &err);
	if (rc != 0) {
		if (ps)
			fail("a failed load left a set", NULL);
		if (rc != AUD_EPATTERN && rc != AUD_ENOMEM)
			fail("unexpected error code", err.msg);
		if (!memchr(err.msg, '\0', sizeof err.msg))
			fail("message not terminated", NULL);
		if (rc == AUD_EPATTERN &&
		    (strncmp(err.msg, path, strlen(path)) != 0 ||
		     err.msg[strlen(path)] != ':'))
			fail("message does not start with the path", err.msg);
		close(fd);
		return 0;
	}
	walk(ps);
	(void)aud_patterns_test(ps, &checked, &err);
	if (aud_patterns_count(ps) > 0) {
		snprintf(ent, sizeof ent, "%s",
			 aud_patterns_info(ps, 0)->entity);
		if (aud_patterns_select(ps, ent, NULL, &err) != 0)
			fail("selecting an entity the set has failed", ent);
		if (aud_patterns_count(ps) == 0)
			fail("select dropped the entity it was asked to keep",
			     ent);
		walk(ps);
	}
	aud_patterns_free(ps);
	close(fd);
	return 0;
}
