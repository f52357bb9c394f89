// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>

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

/*
 * One RTM_NEWLINK named @name: a dummy link, or where the kernel lacks the
 * dummy driver, one end of a veth pair (the other end named after @seq).
 */
static int add_link(struct mnl_socket *nl, const char *name, uint32_t seq, bool veth)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], peer[IFNAMSIZ];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;
	struct nlattr *info, *data, *pn;
	int ret;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, veth ? "veth" : "dummy");
	if (veth) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		pn = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
		ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
		ifm->ifi_family = AF_UNSPEC;
		snprintf(peer, sizeof(peer), "fwa-peer%u", seq);
		mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
		mnl_attr_nest_end(nlh, pn);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, info);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	ret = (int)mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (ret < 0)
		return -errno;
	ret = mnl_cb_run(buf, (size_t)ret, seq, mnl_socket_get_portid(nl), NULL, NULL);
	return ret < 0 ? -errno : 0;
}

int nl_add_dummy_links(char **names, size_t n)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
	int made = 0;

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		mnl_socket_close(nl);
		return -e;
	}
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(names[i], "lo"))
			continue;
		if (add_link(nl, names[i], (uint32_t)(2 * i + 1), false) == 0 ||
		    add_link(nl, names[i], (uint32_t)(2 * i + 2), true) == 0)
			made++;
	}
	mnl_socket_close(nl);
	return made;
}
