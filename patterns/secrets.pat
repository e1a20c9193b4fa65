# secrets.pat: credentials with a vendor's shape: cloud keys, API tokens, webhooks,
# private keys and JWTs. Generic assignments and passwords in URLs are in
# secrets-generic.pat. Format: patterns/README.md. Sample keys are random
# text in the right shape (checksums computed); documented examples are
# the placeholders.

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

# AWS secret access key: 40 characters of base64 with nothing to mark
# them, so only after a key name (aws_secret_access_key, SecretAccessKey,
# secret_key, "AWS secret") and where a context word says it is AWS's
# (within 64 bytes, or the field's name), with an entropy gate that keeps
# out hex digests (at most 4 bits a character) and the validator's
# character-mix check that keeps out identifiers.
id: aws_secret_key
entity: AWS_SECRET_KEY
description: AWS secret access key after a key name (aws_secret_access_key = ..., AWS secret: ...)
regex: (?i)(?<![a-z0-9])(?:aws[_.\s-]?)?secret(?:[_.\s-]?(?:access[_.\s-]?)?key)?\\?["']?\]?\s{0,3}(?:=>|:=|[=:])\s{0,3}\\?["']?(?<value>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])
validator: aws_secret_key
prefilter: literal-i cret
context: aws, amazon, s3, boto, iam, secret access key, secret_access_key
context: secretaccesskey, aws secret, aws_secret
context-required: yes
confidence: 0.85
entropy: 4.0
window: 128
match: aws_secret_access_key = Xr4Tq9vLm2Kp7Wz0Bn5Hc8Jd3Fg6Ys1Ae/QuRo+t
match: export AWS_SECRET_ACCESS_KEY="uYI0KN1gNT11cUzYZAa3u2olZU6uqbgsYlVvsSKu"
match: {"AccessKeyId":"AKIA4KTR2BSLXQJQ6N7F","SecretAccessKey":"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"}
match: "[default]\naws_access_key_id=ASIAY4LQ7XPRK2MN5BTD\naws_secret_access_key=HvQspaKUEUvxj6eZxrNWcuz07esXpZwRqHFQgesZ"
match: s3: {secret_key: '+n8S00K/703poQ31dPgL3WPNiFp5FYg8nENYEiV1'}
match: Your AWS secret: uYI0KN1gNT11cUzYZAa3u2olZU6uqbgsYlVvsSKu (keep it safe)
match: aws secret key: HvQspaKUEUvxj6eZxrNWcuz07esXpZwRqHFQgesZ
nomatch: secret_key = 9fceb02d0ae598e95dc970b74767f19372d61af8
nomatch: aws_secret_access_key = Xr4Tq9vLm2Kp7Wz0Bn5Hc8Jd3Fg6Ys1Ae/QuRo+tQ
nomatch: aws_secret_access_key = ThisIsNotAKeyButItIsFortyCharactersLongX
nomatch: django secret_key = Xr4Tq9vLm2Kp7Wz0Bn5Hc8Jd3Fg6Ys1Ae/QuRo+t
placeholder: aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

# The same key at the start of a field value, with the context in the
# field's name (a CSV column or JSON member aws_secret_access_key,
# SecretAccessKey) or in the words after it. A key without a digit (one
# in a thousand) is left out so that the digit prefilter holds: most
# values then never reach PCRE2, and the anchored regex fails at once on
# windows that do not start the value.
id: aws_secret_key_field
entity: AWS_SECRET_KEY
description: AWS secret access key opening a field value named like one
regex: ^(?=[A-Za-z/+]{0,39}[0-9])(?<value>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])
validator: aws_secret_key
prefilter: digits 1
context: secret access key, aws secret, secretaccesskey
context-required: yes
confidence: 0.85
entropy: 4.0
window: 48
window-before: 39
# Samples have no field name: the context here is in the text.
match: Xr4Tq9vLm2Kp7Wz0Bn5Hc8Jd3Fg6Ys1Ae/QuRo+t  # aws secret
nomatch: Xr4Tq9vLm2Kp7Wz0Bn5Hc8Jd3Fg6Ys1Ae/QuRo+t
nomatch: 9fceb02d0ae598e95dc970b74767f19372d61af8 aws secret
placeholder: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY (aws secret access key)

# GitHub tokens (April 2021 format): a type prefix and 36 base62
# characters, the last six a CRC-32 of the rest (validator github_token).
id: github_token
entity: GITHUB_TOKEN
description: GitHub personal, OAuth, user-to-server, server-to-server or refresh token (ghp_, gho_, ghu_, ghs_, ghr_)
regex: (?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9_])
validator: github_token
prefilter: literal ghp_, gho_, ghu_, ghs_, ghr_
context: github, gh_token, github_token, token, pat
confidence: 0.95
window: 40
match: 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
match: GITHUB_TOKEN=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
match: GH_TOKEN=ghs_tHF4vUCsMehGAkWvj7FAc9QeWJKY401ngxw6 gh pr list
match: {"token": "ghu_mxgJTeKdNnFRIBXuDL7DxtpYlSXpfK0IYYek", "refresh_token": "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"}
match: "Authorization: Bearer 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"
# checksum wrong (last character changed)
nomatch: ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8024xXI
# GitHub's own documentation example of an OAuth token fails the checksum
nomatch: access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo
nomatch: ghx_u8jzPde0IgxLd6GncfBAepfJBd0Kh8024xXH
nomatch: 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a
nomatch: ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx

id: github_fine_grained_pat
entity: GITHUB_TOKEN
description: GitHub fine-grained personal access token (github_pat_, 22 + 59 base62)
regex: (?<![A-Za-z0-9_])github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?![A-Za-z0-9_])
prefilter: literal github_pat_
context: github, token, pat
confidence: 0.95
window: 96
match: 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
match: GH_TOKEN: "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"
nomatch: github_pat_i0B3JrTAwR4y9ojfljoQoa_F1LlqsajAIxNKu8iS2G8NPRVdD53X83RZJzzzzgEOzdmenCkhvMdgaKjIg
nomatch: github_pat_11AAAAAAA_settings_page
placeholder: github_pat_XXXXXXXXXXXXXXXXXXXXXX_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX1

# GitLab tokens with a prefix of their kind (GitLab docs, "Token
# overview"): personal/project/group access glpat-, deploy gldt-, runner
# authentication glrt-, feed glft-, SCIM glsoat-, feature-flag glffct-
# (20 characters), incoming mail glimt- (25), pipeline trigger glptt- (40
# hex), CI job glcbt-, agent glagent- (50), OAuth application secret
# gloas- (64) and the runner registration token GR1348941 (20).
id: gitlab_token
entity: GITLAB_TOKEN
description: GitLab token with a kind prefix (glpat-, gldt-, glrt-, glptt-, GR1348941, ...), non-routable form
regex: (?<![A-Za-z0-9_-])(?:(?:glpat|gldt|glrt|glft|glsoat|glffct)-[A-Za-z0-9_-]{20}|glimt-[A-Za-z0-9_-]{25}|glptt-[0-9a-f]{40}|glcbt-[A-Za-z0-9]{1,5}_[A-Za-z0-9_-]{20}|glagent-[A-Za-z0-9_-]{50}|gloas-[A-Za-z0-9_-]{64}|GR1348941[A-Za-z0-9_-]{20})(?![A-Za-z0-9_-])
prefilter: literal glpat-, gldt-, glrt-, glft-, glsoat-, glffct-, glimt-, glptt-, glcbt-, glagent-, gloas-, GR1348941
context: gitlab, token, private-token, ci_job_token
confidence: 0.9
window: 80
match: glpat-UdjAWtGSU8po_799Nksn
match: curl --header "PRIVATE-TOKEN: glpat-AciI05FhfwKVqlUr5Qre" https://gitlab.acme.io/api/v4/projects
match: gitlab-runner register --registration-token GR1348941Zq8-nR2xW4mYp7LtK3vB
match: deploy_token: gldt-Kx9_mQ2wZ7vR4nT8yB1c
match: glptt-0f3a9c8e7d6b5a4f3e2d1c0b9a8f7e6d5c4b3a21
nomatch: glpat-UdjAWtGSU8po_799Nks
nomatch: glpat-UdjAWtGSU8po_799Nksnx
nomatch: xglpat-UdjAWtGSU8po_799Nksn
placeholder: glpat-xxxxxxxxxxxxxxxxxxxx

# Routable GitLab tokens (GitLab 17.x): base64url payload, a framing of
# the payload length, and a CRC-32 in base36 (validator
# gitlab_routable_token).
id: gitlab_routable_token
entity: GITLAB_TOKEN
description: GitLab routable token (glpat-..., glrt-t1_...) with its CRC-32 suffix
regex: (?<![A-Za-z0-9_-])gl(?:pat|rt|dt|cbt|ft|imt|soat|ffct|oas|agent|ptt)-[A-Za-z0-9_-]{27,300}\.(?:[0-9a-z]{2}\.)?[0-9a-z]{9}(?![A-Za-z0-9_-])
validator: gitlab_routable_token
prefilter: literal glpat-, glrt-, gldt-, glcbt-, glft-, glimt-, glsoat-, glffct-, gloas-, glagent-, glptt-
context: gitlab, token, private-token
confidence: 0.95
window: 330
match: glpat-v1e9Q3rUsSmEBTTz84dcJW86MQp1OjJhCA.01.0y0c6yfta
match: GITLAB_TOKEN=glpat-sIvqBsKHTPqk3Rey2EKEXW86MQp1OjJhCA.0y0n5f80a
match: token = "glrt-t1_6CpbxTmIiseAVKI5nM_J_GM6MQpvOjMKdDoxCw.01.120xl1g8w"
# CRC wrong
nomatch: glpat-v1e9Q3rUsSmEBTTz84dcJW86MQp1OjJhCA.01.0y0c6yftb
# length field wrong
nomatch: glpat-v1e9Q3rUsSmEBTTz84dcJW86MQp1OjJhCA.01.0z0c6yfta

# Slack API tokens: bot xoxb-, user xoxp-, workspace xoxa-/xoxr-, legacy
# xoxs-/xoxo-, configuration xoxe-/xoxe.xoxp- (Slack API docs, "Token
# types"): the prefix, one to four numeric ids, and a random part.
id: slack_token
entity: SLACK_TOKEN
description: Slack API token (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxe-)
regex: (?<![A-Za-z0-9_.-])(?:xoxe\.)?xox[abeoprs]-[0-9]{1,16}(?:-[0-9]{1,16}){0,3}-[A-Za-z0-9]{10,200}(?![A-Za-z0-9_-])
prefilter: literal xox
context: slack, token, bot
confidence: 0.9
window: 300
window-before: 8
match: xoxb-33633875004-743957551313-EmvnEN5N1aE6PwZPf1Qh6yYT
match: SLACK_BOT_TOKEN="xoxb-07909669091-111465697778-fHWGbtMfEbo9ShFXNQ6Fq5ax"
match: {"ok":true,"access_token":"xoxp-37265167612-22029729975-288200182633-08697a8d41bed440e50454f31af31768"}
match: xoxe.xoxp-1-Mi0yLTk4NzY1NDMyMTAtNzg5MDEyMzQ1Ni1zZWNyZXR2YWx1ZQ
match: xoxa-2-48213907716-5521937743-Tq9mZr4LwX7vKb2Y
nomatch: xoxb-not-a-real-token-this-will-not-work
nomatch: xoxb-33633875004-743957551313-short
nomatch: xoxz-33633875004-743957551313-EmvnEN5N1aE6PwZPf1Qh6yYT
placeholder: xoxb-1234567890-1234567890-XXXXXXXXXXXXXXXXXXXXXXXX

id: slack_app_token
entity: SLACK_TOKEN
description: Slack app-level token (xapp-)
regex: (?<![A-Za-z0-9_-])xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,16}-[a-f0-9]{64}(?![A-Za-z0-9_-])
prefilter: literal xapp-
context: slack, token, app
confidence: 0.9
window: 110
match: xapp-1-ACG629BE2U6-9834788783848-6e4d3cea27d26934b484e73cf575dcad6ba2b0aee0ca923732881584d8c4fa28
match: SLACK_APP_TOKEN=xapp-1-AQLA48CLORW-8889263166277-60caea63367c29a80b21ead8f062d15a4f4ef27e9589c6948f6d30c01c3f252e
nomatch: xapp-1-ACG629BE2U6-9834788783848-6e4d3cea27d26934b484e73cf575dcad6ba2b0aee0ca92373288
nomatch: xapp-1-acg629be2u6-9834788783848-6e4d3cea27d26934b484e73cf575dcad6ba2b0aee0ca923732881584d8c4fa28

# Slack incoming webhook: the URL is the credential (Slack API docs,
# "Sending messages using incoming webhooks").
id: slack_webhook
entity: SLACK_WEBHOOK
description: Slack incoming-webhook or workflow URL (hooks.slack.com/services/T.../B.../...)
regex: (?:https?://)?hooks\.slack\.com/(?:services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{20,32}|(?:workflows|triggers)/T[A-Z0-9]{8,12}/[A-Za-z0-9/]{20,120})(?![A-Za-z0-9])
prefilter: literal-i k.com/
context: slack, webhook, hook
confidence: 0.9
window: 180
window-before: 24
match: https://hooks.slack.com/services/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
match: SLACK_WEBHOOK_URL=https://hooks.slack.com/services/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
match: curl -X POST -d '{"text":"deploy ok"}' hooks.slack.com/services/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
match: https://hooks.slack.com/workflows/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
nomatch: https://hooks.slack.com/services/
nomatch: https://api.slack.com/messaging/webhooks
nomatch: https://hooks.slack.com/services/TDL1ERBFQ/BFOEQH3AV90/short
placeholder: https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX

# Stripe secret (sk_) and restricted (rk_) keys (Stripe docs, "API
# keys"). Live keys move money. Publishable keys (pk_) are meant to be
# public and are not reported.
id: stripe_live_key
entity: STRIPE_KEY
description: Stripe live secret or restricted key (sk_live_, rk_live_)
regex: (?<![A-Za-z0-9_])[rs]k_live_[A-Za-z0-9]{20,247}(?![A-Za-z0-9_])
prefilter: literal-i k_live_
context: stripe, secret, key, api_key
confidence: 0.95
window: 256
window-before: 2
match: sk_live_CGRlrwZbqcabUGJmGEp7CgQ0
match: STRIPE_SECRET_KEY=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
match: Stripe::setApiKey('sk_live_qTmSH4BbyOA0HNkIn3OIOnHn');
nomatch: pk_live_CGRlrwZbqcabUGJmGEp7CgQ0
nomatch: sk_live_short
nomatch: ask_live_CGRlrwZbqcabUGJmGEp7CgQ0
placeholder: sk_live_xxxxxxxxxxxxxxxxxxxxxxxx

# Test-mode keys reach only a sandbox, but they are still an account's
# credentials (they read its test customers and can be abused for card
# testing): reported, with lower confidence. The test keys printed in
# Stripe's API reference are placeholders.
id: stripe_test_key
entity: STRIPE_KEY
description: Stripe test-mode secret or restricted key (sk_test_, rk_test_)
regex: (?<![A-Za-z0-9_])[rs]k_test_[A-Za-z0-9]{20,247}(?![A-Za-z0-9_])
prefilter: literal-i k_test_
context: stripe, secret, key, api_key
confidence: 0.6
window: 256
window-before: 2
match: sk_test_2WjQ5TY4MyWuUFjsUNPjc01T
match: const stripe = require('stripe')('sk_test_WguzDBGwBnMxaOSc2mlADxVx');
nomatch: pk_test_TYooMQauvdEDq54NiTphI7jx
nomatch: sk_test_
placeholder: sk_test_4eC39HqLyjWDarjtT1zdp7dc
placeholder: Stripe.api_key = "sk_test_BQokikJOvBiI2HlWgH4olfQ2"

# Google API key (Google Cloud docs, "Manage API keys"): AIza and 35
# characters of base64url.
id: google_api_key
entity: GOOGLE_API_KEY
description: Google API key (AIza + 35)
regex: (?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])
prefilter: literal AIza
context: google, gcp, firebase, maps, api_key, apikey, key
confidence: 0.9
window: 40
match: AIza2rcDkdfrUnW5gcF_Ha6ili8GjHEAD6-Wj9K
match: https://maps.googleapis.com/maps/api/geocode/json?address=Paris&key=AIzaZyvmbPkZyRHJouZrQV3xZAxjRM8mbTgDIMR
match: {"apiKey": "AIzaSyC7x-4Qm9LwZr2Tn8Vb5Kp1Hd3Fj6Gs0Yt"}
nomatch: AIza2rcDkdfrUnW5gcF_Ha6ili8GjHEAD6-Wj9
nomatch: AIza2rcDkdfrUnW5gcF_Ha6ili8GjHEAD6-Wj9Kx
nomatch: XAIza2rcDkdfrUnW5gcF_Ha6ili8GjHEAD6-Wj9K
placeholder: AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX

# OpenAI API keys: project (sk-proj-), service account (sk-svcacct-),
# admin (sk-admin-) keys, and the older sk- + 48 form (which other
# OpenAI-compatible services copy, hence "OpenAI-style").
id: openai_api_key
entity: OPENAI_API_KEY
description: OpenAI-style API key (sk-proj-, sk-svcacct-, sk-admin-, sk- + 48)
regex: (?<![A-Za-z0-9_-])sk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{40,300}|[A-Za-z0-9]{48})(?![A-Za-z0-9_-])
prefilter: literal sk-
context: openai, api_key, openai_api_key, gpt, key
confidence: 0.9
entropy: 3.5
window: 320
window-before: 2
match: 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
match: OPENAI_API_KEY=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
match: client = OpenAI(api_key="sk-z7770H2DCpYgojjHRg80USP2W5DfJXcaYioK6cPTt9iOqHOB")
match: sk-svcacct-Qm4Lx9Tz2Wv7Rk3Nb8Yc5Hp1Jd6Fg0Ae_Su-Ko2Ir7Ot4Uy9Ew3Qa6Zx1Cv5Bn8Mm
nomatch: sk-XcNOPmeMjvqPVStNKiaET3BlbkFJdFrRgSnRFsTHsDDDXh5
nomatch: ask-XcNOPmeMjvqPVStNKiaET3BlbkFJdFrRgSnRFsTHsDDDXh5J
nomatch: sk-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
nomatch: sk-learn-0.24.2-cp39-cp39-manylinux2010_x86_64

# Anthropic API keys (sk-ant-api03-..., admin keys sk-ant-admin01-...):
# its own entity, so a finding says which provider's key to revoke.
id: anthropic_api_key
entity: ANTHROPIC_API_KEY
description: Anthropic API key (sk-ant-api03-, sk-ant-admin01-)
regex: (?<![A-Za-z0-9_-])sk-ant-(?:api|admin|oat|ort)[0-9]{2}-[A-Za-z0-9_-]{80,120}(?![A-Za-z0-9_-])
prefilter: literal sk-ant-
context: anthropic, claude, api_key, x-api-key
confidence: 0.95
window: 140
window-before: 2
match: sk-ant-api03-omjMyXHCabM6JOF8EFd0Nhcy-1kGD2VD-eR1UYzaLiA-zNyD7CHLn-xC_1hsYgBds1ghxY5OokvQyx7eNWVQ4vnakJkS1AA
match: ANTHROPIC_API_KEY="sk-ant-api03-huLc2iNkQkJnOkdsm2FC_R6YSRQr-_jf0SaWl7dUbo11sFuWvPAX2LJh8NoMtwh6c9eOnzxTBE8C4xJZwN9H_ZRl9CZgBAA"
nomatch: sk-ant-api03-short-key
nomatch: sk-ant-xyz03-omjMyXHCabM6JOF8EFd0Nhcy-1kGD2VD-eR1UYzaLiA-zNyD7CHLn-xC_1hsYgBds1ghxY5OokvQyx7eNWVQ4vnakJkS1AA
placeholder: sk-ant-api03-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXAA

# Twilio API key SID: SK and 32 lower-case hex (Twilio docs, "API keys").
# It names a key whose secret is issued beside it.
id: twilio_api_key
entity: TWILIO_KEY
description: Twilio API key SID (SK + 32 hex)
regex: (?<![A-Za-z0-9])SK[0-9a-f]{32}(?![A-Za-z0-9])
prefilter: literal SK
context: twilio, api_key, sid
confidence: 0.8
window: 34
match: SK36cb9d21f6be6abf0d7c1c1e21862ab8
match: TWILIO_API_KEY=SK4c8170fbe7d5d5a484814506442b83fe
nomatch: SK36CB9D21F6BE6ABF0D7C1C1E21862AB8
nomatch: SK36cb9d21f6be6abf0d7c1c1e21862ab
nomatch: TASK36cb9d21f6be6abf0d7c1c1e21862ab8

# Twilio auth token (32 hex) right after its account SID (AC + 32 hex),
# as client libraries and curl -u take them: Client("AC...", "token"),
# -u AC...:token. The SID is the context; the token is the finding. In a
# URL (https://AC...:token@api.twilio.com) it is URL_CREDENTIALS.
id: twilio_auth_token
entity: TWILIO_KEY
description: Twilio auth token following its account SID (AC... , token)
regex: (?<![A-Za-z0-9])AC[0-9a-f]{32}["']?\s{0,3}[,:]\s{0,3}["']?(?<value>[0-9a-f]{32})(?![A-Za-z0-9@])
prefilter: literal AC
context: twilio, auth_token, authtoken
confidence: 0.85
window: 80
match: client = Client("ACa18a8902073fec8df4f50947aaeb26c5", "7d21fa5d328263dfe574de739988b886")
match: curl -u ACa18a8902073fec8df4f50947aaeb26c5:793e0649c9ac2866c3a98faec2343455 https://api.twilio.com/2010-04-01/Accounts.json
nomatch: ACa18a8902073fec8df4f50947aaeb26c5
nomatch: client = Client("ACa18a8902073fec8df4f50947aaeb26c5", "7d21fa5d328263dfe574de739988b88")

# SendGrid API key (Twilio SendGrid docs, "API keys"): SG. + 22 + . + 43.
id: sendgrid_key
entity: SENDGRID_KEY
description: SendGrid API key (SG.<22>.<43>)
regex: (?<![A-Za-z0-9_.-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])
prefilter: literal SG.
context: sendgrid, api_key, smtp
confidence: 0.95
window: 72
match: 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
match: SENDGRID_API_KEY='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'
nomatch: SG.4FxFEtKyPiYGFDm7ena8D5.VfLDpgyyjVw5HanSBeVRsfAGeAbP0VxNjAe-9i0mYt
nomatch: SG.com.sg is a domain
placeholder: SG.XXXXXXXXXXXXXXXXXXXXXX.XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX

# npm access token (September 2021 format): npm_ and 36 base62, the last
# six a CRC-32 (validator npm_token).
id: npm_token
entity: NPM_TOKEN
description: npm access token (npm_ + 36, CRC-32 checked)
regex: (?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])
validator: npm_token
prefilter: literal-i pm_
context: npm, npmrc, _authtoken, registry
confidence: 0.95
window: 40
match: 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
match: //registry.npmjs.org/:_authToken=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
nomatch: npm_4Qwb8DwkNhFdnXsiVpzz63FfkCzJr43T8w1K
nomatch: npm_config_cache_directory_for_this_pkg
nomatch: //registry.npmjs.org/:_authToken=${NPM_TOKEN}

# JSON Web Token (RFC 7519): three base64url segments; the header must
# decode to a JSON object with "alg" and the payload to a JSON object
# (validator jwt). Segments are bounded so the window stays finite.
id: jwt
entity: JWT
description: JSON Web Token (eyJ... header.payload.signature, decoded and checked)
regex: (?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,1024}\.[A-Za-z0-9_-]{8,6000}\.[A-Za-z0-9_-]{0,1100}(?![A-Za-z0-9_.-])
validator: jwt
prefilter: literal yJ
context: jwt, token, bearer, authorization, id_token, access_token
confidence: 0.85
window: 8192
window-before: 2
match: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1LUJ5UXhDRyIsImlhdCI6MTcwMDQ1OTY0Niwicm9sZSI6InVzZXIifQ.LQUAnvx9dzxyw57H0XXWLc95ZhsRIFtuXRfNcYGCqAo
match: Authorization: Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImNPaWY3VXVYIn0.eyJpc3MiOiJodHRwczovL2F1dGguYWNtZS50ZXN0IiwiYXVkIjpbImFwaSJdLCJleHAiOjE4MDAwMDAwMDAsInNjb3BlIjoicmVhZCB3cml0ZSIsIm4iOjE1MDAuMH0.uIIUDcCB5WCn88giBtsQ_527sdAcMSH74n1J9M_qyyo
match: {"id_token":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1LUtaa29QViIsImlhdCI6MTcwMDQ0MjA0OSwicm9sZSI6InVzZXIifQ.kR_nEhmFyiEf4YmT83QASz66TAZTLBBw5XPQh2UkW7E"}
match: unsigned eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0. token
# header without "alg"
nomatch: eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.r8m47jgQ1VmcwUAoUuWdRufQdCRBgPbrejWXQ52BPFE
# payload is an array, not an object
nomatch: eyJhbGciOiJIUzI1NiJ9.WzEsMiwzXQ.VezxZuJPWvHogU5nGYVHWVsUQk4DwgLGNOaeCtL31Ug
# header corrupted (not JSON)
nomatch: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ.eyJzdWIiOiJ4In0.r8m47jgQ1VmcwUAoUuWdRufQdCRBgPbrejWXQ52BPFE
nomatch: eyJhbGciOiJIUzI1NiJ9
placeholder: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c
placeholder: eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk
