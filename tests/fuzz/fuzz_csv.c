/*
 * fuzz_csv.c: libFuzzer harness for the CSV reader (auditor/csv.c through
 * the reader front in auditor/reader.c). The checks are in fuzz_reader.h;
 * the delimiter is chosen from the input's last byte. On top of them, the
 * reader's own fast path for simple lines must give the transcript that
 * libcsv alone gives (aud_reader_set_fast(r, 0)), fed whole and in the
 * same uneven chunks, with the default and a 48-byte record limit.
 */
#include "fuzz_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = {',', '\t', ';', '|'};
	aud_reader_opts o;
	uint64_t fast;
	int mode;

	fz_reader_input(data, size, AUD_FMT_CSV);
	memset(&o, 0, sizeof o);
	o.format = AUD_FMT_CSV;
	o.delimiter = size > 0 ? delims[data[size - 1] & 3] : ',';
	for (mode = 0; mode <= 2; mode += 2) {
		o.max_record_bytes = 0;
		fast = fz_read(data, size, &o, mode, 0);
		fz_fast = 0;
		if (fz_read(data, size, &o, mode, 0) != fast)
			fz_fail("the fast path and libcsv differ");
		o.max_record_bytes = 48;
		fz_fast = 1;
		fast = fz_read(data, size, &o, mode, 0);
		fz_fast = 0;
		if (fz_read(data, size, &o, mode, 0) != fast)
			fz_fail("the fast path and libcsv differ (48-byte "
				"limit)");
		fz_fast = 1;
	}
	return 0;
}
