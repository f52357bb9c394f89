// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * change/ narrating the watcher's events: each event of a transaction,
 * built with libnftnl as the kernel sends it and applied to a model as the
 * follower applies it, is told as a change record in CHANGE_STYLE_EVENT;
 * the text and JSON are those fwaudit watch's alerts have always carried.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fwaudit/change.h"
#include "fwaudit/model.h"
#include "fwaudit/nl.h"
#include "fwaudit/util.h"
#include "nft_build.h"

/* The model before: table t, base chain input with "tcp dport @ports accept" (handle 9). */
static struct ruleset *model(void)
{
	struct ruleset *rs = ruleset_new();
	struct nft_buf b = { .used = 0 };
	int len;

	nb_table(&b, NFT_MSG_NEWTABLE, "t");
	nb_chain(&b, NFT_MSG_NEWCHAIN, "t", "input", NF_ACCEPT);
	nb_set(&b, NFT_MSG_NEWSET, "t", "ports", 0, 13);
	nb_rule_lookup(&b, "t", "input", 9, "ports");
	len = (int)b.used;
	for (const struct nlmsghdr *nlh = (const void *)b.data; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len))
		assert_int_equal(nl_decode_msg(rs, nlh, nlh->nlmsg_len), 0);
	return rs;
}

static void tx_rules(struct nft_buf *b)
{
	nb_rule(b, NFT_MSG_NEWRULE, "t", "input", 10, 22);
	nb_rule(b, NFT_MSG_NEWRULE, "t", "input", 11, 80);
	nb_rule(b, NFT_MSG_DELRULE, "t", "input", 10, 0);
}

static void tx_objects(struct nft_buf *b)
{
	nb_chain(b, NFT_MSG_NEWCHAIN, "t", "web", -1);
	nb_set(b, NFT_MSG_NEWSET, "t", "allow", 0, 7);
	nb_elems(b, NFT_MSG_NEWSETELEM, "t", "allow", 1, 3);
	nb_elems(b, NFT_MSG_DELSETELEM, "t", "allow", 2, 1);
	nb_chain(b, NFT_MSG_DELCHAIN, "t", "web", -1);
}

/* An anonymous set comes and goes with its rule: neither it nor its elements are told. */
static void tx_anonymous(struct nft_buf *b)
{
	nb_set(b, NFT_MSG_NEWSET, "t", "__set0", NFT_SET_ANONYMOUS | NFT_SET_CONSTANT, 7);
	nb_elems(b, NFT_MSG_NEWSETELEM, "t", "__set0", 1, 2);
	nb_rule(b, NFT_MSG_NEWRULE, "t", "input", 10, 22);
}

/*
 * The kernel deletes a table's rules before its sets: the removed rule is
 * told as it was, with the set it looked its port up in.
 */
static void tx_table_gone(struct nft_buf *b)
{
	nb_rule(b, NFT_MSG_DELRULE, "t", "input", 9, 0);
	nb_set(b, NFT_MSG_DELSET, "t", "ports", 0, 13);
	nb_chain(b, NFT_MSG_DELCHAIN, "t", "input", NF_ACCEPT);
	nb_table(b, NFT_MSG_DELTABLE, "t");
}

static const struct narrate_case {
	const char *name;
	void (*tx)(struct nft_buf *b);
	unsigned max_listed;
	const char *text, *json;
	unsigned not_listed, rules_added, rules_removed;
} narrate_cases[] = {
	{ "rules added and removed", tx_rules, 0,
	  "  added rule inet t input handle 10: tcp dport 22 accept\n"
	  "  added rule inet t input handle 11: tcp dport 80 accept\n"
	  "  removed rule inet t input handle 10: tcp dport 22 accept\n",
	  "{\"kind\": \"added\", \"object\": \"rule\", \"where\": \"inet t input\", \"handle\": "
	  "10, "
	  "\"rule\": \"tcp dport 22 accept\"}, "
	  "{\"kind\": \"added\", \"object\": \"rule\", \"where\": \"inet t input\", \"handle\": "
	  "11, "
	  "\"rule\": \"tcp dport 80 accept\"}, "
	  "{\"kind\": \"removed\", \"object\": \"rule\", \"where\": \"inet t input\", \"handle\": "
	  "10, "
	  "\"rule\": \"tcp dport 22 accept\"}",
	  0, 2, 1 },
	{ "past the limit, events are counted", tx_rules, 1,
	  "  added rule inet t input handle 10: tcp dport 22 accept\n",
	  "{\"kind\": \"added\", \"object\": \"rule\", \"where\": \"inet t input\", \"handle\": "
	  "10, "
	  "\"rule\": \"tcp dport 22 accept\"}",
	  2, 2, 1 },
	{ "chains, sets, elements", tx_objects, 0,
	  "  added chain inet t web\n"
	  "  added set inet t allow\n"
	  "  added elements of inet t allow: 3\n"
	  "  removed elements of inet t allow: 1\n"
	  "  removed chain inet t web\n",
	  "{\"kind\": \"added\", \"object\": \"chain\", \"where\": \"inet t web\"}, "
	  "{\"kind\": \"added\", \"object\": \"set\", \"where\": \"inet t allow\"}, "
	  "{\"kind\": \"added\", \"object\": \"elements\", \"where\": \"inet t allow\", \"count\": "
	  "3}, "
	  "{\"kind\": \"removed\", \"object\": \"elements\", \"where\": \"inet t allow\", "
	  "\"count\": "
	  "1}, "
	  "{\"kind\": \"removed\", \"object\": \"chain\", \"where\": \"inet t web\"}",
	  0, 0, 0 },
	{ "anonymous sets go untold", tx_anonymous, 0,
	  "  added rule inet t input handle 10: tcp dport 22 accept\n",
	  "{\"kind\": \"added\", \"object\": \"rule\", \"where\": \"inet t input\", \"handle\": "
	  "10, "
	  "\"rule\": \"tcp dport 22 accept\"}",
	  0, 1, 0 },
	{ "a table deleted with its rules and sets", tx_table_gone, 0,
	  "  removed rule inet t input handle 9: tcp dport @ports accept\n"
	  "  removed set inet t ports\n"
	  "  removed chain inet t input\n"
	  "  removed table inet t\n",
	  "{\"kind\": \"removed\", \"object\": \"rule\", \"where\": \"inet t input\", \"handle\": "
	  "9, "
	  "\"rule\": \"tcp dport @ports accept\"}, "
	  "{\"kind\": \"removed\", \"object\": \"set\", \"where\": \"inet t ports\"}, "
	  "{\"kind\": \"removed\", \"object\": \"chain\", \"where\": \"inet t input\"}, "
	  "{\"kind\": \"removed\", \"object\": \"table\", \"where\": \"inet t\"}",
	  0, 0, 1 },
};

/* Apply @c's transaction to the model as the follower does, telling each event. */
static void narrate(const struct narrate_case *c, struct ruleset *rs, struct change_narration *n)
{
	struct nft_buf b = { .used = 0 };
	struct nl_applied a = { 0 };
	int len;

	c->tx(&b);
	len = (int)b.used;
	for (const struct nlmsghdr *nlh = (const void *)b.data; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		assert_int_equal(nl_apply_event(rs, nlh, nlh->nlmsg_len, &a), 0);
		change_narrate_applied(n, &a);
	}
}

static void test_narrate_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(narrate_cases); i++) {
		const struct narrate_case *c = &narrate_cases[i];
		struct change_narration n = { .max_listed = c->max_listed };
		struct strbuf text = STRBUF_INIT, js = STRBUF_INIT;
		struct ruleset *rs = model();

		print_message("%s\n", c->name);
		narrate(c, rs, &n);
		strbuf_addstr(&text, "");
		strbuf_addstr(&js, "");
		for (size_t k = 0; k < n.changes.n; k++) {
			change_render_text(&n.changes.v[k], CHANGE_STYLE_EVENT, &text);
			if (k)
				strbuf_addstr(&js, ", ");
			change_render_json(&n.changes.v[k], CHANGE_STYLE_EVENT, &js);
		}
		assert_string_equal(text.buf, c->text);
		assert_string_equal(js.buf, c->json);
		assert_int_equal(n.not_listed, c->not_listed);
		assert_int_equal(n.rules_added, c->rules_added);
		assert_int_equal(n.rules_removed, c->rules_removed);
		change_narration_reset(&n);
		assert_int_equal(n.max_listed, c->max_listed); /* the limit stays */
		assert_int_equal(n.changes.n + n.listed + n.rules_added, 0);
		strbuf_release(&text);
		strbuf_release(&js);
		ruleset_free(rs);
	}
}

/* Elements no event announced: the packet path or timeouts, seen by a re-read. */
static void test_narrate_set(void **state)
{
	struct change_narration n = { 0 };
	struct strbuf text = STRBUF_INIT, js = STRBUF_INIT;
	struct ruleset *rs = model();
	const struct table *t = rs->tables[0];

	(void)state;
	change_narrate_set(&n, t, t->sets[0], 3, 1);
	change_render_text(&n.changes.v[0], CHANGE_STYLE_EVENT, &text);
	change_render_json(&n.changes.v[0], CHANGE_STYLE_EVENT, &js);
	assert_string_equal(text.buf,
			    "  elements of inet t ports changed by the packet path or timeouts: "
			    "+3 -1\n");
	assert_string_equal(js.buf, "{\"kind\": \"changed\", \"object\": \"elements\", \"where\": "
				    "\"inet t ports\", \"by\": \"packet path or timeouts\", "
				    "\"added\": 3, \"removed\": 1}");
	assert_int_equal(n.listed, 0); /* not one of the kernel's events */
	change_narration_reset(&n);
	strbuf_release(&text);
	strbuf_release(&js);
	ruleset_free(rs);
}

/* The diff style of the same records is scan's and diff's, as it was. */
static void test_diff_style(void **state)
{
	struct changes c = { 0 };
	struct strbuf one = STRBUF_INIT, all = STRBUF_INIT, js = STRBUF_INIT, js1 = STRBUF_INIT;
	struct change *ch = changes_add(&c, CO_RULE, CHANGE_ADDED, xstrdup("inet t input"));

	(void)state;
	ch->new_handle = 10;
	ch->after = xstrdup("tcp dport 22 accept");
	change_render_text(ch, CHANGE_STYLE_DIFF, &one);
	changes_render_text(&c, &all);
	assert_string_equal(one.buf, "  + rule inet t input handle 10: tcp dport 22 accept\n");
	assert_string_equal(one.buf, all.buf);
	change_render_json(ch, CHANGE_STYLE_DIFF, &js);
	change_json(ch, &js1);
	assert_string_equal(js.buf, js1.buf);
	assert_string_equal(js.buf,
			    "{\"object\": \"rule\", \"kind\": \"added\", \"where\": \"inet t "
			    "input\", \"new_handle\": 10, \"after\": \"tcp dport 22 "
			    "accept\"}");
	changes_release(&c);
	strbuf_release(&one);
	strbuf_release(&all);
	strbuf_release(&js);
	strbuf_release(&js1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_narrate_cases),
		cmocka_unit_test(test_narrate_set),
		cmocka_unit_test(test_diff_style),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
