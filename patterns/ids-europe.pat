# ids-europe.pat: national identifiers of continental Europe: Spanish DNI
# (as NIF) and NIE, Italian codice fiscale, French NIR (social security
# number), German tax id (Steuer-IdNr), Dutch BSN, Polish PESEL, Swedish
# personnummer and Finnish HETU. Format: patterns/README.md.
#
# Sample values are made up with computed check characters; documentation
# examples are listed as placeholder samples. Ids that are nothing but 9-12
# plain digits (BSN, PESEL, plain Steuer-IdNr and personnummer) are reported
# only next to a context word: order numbers, timestamps and phone numbers
# of those lengths are everywhere, and a one-digit check passes one in ten.

# A DNI's digits are a whole run of [0-9.] of 8 or 10 bytes (no digit, '.'
# or '-' before it; '-', ' ' or the letter after it), so a longer run of
# digits and dots (a timestamp, a version, an amount) opens no window.
id: es_nif
entity: ES_NIF
description: Spanish DNI number as NIF: 8 digits (thousands dots allowed) and the mod-23 control letter
regex: (?<![\w.-])\d{2}(\.?)\d{3}\1\d{3}[- ]?[A-HJ-NP-TV-Z](?![\w-])
validator: es_nif
prefilter: run [0-9.] 8-10
context: dni, nif, d.n.i, n.i.f, documento nacional de identidad, número de identificación fiscal, documento de identidad
confidence: 0.75
window: 16
window-before: 0
match: DNI 48291037F
match: 70415528-Q
match: NIF: 30.912.846-H
match: {"nif":"05123489D"}
match: titular 30912846 H, Madrid
nomatch: 48291037G
nomatch: 48291037
nomatch: 4829103F
nomatch: 148291037F
nomatch: 30.912846-H
nomatch: 48291037I
nomatch: ref 2023100512X
placeholder: 12345678Z
placeholder: DNI 12.345.678-Z

id: es_nie
entity: ES_NIE
description: Spanish foreigner identity number (NIE): X, Y or Z, 7 digits and the mod-23 control letter
regex: (?<![\w.-])[XYZ][- ]?\d{7}[- ]?[A-HJ-NP-TV-Z](?![\w-])
validator: es_nie
prefilter: digits 7 group 7-7
context: nie, n.i.e, número de identidad de extranjero, número de identificación de extranjero, extranjero, tie
confidence: 0.8
window: 16
match: NIE Y4829103Z
match: Z-0192837-X
match: {"nie":"X7731250F"}
match: X 7731250 F
nomatch: Y4829103A
nomatch: W4829103Z
nomatch: Y482910Z
nomatch: AY4829103Z
nomatch: x7731250f

# A codice fiscale is a whole run of 16 letters and digits (no letter,
# digit, '_' or '-' touches it), so a longer run, such as a token, a hash
# or a line of Base64, opens no window.
id: it_fiscal_code
entity: IT_FISCAL_CODE
description: Italian codice fiscale of a person: 16 characters with birth date, omocodia letters and the check letter (DM 23/12/1976)
regex: (?<![\w-])[A-Z]{6}[0-9LMNP-V]{2}[ABCDEHLMPRST][0-9LMNP-V]{2}[A-Z][0-9LMNP-V]{3}[A-Z](?![\w-])
flags: i
validator: it_fiscal_code
prefilter: run [0-9A-Za-z] 16-16
context: codice fiscale, cod. fiscale, cod fisc, c.f, cf, tessera sanitaria, fiscal code, tax code
confidence: 0.85
window: 16
match: BNCGLI92E45F205E
match: codice fiscale: vrdlcu78c12h501w
match: VRDLCU78C12H50MO
match: {"cf":"GLLPLA64T30A944Q"}
nomatch: BNCGLI92E45F205F
nomatch: BNCGLI92E75F205H
nomatch: BNCGLI92Z45F205E
nomatch: FRRNNA01B29L219E
nomatch: BNCGLI92E45F205
nomatch: XBNCGLI92E45F205E
placeholder: RSSMRA85T10A562S
placeholder: RSSMRA80A01H501U

id: fr_nir
entity: FR_NIR
description: French NIR (social security number): 13 digits and the mod-97 key, plain or spaced 1 84 12 76 451 089 46
regex: (?<![\w.+-])(?<!\d )[1-478]( ?)\d{2}\1\d{2}\1\d{2}\1\d{3}\1\d{3} ?\d{2}(?![\w-]|\.\d| \d)
validator: fr_nir
prefilter: digits 15
context: nir, sécurité sociale, securite sociale, numéro de sécurité sociale, n° ss, sécu, secu, insee, carte vitale, social security
confidence: 0.75
window: 24
match: 2 87 05 69 123 456 87
match: n° sécu : 193117505601297
match: 1931175056012 97
match: {"nir":"8 99 01 99 221 002 10"}
match: 1 84 12 76 451 089 46
nomatch: 2 87 05 69 123 456 88
nomatch: 2 87 13 69 123 456 21
nomatch: 5 87 05 69 123 456 34
nomatch: 378282246310005
nomatch: 2 87 05 69 123 456 87 12
nomatch: 2870569123456871

id: fr_nir_corsica
entity: FR_NIR
description: French NIR of a person born in Corsica (department 2A or 2B), plain or spaced
regex: (?<![\w.+-])(?<!\d )[1-478]( ?)\d{2}\1\d{2}\g{1}2[AB]\1\d{3}\1\d{3} ?\d{2}(?![\w-]|\.\d| \d)
validator: fr_nir
prefilter: literal 2A, 2B
context: nir, sécurité sociale, securite sociale, numéro de sécurité sociale, n° ss, sécu, secu, insee, carte vitale, social security
confidence: 0.75
window: 24
window-before: 8
match: 2 91 03 2A 004 123 68
match: 175082B03304523
nomatch: 2 91 03 2A 004 123 69
nomatch: 2 91 03 2C 004 123 68
nomatch: 175082A03304523

id: de_tax_id
entity: DE_TAX_ID
description: German tax id (steuerliche Identifikationsnummer) in the printed layout 12 345 678 901, MOD 11,10 check digit
regex: (?<![\w.+-])(?<!\d )[1-9]\d \d{3} \d{3} \d{3}(?![\w-]|\.\d| \d)
validator: de_tax_id
prefilter: digits 11 group 2-2
context: steuer-id, steuerid, steuer-idnr, idnr, identifikationsnummer, steueridentifikationsnummer, steuerliche identifikationsnummer, tax id, tin
confidence: 0.7
window: 16
match: Identifikationsnummer: 47 036 892 752
match: 81 695 423 302
match: {"steuer_id":"25 149 578 531"}
nomatch: 47 036 892 753
nomatch: 12 345 678 901
nomatch: 36 554 266 806
nomatch: 4 703 689 275 2
nomatch: 147 036 892 752
nomatch: 47 036 892 752 11

id: de_tax_id_plain
entity: DE_TAX_ID
description: German tax id as eleven plain digits, reported only next to a context word
regex: (?<![\w.+-])[1-9]\d{10}(?![\w-]|\.\d)
validator: de_tax_id
prefilter: digits 11 group 11-11
context: steuer-id, steuerid, steuer-idnr, idnr, identifikationsnummer, steueridentifikationsnummer, steuerliche identifikationsnummer, tax id, tin
context-required: yes
confidence: 0.5
window: 16
match: Steuer-ID: 47036892752
match: IdNr 25149578531
nomatch: 47036892752
nomatch: Steuer-ID 47036892753
nomatch: Steuer-ID 07036892752
nomatch: Steuer-ID 36554266806

id: nl_bsn
entity: NL_BSN
description: Dutch citizen service number (BSN), 9 digits or 4.2.3 with dots, 11-proef; reported only next to a context word
regex: (?<![\w.+-])(?:\d{9}|\d{4}\.\d{2}\.\d{3})(?![\w-]|\.\d)
validator: nl_bsn
prefilter: digits 9 group 3-9
context: bsn, burgerservicenummer, sofinummer, sofi-nummer, sofi, citizen service number
context-required: yes
confidence: 0.5
window: 16
match: BSN: 284019306
match: burgerservicenummer 2840.19.318
match: {"bsn":"284019331"}
nomatch: 284019306
nomatch: BSN 284019307
nomatch: BSN 2840193061
nomatch: BSN 000000000
placeholder: BSN 111222333
placeholder: bsn 1234.56.782

id: pl_pesel
entity: PL_PESEL
description: Polish PESEL: 11 digits with the birth date (century in the month) and a weighted check digit; reported only next to a context word
regex: (?<![\w.+-])\d{11}(?![\w-]|\.\d)
validator: pl_pesel
prefilter: digits 11 group 11-11
context: pesel, numer pesel, nr pesel
context-required: yes
confidence: 0.55
window: 16
match: PESEL: 85071203451
match: nr PESEL 02270803624
match: {"pesel":"99123100003"}
nomatch: 85071203451
nomatch: PESEL 85071203452
nomatch: PESEL 85130203451
nomatch: PESEL 85023003450
nomatch: PESEL 850712034511

id: se_personnummer
entity: SE_PERSONNUMMER
description: Swedish personnummer or samordningsnummer YYMMDD-NNNC or YYYYMMDD-NNNC, Luhn check digit
regex: (?<![\w.+-])(?:(?:18|19|20)\d{6}|\d{6})-\d{4}(?![\w-]|\.\d)
validator: se_personnummer
prefilter: digits 10 group 6-8
context: personnummer, personnr, pnr, samordningsnummer, personal identity number, person number
confidence: 0.7
window: 16
match: personnummer 850709-9805
match: 19850709-9805
match: {"pnr":"701063-2391"}
match: 120229-1231
nomatch: 850709-9806
nomatch: 851309-9805
nomatch: 850732-9805
nomatch: 20231005-1234
nomatch: 850709-980
nomatch: 1850709-9805
nomatch: 2023-10-05
placeholder: 811218-9876
placeholder: 19121212-1212

id: se_personnummer_plus
entity: SE_PERSONNUMMER
description: Swedish personnummer of a person aged 100 or more, YYMMDD+NNNC
regex: (?<![\w.+-])\d{6}\+\d{4}(?![\w-]|\.\d)
validator: se_personnummer
prefilter: digits 6 group 6-6
context: personnummer, personnr, pnr, samordningsnummer, personal identity number, person number
confidence: 0.6
window: 16
match: 041231+4569
match: pnr 041231+4569
nomatch: 041231+4568
nomatch: 041331+4569
nomatch: 1+041231+4569

id: se_personnummer_plain
entity: SE_PERSONNUMMER
description: Swedish personnummer as 10 or 12 plain digits, reported only next to a context word
regex: (?<![\w.+-])(?:(?:18|19|20)\d{10}|\d{10})(?![\w-]|\.\d)
validator: se_personnummer
prefilter: digits 10 group 10-12
context: personnummer, personnr, pnr, samordningsnummer, personal identity number, person number
context-required: yes
confidence: 0.5
window: 16
match: personnummer: 8507099805
match: Personnummer 198507099805
nomatch: 8507099805
nomatch: 198507099805
nomatch: personnummer 8507099806
nomatch: personnummer 228507099805

id: fi_hetu
entity: FI_PERSONAL_IDENTITY_CODE
description: Finnish personal identity code (HETU) DDMMYYCZZZQ with the century sign (+, -, A and since 2023 B-F, U-Y) and the mod-31 check character
regex: (?<![\w+-])\d{6}[-+A-FU-Y]\d{3}[0-9A-FHJ-NPR-Y](?![\w-])
validator: fi_hetu
prefilter: digits 6 group 6-6
context: henkilötunnus, hetu, sotu, personbeteckning, personal identity code
confidence: 0.85
window: 16
match: hetu 240378-1230
match: 051210A4566
match: {"henkilötunnus":"150595Y046P"}
match: 010199+0343
match: 290224A002K
nomatch: 240378-1231
nomatch: 300278-1232
nomatch: 240378G1230
nomatch: 240378-0012
nomatch: 290223A002A
nomatch: 1240378-1230
placeholder: 131052-308T
placeholder: 010594Y9032
placeholder: 100190-999P
