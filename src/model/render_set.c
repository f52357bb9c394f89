// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Set elements as nft prints them: interval sets are sorted and their
 * start/end pairs merged back into ranges and prefixes (nftables
 * interval_map_decompose()); other sets keep the kernel's order.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_tables.h>

#include "fwaudit/util.h"
#include "render_internal.h"

static bool udata_u32(const uint8_t *p, uint32_t len, uint8_t type, uint32_t *v);
static void print_bounds(struct render_ctx *rc, struct strbuf *out, const uint8_t *lo,
			 const uint8_t *hi, uint32_t len, const struct hx *key);

static enum byteorder set_key_byteorder(const struct set *s, uint32_t dt, bool data)
{
	uint8_t len;
	const uint8_t *v =
		udata_find(s->udata, s->udata_len,
			   data ? UDATA_SET_DATABYTEORDER : UDATA_SET_KEYBYTEORDER, &len);

	if (v && len == 4) {
		uint32_t bo;

		memcpy(&bo, v, 4);
		return bo == 1 ? BO_HOST : BO_BIG;
	}
	return dtype_byteorder(dt);
}

struct hx *set_type_hx(struct render_ctx *rc, const struct set *s, bool data)
{
	uint32_t type = data ? s->data_type : s->key_type;
	uint32_t len = data ? s->data_len : s->key_len;
	uint32_t subs[16], n = 0;
	struct hx *c;

	if (data && type == 0xffffff00)
		type = DT_VERDICT;
	if (data && set_data_interval(s))
		len /= 2;
	while (type && n < ARRAY_SIZE(subs)) {
		subs[n++] = type & ((1u << CONCAT_TYPE_BITS) - 1);
		type >>= CONCAT_TYPE_BITS;
	}
	if (n <= 1) {
		c = hx_new(rc, HX_VALUE);
		c->dtype = n ? subs[0] : DT_INTEGER;
		c->len = len * 8;
		c->byteorder = set_key_byteorder(s, c->dtype, data);
		return c;
	}
	c = hx_new(rc, HX_CONCAT);
	c->concat.items = arena_alloc(rc->arena, n * sizeof(struct hx *));
	c->concat.n = n;
	c->len = len * 8;
	c->dtype = DT_INVALID;
	for (uint32_t i = 0; i < n; i++) {
		struct hx *it = hx_new(rc, HX_VALUE);
		uint32_t dt = subs[n - 1 - i];

		it->dtype = dt;
		it->byteorder = dtype_byteorder(dt);
		if (!data && s->nfields == n)
			it->len = s->field_len[i] * 8;
		else
			it->len = dtype_bits(dt) ? dtype_bits(dt) : 32;
		c->concat.items[i] = it;
	}
	return c;
}

struct sorted {
	const struct elem *e;
	uint8_t norm[64]; /* key as a big-endian number, for sorting */
	uint32_t nlen;
	bool catchall;
};

/*
 * A flag combination is listed as an OR of its flags, and nft sorts it by
 * the leftmost of them, its lowest bit (mergesort.c: expr_msort_value).
 */
static void lowest_flag(uint8_t *norm, uint32_t n)
{
	bool found = false;

	for (uint32_t i = n; i > 0; i--) {
		uint8_t b = norm[i - 1];

		norm[i - 1] = found ? 0 : b & (uint8_t)-b;
		found |= b != 0;
	}
}

/*
 * nft sorts elements by their value as a number (mergesort.c): a
 * big-endian value compares as its bytes, a host-order one reversed, and
 * a concatenation as its unpadded field bytes imported host-endian.
 */
static void sort_key(struct sorted *v, const struct hx *key)
{
	const struct elem *e = v->e;
	uint8_t tmp[64];
	uint32_t n = 0;

	v->catchall = e->flags & NFT_SET_ELEM_CATCHALL;
	if (key->kind == HX_CONCAT) {
		uint32_t off = 0;

		for (uint32_t i = 0; i < key->concat.n; i++) {
			uint32_t fl = (key->concat.items[i]->len + 7) / 8;

			for (uint32_t j = 0; j < fl && off + j < e->key_len && n < sizeof(tmp); j++)
				tmp[n++] = e->key[off + j];
			off += (fl + 3) / 4 * 4;
		}
		for (uint32_t i = 0; i < n; i++)
			v->norm[i] = tmp[n - 1 - i];
	} else {
		n = e->key_len < sizeof(tmp) ? e->key_len : sizeof(tmp);
		for (uint32_t i = 0; i < n; i++)
			v->norm[i] = key->byteorder == BO_HOST ? e->key[n - 1 - i] : e->key[i];
	}
	v->nlen = n;
	if (key->kind != HX_CONCAT && dtype_is_bitmask(key->dtype))
		lowest_flag(v->norm, n);
}

/* A copy of @e (and of the items of a concatenation) typed big endian. */
static struct hx *hx_big_endian(struct render_ctx *rc, const struct hx *e)
{
	struct hx *c = hx_new(rc, e->kind);

	*c = *e;
	c->byteorder = BO_BIG;
	if (e->kind == HX_CONCAT) {
		c->concat.items = arena_alloc(rc->arena, e->concat.n * sizeof(struct hx *));
		for (uint32_t i = 0; i < e->concat.n; i++)
			c->concat.items[i] = hx_big_endian(rc, e->concat.items[i]);
	}
	return c;
}

static int value_cmp(const void *a, const void *b)
{
	const struct sorted *x = a, *y = b;

	if (x->catchall != y->catchall)
		return x->catchall ? 1 : -1;
	if (x->nlen != y->nlen)
		return x->nlen < y->nlen ? -1 : 1;
	return memcmp(x->norm, y->norm, x->nlen);
}

/*
 * nft's list_expr_sort(): split after the first half (rounded up), sort
 * both, and merge with ties going to the second half first. Equal keys
 * (flag combinations with the same lowest flag) come out in this order.
 */
static void nft_msort(struct sorted *v, struct sorted *tmp, uint32_t n)
{
	uint32_t h = (n + 1) / 2, i = 0, j = h, k = 0;

	if (n < 2)
		return;
	nft_msort(v, tmp, h);
	nft_msort(v + h, tmp, n - h);
	while (i < h && j < n)
		tmp[k++] = value_cmp(&v[i], &v[j]) < 0 ? v[i++] : v[j++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

static int elem_cmp(const void *a, const void *b)
{
	const struct sorted *sx = a, *sy = b;
	const struct elem *x = sx->e, *y = sy->e;
	uint32_t n = sx->nlen < sy->nlen ? sx->nlen : sy->nlen;
	int c = memcmp(sx->norm, sy->norm, n);

	if (c)
		return c;
	/* An interval end sorts before a start at the same key. */
	return (int)(y->flags & NFT_SET_ELEM_INTERVAL_END) -
	       (int)(x->flags & NFT_SET_ELEM_INTERVAL_END);
}

static void key_minus_one(uint8_t *k, uint32_t n)
{
	for (uint32_t i = n; i > 0; i--) {
		if (k[i - 1]--)
			break;
	}
}

static void print_elem_extras(struct render_ctx *rc, struct strbuf *out, const struct elem *e)
{
	uint8_t len;
	const uint8_t *c;

	if (e->timeout) {
		strbuf_addstr(out, " timeout ");
		time_print(out, e->timeout);
	}
	if (e->expiration && !(rc->opts && rc->opts->stateless)) {
		strbuf_addstr(out, " expires ");
		time_print(out, e->expiration);
	}
	c = udata_find(e->udata, e->udata_len, UDATA_SET_ELEM_COMMENT, &len);
	if (c && len) {
		strbuf_addstr(out, " comment \"");
		strbuf_add(out, c, strnlen((const char *)c, len));
		strbuf_addch(out, '"');
	}
	for (uint32_t i = 0; i < e->exprs.n; i++) {
		const struct expr *x = &e->exprs.v[i];

		strbuf_addch(out, ' ');
		stmt_render_plain(rc, x, out, false);
	}
}

static void print_data(struct render_ctx *rc, struct strbuf *out, const struct set *s,
		       const struct elem *e, const struct hx *data)
{
	if (e->verdict) {
		const char *n = verdict_code_name(e->verdict->code);

		strbuf_addf(out, " : %s", n ? n : "?");
		if (e->verdict->chain)
			strbuf_addf(out, " %s", e->verdict->chain);
	} else if (e->data && data && set_data_interval(s)) {
		/* Map data that is itself a range: low half, high half (of a data
		 * type the set names; a snapshot may claim the flag without one). */
		strbuf_addstr(out, " : ");
		print_bounds(rc, out, e->data, e->data + e->data_len / 2, e->data_len / 2, data);
	} else if (e->data) {
		strbuf_addstr(out, " : ");
		hx_print_as(rc, out, hx_value(rc, e->data, e->data_len), data);
	} else if (e->objref) {
		strbuf_addf(out, " : \"%s\"", e->objref);
	}
}

static bool is_prefixable(const struct hx *key)
{
	return key->kind == HX_VALUE || key->kind == HX_PAYLOAD || key->kind == HX_META ||
			       key->kind == HX_CT || key->kind == HX_XFRM || key->kind == HX_RT
		       ? key->dtype == DT_IPADDR || key->dtype == DT_IP6ADDR
		       : false;
}

/* A start..end pair of one field: "a", "a/len" or "a-b". */
static void print_range(struct render_ctx *rc, struct strbuf *out, const uint8_t *lo,
			const uint8_t *hi, uint32_t n, const struct hx *key)
{
	struct hx *a = hx_value(rc, lo, n), *b;
	uint32_t plen = 0;
	bool prefix = true, tail = false;

	if (!lo || !hi || !n || !memcmp(lo, hi, n)) {
		hx_print_as(rc, out, a, key);
		return;
	}
	if (key->dtype == DT_IFNAME || key->dtype == DT_STRING) {
		/* "eth*": a prefix, then all zeros up to all ones. */
		uint32_t p = 0;
		bool wild = true;

		while (p < n && lo[p] == hi[p])
			p++;
		for (uint32_t i = p; i < n; i++)
			wild &= lo[i] == 0 && hi[i] == 0xff;
		if (wild) {
			strbuf_addch(out, '"');
			strbuf_add(out, lo, strnlen((const char *)lo, p));
			strbuf_addstr(out, "*\"");
			return;
		}
	}
	for (uint32_t i = 0; i < n * 8; i++) {
		bool l = lo[i / 8] >> (7 - i % 8) & 1, h = hi[i / 8] >> (7 - i % 8) & 1;

		if (!tail && l == h) {
			plen++;
			continue;
		}
		tail = true;
		if (l != 0 || h != 1)
			prefix = false;
	}
	if (prefix && is_prefixable(key)) {
		hx_print_as(rc, out, a, key);
		strbuf_addf(out, "/%u", plen);
		return;
	}
	b = hx_value(rc, hi, n);
	if (dtype_range_numeric(key->dtype)) {
		/* nft prints the bounds of a range of protocols etc. as numbers. */
		struct hx *k = hx_new(rc, key->kind);

		*k = *key;
		k->dtype = DT_INTEGER;
		key = k;
	}
	rc->value_style |= VS_RANGE;
	hx_print_as(rc, out, a, key);
	strbuf_addch(out, '-');
	hx_print_as(rc, out, b, key);
	rc->value_style &= ~VS_RANGE;
}

/* Bounds lo..hi of @len bytes, field by field for a concatenation. */
static void print_bounds(struct render_ctx *rc, struct strbuf *out, const uint8_t *lo,
			 const uint8_t *hi, uint32_t len, const struct hx *key)
{
	uint32_t off = 0;

	if (key->kind != HX_CONCAT) {
		print_range(rc, out, lo, hi, len, key);
		return;
	}
	for (uint32_t i = 0; i < key->concat.n; i++) {
		const struct hx *it = key->concat.items[i];
		uint32_t n = (it->len + 7) / 8;

		if (i)
			strbuf_addstr(out, " . ");
		if (off + n > len)
			break;
		print_range(rc, out, lo + off, hi + off, n, it);
		off += (n + 3) / 4 * 4;
	}
}

static void print_concat_range(struct render_ctx *rc, struct strbuf *out, const struct elem *e,
			       const struct hx *key)
{
	print_bounds(rc, out, e->key, e->key_end ? e->key_end : e->key, e->key_len, key);
}

bool set_data_interval(const struct set *s)
{
	uint32_t v = 0;

	return udata_u32(s->udata, s->udata_len, UDATA_SET_DATA_INTERVAL, &v) && v;
}

static const char *delim(const struct set *s, const struct hx *key, unsigned *count)
{
	static const char *const newline = ",\n\t\t\t     ";

	if (s->flags & NFT_SET_ANONYMOUS)
		return ", ";
	switch (key->kind == HX_CONCAT ? DT_INVALID : key->dtype) {
	case DT_NFPROTO:
	case DT_INTEGER:
	case DT_ARPOP:
	case DT_INET_PROTOCOL:
	case DT_INET_SERVICE:
	case DT_TCP_FLAG:
	case DT_DCCP_PKTTYPE:
	case DT_MARK:
	case DT_IFINDEX:
	case DT_CLASSID:
	case DT_UID:
	case DT_GID:
	case DT_CT_DIR:
		if (*count < 5)
			return ", ";
		break;
	case DT_IPADDR:
	case DT_CT_STATE:
	case DT_CT_STATUS:
	case DT_PKTTYPE:
		if (*count < 2)
			return ", ";
		break;
	default:
		break;
	}
	*count = 0;
	return newline;
}

void set_print_elements(struct render_ctx *rc, struct strbuf *out, const struct set *s,
			const struct hx *key, const struct hx *data, const char *sep,
			const char *indent)
{
	struct sorted *v = xcalloc(s->nelems ? s->nelems : 1, sizeof(*v));
	bool interval = (s->flags & NFT_SET_INTERVAL) && s->nfields <= 1;
	bool pipapo = (s->flags & NFT_SET_INTERVAL) && s->nfields > 1;
	const char *d = "";
	unsigned count = 0;
	uint32_t n = s->nelems;
	const struct hx *be_key;
	unsigned style = rc->value_style;

	(void)sep;
	(void)indent;
	if (!key)
		key = set_type_hx(rc, s, false);
	if (!data && (s->has_data_type))
		data = set_type_hx(rc, s, true);
	/*
	 * Keys of interval sets are stored big endian, whatever the byte
	 * order of the expression they match.
	 */
	be_key = key;
	if (interval || pipapo)
		key = be_key = hx_big_endian(rc, key);
	for (uint32_t i = 0; i < n; i++) {
		v[i].e = &s->elems[i];
		sort_key(&v[i], key);
	}
	/* Concatenated intervals keep the kernel's (insertion) order. */
	if (interval)
		qsort(v, n, sizeof(*v), elem_cmp);
	else if (!pipapo) {
		struct sorted *tmp = xcalloc(n ? n : 1, sizeof(*tmp));

		nft_msort(v, tmp, n);
		free(tmp);
	}
	/* Flag combinations in any set are OR expressions (netlink_delinearize_setelem). */
	rc->value_style |= VS_SET_ELEMENTS;
	strbuf_addstr(out, "{ ");
	for (uint32_t i = 0; i < n; i++) {
		const struct elem *e = v[i].e;

		if (e->flags & NFT_SET_ELEM_CATCHALL) {
			strbuf_addstr(out, d);
			strbuf_addch(out, '*');
		} else if (interval) {
			uint8_t hi[64];
			uint32_t kl = e->key_len < sizeof(hi) ? e->key_len : sizeof(hi);

			if (e->flags & NFT_SET_ELEM_INTERVAL_END)
				continue;
			kl = v[i].nlen;
			/*
			 * A range runs to just before the next element, start or
			 * end: adjacent intervals share no end element.
			 */
			if (e->key_end) {
				memcpy(hi, e->key_end, kl);
				if (key->byteorder == BO_HOST)
					for (uint32_t j = 0; j < kl; j++)
						hi[j] = e->key_end[kl - 1 - j];
			} else if (i + 1 < n) {
				memcpy(hi, v[i + 1].norm, kl);
				key_minus_one(hi, kl);
			} else {
				memset(hi, 0xff, kl);
			}
			strbuf_addstr(out, d);
			/* Bounds are big-endian numbers here, whatever the key's order. */
			print_range(rc, out, v[i].norm, hi, kl, be_key);
		} else if (e->key_end || key->kind == HX_CONCAT) {
			strbuf_addstr(out, d);
			print_concat_range(rc, out, e, key);
		} else {
			strbuf_addstr(out, d);
			hx_print_as(rc, out, hx_value(rc, e->key, e->key_len), key);
		}
		print_elem_extras(rc, out, e);
		print_data(rc, out, s, e, data);
		count++;
		d = delim(s, key, &count);
	}
	strbuf_addstr(out, " }");
	rc->value_style = style;
	free(v);
}

void set_render_elements(const struct set *s, const struct render_opts *o, struct strbuf *out)
{
	struct render_ctx rc = { 0 };

	rc.arena = arena_new();
	rc.opts = o;
	rc.table = s->table;
	set_print_elements(&rc, out, s, NULL, NULL, ", ", "");
	arena_free(rc.arena);
}

void set_print_inline(struct render_ctx *rc, struct strbuf *out, const struct set *s,
		      const struct hx *key, const struct hx *data)
{
	struct hx *k = set_type_hx(rc, s, false);

	/* Element types come from the set; the key expression refines them. */
	if (key && key->kind != HX_CONCAT && k->kind != HX_CONCAT && key->kind != HX_VALUE)
		k = (struct hx *)key;
	else if (key && key->kind == HX_CONCAT && k->kind == HX_CONCAT &&
		 key->concat.n == k->concat.n)
		k = (struct hx *)key;
	set_print_elements(rc, out, s, k, data, ", ", "");
}

/*
 * nft stores the "typeof" expressions of a set in its userdata as nested
 * TLVs: the expression kind (nft's enum expr_types) and per kind a few
 * attributes (payload: protocol and template index, meta: key, ...).
 */
enum {
	NFT_EXPR_PAYLOAD = 7,
	NFT_EXPR_EXTHDR = 8,
	NFT_EXPR_META = 9,
	NFT_EXPR_OSF = 11,
	NFT_EXPR_CT = 12,
	NFT_EXPR_CONCAT = 13,
	NFT_EXPR_NUMGEN = 23,
	NFT_EXPR_XFRM = 27,
};

static bool udata_u32(const uint8_t *p, uint32_t len, uint8_t type, uint32_t *v)
{
	uint8_t n;
	const uint8_t *x = udata_find(p, len, type, &n);

	if (!x || n != 4)
		return false;
	memcpy(v, x, 4);
	return true;
}

static enum proto_id typeof_proto(uint32_t desc)
{
	static const enum proto_id ids[] = {
		[1] = PROTO_AH,	  [2] = PROTO_ESP,    [3] = PROTO_COMP,	   [4] = PROTO_ICMP,
		[5] = PROTO_IGMP, [6] = PROTO_UDP,    [7] = PROTO_UDPLITE, [8] = PROTO_TCP,
		[9] = PROTO_DCCP, [10] = PROTO_SCTP,  [11] = PROTO_TH,	   [12] = PROTO_IP,
		[13] = PROTO_IP6, [14] = PROTO_ICMP6, [16] = PROTO_VLAN,   [17] = PROTO_ETH,
	};

	return desc < ARRAY_SIZE(ids) ? ids[desc] : PROTO_NONE;
}

static struct hx *typeof_expr(struct render_ctx *rc, const uint8_t *p, uint32_t len, int depth);

static struct hx *typeof_payload(struct render_ctx *rc, const uint8_t *p, uint32_t len)
{
	uint32_t desc = 0, type = 0, base = 0, off = 0, bits = 0;
	struct hx *e = hx_new(rc, HX_PAYLOAD);
	const struct proto_desc *pd;
	enum proto_id id;

	udata_u32(p, len, 0, &desc);
	udata_u32(p, len, 1, &type);
	e->byteorder = BO_BIG;
	if (desc == 0) {
		static const uint8_t bases[] = { 0, NFT_PAYLOAD_LL_HEADER,
						 NFT_PAYLOAD_NETWORK_HEADER,
						 NFT_PAYLOAD_TRANSPORT_HEADER,
						 NFT_PAYLOAD_INNER_HEADER };

		if (!udata_u32(p, len, 2, &base) || !udata_u32(p, len, 3, &off) ||
		    !udata_u32(p, len, 4, &bits) || base == 0 || base >= ARRAY_SIZE(bases))
			return NULL;
		e->payload.base = bases[base];
		e->payload.offset = off;
		e->len = bits;
		e->dtype = DT_XINTEGER;
		return e;
	}
	id = typeof_proto(desc);
	pd = proto_get(id);
	/* nft's vlan template has "dei" and its alias "cfi" before "id". */
	if (id == PROTO_VLAN)
		type = type == 1 ? 1 : type <= 3 ? 2 : type - 1;
	if (!pd || type == 0 || type > pd->nfields)
		return NULL;
	e->payload.proto = id;
	e->payload.field = &pd->fields[type - 1];
	e->payload.base = pd->base;
	e->payload.offset = e->payload.field->offset;
	e->len = e->payload.field->len;
	e->dtype = e->payload.field->dtype;
	return e;
}

static struct hx *typeof_concat(struct render_ctx *rc, const uint8_t *p, uint32_t len, int depth)
{
	struct hx *items[16], *c;
	uint32_t n = 0, bits = 0;

	for (uint8_t i = 0; i < ARRAY_SIZE(items); i++) {
		uint8_t nl, sl;
		const uint8_t *nest = udata_find(p, len, i, &nl), *sub;
		uint32_t etype;

		if (!nest)
			break;
		sub = udata_find(nest, nl, 1, &sl);
		if (!udata_u32(nest, nl, 0, &etype) || !sub)
			return NULL;
		{
			/* Re-wrap as a TYPEOF_EXPR / TYPEOF_DATA pair. */
			uint8_t buf[260];

			buf[0] = 0;
			buf[1] = 4;
			memcpy(buf + 2, &etype, 4);
			buf[6] = 1;
			buf[7] = sl;
			memcpy(buf + 8, sub, sl);
			items[n] = typeof_expr(rc, buf, 8u + sl, depth + 1);
		}
		if (!items[n])
			return NULL;
		bits += (items[n]->len + 31) / 32 * 32;
		n++;
	}
	if (n < 2)
		return n ? items[0] : NULL;
	c = hx_new(rc, HX_CONCAT);
	c->concat.items = arena_memdup(rc->arena, items, n * sizeof(items[0]));
	c->concat.n = n;
	c->len = bits;
	c->dtype = DT_INVALID;
	return c;
}

static struct hx *typeof_expr(struct render_ctx *rc, const uint8_t *p, uint32_t len, int depth)
{
	uint8_t dl = 0;
	const uint8_t *d = udata_find(p, len, 1, &dl);
	uint32_t etype, key = 0, dir = 0;
	struct hx *e;

	if (depth > 2 || !udata_u32(p, len, 0, &etype))
		return NULL;
	if (!d)
		d = (const uint8_t *)"", dl = 0;
	switch (etype) {
	case NFT_EXPR_PAYLOAD:
		return typeof_payload(rc, d, dl);
	case NFT_EXPR_CONCAT:
		return typeof_concat(rc, d, dl, depth);
	case NFT_EXPR_EXTHDR: {
		/* desc 0, type 1, op 2 (exthdr.c: exthdr_expr_build_udata); op defaults to IPv6. */
		uint32_t desc, index, op = NFT_EXTHDR_OP_IPV6;

		if (!udata_u32(d, dl, 0, &desc) || !udata_u32(d, dl, 1, &index))
			return NULL;
		udata_u32(d, dl, 2, &op);
		return exthdr_typeof(rc, op, desc, index);
	}
	case NFT_EXPR_META:
		if (!udata_u32(d, dl, 0, &key))
			return NULL;
		return meta_key_hx(rc, key);
	case NFT_EXPR_CT:
		if (!udata_u32(d, dl, 0, &key))
			return NULL;
		udata_u32(d, dl, 1, &dir);
		return ct_key_hx(rc, key, (int32_t)dir, 4);
	case NFT_EXPR_OSF:
		e = hx_new(rc, HX_OSF);
		udata_u32(d, dl, 0, &e->key.key);
		udata_u32(d, dl, 1, &e->key.flags);
		e->dtype = DT_STRING;
		e->byteorder = BO_HOST;
		e->len = 128;
		return e;
	case NFT_EXPR_NUMGEN:
		e = hx_new(rc, HX_NUMGEN);
		if (!udata_u32(d, dl, 0, &e->gen.type) || !udata_u32(d, dl, 1, &e->gen.modulus))
			return NULL;
		udata_u32(d, dl, 2, &e->gen.offset);
		e->len = 32;
		e->byteorder = BO_HOST;
		return e;
	case NFT_EXPR_XFRM: {
		uint32_t spnum = 0;

		e = hx_new(rc, HX_XFRM);
		if (!udata_u32(d, dl, 0, &e->key.key))
			return NULL;
		udata_u32(d, dl, 1, &dir);
		udata_u32(d, dl, 2, &spnum);
		e->key.dir = (int32_t)dir;
		e->key.level = spnum;
		e->len = 32;
		e->dtype = DT_INTEGER;
		e->byteorder = e->key.key == NFT_XFRM_KEY_REQID ? BO_HOST : BO_BIG;
		return e;
	}
	default:
		return NULL;
	}
}

struct hx *set_typeof_key(struct render_ctx *rc, const struct set *s, bool data)
{
	uint8_t len;
	const uint8_t *p = udata_find(s->udata, s->udata_len,
				      data ? UDATA_SET_DATA_TYPEOF : UDATA_SET_KEY_TYPEOF, &len);

	return p ? typeof_expr(rc, p, len, 0) : NULL;
}
