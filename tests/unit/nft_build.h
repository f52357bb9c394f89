/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_TESTS_NFT_BUILD_H
#define FWAUDIT_TESTS_NFT_BUILD_H

/*
 * nf_tables messages as the kernel sends them (dumps and events), built
 * with libnftnl and appended to a buffer: for the decoder's, the
 * follower's and the narration's tests, and the decoder's fuzz seeds.
 */
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

/* Messages, one after the other, as one read from the socket gives them. */
struct nft_buf {
	char data[1 << 16];
	size_t used;
};

static inline struct nlmsghdr *nb_done(struct nft_buf *b, struct nlmsghdr *nlh)
{
	b->used += NLMSG_ALIGN(nlh->nlmsg_len);
	return nlh;
}

static inline struct nlmsghdr *nb_table(struct nft_buf *b, uint16_t type, const char *name)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, name);
	nlh = nftnl_table_nlmsg_build_hdr(b->data + b->used, type, NFPROTO_INET, 0, 1);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	return nb_done(b, nlh);
}

/* A filter chain on input (@policy: NF_ACCEPT or NF_DROP), or a regular one (-1). */
static inline struct nlmsghdr *nb_chain(struct nft_buf *b, uint16_t type, const char *table,
					const char *name, int policy)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (policy >= 0) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_LOCAL_IN);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, 0);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, (uint32_t)policy);
	}
	nlh = nftnl_chain_nlmsg_build_hdr(b->data + b->used, type, NFPROTO_INET, 0, 1);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	return nb_done(b, nlh);
}

/* Register 1 == @len bytes of @data. */
static inline void nb_expr_eq(struct nftnl_rule *r, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	nftnl_rule_add_expr(r, e);
}

/* @len bytes at @offset of header @base into register 1. */
static inline void nb_expr_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset,
				   uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
}

/* "tcp dport", loaded into register 1: meta l4proto, cmp, payload. */
static inline void nb_expr_tcp_dport(struct nftnl_rule *r)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");
	uint8_t tcp = 6;

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, NFT_META_L4PROTO);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, e);
	nb_expr_eq(r, &tcp, 1);
	nb_expr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
}

static inline void nb_expr_verdict(struct nftnl_rule *r, int verdict)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	nftnl_rule_add_expr(r, e);
}

/*
 * "tcp dport @port accept" in @table @chain with @handle, appended to the
 * chain (a NEWRULE event says NLM_F_APPEND), or the removal of that handle.
 */
static inline struct nlmsghdr *nb_rule(struct nft_buf *b, uint16_t type, const char *table,
				       const char *chain, uint64_t handle, uint16_t port)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handle);
	if (type == NFT_MSG_NEWRULE) {
		uint16_t be = htons(port);

		nb_expr_tcp_dport(r);
		nb_expr_eq(r, &be, 2);
		nb_expr_verdict(r, NF_ACCEPT);
	}
	nlh = nftnl_rule_nlmsg_build_hdr(b->data + b->used, type, NFPROTO_INET,
					 type == NFT_MSG_NEWRULE ? NLM_F_APPEND : 0, 1);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return nb_done(b, nlh);
}

/* "tcp dport @@set accept": the port looked up in a set of inet_service. */
static inline struct nlmsghdr *nb_rule_lookup(struct nft_buf *b, const char *table,
					      const char *chain, uint64_t handle, const char *set)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *e;
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handle);
	nb_expr_tcp_dport(r);
	e = nftnl_expr_alloc("lookup");
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	nftnl_rule_add_expr(r, e);
	nb_expr_verdict(r, NF_ACCEPT);
	nlh = nftnl_rule_nlmsg_build_hdr(b->data + b->used, NFT_MSG_NEWRULE, NFPROTO_INET,
					 NLM_F_APPEND, 1);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return nb_done(b, nlh);
}

/* A set with @flags, of IPv4 addresses (@key_type 7) or ports (13). */
static inline struct nftnl_set *nb_set_shape(const char *table, const char *name, uint32_t flags,
					     uint32_t key_type)
{
	struct nftnl_set *s = nftnl_set_alloc();

	nftnl_set_set_str(s, NFTNL_SET_TABLE, table);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, key_type == 13 ? 2 : 4);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, flags);
	nftnl_set_set_u32(s, NFTNL_SET_ID, 1);
	return s;
}

static inline struct nlmsghdr *nb_set(struct nft_buf *b, uint16_t type, const char *table,
				      const char *name, uint32_t flags, uint32_t key_type)
{
	struct nftnl_set *s = nb_set_shape(table, name, flags, key_type);
	struct nlmsghdr *nlh;

	nlh = nftnl_set_nlmsg_build_hdr(b->data + b->used, type, NFPROTO_INET, 0, 1);
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	return nb_done(b, nlh);
}

/* (@type NEWSETELEM or DELSETELEM) the @n addresses 10.0.0.@first... of @set. */
static inline struct nlmsghdr *nb_elems(struct nft_buf *b, uint16_t type, const char *table,
					const char *set, unsigned first, unsigned n)
{
	struct nftnl_set *s = nb_set_shape(table, set, 0, 7);
	struct nlmsghdr *nlh;

	for (unsigned i = 0; i < n; i++) {
		struct nftnl_set_elem *e = nftnl_set_elem_alloc();
		uint32_t addr = htonl(0x0a000000u + first + i);

		nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &addr, 4);
		nftnl_set_elem_add(s, e);
	}
	nlh = nftnl_set_nlmsg_build_hdr(b->data + b->used, type, NFPROTO_INET, 0, 1);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	return nb_done(b, nlh);
}

/* The NEWGEN that closes a transaction: generation @id, committed by @pid @comm. */
static inline struct nlmsghdr *nb_gen(struct nft_buf *b, uint32_t id, uint32_t pid,
				      const char *comm)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(b->data + b->used);
	struct nfgenmsg *g;

	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWGEN;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = AF_UNSPEC;
	g->version = NFNETLINK_V0;
	g->res_id = htons((uint16_t)id);
	mnl_attr_put_u32(nlh, NFTA_GEN_ID, htonl(id));
	mnl_attr_put_u32(nlh, NFTA_GEN_PROC_PID, htonl(pid));
	mnl_attr_put_strz(nlh, NFTA_GEN_PROC_NAME, comm);
	return nb_done(b, nlh);
}

#endif
