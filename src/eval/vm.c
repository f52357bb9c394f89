// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The nf_tables virtual machine, offline: one packet through the base chains
 * of one hook, expression by expression, as nft_do_chain() runs them.
 * An expression whose value the snapshot cannot tell (fib, socket, rt, ...)
 * leaves its destination register "unknown"; a comparison that reads an
 * unknown byte forks the run into "matches" and "does not match", and the
 * trace keeps every path with the assumption it made.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>

#include "eval_internal.h"
#include "sets.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

#define JUMP_STACK 16 /* NFT_JUMP_STACK_SIZE */
#define MAX_PATHS  64 /* forks per order of the base chains */
#define MAX_ORDERS 24 /* orders of tied base chains tried */
#define HDR_MAX	   128

struct vm {
	const struct hook_path *hp;
	const uint32_t *order;
	uint32_t hook;
	struct set_cache *sets;

	struct packet pkt;
	uint8_t hdr[HDR_MAX]; /* network + transport header, then zeros to pkt.len */
	uint32_t thoff;
	bool tracked;	   /* conntrack has seen the packet */
	bool nat_done;	   /* a nat statement bound the connection */
	bool nat_mangled;  /* ... and later chains would see other addresses */
	uint32_t regs[20]; /* nft_regs.data; [0..3] is the verdict */
	uint8_t unknown[80];
	int32_t verdict;
	const char *jump;

	uint32_t pos;			  /* index into order[] */
	const struct chain *chain, *base; /* base: the base chain whose policy applies */
	uint32_t rule, expr;
	struct {
		const struct chain *chain;
		uint32_t rule;
	} stack[JUMP_STACK];
	uint32_t sp;
	uint32_t nat_idx; /* next chain of the nat group */
	bool in_nat;

	int force; /* the outcome chosen for the pending undecidable condition */
	struct trace_path path;
	struct strbuf assume;
};

enum step_result {
	R_OK,
	R_BREAK,
	R_FORK,
	R_UNCERTAIN,
};

static struct trace_step *add_step(struct vm *vm, enum trace_step_kind kind)
{
	struct trace_path *p = &vm->path;
	struct trace_step *s;

	if (p->nsteps == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->steps = xrealloc(p->steps, p->cap * sizeof(*p->steps));
	}
	s = &p->steps[p->nsteps++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->chain = vm->chain;
	s->verdict = NFT_CONTINUE;
	return s;
}

static void add_note(struct vm *vm, const struct rule *r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void add_note(struct vm *vm, const struct rule *r, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	struct trace_step *s;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	s = add_step(vm, STEP_NOTE);
	s->rule = r;
	s->note = strbuf_detach(&sb);
}

/* "rule 12 (handle) in inet filter input" */
static void where(struct strbuf *sb, const struct chain *c, const struct rule *r)
{
	if (r)
		strbuf_addf(sb, "rule handle %llu in ", (unsigned long long)r->handle);
	strbuf_addstr(sb, "chain ");
	chain_describe(c, sb);
}

static enum step_result uncertain(struct vm *vm, const struct rule *r, const char *why)
{
	struct strbuf sb = STRBUF_INIT;

	where(&sb, vm->chain, r);
	strbuf_addf(&sb, ": %s", why);
	free(vm->path.uncertain);
	vm->path.uncertain = strbuf_detach(&sb);
	return R_UNCERTAIN;
}

/*
 * A condition reading unknown bytes: the forced outcome if a fork already
 * chose one, else ask the run loop to fork. @what names the condition.
 */
static enum step_result undecided(struct vm *vm, const struct rule *r, const char *what)
{
	bool yes;

	if (!vm->force)
		return R_FORK;
	yes = vm->force > 0;
	vm->force = 0;
	if (vm->assume.len)
		strbuf_addstr(&vm->assume, "; ");
	where(&vm->assume, vm->chain, r);
	strbuf_addf(&vm->assume, ": %s %s", what, yes ? "holds" : "does not hold");
	add_note(vm, r, "assumed: %s %s", what, yes ? "holds" : "does not hold");
	return yes ? R_OK : R_BREAK;
}

static uint8_t *reg(struct vm *vm, uint32_t r, uint32_t len)
{
	int off = reg_offset(r, len);

	return off < 0 ? NULL : (uint8_t *)vm->regs + off;
}

static bool reg_unknown(struct vm *vm, uint32_t r, uint32_t len)
{
	int off = reg_offset(r, len);

	for (uint32_t i = 0; off >= 0 && i < len; i++)
		if (vm->unknown[off + i])
			return true;
	return false;
}

/* Mark @len bytes (rounded up to the register word) known or unknown. */
static void reg_mark(struct vm *vm, uint32_t r, uint32_t len, bool unknown)
{
	int off = reg_offset(r, (len + 3) & ~3u);

	if (off >= 0)
		memset(vm->unknown + off, unknown, (len + 3) & ~3u);
}

static void store(struct vm *vm, uint32_t r, const void *v, uint32_t len)
{
	uint8_t *d = reg(vm, r, (len + 3) & ~3u);

	if (!d)
		return;
	memset(d, 0, (len + 3) & ~3u);
	memcpy(d, v, len);
	reg_mark(vm, r, len, false);
}

static void store_u32(struct vm *vm, uint32_t r, uint32_t v)
{
	store(vm, r, &v, 4);
}

/* ---- expressions ---- */

static enum step_result ex_immediate(struct vm *vm, const struct expr *e)
{
	const struct attr *a = expr_attr(e, NFTA_IMMEDIATE_DATA);
	uint32_t dreg = (uint32_t)expr_num(e, NFTA_IMMEDIATE_DREG, 0);

	if (!a || a->kind != ATTR_DATA)
		return R_UNCERTAIN;
	if (a->is_verdict) {
		vm->verdict = a->verdict->code;
		vm->jump = a->verdict->chain;
		return R_OK;
	}
	if (!reg(vm, dreg, a->len))
		return R_UNCERTAIN;
	store(vm, dreg, a->bytes, a->len);
	return R_OK;
}

static enum step_result ex_payload(struct vm *vm, const struct rule *r, const struct expr *e)
{
	uint32_t base = (uint32_t)expr_num(e, NFTA_PAYLOAD_BASE, 0);
	uint32_t off = (uint32_t)expr_num(e, NFTA_PAYLOAD_OFFSET, 0);
	uint32_t len = (uint32_t)expr_num(e, NFTA_PAYLOAD_LEN, 0);
	uint32_t dreg = (uint32_t)expr_num(e, NFTA_PAYLOAD_DREG, 0);
	uint8_t tmp[64] = { 0 };

	switch (base) {
	case NFT_PAYLOAD_NETWORK_HEADER:
		break;
	case NFT_PAYLOAD_TRANSPORT_HEADER:
		/* nft_payload_eval: no transport header in non-first fragments */
		if (vm->pkt.frag)
			return R_BREAK;
		off += vm->thoff;
		break;
	case NFT_PAYLOAD_LL_HEADER:
		if (expr_has(e, NFTA_PAYLOAD_SREG))
			return R_OK;
		if (dreg && reg(vm, dreg, len))
			reg_mark(vm, dreg, len, true);
		return R_OK;
	default:
		return uncertain(vm, r, "payload of an inner header is not modelled");
	}
	if (expr_has(e, NFTA_PAYLOAD_SREG)) { /* payload set: mangle the header */
		uint32_t sreg = (uint32_t)expr_num(e, NFTA_PAYLOAD_SREG, 0);
		const uint8_t *s = reg(vm, sreg, len);

		if (!s || reg_unknown(vm, sreg, len))
			return uncertain(vm, r, "payload set from an unknown value");
		for (uint32_t i = 0; i < len && off + i < HDR_MAX; i++)
			vm->hdr[off + i] = s[i];
		add_note(vm, r, "payload rewritten at offset %u", off);
		return R_OK;
	}
	if (len > sizeof(tmp) || !reg(vm, dreg, len))
		return uncertain(vm, r, "payload load out of the registers");
	if (off + len > vm->pkt.len)
		return R_BREAK; /* skb_copy_bits() fails */
	for (uint32_t i = 0; i < len; i++)
		tmp[i] = off + i < HDR_MAX ? vm->hdr[off + i] : 0;
	store(vm, dreg, tmp, len);
	return R_OK;
}

static enum step_result ex_cmp(struct vm *vm, const struct rule *r, const struct expr *e)
{
	uint32_t sreg = (uint32_t)expr_num(e, NFTA_CMP_SREG, 0), len;
	int res;

	expr_data(e, NFTA_CMP_DATA, &len);
	if (reg_unknown(vm, sreg, len))
		return undecided(vm, r, "comparison of an undecidable value");
	res = op_cmp(e, (const uint8_t *)vm->regs);
	if (res < 0)
		return uncertain(vm, r, "malformed cmp");
	return res ? R_OK : R_BREAK;
}

static enum step_result ex_range(struct vm *vm, const struct rule *r, const struct expr *e)
{
	uint32_t sreg = (uint32_t)expr_num(e, NFTA_RANGE_SREG, 0), len;
	int res;

	expr_data(e, NFTA_RANGE_FROM_DATA, &len);
	if (reg_unknown(vm, sreg, len))
		return undecided(vm, r, "range check of an undecidable value");
	res = op_range(e, (const uint8_t *)vm->regs);
	if (res < 0)
		return uncertain(vm, r, "malformed range");
	return res ? R_OK : R_BREAK;
}

/* bitwise and byteorder: the result is unknown where the source was */
static enum step_result ex_transform(struct vm *vm, const struct rule *r, const struct expr *e,
				     bool bitwise)
{
	uint32_t sreg = (uint32_t)expr_num(e, bitwise ? NFTA_BITWISE_SREG : NFTA_BYTEORDER_SREG, 0);
	uint32_t dreg = (uint32_t)expr_num(e, bitwise ? NFTA_BITWISE_DREG : NFTA_BYTEORDER_DREG, 0);
	uint32_t len = (uint32_t)expr_num(e, bitwise ? NFTA_BITWISE_LEN : NFTA_BYTEORDER_LEN, 0);
	bool unknown = reg_unknown(vm, sreg, len);

	if ((bitwise ? op_bitwise(e, (uint8_t *)vm->regs) : op_byteorder(e, (uint8_t *)vm->regs)) <
	    0)
		return uncertain(vm, r, bitwise ? "bitwise not modelled" : "malformed byteorder");
	reg_mark(vm, dreg, len, unknown);
	return R_OK;
}

static const char *ifname_or_null(const char *n)
{
	return n[0] ? n : NULL;
}

static enum step_result meta_set(struct vm *vm, const struct rule *r, const struct expr *e)
{
	uint32_t key = (uint32_t)expr_num(e, NFTA_META_KEY, 0);
	uint32_t sreg = (uint32_t)expr_num(e, NFTA_META_SREG, 0);
	const uint8_t *s = reg(vm, sreg, 4);

	if (!s)
		return uncertain(vm, r, "malformed meta set");
	if (key == NFT_META_MARK) {
		if (reg_unknown(vm, sreg, 4))
			return uncertain(vm, r, "meta mark set from an undecidable value");
		memcpy(&vm->pkt.mark, s, 4);
		add_note(vm, r, "meta mark set 0x%08x", vm->pkt.mark);
	}
	return R_OK;
}

static enum step_result ex_meta(struct vm *vm, const struct rule *r, const struct expr *e)
{
	uint32_t key = (uint32_t)expr_num(e, NFTA_META_KEY, 0);
	uint32_t dreg = (uint32_t)expr_num(e, NFTA_META_DREG, 0);
	const struct packet *p = &vm->pkt;
	bool in = vm->hook != NF_INET_LOCAL_OUT, out = vm->hook >= NF_INET_FORWARD;
	uint8_t name[16] = { 0 };
	const char *ifn;
	uint32_t v = 0;

	if (expr_has(e, NFTA_META_SREG))
		return meta_set(vm, r, e);
	if (!reg(vm, dreg, 4))
		return uncertain(vm, r, "malformed meta");
	switch (key) {
	case NFT_META_LEN:
		v = p->len;
		break;
	case NFT_META_PROTOCOL:
		v = p->family == NFPROTO_IPV6 ? 0xdd86 : 0x0008; /* be16 ETH_P_IP/IPV6 */
		break;
	case NFT_META_NFPROTO:
		v = p->family;
		break;
	case NFT_META_L4PROTO:
		v = p->l4proto;
		break;
	case NFT_META_MARK:
		v = p->mark;
		break;
	case NFT_META_IIF:
	case NFT_META_OIF:
		if (!(key == NFT_META_IIF ? in && p->iifname[0] : out && p->oifname[0]))
			return R_BREAK;
		v = key == NFT_META_IIF ? p->iif : p->oif;
		if (!v) {
			reg_mark(vm, dreg, 4, true); /* the index was not given */
			return R_OK;
		}
		break;
	case NFT_META_IIFNAME:
	case NFT_META_OIFNAME:
		ifn = key == NFT_META_IIFNAME ? (in ? ifname_or_null(p->iifname) : NULL)
					      : (out ? ifname_or_null(p->oifname) : NULL);
		if (!ifn)
			return R_BREAK;
		memcpy(name, ifn, strnlen(ifn, 15));
		if (!reg(vm, dreg, 16))
			return uncertain(vm, r, "malformed meta");
		store(vm, dreg, name, 16);
		return R_OK;
	case NFT_META_IIFTYPE:
	case NFT_META_OIFTYPE:
		if (!(key == NFT_META_IIFTYPE ? in && p->iifname[0] : out && p->oifname[0]))
			return R_BREAK;
		/* loopback is ARPHRD_LOOPBACK, everything else is taken as ethernet */
		ifn = key == NFT_META_IIFTYPE ? p->iifname : p->oifname;
		v = !strcmp(ifn, "lo") ? 772 : 1;
		break;
	case NFT_META_PKTTYPE:
		v = 0; /* PACKET_HOST: the description is of a unicast packet */
		break;
	default:
		/* skuid, cpu, time, cgroup, groups, secpath, ...: not in a snapshot */
		reg_mark(vm, dreg, 16, true);
		return R_OK;
	}
	store_u32(vm, dreg, v);
	return R_OK;
}

/* The conntrack tuple of @dir, from the packet (no NAT, so both are mirrors). */
static void ct_tuple(const struct packet *p, uint32_t dir, const uint8_t **src, const uint8_t **dst,
		     uint16_t *sport, uint16_t *dport)
{
	bool swap = dir != p->ctdir;

	*src = swap ? p->daddr : p->saddr;
	*dst = swap ? p->saddr : p->daddr;
	*sport = htons(swap ? p->dport : p->sport);
	*dport = htons(swap ? p->sport : p->dport);
}

static enum step_result ex_ct(struct vm *vm, const struct rule *r, const struct expr *e)
{
	uint32_t key = (uint32_t)expr_num(e, NFTA_CT_KEY, 0);
	uint32_t dreg = (uint32_t)expr_num(e, NFTA_CT_DREG, 0);
	uint32_t dir = (uint32_t)expr_num(e, NFTA_CT_DIRECTION, vm->pkt.ctdir);
	struct packet *p = &vm->pkt;
	bool has_ct = vm->tracked && p->ctstate != NF_CT_STATE_INVALID_BIT &&
		      p->ctstate != NF_CT_STATE_UNTRACKED_BIT;
	uint32_t alen = p->family == NFPROTO_IPV6 ? 16 : 4;
	const uint8_t *src, *dst;
	uint16_t sport, dport;
	uint32_t v;

	if (expr_has(e, NFTA_CT_SREG)) {
		uint32_t sreg = (uint32_t)expr_num(e, NFTA_CT_SREG, 0);

		if (key == NFT_CT_MARK && has_ct) {
			if (!reg(vm, sreg, 4) || reg_unknown(vm, sreg, 4))
				return uncertain(vm, r, "ct mark set from an undecidable value");
			memcpy(&p->ctmark, reg(vm, sreg, 4), 4);
			add_note(vm, r, "ct mark set 0x%08x", p->ctmark);
		}
		return R_OK;
	}
	if (!reg(vm, dreg, 4))
		return uncertain(vm, r, "malformed ct");
	if (key == NFT_CT_STATE) {
		/* nft_ct_get_eval: no conntrack yet reads as invalid */
		store_u32(vm, dreg, vm->tracked ? p->ctstate : NF_CT_STATE_INVALID_BIT);
		return R_OK;
	}
	if (!has_ct)
		return R_BREAK;
	ct_tuple(p, dir, &src, &dst, &sport, &dport);
	switch (key) {
	case NFT_CT_DIRECTION:
		store_u32(vm, dreg, p->ctdir);
		return R_OK;
	case NFT_CT_STATUS:
		store_u32(vm, dreg, p->ctstatus);
		return R_OK;
	case NFT_CT_MARK:
		store_u32(vm, dreg, p->ctmark);
		return R_OK;
	case NFT_CT_L3PROTOCOL:
		store_u32(vm, dreg, p->family);
		return R_OK;
	case NFT_CT_PROTOCOL:
		store_u32(vm, dreg, p->l4proto);
		return R_OK;
	default:
		break;
	}
	/* tuple keys: exact only without NAT, and with ports only for port protocols */
	if (p->ctstatus & (IPS_SRC_NAT | IPS_DST_NAT)) {
		reg_mark(vm, dreg, 16, true);
		return R_OK;
	}
	switch (key) {
	case NFT_CT_SRC:
	case NFT_CT_DST:
		if (!reg(vm, dreg, alen))
			return uncertain(vm, r, "malformed ct");
		store(vm, dreg, key == NFT_CT_SRC ? src : dst, alen);
		return R_OK;
	case NFT_CT_SRC_IP:
	case NFT_CT_DST_IP:
	case NFT_CT_SRC_IP6:
	case NFT_CT_DST_IP6:
		if ((key == NFT_CT_SRC_IP || key == NFT_CT_DST_IP) != (alen == 4))
			return R_BREAK;
		if (!reg(vm, dreg, alen))
			return uncertain(vm, r, "malformed ct");
		store(vm, dreg, key == NFT_CT_SRC_IP || key == NFT_CT_SRC_IP6 ? src : dst, alen);
		return R_OK;
	case NFT_CT_PROTO_SRC:
	case NFT_CT_PROTO_DST:
		if (!transport_has_ports(p->l4proto)) {
			reg_mark(vm, dreg, 4, true);
			return R_OK;
		}
		v = key == NFT_CT_PROTO_SRC ? sport : dport;
		store(vm, dreg, &v, 2);
		return R_OK;
	default:
		/* expiration, helper, labels, counters, zone, id: not in a snapshot */
		reg_mark(vm, dreg, 16, true);
		return R_OK;
	}
}

/* Quota against what the snapshot says was consumed (nft_overquota). */
static enum step_result quota_eval(struct vm *vm, const struct rule *r, const struct expr *q)
{
	uint64_t bytes = expr_num(q, NFTA_QUOTA_BYTES, 0);
	uint64_t used = expr_num(q, NFTA_QUOTA_CONSUMED, 0);
	bool inv = expr_num(q, NFTA_QUOTA_FLAGS, 0) & NFT_QUOTA_F_INV;
	bool over = used + vm->pkt.len > bytes;

	add_note(vm, r, "quota: %llu of %llu bytes used at snapshot time", (unsigned long long)used,
		 (unsigned long long)bytes);
	return over ^ inv ? R_BREAK : R_OK;
}

/* A rate limit's tokens are not in a snapshot: assume the rate is not exceeded. */
static enum step_result limit_eval(struct vm *vm, const struct rule *r, const struct expr *l)
{
	bool inv = expr_num(l, NFTA_LIMIT_FLAGS, 0) & NFT_LIMIT_F_INV;

	add_note(vm, r, "assumed: limit not exceeded");
	return inv ? R_BREAK : R_OK;
}

static enum step_result ex_lookup(struct vm *vm, const struct rule *r, const struct expr *e)
{
	const struct set *s = set_by_name(vm->chain, expr_str(e, NFTA_LOOKUP_SET));
	uint32_t sreg = (uint32_t)expr_num(e, NFTA_LOOKUP_SREG, 0);
	bool has_dreg = expr_has(e, NFTA_LOOKUP_DREG);
	uint32_t dreg = (uint32_t)expr_num(e, NFTA_LOOKUP_DREG, 0);
	bool inv = expr_num(e, NFTA_LOOKUP_FLAGS, 0) & NFT_LOOKUP_F_INV;
	const uint8_t *key;
	const struct elem *el;

	if (!s)
		return uncertain(vm, r, "lookup in a set missing from the snapshot");
	key = reg(vm, sreg, s->key_len);
	if (!key)
		return uncertain(vm, r, "malformed lookup");
	if (reg_unknown(vm, sreg, s->key_len)) {
		if (has_dreg)
			return uncertain(vm, r, "map lookup with an undecidable key");
		return undecided(vm, r, "set lookup of an undecidable value");
	}
	el = set_lookup(vm->sets, s, key);
	if (!el ^ inv)
		return R_BREAK;
	if (!has_dreg || inv)
		return R_OK;
	if (dreg == NFT_REG_VERDICT) {
		if (!el->verdict)
			return uncertain(vm, r, "verdict map element without a verdict");
		vm->verdict = el->verdict->code;
		vm->jump = el->verdict->chain;
		return R_OK;
	}
	if (!el->data || !reg(vm, dreg, el->data_len))
		return uncertain(vm, r, "map element without data");
	store(vm, dreg, el->data, el->data_len);
	return R_OK;
}

static enum step_result ex_dynset(struct vm *vm, const struct rule *r, const struct expr *e)
{
	const struct attr *a = expr_attr(e, NFTA_DYNSET_EXPR);
	const struct attr *list = expr_attr(e, NFTA_DYNSET_EXPRESSIONS);
	const struct expr_list *el = a ? a->exprs : list ? list->exprs : NULL;
	enum step_result res = R_OK;

	add_note(vm, r, "%s @%s",
		 expr_num(e, NFTA_DYNSET_OP, 0) == NFT_DYNSET_OP_DELETE ? "delete from" : "add to",
		 expr_str(e, NFTA_DYNSET_SET_NAME) ?: "?");
	for (uint32_t i = 0; el && i < el->n && res == R_OK; i++) {
		const struct expr *x = &el->v[i];

		if (expr_is(x, "limit"))
			res = limit_eval(vm, r, x);
		else if (expr_is(x, "quota"))
			res = undecided(vm, r, "the set element's quota");
		else if (expr_is(x, "connlimit"))
			res = undecided(vm, r, "the set element's connection count");
	}
	return res;
}

static enum step_result ex_objref(struct vm *vm, const struct rule *r, const struct expr *e)
{
	uint32_t type = (uint32_t)expr_num(e, NFTA_OBJREF_IMM_TYPE, 0);
	const char *name = expr_str(e, NFTA_OBJREF_IMM_NAME);
	const struct table *t = vm->chain->table;

	if (!name)
		return R_OK; /* objref map: names a counter/helper/... to attach */
	for (uint32_t i = 0; i < t->nobjs; i++) {
		const struct obj *o = t->objs[i];

		if (o->type != type || strcmp(o->name, name))
			continue;
		if (type == NFT_OBJECT_QUOTA)
			return quota_eval(vm, r, &o->body);
		if (type == NFT_OBJECT_LIMIT)
			return limit_eval(vm, r, &o->body);
		if (type == NFT_OBJECT_SYNPROXY)
			return uncertain(vm, r, "synproxy takes over the handshake");
		return R_OK;
	}
	return uncertain(vm, r, "named object missing from the snapshot");
}

static enum step_result ex_nat(struct vm *vm, const struct rule *r, const struct expr *e)
{
	if (!vm->in_nat)
		return uncertain(vm, r, "nat statement outside a nat chain");
	vm->nat_done = true;
	vm->verdict = NF_ACCEPT;
	add_note(vm, r, "%s binds the connection", e->name);
	/* the addresses change for everything after the nat core's hook */
	vm->nat_mangled = !expr_is(e, "masq") || vm->hook == NF_INET_POST_ROUTING;
	return R_OK;
}

static enum step_result ex_target(struct vm *vm, const struct rule *r, const struct expr *e)
{
	const char *name = expr_str(e, NFTA_TARGET_NAME) ?: "";

	if (!strcmp(name, "LOG") || !strcmp(name, "NFLOG"))
		return R_OK;
	if (!strcmp(name, "REJECT")) {
		vm->verdict = NF_DROP;
		return R_OK;
	}
	if (!strcmp(name, "MASQUERADE") || !strcmp(name, "SNAT") || !strcmp(name, "DNAT"))
		return ex_nat(vm, r, e);
	return uncertain(vm, r, "xt target not modelled");
}

static enum step_result ex_match(struct vm *vm, const struct rule *r, const struct expr *e)
{
	bool th = !vm->pkt.frag && vm->thoff < vm->pkt.len;

	switch (xt_match_eval(e, &vm->pkt, vm->tracked, th ? vm->hdr + vm->thoff : NULL,
			      th ? HDR_MAX - vm->thoff : 0)) {
	case XT_MATCH:
		return R_OK;
	case XT_NOMATCH:
		return R_BREAK;
	case XT_UNDECIDED:
		return undecided(vm, r, "xt match (state outside the snapshot)");
	default:
		return undecided(vm, r, "xt match not decoded");
	}
}

/* Expressions that load a value the snapshot cannot know. */
static enum step_result ex_unknown_load(struct vm *vm, const struct expr *e, uint16_t dreg_attr)
{
	uint32_t dreg = (uint32_t)expr_num(e, dreg_attr, 0);

	if (reg(vm, dreg, 4))
		reg_mark(vm, dreg, dreg >= 8 ? 80 - (uint32_t)reg_offset(dreg, 4) : 16, true);
	return R_OK;
}

static enum step_result eval_expr(struct vm *vm, const struct rule *r, const struct expr *e)
{
	const char *n = e->name;

	if (!e->known)
		return uncertain(vm, r, "expression not decoded");
	if (!strcmp(n, "immediate"))
		return ex_immediate(vm, e);
	if (!strcmp(n, "payload"))
		return ex_payload(vm, r, e);
	if (!strcmp(n, "cmp"))
		return ex_cmp(vm, r, e);
	if (!strcmp(n, "range"))
		return ex_range(vm, r, e);
	if (!strcmp(n, "bitwise") || !strcmp(n, "byteorder"))
		return ex_transform(vm, r, e, n[0] == 'b' && n[1] == 'i');
	if (!strcmp(n, "meta"))
		return ex_meta(vm, r, e);
	if (!strcmp(n, "ct"))
		return ex_ct(vm, r, e);
	if (!strcmp(n, "lookup"))
		return ex_lookup(vm, r, e);
	if (!strcmp(n, "dynset"))
		return ex_dynset(vm, r, e);
	if (!strcmp(n, "counter") || !strcmp(n, "log") || !strcmp(n, "last") || !strcmp(n, "dup") ||
	    !strcmp(n, "flow_offload"))
		return R_OK;
	if (!strcmp(n, "notrack")) {
		/* nft_notrack_eval: only before conntrack has seen the packet */
		if (!vm->tracked)
			vm->pkt.ctstate = NF_CT_STATE_UNTRACKED_BIT;
		return R_OK;
	}
	if (!strcmp(n, "limit"))
		return limit_eval(vm, r, e);
	if (!strcmp(n, "quota"))
		return quota_eval(vm, r, e);
	if (!strcmp(n, "connlimit"))
		return undecided(vm, r, "ct count (connections in the table)");
	if (!strcmp(n, "reject")) {
		vm->verdict = NF_DROP;
		return R_OK;
	}
	if (!strcmp(n, "queue")) {
		vm->verdict = NF_QUEUE;
		return R_OK;
	}
	if (!strcmp(n, "nat") || !strcmp(n, "masq") || !strcmp(n, "redir"))
		return ex_nat(vm, r, e);
	if (!strcmp(n, "objref"))
		return ex_objref(vm, r, e);
	if (!strcmp(n, "match"))
		return ex_match(vm, r, e);
	if (!strcmp(n, "target"))
		return ex_target(vm, r, e);
	if (!strcmp(n, "fib"))
		return ex_unknown_load(vm, e, NFTA_FIB_DREG);
	if (!strcmp(n, "rt"))
		return ex_unknown_load(vm, e, NFTA_RT_DREG);
	if (!strcmp(n, "socket"))
		return ex_unknown_load(vm, e, NFTA_SOCKET_DREG);
	if (!strcmp(n, "hash"))
		return ex_unknown_load(vm, e, NFTA_HASH_DREG);
	if (!strcmp(n, "numgen"))
		return ex_unknown_load(vm, e, NFTA_NG_DREG);
	if (!strcmp(n, "osf"))
		return ex_unknown_load(vm, e, NFTA_OSF_DREG);
	if (!strcmp(n, "xfrm"))
		return ex_unknown_load(vm, e, NFTA_XFRM_DREG);
	if (!strcmp(n, "exthdr")) {
		if (expr_has(e, NFTA_EXTHDR_SREG))
			return R_OK;
		/* options and extension headers are not part of a description */
		return ex_unknown_load(vm, e, NFTA_EXTHDR_DREG);
	}
	return uncertain(vm, r, "expression not modelled by the evaluator");
}

/* ---- the run loop (nft_do_chain and nf_hook_slow) ---- */

static void vm_finish(struct vm *vm, enum eval_verdict v)
{
	vm->path.verdict = vm->path.uncertain ? EVAL_UNCERTAIN : v;
	if (vm->assume.len)
		vm->path.assumptions = strbuf_detach(&vm->assume);
	strbuf_release(&vm->assume);
}

static void vm_clone(struct vm *dst, const struct vm *src)
{
	*dst = *src;
	dst->path.steps = xmalloc((src->path.cap ? src->path.cap : 1) * sizeof(*src->path.steps));
	memcpy(dst->path.steps, src->path.steps, src->path.nsteps * sizeof(*src->path.steps));
	for (size_t i = 0; i < src->path.nsteps; i++)
		if (src->path.steps[i].note)
			dst->path.steps[i].note = xstrdup(src->path.steps[i].note);
	dst->path.uncertain = src->path.uncertain ? xstrdup(src->path.uncertain) : NULL;
	memset(&dst->assume, 0, sizeof(dst->assume));
	if (src->assume.len)
		strbuf_add(&dst->assume, src->assume.buf, src->assume.len);
}

enum entry_result { ENTRY_END, ENTRY_CHAIN, ENTRY_SKIP, ENTRY_NAT_MANGLED };

/* Move to the next entry of the hook (nf_hook_slow's loop). */
static enum entry_result next_entry(struct vm *vm)
{
	const struct hook_entry *he;

	if (vm->in_nat && !vm->nat_done && vm->nat_idx < vm->hp->v[vm->order[vm->pos]].nnat) {
		vm->chain = vm->hp->v[vm->order[vm->pos]].nat[vm->nat_idx++];
		return ENTRY_CHAIN;
	}
	if (vm->in_nat) {
		vm->in_nat = false;
		vm->pos++;
	}
	if (vm->pos >= vm->hp->n)
		return ENTRY_END;
	if (vm->nat_mangled)
		return ENTRY_NAT_MANGLED;
	he = &vm->hp->v[vm->order[vm->pos]];
	switch (he->kind) {
	case HE_CONNTRACK:
		vm->tracked = true;
		vm->pos++;
		return ENTRY_SKIP;
	case HE_NAT:
		/* nf_nat_inet_fn: the nat chains see only a connection's first packet */
		if (!vm->tracked || (vm->pkt.ctstate != NF_CT_STATE_BIT(IP_CT_NEW) &&
				     vm->pkt.ctstate != NF_CT_STATE_BIT(IP_CT_RELATED))) {
			for (uint32_t i = 0; i < he->nnat; i++) {
				vm->chain = he->nat[i];
				add_step(vm, STEP_SKIP)->note = xstrdup(
					"nat chains see only the first packet of a connection");
			}
			vm->chain = NULL;
			vm->pos++;
			return ENTRY_SKIP;
		}
		vm->in_nat = true;
		vm->nat_idx = 1;
		vm->chain = he->nat[0];
		return ENTRY_CHAIN;
	default:
		vm->chain = he->chain;
		vm->pos++;
		return ENTRY_CHAIN;
	}
}

/* Run one path to its end, queueing a copy at each fork onto @forks. */
static void vm_run(struct vm *vm, struct vm **forks, size_t *nforks, size_t *cap)
{
	for (;;) {
		const struct rule *r;
		enum step_result res = R_OK;
		struct trace_step *st;

		if (!vm->chain) {
			enum entry_result er = next_entry(vm);

			if (er == ENTRY_END) {
				vm_finish(vm, EVAL_ACCEPT);
				return;
			}
			if (er == ENTRY_NAT_MANGLED) {
				vm->path.uncertain = xstrdup(
					"a nat statement changes the addresses later chains see");
				vm_finish(vm, EVAL_UNCERTAIN);
				return;
			}
			if (er == ENTRY_SKIP)
				continue;
			vm->rule = vm->expr = 0;
			vm->sp = 0;
			vm->base = vm->chain;
			add_step(vm, STEP_CHAIN);
			continue;
		}
		if (vm->rule >= vm->chain->nrules) {
			if (vm->sp > 0) {
				add_step(vm, STEP_RETURN);
				vm->sp--;
				vm->chain = vm->stack[vm->sp].chain;
				vm->rule = vm->stack[vm->sp].rule;
				continue;
			}
			/* after a goto the base chain's policy applies, not the last chain's */
			st = add_step(vm, STEP_POLICY);
			st->chain = vm->base;
			st->verdict = vm->base->has_policy ? (int32_t)vm->base->policy : NF_ACCEPT;
			vm->verdict = st->verdict;
			goto base_verdict;
		}
		r = vm->chain->rules[vm->rule];
		if (vm->expr == 0) {
			vm->verdict = NFT_CONTINUE;
			vm->jump = NULL;
		}
		while (vm->expr < r->exprs.n && vm->verdict == NFT_CONTINUE) {
			res = eval_expr(vm, r, &r->exprs.v[vm->expr]);
			if (res == R_FORK) {
				if (*nforks == *cap) {
					*cap = *cap ? *cap * 2 : 8;
					*forks = xrealloc(*forks, *cap * sizeof(**forks));
				}
				vm_clone(&(*forks)[*nforks], vm);
				(*forks)[(*nforks)++].force = 1;
				vm->force = -1;
				continue;
			}
			if (res == R_UNCERTAIN) {
				if (!vm->path.uncertain)
					uncertain(vm, r, "cannot be evaluated");
				st = add_step(vm, STEP_RULE);
				st->rule = r;
				vm_finish(vm, EVAL_UNCERTAIN);
				return;
			}
			if (res == R_BREAK)
				vm->verdict = NFT_BREAK;
			vm->expr++;
		}
		st = add_step(vm, STEP_RULE);
		st->rule = r;
		st->matched = vm->verdict != NFT_BREAK;
		st->verdict = vm->verdict == NFT_BREAK ? NFT_CONTINUE : vm->verdict;
		st->target = vm->jump;
		vm->expr = 0;
		vm->rule++;
		switch (vm->verdict) {
		case NFT_BREAK:
		case NFT_CONTINUE:
			continue;
		case NFT_JUMP:
		case NFT_GOTO: {
			const struct chain *to = chain_target(vm->chain, vm->jump);

			if (!to) {
				uncertain(vm, r, "jump to a chain missing from the snapshot");
				vm_finish(vm, EVAL_UNCERTAIN);
				return;
			}
			if (vm->verdict == NFT_JUMP) {
				if (vm->sp >= JUMP_STACK) {
					/* nft_do_chain drops on a stack overflow */
					vm->verdict = NF_DROP;
					goto base_verdict;
				}
				vm->stack[vm->sp].chain = vm->chain;
				vm->stack[vm->sp++].rule = vm->rule;
			}
			vm->chain = to;
			vm->rule = 0;
			continue;
		}
		case NFT_RETURN:
			vm->rule = vm->chain->nrules; /* pops, or the policy */
			continue;
		default:
			break;
		}
	base_verdict:
		switch (vm->verdict & NF_VERDICT_MASK) {
		case NF_ACCEPT:
			vm->chain = NULL;
			continue;
		case NF_DROP:
			vm_finish(vm, EVAL_DROP);
			return;
		case NF_QUEUE:
			vm_finish(vm, EVAL_QUEUE);
			return;
		default:
			vm->path.uncertain = xstrdup("verdict not modelled (stolen or repeat)");
			vm_finish(vm, EVAL_UNCERTAIN);
			return;
		}
	}
}

static void path_release(struct trace_path *p)
{
	for (size_t i = 0; i < p->nsteps; i++)
		free(p->steps[i].note);
	free(p->steps);
	free(p->assumptions);
	free(p->uncertain);
}

void trace_release(struct trace *t)
{
	for (size_t i = 0; i < t->npaths; i++)
		path_release(&t->paths[i]);
	free(t->paths);
	free(t->reason);
	memset(t, 0, sizeof(*t));
}

/* Every path of one order of the base chains, appended to @t. */
static size_t run_order(const struct hook_path *hp, const uint32_t *order, uint32_t hook,
			const struct packet *p, struct set_cache *sets, struct trace *t,
			size_t *cap)
{
	struct vm *work = NULL;
	size_t nwork = 0, wcap = 0, done = 0;
	struct vm first;

	memset(&first, 0, sizeof(first));
	first.hp = hp;
	first.order = order;
	first.hook = hook;
	first.sets = sets;
	first.pkt = *p;
	packet_synthesize(p, first.hdr, HDR_MAX, &first.thoff);
	/* conntrack runs at prerouting/output; later hooks see its result */
	first.tracked = hook != NF_INET_PRE_ROUTING && hook != NF_INET_LOCAL_OUT;
	work = xmalloc(sizeof(*work));
	work[0] = first;
	nwork = wcap = 1;
	while (nwork) {
		struct vm vm = work[--nwork];

		if (done >= MAX_PATHS) {
			path_release(&vm.path);
			strbuf_release(&vm.assume);
			continue;
		}
		vm_run(&vm, &work, &nwork, &wcap);
		if (t->npaths == *cap) {
			*cap = *cap ? *cap * 2 : 4;
			t->paths = xrealloc(t->paths, *cap * sizeof(*t->paths));
		}
		t->paths[t->npaths++] = vm.path;
		done++;
	}
	free(work);
	return done;
}

static bool same_outcomes(const struct trace *t, size_t a0, size_t a1, size_t b0, size_t b1)
{
	for (size_t i = a0; i < a1; i++) {
		bool found = false;

		for (size_t k = b0; k < b1 && !found; k++)
			found = t->paths[i].verdict == t->paths[k].verdict;
		if (!found)
			return false;
	}
	return a1 - a0 == b1 - b0;
}

/* What an evaluator keeps across packets: set indexes, hook paths. */
struct evaluator {
	const struct ruleset *rs;
	struct set_cache *sets;
	struct hook_path hp[NF_INET_NUMHOOKS][2]; /* [hook][ipv6] */
	uint32_t *orders[NF_INET_NUMHOOKS][2][MAX_ORDERS];
	size_t norders[NF_INET_NUMHOOKS][2];
	bool built[NF_INET_NUMHOOKS][2];
};

struct evaluator *evaluator_new(const struct ruleset *rs)
{
	struct evaluator *ev = xcalloc(1, sizeof(*ev));

	ev->rs = rs;
	ev->sets = set_cache_of(rs);
	return ev;
}

void evaluator_free(struct evaluator *ev)
{
	if (!ev)
		return;
	for (int h = 0; h < NF_INET_NUMHOOKS; h++)
		for (int f = 0; f < 2; f++) {
			for (size_t i = 0; i < ev->norders[h][f]; i++)
				free(ev->orders[h][f][i]);
			if (ev->built[h][f])
				hook_path_release(&ev->hp[h][f]);
		}
	free(ev);
}

void trace_packet(const struct ruleset *rs, uint32_t hook, const struct packet *p,
		  struct trace *out)
{
	struct evaluator *ev = evaluator_new(rs);

	evaluator_trace(ev, hook, p, out);
	evaluator_free(ev);
}

void evaluator_trace(struct evaluator *ev, uint32_t hook, const struct packet *p, struct trace *out)
{
	struct set_cache *sets = ev->sets;
	struct packet pkt = *p;
	const struct hook_path *hpp;
	uint32_t **orders;
	size_t norders, cap = 0, first_end = 0;
	struct strbuf why = STRBUF_INIT;
	bool order_matters = false;
	int v6;

	memset(out, 0, sizeof(*out));
	packet_finish(&pkt);
	v6 = pkt.family == NFPROTO_IPV6;
	if (hook >= NF_INET_NUMHOOKS) {
		out->verdict = EVAL_UNCERTAIN;
		out->reason = xstrdup("no such hook");
		return;
	}
	if (!ev->built[hook][v6]) {
		hook_path_build(ev->rs, hook, pkt.family, &ev->hp[hook][v6]);
		ev->norders[hook][v6] =
			hook_path_orders(&ev->hp[hook][v6], ev->orders[hook][v6], MAX_ORDERS);
		ev->built[hook][v6] = true;
	}
	hpp = &ev->hp[hook][v6];
	orders = ev->orders[hook][v6];
	norders = ev->norders[hook][v6];
	if (norders == 0) {
		out->verdict = EVAL_UNCERTAIN;
		out->reason = xstrdup("too many base chains share a priority to try every order");
		goto out;
	}
	for (size_t i = 0; i < norders; i++) {
		size_t start = out->npaths;

		run_order(hpp, orders[i], hook, &pkt, sets, out, &cap);
		if (i == 0)
			first_end = out->npaths;
		else if (!same_outcomes(out, 0, first_end, start, out->npaths))
			order_matters = true;
	}
	if (!order_matters) { /* keep the first order's paths only */
		for (size_t i = first_end; i < out->npaths; i++)
			path_release(&out->paths[i]);
		out->npaths = first_end;
	}
	out->verdict = out->paths[0].verdict;
	for (size_t i = 0; i < out->npaths; i++)
		if (out->paths[i].verdict != out->verdict)
			out->verdict = EVAL_UNCERTAIN;
	if (order_matters) {
		strbuf_addstr(&why,
			      "base chains share a priority and the kernel's order of them is "
			      "not in a snapshot; the orders give different verdicts:");
		for (uint32_t i = 1; i < hpp->n; i++)
			if (hpp->v[i].priority == hpp->v[i - 1].priority)
				strbuf_addf(&why, " priority %d", hpp->v[i].priority);
	} else if (out->verdict == EVAL_UNCERTAIN) {
		for (size_t i = 0; i < out->npaths; i++)
			if (out->paths[i].uncertain) {
				strbuf_addstr(&why, out->paths[i].uncertain);
				break;
			}
		if (!why.len)
			strbuf_addstr(&why, "the verdict depends on conditions the snapshot cannot "
					    "decide");
	}
	if (why.len)
		out->reason = strbuf_detach(&why);
out:
	strbuf_release(&why);
}
