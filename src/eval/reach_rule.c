// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One rule over a class of packets: nft_do_chain's rule loop run on a
 * state. Loads put symbolic values in the registers (a field, its slice,
 * the transforms since); a condition on one splits the state into the part
 * that satisfies it, which goes on, and the part that does not, which
 * breaks. A new expression goes in run_rule(), with an x_*() of its own
 * when it loads; a set lookup's splits are reach_lookup.c's.
 */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>

#include "chain_mode.h"
#include "eval_internal.h"
#include "guards.h"
#include "reach_lookup.h"
#include "reach_rule.h"
#include "reach_state.h"
#include "sets.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

#define ENUM_MAX 4096 /* values enumerated to split on any transform */

/* ---- field encodings ---- */

static uint32_t field_width(const struct reach_ctx *c, int f)
{
	switch (f) {
	case PF_SADDR:
	case PF_DADDR:
		return addr_len(c->family);
	case PF_SPORT:
	case PF_DPORT:
	case PF_LEN:
		return 2;
	default:
		return 1;
	}
}

static const char *ifname_of(const struct reach_ctx *c, u128 v)
{
	return v < c->res->nifnames ? c->res->ifnames[(size_t)v] : NULL;
}

/* The bytes of field @f with value @v in encoding @enc; returns the length. */
static uint32_t encode(const struct reach_ctx *c, int f, int enc, u128 v, uint8_t *out)
{
	uint32_t w, x;
	const char *n;

	memset(out, 0, 16);
	switch (enc) {
	case ENC_BE:
		w = field_width(c, f);
		for (uint32_t i = 0; i < w; i++)
			out[w - 1 - i] = (uint8_t)(v >> (8 * i));
		return w;
	case ENC_HOST32:
		x = (uint32_t)v;
		memcpy(out, &x, 4);
		return 4;
	case ENC_NAME:
		n = ifname_of(c, v);
		if (n)
			memcpy(out, n, strnlen(n, 15));
		return 16;
	case ENC_IFTYPE:
		n = ifname_of(c, v);
		x = n && !strcmp(n, "lo") ? 772 : 1;
		memcpy(out, &x, 2);
		return 2;
	case ENC_FRAGOFF:
		out[1] = v ? 185 : 0;
		return 2;
	}
	return 0;
}

/* ---- loads ---- */

static void set_unknown(struct sstate *s, int off, uint32_t len)
{
	memset(s->tag + off, TAG_UNKNOWN, len);
}

static bool load_sym(struct sstate *s, int off, int field, int enc, uint32_t foff, uint32_t len)
{
	struct symload *l;
	uint32_t full = (len + 3) & ~3u;

	if (s->nloads == MAX_LOADS)
		return false;
	l = &s->loads[s->nloads++];
	memset(l, 0, sizeof(*l));
	l->field = (uint8_t)field;
	l->enc = (uint8_t)enc;
	l->off = (uint8_t)foff;
	l->len = (uint8_t)len;
	l->reg = l->cur = (int8_t)off;
	memset(s->regs + off, 0, full);
	memset(s->tag + off, 0, full);
	memset(s->tag + off, s->nloads, len);
	return true;
}

/* A field with exactly one value in the cube loads as that constant. */
static void load_field(struct reach_ctx *c, struct sstate *s, int off, int field, int enc,
		       uint32_t foff, uint32_t len)
{
	const struct ivs *vs = &s->cube.f[field];

	if (vs->n == 1 && vs->v[0].lo == vs->v[0].hi) {
		uint8_t b[16];

		encode(c, field, enc, vs->v[0].lo, b);
		set_concrete(s, off, b + foff, len);
		return;
	}
	if (!load_sym(s, off, field, enc, foff, len))
		set_unknown(s, off, len);
}

/*
 * The value of load @l for field value @v: the register file with the
 * slice written where it was loaded and the transforms since applied.
 */
static void apply_load(const struct reach_ctx *c, const struct sstate *s, const struct symload *l,
		       u128 v, uint8_t *regs)
{
	uint8_t b[16];

	memcpy(regs, s->regs, 80);
	encode(c, l->field, l->enc, v, b);
	memset(regs + l->reg, 0, (l->len + 3u) & ~3u);
	memcpy(regs + l->reg, b + l->off, l->len);
	for (uint8_t i = 0; i < l->ntx; i++) {
		if (expr_is(l->tx[i], "bitwise"))
			op_bitwise(l->tx[i], regs);
		else
			op_byteorder(l->tx[i], regs);
	}
}

/* ---- conditions ---- */

/*
 * The loaded value as "top @n bytes of a big-endian field, masked by a
 * prefix": returns true and the shift/mask when the load has that shape.
 */
bool load_is_prefix(const struct reach_ctx *c, const struct symload *l, uint32_t n, uint32_t *shift,
		    u128 *mask)
{
	uint32_t w;
	uint8_t ntx = l->ntx;
	const struct expr *t0 = ntx ? l->tx[0] : NULL;
	int enc = l->enc;

	/* meta mark, length, ...: host order turned to network order first */
	if (enc == ENC_HOST32 && t0 && expr_is(t0, "byteorder") &&
	    expr_num(t0, NFTA_BYTEORDER_SIZE, 0) == 4 && expr_num(t0, NFTA_BYTEORDER_LEN, 0) == 4 &&
	    l->len == 4)
		enc = ENC_BE, w = 4, t0 = ntx > 1 ? l->tx[1] : NULL, ntx--;
	else if (enc == ENC_BE)
		w = field_width(c, l->field);
	else
		return false;
	if (l->off != 0 || l->len != n || n > w || ntx > 1)
		return false;
	*shift = 8 * (w - n);
	*mask = n == 16 ? U128_MAX : (((u128)1 << (8 * n)) - 1);
	if (ntx == 1) {
		uint32_t mlen, xlen;
		const struct attr *m, *x;
		u128 mv = 0, inv;

		if (!expr_is(t0, "bitwise") ||
		    expr_num(t0, NFTA_BITWISE_OP, NFT_BITWISE_BOOL) != NFT_BITWISE_BOOL)
			return false;
		m = expr_attr(t0, NFTA_BITWISE_MASK);
		x = expr_attr(t0, NFTA_BITWISE_XOR);
		if (!m || !x || m->is_verdict || x->is_verdict)
			return false;
		mlen = m->len;
		xlen = x->len;
		for (uint32_t i = 0; i < xlen; i++)
			if (x->bytes[i])
				return false;
		for (uint32_t i = 0; i < n; i++)
			mv = mv << 8 | (i < mlen ? m->bytes[i] : 0);
		inv = ~mv & *mask;
		if (inv & (inv + 1)) /* the unmasked bits must be the low ones */
			return false;
		*mask = mv;
	}
	return true;
}

/*
 * The values of field l->field (within the cube) whose loaded bytes,
 * @n long at l->cur, lie in [@lo, @hi] by memcmp. Returns false when the
 * set cannot be computed (too many values to enumerate).
 */
bool seg_values(const struct reach_ctx *c, const struct sstate *s, const struct symload *l,
		const uint8_t *lo, const uint8_t *hi, uint32_t n, struct ivs *out)
{
	const struct ivs *dom = &s->cube.f[l->field];
	uint32_t shift;
	u128 mask;

	out->n = 0;
	if (load_is_prefix(c, l, n, &shift, &mask)) {
		struct ivs tmp = { 0 };
		u128 vlo, vhi;

		if (!prefix_values(n, shift, mask, be_value(lo, n), be_value(hi, n), &vlo, &vhi))
			return true;
		ivs_range(&tmp, vlo, vhi);
		ivs_intersect(out, dom, &tmp);
		ivs_release(&tmp);
		return true;
	}
	if (l->enc == ENC_HOST32 && !l->ntx && n == 4 && !memcmp(lo, hi, 4)) {
		uint32_t x;
		struct ivs tmp = { 0 };

		memcpy(&x, lo, 4);
		ivs_range(&tmp, x, x);
		ivs_intersect(out, dom, &tmp);
		ivs_release(&tmp);
		return true;
	}
	if (ivs_count(dom, ENUM_MAX) > ENUM_MAX)
		return false;
	for (size_t i = 0; i < dom->n; i++)
		for (u128 v = dom->v[i].lo;; v++) {
			uint8_t regs[80];

			apply_load(c, s, l, v, regs);
			if (memcmp(regs + l->cur, lo, n) >= 0 && memcmp(regs + l->cur, hi, n) <= 0)
				ivs_add(out, v, v);
			if (v == dom->v[i].hi)
				break;
		}
	return true;
}

/*
 * Split @s on field @f: @match are the values for which the condition
 * holds. Returns the state where it holds (or NULL) and leaves in @s the
 * rest (s->cube emptied when nothing is left).
 */
struct sstate *split(struct sstate *s, int f, const struct ivs *match)
{
	struct sstate *yes;
	struct ivs rest = { 0 };

	if (!match->n)
		return NULL;
	/* the field that splits can be long (a chain's addresses so far):
	 * moved or made, never copied only to be replaced */
	yes = state_clone_but(s, f);
	if (ivs_equal(match, &s->cube.f[f])) {
		yes->cube.f[f] = s->cube.f[f];
		memset(&s->cube.f[f], 0, sizeof(s->cube.f[f]));
		return yes;
	}
	ivs_copy(&yes->cube.f[f], match);
	ivs_subtract(&rest, &s->cube.f[f], match);
	ivs_release(&s->cube.f[f]);
	s->cube.f[f] = rest;
	return yes;
}

/* The set of values where cmp @e holds. */
static bool cmp_values(const struct reach_ctx *c, const struct sstate *s, const struct symload *l,
		       const struct expr *e, struct ivs *out)
{
	const struct attr *d = expr_attr(e, NFTA_CMP_DATA);
	uint32_t op = (uint32_t)expr_num(e, NFTA_CMP_OP, 0), n = d->len;
	uint8_t zero[64] = { 0 }, ff[64];
	struct ivs le = { 0 }, eq = { 0 }, lt = { 0 };
	const struct ivs *dom = &s->cube.f[l->field];
	bool ok;

	memset(ff, 0xff, sizeof(ff));
	ok = seg_values(c, s, l, d->bytes, d->bytes, n, &eq);
	if (ok && op != NFT_CMP_EQ && op != NFT_CMP_NEQ)
		ok = seg_values(c, s, l, zero, d->bytes, n, &le);
	if (ok) {
		ivs_subtract(&lt, &le, &eq);
		switch (op) {
		case NFT_CMP_EQ:
			ivs_copy(out, &eq);
			break;
		case NFT_CMP_NEQ:
			ivs_subtract(out, dom, &eq);
			break;
		case NFT_CMP_LT:
			ivs_copy(out, &lt);
			break;
		case NFT_CMP_LTE:
			ivs_copy(out, &le);
			break;
		case NFT_CMP_GT:
			ivs_subtract(out, dom, &le);
			break;
		default:
			ivs_subtract(out, dom, &lt);
			break;
		}
	}
	ivs_release(&le);
	ivs_release(&eq);
	ivs_release(&lt);
	(void)ff;
	return ok;
}

void push_mid(struct rule_run *rr, struct sstate *s, uint32_t expr)
{
	if (cube_empty(&s->cube)) {
		state_free(s);
		return;
	}
	if (rr->np == rr->capp) {
		rr->capp = rr->capp ? rr->capp * 2 : 8;
		rr->pending = xrealloc(rr->pending, rr->capp * sizeof(*rr->pending));
		rr->pexpr = xrealloc(rr->pexpr, rr->capp * sizeof(*rr->pexpr));
	}
	rr->pending[rr->np] = s;
	rr->pexpr[rr->np++] = expr;
}

/* ---- one rule ---- */

/*
 * Split on a condition over the one load in [off, off+n): the part where
 * @vals holds goes on, the rest breaks (or the reverse for @negate).
 */
static enum xres split_on(struct rule_run *rr, struct sstate *s, uint32_t next,
			  const struct symload *l, struct ivs *vals)
{
	struct sstate *yes = split(s, l->field, vals);

	ivs_release(vals);
	if (!yes)
		return X_BREAK;
	if (cube_empty(&s->cube)) {
		/* all of it holds: carry on in @s */
		ivs_copy(&s->cube.f[l->field], &yes->cube.f[l->field]);
		state_free(yes);
		return X_OK;
	}
	push_mid(rr, yes, next);
	return X_BREAK;
}

static enum xres x_payload(struct reach_ctx *c, struct sstate *s, const struct expr *e,
			   const char **why)
{
	uint32_t base = (uint32_t)expr_num(e, NFTA_PAYLOAD_BASE, 0);
	uint32_t off = (uint32_t)expr_num(e, NFTA_PAYLOAD_OFFSET, 0);
	uint32_t len = (uint32_t)expr_num(e, NFTA_PAYLOAD_LEN, 0);
	int dst = reg_offset((uint32_t)expr_num(e, NFTA_PAYLOAD_DREG, 0), (len + 3) & ~3u);
	uint32_t fo = 0;
	int field = -1, enc = ENC_BE;
	const struct ivs *pv = &s->cube.f[PF_L4PROTO];
	uint8_t proto;

	if (expr_has(e, NFTA_PAYLOAD_SREG)) {
		*why = "payload rewrite is not modelled by reach";
		return X_UNCERTAIN;
	}
	if (dst < 0 || len == 0 || len > 16) {
		*why = "malformed payload";
		return X_UNCERTAIN;
	}
	if (base == NFT_PAYLOAD_NETWORK_HEADER && c->family == NFPROTO_IPV4) {
		if (off >= 12 && off + len <= 16)
			field = PF_SADDR, fo = off - 12;
		else if (off >= 16 && off + len <= 20)
			field = PF_DADDR, fo = off - 16;
		else if (off == 9 && len == 1)
			field = PF_L4PROTO;
		else if (off == 6 && len == 2)
			field = PF_FRAG, enc = ENC_FRAGOFF;
		else if (off == 0 && len == 1) { /* version and header length */
			uint8_t b = 0x45;

			set_concrete(s, dst, &b, 1);
			return X_OK;
		}
	} else if (base == NFT_PAYLOAD_NETWORK_HEADER) {
		if (off >= 8 && off + len <= 24)
			field = PF_SADDR, fo = off - 8;
		else if (off >= 24 && off + len <= 40)
			field = PF_DADDR, fo = off - 24;
		else if (off == 6 && len == 1 && s->cube.f[PF_FRAG].n == 1 &&
			 s->cube.f[PF_FRAG].v[0].hi == 0)
			field = PF_L4PROTO;
	} else if (base == NFT_PAYLOAD_TRANSPORT_HEADER) {
		const struct ivs *fr = &s->cube.f[PF_FRAG];

		if (!(fr->n == 1 && fr->v[0].hi == 0)) {
			*why = "fragments are not split on by reach (give frag=no or frag=yes)";
			if (fr->v[0].lo == 1)
				return X_BREAK; /* non-first fragment: no transport header */
			return X_UNCERTAIN;
		}
		if (!(pv->n == 1 && pv->v[0].lo == pv->v[0].hi)) {
			*why = "transport header read without a protocol match";
			return X_UNCERTAIN;
		}
		proto = (uint8_t)pv->v[0].lo;
		if (transport_has_ports(proto) && off + len <= 4 && (off == 0 || off == 2) &&
		    (len == 2 || (len == 1 && off % 2 == 0)))
			field = off == 0 ? PF_SPORT : PF_DPORT;
		else if (proto == IPPROTO_TCP && off == 13 && len == 1)
			field = PF_TCPFLAGS;
		else if ((proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) && len == 1 && off <= 1)
			field = off == 0 ? PF_ICMPTYPE : PF_ICMPCODE;
		else if ((proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) && off == 0 &&
			 len == 2) {
			*why = "icmp type and code read together";
			return X_UNCERTAIN;
		}
	}
	if (field < 0) {
		*why = "reach does not model the header field this payload reads";
		return X_UNCERTAIN;
	}
	load_field(c, s, dst, field, enc, fo, len);
	return X_OK;
}

/* The register's u32 when no byte of it depends on the packet. */
static bool reg_u32(const struct sstate *s, uint32_t reg, uint32_t *v)
{
	int off = reg_offset(reg, 4);

	if (off < 0 || s->tag[off] || s->tag[off + 1] || s->tag[off + 2] || s->tag[off + 3])
		return false;
	memcpy(v, s->regs + off, 4);
	return true;
}

/* The ct states with a conntrack entry (new, established, related). */
static void ct_entry_states(struct ivs *out)
{
	out->n = 0;
	ivs_add(out, 2, 2);
	ivs_add(out, 4, 4);
	ivs_add(out, 8, 8);
}

static enum xres x_meta(struct reach_ctx *c, struct sstate *s, const struct expr *e,
			const char **why)
{
	uint32_t key = (uint32_t)expr_num(e, NFTA_META_KEY, 0);
	int dst = reg_offset((uint32_t)expr_num(e, NFTA_META_DREG, 0), 16);
	uint32_t v;

	if (expr_has(e, NFTA_META_SREG)) {
		if (key != NFT_META_MARK)
			return X_OK;
		if (!reg_u32(s, (uint32_t)expr_num(e, NFTA_META_SREG, 0), &s->mark)) {
			*why = "meta mark set from a packet-dependent value";
			return X_UNCERTAIN;
		}
		s->mark_set = true;
		return X_OK;
	}
	if (dst < 0)
		dst = reg_offset((uint32_t)expr_num(e, NFTA_META_DREG, 0), 4);
	if (dst < 0) {
		*why = "malformed meta";
		return X_UNCERTAIN;
	}
	switch (key) {
	case NFT_META_LEN:
		load_field(c, s, dst, PF_LEN, ENC_HOST32, 0, 4);
		return X_OK;
	case NFT_META_PROTOCOL:
		v = c->family == NFPROTO_IPV6 ? 0xdd86 : 0x0008;
		break;
	case NFT_META_NFPROTO:
		v = c->family;
		break;
	case NFT_META_L4PROTO:
		load_field(c, s, dst, PF_L4PROTO, ENC_BE, 0, 1);
		return X_OK;
	case NFT_META_MARK:
		if (s->mark_set) {
			v = s->mark;
			break;
		}
		load_field(c, s, dst, PF_MARK, ENC_HOST32, 0, 4);
		return X_OK;
	case NFT_META_IIF:
	case NFT_META_OIF:
		if (!(key == NFT_META_IIF ? hook_has_iif(c->hook) : hook_has_oif(c->hook)))
			return X_BREAK;
		load_field(c, s, dst, key == NFT_META_IIF ? PF_IIF : PF_OIF, ENC_HOST32, 0, 4);
		return X_OK;
	case NFT_META_IIFNAME:
	case NFT_META_OIFNAME:
	case NFT_META_IIFTYPE:
	case NFT_META_OIFTYPE: {
		bool in = key == NFT_META_IIFNAME || key == NFT_META_IIFTYPE;
		bool name = key == NFT_META_IIFNAME || key == NFT_META_OIFNAME;

		if (!(in ? hook_has_iif(c->hook) : hook_has_oif(c->hook)))
			return X_BREAK;
		if (name && reg_offset((uint32_t)expr_num(e, NFTA_META_DREG, 0), 16) < 0) {
			*why = "malformed meta";
			return X_UNCERTAIN;
		}
		load_field(c, s, dst, in ? PF_IIFNAME : PF_OIFNAME, name ? ENC_NAME : ENC_IFTYPE, 0,
			   name ? 16 : 2);
		return X_OK;
	}
	case NFT_META_PKTTYPE:
		v = 0; /* PACKET_HOST: reach is about unicast packets */
		break;
	default:
		*why = "meta key not in a snapshot (skuid, cpu, time, ...)";
		return X_UNCERTAIN;
	}
	set_concrete(s, dst, &v, 4);
	return X_OK;
}

static enum xres x_ct(struct reach_ctx *c, struct sstate *s, const struct expr *e, const char **why)
{
	uint32_t key = (uint32_t)expr_num(e, NFTA_CT_KEY, 0);
	int dst = reg_offset((uint32_t)expr_num(e, NFTA_CT_DREG, 0), 4);
	uint32_t v;

	if (expr_has(e, NFTA_CT_SREG)) {
		if (key != NFT_CT_MARK)
			return X_OK;
		if (!reg_u32(s, (uint32_t)expr_num(e, NFTA_CT_SREG, 0), &s->ctmark)) {
			*why = "ct mark set from a packet-dependent value";
			return X_UNCERTAIN;
		}
		s->ctmark_set = true;
		return X_OK;
	}
	if (dst < 0) {
		*why = "malformed ct";
		return X_UNCERTAIN;
	}
	if (key == NFT_CT_STATE) {
		if (!s->tracked || s->ctstate_set) {
			v = s->tracked ? s->ctstate : NF_CT_STATE_INVALID_BIT;
			set_concrete(s, dst, &v, 4);
			return X_OK;
		}
		load_field(c, s, dst, PF_CTSTATE, ENC_HOST32, 0, 4);
		return X_OK;
	}
	if (!s->tracked)
		return X_BREAK;
	/* other keys need a conntrack entry: split off invalid and untracked */
	if (s->ctstate_set)
		return X_BREAK;
	{
		struct ivs ok = { 0 }, tmp = { 0 };

		ct_entry_states(&tmp);
		ivs_intersect(&ok, &s->cube.f[PF_CTSTATE], &tmp);
		ivs_release(&tmp);
		if (!ivs_equal(&ok, &s->cube.f[PF_CTSTATE])) {
			ivs_release(&ok);
			*why = "";
			return X_SPLIT; /* caller splits on ct state first */
		}
		ivs_release(&ok);
	}
	switch (key) {
	case NFT_CT_DIRECTION:
		load_field(c, s, dst, PF_CTDIR, ENC_BE, 0, 1);
		return X_OK;
	case NFT_CT_STATUS:
		load_field(c, s, dst, PF_CTSTATUS, ENC_HOST32, 0, 4);
		return X_OK;
	case NFT_CT_MARK:
		if (s->ctmark_set) {
			set_concrete(s, dst, &s->ctmark, 4);
			return X_OK;
		}
		load_field(c, s, dst, PF_CTMARK, ENC_HOST32, 0, 4);
		return X_OK;
	case NFT_CT_L3PROTOCOL:
		v = c->family;
		set_concrete(s, dst, &v, 4);
		return X_OK;
	case NFT_CT_PROTOCOL:
		load_field(c, s, dst, PF_L4PROTO, ENC_BE, 0, 1);
		return X_OK;
	default:
		*why = "ct key not modelled by reach (tuples, helper, counters, ...)";
		return X_UNCERTAIN;
	}
}

static enum xres x_transform(struct sstate *s, const struct expr *e, bool bitwise, const char **why)
{
	uint32_t sreg = (uint32_t)expr_num(e, bitwise ? NFTA_BITWISE_SREG : NFTA_BYTEORDER_SREG, 0);
	uint32_t dreg = (uint32_t)expr_num(e, bitwise ? NFTA_BITWISE_DREG : NFTA_BYTEORDER_DREG, 0);
	uint32_t len = (uint32_t)expr_num(e, bitwise ? NFTA_BITWISE_LEN : NFTA_BYTEORDER_LEN, 0);
	int so = reg_offset(sreg, len), dof = reg_offset(dreg, (len + 3) & ~3u);
	const struct symload *l = NULL;
	enum region rg;

	if (so < 0 || dof < 0) {
		*why = "malformed bitwise/byteorder";
		return X_UNCERTAIN;
	}
	rg = region_of(s, so, len, &l);
	if (rg != RG_OTHER && (bitwise ? op_bitwise(e, s->regs) : op_byteorder(e, s->regs)) < 0) {
		*why = "bitwise operation not modelled";
		return X_UNCERTAIN;
	}
	if (rg == RG_CONCRETE) {
		memset(s->tag + dof, 0, (len + 3) & ~3u);
		return X_OK;
	}
	if (rg == RG_LOAD && l->ntx < MAX_TX && s->nloads < MAX_LOADS) {
		struct symload *n = &s->loads[s->nloads++];

		*n = *l;
		n->tx[n->ntx++] = e;
		n->cur = (int8_t)dof;
		n->len = l->len; /* the slice loaded stays the same */
		memset(s->tag + dof, 0, (len + 3) & ~3u);
		memset(s->tag + dof, s->nloads, len);
		return X_OK;
	}
	set_unknown(s, dof, len);
	return X_OK;
}

/* nft_do_chain's rule loop for one state, from expression @i. */
static void run_rule(struct rule_run *rr, struct sstate *s, uint32_t i)
{
	struct reach_ctx *c = rr->c;
	const struct rule *r = rr->r;
	const char *why = NULL;

	for (; i < r->exprs.n && s->verdict == NFT_CONTINUE; i++) {
		const struct expr *e = &r->exprs.v[i];
		const char *n = e->name;
		enum xres x = X_OK;

		why = NULL;
		if (!e->known) {
			why = "expression not decoded";
			x = X_UNCERTAIN;
		} else if (!strcmp(n, "immediate")) {
			const struct attr *a = expr_attr(e, NFTA_IMMEDIATE_DATA);
			int dst = reg_offset((uint32_t)expr_num(e, NFTA_IMMEDIATE_DREG, 0),
					     a ? a->len : 0);

			if (a && a->is_verdict) {
				s->verdict = a->verdict->code;
				s->jump = a->verdict->chain;
			} else if (a && dst >= 0) {
				set_concrete(s, dst, a->bytes, a->len);
			} else {
				why = "malformed immediate", x = X_UNCERTAIN;
			}
		} else if (!strcmp(n, "payload")) {
			x = x_payload(c, s, e, &why);
		} else if (!strcmp(n, "meta")) {
			x = x_meta(c, s, e, &why);
		} else if (!strcmp(n, "ct")) {
			x = x_ct(c, s, e, &why);
			if (x == X_SPLIT) {
				struct ivs vals = { 0 }, tmp = { 0 };
				struct symload fake = { .field = PF_CTSTATE };

				ct_entry_states(&tmp);
				ivs_intersect(&vals, &s->cube.f[PF_CTSTATE], &tmp);
				ivs_release(&tmp);
				/* the states with an entry retry this expression */
				x = split_on(rr, s, i, &fake, &vals);
				if (x == X_OK) {
					i--;
					continue;
				}
			}
		} else if (!strcmp(n, "bitwise") || !strcmp(n, "byteorder")) {
			x = x_transform(s, e, n[1] == 'i', &why);
		} else if (!strcmp(n, "cmp") || !strcmp(n, "range")) {
			bool cmp = n[0] == 'c';
			const struct attr *d =
				expr_attr(e, cmp ? NFTA_CMP_DATA : NFTA_RANGE_FROM_DATA);
			uint32_t sreg =
				(uint32_t)expr_num(e, cmp ? NFTA_CMP_SREG : NFTA_RANGE_SREG, 0);
			int off = d ? reg_offset(sreg, d->len) : -1;
			const struct symload *l = NULL;
			enum region rg = off >= 0 ? region_of(s, off, d->len, &l) : RG_OTHER;

			if (off < 0) {
				why = "malformed comparison", x = X_UNCERTAIN;
			} else if (rg == RG_CONCRETE) {
				int res = cmp ? op_cmp(e, s->regs) : op_range(e, s->regs);

				x = res < 0 ? (why = "malformed comparison", X_UNCERTAIN)
				    : res   ? X_OK
					    : X_BREAK;
			} else if (rg == RG_LOAD) {
				struct ivs vals = { 0 };
				bool ok;

				if (cmp) {
					ok = cmp_values(c, s, l, e, &vals);
				} else {
					const struct attr *to = expr_attr(e, NFTA_RANGE_TO_DATA);

					ok = to && seg_values(c, s, l, d->bytes, to->bytes, d->len,
							      &vals);
					if (ok && expr_num(e, NFTA_RANGE_OP, 0) == NFT_RANGE_NEQ) {
						struct ivs t = { 0 };

						ivs_subtract(&t, &s->cube.f[l->field], &vals);
						ivs_release(&vals);
						vals = t;
					}
				}
				if (!ok) {
					ivs_release(&vals);
					why = "too many values to split on this transformed field";
					x = X_UNCERTAIN;
				} else {
					x = split_on(rr, s, i + 1, l, &vals);
				}
			} else {
				why = "comparison over several fields or an unknown value";
				x = X_UNCERTAIN;
			}
		} else if (!strcmp(n, "lookup")) {
			const struct set *set = set_by_name(s->chain, expr_str(e, NFTA_LOOKUP_SET));
			uint32_t sreg = (uint32_t)expr_num(e, NFTA_LOOKUP_SREG, 0);
			bool has_dreg = expr_has(e, NFTA_LOOKUP_DREG);
			uint32_t dreg = (uint32_t)expr_num(e, NFTA_LOOKUP_DREG, 0);
			bool inv = expr_num(e, NFTA_LOOKUP_FLAGS, 0) & NFT_LOOKUP_F_INV;
			int off = set ? reg_offset(sreg, set->key_len) : -1;
			const struct symload *l = NULL;
			enum region rg = off >= 0 ? region_of(s, off, set->key_len, &l) : RG_OTHER;

			if (!set || off < 0) {
				why = "lookup in a set missing from the snapshot", x = X_UNCERTAIN;
			} else if (rg == RG_CONCRETE) {
				const struct elem *el = set_lookup(c->sets, set, s->regs + off);

				if (!el ^ inv) {
					x = X_BREAK;
				} else if (has_dreg && !inv) {
					if (dreg == NFT_REG_VERDICT && el->verdict) {
						s->verdict = el->verdict->code;
						s->jump = el->verdict->chain;
					} else if (el->data &&
						   reg_offset(dreg, el->data_len) >= 0) {
						set_concrete(s, reg_offset(dreg, el->data_len),
							     el->data, el->data_len);
					} else {
						why = "map element without data", x = X_UNCERTAIN;
					}
				}
			} else if (rg == RG_LOAD) {
				struct value_group *g = NULL;
				size_t ng = 0;
				bool map = has_dreg && !inv;
				int f = l->field;

				if (!lookup_groups(c, s, l, set, map, &g, &ng)) {
					why = "too many values to split on this transformed field";
					x = X_UNCERTAIN;
				} else {
					struct ivs any = { 0 }, tmp = { 0 };

					for (size_t k = 0; k < ng; k++) {
						ivs_union(&tmp, &any, &g[k].vals);
						ivs_copy(&any, &tmp);
					}
					if (inv) {
						ivs_subtract(&tmp, &s->cube.f[f], &any);
						x = split_on(rr, s, i + 1, l, &tmp);
						ivs_release(&any);
					} else if (!map) {
						x = split_on(rr, s, i + 1, l, &any);
						ivs_release(&tmp);
					} else {
						/* one state per distinct data; the rest breaks */
						for (size_t k = 0; k < ng; k++) {
							struct sstate *y = split(s, f, &g[k].vals);
							const struct elem *el = g[k].el;

							if (!y)
								continue;
							if (dreg == NFT_REG_VERDICT &&
							    el->verdict) {
								y->verdict = el->verdict->code;
								y->jump = el->verdict->chain;
							} else if (el->data &&
								   reg_offset(dreg, el->data_len) >=
									   0) {
								set_concrete(
									y,
									reg_offset(dreg,
										   el->data_len),
									el->data, el->data_len);
							}
							push_mid(rr, y, i + 1);
						}
						ivs_release(&any);
						ivs_release(&tmp);
						x = X_BREAK;
					}
				}
				groups_free(g, ng);
			} else if (catchall_of(set)) {
				why = "concatenated lookup with a catch-all element";
				x = X_UNCERTAIN;
			} else {
				x = lookup_boxes(rr, s, i + 1, set, off, inv, has_dreg && !inv,
						 dreg, &why);
			}
		} else if (!strcmp(n, "counter") || !strcmp(n, "log") || !strcmp(n, "last") ||
			   !strcmp(n, "dup") || !strcmp(n, "flow_offload")) {
			x = X_OK;
		} else if (!strcmp(n, "notrack")) {
			if (!s->tracked) {
				s->ctstate_set = true;
				s->ctstate = NF_CT_STATE_UNTRACKED_BIT;
			}
		} else if (!strcmp(n, "limit")) {
			c->limit_assumed = true;
			s->partial = true;
			x = expr_num(e, NFTA_LIMIT_FLAGS, 0) & NFT_LIMIT_F_INV ? X_BREAK : X_OK;
		} else if (!strcmp(n, "dynset")) {
			const struct attr *a = expr_attr(e, NFTA_DYNSET_EXPR);
			const struct attr *al = expr_attr(e, NFTA_DYNSET_EXPRESSIONS);
			const struct expr_list *el = a ? a->exprs : al ? al->exprs : NULL;

			for (uint32_t k = 0; el && k < el->n && x == X_OK; k++) {
				if (expr_is(&el->v[k], "limit")) {
					c->limit_assumed = true;
					if (expr_num(&el->v[k], NFTA_LIMIT_FLAGS, 0) &
					    NFT_LIMIT_F_INV)
						x = X_BREAK;
				} else if (!expr_is(&el->v[k], "counter")) {
					why = "a set element's stateful expression";
					x = X_UNCERTAIN;
				}
			}
		} else if (!strcmp(n, "reject")) {
			s->verdict = NF_DROP;
		} else if (!strcmp(n, "queue")) {
			s->verdict = NF_QUEUE;
		} else if (!strcmp(n, "nat") || !strcmp(n, "masq") || !strcmp(n, "redir")) {
			if (!s->in_nat) {
				why = "nat statement outside a nat chain", x = X_UNCERTAIN;
			} else {
				s->nat_done = true;
				s->verdict = NF_ACCEPT;
			}
		} else if (!strcmp(n, "objref")) {
			uint32_t type = (uint32_t)expr_num(e, NFTA_OBJREF_IMM_TYPE, 0);

			if (type == NFT_OBJECT_QUOTA || type == NFT_OBJECT_SYNPROXY ||
			    type == NFT_OBJECT_CONNLIMIT) {
				why = "a named quota or synproxy object";
				x = X_UNCERTAIN;
			} else if (type == NFT_OBJECT_LIMIT) {
				why = "a named limit object";
				x = X_UNCERTAIN;
			}
		} else if (!strcmp(n, "match")) {
			const char *mn = expr_str(e, NFTA_MATCH_NAME);

			if (!mn || strcmp(mn, "comment")) {
				why = "xt match (reach splits on native expressions only)";
				x = X_UNCERTAIN;
			}
		} else if (!strcmp(n, "target")) {
			const char *tn = expr_str(e, NFTA_TARGET_NAME) ?: "";

			if (!strcmp(tn, "REJECT"))
				s->verdict = NF_DROP;
			else if (strcmp(tn, "LOG") && strcmp(tn, "NFLOG"))
				why = "xt target not modelled", x = X_UNCERTAIN;
		} else {
			why = "expression whose value a snapshot cannot tell (fib, socket, rt, "
			      "quota, ...)";
			x = X_UNCERTAIN;
		}
		if (x == X_UNCERTAIN) {
			if (c->capture) {
				s->verdict = NFT_BREAK;
				s->partial = true; /* marks it undecided */
				guard_capture(c->capture, s);
				return;
			}
			state_uncertain(c, s, r, why ? why : "cannot be evaluated");
			return;
		}
		if (x == X_BREAK) {
			s->verdict = NFT_BREAK;
			break;
		}
	}
	if (c->capture) {
		guard_capture(c->capture, s);
		return;
	}
	if (c->cr) {
		chain_after_rule(c, s);
		return;
	}
	path_after_rule(c, s, r);
}

/* Run @rr's rule for @s and for every state it splits off on the way. */
void rule_run_whole(struct rule_run *rr, struct sstate *s)
{
	run_rule(rr, s, 0);
	while (rr->np) {
		struct sstate *m = rr->pending[--rr->np];

		run_rule(rr, m, rr->pexpr[rr->np]);
	}
	free(rr->pending);
	free(rr->pexpr);
	rr->pending = NULL;
	rr->pexpr = NULL;
	rr->capp = 0;
}
