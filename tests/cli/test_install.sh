# cmake --install puts the binary, the pattern files and the manual page in
# place, and the installed binary finds its patterns without help. The man
# page is made from the option table, so it lists every option --help does.
. "$AUD_SRC/tests/cli/lib.sh"

: "${AUD_BUILD:?AUD_BUILD must point at the build tree}"
cmake --install "$AUD_BUILD" --prefix "$T/p" >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "cmake --install"
[ -x "$T/p/bin/auditor" ] && ok || bad "no bin/auditor"
[ -f "$T/p/share/man/man1/auditor.1" ] && ok || bad "no man page"
N=$(ls "$T/p/share/auditor/patterns/"*.pat | wc -l)
[ "$N" -ge 10 ] && ok || bad "only $N pattern files installed"

env -u AUDITOR_PATTERNS "$T/p/bin/auditor" patterns list >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "installed binary lists its patterns"
expect_out "$T/p/bin/../share/auditor/patterns/pii-global.pat"

# Every long option of every command's --help is in the man page.
MAN="$T/p/share/man/man1/auditor.1"
for cmd in scan report verify patterns overlap; do
  "$AUDITOR" $cmd --help | grep -o -- '--[a-z][a-z-]*' | sort -u | while read -r o; do
    esc=$(printf '%s' "$o" | sed 's/-/\\-/g')
    grep -qF -- "$esc" "$MAN" || echo "missing $o"
  done
done >"$T/missing"
[ -s "$T/missing" ] && bad "man page lacks: $(tr '\n' ' ' <"$T/missing")" || ok
grep -q '^\.TH AUDITOR 1' "$MAN" && ok || bad "man page header"
finish
