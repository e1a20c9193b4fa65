# phones-national.pat: phone numbers written the national way, with the
# trunk prefix 0, in the UK, Germany, France and India. International
# numbers (+CC ...) are phone_e164 in pii-global.pat and North American
# ones phone_nanp* in pii-us.pat. Validators (number plans) are in
# auditor/validate_global.c. Format: patterns/README.md.
#
# Every prefilter but India's grouped one promises a stretch of digits that
# starts with the trunk 0 ("start 0"), so that dates and years in prose
# open no window here. Grouped numbers are recognised on their own; a bare
# run of digits is reported only next to a context word (order numbers,
# ids and timestamps are digit runs too). The same text may fit several
# countries' plans: it is one PHONE_NUMBER either way, and the engine keeps
# one finding per span (the entry loaded first, so the most permissive
# plan, Germany's, comes last).
#
# Sample numbers are made up. Ofcom's drama ranges (020 7946 0xxx, 07700
# 900xxx, ...) and the Bundesnetzagentur's "Drama Numbers" (030 23125 xxx,
# ...) are recognised as placeholders by validate_global.c.

id: phone_uk
entity: PHONE_NUMBER
description: UK national number with trunk 0, grouped: 020 7123 4567, 0161 234 5678, 01223 456789, 07911 123456, (029) 2034 5678
regex: (?<![\w+.-])(?<!\d[ -])(?:\(0\d{2,5}\) ?|0\d{2,5}[ -])\d{3,4}(?:[ -]?\d{3,4})?(?![\w-]|\.\d|[ -]\d)
validator: phone_uk
prefilter: digits 10 group 3-6 start 0
context: phone, tel, telephone, mobile, mob, cell, fax, call, sms, whatsapp, contact
confidence: 0.6
window: 20
match: 020 7123 4567
match: Tel: (029) 2034 5678
match: 0161 234 5678
match: mobile 07911 123456
match: 07911-123-456
match: 0800 123 4567
match: Cambridge office 01223 456789.
match: Smith,0113 234 5678,LS1 4DY
nomatch: 020 1123 4567
nomatch: 021 7123 4567
nomatch: 0600 123 4567
nomatch: 02071234567
nomatch: 020 7123 4567 8901
nomatch: ref 1 020 7123 4567
nomatch: 0000 123 4567
nomatch: ISBN 978-0-12-345678-9
nomatch: 4539 1488 0343 6467
nomatch: 2023-10-05T12:34:56
nomatch: +44 20 7123 4567
nomatch: personnummer 080519-0984
# Ofcom drama numbers (national form): reported as placeholders.
placeholder: 020 7946 0123
placeholder: 0113 496 0555
placeholder: 07700 900461

id: phone_fr
entity: PHONE_NUMBER
description: French national number: 0 then 9 digits as five pairs joined by one kind of separator (01 23 45 67 89, 06.12.34.56.78)
regex: (?<![\w+.-])(?<!\d[ .-])0[1-9]([ .-])\d\d(?:\1\d\d){3}(?![\w-]|\.\d|[ .-]\d)
validator: phone_fr
prefilter: digits 10 group 2-2 start 0
context: phone, tel, telephone, téléphone, tél, portable, mobile, fax, appel, contact
confidence: 0.6
window: 16
match: 01 23 45 67 89
match: 06.12.34.56.78
match: tél : 04-78-12-34-56
match: portable 07 81 23 45 67, fixe 09 51 23 45 67
match: {"tel":"05 61 23 45 67"}
nomatch: 00 12 34 56 78
nomatch: 01 23 45 67
nomatch: 01 23 45 67 89 10
nomatch: 01.23 45.67.89
nomatch: 12 34 56 78 90
nomatch: 06/12/34/56/78
nomatch: 0123456789
nomatch: 2023-10-05

id: phone_in
entity: PHONE_NUMBER
description: Indian national number with trunk 0: mobile 098765 43210, 0 98765 43210, 0612 345 6789; landline with STD code 0484 234 5678
regex: (?<![\w+.-])(?<!\d[ -])(?:0 ?[6-9]\d{4}[ -]\d{5}|0[6-9]\d{2}[ -]\d{3}[ -]\d{4}|0[1-8]\d{1,3}[ -]\d{3,4}[ -]?\d{4})(?![\w-]|\.\d|[ -]\d)
validator: phone_in
prefilter: digits 11 group 3-5
context: phone, tel, telephone, mobile, mob, cell, ph no, contact no, whatsapp, sms, call
confidence: 0.6
window: 16
match: 098765 43210
match: Mob: 0 98765 43210
match: 0484 234 5678
match: Ph: 0612 345 6789
match: {"mobile":"097654 32109"}
nomatch: 098765 4321
nomatch: 098765 432101
nomatch: 058765 43210
nomatch: 98765 43210
nomatch: 0 98765 43210 5
nomatch: 2023-10-05T12:34:56

id: phone_de
entity: PHONE_NUMBER
description: German national number with trunk 0: area code and subscriber separated (030 901820, (089) 1234567, 030/12345678, 0151 12345678, 0711 12345-0)
regex: (?<![\w+.-])(?<!\d[ -])(?:\(0\d{2,5}\) ?|0\d{2,5}(?:/ ?| ?/| |-))\d{2,8}(?:[ -]\d{1,8})?(?![\w-]|\.\d|[ /-]\d)
validator: phone_de
prefilter: digits 8 group 3-6 start 0
context: phone, tel, telefon, telephone, handy, mobil, mobile, fax, rufnummer, anruf, contact, kontakt
confidence: 0.6
window: 28
match: 030 901820
match: Tel. (089) 1234567
match: Handy 0151 12345678
match: 030/12345678
match: Zentrale 0711 12345-0
match: mobil 0176 12345678
match: {"telefon":"040 4123456"}
nomatch: 030 012345
nomatch: 0101 12345678
nomatch: 040 12
nomatch: 0151 1234 5678 9012
nomatch: 01067 Dresden
nomatch: 0030 901820
nomatch: 2023-10-05T12:34:56
nomatch: ISBN 978-3-16-148410-0
nomatch: +49 30 901820
nomatch: Boston, MA 02134-5553
nomatch: part no. 0451-2345-62
nomatch: henkilötunnus 050690-1286
nomatch: 0234 5678 9123
# Bundesnetzagentur drama numbers: reported as placeholders.
placeholder: 030 23125 000
placeholder: (089) 99998 123
placeholder: 0152 28817386

# ---- bare digit runs: only next to a context word --------------------

id: phone_uk_plain
entity: PHONE_NUMBER
description: UK national number as plain digits (0 and 10 digits), reported only next to a context word
regex: (?<![\w+.-])0[1-9]\d{8,9}(?![\w-]|\.\d)
validator: phone_uk
prefilter: digits 10 group 10-11 start 0
context: phone, tel, telephone, mobile, mob, cell, fax, call, sms, whatsapp
context-required: yes
confidence: 0.5
window: 16
match: phone: 02071234567
match: tel 07911123456
match: {"mobile":"07911123456"}
nomatch: 02071234567
nomatch: order 02071234567
nomatch: phone: 02171234567
nomatch: phone: 0017123456789

id: phone_fr_plain
entity: PHONE_NUMBER
description: French national number as ten plain digits, reported only next to a context word
regex: (?<![\w+.-])0[1-9]\d{8}(?![\w-]|\.\d)
validator: phone_fr
prefilter: digits 10 group 10-10 start 0
context: phone, tel, telephone, téléphone, tél, portable, mobile, fax
context-required: yes
confidence: 0.5
window: 16
match: tel 0612345678
match: portable: 0781234567
nomatch: 0612345678
nomatch: commande 0612345678
nomatch: tel 0012345678

id: phone_in_plain
entity: PHONE_NUMBER
description: Indian mobile number as ten plain digits (6-9...), or grouped 5-5 without the 0, reported only next to a context word
regex: (?<![\w+.-])(?<!\d[ -])(?:0?[6-9]\d{9}|[6-9]\d{4}[ -]\d{5})(?![\w-]|\.\d|[ -]\d)
validator: phone_in
prefilter: digits 10 group 5-11
context: phone, tel, telephone, mobile, mob, cell, ph no, contact no, whatsapp, sms
context-required: yes
confidence: 0.5
window: 16
match: mobile 9976543210
match: Mob: 98765 43210
match: {"phone":"7650321098"}
nomatch: 98765 43210
nomatch: order 9876543210
nomatch: mobile 98765 4321
nomatch: zip codes 75001 75016

id: phone_de_plain
entity: PHONE_NUMBER
description: German national number as plain digits (0 and 7-11 digits), reported only next to a context word
regex: (?<![\w+.-])0[1-9]\d{6,10}(?![\w-]|\.\d)
validator: phone_de
prefilter: digits 8 group 8-12 start 0
context: phone, tel, telefon, telephone, handy, mobil, mobile, fax, rufnummer
context-required: yes
confidence: 0.5
window: 16
match: Tel. 030901820
match: Handy 015112345678
match: {"telefon":"0891234567"}
nomatch: 030901820
nomatch: Bestellung 030901820
nomatch: Tel. 0101234567
nomatch: Tel. 0301234567890
