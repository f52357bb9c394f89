/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_FUZZ_SEED_MAIN_H
#define FWAUDIT_FUZZ_SEED_MAIN_H

/*
 * The main() of a fuzz target built without libFuzzer: every file named (a
 * directory: each regular file in it; absent: skipped, as ../shared may be)
 * is run whole, at 64 truncations, and with each bit of its bytes flipped
 * in turn: every byte, or when @spread is not 0, about @spread bytes spread
 * over the file. Returns how many inputs ran.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "fwaudit/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned seed_run_file(const char *path, size_t spread)
{
	char *text = NULL;
	size_t n = 0;
	unsigned runs = 0;

	if (read_file(path, &text, &n) < 0) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	for (size_t k = 0; k <= n; k += 1 + n / 64, runs++)
		LLVMFuzzerTestOneInput((const uint8_t *)text, k);
	for (size_t k = 0; k < n; k += 1 + (spread ? n / spread : 0))
		for (unsigned x = 1; x < 256; x <<= 1, runs++) {
			text[k] ^= (char)x;
			LLVMFuzzerTestOneInput((const uint8_t *)text, n);
			text[k] ^= (char)x;
		}
	free(text);
	return runs;
}

static unsigned seed_main(int argc, char **argv, size_t spread)
{
	unsigned runs = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *de;

		if (stat(argv[i], &st) < 0) {
			printf("%s absent, skipped\n", argv[i]);
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			runs += seed_run_file(argv[i], spread);
			continue;
		}
		d = opendir(argv[i]);
		while (d && (de = readdir(d))) {
			char *p;

			if (de->d_name[0] == '.')
				continue;
			p = xasprintf("%s/%s", argv[i], de->d_name);
			if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
				runs += seed_run_file(p, spread);
			free(p);
		}
		if (d)
			closedir(d);
	}
	return runs;
}

#endif
