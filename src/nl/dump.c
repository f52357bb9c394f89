// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Consistent ruleset dumps. The kernel gives no transaction over several
 * dumps, so consistency is checked, not assumed: the generation id is read
 * before and after, each dump message carries the generation it was built
 * under (nfgenmsg.res_id, low 16 bits), and the kernel flags a dump that a
 * commit interrupted with NLM_F_DUMP_INTR (nl_dump_check_consistent()).
 * Any mismatch throws the whole attempt away.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/utsname.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "fwaudit/model.h"
#include "fwaudit/nl.h"
#include "fwaudit/util.h"

#define DEFAULT_RCVBUF (1024 * 1024)

struct dumper {
	struct mnl_socket *nl;
	char *buf;
	size_t bufsz;
	uint32_t portid;
	uint32_t seq;
	uint32_t generation;
	bool interrupted;
	unsigned long messages;
	struct ruleset *rs;
	struct strbuf *err;
};

static int dumper_open(struct dumper *d, size_t bufsz, struct strbuf *err)
{
	int one = 1;

	memset(d, 0, sizeof(*d));
	d->err = err;
	d->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!d->nl) {
		int ret = -errno;

		strbuf_addf(err, "cannot open netlink socket: %s", strerror(errno));
		return ret;
	}
	if (mnl_socket_bind(d->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int ret = -errno;

		strbuf_addf(err, "cannot bind netlink socket: %s", strerror(errno));
		mnl_socket_close(d->nl);
		d->nl = NULL;
		return ret;
	}
	/* Extended ACKs give the kernel's reason for an error, where it has one. */
	mnl_socket_setsockopt(d->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	d->portid = mnl_socket_get_portid(d->nl);
	d->seq = (uint32_t)time(NULL);
	d->bufsz = bufsz;
	/*
	 * The kernel sizes each dump skb by the largest read the socket has
	 * seen (netlink_recvmsg() max_recvmsg_len), so a large buffer means
	 * fewer rounds; set-element messages can exceed 64 KiB.
	 */
	d->buf = xmalloc(bufsz);
	return 0;
}

static void dumper_close(struct dumper *d)
{
	if (d->nl)
		mnl_socket_close(d->nl);
	free(d->buf);
	d->nl = NULL;
	d->buf = NULL;
}

static int errno_message(struct dumper *d, int err, const char *what)
{
	if (err == EPERM || err == EACCES)
		strbuf_addf(d->err,
			    "%s: permission denied: reading nftables needs CAP_NET_ADMIN "
			    "(run as root, or grant the capability)",
			    what);
	else
		strbuf_addf(d->err, "%s: %s", what, strerror(err));
	return -err;
}

/* Send one request; returns 0 or -errno. */
static int send_request(struct dumper *d, struct nlmsghdr *nlh, const char *what)
{
	if (mnl_socket_sendto(d->nl, nlh, nlh->nlmsg_len) < 0)
		return errno_message(d, errno, what);
	return 0;
}

/*
 * Read replies to the request @seq until NLMSG_DONE (dump) or the one reply
 * (non-dump). Each message goes to decode when the ruleset is set.
 */
/* One read from the socket, retried on signals; bytes read or -errno. */
static ssize_t recv_retry(struct dumper *d)
{
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(d->nl, d->buf, d->bufsz);

		if (n >= 0)
			return n;
		if (errno != EINTR)
			return -errno;
	}
}

static int receive(struct dumper *d, uint32_t seq, bool dump, const char *what, uint32_t *gen_out)
{
	for (;;) {
		ssize_t n = recv_retry(d);
		const struct nlmsghdr *nlh;
		int len;

		if (n < 0) {
			if (n == -ENOBUFS) {
				/* Replies were lost: this attempt is void. */
				d->interrupted = true;
				continue;
			}
			return errno_message(d, (int)-n, what);
		}
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)d->buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nfgenmsg *nfg;

			if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != d->portid)
				continue;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				d->interrupted = true;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

				if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
					return errno_message(d, EBADMSG, what);
				if (e->error == 0 && !dump)
					return 0;
				if (e->error == -EINTR) {
					/* nfnetlink gave up mid-dump on a change: retake. */
					d->interrupted = true;
					return 0;
				}
				return errno_message(d, -e->error, what);
			}
			if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*nfg)))
				return errno_message(d, EBADMSG, what);
			nfg = mnl_nlmsg_get_payload(nlh);
			if (gen_out) {
				struct nlattr *a;
				uint32_t gen = 0;

				mnl_attr_for_each(
					a, nlh,
					sizeof(*nfg)) if (mnl_attr_get_type(a) == NFTA_GEN_ID &&
							  mnl_attr_get_payload_len(a) >= 4) gen =
					ntohl(mnl_attr_get_u32(a));
				*gen_out = gen;
				if (!dump)
					return 0;
				continue;
			}
			d->messages++;
			if (ntohs(nfg->res_id) != (d->generation & 0xffff)) {
				d->interrupted = true;
				continue;
			}
			if (d->interrupted)
				continue; /* drain to DONE, the attempt is void */
			if (nl_decode_msg(d->rs, nlh, (size_t)nlh->nlmsg_len) < 0) {
				/*
				 * A parent missing under an unchanged generation
				 * means the dumps disagree: treat as interrupted.
				 */
				d->interrupted = true;
			}
		}
	}
}

static struct nlmsghdr *put_batch_msg(char *buf, uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(NFNL_SUBSYS_NFTABLES);
	return nlh;
}

/*
 * The generation id is bumped when a commit starts, before its changes
 * become visible (nf_tables_commit()), so reading id G does not mean the
 * commit that made G is done: a dump could still catch it half applied.
 * An empty batch carrying NFNL_BATCH_GENID takes the commit mutex
 * (nf_tables_valid_genid()), so it returns only after any commit in flight
 * has finished, and fails with ERESTART if the id is no longer @gen.
 * Returns 0, 1 if the generation moved on, or -errno.
 */
static int commit_barrier(struct dumper *d, uint32_t gen)
{
	char req[2 * MNL_SOCKET_BUFFER_SIZE];
	uint32_t seq_begin = ++d->seq, seq_end = ++d->seq;
	struct nlmsghdr *begin, *end;

	begin = put_batch_msg(req, NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, seq_begin);
	mnl_attr_put_u32(begin, NFNL_BATCH_GENID, htonl(gen));
	end = put_batch_msg(req + NLMSG_ALIGN(begin->nlmsg_len), NFNL_MSG_BATCH_END,
			    NLM_F_REQUEST | NLM_F_ACK, seq_end);
	if (mnl_socket_sendto(d->nl, req, NLMSG_ALIGN(begin->nlmsg_len) + end->nlmsg_len) < 0)
		return errno_message(d, errno, "waiting for nftables commits");
	for (;;) {
		ssize_t n = recv_retry(d);
		const struct nlmsghdr *nlh;
		int len;

		if (n < 0)
			return errno_message(d, (int)-n, "waiting for nftables commits");
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)d->buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    (nlh->nlmsg_seq != seq_begin && nlh->nlmsg_seq != seq_end))
				continue;
			if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
				return errno_message(d, EBADMSG, "waiting for nftables commits");
			if (e->error == -ERESTART || e->error == -EINTR)
				return 1;
			if (e->error)
				return errno_message(d, -e->error, "waiting for nftables commits");
			if (nlh->nlmsg_seq == seq_end)
				return 0;
		}
	}
}

static int get_generation(struct dumper *d, uint32_t *gen)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	uint32_t seq = ++d->seq;
	int ret;

	nlh = nftnl_nlmsg_build_hdr(req, NFT_MSG_GETGEN, AF_UNSPEC, NLM_F_REQUEST, seq);
	ret = send_request(d, nlh, "reading the nftables generation");
	if (ret < 0)
		return ret;
	*gen = 0;
	return receive(d, seq, false, "reading the nftables generation", gen);
}

static int dump_one(struct dumper *d, uint16_t type, const char *table, uint32_t family,
		    const char *set, const char *what)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	uint32_t seq = ++d->seq;
	int ret;

	nlh = nftnl_nlmsg_build_hdr(req, type, (uint16_t)family, NLM_F_DUMP | NLM_F_REQUEST, seq);
	if (type == NFT_MSG_GETSETELEM) {
		mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, table);
		mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
	} else if (type == NFT_MSG_GETOBJ) {
		mnl_attr_put_u32(nlh, NFTA_OBJ_TYPE, htonl(NFT_OBJECT_UNSPEC));
	}
	ret = send_request(d, nlh, what);
	if (ret < 0)
		return ret;
	return receive(d, seq, true, what, NULL);
}

static int dump_all(struct dumper *d)
{
	static const struct {
		uint16_t type;
		const char *what;
	} order[] = {
		{ NFT_MSG_GETTABLE, "dumping tables" },
		{ NFT_MSG_GETCHAIN, "dumping chains" },
		{ NFT_MSG_GETSET, "dumping sets" },
		{ NFT_MSG_GETSETELEM, "dumping set elements" },
		{ NFT_MSG_GETOBJ, "dumping stateful objects" },
		{ NFT_MSG_GETFLOWTABLE, "dumping flowtables" },
		{ NFT_MSG_GETRULE, "dumping rules" },
	};
	int ret;

	for (size_t i = 0; i < ARRAY_SIZE(order) && !d->interrupted; i++) {
		if (order[i].type != NFT_MSG_GETSETELEM) {
			ret = dump_one(d, order[i].type, NULL, NFPROTO_UNSPEC, NULL, order[i].what);
			if (ret < 0)
				return ret;
			continue;
		}
		for (uint32_t t = 0; t < d->rs->ntables && !d->interrupted; t++) {
			struct table *tb = d->rs->tables[t];

			for (uint32_t s = 0; s < tb->nsets && !d->interrupted; s++) {
				ret = dump_one(d, NFT_MSG_GETSETELEM, tb->name, tb->family,
					       tb->sets[s]->name, order[i].what);
				if (ret < 0)
					return ret;
			}
		}
	}
	return 0;
}

static void stamp(struct ruleset *rs)
{
	struct utsname u;
	char host[256];

	rs->taken_at = (int64_t)time(NULL);
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		rs->host = arena_strdup(rs->arena, host);
	}
	if (uname(&u) == 0)
		rs->kernel = arena_strdup(rs->arena, u.release);
	rs->tool = arena_strdup(rs->arena, "fwaudit " FWAUDIT_VERSION);
}

int nl_get_generation(uint32_t *generation, struct strbuf *err)
{
	struct dumper d;
	int ret = dumper_open(&d, MNL_SOCKET_BUFFER_SIZE, err);

	if (ret < 0)
		return ret;
	ret = get_generation(&d, generation);
	dumper_close(&d);
	return ret;
}

int nl_dump_set(const struct set *shape, struct ruleset **out, uint32_t *generation,
		struct strbuf *err)
{
	const struct table *t = shape->table;
	uint32_t before = 0, after = 0;
	struct dumper d;
	struct set *s;
	int ret;

	*out = NULL;
	ret = dumper_open(&d, DEFAULT_RCVBUF, err);
	if (ret < 0)
		return ret;
	d.rs = ruleset_new();
	d.interrupted = false;
	s = table_add_set(d.rs, ruleset_add_table(d.rs, t->family, t->name), shape->name);
	{
		struct table *owner = s->table;
		char *name = s->name;

		*s = *shape;
		s->table = owner;
		s->name = name;
		s->elems = NULL;
		s->nelems = s->elems_cap = 0;
	}
	ret = get_generation(&d, &before);
	d.generation = before;
	if (ret == 0)
		ret = dump_one(&d, NFT_MSG_GETSETELEM, t->name, t->family, shape->name,
			       "dumping set elements");
	if (ret == 0)
		ret = get_generation(&d, &after);
	if (ret == 0 && (d.interrupted || before != after)) {
		strbuf_addstr(err, "the ruleset changed while the set was read");
		ret = -EAGAIN;
	}
	if (ret < 0) {
		ruleset_free(d.rs);
	} else {
		*out = d.rs;
		*generation = before;
	}
	dumper_close(&d);
	return ret;
}

int nl_snapshot(struct ruleset **out, const struct nl_snapshot_opts *opts,
		struct nl_snapshot_stats *stats, struct strbuf *err)
{
	unsigned max = opts && opts->max_attempts ? opts->max_attempts : 10;
	size_t bufsz = opts && opts->rcvbuf ? opts->rcvbuf : DEFAULT_RCVBUF;
	struct dumper d;
	unsigned attempt;
	int ret;

	*out = NULL;
	ret = dumper_open(&d, bufsz, err);
	if (ret < 0)
		return ret;
	for (attempt = 1; attempt <= max; attempt++) {
		uint32_t before = 0, after = 0;

		d.rs = ruleset_new();
		d.interrupted = false;
		d.messages = 0;
		ret = get_generation(&d, &before);
		if (ret == 0) {
			ret = commit_barrier(&d, before);
			if (ret > 0) {
				d.interrupted = true;
				ret = 0;
			}
		}
		if (ret == 0 && !d.interrupted) {
			d.generation = before;
			ret = dump_all(&d);
		}
		if (ret == 0 && !d.interrupted)
			ret = get_generation(&d, &after);
		if (ret < 0) {
			ruleset_free(d.rs);
			goto out;
		}
		if (!d.interrupted && before == after) {
			d.rs->generation = before;
			stamp(d.rs);
			nl_read_listeners(d.rs);
			*out = d.rs;
			if (stats) {
				stats->attempts = attempt;
				stats->messages = d.messages;
			}
			goto out;
		}
		ruleset_free(d.rs);
		d.rs = NULL;
		/* Back off: 1, 2, 4 ... ms, capped at 256 ms, so a busy writer lets us in. */
		usleep(1000u << (attempt < 8 ? attempt : 8));
	}
	strbuf_addf(err,
		    "the ruleset changed during each of %u dump attempts; no consistent snapshot",
		    max);
	ret = -EAGAIN;
out:
	dumper_close(&d);
	return ret;
}
