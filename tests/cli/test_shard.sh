# --shard I/N: N tasks given the same arguments (in any order) cover every
# input exactly once; slices come from the expanded list sorted by path.
. "$AUD_SRC/tests/cli/lib.sh"

mkdir -p "$T/d/x" "$T/d/y"
for i in $(seq 1 10); do printf '{"e":"u%d@gmail.com"}\n' "$i" >"$T/d/x/f$i.jsonl"; done
for i in $(seq 1 7); do printf '{"e":"v%d@gmail.com"}\n' "$i" >"$T/d/y/g$i.jsonl"; done
export AUDITOR_HASH_KEY=shard-test-key-0123456789
for n in 1 2 4 7; do
  : >"$T/all.$n"
  for i in $(seq 0 $((n - 1))); do
    run scan --db "$T/s$n.$i.db" -q --shard "$i/$n" "$T/d/y" "$T/d/x"
    expect_rc 0 "shard $i/$n"
    q "$T/s$n.$i.db" "SELECT path FROM files" >>"$T/all.$n"
    # The same slice whatever the order of the arguments.
    run scan --db "$T/r$n.$i.db" -q --shard "$i/$n" "$T/d/x" "$T/d/y"
    expect_eq "$(q "$T/r$n.$i.db" "SELECT path FROM files ORDER BY path")" \
      "$(q "$T/s$n.$i.db" "SELECT path FROM files ORDER BY path")" "shard $i/$n: order of arguments"
  done
  expect_eq "$(sort "$T/all.$n" | uniq -d | wc -l)" 0 "N=$n: no input twice"
  expect_eq "$(sort -u "$T/all.$n" | wc -l)" 17 "N=$n: every input once"
done
run scan --db "$T/bad.db" --shard 3/3 "$T/d"
expect_rc 2 "--shard 3/3"
run scan --db "$T/bad.db" --shard 1 "$T/d"
expect_rc 2 "--shard 1"
finish
