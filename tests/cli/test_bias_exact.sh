# Bias metrics exact to 1e-9 against an independent computation (pandas and
# the standard library, tests/bias/check_exact.py) on generated tables with
# missing groups, missing outcomes, a tiny group and an intersection.
. "$AUD_SRC/tests/cli/lib.sh"

PY=/usr/bin/python3
if ! "$PY" -c 'import pandas' 2>/dev/null; then
  echo "SKIPPED: Debian's python3-pandas is not installed (.ci/deps.sh installs it)"
  exit 77
fi
for seed in 7 8; do
  mkdir -p "$T/s$seed"
  "$PY" "$AUD_SRC/tests/bias/check_exact.py" "$AUDITOR" "$T/s$seed" "$seed" >"$OUT" 2>"$ERR"
  RC=$?
  cat "$OUT"
  expect_rc 0 "seed $seed"
  expect_out ' 0 differ$' "seed $seed"
done
finish
