#!/bin/bash
# The threaded pipeline gives the same database as one thread: every table
# (row ids included), for --threads 1, 2, 3 and 8, over inputs that cut
# into many segments, lines longer than a piece, invalid lines, a truncated
# gzip, a file without a final newline, and a CSV with quoted newlines, a
# bias audit and enough distinct scores to drain the score table.
. "$AUD_SRC/tests/cli/lib.sh"

python3 "$AUD_SRC/tests/threads/gen.py" "$T/in" 7 || { bad "generator"; finish; }

dump() { # dump DB: every table, ordered by its rowid; times and options left out
  python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' "
                          "AND name NOT LIKE 'sqlite_%' ORDER BY name"):
    cols = [r[1] for r in db.execute("PRAGMA table_info(%s)" % name)
            if not r[1].endswith("_at") and r[1] not in ("options", "uid")]
    print("==", name, cols)
    for row in db.execute("SELECT %s FROM %s ORDER BY rowid" %
                          (",".join(cols), name)):
        print(row)
PY
}

for n in 1 2 3 8; do
  run scan -q --db "$T/t$n.db" -k "$KEY" --threads "$n" "$T/in/a.jsonl" "$T/in/b.jsonl.gz" "$T/in/c.jsonl.gz" "$T/in/d.jsonl"
  expect_rc 3 "jsonl --threads $n (c.jsonl.gz is truncated)"
  dump "$T/t$n.db" >"$T/t$n.txt"
  run scan -q --db "$T/c$n.db" -k "$KEY" --threads "$n" \
    -g race -g sex --intersect race,sex --outcome outcome --positive 1 \
    --prediction prediction --predicted-positive 1 --score score "$T/in/e.csv"
  expect_rc 0 "csv --threads $n"
  dump "$T/c$n.db" >"$T/c$n.txt"
done
# The vector prefilters (AVX-512 where the CPU has it, AVX2) find exactly
# what the plain loops find.
for v in AUDITOR_NO_SIMD AUDITOR_NO_AVX512; do
  export "$v=1"
  run scan -q --db "$T/$v.db" -k "$KEY" --threads 2 "$T/in/a.jsonl" \
    "$T/in/b.jsonl.gz" "$T/in/c.jsonl.gz" "$T/in/d.jsonl"
  unset "$v"
  expect_rc 3 "jsonl with $v=1"
  dump "$T/$v.db" >"$T/$v.txt"
  if cmp -s "$T/t1.txt" "$T/$v.txt"; then ok; else
    bad "$v=1 differs"
    diff "$T/t1.txt" "$T/$v.txt" | head -10 >&2
  fi
done
# The inputs really took the paths the test is about.
expect_sql "$T/t1.db" "SELECT count(*) > 1000 FROM findings" "1" "findings"
expect_sql "$T/t1.db" "SELECT status FROM files WHERE path LIKE '%c.jsonl.gz'" "failed" "truncated gzip failed"
expect_sql "$T/t1.db" "SELECT count(*) > 100 FROM findings f JOIN files USING (file_id) WHERE path LIKE '%c.jsonl.gz'" "1" "findings before the cut"
expect_sql "$T/t1.db" "SELECT count(*) FROM findings WHERE field = 'big'" "1" "finding in the 3 MiB line"
expect_sql "$T/t1.db" "SELECT count(*) >= 40 FROM problems WHERE kind = 'json'" "1" "invalid lines"
expect_sql "$T/t1.db" "SELECT count(*) FROM findings WHERE field = 'last'" "1" "last line without newline"
expect_sql "$T/c1.db" "SELECT count(*) > 40000 FROM group_scores" "1" "score table drained"
expect_sql "$T/c1.db" "SELECT sum(n) FROM group_counts WHERE attribute = 'sex'" "120000" "csv records counted"
for n in 2 3 8; do
  if cmp -s "$T/t1.txt" "$T/t$n.txt"; then ok; else
    bad "jsonl: --threads $n differs from --threads 1"
    diff "$T/t1.txt" "$T/t$n.txt" | head -10 >&2
  fi
  if cmp -s "$T/c1.txt" "$T/c$n.txt"; then ok; else
    bad "csv: --threads $n differs from --threads 1"
    diff "$T/c1.txt" "$T/c$n.txt" | head -10 >&2
  fi
done
# --no-detect: the same bias counters, no findings, no patterns loaded.
run scan -q --db "$T/nd.db" -k "$KEY" --no-detect \
  -g race -g sex --intersect race,sex --outcome outcome --positive 1 \
  --prediction prediction --predicted-positive 1 --score score "$T/in/e.csv"
expect_rc 0 "--no-detect"
q='SELECT attribute, group_value, n, n_outcome, pos, n_pred, pred_pos, tp, fp, tn, fn FROM group_counts ORDER BY 1, 2'
if [ "$(sqlite3 "$T/nd.db" "$q")" = "$(sqlite3 "$T/c1.db" "$q")" ]; then ok; else
  bad "--no-detect: group counts differ"
fi
expect_sql "$T/nd.db" "SELECT count(*), (SELECT patterns_sha256 FROM runs) FROM findings" "0|none" "--no-detect: no findings"
# Without detection the reader runs far ahead of the committer: a score
# table that fills in the middle of a piece hands its batch on while the
# rest of the piece is still to be read, and that piece must not be
# recycled with the batch (it was: records came out cut and miscounted).
awk 'BEGIN { print "id,g,h,y,s"; srand(3)
  for (i = 0; i < 600000; i++)
    printf "%d,%s,%s,%d,%.5f\n", i, substr("ABCDE", i % 5 + 1, 1),
      (i % 3 ? "F" : "M"), i % 2, rand() * 1000 }' >"$T/sc.csv"
for n in 1 2; do
  run scan -q --db "$T/sc$n.db" -k "$KEY" --no-detect --threads "$n" \
    -g g -g h --intersect g,h --outcome y --positive 1 --score s "$T/sc.csv"
  expect_rc 0 "scores mid-piece, --threads $n"
  expect_sql "$T/sc$n.db" "SELECT sum(n) FROM group_counts" "1800000" "scores mid-piece, --threads $n: every record"
  dump "$T/sc$n.db" >"$T/sc$n.txt"
done
if cmp -s "$T/sc1.txt" "$T/sc2.txt"; then ok; else
  bad "scores mid-piece: --threads 2 differs from --threads 1"
fi
run scan -q --db "$T/nd2.db" --no-detect -e EMAIL_ADDRESS "$T/in/e.csv"
expect_rc 2 "--no-detect with --entities"
run scan -q --db "$T/x.db" --threads 0 "$T/in/d.jsonl"
expect_rc 2 "--threads 0"
expect_err "--threads takes a number from 1 to 64" "--threads 0 message"
# A usage error in the first input (a bias column it lacks) ends the run;
# the inputs begun ahead of it by the threads leave no rows behind.
for n in 1 2; do
  run scan -q --db "$T/u$n.db" -k "$KEY" --threads "$n" -g race --outcome outcome --positive 1 \
    "$T/in/d.jsonl" "$T/in/b.jsonl.gz" "$T/in/a.jsonl"
  expect_rc 2 "missing column --threads $n"
  expect_sql "$T/u$n.db" "SELECT count(*), max(status) FROM files" "1|failed" "missing column --threads $n: rows"
done
# Workers run three nice levels below the decoder and the committer (at
# most 19), so that the decoder is not starved on a machine with as many
# cores as workers (scan.c, yield_to_decoder). Read off /proc, by thread
# name, while a scan waits on a pipe; under nice -n 17 the workers stop
# at 19.
if [ -d /proc/self/task ]; then
  for n in 0 17; do
    mkfifo "$T/fifo$n"
    nice -n "$n" "$AUDITOR" scan -q --db "$T/nice$n.db" -k "$KEY" --threads 2 \
      -f jsonl - <"$T/fifo$n" >/dev/null 2>&1 &
    pid=$!
    exec 9>"$T/fifo$n"
    printf '{"a":"x"}\n' >&9
    for _ in $(seq 200); do # (a worker is named once its nice is set)
      names=$(cat /proc/"$pid"/task/*/comm 2>/dev/null)
      [ "$(grep -c auditor-work <<<"$names")" -ge 2 ] &&
        grep -q auditor-decode <<<"$names" && break
      sleep 0.05
    done
    got=$(for t in /proc/"$pid"/task/*; do
      printf '%s=%s\n' "$(cat "$t/comm")" "$(sed 's/^.*) //' "$t/stat" | awk '{ print $17 }')"
    done | LC_ALL=C sort | tr '\n' ' ')
    exec 9>&-
    wait "$pid"
    RC=$?
    expect_rc 0 "scan of a pipe under nice -n $n"
    base=$(( $(nice) + n > 19 ? 19 : $(nice) + n ))
    w=$(( base + 3 > 19 ? 19 : base + 3 ))
    want="auditor-decode=$base auditor-work=$w auditor-work=$w auditor=$base "
    if [ "$got" = "$want" ]; then ok; else
      bad "nice -n $n: threads and nice values '$got', want '$want'"
    fi
  done
else
  echo "SKIP: no /proc/self/task, the workers' nice values are not checked" >&2
fi
finish
