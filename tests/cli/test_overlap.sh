# auditor overlap: exact train/test overlap and duplicates within each
# split, checked against an independent Python computation
# (tests/overlap/oracle.py: its own gzip/zstd decoding, csv and json
# parsing, str.casefold and the Unicode White_Space list) on generated
# CSV and JSONL, plain, gzip and zstd made here; by key field and whole
# record; then bad inputs, stdin, usage errors, --fail-on, --max-memory,
# progress, and no raw value in the database.
. "$AUD_SRC/tests/cli/lib.sh"

PY=/usr/bin/python3
if ! $PY -c 'import sqlite3' 2>/dev/null || ! command -v zstd >/dev/null; then
  echo "SKIPPED: needs /usr/bin/python3 and zstd"
  exit 77
fi
G="$AUD_SRC/tests/overlap"
D="$T/d"
mkdir -p "$D"
$PY "$G/gen.py" 7 "$D"
gzip -k "$D/train2.jsonl"
zstd -q "$D/test1.jsonl"
TRAIN="$D/train1.csv $D/train2.jsonl.gz"
TEST="$D/test1.jsonl.zst $D/test2.csv"
DB="$T/o.db"

# compare RUN ORACLE-ARGS...: the run's counts and matches equal the oracle's.
compare() {
  local run=$1
  shift
  $PY "$G/oracle.py" "$@" >"$T/want.json"
  if $PY "$G/compare.py" "$DB" "$run" "$T/want.json" >"$T/cmp.txt"; then ok; else
    bad "run $run differs from the oracle: $(cat "$T/cmp.txt")"
  fi
}

# 1. By key field, gzip and zstd, CSV and JSONL mixed in each split.
run overlap --db "$DB" --hash-key-file "$KEY" --key text --train $TRAIN --test $TEST
expect_rc 0 "key text"
expect_out '^test in train +[0-9]+ records \([0-9.]+% of test\)' "summary"
expect_out '^train duplicates +[0-9]+ records'
compare 1 --key text --train $TRAIN --test $TEST
expect_sql "$DB" "SELECT status FROM runs WHERE run_id = 1" complete
expect_sql "$DB" "SELECT split, COUNT(*) FROM overlap_inputs WHERE run_id = 1 GROUP BY split" "test|2
train|2"
expect_sql "$DB" "SELECT compression, format, status FROM files WHERE run_id = 1 ORDER BY file_id" "plain|csv|ok
gzip|jsonl|ok
zstd|jsonl|ok
plain|csv|ok"
# Keys are 128-bit digests (32 hex) with a masked preview, never the text.
expect_sql "$DB" "SELECT COUNT(*) FROM overlap_matches WHERE run_id = 1 AND (length(key_hash) <> 32 OR masked IS NULL)" 0
expect_sql "$DB" "SELECT json_extract(options, '\$.command'), json_extract(options, '\$.key[0]') FROM runs WHERE run_id = 1" "overlap|text"
# auditor report shows an overlap run's results, read back from the tables
TIT=$(q "$DB" "SELECT test_in_train FROM overlap_runs WHERE run_id = 1")
[ "${TIT:-0}" -gt 0 ] && ok || bad "run 1 finds test records in train"
run report --db "$DB" --run 1
expect_out "^test in train +$TIT records" "text report of an overlap run"
run report --db "$DB" --run 1 --format markdown
expect_out '^## Train/test overlap' "markdown report of an overlap run"
expect_out "^\\| text \\| 0 \\| [0-9]+ \\| [0-9]+ \\| $TIT \\|" "markdown: test_in_train"
run report --db "$DB" --run 1 --format json
expect_eq "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["overlap"]["test_in_train"])' <"$OUT")" "$TIT" "json report: overlap.test_in_train"
run report --db "$DB" --run 1 --profile eu-ai-act --format markdown
expect_out '^## Training and testing data overlap' "eu-ai-act profile of an overlap run"
expect_out "^\\| text \\| [0-9]+ \\| [0-9]+ \\| $TIT \\|" "eu-ai-act: test in train"
run report --db "$DB" --run 1 --format html
python3 - "$OUT" "$TIT" "$(q "$DB" "SELECT COUNT(*) FROM overlap_matches WHERE run_id = 1")" <<'PY' && ok || bad "html report of an overlap run"
import re, sys
from html.parser import HTMLParser
page, tit, nmatch = open(sys.argv[1]).read(), sys.argv[2], int(sys.argv[3])
class Cells(HTMLParser):  # the cells of each section, by section id
    def __init__(self):
        super().__init__(); self.sec = None; self.cells = {}; self.cell = None
    def handle_starttag(self, tag, attrs):
        if tag == "section": self.sec = dict(attrs).get("id")
        if tag == "td": self.cell = ""
    def handle_data(self, data):
        if self.cell is not None: self.cell += data
    def handle_endtag(self, tag):
        if tag == "td":
            self.cells.setdefault(self.sec, []).append(self.cell); self.cell = None
p = Cells(); p.feed(page)
assert 'href="#overlap"' in page, "no link to the section"
row = p.cells["overlap"]
assert row[0] == "text" and row[3] == tit, row
assert len(p.cells["overlap-matches"]) == 6 * min(nmatch, 50), len(p.cells["overlap-matches"])
PY

# 2. Whole records (all values in order) and two key fields.
run overlap --db "$DB" --hash-key-file "$KEY" -q --train $TRAIN --test $TEST
expect_rc 0 "whole record"
compare 2 --train $TRAIN --test $TEST
expect_sql "$DB" "SELECT key IS NULL FROM overlap_runs WHERE run_id = 2" 1
run overlap --db "$DB" --hash-key-file "$KEY" -q --key label --key text --train $TRAIN --test $TEST
compare 3 --key label --key text --train $TRAIN --test $TEST
expect_sql "$DB" "SELECT key FROM overlap_runs WHERE run_id = 3" "label,text"

# The same key under the same hash key gives the same digest across runs;
# the summary is read back from the database, so --json agrees with it.
expect_sql "$DB" "SELECT COUNT(*) FROM overlap_matches a JOIN overlap_matches b ON a.file_id + 4 = b.file_id AND a.record = b.record AND a.kind = b.kind WHERE a.run_id = 1 AND b.run_id = 3 AND a.key_hash = b.key_hash" 0 "different keys, different digests"
run overlap --db "$DB" --hash-key-file "$KEY" --json --key text --train $TRAIN --test $TEST
expect_rc 0
$PY - "$OUT" "$DB" <<'PY' && ok || bad "--json disagrees with the database"
import json, sqlite3, sys
j = json.load(open(sys.argv[1]))
con = sqlite3.connect(sys.argv[2])
r = con.execute("SELECT test_in_train, train_duplicates, test_duplicates, test_records FROM overlap_runs WHERE run_id = ?", (j["run_id"],)).fetchone()
assert (j["test_in_train"], j["train_duplicates"], j["test_duplicates"], j["test_records"]) == r, (j, r)
n = con.execute("SELECT COUNT(*) FROM overlap_matches WHERE run_id = ?", (j["run_id"],)).fetchone()[0]
assert len(j["matches"]) == n and j["near"] is False
h1 = con.execute("SELECT group_concat(key_hash) FROM (SELECT key_hash FROM overlap_matches WHERE run_id = 1 ORDER BY match_id)").fetchone()
h4 = con.execute("SELECT group_concat(key_hash) FROM (SELECT key_hash FROM overlap_matches WHERE run_id = ? ORDER BY match_id)", (j["run_id"],)).fetchone()
assert h1 == h4, "same key, same digest"
PY

# 3. --max-locations caps the places kept, never the counts.
run overlap --db "$DB" --hash-key-file "$KEY" -q --key text --max-locations 3 --train $TRAIN --test $TEST
expect_sql "$DB" "SELECT kind, COUNT(*) FROM overlap_matches WHERE run_id = 5 GROUP BY kind ORDER BY kind" "test_duplicate|3
test_in_train|3
train_duplicate|3"
expect_sql "$DB" "SELECT a.test_in_train = b.test_in_train, a.train_duplicates = b.train_duplicates FROM overlap_runs a, overlap_runs b WHERE a.run_id = 1 AND b.run_id = 5" "1|1"

# 4. --fail-on: exit 1 when a rule holds; each broken rule on stderr.
run overlap --db "$DB" --hash-key-file "$KEY" -q --key text --fail-on 'overlap>0,test_duplicates.share>0.99' --train $TRAIN --test $TEST
expect_rc 1 "--fail-on overlap>0"
expect_err "^auditor: --fail-on: overlap>0: [0-9]+ records$"
expect_no_err "test_duplicates.share"
run overlap --db "$DB" --hash-key-file "$KEY" -q --key text --fail-on 'overlap.share>0.99' --train $TRAIN --test $TEST
expect_rc 0 "--fail-on not broken"
run overlap --db "$DB" --hash-key-file "$KEY" -q --key text --fail-on any --train "$D/train1.csv" --test "$D/train1.csv"
expect_rc 1 "--fail-on any"

# 5. Bad inputs: a truncated gzip train file and an invalid JSON line in
# test. Each gets a message with file, line, record and byte; the rest is
# compared as usual (the oracle decodes the cut gzip as far as it goes);
# the exit code is 3, as for scan.
head -c $(( $(stat -c %s "$D/train2.jsonl.gz") / 2 )) "$D/train2.jsonl.gz" >"$D/cut.jsonl.gz"
{ head -n 5 "$D/test1.jsonl"; printf '{"text": "broken",}\n'; tail -n +6 "$D/test1.jsonl"; } >"$D/badline.jsonl"
DB="$T/bad.db"
run overlap --db "$DB" --hash-key-file "$KEY" --key text --train "$D/train1.csv" "$D/cut.jsonl.gz" --test "$D/badline.jsonl"
expect_rc 3 "bad inputs"
expect_err "cut.jsonl.gz:[0-9]+ \(record [0-9]+, byte [0-9]+\): truncated gzip.*\(input failed\)"
expect_err "badline.jsonl:6 \(record 6, byte [0-9]+\): invalid JSON"
expect_out "inputs with problems"
expect_sql "$DB" "SELECT status FROM files ORDER BY file_id" "ok
failed
warning"
expect_sql "$DB" "SELECT p.kind, p.record, p.line FROM problems p JOIN files f USING (file_id) WHERE f.path LIKE '%badline%'" "json|6|6"
# The line the cut ends in is still read (an invalid JSON line there).
expect_sql "$DB" "SELECT p.kind, p.record = f.records FROM problems p JOIN files f USING (file_id) WHERE f.path LIKE '%cut%'" "json|1"
expect_sql "$DB" "SELECT error_offset = bytes_decoded FROM files WHERE path LIKE '%cut%'" 1
expect_sql "$DB" "SELECT status FROM runs" complete
compare 1 --key text --train "$D/train1.csv" "$D/cut.jsonl.gz" --test "$D/badline.jsonl"
# Whole record: the unparsed line is compared as its raw text.
run overlap --db "$DB" --hash-key-file "$KEY" -q --train "$D/train1.csv" "$D/cut.jsonl.gz" --test "$D/badline.jsonl"
expect_rc 3
compare 2 --train "$D/train1.csv" "$D/cut.jsonl.gz" --test "$D/badline.jsonl"
# A missing input and an empty one: recorded, the others still compared.
: >"$D/empty.csv"
run overlap --db "$DB" --hash-key-file "$KEY" -q --key text --train "$D/train1.csv" "$D/gone.csv" --test "$D/empty.csv" "$D/test2.csv"
expect_rc 3 "missing and empty"
expect_err "gone.csv.*(No such file|cannot open)"
expect_err "empty.csv.*empty input"
expect_sql "$DB" "SELECT status FROM files WHERE run_id = 3 ORDER BY file_id" "ok
failed
warning
ok"
compare 3 --key text --train "$D/train1.csv" --test "$D/test2.csv"

# 6. stdin as the test split: same counts; the first occurrence of a
# repeat within stdin cannot be found again, so its place is NULL.
DB="$T/o.db"
run_in "$D/test2.csv" overlap --db "$DB" --hash-key-file "$KEY" -q --key text --train "$D/train1.csv" --test -
expect_rc 0 "stdin"
R=$(q "$DB" "SELECT MAX(run_id) FROM runs")
expect_sql "$DB" "SELECT path FROM files WHERE run_id = $R ORDER BY file_id" "$D/train1.csv
<stdin>"
$PY "$G/oracle.py" --key text --train "$D/train1.csv" --test "$D/test2.csv" >"$T/w.json"
W=$($PY -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["test_in_train"], j["test_duplicates"])' "$T/w.json")
expect_sql "$DB" "SELECT test_in_train || ' ' || test_duplicates FROM overlap_runs WHERE run_id = $R" "$W"
expect_sql "$DB" "SELECT COUNT(*) FROM overlap_matches WHERE run_id = $R AND kind = 'test_duplicate' AND first_file_id IS NOT NULL" 0
expect_sql "$DB" "SELECT COUNT(*) FROM overlap_matches WHERE run_id = $R AND kind = 'test_in_train' AND first_line IS NULL" 0

# 7. Usage errors: exit 2, one line and the hint.
for args in "--train $D/train1.csv" "--test $D/train1.csv" "$D/train1.csv --train $D/train1.csv --test $D/test2.csv" \
  "--train - --test -" "--jaccard 0.5 --train $D/train1.csv --test $D/test2.csv" \
  "--near --jaccard 1.5 --train $D/train1.csv --test $D/test2.csv" \
  "--fail-on overlap --train $D/train1.csv --test $D/test2.csv" \
  "--fail-on US_SSN>0 --train $D/train1.csv --test $D/test2.csv" "--bogus"; do
  run overlap --db "$T/u.db" $args
  expect_rc 2 "usage: $args"
  expect_err "Try 'auditor --help'" "usage hint: $args"
done
[ ! -e "$T/u.db" ] && ok || bad "a usage error created the database"

# 8. --max-memory: a clear error, not a crash; the run is marked failed.
$PY -c '
for i in range(200000):
    print("row number %d of many" % i)
' | sed '1i text' >"$D/many.csv"
run overlap --db "$T/m.db" --hash-key-file "$KEY" --key text --max-memory 1M --train "$D/many.csv" --test "$D/test2.csv"
expect_rc 3 "--max-memory"
expect_err "passed --max-memory \(1 MiB\) after [0-9]+ distinct keys"
expect_sql "$T/m.db" "SELECT status FROM runs" failed
expect_sql "$T/m.db" "SELECT status FROM files ORDER BY file_id LIMIT 1" failed
# Without the cap the same run fits, and says how much the table took.
run overlap --db "$T/m.db" --hash-key-file "$KEY" --key text --train "$D/many.csv" --test "$D/test2.csv"
expect_rc 0 "no --max-memory"
expect_sql "$T/m.db" "SELECT train_distinct, memory_bytes BETWEEN 200000 * 16 AND 200000 * 16 * 3 FROM overlap_runs" "200000|1"
# Out of address space (the plain build only: ASan reserves terabytes).
if [ "${AUD_SANITIZE:-OFF}" != ON ]; then
  $PY -c '
for i in range(3000000):
    print("another row %d" % i)
' | sed '1i text' >"$D/huge.csv"
  (ulimit -v 100000; "$AUDITOR" overlap --db "$T/v.db" --hash-key-file "$KEY" --key text \
    --train "$D/huge.csv" --test "$D/test2.csv" >"$OUT" 2>"$ERR")
  RC=$?
  expect_rc 3 "out of memory"
  expect_err "out of memory growing the key table to [0-9]+ MiB after [0-9]+ distinct keys"
  rm -f "$D/huge.csv"
fi

# 9. No raw value in the database: the words of the texts appear nowhere
# (previews keep a first letter only).
sqlite3 "$T/o.db" .dump >"$T/dump.sql"
for w in straße strasse σίσυφοσ ΣΊΣΥΦΟΣ привет gamma delta; do
  grep -qi -- "$w" "$T/dump.sql" && bad "raw value '$w' in the database" || ok
done

# 10. Progress on a terminal, with the overlap's unit; help and man page.
if command -v script >/dev/null; then
  script -qec "$AUDITOR overlap --db $T/tty.db --hash-key-file $KEY --key text --train $D/many.csv --test $D/test2.csv" "$T/tty.txt" >/dev/null 2>&1
  grep -aq 'records, [0-9]* matches, [0-9]* MB/s' "$T/tty.txt" && ok || bad "no progress line on a terminal"
fi
run overlap --help
expect_rc 0
for o in --train --test --key --near --jaccard --max-locations --max-memory --fail-on --db --hash-key-file; do
  expect_out "^ +(-., )?$o " "help lists $o"
done
run help --man
expect_out '^\.SH OVERLAP OPTIONS'
expect_out 'max\\-memory'
finish
