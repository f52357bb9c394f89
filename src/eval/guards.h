/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rule guards and their indexes (guards.c). */
#ifndef FWAUDIT_EVAL_GUARDS_H
#define FWAUDIT_EVAL_GUARDS_H

#include <stdbool.h>
#include <stdint.h>

struct ruleset;
struct set_cache;
struct reach_ctx;
struct sstate;
struct guard_run;
struct guard_table;

/* Rule guards are used (tests turn them off to compare the answers). */
extern bool reach_use_guards;

/**
 * guard_table_of() - the rule guards of @sc's ruleset, made the first time
 *	and owned by @sc (its SC_GUARDS tenant).
 */
struct guard_table *guard_table_of(struct set_cache *sc);
/**
 * guards_new_call() - a reach_flow() call begins on @sc's ruleset: returns
 *	its number, by which a chain's passes are counted (a chain's guards are
 *	laid out at its second pass).
 */
uint64_t guards_new_call(struct set_cache *sc);
/**
 * pass_over() - pass @s over the rules of its chain it cannot match.
 *
 * Returns true when @s stands before a rule to run. Otherwise @s is taken:
 * queued for its chain's end (enqueue()) or, in chain mode at a probed
 * rule it passed over, freed.
 */
bool pass_over(struct reach_ctx *c, struct sstate *s);
/**
 * guard_capture() - @s, at the end of the rule in a guard's run
 *	(@c->capture), adds its values to what matched; frees @s.
 */
void guard_capture(struct guard_run *g, struct sstate *s);
/* guards_built() - some chain at @hook has rule guards for @family in @rs's set cache. */
bool guards_built(const struct ruleset *rs, uint32_t hook, uint8_t family);
/**
 * guards_copy() - @src's rule guards copied into the empty @dst (a fork's),
 *	owned by @dst; chains lay theirs out again from them.
 */
void guards_copy(struct guard_table *dst, const struct guard_table *src);

#endif
