// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nf_tables events: a socket subscribed to NFNLGRP_NFTABLES with a large
 * receive buffer. The kernel sends each transaction's messages and then
 * NEWGEN, which carries the new generation and the committing process.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "fwaudit/nl.h"
#include "fwaudit/util.h"

struct nl_monitor {
	struct mnl_socket *nl;
	char *buf;
	size_t bufsz;
};

int nl_monitor_open(struct nl_monitor **out, int rcvbuf, struct strbuf *err)
{
	struct nl_monitor *m = xcalloc(1, sizeof(*m));
	int group = NFNLGRP_NFTABLES;

	m->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!m->nl || mnl_socket_bind(m->nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_setsockopt(m->nl, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) < 0) {
		int e = errno;

		strbuf_addf(err, "cannot listen to nftables events: %s%s", strerror(e),
			    e == EPERM ? " (needs CAP_NET_ADMIN)" : "");
		nl_monitor_close(m);
		return -e;
	}
	/* past rmem_max where we may (CAP_NET_ADMIN), else as far as allowed */
	if (setsockopt(mnl_socket_get_fd(m->nl), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)) < 0)
		setsockopt(mnl_socket_get_fd(m->nl), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
			   sizeof(rcvbuf));
	m->bufsz = 1 << 20;
	m->buf = xmalloc(m->bufsz);
	*out = m;
	return 0;
}

void nl_monitor_close(struct nl_monitor *m)
{
	if (!m)
		return;
	if (m->nl)
		mnl_socket_close(m->nl);
	free(m->buf);
	free(m);
}

int nl_monitor_fd(const struct nl_monitor *m)
{
	return mnl_socket_get_fd(m->nl);
}

int nl_monitor_read(struct nl_monitor *m, nl_event_fn fn, void *arg)
{
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(m->nl, m->buf, m->bufsz);
		const struct nlmsghdr *nlh;
		int len;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? 0 : -errno;
		}
		len = (int)n;
		for (nlh = (const struct nlmsghdr *)m->buf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			int r;

			if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_NFTABLES)
				continue;
			r = fn(nlh, arg);
			if (r < 0)
				return r;
		}
	}
}

int nl_parse_newgen(const struct nlmsghdr *nlh, struct nl_gen *out)
{
	const struct nlattr *a;
	size_t hdr = sizeof(struct nfgenmsg);

	memset(out, 0, sizeof(*out));
	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWGEN ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + NLMSG_ALIGN(hdr))
		return -EINVAL;
	mnl_attr_for_each(a, nlh, hdr)
	{
		size_t plen = mnl_attr_get_payload_len(a);

		switch (mnl_attr_get_type(a)) {
		case NFTA_GEN_ID:
			if (plen >= 4) {
				out->id = ntohl(mnl_attr_get_u32(a));
				out->has_id = true;
			}
			break;
		case NFTA_GEN_PROC_PID:
			if (plen >= 4)
				out->pid = ntohl(mnl_attr_get_u32(a));
			break;
		case NFTA_GEN_PROC_NAME:
			if (plen) {
				size_t k = plen < sizeof(out->comm) ? plen : sizeof(out->comm) - 1;

				memcpy(out->comm, mnl_attr_get_payload(a), k);
				out->comm[k] = '\0';
			}
			break;
		}
	}
	return out->has_id ? 0 : -EINVAL;
}
