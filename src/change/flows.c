// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The semantic change: what happens now, and what happened at the baseline,
 * to the flows the policies name and to new connections from outside to the
 * ports the host listens on. A structural diff says "rule 12 added"; this
 * says "tcp/443 from any: accept -> drop, caused by rule handle 12".
 */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter.h>

#include "fwaudit/change.h"
#include "fwaudit/eval.h"
#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/util.h"

struct probe {
	uint32_t hook;
	char *flow;
	char *label;
};

struct probes {
	struct probe *v;
	size_t n, cap;
};

static void probe_add(struct probes *p, uint32_t hook, char *flow, char *label)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].hook == hook && !strcmp(p->v[i].flow, flow)) {
			free(flow);
			free(label);
			return;
		}
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 8;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	p->v[p->n++] = (struct probe){ hook, flow, label };
}

/* New TCP connections from outside to every port served (as the
 * blanket-inbound-block detector sees them). */
static void probe_listeners(struct probes *p, const struct ruleset *rs)
{
	for (uint32_t i = 0; i < rs->nlisteners; i++) {
		const struct listener *li = &rs->listeners[i];
		bool dual = li->family == NFPROTO_IPV6 && !strcmp(li->addr, "::");
		const char *fam = dual			       ? ""
				  : li->family == NFPROTO_IPV6 ? "family=ip6 "
							       : "family=ip ";

		if (li->proto != IPPROTO_TCP || li->loopback)
			continue;
		probe_add(p, NF_INET_LOCAL_IN,
			  xasprintf("%sproto=tcp ct=new " FLOW_FROM_OUTSIDE " dport=%u", fam,
				    li->port),
			  xasprintf("tcp/%u from any%s (listening)", li->port,
				    dual			 ? ""
				    : li->family == NFPROTO_IPV6 ? " over IPv6"
								 : " over IPv4"));
	}
}

/* The rules (or policies) that decided the classes whose verdict is not @old. */
static char *cause_of(const struct reach_result *now, enum eval_verdict old)
{
	enum eval_verdict target = reach_verdict(now);
	struct strbuf out = STRBUF_INIT, one = STRBUF_INIT;
	char *seen[3];
	size_t nseen = 0, more = 0;

	for (size_t i = 0; i < reach_nclasses(now); i++) {
		struct reach_class c;
		bool dup = false;

		reach_class_get(now, i, &c);
		if (old == EVAL_ACCEPT || old == EVAL_DROP ? c.verdict == old : c.verdict != target)
			continue;
		strbuf_truncate(&one, 0);
		reach_class_decider(now, i, &one);
		for (size_t k = 0; k < nseen; k++)
			dup |= !strcmp(seen[k], one.buf);
		if (dup)
			continue;
		if (nseen == ARRAY_SIZE(seen)) {
			more++;
			continue;
		}
		seen[nseen++] = xstrdup(one.buf);
		strbuf_addf(&out, "%s%s", out.len ? "; " : "", one.buf);
	}
	if (more)
		strbuf_addf(&out, "; and %zu more", more);
	for (size_t k = 0; k < nseen; k++)
		free(seen[k]);
	strbuf_release(&one);
	return out.len ? strbuf_detach(&out) : (strbuf_release(&out), NULL);
}

void flow_changes(const struct ruleset *base, const struct ruleset *now,
		  const struct policy_set *ps, struct changes *out)
{
	struct probes p = { 0 };

	for (size_t i = 0; ps && i < ps->n; i++)
		for (size_t k = 0; k < ps->v[i]->nexpects; k++) {
			const struct policy_expect *e = &ps->v[i]->expects[k];

			probe_add(&p, e->hook, xstrdup(e->flow),
				  xasprintf("%s (policy %s)", e->name ? e->name : e->flow,
					    ps->v[i]->id));
		}
	probe_listeners(&p, now);
	probe_listeners(&p, base);
	for (size_t i = 0; i < p.n; i++) {
		struct reach_result *ra = NULL, *rb = NULL;
		struct strbuf err = STRBUF_INIT;

		if (reach_flow(base, p.v[i].hook, p.v[i].flow, &ra, &err) == 0 &&
		    reach_flow(now, p.v[i].hook, p.v[i].flow, &rb, &err) == 0 &&
		    reach_verdict(ra) != reach_verdict(rb)) {
			struct change *ch = changes_add(out, CO_FLOW, CHANGE_CHANGED, p.v[i].label);

			p.v[i].label = NULL;
			ch->before = xstrdup(eval_verdict_name(reach_verdict(ra)));
			ch->after = xstrdup(eval_verdict_name(reach_verdict(rb)));
			ch->cause = cause_of(rb, reach_verdict(ra));
		}
		reach_result_free(ra);
		reach_result_free(rb);
		strbuf_release(&err);
		free(p.v[i].flow);
		free(p.v[i].label);
	}
	free(p.v);
}
