// SPDX-License-Identifier: GPL-2.0-or-later
/* fwaudit check: a ruleset and the watched files against the policies. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fwaudit/cmd.h"
#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/report.h"
#include "fwaudit/util.h"

#define SITE_POLICYDIR "/etc/fwaudit/policies.d"

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int policies_load(const char *cmd, char **paths, size_t npaths, struct policy_set **out)
{
	struct policy_set *ps = policy_set_new();
	struct strbuf err = STRBUF_INIT;
	int ret = 0;

	if (!npaths) {
		/* the shipped set, then the site's own */
		const char *const defaults[] = { shipped_policydir(), SITE_POLICYDIR };

		for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
			if (is_dir(defaults[i]) && policy_load_path(ps, defaults[i], &err) < 0)
				ret = -EINVAL;
	}
	for (size_t i = 0; i < npaths; i++)
		if (policy_load_path(ps, paths[i], &err) < 0)
			ret = -EINVAL;
	if (!ret && policy_set_validate(ps, &err) < 0)
		ret = -EINVAL;
	if (!ret && !ps->n) {
		strbuf_addf(&err,
			    "%s: no policies (give --policies DIR or policy files; looked in "
			    "%s and %s)\n",
			    cmd, shipped_policydir(), SITE_POLICYDIR);
		ret = -ENOENT;
	}
	if (ret < 0) {
		fputs(err.buf, stderr);
		strbuf_release(&err);
		policy_set_free(ps);
		return EXIT_ERROR;
	}
	strbuf_release(&err);
	*out = ps;
	return 0;
}

int policy_opt(const char *cmd, struct policy_opts *po, int c, const char *arg)
{
	switch (c) {
	case 'P':
		path_push(&po->paths, &po->npaths, arg);
		return 1;
	case 'M':
		path_push(&po->mpaths, &po->nmpaths, arg);
		return 1;
	case 'F':
		return fail_on_opt(cmd, arg, &po->fail_on) ? -1 : 1;
	default:
		return 0;
	}
}

size_t policy_dirs(char **paths, size_t npaths, char ***out)
{
	const char *const defaults[] = { shipped_policydir(), SITE_POLICYDIR };
	size_t n = 0;

	*out = NULL;
	if (!npaths) {
		*out = xcalloc(ARRAY_SIZE(defaults), sizeof(**out));
		for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
			(*out)[n++] = xstrdup(defaults[i]);
		return n;
	}
	*out = xcalloc(npaths, sizeof(**out));
	for (size_t i = 0; i < npaths; i++) {
		const char *slash = strrchr(paths[i], '/');

		if (is_dir(paths[i]))
			(*out)[n++] = xstrdup(paths[i]);
		else if (slash)
			(*out)[n++] = xstrndup(paths[i], (size_t)(slash - paths[i]) ?: 1);
		else
			(*out)[n++] = xstrdup(".");
	}
	return n;
}

int policy_opts_load(const char *cmd, const struct policy_opts *po, struct policy_set **ps,
		     struct postmortem_index **ix)
{
	char **dirs = NULL;
	size_t ndirs;

	/* policies first: a bad policy stops the run before anything is read */
	if (policies_load(cmd, po->paths, po->npaths, ps))
		return EXIT_ERROR;
	ndirs = policy_dirs(po->paths, po->npaths, &dirs);
	postmortems_load(cmd, po->mpaths, po->nmpaths, dirs, ndirs, ix, NULL);
	postmortems_link(*ix, *ps);
	for (size_t i = 0; i < ndirs; i++)
		free(dirs[i]);
	free(dirs);
	return 0;
}

void policy_opts_release(struct policy_opts *po)
{
	free(po->paths);
	free(po->mpaths);
	po->paths = po->mpaths = NULL;
	po->npaths = po->nmpaths = 0;
}

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
