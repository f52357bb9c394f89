// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What a rule is, as bytes: its expressions and their attributes, without
 * what traffic changes (counters, quotas used, last seen), with an
 * anonymous set's elements in place of its generated name. Equal bytes,
 * equal rules, whichever load or handle they come from: the change report
 * matches rules across snapshots by them, and reach shares rule guards.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/nf_tables.h>

#include "fwaudit/model.h"
#include "fwaudit/util.h"

uint64_t content_hash(const void *p, size_t n)
{
	const uint8_t *s = p;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ull;
	return h;
}

void content_put(struct strbuf *sb, const void *p, uint32_t n)
{
	strbuf_add(sb, &n, sizeof(n));
	strbuf_add(sb, p, n);
}

/*
 * Attributes that change with traffic are not differences: all of a
 * counter's or a last's (TRAFFIC_ALL), a quota's bytes used.
 */
enum traffic { TRAFFIC_NONE, TRAFFIC_ALL, TRAFFIC_QUOTA };

static enum traffic traffic_of(const struct expr *e)
{
	if (!strcmp(e->name, "counter") || !strcmp(e->name, "last"))
		return TRAFFIC_ALL;
	return strcmp(e->name, "quota") ? TRAFFIC_NONE : TRAFFIC_QUOTA;
}

static void elem_bytes(const struct elem *e, struct strbuf *sb)
{
	content_put(sb, &e->flags, sizeof(e->flags));
	content_put(sb, e->key, e->key_len);
	content_put(sb, e->key_end, e->key_end_len);
	content_put(sb, e->data, e->data_len);
	if (e->verdict) {
		content_put(sb, &e->verdict->code, sizeof(e->verdict->code));
		content_put(sb, e->verdict->chain ?: "", (uint32_t)strlen(e->verdict->chain ?: ""));
	}
	content_put(sb, &e->timeout, sizeof(e->timeout));
	content_put(sb, e->objref ?: "", (uint32_t)strlen(e->objref ?: ""));
	content_put(sb, e->udata, e->udata_len);
}

struct blob {
	char *p;
	size_t n;
};

static int blob_cmp(const void *a, const void *b)
{
	const struct blob *x = a, *y = b;
	int c = memcmp(x->p, y->p, x->n < y->n ? x->n : y->n);

	return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* The elements of @s as sorted byte strings; the caller frees each and @v. */
static struct blob *elements_sorted(const struct set *s)
{
	struct blob *v = xcalloc(s->nelems + 1, sizeof(*v));

	for (uint32_t i = 0; i < s->nelems; i++) {
		struct strbuf sb = STRBUF_INIT;

		elem_bytes(&s->elems[i], &sb);
		v[i].n = sb.len;
		v[i].p = strbuf_detach(&sb);
	}
	qsort(v, s->nelems, sizeof(*v), blob_cmp);
	return v;
}

static void blobs_free(struct blob *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].p);
	free(v);
}

void expr_content(const struct expr *e, const struct table *t, struct strbuf *sb)
{
	enum traffic traffic = traffic_of(e);

	content_put(sb, e->name, (uint32_t)strlen(e->name));
	for (uint16_t i = 0; i < e->nattrs && traffic != TRAFFIC_ALL; i++) {
		const struct attr *a = &e->attrs[i];
		const struct set *anon;

		if (traffic == TRAFFIC_QUOTA && a->type == NFTA_QUOTA_CONSUMED)
			continue;
		content_put(sb, &a->type, sizeof(a->type));
		switch (a->kind) {
		case ATTR_STR:
			anon = t ? table_find_set(t, a->str) : NULL;
			if (anon && (anon->flags & NFT_SET_ANONYMOUS)) {
				/* its generated name differs between loads: its content does not */
				struct blob *v = elements_sorted(anon);

				content_put(sb, "{", 1);
				content_put(sb, &anon->flags, sizeof(anon->flags));
				for (uint32_t k = 0; k < anon->nelems; k++)
					content_put(sb, v[k].p, (uint32_t)v[k].n);
				blobs_free(v, anon->nelems);
			} else {
				content_put(sb, a->str, (uint32_t)strlen(a->str));
			}
			break;
		case ATTR_BIN:
		case ATTR_DATA:
			if (a->is_verdict) {
				content_put(sb, &a->verdict->code, sizeof(a->verdict->code));
				content_put(sb, a->verdict->chain ?: "",
					    (uint32_t)strlen(a->verdict->chain ?: ""));
			} else {
				content_put(sb, a->bytes, a->len);
			}
			break;
		case ATTR_EXPR:
		case ATTR_EXPRS:
			exprs_content(a->exprs, t, sb);
			break;
		default:
			content_put(sb, &a->num, sizeof(a->num));
		}
	}
}

void exprs_content(const struct expr_list *l, const struct table *t, struct strbuf *sb)
{
	content_put(sb, &l->n, sizeof(l->n));
	for (uint32_t i = 0; i < l->n; i++)
		expr_content(&l->v[i], t, sb);
}
