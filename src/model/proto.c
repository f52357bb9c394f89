// SPDX-License-Identifier: GPL-2.0-or-later
/* Protocol header templates: where each field nft names lives (nftables proto.c). */
#include <linux/netfilter/nf_tables.h>

#include "fwaudit/util.h"
#include "render_internal.h"

#define F(n, off, len, dt)                                                                         \
	{                                                                                          \
		n, off, len, DT_##dt, BO_BIG                                                       \
	}
#define PROTO(n, base, next, ...)                                                                  \
	{                                                                                          \
		n, NFT_PAYLOAD_##base##_HEADER,                                                    \
			ARRAY_SIZE(((const struct proto_field[]){ __VA_ARGS__ })),                 \
			(const struct proto_field[]){ __VA_ARGS__ }, next                          \
	}

static const struct proto_desc protos[PROTO_MAX] = {
	[PROTO_ETH] = PROTO("ether", LL, 2, F("daddr", 0, 48, ETHERADDR),
			    F("saddr", 48, 48, ETHERADDR), F("type", 96, 16, ETHERTYPE)),
	[PROTO_VLAN] = PROTO("vlan", LL, 3, F("pcp", 112, 3, INTEGER), F("dei", 115, 1, INTEGER),
			     F("id", 116, 12, INTEGER), F("type", 128, 16, ETHERTYPE)),
	[PROTO_ARP] = PROTO("arp", NETWORK, -1, F("htype", 0, 16, INTEGER),
			    F("ptype", 16, 16, ETHERTYPE), F("hlen", 32, 8, INTEGER),
			    F("plen", 40, 8, INTEGER), F("operation", 48, 16, ARPOP),
			    F("saddr ether", 64, 48, ETHERADDR), F("saddr ip", 112, 32, IPADDR),
			    F("daddr ether", 144, 48, ETHERADDR), F("daddr ip", 192, 32, IPADDR)),
	[PROTO_IP] = PROTO(
		"ip", NETWORK, 9, F("version", 0, 4, INTEGER), F("hdrlength", 4, 4, INTEGER),
		F("dscp", 8, 6, DSCP), F("ecn", 14, 2, ECN), F("length", 16, 16, INTEGER),
		F("id", 32, 16, INTEGER), F("frag-off", 48, 16, INTEGER), F("ttl", 64, 8, INTEGER),
		F("protocol", 72, 8, INET_PROTOCOL), F("checksum", 80, 16, INTEGER),
		F("saddr", 96, 32, IPADDR), F("daddr", 128, 32, IPADDR)),
	[PROTO_IP6] = PROTO("ip6", NETWORK, 6, F("version", 0, 4, INTEGER), F("dscp", 4, 6, DSCP),
			    F("ecn", 10, 2, ECN), F("flowlabel", 12, 20, INTEGER),
			    F("length", 32, 16, INTEGER), F("nexthdr", 48, 8, INET_PROTOCOL),
			    F("hoplimit", 56, 8, INTEGER), F("saddr", 64, 128, IP6ADDR),
			    F("daddr", 192, 128, IP6ADDR)),
	[PROTO_ICMP] = PROTO("icmp", TRANSPORT, -1, F("type", 0, 8, ICMP_TYPE),
			     F("code", 8, 8, ICMP_CODE), F("checksum", 16, 16, INTEGER),
			     F("id", 32, 16, INTEGER), F("sequence", 48, 16, INTEGER),
			     F("gateway", 32, 32, IPADDR), F("mtu", 48, 16, INTEGER)),
	[PROTO_IGMP] =
		PROTO("igmp", TRANSPORT, -1, F("type", 0, 8, IGMP_TYPE), F("mrt", 8, 8, INTEGER),
		      F("checksum", 16, 16, INTEGER), F("group", 32, 32, IPADDR)),
	[PROTO_ICMP6] = PROTO("icmpv6", TRANSPORT, -1, F("type", 0, 8, ICMP6_TYPE),
			      F("code", 8, 8, ICMPV6_CODE), F("checksum", 16, 16, INTEGER),
			      F("parameter-problem", 32, 32, INTEGER), F("mtu", 32, 32, INTEGER),
			      F("id", 32, 16, INTEGER), F("sequence", 48, 16, INTEGER),
			      F("max-delay", 32, 16, INTEGER)),
	[PROTO_TCP] = PROTO("tcp", TRANSPORT, -1, F("sport", 0, 16, INET_SERVICE),
			    F("dport", 16, 16, INET_SERVICE), F("sequence", 32, 32, INTEGER),
			    F("ackseq", 64, 32, INTEGER), F("doff", 96, 4, INTEGER),
			    F("reserved", 100, 4, INTEGER), F("flags", 104, 8, TCP_FLAG),
			    F("window", 112, 16, INTEGER), F("checksum", 128, 16, INTEGER),
			    F("urgptr", 144, 16, INTEGER)),
	[PROTO_UDP] = PROTO("udp", TRANSPORT, -1, F("sport", 0, 16, INET_SERVICE),
			    F("dport", 16, 16, INET_SERVICE), F("length", 32, 16, INTEGER),
			    F("checksum", 48, 16, INTEGER)),
	[PROTO_UDPLITE] = PROTO("udplite", TRANSPORT, -1, F("sport", 0, 16, INET_SERVICE),
				F("dport", 16, 16, INET_SERVICE), F("csumcov", 32, 16, INTEGER),
				F("checksum", 48, 16, INTEGER)),
	[PROTO_SCTP] = PROTO("sctp", TRANSPORT, -1, F("sport", 0, 16, INET_SERVICE),
			     F("dport", 16, 16, INET_SERVICE), F("vtag", 32, 32, INTEGER),
			     F("checksum", 64, 32, INTEGER)),
	[PROTO_DCCP] = PROTO("dccp", TRANSPORT, -1, F("sport", 0, 16, INET_SERVICE),
			     F("dport", 16, 16, INET_SERVICE), F("type", 67, 4, DCCP_PKTTYPE)),
	[PROTO_AH] = PROTO("ah", TRANSPORT, -1, F("nexthdr", 0, 8, INET_PROTOCOL),
			   F("hdrlength", 8, 8, INTEGER), F("reserved", 16, 16, INTEGER),
			   F("spi", 32, 32, INTEGER), F("sequence", 64, 32, INTEGER)),
	[PROTO_ESP] = PROTO("esp", TRANSPORT, -1, F("spi", 0, 32, INTEGER),
			    F("sequence", 32, 32, INTEGER)),
	[PROTO_COMP] = PROTO("comp", TRANSPORT, -1, F("nexthdr", 0, 8, INET_PROTOCOL),
			     F("flags", 8, 8, XINTEGER), F("cpi", 16, 16, INTEGER)),
	[PROTO_TH] = PROTO("th", TRANSPORT, -1, F("sport", 0, 16, INET_SERVICE),
			   F("dport", 16, 16, INET_SERVICE)),
};

const struct proto_desc *proto_get(enum proto_id id)
{
	return id > PROTO_NONE && id < PROTO_MAX ? &protos[id] : NULL;
}

enum proto_id proto_by_l4num(uint8_t n)
{
	switch (n) {
	case 1:
		return PROTO_ICMP;
	case 2:
		return PROTO_IGMP;
	case 6:
		return PROTO_TCP;
	case 17:
		return PROTO_UDP;
	case 33:
		return PROTO_DCCP;
	case 50:
		return PROTO_ESP;
	case 51:
		return PROTO_AH;
	case 58:
		return PROTO_ICMP6;
	case 108:
		return PROTO_COMP;
	case 132:
		return PROTO_SCTP;
	case 136:
		return PROTO_UDPLITE;
	default:
		return PROTO_NONE;
	}
}

enum proto_id proto_by_ethertype(uint16_t t)
{
	switch (t) {
	case 0x0800:
		return PROTO_IP;
	case 0x86dd:
		return PROTO_IP6;
	case 0x0806:
		return PROTO_ARP;
	case 0x8100:
		return PROTO_VLAN;
	default:
		return PROTO_NONE;
	}
}
