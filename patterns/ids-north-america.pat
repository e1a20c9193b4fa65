# ids-north-america.pat: North American national identifiers besides the
# SSN (pii-us.pat): US Individual Taxpayer Identification Numbers, US
# passport numbers and Canadian Social Insurance Numbers. Format:
# patterns/README.md.
#
# Sample values are made up; SINs carry computed Luhn check digits. Nine
# plain digits are everywhere (order numbers, zip+4, phone fragments), so
# the plain forms are reported only next to a context word.

id: us_itin
entity: US_ITIN
description: US Individual Taxpayer Identification Number, 9XX-XX-XXXX with the IRS group ranges (dashes or spaces)
regex: (?<![\w-])(?<!\d )9\d{2}([- ])(?:5\d|6[0-5]|7\d|8[0-8]|9[0-24-9])\1\d{4}(?![\w-]| \d)
validator: us_itin
prefilter: digits 9 group 2-2
context: itin, individual taxpayer, taxpayer identification, taxpayer id, tax id, tin, irs
confidence: 0.6
window: 16
match: ITIN: 912-70-1234
match: 987 88 4321
match: {"itin":"955-50-0417"}
match: W-7 approved, taxpayer id 931-94-2222.
match: 900-65-1000
nomatch: 912-93-1234
nomatch: 912-49-1234
nomatch: 912-89-1234
nomatch: 812-70-1234
nomatch: 912-70 1234
nomatch: 9912-70-1234
nomatch: ISBN 978-3-16-148410-0
nomatch: 2023-10-05

id: us_itin_plain
entity: US_ITIN
description: US ITIN as nine plain digits, reported only next to a context word
regex: (?<![\w.+-])9\d{2}(?:5\d|6[0-5]|7\d|8[0-8]|9[0-24-9])\d{4}(?![\w-]|\.\d)
validator: us_itin
prefilter: digits 9 group 9-9
context: itin, individual taxpayer, taxpayer identification, taxpayer id, tax id, tin
context-required: yes
confidence: 0.5
window: 16
match: ITIN 912701234
match: taxpayer identification number: 955500417
nomatch: 912701234
nomatch: order 912701234
nomatch: ITIN 912931234
nomatch: ITIN 9127012345

id: us_passport
entity: US_PASSPORT
description: US passport book or card number (9 digits, or a letter and 8 digits since 2021), reported only next to a context word
regex: (?<![\w-])(?:[A-Z]\d{8}|\d{9})(?![\w-]|\.\d)
prefilter: digits 8 group 8-9
context: passport, passport no, passport number, passport#, passport card, travel document
context-required: yes
confidence: 0.5
window: 16
match: Passport No. 548213907
match: passport number: A12345678
match: {"passport":"C03005988"}
match: US passport 912345670 expires 2031
nomatch: 548213907
nomatch: passport: 54821390
nomatch: passport 5482139071
nomatch: order A12345678
nomatch: passport a12345678

id: ca_sin
entity: CA_SIN
description: Canadian Social Insurance Number, 3-3-3 digits with spaces or dashes, Luhn check digit (not right after a phone label)
regex: (?<![\w-])(?<!\d )(?<!(?i)tel |tel: |tel\. |fax |fax: |phone |phone: |mobile |mobile: |cell |call |móvil |movil |tlf |tfno |telefon |teléfono )\d{3}([- ])\d{3}\1\d{3}(?![\w-]|\.\d| \d)
validator: ca_sin
prefilter: digits 9 group 3-3
context: sin, social insurance, social insurance number, numéro d'assurance sociale, assurance sociale, nas
exclude-context: tfn, tax file, tax file number, abn, australian
confidence: 0.6
window: 16
match: SIN: 123-456-782
match: 130 692 544
match: {"sin":"527 194 328"}
match: NAS 912-345-675 (résident temporaire)
nomatch: 123-456-789
nomatch: 823-456-785
nomatch: 046 454 287
nomatch: 123-456 782
nomatch: 1123-456-782
nomatch: 212-555-2368
nomatch: ISBN 978-3-16-148410-0
nomatch: 123.456.782
nomatch: tel 612 345 678
nomatch: Móvil 612-345-678
nomatch: TFN: 479 683 963

id: ca_sin_plain
entity: CA_SIN
description: Canadian SIN as nine plain digits, reported only next to a context word
regex: (?<![\w.+-])\d{9}(?![\w-]|\.\d)
validator: ca_sin
prefilter: digits 9 group 9-9
context: sin, social insurance, social insurance number, numéro d'assurance sociale, assurance sociale, nas
context-required: yes
confidence: 0.5
window: 16
match: SIN 123456782
match: social insurance number: 130692544
nomatch: 123456782
nomatch: SIN 123456789
nomatch: SIN 823456785
nomatch: SIN 1234567820
