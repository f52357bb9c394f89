// SPDX-License-Identifier: GPL-2.0-or-later
/* The layout of `nft list ruleset` (nftables rule.c: table_print, chain_print, ...). */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_synproxy.h>

#include "fwaudit/util.h"
#include "render_internal.h"

static const struct {
	int prio;
	const char *name;
} std_prios[] = { { -300, "raw" }, { -150, "mangle" }, { -100, "dstnat" },
		  { 0, "filter" }, { 50, "security" }, { 100, "srcnat" } },
  bridge_prios[] = { { -300, "dstnat" }, { -200, "filter" }, { 100, "out" }, { 300, "srcnat" } };

/* Whether nft names priority @name at @hook of @family (rule.c: std_prio_family_hook_compat). */
static bool prio_fits(uint32_t family, uint32_t hook, const char *name)
{
	bool ip_like = family == NFPROTO_INET || family == NFPROTO_IPV4 || family == NFPROTO_IPV6;

	if (family == NFPROTO_BRIDGE) {
		if (!strcmp(name, "dstnat"))
			return hook == NF_INET_PRE_ROUTING;
		if (!strcmp(name, "srcnat"))
			return hook == NF_INET_POST_ROUTING;
		if (!strcmp(name, "out"))
			return hook == NF_INET_LOCAL_OUT;
		return true;
	}
	if (!strcmp(name, "filter"))
		return ip_like || family == NFPROTO_ARP || family == NFPROTO_NETDEV;
	/* Only at the hook where nft 1.0.6 accepts the name: not output or input. */
	if (!strcmp(name, "dstnat"))
		return ip_like && hook == NF_INET_PRE_ROUTING;
	if (!strcmp(name, "srcnat"))
		return ip_like && hook == NF_INET_POST_ROUTING;
	return ip_like;
}

static void prio_print(struct strbuf *out, uint32_t family, uint32_t hook, int prio)
{
	bool bridge = family == NFPROTO_BRIDGE;
	size_t n = bridge ? ARRAY_SIZE(bridge_prios) : ARRAY_SIZE(std_prios);

	for (size_t i = 0; i < n; i++) {
		int p = bridge ? bridge_prios[i].prio : std_prios[i].prio;
		const char *name = bridge ? bridge_prios[i].name : std_prios[i].name;
		int64_t wide = (int64_t)prio - p; /* no overflow at INT_MIN */
		int off = (int)(wide < -11 ? -11 : wide > 11 ? 11 : wide);

		if (!prio_fits(family, hook, name) || off < -10 || off > 10)
			continue;
		if (off == 0)
			strbuf_addstr(out, name);
		else
			strbuf_addf(out, "%s %c %d", name, off > 0 ? '+' : '-',
				    off > 0 ? off : -off);
		return;
	}
	strbuf_addf(out, "%d", prio);
}

static void indent(struct strbuf *out, int n)
{
	for (int i = 0; i < n; i++)
		strbuf_addch(out, '\t');
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void devices_print(struct strbuf *out, char **devs, uint32_t n)
{
	char **sorted;

	if (n == 1) {
		strbuf_addf(out, " device \"%s\"", devs[0]);
		return;
	}
	sorted = xmalloc(n * sizeof(*sorted));
	memcpy(sorted, devs, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), str_cmp);
	strbuf_addstr(out, " devices = { ");
	for (uint32_t i = 0; i < n; i++)
		strbuf_addf(out, "%s%s", i ? ", " : "", sorted[i]);
	strbuf_addstr(out, " }");
	free(sorted);
}

const struct chain *render_find_chain(struct render_ctx *rc, const char *name)
{
	return table_find_chain(rc->table, name);
}

static void rule_line(struct render_ctx *rc, const struct rule *r, struct strbuf *out, int ind)
{
	size_t start;

	indent(out, ind);
	start = out->len;
	/* Nested binding chains render inside their parent's rule: keep its memory. */
	if (ind == 2)
		arena_reset(rc->arena);
	rc->indent = ind;
	rule_render_stmts(rc, &r->exprs, out);
	if (r->comment) {
		if (out->len > start)
			strbuf_addch(out, ' ');
		strbuf_addstr(out, "comment ");
		quoted_print(out, r->comment);
	}
	if (rc->opts && rc->opts->handles)
		strbuf_addf(out, " # handle %llu", (unsigned long long)r->handle);
	strbuf_addch(out, '\n');
}

void chain_render_body(struct render_ctx *rc, const struct chain *c, struct strbuf *out, int ind)
{
	for (uint32_t i = 0; i < c->nrules; i++)
		rule_line(rc, c->rules[i], out, ind);
}

static void chain_print(struct render_ctx *rc, const struct chain *c, struct strbuf *out)
{
	uint32_t family = c->table->family;

	strbuf_addf(out, "\tchain %s {", c->name);
	if (rc->opts && rc->opts->handles)
		strbuf_addf(out, " # handle %llu", (unsigned long long)c->handle);
	strbuf_addch(out, '\n');
	if (c->comment) {
		strbuf_addstr(out, "\t\tcomment ");
		quoted_print(out, c->comment);
		strbuf_addch(out, '\n');
	}
	if (c->base) {
		const char *h = hook_name(family, c->hooknum);

		strbuf_addf(out, "\t\ttype %s hook %s", c->type ? c->type : "filter", h ? h : "?");
		if (c->ndevices)
			devices_print(out, c->devices, c->ndevices);
		strbuf_addstr(out, " priority ");
		prio_print(out, family, c->hooknum, c->priority);
		strbuf_addch(out, ';');
		if (c->has_policy)
			strbuf_addf(out, " policy %s;", c->policy == NF_DROP ? "drop" : "accept");
		strbuf_addch(out, '\n');
	}
	chain_render_body(rc, c, out, 2);
	strbuf_addstr(out, "\t}\n");
}

static void set_flags_print(struct strbuf *out, const struct set *s)
{
	uint32_t flags = s->flags;

	/* A default timeout implies the flag; nft then lists it only beside others. */
	if (s->timeout && !(flags & (NFT_SET_CONSTANT | NFT_SET_INTERVAL | NFT_SET_EVAL)))
		flags &= ~NFT_SET_TIMEOUT;

	if (!(flags & (NFT_SET_CONSTANT | NFT_SET_INTERVAL | NFT_SET_TIMEOUT | NFT_SET_EVAL)))
		return;
	/* nft's order, not the bits' */
	static const struct flag_name names[] = { { NFT_SET_CONSTANT, "constant" },
						  { NFT_SET_EVAL, "dynamic" },
						  { NFT_SET_INTERVAL, "interval" },
						  { NFT_SET_TIMEOUT, "timeout" } };

	flag_names_print(out, flags, names, ARRAY_SIZE(names), "\t\tflags ", ",");
	strbuf_addch(out, '\n');
}

static void type_print(struct strbuf *out, const struct hx *t)
{
	if (t->kind == HX_CONCAT) {
		for (uint32_t i = 0; i < t->concat.n; i++)
			strbuf_addf(out, "%s%s", i ? " . " : "",
				    dtype_name(t->concat.items[i]->dtype) ?: "invalid");
		return;
	}
	strbuf_addstr(out, dtype_name(t->dtype) ?: "invalid");
}

static void set_print(struct render_ctx *rc, const struct set *s, struct strbuf *out)
{
	bool map = s->has_data_type || (s->flags & NFT_SET_OBJECT);
	uint8_t len;
	const uint8_t *v;
	struct hx *tkey = set_typeof_key(rc, s, false);
	struct hx *tdata = s->has_data_type ? set_typeof_key(rc, s, true) : NULL;
	struct hx *key = set_type_hx(rc, s, false);
	struct hx *data = s->has_data_type ? set_type_hx(rc, s, true) : NULL;
	bool typeof_ok = tkey && (!s->has_data_type || tdata || s->data_type == DT_VERDICT ||
				  s->data_type == 0xffffff00);
	const char *comment;

	strbuf_addf(out, "\t%s %s {", map ? "map" : "set", s->name);
	if (rc->opts && rc->opts->handles)
		strbuf_addf(out, " # handle %llu", (unsigned long long)s->handle);
	if (typeof_ok) {
		/* Declared with typeof: print the expressions, type elements by them. */
		strbuf_addstr(out, "\n\t\ttypeof ");
		hx_print(rc, out, tkey);
		key = tkey;
		if (s->has_data_type) {
			strbuf_addstr(out, " : ");
			if (set_data_interval(s))
				strbuf_addstr(out, "interval ");
			if (tdata) {
				hx_print(rc, out, tdata);
				data = tdata;
			} else {
				type_print(out, data);
			}
		}
	} else {
		strbuf_addstr(out, "\n\t\ttype ");
		type_print(out, key);
		if (data) {
			strbuf_addstr(out, set_data_interval(s) ? " : interval " : " : ");
			type_print(out, data);
		}
	}
	if (!typeof_ok && !data && (s->flags & NFT_SET_OBJECT)) {
		strbuf_addf(out, " : %s", obj_type_name(s->obj_type) ?: "?");
	}
	strbuf_addch(out, '\n');
	if (!(s->flags & NFT_SET_CONSTANT)) {
		if (s->has_policy && s->policy == NFT_SET_POL_MEMORY)
			strbuf_addstr(out, "\t\tpolicy memory\n");
		if (s->has_desc_size && s->desc_size)
			strbuf_addf(out, "\t\tsize %u\n", s->desc_size);
	}
	set_flags_print(out, s);
	if (s->exprs.n) {
		strbuf_addstr(out, "\t\t");
		for (uint32_t i = 0; i < s->exprs.n; i++) {
			if (i)
				strbuf_addch(out, ' ');
			stmt_render_plain(rc, &s->exprs.v[i], out, true);
		}
		strbuf_addch(out, '\n');
	}
	v = udata_find(s->udata, s->udata_len, UDATA_SET_MERGE_ELEMENTS, &len);
	if (v && len && v[0])
		strbuf_addstr(out, "\t\tauto-merge\n");
	if (s->timeout) {
		strbuf_addstr(out, "\t\ttimeout ");
		time_print(out, s->timeout);
		strbuf_addch(out, '\n');
	}
	if (s->gc_interval) {
		strbuf_addstr(out, "\t\tgc-interval ");
		time_print(out, s->gc_interval);
		strbuf_addch(out, '\n');
	}
	if (s->nelems) {
		strbuf_addstr(out, "\t\telements = ");
		set_print_elements(rc, out, s, key, data, NULL, NULL);
		strbuf_addch(out, '\n');
	}
	v = udata_find(s->udata, s->udata_len, UDATA_SET_COMMENT, &len);
	if (v && len) {
		comment = arena_strndup(rc->arena, (const char *)v, strnlen((const char *)v, len));
		strbuf_addstr(out, "\t\tcomment ");
		quoted_print(out, comment);
		strbuf_addch(out, '\n');
	}
	strbuf_addstr(out, "\t}\n");
}

/* The states nft names in a ct timeout policy, and its defaults (rule.c: timeout_protocol). */
static const struct {
	const char *name;
	uint32_t dflt;
} tcp_timeouts[] = { { "syn_sent", 120 },  { "syn_recv", 60 },	 { "established", 432000 },
		     { "fin_wait", 120 },  { "close_wait", 60 }, { "last_ack", 30 },
		     { "time_wait", 120 }, { "close", 10 },	 { "syn_sent2", 120 },
		     { "retrans", 300 },   { "unack", 300 } },
  udp_timeouts[] = { { "unreplied", 30 }, { "replied", 120 } };

/*
 * The timeout of state @type (1-based) in the nested attributes of
 * NFTA_CT_TIMEOUT_DATA, big endian; 0 if the kernel sent none.
 */
static uint32_t ct_timeout_state(const struct attr *data, uint16_t type)
{
	uint32_t off = 0;

	while (data && off + 4 <= data->len) {
		uint16_t len, t;

		memcpy(&len, data->bytes + off, 2);
		memcpy(&t, data->bytes + off + 2, 2);
		if (len < 4 || off + len > data->len)
			break;
		if ((t & NLA_TYPE_MASK) == type && len >= 8)
			return (uint32_t)value_uint(data->bytes + off + 4, 4, BO_BIG);
		off += (len + 3u) & ~3u;
	}
	return 0;
}

/* "protocol tcp", "l3proto ip" and the states off their default (rule.c: obj_print_data). */
static void ct_timeout_print(const struct expr *b, struct strbuf *out)
{
	uint8_t proto = (uint8_t)expr_num(b, NFTA_CT_TIMEOUT_L4PROTO, 0);
	const struct attr *data = expr_attr(b, NFTA_CT_TIMEOUT_DATA);
	const char *d = "";
	size_t n;

	strbuf_addstr(out, "protocol ");
	value_print(out, 0, DT_INET_PROTOCOL, BO_BIG, &proto, 1, 0);
	strbuf_addf(out, "\n\t\tl3proto %s\n\t\tpolicy = { ",
		    family_name((uint32_t)expr_num(b, NFTA_CT_TIMEOUT_L3PROTO, 0)) ?: "unknown");
	if (data && data->kind != ATTR_BIN)
		data = NULL;
	n = proto == IPPROTO_TCP   ? ARRAY_SIZE(tcp_timeouts)
	    : proto == IPPROTO_UDP ? ARRAY_SIZE(udp_timeouts)
				   : 0;
	for (size_t i = 0; i < n; i++) {
		const char *name =
			proto == IPPROTO_TCP ? tcp_timeouts[i].name : udp_timeouts[i].name;
		uint32_t dflt = proto == IPPROTO_TCP ? tcp_timeouts[i].dflt : udp_timeouts[i].dflt;
		uint32_t v = ct_timeout_state(data, (uint16_t)(i + 1));

		if (v == dflt)
			continue;
		strbuf_addf(out, "%s%s : %u", d, name, v);
		d = ", ";
	}
	strbuf_addstr(out, " }");
}

static void obj_print(struct render_ctx *rc, const struct obj *o, struct strbuf *out)
{
	const struct expr *b = &o->body;
	uint8_t proto;

	strbuf_addf(out, "\t%s %s {", obj_type_name(o->type) ?: "object", o->name);
	if (rc->opts && rc->opts->handles)
		strbuf_addf(out, " # handle %llu", (unsigned long long)o->handle);
	strbuf_addch(out, '\n');
	if (o->comment) {
		strbuf_addstr(out, "\t\tcomment ");
		quoted_print(out, o->comment);
		strbuf_addch(out, '\n');
	}
	strbuf_addstr(out, "\t\t");
	switch (o->type) {
	case NFT_OBJECT_COUNTER:
		strbuf_addf(out, "packets %llu bytes %llu",
			    (unsigned long long)expr_num(b, NFTA_COUNTER_PACKETS, 0),
			    (unsigned long long)expr_num(b, NFTA_COUNTER_BYTES, 0));
		break;
	case NFT_OBJECT_QUOTA:
		quota_words(b, out);
		break;
	case NFT_OBJECT_LIMIT:
		limit_words(b, out);
		break;
	case NFT_OBJECT_CT_HELPER:
		proto = (uint8_t)expr_num(b, NFTA_CT_HELPER_L4PROTO, 0);
		strbuf_addf(out, "type \"%s\" protocol ", expr_str(b, NFTA_CT_HELPER_NAME) ?: "");
		value_print(out, 0, DT_INET_PROTOCOL, BO_BIG, &proto, 1, 0);
		strbuf_addf(out, "\n\t\tl3proto %s",
			    family_name((uint32_t)expr_num(b, NFTA_CT_HELPER_L3PROTO, 0)) ?: "ip");
		break;
	case NFT_OBJECT_CT_EXPECT:
		proto = (uint8_t)expr_num(b, NFTA_CT_EXPECT_L4PROTO, 0);
		strbuf_addstr(out, "protocol ");
		value_print(out, 0, DT_INET_PROTOCOL, BO_BIG, &proto, 1, 0);
		strbuf_addf(out, "\n\t\tdport %llu\n\t\ttimeout ",
			    (unsigned long long)expr_num(b, NFTA_CT_EXPECT_DPORT, 0));
		time_print(out, expr_num(b, NFTA_CT_EXPECT_TIMEOUT, 0));
		strbuf_addf(out, "\n\t\tsize %llu\n\t\tl3proto %s",
			    (unsigned long long)expr_num(b, NFTA_CT_EXPECT_SIZE, 0),
			    family_name((uint32_t)expr_num(b, NFTA_CT_EXPECT_L3PROTO, 0)) ?: "ip");
		break;
	case NFT_OBJECT_SYNPROXY: {
		uint32_t flags = (uint32_t)expr_num(b, NFTA_SYNPROXY_FLAGS, 0);

		strbuf_addf(out, "mss %llu\n\t\twscale %llu",
			    (unsigned long long)expr_num(b, NFTA_SYNPROXY_MSS, 0),
			    (unsigned long long)expr_num(b, NFTA_SYNPROXY_WSCALE, 0));
		if (flags & (NF_SYNPROXY_OPT_TIMESTAMP | NF_SYNPROXY_OPT_SACK_PERM)) {
			strbuf_addstr(out, "\n\t\t");
			if (flags & NF_SYNPROXY_OPT_TIMESTAMP)
				strbuf_addstr(out, "timestamp");
			if (flags & NF_SYNPROXY_OPT_SACK_PERM)
				strbuf_addstr(out, flags & NF_SYNPROXY_OPT_TIMESTAMP ? " sack-perm"
										     : "sack-perm");
		}
		break;
	}
	case NFT_OBJECT_CT_TIMEOUT:
		ct_timeout_print(b, out);
		break;
	case NFT_OBJECT_SECMARK:
		strbuf_addf(out, "\"%s\"", expr_str(b, NFTA_SECMARK_CTX) ?: "");
		break;
	default:
		expr_render_raw(rc, b, out);
		break;
	}
	strbuf_addstr(out, "\n\t}\n");
}

static void flowtable_print(struct render_ctx *rc, const struct flowtable *f, struct strbuf *out)
{
	strbuf_addf(out, "\tflowtable %s {", f->name);
	if (rc->opts && rc->opts->handles)
		strbuf_addf(out, " # handle %llu", (unsigned long long)f->handle);
	strbuf_addstr(out, "\n\t\thook ingress priority ");
	prio_print(out, NFPROTO_NETDEV, 0, f->priority);
	strbuf_addch(out, '\n');
	if (f->ndevices) {
		strbuf_addstr(out, "\t\tdevices = { ");
		for (uint32_t i = 0; i < f->ndevices; i++)
			strbuf_addf(out, "%s%s", i ? ", " : "", f->devices[i]);
		strbuf_addstr(out, " }\n");
	}
	if (f->flags & NFT_FLOWTABLE_COUNTER)
		strbuf_addstr(out, "\t\tcounter\n");
	if (f->flags & NFT_FLOWTABLE_HW_OFFLOAD)
		strbuf_addstr(out, "\t\tflags offload\n");
	strbuf_addstr(out, "\t}\n");
}

static void table_print(struct render_ctx *rc, const struct table *t, struct strbuf *out)
{
	const char *d = "";

	rc->table = t;
	strbuf_addf(out, "table %s %s {", family_name(t->family) ?: "unknown", t->name);
	if (rc->opts && rc->opts->handles)
		strbuf_addf(out, " # handle %llu", (unsigned long long)t->handle);
	strbuf_addch(out, '\n');
	if (t->flags & NFT_TABLE_F_DORMANT)
		strbuf_addstr(out, "\tflags dormant\n\n");
	if (t->comment) {
		strbuf_addstr(out, "\tcomment ");
		quoted_print(out, t->comment);
		strbuf_addch(out, '\n');
	}
	for (uint32_t i = 0; i < t->nobjs; i++) {
		strbuf_addstr(out, d);
		obj_print(rc, t->objs[i], out);
		d = "\n";
	}
	for (uint32_t i = 0; i < t->nsets; i++) {
		if (t->sets[i]->flags & NFT_SET_ANONYMOUS)
			continue;
		strbuf_addstr(out, d);
		arena_reset(rc->arena);
		set_print(rc, t->sets[i], out);
		d = "\n";
	}
	for (uint32_t i = 0; i < t->nflowtables; i++) {
		strbuf_addstr(out, d);
		flowtable_print(rc, t->flowtables[i], out);
		d = "\n";
	}
	for (uint32_t i = 0; i < t->nchains; i++) {
		if (t->chains[i]->flags & NFT_CHAIN_BINDING)
			continue;
		strbuf_addstr(out, d);
		chain_print(rc, t->chains[i], out);
		d = "\n";
	}
	strbuf_addstr(out, "}\n");
}

void ruleset_render(const struct ruleset *rs, const struct render_opts *o, struct strbuf *out)
{
	struct render_ctx rc = { 0 };

	rc.arena = arena_new();
	rc.opts = o;
	for (uint32_t i = 0; i < rs->ntables; i++)
		table_print(&rc, rs->tables[i], out);
	arena_free(rc.arena);
}

unsigned rule_render(const struct rule *r, const struct render_opts *o, struct strbuf *out)
{
	struct render_ctx rc = { 0 };

	rc.arena = arena_new();
	rc.opts = o;
	rc.table = r->chain->table;
	rule_render_stmts(&rc, &r->exprs, out);
	arena_free(rc.arena);
	return rc.raw;
}
