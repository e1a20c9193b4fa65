#!/usr/bin/env python3
"""evaluate.py: precision and recall of auditor, per entity, on the
labelled set that gen_eval.py writes.

Usage:
  evaluate.py [--auditor PATH] [--seed N | --data DIR] [--examples N]
              [--write-expected] [--check] [--expected FILE]

It generates the set (or takes DIR from gen_eval.py), runs the real auditor
binary as a subprocess ("auditor scan") into a temporary SQLite database
with a fixed AUDITOR_HASH_KEY, reads the findings table with sqlite3 and
matches findings to labels:

  - a finding and a label match when they are in the same record and field,
    have the same entity (after ENTITY_ALIASES) and their byte spans
    overlap;
  - findings with evidence 'placeholder' are ignored: they are neither true
    nor false positives (a positive found only as a placeholder is missed);
  - a positive label matched by a finding is a TP, otherwise a FN; a finding
    that matches no positive label is a FP, except when it lies on a label
    of an entity that TOLERATED allows to overlap (then it is not counted);
  - a placeholder label (documentation value) must be reported with
    evidence 'placeholder' or not at all: a finding of its entity with any
    other evidence on it counts as a FP (and in the PH-bad column);
  - several findings on one positive label count once (the extra ones are
    shown as "dup").

Targets (issue #3): precision and recall >= 0.98 for entities whose
validator checks a real checksum (CHECKSUM_ENTITIES below), >= 0.95 for
the others.

--write-expected pins the per-entity TP/FP/FN counts in expected.tsv with
a gate column (1 when the entity meets its target now). --check compares
the run with expected.tsv and exits 1 when a count differs or a gated
entity misses its target; entities missing their target but not gated are
listed as warnings.
"""
import argparse
import collections
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # importing gen_eval leaves no __pycache__

HASH_KEY = "eval-fixed-hash-key-0123456789"

# Entities whose pattern has a validator with a real check digit or
# checksum (Luhn, mod 97, Verhoeff, mod 11 variants, ISO 7064, Base58Check
# and Bech32, CRC-32 of GitHub and npm tokens). Target 0.98; others 0.95.
CHECKSUM_ENTITIES = {
    "CREDIT_CARD", "IBAN_CODE", "CRYPTO", "UK_NHS", "CA_SIN", "ES_NIF",
    "ES_NIE", "IT_FISCAL_CODE", "FR_NIR", "DE_TAX_ID", "NL_BSN", "PL_PESEL",
    "SE_PERSONNUMMER", "FI_PERSONAL_IDENTITY_CODE", "IN_AADHAAR", "AU_TFN",
    "AU_ABN", "AU_MEDICARE", "SG_NRIC_FIN", "BR_CPF", "CN_RESIDENT_ID",
    "KR_RRN", "ZA_ID", "BR_CNPJ", "GITHUB_TOKEN", "NPM_TOKEN",
}
TARGET_CHECKSUM = 0.98
TARGET_OTHER = 0.95

# auditor's entity name -> the name used in labels, where they differ.
ENTITY_ALIASES = {
    "SLACK_WEBHOOK_URL": "SLACK_WEBHOOK",
    "OPENAI_KEY": "OPENAI_API_KEY",
    "STRIPE_API_KEY": "STRIPE_KEY",
    "STRIPE_SECRET_KEY": "STRIPE_KEY",
    "AWS_SECRET_ACCESS_KEY": "AWS_SECRET_KEY",
    "AWS_ACCESS_KEY_ID": "AWS_ACCESS_KEY",
    "GITLAB_PAT": "GITLAB_TOKEN",
    "SENDGRID_KEY": "SENDGRID_API_KEY",
    "TWILIO_KEY": "TWILIO_API_KEY",
    "PASSWORD": "GENERIC_SECRET",
}

# Not personal data: auditor counts redaction markers left by earlier
# scrubbers ("[REDACTED]", "<EMAIL>") per field; they are not scored here.
IGNORED_ENTITIES = {"REDACTION_MARKER"}

# (finding entity, label entity): a finding of the first on a label of the
# second is not counted at all. A generic password/secret/token assignment
# rule legitimately fires on the value of a specific secret assigned to
# such a name, and a connection string's password is a generic secret too.
SECRETS = {"ANTHROPIC_API_KEY", "AWS_ACCESS_KEY", "AWS_SECRET_KEY",
           "GITHUB_TOKEN", "SLACK_TOKEN", "SLACK_WEBHOOK", "STRIPE_KEY",
           "GOOGLE_API_KEY", "OPENAI_API_KEY", "NPM_TOKEN", "JWT",
           "URL_CREDENTIALS", "GITLAB_TOKEN", "SENDGRID_API_KEY",
           "TWILIO_API_KEY"}
TOLERATED = {("GENERIC_SECRET", e) for e in SECRETS} | \
    {("URL_CREDENTIALS", "GENERIC_SECRET")}


def target(entity):
    return TARGET_CHECKSUM if entity in CHECKSUM_ENTITIES else TARGET_OTHER


def read_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            rec, field, ent, start, length, kind = \
                line.rstrip("\n").split("\t")
            rows.append((int(rec), field, ent, int(start), int(length),
                         kind))
    return rows


def known_entities(auditor):
    """Entities of the loaded pattern set, from 'auditor patterns list'."""
    out = subprocess.run([auditor, "patterns", "list"], check=True,
                         capture_output=True, text=True).stdout
    ents = set()
    for line in out.splitlines()[1:]:
        if line[:1].strip() and len(line.split()) > 1:
            ents.add(ENTITY_ALIASES.get(line.split()[1], line.split()[1]))
    return ents


def scan(auditor, data, db):
    env = dict(os.environ, AUDITOR_HASH_KEY=HASH_KEY)
    p = subprocess.run([auditor, "scan", "--quiet", "--db", db, data],
                       env=env, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit("evaluate.py: auditor scan failed (exit %d):\n%s"
                 % (p.returncode, p.stderr))
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT record, field, entity, byte_offset, length, evidence,"
        " pattern_id, masked FROM findings ORDER BY record, byte_offset"
    ).fetchall()
    con.close()
    return [(rec, field, ENTITY_ALIASES.get(ent, ent), off, ln, ev, pid, m)
            for rec, field, ent, off, ln, ev, pid, m in rows
            if ent not in IGNORED_ENTITIES]


def overlaps(a0, alen, b0, blen):
    return a0 < b0 + blen and b0 < a0 + alen


def string_starts(line):
    """{path: offset after the opening quote} of every string value in a
    JSON object line, with paths named as auditor names fields."""
    out, i = {}, [0]

    def ws():
        while i[0] < len(line) and line[i[0]] in b" \t\r\n":
            i[0] += 1

    def string():
        j = start = i[0] + 1
        while line[j] != 0x22:
            j += 2 if line[j] == 0x5c else 1
        i[0] = j + 1
        return start, json.loads(line[start - 1:j + 1])

    def value(path):
        ws()
        c = line[i[0]]
        if c == 0x7b or c == 0x5b:       # { or [
            i[0] += 1
            k = 0
            while True:
                ws()
                if line[i[0]] in b"}]":
                    i[0] += 1
                    return
                if c == 0x7b:
                    _, key = string()
                    ws()
                    i[0] += 1             # :
                    value(path + "." + key if path else key)
                else:
                    value("%s[%d]" % (path, k))
                    k += 1
                ws()
                if line[i[0]] == 0x2c:   # ,
                    i[0] += 1
        elif c == 0x22:
            out[path] = string()[0]
        else:
            while i[0] < len(line) and line[i[0]] not in b",}] \t":
                i[0] += 1

    value("")
    return out


def label_text(data, line_starts, lab):
    """The decoded bytes a label covers (exact even after escapes)."""
    rec, field, _, start, length = lab[:5]
    line = data[line_starts[rec - 1]:line_starts[rec] - 1]
    try:
        voff = string_starts(line)[field]
        obj = json.loads(line)
        for part in field.replace("[", ".[").split("."):
            obj = obj[int(part[1:-1])] if part.startswith("[") else obj[part]
        pos = start - line_starts[rec - 1] - voff
        return obj.encode("utf-8")[pos:pos + length]
    except (KeyError, IndexError, ValueError, TypeError):
        return data[start:start + length]


def mask(b):
    """A short preview of label text: first two and last two characters."""
    s = b.decode("utf-8", "replace")
    if len(s) <= 6:
        return s[0] + "*" * (len(s) - 1)
    return s[:2] + "".join("*" if c.isalnum() else c for c in s[2:-2]) + \
        s[-2:]


def evaluate(labels, negatives, findings):
    """Per-entity counts and examples."""
    by_place = collections.defaultdict(list)
    for lab in labels:
        by_place[(lab[0], lab[1])].append(lab)
    neg_place = collections.defaultdict(list)
    for n in negatives:
        neg_place[(n[0], n[1])].append(n)

    st = collections.defaultdict(lambda: collections.Counter())
    fp_ex = collections.defaultdict(list)
    fn_ex = collections.defaultdict(list)
    hit, as_placeholder = set(), set()
    for f in findings:
        rec, field, ent, off, ln, ev, pid, masked = f
        if ev == "placeholder":
            for lab in by_place.get((rec, field), ()):
                if lab[2] == ent and overlaps(off, ln, lab[3], lab[4]):
                    as_placeholder.add(lab)
            continue
        cands = [lab for lab in by_place.get((rec, field), ())
                 if overlaps(off, ln, lab[3], lab[4])]
        pos = [lab for lab in cands if lab[2] == ent and
               lab[5].startswith("pos:")]
        ph = [lab for lab in cands if lab[2] == ent and
              lab[5].startswith("placeholder:")]
        if pos:
            for lab in pos:
                if lab in hit:
                    st[ent]["dup"] += 1
                hit.add(lab)
            continue
        if any((ent, lab[2]) in TOLERATED for lab in cands):
            st[ent]["tolerated"] += 1
            continue
        st[ent]["fp"] += 1
        if ph:
            st[ent]["ph_bad"] += 1
            why = "placeholder " + ph[0][5].split(":")[1]
        else:
            why = ""
            for lab in cands:
                why = "on %s %s" % (lab[2], lab[5])
                break
            for n in neg_place.get((rec, field), ()):
                if overlaps(off, ln, n[3], n[4]):
                    why = "near miss %s %s" % (n[2], n[5].split(":")[1])
                    break
        fp_ex[ent].append((rec, field, masked, pid, why))
    for lab in labels:
        ent = lab[2]
        if lab[5].startswith("placeholder:"):
            st[ent]["ph"] += 1
            continue
        st[ent]["pos"] += 1
        if lab in hit:
            st[ent]["tp"] += 1
        else:
            st[ent]["fn"] += 1
            fn_ex[ent].append(lab + (lab in as_placeholder,))
    return st, fp_ex, fn_ex


def ratio(a, b):
    return a / b if b else None


def fmt(x):
    return "   -" if x is None else "%.3f" % x


def results(st, known):
    out = {}
    for ent in sorted(st):
        c = st[ent]
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        p, rc = ratio(tp, tp + fp), ratio(tp, tp + fn)
        t = target(ent)
        meets = p is not None and rc is not None and p >= t and rc >= t
        out[ent] = dict(tp=tp, fp=fp, fn=fn, p=p, r=rc, t=t, meets=meets,
                        ph=c["ph"], ph_bad=c["ph_bad"], dup=c["dup"],
                        tol=c["tolerated"], known=ent in known)
    return out


def print_table(res, gates):
    print("%-27s %5s %5s %5s %6s %6s %6s %-4s %4s %-7s %s" %
          ("entity", "TP", "FP", "FN", "prec", "recall", "target", "met",
           "gate", "PH/bad", "note"))
    tot = collections.Counter()
    for ent, x in res.items():
        note = []
        if not x["known"]:
            note.append("not detected (no pattern)")
        if x["dup"]:
            note.append("dup %d" % x["dup"])
        if x["tol"]:
            note.append("tolerated %d" % x["tol"])
        ph = "%d/%d" % (x["ph"], x["ph_bad"]) if x["ph"] or x["ph_bad"] \
            else "-"
        print("%-27s %5d %5d %5d %6s %6s %6.2f %-4s %4s %-7s %s" %
              (ent, x["tp"], x["fp"], x["fn"], fmt(x["p"]), fmt(x["r"]),
               x["t"], "yes" if x["meets"] else "NO",
               gates.get(ent, "-"), ph, ", ".join(note)))
        for k in ("tp", "fp", "fn"):
            tot[k] += x[k]
    print("%-27s %5d %5d %5d %6s %6s" %
          ("ALL (micro)", tot["tp"], tot["fp"], tot["fn"],
           fmt(ratio(tot["tp"], tot["tp"] + tot["fp"])),
           fmt(ratio(tot["tp"], tot["tp"] + tot["fn"]))))


def reason(why):
    """The cause of a FP, for counting: 'near miss US_SSN area-9xx', 'on
    UK_NHS positive', 'placeholder ofcom-drama'."""
    if not why:
        return "unlabelled text"
    if why.startswith("on "):
        ent, kind = why[3:].split(" ", 1)
        return "on %s %s" % (ent, "positive" if kind.startswith("pos:")
                             else "placeholder")
    return why


def print_examples(res, fp_ex, fn_ex, data, n):
    if n <= 0:
        return
    line_starts, k = [0], data.find(b"\n")
    while k >= 0:
        line_starts.append(k + 1)
        k = data.find(b"\n", k + 1)
    shown = False
    for ent, x in res.items():
        if not x["known"] or (not fp_ex.get(ent) and not fn_ex.get(ent)):
            continue
        if not shown:
            print("\nExamples (record, field, masked value; regenerate the "
                  "set to see the line):")
            shown = True
        print("%s:" % ent)
        for rec, field, masked, pid, why in fp_ex.get(ent, [])[:n]:
            print("  FP rec %d %s: %s [%s]%s" % (rec, field, masked, pid,
                                                 " " + why if why else ""))
        fps = fp_ex.get(ent, [])
        if len(fps) > n:
            why = collections.Counter(reason(x[4]) for x in fps)
            print("  FP by cause: " + ", ".join("%s %d" % kv for kv in
                                                why.most_common()))
        fns = fn_ex.get(ent, [])
        variants = collections.Counter(lab[5] for lab in fns)
        for lab in fns[:n]:
            print("  FN rec %d %s: %s (%s)%s" % (
                lab[0], lab[1], mask(label_text(data, line_starts, lab)),
                lab[5],
                " reported as placeholder" if lab[6] else ""))
        if len(variants) > 1 or len(fns) > n:
            print("  FN by kind: " + ", ".join("%s %d" % kv for kv in
                                               variants.most_common()))


def read_expected(path):
    exp, seed = {}, None
    with open(path) as f:
        for line in f:
            if line.startswith("# seed"):
                seed = int(line.split()[2])
            if line.startswith("#") or not line.strip():
                continue
            ent, tp, fp, fn, gate = line.split()
            exp[ent] = (int(tp), int(fp), int(fn), int(gate))
    return exp, seed


def write_expected(path, res, seed):
    with open(path, "w") as f:
        f.write("# seed %d\n" % seed)
        f.write("# Pinned per-entity counts of tests/eval/evaluate.py on the "
                "set gen_eval.py --seed %d\n" % seed)
        f.write("# writes. gate 1: the entity met its target when pinned "
                "and must keep meeting it.\n")
        f.write("# Re-pin: python3 tests/eval/evaluate.py --auditor "
                "build/auditor --write-expected\n")
        f.write("#entity\ttp\tfp\tfn\tgate\n")
        for ent, x in res.items():
            f.write("%s\t%d\t%d\t%d\t%d\n" % (ent, x["tp"], x["fp"], x["fn"],
                                              1 if x["meets"] else 0))


def check(res, exp):
    errors, warnings = [], []
    for ent in sorted(set(res) | set(exp)):
        got = res.get(ent)
        want = exp.get(ent)
        g = (got["tp"], got["fp"], got["fn"]) if got else (0, 0, 0)
        if want is None:
            errors.append("%s: not pinned (TP %d FP %d FN %d)" % ((ent,) + g))
            continue
        if g != want[:3]:
            errors.append("%s: TP/FP/FN %d/%d/%d, pinned %d/%d/%d" %
                          ((ent,) + g + want[:3]))
        if got and not got["meets"]:
            msg = "%s: precision %s recall %s below target %.2f" % (
                ent, fmt(got["p"]), fmt(got["r"]), got["t"])
            (errors if want[3] else warnings).append(
                msg + ("" if want[3] else " (not gated)"))
    return errors, warnings


def main():
    ap = argparse.ArgumentParser(
        description="Precision and recall of auditor per entity on the "
        "labelled set of gen_eval.py.")
    ap.add_argument("--auditor", default=os.environ.get("AUDITOR") or
                    os.path.join(ROOT, "build", "auditor"))
    ap.add_argument("--seed", type=int, default=None,
                    help="generate the set with this seed (default: the "
                    "seed pinned in expected.tsv, else 1)")
    ap.add_argument("--data", help="use the set gen_eval.py wrote to DIR")
    ap.add_argument("--expected", default=os.path.join(HERE, "expected.tsv"))
    ap.add_argument("--write-expected", action="store_true")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--examples", type=int, default=3,
                    help="false positives/negatives shown per entity")
    a = ap.parse_args()

    if not os.access(a.auditor, os.X_OK):
        sys.exit("evaluate.py: no auditor binary at %s (use --auditor)"
                 % a.auditor)
    exp, exp_seed = ({}, None)
    if os.path.exists(a.expected):
        exp, exp_seed = read_expected(a.expected)
    tmp = tempfile.mkdtemp(prefix="auditor-eval.")
    try:
        if a.data:
            data_dir = a.data
            with open(os.path.join(data_dir, "meta.json")) as f:
                seed = json.load(f)["seed"]
        else:
            import gen_eval
            seed = a.seed if a.seed is not None else (exp_seed or 1)
            data_dir = os.path.join(tmp, "set")
            gen_eval.write(seed, data_dir)
        path = os.path.join(data_dir, "eval.jsonl")
        labels = read_tsv(os.path.join(data_dir, "labels.tsv"))
        negatives = read_tsv(os.path.join(data_dir, "negatives.tsv"))
        findings = scan(a.auditor, path, os.path.join(tmp, "eval.db"))
        with open(path, "rb") as f:
            data = f.read()
        known = known_entities(a.auditor)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    st, fp_ex, fn_ex = evaluate(labels, negatives, findings)
    res = results(st, known)
    gates = {e: w[3] for e, w in exp.items()}
    print("auditor %s, set seed %d: %d labels, %d near misses, %d findings"
          % (a.auditor, seed, len(labels), len(negatives), len(findings)))
    print_table(res, gates)
    print_examples(res, fp_ex, fn_ex, data, a.examples)

    rc = 0
    if a.write_expected:
        write_expected(a.expected, res, seed)
        print("\nwrote %s" % a.expected)
    if a.check:
        if not exp:
            print("\ncheck: %s is missing or empty" % a.expected)
            return 1
        if exp_seed is not None and exp_seed != seed:
            print("\ncheck: set seed %d, expected.tsv pinned seed %d"
                  % (seed, exp_seed))
            return 1
        errors, warnings = check(res, exp)
        for w in warnings:
            print("warning: " + w)
        for e in errors:
            print("check: " + e)
        if errors:
            print("check FAILED: %d difference(s); if the change is wanted, "
                  "re-pin with --write-expected" % len(errors))
            rc = 1
        else:
            print("check passed: counts equal %s, gated targets met"
                  % a.expected)
    return rc


if __name__ == "__main__":
    sys.exit(main())
