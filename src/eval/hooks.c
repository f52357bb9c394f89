// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a packet passes at one hook: the base chains of every table that
 * registers there for its family, by priority, plus the conntrack hook and
 * the nat core's hook, which run the nat chains as one group.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>

#include "eval_internal.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

/* nf_conntrack's hooks: NF_IP_PRI_CONNTRACK at prerouting and output. */
#define PRI_CONNTRACK (-200)

/* The nat core's priorities (NF_IP_PRI_NAT_DST / NF_IP_PRI_NAT_SRC). */
static int32_t nat_priority(uint32_t hook)
{
	return hook == NF_INET_PRE_ROUTING || hook == NF_INET_LOCAL_OUT ? -100 : 100;
}

static bool family_sees(uint32_t table_family, uint8_t family)
{
	return table_family == family || table_family == NFPROTO_INET;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct hook_entry *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return 0;
}

static int nat_cmp(const void *a, const void *b)
{
	const struct chain *x = *(const struct chain *const *)a,
			   *y = *(const struct chain *const *)b;

	return x->priority < y->priority ? -1 : x->priority > y->priority;
}

void hook_path_build(const struct ruleset *rs, uint32_t hook, uint8_t family, struct hook_path *out)
{
	struct hook_entry nat = { .kind = HE_NAT, .priority = nat_priority(hook) };
	size_t cap = 8;

	memset(out, 0, sizeof(*out));
	out->v = xcalloc(cap, sizeof(*out->v));
	for (uint32_t t = 0; t < rs->ntables; t++) {
		const struct table *tb = rs->tables[t];

		if (!family_sees(tb->family, family) || (tb->flags & 1 /* dormant */))
			continue;
		for (uint32_t c = 0; c < tb->nchains; c++) {
			const struct chain *ch = tb->chains[c];

			if (!ch->base || ch->hooknum != hook)
				continue;
			if (ch->type && !strcmp(ch->type, "nat")) {
				nat.nat = xrealloc(nat.nat, (nat.nnat + 1) * sizeof(*nat.nat));
				nat.nat[nat.nnat++] = ch;
				continue;
			}
			if (out->n + 2 >= cap)
				out->v = xrealloc(out->v, (cap *= 2) * sizeof(*out->v));
			out->v[out->n++] = (struct hook_entry){ .kind = HE_CHAIN,
								.priority = ch->priority,
								.chain = ch };
		}
	}
	if (hook == NF_INET_PRE_ROUTING || hook == NF_INET_LOCAL_OUT)
		out->v[out->n++] =
			(struct hook_entry){ .kind = HE_CONNTRACK, .priority = PRI_CONNTRACK };
	if (nat.nnat) {
		qsort(nat.nat, nat.nnat, sizeof(*nat.nat), nat_cmp);
		out->v[out->n++] = nat;
	}
	/* qsort is not stable, but equal priorities are reported as ties */
	qsort(out->v, out->n, sizeof(*out->v), entry_cmp);
	for (uint32_t i = 1; i < out->n; i++)
		if (out->v[i].priority == out->v[i - 1].priority)
			out->ties = true;
}

void hook_path_release(struct hook_path *hp)
{
	for (uint32_t i = 0; i < hp->n; i++)
		free(hp->v[i].nat);
	free(hp->v);
	memset(hp, 0, sizeof(*hp));
}

/* Next permutation of a[0..n) in lexicographic order; false after the last. */
static bool next_perm(uint32_t *a, uint32_t n)
{
	uint32_t i, j, t;

	if (n < 2)
		return false;
	i = n - 1;
	while (i > 0 && a[i - 1] >= a[i])
		i--;
	if (i == 0)
		return false;
	j = n - 1;
	while (a[j] <= a[i - 1])
		j--;
	t = a[i - 1], a[i - 1] = a[j], a[j] = t;
	for (j = n - 1; i < j; i++, j--)
		t = a[i], a[i] = a[j], a[j] = t;
	return true;
}

size_t hook_path_orders(const struct hook_path *hp, uint32_t **orders, size_t max)
{
	uint32_t *cur = xcalloc(hp->n ? hp->n : 1, sizeof(*cur));
	size_t count = 0;

	for (uint32_t i = 0; i < hp->n; i++)
		cur[i] = i;
	for (;;) {
		uint32_t g;

		if (count == max) {
			for (size_t k = 0; k < count; k++)
				free(orders[k]);
			count = 0;
			break;
		}
		orders[count] = xmalloc((hp->n ? hp->n : 1) * sizeof(*cur));
		memcpy(orders[count++], cur, hp->n * sizeof(*cur));
		/* odometer over the tie groups: advance the last group that can */
		for (g = hp->n; g > 0;) {
			uint32_t end = g, start = g - 1;

			while (start > 0 && hp->v[start - 1].priority == hp->v[end - 1].priority)
				start--;
			if (next_perm(cur + start, end - start))
				break;
			/* group wrapped: reset it to sorted and carry */
			for (uint32_t k = start; k < end; k++)
				cur[k] = k;
			g = start;
		}
		if (g == 0)
			break;
	}
	free(cur);
	return count;
}

void chain_describe(const struct chain *c, struct strbuf *out)
{
	strbuf_addf(out, "%s %s %s", family_name(c->table->family) ?: "?", c->table->name, c->name);
}

const struct chain *chain_target(const struct chain *c, const char *name)
{
	return name ? table_find_chain(c->table, name) : NULL;
}
