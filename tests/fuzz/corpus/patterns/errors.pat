# several mistakes: the parser stops at the first
entity: BEFORE_ID
id: Bad Id
regex: (unclosed
