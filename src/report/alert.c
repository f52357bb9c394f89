// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fwaudit watch's alerts: one per burst of changes, as text for people, as
 * one line of JSON for programs (the hook, the journal's FWAUDIT_ALERT),
 * as a journal record and as the Prometheus textfile's gauges. What is new
 * and what is resolved is the difference between the findings now and
 * those the last alert reported.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "fwaudit/change.h"
#include "fwaudit/nl.h"
#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/report.h"
#include "fwaudit/util.h"

/* journalctl MESSAGE_ID=... finds every fwaudit watch alert */
#define ALERT_MESSAGE_ID "8f580b41919e47a58fd88f5b6c264779"

static bool finding_in(const struct findings *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].id, id))
			return true;
	return false;
}

static void finding_text(const char *tag, const struct finding *f, struct strbuf *out)
{
	strbuf_addf(out, "  %s %s %s: %s\n", tag, severity_name(f->severity), f->id,
		    f->message ? f->message : "");
	for (size_t k = 0; f->policy && k < f->policy->nlinks; k++) {
		const struct action_item *it = f->policy->links[k].item;

		strbuf_addf(out, "      enforces %s", f->policy->links[k].id);
		if (it && it->text)
			strbuf_addf(out, ": %s", it->text);
		if (it && it->incident && it->incident->title)
			strbuf_addf(out, " (%s)", it->incident->title);
		strbuf_addch(out, '\n');
	}
}

/* Each of @f that @other lacks: new (@f now, @other before) or resolved. */
static void findings_text_unless(const char *tag, const struct findings *f,
				 const struct findings *other, struct strbuf *out)
{
	for (size_t i = 0; i < f->n; i++)
		if (!finding_in(other, f->v[i].id))
			finding_text(tag, &f->v[i], out);
}

/* The same as JSON objects, joined. */
static void findings_json_unless(const struct findings *f, const struct findings *other,
				 struct strbuf *js)
{
	unsigned n = 0;

	for (size_t i = 0; i < f->n; i++)
		if (!finding_in(other, f->v[i].id)) {
			if (n++)
				strbuf_addstr(js, ", ");
			report_finding_json(&f->v[i], js);
		}
}

static void count_severities(const struct findings *f, unsigned *by)
{
	memset(by, 0, sizeof(unsigned) * (SEV_CRITICAL + 1));
	for (size_t i = 0; i < f->n; i++)
		by[f->v[i].severity]++;
}

/* What the text and the JSON both start from: the counts, the time. */
static void alert_head(const struct alert *a, unsigned *by, char *when, size_t cap)
{
	count_severities(a->findings, by);
	strftime(when, cap, "%Y-%m-%dT%H:%M:%S%z", localtime(&a->time));
}

void report_alert_json(const struct alert *a, struct strbuf *js)
{
	const struct nl_committer *who = a->who;
	unsigned by[SEV_CRITICAL + 1];
	char when[64];

	alert_head(a, by, when, sizeof(when));
	strbuf_addf(js, "{\"event\": \"%s\", \"time\": \"%s\", \"generation\": %u", a->event, when,
		    a->generation);
	strbuf_addf(js, ", \"transactions\": %u, \"pid\": %u, \"comm\": ", a->transactions,
		    who->pid);
	strbuf_addjson_text(js, who->comm);
	if (who->has_proc) {
		strbuf_addf(js, ", \"uid\": %u, \"ppid\": %u, \"cmdline\": ", who->uid, who->ppid);
		strbuf_addjson_text(js, who->cmdline ? who->cmdline : "");
	}
	if (a->resync_why) {
		strbuf_addstr(js, ", \"resynchronised\": ");
		strbuf_addjson_text(js, a->resync_why);
	}
	strbuf_addf(js, ", \"rules_added\": %u, \"rules_removed\": %u, \"changes\": [",
		    a->events->rules_added, a->events->rules_removed);
	for (size_t i = 0; i < a->events->changes.n; i++) {
		if (i)
			strbuf_addstr(js, ", ");
		change_render_json(&a->events->changes.v[i], CHANGE_STYLE_EVENT, js);
	}
	strbuf_addch(js, ']');
	if (a->events->not_listed)
		strbuf_addf(js, ", \"changes_not_listed\": %u", a->events->not_listed);
	if (a->files && a->files->n) {
		strbuf_addstr(js, ", \"files\": [");
		for (size_t i = 0; i < a->files->n; i++) {
			if (i)
				strbuf_addstr(js, ", ");
			change_json(&a->files->v[i], js);
		}
		strbuf_addch(js, ']');
	}
	strbuf_addstr(js, ", \"findings_new\": [");
	findings_json_unless(a->findings, a->prev, js);
	strbuf_addstr(js, "], \"findings_resolved\": [");
	findings_json_unless(a->prev, a->findings, js);
	strbuf_addstr(js, "], \"findings\": {");
	for (int s = SEV_CRITICAL; s >= SEV_INFO; s--)
		strbuf_addf(js, "\"%s\": %u%s", severity_name((enum severity)s), by[s],
			    s > SEV_INFO ? ", " : "");
	strbuf_addstr(js, "}}\n");
}

void report_alert_text(const struct alert *a, struct strbuf *out)
{
	const struct nl_committer *who = a->who;
	unsigned by[SEV_CRITICAL + 1];
	char when[64];

	alert_head(a, by, when, sizeof(when));
	strbuf_addf(out, "%s %s generation %u", when, a->event, a->generation);
	if (a->transactions)
		strbuf_addf(out, " (%u transaction%s) by %s pid %u", a->transactions,
			    a->transactions > 1 ? "s" : "", who->comm[0] ? who->comm : "?",
			    who->pid);
	if (who->has_proc)
		strbuf_addf(out, " uid %u ppid %u: %s", who->uid, who->ppid,
			    who->cmdline ? who->cmdline : "");
	strbuf_addch(out, '\n');
	if (a->resync_why)
		strbuf_addf(out, "  events lost (%s); resynchronised at generation %u\n",
			    a->resync_why, a->generation);
	if (a->events->rules_added || a->events->rules_removed)
		strbuf_addf(out, "  rules: +%u -%u\n", a->events->rules_added,
			    a->events->rules_removed);
	for (size_t i = 0; i < a->events->changes.n; i++)
		change_render_text(&a->events->changes.v[i], CHANGE_STYLE_EVENT, out);
	if (a->events->not_listed)
		strbuf_addf(out, "  ... and %u more changes\n", a->events->not_listed);
	if (a->files && a->files->n) {
		struct strbuf files = STRBUF_INIT;

		changes_render_text(a->files, &files);
		strbuf_add_indented(out, files.buf, "  ");
		strbuf_release(&files);
	}
	findings_text_unless("NEW", a->findings, a->prev, out);
	findings_text_unless("RESOLVED", a->prev, a->findings, out);
	strbuf_addf(out, "  findings: %u critical, %u high, %u medium, %u low, %u info\n",
		    by[SEV_CRITICAL], by[SEV_HIGH], by[SEV_MEDIUM], by[SEV_LOW], by[SEV_INFO]);
}

int report_alert_priority(const struct alert *a)
{
	static const int by_sev[] = { [SEV_INFO] = LOG_INFO,
				      [SEV_LOW] = LOG_NOTICE,
				      [SEV_MEDIUM] = LOG_WARNING,
				      [SEV_HIGH] = LOG_ERR,
				      [SEV_CRITICAL] = LOG_CRIT };
	const struct findings *cur = a->findings;
	int prio = a->resync_why ? LOG_WARNING : LOG_INFO;

	for (size_t i = 0; i < cur->n; i++)
		if (!finding_in(a->prev, cur->v[i].id) && by_sev[cur->v[i].severity] < prio)
			prio = by_sev[cur->v[i].severity];
	return prio;
}

void report_alert_journal(const struct alert *a, const struct strbuf *text, const struct strbuf *js,
			  int prio, struct journal_fields *f)
{
	struct strbuf ids = STRBUF_INIT, gone = STRBUF_INIT, items = STRBUF_INIT;
	const struct findings *cur = a->findings, *prev = a->prev;
	unsigned by[SEV_CRITICAL + 1];

	count_severities(cur, by);
	journal_fields_add(f, "MESSAGE", "%s", text->buf);
	journal_fields_add(f, "MESSAGE_ID", "%s", ALERT_MESSAGE_ID);
	journal_fields_add(f, "PRIORITY", "%d", prio);
	journal_fields_add(f, "SYSLOG_IDENTIFIER", "fwaudit");
	journal_fields_add(f, "FWAUDIT_EVENT", "%s", a->event);
	journal_fields_add(f, "FWAUDIT_GENERATION", "%u", a->generation);
	journal_fields_add(f, "FWAUDIT_TRANSACTIONS", "%u", a->transactions);
	if (a->transactions) {
		journal_fields_add(f, "FWAUDIT_PID", "%u", a->who->pid);
		journal_fields_add(f, "FWAUDIT_COMM", "%s", a->who->comm);
	}
	if (a->who->has_proc) {
		journal_fields_add(f, "FWAUDIT_UID", "%u", a->who->uid);
		journal_fields_add(f, "FWAUDIT_PPID", "%u", a->who->ppid);
		journal_fields_add(f, "FWAUDIT_CMDLINE", "%s",
				   a->who->cmdline ? a->who->cmdline : "");
	}
	if (a->resync_why)
		journal_fields_add(f, "FWAUDIT_RESYNCHRONISED", "%s", a->resync_why);
	journal_fields_add(f, "FWAUDIT_RULES_ADDED", "%u", a->events->rules_added);
	journal_fields_add(f, "FWAUDIT_RULES_REMOVED", "%u", a->events->rules_removed);
	for (size_t i = 0; i < cur->n; i++) {
		const struct policy *po = cur->v[i].policy;

		if (finding_in(prev, cur->v[i].id))
			continue;
		strbuf_addf(&ids, "%s%s", ids.len ? " " : "", cur->v[i].id);
		for (size_t k = 0; po && k < po->nlinks; k++)
			strbuf_addf(&items, "%s%s", items.len ? " " : "", po->links[k].id);
	}
	for (size_t i = 0; i < prev->n; i++)
		if (!finding_in(cur, prev->v[i].id))
			strbuf_addf(&gone, "%s%s", gone.len ? " " : "", prev->v[i].id);
	if (ids.len)
		journal_fields_add(f, "FWAUDIT_FINDINGS_NEW", "%s", ids.buf);
	if (gone.len)
		journal_fields_add(f, "FWAUDIT_FINDINGS_RESOLVED", "%s", gone.buf);
	if (items.len)
		journal_fields_add(f, "FWAUDIT_ACTION_ITEMS", "%s", items.buf);
	for (int s = SEV_INFO; s <= SEV_CRITICAL; s++) {
		char key[32];

		snprintf(key, sizeof(key), "FWAUDIT_FINDINGS_%s", severity_name((enum severity)s));
		for (char *p = key; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
		journal_fields_add(f, key, "%u", by[s]);
	}
	journal_fields_add(f, "FWAUDIT_ALERT", "%.*s", (int)(js->len ? js->len - 1 : 0), js->buf);
	strbuf_release(&ids);
	strbuf_release(&gone);
	strbuf_release(&items);
}

void report_metrics_watch(const struct findings *f, const struct watch_metrics *m,
			  struct strbuf *out)
{
	report_metrics_findings(f, "fwaudit_findings", "Findings of the latest check, by severity.",
				out);
	report_metrics_links(f, "fwaudit_policy_links_unresolved", out);
	strbuf_addf(
		out,
		"# HELP fwaudit_generation The nftables generation last seen.\n"
		"# TYPE fwaudit_generation gauge\n"
		"fwaudit_generation %u\n"
		"# HELP fwaudit_last_change_timestamp_seconds When the ruleset last changed.\n"
		"# TYPE fwaudit_last_change_timestamp_seconds gauge\n"
		"fwaudit_last_change_timestamp_seconds %lld\n"
		"# HELP fwaudit_transactions_total Transactions seen.\n"
		"# TYPE fwaudit_transactions_total counter\n"
		"fwaudit_transactions_total %lu\n"
		"# HELP fwaudit_resyncs_total Times events were lost and the ruleset read again.\n"
		"# TYPE fwaudit_resyncs_total counter\n"
		"fwaudit_resyncs_total %lu\n",
		m->generation, (long long)m->last_change, m->transactions, m->resyncs);
}

void textfile_write(struct textfile *t, const char *data, size_t len, int64_t now)
{
	int r = write_file_atomic(t->path, data, len);

	if (r < 0) {
		if (!t->failing)
			errmsg("watch: --textfile %s: %s; tried again every second", t->path,
			       strerror(-r));
		t->failing = true;
		t->retry_at = now + 1000;
	} else {
		if (t->failing)
			errmsg("watch: --textfile %s written again", t->path);
		t->failing = false;
		t->retry_at = 0;
	}
}
