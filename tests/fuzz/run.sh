#!/usr/bin/env bash
# run.sh: builds the libFuzzer harnesses in tests/fuzz/ with clang
# (-fsanitize=fuzzer,address,undefined, UBSan made fatal) against the
# project's sources, and runs each for SECONDS seconds (default 20) from its
# seed corpus in tests/fuzz/corpus/<harness>/.
#
#   bash tests/fuzz/run.sh [SECONDS] [HARNESS...]
#
# Everything is built and run in a fresh temporary directory that is
# removed at the end; the seed corpora are only read. Exits 0 when every
# harness ran clean, non-zero on any crash, leak, timeout, out-of-memory
# or sanitizer report; the temporary directory is then kept and printed,
# with the failing input(s) and each harness's log in it.
#
# Environment: CLANG (default clang); FUZZ_KEEP_CORPUS=DIR copies each
# harness's grown corpus to DIR/<harness>/ (for longer campaigns).
set -u

secs=${1:-20}
shift || true
case $secs in
'' | *[!0-9]*)
	echo "usage: bash tests/fuzz/run.sh [SECONDS] [HARNESS...]" >&2
	exit 2
	;;
esac

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
cc=${CLANG:-clang}
all="csv jsonl decode patterns validate redact detect"
harnesses=${*:-$all}

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "run.sh: $cc not found (install clang and libclang-rt-dev)" >&2
	exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/aud-fuzz.XXXXXX") || exit 2
ok=0
# shellcheck disable=SC2317
finish() {
	if [ "$ok" = 1 ]; then
		rm -rf "$work"
	else
		echo "run.sh: failed; build, logs and inputs kept in $work" >&2
	fi
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Sources each harness links, beyond common.c.
srcs_of() {
	case $1 in
	csv | jsonl) echo "reader csv jsonl utf8" ;;
	decode) echo "decode" ;;
	patterns | detect) echo "patterns detect mask allowlist utf8 validate" \
		"validate_global validate_ids_eu validate_ids_world" \
		"validate_secrets" ;;
	validate) echo "validate validate_global validate_ids_eu" \
		"validate_ids_world validate_secrets" ;;
	redact) (cd "$src/auditor" && ls -- *.c) | sed 's/\.c$//' |
		grep -vxE 'common|main' | tr '\n' ' ' ;;
	*) return 1 ;;
	esac
}

cflags=(-std=c11 -g -O1 -fno-omit-frame-pointer
	"-fsanitize=address,undefined" -fno-sanitize-recover=all
	-D_GNU_SOURCE -DPCRE2_CODE_UNIT_WIDTH=8
	"-DAUD_PATTERNS_DIR=\"$src/patterns\""
	"-DAUD_INSTALLED_PATTERNS_DIR=\"/usr/local/share/auditor/patterns\""
	"-I$src/include" "-I$src/auditor" -I/usr/include)
libs=(-lz -lzstd -lcrypto -lpcre2-8 -lsqlite3 -lcsv -lm)
# ISA-L's gzip path, as the CMake build has it when libisal is installed.
if pkg-config --exists libisal 2>/dev/null; then
	cflags+=(-DAUD_HAVE_ISAL=1)
	libs+=(-lisal)
fi

mkdir -p "$work/obj" "$work/bin"
echo "run.sh: building in $work"
built=" "
for h in $harnesses; do
	if [ ! -f "$here/fuzz_$h.c" ] || ! list=$(srcs_of "$h"); then
		echo "run.sh: unknown harness '$h' (have: $all)" >&2
		exit 2
	fi
	objs=()
	for s in common $list; do
		o="$work/obj/$s.o"
		case $built in
		*" $s "*) ;;
		*)
			"$cc" "${cflags[@]}" -fsanitize=fuzzer-no-link -c \
				"$src/auditor/$s.c" -o "$o" || exit 1
			built="$built$s "
			;;
		esac
		objs+=("$o")
	done
	"$cc" "${cflags[@]}" -fsanitize=fuzzer -I"$here" "$here/fuzz_$h.c" \
		"${objs[@]}" "${libs[@]}" -o "$work/bin/fuzz_$h" || exit 1
done

fail=0
summary=
for h in $harnesses; do
	mkdir -p "$work/corpus/$h" "$work/art/$h"
	seeds="$here/corpus/$h"
	dict=()
	[ -f "$here/$h.dict" ] && dict=("-dict=$here/$h.dict")
	echo "run.sh: fuzz_$h for ${secs}s"
	# The first corpus directory is written to; the seeds are only read.
	(cd "$work/art/$h" && ASAN_OPTIONS=detect_leaks=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$work/bin/fuzz_$h" -max_total_time="$secs" \
		-rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$work/art/$h/" "${dict[@]}" \
		"$work/corpus/$h" "$seeds") >"$work/fuzz_$h.log" 2>&1
	rc=$?
	execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/fuzz_$h.log" |
		awk '{s += $2} END {print s + 0}')
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$work/fuzz_$h.log" | tail -1)
	bad=$(grep -lE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer|ALARM: working on the last Unit|==[0-9]+== ERROR' \
		"$work/fuzz_$h.log")
	arts=$(cd "$work/art/$h" && find . -maxdepth 1 -type f \
		\( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
		-o -name 'oom-*' -o -name 'slow-unit-*' \) | sed 's|^\./||')
	line="fuzz_$h: rc=$rc execs=$execs $cov"
	if [ "$rc" != 0 ] || [ -n "$bad" ] || [ -n "$arts" ]; then
		fail=1
		line="$line FAILED (log: $work/fuzz_$h.log)"
		grep -E 'ERROR|runtime error|SUMMARY|fuzz_[a-z_]*: ' "$work/fuzz_$h.log" | head -5 >&2
		for a in $arts; do line="$line artifact: $work/art/$h/$a"; done
	fi
	if [ -n "${FUZZ_KEEP_CORPUS:-}" ]; then
		mkdir -p "$FUZZ_KEEP_CORPUS/$h"
		cp -n "$work/corpus/$h"/* "$FUZZ_KEEP_CORPUS/$h/" 2>/dev/null
	fi
	summary="$summary$line
"
	echo "$line"
done

printf '\nrun.sh: summary (%ss each)\n%s' "$secs" "$summary"
if [ "$fail" = 0 ]; then
	ok=1
	exit 0
fi
exit 1
