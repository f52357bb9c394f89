// SPDX-License-Identifier: GPL-2.0-or-later
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "fwaudit/cmd.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		SOURCE_OPTIONS,
		{ "format", required_argument, NULL, 'f' },
		{ "handles", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct source_opts src = { 0 };
	struct render_opts ro = { 0 };
	struct strbuf out = STRBUF_INIT;
	struct ruleset *rs = NULL;
	bool json = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "ah", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (format_opt("show", optarg, &json))
				return EXIT_ERROR;
			break;
		case 'a':
			ro.handles = true;
			break;
		case 'h':
			cmd_usage("show");
			return EXIT_CLEAN;
		default:
			if (source_opt(&src, c, optarg))
				break;
			return EXIT_ERROR;
		}
	}
	if (source_check("show", &src, argc, argv, optind))
		return EXIT_ERROR;
	ret = source_load(&src, &rs);
	if (ret)
		return ret;
	if (json)
		ruleset_to_json(rs, &out);
	else
		ruleset_render(rs, &ro, &out);
	fwrite(out.buf ? out.buf : "", 1, out.len, stdout);
	strbuf_release(&out);
	ruleset_free(rs);
	return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_ERROR;
}
