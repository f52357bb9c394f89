/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_POSTMORTEM_H
#define FWAUDIT_POSTMORTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;
struct policy_set;

/*
 * Postmortems: the incident documents a team already writes (Markdown as
 * people really write it, or the YAML form of fwaudit-postmortem(5)), read
 * into incidents with numbered action items that policies link to.
 */

enum action_status {
	ACTION_OPEN,
	ACTION_DONE,
};

/* "open" or "done". */
const char *action_status_name(enum action_status s);

/**
 * struct action_item - one promise of a postmortem.
 * @id: "INCIDENT#N" (N its ordinal in the document), or INCIDENT#NAME when the
 *	document names it ({#NAME} marker, YAML id)
 * @hash: 12 hex digits of the SHA-256 of the normalised text: a link pinned
 *	to it notices an edited or reordered document
 * @text: the item as one line of plain text (Markdown emphasis removed)
 * @group: the label it was listed under ("Improvements/Fixes"), or NULL
 * @type: prevent, mitigate, process, ... when the document says, or NULL
 * @owner: when the document says, or NULL
 * @refs: tracker references (JIRA-123, #45, URLs, "Bug 5554823")
 * @line: where it starts in the source (1-based)
 */
struct action_item {
	char *id;
	char hash[13];
	char *text, *group, *type, *owner;
	enum action_status status;
	char **refs;
	size_t nrefs;
	uint32_t line;
	const struct incident *incident;
};

/**
 * struct incident - what one postmortem says happened.
 * @id: explicit (front matter, YAML, {#id} on the title) or the slug of
 *	date and title ("2023-06-01-project-artimus-outage")
 * @source: the file it was read from
 * @date: YYYY-MM-DD, or NULL when the document gives none
 * @start, @end: ISO 8601 ("2023-06-01T09:00:00+00:00"; no offset when the
 *	document names no zone), or NULL; @when_raw: the text they came from
 * @duration_s: seconds from @start to @end, else the duration the text
 *	states, or -1; @duration_stated: that statement as written, or NULL
 * @impact: text, or NULL; @impact_pct: percentage of users, or -1
 * @warnings: what looked inconsistent (a stated duration that disagrees
 *	with the times, ...), one sentence each
 */
struct incident {
	char *id;
	char *source;
	char *title;
	char *date;
	char *start, *end, *when_raw;
	long duration_s;
	char *duration_stated;
	char *impact;
	double impact_pct;
	char *root_cause;
	char *detection;
	struct action_item *items;
	size_t nitems, items_cap;
	char **warnings;
	size_t nwarnings;
};

/* "2h30m", "45m", "1d2h" for @seconds (>= 0) into @out. */
void duration_format(long seconds, struct strbuf *out);

/**
 * struct postmortem_index - every incident loaded.
 */
struct postmortem_index {
	struct incident **v;
	size_t n;
};

struct postmortem_index *postmortem_index_new(void);
/* NULL-safe; frees every incident and item. */
void postmortem_index_free(struct postmortem_index *ix);

/*
 * Read one Markdown document (@len bytes, need not be NUL-terminated) named
 * @name. Returns a new incident (free with incident_free()), or NULL with a
 * message appended to @err when it is not a document at all (binary, not
 * UTF-8). A document without action items is an incident with none.
 */
struct incident *postmortem_parse_markdown(const char *name, const char *buf, size_t len,
					   struct strbuf *err);

/*
 * Read the YAML form (one incident per YAML document of the stream) into
 * @ix. Returns 0, or -EINVAL with "NAME:LINE:COL: ..." lines in @err (then
 * nothing from @buf is added).
 */
int postmortem_parse_yaml(struct postmortem_index *ix, const char *name, const char *buf,
			  size_t len, struct strbuf *err);

void incident_free(struct incident *in);

/*
 * Load a file, or every *.md, *.markdown, *.txt, *.yaml, *.yml file under a
 * directory (recursively, sorted). A file that cannot be read or is not a
 * postmortem is reported in @err ("NAME: why") and skipped; the others still
 * load. Duplicate incident ids are reported and the later file skipped.
 * Returns the number of files skipped, or -errno when @path itself is
 * unusable.
 */
int postmortem_load_path(struct postmortem_index *ix, const char *path, struct strbuf *err);

/* The action item @id ("INCIDENT#N"), or NULL. */
const struct action_item *postmortem_find_item(const struct postmortem_index *ix, const char *id);

/*
 * Resolve every policy's links against @ix. A link that names no item of
 * @ix (no postmortems, an unknown incident or item), or whose pinned hash
 * (ID@HASH) no longer matches, gets its @problem set and is one
 * "FILE:LINE:COL: ..." line in @err; the others get their @item. Returns
 * how many links are left unresolved (0: all resolved). Never stops an
 * audit: the policies are checked without the items they could not find.
 */
int postmortem_link(const struct postmortem_index *ix, struct policy_set *ps, struct strbuf *err);

/* ---- rendering, shared by reports and commands ---- */

/* One line: title, date, duration and impact, as far as known. */
void incident_summary(const struct incident *in, struct strbuf *out);
/* The incident as a JSON object (without its action items when !@items). */
void incident_json(const struct incident *in, bool items, struct strbuf *out);
/* The action item as a JSON object. */
void action_item_json(const struct action_item *it, struct strbuf *out);

/* The slug of @s: lowercase ASCII letters and digits joined by '-'. */
char *slugify(const char *s);

#endif
