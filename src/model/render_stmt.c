// SPDX-License-Identifier: GPL-2.0-or-later
/* Statements as nft 1.0.6 prints them (nftables statement.c). */
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_synproxy.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_log.h>

#include "fwaudit/util.h"
#include "render_internal.h"

static const char *const log_levels[] = { "emerg",  "alert", "crit",  "err",  "warn",
					  "notice", "info",  "debug", "audit" };

static void st_counter(const struct expr *e, struct strbuf *t)
{
	strbuf_addf(t, "counter packets %llu bytes %llu",
		    (unsigned long long)expr_num(e, NFTA_COUNTER_PACKETS, 0),
		    (unsigned long long)expr_num(e, NFTA_COUNTER_BYTES, 0));
}

static void st_log(const struct expr *e, struct strbuf *t)
{
	uint32_t flags = (uint32_t)expr_num(e, NFTA_LOG_FLAGS, 0);
	uint32_t level = (uint32_t)expr_num(e, NFTA_LOG_LEVEL, 4);

	strbuf_addstr(t, "log");
	if (expr_str(e, NFTA_LOG_PREFIX)) {
		strbuf_addstr(t, " prefix ");
		quoted_print(t, expr_str(e, NFTA_LOG_PREFIX));
	}
	if (expr_has(e, NFTA_LOG_GROUP))
		strbuf_addf(t, " group %llu", (unsigned long long)expr_num(e, NFTA_LOG_GROUP, 0));
	if (expr_has(e, NFTA_LOG_SNAPLEN))
		strbuf_addf(t, " snaplen %llu",
			    (unsigned long long)expr_num(e, NFTA_LOG_SNAPLEN, 0));
	if (expr_has(e, NFTA_LOG_QTHRESHOLD))
		strbuf_addf(t, " queue-threshold %llu",
			    (unsigned long long)expr_num(e, NFTA_LOG_QTHRESHOLD, 0));
	if (expr_has(e, NFTA_LOG_LEVEL) && level != 4)
		strbuf_addf(t, " level %s",
			    level < ARRAY_SIZE(log_levels) ? log_levels[level] : "?");
	if ((flags & NF_LOG_MASK) == NF_LOG_MASK) {
		strbuf_addstr(t, " flags all");
	} else if (flags) {
		if (flags & (NF_LOG_TCPSEQ | NF_LOG_TCPOPT)) {
			strbuf_addstr(t, " flags tcp");
			if (flags & NF_LOG_TCPSEQ)
				strbuf_addstr(t, " sequence");
			if (flags & NF_LOG_TCPOPT)
				strbuf_addstr(t, flags & NF_LOG_TCPSEQ ? ",options" : " options");
		}
		if (flags & NF_LOG_IPOPT)
			strbuf_addstr(t, " flags ip options");
		if (flags & NF_LOG_UID)
			strbuf_addstr(t, " flags skuid");
		if (flags & NF_LOG_MACDECODE)
			strbuf_addstr(t, " flags ether");
	}
}

static const char *time_unit(uint64_t unit)
{
	switch (unit) {
	case 1:
		return "second";
	case 60:
		return "minute";
	case 3600:
		return "hour";
	case 86400:
		return "day";
	case 604800:
		return "week";
	default:
		return "error";
	}
}

/* Bytes in the largest unit that divides them (nftables data_unit_parse). */
static const char *byte_unit(uint64_t *v)
{
	static const char *const units[] = { "bytes", "kbytes", "mbytes" };
	unsigned i = 0;

	while (i < 2 && *v && *v % 1024 == 0) {
		*v /= 1024;
		i++;
	}
	return units[i];
}

void limit_words(const struct expr *e, struct strbuf *t)
{
	uint64_t rate = expr_num(e, NFTA_LIMIT_RATE, 0);
	uint64_t unit = expr_num(e, NFTA_LIMIT_UNIT, 1);
	uint32_t burst = (uint32_t)expr_num(e, NFTA_LIMIT_BURST, 0);
	bool over = expr_num(e, NFTA_LIMIT_FLAGS, 0) & NFT_LIMIT_F_INV;

	strbuf_addf(t, "rate %s", over ? "over " : "");
	if (expr_num(e, NFTA_LIMIT_TYPE, NFT_LIMIT_PKTS) == NFT_LIMIT_PKT_BYTES) {
		const char *u = byte_unit(&rate);
		uint64_t b = burst;

		strbuf_addf(t, "%llu %s/%s", (unsigned long long)rate, u, time_unit(unit));
		if (burst) {
			u = byte_unit(&b);
			strbuf_addf(t, " burst %llu %s", (unsigned long long)b, u);
		}
		return;
	}
	strbuf_addf(t, "%llu/%s", (unsigned long long)rate, time_unit(unit));
	if (burst && burst != 5)
		strbuf_addf(t, " burst %u packets", burst);
}

static void st_limit(const struct expr *e, struct strbuf *t)
{
	strbuf_addstr(t, "limit ");
	limit_words(e, t);
}

void quota_words(const struct expr *e, struct strbuf *t)
{
	uint64_t bytes = expr_num(e, NFTA_QUOTA_BYTES, 0);
	uint64_t used = expr_num(e, NFTA_QUOTA_CONSUMED, 0);
	const char *u = byte_unit(&bytes);

	strbuf_addf(t, "%s%llu %s",
		    expr_num(e, NFTA_QUOTA_FLAGS, 0) & NFT_QUOTA_F_INV ? "over " : "",
		    (unsigned long long)bytes, u);
	if (used) {
		u = byte_unit(&used);
		strbuf_addf(t, " used %llu %s", (unsigned long long)used, u);
	}
}

static void st_quota(const struct expr *e, struct strbuf *t)
{
	strbuf_addstr(t, "quota ");
	quota_words(e, t);
}

static void st_reject(struct dl *d, const struct expr *e, struct strbuf *t)
{
	struct render_ctx *rc = dl_ctx(d);
	uint32_t type = (uint32_t)expr_num(e, NFTA_REJECT_TYPE, 0);
	uint8_t code = (uint8_t)expr_num(e, NFTA_REJECT_ICMP_CODE, 0);
	uint32_t fam = rc->table->family;
	uint8_t b = code;
	bool verbose;

	strbuf_addstr(t, "reject");
	switch (type) {
	case NFT_REJECT_TCP_RST:
		/*
		 * A reset implies tcp in ip and ip6; elsewhere it implies the
		 * network protocol (stmt_reject_postprocess).
		 */
		if (fam == NFPROTO_IPV4 || fam == NFPROTO_IPV6)
			dl_kill_th_dependency(d);
		else
			dl_kill_nh_dependency(d);
		strbuf_addstr(t, " with tcp reset");
		break;
	case NFT_REJECT_ICMPX_UNREACH:
		if (code == NFT_REJECT_ICMPX_PORT_UNREACH)
			break;
		strbuf_addstr(t, " with icmpx ");
		value_print(t, 0, DT_ICMPX_CODE, BO_BIG, &b, 1, 0);
		break;
	case NFT_REJECT_ICMP_UNREACH:
		/*
		 * In inet, bridge and netdev the rule's network protocol decides,
		 * the reject implies it (its match is not listed), and nft names
		 * the code even where it is the default port-unreachable
		 * (reject_stmt_print: verbose_print). Without a network protocol
		 * nft prints no code at all.
		 */
		verbose = fam != NFPROTO_IPV4 && fam != NFPROTO_IPV6;
		if (verbose) {
			fam = dl_nh_proto(d) == PROTO_IP6  ? NFPROTO_IPV6
			      : dl_nh_proto(d) == PROTO_IP ? NFPROTO_IPV4
							   : NFPROTO_UNSPEC;
			dl_kill_nh_dependency(d);
		}
		if (fam == NFPROTO_IPV6) {
			if (code == 4 && !verbose)
				break;
			strbuf_addstr(t, " with icmpv6 ");
			value_print(t, 0, DT_ICMPV6_CODE, BO_BIG, &b, 1, 0);
		} else if (fam == NFPROTO_IPV4) {
			if (code == 3 && !verbose)
				break;
			strbuf_addstr(t, " with icmp ");
			value_print(t, 0, DT_ICMP_CODE, BO_BIG, &b, 1, 0);
		}
		break;
	}
}

static void nat_flags(struct strbuf *t, uint32_t flags)
{
	static const struct flag_name names[] = {
		{ NF_NAT_RANGE_PROTO_RANDOM, "random" },
		{ NF_NAT_RANGE_PROTO_RANDOM_FULLY, "fully-random" },
		{ NF_NAT_RANGE_PERSISTENT, "persistent" },
	};

	flag_names_print(t, flags, names, ARRAY_SIZE(names), " ", ",");
}

/* The value in a register, typed as @dt. */
static void reg_print(struct dl *d, struct strbuf *t, uint32_t reg, uint32_t dt, uint32_t bytes)
{
	struct hx *v = dl_reg_get(d, reg, bytes);
	struct hx like = {
		.kind = HX_VALUE, .dtype = dt, .byteorder = dtype_byteorder(dt), .len = bytes * 8
	};

	if (!v) {
		strbuf_addstr(t, "?");
		return;
	}
	if (v->kind == HX_VALUE)
		hx_print_as(dl_ctx(d), t, v, &like);
	else
		hx_print(dl_ctx(d), t, v);
}

static void proto_range(struct dl *d, const struct expr *e, uint16_t min, uint16_t max,
			struct strbuf *t)
{
	uint32_t rmin = (uint32_t)expr_num(e, min, 0), rmax = (uint32_t)expr_num(e, max, 0);

	/*
	 * nft forgets the rule's protocol matches before it reads a port
	 * (rule_postprocess, STMT_NAT): "ip protocol tcp redirect to :tcp
	 * dport map { ... }" keeps its protocol match.
	 */
	dl_reset_dependencies(d);
	if (!expr_has(e, min) || !dl_reg_get(d, rmin, 2))
		return;
	strbuf_addch(t, ':');
	reg_print(d, t, rmin, DT_INET_SERVICE, 2);
	if (expr_has(e, max) && rmax != rmin) {
		struct hx *a = dl_reg_get(d, rmin, 2), *b = dl_reg_get(d, rmax, 2);

		if (!a || !b || a->kind != HX_VALUE || b->kind != HX_VALUE ||
		    memcmp(a->value.bytes, b->value.bytes, 2)) {
			strbuf_addch(t, '-');
			reg_print(d, t, rmax, DT_INET_SERVICE, 2);
		}
	}
}

/*
 * The prefix length of the range @lo-@hi (@len bytes, big endian) if it
 * covers exactly one prefix, else -1 (netlink.c: range_expr_is_prefix).
 */
static int range_prefix_len(const uint8_t *lo, const uint8_t *hi, uint32_t len)
{
	uint32_t host = 0, i;

	/* The host part: trailing bits where lo is all zeros and hi all ones. */
	for (i = len * 8; i > 0; i--) {
		uint32_t byte = (i - 1) / 8, bit = 7 - (i - 1) % 8;

		if (((lo[byte] >> bit) & 1) || !((hi[byte] >> bit) & 1))
			break;
		host++;
	}
	for (; i > 0; i--) {
		uint32_t byte = (i - 1) / 8, bit = 7 - (i - 1) % 8;

		if (((lo[byte] ^ hi[byte]) >> bit) & 1)
			return -1;
	}
	return (int)(len * 8 - host);
}

static void st_nat(struct dl *d, const struct expr *e, struct strbuf *t)
{
	struct render_ctx *rc = dl_ctx(d);
	uint32_t family = (uint32_t)expr_num(e, NFTA_NAT_FAMILY, 0);
	uint32_t flags = (uint32_t)expr_num(e, NFTA_NAT_FLAGS, 0);
	uint32_t dt = family == NFPROTO_IPV6 ? DT_IP6ADDR : DT_IPADDR;
	uint32_t alen = family == NFPROTO_IPV6 ? 16 : 4;
	uint32_t rmin = (uint32_t)expr_num(e, NFTA_NAT_REG_ADDR_MIN, 0);
	uint32_t rmax = (uint32_t)expr_num(e, NFTA_NAT_REG_ADDR_MAX, 0);
	bool addr = expr_has(e, NFTA_NAT_REG_ADDR_MIN);
	bool port = expr_has(e, NFTA_NAT_REG_PROTO_MIN);
	struct hx *amin = addr ? dl_reg_get(d, rmin, alen) : NULL;
	struct hx *amax = addr && expr_has(e, NFTA_NAT_REG_ADDR_MAX) && rmax != rmin
				  ? dl_reg_get(d, rmax, alen)
				  : NULL;
	/* Two registers make a range, even of one address (netlink_parse_nat). */
	bool range = amax && amin && amax->kind == HX_VALUE && amin->kind == HX_VALUE;
	int plen = range ? range_prefix_len(amin->value.bytes, amax->value.bytes, alen) : -1;
	/* nft brackets a bare IPv6 address before a port, not a prefix (nat_stmt_print). */
	bool brackets =
		family == NFPROTO_IPV6 && port && amin && amin->kind == HX_VALUE && plen < 0;
	/* A map giving address and port together: nft names the family, no port. */
	bool concat = amin && amin->kind == HX_MAP && amin->len > alen * 8;

	strbuf_addstr(t, expr_num(e, NFTA_NAT_TYPE, 0) == NFT_NAT_SNAT ? "snat" : "dnat");
	if (addr || port) {
		/* No family attribute (a port only): no family word (nat_stmt_print). */
		if ((rc->table->family == NFPROTO_INET || concat) && family == NFPROTO_IPV6)
			strbuf_addstr(t, " ip6");
		else if ((rc->table->family == NFPROTO_INET || concat) && family == NFPROTO_IPV4)
			strbuf_addstr(t, " ip");
		if (flags & NF_NAT_RANGE_NETMAP)
			strbuf_addstr(t, " prefix");
		strbuf_addstr(t, " to ");
	}
	if (addr) {
		if (brackets)
			strbuf_addch(t, '[');
		if (concat) {
			/* address and port from one map: "ip daddr . tcp dport map { ... }" */
			hx_print(rc, t, amin);
		} else {
			reg_print(d, t, rmin, dt, alen);
		}
		/* A range that is one prefix lists as the prefix (range_expr_to_prefix). */
		if (plen >= 0) {
			strbuf_addf(t, "/%d", plen);
		} else if (range) {
			strbuf_addstr(t, brackets ? "]-[" : "-");
			reg_print(d, t, rmax, dt, alen);
		}
		if (brackets)
			strbuf_addch(t, ']');
	}
	if (!concat)
		proto_range(d, e, NFTA_NAT_REG_PROTO_MIN, NFTA_NAT_REG_PROTO_MAX, t);
	nat_flags(t, flags & ~NF_NAT_RANGE_NETMAP);
}

static void st_masq_redir(struct dl *d, const struct expr *e, struct strbuf *t, bool masq)
{
	strbuf_addstr(t, masq ? "masquerade" : "redirect");
	if (expr_has(e, masq ? NFTA_MASQ_REG_PROTO_MIN : NFTA_REDIR_REG_PROTO_MIN)) {
		strbuf_addstr(t, " to ");
		proto_range(d, e, masq ? NFTA_MASQ_REG_PROTO_MIN : NFTA_REDIR_REG_PROTO_MIN,
			    masq ? NFTA_MASQ_REG_PROTO_MAX : NFTA_REDIR_REG_PROTO_MAX, t);
	}
	nat_flags(t, (uint32_t)expr_num(e, masq ? NFTA_MASQ_FLAGS : NFTA_REDIR_FLAGS, 0));
}

static const char *objref_prefix(uint32_t type)
{
	switch (type) {
	case NFT_OBJECT_COUNTER:
		return "counter name";
	case NFT_OBJECT_QUOTA:
		return "quota name";
	case NFT_OBJECT_LIMIT:
		return "limit name";
	case NFT_OBJECT_CT_HELPER:
		return "ct helper set";
	case NFT_OBJECT_CT_TIMEOUT:
		return "ct timeout set";
	case NFT_OBJECT_CT_EXPECT:
		return "ct expectation set";
	case NFT_OBJECT_SECMARK:
		return "meta secmark set";
	case NFT_OBJECT_SYNPROXY:
		return "synproxy name";
	case NFT_OBJECT_CONNLIMIT:
		return "ct count name";
	default:
		return "objref";
	}
}

static void st_objref(struct dl *d, const struct expr *e, struct strbuf *t)
{
	struct render_ctx *rc = dl_ctx(d);

	if (expr_str(e, NFTA_OBJREF_IMM_NAME)) {
		strbuf_addf(t, "%s ",
			    objref_prefix((uint32_t)expr_num(e, NFTA_OBJREF_IMM_TYPE, 0)));
		quoted_print(t, expr_str(e, NFTA_OBJREF_IMM_NAME));
		return;
	}
	if (expr_str(e, NFTA_OBJREF_SET_NAME)) {
		const struct set *s = table_find_set(rc->table, expr_str(e, NFTA_OBJREF_SET_NAME));
		struct hx *key;

		strbuf_addf(t, "%s ", objref_prefix(s ? s->obj_type : 0));
		if (!s)
			return;
		key = dl_reg_get(d, (uint32_t)expr_num(e, NFTA_OBJREF_SET_SREG, 0), s->key_len);
		if (key)
			hx_print(rc, t, key);
		strbuf_addstr(t, " map ");
		if (s->flags & NFT_SET_ANONYMOUS)
			set_print_inline(rc, t, s, key, NULL);
		else
			strbuf_addf(t, "@%s", s->name);
	}
}

static void stmt_list_print(struct dl *d, const struct expr_list *l, struct strbuf *t);

static void st_dynset(struct dl *d, const struct expr *e, struct strbuf *t)
{
	static const char *const ops[] = { "add", "update", "delete" };
	struct render_ctx *rc = dl_ctx(d);
	const struct set *s = table_find_set(rc->table, expr_str(e, NFTA_DYNSET_SET_NAME) ?: "");
	uint32_t op = (uint32_t)expr_num(e, NFTA_DYNSET_OP, 0);
	const struct attr *a;
	struct hx *key;

	if (!s) {
		strbuf_addstr(t, "[dynset: unknown set]");
		return;
	}
	key = dl_reg_get(d, (uint32_t)expr_num(e, NFTA_DYNSET_SREG_KEY, 0), s->key_len);
	if (s->flags & NFT_SET_ANONYMOUS) {
		/* A set only this statement fills: nft's "meter". */
		strbuf_addf(t, "meter %s", s->name);
		if (s->has_desc_size && s->desc_size)
			strbuf_addf(t, " size %u", s->desc_size);
		strbuf_addstr(t, " { ");
	} else {
		strbuf_addf(t, "%s @%s { ", op < 3 ? ops[op] : "?", s->name);
	}
	if (key)
		hx_print(rc, t, key);
	if (expr_num(e, NFTA_DYNSET_TIMEOUT, 0)) {
		strbuf_addstr(t, " timeout ");
		time_print(t, expr_num(e, NFTA_DYNSET_TIMEOUT, 0));
	}
	if ((a = expr_attr(e, NFTA_DYNSET_EXPRESSIONS)) || (a = expr_attr(e, NFTA_DYNSET_EXPR))) {
		if (a->kind == ATTR_EXPR || a->kind == ATTR_EXPRS) {
			strbuf_addch(t, ' ');
			stmt_list_print(d, a->exprs, t);
		}
	}
	if (expr_has(e, NFTA_DYNSET_SREG_DATA)) {
		struct hx like = { .kind = HX_VALUE,
				   .dtype = s->data_type,
				   .byteorder = s->data_type == DT_MARK
							? BO_HOST
							: dtype_byteorder(s->data_type),
				   .len = s->data_len * 8 };
		struct hx *v =
			dl_reg_get(d, (uint32_t)expr_num(e, NFTA_DYNSET_SREG_DATA, 0), s->data_len);

		strbuf_addstr(t, " : ");
		if (v)
			hx_print_as(rc, t, v, &like);
	}
	strbuf_addstr(t, " }");
}

static void stmt_list_print(struct dl *d, const struct expr_list *l, struct strbuf *t)
{
	for (uint32_t i = 0; i < l->n; i++) {
		if (i)
			strbuf_addch(t, ' ');
		stmt_render_plain(dl_ctx(d), &l->v[i], t, true);
	}
}

/* nft -s: no counter values, quota use or last-seen times, which change with traffic. */
static bool stateless(const struct render_ctx *rc)
{
	return rc->opts && rc->opts->stateless;
}

void stmt_render_plain(struct render_ctx *rc, const struct expr *e, struct strbuf *out,
		       bool bare_counter)
{
	if (expr_is(e, "counter") && (bare_counter || stateless(rc))) {
		strbuf_addstr(out, "counter");
	} else if (expr_is(e, "counter")) {
		st_counter(e, out);
	} else if (expr_is(e, "limit")) {
		st_limit(e, out);
	} else if (expr_is(e, "quota")) {
		size_t at = out->len;
		const char *used;

		st_quota(e, out);
		used = stateless(rc) ? strstr(out->buf + at, " used ") : NULL;
		if (used)
			strbuf_truncate(out, (size_t)(used - out->buf));
	} else if (expr_is(e, "log")) {
		st_log(e, out);
	} else if (expr_is(e, "connlimit")) {
		strbuf_addf(out, "ct count %s%llu",
			    expr_num(e, NFTA_CONNLIMIT_FLAGS, 0) & NFT_CONNLIMIT_F_INV ? "over "
										       : "",
			    (unsigned long long)expr_num(e, NFTA_CONNLIMIT_COUNT, 0));
	} else if (expr_is(e, "last")) {
		strbuf_addstr(out, "last");
		/* when it was last used changes with traffic: not in stateless output */
		if (!stateless(rc) && !expr_num(e, NFTA_LAST_SET, 0)) {
			strbuf_addstr(out, " used never");
		} else if (!stateless(rc)) {
			strbuf_addstr(out, " used ");
			time_print(out, expr_num(e, NFTA_LAST_MSECS, 0));
		}
	} else {
		expr_render_raw(rc, e, out);
	}
}

static void st_queue(struct dl *d, const struct expr *e, struct strbuf *t)
{
	uint32_t flags = (uint32_t)expr_num(e, NFTA_QUEUE_FLAGS, 0);
	uint32_t num = (uint32_t)expr_num(e, NFTA_QUEUE_NUM, 0);
	uint32_t total = (uint32_t)expr_num(e, NFTA_QUEUE_TOTAL, 1);

	strbuf_addstr(t, "queue");
	if (flags) {
		const char *sep = " flags ";

		if (flags & NFT_QUEUE_FLAG_BYPASS) {
			strbuf_addf(t, "%sbypass", sep);
			sep = ",";
		}
		if (flags & NFT_QUEUE_FLAG_CPU_FANOUT)
			strbuf_addf(t, "%sfanout", sep);
	}
	if (expr_has(e, NFTA_QUEUE_SREG_QNUM)) {
		strbuf_addstr(t, " to ");
		reg_print(d, t, (uint32_t)expr_num(e, NFTA_QUEUE_SREG_QNUM, 0), DT_INTEGER, 2);
		return;
	}
	if (total > 1)
		strbuf_addf(t, " to %u-%u", num, num + total - 1);
	else
		strbuf_addf(t, " to %u", num);
}

static void st_exthdr_set(struct dl *d, const struct expr *e, struct strbuf *t)
{
	struct hx x = { .kind = HX_EXTHDR };

	x.exthdr.op = (uint32_t)expr_num(e, NFTA_EXTHDR_OP, 0);
	x.exthdr.type = (uint8_t)expr_num(e, NFTA_EXTHDR_TYPE, 0);
	x.exthdr.offset = (uint32_t)expr_num(e, NFTA_EXTHDR_OFFSET, 0) * 8;
	x.len = (uint32_t)expr_num(e, NFTA_EXTHDR_LEN, 0) * 8;
	x.dtype = DT_INTEGER;
	exthdr_resolve(&x);
	if (!expr_has(e, NFTA_EXTHDR_SREG)) {
		strbuf_addstr(t, "reset ");
		render_key_expr(dl_ctx(d), t, &x);
		return;
	}
	render_key_expr(dl_ctx(d), t, &x);
	strbuf_addstr(t, " set ");
	{
		/* Header fields are big endian, unlike meta integers. */
		struct hx like = {
			.kind = HX_VALUE, .dtype = DT_INTEGER, .byteorder = BO_BIG, .len = x.len
		};
		struct hx *v = dl_reg_get(d, (uint32_t)expr_num(e, NFTA_EXTHDR_SREG, 0), x.len / 8);

		if (v)
			hx_print_as(dl_ctx(d), t, v, &like);
	}
}

static void st_synproxy(const struct expr *e, struct strbuf *t)
{
	uint32_t flags = (uint32_t)expr_num(e, NFTA_SYNPROXY_FLAGS, 0);

	strbuf_addstr(t, "synproxy");
	if (flags & NF_SYNPROXY_OPT_MSS)
		strbuf_addf(t, " mss %llu", (unsigned long long)expr_num(e, NFTA_SYNPROXY_MSS, 0));
	if (flags & NF_SYNPROXY_OPT_WSCALE)
		strbuf_addf(t, " wscale %llu",
			    (unsigned long long)expr_num(e, NFTA_SYNPROXY_WSCALE, 0));
	if (flags & NF_SYNPROXY_OPT_TIMESTAMP)
		strbuf_addstr(t, " timestamp");
	if (flags & NF_SYNPROXY_OPT_SACK_PERM)
		strbuf_addstr(t, " sack-perm");
}

void stmt_render(struct dl *d, const struct expr *e, struct strbuf *t)
{
	struct render_ctx *rc = dl_ctx(d);

	if (expr_is(e, "reject")) {
		st_reject(d, e, t);
	} else if (expr_is(e, "nat")) {
		st_nat(d, e, t);
	} else if (expr_is(e, "masq")) {
		st_masq_redir(d, e, t, true);
	} else if (expr_is(e, "redir")) {
		st_masq_redir(d, e, t, false);
	} else if (expr_is(e, "notrack")) {
		strbuf_addstr(t, "notrack");
	} else if (expr_is(e, "objref")) {
		st_objref(d, e, t);
	} else if (expr_is(e, "dynset")) {
		st_dynset(d, e, t);
	} else if (expr_is(e, "queue")) {
		st_queue(d, e, t);
	} else if (expr_is(e, "exthdr")) {
		st_exthdr_set(d, e, t);
	} else if (expr_is(e, "synproxy")) {
		st_synproxy(e, t);
	} else if (expr_is(e, "flow_offload")) {
		strbuf_addf(t, "flow add @%s", expr_str(e, NFTA_FLOW_TABLE_NAME) ?: "?");
	} else if (expr_is(e, "dup") || expr_is(e, "fwd")) {
		bool dup = expr_is(e, "dup");
		uint16_t aattr = dup ? NFTA_DUP_SREG_ADDR : NFTA_FWD_SREG_ADDR;
		uint16_t dattr = dup ? NFTA_DUP_SREG_DEV : NFTA_FWD_SREG_DEV;
		uint32_t fam = dup ? rc->table->family : (uint32_t)expr_num(e, NFTA_FWD_NFPROTO, 0);

		strbuf_addstr(t, dup ? "dup" : "fwd");
		if (!dup && expr_has(e, aattr))
			strbuf_addstr(t, fam == NFPROTO_IPV6 ? " ip6" : " ip");
		strbuf_addstr(t, " to ");
		if (expr_has(e, aattr)) {
			reg_print(d, t, (uint32_t)expr_num(e, aattr, 0),
				  fam == NFPROTO_IPV6 ? DT_IP6ADDR : DT_IPADDR,
				  fam == NFPROTO_IPV6 ? 16 : 4);
			if (expr_has(e, dattr))
				strbuf_addstr(t, " device ");
		}
		if (expr_has(e, dattr))
			reg_print(d, t, (uint32_t)expr_num(e, dattr, 0), DT_IFINDEX, 4);
	} else if (expr_is(e, "tproxy")) {
		uint32_t fam = (uint32_t)expr_num(e, NFTA_TPROXY_FAMILY, 0);

		strbuf_addstr(t, "tproxy");
		if (rc->table->family == NFPROTO_INET && fam != NFPROTO_UNSPEC)
			strbuf_addstr(t, fam == NFPROTO_IPV6 ? " ip6" : " ip");
		strbuf_addstr(t, " to ");
		if (expr_has(e, NFTA_TPROXY_REG_ADDR)) {
			if (fam == NFPROTO_IPV6)
				strbuf_addch(t, '[');
			reg_print(d, t, (uint32_t)expr_num(e, NFTA_TPROXY_REG_ADDR, 0),
				  fam == NFPROTO_IPV6 ? DT_IP6ADDR : DT_IPADDR,
				  fam == NFPROTO_IPV6 ? 16 : 4);
			if (fam == NFPROTO_IPV6)
				strbuf_addch(t, ']');
		}
		if (expr_has(e, NFTA_TPROXY_REG_PORT)) {
			dl_reset_dependencies(d); /* as for nat (rule_postprocess) */
			strbuf_addch(t, ':');
			reg_print(d, t, (uint32_t)expr_num(e, NFTA_TPROXY_REG_PORT, 0),
				  DT_INET_SERVICE, 2);
		}
	} else if (expr_is(e, "match") || expr_is(e, "target")) {
		xt_render(rc, e, dl_th_proto(d), t);
	} else {
		/* counter, log, limit, quota, or raw: nothing read from registers */
		stmt_render_plain(rc, e, t, false);
	}
}

void expr_render_raw(struct render_ctx *rc, const struct expr *e, struct strbuf *out)
{
	rc->raw++;
	strbuf_addf(out, "[raw %s", e->name);
	for (uint16_t i = 0; i < e->nattrs; i++) {
		const struct attr *a = &e->attrs[i];

		strbuf_addf(out, " %u=", a->type);
		switch (a->kind) {
		case ATTR_U8:
		case ATTR_U16:
		case ATTR_U32:
		case ATTR_U32_HOST:
		case ATTR_U64:
			strbuf_addf(out, "%llu", (unsigned long long)a->num);
			break;
		case ATTR_STR:
			quoted_print(out, a->str);
			break;
		case ATTR_DATA:
			if (attr_is_verdict(a)) {
				strbuf_addstr(out,
					      verdict_code_name(a->verdict->code) ?: "verdict");
				break;
			}
			/* fall through */
		case ATTR_BIN:
			strbuf_addstr(out, "0x");
			hex_encode(out, a->bytes, a->len);
			break;
		default:
			strbuf_addstr(out, "{...}");
			break;
		}
	}
	strbuf_addch(out, ']');
}

/* ---- expressions that only load ---- */

static const char *const fib_results[] = { "", "oif", "oifname", "type" };

void render_key_expr(struct render_ctx *rc, struct strbuf *out, const struct hx *e)
{
	switch (e->kind) {
	case HX_FIB: {
		const char *sep = "";

		strbuf_addstr(out, "fib ");
		if (e->key.flags & NFTA_FIB_F_SADDR) {
			strbuf_addf(out, "%ssaddr", sep);
			sep = " . ";
		}
		if (e->key.flags & NFTA_FIB_F_DADDR) {
			strbuf_addf(out, "%sdaddr", sep);
			sep = " . ";
		}
		if (e->key.flags & NFTA_FIB_F_MARK) {
			strbuf_addf(out, "%smark", sep);
			sep = " . ";
		}
		if (e->key.flags & NFTA_FIB_F_IIF)
			strbuf_addf(out, "%siif", sep);
		if (e->key.flags & NFTA_FIB_F_OIF)
			strbuf_addf(out, "%soif", sep);
		strbuf_addf(out, " %s", e->key.key < 4 ? fib_results[e->key.key] : "?");
		break;
	}
	case HX_RT: {
		static const char *const keys[] = { "classid", "nexthop", "nexthop", "mtu",
						    "ipsec" };

		/* nft names the nexthop's family in every table (rt.c: rt_expr_print). */
		strbuf_addstr(out, "rt ");
		if (e->key.key == NFT_RT_NEXTHOP4)
			strbuf_addstr(out, "ip ");
		if (e->key.key == NFT_RT_NEXTHOP6)
			strbuf_addstr(out, "ip6 ");
		strbuf_addstr(out, e->key.key < ARRAY_SIZE(keys) ? keys[e->key.key] : "?");
		break;
	}
	case HX_SOCKET: {
		static const char *const keys[] = { "transparent", "mark", "wildcard", "cgroupv2" };

		strbuf_addf(out, "socket %s",
			    e->key.key < ARRAY_SIZE(keys) ? keys[e->key.key] : "?");
		if (e->key.key == NFT_SOCKET_CGROUPV2)
			strbuf_addf(out, " level %u", e->key.level);
		break;
	}
	case HX_OSF:
		strbuf_addstr(out, "osf ");
		if (e->key.key == 1)
			strbuf_addstr(out, "ttl loose ");
		else if (e->key.key == 2)
			strbuf_addstr(out, "ttl skip ");
		strbuf_addstr(out, e->key.flags & NFT_OSF_F_VERSION ? "version" : "name");
		break;
	case HX_NUMGEN:
		strbuf_addf(out, "numgen %s mod %u",
			    e->gen.type == NFT_NG_RANDOM ? "random" : "inc", e->gen.modulus);
		if (e->gen.offset)
			strbuf_addf(out, " offset %u", e->gen.offset);
		break;
	case HX_HASH:
		if (e->gen.type == NFT_HASH_SYM) {
			strbuf_addstr(out, "symhash");
		} else {
			strbuf_addstr(out, "jhash ");
			if (e->gen.sub)
				hx_print(rc, out, e->gen.sub);
		}
		strbuf_addf(out, " mod %u", e->gen.modulus);
		/* The kernel dumps a seed only when one was given, 0 included. */
		if (e->gen.has_seed)
			strbuf_addf(out, " seed 0x%x", e->gen.seed);
		if (e->gen.offset)
			strbuf_addf(out, " offset %u", e->gen.offset);
		break;
	case HX_XFRM: {
		/* enum nft_xfrm_keys: daddr and saddr of ip, then of ip6. */
		static const char *const keys[] = { "",	     "daddr", "daddr", "saddr",
						    "saddr", "reqid", "spi" };

		strbuf_addf(out, "ipsec %s", e->key.dir == 0 ? "in" : "out");
		if (e->key.level)
			strbuf_addf(out, " spnum %u", e->key.level);
		if (e->key.key == NFT_XFRM_KEY_DADDR_IP4 || e->key.key == NFT_XFRM_KEY_SADDR_IP4)
			strbuf_addstr(out, " ip");
		if (e->key.key == NFT_XFRM_KEY_DADDR_IP6 || e->key.key == NFT_XFRM_KEY_SADDR_IP6)
			strbuf_addstr(out, " ip6");
		strbuf_addf(out, " %s", e->key.key < ARRAY_SIZE(keys) ? keys[e->key.key] : "?");
		break;
	}
	case HX_EXTHDR:
		exthdr_print(out, e);
		break;
	default:
		strbuf_addstr(out, "[?]");
		break;
	}
}
