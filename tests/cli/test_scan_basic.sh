# A scan of a small JSONL file whose findings are known by hand: entities,
# places, evidence, keyed hashes (checked against an independent HMAC in
# Python), masking, 0600 database, runs appended, no raw value stored.
. "$AUD_SRC/tests/cli/lib.sh"

F="$T/people.jsonl"
printf '%s\n' \
  '{"id":1,"email":"alice.smith@gmail.com","note":"ssn 536-22-8741"}' \
  '{"id":2,"email":"bob@example.com","note":"card 4556 5260 1815 9081"}' \
  '{"id":3,"email":"alice.smith@gmail.com","note":"nothing here"}' >"$F"
DB="$T/a.db"

(umask 000; "$AUDITOR" scan --db "$DB" --hash-key-file "$KEY" "$F" >"$OUT" 2>"$ERR"; echo $? >"$T/rc")
RC=$(cat "$T/rc")
expect_rc 0 "scan with findings, no --fail-on"
expect_eq "$(stat -c %a "$DB")" 600 "db mode under umask 000"
expect_no_err 'random key' "key file given"

expect_sql "$DB" "SELECT COUNT(*) FROM runs" 1
expect_sql "$DB" "SELECT status, tool_version, hash_key_source FROM runs" \
  "complete|0.1.0|file"
expect_sql "$DB" "SELECT path = '$F', compression, format, records, status FROM files" \
  "1|plain|jsonl|3|ok"
expect_sql "$DB" "SELECT bytes_decoded = $(stat -c %s "$F") FROM files" 1
expect_sql "$DB" "SELECT sha256 FROM files" "$(sha256sum "$F" | cut -d' ' -f1)"

# Emails: records 1 and 3 real, record 2 a documentation placeholder.
expect_sql "$DB" "SELECT record, line, field, evidence FROM findings WHERE entity='EMAIL_ADDRESS' ORDER BY record" \
"1|1|email|context
2|2|email|placeholder
3|3|email|context"
# Byte offsets: the value starts 17 bytes into its line ({"id":1,"email":").
L1=$(head -1 "$F" | wc -c); L2=$(sed -n 2p "$F" | wc -c)
expect_sql "$DB" "SELECT byte_offset, length FROM findings WHERE entity='EMAIL_ADDRESS' ORDER BY record" \
"17|21
$((L1 + 17))|15
$((L1 + L2 + 17))|21"
# The same address twice: one keyed hash, equal to an independent HMAC.
expect_sql "$DB" "SELECT COUNT(DISTINCT value_hash) FROM findings WHERE entity='EMAIL_ADDRESS' AND evidence<>'placeholder'" 1
WANT=$(python3 -c 'import hmac,hashlib,sys
print(hmac.new(b"cli-test-key-0123456789abcdef", b"EMAIL_ADDRESS\x00alice.smith@gmail.com", hashlib.sha256).hexdigest())')
expect_sql "$DB" "SELECT DISTINCT value_hash FROM findings WHERE record=1 AND entity='EMAIL_ADDRESS'" "$WANT" "HMAC"

expect_sql "$DB" "SELECT record, field, evidence FROM findings WHERE entity='US_SSN'" "1|note|context"
expect_sql "$DB" "SELECT record, field, evidence FROM findings WHERE entity='CREDIT_CARD'" "2|note|context"
# SSN starts after "ssn " in the note value.
expect_sql "$DB" "SELECT byte_offset = $(head -1 "$F" | grep -bo '536-22' | cut -d: -f1), length FROM findings WHERE entity='US_SSN'" "1|11"
expect_sql "$DB" "SELECT masked FROM findings WHERE entity='CREDIT_CARD'" "**** **** **** 9081"
expect_sql "$DB" "SELECT masked FROM findings WHERE entity='US_SSN'" "***-**-8741"
expect_sql "$DB" "SELECT COUNT(*) FROM findings WHERE masked LIKE '%alice%' OR masked LIKE '%536-22%'" 0

# Nothing raw in the database file, its WAL, stdout or stderr.
for v in alice.smith@gmail.com 536-22-8741 "4556 5260 1815 9081" 4556526018159081 \
         cli-test-key-0123456789abcdef; do
  if grep -aqF -- "$v" "$DB"* "$OUT" "$ERR"; then bad "raw value '$v' leaked"; else ok; fi
done

# Summary on stdout.
expect_out '^auditor: run 1 complete'
expect_out 'findings +4 \(and 1 placeholder'
expect_out 'EMAIL_ADDRESS +2 +1 +1'

# A second run appends; --fail-on any gives 1; --json is valid JSON.
run scan --db "$DB" --hash-key-file "$KEY" --fail-on any --json "$F"
expect_rc 1 "--fail-on any with findings"
expect_sql "$DB" "SELECT run_id, status FROM runs ORDER BY run_id" "1|complete
2|complete"
expect_sql "$DB" "SELECT COUNT(*) FROM findings WHERE run_id=2" 5
python3 - "$OUT" <<'PY' && ok || bad "--json output"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["run_id"] == 2 and d["status"] == "complete", d
assert d["files"] == {"scanned": 1, "failed": 0, "warning": 0}, d
assert d["records"] == 3 and d["findings"] == 4 and d["placeholders"] == 1, d
e = {x["entity"]: x for x in d["by_entity"]}
assert e["EMAIL_ADDRESS"]["findings"] == 2 and e["EMAIL_ADDRESS"]["distinct_values"] == 1, e
PY
# Same key, same fingerprint and hashes across runs.
expect_sql "$DB" "SELECT COUNT(DISTINCT hash_key_fingerprint) FROM runs" 1
expect_sql "$DB" "SELECT COUNT(DISTINCT value_hash) FROM findings WHERE entity='EMAIL_ADDRESS' AND evidence<>'placeholder'" 1

# The key from the environment: same key text, same hashes.
AUDITOR_HASH_KEY=cli-test-key-0123456789abcdef run scan --db "$DB" "$F"
expect_rc 0 "key from environment"
expect_sql "$DB" "SELECT hash_key_source FROM runs WHERE run_id=3" env
expect_sql "$DB" "SELECT COUNT(DISTINCT value_hash) FROM findings WHERE entity='EMAIL_ADDRESS' AND evidence<>'placeholder'" 1

# No key: a random one, said on stderr, other hashes.
env -u AUDITOR_HASH_KEY "$AUDITOR" scan --db "$DB" "$F" >"$OUT" 2>"$ERR"; RC=$?
expect_rc 0 "random key"
expect_err 'no hash key given'
expect_sql "$DB" "SELECT hash_key_source FROM runs WHERE run_id=4" random
expect_sql "$DB" "SELECT COUNT(DISTINCT value_hash) FROM findings WHERE entity='EMAIL_ADDRESS' AND evidence<>'placeholder'" 2

# A short key is refused.
printf 'short' >"$T/short.key"
run scan --db "$DB" --hash-key-file "$T/short.key" "$F"
expect_rc 2 "short key"
expect_err 'at least 16'

# An existing database that is not SQLite: exit 3, clear message.
printf 'not a database at all\n%.0s' $(seq 200) >"$T/junk.db"
run scan --db "$T/junk.db" --hash-key-file "$KEY" "$F"
expect_rc 3 "not a database"
expect_err 'junk.db.*not a database'

finish
