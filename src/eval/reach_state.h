/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * reach's machine: the states it follows and the context of one run,
 * shared by the files of reach.
 */
#ifndef FWAUDIT_EVAL_REACH_STATE_H
#define FWAUDIT_EVAL_REACH_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netfilter.h>

#include "ivs.h"
#include "mindex.h"
#include "reach_result.h"

struct ruleset;
struct chain;
struct rule;
struct expr;
struct hook_path;
struct set_cache;
struct chain_run;
struct guard_run;

#define JUMP_STACK  16
#define MAX_LOADS   16
#define MAX_TX	    6
#define TAG_UNKNOWN 0xff
#define MERGE_KEYS  (2 * PF__COUNT + 1)

/* How a field's value is laid out in the registers when it is loaded. */
enum enc {
	ENC_BE,	    /* big-endian, the field's width */
	ENC_HOST32, /* u32 in host order (meta mark, ct state, ...) */
	ENC_NAME,   /* interface name, 16 bytes */
	ENC_IFTYPE, /* ARPHRD of the named interface, u16 host order */
	ENC_FRAGOFF /* ip frag-off: 0 or a non-zero offset */
};

/*
 * struct symload - a field loaded into the registers as a symbol, not a
 * value: which slice of which field's encoding, where it went, and the
 * bitwise/byteorder expressions applied to it since (@tx, @ntx of them).
 */
struct symload {
	uint8_t field, enc, off, len; /* slice [off, off + len) of the encoding */
	int8_t reg;		      /* register byte offset it was loaded to */
	int8_t cur;		      /* where the (transformed) value is now */
	uint8_t ntx;
	const struct expr *tx[MAX_TX];
};

/*
 * struct sstate - one state of the machine: a class of packets (@cube)
 * before rule @rule of @chain (base chain @base, entry @pos of the hook's
 * path), its registers (@regs, with @tag naming per byte the load it holds:
 * 0 a known value, TAG_UNKNOWN none, else loads[tag - 1]), the jump stack,
 * what statements have set, and who decided it so far (@by). Owned by the
 * queue, the rule run or the answer it ends in; freed with state_free().
 */
struct sstate {
	struct cube cube;
	uint8_t regs[80], tag[80];
	struct symload loads[MAX_LOADS];
	uint8_t nloads;
	int32_t verdict;
	const char *jump;
	uint32_t pos, rule;
	const struct chain *chain, *base;
	struct {
		const struct chain *chain;
		uint32_t rule;
	} stack[JUMP_STACK];
	uint32_t sp, nat_idx;
	bool tracked, in_nat, nat_done, mark_set, ctstate_set, ctmark_set;
	uint32_t mark, ctstate, ctmark;
	struct decider by;
	bool partial; /* chain mode: the rule's verdict may not apply (limit) */
	/* while queued: a hash of each field, order of arrival, index entries */
	uint64_t fh[PF__COUNT], serial;
	uint32_t ent[MERGE_KEYS], nent;
};

/*
 * struct reach_ctx - one run of reach (reach_flow(), chain_run(), a
 * guard's run): the ruleset, hook and family, the hook's path and the order
 * of its tied base chains, the queue of states and the index of those that
 * wait in it (to merge into), and the answer being built (@res).
 */
struct reach_ctx {
	const struct ruleset *rs;
	uint32_t hook;
	uint8_t family;
	const struct hook_path *hp;
	const uint32_t *order;
	struct set_cache *sets;
	struct reach_result *res;
	struct sstate **queue;
	size_t nq, capq, head;
	struct mindex waiting; /* queued states by merge_keys() */
	uint64_t serial;
	struct cube ref; /* the first state's cube, and its field hashes */
	uint64_t ref_fh[PF__COUNT];
	bool have_ref;
	bool limit_assumed;
	const char *fail;	   /* set when reach gives up */
	struct chain_run *cr;	   /* chain mode (chain_run()), or NULL */
	struct guard_run *capture; /* computing a rule's guard (guard_of()), or NULL */
	uint64_t call;		   /* this reach_flow() call's number (chain_guards_of()) */
};

/* The bytes of an address of @family. */
static inline uint32_t addr_len(uint8_t family)
{
	return family == NFPROTO_IPV6 ? 16 : 4;
}

/* A packet at @hook has an input interface. */
static inline bool hook_has_iif(uint32_t hook)
{
	return hook != NF_INET_LOCAL_OUT;
}

/* A packet at @hook has an output interface. */
static inline bool hook_has_oif(uint32_t hook)
{
	return hook >= NF_INET_FORWARD;
}

/* ---- states and the worklist (reach.c) ---- */

/* state_new() - a state of no packets, zeroed; free with state_free(). */
struct sstate *state_new(void);
/**
 * state_clone_but() - a copy of @s but field @skip of its cube (-1: none),
 *	left empty for the caller to fill; free with state_free().
 */
struct sstate *state_clone_but(const struct sstate *s, int skip);
/* state_clone() - a copy of @s, its cube copied too; free with state_free(). */
struct sstate *state_clone(const struct sstate *s);
/* state_free() - free @s and its cube (NULL-safe). */
void state_free(struct sstate *s);
/**
 * enqueue() - take @s: queue it for its next rule, merged into a waiting
 *	state where possible, or settle it between rules (chain entries,
 *	returns, policies, nat) when it is at a chain's end; an empty one is
 *	freed.
 */
void enqueue(struct reach_ctx *c, struct sstate *s);
/**
 * run_all() - run @init and every state it leads to, to their ends, for one
 *	order of the base chains (@c->order); the answers go to @c->res (or,
 *	in chain mode, @c->cr). Takes @init; the queue is empty after.
 */
void run_all(struct reach_ctx *c, struct sstate *init);
/**
 * state_uncertain() - take @s: it cannot be evaluated at rule @r (or NULL),
 *	for @why (static text). Its class is answered uncertain, decided by
 *	@r; in chain mode the run notes the first such rule instead.
 */
void state_uncertain(struct reach_ctx *c, struct sstate *s, const struct rule *r, const char *why);
/**
 * path_after_rule() - take @s after rule @r on the hook's path: its verdict
 *	moves it on (a jump, a return, to the next base chain) or ends it.
 */
void path_after_rule(struct reach_ctx *c, struct sstate *s, const struct rule *r);

#endif
