# pii-global.pat: personal data recognisable in any country: e-mail
# addresses, payment card numbers, IP addresses, international phone
# numbers and IBANs. The format is described in patterns/README.md.
#
# Sample values are made up: card numbers and IBANs carry computed check
# digits but belong to no one; phone numbers use unassigned or fictional
# ranges where one exists.

id: email
entity: EMAIL_ADDRESS
description: E-mail address (RFC 5322 dot-atom subset, ASCII)
regex: (?<![\w.%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}(?![\w-])
validator: email
prefilter: literal @
context: email, e-mail, mail, contact
exclude-before: (?i)[a-z][a-z0-9+.-]{0,30}://[^\s/?#@"'<>]{0,128}
confidence: 0.85
window: 320
window-before: 64
match: john.doe@gmail.com
match: write to <Jane_D@mail.co.uk> today
match: mailto:j.smith+news@sub.company.io?subject=hi
match: {"contact":"maria.garcia@uni-hamburg.de"}
match: EMAIL:ALICE.W@YAHOO.COM
match: o'neil,"k_79%x@post-office.info",+33
nomatch: user@localhost
nomatch: foo@bar
nomatch: john..doe@gmail.com
nomatch: .john@gmail.com
nomatch: john@-gmail.com
nomatch: retina logo@2x.png
nomatch: @gmail.com
nomatch: commit 9fceb02d0ae598e95dc970b74767f19372d61af8
placeholder: jane@example.com
placeholder: ops@mail.example.org
placeholder: admin@service.test
nomatch: mysql://etl:W7QO9Xl_KScXic@files.contoso-retail.com:3306/app
nomatch: git clone https://grace@github.com/smith/web.git
match: mailto:jane.doe@gmail.com
match: Email:jane.doe@gmail.com

id: credit_card
entity: CREDIT_CARD
description: Payment card number: 13-19 digits, plain or grouped as printed (4-4-4-4[-3], 4-6-5, 4-6-4)
regex: (?<![\w.+-])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{3})?|\d{4}([ -])\d{6}\2\d{4,5})(?![\w-]|\.\d)
validator: credit_card
prefilter: digits 13 group 4-19
context: card, credit card, debit, visa, mastercard, amex, american express, discover, jcb, unionpay, diners, cc, ccnum, card number, pan, payment
exclude-context: iban, bic, swift, id number, id no, identity number, identity no, national id, rsa id, sa id, south african id, identity document
confidence: 0.8
window: 32
match: 4539148803436467
match: 4539 1488 0343 6467
match: card: 4539-1488-0343-6467 exp 12/27
match: 5108 1234 5678 9015
match: 2221 0012 3412 3450
match: 3782 123456 78903
match: 6011 9876 5432 1092
match: 3530123456789018
match: 621234567890123457
match: 3612 345678 9013
match: {"pan":"4916123456785"}
match: 4916-1234-5678-4565 12/26 123
match: [4539148803436467,5108123456789015]
nomatch: 4539148803436468
nomatch: 4539 1488 0343 646
nomatch: 4539-1488 0343-6467
nomatch: 9999999999999995
nomatch: 0000000000000000
nomatch: 49161234567845654
nomatch: ISBN 978-3-16-148410-0
nomatch: 2023-10-05T12:34:56
nomatch: 123e4567-e89b-12d3-a456-426614174000
nomatch: commit 9fceb02d0ae598e95dc970b74767f19372d61af8
nomatch: amount 1.4539148803436467
placeholder: 4111 1111 1111 1111
placeholder: 4242424242424242
placeholder: 3782 822463 10005
nomatch: South African ID 4414219096186
nomatch: IBAN: CH82 3829 6523 8321 0177 2
match: card 4556 5260 1815 9081 iban unknown

id: ipv4
entity: IP_ADDRESS
description: IPv4 address in dotted-quad form, no leading zeros
regex: (?<![\w.])(?<!(?i:version) )(?<!(?i:version): )(?<!(?i:ver) )(?<!(?i:ver)\. )(?:\d{1,3}\.){3}\d{1,3}(?!\.?\w)
validator: ipv4
prefilter: run [0-9.] 7 with 3 [.]
context: ip, ipv4, ip address, host, client, server, remote_addr, x-forwarded-for, src_ip, dst_ip, addr
confidence: 0.6
window: 24
match: Connection from 81.2.69.160 port 22
match: host=151.101.1.69
match: [185.199.108.153]:443
match: ip: 10.0.0.1
match: GET / HTTP/1.1 from 2.125.160.216.
match: 255.255.255.255
nomatch: version 1.2.3.4
nomatch: Version: 10.2.0.1
nomatch: v1.2.3.4
nomatch: 256.1.1.1
nomatch: 1.2.3.4.5
nomatch: 01.02.03.04
nomatch: 192.168.1
nomatch: OID 1.3.6.1.4.1.311
nomatch: 2023.10.05
nomatch: pi is 3.14159
placeholder: 192.0.2.1
placeholder: peer 198.51.100.23 refused
placeholder: 203.0.113.254

id: ipv6
entity: IP_ADDRESS
description: IPv6 address: full, compressed (::) or with an embedded IPv4 part
regex: (?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,8}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{1,4})?(?![\w:]|\.\d)
validator: ipv6
prefilter: literal ::
prefilter: run [0-9A-Fa-f:.\-] 15 with 2 [:]
context: ip, ipv6, ip address, host, client, server, remote_addr, addr
confidence: 0.7
window: 48
match: 2606:4700:4700::1111
match: client [2a00:1450:4001:82b::200e]:443
match: fe80::1ff:fe23:4567:890a%eth0
match: ::ffff:81.2.69.160
match: 2a02:8108:1234:5600:9d4f:1c2b:3e4f:5a6b
match: ::1
nomatch: at 12:34:56
nomatch: 00:1a:2b:3c:4d:5e
nomatch: std::vector<int>
nomatch: dead::beef
nomatch: 2001:db8:::1
nomatch: 1:2:3:4:5:6:7:8:9
nomatch: ::
placeholder: 2001:db8::8a2e:370:7334
placeholder: 2001:DB8:0:0:8:800:200C:417A

id: phone_e164
entity: PHONE_NUMBER
description: International phone number written with + and a country code (E.164/E.123), outside North America
regex: (?<![\w+])\+[2-9]\d{0,2}(?:[ .-]?\(0\))?(?:[ .-]?\d){6,14}(?![\w-]|\.\d)
validator: e164
prefilter: literal +
context: phone, tel, telephone, mobile, cell, fax, call, whatsapp, contact
confidence: 0.7
window: 40
window-before: 0
match: +44 20 7123 4567
match: +49 30 12345678
match: +33 1 42 68 53 00
match: Tel.: +49-89-636-48018
match: +91 98765 43210
match: +8613812345678
match: +44 (0)20 7123 4567
match: call +61 2 9374 4000, ask for Sam
match: Wei,+49 30 90182044,5
nomatch: +1 212 555 2368
nomatch: +0 123 456 789
nomatch: +28 1234 5678
nomatch: +44 20 71
nomatch: 2023-10-05T12:34:56+02:00
nomatch: +1234567890123456789
nomatch: x+44 20 7123 4567
placeholder: +44 20 7946 0123
placeholder: +44 7700 900123

# Every match is a run of 12 or more upper-case letters, digits and single
# spaces. ("digits 10" missed IBANs whose account part has letters, as
# Qatar's, Kuwait's or Saint Lucia's may, and fuzz_detect found a string
# the regex and the check digits accept with only 4 digits in a row.)
id: iban
entity: IBAN_CODE
description: International Bank Account Number (ISO 13616), compact or in groups of four
regex: (?<!\w)[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?!\w)
validator: iban
prefilter: run [0-9A-Z\s] 12 with 2 [0-9] with 2 [A-Z]
context: iban, account, bank, konto, compte, rekening, bic, swift
confidence: 0.85
window: 48
match: DE68210501700012345678
match: DE68 2105 0170 0012 3456 78
match: IBAN: GB90 MIDL 4005 1522 3344 55
match: FR76 3000 6000 0112 3456 7890 189
match: NL20INGB0001234567
match: BE41 5390 0754 7035
match: MT03MALT011000012345MTLCAST002S
match: NO66 8601 1117 948
match: {"iban":"CH6600762011623852958"}
nomatch: DE68210501700012345679
nomatch: DE6821050170001234567
nomatch: XX68210501700012345678
nomatch: GB90 MIDL 4005 1522 3344 56
nomatch: de68210501700012345678
nomatch: ISBN 978-3-16-148410-0
placeholder: GB82 WEST 1234 5698 7654 32
placeholder: DE89370400440532013000
