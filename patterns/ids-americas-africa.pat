# ids-americas-africa.pat: national identifiers of Brazil (CPF for
# persons, CNPJ for companies) and South Africa (identity number).
# (The United States and Canada have their own files.) Format:
# patterns/README.md. Validators: auditor/validate_ids_world.c, where the
# official rule of each is cited.
#
# Sample values are made up, with check digits computed by the rules;
# the documented example values are placeholder samples.
#
# The CPF and CNPJ in their official punctuation (123.456.789-09,
# 12.345.678/0001-95) are reported alone; as plain 11 or 14 digits they
# need a context word. The South African number is 13 plain digits in
# practice, but a birth date, a citizenship digit 0-2, the digit 8/9 and a
# Luhn digit leave about 1 random 13-digit number in 5000 passing, so it
# is reported alone.

id: br_cpf
entity: BR_CPF
description: Brazilian CPF (individual taxpayer number) written 123.456.789-09 (two mod-11 check digits)
regex: (?<![\w.+/-])(?<!\d )\d{3}(\.?)\d{3}\1\d{3}-\d{2}(?![\w-]|[./]\d)
validator: br_cpf
prefilter: digits 11 group 2-2
context: cpf, cpf/mf, cadastro de pessoas fisicas, cadastro de pessoa fisica, contribuinte
confidence: 0.85
window: 14
match: CPF: 262.845.227-89
match: 276.224.628-88
match: {"cpf":"583.651.859-97"}
match: Joao Silva;718891949-64;Sao Paulo
match: portador do CPF n. 125.560.811-04, residente
nomatch: 262.845.227-88
nomatch: 262.845.227-98
nomatch: 111.111.111-11
nomatch: 000.000.000-00
nomatch: 262.845227-89
nomatch: 1262.845.227-89
nomatch: 262.845.227-890
nomatch: 55.277.054/0001-90
nomatch: 2023-10-05T12:34:56
nomatch: v262.845.227-89
placeholder: CPF 123.456.789-09

id: br_cpf_plain
entity: BR_CPF
description: Brazilian CPF as 11 plain digits, reported only next to a context word
regex: (?<![\w.+-])\d{11}(?![\w-]|\.\d)
validator: br_cpf
prefilter: digits 11 group 11-11
context: cpf, cpf/mf, cadastro de pessoas fisicas, cadastro de pessoa fisica
context-required: yes
confidence: 0.6
window: 11
match: CPF 26450241578
match: {"cpf":"58365185997"}
nomatch: 26450241578
nomatch: CPF 26450241579
nomatch: CPF 11111111111
nomatch: phone 11987654321
placeholder: cpf 12345678909

id: br_cnpj
entity: BR_CNPJ
description: Brazilian CNPJ (company registry number) written 12.345.678/0001-95 (two mod-11 check digits)
regex: (?<![\w.+/-])\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}(?![\w-]|[./]\d)
validator: br_cnpj
prefilter: digits 14 group 2-2
context: cnpj, cnpj/mf, cadastro nacional da pessoa juridica, razao social, empresa
confidence: 0.85
window: 18
match: CNPJ: 55.277.054/0001-90
match: 58.150.586/0001-50
match: {"cnpj":"58.895.742/0001-02"}
match: Padaria Boa Vista Ltda, 14.136.008/0001-94, Curitiba
nomatch: 55.277.054/0001-91
nomatch: 55.277.054/0002-90
nomatch: 00.000.000/0000-00
nomatch: 55.277.054/0001-900
nomatch: 55.277.054/000190
nomatch: 2023-10-05T12:34:56
placeholder: CNPJ 11.222.333/0001-81
placeholder: 12.345.678/0001-95

id: br_cnpj_plain
entity: BR_CNPJ
description: Brazilian CNPJ as 14 plain digits, reported only next to a context word
regex: (?<![\w.+-])\d{14}(?![\w-]|\.\d)
validator: br_cnpj
prefilter: digits 14 group 14-14
context: cnpj, cnpj/mf, cadastro nacional da pessoa juridica
context-required: yes
confidence: 0.6
window: 14
match: CNPJ 55277054000190
match: cnpj=58150586000150
nomatch: 55277054000190
nomatch: CNPJ 55277054000191
nomatch: CNPJ 552770540001900
placeholder: cnpj 11222333000181

id: za_id
entity: ZA_ID
description: South African identity number YYMMDD SSSS CAZ (birth date, citizenship 0-2, 8/9, Luhn check digit)
regex: (?<![\w.+-])(?<!\d[ -])\d{2}[01]\d[0-3]\d( ?)\d{4}\1[012][89]\d(?![\w-]|\.\d)(?!\1\d)
validator: za_id
prefilter: digits 13 group 6-13
context: id number, identity number, id no, sa id, rsa id, south african id, identity document, smart id
confidence: 0.75
window: 15
match: ID number: 8506125123081
match: 9203050123083
match: {"id_number":"0109155671182"}
match: 770301 5003 082
match: Thabo Nkosi,0301010123091,Soweto
match: 6605205123086
nomatch: 8506125123082
nomatch: 8506125123388
nomatch: 8506125123073
nomatch: 8513125123087
nomatch: 850612512308
nomatch: 85061251230811
nomatch: 850612 5123081
nomatch: 8506121234561
nomatch: ISBN 9783161484100
nomatch: 1712345678901
nomatch: 4539148803436467
placeholder: ID 8001015009087
placeholder: 880123 5111 088
