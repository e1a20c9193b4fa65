/*
 * progress.c: the progress line (progress.h). Only the command line uses
 * it; the scan calls back after every chunk, and this file decides how
 * often to draw (4 times a second) and what to say.
 */
#include "auditor/progress.h"

#include <inttypes.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void aud_progress_init(aud_progress *p, FILE *out, uint64_t total)
{
	p->out = out;
	p->total = total;
	p->start = now();
	p->last = 0;
	p->shown = 0;
	p->unit = NULL;
}

void aud_progress_update(void *ctx, const aud_scan_progress *s)
{
	aud_progress *p = ctx;
	double t = now(), el = t - p->start;
	double mbs = el > 0 ? (double)s->decoded_bytes / el / 1e6 : 0;
	char eta[32] = "";

	if (p->shown && t - p->last < 0.25)
		return;
	p->last = t;
	if (p->total && s->raw_bytes && s->raw_bytes <= p->total && el > 0.5) {
		double left = el * (double)(p->total - s->raw_bytes) /
			      (double)s->raw_bytes;

		snprintf(eta, sizeof eta, ", ETA %d:%02d", (int)left / 60,
			 (int)left % 60);
	}
	if (p->total)
		fprintf(p->out,
			"\r\033[Kauditor: %.1f of %.1f MB read (%.0f%%), "
			"%" PRIu64 " records, %" PRIu64 " %s, %.0f MB/s%s",
			(double)s->raw_bytes / 1e6, (double)p->total / 1e6,
			100.0 * (double)s->raw_bytes / (double)p->total,
			s->records, s->findings,
			p->unit ? p->unit : "findings", mbs, eta);
	else
		fprintf(p->out,
			"\r\033[Kauditor: %.1f MB read, %" PRIu64
			" records, %" PRIu64 " %s, %.0f MB/s",
			(double)s->raw_bytes / 1e6, s->records, s->findings,
			p->unit ? p->unit : "findings", mbs);
	fflush(p->out);
	p->shown = 1;
}

void aud_progress_clear(aud_progress *p)
{
	if (p->shown) {
		fputs("\r\033[K", p->out);
		fflush(p->out);
		p->shown = 0;
	}
}
