// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Netlink message -> model. Only this module knows the wire format; the
 * model keeps what the kernel sent, decoded by the tables in attrs.c.
 * Every length is checked before it is trusted: the input is untrusted in
 * the fuzz target and in tests that feed truncated messages.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/udata.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "fwaudit/model.h"
#include "fwaudit/nl.h"
#include "fwaudit/util.h"

/* Attributes of one nest, indexed by type; NULL when absent. */
#define MAX_ATTR 32

struct attrs {
	const struct nlattr *tb[MAX_ATTR];
};

static bool attr_ok(const struct nlattr *a, const void *end)
{
	return (const char *)a + sizeof(*a) <= (const char *)end && a->nla_len >= sizeof(*a) &&
	       (const char *)a + a->nla_len <= (const char *)end;
}

/* Walk attributes in [start, start+len); -EINVAL if one overruns. */
static int attrs_parse(struct attrs *out, const void *start, size_t len)
{
	const struct nlattr *a = start;
	const void *end = (const char *)start + len;

	memset(out, 0, sizeof(*out));
	while ((const char *)a < (const char *)end) {
		if ((const char *)end - (const char *)a < (ptrdiff_t)sizeof(*a))
			break; /* trailing padding */
		if (!attr_ok(a, end))
			return -EINVAL;
		if (mnl_attr_get_type(a) < MAX_ATTR)
			out->tb[mnl_attr_get_type(a)] = a;
		a = (const struct nlattr *)((const char *)a + MNL_ALIGN(a->nla_len));
	}
	return 0;
}

static int attrs_nested(struct attrs *out, const struct nlattr *nest)
{
	return attrs_parse(out, mnl_attr_get_payload(nest), mnl_attr_get_payload_len(nest));
}

static bool get_u32(const struct attrs *at, int type, uint32_t *v)
{
	const struct nlattr *a = at->tb[type];

	if (!a || mnl_attr_get_payload_len(a) < 4)
		return false;
	*v = ntohl(mnl_attr_get_u32(a));
	return true;
}

static bool get_u64(const struct attrs *at, int type, uint64_t *v)
{
	const struct nlattr *a = at->tb[type];
	uint64_t x;

	if (!a || mnl_attr_get_payload_len(a) < 8)
		return false;
	memcpy(&x, mnl_attr_get_payload(a), 8);
	*v = be64toh(x);
	return true;
}

/* A string attribute copied into the arena; NULL if absent or unterminated. */
static char *get_str(struct ruleset *rs, const struct attrs *at, int type)
{
	const struct nlattr *a = at->tb[type];
	const char *p;
	size_t n;

	if (!a)
		return NULL;
	p = mnl_attr_get_payload(a);
	n = mnl_attr_get_payload_len(a);
	if (n == 0 || !memchr(p, '\0', n))
		return NULL;
	return arena_strdup(rs->arena, p);
}

static uint8_t *get_bin(struct ruleset *rs, const struct attrs *at, int type, uint32_t *len)
{
	const struct nlattr *a = at->tb[type];

	*len = 0;
	if (!a)
		return NULL;
	*len = mnl_attr_get_payload_len(a);
	return arena_bytesdup(rs->arena, mnl_attr_get_payload(a), *len);
}

static int decode_verdict(struct ruleset *rs, const struct nlattr *nest, struct verdict **out)
{
	struct attrs at;
	struct verdict *v;
	uint32_t code;

	if (attrs_nested(&at, nest) < 0 || !get_u32(&at, NFTA_VERDICT_CODE, &code))
		return -EINVAL;
	v = arena_alloc(rs->arena, sizeof(*v));
	v->code = (int32_t)code;
	if (at.tb[NFTA_VERDICT_CHAIN]) {
		v->chain = get_str(rs, &at, NFTA_VERDICT_CHAIN);
		if (!v->chain)
			return -EINVAL;
	}
	*out = v;
	return 0;
}

/* NFTA_DATA nest: a value or a verdict, stored in @dst. */
static int decode_data(struct ruleset *rs, const struct nlattr *nest, struct attr *dst)
{
	struct attrs at;

	if (attrs_nested(&at, nest) < 0)
		return -EINVAL;
	dst->kind = ATTR_DATA;
	if (at.tb[NFTA_DATA_VERDICT]) {
		dst->len = 0;
		dst->is_verdict = 1;
		return decode_verdict(rs, at.tb[NFTA_DATA_VERDICT], &dst->verdict);
	}
	if (!at.tb[NFTA_DATA_VALUE])
		return -EINVAL;
	dst->len = mnl_attr_get_payload_len(at.tb[NFTA_DATA_VALUE]);
	dst->bytes =
		arena_bytesdup(rs->arena, mnl_attr_get_payload(at.tb[NFTA_DATA_VALUE]), dst->len);
	return 0;
}

static int decode_expr_list(struct ruleset *rs, const struct nlattr *nest, struct expr_list *out);
static int decode_one_expr(struct ruleset *rs, const struct nlattr *elem, struct expr *e);

/* Fill @dst from @a as @kind says; an attribute that does not fit is kept raw. */
static int decode_attr(struct ruleset *rs, const struct nlattr *a, uint8_t kind, struct attr *dst)
{
	const void *p = mnl_attr_get_payload(a);
	uint32_t n = mnl_attr_get_payload_len(a);
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	dst->type = mnl_attr_get_type(a);
	dst->kind = kind;
	switch (kind) {
	case ATTR_U8:
		if (n < 1)
			goto raw;
		dst->num = *(const uint8_t *)p;
		return 0;
	case ATTR_U16:
		if (n < 2)
			goto raw;
		memcpy(&u16, p, 2);
		dst->num = ntohs(u16);
		return 0;
	case ATTR_U32:
		if (n < 4)
			goto raw;
		memcpy(&u32, p, 4);
		dst->num = ntohl(u32);
		return 0;
	case ATTR_U32_HOST:
		if (n < 4)
			goto raw;
		memcpy(&u32, p, 4);
		dst->num = u32;
		return 0;
	case ATTR_U64:
		if (n < 8)
			goto raw;
		memcpy(&u64, p, 8);
		dst->num = be64toh(u64);
		return 0;
	case ATTR_STR:
		if (n == 0 || !memchr(p, '\0', n))
			goto raw;
		dst->str = arena_strdup(rs->arena, p);
		return 0;
	case ATTR_DATA:
		if (decode_data(rs, a, dst) < 0)
			goto raw;
		return 0;
	case ATTR_EXPR:
		dst->exprs = arena_alloc(rs->arena, sizeof(*dst->exprs));
		dst->exprs->n = 1;
		dst->exprs->v = arena_alloc(rs->arena, sizeof(struct expr));
		return decode_one_expr(rs, a, dst->exprs->v);
	case ATTR_EXPRS:
		dst->exprs = arena_alloc(rs->arena, sizeof(*dst->exprs));
		return decode_expr_list(rs, a, dst->exprs);
	default:
		break;
	}
raw:
	dst->kind = ATTR_BIN;
	dst->len = n;
	dst->bytes = arena_bytesdup(rs->arena, p, n);
	return 0;
}

/* Decode the attributes of a nest as described by @d (NULL: all raw). */
static int decode_body(struct ruleset *rs, const struct expr_desc *d, const struct nlattr *data,
		       struct expr *e)
{
	const void *start = mnl_attr_get_payload(data);
	const void *end = (const char *)start + mnl_attr_get_payload_len(data);
	const struct nlattr *a;
	uint16_t n = 0, i = 0;

	for (a = start; attr_ok(a, end);
	     a = (const void *)((const char *)a + MNL_ALIGN(a->nla_len)))
		n++;
	e->attrs = n ? arena_alloc(rs->arena, n * sizeof(struct attr)) : NULL;
	for (a = start; i < n; a = (const void *)((const char *)a + MNL_ALIGN(a->nla_len))) {
		const struct attr_desc *ad = expr_desc_attr(d, mnl_attr_get_type(a));
		int ret = decode_attr(rs, a, ad ? ad->kind : ATTR_BIN, &e->attrs[i++]);

		if (ret < 0)
			return ret;
	}
	e->nattrs = n;
	return 0;
}

/* An expression: NFTA_EXPR_NAME + NFTA_EXPR_DATA inside @elem. */
static int decode_one_expr(struct ruleset *rs, const struct nlattr *elem, struct expr *e)
{
	const struct expr_desc *d;
	struct attrs at;
	char *name;

	if (attrs_nested(&at, elem) < 0)
		return -EINVAL;
	{
		const struct nlattr *na = at.tb[NFTA_EXPR_NAME];
		size_t n = na ? mnl_attr_get_payload_len(na) : 0;

		if (!n || !memchr(mnl_attr_get_payload(na), '\0', n))
			return -EINVAL;
		/* Known names point at the static table: no copy per expression. */
		d = expr_desc_find(mnl_attr_get_payload(na));
		name = d ? NULL : arena_strdup(rs->arena, mnl_attr_get_payload(na));
	}
	e->name = d ? d->name : name;
	e->known = d != NULL;
	if (!at.tb[NFTA_EXPR_DATA])
		return 0;
	return decode_body(rs, d, at.tb[NFTA_EXPR_DATA], e);
}

static int decode_expr_list(struct ruleset *rs, const struct nlattr *nest, struct expr_list *out)
{
	const void *start = mnl_attr_get_payload(nest);
	const void *end = (const char *)start + mnl_attr_get_payload_len(nest);
	const struct nlattr *a;
	uint32_t n = 0, i = 0;

	for (a = start; attr_ok(a, end);
	     a = (const void *)((const char *)a + MNL_ALIGN(a->nla_len)))
		n++;
	out->n = 0;
	out->v = n ? arena_alloc(rs->arena, n * sizeof(struct expr)) : NULL;
	for (a = start; i < n; a = (const void *)((const char *)a + MNL_ALIGN(a->nla_len))) {
		if (mnl_attr_get_type(a) != NFTA_LIST_ELEM)
			return -EINVAL;
		if (decode_one_expr(rs, a, &out->v[i++]) < 0)
			return -EINVAL;
	}
	out->n = n;
	return 0;
}

static int decode_devices(struct ruleset *rs, const struct nlattr *nest, char ***devs, uint32_t *n)
{
	const void *start = mnl_attr_get_payload(nest);
	const void *end = (const char *)start + mnl_attr_get_payload_len(nest);
	const struct nlattr *a;
	uint32_t cnt = 0;

	for (a = start; attr_ok(a, end);
	     a = (const void *)((const char *)a + MNL_ALIGN(a->nla_len)))
		cnt++;
	*devs = arena_alloc(rs->arena, (cnt ? cnt : 1) * sizeof(char *));
	*n = 0;
	for (a = start; *n < cnt; a = (const void *)((const char *)a + MNL_ALIGN(a->nla_len))) {
		const char *p = mnl_attr_get_payload(a);
		size_t len = mnl_attr_get_payload_len(a);

		if (!len || !memchr(p, '\0', len))
			return -EINVAL;
		(*devs)[(*n)++] = arena_strdup(rs->arena, p);
	}
	return 0;
}

static char *udata_comment(struct ruleset *rs, const uint8_t *udata, uint32_t len, uint8_t type)
{
	uint8_t vlen;
	const uint8_t *v = udata_find(udata, len, type, &vlen);

	if (!v || !vlen)
		return NULL;
	return arena_strndup(rs->arena, (const char *)v, strnlen((const char *)v, vlen));
}

static struct table *find_parent(struct ruleset *rs, uint32_t family, struct attrs *at, int type)
{
	const struct nlattr *a = at->tb[type];
	size_t n;

	if (!a)
		return NULL;
	n = mnl_attr_get_payload_len(a);
	if (!n || !memchr(mnl_attr_get_payload(a), '\0', n))
		return NULL;
	return ruleset_find_table(rs, family, mnl_attr_get_payload(a));
}

static int decode_table(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	char *name = get_str(rs, at, NFTA_TABLE_NAME);
	struct table *t;

	if (!name)
		return -EINVAL;
	t = ruleset_add_table(rs, family, name);
	get_u32(at, NFTA_TABLE_FLAGS, &t->flags);
	get_u64(at, NFTA_TABLE_HANDLE, &t->handle);
	t->udata = get_bin(rs, at, NFTA_TABLE_USERDATA, &t->udata_len);
	t->comment = udata_comment(rs, t->udata, t->udata_len, NFTNL_UDATA_TABLE_COMMENT);
	return 0;
}

static int decode_hook(struct ruleset *rs, const struct nlattr *nest, uint32_t *hooknum,
		       int32_t *prio, char ***devs, uint32_t *ndevs)
{
	struct attrs hk;
	uint32_t p = 0;

	if (attrs_nested(&hk, nest) < 0 || !get_u32(&hk, NFTA_HOOK_HOOKNUM, hooknum))
		return -EINVAL;
	get_u32(&hk, NFTA_HOOK_PRIORITY, &p);
	*prio = (int32_t)p;
	if (hk.tb[NFTA_HOOK_DEVS])
		return decode_devices(rs, hk.tb[NFTA_HOOK_DEVS], devs, ndevs);
	if (hk.tb[NFTA_HOOK_DEV]) {
		char *d = get_str(rs, &hk, NFTA_HOOK_DEV);

		if (!d)
			return -EINVAL;
		*devs = arena_alloc(rs->arena, sizeof(char *));
		(*devs)[0] = d;
		*ndevs = 1;
	}
	return 0;
}

/* @c's own attributes from @at (rules and name stay). */
static int fill_chain(struct ruleset *rs, struct chain *c, struct attrs *at)
{
	get_u64(at, NFTA_CHAIN_HANDLE, &c->handle);
	if (at->tb[NFTA_CHAIN_HOOK]) {
		c->base = true;
		if (decode_hook(rs, at->tb[NFTA_CHAIN_HOOK], &c->hooknum, &c->priority, &c->devices,
				&c->ndevices) < 0)
			return -EINVAL;
	}
	c->has_policy = get_u32(at, NFTA_CHAIN_POLICY, &c->policy);
	c->type = get_str(rs, at, NFTA_CHAIN_TYPE);
	get_u32(at, NFTA_CHAIN_FLAGS, &c->flags);
	c->udata = get_bin(rs, at, NFTA_CHAIN_USERDATA, &c->udata_len);
	c->comment = udata_comment(rs, c->udata, c->udata_len, NFTNL_UDATA_CHAIN_COMMENT);
	return 0;
}

static int decode_chain(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	struct table *t = find_parent(rs, family, at, NFTA_CHAIN_TABLE);
	char *name = get_str(rs, at, NFTA_CHAIN_NAME);

	if (!name)
		return -EINVAL;
	if (!t)
		return -ENOENT;
	return fill_chain(rs, table_add_chain(rs, t, name), at);
}

static int decode_rule(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	struct table *t = find_parent(rs, family, at, NFTA_RULE_TABLE);
	const struct nlattr *ca = at->tb[NFTA_RULE_CHAIN];
	struct chain *c;
	struct rule *r;
	struct expr_list exprs = { 0, NULL };

	if (!ca || !mnl_attr_get_payload_len(ca) ||
	    !memchr(mnl_attr_get_payload(ca), '\0', mnl_attr_get_payload_len(ca)))
		return -EINVAL;
	if (!t)
		return -ENOENT;
	c = table_find_chain(t, mnl_attr_get_payload(ca));
	if (!c)
		return -ENOENT;
	if (at->tb[NFTA_RULE_EXPRESSIONS] &&
	    decode_expr_list(rs, at->tb[NFTA_RULE_EXPRESSIONS], &exprs) < 0)
		return -EINVAL;
	r = chain_add_rule(rs, c);
	r->exprs = exprs;
	get_u64(at, NFTA_RULE_HANDLE, &r->handle);
	r->udata = get_bin(rs, at, NFTA_RULE_USERDATA, &r->udata_len);
	r->comment = udata_comment(rs, r->udata, r->udata_len, NFTNL_UDATA_RULE_COMMENT);
	return 0;
}

static int decode_set(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	struct table *t = find_parent(rs, family, at, NFTA_SET_TABLE);
	char *name = get_str(rs, at, NFTA_SET_NAME);
	struct set *s;

	if (!name)
		return -EINVAL;
	if (!t)
		return -ENOENT;
	s = table_add_set(rs, t, name);
	get_u32(at, NFTA_SET_FLAGS, &s->flags);
	get_u32(at, NFTA_SET_KEY_TYPE, &s->key_type);
	get_u32(at, NFTA_SET_KEY_LEN, &s->key_len);
	s->has_data_type = get_u32(at, NFTA_SET_DATA_TYPE, &s->data_type);
	get_u32(at, NFTA_SET_DATA_LEN, &s->data_len);
	s->has_obj_type = get_u32(at, NFTA_SET_OBJ_TYPE, &s->obj_type);
	s->has_policy = get_u32(at, NFTA_SET_POLICY, &s->policy);
	get_u64(at, NFTA_SET_TIMEOUT, &s->timeout);
	get_u32(at, NFTA_SET_GC_INTERVAL, &s->gc_interval);
	get_u64(at, NFTA_SET_HANDLE, &s->handle);
	s->udata = get_bin(rs, at, NFTA_SET_USERDATA, &s->udata_len);
	if (at->tb[NFTA_SET_DESC]) {
		struct attrs desc;

		if (attrs_nested(&desc, at->tb[NFTA_SET_DESC]) < 0)
			return -EINVAL;
		s->has_desc_size = get_u32(&desc, NFTA_SET_DESC_SIZE, &s->desc_size);
		if (desc.tb[NFTA_SET_DESC_CONCAT]) {
			const struct nlattr *f;

			mnl_attr_for_each_nested(f, desc.tb[NFTA_SET_DESC_CONCAT])
			{
				struct attrs fa;
				uint32_t len;

				if (attrs_nested(&fa, f) < 0 ||
				    !get_u32(&fa, NFTA_SET_FIELD_LEN, &len))
					return -EINVAL;
				if (s->nfields < ARRAY_SIZE(s->field_len))
					s->field_len[s->nfields++] = len;
			}
		}
	}
	if (at->tb[NFTA_SET_EXPRESSIONS]) {
		if (decode_expr_list(rs, at->tb[NFTA_SET_EXPRESSIONS], &s->exprs) < 0)
			return -EINVAL;
	} else if (at->tb[NFTA_SET_EXPR]) {
		s->exprs.v = arena_alloc(rs->arena, sizeof(struct expr));
		if (decode_one_expr(rs, at->tb[NFTA_SET_EXPR], s->exprs.v) < 0)
			return -EINVAL;
		s->exprs.n = 1;
	}
	return 0;
}

static int decode_key(struct ruleset *rs, const struct nlattr *a, uint8_t **key, uint32_t *len)
{
	struct attr tmp = { 0 };

	if (decode_data(rs, a, &tmp) < 0 || attr_is_verdict(&tmp))
		return -EINVAL;
	*key = tmp.bytes;
	*len = tmp.len;
	return 0;
}

static int decode_elem(struct ruleset *rs, struct set *s, const struct nlattr *nest)
{
	struct attrs at;
	struct elem e;

	memset(&e, 0, sizeof(e));
	if (attrs_nested(&at, nest) < 0)
		return -EINVAL;
	get_u32(&at, NFTA_SET_ELEM_FLAGS, &e.flags);
	if (at.tb[NFTA_SET_ELEM_KEY] &&
	    decode_key(rs, at.tb[NFTA_SET_ELEM_KEY], &e.key, &e.key_len) < 0)
		return -EINVAL;
	if (at.tb[NFTA_SET_ELEM_KEY_END] &&
	    decode_key(rs, at.tb[NFTA_SET_ELEM_KEY_END], &e.key_end, &e.key_end_len) < 0)
		return -EINVAL;
	if (at.tb[NFTA_SET_ELEM_DATA]) {
		struct attr tmp = { 0 };

		if (decode_data(rs, at.tb[NFTA_SET_ELEM_DATA], &tmp) < 0)
			return -EINVAL;
		if (attr_is_verdict(&tmp)) {
			e.verdict = tmp.verdict;
		} else {
			e.data = tmp.bytes;
			e.data_len = tmp.len;
		}
	}
	get_u64(&at, NFTA_SET_ELEM_TIMEOUT, &e.timeout);
	get_u64(&at, NFTA_SET_ELEM_EXPIRATION, &e.expiration);
	e.objref = get_str(rs, &at, NFTA_SET_ELEM_OBJREF);
	e.udata = get_bin(rs, &at, NFTA_SET_ELEM_USERDATA, &e.udata_len);
	if (at.tb[NFTA_SET_ELEM_EXPRESSIONS]) {
		if (decode_expr_list(rs, at.tb[NFTA_SET_ELEM_EXPRESSIONS], &e.exprs) < 0)
			return -EINVAL;
	} else if (at.tb[NFTA_SET_ELEM_EXPR]) {
		e.exprs.v = arena_alloc(rs->arena, sizeof(struct expr));
		if (decode_one_expr(rs, at.tb[NFTA_SET_ELEM_EXPR], e.exprs.v) < 0)
			return -EINVAL;
		e.exprs.n = 1;
	}
	*set_add_elem(rs, s) = e;
	return 0;
}

/*
 * struct elem_index - a set's element positions by identity, so that the
 * kernel's deletions (one message per element) each cost one lookup, not
 * a pass over a set of a million. Open addressing; slots hold position + 1,
 * 0 when empty, IX_TOMB when deleted. Kept in the ruleset's arena.
 */
struct elem_index {
	uint32_t cap, used;
	uint32_t *slot;
};

#define IX_TOMB UINT32_MAX

static void ix_put(struct elem_index *ix, const struct set *s, uint32_t pos)
{
	uint32_t h = (uint32_t)elem_identity_hash(&s->elems[pos]) & (ix->cap - 1);

	while (ix->slot[h] && ix->slot[h] != IX_TOMB)
		h = (h + 1) & (ix->cap - 1);
	if (!ix->slot[h])
		ix->used++;
	ix->slot[h] = pos + 1;
}

/* @s's index, built at the first deletion (decode_setelems() keeps it up,
 * or drops it when it would fill past 3/4). */
static struct elem_index *ix_ready(struct ruleset *rs, struct set *s)
{
	uint32_t cap = 16;

	if (s->ix)
		return s->ix;
	while ((uint64_t)cap < 2 * (uint64_t)s->nelems + 16)
		cap <<= 1;
	s->ix = arena_alloc(rs->arena, sizeof(*s->ix));
	s->ix->cap = cap;
	s->ix->slot = arena_alloc(rs->arena, cap * sizeof(*s->ix->slot));
	for (uint32_t i = 0; i < s->nelems; i++)
		ix_put(s->ix, s, i);
	return s->ix;
}

/* The slot holding @e's position, or NULL. */
static uint32_t *ix_find(struct elem_index *ix, const struct set *s, const struct elem *e)
{
	uint32_t h = (uint32_t)elem_identity_hash(e) & (ix->cap - 1);

	for (; ix->slot[h]; h = (h + 1) & (ix->cap - 1))
		if (ix->slot[h] != IX_TOMB && !elem_identity_cmp(&s->elems[ix->slot[h] - 1], e))
			return &ix->slot[h];
	return NULL;
}

/* Remove the element of @s like @e: the last one takes its place (the
 * order is the kernel's hash order anyway). Returns 0 or -ENOENT. */
static int elem_remove(struct ruleset *rs, struct set *s, const struct elem *e)
{
	struct elem_index *ix = ix_ready(rs, s);
	uint32_t *at = ix_find(ix, s, e), pos, last;

	if (!at)
		return -ENOENT;
	pos = *at - 1;
	*at = IX_TOMB;
	last = --s->nelems;
	if (pos != last) {
		uint32_t h = (uint32_t)elem_identity_hash(&s->elems[last]) & (ix->cap - 1);

		while (ix->slot[h] != last + 1)
			h = (h + 1) & (ix->cap - 1);
		ix->slot[h] = pos + 1;
		s->elems[pos] = s->elems[last];
	}
	return 0;
}

static int decode_setelems(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	struct table *t = find_parent(rs, family, at, NFTA_SET_ELEM_LIST_TABLE);
	const struct nlattr *sa = at->tb[NFTA_SET_ELEM_LIST_SET];
	const struct nlattr *e;
	struct set *s;
	uint32_t before;

	if (!sa || !mnl_attr_get_payload_len(sa) ||
	    !memchr(mnl_attr_get_payload(sa), '\0', mnl_attr_get_payload_len(sa)))
		return -EINVAL;
	if (!t)
		return -ENOENT;
	s = table_find_set(t, mnl_attr_get_payload(sa));
	if (!s)
		return -ENOENT;
	if (!at->tb[NFTA_SET_ELEM_LIST_ELEMENTS])
		return 0;
	ruleset_set_changed(rs, s);
	before = s->nelems;
	mnl_attr_for_each_nested(e, at->tb[NFTA_SET_ELEM_LIST_ELEMENTS])
	{
		if (!attr_ok(e, (const char *)mnl_attr_get_payload(
					at->tb[NFTA_SET_ELEM_LIST_ELEMENTS]) +
					mnl_attr_get_payload_len(
						at->tb[NFTA_SET_ELEM_LIST_ELEMENTS])) ||
		    decode_elem(rs, s, e) < 0) {
			s->nelems = before;
			return -EINVAL;
		}
	}
	if (s->ix) {
		uint32_t added = s->nelems - before;

		if ((uint64_t)(s->ix->used + added) * 4 <= (uint64_t)s->ix->cap * 3)
			for (uint32_t i = before; i < s->nelems; i++)
				ix_put(s->ix, s, i);
		else
			s->ix = NULL; /* built again at the next deletion */
	}
	return 0;
}

static int decode_obj(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	struct table *t = find_parent(rs, family, at, NFTA_OBJ_TABLE);
	char *name = get_str(rs, at, NFTA_OBJ_NAME);
	const struct expr_desc *d;
	struct obj *o;
	uint32_t type;

	if (!name || !get_u32(at, NFTA_OBJ_TYPE, &type))
		return -EINVAL;
	if (!t)
		return -ENOENT;
	d = obj_desc_find(type);
	o = table_add_obj(rs, t, name);
	o->type = type;
	o->body.name = d ? d->name : "unknown";
	o->body.known = d != NULL;
	get_u64(at, NFTA_OBJ_HANDLE, &o->handle);
	o->udata = get_bin(rs, at, NFTA_OBJ_USERDATA, &o->udata_len);
	o->comment = udata_comment(rs, o->udata, o->udata_len, NFTNL_UDATA_OBJ_COMMENT);
	if (at->tb[NFTA_OBJ_DATA])
		return decode_body(rs, d, at->tb[NFTA_OBJ_DATA], &o->body);
	return 0;
}

static int decode_flowtable(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	struct table *t = find_parent(rs, family, at, NFTA_FLOWTABLE_TABLE);
	char *name = get_str(rs, at, NFTA_FLOWTABLE_NAME);
	struct flowtable *f;

	if (!name)
		return -EINVAL;
	if (!t)
		return -ENOENT;
	f = table_add_flowtable(rs, t, name);
	get_u64(at, NFTA_FLOWTABLE_HANDLE, &f->handle);
	get_u32(at, NFTA_FLOWTABLE_FLAGS, &f->flags);
	if (at->tb[NFTA_FLOWTABLE_HOOK]) {
		struct attrs hk;
		uint32_t p = 0;

		if (attrs_nested(&hk, at->tb[NFTA_FLOWTABLE_HOOK]) < 0)
			return -EINVAL;
		get_u32(&hk, NFTA_FLOWTABLE_HOOK_NUM, &f->hooknum);
		get_u32(&hk, NFTA_FLOWTABLE_HOOK_PRIORITY, &p);
		f->priority = (int32_t)p;
		if (hk.tb[NFTA_FLOWTABLE_HOOK_DEVS] &&
		    decode_devices(rs, hk.tb[NFTA_FLOWTABLE_HOOK_DEVS], &f->devices, &f->ndevices) <
			    0)
			return -EINVAL;
	}
	return 0;
}

int nl_decode_msg(struct ruleset *rs, const void *msg, size_t len)
{
	const struct nlmsghdr *nlh = msg;
	const struct nfgenmsg *nfg;
	struct attrs at;
	size_t hdr = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));

	if (len < hdr || nlh->nlmsg_len < hdr || nlh->nlmsg_len > len)
		return -EINVAL;
	nfg = mnl_nlmsg_get_payload(nlh);
	if (attrs_parse(&at, (const char *)msg + hdr, nlh->nlmsg_len - hdr) < 0)
		return -EINVAL;
	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case NFT_MSG_NEWTABLE:
		return decode_table(rs, nfg->nfgen_family, &at);
	case NFT_MSG_NEWCHAIN:
		return decode_chain(rs, nfg->nfgen_family, &at);
	case NFT_MSG_NEWRULE:
		return decode_rule(rs, nfg->nfgen_family, &at);
	case NFT_MSG_NEWSET:
		return decode_set(rs, nfg->nfgen_family, &at);
	case NFT_MSG_NEWSETELEM:
		return decode_setelems(rs, nfg->nfgen_family, &at);
	case NFT_MSG_NEWOBJ:
		return decode_obj(rs, nfg->nfgen_family, &at);
	case NFT_MSG_NEWFLOWTABLE:
		return decode_flowtable(rs, nfg->nfgen_family, &at);
	default:
		return -EINVAL;
	}
}

/* ---- events: the same messages, applied to a model kept current ---- */

/* A NUL-terminated string attribute, or NULL. */
static const char *attr_cstr(const struct attrs *at, int type)
{
	const struct nlattr *a = at->tb[type];
	size_t n;

	if (!a)
		return NULL;
	n = mnl_attr_get_payload_len(a);
	if (!n || !memchr(mnl_attr_get_payload(a), '\0', n))
		return NULL;
	return mnl_attr_get_payload(a);
}

/* Remove entry @i of a pointer vector of @n. */
#define VEC_DEL(vec, n, i)                                                                         \
	do {                                                                                       \
		memmove(&(vec)[i], &(vec)[(i) + 1], ((n) - (i)-1) * sizeof(*(vec)));               \
		(n)--;                                                                             \
	} while (0)

/* Remove the entry named @nm (may be NULL) from @vec; @ret: 0, or -ENOENT. */
#define DEL_NAMED(vec, n, nm, ret)                                                                 \
	do {                                                                                       \
		(ret) = -ENOENT;                                                                   \
		for (uint32_t i_ = 0; (nm) && i_ < (n); i_++)                                      \
			if (!strcmp((vec)[i_]->name, (nm))) {                                      \
				VEC_DEL(vec, n, i_);                                               \
				(ret) = 0;                                                         \
				break;                                                             \
			}                                                                          \
	} while (0)

static int del_table(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	const char *name = attr_cstr(at, NFTA_TABLE_NAME);

	for (uint32_t i = 0; name && i < rs->ntables; i++)
		if (rs->tables[i]->family == family && !strcmp(rs->tables[i]->name, name)) {
			VEC_DEL(rs->tables, rs->ntables, i);
			return 0;
		}
	return -ENOENT;
}

static int new_table(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	const char *name = attr_cstr(at, NFTA_TABLE_NAME);
	struct table *t = name ? ruleset_find_table(rs, family, name) : NULL;

	if (!t)
		return decode_table(rs, family, at);
	/* an update: flags (dormant), comment */
	get_u32(at, NFTA_TABLE_FLAGS, &t->flags);
	return 0;
}

static int new_chain(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	struct table *t = find_parent(rs, family, at, NFTA_CHAIN_TABLE);
	const char *name = attr_cstr(at, NFTA_CHAIN_NAME);
	struct chain *c;

	if (!t || !name)
		return -ENOENT;
	c = table_find_chain(t, name);
	if (!c)
		return decode_chain(rs, family, at);
	/* an update (policy, hook devices): the kernel sends the whole chain */
	c->version++;
	c->base = false;
	c->has_policy = false;
	c->devices = NULL;
	c->ndevices = 0;
	return fill_chain(rs, c, at);
}

static int del_chain(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	struct table *t = find_parent(rs, family, at, NFTA_CHAIN_TABLE);
	const char *name = attr_cstr(at, NFTA_CHAIN_NAME);
	int ret = -ENOENT;

	if (t)
		DEL_NAMED(t->chains, t->nchains, name, ret);
	return ret;
}

static struct chain *rule_chain(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	struct table *t = find_parent(rs, family, at, NFTA_RULE_TABLE);
	const char *name = attr_cstr(at, NFTA_RULE_CHAIN);

	return t && name ? table_find_chain(t, name) : NULL;
}

/* A new rule goes after the one at NFTA_RULE_POSITION, or first. */
static int new_rule(struct ruleset *rs, uint32_t family, struct attrs *at, uint16_t flags,
		    struct nl_applied *w)
{
	struct chain *c = rule_chain(rs, family, at);
	uint64_t pos = 0;
	uint32_t to = 0;
	struct rule *r;
	int ret;

	if (!c)
		return -ENOENT;
	ret = decode_rule(rs, family, at);
	if (ret < 0)
		return ret;
	/*
	 * The kernel names the rule before only for a rule in the middle
	 * (nf_tables_rule_notify()); otherwise NLM_F_APPEND tells last from
	 * first, except for a replaced first rule, which follows its removal.
	 */
	if (get_u64(at, NFTA_RULE_POSITION, &pos)) {
		while (to + 1 < c->nrules && c->rules[to]->handle != pos)
			to++;
		if (to + 1 == c->nrules)
			return -ENOENT; /* after a rule the model lacks */
		to++;
	} else if ((flags & NLM_F_APPEND) && !(w->removed_first && w->chain == c && w->rule)) {
		to = c->nrules - 1;
	}
	r = c->rules[c->nrules - 1];
	memmove(&c->rules[to + 1], &c->rules[to], (c->nrules - 1 - to) * sizeof(*c->rules));
	c->rules[to] = r;
	w->chain = c;
	w->rule = r;
	w->removed = false;
	w->removed_first = false;
	return 0;
}

static int del_rule(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	struct chain *c = rule_chain(rs, family, at);
	uint64_t handle;

	if (!c || !get_u64(at, NFTA_RULE_HANDLE, &handle))
		return -ENOENT;
	for (uint32_t i = 0; i < c->nrules; i++)
		if (c->rules[i]->handle == handle) {
			VEC_DEL(c->rules, c->nrules, i);
			c->version++;
			return 0;
		}
	return -ENOENT;
}

static int new_set(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	struct table *t = find_parent(rs, family, at, NFTA_SET_TABLE);
	const char *name = attr_cstr(at, NFTA_SET_NAME);

	if (!t || !name)
		return -ENOENT;
	if (table_find_set(t, name))
		return 0; /* an update changes nothing the model keeps */
	return decode_set(rs, family, at);
}

static int del_set(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	struct table *t = find_parent(rs, family, at, NFTA_SET_TABLE);
	const char *name = attr_cstr(at, NFTA_SET_NAME);
	struct set *s = t && name ? table_find_set(t, name) : NULL;

	if (!s)
		return -ENOENT;
	ruleset_set_changed(rs, s);
	table_del_set(rs, t, s);
	return 0;
}

/* Each element of the message, found by key (and key end), removed. */
static int del_setelems(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	struct table *t = find_parent(rs, family, at, NFTA_SET_ELEM_LIST_TABLE);
	const char *name = attr_cstr(at, NFTA_SET_ELEM_LIST_SET);
	struct set *s = t && name ? table_find_set(t, name) : NULL;
	struct ruleset *scratch;
	struct set *gone;
	int ret = 0;

	if (!s)
		return -ENOENT;
	ruleset_set_changed(rs, s);
	/* decode into a scratch set of the same shape, then match */
	scratch = ruleset_new();
	gone = table_add_set(scratch, ruleset_add_table(scratch, family, t->name), name);
	if (at->tb[NFTA_SET_ELEM_LIST_ELEMENTS]) {
		const struct nlattr *e;

		mnl_attr_for_each_nested(
			e, at->tb[NFTA_SET_ELEM_LIST_ELEMENTS]) if (decode_elem(scratch, gone, e) <
								    0) ret = -EINVAL;
	}
	for (uint32_t k = 0; k < gone->nelems && !ret; k++)
		ret = elem_remove(rs, s, &gone->elems[k]);
	ruleset_free(scratch);
	return ret;
}

static int del_obj(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	struct table *t = find_parent(rs, family, at, NFTA_OBJ_TABLE);
	const char *name = attr_cstr(at, NFTA_OBJ_NAME);
	int ret = -ENOENT;

	if (t)
		DEL_NAMED(t->objs, t->nobjs, name, ret);
	return ret;
}

static int del_flowtable(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	struct table *t = find_parent(rs, family, at, NFTA_FLOWTABLE_TABLE);
	const char *name = attr_cstr(at, NFTA_FLOWTABLE_NAME);
	int ret = -ENOENT;

	if (t)
		DEL_NAMED(t->flowtables, t->nflowtables, name, ret);
	return ret;
}

/* An update of an object or a flowtable: the kernel sends it whole. */
static int new_obj(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	del_obj(rs, family, at);
	return decode_obj(rs, family, at);
}

static int new_flowtable(struct ruleset *rs, uint32_t family, struct attrs *at)
{
	del_flowtable(rs, family, at);
	return decode_flowtable(rs, family, at);
}

/* What an event names, for the caller's report (before a removal). */
static void describe(struct ruleset *rs, uint32_t type, uint32_t fam, struct attrs *at,
		     struct nl_applied *w)
{
	static const struct {
		uint32_t type;
		const char *object;
		int table;
		int name;
		bool removed;
	} kinds[] = {
		{ NFT_MSG_NEWTABLE, "table", NFTA_TABLE_NAME, 0 },
		{ NFT_MSG_DELTABLE, "table", NFTA_TABLE_NAME, 0, true },
		{ NFT_MSG_NEWCHAIN, "chain", NFTA_CHAIN_TABLE, NFTA_CHAIN_NAME },
		{ NFT_MSG_DELCHAIN, "chain", NFTA_CHAIN_TABLE, NFTA_CHAIN_NAME, true },
		{ NFT_MSG_NEWRULE, "rule", NFTA_RULE_TABLE, NFTA_RULE_CHAIN },
		{ NFT_MSG_DELRULE, "rule", NFTA_RULE_TABLE, NFTA_RULE_CHAIN, true },
		{ NFT_MSG_NEWSET, "set", NFTA_SET_TABLE, NFTA_SET_NAME },
		{ NFT_MSG_DELSET, "set", NFTA_SET_TABLE, NFTA_SET_NAME, true },
		{ NFT_MSG_NEWSETELEM, "elements", NFTA_SET_ELEM_LIST_TABLE,
		  NFTA_SET_ELEM_LIST_SET },
		{ NFT_MSG_DELSETELEM, "elements", NFTA_SET_ELEM_LIST_TABLE, NFTA_SET_ELEM_LIST_SET,
		  true },
		{ NFT_MSG_NEWOBJ, "object", NFTA_OBJ_TABLE, NFTA_OBJ_NAME },
		{ NFT_MSG_DELOBJ, "object", NFTA_OBJ_TABLE, NFTA_OBJ_NAME, true },
		{ NFT_MSG_NEWFLOWTABLE, "flowtable", NFTA_FLOWTABLE_TABLE, NFTA_FLOWTABLE_NAME },
		{ NFT_MSG_DELFLOWTABLE, "flowtable", NFTA_FLOWTABLE_TABLE, NFTA_FLOWTABLE_NAME,
		  true },
	};

	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (kinds[i].type != type)
			continue;
		w->object = kinds[i].object;
		w->removed = kinds[i].removed;
		w->table = find_parent(rs, fam, at, kinds[i].table);
		w->name = kinds[i].name ? attr_cstr(at, kinds[i].name) : NULL;
		if (type == NFT_MSG_DELRULE && w->table) {
			uint64_t h;

			w->chain = w->name ? table_find_chain(w->table, w->name) : NULL;
			for (uint32_t k = 0;
			     w->chain && get_u64(at, NFTA_RULE_HANDLE, &h) && k < w->chain->nrules;
			     k++)
				if (w->chain->rules[k]->handle == h) {
					w->rule = w->chain->rules[k];
					w->removed_first = k == 0;
				}
		}
		if ((type == NFT_MSG_NEWSETELEM || type == NFT_MSG_DELSETELEM) &&
		    at->tb[NFTA_SET_ELEM_LIST_ELEMENTS]) {
			const struct nlattr *e;

			mnl_attr_for_each_nested(e, at->tb[NFTA_SET_ELEM_LIST_ELEMENTS]) w->count++;
		}
	}
}

int nl_apply_event(struct ruleset *rs, const void *msg, size_t len, struct nl_applied *what)
{
	struct nl_applied scratch = { 0 }, prev;
	const struct nlmsghdr *nlh = msg;
	const struct nfgenmsg *nfg;
	struct attrs at;
	size_t hdr = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(struct nfgenmsg));
	uint32_t fam;
	int ret;

	if (len < hdr || nlh->nlmsg_len < hdr || nlh->nlmsg_len > len)
		return -EINVAL;
	nfg = mnl_nlmsg_get_payload(nlh);
	fam = nfg->nfgen_family;
	if (attrs_parse(&at, (const char *)msg + hdr, nlh->nlmsg_len - hdr) < 0)
		return -EINVAL;
	if (!what)
		what = &scratch;
	prev = *what; /* the event before, in this transaction (a replace) */
	describe(rs, NFNL_MSG_TYPE(nlh->nlmsg_type), fam, &at, what);
	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case NFT_MSG_NEWTABLE:
		ret = new_table(rs, fam, &at);
		break;
	case NFT_MSG_DELTABLE:
		ruleset_changed(rs); /* its sets go with it */
		ret = del_table(rs, fam, &at);
		break;
	case NFT_MSG_NEWCHAIN:
		ret = new_chain(rs, fam, &at);
		break;
	case NFT_MSG_DELCHAIN:
		ruleset_rules_changed(rs); /* its rules go with it */
		ret = del_chain(rs, fam, &at);
		break;
	case NFT_MSG_NEWRULE:
		ruleset_rules_changed(rs);
		ret = new_rule(rs, fam, &at, nlh->nlmsg_flags, &prev);
		what->chain = prev.chain;
		what->rule = prev.rule;
		break;
	case NFT_MSG_DELRULE:
		ruleset_rules_changed(rs);
		ret = del_rule(rs, fam, &at);
		break;
	case NFT_MSG_NEWSET:
		ret = new_set(rs, fam, &at);
		break;
	case NFT_MSG_DELSET:
		ret = del_set(rs, fam, &at);
		break;
	case NFT_MSG_NEWSETELEM:
		ret = decode_setelems(rs, fam, &at);
		break;
	case NFT_MSG_DELSETELEM:
		ret = del_setelems(rs, fam, &at);
		break;
	case NFT_MSG_NEWOBJ:
		ret = new_obj(rs, fam, &at);
		break;
	case NFT_MSG_DELOBJ:
		ret = del_obj(rs, fam, &at);
		break;
	case NFT_MSG_NEWFLOWTABLE:
		ret = new_flowtable(rs, fam, &at);
		break;
	case NFT_MSG_DELFLOWTABLE:
		ret = del_flowtable(rs, fam, &at);
		break;
	default:
		return 0; /* nothing the model keeps (NEWGEN, trace) */
	}
	return ret;
}
