#!/usr/bin/env python3
"""Detection throughput (issue #3), not part of ctest.

MB/s of a whole `auditor scan` of plain JSONL read from the page cache,
with the full pattern set and with EMAIL_ADDRESS alone, next to the JSONL
reader alone (bench_readers) measured in the same run. Best of 3 runs.

Usage: tests/bench/detect_speed.py [MEGABYTES] [BUILD_DIR]
"""
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def best_of(cmd, db, runs=3):
    best = None
    for _ in range(runs):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.unlink(db + suffix)
        start = time.monotonic()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        took = time.monotonic() - start
        best = took if best is None else min(best, took)
    return best


def main():
    mb = sys.argv[1] if len(sys.argv) > 1 else "300"
    build = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        HERE, "..", "..", "build")
    binary = os.path.join(build, "auditor")
    subprocess.run(["cmake", "--build", build, "--target", "auditor",
                    "bench_readers"], check=True, stdout=subprocess.DEVNULL)
    os.environ["AUDITOR_HASH_KEY"] = "detect-speed-key-0123456789"
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "corpus.jsonl")
        with open(corpus, "wb") as out:
            subprocess.run([sys.executable, os.path.join(HERE, "gen_jsonl.py"),
                            mb, "1"], check=True, stdout=out)
        size = os.path.getsize(corpus)
        with open(corpus, "rb") as f:  # into the page cache
            while f.read(1 << 24):
                pass
        db = os.path.join(tmp, "s.db")
        full = best_of([binary, "scan", "-q", "--db", db, corpus], db)
        email = best_of([binary, "scan", "-q", "--db", db, "--entities",
                         "EMAIL_ADDRESS", corpus], db)
        listing = subprocess.run([binary, "patterns", "list"], check=True,
                                 capture_output=True, text=True).stdout
        npat = sum(1 for line in listing.splitlines()[1:]
                   if line[:1].isalnum())
        print("corpus: %d bytes (gen_jsonl.py %s 1)" % (size, mb))
        sys.stdout.flush()
        subprocess.run([os.path.join(build, "bench_readers"), "jsonl",
                        corpus], check=True)
        print("scan, full set (%d patterns): %.0f MB/s (%.2f s)"
              % (npat, size / full / 1e6, full))
        print("scan, EMAIL_ADDRESS only:     %.0f MB/s (%.2f s)"
              % (size / email / 1e6, email))


if __name__ == "__main__":
    main()
