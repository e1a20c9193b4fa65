/*
 * fuzz_jsonl.c: libFuzzer harness for the JSONL reader (auditor/jsonl.c
 * through the reader front in auditor/reader.c), as JSON Lines and as a
 * JSON array (AUD_FMT_JSON). The checks are in fuzz_reader.h. aud_format_sniff also sees every input. On top of them,
 * the reader's string scans and UTF-8 checks must give the same
 * transcript at every aud_reader_set_fast level (1: AVX2 when the CPU
 * has it, 2: SSE2, 0: byte loops), fed whole and in uneven chunks, with
 * the default and a 48-byte record limit.
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
