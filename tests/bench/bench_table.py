#!/usr/bin/python3
"""bench_table.py: the harness's checks and its results table.

Usage:
  bench_table.py dbcheck DB EXPECTED_DECODED_BYTES
      one line on the latest run of an auditor database: its findings, and
      WARN when an input did not end `ok` or the decoded bytes differ
  bench_table.py biascheck DB PANDAS.json
      compares the latest run's group_counts (summed over its inputs) with
      bias_pandas.py's counts; prints "counts identical (N groups)" or
      MISMATCH and every difference, exit 1 on a mismatch
  bench_table.py table RESULTS.tsv INFO.txt [--markdown OUT.md]
      the table: one row per case and tool, best (lowest) wall time of the
      repeated runs, their highest peak RSS, MB/s of decoded bytes (of the
      best time), the ratio to the case's reference, the target and
      PASS/FAIL. With one run the ratio is that run's. With several, it is
      the median of the ratios within each run (a case's two commands are
      timed back to back, so both see the machine at the same speed; the
      best times of the two may come from runs minutes apart), and a note
      under the table gives each run's ratio and the ratio of the best
      times. Peak RSS (case rss) is compared as the highest of the runs.

RESULTS.tsv has one line per run: case, tool, role (ref: the reference;
aud: the measured run; na: not measured, the note says why; note: a note
on the row of the same case and tool), wall seconds,
peak RSS KiB, decoded bytes, exit code, note. INFO.txt holds "key: value"
lines printed above the table (command, machine, versions, corpora).
Only the standard library is used.
"""
import json
import sqlite3
import statistics
import sys

RSS_LIMIT = 100e6  # "peak RSS <= 100 MB": 1e6 bytes, as the corpus sizes

# case: (title, ratio wording, limit, "<=" or ">=")
CASES = [
    ("gz", ".jsonl.gz: decode + scan", "wall / pigz", 1.0, "<="),
    ("zst", ".jsonl.zst: decode + scan", "wall / zstd", 2.0, "<="),
    ("rg", ".jsonl, 15 patterns", "wall / rg", 1.0, "<="),
    ("bias", ".csv.gz, bias audit alone", "pandas / auditor wall", 10.0,
     ">="),
    ("threads", "4 .jsonl.gz shards", "threads 1 / threads 2 wall", 1.8,
     ">="),
    ("heavy", "findings-heavy .jsonl.gz", "heavy / clean MB/s", 0.5, ">="),
    ("rss", "peak RSS, small vs large .jsonl.gz", "RSS large / small", 1.2,
     "<="),
]


def latest_run(db):
    return db.execute("SELECT MAX(run_id) FROM runs").fetchone()[0]


def dbcheck(path, expected):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    run = latest_run(db)
    findings, dec, failed, warn = db.execute(
        "SELECT findings, bytes_decoded, files_failed, files_warning "
        "FROM run_summary WHERE run_id = ?", (run,)).fetchone()
    msg = "%d findings" % findings
    if failed or warn:
        bad = db.execute("SELECT path, status, error FROM files WHERE "
                         "run_id = ? AND status <> 'ok' LIMIT 3",
                         (run,)).fetchall()
        msg += "; WARN: inputs not ok: %s" % bad
    if int(dec or 0) != int(expected):
        msg += "; WARN: decoded %s bytes, expected %s" % (dec, expected)
    print(msg)


def biascheck(path, pandas_json):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    run = latest_run(db)
    cols = ["n", "n_outcome", "pos", "n_pred", "pred_pos", "tp", "fp", "tn",
            "fn"]
    got = {}
    for row in db.execute(
            "SELECT attribute, group_value, %s FROM group_counts "
            "WHERE run_id = ? GROUP BY attribute, group_value" %
            ", ".join("SUM(%s)" % c for c in cols), (run,)):
        got.setdefault(row[0], {})[row[1]] = dict(zip(cols, row[2:]))
    with open(pandas_json) as f:
        want = json.load(f)
    diffs = []
    for attr in sorted(set(got) | set(want)):
        g, w = got.get(attr, {}), want.get(attr, {})
        for grp in sorted(set(g) | set(w)):
            a, b = g.get(grp), w.get(grp)
            if a != b:
                diffs.append("%s=%s: auditor %s; pandas %s" % (
                    attr, grp, a and " ".join("%s=%s" % (c, a[c])
                                              for c in cols),
                    b and " ".join("%s=%s" % (c, b.get(c)) for c in cols)))
    ngroups = sum(len(v) for v in want.values())
    if diffs or not ngroups:
        print("MISMATCH: auditor's group_counts differ from pandas")
        for d in diffs[:20] or ["no groups"]:
            print("  " + d)
        return 1
    print("counts identical (%d groups, %d counters each)" % (ngroups,
                                                              len(cols)))
    return 0


def load(results):
    rows = {}
    for line in open(results):
        f = line.rstrip("\n").split("\t")
        if len(f) < 8:
            continue
        case, tool, role, wall, rss, nbytes, rc, note = f[:8]
        r = rows.setdefault((case, tool), {
            "case": case, "tool": tool, "role": role, "walls": [],
            "rss": 0, "bytes": int(nbytes or 0), "rcs": [], "notes": []})
        if role not in ("na", "note"):
            r["role"] = role
            r["walls"].append(float(wall))
            r["rss"] = max(r["rss"], int(rss))
            r["rcs"].append(int(rc))
        if note and note not in r["notes"]:
            r["notes"].append(note)
    return rows


def fmt(x, nd=2):
    return "-" if x is None else "%.*f" % (nd, x)


def failed(r):
    ok = (0, 1) if r["tool"].startswith("rg") else (0,)
    bad = [c for c in r["rcs"] if c not in ok]
    return bad[0] if bad else None


def ratio_of(case, ref_wall, ref_bytes, wall, nbytes, ref_rss, rss):
    if case in ("gz", "zst", "rg"):
        return wall / ref_wall
    if case in ("bias", "threads"):
        return ref_wall / wall
    if case == "heavy":
        return (nbytes / wall) / (ref_bytes / ref_wall)
    return rss / max(ref_rss, 1)


def paired(case, ref, r):
    """The ratio of each run: the machine's speed drifts over minutes, so
    the best times of two commands may come from different runs, while
    the two commands of one run were timed back to back."""
    if case == "rss" or len(ref["walls"]) != len(r["walls"]):
        return []
    return [ratio_of(case, a, ref["bytes"], b, r["bytes"], 0, 0)
            for a, b in zip(ref["walls"], r["walls"]) if a > 0 and b > 0]


def table(results, info, markdown=None):
    rows = load(results)
    out = []  # (case title, tool, wall, MB/s, RSS, ratio, target, result)
    notes = []
    for case, title, what, limit, op in CASES:
        mine = [r for (c, _), r in rows.items() if c == case and
                r["role"] != "note"]
        if not mine:
            continue
        ref = next((r for r in mine if r["role"] == "ref"), None)
        na = [r for r in mine if r["role"] == "na"]
        for r in mine:
            r["wall"] = min(r["walls"]) if r["walls"] else None
            r["mbs"] = (r["bytes"] / r["wall"] / 1e6
                        if r["wall"] else None)
            for n in r["notes"]:
                notes.append("%s, %s: %s" % (title, r["tool"], n))
        for r in mine:
            if r["role"] == "na":
                out.append((title, r["tool"], None, None, None, None,
                            "%s %s %.1f" % (what, op, limit),
                            r["notes"][0] if r["notes"] else "n/a"))
                continue
            ratio, result, target = None, "", ""
            err = failed(r)
            if r["role"] == "ref":
                ratio_s = "ref"
                if case == "rss":
                    target = "RSS <= 100 MB"
                    result = "PASS" if r["rss"] * 1024 <= RSS_LIMIT \
                        else "FAIL"
            else:
                target = "%s %s %.1f" % (what, op, limit)
                if ref and ref["wall"] and r["wall"] and not na:
                    ratio = ratio_of(case, ref["wall"], ref["bytes"],
                                     r["wall"], r["bytes"], ref["rss"],
                                     r["rss"])
                runs = paired(case, ref, r) if ref and not na else []
                if len(runs) > 1:
                    notes.append(
                        "%s, %s: ratio within each run: %s; median %s "
                        "(the table's); ratio of the best times: %s" % (
                            title, r["tool"],
                            ", ".join(fmt(x) for x in runs),
                            fmt(statistics.median(runs)), fmt(ratio)))
                    ratio = statistics.median(runs)
                if ratio is None:
                    result = "n/a"
                else:
                    ok = ratio <= limit if op == "<=" else ratio >= limit
                    if case == "rss":
                        target += ", RSS <= 100 MB"
                        ok = ok and r["rss"] * 1024 <= RSS_LIMIT
                    if case == "bias" and any("MISMATCH" in n
                                              for n in r["notes"]):
                        ok = False
                        result = "FAIL (MISMATCH)"
                    result = result or ("PASS" if ok else "FAIL")
                ratio_s = fmt(ratio)
            ref_err = failed(ref) if ref else None
            if err is not None:
                result = "ERROR (exit %d)" % err
            elif ref_err is not None and r["role"] == "aud":
                result = "ERROR (reference exit %d)" % ref_err
            out.append((title, r["tool"], fmt(r["wall"]), fmt(r["mbs"], 0),
                        fmt(r["rss"] / 1024.0, 1), ratio_s, target, result))
    head = ("case", "tool", "wall s", "MB/s", "peak RSS MiB",
            "ratio", "target", "result")
    info_lines = [l.rstrip("\n") for l in open(info)] if info else []
    for l in info_lines:
        print(l)
    print()
    w = [max(len(str(x[i] if x[i] is not None else "-")) for x in out +
             [head]) for i in range(len(head))]
    for x in [head] + out:
        print("  ".join(str(v if v is not None else "-").ljust(w[i])
                        for i, v in enumerate(x)).rstrip())
    if notes:
        print()
        for n in notes:
            print("note: " + n)
    if markdown:
        with open(markdown, "w") as f:
            for l in info_lines:
                k, _, v = l.partition(":")
                f.write("- %s:%s\n" % (k, v) if v else "%s\n" % l)
            f.write("\n| %s |\n|%s|\n" % (" | ".join(head), "|".join(
                "---" if i < 2 or i >= 6 else "---:"
                for i in range(len(head)))))
            for x in out:
                f.write("| %s |\n" % " | ".join(
                    str(v if v is not None else "-").replace("|", "\\|")
                    for v in x))
            if notes:
                f.write("\n")
                for n in notes:
                    f.write("- %s\n" % n)


def main():
    a = sys.argv[1:]
    if a[:1] == ["dbcheck"] and len(a) == 3:
        dbcheck(a[1], a[2])
    elif a[:1] == ["biascheck"] and len(a) == 3:
        sys.exit(biascheck(a[1], a[2]))
    elif a[:1] == ["table"] and len(a) in (3, 5):
        md = a[4] if len(a) == 5 and a[3] == "--markdown" else None
        table(a[1], a[2], md)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
