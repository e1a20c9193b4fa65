#!/usr/bin/python3
"""Compares a run of `auditor overlap` in a database with oracle.py's
output: every count of overlap_runs, and every match with its place and
the place of its first occurrence. Prints the differences; exits 1 if
there are any.

usage: compare.py DB RUN_ID ORACLE_JSON
"""
import json
import sqlite3
import sys

db, run, want = sys.argv[1], int(sys.argv[2]), json.load(open(sys.argv[3]))
con = sqlite3.connect(db)
con.row_factory = sqlite3.Row
row = con.execute("SELECT * FROM overlap_runs WHERE run_id = ?",
                  (run,)).fetchone()
bad = 0
for k, v in want.items():
    if k == "matches":
        continue
    if row[k] != v:
        print("%s: auditor %s, oracle %s" % (k, row[k], v))
        bad += 1
for k, n, d in (("test_in_train_share", "test_in_train", "test_records"),
                ("train_duplicate_share", "train_duplicates",
                 "train_records"),
                ("test_duplicate_share", "test_duplicates", "test_records")):
    if abs(row[k] - want[n] / want[d]) > 1e-12:
        print("%s: auditor %s, oracle %s" % (k, row[k], want[n] / want[d]))
        bad += 1
got = sorted([list(r) for r in con.execute(
    "SELECT m.kind, a.path, m.record, m.line, m.byte_offset, b.path,"
    " m.first_record, m.first_line, m.first_byte_offset"
    " FROM overlap_matches m JOIN files a ON a.file_id = m.file_id"
    " LEFT JOIN files b ON b.file_id = m.first_file_id"
    " WHERE m.run_id = ? AND m.kind <> 'near'", (run,))])
if got != want["matches"]:
    g, w = set(map(tuple, got)), set(map(tuple, want["matches"]))
    print("matches: %d from auditor, %d from the oracle" % (len(got),
                                                           len(want["matches"])))
    for m in sorted(g - w)[:5]:
        print("  only auditor:", m)
    for m in sorted(w - g)[:5]:
        print("  only oracle: ", m)
    bad += 1
print("%d counts and %d matches compared, %d differences" %
      (len(want) - 1, len(want["matches"]), bad))
sys.exit(1 if bad else 0)
