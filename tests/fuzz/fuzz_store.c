// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for what the scan reads back: the bytes are tried as a
 * history file (store_open, verify, resolving references) and as snapshot
 * JSON (ruleset_from_json, then compared with itself and with a small
 * ruleset, and the changes rendered). Neither may crash, leak or accept
 * damage silently: a history that is not exactly what fwaudit writes must
 * fail verification. Without libFuzzer, main() runs the files named on the
 * command line, and every truncation and bit flip of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fwaudit/change.h"
#include "fwaudit/model.h"
#include "fwaudit/store.h"
#include "fwaudit/util.h"
#include "small_ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/fwaudit-fuzz-store-XXXXXX";

/* No fsync: the store's own writes are not what is fuzzed here. */
static bool put_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fwrite(data, 1, size, f) == size;

	return f && !fclose(f) && ok;
}

static void try_history(const uint8_t *data, size_t size)
{
	static bool made;
	char *history, *lock;
	struct store *st = NULL;
	struct strbuf err = STRBUF_INIT, report = STRBUF_INIT;
	char hash[65];
	static const char *const refs[] = { "baseline", "latest", "latest~1",
					    "latest~x", "0000",	  "8f1e" };

	if (!made && !mkdtemp(dir))
		abort();
	made = true;
	history = xasprintf("%s/history", dir);
	lock = xasprintf("%s/lock", dir);
	if (!put_file(history, data, size) || !put_file(lock, "", 0))
		abort();
	if (store_open(dir, false, &st, &err) == 0) {
		size_t n, problems = store_verify(st, &report);
		const struct history_entry *v = store_history(st, &n);

		(void)v;
		/* anything verify passes must end in a newline and hold whole entries */
		if (!problems && size && data[size - 1] != '\n') {
			fprintf(stderr, "an incomplete history verified\n");
			abort();
		}
		for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
			strbuf_truncate(&err, 0);
			store_resolve(st, refs[i], hash, &err);
		}
		store_close(st);
	}
	strbuf_release(&err);
	strbuf_release(&report);
	free(history);
	free(lock);
}

static void try_snapshot(const uint8_t *data, size_t size)
{
	struct ruleset *rs = NULL, *small = small_ruleset();
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;

	if (ruleset_from_json((const char *)data, size, "fuzz.json", &rs, &err) == 0) {
		struct changes ch = { 0 };

		ruleset_changes(rs, rs, true, &ch);
		if (ch.n) {
			fprintf(stderr, "a snapshot differs from itself\n");
			abort();
		}
		ruleset_changes(small, rs, false, &ch);
		ruleset_changes(rs, small, true, &ch);
		changes_render_text(&ch, &out);
		changes_render_json(&ch, &out);
		changes_release(&ch);
		ruleset_free(rs);
	} else if (!err.len) {
		fprintf(stderr, "rejected without a message\n");
		abort();
	}
	ruleset_free(small);
	strbuf_release(&err);
	strbuf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	try_history(data, size);
	try_snapshot(data, size);
	return 0;
}

#ifndef FWAUDIT_LIBFUZZER
#include "seed_main.h"

int main(int argc, char **argv)
{
	unsigned runs = seed_main(argc, argv, 0);
	char *p = xasprintf("%s/history", dir), *l = xasprintf("%s/lock", dir);

	unlink(p);
	unlink(l);
	rmdir(dir);
	free(p);
	free(l);
	printf("fuzz store: %u histories and snapshots read or rejected without a crash\n", runs);
	return 0;
}
#endif
