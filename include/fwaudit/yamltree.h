/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_YAMLTREE_H
#define FWAUDIT_YAMLTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;

/*
 * A YAML document as a plain tree with positions, for readers outside
 * policy/ (postmortems) so that libyaml stays inside the one module that
 * wraps it.
 */

enum ynode_kind {
	YN_NULL,
	YN_SCALAR,
	YN_SEQ,
	YN_MAP,
};

/**
 * struct ynode - one node.
 * @str: the scalar's text (YN_SCALAR)
 * @keys, @v, @n: a mapping's keys and values, or a sequence's items (@keys
 *	NULL)
 * @key_line, @key_col: a mapping's keys' positions
 * @line, @col: where the node starts (1-based)
 */
struct ynode {
	enum ynode_kind kind;
	char *str;
	char **keys;
	struct ynode **v;
	uint32_t *key_line, *key_col;
	size_t n;
	uint32_t line, col;
};

/*
 * Parse every document of the YAML stream @buf (@len bytes) named @name.
 * Line numbers are shifted by @line0 (for front matter inside a larger
 * file). Returns 0 and sets *docs / *ndocs (free each with ynode_free() and
 * the array with free()), or -EINVAL with "NAME:LINE:COL: ..." in @err.
 * Duplicate mapping keys are an error.
 */
int ytree_parse(const char *name, const char *buf, size_t len, uint32_t line0, struct ynode ***docs,
		size_t *ndocs, struct strbuf *err);

/* NULL-safe. */
void ynode_free(struct ynode *n);

/* The value of @key in the mapping @map, or NULL. */
struct ynode *ynode_get(const struct ynode *map, const char *key);

#endif
