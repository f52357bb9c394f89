// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The second pass over a Markdown postmortem: sections, fields and action
 * items from the classified lines (lines.c).
 *
 * An action section opens at a heading (of any kind, or a list item that is
 * only a bold label) named like "Corrective and Preventative Measures",
 * "Action Items", "Follow-ups" or "Remediation". Inside it, headings named
 * like groups ("Tasks", "Specific Tasks", "Completed") and label-only list
 * items ("- **Improvements/Fixes:**") start groups, even at the section's
 * own heading level, because people write sub-sections that way. It closes
 * at a heading named like another part of a postmortem ("Timeline",
 * "Conclusion") or at a '#' heading as high as its own that is neither.
 * List items and action-table rows inside it are the items; bracketed
 * template placeholders ("[List of specific tasks ...]") never are.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fwaudit/postmortem.h"
#include "fwaudit/util.h"
#include "fwaudit/yamltree.h"
#include "md.h"
#include "pm_internal.h"

#define MAX_DOC_BYTES	(4u << 20)
#define MAX_INTRO_LINES 64

/* Lowercased, for matching against the word lists below. */
static char *lower(const char *s)
{
	char *t = xstrdup(s);

	for (char *p = t; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return t;
}

/* @s starts with one of @words, followed by a non-letter. */
static bool starts_with_any(const char *s, const char *const *words)
{
	for (size_t i = 0; words[i]; i++) {
		size_t n = strlen(words[i]);

		if (!strncmp(s, words[i], n) && !isalpha((unsigned char)s[n]))
			return true;
	}
	return false;
}

/* Some word of @s starts one of @words. */
static bool has_word(const char *s, const char *const *words)
{
	for (const char *p = s; *p; p++)
		if ((p == s || !isalnum((unsigned char)p[-1])) && starts_with_any(p, words))
			return true;
	return false;
}

static const char *const action_words[] = { "corrective",
					    "preventative",
					    "preventive",
					    "prevention",
					    "action item",
					    "action items",
					    "actions",
					    "follow-up",
					    "follow-ups",
					    "follow up",
					    "follow ups",
					    "followups",
					    "remediation",
					    "remediations",
					    "next steps",
					    "improvement",
					    "improvements",
					    "tasks",
					    "to do",
					    "todo",
					    "recommendations",
					    "mitigation",
					    "mitigations",
					    "fixes",
					    "areas for improvement",
					    "specific tasks",
					    "lessons and actions",
					    NULL };

static const char *const group_words[] = { "completed",	  "complete",  "done",	     "open",
					   "in progress", "pending",   "planned",    "ongoing",
					   "outstanding", "remaining", "short-term", "long-term",
					   "short term",  "long term", "immediate",  "resolved",
					   "fixed",	  NULL };

/* Headings that name a part of a postmortem (never its title); one closes an
 * action section. */
static const char *const part_names[] = { "timeline",
					  "root cause",
					  "impact",
					  "summary",
					  "issue summary",
					  "resolution",
					  "conclusion",
					  "in conclusion",
					  "lessons",
					  "lessons learned",
					  "what went",
					  "where we got",
					  "urls",
					  "references",
					  "appendix",
					  "background",
					  "glossary",
					  "supporting",
					  "manual qa",
					  "escalation",
					  "detection",
					  "trigger",
					  "links",
					  "additional information",
					  "task description",
					  "project description",
					  "actions taken",
					  "action taken",
					  "misleading",
					  "investigation",
					  NULL };

/* A heading that starts another document (a quoted assignment, the real
 * postmortem after it) closes an action section too. */
static const char *const other_documents[] = { "postmortem", "project", NULL };

static bool other_part(const char *low)
{
	return starts_with_any(low, part_names) || starts_with_any(low, other_documents);
}

static const char *const done_words[] = { "completed", "complete", "done", "resolved",
					  "fixed",     "closed",   NULL };
static const char *const open_words[] = { "open",	 "todo",	"to do",       "pending",
					  "planned",	 "ongoing",	"outstanding", "remaining",
					  "in progress", "not started", NULL };

/* The status a heading or marker names: 1 done, 0 open, -1 neither. */
static int status_of_words(const char *low)
{
	if (has_word(low, done_words))
		return 1;
	if (has_word(low, open_words))
		return 0;
	return -1;
}

static const struct {
	const char *word, *type;
} type_words[] = {
	{ "prevent", "prevent" },
	{ "prevention", "prevent" },
	{ "mitigate", "mitigate" },
	{ "mitigation", "mitigate" },
	{ "process", "process" },
	{ "detect", "detect" },
	{ "detection", "detect" },
	{ "repair", "repair" },
	{ "investigate", "investigate" },
	{ "investigation", "investigate" },
	{ "other", "other" },
};

/* "prevent", "Mitigation" -> the item type, or NULL. */
static const char *type_of(const char *s)
{
	char *low = lower(s);
	const char *t = NULL;
	size_t n = strlen(low);

	while (n && (low[n - 1] == ' ' || low[n - 1] == '.'))
		low[--n] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(type_words); i++)
		if (!strcmp(low, type_words[i].word))
			t = type_words[i].type;
	free(low);
	return t;
}

/* "[Explain the main cause]", "TBD", "N/A", "...": not content. */
static bool placeholder(const char *s)
{
	static const char *const nothing[] = { "tbd", "tba",	      "n/a",  "na",  "none", "-",
					       "...", "\xe2\x80\xa6", "todo", "xxx", NULL };
	size_t n = strlen(s);

	if (!n)
		return true;
	if ((s[0] == '[' && s[n - 1] == ']' && !memchr(s + 1, ']', n - 2)) ||
	    (s[0] == '<' && s[n - 1] == '>'))
		return true;
	for (size_t i = 0; nothing[i]; i++)
		if (!strcasecmp(s, nothing[i]))
			return true;
	return false;
}

/* ---- the walk ---- */

struct field {
	char *key; /* lowercased label */
	char *value;
	uint32_t line;
};

struct md_state {
	struct incident *in;
	struct mdline *l;
	size_t n;
	/* action section */
	bool in_actions;
	int act_level;	   /* the opening heading's level */
	int act_list;	   /* the opening list item's indent, or -1 */
	const char *group; /* current group label (points into a line) */
	const char *section_group;
	int group_indent; /* a label-only item's indent, or -1 */
	int group_status; /* -1, or the status a group heading names */
	const char *group_type;
	/* the item attribute lines indent under, by index: a pointer would
	 * dangle once the next item grows the array (a table's rows do) */
	size_t last; /* SIZE_MAX: none */
	int last_indent;
	/* fields */
	struct field *f;
	size_t nf, capf;
	char *pending; /* a label-only line waiting for its value */
	uint32_t pending_line;
	struct strbuf pending_value;
	/* prose before the first section */
	char **intro; /* paragraphs */
	size_t nintro;
	char **intro_lines;
	size_t nintro_lines;
	unsigned nheadings;
	/* title candidates */
	char *title;
	int title_score;
	char *first_heading;
	char *title_anchor;
	char *detected; /* the first line saying how it was detected */
};

static void field_add(struct md_state *st, const char *label, const char *value, uint32_t line)
{
	char *key = lower(label);
	size_t n = strlen(key);

	while (n && (key[n - 1] == ':' || key[n - 1] == ' '))
		key[--n] = 0;
	GROW(st->f, st->nf, st->capf);
	st->f[st->nf++] = (struct field){ key, xstrdup(value), line };
}

static void pending_flush(struct md_state *st)
{
	if (st->pending && st->pending_value.len)
		field_add(st, st->pending, st->pending_value.buf, st->pending_line);
	free(st->pending);
	st->pending = NULL;
	strbuf_release(&st->pending_value);
}

static void pending_append(struct md_state *st, const char *text)
{
	if (!st->pending || !*text)
		return;
	if (st->pending_value.len)
		strbuf_addch(&st->pending_value, ' ');
	strbuf_addstr(&st->pending_value, text);
}

static const char *const generic_words[] = { "0x19",	    "project", "title",	 "postmortem",
					     "post-mortem", "post",    "mortem", "incident",
					     "report",	    "the",     "a",	 "my",
					     "first",	    "task",    "of",	 NULL };
static const char *const title_words[] = { "outage", "incident",    "downtime",	   "failure",
					   "down",   "outages",	    "degradation", "disruption",
					   "breach", "unavailable", "unreachable", NULL };

/* How much a heading reads like the incident's title; < 0: generic. */
static int title_score(const char *text)
{
	char *low = lower(text);
	int score = 0;
	bool specific = false;

	for (char *p = low; *p;) {
		char *w = p;
		size_t k;

		while (*p && !isalnum((unsigned char)*p) && *p != '-')
			p++;
		w = p;
		while (*p && (isalnum((unsigned char)*p) || *p == '-'))
			p++;
		if (p == w)
			continue;
		{
			char save = *p;
			bool generic = false;

			*p = 0;
			for (k = 0; generic_words[k]; k++)
				generic |= !strcmp(w, generic_words[k]);
			generic |= isdigit((unsigned char)*w) && strlen(w) <= 2;
			specific |= !generic;
			*p = save;
		}
	}
	if (has_word(low, title_words))
		score += 2;
	if (strstr(low, "postmortem") || strstr(low, "post-mortem"))
		score += 1;
	free(low);
	return specific ? score : -1;
}

static void consider_title(struct md_state *st, const struct mdline *ln)
{
	int score = title_score(ln->plain);

	if (!st->first_heading)
		st->first_heading = xstrdup(ln->plain);
	if (ln->anchor && !st->title_anchor && score >= 0)
		st->title_anchor = xstrdup(ln->anchor);
	if (score > st->title_score) {
		free(st->title);
		st->title = xstrdup(ln->plain);
		st->title_score = score;
	}
}

static void close_actions(struct md_state *st)
{
	st->in_actions = false;
	st->group = st->section_group = NULL;
	st->group_indent = -1;
	st->group_status = -1;
	st->group_type = NULL;
	st->last = SIZE_MAX;
}

static void open_actions(struct md_state *st, const struct mdline *ln, int level, int list_indent)
{
	char *low = lower(ln->label && ln->kind == LK_ITEM ? ln->label : ln->plain);

	st->in_actions = true;
	st->act_level = level;
	st->act_list = list_indent;
	st->group = st->section_group = ln->label && ln->kind == LK_ITEM ? ln->label : ln->plain;
	st->group_indent = -1;
	st->group_status = status_of_words(low);
	st->group_type = type_of(st->group);
	st->last = SIZE_MAX;
	free(low);
}

static void start_group(struct md_state *st, const char *label, int indent)
{
	char *low = lower(label);

	st->group = label;
	st->group_indent = indent;
	st->group_status = status_of_words(low);
	st->group_type = type_of(label);
	st->last = SIZE_MAX;
	free(low);
}

/* The next line that is not blank, or NULL. */
static const struct mdline *next_content(const struct md_state *st, size_t i)
{
	for (i++; i < st->n; i++)
		if (st->l[i].kind != LK_BLANK)
			return &st->l[i];
	return NULL;
}

static void on_heading(struct md_state *st, size_t i)
{
	const struct mdline *ln = &st->l[i];
	char *low = lower(ln->plain);
	const struct mdline *next = next_content(st, i);
	bool list_follows = next && (next->kind == LK_ITEM || next->kind == LK_TABLE);

	pending_flush(st);
	/* "Issue Summary" is a section, "Postmortem: Website Outage" a title */
	if (ln->atx &&
	    ((!starts_with_any(low, part_names) && !starts_with_any(low, action_words)) ||
	     title_score(ln->plain) > 0))
		consider_title(st, ln);
	st->nheadings++;
	if (st->in_actions) {
		bool named =
			(starts_with_any(low, action_words) || starts_with_any(low, group_words)) &&
			!other_part(low);

		if (!named && other_part(low)) {
			close_actions(st);
		} else if (named || (ln->atx && ln->level > st->act_level && st->act_list < 0) ||
			   (!ln->atx && list_follows)) {
			start_group(st, ln->plain, -1);
			st->section_group = st->group;
			goto out;
		} else {
			close_actions(st);
		}
	}
	if (starts_with_any(low, action_words) && !other_part(low)) {
		open_actions(st, ln, ln->level, -1);
		goto out;
	}
	/* "**Root Cause:**" then its text on the next lines */
	st->pending = xstrdup(ln->plain);
	st->pending_line = ln->lineno;
out:
	free(low);
}

/* Markers of status in an item's text: removed, and the status returned. */
static int take_status(char *t)
{
	static const struct {
		const char *mark;
		int status;
	} marks[] = {
		/* in brackets, any case: "(Done)", "[TODO]", "(In progress)" */
		{ "(done)", 1 },
		{ "[done]", 1 },
		{ "(completed)", 1 },
		{ "(complete)", 1 },
		{ "(fixed)", 1 },
		{ "(resolved)", 1 },
		{ "(todo)", 0 },
		{ "[todo]", 0 },
		{ "(open)", 0 },
		{ "(in progress)", 0 },
		{ "(pending)", 0 },
		/* as they are written */
		{ "\xe2\x9c\x85", 1 },
		{ "\xe2\x9c\x94\xef\xb8\x8f", 1 },
		{ "\xe2\x9c\x94", 1 },
		{ "\xe2\x98\x91", 1 },
		{ "DONE", 1 },
		{ "TODO", 0 },
	};
	int status = -1;

	for (size_t i = 0; i < ARRAY_SIZE(marks); i++) {
		size_t n = strlen(marks[i].mark);
		char *p = t;

		bool any_case = strchr("([", marks[i].mark[0]) != NULL;

		while ((p = any_case ? strcasestr(p, marks[i].mark) : strstr(p, marks[i].mark))) {
			/* a bare DONE / TODO only as a word of its own */
			if (isalpha((unsigned char)marks[i].mark[0]) &&
			    ((p > t && isalnum((unsigned char)p[-1])) ||
			     isalnum((unsigned char)p[n]))) {
				p += n;
				continue;
			}
			if (status < 0)
				status = marks[i].status;
			memmove(p, p + n, strlen(p + n) + 1);
		}
	}
	/* tidy what the marker left: "TODO: x" -> "x", "x -" -> "x" */
	{
		char *s = t, *e;

		while (*s == ' ' || *s == ':' || *s == '-')
			s++;
		memmove(t, s, strlen(s) + 1);
		e = t + strlen(t);
		while (e > t && (e[-1] == ' ' || e[-1] == ':' || e[-1] == '-' || e[-1] == '|'))
			*--e = 0;
		for (char *r = t, *w = t;; r++) {
			if (*r == ' ' && r[1] == ' ')
				continue;
			*w++ = *r;
			if (!*r)
				break;
		}
	}
	return status;
}

static void add_ref(struct action_item *it, const char *s, size_t n)
{
	for (size_t i = 0; i < it->nrefs; i++)
		if (strlen(it->refs[i]) == n && !strncmp(it->refs[i], s, n))
			return;
	it->refs = xrealloc(it->refs, (it->nrefs + 1) * sizeof(*it->refs));
	it->refs[it->nrefs++] = xstrndup(s, n);
}

/* JIRA-123, #45, URLs, "Bug 5554823", "b/123" in @s. */
static void find_refs(struct action_item *it, const char *s)
{
	for (const char *p = s; *p; p++) {
		bool start = p == s || !isalnum((unsigned char)p[-1]);
		size_t n = 0;

		if (!strncmp(p, "http://", 7) || !strncmp(p, "https://", 8)) {
			while (p[n] && !strchr(" \t)>]\"'", p[n]))
				n++;
			while (n && strchr(".,;:", p[n - 1]))
				n--;
			add_ref(it, p, n);
			p += n - 1;
			continue;
		}
		if (!start)
			continue;
		if (*p == '#' && isdigit((unsigned char)p[1])) {
			n = 1;
			while (isdigit((unsigned char)p[n]))
				n++;
			if (!isalpha((unsigned char)p[n]))
				add_ref(it, p, n);
			p += n - 1;
			continue;
		}
		if (isupper((unsigned char)*p)) {
			while (isupper((unsigned char)p[n]) || isdigit((unsigned char)p[n]))
				n++;
			if (n >= 2 && n <= 10 && p[n] == '-' && isdigit((unsigned char)p[n + 1])) {
				size_t m = n + 1;

				while (isdigit((unsigned char)p[m]))
					m++;
				if (!isalnum((unsigned char)p[m])) {
					add_ref(it, p, m);
					p += m - 1;
					continue;
				}
			}
		}
		if (!strncasecmp(p, "bug ", 4) || !strncasecmp(p, "b/", 2)) {
			const char *q = p + (p[1] == '/' ? 2 : 4);

			if (isdigit((unsigned char)*q)) {
				while (isdigit((unsigned char)*q))
					q++;
				add_ref(it, p, (size_t)(q - p));
				p = q - 1;
			}
		}
	}
}

/* "(owner: alice)" or "@alice" in the text. */
static void find_owner(struct action_item *it, const char *s)
{
	const char *p = strcasestr(s, "owner:");

	if (p) {
		const char *q;
		size_t n;

		p += 6;
		while (*p == ' ' || *p == '@')
			p++;
		for (q = p; *q && *q != ')' && *q != ',' && *q != ';'; q++)
			;
		n = (size_t)(q - p);
		while (n && p[n - 1] == ' ')
			n--;
		if (n)
			it->owner = xstrndup(p, n);
		return;
	}
	for (p = s; *p; p++)
		if (*p == '@' && (p == s || p[-1] == ' ' || p[-1] == '(') &&
		    isalpha((unsigned char)p[1])) {
			size_t n = 1;

			while (isalnum((unsigned char)p[n]) || p[n] == '-' || p[n] == '_' ||
			       p[n] == '.')
				n++;
			while (p[n - 1] == '.')
				n--;
			it->owner = xstrndup(p, n);
			return;
		}
}

/* "[prevent] x", "x (mitigate)": the type, removed from the text. */
static void take_type(struct action_item *it, char *t)
{
	for (char *p = t; *p; p++) {
		char *close;
		const char *ty;

		if (*p != '[' && *p != '(')
			continue;
		close = strchr(p, *p == '[' ? ']' : ')');
		if (!close)
			break;
		{
			char *inner = xstrndup(p + 1, (size_t)(close - p - 1));

			ty = type_of(inner);
			free(inner);
		}
		if (ty) {
			it->type = xstrdup(ty);
			memmove(p, close + 1, strlen(close + 1) + 1);
			take_status(t); /* tidy spaces */
			return;
		}
	}
}

static void item_set_attr(struct action_item *it, const char *label, const char *value)
{
	char *low = lower(label);

	if (!strcmp(low, "owner") || !strcmp(low, "assignee") || !strcmp(low, "who")) {
		free(it->owner);
		it->owner = xstrdup(value);
	} else if (!strcmp(low, "status") || !strcmp(low, "state")) {
		char *v = lower(value);
		int s = status_of_words(v);

		if (s >= 0)
			it->status = s ? ACTION_DONE : ACTION_OPEN;
		free(v);
	} else if (!strcmp(low, "type") || !strcmp(low, "kind")) {
		const char *ty = type_of(value);

		free(it->type);
		it->type = xstrdup(ty ? ty : value);
	} else {
		find_refs(it, value);
	}
	free(low);
}

static bool attr_label(const char *label)
{
	static const char *const attrs[] = { "owner", "assignee", "who",      "status", "state",
					     "type",  "kind",	  "bug",      "ticket", "tracker",
					     "jira",  "issue",	  "tracking", NULL };
	char *low = lower(label);
	bool yes = false;

	for (size_t i = 0; attrs[i]; i++)
		yes |= !strcmp(low, attrs[i]);
	free(low);
	return yes;
}

static struct action_item *item_new(struct md_state *st, const char *text, uint32_t line, int check,
				    const char *anchor)
{
	char *t = xstrdup(text);
	int status = take_status(t);
	struct action_item *it;

	if (placeholder(t)) {
		free(t);
		return NULL;
	}
	it = incident_add_item(st->in, line);
	take_type(it, t);
	it->text = t;
	it->group = st->group ? xstrdup(st->group) : NULL;
	if (!it->type && st->group_type)
		it->type = xstrdup(st->group_type);
	if (check >= 0)
		it->status = check ? ACTION_DONE : ACTION_OPEN;
	else if (status >= 0)
		it->status = status ? ACTION_DONE : ACTION_OPEN;
	else if (st->group_status >= 0)
		it->status = st->group_status ? ACTION_DONE : ACTION_OPEN;
	find_refs(it, t);
	find_owner(it, t);
	if (anchor)
		it->id = xstrdup(anchor);
	return it;
}

/* The text of item @i with its indented continuation lines. */
static char *item_text(struct md_state *st, size_t i, size_t *last)
{
	struct strbuf sb = STRBUF_INIT;
	size_t j;

	strbuf_addstr(&sb, st->l[i].plain);
	for (j = i + 1; j < st->n; j++) {
		const struct mdline *c = &st->l[j];

		if (c->kind != LK_TEXT || c->indent <= st->l[i].indent)
			break;
		strbuf_addch(&sb, ' ');
		strbuf_addstr(&sb, c->plain);
	}
	*last = j - 1;
	return strbuf_detach(&sb);
}

static void on_item(struct md_state *st, size_t *pi)
{
	const struct mdline *ln = &st->l[*pi];
	bool label_only = ln->label && ln->rest && !*ln->rest;
	char *text = item_text(st, *pi, pi);

	if (st->in_actions && st->act_list >= 0 && ln->indent <= st->act_list)
		close_actions(st);
	if (!st->in_actions && label_only) {
		char *low = lower(ln->label);
		bool opens = starts_with_any(low, action_words) && !other_part(low);

		free(low);
		if (opens) {
			pending_flush(st);
			open_actions(st, ln, 8, ln->indent);
			goto out;
		}
	}
	if (!st->in_actions) {
		/* a field: "Root Cause: text", or a label with its value below */
		if (ln->label && !label_only) {
			field_add(st, ln->label, ln->rest, ln->lineno);
		} else if (label_only) {
			pending_flush(st);
			st->pending = xstrdup(ln->label);
			st->pending_line = ln->lineno;
		} else {
			pending_append(st, text);
		}
		if (!st->detected && strcasestr(text, "detected"))
			st->detected = xstrdup(text);
		goto out;
	}
	/* "•<TAB>Tasks:" then "1.<TAB>..." at the same indent: still that group */
	if (st->group_indent >= 0 && ln->indent < st->group_indent) {
		st->group = st->section_group;
		st->group_indent = -1;
		st->group_status = -1;
		st->group_type = type_of(st->group ? st->group : "");
	}
	if (st->last != SIZE_MAX && ln->indent > st->last_indent && ln->label &&
	    attr_label(ln->label)) {
		item_set_attr(&st->in->items[st->last], ln->label, ln->rest);
		goto out;
	}
	if (label_only) {
		start_group(st, ln->label, ln->indent);
		goto out;
	}
	/* a template's "Specific Tasks: [List of specific tasks ...]" */
	if (ln->label && placeholder(ln->rest))
		goto out;
	{
		struct action_item *it = item_new(st, text, ln->lineno, ln->check, ln->anchor);

		if (it) {
			st->last = (size_t)(it - st->in->items);
			st->last_indent = ln->indent;
		}
	}
out:
	free(text);
}

/* "|---|:--:|": the row under a table's header. */
static bool all_dashes_row(const char *row)
{
	bool dash = false;

	for (; *row; row++) {
		if (*row == '-')
			dash = true;
		else if (!strchr("|: \t", *row))
			return false;
	}
	return dash;
}

/* Cells of a table row, trimmed and plain. */
static char **table_cells(const char *row, size_t *n)
{
	char **v = NULL;
	const char *p = row;

	*n = 0;
	if (*p == '|')
		p++;
	while (*p) {
		const char *q = p;
		char *cell;

		while (*q && !(*q == '|' && (q == p || q[-1] != '\\')))
			q++;
		if (!*q && q == p)
			break;
		cell = xstrndup(p, (size_t)(q - p));
		v = xrealloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = inline_plain(cell);
		free(cell);
		if (!*q)
			break;
		p = q + 1;
		if (!*p || (*p == ' ' && !p[strspn(p, " ")]))
			break;
	}
	return v;
}

static void cells_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int column(char **cells, size_t n, const char *const *names)
{
	for (size_t i = 0; i < n; i++) {
		char *low = lower(cells[i]);
		bool hit = starts_with_any(low, names);

		free(low);
		if (hit)
			return (int)i;
	}
	return -1;
}

/* An "Action Item | Type | Owner | Bug" table: one item per row. */
static void on_table(struct md_state *st, size_t *pi)
{
	static const char *const item_cols[] = { "action item", "action items", "action",
						 "item",	"task",		"description",
						 "remediation", "follow-up",	"what",
						 NULL };
	static const char *const type_cols[] = { "type", "kind", "category", NULL };
	static const char *const owner_cols[] = { "owner", "owners", "assignee", "who", NULL };
	static const char *const ref_cols[] = { "bug",	"bugs",	    "ticket", "tickets", "issue",
						"jira", "tracking", "link",   "links",	 NULL };
	static const char *const status_cols[] = { "status", "state", "done", NULL };
	size_t nh, i = *pi;
	char **head = table_cells(st->l[i].raw, &nh);
	int ci = column(head, nh, item_cols), ct = column(head, nh, type_cols),
	    co = column(head, nh, owner_cols), cr = column(head, nh, ref_cols),
	    cs = column(head, nh, status_cols);
	bool wanted;
	char *low = nh ? lower(head[ci >= 0 ? ci : 0]) : xstrdup("");

	wanted = ci >= 0 && (st->in_actions || strstr(low, "action"));
	free(low);
	pending_flush(st);
	for (i++; i < st->n && st->l[i].kind == LK_TABLE; i++) {
		size_t nc;
		char **cells = table_cells(st->l[i].raw, &nc);
		struct action_item *it;
		int status = -1;

		if (!wanted || all_dashes_row(st->l[i].raw)) {
			cells_free(cells, nc);
			continue;
		}
		if ((size_t)ci >= nc || placeholder(cells[ci])) {
			cells_free(cells, nc);
			continue;
		}
		for (size_t k = 0; k < nc; k++)
			if ((int)k != ci) {
				int s = take_status(cells[k]);

				if (s >= 0 && status < 0)
					status = s;
			}
		it = item_new(st, cells[ci], st->l[i].lineno, -1, NULL);
		if (it) {
			if (status >= 0)
				it->status = status ? ACTION_DONE : ACTION_OPEN;
			if (ct >= 0 && (size_t)ct < nc && !placeholder(cells[ct])) {
				const char *ty = type_of(cells[ct]);

				free(it->type);
				it->type = xstrdup(ty ? ty : cells[ct]);
			}
			if (co >= 0 && (size_t)co < nc && !placeholder(cells[co])) {
				free(it->owner);
				it->owner = xstrdup(cells[co]);
			}
			if (cr >= 0 && (size_t)cr < nc && !placeholder(cells[cr]))
				find_refs(it, cells[cr]);
			if (cs >= 0 && (size_t)cs < nc && status < 0) {
				char *v = lower(cells[cs]);
				int s = status_of_words(v);

				if (s >= 0)
					it->status = s ? ACTION_DONE : ACTION_OPEN;
				free(v);
			}
		}
		cells_free(cells, nc);
	}
	cells_free(head, nh);
	*pi = i - 1;
}

static void on_text(struct md_state *st, size_t i)
{
	const struct mdline *ln = &st->l[i];

	if (st->in_actions && st->act_list >= 0 && ln->indent <= st->act_list)
		close_actions(st);
	if (ln->label && *ln->rest) {
		/* "**Duration:** ... <br>": a field per line, continued by the
		 * lines below it up to a blank line */
		pending_flush(st);
		st->pending = xstrdup(ln->label);
		st->pending_line = ln->lineno;
		strbuf_addstr(&st->pending_value, ln->rest);
	} else {
		pending_append(st, ln->plain);
	}
	if (!st->in_actions && !st->detected && strcasestr(ln->plain, "detected"))
		st->detected = xstrdup(ln->plain);
	/* prose before the first section, as far as a title, times and impact
	 * are ever written: a bounded amount, so a huge document stays linear */
	if (st->nheadings <= 1 && st->nintro_lines < MAX_INTRO_LINES) {
		st->intro_lines = xrealloc(st->intro_lines,
					   (st->nintro_lines + 1) * sizeof(*st->intro_lines));
		st->intro_lines[st->nintro_lines++] = xstrdup(ln->plain);
		/* paragraphs joined */
		if (i && st->l[i - 1].kind == LK_TEXT && st->nintro) {
			char *joined = xasprintf("%s %s", st->intro[st->nintro - 1], ln->plain);

			free(st->intro[st->nintro - 1]);
			st->intro[st->nintro - 1] = joined;
		} else {
			st->intro = xrealloc(st->intro, (st->nintro + 1) * sizeof(*st->intro));
			st->intro[st->nintro++] = xstrdup(ln->plain);
		}
	}
}

/* ---- fields into the incident ---- */

static const char *field_get(const struct md_state *st, const char *const *keys)
{
	for (size_t k = 0; keys[k]; k++)
		for (size_t i = 0; i < st->nf; i++)
			if (!strcmp(st->f[i].key, keys[k]) && !placeholder(st->f[i].value))
				return st->f[i].value;
	return NULL;
}

static void fill_incident(struct md_state *st)
{
	static const char *const k_when[] = {
		"duration", "duration of the outage", "outage duration", "time",
		"when",	    "incident window",	      "period",		 "date and time",
		NULL
	};
	static const char *const k_impact[] = { "impact", "user impact", "customer impact",
						"impact on users", NULL };
	static const char *const k_cause[] = {
		"root cause",	     "root causes", "cause", "root cause explanation",
		"cause explanation", "trigger",	    NULL
	};
	static const char *const k_detect[] = { "detection method",
						"how the issue was detected",
						"issue detection",
						"detection",
						"detected by",
						"how it was detected",
						NULL };
	static const char *const k_date[] = { "date", "incident date", NULL };
	struct incident *in = st->in;
	const char *v;
	char date[11];

	if (!in->title)
		in->title = xstrdup(st->title		? st->title
				    : st->first_heading ? st->first_heading
							: in->source);
	if (!in->id && st->title_anchor)
		in->id = xstrdup(st->title_anchor);
	if (!in->when_raw && (v = field_get(st, k_when)))
		in->when_raw = xstrdup(v);
	for (size_t i = 0; !in->when_raw && i < st->nintro; i++) {
		char *s, *e;
		long span;

		when_parse_range(st->intro[i], NULL, &s, &e, &span);
		free(s);
		free(e);
		if (span >= 0)
			in->when_raw = xstrdup(st->intro[i]);
	}
	if (!in->impact && (v = field_get(st, k_impact)))
		in->impact = xstrdup(v);
	for (size_t i = 0; !in->impact && i < st->nintro_lines; i++)
		if (when_percent(st->intro_lines[i]) >= 0 ||
		    strcasestr(st->intro_lines[i], "users") ||
		    strcasestr(st->intro_lines[i], "customers"))
			in->impact = xstrdup(st->intro_lines[i]);
	if (!in->root_cause && (v = field_get(st, k_cause)))
		in->root_cause = xstrdup(v);
	if (!in->detection && (v = field_get(st, k_detect)))
		in->detection = xstrdup(v);
	if (!in->detection && st->detected)
		in->detection = xstrdup(st->detected);
	if (!in->date) {
		const char *from[] = { field_get(st, k_date), in->title, in->when_raw,
				       st->nintro ? st->intro[0] : NULL, in->impact };

		for (size_t i = 0; i < ARRAY_SIZE(from); i++)
			if (from[i] && when_find_date(from[i], date)) {
				in->date = xstrdup(date);
				break;
			}
	}
	if (in->impact_pct < 0 && in->impact)
		in->impact_pct = when_percent(in->impact);
	if (!in->duration_stated) {
		static const char *const k_summary[] = { "summary", "issue summary", NULL };
		const char *from[] = { in->when_raw, st->nintro ? st->intro[0] : NULL, in->impact,
				       field_get(st, k_summary) };

		for (size_t i = 0; i < ARRAY_SIZE(from) && !in->duration_stated; i++) {
			long s = from[i] ? when_stated_duration(from[i], &in->duration_stated) : -1;

			if (s >= 0 && in->duration_s < 0 && !in->when_raw)
				in->duration_s = s;
		}
	}
}

/* "---\n...\n---" at the very start: YAML front matter, applied after. */
static size_t front_matter(const char *text, const char **fm, size_t *fmlen)
{
	const char *p;

	*fm = NULL;
	if (strncmp(text, "---\n", 4) && strncmp(text, "---\r\n", 5))
		return 0;
	p = strchr(text, '\n') + 1;
	*fm = p;
	for (;;) {
		const char *eol = strchr(p, '\n');

		if (!strncmp(p, "---", 3) || !strncmp(p, "...", 3)) {
			const char *rest = p + 3;

			while (*rest == ' ' || *rest == '\r')
				rest++;
			if (*rest == '\n' || !*rest) {
				*fmlen = (size_t)(p - *fm);
				return (size_t)(rest - text) + (*rest == '\n');
			}
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	*fm = NULL;
	return 0;
}

static size_t lines_in(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += s[i] == '\n';
	return k;
}

struct incident *postmortem_parse_markdown(const char *name, const char *buf, size_t len,
					   struct strbuf *err)
{
	struct md_state st = { .last = SIZE_MAX };
	struct incident *in = NULL;
	struct ynode **docs = NULL;
	size_t ndocs = 0, skip, fmlen = 0;
	const char *fm;
	char *text = NULL;

	if (len > MAX_DOC_BYTES) {
		strbuf_addf(err, "%s: larger than %u bytes; skipped\n", name, MAX_DOC_BYTES);
		return NULL;
	}
	if (memchr(buf, 0, len)) {
		strbuf_addf(err, "%s: binary (holds NUL bytes), not a postmortem; skipped\n", name);
		return NULL;
	}
	if (!utf8_check(name, buf, len, err)) {
		strbuf_truncate(err, err->len - 1);
		strbuf_addstr(err, "; skipped\n");
		return NULL;
	}
	text = mojibake_repair(buf, len);
	skip = front_matter(text, &fm, &fmlen);
	if (fm && ytree_parse(name, fm, fmlen, 1, &docs, &ndocs, err) < 0)
		goto fail;
	in = xcalloc(1, sizeof(*in));
	in->source = xstrdup(name);
	in->duration_s = -1;
	in->impact_pct = -1;
	if (ndocs && docs[0]->kind == YN_MAP && front_matter_apply(in, name, docs[0], err) < 0)
		goto fail;
	if (ndocs && docs[0]->kind != YN_MAP && docs[0]->kind != YN_NULL) {
		strbuf_addf(err, "%s:2:1: front matter must be a mapping\n", name);
		goto fail;
	}
	st.in = in;
	st.title_score = -1;
	st.group_indent = -1;
	st.group_status = -1;
	st.l = md_lines(text + skip, 1 + lines_in(text, skip), &st.n);
	for (size_t i = 0; i < st.n; i++) {
		switch (st.l[i].kind) {
		case LK_HEADING:
			on_heading(&st, i);
			break;
		case LK_ITEM:
			on_item(&st, &i);
			break;
		case LK_TABLE:
			on_table(&st, &i);
			break;
		case LK_TEXT:
			on_text(&st, i);
			break;
		case LK_HR:
		case LK_BLANK:
			/* a field's value ends at the first blank line after it */
			if (st.pending && st.pending_value.len)
				pending_flush(&st);
			break;
		}
	}
	pending_flush(&st);
	fill_incident(&st);
	incident_finish(in);
	goto out;
fail:
	incident_free(in);
	in = NULL;
out:
	for (size_t i = 0; i < ndocs; i++)
		ynode_free(docs[i]);
	free(docs);
	for (size_t i = 0; i < st.nf; i++) {
		free(st.f[i].key);
		free(st.f[i].value);
	}
	free(st.f);
	for (size_t i = 0; i < st.nintro; i++)
		free(st.intro[i]);
	free(st.intro);
	for (size_t i = 0; i < st.nintro_lines; i++)
		free(st.intro_lines[i]);
	free(st.intro_lines);
	free(st.title);
	free(st.first_heading);
	free(st.title_anchor);
	free(st.detected);
	md_lines_free(st.l, st.n);
	free(text);
	return in;
}
