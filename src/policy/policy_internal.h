/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_POLICY_INTERNAL_H
#define FWAUDIT_POLICY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fwaudit/policy.h"

struct ruleset;
struct rule;
struct chain;
struct table;

void policy_free(struct policy *po);

/* "NAME" or "FAMILY NAME" with a known family. */
bool ignore_table_valid(const char *s);

/* Does an ignore item of @po cover this rule / chain / table? */
bool policy_ignores_rule(const struct policy *po, const struct rule *r);
bool policy_ignores_chain(const struct policy *po, const struct chain *c);

/*
 * The ruleset as @po sees it: without the tables, chains and rules its
 * ignore items name. Returns @rs itself when nothing is ignored; else a
 * view sharing @rs's objects, freed with ruleset_view_free().
 */
const struct ruleset *policy_view(const struct policy *po, const struct ruleset *rs);
void ruleset_view_free(const struct ruleset *view, const struct ruleset *rs);

/* A finding under construction: subject from a rule or a chain. */
struct finding *finding_add(struct findings *out, const struct policy *po, const char *check,
			    int severity);
void subject_rule(struct subject *s, const struct rule *r);
void subject_release(struct subject *s);
void subject_chain(struct subject *s, const struct chain *c);
/* Fill @f->id from the policy, check and subject (plus @extra, may be NULL). */
void finding_set_id(struct finding *f, const char *extra);

struct reach_result;
/* ---- evidence (evidence.c) ---- */

/* Class @i of @r as evidence. */
void evidence_add_class(struct evidence *ev, const struct reach_result *r, size_t i);
/* Every class of @r whose verdict is not @want (-1: every class); the text
 * report shows 20 of them. */
void evidence_classes(struct evidence *ev, const struct reach_result *r, int want);
/* @r decides first every packet of the rule the finding is about. */
void evidence_add_rule(struct evidence *ev, const struct rule *r);
/* Line @line of the watched file @path; @text (malloc'd) is owned by @ev. */
void evidence_add_line(struct evidence *ev, const char *path, uint32_t line, char *text);
void evidence_release(struct evidence *ev);
/* Subject from what decided class @i: its rule, its chain's policy, or the hook. */
void subject_of_class(struct subject *s, const struct reach_result *r, size_t i, uint32_t hook);

/* The built-in detectors (detect.c). */
void detect_run(const struct policy *po, const struct policy_detect *pd, const struct ruleset *rs,
		struct findings *out);

/* shadowed-rule and redundant-rule (rules.c). */
void detect_rules(const struct policy *po, const struct policy_detect *pd, const struct ruleset *rs,
		  struct findings *out);

/* Watched files (files.c). */
void check_file(const struct policy *po, const struct policy_file *pf, const struct ruleset *rs,
		const struct check_opts *opts, struct findings *out);

#endif
