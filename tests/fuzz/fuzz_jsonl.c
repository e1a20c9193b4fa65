/*
 * fuzz_jsonl.c: libFuzzer harness for the JSONL reader (auditor/jsonl.c
 * through the reader front in auditor/reader.c), as JSON Lines and as a
 * JSON array (AUD_FMT_JSON). The checks are in fuzz_reader.h. aud_format_sniff
 * also sees every input. On top of them, a JSON array read in segments cut
 * where aud_json_cut says must give the transcript of one reader of the whole
 * input, and the reader's string scans and UTF-8 checks must give the same
 * transcript at every aud_reader_set_fast level (1: AVX2 when the CPU
 * has it, 2: SSE2, 0: byte loops), fed whole and in uneven chunks, with
 * the default and a 48-byte record limit.
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Reads data as a JSON array the way the scanner reads one it cut into
 * segments: cut at aud_json_cut's places (all of them with every 1, every
 * other one with every 2), a fresh reader per segment continued with
 * aud_reader_continue, finished only at the end, its numbers placed in
 * the input as the committer places them (record numbers by
 * aud_reader_numbered: an element over max bytes keeps its number).
 * Returns the transcript hash, which must be that of one reader of the
 * whole input (fz_read), or 0 when a segment's reader stopped before the
 * end (nothing to compare).
 */
static uint64_t fz_read_cut(const uint8_t *data, size_t size, size_t max,
			    int every)
{
	aud_reader_opts o;
	aud_json_cut k;
	aud_err err;
	frun t;
	size_t from = 0, i, seen = 0;
	uint64_t problems = 0, records = 0;
	int rc = 0;

	memset(&o, 0, sizeof o);
	o.format = AUD_FMT_JSON;
	o.max_record_bytes = max;
	memset(&t, 0, sizeof t);
	t.data = data;
	t.size = size;
	t.hash = 14695981039346656037ull;
	aud_json_cut_init(&k);
	for (i = 0; i <= size && rc == 0; i++) {
		aud_reader *r = NULL;
		int last = i == size;

		if (!last) {
			if (aud_json_cut_feed(&k, (const char *)data + i, 1) !=
				1 ||
			    ++seen % (size_t)every)
				continue;
			if (data[i] != ',')
				fz_fail("aud_json_cut: a cut not after a ','");
		}
		aud_err_clear(&err);
		if (aud_reader_new(&r, &o, fz_record, fz_problem, &t, &err))
			fz_fail("aud_reader_new failed");
		if (from && aud_reader_continue(r, NULL, 0, from, &err))
			fz_fail("aud_reader_continue failed");
		rc = aud_reader_feed(r, (const char *)data + from,
				     (last ? size : i + 1) - from, &err);
		if (rc == 0 && last)
			rc = aud_reader_finish(r, &err);
		t.base_rec += aud_reader_numbered(r);
		records += aud_reader_records(r);
		problems += aud_reader_problems(r);
		if (rc == 0 && last) {
			fz_mix_u64(&t, 0xCC);
			fz_mix_u64(&t, 0);
			fz_mix_u64(&t, records);
			fz_mix_u64(&t, problems);
			fz_mix_u64(&t, t.base_line + aud_reader_lines(r));
		}
		t.base_line += aud_reader_line_ends(r);
		aud_reader_free(r);
		from = i + 1;
		t.base_off = from;
	}
	return rc ? 0 : t.hash;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	aud_format f = aud_format_sniff((const char *)data, size);
	aud_reader_opts o;
	uint64_t best;
	int mode, lv;

	if (f != AUD_FMT_CSV && f != AUD_FMT_JSONL && f != AUD_FMT_JSON)
		fz_fail("aud_format_sniff gave no format");
	fz_reader_input(data, size, AUD_FMT_JSONL);
	fz_reader_input(data, size, AUD_FMT_JSON);
	memset(&o, 0, sizeof o);
	o.format = AUD_FMT_JSON;
	for (o.max_record_bytes = 0; o.max_record_bytes <= 48;
	     o.max_record_bytes += 48) {
		best = fz_read(data, size, &o, 0, 0);
		for (mode = 1; mode <= 2; mode++) {
			uint64_t h =
			    fz_read_cut(data, size, o.max_record_bytes, mode);

			if (h && h != best)
				fz_fail("read in segments cut by aud_json_cut, "
					"the transcript differs");
		}
	}
	o.format = AUD_FMT_JSONL;
	for (mode = 0; mode <= 2; mode += 2) {
		for (o.max_record_bytes = 0; o.max_record_bytes <= 48;
		     o.max_record_bytes += 48) {
			fz_fast = 1;
			best = fz_read(data, size, &o, mode, 0);
			for (lv = 0; lv <= 2; lv += 2) {
				fz_fast = lv;
				if (fz_read(data, size, &o, mode, 0) != best)
					fz_fail("the fast paths and the byte "
						"loops differ");
			}
			fz_fast = 1;
		}
	}
	return 0;
}
