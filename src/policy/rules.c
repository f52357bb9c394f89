// SPDX-License-Identifier: GPL-2.0-or-later
/* shadowed-rule and redundant-rule: every chain, analysed by reach alone. */
#include <stdlib.h>
#include <string.h>

#include "fwaudit/eval.h"
#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/util.h"
#include "policy_internal.h"

static bool policy_has(const struct policy *po, const char *id)
{
	for (size_t i = 0; i < po->ndetects; i++)
		if (!strcmp(po->detects[i].id, id))
			return true;
	return false;
}

static int detector_severity(const struct policy *po, const char *id)
{
	for (size_t i = 0; i < po->ndetects; i++)
		if (!strcmp(po->detects[i].id, id) && po->detects[i].severity >= 0)
			return po->detects[i].severity;
	return (int)detector_find(id)->severity;
}

static const struct src_loc *detector_loc(const struct policy *po, const char *id)
{
	for (size_t i = 0; i < po->ndetects; i++)
		if (!strcmp(po->detects[i].id, id))
			return &po->detects[i].loc;
	return &po->loc;
}

static void report_chain(const struct policy *po, const struct chain *ch,
			 const struct rule_report *rep, bool shadow, bool redundant,
			 struct findings *out)
{
	size_t unknown = 0;
	const char *why = NULL;

	for (uint32_t i = 0; i < ch->nrules; i++) {
		const struct rule *r = ch->rules[i];
		struct strbuf msg = STRBUF_INIT;
		struct evidence ev = { 0 };
		struct finding *f;
		const char *id;

		if (rep[i].fate == RULE_UNKNOWN) {
			unknown++;
			why = rep[i].why;
			continue;
		}
		if (shadow && rep[i].fate == RULE_SHADOWED) {
			id = "shadowed-rule";
			strbuf_addstr(&msg, "rule never matches: earlier rules decide every packet "
					    "it would match");
			for (size_t k = 0; k < rep[i].nby; k++)
				evidence_add_rule(&ev, rep[i].by[k]);
		} else if (shadow && rep[i].fate == RULE_NEVER) {
			id = "shadowed-rule";
			strbuf_addstr(&msg, "rule never matches: no packet satisfies all of its "
					    "conditions");
		} else if (redundant && rep[i].redundant) {
			id = "redundant-rule";
			strbuf_addstr(&msg,
				      "rule is redundant: without it, the rules after it (or "
				      "the chain policy) give every packet it matches the same "
				      "verdict");
		} else {
			continue;
		}
		f = finding_add(out, po, id, detector_severity(po, id));
		f->message = strbuf_detach(&msg);
		subject_rule(&f->subject, r);
		f->evidence = ev;
		f->loc = *detector_loc(po, id);
		finding_set_id(f, NULL);
	}
	if (unknown) {
		struct finding *f =
			finding_add(out, po, shadow ? "shadowed-rule" : "redundant-rule", SEV_INFO);

		f->message =
			xasprintf("%zu of %u rules not analysed: %s", unknown, ch->nrules, why);
		subject_chain(&f->subject, ch);
		f->loc = *detector_loc(po, shadow ? "shadowed-rule" : "redundant-rule");
		finding_set_id(f, "unanalysed");
	}
}

void detect_rules(const struct policy *po, const struct policy_detect *pd, const struct ruleset *rs,
		  struct findings *out)
{
	bool shadow = !strcmp(pd->id, "shadowed-rule");
	bool redundant = !shadow || policy_has(po, "redundant-rule");
	const struct chain **chains;
	struct rule_report **reps;
	struct chain_cache *cc;
	size_t n = 0;
	int *ret;

	/* one analysis serves both detectors when a policy lists both */
	if (!shadow && policy_has(po, "shadowed-rule"))
		return;
	for (uint32_t t = 0; t < rs->ntables; t++)
		for (uint32_t k = 0; k < rs->tables[t]->nchains; k++)
			n += rs->tables[t]->chains[k]->nrules > 0;
	chains = xcalloc(n + 1, sizeof(*chains));
	reps = xcalloc(n + 1, sizeof(*reps));
	ret = xcalloc(n + 1, sizeof(*ret));
	n = 0;
	for (uint32_t t = 0; t < rs->ntables; t++)
		for (uint32_t k = 0; k < rs->tables[t]->nchains; k++) {
			const struct chain *ch = rs->tables[t]->chains[k];

			if (!ch->nrules)
				continue;
			chains[n] = ch;
			reps[n++] = xcalloc(ch->nrules, sizeof(**reps));
		}
	cc = chain_cache_new(rs);
	chains_analyse(cc, chains, n, redundant, 0, reps, ret);
	chain_cache_free(cc);
	for (size_t i = 0; i < n; i++) {
		if (ret[i] == 0)
			report_chain(po, chains[i], reps[i], shadow, redundant, out);
		free(reps[i]);
	}
	free(chains);
	free(reps);
	free(ret);
}
