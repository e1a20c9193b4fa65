# Every query of the README's "Analysts' SQL" section runs, unchanged,
# against a real database with two runs (a bias audit, findings, a failed
# input), and the main ones return rows.
. "$AUD_SRC/tests/cli/lib.sh"

printf 'id,sex,hired,email\n1,F,yes,ann.lee@gmail.com\n2,M,no,bo.k@yahoo.com\n3,M,yes,ann.lee@gmail.com\n4,F,no,\n' >"$T/a.csv"
printf '{"t":"write to cy.r@aol.com"}\n{"t":"nothing"}\n' >"$T/b.jsonl"
DB="$T/r.db"
run scan --db "$DB" --hash-key-file "$KEY" -q "$T/a.csv" "$T/b.jsonl" "$T/gone.csv"
printf '5,F,yes,di.wu@gmail.com\n' >>"$T/a.csv"
run scan --db "$DB" --hash-key-file "$KEY" -q --group sex --outcome hired --positive yes --quasi-identifiers sex "$T/a.csv"
expect_rc 0 "second run"

python3 - "$AUD_SRC/README.md" "$T/queries" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
sec = text.split("### Analysts' SQL", 1)[1].split("\n## ", 1)[0]
qs = re.findall(r"```sql\n(.*?)```", sec, re.S)
assert len(qs) >= 10, len(qs)
for i, q in enumerate(qs):
    open("%s.%02d.sql" % (sys.argv[2], i), "w").write(q)
print(len(qs))
PY
n=0
for f in "$T"/queries.*.sql; do
  n=$((n + 1))
  title=$(head -1 "$f")
  if out=$(sqlite3 -batch -bail -readonly "$DB" <"$f" 2>&1); then ok; else
    bad "README query fails: $title: $out"; continue
  fi
  rows=$(printf '%s' "$out" | grep -c . || true)
  case "$title" in
    *"Files over a threshold"*|*"What changed"*|*"already seen"*|*"disparities"*|*"PII density"*|*"repeated"*|*"Where exactly"*|*"glance"*|*"Re-identification"*)
      [ "$rows" -gt 0 ] && ok || bad "README query returns no rows: $title" ;;
  esac
done
[ "$n" -ge 10 ] && ok || bad "only $n queries found"
finish
