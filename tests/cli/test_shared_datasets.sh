# Real public datasets from ../shared/datasets (present in CI, absent in a
# user's clone: then this test is skipped, visibly). COMPAS holds real
# names and dates of birth that no regex can find by value: the field-name
# classifier must report them.
. "$AUD_SRC/tests/cli/lib.sh"

DS="$AUD_SRC/../shared/datasets"
if [ ! -f "$DS/compas-scores-two-years.csv" ]; then
  echo "SKIPPED: $DS not found (it sits beside the repository in CI only)"
  exit 77
fi

run scan --db "$T/c.db" --hash-key-file "$KEY" "$DS/compas-scores-two-years.csv"
expect_rc 0 "COMPAS scan"
expect_sql "$T/c.db" "SELECT records, status FROM files" "7214|ok"
expect_sql "$T/c.db" "SELECT field FROM fields WHERE verdict='personal' ORDER BY field" \
"dob
first
last
name" "COMPAS personal fields"
# The repeated header names (decile_score and priors_count appear twice).
expect_sql "$T/c.db" "SELECT COUNT(*) FROM fields WHERE field IN ('decile_score', 'decile_score.1', 'priors_count', 'priors_count.1')" 4
expect_sql "$T/c.db" "SELECT COUNT(*) FROM fields" 53
# Values: the dates in the dob column are dates of birth (the field name is
# the context); no other column holds emails, phones or ids.
expect_sql "$T/c.db" "SELECT entity, field, evidence, COUNT(*) FROM findings GROUP BY 1, 2, 3" \
  "DATE_OF_BIRTH|dob|context|7214"

# Bias: medium/high risk (decile >= 5) by race; counts checked with pandas
# on the same file (African-American 2174 of 3696, Caucasian 854 of 2454).
run scan --db "$T/b.db" --hash-key-file "$KEY" -q --group race --outcome two_year_recid --positive 1 --score decile_score --threshold 5 "$DS/compas-scores-two-years.csv"
expect_rc 0 "COMPAS bias"
expect_sql "$T/b.db" "SELECT group_value, n, pred_pos, pos FROM group_counts WHERE group_value IN ('African-American', 'Caucasian') ORDER BY 1" \
"African-American|3696|2174|1901
Caucasian|2454|854|966"
expect_sql "$T/b.db" "SELECT printf('%.4f', impact_ratio), flag FROM group_metrics WHERE group_value = 'Caucasian'" \
  "$(python3 -c 'print("%.4f" % ((854/2454)/(2174/3696)))')|four_fifths"

# UCI Adult: income over 50K by sex, the figures every fairness tutorial
# quotes (Female 1179 of 10771, Male 6662 of 21790), checked with pandas.
run scan --db "$T/ab.db" --hash-key-file "$KEY" -q --group sex --outcome Y --positive '>50K' "$DS/adult.data"
expect_sql "$T/ab.db" "SELECT group_value, n, pos FROM group_counts ORDER BY 1" \
"Female|10771|1179
Male|21790|6662"

run scan --db "$T/a.db" --hash-key-file "$KEY" "$DS/adult.data" "$DS/adult.test"
expect_rc 0 "adult scan"
expect_sql "$T/a.db" "SELECT records FROM files ORDER BY file_id" "32561
16281"
expect_sql "$T/a.db" "SELECT DISTINCT field FROM fields WHERE verdict='quasi_identifier' ORDER BY field" \
"age
marital-status
native-country
race
sex"

finish
