# auditor report --format html: one self-contained page, from the database
# alone. Scans generated data with a bias audit (groups, an intersection,
# outcome, predictions, a score, expected shares) whose figures are worked
# out by hand below, then checks that the page fetches nothing, has every
# section, escapes a field name and group values planted in the data, is
# byte-identical across two runs, and renders in headless Chromium with no
# console message and a screenshot that is not blank.
#
# With ../shared/datasets present it also renders the COMPAS report; with
# AUD_UPDATE_SCREENSHOT=1 that screenshot replaces tests/html/compas-report.png.
. "$AUD_SRC/tests/cli/lib.sh"

PNGCHECK="$AUD_SRC/tests/html/png_check.py"
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)

# shot HTML PNG WIDTH HEIGHT: renders HTML to PNG; the browser's log
# (console messages included) goes to $T/.chromium.log.
shot() {
  local prof
  prof=$(mktemp -d "$T/prof.XXXXXX")
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$prof" --enable-logging=stderr --v=0 \
    --screenshot="$2" --window-size="$3,$4" "file://$1" \
    >/dev/null 2>"$T/.chromium.log"
}

# dom HTML: the page as the browser parsed it, to $T/.dom; log as above.
dom() {
  local prof
  prof=$(mktemp -d "$T/prof.XXXXXX")
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --user-data-dir="$prof" \
    --enable-logging=stderr --v=0 --dump-dom "file://$1" \
    >"$T/.dom" 2>"$T/.chromium.log"
}

no_console() { # no_console LABEL: the last browser log has no console line
  if grep -q 'CONSOLE' "$T/.chromium.log"; then
    bad "$1: console messages"
    grep 'CONSOLE' "$T/.chromium.log" | head -5 >&2
  else ok; fi
}

# Data: 40 men and 40 women, 20 of each hired (the favourable outcome);
# predictions: men 15 true and 5 false positives, women 9 and 3. By hand:
# selection rate M 20/40 = 0.500, Wilson 95% [0.352, 0.648]; F 12/40 =
# 0.300, [0.181, 0.454]; impact ratio F = 0.3 / 0.5 = 0.600, under 0.8;
# TPR M 15/20 = 0.750, FPR 5/20 = 0.250; TPR F 9/20 = 0.450, FPR 3/20 =
# 0.150. Both intervals are wider than 0.2: "few records". Four more
# records have no sex: the group (unknown), not ranked.
# The e-mail column's header is an HTML tag, and race values hold & < > "
# ' so escaping is tested on data, not on constants.
mkdir -p "$T/in"
python3 - "$T/in/people.csv" <<'PY'
import csv, sys
rows = []
for sex, tp, fp in (("M", 15, 5), ("F", 9, 3)):
    for i in range(40):
        hired = i < 20
        pred = (i < tp) if hired else (i - 20 < fp)
        rows.append((sex, hired, pred))
for i in range(4):
    rows.append(("", i < 2, False))
races = ['A&B "q"', "<b>x</b>", "O'Neil"]
with open(sys.argv[1], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "name", "<script>alert(1)</script>", "sex", "race",
                "hired", "pred", "score"])
    for n, (sex, hired, pred) in enumerate(rows):
        w.writerow([n + 1, "Person %d" % n, "kim.lee%d@mailbox.net" % (n % 30),
                    sex, races[n % 3], "yes" if hired else "no",
                    1 if pred else 0, n % 10])
PY
printf 'attribute,group,expected_share\nsex,M,0.5\nsex,F,0.5\n' >"$T/shares.csv"
run scan --db "$T/r.db" --hash-key-file "$KEY" -q --group sex --group race \
  --intersect sex,race --outcome hired --positive yes --prediction pred \
  --predicted-positive 1 --score score --expected-shares "$T/shares.csv" \
  "$T/in/people.csv"
expect_rc 0 "scan"

H="$T/r.html"
run report --db "$T/r.db" --format html -o "$H"
expect_rc 0 "report --format html"
if [ ! -s "$H" ]; then
  bad "no HTML report written"
  finish
fi
run report --db "$T/r.db" --format html -o "$T/r2.html"
cmp -s "$H" "$T/r2.html" && ok || bad "html is not byte-identical"

# Self-contained: no URL, no src attribute, no script, no stylesheet or
# font fetched; links only to anchors of the page itself.
grep -Eqi 'https?://|//[a-z0-9.-]+\.[a-z]{2,}/' "$H" && bad "html has a URL" || ok
grep -Eqi '[[:space:]]src=' "$H" && bad "html has a src attribute" || ok
grep -Eqi '<script|<iframe|<object|<embed|@import|url\(' "$H" \
  && bad "html loads or runs something" || ok
grep -o 'href="[^"]*"' "$H" | grep -Ev '^href="(#[a-z0-9-]+|data:,)"$' \
  && bad "html links outside itself" || ok
grep -q "Content-Security-Policy\" content=\"default-src 'none'" "$H" && ok \
  || bad "no Content-Security-Policy"

# Sections, headings, accessible tables and charts.
for id in overview entities fields pii-fields repeated markers bias manifest bias-1; do
  grep -q "<section id=\"$id\"" "$H" && ok || bad "no section $id"
done
expect_eq "$(grep -c '<svg ' "$H")" 13 "charts (3 attributes: selection, impact, TPR/FPR, scoring; sex: representation)"
expect_eq "$(grep -c '<svg [^>]*role="img"' "$H")" 13 "charts with role img"
grep -q '<svg [^>]*aria-labelledby="c1-t"' "$H" && grep -q '<title id="c1-t">' "$H" \
  && ok || bad "chart title"
grep -q '<th scope="col"' "$H" && grep -q '<th scope="row"' "$H" && ok \
  || bad "tables without th scope"
grep -q '0.8 (four-fifths)' "$H" && ok || bad "no four-fifths line"
grep -q "$(sha256sum "$T/in/people.csv" | cut -d' ' -f1)" "$H" && ok \
  || bad "manifest lacks the input's SHA-256"

# Escaping of what came from the data.
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$H" && ok \
  || bad "field name not escaped"
grep -q 'A&amp;B &quot;q&quot;' "$H" && ok || bad "group value & \" not escaped"
grep -q '&lt;b&gt;x&lt;/b&gt;' "$H" && ok || bad "group value <b> not escaped"
grep -q 'O&#39;Neil' "$H" && ok || bad "group value ' not escaped"
grep -q '<b>x</b>' "$H" && bad "raw <b> from the data" || ok

# The figures worked out by hand above, in charts and tables.
grep -q '>0.500 \[0.352, 0.648\] &#183; few records &#183; reference<' "$H" && ok \
  || bad "selection rate and interval of M"
grep -q '>0.300 \[0.181, 0.454\] &#183; few records<' "$H" && ok \
  || bad "selection rate and interval of F"
grep -q '>0.600 &#183; below four-fifths<' "$H" && ok \
  || bad "impact ratio of F"
grep -q 'not ranked: unknown value' "$H" && ok || bad "unknown group in words"
grep -q '>0.750</text>' "$H" && grep -q '>0.450</text>' "$H" \
  && grep -q '>0.250</text>' "$H" && grep -q '>0.150</text>' "$H" && ok \
  || bad "TPR and FPR"
grep -q 'expected 50.0%' "$H" && ok || bad "expected share"
# Geometry: a plot 500 units wide from 0 to 1; rate 0.5 is 250 units,
# impact ratio 0.6 is 300 units (the scale is 0..1 when no ratio passes 1).
grep -q 'class="b-ok" x="220.00" y="[0-9.]*" width="250.00"' "$H" && ok \
  || bad "bar of M's selection rate"
grep -q 'class="b-warn" x="220.00" y="[0-9.]*" width="300.00"' "$H" && ok \
  || bad "warning bar of F's impact ratio"

# Strings the scanner would never store (it rejects invalid UTF-8) still
# come out escaped and as valid UTF-8 when a database holds them.
cp "$T/r.db" "$T/x.db"
q "$T/x.db" "UPDATE group_metrics SET group_value = CAST(X'41FF3C42073E' AS TEXT) WHERE group_value = 'M'"
run report --db "$T/x.db" --format html -o "$T/x.html"
expect_rc 0 "html of a database with invalid UTF-8"
grep -q 'A&#xFFFD;&lt;B&#xFFFD;&gt;' "$T/x.html" && ok \
  || bad "invalid UTF-8 and control bytes not replaced"
python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' \
  "$T/x.html" && ok || bad "html is not valid UTF-8"

run report --db "$T/r.db" --run 9 --format html -o "$T/none.html"
expect_rc 2 "html of a run that does not exist"

if [ "$FAIL" -ne 0 ]; then finish; fi
if [ -z "$CHROMIUM" ]; then
  echo "SKIPPED: chromium not installed"
  exit 77
fi

# The browser: parses the page with no console message (a CSP violation,
# a blocked fetch or a script error would log one) ...
dom "$H"
no_console "dom"
grep -q '<section id="bias"' "$T/.dom" && ok || bad "dom lacks the bias section"
shot "$H" "$T/r.png" 1200 2400
no_console "screenshot"
python3 "$PNGCHECK" "$T/r.png" >"$OUT" 2>&1 && ok \
  || { bad "screenshot is blank"; cat "$OUT" >&2; }
# ... and the check above is not vacuous: a page that breaks the policy
# is caught, and a blank page fails the PNG check.
printf '<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="default-src %s"><title>x</title><p>x<img alt="" src="data:,">\n' "'none'" >"$T/bad.html"
dom "$T/bad.html"
grep -q 'CONSOLE' "$T/.chromium.log" && ok || bad "console check catches nothing"
printf '<!DOCTYPE html><title>x</title><body style="background:#fff">\n' >"$T/blank.html"
shot "$T/blank.html" "$T/blank.png" 400 300
python3 "$PNGCHECK" "$T/blank.png" >/dev/null 2>&1 \
  && bad "blank check passes a blank page" || ok

# The real COMPAS data, when ../shared is there: the README screenshot.
DS="$AUD_SRC/../shared/datasets/compas-scores-two-years.csv"
if [ -f "$DS" ]; then
  run scan --db "$T/c.db" --hash-key-file "$KEY" -q --group race --group sex \
    --intersect sex,race --outcome two_year_recid --positive 1 \
    --score decile_score --threshold 5 "$DS"
  expect_rc 0 "scan COMPAS"
  run report --db "$T/c.db" --format html -o "$T/c.html"
  expect_rc 0 "COMPAS html"
  grep -q '>0.588 \[0.572, 0.604\]' "$T/c.html" && ok \
    || bad "COMPAS: African-American selection 2174/3696"
  shot "$T/c.html" "$T/c.png" 1200 2790
  no_console "COMPAS screenshot"
  python3 "$PNGCHECK" "$T/c.png" >"$OUT" 2>&1 && ok || bad "COMPAS screenshot blank"
  if [ "${AUD_UPDATE_SCREENSHOT:-0}" = 1 ]; then
    cp "$T/c.png" "$AUD_SRC/tests/html/compas-report.png"
    echo "wrote tests/html/compas-report.png ($(stat -c %s "$T/c.png") bytes)"
  fi
fi
finish
