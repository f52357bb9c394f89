// SPDX-License-Identifier: GPL-2.0-or-later
/* reach answers as text for people and JSON for programs (docs/eval.md). */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter.h>

#include "eval_internal.h"
#include "reach_result.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

#define TEXT_CLASSES 50
#define ITEMS_MAX    12

static void addr_print(struct strbuf *out, u128 v, bool v6)
{
	uint8_t b[16];
	char s[INET6_ADDRSTRLEN];
	uint32_t n = v6 ? 16 : 4;

	for (uint32_t i = 0; i < n; i++)
		b[n - 1 - i] = (uint8_t)(v >> (8 * i));
	strbuf_addstr(out, inet_ntop(v6 ? AF_INET6 : AF_INET, b, s, sizeof(s)));
}

/* One item per prefix an interval of addresses splits into; more than @max: none
 * kept (freed) and @max + 1 returned. */
static size_t addr_items(u128 lo, u128 hi, bool v6, char **items, size_t max)
{
	uint32_t bits = v6 ? 128 : 32;
	size_t n = 0;

	for (;;) {
		uint32_t k = 0; /* host bits of the largest block at lo within [lo, hi] */
		struct strbuf sb = STRBUF_INIT;

		/* k + 1 < bits first: a shift by the whole width is undefined */
		while (k + 1 < bits && !(lo & ((u128)1 << k)) &&
		       (lo | (((u128)1 << (k + 1)) - 1)) <= hi)
			k++;
		if (k == bits - 1 && lo == 0 && (hi == (v6 ? U128_MAX : 0xffffffffu)))
			k = bits;
		if (n == max) {
			for (size_t j = 0; j < n; j++)
				free(items[j]);
			return max + 1;
		}
		addr_print(&sb, lo, v6);
		if (k)
			strbuf_addf(&sb, "/%u", bits - k);
		items[n++] = strbuf_detach(&sb);
		if (k == bits)
			break;
		{
			u128 end = lo | (((u128)1 << k) - 1);

			if (end >= hi)
				break;
			lo = end + 1;
		}
	}
	return n;
}

static const char *ifclass(const struct reach_result *r, u128 i, char *buf, size_t len)
{
	const char *n = i < r->nifnames ? r->ifnames[(size_t)i] : NULL;
	size_t l;

	if (!n)
		return "(none)";
	if (!strcmp(n, "~other~"))
		return "(any other name)";
	l = strlen(n);
	if (l && n[l - 1] == '~') {
		snprintf(buf, len, "%.*s* (other names starting with %.*s)", (int)(l - 1), n,
			 (int)(l - 1), n);
		return buf;
	}
	return n;
}

/* The items describing @s for field @f; returns their count (> max: too many). */
static size_t items_of(const struct reach_result *r, int f, bool v6, const struct ivs *s,
		       char **items, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++) {
		u128 lo = s->v[i].lo, hi = s->v[i].hi;
		struct strbuf sb = STRBUF_INIT;

		if (f == PF_SADDR || f == PF_DADDR) {
			size_t k = addr_items(lo, hi, v6, items + n, max - n);

			if (k > max - n) {
				for (size_t j = 0; j < n; j++)
					free(items[j]);
				return max + 1;
			}
			n += k;
			continue;
		}
		if (n == max) {
			for (size_t j = 0; j < n; j++)
				free(items[j]);
			return max + 1;
		}
		if (f == PF_IIFNAME || f == PF_OIFNAME) {
			char buf[64];

			for (u128 v = lo; v <= hi && n < max; v++) {
				items[n++] = xstrdup(ifclass(r, v, buf, sizeof(buf)));
				if (v == hi)
					break;
			}
			continue;
		}
		if (f == PF_L4PROTO && lo == hi) {
			static const struct {
				uint8_t p;
				const char *n;
			} names[] = { { 1, "icmp" },	  { 6, "tcp" },	   { 17, "udp" },
				      { 58, "icmpv6" },	  { 132, "sctp" }, { 33, "dccp" },
				      { 136, "udplite" }, { 47, "gre" },   { 50, "esp" } };
			const char *nm = NULL;

			for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
				if (names[k].p == lo)
					nm = names[k].n;
			if (nm) {
				items[n++] = xstrdup(nm);
				continue;
			}
		}
		if (f == PF_CTSTATE && lo == hi) {
			static const char *const st[] = {
				[1] = "invalid", [2] = "established", [4] = "related", [8] = "new"
			};

			items[n++] = xstrdup(lo == 64		     ? "untracked"
					     : lo < 9 && st[(int)lo] ? st[(int)lo]
								     : "?");
			continue;
		}
		if (f == PF_FRAG) {
			items[n++] = xstrdup(lo ? "yes" : "no");
			continue;
		}
		if (f == PF_MARK || f == PF_CTMARK || f == PF_CTSTATUS || f == PF_TCPFLAGS)
			strbuf_addf(&sb, "0x%llx", (unsigned long long)lo);
		else
			strbuf_addf(&sb, "%llu", (unsigned long long)lo);
		if (hi != lo) {
			if (f == PF_MARK || f == PF_CTMARK || f == PF_CTSTATUS || f == PF_TCPFLAGS)
				strbuf_addf(&sb, "-0x%llx", (unsigned long long)hi);
			else
				strbuf_addf(&sb, "-%llu", (unsigned long long)hi);
		}
		items[n++] = strbuf_detach(&sb);
	}
	return n;
}

static void items_emit(struct strbuf *out, char **items, size_t n, bool json)
{
	for (size_t i = 0; i < n; i++) {
		if (json) {
			strbuf_addstr(out, i ? "," : "");
			strbuf_addjson(out, items[i]);
		} else {
			strbuf_addstr(out, i ? ", " : "");
			strbuf_addstr(out, items[i]);
		}
		free(items[i]);
	}
}

void reach_describe_class(const struct reach_result *r, const struct rclass *c, bool json,
			  struct strbuf *out)
{
	int k = c->family == NFPROTO_IPV6;
	const struct cube *base = &r->base[k];
	bool first = true;

	for (int f = 0; f < PF__COUNT; f++) {
		const struct ivs *s = &c->cube.f[f];
		struct ivs rest = { 0 };
		char *in[ITEMS_MAX + 1], *out_items[ITEMS_MAX + 1];
		size_t nin, nout;
		bool neg;

		if (!r->has_base[k] || ivs_equal(s, &base->f[f]))
			continue;
		ivs_subtract(&rest, &base->f[f], s);
		nin = items_of(r, f, k, s, in, ITEMS_MAX);
		nout = items_of(r, f, k, &rest, out_items, ITEMS_MAX);
		ivs_release(&rest);
		neg = nout < nin;
		if (!neg && nout <= ITEMS_MAX)
			for (size_t i = 0; i < nout; i++)
				free(out_items[i]);
		if (neg && nin <= ITEMS_MAX)
			for (size_t i = 0; i < nin; i++)
				free(in[i]);
		if (json) {
			strbuf_addf(out, "%s\"%s\":{\"%s\":[", first ? "" : ",", pkt_field_name(f),
				    neg ? "not" : "in");
			if ((neg ? nout : nin) <= ITEMS_MAX)
				items_emit(out, neg ? out_items : in, neg ? nout : nin, true);
			strbuf_addf(out, "]%s}",
				    (neg ? nout : nin) > ITEMS_MAX ? ",\"truncated\":true" : "");
		} else {
			strbuf_addf(out, "%s%s %s", first ? "" : "; ", pkt_field_name(f),
				    neg ? "not in " : "");
			if ((neg ? nout : nin) <= ITEMS_MAX)
				items_emit(out, neg ? out_items : in, neg ? nout : nin, false);
			else
				strbuf_addstr(out, "(too many ranges to list)");
		}
		first = false;
	}
	if (first && !json)
		strbuf_addstr(out, "every packet of the flow");
}

static const char *fam_name(uint8_t f)
{
	return f == NFPROTO_IPV6 ? "ip6" : "ip";
}

static void decider_describe(const struct decider *d, struct strbuf *out)
{
	if (d->many) {
		strbuf_addstr(out, "several rules");
	} else if (d->rule) {
		strbuf_addf(out, "rule handle %llu in ", (unsigned long long)d->rule->handle);
		chain_describe(d->chain, out);
	} else if (d->chain) {
		strbuf_addstr(out, "policy of ");
		chain_describe(d->chain, out);
	} else {
		strbuf_addstr(out, "no base chain at the hook");
	}
}

size_t reach_nclasses(const struct reach_result *r)
{
	return r->n;
}

void reach_class_get(const struct reach_result *r, size_t i, struct reach_class *out)
{
	const struct rclass *c = &r->v[i];

	out->family = c->family;
	out->verdict = c->verdict;
	out->rule = c->by.many ? NULL : c->by.rule;
	out->chain = c->by.many ? NULL : c->by.chain;
	out->many = c->by.many;
	out->reason = c->reason;
}

bool reach_class_spans(const struct reach_result *r, size_t i, enum pkt_field f)
{
	const struct rclass *c = &r->v[i];
	int k = c->family == NFPROTO_IPV6;

	return r->has_base[k] && ivs_equal(&c->cube.f[f], &r->base[k].f[f]);
}

bool reach_class_holds(const struct reach_result *r, size_t i, enum pkt_field f, uint64_t v)
{
	const struct ivs *s = &r->v[i].cube.f[f];

	for (size_t k = 0; k < s->n; k++)
		if (s->v[k].lo <= v && v <= s->v[k].hi)
			return true;
	return false;
}

uint64_t reach_class_count(const struct reach_result *r, size_t i, enum pkt_field f)
{
	return (uint64_t)ivs_count(&r->v[i].cube.f[f], UINT64_MAX);
}

void reach_class_describe(const struct reach_result *r, size_t i, bool json, struct strbuf *out)
{
	reach_describe_class(r, &r->v[i], json, out);
}

void reach_class_decider(const struct reach_result *r, size_t i, struct strbuf *out)
{
	decider_describe(&r->v[i].by, out);
}

void reach_render_text(const struct reach_result *r, struct strbuf *out)
{
	bool both = r->has_base[0] && r->has_base[1];

	strbuf_addf(out, "reach at hook %s for '%s': %s\n", hook_name(NFPROTO_IPV4, r->hook),
		    r->flow, eval_verdict_name(r->verdict));
	for (size_t i = 0; i < r->n && i < TEXT_CLASSES; i++) {
		const struct rclass *c = &r->v[i];

		strbuf_addf(out, "  %-9s ", eval_verdict_name(c->verdict));
		if (both)
			strbuf_addf(out, "family %s; ", fam_name(c->family));
		reach_describe_class(r, c, false, out);
		strbuf_addstr(out, "\n            by ");
		decider_describe(&c->by, out);
		if (c->reason)
			strbuf_addf(out, "\n            because %s", c->reason);
		strbuf_addch(out, '\n');
	}
	if (r->n > TEXT_CLASSES)
		strbuf_addf(out, "  ... and %zu more classes (--format json lists them all)\n",
			    r->n - TEXT_CLASSES);
	if (r->reason)
		strbuf_addf(out, "reason: %s\n", r->reason);
	if (r->assumptions)
		strbuf_addf(out, "assuming: %s\n", r->assumptions);
}

void reach_render_json(const struct reach_result *r, struct strbuf *out)
{
	strbuf_addstr(out, "{\"hook\":");
	strbuf_addjson(out, hook_name(NFPROTO_IPV4, r->hook));
	strbuf_addstr(out, ",\"flow\":");
	strbuf_addjson(out, r->flow);
	strbuf_addstr(out, ",\"verdict\":");
	strbuf_addjson(out, eval_verdict_name(r->verdict));
	strbuf_addstr(out, ",\"reason\":");
	if (r->reason)
		strbuf_addjson(out, r->reason);
	else
		strbuf_addstr(out, "null");
	strbuf_addstr(out, ",\"assumptions\":");
	if (r->assumptions)
		strbuf_addjson(out, r->assumptions);
	else
		strbuf_addstr(out, "null");
	strbuf_addstr(out, ",\"classes\":[");
	for (size_t i = 0; i < r->n; i++) {
		const struct rclass *c = &r->v[i];

		strbuf_addf(out,
			    "%s{\"family\":\"%s\",\"verdict\":\"%s\",\"reason\":", i ? "," : "",
			    fam_name(c->family), eval_verdict_name(c->verdict));
		if (c->reason)
			strbuf_addjson(out, c->reason);
		else
			strbuf_addstr(out, "null");
		strbuf_addstr(out, ",\"by\":");
		{
			struct strbuf by = STRBUF_INIT;

			decider_describe(&c->by, &by);
			strbuf_addjson(out, by.buf);
			strbuf_release(&by);
		}
		strbuf_addstr(out, ",\"fields\":{");
		reach_describe_class(r, c, true, out);
		strbuf_addstr(out, "}}");
	}
	strbuf_addstr(out, "]}\n");
}
