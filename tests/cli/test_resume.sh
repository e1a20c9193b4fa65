# SIGKILL mid-scan, then --resume: the database passes integrity_check, the
# run continues, finished inputs are skipped (same SHA-256), the input that
# was being read is scanned again from scratch, and the final counts equal
# those of an uninterrupted scan: findings, bias counters, column profiles
# the allowlist's suppressed counts, and the k-anonymity classes (whose raw
# values are never stored: the finished inputs are read again for them).
# The same after SIGINT (a run that ended "interrupted" with the partial
# input's rows in it).
. "$AUD_SRC/tests/cli/lib.sh"

gen() { # gen FILE FIRST COUNT
  python3 -c '
import sys
f, first, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(f, "w") as o:
    for i in range(first, first + n):
        o.write("{\"id\":%d,\"e\":\"user%d@gmail.com\",\"n\":\"noreply@example.com\",\"sex\":\"%s\",\"y\":%d}\n" % (i, i, "FM"[i % 2], i % 3 == 0))
' "$@"
}
mkdir -p "$T/d"
gen "$T/d/a.jsonl" 0 3000
gen "$T/d/b.jsonl" 3000 3000
gen "$T/full_c.jsonl" 6000 30000
gen "$T/d/d.jsonl" 36000 2000
export AUDITOR_HASH_KEY=resume-test-key-0123456789
printf 'EMAIL_ADDRESS noreply@example.com\n' >"$T/allow.txt"
OPTS="-q --group sex --outcome y --positive true --allowlist $T/allow.txt --quasi-identifiers sex,y --sensitive e --k 6400"
# The classes (sex, y) of records 0..37999, counted here from gen's rules:
# kanon_sizes's rows, and kanon_metrics's records, classes, k-anonymity,
# classes and records below k, and l-diversity (every e is distinct).
KSIZES=$(python3 -c '
from collections import Counter
c = Counter(("FM"[i % 2], i % 3 == 0) for i in range(38000))
s = Counter(c.values())
print("\n".join("%d|%d" % (k, s[k]) for k in sorted(s)))')
KMETRICS=$(python3 -c '
from collections import Counter
c = Counter(("FM"[i % 2], i % 3 == 0) for i in range(38000)).values()
low = [n for n in c if n < 6400]
print("38000|%d|%d|%d|%d|%d" % (len(c), min(c), len(low), sum(low), min(c)))')
KM="SELECT records, classes, k_anonymity, classes_below_k, records_below_k, l_diversity FROM kanon_metrics"
KS="SELECT class_size, classes FROM kanon_sizes ORDER BY class_size"

# stalled DB SIG INPUT...: a scan of the INPUTs into DB, in which c is a
# pipe that gives 15,000 records (more than one 10,000-row batch, so some
# of its findings are committed) and then stalls; the scan gets signal SIG
# while it waits (after SIGINT, the pipe's end lets the reader see the
# stop, and c stays cut). Its exit code is left in rc.
stalled() {
  db=$1 sig=$2
  shift 2
  rm -f "$T/d/c.jsonl"; mkfifo "$T/d/c.jsonl"
  "$AUDITOR" scan --db "$db" $OPTS "$@" >/dev/null 2>&1 &
  pid=$!
  exec 7>"$T/d/c.jsonl"
  head -n 15000 "$T/full_c.jsonl" >&7
  for _ in $(seq 1 100); do # until the first batch of c is committed
    n=$(q_try "$db" "SELECT COUNT(*) FROM findings f JOIN files USING (file_id) WHERE files.path LIKE '%c.jsonl'" 2>/dev/null || echo 0)
    [ "${n:-0}" -ge 10000 ] && break
    sleep 0.1
  done
  kill -"$sig" "$pid"
  [ "$sig" = INT ] && sleep 0.5
  exec 7>&-
  wait "$pid" 2>/dev/null; rc=$?
}

# The reference: one uninterrupted scan.
cp "$T/full_c.jsonl" "$T/d/c.jsonl"
run scan --db "$T/ref.db" $OPTS "$T/d/a.jsonl" "$T/d/b.jsonl" "$T/d/c.jsonl" "$T/d/d.jsonl"
expect_rc 0 "reference scan"
# every record's noreply address, by hand: 3000 + 3000 + 30000 + 2000
expect_sql "$T/ref.db" "SELECT entity, count FROM suppressed" "EMAIL_ADDRESS|38000"
expect_sql "$T/ref.db" "$KM" "$KMETRICS"
expect_sql "$T/ref.db" "$KS" "$KSIZES"

# The scan is killed while c stalls.
stalled "$T/k.db" KILL "$T/d/a.jsonl" "$T/d/b.jsonl" "$T/d/c.jsonl" "$T/d/d.jsonl"
expect_sql "$T/k.db" "PRAGMA integrity_check" ok "after SIGKILL"
expect_sql "$T/k.db" "SELECT status FROM runs" running "killed run"
# (d may have been begun by the second thread while c stalled)
expect_sql "$T/k.db" "SELECT substr(path, -7), status FROM files WHERE path NOT LIKE '%d.jsonl' ORDER BY file_id" "a.jsonl|ok
b.jsonl|ok
c.jsonl|scanning"
# The allowlist's counts are committed with the inputs' findings: those of
# a and b are kept (version 1 wrote them only at the run's end).
SUPP_BY="SELECT substr(path, -7), count FROM suppressed_by_file JOIN files USING (file_id) ORDER BY path"
expect_eq "$(q "$T/k.db" "$SUPP_BY" | head -n 2)" "a.jsonl|3000
b.jsonl|3000" "suppressed of the finished inputs kept"

# Resume with the full c in place of the pipe.
rm "$T/d/c.jsonl"; cp "$T/full_c.jsonl" "$T/d/c.jsonl"
run scan --db "$T/k.db" --resume $OPTS "$T/d/a.jsonl" "$T/d/b.jsonl" "$T/d/c.jsonl" "$T/d/d.jsonl"
expect_rc 0 "resume"
expect_sql "$T/k.db" "SELECT COUNT(*), status FROM runs" "1|complete"
expect_sql "$T/k.db" "SELECT substr(path, -7), status, records FROM files ORDER BY path" "a.jsonl|ok|3000
b.jsonl|ok|3000
c.jsonl|ok|30000
d.jsonl|ok|2000"
Q="SELECT entity, COUNT(*), COUNT(DISTINCT value_hash) FROM findings GROUP BY entity"
expect_eq "$(q "$T/k.db" "$Q")" "$(q "$T/ref.db" "$Q")" "findings equal an uninterrupted scan"
Q2="SELECT attribute, group_value, n, n_outcome, selection_rate FROM group_metrics ORDER BY 1, 2"
expect_eq "$(q "$T/k.db" "$Q2")" "$(q "$T/ref.db" "$Q2")" "bias counters equal"
Q3="SELECT field, SUM(values_seen), SUM(values_with_findings) FROM fields GROUP BY field ORDER BY field"
expect_eq "$(q "$T/k.db" "$Q3")" "$(q "$T/ref.db" "$Q3")" "column profiles equal"
Q4="SELECT entity, count FROM suppressed"
# (none of the queries may come back empty: equal errors are not equal rows)
for query in "$Q" "$Q2" "$Q3" "$Q4" "$SUPP_BY"; do
  [ -n "$(q "$T/ref.db" "$query")" ] && ok || bad "no rows: $query"
done
expect_eq "$(q "$T/k.db" "$Q4")" "EMAIL_ADDRESS|38000" "suppressed equal an uninterrupted scan"
expect_eq "$(q "$T/k.db" "$SUPP_BY")" "$(q "$T/ref.db" "$SUPP_BY")" "suppressed per input equal"
# a and b were skipped, yet their records are in the classes
expect_sql "$T/k.db" "$KM" "$KMETRICS"
expect_sql "$T/k.db" "$KS" "$KSIZES"

# SIGINT instead: the run ends "interrupted" with c's part in it, and the
# resumed run counts c once.
stalled "$T/i.db" INT "$T/d/a.jsonl" "$T/d/b.jsonl" "$T/d/c.jsonl" "$T/d/d.jsonl"
expect_eq "$rc" 130 "SIGINT exit code"
expect_sql "$T/i.db" "SELECT status FROM runs" interrupted "interrupted run"
# c's part (15,000 records read) is in the interrupted run, counted once
expect_eq "$(q "$T/i.db" "$Q4")" "EMAIL_ADDRESS|$(q "$T/i.db" "SELECT 6000 + COUNT(*) FROM findings f JOIN files USING (file_id) WHERE files.path LIKE '%c.jsonl'")" \
  "interrupted run's suppressed match its findings"
rm "$T/d/c.jsonl"; cp "$T/full_c.jsonl" "$T/d/c.jsonl"
run scan --db "$T/i.db" --resume $OPTS "$T/d/a.jsonl" "$T/d/b.jsonl" "$T/d/c.jsonl" "$T/d/d.jsonl"
expect_rc 0 "resume after SIGINT"
expect_eq "$(q "$T/i.db" "$Q")" "$(q "$T/ref.db" "$Q")" "findings equal after SIGINT"
expect_eq "$(q "$T/i.db" "$Q4")" "EMAIL_ADDRESS|38000" "suppressed counted once after SIGINT"
expect_eq "$(q "$T/i.db" "$SUPP_BY")" "$(q "$T/ref.db" "$SUPP_BY")" "suppressed per input equal after SIGINT"
expect_sql "$T/i.db" "$KM" "$KMETRICS"
expect_sql "$T/i.db" "$KS" "$KSIZES"

# A finished input that changed before --resume is scanned again from
# scratch, and its records are in the classes once, as they are now.
cp "$T/d/b.jsonl" "$T/b_was.jsonl"
stalled "$T/x.db" KILL "$T/d/a.jsonl" "$T/d/b.jsonl" "$T/d/c.jsonl"
expect_sql "$T/x.db" "SELECT substr(path, -7), status FROM files ORDER BY file_id" "a.jsonl|ok
b.jsonl|ok
c.jsonl|scanning" "killed third run"
gen "$T/d/b.jsonl" 50000 3000
rm "$T/d/c.jsonl"; cp "$T/full_c.jsonl" "$T/d/c.jsonl"
run scan --db "$T/x.db" --resume $OPTS "$T/d/a.jsonl" "$T/d/b.jsonl" "$T/d/c.jsonl"
expect_rc 0 "resume with b changed"
expect_sql "$T/x.db" "SELECT substr(path, -7), status, records FROM files ORDER BY path" "a.jsonl|ok|3000
b.jsonl|ok|3000
c.jsonl|ok|30000"
expect_sql "$T/x.db" "$KS" "$(python3 -c '
from collections import Counter
ids = list(range(0, 3000)) + list(range(50000, 53000)) + list(range(6000, 36000))
c = Counter(("FM"[i % 2], i % 3 == 0) for i in ids)
s = Counter(c.values())
print("\n".join("%d|%d" % (k, s[k]) for k in sorted(s)))')"
expect_sql "$T/x.db" "SELECT records FROM kanon_metrics" 36000
expect_sql "$T/x.db" "SELECT sha256 FROM files WHERE path LIKE '%b.jsonl'" \
  "$(sha256sum "$T/d/b.jsonl" | cut -d' ' -f1)" "b's row is the new b's"
cp "$T/b_was.jsonl" "$T/d/b.jsonl"

# Nothing to resume now; another key is refused.
run scan --db "$T/k.db" --resume $OPTS "$T/d/a.jsonl"
expect_rc 2 "nothing to resume"
expect_err 'is complete: nothing to resume'
finish
