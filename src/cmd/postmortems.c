// SPDX-License-Identifier: GPL-2.0-or-later
/* fwaudit postmortems: the incidents and their action items, with ids. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwaudit/cmd.h"
#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/util.h"

static void text_incident(const struct incident *in, struct strbuf *out)
{
	const char *group = NULL;

	strbuf_addf(out, "%s  ", in->id);
	incident_summary(in, out);
	strbuf_addf(out, "\n  source: %s\n", in->source);
	if (in->start)
		strbuf_addf(out, "  when: %s to %s\n", in->start, in->end);
	else if (in->when_raw)
		strbuf_addf(out, "  when: %s\n", in->when_raw);
	if (in->impact)
		strbuf_addf(out, "  impact: %s\n", in->impact);
	if (in->root_cause)
		strbuf_addf(out, "  root cause: %s\n", in->root_cause);
	if (in->detection)
		strbuf_addf(out, "  detection: %s\n", in->detection);
	for (size_t i = 0; i < in->nwarnings; i++)
		strbuf_addf(out, "  warning: %s\n", in->warnings[i]);
	if (!in->nitems)
		strbuf_addstr(out, "  no action items\n");
	for (size_t i = 0; i < in->nitems; i++) {
		const struct action_item *it = &in->items[i];

		if (it->group && (!group || strcmp(group, it->group)))
			strbuf_addf(out, "  %s\n", it->group);
		group = it->group;
		strbuf_addf(out, "    %s@%s [%s] %s", it->id, it->hash,
			    action_status_name(it->status), it->text);
		if (it->type)
			strbuf_addf(out, " (type: %s)", it->type);
		if (it->owner)
			strbuf_addf(out, " (owner: %s)", it->owner);
		strbuf_addch(out, '\n');
	}
}

int cmd_postmortems(int argc, char **argv)
{
	const struct option opts[] = {
		{ "postmortems", required_argument, NULL, 'M' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct postmortem_index *ix = NULL;
	struct strbuf out = STRBUF_INIT;
	char **paths = NULL;
	size_t npaths = 0, skipped = 0;
	bool json = false;
	int c, ret = EXIT_ERROR;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'M':
			path_push(&paths, &npaths, optarg);
			break;
		case 'f':
			if (format_opt("postmortems", optarg, &json))
				goto out;
			break;
		case 'h':
			cmd_usage("postmortems");
			ret = EXIT_CLEAN;
			goto out;
		default:
			goto out;
		}
	}
	for (; optind < argc; optind++) {
		path_push(&paths, &npaths, argv[optind]);
	}
	postmortems_load("postmortems", paths, npaths, NULL, 0, &ix, &skipped);
	if (json) {
		strbuf_addstr(&out, "{\"incidents\":[");
		for (size_t i = 0; i < ix->n; i++) {
			strbuf_addstr(&out, i ? ",\n" : "\n");
			incident_json(ix->v[i], true, &out);
		}
		strbuf_addstr(&out, "]}\n");
	} else {
		for (size_t i = 0; i < ix->n; i++) {
			if (i)
				strbuf_addch(&out, '\n');
			text_incident(ix->v[i], &out);
		}
		if (!ix->n)
			strbuf_addstr(&out, "no postmortems found\n");
	}
	ret = write_out("postmortems", &out);
	/* everything readable is listed; a skipped document still fails the run */
	if (ret == EXIT_CLEAN && skipped)
		ret = EXIT_ERROR;
out:
	postmortem_index_free(ix);
	strbuf_release(&out);
	free(paths);
	return ret;
}
