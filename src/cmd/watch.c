// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fwaudit watch: follow the ruleset as the kernel changes it, check it
 * after each change and alert on what the change did: findings that
 * appeared or were resolved, what changed, and which process did it.
 *
 * The model is the follower's (src/nl/follow.c): a snapshot kept current
 * by applying the kernel's events, read again when events are lost. This
 * file gathers what the follower, the watched files and the packet path
 * changed into one alert per burst and sends it on.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <syslog.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "fwaudit/change.h"
#include "fwaudit/cmd.h"
#include "fwaudit/files.h"
#include "fwaudit/model.h"
#include "fwaudit/nl.h"
#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/report.h"
#include "fwaudit/util.h"

#define MAX_LINES 200 /* change lines kept per alert; the rest are counted */

struct watch {
	struct policy_opts po;
	struct policy_set *ps;
	struct postmortem_index *ix;
	/* replaced by a reload: the last alert's findings point into them until
	 * the next alert has reported those it resolves */
	struct policy_set *old_ps;
	struct postmortem_index *old_ix;
	struct nl_follow_opts follow;
	struct nl_follower *fl;
	int debounce_ms;
	bool json;
	struct sinks sinks;
	struct textfile textfile;
	/* what happened since the last alert */
	bool dirty;
	unsigned ntx;
	struct nl_committer who;
	struct change_narration events;
	char *resync_why;
	int64_t first_at_ms;
	/* the findings the last alert reported */
	struct findings prev;
	/* counters for the textfile */
	unsigned long resyncs, transactions;
	int64_t last_change;
	/* watched files: their captures (the model's files point into it) */
	char **watch;
	size_t nwatch;
	struct ruleset *files;
	/* sets the packet path or timeouts changed, since the last alert */
	bool dynamic_changed;
	struct file_watch fw;
	struct changes file_changes; /* since the last alert */
};

static void mark_dirty(struct watch *w)
{
	if (!w->dirty)
		w->first_at_ms = now_ms();
	w->dirty = true;
	w->last_change = (int64_t)time(NULL);
}

/* The model checks the files as last captured. */
static void files_attach(struct watch *w)
{
	struct ruleset *rs;

	if (!w->files)
		return;
	rs = nl_follow_ruleset(w->fl);
	rs->files = w->files->files;
	rs->nfiles = w->files->nfiles;
	rs->files_cap = w->files->nfiles;
	rs->has_files = true;
}

static struct ruleset *files_capture(const struct watch *w)
{
	struct ruleset *f = ruleset_new();

	capture_watched(f, w->ps, w->watch, w->nwatch, NULL);
	return f;
}

/* Read the files again; if any changed, the next alert says how. */
static void files_recapture(struct watch *w)
{
	struct ruleset *fresh = files_capture(w);
	struct changes chg = { 0 };

	file_watch_settled(&w->fw);
	ruleset_changes(w->files, fresh, true, &chg);
	if (chg.n) {
		/* the bursts of this alert, in one list */
		changes_append(&w->file_changes, &chg);
		mark_dirty(w);
	}
	/* also when nothing changed: a file watched since a reload is kept */
	ruleset_free(w->files);
	w->files = fresh;
	files_attach(w);
	file_watch_arm(&w->fw, w->files);
	changes_release(&chg);
}

/* What the alert is about: a transaction, a file, the packet path. */
static const char *event_name(const struct watch *w)
{
	if (w->ntx || w->resync_why)
		return "change";
	if (w->file_changes.n)
		return "file";
	return w->dynamic_changed ? "sets" : "change";
}

/*
 * Check once before the start alert, unreported: reach lays out a chain's
 * rule guards at its second pass, so the start check builds them and the
 * first change is answered as fast as every later one.
 */
static void warm(struct watch *w)
{
	struct findings f = { 0 };
	struct check_opts copts = { 0 };

	policy_check(w->ps, nl_follow_ruleset(w->fl), &copts, &f);
	findings_release(&f);
}

/* Keep a copy of who committed the last transaction. */
static void who_set(struct nl_committer *dst, const struct nl_committer *src)
{
	nl_committer_release(dst);
	*dst = *src;
	if (src->cmdline)
		dst->cmdline = xstrdup(src->cmdline);
}

static void on_applied(const struct nl_applied *a, void *arg)
{
	struct watch *w = arg;

	change_narrate_applied(&w->events, a);
}

/* What the follower did: all but a compaction is told in the next alert. */
static void on_update(const struct nl_update *u, void *arg)
{
	struct watch *w = arg;

	switch (u->kind) {
	case NL_UPDATE_COMMIT:
		w->ntx++;
		w->transactions++;
		who_set(&w->who, u->who);
		break;
	case NL_UPDATE_RESYNC:
		files_attach(w);
		w->resyncs++;
		free(w->resync_why);
		w->resync_why = xstrdup(u->why);
		break;
	case NL_UPDATE_COMPACT:
		files_attach(w);
		errmsg("watch: model compacted at generation %u: %zu KiB -> %zu KiB", u->generation,
		       u->arena_before / 1024, u->arena_after / 1024);
		/* the caches went with the old model: two checks rebuild them (warm()) */
		warm(w);
		warm(w);
		return;
	case NL_UPDATE_SET:
		change_narrate_set(&w->events, u->table, u->set, u->elems_added, u->elems_removed);
		w->dynamic_changed = true;
		break;
	}
	mark_dirty(w);
}

/* The Prometheus textfile, with the state of now. */
static void write_textfile(struct watch *w, const struct findings *f)
{
	struct watch_metrics m = { nl_follow_ruleset(w->fl)->generation, w->last_change,
				   w->transactions, w->resyncs };
	struct strbuf out = STRBUF_INIT;

	if (!w->textfile.path)
		return;
	report_metrics_watch(f, &m, &out);
	textfile_write(&w->textfile, out.buf, out.len, now_ms());
	strbuf_release(&out);
}

/* Check the model and report what the changes since the last alert did. */
static void evaluate(struct watch *w, const char *event)
{
	struct findings cur = { 0 };
	struct check_opts copts = { 0 };
	struct strbuf out = STRBUF_INIT, js = STRBUF_INIT;
	struct journal_fields jf = { 0 };
	struct alert a = { .event = event,
			   .time = time(NULL),
			   .transactions = w->ntx,
			   .who = &w->who,
			   .resync_why = w->resync_why,
			   .events = &w->events,
			   .files = &w->file_changes,
			   .findings = &cur,
			   .prev = &w->prev };
	int prio;

	policy_check(w->ps, nl_follow_ruleset(w->fl), &copts, &cur);
	findings_sort(&cur);
	a.generation = nl_follow_ruleset(w->fl)->generation;
	report_alert_json(&a, &js);
	report_alert_text(&a, &out);
	if ((w->json ? fwrite(js.buf, 1, js.len, stdout) != js.len
		     : fwrite(out.buf, 1, out.len, stdout) != out.len) ||
	    fflush(stdout) == EOF)
		errmsg("watch: writing the alert: %s", strerror(errno));
	prio = report_alert_priority(&a);
	if (w->sinks.journal)
		report_alert_journal(&a, &out, &js, prio, &jf);
	sinks_send(&w->sinks, js.buf, js.len, &jf, out.buf, prio);
	free(jf.buf);
	findings_release(&w->prev);
	w->prev = cur;
	policy_set_free(w->old_ps);
	postmortem_index_free(w->old_ix);
	w->old_ps = NULL;
	w->old_ix = NULL;
	write_textfile(w, &cur);
	/* the next alert starts afresh */
	w->dirty = false;
	w->ntx = 0;
	change_narration_reset(&w->events);
	changes_release(&w->file_changes);
	free(w->resync_why);
	w->resync_why = NULL;
	w->dynamic_changed = false;
	nl_committer_release(&w->who);
	strbuf_release(&out);
	strbuf_release(&js);
}

static int load_policies(struct watch *w)
{
	struct policy_set *ps = NULL;
	struct postmortem_index *ix = NULL;

	if (policy_opts_load("watch", &w->po, &ps, &ix)) {
		policy_set_free(ps);
		postmortem_index_free(ix);
		return -1;
	}
	policy_set_free(w->old_ps);
	postmortem_index_free(w->old_ix);
	w->old_ps = w->ps;
	w->old_ix = w->ix;
	w->ps = ps;
	w->ix = ix;
	return 0;
}

/* Let poll wake within @ms (overdue: at once); *timeout -1 is never. */
static void wake_within(int *timeout, int64_t ms)
{
	if (ms < 0)
		ms = 0;
	if (*timeout < 0 || *timeout > ms)
		*timeout = (int)ms;
}

int cmd_watch(int argc, char **argv)
{
	const struct option opts[] = {
		SOURCE_OPTIONS,
		POLICY_OPTIONS,
		{ "format", required_argument, NULL, 'f' },
		{ "exec", required_argument, NULL, 'x' },
		{ "journal", no_argument, NULL, 'J' },
		{ "syslog", no_argument, NULL, 'S' },
		{ "textfile", required_argument, NULL, 't' },
		{ "rcvbuf", required_argument, NULL, 'b' },
		{ "debounce", required_argument, NULL, 'd' },
		{ "save-model", required_argument, NULL, 'm' },
		{ "watch", required_argument, NULL, 'w' },
		{ "redump-interval", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct watch w = { .follow = { .rcvbuf = 64 << 20,
				       .redump_s = 60,
				       .compact_slack = NL_FOLLOW_COMPACT_SLACK },
			   .events.max_listed = MAX_LINES,
			   .debounce_ms = 10,
			   .fw.fd = -1 };
	const struct nl_follow_ops ops = { on_applied, on_update, &w };
	char exec_name[128];
	struct source_opts src = { 0 };
	struct strbuf err = STRBUF_INIT;
	const char *save_model = NULL;
	sigset_t mask;
	int c, sfd = -1, ret = EXIT_ERROR;
	unsigned v;

	w.po.fail_on = SEV_HIGH;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (format_opt("watch", optarg, &w.json))
				goto out;
			break;
		case 'x': {
			/* argv, no shell: words split on spaces */
			char *s = xstrdup(optarg), *save = NULL;
			size_t n = 0;

			for (char *tok = strtok_r(s, " ", &save); tok;
			     tok = strtok_r(NULL, " ", &save)) {
				w.sinks.exec_argv =
					xrealloc(w.sinks.exec_argv, (n + 2) * sizeof(char *));
				w.sinks.exec_argv[n++] = tok;
				w.sinks.exec_argv[n] = NULL;
			}
			if (!n) {
				errmsg("watch: --exec needs a command");
				free(s);
				goto out;
			}
			break;
		}
		case 't':
			w.textfile.path = optarg;
			break;
		case 'J':
			w.sinks.journal = true;
			break;
		case 'S':
			w.sinks.syslog = true;
			break;
		case 'b':
			if (count_opt("watch", "--rcvbuf", optarg, 4096, 1u << 30, &v))
				goto out;
			w.follow.rcvbuf = (int)v;
			break;
		case 'd':
			if (count_opt("watch", "--debounce", optarg, 0, 60000, &v))
				goto out;
			w.debounce_ms = (int)v;
			break;
		case 'm':
			save_model = optarg;
			break;
		case 'R':
			if (count_opt("watch", "--redump-interval", optarg, 0, 86400, &v))
				goto out;
			w.follow.redump_s = v;
			break;
		case 'w':
			if (watch_opt("watch", optarg, &w.watch, &w.nwatch))
				goto out;
			break;
		case 'h':
			cmd_usage("watch");
			ret = EXIT_CLEAN;
			goto out;
		default:
			if (source_opt(&src, c, optarg) ||
			    policy_opt("watch", &w.po, c, optarg) > 0)
				break;
			goto out;
		}
	}
	if (src.snapshot) {
		errmsg("watch: a snapshot does not change: watch a namespace (--netns, "
		       "--netns-path) or this one");
		goto out;
	}
	if (source_check("watch", &src, argc, argv, optind) || load_policies(&w) < 0)
		goto out;
	if (w.sinks.exec_argv) {
		snprintf(exec_name, sizeof(exec_name), "--exec %s", w.sinks.exec_argv[0]);
		w.sinks.exec_box.name = exec_name;
	}
	w.sinks.journal_box.name = "the journal";
	if (w.sinks.syslog)
		openlog("fwaudit", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	if (nl_enter_netns(src.netns, src.netns_path, &err) < 0) {
		errmsg("watch: %s", err.buf);
		goto out;
	}
	/* tests make the model compact sooner */
	if (getenv("FWAUDIT_WATCH_COMPACT_SLACK"))
		w.follow.compact_slack = strtoul(getenv("FWAUDIT_WATCH_COMPACT_SLACK"), NULL, 10);
	if (nl_follow_open(&w.fl, &w.follow, &ops, &err) < 0) {
		errmsg("watch: %s", err.buf);
		goto out;
	}
	w.files = files_capture(&w);
	files_attach(&w);
	if (w.files->nfiles) {
		int e = file_watch_open(&w.fw);

		if (e < 0)
			errmsg("watch: inotify: %s; watched files are read at each alert only",
			       strerror(-e));
		file_watch_arm(&w.fw, w.files);
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	signal(SIGPIPE, SIG_IGN);
	warm(&w);
	evaluate(&w, "start");
	for (;;) {
		struct pollfd pfd[3] = { { nl_follow_fd(w.fl), POLLIN, 0 },
					 { sfd, POLLIN, 0 },
					 { w.fw.fd, POLLIN, 0 } };
		int timeout = -1, r;
		int64_t now = now_ms(), at;
		int st = sinks_timeout(&w.sinks, now);

		if (w.dirty)
			wake_within(&timeout, w.first_at_ms + w.debounce_ms - now);
		if (st >= 0)
			wake_within(&timeout, st);
		if (nl_follow_redump(w.fl, now, w.dirty, &at))
			continue;
		if (at)
			wake_within(&timeout, at - now);
		if (file_watch_due(&w.fw)) {
			int64_t due = file_watch_due(&w.fw);

			if (due <= now) {
				files_recapture(&w);
				continue;
			}
			wake_within(&timeout, due - now);
		}
		if (w.textfile.retry_at)
			wake_within(&timeout, w.textfile.retry_at - now);
		if (!w.dirty) { /* all reported: the follower's own work */
			strbuf_truncate(&err, 0);
			r = nl_follow_idle(w.fl, now, &at, &err);
			if (err.len)
				errmsg("watch: %s", err.buf);
			if (r < 0)
				break;
			if (r > 0)
				continue;
			if (at)
				wake_within(&timeout, at - now);
		}
		if (w.dirty && timeout <= 0) {
			evaluate(&w, event_name(&w));
			continue;
		}
		r = poll(pfd, w.fw.fd >= 0 ? 3 : 2, timeout);
		sinks_tick(&w.sinks, now_ms());
		if (w.textfile.retry_at && now_ms() >= w.textfile.retry_at)
			write_textfile(&w, &w.prev);
		if (r < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGHUP) {
					/* a bad edit keeps the policies that were */
					if (load_policies(&w) == 0) {
						files_recapture(&w);
						evaluate(&w, "reload");
					}
				} else {
					ret = EXIT_CLEAN;
					break;
				}
			}
		}
		if (w.fw.fd >= 0 && (pfd[2].revents & POLLIN))
			file_watch_read(&w.fw, now_ms());
		if (pfd[0].revents & (POLLIN | POLLERR)) {
			strbuf_truncate(&err, 0);
			if (nl_follow_read(w.fl, &err) < 0) {
				if (err.len)
					errmsg("watch: %s", err.buf);
				break;
			}
		}
	}
	if (w.dirty && ret == EXIT_CLEAN)
		evaluate(&w, event_name(&w));
	if (save_model && ret == EXIT_CLEAN) {
		/* the model as events left it, to compare with a fresh snapshot */
		FILE *f = fopen(save_model, "we");

		if (!f || ruleset_write_json(nl_follow_ruleset(w.fl), f) < 0 || fclose(f) == EOF) {
			errmsg("watch: --save-model %s: %s", save_model, strerror(errno));
			ret = EXIT_ERROR;
		}
	}
out:
	sinks_release(&w.sinks);
	if (sfd >= 0)
		close(sfd);
	file_watch_close(&w.fw);
	ruleset_free(w.files);
	free(w.watch);
	changes_release(&w.file_changes);
	findings_release(&w.prev);
	nl_committer_release(&w.who);
	change_narration_reset(&w.events);
	free(w.resync_why);
	nl_follow_close(w.fl);
	policy_set_free(w.ps);
	postmortem_index_free(w.ix);
	policy_set_free(w.old_ps);
	postmortem_index_free(w.old_ix);
	policy_opts_release(&w.po);
	strbuf_release(&err);
	return ret;
}
