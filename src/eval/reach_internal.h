/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_REACH_INTERNAL_H
#define FWAUDIT_REACH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eval_internal.h"

typedef unsigned __int128 u128;
#define U128_MAX (~(u128)0)

/* A closed interval of field values. */
struct iv {
	u128 lo, hi;
};

/* struct ivs - sorted, disjoint, non-adjacent intervals. Zero = empty set. */
struct ivs {
	struct iv *v;
	size_t n, cap;
};

void ivs_add(struct ivs *s, u128 lo, u128 hi); /* append, in ascending order */
void ivs_range(struct ivs *s, u128 lo, u128 hi);
/* Append in any order; ivs_normalize() afterwards. */
void ivs_append(struct ivs *s, u128 lo, u128 hi);
void ivs_release(struct ivs *s);
void ivs_copy(struct ivs *dst, const struct ivs *src);
bool ivs_equal(const struct ivs *a, const struct ivs *b);
/* @a and @b share a value. */
bool ivs_overlaps(const struct ivs *a, const struct ivs *b);
/* @out must not be @a or @b. */
void ivs_intersect(struct ivs *out, const struct ivs *a, const struct ivs *b);
void ivs_subtract(struct ivs *out, const struct ivs *a, const struct ivs *b);
void ivs_union(struct ivs *out, const struct ivs *a, const struct ivs *b);
void ivs_normalize(struct ivs *s);
int ivs_cmp_lo(const void *a, const void *b);
u128 ivs_count(const struct ivs *s, u128 cap);

/* A hash of @s's intervals, equal for equal sets. */
uint64_t ivs_hash(const struct ivs *s);

/* A value mixed well enough to serve as a hash. */
static inline uint64_t hash_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/*
 * struct mindex - a multimap from 64-bit keys to pointers. mindex_add()
 * returns the entry's id (never 0) for mindex_del(); mindex_first() and
 * mindex_next() walk the entries of one key (0 at the end). Zero = empty.
 */
struct mentry {
	uint64_t key;
	void *p;
	uint32_t next;
};

struct mindex {
	uint32_t *head, nb;
	struct mentry *e;
	uint32_t ne, cap, free, live;
};

uint32_t mindex_add(struct mindex *m, uint64_t key, void *p);
void mindex_del(struct mindex *m, uint32_t id);
uint32_t mindex_first(const struct mindex *m, uint64_t key);
uint32_t mindex_next(const struct mindex *m, uint32_t id);
void mindex_release(struct mindex *m);

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

struct set_cache;
/*
 * enum set_cache_tenant - what else a set cache keeps: work derived from
 * the ruleset that lasts, like the set indexes, as long as the ruleset does
 * not change. Each owner fills its slot (set_cache_slot()) the first time.
 */
enum set_cache_tenant {
	SC_GUARDS,  /* reach's rule guards, keyed by rule: never by a named set's content */
	SC_IFNAMES, /* the interface names the rules tell apart */
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
struct chain_cache;
struct set_cache *chain_cache_sets(struct chain_cache *cc);
/* A cache for another thread: the same interface name classes, its own
 * set indexes, guards and memos; the ruleset is only read. */
struct chain_cache *chain_cache_fork(const struct chain_cache *cc);
const struct value_groups *set_value_groups(struct set_cache *sc, const struct set *s,
					    uint32_t shift, u128 mask, bool map);

/* struct cube - a class of packets: the product of one value set per field. */
struct cube {
	struct ivs f[PF__COUNT];
};

void cube_init(struct cube *c);
void cube_copy(struct cube *dst, const struct cube *src);
void cube_release(struct cube *c);
bool cube_empty(const struct cube *c);
bool cube_merge(struct cube *a, const struct cube *b, int *grew);

/*
 * struct decider - what gave a class its verdict: a rule (@rule, in @chain),
 * a base chain's policy (@rule NULL, @chain set), no chain at all (both
 * NULL), or several rules of classes merged on the way (@many).
 */
struct decider {
	const struct rule *rule;
	const struct chain *chain;
	bool many;
};

/* One answer: a class of packets and what happens to it. */
struct rclass {
	uint8_t family;
	struct cube cube;
	enum eval_verdict verdict;
	char *reason;
	struct decider by;
};

struct reach_result {
	char *flow;
	uint32_t hook;
	enum eval_verdict verdict;
	char *reason;
	struct rclass *v;
	size_t n, cap;
	char **ifnames; /* interface name classes, by index */
	size_t nifnames;
	char *assumptions;
	struct cube base[2]; /* the flow's own class, for ip and ip6 */
	bool has_base[2];
};

/*
 * struct chain_run - reach over one chain alone (chain mode): jumps count as
 * returning everything, so only the chain's own verdicts end a class.
 * @chain, @start_rule: where the classes begin
 * @skip_rule: a rule passed over as if deleted, or -1
 * @probe_rule: stop after this rule, keeping the classes that matched it
 *	in @matched and their verdict kinds in @verdicts; or -1
 * @seen: per rule CHAIN_REACHED (a class was run on it; not a rule its
 *	guard passed over) / CHAIN_MATCHED flags, or NULL
 * @budget: rule evaluations allowed (0 = no limit); @gave_up if exceeded
 * @first_unsure: the first rule where a class could not be decided
 *	(chain->nrules if none), with @unsure_why
 * @outcomes: (rule index, verdict code) of each way a class ended; rule
 *	index chain->nrules = fell off the end
 * @jumped_after_skip: a jump after @skip_rule matched some class
 */
#define CHAIN_REACHED	 1
#define CHAIN_MATCHED	 2
#define CHAIN_V_CONTINUE 1
#define CHAIN_V_JUMP	 2
#define CHAIN_V_ACCEPT	 4
#define CHAIN_V_DROP	 8
#define CHAIN_V_OTHER	 16

struct chain_run {
	const struct chain *chain;
	uint8_t family;
	uint32_t hook;
	uint32_t start_rule;
	int64_t skip_rule, probe_rule;
	uint8_t *seen;
	size_t budget, steps;
	bool gave_up, jumped_after_skip;
	uint32_t first_unsure;
	const char *unsure_why;
	struct chain_end {
		uint32_t rule;
		int32_t verdict;
	} * outcomes;
	size_t nout, capout;
	struct cube *matched;
	size_t nmatched, capm;
	unsigned verdicts;
	struct chain_cache *cache; /* the ruleset, its set indexes, interface names */
};

/* Rule guards are used (tests turn them off to compare the answers). */
extern bool reach_use_guards;

/* Run @cr from @start classes (@nstart cubes; NULL = every packet). */
void chain_run(struct chain_run *cr, const struct cube *start, size_t nstart);
/* Forget a run's results (not its cache). */
void chain_run_reset(struct chain_run *cr);
/* Print @c's fields that differ from the flow's base class (reach_render.c). */
void reach_describe_class(const struct reach_result *r, const struct rclass *c, bool json,
			  struct strbuf *out);

#endif
