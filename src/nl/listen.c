// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sockets a namespace serves, from /proc/self/net/{tcp,tcp6,udp,udp6}.
 * /proc/self/net follows the reading thread's network namespace, so after
 * nl_enter_netns() these are the namespace's own sockets.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/netfilter.h>

#include "fwaudit/model.h"
#include "fwaudit/nl.h"
#include "fwaudit/util.h"

#define TCP_LISTEN	0x0a
#define UDP_UNCONNECTED 0x07

/* /proc prints each 32-bit word of the address in host order. */
static bool hex_addr(const char *hex, uint8_t family, char *out, size_t cap)
{
	uint32_t words[4];
	size_t n = family == NFPROTO_IPV6 ? 4 : 1;

	if (strlen(hex) != n * 8)
		return false;
	for (size_t i = 0; i < n; i++) {
		char w[9];

		memcpy(w, hex + i * 8, 8);
		w[8] = 0;
		words[i] = (uint32_t)strtoul(w, NULL, 16);
	}
	return inet_ntop(family == NFPROTO_IPV6 ? AF_INET6 : AF_INET, words, out, (socklen_t)cap) !=
	       NULL;
}

static void read_table(const char *path, uint8_t family, uint8_t proto, struct listener **v,
		       size_t *n, size_t *cap)
{
	FILE *f = fopen(path, "re");
	char line[512];

	if (!f)
		return; /* no such protocol in this kernel (ipv6 disabled) */
	while (fgets(line, sizeof(line), f)) {
		char local[64];
		unsigned port, state;
		struct listener *li;

		if (sscanf(line, " %*u: %63[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x", local, &port,
			   &state) != 3)
			continue;
		if (state != (proto == IPPROTO_TCP ? TCP_LISTEN : UDP_UNCONNECTED))
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*v = xrealloc(*v, *cap * sizeof(**v));
		}
		li = &(*v)[*n];
		memset(li, 0, sizeof(*li));
		if (!hex_addr(local, family, li->addr, sizeof(li->addr)))
			continue;
		li->family = family;
		li->proto = proto;
		li->port = (uint16_t)port;
		li->loopback = listener_addr_loopback(family, li->addr);
		(*n)++;
	}
	fclose(f);
}

static int listener_cmp(const void *a, const void *b)
{
	const struct listener *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto - y->proto;
	if (x->port != y->port)
		return x->port - y->port;
	if (x->family != y->family)
		return x->family - y->family;
	return strcmp(x->addr, y->addr);
}

void nl_read_listeners(struct ruleset *rs)
{
	struct listener *v = NULL;
	size_t n = 0, cap = 0, k = 0;

	read_table("/proc/self/net/tcp", NFPROTO_IPV4, IPPROTO_TCP, &v, &n, &cap);
	read_table("/proc/self/net/tcp6", NFPROTO_IPV6, IPPROTO_TCP, &v, &n, &cap);
	read_table("/proc/self/net/udp", NFPROTO_IPV4, IPPROTO_UDP, &v, &n, &cap);
	read_table("/proc/self/net/udp6", NFPROTO_IPV6, IPPROTO_UDP, &v, &n, &cap);
	if (n)
		qsort(v, n, sizeof(*v), listener_cmp);
	/* one entry per socket address, sorted, so snapshots compare */
	for (size_t i = 0; i < n; i++)
		if (!k || listener_cmp(&v[k - 1], &v[i]))
			v[k++] = v[i];
	rs->listeners = arena_alloc(rs->arena, (k ? k : 1) * sizeof(*v));
	if (k)
		memcpy(rs->listeners, v, k * sizeof(*v));
	rs->nlisteners = (uint32_t)k;
	rs->has_listeners = true;
	free(v);
}
