// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fwaudit gate: would this ruleset or config file break a policy? The
 * candidate ruleset is loaded by nft into a private network namespace that
 * vanishes with the process, so the kernel itself parses and validates it,
 * and is then snapshotted by the same code that reads the live host.
 * Nothing on the host changes.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fwaudit/change.h"
#include "fwaudit/cmd.h"
#include "fwaudit/files.h"
#include "fwaudit/model.h"
#include "fwaudit/nl.h"
#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/report.h"
#include "fwaudit/store.h"
#include "fwaudit/util.h"

struct file_pair {
	const char *live, *candidate;
};

struct gate_run {
	const char *ruleset, *against, *state, *root;
	struct file_pair *files;
	size_t nfiles;
	enum severity fail_on;
	enum report_format fmt;
	struct policy_set *ps;
	struct ruleset *base;  /* what the candidate is compared with, or NULL */
	struct ruleset *cand;  /* the candidate */
	struct ruleset *watch; /* files and listeners read before the namespace */
	struct strbuf against_label;
	struct findings found;
	struct changes changes;
	struct changes structural; /* computed by compare_run() */
	pthread_t compare;
	bool compare_started;
	struct nft_run nft;    /* the candidate loading, when started early */
	int cand_ns;	       /* its namespace then, else -1 */
	struct strbuf nft_err; /* why it could not be started early */
};

/* The ruleset to compare with. Returns 0 or EXIT_ERROR (printed). */
static int load_against(struct gate_run *g)
{
	struct strbuf err = STRBUF_INIT;
	struct store *st = NULL;
	char hash[65];
	int ret = EXIT_ERROR;

	if (!strcmp(g->against, "none")) {
		ret = 0;
		goto out;
	}
	if (!strcmp(g->against, "live")) {
		/* nft, loading the candidate meanwhile, has the other CPU */
		struct source_opts src = { .one_thread = g->cand_ns >= 0 };

		/* without root only the candidate can be judged */
		if (geteuid() != 0) {
			fprintf(stderr, "gate: not root, so the live ruleset cannot be read; "
					"checking the candidate alone (--against SNAPSHOT "
					"compares with a saved one)\n");
			g->against = "none";
			ret = 0;
			goto out;
		}
		ret = source_load(&src, &g->base);
		strbuf_addstr(&g->against_label, "live");
		goto out;
	}
	if (names_file(g->against)) {
		struct source_opts src = { .snapshot = g->against };

		ret = source_load(&src, &g->base);
		strbuf_addf(&g->against_label, "snapshot %s", g->against);
		goto out;
	}
	if (store_open(g->state, false, &st, &err) < 0 ||
	    store_resolve(st, g->against, hash, &err) < 0 ||
	    store_load(st, hash, &g->base, &err) < 0) {
		errmsg("gate: --against %s: %s", g->against, err.buf);
		goto out;
	}
	strbuf_addf(&g->against_label, "%s (%.12s)", g->against, hash);
	ret = 0;
out:
	store_close(st);
	strbuf_release(&err);
	return ret;
}

/*
 * Watched files as they would be after the deploy: a candidate's content
 * under its live path, with the live file's owner and mode (the temporary
 * file config management validates has its own; the deploy sets them).
 */
static void capture_files(struct gate_run *g)
{
	struct ruleset *w = g->watch;

	for (size_t i = 0; i < g->nfiles; i++) {
		struct watched_file *f =
			watched_file_capture(w, NULL, g->files[i].candidate, true, 1u << 20);
		/* the live file as the comparison already read it, else read now */
		const struct watched_file *l =
			g->base ? ruleset_find_file(g->base, g->files[i].live) : NULL;
		struct ruleset *live = NULL;

		if (!l) {
			live = ruleset_new();
			l = watched_file_capture(live, g->root, g->files[i].live, false, 0);
		}

		f->path = arena_strdup(w->arena, g->files[i].live);
		if (l->exists && !l->error) {
			f->mode = (f->mode & S_IFMT) | (l->mode & 07777);
			f->uid = l->uid;
			f->gid = l->gid;
		}
		ruleset_free(live);
	}
	/* every other watched file as it is now */
	capture_watched(w, g->ps, NULL, 0, g->root);
}

/*
 * Links named after the host's interfaces (@ifs, read there; freed), so
 * rules naming them (iif, netdev chains) load here.
 */
static void add_host_links(struct if_nameindex *ifs)
{
	size_t n = 0;
	char **names;

	if (!ifs)
		return;
	while (ifs[n].if_name)
		n++;
	names = xcalloc(n + 1, sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = ifs[i].if_name;
	nl_add_dummy_links(names, n);
	free(names);
	if_freenameindex(ifs);
}

/*
 * As root, start loading the candidate at once, in a namespace this
 * process steps into and back out of, so nft works while the live side is
 * read. Without root (or where that fails) load_candidate() does it all.
 */
static void candidate_start(struct gate_run *g)
{
	struct if_nameindex *ifs;
	int host, r;

	g->cand_ns = -1;
	if (!g->ruleset || geteuid() != 0)
		return;
	host = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (host < 0)
		return;
	ifs = if_nameindex();
	if (unshare(CLONE_NEWNET) < 0) {
		if_freenameindex(ifs);
		close(host);
		return;
	}
	add_host_links(ifs);
	g->cand_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	r = g->cand_ns < 0 ? -errno
			   : nft_start((const char *const[]){ "-f", g->ruleset, NULL }, &g->nft);
	if (r < 0)
		strbuf_addf(&g->nft_err, "cannot run nft: %s", strerror(-r));
	if (setns(host, CLONE_NEWNET) < 0) {
		/* cannot happen as root; never read the host from the wrong place */
		errmsg("gate: cannot return to the host's network namespace: %s", strerror(errno));
		exit(EXIT_ERROR);
	}
	close(host);
	if (r < 0 && g->cand_ns >= 0) {
		close(g->cand_ns);
		g->cand_ns = -1;
	}
}

static int load_candidate(struct gate_run *g)
{
	struct strbuf err = STRBUF_INIT, msg = STRBUF_INIT;
	struct if_nameindex *ifs;
	bool userns;
	int r;

	if (!g->ruleset) {
		/* config files only: the ruleset stays what it is */
		if (!g->base) {
			errmsg("gate: nothing to gate: give --ruleset FILE, or --file with "
			       "--against live|baseline|SNAPSHOT");
			return EXIT_ERROR;
		}
		g->cand = ruleset_new();
		g->cand->tables = g->base->tables;
		g->cand->ntables = g->base->ntables;
		g->cand->generation = g->base->generation;
		g->cand->taken_at = g->base->taken_at;
		return 0;
	}
	if (g->nft_err.len) {
		errmsg("gate: %s", g->nft_err.buf);
		return EXIT_ERROR;
	}
	if (g->cand_ns >= 0) {
		/* started early: step into its namespace and wait for nft */
		if (setns(g->cand_ns, CLONE_NEWNET) < 0) {
			errmsg("gate: cannot enter the candidate's namespace: %s", strerror(errno));
			return EXIT_ERROR;
		}
		r = nft_finish(&g->nft, &msg);
	} else {
		ifs = if_nameindex();
		if (nl_private_netns(&userns, &err) < 0) {
			errmsg("gate: %s", err.buf);
			strbuf_release(&err);
			if_freenameindex(ifs);
			return EXIT_ERROR;
		}
		add_host_links(ifs);
		r = nft_start((const char *const[]){ "-f", g->ruleset, NULL }, &g->nft);
		if (r == 0)
			r = nft_finish(&g->nft, &msg);
	}
	if (r != 0) {
		/* nft's own FILE:LINE:COL message, as it printed it */
		if (r < 0)
			errmsg("gate: cannot run nft: %s", strerror(-r));
		else
			fprintf(stderr,
				"%sgate: %s: rejected by nft (exit %d); nothing was "
				"checked\n",
				msg.buf ? msg.buf : "", g->ruleset, r);
		strbuf_release(&msg);
		return EXIT_ERROR;
	}
	if (msg.len)
		fputs(msg.buf, stderr);
	strbuf_release(&msg);
	r = nl_snapshot(&g->cand, NULL, NULL, &err);
	if (r < 0) {
		errmsg("gate: reading the candidate back: %s", err.buf);
		strbuf_release(&err);
		return EXIT_ERROR;
	}
	strbuf_release(&err);
	return 0;
}

/* Neither ruleset changes; the evaluator (flows) stays with the check. */
static void *compare_run(void *arg)
{
	struct gate_run *g = arg;

	ruleset_changes(g->base, g->cand, !g->ruleset, &g->structural);
	return NULL;
}

static void render(struct gate_run *g, struct strbuf *out)
{
	struct strbuf source = STRBUF_INIT;
	struct report_meta m = { .rs = g->cand, .ps = g->ps, .fail_on = g->fail_on };

	strbuf_addf(&source, "candidate %s", g->ruleset ? g->ruleset : "(live ruleset)");
	for (size_t i = 0; i < g->nfiles; i++)
		strbuf_addf(&source, ", %s as %s", g->files[i].candidate, g->files[i].live);
	m.source = source.buf;
	if (g->fmt == REPORT_TEXT) {
		m.color = stdout_color();
		strbuf_addf(out, "fwaudit gate: %s\n", source.buf);
		if (g->base) {
			strbuf_addf(out, "changes against %s: ", g->against_label.buf);
			if (g->changes.n)
				strbuf_addf(out, "%zu\n", g->changes.n);
			else
				strbuf_addstr(out, "none\n");
			changes_render_text(&g->changes, out);
		}
		strbuf_addch(out, '\n');
		report_render(&g->found, &m, REPORT_TEXT, out);
	} else if (g->fmt == REPORT_JSON) {
		strbuf_addstr(out, "{\n  \"candidate\": ");
		strbuf_addjson_text(out, source.buf);
		strbuf_addstr(out, ",\n  \"against\": ");
		if (g->base)
			strbuf_addjson_text(out, g->against_label.buf);
		else
			strbuf_addstr(out, "null");
		strbuf_addstr(out, ",\n  \"changes\": ");
		changes_render_json(&g->changes, out);
		strbuf_addstr(out, ",\n  \"check\": ");
		report_render(&g->found, &m, REPORT_JSON, out);
		strbuf_addstr(out, "}\n");
	} else {
		report_render(&g->found, &m, g->fmt, out);
	}
	strbuf_release(&source);
}

int cmd_gate(int argc, char **argv)
{
	const struct option opts[] = {
		{ "ruleset", required_argument, NULL, 'R' },
		{ "file", required_argument, NULL, 'i' },
		{ "against", required_argument, NULL, 'A' },
		{ "state", required_argument, NULL, 'S' },
		POLICY_OPTIONS,
		{ "format", required_argument, NULL, 'f' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gate_run g = { .against = "live", .state = STORE_DEFAULT_DIR };
	struct postmortem_index *ix = NULL;
	struct check_opts copts = { 0 };
	struct strbuf out = STRBUF_INIT;
	struct policy_opts po = { .fail_on = SEV_HIGH };
	int c, ret = EXIT_ERROR;

	g.against_label = (struct strbuf)STRBUF_INIT;
	g.nft_err = (struct strbuf)STRBUF_INIT;
	g.cand_ns = -1;
	g.nft.out = -1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'R':
			g.ruleset = optarg;
			break;
		case 'i': {
			char *eq = strchr(optarg, '=');

			if (!eq || optarg[0] != '/' || !eq[1]) {
				errmsg("gate: --file takes LIVEPATH=CANDIDATE with an absolute "
				       "LIVEPATH, not '%s'",
				       optarg);
				goto out;
			}
			*eq = 0;
			g.files = xrealloc(g.files, (g.nfiles + 1) * sizeof(*g.files));
			g.files[g.nfiles++] = (struct file_pair){ optarg, eq + 1 };
			break;
		}
		case 'A':
			g.against = optarg;
			break;
		case 'S':
			g.state = optarg;
			break;
		case 'f':
			if (report_format_parse(optarg, &g.fmt) < 0) {
				errmsg("gate: --format takes text, json, sarif or junit, not %s",
				       optarg);
				goto out;
			}
			break;
		case 'r':
			g.root = copts.root = optarg;
			break;
		case 'h':
			cmd_usage("gate");
			ret = EXIT_CLEAN;
			goto out;
		default:
			if (policy_opt("gate", &po, c, optarg) > 0)
				break;
			goto out;
		}
	}
	g.fail_on = po.fail_on;
	/* validate: fwaudit gate %s: the candidate may also come last, bare */
	if (optind < argc && !g.ruleset)
		g.ruleset = argv[optind++];
	if (optind < argc) {
		errmsg("gate: unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (g.ruleset && access(g.ruleset, R_OK) < 0) {
		errmsg("gate: %s: %s", g.ruleset, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < g.nfiles; i++)
		if (access(g.files[i].candidate, R_OK) < 0) {
			errmsg("gate: %s: %s", g.files[i].candidate, strerror(errno));
			goto out;
		}
	if (policy_opts_load("gate", &po, &g.ps, &ix))
		goto out;
	candidate_start(&g);
	if (load_against(&g))
		goto out;
	/* a snapshot taken with its files keeps them */
	if (g.base && !g.base->has_files) {
		/* the live side of each --file, to show what the candidate changes */
		char **live = xcalloc(g.nfiles + 1, sizeof(*live));

		for (size_t i = 0; i < g.nfiles; i++)
			live[i] = (char *)g.files[i].live;
		capture_watched(g.base, g.ps, live, g.nfiles, g.root);
		free(live);
	}
	/* what only the host can tell, read before leaving its namespace */
	g.watch = ruleset_new();
	if (g.base && g.base->has_listeners) {
		g.watch->listeners = g.base->listeners;
		g.watch->nlisteners = g.base->nlisteners;
		g.watch->has_listeners = true;
	} else {
		nl_read_listeners(g.watch);
	}
	capture_files(&g);
	if (load_candidate(&g))
		goto out;
	g.cand->listeners = g.watch->listeners;
	g.cand->nlisteners = g.watch->nlisteners;
	g.cand->has_listeners = g.watch->has_listeners;
	g.cand->files = g.watch->files;
	g.cand->nfiles = g.watch->nfiles;
	g.cand->files_cap = 0; /* not its arena's: never grown */
	g.cand->has_files = true;
	if (g.base) /* the structure compared while the candidate is checked */
		g.compare_started = !pthread_create(&g.compare, NULL, compare_run, &g);
	policy_check(g.ps, g.cand, &copts, &g.found);
	findings_sort(&g.found);
	if (g.compare_started)
		pthread_join(g.compare, NULL);
	else if (g.base)
		compare_run(&g);
	g.compare_started = false;
	if (g.base) {
		/* flows first, then the structure, as the report reads */
		flow_changes(g.base, g.cand, g.ps, &g.changes);
		changes_append(&g.changes, &g.structural);
	}
	render(&g, &out);
	if (write_out("gate", &out))
		goto out;
	ret = findings_failing(&g.found, g.fail_on) ? EXIT_FINDINGS : EXIT_CLEAN;
out:
	if (g.compare_started)
		pthread_join(g.compare, NULL);
	findings_release(&g.found);
	changes_release(&g.changes);
	changes_release(&g.structural);
	policy_set_free(g.ps);
	postmortem_index_free(ix);
	ruleset_free(g.cand);
	ruleset_free(g.base);
	ruleset_free(g.watch);
	if (g.nft.out >= 0) { /* started, never waited for: stop it */
		kill(g.nft.pid, SIGKILL);
		nft_finish(&g.nft, &g.nft_err);
	}
	if (g.cand_ns >= 0)
		close(g.cand_ns);
	strbuf_release(&g.against_label);
	strbuf_release(&g.nft_err);
	strbuf_release(&out);
	free(g.files);
	policy_opts_release(&po);
	return ret;
}
