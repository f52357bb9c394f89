// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fwaudit coverage: for each postmortem action item, the policies that
 * enforce it and whether they hold on this host now.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwaudit/cmd.h"
#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/util.h"

enum coverage {
	COV_UNGUARDED,
	COV_IN_FORCE,
	COV_VIOLATED,
};

static const char *const coverage_names[] = { "unguarded", "in force", "violated" };

/**
 * struct coverage_run - what coverage reports from.
 * @broken: per policy (by index in @ps), its findings at or above @min,
 *	counted once
 * @counts: items per enum coverage, filled while reporting
 */
struct coverage_run {
	const struct postmortem_index *ix;
	const struct policy_set *ps;
	const struct findings *f;
	enum severity min;
	size_t *broken;
	size_t counts[3];
};

/* Does finding @x break its policy's promises? A link it could not resolve
 * is about the documents, not about whether the policy holds. */
static bool breaks(const struct coverage_run *run, const struct finding *x)
{
	return x->severity >= run->min && strcmp(x->check, "policy-link");
}

static void coverage_count(struct coverage_run *run)
{
	run->broken = xcalloc(run->ps->n + 1, sizeof(*run->broken));
	for (size_t i = 0; i < run->f->n; i++)
		for (size_t p = 0; p < run->ps->n; p++)
			if (run->f->v[i].policy == run->ps->v[p] && breaks(run, &run->f->v[i]))
				run->broken[p]++;
}

/* The links no item was found for, after the items: they guard nothing. */
static void unresolved_text(const struct policy_set *ps, struct strbuf *out)
{
	bool first = true;

	for (size_t p = 0; p < ps->n; p++)
		for (size_t k = 0; k < ps->v[p]->nlinks; k++) {
			const struct policy_link *ln = &ps->v[p]->links[k];

			if (!ln->problem)
				continue;
			if (first)
				strbuf_addstr(out, "\nlinks to no action item (the policies are "
						   "checked without them)\n");
			first = false;
			strbuf_addf(out, "  unresolved %s:%u:%u: %s\n", ln->loc.file, ln->loc.line,
				    ln->loc.col, ln->problem);
		}
}

static void unresolved_json(const struct policy_set *ps, struct strbuf *out)
{
	bool first = true;

	strbuf_addstr(out, "\"unresolved_links\":[");
	for (size_t p = 0; p < ps->n; p++)
		for (size_t k = 0; k < ps->v[p]->nlinks; k++) {
			const struct policy_link *ln = &ps->v[p]->links[k];

			if (!ln->problem)
				continue;
			strbuf_addstr(out, first ? "{\"policy\":" : ",{\"policy\":");
			first = false;
			strbuf_addjson_text(out, ps->v[p]->id);
			strbuf_addstr(out, ",\"link\":");
			strbuf_addjson_text(out, ln->id);
			strbuf_addstr(out, ",\"file\":");
			strbuf_addjson_text(out, ln->loc.file);
			strbuf_addf(out, ",\"line\":%u,\"column\":%u,\"problem\":", ln->loc.line,
				    ln->loc.col);
			strbuf_addjson_text(out, ln->problem);
			strbuf_addch(out, '}');
		}
	strbuf_addch(out, ']');
}

static enum coverage item_coverage(const struct coverage_run *run, const struct action_item *it)
{
	enum coverage c = COV_UNGUARDED;

	for (size_t p = 0; p < run->ps->n; p++)
		for (size_t k = 0; k < run->ps->v[p]->nlinks; k++)
			if (run->ps->v[p]->links[k].item == it) {
				if (run->broken[p])
					return COV_VIOLATED;
				c = COV_IN_FORCE;
			}
	return c;
}

static void coverage_text(struct coverage_run *run, struct strbuf *out)
{
	const struct postmortem_index *ix = run->ix;
	const struct policy_set *ps = run->ps;
	const struct findings *f = run->f;
	size_t *counts = run->counts;

	for (size_t i = 0; i < ix->n; i++) {
		const struct incident *in = ix->v[i];

		strbuf_addf(out, "%s%s  ", i ? "\n" : "", in->id);
		incident_summary(in, out);
		strbuf_addch(out, '\n');
		if (!in->nitems)
			strbuf_addstr(out, "  no action items\n");
		for (size_t j = 0; j < in->nitems; j++) {
			const struct action_item *it = &in->items[j];
			enum coverage c = item_coverage(run, it);

			counts[c]++;
			strbuf_addf(out, "  %-9s  %s [%s] %s\n", coverage_names[c], it->id,
				    action_status_name(it->status), it->text);
			for (size_t p = 0; p < ps->n; p++)
				for (size_t k = 0; k < ps->v[p]->nlinks; k++) {
					const struct policy *po = ps->v[p];

					if (po->links[k].item != it)
						continue;
					strbuf_addf(out, "             %s %s (%s)\n",
						    run->broken[p] ? "broken:" : "holds: ", po->id,
						    po->loc.file);
					for (size_t x = 0; x < f->n; x++)
						if (f->v[x].policy == po && breaks(run, &f->v[x]))
							strbuf_addf(out,
								    "               %s %s: %s\n",
								    severity_name(f->v[x].severity),
								    f->v[x].check, f->v[x].message);
				}
		}
	}
	unresolved_text(ps, out);
	strbuf_addf(out, "\n%zu action items: %zu in force, %zu violated, %zu unguarded\n",
		    counts[0] + counts[1] + counts[2], counts[COV_IN_FORCE], counts[COV_VIOLATED],
		    counts[COV_UNGUARDED]);
}

static void coverage_json(struct coverage_run *run, struct strbuf *out)
{
	const struct postmortem_index *ix = run->ix;
	const struct policy_set *ps = run->ps;
	const struct findings *f = run->f;
	size_t *counts = run->counts;

	strbuf_addstr(out, "{\"incidents\":[");
	for (size_t i = 0; i < ix->n; i++) {
		const struct incident *in = ix->v[i];

		strbuf_addstr(out, i ? ",\n" : "\n");
		incident_json(in, false, out);
		strbuf_truncate(out, out->len - 1);
		strbuf_addstr(out, ",\"action_items\":[");
		for (size_t j = 0; j < in->nitems; j++) {
			const struct action_item *it = &in->items[j];
			enum coverage c = item_coverage(run, it);
			bool first = true;

			counts[c]++;
			if (j)
				strbuf_addch(out, ',');
			action_item_json(it, out);
			strbuf_truncate(out, out->len - 1);
			strbuf_addstr(out, ",\"coverage\":");
			strbuf_addjson(out, coverage_names[c]);
			strbuf_addstr(out, ",\"policies\":[");
			for (size_t p = 0; p < ps->n; p++)
				for (size_t k = 0; k < ps->v[p]->nlinks; k++) {
					const struct policy *po = ps->v[p];
					bool first_finding = true;

					if (po->links[k].item != it)
						continue;
					strbuf_addstr(out, first ? "{\"id\":" : ",{\"id\":");
					first = false;
					strbuf_addjson_text(out, po->id);
					strbuf_addstr(out, ",\"file\":");
					strbuf_addjson_text(out, po->loc.file);
					strbuf_addf(out, ",\"holds\":%s,\"findings\":[",
						    run->broken[p] ? "false" : "true");
					for (size_t x = 0; x < f->n; x++) {
						if (f->v[x].policy != po || !breaks(run, &f->v[x]))
							continue;
						strbuf_addstr(out, first_finding ? "{\"id\":"
										 : ",{\"id\":");
						first_finding = false;
						strbuf_addjson_text(out, f->v[x].id);
						strbuf_addstr(out, ",\"severity\":");
						strbuf_addjson(out,
							       severity_name(f->v[x].severity));
						strbuf_addstr(out, ",\"check\":");
						strbuf_addjson_text(out, f->v[x].check);
						strbuf_addstr(out, ",\"message\":");
						strbuf_addjson_text(out, f->v[x].message);
						strbuf_addch(out, '}');
					}
					strbuf_addstr(out, "]}");
				}
			strbuf_addstr(out, "]}");
		}
		strbuf_addstr(out, "]}");
	}
	strbuf_addstr(out, "],\n");
	unresolved_json(ps, out);
	strbuf_addf(out,
		    ",\n\"summary\":{\"action_items\":%zu,\"in_force\":%zu,\"violated\":%zu,"
		    "\"unguarded\":%zu}}\n",
		    counts[0] + counts[1] + counts[2], counts[COV_IN_FORCE], counts[COV_VIOLATED],
		    counts[COV_UNGUARDED]);
}

int cmd_coverage(int argc, char **argv)
{
	const struct option opts[] = {
		SOURCE_OPTIONS,
		POLICY_OPTIONS,
		{ "format", required_argument, NULL, 'f' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct source_opts src = { 0 };
	struct check_opts copts = { 0 };
	struct policy_set *ps = NULL;
	struct postmortem_index *ix = NULL;
	struct ruleset *rs = NULL;
	struct findings found = { 0 };
	struct strbuf out = STRBUF_INIT;
	struct policy_opts po = { .fail_on = SEV_INFO };
	struct coverage_run run = { 0 };
	bool json = false;
	int c, ret = EXIT_ERROR;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (format_opt("coverage", optarg, &json))
				goto out;
			break;
		case 'r':
			copts.root = optarg;
			break;
		case 'h':
			cmd_usage("coverage");
			ret = EXIT_CLEAN;
			goto out;
		default:
			if (source_opt(&src, c, optarg) ||
			    policy_opt("coverage", &po, c, optarg) > 0)
				break;
			goto out;
		}
	}
	if (source_check("coverage", &src, argc, argv, optind))
		goto out;
	if (policy_opts_load("coverage", &po, &ps, &ix))
		goto out;
	if (source_load(&src, &rs))
		goto out;
	policy_check(ps, rs, &copts, &found);
	findings_sort(&found);
	run = (struct coverage_run){ .ix = ix, .ps = ps, .f = &found, .min = po.fail_on };
	coverage_count(&run);
	if (json)
		coverage_json(&run, &out);
	else
		coverage_text(&run, &out);
	ret = write_out("coverage", &out);
	if (ret == EXIT_CLEAN && run.counts[COV_VIOLATED])
		ret = EXIT_FINDINGS;
out:
	free(run.broken);
	findings_release(&found);
	policy_set_free(ps);
	postmortem_index_free(ix);
	ruleset_free(rs);
	strbuf_release(&out);
	policy_opts_release(&po);
	return ret;
}
