// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the policy loader (untrusted YAML): the bytes are a
 * policy file; policy_load_buffer() must load or reject it with messages,
 * never crash or leak, and a policy it accepts must check a small ruleset.
 * Without libFuzzer, main() runs the files named on the command line, and
 * every truncation and bit flip of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/util.h"
#include "small_ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The postmortem a policy's links are resolved against: the shipped
 * policies' artimus-2023-06-01#3 is there, most other links are not. */
static const char postmortem[] = "# Project Artimus {#artimus-2023-06-01}\n\n"
				 "Date: 2023-06-01\n\n## Action items\n\n"
				 "1. Validate rule changes\n2. Alert on changes\n"
				 "3. Keep the web ports reachable\n";

static struct postmortem_index *fuzz_index(void)
{
	static struct postmortem_index *ix;
	struct strbuf err = STRBUF_INIT;

	if (!ix) {
		ix = postmortem_index_new();
		ix->v = xcalloc(1, sizeof(*ix->v));
		ix->v[ix->n++] = postmortem_parse_markdown("pm.md", postmortem,
							   sizeof(postmortem) - 1, &err);
		if (!ix->v[0])
			abort();
		strbuf_release(&err);
	}
	return ix;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_set *ps = policy_set_new();
	struct strbuf err = STRBUF_INIT;

	if (policy_load_buffer(ps, "fuzz.yaml", (const char *)data, size, &err) == 0 &&
	    policy_set_validate(ps, &err) == 0) {
		struct ruleset *rs = small_ruleset();
		struct findings f = { 0 };
		struct check_opts o = { .root = "/nonexistent-fwaudit-fuzz-root" };

		/* links to nothing, to items and to items under another hash */
		postmortem_link(fuzz_index(), ps, &err);
		policy_check(ps, rs, &o, &f);
		findings_release(&f);
		ruleset_free(rs);
	} else if (!err.len) {
		fprintf(stderr, "rejected without a message\n");
		abort();
	}
	strbuf_release(&err);
	policy_set_free(ps);
	return 0;
}

#ifndef FWAUDIT_LIBFUZZER
#include "seed_main.h"

int main(int argc, char **argv)
{
	printf("fuzz policy: %u policy files loaded or rejected without a crash\n",
	       seed_main(argc, argv, 0));
	postmortem_index_free(fuzz_index());
	return 0;
}
#endif
