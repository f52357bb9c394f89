// SPDX-License-Identifier: GPL-2.0-or-later
/* fwaudit check: a ruleset and the watched files against the policies. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwaudit/cmd.h"
#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/report.h"
#include "fwaudit/util.h"

int cmd_check(int argc, char **argv)
{
	const struct option opts[] = {
		SOURCE_OPTIONS,
		POLICY_OPTIONS,
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct source_opts src = { 0 };
	enum report_format fmt = REPORT_TEXT;
	struct policy_opts po = { .fail_on = SEV_HIGH };
	struct check_opts copts = { 0 };
	struct policy_set *ps = NULL;
	struct postmortem_index *ix = NULL;
	struct ruleset *rs = NULL;
	struct findings found = { 0 };
	struct strbuf out = STRBUF_INIT, source = STRBUF_INIT;
	const char *output = NULL;
	int c, ret = EXIT_ERROR;

	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (report_format_parse(optarg, &fmt) < 0) {
				errmsg("check: --format takes text, json, sarif or junit, not %s",
				       optarg);
				goto out;
			}
			break;
		case 'o':
			output = optarg;
			break;
		case 'r':
			copts.root = optarg;
			break;
		case 'h':
			cmd_usage("check");
			ret = EXIT_CLEAN;
			goto out;
		default:
			if (source_opt(&src, c, optarg) || policy_opt("check", &po, c, optarg) > 0)
				break;
			goto out;
		}
	}
	/* policy files may also be named as arguments */
	for (; optind < argc; optind++) {
		path_push(&po.paths, &po.npaths, argv[optind]);
	}
	if (source_check("check", &src, argc, argv, optind))
		goto out;
	/* policies first: a bad policy stops the run before anything is read */
	if (policy_opts_load("check", &po, &ps, &ix))
		goto out;
	if (source_load(&src, &rs))
		goto out;
	source_describe(&src, &source);
	policy_check(ps, rs, &copts, &found);
	findings_sort(&found);
	{
		struct report_meta m = { .source = source.buf,
					 .rs = rs,
					 .ps = ps,
					 .fail_on = po.fail_on,
					 .color = fmt == REPORT_TEXT && !output && stdout_color() };

		report_render(&found, &m, fmt, &out);
	}
	if (output) {
		int r = write_file_atomic(output, out.buf, out.len);

		if (r < 0) {
			errmsg("check: %s: %s", output, strerror(-r));
			goto out;
		}
	} else if (write_out("check", &out)) {
		goto out;
	}
	ret = findings_failing(&found, po.fail_on) ? EXIT_FINDINGS : EXIT_CLEAN;
out:
	findings_release(&found);
	policy_set_free(ps);
	postmortem_index_free(ix);
	ruleset_free(rs);
	strbuf_release(&out);
	strbuf_release(&source);
	policy_opts_release(&po);
	return ret;
}
