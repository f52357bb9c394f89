/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_FUZZ_SMALL_RULESET_H
#define FWAUDIT_FUZZ_SMALL_RULESET_H

#include "fwaudit/model.h"

/* An inet table with an empty input base chain, policy drop, for fuzz targets. */
static inline struct ruleset *small_ruleset(void)
{
	struct ruleset *rs = ruleset_new();
	struct table *t = ruleset_add_table(rs, 1 /* inet */, "t");
	struct chain *c = table_add_chain(rs, t, "input");

	c->base = true;
	c->hooknum = 1;
	c->has_policy = true;
	c->policy = 0;
	return rs;
}

#endif
