// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An incident and its action items: stable ids, content hashes, the
 * one-line summary and the JSON every report shares. The readers
 * (markdown.c, yaml.c) fill it; index.c collects and links them.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fwaudit/files.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/util.h"
#include "pm_internal.h"

const char *action_status_name(enum action_status s)
{
	return s == ACTION_DONE ? "done" : "open";
}

struct action_item *incident_add_item(struct incident *in, unsigned line)
{
	struct action_item *it;

	GROW(in->items, in->nitems, in->items_cap);
	it = &in->items[in->nitems++];
	memset(it, 0, sizeof(*it));
	it->line = line;
	return it;
}

void incident_warn(struct incident *in, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	in->warnings = xrealloc(in->warnings, (in->nwarnings + 1) * sizeof(*in->warnings));
	in->warnings[in->nwarnings++] = strbuf_detach(&sb);
}

char *slugify(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	bool dash = false;

	for (; *s; s++) {
		if (isalnum((unsigned char)*s) && !((unsigned char)*s & 0x80)) {
			if (dash && sb.len)
				strbuf_addch(&sb, '-');
			strbuf_addch(&sb, (char)tolower((unsigned char)*s));
			dash = false;
		} else {
			dash = true;
		}
	}
	return strbuf_detach(&sb);
}

char *text_normalise(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	bool space = false;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c >= 0x80) {
			if (space && sb.len)
				strbuf_addch(&sb, ' ');
			strbuf_addch(&sb, (char)tolower(c));
			space = false;
		} else {
			space = true;
		}
	}
	return strbuf_detach(&sb);
}

void duration_format(long s, struct strbuf *out)
{
	long d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;

	if (d)
		strbuf_addf(out, "%ldd", d);
	if (h)
		strbuf_addf(out, "%ldh", h);
	if (m || (!d && !h))
		strbuf_addf(out, "%ldm", m);
}

/*
 * "2023-11-08" and "Postmortem: Website Outage on November 8, 2023" ->
 * "2023-11-08-website-outage": the words every postmortem title shares and
 * the date already in front are left out.
 */
static char *incident_slug(const char *date, const char *title)
{
	static const char *const common[] = { "postmortem", "post", "mortem", "0x19", NULL };
	static const char *const dangling[] = { "on",	"of",  "the", "at", "in",
						"from", "for", "-",   NULL };
	static const char *const months[] = { "january",   "february", "march",	   "april",
					      "may",	   "june",     "july",	   "august",
					      "september", "october",  "november", "december" };
	char *slug = slugify(title), *tok, *save = NULL;
	struct strbuf sb = STRBUF_INIT;
	char year[5] = "", month[10] = "", day[3] = "", mm[3] = "", dd[3] = "";
	size_t keep = 0;

	if (date && strlen(date) == 10) {
		int m = atoi(date + 5);

		memcpy(year, date, 4);
		if (m >= 1 && m <= 12)
			snprintf(month, sizeof(month), "%s", months[m - 1]);
		snprintf(day, sizeof(day), "%d", atoi(date + 8));
		memcpy(mm, date + 5, 2);
		memcpy(dd, date + 8, 2);
	}
	if (date)
		strbuf_addstr(&sb, date);
	for (tok = strtok_r(slug, "-", &save); tok; tok = strtok_r(NULL, "-", &save)) {
		bool drop = false;

		for (size_t i = 0; common[i]; i++)
			drop |= !strcmp(tok, common[i]);
		if (*year &&
		    (!strcmp(tok, year) || !strcmp(tok, mm) || !strcmp(tok, dd) ||
		     (strlen(tok) >= 3 && !strncmp(tok, month, strlen(tok))) || !strcmp(tok, day) ||
		     (!strncmp(tok, day, strlen(day)) &&
		      (!strcmp(tok + strlen(day), "st") || !strcmp(tok + strlen(day), "nd") ||
		       !strcmp(tok + strlen(day), "rd") || !strcmp(tok + strlen(day), "th")))))
			drop = true;
		if (drop)
			continue;
		if (sb.len)
			strbuf_addch(&sb, '-');
		strbuf_addstr(&sb, tok);
		/* the last word that is not a dangling preposition */
		drop = false;
		for (size_t i = 0; dangling[i]; i++)
			drop |= !strcmp(tok, dangling[i]);
		if (!drop)
			keep = sb.len;
		if (sb.len > 64)
			break;
	}
	free(slug);
	if (keep < sb.len && keep >= (date ? 10u : 0u))
		strbuf_truncate(&sb, keep);
	if (!sb.len || (date && sb.len == 10))
		strbuf_addstr(&sb, sb.len ? "-postmortem" : "postmortem");
	return strbuf_detach(&sb);
}

static int item_id_cmp(const void *a, const void *b)
{
	const struct action_item *x = *(const struct action_item *const *)a;
	const struct action_item *y = *(const struct action_item *const *)b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

void incident_finish(struct incident *in)
{
	long stated = -1, span = -1;

	if (in->when_raw && !in->start) {
		when_parse_range(in->when_raw, in->date, &in->start, &in->end, &span);
		if (span >= 0)
			in->duration_s = span;
	}
	if (in->start && in->end && in->duration_s < 0 && span < 0) {
		long a = when_iso_seconds(in->start), b = when_iso_seconds(in->end);

		if (a >= 0 && b > a)
			in->duration_s = span = b - a;
	}
	if (in->duration_stated) {
		char *phrase = NULL;

		stated = when_stated_duration(in->duration_stated, &phrase);
		free(phrase);
	}
	if (span >= 0 && stated > 0 && (span > stated * 5 / 4 || span < stated * 3 / 4)) {
		struct strbuf a = STRBUF_INIT;

		duration_format(span, &a);
		incident_warn(in,
			      "the times given span %s but the document also says '%s'; the "
			      "duration is taken from the times",
			      a.buf, in->duration_stated);
		strbuf_release(&a);
	}
	if (in->duration_s < 0 && stated >= 0)
		in->duration_s = stated;
	if (!in->date && in->start)
		in->date = xstrndup(in->start, 10);
	if (!in->id)
		in->id = incident_slug(in->date, in->title);
	for (size_t i = 0; i < in->nitems; i++) {
		struct action_item *it = &in->items[i];
		char hex[65], *norm = text_normalise(it->text);
		char *id;

		sha256_hex(norm, strlen(norm), hex);
		memcpy(it->hash, hex, 12);
		it->hash[12] = 0;
		free(norm);
		if (it->id && strchr(it->id, '#'))
			id = xstrdup(it->id);
		else if (it->id)
			id = xasprintf("%s#%s", in->id, it->id);
		else
			id = xasprintf("%s#%zu", in->id, i + 1);
		free(it->id);
		it->id = id;
		it->incident = in;
	}
	/* a named item may take an id another item has: sorted, so a
	 * document with many items stays n log n */
	if (in->nitems > 1) {
		const struct action_item **by = xmalloc(in->nitems * sizeof(*by));

		for (size_t i = 0; i < in->nitems; i++)
			by[i] = &in->items[i];
		qsort(by, in->nitems, sizeof(*by), item_id_cmp);
		for (size_t i = 1; i < in->nitems; i++)
			if (!strcmp(by[i - 1]->id, by[i]->id))
				incident_warn(in,
					      "two action items have the id %s (lines %u and %u)",
					      by[i]->id, by[i - 1]->line, by[i]->line);
		free(by);
	}
}

static void item_release(struct action_item *it)
{
	free(it->id);
	free(it->text);
	free(it->group);
	free(it->type);
	free(it->owner);
	for (size_t i = 0; i < it->nrefs; i++)
		free(it->refs[i]);
	free(it->refs);
}

void incident_free(struct incident *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->nitems; i++)
		item_release(&in->items[i]);
	free(in->items);
	for (size_t i = 0; i < in->nwarnings; i++)
		free(in->warnings[i]);
	free(in->warnings);
	free(in->id);
	free(in->source);
	free(in->title);
	free(in->date);
	free(in->start);
	free(in->end);
	free(in->when_raw);
	free(in->duration_stated);
	free(in->impact);
	free(in->root_cause);
	free(in->detection);
	free(in);
}

/* ---- rendering ---- */

void incident_summary(const struct incident *in, struct strbuf *out)
{
	bool any = false;

	strbuf_addstr(out, in->title);
	if (in->date) {
		strbuf_addf(out, " (%s", in->date);
		any = true;
	}
	if (in->duration_s >= 0) {
		strbuf_addstr(out, any ? ", " : " (");
		duration_format(in->duration_s, out);
		any = true;
	}
	if (in->impact_pct >= 0) {
		strbuf_addf(out, "%s%g%% of users", any ? ", " : " (", in->impact_pct);
		any = true;
	}
	if (any)
		strbuf_addch(out, ')');
}

static void json_key_str(struct strbuf *out, const char *key, const char *value)
{
	strbuf_addf(out, ",\"%s\":", key);
	if (value)
		strbuf_addjson_text(out, value);
	else
		strbuf_addstr(out, "null");
}

void action_item_json(const struct action_item *it, struct strbuf *out)
{
	strbuf_addstr(out, "{\"id\":");
	strbuf_addjson_text(out, it->id);
	json_key_str(out, "hash", it->hash);
	json_key_str(out, "text", it->text);
	json_key_str(out, "group", it->group);
	json_key_str(out, "type", it->type);
	json_key_str(out, "owner", it->owner);
	json_key_str(out, "status", action_status_name(it->status));
	strbuf_addstr(out, ",\"refs\":[");
	for (size_t i = 0; i < it->nrefs; i++) {
		if (i)
			strbuf_addch(out, ',');
		strbuf_addjson_text(out, it->refs[i]);
	}
	strbuf_addf(out, "],\"line\":%u}", it->line);
}

void incident_json(const struct incident *in, bool items, struct strbuf *out)
{
	strbuf_addstr(out, "{\"id\":");
	strbuf_addjson_text(out, in->id);
	json_key_str(out, "source", in->source);
	json_key_str(out, "title", in->title);
	json_key_str(out, "date", in->date);
	json_key_str(out, "start", in->start);
	json_key_str(out, "end", in->end);
	json_key_str(out, "when", in->when_raw);
	if (in->duration_s >= 0) {
		struct strbuf d = STRBUF_INIT;

		duration_format(in->duration_s, &d);
		json_key_str(out, "duration", d.buf);
		strbuf_addf(out, ",\"duration_seconds\":%ld", in->duration_s);
		strbuf_release(&d);
	} else {
		strbuf_addstr(out, ",\"duration\":null,\"duration_seconds\":null");
	}
	json_key_str(out, "duration_stated", in->duration_stated);
	json_key_str(out, "impact", in->impact);
	if (in->impact_pct >= 0)
		strbuf_addf(out, ",\"impact_percent\":%g", in->impact_pct);
	else
		strbuf_addstr(out, ",\"impact_percent\":null");
	json_key_str(out, "root_cause", in->root_cause);
	json_key_str(out, "detection", in->detection);
	strbuf_addstr(out, ",\"warnings\":[");
	for (size_t i = 0; i < in->nwarnings; i++) {
		if (i)
			strbuf_addch(out, ',');
		strbuf_addjson_text(out, in->warnings[i]);
	}
	strbuf_addch(out, ']');
	if (items) {
		strbuf_addstr(out, ",\"action_items\":[");
		for (size_t i = 0; i < in->nitems; i++) {
			if (i)
				strbuf_addch(out, ',');
			action_item_json(&in->items[i], out);
		}
		strbuf_addch(out, ']');
	}
	strbuf_addch(out, '}');
}
