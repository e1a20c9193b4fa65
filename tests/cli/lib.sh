# lib.sh: helpers for CLI tests. Each test script sources this, runs the
# real auditor binary ($AUDITOR) as a subprocess and checks its exit code,
# stdout, stderr and the SQLite database it wrote (with the sqlite3 shell).
# A failed check prints what was expected and what came, and the script
# exits 1 at the end; the last line is "N passed, N failed".
set -u
: "${AUDITOR:?AUDITOR must point at the auditor binary}"
: "${AUD_SRC:?AUD_SRC must point at the source tree}"
T=$(mktemp -d "${TMPDIR:-/tmp}/auditor-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
PASS=0
FAIL=0
OUT="$T/.out"
ERR="$T/.err"
RC=0
KEY="$T/.key"
printf 'cli-test-key-0123456789abcdef\n' >"$KEY"

ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }

# run ARGS...: runs auditor, keeps stdout, stderr and exit code.
run() {
  "$AUDITOR" "$@" >"$OUT" 2>"$ERR"
  RC=$?
}

# run_in INPUTFILE ARGS...: same with stdin from a file.
run_in() {
  local in=$1
  shift
  "$AUDITOR" "$@" <"$in" >"$OUT" 2>"$ERR"
  RC=$?
}

expect_rc() {
  if [ "$RC" -eq "$1" ]; then ok; else
    bad "${2:-} exit code $RC, want $1"
    sed 's/^/  stderr: /' "$ERR" | head -20 >&2
  fi
}

expect_out() { # expect_out REGEX [label]
  if grep -Eq -- "$1" "$OUT"; then ok; else
    bad "${2:-} stdout lacks /$1/"
    sed 's/^/  stdout: /' "$OUT" | head -30 >&2
  fi
}

expect_err() { # expect_err REGEX [label]
  if grep -Eq -- "$1" "$ERR"; then ok; else
    bad "${2:-} stderr lacks /$1/"
    sed 's/^/  stderr: /' "$ERR" | head -30 >&2
  fi
}

expect_no_err() { # expect_no_err REGEX [label]
  if grep -Eq -- "$1" "$ERR"; then
    bad "${2:-} stderr has /$1/"
    sed 's/^/  stderr: /' "$ERR" | head -30 >&2
  else ok; fi
}

# q DB SQL: prints the query's result (one row a line, '|' between columns).
# A query that fails is a failure of the test, reported by finish: inside
# $(...) a comparison of two failed queries would see two equal empty
# strings. q_try is for a query that may fail (a database not there yet).
q() {
  sqlite3 -batch -bail "$1" "$2" ||
    { printf '%s: %s\n' "$1" "$2" >>"$T/.q_failed"; return 1; }
}
q_try() { sqlite3 -batch -bail "$1" "$2"; }

# expect_sql DB SQL WANT [label]
expect_sql() {
  local got
  got=$(q "$1" "$2" 2>&1)
  if [ "$got" = "$3" ]; then ok; else
    bad "${4:-} SQL: $2"
    printf '  got:  %s\n  want: %s\n' "$got" "$3" >&2
  fi
}

expect_eq() { # expect_eq GOT WANT [label]
  if [ "$1" = "$2" ]; then ok; else
    bad "${3:-} got '$1', want '$2'"
  fi
}

finish() {
  if [ -s "$T/.q_failed" ]; then
    while IFS= read -r line; do bad "query failed: $line"; done <"$T/.q_failed"
  fi
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
  exit $?
}
