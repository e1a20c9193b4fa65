#!/usr/bin/env python3
"""csv_segments.py: a CSV that the scanner cuts into segments, and what a
scan of it must find, known from how it was written.

Usage:
  csv_segments.py gen DIR        writes DIR/s.csv and DIR/expect.json
  csv_segments.py check DB DIR   compares the latest run of DB with them

The file (about 5.5 MB, so about five 1 MiB pieces) starts with a byte order
mark and a blank line before the header and a blank line after it, then
holds rows without quotes: white space around fields, CRLF line ends,
blank lines, rows with fewer and with more fields than the header, empty
groups and outcomes, an e-mail address in every 13th note and invalid UTF-8
in two rows. Past 4 MB one row has a quoted note with a line break,
after which the scanner no longer cuts the input. The expectations are
the generator's own: the bias counters of every group (race, sex and
race,sex), the record count, each e-mail's record, line and byte offset,
and the record, line and byte offset of every problem (and the byte named in
an invalid UTF-8 message). Nothing is taken from auditor's output.
"""
import json
import os
import random
import sqlite3
import sys

COLS = ["id", "race", "sex", "outcome", "prediction", "score", "note"]
WORDS = ["alpha", "beta", "gamma", "delta", "river", "stone", "cloud", "lamp"]


def gen(d):
    r = random.Random(11)
    out = bytearray(b"\xef\xbb\xbf\n" + ",".join(COLS).encode() + b"\r\n\n")
    line = 4  # the next line's number
    rec = 0
    counts = {}
    emails = []
    problems = []
    quoted_at = None

    def count(attr, group, vals):
        c = counts.setdefault(attr, {}).setdefault(group, {
            k: 0 for k in ("n", "n_outcome", "pos", "n_pred", "pred_pos",
                           "tp", "fp", "tn", "fn")})
        y, p = vals
        c["n"] += 1
        if y is not None:
            c["n_outcome"] += 1
            c["pos"] += y == "1"
        if p is not None:
            c["n_pred"] += 1
            c["pred_pos"] += p == "1"
        if y is not None and p is not None:
            key = {("1", "1"): "tp", ("0", "1"): "fp", ("0", "0"): "tn",
                   ("1", "0"): "fn"}[(y, p)]
            c[key] += 1

    for i in range(140000):
        fixed = i in (40011, 104000, 121007)
        if r.random() < 0.01 and not fixed:  # a blank, or white space
            out += r.choice([b"\n", b"  \n", b"\t\r\n"])
            line += 1
            continue
        rec += 1
        race = r.choice(["White", "Black", "Asian", "Hispanic", ""])
        sex = r.choice(["F", "M", "F", "M", ""])
        y = r.choice(["0", "1", "1", ""])
        p = r.choice(["0", "1"])
        note = " ".join(r.choice(WORDS) for _ in range(r.randint(1, 4)))
        email = None
        if i % 13 == 5:
            email = "user%d@riverstone.net" % i
            note += " mail " + email
        bad = i in (40011, 121007)
        shape = 1.0 if fixed else r.random()
        fields = [str(i), race, sex, y, p, "%.2f" % r.random(), note]
        if i == 104000:
            quoted_at = len(out)
            fields[6] = '"two\nlines ' + note + '"'
        if shape < 0.002:
            fields = fields[:3]  # fewer fields: no outcome, no prediction
            email = None
        elif shape < 0.004:
            fields.append("extra")
        pad = r.random() < 0.1  # white space around the group values
        text = []
        for k, v in enumerate(fields):
            if pad and k in (1, 2):
                v = " " + v + "\t"
            text.append(v)
        row = ",".join(text).encode()
        if bad:
            row = row.replace(b"mail", b"m\xffil") if email else \
                row + b" \xff"
        eol = b"\r\n" if r.random() < 0.2 else b"\n"
        start = len(out)
        if email:
            at = row.index(email.encode())
            emails.append([rec, line, start + at, len(email)])
        if len(fields) != len(COLS):
            problems.append(["field_count", rec, line, start])
        if bad:
            problems.append(["utf8", rec, line, start + row.index(b"\xff")])
        out += row + eol
        line += 1 + (i == 104000)
        n = len(fields)
        yv = fields[3] if n > 3 and fields[3] != "" else None
        pv = fields[4] if n > 4 and fields[4] != "" else None
        rv = race if race != "" else "(unknown)"
        sv = sex if sex != "" else "(unknown)"
        count("race", rv, (yv, pv))
        count("sex", sv, (yv, pv))
        count("race,sex", rv + " | " + sv, (yv, pv))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "s.csv"), "wb") as f:
        f.write(out)
    with open(os.path.join(d, "expect.json"), "w") as f:
        json.dump({"records": rec, "counts": counts, "emails": emails,
                   "problems": problems, "bytes": len(out),
                   "quoted_at": quoted_at}, f)


def check(db_path, d):
    with open(os.path.join(d, "expect.json")) as f:
        want = json.load(f)
    with open(os.path.join(d, "s.csv"), "rb") as f:
        data = f.read()
    db = sqlite3.connect(db_path)
    run = db.execute("SELECT MAX(run_id) FROM runs").fetchone()[0]
    bad = []
    if want["quoted_at"] < 3 << 20:
        bad.append("the quoted row comes too early to test cutting")
    rec, nbytes, status = db.execute(
        "SELECT records, bytes_decoded, status FROM files "
        "WHERE run_id = ?", (run,)).fetchone()
    if (rec, nbytes, status) != (want["records"], want["bytes"], "warning"):
        bad.append("files row %r" % ((rec, nbytes, status),))
    cols = ["n", "n_outcome", "pos", "n_pred", "pred_pos", "tp", "fp", "tn",
            "fn"]
    got = {}
    for row in db.execute("SELECT attribute, group_value, %s FROM "
                          "group_counts WHERE run_id = ?" % ",".join(cols),
                          (run,)):
        got.setdefault(row[0], {})[row[1]] = dict(zip(cols, row[2:]))
    if got != want["counts"]:
        bad.append("group counts differ:\n got %s\nwant %s" %
                   (got, want["counts"]))
    found = sorted(list(r) for r in db.execute(
        "SELECT record, line, byte_offset, length FROM findings WHERE "
        "run_id = ? AND entity = 'EMAIL_ADDRESS'", (run,)))
    if found != sorted(want["emails"]):
        bad.append("%d e-mails found, %d written; first differences: %s" %
                   (len(found), len(want["emails"]),
                    [x for x in found if x not in want["emails"]][:3]))
    for rec_, line, off, n in found:
        if not data[off:off + n].startswith(b"user"):
            bad.append("finding at byte %d is %r" % (off, data[off:off + n]))
            break
    probs = []
    for k, r_, l, o, msg in db.execute(
            "SELECT kind, record, line, byte_offset, message FROM problems "
            "WHERE run_id = ?", (run,)):
        probs.append([k, r_, l, o])
        if k == "utf8" and msg != "invalid UTF-8 at byte %d" % o:
            bad.append("message %r at byte %d" % (msg, o))
    probs.sort()
    if probs != sorted(want["problems"]):
        bad.append("problems differ: %s" % (
            [x for x in probs if x not in want["problems"]][:3] +
            [x for x in want["problems"] if x not in probs][:3]))
    for b in bad:
        print(b)
    print("%d groups, %d e-mails, %d problems checked; %d differ" %
          (sum(len(v) for v in got.values()), len(found), len(probs),
           len(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2], sys.argv[3]))
