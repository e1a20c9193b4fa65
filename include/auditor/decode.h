/*
 * decode.h: one streaming interface over an input, whatever its
 * compression. The decoder opens a path (or "-" for stdin), hashes every raw
 * byte it reads with SHA-256, recognises gzip and zstd by their magic bytes
 * (never by name) and hands out decoded bytes.
 *
 * gzip files may hold several members (`cat a.gz b.gz`), zstd files several
 * frames; both are decoded to the end. Anything else is passed through.
 */
#ifndef AUDITOR_DECODE_H
#define AUDITOR_DECODE_H

#include "auditor/common.h"

#include <stddef.h>
#include <stdint.h>

typedef enum aud_compression {
	AUD_COMP_PLAIN = 0,
	AUD_COMP_GZIP,
	AUD_COMP_ZSTD
} aud_compression;

/* "plain", "gzip" or "zstd". Static storage. */
const char *aud_compression_name(aud_compression c);

typedef struct aud_decoder_opts {
	uint64_t max_decoded_bytes; /* 0: no limit; else AUD_ELIMIT past it */
	/* Decompression-bomb guard, 0: none. Once more than
	 * AUD_DECODER_RATIO_AFTER bytes were decoded, a read after which
	 * decoded bytes / raw bytes consumed by the codec exceeds max_ratio
	 * still returns its bytes, and every later read returns AUD_ELIMIT
	 * ("decompression ratio over N:1 after X bytes ..."). Plain input
	 * has a ratio of 1, so any max_ratio >= 1 never stops it. Deflate
	 * cannot pass about 1032:1; zstd can reach far more. */
	double max_ratio;
	/* gzip: 1 inflates with zlib even in a build with ISA-L
	 * (AUDITOR_ISAL), so that tests can compare the two; 0 takes the
	 * build's choice. The bytes, errors and counts are the same. */
	int gzip_zlib;
} aud_decoder_opts;

/* The ratio guard looks only past this many decoded bytes (1 GiB): small
 * inputs that compress very well are not bombs. */
#define AUD_DECODER_RATIO_AFTER (1ull << 30)

typedef struct aud_decoder aud_decoder;

/* Opens path ("-" is stdin) and sniffs its compression from the first raw
 * bytes. opts may be NULL. On error returns AUD_EIO (cannot open, is a
 * directory, read error) with err filled and *out set to NULL. The caller
 * frees the decoder with aud_decoder_close. An empty file opens fine and
 * reads as 0 bytes (the caller decides what an empty input means). */
int aud_decoder_open(aud_decoder **out, const char *path,
		     const aud_decoder_opts *opts, aud_err *err);

/* Reads up to cap decoded bytes into buf. Returns the number of bytes (> 0),
 * 0 at the clean end of the input, or a negative code: AUD_EFORMAT for a
 * corrupt or truncated stream, AUD_EIO for a read error (or a file that
 * shrank, see aud_decoder_changed), AUD_ELIMIT when max_decoded_bytes or
 * max_ratio is passed, AUD_ENOMEM. On error err->offset is the
 * decoded offset reached; bytes decoded before the fault were all returned
 * by earlier calls. After an error every further call returns the same
 * error. */
ptrdiff_t aud_decoder_read(aud_decoder *d, void *buf, size_t cap,
			   aud_err *err);

/* Reads any raw bytes not yet read (without decoding them) so that the
 * SHA-256 and raw size cover the whole file even when decoding stopped
 * early. Returns 0 or AUD_EIO. A read after a drain that discarded
 * undecoded bytes returns AUD_EUSAGE (it would otherwise look like a
 * clean end). */
int aud_decoder_drain(aud_decoder *d, aud_err *err);

aud_compression aud_decoder_compression(const aud_decoder *d);
uint64_t aud_decoder_raw_bytes(const aud_decoder *d);     /* read so far */
uint64_t aud_decoder_decoded_bytes(const aud_decoder *d); /* handed out */
/* Size from fstat for regular files, -1 for pipes and stdin. */
int64_t aud_decoder_file_size(const aud_decoder *d);

/* A regular file (other than stdin) is read only up to the size it had
 * when opened, so a writer appending to it cannot keep a scan going for
 * ever; a file that shrinks while being read gives AUD_EIO ("file shrank
 * while being read ..."). Once the end is reached (or drained), this
 * returns why the file looks changed since it was opened ("file grew
 * while being read ...", "file was modified while being read"), or NULL.
 * Static storage in d, valid until aud_decoder_close. */
const char *aud_decoder_changed(const aud_decoder *d);

/* What inflates a gzip input: "isa-l" or "zlib"; NULL for other inputs.
 * Static storage. */
const char *aud_decoder_inflater(const aud_decoder *d);

/* Lower-case hex SHA-256 of the raw bytes read so far, NUL-terminated. */
void aud_decoder_sha256_hex(const aud_decoder *d, char out[65]);

/* Closes the input and frees d. NULL is a no-op. */
void aud_decoder_close(aud_decoder *d);

#endif
