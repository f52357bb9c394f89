// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Values printed as nft 1.0.6 prints them (nftables datatype.c and the
 * protocol files): numbers in decimal unless the type says otherwise,
 * symbolic names where nft has a table, ports and uids numeric (nft's
 * default output flags).
 */
#include <netdb.h>
#include <time.h>
#include <net/if.h>
#include <string.h>
#include <arpa/inet.h>

#include "fwaudit/util.h"
#include "render_internal.h"

struct sym {
	uint64_t value;
	const char *name;
};

#define SYMS(...) ((const struct sym[]){ __VA_ARGS__, { 0, NULL } })

static const struct sym *const sym_tables[DT_MAX] = {
	[DT_NFPROTO] = SYMS({ 2, "ipv4" }, { 10, "ipv6" }),
	[DT_ETHERTYPE] = SYMS({ 0x0800, "ip" }, { 0x0806, "arp" }, { 0x86dd, "ip6" },
			      { 0x8100, "8021q" }, { 0x88a8, "8021ad" }),
	[DT_ARPOP] = SYMS({ 1, "request" }, { 2, "reply" }, { 3, "rrequest" }, { 4, "rreply" },
			  { 8, "inrequest" }, { 9, "inreply" }, { 10, "nak" }),
	[DT_ICMP_TYPE] = SYMS(
		{ 0, "echo-reply" }, { 3, "destination-unreachable" }, { 4, "source-quench" },
		{ 5, "redirect" }, { 8, "echo-request" }, { 9, "router-advertisement" },
		{ 10, "router-solicitation" }, { 11, "time-exceeded" }, { 12, "parameter-problem" },
		{ 13, "timestamp-request" }, { 14, "timestamp-reply" }, { 15, "info-request" },
		{ 16, "info-reply" }, { 17, "address-mask-request" }, { 18, "address-mask-reply" }),
	[DT_ICMP6_TYPE] = SYMS({ 1, "destination-unreachable" }, { 2, "packet-too-big" },
			       { 3, "time-exceeded" }, { 4, "parameter-problem" },
			       { 128, "echo-request" }, { 129, "echo-reply" },
			       { 130, "mld-listener-query" }, { 131, "mld-listener-report" },
			       { 132, "mld-listener-done" }, { 133, "nd-router-solicit" },
			       { 134, "nd-router-advert" }, { 135, "nd-neighbor-solicit" },
			       { 136, "nd-neighbor-advert" }, { 137, "nd-redirect" },
			       { 138, "router-renumbering" }, { 141, "ind-neighbor-solicit" },
			       { 142, "ind-neighbor-advert" }, { 143, "mld2-listener-report" }),
	[DT_ICMP_CODE] =
		SYMS({ 0, "net-unreachable" }, { 1, "host-unreachable" }, { 2, "prot-unreachable" },
		     { 3, "port-unreachable" }, { 4, "frag-needed" }, { 9, "net-prohibited" },
		     { 10, "host-prohibited" }, { 13, "admin-prohibited" }),
	[DT_ICMPV6_CODE] =
		SYMS({ 0, "no-route" }, { 1, "admin-prohibited" }, { 3, "addr-unreachable" },
		     { 4, "port-unreachable" }, { 5, "policy-fail" }, { 6, "reject-route" }),
	[DT_ICMPX_CODE] = SYMS({ 0, "no-route" }, { 1, "port-unreachable" },
			       { 2, "host-unreachable" }, { 3, "admin-prohibited" }),
	[DT_TCP_FLAG] = SYMS({ 0x01, "fin" }, { 0x02, "syn" }, { 0x04, "rst" }, { 0x08, "psh" },
			     { 0x10, "ack" }, { 0x20, "urg" }, { 0x40, "ecn" }, { 0x80, "cwr" }),
	[DT_CT_STATE] = SYMS({ 1, "invalid" }, { 2, "established" }, { 4, "related" }, { 8, "new" },
			     { 64, "untracked" }),
	[DT_CT_DIR] = SYMS({ 0, "original" }, { 1, "reply" }),
	[DT_CT_STATUS] = SYMS({ 1, "expected" }, { 2, "seen-reply" }, { 4, "assured" },
			      { 8, "confirmed" }, { 16, "snat" }, { 32, "dnat" }, { 512, "dying" }),
	[DT_CT_EVENTBIT] =
		SYMS({ 1, "new" }, { 2, "related" }, { 4, "destroy" }, { 8, "reply" },
		     { 16, "assured" }, { 32, "protoinfo" }, { 64, "helper" }, { 128, "mark" },
		     { 256, "seqadj" }, { 512, "secmark" }, { 1024, "label" }),
	[DT_PKTTYPE] = SYMS({ 0, "host" }, { 1, "broadcast" }, { 2, "multicast" }, { 3, "other" }),
	[DT_ARPHRD] = SYMS({ 1, "ether" }, { 512, "ppp" }, { 768, "ipip" }, { 769, "ipip6" },
			   { 772, "loopback" }, { 776, "sit" }, { 778, "ipgre" }),
	[DT_BOOLEAN] = SYMS({ 0, "missing" }, { 1, "exists" }),
	[DT_DSCP] = SYMS({ 0x00, "cs0" }, { 0x08, "cs1" }, { 0x10, "cs2" }, { 0x18, "cs3" },
			 { 0x20, "cs4" }, { 0x28, "cs5" }, { 0x30, "cs6" }, { 0x38, "cs7" },
			 { 0x0a, "af11" }, { 0x0c, "af12" }, { 0x0e, "af13" }, { 0x12, "af21" },
			 { 0x14, "af22" }, { 0x16, "af23" }, { 0x1a, "af31" }, { 0x1c, "af32" },
			 { 0x1e, "af33" }, { 0x22, "af41" }, { 0x24, "af42" }, { 0x26, "af43" },
			 { 0x2c, "va" }, { 0x2e, "ef" }, { 0x01, "lephb" }),
	[DT_ECN] = SYMS({ 0, "not-ect" }, { 1, "ect1" }, { 2, "ect0" }, { 3, "ce" }),
	[DT_FIB_ADDR] = SYMS({ 0, "unspec" }, { 1, "unicast" }, { 2, "local" }, { 3, "broadcast" },
			     { 4, "anycast" }, { 5, "multicast" }, { 6, "blackhole" },
			     { 7, "unreachable" }, { 8, "prohibit" }),
	[DT_IGMP_TYPE] = SYMS({ 0x11, "membership-query" }, { 0x12, "membership-report-v1" },
			      { 0x16, "membership-report-v2" }, { 0x22, "membership-report-v3" },
			      { 0x17, "leave-group" }),
	[DT_DCCP_PKTTYPE] = SYMS({ 0, "request" }, { 1, "response" }, { 2, "data" }, { 3, "ack" },
				 { 4, "dataack" }, { 5, "closereq" }, { 6, "close" },
				 { 7, "reset" }, { 8, "sync" }, { 9, "syncack" }),
	[DT_MH_TYPE] =
		SYMS({ 0, "binding-refresh-request" }, { 1, "home-test-init" },
		     { 2, "careof-test-init" }, { 3, "home-test" }, { 4, "careof-test" },
		     { 5, "binding-update" }, { 6, "binding-acknowledgement" },
		     { 7, "binding-error" }, { 8, "fast-binding-update" },
		     { 9, "fast-binding-acknowledgement" }, { 10, "fast-binding-advertisement" },
		     { 11, "experimental-mobility-header" }, { 12, "home-agent-switch-message" }),
	[DT_DEVGROUP] = SYMS({ 0, "default" }),
	[DT_REALM] = SYMS({ 0, "cosmos" }),
	[DT_TIME_DAY] = SYMS({ 0, "Sunday" }, { 1, "Monday" }, { 2, "Tuesday" }, { 3, "Wednesday" },
			     { 4, "Thursday" }, { 5, "Friday" }, { 6, "Saturday" }),
};

static const struct {
	const char *name;
	uint8_t bits;
	uint8_t byteorder;
} dtypes[DT_MAX] = {
	[DT_VERDICT] = { "verdict", 32, BO_HOST },
	[DT_NFPROTO] = { "nf_proto", 8, BO_HOST },
	[DT_BITMASK] = { "bitmask", 0, BO_HOST },
	[DT_INTEGER] = { "integer", 0, BO_HOST },
	[DT_STRING] = { "string", 0, BO_HOST },
	[DT_LLADDR] = { "ll_addr", 0, BO_BIG },
	[DT_IPADDR] = { "ipv4_addr", 32, BO_BIG },
	[DT_IP6ADDR] = { "ipv6_addr", 128, BO_BIG },
	[DT_ETHERADDR] = { "ether_addr", 48, BO_BIG },
	[DT_ETHERTYPE] = { "ether_type", 16, BO_HOST },
	[DT_ARPOP] = { "arp_op", 16, BO_BIG },
	[DT_INET_PROTOCOL] = { "inet_proto", 8, BO_BIG },
	[DT_INET_SERVICE] = { "inet_service", 16, BO_BIG },
	[DT_ICMP_TYPE] = { "icmp_type", 8, BO_BIG },
	[DT_TCP_FLAG] = { "tcp_flag", 8, BO_BIG },
	[DT_DCCP_PKTTYPE] = { "dccp_pkttype", 4, BO_BIG },
	[DT_MH_TYPE] = { "mh_type", 8, BO_BIG },
	[DT_TIME] = { "time", 64, BO_HOST },
	[DT_MARK] = { "mark", 32, BO_HOST },
	[DT_IFINDEX] = { "iface_index", 32, BO_HOST },
	[DT_ARPHRD] = { "iface_type", 16, BO_HOST },
	[DT_REALM] = { "realm", 32, BO_HOST },
	[DT_CLASSID] = { "classid", 32, BO_HOST },
	[DT_UID] = { "uid", 32, BO_HOST },
	[DT_GID] = { "gid", 32, BO_HOST },
	[DT_CT_STATE] = { "ct_state", 32, BO_HOST },
	[DT_CT_DIR] = { "ct_dir", 8, BO_HOST },
	[DT_CT_STATUS] = { "ct_status", 32, BO_HOST },
	[DT_ICMP6_TYPE] = { "icmpv6_type", 8, BO_BIG },
	[DT_CT_LABEL] = { "ct_label", 128, BO_HOST },
	[DT_PKTTYPE] = { "pkt_type", 8, BO_HOST },
	[DT_ICMP_CODE] = { "icmp_code", 8, BO_BIG },
	[DT_ICMPV6_CODE] = { "icmpv6_code", 8, BO_BIG },
	[DT_ICMPX_CODE] = { "icmpx_code", 8, BO_BIG },
	[DT_DEVGROUP] = { "devgroup", 32, BO_HOST },
	[DT_DSCP] = { "dscp", 6, BO_BIG },
	[DT_ECN] = { "ecn", 2, BO_BIG },
	[DT_FIB_ADDR] = { "fib_addrtype", 32, BO_HOST },
	[DT_BOOLEAN] = { "boolean", 1, BO_HOST },
	[DT_CT_EVENTBIT] = { "ct_event", 32, BO_HOST },
	[DT_IFNAME] = { "ifname", 128, BO_HOST },
	[DT_IGMP_TYPE] = { "igmp_type", 8, BO_BIG },
	[DT_TIME_DATE] = { "time", 64, BO_HOST },
	[DT_TIME_HOUR] = { "hour", 32, BO_HOST },
	[DT_TIME_DAY] = { "day", 8, BO_HOST },
	[DT_CGROUPV2] = { "cgroupsv2", 64, BO_HOST },
};

const char *dtype_name(uint32_t dt)
{
	return dt < DT_MAX ? dtypes[dt].name : NULL;
}

enum byteorder dtype_byteorder(uint32_t dt)
{
	return dt < DT_MAX ? dtypes[dt].byteorder : BO_BIG;
}

uint32_t dtype_bits(uint32_t dt)
{
	return dt < DT_MAX ? dtypes[dt].bits : 0;
}

bool dtype_range_numeric(uint32_t dt)
{
	switch (dt) {
	case DT_IPADDR:
	case DT_IP6ADDR:
	case DT_ETHERADDR:
	case DT_LLADDR:
	case DT_STRING:
	case DT_IFNAME:
	case DT_MARK:
	case DT_XINTEGER:
	case DT_TIME:
	case DT_DSCP:
	case DT_CLASSID:
		return false;
	default:
		return true;
	}
}

bool dtype_is_bitmask(uint32_t dt)
{
	return dt == DT_CT_STATE || dt == DT_CT_STATUS || dt == DT_TCP_FLAG || dt == DT_CT_EVENTBIT;
}

uint64_t value_uint(const uint8_t *p, uint32_t len, enum byteorder bo)
{
	uint64_t v = 0;

	if (len > 8)
		len = 8;
	if (bo == BO_HOST) {
		for (uint32_t i = len; i > 0; i--)
			v = v << 8 | p[i - 1];
	} else {
		for (uint32_t i = 0; i < len; i++)
			v = v << 8 | p[i];
	}
	return v;
}

static const char *sym_lookup(uint32_t dt, uint64_t v)
{
	const struct sym *s = dt < DT_MAX ? sym_tables[dt] : NULL;

	for (; s && s->name; s++)
		if (s->value == v)
			return s->name;
	return NULL;
}

/* Big integers (over 64 bits) as nft prints them: hex without leading zeros. */
static void bighex_print(struct strbuf *out, const uint8_t *p, uint32_t len, enum byteorder bo)
{
	static const char hex[] = "0123456789abcdef";
	bool started = false;

	strbuf_addstr(out, "0x");
	for (uint32_t i = 0; i < len; i++) {
		uint8_t b = bo == BO_HOST ? p[len - 1 - i] : p[i];

		if (started || b >> 4) {
			strbuf_addch(out, hex[b >> 4]);
			started = true;
		}
		if (started || b & 15 || i == len - 1) {
			strbuf_addch(out, hex[b & 15]);
			started = true;
		}
	}
}

static void string_print(struct strbuf *out, const uint8_t *p, uint32_t len)
{
	size_t n = strnlen((const char *)p, len);

	strbuf_addch(out, '"');
	strbuf_add(out, p, n);
	/* No terminating NUL in the value: a prefix match, printed as "eth*". */
	if (n == len && len < 16) {
		strbuf_addch(out, '*');
	} else if (n && p[n - 1] == '*') {
		/* A name really ending in '*' is escaped, as nft does. */
		strbuf_truncate(out, out->len - 1);
		strbuf_addstr(out, "\\*");
	}
	strbuf_addch(out, '"');
}

void value_print(struct strbuf *out, unsigned style, uint32_t dt, enum byteorder bo,
		 const uint8_t *p, uint32_t len, uint32_t bits)
{
	char buf[INET6_ADDRSTRLEN];
	const char *name;
	uint64_t v;

	switch (dt) {
	case DT_IPADDR:
		if (len == 4 && inet_ntop(AF_INET, p, buf, sizeof(buf))) {
			strbuf_addstr(out, buf);
			return;
		}
		break;
	case DT_IP6ADDR:
		if (len == 16 && inet_ntop(AF_INET6, p, buf, sizeof(buf))) {
			strbuf_addstr(out, buf);
			return;
		}
		break;
	case DT_ETHERADDR:
	case DT_LLADDR:
		for (uint32_t i = 0; i < len; i++)
			strbuf_addf(out, "%s%02x", i ? ":" : "", p[i]);
		return;
	case DT_STRING:
	case DT_IFNAME:
		string_print(out, p, len);
		return;
	default:
		break;
	}
	if (len > 8) {
		bighex_print(out, p, len, bo);
		return;
	}
	v = value_uint(p, len, bo);
	if (bits && bits < 64)
		v &= (1ULL << bits) - 1;
	switch (dt) {
	case DT_MARK:
		strbuf_addf(out, "0x%08llx", (unsigned long long)v);
		return;
	case DT_XINTEGER:
		strbuf_addf(out, "0x%llx", (unsigned long long)v);
		return;
	case DT_INET_PROTOCOL: {
		struct protoent *pe = getprotobynumber((int)v);

		if (pe) {
			strbuf_addstr(out, pe->p_name);
			return;
		}
		break;
	}
	case DT_ETHERTYPE:
		name = sym_lookup(dt, v);
		if (name)
			strbuf_addstr(out, name);
		else
			strbuf_addf(out, "0x%04llx", (unsigned long long)v);
		return;
	case DT_DSCP:
	case DT_ECN:
		/*
		 * Unnamed values in the type's basefmt (proto.c: dscp_type,
		 * ecn_type); range bounds are never named (range_expr_print).
		 */
		name = style & VS_RANGE ? NULL : sym_lookup(dt, v);
		if (name)
			strbuf_addstr(out, name);
		else
			strbuf_addf(out, dt == DT_DSCP ? "0x%02llx" : "0x%01llx",
				    (unsigned long long)v);
		return;
	case DT_IFINDEX: {
		char ifname[IF_NAMESIZE];

		if (v && if_indextoname((unsigned)v, ifname)) {
			strbuf_addf(out, "\"%s\"", ifname);
			return;
		}
		break;
	}
	case DT_TIME:
		if (style & VS_RANGE)
			strbuf_addf(out, "%llus", (unsigned long long)(v / 1000));
		else
			time_print(out, v);
		return;
	case DT_TIME_DATE: {
		/* nanoseconds since the epoch, shown in local time as nft does */
		time_t secs = (time_t)(v / 1000000000ULL);
		struct tm tm;
		char date[64];

		if (localtime_r(&secs, &tm) &&
		    strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm)) {
			strbuf_addf(out, "\"%s\"", date);
			return;
		}
		break;
	}
	case DT_TIME_HOUR: {
		/* seconds since midnight UTC, shown in local time */
		time_t now = 0;
		struct tm tm;
		long off = 0, s;

		if (localtime_r(&now, &tm))
			off = tm.tm_gmtoff;
		s = ((long)v + off) % 86400;
		if (s < 0)
			s += 86400;
		if (s % 60)
			strbuf_addf(out, "\"%02ld:%02ld:%02ld\"", s / 3600, s / 60 % 60, s % 60);
		else
			strbuf_addf(out, "\"%02ld:%02ld\"", s / 3600, s / 60 % 60);
		return;
	}
	case DT_TIME_DAY:
	case DT_REALM:
	case DT_DEVGROUP:
		name = sym_lookup(dt, v);
		if (name) {
			strbuf_addf(out, "\"%s\"", name);
			return;
		}
		break;
	case DT_CLASSID:
		if (v == 0xffffffff)
			strbuf_addstr(out, "root");
		else if (v == 0)
			strbuf_addstr(out, "none");
		else
			strbuf_addf(out, "%x:%x", (unsigned)(v >> 16), (unsigned)(v & 0xffff));
		return;
	case DT_CT_LABEL:
		break;
	default:
		if (dtype_is_bitmask(dt) && v && !sym_lookup(dt, v) && !(style & VS_FLAGS_HEX)) {
			bool first = true;

			for (uint64_t bit = 1; bit && bit <= v; bit <<= 1) {
				if (!(v & bit))
					continue;
				name = sym_lookup(dt, bit);
				if (!first)
					strbuf_addstr(out, style & VS_SET_ELEMENTS ? " | " : ",");
				first = false;
				if (name)
					strbuf_addstr(out, name);
				else
					strbuf_addf(out, "0x%llx", (unsigned long long)bit);
			}
			return;
		}
		name = sym_lookup(dt, v);
		if (name) {
			strbuf_addstr(out, name);
			return;
		}
		if (dtype_is_bitmask(dt) || dt == DT_CT_EVENTBIT) {
			strbuf_addf(out, "0x%llx", (unsigned long long)v);
			return;
		}
		break;
	}
	strbuf_addf(out, "%llu", (unsigned long long)v);
}

void flag_names_print(struct strbuf *out, uint32_t flags, const struct flag_name *names, size_t n,
		      const char *lead, const char *sep)
{
	const char *d = lead;

	for (size_t i = 0; i < n; i++) {
		if (!(flags & names[i].bit))
			continue;
		strbuf_addf(out, "%s%s", d, names[i].name);
		d = sep;
	}
}

void time_print(struct strbuf *out, uint64_t ms)
{
	static const struct {
		uint64_t ms;
		char unit;
	} units[] = {
		{ 86400000ULL, 'd' }, { 3600000ULL, 'h' }, { 60000ULL, 'm' }, { 1000ULL, 's' }
	};
	bool any = false;

	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (ms >= units[i].ms) {
			strbuf_addf(out, "%llu%c", (unsigned long long)(ms / units[i].ms),
				    units[i].unit);
			ms %= units[i].ms;
			any = true;
		}
	}
	if (ms || !any)
		strbuf_addf(out, "%llums", (unsigned long long)ms);
}

void quoted_print(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '"');
	strbuf_addstr(out, s);
	strbuf_addch(out, '"');
}
