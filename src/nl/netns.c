// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "fwaudit/nl.h"
#include "fwaudit/util.h"

int nl_enter_netns(const char *name, const char *path, struct strbuf *err)
{
	char *owned = NULL;
	int fd, ret = 0;

	if (!name && !path)
		return 0;
	if (name) {
		if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
			strbuf_addf(err,
				    "--netns %s: a namespace name, not a path (use --netns-path)",
				    name);
			return -EINVAL;
		}
		path = owned = xasprintf("/run/netns/%s", name);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		strbuf_addf(err, "%s: cannot open network namespace: %s", path, strerror(errno));
		goto out;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		ret = -errno;
		if (errno == EPERM)
			strbuf_addf(err, "%s: entering a network namespace needs CAP_SYS_ADMIN",
				    path);
		else
			strbuf_addf(err, "%s: not a network namespace: %s", path, strerror(errno));
	}
	close(fd);
out:
	free(owned);
	return ret;
}
