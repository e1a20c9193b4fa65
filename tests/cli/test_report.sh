# auditor report and auditor verify: every format from the database alone,
# byte-identical for the same database, the manifest with each input's
# SHA-256, CSV with RFC 4180 quoting, and verify telling which inputs still
# match, changed or went missing.
. "$AUD_SRC/tests/cli/lib.sh"

mkdir -p "$T/in"
printf 'id,name,email,sex,hired\n1,"Lee, Ann",ann.lee@gmail.com,F,yes\n2,Bo,"bo ""the"" k@yahoo.com",M,no\n3,Cy,cy.r@aol.com,M,yes\n' >"$T/in/a.csv"
printf '{"text":"call 415 867 2671 or mail dee.x@gmail.com"}\n' | gzip -c >"$T/in/b.jsonl.gz"
run scan --db "$T/r.db" --hash-key-file "$KEY" -q --group sex --outcome hired --positive yes "$T/in/a.csv" "$T/in/b.jsonl.gz"
expect_rc 2 "scan (b.jsonl.gz has no column sex)"
run scan --db "$T/r.db" --hash-key-file "$KEY" -q "$T/in/a.csv" "$T/in/b.jsonl.gz"
expect_rc 0 "scan"

for f in text json markdown; do
  run report --db "$T/r.db" --format $f
  expect_rc 0 "report $f"
  cp "$OUT" "$T/$f.1"
  run report --db "$T/r.db" --format $f
  cmp -s "$OUT" "$T/$f.1" && ok || bad "report $f is not byte-identical"
done
run report --db "$T/r.db" --run 2 --format json
python3 - "$OUT" "$(sha256sum "$T/in/a.csv" | cut -d' ' -f1)" <<'PY' && ok || bad "json manifest"
import json, sys
d = json.load(open(sys.argv[1]))
m = d["manifest"]
assert m["tool"] == "auditor" and m["run_id"] == 2 and m["status"] == "complete", m
assert m["inputs"][0]["sha256"] == sys.argv[2], m["inputs"]
assert m["inputs"][1]["compression"] == "gzip", m["inputs"]
assert m["options"]["command"] == "scan", m["options"]
assert d["summary"]["findings"] >= 3, d["summary"]
PY
run report --db "$T/r.db" --run 2
expect_out "^auditor report: run 2"
expect_out "sha256 $(sha256sum "$T/in/a.csv" | cut -d' ' -f1)"
run report --db "$T/r.db" --run 2 --format markdown -o "$T/r.md"
expect_rc 0 "markdown to a file"
expect_eq "$(stat -c %a "$T/r.md")" 600 "report file mode"
grep -q '^## Findings by entity' "$T/r.md" && ok || bad "markdown sections"

# CSV: one file per table, quoted as RFC 4180 says.
run report --db "$T/r.db" --run 2 --format csv -o "$T/csv"
expect_rc 0 "csv"
for t in manifest files findings entity_counts fields repeated_values markers group_metrics attribute_metrics; do
  [ -f "$T/csv/$t.csv" ] && ok || bad "no $t.csv"
done
python3 - "$T/csv" <<'PY' && ok || bad "csv parses"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/files.csv", newline="")))
assert len(rows) == 2 and rows[0]["path"].endswith("a.csv"), rows
f = list(csv.DictReader(open(sys.argv[1] + "/findings.csv", newline="")))
assert all("@" not in r["masked"] or "*" in r["masked"] for r in f), f
PY
run report --db "$T/r.db" --format csv
expect_rc 2 "csv without -o"

# Errors.
run report --db "$T/none.db"
expect_rc 3 "missing database"
expect_err 'none.db: no such database'
run report --db "$T/r.db" --run 9
expect_rc 2 "unknown run"
run report --db "$T/r.db" --format pdf
expect_rc 2 "unknown format"

# CI gates: the same policy on scan and on report, each broken rule listed.
# Run 2 has 4 records: a.csv holds 3 emails (ann.lee, k@yahoo.com inside
# bo's quoted text, cy.r); b.jsonl.gz a phone and dee.x's email.
run report --db "$T/r.db" --run 2 --fail-on 'EMAIL_ADDRESS>2,PHONE_NUMBER>=1,secrets>0,US_SSN>0'
expect_rc 1 "report --fail-on"
expect_err '^auditor: --fail-on: EMAIL_ADDRESS>2: 4 findings$'
expect_err '^auditor: --fail-on: PHONE_NUMBER>=1: 1 finding$'
expect_no_err 'secrets>0|US_SSN>0' "unbroken rules"
run report --db "$T/r.db" --run 2 --fail-on 'EMAIL_ADDRESS.rate>0.75'
expect_rc 1 "rate: 4 findings in 4 records"
expect_err 'EMAIL_ADDRESS.rate>0.75: rate 1 \(4 findings in 4 records\)'
run report --db "$T/r.db" --run 2 --fail-on 'EMAIL_ADDRESS.rate>1,secrets>0'
expect_rc 0 "nothing broken"
# F hired 1 of 1, M 1 of 2: M's impact ratio is 0.5.
run scan --db "$T/g.db" --hash-key-file "$KEY" -q --fail-on 'impact_ratio<0.5' --group sex --outcome hired --positive yes "$T/in/a.csv"
expect_rc 0 "impact ratio 0.5 is not < 0.5"
run scan --db "$T/g.db" --hash-key-file "$KEY" -q --fail-on 'impact_ratio<0.8' --group sex --outcome hired --positive yes "$T/in/a.csv"
expect_rc 1 "impact ratio 0.5 < 0.8"
expect_err 'impact_ratio<0.8: lowest impact ratio 0.5 \(sex = M\)'
run scan --db "$T/g.db" --hash-key-file "$KEY" --fail-on 'US_SSN>>0' "$T/in/a.csv"
expect_rc 2 "bad policy"
expect_err -- '--fail-on'

# Baselines: accept known findings; they stay accepted when the records
# are reshuffled, re-sharded and their JSON array positions move.
printf '%s\n' '{"m":[{"t":"hi"},{"t":"mail ann.lee@gmail.com"}]}' '{"m":[{"t":"call 415 867 2671"}]}' >"$T/b1.jsonl"
run scan --db "$T/bl.db" --hash-key-file "$KEY" -q "$T/b1.jsonl"
run report --db "$T/bl.db" --format baseline -o "$T/known.txt"
expect_rc 0 "write baseline"
grep -q '^EMAIL_ADDRESS	m\[\].t	' "$T/known.txt" && ok || bad "baseline lines (folded field)"
printf '%s\n' '{"m":[{"t":"call 415 867 2671"},{"t":"x"}]}' >"$T/s1.jsonl"
printf '%s\n' '{"m":[{"t":"a"},{"t":"b"},{"t":"mail ann.lee@gmail.com"}]}' >"$T/s2.jsonl"
run scan --db "$T/bl2.db" --hash-key-file "$KEY" -q --fail-on any --baseline "$T/known.txt" "$T/s2.jsonl" "$T/s1.jsonl"
expect_rc 0 "known findings, reshuffled and re-sharded"
printf '%s\n' '{"m":[{"t":"new: bo.k@yahoo.com"}]}' >>"$T/s1.jsonl"
run scan --db "$T/bl2.db" --hash-key-file "$KEY" -q --fail-on any --baseline "$T/known.txt" "$T/s2.jsonl" "$T/s1.jsonl"
expect_rc 1 "a new finding"
expect_err -- '--fail-on: any>0: 1 finding$'
run report --db "$T/bl2.db" --fail-on 'EMAIL_ADDRESS>0' --baseline "$T/known.txt"
expect_rc 1 "report with the baseline"
printf 'another-key-0123456789abcdef\n' >"$T/k2"
run scan --db "$T/bl3.db" --hash-key-file "$T/k2" -q --fail-on any --baseline "$T/known.txt" "$T/s2.jsonl"
expect_rc 3 "baseline from another key"
expect_err 'made with another hash key'
run scan --db "$T/bl4.db" --hash-key-file "$KEY" -q --baseline "$T/known.txt" "$T/s2.jsonl"
expect_rc 2 "--baseline without --fail-on"

# verify: all match, then one changed and one gone.
run verify --db "$T/r.db"
expect_rc 0 "verify unchanged"
expect_out "^ok +$T/in/a.csv"
printf '4,Di,di@x.io,F,no\n' >>"$T/in/a.csv"
rm "$T/in/b.jsonl.gz"
run verify --db "$T/r.db"
expect_rc 1 "verify after changes"
expect_out "^changed +$T/in/a.csv: SHA-256"
expect_out "^missing +$T/in/b.jsonl.gz"

finish
