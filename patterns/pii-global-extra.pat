# pii-global-extra.pat: more personal data recognisable in any country:
# MAC addresses, cryptocurrency addresses (Bitcoin, Ethereum) and dates of
# birth. Validators are in auditor/validate_global.c. The format is
# described in patterns/README.md.
#
# Sample values are made up: MAC addresses are random, Bitcoin and
# Ethereum addresses are random hashes with computed checksums, and belong
# to no one as far as anyone can know. Placeholder samples are the
# documentation values the standards publish (RFC 7042, BIP-173/350,
# EIP-55, the Bitcoin Wiki).

# ---- MAC_ADDRESS --------------------------------------------------------
# The all-zeros address and the broadcast address ff:ff:ff:ff:ff:ff name
# no device: the validator drops them (they are not documentation values,
# so not placeholders either). Multicast addresses are kept: they are
# still MAC addresses, and a random address is multicast half the time.

id: mac_address
entity: MAC_ADDRESS
description: MAC address (EUI-48): six hex pairs joined by ':' or '-', one separator throughout (with '-', a hex letter)
regex: (?<![\w:.-])(?:[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}|(?=[0-9-]{0,16}[A-Fa-f])[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5})(?![\w:-]|\.\w)
validator: mac_address
prefilter: run [0-9A-Fa-f:.\-] 17 with 5 [:\-]
context: mac, mac address, macaddr, hwaddr, hw addr, ether, ethernet, bssid, device, wifi, wlan, lladdr, nic
confidence: 0.75
window: 17
match: 3c:22:fb:7a:91:0e
match: HWaddr 3C:22:FB:7A:91:0E
match: link/ether a4:83:e7:1c:5d:02 brd ff:ff:ff:ff:ff:ff
match: Physical Address. . . : 3C-22-FB-7A-91-0E
match: {"bssid":"f0:9f:c2:4a:7b:13"}
match: device 18:65:90:d2:33:4c.
match: dhcp lease 70:85:c2:11:22:33 10.0.0.7
match: 12:34:56:78:90:12
nomatch: 3c:22:fb:7a:91
nomatch: 3c:22:fb:7a:91:0e:5d
nomatch: 3c:22-fb:7a:91:0e
nomatch: 3c:22:fb:7a:91:0g
nomatch: 00:00:00:00:00:00
nomatch: ff:ff:ff:ff:ff:ff
nomatch: 12-34-56-78-90-12
nomatch: at 12:34:56 on 2023-10-05
nomatch: SHA1 Fingerprint=3C:22:FB:7A:91:0E:A4:83:E7:1C:5D:02:18:65:90:D2:33:4C:70:85
nomatch: fe80::1ff:fe23:4567:890a
nomatch: 123e4567-e89b-12d3-a456-426614174000
placeholder: 00:00:5e:00:53:2a
placeholder: 00-00-5E-00-53-01
placeholder: 01:00:5e:90:10:ff

# Every dotted address is a run of 14 hex digits and dots, which prose
# seldom holds (a literal '.' opened windows at every full stop). A hex
# letter is required: "1234.5678.9012" is a number far more often than one of the
# 0.35% of addresses with decimal digits only (mac_address_digits below).
id: mac_address_cisco
entity: MAC_ADDRESS
description: MAC address in Cisco's dotted form, three groups of four hex digits with a hex letter (0123.4567.89ab)
regex: (?<![\w:.-])(?=[0-9.]{0,13}[A-Fa-f])[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![\w:-]|\.\w)
validator: mac_address
prefilter: run [0-9A-Fa-f:.\-] 14 with 2 [.] with 1 [A-Fa-f]
context: mac, mac address, macaddr, hwaddr, ether, ethernet, bssid, device, wifi, wlan, nic
confidence: 0.7
window: 14
match: 3c22.fb7a.910e
match: Internet  10.1.1.5   4   a483.e71c.5d02  ARPA   Vlan10
match: mac address 0018.6590.D233.
nomatch: 1234.5678.9012
nomatch: 3c22.fb7a.910e.0001
nomatch: 3c22.fb7a
nomatch: v2023.1005.1234
nomatch: 0000.0000.0000
nomatch: ffff.ffff.ffff
placeholder: 0000.5e00.5342

id: mac_address_digits
entity: MAC_ADDRESS
description: MAC address of decimal digits only in the '-' or dotted form (12-34-56-78-90-12, 1234.5678.9012), reported only next to a context word
regex: (?<![\w:.-])(?:\d\d(?:-\d\d){5}|\d{4}\.\d{4}\.\d{4})(?![\w:-]|\.\w)
validator: mac_address
prefilter: digits 12 group 2-4
context: mac, mac address, macaddr, hwaddr, hw addr, ether, ethernet, bssid, wifi, wlan, lladdr, nic
context-required: yes
confidence: 0.6
window: 17
match: MAC 00-18-65-90-23-34
match: {"mac":"0018.6590.2334"}
match: bssid: 70-85-12-11-22-33
nomatch: 00-18-65-90-23-34
nomatch: order 1234.5678.9012
nomatch: mac 00-00-00-00-00-00
nomatch: mac 00-18-65-90-23-34-56

# ---- CRYPTO -------------------------------------------------------------

# A legacy address is a run of 26 to 35 Base58 bytes between bytes that
# are not letters or digits, so the run is the address: prose and
# numbers seldom hold one (the literals '1' and '3' opened a window at
# nearly every number).
id: btc_legacy
entity: CRYPTO
description: Bitcoin legacy address, Base58Check with checksum: P2PKH (1...) or P2SH (3...)
regex: (?<![A-Za-z0-9])[13][1-9A-HJ-NP-Za-km-z]{25,34}(?![A-Za-z0-9])
validator: btc_base58check
prefilter: run [0-9A-Za-z] 26-35
context: bitcoin, btc, wallet, address, crypto, send, receive, deposit, payment, pay to
confidence: 0.85
window: 35
match: 1GjBiLq8p33K6tJjWXVvVj97YYtBPUJgim
match: send 0.05 BTC to 18n9dRib2gasuv1ziQitferQdG9LPBozU please
match: bitcoin:13d211tM5WqGXY9ze8ANtH4i95oYZ3PTtJ?amount=0.01
match: {"wallet":"3KCibfZvcp1L6cp4273eZxh3EJvzmsbauf"}
match: 3F6KKGVYYGTc6Ehw3U5nYBhBK4riFxgrdQ,3DALk7hLyDSHTCkRdG3NwTkHLNL4QgZhSF
nomatch: 1GjBiLq8p33K6tJjWXVvVj97YYtBPUJgin
nomatch: 1GjBiLq8p33K6tJjWXVvVj97YYtBPUJgi
nomatch: 3KCibfZvcp1L6cp4273eZxh3EJvzmsbaug
nomatch: 2NByiBUaEXrhmqAsg7BbLpcQSAQs1EDwt5w
nomatch: 11111111111111111111111111111111
nomatch: commit 9fceb02d0ae598e95dc970b74767f19372d61af8
nomatch: 123e4567-e89b-12d3-a456-426614174000
nomatch: 1234567890123456789012345678901234
placeholder: 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa
placeholder: pay to 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2
placeholder: 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy

id: btc_bech32
entity: CRYPTO
description: Bitcoin native SegWit address bc1..., Bech32 (v0) or Bech32m (v1+, Taproot) with checksum
regex: (?<![A-Za-z0-9])(?:bc1[02-9ac-hj-np-z]{11,71}|BC1[02-9AC-HJ-NP-Z]{11,71})(?![A-Za-z0-9])
validator: btc_bech32
prefilter: literal-i bc1
context: bitcoin, btc, wallet, address, crypto, send, receive, deposit, payment, segwit, taproot
confidence: 0.9
window: 74
match: bc1q5xc8n6x6pv0n0cz7pcggux7kj9nspev3rp8ka5
match: BC1QTEWC9SS42SEQ826VJG660L4AKZQM7M68EX2M0Y
match: withdraw to bc1qeze4pzg9773vcgmuehwc09y32hhl0m9hk45lwj.
match: bc1q5k0q20fyq9tq84synt89hz5c9e2q70h8rqntg3rk7235sfhajc6sq78v42
match: {"addr":"bc1pjuzxjnc4agfl2z37wxpxqpx27cke3tlz8a495mpamjpmccw55csq8ghv7h"}
match: bitcoin:bc1ptj3yxwawspzxee978uvwguht4pyx9pkdv983gsxgaxgd0238qy0spre93q?amount=1
nomatch: bc1q5xc8n6x6pv0n0cz7pcggux7kj9nspev3rp8ka6
nomatch: bc1q5xc8n6x6pv0n0cz7pcggux7kj9nspev3rp8kA5
nomatch: bc1p54xu5xp9xza36mgn9n0dvgmm9mv3u0mjrl93jughgj2dvjfun4wqsw6slc
nomatch: bc1q54xu5xp9xza36mgn9n0dvgmm9ctgfrp5
nomatch: tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx
nomatch: bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh
nomatch: abc1q5xc8n6x6pv0n0cz7pcggux7kj9nspev3rp8ka5
placeholder: bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq
placeholder: BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4
placeholder: bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0

id: eth_checksummed
entity: CRYPTO
description: Ethereum address 0x + 40 hex in EIP-55 mixed case (the case is a Keccak-256 checksum)
regex: (?<!\w)0x(?=[0-9a-f]*[A-F])(?=[0-9A-F]*[a-f])[0-9a-fA-F]{40}(?!\w)
validator: eth_eip55
prefilter: literal 0x
context: ethereum, eth, ether, wallet, address, crypto, erc20, erc-20, metamask, token, contract
confidence: 0.9
window: 42
match: 0x2E3563dA3D18d4eefa0Eb898D8259F9239193846
match: send 2 ETH to 0xB76850AFBe3eA9d1F63922BC13CDc38dF4aA6153 today
match: {"from":"0x0Ab3d7f46a569A3eD81bB86912B34BBb157d18B8","value":"0x1"}
match: https://etherscan.io/address/0x2EF23AA491Fa878E9De2e4a5FF7976EEE60B9EaF
match: 0x40499067e407eCD371a1F3c0eFAeA98460DAcB3E,0xFB3c4D654B8D4196A08C4353dC18f677C83faA02
nomatch: 0x2E3563dA3D18d4eefa0Eb898D8259F9239193847
nomatch: 0x2e3563dA3D18d4eefa0Eb898D8259F9239193846
nomatch: 0x2E3563dA3D18d4eefa0Eb898D8259F923919384
nomatch: 0x2E3563dA3D18d4eefa0Eb898D8259F9239193846aB
nomatch: 0x2e3563da3d18d4eefa0eb898d8259f9239193846
nomatch: tx 0x88df016429689c079f3b2f6ad39fa052532c56795b733da78a91ebe6a713944b
placeholder: 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed
placeholder: 0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb
placeholder: burn 0x000000000000000000000000000000000000dEaD

id: eth_plain
entity: CRYPTO
description: Ethereum address 0x + 40 hex in one case (no checksum), reported only next to a context word
regex: (?<!\w)0x(?:[0-9a-f]{40}|[0-9A-F]{40})(?!\w)
validator: eth_eip55
prefilter: literal 0x
context: ethereum, eth, ether, wallet, address, crypto, erc20, erc-20, metamask, token, contract, recipient, sender
context-required: yes
confidence: 0.6
window: 42
match: eth address: 0x2e3563da3d18d4eefa0eb898d8259f9239193846
match: {"wallet":"0xB76850AFBE3EA9D1F63922BC13CDC38DF4AA6153"}
match: Ethereum 0x0ab3d7f46a569a3ed81bb86912b34bbb157d18b8
nomatch: 0x2e3563da3d18d4eefa0eb898d8259f9239193846
nomatch: hash 0x2e3563da3d18d4eefa0eb898d8259f9239193846
nomatch: wallet 0x2e3563da3d18d4eefa0eb898d8259f923919384
nomatch: wallet 0x2e3563da3d18d4eefa0eb898d8259f9239193846ab
placeholder: address 0x0000000000000000000000000000000000000000
placeholder: eth 0xde709f2102306220921060314715629080e2fb77

# ---- DATE_OF_BIRTH --------------------------------------------------------
# One entry for every written form, so that the regex runs once per window
# (two entries cost a third more). Numeric forms: Y-M-D, D-M-Y or M-D-Y
# with '-', '/' or '.', and YYYYMMDD; a date-only ISO value may carry a
# midnight time (1984-03-02T00:00:00Z), any other time makes it a
# timestamp. Month names: the group is a trie of the month names and
# abbreviations in validate_global.c's month_words table (en, de, fr, es,
# it; UTF-8 bytes as \xHH): an alternation of the 92 words costs PCRE2 up
# to 92 tries at every word start, the trie one or two.

id: date_of_birth
entity: DATE_OF_BIRTH
description: Date (1984-03-02, 02/03/1984, 03.03.1984, 19840302, 3 March 1984, March 3rd, 1984, 3. Maerz 1984, 1er mars 1984, 3 de marzo de 1984) next to a birth-date word
regex: (?<![\w/.-])(?:(?:(?:19|20)\d\d([-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])|(?:0?[1-9]|[12]\d|3[01])([-/.])(?:0?[1-9]|[12]\d|3[01])\2(?:19|20)\d\d|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?:(?=T00:00)|(?![\w/-]|\.\d))|(?:(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th|er)?\.?[ -](?:(?:of|de) )?(?:a(?:br(?:il)?|go(?:sto)?|o(?:ut|\xc3\xbbt)|pr(?:il(?:e)?)?|ug(?:ust)?|vr(?:il)?)|d(?:e(?:c(?:emb(?:er|re))?|z(?:ember)?)|ic(?:embre|iembre)?|\xc3\xa9c(?:embre)?)|ene(?:ro)?|f(?:e(?:b(?:braio|r(?:ero|uar(?:y)?))?|v(?:r(?:ier)?)?)|\xc3\xa9v(?:r(?:ier)?)?)|g(?:en(?:naio)?|iu(?:gno)?)|j(?:a(?:enner|n(?:uar(?:y)?|v(?:ier)?)?)|u(?:i(?:l(?:let)?|n)|l(?:i(?:o)?|y)?|n(?:e|i(?:o)?)?)|\xc3\xa4nner)|lug(?:lio)?|m(?:a(?:erz|g(?:gio)?|i|r(?:ch|s|zo)?|y(?:o)?)|rz|\xc3\xa4rz)|nov(?:emb(?:er|re)|iembre)?|o(?:ct(?:ob(?:er|re)|ubre)?|kt(?:ober)?|tt(?:obre)?)|se(?:p(?:t(?:emb(?:er|re)|iembre)?)?|t(?:iembre|tembre)?))\.?(?:, ?| de | |-)(?:19|20)\d\d|(?:a(?:br(?:il)?|go(?:sto)?|o(?:ut|\xc3\xbbt)|pr(?:il(?:e)?)?|ug(?:ust)?|vr(?:il)?)|d(?:e(?:c(?:emb(?:er|re))?|z(?:ember)?)|ic(?:embre|iembre)?|\xc3\xa9c(?:embre)?)|ene(?:ro)?|f(?:e(?:b(?:braio|r(?:ero|uar(?:y)?))?|v(?:r(?:ier)?)?)|\xc3\xa9v(?:r(?:ier)?)?)|g(?:en(?:naio)?|iu(?:gno)?)|j(?:a(?:enner|n(?:uar(?:y)?|v(?:ier)?)?)|u(?:i(?:l(?:let)?|n)|l(?:i(?:o)?|y)?|n(?:e|i(?:o)?)?)|\xc3\xa4nner)|lug(?:lio)?|m(?:a(?:erz|g(?:gio)?|i|r(?:ch|s|zo)?|y(?:o)?)|rz|\xc3\xa4rz)|nov(?:emb(?:er|re)|iembre)?|o(?:ct(?:ob(?:er|re)|ubre)?|kt(?:ober)?|tt(?:obre)?)|se(?:p(?:t(?:emb(?:er|re)|iembre)?)?|t(?:iembre|tembre)?))\.? (?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,? (?:19|20)\d\d)(?![\w-]|\.\d))
flags: i
validator: date_of_birth
prefilter: digits 4
context: dob, d.o.b, date of birth, birth date, birthdate, birthday, birth, born, bday
context: geboren, geburtsdatum, geburtstag, geb., né le, née le, date de naissance, naissance
context: fecha de nacimiento, nacimiento, nacido, nacida, data di nascita, nascita, nato il, nata il
context-required: yes
confidence: 0.6
window: 28
match: DOB: 1984-03-02
match: {"dob":"1984-03-02T00:00:00Z"}
match: date of birth 02/03/1984
match: born 12/31/1999 in Ohio
match: Geburtsdatum: 29.02.1984
match: née le 03/03/1984 à Lyon
match: fecha de nacimiento: 3-7-1975
match: birthdate=19840302
match: {"patient":{"birthDate":"1990-7-4"}}
nomatch: 1984-03-02
nomatch: created 2024-03-02
nomatch: DOB: 1984-02-30
nomatch: DOB: 29.02.1985
nomatch: DOB: 31/31/1999
nomatch: born 1899-12-31
nomatch: DOB: 2031-01-01
nomatch: DOB 1984-03-02T14:30:00
nomatch: birth 1984-03-021
nomatch: born 1.2.3.1984
nomatch: birthday version 2024.10.05.1
match: born 3 March 1984
match: Date of birth: March 3, 1984
match: DOB 3rd of March, 1984
match: dob: Mar. 3rd, 1984
match: {"dob":"03-MAR-1984"}
match: geboren am 3. März 1984 in Köln
match: né le 1er mars 1984
match: fecha de nacimiento: 3 de marzo de 1984
match: data di nascita 30 aprile 1984
match: BIRTHDAY: SEPTEMBER 30TH, 1999
nomatch: 3 March 1984
nomatch: meeting on March 3, 2024
nomatch: born 31 April 1984
nomatch: born 29 February 1985
nomatch: born 3 March 1899
nomatch: born 3 Marchx 1984
nomatch: born 3 March 84
nomatch: born in March 1984
