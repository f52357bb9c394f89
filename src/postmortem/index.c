// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The postmortem index: documents read from a directory tree, one
 * incident each (or several, in the YAML form), and the links from
 * policies to their action items.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/util.h"
#include "pm_internal.h"

#define MAX_FILE_BYTES (4u << 20)
#define MAX_DEPTH      16

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
