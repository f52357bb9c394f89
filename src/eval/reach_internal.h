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
/* @out must not be @a or @b. */
void ivs_intersect(struct ivs *out, const struct ivs *a, const struct ivs *b);
void ivs_subtract(struct ivs *out, const struct ivs *a, const struct ivs *b);
void ivs_union(struct ivs *out, const struct ivs *a, const struct ivs *b);
void ivs_normalize(struct ivs *s);
int ivs_cmp_lo(const void *a, const void *b);
u128 ivs_count(const struct ivs *s, u128 cap);

/* struct cube - a class of packets: the product of one value set per field. */
struct cube {
	struct ivs f[PF__COUNT];
};

void cube_init(struct cube *c);
void cube_copy(struct cube *dst, const struct cube *src);
void cube_release(struct cube *c);
bool cube_empty(const struct cube *c);
bool cube_merge(struct cube *a, const struct cube *b);

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
 * @seen: per rule CHAIN_REACHED / CHAIN_MATCHED flags, or NULL
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
	struct {
		uint32_t rule;
		int32_t verdict;
	} * outcomes;
	size_t nout, capout;
	struct cube *matched;
	size_t nmatched, capm;
	unsigned verdicts;
	struct chain_cache *cache; /* the ruleset, its set indexes, interface names */
};

/* Run @cr from @start classes (@nstart cubes; NULL = every packet). */
void chain_run(struct chain_run *cr, const struct cube *start, size_t nstart);
/* Forget a run's results (not its cache). */
void chain_run_reset(struct chain_run *cr);
/* Print @c's fields that differ from the flow's base class (reach_render.c). */
void reach_describe_class(const struct reach_result *r, const struct rclass *c, bool json,
			  struct strbuf *out);

#endif
