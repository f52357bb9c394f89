// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fwaudit/cmd.h"
#include "fwaudit/model.h"
#include "fwaudit/nl.h"
#include "fwaudit/util.h"

/* An existing output that is not a regular file (a device, a FIFO). */
static bool is_special(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

int cmd_snapshot(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		SOURCE_OPTIONS,
		{ "stats", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct source_opts src = { 0 };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	struct nl_snapshot_stats stats = { 0 };
	struct ruleset *rs = NULL;
	const char *output = NULL;
	bool want_stats = false;
	int c, ret;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'S':
			want_stats = true;
			break;
		case 'h':
			cmd_usage("snapshot");
			return EXIT_CLEAN;
		default:
			if (source_opt(&src, c, optarg))
				break;
			return EXIT_ERROR;
		}
	}
	if (source_check("snapshot", &src, argc, argv, optind))
		return EXIT_ERROR;
	if (src.snapshot) {
		ret = source_load(&src, &rs);
		if (ret)
			return ret;
	} else {
		ret = nl_enter_netns(src.netns, src.netns_path, &err);
		if (ret == 0)
			ret = nl_snapshot(&rs, NULL, &stats, &err);
		if (ret < 0) {
			errmsg("%s", err.buf);
			strbuf_release(&err);
			return EXIT_ERROR;
		}
		if (want_stats)
			fprintf(stderr,
				"generation %u: %zu rules, %u attempt(s), %lu messages, "
				"model %zu KiB\n",
				rs->generation, ruleset_count_rules(rs), stats.attempts,
				stats.messages, arena_used(rs->arena) / 1024);
	}
	if (output && strcmp(output, "-") && !is_special(output)) {
		struct atomic_file af;

		ret = atomic_file_open(&af, output);
		if (ret == 0) {
			ret = ruleset_write_json(rs, af.f);
			if (ret < 0)
				atomic_file_abort(&af);
			else
				ret = atomic_file_commit(&af);
		}
		if (ret < 0)
			errmsg("%s: %s", output, strerror(-ret));
	} else if (output && strcmp(output, "-")) {
		/* A device or pipe: write in place, there is nothing to rename over. */
		FILE *f = fopen(output, "w");

		ret = f ? ruleset_write_json(rs, f) : -errno;
		if (f && fclose(f) != 0 && ret == 0)
			ret = -errno;
		if (ret < 0)
			errmsg("%s: %s", output, strerror(-ret));
	} else {
		ret = ruleset_write_json(rs, stdout);
		if (ret == 0 && fflush(stdout) != 0)
			ret = -EIO;
	}
	ruleset_free(rs);
	strbuf_release(&out);
	return ret < 0 ? EXIT_ERROR : EXIT_CLEAN;
}
