// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Shadowed and redundant rules: reach in chain mode over one chain. A rule
 * no class matches, although the rule alone matches some, is shadowed; the
 * earlier rules that decide those classes are named by running them again
 * from the chain's start. A rule is redundant when the classes it matches,
 * run on as if it were deleted, end with the same verdict.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "chain_mode.h"
#include "sets.h"
#include "fwaudit/eval.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

#define DEFAULT_BUDGET 20000 /* rule evaluations per family and chain */

/* The verdict kind a fall-off or an outcome stands for within the chain. */
static unsigned outcome_kind(const struct chain *ch, uint32_t rule, int32_t v)
{
	if (rule >= ch->nrules) {
		if (!ch->base)
			return CHAIN_V_OTHER; /* back to the caller */
		return ch->has_policy && ch->policy == NF_DROP ? CHAIN_V_DROP : CHAIN_V_ACCEPT;
	}
	if (v >= 0 && (v & NF_VERDICT_MASK) == NF_ACCEPT)
		return CHAIN_V_ACCEPT;
	if (v >= 0 && (v & NF_VERDICT_MASK) == NF_DROP)
		return CHAIN_V_DROP;
	return CHAIN_V_OTHER;
}

static void add_by(struct rule_report *rep, const struct rule *r)
{
	for (size_t i = 0; i < rep->nby; i++)
		if (rep->by[i] == r)
			return;
	if (rep->nby < ARRAY_SIZE(rep->by))
		rep->by[rep->nby++] = r;
}

static int outcome_cmp(const void *a, const void *b)
{
	uint32_t p = ((const struct chain_end *)a)->rule, q = ((const struct chain_end *)b)->rule;

	return (p > q) - (p < q);
}

/* A run over the same chain with the same cache, without results. */
static struct chain_run fork_run(const struct chain_run *cr)
{
	struct chain_run r = { .chain = cr->chain,
			       .family = cr->family,
			       .hook = cr->hook,
			       .skip_rule = -1,
			       .probe_rule = -1,
			       .cache = cr->cache };
	return r;
}

/* One family's fates. */
static void analyse_family(struct chain_cache *cc, const struct chain *ch, uint8_t family,
			   bool redundancy, size_t budget, struct rule_report *out)
{
	struct chain_run cr = {
		.chain = ch, .family = family, .skip_rule = -1, .probe_rule = -1, .cache = cc
	};
	uint32_t n = ch->nrules, unsure;
	size_t spent = 0;
	bool gave_up;

	cr.hook = ch->base ? ch->hooknum : NF_INET_FORWARD;
	cr.seen = xcalloc(n + 1, 1);
	cr.budget = budget;
	chain_run(&cr, NULL, 0);
	gave_up = cr.gave_up;
	unsure = cr.first_unsure;
	for (uint32_t i = 0; i < n; i++) {
		struct rule_report *rep = &out[i];

		if (cr.seen[i] & CHAIN_MATCHED) {
			rep->fate = RULE_MATCHES;
			continue;
		}
		if (gave_up) {
			rep->fate = RULE_UNKNOWN;
			rep->why = "too many classes of packets to follow through the chain";
			continue;
		}
		if (i > unsure || (i == unsure && !(cr.seen[i] & CHAIN_MATCHED))) {
			rep->fate = RULE_UNKNOWN;
			rep->why = "an earlier rule (or this one) cannot be evaluated";
			continue;
		}
		/* the rule alone, on every packet */
		{
			struct chain_run p = fork_run(&cr);

			p.start_rule = i;
			p.probe_rule = i;
			p.budget = 0;
			chain_run(&p, NULL, 0);
			if (p.first_unsure <= i) {
				rep->fate = RULE_UNKNOWN;
				rep->why = "the rule cannot be evaluated";
			} else if (!p.nmatched) {
				rep->fate = RULE_NEVER;
			} else {
				struct chain_run b = fork_run(&cr);

				/* who decides its packets first */
				b.start_rule = 0;
				b.probe_rule = i;
				b.budget = budget;
				chain_run(&b, p.matched, p.nmatched);
				spent += b.steps;
				rep->fate = b.nmatched || b.gave_up ? RULE_UNKNOWN : RULE_SHADOWED;
				if (rep->fate == RULE_UNKNOWN)
					rep->why =
						"reach disagrees with itself or ran out of budget";
				/* the first rules that decide them, whatever order
				 * the classes ended in */
				if (b.nout)
					qsort(b.outcomes, b.nout, sizeof(*b.outcomes), outcome_cmp);
				for (size_t k = 0; k < b.nout; k++)
					if (b.outcomes[k].rule < i)
						add_by(rep, ch->rules[b.outcomes[k].rule]);
				chain_run_reset(&b);
			}
			chain_run_reset(&p);
		}
	}
	for (uint32_t i = 0; redundancy && i < n && i < unsure; i++) {
		struct chain_run p = fork_run(&cr), b = fork_run(&cr);
		unsigned kind, after = 0;

		if (out[i].fate != RULE_MATCHES || spent > budget)
			continue;
		p.start_rule = i;
		p.probe_rule = i;
		chain_run(&p, NULL, 0);
		kind = p.verdicts;
		if ((kind != CHAIN_V_ACCEPT && kind != CHAIN_V_DROP) || p.first_unsure <= i) {
			/* a rule that goes on, jumps or is not sure is kept */
			out[i].redundancy_known = p.first_unsure > i;
			chain_run_reset(&p);
			continue;
		}
		/* its packets, with the rule deleted */
		b.start_rule = 0;
		b.skip_rule = i;
		b.budget = budget;
		chain_run(&b, p.matched, p.nmatched);
		spent += b.steps;
		for (size_t k = 0; k < b.nout; k++)
			if (b.outcomes[k].rule > i)
				after |=
					outcome_kind(ch, b.outcomes[k].rule, b.outcomes[k].verdict);
		out[i].redundancy_known = !b.gave_up && !b.jumped_after_skip && b.first_unsure == n;
		out[i].redundant = after == kind && out[i].redundancy_known;
		chain_run_reset(&b);
		chain_run_reset(&p);
	}
	chain_run_reset(&cr);
	free(cr.seen);
}

static int fate_rank(enum rule_fate f)
{
	/* how families combine: one match is a match; unknown beats a claim */
	switch (f) {
	case RULE_MATCHES:
		return 3;
	case RULE_UNKNOWN:
		return 2;
	case RULE_SHADOWED:
		return 1;
	default:
		return 0;
	}
}

/*
 * A chain's analysis, remembered with what it depends on: the chain itself
 * (its version moves with every change of its rules, hook or policy) and
 * the contents of named sets its rules read (any set change makes those
 * chains' analyses stale). Other chains do not matter: in
 * chain mode a jump returns every packet. The watcher, checking after
 * every change, so analyses only the chains a change touched.
 */
struct chain_memo {
	const struct chain *chain;
	bool redundancy, reads_sets;
	uint32_t version, epoch; /* the chain's, and the sets' */
	size_t budget;
	struct rule_report *rep;
	struct chain_memo *next;
};

struct chain_memos {
	struct chain_memo *b[256];
};

static void chain_memos_free(void *p)
{
	struct chain_memos *t = p;

	if (!t)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(t->b); i++)
		for (struct chain_memo *m = t->b[i], *next; m; m = next) {
			next = m->next;
			free(m->rep);
			free(m);
		}
	free(t);
}

/* A rule of @ch reads a named set, whose elements can change under it. */
static bool chain_reads_sets(const struct chain *ch)
{
	for (uint32_t i = 0; i < ch->nrules; i++)
		for (uint32_t k = 0; k < ch->rules[i]->exprs.n; k++) {
			const struct expr *e = &ch->rules[i]->exprs.v[k];
			const char *name = NULL;
			const struct set *s;

			if (expr_is(e, "lookup"))
				name = expr_str(e, NFTA_LOOKUP_SET);
			else if (expr_is(e, "dynset"))
				name = expr_str(e, NFTA_DYNSET_SET_NAME);
			else if (expr_is(e, "objref"))
				name = expr_str(e, NFTA_OBJREF_SET_NAME);
			if (!name)
				continue;
			s = set_by_name(ch, name);
			if (!s || !(s->flags & NFT_SET_ANONYMOUS))
				return true;
		}
	return false;
}

static struct chain_memo *memo_find(struct chain_cache *cc, const struct chain *ch, bool redundancy,
				    size_t budget, bool create)
{
	struct set_cache_slot *slot = set_cache_slot(chain_cache_sets(cc), SC_MEMOS);
	struct chain_memos *t = slot->p;
	uint32_t h = (uint32_t)(((uintptr_t)ch >> 4) * 2654435761u) & 255;
	struct chain_memo *m;

	if (!t) {
		if (!create)
			return NULL;
		t = slot->p = xcalloc(1, sizeof(*t));
		slot->free = chain_memos_free;
	}
	for (m = t->b[h]; m; m = m->next)
		if (m->chain == ch && m->redundancy == redundancy && m->budget == budget)
			return m;
	if (!create)
		return NULL;
	m = xcalloc(1, sizeof(*m));
	m->chain = ch;
	m->redundancy = redundancy;
	m->budget = budget;
	m->next = t->b[h];
	t->b[h] = m;
	return m;
}

static bool memo_valid(const struct chain_memo *m, const struct chain *ch, uint32_t epoch)
{
	return m->rep && m->version == ch->version && (!m->reads_sets || m->epoch == epoch);
}

/* @ch's remembered analysis into @out, if it still holds. */
static bool memo_recall(struct chain_cache *cc, const struct chain *ch, bool redundancy,
			size_t budget, uint32_t epoch, struct rule_report *out)
{
	const struct chain_memo *m = memo_find(cc, ch, redundancy, budget, false);

	if (!m || !memo_valid(m, ch, epoch))
		return false;
	if (ch->nrules)
		memcpy(out, m->rep, ch->nrules * sizeof(*out));
	return true;
}

static void memo_store(struct chain_memo *m, const struct chain *ch, uint32_t epoch,
		       const struct rule_report *rep)
{
	free(m->rep);
	m->version = ch->version;
	m->epoch = epoch;
	m->reads_sets = chain_reads_sets(ch);
	m->rep = xmalloc((ch->nrules + 1) * sizeof(*m->rep));
	if (ch->nrules)
		memcpy(m->rep, rep, ch->nrules * sizeof(*m->rep));
}

/* @ch's analysis @out by another cache (a fork's), remembered in @cc. */
static void remember(struct chain_cache *cc, const struct chain *ch, bool redundancy, size_t budget,
		     uint32_t epoch, int ret, const struct rule_report *out)
{
	if (ret == 0)
		memo_store(memo_find(cc, ch, redundancy, budget, true), ch, epoch, out);
}

static int chain_analyse_run(struct chain_cache *cc, const struct chain *ch, bool redundancy,
			     size_t budget, struct rule_report *out);

/* @ch analysed afresh with @cc, and remembered there; no memo is looked up. */
static int analyse_remembered(struct chain_cache *cc, const struct chain *ch, bool redundancy,
			      size_t budget, uint32_t epoch, struct rule_report *out)
{
	int ret = chain_analyse_run(cc, ch, redundancy, budget, out);

	remember(cc, ch, redundancy, budget, epoch, ret, out);
	return ret;
}

int chain_analyse(struct chain_cache *cc, const struct chain *ch, bool redundancy, size_t budget,
		  struct rule_report *out)
{
	uint32_t epoch = set_cache_epoch(chain_cache_sets(cc));

	if (memo_recall(cc, ch, redundancy, budget, epoch, out))
		return 0;
	return analyse_remembered(cc, ch, redundancy, budget, epoch, out);
}

static int chain_analyse_run(struct chain_cache *cc, const struct chain *ch, bool redundancy,
			     size_t budget, struct rule_report *out)
{
	uint32_t fam = ch->table->family;
	struct rule_report *v6 = NULL;

	if (fam != NFPROTO_IPV4 && fam != NFPROTO_IPV6 && fam != NFPROTO_INET)
		return -EOPNOTSUPP;
	if (!budget)
		budget = DEFAULT_BUDGET;
	memset(out, 0, ch->nrules * sizeof(*out));
	if (fam == NFPROTO_IPV6) {
		analyse_family(cc, ch, NFPROTO_IPV6, redundancy, budget, out);
		return 0;
	}
	analyse_family(cc, ch, NFPROTO_IPV4, redundancy, budget, out);
	if (fam != NFPROTO_INET)
		return 0;
	v6 = xcalloc(ch->nrules + 1, sizeof(*v6));
	analyse_family(cc, ch, NFPROTO_IPV6, redundancy, budget, v6);
	for (uint32_t i = 0; i < ch->nrules; i++) {
		struct rule_report *a = &out[i], *b = &v6[i];
		bool red = (a->fate != RULE_MATCHES || a->redundant) &&
			   (b->fate != RULE_MATCHES || b->redundant) &&
			   (a->fate == RULE_MATCHES || b->fate == RULE_MATCHES);
		/* either family's "needed" is an answer; "redundant" needs both */
		bool known = (a->fate == RULE_MATCHES && a->redundancy_known && !a->redundant) ||
			     (b->fate == RULE_MATCHES && b->redundancy_known && !b->redundant) ||
			     ((a->fate != RULE_MATCHES || a->redundancy_known) &&
			      (b->fate != RULE_MATCHES || b->redundancy_known));

		if (fate_rank(b->fate) > fate_rank(a->fate)) {
			a->fate = b->fate;
			a->why = b->why;
		}
		if (a->fate == RULE_SHADOWED)
			for (size_t k = 0; k < b->nby; k++)
				add_by(a, b->by[k]);
		a->redundant = a->fate == RULE_MATCHES && red;
		a->redundancy_known = a->fate == RULE_MATCHES && known;
	}
	free(v6);
	return 0;
}

/* Below this many rules to analyse, a second thread is not worth starting. */
#define PARALLEL_MIN_RULES 2000

struct analysis_share {
	struct chain_cache *fork;
	const struct chain *const *chains;
	const size_t *idx; /* the chains either thread may take, largest first */
	size_t n;
	atomic_size_t next; /* the next of @idx to take */
	bool *by_worker;    /* per chain: the worker analysed it */
	bool redundancy;
	size_t budget;
	struct rule_report **out;
	int *ret;
};

/* The next chain of @sh for a thread to analyse; false when none is left. */
static bool share_take(struct analysis_share *sh, size_t *i)
{
	size_t k = atomic_fetch_add(&sh->next, 1);

	if (k >= sh->n)
		return false;
	*i = sh->idx[k];
	return true;
}

static void *analyse_share(void *arg)
{
	struct analysis_share *sh = arg;
	size_t i;

	while (share_take(sh, &i)) {
		sh->ret[i] = chain_analyse_run(sh->fork, sh->chains[i], sh->redundancy, sh->budget,
					       sh->out[i]);
		sh->by_worker[i] = true;
	}
	return NULL;
}

/* qsort_r: indexes into the chains @arg, most rules first. */
static int chain_size_cmp(const void *a, const void *b, void *arg)
{
	const struct chain *const *chains = arg;
	uint32_t x = chains[*(const size_t *)a]->nrules, y = chains[*(const size_t *)b]->nrules;

	return (x < y) - (x > y);
}

static bool second_cpu(void)
{
	cpu_set_t cpus;

	return sched_getaffinity(0, sizeof(cpus), &cpus) == 0 && CPU_COUNT(&cpus) > 1;
}

void chains_analyse(struct chain_cache *cc, const struct chain *const *chains, size_t n,
		    bool redundancy, size_t budget, struct rule_report **out, int *ret)
{
	uint32_t epoch = set_cache_epoch(chain_cache_sets(cc));
	struct analysis_share sh = {
		.chains = chains, .redundancy = redundancy, .budget = budget, .out = out, .ret = ret
	};
	bool *todo = xcalloc(n + 1, sizeof(*todo));
	size_t *idx = xcalloc(n + 1, sizeof(*idx)), total = 0, i;
	pthread_t worker;
	bool started = false;

	for (i = 0; i < n; i++) {
		if (memo_recall(cc, chains[i], redundancy, budget, epoch, out[i])) {
			ret[i] = 0;
			continue;
		}
		todo[i] = true;
		total += chains[i]->nrules;
	}
	/* either thread takes the chains that read no named set, largest first */
	for (i = 0; total >= PARALLEL_MIN_RULES && i < n; i++)
		if (todo[i] && !chain_reads_sets(chains[i]))
			idx[sh.n++] = i;
	if (sh.n > 1 && second_cpu()) {
		qsort_r(idx, sh.n, sizeof(*idx), chain_size_cmp, (void *)chains);
		sh.idx = idx;
		sh.by_worker = xcalloc(n + 1, sizeof(*sh.by_worker));
		atomic_init(&sh.next, 0);
		sh.fork = chain_cache_fork(cc);
		started = !pthread_create(&worker, NULL, analyse_share, &sh);
		if (!started)
			chain_cache_free(sh.fork);
		for (size_t k = 0; started && k < sh.n; k++)
			todo[idx[k]] = false; /* taken from the share instead */
	}
	for (i = 0; i < n; i++)
		if (todo[i])
			ret[i] = analyse_remembered(cc, chains[i], redundancy, budget, epoch,
						    out[i]);
	if (started) {
		while (share_take(&sh, &i))
			ret[i] = analyse_remembered(cc, chains[i], redundancy, budget, epoch,
						    out[i]);
		pthread_join(worker, NULL);
		chain_cache_free(sh.fork);
		for (size_t k = 0; k < sh.n; k++)
			if (sh.by_worker[idx[k]])
				remember(cc, chains[idx[k]], redundancy, budget, epoch, ret[idx[k]],
					 out[idx[k]]);
	}
	free(sh.by_worker);
	free(todo);
	free(idx);
}
