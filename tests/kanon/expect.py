#!/usr/bin/env python3
"""k-anonymity and l-diversity computed independently with pandas groupby.

Reads CSV files (pandas read_csv) and JSONL files (json, gzip when the
file starts with gzip's magic bytes), puts the quasi-identifier values of
every record in a tuple, and counts the equivalence classes with
DataFrame.groupby: what auditor's kanon_metrics and kanon_sizes must hold.

Values are text as auditor reads them: CSV fields with the white space
around them removed, JSON numbers as written (parse_int/parse_float=str),
booleans as true/false. A missing column, an empty value and a JSON null
are one value, "missing", for the quasi-identifiers and the sensitive
column alike.

Usage: expect.py --qi COL,COL[,...] [--sensitive COL] [--k K] FILE...
Prints one line
  records|classes|k_anonymity|classes_below_k|records_below_k|
  share_below_k|unique_records|share_unique|l_diversity|
  classes_l_below_2|records_l_below_2
(shares with 12 decimals, the l figures empty without --sensitive), then
one line size|classes per class size, smallest first: the shape of
  SELECT ... FROM kanon_metrics / kanon_sizes
in tests/cli/test_kanon*.sh.
"""
import argparse
import gzip
import json
import sys

import pandas as pd

MISSING = "\x00missing"


def text(v):
    if v is None:
        return MISSING
    if isinstance(v, bool):
        return "true" if v else "false"
    v = str(v)
    return v if v != "" else MISSING


def read_jsonl(path, cols):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    rows = []
    for line in raw.decode("utf-8").splitlines():
        if not line.strip():
            continue
        obj = json.loads(line, parse_int=str, parse_float=str)
        rows.append({c: text(obj.get(c)) for c in cols})
    return pd.DataFrame(rows, columns=cols)


def read_csv(path, cols):
    df = pd.read_csv(path, dtype=str, keep_default_na=False,
                     skipinitialspace=True)
    df.columns = [c.strip() for c in df.columns]
    out = pd.DataFrame(index=df.index)
    for c in cols:
        out[c] = (df[c].str.strip().map(text) if c in df.columns
                  else MISSING)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qi", required=True)
    ap.add_argument("--sensitive")
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    qi = a.qi.split(",")
    cols = qi + ([a.sensitive] if a.sensitive else [])
    frames = []
    for f in a.files:
        name = f[:-3] if f.endswith((".gz", ".zst")) else f
        if name.endswith((".jsonl", ".ndjson", ".json")):
            frames.append(read_jsonl(f, cols))
        else:
            frames.append(read_csv(f, cols))
    df = pd.concat(frames, ignore_index=True)
    g = df.groupby(qi, sort=False, dropna=False)
    size = g.size()
    n = int(size.sum())
    below = size[size < a.k]
    fields = [n, len(size), int(size.min()) if n else "",
              len(below), int(below.sum()),
              "%.12f" % (below.sum() / n) if n else "",
              int((size == 1).sum()),
              "%.12f" % ((size == 1).sum() / n) if n else ""]
    if a.sensitive:
        l = g[a.sensitive].nunique(dropna=False)
        one = l[l < 2]
        fields += [int(l.min()) if n else "", len(one),
                   int(size[one.index].sum())]
    else:
        fields += ["", "", ""]
    print("|".join(str(x) for x in fields))
    for s, c in size.value_counts().sort_index().items():
        print("%d|%d" % (s, c))
    return 0


if __name__ == "__main__":
    sys.exit(main())
