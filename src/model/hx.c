// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * High-level expressions as nft prints them: meta and ct keys with their
 * types, payload fields, concatenations, binary operations, maps, and
 * values typed by the expression they are compared with.
 */
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "fwaudit/util.h"
#include "render_internal.h"

struct hx *hx_new(struct render_ctx *rc, enum hx_kind kind)
{
	struct hx *e = arena_alloc(rc->arena, sizeof(*e));

	e->kind = kind;
	e->dtype = DT_INTEGER;
	return e;
}

struct hx *hx_value(struct render_ctx *rc, const uint8_t *p, uint32_t nbytes)
{
	struct hx *e = hx_new(rc, HX_VALUE);

	/* A value may be empty (an element without a key): keep one zero byte. */
	e->value.bytes = arena_alloc(rc->arena, nbytes ? nbytes : 1);
	if (p && nbytes)
		memcpy(e->value.bytes, p, nbytes);
	e->value.nbytes = nbytes;
	e->len = nbytes * 8;
	return e;
}

static const struct {
	const char *name;
	uint8_t dtype;
	uint8_t byteorder;
	uint8_t bits;
	bool unqualified;
} meta_keys[] = {
	[NFT_META_LEN] = { "length", DT_INTEGER, BO_HOST, 32, false },
	[NFT_META_PROTOCOL] = { "protocol", DT_ETHERTYPE, BO_BIG, 16, false },
	[NFT_META_PRIORITY] = { "priority", DT_CLASSID, BO_HOST, 32, false },
	[NFT_META_MARK] = { "mark", DT_MARK, BO_HOST, 32, false },
	[NFT_META_IIF] = { "iif", DT_IFINDEX, BO_HOST, 32, true },
	[NFT_META_OIF] = { "oif", DT_IFINDEX, BO_HOST, 32, true },
	[NFT_META_IIFNAME] = { "iifname", DT_IFNAME, BO_HOST, 128, true },
	[NFT_META_OIFNAME] = { "oifname", DT_IFNAME, BO_HOST, 128, true },
	[NFT_META_IIFTYPE] = { "iiftype", DT_ARPHRD, BO_HOST, 16, false },
	[NFT_META_OIFTYPE] = { "oiftype", DT_ARPHRD, BO_HOST, 16, false },
	[NFT_META_SKUID] = { "skuid", DT_UID, BO_HOST, 32, false },
	[NFT_META_SKGID] = { "skgid", DT_GID, BO_HOST, 32, false },
	[NFT_META_NFTRACE] = { "nftrace", DT_INTEGER, BO_HOST, 1, false },
	[NFT_META_RTCLASSID] = { "rtclassid", DT_REALM, BO_HOST, 32, false },
	[NFT_META_SECMARK] = { "secmark", DT_INTEGER, BO_HOST, 32, false },
	[NFT_META_NFPROTO] = { "nfproto", DT_NFPROTO, BO_HOST, 8, false },
	[NFT_META_L4PROTO] = { "l4proto", DT_INET_PROTOCOL, BO_BIG, 8, false },
	[NFT_META_BRI_IIFNAME] = { "ibrname", DT_IFNAME, BO_HOST, 128, false },
	[NFT_META_BRI_OIFNAME] = { "obrname", DT_IFNAME, BO_HOST, 128, false },
	[NFT_META_PKTTYPE] = { "pkttype", DT_PKTTYPE, BO_HOST, 8, false },
	[NFT_META_CPU] = { "cpu", DT_INTEGER, BO_HOST, 32, false },
	[NFT_META_IIFGROUP] = { "iifgroup", DT_DEVGROUP, BO_HOST, 32, true },
	[NFT_META_OIFGROUP] = { "oifgroup", DT_DEVGROUP, BO_HOST, 32, true },
	[NFT_META_CGROUP] = { "cgroup", DT_INTEGER, BO_HOST, 32, false },
	[NFT_META_PRANDOM] = { "random", DT_INTEGER, BO_BIG, 32, false },
	[NFT_META_SECPATH] = { "ipsec", DT_BOOLEAN, BO_HOST, 8, false },
	[NFT_META_IIFKIND] = { "iifkind", DT_IFNAME, BO_HOST, 128, false },
	[NFT_META_OIFKIND] = { "oifkind", DT_IFNAME, BO_HOST, 128, false },
	[NFT_META_BRI_IIFPVID] = { "ibrpvid", DT_INTEGER, BO_HOST, 16, false },
	[NFT_META_BRI_IIFVPROTO] = { "ibrvproto", DT_ETHERTYPE, BO_BIG, 16, false },
	[NFT_META_TIME_NS] = { "time", DT_TIME_DATE, BO_HOST, 64, false },
	[NFT_META_TIME_DAY] = { "day", DT_TIME_DAY, BO_HOST, 8, false },
	[NFT_META_TIME_HOUR] = { "hour", DT_TIME_HOUR, BO_HOST, 32, false },
	[NFT_META_SDIF] = { "sdif", DT_IFINDEX, BO_HOST, 32, false },
	[NFT_META_SDIFNAME] = { "sdifname", DT_IFNAME, BO_HOST, 128, false },
};

static const struct {
	const char *name;
	uint8_t dtype;
	uint8_t byteorder;
	uint8_t bits;
} ct_keys[] = {
	[NFT_CT_STATE] = { "state", DT_CT_STATE, BO_HOST, 32 },
	[NFT_CT_DIRECTION] = { "direction", DT_CT_DIR, BO_HOST, 8 },
	[NFT_CT_STATUS] = { "status", DT_CT_STATUS, BO_HOST, 32 },
	[NFT_CT_MARK] = { "mark", DT_MARK, BO_HOST, 32 },
	[NFT_CT_SECMARK] = { "secmark", DT_INTEGER, BO_HOST, 32 },
	[NFT_CT_EXPIRATION] = { "expiration", DT_TIME, BO_HOST, 32 },
	[NFT_CT_HELPER] = { "helper", DT_STRING, BO_HOST, 128 },
	[NFT_CT_L3PROTOCOL] = { "l3proto", DT_NFPROTO, BO_HOST, 8 },
	[NFT_CT_SRC] = { "saddr", DT_INVALID, BO_BIG, 0 },
	[NFT_CT_DST] = { "daddr", DT_INVALID, BO_BIG, 0 },
	[NFT_CT_PROTOCOL] = { "protocol", DT_INET_PROTOCOL, BO_BIG, 8 },
	[NFT_CT_PROTO_SRC] = { "proto-src", DT_INET_SERVICE, BO_BIG, 16 },
	[NFT_CT_PROTO_DST] = { "proto-dst", DT_INET_SERVICE, BO_BIG, 16 },
	[NFT_CT_LABELS] = { "label", DT_CT_LABEL, BO_HOST, 128 },
	[NFT_CT_PKTS] = { "packets", DT_INTEGER, BO_HOST, 64 },
	[NFT_CT_BYTES] = { "bytes", DT_INTEGER, BO_HOST, 64 },
	[NFT_CT_AVGPKT] = { "avgpkt", DT_INTEGER, BO_HOST, 64 },
	[NFT_CT_ZONE] = { "zone", DT_INTEGER, BO_HOST, 16 },
	[NFT_CT_EVENTMASK] = { "event", DT_CT_EVENTBIT, BO_HOST, 32 },
	[NFT_CT_SRC_IP] = { "ip saddr", DT_IPADDR, BO_BIG, 32 },
	[NFT_CT_DST_IP] = { "ip daddr", DT_IPADDR, BO_BIG, 32 },
	[NFT_CT_SRC_IP6] = { "ip6 saddr", DT_IP6ADDR, BO_BIG, 128 },
	[NFT_CT_DST_IP6] = { "ip6 daddr", DT_IP6ADDR, BO_BIG, 128 },
	[NFT_CT_ID] = { "id", DT_INTEGER, BO_BIG, 32 },
};

struct hx *meta_key_hx(struct render_ctx *rc, uint32_t key)
{
	struct hx *e = hx_new(rc, HX_META);

	e->key.key = key;
	if (key < ARRAY_SIZE(meta_keys) && meta_keys[key].name) {
		e->dtype = meta_keys[key].dtype;
		e->byteorder = meta_keys[key].byteorder;
		e->len = meta_keys[key].bits;
	} else {
		e->len = 32;
	}
	return e;
}

struct hx *ct_key_hx(struct render_ctx *rc, uint32_t key, int32_t dir, uint32_t len)
{
	struct hx *e = hx_new(rc, HX_CT);

	e->ct.key = key;
	e->ct.dir = dir;
	if (key < ARRAY_SIZE(ct_keys) && ct_keys[key].name) {
		e->dtype = ct_keys[key].dtype;
		e->byteorder = ct_keys[key].byteorder;
		e->len = ct_keys[key].bits ? ct_keys[key].bits : len * 8;
	}
	if (key == NFT_CT_SRC || key == NFT_CT_DST) {
		e->dtype = len == 16 ? DT_IP6ADDR : DT_IPADDR;
		e->len = len * 8;
	}
	return e;
}

/* ---- printing high-level expressions ---- */

static void payload_print(struct strbuf *out, const struct hx *e)
{
	static const char *const bases[] = { "ll", "nh", "th", "ih" };

	if (e->payload.field) {
		strbuf_addf(out, "%s %s", proto_get(e->payload.proto)->name,
			    e->payload.field->name);
		return;
	}
	strbuf_addf(out, "@%s,%u,%u", e->payload.base < 4 ? bases[e->payload.base] : "?",
		    e->payload.offset, e->len);
}

static const char *const ct_dirs[] = { "original", "reply" };

/*
 * A flag mask is an OR of its flags, bracketed when it has several: "tcp
 * flags & (syn | ack)" (expression.c: binop_arg_print).
 */
static void flags_mask_print(struct render_ctx *rc, struct strbuf *out, const struct hx *mask,
			     const struct hx *like)
{
	uint64_t v = value_uint(mask->value.bytes, mask->value.nbytes, like->byteorder);
	bool several = v & (v - 1);
	unsigned style = rc->value_style;

	rc->value_style = (style & ~VS_FLAGS_HEX) | VS_SET_ELEMENTS;
	if (several)
		strbuf_addch(out, '(');
	hx_print_as(rc, out, mask, like);
	if (several)
		strbuf_addch(out, ')');
	rc->value_style = style;
}

void hx_print(struct render_ctx *rc, struct strbuf *out, const struct hx *e)
{
	switch (e->kind) {
	case HX_VALUE:
		value_print(out, rc->value_style, e->dtype, e->byteorder, e->value.bytes,
			    e->value.nbytes, e->len);
		break;
	case HX_PAYLOAD:
		payload_print(out, e);
		break;
	case HX_META:
		if (e->key.key < ARRAY_SIZE(meta_keys) && meta_keys[e->key.key].name)
			strbuf_addf(out, "%s%s", meta_keys[e->key.key].unqualified ? "" : "meta ",
				    meta_keys[e->key.key].name);
		else
			strbuf_addf(out, "meta unknown-%u", e->key.key);
		break;
	case HX_CT:
		strbuf_addstr(out, "ct ");
		if (e->ct.dir >= 0 && e->ct.dir <= 1)
			strbuf_addf(out, "%s ", ct_dirs[e->ct.dir]);
		if (e->ct.key < ARRAY_SIZE(ct_keys) && ct_keys[e->ct.key].name) {
			if ((e->ct.key == NFT_CT_SRC || e->ct.key == NFT_CT_DST))
				strbuf_addstr(out, e->dtype == DT_IP6ADDR ? "ip6 " : "ip ");
			strbuf_addstr(out, ct_keys[e->ct.key].name);
		} else {
			strbuf_addf(out, "unknown-%u", e->ct.key);
		}
		break;
	case HX_CONCAT:
		for (uint32_t i = 0; i < e->concat.n; i++) {
			if (i)
				strbuf_addstr(out, " . ");
			hx_print(rc, out, e->concat.items[i]);
		}
		break;
	case HX_BINOP: {
		static const char *const ops[] = { "&", "|", "^", "<<", ">>" };
		bool paren = e->bin.left->kind == HX_BINOP;

		if (paren)
			strbuf_addch(out, '(');
		hx_print(rc, out, e->bin.left);
		if (paren)
			strbuf_addch(out, ')');
		strbuf_addf(out, " %s ", ops[e->bin.op]);
		if (e->bin.op == OP_LSHIFT || e->bin.op == OP_RSHIFT)
			hx_print(rc, out, e->bin.right);
		else if (e->bin.op == OP_AND && dtype_is_bitmask(e->bin.left->dtype) &&
			 e->bin.right->kind == HX_VALUE)
			flags_mask_print(rc, out, e->bin.right, e->bin.left);
		else
			hx_print_as(rc, out, e->bin.right, e->bin.left);
		break;
	}
	case HX_MAP:
		hx_print(rc, out, e->bin.left);
		strbuf_addstr(out, " map ");
		if (e->bin.right->kind == HX_SET &&
		    (e->bin.right->set.set->flags & NFT_SET_ANONYMOUS))
			set_print_inline(rc, out, e->bin.right->set.set, e->bin.left, NULL);
		else
			hx_print(rc, out, e->bin.right);
		break;
	case HX_SET:
		if (e->set.set->flags & NFT_SET_ANONYMOUS)
			set_print_inline(rc, out, e->set.set, NULL, NULL);
		else
			strbuf_addf(out, "@%s", e->set.set->name);
		break;
	case HX_SYMBOL:
		strbuf_addstr(out, e->symbol);
		break;
	case HX_VERDICT: {
		const char *n = verdict_code_name(e->verdict.code);

		strbuf_addstr(out, n ? n : "unknown-verdict");
		if (e->verdict.chain)
			strbuf_addf(out, " %s", e->verdict.chain);
		break;
	}
	default:
		render_key_expr(rc, out, e);
		break;
	}
}

/* Retype a value to look like @like (the other side of a relation). */
static struct hx *retype(struct render_ctx *rc, const struct hx *val, const struct hx *like)
{
	struct hx *v = hx_new(rc, HX_VALUE);

	*v = *val;
	v->dtype = like->dtype;
	v->byteorder = like->byteorder;
	if (like->len && like->len < val->len && like->kind != HX_CONCAT)
		v->len = like->len;
	return v;
}

void hx_print_as(struct render_ctx *rc, struct strbuf *out, const struct hx *val,
		 const struct hx *like)
{
	if (!like) {
		/* Nothing to type it by (a map element on a set without data). */
		hx_print(rc, out, val);
		return;
	}
	if (val->kind == HX_VALUE && like->kind == HX_CONCAT) {
		uint32_t off = 0;

		for (uint32_t i = 0; i < like->concat.n; i++) {
			const struct hx *it = like->concat.items[i];
			uint32_t n = hx_bytes(it);

			if (i)
				strbuf_addstr(out, " . ");
			if (off + n <= val->value.nbytes) {
				struct hx *part = hx_value(rc, val->value.bytes + off, n);

				hx_print_as(rc, out, part, it);
			}
			off += (n + 3) / 4 * 4;
		}
		return;
	}
	if (val->kind == HX_VALUE && like->shift && val->value.nbytes <= 8) {
		uint64_t x = value_uint(val->value.bytes, val->value.nbytes, like->byteorder) >>
			     like->shift;
		uint8_t buf[8];
		struct hx *v;

		for (uint32_t i = 0; i < val->value.nbytes; i++)
			buf[like->byteorder == BO_HOST ? i : val->value.nbytes - 1 - i] =
				(uint8_t)(x >> (8 * i));
		v = retype(rc, hx_value(rc, buf, val->value.nbytes), like);
		hx_print(rc, out, v);
		return;
	}
	if (val->kind == HX_VALUE) {
		struct hx *v = retype(rc, val, like);

		if (like->kind == HX_BINOP)
			v = retype(rc, val, like->bin.left);
		hx_print(rc, out, v);
		return;
	}
	if (val->kind == HX_RANGE) {
		struct hx *l = (struct hx *)like;

		if (dtype_range_numeric(like->dtype)) {
			l = hx_new(rc, like->kind);
			*l = *like;
			l->dtype = DT_INTEGER;
		}
		rc->value_style |= VS_RANGE;
		hx_print_as(rc, out, val->bin.left, l);
		strbuf_addch(out, '-');
		hx_print_as(rc, out, val->bin.right, l);
		rc->value_style &= ~VS_RANGE;
		return;
	}
	if (val->kind == HX_PREFIX) {
		hx_print_as(rc, out, val->prefix.base, like);
		strbuf_addf(out, "/%u", val->prefix.plen);
		return;
	}
	if (val->kind == HX_SET && (val->set.set->flags & NFT_SET_ANONYMOUS)) {
		set_print_inline(rc, out, val->set.set, like, NULL);
		return;
	}
	hx_print(rc, out, val);
}

const char *meta_key_name(uint32_t key)
{
	return key < ARRAY_SIZE(meta_keys) && meta_keys[key].name ? meta_keys[key].name : "unknown";
}
