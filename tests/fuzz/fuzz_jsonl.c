/*
 * fuzz_jsonl.c: libFuzzer harness for the JSONL reader (auditor/jsonl.c
 * through the reader front in auditor/reader.c). The checks are in
 * fuzz_reader.h. aud_format_sniff also sees every input.
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	aud_format f = aud_format_sniff((const char *)data, size);

	if (f != AUD_FMT_CSV && f != AUD_FMT_JSONL)
		fz_fail("aud_format_sniff gave neither CSV nor JSONL");
	fz_reader_input(data, size, AUD_FMT_JSONL);
	return 0;
}
