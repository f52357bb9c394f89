// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Changes as text for people and as JSON for programs (docs/report.md), in
 * two styles: as the difference of two snapshots (scan, diff, gate) and as
 * the events the watcher followed, in the words of its alerts.
 */
#include <string.h>

#include "fwaudit/change.h"
#include "fwaudit/util.h"

static char sign_of(const struct change *c)
{
	if (c->object == CO_FLOW)
		return '!';
	switch (c->kind) {
	case CHANGE_ADDED:
		return '+';
	case CHANGE_REMOVED:
		return '-';
	case CHANGE_MOVED:
		return '>';
	default:
		return '~';
	}
}

static void render_one(const struct change *c, struct strbuf *out)
{
	strbuf_addf(out, "  %c ", sign_of(c));
	switch (c->object) {
	case CO_FLOW:
		strbuf_addf(out, "%s: %s -> %s", c->where, c->before, c->after);
		if (c->cause)
			strbuf_addf(out, ", caused by %s", c->cause);
		break;
	case CO_POLICY:
		strbuf_addf(out, "policy of %s: %s -> %s", c->where, c->before, c->after);
		break;
	case CO_RULE:
		strbuf_addf(out, "rule %s ", c->where);
		if (c->kind == CHANGE_REMOVED)
			strbuf_addf(out, "handle %llu: %s", (unsigned long long)c->old_handle,
				    c->before);
		else if (c->kind == CHANGE_ADDED)
			strbuf_addf(out, "handle %llu: %s", (unsigned long long)c->new_handle,
				    c->after);
		else if (c->kind == CHANGE_MOVED && c->old_handle != c->new_handle)
			strbuf_addf(out, "handle %llu -> %llu (moved): %s",
				    (unsigned long long)c->old_handle,
				    (unsigned long long)c->new_handle, c->after);
		else if (c->kind == CHANGE_MOVED)
			strbuf_addf(out, "handle %llu (moved): %s",
				    (unsigned long long)c->new_handle, c->after);
		else
			strbuf_addf(out, "handle %llu: %s\n      -> %s",
				    (unsigned long long)c->new_handle, c->before, c->after);
		if (c->detail)
			strbuf_addf(out, " (%s)", c->detail);
		strbuf_addch(out, '\n');
		return;
	default:
		strbuf_addf(out, "%s %s %s", change_object_name(c->object), c->where,
			    change_kind_name(c->kind));
		if (c->before && c->after)
			strbuf_addf(out, ": %s -> %s", c->before, c->after);
		else if (c->before || c->after)
			strbuf_addf(out, " (%s)", c->before ? c->before : c->after);
		strbuf_addch(out, '\n');
		if (c->detail)
			strbuf_add_indented(out, c->detail, "      ");
		return;
	}
	strbuf_addch(out, '\n');
}

void changes_render_text(const struct changes *c, struct strbuf *out)
{
	/* what it means first, then what was edited */
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].object == CO_FLOW)
			render_one(&c->v[i], out);
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].object != CO_FLOW)
			render_one(&c->v[i], out);
}

static void kstr(struct strbuf *out, const char *key, const char *v)
{
	if (!v)
		return;
	strbuf_addf(out, ", \"%s\": ", key);
	strbuf_addjson_text(out, v);
}

void change_json(const struct change *ch, struct strbuf *out)
{
	strbuf_addf(out, "{\"object\": \"%s\", \"kind\": \"%s\"", change_object_name(ch->object),
		    change_kind_name(ch->kind));
	kstr(out, "where", ch->where);
	if (ch->old_handle)
		strbuf_addf(out, ", \"old_handle\": %llu", (unsigned long long)ch->old_handle);
	if (ch->new_handle)
		strbuf_addf(out, ", \"new_handle\": %llu", (unsigned long long)ch->new_handle);
	kstr(out, "before", ch->before);
	kstr(out, "after", ch->after);
	kstr(out, "cause", ch->cause);
	kstr(out, "detail", ch->detail);
	strbuf_addch(out, '}');
}

void changes_render_json(const struct changes *c, struct strbuf *out)
{
	strbuf_addch(out, '[');
	for (size_t i = 0; i < c->n; i++) {
		strbuf_addstr(out, i ? ",\n    " : "\n    ");
		change_json(&c->v[i], out);
	}
	strbuf_addstr(out, c->n ? "\n  ]" : "]");
}

/* "elements of" reads better before a set's name. */
static const char *event_object(const struct change *c)
{
	return c->object == CO_ELEMENTS ? "elements of" : change_object_name(c->object);
}

/* The rule an event added or removed, with its handle then, or NULL. */
static const char *event_rule(const struct change *c, uint64_t *handle)
{
	if (c->object != CO_RULE)
		return NULL;
	*handle = c->kind == CHANGE_REMOVED ? c->old_handle : c->new_handle;
	return c->kind == CHANGE_REMOVED ? c->before : c->after;
}

static uint32_t event_count(const struct change *c)
{
	return c->kind == CHANGE_REMOVED ? c->elems_removed : c->elems_added;
}

static void event_text(const struct change *c, struct strbuf *out)
{
	uint64_t handle = 0;
	const char *rule = event_rule(c, &handle);

	if (c->kind == CHANGE_CHANGED) { /* no event said it: the set was read again */
		strbuf_addf(out, "  %s %s changed by the %s: +%u -%u\n", event_object(c), c->where,
			    c->cause, c->elems_added, c->elems_removed);
		return;
	}
	strbuf_addf(out, "  %s %s %s", change_kind_name(c->kind), event_object(c), c->where);
	if (rule)
		strbuf_addf(out, " handle %llu: %s", (unsigned long long)handle, rule);
	if (event_count(c))
		strbuf_addf(out, ": %u", event_count(c));
	strbuf_addch(out, '\n');
}

static void event_json(const struct change *c, struct strbuf *out)
{
	uint64_t handle = 0;
	const char *rule = event_rule(c, &handle);

	strbuf_addf(out,
		    "{\"kind\": \"%s\", \"object\": \"%s\", \"where\": ", change_kind_name(c->kind),
		    change_object_name(c->object));
	strbuf_addjson_text(out, c->where);
	if (c->kind == CHANGE_CHANGED) {
		kstr(out, "by", c->cause);
		strbuf_addf(out, ", \"added\": %u, \"removed\": %u}", c->elems_added,
			    c->elems_removed);
		return;
	}
	if (rule) {
		strbuf_addf(out, ", \"handle\": %llu", (unsigned long long)handle);
		kstr(out, "rule", rule);
	}
	if (event_count(c))
		strbuf_addf(out, ", \"count\": %u", event_count(c));
	strbuf_addch(out, '}');
}

void change_render_text(const struct change *c, enum change_style style, struct strbuf *out)
{
	if (style == CHANGE_STYLE_EVENT)
		event_text(c, out);
	else
		render_one(c, out);
}

void change_render_json(const struct change *c, enum change_style style, struct strbuf *out)
{
	if (style == CHANGE_STYLE_EVENT)
		event_json(c, out);
	else
		change_json(c, out);
}
