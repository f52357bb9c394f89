/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The classes a reach run starts from: interface names, the whole cube, a flow's text (flow.c). */
#ifndef FWAUDIT_EVAL_FLOW_H
#define FWAUDIT_EVAL_FLOW_H

#include <stdbool.h>
#include <stdint.h>

struct ruleset;
struct reach_ctx;
struct reach_result;
struct cube;
struct strbuf;

/**
 * collect_ifnames() - add the interface name classes of @rs to @r.
 *
 * The constants that rules compare an iifname/oifname load with, directly
 * or through a set, each with its wildcard class, and "~other~" for every
 * other name; @r->ifnames owns the copies (unsorted: sort them with
 * ifname_cmp()). What the chains name is kept with @rs's set cache.
 */
void collect_ifnames(const struct ruleset *rs, struct reach_result *r);
/**
 * flow_ifnames() - add the names a flow's iif=/oif= keys give to @r, as
 *	classes of their own (copies owned by @r).
 */
void flow_ifnames(struct reach_result *r, const char *flow);
/* ifname_cmp() - qsort() order of interface names (char *), by strcmp(). */
int ifname_cmp(const void *a, const void *b);

/**
 * cube_full() - the cube of every packet of @c->family at @c->hook.
 *
 * Every value of every field, but the interface fields where the hook has
 * no such interface, ct states and statuses as the kernel has them, and
 * unfragmented packets. @cb is initialised here; the caller releases it.
 * The interface name values are indexes into @c->res->ifnames.
 */
void cube_full(const struct reach_ctx *c, struct cube *cb);
/**
 * flow_apply() - restrict @cb to the fields @flow fixes, for @c->family.
 *
 * Returns 0, or -EINVAL with the reason in @err for a key or value that is
 * not one. family= is passed over: flow_family() reads it.
 */
int flow_apply(struct reach_ctx *c, const char *flow, struct cube *cb, struct strbuf *err);
/**
 * flow_family() - the family @flow is about: its family= key or, without
 *	one, what an address in it fixes (*@given true), else ip (*@given false).
 */
uint8_t flow_family(const char *flow, bool *given);

#endif
