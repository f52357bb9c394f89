// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fwaudit lint: the strict mode for a policy repository's CI. Where check,
 * scan, gate and watch report a bad document or an unresolved link and go
 * on, lint fails on it (exit 2), so the repository is fixed before any
 * host sees it. No ruleset is read.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fwaudit/cmd.h"
#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/util.h"

/* Every line of @err as one JSON string of the array @out. */
static void lines_json(const struct strbuf *err, struct strbuf *out, bool *first)
{
	const char *p = err->buf ?: "";

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);

		strbuf_addstr(out, *first ? "\n" : ",\n");
		*first = false;
		strbuf_addjson_text(out, line);
		free(line);
		p += n + (nl != NULL);
	}
}

int cmd_lint(int argc, char **argv)
{
	const struct option opts[] = {
		POLICY_OPTIONS,
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct policy_opts po = { .fail_on = SEV_HIGH };
	struct policy_set *ps = policy_set_new();
	struct postmortem_index *ix = NULL;
	struct strbuf perr = STRBUF_INIT, merr = STRBUF_INIT, lerr = STRBUF_INIT, out = STRBUF_INIT;
	char **dirs = NULL;
	size_t ndirs = 0, skipped = 0, nlinks = 0, nitems = 0;
	int unresolved, c, ret = EXIT_ERROR;
	bool json = false, first = true;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (format_opt("lint", optarg, &json))
				goto out;
			break;
		case 'h':
			cmd_usage("lint");
			ret = EXIT_CLEAN;
			goto out;
		default:
			if (policy_opt("lint", &po, c, optarg) > 0)
				break;
			goto out;
		}
	}
	for (; optind < argc; optind++)
		path_push(&po.paths, &po.npaths, argv[optind]);
	/* every policy file on its own, so that one bad file hides no other;
	 * without names, the directories check reads by default */
	ndirs = policy_dirs(po.paths, po.npaths, &dirs);
	for (size_t i = 0; i < po.npaths; i++)
		policy_load_path(ps, po.paths[i], &perr);
	for (size_t i = 0; !po.npaths && i < ndirs; i++)
		if (access(dirs[i], F_OK) == 0)
			policy_load_path(ps, dirs[i], &perr);
	policy_set_validate(ps, &perr);
	if (!ps->n && !perr.len)
		strbuf_addstr(&perr, "lint: no policies (give --policies DIR or policy files)\n");
	ix = postmortem_index_new();
	skipped = postmortems_read(po.mpaths, po.nmpaths, dirs, ndirs, ix, &merr);
	unresolved = postmortem_link(ix, ps, &lerr);
	for (size_t i = 0; i < ps->n; i++)
		nlinks += ps->v[i]->nlinks;
	for (size_t i = 0; i < ix->n; i++)
		nitems += ix->v[i]->nitems;
	fputs(perr.buf ?: "", stderr);
	fputs(merr.buf ?: "", stderr);
	fputs(lerr.buf ?: "", stderr);
	if (json) {
		strbuf_addstr(&out, "{\"problems\":[");
		lines_json(&perr, &out, &first);
		lines_json(&merr, &out, &first);
		lines_json(&lerr, &out, &first);
		strbuf_addf(&out,
			    "],\n\"policies\":%zu,\"incidents\":%zu,\"action_items\":%zu,"
			    "\"links\":%zu,\"unresolved_links\":%d,\"documents_skipped\":%zu,"
			    "\"clean\":%s}\n",
			    ps->n, ix->n, nitems, nlinks, unresolved, skipped,
			    perr.len || unresolved || skipped ? "false" : "true");
	} else {
		strbuf_addf(&out,
			    "lint: %zu polic%s, %zu incident%s with %zu action item%s, %zu "
			    "link%s: ",
			    ps->n, ps->n == 1 ? "y" : "ies", ix->n, ix->n == 1 ? "" : "s", nitems,
			    nitems == 1 ? "" : "s", nlinks, nlinks == 1 ? "" : "s");
		if (!perr.len && !unresolved && !skipped)
			strbuf_addstr(&out, "every link resolved, every document read\n");
		else
			strbuf_addf(&out,
				    "%s%d unresolved link%s, %zu document%s skipped (above)\n",
				    perr.len ? "malformed policies, " : "", unresolved,
				    unresolved == 1 ? "" : "s", skipped, skipped == 1 ? "" : "s");
	}
	ret = write_out("lint", &out);
	if (ret == EXIT_CLEAN && (perr.len || unresolved || skipped))
		ret = EXIT_ERROR;
out:
	for (size_t i = 0; i < ndirs; i++)
		free(dirs[i]);
	free(dirs);
	policy_set_free(ps);
	postmortem_index_free(ix);
	strbuf_release(&perr);
	strbuf_release(&merr);
	strbuf_release(&lerr);
	strbuf_release(&out);
	policy_opts_release(&po);
	return ret;
}
