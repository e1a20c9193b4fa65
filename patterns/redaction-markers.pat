# redaction-markers.pat: placeholders that earlier scrubbers leave where
# they removed personal data. They are not findings: auditor counts them per
# field (table markers), so a user sees whether and how a dataset was
# already cleaned. Entity REDACTION_MARKER is handled that way by the
# scanner; the marker text itself is stored, so these regexes only ever
# match marker syntax, never data. Format: patterns/README.md.

id: marker_angle
entity: REDACTION_MARKER
description: Presidio-style <ENTITY> replacement tag, optionally numbered (<PERSON_1>)
regex: <(?:EMAIL(?:_ADDRESS)?|PHONE(?:_NUMBER)?|PERSON|NAME|FIRST_?NAME|LAST_?NAME|FULL_?NAME|ADDRESS|STREET|LOCATION|GPE|ORG|ORGANIZATION|SSN|US_SSN|PII|URL|IP(?:_ADDRESS)?|CREDIT_CARD|CARD(?:_NUMBER)?|IBAN(?:_CODE)?|DATE_OF_BIRTH|DOB|DATE_TIME|DATE|NRP|USER(?:NAME)?|ID|ID_NUM|REDACTED|PASSWORD|SECRET|KEY|API_KEY|TOKEN|ZIP(?:_?CODE)?|POSTCODE|ACCOUNT(?:_NUMBER)?|US_DRIVER_LICENSE|US_PASSPORT|MEDICAL_LICENSE|CRYPTO|PRIVATE)(?:_\d{1,4})?>
prefilter: literal <
confidence: 1
window: 40
match: contact <EMAIL_ADDRESS> for details
match: <PERSON> wrote to <PERSON_2>
match: call <PHONE_NUMBER>
match: <REDACTED>
nomatch: <name>John</name>
nomatch: <Person>
nomatch: a <b> c
nomatch: <EMAILS>

id: marker_auditor
entity: REDACTION_MARKER
description: <ENTITY> tags as `auditor redact` writes them: any upper-case entity name with an underscore (<UK_NINO>, <AWS_SECRET_KEY>), the one-word entities and name classes (<JWT>, <CREDENTIAL>)
regex: <(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|JWT|CRYPTO|CREDENTIAL|FINANCIAL)>
prefilter: literal <
confidence: 1
window: 72
match: id <UK_NINO> checked
match: key=<AWS_SECRET_KEY>
match: <PERSON_NAME> lives at <ADDRESS>
match: <JWT>
match: <FI_PERSONAL_IDENTITY_CODE>
nomatch: <b>bold</b>
nomatch: <Person_Name>
nomatch: <_X>
nomatch: <HTML>

id: marker_square
entity: REDACTION_MARKER
description: [REDACTED] and [ENTITY] style markers, optionally numbered ([NAME_1])
regex: (?<![\w\[])\[(?:REDACTED|redacted|Redacted|REMOVED|removed|EMAIL(?:_ADDRESS)?|PHONE(?:_NUMBER)?|PERSON|NAME|ADDRESS|LOCATION|SSN|PII|URL|IP(?:_ADDRESS)?|CREDIT_CARD|IBAN|DOB|DATE_OF_BIRTH|USERNAME|ID|PASSWORD|SECRET|KEY|TOKEN|ZIPCODE|ACCOUNT)(?:_\d{1,4})?\](?![\w(\[])
prefilter: literal [
confidence: 1
window: 40
match: my email is [EMAIL] ok
match: [REDACTED]
match: patient [NAME_1] seen on [DOB]
match: value [redacted] here
nomatch: see [1]
nomatch: [Name](http://example.org)
nomatch: list[ID]x
nomatch: [PERSONS]

id: marker_pipes
entity: REDACTION_MARKER
description: |||ENTITY||| markers (as left by the Dolma/OLMo PII filter)
regex: \|\|\|[A-Z][A-Z_]{1,30}\|\|\|
prefilter: literal |||
confidence: 1
window: 40
match: mail |||EMAIL_ADDRESS||| now
match: |||PHONE_NUMBER|||
match: from |||IP_ADDRESS|||
nomatch: a ||| b ||| c
nomatch: |||x|||

id: marker_braces
entity: REDACTION_MARKER
description: {{ENTITY}} template-style markers in capitals ({{EMAIL}})
regex: \{\{(?:EMAIL|PHONE|NAME|PERSON|ADDRESS|SSN|PII|REDACTED|USERNAME|PASSWORD|SECRET|TOKEN)\}\}
prefilter: literal {{
confidence: 1
window: 24
match: write to {{EMAIL}}
match: {{REDACTED}}
nomatch: Hello {{name}}
nomatch: {{ user.email }}

id: marker_special_token
entity: REDACTION_MARKER
description: <|entity|> special-token style markers (<|email|>, <|phone_number|>)
regex: <\|(?:email|phone|phone_number|name|person|address|ssn|pii|url|ip|ip_address|credit_card|redacted|username|password|secret|key|token)\|>
prefilter: literal <|
confidence: 1
window: 24
match: reach me at <|email|>
match: <|phone_number|>
nomatch: <|endoftext|>
nomatch: <|im_start|>

id: marker_masked_ssn
entity: REDACTION_MARKER
description: An SSN masked in full (XXX-XX-XXXX, ***-**-****)
regex: (?<![\w*-])(?:XXX-XX-XXXX|xxx-xx-xxxx|\*\*\*-\*\*-\*\*\*\*)(?![\w*-])
prefilter: literal-i xxx-xx-, ***-**-
confidence: 1
window: 16
match: SSN XXX-XX-XXXX on file
match: ***-**-****
nomatch: XXX-XX-XXXXX
nomatch: ***-**-1234
