// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pieces reach relies on for speed, each against a plain reference:
 * the key multimap (random adds and removals), interval hashing (equal sets
 * hash equal, sampled or not) and the merge of cubes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/netfilter/nf_tables.h>

#include "../../src/eval/ivs.h"
#include "../../src/eval/mindex.h"
#include "../../src/eval/sets.h"
#include "fwaudit/model.h"

#define NREF 5000

struct ref_entry {
	uint64_t key;
	uintptr_t p;
	uint32_t id;
	bool live;
};

static size_t ref_count(const struct ref_entry *r, size_t n, uint64_t key)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += r[i].live && r[i].key == key;
	return k;
}

static size_t index_count(const struct mindex *m, uint64_t key)
{
	size_t k = 0;

	for (uint32_t id = mindex_first(m, key); id; id = mindex_next(m, id)) {
		assert_int_equal(m->e[id].key, key);
		k++;
	}
	return k;
}

static void test_mindex_random(void **state)
{
	struct ref_entry *r = calloc(NREF, sizeof(*r));
	struct mindex m = { 0 };
	size_t n = 0;

	(void)state;
	srand(7);
	for (int step = 0; step < 4 * NREF; step++) {
		if (n < NREF && (rand() % 3 || !n)) {
			/* few distinct keys, so keys share entries and buckets */
			r[n].key = (uint64_t)(rand() % 300) * 0x100000001ull;
			r[n].p = (uintptr_t)(n + 1);
			r[n].id = mindex_add(&m, r[n].key, (void *)r[n].p);
			r[n].live = true;
			assert_int_not_equal(r[n].id, 0);
			n++;
		} else {
			size_t i = (size_t)rand() % n;

			if (r[i].live) {
				mindex_del(&m, r[i].id);
				r[i].live = false;
			}
		}
		if (step % 97 == 0) {
			uint64_t key = r[(size_t)rand() % n].key;

			assert_int_equal(index_count(&m, key), ref_count(r, n, key));
		}
	}
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(index_count(&m, r[i].key), ref_count(r, n, r[i].key));
		if (r[i].live)
			assert_ptr_equal(m.e[r[i].id].p, (void *)r[i].p);
	}
	assert_int_equal(index_count(&m, 12345), 0);
	mindex_release(&m);
	free(r);
}

static void fill(struct ivs *s, size_t n, u128 base)
{
	for (size_t i = 0; i < n; i++)
		ivs_add(s, base + 4 * i, base + 4 * i + 1);
}

static void test_ivs_hash(void **state)
{
	struct ivs a = { 0 }, b = { 0 };

	(void)state;
	for (size_t n = 0; n < 300; n += 7) {
		fill(&a, n, (u128)1 << 100);
		fill(&b, n, (u128)1 << 100);
		assert_true(ivs_equal(&a, &b));
		assert_int_equal(ivs_hash(&a), ivs_hash(&b));
		if (n) {
			/* the last interval is always in the sample */
			b.v[n - 1].hi++;
			assert_int_not_equal(ivs_hash(&a), ivs_hash(&b));
			/* so is the first */
			b.v[n - 1].hi--;
			b.v[0].lo--;
			assert_int_not_equal(ivs_hash(&a), ivs_hash(&b));
		}
		ivs_release(&a);
		ivs_release(&b);
	}
	/* a short set is hashed whole: any change shows */
	fill(&a, 64, 0);
	fill(&b, 64, 0);
	b.v[33].hi = b.v[33].lo;
	assert_int_not_equal(ivs_hash(&a), ivs_hash(&b));
	ivs_release(&a);
	ivs_release(&b);
}

static void test_cube_merge(void **state)
{
	struct cube a, b;
	int grew = 7;

	(void)state;
	cube_init(&a);
	cube_init(&b);
	for (int f = 0; f < PF__COUNT; f++) {
		ivs_range(&a.f[f], 0, 10);
		ivs_range(&b.f[f], 0, 10);
	}
	assert_true(cube_merge(&a, &b, &grew));
	assert_int_equal(grew, -1);
	ivs_range(&b.f[PF_DPORT], 20, 30);
	assert_true(cube_merge(&a, &b, &grew));
	assert_int_equal(grew, PF_DPORT);
	assert_int_equal(a.f[PF_DPORT].n, 2);
	ivs_range(&b.f[PF_SADDR], 40, 50);
	assert_false(cube_merge(&a, &b, &grew)); /* apart in two fields */
	cube_release(&a);
	cube_release(&b);
}

/* elems_sort()'s radix sort gives elem_cmp() order: by key, interval ends first. */
static void test_elems_sort(void **state)
{
	const uint32_t lens[] = { 1, 2, 4, 16 };

	(void)state;
	srand(7);
	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
		for (uint32_t n = 1; n <= 3000; n = n * 3 + 1) {
			uint32_t len = lens[l];
			struct elem *e = calloc(n, sizeof(*e));
			const struct elem **v = calloc(n, sizeof(*v));
			uint8_t *keys = calloc(n, len);
			unsigned long sum = 0, sum_sorted = 0;

			for (uint32_t i = 0; i < n; i++) {
				/* few distinct bytes, so keys repeat; a common first byte */
				for (uint32_t b = 0; b < len; b++)
					keys[i * len + b] =
						b == 0 ? 10 : (uint8_t)(rand() % 4 * 60);
				e[i].key = keys + i * len;
				e[i].key_len = len;
				e[i].flags = rand() % 3 == 0 ? NFT_SET_ELEM_INTERVAL_END : 0;
				v[i] = &e[i];
				sum += i;
			}
			elems_sort(v, n, len);
			for (uint32_t i = 0; i < n; i++) {
				sum_sorted += (unsigned long)(v[i] - e);
				if (i == 0)
					continue;
				int d = memcmp(v[i - 1]->key, v[i]->key, len);

				assert_true(d <= 0);
				if (d == 0) /* an end, then a start; never a start, then an end */
					assert_false(
						!(v[i - 1]->flags & NFT_SET_ELEM_INTERVAL_END) &&
						(v[i]->flags & NFT_SET_ELEM_INTERVAL_END));
			}
			assert_int_equal(sum, sum_sorted); /* each element once */
			free(keys);
			free(v);
			free(e);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mindex_random),
		cmocka_unit_test(test_ivs_hash),
		cmocka_unit_test(test_cube_merge),
		cmocka_unit_test(test_elems_sort),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
