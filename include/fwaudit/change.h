/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_CHANGE_H
#define FWAUDIT_CHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ruleset;
struct policy_set;
struct strbuf;

/*
 * What changed between two snapshots: the structure (tables, chains, rules,
 * sets and their elements, objects, flowtables, watched files) and what it
 * means (the verdicts of the flows the policies name and of the ports the
 * host listens on). An analysis of two snapshots, so it needs no kernel.
 */

enum change_kind {
	CHANGE_ADDED,
	CHANGE_REMOVED,
	CHANGE_CHANGED,
	CHANGE_MOVED, /* a rule: same content, new place or new handle */
};

enum change_object {
	CO_FLOW, /* a verdict changed: the semantic change */
	CO_TABLE,
	CO_CHAIN,
	CO_POLICY, /* a base chain's policy flipped */
	CO_RULE,
	CO_SET,
	CO_ELEMENTS,
	CO_OBJECT,
	CO_FLOWTABLE,
	CO_FILE,
};

/**
 * struct change - one difference, in the on-call engineer's words.
 * @where: "inet filter" (table), "inet filter input" (chain, rule, policy),
 *	"inet filter blocklist" (set, elements), the file's path, or the flow
 *	("tcp/443 from any")
 * @old_handle, @new_handle: rules: the handle before and after (0 = none)
 * @before, @after: one line each (a rule, a verdict, a policy), or NULL
 * @cause: CO_FLOW: "rule handle 12 in inet filter input"; CO_ELEMENTS
 *	changed with no event: "packet path or timeouts"; or NULL
 * @detail: more lines (a file's unified diff, element lists), or NULL
 * @elems_added, @elems_removed: CO_ELEMENTS told by the watcher: how many
 *	elements an event added or removed, or the packet path did (0: not
 *	counted)
 * All strings are owned by the change.
 */
struct change {
	enum change_object object;
	enum change_kind kind;
	char *where;
	uint64_t old_handle, new_handle;
	char *before, *after;
	char *cause;
	char *detail;
	uint32_t elems_added, elems_removed;
};

struct changes {
	struct change *v;
	size_t n, cap;
};

void changes_release(struct changes *c);
/* Move @src's changes to the end of @dst; @src is left empty. */
void changes_append(struct changes *dst, struct changes *src);
/* Append a zeroed change taking ownership of @where; valid until the next add. */
struct change *changes_add(struct changes *c, enum change_object o, enum change_kind k,
			   char *where);

/*
 * Append the structural differences from @base to @now to @out. Rules are
 * matched by content first, then by handle, so a rule deleted and added
 * again is MOVED, and handles renumbered by a reload go unreported; a rule
 * whose handle stayed but whose content changed (nft replace) is CHANGED.
 * Counter values and expiry times are not differences. @handles: the two
 * come from the same kernel, so equal handles name the same rule (false for
 * a candidate loaded elsewhere: then only content and order count).
 */
void ruleset_changes(const struct ruleset *base, const struct ruleset *now, bool handles,
		     struct changes *out);

/*
 * Append the verdict changes from @base to @now of the flows @ps expects
 * and of new TCP connections from outside to every port either snapshot
 * listens on. @ps may be NULL.
 */
void flow_changes(const struct ruleset *base, const struct ruleset *now,
		  const struct policy_set *ps, struct changes *out);

/* Render as text (one line per change, details indented) or as a JSON array. */
void changes_render_text(const struct changes *c, struct strbuf *out);
void changes_render_json(const struct changes *c, struct strbuf *out);
/* One change as a JSON object, on one line. */
void change_json(const struct change *ch, struct strbuf *out);

/**
 * enum change_style - how a change is told.
 * @CHANGE_STYLE_DIFF: as a difference between two snapshots (scan, diff,
 *	gate): "  + rule inet filter input handle 5: drop"; JSON
 *	{"object", "kind", "where", "new_handle", "after", ...}
 * @CHANGE_STYLE_EVENT: as an event the kernel announced, in the words
 *	fwaudit watch's alerts have always used: "  added rule inet filter
 *	input handle 5: drop", "  removed elements of inet filter s: 2";
 *	JSON {"kind", "object", "where", "handle", "rule", "count"}, and for
 *	elements the packet path changed {..., "by", "added", "removed"}
 */
enum change_style {
	CHANGE_STYLE_DIFF,
	CHANGE_STYLE_EVENT,
};

/* One change in @style: a line of text (and its details), or a JSON object on one line. */
void change_render_text(const struct change *c, enum change_style style, struct strbuf *out);
void change_render_json(const struct change *c, enum change_style style, struct strbuf *out);

/* ---- what the watcher's events changed (narrate.c) ---- */

struct nl_applied;
struct set;
struct table;

/**
 * struct change_narration - the events since the watcher's last alert, told.
 * @changes: CHANGE_STYLE_EVENT records, in the order things happened
 * @max_listed: how many of the kernel's events get a record (0: all); the
 *	sets the follower read again always do
 * @listed: events with a record; @not_listed: events past @max_listed
 * @rules_added, @rules_removed: rule events, listed or not
 *
 * Zero-initialise (set @max_listed); change_narration_reset() frees it.
 */
struct change_narration {
	struct changes changes;
	unsigned max_listed, listed, not_listed;
	unsigned rules_added, rules_removed;
};

/*
 * Tell one event of a transaction as the follower applied it (nl.h), while
 * the model is as the event left it: a removed rule is rendered with the
 * sets it used, before a later event of its transaction deletes them.
 * Anonymous sets and their elements are not told: they come and go with
 * their rules.
 */
void change_narrate_applied(struct change_narration *n, const struct nl_applied *a);
/* Tell that set @s of table @t, read again, had +@added -@removed elements
 * that no event announced (the packet path or timeouts). */
void change_narrate_set(struct change_narration *n, const struct table *t, const struct set *s,
			unsigned added, unsigned removed);
/* Free the records and zero the counts (@max_listed stays). */
void change_narration_reset(struct change_narration *n);

/* "flow", "table", "chain", "policy", "rule", "set", "elements", ... */
const char *change_object_name(enum change_object o);
/* "added", "removed", "changed", "moved" */
const char *change_kind_name(enum change_kind k);

#endif
