// SPDX-License-Identifier: GPL-2.0-or-later
/* fwaudit diff: what changed between two snapshots, stored or saved. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwaudit/change.h"
#include "fwaudit/cmd.h"
#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/store.h"
#include "fwaudit/util.h"

/*
 * A snapshot file, or a reference into the state directory (opened on
 * first use). Returns 0, or prints what is wrong and returns EXIT_ERROR.
 */
static int diff_load(const char *ref, const char *state, struct store **st, struct ruleset **out,
		     struct strbuf *label)
{
	struct strbuf err = STRBUF_INIT;
	char hash[65];
	int r;

	if (names_file(ref)) {
		struct source_opts src = { .snapshot = ref };

		strbuf_addstr(label, ref);
		return source_load(&src, out);
	}
	if (!*st && store_open(state, false, st, &err) < 0) {
		errmsg("diff: %s", err.buf);
		r = EXIT_ERROR;
		goto out;
	}
	if (store_resolve(*st, ref, hash, &err) < 0 || store_load(*st, hash, out, &err) < 0) {
		errmsg("diff: %s", err.buf);
		r = EXIT_ERROR;
		goto out;
	}
	strbuf_addf(label, "%s (%.12s)", ref, hash);
	r = 0;
out:
	strbuf_release(&err);
	return r;
}

int cmd_diff(int argc, char **argv)
{
	const struct option opts[] = {
		{ "state", required_argument, NULL, 'S' },
		{ "policies", required_argument, NULL, 'P' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *state = STORE_DEFAULT_DIR, *a = "baseline", *b = "latest";
	struct policy_set *ps = NULL;
	struct store *st = NULL;
	struct ruleset *ra = NULL, *rb = NULL;
	struct changes ch = { 0 };
	struct strbuf out = STRBUF_INIT, la = STRBUF_INIT, lb = STRBUF_INIT;
	char **paths = NULL;
	size_t npaths = 0;
	bool json = false;
	int c, ret = EXIT_ERROR;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'S':
			state = optarg;
			break;
		case 'P':
			path_push(&paths, &npaths, optarg);
			break;
		case 'f':
			if (format_opt("diff", optarg, &json))
				goto out;
			break;
		case 'h':
			cmd_usage("diff");
			ret = EXIT_CLEAN;
			goto out;
		default:
			goto out;
		}
	}
	if (argc - optind > 2) {
		errmsg("diff: at most two snapshots, not %d (see fwaudit diff --help)",
		       argc - optind);
		goto out;
	}
	if (optind < argc)
		a = argv[optind];
	if (optind + 1 < argc)
		b = argv[optind + 1];
	/* the flows the policies name are compared only when policies are given */
	if (npaths && policies_load("diff", paths, npaths, &ps))
		goto out;
	if (diff_load(a, state, &st, &ra, &la) || diff_load(b, state, &st, &rb, &lb))
		goto out;
	flow_changes(ra, rb, ps, &ch);
	ruleset_changes(ra, rb, true, &ch);
	if (json) {
		strbuf_addstr(&out, "{\n  \"from\": ");
		strbuf_addjson_text(&out, la.buf);
		strbuf_addstr(&out, ",\n  \"to\": ");
		strbuf_addjson_text(&out, lb.buf);
		strbuf_addstr(&out, ",\n  \"changes\": ");
		changes_render_json(&ch, &out);
		strbuf_addstr(&out, "\n}\n");
	} else {
		strbuf_addf(&out, "from %s\nto   %s\n", la.buf, lb.buf);
		if (!ch.n)
			strbuf_addstr(&out, "no changes\n");
		changes_render_text(&ch, &out);
	}
	if (write_out("diff", &out))
		goto out;
	/* like diff(1): 1 when they differ */
	ret = ch.n ? EXIT_FINDINGS : EXIT_CLEAN;
out:
	store_close(st);
	ruleset_free(ra);
	ruleset_free(rb);
	changes_release(&ch);
	policy_set_free(ps);
	strbuf_release(&out);
	strbuf_release(&la);
	strbuf_release(&lb);
	free(paths);
	return ret;
}
