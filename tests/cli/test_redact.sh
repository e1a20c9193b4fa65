# auditor redact (issue #9, point 3): a redacted copy in the same format and
# compression. Checked here with independent tools: Python's csv and json
# modules and pandas read input and output side by side; gzip and zstd make
# the compressed inputs and read the outputs back; `auditor scan` of every
# output must find nothing above the placeholder level, on hand-made files,
# on the detection evaluation set (tests/eval/gen_eval.py) and on the COMPAS
# file from ../shared/datasets (that part is skipped, visibly, without it).
. "$AUD_SRC/tests/cli/lib.sh"

PY=/usr/bin/python3
if ! $PY -c 'import pandas' 2>/dev/null; then
  echo "SKIPPED: $PY with pandas not found"
  exit 77
fi
OTHERKEY="$T/.key2"
printf 'another-key-for-the-same-values\n' >"$OTHERKEY"

# real_findings FILE: findings above the placeholder level in a scan of FILE.
real_findings() {
  rm -f "$T/rescan.db"
  "$AUDITOR" scan -q --db "$T/rescan.db" --hash-key-file "$KEY" "$@" \
    >/dev/null 2>"$T/rescan.err"
  q "$T/rescan.db" "SELECT COUNT(*) FROM findings WHERE evidence <> 'placeholder'"
}

# ---- CSV: what changes, what does not --------------------------------------
printf 'id,name,email,note\r\n1,"Doe, John", john@acme.io ,"call (212) 555-2368 or ""jd@corp.io"""\r\n\r\n2,Ann,ann@b.org,plain text\r\n3,"multi\nline",n/a,SSN 123-45-6789\r\n4,Bob,n/a,"no ""findings"" here"\r\n' >"$T/c.csv"
run redact "$T/c.csv" -o "$T/c.out.csv"
expect_rc 0 "redact CSV"
expect_out '^redacted  .*c\.csv -> .*c\.out\.csv \(csv, plain\)' "summary head"
expect_out '^replaced  5 spans in 4 values' "summary counts"
expect_out 'EMAIL_ADDRESS +3$' "summary by entity"
expect_eq "$(stat -c %a "$T/c.out.csv")" 600 "output mode"
expect_eq "$(real_findings "$T/c.csv")" 5 "input has findings"
expect_eq "$(real_findings "$T/c.out.csv")" 0 "rescan of the CSV copy"
# Rows, columns, quoting and line ends: Python's csv module reads both
# alike; the fields without findings are equal, and the raw bytes of the
# lines without findings too.
$PY - "$T/c.csv" "$T/c.out.csv" >"$T/py.out" 2>&1 <<'EOF'
import csv, sys
a = list(csv.reader(open(sys.argv[1], newline='')))
b = list(csv.reader(open(sys.argv[2], newline='')))
assert len(a) == len(b), (len(a), len(b))
changed = []
for i, (ra, rb) in enumerate(zip(a, b)):
    assert len(ra) == len(rb), (i, ra, rb)
    for j, (x, y) in enumerate(zip(ra, rb)):
        if x != y:
            changed.append((i, j, y))
print(changed)
ra, rb = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
print(ra.split(b'\r\n')[0] == rb.split(b'\r\n')[0], ra.count(b'\r\n'), rb.count(b'\r\n'))
print(ra.split(b'\r\n')[5:] == rb.split(b'\r\n')[5:] or ra.split(b'\r\n')[5:])
EOF
expect_eq "$(sed -n 1p "$T/py.out")" "[(1, 2, ' <EMAIL_ADDRESS> '), (1, 3, 'call <PHONE_NUMBER> or \"<EMAIL_ADDRESS>\"'), (3, 2, '<EMAIL_ADDRESS>'), (4, 3, 'SSN <US_SSN>')]" "changed CSV fields"
expect_eq "$(sed -n 2p "$T/py.out")" "True 6 6" "header and CRLF line ends kept"
expect_eq "$(sed -n 3p "$T/py.out")" "True" "a line without findings is byte-identical"

# Personal columns: dropped, or replaced whole.
run redact --drop-personal-columns "$T/c.csv" -o "$T/drop.csv"
expect_rc 0 "drop personal columns"
expect_out '^personal  name +PERSON_NAME +4 values dropped' "summary: dropped column"
expect_eq "$(head -1 "$T/drop.csv")" "$(printf 'id,note\r')" "header without the dropped columns"
expect_eq "$(real_findings "$T/drop.csv")" 0 "rescan after drop"
run redact --replace-personal-columns "$T/c.csv" -o "$T/repl.csv"
expect_rc 0 "replace personal columns"
expect_eq "$(sed -n 2p "$T/repl.csv")" "$(printf '1,"<PERSON_NAME>", <EMAIL> ,"call <PHONE_NUMBER> or ""<EMAIL_ADDRESS>"""\r')" "replaced row"
run redact --drop-personal-columns --replace-personal-columns "$T/c.csv" -o "$T/x.csv"
expect_rc 2 "drop and replace together"

# ---- pseudonyms: consistent, keyed, of the same shape ----------------------
printf '{"a": "mail john.doe@gmail.com now", "b": "ssn 123-45-6789"}\n{"a": "again: john.doe@gmail.com", "b": "card 4556 7375 8689 9855"}\n' >"$T/p.jsonl"
run redact --pseudonymize -k "$KEY" "$T/p.jsonl" -o "$T/p1.jsonl"
expect_rc 0 "pseudonymize"
run redact --pseudonymize -k "$KEY" "$T/p.jsonl" -o "$T/p2.jsonl"
run redact --pseudonymize -k "$OTHERKEY" "$T/p.jsonl" -o "$T/p3.jsonl"
$PY - "$T/p1.jsonl" "$T/p2.jsonl" "$T/p3.jsonl" >"$T/py.out" 2>&1 <<'EOF'
import json, re, sys
def load(p):
    return [json.loads(l) for l in open(p)]
p1, p2, p3 = (load(p) for p in sys.argv[1:4])
email = re.compile(r'[a-z0-9._%+-]+@(?:[a-z0-9-]+\.)+example')
e1 = [email.search(r['a']).group(0) for r in p1]
e3 = [email.search(r['a']).group(0) for r in p3]
print(e1[0] == e1[1], p1 == p2, e1[0] != e3[0], len(e1[0].split('@')[0]) == len('john.doe'))
ssn = re.search(r'\d{3}-\d{2}-\d{4}', p1[0]['b']).group(0)
print(ssn[0] == '9' and int(ssn[4:6]) < 50)
card = re.search(r'\d{4} \d{4} \d{4} \d{4}', p1[1]['b']).group(0)
d = [int(c) for c in card.replace(' ', '')][::-1]
luhn = sum(x if i % 2 == 0 else (2 * x - 9 if 2 * x > 9 else 2 * x) for i, x in enumerate(d))
print(card[0] == '4', luhn % 10 != 0, '4556 7375 8689 9855' not in json.dumps(p1))
EOF
expect_eq "$(sed -n 1p "$T/py.out")" "True True True True" "same value, same pseudonym; another key, another one; same shape"
expect_eq "$(sed -n 2p "$T/py.out")" "True" "SSN pseudonym is no SSN (area 9xx, group < 50)"
expect_eq "$(sed -n 3p "$T/py.out")" "True True True" "card pseudonym fails Luhn"
expect_eq "$(real_findings "$T/p1.jsonl")" 0 "rescan of pseudonyms"

# ---- compression: gzip in gzip out, zstd in zstd out, stdin to stdout ------
gzip -c "$T/c.csv" >"$T/c.csv.gz"
run redact "$T/c.csv.gz" -o "$T/c.out.csv.gz"
expect_rc 0 "gzip input"
expect_eq "$(head -c 2 "$T/c.out.csv.gz" | od -An -tx1 | tr -d ' ')" 1f8b "gzip magic"
gzip -t "$T/c.out.csv.gz" 2>/dev/null && ok || bad "gzip -t of the output"
cmp -s <(gzip -dc "$T/c.out.csv.gz") "$T/c.out.csv" && ok || bad "gzip output decodes to the plain redaction"
if command -v zstd >/dev/null; then
  zstd -q -c "$T/c.csv" >"$T/c.csv.zst"
  run redact "$T/c.csv.zst" -o "$T/c.out.csv.zst"
  expect_rc 0 "zstd input"
  expect_eq "$(head -c 4 "$T/c.out.csv.zst" | od -An -tx1 | tr -d ' ')" 28b52ffd "zstd magic"
  cmp -s <(zstd -q -dc "$T/c.out.csv.zst") "$T/c.out.csv" && ok || bad "zstd output decodes to the plain redaction"
else
  echo "zstd not installed: zstd round trip skipped"
fi
"$AUDITOR" redact --format csv - -o - <"$T/c.csv.gz" >"$T/stdout.gz" 2>"$ERR"
RC=$?
expect_rc 0 "stdin to stdout"
expect_err '^redacted  <stdin> -> - \(csv, gzip\)' "summary on stderr when the copy is on stdout"
cmp -s <(gzip -dc "$T/stdout.gz") "$T/c.out.csv" && ok || bad "stdin gzip to stdout gzip"

# ---- bad inputs -----------------------------------------------------------
printf '{"a":"x@corp.io"}\nnot json: jd@corp.io\n{"b":2}\n' >"$T/bad.jsonl"
run redact "$T/bad.jsonl" -o "$T/bad.out.jsonl"
expect_rc 3 "invalid JSON line"
expect_err 'bad\.jsonl:2 \(record 2, byte 18\): line is not a JSON object' "place of the bad line"
expect_out '1 unparsed \(redacted as raw text\)' "unparsed counted"
expect_eq "$(sed -n 2p "$T/bad.out.jsonl")" "not json: <EMAIL_ADDRESS>" "unparsed line redacted as raw text"
# A truncated gzip stream: nothing is written, no temporary file is left.
head -c 60 "$T/c.csv.gz" >"$T/trunc.csv.gz"
mkdir "$T/o"
printf 'older copy\n' >"$T/o/keep.csv"
run redact "$T/trunc.csv.gz" -o "$T/o/keep.csv"
expect_rc 4 "truncated gzip"
expect_err 'trunc\.csv\.gz.*(truncated|unexpected end)' "truncation reported"
expect_err 'keep\.csv: not written' "says the output was not written"
expect_eq "$(cat "$T/o/keep.csv")" "older copy" "older output untouched"
expect_eq "$(ls -A "$T/o" | wc -l)" 1 "no temporary file left"
# The same failure with the copy on stdout: 4 too (what reached stdout is
# incomplete), where a written copy with problems gives 3 (above).
"$AUDITOR" redact - -o - <"$T/trunc.csv.gz" >"$T/trunc.stdout" 2>"$ERR"
RC=$?
expect_rc 4 "truncated gzip to stdout"
expect_err '(truncated|unexpected end)' "truncation reported with -o -"
printf 'a,b\n1,"never closed\n' >"$T/open.csv"
run redact "$T/open.csv" -o "$T/o/open.csv"
expect_rc 4 "unterminated quote"
expect_err 'open\.csv:2 \(record 1, byte 4\): unterminated quoted field' "place of the open quote"
[ ! -e "$T/o/open.csv" ] && ok || bad "no output after a failed input"
run redact "$T/c.csv" -o "$T/c.csv"
expect_rc 2 "output is the input"
expect_err 'the output is the input itself' "message for output = input"
ln -s "$T/c.csv" "$T/link.csv"
run redact "$T/c.csv" -o "$T/link.csv"
expect_rc 2 "output is a link to the input"
run redact "$T/c.csv"
expect_rc 2 "no -o"
run redact -o "$T/x.csv"
expect_rc 2 "no input"
run redact "$T/c.csv" -o "$T/nodir/x.csv"
expect_rc 4 "output folder missing"
expect_err 'nodir/x\.csv: cannot create' "message for an unwritable output"
: >"$T/empty.csv"
run redact "$T/empty.csv" -o "$T/empty.out.csv"
expect_rc 3 "empty input"
expect_err 'empty input' "empty input reported"
run redact --bogus "$T/c.csv" -o "$T/x.csv"
expect_rc 2 "unknown option"

# ---- progress: on a terminal, or with --progress; cleared before the end ----
python3 -c '
for i in range(60000):
    print("{\"id\":%d,\"t\":\"text of record %d by user%d@gmail.com\"}" % (i, i, i % 97))' >"$T/prog.jsonl"
run redact --progress "$T/prog.jsonl" -o "$T/prog.out.jsonl"
expect_rc 0 "redact with --progress"
expect_err 'records, [0-9]+ findings, [0-9]+ MB/s' "progress line on stderr"
run redact "$T/prog.jsonl" -o "$T/prog.out.jsonl"
expect_no_err 'MB/s' "no progress when stderr is no terminal"
if command -v script >/dev/null; then
  script -qec "$AUDITOR redact $T/prog.jsonl -o $T/prog.tty.jsonl" "$T/tty.txt" >/dev/null 2>&1
  grep -aq 'records, [0-9]* findings' "$T/tty.txt" && ok || bad "no progress line on a terminal"
  grep -aq "$(printf '\r\033\\[K')redacted" "$T/tty.txt" && ok || bad "progress not cleared before the summary"
fi

# ---- SIGINT: nothing written, nothing left behind -----------------------------
mkfifo "$T/fifo"
mkdir "$T/sig"
"$AUDITOR" redact - -o "$T/sig/out.jsonl" <"$T/fifo" >"$OUT" 2>"$ERR" &
pid=$!
exec 7>"$T/fifo"
head -c 300000 "$T/prog.jsonl" >&7
sleep 1
kill -INT "$pid"
sleep 0.2
# (in a subshell: when auditor has already gone, the write's SIGPIPE must
# not end this script)
( printf '{"a":"late@corp.io"}\n' >&7 ) 2>/dev/null
exec 7>&-
wait "$pid"; RC=$?
expect_rc 130 "SIGINT"
expect_err 'interrupted' "interruption reported"
expect_eq "$(ls -A "$T/sig" | wc -l)" 0 "no output and no temporary file after SIGINT"

# ---- help and manual page ----------------------------------------------------
run help redact
expect_out '--pseudonymize' "help lists --pseudonymize"
expect_out '--drop-personal-columns' "help lists --drop-personal-columns"
run help --man
expect_out '^\.SH REDACT OPTIONS' "man page section"

# ---- the detection evaluation set -----------------------------------------
if python3 "$AUD_SRC/tests/eval/gen_eval.py" --seed 1 --out "$T/ev" >/dev/null 2>&1; then
  for mode in markers pseudonyms; do
    extra=""
    [ $mode = pseudonyms ] && extra="--pseudonymize -k $KEY"
    run redact $extra --json "$T/ev/eval.jsonl" -o "$T/ev/$mode.jsonl"
    expect_rc 0 "redact the evaluation set ($mode)"
    expect_eq "$(real_findings "$T/ev/$mode.jsonl")" 0 "rescan of the evaluation set ($mode)"
  done
  # Against the findings of a scan of the input: every value with a
  # finding changed, every other value, key, key order and non-string value
  # is the same, and lines without findings are byte-identical.
  rm -f "$T/in.db"
  "$AUDITOR" scan -q --db "$T/in.db" --hash-key-file "$KEY" "$T/ev/eval.jsonl" 2>/dev/null
  q "$T/in.db" "SELECT DISTINCT record, field FROM findings WHERE evidence <> 'placeholder'" >"$T/ev/found.txt"
  for mode in markers pseudonyms; do
    $PY - "$T/ev/eval.jsonl" "$T/ev/$mode.jsonl" "$T/ev/found.txt" >"$T/py.out" 2>&1 <<'EOF'
import json, sys
found = set()
for l in open(sys.argv[3]):
    r, f = l.rstrip('\n').split('|', 1)
    found.add((int(r), f))
def flat(v, path, out):
    if isinstance(v, dict):
        out.append(('keys', path, list(v.keys())))
        for k, x in v.items():
            flat(x, path + '.' + k if path else k, out)
    elif isinstance(v, list):
        out.append(('len', path, len(v)))
        for i, x in enumerate(v):
            flat(x, '%s[%d]' % (path, i), out)
    else:
        out.append(('value', path, v))
bad = changed = same_lines = 0
a_lines = open(sys.argv[1], 'rb').read().split(b'\n')
b_lines = open(sys.argv[2], 'rb').read().split(b'\n')
assert len(a_lines) == len(b_lines)
for n, (la, lb) in enumerate(zip(a_lines, b_lines), 1):
    if not la.strip():
        continue
    fa, fb = [], []
    flat(json.loads(la), '', fa)
    flat(json.loads(lb), '', fb)
    if len(fa) != len(fb):
        bad += 1
        continue
    line_has = False
    for (ka, pa, va), (kb, pb, vb) in zip(fa, fb):
        if ka != kb or pa != pb:
            bad += 1
        elif ka != 'value':
            bad += va != vb
        elif (n, pa) in found:
            line_has = True
            bad += va == vb
            changed += 1
        else:
            bad += va != vb
    if not line_has:
        same_lines += 1
        bad += la != lb
print(bad, changed > 7000, same_lines > 1000)
EOF
    expect_eq "$(cat "$T/py.out")" "0 True True" "evaluation set ($mode): keys, order, values kept; every value with a finding changed"
  done
else
  bad "gen_eval.py failed"
fi

# ---- COMPAS ---------------------------------------------------------------
DS="$AUD_SRC/../shared/datasets"
C="$DS/compas-scores-two-years.csv"
if [ -f "$C" ]; then
  run redact "$C" -o "$T/compas.csv"
  expect_rc 0 "redact COMPAS"
  expect_out 'DATE_OF_BIRTH +7214$' "COMPAS: every date of birth replaced"
  expect_eq "$(real_findings "$T/compas.csv")" 0 "rescan of COMPAS"
  run redact --replace-personal-columns --pseudonymize -k "$KEY" "$C" -o "$T/compas-p.csv"
  expect_rc 0 "COMPAS, personal columns pseudonymized"
  expect_eq "$(real_findings "$T/compas-p.csv")" 0 "rescan of pseudonymized COMPAS"
  run redact --drop-personal-columns "$C" -o "$T/compas-d.csv"
  expect_rc 0 "COMPAS, personal columns dropped"
  expect_eq "$(real_findings "$T/compas-d.csv")" 0 "rescan of COMPAS without personal columns"
  $PY - "$C" "$T/compas.csv" "$T/compas-p.csv" "$T/compas-d.csv" >"$T/py.out" 2>&1 <<'EOF'
import sys
import pandas as pd
rd = lambda p: pd.read_csv(p, dtype=str, keep_default_na=False)
a, m, p, d = (rd(x) for x in sys.argv[1:5])
def diff(x, y):
    assert x.shape == y.shape and list(x.columns) == list(y.columns), (x.shape, y.shape)
    return sorted(c for c in x.columns if not x[c].equals(y[c]))
print(a.shape, diff(a, m), bool((m['dob'] == '<DATE_OF_BIRTH>').all()))
# In COMPAS, name is always "first last"; word by word keeps it so.
print(diff(a, p), bool((a['name'] != p['name']).all()),
      bool((p['first'] + ' ' + p['last']).str.lower().equals(p['name'].str.lower())))
kept = [c for c in a.columns if c not in ('name', 'first', 'last', 'dob')]
print(d.shape, list(d.columns) == kept, a[kept].equals(d))
EOF
  expect_eq "$(sed -n 1p "$T/py.out")" "(7214, 53) ['dob'] True" "COMPAS: pandas sees only dob changed"
  expect_eq "$(sed -n 2p "$T/py.out")" "['dob', 'first', 'last', 'name'] True True" "COMPAS pseudonymized: only the personal columns changed, names word by word"
  expect_eq "$(sed -n 3p "$T/py.out")" "(7214, 49) True True" "COMPAS without personal columns"
else
  echo "SKIPPED (COMPAS part): $DS not found (it sits beside the repository in CI only)"
fi

finish
