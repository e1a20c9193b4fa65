# The pattern library from the command line: list, test, user pattern files
# added with --patterns, entity selection, and broken or catastrophic user
# patterns (file:line and PCRE2's message; PCRE2's limits stop a
# backtracking pattern and the scan goes on).
. "$AUD_SRC/tests/cli/lib.sh"

run patterns list
expect_rc 0 "patterns list"
expect_out '^email +EMAIL_ADDRESS +email +0\.85'
expect_out 'prefilter: literal @; .*/pii-global\.pat:[0-9]+'

run patterns test "$AUD_SRC/patterns"
expect_rc 0 "patterns test"
expect_out 'samples: all passed'

# A user's pattern file: a company employee id with its own samples.
cat >"$T/acme.pat" <<'PAT'
id: acme_employee
entity: ACME_EMPLOYEE_ID
description: ACME employee number, EMP- and six digits
regex: (?<![\w-])EMP-\d{6}(?!\d)
prefilter: literal EMP-
confidence: 0.9
match: badge EMP-123456 issued
nomatch: EMP-12345
PAT
run patterns test "$T/acme.pat"
expect_rc 0 "user pattern samples"
expect_out '^1 patterns, 2 samples: all passed'
printf 'id,note\n1,badge EMP-654321 and bob.r@gmail.com\n' >"$T/e.csv"
run scan --db "$T/u.db" --hash-key-file "$KEY" -q --patterns "$T/acme.pat" "$T/e.csv"
expect_rc 0 "scan with --patterns"
expect_sql "$T/u.db" "SELECT entity FROM findings ORDER BY entity" "ACME_EMPLOYEE_ID
EMAIL_ADDRESS"
run scan --db "$T/u2.db" --hash-key-file "$KEY" -q --patterns "$T/acme.pat" --entities ACME_EMPLOYEE_ID "$T/e.csv"
expect_sql "$T/u2.db" "SELECT entity FROM findings" "ACME_EMPLOYEE_ID"
run scan --db "$T/u3.db" --hash-key-file "$KEY" -q --skip-entities EMAIL_ADDRESS "$T/e.csv"
expect_sql "$T/u3.db" "SELECT COUNT(*) FROM findings" 0

# A failing sample is reported with file:line and the sample.
sed 's/^nomatch: EMP-12345$/nomatch: EMP-123457/' "$T/acme.pat" >"$T/fails.pat"
run patterns test "$T/fails.pat"
expect_rc 3 "failing sample"
expect_err "fails.pat:[0-9]+: pattern 'acme_employee': nomatch sample 'EMP-123457'"

# A broken regex: file:line and PCRE2's own message, exit 3, nothing scanned.
sed 's/^regex: .*/regex: EMP-(\\d{6}/' "$T/acme.pat" >"$T/broken.pat"
run scan --db "$T/x.db" --hash-key-file "$KEY" --patterns "$T/broken.pat" "$T/e.csv"
expect_rc 3 "broken user pattern"
expect_err "broken.pat:4: .*missing closing parenthesis"
[ -e "$T/x.db" ] && bad "database created despite a broken pattern" || ok

# Catastrophic backtracking: the limit stops it, the scan goes on, the
# input says so (problem 'pattern_limit'), other findings are kept.
cat >"$T/cat.pat" <<'PAT'
id: catastrophic
entity: BAD_REGEX
description: nested quantifiers that backtrack exponentially
regex: (a+)+$
prefilter: literal aaaa
confidence: 0.1
window: 65536
match: aaaa
PAT
{ printf 'id,v\n1,carl.v@gmail.com\n2,'; head -c 5000 /dev/zero | tr '\0' a; printf 'b\n3,dora.w@gmail.com\n'; } >"$T/cat.csv"
timeout 60 "$AUDITOR" scan --db "$T/c.db" --hash-key-file "$KEY" -q --patterns "$T/cat.pat" "$T/cat.csv" >"$OUT" 2>"$ERR"
RC=$?
expect_rc 3 "catastrophic pattern"
expect_err "cat.csv.*not fully checked: a pattern hit PCRE2's match or depth limit"
expect_sql "$T/c.db" "SELECT kind FROM problems" pattern_limit
expect_sql "$T/c.db" "SELECT COUNT(*) FROM findings WHERE entity='EMAIL_ADDRESS'" 2

finish
