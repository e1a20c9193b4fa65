# Progress on stderr: shown when stderr is a terminal (the scan runs under a
# pseudo-terminal made by script(1)), off otherwise unless --progress,
# never with --no-progress, and cleared before the summary.
. "$AUD_SRC/tests/cli/lib.sh"

if ! command -v script >/dev/null; then
  echo "SKIPPED: script(1) not installed"
  exit 77
fi
python3 - "$T/in.jsonl" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(200000):
        f.write('{"id":%d,"t":"some text of a record with user%d@gmail.com"}\n' % (i, i % 97))
PY
export AUDITOR_HASH_KEY=progress-test-key-0123456789
script -qec "$AUDITOR scan --db $T/tty.db $T/in.jsonl" "$T/tty.txt" >/dev/null 2>&1
RC=$?
expect_rc 0 "scan under a pseudo-terminal"
grep -aq 'records, [0-9]* findings, [0-9]* MB/s' "$T/tty.txt" && ok || bad "no progress line on a terminal"
grep -aq 'MB read' "$T/tty.txt" && ok || bad "no bytes read on a terminal"
# The line is erased (CR, erase-line) before the summary is printed.
python3 - "$T/tty.txt" <<'PY' && ok || bad "progress not cleared before the summary"
import sys
t = open(sys.argv[1], "rb").read()
i = t.rfind(b"MB/s")
j = t.find(b"auditor: run 1 complete")
assert 0 <= i < j, (i, j)
assert b"\r\x1b[K" in t[i:j], t[i:j]
PY
script -qec "$AUDITOR scan --db $T/tty2.db --no-progress $T/in.jsonl" "$T/tty2.txt" >/dev/null 2>&1
grep -aq 'MB/s' "$T/tty2.txt" && bad "--no-progress showed progress" || ok
run scan --db "$T/p.db" "$T/in.jsonl"
expect_no_err 'MB/s' "no progress when stderr is not a terminal"
run scan --db "$T/p2.db" --progress "$T/in.jsonl"
expect_err 'records, [0-9]+ findings, [0-9]+ MB/s' "--progress forces it"
finish
