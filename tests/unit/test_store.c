// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Store tests: a state directory in a temporary directory, written as a
 * scan writes it; references resolved; and every way of tampering with the
 * record (an edited, removed, reordered or inserted entry, an edited or
 * deleted snapshot, a wrong baseline pointer) caught by store_verify().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fwaudit/model.h"
#include "fwaudit/store.h"
#include "fwaudit/util.h"

/* A ruleset with one table named @name: every name gives other bytes. */
static struct ruleset *ruleset_named(const char *name)
{
	struct ruleset *rs = ruleset_new();

	rs->generation = 7;
	rs->taken_at = 1700000000;
	ruleset_add_table(rs, 1 /* inet */, name);
	return rs;
}

static char *tmpdir(void)
{
	char *d = xstrdup("/tmp/fwaudit-test-store-XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static void rm_rf(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/*
 * A store of @n scans (the first the baseline), tables t0..t(n-1); the
 * hashes go to @hash[0..n).
 */
static char *make_store(unsigned n, char hash[][65])
{
	char *dir = tmpdir(), *state = xasprintf("%s/state", dir);
	struct strbuf err = STRBUF_INIT;
	struct store *st = NULL;

	assert_int_equal(store_open(state, true, &st, &err), 0);
	for (unsigned i = 0; i < n; i++) {
		char name[16];
		struct ruleset *rs;

		snprintf(name, sizeof(name), "t%u", i);
		rs = ruleset_named(name);
		assert_int_equal(store_put_ruleset(st, rs, hash[i], &err), 0);
		assert_int_equal(store_record(st, i ? "scan" : "baseline", hash[i], i, i, &err), 0);
		ruleset_free(rs);
	}
	store_close(st);
	strbuf_release(&err);
	free(dir);
	return state;
}

static struct store *open_ro(const char *state)
{
	struct strbuf err = STRBUF_INIT;
	struct store *st = NULL;

	assert_int_equal(store_open(state, false, &st, &err), 0);
	strbuf_release(&err);
	return st;
}

static void test_resolve(void **state)
{
	char hash[4][65], got[65];
	char *dir = make_store(4, hash);
	struct store *st = open_ro(dir);
	struct strbuf err = STRBUF_INIT;
	char prefix[8];
	const struct {
		const char *ref;
		int want; /* index into hash[], or -1: refused */
	} cases[] = {
		{ "baseline", 0 }, { "latest", 3 },    { "latest~0", 3 },  { "latest~1", 2 },
		{ "latest~3", 0 }, { "latest~4", -1 }, { "latest~x", -1 }, { "latest~-1", -1 },
		{ "abc", -1 },	   { "zzzzzzzz", -1 }, { "", -1 },
	};
	size_t n;
	const struct history_entry *h = store_history(st, &n);

	(void)state;
	assert_int_equal(n, 4);
	assert_string_equal(store_baseline(st), hash[0]);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(h[i].seq, i + 1);
		assert_string_equal(h[i].snapshot, hash[i]);
		assert_string_equal(h[i].baseline, hash[0]);
		assert_string_equal(h[i].event, i ? "scan" : "baseline");
		assert_int_equal(h[i].findings, i);
		if (i)
			assert_string_equal(h[i].prev, h[i - 1].hash);
	}
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int r = store_resolve(st, cases[i].ref, got, &err);

		if (cases[i].want < 0) {
			assert_true(r < 0);
			assert_true(err.len > 0);
		} else {
			assert_int_equal(r, 0);
			assert_string_equal(got, hash[cases[i].want]);
		}
		strbuf_truncate(&err, 0);
	}
	/* a unique prefix of 4+ hex digits, and the whole hash */
	snprintf(prefix, sizeof(prefix), "%.6s", hash[2]);
	assert_int_equal(store_resolve(st, prefix, got, &err), 0);
	assert_string_equal(got, hash[2]);
	assert_int_equal(store_resolve(st, hash[1], got, &err), 0);
	assert_string_equal(got, hash[1]);
	/* what is stored loads as what was put */
	{
		struct ruleset *rs = NULL;

		assert_int_equal(store_load(st, hash[3], &rs, &err), 0);
		assert_int_equal(rs->ntables, 1);
		assert_string_equal(rs->tables[0]->name, "t3");
		ruleset_free(rs);
	}
	assert_int_equal(store_verify(st, &err), 0);
	store_close(st);
	strbuf_release(&err);
	rm_rf(dir);
	free(dir);
}

/* The history's lines, to edit. */
static char **history_lines(const char *state, size_t *n)
{
	char *path = xasprintf("%s/history", state), *text = NULL, **v = NULL;
	size_t len = 0;

	assert_int_equal(read_file(path, &text, &len), 0);
	*n = 0;
	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		size_t k = nl ? (size_t)(nl - p) + 1 : strlen(p);

		v = xrealloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = xstrndup(p, k);
		p += k;
	}
	free(text);
	free(path);
	return v;
}

static void history_write(const char *state, char **v, size_t n)
{
	char *path = xasprintf("%s/history", state);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fputs(v[i], f);
	assert_int_equal(fclose(f), 0);
	free(path);
}

enum tamper {
	EDIT_FINDINGS,
	REMOVE_MIDDLE,
	SWAP,
	DUPLICATE,
	EDIT_SNAPSHOT,
	DELETE_SNAPSHOT,
	WRONG_BASELINE,
};

static void tamper(const char *state, enum tamper how, char hash[][65])
{
	size_t n = 0;
	char **v = history_lines(state, &n), *p, *tmp;

	switch (how) {
	case EDIT_FINDINGS:
		p = strstr(v[1], "\"findings\": 1");
		assert_non_null(p);
		p[strlen("\"findings\": ")] = '0';
		break;
	case REMOVE_MIDDLE:
		free(v[1]);
		memmove(v + 1, v + 2, (n - 2) * sizeof(*v));
		n--;
		break;
	case SWAP:
		tmp = v[1];
		v[1] = v[2];
		v[2] = tmp;
		break;
	case DUPLICATE:
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n] = xstrdup(v[n - 1]);
		n++;
		break;
	case EDIT_SNAPSHOT:
	case DELETE_SNAPSHOT:
		p = xasprintf("%s/snapshots/%s.json", state, hash[1]);
		if (how == DELETE_SNAPSHOT) {
			assert_int_equal(unlink(p), 0);
		} else {
			FILE *f = fopen(p, "a");

			assert_non_null(f);
			fputs(" ", f);
			fclose(f);
		}
		free(p);
		break;
	case WRONG_BASELINE:
		p = xasprintf("%s/baseline", state);
		{
			FILE *f = fopen(p, "w");

			assert_non_null(f);
			fprintf(f, "%s\n", hash[2]);
			fclose(f);
		}
		free(p);
		break;
	}
	history_write(state, v, n);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void test_verify_catches_tampering(void **state)
{
	static const struct {
		enum tamper how;
		const char *says; /* a piece of what verify reports */
	} cases[] = {
		{ EDIT_FINDINGS, "history:2: hash does not match the entry (edited)" },
		{ REMOVE_MIDDLE, "history:2: sequence number 3, expected 2" },
		{ SWAP, "history:3: sequence number 2, expected 3" },
		{ DUPLICATE, "history:5: does not follow the entry before it" },
		{ EDIT_SNAPSHOT, " was changed on disk" },
		{ DELETE_SNAPSHOT, " is missing (deleted outside fwaudit)" },
		{ WRONG_BASELINE, "which the history never made the baseline" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char hash[4][65];
		char *dir = make_store(4, hash);
		struct strbuf report = STRBUF_INIT;
		struct store *st;

		tamper(dir, cases[i].how, hash);
		st = open_ro(dir);
		if (!store_verify(st, &report))
			fail_msg("tampering %zu not caught: %s", i, report.buf ?: "");
		assert_non_null(strstr(report.buf, cases[i].says));
		store_close(st);
		strbuf_release(&report);
		rm_rf(dir);
		free(dir);
	}
}

static void test_prune_keeps_baseline(void **state)
{
	char hash[6][65];
	char *dir = make_store(6, hash);
	struct strbuf err = STRBUF_INIT, report = STRBUF_INIT;
	struct store *st = NULL;
	struct ruleset *rs = NULL;
	char got[65];

	(void)state;
	assert_int_equal(store_open(dir, true, &st, &err), 0);
	/* keep the 2 newest and the baseline: 3 pruned */
	assert_int_equal(store_prune(st, 2, &err), 3);
	store_close(st);
	st = open_ro(dir);
	assert_int_equal(store_verify(st, &report), 0);
	assert_int_equal(store_load(st, hash[0], &rs, &err), 0);
	ruleset_free(rs);
	rs = NULL;
	assert_int_equal(store_load(st, hash[5], &rs, &err), 0);
	ruleset_free(rs);
	rs = NULL;
	assert_true(store_load(st, hash[2], &rs, &err) < 0);
	assert_int_equal(store_resolve(st, "latest", got, &err), 0);
	assert_string_equal(got, hash[5]);
	store_close(st);
	strbuf_release(&err);
	strbuf_release(&report);
	rm_rf(dir);
	free(dir);
}

static void test_open_errors(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct store *st = NULL;
	char *dir = tmpdir(), *none = xasprintf("%s/none", dir);

	(void)state;
	/* a reader does not create a state directory */
	assert_true(store_open(none, false, &st, &err) < 0);
	assert_non_null(strstr(err.buf, "no fwaudit state here"));
	assert_null(st);
	strbuf_release(&err);
	rm_rf(dir);
	free(none);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_verify_catches_tampering),
		cmocka_unit_test(test_prune_keeps_baseline),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
