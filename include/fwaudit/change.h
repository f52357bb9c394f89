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
 * @cause: CO_FLOW: "rule handle 12 in inet filter input", or NULL
 * @detail: more lines (a file's unified diff, element lists), or NULL
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

/* "flow", "table", "chain", "policy", "rule", "set", "elements", ... */
const char *change_object_name(enum change_object o);
/* "added", "removed", "changed", "moved" */
const char *change_kind_name(enum change_kind k);

#endif
