// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A set lookup over a class: the values of a loaded field split by the
 * element of the set (or the data of the map) they find, in key order as
 * the kernel's backends find them; for a key that concatenates fields,
 * each element is a box over those fields, and the class is cut into the
 * boxes and what no box holds.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_tables.h>

#include "eval_internal.h"
#include "reach_lookup.h"
#include "reach_rule.h"
#include "reach_state.h"
#include "sets.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

/* ---- set lookups ---- */

static int group_first_cmp(const void *a, const void *b)
{
	const struct value_group *x = a, *y = b;

	return ivs_cmp_lo(x->vals.v, y->vals.v);
}

/*
 * lookup_groups() for a prefix load from the set's values over the whole
 * field (@vg), cut down to the state's: the groups come in the order of
 * their first element within the state, as walking the elements gives.
 */
static bool prefix_groups(const struct sstate *s, const struct symload *l,
			  const struct value_groups *vg, bool map, struct value_group **groups,
			  size_t *ngroups)
{
	const struct ivs *dom = &s->cube.f[l->field];
	struct ivs rest = { 0 };

	for (size_t i = 0; i < vg->ng; i++) {
		struct value_group g = { .el = vg->g[i].el };

		ivs_intersect(&g.vals, dom, &vg->g[i].vals);
		if (!g.vals.n) {
			ivs_release(&g.vals);
			continue;
		}
		*groups = xrealloc(*groups, (*ngroups + 1) * sizeof(**groups));
		(*groups)[(*ngroups)++] = g;
	}
	if (*ngroups > 1)
		qsort(*groups, *ngroups, sizeof(**groups), group_first_cmp);
	if (vg->catchall) {
		struct ivs all = { 0 };

		ivs_subtract(&rest, dom, &vg->all);
		if (rest.n)
			value_group_add(groups, ngroups, vg->catchall, map, &rest, &all);
		for (size_t g = 0; g < *ngroups; g++)
			ivs_normalize(&(*groups)[g].vals);
		ivs_release(&all);
	}
	ivs_release(&rest);
	return true;
}

/*
 * Partition the values of @l's field by the element of @set they find
 * (grouped by data for maps). Returns false when it cannot.
 */
bool lookup_groups(const struct reach_ctx *c, const struct sstate *s, const struct symload *l,
		   const struct set *set, bool map, struct value_group **groups, size_t *ngroups)
{
	uint32_t n = set->key_len, ns = 0;
	struct ivs vals = { 0 }, all = { 0 };
	const struct elem *catchall = NULL, *const * sorted;
	bool ok = true;
	uint8_t hi[64];
	uint32_t shift;
	u128 mask;

	*groups = NULL;
	*ngroups = 0;
	if (n > sizeof(hi))
		return false;
	if (load_is_prefix(c, l, n, &shift, &mask))
		return prefix_groups(s, l, set_value_groups(c->sets, set, shift, mask, map), map,
				     groups, ngroups);
	/* in key order: an rbtree start element runs to the next end element */
	sorted = set_sorted(c->sets, set, &ns, &catchall);
	for (uint32_t k = 0; k < ns && ok; k++) {
		const struct elem *e = sorted[k];

		if (!elem_key_end(set, sorted, ns, k, hi))
			continue;
		ok = seg_values(c, s, l, e->key, hi, n, &vals);
		if (ok && vals.n)
			value_group_add(groups, ngroups, e, map, &vals, &all);
	}
	for (size_t g = 0; g < *ngroups; g++)
		ivs_normalize(&(*groups)[g].vals);
	ivs_normalize(&all);
	if (ok && catchall) {
		ivs_subtract(&vals, &s->cube.f[l->field], &all);
		if (vals.n)
			value_group_add(groups, ngroups, catchall, map, &vals, &all);
		for (size_t g = 0; g < *ngroups; g++)
			ivs_normalize(&(*groups)[g].vals);
	}
	ivs_release(&vals);
	ivs_release(&all);
	return ok;
}

void groups_free(struct value_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ivs_release(&g[i].vals);
	free(g);
}

/* ---- concatenations: each element is a box over several fields ---- */

bool catchall_of(const struct set *set)
{
	for (uint32_t i = 0; i < set->nelems; i++)
		if (set->elems[i].flags & NFT_SET_ELEM_CATCHALL)
			return true;
	return false;
}

struct cubes {
	struct cube *v;
	size_t n, cap;
};

static void cubes_push(struct cubes *cs, struct cube *c)
{
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 8;
		cs->v = xrealloc(cs->v, cs->cap * sizeof(*cs->v));
	}
	cs->v[cs->n++] = *c;
}

/* @a minus box @b (only @dims constrained), appended to @out as cubes. */
static void cube_subtract(const struct cube *a, const struct cube *b, const int *dims, int nd,
			  struct cubes *out)
{
	struct cube cur;
	struct ivs tmp = { 0 };

	for (int k = 0; k < nd; k++) {
		ivs_intersect(&tmp, &a->f[dims[k]], &b->f[dims[k]]);
		if (!tmp.n) { /* disjoint: all of @a stays */
			cube_init(&cur);
			cube_copy(&cur, a);
			cubes_push(out, &cur);
			ivs_release(&tmp);
			return;
		}
	}
	cube_init(&cur);
	cube_copy(&cur, a);
	for (int k = 0; k < nd; k++) {
		struct cube piece;
		int d = dims[k];

		cube_init(&piece);
		cube_copy(&piece, &cur);
		ivs_subtract(&tmp, &cur.f[d], &b->f[d]);
		ivs_copy(&piece.f[d], &tmp);
		if (tmp.n)
			cubes_push(out, &piece);
		else
			cube_release(&piece);
		ivs_intersect(&tmp, &cur.f[d], &b->f[d]);
		ivs_copy(&cur.f[d], &tmp);
	}
	cube_release(&cur);
	ivs_release(&tmp);
}

#define MAX_BOX_PIECES 4096

static struct sstate *state_with_cube(const struct sstate *s, struct cube *c)
{
	struct sstate *y = state_clone(s);

	cube_release(&y->cube);
	y->cube = *c;
	return y;
}

/*
 * A lookup whose key concatenates fields: one state per element box (with
 * its data for maps); the rest, cut into boxes, breaks (or goes on, for an
 * inverted lookup). Returns X_UNCERTAIN with @why when it cannot split.
 */
enum xres lookup_boxes(struct rule_run *rr, struct sstate *s, uint32_t next, const struct set *set,
		       int off, bool inv, bool map, uint32_t dreg, const char **why)
{
	struct reach_ctx *c = rr->c;
	const struct symload *seg_load[16];
	uint32_t seg_off[16], seg_len[16], nseg = set->nfields > 1 ? set->nfields : 1;
	int dims[16], nd = 0;
	struct cubes rest = { 0 }, next_rest = { 0 };
	struct cube start;
	struct ivs vals = { 0 };
	bool ok = true;

	if (set->nfields <= 1) {
		/* no field lengths in the snapshot: the loads in the key tell them */
		nseg = 0;
		for (uint32_t o = 0; o < set->key_len && nseg < 16;) {
			uint8_t t = s->tag[off + o];
			uint32_t n = 1;

			if (t && t != TAG_UNKNOWN)
				n = s->loads[t - 1].len;
			else
				while (o + n < set->key_len && s->tag[off + o + n] == t && n < 4)
					n++;
			if (o + n > set->key_len)
				n = set->key_len - o;
			seg_off[nseg] = o;
			seg_len[nseg++] = n;
			o += t ? (n + 3) & ~3u : n;
		}
	}
	for (uint32_t j = 0, o = 0; j < nseg && ok; j++) {
		if (set->nfields > 1) {
			seg_off[j] = o;
			seg_len[j] = set->field_len[j];
			o += set_field_reglen(set, j);
		}
		seg_load[j] = NULL;
		switch (region_of(s, off + (int)seg_off[j], seg_len[j], &seg_load[j])) {
		case RG_CONCRETE:
			seg_load[j] = NULL;
			break;
		case RG_LOAD:
			for (int k = 0; k < nd; k++)
				if (dims[k] == seg_load[j]->field)
					ok = false;
			dims[nd++] = seg_load[j]->field;
			break;
		default:
			ok = false;
		}
	}
	if (!ok) {
		*why = "lookup key with an unknown value or a field twice";
		return X_UNCERTAIN;
	}
	cube_init(&start);
	cube_copy(&start, &s->cube);
	cubes_push(&rest, &start);
	for (uint32_t i = 0; i < set->nelems && ok; i++) {
		const struct elem *e = &set->elems[i];
		struct cube box;
		bool empty = false;

		if ((e->flags & (NFT_SET_ELEM_CATCHALL | NFT_SET_ELEM_INTERVAL_END)) || !e->key ||
		    e->key_len < set->key_len)
			continue;
		cube_init(&box);
		cube_copy(&box, &s->cube);
		for (uint32_t j = 0; j < nseg && !empty && ok; j++) {
			const uint8_t *lo = e->key + seg_off[j];
			const uint8_t *hi = (e->key_end ? e->key_end : e->key) + seg_off[j];

			if (!seg_load[j]) {
				const uint8_t *v = s->regs + off + seg_off[j];

				empty = memcmp(lo, v, seg_len[j]) > 0 ||
					memcmp(v, hi, seg_len[j]) > 0;
				continue;
			}
			ok = seg_values(c, s, seg_load[j], lo, hi, seg_len[j], &vals);
			ivs_copy(&box.f[seg_load[j]->field], &vals);
			empty = !vals.n;
		}
		if (!ok || empty) {
			cube_release(&box);
			continue;
		}
		for (size_t k = 0; k < rest.n; k++) {
			cube_subtract(&rest.v[k], &box, dims, nd, &next_rest);
			cube_release(&rest.v[k]);
		}
		free(rest.v);
		rest = next_rest;
		memset(&next_rest, 0, sizeof(next_rest));
		ok = rest.n <= MAX_BOX_PIECES;
		if (inv) { /* found: an inverted lookup breaks */
			struct sstate *y = state_with_cube(s, &box);

			y->verdict = NFT_BREAK;
			push_mid(rr, y, (uint32_t)rr->r->exprs.n);
			continue;
		}
		{
			struct sstate *y = state_with_cube(s, &box);

			if (map && dreg == NFT_REG_VERDICT && e->verdict) {
				y->verdict = e->verdict->code;
				y->jump = e->verdict->chain;
			} else if (map && e->data && reg_offset(dreg, e->data_len) >= 0) {
				set_concrete(y, reg_offset(dreg, e->data_len), e->data,
					     e->data_len);
			}
			push_mid(rr, y, next);
		}
	}
	ivs_release(&vals);
	if (!ok) {
		*why = rest.n > MAX_BOX_PIECES ? "too many pieces splitting on a concatenation"
					       : "too many values to split on a concatenated field";
		for (size_t k = 0; k < rest.n; k++)
			cube_release(&rest.v[k]);
		free(rest.v);
		return X_UNCERTAIN;
	}
	/* what no element holds: breaks, or goes on for an inverted lookup */
	for (size_t k = 0; k < rest.n; k++) {
		struct sstate *y = state_with_cube(s, &rest.v[k]);

		if (!inv)
			y->verdict = NFT_BREAK;
		push_mid(rr, y, inv ? next : (uint32_t)rr->r->exprs.n);
	}
	free(rest.v);
	cube_release(&s->cube); /* every part went on in a state of its own */
	cube_init(&s->cube);
	return X_BREAK;
}
