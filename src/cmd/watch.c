// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fwaudit watch: follow the ruleset as the kernel changes it, check it
 * after each change and alert on what the change did: findings that
 * appeared or were resolved, what changed, and which process did it.
 *
 * The model is a snapshot kept current by applying the kernel's events
 * (src/nl/decode.c, nl_apply_event()); events are held per transaction
 * until its NEWGEN and applied only when it follows the model's own
 * generation. A lost event (ENOBUFS) or a gap in generations makes the
 * watcher read the whole ruleset again and say so: it never reports a state
 * it has not seen.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <syslog.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "fwaudit/change.h"
#include "fwaudit/cmd.h"
#include "fwaudit/model.h"
#include "fwaudit/nl.h"
#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/report.h"
#include "fwaudit/util.h"

/* journalctl MESSAGE_ID=... finds every fwaudit watch alert */
#define ALERT_MESSAGE_ID "8f580b41919e47a58fd88f5b6c264779"
#define MAX_LINES	 200  /* change lines kept per alert; the rest are counted */
#define FILE_SETTLE_MS	 100  /* files are read again once quiet this long */
#define FILE_WAIT_MS	 1000 /* or this long after the first event of a burst */

struct msgcopy {
	void *msg;
	size_t len;
};

/* Who committed a transaction, from NEWGEN and /proc while it lives. */
struct committer {
	uint32_t pid, uid, ppid;
	bool has_proc;
	char comm[32];
	char *cmdline;
};

struct watch {
	struct policy_opts po;
	struct policy_set *ps;
	struct postmortem_index *ix;
	/* replaced by a reload: the last alert's findings point into them until
	 * the next alert has reported those it resolves */
	struct policy_set *old_ps;
	struct postmortem_index *old_ix;
	struct ruleset *rs;
	struct nl_monitor *mon;
	int rcvbuf, debounce_ms;
	bool json;
	struct sinks sinks;
	const char *textfile;
	int64_t textfile_retry_at; /* 0: written */
	bool textfile_failing;
	/* the transaction being received */
	struct msgcopy *pending;
	size_t npending, cappending;
	/* what happened since the last alert */
	bool dirty;
	unsigned ntx;
	uint32_t first_gen;
	struct committer who;
	struct change_narration events;
	char *resync_why;
	int64_t first_at_ms;
	/* the findings the last alert reported */
	struct findings prev;
	/* counters for the textfile */
	unsigned long resyncs, transactions, alerts;
	/* the model's arena after the last full read, and when to compact it */
	size_t arena_base, compact_slack;
	int64_t compact_retry_at;
	int64_t last_change;
	/* after a re-read: when to ask the kernel's generation (0: no need) */
	int64_t verify_at;
	/* watched files: their captures (the model's files point into it) */
	char **watch;
	size_t nwatch;
	struct ruleset *files;
	/* sets the packet path or timeouts change, read again every redump_s */
	unsigned redump_s;
	int64_t redump_at;
	bool dynamic_changed;
	struct donor {
		const struct set *set;
		struct ruleset *rs; /* holds the elements the set now points to */
	} * donors;
	size_t ndonors;
	int ino;			 /* inotify on the files' directories, or -1 */
	int64_t files_first, files_last; /* a burst of inotify events (0: none) */
	struct strbuf files_text, files_json;
};

static void pending_clear(struct watch *w)
{
	for (size_t i = 0; i < w->npending; i++)
		free(w->pending[i].msg);
	w->npending = 0;
}

static void who_release(struct committer *c)
{
	free(c->cmdline);
	memset(c, 0, sizeof(*c));
}

/* /proc/PID: command line, uid and parent, if the process is still there. */
static void who_from_proc(struct committer *c)
{
	char path[64], buf[4096];
	ssize_t n;
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/cmdline", c->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			for (ssize_t i = 0; i < n - 1; i++)
				if (!buf[i])
					buf[i] = ' ';
			buf[n] = '\0';
			c->cmdline = xstrdup(buf);
		}
	}
	snprintf(path, sizeof(path), "/proc/%u/status", c->pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(buf, sizeof(buf), f)) {
		if (!strncmp(buf, "Uid:", 4))
			c->uid = (uint32_t)strtoul(buf + 4, NULL, 10);
		else if (!strncmp(buf, "PPid:", 5))
			c->ppid = (uint32_t)strtoul(buf + 5, NULL, 10);
	}
	fclose(f);
	c->has_proc = true;
}

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
	if (!w->files)
		return;
	w->rs->files = w->files->files;
	w->rs->nfiles = w->files->nfiles;
	w->rs->files_cap = w->files->nfiles;
	w->rs->has_files = true;
}

static struct ruleset *files_capture(const struct watch *w)
{
	struct ruleset *f = ruleset_new();

	capture_watched(f, w->ps, w->watch, w->nwatch, NULL);
	return f;
}

/*
 * Watch the directory of each watched file (an editor's write-and-rename
 * replaces the file itself), or the nearest one that exists; called again
 * after each burst, so a directory made later is watched from then on.
 */
static void files_arm(struct watch *w)
{
	const uint32_t mask = IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE |
			      IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF;

	if (w->ino < 0)
		return;
	for (uint32_t i = 0; i < w->files->nfiles; i++) {
		char *dir = xstrdup(w->files->files[i].path);

		for (char *slash = strrchr(dir, '/'); slash; slash = strrchr(dir, '/')) {
			*slash = '\0';
			if (inotify_add_watch(w->ino, dir[0] ? dir : "/", mask) >= 0 ||
			    (errno != ENOENT && errno != ENOTDIR))
				break;
		}
		free(dir);
	}
}

/* Drain inotify: any event in a watched directory starts or extends a burst. */
static void files_event(struct watch *w)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	int64_t now = now_ms();

	while (read(w->ino, buf, sizeof(buf)) > 0) {
		if (!w->files_first)
			w->files_first = now;
		w->files_last = now;
	}
}

/* When the burst of file events is over: quiet for a while, or long enough. */
static int64_t files_due(const struct watch *w)
{
	int64_t quiet = w->files_last + FILE_SETTLE_MS, most = w->files_first + FILE_WAIT_MS;

	return quiet < most ? quiet : most;
}

/* Read the files again; if any changed, the next alert says how. */
static void files_recapture(struct watch *w)
{
	struct ruleset *fresh = files_capture(w);
	struct changes chg = { 0 };

	w->files_first = w->files_last = 0;
	ruleset_changes(w->files, fresh, true, &chg);
	if (chg.n) {
		changes_render_text(&chg, &w->files_text);
		/* one array across the bursts of this alert, on the alert's one line */
		for (size_t i = 0; i < chg.n; i++) {
			if (w->files_json.len)
				strbuf_addstr(&w->files_json, ", ");
			change_json(&chg.v[i], &w->files_json);
		}
		mark_dirty(w);
	}
	/* also when nothing changed: a file watched since a reload is kept */
	ruleset_free(w->files);
	w->files = fresh;
	files_attach(w);
	files_arm(w);
	changes_release(&chg);
}

static void donors_free(struct watch *w)
{
	for (size_t i = 0; i < w->ndonors; i++)
		ruleset_free(w->donors[i].rs);
	free(w->donors);
	w->donors = NULL;
	w->ndonors = 0;
}

static void donor_put(struct watch *w, const struct set *s, struct ruleset *rs)
{
	for (size_t i = 0; i < w->ndonors; i++)
		if (w->donors[i].set == s) {
			ruleset_free(w->donors[i].rs);
			w->donors[i].rs = rs;
			return;
		}
	w->donors = xrealloc(w->donors, (w->ndonors + 1) * sizeof(*w->donors));
	w->donors[w->ndonors++] = (struct donor){ s, rs };
}

static int elem_order(const void *a, const void *b)
{
	return elem_identity_cmp(*(const struct elem *const *)a, *(const struct elem *const *)b);
}

/* How many elements (by key) @now has that @was has not, and the reverse. */
static void elems_diff(const struct set *was, const struct set *now, unsigned *plus,
		       unsigned *minus)
{
	const struct elem **a = xcalloc(was->nelems + 1, sizeof(*a)),
			  **b = xcalloc(now->nelems + 1, sizeof(*b));
	uint32_t i = 0, k = 0;

	for (uint32_t n = 0; n < was->nelems; n++)
		a[n] = &was->elems[n];
	for (uint32_t n = 0; n < now->nelems; n++)
		b[n] = &now->elems[n];
	qsort(a, was->nelems, sizeof(*a), elem_order);
	qsort(b, now->nelems, sizeof(*b), elem_order);
	*plus = *minus = 0;
	while (i < was->nelems || k < now->nelems) {
		int d = i == was->nelems   ? 1
			: k == now->nelems ? -1
					   : elem_identity_cmp(a[i], b[k]);

		if (d < 0)
			(*minus)++, i++;
		else if (d > 0)
			(*plus)++, k++;
		else
			i++, k++;
	}
	free(a);
	free(b);
}

/*
 * The kernel announces no element that the packet path adds to a dynamic
 * set, nor one that times out: read such sets again (only those), when no
 * transaction is in flight and the model is at the kernel's generation.
 */
static void redump(struct watch *w)
{
	struct strbuf err = STRBUF_INIT;

	w->redump_at = now_ms() + (int64_t)w->redump_s * 1000;
	if (w->npending || w->dirty)
		return; /* events are in flight: next time */
	for (uint32_t i = 0; i < w->rs->ntables; i++) {
		const struct table *t = w->rs->tables[i];

		for (uint32_t k = 0; k < t->nsets; k++) {
			struct set *s = t->sets[k];
			struct ruleset *d;
			struct set *fresh;
			uint32_t gen;
			unsigned plus, minus;

			if (!(s->flags & (NFT_SET_EVAL | NFT_SET_TIMEOUT)))
				continue;
			strbuf_truncate(&err, 0);
			if (nl_dump_set(s, &d, &gen, &err) < 0)
				continue; /* changed or gone: its events will say */
			if (gen != w->rs->generation) {
				ruleset_free(d); /* the events of the change are on their way */
				goto out;
			}
			fresh = d->tables[0]->sets[0];
			elems_diff(s, fresh, &plus, &minus);
			if (!plus && !minus) {
				ruleset_free(d);
				continue;
			}
			ruleset_set_changed(w->rs, s);
			s->elems = fresh->elems;
			s->nelems = fresh->nelems;
			s->ix = NULL;
			s->elems_cap = fresh->elems_cap;
			donor_put(w, s, d);
			change_narrate_set(&w->events, t, s, plus, minus);
			w->dynamic_changed = true;
			mark_dirty(w);
		}
	}
out:
	strbuf_release(&err);
}

/* What the alert is about: a transaction, a file, the packet path. */
static const char *event_name(const struct watch *w)
{
	if (w->ntx || w->resync_why)
		return "change";
	if (w->files_text.len)
		return "file";
	return w->dynamic_changed ? "sets" : "change";
}

/* Read the whole ruleset again, after lost events or a gap. */
static int resync(struct watch *w, const char *why)
{
	struct strbuf err = STRBUF_INIT;
	struct ruleset *fresh;

	pending_clear(w);
	/* the NEWGEN closing a lost transaction may be lost too: ask again later */
	w->verify_at = now_ms() + 200;
	if (nl_snapshot(&fresh, NULL, NULL, &err) < 0) {
		errmsg("watch: reading the ruleset again: %s", err.buf);
		strbuf_release(&err);
		return -1;
	}
	ruleset_free(w->rs);
	donors_free(w);
	w->rs = fresh;
	files_attach(w);
	w->arena_base = arena_used(w->rs->arena);
	w->resyncs++;
	free(w->resync_why);
	w->resync_why = xstrdup(why);
	mark_dirty(w);
	strbuf_release(&err);
	return 0;
}

static void warm(struct watch *w);

#define COMPACT_SLACK (64u << 20) /* bytes of the arena beyond twice the last read */

/*
 * Removed rules, elements and sets stay in the model's arena (events are
 * applied in place; nothing is freed one by one). Once the arena is twice
 * what the last full read needed, plus a slack, read the ruleset again and
 * drop the old model: memory stays within twice the ruleset's, and the
 * re-read costs at most one dump per doubling. Quiet: the model is the
 * same, so no alert. Only when nothing is in flight; if the kernel moved
 * on meanwhile, its events will come and the next try is a second later.
 */
static void compact(struct watch *w)
{
	struct strbuf err = STRBUF_INIT;
	struct ruleset *fresh;
	size_t before = arena_used(w->rs->arena);

	w->compact_retry_at = now_ms() + 1000;
	if (nl_snapshot(&fresh, NULL, NULL, &err) < 0) {
		errmsg("watch: reading the ruleset again to free removed objects: %s", err.buf);
		strbuf_release(&err);
		return;
	}
	strbuf_release(&err);
	if (fresh->generation != w->rs->generation) {
		ruleset_free(fresh);
		return;
	}
	ruleset_free(w->rs);
	donors_free(w);
	w->rs = fresh;
	files_attach(w);
	w->arena_base = arena_used(w->rs->arena);
	w->compact_retry_at = 0;
	errmsg("watch: model compacted at generation %u: %zu KiB -> %zu KiB", w->rs->generation,
	       before / 1024, w->arena_base / 1024);
	/* the caches went with the old model: two checks rebuild them (warm()) */
	warm(w);
	warm(w);
}

static bool compact_due(const struct watch *w, int64_t now)
{
	return !w->npending && !w->dirty && now >= w->compact_retry_at &&
	       arena_used(w->rs->arena) > 2 * w->arena_base + w->compact_slack;
}

/* Apply a transaction that NEWGEN @g closed. */
static int commit_tx(struct watch *w, const struct nl_gen *g)
{
	if (g->id <= w->rs->generation) { /* already in the snapshot */
		pending_clear(w);
		return 0;
	}
	if (g->id != w->rs->generation + 1) {
		char why[96];

		snprintf(why, sizeof(why), "generation %u followed %u", g->id, w->rs->generation);
		return resync(w, why);
	}
	struct nl_applied a = { 0 };

	for (size_t i = 0; i < w->npending; i++) {
		if (nl_apply_event(w->rs, w->pending[i].msg, w->pending[i].len, &a) < 0)
			return resync(w, "an event the model could not follow");
		change_narrate_applied(&w->events, &a);
	}
	pending_clear(w);
	w->rs->generation = g->id;
	if (!w->ntx)
		w->first_gen = g->id;
	w->ntx++;
	w->transactions++;
	who_release(&w->who);
	w->who.pid = g->pid;
	snprintf(w->who.comm, sizeof(w->who.comm), "%s", g->comm);
	if (g->pid)
		who_from_proc(&w->who);
	mark_dirty(w);
	return 0;
}

static int on_event(const struct nlmsghdr *nlh, void *arg)
{
	struct watch *w = arg;
	struct nl_gen g;

	if (NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_NEWGEN) {
		if (nl_parse_newgen(nlh, &g) < 0)
			return 0;
		return commit_tx(w, &g) < 0 ? -EIO : 0;
	}
	if (NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_TRACE)
		return 0;
	if (w->npending == w->cappending) {
		w->cappending = w->cappending ? 2 * w->cappending : 64;
		w->pending = xrealloc(w->pending, w->cappending * sizeof(*w->pending));
	}
	w->pending[w->npending].msg = xmalloc(nlh->nlmsg_len);
	memcpy(w->pending[w->npending].msg, nlh, nlh->nlmsg_len);
	w->pending[w->npending++].len = nlh->nlmsg_len;
	return 0;
}

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

static void count_severities(const struct findings *f, unsigned *by)
{
	memset(by, 0, sizeof(unsigned) * (SEV_CRITICAL + 1));
	for (size_t i = 0; i < f->n; i++)
		by[f->v[i].severity]++;
}

/* Prometheus node_exporter textfile, written whole or not at all; a
 * failed write is tried again (with the state of then) a second later. */
static void write_textfile(struct watch *w, const struct findings *f)
{
	struct strbuf m = STRBUF_INIT;
	int r;

	if (!w->textfile)
		return;
	report_metrics_findings(f, "fwaudit_findings", "Findings of the latest check, by severity.",
				&m);
	report_metrics_links(f, "fwaudit_policy_links_unresolved", &m);
	strbuf_addf(
		&m,
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
		w->rs->generation, (long long)w->last_change, w->transactions, w->resyncs);
	r = write_file_atomic(w->textfile, m.buf, m.len);
	if (r < 0) {
		if (!w->textfile_failing)
			errmsg("watch: --textfile %s: %s; tried again every second", w->textfile,
			       strerror(-r));
		w->textfile_failing = true;
		w->textfile_retry_at = now_ms() + 1000;
	} else {
		if (w->textfile_failing)
			errmsg("watch: --textfile %s written again", w->textfile);
		w->textfile_failing = false;
		w->textfile_retry_at = 0;
	}
	strbuf_release(&m);
}

/* syslog / journal priority: the worst new finding's, a re-read a warning. */
static int alert_priority(const struct watch *w, const struct findings *cur)
{
	static const int by_sev[] = { [SEV_INFO] = LOG_INFO,
				      [SEV_LOW] = LOG_NOTICE,
				      [SEV_MEDIUM] = LOG_WARNING,
				      [SEV_HIGH] = LOG_ERR,
				      [SEV_CRITICAL] = LOG_CRIT };
	int prio = w->resync_why ? LOG_WARNING : LOG_INFO;

	for (size_t i = 0; i < cur->n; i++)
		if (!finding_in(&w->prev, cur->v[i].id) && by_sev[cur->v[i].severity] < prio)
			prio = by_sev[cur->v[i].severity];
	return prio;
}

/* The journal record: the text alert as MESSAGE, the facts as FWAUDIT_* fields. */
static void journal_fields(const struct watch *w, const char *event, const struct findings *cur,
			   const unsigned *by, const struct strbuf *text, const struct strbuf *js,
			   int prio, struct journal_fields *f)
{
	struct strbuf ids = STRBUF_INIT, gone = STRBUF_INIT, items = STRBUF_INIT;

	journal_fields_add(f, "MESSAGE", "%s", text->buf);
	journal_fields_add(f, "MESSAGE_ID", "%s", ALERT_MESSAGE_ID);
	journal_fields_add(f, "PRIORITY", "%d", prio);
	journal_fields_add(f, "SYSLOG_IDENTIFIER", "fwaudit");
	journal_fields_add(f, "FWAUDIT_EVENT", "%s", event);
	journal_fields_add(f, "FWAUDIT_GENERATION", "%u", w->rs->generation);
	journal_fields_add(f, "FWAUDIT_TRANSACTIONS", "%u", w->ntx);
	if (w->ntx) {
		journal_fields_add(f, "FWAUDIT_PID", "%u", w->who.pid);
		journal_fields_add(f, "FWAUDIT_COMM", "%s", w->who.comm);
	}
	if (w->who.has_proc) {
		journal_fields_add(f, "FWAUDIT_UID", "%u", w->who.uid);
		journal_fields_add(f, "FWAUDIT_PPID", "%u", w->who.ppid);
		journal_fields_add(f, "FWAUDIT_CMDLINE", "%s",
				   w->who.cmdline ? w->who.cmdline : "");
	}
	if (w->resync_why)
		journal_fields_add(f, "FWAUDIT_RESYNCHRONISED", "%s", w->resync_why);
	journal_fields_add(f, "FWAUDIT_RULES_ADDED", "%u", w->events.rules_added);
	journal_fields_add(f, "FWAUDIT_RULES_REMOVED", "%u", w->events.rules_removed);
	for (size_t i = 0; i < cur->n; i++) {
		const struct policy *po = cur->v[i].policy;

		if (finding_in(&w->prev, cur->v[i].id))
			continue;
		strbuf_addf(&ids, "%s%s", ids.len ? " " : "", cur->v[i].id);
		for (size_t k = 0; po && k < po->nlinks; k++)
			strbuf_addf(&items, "%s%s", items.len ? " " : "", po->links[k].id);
	}
	for (size_t i = 0; i < w->prev.n; i++)
		if (!finding_in(cur, w->prev.v[i].id))
			strbuf_addf(&gone, "%s%s", gone.len ? " " : "", w->prev.v[i].id);
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

/*
 * Check once before the start alert, unreported: reach lays out a chain's
 * rule guards at its second pass, so the start check builds them and the
 * first change is answered as fast as every later one.
 */
static void warm(struct watch *w)
{
	struct findings f = { 0 };
	struct check_opts copts = { 0 };

	policy_check(w->ps, w->rs, &copts, &f);
	findings_release(&f);
}

/* Check the model and report what the changes since the last alert did. */
static void evaluate(struct watch *w, const char *event)
{
	struct findings cur = { 0 };
	struct check_opts copts = { 0 };
	struct strbuf out = STRBUF_INIT, js = STRBUF_INIT;
	struct journal_fields jf = { 0 };
	unsigned nnew = 0, ngone = 0, by[SEV_CRITICAL + 1];
	int prio;
	char when[64];
	time_t t = time(NULL);

	policy_check(w->ps, w->rs, &copts, &cur);
	findings_sort(&cur);
	count_severities(&cur, by);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", localtime(&t));

	/* JSON: one line per alert */
	strbuf_addf(&js, "{\"event\": \"%s\", \"time\": \"%s\", \"generation\": %u", event, when,
		    w->rs->generation);
	strbuf_addf(&js, ", \"transactions\": %u, \"pid\": %u, \"comm\": ", w->ntx, w->who.pid);
	strbuf_addjson_text(&js, w->who.comm);
	if (w->who.has_proc) {
		strbuf_addf(&js, ", \"uid\": %u, \"ppid\": %u, \"cmdline\": ", w->who.uid,
			    w->who.ppid);
		strbuf_addjson_text(&js, w->who.cmdline ? w->who.cmdline : "");
	}
	if (w->resync_why) {
		strbuf_addstr(&js, ", \"resynchronised\": ");
		strbuf_addjson_text(&js, w->resync_why);
	}
	strbuf_addf(&js, ", \"rules_added\": %u, \"rules_removed\": %u, \"changes\": [",
		    w->events.rules_added, w->events.rules_removed);
	for (size_t i = 0; i < w->events.changes.n; i++) {
		if (i)
			strbuf_addstr(&js, ", ");
		change_render_json(&w->events.changes.v[i], CHANGE_STYLE_EVENT, &js);
	}
	strbuf_addch(&js, ']');
	if (w->events.not_listed)
		strbuf_addf(&js, ", \"changes_not_listed\": %u", w->events.not_listed);
	if (w->files_json.len)
		strbuf_addf(&js, ", \"files\": [%s]", w->files_json.buf);
	strbuf_addstr(&js, ", \"findings_new\": [");
	for (size_t i = 0; i < cur.n; i++)
		if (!finding_in(&w->prev, cur.v[i].id)) {
			if (nnew++)
				strbuf_addstr(&js, ", ");
			report_finding_json(&cur.v[i], &js);
		}
	strbuf_addstr(&js, "], \"findings_resolved\": [");
	for (size_t i = 0; i < w->prev.n; i++)
		if (!finding_in(&cur, w->prev.v[i].id)) {
			if (ngone++)
				strbuf_addstr(&js, ", ");
			report_finding_json(&w->prev.v[i], &js);
		}
	strbuf_addstr(&js, "], \"findings\": {");
	for (int s = SEV_CRITICAL; s >= SEV_INFO; s--)
		strbuf_addf(&js, "\"%s\": %u%s", severity_name((enum severity)s), by[s],
			    s > SEV_INFO ? ", " : "");
	strbuf_addstr(&js, "}}\n");

	{
		strbuf_addf(&out, "%s %s generation %u", when, event, w->rs->generation);
		if (w->ntx)
			strbuf_addf(&out, " (%u transaction%s) by %s pid %u", w->ntx,
				    w->ntx > 1 ? "s" : "", w->who.comm[0] ? w->who.comm : "?",
				    w->who.pid);
		if (w->who.has_proc)
			strbuf_addf(&out, " uid %u ppid %u: %s", w->who.uid, w->who.ppid,
				    w->who.cmdline ? w->who.cmdline : "");
		strbuf_addch(&out, '\n');
		if (w->resync_why)
			strbuf_addf(&out, "  events lost (%s); resynchronised at generation %u\n",
				    w->resync_why, w->rs->generation);
		if (w->events.rules_added || w->events.rules_removed)
			strbuf_addf(&out, "  rules: +%u -%u\n", w->events.rules_added,
				    w->events.rules_removed);
		for (size_t i = 0; i < w->events.changes.n; i++)
			change_render_text(&w->events.changes.v[i], CHANGE_STYLE_EVENT, &out);
		if (w->events.not_listed)
			strbuf_addf(&out, "  ... and %u more changes\n", w->events.not_listed);
		if (w->files_text.len)
			strbuf_add_indented(&out, w->files_text.buf, "  ");
		for (size_t i = 0; i < cur.n; i++)
			if (!finding_in(&w->prev, cur.v[i].id))
				finding_text("NEW", &cur.v[i], &out);
		for (size_t i = 0; i < w->prev.n; i++)
			if (!finding_in(&cur, w->prev.v[i].id))
				finding_text("RESOLVED", &w->prev.v[i], &out);
		strbuf_addf(&out, "  findings: %u critical, %u high, %u medium, %u low, %u info\n",
			    by[SEV_CRITICAL], by[SEV_HIGH], by[SEV_MEDIUM], by[SEV_LOW],
			    by[SEV_INFO]);
	}
	if ((w->json ? fwrite(js.buf, 1, js.len, stdout) != js.len
		     : fwrite(out.buf, 1, out.len, stdout) != out.len) ||
	    fflush(stdout) == EOF)
		errmsg("watch: writing the alert: %s", strerror(errno));
	prio = alert_priority(w, &cur);
	if (w->sinks.journal)
		journal_fields(w, event, &cur, by, &out, &js, prio, &jf);
	sinks_send(&w->sinks, js.buf, js.len, &jf, out.buf, prio);
	free(jf.buf);
	findings_release(&w->prev);
	w->prev = cur;
	policy_set_free(w->old_ps);
	postmortem_index_free(w->old_ix);
	w->old_ps = NULL;
	w->old_ix = NULL;
	write_textfile(w, &cur);
	w->alerts++;
	/* the next alert starts afresh */
	w->dirty = false;
	w->ntx = 0;
	change_narration_reset(&w->events);
	strbuf_release(&w->files_text);
	strbuf_release(&w->files_json);
	free(w->resync_why);
	w->resync_why = NULL;
	w->dynamic_changed = false;
	who_release(&w->who);
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
	struct watch w = { .events.max_listed = MAX_LINES,
			   .rcvbuf = 64 << 20,
			   .debounce_ms = 10,
			   .ino = -1,
			   .redump_s = 60,
			   .compact_slack = COMPACT_SLACK };
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
			w.textfile = optarg;
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
			w.rcvbuf = (int)v;
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
			w.redump_s = v;
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
	/* subscribe first: a change made while the snapshot is read is not lost */
	if (nl_monitor_open(&w.mon, w.rcvbuf, &err) < 0 ||
	    nl_snapshot(&w.rs, NULL, NULL, &err) < 0) {
		errmsg("watch: %s", err.buf);
		goto out;
	}
	w.arena_base = arena_used(w.rs->arena);
	/* tests make the model compact sooner */
	if (getenv("FWAUDIT_WATCH_COMPACT_SLACK"))
		w.compact_slack = strtoul(getenv("FWAUDIT_WATCH_COMPACT_SLACK"), NULL, 10);
	w.files = files_capture(&w);
	files_attach(&w);
	if (w.files->nfiles) {
		w.ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (w.ino < 0)
			errmsg("watch: inotify: %s; watched files are read at each alert only",
			       strerror(errno));
		files_arm(&w);
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
		struct pollfd pfd[3] = { { nl_monitor_fd(w.mon), POLLIN, 0 },
					 { sfd, POLLIN, 0 },
					 { w.ino, POLLIN, 0 } };
		int timeout = -1, r;
		int64_t now = now_ms();
		int st = sinks_timeout(&w.sinks, now);

		if (w.dirty)
			wake_within(&timeout, w.first_at_ms + w.debounce_ms - now);
		if (st >= 0)
			wake_within(&timeout, st);
		if (w.redump_s && !w.redump_at)
			w.redump_at = now + (int64_t)w.redump_s * 1000;
		if (w.redump_s) {
			if (w.redump_at <= now) {
				redump(&w);
				continue;
			}
			wake_within(&timeout, w.redump_at - now);
		}
		if (w.files_first) {
			int64_t due = files_due(&w);

			if (due <= now) {
				files_recapture(&w);
				continue;
			}
			wake_within(&timeout, due - now);
		}
		if (w.textfile_retry_at)
			wake_within(&timeout, w.textfile_retry_at - now);
		if (w.verify_at && !w.dirty) {
			int64_t left = w.verify_at - now_ms();
			uint32_t gen;

			if (left <= 0) {
				w.verify_at = 0;
				if (nl_get_generation(&gen, &err) == 0 && gen != w.rs->generation &&
				    resync(&w, "the last transaction's events were lost") < 0)
					break;
				continue;
			}
			wake_within(&timeout, left);
		}
		if (w.dirty && timeout <= 0) {
			evaluate(&w, event_name(&w));
			continue;
		}
		if (compact_due(&w, now)) {
			compact(&w);
			continue;
		}
		if (w.compact_retry_at && !w.dirty)
			wake_within(&timeout, w.compact_retry_at - now);
		r = poll(pfd, w.ino >= 0 ? 3 : 2, timeout);
		sinks_tick(&w.sinks, now_ms());
		if (w.textfile_retry_at && now_ms() >= w.textfile_retry_at)
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
		if (w.ino >= 0 && (pfd[2].revents & POLLIN))
			files_event(&w);
		if (pfd[0].revents & (POLLIN | POLLERR)) {
			r = nl_monitor_read(w.mon, on_event, &w);
			if (r == -ENOBUFS) {
				if (resync(&w, "the kernel dropped events (receive buffer full)") <
				    0)
					break;
			} else if (r < 0 && r != -EIO) {
				errmsg("watch: reading events: %s", strerror(-r));
				break;
			} else if (r == -EIO) {
				break; /* the model could not be read again: printed */
			}
		}
	}
	if (w.dirty && ret == EXIT_CLEAN)
		evaluate(&w, event_name(&w));
	if (save_model && ret == EXIT_CLEAN) {
		/* the model as events left it, to compare with a fresh snapshot */
		FILE *f = fopen(save_model, "we");

		if (!f || ruleset_write_json(w.rs, f) < 0 || fclose(f) == EOF) {
			errmsg("watch: --save-model %s: %s", save_model, strerror(errno));
			ret = EXIT_ERROR;
		}
	}
out:
	sinks_release(&w.sinks);
	if (sfd >= 0)
		close(sfd);
	if (w.ino >= 0)
		close(w.ino);
	ruleset_free(w.files);
	donors_free(&w);
	free(w.watch);
	strbuf_release(&w.files_text);
	strbuf_release(&w.files_json);
	pending_clear(&w);
	free(w.pending);
	findings_release(&w.prev);
	who_release(&w.who);
	change_narration_reset(&w.events);
	free(w.resync_why);
	nl_monitor_close(w.mon);
	ruleset_free(w.rs);
	policy_set_free(w.ps);
	postmortem_index_free(w.ix);
	policy_set_free(w.old_ps);
	postmortem_index_free(w.old_ix);
	policy_opts_release(&w.po);
	strbuf_release(&err);
	return ret;
}
