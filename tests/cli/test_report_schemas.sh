# Report schemas: `auditor report --format json` validated against
# tests/schema/report.schema.json and `--format sarif` against the OASIS
# SARIF 2.1.0 schema (tests/schema/sarif-schema-2.1.0.json), both with
# Python's jsonschema (Debian: python3-jsonschema); plus facts checked
# against the database: one SARIF result per real finding, rule ids, the
# inputs' SHA-256, and no raw planted value anywhere in the output.
. "$AUD_SRC/tests/cli/lib.sh"

PY=/usr/bin/python3
if ! "$PY" -c 'import jsonschema' 2>/dev/null; then
  echo "SKIPPED: $PY has no jsonschema module (apt-get install python3-jsonschema)"
  exit 77
fi
SCHEMA="$AUD_SRC/tests/schema"

# Data: 30 people with SSNs, cards and phones (CSV; emails on example.org,
# which are placeholders), a gzip JSONL log with AWS keys and real
# emails, an absolute path with a space in its name, and a CSV that fails
# half way. Every planted raw value goes to planted.txt.
mkdir -p "$T/in"
"$PY" - "$T/in" <<'PY'
import gzip, json, random, sys
d = sys.argv[1]
rnd = random.Random(11)
planted = []
def luhn(p):
    s = 0
    for i, ch in enumerate(reversed(p)):
        x = int(ch)
        if i % 2 == 0:
            x = x * 2 - 9 if x * 2 > 9 else x * 2
        s += x
    return str((10 - s % 10) % 10)
with open(d + "/people.csv", "w") as f:
    f.write("id,name,email,phone,ssn,card,sex,hired,note\n")
    for i in range(1, 31):
        sex = "F" if i % 3 == 0 else "M"
        hired = "yes" if i % 2 == 0 or (sex == "M" and i % 5 == 0) else "no"
        ssn = "%03d-%02d-%04d" % (rnd.randint(101, 665), rnd.randint(10, 99),
                                  rnd.randint(1000, 9999))
        p = "45" + "".join(rnd.choice("0123456789") for _ in range(13))
        card = p + luhn(p)
        phone = "+1 415 555 %04d" % rnd.randint(1000, 9999)
        planted += [ssn, card, phone]
        f.write('%d,Person %d,user%d@example.org,%s,%s,%s,%s,%s,'
                '"see [x](1), a \\ and ""q"""\n'
                % (i, i, i, phone, ssn, card, sex, hired))
b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
with gzip.open(d + "/logs.jsonl.gz", "wt") as f:
    for i in range(4):
        key = "AKIA" + "".join(rnd.choice(b32) for _ in range(16))
        mail = "ops.team%d@corp-mail.net" % i
        planted += [key, mail]
        f.write(json.dumps({"sex": "F" if i % 2 else "M", "hired": "yes",
                            "msg": "deploy with %s, mail %s" % (key, mail)})
                + "\n")
with open(d + "/my data.csv", "w") as f:
    f.write("sex,hired,contact\nF,no,anna.k@mailbox.org\n")
    planted.append("anna.k@mailbox.org")
with open(d + "/bad.csv", "w") as f:
    f.write('sex,hired\nM,yes\n"unbalanced,no\n')
with open(d + "/team.json", "w") as f:  # one JSON array, format "json"
    json.dump([{"sex": "M", "hired": "no", "contact": "bo.li@mailbox.org"}],
              f, indent=2)
    planted.append("bo.li@mailbox.org")
with open(d + "/../planted.txt", "w") as f:
    f.write("\n".join(planted) + "\n")
PY
DB="$T/r.db"
(cd "$T/in" && "$AUDITOR" scan --db "$DB" --hash-key-file "$KEY" -q \
  --group sex --outcome hired --positive yes \
  people.csv logs.jsonl.gz "$T/in/my data.csv" bad.csv team.json) >"$OUT" 2>"$ERR"
RC=$?
expect_rc 3 "scan with a failed input"
expect_sql "$DB" "SELECT status, format FROM files ORDER BY file_id" "ok|csv
ok|jsonl
ok|csv
failed|csv
ok|json" "input statuses"
expect_sql "$DB" "SELECT COUNT(DISTINCT entity) >= 5, SUM(evidence = 'placeholder') > 0 FROM findings" "1|1" "several entities and placeholders"
expect_sql "$DB" "SELECT COUNT(*) > 0 FROM group_metrics" "1" "bias audit stored"

# validate KIND FILE SCHEMA: prints the first errors, fails on any.
validate() {
  "$PY" - "$1" "$2" "$3" <<'PY'
import json, sys, jsonschema
kind, doc, schema = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
fc = getattr(cls, "FORMAT_CHECKER", None) or jsonschema.FormatChecker()
errs = sorted(cls(schema, format_checker=fc).iter_errors(doc), key=str)
for e in errs[:10]:
    print("%s: %s at /%s" % (kind, e.message[:300], "/".join(map(str, e.absolute_path))), file=sys.stderr)
sys.exit(1 if errs else 0)
PY
}

# ---- JSON --------------------------------------------------------------
run report --db "$DB" --format json
expect_rc 0 "report json"
cp "$OUT" "$T/report.json"
validate json "$T/report.json" "$SCHEMA/report.schema.json" && ok || bad "report.json does not match report.schema.json"
# The schema must catch drift: an extra key, a missing key, a wrong type.
"$PY" - "$T/report.json" "$T" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
def dump(name, f):
    x = json.loads(json.dumps(d)); f(x)
    json.dump(x, open(sys.argv[2] + "/" + name, "w"))
dump("extra.json", lambda x: x["summary"].__setitem__("new_key", 1))
dump("missing.json", lambda x: x["manifest"]["inputs"][0].pop("sha256"))
dump("type.json", lambda x: x["summary"]["bias"][0]["groups"][0].__setitem__("n", "15"))
dump("extra_group.json", lambda x: x["summary"]["bias"][0]["groups"][0].__setitem__("odds", 1.0))
PY
for f in extra missing type extra_group; do
  validate json "$T/$f.json" "$SCHEMA/report.schema.json" 2>/dev/null && bad "schema accepts $f.json" || ok
done
grep -qFf "$T/planted.txt" "$T/report.json" && bad "a raw value in report.json" || ok

# An overlap run's report carries its summary under "overlap": a key and
# --near (near matches, shares), and an input that fails (bad.csv).
run overlap --db "$T/ov.db" --train "$T/in/people.csv" "$T/in/bad.csv" \
  --test "$T/in/my data.csv" --key note --near
run report --db "$T/ov.db" --format json
expect_rc 0 "report json of an overlap run"
cp "$OUT" "$T/ov.json"
validate json "$T/ov.json" "$SCHEMA/report.schema.json" && ok || bad "ov.json does not match report.schema.json"
"$PY" - "$T/ov.json" "$T/ov.db" <<'PY' && ok || bad "overlap section = overlap_runs"
import json, sqlite3, sys
o = json.load(open(sys.argv[1]))["overlap"]
db = sqlite3.connect(sys.argv[2])
row = db.execute("SELECT test_in_train, train_records, test_records, near_test_records FROM overlap_runs").fetchone()
assert (o["test_in_train"], o["train_records"], o["test_records"], o["near_test_records"]) == row, (o, row)
assert [i["path"].endswith("bad.csv") for i in o["inputs_with_problems"]] == [True], o["inputs_with_problems"]
PY
"$PY" - "$T/ov.json" "$T" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["overlap"]["leaked"] = 1
json.dump(d, open(sys.argv[2] + "/ov_extra.json", "w"))
PY
validate json "$T/ov_extra.json" "$SCHEMA/report.schema.json" 2>/dev/null && bad "schema accepts an extra overlap key" || ok
grep -qFf "$T/planted.txt" "$T/ov.json" && bad "a raw value in ov.json" || ok

# ---- SARIF -------------------------------------------------------------
run report --db "$DB" --format sarif
expect_rc 0 "report sarif"
cp "$OUT" "$T/r.sarif"
run report --db "$DB" --format sarif
cmp -s "$OUT" "$T/r.sarif" && ok || bad "SARIF is not byte-identical"
if [ -s "$T/r.sarif" ]; then
  validate sarif "$T/r.sarif" "$SCHEMA/sarif-schema-2.1.0.json" && ok || bad "r.sarif does not match the SARIF 2.1.0 schema"
  grep -qFf "$T/planted.txt" "$T/r.sarif" && bad "a raw value in the SARIF log" || ok
  q "$DB" "SELECT COUNT(*) FROM findings WHERE run_id = 1 AND evidence <> 'placeholder'" >"$T/nres"
  q "$DB" "SELECT DISTINCT pattern_id FROM findings WHERE run_id = 1 AND evidence <> 'placeholder' ORDER BY 1" >"$T/rules"
  q "$DB" "SELECT entity FROM findings WHERE run_id = 1 AND evidence <> 'placeholder' ORDER BY finding_id" >"$T/entities"
  (cd "$T/in" && sha256sum people.csv logs.jsonl.gz "my data.csv" bad.csv team.json) >"$T/sums"
  "$PY" - "$T" <<'PY' && ok || bad "SARIF facts"
import json, sys, urllib.parse
t = sys.argv[1]
log = json.load(open(t + "/r.sarif"))
assert log["version"] == "2.1.0", log["version"]
(run,) = log["runs"]
drv = run["tool"]["driver"]
assert drv["name"] == "auditor" and drv["version"], drv
res = run["results"]
assert len(res) == int(open(t + "/nres").read()), (len(res), "results")
rules = open(t + "/rules").read().split()
assert [r["id"] for r in drv["rules"]] == rules, (drv["rules"], rules)
assert sorted({r["ruleId"] for r in res}) == rules
for r in res:
    assert drv["rules"][r["ruleIndex"]]["id"] == r["ruleId"], r
# Levels: secrets are errors, the rest warnings.
ents = open(t + "/entities").read().split()
assert [r["properties"]["entity"] for r in res] == ents
for r in res:
    want = "error" if r["properties"]["entity"] == "AWS_ACCESS_KEY" else "warning"
    assert r["level"] == want, r
    assert r["message"]["text"].startswith(r["properties"]["entity"] + " in field "), r
    assert len(r["partialFingerprints"]["auditor/valueHash/v1"]) == 64, r
ids = [r["properties"]["findingId"] for r in res]
assert ids == sorted(ids), "results not in finding order"
# Artifacts: every input with its size and SHA-256; relative paths stay
# relative, absolute ones become file:// URIs, percent-encoded.
sums = {}
for line in open(t + "/sums"):
    h, name = line.rstrip("\n").split("  ", 1)
    sums[name] = h
arts = run["artifacts"]
uris = [a["location"]["uri"] for a in arts]
assert uris[:2] == ["people.csv", "logs.jsonl.gz"] and uris[3] == "bad.csv", uris
assert uris[2] == "file://" + urllib.parse.quote(t + "/in/my data.csv"), uris[2]
assert "%20" in uris[2] and " " not in uris[2]
for a in arts:
    u = urllib.parse.unquote(a["location"]["uri"])
    name = u.rsplit("/", 1)[-1]
    assert a["hashes"]["sha-256"] == sums[name], (a, sums[name])
    assert a["length"] > 0
for r in res:
    loc = r["locations"][0]["physicalLocation"]
    art = arts[loc["artifactLocation"]["index"]]
    assert loc["artifactLocation"]["uri"] == art["location"]["uri"]
    assert loc["region"]["startLine"] >= 1 and loc["region"]["byteLength"] > 0
    gz = art["location"]["uri"].endswith(".gz")
    assert ("properties" in loc["region"]) == gz, r
# The failed input is a tool notification; the run itself completed.
inv = run["invocations"][0]
assert inv["executionSuccessful"] is True
(n,) = inv["toolExecutionNotifications"]
assert n["level"] == "error" and n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad.csv", n
PY
fi

# A run without findings still gives a valid log with empty results.
printf 'a,b\n1,2\n' >"$T/in/empty.csv"
run scan --db "$T/e.db" --hash-key-file "$KEY" -q "$T/in/empty.csv"
expect_rc 0 "scan without findings"
run report --db "$T/e.db" --format sarif
expect_rc 0 "report sarif, no findings"
if [ "$RC" -eq 0 ]; then
  validate sarif "$OUT" "$SCHEMA/sarif-schema-2.1.0.json" && ok || bad "empty SARIF log does not validate"
  "$PY" -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]; assert r["results"] == [] and r["tool"]["driver"]["rules"] == []' "$OUT" && ok || bad "empty results"
fi
run report --db "$T/e.db" --format json
validate json "$OUT" "$SCHEMA/report.schema.json" && ok || bad "report.json without findings"

finish
