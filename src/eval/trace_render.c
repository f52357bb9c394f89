// SPDX-License-Identifier: GPL-2.0-or-later
/* A trace as text (like `nft monitor trace`, indented by jump depth) or JSON. */
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "eval_internal.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

/* The verdict's name; queue carries its number in the upper bits. */
static const char *code_name(int32_t code)
{
	return verdict_code_name(code) ?: verdict_code_name(code & NF_VERDICT_MASK) ?: "stolen";
}

static void rule_text(const struct rule *r, struct strbuf *out)
{
	struct render_opts ro = { 0 };

	rule_render(r, &ro, out);
}

static void path_text(const struct trace_path *p, struct strbuf *out)
{
	const struct chain *cur = NULL;
	unsigned depth = 1;

	for (size_t i = 0; i < p->nsteps; i++) {
		const struct trace_step *s = &p->steps[i];
		unsigned ind = depth;

		if (s->kind == STEP_CHAIN) {
			depth = 1;
			strbuf_addstr(out, "  ");
			chain_describe(s->chain, out);
			strbuf_addf(out, " (base chain, priority %d, policy %s)\n",
				    s->chain->priority,
				    s->chain->has_policy && s->chain->policy == NF_DROP ? "drop"
											: "accept");
			cur = s->chain;
			continue;
		}
		if (s->kind == STEP_SKIP) {
			strbuf_addstr(out, "  ");
			chain_describe(s->chain, out);
			strbuf_addf(out, ": skipped, %s\n", s->note);
			continue;
		}
		if (s->chain != cur && s->kind != STEP_RETURN) {
			strbuf_addf(out, "%*s", (int)(2 + 2 * ind), "");
			chain_describe(s->chain, out);
			strbuf_addstr(out, "\n");
			cur = s->chain;
		}
		strbuf_addf(out, "%*s", (int)(2 + 2 * ind + 2), "");
		switch (s->kind) {
		case STEP_RULE:
			strbuf_addf(out, "%-8s handle %llu: ", s->matched ? "match" : "no match",
				    (unsigned long long)s->rule->handle);
			rule_text(s->rule, out);
			if (s->matched && s->verdict != NFT_CONTINUE) {
				strbuf_addf(out, "  => %s", code_name(s->verdict));
				if (s->target)
					strbuf_addf(out, " %s", s->target);
			}
			if (s->matched && s->verdict == NFT_JUMP)
				depth++;
			break;
		case STEP_POLICY:
			strbuf_addf(out, "policy => %s", code_name(s->verdict));
			break;
		case STEP_RETURN:
			strbuf_addstr(out, "return");
			if (depth > 1)
				depth--;
			cur = NULL;
			break;
		default:
			strbuf_addf(out, "note: %s", s->note);
			break;
		}
		strbuf_addch(out, '\n');
	}
}

void trace_render_text(const struct trace *t, const struct packet *p, uint32_t hook,
		       struct strbuf *out)
{
	struct packet pkt = *p;

	packet_finish(&pkt);
	strbuf_addf(out, "trace at hook %s: ", hook_name(NFPROTO_IPV4, hook));
	packet_describe(&pkt, out);
	strbuf_addch(out, '\n');
	for (size_t i = 0; i < t->npaths; i++) {
		const struct trace_path *tp = &t->paths[i];

		if (t->npaths > 1)
			strbuf_addf(out, "path %zu of %zu%s%s:\n", i + 1, t->npaths,
				    tp->assumptions ? ", assuming " : "",
				    tp->assumptions ? tp->assumptions : "");
		path_text(tp, out);
		if (tp->uncertain)
			strbuf_addf(out, "  uncertain: %s\n", tp->uncertain);
		if (t->npaths > 1)
			strbuf_addf(out, "  => %s\n", eval_verdict_name(tp->verdict));
	}
	if (!t->npaths)
		strbuf_addstr(out, "  (no base chain at this hook)\n");
	strbuf_addf(out, "verdict: %s\n", eval_verdict_name(t->verdict));
	if (t->reason)
		strbuf_addf(out, "reason: %s\n", t->reason);
}

static void json_kstr(struct strbuf *out, const char *key, const char *v, bool comma)
{
	strbuf_addf(out, "%s\"%s\":", comma ? "," : "", key);
	if (v)
		strbuf_addjson(out, v);
	else
		strbuf_addstr(out, "null");
}

static void path_json(const struct trace_path *p, struct strbuf *out)
{
	static const char *const kinds[] = { "chain", "rule", "policy", "return", "note", "skip" };
	struct strbuf tmp = STRBUF_INIT;

	strbuf_addch(out, '[');
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct trace_step *s = &p->steps[i];

		strbuf_addstr(out, i ? ",{" : "{");
		json_kstr(out, "type", kinds[s->kind], false);
		strbuf_truncate(&tmp, 0);
		chain_describe(s->chain, &tmp);
		json_kstr(out, "chain", tmp.buf, true);
		if (s->rule) {
			strbuf_addf(out, ",\"handle\":%llu", (unsigned long long)s->rule->handle);
			strbuf_truncate(&tmp, 0);
			rule_text(s->rule, &tmp);
			json_kstr(out, "rule", tmp.buf ? tmp.buf : "", true);
		}
		if (s->kind == STEP_RULE)
			strbuf_addf(out, ",\"match\":%s", s->matched ? "true" : "false");
		if (s->kind == STEP_RULE || s->kind == STEP_POLICY)
			json_kstr(out, "verdict", code_name(s->verdict), true);
		if (s->target)
			json_kstr(out, "target", s->target, true);
		if (s->note)
			json_kstr(out, "note", s->note, true);
		strbuf_addch(out, '}');
	}
	strbuf_addch(out, ']');
	strbuf_release(&tmp);
}

void trace_render_json(const struct trace *t, const struct packet *p, uint32_t hook,
		       struct strbuf *out)
{
	struct strbuf desc = STRBUF_INIT;
	struct packet pkt = *p;

	packet_finish(&pkt);
	packet_describe(&pkt, &desc);
	strbuf_addch(out, '{');
	json_kstr(out, "hook", hook_name(NFPROTO_IPV4, hook), false);
	json_kstr(out, "packet", desc.buf, true);
	json_kstr(out, "verdict", eval_verdict_name(t->verdict), true);
	json_kstr(out, "reason", t->reason, true);
	strbuf_addstr(out, ",\"path\":");
	if (t->npaths)
		path_json(&t->paths[0], out);
	else
		strbuf_addstr(out, "[]");
	strbuf_addstr(out, ",\"paths\":[");
	for (size_t i = 0; i < t->npaths; i++) {
		strbuf_addstr(out, i ? ",{" : "{");
		json_kstr(out, "verdict", eval_verdict_name(t->paths[i].verdict), false);
		json_kstr(out, "assumptions", t->paths[i].assumptions, true);
		json_kstr(out, "uncertain", t->paths[i].uncertain, true);
		strbuf_addstr(out, ",\"path\":");
		path_json(&t->paths[i], out);
		strbuf_addch(out, '}');
	}
	strbuf_addstr(out, "]}\n");
	strbuf_release(&desc);
}
