// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the netlink message decoder. The input is a sequence of
 * netlink messages (as the kernel would send a dump); each is decoded into
 * one ruleset and then applied to it as an event (NEW or DEL, as watch
 * does), which is then rendered and serialised, so a model that the later
 * stages cannot handle is found too.
 *
 * Built as a libFuzzer target with clang (-Dfuzz=true), and always as a
 * plain program that runs the files named on its command line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netlink.h>

#include "fwaudit/model.h"
#include "fwaudit/nl.h"
#include "fwaudit/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ruleset *rs = ruleset_new();
	struct strbuf out = STRBUF_INIT;
	struct nl_applied applied = { 0 };
	size_t off = 0;

	while (off + sizeof(struct nlmsghdr) <= size) {
		struct nlmsghdr h;
		size_t len;
		void *copy;

		memcpy(&h, data + off, sizeof(h));
		len = h.nlmsg_len;
		if (len < sizeof(h) || len > size - off)
			len = size - off;
		copy = xmalloc(len);
		memcpy(copy, data + off, len);
		nl_decode_msg(rs, copy, len);
		/* and as an event applied to what was decoded so far (watch) */
		nl_apply_event(rs, copy, len, &applied);
		free(copy);
		off += NLMSG_ALIGN(len);
	}
	ruleset_render(rs, NULL, &out);
	ruleset_to_json(rs, &out);
	strbuf_release(&out);
	ruleset_free(rs);
	return 0;
}

#ifndef FWAUDIT_LIBFUZZER
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		char *text;
		size_t len;

		if (read_file(argv[i], &text, &len) < 0) {
			fprintf(stderr, "%s: cannot read\n", argv[i]);
			return 2;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)text, len);
		free(text);
	}
	return 0;
}
#endif
