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
#include <pthread.h>
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

/* Reads kept as they came, to decode once the thread that read them is done. */
struct raw_read {
	char *buf;
	int len;
	uint32_t seq;
	size_t set; /* elements_job's set it holds elements of */
};

struct raw_reads {
	struct raw_read *v;
	size_t n, cap;
	size_t set; /* the set being read */
};

struct dumper {
	struct mnl_socket *nl;
	char *buf;
	size_t bufsz;
	uint32_t portid;
	uint32_t seq;
	uint32_t generation;
	bool interrupted;
	bool one_thread; /* no elements_start() */
	bool named;	 /* the request names its object: gone is a change */
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

/*
 * The messages of one read (@buf, @len) in reply to the request @seq: each
 * goes to decode (or, with @gen_out, gives the generation). Returns 1 at
 * the reply's end (NLMSG_DONE, or the one reply of a non-dump), 0 when
 * more is to come, or -errno.
 */
static int take_messages(struct dumper *d, const char *buf, int len, uint32_t seq, bool dump,
			 const char *what, uint32_t *gen_out)
{
	const struct nlmsghdr *nlh;

	for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		const struct nfgenmsg *nfg;

		if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != d->portid)
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			d->interrupted = true;
		if (nlh->nlmsg_type == NLMSG_DONE)
			return 1;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
				return errno_message(d, EBADMSG, what);
			if (e->error == 0 && !dump)
				return 1;
			if (e->error == -EINTR || (e->error == -ENOENT && d->named)) {
				/* nfnetlink gave up mid-dump on a change, or the
				 * chain or set named went since it was listed: retake. */
				d->interrupted = true;
				return 1;
			}
			return errno_message(d, -e->error, what);
		}
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*nfg)))
			return errno_message(d, EBADMSG, what);
		nfg = mnl_nlmsg_get_payload(nlh);
		if (gen_out) {
			struct nlattr *a;
			uint32_t gen = 0;

			mnl_attr_for_each(a, nlh,
					  sizeof(*nfg)) if (mnl_attr_get_type(a) == NFTA_GEN_ID &&
							    mnl_attr_get_payload_len(a) >= 4) gen =
				ntohl(mnl_attr_get_u32(a));
			*gen_out = gen;
			if (!dump)
				return 1;
			continue;
		}
		d->messages++;
		if (ntohs(nfg->res_id) != (d->generation & 0xffff)) {
			d->interrupted = true;
			continue;
		}
		if (d->interrupted || !d->rs)
			continue; /* drain to DONE, the attempt is void (or kept raw) */
		if (nl_decode_msg(d->rs, nlh, (size_t)nlh->nlmsg_len) < 0) {
			/*
			 * A parent missing under an unchanged generation
			 * means the dumps disagree: treat as interrupted.
			 */
			d->interrupted = true;
		}
	}
	return 0;
}

/*
 * Read replies to the request @seq until NLMSG_DONE (dump) or the one reply
 * (non-dump). Each message goes to decode when the ruleset is set; with
 * @keep, each read is also kept as it came, for decoding later.
 */
static int receive_keep(struct dumper *d, uint32_t seq, bool dump, const char *what,
			uint32_t *gen_out, struct raw_reads *keep)
{
	for (;;) {
		ssize_t n = recv_retry(d);
		int r;

		if (n < 0) {
			if (n == -ENOBUFS) {
				/* Replies were lost: this attempt is void. */
				d->interrupted = true;
				continue;
			}
			return errno_message(d, (int)-n, what);
		}
		if (keep) {
			GROW(keep->v, keep->n, keep->cap);
			keep->v[keep->n] =
				(struct raw_read){ xmalloc((size_t)n), (int)n, seq, keep->set };
			memcpy(keep->v[keep->n++].buf, d->buf, (size_t)n);
		}
		r = take_messages(d, d->buf, (int)n, seq, dump, what, gen_out);
		if (r != 0)
			return r < 0 ? r : 0;
	}
}

static int receive(struct dumper *d, uint32_t seq, bool dump, const char *what, uint32_t *gen_out)
{
	return receive_keep(d, seq, dump, what, gen_out, NULL);
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

static int dump_one_keep(struct dumper *d, uint16_t type, const char *table, uint32_t family,
			 const char *set, const char *what, struct raw_reads *keep)
{
	char req[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	uint32_t seq = ++d->seq;
	int ret;

	nlh = nftnl_nlmsg_build_hdr(req, type, (uint16_t)family, NLM_F_DUMP | NLM_F_REQUEST, seq);
	if (type == NFT_MSG_GETSETELEM) {
		mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_TABLE, table);
		mnl_attr_put_strz(nlh, NFTA_SET_ELEM_LIST_SET, set);
	} else if (type == NFT_MSG_GETRULE && table) {
		mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, table);
		mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, set);
	} else if (type == NFT_MSG_GETOBJ) {
		mnl_attr_put_u32(nlh, NFTA_OBJ_TYPE, htonl(NFT_OBJECT_UNSPEC));
	}
	ret = send_request(d, nlh, what);
	if (ret < 0)
		return ret;
	d->named = table != NULL;
	ret = receive_keep(d, seq, true, what, NULL, keep);
	d->named = false;
	return ret;
}

static int dump_one(struct dumper *d, uint16_t type, const char *table, uint32_t family,
		    const char *set, const char *what)
{
	return dump_one_keep(d, type, table, family, set, what, NULL);
}

/*
 * The set elements, read on a socket of their own by a second thread while
 * the first reads the rules: the kernel walks a hash set from its start
 * for every message of the dump (nft_hash_walk()), so a 100k-element set
 * takes about as long as 10k rules, and the two can overlap. The thread
 * only keeps the reads; elements_take() decodes them into the ruleset.
 */
struct elements_job {
	struct set_name {
		char *table, *set;
		uint32_t family;
	} * sets;
	size_t nsets, bufsz;
	uint32_t generation, portid;
	struct raw_reads reads;
	bool interrupted;
	int ret;
	struct strbuf err;
	pthread_t thread;
};

static void *elements_read(void *arg)
{
	struct elements_job *job = arg;
	struct dumper e;

	job->ret = dumper_open(&e, job->bufsz, &job->err);
	if (job->ret < 0)
		return NULL;
	e.generation = job->generation;
	job->portid = e.portid;
	for (size_t i = 0; i < job->nsets && !e.interrupted && job->ret == 0; i++) {
		job->reads.set = i;
		job->ret = dump_one_keep(&e, NFT_MSG_GETSETELEM, job->sets[i].table,
					 job->sets[i].family, job->sets[i].set,
					 "dumping set elements", &job->reads);
	}
	job->interrupted = e.interrupted;
	dumper_close(&e);
	return NULL;
}

static void set_names_free(struct elements_job *job)
{
	for (size_t i = 0; i < job->nsets; i++) {
		free(job->sets[i].table);
		free(job->sets[i].set);
	}
	free(job->sets);
}

/* Start reading @d's sets' elements in a thread; false if it could not start. */
static bool elements_start(struct dumper *d, struct elements_job *job)
{
	memset(job, 0, sizeof(*job));
	job->err = (struct strbuf)STRBUF_INIT;
	job->bufsz = d->bufsz;
	job->generation = d->generation;
	for (uint32_t t = 0; t < d->rs->ntables; t++)
		job->nsets += d->rs->tables[t]->nsets;
	if (!job->nsets)
		return false;
	job->sets = xcalloc(job->nsets + 1, sizeof(*job->sets));
	job->nsets = 0;
	for (uint32_t t = 0; t < d->rs->ntables; t++) {
		const struct table *tb = d->rs->tables[t];

		for (uint32_t k = 0; k < tb->nsets; k++)
			job->sets[job->nsets++] =
				(struct set_name){ xstrdup(tb->name), xstrdup(tb->sets[k]->name),
						   tb->family };
	}
	if (pthread_create(&job->thread, NULL, elements_read, job) == 0)
		return true;
	set_names_free(job);
	return false;
}

/* The elements in @r's messages (a set's at most). */
static uint32_t elements_in(const struct raw_read *r, uint32_t portid)
{
	const struct nlmsghdr *nlh;
	uint32_t n = 0;
	int len = r->len;

	for (nlh = (const struct nlmsghdr *)r->buf; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		const struct nlattr *a, *e;

		if (nlh->nlmsg_seq != r->seq || nlh->nlmsg_pid != portid ||
		    NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWSETELEM ||
		    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(struct nfgenmsg)))
			continue;
		mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		{
			if (mnl_attr_get_type(a) != NFTA_SET_ELEM_LIST_ELEMENTS)
				continue;
			mnl_attr_for_each_nested(e, a) n++;
		}
	}
	return n;
}

/*
 * Room in each set for the elements @job read, so that a 100k-element set
 * is laid out once, not doubled 13 times (each a new arena block).
 */
static void elements_reserve(struct dumper *d, const struct elements_job *job)
{
	uint32_t *count = xcalloc(job->nsets + 1, sizeof(*count));

	for (size_t i = 0; i < job->reads.n; i++)
		count[job->reads.v[i].set] += elements_in(&job->reads.v[i], job->portid);
	for (size_t i = 0; i < job->nsets; i++) {
		struct table *t =
			ruleset_find_table(d->rs, job->sets[i].family, job->sets[i].table);
		struct set *s = t ? table_find_set(t, job->sets[i].set) : NULL;

		if (s && count[i])
			set_reserve_elems(d->rs, s, count[i]);
	}
	free(count);
}

/* Wait for @job, then decode what it read into @d's ruleset. */
static int elements_take(struct dumper *d, struct elements_job *job)
{
	struct dumper r;
	int ret;

	pthread_join(job->thread, NULL);
	ret = job->ret;
	if (ret == 0 && !job->interrupted)
		elements_reserve(d, job);
	if (ret < 0)
		strbuf_addstr(d->err, job->err.buf);
	d->interrupted |= job->interrupted;
	/* as if read on @d, under the thread's port id */
	r = *d;
	r.portid = job->portid;
	for (size_t i = 0; i < job->reads.n && ret == 0 && !r.interrupted; i++) {
		int t = take_messages(&r, job->reads.v[i].buf, job->reads.v[i].len,
				      job->reads.v[i].seq, true, "dumping set elements", NULL);

		ret = t < 0 ? t : 0;
	}
	d->interrupted |= r.interrupted;
	d->messages = r.messages;
	for (size_t i = 0; i < job->reads.n; i++)
		free(job->reads.v[i].buf);
	free(job->reads.v);
	set_names_free(job);
	strbuf_release(&job->err);
	return ret;
}

/*
 * Up to this many chains, rules are dumped chain by chain. Each message of
 * a rule dump walks the chains and rules from the start to where the last
 * one ended (__nf_tables_dump_rules()), so one dump of n rules costs about
 * n * n / 2 steps; a chain at a time, the square of each chain's length.
 * Past it, a request per chain costs more than the walk saves.
 */
#define RULES_BY_CHAIN_MAX 64

/* The rules, chain by chain while there are few chains, else in one dump. */
static int dump_rules(struct dumper *d, const char *what)
{
	size_t nchains = 0;
	int ret = 0;

	for (uint32_t t = 0; t < d->rs->ntables; t++)
		nchains += d->rs->tables[t]->nchains;
	if (nchains > RULES_BY_CHAIN_MAX)
		return dump_one(d, NFT_MSG_GETRULE, NULL, NFPROTO_UNSPEC, NULL, what);
	for (uint32_t t = 0; t < d->rs->ntables && !d->interrupted && ret == 0; t++) {
		const struct table *tb = d->rs->tables[t];

		for (uint32_t k = 0; k < tb->nchains && !d->interrupted && ret == 0; k++)
			ret = dump_one(d, NFT_MSG_GETRULE, tb->name, tb->family,
				       tb->chains[k]->name, what);
	}
	return ret;
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
	struct elements_job job;
	bool reading = false;
	int ret = 0;

	for (size_t i = 0; i < ARRAY_SIZE(order) && !d->interrupted && ret == 0; i++) {
		if (order[i].type == NFT_MSG_GETRULE) {
			ret = dump_rules(d, order[i].what);
			continue;
		}
		if (order[i].type != NFT_MSG_GETSETELEM) {
			ret = dump_one(d, order[i].type, NULL, NFPROTO_UNSPEC, NULL, order[i].what);
			continue;
		}
		if (!d->one_thread && (reading = elements_start(d, &job)))
			continue;
		for (uint32_t t = 0; t < d->rs->ntables && !d->interrupted; t++) {
			struct table *tb = d->rs->tables[t];

			for (uint32_t s = 0; s < tb->nsets && !d->interrupted && ret == 0; s++)
				ret = dump_one(d, NFT_MSG_GETSETELEM, tb->name, tb->family,
					       tb->sets[s]->name, order[i].what);
		}
	}
	if (reading) {
		int r = elements_take(d, &job);

		ret = ret < 0 ? ret : r;
	}
	return ret;
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
	d.one_thread = opts && opts->one_thread;
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
