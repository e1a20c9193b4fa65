# auditor merge: merge(scan --shard i/N) equals one scan of everything, for
# N = 1, 2, 4, 7: the JSON report (run ids and times masked, see
# tests/merge/canon.py) and every table and view of the run, exactly. Then
# associativity, idempotence (a run that arrives twice counts once), and
# the refusals: other hash keys, other bias options, an input in two
# sources, runs that overlap in part, an unfinished run, bad databases.
. "$AUD_SRC/tests/cli/lib.sh"

PY=/usr/bin/python3
CANON="$AUD_SRC/tests/merge/canon.py"
"$PY" "$AUD_SRC/tests/merge/gen_shards.py" "$T/g" || { echo "cannot generate data"; exit 1; }
cd "$T/g" || exit 1
printf 'merge-test-key-0123456789\n' >key
printf 'another-key-0123456789abc\n' >key2
OPTS="--hash-key-file key --allowlist allow.txt --group sex --group race
  --intersect sex,race --outcome hired --positive yes --score score
  --threshold 0.5 --reference race=White --min-share 0.03
  --expected-shares expected.csv"

# same_run A.db B.db LABEL: the latest runs of both are equal, as reports
# and as whole tables.
same_run() {
  "$AUDITOR" report --db "$1" --format json >"$T/r1.json" &&
    "$AUDITOR" report --db "$2" --format json >"$T/r2.json" ||
    { bad "$3: report failed"; return; }
  if "$PY" "$CANON" report "$T/r1.json" >"$T/c1" &&
    "$PY" "$CANON" report "$T/r2.json" >"$T/c2" && diff -u "$T/c1" "$T/c2" >"$T/diff"; then ok; else
    bad "$3: reports differ"; head -40 "$T/diff" >&2
  fi
  if "$PY" "$CANON" db "$1" >"$T/c1" && "$PY" "$CANON" db "$2" >"$T/c2" &&
    diff -u "$T/c1" "$T/c2" >"$T/diff"; then ok; else
    bad "$3: tables differ"; head -40 "$T/diff" >&2
  fi
}

# The one scan. One input has an invalid line and one is cut short, so
# it exits 3, and so must the merge.
# shellcheck disable=SC2086
run scan -q --db all.db $OPTS data
expect_rc 3 "single scan"
expect_sql all.db "SELECT status, COUNT(*) FROM files GROUP BY status ORDER BY status" "failed|1
ok|8
warning|1"
# The data exercises what merge must carry: suppressed counts, markers,
# problems, repeated values across files, scoring and representativeness.
expect_sql all.db "SELECT COUNT(*) > 0 FROM suppressed" 1
expect_sql all.db "SELECT COUNT(*) > 0 FROM markers" 1
expect_sql all.db "SELECT COUNT(*) > 0 FROM repeated_values WHERE files > 1" 1
expect_sql all.db "SELECT COUNT(*) FROM group_metrics WHERE scoring_rate IS NOT NULL AND expected_share IS NOT NULL" 6

for n in 1 2 4 7; do
  for i in $(seq 0 $((n - 1))); do
    # shellcheck disable=SC2086
    "$AUDITOR" scan -q --db "s$n.$i.db" --shard "$i/$n" $OPTS data 2>/dev/null
  done
  run merge --db "m$n.db" s$n.*.db
  expect_rc 3 "merge of $n shards"
  expect_out '^auditor: run 1 complete' "merge summary"
  expect_err 'merged inputs failed or had problems' "merge says why it exits 3"
  same_run all.db "m$n.db" "N=$n"
  expect_sql "m$n.db" "SELECT COUNT(DISTINCT source_uid) FROM run_sources" "$n"
done
expect_sql m1.db "SELECT json_extract(options, '\$.shard') IS NULL, json_extract(options, '\$.min_share') FROM runs" "1|0.03"

a=s4.0.db b=s4.1.db c=s4.2.db d=s4.3.db
mrg() { # mrg OUT IN...: merge quietly, keep the code
  local out=$1
  shift
  "$AUDITOR" merge -q --db "$out" "$@" >"$OUT" 2>"$ERR"
  RC=$?
}

# Associative (and commutative): however the shards are grouped or
# ordered, the same rows with the same ids.
mrg ab.db $a $b
mrg bc.db $b $c
mrg abc1.db ab.db $c
mrg abc2.db $a bc.db
mrg abc3.db $a $b $c
mrg abc4.db $c $b $a
same_run abc1.db abc2.db "(a,b),c = a,(b,c)"
same_run abc1.db abc3.db "(a,b),c = a,b,c"
same_run abc3.db abc4.db "a,b,c = c,b,a"
mrg cd.db $c $d
mrg abcd.db ab.db cd.db
same_run all.db abcd.db "(a,b),(c,d) = one scan"
expect_sql abcd.db "SELECT COUNT(*) FROM run_sources" 4

# Idempotent: a run that reaches the merge twice is counted once.
mrg a.db $a
mrg aa.db $a $a
expect_rc 0 "a, a"
expect_err "already in this merge" "a, a: note"
same_run a.db aa.db "a, a = a"
mrg aba.db ab.db $a
expect_err "s4.0.db: run 1 is already in this merge \(through ab.db" "(a,b), a: note"
same_run ab.db aba.db "(a,b), a = (a,b)"
mrg aab.db $a ab.db
same_run ab.db aab.db "a, (a,b) = (a,b)"
cp ab.db ab-copy.db
mrg ab2.db ab.db ab-copy.db
same_run ab.db ab2.db "(a,b), copy of (a,b) = (a,b)"
mrg ab-again.db $a $b
mrg ab3.db ab.db ab-again.db
same_run ab.db ab3.db "(a,b), (a,b) merged again = (a,b)"
mrg all2.db abcd.db $c ab.db
same_run all.db all2.db "(a,b,c,d), c, (a,b) = one scan"

# Refused, with both databases named, and nothing written.
mrg x1.db ab.db bc.db
expect_rc 2 "(a,b) with (b,c)"
expect_err 'cannot merge .*(ab|bc)\.db.*(ab|bc)\.db.* some of the same scanned runs' "partial overlap"
[ ! -e x1.db ] && ok || bad "a refused merge created its database"
# shellcheck disable=SC2086
"$AUDITOR" scan -q --db k1.db --shard 0/2 $OPTS data 2>/dev/null
# shellcheck disable=SC2086
"$AUDITOR" scan -q --db k2.db --shard 1/2 $(echo $OPTS | sed 's/--hash-key-file key/--hash-key-file key2/') data 2>/dev/null
mrg x2.db k1.db k2.db
expect_rc 2 "different hash keys"
expect_err 'cannot merge k2\.db \(run 1\) with k1\.db \(run 1\): .*different hash keys' "different hash keys"
# shellcheck disable=SC2086
"$AUDITOR" scan -q --db o2.db --shard 1/2 $(echo $OPTS | sed 's/--min-share 0.03/--min-share 0.1/') data 2>/dev/null
mrg x3.db k1.db o2.db
expect_rc 2 "different --min-share"
expect_err 'o2\.db.*k1\.db.*--min-share 0\.1 and 0\.03' "different --min-share"
# shellcheck disable=SC2086
"$AUDITOR" scan -q --db o3.db --shard 1/2 $(echo $OPTS | sed 's/--group sex //') data 2>/dev/null
mrg x4.db k1.db o3.db
expect_rc 2 "different --group"
expect_err 'different bias or detection options: --group' "different --group"
# shellcheck disable=SC2086
"$AUDITOR" scan -q --db a-again.db --shard 0/4 $OPTS data 2>/dev/null
mrg x5.db $a a-again.db
expect_rc 2 "one shard scanned twice"
expect_err 'both scanned data/.* \(SHA-256 [0-9a-f]{64}\)' "one shard scanned twice"
mrg $a $a $b
expect_rc 2 "output among the inputs"
expect_err 's4\.0\.db is both the database to write and a database to merge' "output among the inputs"
cp $b ver.db
q ver.db "UPDATE runs SET tool_version = '0.0.1'"
mrg x10.db $a ver.db
expect_rc 2 "another auditor version"
expect_err 'ver\.db.*different versions of auditor \(0\.0\.1 and ' "another auditor version"
# A per-run table merge does not know (a newer schema) is not dropped.
cp $a extra.db
q extra.db "CREATE TABLE extra (run_id INTEGER, x); INSERT INTO extra VALUES (1, 2)"
mrg x11.db extra.db $b
expect_rc 3 "a per-run table merge cannot combine"
expect_err 'extra\.db: run 1 has rows in table extra, which merge does not know how to combine' "unknown table"
cp $a other-cmd.db
q other-cmd.db "UPDATE runs SET options = json_set(options, '\$.command', 'overlap')"
mrg x12.db other-cmd.db $b
expect_rc 2 "a run of another command"
expect_err 'other-cmd\.db: run 1 is an `auditor overlap` run, not a scan' "a run of another command"
cp $a cut.db
q cut.db "UPDATE runs SET status = 'interrupted'"
mrg x6.db cut.db $b
expect_rc 2 "interrupted run"
expect_err 'cut\.db: run 1 is interrupted.*scan --resume' "interrupted run"
mrg x7.db $a missing.db
expect_rc 3 "missing database"
expect_err 'missing\.db: cannot open database' "missing database"
printf 'not a database at all, just text\n' >text.db
mrg x8.db $a text.db
expect_rc 3 "not a database"
expect_err 'text\.db: file is not a database' "not a database"
q other.db "CREATE TABLE t (x); PRAGMA user_version = 0"
mrg x9.db other.db
expect_rc 3 "not an auditor database"
expect_err 'other\.db: not an auditor database' "not an auditor database"
for f in x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12; do
  [ ! -e $f.db ] && ok || bad "refused merge $f created its database"
done
[ "$(q $a "SELECT COUNT(*) FROM runs")" = 1 ] && ok || bad "the output-among-inputs refusal wrote a run"

# The README's one-machine recipe, word for word (GNU parallel is not
# needed by the suite: this part runs only where it is installed).
if command -v parallel >/dev/null 2>&1; then
  mkdir -p "$T/par" && cp shards.txt "$T/par/"
  "$PY" - "$AUD_SRC/README.md" "$T/par" <<'PY' || bad "README recipe not found"
import re, sys
text = open(sys.argv[1]).read().split("## Running on a cluster", 1)[1]
text = text.split("\n## ", 1)[0]
m = re.search(r"```bash\n(#!/bin/bash\n# scan-array\.sbatch:.*?)```", text, re.S)
open(sys.argv[2] + "/scan-array.sbatch", "w").write(m.group(1))
m = re.search(r"```sh\n(mkdir -p logs[^\n]*\nseq .*?)```", text, re.S)
open(sys.argv[2] + "/recipe.sh", "w").write(m.group(1))
PY
  (cd "$T/par" && PATH="$(dirname "$AUDITOR"):$PATH" bash recipe.sh) >"$OUT" 2>"$ERR"
  RC=$?
  expect_rc 3 "README's parallel recipe (its merge exits 3, as the one scan)"
  # shellcheck disable=SC2046
  "$AUDITOR" scan -q --db one-par.db --hash-key-file "$T/par/audit.key" \
    --group sex --outcome hired --positive yes $(cat shards.txt) 2>/dev/null
  same_run one-par.db "$T/par/audit.db" "README's parallel recipe"
  expect_sql "$T/par/audit.db" "SELECT COUNT(*) FROM run_sources" 8
else
  echo "note: GNU parallel not installed: the README's one-machine recipe is not run"
fi

# A shard from a version-1 database: its allowlist counts were one per run
# and entity (no input). Opening it migrates them to rows of no input; a
# merge carries them, and the totals are those of the one scan.
cp s2.0.db v1.db
q v1.db "CREATE TABLE old AS SELECT run_id, entity, count FROM suppressed;
  DROP VIEW suppressed; DROP TABLE suppressed_by_file;
  CREATE TABLE suppressed (run_id INTEGER NOT NULL REFERENCES runs(run_id),
    entity TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (run_id, entity));
  INSERT INTO suppressed SELECT * FROM old; DROP TABLE old;
  PRAGMA user_version = 1"
"$AUDITOR" report --db v1.db >/dev/null 2>&1
expect_sql v1.db "PRAGMA user_version" 2
expect_sql v1.db "SELECT COUNT(*) > 0, COUNT(file_id) FROM suppressed_by_file" "1|0"
mrg mv1.db v1.db s2.1.db
expect_rc 3 "merge with a migrated version-1 shard"
SQ="SELECT entity, count FROM suppressed ORDER BY entity"
expect_eq "$(q mv1.db "$SQ")" "$(q all.db "$SQ")" "suppressed totals with a version-1 shard"

# Usage.
run merge --db x.db
expect_rc 2 "merge without inputs"
expect_err 'merge needs the databases to merge'
run merge --help
expect_rc 0 "merge --help"
expect_out 'db FILE' "merge --help lists --db"
run help
expect_out 'auditor merge \[options\] IN\.db' "help lists merge"
finish
