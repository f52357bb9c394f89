// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The policy loader against golden cases (tests/data/policy/malformed.txt):
 * each malformed policy must be rejected with exactly the messages given,
 * and must add nothing to the set. FWAUDIT_UPDATE=1 rewrites the file with
 * the messages the loader prints now (review the diff before committing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fwaudit/policy.h"
#include "fwaudit/util.h"

struct golden {
	char *name;
	struct strbuf yaml, error;
};

static struct golden cases[256];
static size_t ncases;
static const char *data_path;

static void unescape(struct strbuf *out, const char *line)
{
	for (const char *p = line; *p; p++) {
		if (p[0] == '\\' && p[1] == 'x' && p[2] && p[3]) {
			char hex[3] = { p[2], p[3], 0 };

			strbuf_addch(out, (char)strtoul(hex, NULL, 16));
			p += 3;
		} else {
			strbuf_addch(out, *p);
		}
	}
}

static void load_cases(void)
{
	char *text = NULL, *line;
	size_t len;
	int part = 0;

	if (read_file(data_path, &text, &len) < 0) {
		fprintf(stderr, "cannot read %s\n", data_path);
		exit(1);
	}
	/* strsep keeps empty lines, which matter in YAML */
	for (char *p = text; (line = strsep(&p, "\n"));) {
		struct golden *g = ncases ? &cases[ncases - 1] : NULL;

		if (!strncmp(line, "=== ", 4)) {
			g = &cases[ncases++];
			memset(g, 0, sizeof(*g));
			g->name = xstrdup(line + 4);
			part = 0;
		} else if (!strcmp(line, "--- yaml")) {
			part = 1;
		} else if (!strcmp(line, "--- error")) {
			part = 2;
		} else if (g && part == 1) {
			unescape(&g->yaml, line);
			strbuf_addch(&g->yaml, '\n');
		} else if (g && part == 2 && *line) {
			strbuf_addstr(&g->error, line);
			strbuf_addch(&g->error, '\n');
		}
	}
	free(text);
}

static void run_case(struct golden *g, struct strbuf *got)
{
	struct policy_set *ps = policy_set_new();
	int ret;

	ret = policy_load_buffer(ps, "p.yaml", g->yaml.buf ? g->yaml.buf : "", g->yaml.len, got);
	if (!ret)
		ret = policy_set_validate(ps, got);
	if (!ret)
		strbuf_addstr(got, "(accepted)\n");
	/* a rejected file adds nothing, not even its good documents */
	if (ret)
		assert_int_equal(ps->n, 0);
	policy_set_free(ps);
}

static void test_malformed(void **state)
{
	size_t failed = 0;

	(void)state;
	for (size_t i = 0; i < ncases; i++) {
		struct strbuf got = STRBUF_INIT;

		run_case(&cases[i], &got);
		if (strcmp(got.buf ? got.buf : "", cases[i].error.buf ? cases[i].error.buf : "")) {
			fprintf(stderr, "case '%s':\n  want: %s  got:  %s", cases[i].name,
				cases[i].error.buf ? cases[i].error.buf : "(nothing)\n",
				got.buf ? got.buf : "(nothing)\n");
			failed++;
		}
		strbuf_release(&got);
	}
	assert_true(ncases >= 40);
	assert_int_equal(failed, 0);
}

/* A good policy loads, with the parts it declares. */
static void test_good(void **state)
{
	static const char yaml[] =
		"policy: web-ingress\n"
		"title: Web traffic must reach the service\n"
		"severity: critical\n"
		"links: [artimus-2023-06-01#2]\n"
		"ignore:\n"
		"  - {table: \"ip f2b-table\"}\n"
		"  - {comment: \"^docker\"}\n"
		"expect:\n"
		"  - flow: {hook: input, family: ip, proto: tcp, dport: [80, 443]}\n"
		"    verdict: accept\n"
		"  - flow: {hook: input, proto: tcp, dport: 23}\n"
		"    verdict: drop\n"
		"require:\n"
		"  - chain: {hook: input, family: inet, policy: drop}\n"
		"detect:\n"
		"  - blanket-inbound-block\n"
		"  - world-open: {ports: [22, 3306, 5432, 6379, 9200, 27017]}\n"
		"files:\n"
		"  - path: /etc/nginx/nginx.conf\n"
		"    must_exist: true\n"
		"    owner: root\n"
		"    max_mode: \"0644\"\n"
		"    format: nginx\n"
		"    assert:\n"
		"      - {key: \"http.server.listen\", contains: \"443\"}\n"
		"      - {key: \"auth.timeout_seconds\", min: 5, max: 120}\n"
		"      - {regex: \"^\\\\s*autoindex\\\\s+on\", must: not-match}\n";
	struct policy_set *ps = policy_set_new();
	struct strbuf err = STRBUF_INIT;
	const struct policy *po;

	(void)state;
	assert_int_equal(policy_load_buffer(ps, "good.yaml", yaml, sizeof(yaml) - 1, &err), 0);
	assert_null(err.buf);
	assert_int_equal(ps->n, 1);
	po = ps->v[0];
	assert_string_equal(po->id, "web-ingress");
	assert_int_equal(po->severity, SEV_CRITICAL);
	assert_int_equal(po->nlinks, 1);
	assert_int_equal(po->nignores, 2);
	assert_int_equal(po->nexpects, 2);
	assert_string_equal(po->expects[0].flow, "family=ip proto=tcp dport=80,443");
	assert_string_equal(po->expects[1].flow, "proto=tcp dport=23");
	assert_int_equal(po->nrequires, 1);
	assert_int_equal(po->ndetects, 2);
	assert_int_equal(po->detects[1].nports, 6);
	assert_int_equal(po->nfiles, 1);
	assert_int_equal(po->files[0].max_mode, 0644);
	assert_int_equal(po->files[0].nasserts, 3);
	assert_int_equal(po->files[0].asserts[1].op, AS_RANGE);
	assert_int_equal(po->files[0].asserts[2].op, AS_REGEX);
	assert_false(po->files[0].asserts[2].must_match);
	/* the same id again, from another file */
	assert_int_equal(policy_load_buffer(ps, "again.yaml", yaml, sizeof(yaml) - 1, &err), 0);
	assert_int_not_equal(policy_set_validate(ps, &err), 0);
	assert_string_equal(err.buf, "again.yaml:1:1: duplicate policy id 'web-ingress' (first "
				     "defined at good.yaml:1:1)\n");
	strbuf_release(&err);
	policy_set_free(ps);
}

static void update(void)
{
	FILE *f = fopen(data_path, "w");

	fputs("# Malformed policies and the exact messages `fwaudit check` prints for them.\n"
	      "# Each case: '=== name', the YAML after '--- yaml', the messages after\n"
	      "# '--- error'. Bytes that are not UTF-8 are written as \\xHH.\n",
	      f);
	for (size_t i = 0; i < ncases; i++) {
		struct strbuf got = STRBUF_INIT;

		run_case(&cases[i], &got);
		fprintf(f, "=== %s\n--- yaml\n", cases[i].name);
		for (size_t k = 0; k < cases[i].yaml.len; k++) {
			unsigned char c = (unsigned char)cases[i].yaml.buf[k];

			if (c >= 0x80)
				fprintf(f, "\\x%02x", c);
			else
				fputc(c, f);
		}
		fprintf(f, "--- error\n%s\n", got.buf ? got.buf : "");
		strbuf_release(&got);
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_good),
	};

	data_path = argc > 1 ? argv[1] : "tests/data/policy/malformed.txt";
	load_cases();
	if (getenv("FWAUDIT_UPDATE")) {
		update();
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
