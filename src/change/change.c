// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Structural change between two snapshots. Rules are compared as nft
 * prints them without counters (nft -s): the kernel's expressions name
 * anonymous sets by generated names ("__set3") that differ between two
 * loads of the same ruleset, and counters change with every packet.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "fwaudit/change.h"
#include "fwaudit/files.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

static const struct render_opts stateless = { .stateless = true };

const char *change_object_name(enum change_object o)
{
	static const char *const names[] = { "flow", "table",	 "chain",  "policy",	"rule",
					     "set",  "elements", "object", "flowtable", "file" };

	return (size_t)o < ARRAY_SIZE(names) ? names[o] : "?";
}

const char *change_kind_name(enum change_kind k)
{
	static const char *const names[] = { "added", "removed", "changed", "moved" };

	return (size_t)k < ARRAY_SIZE(names) ? names[k] : "?";
}

void changes_append(struct changes *dst, struct changes *src)
{
	if (dst->n + src->n > dst->cap) {
		dst->cap = dst->n + src->n;
		dst->v = xrealloc(dst->v, dst->cap * sizeof(*dst->v));
	}
	if (src->n)
		memcpy(dst->v + dst->n, src->v, src->n * sizeof(*src->v));
	dst->n += src->n;
	free(src->v);
	memset(src, 0, sizeof(*src));
}

void changes_release(struct changes *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].where);
		free(c->v[i].before);
		free(c->v[i].after);
		free(c->v[i].cause);
		free(c->v[i].detail);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

struct change *changes_add(struct changes *c, enum change_object o, enum change_kind k, char *where)
{
	struct change *ch;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	ch = &c->v[c->n++];
	memset(ch, 0, sizeof(*ch));
	ch->object = o;
	ch->kind = k;
	ch->where = where;
	return ch;
}

static char *table_where(const struct table *t)
{
	return xasprintf("%s %s", family_name(t->family), t->name);
}

static char *in_table(const struct table *t, const char *name)
{
	return xasprintf("%s %s %s", family_name(t->family), t->name, name);
}

/* ---- rules ---- */

/*
 * A rule's identity for matching: its expressions as bytes, without what
 * traffic changes (counters, quota use) and with each anonymous set replaced
 * by its elements (sorted: a hash set dumps in no fixed order), so two loads
 * of the same rule compare equal byte for byte. Rendering waits until a
 * rule is reported.
 */
struct rule_key {
	uint64_t hash;
	uint32_t idx;
	size_t len;
	char *bytes;
};

static bool bytes_same(const void *x, uint32_t nx, const void *y, uint32_t ny)
{
	return nx == ny && (!nx || !memcmp(x, y, nx));
}

static bool str_same(const char *x, const char *y)
{
	return !strcmp(x ?: "", y ?: "");
}

/* @x and @y are the same element with the same settings (what content.c
 * writes of an element). */
static bool elem_same(const struct elem *x, const struct elem *y)
{
	if (x->flags != y->flags || x->timeout != y->timeout || !x->verdict != !y->verdict ||
	    elem_identity_cmp(x, y) || !bytes_same(x->data, x->data_len, y->data, y->data_len) ||
	    !bytes_same(x->udata, x->udata_len, y->udata, y->udata_len) ||
	    !str_same(x->objref, y->objref))
		return false;
	return !x->verdict || (x->verdict->code == y->verdict->code &&
			       str_same(x->verdict->chain, y->verdict->chain));
}

/*
 * @a and @b hold the same elements, in any order: @a's in an open-addressing
 * table by hash, each of @b's found there once. Linear in the elements, where
 * sorting both was the larger part of comparing two unchanged 100k sets.
 */
static bool elements_same(const struct set *a, const struct set *b)
{
	uint32_t n = a->nelems, mask = 1;
	uint32_t *slot;
	uint64_t *ha;
	bool *used, same = true;

	if (n != b->nelems)
		return false;
	while (mask < 2 * n)
		mask <<= 1;
	mask--;
	slot = xcalloc((size_t)mask + 1, sizeof(*slot)); /* element index + 1, 0 empty */
	ha = xcalloc(n + 1, sizeof(*ha));
	used = xcalloc(n + 1, sizeof(*used));
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k;

		ha[i] = elem_identity_hash(&a->elems[i]);
		for (k = (uint32_t)ha[i] & mask; slot[k]; k = (k + 1) & mask)
			;
		slot[k] = i + 1;
	}
	for (uint32_t j = 0; j < n && same; j++) {
		uint64_t h = elem_identity_hash(&b->elems[j]);
		uint32_t k;

		same = false;
		for (k = (uint32_t)h & mask; slot[k]; k = (k + 1) & mask) {
			uint32_t i = slot[k] - 1;

			if (ha[i] == h && !used[i] && elem_same(&a->elems[i], &b->elems[j])) {
				used[i] = true;
				same = true;
				break;
			}
		}
	}
	free(slot);
	free(ha);
	free(used);
	return same;
}

static void rule_key(const struct rule *r, uint32_t idx, struct rule_key *k)
{
	struct strbuf sb = STRBUF_INIT;

	exprs_content(&r->exprs, r->chain->table, &sb);
	content_put(&sb, r->udata, r->udata_len);
	k->idx = idx;
	k->len = sb.len;
	k->hash = content_hash(sb.buf, sb.len);
	k->bytes = strbuf_detach(&sb);
}

static bool key_equal(const struct rule_key *x, const struct rule_key *y)
{
	return x->hash == y->hash && x->len == y->len && !memcmp(x->bytes, y->bytes, x->len);
}

static char *rule_text(const struct rule *r)
{
	struct strbuf sb = STRBUF_INIT;

	rule_render(r, &stateless, &sb);
	if (r->comment) {
		strbuf_addstr(&sb, " comment ");
		strbuf_addjson_text(&sb, r->comment);
	}
	return strbuf_detach(&sb);
}

static int hash_cmp(const void *a, const void *b)
{
	const struct rule_key *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Handles are unique within a table: compare the handle only. */
static int handle_cmp(const void *a, const void *b)
{
	const struct rule_key *x = a, *y = b;

	return (x->hash > y->hash) - (x->hash < y->hash);
}

/* The indexes of the longest increasing run of @v (patience sorting); in[i]
 * is set for the members. */
static void longest_increasing(const uint32_t *v, size_t n, bool *in)
{
	size_t *tail = xcalloc(n + 1, sizeof(*tail)), *prev = xcalloc(n + 1, sizeof(*prev));
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		size_t lo = 0, hi = len;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (v[tail[mid]] < v[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[i] = lo ? tail[lo - 1] : SIZE_MAX;
		tail[lo] = i;
		if (lo == len)
			len++;
	}
	for (size_t i = len ? tail[len - 1] : SIZE_MAX; i != SIZE_MAX; i = prev[i])
		in[i] = true;
	free(tail);
	free(prev);
}

static struct change *rule_change(struct changes *out, enum change_kind k, const struct chain *c,
				  const struct rule *old, const struct rule *now)
{
	struct change *ch = changes_add(out, CO_RULE, k, in_table(c->table, c->name));

	if (old) {
		ch->old_handle = old->handle;
		if (k != CHANGE_MOVED)
			ch->before = rule_text(old);
	}
	if (now) {
		ch->new_handle = now->handle;
		ch->after = rule_text(now);
	}
	return ch;
}

static void rules_compare(const struct chain *a, const struct chain *b, bool same_table,
			  struct changes *out)
{
	struct rule_key *ok = xcalloc(a->nrules + 1, sizeof(*ok));
	struct rule_key *nk = xcalloc(b->nrules + 1, sizeof(*nk));
	int64_t *old_of_new = xcalloc(b->nrules + 1, sizeof(*old_of_new));
	bool *used = xcalloc(a->nrules + 1, sizeof(*used)); /* by a->rules index */
	bool *by_content = xcalloc(b->nrules + 1, sizeof(*by_content));
	uint32_t *seq = xcalloc(b->nrules + 1, sizeof(*seq));
	uint32_t *seq_new = xcalloc(b->nrules + 1, sizeof(*seq_new));
	bool *in_order = xcalloc(b->nrules + 1, sizeof(*in_order));
	size_t nseq = 0;

	for (uint32_t i = 0; i < a->nrules; i++)
		rule_key(a->rules[i], i, &ok[i]);
	qsort(ok, a->nrules, sizeof(*ok), hash_cmp);
	/* by content: the first unused old rule the same, the same handle preferred */
	for (uint32_t j = 0; j < b->nrules; j++) {
		size_t lo = 0, hi = a->nrules;
		int64_t pick = -1;

		rule_key(b->rules[j], j, &nk[j]);
		old_of_new[j] = -1;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (ok[mid].hash < nk[j].hash)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t k = lo; k < a->nrules && ok[k].hash == nk[j].hash; k++) {
			if (used[ok[k].idx] || !key_equal(&ok[k], &nk[j]))
				continue;
			if (pick < 0)
				pick = ok[k].idx;
			if (a->rules[ok[k].idx]->handle == b->rules[j]->handle) {
				pick = ok[k].idx;
				break;
			}
		}
		if (pick >= 0) {
			used[pick] = true;
			old_of_new[j] = pick;
			by_content[j] = true;
		}
	}
	/* then by handle (nft replace keeps it), where handles mean the same rule */
	if (same_table) {
		struct rule_key *byh = xcalloc(a->nrules + 1, sizeof(*byh));

		for (uint32_t i = 0; i < a->nrules; i++)
			byh[i] = (struct rule_key){ .hash = a->rules[i]->handle, .idx = i };
		qsort(byh, a->nrules, sizeof(*byh), hash_cmp);
		for (uint32_t j = 0; j < b->nrules; j++) {
			struct rule_key want = { .hash = b->rules[j]->handle };
			const struct rule_key *hit =
				old_of_new[j] < 0
					? bsearch(&want, byh, a->nrules, sizeof(*byh), handle_cmp)
					: NULL;

			if (!hit || used[hit->idx])
				continue;
			used[hit->idx] = true;
			old_of_new[j] = hit->idx;
			rule_change(out, CHANGE_CHANGED, b, a->rules[hit->idx], b->rules[j]);
		}
		free(byh);
	}
	/* then by place: an edited rule between the same neighbours */
	for (uint32_t j = 0; j < b->nrules; j++) {
		int64_t i = j == 0 ? 0 : old_of_new[j - 1] >= 0 ? old_of_new[j - 1] + 1 : -1;

		if (old_of_new[j] >= 0 || i < 0 || i >= a->nrules || used[i])
			continue;
		used[i] = true;
		old_of_new[j] = i;
		rule_change(out, CHANGE_CHANGED, b, a->rules[i], b->rules[j]);
	}
	for (uint32_t j = 0; j < b->nrules; j++)
		if (by_content[j]) {
			seq_new[nseq] = j;
			seq[nseq++] = (uint32_t)old_of_new[j];
		}
	longest_increasing(seq, nseq, in_order);
	for (size_t m = 0; m < nseq; m++) {
		const struct rule *ro = a->rules[seq[m]], *rn = b->rules[seq_new[m]];
		struct change *ch;

		/* a reloaded table renumbers every handle: only order counts then */
		if (in_order[m] && (ro->handle == rn->handle || !same_table))
			continue;
		ch = rule_change(out, CHANGE_MOVED, b, ro, rn);
		ch->detail = in_order[m]
				     ? xstrdup("re-added in the same place")
				     : xasprintf("was rule %u of %u, now rule %u of %u", seq[m] + 1,
						 a->nrules, seq_new[m] + 1, b->nrules);
	}
	for (uint32_t i = 0; i < a->nrules; i++)
		if (!used[i])
			rule_change(out, CHANGE_REMOVED, a, a->rules[i], NULL);
	for (uint32_t j = 0; j < b->nrules; j++)
		if (old_of_new[j] < 0)
			rule_change(out, CHANGE_ADDED, b, NULL, b->rules[j])->detail =
				xasprintf("rule %u of %u", j + 1, b->nrules);
	for (uint32_t i = 0; i < a->nrules; i++)
		free(ok[i].bytes);
	for (uint32_t j = 0; j < b->nrules; j++)
		free(nk[j].bytes);
	free(ok);
	free(nk);
	free(old_of_new);
	free(used);
	free(by_content);
	free(seq);
	free(seq_new);
	free(in_order);
}

/* ---- chains ---- */

static void chain_head(const struct chain *c, struct strbuf *sb)
{
	if (!c->base) {
		strbuf_addstr(sb, "regular chain");
		return;
	}
	strbuf_addf(sb, "type %s hook %s priority %d", c->type ? c->type : "?",
		    hook_name(c->table->family, c->hooknum) ?: "?", c->priority);
	for (uint32_t i = 0; i < c->ndevices; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : " devices ", c->devices[i]);
	if (c->flags)
		strbuf_addf(sb, " flags 0x%x", c->flags);
}

static const char *policy_word(const struct chain *c)
{
	return !c->has_policy		? "accept"
	       : c->policy == NF_ACCEPT ? "accept"
	       : c->policy == NF_DROP	? "drop"
					: "?";
}

static void chain_compare(const struct chain *a, const struct chain *b, bool same_table,
			  struct changes *out)
{
	struct strbuf ha = STRBUF_INIT, hb = STRBUF_INIT;

	chain_head(a, &ha);
	chain_head(b, &hb);
	if (strcmp(ha.buf, hb.buf)) {
		struct change *ch =
			changes_add(out, CO_CHAIN, CHANGE_CHANGED, in_table(b->table, b->name));

		ch->before = strbuf_detach(&ha);
		ch->after = strbuf_detach(&hb);
	}
	if (a->base && b->base && strcmp(policy_word(a), policy_word(b))) {
		struct change *ch =
			changes_add(out, CO_POLICY, CHANGE_CHANGED, in_table(b->table, b->name));

		ch->before = xstrdup(policy_word(a));
		ch->after = xstrdup(policy_word(b));
	}
	strbuf_release(&ha);
	strbuf_release(&hb);
	rules_compare(a, b, same_table, out);
}

static void chain_whole(const struct chain *c, enum change_kind k, struct changes *out)
{
	struct strbuf sb = STRBUF_INIT;
	struct change *ch = changes_add(out, CO_CHAIN, k, in_table(c->table, c->name));

	chain_head(c, &sb);
	if (c->base)
		strbuf_addf(&sb, "; policy %s", policy_word(c));
	strbuf_addf(&sb, "; %u rule%s", c->nrules, c->nrules == 1 ? "" : "s");
	if (k == CHANGE_ADDED)
		ch->after = strbuf_detach(&sb);
	else
		ch->before = strbuf_detach(&sb);
}

/* ---- sets ---- */

/* Split "{ a, b,\n\t c }" into its elements. */
static size_t split_elements(char *s, char ***out)
{
	size_t n = 0, cap = 0, len = strlen(s);
	char **v = NULL, *p, *start;
	int depth = 0;
	bool quote = false;

	if (len >= 4 && !strncmp(s, "{ ", 2) && !strcmp(s + len - 2, " }")) {
		s[len - 2] = 0;
		s += 2;
	}
	for (p = start = s;; p++) {
		if (*p == '"')
			quote = !quote;
		else if (!quote && (*p == '{' || *p == '('))
			depth++;
		else if (!quote && (*p == '}' || *p == ')'))
			depth--;
		if (*p && (*p != ',' || quote || depth))
			continue;
		while (*start == ' ' || *start == '\n' || *start == '\t')
			start++;
		if (p > start) {
			if (n == cap) {
				cap = cap ? 2 * cap : 16;
				v = xrealloc(v, cap * sizeof(*v));
			}
			v[n++] = start;
		}
		if (!*p)
			break;
		*p = 0;
		start = p + 1;
	}
	*out = v;
	return n;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define ELEMENTS_SHOWN 20

static void list_elements(struct strbuf *sb, char sign, char **v, size_t n)
{
	for (size_t i = 0; i < n && i < ELEMENTS_SHOWN; i++)
		strbuf_addf(sb, "%c %s\n", sign, v[i]);
	if (n > ELEMENTS_SHOWN)
		strbuf_addf(sb, "%c ... and %zu more\n", sign, n - ELEMENTS_SHOWN);
}

static void elements_compare(const struct set *a, const struct set *b, struct changes *out)
{
	struct strbuf ta = STRBUF_INIT, tb = STRBUF_INIT, detail = STRBUF_INIT;
	char **ea = NULL, **eb = NULL, **added = NULL, **removed = NULL;
	size_t na, nb, i = 0, j = 0, nadd = 0, nrem = 0;

	/* the common case, unchanged: decided without rendering */
	if (elements_same(a, b))
		goto out;
	set_render_elements(a, &stateless, &ta);
	set_render_elements(b, &stateless, &tb);
	if (!strcmp(ta.buf, tb.buf))
		goto out;
	na = split_elements(ta.buf, &ea);
	nb = split_elements(tb.buf, &eb);
	qsort(ea, na, sizeof(*ea), str_cmp);
	qsort(eb, nb, sizeof(*eb), str_cmp);
	added = xcalloc(nb + 1, sizeof(*added));
	removed = xcalloc(na + 1, sizeof(*removed));
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : strcmp(ea[i], eb[j]);

		if (c < 0)
			removed[nrem++] = ea[i++];
		else if (c > 0)
			added[nadd++] = eb[j++];
		else
			i++, j++;
	}
	if (nadd || nrem) {
		struct change *ch =
			changes_add(out, CO_ELEMENTS, CHANGE_CHANGED, in_table(b->table, b->name));

		ch->before = xasprintf("%zu element%s", na, na == 1 ? "" : "s");
		ch->after = xasprintf("%zu element%s (%zu added, %zu removed)", nb,
				      nb == 1 ? "" : "s", nadd, nrem);
		list_elements(&detail, '+', added, nadd);
		list_elements(&detail, '-', removed, nrem);
		ch->detail = strbuf_detach(&detail);
	}
out:
	free(ea);
	free(eb);
	free(added);
	free(removed);
	strbuf_release(&ta);
	strbuf_release(&tb);
	strbuf_release(&detail);
}

static void set_head(const struct set *s, struct strbuf *sb)
{
	strbuf_addf(sb, "key type %u length %u", s->key_type, s->key_len);
	if (s->has_data_type)
		strbuf_addf(sb, ", data type %u length %u", s->data_type, s->data_len);
	strbuf_addf(sb, ", flags 0x%x", s->flags);
	if (s->timeout)
		strbuf_addf(sb, ", timeout %llums", (unsigned long long)s->timeout);
	if (s->has_policy)
		strbuf_addf(sb, ", policy %u", s->policy);
}

static bool anonymous(const struct set *s)
{
	return s->flags & NFT_SET_ANONYMOUS;
}

/* ---- objects and flowtables ---- */

/* An object's settings, compared as rules are: by their bytes, traffic aside. */
static bool obj_same(const struct obj *a, const struct obj *b)
{
	struct strbuf x = STRBUF_INIT, y = STRBUF_INIT;
	bool same;

	expr_content(&a->body, a->table, &x);
	expr_content(&b->body, b->table, &y);
	same = x.len == y.len && !memcmp(x.buf, y.buf, x.len);
	strbuf_release(&x);
	strbuf_release(&y);
	return same;
}

static void flowtable_head(const struct flowtable *f, struct strbuf *sb)
{
	strbuf_addf(sb, "hook %s priority %d", hook_name(NFPROTO_NETDEV, f->hooknum) ?: "?",
		    f->priority);
	for (uint32_t i = 0; i < f->ndevices; i++)
		strbuf_addf(sb, "%s%s", i ? ", " : " devices ", f->devices[i]);
	if (f->flags)
		strbuf_addf(sb, " flags 0x%x", f->flags);
}

/* ---- tables ---- */

static const struct obj *table_find_obj(const struct table *t, uint32_t type, const char *name)
{
	for (uint32_t i = 0; i < t->nobjs; i++)
		if (t->objs[i]->type == type && !strcmp(t->objs[i]->name, name))
			return t->objs[i];
	return NULL;
}

static const struct flowtable *table_find_flowtable(const struct table *t, const char *name)
{
	for (uint32_t i = 0; i < t->nflowtables; i++)
		if (!strcmp(t->flowtables[i]->name, name))
			return t->flowtables[i];
	return NULL;
}

/* The named pieces of @a missing from @b, as @k (REMOVED when @a is the base). */
static void table_only(const struct table *a, const struct table *b, enum change_kind k,
		       struct changes *out)
{
	for (uint32_t i = 0; i < a->nsets; i++)
		if (!anonymous(a->sets[i]) && !(b && table_find_set(b, a->sets[i]->name))) {
			struct change *ch =
				changes_add(out, CO_SET, k, in_table(a, a->sets[i]->name));
			char *what = xasprintf("%u element%s", a->sets[i]->nelems,
					       a->sets[i]->nelems == 1 ? "" : "s");

			*(k == CHANGE_ADDED ? &ch->after : &ch->before) = what;
		}
	for (uint32_t i = 0; i < a->nobjs; i++)
		if (!(b && table_find_obj(b, a->objs[i]->type, a->objs[i]->name))) {
			struct change *ch =
				changes_add(out, CO_OBJECT, k, in_table(a, a->objs[i]->name));

			*(k == CHANGE_ADDED ? &ch->after : &ch->before) =
				xstrdup(obj_type_name(a->objs[i]->type));
		}
	for (uint32_t i = 0; i < a->nflowtables; i++)
		if (!(b && table_find_flowtable(b, a->flowtables[i]->name))) {
			struct strbuf sb = STRBUF_INIT;
			struct change *ch = changes_add(out, CO_FLOWTABLE, k,
							in_table(a, a->flowtables[i]->name));

			flowtable_head(a->flowtables[i], &sb);
			*(k == CHANGE_ADDED ? &ch->after : &ch->before) = strbuf_detach(&sb);
		}
	for (uint32_t i = 0; i < a->nchains; i++)
		if (!(b && table_find_chain(b, a->chains[i]->name)))
			chain_whole(a->chains[i], k, out);
}

static void table_compare(const struct table *a, const struct table *b, bool handles,
			  struct changes *out)
{
	/* a table deleted and made again numbers its rules afresh */
	bool same = handles && a->handle == b->handle;

	if (a->flags != b->flags) {
		struct change *ch = changes_add(out, CO_TABLE, CHANGE_CHANGED, table_where(b));

		ch->before = xasprintf("flags 0x%x%s", a->flags,
				       a->flags & NFT_TABLE_F_DORMANT ? " (dormant)" : "");
		ch->after = xasprintf("flags 0x%x%s", b->flags,
				      b->flags & NFT_TABLE_F_DORMANT ? " (dormant)" : "");
	}
	table_only(a, b, CHANGE_REMOVED, out);
	table_only(b, a, CHANGE_ADDED, out);
	for (uint32_t i = 0; i < b->nsets; i++) {
		const struct set *sb = b->sets[i], *sa = table_find_set(a, sb->name);
		struct strbuf ha = STRBUF_INIT, hb = STRBUF_INIT;

		if (!sa || anonymous(sb))
			continue;
		set_head(sa, &ha);
		set_head(sb, &hb);
		if (strcmp(ha.buf, hb.buf)) {
			struct change *ch =
				changes_add(out, CO_SET, CHANGE_CHANGED, in_table(b, sb->name));

			ch->before = strbuf_detach(&ha);
			ch->after = strbuf_detach(&hb);
		}
		strbuf_release(&ha);
		strbuf_release(&hb);
		elements_compare(sa, sb, out);
	}
	for (uint32_t i = 0; i < b->nobjs; i++) {
		const struct obj *ob = b->objs[i], *oa = table_find_obj(a, ob->type, ob->name);

		if (oa && !obj_same(oa, ob)) {
			struct change *ch =
				changes_add(out, CO_OBJECT, CHANGE_CHANGED, in_table(b, ob->name));

			ch->after = xasprintf("%s: settings changed", obj_type_name(ob->type));
		}
	}
	for (uint32_t i = 0; i < b->nflowtables; i++) {
		const struct flowtable *fb = b->flowtables[i],
				       *fa = table_find_flowtable(a, fb->name);
		struct strbuf ha = STRBUF_INIT, hb = STRBUF_INIT;

		if (!fa)
			continue;
		flowtable_head(fa, &ha);
		flowtable_head(fb, &hb);
		if (strcmp(ha.buf, hb.buf)) {
			struct change *ch = changes_add(out, CO_FLOWTABLE, CHANGE_CHANGED,
							in_table(b, fb->name));

			ch->before = strbuf_detach(&ha);
			ch->after = strbuf_detach(&hb);
		}
		strbuf_release(&ha);
		strbuf_release(&hb);
	}
	for (uint32_t i = 0; i < b->nchains; i++) {
		const struct chain *cb = b->chains[i], *ca = table_find_chain(a, cb->name);

		if (ca)
			chain_compare(ca, cb, same, out);
	}
}

static void table_whole(const struct table *t, enum change_kind k, struct changes *out)
{
	struct change *ch = changes_add(out, CO_TABLE, k, table_where(t));
	size_t rules = 0;

	for (uint32_t i = 0; i < t->nchains; i++)
		rules += t->chains[i]->nrules;
	*(k == CHANGE_ADDED ? &ch->after : &ch->before) = xasprintf(
		"%u chain%s, %zu rule%s, %u set%s", t->nchains, t->nchains == 1 ? "" : "s", rules,
		rules == 1 ? "" : "s", t->nsets, t->nsets == 1 ? "" : "s");
}

/* ---- files ---- */

static void file_state(const struct watched_file *f, struct strbuf *sb)
{
	if (!f->exists) {
		strbuf_addstr(sb, "absent");
		return;
	}
	if (f->mode)
		strbuf_addf(sb, "mode %04o uid %u gid %u size %llu", f->mode & 07777, f->uid,
			    f->gid, (unsigned long long)f->size);
	if (f->target)
		strbuf_addf(sb, "%ssymlink to %s", sb->len ? ", " : "", f->target);
	if (f->error)
		strbuf_addf(sb, "%s%s", sb->len ? ", " : "", f->error);
	if (f->sha256[0])
		strbuf_addf(sb, "%ssha256 %.12s", sb->len ? ", " : "", f->sha256);
	/* a hand-edited snapshot may say only that the file exists */
	if (!sb->len)
		strbuf_addstr(sb, "present, nothing else recorded");
}

static void files_compare(const struct ruleset *a, const struct ruleset *b, struct changes *out)
{
	for (uint32_t i = 0; i < b->nfiles; i++) {
		const struct watched_file *fb = &b->files[i], *fa = ruleset_find_file(a, fb->path);
		struct strbuf sa = STRBUF_INIT, sb = STRBUF_INIT, diff = STRBUF_INIT;
		enum change_kind k = CHANGE_CHANGED;
		struct change *ch;

		/* a file the base did not watch has nothing to compare with */
		if (!fa)
			continue;
		file_state(fa, &sa);
		file_state(fb, &sb);
		if (!strcmp(sa.buf, sb.buf)) {
			strbuf_release(&sa);
			strbuf_release(&sb);
			continue;
		}
		if (!fa->exists)
			k = CHANGE_ADDED;
		else if (!fb->exists)
			k = CHANGE_REMOVED;
		ch = changes_add(out, CO_FILE, k, xstrdup(fb->path));
		ch->before = strbuf_detach(&sa);
		ch->after = strbuf_detach(&sb);
		if (strcmp(fa->sha256, fb->sha256) && (fa->content || fb->content)) {
			char *an = xasprintf("a%s", fb->path), *bn = xasprintf("b%s", fb->path);

			diff_unified(an, fa->content ?: "", fa->len, bn, fb->content ?: "", fb->len,
				     3, &diff);
			if (fa->truncated || fb->truncated)
				strbuf_addstr(&diff, "(only the captured start of the file is "
						     "compared)\n");
			ch->detail = strbuf_detach(&diff);
			free(an);
			free(bn);
		} else if (strcmp(fa->sha256, fb->sha256) && (fa->binary || fb->binary)) {
			ch->detail = xstrdup("binary content differs\n");
		}
		strbuf_release(&diff);
	}
}

void ruleset_changes(const struct ruleset *base, const struct ruleset *now, bool handles,
		     struct changes *out)
{
	for (uint32_t i = 0; i < base->ntables; i++) {
		const struct table *t = base->tables[i];

		if (!ruleset_find_table(now, t->family, t->name))
			table_whole(t, CHANGE_REMOVED, out);
	}
	for (uint32_t i = 0; i < now->ntables; i++) {
		const struct table *t = now->tables[i],
				   *a = ruleset_find_table(base, t->family, t->name);

		if (a)
			table_compare(a, t, handles, out);
		else
			table_whole(t, CHANGE_ADDED, out);
	}
	files_compare(base, now, out);
}
