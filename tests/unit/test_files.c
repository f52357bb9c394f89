// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Files tests: the config readers (keyvalue, ini, nginx) as tables of text
 * and the (key, value, line) entries or the located error they must give;
 * unified diffs; SHA-256; and the safe capture of a watched file under a
 * private root (a regular file, a symbolic link refused or followed, a
 * directory, a missing path, the capture cap); and the watched files'
 * inotify: when a burst of events is over, and which directories are
 * watched (a file's, or the nearest that exists until its own is made).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "fwaudit/files.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

enum fmt { KV, INI, NGINX };

static int parse(enum fmt f, const char *text, struct conf *c, struct strbuf *err)
{
	switch (f) {
	case KV:
		return conf_parse_keyvalue(text, strlen(text), c, err);
	case INI:
		return conf_parse_ini(text, strlen(text), c, err);
	default:
		return conf_parse_nginx(text, strlen(text), c, err);
	}
}

/* Entries as "key=value@line" lines, to compare whole. */
static void entries(const struct conf *c, struct strbuf *out)
{
	for (size_t i = 0; i < c->n; i++)
		strbuf_addf(out, "%s=%s@%u\n", c->v[i].key, c->v[i].value, c->v[i].line);
}

static void test_conf_readers(void **state)
{
	static const struct {
		enum fmt fmt;
		const char *text;
		const char *want; /* entries, or the error when it starts with '!' */
	} cases[] = {
		{ KV, "a = 1\n# c\nb: two words\nC=\"q\"\n\nd 4\n",
		  "a=1@1\nb=two words@3\nC=q@4\nd=4@6\n" },
		{ KV, "timeout=30\ntimeout=45\n", "timeout=30@1\ntimeout=45@2\n" },
		{ INI, "; c\ntop = 0\n[main]\nuser = www-data\n[auth]\ntimeout_seconds=15\n",
		  "top=0@2\nmain.user=www-data@4\nauth.timeout_seconds=15@6\n" },
		{ INI, "[main\nx=1\n", "!1:1: section header without ']'" },
		{ NGINX,
		  "user www-data;\nhttp {\n  server {\n    listen 443 ssl;\n    listen 80;\n  "
		  "}\n}\n",
		  "user=www-data@1\nhttp.server.listen=443 ssl@4\nhttp.server.listen=80@5\n" },
		{ NGINX, "events { worker_connections 768; }\n",
		  "events.worker_connections=768@1\n" },
		{ NGINX, "http {\n  listen 80;\n", "!3:1: 1 block not closed" },
		{ NGINX, "http { listen 80 }\n}\n",
		  "!1:18: directive 'listen' not ended with ';'" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct conf c = { 0 };
		struct strbuf err = STRBUF_INIT, got = STRBUF_INIT;
		int r = parse(cases[i].fmt, cases[i].text, &c, &err);

		if (cases[i].want[0] == '!') {
			if (r == 0)
				fail_msg("case %zu: accepted, want an error", i);
			assert_non_null(err.buf);
			if (strncmp(err.buf, cases[i].want + 1, strlen(cases[i].want + 1)))
				fail_msg("case %zu: error '%s', want it to start '%s'", i, err.buf,
					 cases[i].want + 1);
		} else {
			if (r != 0)
				fail_msg("case %zu: refused: %s", i, err.buf);
			entries(&c, &got);
			if (strcmp(got.buf ?: "", cases[i].want))
				fail_msg("case %zu: got\n%swant\n%s", i, got.buf ?: "",
					 cases[i].want);
		}
		conf_release(&c);
		strbuf_release(&err);
		strbuf_release(&got);
	}
}

static void test_diff(void **state)
{
	static const struct {
		const char *a, *b;
		int same;
		const char *want;
	} cases[] = {
		{ "x\n", "x\n", 0, "" },
		{ "listen 443;\n", "listen 8443;\nautoindex on;\n", 1,
		  "--- a\n+++ b\n@@ -1 +1,2 @@\n-listen 443;\n+listen 8443;\n+autoindex on;\n" },
		{ "1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nfive\n6\n7\n8\n", 1,
		  "--- a\n+++ b\n@@ -4,3 +4,3 @@\n 4\n-5\n+five\n 6\n" },
		{ "", "new\n", 1, "--- a\n+++ b\n@@ -0,0 +1 @@\n+new\n" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf out = STRBUF_INIT;
		int r = diff_unified("a", cases[i].a, strlen(cases[i].a), "b", cases[i].b,
				     strlen(cases[i].b), i == 2 ? 1 : 3, &out);

		assert_int_equal(r, cases[i].same);
		if (strcmp(out.buf ?: "", cases[i].want))
			fail_msg("case %zu: got\n%swant\n%s", i, out.buf ?: "", cases[i].want);
		strbuf_release(&out);
	}
}

static void test_sha256(void **state)
{
	char hex[65];

	(void)state;
	sha256_hex("", 0, hex);
	assert_string_equal(hex,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void put(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_capture(void **state)
{
	char root[] = "/tmp/fwaudit-test-files-XXXXXX";
	struct file_capture fc;
	char *p;

	(void)state;
	assert_non_null(mkdtemp(root));
	p = xasprintf("%s/etc", root);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	p = xasprintf("%s/etc/app.conf", root);
	put(p, "listen 443;\nautoindex on;\n", 0640);
	free(p);
	p = xasprintf("%s/etc/link.conf", root);
	assert_int_equal(symlink("app.conf", p), 0);
	free(p);

	/* a regular file: metadata, content and the hash of the whole */
	assert_int_equal(file_capture(root, "/etc/app.conf", false, 1 << 20, &fc), 0);
	assert_true(fc.exists && fc.regular && !fc.symlink && !fc.truncated && !fc.error);
	assert_int_equal(fc.mode & 07777, 0640);
	assert_int_equal(fc.size, 26);
	assert_int_equal(fc.len, 26);
	assert_string_equal(fc.content, "listen 443;\nautoindex on;\n");
	file_capture_release(&fc);

	/* the cap keeps the start; the hash still covers the whole file */
	assert_int_equal(file_capture(root, "/etc/app.conf", false, 6, &fc), 0);
	{
		char whole[65];

		sha256_hex("listen 443;\nautoindex on;\n", 26, whole);
		assert_true(fc.truncated);
		assert_int_equal(fc.len, 6);
		assert_string_equal(fc.sha256, whole);
	}
	file_capture_release(&fc);

	/* a symbolic link is refused unless followed */
	assert_int_equal(file_capture(root, "/etc/link.conf", false, 1 << 20, &fc), 0);
	assert_true(fc.exists && fc.symlink && fc.error && !fc.content);
	assert_string_equal(fc.target, "app.conf");
	file_capture_release(&fc);
	assert_int_equal(file_capture(root, "/etc/link.conf", true, 1 << 20, &fc), 0);
	assert_true(fc.exists && !fc.error && fc.content);
	file_capture_release(&fc);

	/* a directory is not read; a missing path does not exist */
	assert_int_equal(file_capture(root, "/etc", false, 1 << 20, &fc), 0);
	assert_true(fc.exists && !fc.regular && fc.error && !fc.content);
	file_capture_release(&fc);
	assert_int_equal(file_capture(root, "/etc/none.conf", false, 1 << 20, &fc), 0);
	assert_false(fc.exists);
	file_capture_release(&fc);

	p = xasprintf("rm -rf '%s'", root);
	assert_int_equal(system(p), 0);
	free(p);
}

/* A burst's events, in ms after its first, and when the files are read again. */
static const struct burst_case {
	const char *name;
	int64_t last; /* the last event, after the first */
	int64_t due;  /* after the first */
} burst_cases[] = {
	{ "one event: read once quiet for 100 ms", 0, 100 },
	{ "events 50 ms apart: 100 ms after the last", 50, 150 },
	{ "a burst that goes on: a second after it began", 950, 1000 },
	{ "long past a second: at once", 5000, 1000 },
};

static void test_burst_due(void **state)
{
	struct file_watch fw = { .fd = -1 };

	(void)state;
	assert_int_equal(file_watch_due(&fw), 0); /* no burst */
	for (size_t i = 0; i < ARRAY_SIZE(burst_cases); i++) {
		const struct burst_case *c = &burst_cases[i];

		print_message("%s\n", c->name);
		fw.first = 10000;
		fw.last = 10000 + c->last;
		assert_int_equal(file_watch_due(&fw), 10000 + c->due);
	}
	file_watch_settled(&fw);
	assert_int_equal(file_watch_due(&fw), 0);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/*
 * A file's directory is watched, and for a file whose directory does not
 * exist yet the nearest that does: making the directory is a burst, and
 * once armed again the file's own writes are.
 */
static void test_watch_dirs(void **state)
{
	char dir[] = "/tmp/fwaudit-test-files-XXXXXX", conf[64], later[64], late[80], cmd[128];
	struct ruleset *files = ruleset_new();
	struct file_watch fw;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/app.conf", dir);
	snprintf(later, sizeof(later), "%s/later", dir);
	snprintf(late, sizeof(late), "%s/late.conf", later);
	write_file(conf, "listen 443\n");
	watched_file_capture(files, NULL, conf, false, 1 << 20);
	watched_file_capture(files, NULL, late, false, 1 << 20);
	assert_int_equal(file_watch_open(&fw), 0);
	file_watch_arm(&fw, files);
	file_watch_read(&fw, 1000);
	assert_int_equal(file_watch_due(&fw), 0); /* nothing happened */

	write_file(conf, "listen 8443\n");
	file_watch_read(&fw, 1000);
	write_file(conf, "listen 443\n");
	file_watch_read(&fw, 1040);
	assert_int_equal(fw.first, 1000);
	assert_int_equal(fw.last, 1040);
	assert_int_equal(file_watch_due(&fw), 1140);
	file_watch_settled(&fw);

	assert_int_equal(mkdir(later, 0755), 0); /* seen from the directory above */
	file_watch_read(&fw, 2000);
	assert_int_equal(file_watch_due(&fw), 2100);
	file_watch_settled(&fw);
	file_watch_arm(&fw, files);
	write_file(late, "x\n");
	file_watch_read(&fw, 3000);
	assert_int_equal(file_watch_due(&fw), 3100);
	file_watch_settled(&fw);
	/* nothing more: the burst is over */
	file_watch_read(&fw, 4000);
	assert_int_equal(file_watch_due(&fw), 0);

	file_watch_close(&fw);
	assert_int_equal(fw.fd, -1);
	file_watch_close(&fw); /* twice is harmless */
	ruleset_free(files);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_readers), cmocka_unit_test(test_diff),
		cmocka_unit_test(test_sha256),	     cmocka_unit_test(test_capture),
		cmocka_unit_test(test_burst_due),    cmocka_unit_test(test_watch_dirs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
