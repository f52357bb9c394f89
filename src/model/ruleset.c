// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "fwaudit/model.h"
#include "fwaudit/util.h"
#include "model_internal.h"

struct ruleset *ruleset_new(void)
{
	struct arena *a = arena_new();
	struct ruleset *rs = arena_alloc(a, sizeof(*rs));

	rs->arena = a;
	return rs;
}

void ruleset_changed(struct ruleset *rs)
{
	if (rs->derived)
		rs->derived_free(rs->derived);
	rs->derived = NULL;
}

void ruleset_set_changed(struct ruleset *rs, const struct set *s)
{
	if (rs->derived && rs->derived_forget)
		rs->derived_forget(rs->derived, s);
	else
		ruleset_changed(rs);
}

void ruleset_rules_changed(struct ruleset *rs)
{
	if (rs->derived && rs->derived_forget)
		rs->derived_forget(rs->derived, NULL);
	else
		ruleset_changed(rs);
}

void ruleset_free(struct ruleset *rs)
{
	if (!rs)
		return;
	ruleset_changed(rs);
	/* The ruleset itself lives in its arena. */
	arena_free(rs->arena);
}

/* Grow an arena-less pointer vector; vectors are malloc'd so they can grow. */
#define VEC_PUSH(rs, vec, n, cap, item)                                                            \
	do {                                                                                       \
		if ((n) == (cap)) {                                                                \
			uint32_t ncap = (cap) ? (cap)*2 : 8;                                       \
			void *nv = arena_alloc((rs)->arena, ncap * sizeof(*(vec)));                \
			if (n)                                                                     \
				memcpy(nv, (vec), (n) * sizeof(*(vec)));                           \
			(vec) = nv;                                                                \
			(cap) = ncap;                                                              \
		}                                                                                  \
		(vec)[(n)++] = (item);                                                             \
	} while (0)

struct table *ruleset_add_table(struct ruleset *rs, uint32_t family, const char *name)
{
	struct table *t = arena_alloc(rs->arena, sizeof(*t));

	t->family = family;
	t->name = arena_strdup(rs->arena, name);
	VEC_PUSH(rs, rs->tables, rs->ntables, rs->tables_cap, t);
	return t;
}

struct watched_file *ruleset_add_file(struct ruleset *rs, const char *path)
{
	struct watched_file f = { .path = arena_strdup(rs->arena, path) };

	VEC_PUSH(rs, rs->files, rs->nfiles, rs->files_cap, f);
	rs->has_files = true;
	return &rs->files[rs->nfiles - 1];
}

static int file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct watched_file *)a)->path,
		      ((const struct watched_file *)b)->path);
}

void ruleset_sort_files(struct ruleset *rs)
{
	if (rs->nfiles > 1)
		qsort(rs->files, rs->nfiles, sizeof(*rs->files), file_cmp);
}

const struct watched_file *ruleset_find_file(const struct ruleset *rs, const char *path)
{
	struct watched_file key = { .path = (char *)path };

	if (!rs->nfiles)
		return NULL;
	return bsearch(&key, rs->files, rs->nfiles, sizeof(*rs->files), file_cmp);
}

struct chain *table_add_chain(struct ruleset *rs, struct table *t, const char *name)
{
	struct chain *c = arena_alloc(rs->arena, sizeof(*c));

	c->table = t;
	c->name = arena_strdup(rs->arena, name);
	VEC_PUSH(rs, t->chains, t->nchains, t->chains_cap, c);
	return c;
}

struct rule *chain_add_rule(struct ruleset *rs, struct chain *c)
{
	struct rule *r = arena_alloc(rs->arena, sizeof(*r));

	r->chain = c;
	c->version++;
	VEC_PUSH(rs, c->rules, c->nrules, c->rules_cap, r);
	return r;
}

static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h;
}

static void set_hash_put(struct set **v, uint32_t cap, struct set *s)
{
	uint32_t i = name_hash(s->name) & (cap - 1);

	while (v[i])
		i = (i + 1) & (cap - 1);
	v[i] = s;
}

/*
 * Sets are found by name for every lookup a rule makes and every element
 * message decoded; a ruleset of anonymous sets has one per rule, so a
 * linear search would make reading it quadratic.
 */
struct set *table_add_set(struct ruleset *rs, struct table *t, const char *name)
{
	struct set *s = arena_alloc(rs->arena, sizeof(*s));

	s->table = t;
	s->name = arena_strdup(rs->arena, name);
	VEC_PUSH(rs, t->sets, t->nsets, t->sets_cap, s);
	if (2 * t->nsets > t->set_hash_cap) {
		uint32_t cap = t->set_hash_cap ? 2 * t->set_hash_cap : 16;

		t->set_hash = arena_alloc(rs->arena, cap * sizeof(*t->set_hash));
		t->set_hash_cap = cap;
		for (uint32_t i = 0; i + 1 < t->nsets; i++)
			set_hash_put(t->set_hash, cap, t->sets[i]);
	}
	set_hash_put(t->set_hash, t->set_hash_cap, s);
	return s;
}

void table_del_set(struct ruleset *rs, struct table *t, struct set *s)
{
	uint32_t k = 0;

	(void)rs;
	for (uint32_t i = 0; i < t->nsets; i++)
		if (t->sets[i] != s)
			t->sets[k++] = t->sets[i];
	t->nsets = k;
	memset(t->set_hash, 0, t->set_hash_cap * sizeof(*t->set_hash));
	for (uint32_t i = 0; i < t->nsets; i++)
		set_hash_put(t->set_hash, t->set_hash_cap, t->sets[i]);
}

static int bytes_cmp(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return alen ? memcmp(a, b, alen) : 0;
}

int elem_identity_cmp(const struct elem *a, const struct elem *b)
{
	const uint32_t kind = NFT_SET_ELEM_INTERVAL_END | NFT_SET_ELEM_CATCHALL;
	uint32_t fa = a->flags & kind, fb = b->flags & kind;
	int d = bytes_cmp(a->key, a->key_len, b->key, b->key_len);

	if (!d)
		d = bytes_cmp(a->key_end, a->key_end_len, b->key_end, b->key_end_len);
	return d ? d : fa == fb ? 0 : fa < fb ? -1 : 1;
}

uint64_t elem_identity_hash(const struct elem *e)
{
	const uint32_t kind = NFT_SET_ELEM_INTERVAL_END | NFT_SET_ELEM_CATCHALL;
	uint64_t h = 1469598103934665603ull ^ (e->flags & kind);

	for (uint32_t i = 0; i < e->key_len; i++)
		h = (h ^ e->key[i]) * 1099511628211ull;
	for (uint32_t i = 0; i < e->key_end_len; i++)
		h = (h ^ e->key_end[i]) * 1099511628211ull;
	return h ^ (h >> 29);
}

void set_reserve_elems(struct ruleset *rs, struct set *s, uint32_t n)
{
	struct elem *nv;

	if (s->elems_cap - s->nelems >= n)
		return;
	nv = arena_alloc(rs->arena, ((size_t)s->nelems + n) * sizeof(*nv));
	if (s->nelems)
		memcpy(nv, s->elems, s->nelems * sizeof(*nv));
	s->elems = nv;
	s->elems_cap = s->nelems + n;
}

struct elem *set_add_elem(struct ruleset *rs, struct set *s)
{
	if (s->nelems == s->elems_cap) /* doubled: as much room again */
		set_reserve_elems(rs, s, s->elems_cap ? s->elems_cap : 16);
	return &s->elems[s->nelems++];
}

struct obj *table_add_obj(struct ruleset *rs, struct table *t, const char *name)
{
	struct obj *o = arena_alloc(rs->arena, sizeof(*o));

	o->table = t;
	o->name = arena_strdup(rs->arena, name);
	VEC_PUSH(rs, t->objs, t->nobjs, t->objs_cap, o);
	return o;
}

struct flowtable *table_add_flowtable(struct ruleset *rs, struct table *t, const char *name)
{
	struct flowtable *f = arena_alloc(rs->arena, sizeof(*f));

	f->table = t;
	f->name = arena_strdup(rs->arena, name);
	VEC_PUSH(rs, t->flowtables, t->nflowtables, t->flowtables_cap, f);
	return f;
}

struct table *ruleset_find_table(const struct ruleset *rs, uint32_t family, const char *name)
{
	for (uint32_t i = 0; i < rs->ntables; i++)
		if (rs->tables[i]->family == family && !strcmp(rs->tables[i]->name, name))
			return rs->tables[i];
	return NULL;
}

struct chain *table_find_chain(const struct table *t, const char *name)
{
	for (uint32_t i = 0; i < t->nchains; i++)
		if (!strcmp(t->chains[i]->name, name))
			return t->chains[i];
	return NULL;
}

struct set *table_find_set(const struct table *t, const char *name)
{
	if (!t->set_hash_cap)
		return NULL;
	for (uint32_t i = name_hash(name) & (t->set_hash_cap - 1); t->set_hash[i];
	     i = (i + 1) & (t->set_hash_cap - 1))
		if (!strcmp(t->set_hash[i]->name, name))
			return t->set_hash[i];
	return NULL;
}

size_t ruleset_count_rules(const struct ruleset *rs)
{
	size_t n = 0;

	for (uint32_t i = 0; i < rs->ntables; i++)
		for (uint32_t j = 0; j < rs->tables[i]->nchains; j++)
			n += rs->tables[i]->chains[j]->nrules;
	return n;
}

static const struct {
	uint32_t family;
	const char *name;
} families[] = {
	{ NFPROTO_IPV4, "ip" }, { NFPROTO_IPV6, "ip6" },      { NFPROTO_INET, "inet" },
	{ NFPROTO_ARP, "arp" }, { NFPROTO_BRIDGE, "bridge" }, { NFPROTO_NETDEV, "netdev" },
};

/* ---- names of verdicts and hooks ---- */

static const struct {
	int32_t code;
	const char *name;
} verdicts[] = {
	{ NF_ACCEPT, "accept" },      { NF_DROP, "drop" },	{ NF_QUEUE, "queue" },
	{ NFT_CONTINUE, "continue" }, { NFT_BREAK, "break" },	{ NFT_JUMP, "jump" },
	{ NFT_GOTO, "goto" },	      { NFT_RETURN, "return" },
};

const char *verdict_code_name(int32_t code)
{
	for (size_t i = 0; i < ARRAY_SIZE(verdicts); i++)
		if (verdicts[i].code == code)
			return verdicts[i].name;
	return NULL;
}

bool verdict_code_parse(const char *name, int32_t *code)
{
	for (size_t i = 0; i < ARRAY_SIZE(verdicts); i++)
		if (!strcmp(verdicts[i].name, name)) {
			*code = verdicts[i].code;
			return true;
		}
	return false;
}

static const char *const inet_hooks[] = { "prerouting", "input",       "forward",
					  "output",	"postrouting", "ingress" };
static const char *const arp_hooks[] = { "input", "output", "forward" };
static const char *const netdev_hooks[] = { "ingress", "egress" };

static const char *const *hooks_of(uint32_t family, size_t *n)
{
	switch (family) {
	case NFPROTO_ARP:
		*n = ARRAY_SIZE(arp_hooks);
		return arp_hooks;
	case NFPROTO_NETDEV:
		*n = ARRAY_SIZE(netdev_hooks);
		return netdev_hooks;
	case NFPROTO_INET:
		*n = ARRAY_SIZE(inet_hooks);
		return inet_hooks;
	default:
		*n = 5;
		return inet_hooks;
	}
}

const char *hook_name(uint32_t family, uint32_t hooknum)
{
	size_t n;
	const char *const *h = hooks_of(family, &n);

	return hooknum < n ? h[hooknum] : NULL;
}

bool hook_parse(uint32_t family, const char *name, uint32_t *hooknum)
{
	size_t n;
	const char *const *h = hooks_of(family, &n);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(h[i], name)) {
			*hooknum = (uint32_t)i;
			return true;
		}
	return false;
}

const char *family_name(uint32_t family)
{
	for (size_t i = 0; i < ARRAY_SIZE(families); i++)
		if (families[i].family == family)
			return families[i].name;
	return NULL;
}

int family_parse(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(families); i++)
		if (!strcmp(families[i].name, name))
			return (int)families[i].family;
	return -1;
}

const uint8_t *udata_find(const uint8_t *udata, uint32_t len, uint8_t type, uint8_t *vlen)
{
	uint32_t off = 0;

	while (udata && off + 2 <= len) {
		uint8_t t = udata[off], l = udata[off + 1];

		if (off + 2 + l > len)
			return NULL;
		if (t == type) {
			if (vlen)
				*vlen = l;
			return udata + off + 2;
		}
		off += 2u + l;
	}
	return NULL;
}

bool listener_addr_loopback(uint8_t family, const char *addr)
{
	if (family == NFPROTO_IPV6)
		return !strcmp(addr, "::1") || !strncmp(addr, "::ffff:127.", 11);
	return !strncmp(addr, "127.", 4);
}
