// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fwaudit scan: snapshot, check, compare with the baseline, store, report.
 * The scheduled audit: cron or a systemd timer runs it, and with --quiet
 * it prints nothing when nothing changed and nothing was found.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fwaudit/change.h"
#include "fwaudit/cmd.h"
#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/report.h"
#include "fwaudit/store.h"
#include "fwaudit/util.h"

#define DEFAULT_KEEP 100

/* The baseline is read in a thread of its own while the kernel is dumped and checked. */
struct base_load {
	pthread_t thread;
	bool started;
	struct store *st;
	char hash[65];
	struct ruleset *rs;
	struct strbuf err;
	int r;
};

static void *base_load_run(void *arg)
{
	struct base_load *b = arg;

	b->r = store_load(b->st, b->hash, &b->rs, &b->err);
	return NULL;
}

static void base_wait(struct base_load *b)
{
	if (b->started)
		pthread_join(b->thread, NULL);
	else
		base_load_run(b);
	b->started = false;
}

/*
 * While the snapshot is checked, another thread compares it with the
 * baseline (structure only: flows need the evaluator, which is the
 * check's) and stores it. Neither changes the snapshot.
 */
struct compare_run {
	pthread_t thread;
	bool started, first, stored;
	struct base_load *base;
	const struct ruleset *rs;
	struct store *st;
	char *hash;
	struct changes structural;
	struct strbuf err;
	int put;
};

static void *compare_run(void *arg)
{
	struct compare_run *c = arg;

	if (!c->first) {
		base_wait(c->base);
		/* a bad baseline: the caller decides whether to store */
		if (c->base->r < 0)
			return NULL;
		ruleset_changes(c->base->rs, c->rs, true, &c->structural);
	}
	c->put = store_put_ruleset(c->st, c->rs, c->hash, &c->err);
	c->stored = true;
	return NULL;
}

struct scan_run {
	const char *state, *textfile;
	enum severity fail_on;
	bool json, quiet, accept;
	unsigned keep;
	struct ruleset *rs, *base;
	struct policy_set *ps;
	struct findings found;
	struct changes changes;
	char hash[65];
	const char *base_hash;
	bool first;
	size_t failing;
};

static void render_text(const struct scan_run *r, const char *source, struct strbuf *out)
{
	struct report_meta m = {
		.source = source,
		.rs = r->rs,
		.ps = r->ps,
		.fail_on = r->fail_on,
		.color = stdout_color(),
	};
	char t[64];

	time_text(r->rs->taken_at, t, sizeof(t));
	strbuf_addf(out, "fwaudit scan of %s at %s: snapshot %.12s", source, t, r->hash);
	if (r->first) {
		strbuf_addf(out,
			    "\nfirst scan: this snapshot is now the baseline (%zu rules, %u "
			    "watched files)\n",
			    ruleset_count_rules(r->rs), r->rs->nfiles);
	} else {
		time_text(r->base->taken_at, t, sizeof(t));
		strbuf_addf(out, "\nchanges since the baseline %.12s (%s): ", r->base_hash, t);
		if (!r->changes.n)
			strbuf_addstr(out, "none\n");
		else
			strbuf_addf(out, "%zu\n", r->changes.n);
		changes_render_text(&r->changes, out);
		if (r->accept)
			strbuf_addstr(out, "accepted: this snapshot is now the baseline\n");
		else if (r->changes.n)
			strbuf_addstr(out, "(fwaudit scan --accept makes this the baseline)\n");
	}
	strbuf_addch(out, '\n');
	report_render(&r->found, &m, REPORT_TEXT, out);
}

/*
 * Prometheus metrics for node_exporter's textfile collector, written
 * atomically: the timestamp moves only when a scan completes, so a stale
 * one means scans stopped or failed. Returns 0 or -errno (printed).
 */
static int write_metrics(const struct scan_run *r)
{
	struct strbuf m = STRBUF_INIT;
	int ret;

	report_metrics_findings(&r->found, "fwaudit_scan_findings",
				"Findings of the latest completed scan, by severity.", &m);
	report_metrics_links(&r->found, "fwaudit_scan_policy_links_unresolved", &m);
	strbuf_addf(
		&m,
		"# HELP fwaudit_scan_changes Changes from the baseline at the latest "
		"completed scan.\n"
		"# TYPE fwaudit_scan_changes gauge\n"
		"fwaudit_scan_changes %zu\n"
		"# HELP fwaudit_scan_rules Rules in the ruleset at the latest completed scan.\n"
		"# TYPE fwaudit_scan_rules gauge\n"
		"fwaudit_scan_rules %zu\n"
		"# HELP fwaudit_scan_last_run_timestamp_seconds When the latest scan completed.\n"
		"# TYPE fwaudit_scan_last_run_timestamp_seconds gauge\n"
		"fwaudit_scan_last_run_timestamp_seconds %lld\n",
		r->changes.n, ruleset_count_rules(r->rs), (long long)time(NULL));
	ret = write_file_atomic(r->textfile, m.buf, m.len);
	if (ret < 0)
		errmsg("scan: --textfile %s: %s", r->textfile, strerror(-ret));
	strbuf_release(&m);
	return ret;
}

static void render_json(const struct scan_run *r, const char *source, struct strbuf *out)
{
	struct report_meta m = {
		.source = source,
		.rs = r->rs,
		.ps = r->ps,
		.fail_on = r->fail_on,
	};
	strbuf_addf(out, "{\n  \"snapshot\": \"%s\",\n  \"baseline\": ", r->hash);
	if (r->first || r->accept)
		strbuf_addf(out, "\"%s\"", r->hash);
	else
		strbuf_addf(out, "\"%s\"", r->base_hash);
	strbuf_addf(out, ",\n  \"compared_with\": ");
	if (r->first)
		strbuf_addstr(out, "null");
	else
		strbuf_addf(out, "\"%s\"", r->base_hash);
	strbuf_addf(out, ",\n  \"first_scan\": %s,\n  \"accepted\": %s,\n  \"changes\": ",
		    r->first ? "true" : "false", r->accept || r->first ? "true" : "false");
	changes_render_json(&r->changes, out);
	/* the check report as it stands alone, ending in its own newline */
	strbuf_addstr(out, ",\n  \"check\": ");
	report_render(&r->found, &m, REPORT_JSON, out);
	strbuf_addstr(out, "}\n");
}

int cmd_scan(int argc, char **argv)
{
	const struct option opts[] = {
		SOURCE_OPTIONS,
		{ "state", required_argument, NULL, 'S' },
		POLICY_OPTIONS,
		{ "watch", required_argument, NULL, 'w' },
		{ "keep", required_argument, NULL, 'k' },
		{ "accept", no_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, 'f' },
		{ "root", required_argument, NULL, 'r' },
		{ "textfile", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scan_run r = { .state = STORE_DEFAULT_DIR, .keep = DEFAULT_KEEP };
	struct source_opts src = { 0 };
	struct check_opts copts = { 0 };
	struct postmortem_index *ix = NULL;
	struct store *st = NULL;
	struct strbuf out = STRBUF_INIT, source = STRBUF_INIT, err = STRBUF_INIT;
	struct base_load base = { .err = STRBUF_INIT };
	struct compare_run cmp = { .err = STRBUF_INIT };
	struct policy_opts po = { .fail_on = SEV_HIGH };
	char **watch = NULL;
	size_t nwatch = 0;
	int c, ret = EXIT_ERROR;

	while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (c) {
		case 'S':
			r.state = optarg;
			break;
		case 'w':
			if (watch_opt("scan", optarg, &watch, &nwatch))
				goto out;
			break;
		case 'k':
			if (count_opt("scan", "--keep", optarg, 1, 1000000, &r.keep))
				goto out;
			break;
		case 'a':
			r.accept = true;
			break;
		case 'q':
			r.quiet = true;
			break;
		case 'f':
			if (format_opt("scan", optarg, &r.json))
				goto out;
			break;
		case 'r':
			copts.root = optarg;
			break;
		case 't':
			r.textfile = optarg;
			break;
		case 'h':
			cmd_usage("scan");
			ret = EXIT_CLEAN;
			goto out;
		default:
			if (source_opt(&src, c, optarg) || policy_opt("scan", &po, c, optarg) > 0)
				break;
			goto out;
		}
	}
	r.fail_on = po.fail_on;
	if (source_check("scan", &src, argc, argv, optind))
		goto out;
	if (policy_opts_load("scan", &po, &r.ps, &ix))
		goto out;
	/* the lock first: two scans never interleave */
	if (store_open(r.state, true, &st, &err) < 0) {
		errmsg("scan: %s", err.buf);
		goto out;
	}
	r.base_hash = store_baseline(st);
	r.first = !r.base_hash;
	if (!r.first) {
		base.st = st;
		memcpy(base.hash, r.base_hash, sizeof(base.hash));
		base.started = !pthread_create(&base.thread, NULL, base_load_run, &base);
	}
	if (source_load(&src, &r.rs))
		goto out;
	/* a snapshot taken with its files keeps them */
	if (!r.rs->has_files)
		capture_watched(r.rs, r.ps, watch, nwatch, copts.root);
	source_describe(&src, &source);
	cmp.first = r.first;
	cmp.base = &base;
	cmp.rs = r.rs;
	cmp.st = st;
	cmp.hash = r.hash;
	cmp.started = !pthread_create(&cmp.thread, NULL, compare_run, &cmp);
	policy_check(r.ps, r.rs, &copts, &r.found);
	findings_sort(&r.found);
	if (cmp.started)
		pthread_join(cmp.thread, NULL);
	else
		compare_run(&cmp);
	cmp.started = false;
	if (!r.first) {
		r.base = base.rs;
		base.rs = NULL;
		if (base.r < 0) {
			errmsg("scan: the baseline: %s (fwaudit history verify tells more; "
			       "--accept starts a new baseline)",
			       base.err.buf);
			if (!r.accept)
				goto out;
			r.first = true;
		} else {
			/* flows first, then the structure, as the report reads */
			flow_changes(r.base, r.rs, r.ps, &r.changes);
			changes_append(&r.changes, &cmp.structural);
		}
	}
	if (!cmp.stored)
		cmp.put = store_put_ruleset(st, r.rs, r.hash, &cmp.err);
	if (cmp.put < 0) {
		errmsg("scan: storing the snapshot: %s", cmp.err.buf);
		goto out;
	}
	if (store_record(st, r.first || r.accept ? "baseline" : "scan", r.hash, (uint32_t)r.found.n,
			 (uint32_t)r.changes.n, &err) < 0 ||
	    store_prune(st, r.keep, &err) < 0) {
		errmsg("scan: storing the snapshot: %s", err.buf);
		goto out;
	}
	r.failing = findings_failing(&r.found, r.fail_on);
	ret = r.failing ? EXIT_FINDINGS : EXIT_CLEAN;
	if (r.textfile && write_metrics(&r) < 0)
		ret = EXIT_ERROR;
	/* cron: silence is "nothing changed, nothing found" */
	if (r.quiet && !r.changes.n && !r.failing && !r.first)
		goto out;
	if (r.json)
		render_json(&r, source.buf, &out);
	else
		render_text(&r, source.buf, &out);
	if (write_out("scan", &out))
		ret = EXIT_ERROR;
out:
	if (cmp.started)
		pthread_join(cmp.thread, NULL);
	if (base.started)
		pthread_join(base.thread, NULL);
	changes_release(&cmp.structural);
	strbuf_release(&cmp.err);
	ruleset_free(base.rs);
	strbuf_release(&base.err);
	store_close(st);
	findings_release(&r.found);
	changes_release(&r.changes);
	policy_set_free(r.ps);
	postmortem_index_free(ix);
	ruleset_free(r.rs);
	ruleset_free(r.base);
	strbuf_release(&out);
	strbuf_release(&source);
	strbuf_release(&err);
	policy_opts_release(&po);
	free(watch);
	return ret;
}
