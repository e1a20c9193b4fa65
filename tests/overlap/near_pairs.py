#!/usr/bin/python3
"""Pairs of known similarity for `auditor overlap --near`.

gen DIR SEED: writes DIR/train.jsonl (N documents of 300 random words
from a 20,000-word vocabulary) and DIR/test.jsonl: for each train
document, a copy whose words are replaced one at a time at random places
until the Jaccard similarity of the word 5-gram sets drops to the level
(0.5, 0.7, 0.85 or 0.95, in turn), plus unrelated documents. It also
writes DIR/truth.json: for each test record, its source train record
and the exact Jaccard, computed here from the shingle sets.

score DIR DB: reads the near matches of the latest run, computes the
exact Jaccard of every reported pair from the texts (independently of
auditor), and prints precision (reported pairs with J >= 0.8) and recall
by level as JSON.
"""
import json
import random
import sqlite3
import sys

N, WORDS = 400, 300
LEVELS = [0.5, 0.7, 0.85, 0.95]


def shingles(words):
    if len(words) < 5:
        return {tuple(words)} if words else set()
    return {tuple(words[i:i + 5]) for i in range(len(words) - 4)}


def jaccard(a, b):
    sa, sb = shingles(a.split()), shingles(b.split())
    return len(sa & sb) / len(sa | sb)


def gen(d, seed):
    rnd = random.Random(seed)
    vocab = ["w%d" % i for i in range(20000)]
    train, test, truth = [], [], []
    for i in range(N):
        doc = [rnd.choice(vocab) for _ in range(WORDS)]
        train.append(" ".join(doc))
        level = LEVELS[i % len(LEVELS)]
        copy = list(doc)
        base = shingles(doc)
        while True:
            j = rnd.randrange(WORDS)
            old = copy[j]
            copy[j] = "x%d" % rnd.randrange(10 ** 9)
            s = shingles(copy)
            jac = len(base & s) / len(base | s)
            if jac < level:
                copy[j] = old  # one step too far: keep the one before
                break
        test.append(" ".join(copy))
        truth.append({"train": i + 1, "level": level,
                      "j": jaccard(train[i], test[-1])})
    for i in range(N // 2):  # unrelated
        test.append(" ".join(rnd.choice(vocab) for _ in range(WORDS)))
        truth.append({"train": None, "level": 0, "j": 0})
    with open(d + "/train.jsonl", "w") as f:
        for t in train:
            f.write(json.dumps({"text": t}) + "\n")
    with open(d + "/test.jsonl", "w") as f:
        for t in test:
            f.write(json.dumps({"text": t}) + "\n")
    json.dump(truth, open(d + "/truth.json", "w"))


def score(d, db):
    train = [json.loads(l)["text"] for l in open(d + "/train.jsonl")]
    test = [json.loads(l)["text"] for l in open(d + "/test.jsonl")]
    truth = json.load(open(d + "/truth.json"))
    con = sqlite3.connect(db)
    run = con.execute("SELECT MAX(run_id) FROM overlap_runs").fetchone()[0]
    rows = con.execute("SELECT record, first_record, jaccard FROM "
                       "overlap_matches WHERE run_id = ? AND kind = 'near'",
                       (run,)).fetchall()
    near = con.execute("SELECT near_test_records FROM overlap_runs WHERE "
                       "run_id = ?", (run,)).fetchone()[0]
    good = 0
    found = {}
    for rec, first, est in rows:
        j = jaccard(test[rec - 1], train[first - 1])
        good += j >= 0.8
        found[rec] = first
    out = {"reported": len(rows), "near_test_records": near,
           "true_positives": good,
           "precision": good / len(rows) if rows else None, "recall": {}}
    for level in LEVELS + [0]:
        recs = [i + 1 for i, t in enumerate(truth) if t["level"] == level]
        hit = sum(1 for r in recs
                  if found.get(r) == truth[r - 1]["train"] and r in found)
        if level == 0:
            hit = sum(1 for r in recs if r in found)
        js = [truth[r - 1]["j"] for r in recs]
        out["recall"][str(level)] = {"pairs": len(recs), "reported": hit,
                                     "j_min": min(js), "j_max": max(js)}
    hi = [i + 1 for i, t in enumerate(truth) if t["j"] >= 0.9]
    out["recall_j_ge_0.9"] = sum(
        1 for r in hi if found.get(r) == truth[r - 1]["train"]) / len(hi)
    print(json.dumps(out, indent=1))


if sys.argv[1] == "gen":
    gen(sys.argv[2], int(sys.argv[3]))
else:
    score(sys.argv[2], sys.argv[3])
