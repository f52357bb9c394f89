// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Checking a ruleset against a policy set: expected flows (reach), required
 * structure, the built-in detectors and the watched files.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter.h>

#include "fwaudit/eval.h"
#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/util.h"
#include "policy_internal.h"

static void check_expect(const struct policy *po, const struct policy_expect *e,
			 const struct ruleset *rs, struct findings *out)
{
	struct reach_result *r = NULL;
	struct strbuf err = STRBUF_INIT, msg = STRBUF_INIT, label = STRBUF_INIT;
	enum eval_verdict got;
	struct finding *f;
	size_t first_bad = 0;

	if (e->name)
		strbuf_addf(&label, "%s (flow '%s' at %s)", e->name, e->flow,
			    hook_name(NFPROTO_IPV4, e->hook));
	else
		strbuf_addf(&label, "flow '%s' at %s", e->flow, hook_name(NFPROTO_IPV4, e->hook));
	if (reach_flow(rs, e->hook, e->flow, &r, &err) < 0) {
		/* the loader checked the flow; a ruleset cannot make it bad */
		f = finding_add(out, po, "expect", SEV_LOW);
		f->message = xasprintf("%s: %s", label.buf, err.buf);
		goto done;
	}
	got = reach_verdict(r);
	if ((int)got == e->verdict)
		goto done;
	if (got == EVAL_UNCERTAIN) {
		f = finding_add(out, po, "expect", SEV_LOW);
		strbuf_addf(&msg, "cannot tell whether %s is always %s: %s", label.buf,
			    eval_verdict_name(e->verdict), "some packets' fate is undecidable");
	} else {
		f = finding_add(out, po, "expect", e->severity);
		strbuf_addf(&msg, "%s must be %s for every packet, but ", label.buf,
			    e->verdict == EVAL_ACCEPT ? "accepted" : "dropped");
		if (got == EVAL_MIXED)
			strbuf_addstr(&msg, "some packets are ");
		else
			strbuf_addstr(&msg, "every packet is ");
		strbuf_addstr(&msg, e->verdict == EVAL_ACCEPT ? "dropped" : "accepted");
	}
	for (size_t i = 0; i < reach_nclasses(r); i++) {
		struct reach_class k;

		reach_class_get(r, i, &k);
		if ((int)k.verdict != e->verdict) {
			first_bad = i;
			break;
		}
	}
	if (reach_nclasses(r)) {
		strbuf_addstr(&msg, " (by ");
		reach_class_decider(r, first_bad, &msg);
		strbuf_addch(&msg, ')');
		subject_of_class(&f->subject, r, first_bad, e->hook);
	} else {
		f->subject.kind = SUBJ_HOOK;
		f->subject.hook = xstrdup(hook_name(NFPROTO_IPV4, e->hook));
	}
	f->message = strbuf_detach(&msg);
	evidence_classes(&f->evidence, r, e->verdict);
	f->loc = e->loc;
	{
		char extra[32];

		snprintf(extra, sizeof(extra), "expect%u", e->loc.line);
		finding_set_id(f, extra);
	}
done:
	reach_result_free(r);
	strbuf_release(&err);
	strbuf_release(&msg);
	strbuf_release(&label);
}

static bool chain_fits(const struct policy_require *rq, const struct chain *c)
{
	if (rq->family && strcmp(rq->family, family_name(c->table->family) ?: ""))
		return false;
	if (rq->table && strcmp(rq->table, c->table->name))
		return false;
	if (rq->name && strcmp(rq->name, c->name))
		return false;
	if ((rq->hook >= 0 || rq->type || rq->policy || rq->has_priority) && !c->base)
		return false;
	if (rq->hook >= 0 && c->hooknum != (uint32_t)rq->hook)
		return false;
	if (rq->type && strcmp(rq->type, c->type ?: ""))
		return false;
	if (rq->policy &&
	    (!c->has_policy || c->policy != (strcmp(rq->policy, "drop") ? NF_ACCEPT : NF_DROP)))
		return false;
	return !rq->has_priority || c->priority == rq->priority;
}

static void check_require(const struct policy *po, const struct policy_require *rq,
			  const struct ruleset *rs, struct findings *out)
{
	struct strbuf want = STRBUF_INIT;
	bool chain = !strcmp(rq->kind, "chain");
	struct finding *f;

	for (uint32_t i = 0; i < rs->ntables; i++) {
		const struct table *t = rs->tables[i];

		if (!chain) {
			if ((!rq->family || !strcmp(rq->family, family_name(t->family) ?: "")) &&
			    (!rq->table || !strcmp(rq->table, t->name)))
				return;
			continue;
		}
		for (uint32_t k = 0; k < t->nchains; k++)
			if (chain_fits(rq, t->chains[k]))
				return;
	}
	if (rq->family)
		strbuf_addf(&want, " family %s", rq->family);
	if (rq->table)
		strbuf_addf(&want, " %s %s", chain ? "table" : "name", rq->table);
	if (rq->name)
		strbuf_addf(&want, " name %s", rq->name);
	if (rq->hook >= 0)
		strbuf_addf(&want, " hook %s", hook_name(NFPROTO_IPV4, (uint32_t)rq->hook));
	if (rq->type)
		strbuf_addf(&want, " type %s", rq->type);
	if (rq->has_priority)
		strbuf_addf(&want, " priority %d", rq->priority);
	if (rq->policy)
		strbuf_addf(&want, " policy %s", rq->policy);
	f = finding_add(out, po, "require", rq->severity);
	f->subject.kind = SUBJ_RULESET;
	f->message =
		xasprintf("no %s%s%s", chain ? (rq->hook >= 0 ? "base chain" : "chain") : "table",
			  want.len ? " with" : "", want.len ? want.buf : "");
	f->loc = rq->loc;
	{
		char extra[32];

		snprintf(extra, sizeof(extra), "require%u", rq->loc.line);
		finding_set_id(f, extra);
	}
	strbuf_release(&want);
}

/*
 * A link that could not be resolved: the audit goes on without its action
 * item, and the link is a finding of its own so that every report, the
 * metrics and the watcher's alerts show it.
 */
static void check_link(const struct policy *po, const struct policy_link *ln, struct findings *out)
{
	struct finding *f = finding_add(out, po, "policy-link", SEV_LOW);

	f->subject.kind = SUBJ_POLICY;
	f->subject.path = xstrdup(ln->loc.file ?: po->loc.file ?: "?");
	f->subject.line = ln->loc.line;
	f->message = xstrdup(ln->problem);
	f->loc = ln->loc;
	finding_set_id(f, ln->id);
}

void policy_check(const struct policy_set *ps, const struct ruleset *rs,
		  const struct check_opts *opts, struct findings *out)
{
	for (size_t i = 0; i < ps->n; i++) {
		const struct policy *po = ps->v[i];
		const struct ruleset *view = policy_view(po, rs);

		for (size_t k = 0; k < po->nexpects; k++)
			check_expect(po, &po->expects[k], view, out);
		for (size_t k = 0; k < po->nrequires; k++)
			check_require(po, &po->requires[k], view, out);
		for (size_t k = 0; k < po->ndetects; k++)
			detect_run(po, &po->detects[k], view, out);
		for (size_t k = 0; k < po->nfiles; k++)
			check_file(po, &po->files[k], rs, opts, out);
		for (size_t k = 0; k < po->nlinks; k++)
			if (po->links[k].problem)
				check_link(po, &po->links[k], out);
		ruleset_view_free(view, rs);
	}
}
