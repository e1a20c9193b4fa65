/*
 * validate_global.c: validators of the "global" family (see
 * validate_impl.h) for personal data that has no country: MAC addresses,
 * cryptocurrency addresses (Bitcoin Base58Check and Bech32/Bech32m,
 * Ethereum with its EIP-55 checksum), dates of birth, and the national
 * (trunk-prefix 0) phone formats of the UK, Germany, France and India; and
 * the documentation/fiction values of those entities (placeholders).
 *
 * Like validate.c, a validator gets the bytes a regex matched, separators
 * included, answers 1 or 0, never reads past len and keeps no state. The
 * shape of a candidate is the .pat files' job (pii-global-extra.pat,
 * phones-national.pat); whether a context word is needed is the entry's.
 * SHA-256 comes from OpenSSL's EVP interface; Keccak-256, which OpenSSL 3.0
 * lacks, is implemented here from FIPS 202.
 */
#include "validate_impl.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <string.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned hexval(char c)
{
	if (is_digit(c))
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	return (unsigned)(c - 'A' + 10);
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Case-insensitive (ASCII) equality of {s, n} and the C string w. */
static int eq_nocase(const char *s, size_t n, const char *w)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i] == '\0' || lower(s[i]) != lower(w[i]))
			return 0;
	return w[n] == '\0';
}

/* Copies the decimal digits of s into out (at most cap) and returns how
 * many there were, or cap + 1 when there are more than cap. */
static size_t digits_of(const char *s, size_t len, char *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			continue;
		if (n == cap)
			return cap + 1;
		out[n++] = s[i];
	}
	return n;
}

/* ---- MAC addresses --------------------------------------------------- */

/* Parses the three written forms of an EUI-48 into b[6]: six hex pairs
 * joined by one ':' or one '-' throughout, or Cisco's three dotted groups
 * of four. Sets *sep to the separator. 1 or 0. */
static int mac_parse(const char *s, size_t len, unsigned char b[6], char *sep)
{
	size_t k;

	if (len == 17) {
		*sep = s[2];
		if (*sep != ':' && *sep != '-')
			return 0;
		for (k = 0; k < 6; k++) {
			const char *p = s + 3 * k;

			if (k > 0 && p[-1] != *sep)
				return 0;
			if (!is_hex(p[0]) || !is_hex(p[1]))
				return 0;
			b[k] =
			    (unsigned char)(hexval(p[0]) << 4 | hexval(p[1]));
		}
		return 1;
	}
	if (len == 14) {
		*sep = '.';
		for (k = 0; k < 3; k++) {
			const char *p = s + 5 * k;
			size_t j;

			if (k > 0 && p[-1] != '.')
				return 0;
			for (j = 0; j < 4; j++)
				if (!is_hex(p[j]))
					return 0;
			b[2 * k] =
			    (unsigned char)(hexval(p[0]) << 4 | hexval(p[1]));
			b[2 * k + 1] =
			    (unsigned char)(hexval(p[2]) << 4 | hexval(p[3]));
		}
		return 1;
	}
	return 0;
}

/*
 * MAC address (EUI-48), IEEE Std 802-2014 clause 8 and the IEEE RA
 * "Guidelines for Use of Extended Unique Identifier (EUI)": 48 bits
 * written as six hex octets, canonically joined by '-' (IEEE) or ':'
 * (IETF, e.g. RFC 7042 section 1.1), one separator throughout; Cisco IOS
 * prints three dot-separated groups of four. The all-zeros address is
 * assigned to nothing and the all-ones one is the broadcast address
 * (IEEE 802-2014 clause 8.2): neither names a device, so both are
 * rejected. (Whether "12-34-56-78-90-12", decimal digits only, needs a
 * context word is the pattern files' decision.)
 */
static int v_mac_address(const char *s, size_t len)
{
	unsigned char b[6];
	char sep;
	size_t i;
	int zero = 1, ones = 1;

	if (!mac_parse(s, len, b, &sep))
		return 0;
	for (i = 0; i < 6; i++) {
		zero &= b[i] == 0x00;
		ones &= b[i] == 0xff;
	}
	return !zero && !ones;
}

/* ---- Bitcoin --------------------------------------------------------- */

static const char b58_alphabet[] =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* SHA-256 applied twice (Bitcoin's "hash256"), via OpenSSL EVP. 1 or 0. */
static int sha256d(const unsigned char *in, size_t n, unsigned char out[32])
{
	unsigned char mid[32];
	unsigned len = 0;

	if (EVP_Digest(in, n, mid, &len, EVP_sha256(), NULL) != 1 || len != 32)
		return 0;
	if (EVP_Digest(mid, 32, out, &len, EVP_sha256(), NULL) != 1 ||
	    len != 32)
		return 0;
	return 1;
}

/*
 * Bitcoin legacy address, Base58Check (Bitcoin Core src/base58.cpp; the
 * Bitcoin Developer Guide, "Base58Check encoding"; BIP-13 for P2SH): the
 * text is a base-58 number over the alphabet above with one leading '1'
 * per leading zero byte; it decodes to exactly 25 bytes: a version byte
 * (0x00 P2PKH, written "1..."; 0x05 P2SH, written "3..."), a 20-byte
 * hash, and a checksum that is the first 4 bytes of SHA-256(SHA-256(the
 * first 21 bytes)).
 */
static int v_btc_base58check(const char *s, size_t len)
{
	unsigned char b[25] = {0}, h[32];
	size_t i, k, ones = 0, zeros = 0;

	if (len < 26 || len > 35)
		return 0;
	for (i = 0; i < len; i++) {
		const char *p = s[i] ? memchr(b58_alphabet, s[i], 58) : NULL;
		unsigned carry;

		if (!p)
			return 0;
		carry = (unsigned)(p - b58_alphabet);
		for (k = sizeof b; k-- > 0;) {
			carry += 58u * b[k];
			b[k] = (unsigned char)(carry & 0xff);
			carry >>= 8;
		}
		if (carry)
			return 0; /* more than 25 bytes */
	}
	while (ones < len && s[ones] == '1')
		ones++;
	while (zeros < sizeof b && b[zeros] == 0)
		zeros++;
	if (ones != zeros)
		return 0; /* not the canonical text of 25 bytes */
	if (!((s[0] == '1' && b[0] == 0x00) || (s[0] == '3' && b[0] == 0x05)))
		return 0;
	if (!sha256d(b, 21, h))
		return 0;
	return memcmp(h, b + 21, 4) == 0;
}

static const char bech32_charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/* One step of the BCH checksum of BIP-173 ("bech32_polymod"). */
static uint32_t bech32_step(uint32_t c, unsigned v)
{
	static const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
					0x3d4233dd, 0x2a1462b3};
	uint32_t top = c >> 25;
	int i;

	c = ((c & 0x1ffffff) << 5) ^ v;
	for (i = 0; i < 5; i++)
		if ((top >> i) & 1)
			c ^= gen[i];
	return c;
}

/*
 * Bitcoin native SegWit address (BIP-173 Bech32, BIP-350 Bech32m, program
 * rules of BIP-141): human-readable part "bc", separator '1', data over
 * the 32-character alphabet above, all in one case; the last 6 characters
 * are a BCH checksum whose polymod constant is 1 (Bech32) or 0x2bc830a3
 * (Bech32m). The first data value is the witness version 0-16; the rest,
 * regrouped from 5 to 8 bits with at most 4 zero padding bits, is the
 * witness program of 2-40 bytes. Version 0 programs are 20 or 32 bytes and
 * use Bech32; versions 1-16 use Bech32m. At most 90 characters.
 */
static int v_btc_bech32(const char *s, size_t len)
{
	uint32_t chk = 1, acc = 0;
	unsigned bits = 0, ver = 0, prog = 0;
	int up = 0, lo = 0;
	size_t i, ndata;

	if (len < 14 || len > 90 || !eq_nocase(s, 3, "bc1"))
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] >= 'a' && s[i] <= 'z')
			lo = 1;
		else if (s[i] >= 'A' && s[i] <= 'Z')
			up = 1;
	}
	if (up && lo)
		return 0;
	/* expanded HRP "bc": high bits, 0, low bits */
	chk = bech32_step(chk, 'b' >> 5);
	chk = bech32_step(chk, 'c' >> 5);
	chk = bech32_step(chk, 0);
	chk = bech32_step(chk, 'b' & 31);
	chk = bech32_step(chk, 'c' & 31);
	ndata = len - 3;
	for (i = 0; i < ndata; i++) {
		char c = lower(s[3 + i]);
		const char *p = c ? memchr(bech32_charset, c, 32) : NULL;
		unsigned v;

		if (!p)
			return 0;
		v = (unsigned)(p - bech32_charset);
		chk = bech32_step(chk, v);
		if (i == 0) {
			ver = v;
		} else if (i < ndata - 6) {
			acc = ((acc << 5) | v) & 0xfff;
			bits += 5;
			if (bits >= 8) {
				bits -= 8;
				prog++;
			}
		}
	}
	if (ver > 16 || bits >= 5 || ((acc << (8 - bits)) & 0xff))
		return 0;
	if (prog < 2 || prog > 40)
		return 0;
	if (ver == 0)
		return (prog == 20 || prog == 32) && chk == 1;
	return chk == 0x2bc830a3;
}

/* ---- Ethereum -------------------------------------------------------- */

static uint64_t rol64(uint64_t v, unsigned n)
{
	return n ? (v << n) | (v >> (64 - n)) : v;
}

/*
 * Keccak-f[1600], FIPS 202 section 3.3 (theta, rho, pi, chi, iota; 24
 * rounds). The state is 25 lanes indexed x + 5y. Rotation offsets are
 * FIPS 202 Table 2; round constants are those of section 3.2.5 (also
 * listed in the Keccak reference, "The Keccak reference" v3.0, 1.2).
 */
static void keccak_f1600(uint64_t a[25])
{
	static const uint64_t rc[24] = {
	    0x0000000000000001ULL, 0x0000000000008082ULL,
	    0x800000000000808aULL, 0x8000000080008000ULL,
	    0x000000000000808bULL, 0x0000000080000001ULL,
	    0x8000000080008081ULL, 0x8000000000008009ULL,
	    0x000000000000008aULL, 0x0000000000000088ULL,
	    0x0000000080008009ULL, 0x000000008000000aULL,
	    0x000000008000808bULL, 0x800000000000008bULL,
	    0x8000000000008089ULL, 0x8000000000008003ULL,
	    0x8000000000008002ULL, 0x8000000000000080ULL,
	    0x000000000000800aULL, 0x800000008000000aULL,
	    0x8000000080008081ULL, 0x8000000000008080ULL,
	    0x0000000080000001ULL, 0x8000000080008008ULL};
	static const unsigned char rot[25] = {0,  1, 62, 28, 27, 36, 44, 6,  55,
					      20, 3, 10, 43, 25, 39, 41, 45, 15,
					      21, 8, 18, 2,  61, 56, 14};
	uint64_t b[25], c[5], d;
	int r, x, y;

	for (r = 0; r < 24; r++) {
		for (x = 0; x < 5; x++)
			c[x] =
			    a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
		for (x = 0; x < 5; x++) {
			d = c[(x + 4) % 5] ^ rol64(c[(x + 1) % 5], 1);
			for (y = 0; y < 25; y += 5)
				a[x + y] ^= d;
		}
		/* rho and pi: lane (x, y) moves to (y, 2x + 3y) */
		for (x = 0; x < 5; x++)
			for (y = 0; y < 5; y++)
				b[y + 5 * ((2 * x + 3 * y) % 5)] =
				    rol64(a[x + 5 * y], rot[x + 5 * y]);
		for (y = 0; y < 25; y += 5)
			for (x = 0; x < 5; x++)
				a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] &
						       b[(x + 2) % 5 + y]);
		a[0] ^= rc[r];
	}
}

/* XORs a 136-byte block into the state, lanes little-endian. */
static void keccak_absorb(uint64_t a[25], const unsigned char *blk)
{
	int i, j;

	for (i = 0; i < 17; i++) {
		uint64_t v = 0;

		for (j = 7; j >= 0; j--)
			v = v << 8 | blk[8 * i + j];
		a[i] ^= v;
	}
}

/*
 * Keccak-256 as Ethereum uses it (the Keccak submission to the SHA-3
 * competition, round 3): sponge over Keccak-f[1600] with rate 1088 bits
 * (136 bytes) and capacity 512, 32-byte output. Its padding is the
 * original pad10*1 starting with byte 0x01; FIPS 202 SHA3-256 differs only
 * in starting with 0x06 (its domain bits), so the two give different
 * digests.
 */
static void keccak256(const unsigned char *in, size_t n, unsigned char out[32])
{
	uint64_t a[25] = {0};
	unsigned char blk[136];
	int i, j;

	while (n >= sizeof blk) {
		keccak_absorb(a, in);
		keccak_f1600(a);
		in += sizeof blk;
		n -= sizeof blk;
	}
	memset(blk, 0, sizeof blk);
	memcpy(blk, in, n);
	blk[n] ^= 0x01;
	blk[sizeof blk - 1] ^= 0x80;
	keccak_absorb(a, blk);
	keccak_f1600(a);
	for (i = 0; i < 4; i++)
		for (j = 0; j < 8; j++)
			out[8 * i + j] = (unsigned char)(a[i] >> (8 * j));
}

/*
 * Ethereum address with the EIP-55 mixed-case checksum (EIP-55, "Mixed-
 * case checksum address encoding", 2016): "0x" and 40 hex digits; take
 * Keccak-256 of the 40 digits in lower case (as ASCII); the i-th letter is
 * upper case exactly when the i-th hex digit (nibble) of that hash is 8
 * or more. An address in a single case carries no checksum (EIP-55 keeps
 * them valid for compatibility) and is accepted; the pattern files ask
 * for a context word for those.
 */
static int v_eth_eip55(const char *s, size_t len)
{
	unsigned char low[40], h[32];
	int up = 0, lo = 0;
	size_t i;

	if (len != 42 || s[0] != '0' || s[1] != 'x')
		return 0;
	for (i = 0; i < 40; i++) {
		char c = s[2 + i];

		if (!is_hex(c))
			return 0;
		if (c >= 'A' && c <= 'F')
			up = 1;
		else if (c >= 'a' && c <= 'f')
			lo = 1;
		low[i] = (unsigned char)lower(c);
	}
	if (!up || !lo)
		return 1;
	keccak256(low, sizeof low, h);
	for (i = 0; i < 40; i++) {
		char c = s[2 + i];
		unsigned nib = i % 2 ? h[i / 2] & 0x0f : h[i / 2] >> 4;

		if (is_digit(c))
			continue;
		if ((nib >= 8) != (c >= 'A' && c <= 'F'))
			return 0;
	}
	return 1;
}

/* ---- dates of birth -------------------------------------------------- */

/* Month names and abbreviations in English, German, French, Spanish and
 * Italian, lower case (UTF-8). The date_of_birth entry of
 * pii-global-extra.pat spells the same words as a trie: change both. */
/* clang-format off */
static const struct {
	const char *w;
	unsigned char m;
} month_words[] = {
	{"january", 1}, {"jan", 1}, {"januar", 1}, {"j\xc3\xa4nner", 1},
	{"jaenner", 1}, {"janvier", 1}, {"janv", 1}, {"enero", 1}, {"ene", 1},
	{"gennaio", 1}, {"gen", 1},
	{"february", 2}, {"feb", 2}, {"februar", 2}, {"f\xc3\xa9vrier", 2},
	{"fevrier", 2}, {"f\xc3\xa9vr", 2}, {"fevr", 2}, {"f\xc3\xa9v", 2},
	{"fev", 2}, {"febrero", 2}, {"febbraio", 2},
	{"march", 3}, {"mar", 3}, {"m\xc3\xa4rz", 3}, {"maerz", 3}, {"mrz", 3},
	{"mars", 3}, {"marzo", 3},
	{"april", 4}, {"apr", 4}, {"avril", 4}, {"avr", 4}, {"abril", 4},
	{"abr", 4}, {"aprile", 4},
	{"may", 5}, {"mai", 5}, {"mayo", 5}, {"maggio", 5}, {"mag", 5},
	{"june", 6}, {"jun", 6}, {"juni", 6}, {"juin", 6}, {"junio", 6},
	{"giugno", 6}, {"giu", 6},
	{"july", 7}, {"jul", 7}, {"juli", 7}, {"juillet", 7}, {"juil", 7},
	{"julio", 7}, {"luglio", 7}, {"lug", 7},
	{"august", 8}, {"aug", 8}, {"ao\xc3\xbbt", 8}, {"aout", 8},
	{"agosto", 8}, {"ago", 8},
	{"september", 9}, {"sept", 9}, {"sep", 9}, {"septembre", 9},
	{"septiembre", 9}, {"setiembre", 9}, {"settembre", 9}, {"set", 9},
	{"october", 10}, {"oct", 10}, {"oktober", 10}, {"okt", 10},
	{"octobre", 10}, {"octubre", 10}, {"ottobre", 10}, {"ott", 10},
	{"november", 11}, {"nov", 11}, {"novembre", 11}, {"noviembre", 11},
	{"december", 12}, {"dec", 12}, {"dezember", 12}, {"dez", 12},
	{"d\xc3\xa9" "cembre", 12}, {"decembre", 12}, {"d\xc3\xa9" "c", 12},
	{"diciembre", 12}, {"dic", 12}, {"dicembre", 12},
};
/* clang-format on */

/* Words a written date may hold besides its month: ordinal suffixes
 * (3rd, 1er) and the linking words of "3rd of March", "3 de marzo de". */
static const char *const date_filler[] = {"st", "nd", "rd", "th",
					  "er", "of", "de", NULL};

static int leap(unsigned y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* A day of the proleptic Gregorian calendar (ISO 8601) in 1900-2030? */
static int date_ok(unsigned y, unsigned m, unsigned d)
{
	static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30,
						31, 31, 30, 31, 30, 31};

	if (y < 1900 || y > 2030 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (unsigned)(m == 2 && leap(y));
}

/*
 * Date of birth: a real calendar day (Gregorian leap years, ISO 8601)
 * with a four-digit year from 1900 to 2030 (a validator has no clock; a
 * later year is no one's birth date yet). Accepted layouts: Y-M-D with '-',
 * '/' or '.' (ISO 8601 extended), YYYYMMDD (ISO 8601 basic), D-M-Y and
 * M-D-Y with the same separators (either reading may make it valid: 02/03
 * is 2 March in Europe and February 3 in the US), and dates with a month
 * name (English, German, French, Spanish, Italian, with ordinals and
 * "of"/"de").
 */
static int v_date_of_birth(const char *s, size_t len)
{
	unsigned num[3], nd[3], month = 0;
	size_t i = 0, n = 0, k;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (is_digit((char)c)) {
			unsigned v = 0, dg = 0;

			while (i < len && is_digit(s[i])) {
				if (++dg > 8)
					return 0;
				v = v * 10 + (unsigned)(s[i++] - '0');
			}
			if (n == 3)
				return 0;
			num[n] = v;
			nd[n++] = dg;
		} else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
			char w[16];
			size_t wl = 0;
			int found = 0;

			while (i < len && (((s[i] | 0x20) >= 'a' &&
					    (s[i] | 0x20) <= 'z') ||
					   (unsigned char)s[i] >= 0x80)) {
				if (wl == sizeof w - 1)
					return 0;
				w[wl++] = lower(s[i++]);
			}
			w[wl] = '\0';
			for (k = 0; date_filler[k] && !found; k++)
				found = strcmp(w, date_filler[k]) == 0;
			if (found)
				continue;
			for (k = 0;
			     k < sizeof month_words / sizeof *month_words; k++)
				if (strcmp(w, month_words[k].w) == 0)
					break;
			if (k == sizeof month_words / sizeof *month_words ||
			    month)
				return 0;
			month = month_words[k].m;
		} else if (c == ' ' || c == '-' || c == '/' || c == '.' ||
			   c == ',') {
			i++;
		} else {
			return 0;
		}
	}
	if (month) {
		if (n != 2)
			return 0;
		if (nd[0] == 4 && nd[1] <= 2)
			return date_ok(num[0], month, num[1]);
		if (nd[1] == 4 && nd[0] <= 2)
			return date_ok(num[1], month, num[0]);
		return 0;
	}
	if (n == 1 && nd[0] == 8)
		return date_ok(num[0] / 10000, num[0] / 100 % 100,
			       num[0] % 100);
	if (n != 3)
		return 0;
	if (nd[0] == 4 && nd[1] <= 2 && nd[2] <= 2)
		return date_ok(num[0], num[1], num[2]);
	if (nd[2] == 4 && nd[0] <= 2 && nd[1] <= 2)
		return date_ok(num[2], num[1], num[0]) ||
		       date_ok(num[2], num[0], num[1]);
	return 0;
}

/* ---- national phone numbers ------------------------------------------ */

/* The digits of a national number into d (at most cap), or 0 when a byte
 * other than a digit, a blank, '-', '.', '/' or parentheses occurs. */
static size_t phone_digits(const char *s, size_t len, char *d, size_t cap)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!is_digit(s[i]) && !(s[i] && strchr(" -./()", s[i])))
			return 0;
	i = digits_of(s, len, d, cap);
	return i > cap ? 0 : i;
}

/*
 * UK national number, Ofcom "The National Telephone Numbering Plan"
 * (2024) and "Numbering arrangements": trunk prefix 0 and 10 digits (9 for
 * a few small-area 01 codes such as 016977 and for some 0800 numbers).
 * Ranges in use: 01 and 02 geographic (02 only 020, 023, 024, 028, 029),
 * 03 (030, 033, 034, 037), 05 (055, 056), 07, 08 (080, 084, 087) and 09
 * (090, 091, 098). A geographic local number does not start with 0 or 1;
 * its first digit follows a 3-, 4- or 5-digit code (020; 0113 or 0121;
 * 01632). The 011x and 01x1 codes always have 7-digit local numbers, so
 * 11 digits (this also keeps out "011190-1273", a Nordic personal number).
 */
static int v_phone_uk(const char *s, size_t len)
{
	char d[12];
	size_t n = phone_digits(s, len, d, 11);

	if ((n != 10 && n != 11) || d[0] != '0')
		return 0;
	switch (d[1]) {
	case '1':
		if (d[2] == '0')
			return 0;
		if (d[2] == '1' || d[3] == '1') /* 011x, 01x1 */
			return n == 11 && d[4] >= '2';
		return d[5] >= '2';
	case '2':
		return n == 11 && strchr("03489", d[2]) && d[3] >= '2';
	case '3':
		return n == 11 && strchr("0347", d[2]);
	case '5':
		return n == 11 && (d[2] == '5' || d[2] == '6');
	case '7':
		return n == 11;
	case '8':
		if (n == 10) /* only 0800 has 6-digit numbers */
			return d[2] == '0' && d[3] == '0';
		return d[2] == '0' || d[2] == '4' || d[2] == '7';
	case '9':
		return n == 11 && strchr("018", d[2]);
	}
	return 0;
}

/* Splits a written number into digit groups: glen[i] digits each, and
 * sep[i] the separator before group i ('/' if a slash occurs there, else
 * ')' for a closing parenthesis, else the first '-' or ' '; 0 before the
 * first group). Returns the number of groups, 0 when more than cap. */
static size_t phone_groups(const char *s, size_t len, size_t *glen, char *sep,
			   size_t cap)
{
	size_t i = 0, n = 0;

	while (i < len) {
		char k = 0;

		for (; i < len && !is_digit(s[i]); i++)
			if (s[i] == '/' || (s[i] == ')' && k != '/') ||
			    (s[i] == '-' && !k) || (s[i] == ' ' && !k))
				k = s[i];
		if (i == len)
			break;
		if (n == cap)
			return 0;
		sep[n] = n ? k : 0;
		glen[n] = 0;
		while (i < len && is_digit(s[i])) {
			glen[n]++;
			i++;
		}
		n++;
	}
	return n;
}

/*
 * German national number, Bundesnetzagentur "Nummernplan" (Ortsnetz-
 * rufnummern, Mobile Dienste) and DIN 5008:2020 for the written form:
 * trunk prefix 0 and 7-11 digits; the area code does not start with 0 (00
 * is the international prefix). Mobile numbers (015x, 016x, 017x) have 11
 * or 12 digits with the 0; the other 01 ranges are carrier, service and
 * data codes, not lines. When the text separates the area code:
 *  - the area code has 2-5 digits after the 0, and 5 only for the 03xxxx
 *    codes of the eastern Länder;
 *  - the subscriber number (2-8 digits) does not start with 0 (mobile
 *    numbers are never dialled locally, so theirs may);
 *  - a third group is either a DIN 5008 extension ("030 12345-67", not
 *    after an area code joined with '-') or the second half of a spaced
 *    subscriber number: any for mobiles ("0151 1234 5678"), 3-4 digits
 *    after 4 or more for other numbers of 10-11 digits ("030 23125 000",
 *    as the Bundesnetzagentur prints them; a Canadian SIN "046 454 286"
 *    and a 4-4-4 Aadhaar-like run are not).
 * With '-' after the area code, 10 digits at least and no 6-digit code:
 * "02134-5553" is a US ZIP+4 and "050690-1286" a Nordic personal number
 * far more often than a phone number.
 */
static int v_phone_de(const char *s, size_t len)
{
	char d[14], sep[4];
	size_t n = phone_digits(s, len, d, 13), glen[4], ng;

	if (n < 8 || n > 12 || d[0] != '0' || d[1] == '0')
		return 0;
	if (d[1] == '1' && (d[2] < '5' || d[2] > '7' || n < 11))
		return 0;
	ng = phone_groups(s, len, glen, sep, 4);
	if (ng == 0 || ng > 3)
		return 0;
	if (ng == 1)
		return 1;
	if (glen[0] < 3 || glen[0] > 6 || (glen[0] == 6 && d[1] != '3'))
		return 0;
	if (glen[1] < 2 || (d[1] != '1' && d[glen[0]] == '0'))
		return 0;
	if (sep[1] == '-' && (n < 10 || glen[0] == 6))
		return 0;
	if (ng == 3) {
		if (sep[2] == '-')
			return sep[1] != '-' && glen[2] <= 5;
		if (sep[2] != ' ' || sep[1] == '-')
			return 0;
		if (d[1] == '1')
			return 1;
		return glen[1] >= 4 && glen[2] >= 3 && glen[2] <= 4 &&
		       n >= 10 && n <= 11;
	}
	return 1;
}

/*
 * French national number, ARCEP "Plan national de numérotation" (decision
 * 2018-0881 as amended): ten digits, 0 then Z = 1-9 (01-05 geographic,
 * 06/07 mobile, 08 special, 09 multi-use), usually written as five pairs.
 */
static int v_phone_fr(const char *s, size_t len)
{
	char d[11];
	size_t n = phone_digits(s, len, d, 10);

	return n == 10 && d[0] == '0' && d[1] != '0';
}

/*
 * Indian number, DoT "National Numbering Plan 2003" and TRAI: ten digits
 * of national significant number (an STD code of 2-4 digits plus the
 * subscriber number, or a mobile number starting with 6-9), written with
 * trunk prefix 0 inside India. Without the 0 only mobile numbers are
 * recognisable. STD codes do not start with 0 or 9.
 */
static int v_phone_in(const char *s, size_t len)
{
	char d[12];
	size_t n = phone_digits(s, len, d, 11);

	if (n == 11 && d[0] == '0')
		return d[1] >= '1';
	return n == 10 && d[0] >= '6';
}

static const aud_validator_entry validators[] = {
    {"btc_base58check", v_btc_base58check},
    {"btc_bech32", v_btc_bech32},
    {"date_of_birth", v_date_of_birth},
    {"eth_eip55", v_eth_eip55},
    {"mac_address", v_mac_address},
    {"phone_de", v_phone_de},
    {"phone_fr", v_phone_fr},
    {"phone_in", v_phone_in},
    {"phone_uk", v_phone_uk},
    {NULL, NULL},
};

/* ---- placeholders ---------------------------------------------------- */

/*
 * EUI-48 blocks reserved for documentation by IANA: unicast
 * 00-00-5E-00-53-00 to -FF and multicast 01-00-5E-90-10-00 to -FF (RFC
 * 7042 section 2.1.2, kept by RFC 9542).
 */
static int mac_placeholder(const char *s, size_t len)
{
	unsigned char b[6];
	char sep;

	if (!mac_parse(s, len, b, &sep))
		return 0;
	return (b[0] == 0x00 && b[1] == 0x00 && b[2] == 0x5e && b[3] == 0x00 &&
		b[4] == 0x53) ||
	       (b[0] == 0x01 && b[1] == 0x00 && b[2] == 0x5e && b[3] == 0x90 &&
		b[4] == 0x10);
}

/*
 * Addresses printed in the standards and in documentation everywhere:
 * the genesis block's coinbase address (the usual P2PKH example); the
 * Bitcoin Wiki "Address" examples; BIP-173/BIP-350 test vectors; the
 * EIP-55 test vectors; Ethereum's zero address and the customary burn
 * address 0x...dEaD. Base58 is case-sensitive; the others are compared
 * without case (EIP-55 vectors name the same account in any case).
 */
static int crypto_placeholder(const char *s, size_t len)
{
	static const char *const b58[] = {"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
					  "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
					  "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
					  NULL};
	static const char *const other[] = {
	    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
	    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
	    "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
	    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5"
	    "xw7kt5nd6y",
	    "bc1sw50qgdz25j",
	    "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
	    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
	    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
	    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
	    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
	    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
	    "0x52908400098527886E0F7030069857D2E4169EE7",
	    "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
	    "0xde709f2102306220921060314715629080e2fb77",
	    "0x27b1fdb04752bbc536007a920d24acb045561c26",
	    "0x0000000000000000000000000000000000000000",
	    "0x000000000000000000000000000000000000dEaD",
	    NULL};
	size_t i;

	for (i = 0; b58[i]; i++)
		if (strlen(b58[i]) == len && memcmp(b58[i], s, len) == 0)
			return 1;
	for (i = 0; other[i]; i++)
		if (eq_nocase(s, len, other[i]))
			return 1;
	return 0;
}

/*
 * Numbers set aside for drama and documentation, as national numbers
 * (with the trunk 0) followed by how many free digits each block has.
 * UK: Ofcom, "Telephone numbers for use in TV and radio drama"; Germany:
 * Bundesnetzagentur, "Rufnummern für Medienproduktionen (Drama Numbers)",
 * Amtsblatt 7/2021, Mitteilung 148/2021.
 */
static const struct {
	const char *cc, *prefix;
	unsigned char free;
} drama[] = {
    {"44", "01134960", 3}, {"44", "01144960", 3},     {"44", "01154960", 3},
    {"44", "01164960", 3}, {"44", "01174960", 3},     {"44", "01184960", 3},
    {"44", "01214960", 3}, {"44", "01314960", 3},     {"44", "01414960", 3},
    {"44", "01514960", 3}, {"44", "01614960", 3},     {"44", "01914980", 3},
    {"44", "02079460", 3}, {"44", "02896496", 3},     {"44", "02920180", 3},
    {"44", "01632960", 3}, {"44", "07700900", 3},     {"44", "08081570", 3},
    {"44", "09098790", 3}, {"44", "03069990", 3},     {"49", "03023125", 3},
    {"49", "06990009", 3}, {"49", "04066969", 3},     {"49", "02214710", 3},
    {"49", "08999998", 3}, {"49", "015228817386", 0},
};

static int phone_placeholder(const char *s, size_t len)
{
	char d[17], nat[17];
	size_t n = digits_of(s, len, d, 16), nl, i, pl;

	if (n > 16 || n < 4)
		return 0;
	for (i = 0; i < sizeof drama / sizeof *drama; i++) {
		if (s[0] == '+') {
			/* +CC, then the national number without its 0; a
			 * written "(0)" puts it back */
			if (memcmp(d, drama[i].cc, 2) != 0)
				continue;
			nat[0] = '0';
			memcpy(nat + 1, d + 2, n - 2);
			nl = n - 1;
			if (nl > 1 && nat[1] == '0') {
				memmove(nat, nat + 1, nl - 1);
				nl--;
			}
		} else {
			memcpy(nat, d, n);
			nl = n;
		}
		pl = strlen(drama[i].prefix);
		if (nl == pl + drama[i].free &&
		    memcmp(nat, drama[i].prefix, pl) == 0)
			return 1;
	}
	return 0;
}

static int is_placeholder(const char *entity, const char *s, size_t len)
{
	if (!entity || !s || len == 0)
		return 0;
	if (strcmp(entity, "MAC_ADDRESS") == 0)
		return mac_placeholder(s, len);
	if (strcmp(entity, "CRYPTO") == 0)
		return crypto_placeholder(s, len);
	if (strcmp(entity, "PHONE_NUMBER") == 0)
		return phone_placeholder(s, len);
	return 0;
}

static const char *const placeholder_entities[] = {"MAC_ADDRESS", "CRYPTO",
						   "PHONE_NUMBER", NULL};

const aud_validator_family aud_vfamily_global = {
    "global", validators, is_placeholder, placeholder_entities};
