// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iptables-nft compat matches and targets: nft lists the common ones in
 * native syntax (through libxtables' translations); so do we, from the
 * info blobs' layouts in the kernel's uapi headers. Anything else prints
 * as nft prints an untranslatable one: xt match "NAME".
 */
#include <string.h>
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nf_nat.h>

#include "fwaudit/util.h"
#include "render_internal.h"

struct blob {
	const uint8_t *p;
	uint32_t len;
};

static uint16_t u16_at(struct blob b, uint32_t off)
{
	uint16_t v = 0;

	if (off + 2 <= b.len)
		memcpy(&v, b.p + off, 2);
	return v;
}

static uint32_t u32_at(struct blob b, uint32_t off)
{
	uint32_t v = 0;

	if (off + 4 <= b.len)
		memcpy(&v, b.p + off, 4);
	return v;
}

/* xt_conntrack_mtinfo1/2/3: "ct state ..." when only the state is matched. */
static bool xt_conntrack(struct blob b, uint32_t rev, struct strbuf *t)
{
	static const struct {
		uint16_t bit;
		const char *name;
	} states[] = { { 1, "invalid" },
		       { 8, "new" },
		       { 4, "related" },
		       { 2, "established" },
		       { 256, "untracked" } };
	uint16_t flags, invert, mask;
	const char *sep = "";

	if (rev < 1 || rev > 3 || b.len < 152)
		return false;
	flags = u16_at(b, 146);
	invert = u16_at(b, 148);
	mask = rev == 1 ? b.p[150] : u16_at(b, 150);
	if (flags != 1 /* XT_CONNTRACK_STATE */)
		return false;
	strbuf_addstr(t, invert & 1 ? "ct state != " : "ct state ");
	for (size_t i = 0; i < ARRAY_SIZE(states); i++)
		if (mask & states[i].bit) {
			strbuf_addf(t, "%s%s", sep, states[i].name);
			sep = ",";
		}
	return true;
}

/* xt_multiport (rev 0) and xt_multiport_v1: "tcp dport { 80, 443 }". */
static bool xt_multiport(struct blob b, uint32_t rev, enum proto_id l4, struct strbuf *t)
{
	const struct proto_desc *pd = proto_get(l4);
	uint8_t flags, count;
	bool invert = false;
	const uint8_t *pflags = NULL;

	if (!pd || l4 == PROTO_TH || b.len < 32 || rev > 1)
		return false;
	flags = b.p[0];
	count = b.p[1];
	if (count > 15 || flags > 1)
		return false;
	if (rev == 1) {
		if (b.len < 48)
			return false;
		pflags = b.p + 32;
		invert = b.p[47];
	}
	strbuf_addf(t, "%s %s %s", pd->name, flags ? "dport" : "sport", invert ? "!= " : "");
	if (count > 1 && !(count == 2 && pflags && pflags[0]))
		strbuf_addstr(t, "{ ");
	for (uint8_t i = 0; i < count; i++) {
		strbuf_addf(t, "%s%u", i ? ", " : "", u16_at(b, 2 + 2 * i));
		if (pflags && pflags[i] && i + 1 < count) {
			strbuf_addf(t, "-%u", u16_at(b, 2 + 2 * (i + 1)));
			i++;
		}
	}
	if (count > 1 && !(count == 2 && pflags && pflags[0]))
		strbuf_addstr(t, " }");
	return true;
}

/* xt_addrtype_info_v1: "fib daddr type local". */
static bool xt_addrtype(struct blob b, uint32_t rev, struct strbuf *t)
{
	static const char *const types[] = { "unspec",	  "unicast",	 "local",
					     "broadcast", "anycast",	 "multicast",
					     "blackhole", "unreachable", "prohibit" };
	uint16_t src, dst, mask, n = 0;
	uint32_t flags;
	bool dest;

	if (rev != 1 || b.len < 8)
		return false;
	src = u16_at(b, 0);
	dst = u16_at(b, 2);
	flags = u32_at(b, 4);
	if ((src && dst) || (!src && !dst))
		return false;
	dest = dst != 0;
	mask = dest ? dst : src;
	for (unsigned i = 0; i < ARRAY_SIZE(types); i++)
		n += !!(mask & (1u << i));
	strbuf_addf(t, "fib %s", dest ? "daddr" : "saddr");
	if (flags & 4)
		strbuf_addstr(t, " . iif");
	else if (flags & 8)
		strbuf_addstr(t, " . oif");
	strbuf_addstr(t, " type ");
	if (flags & (dest ? 2 : 1))
		strbuf_addstr(t, "!= ");
	if (n > 1)
		strbuf_addstr(t, "{ ");
	for (unsigned i = 0, k = 0; i < ARRAY_SIZE(types); i++)
		if (mask & (1u << i))
			strbuf_addf(t, "%s%s", k++ ? ", " : "", types[i]);
	if (n > 1)
		strbuf_addstr(t, " }");
	return true;
}

static bool xt_log(struct blob b, struct strbuf *t)
{
	static const char *const levels[] = { "emerg", "alert",	 "crit", "err",
					      "warn",  "notice", "info", "debug" };
	size_t n;

	if (b.len < 32)
		return false;
	strbuf_addstr(t, "log");
	n = strnlen((const char *)b.p + 2, 30);
	if (n) {
		strbuf_addstr(t, " prefix \"");
		strbuf_add(t, b.p + 2, n);
		strbuf_addch(t, '"');
	}
	if (b.p[0] != 4 && b.p[0] < 8)
		strbuf_addf(t, " level %s", levels[b.p[0]]);
	return true;
}

static bool xt_reject(struct blob b, uint32_t family, struct strbuf *t)
{
	static const char *const v4[] = { "net-unreachable",
					  "host-unreachable",
					  "prot-unreachable",
					  NULL,
					  NULL,
					  "net-prohibited",
					  "host-prohibited",
					  NULL,
					  "admin-prohibited" };
	static const char *const v6[] = {
		"no-route", "admin-prohibited", NULL,	       "addr-unreachable", NULL, NULL,
		NULL,	    "policy-fail",	"reject-route"
	};
	uint32_t with;

	if (b.len < 4)
		return false;
	with = u32_at(b, 0);
	strbuf_addstr(t, "reject");
	if (family == NFPROTO_IPV6) {
		if (with == 6)
			strbuf_addstr(t, " with tcp reset");
		else if (with < ARRAY_SIZE(v6) && v6[with])
			strbuf_addf(t, " with icmpv6 %s", v6[with]);
		return with == 4 || with == 6 || (with < ARRAY_SIZE(v6) && v6[with]);
	}
	if (with == 7)
		strbuf_addstr(t, " with tcp reset");
	else if (with < ARRAY_SIZE(v4) && v4[with])
		strbuf_addf(t, " with icmp %s", v4[with]);
	return with == 3 || with == 7 || (with < ARRAY_SIZE(v4) && v4[with]);
}

static void nat_ports(struct strbuf *t, uint32_t flags, uint16_t min, uint16_t max)
{
	if (!(flags & NF_NAT_RANGE_PROTO_SPECIFIED))
		return;
	strbuf_addf(t, ":%u", ntohs(min));
	if (max != min)
		strbuf_addf(t, "-%u", ntohs(max));
}

static void nat_flags_print(struct strbuf *t, uint32_t flags)
{
	if (flags & NF_NAT_RANGE_PROTO_RANDOM)
		strbuf_addstr(t, " random");
	if (flags & NF_NAT_RANGE_PROTO_RANDOM_FULLY)
		strbuf_addstr(t, " fully-random");
	if (flags & NF_NAT_RANGE_PERSISTENT)
		strbuf_addstr(t, " persistent");
}

/* nf_nat_ipv4_multi_range_compat (rev 0) or nf_nat_range(2) (rev 1, 2). */
static bool xt_nat(struct blob b, const char *name, uint32_t rev, uint32_t family, struct strbuf *t)
{
	bool masq = !strcmp(name, "MASQUERADE");
	uint32_t flags, alen = family == NFPROTO_IPV6 ? 16 : 4;
	const uint8_t *amin, *amax;
	uint16_t pmin, pmax;
	char buf[64];

	if (rev == 0) {
		if (b.len < 20 || u32_at(b, 0) != 1)
			return false;
		flags = u32_at(b, 4);
		amin = b.p + 8;
		amax = b.p + 12;
		pmin = u16_at(b, 16);
		pmax = u16_at(b, 18);
		alen = 4;
	} else {
		if (b.len < 40)
			return false;
		flags = u32_at(b, 0);
		amin = b.p + 4;
		amax = b.p + 20;
		pmin = u16_at(b, 36);
		pmax = u16_at(b, 38);
	}
	if (masq) {
		strbuf_addstr(t, "masquerade");
		if (flags & NF_NAT_RANGE_PROTO_SPECIFIED) {
			strbuf_addstr(t, " to ");
			nat_ports(t, flags, pmin, pmax);
		}
		nat_flags_print(t, flags);
		return true;
	}
	if (strcmp(name, "DNAT") && strcmp(name, "SNAT"))
		return false;
	strbuf_addstr(t, name[0] == 'D' ? "dnat to " : "snat to ");
	if (flags & NF_NAT_RANGE_MAP_IPS) {
		bool brackets = alen == 16 && (flags & NF_NAT_RANGE_PROTO_SPECIFIED);

		if (brackets)
			strbuf_addch(t, '[');
		strbuf_addstr(t,
			      inet_ntop(alen == 16 ? AF_INET6 : AF_INET, amin, buf, sizeof(buf)));
		if (memcmp(amin, amax, alen))
			strbuf_addf(
				t, "-%s",
				inet_ntop(alen == 16 ? AF_INET6 : AF_INET, amax, buf, sizeof(buf)));
		if (brackets)
			strbuf_addch(t, ']');
	}
	nat_ports(t, flags, pmin, pmax);
	nat_flags_print(t, flags);
	return true;
}

bool xt_render(struct render_ctx *rc, const struct expr *e, enum proto_id l4, struct strbuf *t)
{
	bool target = expr_is(e, "target");
	const char *name = expr_str(e, target ? NFTA_TARGET_NAME : NFTA_MATCH_NAME);
	const struct attr *info = expr_attr(e, target ? NFTA_TARGET_INFO : NFTA_MATCH_INFO);
	uint32_t rev = (uint32_t)expr_num(e, target ? NFTA_TARGET_REV : NFTA_MATCH_REV, 0);
	uint32_t family = rc->table->family;
	struct blob b = { NULL, 0 };
	size_t start = t->len;
	bool ok = false;

	if (!name)
		return false;
	if (info && info->kind == ATTR_BIN)
		b = (struct blob){ info->bytes, info->len };
	if (!target && !strcmp(name, "conntrack"))
		ok = xt_conntrack(b, rev, t);
	else if (!target && !strcmp(name, "multiport"))
		ok = xt_multiport(b, rev, l4, t);
	else if (!target && !strcmp(name, "addrtype"))
		ok = xt_addrtype(b, rev, t);
	else if (!target && !strcmp(name, "comment"))
		ok = true; /* nft lists the comment match as an empty statement */
	else if (target && !strcmp(name, "LOG"))
		ok = xt_log(b, t);
	else if (target && !strcmp(name, "REJECT"))
		ok = xt_reject(b, family, t);
	else if (target &&
		 (!strcmp(name, "MASQUERADE") || !strcmp(name, "DNAT") || !strcmp(name, "SNAT")))
		ok = xt_nat(b, name, rev, family, t);
	if (!ok) {
		strbuf_truncate(t, start);
		strbuf_addf(t, "xt %s \"%s\"", target ? "target" : "match", name);
	}
	return ok;
}
