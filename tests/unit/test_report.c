// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * report/ without a kernel: the watcher's sinks (an --exec hook that fails
 * and is retried with backoff, a journal whose socket is absent, or there
 * but unread and then read again, a full outbox).
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
#include <unistd.h>
#include <cmocka.h>

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
	struct sinks s = { .journal = true };
	char dgram[4096], *err;
	int64_t now;
	ssize_t n;
	int fd;

	(void)state;
	if (!journal_isolate())
		skip();
	journal_socket(false);
	s.journal_box.name = "the journal";
	stderr_catch();
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
	struct sinks s = { .journal = true };
	char msg[32], *err;

	(void)state;
	if (!journal_isolate())
		skip();
	journal_socket(false);
	s.journal_box.name = "the journal";
	stderr_catch();
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
		cmocka_unit_test_teardown(test_exec_backoff, stderr_restore),
		cmocka_unit_test_teardown(test_exec_recovers, stderr_restore),
		cmocka_unit_test_teardown(test_journal_absent, stderr_restore),
		cmocka_unit_test_teardown(test_journal_refused, stderr_restore),
		cmocka_unit_test_teardown(test_outbox_full, stderr_restore),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
