// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The first pass over a Markdown postmortem: repair mojibake, then classify
 * each line (heading, list item, table row, text) the way people write them,
 * not only the way CommonMark defines them: "Timeline:" alone on a line is a
 * heading, so is "**Root Cause:**", and so is a short first line indented
 * with tabs; "•<TAB>" is a bullet; a line that is not indented ends a list
 * item instead of continuing it.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fwaudit/util.h"
#include "md.h"

/* ---- mojibake ---- */

/* Windows-1252 0x80-0x9f as Unicode (0 = undefined). */
static const uint16_t cp1252_hi[32] = {
	0x20ac, 0,	0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
	0x2039, 0x0152, 0,	0x017d, 0,	0,	0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
	0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,	0x017e, 0x0178,
};

/* The code point at @s (valid UTF-8), its length in *n. */
static uint32_t cp_at(const unsigned char *s, size_t *n)
{
	if (s[0] < 0x80)
		return *n = 1, s[0];
	if ((s[0] & 0xe0) == 0xc0)
		return *n = 2, ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
	if ((s[0] & 0xf0) == 0xe0)
		return *n = 3, ((uint32_t)(s[0] & 0x0f) << 12) | ((uint32_t)(s[1] & 0x3f) << 6) |
				       (s[2] & 0x3f);
	return *n = 4, ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3f) << 12) |
			       ((uint32_t)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
}

/* The Windows-1252 byte that shows as code point @c, or -1. */
static int cp1252_byte(uint32_t c)
{
	if (c < 0x80 || (c >= 0xa0 && c <= 0xff))
		return (int)c;
	/* bytes Windows-1252 leaves undefined come through as C1 controls */
	if (c >= 0x80 && c <= 0x9f && !cp1252_hi[c - 0x80])
		return (int)c;
	for (int i = 0; i < 32; i++)
		if (cp1252_hi[i] && cp1252_hi[i] == c)
			return 0x80 + i;
	return -1;
}

/*
 * UTF-8 text that was decoded as Windows-1252 and encoded again ("â€”" for
 * "—", "Â©" for "©"): where a run of such characters re-encodes to one
 * well-formed multi-byte UTF-8 sequence, put that character back.
 */
char *mojibake_repair(const char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)buf;
	struct strbuf out = STRBUF_INIT;

	strbuf_grow(&out, len + 1);
	for (size_t i = 0; i < len;) {
		unsigned char bytes[4];
		size_t n, at = i, need, k, bad;
		uint32_t c = cp_at(s + i, &n);
		int b = cp1252_byte(c);

		need = b >= 0xc2 && b <= 0xdf	? 2
		       : b >= 0xe0 && b <= 0xef ? 3
		       : b >= 0xf0 && b <= 0xf4 ? 4
						: 0;
		if (c < 0x80 || !need) {
			strbuf_add(&out, s + i, n);
			i += n;
			continue;
		}
		bytes[0] = (unsigned char)b;
		at += n;
		for (k = 1; k < need && at < len; k++) {
			size_t m;
			int cb = cp1252_byte(cp_at(s + at, &m));

			if (cb < 0x80 || cb > 0xbf)
				break;
			bytes[k] = (unsigned char)cb;
			at += m;
		}
		if (k == need && utf8_valid((const char *)bytes, need, &bad)) {
			strbuf_add(&out, bytes, need);
			i = at;
		} else {
			strbuf_add(&out, s + i, n);
			i += n;
		}
	}
	return strbuf_detach(&out);
}

/* ---- inline text ---- */

static const char *const html_tags[] = { "br",	    "p",       "div",	 "span", "b",	"i",
					 "u",	    "em",      "strong", "sup",	 "sub", "small",
					 "details", "summary", "img",	 "a",	 "hr",	"center",
					 "font",    "del",     "ins",	 NULL };

/* "<br>", "</div>", "<img src=...>": the length of a known HTML tag at @p, or 0. */
static size_t html_tag_at(const char *p)
{
	const char *q = p + 1 + (p[1] == '/');
	size_t n = 0;

	while (isalpha((unsigned char)q[n]))
		n++;
	for (size_t i = 0; n && html_tags[i]; i++)
		if (strlen(html_tags[i]) == n && !strncasecmp(q, html_tags[i], n)) {
			const char *e = strchr(q + n, '>');

			if (e && (q[n] == '>' || q[n] == ' ' || q[n] == '/'))
				return (size_t)(e + 1 - p);
		}
	return 0;
}

char *inline_plain(const char *s)
{
	struct strbuf out = STRBUF_INIT;
	const char *p = s;

	while (*p) {
		size_t n;

		if (p[0] == '!' && p[1] == '[') {
			const char *close = strstr(p, "](");
			const char *end = close ? strchr(close, ')') : NULL;

			if (end) { /* images say nothing an action item needs */
				p = end + 1;
				continue;
			}
		}
		if (p[0] == '[' && p[1] != ' ' && p[1] != ']') {
			const char *close = strchr(p, ']');

			if (close && close[1] == '(' && strchr(close, ')')) {
				const char *end = strchr(close, ')');

				strbuf_add(&out, p + 1, (size_t)(close - p - 1));
				strbuf_addstr(&out, " (");
				strbuf_add(&out, close + 2, (size_t)(end - close - 2));
				strbuf_addch(&out, ')');
				p = end + 1;
				continue;
			}
		}
		if (*p == '<') {
			if ((n = html_tag_at(p))) {
				strbuf_addch(&out, ' ');
				p += n;
				continue;
			}
			if (!strncmp(p, "<!--", 4)) {
				const char *e = strstr(p, "-->");

				p = e ? e + 3 : p + strlen(p);
				continue;
			}
			if (!strncmp(p, "<http", 5) && strchr(p, '>')) {
				const char *e = strchr(p, '>');

				strbuf_add(&out, p + 1, (size_t)(e - p - 1));
				p = e + 1;
				continue;
			}
		}
		if ((p[0] == '*' && p[1] == '*') || (p[0] == '_' && p[1] == '_') ||
		    (p[0] == '~' && p[1] == '~')) {
			p += 2;
			continue;
		}
		/* single emphasis: "*word*" but not "a * b" */
		if (*p == '*' &&
		    (isalnum((unsigned char)p[1]) || (p > s && isalnum((unsigned char)p[-1])))) {
			p++;
			continue;
		}
		if (*p == '`') {
			p++;
			continue;
		}
		if (*p == '\\' && ispunct((unsigned char)p[1])) {
			strbuf_addch(&out, p[1]);
			p += 2;
			continue;
		}
		strbuf_addch(&out, *p == '\t' ? ' ' : *p);
		p++;
	}
	/* collapse runs of spaces, trim */
	{
		char *r = out.buf ? out.buf : NULL, *w;
		bool space = true;

		if (!r)
			return xstrdup("");
		for (w = r; *r; r++) {
			if (*r == ' ' || *r == '\r') {
				if (!space)
					*w++ = ' ';
				space = true;
			} else {
				*w++ = *r;
				space = false;
			}
		}
		if (w > out.buf && w[-1] == ' ')
			w--;
		*w = 0;
	}
	return strbuf_detach(&out);
}

/* ---- labels ---- */

/*
 * "**Root Cause:** text", "**Impact**: text", "Issue Detection: text": the
 * label and the rest. A plain label is a few words starting with a capital
 * and without sentence punctuation, so a sentence with a colon is not one.
 */
static void split_label(struct mdline *ln, const char *raw)
{
	const char *p = raw, *colon = NULL, *rest = NULL;

	if ((p[0] == '*' && p[1] == '*') || (p[0] == '_' && p[1] == '_')) {
		const char *close = strstr(p + 2, p[0] == '*' ? "**" : "__");

		if (!close)
			return;
		if (close[-1] == ':') {
			colon = close - 1;
			rest = close + 2;
		} else if (close[2] == ':') {
			colon = close;
			rest = close + 3;
		} else {
			return;
		}
		p += 2;
	} else {
		size_t words = 1;

		if (!isupper((unsigned char)*p) && !isdigit((unsigned char)*p))
			return;
		for (const char *q = p; *q; q++) {
			if (*q == ':' && (q[1] == ' ' || q[1] == '\t' || !q[1])) {
				colon = q;
				rest = q + 1;
				break;
			}
			if (strchr(".,;!?()[]*", *q) || (*q == ':' && !colon))
				return;
			if (*q == ' ' && ++words > 6)
				return;
		}
		if (!colon || colon - p > 48)
			return;
	}
	if (colon <= p)
		return;
	{
		char *label = xstrndup(p, (size_t)(colon - p));
		char *plain = inline_plain(label);

		free(label);
		if (!*plain) {
			free(plain);
			return;
		}
		ln->label = plain;
		ln->rest = inline_plain(rest);
	}
}

/* ---- classification ---- */

static int indent_of(const char *s, const char **text)
{
	int col = 0;

	for (; *s == ' ' || *s == '\t'; s++)
		col = *s == '\t' ? (col / 4 + 1) * 4 : col + 1;
	*text = s;
	return col;
}

/* "-", "*", "+", "•", "◦", "▪" or "12." / "12)" followed by a space or tab. */
static bool item_marker(const char *s, const char **after, bool *ordered)
{
	static const char *const bullets[] = { "\xe2\x80\xa2", "\xe2\x97\xa6", "\xe2\x96\xaa",
					       "\xe2\x80\xa3", "\xe2\x97\x8f", NULL };
	size_t n = 0;

	*ordered = false;
	if ((*s == '-' || *s == '*' || *s == '+') && (s[1] == ' ' || s[1] == '\t')) {
		n = 1;
	} else if (isdigit((unsigned char)*s)) {
		while (isdigit((unsigned char)s[n]) && n < 4)
			n++;
		if ((s[n] != '.' && s[n] != ')') || (s[n + 1] != ' ' && s[n + 1] != '\t'))
			return false;
		n++;
		*ordered = true;
	} else {
		for (size_t i = 0; bullets[i]; i++) {
			size_t bl = strlen(bullets[i]);

			if (!strncmp(s, bullets[i], bl) &&
			    (s[bl] == ' ' || s[bl] == '\t' || !s[bl] || s[bl] == '\r')) {
				n = bl;
				break;
			}
		}
		if (!n)
			return false;
	}
	s += n;
	while (*s == ' ' || *s == '\t')
		s++;
	*after = s;
	return true;
}

static bool all_of(const char *s, char c, size_t min)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s == c)
			n++;
		else if (*s != ' ' && *s != '\t')
			return false;
	}
	return n >= min;
}

/* "{#some-id}" at the end of @s: cut it off and return the id. */
static char *take_anchor(char *s)
{
	char *open = strstr(s, "{#");
	char *close = open ? strchr(open, '}') : NULL;
	char *id;

	if (!close || close[1])
		return NULL;
	id = xstrndup(open + 2, (size_t)(close - open - 2));
	while (open > s && open[-1] == ' ')
		open--;
	*open = 0;
	if (!*id) {
		free(id);
		return NULL;
	}
	return id;
}

/* Heading text: numbering ("4. "), a trailing ':' and emphasis removed. */
static char *heading_text(const char *raw, char **anchor)
{
	char *t = inline_plain(raw), *p = t;
	size_t n;

	*anchor = take_anchor(t);
	while (isdigit((unsigned char)*p))
		p++;
	if (p > t && (*p == '.' || *p == ')') && p[1] == ' ')
		memmove(t, p + 2, strlen(p + 2) + 1);
	n = strlen(t);
	while (n && (t[n - 1] == ':' || t[n - 1] == ' '))
		t[--n] = 0;
	return t;
}

static size_t count_words(const char *s)
{
	size_t n = 0;
	bool in = false;

	for (; *s; s++) {
		if (*s == ' ' || *s == '\t') {
			in = false;
		} else if (!in) {
			in = true;
			n++;
		}
	}
	return n;
}

/* A line of its own that reads as a heading: "Timeline:", "**Impact:**". */
static bool pseudo_heading(const char *t)
{
	size_t n = strlen(t);
	const char *end = t + n;

	while (end > t && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	n = (size_t)(end - t);
	if (n >= 4 && ((t[0] == '*' && t[1] == '*' && end[-1] == '*' && end[-2] == '*') ||
		       (t[0] == '_' && t[1] == '_' && end[-1] == '_' && end[-2] == '_'))) {
		for (const char *q = t + 2; q < end - 2; q++)
			if (*q == '*' && q[1] == '*')
				return false;
		return true;
	}
	if (!n || end[-1] != ':' || n > 64)
		return false;
	if (!isupper((unsigned char)*t) && !isdigit((unsigned char)*t))
		return false;
	for (const char *q = t; q < end - 1; q++)
		if (strchr(".,;!?", *q) && !(q == t + 1 && isdigit((unsigned char)*t)))
			return false;
	return count_words(t) <= 8;
}

static void line_free(struct mdline *l)
{
	free(l->raw);
	free(l->plain);
	free(l->label);
	free(l->rest);
	free(l->anchor);
}

void md_lines_free(struct mdline *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		line_free(&v[i]);
	free(v);
}

/* Strip "[ ] " / "[x] " after a list marker. */
static int take_checkbox(const char **p)
{
	const char *s = *p;

	if (s[0] == '[' && (s[1] == ' ' || s[1] == 'x' || s[1] == 'X') && s[2] == ']' &&
	    (s[3] == ' ' || s[3] == '\t' || !s[3])) {
		*p = s + 3 + (s[3] != 0);
		while (**p == ' ')
			(*p)++;
		return s[1] != ' ';
	}
	return -1;
}

struct mdline *md_lines(const char *text, size_t first_line, size_t *count)
{
	struct mdline *v = NULL;
	size_t n = 0, cap = 0, lineno = first_line;
	bool fence = false, any_content = false;
	const char *p = text;

	while (*p) {
		const char *eol = strchr(p, '\n'), *s;
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char *line = xstrndup(p, len);
		struct mdline *ln;
		bool ordered;
		int indent;

		p += len + (eol != NULL);
		if (len && line[len - 1] == '\r')
			line[--len] = 0;
		GROW(v, n, cap);
		ln = &v[n++];
		memset(ln, 0, sizeof(*ln));
		ln->lineno = (uint32_t)lineno++;
		ln->check = -1;
		indent = indent_of(line, &s);
		ln->indent = indent;
		if (!strncmp(s, "```", 3) || !strncmp(s, "~~~", 3)) {
			fence = !fence;
			ln->kind = LK_BLANK;
			free(line);
			continue;
		}
		if (fence || !*s) {
			ln->kind = LK_BLANK;
			free(line);
			continue;
		}
		if (*s == '#') {
			int level = 0;

			while (s[level] == '#')
				level++;
			if (level <= 6 && (s[level] == ' ' || s[level] == '\t' || !s[level] ||
					   (isalpha((unsigned char)s[level]) && level == 1))) {
				char *t = xstrdup(s + level), *e = t + strlen(t);

				while (e > t && (e[-1] == '#' || e[-1] == ' '))
					*--e = 0;
				ln->kind = LK_HEADING;
				ln->level = level;
				ln->atx = true;
				ln->raw = t;
				ln->plain = heading_text(t, &ln->anchor);
				any_content = true;
				free(line);
				continue;
			}
		}
		if (all_of(s, '=', 2) || all_of(s, '-', 2)) {
			struct mdline *prev = n >= 2 ? &v[n - 2] : NULL;

			if (prev && prev->kind == LK_TEXT && !prev->label) {
				/* setext: the text above is the heading */
				char *raw = prev->raw;

				prev->kind = LK_HEADING;
				prev->level = *s == '=' ? 1 : 2;
				prev->atx = true;
				free(prev->plain);
				prev->plain = heading_text(raw, &prev->anchor);
				ln->kind = LK_BLANK;
				free(line);
				continue;
			}
		}
		if (all_of(s, '-', 3) || all_of(s, '*', 3) || all_of(s, '_', 3)) {
			ln->kind = LK_HR;
			free(line);
			continue;
		}
		if (*s == '|' && strchr(s + 1, '|')) {
			ln->kind = LK_TABLE;
			ln->raw = xstrdup(s);
			any_content = true;
			free(line);
			continue;
		}
		if (item_marker(s, &s, &ordered)) {
			ln->kind = LK_ITEM;
			ln->ordered = ordered;
			ln->check = take_checkbox(&s);
			ln->raw = xstrdup(s);
			ln->anchor = take_anchor(ln->raw);
			ln->plain = inline_plain(ln->raw);
			split_label(ln, ln->raw);
			any_content = true;
			free(line);
			continue;
		}
		if (pseudo_heading(s)) {
			ln->kind = LK_HEADING;
			ln->level = 7;
			ln->raw = xstrdup(s);
			ln->plain = heading_text(s, &ln->anchor);
			any_content = true;
			free(line);
			continue;
		}
		ln->kind = LK_TEXT;
		ln->raw = xstrdup(s);
		ln->plain = inline_plain(s);
		/* a document that starts with a short line of its own: its title */
		if (!any_content && count_words(ln->plain) <= 12 && strlen(ln->plain) <= 100 &&
		    *ln->plain && !strchr(".!?", ln->plain[strlen(ln->plain) - 1]) &&
		    (!*p || *p == '\n' || *p == '!' || *p == '\r')) {
			ln->kind = LK_HEADING;
			ln->level = 1;
			ln->atx = true;
			ln->title_line = true;
			free(ln->plain);
			ln->plain = heading_text(s, &ln->anchor);
		} else {
			split_label(ln, s);
		}
		if (*ln->plain)
			any_content = true;
		else
			ln->kind = LK_BLANK;
		free(line);
	}
	*count = n;
	return v;
}
