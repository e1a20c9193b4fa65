#!/usr/bin/env python3
"""gen_corpus.py: deterministic corpora for tests/bench/harness.sh.

Usage:
  gen_corpus.py jsonl --kind prose|heavy --mb N [--seed S] [-o FILE]
                [--stats FILE] [--jobs J]
  gen_corpus.py csv --rows N [--seed S] [-o FILE] [--stats FILE] [--jobs J]

jsonl --kind prose: web-crawl-like JSON Lines (id, url, title, text in
paragraphs, meta.lang, meta.source, meta.timestamp, meta.quality.{score,
perplexity}, meta.tokens, meta.tags[], sometimes comments[].{author,body})
whose text is made of sentences from varied templates and vocabularies
(English mostly, some German, French and Spanish with their accents, numbers,
prices, percentages, quotes and JSON escapes). About one record in twenty
(each record with probability 0.05) holds one or two pieces of personal data
or secrets, made by the generators of tests/eval/gen_eval.py (every entity
auditor detects, with valid check digits, in that generator's context and
no-context sentences, or as a field of a nested meta.author object whose
name is the context).

jsonl --kind heavy: every record holds 3 to 6 such items, between short
sentences, so that the store, not the matcher, has most of the work.

csv: id,race,sex,outcome,prediction,score for the bias audit, with group
effects on the outcome, predictions that agree with the outcome 80% of the
time, and a few empty cells (race 0.5%, sex 0.3%, outcome 0.2%,
prediction 0.1%), which auditor counts as "(unknown)" groups and missing
outcomes or predictions.

Output goes to -o (default stdout); the generation stops after the record
that reaches N megabytes (1e6 bytes) or N rows. Work is cut into chunks of
records whose random generator is seeded from (seed, kind, chunk index), so
the bytes depend only on the seed and the size, never on --jobs: the same
seed always gives the same file, and a smaller size gives a prefix of a
larger one. --stats writes a JSON object with what was generated (records,
bytes, records holding an item, items per entity).
"""
import argparse
import json
import multiprocessing
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "eval"))
import gen_eval  # noqa: E402  (the entity generators and their templates)

GENERATOR_VERSION = 1
CHUNK_RECORDS = 2000
CHUNK_ROWS = 100000
PII_SHARE = 0.05

# --------------------------------------------------------------------------
# Vocabulary and sentence templates.
# --------------------------------------------------------------------------

NOUNS = """
account agency agreement airport analysis answer apartment approach area
article artist audience author bakery balance band bank bicycle bill bird
board boat book border bottle box brand bread bridge budget building bus
business cabinet cafe camera campaign candidate capital car card career
case castle cat chapter chart chef child choice church city class climate
clinic coach coast code coffee colleague committee community company
concert conference contract council country court crew crowd culture
customer dataset deadline decade decision department design desk
developer device diagram dinner director discussion district doctor
document dog draft driver economy editor election engine engineer
equipment estimate event evidence exhibition experience experiment expert
factory family farm farmer feature festival field figure film
fisherman flight floor forest format fountain framework friend function
garden gallery generation glass goal government graph group guide
harbour harvest headline helmet highway history holiday hospital hotel
house idea image index industry island issue journal journey judge kitchen
laboratory lake landscape language laptop lawyer leader lecture lesson
letter library license list loan machine magazine manager manual map
market meeting member memory message method minister model moment
monastery mountain museum musician neighbour network newspaper novel
nurse ocean office officer opinion orchestra organisation owner painting
panel paper parliament partner passenger patient pattern performance
period permit phase photograph pilot plan planet platform player poem
policy politician pool port portrait position printer problem procedure
process producer product professor program project proposal publisher
quarter question queue railway recipe record region report republic
researcher restaurant result review river road robot roof route rule
sample satellite schedule scheme school scientist screen season sector
server session shelf ship shop signal singer site society software
soldier solution song source species speech stadium station statue
strategy street student studio study subject supplier survey system table
teacher team technique telescope temple tenant theatre theory ticket tool
tournament tower town tradition train translation treaty tree trial
tunnel university valley vehicle version village visitor volunteer
warehouse website week window winter witness workshop writer year
""".split()

ADJS = """
able active actual ancient annual anonymous bright broad busy careful
central cheap civil classic clean clear close cold common complex
concrete correct creative critical curious current dark dedicated deep
detailed different difficult digital direct distant domestic dry early
eastern easy economic effective efficient elderly electric empty entire
essential exact excellent expensive experimental external fair familiar
famous fast final financial first flat foreign formal former fresh
friendly full general generous gentle global golden good grand great
green handsome heavy hidden historic honest huge ideal important
independent industrial informal initial inner innovative interesting
internal key large late leading legal light likely little live local
long loud low main major manual massive medical minor mobile modern
modest narrow national natural nearby neat negative new next nice noisy
northern novel obvious official old open ordinary organic original
other outdoor overall patient peaceful personal plain pleasant polite
popular positive possible powerful practical precise previous primary
private public quick quiet rapid rare raw ready real recent regional
regular relevant remote rich rural safe secondary secure senior serious
sharp short silent simple single small smooth social soft solid
southern special stable steady steep strange strict strong successful
sudden sufficient suitable technical temporary thin tiny typical
unusual urban useful usual valuable various vast visible vital warm
weak western whole wide wild wooden young
""".split()

VERBS_PAST = """
accepted achieved acquired added addressed adjusted adopted advised
announced answered approved argued arranged assessed attended avoided
built calculated cancelled carried changed checked chose cleaned closed
collected combined compared completed confirmed considered constructed
contained continued converted copied covered created criticised crossed
decided defended defined delayed delivered described designed developed
discovered discussed displayed doubled drafted drew earned edited
encouraged ended enjoyed entered established estimated examined expanded
explained explored extended faced filled finished fixed followed formed
found gathered handled helped hired identified ignored improved included
increased installed introduced invited joined kept launched led left
lifted limited listed loaded lost maintained managed marked measured met
missed moved named noticed observed obtained opened ordered organised
painted passed placed planned played prepared presented printed produced
promised protected proved published pushed raised reached read received
recorded reduced rejected released removed repaired repeated replaced
reported represented requested reviewed revised saw selected sent shared
shipped showed signed simplified sold solved sorted started stopped
studied submitted suggested supported surveyed tested tracked trained
translated treated updated used visited watched welcomed won wrote
""".split()

VERBS_S = """
affects allows appears argues belongs brings builds carries causes
changes combines comes contains covers creates depends describes
deserves explains faces feels follows gives grows helps holds improves
includes involves keeps leads looks makes matters means measures moves
needs offers opens produces provides reaches reflects remains requires
runs seems serves shows stands starts suggests supports takes tends uses
varies works
""".split()

ADVS = """
actually almost already always carefully certainly clearly closely
completely currently directly easily especially eventually exactly
finally firmly fully generally gently gradually greatly hardly highly
largely lately mainly merely mostly nearly normally occasionally often
openly partly perhaps possibly precisely probably quickly quietly rarely
really recently regularly roughly seldom simply slightly slowly sometimes
soon steadily strongly suddenly surely typically usually warmly widely
""".split()

PREPS = ("in on at near behind across along around beside between during "
         "after before within without under over through toward against "
         "beyond inside outside").split()
DETS = ["the", "the", "the", "a", "this", "that", "every", "one", "our",
        "their", "its", "each", "another"]
CONJ = ["and", "but", "while", "because", "although", "so", "since",
        "whereas", "and then", "yet"]
PLACES = ["Lisbon", "Krakow", "Nairobi", "Osaka", "Toronto", "Valparaiso",
          "Glasgow", "Porto Alegre", "Tbilisi", "Auckland", "Bergen",
          "Marrakesh", "Hanoi", "Denver", "Leipzig", "Cordoba", "Tampere",
          "Brisbane", "Ljubljana", "Montevideo", "Dakar", "Seville",
          "Quebec City", "Kyoto", "Tallinn", "Rotterdam", "Bologna",
          "Pune", "Cusco", "Reykjavik"]
ORGS = ["the city council", "the national library", "a local cooperative",
        "the regional health board", "the university press",
        "the port authority", "a small start-up", "the football club",
        "the chamber of commerce", "the weather service",
        "the railway company", "an open-source foundation",
        "the parents' association", "the museum trust",
        "the statistics office"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
TOPICS = ["news", "science", "sports", "travel", "food", "health",
          "technology", "finance", "culture", "education", "politics",
          "environment", "history", "music", "opinion", "local"]
SITES = ["dailyherald", "thelocalpost", "riverside-times", "openforum",
         "techbeat", "greenleafblog", "worldobserver", "cityweekly",
         "thekitchenlog", "trailnotes", "sciencecorner", "market-watch",
         "heritage-online", "campusvoice", "northstar-news"]
TLDS = ["com", "org", "net", "co.uk", "de", "fr", "es", "io", "info"]

EN_TEMPLATES = [
    "{Det} {adj} {noun} {past} {det} {noun} {prep} {det} {adj} {noun}.",
    "{Det} {noun} {adv} {past} {det} {adj} {noun}.",
    "In {year}, {org} {past} {det} {adj} {noun} {prep} {place}.",
    "{Name} said that {det} {noun} {s} {det} {adj} {noun}.",
    "According to {det} {noun}, about {pct} of {det} {noun}s {past} "
    "{det} {noun} last {month}.",
    "{Det} {noun} costs {price}, {conj} {det} {adj} {noun} {s} more.",
    "We {past} {det} {noun} {adv}, {conj} {det} {noun} {past} {det} {noun}.",
    "\"{Det} {noun} {s} {adj},\" {name} {past2} {det} {noun} {prep} "
    "{place}.",
    "More than {count} {noun}s {past} {det} {noun} {prep} {place} "
    "{prep} {month}.",
    "It is {adj} to see how {det} {noun} {s} {det} {adj} {noun}.",
    "{Det} {adj} {noun} and {det} {adj} {noun} {past} {det} {noun}.",
    "Why {past3} {det} {noun} {verb0} {det} {noun} {prep} {det} {noun}?",
    "{Adv}, {det} {noun} {past} {det} {noun} {prep} {det} {adj} {noun}.",
    "{Org} {past} {det} {noun} on {month} {day}, {year}.",
    "The {noun} at {place} {s} {adj} {conj} {det} {noun} {s} {adj}.",
    "Our {noun} {past} {det} {noun} in {hours} hours and {count} minutes.",
    "{Det} {noun} grew by {pct} between {year} and {year2}.",
    "Nobody {past} {det} {adj} {noun}, {conj} {name} {adv} {past} it.",
    "There {was} {det} {adj} {noun} {prep} {det} {noun} near {place}.",
    "{Det} {adj} {noun} {s} {det} {noun} that {name} {past} in {year}.",
    "After {det} {noun}, {det} {noun}s {past} {det} {adj} {noun} again.",
    "{Name} and {name} {past} {det} {noun} for {det} {adj} {noun}.",
    "Each {noun} {s} roughly {count} {noun}s, {conj} {det} {noun} {s} "
    "{adj}.",
    "{Det} {noun} (built in {year}) {s} {det} {adj} {noun}.",
    "Version {ver} of {det} {noun} {past} {det} {adj} {noun}.",
    "{Det} {noun}'s {noun} {past} {det} {noun} - {adv} {adj}.",
    "Should {det} {noun} {verb0} {det} {adj} {noun}?",
    "{Det} {noun} opened at {time} and {past} {det} {noun} by {time2}.",
]

DE_TEMPLATES = [
    "Der {w} wurde {w} im Jahr {year} {w}, und die {w} war sehr {w}.",
    "Die {w} in {place} hat {count} {w} und {w} Gäste empfangen.",
    "Für die {w} müssen wir noch {count} {w} prüfen, schreibt {name}.",
    "Laut {w} stieg der Anteil um {pct} auf {count} {w}.",
    "Über die {w} wurde lange gestritten, doch die {w} blieb {w}.",
]
DE_WORDS = ("Stadt Bericht Straße Gemeinde Brücke Schule Verwaltung Zukunft "
            "Größe Entwicklung Ergebnis Bürger Mannschaft Veränderung "
            "Übersicht Planung Möglichkeit schön wichtig groß klein neu "
            "alt öffentlich gründlich eröffnet gebaut verändert "
            "geprüft Ausstellung Wähler Landkreis Behörde Mühle").split()
FR_TEMPLATES = [
    "Le {w} de {place} a été {w} en {year}, et la {w} reste {w}.",
    "Selon le {w}, près de {pct} des {w} ont {w} la {w}.",
    "La {w} coûte {price}, mais le {w} est plus {w}, écrit {name}.",
    "À {place}, les {w} ont reçu {count} {w} pendant l'été.",
    "Être {w} n'est pas facile quand la {w} est si {w}.",
]
FR_WORDS = ("marché équipe société quartier bibliothèque réunion élève "
            "été hôpital théâtre ville rivière château région étude "
            "résultat économie forêt pêcheur boulangerie général ancien "
            "célèbre agréable modeste présenté créé fermé rénové élu "
            "déçu réussi prévu").split()
ES_TEMPLATES = [
    "El {w} de {place} fue {w} en {year} y la {w} sigue {w}.",
    "Según el {w}, casi el {pct} de los {w} visitó la {w}.",
    "La {w} cuesta {price}, pero el {w} es más {w}, dijo {name}.",
    "¿Por qué la {w} de {place} está tan {w} este año?",
    "En {month} llegaron {count} {w} al {w} del puerto.",
]
ES_WORDS = ("mercado pueblo región niño canción jardín señora razón "
            "público estación educación económico histórico pequeño "
            "difícil rápido tranquilo construido cerrado elegido "
            "reformado montaña río acción opinión biblioteca").split()


AN = re.compile(r"\b([Aa]) ([aeiouAEIOU])")


def _pick(r, seq):
    return seq[int(r.random() * len(seq))]


class Sentences:
    """Makes sentences from the templates; the pools built from the seed
    keep the generation fast (one random draw per sentence later on)."""

    def __init__(self, seed):
        r = random.Random("bench-sentences:%s" % seed)
        self.en = [self.english(r) for _ in range(150000)]
        self.de = [self.other(r, DE_TEMPLATES, DE_WORDS) for _ in range(4000)]
        self.fr = [self.other(r, FR_TEMPLATES, FR_WORDS) for _ in range(4000)]
        self.es = [self.other(r, ES_TEMPLATES, ES_WORDS) for _ in range(4000)]
        self.titles = [self.title(r) for _ in range(20000)]

    @staticmethod
    def slots(r):
        first = gen_eval.FIRST
        last = gen_eval.LAST
        year = r.randint(1950, 2024)
        return {
            "det": lambda: _pick(r, DETS), "noun": lambda: _pick(r, NOUNS),
            "adj": lambda: _pick(r, ADJS), "past": lambda: _pick(r,
                                                                  VERBS_PAST),
            "past2": lambda: _pick(r, ["told", "wrote to", "reminded",
                                       "assured", "warned"]),
            "past3": lambda: _pick(r, ["did", "would", "could", "should"]),
            "verb0": lambda: _pick(r, ["change", "replace", "support",
                                       "ignore", "follow", "fund",
                                       "review", "close"]),
            "s": lambda: _pick(r, VERBS_S), "adv": lambda: _pick(r, ADVS),
            "prep": lambda: _pick(r, PREPS), "conj": lambda: _pick(r, CONJ),
            "place": lambda: _pick(r, PLACES), "org": lambda: _pick(r, ORGS),
            "name": lambda: "%s %s" % (_pick(r, first).title(),
                                       _pick(r, last).title()),
            "month": lambda: _pick(r, MONTHS),
            "day": lambda: str(r.randint(1, 28)),
            "year": lambda: str(year), "year2": lambda: str(year +
                                                            r.randint(1, 9)),
            "pct": lambda: r.choice(["%d%%" % r.randint(2, 95),
                                     "%d.%d percent" % (r.randint(1, 60),
                                                        r.randint(0, 9))]),
            "price": lambda: r.choice(["$%d" % r.randint(3, 900),
                                       "%d,%03d euros" % (r.randint(1, 40),
                                                          r.randint(0, 999)),
                                       "£%d.%02d" % (r.randint(1, 99),
                                                     r.randint(0, 99))]),
            "count": lambda: str(r.choice([r.randint(2, 60),
                                           r.randint(60, 900),
                                           r.randint(1000, 40000)])),
            "hours": lambda: str(r.randint(2, 72)),
            "ver": lambda: "%d.%d" % (r.randint(1, 12), r.randint(0, 20)),
            "time": lambda: "%d:%02d" % (r.randint(6, 11),
                                         r.choice([0, 15, 30, 45])),
            "time2": lambda: "%d:%02d" % (r.randint(12, 22),
                                          r.choice([0, 15, 30, 45])),
            "was": lambda: r.choice(["was", "is", "used to be"]),
        }

    def fill(self, r, tpl, extra=None):
        sl = self.slots(r)
        if extra:
            sl.update(extra)
        out = []
        i = 0
        while True:
            j = tpl.find("{", i)
            if j < 0:
                out.append(tpl[i:])
                break
            k = tpl.index("}", j)
            out.append(tpl[i:j])
            key = tpl[j + 1:k]
            low = key[0].lower() + key[1:]
            v = sl[low]()
            if key[0].isupper():
                v = v[0].upper() + v[1:]
            out.append(v)
            i = k + 1
        return AN.sub(r"\1n \2", "".join(out))

    def english(self, r):
        return self.fill(r, _pick(r, EN_TEMPLATES))

    def other(self, r, templates, words):
        return self.fill(r, _pick(r, templates),
                         {"w": lambda: _pick(r, words)})

    def title(self, r):
        n = r.randint(3, 8)
        ws = [_pick(r, ADJS if i % 3 == 1 else NOUNS) for i in range(n)]
        t = " ".join(w.title() for w in ws)
        return r.choice(["", "", "How ", "Why ", "The ", "Inside "]) + t + \
            r.choice(["", "", "", ": A Review", " in %d" % r.randint(1990,
                                                                     2024),
                      "?"])


# --------------------------------------------------------------------------
# Personal data and secrets, from gen_eval's generators.
# --------------------------------------------------------------------------

# How often each entity is picked, relative to the others (1 when not
# listed): the common kinds of real leaks first.
WEIGHTS = {"EMAIL_ADDRESS": 20, "PHONE_NUMBER": 14, "IP_ADDRESS": 10,
           "CREDIT_CARD": 5, "IBAN_CODE": 4, "US_SSN": 4,
           "DATE_OF_BIRTH": 3, "AWS_ACCESS_KEY": 3, "GITHUB_TOKEN": 3,
           "URL_CREDENTIALS": 2, "JWT": 2, "GENERIC_SECRET": 2}
SPECS = gen_eval.SPECS
CUM = []
_t = 0
for _s in SPECS:
    _t += WEIGHTS.get(_s.entity, 1)
    CUM.append(_t)


def pick_spec(r):
    x = r.random() * CUM[-1]
    lo, hi = 0, len(CUM) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if CUM[mid] > x:
            hi = mid
        else:
            lo = mid + 1
    return SPECS[lo]


def make_item(r):
    """(entity, sentence holding the value, field name or None, value)."""
    s = pick_spec(r)
    got = s.pos(r)
    value, need = got[0], got[2]
    ctx = got[3] if len(got) > 3 else s.ctx
    if s.fields and len(got) == 3 and r.random() < 0.15:
        field = _pick(r, s.fields)
        if s.entity == "PRIVATE_KEY":
            value += gen_eval.pem_block(r, value[11:-5])[1]
        return s.entity, None, field, value
    if need or not s.noctx or r.random() < s.ctx_share:
        tpl = _pick(r, ctx)
    else:
        tpl = _pick(r, s.noctx)
    if s.entity == "PRIVATE_KEY":
        tpl = tpl.replace("{v}", "{v}" + gen_eval.pem_block(
            r, value[11:-5])[1])
    return s.entity, tpl.replace("{v}", value), None, value


# --------------------------------------------------------------------------
# Records.
# --------------------------------------------------------------------------

_SENT = None


def sentences(seed):
    global _SENT
    if _SENT is None or _SENT[0] != seed:
        _SENT = (seed, Sentences(seed))
    return _SENT[1]


def paragraph(r, pool, n):
    return " ".join(_pick(r, pool) for _ in range(n))


def meta(r, lang, tokens):
    return {"lang": lang,
            "source": "cc/CC-MAIN-20%02d-%02d" % (r.randint(19, 24),
                                                  r.randint(1, 52)),
            "timestamp": "20%02d-%02d-%02dT%02d:%02d:%02dZ" % (
                r.randint(15, 24), r.randint(1, 12), r.randint(1, 28),
                r.randint(0, 23), r.randint(0, 59), r.randint(0, 59)),
            "quality": {"score": round(r.random(), 4),
                        "perplexity": round(r.uniform(40, 900), 1)},
            "tokens": tokens,
            "tags": [_pick(r, TOPICS) for _ in range(r.randint(0, 3))]}


def prose_record(r, S, rid):
    """One web-crawl-like record; with probability PII_SHARE it holds one
    or two items. Returns (object, entities of its items)."""
    x = r.random()
    lang, pool = ("en", S.en) if x < 0.85 else ("de", S.de) if x < 0.9 \
        else ("fr", S.fr) if x < 0.95 else ("es", S.es)
    paras = [paragraph(r, pool, r.randint(2, 7))
             for _ in range(r.randint(1, 5))]
    comments = None
    if r.random() < 0.12:
        comments = [{"author": "%s%d" % (_pick(r, gen_eval.FIRST),
                                         r.randint(1, 999)),
                     "body": paragraph(r, pool, r.randint(1, 3))}
                    for _ in range(r.randint(1, 3))]
    author = None
    ents = []
    if r.random() < PII_SHARE:
        for _ in range(1 if r.random() < 0.8 else 2):
            ent, sent, field, value = make_item(r)
            ents.append(ent)
            if field:
                author = author or {"name": gen_eval.name(r)}
                author[field] = value
            elif comments and r.random() < 0.3:
                c = _pick(r, comments)
                c["body"] += " " + sent
            else:
                i = r.randrange(len(paras))
                parts = paras[i].split(". ")
                j = r.randrange(len(parts) + 1)
                parts.insert(j, sent.rstrip("."))
                paras[i] = ". ".join(parts)
    text = "\n\n".join(paras)
    slug = "-".join(_pick(r, NOUNS) for _ in range(r.randint(2, 5)))
    obj = {"id": rid,
           "url": "https://www.%s.%s/%s/%s-%d" % (
               _pick(r, SITES), _pick(r, TLDS), _pick(r, TOPICS), slug,
               r.randint(1000, 999999)),
           "title": _pick(r, S.titles),
           "text": text,
           "meta": meta(r, lang, len(text) // 5)}
    if author:
        obj["meta"]["author"] = author
    if comments:
        obj["comments"] = comments
    return obj, ents


def heavy_record(r, S, rid):
    """A record of short sentences with 3 to 6 items (some as fields of a
    nested customer object). Returns (object, entities)."""
    n = r.randint(3, 6)
    parts = []
    cust = {}
    ents = []
    for _ in range(n):
        ent, sent, field, value = make_item(r)
        ents.append(ent)
        if field:
            cust[field] = value
        else:
            parts.append(paragraph(r, S.en, r.randint(1, 3)))
            parts.append(sent)
    parts.append(_pick(r, S.en))
    obj = {"id": rid, "url": "https://support.%s.%s/ticket/%d" % (
        _pick(r, SITES), _pick(r, TLDS), r.randint(10000, 9999999)),
        "title": _pick(r, S.titles), "text": " ".join(parts),
        "meta": meta(r, "en", 0)}
    if cust:
        cust["name"] = gen_eval.name(r)
        obj["customer"] = cust
    obj["meta"]["tokens"] = len(obj["text"]) // 5
    return obj, ents


def jsonl_chunk(args):
    """Worker: the lines of chunk c and, per line, its entities."""
    seed, kind, c = args
    S = sentences(seed)
    r = random.Random("bench-%s:%s:%d" % (kind, seed, c))
    make = prose_record if kind == "prose" else heavy_record
    out = []
    for i in range(CHUNK_RECORDS):
        obj, ents = make(r, S, c * CHUNK_RECORDS + i + 1)
        line = json.dumps(obj, ensure_ascii=False) + "\n"
        out.append((line.encode("utf-8"), ents))
    return out


RACES = [("White", 0.52), ("Black", 0.20), ("Hispanic", 0.15),
         ("Asian", 0.08), ("Native American", 0.02), ("Other", 0.03)]
RACE_EFFECT = {"White": 0.08, "Black": -0.07, "Hispanic": -0.04,
               "Asian": 0.05, "Native American": -0.06, "Other": 0.0}


def csv_chunk(args):
    seed, _kind, c = args
    r = random.Random("bench-csv:%s:%d" % (seed, c))
    cum, t = [], 0.0
    for _, w in RACES:
        t += w
        cum.append(t)
    names = [n for n, _ in RACES]
    out = []
    base = c * CHUNK_ROWS
    for i in range(CHUNK_ROWS):
        x = r.random()
        k = 0
        while k < len(cum) - 1 and x >= cum[k]:
            k += 1
        race = names[k]
        sex = "Female" if r.random() < 0.48 else "Male"
        p = 0.42 + RACE_EFFECT[race] + (0.04 if sex == "Male" else -0.03)
        y = 1 if r.random() < p else 0
        pred = y if r.random() < 0.8 else 1 - y
        score = min(0.9999, max(0.0, 0.25 + 0.5 * pred + r.gauss(0, 0.15)))
        m = r.random()
        rs = "" if m < 0.005 else race
        ss = "" if 0.005 <= m < 0.008 else sex
        ys = "" if 0.008 <= m < 0.010 else str(y)
        ps = "" if 0.010 <= m < 0.011 else str(pred)
        out.append((("%d,%s,%s,%s,%s,%.4f\n" % (base + i + 1, rs, ss, ys,
                                                ps, score)).encode(), rs))
    return out


def run(kind, seed, jobs, out, limit_bytes=None, limit_rows=None):
    """Writes chunks in order until the limit; returns stats."""
    fn = csv_chunk if kind == "csv" else jsonl_chunk
    stats = {"generator": "gen_corpus.py", "generator_version":
             GENERATOR_VERSION, "kind": kind, "seed": seed, "records": 0,
             "bytes": 0}
    if kind == "csv":
        header = b"id,race,sex,outcome,prediction,score\n"
        out.write(header)
        stats["bytes"] = len(header)
        stats["empty_race"] = 0
    else:
        stats["records_with_items"] = 0
        stats["items"] = 0
        stats["items_per_entity"] = {}
    per = stats.get("items_per_entity")
    pool = multiprocessing.Pool(jobs) if jobs > 1 else None
    c = 0
    done = False
    try:
        while not done:
            batch = [(seed, kind, c + k) for k in range(max(2 * jobs, 1))]
            c += len(batch)
            results = pool.imap(fn, batch) if pool else map(fn, batch)
            for chunk in results:
                if done:
                    continue
                for line, extra in chunk:
                    out.write(line)
                    stats["records"] += 1
                    stats["bytes"] += len(line)
                    if kind == "csv":
                        stats["empty_race"] += extra == ""
                    elif extra:
                        stats["records_with_items"] += 1
                        stats["items"] += len(extra)
                        for e in extra:
                            per[e] = per.get(e, 0) + 1
                    if (limit_bytes is not None and
                            stats["bytes"] >= limit_bytes) or \
                            (limit_rows is not None and
                             stats["records"] >= limit_rows):
                        done = True
                        break
    finally:
        if pool:
            pool.terminate()
    if kind != "csv":
        stats["share_with_items"] = (stats["records_with_items"] /
                                     max(stats["records"], 1))
        stats["items_per_entity"] = dict(sorted(per.items()))
    return stats


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=["jsonl", "csv"])
    ap.add_argument("--kind", choices=["prose", "heavy"], default="prose")
    ap.add_argument("--mb", type=float, help="jsonl: megabytes (1e6 bytes)")
    ap.add_argument("--rows", type=int, help="csv: data rows")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--out", help="output file (default stdout)")
    ap.add_argument("--stats", help="write generation statistics (JSON)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    if a.what == "jsonl" and not a.mb:
        ap.error("jsonl needs --mb")
    if a.what == "csv" and not a.rows:
        ap.error("csv needs --rows")
    f = open(a.out, "wb") if a.out else sys.stdout.buffer
    with f:
        if a.what == "csv":
            st = run("csv", a.seed, a.jobs, f, limit_rows=a.rows)
        else:
            st = run(a.kind, a.seed, a.jobs, f,
                     limit_bytes=int(a.mb * 1e6))
    if a.stats:
        with open(a.stats, "w") as s:
            json.dump(st, s, indent=1)
            s.write("\n")


if __name__ == "__main__":
    main()
