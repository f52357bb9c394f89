// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Packet descriptions: "family=ip proto=tcp saddr=203.0.113.7 dport=443 ct=new"
 * and the header bytes synthesised from them, so payload loads read the
 * offsets they would read in a real skb.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include "eval_internal.h"
#include "fwaudit/eval.h"
#include "fwaudit/util.h"

static const char *const field_names[PF__COUNT] = {
	[PF_L4PROTO] = "proto",	     [PF_SADDR] = "saddr",	  [PF_DADDR] = "daddr",
	[PF_SPORT] = "sport",	     [PF_DPORT] = "dport",	  [PF_TCPFLAGS] = "flags",
	[PF_ICMPTYPE] = "icmp-type", [PF_ICMPCODE] = "icmp-code", [PF_IIFNAME] = "iif",
	[PF_OIFNAME] = "oif",	     [PF_IIF] = "iifindex",	  [PF_OIF] = "oifindex",
	[PF_MARK] = "mark",	     [PF_CTSTATE] = "ct",	  [PF_CTSTATUS] = "ct-status",
	[PF_CTDIR] = "ct-dir",	     [PF_CTMARK] = "ct-mark",	  [PF_LEN] = "len",
	[PF_FRAG] = "frag",
};

const char *pkt_field_name(enum pkt_field f)
{
	return f < PF__COUNT ? field_names[f] : "?";
}

const char *eval_verdict_name(enum eval_verdict v)
{
	switch (v) {
	case EVAL_ACCEPT:
		return "accept";
	case EVAL_DROP:
		return "drop";
	case EVAL_QUEUE:
		return "queue";
	case EVAL_MIXED:
		return "mixed";
	default:
		return "uncertain";
	}
}

const struct sym proto_syms[] = {
	{ "icmp", IPPROTO_ICMP }, { "igmp", IPPROTO_IGMP },	  { "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP },	  { "gre", IPPROTO_GRE },	  { "esp", IPPROTO_ESP },
	{ "ah", IPPROTO_AH },	  { "icmpv6", IPPROTO_ICMPV6 },	  { "sctp", IPPROTO_SCTP },
	{ "dccp", IPPROTO_DCCP }, { "udplite", IPPROTO_UDPLITE }, { NULL, 0 },
};
const struct sym tcpflag_syms[] = {
	{ "fin", 0x01 }, { "syn", 0x02 }, { "rst", 0x04 }, { "psh", 0x08 }, { "ack", 0x10 },
	{ "urg", 0x20 }, { "ecn", 0x40 }, { "cwr", 0x80 }, { NULL, 0 },
};
const struct sym ctstate_syms[] = {
	{ "invalid", NF_CT_STATE_INVALID_BIT },
	{ "established", NF_CT_STATE_BIT(IP_CT_ESTABLISHED) },
	{ "related", NF_CT_STATE_BIT(IP_CT_RELATED) },
	{ "new", NF_CT_STATE_BIT(IP_CT_NEW) },
	{ "untracked", NF_CT_STATE_UNTRACKED_BIT },
	{ NULL, 0 },
};
const struct sym ctstatus_syms[] = {
	{ "expected", IPS_EXPECTED }, { "seen-reply", IPS_SEEN_REPLY },
	{ "assured", IPS_ASSURED },   { "confirmed", IPS_CONFIRMED },
	{ "snat", IPS_SRC_NAT },      { "dnat", IPS_DST_NAT },
	{ "dying", IPS_DYING },	      { NULL, 0 },
};
const struct sym ctdir_syms[] = { { "original", 0 }, { "reply", 1 }, { NULL, 0 } };
static const struct sym icmp_syms[] = {
	{ "echo-reply", 0 },	       { "destination-unreachable", 3 },
	{ "source-quench", 4 },	       { "redirect", 5 },
	{ "echo-request", 8 },	       { "router-advertisement", 9 },
	{ "router-solicitation", 10 }, { "time-exceeded", 11 },
	{ "parameter-problem", 12 },   { "timestamp-request", 13 },
	{ "timestamp-reply", 14 },     { NULL, 0 },
};
static const struct sym icmp6_syms[] = {
	{ "destination-unreachable", 1 },
	{ "packet-too-big", 2 },
	{ "time-exceeded", 3 },
	{ "parameter-problem", 4 },
	{ "echo-request", 128 },
	{ "echo-reply", 129 },
	{ "mld-listener-query", 130 },
	{ "mld-listener-report", 131 },
	{ "nd-router-solicit", 133 },
	{ "nd-router-advert", 134 },
	{ "nd-neighbor-solicit", 135 },
	{ "nd-neighbor-advert", 136 },
	{ NULL, 0 },
};

const char *sym_name(const struct sym *t, uint64_t v)
{
	for (; t->name; t++)
		if (t->value == v)
			return t->name;
	return NULL;
}

static bool sym_value(const struct sym *t, const char *name, uint64_t *v)
{
	for (; t->name; t++)
		if (!strcasecmp(t->name, name)) {
			*v = t->value;
			return true;
		}
	return false;
}

/* A number (decimal or 0x hex) no larger than @max. */
bool parse_uint(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end && *v <= max;
}

/* One symbol or number, or a comma list of flag symbols OR-ed together. */
static bool parse_flags(const struct sym *t, const char *s, uint64_t max, uint64_t *v)
{
	char *copy, *p, *save = NULL;
	bool ok = true;

	if (parse_uint(s, max, v))
		return true;
	*v = 0;
	copy = xstrdup(s);
	for (p = strtok_r(copy, ",|", &save); p && ok; p = strtok_r(NULL, ",|", &save)) {
		uint64_t bit = 0;

		ok = sym_value(t, p, &bit);
		*v |= bit;
	}
	free(copy);
	return ok && *s;
}

static bool parse_addr(uint8_t family, const char *s, uint8_t *out)
{
	return inet_pton(family == NFPROTO_IPV6 ? AF_INET6 : AF_INET, s, out) == 1;
}

static bool parse_ifname(const char *s, char *out)
{
	size_t n = strlen(s);

	if (n == 0 || n >= 16)
		return false;
	memset(out, 0, 16);
	memcpy(out, s, n);
	return true;
}

int spec_family(const char *spec)
{
	const char *f = strstr(spec, "family=");

	while (f && f != spec && f[-1] != ' ' && f[-1] != '\t')
		f = strstr(f + 1, "family=");
	if (!f)
		return -1;
	if (!strncmp(f + 7, "ip6", 3) && (f[10] == 0 || f[10] == ' ' || f[10] == '\t'))
		return NFPROTO_IPV6;
	return NFPROTO_IPV4;
}

static int set_field(struct packet *p, const char *key, const char *val, struct strbuf *err)
{
	uint64_t v = 0;
	bool ok = false;
	int f = -1;

	if (!strcmp(key, "family")) {
		ok = !strcmp(val, "ip") || !strcmp(val, "ip6");
		if (!ok)
			goto bad;
		p->family = strcmp(val, "ip") ? NFPROTO_IPV6 : NFPROTO_IPV4;
		return 0;
	}
	if (!strcmp(key, "ct-state"))
		key = "ct";
	if (!strcmp(key, "mark") || !strcmp(key, "meta-mark"))
		key = "mark";
	for (int i = 0; i < PF__COUNT; i++)
		if (!strcmp(field_names[i], key))
			f = i;
	switch (f) {
	case PF_L4PROTO:
		ok = sym_value(proto_syms, val, &v) || parse_uint(val, 255, &v);
		p->l4proto = (uint8_t)v;
		break;
	case PF_SADDR:
		ok = parse_addr(p->family, val, p->saddr);
		break;
	case PF_DADDR:
		ok = parse_addr(p->family, val, p->daddr);
		break;
	case PF_SPORT:
	case PF_DPORT:
		ok = parse_uint(val, 65535, &v);
		*(f == PF_SPORT ? &p->sport : &p->dport) = (uint16_t)v;
		break;
	case PF_TCPFLAGS:
		ok = parse_flags(tcpflag_syms, val, 255, &v);
		p->tcpflags = (uint8_t)v;
		break;
	case PF_ICMPTYPE:
		ok = sym_value(p->family == NFPROTO_IPV6 ? icmp6_syms : icmp_syms, val, &v) ||
		     parse_uint(val, 255, &v);
		p->icmp_type = (uint8_t)v;
		break;
	case PF_ICMPCODE:
		ok = parse_uint(val, 255, &v);
		p->icmp_code = (uint8_t)v;
		break;
	case PF_IIFNAME:
		ok = parse_ifname(val, p->iifname);
		break;
	case PF_OIFNAME:
		ok = parse_ifname(val, p->oifname);
		break;
	case PF_IIF:
	case PF_OIF:
		ok = parse_uint(val, UINT32_MAX, &v) && v > 0;
		*(f == PF_IIF ? &p->iif : &p->oif) = (uint32_t)v;
		break;
	case PF_MARK:
	case PF_CTMARK:
		ok = parse_uint(val, UINT32_MAX, &v);
		*(f == PF_MARK ? &p->mark : &p->ctmark) = (uint32_t)v;
		break;
	case PF_CTSTATE:
		ok = sym_value(ctstate_syms, val, &v);
		p->ctstate = (uint32_t)v;
		break;
	case PF_CTSTATUS:
		ok = parse_flags(ctstatus_syms, val, UINT32_MAX, &v);
		p->ctstatus = (uint32_t)v;
		break;
	case PF_CTDIR:
		ok = sym_value(ctdir_syms, val, &v);
		p->ctdir = (uint8_t)v;
		break;
	case PF_LEN:
		ok = parse_uint(val, 65535, &v);
		p->len = (uint32_t)v;
		break;
	case PF_FRAG:
		ok = !strcmp(val, "yes") || !strcmp(val, "1") || !strcmp(val, "no") ||
		     !strcmp(val, "0");
		p->frag = !strcmp(val, "yes") || !strcmp(val, "1");
		break;
	default:
		strbuf_addf(err, "unknown key '%s' (keys: family", key);
		for (int i = 0; i < PF__COUNT; i++)
			strbuf_addf(err, ", %s", field_names[i]);
		strbuf_addch(err, ')');
		return -EINVAL;
	}
	if (!ok)
		goto bad;
	p->given |= 1u << f;
	return 0;
bad:
	strbuf_addf(err, "bad value for '%s': '%s'", key, val);
	return -EINVAL;
}

int packet_parse(const char *spec, struct packet *p, struct strbuf *err)
{
	char *copy = xstrdup(spec), *tok, *save = NULL;
	int ret = 0;

	/* family first: it decides how addresses and icmp types read */
	p->family = spec_family(spec) == NFPROTO_IPV6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	for (tok = strtok_r(copy, " \t\n", &save); tok && !ret;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq || eq == tok || !eq[1]) {
			strbuf_addf(err, "expected key=value, got '%s'", tok);
			ret = -EINVAL;
			break;
		}
		*eq = 0;
		ret = set_field(p, tok, eq + 1, err);
	}
	free(copy);
	return ret;
}

void packet_defaults(struct packet *p, uint32_t hook)
{
	memset(p, 0, sizeof(*p));
	p->family = NFPROTO_IPV4;
	p->l4proto = IPPROTO_TCP;
	p->sport = 40000;
	p->dport = 80;
	p->tcpflags = 0x02; /* syn */
	p->ctstate = NF_CT_STATE_BIT(IP_CT_NEW);
	if (hook != NF_INET_LOCAL_OUT)
		memcpy(p->iifname, "eth0", 5);
	if (hook == NF_INET_FORWARD || hook == NF_INET_LOCAL_OUT || hook == NF_INET_POST_ROUTING)
		memcpy(p->oifname, hook == NF_INET_FORWARD ? "eth1" : "eth0", 5);
}

/* Addresses default by family: documentation prefixes, never martians. */
static void default_addrs(struct packet *p)
{
	static const uint8_t s4[] = { 192, 0, 2, 1 }, d4[] = { 198, 51, 100, 1 };
	static const uint8_t s6[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t d6[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

	if (!(p->given & (1u << PF_SADDR)))
		memcpy(p->saddr, p->family == NFPROTO_IPV6 ? s6 : s4,
		       p->family == NFPROTO_IPV6 ? 16 : 4);
	if (!(p->given & (1u << PF_DADDR)))
		memcpy(p->daddr, p->family == NFPROTO_IPV6 ? d6 : d4,
		       p->family == NFPROTO_IPV6 ? 16 : 4);
}

void packet_finish(struct packet *p)
{
	default_addrs(p);
	if (p->family == NFPROTO_IPV6 && p->l4proto == IPPROTO_ICMP &&
	    !(p->given & (1u << PF_L4PROTO)))
		p->l4proto = IPPROTO_ICMPV6;
	if ((p->l4proto == IPPROTO_ICMP || p->l4proto == IPPROTO_ICMPV6) &&
	    !(p->given & (1u << PF_ICMPTYPE)))
		p->icmp_type = p->l4proto == IPPROTO_ICMP ? 8 : 128;
	if (!(p->given & (1u << PF_TCPFLAGS)) && p->ctstate != NF_CT_STATE_BIT(IP_CT_NEW))
		p->tcpflags = 0x10; /* ack */
	if (!p->len)
		p->len = packet_header_len(p);
}

uint32_t transport_header_len(uint8_t l4proto)
{
	switch (l4proto) {
	case IPPROTO_TCP:
		return 20;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return 8;
	case IPPROTO_SCTP:
		return 12;
	case IPPROTO_DCCP:
		return 16;
	default:
		return 0;
	}
}

static uint32_t network_header_len(const struct packet *p)
{
	if (p->family == NFPROTO_IPV6)
		return p->frag ? 48 : 40;
	return 20;
}

uint32_t packet_header_len(const struct packet *p)
{
	return network_header_len(p) + (p->frag ? 0 : transport_header_len(p->l4proto));
}

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

size_t packet_synthesize(const struct packet *p, uint8_t *buf, size_t cap, uint32_t *thoff)
{
	uint32_t nh = network_header_len(p), len = p->len ? p->len : packet_header_len(p);
	uint8_t hdr[128] = { 0 };
	uint8_t *t = hdr + nh;

	if (p->family == NFPROTO_IPV6) {
		hdr[0] = 0x60;
		put16(hdr + 4, (uint16_t)(len > 40 ? len - 40 : 0));
		hdr[6] = p->frag ? 44 : p->l4proto;
		hdr[7] = 64;
		memcpy(hdr + 8, p->saddr, 16);
		memcpy(hdr + 24, p->daddr, 16);
		if (p->frag) { /* fragment header: offset 185 * 8 */
			hdr[40] = p->l4proto;
			put16(hdr + 42, 185 << 3);
		}
	} else {
		hdr[0] = 0x45;
		put16(hdr + 2, (uint16_t)len);
		put16(hdr + 6, p->frag ? 185 : 0);
		hdr[8] = 64;
		hdr[9] = p->l4proto;
		memcpy(hdr + 12, p->saddr, 4);
		memcpy(hdr + 16, p->daddr, 4);
	}
	if (!p->frag) {
		switch (p->l4proto) {
		case IPPROTO_TCP:
			put16(t, p->sport);
			put16(t + 2, p->dport);
			t[12] = 5 << 4;
			t[13] = p->tcpflags;
			break;
		case IPPROTO_UDP:
		case IPPROTO_UDPLITE:
			put16(t, p->sport);
			put16(t + 2, p->dport);
			put16(t + 4, (uint16_t)(len - nh));
			break;
		case IPPROTO_SCTP:
		case IPPROTO_DCCP:
			put16(t, p->sport);
			put16(t + 2, p->dport);
			break;
		case IPPROTO_ICMP:
		case IPPROTO_ICMPV6:
			t[0] = p->icmp_type;
			t[1] = p->icmp_code;
			break;
		}
	}
	*thoff = nh;
	if (len > cap)
		len = (uint32_t)cap;
	memset(buf, 0, len);
	memcpy(buf, hdr, len < sizeof(hdr) ? len : sizeof(hdr));
	return len;
}

static void describe_flags(struct strbuf *out, const struct sym *t, uint64_t v)
{
	const char *sep = "";

	for (; t->name; t++)
		if (v & t->value) {
			strbuf_addf(out, "%s%s", sep, t->name);
			sep = ",";
			v &= ~t->value;
		}
	if (v || !*sep)
		strbuf_addf(out, "%s0x%llx", sep, (unsigned long long)v);
}

void packet_describe(const struct packet *p, struct strbuf *out)
{
	char a[INET6_ADDRSTRLEN];
	int af = p->family == NFPROTO_IPV6 ? AF_INET6 : AF_INET;
	const char *pn = sym_name(proto_syms, p->l4proto);

	strbuf_addf(out, "family=%s", p->family == NFPROTO_IPV6 ? "ip6" : "ip");
	if (pn)
		strbuf_addf(out, " proto=%s", pn);
	else
		strbuf_addf(out, " proto=%u", p->l4proto);
	strbuf_addf(out, " saddr=%s", inet_ntop(af, p->saddr, a, sizeof(a)));
	strbuf_addf(out, " daddr=%s", inet_ntop(af, p->daddr, a, sizeof(a)));
	if (transport_has_ports(p->l4proto))
		strbuf_addf(out, " sport=%u dport=%u", p->sport, p->dport);
	if (p->l4proto == IPPROTO_TCP) {
		strbuf_addstr(out, " flags=");
		describe_flags(out, tcpflag_syms, p->tcpflags);
	}
	if (p->l4proto == IPPROTO_ICMP || p->l4proto == IPPROTO_ICMPV6) {
		const char *tn =
			sym_name(p->l4proto == IPPROTO_ICMP ? icmp_syms : icmp6_syms, p->icmp_type);

		if (tn)
			strbuf_addf(out, " icmp-type=%s", tn);
		else
			strbuf_addf(out, " icmp-type=%u", p->icmp_type);
		strbuf_addf(out, " icmp-code=%u", p->icmp_code);
	}
	if (p->iifname[0])
		strbuf_addf(out, " iif=%s", p->iifname);
	if (p->iif)
		strbuf_addf(out, " iifindex=%u", p->iif);
	if (p->oifname[0])
		strbuf_addf(out, " oif=%s", p->oifname);
	if (p->oif)
		strbuf_addf(out, " oifindex=%u", p->oif);
	strbuf_addf(out, " mark=0x%x ct=%s", p->mark, sym_name(ctstate_syms, p->ctstate));
	if (p->ctstatus) {
		strbuf_addstr(out, " ct-status=");
		describe_flags(out, ctstatus_syms, p->ctstatus);
	}
	if (p->ctdir)
		strbuf_addstr(out, " ct-dir=reply");
	if (p->ctmark)
		strbuf_addf(out, " ct-mark=0x%x", p->ctmark);
	strbuf_addf(out, " len=%u", p->len);
	if (p->frag)
		strbuf_addstr(out, " frag=yes");
}

bool transport_has_ports(uint8_t l4proto)
{
	return l4proto == IPPROTO_TCP || l4proto == IPPROTO_UDP || l4proto == IPPROTO_UDPLITE ||
	       l4proto == IPPROTO_SCTP || l4proto == IPPROTO_DCCP;
}
