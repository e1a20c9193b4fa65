id: test.key-1
entity: TEST_KEY
description: every key once
regex: key\s*=\s*"(?<value>[A-Za-z0-9]{8,32})"
flags: i
prefilter: literal-i key, \x4b\,EY\s\\
context: api, token
context-required: yes
exclude-context: example, sample
exclude-before: [a-z]+://[^\s/@]*
confidence: 0.5
window: 64
entropy: 2.5
match: "api key = \"Zq8XbW2pL0mN\""
nomatch: key = "aaaaaaaa"
placeholder: "api key=\"EXAMPLE0\""
