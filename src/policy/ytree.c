// SPDX-License-Identifier: GPL-2.0-or-later
/* libyaml documents into struct ynode trees (see yamltree.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "fwaudit/util.h"
#include "fwaudit/yamltree.h"

struct tree_ctx {
	const char *name;
	yaml_document_t *doc;
	uint32_t line0;
	struct strbuf *err;
	bool failed;
};

static bool plain_null(const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;

	return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
		!strcmp(s, "NULL"));
}

static struct ynode *convert(struct tree_ctx *c, yaml_node_t *n, int depth)
{
	struct ynode *y = xcalloc(1, sizeof(*y));

	y->line = (uint32_t)n->start_mark.line + 1 + c->line0;
	y->col = (uint32_t)n->start_mark.column + 1;
	if (depth > 64) {
		strbuf_addf(c->err, "%s:%u:%u: nested too deeply\n", c->name, y->line, y->col);
		c->failed = true;
		return y;
	}
	switch (n->type) {
	case YAML_SCALAR_NODE:
		y->kind = plain_null(n) ? YN_NULL : YN_SCALAR;
		y->str = xstrdup((const char *)n->data.scalar.value);
		break;
	case YAML_SEQUENCE_NODE:
		y->kind = YN_SEQ;
		y->n = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
		y->v = xcalloc(y->n + 1, sizeof(*y->v));
		for (size_t i = 0; i < y->n; i++)
			y->v[i] = convert(
				c, yaml_document_get_node(c->doc, n->data.sequence.items.start[i]),
				depth + 1);
		break;
	case YAML_MAPPING_NODE:
		y->kind = YN_MAP;
		y->n = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
		y->v = xcalloc(y->n + 1, sizeof(*y->v));
		y->keys = xcalloc(y->n + 1, sizeof(*y->keys));
		y->key_line = xcalloc(y->n + 1, sizeof(*y->key_line));
		y->key_col = xcalloc(y->n + 1, sizeof(*y->key_col));
		for (size_t i = 0; i < y->n; i++) {
			yaml_node_pair_t *p = &n->data.mapping.pairs.start[i];
			yaml_node_t *k = yaml_document_get_node(c->doc, p->key);

			y->key_line[i] = (uint32_t)k->start_mark.line + 1 + c->line0;
			y->key_col[i] = (uint32_t)k->start_mark.column + 1;
			y->v[i] = convert(c, yaml_document_get_node(c->doc, p->value), depth + 1);
			if (k->type != YAML_SCALAR_NODE) {
				strbuf_addf(c->err, "%s:%u:%u: keys must be scalars\n", c->name,
					    y->key_line[i], y->key_col[i]);
				c->failed = true;
				y->keys[i] = xstrdup("");
				continue;
			}
			y->keys[i] = xstrdup((const char *)k->data.scalar.value);
			for (size_t j = 0; j < i; j++)
				if (!strcmp(y->keys[j], y->keys[i])) {
					strbuf_addf(c->err, "%s:%u:%u: duplicate key '%s'\n",
						    c->name, y->key_line[i], y->key_col[i],
						    y->keys[i]);
					c->failed = true;
					break;
				}
		}
		break;
	default:
		y->kind = YN_NULL;
	}
	return y;
}

int ytree_parse(const char *name, const char *buf, size_t len, uint32_t line0, struct ynode ***docs,
		size_t *ndocs, struct strbuf *err)
{
	struct tree_ctx c = { .name = name, .line0 = line0, .err = err };
	struct ynode **got = NULL;
	size_t n = 0;
	yaml_parser_t parser;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	for (;;) {
		yaml_document_t doc;
		yaml_node_t *root;

		if (!yaml_parser_load(&parser, &doc)) {
			const yaml_mark_t *m =
				parser.problem ? &parser.problem_mark : &parser.context_mark;

			strbuf_addf(err, "%s:%zu:%zu: YAML syntax error: %s%s%s\n", name,
				    m->line + 1 + line0, m->column + 1,
				    parser.problem ? parser.problem : "unknown error",
				    parser.context ? " " : "",
				    parser.context ? parser.context : "");
			c.failed = true;
			break;
		}
		root = yaml_document_get_root_node(&doc);
		if (!root) {
			yaml_document_delete(&doc);
			break;
		}
		c.doc = &doc;
		got = xrealloc(got, (n + 1) * sizeof(*got));
		got[n++] = convert(&c, root, 0);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	if (c.failed) {
		for (size_t i = 0; i < n; i++)
			ynode_free(got[i]);
		free(got);
		return -EINVAL;
	}
	*docs = got;
	*ndocs = n;
	return 0;
}

void ynode_free(struct ynode *y)
{
	if (!y)
		return;
	for (size_t i = 0; i < y->n; i++) {
		ynode_free(y->v[i]);
		if (y->keys)
			free(y->keys[i]);
	}
	free(y->v);
	free(y->keys);
	free(y->key_line);
	free(y->key_col);
	free(y->str);
	free(y);
}

struct ynode *ynode_get(const struct ynode *map, const char *key)
{
	if (!map || map->kind != YN_MAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (!strcmp(map->keys[i], key))
			return map->v[i];
	return NULL;
}
