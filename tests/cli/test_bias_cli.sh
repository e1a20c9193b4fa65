# The bias audit from the command line: options and their usage errors,
# counters and metrics on a table small enough to check by hand, unknown
# groups and missing outcomes kept visible, two inputs summing exactly to
# one, and the summary.
. "$AUD_SRC/tests/cli/lib.sh"

# 12 applicants. F: 4 rows, 1 hired (+1 row with no outcome) -> n 5,
# n_outcome 4, rate 1/4. M: 5 rows, 3 hired -> 3/5. Empty sex: 2 rows,
# 1 hired -> "(unknown)" 1/2.
C="$T/hire.csv"
cat >"$C" <<'CSV'
id,sex,hired
1,F,yes
2,F,no
3,F,no
4,F,no
5,F,
6,M,yes
7,M,yes
8,M,yes
9,M,no
10,M,no
11,,yes
12,,no
CSV
run scan --db "$T/h.db" --hash-key-file "$KEY" --group sex --outcome hired --positive yes "$C"
expect_rc 0 "bias scan"
expect_sql "$T/h.db" "SELECT group_value, n, n_outcome, pos FROM group_counts ORDER BY group_value" \
"(unknown)|2|2|1
F|5|4|1
M|5|5|3"
# Rates by hand: F 0.25, M 0.6; impact F = 0.25/0.6 = 0.416666...; shares 5/12, 5/12, 2/12.
expect_sql "$T/h.db" "SELECT group_value, printf('%.6f', share), printf('%.6f', selection_rate), printf('%.6f', impact_ratio), is_reference, COALESCE(flag, '-'), missing_outcome FROM group_metrics ORDER BY group_value" \
"(unknown)|0.166667|0.500000|0.833333|0|unknown|0
F|0.416667|0.250000|0.416667|0|four_fifths|1
M|0.416667|0.600000|1.000000|1|-|0"
# Fisher's exact test, F 1/4 vs M 3/5 (expected cells under 5): tables
# with the margins of [[1,3],[3,2]] have P = C(4,x)C(5,4-x)/C(9,4) for
# x = 0..4: 5, 40, 60, 20, 1 over 126; those <= P(1) = 40/126 sum to
# 5 + 40 + 20 + 1 = 66, so p = 66/126.
expect_sql "$T/h.db" "SELECT test, printf('%.12f', p_value) FROM group_metrics WHERE group_value = 'F'" \
  "fisher|$(python3 -c 'print("%.12f" % (66/126))')"
expect_sql "$T/h.db" "SELECT reference_group, most_selected_group, missing_outcome FROM attribute_metrics" "M|M|1"
expect_out '^bias: sex \(reference M, most selected M'
expect_out '^  F +5 +41\.7% +0\.2500 .*four_fifths'
expect_out '1 records had no outcome'

# The same rows split over two inputs give the same metrics (counters sum).
head -7 "$C" >"$T/a.csv"; { head -1 "$C"; tail -n +8 "$C"; } >"$T/b.csv"
run scan --db "$T/h2.db" --hash-key-file "$KEY" -q --group sex --outcome hired --positive yes "$T/a.csv" "$T/b.csv"
Q="SELECT group_value, n, n_outcome, share, selection_rate, ci_low, ci_high, impact_ratio, p_value FROM group_metrics ORDER BY group_value"
expect_eq "$(q "$T/h2.db" "$Q")" "$(q "$T/h.db" "$Q")" "two inputs = one"

# --reference and --min-share.
run scan --db "$T/h3.db" --hash-key-file "$KEY" -q --group sex --outcome hired --positive yes --reference sex=F "$C"
expect_sql "$T/h3.db" "SELECT group_value, printf('%.6f', impact_ratio_ref), printf('%.6f', spd_ref) FROM group_metrics ORDER BY group_value" \
"(unknown)|2.000000|0.250000
F|1.000000|0.000000
M|2.400000|0.350000"
run scan --db "$T/h4.db" --hash-key-file "$KEY" -q --group sex --outcome hired --positive yes --reference sex=Q "$C"
expect_rc 2 "unknown reference group"
expect_err "no such group; the groups of sex are: \(unknown\), F, M"

# JSONL with nested paths, a prediction column and --json.
J="$T/p.jsonl"
printf '%s\n' '{"a":{"g":"x"},"y":true,"p":1}' '{"a":{"g":"x"},"y":false,"p":1}' \
  '{"a":{"g":"z"},"y":true,"p":0}' '{"a":{"g":"z"},"y":true,"p":1}' '{"y":false,"p":0}' >"$J"
run scan --db "$T/j.db" --hash-key-file "$KEY" --json --group a.g --outcome y --positive true --prediction p --predicted-positive 1 "$J"
expect_rc 0 "jsonl bias"
# x: tp 1 fp 1; z: tp 1 fn 1; unknown: tn 1.
expect_sql "$T/j.db" "SELECT group_value, tp, fp, tn, fn FROM group_counts ORDER BY group_value" \
"(unknown)|0|0|1|0
x|1|1|0|0
z|1|0|0|1"
expect_sql "$T/j.db" "SELECT group_value, tpr, fpr, ppv FROM group_metrics WHERE group_value <> '(unknown)' ORDER BY group_value" \
"x|1.0|1.0|0.5
z|0.5||1.0"
/usr/bin/env python3 - "$OUT" <<'PY' && ok || bad "--json bias section"
import json, sys
d = json.load(open(sys.argv[1]))
b = d["bias"][0]
assert b["attribute"] == "a.g" and b["reference"] == "x", b
assert [g["value"] for g in b["groups"]][:1] == ["z"], b
PY

# Scores: the exact median over 100,000 distinct scores (more than the
# in-memory score table holds, so it is drained to the store on the way)
# and the LL144 scoring rates, against Python's statistics.median.
python3 - "$T/scores.csv" <<'PY'
import random, sys
r = random.Random(5)
with open(sys.argv[1], "w") as f:
    f.write("g,s\n")
    for i in range(100000):
        g = "a" if i % 3 else "b"
        f.write("%s,%.9f\n" % (g, r.random() + (0.05 if g == "a" else 0)))
PY
run scan --db "$T/sc.db" --hash-key-file "$KEY" --group g --score s "$T/scores.csv"
expect_rc 0 "scores"
WANT=$(python3 - "$T/scores.csv" <<'PY'
import statistics, sys
rows = [l.strip().split(",") for l in open(sys.argv[1]).readlines()[1:]]
vals = [float(s) for _, s in rows]
med = statistics.median(vals)
out = []
for grp in ("a", "b"):
    v = [float(s) for g, s in rows if g == grp]
    out.append("%s|%d|%.12f" % (grp, len(v), sum(x > med for x in v) / len(v)))
print("%.12f" % med)
print("\n".join(out))
PY
)
GOT=$(q "$T/sc.db" "SELECT printf('%.12f', score_median) FROM attribute_metrics"; q "$T/sc.db" "SELECT group_value, scored, printf('%.12f', scoring_rate) FROM group_metrics ORDER BY group_value")
expect_eq "$GOT" "$WANT" "exact median and scoring rates"
expect_out 'scoring rate \(LL144\)'

# Representativeness: expected shares F 0.5, M 0.4, Z 0.1 (Z absent).
# Listed groups observed: F 5, M 5, Z 0 -> N 10; E = 5, 4, 1;
# chi2 = 0/5 + 1/4 + 1/1 = 1.25, dof 2, p = exp(-1.25/2);
# observed/expected: F (5/10)/0.5 = 1, M (5/10)/0.4 = 1.25, Z 0.
printf 'attribute,group,expected_share\nsex,F,0.5\nsex,M,0.4\nsex,Z,0.1\n' >"$T/exp.csv"
run scan --db "$T/e.db" --hash-key-file "$KEY" --group sex --outcome hired --positive yes --expected-shares "$T/exp.csv" "$C"
expect_rc 0 "expected shares"
expect_sql "$T/e.db" "SELECT group_value, n, expected_share, printf('%.6f', representation_ratio) FROM group_metrics WHERE expected_share IS NOT NULL ORDER BY group_value" \
"F|5|0.5|1.000000
M|5|0.4|1.250000
Z|0|0.1|0.000000"
expect_sql "$T/e.db" "SELECT printf('%.12f', gof_chi2), gof_dof, printf('%.12f', gof_p) FROM attribute_metrics" \
  "1.250000000000|2|$(python3 -c 'import math; print("%.12f" % math.exp(-1.25/2))')"
expect_out 'representativeness: goodness of fit chi-square 1.25, dof 2'
expect_out 'Z +0 +expected 0.1000 +observed/expected 0.000  \(missing\)'
printf 'attribute,group,expected_share\nsex,F,0.7\nsex,M,0.4\n' >"$T/bad.csv"
run scan --db "$T/e2.db" --hash-key-file "$KEY" --group sex --outcome hired --positive yes --expected-shares "$T/bad.csv" "$C"
expect_rc 2 "shares over 1"
expect_err 'bad.csv:3: the expected shares of .sex. add up to more than 1'
printf 'attr,grp,share\nsex,F,0.5\n' >"$T/bad2.csv"
run scan --db "$T/e3.db" --hash-key-file "$KEY" --group sex --outcome hired --positive yes --expected-shares "$T/bad2.csv" "$C"
expect_rc 2 "bad header"
expect_err 'bad2.csv:2: expected the columns attribute, group, expected_share'

# A failed input's counters are left out (its last record may be cut in
# two); its findings stay.
printf 'id,sex,hired\n1,F,yes\n2,"M,no\n' >"$T/broken.csv"
run scan --db "$T/f.db" --hash-key-file "$KEY" -q --group sex --outcome hired --positive yes "$C" "$T/broken.csv"
expect_rc 3 "one input fails"
expect_sql "$T/f.db" "SELECT COUNT(DISTINCT file_id), SUM(n) FROM group_counts" "1|12"

# Usage errors.
run scan --db "$T/u.db" --hash-key-file "$KEY" --group sex "$C"
expect_rc 2 "--group without an outcome"
run scan --db "$T/u.db" --hash-key-file "$KEY" --group sex --outcome hired "$C"
expect_rc 2 "--outcome without --positive"
expect_err 'needs --positive'
run scan --db "$T/u.db" --hash-key-file "$KEY" --outcome hired --positive yes "$C"
expect_rc 2 "--outcome without --group"
run scan --db "$T/u.db" --hash-key-file "$KEY" --group sexx --outcome hired --positive yes "$C"
expect_rc 2 "missing CSV column"
expect_err "hire.csv: column 'sexx' not found; its columns are: id, sex, hired"
run scan --db "$T/u2.db" --hash-key-file "$KEY" --group a.gg --outcome y --positive true "$J"
expect_rc 2 "missing JSON path"
expect_err "column 'a.gg' not found; its columns are: a.g, y, p"
run scan --db "$T/u.db" --hash-key-file "$KEY" --intersect sex --outcome hired --positive yes "$C"
expect_rc 2 "--intersect with one column"

finish
