#!/usr/bin/python3
"""bias_pandas.py: the pandas reference of the harness's bias case.

Usage: bias_pandas.py FILE.csv[.gz] OUT.json

Reads the CSV with pandas (read_csv, only the four columns needed) and
computes with groupby, for each of the attributes race and sex, the counters
auditor keeps per group (`group_counts`): n, n_outcome, pos, n_pred,
pred_pos, tp, fp, tn, fn, with outcome and prediction positive when equal to
1. Empty cells are missing, as in auditor: an empty group value is the group
"(unknown)", an empty outcome or prediction is not counted in n_outcome or
n_pred (nor in tp/fp/tn/fn). Other strings that pandas would read as NaN by
default ("NA", "null", ...) are values in auditor, so only "" is NaN here.
Writes {attribute: {group: {counter: value}}} to OUT.json.
"""
import json
import sys

import pandas as pd

GROUPS = ["race", "sex"]


def main():
    path, out = sys.argv[1], sys.argv[2]
    df = pd.read_csv(path, usecols=GROUPS + ["outcome", "prediction"],
                     keep_default_na=False, na_values=[""])
    y, p = df["outcome"], df["prediction"]
    yk, pk = y.notna(), p.notna()
    yp, pp = y == 1, p == 1
    c = pd.DataFrame({"n": 1, "n_outcome": yk, "pos": yp, "n_pred": pk,
                      "pred_pos": pp, "tp": yp & pp,
                      "fp": yk & ~yp & pp, "tn": yk & ~yp & pk & ~pp,
                      "fn": yp & pk & ~pp}).astype("int64")
    res = {}
    for g in GROUPS:
        agg = c.groupby(df[g].fillna("(unknown)").astype(str)).sum()
        res[g] = {str(k): {col: int(v) for col, v in row.items()}
                  for k, row in agg.iterrows()}
    with open(out, "w") as f:
        json.dump(res, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
