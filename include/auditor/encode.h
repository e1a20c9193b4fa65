/*
 * encode.h: the writing side of decode.h. An encoder takes plain bytes and
 * writes them to a file descriptor as they are, as one gzip member (zlib)
 * or as one zstd frame (libzstd), so that a tool that reads a compressed
 * input can write its output in the same compression.
 */
#ifndef AUDITOR_ENCODE_H
#define AUDITOR_ENCODE_H

#include "auditor/common.h"
#include "auditor/decode.h"

#include <stddef.h>
#include <stdint.h>

typedef struct aud_encoder aud_encoder;

/* Creates an encoder that writes to fd (which the caller keeps and
 * closes) in compression c. Returns 0, or AUD_ENOMEM / AUD_EIO (the codec
 * would not start) with err filled. Free with aud_encoder_free. */
int aud_encoder_new(aud_encoder **out, int fd, aud_compression c, aud_err *err);

/* Compresses n bytes of data and writes what the codec gives out (the
 * encoder buffers 256 KiB before calling write(2)). Returns 0, or AUD_EIO
 * with err->msg saying why (disk full: strerror) and err->offset the
 * plain bytes taken so far. After an error every call fails the same. */
int aud_encoder_write(aud_encoder *e, const void *data, size_t n, aud_err *err);

/* Ends the stream (gzip trailer, zstd epilogue) and writes every byte
 * still held. Returns 0 or AUD_EIO. Writing after finishing is
 * AUD_EUSAGE. */
int aud_encoder_finish(aud_encoder *e, aud_err *err);

uint64_t aud_encoder_bytes_in(const aud_encoder *e);  /* plain, taken */
uint64_t aud_encoder_bytes_out(const aud_encoder *e); /* written to fd */

/* Frees e (NULL is a no-op); does not close the descriptor. */
void aud_encoder_free(aud_encoder *e);

#endif
