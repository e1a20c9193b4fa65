#!/usr/bin/env bash
# Peak memory of a default scan of a large .jsonl.gz (issue #2: < 100 MB
# for 1 GB). Not part of ctest: it writes about 1.3 GB of temporary data.
# Usage: tests/bench/memory.sh [MEGABYTES] [AUDITOR_BINARY]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mb=${1:-1000}
bin=${2:-$here/../../build/auditor}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/auditor-mem.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "generating ${mb} MB of JSONL (seed 1) ..." >&2
python3 "$here/gen_jsonl.py" "$mb" 1 | gzip -1 >"$tmp/big.jsonl.gz"
ls -l "$tmp/big.jsonl.gz" >&2
python3 - "$bin" "$tmp" <<'PY'
import resource, subprocess, sys, time
binary, tmp = sys.argv[1], sys.argv[2]
t = time.time()
p = subprocess.run([binary, "scan", "--db", tmp + "/m.db", "-q",
                    tmp + "/big.jsonl.gz"],
                   env={"AUDITOR_HASH_KEY": "memory-bench-key-0123456789"})
wall = time.time() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
import sqlite3
db = sqlite3.connect(tmp + "/m.db")
dec, rec = db.execute("SELECT bytes_decoded, records FROM files").fetchone()
n = db.execute("SELECT COUNT(*) FROM findings").fetchone()[0]
print("exit %d, %.1f s, %.0f MB decoded, %d records, %d findings, "
      "peak RSS %.1f MiB" % (p.returncode, wall, dec / 1e6, rec, n, rss))
PY
