// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fwaudit watch's alert sinks: the --exec hook, the journal and syslog,
 * each with an outbox so a failing sink is retried and never blocks the
 * watcher (see struct sinks in report.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <systemd/sd-journal.h>

#include "fwaudit/report.h"
#include "fwaudit/util.h"

#define EXEC_TIMEOUT_MS 5000
#define RETRY_FIRST_MS	1000
#define RETRY_MAX_MS	60000

/* Queue an exec alert (JSON) or journal record (fields); takes @data. */
static void outbox_push(struct outbox *o, char *data, size_t len, unsigned nfields)
{
	if (o->n == OUTBOX_MAX) {
		free(o->v[0].data);
		memmove(o->v, o->v + 1, (o->n - 1) * sizeof(*o->v));
		o->n--;
		if (!o->dropped++)
			errmsg("watch: %s: %d alerts wait; the oldest are dropped", o->name,
			       OUTBOX_MAX);
	}
	if (!o->v)
		o->v = xcalloc(OUTBOX_MAX, sizeof(*o->v));
	o->v[o->n++] = (struct outbox_item){ data, len, nfields };
}

static void outbox_done(struct outbox *o)
{
	free(o->v[0].data);
	memmove(o->v, o->v + 1, (o->n - 1) * sizeof(*o->v));
	o->n--;
	if (o->failing)
		errmsg("watch: %s works again after %lu failed attempts%s", o->name, o->failures,
		       o->dropped ? "; some alerts were dropped meanwhile" : "");
	o->failing = false;
	o->failures = 0;
	o->backoff_ms = 0;
	o->retry_at = 0;
}

/* The head stays; say so the first time, then back off. */
static void outbox_failed(struct outbox *o, const char *why, int64_t now)
{
	if (!o->failing)
		errmsg("watch: %s failed (%s); the alert is kept and tried again", o->name, why);
	o->failing = true;
	o->failures++;
	o->backoff_ms = o->backoff_ms ? o->backoff_ms * 2 : RETRY_FIRST_MS;
	if (o->backoff_ms > RETRY_MAX_MS)
		o->backoff_ms = RETRY_MAX_MS;
	o->retry_at = now + o->backoff_ms;
}

static bool outbox_due(const struct outbox *o, int64_t now)
{
	return o->n && now >= o->retry_at;
}

static void outbox_release(struct outbox *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->v[i].data);
	free(o->v);
	o->v = NULL;
	o->n = 0;
}

void journal_fields_add(struct journal_fields *f, const char *key, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = f->cap - f->len;
		size_t kl = strlen(key) + 1;

		if (f->cap && room > kl) {
			memcpy(f->buf + f->len, key, kl - 1);
			f->buf[f->len + kl - 1] = '=';
			va_start(ap, fmt);
			n = vsnprintf(f->buf + f->len + kl, room - kl, fmt, ap);
			va_end(ap);
			if (n >= 0 && (size_t)n < room - kl) {
				f->len += kl + (size_t)n + 1; /* the NUL ends the field */
				f->n++;
				return;
			}
		}
		f->cap = f->cap ? f->cap * 2 : 4096;
		f->buf = xrealloc(f->buf, f->cap);
	}
}

/* Run the hook on the outbox's first alert; never waits for it. */
static void exec_start(struct sinks *s, int64_t now)
{
	const struct outbox_item *it = &s->exec_box.v[0];
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		outbox_failed(&s->exec_box, strerror(errno), now);
		return;
	}
	pid = fork();
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		execvp(s->exec_argv[0], s->exec_argv);
		_exit(127);
	}
	close(fds[0]);
	if (pid < 0) {
		outbox_failed(&s->exec_box, strerror(errno), now);
	} else {
		/* an alert fits the pipe; if not, the hook gets it cut short */
		fcntl(fds[1], F_SETFL, O_NONBLOCK);
		if (write(fds[1], it->data, it->len) != (ssize_t)it->len)
			errmsg("watch: %s: the alert did not fit its stdin", s->exec_box.name);
		s->exec_pid = pid;
		s->exec_started = now;
	}
	close(fds[1]);
}

static void exec_reap(struct sinks *s, int64_t now)
{
	int status;
	char why[64];

	if (waitpid(s->exec_pid, &status, WNOHANG) == s->exec_pid) {
		s->exec_pid = 0;
		if (WIFEXITED(status) && !WEXITSTATUS(status)) {
			outbox_done(&s->exec_box);
			return;
		}
		if (WIFEXITED(status))
			snprintf(why, sizeof(why), "exit status %d", WEXITSTATUS(status));
		else
			snprintf(why, sizeof(why), "killed by signal %d", WTERMSIG(status));
		outbox_failed(&s->exec_box, why, now);
	} else if (now - s->exec_started > EXEC_TIMEOUT_MS) {
		kill(s->exec_pid, SIGKILL);
		waitpid(s->exec_pid, &status, 0);
		s->exec_pid = 0;
		snprintf(why, sizeof(why), "took over %d ms and was killed", EXEC_TIMEOUT_MS);
		outbox_failed(&s->exec_box, why, now);
	}
}

static void journal_flush(struct sinks *s, int64_t now)
{
	struct outbox *o = &s->journal_box;

	while (outbox_due(o, now)) {
		const struct outbox_item *it = &o->v[0];
		struct iovec *iov = xcalloc(it->nfields ? it->nfields : 1, sizeof(*iov));
		const char *p = it->data;
		int r;

		for (unsigned i = 0; i < it->nfields; i++) {
			iov[i].iov_base = (void *)p;
			iov[i].iov_len = strlen(p);
			p += iov[i].iov_len + 1;
		}
		r = sd_journal_sendv(iov, (int)it->nfields);
		free(iov);
		if (r < 0) {
			outbox_failed(o, strerror(-r), now);
			return;
		}
		outbox_done(o);
	}
}

void sinks_send(struct sinks *s, const char *json, size_t jlen, struct journal_fields *fields,
		const char *text, int prio)
{
	int64_t now = now_ms();

	if (s->exec_argv) {
		char *copy = xmalloc(jlen + 1);

		memcpy(copy, json, jlen);
		copy[jlen] = '\0';
		outbox_push(&s->exec_box, copy, jlen, 0);
	}
	if (s->journal) {
		outbox_push(&s->journal_box, fields->buf, fields->len, fields->n);
		memset(fields, 0, sizeof(*fields));
	}
	if (s->syslog) {
		/* glibc's syslog() reports nothing: a lost line cannot be retried */
		syslog(prio, "%s", text);
	}
	sinks_tick(s, now);
}

void sinks_tick(struct sinks *s, int64_t now)
{
	if (s->exec_pid)
		exec_reap(s, now);
	if (s->exec_argv && !s->exec_pid && outbox_due(&s->exec_box, now))
		exec_start(s, now);
	if (s->journal)
		journal_flush(s, now);
}

static int until(int64_t at, int64_t now)
{
	return at <= now ? 0 : (int)(at - now);
}

int sinks_timeout(const struct sinks *s, int64_t now)
{
	int t = -1;

	if (s->exec_pid)
		t = 100; /* reap it soon */
	else if (s->exec_box.n)
		t = until(s->exec_box.retry_at, now);
	if (s->journal_box.n) {
		int j = until(s->journal_box.retry_at, now);

		if (t < 0 || j < t)
			t = j;
	}
	return t;
}

void sinks_release(struct sinks *s)
{
	if (s->exec_pid) {
		/* a last alert: give the hook its time, then stop it */
		int64_t end = now_ms() + EXEC_TIMEOUT_MS;

		while (s->exec_pid && now_ms() < end) {
			exec_reap(s, now_ms());
			if (s->exec_pid)
				usleep(10000);
		}
		if (s->exec_pid) {
			kill(s->exec_pid, SIGKILL);
			waitpid(s->exec_pid, NULL, 0);
		}
	}
	if (s->exec_box.n || s->journal_box.n)
		errmsg("watch: %zu alerts not delivered at exit", s->exec_box.n + s->journal_box.n);
	outbox_release(&s->exec_box);
	outbox_release(&s->journal_box);
	if (s->exec_argv)
		free(s->exec_argv[0]);
	free(s->exec_argv);
	if (s->syslog)
		closelog();
}
