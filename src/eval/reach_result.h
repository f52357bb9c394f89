/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A reach answer: classes of packets and what happens to them (reach.c, reach_render.c). */
#ifndef FWAUDIT_EVAL_REACH_RESULT_H
#define FWAUDIT_EVAL_REACH_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ivs.h"
#include "fwaudit/eval.h"

struct rule;
struct chain;
struct strbuf;

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

/* Print @c's fields that differ from the flow's base class (reach_render.c). */
void reach_describe_class(const struct reach_result *r, const struct rclass *c, bool json,
			  struct strbuf *out);

#endif
