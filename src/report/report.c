// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Findings out: text for the person on call, JSON for programs, SARIF for
 * code scanning, JUnit for CI test views. Every format carries the same
 * facts: the finding, what it is about, why it holds, and the postmortem
 * action items it enforces.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

#include "fwaudit/eval.h"
#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/report.h"
#include "fwaudit/util.h"

#ifndef FWAUDIT_VERSION
#define FWAUDIT_VERSION "0"
#endif

typedef void (*render_fn)(const struct findings *f, const struct report_meta *m,
			  struct strbuf *out);

static void render_text(const struct findings *f, const struct report_meta *m, struct strbuf *out);
static void render_json(const struct findings *f, const struct report_meta *m, struct strbuf *out);
static void render_sarif(const struct findings *f, const struct report_meta *m, struct strbuf *out);
static void render_junit(const struct findings *f, const struct report_meta *m, struct strbuf *out);

/* Every format, in enum report_format's order: a new one is a row and its function. */
static const struct {
	const char *name;
	render_fn render;
} formats[] = {
	[REPORT_TEXT] = { "text", render_text },
	[REPORT_JSON] = { "json", render_json },
	[REPORT_SARIF] = { "sarif", render_sarif },
	[REPORT_JUNIT] = { "junit", render_junit },
};

int report_format_parse(const char *name, enum report_format *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (!strcmp(name, formats[i].name)) {
			*out = (enum report_format)i;
			return 0;
		}
	return -EINVAL;
}

static void json_str_or_null(struct strbuf *out, const char *s)
{
	if (s)
		strbuf_addjson(out, s);
	else
		strbuf_addstr(out, "null");
}

/* "inet filter input handle 7", "/etc/nginx/nginx.conf:12", "hook input" */
static void subject_words(const struct subject *s, struct strbuf *out)
{
	switch (s->kind) {
	case SUBJ_RULE:
		strbuf_addf(out, "%s %s %s handle %llu", s->family, s->table, s->chain,
			    (unsigned long long)s->handle);
		break;
	case SUBJ_CHAIN:
		strbuf_addf(out, "%s %s %s", s->family, s->table, s->chain);
		break;
	case SUBJ_HOOK:
		strbuf_addf(out, "hook %s", s->hook);
		break;
	case SUBJ_FILE:
	case SUBJ_POLICY:
		strbuf_addstr(out, s->path);
		if (s->line)
			strbuf_addf(out, ":%u", s->line);
		break;
	case SUBJ_RULESET:
		strbuf_addstr(out, "ruleset");
		break;
	}
}

static const char *subject_kind_name(enum subject_kind k)
{
	static const char *const names[] = { "ruleset", "hook", "chain", "rule", "file", "policy" };

	return names[k];
}

/*
 * The evidence in words, as the text report and the JSON "text" give it.
 * Returns false when there is none at all (JSON: null).
 */
static bool evidence_words(const struct evidence *ev, struct strbuf *out)
{
	size_t lines = 0;

	if (!ev->has_classes && !ev->nrules && !ev->nlines)
		return false;
	for (size_t i = 0; i < ev->nclasses && i < ev->text_max; i++) {
		const struct evidence_class *c = &ev->classes[i];

		strbuf_addf(out, "%s%s %s: %s (by %s)", lines++ ? "\n" : "",
			    c->family == NFPROTO_IPV6 ? "ip6" : "ip",
			    eval_verdict_name((enum eval_verdict)c->verdict), c->fields, c->by);
		if (c->reason)
			strbuf_addf(out, " because %s", c->reason);
	}
	if (ev->nclasses > ev->text_max)
		strbuf_addf(out, "\n... and %zu more classes", ev->nclasses - ev->text_max);
	for (size_t i = 0; i < ev->nrules; i++)
		strbuf_addf(out, "%sdecided first by rule handle %llu (%s)", lines++ ? "\n" : "",
			    (unsigned long long)ev->rules[i].handle, ev->rules[i].rule);
	for (size_t i = 0; i < ev->nlines; i++)
		strbuf_addf(out, "%s%s:%u: %s", lines++ ? "\n" : "", ev->lines[i].path,
			    ev->lines[i].line, ev->lines[i].text);
	/* an empty string is still an answer: reach was asked and found nothing */
	if (!out->buf)
		strbuf_addstr(out, "");
	return true;
}

/* The classes as a JSON array, or null when reach was not asked. */
static void evidence_classes_json(const struct evidence *ev, struct strbuf *out)
{
	if (!ev->has_classes) {
		strbuf_addstr(out, "null");
		return;
	}
	strbuf_addch(out, '[');
	for (size_t i = 0; i < ev->nclasses; i++) {
		const struct evidence_class *c = &ev->classes[i];

		strbuf_addf(out, "%s{\"family\":\"%s\",\"verdict\":\"%s\",\"by\":", i ? "," : "",
			    c->family == NFPROTO_IPV6 ? "ip6" : "ip",
			    eval_verdict_name((enum eval_verdict)c->verdict));
		strbuf_addjson(out, c->by);
		strbuf_addf(out, ",\"fields\":{%s}}", c->fields_json);
	}
	strbuf_addch(out, ']');
}

static void count(const struct findings *f, size_t by[5])
{
	memset(by, 0, 5 * sizeof(*by));
	for (size_t i = 0; i < f->n; i++)
		by[f->v[i].severity]++;
}

/* ---- text ---- */

static void render_text(const struct findings *f, const struct report_meta *m, struct strbuf *out)
{
	static const char *const colors[] = { "\033[36m", "\033[34m", "\033[33m", "\033[31m",
					      "\033[1;31m" };
	const struct action_item **shown = NULL;
	size_t by[5], nshown = 0, capshown = 0;
	int last = -1;

	count(f, by);
	strbuf_addf(out, "fwaudit check: %zu finding%s", f->n, f->n == 1 ? "" : "s");
	if (f->n) {
		bool first = true;

		strbuf_addstr(out, " (");
		for (int s = SEV_CRITICAL; s >= SEV_INFO; s--)
			if (by[s]) {
				strbuf_addf(out, "%s%zu %s", first ? "" : ", ", by[s],
					    severity_name((enum severity)s));
				first = false;
			}
		strbuf_addch(out, ')');
	}
	strbuf_addf(out, " from %zu polic%s; source %s", m->ps ? m->ps->n : 0,
		    m->ps && m->ps->n == 1 ? "y" : "ies", m->source);
	if (m->rs)
		strbuf_addf(out, ", generation %u", m->rs->generation);
	strbuf_addch(out, '\n');
	for (size_t i = 0; i < f->n; i++) {
		const struct finding *x = &f->v[i];

		if ((int)x->severity != last) {
			char up[16];
			const char *n = severity_name(x->severity);
			size_t k;

			for (k = 0; n[k] && k < sizeof(up) - 1; k++)
				up[k] = (char)(n[k] - 32);
			up[k] = 0;
			strbuf_addf(out, "\n%s%s%s\n", m->color ? colors[x->severity] : "", up,
				    m->color ? "\033[0m" : "");
			last = (int)x->severity;
		}
		strbuf_addf(out, "  [%s] %s: %s\n", x->policy->id, x->check, x->message);
		strbuf_addstr(out, "    subject: ");
		subject_words(&x->subject, out);
		if (x->subject.rule)
			strbuf_addf(out, ": %s", x->subject.rule);
		strbuf_addch(out, '\n');
		{
			struct strbuf ev = STRBUF_INIT;

			if (evidence_words(&x->evidence, &ev) && ev.len) {
				strbuf_addstr(out, "    evidence:\n");
				strbuf_add_indented(out, ev.buf, "      ");
			}
			strbuf_release(&ev);
		}
		/* a link that is itself the finding enforces nothing yet */
		for (size_t k = 0; strcmp(x->check, "policy-link") && k < x->policy->nlinks; k++) {
			const struct policy_link *ln = &x->policy->links[k];
			const struct action_item *it = ln->item;
			size_t seen = 0;

			if (!it) {
				strbuf_addf(out, "    enforces: %s\n", ln->id);
				continue;
			}
			/* the whole story once; later findings of the policy point back */
			while (seen < nshown && shown[seen] != it)
				seen++;
			if (seen < nshown) {
				strbuf_addf(out, "    enforces %s (above)\n", it->id);
				continue;
			}
			GROW(shown, nshown, capshown);
			shown[nshown++] = it;
			strbuf_addf(out, "    enforces %s [%s]: %s\n", it->id,
				    action_status_name(it->status), it->text);
			strbuf_addstr(out, "      how this outage happened before: ");
			incident_summary(it->incident, out);
			strbuf_addf(out, " (%s:%u)\n", it->incident->source, it->line);
		}
		strbuf_addf(out, "    id: %s\n", x->id);
	}
	free(shown);
}

/* ---- Prometheus ---- */

void report_metrics_findings(const struct findings *f, const char *name, const char *help,
			     struct strbuf *out)
{
	size_t by[5];

	count(f, by);
	strbuf_addf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
	for (int s = SEV_INFO; s <= SEV_CRITICAL; s++)
		strbuf_addf(out, "%s{severity=\"%s\"} %zu\n", name, severity_name((enum severity)s),
			    by[s]);
}

void report_metrics_links(const struct findings *f, const char *name, struct strbuf *out)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += !strcmp(f->v[i].check, "policy-link");
	strbuf_addf(out,
		    "# HELP %s Policy links to postmortem action items that could not be "
		    "resolved.\n# TYPE %s gauge\n%s %zu\n",
		    name, name, name, n);
}

/* ---- json ---- */

static void subject_json(const struct subject *s, struct strbuf *out)
{
	strbuf_addstr(out, "{\"kind\":");
	strbuf_addjson(out, subject_kind_name(s->kind));
	if (s->family) {
		strbuf_addstr(out, ",\"family\":");
		strbuf_addjson(out, s->family);
	}
	if (s->table) {
		strbuf_addstr(out, ",\"table\":");
		strbuf_addjson(out, s->table);
	}
	if (s->chain) {
		strbuf_addstr(out, ",\"chain\":");
		strbuf_addjson(out, s->chain);
	}
	if (s->hook) {
		strbuf_addstr(out, ",\"hook\":");
		strbuf_addjson(out, s->hook);
	}
	if (s->kind == SUBJ_RULE)
		strbuf_addf(out, ",\"handle\":%llu", (unsigned long long)s->handle);
	if (s->rule) {
		strbuf_addstr(out, ",\"rule\":");
		strbuf_addjson(out, s->rule);
	}
	if (s->path) {
		strbuf_addstr(out, ",\"path\":");
		strbuf_addjson(out, s->path);
		strbuf_addf(out, ",\"line\":%u", s->line);
	}
	strbuf_addch(out, '}');
}

static void links_json(const struct policy *po, struct strbuf *out)
{
	strbuf_addch(out, '[');
	for (size_t k = 0; k < po->nlinks; k++) {
		if (k)
			strbuf_addch(out, ',');
		strbuf_addjson_text(out, po->links[k].id);
	}
	strbuf_addch(out, ']');
}

/* The linked action items, each with its incident (without its items). */
static void action_items_json(const struct policy *po, struct strbuf *out)
{
	bool first = true;

	strbuf_addch(out, '[');
	for (size_t k = 0; k < po->nlinks; k++) {
		const struct action_item *it = po->links[k].item;

		if (!it)
			continue;
		if (!first)
			strbuf_addch(out, ',');
		first = false;
		action_item_json(it, out);
		strbuf_truncate(out, out->len - 1);
		strbuf_addstr(out, ",\"incident\":");
		incident_json(it->incident, false, out);
		strbuf_addch(out, '}');
	}
	strbuf_addch(out, ']');
}

void report_finding_json(const struct finding *x, struct strbuf *out)
{
	strbuf_addstr(out, "{\"id\":");
	strbuf_addjson(out, x->id);
	strbuf_addstr(out, ",\"policy\":");
	strbuf_addjson(out, x->policy->id);
	strbuf_addstr(out, ",\"title\":");
	strbuf_addjson(out, x->policy->title);
	strbuf_addstr(out, ",\"check\":");
	strbuf_addjson(out, x->check);
	strbuf_addstr(out, ",\"severity\":");
	strbuf_addjson(out, severity_name(x->severity));
	strbuf_addstr(out, ",\"message\":");
	strbuf_addjson(out, x->message);
	strbuf_addstr(out, ",\"subject\":");
	subject_json(&x->subject, out);
	strbuf_addstr(out, ",\"evidence\":{\"text\":");
	{
		struct strbuf ev = STRBUF_INIT;

		json_str_or_null(out, evidence_words(&x->evidence, &ev) ? ev.buf : NULL);
		strbuf_release(&ev);
	}
	strbuf_addstr(out, ",\"classes\":");
	evidence_classes_json(&x->evidence, out);
	strbuf_addstr(out, "},\"links\":");
	links_json(x->policy, out);
	strbuf_addstr(out, ",\"action_items\":");
	action_items_json(x->policy, out);
	strbuf_addstr(out, ",\"location\":");
	if (x->loc.file) {
		strbuf_addstr(out, "{\"file\":");
		strbuf_addjson(out, x->loc.file);
		strbuf_addf(out, ",\"line\":%u,\"column\":%u}", x->loc.line, x->loc.col);
	} else {
		strbuf_addstr(out, "null");
	}
	strbuf_addch(out, '}');
}

static void render_json(const struct findings *f, const struct report_meta *m, struct strbuf *out)
{
	size_t by[5];

	count(f, by);
	strbuf_addstr(out, "{\"fwaudit\":\"" FWAUDIT_VERSION "\",\"schema\":1,\"source\":");
	strbuf_addjson(out, m->source);
	strbuf_addstr(out, ",\"generation\":");
	if (m->rs)
		strbuf_addf(out, "%u", m->rs->generation);
	else
		strbuf_addstr(out, "null");
	strbuf_addstr(out, ",\"fail_on\":");
	strbuf_addjson(out, severity_name(m->fail_on));
	strbuf_addf(out, ",\"summary\":{\"total\":%zu", f->n);
	for (int s = SEV_CRITICAL; s >= SEV_INFO; s--)
		strbuf_addf(out, ",\"%s\":%zu", severity_name((enum severity)s), by[s]);
	strbuf_addstr(out, "},\"policies\":[");
	for (size_t i = 0; m->ps && i < m->ps->n; i++) {
		const struct policy *po = m->ps->v[i];

		strbuf_addstr(out, i ? ",{\"id\":" : "{\"id\":");
		strbuf_addjson(out, po->id);
		strbuf_addstr(out, ",\"title\":");
		strbuf_addjson(out, po->title);
		strbuf_addstr(out, ",\"file\":");
		strbuf_addjson(out, po->loc.file);
		strbuf_addch(out, '}');
	}
	strbuf_addstr(out, "],\"findings\":[");
	for (size_t i = 0; i < f->n; i++) {
		const struct finding *x = &f->v[i];

		strbuf_addstr(out, i ? ",\n" : "\n");
		report_finding_json(x, out);
	}
	strbuf_addstr(out, "]}\n");
}

/* ---- sarif ---- */

static const char *sarif_level(enum severity s)
{
	return s >= SEV_HIGH ? "error" : s == SEV_MEDIUM ? "warning" : "note";
}

/* The postmortem action items a finding's policy enforces, as the places
 * in the postmortems that promised it. */
static void sarif_related(const struct policy *po, struct strbuf *out)
{
	size_t n = 0;

	for (size_t k = 0; k < po->nlinks; k++) {
		const struct action_item *it = po->links[k].item;
		struct strbuf msg = STRBUF_INIT;

		if (!it)
			continue;
		strbuf_addstr(out, n ? "," : ",\"relatedLocations\":[");
		strbuf_addf(out, "{\"id\":%zu,\"physicalLocation\":{\"artifactLocation\":{\"uri\":",
			    n++);
		strbuf_addjson_text(out, it->incident->source);
		strbuf_addf(out, "},\"region\":{\"startLine\":%u}},\"message\":{\"text\":",
			    it->line ? it->line : 1);
		strbuf_addf(&msg, "enforces %s: %s (postmortem: ", it->id, it->text);
		incident_summary(it->incident, &msg);
		strbuf_addch(&msg, ')');
		strbuf_addjson_text(out, msg.buf);
		strbuf_addstr(out, "}}");
		strbuf_release(&msg);
	}
	if (n)
		strbuf_addch(out, ']');
}

/*
 * The checks that are not detectors, as SARIF describes its rules: what
 * they find and the level of their findings when the policy says nothing.
 */
static const struct detector_info other_checks[] = {
	{ "expect", SEV_HIGH, "a flow does not get the verdict a policy expects", NULL },
	{ "require", SEV_HIGH, "the ruleset lacks a structure a policy requires", NULL },
	{ "file", SEV_HIGH, "a watched file breaks a policy", NULL },
	{ "policy-link", SEV_LOW,
	  "a policy links to a postmortem action item that cannot be found (the policy is "
	  "checked without it)",
	  NULL },
};

static const struct detector_info *check_find(const char *check)
{
	const struct detector_info *d = detector_find(check);

	for (size_t i = 0; !d && i < ARRAY_SIZE(other_checks); i++)
		if (!strcmp(check, other_checks[i].id))
			d = &other_checks[i];
	return d;
}

/* The rule id SARIF groups results by: the detector, or expect/require/file. */
static void render_sarif(const struct findings *f, const struct report_meta *m, struct strbuf *out)
{
	const char *ids[64];
	size_t nids = 0;

	for (size_t i = 0; i < f->n && nids < ARRAY_SIZE(ids); i++) {
		size_t k;

		for (k = 0; k < nids && strcmp(ids[k], f->v[i].check); k++)
			;
		if (k == nids)
			ids[nids++] = f->v[i].check;
	}
	strbuf_addstr(out, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
			   "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{"
			   "\"name\":\"fwaudit\",\"version\":\"" FWAUDIT_VERSION "\","
			   "\"informationUri\":\"https://github.com/fwaudit/fwaudit\",\"rules\":[");
	for (size_t k = 0; k < nids; k++) {
		const struct detector_info *d = check_find(ids[k]);
		const char *desc = d ? d->summary : ids[k];

		strbuf_addstr(out, k ? ",{\"id\":" : "{\"id\":");
		strbuf_addjson(out, ids[k]);
		strbuf_addstr(out, ",\"shortDescription\":{\"text\":");
		strbuf_addjson(out, desc);
		strbuf_addstr(out, "},\"defaultConfiguration\":{\"level\":");
		strbuf_addjson(out, sarif_level(d ? d->severity : SEV_HIGH));
		strbuf_addstr(out, "}}");
	}
	strbuf_addstr(out, "]}},\"results\":[");
	for (size_t i = 0; i < f->n; i++) {
		const struct finding *x = &f->v[i];
		struct strbuf name = STRBUF_INIT;
		size_t rule_index = 0;

		while (rule_index < nids && strcmp(ids[rule_index], x->check))
			rule_index++;
		strbuf_addstr(out, i ? ",{\"ruleId\":" : "{\"ruleId\":");
		strbuf_addjson(out, x->check);
		if (rule_index < nids)
			strbuf_addf(out, ",\"ruleIndex\":%zu", rule_index);
		strbuf_addstr(out, ",\"level\":");
		strbuf_addjson(out, sarif_level(x->severity));
		strbuf_addstr(out, ",\"message\":{\"text\":");
		strbuf_addjson(out, x->message);
		strbuf_addstr(out, "},\"locations\":[{");
		if (x->subject.kind == SUBJ_FILE || x->loc.file) {
			const char *uri =
				x->subject.kind == SUBJ_FILE ? x->subject.path : x->loc.file;
			uint32_t line =
				x->subject.kind == SUBJ_FILE ? x->subject.line : x->loc.line;

			strbuf_addstr(out, "\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
			strbuf_addjson(out, uri);
			strbuf_addch(out, '}');
			if (line)
				strbuf_addf(out, ",\"region\":{\"startLine\":%u}", line);
			strbuf_addstr(out, "},");
		}
		subject_words(&x->subject, &name);
		strbuf_addstr(out, "\"logicalLocations\":[{\"fullyQualifiedName\":");
		strbuf_addjson(out, name.buf);
		strbuf_addstr(out, ",\"kind\":");
		strbuf_addjson(out, x->subject.kind == SUBJ_FILE || x->subject.kind == SUBJ_POLICY
					    ? "resource"
					    : "member");
		strbuf_addstr(out, "}]}]");
		sarif_related(x->policy, out);
		strbuf_addstr(out, ",\"partialFingerprints\":{\"fwauditFindingId/v1\":");
		strbuf_addjson(out, x->id);
		strbuf_addstr(out, "},\"properties\":{\"severity\":");
		strbuf_addjson(out, severity_name(x->severity));
		strbuf_addstr(out, ",\"policy\":");
		strbuf_addjson(out, x->policy->id);
		strbuf_addstr(out, ",\"links\":");
		links_json(x->policy, out);
		strbuf_addstr(out, ",\"actionItems\":");
		action_items_json(x->policy, out);
		if (x->subject.rule) {
			strbuf_addstr(out, ",\"rule\":");
			strbuf_addjson(out, x->subject.rule);
		}
		{
			struct strbuf ev = STRBUF_INIT;

			if (evidence_words(&x->evidence, &ev)) {
				strbuf_addstr(out, ",\"evidence\":");
				strbuf_addjson(out, ev.buf);
			}
			strbuf_release(&ev);
		}
		strbuf_addstr(out, "}}");
		strbuf_release(&name);
	}
	strbuf_addstr(out, "],\"invocations\":[{\"executionSuccessful\":true}]");
	if (m->rs)
		strbuf_addf(out, ",\"properties\":{\"generation\":%u}", m->rs->generation);
	strbuf_addstr(out, "}]}\n");
}

/* ---- junit ---- */

static void xml_escape(struct strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&':
			strbuf_addstr(out, "&amp;");
			break;
		case '<':
			strbuf_addstr(out, "&lt;");
			break;
		case '>':
			strbuf_addstr(out, "&gt;");
			break;
		case '"':
			strbuf_addstr(out, "&quot;");
			break;
		default:
			/* XML 1.0 allows no control characters but tab and newlines */
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				strbuf_addch(out, '?');
			else
				strbuf_addch(out, (char)c);
		}
	}
}

struct check_item {
	const char *check;
	uint32_t line;
	const char *label;
};

/* The checks of @po, each a test case (findings are matched by check and line). */
static size_t policy_items(const struct policy *po, struct check_item *v, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < po->nexpects && n < cap; i++)
		v[n++] = (struct check_item){ "expect", po->expects[i].loc.line,
					      po->expects[i].name ? po->expects[i].name
								  : po->expects[i].flow };
	for (size_t i = 0; i < po->nrequires && n < cap; i++)
		v[n++] = (struct check_item){ "require", po->requires[i].loc.line,
					      po->requires[i].kind };
	for (size_t i = 0; i < po->ndetects && n < cap; i++)
		v[n++] = (struct check_item){ po->detects[i].id, po->detects[i].loc.line,
					      po->detects[i].id };
	for (size_t i = 0; i < po->nfiles && n < cap; i++)
		v[n++] = (struct check_item){ "file", po->files[i].loc.line, po->files[i].path };
	for (size_t i = 0; i < po->nlinks && n < cap; i++)
		v[n++] = (struct check_item){ "policy-link", po->links[i].loc.line,
					      po->links[i].id };
	return n;
}

static void render_junit(const struct findings *f, const struct report_meta *m, struct strbuf *out)
{
	size_t total = 0, failures = 0;
	struct strbuf body = STRBUF_INIT;

	for (size_t p = 0; m->ps && p < m->ps->n; p++) {
		const struct policy *po = m->ps->v[p];
		struct check_item items[256];
		size_t n = policy_items(po, items, ARRAY_SIZE(items)), tests = 0, fails = 0;
		struct strbuf cases = STRBUF_INIT;

		for (size_t i = 0; i < n; i++) {
			bool any = false;

			for (size_t k = 0; k < f->n; k++) {
				const struct finding *x = &f->v[k];
				struct strbuf subj = STRBUF_INIT;
				bool failing = x->severity >= m->fail_on;

				if (x->policy != po || strcmp(x->check, items[i].check) ||
				    x->loc.line != items[i].line)
					continue;
				any = true;
				tests++;
				subject_words(&x->subject, &subj);
				strbuf_addstr(&cases, "  <testcase classname=\"fwaudit.");
				xml_escape(&cases, po->id);
				strbuf_addstr(&cases, "\" name=\"");
				xml_escape(&cases, items[i].check);
				strbuf_addstr(&cases, ": ");
				xml_escape(&cases, subj.buf);
				strbuf_addstr(&cases, "\">\n");
				if (failing) {
					fails++;
					strbuf_addstr(&cases, "   <failure type=\"");
					xml_escape(&cases, severity_name(x->severity));
					strbuf_addstr(&cases, "\" message=\"");
					xml_escape(&cases, x->message);
					strbuf_addstr(&cases, "\">");
				} else {
					strbuf_addstr(&cases, "   <system-out>");
					xml_escape(&cases, severity_name(x->severity));
					strbuf_addstr(&cases, " (below --fail-on): ");
					xml_escape(&cases, x->message);
					strbuf_addch(&cases, '\n');
				}
				if (x->subject.rule) {
					xml_escape(&cases, x->subject.rule);
					strbuf_addch(&cases, '\n');
				}
				{
					struct strbuf ev = STRBUF_INIT;

					if (evidence_words(&x->evidence, &ev))
						xml_escape(&cases, ev.buf);
					strbuf_release(&ev);
				}
				for (size_t l = 0; l < x->policy->nlinks; l++) {
					const struct policy_link *ln = &x->policy->links[l];
					struct strbuf sum = STRBUF_INIT;

					strbuf_addf(&sum, "\nenforces %s", ln->id);
					if (ln->item) {
						strbuf_addf(&sum,
							    ": %s (postmortem: ", ln->item->text);
						incident_summary(ln->item->incident, &sum);
						strbuf_addch(&sum, ')');
					}
					xml_escape(&cases, sum.buf);
					strbuf_release(&sum);
				}
				strbuf_addstr(&cases, failing ? "</failure>\n" : "</system-out>\n");
				strbuf_addstr(&cases, "  </testcase>\n");
				strbuf_release(&subj);
			}
			if (!any) {
				tests++;
				strbuf_addstr(&cases, "  <testcase classname=\"fwaudit.");
				xml_escape(&cases, po->id);
				strbuf_addstr(&cases, "\" name=\"");
				xml_escape(&cases, items[i].check);
				strbuf_addstr(&cases, ": ");
				xml_escape(&cases, items[i].label);
				strbuf_addstr(&cases, "\"/>\n");
			}
		}
		strbuf_addstr(&body, " <testsuite name=\"");
		xml_escape(&body, po->id);
		strbuf_addf(&body, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", tests,
			    fails);
		strbuf_addstr(&body, cases.buf ? cases.buf : "");
		strbuf_addstr(&body, " </testsuite>\n");
		strbuf_release(&cases);
		total += tests;
		failures += fails;
	}
	strbuf_addf(out,
		    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<testsuites name=\"fwaudit\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
		    total, failures);
	strbuf_addstr(out, body.buf ? body.buf : "");
	strbuf_addstr(out, "</testsuites>\n");
	strbuf_release(&body);
}

void report_render(const struct findings *f, const struct report_meta *m, enum report_format fmt,
		   struct strbuf *out)
{
	formats[fmt].render(f, m, out);
}
