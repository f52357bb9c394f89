/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sets of field values as sorted, disjoint intervals over 128-bit integers,
 * and cubes, one such set per packet field (ivs.c): the classes of packets
 * reach splits.
 */
#ifndef FWAUDIT_EVAL_IVS_H
#define FWAUDIT_EVAL_IVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fwaudit/eval.h"

typedef unsigned __int128 u128;
#define U128_MAX (~(u128)0)

/* A closed interval of field values. */
struct iv {
	u128 lo, hi;
};

/* struct ivs - sorted, disjoint, non-adjacent intervals. Zero = empty set. */
struct ivs {
	struct iv *v;
	size_t n, cap;
};

void ivs_add(struct ivs *s, u128 lo, u128 hi); /* append, in ascending order */
void ivs_range(struct ivs *s, u128 lo, u128 hi);
/* Append in any order; ivs_normalize() afterwards. */
void ivs_append(struct ivs *s, u128 lo, u128 hi);
void ivs_release(struct ivs *s);
void ivs_copy(struct ivs *dst, const struct ivs *src);
bool ivs_equal(const struct ivs *a, const struct ivs *b);
/* @a and @b share a value. */
bool ivs_overlaps(const struct ivs *a, const struct ivs *b);
/* @out must not be @a or @b. */
void ivs_intersect(struct ivs *out, const struct ivs *a, const struct ivs *b);
void ivs_subtract(struct ivs *out, const struct ivs *a, const struct ivs *b);
void ivs_union(struct ivs *out, const struct ivs *a, const struct ivs *b);
void ivs_normalize(struct ivs *s);
int ivs_cmp_lo(const void *a, const void *b);
u128 ivs_count(const struct ivs *s, u128 cap);

/* A hash of @s's intervals, equal for equal sets. */
uint64_t ivs_hash(const struct ivs *s);

/* A value mixed well enough to serve as a hash. */
static inline uint64_t hash_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* struct cube - a class of packets: the product of one value set per field. */
struct cube {
	struct ivs f[PF__COUNT];
};

void cube_init(struct cube *c);
void cube_copy(struct cube *dst, const struct cube *src);
void cube_release(struct cube *c);
bool cube_empty(const struct cube *c);
bool cube_merge(struct cube *a, const struct cube *b, int *grew);

#endif
