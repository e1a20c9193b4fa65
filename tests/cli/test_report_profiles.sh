# auditor report --profile ll144|eeoc|eu-ai-act: the compliance documents
# of a run, from the database alone and byte-identical for the same
# database. The data are generated here with counts chosen so that every
# figure checked below can be worked out by hand (the working is in the
# comments); the two p-values are recomputed with Python's standard library
# from the textbook formulas.
. "$AUD_SRC/tests/cli/lib.sh"

command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }

# Applicants: sex, race, hired (the outcome), score (8 when hired, else 3)
# and an e-mail address. One row per call of row(): SEX RACE HIRED COUNT.
mkdir -p "$T/in"
i=0
row() {
  local k score
  if [ "$3" = yes ]; then score=8; else score=3; fi
  for k in $(seq 1 "$4"); do
    i=$((i + 1))
    printf '%d,%s,%s,%s,%s,pat.lee%d@gmail.com\n' "$i" "$1" "$2" "$3" "$score" "$i"
  done
}
{
  echo "id,sex,race,hired,score,email"
  row F Black yes 4;  row F Black no 16
  row F White yes 8;  row F White no 12
  row M Black yes 12; row M Black no 12; row M Black "" 1 # no outcome
  row M White yes 8;  row M White no 8
  row M Asian yes 5;  row M Asian no 5
  row X White yes 1   # 1 of 93 records: under 2%
  row "" Asian no 1   # sex unknown
} >"$T/in/applicants.csv"
# Hispanic is expected but absent from the data.
printf 'attribute,group,expected_share\nrace,Black,0.3\nrace,White,0.4\nrace,Asian,0.2\nrace,Hispanic,0.1\n' >"$T/in/shares.csv"
SHA=$(sha256sum "$T/in/applicants.csv" | cut -d' ' -f1)

run scan --db "$T/p.db" --hash-key-file "$KEY" -q --group sex --group race \
  --intersect sex,race --outcome hired --positive yes --score score \
  --expected-shares "$T/in/shares.csv" "$T/in/applicants.csv"
expect_rc 0 "scan"
FINISHED=$(q "$T/p.db" "SELECT finished_at FROM runs WHERE run_id = 1")

# Every profile in both layouts: exit 0 and the same bytes twice.
for p in ll144 eeoc eu-ai-act; do
  for f in text markdown; do
    run report --db "$T/p.db" --run 1 --profile $p --format $f
    expect_rc 0 "report --profile $p --format $f"
    cp "$OUT" "$T/$p.$f"
    run report --db "$T/p.db" --run 1 --profile $p --format $f
    cmp -s "$OUT" "$T/$p.$f" && ok || bad "$p $f is not byte-identical"
    # Each starts with the manifest: version, run, times, input SHA-256.
    grep -q "$SHA" "$T/$p.$f" && ok || bad "$p $f lacks the input's SHA-256"
    grep -q "$FINISHED" "$T/$p.$f" && ok || bad "$p $f lacks finished_at"
    grep -Eq 'version *\|? *0\.[0-9]' "$T/$p.$f" && ok || bad "$p $f lacks the version"
  done
done

# has FILE REGEX [label]: a line of FILE matches REGEX.
has() {
  if grep -Eq -- "$2" "$1"; then ok; else
    bad "${3:-} $(basename "$1") lacks /$2/"
    sed 's/^/  | /' "$1" | head -150 >&2
  fi
}

# ---- ll144 -----------------------------------------------------------
L="$T/ll144.text"
has "$L" "^  date of the audit +$FINISHED\$" "audit date"
has "$L" "^  individuals assessed +93\$"
# sex: F 12 of 40 hired = 0.3000; M 25 of 50 with an outcome = 0.5000 (the
# most selected), so F's impact ratio is 0.3 / 0.5 = 0.6000. Scoring rates:
# the median score of 93 is 3; above it F 12/40 = 0.3000, M 25/51 =
# 0.4902, F's scoring impact ratio 0.3 / (25/51) = 0.6120.
has "$L" '^  F +40 +0\.3000 +0\.6000 +0\.3000 +0\.6120$' "sex F"
has "$L" '^  M +51 +0\.5000 +1\.0000 +0\.4902 +1\.0000$' "sex M"
# X is 1 of 93 records (1.08% < 2%): shown, left out of the ratios.
has "$L" '^  X +1 +1\.0000 +excluded +1\.0000 +excluded$' "sex X excluded"
has "$L" 'X \(1 individual\) is excluded from the impact ratio' "excluded note"
has "$L" 'under 2% of the data'
has "$L" 'Unknown category: 1 individual whose sex is unknown' "sex unknown"
has "$L" 'Unknown category: 0 individuals whose race is unknown' "race unknown"
# race: Black 16 of 44 = 0.3636, White 17 of 37 = 0.4595 (most selected),
# ratio (16/44) / (17/37) = 0.7914; Asian 5/11 = 0.4545, 0.9893.
has "$L" '^  Black +45 +0\.3636 +0\.7914 ' "race Black"
has "$L" '^  Asian +11 +0\.4545 +0\.9893 ' "race Asian"
# Intersections, one column per attribute: F | Black 4/20 = 0.2000 against
# 0.5 = 0.4000.
has "$L" '^  sex +race +number of applicants' "intersection header"
has "$L" '^  F +Black +20 +0\.2000 +0\.4000 ' "F | Black"
has "$L" 'whose sex or race is unknown' "intersection unknown"
M="$T/ll144.markdown"
has "$M" '^# Bias audit summary \(NYC Local Law 144\): run 1$'
has "$M" '^\| F \| 40 \| 0\.3000 \| 0\.6000 \| 0\.3000 \| 0\.6120 \|$' "md sex F"
has "$M" '^\| F \| Black \| 20 \| 0\.2000 \| 0\.4000 \|' "md F | Black"

# ---- eeoc -------------------------------------------------------------
E="$T/eeoc.text"
# The pooled two-proportion z-test of F 12/40 against M 25/50.
PZ=$(python3 -c '
import math
k1, n1, k2, n2 = 12, 40, 25, 50
p = (k1 + k2) / (n1 + n2)
z = (k1 / n1 - k2 / n2) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
print("%.4g" % math.erfc(abs(z) / math.sqrt(2)))')
has "$E" "^  F +40 +12 +0\.3000 +0\.6000 +yes +two-proportion z +$PZ +no\$" "eeoc F (p $PZ)"
has "$E" '^  M +50 +25 +0\.5000 +1\.0000 +no +reference ' "eeoc M"
has "$E" '^  Black +44 +16 +0\.3636 +0\.7914 +yes ' "eeoc Black"
# 8/20 against 10/20 is exactly four-fifths: not adverse impact.
has "$E" '^  F \| White +20 +8 +0\.4000 +0\.8000 +no ' "eeoc exactly 0.8"
has "$E" '^  X +1 +1 +1\.0000 .*excluded \(under 2%\)' "eeoc X"
has "$E" '1607\.4\(D\)'
has "$E" 'statistically'
has "$T/eeoc.markdown" '^\| F \| 40 \| 12 \| 0\.3000 \| 0\.6000 \| yes \|' "md eeoc F"

# ---- eu-ai-act ----------------------------------------------------------
U="$T/eu-ai-act.text"
section() { # section FILE HEADING: the lines from HEADING to the next one
  awk -v h="$2" '$0 == h { on = 1; next } on && /^~~~|^---/ { if (n++) exit } on' "$1"
}
section "$U" "Missing groups" >"$T/missing"
has "$T/missing" '^  race +Hispanic +0\.1000$' "missing group"
# Goodness of fit of race: observed 45, 37, 11, 0 against 0.3, 0.4, 0.2,
# 0.1 of 93; the chi-square tail for 3 degrees of freedom in closed form.
GP=$(python3 -c '
import math
obs, exp = [45, 37, 11, 0], [0.3, 0.4, 0.2, 0.1]
x = sum((o - 93 * e) ** 2 / (93 * e) for o, e in zip(obs, exp))
p = math.erfc(math.sqrt(x / 2)) + math.sqrt(2 * x / math.pi) * math.exp(-x / 2)
print("%.4g" % p)')
has "$U" "Goodness of fit: chi-square [0-9.]+, dof 3, p = $GP\\." "gof p $GP"
has "$U" '^  Hispanic +0 +0\.0000 +0\.1000 +0\.0000$' "representativeness"
has "$U" '^  a?[^ ]*applicants\.csv +[0-9]+ +'"$SHA"' +93 +csv +plain +ok +0$' "data source"
has "$U" '^  - protected attributes: sex, race$'
has "$U" '^  - outcome: hired$'
has "$U" '^  sex +4 +M +M +[0-9.]+ +F$' "results sex"
has "$U" '^  sex +X +1 +0\.0108 +under 2%; wide interval$' "small group X"
has "$U" '^  sex +1$' "unknown count"
has "$U" '^  race +1$' "missing outcome"
has "$U" '^  email +personal +EMAIL +93 +93 +1$' "personal field"
has "$U" '^  EMAIL_ADDRESS +93 +93 +1 +0$' "entity count"

# A run without a bias audit, with an input that fails.
printf '\037\213\010\000garbage-not-deflate' >"$T/in/bad.csv.gz"
run scan --db "$T/p.db" --hash-key-file "$KEY" -q "$T/in/applicants.csv" "$T/in/bad.csv.gz"
run report --db "$T/p.db" --run 2 --profile eu-ai-act
expect_rc 0 "eu-ai-act without a bias audit"
section "$OUT" "Inputs that failed or had problems" >"$T/failed"
has "$T/failed" 'bad\.csv\.gz +failed ' "failed input listed"
expect_out 'no bias audit'
run report --db "$T/p.db" --run 2 --profile ll144
expect_rc 0 "ll144 without a bias audit"
expect_out 'no bias audit'

# Errors.
run report --db "$T/p.db" --profile nyc
expect_rc 2 "unknown profile"
run report --db "$T/p.db" --run 9 --profile eeoc
expect_rc 2 "no such run"

finish
