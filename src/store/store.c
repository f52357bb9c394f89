// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The state directory. Order of writes in a run: the snapshot file, then
 * the history (the commit point), then the baseline pointer. A run killed
 * before the history rename leaves an unreferenced snapshot file (removed
 * by the next prune); killed after it, a pointer that lags the history
 * (repaired by the next writer). Neither loses or corrupts what was there.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fwaudit/files.h"
#include "fwaudit/model.h"
#include "fwaudit/store.h"
#include "fwaudit/util.h"

static const char zero_hash[65] =
	"0000000000000000000000000000000000000000000000000000000000000000";

struct store {
	char *dir;
	int lockfd;
	bool write;
	struct history_entry *v;
	size_t n, cap;
	char *text; /* the history file as read */
	size_t len;
	struct strbuf problems; /* found while reading: reported by verify */
	size_t nproblems;
	char baseline[65]; /* the pointer file's content, "" if none */
};

static char *path_in(const struct store *st, const char *name)
{
	return xasprintf("%s/%s", st->dir, name);
}

static char *snapshot_path(const struct store *st, const char *hash)
{
	return xasprintf("%s/snapshots/%s.json", st->dir, hash);
}

static bool is_hash(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* The entry's text without its hash: what the hash covers. */
static void entry_body(const struct history_entry *e, struct strbuf *out)
{
	strbuf_addf(out,
		    "{\"seq\": %llu, \"time\": %lld, \"event\": \"%s\", \"snapshot\": \"%s\", "
		    "\"baseline\": \"%s\", \"findings\": %u, \"changes\": %u, \"prev\": \"%s\"",
		    (unsigned long long)e->seq, (long long)e->time, e->event, e->snapshot,
		    e->baseline, e->findings, e->changes, e->prev);
}

static void entry_hash(const struct history_entry *e, char hash[65])
{
	struct strbuf body = STRBUF_INIT;

	entry_body(e, &body);
	sha256_hex(body.buf, body.len, hash);
	strbuf_release(&body);
}

static void entry_line(const struct history_entry *e, struct strbuf *out)
{
	entry_body(e, out);
	strbuf_addf(out, ", \"hash\": \"%s\"}\n", e->hash);
}

/*
 * Read the history. A line that does not parse is a problem for verify,
 * not a reason to refuse the store: the entries around it still count.
 */
static void history_parse(struct store *st)
{
	char *p = st->text, *end = st->text + st->len;
	unsigned line = 0;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct history_entry e = { 0 };
		struct strbuf again = STRBUF_INIT, why = STRBUF_INIT;
		int64_t seq = 0, findings = 0, changes = 0;
		const struct json_field fields[] = {
			{ "seq", &seq, NULL, 0, false },
			{ "time", &e.time, NULL, 0, false },
			{ "event", NULL, e.event, sizeof(e.event), false },
			{ "snapshot", NULL, e.snapshot, sizeof(e.snapshot), true },
			{ "baseline", NULL, e.baseline, sizeof(e.baseline), true },
			{ "findings", &findings, NULL, 0, false },
			{ "changes", &changes, NULL, 0, false },
			{ "prev", NULL, e.prev, sizeof(e.prev), true },
			{ "hash", NULL, e.hash, sizeof(e.hash), true },
		};

		line++;
		if (json_object_read(p, n, fields, ARRAY_SIZE(fields), &why) < 0) {
			st->nproblems++;
			strbuf_addf(&st->problems, "history:%u: not a history entry (%s)\n", line,
				    why.buf);
			strbuf_release(&why);
			goto next;
		}
		e.seq = (uint64_t)seq;
		e.findings = (uint32_t)findings;
		e.changes = (uint32_t)changes;
		/* the line must be exactly what the writer writes: no edit goes unnoticed */
		entry_line(&e, &again);
		if (again.len != n + 1 || memcmp(again.buf, p, n)) {
			st->nproblems++;
			strbuf_addf(&st->problems,
				    "history:%u: entry is not in the form fwaudit "
				    "writes (edited by hand?)\n",
				    line);
		}
		strbuf_release(&again);
		if (st->n == st->cap) {
			st->cap = st->cap ? 2 * st->cap : 64;
			st->v = xrealloc(st->v, st->cap * sizeof(*st->v));
		}
		st->v[st->n++] = e;
	next:
		p += n + (nl ? 1 : 0);
	}
	if (st->len && st->text[st->len - 1] != '\n') {
		st->nproblems++;
		strbuf_addf(&st->problems, "history:%u: last entry is incomplete\n", line);
	}
}

/* Temporary files of a killed run: "NAME.tmp.XXXXXX". */
static void remove_temporaries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".tmp.")) {
			char *p = xasprintf("%s/%s", dir, de->d_name);

			unlink(p);
			free(p);
		}
	closedir(d);
}

static int write_baseline(struct store *st, const char *hash)
{
	char *p = path_in(st, "baseline");
	char line[66];
	int r;

	snprintf(line, sizeof(line), "%s\n", hash);
	r = write_file_atomic(p, line, 65);
	free(p);
	if (!r)
		snprintf(st->baseline, sizeof(st->baseline), "%s", hash);
	return r;
}

int store_open(const char *dir, bool write, struct store **out, struct strbuf *err)
{
	struct store *st = xcalloc(1, sizeof(*st));
	char *p = NULL, *text = NULL;
	size_t len = 0;
	int r = 0;

	st->dir = xstrdup(dir);
	st->lockfd = -1;
	st->write = write;
	st->problems = (struct strbuf)STRBUF_INIT;
	if (write) {
		char *snaps = path_in(st, "snapshots");

		if ((mkdir(dir, 0700) < 0 && errno != EEXIST) ||
		    (mkdir(snaps, 0700) < 0 && errno != EEXIST)) {
			r = -errno;
			strbuf_addf(err, "%s: cannot create the state directory: %s", dir,
				    strerror(errno));
			free(snaps);
			goto out;
		}
		free(snaps);
	}
	p = path_in(st, "lock");
	st->lockfd = open(p, (write ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC, 0600);
	if (st->lockfd < 0) {
		r = -errno;
		if (errno == ENOENT)
			strbuf_addf(err, "%s: no fwaudit state here (a first scan creates it)",
				    dir);
		else
			strbuf_addf(err, "%s: %s", p, strerror(errno));
		goto out;
	}
	while (flock(st->lockfd, write ? LOCK_EX : LOCK_SH) < 0)
		if (errno != EINTR) {
			r = -errno;
			strbuf_addf(err, "%s: cannot lock: %s", p, strerror(errno));
			goto out;
		}
	free(p);
	p = path_in(st, "history");
	r = read_file(p, &text, &len);
	if (r == -ENOENT) {
		r = 0;
	} else if (r < 0) {
		strbuf_addf(err, "%s: %s", p, strerror(-r));
		goto out;
	} else {
		st->text = text;
		st->len = len;
		text = NULL;
		history_parse(st);
	}
	free(p);
	p = path_in(st, "baseline");
	if (read_file(p, &text, &len) == 0) {
		if (len == 65 && text[64] == '\n') {
			text[64] = 0;
			if (is_hash(text))
				memcpy(st->baseline, text, 65);
		}
		if (!st->baseline[0]) {
			st->nproblems++;
			strbuf_addstr(&st->problems, "baseline: not a snapshot hash\n");
		}
	}
	if (write) {
		char *snaps = path_in(st, "snapshots");

		remove_temporaries(dir);
		remove_temporaries(snaps);
		free(snaps);
		/* the history is the commit point: a lagging pointer follows it */
		if (st->n && strcmp(st->baseline, st->v[st->n - 1].baseline) &&
		    is_hash(st->v[st->n - 1].baseline))
			r = write_baseline(st, st->v[st->n - 1].baseline);
		if (r < 0) {
			strbuf_addf(err, "%s: %s", p, strerror(-r));
			goto out;
		}
	}
out:
	free(p);
	free(text);
	if (r < 0) {
		store_close(st);
		return r;
	}
	*out = st;
	return 0;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->lockfd >= 0)
		close(st->lockfd); /* releases the lock */
	free(st->dir);
	free(st->v);
	free(st->text);
	strbuf_release(&st->problems);
	free(st);
}

const struct history_entry *store_history(const struct store *st, size_t *n)
{
	*n = st->n;
	return st->v;
}

const char *store_baseline(const struct store *st)
{
	return st->baseline[0] ? st->baseline : NULL;
}

int store_put_ruleset(struct store *st, const struct ruleset *rs, char hash[65], struct strbuf *err)
{
	struct atomic_file af;
	char *pending = snapshot_path(st, "pending"), *final = NULL;
	int r = atomic_file_open(&af, pending);

	free(pending);
	if (r < 0) {
		strbuf_addf(err, "%s/snapshots: %s", st->dir, strerror(-r));
		return r;
	}
	/* streamed, then hashed from the file: no copy of the JSON in memory */
	if (ruleset_write_json(rs, af.f) < 0 || fflush(af.f) != 0) {
		r = -errno;
		goto fail;
	}
	r = sha256_fd(fileno(af.f), hash);
	if (r < 0)
		goto fail;
	final = snapshot_path(st, hash);
	if (access(final, F_OK) == 0) {
		/* content-addressed: the same bytes are already there */
		atomic_file_abort(&af);
		free(final);
		return 0;
	}
	free(af.path);
	af.path = final;
	r = atomic_file_commit(&af);
	if (r < 0)
		strbuf_addf(err, "%s/snapshots: %s", st->dir, strerror(-r));
	return r;
fail:
	strbuf_addf(err, "%s/snapshots: %s", st->dir, strerror(-r));
	atomic_file_abort(&af);
	return r;
}

/* Append @add entries to the history: the whole file is rewritten and renamed. */
static int history_commit(struct store *st, struct history_entry *add, size_t nadd,
			  struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	char *p = path_in(st, "history");
	int r;

	strbuf_add(&text, st->text ? st->text : "", st->len);
	for (size_t i = 0; i < nadd; i++) {
		const struct history_entry *last = st->n ? &st->v[st->n - 1] : NULL;
		struct history_entry *e = &add[i];

		e->seq = last ? last->seq + 1 : 1;
		memcpy(e->prev, last ? last->hash : zero_hash, 65);
		entry_hash(e, e->hash);
		entry_line(e, &text);
		if (st->n == st->cap) {
			st->cap = st->cap ? 2 * st->cap : 64;
			st->v = xrealloc(st->v, st->cap * sizeof(*st->v));
		}
		st->v[st->n++] = *e;
	}
	r = write_file_atomic(p, text.buf, text.len);
	if (r < 0) {
		strbuf_addf(err, "%s: %s", p, strerror(-r));
		st->n -= nadd;
		strbuf_release(&text);
	} else {
		free(st->text);
		st->len = text.len;
		st->text = strbuf_detach(&text);
	}
	free(p);
	return r;
}

int store_record(struct store *st, const char *event, const char *snapshot, uint32_t findings,
		 uint32_t changes, struct strbuf *err)
{
	struct history_entry e = { .time = time(NULL), .findings = findings, .changes = changes };
	bool baseline = !strcmp(event, "baseline");
	int r;

	snprintf(e.event, sizeof(e.event), "%s", event);
	memcpy(e.snapshot, snapshot, 65);
	memcpy(e.baseline, baseline ? snapshot : st->baseline[0] ? st->baseline : zero_hash, 65);
	r = history_commit(st, &e, 1, err);
	if (!r && baseline) {
		r = write_baseline(st, snapshot);
		if (r < 0)
			strbuf_addf(err, "%s/baseline: %s", st->dir, strerror(-r));
	}
	return r;
}

/*
 * Where each snapshot stands in the history: its newest entry and its
 * newest prune (SIZE_MAX when none), sorted by hash, so that the questions
 * a run asks of every entry and every file cost a search, not a scan.
 */
struct snap_state {
	const char *hash;
	size_t last_ref, last_prune;
};

static int snap_state_cmp(const void *a, const void *b)
{
	return strcmp(((const struct snap_state *)a)->hash, ((const struct snap_state *)b)->hash);
}

static struct snap_state *snap_index(const struct store *st, size_t *n)
{
	struct snap_state *v = xcalloc(st->n + 1, sizeof(*v));
	size_t k = 0;

	for (size_t i = 0; i < st->n; i++)
		v[i] = (struct snap_state){ st->v[i].snapshot, SIZE_MAX, SIZE_MAX };
	qsort(v, st->n, sizeof(*v), snap_state_cmp);
	for (size_t i = 0; i < st->n; i++)
		if (!k || strcmp(v[k - 1].hash, v[i].hash))
			v[k++] = v[i];
	for (size_t i = 0; i < st->n; i++) {
		struct snap_state key = { .hash = st->v[i].snapshot };
		struct snap_state *s = bsearch(&key, v, k, sizeof(*v), snap_state_cmp);

		if (!strcmp(st->v[i].event, "prune"))
			s->last_prune = i;
		else
			s->last_ref = i;
	}
	*n = k;
	return v;
}

static const struct snap_state *snap_find(const struct snap_state *v, size_t n, const char *hash)
{
	struct snap_state key = { .hash = hash };

	return bsearch(&key, v, n, sizeof(*v), snap_state_cmp);
}

/* Recorded in the history and not pruned since. */
static bool snap_live(const struct snap_state *s)
{
	return s && s->last_ref != SIZE_MAX &&
	       (s->last_prune == SIZE_MAX || s->last_ref > s->last_prune);
}

int store_prune(struct store *st, unsigned keep, struct strbuf *err)
{
	struct history_entry *add = xcalloc(st->n + 1, sizeof(*add));
	char **names = NULL, *snaps = path_in(st, "snapshots");
	size_t nadd = 0, kept = 0, nnames = 0, nidx;
	struct snap_state *idx = snap_index(st, &nidx);
	int r = 0;

	/* newest first: the first @keep distinct live snapshots stay */
	for (size_t i = st->n; i-- > 0;) {
		const struct history_entry *e = &st->v[i];
		const struct snap_state *s = snap_find(idx, nidx, e->snapshot);

		/* each live snapshot once, at its newest entry */
		if (!snap_live(s) || s->last_ref != i)
			continue;
		if (kept < keep || !strcmp(e->snapshot, st->baseline)) {
			kept++;
			continue;
		}
		add[nadd] = (struct history_entry){ .time = time(NULL) };
		snprintf(add[nadd].event, sizeof(add[nadd].event), "prune");
		memcpy(add[nadd].snapshot, e->snapshot, 65);
		memcpy(add[nadd].baseline, st->baseline[0] ? st->baseline : zero_hash, 65);
		nadd++;
	}
	if (nadd) {
		r = history_commit(st, add, nadd, err);
		if (r < 0)
			goto out;
		free(idx);
		idx = snap_index(st, &nidx);
	}
	/* after the commit: the files themselves, and any no entry names */
	if (dir_list(snaps, &names, &nnames) == 0) {
		for (size_t i = 0; i < nnames; i++) {
			const char *base = strrchr(names[i], '/') + 1;
			char hash[65];

			if (strlen(base) == 69 && !strcmp(base + 64, ".json")) {
				snprintf(hash, sizeof(hash), "%.64s", base);
				if (!snap_live(snap_find(idx, nidx, hash)))
					unlink(names[i]);
			}
			free(names[i]);
		}
		free(names);
	}
	r = (int)nadd;
out:
	free(idx);
	free(add);
	free(snaps);
	return r;
}

int store_resolve(const struct store *st, const char *ref, char hash[65], struct strbuf *err)
{
	size_t n = strlen(ref), found = 0;

	if (!strcmp(ref, "baseline")) {
		if (!st->baseline[0]) {
			strbuf_addf(err, "no baseline yet in %s", st->dir);
			return -ENOENT;
		}
		memcpy(hash, st->baseline, 65);
		return 0;
	}
	if (!strncmp(ref, "latest", 6) && (!ref[6] || ref[6] == '~')) {
		char *end;
		unsigned long back = ref[6] ? strtoul(ref + 7, &end, 10) : 0;

		if (ref[6] && (!ref[7] || *end)) {
			strbuf_addf(err, "'%s': expected latest or latest~N", ref);
			return -EINVAL;
		}
		for (size_t i = st->n; i-- > 0;) {
			if (!strcmp(st->v[i].event, "prune"))
				continue;
			if (back-- == 0) {
				memcpy(hash, st->v[i].snapshot, 65);
				return 0;
			}
		}
		strbuf_addf(err, "'%s': the history holds fewer runs", ref);
		return -ENOENT;
	}
	if (n < 4 || n > 64 || strspn(ref, "0123456789abcdef") != n) {
		strbuf_addf(err,
			    "'%s' is not a snapshot hash (4 to 64 hex digits), baseline, latest "
			    "or latest~N",
			    ref);
		return -EINVAL;
	}
	for (size_t i = 0; i < st->n; i++) {
		if (strncmp(st->v[i].snapshot, ref, n) || !strcmp(st->v[i].event, "prune"))
			continue;
		if (found && strcmp(hash, st->v[i].snapshot)) {
			strbuf_addf(err, "'%s' is ambiguous: %.12s and %.12s", ref, hash,
				    st->v[i].snapshot);
			return -EINVAL;
		}
		memcpy(hash, st->v[i].snapshot, 65);
		found++;
	}
	if (!found) {
		strbuf_addf(err, "no snapshot %s in %s", ref, st->dir);
		return -ENOENT;
	}
	return 0;
}

static bool was_pruned(const struct store *st, const char *hash)
{
	size_t n;
	struct snap_state *idx = snap_index(st, &n);
	const struct snap_state *s = snap_find(idx, n, hash);
	bool pruned = s && s->last_prune != SIZE_MAX;

	free(idx);
	return pruned;
}

int store_load(const struct store *st, const char *hash, struct ruleset **out, struct strbuf *err)
{
	char *p = snapshot_path(st, hash), *text = NULL;
	char again[65];
	size_t len = 0;
	int r = read_file(p, &text, &len);

	if (r < 0) {
		strbuf_addf(err, "%s: %s%s", p, strerror(-r),
			    was_pruned(st, hash) ? " (pruned by --keep)" : "");
		goto out;
	}
	sha256_hex(text, len, again);
	if (strcmp(again, hash)) {
		strbuf_addf(err, "%s: content does not match its hash (changed on disk)", p);
		r = -EBADMSG;
		goto out;
	}
	r = ruleset_from_json(text, len, p, out, err);
out:
	free(p);
	free(text);
	return r;
}

size_t store_verify(const struct store *st, struct strbuf *report)
{
	size_t problems = st->nproblems, line = 0, nidx;
	const char *prev = zero_hash;
	const char *last_baseline = NULL;
	struct snap_state *idx = snap_index(st, &nidx);
	const struct snap_state *snap;

	strbuf_add(report, st->problems.buf ? st->problems.buf : "", st->problems.len);
	for (size_t i = 0; i < st->n; i++) {
		const struct history_entry *e = &st->v[i];
		char h[65];
		char *p;
		struct stat sb;

		line = i + 1;
		entry_hash(e, h);
		if (e->seq != i + 1) {
			strbuf_addf(report,
				    "history:%zu: sequence number %llu, expected %zu (an entry "
				    "was removed or inserted)\n",
				    line, (unsigned long long)e->seq, i + 1);
			problems++;
		}
		if (strcmp(e->prev, prev)) {
			strbuf_addf(report,
				    "history:%zu: does not follow the entry before it (the "
				    "chain is broken: an entry was edited, removed or "
				    "inserted)\n",
				    line);
			problems++;
		}
		if (strcmp(h, e->hash)) {
			strbuf_addf(report, "history:%zu: hash does not match the entry (edited)\n",
				    line);
			problems++;
		}
		prev = e->hash;
		if (strcmp(e->event, "baseline") && strcmp(e->event, "scan") &&
		    strcmp(e->event, "prune")) {
			strbuf_addf(report, "history:%zu: unknown event '%s'\n", line, e->event);
			problems++;
		}
		if (!strcmp(e->event, "prune"))
			continue;
		last_baseline = e->baseline;
		/* each snapshot once, at its newest entry: there it must exist unless pruned since */
		snap = snap_find(idx, nidx, e->snapshot);
		if (snap->last_ref != i)
			continue;
		p = snapshot_path(st, e->snapshot);
		if (stat(p, &sb) < 0) {
			if (snap_live(snap)) {
				strbuf_addf(report,
					    "history:%zu: snapshot %.12s is missing (deleted "
					    "outside fwaudit)\n",
					    line, e->snapshot);
				problems++;
			}
		} else {
			char *text = NULL, again[65];
			size_t len = 0;

			if (read_file(p, &text, &len) < 0) {
				strbuf_addf(report, "history:%zu: snapshot %.12s unreadable\n",
					    line, e->snapshot);
				problems++;
			} else {
				sha256_hex(text, len, again);
				if (strcmp(again, e->snapshot)) {
					strbuf_addf(report,
						    "history:%zu: snapshot %.12s was changed "
						    "on disk\n",
						    line, e->snapshot);
					problems++;
				}
			}
			free(text);
		}
		free(p);
	}
	if (!st->n && st->baseline[0]) {
		strbuf_addstr(report, "baseline: set, but the history is empty\n");
		problems++;
	} else if (st->n && strcmp(st->baseline, st->v[st->n - 1].baseline)) {
		bool earlier = false;

		for (size_t i = 0; i + 1 < st->n && !earlier; i++)
			earlier = !strcmp(st->v[i].baseline, st->baseline);
		if (earlier && last_baseline) {
			strbuf_addf(report,
				    "note: the baseline pointer lags the history (a run "
				    "was interrupted); the next scan moves it to %.12s\n",
				    st->v[st->n - 1].baseline);
		} else {
			strbuf_addf(report,
				    "baseline: points to %.12s, which the history never made "
				    "the baseline\n",
				    st->baseline[0] ? st->baseline : "nothing");
			problems++;
		}
	}
	free(idx);
	return problems;
}
