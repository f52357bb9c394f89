// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Evidence: the facts that prove a finding (classes of packets and what
 * decided them, the rules that decide first, the lines of a watched file),
 * kept as they are found. report/ words them for each format.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>

#include "fwaudit/eval.h"
#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/util.h"
#include "policy_internal.h"

void evidence_add_class(struct evidence *ev, const struct reach_result *r, size_t i)
{
	struct reach_class k;
	struct evidence_class *c;
	struct strbuf by = STRBUF_INIT, text = STRBUF_INIT, json = STRBUF_INIT;

	reach_class_get(r, i, &k);
	reach_class_decider(r, i, &by);
	reach_class_describe(r, i, false, &text);
	reach_class_describe(r, i, true, &json);
	ev->has_classes = true;
	GROW(ev->classes, ev->nclasses, ev->classes_cap);
	c = &ev->classes[ev->nclasses++];
	c->family = k.family == NFPROTO_IPV6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	c->verdict = (int)k.verdict;
	c->by = strbuf_detach(&by);
	c->reason = k.reason ? xstrdup(k.reason) : NULL;
	c->fields = strbuf_detach(&text);
	c->fields_json = strbuf_detach(&json);
}

void evidence_classes(struct evidence *ev, const struct reach_result *r, int want)
{
	size_t n = reach_nclasses(r);

	ev->has_classes = true;
	ev->text_max = 20;
	for (size_t i = 0; i < n; i++) {
		struct reach_class k;

		reach_class_get(r, i, &k);
		if (want < 0 || (int)k.verdict != want)
			evidence_add_class(ev, r, i);
	}
}

void evidence_add_rule(struct evidence *ev, const struct rule *r)
{
	struct strbuf sb = STRBUF_INIT;

	rule_render(r, NULL, &sb);
	ev->rules = xrealloc(ev->rules, (ev->nrules + 1) * sizeof(*ev->rules));
	ev->rules[ev->nrules++] = (struct evidence_rule){ r->handle, strbuf_detach(&sb) };
}

void evidence_add_line(struct evidence *ev, const char *path, uint32_t line, char *text)
{
	ev->lines = xrealloc(ev->lines, (ev->nlines + 1) * sizeof(*ev->lines));
	ev->lines[ev->nlines++] = (struct evidence_line){ xstrdup(path), line, text };
}

void evidence_release(struct evidence *ev)
{
	for (size_t i = 0; i < ev->nclasses; i++) {
		free(ev->classes[i].by);
		free(ev->classes[i].reason);
		free(ev->classes[i].fields);
		free(ev->classes[i].fields_json);
	}
	free(ev->classes);
	for (size_t i = 0; i < ev->nrules; i++)
		free(ev->rules[i].rule);
	free(ev->rules);
	for (size_t i = 0; i < ev->nlines; i++) {
		free(ev->lines[i].path);
		free(ev->lines[i].text);
	}
	free(ev->lines);
	memset(ev, 0, sizeof(*ev));
}

void subject_of_class(struct subject *s, const struct reach_result *r, size_t i, uint32_t hook)
{
	struct reach_class k;

	reach_class_get(r, i, &k);
	if (k.rule) {
		subject_rule(s, k.rule);
	} else if (k.chain) {
		subject_chain(s, k.chain);
	} else {
		s->kind = SUBJ_HOOK;
		s->hook = xstrdup(hook_name(NFPROTO_IPV4, hook));
	}
}
