// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwaudit/util.h"

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;

	if (need <= sb->alloc)
		return;
	if (sb->alloc * 2 > need)
		need = sb->alloc * 2;
	if (need < 64)
		need = 64;
	sb->buf = xrealloc(sb->buf, need);
	sb->alloc = need;
	/* a buffer grown before anything was added still reads as "" */
	sb->buf[sb->len] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, char c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	strbuf_grow(sb, 64);
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= sb->alloc - sb->len) {
		strbuf_grow(sb, (size_t)n);
		va_copy(cp, ap);
		n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
		va_end(cp);
	}
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_truncate(struct strbuf *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->buf[len] = '\0';
	}
}

char *strbuf_detach(struct strbuf *sb)
{
	char *p = sb->buf ? sb->buf : xstrdup("");

	sb->buf = NULL;
	sb->len = sb->alloc = 0;
	return p;
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
}

/*
 * @s as a JSON string. Bytes outside ASCII: as \u00XX when @text is false
 * (bytes, not text, kept exact for snapshots), else UTF-8 characters kept
 * and malformed bytes as U+FFFD.
 */
static void addjson(struct strbuf *out, const char *s, bool text)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;

	strbuf_addch(out, '"');
	while (*p) {
		size_t n = 1, bad;

		if (*p == '"' || *p == '\\') {
			strbuf_addch(out, '\\');
			strbuf_addch(out, (char)*p);
		} else if (*p == '\n') {
			strbuf_addstr(out, "\\n");
		} else if (*p == '\t') {
			strbuf_addstr(out, "\\t");
		} else if (*p >= 0x80 && text) {
			n = (*p & 0xe0) == 0xc0	  ? 2
			    : (*p & 0xf0) == 0xe0 ? 3
			    : (*p & 0xf8) == 0xf0 ? 4
						  : 1;
			if (strnlen((const char *)p, n) < n ||
			    !utf8_valid((const char *)p, n, &bad)) {
				strbuf_addstr(out, "\\ufffd");
				n = 1;
			} else {
				strbuf_add(out, p, n);
			}
		} else if (*p < 0x20 || *p >= 0x7f) {
			strbuf_addstr(out, "\\u00");
			strbuf_addch(out, hex[*p >> 4]);
			strbuf_addch(out, hex[*p & 15]);
		} else {
			strbuf_addch(out, (char)*p);
		}
		p += n;
	}
	strbuf_addch(out, '"');
}

void strbuf_addjson(struct strbuf *out, const char *s)
{
	addjson(out, s, false);
}

void strbuf_addjson_text(struct strbuf *out, const char *s)
{
	addjson(out, s, true);
}

void strbuf_add_indented(struct strbuf *sb, const char *text, const char *pad)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t n = nl ? (size_t)(nl - text) : strlen(text);

		strbuf_addf(sb, "%s%.*s\n", n ? pad : "", (int)n, text);
		text += n + (nl != NULL);
	}
}
