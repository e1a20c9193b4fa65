#!/usr/bin/python3
"""Canonical forms of a run, for comparing a merged run with one scan.

usage: canon.py report REPORT.json   the JSON report, run-specific fields
                                     masked, keys sorted
       canon.py db FILE.db           every table and view of the latest
                                     run, exactly (floats by repr), as JSON

Masked in the report, and why:
  manifest.run_id, summary.run_id    a database numbers its own runs
  manifest.started_at, finished_at   wall-clock times of the run
Nothing else is masked: options, inputs (path, size, SHA-256, records,
status), every count, list and metric must be equal as they are.

The database form leaves out run_id, the runs row itself and the times of
each input (files.started_at, finished_at); file ids are kept as they are,
so the test also checks that a merge numbers inputs and findings as one
scan into an empty database would (in path order).
"""
import json
import sqlite3
import sys


def report(path):
    r = json.load(open(path))
    for k in ("run_id", "started_at", "finished_at"):
        r["manifest"][k] = "*"
    r["summary"]["run_id"] = "*"
    return r


def rows(db, sql, *args):
    cur = db.execute(sql, args)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def dump(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    run = db.execute("SELECT MAX(run_id) FROM runs").fetchone()[0]
    out = {}
    skip = {"run_id"}
    per_run = {
        "files": "file_id",
        "findings": "finding_id",
        "problems": "problem_id",
        "fields": "file_id, field",
        "field_entities": "file_id, field, entity",
        "markers": "file_id, field, marker",
        "group_counts": "file_id, attribute, group_value",
        "group_scores": "file_id, attribute, group_value, score, count",
        "suppressed_by_file": "file_id, entity",
        "suppressed": "entity",
        "group_metrics": "attribute, group_value",
        "attribute_metrics": "attribute",
        "entity_counts": "entity",
        "repeated_values": "entity, value_hash",
        "field_verdicts": "field",
        "field_density": "field",
        "file_density": "file_id",
        "finding_counts": "file_id, field, entity, evidence",
    }
    for table, order in per_run.items():
        got = rows(db, "SELECT * FROM %s WHERE run_id = ? ORDER BY %s"
                   % (table, order), run)
        for r in got:
            for k in list(r):
                if k in skip or (table == "files" and
                                 k in ("started_at", "finished_at")):
                    del r[k]
        out[table] = got
    s = rows(db, "SELECT * FROM run_summary WHERE run_id = ?", run)[0]
    for k in ("run_id", "started_at", "finished_at"):
        del s[k]
    out["run_summary"] = s
    return out


def main():
    kind, path = sys.argv[1], sys.argv[2]
    data = report(path) if kind == "report" else dump(path)
    json.dump(data, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


main()
