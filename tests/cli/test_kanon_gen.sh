# Re-identification risk on generated data (always runs): a CSV and a
# gzipped JSONL file whose classes meet across the two (ages written as
# JSON numbers, missing values as absent keys, nulls and empty strings, a
# quoted zip code with a comma), checked figure by figure against pandas
# groupby (tests/kanon/expect.py). The same scan with memory budgets that
# force the classes to disk must give the same numbers. A truncated input
# is left out, as for the bias audit; a column no record has is a usage
# error; no quasi-identifier value reaches the database, the reports or a
# file left in the temporary folder.
. "$AUD_SRC/tests/cli/lib.sh"

PY=/usr/bin/python3
if ! "$PY" -c 'import pandas' 2>/dev/null; then
  echo "SKIPPED: Debian's python3-pandas is not installed (.ci/deps.sh installs it)"
  exit 77
fi
EXPECT="$PY $AUD_SRC/tests/kanon/expect.py"
mkdir -p "$T/in" "$T/tmp"
"$PY" - "$T/in" <<'PY'
import csv, gzip, json, random, sys
d = sys.argv[1]
rnd = random.Random(5)
zips = ["10%03d" % i for i in range(8)] + ["10,001", "a\"b"]
diags = ["flu", "cold", "asthma", "none", "diabetes"]
def person():
    age = int(rnd.triangular(20, 60, 35))
    sex = rnd.choice(["F", "M", "M", "F", "X", ""])
    z = rnd.choice(zips) if rnd.random() > 0.05 else ""
    dg = rnd.choice(diags) if rnd.random() > 0.08 else ""
    return age, sex, z, dg
with open(d + "/people.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "age", "sex", "zip", "diag", "note"])
    for i in range(3000):
        age, sex, z, dg = person()
        w.writerow([i, age, sex, z, dg, "visit %d" % rnd.randint(1, 9)])
    # One person alone in their class, with a value seen nowhere else.
    w.writerow([3000, 44, "F", "ZIP-RARE-77731", "flu", "rare"])
with gzip.open(d + "/more.jsonl.gz", "wt") as f:
    for i in range(1500):
        age, sex, z, dg = person()
        o = {"id": i, "age": age}
        if sex:
            o["sex"] = sex
        elif i % 2:
            o["sex"] = None
        o["zip"] = z if z or i % 3 else None
        if dg or i % 2:
            o["diag"] = dg
        f.write(json.dumps(o) + "\n")
# A gzip stream cut in the middle: its records are left out.
rows = "".join("%d,%d,M,10001,flu,x\n" % (i, 30 + i % 3) for i in range(4000))
blob = gzip.compress(("id,age,sex,zip,diag,note\n" + rows).encode())
with open(d + "/cut.csv.gz", "wb") as f:
    f.write(blob[: len(blob) // 2])
PY

QI=age,sex,zip
IN="$T/in/people.csv $T/in/more.jsonl.gz"
METRICS="SELECT records, classes, k_anonymity, classes_below_k, records_below_k, printf('%.12f', share_below_k), unique_records, printf('%.12f', share_unique), l_diversity, classes_l_below_2, records_l_below_2 FROM kanon_metrics"
SIZES="SELECT class_size || '|' || classes FROM kanon_sizes ORDER BY class_size"
check() { # check DB LABEL EXPECTED
  expect_sql "$1" "$METRICS" "$(head -1 "$3")" "$2 metrics"
  expect_sql "$1" "$SIZES" "$(tail -n +2 "$3")" "$2 class sizes"
}

$EXPECT --qi $QI --sensitive diag $IN >"$T/want5" || bad "expect.py failed"
$EXPECT --qi $QI --sensitive diag --k 3 $IN >"$T/want3" || bad "expect.py failed"
# The data are what the test says: classes of every size from 1 up, some
# below k, some with a single diagnosis.
head -1 "$T/want5" | awk -F'|' '$1 == 4501 && $3 == 1 && $5 > 100 && $10 > 10 {ok = 1} END {exit !ok}' \
  && ok || bad "generated data: $(head -1 "$T/want5")"

# In memory, then with budgets of 1 KiB (every new class goes to disk),
# 16 KiB and 64 KiB; the temporary database lives in SQLITE_TMPDIR.
for mem in default 1K 16K 64K; do
  opt=""
  [ "$mem" = default ] || opt="--kanon-memory $mem"
  SQLITE_TMPDIR="$T/tmp" run scan --db "$T/$mem.db" --hash-key-file "$KEY" -q \
    --quasi-identifiers $QI --sensitive diag $opt $IN
  expect_rc 0 "scan, memory $mem"
  check "$T/$mem.db" "memory $mem" "$T/want5"
done
# The threaded pipeline merges per-segment classes: the same figures for
# any --threads, in memory and spilling.
for th in 1 3; do
  for mem in default 16K; do
    opt=""
    [ "$mem" = default ] || opt="--kanon-memory $mem"
    run scan --db "$T/th$th$mem.db" --hash-key-file "$KEY" -q --threads $th \
      --quasi-identifiers $QI --sensitive diag $opt $IN
    expect_rc 0 "scan --threads $th, memory $mem"
    check "$T/th$th$mem.db" "--threads $th memory $mem" "$T/want5"
  done
done
expect_sql "$T/default.db" "SELECT spills FROM kanon_metrics" 0
for mem in 1K 16K 64K; do
  expect_sql "$T/$mem.db" "SELECT spills > 0 FROM kanon_metrics" 1 "$mem spilled"
done
expect_sql "$T/1K.db" "SELECT spills > 1000 FROM kanon_metrics" 1
# SQLite deletes its temporary file itself: nothing is left behind.
expect_eq "$(ls -A "$T/tmp")" "" "temporary folder"

# --k: only the figures that depend on it change.
run scan --db "$T/k3.db" --hash-key-file "$KEY" -q --quasi-identifiers $QI \
  --sensitive diag --k 3 --kanon-memory 16K $IN
expect_rc 0 "scan --k 3"
check "$T/k3.db" "k 3" "$T/want3"
expect_sql "$T/k3.db" "SELECT k FROM kanon_metrics" 3

# JSONL alone, no sensitive column: no l-diversity (NULL).
$EXPECT --qi sex,zip "$T/in/more.jsonl.gz" >"$T/wantj"
run scan --db "$T/j.db" --hash-key-file "$KEY" -q --quasi-identifiers sex,zip "$T/in/more.jsonl.gz"
expect_rc 0 "JSONL scan"
check "$T/j.db" "JSONL" "$T/wantj"
expect_sql "$T/j.db" "SELECT sensitive IS NULL, l_diversity IS NULL FROM kanon_metrics" "1|1"

# A truncated input fails (exit 3) and its records are left out, as its
# bias counters are; the summary says the figures cover part of the run.
run scan --db "$T/cut.db" --hash-key-file "$KEY" --quasi-identifiers $QI \
  --sensitive diag "$T/in/people.csv" "$T/in/cut.csv.gz" "$T/in/more.jsonl.gz"
expect_rc 3 "scan with a truncated input"
expect_sql "$T/cut.db" "SELECT status FROM files ORDER BY file_id" "ok
failed
ok"
check "$T/cut.db" "truncated input left out" "$T/want5"
expect_out '^re-identification risk over age,sex,zip \(k = 5\)$'
expect_out '^  k-anonymity +1 \(the smallest class\)$'
expect_out "^  counted over 4501 of the run's [0-9]+ records"

# The summary and reports carry the figures of the database.
run report --db "$T/default.db" --format text
expect_rc 0 "text report"
u=$(q "$T/default.db" "SELECT unique_records FROM kanon_metrics")
expect_out "^  unique +$u records \([0-9.]+%\) alone in their class$"
run report --db "$T/default.db" --format json
expect_rc 0 "json report"
cp "$OUT" "$T/r.json"
"$PY" - "$T/r.json" "$T/default.db" <<'PY' && ok || bad "JSON report figures"
import json, sqlite3, sys
r = json.load(open(sys.argv[1]))["summary"]["reidentification"]
db = sqlite3.connect(sys.argv[2])
db.row_factory = sqlite3.Row
m = dict(db.execute("SELECT * FROM kanon_metrics").fetchone())
assert r["quasi_identifiers"] == ["age", "sex", "zip"], r
for k in ("sensitive", "k", "records", "classes", "k_anonymity",
          "classes_below_k", "records_below_k", "share_below_k",
          "unique_records", "share_unique", "l_diversity",
          "classes_l_below_2", "records_l_below_2", "spills"):
    assert r[k] == m[k], (k, r[k], m[k])
assert r["records_in_run"] == 4501
PY
if "$PY" -c 'import jsonschema' 2>/dev/null; then
  "$PY" -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
    "$T/r.json" "$AUD_SRC/tests/schema/report.schema.json" && ok || bad "JSON report schema"
fi
run report --db "$T/default.db" --format markdown
expect_out '^## Re-identification risk$'
expect_out "^\| age,sex,zip \| diag \| 5 \| 4501 \| "
run report --db "$T/default.db" --format html
expect_out '<h2 id="h-reid">Re-identification risk</h2>'
run report --db "$T/default.db" --profile eu-ai-act
expect_out '^Re-identification risk$'
expect_out 'k-anonymity 1 \(the smallest class\)'
run report --db "$T/default.db" --format csv -o "$T/csv"
expect_rc 0 "csv report"
expect_eq "$(sed -n 2p "$T/csv/kanon_sizes.csv" | tr -d '\r')" "1,1,$(sed -n 2p "$T/want5" | cut -d'|' -f2)" "kanon_sizes.csv"
# A run without quasi-identifiers says so (JSON null; the profile: not
# measured, and which columns look like quasi-identifiers).
run scan --db "$T/none.db" --hash-key-file "$KEY" -q "$T/in/people.csv"
run report --db "$T/none.db" --format json
expect_out '"reidentification":null'
run report --db "$T/none.db" --profile eu-ai-act
expect_out 'Not measured: the scan named no quasi-identifiers'

# CI gates on the figures, at scan time and on the stored run.
run scan --db "$T/gate.db" --hash-key-file "$KEY" -q --quasi-identifiers $QI \
  --sensitive diag --fail-on 'k_anonymity<5,l_diversity<2,unique_records.rate>0.5' $IN
expect_rc 1 "gates broken"
expect_err "^auditor: --fail-on: k_anonymity<5: k-anonymity 1 \(age,sex,zip\)$"
expect_err "^auditor: --fail-on: l_diversity<2: l-diversity 1 \(diag\)$"
expect_no_err "unique_records.rate"
below=$(head -1 "$T/want5" | cut -d'|' -f5)
share=$(head -1 "$T/want5" | cut -d'|' -f6)
run report --db "$T/gate.db" --fail-on "records_below_k>$((below - 1))"
expect_rc 1 "records_below_k at the pandas count"
expect_err "records_below_k>$((below - 1)): $below records in classes under 5$"
run report --db "$T/gate.db" --fail-on "records_below_k>$below,records_below_k.rate>$(awk -v s="$share" 'BEGIN { printf "%.12f", s + 1e-9 }')"
expect_rc 0 "records_below_k just above the pandas count and share"
run report --db "$T/gate.db" --fail-on "records_below_k.rate>$(awk -v s="$share" 'BEGIN { printf "%.12f", s - 1e-9 }')"
expect_rc 1 "records_below_k.rate just under the pandas share"
run report --db "$T/none.db" --fail-on 'k_anonymity<5'
expect_rc 0 "a gate on a run that did not measure it does not hold"
run report --db "$T/gate.db" --fail-on 'k_anonymity.rate<5'
expect_rc 2 "k_anonymity takes no suffix"

# No raw quasi-identifier value anywhere: the one rare zip code is in no
# database file and no report (class values are never stored).
for f in "$T"/*.db* "$T/r.json" "$T"/csv/*; do
  if grep -q 'ZIP-RARE-77731' "$f"; then bad "raw value in $f"; else ok; fi
done

# Bad options and data.
run scan --db "$T/u.db" --hash-key-file "$KEY" --quasi-identifiers age,nosuch "$T/in/people.csv"
expect_rc 2 "a missing column (CSV)"
expect_err "column 'nosuch' not found; its columns are: id, age, sex, zip, diag, note"
run scan --db "$T/u2.db" --hash-key-file "$KEY" --quasi-identifiers age --sensitive nosuch "$T/in/more.jsonl.gz"
expect_rc 2 "a missing column (JSONL)"
expect_err "column 'nosuch' not found"
for args in "--k 0 --quasi-identifiers age" "--k x --quasi-identifiers age" \
  "--sensitive diag" "--k 3" "--kanon-memory 64M" \
  "--quasi-identifiers age --kanon-memory 10" \
  "--quasi-identifiers age,age" "--quasi-identifiers age,,sex" \
  "--quasi-identifiers age --sensitive age"; do
  # shellcheck disable=SC2086
  run scan --db "$T/u3.db" --hash-key-file "$KEY" $args "$T/in/people.csv"
  expect_rc 2 "usage: $args"
  expect_err 'auditor: ' "usage: $args"
done
[ ! -e "$T/u3.db" ] && ok || bad "a usage error created a database"

# The option table: help and manual page.
run scan --help
expect_out '--quasi-identifiers COLS'
expect_out '--kanon-memory N'
run help --man
expect_out 'kanon\\-memory'

finish
