# Columns, not only values: field verdicts by name and by values, redaction
# markers counted per field, repeated values over a run, and the allowlist
# (suppressed findings are counted, never silently dropped).
. "$AUD_SRC/tests/cli/lib.sh"

# A COMPAS-like header (the columns are those of the real file) with
# synthetic rows; nobody's name is real.
C="$T/people.csv"
printf 'id,name,first,last,sex,dob,age,race,decile_score,contact,notes\n' >"$C"
printf '1,Ada Byron,Ada,Byron,Female,1985-02-11,38,Other,3,ada.b@gmail.com,called <PHONE_NUMBER>\n' >>"$C"
printf '2,Ben Okafor,Ben,Okafor,Male,1990-07-30,33,African-American,7,ben.ok@yahoo.com,[REDACTED] said hi\n' >>"$C"
printf '3,Cy Wu,Cy,Wu,Male,1979-12-01,44,Asian,2,ada.b@gmail.com,|||EMAIL_ADDRESS||| and <PHONE_NUMBER>\n' >>"$C"
printf '4,Di Roe,Di,Roe,Female,2001-05-05,22,Caucasian,5,help@acme-corp.com,nothing\n' >>"$C"
printf 'EMAIL_ADDRESS help@ACME-corp.com\nPHONE_NUMBER re:^\\+1 800\n' >"$T/allow.txt"

run scan --db "$T/p.db" --hash-key-file "$KEY" --allowlist "$T/allow.txt" "$C"
expect_rc 0 "profile scan"
expect_sql "$T/p.db" "SELECT field, verdict, COALESCE(name_class, '-') FROM fields ORDER BY field" \
"age|quasi_identifier|QUASI_IDENTIFIER
contact|personal|-
decile_score|none_found|-
dob|personal|DATE_OF_BIRTH
first|personal|PERSON_NAME
id|none_found|-
last|personal|PERSON_NAME
name|personal|PERSON_NAME
notes|none_found|-
race|quasi_identifier|QUASI_IDENTIFIER
sex|quasi_identifier|QUASI_IDENTIFIER" "verdicts"
# contact: 3 emails counted (the 4th is allowlisted), 3 of 4 values.
expect_sql "$T/p.db" "SELECT values_seen, values_non_empty, values_with_findings, top_entity, top_entity_values, reason FROM fields WHERE field='contact'" \
  "4|4|3|EMAIL_ADDRESS|3|3 of 4 values are EMAIL_ADDRESS"
expect_sql "$T/p.db" "SELECT entity, values_matched FROM field_entities WHERE field='contact'" "EMAIL_ADDRESS|3"
expect_sql "$T/p.db" "SELECT marker, count FROM markers WHERE field='notes' ORDER BY marker" \
"<PHONE_NUMBER>|2
[REDACTED]|1
|||EMAIL_ADDRESS||||1"
expect_sql "$T/p.db" "SELECT COUNT(*) FROM findings WHERE entity='REDACTION_MARKER'" 0
# The allowlist: one finding suppressed, counted, its hash of the run kept.
expect_sql "$T/p.db" "SELECT entity, count FROM suppressed" "EMAIL_ADDRESS|1"
expect_sql "$T/p.db" "SELECT COUNT(*) FROM findings WHERE masked LIKE 'h%'" 0
expect_sql "$T/p.db" "SELECT allowlist_sha256 FROM runs" "$(sha256sum "$T/allow.txt" | cut -d' ' -f1)"
# Repetition: ada.b@gmail.com twice in two records.
expect_sql "$T/p.db" "SELECT entity, masked, occurrences, records, files FROM repeated_values WHERE records > 1" \
  "EMAIL_ADDRESS|a***@g****.com|2|2|1"
expect_out 'suppressed by the allowlist: EMAIL_ADDRESS 1'
expect_out 'most repeated values'
expect_out 'dob +personal +the name says DATE_OF_BIRTH'
# Its row shows the start of the value's keyed hash (computed here: HMAC-
# SHA-256 of entity, NUL, value), which masked previews that look alike do
# not; JSON gives the whole hash.
H=$(python3 -c 'import hmac,hashlib
print(hmac.new(b"cli-test-key-0123456789abcdef", b"EMAIL_ADDRESS\x00ada.b@gmail.com", hashlib.sha256).hexdigest())')
expect_out "EMAIL_ADDRESS +a\*\*\*@g\*\*\*\*\.com +${H:0:12} +2 +2 +1\$"
expect_sql "$T/p.db" "SELECT COUNT(*) FROM findings WHERE value_hash GLOB '${H:0:12}*'" 2
run report --db "$T/p.db" --format json
python3 - "$OUT" "$H" <<'PY' && ok || bad "repeated value's hash in the JSON report"
import json, sys
r = json.load(open(sys.argv[1]))["summary"]["repeated_values"]
assert [(x["masked"], x["records"], x["value_hash"]) for x in r] == [("a***@g****.com", 2, sys.argv[2])], r
PY
for f in markdown html; do
  run report --db "$T/p.db" --format $f
  expect_out "${H:0:12}" "$f report"
done

# Repeated across files: the same value in two inputs, one run.
cp "$C" "$T/copy.csv"
run scan --db "$T/r.db" --hash-key-file "$KEY" -q "$C" "$T/copy.csv"
expect_sql "$T/r.db" "SELECT occurrences, records, files FROM repeated_values WHERE masked='a***@g****.com'" "4|4|2"
expect_sql "$T/r.db" "SELECT field, files, verdict FROM field_verdicts WHERE field IN ('name','notes') ORDER BY field" \
"name|2|personal
notes|2|none_found"

# JSON paths: indices folded in fields, kept in findings.
printf '{"messages":[{"content":"hi"},{"content":"mail x.y@gmail.com"}],"user":{"name":"Q"}}\n' >"$T/j.jsonl"
run scan --db "$T/j.db" --hash-key-file "$KEY" -q "$T/j.jsonl"
expect_sql "$T/j.db" "SELECT field, values_seen, verdict FROM fields ORDER BY field" \
"messages[].content|2|personal
user.name|1|personal"
expect_sql "$T/j.db" "SELECT field FROM findings" "messages[1].content"

# A bad allowlist: file:line, usage exit.
printf 'EMAIL_ADDRESS re:(unclosed\n' >"$T/bad.txt"
run scan --db "$T/b.db" --hash-key-file "$KEY" --allowlist "$T/bad.txt" "$C"
expect_rc 2 "bad allowlist"
expect_err 'bad.txt:1: bad regex'

finish
