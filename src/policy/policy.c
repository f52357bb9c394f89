// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Policies in memory: freeing them, what their ignore items cover, the
 * ruleset as a policy sees it, and findings.
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/util.h"
#include "policy_internal.h"

static void free_re(void *re)
{
	if (re) {
		regfree(re);
		free(re);
	}
}

void policy_free(struct policy *po)
{
	if (!po)
		return;
	free(po->id);
	free(po->title);
	free(po->description);
	for (size_t i = 0; i < po->nlinks; i++) {
		free(po->links[i].id);
		free(po->links[i].hash);
		free(po->links[i].problem);
	}
	free(po->links);
	for (size_t i = 0; i < po->nwatch; i++)
		free(po->watch[i]);
	free(po->watch);
	for (size_t i = 0; i < po->nignores; i++) {
		struct policy_ignore *ig = &po->ignores[i];

		free(ig->table);
		free(ig->chain);
		free(ig->comment);
		free(ig->rule);
		free_re(ig->comment_re);
		free_re(ig->rule_re);
	}
	free(po->ignores);
	for (size_t i = 0; i < po->nexpects; i++) {
		free(po->expects[i].flow);
		free(po->expects[i].name);
	}
	free(po->expects);
	for (size_t i = 0; i < po->nrequires; i++) {
		struct policy_require *rq = &po->requires[i];

		free(rq->kind);
		free(rq->family);
		free(rq->table);
		free(rq->name);
		free(rq->type);
		free(rq->policy);
	}
	free(po->requires);
	for (size_t i = 0; i < po->ndetects; i++)
		free(po->detects[i].ports);
	free(po->detects);
	for (size_t i = 0; i < po->nfiles; i++) {
		struct policy_file *pf = &po->files[i];

		free(pf->path);
		free(pf->owner);
		free(pf->group);
		free(pf->sha256);
		for (size_t k = 0; k < pf->nasserts; k++) {
			free(pf->asserts[k].key);
			free(pf->asserts[k].value);
			free_re(pf->asserts[k].re);
		}
		free(pf->asserts);
	}
	free(po->files);
	free(po);
}

/* ---- ignore items ---- */

bool ignore_table_valid(const char *s)
{
	const char *sp = strchr(s, ' ');
	char fam[16];

	if (!*s)
		return false;
	if (!sp)
		return true;
	if ((size_t)(sp - s) >= sizeof(fam) || strchr(sp + 1, ' ') || !sp[1])
		return false;
	memcpy(fam, s, (size_t)(sp - s));
	fam[sp - s] = 0;
	return family_parse(fam) >= 0;
}

static bool table_matches(const char *spec, const struct table *t)
{
	const char *sp = strchr(spec, ' ');

	if (!sp)
		return !strcmp(spec, t->name);
	return !strcmp(sp + 1, t->name) && family_name(t->family) &&
	       strlen(family_name(t->family)) == (size_t)(sp - spec) &&
	       !strncmp(spec, family_name(t->family), (size_t)(sp - spec));
}

/* "CHAIN", "TABLE CHAIN" or "FAMILY TABLE CHAIN". */
static bool chain_matches(const char *spec, const struct chain *c)
{
	const char *last = strrchr(spec, ' ');
	char *head;
	bool ok;

	if (!last)
		return !strcmp(spec, c->name);
	if (strcmp(last + 1, c->name))
		return false;
	head = xstrndup(spec, (size_t)(last - spec));
	ok = table_matches(head, c->table);
	free(head);
	return ok;
}

static bool rule_level(const struct policy_ignore *ig)
{
	return ig->comment || ig->rule;
}

bool policy_ignores_chain(const struct policy *po, const struct chain *c)
{
	for (size_t i = 0; i < po->nignores; i++) {
		const struct policy_ignore *ig = &po->ignores[i];

		if (rule_level(ig))
			continue;
		if ((!ig->table || table_matches(ig->table, c->table)) &&
		    (!ig->chain || chain_matches(ig->chain, c)))
			return true;
	}
	return false;
}

bool policy_ignores_rule(const struct policy *po, const struct rule *r)
{
	for (size_t i = 0; i < po->nignores; i++) {
		const struct policy_ignore *ig = &po->ignores[i];
		bool ok = true;

		if (ig->table && !table_matches(ig->table, r->chain->table))
			continue;
		if (ig->chain && !chain_matches(ig->chain, r->chain))
			continue;
		if (!rule_level(ig))
			return true; /* the whole table or chain */
		if (ig->comment_re)
			ok = r->comment && !regexec(ig->comment_re, r->comment, 0, NULL, 0);
		if (ok && ig->rule_re) {
			struct strbuf sb = STRBUF_INIT;

			rule_render(r, NULL, &sb);
			ok = !regexec(ig->rule_re, sb.buf ? sb.buf : "", 0, NULL, 0);
			strbuf_release(&sb);
		}
		if (ok)
			return true;
	}
	return false;
}

/* ---- the ruleset a policy sees ---- */

static bool table_ignored(const struct policy *po, const struct table *t)
{
	for (size_t i = 0; i < po->nignores; i++) {
		const struct policy_ignore *ig = &po->ignores[i];

		if (ig->table && !ig->chain && !rule_level(ig) && table_matches(ig->table, t))
			return true;
	}
	return false;
}

/*
 * Ignored tables are left out; an ignored base chain is left out, an
 * ignored regular chain stays but empty (a jump to it returns at once, as
 * if its rules matched nothing); ignored rules are left out of their chain.
 */
const struct ruleset *policy_view(const struct policy *po, const struct ruleset *rs)
{
	struct ruleset *v;

	if (!po->nignores)
		return rs;
	v = xcalloc(1, sizeof(*v));
	*v = *rs;
	v->arena = NULL;
	v->derived = NULL; /* its own, freed with it */
	v->tables = xcalloc(rs->ntables + 1, sizeof(*v->tables));
	v->ntables = 0;
	for (uint32_t i = 0; i < rs->ntables; i++) {
		const struct table *t = rs->tables[i];
		struct table *nt;

		if (table_ignored(po, t))
			continue;
		nt = xmalloc(sizeof(*nt));
		*nt = *t;
		nt->chains = xcalloc(t->nchains + 1, sizeof(*nt->chains));
		nt->nchains = 0;
		for (uint32_t k = 0; k < t->nchains; k++) {
			const struct chain *c = t->chains[k];
			bool whole = policy_ignores_chain(po, c);
			struct chain *nc;

			if (whole && c->base)
				continue;
			nc = xmalloc(sizeof(*nc));
			*nc = *c;
			nc->table = nt;
			nc->rules = xcalloc(c->nrules + 1, sizeof(*nc->rules));
			nc->nrules = 0;
			for (uint32_t r = 0; r < c->nrules && !whole; r++)
				if (!policy_ignores_rule(po, c->rules[r]))
					nc->rules[nc->nrules++] = c->rules[r];
			nt->chains[nt->nchains++] = nc;
		}
		v->tables[v->ntables++] = nt;
	}
	return v;
}

void ruleset_view_free(const struct ruleset *view, const struct ruleset *rs)
{
	struct ruleset *v = (struct ruleset *)view;

	if (view == rs || !view)
		return;
	ruleset_changed(v);
	for (uint32_t i = 0; i < v->ntables; i++) {
		for (uint32_t k = 0; k < v->tables[i]->nchains; k++) {
			free(v->tables[i]->chains[k]->rules);
			free(v->tables[i]->chains[k]);
		}
		free(v->tables[i]->chains);
		free(v->tables[i]);
	}
	free(v->tables);
	free(v);
}

/* ---- findings ---- */

struct finding *finding_add(struct findings *out, const struct policy *po, const char *check,
			    int severity)
{
	struct finding *f;

	GROW(out->v, out->n, out->cap);
	f = &out->v[out->n++];
	memset(f, 0, sizeof(*f));
	f->policy = po;
	f->check = xstrdup(check);
	f->severity = severity >= 0 ? (enum severity)severity : po->severity;
	return f;
}

void subject_chain(struct subject *s, const struct chain *c)
{
	s->kind = SUBJ_CHAIN;
	s->family = xstrdup(family_name(c->table->family) ?: "?");
	s->table = xstrdup(c->table->name);
	s->chain = xstrdup(c->name);
	if (c->base)
		s->hook = xstrdup(hook_name(c->table->family, c->hooknum));
}

void subject_rule(struct subject *s, const struct rule *r)
{
	struct strbuf sb = STRBUF_INIT;

	subject_chain(s, r->chain);
	s->kind = SUBJ_RULE;
	s->handle = r->handle;
	rule_render(r, NULL, &sb);
	s->rule = strbuf_detach(&sb);
}

void finding_set_id(struct finding *f, const char *extra)
{
	struct strbuf sb = STRBUF_INIT;
	const struct subject *s = &f->subject;

	strbuf_addf(&sb, "%s/%s", f->policy->id, f->check);
	switch (s->kind) {
	case SUBJ_RULE:
		strbuf_addf(&sb, "/%s/%s/%s/%llu", s->family, s->table, s->chain,
			    (unsigned long long)s->handle);
		break;
	case SUBJ_CHAIN:
		strbuf_addf(&sb, "/%s/%s/%s", s->family, s->table, s->chain);
		break;
	case SUBJ_HOOK:
		strbuf_addf(&sb, "/%s", s->hook);
		break;
	case SUBJ_FILE:
		strbuf_addf(&sb, "%s", s->path);
		break;
	case SUBJ_RULESET:
	case SUBJ_POLICY: /* the policy's id says which; its file may move */
		break;
	}
	if (extra)
		strbuf_addf(&sb, "/%s", extra);
	free(f->id);
	f->id = strbuf_detach(&sb);
}

void subject_release(struct subject *s)
{
	free(s->family);
	free(s->table);
	free(s->chain);
	free(s->hook);
	free(s->rule);
	free(s->path);
}

size_t findings_failing(const struct findings *f, enum severity fail_on)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += f->v[i].severity >= fail_on;
	return n;
}

void findings_release(struct findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		struct finding *x = &f->v[i];

		free(x->id);
		free(x->check);
		free(x->message);
		evidence_release(&x->evidence);
		subject_release(&x->subject);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

static int finding_cmp(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	int c;

	if (x->severity != y->severity)
		return (int)y->severity - (int)x->severity;
	c = strcmp(x->policy->id, y->policy->id);
	return c ? c : strcmp(x->id, y->id);
}

void findings_sort(struct findings *f)
{
	if (f->n)
		qsort(f->v, f->n, sizeof(*f->v), finding_cmp);
}
