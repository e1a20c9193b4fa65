/*
 * fuzz_csv.c: libFuzzer harness for the CSV reader (auditor/csv.c through
 * the reader front in auditor/reader.c). The checks are in fuzz_reader.h;
 * the delimiter is chosen from the input's last byte.
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_reader_input(data, size, AUD_FMT_CSV);
	return 0;
}
