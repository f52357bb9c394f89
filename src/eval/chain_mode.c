// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Chain mode: reach over one chain alone, as if every jump returned. The
 * traversal is reach.c's; what differs is here: before a rule, the step is
 * counted and a deleted rule passed over (chain_enter()); after it, only
 * the chain's own verdicts end a class, a jump goes on as if it returned
 * everything and a probed rule keeps what matched it (chain_after_rule());
 * at the chain's end, each way a class ended is noted (chain_outcome()).
 * A chain cache holds what every run over a ruleset's chains shares.
 */
#include <stdlib.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "chain_mode.h"
#include "flow.h"
#include "guards.h"
#include "reach_state.h"
#include "sets.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

struct chain_cache {
	const struct ruleset *rs;
	struct reach_result res; /* interface name classes */
	struct set_cache *sets;
	bool own_sets; /* a fork's, not the ruleset's */
};

void chain_outcome(struct reach_ctx *c, struct sstate *s, uint32_t rule, int32_t verdict)
{
	struct chain_run *cr = c->cr;
	size_t i;

	for (i = 0; i < cr->nout; i++)
		if (cr->outcomes[i].rule == rule && cr->outcomes[i].verdict == verdict)
			break;
	if (i == cr->nout) {
		GROW(cr->outcomes, cr->nout, cr->capout);
		cr->outcomes[cr->nout].rule = rule;
		cr->outcomes[cr->nout++].verdict = verdict;
	}
	state_free(s);
}

/* Before a rule: count the step, pass over the skipped rule, mark it reached. */
bool chain_enter(struct reach_ctx *c, struct sstate *s)
{
	struct chain_run *cr = c->cr;

	if (cr->budget && ++cr->steps > cr->budget) {
		cr->gave_up = true;
		state_free(s);
		return false;
	}
	if ((int64_t)s->rule == cr->skip_rule) {
		s->rule++;
		if (s->rule >= s->chain->nrules) {
			chain_outcome(c, s, s->chain->nrules, NFT_CONTINUE);
			return false;
		}
	}
	if (cr->seen)
		cr->seen[s->rule] |= CHAIN_REACHED;
	return true;
}

/* After a rule: within the chain only its own verdicts end a class. */
void chain_after_rule(struct reach_ctx *c, struct sstate *s)
{
	struct chain_run *cr = c->cr;
	uint32_t idx = s->rule;
	int32_t v = s->verdict;
	bool matched = v != NFT_BREAK;

	if (matched && cr->seen)
		cr->seen[idx] |= CHAIN_MATCHED;
	if ((int64_t)idx == cr->probe_rule) {
		if (matched) {
			GROW(cr->matched, cr->nmatched, cr->capm);
			cr->matched[cr->nmatched++] = s->cube;
			cube_init(&s->cube);
			cr->verdicts |=
				v == NFT_CONTINUE			       ? CHAIN_V_CONTINUE
				: v == NFT_JUMP				       ? CHAIN_V_JUMP
				: (v & NF_VERDICT_MASK) == NF_ACCEPT && v >= 0 ? CHAIN_V_ACCEPT
				: (v & NF_VERDICT_MASK) == NF_DROP && v >= 0   ? CHAIN_V_DROP
									       : CHAIN_V_OTHER;
		}
		state_free(s);
		return;
	}
	s->nloads = 0;
	s->rule++;
	if (!matched || v == NFT_CONTINUE) {
		s->verdict = NFT_CONTINUE;
		s->partial = false;
		enqueue(c, s);
		return;
	}
	if (v == NFT_JUMP) {
		/* the called chain may decide; as if it returned everything */
		if (cr->skip_rule >= 0 && (int64_t)idx > cr->skip_rule)
			cr->jumped_after_skip = true;
		s->verdict = NFT_CONTINUE;
		s->partial = false;
		enqueue(c, s);
		return;
	}
	if (s->partial) { /* a rate limit: packets over it go on */
		struct sstate *y = state_clone(s);

		y->verdict = NFT_CONTINUE;
		y->partial = false;
		enqueue(c, y);
	}
	chain_outcome(c, s, idx, v);
}

struct set_cache *chain_cache_sets(struct chain_cache *cc)
{
	return cc->sets;
}

struct chain_cache *chain_cache_new(const struct ruleset *rs)
{
	struct chain_cache *cc = xcalloc(1, sizeof(*cc));

	cc->rs = rs;
	collect_ifnames(rs, &cc->res);
	qsort(cc->res.ifnames, cc->res.nifnames, sizeof(*cc->res.ifnames), ifname_cmp);
	cc->sets = set_cache_of(rs);
	return cc;
}

struct chain_cache *chain_cache_fork(const struct chain_cache *cc)
{
	struct chain_cache *f = xcalloc(1, sizeof(*f));

	f->rs = cc->rs;
	f->res.ifnames = xcalloc(cc->res.nifnames + 1, sizeof(*f->res.ifnames));
	for (size_t i = 0; i < cc->res.nifnames; i++)
		f->res.ifnames[i] = xstrdup(cc->res.ifnames[i]);
	f->res.nifnames = cc->res.nifnames;
	f->sets = set_cache_new();
	f->own_sets = true;
	guards_copy(guard_table_of(f->sets), guard_table_of(cc->sets));
	return f;
}

void chain_cache_free(struct chain_cache *cc)
{
	if (!cc)
		return;
	if (cc->own_sets)
		set_cache_free(cc->sets);
	for (size_t i = 0; i < cc->res.nifnames; i++)
		free(cc->res.ifnames[i]);
	free(cc->res.ifnames);
	free(cc);
}

void chain_run(struct chain_run *cr, const struct cube *start, size_t nstart)
{
	struct reach_ctx c = {
		.rs = cr->cache->rs, .hook = cr->hook, .family = cr->family, .cr = cr
	};

	c.res = &cr->cache->res;
	c.sets = cr->cache->sets;
	cr->first_unsure = cr->chain->nrules;
	for (size_t i = 0; i < (start ? nstart : 1); i++) {
		struct sstate *s = state_new();

		if (start)
			cube_copy(&s->cube, &start[i]);
		else
			cube_full(&c, &s->cube);
		s->tracked = cr->hook != NF_INET_PRE_ROUTING && cr->hook != NF_INET_LOCAL_OUT;
		s->verdict = NFT_CONTINUE;
		s->chain = s->base = cr->chain;
		s->rule = cr->start_rule;
		run_all(&c, s);
	}
	if (c.fail)
		cr->gave_up = true;
}

void chain_run_reset(struct chain_run *cr)
{
	for (size_t i = 0; i < cr->nmatched; i++)
		cube_release(&cr->matched[i]);
	free(cr->matched);
	free(cr->outcomes);
	cr->matched = NULL;
	cr->outcomes = NULL;
	cr->nmatched = cr->capm = cr->nout = cr->capout = 0;
	cr->steps = 0;
	cr->verdicts = 0;
	cr->gave_up = cr->jumped_after_skip = false;
}
