// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the postmortem readers (untrusted Markdown and YAML):
 * the bytes are a document; the Markdown scanner and the YAML form must read
 * or reject it with a message, never crash or leak, and whatever they read
 * must hold the index's promises: every action item has an id of the form
 * INCIDENT#..., a 12-digit content hash and some text.
 * Without libFuzzer, main() runs the files (or directories) named, and every
 * truncation and bit flip of them; a directory that does not exist is
 * skipped (the shared seeds are not always beside the project).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwaudit/postmortem.h"
#include "fwaudit/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_incident(const struct incident *in)
{
	struct strbuf js = STRBUF_INIT;

	if (!in->id || !*in->id || !in->title || !in->source)
		abort();
	for (size_t i = 0; i < in->nitems; i++) {
		const struct action_item *it = &in->items[i];

		if (!strchr(it->id, '#') || strlen(it->hash) != 12 ||
		    strspn(it->hash, "0123456789abcdef") != 12 || !it->text || !*it->text ||
		    it->incident != in)
			abort();
	}
	incident_json(in, true, &js);
	incident_summary(in, &js);
	strbuf_release(&js);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct postmortem_index *ix = postmortem_index_new();
	struct strbuf err = STRBUF_INIT;
	struct incident *in = postmortem_parse_markdown("fuzz.md", (const char *)data, size, &err);

	if (in)
		check_incident(in);
	else if (!err.len)
		abort(); /* rejected without a message */
	incident_free(in);
	strbuf_truncate(&err, 0);
	if (postmortem_parse_yaml(ix, "fuzz.yaml", (const char *)data, size, &err) == 0) {
		for (size_t i = 0; i < ix->n; i++)
			check_incident(ix->v[i]);
	} else if (!err.len) {
		abort();
	}
	strbuf_release(&err);
	postmortem_index_free(ix);
	return 0;
}

#ifndef FWAUDIT_LIBFUZZER
#include "seed_main.h"

int main(int argc, char **argv)
{
	printf("fuzz postmortem: %u documents read or rejected without a crash\n",
	       seed_main(argc, argv, 2048));
	return 0;
}
#endif
