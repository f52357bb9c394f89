// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Set lookups as the kernel's backends answer them: hash (exact keys),
 * rbtree (intervals as start and end elements), pipapo (per-field ranges of
 * concatenations), then the catch-all element. Exact and interval sets are
 * sorted once and searched by bisection.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_tables.h>

#include "sets.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

enum set_kind { SK_EXACT, SK_INTERVAL, SK_RANGES };

struct set_index {
	const struct set *set;
	enum set_kind kind;
	const struct elem **v;	    /* non-catch-all elements, sorted by key */
	const struct elem **sorted; /* the same in key order for SK_RANGES too */
	uint32_t n;
	const struct elem *catchall;
	struct value_groups *groups; /* one per load shape looked up */
};

struct set_cache {
	struct set_index *slots;
	uint32_t cap, used;
	uint32_t epoch; /* bumped by every change of a set's elements */
	struct set_cache_slot tenants[SC__TENANTS];
};

struct set_cache *set_cache_new(void)
{
	struct set_cache *sc = xcalloc(1, sizeof(*sc));

	sc->cap = 64;
	sc->slots = xcalloc(sc->cap, sizeof(*sc->slots));
	return sc;
}

static void index_release(struct set_index *ix)
{
	for (struct value_groups *vg = ix->groups, *next; vg; vg = next) {
		next = vg->next;
		for (size_t g = 0; g < vg->ng; g++)
			ivs_release(&vg->g[g].vals);
		free(vg->g);
		ivs_release(&vg->all);
		free(vg);
	}
	if (ix->sorted != ix->v)
		free(ix->sorted);
	free(ix->v);
	memset(ix, 0, sizeof(*ix));
}

static uint32_t slot_of(const struct set *s, uint32_t cap)
{
	return (uint32_t)(((uintptr_t)s >> 4) * 2654435761u) & (cap - 1);
}

void set_cache_free(void *p)
{
	struct set_cache *sc = p;

	if (!sc)
		return;
	for (uint32_t i = 0; i < sc->cap; i++)
		index_release(&sc->slots[i]);
	free(sc->slots);
	for (int t = 0; t < SC__TENANTS; t++)
		if (sc->tenants[t].free)
			sc->tenants[t].free(sc->tenants[t].p);
	free(sc);
}

struct set_cache_slot *set_cache_slot(struct set_cache *sc, enum set_cache_tenant t)
{
	return &sc->tenants[t];
}

uint32_t set_cache_epoch(struct set_cache *sc)
{
	return sc->epoch;
}

/* Drop @s's index (NULL: none, rules changed); the indexes after it in
 * its probe run move up. */
static void set_cache_forget(void *p, const struct set *s)
{
	struct set_cache *sc = p;
	uint32_t h, next;

	/* interface names may come from a set; NULL: only rules changed */
	for (int t = 0; t < SC__TENANTS; t++)
		if (sc->tenants[t].changed)
			sc->tenants[t].changed(sc->tenants[t].p, s != NULL);
	if (!s)
		return;
	sc->epoch++;
	h = slot_of(s, sc->cap);
	while (sc->slots[h].set && sc->slots[h].set != s)
		h = (h + 1) & (sc->cap - 1);
	if (!sc->slots[h].set)
		return;
	index_release(&sc->slots[h]);
	sc->used--;
	/* backward-shift deletion keeps every probe run unbroken */
	for (next = (h + 1) & (sc->cap - 1); sc->slots[next].set;
	     next = (next + 1) & (sc->cap - 1)) {
		uint32_t home = slot_of(sc->slots[next].set, sc->cap);

		/* movable when its home is not within (h, next] */
		if ((next > h && (home <= h || home > next)) ||
		    (next < h && home <= h && home > next)) {
			sc->slots[h] = sc->slots[next];
			memset(&sc->slots[next], 0, sizeof(sc->slots[next]));
			h = next;
		}
	}
}

struct set_cache *set_cache_of(const struct ruleset *rs)
{
	/* a cache: the ruleset itself does not change */
	struct ruleset *w = (struct ruleset *)rs;

	if (!w->derived) {
		w->derived = set_cache_new();
		w->derived_free = set_cache_free;
		w->derived_forget = set_cache_forget;
	}
	return w->derived;
}

static int elem_cmp(const void *a, const void *b, void *len)
{
	const struct elem *x = *(const struct elem *const *)a, *y = *(const struct elem *const *)b;
	int d = memcmp(x->key, y->key, *(const uint32_t *)len);

	if (d)
		return d;
	/* at equal keys an interval end sorts first: the start then wins */
	return (int)(y->flags & NFT_SET_ELEM_INTERVAL_END) -
	       (int)(x->flags & NFT_SET_ELEM_INTERVAL_END);
}

/* Byte @b of @e's key (0 past its end). */
static uint8_t key_byte(const struct elem *e, uint32_t b)
{
	return b < e->key_len ? e->key[b] : 0;
}

/*
 * In elem_cmp() order. Keys of up to 16 bytes (addresses, ports, marks)
 * go by a stable radix sort, one pass per byte from the last, after one
 * that puts interval ends first: the index of a 100k-address set took
 * 26 ms of comparisons to sort, and takes 2 ms so.
 */
void elems_sort(const struct elem **v, uint32_t n, uint32_t key_len)
{
	const struct elem **tmp, **from = v, **to;
	uint32_t count[256];

	if (n < 64 || key_len > 16) {
		qsort_r(v, n, sizeof(*v), elem_cmp, &key_len);
		return;
	}
	tmp = xcalloc(n, sizeof(*tmp));
	to = tmp;
	{
		uint32_t ends = 0, e = 0, o;

		for (uint32_t i = 0; i < n; i++)
			ends += !!(v[i]->flags & NFT_SET_ELEM_INTERVAL_END);
		o = ends;
		for (uint32_t i = 0; i < n; i++)
			to[v[i]->flags & NFT_SET_ELEM_INTERVAL_END ? e++ : o++] = v[i];
		from = tmp;
		to = v;
	}
	for (uint32_t b = key_len; b-- > 0;) {
		const struct elem **swap;
		uint32_t sum = 0;

		memset(count, 0, sizeof(count));
		for (uint32_t i = 0; i < n; i++)
			count[key_byte(from[i], b)]++;
		if (count[key_byte(from[0], b)] == n)
			continue; /* every key has this byte: nothing moves */
		for (int k = 0; k < 256; k++) {
			uint32_t c = count[k];

			count[k] = sum;
			sum += c;
		}
		for (uint32_t i = 0; i < n; i++)
			to[count[key_byte(from[i], b)]++] = from[i];
		swap = from;
		from = to;
		to = swap;
	}
	if (from != v)
		memcpy(v, from, n * sizeof(*v));
	free(tmp);
}

static void index_build(struct set_index *ix, const struct set *s)
{
	ix->set = s;
	ix->v = xcalloc(s->nelems ? s->nelems : 1, sizeof(*ix->v));
	ix->kind = s->flags & NFT_SET_INTERVAL ? SK_INTERVAL : SK_EXACT;
	for (uint32_t i = 0; i < s->nelems; i++) {
		const struct elem *e = &s->elems[i];

		if (e->flags & NFT_SET_ELEM_CATCHALL) {
			ix->catchall = e;
			continue;
		}
		if (!e->key || e->key_len < s->key_len)
			continue;
		if (e->key_end)
			ix->kind = SK_RANGES;
		ix->v[ix->n++] = e;
	}
	if (ix->kind != SK_RANGES) {
		elems_sort(ix->v, ix->n, s->key_len);
		ix->sorted = ix->v;
	}
}

static struct set_index *index_get(struct set_cache *sc, const struct set *s)
{
	uint32_t h;

	if (sc->used * 2 >= sc->cap) {
		struct set_cache big = { xcalloc(sc->cap * 2, sizeof(*sc->slots)), sc->cap * 2, 0 };

		for (uint32_t i = 0; i < sc->cap; i++) {
			if (!sc->slots[i].set)
				continue;
			h = slot_of(sc->slots[i].set, big.cap);
			while (big.slots[h].set)
				h = (h + 1) & (big.cap - 1);
			big.slots[h] = sc->slots[i];
		}
		free(sc->slots);
		sc->slots = big.slots;
		sc->cap = big.cap;
	}
	h = slot_of(s, sc->cap);
	while (sc->slots[h].set && sc->slots[h].set != s)
		h = (h + 1) & (sc->cap - 1);
	if (!sc->slots[h].set) {
		index_build(&sc->slots[h], s);
		sc->used++;
	}
	return &sc->slots[h];
}

uint32_t set_field_reglen(const struct set *s, uint32_t i)
{
	return (s->field_len[i] + 3) & ~3u;
}

/* pipapo: each field of the concatenation within its own [start, end]. */
static bool ranges_match(const struct set *s, const struct elem *e, const uint8_t *key)
{
	const uint8_t *end = e->key_end ? e->key_end : e->key;
	uint32_t off = 0;

	if (s->nfields <= 1)
		return memcmp(e->key, key, s->key_len) <= 0 && memcmp(key, end, s->key_len) <= 0;
	for (uint32_t i = 0; i < s->nfields; i++) {
		uint32_t fl = s->field_len[i];

		if (memcmp(e->key + off, key + off, fl) > 0 || memcmp(key + off, end + off, fl) > 0)
			return false;
		off += set_field_reglen(s, i);
	}
	return true;
}

const struct elem *set_lookup(struct set_cache *sc, const struct set *s, const uint8_t *key)
{
	struct set_index *ix = index_get(sc, s);
	uint32_t lo = 0, hi = ix->n;

	switch (ix->kind) {
	case SK_EXACT:
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			int d = memcmp(ix->v[mid]->key, key, s->key_len);

			if (d == 0)
				return ix->v[mid];
			if (d < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		break;
	case SK_INTERVAL:
		/* the last element with key <= value decides (nft_rbtree_lookup) */
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;

			if (memcmp(ix->v[mid]->key, key, s->key_len) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo > 0 && !(ix->v[lo - 1]->flags & NFT_SET_ELEM_INTERVAL_END))
			return ix->v[lo - 1];
		break;
	case SK_RANGES:
		for (uint32_t i = 0; i < ix->n; i++)
			if (ranges_match(s, ix->v[i], key))
				return ix->v[i];
		break;
	}
	return ix->catchall;
}

const struct elem *const *set_sorted(struct set_cache *sc, const struct set *s, uint32_t *n,
				     const struct elem **catchall)
{
	struct set_index *ix = index_get(sc, s);

	if (!ix->sorted) { /* ranges are searched in set order, listed in key order */
		ix->sorted = xcalloc(ix->n ? ix->n : 1, sizeof(*ix->sorted));
		memcpy(ix->sorted, ix->v, ix->n * sizeof(*ix->v));
		elems_sort(ix->sorted, ix->n, s->key_len);
	}
	*n = ix->n;
	*catchall = ix->catchall;
	return ix->sorted;
}

u128 be_value(const uint8_t *b, uint32_t n)
{
	u128 v = 0;

	for (uint32_t i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

bool prefix_values(uint32_t n, uint32_t shift, u128 mask, u128 a, u128 b, u128 *lo, u128 *hi)
{
	u128 blk = (~mask & (n == 16 ? U128_MAX : (((u128)1 << (8 * n)) - 1))) + 1;
	u128 ulo, uhi;

	if (a > b)
		return false;
	/* (u & mask) in [a, b] for u = v >> shift, mask a prefix */
	ulo = blk ? (a + blk - 1) / blk * blk : 0;
	if (blk && ulo < a) /* overflow */
		return false;
	uhi = blk ? b / blk * blk + (blk - 1) : U128_MAX;
	if (ulo > uhi)
		return false;
	*lo = ulo << shift;
	*hi = (uhi << shift) | (shift ? (((u128)1 << shift) - 1) : 0);
	return true;
}

static void bytes_dec(uint8_t *b, uint32_t n)
{
	for (uint32_t i = n; i > 0; i--)
		if (b[i - 1]--)
			break;
}

bool elem_key_end(const struct set *set, const struct elem *const *sorted, uint32_t ns, uint32_t k,
		  uint8_t *hi)
{
	const struct elem *e = sorted[k];
	uint32_t n = set->key_len, j = k;

	if (e->key_end) {
		memcpy(hi, e->key_end, n);
		return true;
	}
	if (!(set->flags & NFT_SET_INTERVAL)) {
		memcpy(hi, e->key, n);
		return true;
	}
	if (e->flags & NFT_SET_ELEM_INTERVAL_END)
		return false;
	while (j + 1 < ns && !memcmp(sorted[j + 1]->key, e->key, n))
		j++;
	if (j + 1 < ns) {
		memcpy(hi, sorted[j + 1]->key, n);
		bytes_dec(hi, n);
	} else {
		memset(hi, 0xff, n);
	}
	return true;
}

bool elem_same_data(const struct elem *a, const struct elem *b)
{
	if (!a || !b)
		return a == b;
	if (a->verdict || b->verdict)
		return a->verdict && b->verdict && a->verdict->code == b->verdict->code &&
		       !strcmp(a->verdict->chain ?: "", b->verdict->chain ?: "");
	return a->data_len == b->data_len &&
	       (!a->data_len || !memcmp(a->data, b->data, a->data_len));
}

struct value_group *value_group_for(struct value_group **g, size_t *ng, const struct elem *el,
				    bool map)
{
	for (size_t i = 0; i < *ng; i++)
		if (!map || elem_same_data((*g)[i].el, el))
			return &(*g)[i];
	*g = xrealloc(*g, (*ng + 1) * sizeof(**g));
	(*g)[*ng] = (struct value_group){ .el = el };
	return &(*g)[(*ng)++];
}

void value_group_add(struct value_group **g, size_t *ng, const struct elem *el, bool map,
		     const struct ivs *vals, struct ivs *all)
{
	struct value_group *gr = value_group_for(g, ng, el, map);

	for (size_t i = 0; i < vals->n; i++) {
		ivs_append(&gr->vals, vals->v[i].lo, vals->v[i].hi);
		ivs_append(all, vals->v[i].lo, vals->v[i].hi);
	}
}

static struct value_groups *value_groups_build(struct set_index *ix, const struct set *s,
					       uint32_t shift, u128 mask, bool map)
{
	struct value_groups *vg = xcalloc(1, sizeof(*vg));
	uint32_t n = s->key_len;
	uint8_t hi[64];

	vg->shift = shift;
	vg->mask = mask;
	vg->map = map;
	vg->catchall = ix->catchall;
	for (uint32_t k = 0; k < ix->n && n <= sizeof(hi); k++) {
		const struct elem *e = ix->sorted[k];
		struct value_group *g = NULL;
		u128 lo, top;

		/* in key order the elements lie all over memory: fetch ahead */
		if (k + 16 < ix->n)
			__builtin_prefetch(ix->sorted[k + 16]);
		if (k + 8 < ix->n)
			__builtin_prefetch(ix->sorted[k + 8]->key);

		if (!elem_key_end(s, ix->sorted, ix->n, k, hi) ||
		    !prefix_values(n, shift, mask, be_value(e->key, n), be_value(hi, n), &lo, &top))
			continue;
		g = value_group_for(&vg->g, &vg->ng, e, map);
		ivs_append(&g->vals, lo, top);
		ivs_append(&vg->all, lo, top);
	}
	for (size_t i = 0; i < vg->ng; i++)
		ivs_normalize(&vg->g[i].vals);
	ivs_normalize(&vg->all);
	return vg;
}

const struct value_groups *set_value_groups(struct set_cache *sc, const struct set *s,
					    uint32_t shift, u128 mask, bool map)
{
	struct set_index *ix = index_get(sc, s);
	struct value_groups *vg;
	uint32_t nsorted;
	const struct elem *catchall;

	for (vg = ix->groups; vg; vg = vg->next)
		if (vg->shift == shift && vg->mask == mask && vg->map == map)
			return vg;
	set_sorted(sc, s, &nsorted, &catchall);
	vg = value_groups_build(ix, s, shift, mask, map);
	vg->next = ix->groups;
	ix->groups = vg;
	return vg;
}

struct set *set_by_name(const struct chain *c, const char *name)
{
	return name ? table_find_set(c->table, name) : NULL;
}
