// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where the shipped policies and postmortems are: installed under the
 * prefix, or, for the binary meson built in a checkout (build/fwaudit, not
 * installed), the checkout's own policies/, so that every command of the
 * README works the same from a build tree and from a package.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "fwaudit/cmd.h"

#ifndef FWAUDIT_POLICYDIR
#define FWAUDIT_POLICYDIR "/usr/share/fwaudit/policies"
#endif
#ifndef FWAUDIT_POSTMORTEMDIR
#define FWAUDIT_POSTMORTEMDIR "/usr/share/fwaudit/postmortems"
#endif

/* Is this process the executable at the top of the build tree it was built
 * in? A copy or an installed binary is not. */
static bool uninstalled(void)
{
#if defined(FWAUDIT_BUILDDIR) && defined(FWAUDIT_SRCDIR)
	static int known = -1;
	char exe[PATH_MAX], *build;
	ssize_t n;

	if (known >= 0)
		return known;
	known = 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	build = realpath(FWAUDIT_BUILDDIR, NULL);
	if (n > 0 && build) {
		size_t k = strlen(build);
		struct stat st;

		exe[n] = '\0';
		known = !strncmp(exe, build, k) && exe[k] == '/' && !strchr(exe + k + 1, '/') &&
			stat(FWAUDIT_SRCDIR "/policies", &st) == 0 && S_ISDIR(st.st_mode);
	}
	free(build);
	return known;
#else
	return false;
#endif
}

const char *shipped_policydir(void)
{
#ifdef FWAUDIT_SRCDIR
	if (uninstalled())
		return FWAUDIT_SRCDIR "/policies";
#endif
	return FWAUDIT_POLICYDIR;
}

const char *shipped_postmortemdir(void)
{
#ifdef FWAUDIT_SRCDIR
	if (uninstalled())
		return FWAUDIT_SRCDIR "/policies/postmortems";
#endif
	return FWAUDIT_POSTMORTEMDIR;
}
