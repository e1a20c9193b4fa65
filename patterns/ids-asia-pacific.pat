# ids-asia-pacific.pat: national identifiers of India (Aadhaar, PAN),
# Australia (TFN, ABN, Medicare), Singapore (NRIC/FIN), China (resident
# identity number) and South Korea (resident registration number).
# Format: patterns/README.md. Validators: auditor/validate_ids_world.c,
# where the official rule of each is cited.
#
# Sample values are made up, with check digits computed by the rules;
# the documented example values of each id are placeholder samples.
#
# Which entries need a context word: an id with a strong check (mod 89,
# MOD 11-2 plus a birth date and province, a check letter) or printed in
# its own official grouping is reported alone. Plain runs of 8-13 digits
# whose check is a single mod-10/11 digit or Verhoeff digit are everywhere
# (order numbers, phone numbers, timestamps), so those forms are reported
# only next to a context word or under a matching field name. The TFN
# needs context in every form: its 3-3-3 grouping is also Canada's SIN.

id: in_aadhaar
entity: IN_AADHAAR
description: Indian Aadhaar number in its printed 4-4-4 grouping (Verhoeff check digit)
regex: (?<![\w.+-])(?<!\d[ -])[2-9]\d{3}([ -])\d{4}\1\d{4}(?![\w-]|\.\d)(?!\1\d)
validator: in_aadhaar
prefilter: digits 12 group 4-4
context: aadhaar, aadhar, adhaar, aadhaar number, aadhaar no, uidai, uid, enrolment
exclude-context: tracking, track, fedex, ups, usps, dhl, shipment, parcel, consignment, awb, waybill, order, invoice, card, visa, mastercard, gift card
confidence: 0.8
window: 14
match: Aadhaar: 7260 1815 9082
match: 5016 6131 8603
match: {"aadhaar_no":"3390-9960-3089"}
match: UID 4462 8194 8213, issued 2019
match: "name,aadhaar\nPriya,5518 1909 3782"
nomatch: 7260 1815 9083
nomatch: 7206 1815 9082
nomatch: 1948 7574 9114
nomatch: 7260-1815 9082
nomatch: 4539 1488 0343 6467
nomatch: 7260 1815 9082 4455
nomatch: +91 98765 43210
nomatch: ISBN 978-3-16-148410-0
nomatch: 2023-10-05T12:34:56
nomatch: 726018159082
placeholder: 9999 9999 0019
placeholder: Aadhaar 9999-9999-0026
nomatch: FedEx tracking 7875 5357 7866

id: in_aadhaar_plain
entity: IN_AADHAAR
description: Indian Aadhaar number as 12 plain digits, reported only next to a context word
regex: (?<![\w.+-])[2-9]\d{11}(?![\w-]|\.\d)
validator: in_aadhaar
prefilter: digits 12 group 12-12
context: aadhaar, aadhar, adhaar, aadhaar number, aadhaar no, uidai
context-required: yes
confidence: 0.6
window: 12
match: Aadhaar No: 857975432313
match: aadhar=726018159082
match: UIDAI number 501661318603 verified
nomatch: 857975432313
nomatch: order 857975432313
nomatch: Aadhaar 857975432314
nomatch: Aadhaar 194875749114
nomatch: Aadhaar 8579754323130
placeholder: aadhaar 999999990019

id: in_pan
entity: IN_PAN
description: Indian Permanent Account Number: 5 letters (4th the holder status P/C/H/F/A/T/B/L/J/G), 4 digits, 1 letter
regex: (?<![\w-])[A-Z]{3}[PCHFATBLJG][A-Z]\d{4}[A-Z](?![\w-])
validator: in_pan
prefilter: run [0-9A-Z\s] 10 with 4 [0-9] with 6 [A-Z]
context: pan, pan no, pan number, pan card, permanent account number, income tax, itr
confidence: 0.6
window: 10
match: PAN: BXKCR7781Q
match: DKLPS4821M
match: {"pan_number":"ELRPK6621H"}
match: Permanent Account Number ZZZGA0001A (government)
match: Sharma,AFZPM4312R,Mumbai
nomatch: AAAXL1234C
nomatch: ABCDE1234F
nomatch: dklps4821m
nomatch: XDKLPS4821M
nomatch: DKLPS4821M7
nomatch: DKLPS0000M
nomatch: DKLP-S4821M
nomatch: commit 9fceb02d0ae598e95dc970b74767f19372d61af8
nomatch: 123e4567-e89b-12d3-a456-426614174000
nomatch: ISBN 978-3-16-148410-0
placeholder: PAN AAAPL1234C

id: au_tfn
entity: AU_TFN
description: Australian Tax File Number (8 or 9 digits, plain or 3-3-3), reported only next to a context word
regex: (?<![\w.+-])(?<!\d[ -])\d{3}([ -]?)\d{3}\1\d{2,3}(?![\w-]|\.\d)(?!\1\d)
validator: au_tfn
prefilter: digits 8 group 2-9
context: tfn, tax file number, tax file no, tax file
context-required: yes
confidence: 0.6
window: 11
match: TFN: 268 599 528
match: Tax File Number 907-866-661
match: tfn=803852808
match: {"tfn":"252 427 316"}
match: TFN 67868433
nomatch: 268 599 528
nomatch: TFN: 268 599 527
nomatch: TFN 268 599 5280
nomatch: TFN 268-599 528
nomatch: tax file number 2023-10-05
nomatch: order 355150587
placeholder: TFN 123 456 782

id: au_abn
entity: AU_ABN
description: Australian Business Number in its printed 2-3-3-3 grouping (mod-89 check)
regex: (?<![\w.+-])(?<!\d[ -])\d{2}([ -])\d{3}\1\d{3}\1\d{3}(?![\w-]|\.\d)(?!\1\d)
validator: au_abn
prefilter: digits 11 group 2-2
context: abn, australian business number, business number
confidence: 0.8
window: 14
match: ABN 31 023 281 556
match: 14 281 152 896
match: Acme Pty Ltd (ABN: 20-052-172-123)
match: {"abn":"73 628 587 013"}
nomatch: 31 023 281 557
nomatch: 13 023 281 556
nomatch: +61 412 345 678
nomatch: 31 023 281 556 789
nomatch: 31 023-281 556
nomatch: 2023-10-05T12:34:56
placeholder: ABN: 51 824 753 556

id: au_abn_plain
entity: AU_ABN
description: Australian Business Number as 11 plain digits, reported only next to a context word
regex: (?<![\w.+-])[1-9]\d{10}(?![\w-]|\.\d)
validator: au_abn
prefilter: digits 11 group 11-11
context: abn, australian business number
context-required: yes
confidence: 0.6
window: 11
match: ABN 82882189262
match: abn=42258406214
nomatch: 82882189262
nomatch: ABN 82882189263
nomatch: ABN 828821892620
placeholder: ABN 51824753556

id: au_medicare
entity: AU_MEDICARE
description: Australian Medicare card number in its printed 4-5-1 grouping, optionally with the individual reference number
regex: (?<![\w.+-])(?<!\d[ -])[2-6]\d{3}([ -])\d{5}\1\d(?:[ /-][1-9])?(?![\w-]|\.\d)(?![ /-]\d)
validator: au_medicare
prefilter: digits 10 group 5-5
context: medicare, medicare number, medicare card, medicare no, mcn, irn
confidence: 0.7
window: 14
match: Medicare: 2314 87599 4
match: 4450 91906 1-2
match: medicare card 3948 19637 4/1
match: {"medicare":"5857-04416-7"}
match: 4841 39546 5 3
nomatch: 2314 87598 4
nomatch: 7314 87599 4
nomatch: 2314 87599 4-0
nomatch: 2314 87599 4 12
nomatch: 2314 875994
nomatch: (02) 9876 5432
nomatch: 2023-10-05T12:34:56
placeholder: Medicare 2123 45670 1
placeholder: 2123 45670 1-1

id: au_medicare_plain
entity: AU_MEDICARE
description: Australian Medicare card number as 10 or 11 plain digits, reported only next to a context word
regex: (?<![\w.+-])[2-6]\d{9}[1-9]?(?![\w-]|\.\d)
validator: au_medicare
prefilter: digits 10 group 10-11
context: medicare, medicare number, medicare card, medicare no, mcn
context-required: yes
confidence: 0.5
window: 11
match: Medicare number 4913019656
match: medicare=49130196561
nomatch: 4913019656
nomatch: medicare 4913019666
nomatch: medicare 49130196560
placeholder: medicare 2123456701

id: sg_nric_fin
entity: SG_NRIC_FIN
description: Singapore NRIC or FIN: S/T/F/G/M, 7 digits and a check letter
regex: (?<![\w-])[STFGMstfgm]\d{7}[A-Za-z](?![\w-])
validator: sg_nric_fin
prefilter: digits 7 group 7-7
context: nric, fin, nric/fin, uin, ic, ic no, nric no, identity card, singpass
confidence: 0.8
window: 9
match: NRIC: S9265432Z
match: S8842918D
match: {"nric":"T2035887J"}
match: FIN F2869720K (work pass)
match: G5105209P,M0224418N
match: s8842918d
nomatch: S9265432A
nomatch: T9265432Z
nomatch: X9265432Z
nomatch: S926543Z
nomatch: AS9265432Z
nomatch: S9265432ZZ
nomatch: S92654321Z
nomatch: ISBN 978-3-16-148410-0
placeholder: NRIC S1234567D

id: cn_resident_id
entity: CN_RESIDENT_ID
description: Chinese resident identity number (18 characters: region, birth date, sequence, MOD 11-2 check)
regex: (?<![\w.+-])(?<!\d )[1-8]\d{5}( ?)(?:19|20)\d{2}[01]\d[0-3]\d\1\d{3}[\dXx](?![\w-]|\.\d)
validator: cn_resident_id
prefilter: digits 17 group 8
context: resident id, resident identity, resident identity card, id card, identity card, citizen id, id number, shenfenzheng, shenfen zheng, sfz, sfzh
confidence: 0.85
window: 20
match: ID card: 320102198506123411
match: 44030620010908116X
match: 440306200109150022
match: {"sfzh":"510107197703018875"}
match: 650102 19920228 1534
match: Wang Fang,110108201001010052,Beijing
match: 33010619681113107x
nomatch: 320102198506123412
nomatch: 320102198506313418
nomatch: 990102198506123416
nomatch: 320102188506123411
nomatch: 3201021985061234119
nomatch: 32010219850612341
nomatch: 4539148803436467
nomatch: order 2023100512345678901
placeholder: 11010519491231002X

id: kr_rrn
entity: KR_RRN
description: South Korean resident registration number YYMMDD-GXXXXXX (birth date, century/sex digit, check digit before October 2020)
regex: (?<![\w.+-])(?<!\d[ -])\d{2}[01]\d[0-3]\d-\d{7}(?![\w-]|\.\d)
validator: kr_rrn
prefilter: digits 13 group 7-7
context: rrn, resident registration number, resident registration, registration number, jumin, jumin deungnok beonho, foreigner registration number, alien registration number
confidence: 0.75
window: 14
match: RRN: 850612-1234561
match: 920305-2345670
match: {"rrn":"010915-3123451"}
match: born 2021, 210315-3847261
match: Kim Min-jun,770301-2123457,Seoul
match: 880808-5123453
nomatch: 850612-1234562
nomatch: 850632-1234561
nomatch: 851312-1234561
nomatch: 190315-1847261
nomatch: 850612-12345612
nomatch: 010-1234-5678
nomatch: 2023-10-05T12:34:56
nomatch: 850612 - 1234561

id: kr_rrn_plain
entity: KR_RRN
description: South Korean resident registration number as 13 plain digits or 6+7 with a space, reported only next to a context word
regex: (?<![\w.+-])(?<!\d[ -])\d{2}[01]\d[0-3]\d ?\d{7}(?![\w-]|\.\d)(?! \d)
validator: kr_rrn
prefilter: digits 13 group 7-13
context: rrn, resident registration number, resident registration, jumin, jumin deungnok beonho, foreigner registration number, alien registration number
context-required: yes
confidence: 0.6
window: 14
match: RRN 9203052345670
match: resident registration number: 030101 4123455
nomatch: 9203052345670
nomatch: RRN 9203052345671
nomatch: RRN 92030523456701
