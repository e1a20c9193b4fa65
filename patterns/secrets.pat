# secrets.pat: credentials: cloud access keys and private keys. Format:
# patterns/README.md. Sample keys are random text in the right shape.

id: aws_access_key
entity: AWS_ACCESS_KEY
description: AWS access key id (AKIA long-term, ASIA temporary, ABIA, ACCA)
regex: (?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])
prefilter: literal AKIA, ASIA, ABIA, ACCA
context: aws, access key, access_key_id, aws_access_key_id, key id, credentials
confidence: 0.9
window: 24
match: AKIAZ3MHQRSTUVWX2345
match: aws_access_key_id = ASIAY4LQ7XPRK2MN5BTD
match: {"AccessKeyId":"AKIA4KTR2BSLXQJQ6N7F"}
nomatch: AKIA1234567890123456
nomatch: AKIAZ3MHQRSTUVWX234
nomatch: XAKIAZ3MHQRSTUVWX2345
nomatch: akiaz3mhqrstuvwx2345
nomatch: commit 9fceb02d0ae598e95dc970b74767f19372d61af8
placeholder: AKIAIOSFODNN7EXAMPLE

id: private_key
entity: PRIVATE_KEY
description: Armour header of a PEM, OpenSSH or PGP private key
regex: -----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----
prefilter: literal -----BEGIN
context: key, private, ssh, pem, id_rsa
confidence: 0.95
window: 64
match: -----BEGIN RSA PRIVATE KEY-----
match: "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----"
match: -----BEGIN PRIVATE KEY-----
match: -----BEGIN ENCRYPTED PRIVATE KEY-----
match: -----BEGIN EC PRIVATE KEY-----
match: -----BEGIN PGP PRIVATE KEY BLOCK-----
match: {"key":"-----BEGIN RSA PRIVATE KEY-----\\nMIIEpAIBAAKCAQEA"}
nomatch: -----BEGIN PUBLIC KEY-----
nomatch: -----BEGIN CERTIFICATE-----
nomatch: -----BEGIN RSA PUBLIC KEY-----
nomatch: BEGIN RSA PRIVATE KEY
nomatch: -----END RSA PRIVATE KEY-----
