// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for watched config files (their content is whoever can write
 * them): the bytes are a file's content, captured from a private root and
 * checked in every format (keyvalue, ini, nginx, yaml, json) with every
 * kind of assertion, as a scan or check reads it; and diffed against a
 * fixed text and against itself changed, as a scan shows a change. None of
 * it may crash or leak. Without libFuzzer, main() runs the files named (or
 * every file of a directory named), every truncation and bit flips spread
 * over them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "fwaudit/files.h"
#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[] = "/tmp/fwaudit-fuzz-conf-XXXXXX";

/* After "policy: conf-FORMAT": one policy per format. */
static const char policy_text[] =
	"files:\n"
	"  - path: /etc/app.conf\n"
	"    format: FORMAT\n"
	"    max_mode: \"0644\"\n"
	"    assert:\n"
	"      - {key: \"http.server.listen\", contains: \"443\"}\n"
	"      - {key: \"auth.timeout_seconds\", min: 1, max: 30}\n"
	"      - {key: \"main.user\", equals: \"www-data\"}\n"
	"      - {key: \"server_tokens\", matches: \"^off$\"}\n"
	"      - {key: \"log.level\", exists: true}\n"
	"      - {regex: \"^\\\\s*autoindex\\\\s+on\", must: not-match}\n";

static const char *const formats[] = { "keyvalue", "ini", "nginx", "yaml", "json" };

static struct policy_set *policies(void)
{
	static struct policy_set *ps;
	struct strbuf err = STRBUF_INIT;

	if (ps)
		return ps;
	ps = policy_set_new();
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		struct strbuf text = STRBUF_INIT;
		const char *at = strstr(policy_text, "FORMAT");
		char name[32];

		strbuf_addf(&text, "policy: conf-%s\n%.*s%s%s", formats[i], (int)(at - policy_text),
			    policy_text, formats[i], at + strlen("FORMAT"));
		snprintf(name, sizeof(name), "%s.yaml", formats[i]);
		if (policy_load_buffer(ps, name, text.buf, text.len, &err) < 0) {
			fprintf(stderr, "%s", err.buf);
			abort();
		}
		strbuf_release(&text);
	}
	strbuf_release(&err);
	return ps;
}

static void put(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char before[] = "listen 80;\nserver_tokens on;\nuser www-data;\n";
	static bool made;
	struct ruleset *rs = ruleset_new();
	struct findings f = { 0 };
	struct check_opts o = { .root = root };
	struct strbuf diff = STRBUF_INIT;
	char *path, *changed;

	if (!made) {
		char *etc;

		if (!mkdtemp(root))
			abort();
		etc = xasprintf("%s/etc", root);
		if (mkdir(etc, 0755) < 0)
			abort();
		free(etc);
		made = true;
	}
	path = xasprintf("%s/etc/app.conf", root);
	put(path, data, size);
	policy_check(policies(), rs, &o, &f);
	findings_release(&f);
	/* the change a scan shows: from a fixed text, and one line of it removed */
	diff_unified("a/etc/app.conf", before, sizeof(before) - 1, "b/etc/app.conf",
		     (const char *)data, size, 3, &diff);
	changed = xmalloc(size + 1);
	if (size) {
		char *nl = memcpy(changed, data, size);
		size_t cut;

		nl = memchr(changed, '\n', size);
		cut = nl ? (size_t)(nl - changed) + 1 : size;
		diff_unified("a", (const char *)data, size, "b", changed + cut, size - cut, 1,
			     &diff);
	}
	free(changed);
	free(path);
	strbuf_release(&diff);
	ruleset_free(rs);
	return 0;
}

#ifndef FWAUDIT_LIBFUZZER
#include "seed_main.h"

int main(int argc, char **argv)
{
	unsigned runs = seed_main(argc, argv, 256);
	char *path = xasprintf("%s/etc/app.conf", root), *etc = xasprintf("%s/etc", root);

	unlink(path);
	rmdir(etc);
	rmdir(root);
	free(path);
	free(etc);
	policy_set_free(policies());
	printf("fuzz conf: %u config files checked and diffed without a crash\n", runs);
	return 0;
}
#endif
