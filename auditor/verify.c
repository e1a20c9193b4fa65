/*
 * verify.c: re-hashes a run's inputs (verify.h). The raw bytes are read
 * through the same decoder as a scan (aud_decoder_drain hashes without
 * decoding), so the hash is computed exactly as it was at scan time.
 */
#include "auditor/verify.h"
#include "auditor/decode.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

int aud_verify_run(aud_store *s, int64_t run_id, aud_verify_fn fn,
		   void *ctx, aud_err *err)
{
	sqlite3 *db = aud_store_db(s);
	sqlite3_stmt *st = NULL;
	int bad = 0, any = 0;

	if (sqlite3_prepare_v2(db,
			       "SELECT path, sha256, size_bytes FROM files "
			       "WHERE run_id = ?1 ORDER BY file_id",
			       -1, &st, NULL) != SQLITE_OK)
		return aud_err_set(err, AUD_ESTORE, "cannot read files: %s",
				   sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, run_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(st, 0);
		const char *want = (const char *)sqlite3_column_text(st, 1);
		int64_t size = sqlite3_column_int64(st, 2);
		aud_decoder *d = NULL;
		aud_err e;
		char got[65], detail[256];

		any = 1;
		aud_err_clear(&e);
		if (!path || strcmp(path, "<stdin>") == 0 || !want) {
			fn(ctx, path ? path : "", "unverifiable",
			   !want ? "no SHA-256 was recorded (the input could "
				   "not be read)"
				 : "read from stdin");
			bad++;
			continue;
		}
		if (aud_decoder_open(&d, path, NULL, &e) ||
		    aud_decoder_drain(d, &e)) {
			fn(ctx, path, "missing", e.msg);
			aud_decoder_close(d);
			bad++;
			continue;
		}
		aud_decoder_sha256_hex(d, got);
		if (strcmp(got, want) != 0) {
			snprintf(detail, sizeof detail,
				 "SHA-256 %s, recorded %s; %" PRIu64
				 " bytes, recorded %" PRId64,
				 got, want, aud_decoder_raw_bytes(d), size);
			fn(ctx, path, "changed", detail);
			bad++;
		} else {
			fn(ctx, path, "ok", got);
		}
		aud_decoder_close(d);
	}
	sqlite3_finalize(st);
	if (!any) {
		sqlite3_prepare_v2(db, "SELECT 1 FROM runs WHERE run_id = ?1",
				   -1, &st, NULL);
		sqlite3_bind_int64(st, 1, run_id);
		any = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (!any)
			return aud_err_set(err, AUD_EUSAGE,
					   "no run %" PRId64 " in the database",
					   run_id);
	}
	return bad;
}
