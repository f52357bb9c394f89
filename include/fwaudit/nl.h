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

/*
 * Record in @rs the TCP sockets listening and UDP sockets bound in the
 * current network namespace (from /proc/self/net). Never fails: a table
 * that cannot be read contributes nothing.
 */
void nl_read_listeners(struct ruleset *rs);

#endif
