/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_NL_H
#define FWAUDIT_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ruleset;
struct strbuf;

/**
 * struct nl_snapshot_opts - how hard to try for a consistent snapshot.
 * @max_attempts: dumps to try before giving up (each retry backs off)
 * @rcvbuf: receive buffer in bytes (0 = default, 1 MiB)
 */
struct nl_snapshot_opts {
	unsigned max_attempts;
	size_t rcvbuf;
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
 * Record in @rs the TCP sockets listening and UDP sockets bound in the
 * current network namespace (from /proc/self/net). Never fails: a table
 * that cannot be read contributes nothing.
 */
void nl_read_listeners(struct ruleset *rs);

#endif
