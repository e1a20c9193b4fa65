# Re-identification risk on real data: UCI Adult (../shared/datasets, beside
# the repository in CI, absent in a user's clone: then skipped, visibly)
# with age, sex, race and native-country as quasi-identifiers and
# occupation as the sensitive column. Every figure of kanon_metrics and
# the whole class-size histogram must equal pandas groupby on the same
# files (tests/kanon/expect.py), in memory and with a budget so small that
# the classes go to disk on nearly every record.
. "$AUD_SRC/tests/cli/lib.sh"

PY=/usr/bin/python3
DS="$AUD_SRC/../shared/datasets"
if [ ! -f "$DS/adult.data" ] || [ ! -f "$DS/adult.test" ]; then
  echo "SKIPPED: $DS/adult.data not found (it sits beside the repository in CI only)"
  exit 77
fi
if ! "$PY" -c 'import pandas' 2>/dev/null; then
  echo "SKIPPED: Debian's python3-pandas is not installed (.ci/deps.sh installs it)"
  exit 77
fi

# The copies in ../shared have a header line; UCI's own files do not (and
# adult.test starts with a "|1x3 Cross validator" line): then the column
# names of adult.names go in front, so both read the same columns.
HDR='age, workclass, fnlwgt, education, education-num, marital-status, occupation, relationship, race, sex, capital-gain, capital-loss, hours-per-week, native-country, Y'
for f in adult.data adult.test; do
  if head -1 "$DS/$f" | grep -q '^age,'; then
    cp "$DS/$f" "$T/$f.csv"
  else
    { echo "$HDR"; grep -v '^|' "$DS/$f"; } >"$T/$f.csv"
  fi
done
QI=age,sex,race,native-country
METRICS="SELECT records, classes, k_anonymity, classes_below_k, records_below_k, printf('%.12f', share_below_k), unique_records, printf('%.12f', share_unique), l_diversity, classes_l_below_2, records_l_below_2 FROM kanon_metrics"
SIZES="SELECT class_size || '|' || classes FROM kanon_sizes ORDER BY class_size"

# check DB LABEL EXPECTED: kanon_metrics and kanon_sizes against pandas.
check() {
  expect_sql "$1" "$METRICS" "$(head -1 "$3")" "$2 metrics"
  expect_sql "$1" "$SIZES" "$(tail -n +2 "$3")" "$2 class sizes"
}

"$PY" "$AUD_SRC/tests/kanon/expect.py" --qi $QI --sensitive occupation \
  "$T/adult.data.csv" >"$T/want1" || bad "expect.py failed"
# What the numbers are, for the record (pandas, not auditor): 32,561 records
# in 2,382 classes, 1,330 of them unique (4.08%).
head -1 "$T/want1" | grep -q '^32561|2382|1|' && ok || bad "pandas: $(head -1 "$T/want1")"

run scan --db "$T/a.db" --hash-key-file "$KEY" -q --quasi-identifiers $QI \
  --sensitive occupation "$T/adult.data.csv"
expect_rc 0 "adult scan"
check "$T/a.db" "adult in memory" "$T/want1"
expect_sql "$T/a.db" "SELECT quasi_identifiers, sensitive, k, spills FROM kanon_metrics" \
  "age,sex,race,native-country|occupation|5|0"

# 1 KiB: half for the run's classes, half for the input's: every new
# class goes to the temporary database.
run scan --db "$T/b.db" --hash-key-file "$KEY" -q --quasi-identifiers $QI \
  --sensitive occupation --kanon-memory 1K "$T/adult.data.csv"
expect_rc 0 "adult scan, 1K"
check "$T/b.db" "adult spilled" "$T/want1"
expect_sql "$T/b.db" "SELECT spills > 1000 FROM kanon_metrics" 1

# Both files: classes across two inputs (merged), another k.
"$PY" "$AUD_SRC/tests/kanon/expect.py" --qi $QI --sensitive occupation --k 11 \
  "$T/adult.data.csv" "$T/adult.test.csv" >"$T/want2" || bad "expect.py failed"
for mem in 64M 48K; do
  run scan --db "$T/c$mem.db" --hash-key-file "$KEY" -q --quasi-identifiers $QI \
    --sensitive occupation --k 11 --kanon-memory $mem "$T/adult.data.csv" "$T/adult.test.csv"
  expect_rc 0 "adult data and test, $mem"
  check "$T/c$mem.db" "adult data and test, $mem" "$T/want2"
  expect_sql "$T/c$mem.db" "SELECT records FROM kanon_metrics" 48842
done
expect_sql "$T/c48K.db" "SELECT spills > 0 FROM kanon_metrics" 1

# Without a sensitive column: no l-diversity.
"$PY" "$AUD_SRC/tests/kanon/expect.py" --qi age,sex "$T/adult.data.csv" >"$T/want3"
run scan --db "$T/d.db" --hash-key-file "$KEY" -q --quasi-identifiers age,sex "$T/adult.data.csv"
expect_rc 0 "adult age,sex"
check "$T/d.db" "adult age,sex" "$T/want3"

finish
