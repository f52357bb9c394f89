/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_STORE_H
#define FWAUDIT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strbuf;
struct ruleset;

/*
 * The state directory (docs/store.md): snapshots stored by the SHA-256 of
 * their bytes under snapshots/, an append-only history whose every entry
 * carries the hash of the one before, and a baseline pointer. Every write
 * goes to a temporary file that is fsynced and renamed, and the history is
 * the commit point: a run killed anywhere leaves the previous history and
 * baseline intact. One writer at a time (flock on DIR/lock).
 */

#define STORE_DEFAULT_DIR "/var/lib/fwaudit"

/**
 * struct history_entry - one line of the history.
 * @seq: 1, 2, ... in order
 * @time: unix time of the run
 * @event: "baseline" (the snapshot became the baseline), "scan" (stored,
 *	baseline kept) or "prune" (the snapshot file was removed by --keep)
 * @snapshot: the snapshot's hash; @baseline: the baseline after this entry
 * @findings, @changes: what the run reported
 * @prev: the previous entry's @hash (64 zeros for the first)
 * @hash: SHA-256 of the previous hash and this entry's text
 */
struct history_entry {
	uint64_t seq;
	int64_t time;
	char event[16];
	char snapshot[65];
	char baseline[65];
	uint32_t findings, changes;
	char prev[65];
	char hash[65];
};

struct store;

/*
 * Open the state directory @dir. A writer (@write) creates it (mode 0700)
 * when missing, waits for the lock, removes temporary files of killed runs
 * and repairs a baseline pointer the history has moved past. A reader takes
 * a shared lock. Returns 0 and sets *out (close with store_close()), or
 * -errno with what is wrong in @err.
 */
int store_open(const char *dir, bool write, struct store **out, struct strbuf *err);
void store_close(struct store *st);

/* The history, oldest first (owned by the store). */
const struct history_entry *store_history(const struct store *st, size_t *n);
/* The baseline's hash, or NULL before the first run. */
const char *store_baseline(const struct store *st);

/*
 * Store @rs as snapshot JSON (docs/snapshot-format.md), streamed to a
 * temporary file and renamed to the SHA-256 of its bytes, which goes to
 * @hash. Returns 0 or -errno.
 */
int store_put_ruleset(struct store *st, const struct ruleset *rs, char hash[65],
		      struct strbuf *err);

/*
 * Append an entry for @snapshot (stored with store_put_ruleset()) and commit it;
 * @event "baseline" also moves the baseline pointer. Returns 0 or -errno.
 */
int store_record(struct store *st, const char *event, const char *snapshot, uint32_t findings,
		 uint32_t changes, struct strbuf *err);

/*
 * Keep the @keep newest snapshots and the baseline; record the others as
 * pruned, then delete them. Returns how many were pruned, or -errno.
 */
int store_prune(struct store *st, unsigned keep, struct strbuf *err);

/*
 * Resolve @ref: a hash or a unique prefix of at least 4 hex digits,
 * "baseline", "latest" or "latest~N" (N runs before the latest). Returns 0
 * with the full hash in @hash, or -ENOENT / -EINVAL with the reason in @err.
 */
int store_resolve(const struct store *st, const char *ref, char hash[65], struct strbuf *err);

/* Load the stored snapshot @hash, checking its bytes still hash to it. */
int store_load(const struct store *st, const char *hash, struct ruleset **out, struct strbuf *err);

/*
 * Check the history chain, every stored snapshot's hash and the baseline
 * pointer. Appends one line per problem (and notes) to @report. Returns the
 * number of problems (0 = intact).
 */
size_t store_verify(const struct store *st, struct strbuf *report);

#endif
