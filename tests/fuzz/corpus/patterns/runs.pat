id: mac
entity: MAC_ADDRESS
description: hex pairs
regex: (?<![\w:])[0-9a-f]{2}(?::[0-9a-f]{2}){5}(?![\w:])
prefilter: run [0-9a-f:\-\x41\s] 17
prefilter: literal ::
window: 17
window-before: 4
confidence: 0.5
match: 3c:22:fb:7a:91:0e
nomatch: 3c:22:fb:7a:91
