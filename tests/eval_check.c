// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reach checked by brute force: for every class reach reports, trace
 * representative packets of the class (interval ends, middles and random
 * values of each field) and require trace's verdict to be the class's; then
 * trace random packets of the flow and require each to fall in exactly one
 * class, with that class's verdict.
 *
 * usage: eval_check SNAPSHOT HOOK FLOW [SAMPLES] [SEED]
 * Prints "checked N packets" and exits 0, or prints each mismatch, exit 1.
 *
 * eval_check SNAPSHOT --chains: the shadowed and redundant analysis of
 * every chain, with rule guards and without, compared rule by rule.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>

#include "../src/eval/guards.h"
#include "../src/eval/reach_result.h"
#include "fwaudit/eval.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static u128 pick(const struct ivs *s)
{
	const struct iv *v = &s->v[rnd() % s->n];
	u128 w = v->hi - v->lo, r = ((u128)rnd() << 64) | rnd();

	switch (rnd() % 4) {
	case 0:
		return v->lo;
	case 1:
		return v->hi;
	case 2:
		return v->lo + w / 2;
	default:
		return w == U128_MAX ? r : v->lo + r % (w + 1);
	}
}

static void put_addr(uint8_t *b, u128 v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		b[n - 1 - i] = (uint8_t)(v >> (8 * i));
}

/* A packet of class @c (false if the class has no packet with full headers). */
static bool packet_of(const struct reach_result *r, const struct cube *c, uint8_t family,
		      uint32_t hook, struct packet *p)
{
	u128 v[PF__COUNT];
	uint32_t alen = family == NFPROTO_IPV6 ? 16 : 4;
	const char *n;

	for (int f = 0; f < PF__COUNT; f++) {
		if (!c->f[f].n)
			return false;
		v[f] = pick(&c->f[f]);
	}
	packet_defaults(p, hook);
	p->family = family;
	p->l4proto = (uint8_t)v[PF_L4PROTO];
	put_addr(p->saddr, v[PF_SADDR], alen);
	put_addr(p->daddr, v[PF_DADDR], alen);
	p->given |= 1u << PF_SADDR | 1u << PF_DADDR | 1u << PF_TCPFLAGS | 1u << PF_ICMPTYPE;
	p->sport = (uint16_t)v[PF_SPORT];
	p->dport = (uint16_t)v[PF_DPORT];
	p->tcpflags = (uint8_t)v[PF_TCPFLAGS];
	p->icmp_type = (uint8_t)v[PF_ICMPTYPE];
	p->icmp_code = (uint8_t)v[PF_ICMPCODE];
	memset(p->iifname, 0, 16);
	memset(p->oifname, 0, 16);
	n = v[PF_IIFNAME] < r->nifnames ? r->ifnames[(size_t)v[PF_IIFNAME]] : NULL;
	if (n)
		snprintf(p->iifname, 16, "%s", n);
	n = v[PF_OIFNAME] < r->nifnames ? r->ifnames[(size_t)v[PF_OIFNAME]] : NULL;
	if (n)
		snprintf(p->oifname, 16, "%s", n);
	p->iif = (uint32_t)v[PF_IIF];
	p->oif = (uint32_t)v[PF_OIF];
	p->mark = (uint32_t)v[PF_MARK];
	p->ctstate = (uint32_t)v[PF_CTSTATE];
	p->ctstatus = (uint32_t)v[PF_CTSTATUS];
	p->ctdir = (uint8_t)v[PF_CTDIR];
	p->ctmark = (uint32_t)v[PF_CTMARK];
	p->frag = v[PF_FRAG] != 0;
	p->len = (uint32_t)v[PF_LEN];
	/* reach assumes complete headers: pick a length that has them */
	if (p->len < 60) {
		struct ivs full = { 0 }, ok = { 0 };

		ivs_range(&full, 60, 65535);
		ivs_intersect(&ok, &c->f[PF_LEN], &full);
		ivs_release(&full);
		if (!ok.n)
			return false;
		p->len = (uint32_t)pick(&ok);
		ivs_release(&ok);
	}
	return true;
}

static bool in_cube(const struct cube *c, const u128 *v)
{
	for (int f = 0; f < PF__COUNT; f++) {
		bool found = false;

		for (size_t i = 0; i < c->f[f].n && !found; i++)
			found = v[f] >= c->f[f].v[i].lo && v[f] <= c->f[f].v[i].hi;
		if (!found)
			return false;
	}
	return true;
}

/* Brute-force @r's classes with the evaluator: the mismatches, printed. */
static unsigned check_result(const struct ruleset *rs, const struct reach_result *r,
			     struct evaluator *ev, uint32_t hook, unsigned samples,
			     unsigned *checked)
{
	struct strbuf d = STRBUF_INIT;
	unsigned bad = 0;

	for (size_t k = 0; k < r->n; k++) {
		const struct rclass *c = &r->v[k];

		for (unsigned s = 0; s < samples; s++) {
			struct packet p;
			struct trace t;

			if (c->verdict == EVAL_UNCERTAIN ||
			    !packet_of(r, &c->cube, c->family, hook, &p))
				break;
			evaluator_trace(ev, hook, &p, &t);
			(*checked)++;
			if (t.verdict != c->verdict) {
				strbuf_truncate(&d, 0);
				packet_describe(&p, &d);
				printf("class %zu (%s): trace says %s for %s\n", k,
				       eval_verdict_name(c->verdict), eval_verdict_name(t.verdict),
				       d.buf);
				bad++;
			}
			/* packet_verdict() (by reach, once guards are built) agrees */
			{
				enum eval_verdict v = packet_verdict(rs, hook, &p);

				if (t.verdict != EVAL_UNCERTAIN && v != t.verdict) {
					strbuf_truncate(&d, 0);
					packet_describe(&p, &d);
					printf("packet_verdict says %s, trace %s, for %s\n",
					       eval_verdict_name(v), eval_verdict_name(t.verdict),
					       d.buf);
					bad++;
				}
			}
			trace_release(&t);
		}
	}
	/* random packets of the flow's base class: exactly one class each */
	for (int fam = 0; fam < 2; fam++) {
		if (!r->has_base[fam])
			continue;
		for (unsigned s = 0; s < samples * 10; s++) {
			u128 v[PF__COUNT];
			size_t hits = 0;

			for (int f = 0; f < PF__COUNT; f++)
				v[f] = pick(&r->base[fam].f[f]);
			for (size_t k = 0; k < r->n; k++)
				if (r->v[k].family == (fam ? NFPROTO_IPV6 : NFPROTO_IPV4) &&
				    in_cube(&r->v[k].cube, v))
					hits++;
			if (hits != 1) {
				printf("a packet of the flow is in %zu classes\n", hits);
				bad++;
			}
		}
	}
	strbuf_release(&d);
	return bad;
}

/* @a (with guards) says what @b (without) does, where @b has an answer. */
static bool rules_same(const struct rule_report *a, const struct rule_report *b)
{
	if (a->fate != b->fate || a->nby != b->nby)
		return false;
	/* without guards the budget can run out before a rule's redundancy */
	if (b->redundancy_known && (!a->redundancy_known || a->redundant != b->redundant))
		return false;
	for (size_t i = 0; i < a->nby; i++) {
		size_t k = 0;

		while (k < b->nby && b->by[k]->handle != a->by[i]->handle)
			k++;
		if (k == b->nby)
			return false;
	}
	return true;
}

/*
 * Shadowed and redundant rules, with rule guards and without: every rule
 * the analysis without them decided must be decided the same with them
 * (@a and @b are the same snapshot, loaded twice: each keeps its caches).
 */
static unsigned check_chains(const struct ruleset *a, const struct ruleset *b, unsigned *checked)
{
	struct chain_cache *ca = chain_cache_new(a), *cb = chain_cache_new(b);
	unsigned bad = 0;

	for (uint32_t t = 0; t < a->ntables; t++)
		for (uint32_t k = 0; k < a->tables[t]->nchains; k++) {
			const struct chain *x = a->tables[t]->chains[k],
					   *y = b->tables[t]->chains[k];
			struct rule_report *rx = xcalloc(x->nrules + 1, sizeof(*rx));
			struct rule_report *ry = xcalloc(x->nrules + 1, sizeof(*ry));
			int ret;

			reach_use_guards = true;
			ret = chain_analyse(ca, x, true, 0, rx);
			reach_use_guards = false;
			if (ret == 0 && chain_analyse(cb, y, true, 0, ry) == 0)
				for (uint32_t i = 0; i < x->nrules; i++) {
					if (ry[i].fate == RULE_UNKNOWN)
						continue; /* out of budget without guards */
					(*checked)++;
					if (!rules_same(&rx[i], &ry[i])) {
						printf("chain %s rule %u (handle %llu): fate %d "
						       "redundant %d by %zu with guards, %d %d %zu "
						       "without\n",
						       x->name, i,
						       (unsigned long long)x->rules[i]->handle,
						       rx[i].fate, rx[i].redundant, rx[i].nby,
						       ry[i].fate, ry[i].redundant, ry[i].nby);
						bad++;
					}
				}
			reach_use_guards = true;
			free(rx);
			free(ry);
		}
	chain_cache_free(ca);
	chain_cache_free(cb);
	return bad;
}

int main(int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT;
	struct ruleset *rs = NULL;
	struct reach_result *r = NULL;
	struct evaluator *ev = NULL;
	uint32_t hook = 0;
	unsigned samples = argc > 4 ? (unsigned)atoi(argv[4]) : 20, checked = 0, bad = 0;
	char *text = NULL;
	size_t len;

	if (argc == 3 && !strcmp(argv[2], "--chains")) {
		struct ruleset *again = NULL;

		if (read_file(argv[1], &text, &len) < 0 ||
		    ruleset_from_json(text, len, argv[1], &rs, &err) < 0 ||
		    ruleset_from_json(text, len, argv[1], &again, &err) < 0) {
			fprintf(stderr, "eval_check: cannot load %s: %s\n", argv[1],
				err.buf ? err.buf : "");
			return 2;
		}
		bad = check_chains(rs, again, &checked);
		printf("eval_check: chains: %u rules decided without guards compared, %u "
		       "differ\n",
		       checked, bad);
		free(text);
		ruleset_free(rs);
		ruleset_free(again);
		return bad ? 1 : 0;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: eval_check SNAPSHOT HOOK FLOW [SAMPLES] [SEED]\n"
				"       eval_check SNAPSHOT --chains\n");
		return 2;
	}
	if (argc > 5)
		rng += strtoull(argv[5], NULL, 0) * 0x9e3779b97f4a7c15ull;
	if (read_file(argv[1], &text, &len) < 0 ||
	    ruleset_from_json(text, len, argv[1], &rs, &err) < 0 ||
	    !hook_parse(NFPROTO_IPV4, argv[2], &hook)) {
		fprintf(stderr, "eval_check: cannot load %s or hook %s: %s\n", argv[1], argv[2],
			err.buf ? err.buf : "");
		return 2;
	}
	free(text);
	ev = evaluator_new(rs);
	/*
	 * Three times: the first answer is reach's cold one; from the second on
	 * reach passes over the rules a class cannot match (rule guards), and
	 * the third answer is checked as hard as the first.
	 */
	size_t nclasses = 0;
	enum eval_verdict verdict = EVAL_DROP;

	for (int run = 0; run < 3; run++) {
		if (reach_flow(rs, hook, argv[3], &r, &err) < 0) {
			fprintf(stderr, "eval_check: %s\n", err.buf);
			return 2;
		}
		if (run != 1) {
			bad += check_result(rs, r, ev, hook, samples, &checked);
			printf("eval_check: %s %s (%s): %s, %zu classes\n", argv[2], argv[3],
			       run ? "with rule guards" : "cold", eval_verdict_name(r->verdict),
			       r->n);
		}
		nclasses = r->n;
		verdict = r->verdict;
		reach_result_free(r);
	}
	printf("eval_check: %s %s: %s, %zu classes, %u class samples traced, %u mismatches\n",
	       argv[2], argv[3], eval_verdict_name(verdict), nclasses, checked, bad);
	evaluator_free(ev);
	ruleset_free(rs);
	strbuf_release(&err);
	return bad ? 1 : 0;
}
