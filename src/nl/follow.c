// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The event follower: a model kept current by applying the kernel's events
 * (decode.c, nl_apply_event()). Events are held per transaction until its
 * NEWGEN and applied only when it follows the model's own generation. A
 * lost event (ENOBUFS) or a gap in generations makes the follower read the
 * whole ruleset again and say so: it never hands on a state it has not seen.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "fwaudit/model.h"
#include "fwaudit/nl.h"
#include "fwaudit/util.h"

struct msgcopy {
	void *msg;
	size_t len;
	uint16_t gen; /* the generation it belongs to, low 16 bits (res_id); 0: not said */
};

struct nl_follower {
	struct nl_follow_source src;
	struct nl_follow_ops ops;
	struct nl_monitor *mon; /* NULL with a source of the caller's */
	struct ruleset *rs;
	/* the transaction being received */
	struct msgcopy *pending;
	size_t npending, cappending;
	/* nl_follow_read()'s, while it reads */
	struct strbuf *err;
	/* the model's arena after the last full read, and when to compact it */
	size_t arena_base, compact_slack;
	int64_t compact_retry_at;
	/* after a re-read: when to ask the kernel's generation (0: no need) */
	int64_t verify_at;
	/* sets the packet path or timeouts change, read again every redump_s */
	unsigned redump_s;
	int64_t redump_at;
	struct donor {
		const struct set *set;
		struct ruleset *rs; /* holds the elements the set now points to */
	} * donors;
	size_t ndonors;
};

static void update(struct nl_follower *f, struct nl_update *u)
{
	u->generation = f->rs->generation;
	if (f->ops.update)
		f->ops.update(u, f->ops.arg);
}

static void pending_clear(struct nl_follower *f)
{
	for (size_t i = 0; i < f->npending; i++)
		free(f->pending[i].msg);
	f->npending = 0;
}

void nl_committer_release(struct nl_committer *c)
{
	free(c->cmdline);
	memset(c, 0, sizeof(*c));
}

/* /proc/PID: command line, uid and parent, if the process is still there. */
static void committer_from_proc(struct nl_committer *c)
{
	char path[64], buf[4096];
	ssize_t n;
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/cmdline", c->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			for (ssize_t i = 0; i < n - 1; i++)
				if (!buf[i])
					buf[i] = ' ';
			buf[n] = '\0';
			c->cmdline = xstrdup(buf);
		}
	}
	snprintf(path, sizeof(path), "/proc/%u/status", c->pid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(buf, sizeof(buf), f)) {
		if (!strncmp(buf, "Uid:", 4))
			c->uid = (uint32_t)strtoul(buf + 4, NULL, 10);
		else if (!strncmp(buf, "PPid:", 5))
			c->ppid = (uint32_t)strtoul(buf + 5, NULL, 10);
	}
	fclose(f);
	c->has_proc = true;
}

static void donors_free(struct nl_follower *f)
{
	for (size_t i = 0; i < f->ndonors; i++)
		ruleset_free(f->donors[i].rs);
	free(f->donors);
	f->donors = NULL;
	f->ndonors = 0;
}

static void donor_put(struct nl_follower *f, const struct set *s, struct ruleset *rs)
{
	for (size_t i = 0; i < f->ndonors; i++)
		if (f->donors[i].set == s) {
			ruleset_free(f->donors[i].rs);
			f->donors[i].rs = rs;
			return;
		}
	f->donors = xrealloc(f->donors, (f->ndonors + 1) * sizeof(*f->donors));
	f->donors[f->ndonors++] = (struct donor){ s, rs };
}

/* A new model from a full read; the old one and what it lent go. */
static void model_replace(struct nl_follower *f, struct ruleset *fresh)
{
	ruleset_free(f->rs);
	donors_free(f);
	f->rs = fresh;
	f->arena_base = arena_used(f->rs->arena);
}

static int elem_order(const void *a, const void *b)
{
	return elem_identity_cmp(*(const struct elem *const *)a, *(const struct elem *const *)b);
}

/* How many elements (by key) @now has that @was has not, and the reverse. */
static void elems_diff(const struct set *was, const struct set *now, unsigned *plus,
		       unsigned *minus)
{
	const struct elem **a = xcalloc(was->nelems + 1, sizeof(*a)),
			  **b = xcalloc(now->nelems + 1, sizeof(*b));
	uint32_t i = 0, k = 0;

	for (uint32_t n = 0; n < was->nelems; n++)
		a[n] = &was->elems[n];
	for (uint32_t n = 0; n < now->nelems; n++)
		b[n] = &now->elems[n];
	qsort(a, was->nelems, sizeof(*a), elem_order);
	qsort(b, now->nelems, sizeof(*b), elem_order);
	*plus = *minus = 0;
	while (i < was->nelems || k < now->nelems) {
		int d = i == was->nelems   ? 1
			: k == now->nelems ? -1
					   : elem_identity_cmp(a[i], b[k]);

		if (d < 0)
			(*minus)++, i++;
		else if (d > 0)
			(*plus)++, k++;
		else
			i++, k++;
	}
	free(a);
	free(b);
}

/*
 * The kernel announces no element that the packet path adds to a dynamic
 * set, nor one that times out: read such sets again (only those), when no
 * transaction is in flight and the model is at the kernel's generation.
 */
static void redump(struct nl_follower *f, int64_t now, bool busy)
{
	struct strbuf err = STRBUF_INIT;

	f->redump_at = now + (int64_t)f->redump_s * 1000;
	if (f->npending || busy)
		return; /* events are in flight: next time */
	for (uint32_t i = 0; i < f->rs->ntables; i++) {
		const struct table *t = f->rs->tables[i];

		for (uint32_t k = 0; k < t->nsets; k++) {
			struct set *s = t->sets[k];
			struct ruleset *d;
			struct set *fresh;
			uint32_t gen;
			unsigned plus, minus;

			if (!(s->flags & (NFT_SET_EVAL | NFT_SET_TIMEOUT)))
				continue;
			strbuf_truncate(&err, 0);
			if (f->src.dump_set(s, &d, &gen, f->src.arg, &err) < 0)
				continue; /* changed or gone: its events will say */
			if (gen != f->rs->generation) {
				ruleset_free(d); /* the events of the change are on their way */
				goto out;
			}
			fresh = d->tables[0]->sets[0];
			elems_diff(s, fresh, &plus, &minus);
			if (!plus && !minus) {
				ruleset_free(d);
				continue;
			}
			ruleset_set_changed(f->rs, s);
			s->elems = fresh->elems;
			s->nelems = fresh->nelems;
			s->ix = NULL;
			s->elems_cap = fresh->elems_cap;
			donor_put(f, s, d);
			update(f, &(struct nl_update){ .kind = NL_UPDATE_SET,
						       .table = t,
						       .set = s,
						       .elems_added = plus,
						       .elems_removed = minus });
		}
	}
out:
	strbuf_release(&err);
}

/* Read the whole ruleset again, after lost events or a gap. */
static int resync(struct nl_follower *f, const char *why, struct strbuf *err)
{
	struct strbuf e = STRBUF_INIT;
	struct ruleset *fresh;

	pending_clear(f);
	/* the NEWGEN closing a lost transaction may be lost too: ask again later */
	f->verify_at = now_ms() + 200;
	if (f->src.snapshot(&fresh, f->src.arg, &e) < 0) {
		strbuf_addf(err, "reading the ruleset again: %s", e.buf);
		strbuf_release(&e);
		return -EIO;
	}
	model_replace(f, fresh);
	update(f, &(struct nl_update){ .kind = NL_UPDATE_RESYNC, .why = why });
	strbuf_release(&e);
	return 0;
}

/*
 * Removed rules, elements and sets stay in the model's arena (events are
 * applied in place; nothing is freed one by one). Once the arena is twice
 * what the last full read needed, plus a slack, read the ruleset again and
 * drop the old model: memory stays within twice the ruleset's, and the
 * re-read costs at most one dump per doubling. Quiet: the model is the
 * same, so no alert. Only when nothing is in flight; if the kernel moved
 * on meanwhile, its events will come and the next try is a second later.
 */
static void compact(struct nl_follower *f, struct strbuf *err)
{
	struct strbuf e = STRBUF_INIT;
	struct ruleset *fresh;
	size_t before = arena_used(f->rs->arena);

	f->compact_retry_at = now_ms() + 1000;
	if (f->src.snapshot(&fresh, f->src.arg, &e) < 0) {
		strbuf_addf(err, "reading the ruleset again to free removed objects: %s", e.buf);
		strbuf_release(&e);
		return;
	}
	strbuf_release(&e);
	if (fresh->generation != f->rs->generation) {
		ruleset_free(fresh);
		return;
	}
	model_replace(f, fresh);
	f->compact_retry_at = 0;
	update(f, &(struct nl_update){ .kind = NL_UPDATE_COMPACT,
				       .arena_before = before,
				       .arena_after = f->arena_base });
}

static bool compact_due(const struct nl_follower *f, int64_t now)
{
	return !f->npending && now >= f->compact_retry_at &&
	       arena_used(f->rs->arena) > 2 * f->arena_base + f->compact_slack;
}

/* Apply a transaction that NEWGEN @g closed. */
static int commit(struct nl_follower *f, const struct nl_gen *g)
{
	struct nl_committer who = { 0 };
	struct nl_applied a = { 0 };

	if (g->id <= f->rs->generation) { /* already in the snapshot */
		pending_clear(f);
		return 0;
	}
	if (g->id != f->rs->generation + 1) {
		char why[96];

		snprintf(why, sizeof(why), "generation %u followed %u", g->id, f->rs->generation);
		return resync(f, why, f->err);
	}
	for (size_t i = 0; i < f->npending; i++) {
		/*
		 * The kernel stamps each event with its transaction's generation
		 * (nfgenmsg.res_id = nft_base_seq()). Events of another one were
		 * left in the socket by a transaction whose NEWGEN was lost when
		 * the buffer overflowed, and the re-read already holds them:
		 * applied now, they would be applied twice.
		 */
		if (f->pending[i].gen && f->pending[i].gen != (uint16_t)g->id)
			continue;
		if (nl_apply_event(f->rs, f->pending[i].msg, f->pending[i].len, &a) < 0)
			return resync(f, "an event the model could not follow", f->err);
		if (f->ops.applied)
			f->ops.applied(&a, f->ops.arg);
	}
	pending_clear(f);
	f->rs->generation = g->id;
	who.pid = g->pid;
	snprintf(who.comm, sizeof(who.comm), "%s", g->comm);
	if (g->pid)
		committer_from_proc(&who);
	update(f, &(struct nl_update){ .kind = NL_UPDATE_COMMIT, .who = &who });
	nl_committer_release(&who);
	return 0;
}

static int on_event(const struct nlmsghdr *nlh, void *arg)
{
	struct nl_follower *f = arg;
	struct nl_gen g;

	if (NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_NEWGEN) {
		if (nl_parse_newgen(nlh, &g) < 0)
			return 0;
		return commit(f, &g) < 0 ? -EIO : 0;
	}
	if (NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_TRACE)
		return 0;
	if (f->npending == f->cappending) {
		f->cappending = f->cappending ? 2 * f->cappending : 64;
		f->pending = xrealloc(f->pending, f->cappending * sizeof(*f->pending));
	}
	f->pending[f->npending].msg = xmalloc(nlh->nlmsg_len);
	memcpy(f->pending[f->npending].msg, nlh, nlh->nlmsg_len);
	f->pending[f->npending].len = nlh->nlmsg_len;
	f->pending[f->npending++].gen =
		nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(struct nfgenmsg)
			? ntohs(((const struct nfgenmsg *)mnl_nlmsg_get_payload(nlh))->res_id)
			: 0;
	return 0;
}

/* ---- the kernel, when the caller gives no source ---- */

static int kernel_read(nl_event_fn fn, void *fn_arg, void *arg)
{
	return nl_monitor_read(arg, fn, fn_arg);
}

static int kernel_snapshot(struct ruleset **out, void *arg, struct strbuf *err)
{
	return nl_snapshot(out, NULL, NULL, err);
}

static int kernel_dump_set(const struct set *shape, struct ruleset **out, uint32_t *generation,
			   void *arg, struct strbuf *err)
{
	return nl_dump_set(shape, out, generation, err);
}

static int kernel_generation(uint32_t *generation, void *arg, struct strbuf *err)
{
	return nl_get_generation(generation, err);
}

int nl_follow_open(struct nl_follower **out, const struct nl_follow_opts *opts,
		   const struct nl_follow_ops *ops, struct strbuf *err)
{
	struct nl_follower *f = xcalloc(1, sizeof(*f));
	int ret;

	f->ops = *ops;
	f->redump_s = opts->redump_s;
	f->compact_slack = opts->compact_slack;
	if (opts->source) {
		f->src = *opts->source;
	} else {
		/* subscribe first: a change made while the snapshot is read is not lost */
		ret = nl_monitor_open(&f->mon, opts->rcvbuf, err);
		if (ret < 0)
			goto fail;
		f->src = (struct nl_follow_source){ kernel_read, kernel_snapshot, kernel_dump_set,
						    kernel_generation, f->mon };
	}
	ret = f->src.snapshot(&f->rs, f->src.arg, err);
	if (ret < 0)
		goto fail;
	f->arena_base = arena_used(f->rs->arena);
	*out = f;
	return 0;
fail:
	nl_follow_close(f);
	return ret;
}

void nl_follow_close(struct nl_follower *f)
{
	if (!f)
		return;
	donors_free(f);
	pending_clear(f);
	free(f->pending);
	nl_monitor_close(f->mon);
	ruleset_free(f->rs);
	free(f);
}

int nl_follow_fd(const struct nl_follower *f)
{
	return f->mon ? nl_monitor_fd(f->mon) : -1;
}

struct ruleset *nl_follow_ruleset(const struct nl_follower *f)
{
	return f->rs;
}

int nl_follow_read(struct nl_follower *f, struct strbuf *err)
{
	int r;

	f->err = err;
	r = f->src.read(on_event, f, f->src.arg);
	f->err = NULL;
	if (r == -ENOBUFS)
		return resync(f, "the kernel dropped events (receive buffer full)", err);
	if (r < 0 && r != -EIO)
		strbuf_addf(err, "reading events: %s", strerror(-r));
	return r < 0 ? r : 0;
}

int nl_follow_redump(struct nl_follower *f, int64_t now, bool busy, int64_t *wake_at)
{
	*wake_at = 0;
	if (!f->redump_s)
		return 0;
	if (!f->redump_at)
		f->redump_at = now + (int64_t)f->redump_s * 1000;
	if (f->redump_at <= now) {
		redump(f, now, busy);
		return 1;
	}
	*wake_at = f->redump_at;
	return 0;
}

int nl_follow_idle(struct nl_follower *f, int64_t now, int64_t *wake_at, struct strbuf *err)
{
	*wake_at = 0;
	if (f->verify_at && f->verify_at <= now) {
		struct strbuf e = STRBUF_INIT;
		uint32_t gen;
		int r = 0;

		f->verify_at = 0;
		if (f->src.generation(&gen, f->src.arg, &e) == 0 && gen != f->rs->generation)
			r = resync(f, "the last transaction's events were lost", err);
		strbuf_release(&e);
		return r < 0 ? r : 1;
	}
	if (compact_due(f, now)) {
		compact(f, err);
		return 1;
	}
	if (f->verify_at)
		*wake_at = f->verify_at;
	if (f->compact_retry_at && (!*wake_at || f->compact_retry_at < *wake_at))
		*wake_at = f->compact_retry_at;
	return 0;
}
