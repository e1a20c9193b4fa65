# Inputs: folders walked recursively with --include/--exclude, formats by
# extension or by content, delimiters, BOM and CRLF, COMPAS-like headers,
# JSON field paths and escapes, a symbolic link loop.
. "$AUD_SRC/tests/cli/lib.sh"

D="$T/in"
mkdir -p "$D/sub" "$D/.hidden" "$D/skipme"
printf 'name,email\nA,ann.lee@gmail.com\n' >"$D/a.csv"
printf '{"email":"bo.kim@yahoo.com"}\n' | gzip -c >"$D/sub/b.jsonl.gz"
printf 'who,mail\nC,cy.ross@aol.com\n' >"$D/sub/c.txt"
printf 'x,y\nD,di.wu@gmail.com\n' >"$D/.hidden/d.csv"
printf 'x,y\nE,ed.fox@gmail.com\n' >"$D/skipme/e.csv"

run scan --db "$T/w.db" --hash-key-file "$KEY" -q "$D"
expect_rc 0 "folder"
expect_sql "$T/w.db" "SELECT substr(path, length('$D') + 2), format, compression FROM files ORDER BY file_id" \
"a.csv|csv|plain
skipme/e.csv|csv|plain
sub/b.jsonl.gz|jsonl|gzip" "default folder walk"
expect_err "note: 1 file in folders not scanned.*first: $D/sub/c.txt" "skipped files are said"

run scan --db "$T/w2.db" --hash-key-file "$KEY" -q --include '*.txt' --include '*.csv' --exclude skipme "$D"
expect_rc 0 "include/exclude"
expect_sql "$T/w2.db" "SELECT substr(path, length('$D') + 2), format FROM files ORDER BY file_id" \
"a.csv|csv
sub/c.txt|csv" "--include/--exclude"
expect_sql "$T/w2.db" "SELECT field FROM findings WHERE entity='EMAIL_ADDRESS' ORDER BY file_id" "email
mail"

# Format by content when the name says nothing; --format forces.
printf '  {"a":{"b":[1,"x",{"c":"zed.ng@gmail.com"}]},"tags":["p","q","em\\u0040il.org@mail.com"]}\n' >"$T/noext"
run scan --db "$T/f.db" --hash-key-file "$KEY" -q "$T/noext"
expect_rc 0 "sniffed jsonl"
expect_sql "$T/f.db" "SELECT format FROM files" jsonl
expect_sql "$T/f.db" "SELECT field FROM findings WHERE entity='EMAIL_ADDRESS' ORDER BY byte_offset" \
"a.b[2].c
tags[2]" "JSON paths and \\u0040 decoded"
printf 'h1\n{"x":"ab.cd@gmail.com"}\n' >"$T/forced.jsonl"
run scan --db "$T/f2.db" --hash-key-file "$KEY" -q --format csv "$T/forced.jsonl"
expect_sql "$T/f2.db" "SELECT format, records FROM files" "csv|1"

# Delimiters: .tsv by name, ';' and '|' by option.
printf 'id\temail\n1\tte.st@gmail.com\n' >"$T/x.tsv"
printf 'id;email\n1;se.mi@gmail.com\n' >"$T/semi.csv"
printf 'id|email\n1|pi.pe@gmail.com\n' >"$T/pipe.csv"
run scan --db "$T/d1.db" --hash-key-file "$KEY" -q "$T/x.tsv"
expect_sql "$T/d1.db" "SELECT field FROM findings" email "tsv"
run scan --db "$T/d2.db" --hash-key-file "$KEY" -q --delimiter ';' "$T/semi.csv"
expect_sql "$T/d2.db" "SELECT field FROM findings" email "semicolon"
run scan --db "$T/d3.db" --hash-key-file "$KEY" -q --delimiter=pipe "$T/pipe.csv"
expect_sql "$T/d3.db" "SELECT field FROM findings" email "pipe"

# COMPAS-like header: a repeated name and a trailing comma; BOM and CRLF.
printf '\xef\xbb\xbfid,name,decile_score,decile_score,\r\n1,Ann,3,3,an.ne@gmail.com\r\n2,"Bo, Jr",4,5,\r\n' >"$T/compas.csv"
run scan --db "$T/h.db" --hash-key-file "$KEY" -q "$T/compas.csv"
expect_rc 0 "compas-like header"
expect_sql "$T/h.db" "SELECT record, line, field FROM findings" "1|2|Unnamed: 4"
expect_sql "$T/h.db" "SELECT records, status FROM files" "2|ok"

# A symbolic link loop is reported, the rest is scanned, exit 3.
mkdir -p "$T/loop/in"
printf 'e\nlo.op@gmail.com\n' >"$T/loop/in/f.csv"
ln -s .. "$T/loop/in/up"
run scan --db "$T/l.db" --hash-key-file "$KEY" "$T/loop"
expect_rc 3 "symlink loop"
expect_err 'folder loop'
expect_sql "$T/l.db" "SELECT COUNT(*) FROM files WHERE status='failed' AND error LIKE '%loop%'" 1
expect_sql "$T/l.db" "SELECT COUNT(*) FROM findings WHERE entity='EMAIL_ADDRESS'" 1

finish
