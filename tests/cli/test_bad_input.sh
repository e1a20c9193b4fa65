# Bad inputs never stop the other inputs and never lose what was scanned.
# Each case is scanned between two good files; the bad one gets one clear
# message naming file, record and byte offset, its files row says what
# happened, findings made before the fault stay, and the exit code is 3.
. "$AUD_SRC/tests/cli/lib.sh"

printf '{"e":"good.one@gmail.com"}\n' >"$T/good1.jsonl"
printf '{"e":"good.two@gmail.com"}\n' >"$T/good2.jsonl"

# bad_case NAME FILE [OPTIONS...]: scans good1, FILE, good2 into $T/NAME.db.
bad_case() {
  local name=$1 file=$2
  shift 2
  DB="$T/$name.db"
  run scan --db "$DB" --hash-key-file "$KEY" "$@" "$T/good1.jsonl" "$file" "$T/good2.jsonl"
  expect_rc 3 "$name"
  expect_sql "$DB" "SELECT status FROM files WHERE path LIKE '%good%' ORDER BY file_id" "ok
ok" "$name: good inputs"
  expect_sql "$DB" "SELECT COUNT(*) FROM findings f JOIN files USING (file_id) WHERE files.path LIKE '%good%'" 2 "$name: good findings"
  expect_sql "$DB" "SELECT status FROM runs" complete "$name: run"
  expect_out 'inputs with problems' "$name: summary"
}
# status_of: the bad file's status|error_record|error_offset
row() { q "$DB" "SELECT $1 FROM files WHERE file_id = 2"; }

# Lines with an email each, to see what survives a fault.
python3 -c '
for i in range(1, 20001):
    print("{\"id\":%d,\"e\":\"person%d@gmail.com\",\"pad\":\"%s\"}" % (i, i, "x" * 40))
' >"$T/many.jsonl"

# 1. Truncated gzip: what came before the cut is kept.
gzip -c "$T/many.jsonl" >"$T/full.gz"
head -c $(( $(stat -c %s "$T/full.gz") / 2 )) "$T/full.gz" >"$T/trunc.jsonl.gz"
bad_case truncated "$T/trunc.jsonl.gz"
expect_eq "$(row status)" failed "truncated: status"
expect_err "trunc.jsonl.gz:[0-9]+ \(record [0-9]+, byte [0-9]+\): truncated gzip" "truncated: message"
KEPT=$(q "$DB" "SELECT COUNT(*) FROM findings WHERE file_id = 2")
[ "$KEPT" -gt 1000 ] && [ "$KEPT" -lt 20000 ] && ok || bad "truncated: kept $KEPT findings"
expect_sql "$DB" "SELECT error_offset = bytes_decoded, sha256 = '$(sha256sum "$T/trunc.jsonl.gz" | cut -d' ' -f1)' FROM files WHERE file_id = 2" "1|1"

# 2. Corrupt zstd frame.
zstd -q -c "$T/many.jsonl" >"$T/corrupt.jsonl.zst"
SZ=$(stat -c %s "$T/corrupt.jsonl.zst")
printf '\xde\xad\xbe\xef\xde\xad\xbe\xef\xde\xad\xbe\xef\xde\xad\xbe\xef' |
  dd of="$T/corrupt.jsonl.zst" bs=1 seek=$((SZ / 2)) conv=notrunc status=none
bad_case corrupt_zstd "$T/corrupt.jsonl.zst"
expect_eq "$(row status)" failed "corrupt zstd: status"
expect_err "corrupt.jsonl.zst:[0-9]+ \(record [0-9]+, byte [0-9]+\): .*zstd" "corrupt zstd: message"

# 3. Invalid JSON line: reported with its exact byte, still scanned raw.
printf '{"a":"x1@gmail.com"}\n{"b": "x2@gmail.com",}\n{"c":"x3@gmail.com"}\n' >"$T/badline.jsonl"
bad_case badjson "$T/badline.jsonl"
expect_eq "$(row status)" warning "bad json: status"
# The offending '}' is byte 42 (line 2 starts at 21, the brace is its 22nd byte).
expect_err "badline.jsonl:2 \(record 2, byte 42\): invalid JSON" "bad json: message"
expect_sql "$DB" "SELECT record, field FROM findings WHERE file_id = 2 ORDER BY record" "1|a
2|(unparsed)
3|c"
expect_sql "$DB" "SELECT kind, record, line, byte_offset FROM problems WHERE file_id = 2" "json|2|2|42"

# 4. CSV with an unbalanced quote: the file ends there, earlier rows stay.
printf 'id,email\n1,q1@gmail.com\n2,"q2@gmail.com\n3,q3@gmail.com\n' >"$T/quote.csv"
bad_case quote "$T/quote.csv"
expect_eq "$(row status)" failed "unbalanced quote: status"
expect_err "quote.csv:3 \(record 2, byte 24\): unterminated quoted field" "quote: message"
expect_sql "$DB" "SELECT COUNT(*) >= 1 FROM findings WHERE file_id = 2 AND record = 1" 1

# 5. A record over --max-record-bytes: JSONL skips the line, CSV ends.
{ printf '{"a":"y1@gmail.com"}\n{"big":"'; head -c 5000 /dev/zero | tr '\0' 'z'; printf '"}\n{"c":"y3@gmail.com"}\n'; } >"$T/long.jsonl"
bad_case toolong "$T/long.jsonl" --max-record-bytes 1K
expect_eq "$(row status)" warning "long jsonl: status"
expect_err "long.jsonl:2 \(record 2, byte 21\): record exceeds --max-record-bytes" "long: message"
expect_sql "$DB" "SELECT record FROM findings WHERE file_id = 2 ORDER BY record" "1
3"
{ printf 'a,b\n1,z1@gmail.com\n2,"'; head -c 5000 /dev/zero | tr '\0' 'z'; printf '"\n3,z3@gmail.com\n'; } >"$T/long.csv"
bad_case toolong_csv "$T/long.csv" --max-record-bytes 1K
expect_eq "$(row status)" failed "long csv: status"
expect_err "long.csv:3 \(record 2, byte 19\): record exceeds --max-record-bytes" "long csv: message"

# 6. Invalid UTF-8 and 7. NUL bytes: reported, the record still scanned.
printf '{"a":"\xff\xfe w1@gmail.com"}\n' >"$T/utf8.jsonl"
bad_case utf8 "$T/utf8.jsonl"
expect_eq "$(row status)" warning "utf8: status"
expect_err "utf8.jsonl:1 \(record 1, byte 6\): invalid UTF-8" "utf8: message"
expect_sql "$DB" "SELECT COUNT(*) FROM findings WHERE file_id = 2" 1
printf 'a,b\nx\0y,n1@gmail.com\n' >"$T/nul.csv"
bad_case nul "$T/nul.csv"
expect_eq "$(row status)" warning "nul: status"
expect_err "nul.csv:2 \(record 1, byte [0-9]+\): NUL byte" "nul: message"
expect_sql "$DB" "SELECT COUNT(*) FROM findings WHERE file_id = 2" 1

# 8. Empty file.
: >"$T/empty.jsonl"
bad_case empty "$T/empty.jsonl"
expect_eq "$(row status)" warning "empty: status"
expect_err "empty.jsonl.*empty input" "empty: message"

# 9. Missing file, broken link, unreadable file and folder.
bad_case missing "$T/nope.jsonl"
expect_eq "$(row status)" failed "missing: status"
expect_err "nope.jsonl.*cannot open" "missing: message"
ln -s "$T/gone" "$T/broken.jsonl"
bad_case broken "$T/broken.jsonl"
expect_err "broken.jsonl.*cannot open" "broken link: message"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
  # root reads everything: run as nobody to meet a permission error.
  U="$T/u"; mkdir -p "$U/closed"; cp "$T/good1.jsonl" "$T/good2.jsonl" "$U/"
  printf '{"x":"s1@gmail.com"}\n' >"$U/secret.jsonl"; chmod 000 "$U/secret.jsonl"
  printf '{"x":"s2@gmail.com"}\n' >"$U/closed/in.jsonl"; chmod 000 "$U/closed"
  chmod 777 "$U"; chmod 755 "$T"; cp "$KEY" "$U/key"; chmod 644 "$U/key"
  setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$AUDITOR" scan --db "$U/p.db" --hash-key-file "$U/key" "$U/good1.jsonl" "$U/secret.jsonl" "$U/closed" "$U/good2.jsonl" >"$OUT" 2>"$ERR"
  RC=$?
  expect_rc 3 "unreadable"
  expect_err "secret.jsonl.*(Permission denied|cannot open)" "unreadable file"
  expect_err "closed.*cannot read folder" "unreadable folder"
  expect_sql "$U/p.db" "SELECT status FROM files ORDER BY file_id" "ok
failed
failed
ok"
  chmod 755 "$U/closed"
else
  echo "note: not root or no setpriv: permission cases skipped" >&2
fi

finish
