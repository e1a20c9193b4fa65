# A .json file holding one JSON array (pretty-printed by Python's json
# module, or on one line; plain, gzip and zstd) gives the findings the
# same records give as JSON Lines: the same entities, fields, hashes and
# record numbers, at the byte offsets where the values stand in the array
# file. The files row says "json". A credential named only by its field
# (GENERIC_SECRET in a "password" member) is found: read line by line, a
# pretty-printed array hid it. --threads does not change the rows; a cut
# array keeps what came before the cut; a large array is read in segments
# with the same rows; redact writes an array.
. "$AUD_SRC/tests/cli/lib.sh"

python3 - "$T" <<'PY'
import json, random, sys
random.seed(5)
d = sys.argv[1]
recs = []
for i in range(1, 401):
    r = {"id": i, "user": {"name": "user %d" % i},
         "text": "note, with [brackets] and {braces} and \"quotes\" %d" % i}
    if i % 3 == 0:
        r["user"]["email"] = "person%d@mailhub%d.net" % (i, i % 7)
    if i % 5 == 0:
        r["password"] = "Tr0ub4dor&%dxq" % (1000 + i)
    if i % 7 == 0:
        r["ssn"] = "536-22-%04d" % (1000 + i)
    if i % 11 == 0:
        r["tags"] = ["a", {"phone": "+1 415 555 %04d" % (2000 + i)}]
    recs.append(r)
with open(d + "/recs.jsonl", "w") as f:
    for r in recs:
        f.write(json.dumps(r) + "\n")
with open(d + "/pretty.json", "w") as f:
    json.dump(recs, f, indent=2)
    f.write("\n")
with open(d + "/flat.json", "w") as f:
    json.dump(recs, f)
# the values a finding may report, to find them in the array's bytes
with open(d + "/values", "w") as f:
    for r in recs:
        for k in ("password", "ssn"):
            if k in r:
                f.write(r[k] + "\n")
        if "email" in r["user"]:
            f.write(r["user"]["email"] + "\n")
PY
gzip -c "$T/pretty.json" >"$T/pretty.json.gz"
zstd -q -c "$T/pretty.json" -o "$T/pretty.json.zst"

Q="SELECT record, field, entity, pattern_id, evidence, masked, value_hash FROM findings ORDER BY record, field, entity, byte_offset"
run scan --db "$T/lines.db" --hash-key-file "$KEY" -q "$T/recs.jsonl"
expect_rc 0 "scan JSON Lines"
q "$T/lines.db" "$Q" >"$T/want"
N=$(wc -l <"$T/want")
[ "$N" -gt 200 ] && ok || bad "too few findings in the JSON Lines scan: $N"
expect_sql "$T/lines.db" "SELECT COUNT(*) FROM findings WHERE entity = 'GENERIC_SECRET' AND field = 'password'" 80 "passwords as JSON Lines"

for f in pretty.json flat.json pretty.json.gz pretty.json.zst; do
  run scan --db "$T/$f.db" --hash-key-file "$KEY" -q "$T/$f"
  expect_rc 0 "scan $f"
  expect_no_err . "$f: no message"
  q "$T/$f.db" "$Q" >"$T/got"
  if cmp -s "$T/want" "$T/got"; then ok; else
    bad "$f: findings differ from the JSON Lines scan"
    diff "$T/want" "$T/got" | head -5 >&2
  fi
  expect_sql "$T/$f.db" "SELECT format, records, status, problems FROM files" "json|400|ok|0" "$f files row"
done

# Every finding's byte offset and length pick its value out of the array
# file (values without escapes, so the bytes are the value's), and its
# line is the line that holds it.
q "$T/pretty.json.db" "SELECT byte_offset, length, line FROM findings WHERE entity IN ('GENERIC_SECRET', 'US_SSN', 'EMAIL_ADDRESS') ORDER BY byte_offset" >"$T/places"
python3 - "$T/pretty.json" "$T/places" "$T/values" <<'PY' && ok || bad "offsets in the array file"
import sys
data = open(sys.argv[1], "rb").read()
values = set(open(sys.argv[3]).read().split("\n")) - {""}
rows = [l.split("|") for l in open(sys.argv[2]).read().split()]
assert len(rows) > 200, len(rows)
for off, ln, line in rows:
    off, ln, line = int(off), int(ln), int(line)
    v = data[off:off + ln].decode()
    assert v in values, (off, v)
    # the record's line is the line of its element's '{', at or before
    # the value's
    assert line <= data[:off].count(b"\n") + 1, (off, line)
PY
# each record's line is the line of its element's opening brace
python3 - "$T/pretty.json" >"$T/starts" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
n = 0
for i, l in enumerate(lines, 1):
    if l == "  {":
        n += 1
        print("%d|%d" % (n, i))
PY
q "$T/pretty.json.db" "SELECT DISTINCT record, line FROM findings ORDER BY record" >"$T/lines_got"
awk -F'|' 'NR == FNR { at[$1] = $2; next } at[$1] != $2' "$T/starts" \
  "$T/lines_got" >"$T/badlines"
[ -s "$T/lines_got" ] && [ ! -s "$T/badlines" ] && ok || {
  bad "record lines differ from the element starts"; head -3 "$T/badlines" >&2; }

# --threads changes nothing.
for n in 1 3; do
  run scan --db "$T/t$n.db" --hash-key-file "$KEY" -q --threads $n "$T/pretty.json.gz"
  expect_rc 0 "--threads $n"
  q "$T/t$n.db" "SELECT record, line, field, byte_offset, length, entity, value_hash FROM findings ORDER BY finding_id" >"$T/t$n"
done
cmp -s "$T/t1" "$T/t3" && ok || bad "--threads 1 and 3 give different rows"

# --format json on JSON Lines reads JSON Lines; a .json file of JSON Lines
# too.
cp "$T/recs.jsonl" "$T/lines.json"
run scan --db "$T/lj.db" --hash-key-file "$KEY" -q "$T/lines.json"
expect_rc 0 ".json holding JSON Lines"
expect_sql "$T/lj.db" "SELECT format, records FROM files" "jsonl|400"
run scan --db "$T/fj.db" --hash-key-file "$KEY" -q --format json "$T/recs.jsonl"
expect_rc 0 "--format json on JSON Lines"
expect_sql "$T/fj.db" "SELECT format, records FROM files" "jsonl|400"
# from stdin, by content
run_in "$T/flat.json" scan --db "$T/in.db" --hash-key-file "$KEY" -q -
expect_rc 0 "an array on stdin"
q "$T/in.db" "$Q" >"$T/got"
cmp -s "$T/want" "$T/got" && ok || bad "stdin: findings differ"

# A cut array: the elements before the cut are kept, the cut one is
# scanned as raw text, the end is reported; exit 3.
head -c 20000 "$T/pretty.json" >"$T/cut.json"
run scan --db "$T/cut.db" --hash-key-file "$KEY" -q "$T/cut.json"
expect_rc 3 "cut array"
expect_err "cut\.json:[0-9]+ \(record [0-9]+, byte 20000\): invalid JSON: the input ends inside the JSON array \(no closing '\]'\)" "cut array message"
expect_sql "$T/cut.db" "SELECT status, records > 40 FROM files" "warning|1"
K=$(q "$T/cut.db" "SELECT MAX(record) - 1 FROM files, findings")
q "$T/cut.db" "$Q" | awk -F'|' -v k="$K" '$1 <= k' >"$T/cutgot"
awk -F'|' -v k="$K" '$1 <= k' "$T/want" >"$T/cutwant"
[ -s "$T/cutwant" ] && cmp -s "$T/cutwant" "$T/cutgot" && ok ||
  bad "cut array: the whole records before the cut differ"

# redact writes an array: the same elements and members, the values with
# findings replaced (each by a marker naming its entity), the rest and the
# layout between elements as they were; a scan of the copy finds nothing
# above the placeholder level. gzip in, gzip out.
for f in pretty.json flat.json pretty.json.gz; do
  run redact --hash-key-file "$KEY" "$T/$f" -o "$T/copy.$f"
  expect_rc 0 "redact $f"
  run scan --db "$T/copy.$f.db" --hash-key-file "$KEY" -q "$T/copy.$f"
  expect_rc 0 "scan the copy of $f"
  expect_sql "$T/copy.$f.db" "SELECT COUNT(*) FROM findings WHERE evidence <> 'placeholder'" 0 "$f copy: findings"
done
python3 - "$T/pretty.json" "$T/copy.pretty.json" "$T/copy.pretty.json.gz" <<'PY' && ok || bad "the redacted array"
import gzip, json, sys
a = json.load(open(sys.argv[1]))
b = json.load(open(sys.argv[2]))
assert json.load(gzip.open(sys.argv[3], "rt")) == b
assert len(a) == len(b) == 400
changed = 0
for x, y in zip(a, b):
    assert x.keys() == y.keys(), (x, y)
    assert x["id"] == y["id"] and x["text"] == y["text"]
    for k in ("password", "ssn"):
        if k in x:
            assert y[k] != x[k] and y[k].startswith("<"), (k, y[k])
            changed += 1
    if "email" in x["user"]:
        assert y["user"]["email"] == "<EMAIL_ADDRESS>", y["user"]
        changed += 1
    if "tags" in x:
        assert y["tags"] == ["a", {"phone": "<PHONE_NUMBER>"}], y["tags"]
        changed += 1
assert changed > 200, changed
# what lies between the elements is untouched: the copy has the input's
# lines (the redacted values apart)
la = open(sys.argv[1]).read().split("\n")
lb = open(sys.argv[2]).read().split("\n")
assert len(la) == len(lb)
assert sum(p != q for p, q in zip(la, lb)) == changed, "other lines changed"
PY
# an element over --max-record-bytes would reach the copy unredacted:
# nothing is written
python3 -c 'import json; print(json.dumps([{"a": 1}, {"big": "x" * 3000, "ssn": "536-22-1234"}, {"b": 2}]))' >"$T/big.json"
run redact --hash-key-file "$KEY" --max-record-bytes 1K "$T/big.json" -o "$T/copy.big.json"
expect_rc 4 "redact with an element over the limit"
expect_err "nothing written"
[ ! -e "$T/copy.big.json" ] && ok || bad "a copy with an element over the limit"

# A large array (about 2.5 MB: the scanner cuts it into segments at the ','
# between elements, which the threads read apart): pretty-printed, on one
# line, gzip; each gives the findings the same records give as JSON
# Lines, every value at its byte offset in the array file and every record
# on the line of its element's '{' (one line: all on line 1), and the same
# rows for --threads 1, 2 and 3. A record whose element spans a cut would
# be missing or doubled, and a cut in a line would shift the lines after.
python3 - "$T" <<'PY'
import json, sys
d = sys.argv[1]
recs = []
for i in range(1, 12001):
    r = {"id": i, "text": "row %d, with [brackets], {braces}, \"quotes\", "
         "commas, and a backslash \\ here" % i, "n": [i, [i % 5], {"k": i}]}
    if i % 3 == 0:
        r["email"] = "big%d@mailhub%d.net" % (i, i % 7)
    if i % 10 == 0:
        r["ssn"] = "536-22-%04d" % (1000 + i % 9000)
    recs.append(r)
with open(d + "/big.jsonl", "w") as f:
    for r in recs:
        f.write(json.dumps(r) + "\n")
with open(d + "/big.json", "w") as f:
    json.dump(recs, f, indent=2)
with open(d + "/bigflat.json", "w") as f:
    json.dump(recs, f)
PY
gzip -c "$T/big.json" >"$T/big.json.gz"
[ "$(wc -c <"$T/big.json")" -gt 2000000 ] && ok || bad "big.json is too small to be cut"
run scan --db "$T/big.db" --hash-key-file "$KEY" -q "$T/big.jsonl"
expect_rc 0 "scan the large JSON Lines"
q "$T/big.db" "$Q" >"$T/bigwant"
[ "$(wc -l <"$T/bigwant")" -gt 3500 ] && ok || bad "too few findings in big.jsonl"
R="SELECT record, line, field, byte_offset, length, entity, value_hash FROM findings ORDER BY finding_id"
F="SELECT format, records, problems, status, bytes_decoded FROM files"
for f in big.json bigflat.json big.json.gz; do
  for n in 1 2 3; do
    run scan --db "$T/$f.$n.db" --hash-key-file "$KEY" -q --threads $n "$T/$f"
    expect_rc 0 "scan $f --threads $n"
    q "$T/$f.$n.db" "$Q" >"$T/got"
    cmp -s "$T/bigwant" "$T/got" && ok || {
      bad "$f --threads $n: findings differ from the JSON Lines scan"
      diff "$T/bigwant" "$T/got" | head -5 >&2; }
    { q "$T/$f.$n.db" "$R"; q "$T/$f.$n.db" "$F"
      q "$T/$f.$n.db" "SELECT * FROM fields ORDER BY rowid"; } >"$T/$f.$n.rows"
  done
  cmp -s "$T/$f.1.rows" "$T/$f.2.rows" && cmp -s "$T/$f.1.rows" "$T/$f.3.rows" &&
    ok || bad "$f: --threads 1, 2 and 3 give different rows"
done
expect_sql "$T/big.json.1.db" "SELECT format, records, problems, status FROM files" "json|12000|0|ok" "big.json files row"
expect_sql "$T/bigflat.json.2.db" "SELECT format, records, problems, status FROM files" "json|12000|0|ok" "bigflat.json files row"
for f in big.json bigflat.json; do
  q "$T/$f.2.db" "SELECT record, line, byte_offset, length FROM findings WHERE entity IN ('EMAIL_ADDRESS', 'US_SSN') ORDER BY finding_id" >"$T/$f.places"
  python3 - "$T/$f" "$T/$f.places" <<'PY' && ok || bad "$f: places in the array file"
import json, sys
data = open(sys.argv[1], "rb").read()
recs = json.loads(data)
# each element's '{' and its line: depth-1 objects, found by walking the
# text (strings skipped)
starts, depth, ins, esc = [], 0, False, False
for i, c in enumerate(data):
    if ins:
        if esc: esc = False
        elif c == 0x5C: esc = True
        elif c == 0x22: ins = False
    elif c == 0x22: ins = True
    elif c in b"[{":
        if depth == 1: starts.append(i)
        depth += 1
    elif c in b"]}": depth -= 1
assert len(starts) == len(recs) == 12000, len(starts)
rows = [tuple(map(int, l.split("|"))) for l in open(sys.argv[2]).read().split()]
assert len(rows) > 3500, len(rows)
for rec, line, off, ln in rows:
    r = recs[rec - 1]
    v = data[off:off + ln].decode()
    assert v in (r.get("email"), r.get("ssn")), (rec, off, v)
    assert starts[rec - 1] <= off, (rec, off)
    assert rec == 12000 or off < starts[rec], (rec, off)
    assert line == data[:starts[rec - 1]].count(b"\n") + 1, (rec, line)
PY
done
# cut short inside an element: the end is reported on the input's last
# line, at its last byte, for any --threads
head -c 2345678 "$T/big.json" >"$T/bigcut.json"
L=$(python3 -c 'import sys; print(open(sys.argv[1], "rb").read().count(b"\n") + 1)' "$T/bigcut.json")
for n in 1 2; do
  run scan --db "$T/bigcut.$n.db" --hash-key-file "$KEY" -q --threads $n "$T/bigcut.json"
  expect_rc 3 "a large cut array, --threads $n"
  expect_err "bigcut\.json:$L \(record [0-9]+, byte 2345678\): invalid JSON: the input ends inside the JSON array" "a large cut array's message, --threads $n"
done
# cut short right after a ',' that is the 1,048,576th byte: the scanner
# cuts there (a piece is 1 MiB) and the segment after the cut is empty;
# the end is still on the line of that ','
python3 - "$T/big.json" "$T/bigcomma.json" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
k = d.rindex(b"\n  }", 0, 1 << 20) + 4  # an element's closing brace
open(sys.argv[2], "wb").write(d[:k] + b" " * ((1 << 20) - 1 - k) + b",")
PY
read -r B L N < <(python3 -c 'import sys, json; d = open(sys.argv[1], "rb").read(); print(len(d), d.count(b"\n") + 1, len(json.loads(d[:-1] + b"]")))' "$T/bigcomma.json")
[ "$B" = 1048576 ] && ok || bad "bigcomma.json has $B bytes"
for n in 1 2; do
  run scan --db "$T/bigcomma.$n.db" --hash-key-file "$KEY" -q --threads $n "$T/bigcomma.json"
  expect_rc 3 "an array cut after a ',', --threads $n"
  expect_err "bigcomma\.json:$L \(record $N, byte $B\): invalid JSON: the input ends inside the JSON array" "an array cut after a ',': the message, --threads $n"
  expect_sql "$T/bigcomma.$n.db" "SELECT records, status FROM files" "$N|warning" "an array cut after a ',': files row, --threads $n"
done

# overlap reads arrays: the same records as train and test all overlap.
run overlap --db "$T/ov.db" --hash-key-file "$KEY" --key id --train "$T/pretty.json" --test "$T/recs.jsonl"
expect_rc 0 "overlap with an array"
expect_sql "$T/ov.db" "SELECT train_records, test_in_train FROM overlap_runs" "400|400"

finish
