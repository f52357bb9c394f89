// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "fwaudit/cmd.h"
#include "fwaudit/files.h"
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
	if (ret == 0) {
		struct nl_snapshot_opts o = { .one_thread = src->one_thread };

		ret = nl_snapshot(out, &o, NULL, &err);
	}
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

int watch_opt(const char *cmd, const char *arg, char ***v, size_t *n)
{
	if (arg[0] != '/') {
		errmsg("%s: --watch takes an absolute path, not '%s'", cmd, arg);
		return EXIT_ERROR;
	}
	path_push(v, n, arg);
	return 0;
}

int fail_on_opt(const char *cmd, const char *arg, enum severity *out)
{
	if (severity_parse(arg, out) == 0)
		return 0;
	errmsg("%s: --fail-on takes info, low, medium, high or critical, not %s", cmd, arg);
	return EXIT_ERROR;
}

void source_describe(const struct source_opts *src, struct strbuf *out)
{
	if (src->snapshot)
		strbuf_addf(out, "snapshot %s", src->snapshot);
	else if (src->netns)
		strbuf_addf(out, "netns %s", src->netns);
	else if (src->netns_path)
		strbuf_addf(out, "netns %s", src->netns_path);
	else
		strbuf_addstr(out, "live");
}

bool stdout_color(void)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(STDOUT_FILENO) && !(nc && *nc);
}

static bool captured(const struct ruleset *rs, const char *path)
{
	for (uint32_t i = 0; i < rs->nfiles; i++)
		if (!strcmp(rs->files[i].path, path))
			return true;
	return false;
}

#define WATCH_CAP (1u << 20)

void capture_watched(struct ruleset *rs, const struct policy_set *ps, char **watch, size_t nwatch,
		     const char *root)
{
	rs->has_files = true;
	for (size_t i = 0; ps && i < ps->n; i++) {
		const struct policy *po = ps->v[i];

		for (size_t k = 0; k < po->nfiles; k++)
			if (!captured(rs, po->files[k].path))
				watched_file_capture(rs, root, po->files[k].path,
						     po->files[k].follow_symlinks,
						     po->files[k].max_size);
		for (size_t k = 0; k < po->nwatch; k++)
			if (!captured(rs, po->watch[k]))
				watched_file_capture(rs, root, po->watch[k], false, WATCH_CAP);
	}
	for (size_t i = 0; i < nwatch; i++)
		if (!captured(rs, watch[i]))
			watched_file_capture(rs, root, watch[i], false, WATCH_CAP);
	ruleset_sort_files(rs);
}

int write_out(const char *cmd, const struct strbuf *out)
{
	if (fwrite(out->buf ? out->buf : "", 1, out->len, stdout) != out->len || fflush(stdout)) {
		errmsg("%s: writing: %s", cmd, strerror(errno));
		return EXIT_ERROR;
	}
	return EXIT_CLEAN;
}

bool names_file(const char *ref)
{
	struct stat sb;

	return strchr(ref, '/') || (stat(ref, &sb) == 0 && S_ISREG(sb.st_mode));
}

int count_opt(const char *cmd, const char *opt, const char *arg, unsigned min, unsigned max,
	      unsigned *out)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (!*arg || *end || *arg == '-' || v < min || v > max) {
		errmsg("%s: %s takes a number from %u to %u, not '%s'", cmd, opt, min, max, arg);
		return EXIT_ERROR;
	}
	*out = (unsigned)v;
	return 0;
}

void time_text(int64_t t, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !localtime_r(&tt, &tm) || !strftime(buf, n, "%Y-%m-%d %H:%M:%S %Z", &tm))
		snprintf(buf, n, "unknown time");
}
