/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The set cache (sets.c): a ruleset's sets indexed for lookups as the
 * kernel's backends answer them, the values of a field that find each
 * element, and the slots where other work derived from the ruleset is kept
 * as long as the indexes are.
 */
#ifndef FWAUDIT_EVAL_SETS_H
#define FWAUDIT_EVAL_SETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ivs.h"

struct ruleset;
struct chain;
struct set;
struct elem;

struct set_cache;
/* @rs's sets indexed for lookups, built as they are first looked up and
 * kept with @rs until ruleset_changed(). */
struct set_cache *set_cache_of(const struct ruleset *rs);
/* A cache kept by its caller (another thread's), freed with set_cache_free(). */
struct set_cache *set_cache_new(void);
void set_cache_free(void *sc);
/*
 * Look @key (set->key_len bytes) up in @s as the kernel's set backends do:
 * exact, interval (rbtree start/end elements) or per-field ranges
 * (pipapo), then the catch-all element. Returns the element or NULL.
 */
const struct elem *set_lookup(struct set_cache *sc, const struct set *s, const uint8_t *key);
/*
 * Sort elements by key (@key_len bytes); at equal keys an interval end comes
 * first, so the start element that follows it wins a lookup (rbtree order).
 */
void elems_sort(const struct elem **v, uint32_t n, uint32_t key_len);
/*
 * @s's elements but the catch-all, in elems_sort() order, sorted once and
 * kept by @sc; the catch-all element (or NULL) in *@catchall.
 */
const struct elem *const *set_sorted(struct set_cache *sc, const struct set *s, uint32_t *n,
				     const struct elem **catchall);
/* The set a lookup/dynset in @c's table names, or NULL. */
struct set *set_by_name(const struct chain *c, const char *name);
/* Byte length of concatenated field @i of @s in a register (padded to 4). */
uint32_t set_field_reglen(const struct set *s, uint32_t i);

/* The @n bytes at @b as a big-endian number. */
u128 be_value(const uint8_t *b, uint32_t n);

/*
 * The values v of a field for which (v >> @shift) & @mask, @n bytes
 * big-endian with @mask a prefix, lies in [@a, @b]: one interval, in
 * [*@lo, *@hi]. Returns false when there are none.
 */
bool prefix_values(uint32_t n, uint32_t shift, u128 mask, u128 a, u128 b, u128 *lo, u128 *hi);

/*
 * The last key element @k of @sorted (set_sorted() order, @ns of them)
 * covers, into @hi (key_len bytes): its own key, its key_end, or up to the
 * next rbtree element. Returns false for an interval end element.
 */
bool elem_key_end(const struct set *set, const struct elem *const *sorted, uint32_t ns, uint32_t k,
		  uint8_t *hi);

/*
 * struct value_groups - the values of a field whose key bytes (the prefix
 * load by @shift and @mask) find an element of a set, grouped by element
 * (by data for a map) in key order, over the whole field; @all is their
 * union, @catchall the catch-all element. Built once per set and shape.
 */
struct value_group {
	const struct elem *el;
	struct ivs vals;
};

struct value_groups {
	uint32_t shift;
	u128 mask;
	bool map;
	struct value_group *g;
	size_t ng;
	struct ivs all;
	const struct elem *catchall;
	struct value_groups *next;
};

/* Two map elements map to the same data or verdict. */
bool elem_same_data(const struct elem *a, const struct elem *b);

/*
 * The group of @g (@ng of them) that @el belongs to: the one group of a
 * set, or for a map the one with @el's data; added when there is none.
 */
struct value_group *value_group_for(struct value_group **g, size_t *ng, const struct elem *el,
				    bool map);
/* Add @vals to @el's group (value_group_for()) and to @all, unsorted. */
void value_group_add(struct value_group **g, size_t *ng, const struct elem *el, bool map,
		     const struct ivs *vals, struct ivs *all);

/*
 * The value groups of @s for a load of this shape (@shift, @mask) and
 * lookup (@map), built the first time and kept by @sc.
 */
const struct value_groups *set_value_groups(struct set_cache *sc, const struct set *s,
					    uint32_t shift, u128 mask, bool map);

/*
 * enum set_cache_tenant - what else a set cache keeps: work derived from
 * the ruleset that lasts, like the set indexes, as long as the ruleset does
 * not change. Each owner fills its slot (set_cache_slot()) the first time.
 */
enum set_cache_tenant {
	SC_GUARDS,  /* rule guards, keyed by rule: never by a named set's content (guards.c) */
	SC_IFNAMES, /* the interface names the rules tell apart (flow.c) */
	SC_MEMOS,   /* chain analyses (shadow.c) */
	SC__TENANTS
};

/**
 * struct set_cache_slot - one tenant's place in a set cache.
 * @p: the tenant's data, owned by the cache once set; NULL until its owner fills it
 * @free: frees @p with the cache (set_cache_free()), or NULL
 * @changed: told that rules came or went (@sets false), or that a set's
 *	elements changed (@sets true); NULL when it need not know
 */
struct set_cache_slot {
	void *p;
	void (*free)(void *p);
	void (*changed)(void *p, bool sets);
};

/* @t's slot in @sc (never NULL; lives as long as @sc). */
struct set_cache_slot *set_cache_slot(struct set_cache *sc, enum set_cache_tenant t);
/* How many times a set's elements changed since @sc was made: what was
 * read from named sets holds while it stays the same. */
uint32_t set_cache_epoch(struct set_cache *sc);

#endif
