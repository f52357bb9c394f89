// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwaudit/cmd.h"
#include "fwaudit/policy.h"
#include "fwaudit/model.h"
#include "fwaudit/nl.h"
#include "fwaudit/util.h"

bool source_opt(struct source_opts *src, int c, const char *arg)
{
	switch (c) {
	case 'n':
		src->netns = arg;
		return true;
	case 'p':
		src->netns_path = arg;
		return true;
	case 's':
		src->snapshot = arg;
		return true;
	default:
		return false;
	}
}

int format_opt(const char *cmd, const char *arg, bool *json)
{
	if (strcmp(arg, "text") && strcmp(arg, "json")) {
		errmsg("%s: --format takes text or json, not %s", cmd, arg);
		return EXIT_ERROR;
	}
	*json = !strcmp(arg, "json");
	return 0;
}

int source_check(const char *cmd, const struct source_opts *src, int argc, char **argv, int optind)
{
	if (optind < argc) {
		errmsg("%s: unexpected argument: %s", cmd, argv[optind]);
		return EXIT_ERROR;
	}
	if (!!src->netns + !!src->netns_path + !!src->snapshot > 1) {
		errmsg("%s: use only one of --netns, --netns-path and --snapshot", cmd);
		return EXIT_ERROR;
	}
	return 0;
}

int source_load(const struct source_opts *src, struct ruleset **out)
{
	struct strbuf err = STRBUF_INIT;
	char *text = NULL;
	size_t len = 0;
	int ret;

	if (src->snapshot) {
		ret = read_file(src->snapshot, &text, &len);
		if (ret < 0) {
			errmsg("%s: %s", src->snapshot, strerror(-ret));
			return EXIT_ERROR;
		}
		ret = ruleset_from_json(text, len, src->snapshot, out, &err);
		free(text);
		if (ret < 0) {
			fprintf(stderr, "%s\n", err.buf);
			strbuf_release(&err);
			return EXIT_ERROR;
		}
		return 0;
	}
	ret = nl_enter_netns(src->netns, src->netns_path, &err);
	if (ret == 0)
		ret = nl_snapshot(out, NULL, NULL, &err);
	if (ret < 0) {
		errmsg("%s", err.buf);
		strbuf_release(&err);
		return EXIT_ERROR;
	}
	return 0;
}

void path_push(char ***v, size_t *n, const char *path)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = (char *)path;
}

int fail_on_opt(const char *cmd, const char *arg, enum severity *out)
{
	if (severity_parse(arg, out) == 0)
		return 0;
	errmsg("%s: --fail-on takes info, low, medium, high or critical, not %s", cmd, arg);
	return EXIT_ERROR;
}
