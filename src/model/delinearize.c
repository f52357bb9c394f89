// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Lift the kernel's register-machine expressions back into nft statements,
 * as nftables' netlink_delinearize.c does: loads fill registers with
 * high-level expressions, cmp/range/lookup turn them into relations,
 * payload dependencies (meta l4proto tcp before tcp dport) are dropped
 * once a later match implies them.
 */
#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "fwaudit/util.h"
#include "render_internal.h"

#define NREGS 20

enum stmt_kind {
	ST_REL,	 /* left op right */
	ST_TEXT, /* already rendered */
};

struct stmt {
	enum stmt_kind kind;
	struct hx *left, *right;
	const char *op; /* "" = implicit */
	unsigned style; /* enum value_style bits for the right side */
	struct strbuf text;
	bool dead;
	int dep_base; /* base a dependency sets context for, or -1 */
};

#define MAX_STMTS 128

struct dl {
	struct render_ctx *rc;
	struct hx *regs[NREGS];
	struct stmt stmts[MAX_STMTS];
	unsigned n;
	enum proto_id ctx[3]; /* LL, NH, TH */
	int dep[3];	      /* statement that set the context, or -1 */
	bool vlan;	      /* ether type 8021q seen */
};

static int reg_slot(uint32_t reg)
{
	if (reg >= NFT_REG_1 && reg <= NFT_REG_4)
		return (int)(reg - NFT_REG_1) * 4;
	if (reg >= NFT_REG32_00 && reg <= NFT_REG32_15)
		return (int)(reg - NFT_REG32_00);
	return -1;
}

static void reg_set(struct dl *d, uint32_t reg, struct hx *e)
{
	int s = reg_slot(reg);

	if (s >= 0 && s < NREGS)
		d->regs[s] = e;
}

/*
 * The expression in @reg covering @len bytes: one expression, or a
 * concatenation of the loads in consecutive registers (each padded to 4
 * bytes, as nft lays out concatenations).
 */
static struct hx *reg_get(struct dl *d, uint32_t reg, uint32_t len)
{
	int s = reg_slot(reg);
	struct hx *items[16], *c;
	uint32_t n = 0, got = 0;

	if (s < 0 || s >= NREGS || !d->regs[s])
		return NULL;
	if (!len || hx_bytes(d->regs[s]) >= len ||
	    (len + 3) / 4 * 4 == (hx_bytes(d->regs[s]) + 3) / 4 * 4)
		return d->regs[s];
	while (got < len && s < NREGS && d->regs[s] && n < ARRAY_SIZE(items)) {
		items[n++] = d->regs[s];
		got += (hx_bytes(d->regs[s]) + 3) / 4 * 4;
		s += (int)(hx_bytes(d->regs[s]) + 3) / 4;
	}
	if (n == 1)
		return items[0];
	c = hx_new(d->rc, HX_CONCAT);
	c->concat.items = arena_memdup(d->rc->arena, items, n * sizeof(items[0]));
	c->concat.n = n;
	c->len = got * 8;
	c->dtype = DT_INVALID;
	return c;
}

static struct stmt *stmt_add(struct dl *d, enum stmt_kind kind)
{
	struct stmt *s;

	if (d->n == MAX_STMTS)
		d->n--; /* absurdly long rule: overwrite the last slot */
	s = &d->stmts[d->n++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->dep_base = -1;
	return s;
}

static struct strbuf *text_stmt(struct dl *d)
{
	return &stmt_add(d, ST_TEXT)->text;
}

static void payload_used(struct dl *d, const struct hx *e);
static struct hx *lift_masked(struct dl *d, struct hx *e);

/* A statement reads a register: its payloads imply their protocols. */
struct hx *dl_reg_get(struct dl *d, uint32_t reg, uint32_t len)
{
	struct hx *e = reg_get(d, reg, len);

	if (e) {
		e = lift_masked(d, e);
		payload_used(d, e);
	}
	return e;
}

struct render_ctx *dl_ctx(struct dl *d)
{
	return d->rc;
}

enum proto_id dl_nh_proto(struct dl *d)
{
	return d->ctx[1];
}

static void kill_dependency(struct dl *d, uint32_t base);

void dl_kill_nh_dependency(struct dl *d)
{
	kill_dependency(d, NFT_PAYLOAD_NETWORK_HEADER);
}

void dl_reset_dependencies(struct dl *d)
{
	d->dep[0] = d->dep[1] = d->dep[2] = -1;
}

void dl_kill_th_dependency(struct dl *d)
{
	kill_dependency(d, NFT_PAYLOAD_TRANSPORT_HEADER);
}

enum proto_id dl_th_proto(struct dl *d)
{
	return d->ctx[2];
}

/* ---- payload ---- */

static int base_index(uint32_t base)
{
	switch (base) {
	case NFT_PAYLOAD_LL_HEADER:
		return 0;
	case NFT_PAYLOAD_NETWORK_HEADER:
		return 1;
	case NFT_PAYLOAD_TRANSPORT_HEADER:
		return 2;
	default:
		return -1;
	}
}

/* Protocol for payloads at @base given what earlier statements established. */
static enum proto_id payload_proto(struct dl *d, uint32_t base, uint32_t offset)
{
	int b = base_index(base);

	if (b < 0)
		return PROTO_NONE;
	if (b == 0 && offset >= 112 && d->vlan)
		return PROTO_VLAN;
	return d->ctx[b];
}

static const struct proto_field *field_at(enum proto_id p, uint32_t offset, uint32_t len)
{
	const struct proto_desc *pd = proto_get(p);

	for (uint8_t i = 0; pd && i < pd->nfields; i++)
		if (pd->fields[i].offset == offset && pd->fields[i].len == len)
			return &pd->fields[i];
	return NULL;
}

/* The field that starts at @offset (any length), for prefixes and expansion. */
static const struct proto_field *field_starting(enum proto_id p, uint32_t offset)
{
	const struct proto_desc *pd = proto_get(p);

	for (uint8_t i = 0; pd && i < pd->nfields; i++)
		if (pd->fields[i].offset == offset)
			return &pd->fields[i];
	return NULL;
}

static struct hx *payload_hx(struct dl *d, uint32_t base, uint32_t offset, uint32_t len)
{
	struct hx *e = hx_new(d->rc, HX_PAYLOAD);
	enum proto_id p = payload_proto(d, base, offset);
	const struct proto_field *f = field_at(p, offset, len);

	if (!f && base == NFT_PAYLOAD_TRANSPORT_HEADER && p == PROTO_NONE)
		f = field_at(PROTO_TH, offset, len), p = f ? PROTO_TH : p;
	e->payload.base = (uint8_t)base;
	e->payload.offset = offset;
	e->payload.proto = f ? p : PROTO_NONE;
	e->payload.field = f;
	e->len = len;
	e->dtype = f ? f->dtype : DT_XINTEGER;
	e->byteorder = BO_BIG;
	return e;
}

/* Drop the dependency that established @base's protocol, now that a match implies it. */
static void kill_dependency(struct dl *d, uint32_t base)
{
	int b = base_index(base);

	if (b < 0 || d->dep[b] < 0)
		return;
	d->stmts[d->dep[b]].dead = true;
	d->dep[b] = -1;
}

/*
 * In bridge, netdev and inet an "ip protocol" or "ip6 nexthdr" match also
 * restricts the network protocol: a transport header field does not make
 * it redundant (payload.c: payload_may_dependency_kill).
 */
static bool keeps_l4_match(const struct dl *d, const struct hx *e)
{
	uint32_t family = d->rc->table->family;
	const struct hx *dep;

	if (e->payload.base != NFT_PAYLOAD_TRANSPORT_HEADER || d->dep[2] < 0 ||
	    (family != NFPROTO_BRIDGE && family != NFPROTO_NETDEV && family != NFPROTO_INET))
		return false;
	dep = d->stmts[d->dep[2]].left;
	return dep->kind == HX_PAYLOAD &&
	       (dep->payload.proto == PROTO_IP || dep->payload.proto == PROTO_IP6);
}

static void payload_used(struct dl *d, const struct hx *e)
{
	/* The payload under a mask is a use too (expr_postprocess on EXPR_BINOP). */
	if (e->kind == HX_MAP || e->kind == HX_BINOP) {
		payload_used(d, e->bin.left);
		return;
	}
	if (e->kind == HX_PAYLOAD && e->payload.proto != PROTO_NONE &&
	    e->payload.proto != PROTO_TH) {
		if (!keeps_l4_match(d, e))
			kill_dependency(d, e->payload.base);
	} else if (e->kind == HX_EXTHDR && e->exthdr.op == NFT_EXTHDR_OP_IPV6 &&
		   d->ctx[1] == PROTO_IP6)
		kill_dependency(d, NFT_PAYLOAD_NETWORK_HEADER);
	/* IPv4 options imply their network protocol (payload.c: exthdr_dependency_kill). */
	else if (e->kind == HX_EXTHDR && e->exthdr.op == NFT_EXTHDR_OP_IPV4 &&
		 d->ctx[1] == PROTO_IP)
		kill_dependency(d, NFT_PAYLOAD_NETWORK_HEADER);
	else if (e->kind == HX_CT && (e->ct.key == NFT_CT_SRC || e->ct.key == NFT_CT_DST ||
				      e->ct.key == NFT_CT_SRC_IP || e->ct.key == NFT_CT_DST_IP ||
				      e->ct.key == NFT_CT_SRC_IP6 || e->ct.key == NFT_CT_DST_IP6))
		kill_dependency(d, NFT_PAYLOAD_NETWORK_HEADER);
	else if (e->kind == HX_CONCAT)
		for (uint32_t i = 0; i < e->concat.n; i++)
			payload_used(d, e->concat.items[i]);
}

/* ---- meta and ct loads ---- */

static struct hx *meta_hx(struct dl *d, uint32_t key)
{
	return meta_key_hx(d->rc, key);
}

static struct hx *ct_hx(struct dl *d, uint32_t key, int32_t dir, uint32_t len)
{
	return ct_key_hx(d->rc, key, dir, len);
}

/* ---- relations ---- */

static const char *cmp_op(uint32_t op)
{
	static const char *const ops[] = { "", "!=", "<", "<=", ">", ">=" };

	return op < ARRAY_SIZE(ops) ? ops[op] : "?";
}

/*
 * Whether "meta l4proto @l4" makes the network protocol match before it
 * redundant (netlink_delinearize.c: meta_may_dependency_kill): in ip and
 * ip6 if that match names the table's family, in inet, bridge and netdev
 * only for icmp and icmpv6 over their own network protocol.
 */
static bool l4_match_kills_l3(const struct dl *d, uint8_t l4)
{
	const struct stmt *dep = &d->stmts[d->dep[1]];
	uint32_t family = d->rc->table->family, nfproto;
	uint64_t v;

	if (dep->kind != ST_REL || !dep->right || dep->right->kind != HX_VALUE)
		return true;
	v = value_uint(dep->right->value.bytes, dep->right->value.nbytes, dep->left->byteorder);
	if (dep->left->kind == HX_META && dep->left->key.key == NFT_META_NFPROTO)
		nfproto = (uint32_t)v;
	else if ((dep->left->kind == HX_META && dep->left->key.key == NFT_META_PROTOCOL) ||
		 (dep->left->kind == HX_PAYLOAD &&
		  dep->left->payload.base == NFT_PAYLOAD_LL_HEADER &&
		  dep->left->dtype == DT_ETHERTYPE))
		nfproto = v == 0x0800 ? NFPROTO_IPV4 : v == 0x86dd ? NFPROTO_IPV6 : NFPROTO_UNSPEC;
	else
		return true;
	switch (family) {
	case NFPROTO_IPV4:
	case NFPROTO_IPV6:
		return family == nfproto;
	case NFPROTO_INET:
	case NFPROTO_BRIDGE:
	case NFPROTO_NETDEV:
		return (l4 == IPPROTO_ICMP && nfproto != NFPROTO_IPV6) ||
		       (l4 == IPPROTO_ICMPV6 && nfproto != NFPROTO_IPV4);
	default:
		return true;
	}
}

/* A match that establishes protocol context (and may later be dropped). */
static void note_dependency(struct dl *d, struct stmt *s)
{
	const struct hx *l = s->left, *r = s->right;
	uint64_t v;
	enum proto_id p;

	if (s->op[0] || !r || r->kind != HX_VALUE)
		return;
	v = value_uint(r->value.bytes, r->value.nbytes, l->byteorder);
	if (l->kind == HX_META && (l->key.key == NFT_META_L4PROTO)) {
		p = proto_by_l4num((uint8_t)v);
		if (d->dep[1] >= 0 && l4_match_kills_l3(d, (uint8_t)v))
			kill_dependency(d, NFT_PAYLOAD_NETWORK_HEADER);
		if (p != PROTO_NONE) {
			d->ctx[2] = p;
			d->dep[2] = (int)(s - d->stmts);
		}
	} else if (l->kind == HX_META && l->key.key == NFT_META_NFPROTO) {
		p = v == NFPROTO_IPV4 ? PROTO_IP : v == NFPROTO_IPV6 ? PROTO_IP6 : PROTO_NONE;
		if (p != PROTO_NONE && (d->rc->table->family == NFPROTO_INET ||
					(d->rc->table->family == NFPROTO_IPV4 && p == PROTO_IP) ||
					(d->rc->table->family == NFPROTO_IPV6 && p == PROTO_IP6))) {
			d->ctx[1] = p;
			d->dep[1] = (int)(s - d->stmts);
		}
	} else if (l->kind == HX_META && l->key.key == NFT_META_PROTOCOL) {
		p = proto_by_ethertype((uint16_t)v);
		if (p != PROTO_NONE && p != PROTO_VLAN) {
			d->ctx[1] = p;
			d->dep[1] = (int)(s - d->stmts);
		}
	} else if (l->kind == HX_META && l->key.key == NFT_META_IIFTYPE && v == 1) {
		d->ctx[0] = PROTO_ETH;
		d->dep[0] = (int)(s - d->stmts);
	} else if (l->kind == HX_PAYLOAD && l->payload.field &&
		   !strcmp(l->payload.field->name, "type") &&
		   (l->payload.proto == PROTO_ETH || l->payload.proto == PROTO_VLAN)) {
		p = proto_by_ethertype((uint16_t)v);
		if (p == PROTO_VLAN) {
			d->vlan = true;
			d->dep[0] = (int)(s - d->stmts);
		} else if (p != PROTO_NONE) {
			d->ctx[1] = p;
			d->dep[1] = (int)(s - d->stmts);
		}
	} else if (l->kind == HX_PAYLOAD && l->payload.field &&
		   (l->payload.proto == PROTO_IP || l->payload.proto == PROTO_IP6) &&
		   (!strcmp(l->payload.field->name, "protocol") ||
		    !strcmp(l->payload.field->name, "nexthdr"))) {
		p = proto_by_l4num((uint8_t)v);
		if (p != PROTO_NONE) {
			d->ctx[2] = p;
			d->dep[2] = (int)(s - d->stmts);
		}
	}
}

static struct stmt *add_rel(struct dl *d, struct hx *left, const char *op, struct hx *right)
{
	struct stmt *s;

	payload_used(d, left);
	s = stmt_add(d, ST_REL);
	s->left = left;
	s->op = op;
	s->right = right;
	note_dependency(d, s);
	return s;
}

/* A payload comparison over several adjacent fields is several matches. */
static bool payload_expand(struct dl *d, struct hx *left, const char *op, struct hx *right)
{
	enum proto_id p = payload_proto(d, left->payload.base, left->payload.offset);
	uint32_t off = left->payload.offset, end = off + left->len;
	struct {
		const struct proto_field *f;
	} parts[16];
	unsigned n = 0;

	if (op[0] || left->payload.field || right->kind != HX_VALUE || left->payload.offset % 8)
		return false;
	while (off < end && n < ARRAY_SIZE(parts)) {
		const struct proto_field *f = field_starting(p, off);

		if (!f || f->len % 8 || off + f->len > end)
			return false;
		parts[n++].f = f;
		off += f->len;
	}
	if (off != end || n < 2)
		return false;
	for (unsigned i = 0; i < n; i++) {
		uint32_t boff = (parts[i].f->offset - left->payload.offset) / 8;
		struct hx *l =
			payload_hx(d, left->payload.base, parts[i].f->offset, parts[i].f->len);

		add_rel(d, l, "", hx_value(d->rc, right->value.bytes + boff, parts[i].f->len / 8));
	}
	return true;
}

/* A load shorter than its field, byte-aligned at its start: nft's prefix match. */
static bool payload_prefix(struct dl *d, struct hx *left, const char *op, struct hx *right)
{
	enum proto_id p = payload_proto(d, left->payload.base, left->payload.offset);
	const struct proto_field *f = field_starting(p, left->payload.offset);
	struct hx *full, *val, *pre;
	uint8_t buf[16];

	if (left->payload.field || !f || f->len <= left->len || f->len > 128 ||
	    right->kind != HX_VALUE || (op[0] && strcmp(op, "!=")))
		return false;
	full = payload_hx(d, left->payload.base, f->offset, f->len);
	memset(buf, 0, sizeof(buf));
	memcpy(buf, right->value.bytes,
	       right->value.nbytes < f->len / 8 ? right->value.nbytes : f->len / 8);
	val = hx_value(d->rc, buf, f->len / 8);
	pre = hx_new(d->rc, HX_PREFIX);
	pre->prefix.base = val;
	pre->prefix.plen = left->len;
	add_rel(d, full, op, pre);
	return true;
}

static int prefix_len(const uint8_t *m, uint32_t n);

/* Prefix length of a mask read as a number in @bo (a mark is host order). */
static int mask_prefix_len(const struct hx *mask, uint8_t bo)
{
	uint8_t be[16];
	uint32_t n = mask->value.nbytes;

	if (bo != BO_HOST || n > sizeof(be))
		return prefix_len(mask->value.bytes, n);
	for (uint32_t i = 0; i < n; i++)
		be[i] = mask->value.bytes[n - 1 - i];
	return prefix_len(be, n);
}

/* Contiguous mask from the top bit: its length, or -1. */
static int prefix_len(const uint8_t *m, uint32_t n)
{
	int len = 0;
	bool zero = false;

	for (uint32_t i = 0; i < n; i++)
		for (int b = 7; b >= 0; b--) {
			bool set = m[i] >> b & 1;

			if (set && zero)
				return -1;
			if (set)
				len++;
			else
				zero = true;
		}
	return len;
}

/*
 * cmp on (x & mask) ^ xor. Sub-byte header fields, address prefixes and flag
 * tests all compile to this; anything else prints as a binop.
 */
static struct hx *masked_field(struct dl *d, const struct hx *bin, uint32_t *shift);

/* A flag value with more than one bit set. */
static bool flags_several(const struct hx *v)
{
	for (uint32_t i = 0, seen = 0; i < v->value.nbytes; i++) {
		uint8_t b = v->value.bytes[i];

		if (b & (b - 1) || (b && seen))
			return true;
		seen |= b;
	}
	return false;
}

static void cmp_binop(struct dl *d, struct hx *bin, const char *op, struct hx *right)
{
	struct hx *x = bin->bin.left, *mask = bin->bin.right, *fx;
	uint32_t n = mask->value.nbytes, fshift = 0;
	int plen;

	if (x->kind == HX_EXTHDR && (fx = masked_field(d, bin, &fshift))) {
		uint64_t v = value_uint(right->value.bytes, right->value.nbytes, BO_BIG) >> fshift;
		uint32_t nb = (fx->len + 7) / 8;
		uint8_t buf[8];

		for (uint32_t i = 0; i < nb; i++)
			buf[nb - 1 - i] = (uint8_t)(v >> (8 * i));
		add_rel(d, fx, op, hx_value(d->rc, buf, nb));
		return;
	}
	if (x->kind == HX_PAYLOAD && !x->payload.field) {
		/* Find a field matching the mask's bits. */
		uint32_t first = 0, cnt = 0;
		bool seen = false, contiguous = true;

		for (uint32_t i = 0; i < n * 8; i++) {
			bool set = mask->value.bytes[i / 8] >> (7 - i % 8) & 1;

			if (set && !seen) {
				first = i;
				seen = true;
			}
			if (set && seen && i != first + cnt)
				contiguous = false;
			if (set)
				cnt++;
		}
		if (seen && contiguous) {
			enum proto_id p =
				payload_proto(d, x->payload.base, x->payload.offset + first);
			const struct proto_field *f = field_at(p, x->payload.offset + first, cnt);

			if (f) {
				struct hx *l = payload_hx(d, x->payload.base, f->offset, f->len);
				uint64_t v =
					value_uint(right->value.bytes, right->value.nbytes, BO_BIG);
				uint8_t buf[8];
				uint32_t shift = n * 8 - first - cnt, nb = (cnt + 7) / 8;

				v >>= shift;
				for (uint32_t i = 0; i < nb; i++)
					buf[nb - 1 - i] = (uint8_t)(v >> (8 * i));
				add_rel(d, l, op, hx_value(d->rc, buf, nb));
				return;
			}
			if (first == 0 && x->len == n * 8) {
				/* The mask covers a prefix of the loaded bytes. */
				const struct proto_field *ff =
					field_at(p, x->payload.offset, x->len);

				if (ff && (ff->dtype == DT_IPADDR || ff->dtype == DT_IP6ADDR)) {
					struct hx *pre = hx_new(d->rc, HX_PREFIX);

					x = payload_hx(d, x->payload.base, ff->offset, ff->len);
					pre->prefix.base = right;
					pre->prefix.plen = cnt;
					add_rel(d, x, op, pre);
					return;
				}
			}
		}
	}
	/* An all-zero mask is a prefix too: "ip daddr 0.0.0.0/0" (expr_mask_is_prefix). */
	if ((x->dtype == DT_IPADDR || x->dtype == DT_IP6ADDR || x->dtype == DT_MARK) &&
	    (plen = mask_prefix_len(mask, x->byteorder)) >= (x->dtype == DT_MARK ? 1 : 0) &&
	    x->kind != HX_BINOP && (x->dtype != DT_MARK || !op[0])) {
		struct hx *pre = hx_new(d->rc, HX_PREFIX);

		/* A prefix compares only its bytes: widen the value to the address. */
		if (x->dtype != DT_MARK && right->value.nbytes < hx_bytes(x) && hx_bytes(x) <= 16) {
			uint8_t buf[16] = { 0 };

			memcpy(buf, right->value.bytes, right->value.nbytes);
			right = hx_value(d->rc, buf, hx_bytes(x));
		}
		pre->prefix.base = right;
		pre->prefix.plen = (uint32_t)plen;
		add_rel(d, x, op, pre);
		return;
	}
	if (dtype_is_bitmask(x->dtype) && !strcmp(op, "!=") &&
	    value_uint(right->value.bytes, right->value.nbytes, BO_HOST) == 0) {
		/* "ct state established,related": any of the mask bits. */
		add_rel(d, x, "", mask);
		return;
	}
	if (dtype_is_bitmask(x->dtype) && !op[0] &&
	    value_uint(right->value.bytes, right->value.nbytes, BO_HOST) == 0) {
		/* none of the mask bits: "tcp flags ! syn,ack" */
		add_rel(d, x, "!", mask);
		return;
	}
	if (dtype_is_bitmask(x->dtype) && (!op[0] || !strcmp(op, "!=")) &&
	    right->value.nbytes == mask->value.nbytes &&
	    (memcmp(right->value.bytes, mask->value.bytes, mask->value.nbytes) ||
	     flags_several(right))) {
		/*
		 * nft 1.0.6 lists "flags & mask == value" as "flags value / mask";
		 * only a single flag tested for itself stays "flags & syn == syn"
		 * (relational_binop_postprocess).
		 */
		struct hx *sym = hx_new(d->rc, HX_SYMBOL);
		struct strbuf t = STRBUF_INIT;
		struct hx *v = hx_value(d->rc, right->value.bytes, right->value.nbytes);

		v->dtype = x->dtype;
		v->byteorder = x->byteorder;
		hx_print(d->rc, &t, v);
		strbuf_addstr(&t, " / ");
		v = hx_value(d->rc, mask->value.bytes, mask->value.nbytes);
		v->dtype = x->dtype;
		v->byteorder = x->byteorder;
		hx_print(d->rc, &t, v);
		sym->symbol = arena_strdup(d->rc->arena, t.buf);
		strbuf_release(&t);
		add_rel(d, x, op, sym);
		return;
	}
	payload_used(d, x);
	add_rel(d, bin, op[0] ? op : "==", right);
}

/* ---- statements from expressions ---- */

static void emit_verdict(struct dl *d, const struct verdict *v)
{
	struct strbuf *t = text_stmt(d);
	const char *n = verdict_code_name(v->code);
	const struct chain *bound;

	if (v->code == NFT_JUMP && v->chain && (bound = render_find_chain(d->rc, v->chain)) &&
	    (bound->flags & NFT_CHAIN_BINDING)) {
		int ind = d->rc->indent;

		strbuf_addstr(t, "jump {\n");
		chain_render_body(d->rc, bound, t, ind + 1);
		d->rc->indent = ind;
		for (int i = 0; i < ind; i++)
			strbuf_addch(t, '\t');
		strbuf_addch(t, '}');
		return;
	}
	strbuf_addstr(t, n ? n : "unknown-verdict");
	if (v->chain)
		strbuf_addf(t, " %s", v->chain);
}

static void ex_immediate(struct dl *d, const struct expr *e)
{
	const struct attr *data = expr_attr(e, NFTA_IMMEDIATE_DATA);
	uint32_t dreg = (uint32_t)expr_num(e, NFTA_IMMEDIATE_DREG, 0);

	if (!data)
		return;
	if (dreg == NFT_REG_VERDICT && attr_is_verdict(data)) {
		emit_verdict(d, data->verdict);
		return;
	}
	if (data->kind == ATTR_DATA && !attr_is_verdict(data))
		reg_set(d, dreg, hx_value(d->rc, data->bytes, data->len));
}

static void ex_cmp(struct dl *d, const struct expr *e)
{
	const struct attr *data = expr_attr(e, NFTA_CMP_DATA);
	const char *op = cmp_op((uint32_t)expr_num(e, NFTA_CMP_OP, 0));
	struct hx *left, *right;

	if (!data || data->kind != ATTR_DATA || attr_is_verdict(data))
		return;
	left = reg_get(d, (uint32_t)expr_num(e, NFTA_CMP_SREG, 0), data->len);
	if (!left)
		return;
	right = hx_value(d->rc, data->bytes, data->len);
	if (left->kind == HX_BINOP && left->bin.op == OP_AND) {
		cmp_binop(d, left, op, right);
		return;
	}
	if (left->kind == HX_BINOP && !op[0])
		op = "==";
	if (left->kind == HX_PAYLOAD && !left->payload.field &&
	    (payload_expand(d, left, op, right) || payload_prefix(d, left, op, right)))
		return;
	if ((left->dtype == DT_IPADDR || left->dtype == DT_IP6ADDR) && left->kind != HX_PAYLOAD &&
	    data->len < hx_bytes(left) && hx_bytes(left) <= 16 && (!op[0] || !strcmp(op, "!="))) {
		/* A byte-aligned prefix compares only its bytes: "ct original ip saddr 10.0.0.0/8". */
		struct hx *pre = hx_new(d->rc, HX_PREFIX);
		uint8_t buf[16] = { 0 };

		memcpy(buf, data->bytes, data->len);
		pre->prefix.base = hx_value(d->rc, buf, hx_bytes(left));
		pre->prefix.plen = data->len * 8;
		add_rel(d, left, op, pre);
		return;
	}
	if ((left->dtype == DT_IFNAME || left->dtype == DT_STRING) && data->len < hx_bytes(left))
		right->len = data->len * 8;
	if (dtype_is_bitmask(left->dtype)) {
		/*
		 * An exact flags match: a header field's value stays one number
		 * ("tcp flags == 0x12"), a meta or ct one becomes an OR of its
		 * flags, listed without "==" (expr_postprocess, must_print_eq_op).
		 */
		bool ored = left->kind != HX_PAYLOAD && flags_several(right);

		if (!op[0] && !ored)
			op = "==";
		add_rel(d, left, op, right)->style = ored ? VS_SET_ELEMENTS : VS_FLAGS_HEX;
		return;
	}
	add_rel(d, left, op, right);
}

static void ex_range(struct dl *d, const struct expr *e)
{
	const struct attr *from = expr_attr(e, NFTA_RANGE_FROM_DATA);
	const struct attr *to = expr_attr(e, NFTA_RANGE_TO_DATA);
	struct hx *left, *r;

	if (!from || !to || attr_is_verdict(from) || attr_is_verdict(to) ||
	    from->kind != ATTR_DATA || to->kind != ATTR_DATA)
		return;
	left = reg_get(d, (uint32_t)expr_num(e, NFTA_RANGE_SREG, 0), from->len);
	if (!left)
		return;
	/* A range on a masked field: "frag frag-off != 33-45" (binop_postprocess). */
	left = lift_masked(d, left);
	r = hx_new(d->rc, HX_RANGE);
	r->bin.left = hx_value(d->rc, from->bytes, from->len);
	r->bin.right = hx_value(d->rc, to->bytes, to->len);
	add_rel(d, left, expr_num(e, NFTA_RANGE_OP, 0) == NFT_RANGE_NEQ ? "!=" : "", r);
}

static const struct set *find_set(struct dl *d, const char *name)
{
	return name ? table_find_set(d->rc->table, name) : NULL;
}

/* Contiguous mask: first set bit and count; false if not contiguous. */
static bool mask_bits(const struct hx *mask, uint32_t *first, uint32_t *cnt)
{
	bool seen = false;

	*first = *cnt = 0;
	for (uint32_t i = 0; i < mask->value.nbytes * 8; i++) {
		bool set = mask->value.bytes[i / 8] >> (7 - i % 8) & 1;

		if (set && !seen) {
			*first = i;
			seen = true;
		}
		if (set && i != *first + *cnt)
			return false;
		if (set)
			(*cnt)++;
	}
	return seen;
}

static struct hx *masked_exthdr(struct dl *d, const struct hx *x, const struct hx *mask,
				uint32_t *shift)
{
	uint32_t first, cnt;
	const struct proto_field *f;
	struct hx *e;

	if (!mask_bits(mask, &first, &cnt))
		return NULL;
	f = ip6_exthdr_field(x->exthdr.type, x->exthdr.offset + first, cnt);
	if (!f)
		return NULL;
	e = hx_new(d->rc, HX_EXTHDR);
	*e = *x;
	e->exthdr.field = f;
	e->exthdr.offset = f->offset;
	e->len = f->len;
	e->dtype = f->dtype;
	*shift = mask->value.nbytes * 8 - first - cnt;
	return e;
}

/*
 * "payload & mask" selecting exactly one header field is that field; set
 * elements then hold the field's value shifted left by @shift bits.
 */
static struct hx *masked_field(struct dl *d, const struct hx *bin, uint32_t *shift)
{
	const struct hx *x = bin->bin.left, *mask = bin->bin.right;
	uint32_t n = mask->value.nbytes, first = 0, cnt = 0;
	const struct proto_field *f;
	bool seen = false;

	if (bin->kind != HX_BINOP || bin->bin.op != OP_AND || mask->kind != HX_VALUE || n > 8)
		return NULL;
	if (x->kind == HX_EXTHDR && x->exthdr.op == NFT_EXTHDR_OP_IPV6 && !x->exthdr.field)
		return masked_exthdr(d, x, mask, shift);
	if (x->kind != HX_PAYLOAD || x->payload.field)
		return NULL;
	for (uint32_t i = 0; i < n * 8; i++) {
		bool set = mask->value.bytes[i / 8] >> (7 - i % 8) & 1;

		if (set && !seen) {
			first = i;
			seen = true;
		}
		if (set && i != first + cnt)
			return NULL;
		if (set)
			cnt++;
	}
	f = seen ? field_at(payload_proto(d, x->payload.base, x->payload.offset + first),
			    x->payload.offset + first, cnt)
		 : NULL;
	if (!f)
		return NULL;
	*shift = n * 8 - first - cnt;
	return payload_hx(d, x->payload.base, f->offset, f->len);
}

/* Concatenation items (and lone keys) that mask a header field are that field. */
static struct hx *lift_masked(struct dl *d, struct hx *e)
{
	uint32_t shift = 0;
	struct hx *f;

	if (e->kind == HX_BINOP && (f = masked_field(d, e, &shift))) {
		f->shift = (uint8_t)shift;
		f->len = e->len;
		return f;
	}
	if (e->kind == HX_CONCAT) {
		struct hx *c = hx_new(d->rc, HX_CONCAT);

		*c = *e;
		c->concat.items = arena_memdup(d->rc->arena, e->concat.items,
					       e->concat.n * sizeof(struct hx *));
		for (uint32_t i = 0; i < c->concat.n; i++)
			c->concat.items[i] = lift_masked(d, c->concat.items[i]);
		return c;
	}
	return e;
}

static void ex_lookup(struct dl *d, const struct expr *e)
{
	const struct set *s = find_set(d, expr_str(e, NFTA_LOOKUP_SET));
	struct hx *left, *sx, *field;
	uint32_t shift = 0;

	if (!s)
		return;
	left = reg_get(d, (uint32_t)expr_num(e, NFTA_LOOKUP_SREG, 0), s->key_len);
	if (!left)
		return;
	if (left->kind == HX_BINOP && (field = masked_field(d, left, &shift))) {
		field->shift = (uint8_t)shift;
		field->len = s->key_len * 8;
		left = field;
	} else if (left->kind == HX_BINOP && left->bin.op == OP_RSHIFT &&
		   left->bin.left->kind == HX_BINOP &&
		   (field = masked_field(d, left->bin.left, &shift)) &&
		   shift == value_uint(left->bin.right->value.bytes, left->bin.right->value.nbytes,
				       BO_HOST)) {
		/* "(x & mask) >> n" selecting one field: "frag frag-off @s" (binop_postprocess). */
		field->len = s->key_len * 8;
		left = field;
	} else {
		left = lift_masked(d, left);
	}
	sx = hx_new(d->rc, HX_SET);
	sx->set.set = s;
	if (expr_has(e, NFTA_LOOKUP_DREG)) {
		uint32_t dreg = (uint32_t)expr_num(e, NFTA_LOOKUP_DREG, 0);
		struct hx *m;

		/*
		 * A map's key is used by the statement that reads its result,
		 * which may first forget the protocol matches (a nat port).
		 */
		if (dreg == NFT_REG_VERDICT) {
			payload_used(d, left);
			struct strbuf *t = text_stmt(d);

			hx_print(d->rc, t, left);
			strbuf_addstr(t, " vmap ");
			if (s->flags & NFT_SET_ANONYMOUS)
				set_print_inline(d->rc, t, s, left, NULL);
			else
				strbuf_addf(t, "@%s", s->name);
			return;
		}
		m = hx_new(d->rc, HX_MAP);
		m->bin.left = left;
		m->bin.right = sx;
		m->len = s->data_len * 8;
		m->dtype = s->data_type & 0xff;
		if (s->data_type == DT_MARK)
			m->byteorder = BO_HOST;
		else
			m->byteorder = dtype_byteorder(s->data_type);
		reg_set(d, dreg, m);
		return;
	}
	/* nft prints "==" when the left side is a binop (must_print_eq_op). */
	add_rel(d, left,
		expr_num(e, NFTA_LOOKUP_FLAGS, 0) & NFT_LOOKUP_F_INV ? "!="
		: left->kind == HX_BINOP			     ? "=="
								     : "",
		sx);
}

static void ex_bitwise(struct dl *d, const struct expr *e)
{
	uint32_t sreg = (uint32_t)expr_num(e, NFTA_BITWISE_SREG, 0);
	uint32_t len = (uint32_t)expr_num(e, NFTA_BITWISE_LEN, 0);
	uint32_t op = (uint32_t)expr_num(e, NFTA_BITWISE_OP, NFT_BITWISE_BOOL);
	struct hx *x = reg_get(d, sreg, len), *res;

	if (!x)
		return;
	if (op == NFT_BITWISE_LSHIFT || op == NFT_BITWISE_RSHIFT) {
		const struct attr *data = expr_attr(e, NFTA_BITWISE_DATA);
		uint8_t amount = 0;

		if (data && data->kind == ATTR_DATA && !attr_is_verdict(data) && data->len)
			amount = (uint8_t)value_uint(data->bytes, data->len, BO_HOST);
		res = hx_new(d->rc, HX_BINOP);
		res->bin.op = op == NFT_BITWISE_LSHIFT ? OP_LSHIFT : OP_RSHIFT;
		res->bin.left = x;
		res->bin.right = hx_value(d->rc, &amount, 1);
		res->bin.right->dtype = DT_INTEGER;
	} else {
		const struct attr *mask = expr_attr(e, NFTA_BITWISE_MASK);
		const struct attr * xor = expr_attr(e, NFTA_BITWISE_XOR);
		bool all_ones = true, xor_zero = true;

		if (!mask || !xor || mask->kind != ATTR_DATA || xor->kind != ATTR_DATA)
			return;
		for (uint32_t i = 0; i < mask->len; i++)
			all_ones &= mask->bytes[i] == 0xff;
		for (uint32_t i = 0; i < xor->len; i++)
			xor_zero &= xor->bytes[i] == 0;
		res = x;
		if (!all_ones) {
			res = hx_new(d->rc, HX_BINOP);
			res->bin.op = OP_AND;
			res->bin.left = x;
			res->bin.right = hx_value(d->rc, mask->bytes, mask->len);
			res->bin.right->dtype = x->dtype;
			res->bin.right->byteorder = x->byteorder;
		}
		if (!xor_zero) {
			struct hx *b = hx_new(d->rc, HX_BINOP);

			/* (x & ~v) ^ v is "x | v"; anything else is a real xor. */
			b->bin.op = OP_XOR;
			if (!all_ones) {
				bool is_or = true;

				for (uint32_t i = 0; i < xor->len &&i < mask->len; i++)
					is_or &= (mask->bytes[i] ^ xor->bytes[i]) == 0xff;
				if (is_or) {
					b->bin.op = OP_OR;
					res = x;
				}
			}
			b->bin.left = res;
			b->bin.right = hx_value(d->rc, xor->bytes, xor->len);
			res = b;
		}
	}
	res->dtype = x->dtype;
	res->byteorder = x->byteorder;
	res->len = x->len;
	reg_set(d, (uint32_t)expr_num(e, NFTA_BITWISE_DREG, 0), res);
}

static void ex_byteorder(struct dl *d, const struct expr *e)
{
	struct hx *x = reg_get(d, (uint32_t)expr_num(e, NFTA_BYTEORDER_SREG, 0), 0), *y;

	/*
	 * nft converts host-order values to big endian before ranges and
	 * interval lookups: the same expression, compared big-endian.
	 */
	if (!x)
		return;
	y = hx_new(d->rc, x->kind);
	*y = *x;
	y->byteorder = expr_num(e, NFTA_BYTEORDER_OP, 0) == NFT_BYTEORDER_HTON ? BO_BIG : BO_HOST;
	reg_set(d, (uint32_t)expr_num(e, NFTA_BYTEORDER_DREG, 0), y);
}

static bool mangle_field(struct dl *d, struct hx **l, struct hx **v);

static void ex_payload(struct dl *d, const struct expr *e)
{
	uint32_t base = (uint32_t)expr_num(e, NFTA_PAYLOAD_BASE, 0);
	uint32_t off = (uint32_t)expr_num(e, NFTA_PAYLOAD_OFFSET, 0) * 8;
	uint32_t len = (uint32_t)expr_num(e, NFTA_PAYLOAD_LEN, 0) * 8;

	if (expr_has(e, NFTA_PAYLOAD_SREG)) {
		struct hx *l = payload_hx(d, base, off, len);
		struct hx *v = reg_get(d, (uint32_t)expr_num(e, NFTA_PAYLOAD_SREG, 0), len / 8);
		struct strbuf *t;

		if (v && mangle_field(d, &l, &v))
			payload_used(d, l);
		if (v)
			payload_used(d, v);
		t = text_stmt(d);

		payload_used(d, l);
		hx_print(d->rc, t, l);
		strbuf_addstr(t, " set ");
		if (v)
			hx_print_as(d->rc, t, v, l);
		return;
	}
	reg_set(d, (uint32_t)expr_num(e, NFTA_PAYLOAD_DREG, 0), payload_hx(d, base, off, len));
}

/*
 * Setting a field narrower than the bytes written compiles to
 * "write (load & ~fieldmask) ^ value": find the field from the mask and
 * shift the value back (nftables stmt_payload_postprocess()).
 */
static bool mangle_field(struct dl *d, struct hx **l, struct hx **v)
{
	struct hx *x = *v, *and, *val;
	uint32_t n, first = 0, cnt = 0;
	const struct proto_field *f;
	bool seen = false;
	uint8_t buf[16];
	enum proto_id p;
	uint32_t shift;

	if (x->kind != HX_BINOP || x->bin.op != OP_XOR || x->bin.left->kind != HX_BINOP ||
	    x->bin.left->bin.op != OP_AND || x->bin.right->kind != HX_VALUE)
		return false;
	and = x->bin.left;
	if (and->bin.left->kind != HX_PAYLOAD || and->bin.right->kind != HX_VALUE)
		return false;
	n = and->bin.right->value.nbytes;
	if (n > 8 || n != x->bin.right->value.nbytes)
		return false;
	for (uint32_t i = 0; i < n * 8; i++) {
		bool zero = !(and->bin.right->value.bytes[i / 8] >> (7 - i % 8) & 1);

		if (zero && !seen) {
			first = i;
			seen = true;
		}
		if (zero)
			cnt++;
	}
	p = payload_proto(d, (*l)->payload.base, (*l)->payload.offset + first);
	f = field_at(p, (*l)->payload.offset + first, cnt);
	if (!seen || !f)
		return false;
	shift = n * 8 - first - cnt;
	{
		uint64_t w = value_uint(x->bin.right->value.bytes, n, BO_BIG) >> shift;
		uint32_t nb = (cnt + 7) / 8;

		for (uint32_t i = 0; i < nb; i++)
			buf[nb - 1 - i] = (uint8_t)(w >> (8 * i));
		val = hx_value(d->rc, buf, nb);
	}
	*l = payload_hx(d, (*l)->payload.base, f->offset, f->len);
	*v = val;
	return true;
}

static void ex_meta(struct dl *d, const struct expr *e)
{
	uint32_t key = (uint32_t)expr_num(e, NFTA_META_KEY, 0);

	if (expr_has(e, NFTA_META_SREG)) {
		struct hx *l = meta_hx(d, key);
		struct hx *v = dl_reg_get(d, (uint32_t)expr_num(e, NFTA_META_SREG, 0), hx_bytes(l));
		struct strbuf *t = text_stmt(d);

		strbuf_addf(t, "meta %s set ", meta_key_name(key));
		if (v)
			hx_print_as(d->rc, t, v, l);
		return;
	}
	reg_set(d, (uint32_t)expr_num(e, NFTA_META_DREG, 0), meta_hx(d, key));
}

static void ex_ct(struct dl *d, const struct expr *e)
{
	uint32_t key = (uint32_t)expr_num(e, NFTA_CT_KEY, 0);
	int32_t dir =
		expr_has(e, NFTA_CT_DIRECTION) ? (int32_t)expr_num(e, NFTA_CT_DIRECTION, 0) : -1;

	if (expr_has(e, NFTA_CT_SREG)) {
		struct hx *l = ct_hx(d, key, dir, 4);
		struct hx *v = dl_reg_get(d, (uint32_t)expr_num(e, NFTA_CT_SREG, 0), hx_bytes(l));
		struct strbuf *t = text_stmt(d);

		hx_print(d->rc, t, l);
		strbuf_addstr(t, " set ");
		if (v)
			hx_print_as(d->rc, t, v, l);
		return;
	}
	reg_set(d, (uint32_t)expr_num(e, NFTA_CT_DREG, 0),
		ct_hx(d, key, dir, d->ctx[1] == PROTO_IP6 ? 16 : 4));
}

/* Expressions that only load a value: fib, rt, socket, osf, numgen, hash, xfrm, exthdr. */
static void ex_loader(struct dl *d, const struct expr *e, enum hx_kind kind, uint16_t dreg_attr)
{
	struct hx *x = hx_new(d->rc, kind);

	x->key.key = (uint32_t)expr_num(e, kind == HX_FIB ? NFTA_FIB_RESULT : 2, 0);
	switch (kind) {
	case HX_FIB:
		x->key.flags = (uint32_t)expr_num(e, NFTA_FIB_FLAGS, 0);
		x->dtype = x->key.key == NFT_FIB_RESULT_ADDRTYPE  ? DT_FIB_ADDR
			   : x->key.key == NFT_FIB_RESULT_OIFNAME ? DT_IFNAME
								  : DT_IFINDEX;
		x->len = x->key.key == NFT_FIB_RESULT_OIFNAME ? 128 : 32;
		x->byteorder = BO_HOST;
		if (x->key.flags & NFTA_FIB_F_PRESENT) {
			x->dtype = DT_BOOLEAN;
			x->len = 8;
		}
		break;
	case HX_RT:
		x->key.key = (uint32_t)expr_num(e, NFTA_RT_KEY, 0);
		x->byteorder = BO_HOST;
		x->len = 32;
		x->dtype = x->key.key == NFT_RT_CLASSID	   ? DT_REALM
			   : x->key.key == NFT_RT_NEXTHOP4 ? DT_IPADDR
			   : x->key.key == NFT_RT_NEXTHOP6 ? DT_IP6ADDR
			   : x->key.key == NFT_RT_TCPMSS   ? DT_INTEGER
							   : DT_BOOLEAN;
		if (x->key.key == NFT_RT_NEXTHOP6)
			x->len = 128;
		if (x->key.key == NFT_RT_NEXTHOP4 || x->key.key == NFT_RT_NEXTHOP6)
			x->byteorder = BO_BIG;
		if (x->key.key == NFT_RT_TCPMSS)
			x->len = 16;
		if (x->key.key == NFT_RT_XFRM)
			x->len = 8;
		break;
	case HX_SOCKET:
		x->key.key = (uint32_t)expr_num(e, NFTA_SOCKET_KEY, 0);
		x->key.level = (uint32_t)expr_num(e, NFTA_SOCKET_LEVEL, 0);
		x->byteorder = BO_HOST;
		x->len = x->key.key == NFT_SOCKET_TRANSPARENT || x->key.key == NFT_SOCKET_WILDCARD
				 ? 8
				 : 32;
		x->dtype = x->key.key == NFT_SOCKET_MARK ? DT_MARK : DT_INTEGER;
		if (x->key.key == NFT_SOCKET_CGROUPV2)
			x->len = 64;
		break;
	case HX_OSF:
		x->key.key = (uint32_t)expr_num(e, NFTA_OSF_TTL, 0);
		x->key.flags = (uint32_t)expr_num(e, NFTA_OSF_FLAGS, 0);
		x->dtype = DT_STRING;
		x->byteorder = BO_HOST; /* as osf_expr_alloc() types it: sets sort by it */
		x->len = 16 * 8;
		break;
	case HX_XFRM:
		x->key.key = (uint32_t)expr_num(e, NFTA_XFRM_KEY, 0);
		x->key.dir = (int32_t)expr_num(e, NFTA_XFRM_DIR, 0);
		x->key.level = (uint32_t)expr_num(e, NFTA_XFRM_SPNUM, 0);
		x->len = 32;
		x->byteorder = BO_BIG;
		x->dtype =
			x->key.key == NFT_XFRM_KEY_DADDR_IP4 || x->key.key == NFT_XFRM_KEY_SADDR_IP4
				? DT_IPADDR
			: x->key.key == NFT_XFRM_KEY_DADDR_IP6 ||
					x->key.key == NFT_XFRM_KEY_SADDR_IP6
				? DT_IP6ADDR
				: DT_INTEGER;
		if (x->dtype == DT_IP6ADDR)
			x->len = 128;
		if (x->key.key == NFT_XFRM_KEY_REQID)
			x->byteorder = BO_HOST;
		break;
	case HX_NUMGEN:
		x->gen.type = (uint32_t)expr_num(e, NFTA_NG_TYPE, 0);
		x->gen.modulus = (uint32_t)expr_num(e, NFTA_NG_MODULUS, 0);
		x->gen.offset = (uint32_t)expr_num(e, NFTA_NG_OFFSET, 0);
		x->len = 32;
		x->byteorder = BO_HOST;
		break;
	case HX_HASH:
		x->gen.type = (uint32_t)expr_num(e, NFTA_HASH_TYPE, 0);
		x->gen.modulus = (uint32_t)expr_num(e, NFTA_HASH_MODULUS, 0);
		x->gen.offset = (uint32_t)expr_num(e, NFTA_HASH_OFFSET, 0);
		x->gen.seed = (uint32_t)expr_num(e, NFTA_HASH_SEED, 0);
		x->gen.has_seed = expr_has(e, NFTA_HASH_SEED);
		if (x->gen.type == NFT_HASH_JENKINS)
			x->gen.sub = reg_get(d, (uint32_t)expr_num(e, NFTA_HASH_SREG, 0),
					     (uint32_t)expr_num(e, NFTA_HASH_LEN, 0));
		x->len = 32;
		x->byteorder = BO_HOST;
		break;
	case HX_EXTHDR:
		x->exthdr.op = (uint32_t)expr_num(e, NFTA_EXTHDR_OP, 0);
		x->exthdr.type = (uint8_t)expr_num(e, NFTA_EXTHDR_TYPE, 0);
		x->exthdr.offset = (uint32_t)expr_num(e, NFTA_EXTHDR_OFFSET, 0) * 8;
		x->exthdr.flags = (uint32_t)expr_num(e, NFTA_EXTHDR_FLAGS, 0);
		x->len = (uint32_t)expr_num(e, NFTA_EXTHDR_LEN, 0) * 8;
		x->dtype = x->exthdr.flags & NFT_EXTHDR_F_PRESENT ? DT_BOOLEAN : DT_INTEGER;
		x->byteorder = BO_BIG;
		exthdr_resolve(x);
		break;
	default:
		break;
	}
	reg_set(d, (uint32_t)expr_num(e, dreg_attr, 0), x);
}

/* nft compiles "x a-b" as "x >= a" plus "x <= b"; put them back together. */
static void merge_ranges(struct dl *d)
{
	for (unsigned i = 0; i + 1 < d->n; i++) {
		struct stmt *a = &d->stmts[i], *b = &d->stmts[i + 1];
		struct strbuf la = STRBUF_INIT, lb = STRBUF_INIT;
		struct hx *r;

		if (a->kind != ST_REL || b->kind != ST_REL || a->dead || b->dead ||
		    strcmp(a->op, ">=") || strcmp(b->op, "<=") || a->right->kind != HX_VALUE ||
		    b->right->kind != HX_VALUE)
			continue;
		hx_print(d->rc, &la, a->left);
		hx_print(d->rc, &lb, b->left);
		if (!strcmp(la.buf, lb.buf)) {
			r = hx_new(d->rc, HX_RANGE);
			r->bin.left = a->right;
			r->bin.right = b->right;
			a->right = r;
			a->op = "";
			b->dead = true;
		}
		strbuf_release(&la);
		strbuf_release(&lb);
	}
}

void rule_render_stmts(struct render_ctx *rc, const struct expr_list *exprs, struct strbuf *out)
{
	struct dl *d = arena_alloc(rc->arena, sizeof(*d));
	bool first = true;

	d->rc = rc;
	for (int i = 0; i < 3; i++)
		d->dep[i] = -1;
	switch (rc->table->family) {
	case NFPROTO_IPV4:
		d->ctx[1] = PROTO_IP;
		break;
	case NFPROTO_IPV6:
		d->ctx[1] = PROTO_IP6;
		break;
	case NFPROTO_ARP:
		d->ctx[1] = PROTO_ARP;
		break;
	case NFPROTO_BRIDGE:
	case NFPROTO_NETDEV:
		d->ctx[0] = PROTO_ETH;
		break;
	default:
		break;
	}
	if (rc->table->family != NFPROTO_BRIDGE && rc->table->family != NFPROTO_NETDEV)
		d->ctx[0] = PROTO_ETH;

	for (uint32_t i = 0; i < exprs->n; i++) {
		const struct expr *e = &exprs->v[i];
		unsigned before = d->n;

		if (!e->known) {
			expr_render_raw(rc, e, text_stmt(d));
			d->dep[0] = d->dep[1] = d->dep[2] = -1;
			continue;
		}
		if (expr_is(e, "immediate"))
			ex_immediate(d, e);
		else if (expr_is(e, "cmp"))
			ex_cmp(d, e);
		else if (expr_is(e, "range"))
			ex_range(d, e);
		else if (expr_is(e, "lookup"))
			ex_lookup(d, e);
		else if (expr_is(e, "bitwise"))
			ex_bitwise(d, e);
		else if (expr_is(e, "byteorder"))
			ex_byteorder(d, e);
		else if (expr_is(e, "payload"))
			ex_payload(d, e);
		else if (expr_is(e, "meta"))
			ex_meta(d, e);
		else if (expr_is(e, "ct"))
			ex_ct(d, e);
		else if (expr_is(e, "fib"))
			ex_loader(d, e, HX_FIB, NFTA_FIB_DREG);
		else if (expr_is(e, "rt"))
			ex_loader(d, e, HX_RT, NFTA_RT_DREG);
		else if (expr_is(e, "socket"))
			ex_loader(d, e, HX_SOCKET, NFTA_SOCKET_DREG);
		else if (expr_is(e, "osf"))
			ex_loader(d, e, HX_OSF, NFTA_OSF_DREG);
		else if (expr_is(e, "xfrm"))
			ex_loader(d, e, HX_XFRM, NFTA_XFRM_DREG);
		else if (expr_is(e, "numgen"))
			ex_loader(d, e, HX_NUMGEN, NFTA_NG_DREG);
		else if (expr_is(e, "hash"))
			ex_loader(d, e, HX_HASH, NFTA_HASH_DREG);
		else if (expr_is(e, "exthdr") && !expr_has(e, NFTA_EXTHDR_SREG) &&
			 expr_has(e, NFTA_EXTHDR_DREG))
			ex_loader(d, e, HX_EXTHDR, NFTA_EXTHDR_DREG);
		else
			stmt_render(d, e, text_stmt(d));
		/*
		 * A statement between a protocol match and the match that
		 * implies it keeps the protocol match listed (nft resets its
		 * dependency context on every other statement).
		 */
		for (unsigned k = before; k < d->n; k++)
			if (d->stmts[k].kind == ST_TEXT)
				d->dep[0] = d->dep[1] = d->dep[2] = -1;
	}

	merge_ranges(d);
	for (unsigned i = 0; i < d->n; i++) {
		struct stmt *s = &d->stmts[i];

		if (s->dead)
			continue;

		if (!first)
			strbuf_addch(out, ' ');
		first = false;
		if (s->kind == ST_TEXT) {
			strbuf_add(out, s->text.buf, s->text.len);
			continue;
		}
		hx_print(rc, out, s->left);
		strbuf_addch(out, ' ');
		if (s->op[0])
			strbuf_addf(out, "%s ", s->op);
		rc->value_style |= s->style;
		hx_print_as(rc, out, s->right, s->left);
		rc->value_style &= ~s->style;
	}
	for (unsigned i = 0; i < d->n; i++)
		strbuf_release(&d->stmts[i].text);
}
