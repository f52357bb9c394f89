// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sets of field values as sorted, disjoint, non-adjacent closed intervals
 * over 128-bit integers, and cubes: one such set per packet field. reach
 * splits cubes on every condition a rule tests.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ivs.h"
#include "fwaudit/util.h"

/*
 * Interval arrays: a cube copy makes one per field, most hold one or two
 * intervals, and most die within the rule that made them. Freed ones of
 * 2, 4, 8 and 16 intervals are kept per thread for reuse, where malloc and
 * free were a third of a chain analysis (cubes cloned on every split).
 * An array's capacity is always one of those or a larger power of two.
 */
#define POOL_CLASSES 4
#define POOL_KEEP    4096 /* arrays kept per class and thread */

struct pool_free {
	struct pool_free *next;
};

static __thread struct pool_free *pool[POOL_CLASSES];
static __thread uint32_t pool_n[POOL_CLASSES];
static __thread bool pool_registered;
static pthread_key_t pool_key;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

/* A thread's kept arrays go when it ends. */
static void pool_drain(void *unused)
{
	(void)unused;
	for (int k = 0; k < POOL_CLASSES; k++) {
		while (pool[k]) {
			struct pool_free *f = pool[k];

			pool[k] = f->next;
			free(f);
		}
		pool_n[k] = 0;
	}
}

static void pool_key_make(void)
{
	pthread_key_create(&pool_key, pool_drain);
}

/* The class of capacity @cap, or -1 if not kept. */
static int pool_class(size_t cap)
{
	switch (cap) {
	case 2:
		return 0;
	case 4:
		return 1;
	case 8:
		return 2;
	case 16:
		return 3;
	default:
		return -1;
	}
}

static struct iv *ivs_alloc(size_t cap)
{
	int k = pool_class(cap);

	if (k >= 0 && pool[k]) {
		struct pool_free *f = pool[k];

		pool[k] = f->next;
		pool_n[k]--;
		return (struct iv *)f;
	}
	return xmalloc(cap * sizeof(struct iv));
}

static void ivs_free(struct iv *v, size_t cap)
{
	int k = pool_class(cap);

	if (!v)
		return;
	if (k < 0 || pool_n[k] >= POOL_KEEP) {
		free(v);
		return;
	}
	if (!pool_registered) {
		pthread_once(&pool_once, pool_key_make);
		pthread_setspecific(pool_key, &pool_registered);
		pool_registered = true;
	}
	((struct pool_free *)v)->next = pool[k];
	pool[k] = (struct pool_free *)v;
	pool_n[k]++;
}

/* Room for at least @n intervals in @s, its values kept. */
static void ivs_reserve(struct ivs *s, size_t n)
{
	size_t cap = s->cap ? s->cap : 2;
	struct iv *v;

	if (n <= s->cap)
		return;
	while (cap < n)
		cap *= 2;
	v = ivs_alloc(cap);
	if (s->n)
		memcpy(v, s->v, s->n * sizeof(*v));
	ivs_free(s->v, s->cap);
	s->v = v;
	s->cap = cap;
}

void ivs_append(struct ivs *s, u128 lo, u128 hi)
{
	if (s->n == s->cap)
		ivs_reserve(s, s->n + 1);
	s->v[s->n].lo = lo;
	s->v[s->n++].hi = hi;
}

/* Append [lo, hi], merged into the last interval when they touch. */
static void ivs_push(struct ivs *s, u128 lo, u128 hi)
{
	if (s->n && s->v[s->n - 1].hi != U128_MAX && s->v[s->n - 1].hi + 1 >= lo) {
		if (hi > s->v[s->n - 1].hi)
			s->v[s->n - 1].hi = hi;
		return;
	}
	ivs_append(s, lo, hi);
}

void ivs_add(struct ivs *s, u128 lo, u128 hi)
{
	ivs_push(s, lo, hi);
}

void ivs_range(struct ivs *s, u128 lo, u128 hi)
{
	s->n = 0;
	ivs_push(s, lo, hi);
}

void ivs_release(struct ivs *s)
{
	ivs_free(s->v, s->cap);
	memset(s, 0, sizeof(*s));
}

void ivs_copy(struct ivs *dst, const struct ivs *src)
{
	dst->n = 0;
	ivs_reserve(dst, src->n);
	if (src->n)
		memcpy(dst->v, src->v, src->n * sizeof(*src->v));
	dst->n = src->n;
}

/* Multiply and fold each word of one interval into @h. */
static uint64_t hash_iv(uint64_t h, const struct iv *x)
{
	const uint64_t w[4] = { (uint64_t)x->lo, (uint64_t)(x->lo >> 64), (uint64_t)x->hi,
				(uint64_t)(x->hi >> 64) };

	for (int k = 0; k < 4; k++) {
		h = (h ^ w[k]) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	return h;
}

uint64_t ivs_hash(const struct ivs *s)
{
	uint64_t h = s->n;
	size_t step = s->n > 64 ? s->n / 64 : 1, i;

	/*
	 * A long set is sampled (every step-th interval and the last): equal
	 * sets still hash equal, and a state's hash is taken each time it is
	 * queued. One hash_mix() at the end.
	 */
	for (i = 0; i < s->n; i += step)
		h = hash_iv(h, &s->v[i]);
	if (s->n && i - step != s->n - 1)
		h = hash_iv(h, &s->v[s->n - 1]);
	return hash_mix(h);
}

bool ivs_overlaps(const struct ivs *a, const struct ivs *b)
{
	size_t i = 0, k = 0;

	while (i < a->n && k < b->n) {
		if (a->v[i].hi < b->v[k].lo)
			i++;
		else if (b->v[k].hi < a->v[i].lo)
			k++;
		else
			return true;
	}
	return false;
}

bool ivs_equal(const struct ivs *a, const struct ivs *b)
{
	return a->n == b->n && (!a->n || !memcmp(a->v, b->v, a->n * sizeof(*a->v)));
}

void ivs_intersect(struct ivs *out, const struct ivs *a, const struct ivs *b)
{
	size_t i = 0, k = 0;

	out->n = 0;
	while (i < a->n && k < b->n) {
		u128 lo = a->v[i].lo > b->v[k].lo ? a->v[i].lo : b->v[k].lo;
		u128 hi = a->v[i].hi < b->v[k].hi ? a->v[i].hi : b->v[k].hi;

		if (lo <= hi)
			ivs_push(out, lo, hi);
		if (a->v[i].hi < b->v[k].hi)
			i++;
		else
			k++;
	}
}

void ivs_subtract(struct ivs *out, const struct ivs *a, const struct ivs *b)
{
	size_t k = 0;

	out->n = 0;
	for (size_t i = 0; i < a->n; i++) {
		u128 lo = a->v[i].lo, hi = a->v[i].hi;
		bool done = false;

		while (k < b->n && b->v[k].hi < lo)
			k++;
		for (size_t j = k; j < b->n && b->v[j].lo <= hi; j++) {
			if (b->v[j].lo > lo)
				ivs_push(out, lo, b->v[j].lo - 1);
			if (b->v[j].hi >= hi) {
				done = true;
				break;
			}
			lo = b->v[j].hi + 1;
		}
		if (!done)
			ivs_push(out, lo, hi);
	}
}

void ivs_union(struct ivs *out, const struct ivs *a, const struct ivs *b)
{
	size_t i = 0, k = 0;

	out->n = 0;
	while (i < a->n || k < b->n) {
		const struct iv *x;

		if (k >= b->n || (i < a->n && a->v[i].lo <= b->v[k].lo))
			x = &a->v[i++];
		else
			x = &b->v[k++];
		ivs_push(out, x->lo, x->hi);
	}
}

/* Sort and merge intervals added in any order. */
void ivs_normalize(struct ivs *s)
{
	struct ivs tmp = { 0 };
	size_t sorted = 1;

	if (!s->n)
		return;
	while (sorted < s->n && s->v[sorted - 1].lo <= s->v[sorted].lo)
		sorted++;
	if (sorted < s->n) /* values taken from keys in order mostly come in order */
		qsort(s->v, s->n, sizeof(*s->v), ivs_cmp_lo);
	for (size_t i = 0; i < s->n; i++)
		ivs_push(&tmp, s->v[i].lo, s->v[i].hi);
	ivs_free(s->v, s->cap);
	*s = tmp;
}

int ivs_cmp_lo(const void *a, const void *b)
{
	const struct iv *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Number of values, saturating at @cap + 1. */
u128 ivs_count(const struct ivs *s, u128 cap)
{
	u128 n = 0;

	for (size_t i = 0; i < s->n; i++) {
		u128 w = s->v[i].hi - s->v[i].lo;

		if (w >= cap || n + w + 1 > cap)
			return cap + 1;
		n += w + 1;
	}
	return n;
}

void cube_init(struct cube *c)
{
	memset(c, 0, sizeof(*c));
}

void cube_copy(struct cube *dst, const struct cube *src)
{
	for (int f = 0; f < PF__COUNT; f++)
		ivs_copy(&dst->f[f], &src->f[f]);
}

void cube_release(struct cube *c)
{
	for (int f = 0; f < PF__COUNT; f++)
		ivs_release(&c->f[f]);
}

bool cube_empty(const struct cube *c)
{
	for (int f = 0; f < PF__COUNT; f++)
		if (!c->f[f].n)
			return true;
	return false;
}

/*
 * Merge @b into @a when they differ in at most one field (the union of two
 * such cubes is a cube). Returns true if merged, with the field that grew
 * (or -1) in *@grew when @grew is given.
 */
bool cube_merge(struct cube *a, const struct cube *b, int *grew)
{
	int diff = -1;
	struct ivs tmp = { 0 };

	for (int f = 0; f < PF__COUNT; f++) {
		if (ivs_equal(&a->f[f], &b->f[f]))
			continue;
		if (diff >= 0)
			return false;
		diff = f;
	}
	if (grew)
		*grew = diff;
	if (diff < 0)
		return true;
	ivs_union(&tmp, &a->f[diff], &b->f[diff]);
	ivs_release(&a->f[diff]);
	a->f[diff] = tmp;
	return true;
}
