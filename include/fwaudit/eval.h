/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_EVAL_H
#define FWAUDIT_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ruleset;
struct chain;
struct rule;
struct strbuf;

/*
 * The packet-path evaluator: an offline interpreter of the nf_tables virtual
 * machine over a snapshot (trace, one packet) and a symbolic version of it
 * over classes of packets (reach). Neither needs a kernel.
 */

enum eval_verdict {
	EVAL_ACCEPT,
	EVAL_DROP,
	EVAL_QUEUE,
	EVAL_UNCERTAIN,
	EVAL_MIXED, /* reach only: some classes accepted, others dropped */
};

/* "accept", "drop", "queue", "uncertain", "mixed". */
const char *eval_verdict_name(enum eval_verdict v);

/* The fields of a packet description; also the dimensions of reach. */
enum pkt_field {
	PF_L4PROTO,
	PF_SADDR,
	PF_DADDR,
	PF_SPORT,
	PF_DPORT,
	PF_TCPFLAGS,
	PF_ICMPTYPE,
	PF_ICMPCODE,
	PF_IIFNAME,
	PF_OIFNAME,
	PF_IIF,
	PF_OIF,
	PF_MARK,
	PF_CTSTATE,
	PF_CTSTATUS,
	PF_CTDIR,
	PF_CTMARK,
	PF_LEN,
	PF_FRAG,
	PF__COUNT,
};

/* The key naming @f in --packet and --flow ("saddr", "ct", ...). */
const char *pkt_field_name(enum pkt_field f);

/**
 * struct packet - one packet, as far as the rules can see it.
 * @family: NFPROTO_IPV4 or NFPROTO_IPV6
 * @given: bit (1 << PF_*) set for each field the user gave
 * @ctstate: one NF_CT_STATE bit (NF_CT_STATE_BIT(), INVALID or UNTRACKED)
 * @iif, @oif: interface indexes, 0 = unknown (a rule reading them is then
 *	undecidable); names empty = no such device (input has no oif)
 * @len: skb->len, the whole IP packet; 0 = headers only
 * @frag: a non-first fragment (no transport header visible)
 */
struct packet {
	uint8_t family;
	uint32_t given;
	uint8_t l4proto;
	uint8_t saddr[16], daddr[16];
	uint16_t sport, dport;
	uint8_t tcpflags, icmp_type, icmp_code;
	char iifname[16], oifname[16];
	uint32_t iif, oif;
	uint32_t mark;
	uint32_t ctstate, ctstatus, ctmark;
	uint8_t ctdir;
	uint32_t len;
	bool frag;
};

/*
 * Parse a packet description ("family=ip proto=tcp dport=443 ..."). Fields
 * left out keep what @p holds (see packet_defaults()). Returns 0, or -EINVAL
 * with "what is wrong" (naming the key) in @err.
 */
int packet_parse(const char *spec, struct packet *p, struct strbuf *err);

/* Defaults for the fields a description leaves out, for a packet at @hook. */
void packet_defaults(struct packet *p, uint32_t hook);

/* The packet as a description packet_parse() reads back. */
void packet_describe(const struct packet *p, struct strbuf *out);

/* The header bytes the rules' payload loads read: network header, then
 * transport header, zero-padded to @p->len. Returns the length written
 * (at most @cap) and sets *thoff to the transport header's offset. */
size_t packet_synthesize(const struct packet *p, uint8_t *buf, size_t cap, uint32_t *thoff);

/* ---- trace: one packet (trace.c) ---- */

enum trace_step_kind {
	STEP_CHAIN,  /* entered a base chain */
	STEP_RULE,   /* evaluated a rule */
	STEP_POLICY, /* fell off the end of a base chain */
	STEP_RETURN, /* returned (or fell off) a regular chain */
	STEP_NOTE,   /* an effect or an assumption */
	STEP_SKIP,   /* a base chain the packet does not reach (nat, ...) */
};

/**
 * struct trace_step - one line of a trace.
 * @chain, @rule: where (rule NULL for chain-level steps)
 * @matched: STEP_RULE: every expression of the rule matched
 * @verdict: the kernel verdict code the step produced (NF_ACCEPT, NF_DROP,
 *	NF_QUEUE, NFT_JUMP, NFT_GOTO, NFT_RETURN) or NFT_CONTINUE
 * @target: jump/goto target chain name, or NULL
 * @note: text of a STEP_NOTE / STEP_SKIP (owned by the trace)
 */
struct trace_step {
	enum trace_step_kind kind;
	const struct chain *chain;
	const struct rule *rule;
	bool matched;
	int32_t verdict;
	const char *target;
	char *note;
};

/**
 * struct trace_path - one way through the hook, with its outcome.
 * @assumptions: what this path assumed about undecidable expressions, in
 *	words ("rule 7 in inet filter input: fib ... matches"); NULL if none
 */
struct trace_path {
	enum eval_verdict verdict;
	struct trace_step *steps;
	size_t nsteps, cap;
	char *assumptions;
	char *uncertain; /* why this path itself has no verdict, or NULL */
};

/**
 * struct trace - the result of tracing one packet through one hook.
 * @verdict: the final verdict; EVAL_UNCERTAIN when the paths disagree or a
 *	path could not be decided
 * @paths: every way through: one when everything was decidable, else one
 *	per outcome of each undecidable condition (and each order of base
 *	chains whose priorities tie)
 * @reason: why the verdict is uncertain, in words, or NULL
 */
struct trace {
	enum eval_verdict verdict;
	struct trace_path *paths;
	size_t npaths;
	char *reason;
};

/*
 * Trace @p through every base chain at @hook for its family. Never fails:
 * anything undecidable makes the result uncertain. Release with
 * trace_release().
 */
void trace_packet(const struct ruleset *rs, uint32_t hook, const struct packet *p,
		  struct trace *out);

/*
 * Only the verdict of @p at @hook, by whichever way is cheaper now: reach
 * over the packet's class once its rule guards are built (a watcher's
 * second check on), else a trace.
 */
enum eval_verdict packet_verdict(const struct ruleset *rs, uint32_t hook, const struct packet *p);

/*
 * The same for many packets: an evaluator keeps the set indexes it builds
 * (sorted once, searched by bisection) across packets. @rs must outlive it.
 */
struct evaluator;
struct evaluator *evaluator_new(const struct ruleset *rs);
void evaluator_free(struct evaluator *ev);
void evaluator_trace(struct evaluator *ev, uint32_t hook, const struct packet *p,
		     struct trace *out);
void trace_release(struct trace *t);

/* Text like `nft monitor trace`, or the JSON object (docs/eval.md). */
void trace_render_text(const struct trace *t, const struct packet *p, uint32_t hook,
		       struct strbuf *out);
void trace_render_json(const struct trace *t, const struct packet *p, uint32_t hook,
		       struct strbuf *out);

/* ---- reach: classes of packets (reach.c) ---- */

struct reach_result;

/* The flow fields of packets from outside: not the loopback interface, by name or index. */
#define FLOW_FROM_OUTSIDE "iif=!lo iifindex=!1"

/*
 * Answer what happens to every packet matching @flow (a description whose
 * given fields are fixed; all other fields range over all their values) at
 * @hook. Returns 0 and sets *out (free with reach_result_free()), or -EINVAL
 * with the reason in @err for a bad flow.
 */
int reach_flow(const struct ruleset *rs, uint32_t hook, const char *flow, struct reach_result **out,
	       struct strbuf *err);
enum eval_verdict reach_verdict(const struct reach_result *r);
void reach_render_text(const struct reach_result *r, struct strbuf *out);
void reach_render_json(const struct reach_result *r, struct strbuf *out);
void reach_result_free(struct reach_result *r);

/**
 * struct reach_class - one class of packets of a reach answer.
 * @family: NFPROTO_IPV4 or NFPROTO_IPV6
 * @verdict: accept, drop, queue or uncertain
 * @rule: the rule whose verdict ended the class, or NULL for a base chain's
 *	policy (then @chain is that base chain) or for no base chain at the
 *	hook (@chain NULL too)
 * @many: the class joined packets decided by different rules (accepted by
 *	several rules, then merged in a later base chain); @rule, @chain NULL
 * @reason: why the class is uncertain, or NULL (owned by the result)
 */
struct reach_class {
	uint8_t family;
	enum eval_verdict verdict;
	const struct rule *rule;
	const struct chain *chain;
	bool many;
	const char *reason;
};

size_t reach_nclasses(const struct reach_result *r);
void reach_class_get(const struct reach_result *r, size_t i, struct reach_class *out);
/* Class @i holds every value of @f that the flow allows. */
bool reach_class_spans(const struct reach_result *r, size_t i, enum pkt_field f);
/* Class @i holds the value @v of @f (a port, a protocol, an ICMP type). */
bool reach_class_holds(const struct reach_result *r, size_t i, enum pkt_field f, uint64_t v);
/* How many values of @f class @i holds (saturating). */
uint64_t reach_class_count(const struct reach_result *r, size_t i, enum pkt_field f);
/* The fields where class @i differs from the flow, as `reach` prints them:
 * text, or the members of a JSON object. */
void reach_class_describe(const struct reach_result *r, size_t i, bool json, struct strbuf *out);
/* "rule handle 4 in inet filter input", "policy of inet filter input", ... */
void reach_class_decider(const struct reach_result *r, size_t i, struct strbuf *out);

/* ---- rules of one chain (shadow.c) ---- */

enum rule_fate {
	RULE_MATCHES,  /* some packet entering the chain reaches and matches it */
	RULE_SHADOWED, /* it matches packets, but earlier rules decide all of them */
	RULE_NEVER,    /* no packet matches it at all (its conditions contradict) */
	RULE_UNKNOWN,  /* reach could not tell (see @why) */
};

/**
 * struct rule_report - what reach found about one rule of a chain.
 * @redundant: RULE_MATCHES, ends with accept or drop, and without it every
 *	packet it matches would get the same verdict from the rules after it
 *	(or the chain's policy)
 * @redundancy_known: @redundant is an answer, not a question left open
 *	(the budget ran out before the rule, or its packets could not all be
 *	followed); false also for rules that do not match
 * @by: SHADOWED: earlier rules that decide the packets it would match
 * @why: UNKNOWN: the reason (static text)
 */
struct rule_report {
	enum rule_fate fate;
	bool redundant, redundancy_known;
	const struct rule *by[4];
	size_t nby;
	const char *why;
};

/*
 * Analyse every rule of @ch over every packet entering it, as if each jump
 * returned every packet (so only the chain's own verdicts count). @out has
 * ch->nrules entries. @budget bounds the rule evaluations per family
 * (0 = a default); past it, undecided rules are RULE_UNKNOWN. Returns 0,
 * or -EOPNOTSUPP for chains of families reach does not model (arp,
 * bridge, netdev).
 */
struct chain_cache;
/*
 * What chain_analyse() needs of the ruleset, built once for all its chains
 * (set indexes, interface name classes). @rs must outlive it; free with
 * chain_cache_free().
 */
struct chain_cache *chain_cache_new(const struct ruleset *rs);
void chain_cache_free(struct chain_cache *cc);

int chain_analyse(struct chain_cache *cc, const struct chain *ch, bool redundancy, size_t budget,
		  struct rule_report *out);

/*
 * chain_analyse() for each of @chains (@n of them) into @out[i], returning
 * into @ret[i]. When many rules are not analysed yet and a second CPU is
 * there, a second thread helps: the two take chains that read no named set
 * (whose indexes would be built twice), largest first, one at a time as
 * each is done; what the second finds is remembered in @cc all the same.
 */
void chains_analyse(struct chain_cache *cc, const struct chain *const *chains, size_t n,
		    bool redundancy, size_t budget, struct rule_report **out, int *ret);

#endif
