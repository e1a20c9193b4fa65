# Store faults: a full disk, a read-only database, a database locked by
# another writer, a corrupt database file. Each gives a clear message and
# exit 3, and no run is left looking complete.
. "$AUD_SRC/tests/cli/lib.sh"

export AUDITOR_HASH_KEY=store-faults-key-0123456789
python3 -c '
for i in range(60000):
    print("{\"id\":%d,\"e\":\"someone%d@gmail.com\"}" % (i, i))' >"$T/in.jsonl"

# 1. Disk full: the database on a 256 KiB tmpfs (needs root to mount).
if [ "$(id -u)" -eq 0 ] && mkdir -p "$T/small" && mount -t tmpfs -o size=256k tmpfs "$T/small" 2>/dev/null; then
  run scan --db "$T/small/full.db" "$T/in.jsonl"
  expect_rc 3 "disk full"
  expect_err 'full|disk I/O error'
  # Whatever survived must not claim to be a complete run.
  st=$(sqlite3 "$T/small/full.db" "SELECT COUNT(*) FROM runs WHERE status = 'complete'" 2>/dev/null || echo 0)
  expect_eq "$st" 0 "no complete run on a full disk"
  umount "$T/small"
else
  echo "note: not root or no tmpfs: disk-full case skipped" >&2
fi

# 2. Read-only database: an existing file without write permission, opened
# as nobody (root ignores permissions).
run scan --db "$T/ro.db" -q "$T/in.jsonl"
expect_rc 0 "make a database"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
  chmod 755 "$T"; chmod 444 "$T/ro.db"; chmod 644 "$T/in.jsonl"
  setpriv --reuid=nobody --regid=nogroup --clear-groups env AUDITOR_HASH_KEY=x0123456789abcdefgh \
    "$AUDITOR" scan --db "$T/ro.db" "$T/in.jsonl" >"$OUT" 2>"$ERR"
  RC=$?
  expect_rc 3 "read-only database"
  expect_err 'ro.db.*(readonly|read-only|unable to open|cannot)'
  expect_sql "$T/ro.db" "SELECT COUNT(*) FROM runs" 1 "read-only database unchanged"
fi
chmod 644 "$T/ro.db"

# 3. Locked: another connection holds the write lock for longer than the
# 5 s busy timeout.
python3 - "$T/ro.db" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(sys.argv[1] + ".locked", "w").close()
time.sleep(9)
c.execute("ROLLBACK")
PY
holder=$!
for _ in $(seq 1 50); do [ -e "$T/ro.db.locked" ] && break; sleep 0.1; done
run scan --db "$T/ro.db" "$T/in.jsonl"
expect_rc 3 "locked database"
expect_err 'database is locked'
wait "$holder"
expect_sql "$T/ro.db" "SELECT COUNT(*) FROM runs WHERE status = 'complete'" 1 "locked: no new complete run"

# 4. Corrupt: a database whose pages were overwritten.
cp "$T/ro.db" "$T/bad.db"
python3 - "$T/bad.db" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(4096)
    f.write(b"\xde\xad\xbe\xef" * 4096)
PY
run scan --db "$T/bad.db" "$T/in.jsonl"
expect_rc 3 "corrupt database"
expect_err 'bad.db.*(malformed|not a database|corrupt)'
finish
