// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nl/ without a kernel: the decoder and the event follower, fed netlink
 * messages built with libnftnl as the kernel sends them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <libnftnl/udata.h>

#include "fwaudit/change.h"
#include "fwaudit/model.h"
#include "fwaudit/nl.h"
#include "fwaudit/util.h"
#include "nft_build.h"

static struct nft_buf nb;
static char *const buf = nb.data;

static size_t table_msg(const char *name)
{
	nb.used = 0;
	return nb_table(&nb, NFT_MSG_NEWTABLE, name)->nlmsg_len;
}

static size_t chain_msg(void)
{
	nb.used = 0;
	return nb_chain(&nb, NFT_MSG_NEWCHAIN, "t", "input", NF_DROP)->nlmsg_len;
}

/* meta l4proto tcp; tcp dport 22; counter; accept */
static size_t rule_msg(void)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *e;
	struct nlmsghdr *nlh;
	uint16_t port = htons(22);

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, "t");
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "input");
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, 7);
	nb_expr_tcp_dport(r);
	nb_expr_eq(r, &port, 2);
	e = nftnl_expr_alloc("counter");
	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_PACKETS, 3);
	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_BYTES, 180);
	nftnl_rule_add_expr(r, e);
	nb_expr_verdict(r, NF_ACCEPT);
	nlh = nftnl_rule_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, NFPROTO_INET, 0, 1);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return nlh->nlmsg_len;
}

static struct ruleset *build(void)
{
	struct ruleset *rs = ruleset_new();

	assert_int_equal(nl_decode_msg(rs, buf, table_msg("t")), 0);
	assert_int_equal(nl_decode_msg(rs, buf, chain_msg()), 0);
	assert_int_equal(nl_decode_msg(rs, buf, rule_msg()), 0);
	return rs;
}

static void test_decode_and_render(void **state)
{
	struct ruleset *rs = build();
	struct strbuf out = STRBUF_INIT;
	struct chain *c;

	(void)state;
	assert_int_equal(rs->ntables, 1);
	c = rs->tables[0]->chains[0];
	assert_true(c->base);
	assert_int_equal(c->policy, NF_DROP);
	assert_int_equal(c->nrules, 1);
	assert_int_equal(c->rules[0]->handle, 7);
	assert_int_equal(c->rules[0]->exprs.n, 6);
	assert_int_equal(rule_render(c->rules[0], NULL, &out), 0);
	assert_string_equal(out.buf, "tcp dport 22 counter packets 3 bytes 180 accept");
	strbuf_release(&out);
	ruleset_render(rs, NULL, &out);
	assert_string_equal(out.buf, "table inet t {\n"
				     "\tchain input {\n"
				     "\t\ttype filter hook input priority filter; policy drop;\n"
				     "\t\ttcp dport 22 counter packets 3 bytes 180 accept\n"
				     "\t}\n"
				     "}\n");
	strbuf_release(&out);
	ruleset_free(rs);
}

/* Every truncation of every message is an error or a clean decode, never a crash. */
static void test_truncated(void **state)
{
	size_t (*makers[])(void) = { chain_msg, rule_msg };

	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(makers); m++) {
		size_t len = makers[m]();
		char *copy = xmalloc(len);

		memcpy(copy, buf, len);
		for (size_t cut = 0; cut < len; cut++) {
			struct ruleset *rs = ruleset_new();
			char *trunc = xmalloc(cut ? cut : 1);

			nl_decode_msg(rs, buf, table_msg("t"));
			if (m == 1)
				nl_decode_msg(rs, buf, chain_msg());
			memcpy(trunc, copy, cut);
			/* Claim the full length: the decoder must not trust it. */
			assert_int_not_equal(nl_decode_msg(rs, trunc, cut), 0);
			free(trunc);
			ruleset_free(rs);
		}
		free(copy);
	}
}

static void test_unknown_parent(void **state)
{
	struct ruleset *rs = ruleset_new();

	(void)state;
	assert_int_equal(nl_decode_msg(rs, buf, chain_msg()), -ENOENT);
	ruleset_free(rs);
}

/* An expression nobody knows is kept, with its attributes, and renders raw. */
static void test_unknown_expr_kept(void **state)
{
	struct ruleset *rs = build();
	struct nlmsghdr *nlh;
	struct nlattr *list, *elem, *data;
	struct strbuf out = STRBUF_INIT;
	struct rule *r;

	(void)state;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE;
	{
		struct nfgenmsg *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

		g->nfgen_family = NFPROTO_INET;
	}
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, "t");
	mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, "input");
	list = mnl_attr_nest_start(nlh, NFTA_RULE_EXPRESSIONS);
	elem = mnl_attr_nest_start(nlh, NFTA_LIST_ELEM);
	mnl_attr_put_strz(nlh, NFTA_EXPR_NAME, "frobnicate");
	data = mnl_attr_nest_start(nlh, NFTA_EXPR_DATA);
	mnl_attr_put_u32(nlh, 1, htonl(42));
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, elem);
	mnl_attr_nest_end(nlh, list);
	assert_int_equal(nl_decode_msg(rs, buf, nlh->nlmsg_len), 0);
	r = rs->tables[0]->chains[0]->rules[1];
	assert_int_equal(r->exprs.n, 1);
	assert_false(r->exprs.v[0].known);
	assert_string_equal(r->exprs.v[0].name, "frobnicate");
	assert_int_equal(rule_render(r, NULL, &out), 1);
	assert_string_equal(out.buf, "[raw frobnicate 1=0x0000002a]");
	strbuf_release(&out);
	/* The raw attribute survives a JSON round trip. */
	ruleset_to_json(rs, &out);
	assert_non_null(strstr(out.buf, "\"attr_1\": \"0000002a\""));
	strbuf_release(&out);
	ruleset_free(rs);
}

/* The model numbers userdata TLVs without libnftnl: the same numbers. */
static void test_udata_numbers(void **state)
{
	(void)state;
	assert_int_equal(UDATA_SET_KEYBYTEORDER, NFTNL_UDATA_SET_KEYBYTEORDER);
	assert_int_equal(UDATA_SET_DATABYTEORDER, NFTNL_UDATA_SET_DATABYTEORDER);
	assert_int_equal(UDATA_SET_MERGE_ELEMENTS, NFTNL_UDATA_SET_MERGE_ELEMENTS);
	assert_int_equal(UDATA_SET_KEY_TYPEOF, NFTNL_UDATA_SET_KEY_TYPEOF);
	assert_int_equal(UDATA_SET_DATA_TYPEOF, NFTNL_UDATA_SET_DATA_TYPEOF);
	assert_int_equal(UDATA_SET_EXPR, NFTNL_UDATA_SET_EXPR);
	assert_int_equal(UDATA_SET_DATA_INTERVAL, NFTNL_UDATA_SET_DATA_INTERVAL);
	assert_int_equal(UDATA_SET_COMMENT, NFTNL_UDATA_SET_COMMENT);
	assert_int_equal(UDATA_SET_ELEM_COMMENT, NFTNL_UDATA_SET_ELEM_COMMENT);
	assert_int_equal(UDATA_SET_ELEM_FLAGS, NFTNL_UDATA_SET_ELEM_FLAGS);
}

/* ---- the follower, fed by a kernel of the test's own ---- */

/* What the "kernel" has and does. */
struct fake {
	struct nft_buf in; /* what the next read delivers */
	int read_ret;	   /* and then returns, once */
	uint32_t generation;
	int snapshot_ret; /* reading the ruleset fails with this */
	bool dyn_set;	  /* its table has "seen", a dynamic set of @dyn_elems */
	unsigned dyn_elems;
	uint32_t dump_skew; /* a set's dump reports a generation this much newer */
	unsigned snapshots, dumps, generations;
};

/* What the follower told. */
struct told {
	struct strbuf log;
	struct change_narration narr;
	struct nl_committer who;
};

static void fake_decode(struct ruleset *rs, struct nft_buf *b)
{
	int len = (int)b->used;

	for (const struct nlmsghdr *nlh = (const void *)b->data; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len))
		assert_int_equal(nl_decode_msg(rs, nlh, nlh->nlmsg_len), 0);
	b->used = 0;
}

static void fake_dyn_set(const struct fake *k, struct nft_buf *b)
{
	nb_set(b, NFT_MSG_NEWSET, "t", "seen", NFT_SET_EVAL | NFT_SET_TIMEOUT, 7);
	if (k->dyn_elems)
		nb_elems(b, NFT_MSG_NEWSETELEM, "t", "seen", 1, k->dyn_elems);
}

/* As nl_monitor_read(): each nf_tables message, then what the socket said. */
static int fake_read(nl_event_fn fn, void *fn_arg, void *arg)
{
	struct fake *k = arg;
	int len = (int)k->in.used, ret = k->read_ret;

	k->in.used = 0;
	k->read_ret = 0;
	for (const struct nlmsghdr *nlh = (const void *)k->in.data; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		int r = fn(nlh, fn_arg);

		if (r < 0)
			return r;
	}
	return ret;
}

static int fake_snapshot(struct ruleset **out, void *arg, struct strbuf *err)
{
	struct fake *k = arg;
	struct nft_buf b = { .used = 0 };
	struct ruleset *rs;

	k->snapshots++;
	if (k->snapshot_ret) {
		strbuf_addstr(err, "no kernel here");
		return k->snapshot_ret;
	}
	rs = ruleset_new();
	nb_table(&b, NFT_MSG_NEWTABLE, "t");
	nb_chain(&b, NFT_MSG_NEWCHAIN, "t", "input", NF_ACCEPT);
	if (k->dyn_set)
		fake_dyn_set(k, &b);
	fake_decode(rs, &b);
	rs->generation = k->generation;
	*out = rs;
	return 0;
}

static int fake_dump_set(const struct set *shape, struct ruleset **out, uint32_t *generation,
			 void *arg, struct strbuf *err)
{
	struct fake *k = arg;
	struct nft_buf b = { .used = 0 };
	struct ruleset *rs = ruleset_new();

	k->dumps++;
	assert_string_equal(shape->name, "seen");
	nb_table(&b, NFT_MSG_NEWTABLE, "t");
	fake_dyn_set(k, &b);
	fake_decode(rs, &b);
	*generation = k->generation + k->dump_skew;
	*out = rs;
	return 0;
}

static int fake_generation(uint32_t *generation, void *arg, struct strbuf *err)
{
	struct fake *k = arg;

	k->generations++;
	*generation = k->generation;
	return 0;
}

static void told_applied(const struct nl_applied *a, void *arg)
{
	struct told *t = arg;

	change_narrate_applied(&t->narr, a);
}

static void told_update(const struct nl_update *u, void *arg)
{
	static const char *const kinds[] = { "commit", "resync", "compact", "set" };
	struct told *t = arg;

	strbuf_addf(&t->log, "%s %u", kinds[u->kind], u->generation);
	if (u->kind == NL_UPDATE_COMMIT) {
		strbuf_addf(&t->log, " by %s", u->who->comm);
		nl_committer_release(&t->who);
		t->who = *u->who;
		t->who.cmdline = u->who->cmdline ? xstrdup(u->who->cmdline) : NULL;
	}
	if (u->why)
		strbuf_addf(&t->log, ": %s", u->why);
	if (u->kind == NL_UPDATE_SET) {
		strbuf_addf(&t->log, " %s +%u -%u", u->set->name, u->elems_added, u->elems_removed);
		change_narrate_set(&t->narr, u->table, u->set, u->elems_added, u->elems_removed);
	}
	strbuf_addch(&t->log, '\n');
}

struct follow_test {
	struct fake kernel;
	struct nl_follow_source src;
	struct told told;
	struct nl_follower *f;
};

/* A follower of a kernel at generation 5 with table t, chain input (no rules). */
static struct follow_test *follow_start(bool dyn_set, size_t compact_slack)
{
	struct follow_test *t = xcalloc(1, sizeof(*t));
	struct nl_follow_opts o = { .redump_s = 1, .compact_slack = compact_slack };
	struct nl_follow_ops ops = { told_applied, told_update, &t->told };
	struct strbuf err = STRBUF_INIT;

	t->kernel.generation = 5;
	t->kernel.dyn_set = dyn_set;
	t->src = (struct nl_follow_source){ fake_read, fake_snapshot, fake_dump_set,
					    fake_generation, &t->kernel };
	o.source = &t->src;
	assert_int_equal(nl_follow_open(&t->f, &o, &ops, &err), 0);
	assert_int_equal(nl_follow_fd(t->f), -1);
	assert_int_equal(nl_follow_ruleset(t->f)->generation, 5);
	strbuf_release(&err);
	return t;
}

static void follow_stop(struct follow_test *t)
{
	nl_follow_close(t->f);
	strbuf_release(&t->told.log);
	change_narration_reset(&t->told.narr);
	nl_committer_release(&t->told.who);
	free(t);
}

static const char *told_text(struct follow_test *t, struct strbuf *out)
{
	strbuf_truncate(out, 0);
	strbuf_addstr(out, "");
	for (size_t i = 0; i < t->told.narr.changes.n; i++)
		change_render_text(&t->told.narr.changes.v[i], CHANGE_STYLE_EVENT, out);
	return out->buf;
}

static unsigned input_rules(const struct follow_test *t)
{
	return table_find_chain(nl_follow_ruleset(t->f)->tables[0], "input")->nrules;
}

/* ---- what the kernel sends, after the model's generation 5 ---- */

enum ev_kind {
	EV_END,
	EV_RULE,	 /* NEWRULE handle @a, tcp dport @b, in t input */
	EV_RULE_NOWHERE, /* the same in a chain the model lacks */
	EV_RULE_OF,	 /* NEWRULE handle @a, tcp dport 22, of generation @b (res_id) */
	EV_DELRULE,	 /* DELRULE handle @a */
	EV_SET,		 /* NEWSET @name (anonymous if "__...") */
	EV_ELEMS,	 /* NEWSETELEM of @name: @b elements from the @a-th */
	EV_DELELEMS,	 /* DELSETELEM likewise */
	EV_GEN,		 /* NEWGEN @a by @name */
	EV_KERNEL_AT,	 /* the kernel is at generation @a now */
	EV_LOST,	 /* the read ends with ENOBUFS */
	EV_SOCKET_FAILS, /* the read fails */
	EV_NO_RULESET,	 /* the ruleset cannot be read */
};

struct ev {
	enum ev_kind kind;
	uint32_t a, b;
	const char *name;
};

static void play(struct fake *k, const struct ev *ev)
{
	for (; ev->kind != EV_END; ev++) {
		switch (ev->kind) {
		case EV_RULE:
			nb_rule(&k->in, NFT_MSG_NEWRULE, "t", "input", ev->a, (uint16_t)ev->b);
			break;
		case EV_RULE_OF: {
			struct nlmsghdr *nlh =
				nb_rule(&k->in, NFT_MSG_NEWRULE, "t", "input", ev->a, 22);
			struct nfgenmsg *g = mnl_nlmsg_get_payload(nlh);

			g->res_id = htons((uint16_t)ev->b);
			break;
		}
		case EV_RULE_NOWHERE:
			nb_rule(&k->in, NFT_MSG_NEWRULE, "t", "nosuchchain", ev->a,
				(uint16_t)ev->b);
			break;
		case EV_DELRULE:
			nb_rule(&k->in, NFT_MSG_DELRULE, "t", "input", ev->a, 0);
			break;
		case EV_SET:
			nb_set(&k->in, NFT_MSG_NEWSET, "t", ev->name,
			       strncmp(ev->name, "__", 2) ? 0
							  : NFT_SET_ANONYMOUS | NFT_SET_CONSTANT,
			       7);
			break;
		case EV_ELEMS:
		case EV_DELELEMS:
			nb_elems(&k->in,
				 ev->kind == EV_ELEMS ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM,
				 "t", ev->name, ev->a, ev->b);
			break;
		case EV_GEN:
			nb_gen(&k->in, ev->a, 0, ev->name);
			break;
		case EV_KERNEL_AT:
			k->generation = ev->a;
			break;
		case EV_LOST:
			k->read_ret = -ENOBUFS;
			break;
		case EV_SOCKET_FAILS:
			k->read_ret = -ENOTSOCK;
			break;
		case EV_NO_RULESET:
			k->snapshot_ret = -EPERM;
			break;
		case EV_END:
			break;
		}
	}
}

#define EVENTS(...) ((const struct ev[]){ __VA_ARGS__, { EV_END } })
#define RULE7	    "  added rule inet t input handle 7: tcp dport 22 accept\n"
#define RULE8	    "  added rule inet t input handle 8: tcp dport 80 accept\n"

/* One read of what the kernel sends, and what the follower makes of it. */
static const struct follow_case {
	const char *name;
	const struct ev *events;
	int ret;	     /* nl_follow_read() */
	const char *err;     /* and what it said */
	const char *log;     /* the updates */
	const char *told;    /* the events, told */
	uint32_t generation; /* the model's then */
	unsigned rules;	     /* in t input */
	unsigned snapshots;  /* full reads, the first included */
} follow_cases[] = {
	{ "a transaction, applied at its NEWGEN",
	  EVENTS({ EV_RULE, 7, 22 }, { EV_RULE, 8, 80 }, { EV_GEN, 6, 0, "nft" }), 0, "",
	  "commit 6 by nft\n", RULE7 RULE8, 6, 2, 1 },
	{ "two transactions in one read",
	  EVENTS({ EV_RULE, 7, 22 }, { EV_GEN, 6, 0, "nft" }, { EV_RULE, 8, 80 },
		 { EV_GEN, 7, 0, "iptables-nft" }),
	  0, "", "commit 6 by nft\ncommit 7 by iptables-nft\n", RULE7 RULE8, 7, 2, 1 },
	{ "events wait for their NEWGEN", EVENTS({ EV_RULE, 7, 22 }), 0, "", "", "", 5, 0, 1 },
	/* events are stamped with their transaction's generation: one left in the
	 * socket by a transaction whose NEWGEN was lost is not applied again */
	{ "an event of another generation is not applied with this one",
	  EVENTS({ EV_RULE_OF, 7, 6 }, { EV_GEN, 6, 0, "nft" }, { EV_RULE_OF, 7, 6 },
		 { EV_RULE_OF, 8, 7 }, { EV_GEN, 7, 0, "nft" }),
	  0, "", "commit 6 by nft\ncommit 7 by nft\n",
	  RULE7 "  added rule inet t input handle 8: tcp dport 22 accept\n", 7, 2, 1 },
	{ "a transaction the snapshot has is dropped with its events",
	  EVENTS({ EV_RULE, 7, 22 }, { EV_GEN, 5, 0, "nft" }, { EV_GEN, 6, 0, "nft" }), 0, "",
	  "commit 6 by nft\n", "", 6, 0, 1 },
	{ "a rule added, then removed",
	  EVENTS({ EV_RULE, 7, 22 }, { EV_GEN, 6, 0, "nft" }, { EV_DELRULE, 7 },
		 { EV_GEN, 7, 0, "nft" }),
	  0, "", "commit 6 by nft\ncommit 7 by nft\n",
	  RULE7 "  removed rule inet t input handle 7: tcp dport 22 accept\n", 7, 0, 1 },
	{ "sets and elements; anonymous ones go untold",
	  EVENTS({ EV_SET, 0, 0, "s" }, { EV_ELEMS, 1, 2, "s" }, { EV_SET, 0, 0, "__set0" },
		 { EV_ELEMS, 1, 3, "__set0" }, { EV_DELELEMS, 1, 1, "s" }, { EV_GEN, 6, 0, "nft" }),
	  0, "", "commit 6 by nft\n",
	  "  added set inet t s\n  added elements of inet t s: 2\n"
	  "  removed elements of inet t s: 1\n",
	  6, 0, 1 },
	{ "a gap in generations: read again",
	  EVENTS({ EV_RULE, 7, 22 }, { EV_GEN, 7, 0, "nft" }, { EV_KERNEL_AT, 7 }), 0, "",
	  "resync 7: generation 7 followed 5\n", "", 7, 0, 2 },
	{ "events lost: read again",
	  EVENTS({ EV_RULE, 7, 22 }, { EV_GEN, 6, 0, "nft" }, { EV_LOST }, { EV_KERNEL_AT, 9 }), 0,
	  "", "commit 6 by nft\nresync 9: the kernel dropped events (receive buffer full)\n", RULE7,
	  9, 0, 2 },
	{ "an event the model cannot follow: read again",
	  EVENTS({ EV_RULE, 7, 22 }, { EV_RULE_NOWHERE, 8, 80 }, { EV_GEN, 6, 0, "nft" },
		 { EV_KERNEL_AT, 6 }),
	  0, "", "resync 6: an event the model could not follow\n", RULE7, 6, 0, 2 },
	{ "the socket fails", EVENTS({ EV_SOCKET_FAILS }), -ENOTSOCK,
	  "reading events: Socket operation on non-socket", "", "", 5, 0, 1 },
	{ "the ruleset cannot be read again", EVENTS({ EV_LOST }, { EV_NO_RULESET }), -EIO,
	  "reading the ruleset again: no kernel here", "", "", 5, 0, 2 },
};

static void test_follow_cases(void **state)
{
	struct strbuf err = STRBUF_INIT, text = STRBUF_INIT;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(follow_cases); i++) {
		const struct follow_case *c = &follow_cases[i];
		struct follow_test *t = follow_start(false, NL_FOLLOW_COMPACT_SLACK);

		print_message("%s\n", c->name);
		play(&t->kernel, c->events);
		strbuf_truncate(&err, 0);
		strbuf_addstr(&err, "");
		assert_int_equal(nl_follow_read(t->f, &err), c->ret);
		assert_string_equal(err.buf, c->err);
		assert_string_equal(t->told.log.buf ? t->told.log.buf : "", c->log);
		assert_string_equal(told_text(t, &text), c->told);
		assert_int_equal(nl_follow_ruleset(t->f)->generation, c->generation);
		assert_int_equal(input_rules(t), c->rules);
		assert_int_equal(t->kernel.snapshots, c->snapshots);
		follow_stop(t);
	}
	strbuf_release(&err);
	strbuf_release(&text);
}

/* The committer: NEWGEN's pid and comm, the rest from /proc while it lives. */
static void test_follow_committer(void **state)
{
	struct follow_test *t = follow_start(false, NL_FOLLOW_COMPACT_SLACK);
	struct strbuf err = STRBUF_INIT;

	(void)state;
	nb_gen(&t->kernel.in, 6, (uint32_t)getpid(), "test_nl");
	assert_int_equal(nl_follow_read(t->f, &err), 0);
	assert_int_equal(t->told.who.pid, getpid());
	assert_string_equal(t->told.who.comm, "test_nl");
	assert_true(t->told.who.has_proc);
	assert_int_equal(t->told.who.uid, getuid());
	assert_int_equal(t->told.who.ppid, getppid());
	assert_non_null(strstr(t->told.who.cmdline, "test_nl"));
	/* pid 0: the kernel did not say; nothing is looked up */
	nb_gen(&t->kernel.in, 7, 0, "");
	assert_int_equal(nl_follow_read(t->f, &err), 0);
	assert_int_equal(t->told.who.pid, 0);
	assert_false(t->told.who.has_proc);
	assert_null(t->told.who.cmdline);
	strbuf_release(&err);
	follow_stop(t);
}

/*
 * After a re-read the NEWGEN of a lost transaction may be lost too: 200 ms
 * later the follower asks the kernel's generation, and reads again if the
 * kernel moved on.
 */
static void test_follow_verify(void **state)
{
	struct follow_test *t = follow_start(false, NL_FOLLOW_COMPACT_SLACK);
	struct strbuf err = STRBUF_INIT;
	int64_t now = now_ms(), at;

	(void)state;
	assert_int_equal(nl_follow_idle(t->f, now, &at, &err), 0);
	assert_int_equal(at, 0); /* nothing to do */
	t->kernel.read_ret = -ENOBUFS;
	assert_int_equal(nl_follow_read(t->f, &err), 0);
	assert_int_equal(nl_follow_idle(t->f, now, &at, &err), 0);
	assert_true(at >= now + 200 && at < now_ms() + 201);
	assert_int_equal(t->kernel.generations, 0);
	/* the kernel is where the model is: nothing more */
	assert_int_equal(nl_follow_idle(t->f, at, &at, &err), 1);
	assert_int_equal(t->kernel.generations, 1);
	assert_int_equal(nl_follow_idle(t->f, now_ms() + 1000, &at, &err), 0);
	assert_int_equal(at, 0);
	/* lost again, and the kernel moved on without a word */
	t->kernel.read_ret = -ENOBUFS;
	assert_int_equal(nl_follow_read(t->f, &err), 0);
	t->kernel.generation = 8;
	assert_int_equal(nl_follow_idle(t->f, now_ms() + 1000, &at, &err), 1);
	assert_string_equal(t->told.log.buf,
			    "resync 5: the kernel dropped events (receive buffer full)\n"
			    "resync 5: the kernel dropped events (receive buffer full)\n"
			    "resync 8: the last transaction's events were lost\n");
	assert_int_equal(t->kernel.snapshots, 4);
	assert_int_equal(err.len, 0);
	strbuf_release(&err);
	follow_stop(t);
}

/* Add and remove @n rules, one transaction each, from generation @gen on. */
static uint32_t churn(struct follow_test *t, uint32_t gen, unsigned n)
{
	struct strbuf err = STRBUF_INIT;

	for (unsigned i = 0; i < n; i++) {
		nb_rule(&t->kernel.in, NFT_MSG_NEWRULE, "t", "input", 100 + i, 1000 + i);
		nb_gen(&t->kernel.in, ++gen, 0, "nft");
		nb_rule(&t->kernel.in, NFT_MSG_DELRULE, "t", "input", 100 + i, 0);
		nb_gen(&t->kernel.in, ++gen, 0, "nft");
		assert_int_equal(nl_follow_read(t->f, &err), 0);
	}
	strbuf_release(&err);
	return gen;
}

/*
 * Removed rules stay in the model's arena; past twice the last full read
 * (plus the slack) the follower reads the ruleset again, quietly, but only
 * with no transaction in flight and while the kernel is where the model is.
 */
static void test_follow_compact(void **state)
{
	struct follow_test *t = follow_start(false, 0);
	struct strbuf err = STRBUF_INIT;
	struct ruleset *before;
	char line[64];
	uint32_t gen;
	int64_t at;

	(void)state;
	assert_int_equal(nl_follow_idle(t->f, now_ms(), &at, &err), 0); /* not yet */
	gen = churn(t, 5, 40);
	/* a transaction in flight: not now */
	nb_rule(&t->kernel.in, NFT_MSG_NEWRULE, "t", "input", 7, 22);
	assert_int_equal(nl_follow_read(t->f, &err), 0);
	assert_int_equal(nl_follow_idle(t->f, now_ms(), &at, &err), 0);
	nb_gen(&t->kernel.in, ++gen, 0, "nft");
	assert_int_equal(nl_follow_read(t->f, &err), 0);
	/* the kernel moved on: the read is dropped and tried a second later */
	t->kernel.generation = gen + 1;
	before = nl_follow_ruleset(t->f);
	assert_int_equal(nl_follow_idle(t->f, now_ms(), &at, &err), 1);
	assert_ptr_equal(nl_follow_ruleset(t->f), before);
	assert_int_equal(nl_follow_idle(t->f, now_ms(), &at, &err), 0);
	assert_true(at > now_ms() + 900);
	/* the kernel is where the model is: compacted */
	t->kernel.generation = gen;
	assert_int_equal(nl_follow_idle(t->f, at, &at, &err), 1);
	assert_ptr_not_equal(nl_follow_ruleset(t->f), before);
	assert_int_equal(nl_follow_ruleset(t->f)->generation, gen);
	snprintf(line, sizeof(line), "compact %u\n", gen);
	assert_non_null(strstr(t->told.log.buf, line));
	assert_null(strstr(t->told.log.buf, "resync"));
	assert_int_equal(nl_follow_idle(t->f, now_ms() + 5000, &at, &err), 0);
	assert_int_equal(t->kernel.snapshots, 3);
	assert_int_equal(err.len, 0);
	strbuf_release(&err);
	follow_stop(t);
}

/*
 * A dynamic set's elements, read again each interval when nothing is in
 * flight: what the packet path added is told, and what timed out.
 */
static void test_follow_redump(void **state)
{
	struct follow_test *t = follow_start(true, NL_FOLLOW_COMPACT_SLACK);
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	int64_t now = now_ms(), at;

	(void)state;
	assert_int_equal(nl_follow_redump(t->f, now, false, &at), 0);
	assert_int_equal(at, now + 1000);
	assert_int_equal(nl_follow_redump(t->f, now + 999, false, &at), 0);
	t->kernel.dyn_elems = 3;
	/* busy (the caller has not reported yet): skipped until the next interval */
	now += 1000;
	assert_int_equal(nl_follow_redump(t->f, now, true, &at), 1);
	assert_int_equal(t->kernel.dumps, 0);
	assert_int_equal(nl_follow_redump(t->f, now, false, &at), 0);
	assert_int_equal(at, now + 1000);
	/* a transaction in flight: skipped too */
	nb_rule(&t->kernel.in, NFT_MSG_NEWRULE, "t", "input", 7, 22);
	assert_int_equal(nl_follow_read(t->f, &err), 0);
	now += 1000;
	assert_int_equal(nl_follow_redump(t->f, now, false, &at), 1);
	assert_int_equal(t->kernel.dumps, 0);
	nb_gen(&t->kernel.in, 5, 0, "nft"); /* the snapshot had it */
	assert_int_equal(nl_follow_read(t->f, &err), 0);
	/* the dump is of a newer generation: its events are on their way */
	t->kernel.dump_skew = 1;
	now += 1000;
	assert_int_equal(nl_follow_redump(t->f, now, false, &at), 1);
	assert_int_equal(t->kernel.dumps, 1);
	assert_null(t->told.log.buf);
	t->kernel.dump_skew = 0;
	now += 1000;
	assert_int_equal(nl_follow_redump(t->f, now, false, &at), 1);
	t->kernel.dyn_elems = 1;
	now += 1000;
	assert_int_equal(nl_follow_redump(t->f, now, false, &at), 1);
	now += 1000;
	assert_int_equal(nl_follow_redump(t->f, now, false, &at), 1); /* no change: untold */
	assert_int_equal(t->kernel.dumps, 4);
	assert_string_equal(t->told.log.buf, "set 5 seen +3 -0\nset 5 seen +0 -2\n");
	assert_string_equal(told_text(t, &text),
			    "  elements of inet t seen changed by the packet path or timeouts: "
			    "+3 -0\n"
			    "  elements of inet t seen changed by the packet path or timeouts: "
			    "+0 -2\n");
	assert_int_equal(table_find_set(nl_follow_ruleset(t->f)->tables[0], "seen")->nelems, 1);
	strbuf_release(&text);
	strbuf_release(&err);
	follow_stop(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_and_render), cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_unknown_parent),	  cmocka_unit_test(test_unknown_expr_kept),
		cmocka_unit_test(test_follow_cases),	  cmocka_unit_test(test_follow_committer),
		cmocka_unit_test(test_follow_verify),	  cmocka_unit_test(test_follow_compact),
		cmocka_unit_test(test_follow_redump),	  cmocka_unit_test(test_udata_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
