/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_NL_H
#define FWAUDIT_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ruleset;
struct set;
struct strbuf;

/**
 * struct nl_snapshot_opts - how hard to try for a consistent snapshot.
 * @max_attempts: dumps to try before giving up (each retry backs off)
 * @rcvbuf: receive buffer in bytes (0 = default, 1 MiB)
 * @one_thread: read the set elements after the rules, not beside them in a
 *	second thread (another process needs the other CPU meanwhile)
 */
struct nl_snapshot_opts {
	unsigned max_attempts;
	size_t rcvbuf;
	bool one_thread;
};

/**
 * struct nl_snapshot_stats - what taking the snapshot cost.
 * @attempts: dumps taken (1 if the ruleset did not change meanwhile)
 * @messages: netlink messages received in the successful attempt
 */
struct nl_snapshot_stats {
	unsigned attempts;
	unsigned long messages;
};

/*
 * Take a consistent snapshot of the current network namespace's nf_tables
 * ruleset: every object dumped under the same generation id (checked before,
 * after, and in every message's res_id). A dump interrupted by a concurrent
 * change is retaken. On success returns 0 and sets *out (caller frees with
 * ruleset_free()); otherwise -errno with a message in @err:
 * -EPERM when CAP_NET_ADMIN is missing, -EAGAIN when the ruleset kept
 * changing for every attempt.
 */
int nl_snapshot(struct ruleset **out, const struct nl_snapshot_opts *opts,
		struct nl_snapshot_stats *stats, struct strbuf *err);

/*
 * Read the elements of set @set of table @table (@family) again, into a new
 * ruleset holding a copy of @shape (the set as the model has it, without its
 * elements) and what the kernel has in it now, all under one generation, put
 * in *@generation. Returns 0 and *@out (the set in it: the ruleset's only
 * set), or -errno: -EAGAIN if the ruleset changed meanwhile (the set going
 * too).
 */
int nl_dump_set(const struct set *shape, struct ruleset **out, uint32_t *generation,
		struct strbuf *err);

/* Read the current generation id. Returns 0 or -errno. */
int nl_get_generation(uint32_t *generation, struct strbuf *err);

/*
 * Move this thread into another network namespace: @name under /run/netns,
 * or @path (e.g. /proc/PID/ns/net). Exactly one may be non-NULL; both NULL is
 * a no-op. Returns 0 or -errno with a message in @err.
 */
int nl_enter_netns(const char *name, const char *path, struct strbuf *err);

/*
 * Move this process into a new, empty network namespace that disappears
 * with it: unshare(CLONE_NEWNET) as root, else inside a new user namespace
 * that maps our user to root (as `unshare -rn` does); *userns says which.
 * The process must be single-threaded. Returns 0 or -errno with @err.
 */
int nl_private_netns(bool *userns, struct strbuf *err);

/*
 * Create a link (dummy, else veth) for each of the @n interface @names (but "lo") in
 * the current network namespace, so a ruleset naming the host's interfaces
 * (iif, netdev chains, flowtables) loads in a private one. Returns how many
 * were made, or -errno when rtnetlink cannot be opened.
 */
int nl_add_dummy_links(char **names, size_t n);

/*
 * Decode one nf_tables netlink message (NFT_MSG_NEWTABLE, NEWCHAIN, NEWRULE,
 * NEWSET, NEWSETELEM, NEWOBJ, NEWFLOWTABLE) of @len bytes into @rs. Objects
 * must arrive after their table (and rules after their chain, elements after
 * their set). Returns 0, or -EINVAL for a malformed message and -ENOENT for
 * one naming an unknown parent; @rs is then unchanged but for arena memory.
 */
int nl_decode_msg(struct ruleset *rs, const void *msg, size_t len);

/*
 * Apply one nf_tables event (NEW or DEL of a table, chain, rule, set,
 * elements, object or flowtable) to @rs, as the kernel applied it, and say
 * what it was in @what (may be NULL; object NULL for other messages). Give
 * the same @what to each event of a transaction, zeroed at its start: a
 * replaced first rule is placed by the removal before it. Returns
 * 0, or -ENOENT / -EINVAL when the model cannot follow (the caller takes a
 * fresh snapshot). Other messages (NEWGEN) are ignored.
 */
struct nl_applied {
	const char *object;	     /* "table", "chain", "rule", "set", "elements", ... */
	bool removed, removed_first; /* a rule removed was its chain's first */
	const struct table *table;
	const struct chain *chain; /* rules, chains */
	const struct rule *rule;   /* rules (a removed one stays readable) */
	const char *name;	   /* chains, sets, objects, flowtables */
	uint32_t count;		   /* elements */
};

int nl_apply_event(struct ruleset *rs, const void *msg, size_t len, struct nl_applied *what);

/* ---- events (monitor.c) ---- */

struct nlmsghdr;
struct nl_monitor;

/*
 * Subscribe to nftables events in the current network namespace, with a
 * receive buffer of @rcvbuf bytes (forced past rmem_max where allowed).
 * Subscribe before taking the snapshot the events are applied to.
 */
int nl_monitor_open(struct nl_monitor **out, int rcvbuf, struct strbuf *err);
void nl_monitor_close(struct nl_monitor *m);
int nl_monitor_fd(const struct nl_monitor *m);
/* Called for each nftables message; a negative return stops the read. */
typedef int (*nl_event_fn)(const struct nlmsghdr *nlh, void *arg);
/*
 * Read every message waiting (the socket does not block) and pass each to
 * @fn. Returns 0, -ENOBUFS when the kernel dropped events (the model must
 * be read again), another -errno, or what @fn returned.
 */
int nl_monitor_read(struct nl_monitor *m, nl_event_fn fn, void *arg);

/* What NEWGEN says: the generation committed, and by whom. */
struct nl_gen {
	uint32_t id, pid;
	char comm[32];
	bool has_id;
};

int nl_parse_newgen(const struct nlmsghdr *nlh, struct nl_gen *out);

/* ---- the event follower (follow.c) ---- */

/*
 * A model kept at the kernel's ruleset by applying its events: each
 * transaction's messages are held until its NEWGEN and applied only when it
 * follows the model's own generation. A lost event (ENOBUFS), a gap in
 * generations or an event the model cannot follow makes the follower read
 * the whole ruleset again and say so: it never hands on a state it has not
 * seen. It also reads again, when nothing is in flight, the sets the
 * packet path or timeouts change (no event announces that) and, once
 * removed objects fill the model's arena, the whole ruleset to drop them.
 */

struct nl_follower;

/**
 * struct nl_committer - who committed a transaction.
 * @pid, @comm: from the transaction's NEWGEN (0 and "" if it did not say)
 * @has_proc: the process was still there when the transaction was applied:
 *	@uid, @ppid and @cmdline (its arguments joined by spaces, or NULL)
 *	come from /proc/PID
 *
 * @cmdline is owned by the struct: nl_committer_release() frees it.
 */
struct nl_committer {
	uint32_t pid, uid, ppid;
	bool has_proc;
	char comm[32];
	char *cmdline;
};

/* Free @c's command line and zero it. */
void nl_committer_release(struct nl_committer *c);

/**
 * enum nl_update_kind - what the follower did to its model.
 * @NL_UPDATE_COMMIT: applied a transaction (its events went to
 *	nl_follow_ops.applied first); @who committed it
 * @NL_UPDATE_RESYNC: events were lost; the ruleset was read again (a new
 *	model), @why. Events told before it belong to the lost model.
 * @NL_UPDATE_COMPACT: the ruleset was read again to drop removed objects
 *	(a new model, the same ruleset): nothing to report;
 *	@arena_before and @arena_after are the model's sizes in bytes
 * @NL_UPDATE_SET: @set of @table, read again, had @elems_added and
 *	@elems_removed elements no event announced (its elements are new)
 */
enum nl_update_kind {
	NL_UPDATE_COMMIT,
	NL_UPDATE_RESYNC,
	NL_UPDATE_COMPACT,
	NL_UPDATE_SET,
};

/**
 * struct nl_update - what nl_follow_ops.update is told; valid during the call.
 * @kind: what happened (enum nl_update_kind says which fields are set)
 * @generation: the model's generation now
 */
struct nl_update {
	enum nl_update_kind kind;
	uint32_t generation;
	const struct nl_committer *who;
	const char *why;
	size_t arena_before, arena_after;
	const struct table *table;
	const struct set *set;
	uint32_t elems_added, elems_removed;
};

/**
 * struct nl_follow_ops - what the follower tells its user; either may be NULL.
 * @applied: one event of a transaction, just after it was applied, so that
 *	what it names is read from the model as the event left it (a rule
 *	removed with its table still renders with the sets it used). @a, and
 *	the names it points to, are valid during the call only.
 * @update: a transaction committed, the model replaced, a set read again
 * @arg: passed to both
 */
struct nl_follow_ops {
	void (*applied)(const struct nl_applied *a, void *arg);
	void (*update)(const struct nl_update *u, void *arg);
	void *arg;
};

/**
 * struct nl_follow_source - where the follower reads the kernel. The
 *	follower reads the current network namespace's nf_tables when
 *	nl_follow_opts.source is NULL; tests give their own.
 * @read: pass each waiting nftables message to @fn, as nl_monitor_read()
 *	does; 0, -ENOBUFS when messages were lost, another -errno, or what
 *	@fn returned
 * @snapshot: as nl_snapshot()
 * @dump_set: as nl_dump_set()
 * @generation: as nl_get_generation()
 * @arg: passed to each
 */
struct nl_follow_source {
	int (*read)(nl_event_fn fn, void *fn_arg, void *arg);
	int (*snapshot)(struct ruleset **out, void *arg, struct strbuf *err);
	int (*dump_set)(const struct set *shape, struct ruleset **out, uint32_t *generation,
			void *arg, struct strbuf *err);
	int (*generation)(uint32_t *generation, void *arg, struct strbuf *err);
	void *arg;
};

/* The default nl_follow_opts.compact_slack */
#define NL_FOLLOW_COMPACT_SLACK (64u << 20)

/**
 * struct nl_follow_opts - how to follow.
 * @rcvbuf: the event socket's receive buffer in bytes
 * @redump_s: read the dynamic and timeout sets again this often (0: never)
 * @compact_slack: bytes of arena beyond twice the last full read that make
 *	the follower read the ruleset again to drop removed objects
 * @source: NULL: this network namespace's kernel
 */
struct nl_follow_opts {
	int rcvbuf;
	unsigned redump_s;
	size_t compact_slack;
	const struct nl_follow_source *source;
};

/*
 * Subscribe to the events, then read the ruleset (so that no change made
 * meanwhile is lost). Returns 0 and *@out (free with nl_follow_close()),
 * or -errno with a message in @err.
 */
int nl_follow_open(struct nl_follower **out, const struct nl_follow_opts *opts,
		   const struct nl_follow_ops *ops, struct strbuf *err);
/* Unsubscribe and free the follower, its model included (NULL: nothing). */
void nl_follow_close(struct nl_follower *f);

/* The event socket to poll (-1 with a source of a test's own). */
int nl_follow_fd(const struct nl_follower *f);

/*
 * The model: owned by the follower and replaced by each NL_UPDATE_RESYNC
 * and NL_UPDATE_COMPACT (pointers into the old one die with it). The
 * caller may attach what it keeps elsewhere (ruleset files) again then.
 */
struct ruleset *nl_follow_ruleset(const struct nl_follower *f);

/*
 * Read the waiting events, apply each committed transaction, read the
 * ruleset again after a loss. Returns 0, or -errno when the model is lost:
 * the ruleset could not be read again or the socket failed (a message in
 * @err, unless the socket's error says it all: -EIO).
 */
int nl_follow_read(struct nl_follower *f, struct strbuf *err);

/*
 * The dynamic sets' re-read, if it is due at @now (now_ms()): returns 1 when
 * it was (the sets were read unless events are in flight or the caller is
 * @busy with changes it has not reported; then at the next interval), else
 * 0 with *@wake_at when it is due (0: never).
 */
int nl_follow_redump(struct nl_follower *f, int64_t now, bool busy, int64_t *wake_at);

/*
 * What the follower does when its caller has reported every change: after a
 * re-read, ask the kernel's generation (a transaction's NEWGEN may have been
 * lost too) and read again if it moved; compact the model. Returns 1 when
 * it did one of them, 0 with *@wake_at when one is due next (0: none), or
 * -errno when the model is lost (a message in @err). A compaction that
 * failed leaves a message in @err and returns 1.
 */
int nl_follow_idle(struct nl_follower *f, int64_t now, int64_t *wake_at, struct strbuf *err);

/*
 * Record in @rs the TCP sockets listening and UDP sockets bound in the
 * current network namespace (from /proc/self/net). Never fails: a table
 * that cannot be read contributes nothing.
 */
void nl_read_listeners(struct ruleset *rs);

#endif
