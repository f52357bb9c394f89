// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The postmortem index: documents read from a directory tree, incidents
 * with stable ids, action items with content hashes, and the links from
 * policies to them.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fwaudit/files.h"
#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/util.h"
#include "pm_internal.h"

#define MAX_FILE_BYTES (4u << 20)
#define MAX_DEPTH      16

const char *action_status_name(enum action_status s)
{
	return s == ACTION_DONE ? "done" : "open";
}

struct action_item *incident_add_item(struct incident *in, unsigned line)
{
	struct action_item *it;

	GROW(in->items, in->nitems, in->items_cap);
	it = &in->items[in->nitems++];
	memset(it, 0, sizeof(*it));
	it->line = line;
	return it;
}

void incident_warn(struct incident *in, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	in->warnings = xrealloc(in->warnings, (in->nwarnings + 1) * sizeof(*in->warnings));
	in->warnings[in->nwarnings++] = strbuf_detach(&sb);
}

char *slugify(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	bool dash = false;

	for (; *s; s++) {
		if (isalnum((unsigned char)*s) && !((unsigned char)*s & 0x80)) {
			if (dash && sb.len)
				strbuf_addch(&sb, '-');
			strbuf_addch(&sb, (char)tolower((unsigned char)*s));
			dash = false;
		} else {
			dash = true;
		}
	}
	return strbuf_detach(&sb);
}

char *text_normalise(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	bool space = false;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c >= 0x80) {
			if (space && sb.len)
				strbuf_addch(&sb, ' ');
			strbuf_addch(&sb, (char)tolower(c));
			space = false;
		} else {
			space = true;
		}
	}
	return strbuf_detach(&sb);
}

void duration_format(long s, struct strbuf *out)
{
	long d = s / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;

	if (d)
		strbuf_addf(out, "%ldd", d);
	if (h)
		strbuf_addf(out, "%ldh", h);
	if (m || (!d && !h))
		strbuf_addf(out, "%ldm", m);
}

/*
 * "2023-11-08" and "Postmortem: Website Outage on November 8, 2023" ->
 * "2023-11-08-website-outage": the words every postmortem title shares and
 * the date already in front are left out.
 */
static char *incident_slug(const char *date, const char *title)
{
	static const char *const common[] = { "postmortem", "post", "mortem", "0x19", NULL };
	static const char *const dangling[] = { "on",	"of",  "the", "at", "in",
						"from", "for", "-",   NULL };
	static const char *const months[] = { "january",   "february", "march",	   "april",
					      "may",	   "june",     "july",	   "august",
					      "september", "october",  "november", "december" };
	char *slug = slugify(title), *tok, *save = NULL;
	struct strbuf sb = STRBUF_INIT;
	char year[5] = "", month[10] = "", day[3] = "", mm[3] = "", dd[3] = "";
	size_t keep = 0;

	if (date && strlen(date) == 10) {
		int m = atoi(date + 5);

		memcpy(year, date, 4);
		if (m >= 1 && m <= 12)
			snprintf(month, sizeof(month), "%s", months[m - 1]);
		snprintf(day, sizeof(day), "%d", atoi(date + 8));
		memcpy(mm, date + 5, 2);
		memcpy(dd, date + 8, 2);
	}
	if (date)
		strbuf_addstr(&sb, date);
	for (tok = strtok_r(slug, "-", &save); tok; tok = strtok_r(NULL, "-", &save)) {
		bool drop = false;

		for (size_t i = 0; common[i]; i++)
			drop |= !strcmp(tok, common[i]);
		if (*year &&
		    (!strcmp(tok, year) || !strcmp(tok, mm) || !strcmp(tok, dd) ||
		     (strlen(tok) >= 3 && !strncmp(tok, month, strlen(tok))) || !strcmp(tok, day) ||
		     (!strncmp(tok, day, strlen(day)) &&
		      (!strcmp(tok + strlen(day), "st") || !strcmp(tok + strlen(day), "nd") ||
		       !strcmp(tok + strlen(day), "rd") || !strcmp(tok + strlen(day), "th")))))
			drop = true;
		if (drop)
			continue;
		if (sb.len)
			strbuf_addch(&sb, '-');
		strbuf_addstr(&sb, tok);
		/* the last word that is not a dangling preposition */
		drop = false;
		for (size_t i = 0; dangling[i]; i++)
			drop |= !strcmp(tok, dangling[i]);
		if (!drop)
			keep = sb.len;
		if (sb.len > 64)
			break;
	}
	free(slug);
	if (keep < sb.len && keep >= (date ? 10u : 0u))
		strbuf_truncate(&sb, keep);
	if (!sb.len || (date && sb.len == 10))
		strbuf_addstr(&sb, sb.len ? "-postmortem" : "postmortem");
	return strbuf_detach(&sb);
}

static int item_id_cmp(const void *a, const void *b)
{
	const struct action_item *x = *(const struct action_item *const *)a;
	const struct action_item *y = *(const struct action_item *const *)b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

void incident_finish(struct incident *in)
{
	long stated = -1, span = -1;

	if (in->when_raw && !in->start) {
		when_parse_range(in->when_raw, in->date, &in->start, &in->end, &span);
		if (span >= 0)
			in->duration_s = span;
	}
	if (in->start && in->end && in->duration_s < 0 && span < 0) {
		long a = when_iso_seconds(in->start), b = when_iso_seconds(in->end);

		if (a >= 0 && b > a)
			in->duration_s = span = b - a;
	}
	if (in->duration_stated) {
		char *phrase = NULL;

		stated = when_stated_duration(in->duration_stated, &phrase);
		free(phrase);
	}
	if (span >= 0 && stated > 0 && (span > stated * 5 / 4 || span < stated * 3 / 4)) {
		struct strbuf a = STRBUF_INIT;

		duration_format(span, &a);
		incident_warn(in,
			      "the times given span %s but the document also says '%s'; the "
			      "duration is taken from the times",
			      a.buf, in->duration_stated);
		strbuf_release(&a);
	}
	if (in->duration_s < 0 && stated >= 0)
		in->duration_s = stated;
	if (!in->date && in->start)
		in->date = xstrndup(in->start, 10);
	if (!in->id)
		in->id = incident_slug(in->date, in->title);
	for (size_t i = 0; i < in->nitems; i++) {
		struct action_item *it = &in->items[i];
		char hex[65], *norm = text_normalise(it->text);
		char *id;

		sha256_hex(norm, strlen(norm), hex);
		memcpy(it->hash, hex, 12);
		it->hash[12] = 0;
		free(norm);
		if (it->id && strchr(it->id, '#'))
			id = xstrdup(it->id);
		else if (it->id)
			id = xasprintf("%s#%s", in->id, it->id);
		else
			id = xasprintf("%s#%zu", in->id, i + 1);
		free(it->id);
		it->id = id;
		it->incident = in;
	}
	/* a named item may take an id another item has: sorted, so a
	 * document with many items stays n log n */
	if (in->nitems > 1) {
		const struct action_item **by = xmalloc(in->nitems * sizeof(*by));

		for (size_t i = 0; i < in->nitems; i++)
			by[i] = &in->items[i];
		qsort(by, in->nitems, sizeof(*by), item_id_cmp);
		for (size_t i = 1; i < in->nitems; i++)
			if (!strcmp(by[i - 1]->id, by[i]->id))
				incident_warn(in,
					      "two action items have the id %s (lines %u and %u)",
					      by[i]->id, by[i - 1]->line, by[i]->line);
		free(by);
	}
}

static void item_release(struct action_item *it)
{
	free(it->id);
	free(it->text);
	free(it->group);
	free(it->type);
	free(it->owner);
	for (size_t i = 0; i < it->nrefs; i++)
		free(it->refs[i]);
	free(it->refs);
}

void incident_free(struct incident *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->nitems; i++)
		item_release(&in->items[i]);
	free(in->items);
	for (size_t i = 0; i < in->nwarnings; i++)
		free(in->warnings[i]);
	free(in->warnings);
	free(in->id);
	free(in->source);
	free(in->title);
	free(in->date);
	free(in->start);
	free(in->end);
	free(in->when_raw);
	free(in->duration_stated);
	free(in->impact);
	free(in->root_cause);
	free(in->detection);
	free(in);
}

struct postmortem_index *postmortem_index_new(void)
{
	return xcalloc(1, sizeof(struct postmortem_index));
}

void postmortem_index_free(struct postmortem_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->n; i++)
		incident_free(ix->v[i]);
	free(ix->v);
	free(ix);
}

/* The same document read twice: its title and every item, id and content. */
static bool incident_same(const struct incident *a, const struct incident *b)
{
	if (strcmp(a->title ?: "", b->title ?: "") || a->nitems != b->nitems)
		return false;
	for (size_t i = 0; i < a->nitems; i++)
		if (strcmp(a->items[i].id, b->items[i].id) ||
		    strcmp(a->items[i].hash, b->items[i].hash))
			return false;
	return true;
}

/*
 * Add @in unless its id is taken; returns false (and frees it) if it is. A
 * copy of a document already loaded (the shipped examples beside the
 * policies and installed too) is dropped quietly and is no problem.
 */
static bool index_add(struct postmortem_index *ix, struct incident *in, struct strbuf *err)
{
	for (size_t i = 0; i < ix->n; i++)
		if (!strcmp(ix->v[i]->id, in->id)) {
			if (incident_same(ix->v[i], in)) {
				incident_free(in);
				return true;
			}
			strbuf_addf(err,
				    "%s: incident id '%s' is already taken by %s; skipped (give "
				    "it an id of its own: 'id:' in front matter)\n",
				    in->source, in->id, ix->v[i]->source);
			incident_free(in);
			return false;
		}
	ix->v = xrealloc(ix->v, (ix->n + 1) * sizeof(*ix->v));
	ix->v[ix->n++] = in;
	return true;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcasecmp(s + n - k, suffix);
}

static bool is_yaml_name(const char *name)
{
	return has_suffix(name, ".yaml") || has_suffix(name, ".yml");
}

static bool is_doc_name(const char *name)
{
	return name[0] != '.' && (is_yaml_name(name) || has_suffix(name, ".md") ||
				  has_suffix(name, ".markdown") || has_suffix(name, ".txt"));
}

/* Read a regular file of at most MAX_FILE_BYTES; messages name the file. */
static int read_doc(const char *path, char **out, size_t *len, struct strbuf *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), ret = 0;
	size_t got = 0;
	char *buf = NULL;

	if (fd < 0) {
		ret = -errno;
		strbuf_addf(err, "%s: %s; skipped\n", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		strbuf_addf(err, "%s: not a regular file; skipped\n", path);
		ret = -EINVAL;
		goto out;
	}
	if (st.st_size > MAX_FILE_BYTES) {
		strbuf_addf(err, "%s: larger than %u bytes; skipped\n", path, MAX_FILE_BYTES);
		ret = -EFBIG;
		goto out;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			strbuf_addf(err, "%s: %s; skipped\n", path, strerror(errno));
			free(buf);
			buf = NULL;
			goto out;
		}
		if (!r)
			break;
		got += (size_t)r;
	}
	buf[got] = 0;
	*out = buf;
	*len = got;
out:
	close(fd);
	return ret;
}

/* A document with nothing an incident has is not a postmortem. */
static bool says_anything(const struct incident *in)
{
	return in->nitems || in->date || in->impact || in->root_cause || in->when_raw;
}

static int load_file(struct postmortem_index *ix, const char *path, struct strbuf *err)
{
	char *buf = NULL;
	size_t len = 0;
	int skipped = 0;

	if (read_doc(path, &buf, &len, err) < 0)
		return 1;
	if (is_yaml_name(path)) {
		skipped = postmortem_parse_yaml(ix, path, buf, len, err) < 0;
		if (skipped)
			strbuf_addf(err, "%s: skipped\n", path);
	} else {
		struct incident *in = postmortem_parse_markdown(path, buf, len, err);

		if (!in) {
			skipped = 1;
		} else if (!says_anything(in)) {
			strbuf_addf(err,
				    "%s: no incident found (no date, impact, root cause or action "
				    "items); skipped\n",
				    path);
			incident_free(in);
			skipped = 1;
		} else {
			skipped = !index_add(ix, in, err);
		}
	}
	free(buf);
	return skipped;
}

static int load_dir(struct postmortem_index *ix, const char *path, int depth, struct strbuf *err)
{
	char **names = NULL;
	size_t n = 0;
	int skipped = 0, r;

	if (depth > MAX_DEPTH) {
		strbuf_addf(err, "%s: nested deeper than %d directories; skipped\n", path,
			    MAX_DEPTH);
		return 1;
	}
	if ((r = dir_list(path, &names, &n)) < 0) {
		strbuf_addf(err, "%s: %s; skipped\n", path, strerror(-r));
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		const char *base = strrchr(names[i], '/') + 1;

		if (stat(names[i], &st) == 0 && S_ISDIR(st.st_mode))
			skipped += load_dir(ix, names[i], depth + 1, err);
		else if (is_doc_name(base))
			skipped += load_file(ix, names[i], err);
		free(names[i]);
	}
	free(names);
	return skipped;
}

int postmortem_load_path(struct postmortem_index *ix, const char *path, struct strbuf *err)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		int e = errno;

		strbuf_addf(err, "%s: %s\n", path, strerror(e));
		return -e;
	}
	if (S_ISDIR(st.st_mode))
		return load_dir(ix, path, 0, err);
	return load_file(ix, path, err);
}

/* The item with @id, or (@id NULL) the first whose hash starts with @hash. */
static const struct action_item *find(const struct postmortem_index *ix, const char *id,
				      const char *hash)
{
	for (size_t i = 0; i < ix->n; i++)
		for (size_t j = 0; j < ix->v[i]->nitems; j++) {
			const struct action_item *it = &ix->v[i]->items[j];

			if (id ? !strcmp(it->id, id) : !strncmp(it->hash, hash, strlen(hash)))
				return it;
		}
	return NULL;
}

const struct action_item *postmortem_find_item(const struct postmortem_index *ix, const char *id)
{
	return find(ix, id, NULL);
}

/* The incident with @id, or NULL. */
static const struct incident *find_incident(const struct postmortem_index *ix, const char *id,
					    size_t len)
{
	for (size_t i = 0; i < ix->n; i++)
		if (strlen(ix->v[i]->id) == len && !strncmp(ix->v[i]->id, id, len))
			return ix->v[i];
	return NULL;
}

/* Why @ln (of policy @po) names no item of @ix, as one sentence. */
static char *unknown_item(const struct postmortem_index *ix, const char *po,
			  const struct policy_link *ln)
{
	const char *hash = strchr(ln->id, '#');
	size_t len = hash ? (size_t)(hash - ln->id) : strlen(ln->id);
	const struct incident *in = find_incident(ix, ln->id, len);

	if (!ix->n)
		return xasprintf("policy '%s' links to action item '%s', but no postmortems are "
				 "loaded (give --postmortems DIR, or keep them in a postmortems/ "
				 "folder beside the policies)",
				 po, ln->id);
	if (!in)
		return xasprintf("policy '%s' links to action item '%s', but no incident '%.*s' "
				 "is loaded (%zu incident%s loaded; 'fwaudit postmortems' lists "
				 "the ids)",
				 po, ln->id, (int)len, ln->id, ix->n, ix->n == 1 ? "" : "s");
	return xasprintf("policy '%s' links to action item '%s', but incident '%s' (%s) has no "
			 "such item ('fwaudit postmortems' lists its %zu)",
			 po, ln->id, in->id, in->source, in->nitems);
}

int postmortem_link(const struct postmortem_index *ix, struct policy_set *ps, struct strbuf *err)
{
	int unresolved = 0;

	for (size_t i = 0; i < ps->n; i++)
		for (size_t k = 0; k < ps->v[i]->nlinks; k++) {
			struct policy_link *ln = &ps->v[i]->links[k];
			const struct action_item *it = postmortem_find_item(ix, ln->id);
			const struct action_item *moved;

			ln->item = NULL;
			free(ln->problem);
			ln->problem = NULL;
			if (!it)
				ln->problem = unknown_item(ix, ps->v[i]->id, ln);
			else if (ln->hash && strncmp(it->hash, ln->hash, strlen(ln->hash)) &&
				 (moved = find(ix, NULL, ln->hash)))
				ln->problem = xasprintf(
					"link '%s@%s': the document was reordered; that action "
					"item is now %s@%s, and %s reads \"%s\"",
					ln->id, ln->hash, moved->id, moved->hash, ln->id, it->text);
			else if (ln->hash && strncmp(it->hash, ln->hash, strlen(ln->hash)))
				ln->problem = xasprintf(
					"link '%s@%s': the action item was edited and now reads "
					"\"%s\" (hash %s); check that the policy still enforces it "
					"and pin the new hash",
					ln->id, ln->hash, it->text, it->hash);
			else
				ln->item = it;
			if (!ln->problem)
				continue;
			strbuf_addf(err, "%s:%u:%u: %s\n", ln->loc.file, ln->loc.line, ln->loc.col,
				    ln->problem);
			unresolved++;
		}
	return unresolved;
}

/* ---- rendering ---- */

void incident_summary(const struct incident *in, struct strbuf *out)
{
	bool any = false;

	strbuf_addstr(out, in->title);
	if (in->date) {
		strbuf_addf(out, " (%s", in->date);
		any = true;
	}
	if (in->duration_s >= 0) {
		strbuf_addstr(out, any ? ", " : " (");
		duration_format(in->duration_s, out);
		any = true;
	}
	if (in->impact_pct >= 0) {
		strbuf_addf(out, "%s%g%% of users", any ? ", " : " (", in->impact_pct);
		any = true;
	}
	if (any)
		strbuf_addch(out, ')');
}

static void json_key_str(struct strbuf *out, const char *key, const char *value)
{
	strbuf_addf(out, ",\"%s\":", key);
	if (value)
		strbuf_addjson_text(out, value);
	else
		strbuf_addstr(out, "null");
}

void action_item_json(const struct action_item *it, struct strbuf *out)
{
	strbuf_addstr(out, "{\"id\":");
	strbuf_addjson_text(out, it->id);
	json_key_str(out, "hash", it->hash);
	json_key_str(out, "text", it->text);
	json_key_str(out, "group", it->group);
	json_key_str(out, "type", it->type);
	json_key_str(out, "owner", it->owner);
	json_key_str(out, "status", action_status_name(it->status));
	strbuf_addstr(out, ",\"refs\":[");
	for (size_t i = 0; i < it->nrefs; i++) {
		if (i)
			strbuf_addch(out, ',');
		strbuf_addjson_text(out, it->refs[i]);
	}
	strbuf_addf(out, "],\"line\":%u}", it->line);
}

void incident_json(const struct incident *in, bool items, struct strbuf *out)
{
	strbuf_addstr(out, "{\"id\":");
	strbuf_addjson_text(out, in->id);
	json_key_str(out, "source", in->source);
	json_key_str(out, "title", in->title);
	json_key_str(out, "date", in->date);
	json_key_str(out, "start", in->start);
	json_key_str(out, "end", in->end);
	json_key_str(out, "when", in->when_raw);
	if (in->duration_s >= 0) {
		struct strbuf d = STRBUF_INIT;

		duration_format(in->duration_s, &d);
		json_key_str(out, "duration", d.buf);
		strbuf_addf(out, ",\"duration_seconds\":%ld", in->duration_s);
		strbuf_release(&d);
	} else {
		strbuf_addstr(out, ",\"duration\":null,\"duration_seconds\":null");
	}
	json_key_str(out, "duration_stated", in->duration_stated);
	json_key_str(out, "impact", in->impact);
	if (in->impact_pct >= 0)
		strbuf_addf(out, ",\"impact_percent\":%g", in->impact_pct);
	else
		strbuf_addstr(out, ",\"impact_percent\":null");
	json_key_str(out, "root_cause", in->root_cause);
	json_key_str(out, "detection", in->detection);
	strbuf_addstr(out, ",\"warnings\":[");
	for (size_t i = 0; i < in->nwarnings; i++) {
		if (i)
			strbuf_addch(out, ',');
		strbuf_addjson_text(out, in->warnings[i]);
	}
	strbuf_addch(out, ']');
	if (items) {
		strbuf_addstr(out, ",\"action_items\":[");
		for (size_t i = 0; i < in->nitems; i++) {
			if (i)
				strbuf_addch(out, ',');
			action_item_json(&in->items[i], out);
		}
		strbuf_addch(out, ']');
	}
	strbuf_addch(out, '}');
}
