#!/usr/bin/env bash
# tests/bench/harness.sh: the performance benchmark of issue #7, in one
# command. Not part of ctest (it writes gigabytes and takes minutes).
#
# Usage: tests/bench/harness.sh [--size-mb N] [--seed S] [--keep DIR]
#            [--only NAMES] [--repeat R] [--markdown OUT.md] [--auditor PATH]
#
#   --size-mb N    size of the JSONL corpora in MB (1e6 bytes) [1000]; the
#                  CSV has 5,000 rows per MB (5 million rows at 1000)
#   --seed S       seed of the generators [1]: the same seed and size give
#                  byte-identical corpora
#   --keep DIR     generate into DIR and keep it; corpora already there with
#                  the same seed, size and generator are reused
#                  [default: a fresh folder under $TMPDIR or /tmp, deleted
#                  at the end]
#   --only NAMES   comma-separated cases to run [all]: gz, zst, rg, bias,
#                  threads, heavy, rss
#   --repeat R     runs of each case [1]; a case's reference and auditor
#                  run back to back, the reference first in odd runs and
#                  auditor first in even ones. The table's ratio (and its
#                  PASS or FAIL) is the median of the R ratios within a
#                  run; its wall time is the best of the R runs, its RSS
#                  the highest; a note gives the ratio of the best times
#   --markdown F   also write the table as Markdown to F (for the README)
#   --auditor P    the binary [$AUDITOR, else build/auditor in the source
#                  tree]
#
# What it generates (tests/bench/gen_corpus.py; see its docstring): N MB of
# web-crawl-like JSONL prose where about one record in twenty holds personal
# data or a secret; N MB of findings-heavy JSONL (every record holds 3 to 6
# items); a CSV of id, race, sex, outcome, prediction, score; each
# compressed with pigz (plain gzip, level 6) and zstd (level 3, the
# default); four line-aligned shards of the prose as .jsonl.gz; and a 100 MB
# prefix of the prose (N/2 when N < 200) as .jsonl.gz for the memory case.
#
# What it measures, every command timed by /usr/bin/time -f '%e %M' (wall
# seconds, peak RSS), all on the same files in the same run, the files read
# once beforehand so that they come from the page cache; with --repeat 2 or
# more, each pair of commands also runs once before the first counted run,
# its times printed as "warm-up" and not counted (a first run of `zstd -dc`
# took up to twice its later time, which flattered the ratio):
#   gz       pigz -dc F.jsonl.gz >/dev/null  vs  auditor scan -q F.jsonl.gz
#            (target: auditor's wall <= 1.0 x pigz's)
#   zst      zstd -dc F.jsonl.zst >/dev/null  vs  auditor scan -q F.jsonl.zst
#            (<= 2.0 x)
#   rg       rg --no-unicode --count-matches -e P1 .. -e P15 F.jsonl  vs
#            auditor scan -q -e E1,..,E15 F.jsonl (<= 1.0 x); the 15
#            entities and their ripgrep patterns are listed below
#   bias     bias_pandas.py (pandas read_csv + groupby) vs auditor scan
#            --no-detect -g race -g sex --outcome outcome
#            --positive 1 --prediction prediction --predicted-positive 1 on
#            the .csv.gz (auditor >= 10 x faster); the counts must be
#            identical (MISMATCH is printed otherwise). An auditor without
#            --no-detect runs with the smallest entity set, -e PRIVATE_KEY
#            (said in a note)
#   threads  auditor --threads 1 vs --threads 2 on the four shards (>= 1.8 x
#            faster); "n/a (no --threads)" while auditor has no such option
#   heavy    auditor on the clean prose .jsonl.gz vs on the findings-heavy
#            one (heavy MB/s >= 0.5 x clean MB/s)
#   rss      auditor's peak RSS on the 100 MB and the N MB .jsonl.gz (each
#            <= 100 MB, the larger <= 1.2 x the smaller)
# The clean run of heavy and the large run of rss are the auditor run of gz
# (the same command on the same file) when gz runs too.
# MB/s is decoded (uncompressed) bytes per wall second. Every auditor run
# writes a fresh database; the note under the table gives its findings, and
# WARN when an input did not end ok or the decoded bytes differ.
set -Eeuo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
PY=${PYTHON:-/usr/bin/python3}
size_mb=1000
seed=1
keep=
only=gz,zst,rg,bias,threads,heavy,rss
repeat=1
markdown=
aud=${AUDITOR:-$src/build/auditor}
cmdline="tests/bench/harness.sh $*"

usage() {
	awk '/^# Usage:/ { on = 1 } /^# What it generates/ { exit }
		on { sub(/^# ?/, ""); print }' "$0"
	echo "  (see the comments at the top of $0 for what it measures)"
}

while [ $# -gt 0 ]; do
	case $1 in
	--size-mb) size_mb=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--keep) keep=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--repeat) repeat=$2; shift 2 ;;
	--markdown) markdown=$2; shift 2 ;;
	--auditor) aud=$2; shift 2 ;;
	--size-mb=*) size_mb=${1#*=}; shift ;;
	--seed=*) seed=${1#*=}; shift ;;
	--keep=*) keep=${1#*=}; shift ;;
	--only=*) only=${1#*=}; shift ;;
	--repeat=*) repeat=${1#*=}; shift ;;
	--markdown=*) markdown=${1#*=}; shift ;;
	--auditor=*) aud=${1#*=}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "harness.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
	esac
done
case $size_mb$seed$repeat in
*[!0-9]*) echo "harness.sh: --size-mb, --seed, --repeat take integers" >&2
	exit 2 ;;
esac
if [ "$size_mb" -lt 2 ] || [ "$repeat" -lt 1 ]; then
	echo "harness.sh: --size-mb >= 2 and --repeat >= 1" >&2
	exit 2
fi
for c in ${only//,/ }; do
	case $c in
	gz | zst | rg | bias | threads | heavy | rss) ;;
	*) echo "harness.sh: unknown case '$c'" >&2; exit 2 ;;
	esac
done
want() { case ",$only," in *,"$1",*) return 0 ;; esac; return 1; }

need_tool() {
	command -v "$1" >/dev/null 2>&1 || {
		echo "harness.sh: $1 is missing (bash .ci/deps.sh installs it)" >&2
		exit 2
	}
}
for t in pigz zstd split /usr/bin/time; do need_tool "$t"; done
want rg && need_tool rg
[ -x "$aud" ] || {
	echo "harness.sh: no auditor binary at $aud (build it, or give" \
		"--auditor PATH or AUDITOR=PATH)" >&2
	exit 2
}
aud=$(cd "$(dirname "$aud")" && pwd)/$(basename "$aud")
if want bias; then
	"$PY" -c 'import pandas' 2>/dev/null || {
		echo "harness.sh: $PY has no pandas (python3-pandas)" >&2; exit 2; }
fi

if [ -n "$keep" ]; then
	mkdir -p "$keep"
	work=$(cd "$keep" && pwd)
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/auditor-bench.XXXXXX")
fi
tmpfiles="$work/db $work/logs $work/results.tsv $work/info.txt"
tmpfiles="$tmpfiles $work/time.out $work/stdout.out $work/bias-pandas.json"
tmpfiles="$tmpfiles $work/last.tsv $work/gz-run.tsv"
# shellcheck disable=SC2317 # (run by the EXIT trap)
cleanup() {
	if [ -n "$keep" ]; then
		# shellcheck disable=SC2086
		rm -rf $tmpfiles
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'echo "harness: failed at line $LINENO (exit $?)" >&2' ERR
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$work/db" "$work/logs"
results=$work/results.tsv
: >"$results"
export AUDITOR_HASH_KEY=${AUDITOR_HASH_KEY:-auditor-bench-harness-key-01}
say() { echo "harness: $*" >&2; }

# ---------------------------------------------------------------- corpora
# A file is (re)built only when its stamp (FILE.stamp) differs from what it
# would be built from: the generator's code, the seed, the size, and for
# compressed files and shards the stamp of their source.
genhash=$(cat "$here/gen_corpus.py" "$src/tests/eval/gen_eval.py" |
	sha256sum | cut -c1-16)
jobs=$(nproc)
csv_rows=$((size_mb * 5000))
small_mb=100
[ "$size_mb" -lt 200 ] && small_mb=$((size_mb / 2))

fresh() { # fresh FILE KEY: true when FILE is there with that stamp
	[ -f "$1" ] && [ -f "$1.stamp" ] && [ "$(cat "$1.stamp")" = "$2" ]
}
stamp() { printf '%s\n' "$2" >"$1.stamp"; }
key_of() { cat "$1.stamp"; }

gen_jsonl() { # gen_jsonl KIND FILE
	local key="$1 seed=$seed mb=$size_mb gen=$genhash"
	fresh "$2" "$key" && return 0
	say "generating $2 ($size_mb MB, $1, seed $seed)"
	rm -f "$2.stamp"
	"$PY" "$here/gen_corpus.py" jsonl --kind "$1" --mb "$size_mb" \
		--seed "$seed" --jobs "$jobs" -o "$2.tmp" --stats "$2.stats.json"
	mv "$2.tmp" "$2"
	sha256sum "$2" | cut -c1-64 >"$2.sha256"
	stamp "$2" "$key"
}
gen_csv() {
	local key="csv seed=$seed rows=$csv_rows gen=$genhash"
	fresh "$1" "$key" && return 0
	say "generating $1 ($csv_rows rows, seed $seed)"
	rm -f "$1.stamp"
	"$PY" "$here/gen_corpus.py" csv --rows "$csv_rows" --seed "$seed" \
		--jobs "$jobs" -o "$1.tmp" --stats "$1.stats.json"
	mv "$1.tmp" "$1"
	sha256sum "$1" | cut -c1-64 >"$1.sha256"
	stamp "$1" "$key"
}
compress() { # compress gz|zst SOURCE
	local out=$2.$1 key
	key="$1 of $(key_of "$2")"
	fresh "$out" "$key" && return 0
	say "compressing $out"
	rm -f "$out.stamp"
	if [ "$1" = gz ]; then
		pigz -c -6 "$2" >"$out.tmp"
	else
		zstd -q -T0 -c "$2" >"$out.tmp"
	fi
	mv "$out.tmp" "$out"
	stamp "$out" "$key"
}
make_small() { # the first small_mb MB of the prose, cut after a line
	local key
	key="prefix $small_mb MB of $(key_of "$work/prose.jsonl")"
	local n=$((small_mb * 1000000))
	fresh "$work/small.jsonl" "$key" && return 0
	say "cutting small.jsonl ($small_mb MB prefix of prose.jsonl)"
	rm -f "$work/small.jsonl.stamp"
	{
		head -c "$n" "$work/prose.jsonl"
		# the rest of the cut line (head closing the pipe is no error)
		tail -c +$((n + 1)) "$work/prose.jsonl" | head -n 1 || true
	} >"$work/small.jsonl.tmp"
	mv "$work/small.jsonl.tmp" "$work/small.jsonl"
	stamp "$work/small.jsonl" "$key"
}
make_shards() { # four line-aligned quarters of the prose, gzipped
	local key i ok=1
	key="4 shards of $(key_of "$work/prose.jsonl")"
	for i in 0 1 2 3; do
		fresh "$work/shard$i.jsonl.gz" "$key" || ok=0
	done
	[ $ok = 1 ] && return 0
	say "splitting prose.jsonl into 4 shards"
	rm -f "$work"/shard*
	(cd "$work" && split -n l/4 -d -a 1 --additional-suffix=.jsonl \
		prose.jsonl shard)
	for i in 0 1 2 3; do
		pigz -6 "$work/shard$i.jsonl"
		stamp "$work/shard$i.jsonl.gz" "$key"
	done
}

if want gz || want zst || want rg || want threads || want heavy ||
	want rss; then
	gen_jsonl prose "$work/prose.jsonl"
fi
if want gz || want heavy || want rss; then
	compress gz "$work/prose.jsonl"
fi
want zst && compress zst "$work/prose.jsonl"
if want heavy; then
	gen_jsonl heavy "$work/heavy.jsonl"
	compress gz "$work/heavy.jsonl"
fi
if want rss; then
	make_small
	compress gz "$work/small.jsonl"
fi
want threads && make_shards
if want bias; then
	gen_csv "$work/bias.csv"
	compress gz "$work/bias.csv"
fi

size() { stat -c %s "$1"; }
warm() { cat "$@" >/dev/null; }

# ---------------------------------------------------------------- header
info=$work/info.txt
{
	echo "command: $cmdline"
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(nproc) CPUs, $(lscpu 2>/dev/null |
		sed -n 's/^Model name: *//p' | head -n 1), $(awk \
		'/MemTotal/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo)"
	echo "auditor: $("$aud" --version 2>&1 | head -n 1) ($aud)"
	echo "references: $(pigz --version 2>&1 | head -n 1); $(zstd -V |
		sed 's/^\*\*\* //; s/, by.*//'); $(rg --version 2>/dev/null |
		head -n 1 || echo 'rg missing'); python $("$PY" -c \
		'import sys; print(sys.version.split()[0])') with pandas $("$PY" \
		-c 'import pandas; print(pandas.__version__)' 2>/dev/null ||
		echo missing)"
	for f in prose heavy; do
		[ -f "$work/$f.jsonl" ] || continue
		"$PY" - "$work/$f.jsonl" <<-'PY'
		import json, os, sys
		p = sys.argv[1]
		s = json.load(open(p + ".stats.json"))
		gz = p + ".gz"
		zs = p + ".zst"
		extra = ""
		if os.path.exists(gz):
		    extra += ", .gz %.0f MB" % (os.path.getsize(gz) / 1e6)
		if os.path.exists(zs):
		    extra += ", .zst %.0f MB" % (os.path.getsize(zs) / 1e6)
		print("corpus %s: %.0f MB, %d records, %d (1 in %.1f) holding "
		      "%d items of %d entities%s; sha256 %s" % (
		          os.path.basename(p), s["bytes"] / 1e6, s["records"],
		          s["records_with_items"], s["records"] /
		          max(s["records_with_items"], 1), s["items"],
		          len(s["items_per_entity"]), extra,
		          open(p + ".sha256").read().strip()[:16]))
		PY
	done
	if [ -f "$work/bias.csv" ]; then
		echo "corpus bias.csv: $(($(size "$work/bias.csv") / 1000000)) MB," \
			"$csv_rows rows, .gz $(($(size "$work/bias.csv.gz") / \
			1000000)) MB; sha256 $(cut -c1-16 "$work/bias.csv.sha256")"
	fi
} >"$info"
cat "$info" >&2

# ---------------------------------------------------------------- runs
# measure CASE TOOL ROLE DECODED_BYTES DB -- COMMAND...: one timed run,
# appended to results.tsv. DB (may be empty) is removed first and checked
# after. With NOTE_STDOUT set, the command's stdout becomes the note.
measure() {
	local case=$1 tool=$2 role=$3 bytes=$4 db=$5 rc=0 wall rss note=
	shift 5
	[ "$1" = -- ] && shift
	local log
	log=$work/logs/$case.$(printf '%s' "$tool" | tr -c 'A-Za-z0-9' _).err
	[ -n "$db" ] && rm -f "$db" "$db-wal" "$db-shm"
	/usr/bin/time -f '%e %M' -o "$work/time.out" "$@" \
		>"$work/stdout.out" 2>"$log" || rc=$?
	read -r wall rss < <(tail -n 1 "$work/time.out")
	if [ -n "$db" ] && [ -f "$db" ]; then
		note=$("$PY" "$here/bench_table.py" dbcheck "$db" "$bytes" 2>&1 |
			tr '\n' ' ') || true
		note=${note% }
	fi
	if [ -n "${NOTE_STDOUT:-}" ]; then
		note="$(head -c 200 "$work/stdout.out" | tr -d '\n')$NOTE_STDOUT"
	fi
	if [ "$rc" != 0 ] && { [ "$rc" != 1 ] || [ "${tool#rg}" = "$tool" ]; }
	then
		say "$case / $tool exited $rc; its stderr ends with:"
		tail -n 5 "$log" >&2
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$case" "$tool" "$role" \
		"$wall" "$rss" "$bytes" "$rc" "$note" >"$work/last.tsv"
	if [ "$discard" = 1 ]; then
		say "$case / $tool: ${wall} s (warm-up, not counted)"
		return 0
	fi
	cat "$work/last.tsv" >>"$results"
	say "$case / $tool: ${wall} s, peak RSS $((rss / 1024)) MiB," \
		"exit $rc${note:+ ($note)}"
}
na() { # na CASE TOOL NOTE: a row for a case that cannot be measured
	printf '%s\t%s\tna\t\t\t0\t\t%s\n' "$1" "$2" "$3" >>"$results"
}
reuse() { # reuse FILE CASE TOOL ROLE: a copy of a run saved in FILE
	awk -F'\t' -v OFS='\t' -v c="$2" -v t="$3" -v r="$4" \
		'{ $1 = c; $2 = t; $3 = r; $8 = $8 "; the run of the .jsonl.gz case"
		print }' "$1" >>"$results"
}
note() { # note CASE TOOL NOTE: a note on a measured row
	printf '%s\t%s\tnote\t\t\t0\t\t%s\n' "$1" "$2" "$3" >>"$results"
}
scan=("$aud" scan -q) # /usr/bin/time runs programs, not shell functions

# The 15 entities of the rg case and ripgrep patterns that match what
# auditor's entries for them match, as closely as ripgrep's regex syntax
# allows (with --no-unicode, \d \w \b are ASCII as in PCRE2):
# - ripgrep has no look-around and no backreferences: look-behinds and
#   look-aheads such as (?<![\w.+-]) and (?![\w-]) become \b, or nothing
#   where the value may end in '-' or '_'; the IPv6 look-behind becomes a
#   consumed character class (otherwise every hh:mm:ss timestamp would
#   count); a separator repeated by backreference ([ -])\1 is spelt out
#   once per separator;
# - what auditor adds after the regex is not expressible: checksums (Luhn,
#   IBAN mod 97, GitHub CRC32, ...), context words, placeholders, the
#   entropy gate. Entries that report only next to a context word (US_SSN
#   as nine plain digits, bare national phone numbers) are left out of the
#   rg pattern; auditor still runs them.
# - JWT's {8,6000} is written + (ripgrep's compiled-size limit).
# So ripgrep counts a superset of auditor's findings while auditor also
# decodes JSON, validates and stores; the notes give both counts.
# PHONE_NUMBER is the union of auditor's phone entries that need no context
# (E.164, NANP, UK, FR, DE, IN), IP_ADDRESS of IPv4 and IPv6, GITHUB_TOKEN,
# GITLAB_TOKEN and SLACK_TOKEN of their two entries each.
rg_entities=EMAIL_ADDRESS,PHONE_NUMBER,CREDIT_CARD,IP_ADDRESS,US_SSN
rg_entities=$rg_entities,IBAN_CODE,AWS_ACCESS_KEY,GITHUB_TOKEN,GITLAB_TOKEN
rg_entities=$rg_entities,SLACK_TOKEN,STRIPE_KEY,GOOGLE_API_KEY
rg_entities=$rg_entities,OPENAI_API_KEY,PRIVATE_KEY,JWT
rg_patterns=(
	# EMAIL_ADDRESS
	'[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}\b'
	# PHONE_NUMBER: E.164 | NANP | UK | FR (3 separators) | DE | IN
	'\+[2-9]\d{0,2}(?:[ .-]?\(0\))?(?:[ .-]?\d){6,14}\b|(?:(?:\+1[-. ]?|\b1[-. ])?(?:\([2-9]\d{2}\)[-. ]?|\b[2-9]\d{2}[-. ])[2-9]\d{2}[-. ]\d{4}|\+1[2-9]\d{2}[2-9]\d{6})\b|(?:\(0\d{2,5}\) ?|\b0\d{2,5}[ -])\d{3,4}(?:[ -]?\d{3,4})?\b|\b0[1-9](?: \d\d){4}\b|\b0[1-9](?:\.\d\d){4}\b|\b0[1-9](?:-\d\d){4}\b|(?:\(0\d{2,5}\) ?|\b0\d{2,5}(?:/ ?| ?/| |-))\d{2,8}(?:[ -]\d{1,8})?\b|\b(?:0 ?[6-9]\d{4}[ -]\d{5}|0[6-9]\d{2}[ -]\d{3}[ -]\d{4}|0[1-8]\d{1,3}[ -]\d{3,4}[ -]?\d{4})\b'
	# CREDIT_CARD (the Luhn check is auditor's)
	'\b(?:\d{13,19}|\d{4} \d{4} \d{4} \d{4}(?: \d{3})?|\d{4}-\d{4}-\d{4}-\d{4}(?:-\d{3})?|\d{4} \d{6} \d{4,5}|\d{4}-\d{6}-\d{4,5})\b'
	# IP_ADDRESS: IPv4 | IPv6
	'\b(?:\d{1,3}\.){3}\d{1,3}\b|(?:^|[^\w:.])(?:[0-9A-Fa-f]{0,4}:){2,8}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{1,4})?'
	# US_SSN with dashes or spaces (the bare form needs context)
	'\b\d{3}-\d{2}-\d{4}\b|\b\d{3} \d{2} \d{4}\b'
	# IBAN_CODE (mod 97 is auditor's)
	'\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b'
	# AWS_ACCESS_KEY
	'\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b'
	# GITHUB_TOKEN: classic | fine-grained
	'\bgh[pousr]_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}\b'
	# GITLAB_TOKEN: prefixed | routable
	'\b(?:(?:glpat|gldt|glrt|glft|glsoat|glffct)-[A-Za-z0-9_-]{20}|glimt-[A-Za-z0-9_-]{25}|glptt-[0-9a-f]{40}|glcbt-[A-Za-z0-9]{1,5}_[A-Za-z0-9_-]{20}|glagent-[A-Za-z0-9_-]{50}|gloas-[A-Za-z0-9_-]{64}|GR1348941[A-Za-z0-9_-]{20})|\bgl(?:pat|rt|dt|cbt|ft|imt|soat|ffct|oas|agent|ptt)-[A-Za-z0-9_-]{27,300}\.(?:[0-9a-z]{2}\.)?[0-9a-z]{9}\b'
	# SLACK_TOKEN: xox? | xapp
	'\b(?:xoxe\.)?xox[abeoprs]-[0-9]{1,16}(?:-[0-9]{1,16}){0,3}-[A-Za-z0-9]{10,200}\b|\bxapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,16}-[a-f0-9]{64}\b'
	# STRIPE_KEY: live | test
	'\b[rs]k_(?:live|test)_[A-Za-z0-9]{20,247}\b'
	# GOOGLE_API_KEY
	'\bAIza[0-9A-Za-z_-]{35}'
	# OPENAI_API_KEY
	'\bsk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{40,300}|[A-Za-z0-9]{48}\b)'
	# PRIVATE_KEY
	'-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----'
	# JWT
	'\beyJ[A-Za-z0-9_-]{8,1024}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*'
)

discard=0 # 1 while measure runs a warm-up: printed, not counted
# pair REF AUD: a case's two commands back to back, the reference first in
# odd runs and auditor first in even ones, so that a machine slowing down
# or speeding up over a run does not favour either side; before the first
# run (of two or more), each once as a warm-up
pair() {
	if [ "$run" = 1 ] && [ "$repeat" -gt 1 ]; then
		discard=1
		"$1"
		"$2"
		discard=0
	fi
	if [ $((run % 2)) = 1 ]; then
		"$1"
		"$2"
	else
		"$2"
		"$1"
	fi
}

prose=$work/prose.jsonl
# shellcheck disable=SC2317 # (the case functions are run by pair)
for ((run = 1; run <= repeat; run++)); do
	[ "$repeat" -gt 1 ] && say "run $run of $repeat"
	if want gz; then
		warm "$prose.gz"
		gz_ref() {
			measure gz "pigz -dc" ref "$(size "$prose")" "" -- \
				pigz -dc "$prose.gz"
		}
		gz_aud() {
			measure gz auditor aud "$(size "$prose")" \
				"$work/db/gz.db" -- "${scan[@]}" \
				--db "$work/db/gz.db" "$prose.gz"
			cp "$work/last.tsv" "$work/gz-run.tsv"
		}
		pair gz_ref gz_aud
	fi
	if want zst; then
		warm "$prose.zst"
		zst_ref() {
			measure zst "zstd -dc" ref "$(size "$prose")" "" -- \
				zstd -q -dc "$prose.zst"
		}
		zst_aud() {
			measure zst auditor aud "$(size "$prose")" \
				"$work/db/zst.db" -- "${scan[@]}" \
				--db "$work/db/zst.db" "$prose.zst"
		}
		pair zst_ref zst_aud
	fi
	if want rg; then
		rg_args=()
		for p in "${rg_patterns[@]}"; do rg_args+=(-e "$p"); done
		warm "$prose"
		rg_ref() {
			NOTE_STDOUT=" matches" measure rg \
				"rg --no-unicode (15 -e)" ref "$(size "$prose")" \
				"" -- rg --no-unicode --count-matches \
				"${rg_args[@]}" "$prose"
		}
		rg_aud() {
			measure rg "auditor -e (15)" aud "$(size "$prose")" \
				"$work/db/rg.db" -- "${scan[@]}" \
				--db "$work/db/rg.db" -e "$rg_entities" "$prose"
		}
		pair rg_ref rg_aud
	fi
	if want bias; then
		csv=$work/bias.csv
		# An auditor without --no-detect: the cheapest entity set stands
		# in for "no detection".
		nodet=(--no-detect)
		bias_tool="auditor --no-detect"
		# (grep -q would stop reading early: with pipefail, the
		# writer's SIGPIPE would read as "no such option")
		if ! "$aud" help scan 2>/dev/null | grep -c -- --no-detect \
			>/dev/null; then
			nodet=(-e PRIVATE_KEY)
			bias_tool="auditor -e PRIVATE_KEY"
		fi
		warm "$csv.gz"
		bias_ref() {
			measure bias "pandas read_csv+groupby" ref \
				"$(size "$csv")" "" -- "$PY" \
				"$here/bias_pandas.py" "$csv.gz" \
				"$work/bias-pandas.json"
		}
		bias_aud() {
			measure bias "$bias_tool" aud "$(size "$csv")" \
				"$work/db/bias.db" -- "${scan[@]}" \
				--db "$work/db/bias.db" "${nodet[@]}" -g race \
				-g sex --outcome outcome --positive 1 \
				--prediction prediction --predicted-positive 1 \
				"$csv.gz"
		}
		pair bias_ref bias_aud
		if [ "${nodet[0]}" != --no-detect ]; then
			note bias "$bias_tool" "this auditor has no --no-detect, so -e PRIVATE_KEY (the smallest entity set) stands in for no detection"
		fi
		check=$("$PY" "$here/bench_table.py" biascheck "$work/db/bias.db" \
			"$work/bias-pandas.json" 2>&1) || {
			echo "$check" >&2
			say "*** MISMATCH: auditor's bias counts differ from pandas ***"
		}
		note bias "$bias_tool" "$(echo "$check" | head -n 1)"
	fi
	if want threads; then
		shards=("$work"/shard[0-3].jsonl.gz)
		if "$aud" help scan 2>/dev/null | grep -c -- --threads >/dev/null; then
			warm "${shards[@]}"
			t_ref() {
				measure threads "auditor --threads 1" ref \
					"$(size "$prose")" "$work/db/t1.db" -- \
					"${scan[@]}" --threads 1 \
					--db "$work/db/t1.db" "${shards[@]}"
			}
			t_aud() {
				measure threads "auditor --threads 2" aud \
					"$(size "$prose")" "$work/db/t2.db" -- \
					"${scan[@]}" --threads 2 \
					--db "$work/db/t2.db" "${shards[@]}"
			}
			pair t_ref t_aud
		elif [ "$run" = 1 ]; then
			na threads "auditor --threads 2" "n/a (no --threads)"
		fi
	fi
	if want heavy; then
		heavy=$work/heavy.jsonl
		warm "$prose.gz" "$heavy.gz"
		h_aud() {
			measure heavy "auditor, findings-heavy" aud \
				"$(size "$heavy")" "$work/db/heavy.db" -- \
				"${scan[@]}" --db "$work/db/heavy.db" "$heavy.gz"
			rm -f "$work"/db/heavy.db*
		}
		if want gz; then # the same command: its run is reused
			reuse "$work/gz-run.tsv" heavy "auditor, clean prose" ref
			h_aud
		else
			h_ref() {
				measure heavy "auditor, clean prose" ref \
					"$(size "$prose")" "$work/db/clean.db" -- \
					"${scan[@]}" --db "$work/db/clean.db" \
					"$prose.gz"
			}
			pair h_ref h_aud
		fi
	fi
	if want rss; then
		small=$work/small.jsonl
		warm "$small.gz" "$prose.gz"
		measure rss "auditor, $((($(size "$small") + 500000) / 1000000)) MB" \
			ref "$(size "$small")" "$work/db/small.db" -- \
			"${scan[@]}" --db "$work/db/small.db" "$small.gz"
		large="auditor, $((($(size "$prose") + 500000) / 1000000)) MB"
		if want gz; then
			reuse "$work/gz-run.tsv" rss "$large" aud
		else
			measure rss "$large" aud "$(size "$prose")" \
				"$work/db/large.db" -- "${scan[@]}" \
				--db "$work/db/large.db" "$prose.gz"
		fi
	fi
done

echo >&2
md_args=()
[ -n "$markdown" ] && md_args=(--markdown "$markdown")
"$PY" "$here/bench_table.py" table "$results" "$info" "${md_args[@]}"
[ -n "$markdown" ] && say "Markdown table written to $markdown"
[ -n "$keep" ] && say "corpora kept in $work"
exit 0
