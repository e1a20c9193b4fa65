#!/usr/bin/env python3
"""Writes deterministic JSONL of realistic-looking prose to stdout.

Usage: gen_jsonl.py MEGABYTES [SEED]

About one record in twenty holds a piece of personal data or a secret
(email, phone, card, SSN, IP, IBAN, AWS key id); the rest is prose made of
common English words. The same seed always gives the same bytes.
"""
import random
import sys

WORDS = ("the of and to in is was that for on with as by at from this be "
         "are have not or which an they one had but were all their there "
         "been if more when will would who so no data model training "
         "dataset record value field shard text language people time year "
         "work government system program question during number world "
         "school state family group country problem hand part place case "
         "week company where point home water room mother area money story "
         "fact month lot right study book eye job word business issue side "
         "kind head house service friend father power hour game line end "
         "member law car city community name president team minute idea "
         "kid body information back parent face others level office door "
         "health person art war history party result change morning reason "
         "research girl guy moment air teacher force education").split()


def luhn_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def pii(r):
    k = r.randrange(7)
    if k == 0:
        return "%s.%s%d@%s.com" % (r.choice(WORDS), r.choice(WORDS),
                                   r.randrange(100), r.choice(WORDS))
    if k == 1:
        return "(%d) %d-%04d" % (r.randrange(201, 989), r.randrange(201, 999),
                                 r.randrange(10000))
    if k == 2:
        body = "4" + "".join(str(r.randrange(10)) for _ in range(14))
        c = body + luhn_digit(body)
        return " ".join(c[i:i + 4] for i in range(0, 16, 4))
    if k == 3:
        return "%03d-%02d-%04d" % (r.randrange(1, 666), r.randrange(1, 100),
                                   r.randrange(1, 10000))
    if k == 4:
        return "%d.%d.%d.%d" % (r.randrange(1, 224), r.randrange(256),
                                r.randrange(256), r.randrange(1, 255))
    if k == 5:
        bban = "".join(str(r.randrange(10)) for _ in range(18))
        n = int(bban + "131400")  # D=13 E=14, check digits 00
        return "DE%02d%s" % (98 - n % 97, bban)
    return "AKIA" + "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
                            for _ in range(16))


def main():
    megabytes = float(sys.argv[1])
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    r = random.Random(seed)
    limit = int(megabytes * 1e6)
    out = sys.stdout
    written = 0
    i = 0
    chunk = []
    while written < limit:
        i += 1
        n = r.randrange(20, 200)
        text = " ".join(r.choice(WORDS) for _ in range(n))
        if i % 20 == 0:
            pos = r.randrange(len(text))
            text = text[:pos] + " " + pii(r) + " " + text[pos:]
        line = ('{"id":%d,"url":"https://example.net/%d","text":"%s",'
                '"meta":{"lang":"en","tokens":%d}}\n' % (i, i, text, n))
        chunk.append(line)
        written += len(line)
        if len(chunk) >= 1000:
            out.write("".join(chunk))
            chunk = []
    out.write("".join(chunk))


if __name__ == "__main__":
    main()
