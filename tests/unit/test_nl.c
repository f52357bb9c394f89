// SPDX-License-Identifier: GPL-2.0-or-later
/* Decoder tests: netlink messages built with libnftnl, as the kernel sends them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "fwaudit/model.h"
#include "fwaudit/nl.h"
#include "fwaudit/util.h"

static char buf[8192];

static size_t table_msg(const char *name)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, name);
	nlh = nftnl_table_nlmsg_build_hdr(buf, NFT_MSG_NEWTABLE, NFPROTO_INET, 0, 1);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	return nlh->nlmsg_len;
}

static size_t chain_msg(void)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, "t");
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, "input");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_LOCAL_IN);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, 0);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_DROP);
	nlh = nftnl_chain_nlmsg_build_hdr(buf, NFT_MSG_NEWCHAIN, NFPROTO_INET, 0, 1);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	return nlh->nlmsg_len;
}

/* meta l4proto tcp; tcp dport 22; counter; accept */
static size_t rule_msg(void)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *e;
	struct nlmsghdr *nlh;
	uint8_t tcp = 6;
	uint16_t port = htons(22);

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, "t");
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "input");
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, 7);
	e = nftnl_expr_alloc("meta");
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_L4PROTO);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
	e = nftnl_expr_alloc("cmp");
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, &tcp, 1);
	nftnl_rule_add_expr(r, e);
	e = nftnl_expr_alloc("payload");
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_TRANSPORT_HEADER);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, 2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
	e = nftnl_expr_alloc("cmp");
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, &port, 2);
	nftnl_rule_add_expr(r, e);
	e = nftnl_expr_alloc("counter");
	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_PACKETS, 3);
	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_BYTES, 180);
	nftnl_rule_add_expr(r, e);
	e = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_ACCEPT);
	nftnl_rule_add_expr(r, e);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_and_render), cmocka_unit_test(test_udata_numbers),
		cmocka_unit_test(test_truncated),	  cmocka_unit_test(test_unknown_parent),
		cmocka_unit_test(test_unknown_expr_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
