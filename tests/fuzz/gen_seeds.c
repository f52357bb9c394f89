// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Write seed inputs for fuzz_decode into a directory: a dump of valid
 * messages (table, chain, set, elements, rule) as libnftnl builds them,
 * every truncation of it, and single-byte corruptions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "../unit/nft_build.h"

static char out[65536];
static size_t used;

static void add(struct nlmsghdr *nlh)
{
	used += NLMSG_ALIGN(nlh->nlmsg_len);
}

static void build(void)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *x;
	struct nlmsghdr *nlh;
	uint16_t port = htons(22);

	nftnl_table_set_str(t, NFTNL_TABLE_NAME, "t");
	nlh = nftnl_table_nlmsg_build_hdr(out + used, NFT_MSG_NEWTABLE, NFPROTO_INET, 0, 1);
	nftnl_table_nlmsg_build_payload(nlh, t);
	add(nlh);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, "t");
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, "c");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_LOCAL_IN);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, 0);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = nftnl_chain_nlmsg_build_hdr(out + used, NFT_MSG_NEWCHAIN, NFPROTO_INET, 0, 1);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	add(nlh);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, "t");
	nftnl_set_set_str(s, NFTNL_SET_NAME, "ports");
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, 13);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, 2);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, 0);
	nlh = nftnl_set_nlmsg_build_hdr(out + used, NFT_MSG_NEWSET, NFPROTO_INET, 0, 1);
	nftnl_set_nlmsg_build_payload(nlh, s);
	add(nlh);
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, &port, 2);
	nftnl_set_elem_add(s, e);
	nlh = nftnl_set_nlmsg_build_hdr(out + used, NFT_MSG_NEWSETELEM, NFPROTO_INET, 0, 1);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	add(nlh);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, "t");
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "c");
	nb_expr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	x = nftnl_expr_alloc("lookup");
	nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(x, NFTNL_EXPR_LOOKUP_SET, "ports");
	nftnl_rule_add_expr(r, x);
	x = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_VERDICT, NFT_JUMP);
	nftnl_expr_set_str(x, NFTNL_EXPR_IMM_CHAIN, "c");
	nftnl_rule_add_expr(r, x);
	nlh = nftnl_rule_nlmsg_build_hdr(out + used, NFT_MSG_NEWRULE, NFPROTO_INET, 0, 1);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	add(nlh);
	nftnl_table_free(t);
	nftnl_chain_free(c);
	nftnl_set_free(s);
	nftnl_rule_free(r);
}

static void write_seed(const char *dir, const char *name, size_t n, const char *data)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, n, f) != n) {
		perror(path);
		exit(2);
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	char name[64], *copy;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds DIR\n");
		return 2;
	}
	build();
	write_seed(argv[1], "dump", used, out);
	for (size_t cut = 0; cut < used; cut += 3) {
		snprintf(name, sizeof(name), "cut-%zu", cut);
		write_seed(argv[1], name, cut, out);
	}
	copy = malloc(used);
	for (size_t i = 0; i < used; i++) {
		memcpy(copy, out, used);
		copy[i] ^= (char)(0x5a + i);
		snprintf(name, sizeof(name), "flip-%zu", i);
		write_seed(argv[1], name, used, copy);
	}
	free(copy);
	return 0;
}
