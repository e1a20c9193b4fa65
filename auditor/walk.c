/*
 * walk.c: turns the paths on the command line into the list of inputs.
 * Directory entries are sorted so that a scan, and a slice of it, is the
 * same on every machine. Loops through symbolic links are caught by keeping
 * the (device, inode) of each directory on the current path. What cannot be
 * read becomes an input with an error, so the scan reports it in place and
 * goes on with the rest.
 */
#include "auditor/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Data files kept by default inside folders when no --include is given. */
static const char *const default_include[] = {
	"*.csv",      "*.tsv",      "*.jsonl",      "*.ndjson",   "*.json",
	"*.csv.gz",   "*.tsv.gz",   "*.jsonl.gz",   "*.ndjson.gz", "*.json.gz",
	"*.csv.zst",  "*.tsv.zst",  "*.jsonl.zst",  "*.ndjson.zst", "*.json.zst",
	"*.csv.zstd", "*.jsonl.zstd", "*.gz", "*.zst",
};

typedef struct dirstack {
	dev_t dev;
	ino_t ino;
	const struct dirstack *up;
} dirstack;

int aud_walk_glob_match(const char *glob, const char *path)
{
	const char *base = strrchr(path, '/');

	if (fnmatch(glob, path, 0) == 0)
		return 1;
	return base && fnmatch(glob, base + 1, 0) == 0;
}

static int any_match(const char *const *globs, size_t n, const char *path)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (aud_walk_glob_match(globs[i], path))
			return 1;
	return 0;
}

static int push(aud_inputs *out, const char *path, const char *error)
{
	aud_input *in;

	if (out->n == out->cap) {
		size_t ncap = out->cap ? out->cap * 2 : 16;
		aud_input *nv = realloc(out->v, ncap * sizeof *nv);
		if (!nv)
			return AUD_ENOMEM;
		out->v = nv;
		out->cap = ncap;
	}
	in = &out->v[out->n];
	in->path = strdup(path);
	in->error = error ? strdup(error) : NULL;
	if (!in->path || (error && !in->error)) {
		free(in->path);
		free(in->error);
		return AUD_ENOMEM;
	}
	out->n++;
	return AUD_OK;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_dir(aud_inputs *out, const char *path, const struct stat *st,
		    const aud_walk_opts *o, const dirstack *up, int depth);

static int walk_entry(aud_inputs *out, const char *path, const aud_walk_opts *o,
		      const dirstack *up, int depth, int named)
{
	struct stat st;
	char msg[256];

	if (o->nexclude && any_match(o->exclude, o->nexclude, path))
		return AUD_OK;
	if (strcmp(path, "-") == 0)
		return push(out, path, NULL);
	if (stat(path, &st) != 0) {
		snprintf(msg, sizeof msg, "cannot open: %s", strerror(errno));
		return push(out, path, msg);
	}
	if (S_ISDIR(st.st_mode))
		return walk_dir(out, path, &st, o, up, depth);
	if (!named) {
		if (!S_ISREG(st.st_mode))
			return AUD_OK; /* sockets, fifos found in folders */
		if (o->ninclude)
			return any_match(o->include, o->ninclude, path)
				       ? push(out, path, NULL)
				       : AUD_OK;
		if (!any_match(default_include,
			       sizeof default_include /
				       sizeof *default_include,
			       path)) {
			/* Said to the user, so no file is skipped
			 * silently. */
			out->skipped++;
			if (!out->first_skipped &&
			    !(out->first_skipped = strdup(path)))
				return AUD_ENOMEM;
			return AUD_OK;
		}
	}
	return push(out, path, NULL);
}

static int walk_dir(aud_inputs *out, const char *path, const struct stat *st,
		    const aud_walk_opts *o, const dirstack *up, int depth)
{
	const dirstack *s;
	dirstack here = {st->st_dev, st->st_ino, up};
	DIR *d;
	struct dirent *e;
	char **names = NULL, **nn;
	size_t n = 0, cap = 0, i;
	int rc = AUD_OK;
	char msg[256];

	for (s = up; s; s = s->up)
		if (s->dev == st->st_dev && s->ino == st->st_ino)
			return push(out, path,
				    "folder loop (a symbolic link leads back "
				    "to a folder above it): not entered again");
	if (depth > 256)
		return push(out, path, "folders nested deeper than 256 levels");
	d = opendir(path);
	if (!d) {
		snprintf(msg, sizeof msg, "cannot read folder: %s",
			 strerror(errno));
		return push(out, path, msg);
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue; /* ., .., and hidden entries */
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			nn = realloc(names, cap * sizeof *names);
			if (!nn) {
				rc = AUD_ENOMEM;
				goto done;
			}
			names = nn;
		}
		names[n] = malloc(strlen(path) + strlen(e->d_name) + 2);
		if (!names[n]) {
			rc = AUD_ENOMEM;
			goto done;
		}
		sprintf(names[n], "%s%s%s", path,
			path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
		n++;
	}
	qsort(names, n, sizeof *names, cmp_names);
	for (i = 0; i < n && rc == AUD_OK; i++)
		rc = walk_entry(out, names[i], o, &here, depth + 1, 0);
done:
	closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int aud_walk(aud_inputs *out, const char *path, const aud_walk_opts *opts,
	     aud_err *err)
{
	static const aud_walk_opts none;
	int rc = walk_entry(out, path, opts ? opts : &none, NULL, 0, 1);

	if (rc)
		return aud_err_set(err, rc, "out of memory listing inputs");
	return AUD_OK;
}

static int cmp_input(const void *a, const void *b)
{
	const aud_input *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	/* The same path twice: keep the given order (stable). */
	return c ? c : (x < y ? -1 : x > y);
}

void aud_inputs_shard(aud_inputs *in, size_t index, size_t count)
{
	size_t i, n = 0;

	if (count < 2)
		return;
	qsort(in->v, in->n, sizeof *in->v, cmp_input);
	for (i = 0; i < in->n; i++) {
		if (i % count == index) {
			in->v[n++] = in->v[i];
		} else {
			free(in->v[i].path);
			free(in->v[i].error);
		}
	}
	in->n = n;
}

void aud_inputs_free(aud_inputs *in)
{
	size_t i;

	for (i = 0; i < in->n; i++) {
		free(in->v[i].path);
		free(in->v[i].error);
	}
	free(in->v);
	free(in->first_skipped);
	in->v = NULL;
	in->first_skipped = NULL;
	in->n = in->cap = in->skipped = 0;
}
