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

static int write_proc(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		ret = -errno;
	close(fd);
	return ret;
}

int nl_private_netns(bool *userns, struct strbuf *err)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];

	*userns = false;
	if (unshare(CLONE_NEWNET) == 0)
		return 0;
	if (errno != EPERM) {
		strbuf_addf(err, "cannot make a private network namespace: %s", strerror(errno));
		return -errno;
	}
	/* without root: a user namespace of our own, where we may (unshare -rn) */
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
		int e = errno;

		strbuf_addf(
			err,
			"cannot make a private network namespace: %s (run as root, or allow "
			"unprivileged user namespaces: sysctl kernel.unprivileged_userns_clone=1)",
			strerror(e));
		return -e;
	}
	*userns = true;
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (write_proc("/proc/self/setgroups", "deny") < 0 ||
	    write_proc("/proc/self/uid_map", map) < 0) {
		strbuf_addf(err, "cannot map our user into the new user namespace: %s",
			    strerror(errno));
		return -EPERM;
	}
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	if (write_proc("/proc/self/gid_map", map) < 0) {
		strbuf_addf(err, "cannot map our group into the new user namespace: %s",
			    strerror(errno));
		return -EPERM;
	}
	return 0;
}
