/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_CMD_SINKS_H
#define FWAUDIT_CMD_SINKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

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

struct outbox_item {
	char *data; /* exec: the alert as JSON; journal: KEY=VALUE fields, each NUL-ended */
	size_t len;
	unsigned nfields;
};

struct outbox {
	const char *name;
	struct outbox_item *v;
	size_t n;
	unsigned long dropped, failures;
	int64_t retry_at;
	unsigned backoff_ms;
	bool failing;
};

struct sinks {
	char **exec_argv; /* NULL: no hook */
	bool journal, syslog;
	struct outbox exec_box, journal_box;
	pid_t exec_pid;
	int64_t exec_started;
};

/* Queue an exec alert (JSON) or journal record (fields); takes @data. */
void outbox_push(struct outbox *o, char *data, size_t len, unsigned nfields);

/* Journal fields for one alert, built up as KEY=VALUE entries. */
struct fields {
	char *buf;
	size_t len, cap;
	unsigned n;
};
void fields_add(struct fields *f, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Send an alert: @json to the hook, @fields (taken) to the journal, @text
 * at @prio to syslog. */
void sinks_send(struct sinks *s, const char *json, size_t jlen, struct fields *fields,
		const char *text, int prio);
/* Reap the hook, retry what waits. Call after each wake-up. */
void sinks_tick(struct sinks *s, int64_t now);
/* How long poll may sleep before sinks_tick() has work (-1: forever). */
int sinks_timeout(const struct sinks *s, int64_t now);
void sinks_release(struct sinks *s);

#endif
