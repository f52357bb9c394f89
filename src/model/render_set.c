// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Set elements as nft prints them: interval sets are sorted and their
 * start/end pairs merged back into ranges and prefixes (nftables
 * interval_map_decompose()); other sets keep the kernel's order.
 */
#include <stdlib.h>
#include <string.h>
#include <libnftnl/udata.h>
#include <linux/netfilter/nf_tables.h>

#include "fwaudit/util.h"
#include "render_internal.h"

static enum byteorder set_key_byteorder(const struct set *s, uint32_t dt, bool data)
{
	uint8_t len;
	const uint8_t *v = udata_find(
		s->udata, s->udata_len,
		data ? NFTNL_UDATA_SET_DATABYTEORDER : NFTNL_UDATA_SET_KEYBYTEORDER, &len);

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
		if (dt == DT_MARK)
			it->byteorder = BO_BIG;
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
		memcpy(v->norm, tmp, n);
	} else {
		n = e->key_len < sizeof(tmp) ? e->key_len : sizeof(tmp);
		for (uint32_t i = 0; i < n; i++)
			v->norm[i] = key->byteorder == BO_HOST ? e->key[n - 1 - i] : e->key[i];
	}
	v->nlen = n;
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
	if (e->expiration) {
		strbuf_addstr(out, " expires ");
		time_print(out, e->expiration);
	}
	c = udata_find(e->udata, e->udata_len, NFTNL_UDATA_SET_ELEM_COMMENT, &len);
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
			       key->kind == HX_CT
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

	if (!memcmp(lo, hi, n)) {
		hx_print_as(rc, out, a, key);
		return;
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
	hx_print_as(rc, out, a, key);
	strbuf_addch(out, '-');
	hx_print_as(rc, out, b, key);
}

static void print_concat_range(struct render_ctx *rc, struct strbuf *out, const struct elem *e,
			       const struct hx *key)
{
	uint32_t off = 0;

	if (key->kind != HX_CONCAT) {
		print_range(rc, out, e->key, e->key_end ? e->key_end : e->key, e->key_len, key);
		return;
	}
	for (uint32_t i = 0; i < key->concat.n; i++) {
		const struct hx *it = key->concat.items[i];
		uint32_t n = (it->len + 7) / 8;

		if (i)
			strbuf_addstr(out, " . ");
		if (off + n > e->key_len)
			break;
		print_range(rc, out, e->key + off, (e->key_end ? e->key_end : e->key) + off, n, it);
		off += (n + 3) / 4 * 4;
	}
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

	(void)sep;
	(void)indent;
	if (!key)
		key = set_type_hx(rc, s, false);
	if (!data && (s->has_data_type))
		data = set_type_hx(rc, s, true);
	if (key->kind != HX_CONCAT && key->byteorder == BO_HOST) {
		struct hx *k = hx_new(rc, key->kind);

		*k = *key;
		k->byteorder = BO_BIG;
		be_key = k;
	} else {
		be_key = key;
	}
	for (uint32_t i = 0; i < n; i++) {
		v[i].e = &s->elems[i];
		sort_key(&v[i], key);
	}
	/* Concatenated intervals keep the kernel's (insertion) order. */
	if (interval)
		qsort(v, n, sizeof(*v), elem_cmp);
	else if (!pipapo)
		qsort(v, n, sizeof(*v), value_cmp);
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
			if (i + 1 < n && (v[i + 1].e->flags & NFT_SET_ELEM_INTERVAL_END)) {
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
	free(v);
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

struct hx *set_typeof_key(struct render_ctx *rc, const struct set *s, bool data)
{
	(void)rc;
	(void)s;
	(void)data;
	return NULL;
}
