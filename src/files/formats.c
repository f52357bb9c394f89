// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Config formats read as dotted key paths. The parsers are small and
 * forgiving where the real programs are (comments, blank lines, quotes),
 * and strict where a mistake would hide a key (unbalanced braces).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fwaudit/files.h"
#include "fwaudit/util.h"

void conf_add(struct conf *c, const char *key, const char *value, size_t vlen, uint32_t line)
{
	GROW(c->v, c->n, c->cap);
	c->v[c->n].key = xstrdup(key);
	c->v[c->n].value = xstrndup(value, vlen);
	c->v[c->n++].line = line;
}

void conf_release(struct conf *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].key);
		free(c->v[i].value);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static const char *trim(const char *s, const char *e, const char **end)
{
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	/* one pair of matching quotes around a value goes */
	if (e - s >= 2 && (*s == '"' || *s == '\'') && e[-1] == *s) {
		s++;
		e--;
	}
	*end = e;
	return s;
}

/* Each line: one line of @text, without its newline; returns false at the end. */
static bool next_line(const char **p, const char *end, const char **ls, const char **le)
{
	if (*p >= end)
		return false;
	*ls = *p;
	*le = memchr(*p, '\n', (size_t)(end - *p));
	if (!*le)
		*le = end;
	*p = *le < end ? *le + 1 : end;
	if (*le > *ls && (*le)[-1] == '\r')
		(*le)--;
	return true;
}

/* key=value, key: value or key value; '#' and ';' start comments. */
int conf_parse_keyvalue(const char *text, size_t len, struct conf *out, struct strbuf *err)
{
	const char *p = text, *end = text + len, *ls, *le;
	uint32_t line = 0;

	while (next_line(&p, end, &ls, &le)) {
		const char *s, *e, *sep, *k, *ke, *v, *ve;
		char *key;

		line++;
		s = trim(ls, le, &e);
		if (s == e || *s == '#' || *s == ';')
			continue;
		sep = s;
		while (sep < e && *sep != '=' && *sep != ':' && !isspace((unsigned char)*sep))
			sep++;
		if (sep == s) {
			strbuf_addf(err, "%u:%zu: a line must start with a key", line,
				    (size_t)(s - ls) + 1);
			return -EINVAL;
		}
		k = trim(s, sep, &ke);
		v = sep < e ? sep + 1 : e;
		while (v < e && isspace((unsigned char)*v))
			v++;
		if (sep < e && isspace((unsigned char)*sep) && v < e && (*v == '=' || *v == ':'))
			v++;
		v = trim(v, e, &ve);
		key = xstrndup(k, (size_t)(ke - k));
		conf_add(out, key, v, (size_t)(ve - v), line);
		free(key);
	}
	return 0;
}

/* [section] then key = value; keys read "section.key" (no section: "key"). */
int conf_parse_ini(const char *text, size_t len, struct conf *out, struct strbuf *err)
{
	const char *p = text, *end = text + len, *ls, *le;
	char *section = NULL;
	uint32_t line = 0;
	int ret = 0;

	while (next_line(&p, end, &ls, &le)) {
		const char *s, *e, *eq, *k, *ke, *v, *ve;
		char *key;

		line++;
		s = trim(ls, le, &e);
		if (s == e || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			const char *close = memchr(s, ']', (size_t)(e - s));

			if (!close) {
				strbuf_addf(err, "%u:%zu: section header without ']'", line,
					    (size_t)(s - ls) + 1);
				ret = -EINVAL;
				break;
			}
			free(section);
			k = trim(s + 1, close, &ke);
			section = xstrndup(k, (size_t)(ke - k));
			continue;
		}
		eq = memchr(s, '=', (size_t)(e - s));
		if (!eq)
			eq = memchr(s, ':', (size_t)(e - s));
		if (!eq) {
			/* a bare key (my.cnf "skip-name-resolve") */
			eq = e;
		}
		k = trim(s, eq, &ke);
		v = trim(eq < e ? eq + 1 : e, e, &ve);
		if (k == ke) {
			strbuf_addf(err, "%u:%zu: a line must start with a key", line,
				    (size_t)(s - ls) + 1);
			ret = -EINVAL;
			break;
		}
		key = section ? xasprintf("%s.%.*s", section, (int)(ke - k), k)
			      : xstrndup(k, (size_t)(ke - k));
		conf_add(out, key, v, (size_t)(ve - v), line);
		free(key);
	}
	free(section);
	return ret;
}

/*
 * nginx: "name args;" directives and "name args { ... }" blocks. A key is
 * the path of block names down to the directive ("http.server.listen");
 * its value is the arguments ("443 ssl"). Quotes and '#' comments as nginx
 * reads them.
 */
int conf_parse_nginx(const char *text, size_t len, struct conf *out, struct strbuf *err)
{
	const char *p = text, *end = text + len;
	struct strbuf path = STRBUF_INIT, words = STRBUF_INIT;
	size_t stack[64], depth = 0;
	uint32_t line = 1, start_line = 0, col = 1;
	char *name = NULL;
	int ret = 0;

	while (p < end) {
		char c = *p;

		if (c == '\n') {
			line++;
			col = 1;
			p++;
			continue;
		}
		if (isspace((unsigned char)c)) {
			p++;
			col++;
			continue;
		}
		if (c == '#') {
			while (p < end && *p != '\n')
				p++;
			continue;
		}
		if (c == ';' || c == '{') {
			if (!name) {
				strbuf_addf(err, "%u:%u: '%c' without a directive", line, col, c);
				ret = -EINVAL;
				goto out;
			}
			if (c == ';') {
				char *key = path.len ? xasprintf("%s.%s", path.buf, name)
						     : xstrdup(name);

				conf_add(out, key, words.buf ? words.buf : "", words.len,
					 start_line);
				free(key);
			} else {
				if (depth == ARRAY_SIZE(stack)) {
					strbuf_addf(err, "%u:%u: blocks nested too deep", line,
						    col);
					ret = -EINVAL;
					goto out;
				}
				stack[depth++] = path.len;
				if (path.len)
					strbuf_addch(&path, '.');
				strbuf_addstr(&path, name);
			}
			free(name);
			name = NULL;
			strbuf_truncate(&words, 0);
			p++;
			col++;
			continue;
		}
		if (c == '}') {
			if (name) {
				strbuf_addf(err, "%u:%u: directive '%s' not ended with ';'",
					    start_line, col, name);
				ret = -EINVAL;
				goto out;
			}
			if (!depth) {
				strbuf_addf(err, "%u:%u: '}' without a block", line, col);
				ret = -EINVAL;
				goto out;
			}
			strbuf_truncate(&path, stack[--depth]);
			p++;
			col++;
			continue;
		}
		/* a word, maybe quoted */
		{
			struct strbuf w = STRBUF_INIT;

			if (c == '"' || c == '\'') {
				char q = c;
				uint32_t qline = line, qcol = col;

				p++;
				col++;
				while (p < end && *p != q) {
					if (*p == '\\' && p + 1 < end) {
						p++;
						col++;
					}
					if (*p == '\n') {
						line++;
						col = 0;
					}
					strbuf_addch(&w, *p++);
					col++;
				}
				if (p >= end) {
					strbuf_addf(err, "%u:%u: unterminated quote", qline, qcol);
					strbuf_release(&w);
					ret = -EINVAL;
					goto out;
				}
				p++;
				col++;
			} else {
				while (p < end && !isspace((unsigned char)*p) &&
				       !strchr(";{}", *p)) {
					strbuf_addch(&w, *p++);
					col++;
				}
			}
			if (!name) {
				name = strbuf_detach(&w);
				start_line = line;
			} else {
				if (words.len)
					strbuf_addch(&words, ' ');
				strbuf_addstr(&words, w.buf ? w.buf : "");
				strbuf_release(&w);
			}
		}
	}
	if (name) {
		strbuf_addf(err, "%u:%u: directive '%s' not ended with ';'", start_line, col, name);
		ret = -EINVAL;
	} else if (depth) {
		strbuf_addf(err, "%u:%u: %zu block%s not closed", line, col, depth,
			    depth == 1 ? "" : "s");
		ret = -EINVAL;
	}
out:
	free(name);
	strbuf_release(&path);
	strbuf_release(&words);
	return ret;
}
