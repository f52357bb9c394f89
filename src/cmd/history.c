// SPDX-License-Identifier: GPL-2.0-or-later
/* fwaudit history: the stored runs, and whether the record is intact. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fwaudit/cmd.h"
#include "fwaudit/store.h"
#include "fwaudit/util.h"

static void list_text(const struct history_entry *v, size_t n, const char *baseline,
		      struct strbuf *out)
{
	if (!n)
		strbuf_addstr(out, "no runs recorded yet\n");
	for (size_t i = 0; i < n; i++) {
		const struct history_entry *e = &v[i];
		char when[64];

		time_text(e->time, when, sizeof(when));
		strbuf_addf(out, "%4llu  %s  %-8s  %.12s", (unsigned long long)e->seq, when,
			    e->event, e->snapshot);
		if (strcmp(e->event, "prune"))
			strbuf_addf(out, "  %u finding%s, %u change%s", e->findings,
				    e->findings == 1 ? "" : "s", e->changes,
				    e->changes == 1 ? "" : "s");
		if (baseline && !strcmp(e->snapshot, baseline) && !strcmp(e->event, "baseline"))
			strbuf_addstr(out, "  (baseline)");
		strbuf_addch(out, '\n');
	}
}

static void list_json(const struct history_entry *v, size_t n, const char *baseline,
		      struct strbuf *out)
{
	strbuf_addstr(out, "{\n  \"baseline\": ");
	if (baseline)
		strbuf_addf(out, "\"%s\"", baseline);
	else
		strbuf_addstr(out, "null");
	strbuf_addstr(out, ",\n  \"entries\": [");
	for (size_t i = 0; i < n; i++)
		strbuf_addf(out,
			    "%s\n    {\"seq\": %llu, \"time\": %lld, \"event\": \"%s\", "
			    "\"snapshot\": \"%s\", \"baseline\": \"%s\", \"findings\": %u, "
			    "\"changes\": %u, \"prev\": \"%s\", \"hash\": \"%s\"}",
			    i ? "," : "", (unsigned long long)v[i].seq, (long long)v[i].time,
			    v[i].event, v[i].snapshot, v[i].baseline, v[i].findings, v[i].changes,
			    v[i].prev, v[i].hash);
	strbuf_addstr(out, n ? "\n  ]\n}\n" : "]\n}\n");
}

int cmd_history(int argc, char **argv)
{
	const struct option opts[] = {
		{ "state", required_argument, NULL, 'S' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *state = STORE_DEFAULT_DIR;
	struct store *st = NULL;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const struct history_entry *v;
	bool json = false, verify = false;
	size_t n;
	int c, ret = EXIT_ERROR;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'S':
			state = optarg;
			break;
		case 'f':
			if (format_opt("history", optarg, &json))
				goto out;
			break;
		case 'h':
			cmd_usage("history");
			ret = EXIT_CLEAN;
			goto out;
		default:
			goto out;
		}
	}
	if (optind < argc && !strcmp(argv[optind], "verify")) {
		verify = true;
		optind++;
	}
	if (optind < argc) {
		errmsg("history: unexpected argument '%s' (only 'verify')", argv[optind]);
		goto out;
	}
	if (store_open(state, false, &st, &err) < 0) {
		errmsg("history: %s", err.buf);
		goto out;
	}
	v = store_history(st, &n);
	if (verify) {
		size_t problems = store_verify(st, &out);

		strbuf_addf(&out, "%s: %zu entr%s, %s\n", state, n, n == 1 ? "y" : "ies",
			    problems ? "TAMPERED OR DAMAGED" : "intact");
		ret = problems ? EXIT_FINDINGS : EXIT_CLEAN;
	} else {
		if (json)
			list_json(v, n, store_baseline(st), &out);
		else
			list_text(v, n, store_baseline(st), &out);
		ret = EXIT_CLEAN;
	}
	if (write_out("history", &out))
		ret = EXIT_ERROR;
out:
	store_close(st);
	strbuf_release(&out);
	strbuf_release(&err);
	return ret;
}
