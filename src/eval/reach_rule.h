/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One rule over a class of packets: what the traversal and the guards call. */
#ifndef FWAUDIT_EVAL_REACH_RULE_H
#define FWAUDIT_EVAL_REACH_RULE_H

#include <stddef.h>
#include <stdint.h>

struct rule;
struct reach_ctx;
struct sstate;
struct ivs;

/*
 * struct rule_run - rule @r run for a state and the states split off it on
 * the way, each waiting in @pending with the expression it resumes at.
 */
struct rule_run {
	struct reach_ctx *c;
	const struct rule *r;
	struct sstate **pending; /* states mid-rule, with the expression to resume at */
	uint32_t *pexpr;
	size_t np, capp;
};

/**
 * rule_run_whole() - run @rr's rule for @s and every state split off it.
 *
 * Takes @s: each state ends the rule where its context says (the hook's
 * path, chain mode or a guard's run: run_rule()'s end).
 */
void rule_run_whole(struct rule_run *rr, struct sstate *s);
/**
 * split() - split @s on field @f: @match are the values for which the
 *	condition holds.
 *
 * Returns the state where it holds (a new one, NULL when it holds for no
 * value) and leaves in @s the rest (its field @f emptied when nothing is
 * left). @match stays the caller's.
 */
struct sstate *split(struct sstate *s, int f, const struct ivs *match);

#endif
