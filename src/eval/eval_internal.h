/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_EVAL_INTERNAL_H
#define FWAUDIT_EVAL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "fwaudit/eval.h"

struct ruleset;
struct table;
struct chain;
struct set;
struct elem;
struct expr;
struct strbuf;

/* Name/value tables of the packet description (packet.c). */
struct sym {
	const char *name;
	uint64_t value;
};
extern const struct sym proto_syms[], tcpflag_syms[], ctstate_syms[], ctstatus_syms[], ctdir_syms[];
const char *sym_name(const struct sym *t, uint64_t v);
bool parse_uint(const char *s, uint64_t max, uint64_t *v);

/* The family a description's family= key names, or -1 without one. */
int spec_family(const char *spec);
/* Fill the fields a description left out that depend on the others. */
void packet_finish(struct packet *p);
uint32_t packet_header_len(const struct packet *p);
uint32_t transport_header_len(uint8_t l4proto);
bool transport_has_ports(uint8_t l4proto);

/* NFT register number -> byte offset in the 80-byte register file, or -1. */
static inline int reg_offset(uint32_t reg, uint32_t len)
{
	int off;

	if (reg >= 1 && reg <= 4)
		off = (int)reg * 16;
	else if (reg >= 8 && reg <= 23)
		off = ((int)reg - 4) * 4;
	else
		return -1;
	return off + (int)len <= 80 ? off : -1;
}

/*
 * Expressions over an 80-byte register file (ops.c). op_cmp and op_range
 * return 1 (holds), 0 (does not) or -1 (malformed); the others 0 or -1.
 */
/* The value bytes of data attribute @type (not a verdict), or NULL with *len 0. */
const uint8_t *expr_data(const struct expr *e, uint16_t type, uint32_t *len);
int op_cmp(const struct expr *e, const uint8_t *regs);
int op_range(const struct expr *e, const uint8_t *regs);
int op_bitwise(const struct expr *e, uint8_t *regs);
int op_byteorder(const struct expr *e, uint8_t *regs);

/* ---- hook ordering (hooks.c) ---- */

enum hook_entry_kind {
	HE_CHAIN,
	HE_CONNTRACK, /* conntrack attaches here (prerouting/output -200) */
	HE_NAT,	      /* the nat chains, run as one group by the nat core */
};

/**
 * struct hook_entry - one thing the packet passes at the hook, in order.
 * @nat, @nnat: HE_NAT: the nat chains by priority
 */
struct hook_entry {
	enum hook_entry_kind kind;
	int32_t priority;
	const struct chain *chain;
	const struct chain **nat;
	uint32_t nnat;
};

/**
 * struct hook_path - what a packet of @family passes at @hook.
 * @ties: at least two entries share a priority (their order is unknown)
 */
struct hook_path {
	struct hook_entry *v;
	uint32_t n;
	bool ties;
};

void hook_path_build(const struct ruleset *rs, uint32_t hook, uint8_t family,
		     struct hook_path *out);
void hook_path_release(struct hook_path *hp);
/*
 * The orders the kernel might use: every permutation of each group of tied
 * entries. Returns the number of orders written to @orders (each an array
 * of hp->n indexes, malloc'd), at most @max; 0 if there are more than @max.
 */
size_t hook_path_orders(const struct hook_path *hp, uint32_t **orders, size_t max);
/* "table inet filter chain input" for messages. */
void chain_describe(const struct chain *c, struct strbuf *out);
/* Looks up @name in @c's table. */
const struct chain *chain_target(const struct chain *c, const char *name);

/* ---- iptables-nft compat matches (xt.c) ---- */

enum xt_result {
	XT_NOMATCH,
	XT_MATCH,
	XT_UNDECIDED, /* depends on state outside the snapshot */
	XT_UNKNOWN,   /* a match fwaudit does not decode */
};

/* Evaluate compat match @e for packet @p with transport bytes @th (len @thlen). */
enum xt_result xt_match_eval(const struct expr *e, const struct packet *p, bool tracked,
			     const uint8_t *th, uint32_t thlen);

#endif
