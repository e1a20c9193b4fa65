#!/usr/bin/env python3
"""Checks auditor's bias metrics against an independent computation.

Generates a table (seeded), runs the real auditor on it, reads
group_metrics and attribute_metrics from the SQLite file it wrote, and
recomputes every metric here with pandas (counts, shares, rates) and the
standard library (Wilson interval, z-test through erfc, Fisher's exact test
with exact integer arithmetic, the chi-square survival function in closed
form). Every number must agree to 1e-9.

Usage: check_exact.py AUDITOR WORKDIR [SEED]
Exit 0 when all agree, 1 otherwise (the differences are printed).
"""
import math
import os
import random
import sqlite3
import subprocess
import sys

import pandas as pd

Z95 = 1.959963984540054
TOL = 1e-9


def wilson(k, n):
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return (centre - half, centre + half)


def z_test_p(k1, n1, k2, n2):
    p = (k1 + k2) / (n1 + n2)
    if p in (0.0, 1.0):
        return 1.0
    se = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    z = (k1 / n1 - k2 / n2) / se
    return math.erfc(abs(z) / math.sqrt(2))


def fisher_p(a, b, c, d):
    """Two-sided: the sum of P(table) over tables with the same margins and
    P <= P(observed) (1e-7 relative tolerance, as R does); exact integers."""
    r1, c1, n = a + b, a + c, a + b + c + d
    lo, hi = max(0, c1 - (n - r1)), min(r1, c1)
    denom = math.comb(n, c1)

    def prob(x):
        return math.comb(r1, x) * math.comb(n - r1, c1 - x)

    obs = prob(a)
    # P(x) <= P(obs) * (1 + 1e-7), in integers: no rounding at all
    total = sum(prob(x) for x in range(lo, hi + 1)
                if prob(x) * 10**7 <= obs * (10**7 + 1))
    return total / denom


def chi2_sf(x, k):
    """Survival function of chi-square with integer k degrees of freedom,
    in closed form (even k: a Poisson sum; odd k: erfc plus a sum)."""
    if x <= 0:
        return 1.0
    if k % 2 == 0:
        term, s = 1.0, 1.0
        for i in range(1, k // 2):
            term *= (x / 2) / i
            s += term
        return math.exp(-x / 2) * s
    s = math.erfc(math.sqrt(x / 2))
    term = math.sqrt(2 * x / math.pi) * math.exp(-x / 2)
    for i in range(1, (k + 1) // 2):
        s += term
        term *= x / (2 * i + 1)
    return s


def generate(path, seed):
    rnd = random.Random(seed)
    sexes = ["F", "M", "X"]
    races = ["A", "B", "C", "D", "E"]
    rows = []
    for i in range(20000):
        sex = rnd.choices(sexes + [""], weights=[45, 45, 1.5, 2])[0]
        race = rnd.choices(races, weights=[40, 30, 20, 9.3, 0.7])[0]
        base = {"F": 0.25, "M": 0.35, "X": 0.3, "": 0.3}[sex]
        base += {"A": 0.05, "B": -0.05, "C": 0.0, "D": 0.02, "E": 0.1}[race]
        y = "1" if rnd.random() < base else "0"
        if rnd.random() < 0.01:
            y = ""  # missing outcome
        pr = rnd.random() < (0.8 if y == "1" else 0.2)
        p = "yes" if pr else "no"
        # a score with many ties (two decimals), some records without one
        sc = "" if rnd.random() < 0.02 else "%.2f" % (rnd.random() * (
            1.1 if sex == "M" else 1.0))
        rows.append((i, sex, race, y, p, sc))
    with open(path, "w") as f:
        f.write("id,sex,race,y,p,s\n")
        for r in rows:
            f.write("%d,%s,%s,%s,%s,%s\n" % r)
    df = pd.DataFrame(rows, columns=["id", "sex", "race", "y", "p", "s"])
    return df


def expected(df, attr_cols, min_share=0.02):
    """Per-group metrics of one attribute, computed with pandas."""
    d = df.copy()
    for c in attr_cols:
        d[c] = d[c].replace("", "(unknown)")
    key = d[attr_cols[0]] if len(attr_cols) == 1 else \
        d[attr_cols].agg(" | ".join, axis=1)
    d["g"] = key
    d["known"] = d["y"] != ""
    d["pos"] = d["y"] == "1"
    d["pp"] = d["p"] == "yes"
    d["tp"] = d["known"] & d["pos"] & d["pp"]
    d["fp"] = d["known"] & ~d["pos"] & d["pp"]
    d["tn"] = d["known"] & ~d["pos"] & ~d["pp"]
    d["fn"] = d["known"] & d["pos"] & ~d["pp"]
    agg = d.groupby("g").agg(n=("id", "size"), n_outcome=("known", "sum"),
                             pos=("pos", "sum"), pred_pos=("pp", "sum"),
                             tp=("tp", "sum"), fp=("fp", "sum"),
                             tn=("tn", "sum"), fn=("fn", "sum"))
    agg = agg.sort_index()
    total = agg["n"].sum()
    out = {}
    for g, r in agg.iterrows():
        n, npred = int(r.n), int(r.n)  # every row has a prediction
        m = {"n": n, "share": n / total,
             "base_rate": r.pos / r.n_outcome if r.n_outcome else None,
             "selection_rate": r.pred_pos / npred,
             "k": int(r.pred_pos), "kn": npred}
        m["ci_low"], m["ci_high"] = wilson(m["k"], npred)
        tp, fp, tn, fn = int(r.tp), int(r.fp), int(r.tn), int(r.fn)
        m["tpr"] = tp / (tp + fn) if tp + fn else None
        m["fpr"] = fp / (fp + tn) if fp + tn else None
        m["fnr"] = fn / (tp + fn) if tp + fn else None
        m["ppv"] = tp / (tp + fp) if tp + fp else None
        m["npv"] = tn / (tn + fn) if tn + fn else None
        m["eligible"] = g.split(" | ").count("(unknown)") == 0 and \
            "(unknown)" not in g and m["share"] >= min_share
        out[g] = m
    elig = [g for g in out if out[g]["eligible"]]
    ref = max(elig, key=lambda g: (out[g]["selection_rate"],
                                   -sorted(out).index(g)))
    top = out[ref]["selection_rate"]
    for g, m in out.items():
        m["impact_ratio"] = m["selection_rate"] / top
        m["impact_ratio_ref"] = m["selection_rate"] / top
        m["spd_ref"] = m["selection_rate"] - top
        m["flag4"] = m["eligible"] and m["impact_ratio"] < 0.8
        if g == ref:
            m["p_value"] = None
            continue
        a, b = m["k"], m["kn"] - m["k"]
        c, dd = out[ref]["k"], out[ref]["kn"] - out[ref]["k"]
        nn = a + b + c + dd
        cells = [(a + b) * (a + c) / nn, (a + b) * (b + dd) / nn,
                 (c + dd) * (a + c) / nn, (c + dd) * (b + dd) / nn]
        if min(cells) < 5:
            m["p_value"], m["test"] = fisher_p(a, b, c, dd), "fisher"
        else:
            m["p_value"], m["test"] = z_test_p(a, a + b, c, c + dd), "z"
    # LL144 scoring rate: share of the group scoring above the median of
    # every scored record (pandas' median: the mean of the two middle
    # values for an even count).
    scored = d[d["s"] != ""].copy()
    scored["v"] = scored["s"].astype(float)
    median = scored["v"].median()
    sagg = scored.groupby("g")["v"].agg(
        scored="size", above=lambda v: int((v > median).sum()))
    best = max(sagg.loc[g, "above"] / sagg.loc[g, "scored"]
               for g in elig if g in sagg.index)
    for g, m in out.items():
        if g in sagg.index:
            m["scoring_rate"] = sagg.loc[g, "above"] / sagg.loc[g, "scored"]
            m["scoring_impact_ratio"] = m["scoring_rate"] / best
    rates = [out[g]["selection_rate"] for g in elig]
    tprs = [out[g]["tpr"] for g in elig]
    fprs = [out[g]["fpr"] for g in elig]
    attr = {"reference": ref, "score_median": median,
            "dp_difference": max(rates) - min(rates),
            "dp_ratio": min(rates) / max(rates),
            "eo_difference": max(max(tprs) - min(tprs),
                                 max(fprs) - min(fprs)),
            "eo_ratio": min(min(tprs) / max(tprs), min(fprs) / max(fprs)),
            "eq_opportunity_difference": max(tprs) - min(tprs),
            # AIF360's average odds difference against the reference, the
            # largest in absolute value over the other eligible groups
            "average_odds_difference": max(
                abs(((out[g]["fpr"] - out[ref]["fpr"]) +
                     (out[g]["tpr"] - out[ref]["tpr"])) / 2)
                for g in elig if g != ref)}
    # chi-square over all groups with a denominator: 2 x G table
    ks = [out[g]["k"] for g in out]
    ns = [out[g]["kn"] for g in out]
    K, N = sum(ks), sum(ns)
    chi2 = 0.0
    for k, n in zip(ks, ns):
        for obs, col in ((k, K), (n - k, N - K)):
            exp = n * col / N
            chi2 += (obs - exp) ** 2 / exp
    attr["chi2"] = chi2
    attr["chi2_p"] = chi2_sf(chi2, len(ks) - 1)
    return out, attr


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= TOL * max(1.0, abs(a), abs(b))


def main():
    auditor, work = sys.argv[1], sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    csv = os.path.join(work, "bias.csv")
    db = os.path.join(work, "bias.db")
    df = generate(csv, seed)
    subprocess.run([auditor, "scan", "-q", "--db", db, "--group", "sex",
                    "--group", "race", "--intersect", "sex,race",
                    "--outcome", "y", "--positive", "1", "--prediction",
                    "p", "--predicted-positive", "yes", "--score", "s", csv],
                   check=True, env=dict(os.environ,
                                        AUDITOR_HASH_KEY="bias-check-key-0123"))
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    run = con.execute("SELECT MAX(run_id) FROM runs").fetchone()[0]
    bad = 0
    checked = 0
    for attr, cols in (("sex", ["sex"]), ("race", ["race"]),
                       ("sex,race", ["sex", "race"])):
        want, want_attr = expected(df, cols)
        got = {r["group_value"]: r for r in con.execute(
            "SELECT * FROM group_metrics WHERE run_id = ? AND attribute = ?",
            (run, attr))}
        if sorted(got) != sorted(want):
            print("%s: groups differ: %s vs %s" % (attr, sorted(got),
                                                    sorted(want)))
            bad += 1
            continue
        for g, m in want.items():
            r = got[g]
            for col in ("share", "base_rate", "selection_rate", "ci_low",
                        "ci_high", "impact_ratio", "impact_ratio_ref",
                        "spd_ref", "p_value", "tpr", "fpr", "fnr", "ppv",
                        "npv", "scoring_rate", "scoring_impact_ratio"):
                checked += 1
                if not close(r[col], m.get(col)):
                    print("%s=%s %s: auditor %r, independent %r"
                          % (attr, g, col, r[col], m.get(col)))
                    bad += 1
            checked += 3
            if r["n"] != m["n"]:
                print("%s=%s n: %r vs %r" % (attr, g, r["n"], m["n"]))
                bad += 1
            if bool(r["eligible"]) != bool(m["eligible"]):
                print("%s=%s eligible differs" % (attr, g))
                bad += 1
            if (r["flag"] == "four_fifths") != m["flag4"]:
                print("%s=%s four-fifths flag differs" % (attr, g))
                bad += 1
            if m.get("test") and r["test"] != m["test"]:
                print("%s=%s test %r vs %r" % (attr, g, r["test"],
                                              m["test"]))
                bad += 1
        a = con.execute("SELECT * FROM attribute_metrics WHERE run_id = ? "
                        "AND attribute = ?", (run, attr)).fetchone()
        if a["reference_group"] != want_attr["reference"]:
            print("%s reference %r vs %r" % (attr, a["reference_group"],
                                            want_attr["reference"]))
            bad += 1
        for col in ("dp_difference", "dp_ratio", "eo_difference",
                    "eo_ratio", "chi2", "chi2_p", "score_median",
                    "eq_opportunity_difference", "average_odds_difference"):
            checked += 1
            if not close(a[col], want_attr[col]):
                print("%s %s: auditor %r, independent %r"
                      % (attr, col, a[col], want_attr[col]))
                bad += 1
    print("%d values compared, %d differ" % (checked, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
