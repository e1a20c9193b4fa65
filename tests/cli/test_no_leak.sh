# No leak: raw values planted in the inputs (e-mail, SSN, card, API key,
# password) appear nowhere in the database file, its WAL, any export format,
# stdout or stderr; neither does the hash key; the database and every
# export are created 0600.
. "$AUD_SRC/tests/cli/lib.sh"

SECRETS="maria.gonzalez@fastmail.com 536-22-8741 4556526018159081 AKIACIS2JHTLGMXGEDN7 Tr0ub4dor-x9Q"
printf 'name,email,ssn,card,note\nMaria,maria.gonzalez@fastmail.com,536-22-8741,4556 5260 1815 9081,"key AKIACIS2JHTLGMXGEDN7 and postgres://app:Tr0ub4dor-x9Q@db.acme.io/x"\n' >"$T/in.csv"
printf '{"user":{"email":"maria.gonzalez@fastmail.com"},"t":"ssn 536-22-8741 card 4556-5260-1815-9081"}\n' | gzip -c >"$T/in.jsonl.gz"
printf 'no-leak-secret-hash-key-0123456789\n' >"$T/key"
KEYTEXT=no-leak-secret-hash-key-0123456789

(umask 000
 "$AUDITOR" scan --db "$T/a.db" --hash-key-file "$T/key" --json --group name --outcome ssn --positive x "$T/in.csv" >"$T/scan.out" 2>"$T/scan.err"
 "$AUDITOR" scan --db "$T/a.db" --hash-key-file "$T/key" "$T/in.csv" "$T/in.jsonl.gz" >>"$T/scan.out" 2>>"$T/scan.err"
 for f in text json markdown html sarif baseline; do
   "$AUDITOR" report --db "$T/a.db" --format $f -o "$T/report.$f" 2>>"$T/scan.err"
 done
 "$AUDITOR" report --db "$T/a.db" --format csv -o "$T/csv" 2>>"$T/scan.err"
 for p in ll144 eeoc eu-ai-act; do
   "$AUDITOR" report --db "$T/a.db" --run 1 --profile $p -o "$T/profile.$p" 2>>"$T/scan.err"
 done)
n=$(ls "$T"/report.* "$T"/profile.* "$T"/csv/*.csv | wc -l)
[ "$n" -ge 18 ] && ok || bad "only $n exports written"
expect_sql "$T/a.db" "SELECT COUNT(*) > 5 FROM findings" 1 "findings were made"

for f in "$T"/a.db* "$T"/report.* "$T"/profile.* "$T"/csv/*.csv "$T/scan.out" "$T/scan.err"; do
  for v in $SECRETS $KEYTEXT "4556 5260 1815 9081" "4556-5260-1815-9081"; do
    if grep -aqF -- "$v" "$f"; then bad "'$v' leaked into $(basename "$f")"; fi
  done
done
ok
for f in "$T"/a.db "$T"/report.* "$T"/profile.* "$T"/csv/*.csv; do
  m=$(stat -c %a "$f")
  [ "$m" = 600 ] || bad "$(basename "$f") has mode $m"
done
ok
m=$(stat -c %a "$T/csv"); [ "$m" = 700 ] && ok || bad "csv folder mode $m"
finish
