# Hostile inputs (issue 6, point 3): each is scanned by the real binary and
# gets its expected exit code, message and files row; memory stays bounded
# and nothing hangs (every run is under `timeout`). Data is made here.
. "$AUD_SRC/tests/cli/lib.sh"
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }

# scan NAME ARGS...: scans into $T/NAME.db with a 120 s guard; peak RSS
# (KB) of the auditor goes to $RSS when /usr/bin/time is there, else 0.
scan() {
  local name=$1
  shift
  DB="$T/$name.db"
  if [ -x /usr/bin/time ]; then
    timeout 120 /usr/bin/time -f '%M' -o "$T/.rss" \
      "$AUDITOR" scan -q --db "$DB" --hash-key-file "$KEY" "$@" >"$OUT" 2>"$ERR"
    RC=$?
    RSS=$(tail -1 "$T/.rss")
    case $RSS in '' | *[!0-9]*) RSS=0 ;; esac
  else
    timeout 120 "$AUDITOR" scan -q --db "$DB" --hash-key-file "$KEY" "$@" >"$OUT" 2>"$ERR"
    RC=$?
    RSS=0
  fi
}
# rss_below MB LABEL: the last scan's peak RSS stayed under MB megabytes.
# Under AddressSanitizer (shadow memory, quarantine) RSS says nothing about
# the program's own memory, so the check is made in the plain build only.
rss_below() {
  if [ "${AUD_SANITIZE:-OFF}" = ON ]; then echo "note: $2: RSS not checked under sanitizers"; return; fi
  if [ "$RSS" -lt $(($1 * 1024)) ]; then ok; else bad "$2: peak RSS ${RSS} KB, want < $1 MB"; fi
}
row() { q "$DB" "SELECT $1 FROM files"; }

# 1. gzip bomb: one real record, then 34 gzip members of 64 MiB of zeros
# each (~1028:1, 2.2 MB on disk, 2.1 GiB decoded; multi-member so it is
# made in a fraction of a second). The default --max-ratio (200) stops
# it just past 1 GiB; the finding before it is kept.
python3 - "$T/bomb.jsonl.gz" <<'EOF'
import sys, zlib
def gz(b):
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    return c.compress(b) + c.flush()
z = gz(bytes(64 << 20))
with open(sys.argv[1], "wb") as f:
    f.write(gz(b'{"e":"bomb.before@gmail.com"}\n'))
    for _ in range(34):
        f.write(z)
EOF
scan bomb "$T/bomb.jsonl.gz"
expect_rc 3 "bomb"
expect_err 'bomb\.jsonl\.gz:[0-9]+ \(record 2, byte [0-9]+\): decompression ratio over 200:1 after [0-9]+ bytes \(a decompression bomb\?\); raise --max-ratio to read it \(input failed\)' "bomb: message"
expect_eq "$(row status)" failed "bomb: status"
expect_sql "$DB" "SELECT error LIKE 'decompression ratio over 200:1 after %', bytes_decoded > 1073741824, bytes_decoded < 1200000000, error_offset = bytes_decoded FROM files" "1|1|1|1" "bomb: files row"
expect_sql "$DB" "SELECT record, field FROM findings" "1|e" "bomb: finding kept"
expect_sql "$DB" "SELECT status FROM runs" complete "bomb: run"
rss_below 200 "bomb"
# --max-decoded-bytes stops it first, reported as such.
scan bomb_max "$T/bomb.jsonl.gz" --max-decoded-bytes 100M
expect_rc 3 "bomb max"
expect_err 'decoded size exceeds --max-decoded-bytes \(104857600 bytes\) \(input failed\)' "bomb max: message"
expect_sql "$DB" "SELECT status, bytes_decoded FROM files" "failed|104857600" "bomb max: row"
# --max-ratio 0 lifts the guard: all 2.1 GiB are read (the 2 GiB line of
# zeros is one over-long record, skipped with a problem).
scan bomb_off "$T/bomb.jsonl.gz" --max-ratio 0
expect_rc 3 "bomb off"
expect_sql "$DB" "SELECT status, bytes_decoded FROM files" "warning|$((34 * 64 * 1048576 + 30))" "bomb off: row"
expect_sql "$DB" "SELECT kind, record, line, byte_offset FROM problems" "too_long|2|2|30" "bomb off: problem"
rm -f "$T/bomb.jsonl.gz"

# 2. A 100 MB single line. JSONL: skipped with a problem, the next line is
# scanned; CSV: the file ends there (no safe place to resync), earlier
# rows kept. Neither buffers the line: peak RSS well under 100 MB.
{ printf '{"a":"l.one@gmail.com"}\n{"big":"'; head -c 100000000 /dev/zero | tr '\0' z; printf '"}\n{"c":"l.three@gmail.com"}\n'; } >"$T/long.jsonl"
scan long "$T/long.jsonl"
expect_rc 3 "100 MB jsonl"
# Line 2 starts at byte 24 (line 1 is 23 bytes and a newline).
expect_err 'long\.jsonl:2 \(record 2, byte 24\): record exceeds --max-record-bytes \(16777216\)' "100 MB jsonl: message"
expect_sql "$DB" "SELECT status, records FROM files" "warning|2" "100 MB jsonl: row"
expect_sql "$DB" "SELECT record, field FROM findings ORDER BY record" "1|a
3|c" "100 MB jsonl: findings"
rss_below 80 "100 MB jsonl"
rm -f "$T/long.jsonl"
{ printf 'id,v\n1,l.one@gmail.com\n2,'; head -c 100000000 /dev/zero | tr '\0' z; printf '\n3,l.three@gmail.com\n'; } >"$T/long.csv"
scan long_csv "$T/long.csv"
expect_rc 3 "100 MB csv"
# Row 2 starts at byte 23: header 5 bytes, row 1 18 bytes.
expect_err 'long\.csv:3 \(record 2, byte 23\): record exceeds --max-record-bytes \(16777216\) \(input failed\)' "100 MB csv: message"
expect_sql "$DB" "SELECT status, error FROM files" "failed|record exceeds --max-record-bytes (16777216)" "100 MB csv: row"
expect_sql "$DB" "SELECT record, field FROM findings" "1|v" "100 MB csv: findings"
rss_below 80 "100 MB csv"
rm -f "$T/long.csv"

# 3. JSON nested a million levels deep, as arrays and as objects: no stack
# overflow, a clear problem at the byte that passes 1000 levels, the line
# is skipped and the next one scanned.
python3 -c '
import sys
n = 1000000
sys.stdout.write("{\"a\":\"n.one@gmail.com\"}\n{\"deep\":" + "[" * n + "1" + "]" * n + "}\n{\"c\":\"n.three@gmail.com\"}\n")' >"$T/deep.jsonl"
scan deep "$T/deep.jsonl"
expect_rc 3 "deep arrays"
# Line 2 starts at 24; '{"deep":' is depth 1 and bytes 24-31, so the
# 1000th '[' (depth 1001) is byte 32 + 999 = 1031.
expect_err 'deep\.jsonl:2 \(record 2, byte 1031\): invalid JSON: nesting deeper than 1000 levels' "deep arrays: message"
expect_sql "$DB" "SELECT record, field FROM findings ORDER BY record" "1|a
3|c" "deep arrays: findings"
expect_sql "$DB" "SELECT kind, record, line, byte_offset FROM problems" "json|2|2|1031" "deep arrays: problem"
rss_below 100 "deep arrays"
python3 -c '
import sys
n = 1000000
sys.stdout.write("{\"a\":\"n.one@gmail.com\"}\n" + "{\"d\":" * n + "1" + "}" * n + "\n{\"c\":\"n.three@gmail.com\"}\n")' >"$T/deep2.jsonl"
scan deep2 "$T/deep2.jsonl"
expect_rc 3 "deep objects"
# Each level is the 5 bytes '{"d":'; level 1001 starts at 24 + 5 * 1000.
expect_err 'deep2\.jsonl:2 \(record 2, byte 5024\): invalid JSON: nesting deeper than 1000 levels' "deep objects: message"
expect_sql "$DB" "SELECT status, records FROM files" "warning|3" "deep objects: row"

# 4. NUL bytes in JSONL: raw NUL inside a string and a line that is one
# NUL. Both reported; the first is still scanned as unparsed text.
printf '{"a":"z.one@gmail.com"}\n{"b":"x\0y z.two@gmail.com"}\n\0\n{"c":"z.three@gmail.com"}\n' >"$T/nul.jsonl"
scan nul "$T/nul.jsonl"
expect_rc 3 "nul"
# Line 2 starts at 24, the NUL is its 8th byte; line 3 starts at 52.
expect_err 'nul\.jsonl:2 \(record 2, byte 31\): NUL byte' "nul: message"
expect_err 'nul\.jsonl:3 \(record 3, byte 52\): NUL byte' "nul line: message"
expect_sql "$DB" "SELECT kind, record, byte_offset FROM problems ORDER BY rowid" "nul|2|31
json|2|31
nul|3|52
json|3|52" "nul: problems"
expect_sql "$DB" "SELECT record, field FROM findings ORDER BY record" "1|a
2|(unparsed)
4|c" "nul: findings"

# 5. Invalid and overlong UTF-8: C0 AF (an overlong '/'), a UTF-16
# surrogate ED A0 80 and a 5-byte form F8 88 80 80 80. Reported at the
# first bad byte; the records are still scanned.
printf '{"a":"u.one@gmail.com"}\n{"b":"\xc0\xaf u.two@gmail.com"}\n{"c":"\xed\xa0\x80 \xf8\x88\x80\x80\x80 u.three@gmail.com"}\n' >"$T/utf.jsonl"
scan utf "$T/utf.jsonl"
expect_rc 3 "utf8"
# Line 2 starts at 24, C0 is at 24 + 6; line 3 starts at 51, ED at 57.
expect_err 'utf\.jsonl:2 \(record 2, byte 30\): invalid UTF-8 at byte 30' "overlong: message"
expect_err 'utf\.jsonl:3 \(record 3, byte 57\): invalid UTF-8 at byte 57' "surrogate: message"
expect_sql "$DB" "SELECT status FROM files" warning "utf8: status"
expect_sql "$DB" "SELECT record, field FROM findings ORDER BY record" "1|a
2|b
3|c" "utf8: findings"
printf 'id,v\n1,\xc0\xaf o.one@gmail.com\n2,o.two@gmail.com\n' >"$T/over.csv"
scan over_csv "$T/over.csv"
expect_rc 3 "overlong csv"
expect_err 'over\.csv:2 \(record 1, byte 7\): invalid UTF-8 at byte 7' "overlong csv: message"
expect_sql "$DB" "SELECT COUNT(*) FROM findings" 2 "overlong csv: findings"

# 6. A CSV with 100,000 columns: read as is (the field limit is
# max-record-bytes / 16 = 1M fields), findings in the first and last
# columns, in bounded time and memory.
python3 -c '
import sys
n = 100000
sys.stdout.write(",".join("c%d" % i for i in range(n)) + "\n")
for r in range(3):
    row = [str(r)] * n
    row[5] = "x%d.col@gmail.com" % r
    row[n - 1] = "w%d.col@gmail.com" % r
    sys.stdout.write(",".join(row) + "\n")' >"$T/wide.csv"
START=$(date +%s)
scan wide "$T/wide.csv"
expect_rc 0 "wide csv"
expect_sql "$DB" "SELECT status, records FROM files" "ok|3" "wide csv: row"
expect_sql "$DB" "SELECT field, COUNT(*) FROM findings GROUP BY field ORDER BY field" "c5|3
c99999|3" "wide csv: findings"
[ $(($(date +%s) - START)) -lt 30 ] && ok || bad "wide csv took over 30 s"
rss_below 150 "wide csv"

# 7. A symbolic link loop in a scanned folder: reported, the rest scanned.
mkdir -p "$T/loop/in"
printf 'e\nlo.op@gmail.com\n' >"$T/loop/in/f.csv"
ln -s .. "$T/loop/in/up"
scan loop "$T/loop"
expect_rc 3 "symlink loop"
expect_err 'folder loop' "symlink loop: message"
expect_sql "$DB" "SELECT COUNT(*) FROM files WHERE status = 'failed' AND error LIKE '%loop%'" 1 "symlink loop: row"
expect_sql "$DB" "SELECT COUNT(*) FROM findings" 1 "symlink loop: finding"

# 8. A file that grows while it is read: a writer appends whole lines as
# fast as it can. The scan reads the file as it was when opened (so it
# ends), the files row is ok or warns that the file changed; no crash.
python3 -c '
import sys
for i in range(50000):
    sys.stdout.write("{\"id\":%d,\"v\":\"plain value %d\"}\n" % (i, i))
sys.stdout.write("{\"e\":\"grow.last@gmail.com\"}\n")' >"$T/grow.jsonl"
SZ=$(stat -c %s "$T/grow.jsonl")
python3 - "$T/grow.jsonl" <<'EOF' &
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND)
block = b'{"id":0,"e":"grow.er@gmail.com"}\n' * 200
end = time.time() + 30
while time.time() < end and os.fstat(fd).st_size < (300 << 20):
    os.write(fd, block)
    time.sleep(0.001)
EOF
WRITER=$!
scan grow "$T/grow.jsonl"
kill "$WRITER" 2>/dev/null
wait "$WRITER" 2>/dev/null
case $RC in 0 | 3) ok ;; *) bad "growing file: exit code $RC, want 0 or 3"; sed 's/^/  stderr: /' "$ERR" | head >&2 ;; esac
expect_sql "$DB" "SELECT status IN ('ok', 'warning'), bytes_decoded >= $SZ, records >= 50001 FROM files" "1|1|1" "growing file: row"
expect_sql "$DB" "SELECT COUNT(*) FROM findings WHERE record = 50001" 1 "growing file: finding at the end of the original"
expect_sql "$DB" "SELECT status FROM runs" complete "growing file: run"
rm -f "$T/grow.jsonl"

# 9. A user pattern with catastrophic backtracking: PCRE2's limits stop
# it, the input says so, the other findings are kept.
cat >"$T/cat.pat" <<'PAT'
id: catastrophic
entity: BAD_REGEX
description: nested quantifiers that backtrack exponentially
regex: (a+)+$
prefilter: literal aaaa
confidence: 0.1
window: 65536
match: aaaa
PAT
{ printf '{"e":"carl.v@gmail.com"}\n{"v":"'; head -c 5000 /dev/zero | tr '\0' a; printf 'b"}\n{"e":"dora.w@gmail.com"}\n'; } >"$T/cat.jsonl"
scan cat --patterns "$T/cat.pat" "$T/cat.jsonl"
expect_rc 3 "catastrophic pattern"
expect_err "cat\.jsonl.*not fully checked: a pattern hit PCRE2's match or depth limit" "catastrophic: message"
expect_sql "$DB" "SELECT kind FROM problems" pattern_limit "catastrophic: problem"
expect_sql "$DB" "SELECT COUNT(*) FROM findings WHERE entity = 'EMAIL_ADDRESS'" 2 "catastrophic: findings"

finish
