#!/usr/bin/env python3
"""gen_eval.py: writes auditor's labelled evaluation set.

Usage: gen_eval.py [--seed N] [--out DIR]

Writes four files to DIR (default: the current directory):

  eval.jsonl      JSON Lines records: prose in "text", chat turns in
                  "messages[i].content", customer objects ("customer.email",
                  "customer.ssn", ...), configuration files in "content" and
                  log lines in "log". Positives (real-looking values of every
                  entity, in the formatting variants real text has, with or
                  without context words), near-miss negatives (wrong check
                  digits, impossible dates and ranges, look-alikes such as
                  ISBNs, order numbers, timestamps, version strings, UUIDs,
                  git hashes) and documentation placeholders are embedded in
                  it.
  labels.tsv      one row per positive and per placeholder:
                  record  field  entity  start  length  kind
                  record is the 1-based line, field the JSON path as auditor
                  names it, start the byte offset in the decoded stream
                  computed as auditor does (offset of the value's first raw
                  byte after its opening quote, plus the offset inside the
                  decoded value), length in bytes of the decoded value. kind
                  is CLASS:VARIANT:CONTEXT, CLASS being "pos" or
                  "placeholder", CONTEXT "ctx" (a context word in the text),
                  "field" (the field name is the context) or "none".
  negatives.tsv   the same columns for every near-miss negative (CLASS
                  "neg"; entity is the entity it imitates, or "-" for a
                  generic look-alike). Used only to explain false positives.
  meta.json       the seed and the generator version.

Only the Python standard library is used. The output depends only on the
seed. Every check digit is computed here, by implementations written from
the published rules (cited above each), never by calling auditor; each is
checked against a published example when the module loads.
"""
import argparse
import base64
import hashlib
import json
import os
import random
import sys
import zlib

GENERATOR_VERSION = 1
POSITIVES_PER_ENTITY = 200

DIGITS = "0123456789"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = "abcdefghijklmnopqrstuvwxyz"
ALNUM = DIGITS + UPPER + LOWER
HEX = "0123456789abcdef"

# --------------------------------------------------------------------------
# Check digits, each from its published rule.
# --------------------------------------------------------------------------


def luhn_ok(s):
    """Luhn (ISO/IEC 7812-1 annex B) over the digits of s."""
    total = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_digit(body):
    for c in DIGITS:
        if luhn_ok(body + c):
            return c
    raise AssertionError


def iban_mod97(s):
    """ISO 13616-1 / ISO 7064 MOD 97-10: rearranged IBAN as an integer."""
    t = s[4:] + s[:4]
    n = "".join(str(int(c, 36)) for c in t)
    return int(n) % 97


def iban_make(country, bban):
    chk = 98 - iban_mod97(country + "00" + bban)
    return "%s%02d%s" % (country, chk, bban)


# Verhoeff (J. Verhoeff, 1969): the dihedral group D5 and the permutation
# (1 5 7 6 2 8 3 0 9 4) applied i times at position i.
def _d5(j, k):
    if j < 5 and k < 5:
        return (j + k) % 5
    if j < 5:
        return 5 + (j + k) % 5
    if k < 5:
        return 5 + (j - k) % 5
    return (j - k) % 5


VERHOEFF_P = [list(range(10))]
for _i in range(7):
    VERHOEFF_P.append([[1, 5, 7, 6, 2, 8, 3, 0, 9, 4][x]
                       for x in VERHOEFF_P[-1]])
VERHOEFF_INV = [next(k for k in range(10) if _d5(j, k) == 0)
                for j in range(10)]


def verhoeff_ok(s):
    c = 0
    for i, ch in enumerate(reversed(s)):
        c = _d5(c, VERHOEFF_P[i % 8][int(ch)])
    return c == 0


def verhoeff_digit(body):
    c = 0
    for i, ch in enumerate(reversed(body)):
        c = _d5(c, VERHOEFF_P[(i + 1) % 8][int(ch)])
    return str(VERHOEFF_INV[c])


def nhs_digit(body9):
    """NHS Data Dictionary, NHS NUMBER: weights 10..2, 11 - sum mod 11;
    11 gives 0, 10 means the number is never issued (None)."""
    s = sum(int(c) * w for c, w in zip(body9, range(10, 1, -1)))
    r = 11 - s % 11
    if r == 11:
        return "0"
    if r == 10:
        return None
    return str(r)


NIF_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def nif_letter(num):
    """Spain, Real Decreto 1553/2005 (DNI) / Orden INT/2058/2008 (NIE):
    number mod 23 indexes TRWAGMYFPDXBNJZSQVHLCKE; NIE X/Y/Z count 0/1/2."""
    return NIF_LETTERS[int(num) % 23]


IT_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                  [1, 0, 5, 7, 9, 13, 15, 17, 19, 21,
                   1, 0, 5, 7, 9, 13, 15, 17, 19, 21,
                   2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25,
                   24, 23]))
IT_MONTHS = "ABCDEHLMPRST"


def it_check(body15):
    """Italy, DM 23/12/1976 (codice fiscale): odd positions (1st, 3rd...)
    through the odd table, even positions as 0-9 / A-Z = 0-25, mod 26."""
    s = 0
    for i, c in enumerate(body15):
        if i % 2 == 0:
            s += IT_ODD[c]
        else:
            s += int(c) if c.isdigit() else ord(c) - 65
    return chr(65 + s % 26)


def nir_key(body13):
    """France, INSEE NIR: key = 97 - (13 digits mod 97); Corsica 2A/2B
    count as 19/18."""
    b = body13.replace("2A", "19").replace("2B", "18")
    return "%02d" % (97 - int(b) % 97)


def de_taxid_digit(body10):
    """Germany, Steuer-IdNr (BZSt): ISO/IEC 7064 MOD 11,10."""
    product = 10
    for c in body10:
        s = (int(c) + product) % 10
        if s == 0:
            s = 10
        product = (s * 2) % 11
    chk = 11 - product
    return "0" if chk == 10 else str(chk)


def de_taxid_digits_ok(body10):
    """Since 2016: in the first ten digits exactly one digit occurs two or
    three times (three times not all adjacent), the first is not 0."""
    if body10[0] == "0":
        return False
    counts = sorted((body10.count(c) for c in set(body10)), reverse=True)
    if counts[0] == 2:
        return counts.count(2) == 1
    if counts[0] == 3:
        return counts.count(3) == 1 and counts.count(2) == 0 and \
            not any(body10[i] == body10[i + 1] == body10[i + 2]
                    for i in range(8))
    return False


def bsn_ok(s9):
    """Netherlands BSN, "elfproef": 9*d1 + 8*d2 + ... + 2*d8 - d9 is a
    multiple of 11 (and not 0)."""
    s = sum(int(c) * w for c, w in zip(s9[:8], range(9, 1, -1)))
    s -= int(s9[8])
    return s % 11 == 0 and s != 0


def pesel_digit(body10):
    """Poland, PESEL (Ustawa o ewidencji ludnosci): weights 1 3 7 9."""
    w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
    return str((10 - sum(int(c) * x for c, x in zip(body10, w)) % 10) % 10)


FI_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def fi_check(ddmmyy, zzz):
    """Finland, henkilotunnus (Act 128/2010, DVV): int(DDMMYYZZZ) mod 31."""
    return FI_CHECK[int(ddmmyy + zzz) % 31]


def tfn_ok(s):
    """Australia TFN (ATO): weights 1 4 3 7 5 8 6 9 10, sum mod 11 = 0."""
    w = [1, 4, 3, 7, 5, 8, 6, 9, 10]
    return sum(int(c) * x for c, x in zip(s, w)) % 11 == 0


def abn_ok(s):
    """Australia ABN (ABR): subtract 1 from the first digit, weights 10 1 3
    5 7 9 11 13 15 17 19, sum mod 89 = 0."""
    w = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]
    d = [int(c) for c in s]
    d[0] -= 1
    return sum(a * b for a, b in zip(d, w)) % 89 == 0


def medicare_digit(body8):
    """Australia Medicare card: weights 1 3 7 9 1 3 7 9, sum mod 10."""
    w = [1, 3, 7, 9, 1, 3, 7, 9]
    return str(sum(int(c) * x for c, x in zip(body8, w)) % 10)


def nric_letter(prefix, digits7):
    """Singapore NRIC/FIN (ICA): weights 2 7 6 5 4 3 2, +4 for T and G;
    S/T index JZIHGFEDCBA, F/G index XWUTRQPNMLK."""
    s = sum(int(c) * w for c, w in zip(digits7, [2, 7, 6, 5, 4, 3, 2]))
    if prefix in "TG":
        s += 4
    table = "JZIHGFEDCBA" if prefix in "ST" else "XWUTRQPNMLK"
    return table[s % 11]


def cpf_digits(body9):
    """Brazil CPF (Receita Federal): two mod-11 digits, weights 10..2 then
    11..2; a remainder of 10 gives 0."""
    s = sum(int(c) * w for c, w in zip(body9, range(10, 1, -1)))
    d1 = (s * 10) % 11 % 10
    s = sum(int(c) * w for c, w in zip(body9 + str(d1), range(11, 1, -1)))
    d2 = (s * 10) % 11 % 10
    return "%d%d" % (d1, d2)


def cnpj_digits(body12):
    """Brazil CNPJ (Receita Federal, IN RFB 2119/2022 annex): two mod-11
    digits, weights 5..2,9..2 then 6..2,9..2; remainder < 2 gives 0."""
    def dig(b, w):
        r = sum(int(c) * x for c, x in zip(b, w)) % 11
        return 0 if r < 2 else 11 - r
    d1 = dig(body12, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])
    d2 = dig(body12 + str(d1), [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2])
    return "%d%d" % (d1, d2)


def cn_check(body17):
    """China, GB 11643-1999: ISO 7064 MOD 11-2, weights 2^(17-i) mod 11."""
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * x for c, x in zip(body17, w)) % 11]


def rrn_digit(body12):
    """Korea RRN (before October 2020): weights 2..9,2..5,
    (11 - sum mod 11) mod 10."""
    w = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    return str((11 - sum(int(c) * x for c, x in zip(body12, w)) % 11) % 10)


def isbn13_digit(body12):
    s = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body12))
    return str((10 - s % 10) % 10)


def isbn10_digit(body9):
    s = sum(int(c) * w for c, w in zip(body9, range(10, 1, -1)))
    r = (11 - s % 11) % 11
    return "X" if r == 10 else str(r)


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58check(payload):
    """Bitcoin Base58Check: payload + first 4 bytes of SHA256(SHA256())."""
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()
                                    ).digest()[:4]
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def b58check_ok(s):
    n = 0
    for c in s:
        n = n * 58 + B58.index(c)
    pad = len(s) - len(s.lstrip("1"))
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    data = b"\0" * pad + raw
    if len(data) < 5:
        return False
    return hashlib.sha256(hashlib.sha256(data[:-4]).digest()
                          ).digest()[:4] == data[-4:]


BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_polymod(values):
    """BIP 173: the BCH code's generator polynomial."""
    gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1ffffff) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= gen[i]
    return chk


def _hrp_expand(hrp):
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def bech32_address(hrp, witver, program):
    """BIP 173 segwit address (version 0, Bech32 constant 1)."""
    acc = bits = 0
    data = [witver]
    for b in program:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    pm = _bech32_polymod(_hrp_expand(hrp) + data + [0] * 6) ^ 1
    chk = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[d] for d in data + chk)


def bech32_ok(addr):
    hrp, _, rest = addr.lower().rpartition("1")
    try:
        data = [BECH32.index(c) for c in rest]
    except ValueError:
        return False
    return _bech32_polymod(_hrp_expand(hrp) + data) == 1


def base62_crc(body):
    """GitHub / npm token checksum (GitHub blog, 2021-04-05 "Behind
    GitHub's new authentication token formats"): CRC-32 of the random part
    in base 62 (0-9A-Za-z), left-padded with 0 to 6 characters."""
    n = zlib.crc32(body.encode()) & 0xffffffff
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = ALNUM[r] + out
    return out.rjust(6, "0")


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _selftest():
    """Published examples: each implementation must accept them."""
    assert luhn_ok("79927398713") and luhn_ok("4111111111111111")
    assert not luhn_ok("79927398710")
    assert iban_mod97("GB82WEST12345698765432") == 1
    assert iban_mod97("DE89370400440532013000") == 1
    assert verhoeff_digit("236") == "3" and verhoeff_ok("2363")
    assert not verhoeff_ok("2364")
    assert nhs_digit("943476591") == "9"
    assert luhn_ok("046454286")
    assert nif_letter("12345678") == "Z"
    assert nif_letter("01234567") == "L"          # NIE X1234567L
    assert it_check("RSSMRA85T10A562") == "S"
    assert nir_key("2550814168025") == "38"
    assert de_taxid_digit("8609574271") == "9"
    assert bsn_ok("111222333")
    assert pesel_digit("4405140135") == "9"
    assert luhn_ok("8112289874")
    assert fi_check("131052", "308") == "T"
    assert tfn_ok("123456782")
    assert abn_ok("51824753556")
    assert medicare_digit("21234567") == "0"
    assert nric_letter("S", "1234567") == "D"
    assert cpf_digits("529982247") == "25"
    assert cn_check("11010519491231002") == "X"
    assert cnpj_digits("112223330001") == "81"
    assert luhn_ok("8001015009087")
    assert isbn13_digit("978316148410") == "0"
    assert isbn10_digit("030640615") == "2"
    assert b58check(b"\0" * 21) == "1111111111111111111114oLvT2"
    prog = bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6")
    assert bech32_address("bc", 0, prog) == \
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    assert bech32_ok("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4")


_selftest()

# --------------------------------------------------------------------------
# Small helpers.
# --------------------------------------------------------------------------


def rd(r, n, first=DIGITS):
    return r.choice(first) + "".join(r.choice(DIGITS) for _ in range(n - 1))


def rs(r, n, alphabet):
    return "".join(r.choice(alphabet) for _ in range(n))


def alter_digit(r, s, positions=None):
    """s with one digit (at one of positions, default any) replaced by a
    different digit."""
    idx = [i for i, c in enumerate(s) if c.isdigit()]
    if positions is not None:
        idx = [idx[p] for p in positions]
    i = r.choice(idx)
    c = r.choice([d for d in DIGITS if d != s[i]])
    return s[:i] + c + s[i + 1:]


def group(s, sizes, sep):
    out, i = [], 0
    for n in sizes:
        if i < len(s):
            out.append(s[i:i + n])
        i += n
    if i < len(s):
        out.append(s[i:])
    return sep.join(out)


def rdate(r, y0=1940, y1=2005):
    y = r.randint(y0, y1)
    m = r.randint(1, 12)
    d = r.randint(1, 28)
    return y, m, d


FIRST = ["james", "maria", "wei", "fatima", "olga", "lucas", "amelia", "raj",
         "sofia", "kenji", "chloe", "mateo", "aisha", "noah", "elena", "ivan",
         "priya", "jonas", "lena", "omar", "grace", "tomas", "yuki", "nadia",
         "samuel", "ingrid", "diego", "hannah", "pierre", "anna"]
LAST = ["smith", "garcia", "chen", "khan", "ivanova", "muller", "rossi",
        "patel", "nguyen", "kowalski", "dubois", "silva", "tanaka", "okafor",
        "johansson", "schmidt", "murphy", "novak", "santos", "haddad",
        "lindqvist", "moreau", "kim", "fernandez", "oconnor", "weber"]


def name(r):
    return r.choice(FIRST).title() + " " + r.choice(LAST).title()


# --------------------------------------------------------------------------
# Entities. Each Spec says how to make a positive (value, variant,
# needs_context), its context and no-context sentence templates, field
# names that act as context, its near misses and its placeholders.
# --------------------------------------------------------------------------

CTX = "ctx"     # near miss placed in the entity's context templates
NOCTX = "none"  # near miss placed in the entity's no-context templates


class Spec:
    def __init__(self, entity, pos, ctx, noctx=(), fields=(), neg=(),
                 ph=(), ctx_share=0.6, config=False):
        self.entity = entity
        self.pos = pos
        self.ctx = list(ctx)
        self.noctx = list(noctx)
        self.fields = list(fields)
        self.neg = list(neg)      # (count, fn r -> (value, kind, where))
        self.ph = list(ph)        # (count, fn r -> (value, variant, where))
        self.ctx_share = ctx_share
        self.config = config      # secrets: also written as config files


SPECS = []


def spec(*a, **k):
    SPECS.append(Spec(*a, **k))


# ---- EMAIL_ADDRESS -------------------------------------------------------

EMAIL_DOMAINS = ["gmail.com", "outlook.com", "yahoo.co.uk", "web.de",
                 "gmx.net", "proton.me", "icloud.com", "hotmail.fr",
                 "libero.it", "orange.fr", "rediffmail.com", "naver.com",
                 "northwind-traders.co", "acme-logistics.io", "fastmail.fm"]
EMAIL_SUB = ["mail.uni-hamburg.de", "cs.stanford.edu", "eng.bristol.ac.uk",
             "students.uu.nl", "corp.contoso-retail.com", "mx.kth.se",
             "staff.unimelb.edu.au"]


def email_pos(r):
    f, l = r.choice(FIRST), r.choice(LAST)
    v = r.randrange(7)
    if v == 0:
        return "%s.%s@%s" % (f, l, r.choice(EMAIL_DOMAINS)), "dotted", False
    if v == 1:
        return "%s%s%d@%s" % (f[0], l, r.randint(1, 99),
                              r.choice(EMAIL_DOMAINS)), "initial-digits", False
    if v == 2:
        tag = r.choice(["news", "shop", "github", "2024", "spam", "work"])
        return "%s.%s+%s@%s" % (f, l, tag, r.choice(EMAIL_DOMAINS)), \
            "plus-tag", False
    if v == 3:
        return "%s.%s@%s" % (f[0], l, r.choice(EMAIL_SUB)), "subdomain", False
    if v == 4:
        return ("%s.%s@%s" % (f, l, r.choice(EMAIL_DOMAINS))).upper(), \
            "uppercase", False
    if v == 5:
        return "%s_%s@%s" % (f, l, r.choice(EMAIL_DOMAINS)), "underscore", \
            False
    return "%s-%s.%d@%s" % (f, l, r.randint(70, 99),
                            r.choice(EMAIL_SUB)), "hyphen-sub", False


spec("EMAIL_ADDRESS", email_pos,
     ctx=["Email: {v}", "e-mail {v} (preferred)", "Contact: {v}",
          "You can mail me at {v} anytime.", "my email is {v}, thanks"],
     noctx=["Reply to {v} with the signed form.",
            "Forwarded by {v} on behalf of the committee.",
            "cc: <{v}>", "Questions go to mailto:{v} please.",
            "From: Jane Doe <{v}>", "Ping {v} before Thursday.",
            "\"{v}\" was added to the list."],
     fields=["email", "emailAddress", "e_mail"],
     neg=[(25, lambda r: ("%s@localhost" % r.choice(FIRST), "no-tld", NOCTX)),
          (25, lambda r: ("%s@2x.png" % r.choice(["logo", "icon", "hero",
                                                   "banner"]),
                          "retina-file", NOCTX)),
          (25, lambda r: ("%s@%d.%d.%d" % (r.choice(["lodash", "react",
                                                     "express", "left-pad"]),
                                           r.randint(1, 18), r.randint(0, 30),
                                           r.randint(0, 20)),
                          "npm-version", NOCTX)),
          (25, lambda r: ("%s..%s@gmail.com" % (r.choice(FIRST),
                                                r.choice(LAST)),
                          "double-dot", NOCTX)),
          (25, lambda r: ("@%s_%s" % (r.choice(FIRST), r.choice(LAST)),
                          "handle", NOCTX)),
          (25, lambda r: ("%s@%s" % (r.choice(FIRST), r.choice(["corp",
                                                                "intranet",
                                                                "mailhost"])),
                          "no-dot-domain", NOCTX))],
     ph=[(20, lambda r: ("%s.%s@%s" % (r.choice(FIRST), r.choice(LAST),
                                       r.choice(["example.com", "example.org",
                                                 "example.net",
                                                 "mail.example.com"])),
                         "example-domain", CTX)),
         (8, lambda r: ("%s@%s.test" % (r.choice(FIRST), r.choice(["shop",
                                                                  "api"])),
                        "test-tld", NOCTX))])

# ---- PHONE_NUMBER --------------------------------------------------------

NPAS = [212, 213, 312, 415, 617, 646, 702, 718, 202, 305, 404, 503, 512,
        602, 713, 206, 303, 480, 614, 704, 720, 757, 801, 813, 858, 904,
        919, 949, 971, 416, 604]


def nxx(r):
    while True:
        x = rd(r, 3, "23456789")
        if x[1:] != "11" and x != "555":
            return x


def uk_mobile(r):
    """07xxx outside Ofcom's drama block 07700 900000-900999."""
    while True:
        m = "7" + rd(r, 3, "12345789")
        if m != "7700":
            return m


def uk_london(r):
    """020 xxxx outside Ofcom's drama block 020 7946 0000-0999."""
    while True:
        x = rd(r, 4, "378")
        if x != "7946":
            return x


def phone_pos(r):
    v = r.randrange(20)
    npa, x, line = str(r.choice(NPAS)), nxx(r), rd(r, 4)
    if v == 0:
        return "(%s) %s-%s" % (npa, x, line), "us-paren", False
    if v == 1:
        return "%s-%s-%s" % (npa, x, line), "us-dash", False
    if v == 2:
        return "%s.%s.%s" % (npa, x, line), "us-dot", False
    if v == 3:
        return "+1 %s %s %s" % (npa, x, line), "us-e164-spaced", False
    if v == 4:
        return "+1%s%s%s" % (npa, x, line), "us-e164", False
    if v == 5:
        return "%s%s%s" % (npa, x, line), "us-plain", True
    if v == 6:
        return "+44 20 %s %s" % (uk_london(r), rd(r, 4)), "uk-e164", False
    if v == 7:
        return "+44 %s %s" % (uk_mobile(r), rd(r, 6)), "uk-mobile-e164", False
    if v == 8:
        return "0%s %s" % (uk_mobile(r), rd(r, 6)), "uk-mobile-national", True
    if v == 9:
        return "020 %s %s" % (uk_london(r), rd(r, 4)), "uk-national", True
    if v == 10:
        return "+49 %s %s" % (r.choice(["30", "89", "40", "69", "221"]),
                              rd(r, 8, "2345678")), "de-e164", False
    if v == 11:
        return "+49 (0)%s %s" % (r.choice(["30", "89", "40"]),
                                 rd(r, 7, "2345678")), "de-e164-trunk", False
    if v == 12:
        a = r.choice(["030", "089", "040", "0221"])
        return "%s%s%s" % (a, r.choice([" ", "/", "-"]),
                           rd(r, 7, "2345678")), "de-national", True
    if v == 13:
        return "015%s %s" % (rd(r, 1, "1279"), rd(r, 8)), \
            "de-mobile-national", True
    if v == 14:
        return "+33 %s %s %s %s %s" % (rd(r, 1, "1234567"), rd(r, 2),
                                       rd(r, 2), rd(r, 2), rd(r, 2)), \
            "fr-e164", False
    if v == 15:
        sep = r.choice([" ", "."])
        return sep.join(["0" + rd(r, 1, "1234567"), rd(r, 2), rd(r, 2),
                         rd(r, 2), rd(r, 2)]), "fr-national", True
    if v == 16:
        return "+91 %s %s" % (rd(r, 5, "6789"), rd(r, 5)), "in-e164", False
    if v == 17:
        return "0%s %s" % (rd(r, 5, "6789"), rd(r, 5)), "in-national", True
    if v == 18:
        cc = r.choice([("34", 9, "6"), ("39", 10, "3"), ("61", 9, "4"),
                       ("81", 10, "9"), ("86", 11, "1"), ("31", 9, "6"),
                       ("46", 9, "7")])
        return "+%s%s" % (cc[0], rd(r, cc[1], cc[2])), "intl-compact", False
    return "+%s %s %s" % (r.choice(["34", "31", "46"]), rd(r, 3, "6"),
                          rd(r, 6)), "intl-spaced", False


def nanp_placeholder(r):
    npa = str(r.choice(NPAS))
    line = "01%02d" % r.randint(0, 99)
    f = r.randrange(3)
    if f == 0:
        return "(%s) 555-%s" % (npa, line), "nanp-555-01xx", NOCTX
    if f == 1:
        return "%s-555-%s" % (npa, line), "nanp-555-01xx", CTX
    return "+1 %s 555 %s" % (npa, line), "nanp-555-01xx", CTX


def ofcom_placeholder(r):
    f = r.randrange(3)
    if f == 0:
        return "+44 20 7946 0%s" % rd(r, 3), "ofcom-drama", CTX
    if f == 1:
        return "020 7946 0%s" % rd(r, 3), "ofcom-drama", CTX
    return "07700 900%s" % rd(r, 3), "ofcom-drama", CTX


spec("PHONE_NUMBER", phone_pos,
     ctx=["Phone: {v}", "Call me on {v} after 6pm.", "Tel. {v}",
          "mobile {v}", "Cell: {v}", "Fax {v}", "WhatsApp {v} (evenings)",
          "phone number {v}"],
     noctx=["Reach Sam on {v} any weekday.", "The front desk is {v}.",
            "Ask for Priya at {v}.", "{v} (office)",
            "Leave a message at {v} if nobody answers."],
     fields=["phone", "telephone", "mobile"],
     neg=[(30, lambda r: ("%02d-%02d-%04d" % (r.randint(1, 28),
                                              r.randint(1, 12),
                                              r.randint(1990, 2024)),
                          "dashed-date", ["on {v}", "due {v}"])),
          (30, lambda r: ("Room %d-%03d" % (r.randint(1, 9),
                                            r.randint(1, 999)),
                          "room-number", ["see {v}"])),
          (30, lambda r: ("+%s" % rd(r, 19, "123456789"), "too-long",
                          NOCTX)),
          (30, lambda r: ("+44 20 %s" % rd(r, 2), "too-short", CTX)),
          (30, lambda r: ("%s-%s" % (rd(r, 5), rd(r, 4)), "zip-plus-4",
                          ["ZIP code {v}",
                           "Mail it to Springfield, IL {v}."])),
          (30, lambda r: ("%d-%d" % (r.randint(1200, 1500),
                                     r.randint(1501, 1900)),
                          "page-range", ["pages {v}", "see pp. {v}"]))],
     ph=[(15, nanp_placeholder), (10, ofcom_placeholder)])

# ---- IP_ADDRESS ----------------------------------------------------------

DOC_NETS = ("192.0.2.", "198.51.100.", "203.0.113.")


def ipv4(r):
    while True:
        a = r.choice([3, 5, 8, 13, 17, 23, 31, 34, 45, 52, 62, 66, 77, 81,
                      85, 91, 104, 128, 141, 151, 172, 176, 185, 188, 192,
                      193, 199, 212, 216, 10])
        if a == 10:
            s = "10.%d.%d.%d" % (r.randint(0, 255), r.randint(0, 255),
                                 r.randint(1, 254))
        elif a == 192:
            s = "192.168.%d.%d" % (r.randint(0, 255), r.randint(1, 254))
        else:
            s = "%d.%d.%d.%d" % (a, r.randint(0, 255), r.randint(0, 255),
                                 r.randint(1, 254))
        if not s.startswith(DOC_NETS):
            return s


V6_PREFIX = ["2001:4860", "2a00:1450", "2606:4700", "2a02:8108", "2600:1f18",
             "2a01:4f8", "2403:6200", "2a03:2880", "2c0f:fb50"]


def ipv6(r):
    groups = V6_PREFIX[r.randrange(len(V6_PREFIX))].split(":")
    while len(groups) < 8:
        groups.append("%x" % r.randrange(0x10000))
    v = r.randrange(5)
    if v == 0:
        return ":".join(groups), "v6-full"
    if v == 1:
        k = r.randint(3, 5)
        return ":".join(groups[:k]) + "::" + groups[7], "v6-compressed"
    if v == 2:
        tail = ["%x" % r.randrange(0x10000) for _ in range(4)]
        return "fe80::" + ":".join(tail) + "%eth0", "v6-link-local-zone"
    if v == 3:
        return "::ffff:" + ipv4(r), "v6-mapped-v4"
    return ":".join(groups).upper(), "v6-upper"


def ip_pos(r):
    if r.random() < 0.6:
        return ipv4(r), "v4", False
    v, var = ipv6(r)
    return v, var, False


spec("IP_ADDRESS", ip_pos,
     ctx=["Connection from {v} port 22", "client_ip={v}",
          "host {v} refused the handshake", "X-Forwarded-For: {v}",
          "server at {v} is down", "IP address: {v}"],
     noctx=["{v} - - [10/Oct/2023:13:55:36 +0000] \"GET /index.html "
            "HTTP/1.1\" 200 2326", "Blocked {v} after 5 failed attempts.",
            "ping {v}", "traceroute reached {v} in 12 hops",
            "sshd: Accepted publickey for deploy from {v}"],
     fields=["ip", "client_ip", "remote_addr"],
     neg=[(30, lambda r: ("%d.%d.%d.%d" % (r.randint(1, 12), r.randint(0, 9),
                                           r.randint(0, 20), r.randint(0, 99)),
                          "version-word",
                          ["version {v}", "Version: {v}", "ver. {v}",
                           "upgraded to version {v} yesterday"])),
          (20, lambda r: ("v%d.%d.%d.%d" % (r.randint(1, 12), r.randint(0, 9),
                                            r.randint(0, 20),
                                            r.randint(0, 99)),
                          "version-v", ["release {v}", "tag {v}"])),
          (20, lambda r: ("%d.%d.%d.%d" % (r.randint(256, 999),
                                           r.randint(0, 255),
                                           r.randint(0, 255),
                                           r.randint(0, 255)),
                          "octet-over-255", CTX)),
          (20, lambda r: (".".join(str(r.randint(1, 254)) for _ in range(5)),
                          "five-parts", CTX)),
          (20, lambda r: ("1.3.6.1.4.1.%d.%d" % (r.randint(100, 60000),
                                                 r.randint(1, 9)),
                          "oid", ["OID {v}", "SNMP object {v}"])),
          (20, lambda r: ("%02d:%02d:%02d" % (r.randint(0, 23),
                                              r.randint(0, 59),
                                              r.randint(0, 59)),
                          "clock-time", ["at {v} sharp", "started {v}"])),
          (20, lambda r: ("%s::%s" % (r.choice(["std", "Foo", "Rails",
                                                "Data"]),
                                      r.choice(["vector", "Bar", "Engine",
                                                "Map"])),
                          "scope-operator", NOCTX))],
     ph=[(12, lambda r: (r.choice(DOC_NETS) + str(r.randint(1, 254)),
                         "test-net", CTX)),
         (8, lambda r: ("2001:db8::%x:%x" % (r.randrange(65536),
                                             r.randrange(65536)),
                        "v6-doc", CTX))])



# ---- MAC_ADDRESS ---------------------------------------------------------

OUIS = ["00:1A:11", "3C:22:FB", "F0:18:98", "B8:27:EB", "DC:A6:32",
        "00:50:56", "08:00:27", "A4:83:E7", "00:1B:63", "E4:5F:01"]


def mac_pos(r):
    o = r.choice(OUIS).split(":") + ["%02X" % r.randrange(256)
                                     for _ in range(3)]
    v = r.randrange(4)
    if v == 0:
        return ":".join(o), "colon-upper", False
    if v == 1:
        return ":".join(o).lower(), "colon-lower", False
    if v == 2:
        return "-".join(o), "dash", False
    h = "".join(o).lower()
    return ".".join([h[0:4], h[4:8], h[8:12]]), "cisco-dotted", False


spec("MAC_ADDRESS", mac_pos,
     ctx=["MAC address {v}", "hwaddr {v}", "ether {v} txqueuelen 1000",
          "Wi-Fi MAC: {v}"],
     noctx=["Lease granted to {v} for 24h.", "Device {v} joined the WLAN.",
            "arp -a shows {v} on eth0"],
     fields=["mac", "mac_address"],
     neg=[(30, lambda r: (":".join("%02d" % r.randint(0, 59)
                                   for _ in range(4)),
                          "timecode", ["timecode {v}", "cut at {v}"])),
          (30, lambda r: (":".join("%02x" % r.randrange(256)
                                   for _ in range(16)),
                          "ssh-fingerprint",
                          ["RSA key fingerprint is MD5:{v}."])),
          (30, lambda r: (":".join("%02x" % r.randrange(256)
                                   for _ in range(5)),
                          "five-groups", CTX)),
          (30, lambda r: ("%02X:1G:%02X:%02X:%02X:%02X" %
                          tuple(r.randrange(256) for _ in range(5)),
                          "non-hex", CTX))],
     ph=[(10, lambda r: ("00:00:5E:00:53:%02X" % r.randrange(256),
                         "rfc7042-doc", CTX))])

# ---- IBAN_CODE -----------------------------------------------------------

IBAN_FMT = {
    "DE": lambda r: rd(r, 8, "1234567") + rd(r, 10),
    "GB": lambda r: r.choice(["NWBK", "MIDL", "BARC", "LOYD", "HBUK"]) +
    rd(r, 14),
    "FR": lambda r: rd(r, 23),
    "NL": lambda r: r.choice(["INGB", "ABNA", "RABO", "TRIO"]) + rd(r, 10),
    "ES": lambda r: rd(r, 20),
    "IT": lambda r: r.choice(UPPER) + rd(r, 22),
    "BE": lambda r: rd(r, 12),
    "CH": lambda r: rd(r, 17),
    "AT": lambda r: rd(r, 16),
    "PL": lambda r: rd(r, 24),
    "SE": lambda r: rd(r, 20),
    "NO": lambda r: rd(r, 11),
    "IE": lambda r: r.choice(["AIBK", "BOFI"]) + rd(r, 14),
    "PT": lambda r: rd(r, 21),
    "DK": lambda r: rd(r, 14),
    "FI": lambda r: rd(r, 14),
}
IBAN_COUNTRIES = sorted(IBAN_FMT)


def iban_raw(r):
    c = r.choice(IBAN_COUNTRIES)
    while True:
        s = iban_make(c, IBAN_FMT[c](r))
        if 2 <= int(s[2:4]) <= 98:
            return s


def iban_pos(r):
    s = iban_raw(r)
    if r.random() < 0.5:
        return s, "compact-" + s[:2], False
    return group(s, [4] * 8, " "), "grouped-" + s[:2], False


def iban_wrong(r):
    s = iban_raw(r)
    while True:
        t = alter_digit(r, s, None)
        if t[:2] == s[:2] and iban_mod97(t) != 1:
            break
    return (group(t, [4] * 8, " ") if r.random() < 0.5 else t), \
        "wrong-check", CTX


IBAN_EXAMPLES = ["DE89370400440532013000", "GB29NWBK60161331926819",
                 "NL91ABNA0417164300", "FR1420041010050500013M02606",
                 "GB82WEST12345698765432"]
for _x in IBAN_EXAMPLES:
    assert iban_mod97(_x) == 1, _x

spec("IBAN_CODE", iban_pos,
     ctx=["IBAN: {v}", "IBAN {v}", "bank account {v}",
          "Please transfer the deposit to {v} (IBAN)."],
     noctx=["Pay {v} before the 15th.", "Beneficiary: Anna Weber, {v}",
            "Refund sent to {v} yesterday."],
     fields=["iban", "bank_account"],
     neg=[(60, iban_wrong),
          (30, lambda r: (iban_raw(r)[:-1], "too-short", CTX)),
          (30, lambda r: ("XX" + iban_raw(r)[2:], "unknown-country", CTX))],
     ph=[(15, lambda r: (r.choice(IBAN_EXAMPLES), "registry-example", CTX))])

# ---- CREDIT_CARD ---------------------------------------------------------


def card_number(r, brand):
    if brand == "visa":
        p, n = "4", 16
    elif brand == "mastercard":
        p, n = (str(r.randint(51, 55)) if r.random() < 0.7 else
                str(r.randint(2221, 2720))), 16
    elif brand == "amex":
        p, n = r.choice(["34", "37"]), 15
    elif brand == "discover":
        p, n = r.choice(["6011", "65", str(r.randint(644, 649))]), 16
    elif brand == "jcb":
        p, n = str(r.randint(3528, 3589)), 16
    else:
        p, n = "62", r.choice([16, 16, 19])
    body = p + rd(r, n - len(p) - 1)
    return body + luhn_digit(body)


TEST_CARDS = ["4111111111111111", "4242424242424242", "5555555555554444",
              "378282246310005", "4012888888881881", "5105105105105100",
              "6011111111111117", "371449635398431", "3530111333300000"]


def card_fmt(r, s):
    sep = r.choice([" ", "-", ""])
    if sep == "":
        return s, "plain"
    if len(s) == 15:
        return group(s, [4, 6, 5], sep), "grouped"
    return group(s, [4, 4, 4, 4, 3], sep), "grouped"


def card_pos(r):
    brand = r.choice(["visa", "visa", "mastercard", "mastercard", "amex",
                      "discover", "jcb", "unionpay"])
    v, f = card_fmt(r, card_number(r, brand))
    return v, brand + "-" + f, False


def card_wrong(r):
    s = card_number(r, r.choice(["visa", "mastercard", "amex"]))
    t = alter_digit(r, s, [-1])
    v, _ = card_fmt(r, t)
    return v, "wrong-luhn", CTX


def card_no_issuer(r):
    body = r.choice("79") + rd(r, 14)
    return group(body + luhn_digit(body), [4, 4, 4, 4], r.choice([" ", ""])),\
        "luhn-no-issuer", ["Order {v} shipped", "Gift voucher {v}"]


spec("CREDIT_CARD", card_pos,
     ctx=["Card number: {v}", "Visa {v} exp 09/27", "paid with card {v}",
          "CC: {v}", "credit card {v} was declined"],
     noctx=["Charged {v} for 49.90 EUR.", "{v} (expires 11/26)",
            "Refund to {v} processed."],
     fields=["card_number", "cc"],
     neg=[(80, card_wrong), (40, card_no_issuer)],
     ph=[(20, lambda r: (card_fmt(r, r.choice(TEST_CARDS))[0], "test-card",
                         CTX))])

# ---- CRYPTO --------------------------------------------------------------


def btc(r):
    v = r.randrange(4)
    h = bytes(r.randrange(256) for _ in range(32))
    if v == 0:
        return b58check(b"\0" + h[:20]), "btc-p2pkh"
    if v == 1:
        return b58check(b"\5" + h[:20]), "btc-p2sh"
    if v == 2:
        return bech32_address("bc", 0, h[:20]), "btc-bech32-p2wpkh"
    return bech32_address("bc", 0, h), "btc-bech32-p2wsh"


ETH_CTX = ["ETH wallet: {v}", "Ethereum address {v}", "send 0.2 ETH to {v}",
           "my ethereum wallet is {v}"]


def crypto_pos(r):
    if r.random() < 0.3:
        return "0x" + rs(r, 40, HEX), "eth-lower", True, ETH_CTX
    v, var = btc(r)
    return v, var, False


def btc_wrong(r):
    v, var = btc(r)
    while True:
        i = r.randrange(6, len(v) - 1)
        alpha = BECH32 if var.startswith("btc-bech32") else B58
        c = r.choice([x for x in alpha if x != v[i]])
        t = v[:i] + c + v[i + 1:]
        ok = bech32_ok(t) if var.startswith("btc-bech32") else b58check_ok(t)
        if not ok:
            return t, "wrong-checksum", CTX


spec("CRYPTO", crypto_pos,
     ctx=["BTC address: {v}", "send 0.05 BTC to {v}", "Bitcoin wallet {v}",
          "bitcoin address {v}", "crypto wallet {v} (donations)"],
     noctx=["Donations: {v}", "Tips welcome at {v} :)",
            "Payout destination {v} confirmed."],
     fields=["wallet", "btc_address"],
     neg=[(60, btc_wrong),
          (30, lambda r: ("0x" + rs(r, 64, HEX), "eth-tx-hash",
                          ["Ethereum transaction {v}", "ETH tx {v}"]))])

# ---- DATE_OF_BIRTH -------------------------------------------------------

MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]


def date_fmt(r, y, m, d, f=None):
    f = r.randrange(7) if f is None else f
    if f == 0:
        return "%04d-%02d-%02d" % (y, m, d), "iso"
    if f == 1:
        return "%02d/%02d/%04d" % (d, m, y), "dmy-slash"
    if f == 2:
        return "%02d/%02d/%04d" % (m, d, y), "mdy-slash"
    if f == 3:
        return "%02d.%02d.%04d" % (d, m, y), "dmy-dot"
    if f == 4:
        return "%s %d, %d" % (MONTHS[m - 1], d, y), "month-name-us"
    if f == 5:
        return "%d %s %d" % (d, MONTHS[m - 1], y), "month-name"
    return "%02d-%s-%04d" % (d, MONTHS[m - 1][:3], y), "dd-mon-yyyy"


def dob_pos(r):
    y, m, d = rdate(r)
    v, var = date_fmt(r, y, m, d)
    return v, var, True


def dob_bad(r):
    y = r.randint(1950, 2000)
    k = r.randrange(3)
    if k == 0:
        return "%04d-13-%02d" % (y, r.randint(1, 28)), "month-13", CTX
    if k == 1:
        return "%02d/%02d/%04d" % (r.randint(32, 39), r.randint(1, 12), y), \
            "day-32", CTX
    return "%04d-02-30" % y, "feb-30", CTX


def dob_other_date(r):
    y, m, d = rdate(r, 2015, 2024)
    v, _ = date_fmt(r, y, m, d)
    return v, "date-no-dob-context", ["Invoice date {v}", "Meeting on {v}",
                                      "Released {v}", "Shipped {v}",
                                      "Report generated {v}"]


spec("DATE_OF_BIRTH", dob_pos,
     ctx=["DOB: {v}", "date of birth {v}", "born on {v}", "Born {v} in Lyon",
          "Birthday: {v}", "birth date: {v}"],
     fields=["dob", "date_of_birth", "birthdate"],
     neg=[(60, dob_bad), (80, dob_other_date)])

# ---- US_SSN, US_ITIN, US_PASSPORT ----------------------------------------


def ssn_parts(r):
    while True:
        a = r.randint(1, 899)
        if a != 666:
            break
    s = "%03d%02d%04d" % (a, r.randint(1, 99), r.randint(1, 9999))
    if s in ("078051120", "219099999"):
        return ssn_parts(r)
    return s


def ssn_pos(r):
    s = ssn_parts(r)
    v = r.randrange(5)
    if v < 2:
        return group(s, [3, 2, 4], "-"), "dashed", False
    if v == 2:
        return group(s, [3, 2, 4], " "), "spaced", False
    return s, "plain", True


def ssn_bad(r):
    s = ssn_parts(r)
    k = r.randrange(5)
    if k == 0:
        s = "000" + s[3:]
        kind = "area-000"
    elif k == 1:
        s = "666" + s[3:]
        kind = "area-666"
    elif k == 2:
        g = r.choice([g for g in range(1, 100) if g not in ITIN_GROUPS])
        s = rd(r, 3, "9") + "%02d" % g + s[5:]
        kind = "area-9xx"
    elif k == 3:
        s = s[:3] + "00" + s[5:]
        kind = "group-00"
    else:
        s = s[:5] + "0000"
        kind = "serial-0000"
    return (group(s, [3, 2, 4], "-") if r.random() < 0.7 else s), kind, CTX


spec("US_SSN", ssn_pos,
     ctx=["SSN: {v}", "Social Security number {v}", "SSN# {v}",
          "social security no. {v}", "her SSN is {v}"],
     noctx=["Applicant {v} was approved on review.",
            "File under {v}, box 3."],
     fields=["ssn", "social_security_number"],
     neg=[(100, ssn_bad),
          (40, lambda r: (ssn_parts(r), "plain-no-context",
                          ["Order {v} shipped", "Ticket {v} closed",
                           "ref {v}"]))],
     ph=[(15, lambda r: (r.choice(["078-05-1120", "219-09-9999"]),
                         "published-example", CTX))])

ITIN_GROUPS = list(range(50, 66)) + list(range(70, 89)) + [90, 91, 92] + \
    list(range(94, 100))


def itin_pos(r):
    s = "9%02d%02d%04d" % (r.randint(0, 99), r.choice(ITIN_GROUPS),
                           r.randint(1, 9999))
    if r.random() < 0.8:
        return group(s, [3, 2, 4], r.choice(["-", "-", " "])), "dashed", True
    return s, "plain", True


def itin_bad(r):
    g = r.choice([66, 67, 68, 69, 89, 93] + list(range(10, 50)))
    s = "9%02d-%02d-%04d" % (r.randint(0, 99), g, r.randint(1, 9999))
    return s, "bad-group", CTX


spec("US_ITIN", itin_pos,
     ctx=["ITIN: {v}", "Individual Taxpayer Identification Number {v}",
          "ITIN {v} (expires 2026)"],
     fields=["itin"],
     neg=[(80, itin_bad)])


def passport_us(r):
    if r.random() < 0.6:
        return rd(r, 9, "123456789"), "nine-digits", True
    return r.choice("ACEFGHJKLMNPRSTUVWXYZ") + rd(r, 8), "letter-eight", True


spec("US_PASSPORT", passport_us,
     ctx=["passport number {v}", "Passport No. {v}", "US passport {v}",
          "passport: {v}"],
     fields=["passport_number", "passport_no"],
     neg=[(60, lambda r: (rd(r, 9, "123456789"), "nine-digits-no-context",
                          ["Order {v} shipped", "Ticket {v} closed",
                           "tracking {v}"])),
          (30, lambda r: (rd(r, 12, "123456789"), "passport-receipt-12",
                          ["passport fee receipt {v}"]))])

# ---- UK_NINO, UK_NHS -----------------------------------------------------

NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
NINO_BAD_PAIRS = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def nino_prefix(r):
    while True:
        p = r.choice(NINO_FIRST) + r.choice(NINO_SECOND)
        if p not in NINO_BAD_PAIRS:
            return p


def nino_fmt(r, p, d, s):
    if r.random() < 0.5:
        return "%s %s %s %s %s" % (p, d[:2], d[2:4], d[4:], s), "spaced"
    return p + d + s, "compact"


def nino_pos(r):
    v, var = nino_fmt(r, nino_prefix(r), rd(r, 6), r.choice("ABCD"))
    return v, var, False


def nino_bad(r):
    k = r.randrange(3)
    if k == 0:
        p = r.choice("DFIQUV") + r.choice(NINO_SECOND)
        kind = "bad-first-letter"
    elif k == 1:
        p = r.choice(sorted(NINO_BAD_PAIRS))
        kind = "unallocated-prefix"
    else:
        p = nino_prefix(r)
        kind = "bad-suffix"
    s = r.choice("EFGHJKXZ") if k == 2 else r.choice("ABCD")
    v, _ = nino_fmt(r, p, rd(r, 6), s)
    return v, kind, CTX


spec("UK_NINO", nino_pos,
     ctx=["National Insurance number: {v}", "NI number {v}", "NINO {v}",
          "NI No. {v}"],
     noctx=["Payroll entry for {v} updated.", "Employee {v}, grade 4."],
     fields=["nino", "ni_number"],
     neg=[(90, nino_bad)],
     ph=[(8, lambda r: (r.choice(["QQ 12 34 56 C", "QQ123456C"]),
                        "hmrc-example", CTX))])


def nhs_number(r):
    while True:
        b = rd(r, 9, "4")  # issued numbers start 400-499 / 600-799
        if r.random() < 0.4:
            b = rd(r, 9, "67")
        c = nhs_digit(b)
        if c is not None:
            return b + c


def nhs_pos(r):
    s = nhs_number(r)
    v = r.randrange(3)
    if v == 0:
        return group(s, [3, 3, 4], " "), "spaced", True
    if v == 1:
        return group(s, [3, 3, 4], "-"), "dashed", True
    return s, "plain", True


def nhs_bad(r):
    s = nhs_number(r)
    while True:
        t = alter_digit(r, s, [-1])
        if nhs_digit(t[:9]) != t[9]:
            break
    return (group(t, [3, 3, 4], " ") if r.random() < 0.6 else t), \
        "wrong-check", CTX


spec("UK_NHS", nhs_pos,
     ctx=["NHS number: {v}", "NHS No. {v}", "NHS number {v} (GP: Dr Patel)"],
     fields=["nhs_number"],
     neg=[(90, nhs_bad)])

# ---- CA_SIN --------------------------------------------------------------


def sin_number(r):
    b = rd(r, 8, "1234567")
    return b + luhn_digit(b)


def sin_pos(r):
    s = sin_number(r)
    v = r.randrange(3)
    if v == 0:
        return group(s, [3, 3, 3], " "), "spaced", True
    if v == 1:
        return group(s, [3, 3, 3], "-"), "dashed", True
    return s, "plain", True


def sin_bad(r):
    t = alter_digit(r, sin_number(r), [-1])
    return (group(t, [3, 3, 3], r.choice([" ", "-"])) if r.random() < 0.7
            else t), "wrong-luhn", CTX


spec("CA_SIN", sin_pos,
     ctx=["SIN: {v}", "Social Insurance Number {v}", "SIN {v} on file",
          "social insurance no. {v}"],
     fields=["sin", "social_insurance_number"],
     neg=[(90, sin_bad)],
     ph=[(8, lambda r: ("046 454 286", "esdc-example", CTX))])

# ---- ES_NIF, ES_NIE ------------------------------------------------------


def nif_pos(r):
    n = rd(r, 8)
    L = nif_letter(n)
    v = r.randrange(4)
    if v < 2:
        return n + L, "compact", False
    if v == 2:
        return n + "-" + L, "dash", False
    return "%s.%s.%s-%s" % (n[:2], n[2:5], n[5:], L), "dotted", False


def nif_bad(r):
    n = rd(r, 8)
    L = r.choice([c for c in NIF_LETTERS if c != nif_letter(n)])
    return (n + L if r.random() < 0.7 else n + "-" + L), "wrong-letter", CTX


spec("ES_NIF", nif_pos,
     ctx=["DNI: {v}", "NIF {v}", "con DNI {v}", "NIF/DNI: {v}"],
     noctx=["Cliente: Lucia Martin, {v}", "Titular {v} confirmado."],
     fields=["dni", "nif"],
     neg=[(90, nif_bad)])


def nie_pos(r):
    p = r.choice("XYZ")
    n = rd(r, 7)
    L = nif_letter(str("XYZ".index(p)) + n)
    v = r.randrange(3)
    if v < 2:
        return p + n + L, "compact", False
    return "%s-%s-%s" % (p, n, L), "dashed", False


def nie_bad(r):
    p = r.choice("XYZ")
    n = rd(r, 7)
    good = nif_letter(str("XYZ".index(p)) + n)
    L = r.choice([c for c in NIF_LETTERS if c != good])
    return p + n + L, "wrong-letter", CTX


spec("ES_NIE", nie_pos,
     ctx=["NIE: {v}", "NIE {v} (residencia)", "numero NIE {v}"],
     noctx=["Expediente de {v} aprobado.", "Titular {v}."],
     fields=["nie"],
     neg=[(90, nie_bad)])

# ---- IT_FISCAL_CODE ------------------------------------------------------

CONS = "BCDFGHLMNPRSTVZ"


def cf_body(r, month_letter=None, day=None):
    y = r.randint(40, 99) if r.random() < 0.8 else r.randint(0, 5)
    m = month_letter or r.choice(IT_MONTHS)
    d = day if day is not None else r.randint(1, 28) + (40 if r.random() <
                                                        0.5 else 0)
    place = r.choice("ABCDEFGHILM") + rd(r, 3)
    return rs(r, 3, CONS) + rs(r, 2, CONS) + r.choice("AEIOU" + CONS) + \
        "%02d%s%02d%s" % (y, m, d, place)


def cf_pos(r):
    b = cf_body(r)
    v = b + it_check(b)
    if r.random() < 0.15:
        return v.lower(), "lowercase", False
    return v, "upper", False


def cf_bad(r):
    if r.random() < 0.6:
        b = cf_body(r)
        c = r.choice([x for x in UPPER if x != it_check(b)])
        return b + c, "wrong-check", CTX
    b = cf_body(r, month_letter=r.choice("FGIJKNOQUVWXYZ"))
    return b + it_check(b), "bad-month-letter", CTX


spec("IT_FISCAL_CODE", cf_pos,
     ctx=["Codice fiscale: {v}", "C.F. {v}", "codice fiscale {v}",
          "CF: {v}"],
     noctx=["Intestatario: {v}", "Pratica di {v} chiusa."],
     fields=["codice_fiscale", "cf"],
     neg=[(90, cf_bad)])

# ---- FR_NIR --------------------------------------------------------------


def nir_body(r, month=None):
    y, m, _ = rdate(r)
    m = month if month is not None else m
    dept = r.choice(["%02d" % r.randint(1, 95)] * 9 + ["2A", "2B"])
    if dept == "20":
        dept = "75"
    return "%d%02d%02d%s%03d%03d" % (r.randint(1, 2), y % 100, m, dept,
                                     r.randint(1, 990), r.randint(1, 999))


def nir_fmt(r, s):
    if r.random() < 0.5:
        return group(s, [1, 2, 2, 2, 3, 3, 2], " "), "spaced"
    return s, "compact"


def nir_pos(r):
    b = nir_body(r)
    v, var = nir_fmt(r, b + nir_key(b))
    return v, var, False


def nir_bad(r):
    if r.random() < 0.6:
        b = nir_body(r)
        k = nir_key(b)
        bad = "%02d" % ((int(k) + r.randint(1, 50)) % 97 or 1)
        return nir_fmt(r, b + bad)[0], "wrong-key", CTX
    b = nir_body(r, month=r.randint(13, 19))
    return nir_fmt(r, b + nir_key(b))[0], "month-13-19", CTX


spec("FR_NIR", nir_pos,
     ctx=["NIR: {v}", "numero de securite sociale {v}", "N° SS {v}",
          "social security number {v} (France)"],
     noctx=["Dossier {v} transmis.", "Assure {v}, regime general."],
     fields=["nir", "numero_secu"],
     neg=[(90, nir_bad)])

# ---- DE_TAX_ID -----------------------------------------------------------


def de_body(r):
    while True:
        digs = r.sample(DIGITS, 9)
        if digs[0] == "0":
            continue
        dup = r.choice(digs)
        pos = r.randint(1, 9)
        b = digs[:pos] + [dup] + digs[pos:]
        b = "".join(b)
        if de_taxid_digits_ok(b):
            return b


def de_fmt(r, s):
    if r.random() < 0.5:
        return group(s, [2, 3, 3, 3], " "), "spaced"
    return s, "compact"


def de_pos(r):
    b = de_body(r)
    v, var = de_fmt(r, b + de_taxid_digit(b))
    return v, var, True


def de_bad(r):
    if r.random() < 0.5:
        b = de_body(r)
        c = r.choice([d for d in DIGITS if d != de_taxid_digit(b)])
        return de_fmt(r, b + c)[0], "wrong-check", CTX
    b = "".join(r.sample("123456789", 9)) + "0"   # ten distinct digits
    b = b[0] + "".join(r.sample(b[1:], 9))
    return de_fmt(r, b + de_taxid_digit(b))[0], "no-repeated-digit", CTX


spec("DE_TAX_ID", de_pos,
     ctx=["Steuer-ID: {v}", "Steueridentifikationsnummer {v}", "IdNr {v}",
          "tax ID {v}", "Steuerliche Identifikationsnummer: {v}"],
     fields=["steuer_id", "tax_id"],
     neg=[(90, de_bad)])

# ---- NL_BSN --------------------------------------------------------------


def bsn_number(r):
    while True:
        b = rd(r, 8, "1234567")
        s = sum(int(c) * w for c, w in zip(b, range(9, 1, -1)))
        c = s % 11
        if c < 10 and bsn_ok(b + str(c)):
            return b + str(c)


def bsn_pos(r):
    s = bsn_number(r)
    v = r.randrange(3)
    if v == 0:
        return "%s.%s.%s" % (s[:4], s[4:6], s[6:]), "dotted", True
    return s, "plain", True


def bsn_bad(r):
    while True:
        t = alter_digit(r, bsn_number(r), [-1])
        if not bsn_ok(t):
            return t, "wrong-elfproef", CTX


spec("NL_BSN", bsn_pos,
     ctx=["BSN: {v}", "burgerservicenummer {v}", "BSN-nummer {v}",
          "BSN {v} (werkgever)"],
     fields=["bsn", "burgerservicenummer"],
     neg=[(90, bsn_bad)])

# ---- PL_PESEL ------------------------------------------------------------


def pesel_number(r, month=None):
    y, m, d = rdate(r, 1930, 2015)
    mm = m + (20 if y >= 2000 else 0)
    if month is not None:
        mm = month
    b = "%02d%02d%02d%04d" % (y % 100, mm, d, r.randint(0, 9999))
    return b + pesel_digit(b)


def pesel_bad(r):
    if r.random() < 0.5:
        t = alter_digit(r, pesel_number(r), [-1])
        return t, "wrong-check", CTX
    return pesel_number(r, month=r.choice([13, 14, 19, 35, 40, 53, 99])), \
        "bad-month", CTX


spec("PL_PESEL", lambda r: (pesel_number(r), "plain", True),
     ctx=["PESEL: {v}", "PESEL {v}", "nr PESEL {v}"],
     fields=["pesel"],
     neg=[(90, pesel_bad)])

# ---- SE_PERSONNUMMER -----------------------------------------------------


def pnr_parts(r, month=None):
    y, m, d = rdate(r, 1935, 2010)
    if month is not None:
        m = month
    b = "%02d%02d%02d%03d" % (y % 100, m, d, r.randint(0, 999))
    return y, b + luhn_digit(b)


def pnr_pos(r):
    y, s = pnr_parts(r)
    v = r.randrange(4)
    if v < 2:
        return s[:6] + "-" + s[6:], "yymmdd-nnnn", False
    if v == 2:
        return "%02d%s-%s" % (y // 100, s[:6], s[6:]), "yyyymmdd-nnnn", False
    return "%02d%s" % (y // 100, s), "yyyymmddnnnn", True


def pnr_bad(r):
    if r.random() < 0.5:
        _, s = pnr_parts(r)
        t = alter_digit(r, s, [-1])
        return t[:6] + "-" + t[6:], "wrong-luhn", CTX
    _, s = pnr_parts(r, month=r.randint(13, 19))
    return s[:6] + "-" + s[6:], "month-13", CTX


spec("SE_PERSONNUMMER", pnr_pos,
     ctx=["personnummer {v}", "Personnummer: {v}", "pnr {v}"],
     noctx=["Sokande {v} registrerad.", "Kund {v}, Stockholm."],
     fields=["personnummer"],
     neg=[(90, pnr_bad)])

# ---- FI_PERSONAL_IDENTITY_CODE -------------------------------------------


def hetu(r, month=None):
    y, m, d = rdate(r, 1930, 2015)
    if month is not None:
        m = month
    ddmmyy = "%02d%02d%02d" % (d, m, y % 100)
    zzz = "%03d" % r.randint(2, 899)
    sep = "A" if y >= 2000 else "-"
    return ddmmyy + sep + zzz + fi_check(ddmmyy, zzz)


def hetu_bad(r):
    if r.random() < 0.5:
        s = hetu(r)
        c = r.choice([x for x in FI_CHECK if x != s[-1]])
        return s[:-1] + c, "wrong-check", CTX
    return hetu(r, month=r.randint(13, 19)), "month-13", CTX


spec("FI_PERSONAL_IDENTITY_CODE", lambda r: (hetu(r), "standard", False),
     ctx=["henkilotunnus {v}", "HETU: {v}", "personal identity code {v}",
          "hetu {v}"],
     noctx=["Hakija {v} rekisteroity.", "Asiakas {v}, Helsinki."],
     fields=["hetu", "henkilotunnus"],
     neg=[(90, hetu_bad)])

# ---- IN_AADHAAR, IN_PAN --------------------------------------------------


def aadhaar_number(r, first="23456789"):
    b = rd(r, 11, first)
    return b + verhoeff_digit(b)


def aadhaar_pos(r):
    s = aadhaar_number(r)
    v = r.randrange(4)
    if v < 2:
        return group(s, [4, 4, 4], " "), "spaced", False
    if v == 2:
        return group(s, [4, 4, 4], "-"), "dashed", False
    return s, "plain", True


def aadhaar_bad(r):
    if r.random() < 0.6:
        while True:
            t = alter_digit(r, aadhaar_number(r), [-1])
            if not verhoeff_ok(t):
                break
        return group(t, [4, 4, 4], " "), "wrong-verhoeff", CTX
    return group(aadhaar_number(r, "01"), [4, 4, 4], " "), "starts-0-1", CTX


spec("IN_AADHAAR", aadhaar_pos,
     ctx=["Aadhaar: {v}", "Aadhaar no. {v}", "aadhaar number {v}",
          "UIDAI {v}"],
     noctx=["Applicant {v} verified at the kendra.",
            "KYC done for {v} on Monday."],
     fields=["aadhaar"],
     neg=[(90, aadhaar_bad)])

def pan_pos(r):
    return rs(r, 3, UPPER) + r.choice("PPPPPPCHFT") + r.choice(UPPER) + \
        rd(r, 4) + r.choice(UPPER), "standard", False


spec("IN_PAN", pan_pos,
     ctx=["PAN: {v}", "PAN card {v}", "Permanent Account Number {v}",
          "PAN no. {v}"],
     noctx=["Assessee {v} filed on time.", "Form 16 issued to {v}."],
     fields=["pan"],
     neg=[(60, lambda r: (rs(r, 3, UPPER) + r.choice("DEIKMNOQRSUVWXYZ") +
                          r.choice(UPPER) + rd(r, 4) + r.choice(UPPER),
                          "bad-holder-type", CTX)),
          (40, lambda r: (rs(r, 3, UPPER) + r.choice("DEIKMNOQRSUVWXYZ") +
                          r.choice(UPPER) + rd(r, 4) + r.choice(UPPER),
                          "product-code-bad-type",
                          ["SKU {v}", "part {v} restocked",
                           "model {v} discontinued"]))])

# ---- AU_TFN, AU_ABN, AU_MEDICARE -----------------------------------------


def tfn_number(r):
    w = [1, 4, 3, 7, 5, 8, 6, 9]
    while True:
        b = rd(r, 8, "123456789")
        d = sum(int(c) * x for c, x in zip(b, w)) % 11
        if d < 10 and tfn_ok(b + str(d)):
            return b + str(d)


def tfn_pos(r):
    s = tfn_number(r)
    if r.random() < 0.6:
        return group(s, [3, 3, 3], " "), "spaced", True
    return s, "plain", True


def tfn_bad(r):
    while True:
        t = alter_digit(r, tfn_number(r), [-1])
        if not tfn_ok(t):
            return group(t, [3, 3, 3], " "), "wrong-check", CTX


spec("AU_TFN", tfn_pos,
     ctx=["TFN: {v}", "tax file number {v}", "TFN {v} (ATO)"],
     fields=["tfn", "tax_file_number"],
     neg=[(90, tfn_bad)],
     ph=[(6, lambda r: ("123 456 782", "ato-example", CTX))])


def abn_number(r):
    while True:
        body = rd(r, 9)
        for d1 in range(1, 10):
            for d2 in range(10):
                s = "%d%d%s" % (d1, d2, body)
                if abn_ok(s):
                    return s


def abn_pos(r):
    s = abn_number(r)
    if s == "51824753556":
        return abn_pos(r)
    if r.random() < 0.6:
        return group(s, [2, 3, 3, 3], " "), "spaced", True
    return s, "plain", True


def abn_bad(r):
    while True:
        t = alter_digit(r, abn_number(r))
        if not abn_ok(t):
            return group(t, [2, 3, 3, 3], " "), "wrong-check", CTX


spec("AU_ABN", abn_pos,
     ctx=["ABN: {v}", "ABN {v}", "Australian Business Number {v}"],
     fields=["abn"],
     neg=[(90, abn_bad)],
     ph=[(6, lambda r: ("51 824 753 556", "ato-example", CTX))])


def medicare_number(r):
    b = rd(r, 8, "23456")
    return b + medicare_digit(b) + rd(r, 1, "123456789")


def medicare_pos(r):
    s = medicare_number(r)
    if r.random() < 0.6:
        return group(s, [4, 5, 1], " "), "spaced", True
    return s, "plain", True


def medicare_bad(r):
    s = medicare_number(r)
    c = r.choice([d for d in DIGITS if d != s[8]])
    t = s[:8] + c + s[9]
    return group(t, [4, 5, 1], " "), "wrong-check", CTX


spec("AU_MEDICARE", medicare_pos,
     ctx=["Medicare card {v}", "Medicare number: {v}", "Medicare No. {v}"],
     fields=["medicare_number"],
     neg=[(90, medicare_bad)])

# ---- SG_NRIC_FIN ---------------------------------------------------------


def nric_pos(r):
    p = r.choice("SSSTTFG")
    d = rd(r, 7)
    return p + d + nric_letter(p, d), "standard", False


def nric_bad(r):
    p = r.choice("STFG")
    d = rd(r, 7)
    good = nric_letter(p, d)
    table = "JZIHGFEDCBA" if p in "ST" else "XWUTRQPNMLK"
    return p + d + r.choice([c for c in table if c != good]), \
        "wrong-letter", CTX


spec("SG_NRIC_FIN", nric_pos,
     ctx=["NRIC: {v}", "NRIC No. {v}", "FIN {v}", "NRIC/FIN: {v}"],
     noctx=["Applicant {v} collected the pass.", "Visitor {v}, level 3."],
     fields=["nric"],
     neg=[(90, nric_bad)])

# ---- BR_CPF --------------------------------------------------------------


def cpf_number(r):
    while True:
        b = rd(r, 9)
        if len(set(b)) > 1:
            return b + cpf_digits(b)


def cpf_fmt(s):
    return "%s.%s.%s-%s" % (s[:3], s[3:6], s[6:9], s[9:])


def cpf_pos(r):
    s = cpf_number(r)
    if r.random() < 0.7:
        return cpf_fmt(s), "formatted", False
    return s, "plain", True


def cpf_bad(r):
    if r.random() < 0.7:
        s = cpf_number(r)
        t = s[:9] + "%02d" % ((int(s[9:]) + r.randint(1, 98)) % 100)
        return cpf_fmt(t), "wrong-check", CTX
    d = r.choice(DIGITS)
    return cpf_fmt(d * 11), "repeated-digit", CTX


spec("BR_CPF", cpf_pos,
     ctx=["CPF: {v}", "CPF {v}", "inscrito no CPF sob o n. {v}"],
     noctx=["Cliente {v} cadastrado.", "Titular {v}, Sao Paulo."],
     fields=["cpf"],
     neg=[(90, cpf_bad)])


def cnpj_number(r):
    b = rd(r, 8) + "%04d" % r.choice([1, 1, 1, 2, 3])
    return b + cnpj_digits(b)


def cnpj_fmt(s):
    return "%s.%s.%s/%s-%s" % (s[:2], s[2:5], s[5:8], s[8:12], s[12:])


def cnpj_pos(r):
    s = cnpj_number(r)
    if r.random() < 0.8:
        return cnpj_fmt(s), "formatted", False
    return s, "plain", True


def cnpj_bad(r):
    s = cnpj_number(r)
    t = s[:12] + "%02d" % ((int(s[12:]) + r.randint(1, 98)) % 100)
    return cnpj_fmt(t), "wrong-check", CTX


spec("BR_CNPJ", cnpj_pos,
     ctx=["CNPJ: {v}", "CNPJ {v}", "inscrita no CNPJ sob o n. {v}"],
     noctx=["Fornecedor {v} homologado.", "Empresa {v}, Curitiba."],
     fields=["cnpj"],
     neg=[(90, cnpj_bad)])

# ---- CN_RESIDENT_ID ------------------------------------------------------

CN_REGIONS = ["110101", "110105", "310101", "310115", "440305", "440106",
              "320102", "330106", "510107", "420102", "610113", "500103"]


def cn_id(r, month=None):
    y, m, d = rdate(r, 1940, 2010)
    if month is not None:
        m = month
    b = "%s%04d%02d%02d%03d" % (r.choice(CN_REGIONS), y, m, d,
                                r.randint(1, 999))
    return b + cn_check(b)


def cn_bad(r):
    if r.random() < 0.5:
        s = cn_id(r)
        c = r.choice([x for x in "0123456789X" if x != s[-1]])
        return s[:-1] + c, "wrong-check", CTX
    return cn_id(r, month=r.randint(13, 19)), "month-13", CTX


spec("CN_RESIDENT_ID", lambda r: (cn_id(r), "standard", False),
     ctx=["身份证号 {v}", "ID card number {v}", "resident ID {v}",
          "居民身份证: {v}"],
     noctx=["申请人 {v} 已登记。", "Applicant {v} registered in Shenzhen."],
     fields=["id_card", "shenfenzheng"],
     neg=[(90, cn_bad)])

# ---- KR_RRN --------------------------------------------------------------


def rrn(r, month=None):
    y, m, d = rdate(r, 1940, 2015)
    if month is not None:
        m = month
    g = r.choice("12") if y < 2000 else r.choice("34")
    b = "%02d%02d%02d%s%05d" % (y % 100, m, d, g, r.randint(0, 99999))
    return b + rrn_digit(b)


def rrn_bad(r):
    if r.random() < 0.5:
        s = rrn(r)
        t = alter_digit(r, s, [-1])
        return t[:6] + "-" + t[6:], "wrong-check", CTX
    s = rrn(r, month=r.randint(13, 19))
    return s[:6] + "-" + s[6:], "month-13", CTX


spec("KR_RRN", lambda r: ((lambda s: (s[:6] + "-" + s[6:]))(rrn(r)),
                          "dashed", False),
     ctx=["주민등록번호 {v}", "RRN: {v}", "resident registration number {v}"],
     noctx=["신청인 {v} 확인.", "Applicant {v} (Seoul office)."],
     fields=["rrn", "jumin"],
     neg=[(90, rrn_bad)])

# ---- ZA_ID ---------------------------------------------------------------


def za_id(r, month=None):
    y, m, d = rdate(r, 1940, 2010)
    if month is not None:
        m = month
    b = "%02d%02d%02d%04d%s8" % (y % 100, m, d, r.randint(0, 9999),
                                 r.choice("01"))
    return b + luhn_digit(b)


def za_bad(r):
    if r.random() < 0.5:
        return alter_digit(r, za_id(r), [-1]), "wrong-luhn", CTX
    return za_id(r, month=r.randint(13, 19)), "month-13", CTX


spec("ZA_ID", lambda r: (za_id(r), "plain", True),
     ctx=["ID number: {v}", "South African ID {v}", "SA ID {v}",
          "RSA ID no. {v}"],
     fields=["id_number", "sa_id"],
     neg=[(90, za_bad)])

# ---- Secrets -------------------------------------------------------------

B64 = UPPER + LOWER + DIGITS + "+/"
B64URL = UPPER + LOWER + DIGITS + "-_"


def aws_key(r):
    return r.choice(["AKIA", "AKIA", "AKIA", "ASIA"]) + \
        rs(r, 16, UPPER + "234567")


spec("AWS_ACCESS_KEY", lambda r: (aws_key(r), "key-id", False),
     ctx=["aws_access_key_id = {v}", "AWS_ACCESS_KEY_ID={v}",
          "\"AccessKeyId\": \"{v}\"", "aws key {v}"],
     noctx=["Rotated {v} last night.", "Found {v} in the old notebook."],
     fields=["aws_access_key_id"],
     neg=[(30, lambda r: ("AKIA" + rs(r, 16, DIGITS), "digits-only-tail",
                          NOCTX)),
          (30, lambda r: ("AKIA" + rs(r, 15, UPPER + "234567"),
                          "too-short", NOCTX))],
     ph=[(10, lambda r: ("AKIAIOSFODNN7EXAMPLE", "aws-docs", CTX))],
     config=True)

spec("AWS_SECRET_KEY", lambda r: (rs(r, 40, B64), "secret-key", True),
     ctx=["aws_secret_access_key = {v}", "AWS_SECRET_ACCESS_KEY={v}",
          "\"SecretAccessKey\": \"{v}\"", "aws secret key: {v}"],
     fields=["aws_secret_access_key"],
     neg=[(30, lambda r: (rs(r, 40, HEX), "git-sha-near-aws",
                          ["aws-sdk release commit {v}",
                           "AWS CDK build {v}"])),
          (20, lambda r: (rs(r, 40, B64), "base64-no-context",
                          ["blob {v}", "etag {v}"]))],
     ph=[(10, lambda r: ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                         "aws-docs", CTX))],
     config=True)


def gh_token(r):
    if r.random() < 0.8:
        body = rs(r, 30, ALNUM)
        return r.choice(["ghp_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"]) + \
            body + base62_crc(body), "classic"
    return "github_pat_" + rs(r, 22, ALNUM) + "_" + rs(r, 59, ALNUM), \
        "fine-grained"


def gh_bad(r):
    body = rs(r, 30, ALNUM)
    good = base62_crc(body)
    while True:
        c = rs(r, 6, ALNUM)
        if c != good:
            return "ghp_" + body + c, "wrong-crc32", NOCTX


spec("GITHUB_TOKEN", lambda r: gh_token(r) + (False,),
     ctx=["GITHUB_TOKEN={v}", "export GH_TOKEN={v}",
          "Authorization: token {v}", "github token: {v}"],
     noctx=["Leaked {v} in the CI log.", "revoked {v} today"],
     fields=["github_token"],
     neg=[(40, gh_bad)],
     ph=[(8, lambda r: ("ghp_" + "x" * 36, "dummy-x", CTX))],
     config=True)


def slack_pos(r):
    if r.random() < 0.6:
        return "xoxb-%s-%s-%s" % (rd(r, 12, "123456789"),
                                  rd(r, 13, "123456789"),
                                  rs(r, 24, ALNUM)), "bot", False
    return "xoxp-%s-%s-%s-%s" % (rd(r, 12, "123456789"),
                                 rd(r, 12, "123456789"),
                                 rd(r, 13, "123456789"),
                                 rs(r, 32, HEX)), "user", False


spec("SLACK_TOKEN", slack_pos,
     ctx=["SLACK_BOT_TOKEN={v}", "slack token: {v}",
          "\"token\": \"{v}\""],
     noctx=["Pasted {v} into the channel by mistake."],
     fields=["slack_token"],
     neg=[(20, lambda r: ("xoxb-your-token-here", "template", CTX))],
     config=True)

spec("SLACK_WEBHOOK",
     lambda r: ("https://hooks.slack.com/services/T%s/B%s/%s" %
                (rs(r, 8, UPPER + DIGITS), rs(r, 10, UPPER + DIGITS),
                 rs(r, 24, ALNUM)), "webhook", False),
     ctx=["SLACK_WEBHOOK_URL={v}", "webhook: {v}"],
     noctx=["curl -X POST -d @msg.json {v}"],
     fields=["webhook_url"],
     neg=[(20, lambda r: ("https://hooks.slack.com/services/XXX/YYY/ZZZ",
                          "template", CTX))],
     config=True)


def stripe_pos(r):
    p = r.choice(["sk_live_", "sk_live_", "rk_live_"])
    return p + rs(r, r.choice([24, 99]), ALNUM), p[:2] + "-live", False


spec("STRIPE_KEY", stripe_pos,
     ctx=["STRIPE_SECRET_KEY={v}", "stripe.api_key = \"{v}\"",
          "stripe key: {v}"],
     noctx=["Rolled {v} after the incident."],
     fields=["stripe_key"],
     neg=[(20, lambda r: ("sk_live_" + "x" * 24, "dummy-x", CTX))],
     config=True)

spec("GOOGLE_API_KEY",
     lambda r: ("AIza" + rs(r, 35, ALNUM + "-_"), "api-key", False),
     ctx=["GOOGLE_API_KEY={v}", "google maps api key {v}"],
     noctx=["https://maps.googleapis.com/maps/api/geocode/json?address=Main"
            "+St&key={v}", "Restricted {v} to our referrers."],
     fields=["google_api_key"],
     neg=[(20, lambda r: ("AIza" + rs(r, 20, ALNUM), "too-short", NOCTX))],
     config=True)


def openai_pos(r):
    if r.random() < 0.5:
        return "sk-" + rs(r, 20, ALNUM) + "T3BlbkFJ" + rs(r, 20, ALNUM), \
            "legacy", False
    n = r.choice([58, 74])
    return "sk-proj-" + rs(r, n, ALNUM + "-_") + "T3BlbkFJ" + \
        rs(r, n, ALNUM + "-_"), "project", False


spec("OPENAI_API_KEY", openai_pos,
     ctx=["OPENAI_API_KEY={v}", "openai.api_key = \"{v}\"",
          "openai key: {v}"],
     noctx=["Someone committed {v} to the demo repo."],
     fields=["openai_api_key"],
     neg=[(20, lambda r: ("sk-" + r.choice(["learn", "image", "video"]),
                          "short-word", NOCTX))],
     config=True)


def npm_pos(r):
    body = rs(r, 30, ALNUM)
    return "npm_" + body + base62_crc(body), "granular", False


def npm_bad(r):
    body = rs(r, 30, ALNUM)
    good = base62_crc(body)
    while True:
        c = rs(r, 6, ALNUM)
        if c != good:
            return "npm_" + body + c, "wrong-crc32", NOCTX


spec("NPM_TOKEN", npm_pos,
     ctx=["//registry.npmjs.org/:_authToken={v}", "NPM_TOKEN={v}",
          "npm token {v}"],
     noctx=["Published with {v} from the build box."],
     fields=["npm_token"],
     neg=[(30, npm_bad)],
     config=True)


def jwt(r, header=None):
    alg = r.choice(["HS256", "RS256", "ES256"])
    h = header or json.dumps({"alg": alg, "typ": "JWT"},
                             separators=(",", ":")).encode()
    p = json.dumps({"sub": rd(r, 8), "name": name(r),
                    "iat": r.randint(1600000000, 1750000000)},
                   separators=(",", ":")).encode()
    sig = bytes(r.randrange(256) for _ in range(32 if alg == "HS256"
                                                else 64))
    return b64url(h) + "." + b64url(p) + "." + b64url(sig)


spec("JWT", lambda r: (jwt(r), "signed", False),
     ctx=["Authorization: Bearer {v}", "\"id_token\": \"{v}\"",
          "Cookie: session={v}", "jwt={v}"],
     noctx=["Decoded {v} on jwt.io to debug.", "{v}"],
     fields=["id_token", "access_token"],
     neg=[(40, lambda r: (jwt(r, header=b'{"alg":"HS256",'), "header-not-json",
                          NOCTX)),
          (20, lambda r: ("%s.%s.%s" % (r.choice(["com", "org", "io"]),
                                        r.choice(["example", "acme",
                                                  "contoso"]),
                                        r.choice(["service", "app",
                                                  "billing"])),
                          "dotted-package", ["package {v}", "import {v}"]))])


def pem_block(r, kind):
    body = "\n".join(rs(r, 64, B64) for _ in range(r.randint(3, 6)))
    return "-----BEGIN %s-----" % kind, "\n" + body + \
        "\n-----END %s-----" % kind


PEM_KINDS = ["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY",
             "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY",
             "PGP PRIVATE KEY BLOCK", "DSA PRIVATE KEY"]

# PRIVATE_KEY positives are the armour header; the body follows it.
spec("PRIVATE_KEY", lambda r: (pem_block(r, r.choice(PEM_KINDS))[0],
                               "pem-header", False),
     ctx=["id_rsa:\n{v}", "private key below\n{v}"],
     noctx=["{v}"],
     fields=["private_key"],
     neg=[(30, lambda r: ("-----BEGIN %s-----" % r.choice(
         ["PUBLIC KEY", "CERTIFICATE", "RSA PUBLIC KEY",
          "CERTIFICATE REQUEST"]), "public-material", NOCTX))],
     config=True)

URL_SCHEMES = ["postgres", "postgresql", "mysql", "mongodb+srv", "redis",
               "amqp", "https", "ftp", "smtp"]
URL_HOSTS = ["db.prod-acme.net", "cluster0.x7kq2.mongodb.net",
             "cache.internal.northwind.io", "mq.fabrikam-ops.com",
             "files.contoso-retail.com", "smtp.mailgun.org"]
PW_CHARS = ALNUM + "!$*_~-"


def url_cred_pos(r):
    s = r.choice(URL_SCHEMES)
    user = r.choice(["admin", "app", "deploy", "svc_billing", "etl",
                     r.choice(FIRST)])
    # Not starting with '$', which reads as a shell variable ($DB_PASS).
    pw = r.choice(ALNUM) + rs(r, r.randint(11, 23), PW_CHARS)
    host = r.choice(URL_HOSTS)
    port = {"postgres": ":5432", "postgresql": ":5432", "mysql": ":3306",
            "redis": ":6379", "amqp": ":5672"}.get(s, "")
    return "%s://%s:%s@%s%s/%s" % (s, user, pw, host, port,
                                   r.choice(["app", "prod", "orders", ""])), \
        s, False


spec("URL_CREDENTIALS", url_cred_pos,
     ctx=["DATABASE_URL={v}", "connection string: {v}", "dsn = \"{v}\""],
     noctx=["Connect with {v} from the bastion.", "{v}"],
     fields=["database_url", "dsn"],
     neg=[(30, lambda r: ("https://%s@github.com/%s/%s.git" % (
         r.choice(FIRST), r.choice(LAST), r.choice(["api", "web"])),
         "user-no-password", NOCTX)),
          (30, lambda r: ("postgres://app:${DB_PASSWORD}@%s:5432/app" %
                          r.choice(URL_HOSTS), "env-template", NOCTX)),
          (30, lambda r: ("https://%s:8443/%s" % (r.choice(URL_HOSTS),
                                                  r.choice(["admin",
                                                            "status"])),
                          "host-port", NOCTX)),
          (30, lambda r: ("mysql://root:****@%s/shop" % r.choice(URL_HOSTS),
                          "masked", NOCTX))],
     ph=[(15, lambda r: ("postgres://user:password@localhost:5432/mydb",
                         "docs-dsn", CTX))],
     config=True)

def generic_secret_pos(r):
    v = rs(r, r.randint(16, 32), ALNUM + "!#%*_-+=")
    return v, "assignment", True


spec("GENERIC_SECRET", generic_secret_pos,
     ctx=["password={v}", "db_password: \"{v}\"", "\"client_secret\": "
          "\"{v}\"", "api_token = '{v}'", "SECRET_KEY={v}", "passwd: {v}",
          "auth_token: {v}"],
     fields=["password", "client_secret", "api_token"],
     neg=[(20, lambda r: ("********", "masked",
                          ["password: {v}", "secret={v}"])),
          (20, lambda r: ("<redacted>", "redacted", ["password={v}"])),
          (20, lambda r: ("os.environ[\"DB_PASSWORD\"]", "env-lookup",
                          ["password = {v}"])),
          (20, lambda r: (r.choice(["null", "true", "false", "None"]),
                          "literal", ["token: {v}", "secret = {v}"])),
          (20, lambda r: (str(r.randint(8, 64)), "setting",
                          ["password_min_length={v}",
                           "token_expiry_minutes = {v}"])),
          (20, lambda r: ("${%s}" % r.choice(["DB_PASSWORD", "API_TOKEN",
                                              "SECRET"]),
                          "env-template", ["password={v}", "token: {v}"]))],
     ph=[(15, lambda r: (r.choice(["changeme", "your-password-here",
                                   "YOUR_API_KEY", "<your-token>"]),
                         "docs-value", CTX))],
     config=True)

spec("ANTHROPIC_API_KEY",
     lambda r: ("sk-ant-api03-" + rs(r, 93, B64URL) + "AA", "api03", False),
     ctx=["ANTHROPIC_API_KEY={v}", "x-api-key: {v}", "anthropic key {v}"],
     noctx=["Rotated {v} after the demo."],
     fields=["anthropic_api_key"],
     neg=[(20, lambda r: ("sk-ant-" + r.choice(["xxxx", "...", "your-key"]),
                          "template", CTX))],
     config=True)

spec("GITLAB_TOKEN",
     lambda r: ("glpat-" + rs(r, 20, ALNUM + "-_"), "pat", False),
     ctx=["GITLAB_TOKEN={v}", "gitlab token: {v}",
          "PRIVATE-TOKEN: {v}"],
     noctx=["Revoked {v} after the audit."],
     fields=["gitlab_token"],
     neg=[(20, lambda r: ("glpat-xxxxxxxxxxxxxxxxxxxx", "dummy-x", CTX))],
     config=True)

spec("SENDGRID_API_KEY",
     lambda r: ("SG." + rs(r, 22, B64URL) + "." + rs(r, 43, B64URL), "key",
                False),
     ctx=["SENDGRID_API_KEY={v}", "sendgrid key: {v}"],
     noctx=["Mail relay still uses {v}."],
     fields=["sendgrid_api_key"],
     neg=[(20, lambda r: ("SG.%s" % r.choice(["io", "com", "gov"]),
                          "domain-like", NOCTX))],
     config=True)

spec("TWILIO_API_KEY",
     lambda r: ("SK" + rs(r, 32, HEX), "api-key-sid", True),
     ctx=["TWILIO_API_KEY={v}", "twilio api key {v}"],
     fields=["twilio_api_key"],
     neg=[(20, lambda r: ("SK" + rs(r, 31, HEX), "too-short",
                          ["twilio api key {v}"]))],
     config=True)

# --------------------------------------------------------------------------
# Generic look-alikes: they imitate no one entity in particular.
# --------------------------------------------------------------------------


def isbn13(r):
    b = r.choice(["978", "979"]) + rd(r, 9)
    s = b + isbn13_digit(b)
    if r.random() < 0.5:
        return "%s-%s-%s-%s-%s" % (s[:3], s[3], s[4:6], s[6:12], s[12])
    return s


def isbn10(r):
    b = rd(r, 9, "0123")
    s = b + isbn10_digit(b)
    if r.random() < 0.5:
        return "%s-%s-%s-%s" % (s[0], s[1:4], s[4:9], s[9])
    return s


def uuid4(r):
    h = rs(r, 32, HEX)
    h = h[:12] + "4" + h[13:16] + r.choice("89ab") + h[17:]
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


def epoch(r, millis=False):
    t = r.randint(1500000000, 1750000000)
    return "%d%03d" % (t, r.randrange(1000)) if millis else str(t)


def iso_ts(r):
    y, m, d = rdate(r, 2015, 2025)
    t = "%04d-%02d-%02dT%02d:%02d:%02d" % (y, m, d, r.randint(0, 23),
                                           r.randint(0, 59), r.randint(0, 59))
    k = r.randrange(4)
    if k == 0:
        return t + "Z"
    if k == 1:
        return t + ".%03d+02:00" % r.randrange(1000)
    if k == 2:
        return t.replace("T", " ")
    return t + "-05:00"


def ups(r):
    b = "1Z" + rs(r, 6, UPPER + DIGITS) + rd(r, 10)
    return b


LOOKALIKES = [
    ("isbn13", isbn13, ["ISBN {v}", "ISBN-13: {v}", "(ISBN {v}, 2nd ed.)"]),
    ("isbn10", isbn10, ["ISBN {v}", "ISBN-10: {v}"]),
    ("order-number",
     lambda r: rd(r, r.choice([8, 9, 10, 11, 12]), "123456789"),
     ["Order #{v} shipped", "order no. {v}", "Your order {v} is on its way."]),
    ("amazon-order", lambda r: "%s-%s-%s" % (rd(r, 3, "1"), rd(r, 7),
                                             rd(r, 7)),
     ["Order {v} has been dispatched."]),
    ("invoice-id", lambda r: "INV-%d-%05d" % (r.randint(2015, 2025),
                                             r.randint(1, 99999)),
     ["Invoice {v} is overdue.", "see invoice {v}"]),
    ("invoice-digits", lambda r: rd(r, 8, "123456789"),
     ["Invoice {v} paid in full."]),
    ("tracking-ups", ups, ["UPS tracking {v}", "tracking number {v}"]),
    ("tracking-usps", lambda r: group("9400" + rd(r, 18), [4] * 5 + [2], " "),
     ["USPS tracking {v}"]),
    ("tracking-fedex", lambda r: group(rd(r, 12, "7"), [4, 4, 4], " "),
     ["FedEx tracking {v}"]),
    ("iso-timestamp", iso_ts, ["created_at {v}", "at {v} the job failed",
                               "[{v}] INFO worker started"]),
    ("epoch-seconds", epoch, ["ts={v}", "expires {v}",
                              "\"created\": {v}"]),
    ("epoch-millis", lambda r: epoch(r, True), ["ts={v}",
                                                "lastModified {v}"]),
    ("version-4part", lambda r: "%d.%d.%d.%d" % (r.randint(1, 15),
                                                 r.randint(0, 9),
                                                 r.randint(0, 30),
                                                 r.randint(0, 999)),
     ["version {v}", "Version: {v}", "running version {v} in prod"]),
    ("semver", lambda r: "%d.%d.%d%s" % (r.randint(0, 20), r.randint(0, 40),
                                         r.randint(0, 40),
                                         r.choice(["", "", "-rc.1",
                                                   "-beta.2"])),
     ["bumped to {v}", "requires node >= {v}", "v{v} released"]),
    ("uuid", uuid4, ["request_id={v}", "trace {v}", "\"uuid\": \"{v}\""]),
    ("git-sha", lambda r: rs(r, 40, HEX),
     ["commit {v}", "Merge {v} into main", "HEAD is now at {v}"]),
    ("git-short-sha", lambda r: rs(r, 7, HEX), ["fixed in {v}"]),
    ("md5", lambda r: rs(r, 32, HEX), ["md5sum {v}", "ETag: \"{v}\""]),
    ("sha256", lambda r: rs(r, 64, HEX), ["sha256:{v}",
                                          "checksum {v}  release.tar.gz"]),
    ("product-code", lambda r: "%s-%s-%s" % (rs(r, 3, UPPER), rd(r, 4),
                                             rs(r, 2, UPPER)),
     ["SKU {v}", "part {v} back in stock"]),
    ("part-number", lambda r: "%s-%s-%s" % (rd(r, 4), rd(r, 4), rd(r, 2)),
     ["part number {v}", "replacement part {v}"]),
    ("price", lambda r: "$%d,%03d.%02d" % (r.randint(1, 99), r.randrange(1000),
                                           r.randrange(100)),
     ["Total {v}", "budget of {v}"]),
    ("coordinates", lambda r: "%.4f, %.4f" % (r.uniform(-60, 60),
                                              r.uniform(-170, 170)),
     ["located at {v}", "GPS {v}"]),
]

# --------------------------------------------------------------------------
# Prose between items. No sentence holds a context word of any entity, and
# each is long enough (>= 70 bytes) that the context of one item never
# reaches the next.
# --------------------------------------------------------------------------

FILLER = [
    "The quarterly review went well and the team agreed to revisit the "
    "roadmap after the summer break.",
    "We spent most of the afternoon discussing the migration plan and "
    "which dashboards to retire first.",
    "Thanks again for the quick turnaround on the draft; the comments "
    "from legal were minor this time.",
    "It rained all week, so the outdoor workshop moved to the large room "
    "on the second floor of the library.",
    "The new intern picked up the codebase quickly and already fixed two "
    "of the flaky integration tests.",
    "Shipping was delayed by the holiday, but the warehouse expects to "
    "clear the backlog before Friday.",
    "Our survey had a decent response rate, although younger respondents "
    "skipped the longer questions.",
    "Please remember that the office closes early on the last Friday of "
    "the month for the cleaning crew.",
    "The translation of the handbook is almost finished and will be "
    "reviewed by two native speakers.",
    "After the outage we added alerts for queue depth and wrote a short "
    "runbook for the night shift.",
    "The recipe needs more garlic than you would think, and the sauce "
    "should simmer for at least an hour.",
    "Attendance at the Tuesday meetup doubled once we moved it to the "
    "cafe near the central station.",
    "The board asked for a clearer summary of the risks before approving "
    "the budget for next year.",
    "Everyone liked the new layout of the weekly newsletter, especially "
    "the shorter section on events.",
    "Der Bericht wurde gestern fertiggestellt und geht morgen an die "
    "Abteilungsleitung zur Freigabe.",
    "La reunion de seguimiento se aplazo al jueves porque faltaban datos "
    "del equipo de ventas regional.",
    "Le projet avance bien, mais il reste encore quelques pages a relire "
    "avant la publication finale.",
]

CHAT_USER = ["Can you help me fill in this form?", "Please check this for "
             "typos before I send it.", "Is this information correct?",
             "Summarise the message below."]
CHAT_ASSISTANT = ["Sure, here is the corrected version.", "I have checked "
                  "it; the details are listed below.", "Here is a short "
                  "summary of the message."]

# --------------------------------------------------------------------------
# Building records with exact offsets.
# --------------------------------------------------------------------------


class Item:
    __slots__ = ("entity", "value", "cls", "variant", "where", "template")

    def __init__(self, entity, value, cls, variant, where, template):
        self.entity = entity
        self.value = value
        self.cls = cls          # pos, neg, placeholder
        self.variant = variant
        self.where = where      # ctx, none, field
        self.template = template


def make_items(r):
    items = []
    for s in SPECS:
        for _ in range(POSITIVES_PER_ENTITY):
            got = s.pos(r)
            value, variant, need = got[:3]
            ctx = got[3] if len(got) > 3 else s.ctx
            if s.fields and len(got) == 3 and r.random() < 0.12:
                where = "field"
            elif need or not s.noctx or r.random() < s.ctx_share:
                where = "ctx"
            else:
                where = "none"
            tpl = r.choice(ctx if where == "ctx" else
                           s.noctx if where == "none" else ["{v}"])
            if s.entity == "PRIVATE_KEY" and where != "field":
                tpl = tpl.replace("{v}", "{v}" + pem_block(r, value[11:-5])[1])
            items.append(Item(s.entity, value, "pos", variant, where, tpl))
        for count, fn in s.neg:
            for _ in range(count):
                value, kind, where = fn(r)
                if where == CTX:
                    tpls, w = s.ctx, "ctx"
                elif where == NOCTX:
                    tpls, w = (s.noctx or FILLER_TEMPLATES), "none"
                else:
                    tpls, w = where, "own"
                items.append(Item(s.entity, value, "neg", kind, w,
                                  r.choice(tpls)))
        for count, fn in s.ph:
            for _ in range(count):
                value, variant, where = fn(r)
                tpls = s.ctx if where == CTX else (s.noctx or s.ctx)
                items.append(Item(s.entity, value, "placeholder", variant,
                                  "ctx" if where == CTX else "none",
                                  r.choice(tpls)))
    npos = sum(1 for i in items if i.cls == "pos")
    nneg = sum(1 for i in items if i.cls == "neg")
    k = 0
    while nneg < npos:
        kind, fn, tpls = LOOKALIKES[k % len(LOOKALIKES)]
        items.append(Item("-", fn(r), "neg", kind, "own", r.choice(tpls)))
        nneg += 1
        k += 1
    r.shuffle(items)
    return items


FILLER_TEMPLATES = ["Noted: {v}.", "{v}", "See {v} below."]


class Text:
    """A string value built piece by piece, remembering where items are."""

    def __init__(self):
        self.parts = []
        self.nbytes = 0
        self.spans = []   # (item, byte start, byte length)

    def add(self, s):
        self.parts.append(s)
        self.nbytes += len(s.encode("utf-8"))

    def add_item(self, item, template=None):
        pre, post = (template or item.template).split("{v}")
        self.add(pre)
        start = self.nbytes
        self.add(item.value)
        self.spans.append((item, start, len(item.value.encode("utf-8"))))
        self.add(post)

    def value(self):
        return "".join(self.parts)


def serialize(obj):
    """JSON text of obj and the byte offset of every string leaf's first
    content byte (after its opening quote), keyed by auditor's field path."""
    out, offs, pos = [], {}, [0]

    def emit(s):
        out.append(s)
        pos[0] += len(s.encode("utf-8"))

    def walk(v, path):
        if isinstance(v, dict):
            emit("{")
            for i, (k, x) in enumerate(v.items()):
                if i:
                    emit(", ")
                emit(json.dumps(k, ensure_ascii=False) + ": ")
                walk(x, path + "." + k if path else k)
            emit("}")
        elif isinstance(v, list):
            emit("[")
            for i, x in enumerate(v):
                if i:
                    emit(", ")
                walk(x, "%s[%d]" % (path, i))
            emit("]")
        elif isinstance(v, Text):
            emit('"')
            offs[path] = (pos[0], v)
            emit(json.dumps(v.value(), ensure_ascii=False)[1:])
        else:
            emit(json.dumps(v, ensure_ascii=False))

    walk(obj, "")
    return "".join(out), offs


def text_of(r, items, prefix=""):
    """Prose holding items, each separated from the next by filler."""
    t = Text()
    t.add(prefix)
    for i, it in enumerate(items):
        t.add(r.choice(FILLER) + " ")
        t.add_item(it)
        t.add(" ")
    t.add(r.choice(FILLER))
    return t


def build_records(r, items):
    """Distributes items into record objects (dicts whose string leaves
    are Text objects)."""
    records = []
    by_field = [i for i in items if i.where == "field"]
    secrets = set(s.entity for s in SPECS if s.config)
    config = [i for i in items if i.where == "ctx" and
              i.entity in secrets and i.cls == "pos" and r.random() < 0.3]
    cfg_ids = set(map(id, config))
    field_ids = set(map(id, by_field))
    rest = [i for i in items if id(i) not in cfg_ids and
            id(i) not in field_ids]
    specs = {s.entity: s for s in SPECS}

    # Objects whose field name is the context: people (customer.ssn,
    # user.email, contact.phone, patient.nhs_number...) and settings
    # (config.aws_secret_access_key).
    for it in by_field:
        s = specs[it.entity]
        key = r.choice(s.fields)
        parent = r.choice(["config", "settings", "env"] if s.config else
                          ["customer", "user", "contact", "patient",
                           "employee"])
        v = Text()
        v.add_item(it, "{v}")
        if it.entity == "PRIVATE_KEY":
            v.add(pem_block(r, it.value[11:-5])[1])
        first = "service" if s.config else "name"
        obj = {"id": 0, parent: {first: Text(), key: v}, "notes": Text()}
        obj[parent][first].add(r.choice(["billing-api", "etl-nightly",
                                         "web-frontend", "search"])
                               if s.config else name(r))
        obj["notes"].add(r.choice(FILLER))
        records.append(obj)

    # Configuration files: a few secrets, one per line.
    r.shuffle(config)
    while config:
        n = min(len(config), r.randint(1, 3))
        chunk, config = config[:n], config[n:]
        t = Text()
        t.add("# generated by deploy scripts, do not edit\nLOG_LEVEL=info\n")
        for it in chunk:
            t.add_item(it)
            t.add("\nWORKERS=%d\n" % r.randint(2, 16))
        records.append({"id": 0, "path": r.choice(["deploy/.env",
                                                   "config/settings.yml",
                                                   "secrets.json.bak",
                                                   "docker-compose.override"
                                                   ".yml"]),
                        "content": t})

    # Prose, chat turns and log lines.
    i = 0
    while i < len(rest):
        n = r.randint(1, 3)
        chunk, i = rest[i:i + n], i + n
        k = r.random()
        if k < 0.2:
            records.append({"id": 0, "messages": [
                {"role": "user",
                 "content": text_of(r, chunk, r.choice(CHAT_USER) + "\n\n")},
                {"role": "assistant", "content": Text()}]})
            records[-1]["messages"][1]["content"].add(
                r.choice(CHAT_ASSISTANT))
        else:
            records.append({"id": 0, "lang": "en", "text": text_of(r, chunk)})
    r.shuffle(records)
    return records


def write(seed, outdir):
    r = random.Random(seed)
    items = make_items(r)
    records = build_records(r, items)
    os.makedirs(outdir, exist_ok=True)
    labels, negs = [], []
    off = 0
    with open(os.path.join(outdir, "eval.jsonl"), "wb") as f:
        for n, obj in enumerate(records, 1):
            obj["id"] = n
            line, offs = serialize(obj)
            for path, (voff, t) in offs.items():
                for it, start, length in t.spans:
                    ctx = "field" if it.where == "field" else \
                        "ctx" if it.where == "ctx" else "none"
                    row = (n, path, it.entity, off + voff + start, length,
                           "%s:%s:%s" % (it.cls, it.variant, ctx))
                    (negs if it.cls == "neg" else labels).append(row)
            raw = (line + "\n").encode("utf-8")
            f.write(raw)
            off += len(raw)
    hdr = "#record\tfield\tentity\tstart\tlength\tkind\n"
    for fname, rows in (("labels.tsv", labels), ("negatives.tsv", negs)):
        with open(os.path.join(outdir, fname), "w") as f:
            f.write(hdr)
            for row in rows:
                f.write("%d\t%s\t%s\t%d\t%d\t%s\n" % row)
    with open(os.path.join(outdir, "meta.json"), "w") as f:
        json.dump({"seed": seed, "generator_version": GENERATOR_VERSION,
                   "records": len(records), "labels": len(labels),
                   "negatives": len(negs)}, f)
        f.write("\n")
    return len(records), labels, negs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1,
                    help="random seed; the same seed gives the same bytes "
                    "(default 1)")
    ap.add_argument("--out", default=".", metavar="DIR",
                    help="directory to write to (created if needed)")
    a = ap.parse_args()
    nrec, labels, negs = write(a.seed, a.out)
    npos = sum(1 for x in labels if x[5].startswith("pos:"))
    print("%s: %d records, %d positives, %d placeholders, %d near misses"
          % (os.path.join(a.out, "eval.jsonl"), nrec, npos,
             len(labels) - npos, len(negs)), file=sys.stderr)


if __name__ == "__main__":
    main()
