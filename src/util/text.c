// SPDX-License-Identifier: GPL-2.0-or-later
/* Text helpers shared by the loaders: UTF-8 checks, "did you mean". */
#include <string.h>

#include "fwaudit/util.h"

/* Edits between @a and @b, a swap of neighbours counting one (typos). */
size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[64][64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

/* " (did you mean 'x'?)" for the closest of @names, or "" when none is close. */
void name_suggest(struct strbuf *sb, const char *word, const char *const *names)
{
	const char *best = NULL;
	size_t bd = 99;

	for (size_t i = 0; names[i]; i++) {
		size_t d = edit_distance(word, names[i]);

		if (d < bd) {
			bd = d;
			best = names[i];
		}
	}
	if (best && bd <= (strlen(word) > 5 ? 2u : 1u))
		strbuf_addf(sb, " (did you mean '%s'?)", best);
}

/* The first byte that is not well-formed UTF-8 (overlongs and surrogates too). */
bool utf8_valid(const char *buf, size_t len, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t unused;

	if (!bad)
		bad = &unused;
	for (size_t i = 0; i < len;) {
		unsigned c = s[i];
		size_t n = c < 0x80		? 0
			   : (c & 0xe0) == 0xc0 ? 1
			   : (c & 0xf0) == 0xe0 ? 2
			   : (c & 0xf8) == 0xf0 ? 3
						: 9;
		uint32_t cp = n == 0 ? c : n == 1 ? (c & 0x1f) : n == 2 ? (c & 0x0f) : (c & 0x07);

		if (n == 9 || i + n >= len + (n == 0)) {
			*bad = i;
			return false;
		}
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80) {
				*bad = i;
				return false;
			}
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || (c == 0 && i < len)) {
			*bad = i;
			return false;
		}
		i += n + 1;
	}
	return true;
}

bool utf8_check(const char *name, const char *buf, size_t len, struct strbuf *err)
{
	size_t bad, line = 1, col = 1;

	if (utf8_valid(buf, len, &bad))
		return true;
	for (size_t i = 0; i < bad; i++) {
		if (buf[i] == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			col++;
		}
	}
	strbuf_addf(err, "%s:%zu:%zu: not UTF-8 (byte 0x%02x)\n", name, line, col,
		    (unsigned char)buf[bad]);
	return false;
}
