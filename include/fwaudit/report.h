/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_REPORT_H
#define FWAUDIT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>

#include "fwaudit/policy.h"

struct strbuf;
struct ruleset;
struct change_narration;
struct changes;
struct nl_committer;

/*
 * Reports: findings as text for people, JSON for programs (docs/report.md),
 * SARIF 2.1.0 for code-scanning tools and JUnit XML for CI test views.
 */

enum report_format {
	REPORT_TEXT,
	REPORT_JSON,
	REPORT_SARIF,
	REPORT_JUNIT,
};

/* "text", "json", "sarif", "junit". Returns 0 or -EINVAL. */
int report_format_parse(const char *name, enum report_format *out);

/**
 * struct report_meta - what the report says about the run itself.
 * @source: where the ruleset came from ("live", "netns web", a file)
 * @rs: the ruleset checked (generation, host), or NULL
 * @ps: the policies checked
 * @fail_on: the severity from which findings fail the run
 * @color: text: use ANSI colours
 */
struct report_meta {
	const char *source;
	const struct ruleset *rs;
	const struct policy_set *ps;
	enum severity fail_on;
	bool color;
};

/* One finding as the JSON report's findings[] object, on one line. */
void report_finding_json(const struct finding *x, struct strbuf *out);

/* Render @f (sorted by the caller) in @fmt into @out. */
void report_render(const struct findings *f, const struct report_meta *m, enum report_format fmt,
		   struct strbuf *out);

/*
 * Prometheus text exposition format: the gauge @name{severity="..."}, one
 * sample per severity (0 included), after its # HELP @help and # TYPE
 * lines. Appended to @out.
 */
void report_metrics_findings(const struct findings *f, const char *name, const char *help,
			     struct strbuf *out);

/*
 * The gauge @name: how many of @f are policy-link findings (links to
 * postmortem action items that could not be resolved), with its # HELP and
 * # TYPE lines. Appended to @out.
 */
void report_metrics_links(const struct findings *f, const char *name, struct strbuf *out);

/* ---- fwaudit watch's sinks (sinks.c) ---- */

/*
 * Where fwaudit watch sends its alerts besides stdout: an --exec hook, the
 * systemd journal, syslog. Each sink has an outbox: an alert a sink fails to
 * take stays there and is tried again later (1 s, doubling to 60 s), the
 * first failure of an outage and the recovery are reported on stderr, and
 * past OUTBOX_MAX waiting alerts the oldest are dropped and counted. No
 * sink ever makes the watcher wait: the hook runs as a child reaped later,
 * the journal and syslog are local datagram sockets.
 */

#define OUTBOX_MAX 64

/**
 * struct outbox_item - one alert waiting for its sink.
 * @data: exec: the alert as JSON; journal: KEY=VALUE fields, each NUL-ended
 * @len: bytes of @data
 * @nfields: journal: how many fields @data holds
 */
struct outbox_item {
	char *data;
	size_t len;
	unsigned nfields;
};

/**
 * struct outbox - the alerts one sink has not taken yet, oldest first.
 * @name: the sink in messages ("--exec /path/hook", "the journal")
 * @v: @n items, at most OUTBOX_MAX
 * @dropped: alerts dropped because the outbox was full
 * @failures: failed attempts since the sink last worked
 * @retry_at: when to try the head again (now_ms() time)
 * @backoff_ms: the wait after the last failure
 * @failing: the last attempt failed (the outage was reported)
 */
struct outbox {
	const char *name;
	struct outbox_item *v;
	size_t n;
	unsigned long dropped, failures;
	int64_t retry_at;
	unsigned backoff_ms;
	bool failing;
};

/**
 * struct sinks - the sinks of one watcher; zero-initialise, then set what is wanted.
 * @exec_argv: the hook's argv, NULL-ended, its words all in the one
 *	allocation @exec_argv[0] points to; both are freed by sinks_release()
 *	(NULL: no hook)
 * @journal: send each alert to the systemd journal
 * @syslog: send each alert's text to syslog (openlog() is the caller's)
 * @exec_box, @journal_box: what waits; set their names
 * @exec_pid: the hook running now (0: none), started at @exec_started
 */
struct sinks {
	char **exec_argv;
	bool journal, syslog;
	struct outbox exec_box, journal_box;
	pid_t exec_pid;
	int64_t exec_started;
};

/**
 * struct journal_fields - the journal record of one alert, built up as
 * KEY=VALUE entries, each NUL-ended, in @buf (@len bytes used of @cap).
 * @n: entries. Zero-initialise; sinks_send() takes @buf, else free() it.
 */
struct journal_fields {
	char *buf;
	size_t len, cap;
	unsigned n;
};

/* Append the entry KEY=value, the value printf-formatted. */
void journal_fields_add(struct journal_fields *f, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Send an alert: @json (@jlen bytes) to the hook, @fields to the journal
 * (taken: *@fields is zeroed), @text at syslog priority @prio to syslog.
 * What a sink cannot take now waits in its outbox.
 */
void sinks_send(struct sinks *s, const char *json, size_t jlen, struct journal_fields *fields,
		const char *text, int prio);
/* Reap the hook, retry what waits. Call after each wake-up, with now_ms(). */
void sinks_tick(struct sinks *s, int64_t now);
/* How long poll may sleep before sinks_tick() has work (-1: forever). */
int sinks_timeout(const struct sinks *s, int64_t now);
/* Give a running hook its time, report what was not delivered, free everything. */
void sinks_release(struct sinks *s);

/* ---- fwaudit watch's alerts (alert.c) ---- */

/**
 * struct alert - one alert of fwaudit watch: what changed since the last
 *	one, who changed it, and what the check of the model then found.
 * @event: "start", "change", "file", "sets" or "reload"
 * @time: when (printed in local time)
 * @generation: the model's
 * @transactions: applied since the last alert; @who committed the last of
 *	them (all zero: none, or not known)
 * @resync_why: why the ruleset was read again, or NULL
 * @events: what the kernel's events and the re-read sets changed
 * @files: what changed in the watched files (CHANGE_STYLE_DIFF), or NULL
 * @findings: the findings now, sorted; @prev: those the last alert left.
 *	An alert reports those of @findings not in @prev as new, those of
 *	@prev not in @findings as resolved.
 *
 * Everything is the caller's; the alert only points to it.
 */
struct alert {
	const char *event;
	time_t time;
	uint32_t generation;
	unsigned transactions;
	const struct nl_committer *who;
	const char *resync_why;
	const struct change_narration *events;
	const struct changes *files;
	const struct findings *findings, *prev;
};

/* The alert for people: a heading line, then one indented line each. */
void report_alert_text(const struct alert *a, struct strbuf *out);
/* The alert as one JSON object on one line, newline included (docs/report.md). */
void report_alert_json(const struct alert *a, struct strbuf *out);
/* Its syslog priority: the worst new finding's (LOG_CRIT for a critical),
 * at least LOG_WARNING after a re-read, else LOG_INFO. */
int report_alert_priority(const struct alert *a);
/*
 * The alert's journal record, appended to @f: @text (report_alert_text())
 * as MESSAGE, @json (report_alert_json()) as FWAUDIT_ALERT, @prio, and
 * the facts as FWAUDIT_* fields, under the MESSAGE_ID of every alert.
 */
void report_alert_journal(const struct alert *a, const struct strbuf *text,
			  const struct strbuf *json, int prio, struct journal_fields *f);

/**
 * struct watch_metrics - the watcher's own gauges in its textfile.
 * @generation: the model's
 * @last_change: when the ruleset or a watched file last changed (Unix time)
 * @transactions: transactions applied; @resyncs: times the ruleset was
 *	read again after lost events
 */
struct watch_metrics {
	uint32_t generation;
	int64_t last_change;
	unsigned long transactions, resyncs;
};

/* The watcher's Prometheus textfile: @f by severity and its unresolved
 * policy links, then @m; appended to @out. */
void report_metrics_watch(const struct findings *f, const struct watch_metrics *m,
			  struct strbuf *out);

/**
 * struct textfile - a file node_exporter's textfile collector reads, written
 *	whole or not at all.
 * @path: where
 * @retry_at: after a failure, when to write it again (0: written)
 * @failing: the last write failed (and that was said)
 */
struct textfile {
	const char *path;
	int64_t retry_at;
	bool failing;
};

/*
 * Write @len bytes of @data to @t->path atomically. A failure is said once
 * on stderr and sets @t->retry_at a second after @now (now_ms()); the
 * caller writes again then, with the state of then. The first write that
 * works after failures is said too.
 */
void textfile_write(struct textfile *t, const char *data, size_t len, int64_t now);

#endif
