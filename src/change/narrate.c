// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the watcher's events changed, as change records: the same records
 * scan and diff make, told in CHANGE_STYLE_EVENT (render.c). An event is
 * told as it is applied, so a rule it removed renders with the model as it
 * was then.
 */
#include <stdlib.h>
#include <string.h>

#include "fwaudit/change.h"
#include "fwaudit/model.h"
#include "fwaudit/nl.h"
#include "fwaudit/util.h"

/* "inet filter", or "?" for an event whose table the model did not have */
static void table_label(const struct table *t, struct strbuf *out)
{
	if (t)
		strbuf_addf(out, "%s %s", family_name(t->family), t->name);
	else
		strbuf_addstr(out, "?");
}

/* The follower's "table", "chain", ... as the change's object. */
static bool object_of(const char *name, enum change_object *o)
{
	for (enum change_object k = CO_TABLE; k <= CO_FLOWTABLE; k++)
		if (!strcmp(change_object_name(k), name)) {
			*o = k;
			return true;
		}
	return false;
}

void change_narrate_applied(struct change_narration *n, const struct nl_applied *a)
{
	struct strbuf where = STRBUF_INIT;
	enum change_object o;
	struct change *c;

	if (!a->object || !object_of(a->object, &o))
		return;
	if (o == CO_RULE)
		a->removed ? n->rules_removed++ : n->rules_added++;
	if ((o == CO_SET || o == CO_ELEMENTS) && a->name && !strncmp(a->name, "__", 2))
		return; /* anonymous sets come and go with their rules */
	if (n->max_listed && n->listed >= n->max_listed) {
		n->not_listed++;
		return;
	}
	n->listed++;
	table_label(a->table, &where);
	if (a->chain)
		strbuf_addf(&where, " %s", a->chain->name);
	else if (a->name)
		strbuf_addf(&where, " %s", a->name);
	c = changes_add(&n->changes, o, a->removed ? CHANGE_REMOVED : CHANGE_ADDED,
			strbuf_detach(&where));
	if (a->rule) {
		struct render_opts ro = { 0 };
		struct strbuf what = STRBUF_INIT;

		rule_render(a->rule, &ro, &what);
		if (a->removed) {
			c->old_handle = a->rule->handle;
			c->before = strbuf_detach(&what);
		} else {
			c->new_handle = a->rule->handle;
			c->after = strbuf_detach(&what);
		}
	}
	if (a->removed)
		c->elems_removed = a->count;
	else
		c->elems_added = a->count;
}

void change_narrate_set(struct change_narration *n, const struct table *t, const struct set *s,
			unsigned added, unsigned removed)
{
	struct strbuf where = STRBUF_INIT;
	struct change *c;

	table_label(t, &where);
	strbuf_addf(&where, " %s", s->name);
	c = changes_add(&n->changes, CO_ELEMENTS, CHANGE_CHANGED, strbuf_detach(&where));
	c->cause = xstrdup("packet path or timeouts");
	c->elems_added = added;
	c->elems_removed = removed;
}

void change_narration_reset(struct change_narration *n)
{
	unsigned max = n->max_listed;

	changes_release(&n->changes);
	memset(n, 0, sizeof(*n));
	n->max_listed = max;
}
