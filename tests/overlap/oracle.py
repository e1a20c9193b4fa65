#!/usr/bin/python3
"""Independent computation of `auditor overlap`'s exact counts.

Reads the same inputs with Python's own gzip/zlib, the zstd program, the
csv and json modules, normalises keys with str.casefold() and the Unicode
White_Space list, and prints, as JSON, the counts of overlap_runs and the
places of every match with the place of its first occurrence. A truncated
gzip file is decoded as far as it goes (its cut last line is still a
record, as auditor reads it).

usage: oracle.py [--key FIELD]... --train FILE... --test FILE...
"""
import csv
import io
import json
import subprocess
import sys
import zlib

WS = set([0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680,
          0x2028, 0x2029, 0x202F, 0x205F, 0x3000] + list(range(0x2000, 0x200B)))


def norm(v):
    t = "".join(" " if ord(c) in WS else c for c in v.casefold())
    return " ".join(w for w in t.split(" ") if w)


def decode(path):
    raw = open(path, "rb").read()
    if raw[:2] == b"\x1f\x8b":
        out, data = b"", raw
        while data:  # several members; a cut one gives what it can
            d = zlib.decompressobj(31)
            try:
                out += d.decompress(data)
            except zlib.error:
                break
            data = d.unused_data
            if not d.eof:
                break
        return out
    if raw[:4] == b"\x28\xb5\x2f\xfd":
        return subprocess.run(["zstd", "-dc"], input=raw,
                              stdout=subprocess.PIPE, check=True).stdout
    return raw


def records(path):
    """(record, line, offset, [(name, value)]) in file order; None for
    a record that is not parsed (no fields)."""
    data = decode(path)
    name = path
    for ext in (".gz", ".zst"):
        if name.endswith(ext):
            name = name[: -len(ext)]
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    off = 0
    out = []
    if name.endswith(".csv"):
        header = next(csv.reader([lines[0].decode()]))
        off = len(lines[0]) + 1
        for i, l in enumerate(lines[1:]):
            vals = next(csv.reader([l.decode()])) if l else [""]
            out.append((i + 1, i + 2, off, list(zip(header, vals))))
            off += len(l) + 1
    else:
        for i, l in enumerate(lines):
            try:
                obj = json.loads(l.decode())
                fields = [(k, v if isinstance(v, str) else
                           "" if v is None else json.dumps(v))
                          for k, v in obj.items()]
            except ValueError:
                fields = [("(unparsed)", l.decode(errors="replace"))]
            out.append((i + 1, i + 1, off, fields))
            off += len(l) + 1
    return out


def key(fields, keys):
    if keys:
        d = {}
        for n, v in fields:
            d.setdefault(n, v)
        vals = [norm(d.get(k, "")) for k in keys]
    else:
        vals = [norm(v) for n, v in fields]
    return "\x1f".join(vals) if any(vals) else None


def main():
    keys, train, test, cur = [], [], [], None
    args = sys.argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--key":
            keys.append(args[i + 1])
            i += 2
            continue
        if a in ("--train", "--test"):
            cur = train if a == "--train" else test
        else:
            cur.append(a)
        i += 1
    r = {k: 0 for k in ("train_records", "test_records", "train_keyless",
                        "test_keyless", "train_distinct", "test_distinct",
                        "test_in_train", "train_duplicates",
                        "test_duplicates")}
    matches = []
    first = [{}, {}]
    for split, files in ((0, train), (1, test)):
        s = ("train", "test")[split]
        for path in files:
            for rec, line, off, fields in records(path):
                r[s + "_records"] += 1
                k = key(fields, keys)
                if k is None:
                    r[s + "_keyless"] += 1
                    continue
                here = [path, rec, line, off]
                if split == 1 and k in first[0]:
                    r["test_in_train"] += 1
                    matches.append(["test_in_train"] + here + first[0][k])
                if k in first[split]:
                    r[s + "_duplicates"] += 1
                    matches.append([s + "_duplicate"] + here +
                                   first[split][k])
                else:
                    first[split][k] = here
                    r[s + "_distinct"] += 1
    r["matches"] = sorted(matches)
    json.dump(r, sys.stdout, ensure_ascii=False, sort_keys=True)
    print()


main()
