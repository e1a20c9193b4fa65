#!/usr/bin/env python3
"""Writes inputs that exercise every path of the threaded scan pipeline
(tests/cli/test_threads.sh): JSONL of several MiB (many segments), lines
longer than a 1 MiB piece (segments of several pieces), invalid JSON lines,
a truncated gzip, a CSV with quoted newlines and bias columns, and enough
distinct scores to fill the bounded score table several times."""
import gzip
import os
import random
import sys

out = sys.argv[1]
r = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
os.makedirs(out, exist_ok=True)

WORDS = ("data model train the of and to in is for on with as by at from "
         "shard token record field value audit report").split()


def luhn_ok(digits):
    s = 0
    for i, d in enumerate(reversed(digits)):
        d = int(d)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        s += d
    return s % 10 == 0


def card():
    while True:
        n = "4" + "".join(r.choice("0123456789") for _ in range(15))
        if luhn_ok(n):
            return n


def pii():
    k = r.randrange(4)
    if k == 0:
        return "mail %s.%s@example-%d.org now" % (
            r.choice(WORDS), r.choice(WORDS), r.randrange(50))
    if k == 1:
        return "card %s end" % card()
    if k == 2:
        return "ip 10.%d.%d.%d seen" % (r.randrange(256), r.randrange(256),
                                       r.randrange(256))
    return "ssn %03d-%02d-%04d filed" % (r.randrange(100, 665),
                                        r.randrange(1, 99),
                                        r.randrange(1, 9999))


def text(n):
    return " ".join(r.choice(WORDS) for _ in range(n))


def jsonl_line(i):
    t = text(r.randrange(5, 60))
    if i % 7 == 0:
        t += " " + pii()
    return '{"id": %d, "text": "%s", "meta": {"n": %d, "note": "%s"}}\n' % (
        i, t, i % 13, pii() if i % 11 == 0 else "none")


with open(os.path.join(out, "a.jsonl"), "w") as f:
    for i in range(40000):
        if i == 5000:  # a line longer than two pieces, with a finding
            f.write('{"big": "' + text(600000) + ' ' + pii() + '"}\n')
        elif i % 997 == 0:
            f.write('{"broken": "no end ' + pii() + '\n')
        else:
            f.write(jsonl_line(i))
with gzip.open(os.path.join(out, "b.jsonl.gz"), "wt") as f:
    for i in range(30000):
        f.write(jsonl_line(i))
# A truncated gzip: findings before the cut must stay.
data = bytearray()
with open(os.path.join(out, "c.tmp"), "wb") as f:
    with gzip.GzipFile(fileobj=f, mode="wb") as g:
        for i in range(20000):
            g.write(jsonl_line(i).encode())
with open(os.path.join(out, "c.tmp"), "rb") as f:
    data = f.read()
with open(os.path.join(out, "c.jsonl.gz"), "wb") as f:
    f.write(data[: len(data) * 2 // 3])
os.remove(os.path.join(out, "c.tmp"))
# No newline at the very end.
with open(os.path.join(out, "d.jsonl"), "w") as f:
    for i in range(3000):
        f.write(jsonl_line(i))
    f.write('{"last": "%s"}' % pii())
with open(os.path.join(out, "e.csv"), "w") as f:
    f.write("id,race,sex,outcome,prediction,score,note\n")
    for i in range(120000):
        note = pii() if i % 9 == 0 else text(3)
        if i % 501 == 0:
            note = '"two\nlines ' + pii() + '"'
        f.write("%d,%s,%s,%d,%d,%.4f,%s\n" % (
            i, r.choice(["A", "B", "C", ""]), r.choice("FM"),
            r.random() < 0.4, r.random() < 0.5, r.random() * 100, note))
