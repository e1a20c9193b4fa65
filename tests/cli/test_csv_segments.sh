#!/bin/bash
# A CSV without quotes is cut into segments that the threads read apart
# (a later segment's reader takes the header from the input's first bytes):
# the bias counters, findings and problems, with their records, lines and
# byte offsets, must be those the generator wrote (tests/threads/
# csv_segments.py), and the database the same for --threads 1, 2 and 3,
# plain and gzip. Also a JSONL line with invalid UTF-8 in a later segment:
# its message names the byte in the input, not in the segment.
. "$AUD_SRC/tests/cli/lib.sh"

G="$AUD_SRC/tests/threads/csv_segments.py"
python3 "$G" gen "$T/g" || { bad "generator"; finish; }
gzip -c "$T/g/s.csv" >"$T/g/z.csv.gz"

dump() { # every table by rowid; times, options and paths left out
  python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' "
                          "AND name NOT LIKE 'sqlite_%' ORDER BY name"):
    cols = [r[1] for r in db.execute("PRAGMA table_info(%s)" % name)
            if not r[1].endswith("_at") and
            r[1] not in ("options", "uid", "path", "compression",
                         "size_bytes", "sha256")]
    print("==", name, cols)
    for row in db.execute("SELECT %s FROM %s ORDER BY rowid" %
                          (",".join(cols), name)):
        print(row)
PY
}

for n in 1 2 3; do
  for f in s.csv z.csv.gz; do
    run scan -q --db "$T/$n$f.db" -k "$KEY" --threads "$n" \
      -g race -g sex --intersect race,sex --outcome outcome --positive 1 \
      --prediction prediction --predicted-positive 1 --score score "$T/g/$f"
    # 3: the input has problems (rows with too few or too many fields)
    expect_rc 3 "$f --threads $n"
    python3 "$G" check "$T/$n$f.db" "$T/g" >"$OUT" 2>"$ERR"
    RC=$?
    expect_rc 0 "$f --threads $n: what the generator wrote"
    expect_out ' 0 differ$' "$f --threads $n"
    dump "$T/$n$f.db" >"$T/$n$f.txt"
  done
done
for x in 2s.csv 3s.csv 1z.csv.gz 2z.csv.gz 3z.csv.gz; do
  if cmp -s "$T/1s.csv.txt" "$T/$x.txt"; then ok; else
    bad "$x differs from 1s.csv"
    diff "$T/1s.csv.txt" "$T/$x.txt" | head -6 >&2
  fi
done

python3 - "$T/j.jsonl" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    for i in range(60000):
        f.write(b'{"id": %d, "text": "plain words here %d"}\n' % (i, i))
        if i == 50000:
            f.write(b'{"id": -1, "text": "bad \xff byte"}\n')
PY
for n in 1 2; do
  run scan -q --db "$T/j$n.db" -k "$KEY" --threads "$n" "$T/j.jsonl"
  expect_sql "$T/j$n.db" "SELECT byte_offset > 2000000, message = 'invalid UTF-8 at byte ' || byte_offset FROM problems WHERE kind = 'utf8'" "1|1" "jsonl --threads $n: the message names the input's byte"
done
finish
