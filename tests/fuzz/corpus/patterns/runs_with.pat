id: nino
entity: UK_NINO
description: two letters, six digits, a letter
regex: (?<![\w-])[A-Z]{2}(?: ?\d{2}){3} ?[A-D](?![\w-])
prefilter: run [0-9A-Z\s] 9 with 6 [0-9] with 3 [A-Z]
window: 13
confidence: 0.5
match: AB 12 34 56 C
nomatch: AB 12 34 5 C

id: v4
entity: IP_ADDRESS
description: dotted quad
regex: (?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\.?\w)
prefilter: run [0-9.] 7 with 3 [.]
window: 15
confidence: 0.5
match: 10.1.2.3
nomatch: 10.1.2
