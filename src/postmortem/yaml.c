// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The YAML form of a postmortem (fwaudit-postmortem(5)) and Markdown front
 * matter, read from the position-keeping trees of yamltree.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fwaudit/postmortem.h"
#include "fwaudit/util.h"
#include "fwaudit/yamltree.h"
#include "pm_internal.h"

struct yctx {
	const char *name;
	struct strbuf *err;
	bool failed;
	bool lenient; /* front matter: keys of other tools are not errors */
};

__attribute__((format(printf, 5, 6))) static void yfail(struct yctx *c, uint32_t line, uint32_t col,
							const char *what, const char *fmt, ...)
{
	va_list ap;

	strbuf_addf(c->err, "%s:%u:%u: ", c->name, line, col);
	if (what)
		strbuf_addf(c->err, "%s: ", what);
	va_start(ap, fmt);
	strbuf_vaddf(c->err, fmt, ap);
	va_end(ap);
	strbuf_addch(c->err, '\n');
	c->failed = true;
}

static char *want_str(struct yctx *c, const struct ynode *n, const char *key)
{
	if (!n || n->kind == YN_NULL)
		return NULL;
	if (n->kind != YN_SCALAR) {
		yfail(c, n->line, n->col, key, "must be text, not %s",
		      n->kind == YN_MAP ? "a mapping" : "a list");
		return NULL;
	}
	return xstrdup(n->str);
}

static void check_keys(struct yctx *c, const struct ynode *map, const char *what,
		       const char *const *allowed)
{
	for (size_t i = 0; i < map->n; i++) {
		bool known = false;

		for (size_t k = 0; allowed[k]; k++)
			known |= !strcmp(map->keys[i], allowed[k]);
		if (!known && !c->lenient) {
			struct strbuf sb = STRBUF_INIT;

			name_suggest(&sb, map->keys[i], allowed);
			yfail(c, map->key_line[i], map->key_col[i], NULL,
			      "unknown key '%s' in %s%s", map->keys[i], what, sb.buf ? sb.buf : "");
			strbuf_release(&sb);
		}
	}
}

static bool date_shape(const char *s)
{
	return strlen(s) >= 10 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[3]) &&
	       s[4] == '-' && s[7] == '-' && isdigit((unsigned char)s[9]);
}

/* "2h30m", "90m", "1d", "45s", or words ("2.5 hours"); seconds or -1. */
static long parse_duration(const char *s)
{
	long total = 0;
	const char *p = s;
	char *phrase = NULL;

	while (*p) {
		char *e;
		long v = strtol(p, &e, 10);

		if (e == p)
			break;
		switch (*e) {
		case 'd':
			total += v * 86400;
			break;
		case 'h':
			total += v * 3600;
			break;
		case 'm':
			total += v * 60;
			break;
		case 's':
			total += v;
			break;
		default:
			goto words;
		}
		p = e + 1;
	}
	if (!*p && p != s)
		return total;
words:
	total = when_stated_duration(s, &phrase);
	free(phrase);
	return total;
}

static const char *const incident_keys[] = {
	"id",	  "title",	    "date",	  "start",     "end",	       "when", "duration",
	"impact", "impact_percent", "root_cause", "detection", "action_items", NULL
};

/* The incident's own keys from @map into @in (both forms). */
static void incident_fields(struct yctx *c, struct incident *in, const struct ynode *map)
{
	const struct ynode *v;
	char *s;

#define TAKE(key, field)                                                                           \
	do {                                                                                       \
		if ((s = want_str(c, ynode_get(map, key), key))) {                                 \
			free(in->field);                                                           \
			in->field = s;                                                             \
		}                                                                                  \
	} while (0)
	TAKE("id", id);
	TAKE("title", title);
	TAKE("date", date);
	TAKE("start", start);
	TAKE("end", end);
	TAKE("when", when_raw);
	TAKE("impact", impact);
	TAKE("root_cause", root_cause);
	TAKE("detection", detection);
#undef TAKE
	if (in->id && (!isalnum((unsigned char)*in->id) || strpbrk(in->id, " \t#@"))) {
		v = ynode_get(map, "id");
		yfail(c, v->line, v->col, "id",
		      "'%s' must start with a letter or digit and hold no spaces, '#' or '@'",
		      in->id);
	}
	if (in->date && !date_shape(in->date)) {
		v = ynode_get(map, "date");
		yfail(c, v->line, v->col, "date", "'%s' is not a date (YYYY-MM-DD)", in->date);
	}
	if (in->start && !date_shape(in->start)) {
		v = ynode_get(map, "start");
		yfail(c, v->line, v->col, "start", "'%s' is not an ISO 8601 time", in->start);
	}
	if (in->end && !date_shape(in->end)) {
		v = ynode_get(map, "end");
		yfail(c, v->line, v->col, "end", "'%s' is not an ISO 8601 time", in->end);
	}
	if ((s = want_str(c, (v = ynode_get(map, "duration")), "duration"))) {
		long d = parse_duration(s);

		if (d < 0)
			yfail(c, v->line, v->col, "duration",
			      "'%s' is not a duration (2h30m, 45m, \"2.5 hours\")", s);
		in->duration_s = d;
		free(in->duration_stated);
		in->duration_stated = s;
	}
	if ((s = want_str(c, (v = ynode_get(map, "impact_percent")), "impact_percent"))) {
		char *e;
		double pct = strtod(s, &e);

		if (*e == '%')
			e++;
		if (e == s || *e || pct < 0 || pct > 100)
			yfail(c, v->line, v->col, "impact_percent",
			      "'%s' is not a percentage (0-100)", s);
		else
			in->impact_pct = pct;
		free(s);
	}
}

static const char *const item_keys[] = { "id",	  "text",   "group", "type",
					 "owner", "status", "refs",  NULL };

static void item_fields(struct yctx *c, struct incident *in, const struct ynode *x)
{
	struct action_item *it;
	const struct ynode *v;
	char *s;

	if (x->kind == YN_SCALAR) { /* a bare string is the item's text */
		it = incident_add_item(in, x->line);
		it->text = xstrdup(x->str);
		return;
	}
	if (x->kind != YN_MAP) {
		yfail(c, x->line, x->col, "action item", "must be a mapping or text");
		return;
	}
	check_keys(c, x, "an action item", item_keys);
	it = incident_add_item(in, x->line);
	it->text = want_str(c, ynode_get(x, "text"), "text");
	if (!it->text) {
		yfail(c, x->line, x->col, "action item", "has no text");
		it->text = xstrdup("");
	}
	it->id = want_str(c, (v = ynode_get(x, "id")), "id");
	if (it->id && (!*it->id || strpbrk(it->id, " \t@")))
		yfail(c, v->line, v->col, "id", "'%s' may not hold spaces or '@'", it->id);
	it->group = want_str(c, ynode_get(x, "group"), "group");
	it->type = want_str(c, ynode_get(x, "type"), "type");
	it->owner = want_str(c, ynode_get(x, "owner"), "owner");
	if ((s = want_str(c, (v = ynode_get(x, "status")), "status"))) {
		if (!strcmp(s, "done"))
			it->status = ACTION_DONE;
		else if (strcmp(s, "open"))
			yfail(c, v->line, v->col, "status", "'%s' is not open or done", s);
		free(s);
	}
	if ((v = ynode_get(x, "refs"))) {
		if (v->kind == YN_SCALAR) {
			it->refs = xcalloc(1, sizeof(*it->refs));
			it->refs[it->nrefs++] = xstrdup(v->str);
		} else if (v->kind == YN_SEQ) {
			it->refs = xcalloc(v->n + 1, sizeof(*it->refs));
			for (size_t i = 0; i < v->n; i++)
				if ((s = want_str(c, v->v[i], "refs")))
					it->refs[it->nrefs++] = s;
		} else if (v->kind != YN_NULL) {
			yfail(c, v->line, v->col, "refs", "must be a list");
		}
	}
}

int front_matter_apply(struct incident *in, const char *name, const struct ynode *fm,
		       struct strbuf *err)
{
	struct yctx c = { .name = name, .err = err, .lenient = true };
	const struct ynode *v;

	incident_fields(&c, in, fm);
	if ((v = ynode_get(fm, "action_items"))) {
		if (v->kind != YN_SEQ)
			yfail(&c, v->line, v->col, "action_items", "must be a list");
		else
			for (size_t i = 0; i < v->n; i++)
				item_fields(&c, in, v->v[i]);
	}
	return c.failed ? -EINVAL : 0;
}

int postmortem_parse_yaml(struct postmortem_index *ix, const char *name, const char *buf,
			  size_t len, struct strbuf *err)
{
	struct yctx c = { .name = name, .err = err };
	struct ynode **docs = NULL;
	struct incident **got = NULL;
	size_t ndocs = 0, ngot = 0;
	int ret = 0;

	if (memchr(buf, 0, len)) {
		strbuf_addf(err, "%s: binary (holds NUL bytes), not a postmortem\n", name);
		return -EINVAL;
	}
	if (!utf8_check(name, buf, len, err))
		return -EINVAL;
	if (ytree_parse(name, buf, len, 0, &docs, &ndocs, err) < 0)
		return -EINVAL;
	if (!ndocs)
		yfail(&c, 1, 1, NULL, "empty postmortem file");
	for (size_t d = 0; d < ndocs; d++) {
		const struct ynode *root = docs[d], *v;
		struct incident *in;

		if (root->kind != YN_MAP) {
			yfail(&c, root->line, root->col, NULL,
			      "a postmortem is a mapping with title, date, action_items, ...");
			continue;
		}
		check_keys(&c, root, "a postmortem", incident_keys);
		in = xcalloc(1, sizeof(*in));
		in->source = xstrdup(name);
		in->duration_s = -1;
		in->impact_pct = -1;
		incident_fields(&c, in, root);
		if (!in->title)
			yfail(&c, root->line, root->col, NULL, "missing key 'title'");
		if ((v = ynode_get(root, "action_items"))) {
			if (v->kind != YN_SEQ && v->kind != YN_NULL)
				yfail(&c, v->line, v->col, "action_items", "must be a list");
			for (size_t i = 0; v->kind == YN_SEQ && i < v->n; i++)
				item_fields(&c, in, v->v[i]);
		}
		if (!in->title)
			in->title = xstrdup("?");
		if (!c.failed) /* its fields are only worth deriving from when all hold */
			incident_finish(in);
		got = xrealloc(got, (ngot + 1) * sizeof(*got));
		got[ngot++] = in;
	}
	for (size_t d = 0; d < ndocs; d++)
		ynode_free(docs[d]);
	free(docs);
	if (c.failed) {
		ret = -EINVAL;
		for (size_t i = 0; i < ngot; i++)
			incident_free(got[i]);
		ngot = 0;
	}
	for (size_t i = 0; i < ngot; i++) {
		bool dup = false;

		for (size_t j = 0; j < ix->n && !dup; j++)
			if (!strcmp(ix->v[j]->id, got[i]->id)) {
				strbuf_addf(err, "%s: incident id '%s' is already taken by %s\n",
					    name, got[i]->id, ix->v[j]->source);
				dup = true;
			}
		if (dup) {
			incident_free(got[i]);
			ret = -EINVAL;
			continue;
		}
		ix->v = xrealloc(ix->v, (ix->n + 1) * sizeof(*ix->v));
		ix->v[ix->n++] = got[i];
	}
	free(got);
	return ret;
}
