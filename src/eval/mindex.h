/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A multimap from 64-bit keys to pointers (mindex.c). */
#ifndef FWAUDIT_EVAL_MINDEX_H
#define FWAUDIT_EVAL_MINDEX_H

#include <stdint.h>

/*
 * struct mindex - a multimap from 64-bit keys to pointers. mindex_add()
 * returns the entry's id (never 0) for mindex_del(); mindex_first() and
 * mindex_next() walk the entries of one key (0 at the end). Zero = empty.
 */
struct mentry {
	uint64_t key;
	void *p;
	uint32_t next;
};

struct mindex {
	uint32_t *head, nb;
	struct mentry *e;
	uint32_t ne, cap, free, live;
};

uint32_t mindex_add(struct mindex *m, uint64_t key, void *p);
void mindex_del(struct mindex *m, uint32_t id);
uint32_t mindex_first(const struct mindex *m, uint64_t key);
uint32_t mindex_next(const struct mindex *m, uint32_t id);
void mindex_release(struct mindex *m);

#endif
