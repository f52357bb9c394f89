// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The built-in risk detectors. Each asks reach a question about classes of
 * packets and reports what decided the answer: the rule, or the chain
 * policy, that the on-call engineer has to change. Definitions are in
 * fwaudit-policy(5); keep the two in step.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter.h>

#include "fwaudit/eval.h"
#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/util.h"
#include "policy_internal.h"

static const char *const ports_param[] = { "ports", NULL };

/* Ports no one serves, spread over the range, standing for "any other port". */
static const uint16_t witness_ports[] = { 9, 999, 4242, 33333, 65000 };

static const uint32_t default_world_ports[] = { 22, 2375, 3306, 5432, 6379, 9200, 11211, 27017 };

/* ---- what decided: one group per rule or policy ---- */

struct hit {
	const struct rule *rule;
	const struct chain *chain;
	bool many;
	char **items;
	size_t nitems;
	unsigned families; /* bit 0 ip, bit 1 ip6 */
	struct evidence evidence;
	struct subject subject;
	bool has_subject;
};

struct hits {
	struct hit *v;
	size_t n, cap;
};

static struct hit *hit_for(struct hits *h, const struct reach_result *r, size_t i, uint32_t hook)
{
	struct reach_class k;
	struct hit *x;

	reach_class_get(r, i, &k);
	for (size_t j = 0; j < h->n; j++)
		if (h->v[j].rule == k.rule && h->v[j].chain == k.chain && h->v[j].many == k.many)
			return &h->v[j];
	GROW(h->v, h->n, h->cap);
	x = &h->v[h->n++];
	memset(x, 0, sizeof(*x));
	x->rule = k.rule;
	x->chain = k.chain;
	x->many = k.many;
	subject_of_class(&x->subject, r, i, hook);
	x->has_subject = true;
	return x;
}

static void hit_item(struct hit *x, const char *item)
{
	for (size_t i = 0; i < x->nitems; i++)
		if (!strcmp(x->items[i], item))
			return;
	x->items = xrealloc(x->items, (x->nitems + 1) * sizeof(*x->items));
	x->items[x->nitems++] = xstrdup(item);
}

/* Record class @i of @r as evidence of @x. */
static void hit_class(struct hit *x, const struct reach_result *r, size_t i)
{
	struct reach_class k;

	reach_class_get(r, i, &k);
	x->families |= k.family == NFPROTO_IPV6 ? 2 : 1;
	evidence_add_class(&x->evidence, r, i);
}

static void hits_release(struct hits *h)
{
	for (size_t j = 0; j < h->n; j++) {
		struct hit *x = &h->v[j];

		for (size_t i = 0; i < x->nitems; i++)
			free(x->items[i]);
		free(x->items);
		evidence_release(&x->evidence);
		subject_release(&x->subject);
	}
	free(h->v);
}

/* "rule handle 4 in inet filter input (drop)", "the policy of ...", ... */
static void decider_words(const struct hit *x, struct strbuf *out)
{
	if (x->many) {
		strbuf_addstr(out, "several rules");
	} else if (x->rule) {
		strbuf_addf(out, "rule handle %llu in %s %s %s (%s)",
			    (unsigned long long)x->rule->handle, x->subject.family,
			    x->subject.table, x->subject.chain, x->subject.rule);
	} else if (x->chain) {
		strbuf_addf(out, "the %s policy of %s %s %s",
			    x->chain->has_policy && x->chain->policy == NF_DROP ? "drop" : "accept",
			    x->subject.family, x->subject.table, x->subject.chain);
	} else {
		strbuf_addstr(out, "no base chain at the hook");
	}
}

static const char *families_words(unsigned f)
{
	return f == 3 ? "IPv4 and IPv6" : f == 2 ? "IPv6" : "IPv4";
}

/*
 * Turn each hit into a finding: "@what ITEMS @after (FAMILIES) by DECIDER@tail".
 * @after and @tail may be NULL.
 */
static void hits_emit(struct hits *h, const struct policy *po, const struct policy_detect *pd,
		      const char *what, const char *after, const char *tail, struct findings *out)
{
	for (size_t j = 0; j < h->n; j++) {
		struct hit *x = &h->v[j];
		struct strbuf msg = STRBUF_INIT, items = STRBUF_INIT;
		struct finding *f;

		for (size_t i = 0; i < x->nitems; i++)
			strbuf_addf(&items, "%s%s", i ? ", " : "", x->items[i]);
		f = finding_add(out, po, pd->id,
				pd->severity >= 0 ? pd->severity
						  : (int)detector_find(pd->id)->severity);
		strbuf_addstr(&msg, what);
		if (x->nitems)
			strbuf_addf(&msg, " %s", items.buf);
		if (after)
			strbuf_addf(&msg, " %s", after);
		strbuf_addf(&msg, " (%s) by ", families_words(x->families));
		decider_words(x, &msg);
		if (tail)
			strbuf_addstr(&msg, tail);
		f->message = strbuf_detach(&msg);
		f->subject = x->subject;
		memset(&x->subject, 0, sizeof(x->subject));
		f->evidence = x->evidence;
		f->evidence.text_max = 10;
		memset(&x->evidence, 0, sizeof(x->evidence));
		f->loc = pd->loc;
		finding_set_id(f, NULL);
		strbuf_release(&items);
	}
}

static struct reach_result *probe(const struct ruleset *rs, uint32_t hook, const char *flow)
{
	struct reach_result *r = NULL;
	struct strbuf err = STRBUF_INIT;

	if (reach_flow(rs, hook, flow, &r, &err) < 0) {
		/* the detectors' flows are fixed text: a failure is a bug here */
		errmsg("internal flow '%s' rejected: %s", flow, err.buf);
		abort();
	}
	strbuf_release(&err);
	return r;
}

/* Served ports: (proto, port, families) */
struct served {
	uint8_t proto;
	uint16_t port;
	unsigned families, blocked;
};

static void served_add(struct served **v, size_t *n, uint8_t proto, uint32_t lo, uint32_t hi,
		       unsigned fams)
{
	for (uint32_t p = lo; p <= hi && *n < 4096; p++) {
		size_t i;

		for (i = 0; i < *n; i++)
			if ((*v)[i].proto == proto && (*v)[i].port == p)
				break;
		if (i == *n) {
			*v = xrealloc(*v, (*n + 1) * sizeof(**v));
			(*v)[(*n)++] = (struct served){ proto, (uint16_t)p, 0, 0 };
		}
		(*v)[i].families |= fams;
	}
}

/* The proto and dport items of an expect flow ("proto=tcp dport=80,443"). */
static void served_from_expect(const struct policy_expect *e, struct served **v, size_t *n)
{
	const char *pp = strstr(e->flow, "proto="), *dp = strstr(e->flow, "dport=");
	const char *fp = strstr(e->flow, "family=");
	uint8_t proto = IPPROTO_TCP;
	unsigned fams = 3;
	char *list, *tok, *save = NULL;

	if (e->verdict != EVAL_ACCEPT || e->hook != NF_INET_LOCAL_IN || !dp || dp[6] == '!')
		return;
	if (pp && !strncmp(pp + 6, "udp", 3) && (pp[9] == ' ' || !pp[9]))
		proto = IPPROTO_UDP;
	else if (pp && strncmp(pp + 6, "tcp", 3))
		return;
	if (fp)
		fams = !strncmp(fp + 7, "ip6", 3) ? 2 : 1;
	list = xstrndup(dp + 6, strcspn(dp + 6, " "));
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		unsigned long lo = strtoul(tok, &end, 10), hi = lo;

		if (*end == '-')
			hi = strtoul(end + 1, NULL, 10);
		if (hi - lo < 64)
			served_add(v, n, proto, (uint32_t)lo, (uint32_t)hi, fams);
	}
	free(list);
}

/*
 * Class @c drops new connections to served ports and also ports nobody
 * serves: the rule or policy behind it does not look at the port (a rule
 * naming only served ports is a deliberate block).
 */
static bool blanket_class(const struct reach_result *r, size_t c, const struct served *sv,
			  size_t nsv, uint8_t pr, int fam)
{
	struct reach_class k;
	uint64_t inside = 0;

	reach_class_get(r, c, &k);
	if (k.verdict != EVAL_DROP)
		return false;
	for (size_t i = 0; i < nsv; i++)
		if (sv[i].proto == pr && (sv[i].families & (1u << fam)) &&
		    reach_class_holds(r, c, PF_DPORT, sv[i].port))
			inside++;
	return inside && reach_class_count(r, c, PF_DPORT) > inside;
}

/*
 * Served port @port is blocked for every source: every class that holds it
 * is dropped by a port-blind rule or policy (the classes may split the
 * sources between them, as a policy behind an accept for one range does).
 */
static bool port_blocked(const struct reach_result *r, const struct served *sv, size_t nsv,
			 uint8_t pr, int fam, uint16_t port)
{
	bool any = false;

	for (size_t c = 0; c < reach_nclasses(r); c++) {
		if (!reach_class_holds(r, c, PF_DPORT, port))
			continue;
		any = true;
		if (!blanket_class(r, c, sv, nsv, pr, fam))
			return false;
	}
	return any;
}

static void detect_blanket(const struct policy *po, const struct policy_detect *pd,
			   const struct ruleset *rs, struct findings *out)
{
	struct served *sv = NULL;
	size_t nsv = 0;
	struct hits h = { 0 };
	struct reach_result *res[2][2] = { { NULL } };
	for (uint32_t i = 0; i < rs->nlisteners; i++) {
		const struct listener *li = &rs->listeners[i];

		/* TCP only: bound UDP sockets (mDNS, DHCP clients) are not services */
		if (li->proto != IPPROTO_TCP || li->loopback)
			continue;
		/* "::" also takes IPv4 unless the socket is v6only, which /proc does not show */
		served_add(&sv, &nsv, li->proto, li->port, li->port,
			   li->family == NFPROTO_IPV6 && !strcmp(li->addr, "::") ? 3
			   : li->family == NFPROTO_IPV6				 ? 2
										 : 1);
	}
	for (size_t i = 0; i < po->nexpects; i++)
		served_from_expect(&po->expects[i], &sv, &nsv);
	for (size_t i = 0; i < pd->nports; i++)
		served_add(&sv, &nsv, IPPROTO_TCP, pd->ports[i][0], pd->ports[i][1],
			   3); /* pass 1: where each served port is blocked for every source */
	for (int proto = 0; proto < 2; proto++) {
		uint8_t pr = proto ? IPPROTO_UDP : IPPROTO_TCP;

		for (int fam = 0; fam < 2; fam++) {
			struct strbuf flow = STRBUF_INIT;
			bool any = false;

			for (size_t i = 0; i < nsv; i++)
				any |= sv[i].proto == pr && (sv[i].families & (1u << fam));
			if (!any)
				continue;
			/*
			 * the served ports and a few that nobody serves: a class
			 * holding both is port-blind. Leaving dport free instead
			 * would split on every port rule of the ruleset.
			 */
			strbuf_addf(&flow, "family=%s proto=%s ct=new " FLOW_FROM_OUTSIDE " dport=",
				    fam ? "ip6" : "ip", proto ? "udp" : "tcp");
			for (size_t i = 0; i < nsv; i++)
				if (sv[i].proto == pr && (sv[i].families & (1u << fam)))
					strbuf_addf(&flow, "%u,", sv[i].port);
			for (size_t w = 0; w < ARRAY_SIZE(witness_ports); w++) {
				bool served = false;

				for (size_t i = 0; i < nsv; i++)
					served |=
						sv[i].proto == pr && sv[i].port == witness_ports[w];
				if (!served)
					strbuf_addf(&flow, "%u,", witness_ports[w]);
			}
			strbuf_truncate(&flow, flow.len - 1);
			res[proto][fam] = probe(rs, NF_INET_LOCAL_IN, flow.buf);
			strbuf_release(&flow);
			for (size_t i = 0; i < nsv; i++)
				if (sv[i].proto == pr && (sv[i].families & (1u << fam)) &&
				    port_blocked(res[proto][fam], sv, nsv, pr, fam, sv[i].port))
					sv[i].blocked |= 1u << fam;
		}
	}
	/*
	 * pass 2: report a port only where it is blocked in every family it
	 * is served in; a port accepted from somewhere (ssh from a management
	 * range over IPv4) is restricted on purpose, not blocked
	 */
	for (int proto = 0; proto < 2; proto++) {
		uint8_t pr = proto ? IPPROTO_UDP : IPPROTO_TCP;

		for (int fam = 0; fam < 2; fam++) {
			struct reach_result *r = res[proto][fam];

			if (!r)
				continue;
			for (size_t c = 0; c < reach_nclasses(r); c++) {
				struct hit *x = NULL;
				if (!blanket_class(r, c, sv, nsv, pr, fam))
					continue;
				for (size_t i = 0; i < nsv; i++) {
					char item[16];

					if (sv[i].proto != pr || !(sv[i].families & (1u << fam)) ||
					    sv[i].blocked != sv[i].families ||
					    !reach_class_holds(r, c, PF_DPORT, sv[i].port))
						continue;
					if (!x)
						x = hit_for(&h, r, c, NF_INET_LOCAL_IN);
					snprintf(item, sizeof(item), "%s/%u", proto ? "udp" : "tcp",
						 sv[i].port);
					hit_item(x, item);
				}
				if (x)
					hit_class(x, r, c);
			}
		}
	}
	hits_emit(&h, po, pd, "new connections to served ports", "are dropped for every source",
		  NULL, out);
	hits_release(&h);
	for (int i = 0; i < 4; i++)
		reach_result_free(res[i / 2][i % 2]);
	free(sv);
}

/* Every class of every family of @flow at @hook is dropped (or accepted). */
static void detect_all(const struct policy *po, const struct policy_detect *pd,
		       const struct ruleset *rs, uint32_t hook, const char *flow,
		       enum eval_verdict want, const char *what, const char *tail,
		       struct findings *out)
{
	struct reach_result *r;
	struct hits h = { 0 };

	r = probe(rs, hook, flow);
	if (reach_verdict(r) == want && reach_nclasses(r)) {
		for (size_t c = 0; c < reach_nclasses(r); c++)
			hit_class(hit_for(&h, r, c, hook), r, c);
	}
	reach_result_free(r);
	hits_emit(&h, po, pd, what, NULL, tail, out);
	hits_release(&h);
}

/* Some class of @flow is dropped (for every source when @all_sources). */
static void detect_some(const struct policy *po, const struct policy_detect *pd,
			const struct ruleset *rs, const char *flow, bool all_sources,
			const char *what, struct findings *out)
{
	struct reach_result *r = probe(rs, NF_INET_LOCAL_IN, flow);
	struct hits h = { 0 };

	for (size_t c = 0; c < reach_nclasses(r); c++) {
		struct reach_class k;

		reach_class_get(r, c, &k);
		if (k.verdict != EVAL_DROP || (all_sources && !reach_class_spans(r, c, PF_SADDR)))
			continue;
		hit_class(hit_for(&h, r, c, NF_INET_LOCAL_IN), r, c);
	}
	reach_result_free(r);
	hits_emit(&h, po, pd, what, NULL, NULL, out);
	hits_release(&h);
}

static bool hook_has_chain(const struct ruleset *rs, uint32_t hook, uint32_t family)
{
	for (uint32_t i = 0; i < rs->ntables; i++) {
		const struct table *t = rs->tables[i];

		if (t->family != family && t->family != NFPROTO_INET)
			continue;
		if (t->flags & 1) /* dormant */
			continue;
		for (uint32_t k = 0; k < t->nchains; k++)
			if (t->chains[k]->base && t->chains[k]->hooknum == hook)
				return true;
	}
	return false;
}

/*
 * A new connection a filter would drop, traced as one packet per family:
 * when the ruleset drops it, not every packet is accepted, and the reach
 * over every packet (costly on big rulesets) is not needed to know it.
 */
static bool witness_dropped(const struct ruleset *rs, uint32_t hook)
{
	static const char *const specs[] = {
		"family=ip proto=tcp saddr=203.0.113.9 daddr=198.51.100.1 dport=4242 ct=new "
		"iif=eth0 iifindex=2",
		"family=ip6 proto=tcp saddr=2001:db8::9 daddr=2001:db8::1 dport=4242 ct=new "
		"iif=eth0 iifindex=2",
	};
	bool dropped = false;

	for (size_t i = 0; i < ARRAY_SIZE(specs) && !dropped; i++) {
		struct strbuf err = STRBUF_INIT;
		struct packet p;

		packet_defaults(&p, hook);
		if (packet_parse(specs[i], &p, &err) == 0)
			dropped = packet_verdict(rs, hook, &p) == EVAL_DROP;
		strbuf_release(&err);
	}
	return dropped;
}

static void detect_world_open(const struct policy *po, const struct policy_detect *pd,
			      const struct ruleset *rs, struct findings *out)
{
	struct strbuf flow = STRBUF_INIT;
	struct reach_result *r;
	struct hits h = { 0 };

	strbuf_addstr(&flow, "proto=tcp ct=new " FLOW_FROM_OUTSIDE " dport=");
	if (pd->nports)
		for (size_t i = 0; i < pd->nports; i++)
			strbuf_addf(&flow, "%s%u-%u", i ? "," : "", pd->ports[i][0],
				    pd->ports[i][1]);
	else
		for (size_t i = 0; i < ARRAY_SIZE(default_world_ports); i++)
			strbuf_addf(&flow, "%s%u", i ? "," : "", default_world_ports[i]);
	r = probe(rs, NF_INET_LOCAL_IN, flow.buf);
	for (size_t c = 0; c < reach_nclasses(r); c++) {
		struct reach_class k;
		struct hit *x = NULL;

		reach_class_get(r, c, &k);
		if (k.verdict != EVAL_ACCEPT || !reach_class_spans(r, c, PF_SADDR))
			continue;
		for (size_t i = 0; i < (pd->nports ? pd->nports : ARRAY_SIZE(default_world_ports));
		     i++) {
			uint32_t lo = pd->nports ? pd->ports[i][0] : default_world_ports[i];
			uint32_t hi = pd->nports ? pd->ports[i][1] : lo;

			for (uint32_t p = lo; p <= hi && p - lo < 64; p++) {
				char item[48];
				bool listening = false;

				if (!reach_class_holds(r, c, PF_DPORT, p))
					continue;
				for (uint32_t l = 0; l < rs->nlisteners; l++)
					listening |= rs->listeners[l].proto == IPPROTO_TCP &&
						     rs->listeners[l].port == p &&
						     !rs->listeners[l].loopback;
				if (!x)
					x = hit_for(&h, r, c, NF_INET_LOCAL_IN);
				snprintf(item, sizeof(item), "tcp/%u%s", p,
					 listening ? " (listening)" : "");
				hit_item(x, item);
			}
		}
		if (x)
			hit_class(x, r, c);
	}
	reach_result_free(r);
	hits_emit(&h, po, pd, "management ports", "are accepted from any source", NULL, out);
	hits_release(&h);
	strbuf_release(&flow);
}

static void detect_no_established(const struct policy *po, const struct policy_detect *pd,
				  const struct ruleset *rs, struct findings *out)
{
	struct strbuf flow = STRBUF_INIT;

	/* replies to the host's own connections arrive on its ephemeral ports */
	strbuf_addstr(&flow, "proto=tcp,udp ct=established " FLOW_FROM_OUTSIDE " dport=");
	if (pd->nports)
		for (size_t i = 0; i < pd->nports; i++)
			strbuf_addf(&flow, "%s%u-%u", i ? "," : "", pd->ports[i][0],
				    pd->ports[i][1]);
	else
		strbuf_addstr(&flow, "32768-60999");
	detect_some(po, pd, rs, flow.buf, true,
		    "replies to the host's own connections (ct state established, to its ephemeral "
		    "ports) are dropped for every source",
		    out);
	strbuf_release(&flow);
}

/* No chain at all is empty-ruleset's finding at input; forward without
 * chains is the norm on hosts that do not route. */
static void detect_accept_all(const struct policy *po, const struct policy_detect *pd,
			      const struct ruleset *rs, struct findings *out)
{
	if ((hook_has_chain(rs, NF_INET_LOCAL_IN, NFPROTO_IPV4) ||
	     hook_has_chain(rs, NF_INET_LOCAL_IN, NFPROTO_IPV6)) &&
	    !witness_dropped(rs, NF_INET_LOCAL_IN))
		detect_all(po, pd, rs, NF_INET_LOCAL_IN, "ct=new " FLOW_FROM_OUTSIDE, EVAL_ACCEPT,
			   "every new connection arriving at input is accepted", NULL, out);
	if ((hook_has_chain(rs, NF_INET_FORWARD, NFPROTO_IPV4) ||
	     hook_has_chain(rs, NF_INET_FORWARD, NFPROTO_IPV6)) &&
	    !witness_dropped(rs, NF_INET_FORWARD))
		detect_all(po, pd, rs, NF_INET_FORWARD, "ct=new", EVAL_ACCEPT,
			   "every new connection forwarded is accepted", NULL, out);
}

static void detect_no_loopback(const struct policy *po, const struct policy_detect *pd,
			       const struct ruleset *rs, struct findings *out)
{
	detect_some(po, pd, rs,
		    "family=ip iif=lo iifindex=1 saddr=127.0.0.0/8 daddr=127.0.0.0/8 "
		    "ct=new,established,related,untracked",
		    false, "loopback traffic is dropped", out);
	detect_some(po, pd, rs,
		    "family=ip6 iif=lo iifindex=1 saddr=::1 daddr=::1 "
		    "ct=new,established,related,untracked",
		    false, "loopback traffic is dropped", out);
}

static void detect_icmp_blocked(const struct policy *po, const struct policy_detect *pd,
				const struct ruleset *rs, struct findings *out)
{
	detect_all(po, pd, rs, NF_INET_LOCAL_IN,
		   "family=ip proto=1 icmp-type=3 icmp-code=4 ct=related " FLOW_FROM_OUTSIDE,
		   EVAL_DROP, "ICMP fragmentation-needed is dropped for every source",
		   "; path MTU discovery breaks", out);
	detect_all(po, pd, rs, NF_INET_LOCAL_IN,
		   "family=ip6 proto=58 icmp-type=2 ct=related " FLOW_FROM_OUTSIDE, EVAL_DROP,
		   "ICMPv6 packet-too-big is dropped for every source",
		   "; path MTU discovery breaks", out);
	detect_all(po, pd, rs, NF_INET_LOCAL_IN,
		   "family=ip6 proto=58 icmp-type=135,136 ct=untracked " FLOW_FROM_OUTSIDE,
		   EVAL_DROP,
		   "ICMPv6 neighbour solicitations and advertisements are dropped for every source",
		   "; IPv6 neighbour discovery breaks", out);
}

static void detect_empty(const struct policy *po, const struct policy_detect *pd,
			 const struct ruleset *rs, struct findings *out)
{
	bool v4 = hook_has_chain(rs, NF_INET_LOCAL_IN, NFPROTO_IPV4);
	bool v6 = hook_has_chain(rs, NF_INET_LOCAL_IN, NFPROTO_IPV6);
	struct finding *f;

	if (v4 && v6)
		return;
	f = finding_add(out, po, pd->id,
			pd->severity >= 0 ? pd->severity
			: v4 || v6	  ? SEV_MEDIUM
					  : (int)detector_find(pd->id)->severity);
	f->subject.kind = SUBJ_HOOK;
	f->subject.hook = xstrdup("input");
	f->message = xasprintf("no base chain filters %s input: every such packet is accepted",
			       v4   ? "IPv6"
			       : v6 ? "IPv4"
				    : "IPv4 or IPv6");
	f->loc = pd->loc;
	finding_set_id(f, NULL);
}

/* Every detector: one row, with the function that runs it. */
const struct detector_info detectors[] = {
	{ "blanket-inbound-block", SEV_CRITICAL,
	  "a port the host serves is dropped for every source by a rule or policy that does not "
	  "look at the port",
	  ports_param, detect_blanket },
	{ "accept-all", SEV_HIGH, "input or forward accepts every new connection", NULL,
	  detect_accept_all },
	{ "world-open", SEV_HIGH, "a management port is accepted from any source", ports_param,
	  detect_world_open },
	{ "no-established", SEV_MEDIUM, "return traffic of the host's own connections is dropped",
	  ports_param, detect_no_established },
	{ "no-loopback", SEV_MEDIUM, "loopback traffic is dropped", NULL, detect_no_loopback },
	{ "icmp-blocked", SEV_MEDIUM,
	  "ICMP that path MTU discovery or IPv6 neighbour discovery needs is dropped", NULL,
	  detect_icmp_blocked },
	{ "shadowed-rule", SEV_LOW,
	  "a rule never matches because earlier rules of its chain decide every packet it would "
	  "match",
	  NULL, detect_rules },
	{ "redundant-rule", SEV_INFO,
	  "removing a rule would change no verdict: the rules after it decide the same", NULL,
	  detect_rules },
	{ "empty-ruleset", SEV_HIGH, "no base chain filters input", NULL, detect_empty },
	{ NULL, 0, NULL, NULL, NULL },
};

const struct detector_info *detector_find(const char *id)
{
	for (size_t i = 0; detectors[i].id; i++)
		if (!strcmp(detectors[i].id, id))
			return &detectors[i];
	return NULL;
}

void detect_run(const struct policy *po, const struct policy_detect *pd, const struct ruleset *rs,
		struct findings *out)
{
	/* the loader accepts only the ids of this table */
	detector_find(pd->id)->run(po, pd, rs, out);
}
