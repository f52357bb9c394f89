// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A multimap from 64-bit keys to pointers, with removal of single entries:
 * reach finds the waiting states a new state may merge into through it
 * instead of comparing the new state with every one of them.
 */
#include <stdlib.h>
#include <string.h>

#include "mindex.h"
#include "fwaudit/util.h"

static uint32_t bucket_of(const struct mindex *m, uint64_t key)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 32) & (m->nb - 1);
}

static void grow(struct mindex *m)
{
	uint32_t nb = m->nb ? m->nb * 2 : 256;

	free(m->head);
	m->nb = nb;
	m->head = xcalloc(nb, sizeof(*m->head));
	for (uint32_t i = 1; i < m->ne; i++) {
		struct mentry *e = &m->e[i];
		uint32_t b;

		if (!e->p)
			continue;
		b = bucket_of(m, e->key);
		e->next = m->head[b];
		m->head[b] = i;
	}
}

uint32_t mindex_add(struct mindex *m, uint64_t key, void *p)
{
	uint32_t id, b;

	if (m->live >= m->nb)
		grow(m);
	if (m->free) {
		id = m->free;
		m->free = m->e[id].next;
	} else {
		if (m->ne == m->cap || !m->ne) {
			m->cap = m->cap ? m->cap * 2 : 256;
			m->e = xrealloc(m->e, m->cap * sizeof(*m->e));
			if (!m->ne)
				m->ne = 1; /* id 0 means none */
		}
		id = m->ne++;
	}
	b = bucket_of(m, key);
	m->e[id] = (struct mentry){ .key = key, .p = p, .next = m->head[b] };
	m->head[b] = id;
	m->live++;
	return id;
}

void mindex_del(struct mindex *m, uint32_t id)
{
	uint32_t *at = &m->head[bucket_of(m, m->e[id].key)];

	while (*at != id)
		at = &m->e[*at].next;
	*at = m->e[id].next;
	m->e[id].p = NULL;
	m->e[id].next = m->free;
	m->free = id;
	m->live--;
}

uint32_t mindex_first(const struct mindex *m, uint64_t key)
{
	uint32_t id = m->nb ? m->head[bucket_of(m, key)] : 0;

	while (id && m->e[id].key != key)
		id = m->e[id].next;
	return id;
}

uint32_t mindex_next(const struct mindex *m, uint32_t id)
{
	uint64_t key = m->e[id].key;

	for (id = m->e[id].next; id && m->e[id].key != key;)
		id = m->e[id].next;
	return id;
}

void mindex_release(struct mindex *m)
{
	free(m->head);
	free(m->e);
	memset(m, 0, sizeof(*m));
}
