/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What one rule's expressions (reach_rule.c) and its set lookups (reach_lookup.c) share. */
#ifndef FWAUDIT_EVAL_REACH_LOOKUP_H
#define FWAUDIT_EVAL_REACH_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ivs.h"
#include "reach_state.h"

struct rule_run;
struct set;
struct value_group;

/*
 * enum xres - how an expression left a state: it goes on (X_OK), it broke
 * or went on in states split off (X_BREAK), it wants splitting on ct state
 * first (X_SPLIT), or it cannot be evaluated (X_UNCERTAIN, with a reason).
 */
enum xres { X_OK, X_BREAK, X_SPLIT, X_UNCERTAIN };

/* Which load (if exactly one, covering [off, off+n)) the bytes hold. */
enum region { RG_CONCRETE, RG_LOAD, RG_OTHER };

/*
 * ---- the registers of a state (reach_rule.c) ----
 * set_concrete() and region_of() run for nearly every expression of every
 * rule: inline, as they were while one file held them and their callers.
 */

/* set_concrete() - write the @len bytes @v at register offset @off: a known value. */
static inline void set_concrete(struct sstate *s, int off, const void *v, uint32_t len)
{
	uint32_t full = (len + 3) & ~3u;

	memset(s->regs + off, 0, full);
	memcpy(s->regs + off, v, len);
	memset(s->tag + off, 0, full);
}

/**
 * region_of() - what the @n register bytes at @off hold: a known value, one
 *	load (its place in *@l) or anything else.
 */
static inline enum region region_of(const struct sstate *s, int off, uint32_t n,
				    const struct symload **l)
{
	uint8_t t = s->tag[off];

	for (uint32_t i = 1; i < n; i++)
		if (s->tag[off + i] != t)
			return RG_OTHER;
	if (t == 0)
		return RG_CONCRETE;
	if (t == TAG_UNKNOWN)
		return RG_OTHER;
	*l = &s->loads[t - 1];
	return (*l)->cur == off ? RG_LOAD : RG_OTHER;
}

/**
 * load_is_prefix() - load @l, @n bytes long, is the top of a big-endian
 *	field masked by a prefix: true, with the shift and mask that say so.
 */
bool load_is_prefix(const struct reach_ctx *c, const struct symload *l, uint32_t n, uint32_t *shift,
		    u128 *mask);
/**
 * seg_values() - the values of @l's field (within @s's cube) whose loaded
 *	bytes, @n long, lie in [@lo, @hi] by memcmp, into @out (the caller's).
 *	Returns false when they cannot be worked out (too many to enumerate).
 */
bool seg_values(const struct reach_ctx *c, const struct sstate *s, const struct symload *l,
		const uint8_t *lo, const uint8_t *hi, uint32_t n, struct ivs *out);
/**
 * push_mid() - take @s, split off in @rr's rule: it resumes at expression
 *	@expr once the state it came from is done (an empty one is freed).
 */
void push_mid(struct rule_run *rr, struct sstate *s, uint32_t expr);

/* ---- lookups (reach_lookup.c) ---- */

/**
 * lookup_groups() - the values of @l's field in @s, partitioned by the
 *	element of @set they find (by its data, for a @map).
 *
 * Sets *@groups (*@ngroups of them; free with groups_free()). Returns false
 * when it cannot (too many values to enumerate, or a key too long).
 */
bool lookup_groups(const struct reach_ctx *c, const struct sstate *s, const struct symload *l,
		   const struct set *set, bool map, struct value_group **groups, size_t *ngroups);
/* groups_free() - free lookup_groups()'s @n groups @g. */
void groups_free(struct value_group *g, size_t n);
/* catchall_of() - @set has a catch-all element. */
bool catchall_of(const struct set *set);
/**
 * lookup_boxes() - split @s on a lookup in @set of the key at register
 *	offset @off that concatenates fields.
 *
 * Each part an element holds goes on at expression @next (with the
 * element's data in @dreg, for a @map); what no element holds breaks (the
 * other way round for @inv). All of @s's class goes to states of its own
 * (pushed on @rr) and X_BREAK is returned; or X_UNCERTAIN with @why when
 * the key or the pieces cannot be followed, @s keeping its class.
 */
enum xres lookup_boxes(struct rule_run *rr, struct sstate *s, uint32_t next, const struct set *set,
		       int off, bool inv, bool map, uint32_t dreg, const char **why);

#endif
