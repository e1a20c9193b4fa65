/*
 * test_encode.c: the streaming encoder. A deterministic 2 MB payload is
 * written in chunks of odd sizes as plain, gzip and zstd; each file is read
 * back with the decoder (which knows the formats by magic bytes only) and,
 * when installed, with gzip -dc and zstd -dc, and must give the payload
 * byte for byte. A write to /dev/full must fail with a message.
 */
#include "auditor/decode.h"
#include "auditor/encode.h"

#include "harness.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];
static unsigned char *pay;
static size_t paylen;

static const char *tpath(const char *name)
{
	static char p[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
	return p[i];
}

/* Text with long repeats and some noise, so both codecs have work. */
static void make_payload(void)
{
	uint32_t x = 12345;
	size_t i;

	paylen = 2u << 20;
	pay = malloc(paylen);
	for (i = 0; i < paylen; i++) {
		x = x * 1103515245u + 12345u;
		pay[i] = (i % 61 == 60) ? '\n'
			 : (x >> 16) % 7
			     ? (unsigned char)("abcdefg,"[i % 8])
			     : (unsigned char)('0' + (x >> 20) % 10);
	}
}

/* Writes the payload to name in compression c, chunks of 1, 7, 4093,
 * 65536 and 300000 bytes in turn. Returns the encoder's result. */
static int write_file(const char *name, aud_compression c)
{
	static const size_t sizes[] = {1, 7, 4093, 65536, 300000};
	aud_encoder *e = NULL;
	aud_err err;
	size_t at = 0, k = 0, n;
	int fd = open(tpath(name), O_CREAT | O_TRUNC | O_WRONLY, 0600);
	int rc;

	aud_err_clear(&err);
	CHECK(fd >= 0);
	rc = aud_encoder_new(&e, fd, c, &err);
	CHECK_EQ_INT(rc, 0);
	while (rc == 0 && at < paylen) {
		n = sizes[k++ % 5];
		if (n > paylen - at)
			n = paylen - at;
		rc = aud_encoder_write(e, pay + at, n, &err);
		at += n;
	}
	if (rc == 0)
		rc = aud_encoder_finish(e, &err);
	CHECK_EQ_INT(aud_encoder_bytes_in(e), paylen);
	aud_encoder_free(e);
	close(fd);
	return rc;
}

/* Reads name with the decoder; returns 1 when it gives the payload and
 * says compression c. */
static int reads_back(const char *name, aud_compression c)
{
	aud_decoder *d = NULL;
	aud_err err;
	unsigned char *got = malloc(paylen + 1);
	size_t at = 0;
	ptrdiff_t n;
	int same;

	aud_err_clear(&err);
	if (aud_decoder_open(&d, tpath(name), NULL, &err)) {
		free(got);
		return 0;
	}
	while ((n = aud_decoder_read(d, got + at, paylen + 1 - at, &err)) > 0)
		at += (size_t)n;
	same = n == 0 && at == paylen && memcmp(got, pay, paylen) == 0 &&
	       aud_decoder_compression(d) == c;
	aud_decoder_close(d);
	free(got);
	return same;
}

/* Does `cmd` (a decompressor) turn name back into the payload? -1 when
 * the program is not installed. */
static int tool_reads_back(const char *cmd, const char *name)
{
	char line[600];
	FILE *p;
	unsigned char *got;
	size_t n;
	int same;

	snprintf(line, sizeof line, "command -v %s >/dev/null 2>&1", cmd);
	if (system(line) != 0)
		return -1;
	snprintf(line, sizeof line, "%s -dc '%s'", cmd, tpath(name));
	p = popen(line, "r");
	if (!p)
		return 0;
	got = malloc(paylen + 1);
	n = fread(got, 1, paylen + 1, p);
	same = pclose(p) == 0 && n == paylen && memcmp(got, pay, n) == 0;
	free(got);
	return same;
}

static void test_plain(void)
{
	CHECK_EQ_INT(write_file("p.txt", AUD_COMP_PLAIN), 0);
	CHECK(reads_back("p.txt", AUD_COMP_PLAIN));
}

static void test_gzip(void)
{
	CHECK_EQ_INT(write_file("g.gz", AUD_COMP_GZIP), 0);
	CHECK(reads_back("g.gz", AUD_COMP_GZIP));
	CHECK(tool_reads_back("gzip", "g.gz") != 0);
}

static void test_zstd(void)
{
	CHECK_EQ_INT(write_file("z.zst", AUD_COMP_ZSTD), 0);
	CHECK(reads_back("z.zst", AUD_COMP_ZSTD));
	CHECK(tool_reads_back("zstd", "z.zst") != 0);
}

/* An empty stream is still a valid file of its kind. */
static void test_empty(void)
{
	aud_compression c[] = {AUD_COMP_GZIP, AUD_COMP_ZSTD};
	size_t i;

	for (i = 0; i < 2; i++) {
		aud_encoder *e = NULL;
		aud_decoder *d = NULL;
		aud_err err;
		char b[16];
		int fd =
		    open(tpath("empty"), O_CREAT | O_TRUNC | O_WRONLY, 0600);

		aud_err_clear(&err);
		CHECK_EQ_INT(aud_encoder_new(&e, fd, c[i], &err), 0);
		CHECK_EQ_INT(aud_encoder_finish(e, &err), 0);
		CHECK(aud_encoder_bytes_out(e) > 0);
		/* writing after the end is refused */
		CHECK_EQ_INT(aud_encoder_write(e, "x", 1, &err), AUD_EUSAGE);
		aud_encoder_free(e);
		close(fd);
		CHECK_EQ_INT(aud_decoder_open(&d, tpath("empty"), NULL, &err),
			     0);
		CHECK_EQ_INT(aud_decoder_read(d, b, sizeof b, &err), 0);
		CHECK(aud_decoder_compression(d) == c[i]);
		aud_decoder_close(d);
	}
}

/* A full disk: the write fails, says why, and keeps failing. */
static void test_full(void)
{
	aud_encoder *e = NULL;
	aud_err err;
	int fd = open("/dev/full", O_WRONLY), rc = 0;
	size_t at;

	if (fd < 0) {
		fprintf(stderr, "no /dev/full: skipped\n");
		return;
	}
	aud_err_clear(&err);
	CHECK_EQ_INT(aud_encoder_new(&e, fd, AUD_COMP_PLAIN, &err), 0);
	for (at = 0; rc == 0 && at < paylen; at += 100000)
		rc = aud_encoder_write(
		    e, pay + at, paylen - at < 100000 ? paylen - at : 100000,
		    &err);
	if (rc == 0)
		rc = aud_encoder_finish(e, &err);
	CHECK_EQ_INT(rc, AUD_EIO);
	CHECK(strstr(err.msg, "No space left") != NULL);
	CHECK_EQ_INT(aud_encoder_write(e, "x", 1, &err), AUD_EIO);
	aud_encoder_free(e);
	close(fd);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/aud-encode-XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	make_payload();
	RUN(test_plain);
	RUN(test_gzip);
	RUN(test_zstd);
	RUN(test_empty);
	RUN(test_full);
	remove(tpath("p.txt"));
	remove(tpath("g.gz"));
	remove(tpath("z.zst"));
	remove(tpath("empty"));
	rmdir(dir);
	free(pay);
	return DONE();
}
