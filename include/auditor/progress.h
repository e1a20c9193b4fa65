/*
 * progress.h: the progress line of a long scan, on stderr: bytes read of
 * the total input size, records, findings, MB/s and the time left,
 * redrawn a few times a second and cleared before the summary. The
 * command line shows it when stderr is a terminal (or with --progress).
 */
#ifndef AUDITOR_PROGRESS_H
#define AUDITOR_PROGRESS_H

#include "auditor/scan.h"

#include <stdint.h>
#include <stdio.h>

typedef struct aud_progress {
	FILE *out;
	uint64_t total;   /* raw bytes of all inputs, 0 when unknown */
	double start, last;
	int shown;        /* a line is on screen */
	const char *unit; /* what "findings" counts; NULL: "findings" */
} aud_progress;

/* Starts timing. total is the sum of the inputs' sizes (0: unknown). */
void aud_progress_init(aud_progress *p, FILE *out, uint64_t total);

/* A scan progress callback (ctx is the aud_progress): redraws the line at
 * most 4 times a second. */
void aud_progress_update(void *ctx, const aud_scan_progress *s);

/* Erases the line, if one is shown. */
void aud_progress_clear(aud_progress *p);

#endif
