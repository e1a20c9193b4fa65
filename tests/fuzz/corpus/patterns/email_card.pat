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
prefilter: digits 13
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

