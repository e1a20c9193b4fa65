#!/usr/bin/python3
"""Generates train and test splits for the overlap CLI tests.

Rows hold a text and a label. Texts are short sentences over a small
vocabulary (so some repeat by chance) in Latin, Greek and Cyrillic; test
rows are partly train texts rewritten in another case, with other white
space (tabs, no-break and ideographic spaces, runs, leading and
trailing), partly new. Some rows have an empty text, some JSON rows no
text at all.

usage: gen.py SEED DIR  -> DIR/train1.csv DIR/train2.jsonl
                           DIR/test1.jsonl DIR/test2.csv
"""
import csv
import json
import random
import sys

seed, d = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(seed)
VOCAB = ("alpha beta gamma delta straße STRASSE Ærø "
         "ΣΊΣΥΦΟΣ σίσυφος ΟΔΟΣ Привет МИР ёлка Ёж "
         "data model train test leak").split()
SPACES = [" ", "  ", "\t", "\u00a0", "\u3000", " \u2003 "]


def sentence():
    return " ".join(rnd.choice(VOCAB) for _ in range(rnd.randint(1, 4)))


def disguise(t):
    words = t.split(" ")
    words = [w.upper() if rnd.random() < 0.3 else
             w.title() if rnd.random() < 0.3 else w for w in words]
    out = rnd.choice(["", " ", "\t "])
    for i, w in enumerate(words):
        out += (rnd.choice(SPACES) if i else "") + w
    return out + rnd.choice(["", " ", "\u00a0"])


train = [sentence() for _ in range(700)]
test = []
for _ in range(300):
    if rnd.random() < 0.4:
        test.append(disguise(rnd.choice(train)))
    else:
        test.append(sentence())
for lst in (train, test):
    for i in rnd.sample(range(len(lst)), 8):
        lst[i] = rnd.choice(["", "  ", "\u00a0"])


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["text", "label"])
        for t in rows:
            w.writerow([t, rnd.choice(["a", "b"])])


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for t in rows:
            obj = {"text": t, "label": rnd.choice(["a", "b"])}
            if rnd.random() < 0.02:
                del obj["text"]
            f.write(json.dumps(obj, ensure_ascii=rnd.random() < 0.5) + "\n")


write_csv(d + "/train1.csv", train[:400])
write_jsonl(d + "/train2.jsonl", train[400:])
write_jsonl(d + "/test1.jsonl", test[:200])
write_csv(d + "/test2.csv", test[200:])
