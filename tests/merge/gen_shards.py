#!/usr/bin/python3
"""Writes a small sharded dataset for the merge tests: CSV and JSONL shards
(plain, gzip, zstd) with personal data, secrets-free, and bias columns,
plus the side files a scan of them takes.

usage: gen_shards.py OUTDIR [SEED]

OUTDIR/data/csv/part-*.csv, OUTDIR/data/jsonl/part-*.jsonl[.gz|.zst]:
  id, sex, race, hired, score, email, phone, ssn, card, note (JSONL: the
  same top-level keys, the e-mail also nested in meta.author.email and
  text in messages[].content). Values repeat across shards (a pool of
  e-mail addresses) so repeated-value counts span files; group values
  include empty ones ("(unknown)"), outcomes are sometimes missing, scores
  have ties; notes hold redaction markers and an allowlisted address.
  One JSONL shard has an invalid line (status warning), and one .jsonl.gz
  is cut short (status failed).
OUTDIR/allow.txt      an allowlist (one address)
OUTDIR/expected.csv   expected shares for sex and race (one race absent)
OUTDIR/shards.txt     every data file, one a line, sorted
"""
import csv
import gzip
import json
import os
import random
import subprocess
import sys


def luhn_card(rng):
    digits = [4] + [rng.randrange(10) for _ in range(14)]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return "".join(map(str, digits + [(10 - total % 10) % 10]))


def ssn(rng):
    area = rng.choice([n for n in range(1, 900) if n != 666])
    return "%03d-%02d-%04d" % (area, rng.randrange(1, 100),
                              rng.randrange(1, 10000))


def main():
    out = sys.argv[1]
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 8)
    pool = ["%s.%s%d@%s" % (rng.choice(["ann", "bo", "cy", "di", "ed"]),
                            rng.choice(["lee", "kim", "wu", "roy"]), i,
                            rng.choice(["gmail.com", "yahoo.com",
                                        "outlook.com"]))
            for i in range(30)]
    os.makedirs(out + "/data/csv", exist_ok=True)
    os.makedirs(out + "/data/jsonl", exist_ok=True)

    def record(i):
        race = rng.choice(["White", "White", "Black", "Asian", "Hispanic",
                           ""])
        r = {
            "id": i,
            "sex": rng.choice(["F", "M", "M", "F", "X", ""]),
            "race": race,
            "hired": rng.choice(["yes", "no", "no", ""]),
            "score": "%.1f" % rng.choice([0.1, 0.3, 0.5, 0.5, 0.7, 0.9,
                                          rng.random()]),
            "email": rng.choice(pool) if rng.random() < 0.6 else "",
            "phone": "+1 415 555 %04d" % rng.randrange(1000, 9999)
            if rng.random() < 0.3 else "",
            "ssn": ssn(rng) if rng.random() < 0.2 else "",
            "card": luhn_card(rng) if rng.random() < 0.1 else "",
            "note": rng.choice([
                "", "", "nothing to see", "reach me at [REDACTED]",
                "mail <EMAIL_ADDRESS> later", "write to help@acme-corp.com",
                "docs use jane@example.com", "cc " + rng.choice(pool)]),
        }
        return r

    files = []
    n = 0
    # Every shard has a White row, so --reference race=White holds in each.
    for k in range(4):
        path = "%s/data/csv/part-%d.csv" % (out, k)
        rows = []
        for j in range(40 + 13 * k):
            n += 1
            r = record(n)
            if j == 0:
                r["race"] = "White"
            rows.append(r)
        with open(path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        files.append(path)
    for k in range(6):
        lines = []
        for j in range(35 + 11 * k):
            n += 1
            r = record(n)
            if j == 0:
                r["race"] = "White"
            r["meta"] = {"author": {"email": rng.choice(pool)}}
            r["messages"] = [{"content": "hi " + rng.choice(pool)},
                             {"content": r["note"]}]
            lines.append(json.dumps(r))
        if k == 1:
            lines.insert(7, '{"id": 9999, "sex": "F", broken')
        body = ("\n".join(lines) + "\n").encode()
        base = "%s/data/jsonl/part-%d.jsonl" % (out, k)
        if k == 2:
            path = base + ".gz"
            with open(path, "wb") as f:
                f.write(gzip.compress(body, mtime=0))
        elif k == 3:
            path = base + ".zst"
            subprocess.run(["zstd", "-q", "-f", "-o", path, "-"],
                           input=body, check=True)
        elif k == 5:
            path = base + ".gz"  # cut short: the input fails
            data = gzip.compress(body, mtime=0)
            with open(path, "wb") as f:
                f.write(data[:len(data) // 2])
        else:
            path = base
            with open(path, "wb") as f:
                f.write(body)
        files.append(path)
    with open(out + "/allow.txt", "w") as f:
        f.write("EMAIL_ADDRESS help@acme-corp.com\n")
    with open(out + "/expected.csv", "w") as f:
        f.write("attribute,group,expected_share\n"
                "race,White,0.5\nrace,Black,0.2\nrace,Asian,0.1\n"
                "race,Hispanic,0.15\nrace,Pacific,0.05\n"
                "sex,F,0.5\nsex,M,0.5\n")
    with open(out + "/shards.txt", "w") as f:
        f.write("".join(p + "\n" for p in sorted(files)))


main()
