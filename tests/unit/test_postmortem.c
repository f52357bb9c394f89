// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Postmortem ingestion against golden files: every document under
 * tests/data/postmortem/ (one per format) and every seed postmortem in
 * ../shared/seeds/ must read into exactly the incident and action items of
 * its .expected file. FWAUDIT_UPDATE=1 rewrites the .expected files from
 * what the reader finds now (review the diff before committing).
 *
 * Also: bad documents are reported by name and skipped without stopping
 * the others, and policy links are resolved, or refused with FILE:LINE:COL
 * when the id is unknown or the pinned content hash no longer matches.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/util.h"

static const char *data_dir, *seeds_dir;

/* The incident as the lines an .expected file holds. */
static void dump(const struct incident *in, struct strbuf *out)
{
	strbuf_addf(out, "incident: %s\ntitle: %s\n", in->id, in->title);
	strbuf_addf(out, "date: %s\n", in->date ? in->date : "-");
	strbuf_addf(out, "start: %s\nend: %s\n", in->start ? in->start : "-",
		    in->end ? in->end : "-");
	strbuf_addstr(out, "duration: ");
	if (in->duration_s >= 0)
		duration_format(in->duration_s, out);
	else
		strbuf_addch(out, '-');
	strbuf_addf(out, "\nduration_stated: %s\n",
		    in->duration_stated ? in->duration_stated : "-");
	if (in->impact_pct >= 0)
		strbuf_addf(out, "impact_percent: %g\n", in->impact_pct);
	else
		strbuf_addstr(out, "impact_percent: -\n");
	strbuf_addf(out, "impact: %s\n", in->impact ? in->impact : "-");
	strbuf_addf(out, "root_cause: %s\n", in->root_cause ? in->root_cause : "-");
	strbuf_addf(out, "detection: %s\n", in->detection ? in->detection : "-");
	for (size_t i = 0; i < in->nwarnings; i++)
		strbuf_addf(out, "warning: %s\n", in->warnings[i]);
	for (size_t i = 0; i < in->nitems; i++) {
		const struct action_item *it = &in->items[i];

		strbuf_addf(out, "item: %s | %s | %s | %s | %s | ", it->id,
			    action_status_name(it->status), it->group ? it->group : "-",
			    it->type ? it->type : "-", it->owner ? it->owner : "-");
		for (size_t r = 0; r < it->nrefs; r++)
			strbuf_addf(out, "%s%s", r ? ", " : "", it->refs[r]);
		strbuf_addf(out, "%s | %s\n", it->nrefs ? "" : "-", it->text);
	}
}

/* Read @doc (shown as @name) and compare with @expected. */
static void golden(const char *doc, const char *name, const char *expected)
{
	struct postmortem_index *ix = postmortem_index_new();
	struct strbuf err = STRBUF_INIT, got = STRBUF_INIT;
	char *want = NULL, *text = NULL;
	size_t len;

	assert_int_equal(read_file(doc, &text, &len), 0);
	if (strstr(name, ".yaml")) {
		assert_int_equal(postmortem_parse_yaml(ix, name, text, len, &err), 0);
	} else {
		struct incident *in = postmortem_parse_markdown(name, text, len, &err);

		assert_non_null(in);
		ix->v = xcalloc(1, sizeof(*ix->v));
		ix->v[ix->n++] = in;
	}
	for (size_t i = 0; i < ix->n; i++)
		dump(ix->v[i], &got);
	if (getenv("FWAUDIT_UPDATE")) {
		assert_int_equal(write_file_atomic(expected, got.buf, got.len), 0);
	} else {
		if (read_file(expected, &want, &len) < 0)
			fail_msg("%s: missing (FWAUDIT_UPDATE=1 writes it)", expected);
		if (strcmp(want, got.buf)) {
			fprintf(stderr, "--- %s\n%s--- got\n%s", expected, want, got.buf);
			fail_msg("%s differs", name);
		}
	}
	free(want);
	free(text);
	strbuf_release(&err);
	strbuf_release(&got);
	postmortem_index_free(ix);
}

static void test_formats(void **state)
{
	static const char *const docs[] = { "sre-table.md",   "checkboxes.md", "followups.md",
					    "remediation.md", "no-actions.md", "incident.yaml" };

	for (size_t i = 0; i < ARRAY_SIZE(docs); i++) {
		char *doc = xasprintf("%s/%s", data_dir, docs[i]);
		char *exp = xasprintf("%s/%s.expected", data_dir, docs[i]);

		golden(doc, docs[i], exp);
		free(doc);
		free(exp);
	}
}

static void test_seeds(void **state)
{
	static const char *const seeds[] = { "000_c67394028fe41689.txt", "001_aef0d489056fbda5.txt",
					     "002_dbf272ccc8eb1ea7.txt", "003_a4151dfbd11eabd1.txt",
					     "004_9389c12ca54cf6ea.txt" };
	struct stat st;

	if (!seeds_dir || stat(seeds_dir, &st) < 0)
		skip();
	for (size_t i = 0; i < ARRAY_SIZE(seeds); i++) {
		char *doc = xasprintf("%s/%s", seeds_dir, seeds[i]);
		char *exp = xasprintf("%s/seeds/%.3s.expected", data_dir, seeds[i]);
		char *name = xasprintf("seeds/%s", seeds[i]);

		golden(doc, name, exp);
		free(doc);
		free(exp);
		free(name);
	}
}

static void put(const char *dir, const char *name, const void *data, size_t len)
{
	char *p = xasprintf("%s/%s", dir, name);

	assert_int_equal(write_file_atomic(p, data, len), 0);
	free(p);
}

/* Bad documents are named and skipped; the good one beside them loads. */
static void test_bad_input(void **state)
{
	char dir[] = "/tmp/fwaudit-pm-XXXXXX";
	struct postmortem_index *ix = postmortem_index_new();
	struct strbuf err = STRBUF_INIT;
	static const char good[] = "# Outage on 2024-02-02\n\n## Action items\n\n- Fix it\n";
	char *big, *p;
	int skipped;

	assert_non_null(mkdtemp(dir));
	put(dir, "good.md", good, strlen(good));
	put(dir, "binary.md",
	    "\x7f"
	    "ELF\0\0\0",
	    7);
	put(dir, "latin1.md", "# Outage\n\n- \xe9t\xe9\n", 14);
	big = xmalloc(5u << 20);
	memset(big, 'a', 5u << 20);
	put(dir, "huge.md", big, 5u << 20);
	free(big);
	put(dir, "bad.yaml", "title: [unclosed\n", 17);
	put(dir, "notes.md", "Just some notes.\n", 17);
	p = xasprintf("%s/dangling.md", dir);
	assert_int_equal(symlink("/nonexistent/fwaudit", p), 0);
	free(p);
	p = xasprintf("%s/fifo.md", dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	free(p);

	skipped = postmortem_load_path(ix, dir, &err);
	assert_int_equal(skipped, 7);
	assert_int_equal(ix->n, 1);
	assert_int_equal(ix->v[0]->nitems, 1);
	assert_string_equal(ix->v[0]->items[0].text, "Fix it");
	assert_non_null(strstr(err.buf, "binary.md: binary"));
	assert_non_null(strstr(err.buf, "latin1.md:3:3: not UTF-8 (byte 0xe9); skipped"));
	assert_non_null(strstr(err.buf, "huge.md: larger than"));
	assert_non_null(strstr(err.buf, "bad.yaml:2:1: YAML syntax error"));
	assert_non_null(strstr(err.buf, "notes.md: no incident found"));
	assert_non_null(strstr(err.buf, "dangling.md: No such file or directory"));
	assert_non_null(strstr(err.buf, "fifo.md: not a regular file"));

	p = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
	free(p);
	strbuf_release(&err);
	postmortem_index_free(ix);
}

static const char doc_v1[] = "---\nid: fw-2024\n---\n# Firewall outage on 2024-04-04\n\n"
			     "## Action items\n\n- Validate rules before deploy\n"
			     "- Alert on rule changes\n";
/* the same items, reordered */
static const char doc_v2[] = "---\nid: fw-2024\n---\n# Firewall outage on 2024-04-04\n\n"
			     "## Action items\n\n- Alert on rule changes\n"
			     "- Validate rules before deploy\n";
/* the first item edited */
static const char doc_v3[] = "---\nid: fw-2024\n---\n# Firewall outage on 2024-04-04\n\n"
			     "## Action items\n\n- Validate rules in CI before deploy\n"
			     "- Alert on rule changes\n";

static int link_with(const char *doc, const char *policy, struct strbuf *err)
{
	struct postmortem_index *ix = postmortem_index_new();
	struct policy_set *ps = policy_set_new();
	struct incident *in = postmortem_parse_markdown("fw.md", doc, strlen(doc), err);
	int r;

	assert_non_null(in);
	ix->v = xcalloc(1, sizeof(*ix->v));
	ix->v[ix->n++] = in;
	assert_int_equal(policy_load_buffer(ps, "p.yaml", policy, strlen(policy), err), 0);
	r = postmortem_link(ix, ps, err);
	if (!r) {
		assert_non_null(ps->v[0]->links[0].item);
		assert_null(ps->v[0]->links[0].problem);
		assert_string_equal(ps->v[0]->links[0].item->incident->id, "fw-2024");
	} else {
		/* the audit goes on: the policy is checked without the item, and the
		 * link is a finding of its own */
		struct ruleset *rs = ruleset_new();
		struct findings f = { 0 };
		const struct policy_link *ln = &ps->v[0]->links[0];
		char *id = xasprintf("p/policy-link/%s", ln->id);
		bool link = false, require = false;

		assert_int_equal(r, 1);
		assert_null(ln->item);
		assert_non_null(ln->problem);
		policy_check(ps, rs, NULL, &f);
		for (size_t i = 0; i < f.n; i++) {
			if (!strcmp(f.v[i].check, "policy-link")) {
				link = true;
				assert_string_equal(f.v[i].id, id);
				assert_int_equal(f.v[i].severity, SEV_LOW);
				assert_string_equal(f.v[i].message, ln->problem);
				assert_int_equal(f.v[i].subject.kind, SUBJ_POLICY);
				assert_string_equal(f.v[i].subject.path, "p.yaml");
				assert_int_equal(f.v[i].loc.line, ln->loc.line);
			}
			require |= !strcmp(f.v[i].check, "require");
		}
		assert_true(link);
		assert_true(require);
		findings_release(&f);
		ruleset_free(rs);
		free(id);
	}
	policy_set_free(ps);
	postmortem_index_free(ix);
	return r;
}

static void test_links(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct incident *in = postmortem_parse_markdown("fw.md", doc_v1, strlen(doc_v1), &err);
	char *pinned, *policy;

	assert_non_null(in);
	assert_string_equal(in->items[0].id, "fw-2024#1");
	pinned = xasprintf("fw-2024#1@%s", in->items[0].hash);
	policy = xasprintf("policy: p\nlinks: [%s]\nrequire:\n  - table: {name: filter}\n", pinned);

	assert_int_equal(link_with(doc_v1, policy, &err), 0);
	assert_int_equal(err.len, 0);

	/* reordered: the pinned hash now belongs to #2 */
	assert_int_not_equal(link_with(doc_v2, policy, &err), 0);
	assert_non_null(strstr(err.buf, "p.yaml:2:9: link 'fw-2024#1@"));
	assert_non_null(strstr(err.buf, "the document was reordered; that action item is now "
					"fw-2024#2@"));
	strbuf_truncate(&err, 0);

	/* edited */
	assert_int_not_equal(link_with(doc_v3, policy, &err), 0);
	assert_non_null(strstr(err.buf, "the action item was edited and now reads \"Validate "
					"rules in CI before deploy\""));
	strbuf_truncate(&err, 0);

	/* unpinned links follow the id */
	free(policy);
	policy = xstrdup("policy: p\nlinks: [fw-2024#1]\nrequire:\n  - table: {name: filter}\n");
	assert_int_equal(link_with(doc_v3, policy, &err), 0);

	/* unknown */
	free(policy);
	policy = xstrdup("policy: p\nrequire:\n  - table: {name: filter}\nlinks:\n  - fw-2024#9\n");
	assert_int_not_equal(link_with(doc_v1, policy, &err), 0);
	assert_non_null(strstr(err.buf, "p.yaml:5:5: policy 'p' links to action item 'fw-2024#9', "
					"but incident 'fw-2024' (fw.md) has no such item"));
	strbuf_truncate(&err, 0);

	/* an incident that is not loaded at all */
	free(policy);
	policy = xstrdup("policy: p\nrequire:\n  - table: {name: filter}\nlinks:\n  - web-1#1\n");
	assert_int_not_equal(link_with(doc_v1, policy, &err), 0);
	assert_non_null(strstr(err.buf, "p.yaml:5:5: policy 'p' links to action item 'web-1#1', "
					"but no incident 'web-1' is loaded (1 incident loaded"));

	incident_free(in);
	free(pinned);
	free(policy);
	strbuf_release(&err);
}

/* The pieces of prose the reader must understand. */
static void test_mojibake_and_dates(void **state)
{
	static const char doc[] =
		"# Outage\n\n**Duration:** March 3rd, 2024, 11:00 PM "
		"\xc3\xa2\xe2\x82\xac\xe2\x80\x9d"
		" 1:15 AM (EST)\n\n## Action items\n\n1. Fix the \xc3\xa2\xe2\x82\xac\xc5\x93"
		"thing\xc3\xa2\xe2\x82\xac\xc2\x9d\n1. Fix the other\n";
	struct strbuf err = STRBUF_INIT;
	struct incident *in = postmortem_parse_markdown("m.md", doc, sizeof(doc) - 1, &err);

	assert_non_null(in);
	assert_string_equal(in->date, "2024-03-03");
	assert_string_equal(in->start, "2024-03-03T23:00:00-05:00");
	assert_string_equal(in->end, "2024-03-04T01:15:00-05:00");
	assert_int_equal(in->duration_s, 8100);
	assert_string_equal(in->when_raw, "March 3rd, 2024, 11:00 PM \xe2\x80\x94 1:15 AM (EST)");
	assert_int_equal(in->nitems, 2);
	assert_string_equal(in->items[1].id, "2024-03-03-outage#2");
	incident_free(in);
	strbuf_release(&err);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_seeds),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_mojibake_and_dates),
	};

	data_dir = argc > 1 ? argv[1] : "tests/data/postmortem";
	seeds_dir = argc > 2 ? argv[2] : NULL;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
