// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rule guards. A rule's guard: for some fields, the only values with which
 * a packet can match the rule (or make it undecidable), found by running
 * the rule once on every packet of the family. A state whose values of one
 * such field all lie outside the guard passes the rule unmatched without
 * running it, so a flow through a long chain costs an interval test per
 * rule, not a run. Only rules that change nothing when they do not match
 * get one, and only fields whose values mean the same in every run (not
 * interface name classes); states that a statement has changed (mark, ct
 * state, nat) run every rule.
 *
 * A chain's guards are laid out in rule order and, once tested often
 * enough, indexed by value (chain_guards, guard_index). They are kept with
 * the ruleset's set indexes, as the set cache's SC_GUARDS tenant.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_tables.h>

#include "chain_mode.h"
#include "flow.h"
#include "guards.h"
#include "reach_rule.h"
#include "reach_state.h"
#include "sets.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

static const uint8_t guard_fields[] = { PF_L4PROTO, PF_SADDR,	 PF_DADDR,    PF_SPORT,
					PF_DPORT,   PF_TCPFLAGS, PF_ICMPTYPE, PF_ICMPCODE,
					PF_CTSTATE, PF_CTSTATUS, PF_CTDIR,    PF_MARK,
					PF_CTMARK,  PF_LEN,	 PF_FRAG };
#define GUARD_FIELDS ARRAY_SIZE(guard_fields)

struct guard_field {
	uint8_t field;
	struct ivs allowed;
};

/*
 * A rule's guard as the pass tests it: the hull of up to CG_FIELDS guarded
 * fields, and only when the hulls say less than the guard (a field with
 * several intervals, or more fields), every guarded field's values.
 */
#define CG_FIELDS 3

struct guard {
	const struct rule *rule;
	uint32_t hook;
	uint8_t family;
	bool tracked;
	uint8_t nf; /* hulls; 0: always run the rule */
	bool more;  /* test @extra too */
	uint8_t field[CG_FIELDS];
	struct iv hull[CG_FIELDS];
	uint8_t nextra;
	struct guard_field *extra;
	struct guard *next;
};

/*
 * A chain's rules by the single value one field of their guard admits, so
 * a class with one value there (a probed rule's address, a flow's port)
 * goes straight to the next rule that can match it instead of testing every
 * guard on the way. @others: the rules whose guard admits more than one
 * value of @field (or any), in order; @by_value: open addressing over the
 * values, each naming its rules' run in @rules (in order).
 */
struct guard_index {
	uint8_t field;
	uint32_t nothers;
	uint32_t *others;
	uint32_t mask; /* @by_value's size - 1 */
	struct gi_value {
		u128 v;
		uint32_t start, n; /* n 0: empty */
	} * by_value;
	uint32_t *rules;
};

#define GUARD_INDEX_MAX	      3
#define GUARD_INDEX_MIN_RULES 32
/* Guards tested per rule of the chain before its index is built: a few
 * passes (the watcher's flows after a change) are cheaper without. */
#define GUARD_INDEX_AFTER 32
/* No value of an indexed field may be admitted by more than 1/8 of the rules. */
#define GUARD_INDEX_SHARE 8

/*
 * A chain's guards in rule order. Built at the second pass through the
 * chain with the same family, hook and conntrack state: a chain that a
 * single check passes once is not worth running every rule of twice, while
 * the watcher, checking after every change, gets them all. Laid out again
 * when the chain's version moved.
 */
struct chain_guards {
	const struct chain *chain;
	uint32_t hook;
	uint8_t family;
	bool tracked;
	uint32_t passes;
	uint64_t last_call; /* the reach_flow() call that passed last */
	uint32_t version;   /* the chain's, when @g was built */
	const struct guard **g;
	uint64_t tested; /* guards tested since @g was laid out */
	bool indexed;	 /* @ix built (guard_indexes_build()) */
	uint8_t nix;
	struct guard_index ix[GUARD_INDEX_MAX];
	struct chain_guards *next;
};

static void guard_indexes_release(struct chain_guards *cg);

struct guard_table {
	struct guard **b;
	uint32_t nb, n;
	struct chain_guards *chains[256];
	uint64_t calls; /* reach_flow() calls, to count passes by */
};

/* What running a rule on every packet found: the values that matched. */
struct guard_run {
	struct ivs seen[GUARD_FIELDS];
	bool failed;
};

static void guard_extra_release(struct guard *g);

static void guards_free(void *p)
{
	struct guard_table *t = p;

	if (!t)
		return;
	for (uint32_t i = 0; i < t->nb; i++)
		for (struct guard *g = t->b[i], *next; g; g = next) {
			next = g->next;
			guard_extra_release(g);
			free(g);
		}
	for (size_t i = 0; i < ARRAY_SIZE(t->chains); i++)
		for (struct chain_guards *cg = t->chains[i], *next; cg; cg = next) {
			next = cg->next;
			guard_indexes_release(cg);
			free(cg->g);
			free(cg);
		}
	free(t->b);
	free(t);
}

/*
 * The rule guards of @sc's ruleset: its SC_GUARDS tenant, made the first
 * time. A change need not reach them: what is keyed by a chain checks its
 * version, and a rule never changes.
 */
struct guard_table *guard_table_of(struct set_cache *sc)
{
	struct set_cache_slot *slot = set_cache_slot(sc, SC_GUARDS);

	if (!slot->p) {
		struct guard_table *t = xcalloc(1, sizeof(*t));

		t->nb = 1024;
		t->b = xcalloc(t->nb, sizeof(*t->b));
		slot->p = t;
		slot->free = guards_free;
	}
	return slot->p;
}

uint64_t guards_new_call(struct set_cache *sc)
{
	return ++guard_table_of(sc)->calls;
}

static uint32_t guard_slot(const struct rule *r, uint32_t hook, uint8_t family, bool tracked,
			   uint32_t nb)
{
	uint64_t k = (uint64_t)(uintptr_t)r ^ ((uint64_t)hook << 56) ^ ((uint64_t)family << 48) ^
		     ((uint64_t)tracked << 47);

	return (uint32_t)hash_mix(k) & (nb - 1);
}

/* The rule changes nothing when it does not match, and reads only what does not change. */
static bool guard_eligible(const struct rule *r)
{
	for (uint32_t i = 0; i < r->exprs.n; i++) {
		const struct expr *e = &r->exprs.v[i];
		const char *n = e->name;

		if (!e->known)
			return false;
		if (!strcmp(n, "payload")) {
			if (expr_has(e, NFTA_PAYLOAD_SREG))
				return false;
		} else if (!strcmp(n, "meta")) {
			if (!expr_has(e, NFTA_META_DREG))
				return false;
		} else if (!strcmp(n, "ct")) {
			if (!expr_has(e, NFTA_CT_DREG))
				return false;
		} else if (!strcmp(n, "lookup")) {
			/* an anonymous set is the rule's own: it cannot change */
			const struct set *set = set_by_name(r->chain, expr_str(e, NFTA_LOOKUP_SET));

			if (!set || !(set->flags & NFT_SET_ANONYMOUS) ||
			    (set->flags & (NFT_SET_EVAL | NFT_SET_TIMEOUT)))
				return false;
		} else if (strcmp(n, "cmp") && strcmp(n, "range") && strcmp(n, "bitwise") &&
			   strcmp(n, "byteorder") && strcmp(n, "immediate") &&
			   strcmp(n, "counter") && strcmp(n, "log") && strcmp(n, "reject")) {
			/* limit too: a run that reaches one notes the assumption
			 * it makes, passed over or not */
			return false;
		}
	}
	return true;
}

static bool state_plain(const struct sstate *s)
{
	return !s->mark_set && !s->ctstate_set && !s->ctmark_set && !s->in_nat && !s->nat_done;
}

/* A state at the end of the rule, in guard_of()'s run. */
void guard_capture(struct guard_run *g, struct sstate *s)
{
	/* undecided states come marked partial: they must run the rule too */
	bool matched = s->verdict != NFT_BREAK || s->partial;

	/* the run starts plain (state_plain()); a statement that changed it
	 * would change the states that pass the rule unmatched too */
	if (!state_plain(s))
		g->failed = true;
	for (size_t k = 0; matched && k < GUARD_FIELDS; k++) {
		struct ivs u = { 0 };

		ivs_union(&u, &g->seen[k], &s->cube.f[guard_fields[k]]);
		ivs_release(&g->seen[k]);
		g->seen[k] = u;
	}
	state_free(s);
}

/* Run @r once on every packet of @c's family, from where @like is. */
static void guard_compute(struct reach_ctx *c, const struct sstate *like, const struct rule *r,
			  const struct cube *full, struct guard *g)
{
	struct reach_ctx gc = { .rs = c->rs,
				.hook = c->hook,
				.family = c->family,
				.hp = c->hp,
				.order = c->order,
				.sets = c->sets,
				.res = c->res };
	struct guard_run run = { 0 };
	struct rule_run rr = { .c = &gc, .r = r };
	struct sstate *s = state_new();

	cube_copy(&s->cube, full);
	s->tracked = like->tracked;
	s->chain = like->chain;
	s->base = like->base;
	s->rule = like->rule;
	s->pos = like->pos;
	s->verdict = NFT_CONTINUE;
	gc.capture = &run;
	rule_run_whole(&rr, s);
	for (size_t k = 0; k < GUARD_FIELDS; k++) {
		if (!run.failed && !ivs_equal(&run.seen[k], &full->f[guard_fields[k]])) {
			g->extra = xrealloc(g->extra, (g->nextra + 1u) * sizeof(*g->extra));
			g->extra[g->nextra].field = guard_fields[k];
			g->extra[g->nextra++].allowed = run.seen[k];
		} else {
			ivs_release(&run.seen[k]);
		}
	}
}

static void guard_summarise(struct guard *g);

/* Any hook: a guard_of() key for rules that read no interface. */
#define GUARD_ANY_HOOK UINT32_MAX

/*
 * The hook @r's guard is kept for. Only the interfaces a packet has differ
 * between hooks (hook_has_iif(), hook_has_oif()), so the guard of a rule
 * that reads none is the same at every hook (for the same family and
 * conntrack): the input hook's passes and the chain analyses, which take a
 * regular chain as forward's, share it. A rule without a guard
 * (guard_eligible()) has none at any hook.
 */
static uint32_t guard_hook(const struct rule *r, uint32_t hook)
{
	for (uint32_t i = 0; i < r->exprs.n; i++) {
		const struct expr *e = &r->exprs.v[i];

		if (e->name[0] != 'm' || strcmp(e->name, "meta"))
			continue;
		switch (expr_num(e, NFTA_META_KEY, 0)) {
		case NFT_META_LEN:
		case NFT_META_PROTOCOL:
		case NFT_META_NFPROTO:
		case NFT_META_L4PROTO:
		case NFT_META_MARK:
			break;
		default:
			return hook;
		}
	}
	return GUARD_ANY_HOOK;
}

/* The guard of rule @r for states like @s, computed the first time. */
static const struct guard *guard_of(struct reach_ctx *c, struct guard_table *t,
				    const struct sstate *s, const struct rule *r,
				    const struct cube *full)
{
	uint32_t hook = guard_hook(r, c->hook);
	struct guard *g;
	uint32_t h;

	h = guard_slot(r, hook, c->family, s->tracked, t->nb);
	for (g = t->b[h]; g; g = g->next)
		if (g->rule == r && g->hook == hook && g->family == c->family &&
		    g->tracked == s->tracked)
			return g;
	if (t->n >= t->nb) {
		struct guard **nb = xcalloc(t->nb * 2, sizeof(*nb));

		for (uint32_t i = 0; i < t->nb; i++)
			for (struct guard *x = t->b[i], *next; x; x = next) {
				uint32_t k = guard_slot(x->rule, x->hook, x->family, x->tracked,
							t->nb * 2);

				next = x->next;
				x->next = nb[k];
				nb[k] = x;
			}
		free(t->b);
		t->b = nb;
		t->nb *= 2;
		h = guard_slot(r, hook, c->family, s->tracked, t->nb);
	}
	g = xcalloc(1, sizeof(*g));
	g->rule = r;
	g->hook = hook;
	g->family = c->family;
	g->tracked = s->tracked;
	if (guard_eligible(r)) {
		guard_compute(c, s, r, full, g);
		guard_summarise(g);
	}
	g->next = t->b[h];
	t->b[h] = g;
	t->n++;
	return g;
}

/* The fields a pass tests first: those that tell most rules apart. */
static const uint8_t cg_order[] = { PF_DPORT,	PF_SADDR,    PF_DADDR,	  PF_SPORT,    PF_L4PROTO,
				    PF_CTSTATE, PF_ICMPTYPE, PF_ICMPCODE, PF_TCPFLAGS, PF_MARK,
				    PF_CTMARK,	PF_CTSTATUS, PF_CTDIR,	  PF_LEN,      PF_FRAG };

/* @g's fields beyond the hulls, gone. */
static void guard_extra_release(struct guard *g)
{
	for (uint8_t k = 0; k < g->nextra; k++)
		ivs_release(&g->extra[k].allowed);
	free(g->extra);
	g->extra = NULL;
	g->nextra = 0;
}

/* The hulls the pass tests, from @g's fields; the fields themselves are
 * kept only when the hulls say less. */
static void guard_summarise(struct guard *g)
{
	g->nf = 0;
	g->more = false;
	for (size_t o = 0; o < ARRAY_SIZE(cg_order) && g->nf < CG_FIELDS; o++)
		for (uint8_t k = 0; k < g->nextra; k++) {
			const struct ivs *a = &g->extra[k].allowed;

			if (g->extra[k].field != cg_order[o])
				continue;
			g->field[g->nf] = g->extra[k].field;
			g->more |= a->n > 1;
			/* an empty guard: no value can match */
			g->hull[g->nf] = a->n ? (struct iv){ a->v[0].lo, a->v[a->n - 1].hi }
					      : (struct iv){ 1, 0 };
			g->nf++;
		}
	g->more |= g->nextra > g->nf;
	if (!g->more)
		guard_extra_release(g);
}

static void guard_index_free(struct guard_index *ix)
{
	free(ix->others);
	free(ix->by_value);
	free(ix->rules);
	memset(ix, 0, sizeof(*ix));
}

static void guard_indexes_release(struct chain_guards *cg)
{
	for (uint8_t i = 0; i < cg->nix; i++)
		guard_index_free(&cg->ix[i]);
	cg->nix = 0;
}

/* The one value @g admits in @field: 1 one, 0 none at all, -1 more or any. */
static int guard_point(const struct guard *g, uint8_t field, u128 *v)
{
	for (uint8_t k = 0; k < g->nf; k++) {
		if (g->field[k] != field)
			continue;
		if (g->hull[k].lo > g->hull[k].hi)
			return 0;
		*v = g->hull[k].lo;
		return g->hull[k].lo == g->hull[k].hi ? 1 : -1;
	}
	return -1;
}

static uint32_t gi_slot(const struct guard_index *ix, u128 v)
{
	return (uint32_t)hash_mix((uint64_t)v ^ (uint64_t)(v >> 64) * 0x9e3779b97f4a7c15ull) &
	       ix->mask;
}

/* @v's slot in @ix: its own, or the empty one where it goes. */
static uint32_t gi_find(const struct guard_index *ix, u128 v)
{
	uint32_t h = gi_slot(ix, v);

	while (ix->by_value[h].n && ix->by_value[h].v != v)
		h = (h + 1) & ix->mask;
	return h;
}

/*
 * @ix over @cg's guards for @field, where most of them admit one value. In
 * two passes, no sort: the first counts each value's rules, the second
 * puts them in their value's run in rule order. (The watcher lays a
 * changed chain's guards out again after every change.)
 */
static bool guard_index_build(const struct chain_guards *cg, uint8_t field, struct guard_index *ix)
{
	uint32_t n = cg->chain->nrules, npoints = 0, sum = 0, *fill;
	u128 v = 0;

	memset(ix, 0, sizeof(*ix));
	for (uint32_t i = 0; i < n; i++)
		npoints += guard_point(cg->g[i], field, &v) >= 0;
	if (npoints < n / 2)
		return false;
	ix->field = field;
	ix->others = xcalloc(n - npoints + 1, sizeof(*ix->others));
	for (ix->mask = 1; ix->mask < 2 * npoints; ix->mask <<= 1)
		;
	ix->by_value = xcalloc(ix->mask, sizeof(*ix->by_value));
	fill = xcalloc(ix->mask, sizeof(*fill));
	ix->mask--;
	for (uint32_t i = 0; i < n; i++) {
		int r = guard_point(cg->g[i], field, &v);
		uint32_t h;

		if (r < 0) {
			ix->others[ix->nothers++] = i;
		} else if (r > 0) {
			h = gi_find(ix, v);
			ix->by_value[h].v = v;
			ix->by_value[h].n++;
		}
	}
	for (uint32_t h = 0; h <= ix->mask; h++) {
		/* a value most rules share (tcp, for one) tells too few apart
		 * to pay for the lookups */
		if (ix->by_value[h].n > n / GUARD_INDEX_SHARE) {
			free(fill);
			guard_index_free(ix);
			return false;
		}
		ix->by_value[h].start = sum;
		sum += ix->by_value[h].n;
	}
	ix->rules = xcalloc(sum + 1, sizeof(*ix->rules));
	for (uint32_t i = 0; i < n; i++)
		if (guard_point(cg->g[i], field, &v) > 0) {
			uint32_t h = gi_find(ix, v);

			ix->rules[ix->by_value[h].start + fill[h]++] = i;
		}
	free(fill);
	return true;
}

/* The first of @v[0..@n) at or after @from, or UINT32_MAX. */
static uint32_t first_from(const uint32_t *v, uint32_t n, uint32_t from)
{
	uint32_t a = 0, b = n;

	while (a < b) {
		uint32_t m = a + (b - a) / 2;

		if (v[m] < from)
			a = m + 1;
		else
			b = m;
	}
	return a < n ? v[a] : UINT32_MAX;
}

/*
 * The first rule from @from on that @s may match as far as the indexes of
 * the fields where @s has a single value tell (the chain's length if none):
 * every rule before it is passed over by its guard.
 */
static uint32_t guards_next(const struct chain_guards *cg, const struct sstate *s, uint32_t from)
{
	uint32_t next = from;

	for (uint8_t i = 0; i < cg->nix; i++) {
		const struct guard_index *ix = &cg->ix[i];
		const struct ivs *f = &s->cube.f[ix->field];
		uint32_t h, at;

		if (f->n != 1 || f->v[0].lo != f->v[0].hi)
			continue;
		at = first_from(ix->others, ix->nothers, from);
		h = gi_find(ix, f->v[0].lo);
		if (ix->by_value[h].n) {
			uint32_t r = first_from(ix->rules + ix->by_value[h].start,
						ix->by_value[h].n, from);

			at = r < at ? r : at;
		}
		if (at > next)
			next = at;
	}
	return next < cg->chain->nrules ? next : cg->chain->nrules;
}

/* @cg's guards, laid out for the chain's rules as they are now. */
static void chain_guards_build(struct reach_ctx *c, struct guard_table *t, struct chain_guards *cg,
			       const struct sstate *s)
{
	const struct chain *ch = cg->chain;
	struct cube full;

	free(cg->g);
	cg->version = ch->version;
	cg->g = xcalloc(ch->nrules + 1, sizeof(*cg->g));
	cube_full(c, &full);
	for (uint32_t i = 0; i < ch->nrules; i++)
		cg->g[i] = guard_of(c, t, s, ch->rules[i], &full);
	cube_release(&full);
	guard_indexes_release(cg);
	cg->indexed = false;
	cg->tested = 0;
}

/* @cg's indexes, once its guards have been tested often enough to pay. */
static void guard_indexes_build(struct chain_guards *cg)
{
	uint32_t n = cg->chain->nrules;

	if (cg->indexed || n < GUARD_INDEX_MIN_RULES ||
	    cg->tested < (uint64_t)n * GUARD_INDEX_AFTER)
		return;
	cg->indexed = true;
	for (size_t o = 0; o < ARRAY_SIZE(cg_order) && cg->nix < GUARD_INDEX_MAX; o++)
		cg->nix += guard_index_build(cg, cg_order[o], &cg->ix[cg->nix]);
}

/*
 * In chain mode, the longest chain whose analysis passes over rules by
 * their guards. Each class left over by a rule then tests the guards of
 * every rule after it, so a chain of n rules costs about n * n / 2 tests
 * per analysis; past this, the analysis runs every rule within its budget
 * of evaluations and gives up, as it did before guards.
 */
#define CHAIN_MODE_GUARDS_MAX 2048

/* The guards of @s's chain for states like it, or NULL before its second pass. */
static struct chain_guards *chain_guards_of(struct reach_ctx *c, const struct sstate *s)
{
	struct guard_table *t = guard_table_of(c->sets);
	uint32_t h = (uint32_t)hash_mix((uintptr_t)s->chain ^ ((uint64_t)c->hook << 40) ^
					((uint64_t)c->family << 32) ^ s->tracked) &
		     (ARRAY_SIZE(t->chains) - 1);
	struct chain_guards *cg;

	if (c->cr && s->chain->nrules > CHAIN_MODE_GUARDS_MAX)
		return NULL;
	for (cg = t->chains[h]; cg; cg = cg->next)
		if (cg->chain == s->chain && cg->hook == c->hook && cg->family == c->family &&
		    cg->tracked == s->tracked)
			break;
	if (!cg) {
		cg = xcalloc(1, sizeof(*cg));
		cg->chain = s->chain;
		cg->hook = c->hook;
		cg->family = c->family;
		cg->tracked = s->tracked;
		cg->next = t->chains[h];
		t->chains[h] = cg;
	}
	if (!cg->g) {
		if (cg->last_call != c->call) {
			cg->last_call = c->call;
			cg->passes++;
		}
		/* chain mode runs the chain's rules alone anyway, one by one */
		if (cg->passes < 2 && !c->cr)
			return NULL;
		chain_guards_build(c, t, cg, s);
	} else if (cg->version != s->chain->version) {
		chain_guards_build(c, t, cg, s);
	}
	return cg;
}

/* Some value of @v lies in [@lo, @hi]. */
static bool ivs_meets(const struct ivs *v, u128 lo, u128 hi)
{
	size_t a = 0, b = v->n;

	/* an empty hull (guard_summarise()'s [1, 0]) meets nothing */
	if (!v->n || lo > hi || v->v[0].lo > hi || v->v[v->n - 1].hi < lo)
		return false;
	/* the first interval that ends at or after @lo */
	while (a < b) {
		size_t m = (a + b) / 2;

		if (v->v[m].hi < lo)
			a = m + 1;
		else
			b = m;
	}
	return a < v->n && v->v[a].lo <= hi;
}

/* @s cannot match the rule of @g: a guarded field's values all lie outside. */
static bool guard_excludes(const struct guard *g, const struct sstate *s)
{
	for (uint8_t k = 0; k < g->nf; k++)
		if (!ivs_meets(&s->cube.f[g->field[k]], g->hull[k].lo, g->hull[k].hi))
			return true;
	if (!g->more)
		return false;
	/* the hulls met: what they leave out, field by field */
	for (uint8_t k = 0; k < g->nextra; k++)
		if (!ivs_overlaps(&s->cube.f[g->extra[k].field], &g->extra[k].allowed))
			return true;
	return false;
}

/*
 * Rules @s cannot match, passed over in place. In chain mode a rule passed
 * over is reached and not matched: a probed one ends @s, and the rule the
 * run deletes is passed over too. Returns false when @s went on (queued
 * for the chain's end) or ended.
 */
bool reach_use_guards = true;

bool pass_over(struct reach_ctx *c, struct sstate *s)
{
	struct chain_run *cr = c->cr;
	struct chain_guards *cg;
	uint32_t n = s->chain->nrules, from;

	if (!reach_use_guards || !state_plain(s) || !(cg = chain_guards_of(c, s)))
		return true;
	guard_indexes_build(cg);
	from = s->rule;
	while (s->rule < n) {
		/* the hot loop of a pass: no call without an index */
		uint32_t next = cg->nix ? guards_next(cg, s, s->rule) : s->rule;

		if (next == s->rule) {
			if (!guard_excludes(cg->g[s->rule], s))
				break;
			next++;
		}
		/* rules [s->rule, next) are passed over */
		if (cr && cr->probe_rule >= s->rule && cr->probe_rule < next) {
			state_free(s);
			return false;
		}
		s->rule = next;
		if (cr && (int64_t)s->rule == cr->skip_rule)
			s->rule++;
	}
	cg->tested += s->rule - from + 1;
	if (s->rule < n)
		return true;
	s->nloads = 0;
	s->verdict = NFT_CONTINUE;
	enqueue(c, s);
	return false;
}

/* Some chain at @hook has rule guards for @family. */
bool guards_built(const struct ruleset *rs, uint32_t hook, uint8_t family)
{
	struct guard_table *t = guard_table_of(set_cache_of(rs));

	for (size_t i = 0; i < ARRAY_SIZE(t->chains); i++)
		for (const struct chain_guards *cg = t->chains[i]; cg; cg = cg->next)
			if (cg->g && cg->hook == hook && cg->family == family)
				return true;
	return false;
}

/*
 * @src's rule guards into the empty @dst: a fork of a chain cache starts
 * with those its parent worked out (a copy costs a fraction of a rule run).
 */
void guards_copy(struct guard_table *dst, const struct guard_table *src)
{
	free(dst->b);
	dst->nb = src->nb;
	dst->n = src->n;
	dst->b = xcalloc(dst->nb, sizeof(*dst->b));
	for (uint32_t i = 0; i < src->nb; i++)
		for (const struct guard *g = src->b[i]; g; g = g->next) {
			struct guard *c = xmalloc(sizeof(*c));

			*c = *g;
			if (g->nextra) {
				c->extra = xcalloc(g->nextra, sizeof(*c->extra));
				for (uint8_t k = 0; k < g->nextra; k++) {
					c->extra[k].field = g->extra[k].field;
					ivs_copy(&c->extra[k].allowed, &g->extra[k].allowed);
				}
			}
			c->next = dst->b[i];
			dst->b[i] = c;
		}
}
