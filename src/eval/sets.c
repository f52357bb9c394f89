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

#include "eval_internal.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

enum set_kind { SK_EXACT, SK_INTERVAL, SK_RANGES };

struct set_index {
	const struct set *set;
	enum set_kind kind;
	const struct elem **v; /* non-catch-all elements, sorted by key */
	uint32_t n;
	const struct elem *catchall;
};

struct set_cache {
	struct set_index *slots;
	uint32_t cap, used;
};

struct set_cache *set_cache_new(void)
{
	struct set_cache *sc = xcalloc(1, sizeof(*sc));

	sc->cap = 64;
	sc->slots = xcalloc(sc->cap, sizeof(*sc->slots));
	return sc;
}

void set_cache_free(struct set_cache *sc)
{
	if (!sc)
		return;
	for (uint32_t i = 0; i < sc->cap; i++)
		free(sc->slots[i].v);
	free(sc->slots);
	free(sc);
}

static uint32_t sort_len; /* key length for elem_cmp (qsort has no context) */

static int elem_cmp(const void *a, const void *b)
{
	const struct elem *x = *(const struct elem *const *)a, *y = *(const struct elem *const *)b;
	int d = memcmp(x->key, y->key, sort_len);

	if (d)
		return d;
	/* at equal keys an interval end sorts first: the start then wins */
	return (int)(y->flags & NFT_SET_ELEM_INTERVAL_END) -
	       (int)(x->flags & NFT_SET_ELEM_INTERVAL_END);
}

void elems_sort(const struct elem **v, uint32_t n, uint32_t key_len)
{
	sort_len = key_len;
	qsort(v, n, sizeof(*v), elem_cmp);
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
	if (ix->kind != SK_RANGES)
		elems_sort(ix->v, ix->n, s->key_len);
}

static struct set_index *index_get(struct set_cache *sc, const struct set *s)
{
	uint32_t h;

	if (sc->used * 2 >= sc->cap) {
		struct set_cache big = { xcalloc(sc->cap * 2, sizeof(*sc->slots)), sc->cap * 2, 0 };

		for (uint32_t i = 0; i < sc->cap; i++) {
			if (!sc->slots[i].set)
				continue;
			h = (uint32_t)(((uintptr_t)sc->slots[i].set >> 4) * 2654435761u) &
			    (big.cap - 1);
			while (big.slots[h].set)
				h = (h + 1) & (big.cap - 1);
			big.slots[h] = sc->slots[i];
		}
		free(sc->slots);
		sc->slots = big.slots;
		sc->cap = big.cap;
	}
	h = (uint32_t)(((uintptr_t)s >> 4) * 2654435761u) & (sc->cap - 1);
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

struct set *set_by_name(const struct chain *c, const char *name)
{
	return name ? table_find_set(c->table, name) : NULL;
}
