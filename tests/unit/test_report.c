// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report/ without a kernel: the watcher's alert (text, JSON, priority,
 * journal record, textfile) and its sinks (an --exec hook that fails and
 * is retried with backoff, a journal whose socket is absent, or there but
 * unread and then read again, a full outbox).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "fwaudit/change.h"
#include "fwaudit/nl.h"
#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/report.h"
#include "fwaudit/util.h"

#define JOURNAL_DIR "/run/systemd/journal"

static char tmpdir[] = "/tmp/fwaudit-test-report-XXXXXX";

/* ---- stderr, caught: what the sinks say of an outage ---- */

static int saved_stderr = -1;
static char stderr_path[4096];

static void stderr_catch(void)
{
	int fd;

	snprintf(stderr_path, sizeof(stderr_path), "%s/stderr", tmpdir);
	fd = open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

/* What was printed since stderr_catch(); the caller frees it. */
static char *stderr_release(void)
{
	char *text = NULL;
	size_t len;

	fflush(stderr);
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	saved_stderr = -1;
	assert_int_equal(read_file(stderr_path, &text, &len), 0);
	return text;
}

/* After a test: a failed one left stderr caught; show what it caught. */
static int stderr_restore(void **state)
{
	char *text;

	(void)state;
	if (saved_stderr < 0)
		return 0;
	text = stderr_release();
	fprintf(stderr, "stderr of the failed test:\n%s", text);
	free(text);
	return 0;
}

static unsigned count_of(const char *text, const char *what)
{
	unsigned n = 0;

	for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

/* ---- the alert ---- */

/* A string the fixtures may point to (their fields are not const). */
#define S(text) ((char[]){ text })

static const struct incident outage = { .id = S("outage"),
					.title = S("The web service was unreachable") };
static const struct action_item block_item = { .id = S("outage#2"),
					       .text = S("Alert on firewall rule changes."),
					       .incident = &outage };
static struct policy_link web_links[] = { { .id = S("outage#2"), .item = &block_item } };
static const struct policy web = {
	.id = S("web"), .title = S("Web reaches the service"), .links = web_links, .nlinks = 1
};
static const struct policy hygiene = { .id = S("hygiene"),
				       .title = S("Every rule does something") };

#define FINDING(id_, policy_, check_, severity_, message_)                                         \
	{                                                                                          \
		.id = S(id_), .policy = &policy_, .check = S(check_), .severity = severity_,       \
		.message = S(message_)                                                             \
	}
#define F_BLOCK	  FINDING("web/blanket-block", web, "expect", SEV_CRITICAL, "tcp/443 is dropped")
#define F_EXPOSED FINDING("web/exposed", web, "accept-all", SEV_HIGH, "everything is accepted")
#define F_SHADOW  FINDING("hygiene/shadowed", hygiene, "shadowed-rule", SEV_MEDIUM, "never matches")
#define F_NOTE	  FINDING("hygiene/note", hygiene, "note", SEV_INFO, "a note")

static const struct nl_committer nobody = { 0 };
static const struct nl_committer nft = { .pid = 42,
					 .uid = 0,
					 .ppid = 7,
					 .has_proc = true,
					 .comm = "nft",
					 .cmdline = S("nft -f /etc/nftables.conf") };
static const struct nl_committer exited = { .pid = 43, .comm = "iptables-nft" };

/* Findings to point an alert at: static, so never released. */
#define FINDINGS(...)                                                                              \
	(&(const struct findings){ (struct finding[]){ __VA_ARGS__ },                              \
				   sizeof((struct finding[]){ __VA_ARGS__ }) /                     \
					   sizeof(struct finding) })
static const struct findings no_findings = { 0 };

/* What the events told: a rule added, two more not listed. */
static void narration_of_a_drop(struct change_narration *n)
{
	struct change *c =
		changes_add(&n->changes, CO_RULE, CHANGE_ADDED, xstrdup("inet filter input"));

	c->new_handle = 5;
	c->after = xstrdup("drop");
	c = changes_add(&n->changes, CO_ELEMENTS, CHANGE_REMOVED, xstrdup("inet filter allow"));
	c->elems_removed = 2;
	n->listed = 2;
	n->not_listed = 3;
	n->rules_added = 4;
	n->rules_removed = 1;
}

static void file_changed(struct changes *files)
{
	struct change *c = changes_add(files, CO_FILE, CHANGE_CHANGED, xstrdup("/etc/app.conf"));

	c->before = xstrdup("size 22");
	c->after = xstrdup("size 21");
	c->detail = xstrdup("-timeout 30\n+timeout 5\n");
}

/* What report_finding_json() says of each of @f, joined. */
static void findings_json(const struct findings *f, struct strbuf *out)
{
	for (size_t i = 0; i < f->n; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		report_finding_json(&f->v[i], out);
	}
}

/* @tmpl with its first "%s" replaced by @a, its second by @b (either may be NULL: ""). */
static void fill_in(const char *tmpl, const char *a, const char *b, struct strbuf *out)
{
	const char *with[] = { a ? a : "", b ? b : "" };
	unsigned k = 0;

	for (const char *p = tmpl; *p; p++) {
		if (p[0] == '%' && p[1] == 's' && k < 2) {
			strbuf_addstr(out, with[k++]);
			p++;
		} else {
			strbuf_addch(out, *p);
		}
	}
}

/* The alerts, as text, JSON and priority. JSON's "%s": the new findings, then the resolved. */
static const struct alert_case {
	const char *name;
	const char *event;
	unsigned transactions;
	const struct nl_committer *who;
	const char *resync_why;
	bool events, files;
	const struct findings *findings, *prev;
	const struct findings *new, *resolved; /* for the JSON */
	const char *text, *json;
	int priority;
} alert_cases[] = {
	{ "start, with findings", "start", 0, &nobody, NULL, false, false,
	  FINDINGS(F_BLOCK, F_NOTE), &no_findings, FINDINGS(F_BLOCK, F_NOTE), &no_findings,
	  "1970-01-01T00:00:42+0000 start generation 5\n"
	  "  NEW critical web/blanket-block: tcp/443 is dropped\n"
	  "      enforces outage#2: Alert on firewall rule changes. (The web service was "
	  "unreachable)\n"
	  "  NEW info hygiene/note: a note\n"
	  "  findings: 1 critical, 0 high, 0 medium, 0 low, 1 info\n",
	  "{\"event\": \"start\", \"time\": \"1970-01-01T00:00:42+0000\", \"generation\": 5, "
	  "\"transactions\": 0, \"pid\": 0, \"comm\": \"\", \"rules_added\": 0, \"rules_removed\": "
	  "0, "
	  "\"changes\": [], \"findings_new\": [%s], \"findings_resolved\": [%s], \"findings\": "
	  "{\"critical\": 1, \"high\": 0, \"medium\": 0, \"low\": 0, \"info\": 1}}\n",
	  LOG_CRIT },
	{ "a change that resolves one", "change", 2, &nft, NULL, true, false, FINDINGS(F_NOTE),
	  FINDINGS(F_BLOCK, F_NOTE), &no_findings, FINDINGS(F_BLOCK),
	  "1970-01-01T00:00:42+0000 change generation 5 (2 transactions) by nft pid 42 uid 0 ppid "
	  "7: nft -f /etc/nftables.conf\n"
	  "  rules: +4 -1\n"
	  "  added rule inet filter input handle 5: drop\n"
	  "  removed elements of inet filter allow: 2\n"
	  "  ... and 3 more changes\n"
	  "  RESOLVED critical web/blanket-block: tcp/443 is dropped\n"
	  "      enforces outage#2: Alert on firewall rule changes. (The web service was "
	  "unreachable)\n"
	  "  findings: 0 critical, 0 high, 0 medium, 0 low, 1 info\n",
	  "{\"event\": \"change\", \"time\": \"1970-01-01T00:00:42+0000\", \"generation\": 5, "
	  "\"transactions\": 2, \"pid\": 42, \"comm\": \"nft\", \"uid\": 0, \"ppid\": 7, "
	  "\"cmdline\": \"nft -f /etc/nftables.conf\", \"rules_added\": 4, \"rules_removed\": 1, "
	  "\"changes\": [{\"kind\": \"added\", \"object\": \"rule\", \"where\": \"inet filter "
	  "input\", \"handle\": 5, \"rule\": \"drop\"}, {\"kind\": \"removed\", \"object\": "
	  "\"elements\", \"where\": \"inet filter allow\", \"count\": 2}], \"changes_not_listed\": "
	  "3, \"findings_new\": [%s], \"findings_resolved\": [%s], \"findings\": {\"critical\": 0, "
	  "\"high\": 0, \"medium\": 0, \"low\": 0, \"info\": 1}}\n",
	  LOG_INFO },
	{ "a re-read, its committer gone from /proc", "change", 1, &exited,
	  "generation 9 followed 7", false, false, FINDINGS(F_EXPOSED, F_SHADOW),
	  FINDINGS(F_EXPOSED), FINDINGS(F_SHADOW), &no_findings,
	  "1970-01-01T00:00:42+0000 change generation 5 (1 transaction) by iptables-nft pid 43\n"
	  "  events lost (generation 9 followed 7); resynchronised at generation 5\n"
	  "  NEW medium hygiene/shadowed: never matches\n"
	  "  findings: 0 critical, 1 high, 1 medium, 0 low, 0 info\n",
	  "{\"event\": \"change\", \"time\": \"1970-01-01T00:00:42+0000\", \"generation\": 5, "
	  "\"transactions\": 1, \"pid\": 43, \"comm\": \"iptables-nft\", \"resynchronised\": "
	  "\"generation 9 followed 7\", \"rules_added\": 0, \"rules_removed\": 0, \"changes\": [], "
	  "\"findings_new\": [%s], \"findings_resolved\": [%s], \"findings\": {\"critical\": 0, "
	  "\"high\": 1, \"medium\": 1, \"low\": 0, \"info\": 0}}\n",
	  LOG_WARNING },
	{ "a re-read, a new high finding", "change", 0, &nobody, "the kernel dropped events", false,
	  false, FINDINGS(F_EXPOSED), &no_findings, FINDINGS(F_EXPOSED), &no_findings,
	  "1970-01-01T00:00:42+0000 change generation 5\n"
	  "  events lost (the kernel dropped events); resynchronised at generation 5\n"
	  "  NEW high web/exposed: everything is accepted\n"
	  "      enforces outage#2: Alert on firewall rule changes. (The web service was "
	  "unreachable)\n"
	  "  findings: 0 critical, 1 high, 0 medium, 0 low, 0 info\n",
	  "{\"event\": \"change\", \"time\": \"1970-01-01T00:00:42+0000\", \"generation\": 5, "
	  "\"transactions\": 0, \"pid\": 0, \"comm\": \"\", \"resynchronised\": \"the kernel "
	  "dropped events\", \"rules_added\": 0, \"rules_removed\": 0, \"changes\": [], "
	  "\"findings_new\": [%s], \"findings_resolved\": [%s], \"findings\": {\"critical\": 0, "
	  "\"high\": 1, \"medium\": 0, \"low\": 0, \"info\": 0}}\n",
	  LOG_ERR },
	{ "a watched file", "file", 0, &nobody, NULL, false, true, &no_findings, &no_findings,
	  &no_findings, &no_findings,
	  "1970-01-01T00:00:42+0000 file generation 5\n"
	  "    ~ file /etc/app.conf changed: size 22 -> size 21\n"
	  "        -timeout 30\n"
	  "        +timeout 5\n"
	  "  findings: 0 critical, 0 high, 0 medium, 0 low, 0 info\n",
	  "{\"event\": \"file\", \"time\": \"1970-01-01T00:00:42+0000\", \"generation\": 5, "
	  "\"transactions\": 0, \"pid\": 0, \"comm\": \"\", \"rules_added\": 0, \"rules_removed\": "
	  "0, "
	  "\"changes\": [], \"files\": [{\"object\": \"file\", \"kind\": \"changed\", \"where\": "
	  "\"/etc/app.conf\", \"before\": \"size 22\", \"after\": \"size 21\", \"detail\": "
	  "\"-timeout 30\\n+timeout 5\\n\"}], \"findings_new\": [%s], \"findings_resolved\": [%s], "
	  "\"findings\": {\"critical\": 0, \"high\": 0, \"medium\": 0, \"low\": 0, \"info\": 0}}\n",
	  LOG_INFO },
};

static struct alert alert_of(const struct alert_case *c, struct change_narration *n,
			     struct changes *files)
{
	if (c->events)
		narration_of_a_drop(n);
	if (c->files)
		file_changed(files);
	return (struct alert){ .event = c->event,
			       .time = 42,
			       .generation = 5,
			       .transactions = c->transactions,
			       .who = c->who,
			       .resync_why = c->resync_why,
			       .events = n,
			       .files = files,
			       .findings = c->findings,
			       .prev = c->prev };
}

static void test_alert_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(alert_cases); i++) {
		const struct alert_case *c = &alert_cases[i];
		struct change_narration n = { 0 };
		struct changes files = { 0 };
		struct strbuf text = STRBUF_INIT, js = STRBUF_INIT, fresh = STRBUF_INIT,
			      gone = STRBUF_INIT, want = STRBUF_INIT;
		struct alert a = alert_of(c, &n, &files);

		print_message("%s\n", c->name);
		report_alert_text(&a, &text);
		assert_string_equal(text.buf, c->text);
		findings_json(c->new, &fresh);
		findings_json(c->resolved, &gone);
		fill_in(c->json, fresh.buf, gone.buf, &want);
		report_alert_json(&a, &js);
		assert_string_equal(js.buf, want.buf);
		assert_int_equal(report_alert_priority(&a), c->priority);
		change_narration_reset(&n);
		changes_release(&files);
		strbuf_release(&text);
		strbuf_release(&js);
		strbuf_release(&fresh);
		strbuf_release(&gone);
		strbuf_release(&want);
	}
}

/* The journal record: every field, in order. */
static void test_alert_journal(void **state)
{
	const struct alert_case *c = &alert_cases[1];
	struct change_narration n = { 0 };
	struct changes files = { 0 };
	struct strbuf text = STRBUF_INIT, js = STRBUF_INIT, got = STRBUF_INIT, want = STRBUF_INIT;
	struct journal_fields f = { 0 };
	struct alert a = alert_of(c, &n, &files);
	const char *p;

	(void)state;
	report_alert_text(&a, &text);
	report_alert_json(&a, &js);
	report_alert_journal(&a, &text, &js, LOG_INFO, &f);
	p = f.buf;
	for (unsigned i = 0; i < f.n; i++) {
		strbuf_addf(&got, "%s\n", p);
		p += strlen(p) + 1;
	}
	assert_ptr_equal(p, f.buf + f.len);
	strbuf_addf(&want, "MESSAGE=%s\n", text.buf);
	strbuf_addstr(&want, "MESSAGE_ID=8f580b41919e47a58fd88f5b6c264779\n"
			     "PRIORITY=6\n"
			     "SYSLOG_IDENTIFIER=fwaudit\n"
			     "FWAUDIT_EVENT=change\n"
			     "FWAUDIT_GENERATION=5\n"
			     "FWAUDIT_TRANSACTIONS=2\n"
			     "FWAUDIT_PID=42\n"
			     "FWAUDIT_COMM=nft\n"
			     "FWAUDIT_UID=0\n"
			     "FWAUDIT_PPID=7\n"
			     "FWAUDIT_CMDLINE=nft -f /etc/nftables.conf\n"
			     "FWAUDIT_RULES_ADDED=4\n"
			     "FWAUDIT_RULES_REMOVED=1\n"
			     "FWAUDIT_FINDINGS_RESOLVED=web/blanket-block\n"
			     "FWAUDIT_FINDINGS_INFO=1\n"
			     "FWAUDIT_FINDINGS_LOW=0\n"
			     "FWAUDIT_FINDINGS_MEDIUM=0\n"
			     "FWAUDIT_FINDINGS_HIGH=0\n"
			     "FWAUDIT_FINDINGS_CRITICAL=0\n");
	strbuf_addf(&want, "FWAUDIT_ALERT=%.*s\n", (int)js.len - 1, js.buf);
	assert_string_equal(got.buf, want.buf);
	free(f.buf);
	/* new findings: their ids and the action items they enforce */
	memset(&f, 0, sizeof(f));
	strbuf_truncate(&got, 0);
	change_narration_reset(&n);
	a = alert_of(&alert_cases[0], &n, &files);
	report_alert_journal(&a, &text, &js, LOG_CRIT, &f);
	p = f.buf;
	for (unsigned i = 0; i < f.n; i++, p += strlen(p) + 1)
		if (!strncmp(p, "FWAUDIT_FINDINGS_NEW=", 21) || !strncmp(p, "FWAUDIT_ACTION", 14) ||
		    !strncmp(p, "PRIORITY=", 9) || !strncmp(p, "FWAUDIT_PID", 11))
			strbuf_addf(&got, "%s\n", p);
	assert_string_equal(got.buf, "PRIORITY=2\n"
				     "FWAUDIT_FINDINGS_NEW=web/blanket-block hygiene/note\n"
				     "FWAUDIT_ACTION_ITEMS=outage#2\n");
	free(f.buf);
	change_narration_reset(&n);
	changes_release(&files);
	strbuf_release(&text);
	strbuf_release(&js);
	strbuf_release(&got);
	strbuf_release(&want);
}

/* The textfile: the findings' gauges, then the watcher's, written once it can be. */
static void test_textfile(void **state)
{
	const struct watch_metrics m = { 7, 1700000000, 12, 1 };
	struct strbuf out = STRBUF_INIT;
	char dir[3072], path[4096], *got = NULL, *err;
	struct textfile t = { path, 0, false };
	size_t len;

	(void)state;
	report_metrics_watch(FINDINGS(F_BLOCK, F_NOTE), &m, &out);
	assert_non_null(strstr(out.buf, "fwaudit_findings{severity=\"critical\"} 1\n"));
	assert_non_null(strstr(out.buf, "fwaudit_policy_links_unresolved 0\n"));
	assert_non_null(strstr(out.buf,
			       "\n# HELP fwaudit_generation The nftables generation last seen.\n"
			       "# TYPE fwaudit_generation gauge\n"
			       "fwaudit_generation 7\n"
			       "# HELP fwaudit_last_change_timestamp_seconds When the ruleset "
			       "last changed.\n"
			       "# TYPE fwaudit_last_change_timestamp_seconds gauge\n"
			       "fwaudit_last_change_timestamp_seconds 1700000000\n"
			       "# HELP fwaudit_transactions_total Transactions seen.\n"
			       "# TYPE fwaudit_transactions_total counter\n"
			       "fwaudit_transactions_total 12\n"
			       "# HELP fwaudit_resyncs_total Times events were lost and the "
			       "ruleset read again.\n"
			       "# TYPE fwaudit_resyncs_total counter\n"
			       "fwaudit_resyncs_total 1\n"));
	snprintf(dir, sizeof(dir), "%s/later", tmpdir);
	snprintf(path, sizeof(path), "%s/fwaudit.prom", dir);
	stderr_catch();
	textfile_write(&t, out.buf, out.len, 1000);
	assert_true(t.failing);
	assert_int_equal(t.retry_at, 2000);
	textfile_write(&t, out.buf, out.len, 2000);
	assert_int_equal(t.retry_at, 3000);
	assert_int_equal(mkdir(dir, 0755), 0);
	textfile_write(&t, out.buf, out.len, 3000);
	assert_false(t.failing);
	assert_int_equal(t.retry_at, 0);
	textfile_write(&t, out.buf, out.len, 4000);
	err = stderr_release();
	assert_int_equal(count_of(err, "No such file or directory; tried again every second\n"), 1);
	assert_int_equal(count_of(err, "fwaudit.prom written again\n"), 1);
	assert_int_equal(read_file(path, &got, &len), 0);
	assert_string_equal(got, out.buf);
	free(got);
	free(err);
	strbuf_release(&out);
}

/* ---- the exec hook ---- */

/* argv for "sh -c @script", its words in one allocation as sinks_release() expects */
static char **sh_argv(const char *script)
{
	size_t len = strlen(script);
	char **argv = xcalloc(4, sizeof(*argv));
	char *words = xmalloc(6 + len + 1);

	memcpy(words, "sh\0-c\0", 6);
	memcpy(words + 6, script, len + 1);
	argv[0] = words;
	argv[1] = words + 3;
	argv[2] = words + 6;
	return argv;
}

/* Let the running hook finish; the sinks see the time as @now throughout. */
static void reap_at(struct sinks *s, int64_t now)
{
	for (int i = 0; s->exec_pid && i < 5000; i++) {
		usleep(1000);
		sinks_tick(s, now);
	}
	assert_int_equal(s->exec_pid, 0);
}

/*
 * A hook that always fails keeps the alert and is tried again after 1 s,
 * then twice as long each time up to a minute; it is started again only
 * once that time has come, and the outage is reported once.
 */
static void test_exec_backoff(void **state)
{
	static const unsigned backoff_ms[] = { 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000 };
	struct sinks s = { .exec_argv = sh_argv("cat >/dev/null; exit 3") };
	struct journal_fields none = { 0 };
	int64_t now;
	char *err;

	(void)state;
	s.exec_box.name = "--exec sh";
	stderr_catch();
	sinks_send(&s, "{}\n", 3, &none, "text", LOG_INFO);
	assert_int_not_equal(s.exec_pid, 0); /* started at once */
	now = s.exec_started;
	for (size_t i = 0; i < ARRAY_SIZE(backoff_ms); i++) {
		reap_at(&s, now);
		assert_true(s.exec_box.failing);
		assert_int_equal(s.exec_box.failures, i + 1);
		assert_int_equal(s.exec_box.backoff_ms, backoff_ms[i]);
		assert_int_equal(s.exec_box.retry_at, now + backoff_ms[i]);
		assert_int_equal(s.exec_box.n, 1); /* kept */
		assert_int_equal(sinks_timeout(&s, now), backoff_ms[i]);
		sinks_tick(&s, now + backoff_ms[i] - 1);
		assert_int_equal(s.exec_pid, 0); /* not yet */
		now += backoff_ms[i];
		sinks_tick(&s, now);
		assert_int_not_equal(s.exec_pid, 0);	       /* tried again */
		assert_int_equal(sinks_timeout(&s, now), 100); /* reaped soon */
	}
	reap_at(&s, now);
	err = stderr_release();
	assert_int_equal(count_of(err, "--exec sh failed (exit status 3); the alert is kept"), 1);
	free(err);
	stderr_catch();
	sinks_release(&s);
	err = stderr_release();
	assert_non_null(strstr(err, "1 alerts not delivered at exit"));
	free(err);
}

/* A hook that fails twice and then works gets every alert, in order. */
static void test_exec_recovers(void **state)
{
	char script[4096], path[4096], *got = NULL, *err;
	struct journal_fields none = { 0 };
	struct sinks s = { 0 };
	size_t len;
	int64_t now;

	(void)state;
	snprintf(script, sizeof(script),
		 "n=$(cat %s/tries 2>/dev/null || echo 0); echo $((n + 1)) > %s/tries; "
		 "[ $n -ge 2 ] || exit 3; cat >> %s/hooked",
		 tmpdir, tmpdir, tmpdir);
	s.exec_argv = sh_argv(script);
	s.exec_box.name = "--exec sh";
	stderr_catch();
	sinks_send(&s, "{\"n\": 1}\n", 9, &none, "one", LOG_INFO);
	now = s.exec_started;
	reap_at(&s, now);
	sinks_send(&s, "{\"n\": 2}\n", 9, &none, "two", LOG_INFO);
	assert_int_equal(s.exec_pid, 0); /* the first waits its turn: nothing runs */
	assert_int_equal(s.exec_box.n, 2);
	for (int tries = 0; s.exec_box.n && tries < 10; tries++) {
		now = s.exec_box.retry_at > now ? s.exec_box.retry_at : now;
		sinks_tick(&s, now);
		reap_at(&s, now);
	}
	assert_int_equal(s.exec_box.n, 0);
	assert_false(s.exec_box.failing);
	assert_int_equal(s.exec_box.backoff_ms, 0);
	assert_int_equal(sinks_timeout(&s, now), -1);
	snprintf(path, sizeof(path), "%s/hooked", tmpdir);
	assert_int_equal(read_file(path, &got, &len), 0);
	assert_string_equal(got, "{\"n\": 1}\n{\"n\": 2}\n");
	free(got);
	sinks_release(&s);
	err = stderr_release();
	assert_int_equal(count_of(err, "failed (exit status 3)"), 1);
	assert_int_equal(count_of(err, "--exec sh works again after 2 failed attempts\n"), 1);
	free(err);
}

/* ---- the journal ---- */

static bool journal_private;

/* A /run of our own, without journald's socket: a private mount namespace. */
static bool journal_isolate(void)
{
	if (journal_private)
		return true;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/run", "tmpfs", 0, NULL) < 0)
		return false;
	journal_private = true;
	mkdir("/run/systemd", 0755);
	mkdir(JOURNAL_DIR, 0755);
	return true;
}

/*
 * journald's socket: bound and read (@listening), or left behind by a
 * journald that stopped: the path is there, nobody reads it.
 */
static int journal_socket(bool listening)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/socket", JOURNAL_DIR);
	unlink(sa.sun_path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (listening)
		return fd;
	close(fd);
	return -1;
}

/* Sinks that send to a journal nobody reads, their outage caught. */
static void journal_unread(struct sinks *s)
{
	if (!journal_isolate())
		skip();
	journal_socket(false);
	*s = (struct sinks){ .journal = true };
	s->journal_box.name = "the journal";
	stderr_catch();
}

static void journal_alert(struct sinks *s, const char *message)
{
	struct journal_fields f = { 0 };

	journal_fields_add(&f, "MESSAGE", "%s", message);
	journal_fields_add(&f, "PRIORITY", "%d", LOG_CRIT);
	journal_fields_add(&f, "FWAUDIT_EVENT", "change");
	sinks_send(s, "{}\n", 3, &f, message, LOG_CRIT);
	assert_null(f.buf); /* taken */
}

/*
 * Without journald's socket at all, libsystemd drops the record and says it
 * was sent (sd_journal_sendv(): "fail silently if the journal is not
 * available"): nothing waits, nothing is reported.
 */
static void test_journal_absent(void **state)
{
	struct sinks s = { .journal = true };
	char *err;

	(void)state;
	if (!journal_isolate())
		skip();
	unlink(JOURNAL_DIR "/socket");
	s.journal_box.name = "the journal";
	stderr_catch();
	journal_alert(&s, "one");
	assert_int_equal(s.journal_box.n, 0);
	assert_false(s.journal_box.failing);
	sinks_release(&s);
	err = stderr_release();
	assert_string_equal(err, "");
	free(err);
}

/*
 * A socket nobody reads (journald stopped): the records wait and are tried
 * again with backoff; once journald reads it again, the next try sends
 * them all, whole and in order, and the recovery is said once.
 */
static void test_journal_refused(void **state)
{
	static const char *const want[] = {
		"MESSAGE=one\nPRIORITY=2\nFWAUDIT_EVENT=change\n",
		"MESSAGE=two\nPRIORITY=2\nFWAUDIT_EVENT=change\n",
	};
	struct sinks s;
	char dgram[4096], *err;
	int64_t now;
	ssize_t n;
	int fd;

	(void)state;
	journal_unread(&s);
	now = now_ms();
	journal_alert(&s, "one");
	assert_int_equal(s.journal_box.n, 1);
	assert_true(s.journal_box.failing);
	assert_true(s.journal_box.retry_at >= now + 1000);
	journal_alert(&s, "two"); /* not tried: the first waits for its time */
	assert_int_equal(s.journal_box.n, 2);
	assert_int_equal(s.journal_box.failures, 1);
	now = s.journal_box.retry_at;
	sinks_tick(&s, now);
	assert_int_equal(s.journal_box.failures, 2);
	assert_int_equal(s.journal_box.backoff_ms, 2000);
	assert_int_equal(sinks_timeout(&s, now), 2000);
	fd = journal_socket(true);
	sinks_tick(&s, now + 1999);
	assert_int_equal(s.journal_box.n, 2); /* not yet */
	assert_true(recv(fd, dgram, sizeof(dgram), 0) < 0);
	sinks_tick(&s, now + 2000);
	assert_int_equal(s.journal_box.n, 0);
	assert_false(s.journal_box.failing);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		n = recv(fd, dgram, sizeof(dgram) - 1, 0);
		assert_true(n > 0);
		dgram[n] = '\0';
		/* then libsystemd's CODE_FILE, CODE_LINE, ... */
		assert_true(!strncmp(dgram, want[i], strlen(want[i])));
	}
	close(fd);
	sinks_release(&s);
	err = stderr_release();
	assert_int_equal(
		count_of(err, "the journal failed (Connection refused); the alert is kept"), 1);
	assert_int_equal(count_of(err, "the journal works again after 2 failed attempts\n"), 1);
	free(err);
}

/* Past OUTBOX_MAX waiting records the oldest go, counted and said once. */
static void test_outbox_full(void **state)
{
	struct sinks s;
	char msg[32], *err;

	(void)state;
	journal_unread(&s);
	for (int i = 0; i < OUTBOX_MAX + 6; i++) {
		snprintf(msg, sizeof(msg), "alert %d", i);
		journal_alert(&s, msg);
	}
	assert_int_equal(s.journal_box.n, OUTBOX_MAX);
	assert_int_equal(s.journal_box.dropped, 6);
	assert_string_equal(s.journal_box.v[0].data, "MESSAGE=alert 6");
	assert_int_equal(s.journal_box.v[0].nfields, 3);
	assert_string_equal(s.journal_box.v[OUTBOX_MAX - 1].data, "MESSAGE=alert 69");
	sinks_release(&s);
	err = stderr_release();
	assert_int_equal(count_of(err, "the journal: 64 alerts wait; the oldest are dropped"), 1);
	assert_int_equal(count_of(err, "64 alerts not delivered at exit"), 1);
	free(err);
}

static int setup(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN); /* as fwaudit watch: a hook that exits early */
	setenv("TZ", "UTC", 1);	  /* alerts print local time */
	tzset();
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[4200];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alert_cases),
		cmocka_unit_test(test_alert_journal),
		cmocka_unit_test_teardown(test_textfile, stderr_restore),
		cmocka_unit_test_teardown(test_exec_backoff, stderr_restore),
		cmocka_unit_test_teardown(test_exec_recovers, stderr_restore),
		cmocka_unit_test_teardown(test_journal_absent, stderr_restore),
		cmocka_unit_test_teardown(test_journal_refused, stderr_restore),
		cmocka_unit_test_teardown(test_outbox_full, stderr_restore),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
