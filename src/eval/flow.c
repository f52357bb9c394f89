// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The classes a reach run starts from: the interface names the ruleset
 * tells apart (each a value of the iifname/oifname fields), the cube of
 * every packet at a hook, and a flow's text ("proto=tcp dport=22,80")
 * restricting it. Each chain's names are kept with the ruleset's set
 * indexes (the SC_IFNAMES tenant) and found again only when its rules or
 * the sets they read change.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>

#include "eval_internal.h"
#include "flow.h"
#include "reach_state.h"
#include "sets.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

static void ifname_add(struct reach_result *r, const char *name)
{
	for (size_t i = 0; i < r->nifnames; i++)
		if (!strcmp(r->ifnames[i], name))
			return;
	r->ifnames = xrealloc(r->ifnames, (r->nifnames + 1) * sizeof(*r->ifnames));
	r->ifnames[r->nifnames++] = xstrdup(name);
}

/* Bytes that read as an interface name, or a prefix of one (wildcard). */
static void ifname_candidates(struct reach_result *r, const uint8_t *b, uint32_t len)
{
	char name[17] = { 0 };
	uint32_t n = 0;

	while (n < len && n < 16 && b[n] >= 0x20 && b[n] != 0x7f)
		n++;
	if (n == 0 || n > 15)
		return;
	for (uint32_t i = n; i < len; i++)
		if (b[i])
			return;
	memcpy(name, b, n);
	ifname_add(r, name);
	if (n < 15) { /* a longer name starting with it: the wildcard class */
		name[n] = '~';
		ifname_add(r, name);
	}
}

int ifname_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The names the rules of @ch compare an iifname/oifname load with, into
 * @r. Returns true when some come from a named set's elements, which can
 * change while the rules stay.
 */
static bool chain_ifnames(const struct chain *ch, struct reach_result *r)
{
	bool from_sets = false;

	for (uint32_t k = 0; k < ch->nrules; k++) {
		const struct rule *ru = ch->rules[k];
		int64_t ifreg = -1;

		for (uint32_t e = 0; e < ru->exprs.n; e++) {
			const struct expr *x = &ru->exprs.v[e];
			const struct attr *a;
			const struct set *st;
			uint64_t key;

			/* most rules never load a name: look no further */
			if (ifreg < 0 && !expr_is(x, "meta"))
				continue;
			key = expr_num(x, NFTA_META_KEY, 0);
			if (expr_is(x, "meta") && expr_has(x, NFTA_META_DREG) &&
			    (key == NFT_META_IIFNAME || key == NFT_META_OIFNAME)) {
				ifreg = (int64_t)expr_num(x, NFTA_META_DREG, 0);
			} else if (expr_is(x, "cmp") &&
				   (int64_t)expr_num(x, NFTA_CMP_SREG, 0) == ifreg &&
				   (a = expr_attr(x, NFTA_CMP_DATA)) && !a->is_verdict &&
				   a->len <= 16) {
				ifname_candidates(r, a->bytes, a->len);
			} else if (expr_is(x, "lookup") &&
				   (int64_t)expr_num(x, NFTA_LOOKUP_SREG, 0) == ifreg &&
				   (st = table_find_set(ch->table,
							expr_str(x, NFTA_LOOKUP_SET) ?: "")) &&
				   st->key_len == 16) {
				from_sets |= !(st->flags & NFT_SET_ANONYMOUS);
				for (uint32_t i = 0; i < st->nelems; i++) {
					if (st->elems[i].key)
						ifname_candidates(r, st->elems[i].key, 16);
					if (st->elems[i].key_end)
						ifname_candidates(r, st->elems[i].key_end, 16);
				}
			}
		}
	}
	return from_sets;
}

/* One chain's interface names (chain_names_of()). */
struct chain_names {
	const struct chain *chain;
	uint32_t version, epoch; /* the chain's, and the sets' (set_cache_epoch()) */
	struct reach_result names;
	bool valid, from_sets;
	struct chain_names *next;
};

/*
 * The interface names of a ruleset's chains, kept with its set indexes
 * (the set cache's SC_IFNAMES tenant): each chain's, and all of them.
 */
struct ifname_cache {
	struct chain_names *names[256]; /* each chain's interface names */
	char **ifnames;			/* collect_ifnames()'s, while valid */
	size_t nifnames;
	bool have_ifnames;
};

static void chain_names_release(struct chain_names *cn)
{
	for (size_t i = 0; i < cn->names.nifnames; i++)
		free(cn->names.ifnames[i]);
	free(cn->names.ifnames);
	memset(&cn->names, 0, sizeof(cn->names));
	cn->valid = false;
}

/* @ch's names, found again only when its rules (or the sets they read) changed. */
static const struct reach_result *chain_names_of(struct ifname_cache *t, const struct chain *ch,
						 uint32_t epoch)
{
	uint32_t h = (uint32_t)hash_mix((uintptr_t)ch) & (ARRAY_SIZE(t->names) - 1);
	struct chain_names *cn;
	bool same;

	for (cn = t->names[h]; cn && cn->chain != ch; cn = cn->next)
		;
	if (!cn) {
		cn = xcalloc(1, sizeof(*cn));
		cn->chain = ch;
		cn->next = t->names[h];
		t->names[h] = cn;
	}
	same = cn->valid && cn->version == ch->version && (!cn->from_sets || cn->epoch == epoch);
	if (!same) {
		chain_names_release(cn);
		cn->from_sets = chain_ifnames(ch, &cn->names);
		cn->version = ch->version;
		cn->valid = true;
	}
	cn->epoch = epoch;
	return &cn->names;
}

static void ifname_cache_forget(struct ifname_cache *t)
{
	for (size_t i = 0; i < t->nifnames; i++)
		free(t->ifnames[i]);
	free(t->ifnames);
	t->ifnames = NULL;
	t->nifnames = 0;
	t->have_ifnames = false;
}

static void ifname_cache_free(void *p)
{
	struct ifname_cache *t = p;

	if (!t)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(t->names); i++)
		for (struct chain_names *cn = t->names[i], *next; cn; cn = next) {
			next = cn->next;
			chain_names_release(cn);
			free(cn);
		}
	ifname_cache_forget(t);
	free(t);
}

/*
 * Rules came or went, or a set's elements changed: forget the interface
 * names (what was read from named sets is checked against
 * set_cache_epoch()); what is keyed by a chain checks its version.
 */
static void ifname_cache_changed(void *p, bool sets)
{
	struct ifname_cache *t = p;

	if (!t)
		return;
	ifname_cache_forget(t);
}

/* The interface names of @sc's ruleset: its SC_IFNAMES tenant, made the first time. */
static struct ifname_cache *ifname_cache_of(struct set_cache *sc)
{
	struct set_cache_slot *slot = set_cache_slot(sc, SC_IFNAMES);

	if (!slot->p) {
		slot->p = xcalloc(1, sizeof(struct ifname_cache));
		slot->free = ifname_cache_free;
		slot->changed = ifname_cache_changed;
	}
	return slot->p;
}

/*
 * The interface name classes the ruleset tells apart: the constants that
 * rules compare an iifname/oifname load with, directly or through a set.
 * Kept until rules or sets change, then found again chain by chain.
 */
void collect_ifnames(const struct ruleset *rs, struct reach_result *r)
{
	struct set_cache *sc = set_cache_of(rs);
	struct ifname_cache *t = ifname_cache_of(sc);

	if (!t->have_ifnames) {
		struct reach_result walk = { 0 };
		uint32_t epoch = set_cache_epoch(sc);

		for (uint32_t i = 0; i < rs->ntables; i++)
			for (uint32_t k = 0; k < rs->tables[i]->nchains; k++) {
				const struct reach_result *cn =
					chain_names_of(t, rs->tables[i]->chains[k], epoch);

				for (size_t n = 0; n < cn->nifnames; n++)
					ifname_add(&walk, cn->ifnames[n]);
			}
		ifname_add(&walk, "~other~");
		t->ifnames = walk.ifnames;
		t->nifnames = walk.nifnames;
		t->have_ifnames = true;
	}
	for (size_t i = 0; i < t->nifnames; i++)
		ifname_add(r, t->ifnames[i]);
}

static size_t ifname_index(const struct reach_result *r, const char *name)
{
	for (size_t i = 0; i < r->nifnames; i++)
		if (!strcmp(r->ifnames[i], name))
			return i;
	return r->nifnames;
}

/* ct status: every combination of the flags a rule names, worked out once. */
static struct ivs ct_statuses;
static pthread_once_t ct_statuses_once = PTHREAD_ONCE_INIT;

static void ct_statuses_make(void)
{
	static const uint32_t status_bits[] = { IPS_EXPECTED,  IPS_SEEN_REPLY, IPS_ASSURED,
						IPS_CONFIRMED, IPS_SRC_NAT,    IPS_DST_NAT,
						IPS_DYING };

	for (uint32_t m = 0; m < 128; m++) {
		uint32_t v = 0;

		for (uint32_t b = 0; b < 7; b++)
			if (m & (1u << b))
				v |= status_bits[b];
		ivs_add(&ct_statuses, v, v);
	}
	ivs_normalize(&ct_statuses);
}

/* The starting cube: every value of every field, for @family at @hook. */
void cube_full(const struct reach_ctx *c, struct cube *cb)
{
	u128 amax = c->family == NFPROTO_IPV6 ? U128_MAX : 0xffffffffu;

	cube_init(cb);
	ivs_range(&cb->f[PF_L4PROTO], 0, 255);
	ivs_range(&cb->f[PF_SADDR], 0, amax);
	ivs_range(&cb->f[PF_DADDR], 0, amax);
	ivs_range(&cb->f[PF_SPORT], 0, 65535);
	ivs_range(&cb->f[PF_DPORT], 0, 65535);
	ivs_range(&cb->f[PF_TCPFLAGS], 0, 255);
	ivs_range(&cb->f[PF_ICMPTYPE], 0, 255);
	ivs_range(&cb->f[PF_ICMPCODE], 0, 255);
	if (hook_has_iif(c->hook)) {
		ivs_range(&cb->f[PF_IIFNAME], 0, c->res->nifnames - 1);
		ivs_range(&cb->f[PF_IIF], 1, 0xffffffffu);
	} else {
		ivs_range(&cb->f[PF_IIFNAME], c->res->nifnames, c->res->nifnames);
		ivs_range(&cb->f[PF_IIF], 0, 0);
	}
	if (hook_has_oif(c->hook)) {
		ivs_range(&cb->f[PF_OIFNAME], 0, c->res->nifnames - 1);
		ivs_range(&cb->f[PF_OIF], 1, 0xffffffffu);
	} else {
		ivs_range(&cb->f[PF_OIFNAME], c->res->nifnames, c->res->nifnames);
		ivs_range(&cb->f[PF_OIF], 0, 0);
	}
	ivs_range(&cb->f[PF_MARK], 0, 0xffffffffu);
	ivs_range(&cb->f[PF_CTMARK], 0, 0xffffffffu);
	ivs_add(&cb->f[PF_CTSTATE], 1, 2);
	ivs_add(&cb->f[PF_CTSTATE], 4, 4);
	ivs_add(&cb->f[PF_CTSTATE], 8, 8);
	ivs_add(&cb->f[PF_CTSTATE], 64, 64);
	pthread_once(&ct_statuses_once, ct_statuses_make);
	ivs_copy(&cb->f[PF_CTSTATUS], &ct_statuses);
	ivs_range(&cb->f[PF_CTDIR], 0, 1);
	ivs_range(&cb->f[PF_LEN], 0, 65535);
	ivs_range(&cb->f[PF_FRAG], 0, 0);
}

/* One value or range of a flow key ("443", "1024-65535", "10.0.0.0/8"). */
static int flow_item(struct reach_ctx *c, int f, const char *key, const char *item, struct ivs *out,
		     struct strbuf *err)
{
	struct packet p;
	char spec[96];
	const char *slash = strchr(item, '/'), *dash = strrchr(item, '-');
	uint32_t alen = addr_len(c->family);

	if ((f == PF_SADDR || f == PF_DADDR) && slash) {
		uint64_t plen;
		char a[64];
		u128 v;

		snprintf(a, sizeof(a), "%.*s", (int)(slash - item), item);
		if (!parse_uint(slash + 1, alen * 8, &plen))
			goto bad;
		memset(&p, 0, sizeof(p));
		p.family = c->family;
		snprintf(spec, sizeof(spec), "family=%s %s=%s",
			 c->family == NFPROTO_IPV6 ? "ip6" : "ip", key, a);
		if (packet_parse(spec, &p, err) < 0)
			return -EINVAL;
		v = be_value(f == PF_SADDR ? p.saddr : p.daddr, alen);
		{
			u128 host = plen == alen * 8 ? 0 : (((u128)1 << (alen * 8 - plen)) - 1);

			ivs_add(out, v & ~host, v | host);
		}
		return 0;
	}
	if ((f == PF_SADDR || f == PF_DADDR) && dash && dash != item) {
		struct packet q;
		char a[96];
		u128 lo, hi;

		memset(&p, 0, sizeof(p));
		memset(&q, 0, sizeof(q));
		snprintf(a, sizeof(a), "family=%s %s=%.*s",
			 c->family == NFPROTO_IPV6 ? "ip6" : "ip", key, (int)(dash - item), item);
		if (packet_parse(a, &p, err) < 0)
			return -EINVAL;
		snprintf(a, sizeof(a), "family=%s %s=%s", c->family == NFPROTO_IPV6 ? "ip6" : "ip",
			 key, dash + 1);
		if (packet_parse(a, &q, err) < 0)
			return -EINVAL;
		lo = be_value(f == PF_SADDR ? p.saddr : p.daddr, alen);
		hi = be_value(f == PF_SADDR ? q.saddr : q.daddr, alen);
		if (lo > hi)
			goto bad;
		ivs_add(out, lo, hi);
		return 0;
	}
	if ((f == PF_SPORT || f == PF_DPORT || f == PF_LEN || f == PF_MARK) && dash &&
	    dash != item) {
		uint64_t lo, hi;
		char a[32];

		snprintf(a, sizeof(a), "%.*s", (int)(dash - item), item);
		if (!parse_uint(a, UINT32_MAX, &lo) || !parse_uint(dash + 1, UINT32_MAX, &hi) ||
		    lo > hi)
			goto bad;
		ivs_add(out, lo, hi);
		return 0;
	}
	memset(&p, 0, sizeof(p));
	snprintf(spec, sizeof(spec), "family=%s %s=%s", c->family == NFPROTO_IPV6 ? "ip6" : "ip",
		 key, item);
	if (packet_parse(spec, &p, err) < 0)
		return -EINVAL;
	switch (f) {
	case PF_L4PROTO:
		ivs_add(out, p.l4proto, p.l4proto);
		break;
	case PF_SADDR:
	case PF_DADDR: {
		u128 v = be_value(f == PF_SADDR ? p.saddr : p.daddr, alen);

		ivs_add(out, v, v);
		break;
	}
	case PF_SPORT:
		ivs_add(out, p.sport, p.sport);
		break;
	case PF_DPORT:
		ivs_add(out, p.dport, p.dport);
		break;
	case PF_TCPFLAGS:
		ivs_add(out, p.tcpflags, p.tcpflags);
		break;
	case PF_ICMPTYPE:
		ivs_add(out, p.icmp_type, p.icmp_type);
		break;
	case PF_ICMPCODE:
		ivs_add(out, p.icmp_code, p.icmp_code);
		break;
	case PF_IIFNAME:
	case PF_OIFNAME: {
		size_t k = ifname_index(c->res, f == PF_IIFNAME ? p.iifname : p.oifname);

		ivs_add(out, k, k);
		break;
	}
	case PF_IIF:
		ivs_add(out, p.iif, p.iif);
		break;
	case PF_OIF:
		ivs_add(out, p.oif, p.oif);
		break;
	case PF_MARK:
		ivs_add(out, p.mark, p.mark);
		break;
	case PF_CTMARK:
		ivs_add(out, p.ctmark, p.ctmark);
		break;
	case PF_CTSTATE:
		ivs_add(out, p.ctstate, p.ctstate);
		break;
	case PF_CTSTATUS:
		ivs_add(out, p.ctstatus, p.ctstatus);
		break;
	case PF_CTDIR:
		ivs_add(out, p.ctdir, p.ctdir);
		break;
	case PF_LEN:
		ivs_add(out, p.len, p.len);
		break;
	case PF_FRAG:
		ivs_add(out, p.frag, p.frag);
		break;
	default:
		break;
	}
	return 0;
bad:
	strbuf_addf(err, "bad value for '%s': '%s'", key, item);
	return -EINVAL;
}

/* Restrict @cb to the flow's fields. */
int flow_apply(struct reach_ctx *c, const char *flow, struct cube *cb, struct strbuf *err)
{
	char *copy = xstrdup(flow), *tok, *save = NULL;
	int ret = 0;

	for (tok = strtok_r(copy, " \t\n", &save); tok && !ret;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		char *eq = strchr(tok, '='), *item, *isave = NULL;
		struct ivs vals = { 0 }, tmp = { 0 };
		int f = -1;
		bool neg;

		if (!eq || eq == tok || !eq[1]) {
			strbuf_addf(err, "expected key=value, got '%s'", tok);
			ret = -EINVAL;
			break;
		}
		*eq = 0;
		if (!strcmp(tok, "family"))
			continue;
		for (int k = 0; k < PF__COUNT; k++)
			if (!strcmp(pkt_field_name(k), tok) ||
			    (k == PF_CTSTATE && !strcmp(tok, "ct-state")))
				f = k;
		if (f < 0) {
			strbuf_addf(err, "unknown key '%s' (keys: family", tok);
			for (int k = 0; k < PF__COUNT; k++)
				strbuf_addf(err, ", %s", pkt_field_name(k));
			strbuf_addch(err, ')');
			ret = -EINVAL;
			break;
		}
		/* "!" takes every value but the ones listed */
		neg = eq[1] == '!';
		if (neg && !eq[2]) {
			strbuf_addf(err, "%s: nothing after '!'", tok);
			ret = -EINVAL;
			break;
		}
		/* flags and ct status are one combination; other keys list alternatives */
		if (f == PF_TCPFLAGS || f == PF_CTSTATUS)
			ret = flow_item(c, f, tok, eq + 1 + neg, &vals, err);
		else
			for (item = strtok_r(eq + 1 + neg, ",", &isave); item && !ret;
			     item = strtok_r(NULL, ",", &isave))
				ret = flow_item(c, f, tok, item, &vals, err);
		if (!ret) {
			ivs_normalize(&vals);
			if (neg)
				ivs_subtract(&tmp, &cb->f[f], &vals);
			else
				ivs_intersect(&tmp, &cb->f[f], &vals);
			ivs_release(&cb->f[f]);
			cb->f[f] = tmp;
		} else {
			ivs_release(&tmp);
		}
		ivs_release(&vals);
	}
	free(copy);
	return ret;
}

/* Names given in the flow become classes of their own. */
void flow_ifnames(struct reach_result *r, const char *flow)
{
	const char *keys[] = { "iif=", "oif=" };

	for (size_t k = 0; k < 2; k++) {
		const char *p = flow;

		while ((p = strstr(p, keys[k]))) {
			if (p != flow && p[-1] != ' ' && p[-1] != '\t') {
				p++;
				continue;
			}
			p += 4;
			if (*p == '!')
				p++;
			/* every name of a comma list */
			while (*p && *p != ' ' && *p != '\t') {
				char name[17] = { 0 };
				size_t n = 0;

				while (*p && *p != ' ' && *p != '\t' && *p != ',' && n < 16)
					name[n++] = *p++;
				if (n && n < 16)
					ifname_add(r, name);
				while (*p && *p != ' ' && *p != '\t' && *p != ',')
					p++;
				if (*p == ',')
					p++;
			}
		}
	}
}

uint8_t flow_family(const char *flow, bool *given)
{
	int f = spec_family(flow);

	*given = f >= 0;
	if (*given)
		return (uint8_t)f;
	/* an address fixes the family */
	for (const char *k = flow; (k = strstr(k, "addr=")); k += 5) {
		if (k - flow < 1 || (k[-1] != 's' && k[-1] != 'd'))
			continue;
		*given = true;
		return strchr(k + 5, ':') && (!strchr(k + 5, ' ') ||
					      strchr(k + 5, ':') < strchr(k + 5, ' '))
			       ? NFPROTO_IPV6
			       : NFPROTO_IPV4;
	}
	return NFPROTO_IPV4;
}
