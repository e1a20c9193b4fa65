#!/bin/bash
# A CSV is cut into segments that the threads read apart
# (a later segment's reader takes the header from the input's first bytes):
# the bias counters, findings and problems, with their records, lines and
# byte offsets, must be those the generator wrote (tests/threads/
# csv_segments.py), and the database the same for --threads 1, 2 and 3,
# plain and gzip. Also a JSONL line with invalid UTF-8 in a later segment:
# its message names the byte in the input, not in the segment; and a JSONL
# line skipped for its length, whose number the later segments count.
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

# A CSV with quoted fields (commas, doubled quotes, line ends inside them,
# a stray quote in an unquoted one) is cut at record ends too: the same
# database for --threads 1, 2 and 3, and the records, groups and e-mail
# findings that Python's csv module counts.
python3 - "$T/q.csv" <<'PY'
import csv, random, sys
rnd = random.Random(5)
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "group", "outcome", "note", "contact"])
    for i in range(40000):
        note = rnd.choice(['plain words', 'a, comma', 'say "hi"',
                           'two\nlines', 'x' * rnd.randint(1, 300),
                           'five\n"quoted"\nlines, here'])
        contact = "user%d@example.org" % i if i % 3 else "5'10\" tall"
        w.writerow([i, rnd.choice("ABC"), rnd.randint(0, 1), note, contact])
PY
python3 - "$T/q.csv" >"$T/q.want" <<'PY'
import csv, sys
from collections import Counter
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
c = Counter((r["group"], r["outcome"]) for r in rows)
print(len(rows), sum(r["contact"].endswith("@example.org") for r in rows))
for (g, o), n in sorted(c.items()):
    print(g, o, n)
PY
for n in 1 2 3; do
  run scan -q --db "$T/q$n.db" -k "$KEY" --threads "$n" -g group \
    --outcome outcome --positive 1 "$T/q.csv"
  expect_rc 0 "quoted csv --threads $n"
  { q "$T/q$n.db" "SELECT records, (SELECT COUNT(*) FROM findings WHERE entity = 'EMAIL_ADDRESS' AND field = 'contact') FROM files" | tr '|' ' '
    q "$T/q$n.db" "SELECT group_value, n_outcome - pos, pos FROM group_counts ORDER BY 1" |
      awk -F'|' '{ if ($2) print $1, 0, $2; if ($3) print $1, 1, $3 }'
  } >"$T/q$n.got"
  if cmp -s "$T/q.want" "$T/q$n.got"; then ok; else
    bad "quoted csv --threads $n: counts differ from Python's csv"
    diff "$T/q.want" "$T/q$n.got" | head -6 >&2
  fi
  dump "$T/q$n.db" >"$T/q$n.txt"
done
for n in 2 3; do
  if cmp -s "$T/q1.txt" "$T/q$n.txt"; then ok; else
    bad "quoted csv --threads $n differs from --threads 1"
    diff "$T/q1.txt" "$T/q$n.txt" | head -6 >&2
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

# A JSONL line over --max-record-bytes keeps its record number (it is
# reported, not read): the records of later segments count it too, so
# every record is numbered by its line, as one reader numbers them.
python3 - "$T/long.jsonl" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(1, 30001):
        if i == 5:
            f.write('{"id": %d, "big": "%s"}\n' % (i, "x" * 5000))
        else:
            f.write('{"id": %d, "text": "mail u%d@host.org, and some padding words"}\n' % (i, i))
PY
for n in 1 2; do
  run scan -q --db "$T/long$n.db" -k "$KEY" --threads "$n" --max-record-bytes 1K "$T/long.jsonl"
  expect_rc 3 "a long line, --threads $n"
  expect_sql "$T/long$n.db" "SELECT COUNT(*), SUM(record <> line), MAX(record) FROM findings" "29999|0|30000" "a long line, --threads $n: records numbered by their lines"
  expect_sql "$T/long$n.db" "SELECT records, problems FROM files" "29999|1" "a long line, --threads $n: files row"
done
finish
