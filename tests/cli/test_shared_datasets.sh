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
