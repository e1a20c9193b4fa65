/*
 * walk.h: expands the inputs a user names (files, directories, "-") into
 * the ordered list of inputs to scan. Directories are walked recursively in
 * name order; symbolic links are followed, but a directory already on the
 * current path (a link loop) is reported, not entered again.
 */
#ifndef AUDITOR_WALK_H
#define AUDITOR_WALK_H

#include "auditor/common.h"

#include <stddef.h>

typedef struct aud_input {
	char *path;  /* as given, or joined with '/' below a directory */
	char *error; /* NULL, or why it cannot be scanned (unreadable
			folder, loop, missing) */
} aud_input;

typedef struct aud_inputs {
	aud_input *v;
	size_t n, cap;
	size_t skipped;      /* regular files in folders left out by the
				default include list (not by --include) */
	char *first_skipped; /* the first of them, for the message */
} aud_inputs;

typedef struct aud_walk_opts {
	const char *const *include; /* globs; in folders, only files matching
				       one are kept (default: data files by
				       extension, see walk.c) */
	size_t ninclude;
	const char *const *exclude; /* globs: files and folders to skip */
	size_t nexclude;
} aud_walk_opts;

/* Appends the expansion of path to out. Named files are always kept (unless
 * excluded); inside folders the include globs apply and hidden entries
 * (".name") are skipped. Problems become entries with error set, so the
 * caller can report them in order. Returns 0 or AUD_ENOMEM. */
int aud_walk(aud_inputs *out, const char *path, const aud_walk_opts *opts,
	     aud_err *err);

/* Does name (a path) match glob? Tried against the whole path and against
 * its last component, with fnmatch(3) without FNM_PATHNAME. */
int aud_walk_glob_match(const char *glob, const char *path);

/* Keeps the index-th of count slices of in: the inputs sorted by path,
 * every count-th from position index. The slice depends only on the set of
 * paths, not on the order they were given, so count tasks given the same
 * arguments cover every input exactly once. 0 <= index < count. */
void aud_inputs_shard(aud_inputs *in, size_t index, size_t count);

void aud_inputs_free(aud_inputs *in);

#endif
