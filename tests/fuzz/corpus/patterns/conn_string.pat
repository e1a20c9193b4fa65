id: conn_string_password
entity: URL_CREDENTIALS
description: Password in a key=value; connection string (Server=...;User Id=...;Password=...;)
regex: (?i)(?:(?<=;)|(?<=;\s))(?:password|pwd)\s{0,3}=\s{0,3}[{"']?(?<value>[^;"'{}\s]{4,128})
prefilter: literal-i password, pwd
context: server, data source, database, uid, user id, connection, connectionstring
confidence: 0.85
window: 160
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
# a ';' (conn_string_password).
