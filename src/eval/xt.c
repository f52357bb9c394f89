// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The iptables-nft compat matches the evaluator decides, from the info
 * blobs' layouts in the kernel's uapi headers (xt_conntrack.h, xt_state.h,
 * xt_multiport.h, xt_tcpudp.h, xt_addrtype.h).
 */
#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>

#include "eval_internal.h"
#include "fwaudit/model.h"

static uint16_t u16_at(const uint8_t *p, uint32_t len, uint32_t off)
{
	uint16_t v = 0;

	if (off + 2 <= len)
		memcpy(&v, p + off, 2);
	return v;
}

static uint16_t be16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* xt_conntrack's state bits: nft's, except untracked (1 << 8). */
static uint32_t xt_statebit(const struct packet *p, bool tracked)
{
	if (!tracked)
		return 1;
	if (p->ctstate == NF_CT_STATE_UNTRACKED_BIT)
		return 1 << 8;
	return p->ctstate;
}

static enum xt_result xt_conntrack(const uint8_t *b, uint32_t len, uint32_t rev,
				   const struct packet *p, bool tracked)
{
	uint16_t flags, invert, mask;
	uint32_t bit = xt_statebit(p, tracked);

	if (rev < 1 || rev > 3 || len < 152)
		return XT_UNKNOWN;
	flags = u16_at(b, len, 146);
	invert = u16_at(b, len, 148);
	mask = rev == 1 ? b[150] : u16_at(b, len, 150);
	if (flags != 1 /* XT_CONNTRACK_STATE only */)
		return XT_UNKNOWN;
	if (tracked && bit != 1 && bit != (1 << 8)) {
		if (p->ctstatus & IPS_SRC_NAT)
			bit |= 1 << 6;
		if (p->ctstatus & IPS_DST_NAT)
			bit |= 1 << 7;
	}
	return (!!(mask & bit) ^ !!(invert & 1)) ? XT_MATCH : XT_NOMATCH;
}

static enum xt_result xt_state(const uint8_t *b, uint32_t len, const struct packet *p, bool tracked)
{
	uint32_t mask, bit = tracked ? p->ctstate : 1;

	if (len < 4)
		return XT_UNKNOWN;
	memcpy(&mask, b, 4);
	return mask & bit ? XT_MATCH : XT_NOMATCH;
}

static bool ports_in(uint16_t port, const uint8_t *b, uint32_t len, uint8_t count,
		     const uint8_t *pflags)
{
	for (uint8_t i = 0; i < count; i++) {
		uint16_t lo = u16_at(b, len, 2 + 2 * i);

		if (pflags && pflags[i] && i + 1 < count) {
			uint16_t hi = u16_at(b, len, 2 + 2 * (i + 1));

			if (port >= lo && port <= hi)
				return true;
			i++;
		} else if (port == lo) {
			return true;
		}
	}
	return false;
}

/* multiport_mt: reads the first four bytes of any transport header. */
static enum xt_result xt_multiport(const uint8_t *b, uint32_t len, uint32_t rev, const uint8_t *th,
				   uint32_t thlen)
{
	uint8_t flags, count;
	const uint8_t *pflags = NULL;
	bool invert = false, m;
	uint16_t sport, dport;

	if (len < 32 || rev > 1)
		return XT_UNKNOWN;
	if (!th || thlen < 4)
		return XT_NOMATCH;
	flags = b[0];
	count = b[1];
	if (count > 15 || flags > 2)
		return XT_UNKNOWN;
	if (rev == 1) {
		if (len < 48)
			return XT_UNKNOWN;
		pflags = b + 32;
		invert = b[47];
	}
	sport = be16_at(th);
	dport = be16_at(th + 2);
	if (flags == 0)
		m = ports_in(sport, b, len, count, pflags);
	else if (flags == 1)
		m = ports_in(dport, b, len, count, pflags);
	else
		m = ports_in(sport, b, len, count, pflags) ||
		    ports_in(dport, b, len, count, pflags);
	return m ^ invert ? XT_MATCH : XT_NOMATCH;
}

static bool port_range(uint16_t port, const uint8_t *b, uint32_t len, uint32_t off, bool inv)
{
	uint16_t lo = u16_at(b, len, off), hi = u16_at(b, len, off + 2);

	return (port >= lo && port <= hi) ^ inv;
}

/* xt_tcp / xt_udp: port ranges, and for tcp the flags. */
static enum xt_result xt_tcpudp(const uint8_t *b, uint32_t len, bool tcp, const struct packet *p,
				const uint8_t *th, uint32_t thlen)
{
	uint8_t inv;

	if (len < (tcp ? 12u : 10u))
		return XT_UNKNOWN;
	if (!th || thlen < (tcp ? 14u : 4u) || p->l4proto != (tcp ? IPPROTO_TCP : IPPROTO_UDP))
		return XT_NOMATCH;
	inv = tcp ? b[11] : b[8];
	if (!port_range(be16_at(th), b, len, 0, inv & 1) ||
	    !port_range(be16_at(th + 2), b, len, 4, inv & 2))
		return XT_NOMATCH;
	if (tcp) {
		if (b[8] /* option */)
			return XT_UNDECIDED;
		if (((th[13] & b[9]) == b[10]) ^ !!(inv & 4))
			return XT_MATCH;
		return XT_NOMATCH;
	}
	return XT_MATCH;
}

/* addrtype: only the types an address alone decides. */
static enum xt_result xt_addrtype(const uint8_t *b, uint32_t len, uint32_t rev,
				  const struct packet *p)
{
	uint16_t src, dst, type;
	uint32_t flags;
	const uint8_t *a;
	bool inv, is;

	if (rev != 1 || len < 8 || p->family != NFPROTO_IPV4)
		return XT_UNKNOWN;
	src = u16_at(b, len, 0);
	dst = u16_at(b, len, 2);
	memcpy(&flags, b + 4, 4);
	if ((src && dst) || (!src && !dst) || (flags & 12))
		return XT_UNKNOWN;
	type = dst ? dst : src;
	a = dst ? p->daddr : p->saddr;
	inv = flags & (dst ? 2 : 1);
	if (type == 1u << 5) /* multicast */
		is = (a[0] & 0xf0) == 0xe0;
	else if (type == 1u << 0) /* unspec */
		is = !a[0] && !a[1] && !a[2] && !a[3];
	else
		return XT_UNDECIDED; /* local, unicast, broadcast: the routes decide */
	return is ^ inv ? XT_MATCH : XT_NOMATCH;
}

enum xt_result xt_match_eval(const struct expr *e, const struct packet *p, bool tracked,
			     const uint8_t *th, uint32_t thlen)
{
	const char *name = expr_str(e, NFTA_MATCH_NAME);
	const struct attr *info = expr_attr(e, NFTA_MATCH_INFO);
	uint32_t rev = (uint32_t)expr_num(e, NFTA_MATCH_REV, 0);
	const uint8_t *b = info && info->kind == ATTR_BIN ? info->bytes : NULL;
	uint32_t len = b ? info->len : 0;

	if (!name)
		return XT_UNKNOWN;
	if (!strcmp(name, "comment"))
		return XT_MATCH;
	if (!b)
		return XT_UNKNOWN;
	if (!strcmp(name, "conntrack"))
		return xt_conntrack(b, len, rev, p, tracked);
	if (!strcmp(name, "state"))
		return xt_state(b, len, p, tracked);
	if (!strcmp(name, "multiport"))
		return xt_multiport(b, len, rev, th, thlen);
	if (!strcmp(name, "tcp") || !strcmp(name, "udp"))
		return xt_tcpudp(b, len, name[0] == 't', p, th, thlen);
	if (!strcmp(name, "addrtype"))
		return xt_addrtype(b, len, rev, p);
	return XT_UNKNOWN;
}
