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

