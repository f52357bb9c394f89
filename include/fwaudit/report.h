/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_REPORT_H
#define FWAUDIT_REPORT_H

#include <stdbool.h>

#include "fwaudit/policy.h"

struct strbuf;
struct ruleset;

/*
 * Reports: findings as text for people, JSON for programs (docs/report.md),
 * SARIF 2.1.0 for code-scanning tools and JUnit XML for CI test views.
 */

enum report_format {
	REPORT_TEXT,
	REPORT_JSON,
	REPORT_SARIF,
	REPORT_JUNIT,
};

/* "text", "json", "sarif", "junit". Returns 0 or -EINVAL. */
int report_format_parse(const char *name, enum report_format *out);

/**
 * struct report_meta - what the report says about the run itself.
 * @source: where the ruleset came from ("live", "netns web", a file)
 * @rs: the ruleset checked (generation, host), or NULL
 * @ps: the policies checked
 * @fail_on: the severity from which findings fail the run
 * @color: text: use ANSI colours
 */
struct report_meta {
	const char *source;
	const struct ruleset *rs;
	const struct policy_set *ps;
	enum severity fail_on;
	bool color;
};

/* One finding as the JSON report's findings[] object, on one line. */
void report_finding_json(const struct finding *x, struct strbuf *out);

/* Render @f (sorted by the caller) in @fmt into @out. */
void report_render(const struct findings *f, const struct report_meta *m, enum report_format fmt,
		   struct strbuf *out);

/*
 * Prometheus text exposition format: the gauge @name{severity="..."}, one
 * sample per severity (0 included), after its # HELP @help and # TYPE
 * lines. Appended to @out.
 */
void report_metrics_findings(const struct findings *f, const char *name, const char *help,
			     struct strbuf *out);

/*
 * The gauge @name: how many of @f are policy-link findings (links to
 * postmortem action items that could not be resolved), with its # HELP and
 * # TYPE lines. Appended to @out.
 */
void report_metrics_links(const struct findings *f, const char *name, struct strbuf *out);

#endif
