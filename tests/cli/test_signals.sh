# SIGINT and SIGTERM sent to a real scan: the run is marked interrupted,
# what was found before is committed, the exit code is 130 or 143.
. "$AUD_SRC/tests/cli/lib.sh"

python3 -c '
for i in range(1, 5001):
    print("{\"id\":%d,\"e\":\"someone%d@gmail.com\"}" % (i, i))' >"$T/part1.jsonl"

for sig in INT TERM; do
  DB="$T/$sig.db"
  # The second part never comes before the signal: the scan is blocked
  # reading stdin after the first part, so the signal lands mid-input.
  mkfifo "$T/fifo.$sig"
  "$AUDITOR" scan --db "$DB" --hash-key-file "$KEY" - <"$T/fifo.$sig" >"$OUT" 2>"$ERR" &
  pid=$!
  exec 7>"$T/fifo.$sig"
  cat "$T/part1.jsonl" >&7
  # Wait until the first part's findings are visible to another reader
  # is not possible before a commit, so give the scan a moment instead.
  sleep 1
  kill -"$sig" "$pid"
  sleep 0.2
  # (in a subshell: when auditor has already gone, the write's SIGPIPE must
  # not end this script)
  ( printf '{"id":0,"e":"late.one@gmail.com"}\n' >&7 ) 2>/dev/null
  exec 7>&-
  wait "$pid"; RC=$?
  want=$([ "$sig" = INT ] && echo 130 || echo 143)
  expect_rc "$want" "SIG$sig"
  expect_sql "$DB" "SELECT status FROM runs" interrupted "SIG$sig: run status"
  expect_sql "$DB" "SELECT status, error FROM files" "failed|scan interrupted" "SIG$sig: file"
  N=$(q "$DB" "SELECT COUNT(*) FROM findings")
  [ "$N" -ge 5000 ] && ok || bad "SIG$sig: only $N findings kept"
  expect_sql "$DB" "PRAGMA integrity_check" ok "SIG$sig: integrity"
done

finish
