# pii-us.pat: United States identifiers: Social Security numbers and
# North American (NANP) phone numbers. Format: patterns/README.md.
#
# Sample SSNs obey the SSA rules but were made up; sample phone numbers
# use the 555 exchange outside the fictional 555-0100..0199 block, which
# is listed as placeholder samples instead.

id: us_ssn
entity: US_SSN
description: US Social Security number written 3-2-4 with dashes or spaces
regex: (?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w-])
validator: us_ssn
prefilter: digits 9 group 2-2
context: ssn, social security, social security number, ss#, ssa, taxpayer, tin
confidence: 0.6
window: 16
match: SSN: 536-22-1234
match: 536 22 1234
match: {"ssn":"401-53-8823"}
match: Social Security No. 772-10-4501
nomatch: 000-12-3456
nomatch: 666-12-3456
nomatch: 912-34-5678
nomatch: 536-00-1234
nomatch: 536-22-0000
nomatch: 536-22 1234
nomatch: 2023-10-05
nomatch: ISBN 978-3-16-148410-0
nomatch: 212-555-2368
nomatch: 1536-22-1234
placeholder: 078-05-1120
placeholder: 219 09 9999

id: us_ssn_nodash
entity: US_SSN
description: US Social Security number as nine plain digits, reported only next to a context word
regex: (?<![\w.+-])\d{9}(?![\w-]|\.\d)
validator: us_ssn
prefilter: digits 9 group 9-9
context: ssn, social security, social security number, ss#, ssa, taxpayer, tin
context-required: yes
confidence: 0.5
window: 16
match: SSN 536221234
match: social security number: 401538823
match: SS#772104501
nomatch: 536221234
nomatch: SSN 666221234
nomatch: order 536221234
nomatch: SSN 5362212345
placeholder: SSN 078051120

id: phone_nanp
entity: PHONE_NUMBER
description: North American (NANP) phone number with separators or +1: (NPA) NXX-XXXX
regex: (?<![\w+.-])(?:(?:\+1[-. ]?|1[-. ])?(?:\([2-9]\d{2}\)[-. ]?|[2-9]\d{2}[-. ])[2-9]\d{2}[-. ]\d{4}|\+1[2-9]\d{2}[2-9]\d{6})(?![\w-]|\.\d)
validator: nanp
prefilter: digits 10
context: phone, tel, telephone, mobile, cell, fax, call, sms, whatsapp, contact
exclude-context: nhs, nhs number, nhs no, health service, chi number, tfn, tax file, sin, social insurance, account number, order number, invoice
confidence: 0.7
window: 24
match: (212) 555-2368
match: +1 415-555-2671
match: 1-800-555-2400
match: Call 646.555.3890 now
match: +12025553456
match: tel: 312 555 7788
match: +1 (617) 555-4321
match: Jamal,+1 312 555 2290,2024
nomatch: 123-456-7890
nomatch: (911) 555-2368
nomatch: 212-555-236
nomatch: 2125552368
nomatch: 2023-10-05T12:34:56
nomatch: ISBN 978-3-16-148410-0
nomatch: 4539 1488 0343 6467
nomatch: 292-555-2368
placeholder: (212) 555-0123
placeholder: +1 312 555 0199
nomatch: NHS number: 608 685 8340
match: call 415 867 2671 about the NHS number

id: phone_nanp_plain
entity: PHONE_NUMBER
description: North American phone number as ten plain digits (or 1 and ten), reported only next to a context word
regex: (?<![\w+.-])1?[2-9]\d{2}[2-9]\d{6}(?![\w-]|\.\d)
validator: nanp
prefilter: digits 10 group 10-11
context: phone, tel, telephone, mobile, cell, fax, call, sms, whatsapp
context-required: yes
confidence: 0.5
window: 16
match: phone: 2125552368
match: mobile 14155552671
nomatch: 2125552368
nomatch: order id 2125552368
nomatch: phone: 1696512345
nomatch: phone: 21255523689
placeholder: phone 2125550142
