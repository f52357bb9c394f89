// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reach: the nf_tables machine run on classes of packets instead of one.
 * A state holds a cube (one value set per packet field). Loads put
 * symbolic values in the registers; each condition splits the cube into the
 * part that satisfies it and the part that does not, so every answer is
 * exact for every packet of its class. States that meet again at the same
 * rule are merged when their cubes differ in one field, which keeps a long
 * chain of rules from multiplying them.
 *
 * Here: the states, the worklist that merges them, and the traversal of
 * the hook's path (base chains, jumps, policies, nat) for reach_flow().
 * One rule over a state is reach_rule.c's, the classes a run starts from
 * flow.c's, rule guards guards.c's, and one chain alone chain_mode.c's.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "chain_mode.h"
#include "eval_internal.h"
#include "flow.h"
#include "guards.h"
#include "reach_rule.h"
#include "reach_state.h"
#include "sets.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

#define MAX_STATES 200000 /* live states before reach gives up */

/* ---- states ---- */

struct sstate *state_new(void)
{
	return xcalloc(1, sizeof(struct sstate));
}

/* A copy of @s, but field @skip (-1: none) left empty for the caller. */
struct sstate *state_clone_but(const struct sstate *s, int skip)
{
	struct sstate *n = xmalloc(sizeof(*n));

	*n = *s;
	cube_init(&n->cube);
	for (int f = 0; f < PF__COUNT; f++)
		if (f != skip)
			ivs_copy(&n->cube.f[f], &s->cube.f[f]);
	return n;
}

struct sstate *state_clone(const struct sstate *s)
{
	return state_clone_but(s, -1);
}

void state_free(struct sstate *s)
{
	if (s) {
		cube_release(&s->cube);
		free(s);
	}
}

static bool decider_same(const struct decider *a, const struct decider *b)
{
	return a->rule == b->rule && a->chain == b->chain && a->many == b->many;
}

static void decide(struct sstate *s, const struct rule *r, const struct chain *ch)
{
	s->by.rule = r;
	s->by.chain = ch;
	s->by.many = false;
}

static void result_add(struct reach_ctx *c, struct sstate *s, enum eval_verdict v, char *reason)
{
	struct reach_result *r = c->res;
	struct rclass *k;

	/* fold into a class with the same verdict when the union stays a cube */
	for (size_t i = 0; i < r->n && !reason; i++) {
		k = &r->v[i];
		if (k->family == c->family && k->verdict == v && !k->reason &&
		    decider_same(&k->by, &s->by) && cube_merge(&k->cube, &s->cube, NULL)) {
			state_free(s);
			return;
		}
	}
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
	}
	k = &r->v[r->n++];
	k->family = c->family;
	k->cube = s->cube;
	k->verdict = v;
	k->reason = reason;
	k->by = s->by;
	free(s);
}

void state_uncertain(struct reach_ctx *c, struct sstate *s, const struct rule *r, const char *why)
{
	struct strbuf sb = STRBUF_INIT;

	if (c->cr) {
		if (s->rule < c->cr->first_unsure) {
			c->cr->first_unsure = s->rule;
			c->cr->unsure_why = why;
		}
		state_free(s);
		return;
	}

	if (r) {
		strbuf_addf(&sb, "rule handle %llu in ", (unsigned long long)r->handle);
		decide(s, r, s->chain);
	}
	if (s->chain) {
		strbuf_addstr(&sb, "chain ");
		chain_describe(s->chain, &sb);
		strbuf_addstr(&sb, ": ");
	}
	strbuf_addstr(&sb, why);
	result_add(c, s, EVAL_UNCERTAIN, strbuf_detach(&sb));
}

static bool same_point(const struct sstate *a, const struct sstate *b)
{
	if (a->pos != b->pos || a->chain != b->chain || a->base != b->base || a->rule != b->rule ||
	    a->sp != b->sp || a->tracked != b->tracked || a->in_nat != b->in_nat ||
	    a->nat_done != b->nat_done || a->nat_idx != b->nat_idx || a->mark_set != b->mark_set ||
	    a->ctstate_set != b->ctstate_set || a->ctmark_set != b->ctmark_set ||
	    (a->mark_set && a->mark != b->mark) || (a->ctstate_set && a->ctstate != b->ctstate) ||
	    (a->ctmark_set && a->ctmark != b->ctmark))
		return false;
	for (uint32_t i = 0; i < a->sp; i++)
		if (a->stack[i].chain != b->stack[i].chain || a->stack[i].rule != b->stack[i].rule)
			return false;
	return true;
}

/* A hash of what same_point() compares. */
static uint64_t point_hash(const struct sstate *s)
{
	uint64_t h = hash_mix(s->pos | (uint64_t)s->rule << 32);

	h = hash_mix(h ^ (uintptr_t)s->chain) + (uintptr_t)s->base;
	h = hash_mix(h ^ (s->sp | (uint64_t)s->nat_idx << 8 | (uint64_t)s->tracked << 40 |
			  (uint64_t)s->in_nat << 41 | (uint64_t)s->nat_done << 42 |
			  (uint64_t)s->mark_set << 43 | (uint64_t)s->ctstate_set << 44 |
			  (uint64_t)s->ctmark_set << 45));
	if (s->mark_set)
		h = hash_mix(h ^ s->mark);
	if (s->ctstate_set)
		h = hash_mix(h ^ s->ctstate);
	if (s->ctmark_set)
		h = hash_mix(h ^ s->ctmark);
	for (uint32_t i = 0; i < s->sp; i++)
		h = hash_mix(h ^ (uintptr_t)s->stack[i].chain) + s->stack[i].rule;
	return h;
}

/*
 * The keys @s is filed and looked up under; two states at one point whose
 * cubes differ in at most one field (the ones cube_merge() joins) share
 * one. Against the reference cube (the run's first state), @s's fields
 * are the same but for a few (@s's "own" fields); its keys are its cube, and
 * for each own field f, its cube without f and its cube with the
 * reference's f. States apart only in f share "without f" if f is own to
 * both, "with the reference's f" and "cube" if f is own to one of them.
 */
static size_t merge_keys(const struct reach_ctx *c, const struct sstate *s, uint64_t *keys)
{
	uint64_t point = point_hash(s), all = 0, part[PF__COUNT];
	size_t n = 1;

	for (int f = 0; f < PF__COUNT; f++) {
		part[f] = hash_mix(s->fh[f] + (uint64_t)f);
		all += part[f];
	}
	keys[0] = point ^ all;
	for (int f = 0; f < PF__COUNT; f++) {
		if (s->fh[f] == c->ref_fh[f])
			continue;
		keys[n++] = point ^ (all - part[f] + hash_mix(0x5eed0000u + (uint64_t)f));
		keys[n++] = point ^ (all - part[f] + hash_mix(c->ref_fh[f] + (uint64_t)f));
	}
	return n;
}

/* s->fh from the cube: a field equal to the reference's takes its hash. */
static uint64_t field_hash(const struct reach_ctx *c, const struct sstate *s, int f)
{
	return ivs_equal(&s->cube.f[f], &c->ref.f[f]) ? c->ref_fh[f] : ivs_hash(&s->cube.f[f]);
}

static void field_hashes(struct reach_ctx *c, struct sstate *s)
{
	if (!c->have_ref) {
		cube_copy(&c->ref, &s->cube);
		for (int f = 0; f < PF__COUNT; f++)
			c->ref_fh[f] = ivs_hash(&c->ref.f[f]);
		c->have_ref = true;
	}
	for (int f = 0; f < PF__COUNT; f++)
		s->fh[f] = field_hash(c, s, f);
}

static void waiting_add(struct reach_ctx *c, struct sstate *s, const uint64_t *keys, size_t n)
{
	for (size_t k = 0; k < n; k++)
		s->ent[k] = mindex_add(&c->waiting, keys[k], s);
	s->nent = (uint32_t)n;
}

static void waiting_del(struct reach_ctx *c, struct sstate *s)
{
	for (uint32_t k = 0; k < s->nent; k++)
		mindex_del(&c->waiting, s->ent[k]);
}

/*
 * Merge @s into the first queued state it can join (same point, cubes apart
 * in one field at most), found by @keys. Returns true if merged (@s freed).
 */
static bool merge_waiting(struct reach_ctx *c, struct sstate *s, const uint64_t *keys, size_t nkeys)
{
	int64_t tried = -1; /* candidates are tried oldest first */

	for (;;) {
		struct sstate *best = NULL;
		int grew;

		/* the hashes say which may join; the cubes themselves decide */
		for (size_t f = 0; f < nkeys; f++)
			for (uint32_t id = mindex_first(&c->waiting, keys[f]); id;
			     id = mindex_next(&c->waiting, id)) {
				struct sstate *t = c->waiting.e[id].p;
				int apart = 0;

				if ((int64_t)t->serial <= tried ||
				    (best && t->serial >= best->serial))
					continue;
				for (int g = 0; g < PF__COUNT; g++)
					apart += t->fh[g] != s->fh[g];
				if (apart <= 1 && same_point(t, s))
					best = t;
			}
		if (!best)
			return false;
		if (!cube_merge(&best->cube, &s->cube, &grew)) { /* a hash collision */
			tried = (int64_t)best->serial;
			continue;
		}
		if (!decider_same(&best->by, &s->by))
			best->by.many = true;
		if (grew >= 0) {
			uint64_t tk[MERGE_KEYS];

			waiting_del(c, best);
			best->fh[grew] = field_hash(c, best, grew);
			waiting_add(c, best, tk, merge_keys(c, best, tk));
		}
		state_free(s);
		return true;
	}
}

/* Queue @s for its next rule, merged into a waiting state where possible. */
static bool settle(struct reach_ctx *c, struct sstate *s);

void enqueue(struct reach_ctx *c, struct sstate *s)
{
	uint64_t keys[MERGE_KEYS];
	size_t nkeys;

	if (cube_empty(&s->cube)) {
		state_free(s);
		return;
	}
	if ((!s->chain || s->rule >= s->chain->nrules) && !settle(c, s))
		return;
	field_hashes(c, s);
	nkeys = merge_keys(c, s, keys);
	if (merge_waiting(c, s, keys, nkeys))
		return;
	s->serial = c->serial++;
	waiting_add(c, s, keys, nkeys);
	if (c->nq == c->capq) {
		/* drop the consumed front before growing */
		if (c->queue)
			memmove(c->queue, c->queue + c->head,
				(c->nq - c->head) * sizeof(*c->queue));
		c->nq -= c->head;
		c->head = 0;
		if (c->nq == c->capq) {
			c->capq = c->capq ? c->capq * 2 : 16;
			c->queue = xrealloc(c->queue, c->capq * sizeof(*c->queue));
		}
	}
	c->queue[c->nq++] = s;
}

/* ---- the hook's path ---- */

/* After rule @r on the hook's path: the rule is done for this state, take its verdict. */
void path_after_rule(struct reach_ctx *c, struct sstate *s, const struct rule *r)
{
	int32_t v = s->verdict;

	s->nloads = 0;
	s->rule++;
	switch (v) {
	case NFT_BREAK:
	case NFT_CONTINUE:
		break;
	case NFT_JUMP:
	case NFT_GOTO: {
		const struct chain *to = chain_target(s->chain, s->jump);

		if (!to) {
			state_uncertain(c, s, r, "jump to a chain missing from the snapshot");
			return;
		}
		if (v == NFT_JUMP) {
			if (s->sp >= JUMP_STACK) {
				decide(s, r, s->chain);
				result_add(c, s, EVAL_DROP, NULL);
				return;
			}
			s->stack[s->sp].chain = s->chain;
			s->stack[s->sp++].rule = s->rule;
		}
		s->chain = to;
		s->rule = 0;
		break;
	}
	case NFT_RETURN:
		s->rule = s->chain->nrules;
		break;
	default:
		decide(s, r, s->chain);
		switch (v & NF_VERDICT_MASK) {
		case NF_ACCEPT:
			s->chain = NULL;
			break;
		case NF_DROP:
			result_add(c, s, EVAL_DROP, NULL);
			return;
		case NF_QUEUE:
			result_add(c, s, EVAL_QUEUE, NULL);
			return;
		default:
			state_uncertain(c, s, r, "verdict not modelled");
			return;
		}
	}
	s->verdict = NFT_CONTINUE;
	enqueue(c, s);
}

/* Advance a state that is between rules: enter chains, returns, policies. */
static bool settle(struct reach_ctx *c, struct sstate *s)
{
	if (c->cr) {
		if (s->rule < s->chain->nrules)
			return true;
		chain_outcome(c, s, s->chain->nrules, NFT_CONTINUE);
		return false;
	}
	for (;;) {
		const struct hook_entry *he;

		if (s->chain && s->rule < s->chain->nrules)
			return true;
		if (s->chain) { /* fell off the end (or returned) */
			if (s->sp > 0) {
				s->sp--;
				s->chain = s->stack[s->sp].chain;
				s->rule = s->stack[s->sp].rule;
				continue;
			}
			/* after a goto the base chain's policy applies */
			decide(s, NULL, s->base);
			if (s->base->has_policy && s->base->policy == NF_DROP) {
				result_add(c, s, EVAL_DROP, NULL);
				return false;
			}
			s->chain = NULL;
		}
		if (s->in_nat && !s->nat_done && s->nat_idx < c->hp->v[c->order[s->pos]].nnat) {
			s->chain = s->base = c->hp->v[c->order[s->pos]].nat[s->nat_idx++];
			s->rule = 0;
			continue;
		}
		if (s->in_nat) {
			s->in_nat = false;
			s->pos++;
			if (s->nat_done && s->pos < c->hp->n) {
				state_uncertain(
					c, s, NULL,
					"a nat statement changes the addresses later chains see");
				return false;
			}
		}
		if (s->pos >= c->hp->n) {
			result_add(c, s, EVAL_ACCEPT, NULL);
			return false;
		}
		he = &c->hp->v[c->order[s->pos]];
		if (he->kind == HE_CONNTRACK) {
			s->tracked = true;
			s->pos++;
			continue;
		}
		if (he->kind == HE_NAT) {
			struct ivs first = { 0 }, tmp = { 0 };
			struct sstate *y;

			/* only a connection's first packet (new, related) sees nat chains */
			ivs_add(&tmp, 4, 4);
			ivs_add(&tmp, 8, 8);
			if (!s->tracked || s->ctstate_set)
				first.n = 0;
			else
				ivs_intersect(&first, &s->cube.f[PF_CTSTATE], &tmp);
			ivs_release(&tmp);
			y = split(s, PF_CTSTATE, &first);
			ivs_release(&first);
			if (y) {
				y->in_nat = true;
				y->nat_idx = 1;
				y->chain = y->base = he->nat[0];
				y->rule = 0;
				enqueue(c, y);
			}
			s->pos++;
			if (cube_empty(&s->cube)) {
				state_free(s);
				return false;
			}
			continue;
		}
		s->chain = s->base = he->chain;
		s->rule = 0;
		s->sp = 0;
		s->pos++;
	}
}

/* ---- runs ---- */

/* Run every state to its end for one order of the base chains. */
void run_all(struct reach_ctx *c, struct sstate *init)
{
	size_t live = 0;

	enqueue(c, init);
	while (c->head < c->nq) {
		struct sstate *s = c->queue[c->head++];
		struct rule_run rr = { .c = c };

		waiting_del(c, s);
		if (c->cr && !chain_enter(c, s))
			continue;
		if (!pass_over(c, s))
			continue;
		rr.r = s->chain->rules[s->rule];
		if (++live > MAX_STATES * 50ull) {
			c->fail = "too many classes to follow";
			state_free(s);
			continue;
		}
		s->verdict = NFT_CONTINUE;
		rule_run_whole(&rr, s);
		if (c->nq - c->head > MAX_STATES) {
			c->fail = "too many classes to follow";
			break;
		}
	}
	for (size_t i = c->head; i < c->nq; i++)
		state_free(c->queue[i]);
	mindex_release(&c->waiting);
	if (c->have_ref)
		cube_release(&c->ref);
	c->have_ref = false;
	free(c->queue);
	c->queue = NULL;
	c->nq = c->capq = c->head = 0;
}

/* A state entering the hook with the flow's whole class @base. */
static struct sstate *state_at_start(const struct reach_ctx *c, const struct cube *base)
{
	struct sstate *s = state_new();

	cube_copy(&s->cube, base);
	/* conntrack has run before every hook but prerouting and output */
	s->tracked = c->hook != NF_INET_PRE_ROUTING && c->hook != NF_INET_LOCAL_OUT;
	s->verdict = NFT_CONTINUE;
	return s;
}

static int reach_family(struct reach_ctx *c, const char *flow, struct strbuf *err)
{
	struct hook_path hp;
	uint32_t *orders[24];
	size_t norders;
	struct cube *base = &c->res->base[c->family == NFPROTO_IPV6];
	struct sstate *init;
	size_t first = c->res->n;
	int ret;

	cube_full(c, base);
	c->res->has_base[c->family == NFPROTO_IPV6] = true;
	ret = flow_apply(c, flow, base, err);
	if (ret < 0)
		return ret;
	init = state_at_start(c, base);
	hook_path_build(c->rs, c->hook, c->family, &hp);
	c->hp = &hp;
	norders = hook_path_orders(&hp, orders, 24);
	if (!norders) {
		state_uncertain(c, init, NULL, "too many base chains share a priority");
	} else {
		c->order = orders[0];
		run_all(c, init);
		/* tied priorities: every order must give the same classes */
		for (size_t o = 1; o < norders && !c->fail; o++) {
			struct reach_result alt = { 0 };
			struct reach_result *mine = c->res;
			struct sstate *again = state_at_start(c, base);
			bool same = true;

			alt.ifnames = mine->ifnames;
			alt.nifnames = mine->nifnames;
			c->res = &alt;
			c->order = orders[o];
			run_all(c, again);
			c->res = mine;
			same = alt.n == mine->n - first;
			for (size_t i = 0; same && i < alt.n; i++) {
				bool found = false;

				for (size_t k = first; k < mine->n && !found; k++) {
					found = alt.v[i].verdict == mine->v[k].verdict;
					for (int f = 0; found && f < PF__COUNT; f++)
						found = ivs_equal(&alt.v[i].cube.f[f],
								  &mine->v[k].cube.f[f]);
				}
				same = found;
			}
			for (size_t i = 0; i < alt.n; i++) {
				cube_release(&alt.v[i].cube);
				free(alt.v[i].reason);
			}
			free(alt.v);
			if (!same) {
				free(mine->reason);
				mine->reason = xstrdup(
					"base chains share a priority and the kernel's order of "
					"them "
					"is not in a snapshot; the orders give different answers");
				mine->verdict = EVAL_UNCERTAIN;
			}
		}
		for (size_t i = 0; i < norders; i++)
			free(orders[i]);
	}
	hook_path_release(&hp);
	return 0;
}

int reach_flow(const struct ruleset *rs, uint32_t hook, const char *flow, struct reach_result **out,
	       struct strbuf *err)
{
	struct reach_result *r = xcalloc(1, sizeof(*r));
	struct reach_ctx c = { .rs = rs, .hook = hook, .res = r };
	bool fam_given;
	uint8_t fam = flow_family(flow, &fam_given);
	int ret = 0;

	r->flow = xstrdup(flow);
	r->hook = hook;
	r->verdict = EVAL_ACCEPT;
	collect_ifnames(rs, r);
	flow_ifnames(r, flow);
	qsort(r->ifnames, r->nifnames, sizeof(*r->ifnames), ifname_cmp);
	c.sets = set_cache_of(rs);
	c.call = guards_new_call(c.sets);
	for (int k = 0; k < 2 && !ret; k++) {
		c.family = k == 0 ? NFPROTO_IPV4 : NFPROTO_IPV6;
		if (fam_given && c.family != fam)
			continue;
		ret = reach_family(&c, flow, err);
	}
	if (ret < 0) {
		reach_result_free(r);
		return ret;
	}
	if (c.fail) {
		free(r->reason);
		r->reason = xstrdup(c.fail);
		r->verdict = EVAL_UNCERTAIN;
	}
	if (c.limit_assumed)
		r->assumptions = xstrdup("rate limits assumed not exceeded");
	if (r->verdict != EVAL_UNCERTAIN) {
		bool acc = false, drop = false, unc = false, q = false;

		for (size_t i = 0; i < r->n; i++) {
			acc |= r->v[i].verdict == EVAL_ACCEPT;
			drop |= r->v[i].verdict == EVAL_DROP;
			q |= r->v[i].verdict == EVAL_QUEUE;
			unc |= r->v[i].verdict == EVAL_UNCERTAIN;
		}
		if (unc)
			r->verdict = EVAL_UNCERTAIN;
		else if (acc + drop + q > 1)
			r->verdict = EVAL_MIXED;
		else
			r->verdict = acc    ? EVAL_ACCEPT
				     : drop ? EVAL_DROP
				     : q    ? EVAL_QUEUE
					    : EVAL_DROP;
		if (unc && !r->reason) {
			for (size_t i = 0; i < r->n; i++)
				if (r->v[i].reason) {
					r->reason = xstrdup(r->v[i].reason);
					break;
				}
		}
	}
	*out = r;
	return 0;
}

enum eval_verdict packet_verdict(const struct ruleset *rs, uint32_t hook, const struct packet *p)
{
	enum eval_verdict v = EVAL_UNCERTAIN;
	struct trace t;

	if (guards_built(rs, hook, p->family)) {
		struct strbuf flow = STRBUF_INIT, err = STRBUF_INIT;
		struct reach_result *r = NULL;

		/* the packet's class: fields a description leaves out range freely,
		 * so only a verdict for the whole class is the packet's */
		packet_describe(p, &flow);
		if (reach_flow(rs, hook, flow.buf, &r, &err) == 0 &&
		    (r->verdict == EVAL_ACCEPT || r->verdict == EVAL_DROP))
			v = r->verdict;
		reach_result_free(r);
		strbuf_release(&flow);
		strbuf_release(&err);
		if (v != EVAL_UNCERTAIN)
			return v;
	}
	trace_packet(rs, hook, p, &t);
	v = t.verdict;
	trace_release(&t);
	return v;
}

enum eval_verdict reach_verdict(const struct reach_result *r)
{
	return r->verdict;
}

void reach_result_free(struct reach_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		cube_release(&r->v[i].cube);
		free(r->v[i].reason);
	}
	for (size_t i = 0; i < r->nifnames; i++)
		free(r->ifnames[i]);
	free(r->ifnames);
	for (int k = 0; k < 2; k++)
		if (r->has_base[k])
			cube_release(&r->base[k]);
	free(r->v);
	free(r->flow);
	free(r->reason);
	free(r->assumptions);
	free(r);
}
