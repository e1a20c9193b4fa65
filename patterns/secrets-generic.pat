# secrets-generic.pat: secrets recognised by where they stand rather than
# by their shape: passwords inside URLs and connection strings, and the
# values of password=/secret=/token=/api_key= assignments or of fields
# named so. Vendor tokens with a shape of their own are in secrets.pat;
# the generic entries skip values that start like one of those, so a
# token is reported once, under its vendor. Format: patterns/README.md.
#
# The reported span is the password or value (group "value"), not the
# key or user name: that is what is hashed, counted and masked.
# Placeholders (templates such as ${DB_PASSWORD}, YOUR_API_KEY, xxxx,
# changeme, <password>) are reported with evidence "placeholder".

# scheme://user:password@host, any scheme (http, ftp, postgres,
# mongodb+srv, redis, amqp, smtp, jdbc:mysql, ...). The reported span is
# the user-info "user:password" (validator url_credentials): the pair is
# the credential, and a span that starts before the password keeps an
# e-mail pattern's "password@host" from swallowing it. The user may be
# empty (redis://:pw@host). Digits alone before '@' are a port
# (http://host:8080@...), and hosts under the documentation domains
# example.com/.org/.net (RFC 2606) are samples, not findings.
id: url_credentials
entity: URL_CREDENTIALS
description: User name and password in the user-info part of a URL (scheme://user:password@host)
regex: (?i)(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{1,30}://(?<value>[^\s:/?#@"'<>\[\]\\]{0,128}:(?![0-9]{1,5}@)[^\s/?@"'<>\[\]\\]{1,128})@(?!(?:[a-z0-9-]+\.)*example\.(?:com|org|net)(?![a-z0-9-]))(?=[^\s/?#@"'<>\\])
validator: url_credentials
prefilter: literal ://
context: password, db, database, dsn, url, uri, connection
confidence: 0.9
window: 300
window-before: 32
match: postgres://app_user:Tr0ub4dor-x9@db.internal.acme.io:5432/orders
match: DATABASE_URL=mysql://root:q8#Lm2vZ!pR@10.0.3.12:3306/shop
match: mongodb+srv://svc-reader:Xk92mQpL7vTz@cluster0.ab1cd.mongodb.net/prod?retryWrites=true
match: redis://:9fK2xQ7mLpV3@cache.acme.io:6379/0
match: see ftp://anonymous:guest2024@ftp.acme-mirror.org/pub for files
match: {"url":"https://deploy:Vn4!kR8w@git.acme.io/app.git"}
match: amqp://rabbit:Zq7Wm3Xp@mq.acme.io:5672/%2F
match: jdbc:postgresql://pguser:S3cr3tPgPw@10.1.1.4:5432/warehouse
nomatch: https://www.acme.io:8443/login
nomatch: http://host.acme.io:8080@evil.test/
nomatch: https://medium.com/@someone/a-post
nomatch: git@github.com:acme/app.git
nomatch: ssh://git@github.com/acme/app.git
nomatch: https://user:secretpw@www.example.com/path
nomatch: postgres://u:p@db
placeholder: postgres://postgres:password@localhost:5432/postgres
placeholder: mysql://root:${MYSQL_ROOT_PASSWORD}@db:3306/app
placeholder: https://user:****@registry.acme.io
placeholder: amqp://guest:changeme@rabbitmq:5672/
placeholder: postgresql://postgres:mysecretpassword@localhost/postgres

# Password=...; in an ADO.NET, ODBC or JDBC connection string: the key
# follows a ';', which is what sets a connection string apart from an
# ordinary "password=" assignment (that one is generic_secret's).
id: conn_string_password
entity: URL_CREDENTIALS
description: Password in a key=value; connection string (Server=...;User Id=...;Password=...;)
regex: (?i)(?:(?<=;)|(?<=;\s))(?:password|pwd)\s{0,3}=\s{0,3}[{"']?(?<value>[^;"'{}\s]{4,128})
prefilter: literal-i password, pwd
context: server, data source, database, uid, user id, connection, connectionstring
confidence: 0.85
window: 160
window-before: 2
match: Server=tcp:sql01.acme.io,1433;Database=crm;User Id=crm_app;Password=Kp7#vQ2mXz9L;Encrypt=True;
match: Driver={ODBC Driver 18 for SQL Server};Server=10.0.0.7;UID=report;PWD={Wq4!tN8zBv};
match: jdbc:sqlserver://db.acme.io:1433;databaseName=hr;user=hr_svc;password=Lm3$Rt9wQx;
match: "Data Source=ora01;User ID=scott; Password=T1g3r-2024x"
nomatch: Server=sql01;Database=crm;Integrated Security=SSPI;
nomatch: Server=sql01;Database=crm;User Id=app;Password=;
placeholder: Server=myServerAddress;Database=myDataBase;User Id=myUsername;Password=<password>;
placeholder: Server=sql01;Database=crm;User Id=sa;Pwd=%SA_PASSWORD%;

# key = value, key: value, key => value, "key": "value", <key>value:
# the key names a password, secret, token, API or access key, private
# key, credential or an Authorization header (with its Bearer/Basic
# scheme skipped). The value must end where a value ends (quote, blank,
# comma, semicolon, bracket) and pass the generic_secret validator (not
# code, not a path; a digit or three character classes) and the entropy
# gate. Values that begin like a vendor token (ghp_, xoxb-, sk_live_,
# AIza, eyJ, AKIA, ...) or a URL are left to their own entries, and so
# are the key aws_secret_access_key (aws_secret_key) and a key right after
# a ';' (conn_string_password). An upper-case <TAG> right before the value
# is a redaction marker (<URL_CREDENTIALS>, <PRIVATE_KEY>, as `auditor
# redact` writes them), not a key name closed by '>'.
# A match starts at its key name, at most 8 bytes before the literal in
# it ("private_key": "key" is 8 bytes in), hence window-before 8.
id: generic_secret
entity: GENERIC_SECRET
description: Value of a password=, secret=, token=, api_key= assignment (entropy-gated)
regex: (?i)(?<!;)(?<!;\s)(?:pass(?:word|wd|phrase)|(?<![a-z])pass|pwd|(?<!aws[_.\s-])(?<!aws)secret(?:[_.-]?key)?|token|api[_.-]?key|(?<!secret[_.-])(?<!secret)access[_.-]?key|private[_.-]?key|authorization|credentials?)\\?["']?\]?\s{0,3}(?:=>|:=|[=:>])\s{0,3}\\?["']?(?:(?:bearer|basic|token)\s{1,3})?(?!(?:gh[pousr]_|github_pat_|gl[a-z]{2,6}-|GR1348941|xox[a-z][-.]|xapp-|[rsp]k_(?:live|test)_|AIza|sk-|SG\.|npm_|eyJ|-----|A[KS]IA|AB?IA|ACCA|SK[0-9a-f]{32}|AC[0-9a-f]{32}|[a-z][a-z0-9+.-]{0,30}://))(?<value>[^\s"'`,;&\\()\[\]{}<>]{8,128})(?=[\s"'`,;&\\)\]}<>]|$)
validator: generic_secret
prefilter: literal-i pass, pwd, cret, cred, ken, key, zation
confidence: 0.7
entropy: 3.0
window: 200
window-before: 8
exclude-before: (?-i)<[A-Z][A-Z0-9_]{0,63}>\s{0,3}
match: password=Xk9#mQ2vLp7w
match: DB_PASSWORD="hR4!tq8Zw2Lm"
match: {"username": "jdoe", "password": "S9v!kq2Wx7Lr"}
match: api_key: 3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e
match: $config['db_pass'] => 'Qw3rTy!9Zx';
match: {"client_secret":"Gx7-Kp2mWq9vRt4zLs8n"}
match: Authorization: Bearer 9c1f4e7a2b8d3c6f0e5a1b7d4c2e8f6a
match: export SECRET_KEY=django-insecure-9x!k2m@p4q7r
match: <password>Pz8#Lq3mTk</password>
match: {\"token\":\"tK9xQ2mV7pLz4wR8\"}
match: userPassword: Hn5$wQ8zLm
match: the admin password: Vq7#Lm2Xz9 was reset
match: Password=Kp7#vQ2mXz9L;Server=sql01
nomatch: password = os.getenv("DB_PASSWORD")
nomatch: password = self.password
nomatch: password: str
nomatch: token_url = https://auth.acme.io/oauth/token
nomatch: password = request.form['password']
nomatch: max_tokens: 4096
nomatch: tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")
nomatch: secretName: my-tls-secret
nomatch: secret: my-tls-secret-name
nomatch: password = "hunter2hunter2"
nomatch: password: ********
nomatch: author: Jane Q. Public
nomatch: passwordless login enabled
nomatch: token = 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
nomatch: api_key = AIza2rcDkdfrUnW5gcF_Ha6ili8GjHEAD6-Wj9K
nomatch: aws_secret_access_key = Xr4Tq9vLm2Kp7Wz0Bn5Hc8Jd3Fg6Ys1Ae/QuRo+t
nomatch: AWS secret: uYI0KN1gNT11cUzYZAa3u2olZU6uqbgsYlVvsSKu
nomatch: password_file: /run/secrets/db_password
nomatch: password_reset_at: 2024-05-01T10:00:00Z
nomatch: token: jane.doe@acme-mail.io
nomatch: publishable_key = pk_live_CGRlrwZbqcabUGJmGEp7CgQ0
nomatch: secret = "correcthorsebatterystaple"
nomatch: postgres://<URL_CREDENTIALS>@db.internal.acme.io:5432/orders
nomatch: "<PRIVATE_KEY>\nb3BlbnNzaC1rZXktdjEAAAAA"
nomatch: sent <GITHUB_TOKEN> to ops-team-channel-42
nomatch: Server=sql01;Database=crm;User Id=crm_app;Password=Kp7#vQ2mXz9L;
placeholder: api_key = your-api-key-1234
placeholder: DB_PASSWORD=$DB_PASSWORD_V2
placeholder: OPENAI_TOKEN=replace-me-with-1-token
placeholder: password = "changeme2024!"
placeholder: {"password": "example-Passw0rd"}

# A whole field value in a field named like a credential (CSV column
# password, JSON member client_secret or apiKey), optionally followed by a
# "# comment": the name (or the comment) is the only context, so it is
# required. Values without a digit are left out so that the digit
# prefilter holds (most values never reach PCRE2, and the anchored regex
# fails at once on windows that do not start the value).
id: generic_secret_field
entity: GENERIC_SECRET
description: Whole value of a field named password, client_secret, api_key, access_token, ...
regex: ^(?=[!-/:-~]{0,127}[0-9])(?!(?:gh[pousr]_|github_pat_|gl[a-z]{2,6}-|GR1348941|xox[a-z][-.]|xapp-|[rsp]k_(?:live|test)_|AIza|sk-|SG\.|npm_|eyJ|-----|A[KS]IA|AB?IA|ACCA|SK[0-9a-f]{32}|AC[0-9a-f]{32}|[A-Za-z][A-Za-z0-9+.-]{0,30}://))(?<value>[!-~]{8,128})(?:\s{1,3}#[^\n]{0,60})?$
validator: generic_secret
prefilter: digits 1
context: password, passwd, pwd, passphrase, client secret, api secret, app secret
context: secret key, shared secret, jwt secret, webhook secret, api key, apikey
context: api token, access token, auth token, refresh token, session token
context: bearer token
context: private key
context-required: yes
confidence: 0.55
entropy: 3.0
window: 200
window-before: 127
# Samples have no field name: the context here is in the comment.
match: Wq4!tN8zBv7p  # db password
match: "tK9xQ2mV7pLz4wR8\t# api key"
nomatch: Wq4!tN8zBv7p
nomatch: Wq4!tN8zBv7p  # a note
nomatch: my password is Wq4!tN8zBv7p
