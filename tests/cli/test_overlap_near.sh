# auditor overlap --near: precision and recall on generated pairs of known
# similarity (tests/overlap/near_pairs.py: 400 train documents of 300
# words; for each, a test copy with words replaced until the exact
# Jaccard of the word 5-gram sets reaches 0.5, 0.7, 0.85 or 0.95; 200
# unrelated test documents). The exact Jaccard of every reported pair is
# computed by the script from the texts, not taken from auditor.
. "$AUD_SRC/tests/cli/lib.sh"

PY=/usr/bin/python3
if ! $PY -c 'import sqlite3' 2>/dev/null; then
  echo "SKIPPED: needs /usr/bin/python3"
  exit 77
fi
G="$AUD_SRC/tests/overlap"
for seed in 1 2; do
  D="$T/s$seed"
  mkdir -p "$D"
  $PY "$G/near_pairs.py" gen "$D" $seed
  gzip "$D/train.jsonl"
  run overlap --db "$D/o.db" --hash-key-file "$KEY" --near --key text --train "$D/train.jsonl.gz" --test "$D/test.jsonl"
  expect_rc 0 "seed $seed"
  expect_out '^near \(J >= 0\.80\) +[0-9]+ more records .*LSH 21 bands x 6 rows' "seed $seed summary"
  gunzip "$D/train.jsonl.gz"
  $PY "$G/near_pairs.py" score "$D" "$D/o.db" >"$D/score.json"
  echo "seed $seed: $(tr -d '\n ' <"$D/score.json")"
  $PY - "$D/score.json" <<'PY' && ok || bad "seed $seed: precision or recall too low: $(cat "$D/score.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["reported"] == s["near_test_records"], s
assert s["precision"] >= 0.95, s["precision"]
assert s["recall_j_ge_0.9"] >= 0.99, s["recall_j_ge_0.9"]
r = s["recall"]
assert r["0.85"]["reported"] >= 80, r["0.85"]
assert r["0.5"]["reported"] == 0 and r["0"]["reported"] == 0, r
PY
  # Estimated Jaccard at or above the threshold; the train place known.
  expect_sql "$D/o.db" "SELECT COUNT(*) FROM overlap_matches WHERE kind = 'near' AND (jaccard < 0.8 OR jaccard > 1 OR first_line IS NULL OR first_record <> first_line)" 0
done
# A higher threshold reports fewer pairs; with --jaccard 1 every signature
# position must agree (texts equal after normalisation are exact matches,
# not near ones).
run overlap --db "$T/s1/o.db" --hash-key-file "$KEY" -q --near --jaccard 0.95 --key text --train "$T/s1/train.jsonl" --test "$T/s1/test.jsonl"
expect_rc 0
expect_sql "$T/s1/o.db" "SELECT bands * rows <= 128, rows > 6, near_test_records < (SELECT near_test_records FROM overlap_runs WHERE run_id = 1) FROM overlap_runs WHERE run_id = 2" "1|1|1"
head -n 5 "$T/s1/train.jsonl" | sed 's/"text": "/"text": "  /' >"$T/same.jsonl"
run overlap --db "$T/s1/o.db" --hash-key-file "$KEY" -q --near --jaccard 1 --key text --train "$T/s1/train.jsonl" --test "$T/s1/test.jsonl" "$T/same.jsonl"
expect_sql "$T/s1/o.db" "SELECT test_in_train FROM overlap_runs WHERE run_id = 3" 5
expect_sql "$T/s1/o.db" "SELECT COUNT(*) FROM overlap_matches WHERE run_id = 3 AND kind = 'near' AND jaccard < 1" 0
finish
