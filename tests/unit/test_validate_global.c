/*
 * test_validate_global.c: the validators of the "global" family
 * (validate_global.c) on published valid and invalid examples, the source
 * of each cited next to it; their registration; and the family's
 * placeholder lists (MAC documentation block, standard crypto test
 * vectors, drama phone numbers).
 */
#include "../../auditor/validate_impl.h"
#include "auditor/validate.h"

#include "harness.h"
#include "validate_harness.h"

#include <string.h>

/* Runs validator `name` on the C string s. */
/* The family's own placeholder check, called directly: validate.c
 * answers PHONE_NUMBER from its own list before it asks the families. */
static int fph(const char *entity, const char *s)
{
	return aud_vfamily_global.is_placeholder(entity, s, strlen(s));
}

static void test_registered(void)
{
	static const char *const names[] = {"mac_address",   "btc_base58check",
					    "btc_bech32",    "eth_eip55",
					    "date_of_birth", "phone_uk",
					    "phone_de",	     "phone_fr",
					    "phone_in",	     NULL};
	const aud_validator_entry *v;
	size_t i, n = 0;

	for (i = 0; names[i]; i++)
		CHECK(aud_validator_find(names[i]) != NULL);
	for (v = aud_vfamily_global.validators; v->name; v++)
		n++;
	CHECK_EQ_INT(n, 9);
	CHECK_STR(aud_vfamily_global.name, "global");
	CHECK(aud_vfamily_global.is_placeholder != NULL);
	/* every validator survives empty and NUL-bearing input */
	for (i = 0; names[i]; i++) {
		aud_validator_fn fn = aud_validator_find(names[i]);

		CHECK_EQ_INT(fn("", 0), 0);
		CHECK_EQ_INT(fn("0\0:00:00:00:00:01", 17), 0);
	}
}

static void test_mac_address(void)
{
	/* RFC 7042 section 2.1.2 documentation address, in the IEEE ('-')
	 * and IETF (':') forms, and Cisco IOS's dotted form. */
	CHECK_EQ_INT(ok("mac_address", "00-00-5E-00-53-2A"), 1);
	CHECK_EQ_INT(ok("mac_address", "00:00:5e:00:53:2a"), 1);
	CHECK_EQ_INT(ok("mac_address", "0000.5e00.532a"), 1);
	CHECK_EQ_INT(ok("mac_address", "3c:22:FB:7a:91:0e"), 1);
	CHECK_EQ_INT(ok("mac_address", "12:34:56:78:90:12"), 1);
	/* one separator throughout */
	CHECK_EQ_INT(ok("mac_address", "00:00-5e:00:53:2a"), 0);
	CHECK_EQ_INT(ok("mac_address", "0000.5e00:532a"), 0);
	/* wrong length, bad digit */
	CHECK_EQ_INT(ok("mac_address", "00:00:5e:00:53"), 0);
	CHECK_EQ_INT(ok("mac_address", "00:00:5e:00:53:2a:01"), 0);
	CHECK_EQ_INT(ok("mac_address", "00:00:5e:00:53:2g"), 0);
	CHECK_EQ_INT(ok("mac_address", "000:0:5e:00:53:2a"), 0);
	/* IEEE 802-2014 clause 8: all zeros names nothing, all ones is the
	 * broadcast address */
	CHECK_EQ_INT(ok("mac_address", "00:00:00:00:00:00"), 0);
	CHECK_EQ_INT(ok("mac_address", "FF-FF-FF-FF-FF-FF"), 0);
	CHECK_EQ_INT(ok("mac_address", "ffff.ffff.ffff"), 0);
	/* decimal digits only are still addresses (the pattern files ask
	 * for context for the '-' and '.' forms) */
	CHECK_EQ_INT(ok("mac_address", "12-34-56-78-90-12"), 1);
	CHECK_EQ_INT(ok("mac_address", "1234.5678.9012"), 1);
}

static void test_btc_base58check(void)
{
	/* The genesis block's coinbase address; the Bitcoin Wiki
	 * ("Address") P2PKH and P2SH examples; bitcoinjs-lib's README
	 * addresses for hash160 751e76e8... (P2PKH) and cd7b44d0... (P2SH). */
	CHECK_EQ_INT(
	    ok("btc_base58check", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"), 1);
	CHECK_EQ_INT(
	    ok("btc_base58check", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"), 1);
	CHECK_EQ_INT(
	    ok("btc_base58check", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"), 1);
	CHECK_EQ_INT(
	    ok("btc_base58check", "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"), 1);
	CHECK_EQ_INT(
	    ok("btc_base58check", "3LRW7jeCvQCRdPF8S3yUCfRAx4eqXFmdcr"), 1);
	/* one character changed: the 4-byte checksum fails */
	CHECK_EQ_INT(
	    ok("btc_base58check", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"), 0);
	CHECK_EQ_INT(
	    ok("btc_base58check", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DjvfNa"), 0);
	CHECK_EQ_INT(
	    ok("btc_base58check", "3LRW7jeCvQCRdPF8S3yUCfRAx4eqXFmdcs"), 0);
	/* testnet P2PKH of the same hash (version 0x6f, bitcoinjs-lib) */
	CHECK_EQ_INT(
	    ok("btc_base58check", "mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r"), 0);
	/* an extra leading '1' is an extra zero byte: 26 bytes */
	CHECK_EQ_INT(
	    ok("btc_base58check", "11BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"), 0);
	/* characters outside the alphabet (0, O, I, l) and short text */
	CHECK_EQ_INT(
	    ok("btc_base58check", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0"), 0);
	CHECK_EQ_INT(
	    ok("btc_base58check", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNO"), 0);
	CHECK_EQ_INT(
	    ok("btc_base58check", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNl"), 0);
	CHECK_EQ_INT(ok("btc_base58check", "1A1zP1eP5QGefi2DM"), 0);
	CHECK_EQ_INT(ok("btc_base58check", "11111111111111111111111111111111"),
		     0);
}

static void test_btc_bech32(void)
{
	/* BIP-350 "Test vectors for v0-v16 native segregated witness
	 * addresses", valid, mainnet (BIP-173's v0 ones among them). */
	CHECK_EQ_INT(
	    ok("btc_bech32", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"), 1);
	CHECK_EQ_INT(
	    ok("btc_bech32", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"), 1);
	CHECK_EQ_INT(ok("btc_bech32", "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4"
				      "xj0gdcccefvpysxf3qccfmv3"),
		     1);
	CHECK_EQ_INT(ok("btc_bech32", "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw5"
				      "08d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y"),
		     1);
	CHECK_EQ_INT(ok("btc_bech32", "BC1SW50QGDZ25J"), 1);
	CHECK_EQ_INT(ok("btc_bech32", "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs"),
		     1);
	CHECK_EQ_INT(ok("btc_bech32", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h"
				      "8z3k2e72q4k9hcz7vqzk5jj0"),
		     1);
	/* The Bitcoin Wiki's Bech32 example. */
	CHECK_EQ_INT(
	    ok("btc_bech32", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"), 1);
	/* BIP-350 invalid addresses: v1 and v16 with a Bech32 checksum, v0
	 * with a Bech32m one, version 17, 1- and 41-byte programs, v0 with
	 * 16 bytes, mixed case, 5 padding bits, no data. */
	CHECK_EQ_INT(ok("btc_bech32", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h"
				      "8z3k2e72q4k9hcz7vqh2y7hd"),
		     0);
	CHECK_EQ_INT(ok("btc_bech32", "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H"
				      "8Z3K2E72Q4K9HCZ7VQ54WELL"),
		     0);
	CHECK_EQ_INT(
	    ok("btc_bech32", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh"), 0);
	CHECK_EQ_INT(ok("btc_bech32", "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H"
				      "8Z3K2E72Q4K9HCZ7VQ7ZWS8R"),
		     0);
	CHECK_EQ_INT(ok("btc_bech32", "bc1pw5dgrnzv"), 0);
	CHECK_EQ_INT(ok("btc_bech32", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h"
				      "8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav"),
		     0);
	CHECK_EQ_INT(ok("btc_bech32", "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P"),
		     0);
	CHECK_EQ_INT(ok("btc_bech32", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h"
				      "8z3k2e72q4k9hcz7vq47Zagq"),
		     0);
	CHECK_EQ_INT(ok("btc_bech32", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h"
				      "8z3k2e72q4k9hcz7v07qwwzcrf"),
		     0);
	CHECK_EQ_INT(ok("btc_bech32", "bc1gmk9yu"), 0);
	/* testnet (BIP-173 "tb1...") and a changed checksum character */
	CHECK_EQ_INT(
	    ok("btc_bech32", "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx"), 0);
	CHECK_EQ_INT(
	    ok("btc_bech32", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"), 0);
	/* 'b', 'i', 'o' and '1' are not in the data alphabet */
	CHECK_EQ_INT(
	    ok("btc_bech32", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3tb"), 0);
}

static void test_eth_eip55(void)
{
	/* EIP-55 "Test Cases": mixed case, all caps, all lower. */
	CHECK_EQ_INT(
	    ok("eth_eip55", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"), 1);
	CHECK_EQ_INT(
	    ok("eth_eip55", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"), 1);
	CHECK_EQ_INT(
	    ok("eth_eip55", "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB"), 1);
	CHECK_EQ_INT(
	    ok("eth_eip55", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"), 1);
	CHECK_EQ_INT(
	    ok("eth_eip55", "0x52908400098527886E0F7030069857D2E4169EE7"), 1);
	CHECK_EQ_INT(
	    ok("eth_eip55", "0x8617E340B3D01FA5F11F306F4090FD50E238070D"), 1);
	CHECK_EQ_INT(
	    ok("eth_eip55", "0xde709f2102306220921060314715629080e2fb77"), 1);
	CHECK_EQ_INT(
	    ok("eth_eip55", "0x27b1fdb04752bbc536007a920d24acb045561c26"), 1);
	/* one letter's case flipped (first, middle, last) */
	CHECK_EQ_INT(
	    ok("eth_eip55", "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"), 0);
	CHECK_EQ_INT(
	    ok("eth_eip55", "0xfB6916095ca1df60bB79Ce92cE3Ea74C37c5d359"), 0);
	CHECK_EQ_INT(
	    ok("eth_eip55", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9adb"), 0);
	/* shape: length, prefix, digits */
	CHECK_EQ_INT(
	    ok("eth_eip55", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe"), 0);
	CHECK_EQ_INT(
	    ok("eth_eip55", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd"), 0);
	CHECK_EQ_INT(
	    ok("eth_eip55", "0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"), 0);
	CHECK_EQ_INT(
	    ok("eth_eip55", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg"), 0);
}

static void test_date_of_birth(void)
{
	/* ISO 8601 extended and basic forms; Gregorian leap years: 2000
	 * and 1984 are leap years, 1900 and 1985 are not. */
	CHECK_EQ_INT(ok("date_of_birth", "1984-03-02"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "1984/3/2"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "19840302"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "2000-02-29"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "29.02.1984"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "1900-02-29"), 0);
	CHECK_EQ_INT(ok("date_of_birth", "29.02.1985"), 0);
	CHECK_EQ_INT(ok("date_of_birth", "1984-04-31"), 0);
	CHECK_EQ_INT(ok("date_of_birth", "1984-13-01"), 0);
	CHECK_EQ_INT(ok("date_of_birth", "1984-00-10"), 0);
	CHECK_EQ_INT(ok("date_of_birth", "19841302"), 0);
	/* the year range 1900-2030 */
	CHECK_EQ_INT(ok("date_of_birth", "1900-01-01"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "2030-12-31"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "1899-12-31"), 0);
	CHECK_EQ_INT(ok("date_of_birth", "2031-01-01"), 0);
	/* D/M/Y or M/D/Y: valid if either reading is */
	CHECK_EQ_INT(ok("date_of_birth", "31/12/1999"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "12/31/1999"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "31/31/1999"), 0);
	CHECK_EQ_INT(ok("date_of_birth", "3 March 84"), 0);
	/* month names */
	CHECK_EQ_INT(ok("date_of_birth", "3 March 1984"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "March 3, 1984"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "3rd of March, 1984"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "Sept. 30th, 1999"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "03-MAR-1984"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "3. M\xc3\xa4rz 1984"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "1er f\xc3\xa9vrier 1984"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "3 de marzo de 1984"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "30 aprile 1984"), 1);
	CHECK_EQ_INT(ok("date_of_birth", "31 aprile 1984"), 0);
	CHECK_EQ_INT(ok("date_of_birth", "29 February 1985"), 0);
	CHECK_EQ_INT(ok("date_of_birth", "3 Marchy 1984"), 0);
	CHECK_EQ_INT(ok("date_of_birth", "3 March 4 1984"), 0);
	CHECK_EQ_INT(ok("date_of_birth", "March 1984"), 0);
	CHECK_EQ_INT(ok("date_of_birth", "1984-03-02T14:30"), 0);
}

static void test_phone_uk(void)
{
	/* Ofcom's drama numbers are well-formed numbers of the plan. */
	CHECK_EQ_INT(ok("phone_uk", "020 7946 0958"), 1);
	CHECK_EQ_INT(ok("phone_uk", "0113 496 0000"), 1);
	CHECK_EQ_INT(ok("phone_uk", "(0121) 496 0999"), 1);
	CHECK_EQ_INT(ok("phone_uk", "01632 960123"), 1);
	CHECK_EQ_INT(ok("phone_uk", "07700 900123"), 1);
	CHECK_EQ_INT(ok("phone_uk", "08081 570123"), 1);
	CHECK_EQ_INT(ok("phone_uk", "0909 879 0123"), 1);
	CHECK_EQ_INT(ok("phone_uk", "03069 990123"), 1);
	CHECK_EQ_INT(ok("phone_uk", "0800 123456"), 1); /* 10-digit 0800 */
	CHECK_EQ_INT(ok("phone_uk", "02079460958"), 1);
	/* unused ranges: 021, 04, 06; 00 is the international prefix */
	CHECK_EQ_INT(ok("phone_uk", "021 7946 0958"), 0);
	CHECK_EQ_INT(ok("phone_uk", "0400 123 4567"), 0);
	CHECK_EQ_INT(ok("phone_uk", "0600 123 4567"), 0);
	CHECK_EQ_INT(ok("phone_uk", "0020 7946 0958"), 0);
	/* local numbers do not start with 0 or 1 */
	CHECK_EQ_INT(ok("phone_uk", "020 1946 0958"), 0);
	CHECK_EQ_INT(ok("phone_uk", "0113 096 0000"), 0);
	/* length: 02 and 07 numbers have 11 digits */
	CHECK_EQ_INT(ok("phone_uk", "020 7946 095"), 0);
	CHECK_EQ_INT(ok("phone_uk", "07700 9001234"), 0);
	CHECK_EQ_INT(ok("phone_uk", "020 7946 0958x"), 0);
	/* 011x/01x1 numbers have 11 digits, 10-digit 08 ones are 0800:
	 * Nordic personal numbers DDMMYY-NNNN are neither */
	CHECK_EQ_INT(ok("phone_uk", "011190-1273"), 0);
	CHECK_EQ_INT(ok("phone_uk", "080519-0984"), 0);
}

static void test_phone_de(void)
{
	/* Bundesnetzagentur drama numbers, DIN 5008 and older layouts. */
	CHECK_EQ_INT(ok("phone_de", "030 23125 000"), 1);
	CHECK_EQ_INT(ok("phone_de", "(089) 99998 123"), 1);
	CHECK_EQ_INT(ok("phone_de", "0221/4710999"), 1);
	CHECK_EQ_INT(ok("phone_de", "0152 28817386"), 1);
	CHECK_EQ_INT(ok("phone_de", "030 901820"), 1);
	CHECK_EQ_INT(ok("phone_de", "0711 12345-0"), 1);
	CHECK_EQ_INT(ok("phone_de", "0301234567"), 1);
	/* 00 is the international prefix; 010-014, 018, 019 are no lines */
	CHECK_EQ_INT(ok("phone_de", "0030 901820"), 0);
	CHECK_EQ_INT(ok("phone_de", "0101 12345678"), 0);
	CHECK_EQ_INT(ok("phone_de", "0137 1234567"), 0);
	/* mobile numbers are 11-12 digits long */
	CHECK_EQ_INT(ok("phone_de", "0151 123456"), 0);
	/* subscriber numbers do not start with 0 */
	CHECK_EQ_INT(ok("phone_de", "030 0123456"), 0);
	CHECK_EQ_INT(ok("phone_de", "0152 05948350"), 1); /* mobile */
	/* length */
	CHECK_EQ_INT(ok("phone_de", "030 1234"), 0);
	CHECK_EQ_INT(ok("phone_de", "030 1234567890"), 0);
	/* layouts: a spaced subscriber number, an extension */
	CHECK_EQ_INT(ok("phone_de", "0151 1234 5678"), 1);
	CHECK_EQ_INT(ok("phone_de", "(0221) 4710 999"), 1);
	CHECK_EQ_INT(ok("phone_de", "038851 1234"), 1);
	/* look-alikes: US ZIP+4, a Nordic personal number (6-digit code
	 * outside 03, '-'), a part number, a Canadian SIN, a 4-4-4 run */
	CHECK_EQ_INT(ok("phone_de", "02134-5553"), 0);
	CHECK_EQ_INT(ok("phone_de", "050690-1286"), 0);
	CHECK_EQ_INT(ok("phone_de", "050690 1286"), 0);
	CHECK_EQ_INT(ok("phone_de", "0451-2345-62"), 0);
	CHECK_EQ_INT(ok("phone_de", "046 454 286"), 0);
	CHECK_EQ_INT(ok("phone_de", "0234 5678 9123"), 0);
}

static void test_phone_fr(void)
{
	/* ARCEP plan: 10 digits, 0 then 1-9. */
	CHECK_EQ_INT(ok("phone_fr", "01 23 45 67 89"), 1);
	CHECK_EQ_INT(ok("phone_fr", "06.12.34.56.78"), 1);
	CHECK_EQ_INT(ok("phone_fr", "09-51-23-45-67"), 1);
	CHECK_EQ_INT(ok("phone_fr", "0612345678"), 1);
	CHECK_EQ_INT(ok("phone_fr", "00 12 34 56 78"), 0);
	CHECK_EQ_INT(ok("phone_fr", "01 23 45 67 8"), 0);
	CHECK_EQ_INT(ok("phone_fr", "01 23 45 67 89 0"), 0);
	CHECK_EQ_INT(ok("phone_fr", "11 23 45 67 89"), 0);
}

static void test_phone_in(void)
{
	/* National numbering plan: 10 digits, trunk 0; mobiles 6-9. */
	CHECK_EQ_INT(ok("phone_in", "098765 43210"), 1);
	CHECK_EQ_INT(ok("phone_in", "0 98765 43210"), 1);
	CHECK_EQ_INT(ok("phone_in", "09876543210"), 1);
	CHECK_EQ_INT(ok("phone_in", "9876543210"), 1);
	CHECK_EQ_INT(ok("phone_in", "98765 43210"), 1);
	CHECK_EQ_INT(ok("phone_in", "011 2345 6789"), 1);
	CHECK_EQ_INT(ok("phone_in", "0484 234 5678"), 1);
	CHECK_EQ_INT(ok("phone_in", "5876543210"), 0); /* no 0: mobile */
	CHECK_EQ_INT(ok("phone_in", "00876543210"), 0);
	CHECK_EQ_INT(ok("phone_in", "098765 4321"), 0);
	CHECK_EQ_INT(ok("phone_in", "098765 432101"), 0);
}

static void test_placeholders(void)
{
	/* RFC 7042 section 2.1.2 documentation blocks. */
	CHECK_EQ_INT(ph("MAC_ADDRESS", "00-00-5E-00-53-2A"), 1);
	CHECK_EQ_INT(ph("MAC_ADDRESS", "00:00:5e:00:53:ff"), 1);
	CHECK_EQ_INT(ph("MAC_ADDRESS", "0000.5e00.5300"), 1);
	CHECK_EQ_INT(ph("MAC_ADDRESS", "01:00:5e:90:10:00"), 1);
	CHECK_EQ_INT(ph("MAC_ADDRESS", "00:00:5e:00:54:00"), 0);
	CHECK_EQ_INT(ph("MAC_ADDRESS", "3c:22:fb:7a:91:0e"), 0);
	/* documentation crypto addresses */
	CHECK_EQ_INT(ph("CRYPTO", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"), 1);
	CHECK_EQ_INT(ph("CRYPTO", "1a1zp1ep5qgefi2dmptftl5slmv7divfna"), 0);
	CHECK_EQ_INT(ph("CRYPTO", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"),
		     1);
	CHECK_EQ_INT(ph("CRYPTO", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"),
		     1);
	CHECK_EQ_INT(ph("CRYPTO", "0x000000000000000000000000000000000000dEaD"),
		     1);
	CHECK_EQ_INT(ph("CRYPTO", "1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH"), 0);
	CHECK_EQ_INT(ph("MAC_ADDRESS", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"),
		     0);
	/* Ofcom drama numbers, national and international form. */
	CHECK_EQ_INT(fph("PHONE_NUMBER", "020 7946 0000"), 1);
	CHECK_EQ_INT(fph("PHONE_NUMBER", "020 7946 0999"), 1);
	CHECK_EQ_INT(fph("PHONE_NUMBER", "020 7946 1000"), 0);
	CHECK_EQ_INT(fph("PHONE_NUMBER", "0113 496 0555"), 1);
	CHECK_EQ_INT(fph("PHONE_NUMBER", "0191 498 0123"), 1);
	CHECK_EQ_INT(fph("PHONE_NUMBER", "028 9649 6123"), 1);
	CHECK_EQ_INT(fph("PHONE_NUMBER", "01632 960123"), 1);
	CHECK_EQ_INT(fph("PHONE_NUMBER", "07700 900461"), 1);
	CHECK_EQ_INT(fph("PHONE_NUMBER", "07700 901461"), 0);
	CHECK_EQ_INT(fph("PHONE_NUMBER", "+44 113 496 0555"), 1);
	CHECK_EQ_INT(fph("PHONE_NUMBER", "+44 (0)1632 960123"), 1);
	/* Bundesnetzagentur drama numbers (Amtsblatt 7/2021). */
	CHECK_EQ_INT(fph("PHONE_NUMBER", "030 23125 000"), 1);
	CHECK_EQ_INT(fph("PHONE_NUMBER", "(0221) 4710 999"), 1);
	CHECK_EQ_INT(fph("PHONE_NUMBER", "+49 89 99998 123"), 1);
	CHECK_EQ_INT(fph("PHONE_NUMBER", "0152 28817386"), 1);
	CHECK_EQ_INT(fph("PHONE_NUMBER", "0152 28817387"), 0);
	CHECK_EQ_INT(fph("PHONE_NUMBER", "030 23126 000"), 0);
	CHECK_EQ_INT(fph("PHONE_NUMBER", "+44 30 23125 000"), 0);
	/* other entities and empty input */
	CHECK_EQ_INT(fph("DATE_OF_BIRTH", "1984-03-02"), 0);
	CHECK_EQ_INT(aud_vfamily_global.is_placeholder("CRYPTO", "", 0), 0);
	CHECK_EQ_INT(aud_vfamily_global.is_placeholder(NULL, "x", 1), 0);
}

int main(void)
{
	RUN(test_registered);
	RUN(test_mac_address);
	RUN(test_btc_base58check);
	RUN(test_btc_bech32);
	RUN(test_eth_eip55);
	RUN(test_date_of_birth);
	RUN(test_phone_uk);
	RUN(test_phone_de);
	RUN(test_phone_fr);
	RUN(test_phone_in);
	RUN(test_placeholders);
	return DONE();
}
