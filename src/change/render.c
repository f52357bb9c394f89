// SPDX-License-Identifier: GPL-2.0-or-later
/* Changes as text for people and as JSON for programs (docs/report.md). */
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
