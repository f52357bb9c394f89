// SPDX-License-Identifier: GPL-2.0-or-later
/* diff_tool A B: fwaudit's unified diff of two files, for tests/diff_check.py. */
#include <stdio.h>
#include <stdlib.h>

#include "fwaudit/files.h"
#include "fwaudit/util.h"

int main(int argc, char **argv)
{
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	struct strbuf out = STRBUF_INIT;
	int r;

	if (argc != 3 || read_file(argv[1], &a, &alen) < 0 || read_file(argv[2], &b, &blen) < 0) {
		fprintf(stderr, "usage: diff_tool A B\n");
		return 2;
	}
	r = diff_unified(argv[1], a, alen, argv[2], b, blen, 3, &out);
	fwrite(out.buf ? out.buf : "", 1, out.len, stdout);
	strbuf_release(&out);
	free(a);
	free(b);
	return r;
}
