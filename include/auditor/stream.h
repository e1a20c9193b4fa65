/*
 * stream.h: one input, from its path to records, with the fault handling
 * of `auditor scan`: the decoder (gzip, zstd, plain, stdin), the format
 * from the name or the first bytes, the reader, and what happens when any
 * of them fails (records before a decoder fault are still given, the cut
 * last record too; the raw bytes are drained so the SHA-256 covers the
 * whole file; a file that changed while read is a problem). For commands
 * other than scan that read records (overlap); the caller stores.
 */
#ifndef AUDITOR_STREAM_H
#define AUDITOR_STREAM_H

#include "auditor/common.h"
#include "auditor/decode.h"
#include "auditor/reader.h"

#include <signal.h>
#include <stdint.h>

typedef struct aud_stream_opts {
	aud_format format;          /* AUTO: by name, else by sniffing */
	char delimiter;             /* 0: by name (.tsv tab) else ',' */
	size_t max_record_bytes;    /* 0: 16 MiB */
	uint64_t max_decoded_bytes; /* 0: none */
	double max_ratio;           /* decompression ratio guard, 0: none */
	/* Set non-zero (by a signal handler) to stop at the next chunk. */
	const atomic_int *stop;
	/* Called after every decoded chunk with the decoder and reader (for
	 * a progress line). NULL: none. */
	void (*chunk)(void *ctx, const aud_decoder *d, const aud_reader *r);
} aud_stream_opts;

typedef struct aud_stream_result {
	int failed;      /* the input ended early or could not be read */
	int empty;       /* it held no bytes (a warning, not a failure) */
	int stopped;     /* opts->stop ended it */
	aud_err fail;    /* why it failed or is empty, with the place */
	aud_format format;
	aud_compression compression;
	int known;       /* the decoder opened: compression, sizes known */
	uint64_t records, bytes_decoded, raw_bytes;
	int64_t size_bytes; /* fstat size, else raw bytes read */
	char sha256[65];    /* "" unless the whole file was read */
} aud_stream_result;

/*
 * Reads the input at path ("-" is stdin) and calls record_fn for every
 * record and problem_fn for every per-record problem (and for "file grew
 * while being read"), both with ctx. Fills res. Returns 0 when the input
 * was dealt with (it may still have failed: see res), or the non-zero
 * value record_fn returned to stop (then res->failed is not set for it).
 */
int aud_stream_input(const char *path, const aud_stream_opts *o,
		     aud_record_fn record_fn, aud_problem_fn problem_fn,
		     void *ctx, aud_stream_result *res);

#endif
