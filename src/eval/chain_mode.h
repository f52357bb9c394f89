/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Chain mode: reach over one chain alone, as if every jump returned every
 * packet, for the analyses of shadowed and redundant rules (shadow.c).
 */
#ifndef FWAUDIT_EVAL_CHAIN_MODE_H
#define FWAUDIT_EVAL_CHAIN_MODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chain;
struct chain_cache;
struct cube;
struct set_cache;
struct reach_ctx;
struct sstate;

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

/* Run @cr from @start classes (@nstart cubes; NULL = every packet). */
void chain_run(struct chain_run *cr, const struct cube *start, size_t nstart);
/* Forget a run's results (not its cache). */
void chain_run_reset(struct chain_run *cr);

/* The set cache @cc's runs look sets up in (the ruleset's, or a fork's own). */
struct set_cache *chain_cache_sets(struct chain_cache *cc);
/* A cache for another thread: the same interface name classes, its own
 * set indexes, guards and memos; the ruleset is only read. */
struct chain_cache *chain_cache_fork(const struct chain_cache *cc);

/* ---- what the traversal calls in chain mode (@c->cr set) ---- */

/**
 * chain_enter() - before @s's rule: count the step, pass over the rule the
 *	run deletes, mark the rule reached. Returns false when @s was taken
 *	(the budget ran out, or the deleted rule was the chain's last).
 */
bool chain_enter(struct reach_ctx *c, struct sstate *s);
/**
 * chain_after_rule() - take @s after its rule: within the chain only its
 *	own verdicts end a class; what goes on is queued (enqueue()).
 */
void chain_after_rule(struct reach_ctx *c, struct sstate *s);
/**
 * chain_outcome() - take @s, which ended at rule @rule (the chain's
 *	length: fell off its end) with @verdict; notes the pair once, frees @s.
 */
void chain_outcome(struct reach_ctx *c, struct sstate *s, uint32_t rule, int32_t verdict);

#endif
