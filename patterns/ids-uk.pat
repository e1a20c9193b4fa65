# ids-uk.pat: United Kingdom identifiers: National Insurance numbers and
# NHS numbers. Format: patterns/README.md.
#
# Sample values are made up (NHS numbers carry computed Modulus 11 check
# digits); HMRC's own "QQ" example and the NHS test range 999 are listed as
# placeholder samples.

id: uk_nino
entity: UK_NINO
description: UK National Insurance number: two prefix letters, six digits, suffix A-D (HMRC NIM39110), plain or spaced QQ 12 34 56 C
regex: (?<![\w-])(?:QQ|[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])(?: ?\d{2}){3} ?[A-D](?![\w-])
validator: uk_nino
prefilter: run [0-9A-Z\s] 9 with 6 [0-9] with 3 [A-Z]
context: national insurance, national insurance number, nino, ni number, ni no, nat ins, insurance number
confidence: 0.7
window: 16
match: NI number: PR 93 04 17 D
match: HZ482193B
match: {"nino":"TW 556102 A"}
match: National Insurance No. CE 12 34 56 C, tax code 1257L
match: JK481293 B
nomatch: DA123456C
nomatch: FA123456C
nomatch: AO123456C
nomatch: GB123456A
nomatch: TN123456A
nomatch: ZZ123456B
nomatch: AB123456E
nomatch: AB12345C
nomatch: ab123456c
nomatch: XAB123456C
nomatch: AB1234567C
placeholder: QQ 12 34 56 C
placeholder: QQ123456A

id: uk_nhs
entity: UK_NHS
description: NHS number printed 3 3 4 with spaces, Modulus 11 check digit (NHS Data Dictionary); not right after a phone label
regex: (?<![\w+-])(?<!\d )(?<!(?i)tel |tel: |tel\. |fax |fax: |phone |phone: |mobile |mobile: |cell |call |móvil |movil |tlf |tfno |telefon |teléfono )\d{3} \d{3} \d{4}(?![\w-]|\.\d| \d)
validator: uk_nhs
prefilter: digits 10 group 3-3
context: nhs, nhs number, nhs no, national health service, health service number, chi number, chi no
confidence: 0.6
window: 16
match: NHS No: 485 777 3457
match: 401 023 2137
match: {"nhs_number":"612 345 6784"}
match: patient 712 098 3458, GP surgery
nomatch: 485 777 3458
nomatch: 612 345 6780
nomatch: 485-777-3457
nomatch: 4857773457
nomatch: 1485 777 3457
nomatch: 485 777 34571
nomatch: +44 485 777 3457
nomatch: 987 654 4321
nomatch: Phone: 212 555 2361
nomatch: call 415 555 2671
placeholder: 943 476 5919
placeholder: 999 000 0018

id: uk_nhs_plain
entity: UK_NHS
description: NHS number as ten plain digits or 3-3-4 with dashes, reported only next to a context word
regex: (?<![\w.+-])(?:\d{10}|\d{3}-\d{3}-\d{4})(?![\w-]|\.\d)
validator: uk_nhs
prefilter: digits 10 group 4-10
context: nhs, nhs number, nhs no, national health service, health service number, chi number, chi no
context-required: yes
confidence: 0.5
window: 16
match: NHS number 4857773457
match: nhs no: 401-023-2137
nomatch: 4857773457
nomatch: order 401-023-2137
nomatch: NHS 4857773458
nomatch: NHS 48577734571
placeholder: NHS 9990000026
