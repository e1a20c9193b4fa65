# The same records as plain, gzip, multi-member gzip, zstd, multi-frame zstd
# and gzip on stdin give the same findings, places and hashes; compression
# is told by magic bytes, not by name.
. "$AUD_SRC/tests/cli/lib.sh"

P="$T/data.jsonl"
python3 - "$P" <<'PY'
import random, sys
random.seed(11)
words = "the a of data model training record value field shard text".split()
cards = ["4556526018159081", "5425301661318608", "371491390996033"]
with open(sys.argv[1], "w") as f:
    for i in range(1, 3001):
        prose = " ".join(random.choice(words) for _ in range(random.randint(5, 60)))
        extra = ""
        if i % 7 == 0:
            extra = " mail user%d@mail%d.com" % (i, i % 13)
        if i % 11 == 0:
            extra += " card %s" % cards[i % 3]
        if i % 17 == 0:
            extra += " from 81.2.%d.%d" % (i % 200, i % 250 + 1)
        f.write('{"id":%d,"text":"%s%s","meta":{"n":%d}}\n' % (i, prose, extra, i))
PY
LINES=$(wc -l <"$P")
head -n 1500 "$P" >"$T/h1"; tail -n +1501 "$P" >"$T/h2"
gzip -c "$P" >"$T/data.jsonl.gz"
{ gzip -c "$T/h1"; gzip -c "$T/h2"; } >"$T/multi.jsonl.gz"
zstd -q -c "$P" >"$T/data.jsonl.zst"
{ zstd -q -c "$T/h1"; zstd -q -c "$T/h2"; } >"$T/multi.jsonl.zst"
cp "$T/data.jsonl.gz" "$T/misnamed.jsonl"   # gzip inside, plain name
cp "$T/data.jsonl.zst" "$T/noext"           # zstd, no extension at all

Q="SELECT record, line, field, byte_offset, length, entity, pattern_id, evidence, masked, value_hash FROM findings ORDER BY record, field, byte_offset, entity"
scan_to() { # scan_to DB INPUT [EXPECTED_COMPRESSION]
  run scan --db "$1" --hash-key-file "$KEY" -q "$2"
  expect_rc 0 "scan $2"
}
scan_to "$T/plain.db" "$P"
q "$T/plain.db" "$Q" >"$T/want"
N=$(wc -l <"$T/want")
[ "$N" -gt 500 ] && ok || bad "too few findings in the plain scan: $N"
expect_sql "$T/plain.db" "SELECT records, bytes_decoded FROM files" "$LINES|$(stat -c %s "$P")"

for v in data.jsonl.gz:gzip multi.jsonl.gz:gzip data.jsonl.zst:zstd \
         multi.jsonl.zst:zstd misnamed.jsonl:gzip noext:zstd; do
  f=${v%%:*}; comp=${v##*:}
  scan_to "$T/$f.db" "$T/$f"
  q "$T/$f.db" "$Q" >"$T/got"
  if cmp -s "$T/want" "$T/got"; then ok; else
    bad "$f: findings differ from the plain scan"; diff "$T/want" "$T/got" | head -5 >&2
  fi
  expect_sql "$T/$f.db" "SELECT compression, format, records, bytes_decoded, status FROM files" \
    "$comp|jsonl|$LINES|$(stat -c %s "$P")|ok" "$f"
  expect_sql "$T/$f.db" "SELECT sha256, size_bytes FROM files" \
    "$(sha256sum "$T/$f" | cut -d' ' -f1)|$(stat -c %s "$T/$f")" "$f hash"
done

# gzip on stdin.
run_in "$T/multi.jsonl.gz" scan --db "$T/stdin.db" --hash-key-file "$KEY" -q -
expect_rc 0 "stdin"
q "$T/stdin.db" "$Q" >"$T/got"
cmp -s "$T/want" "$T/got" && ok || bad "stdin: findings differ"
expect_sql "$T/stdin.db" "SELECT path, compression, format, sha256 FROM files" \
  "<stdin>|gzip|jsonl|$(sha256sum "$T/multi.jsonl.gz" | cut -d' ' -f1)"

# CSV too: plain and zstd agree.
C="$T/t.csv"
printf 'id,contact,comment\n' >"$C"
for i in $(seq 1 500); do
  printf '%d,user%d@corp%d.io,"call (415) 867-%04d, ok"\n' "$i" "$i" $((i % 9)) $((2000 + i)) >>"$C"
done
zstd -q -c "$C" >"$T/t.csv.zst"
scan_to "$T/c1.db" "$C"
scan_to "$T/c2.db" "$T/t.csv.zst"
q "$T/c1.db" "$Q" >"$T/want"
q "$T/c2.db" "$Q" >"$T/got"
cmp -s "$T/want" "$T/got" && ok || bad "csv vs csv.zst"
expect_sql "$T/c1.db" "SELECT COUNT(*) FROM findings WHERE entity='EMAIL_ADDRESS' AND field='contact'" 500

finish
