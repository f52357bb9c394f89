// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fwaudit demo: the first five minutes. A seed outage replayed in a network
 * namespace that exists only while the demo runs: a web server behind a
 * sound firewall, a clean scan, the rule from the postmortem inserted, and
 * what fwaudit says about it. The work is that of scan: the same snapshot,
 * check and comparison, on a kernel ruleset that nft loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "fwaudit/change.h"
#include "fwaudit/cmd.h"
#include "fwaudit/model.h"
#include "fwaudit/nl.h"
#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/report.h"
#include "fwaudit/util.h"

/* A web server's input chain, as a careful admin writes it. */
static const char web_ruleset[] = "table inet filter {\n"
				  "\tchain input {\n"
				  "\t\ttype filter hook input priority filter; policy drop;\n"
				  "\t\tct state established,related accept\n"
				  "\t\tiif \"lo\" accept\n"
				  "\t\tmeta l4proto { icmp, ipv6-icmp } accept\n"
				  "\t\tip saddr 10.0.0.0/8 tcp dport 22 accept\n"
				  "\t\ttcp dport { 80, 443 } accept\n"
				  "\t}\n"
				  "}\n";

/* The change: one rule at the top of the input chain. */
static const char *const change_args[] = {
	"insert", "rule", "inet", "filter", "input", "drop", NULL
};

/* The postmortem whose story the change replays (shipped with fwaudit). */
#define STORY_INCIDENT "webapp-2023-02-01"
#define PROBE_PORT     443
#define PROBE_WAIT_MS  1000

static const uint16_t web_ports[] = { 80, 443 };

static int lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		ret = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!ret && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* The web server: a socket listening on [::]:@port (IPv4 too). Returns the fd or -errno. */
static int listen_on(uint16_t port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
				  .sin6_port = htons(port),
				  .sin6_addr = IN6ADDR_ANY_INIT };
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), off = 0;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 16) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* A client connects to 127.0.0.1:@port: what happened, in words. */
static const char *probe(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), e = 0;
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(e);
	const char *what;

	if (fd < 0)
		return "could not make a socket";
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 && errno != EINPROGRESS)
		e = errno;
	else if (poll(&p, 1, PROBE_WAIT_MS) == 0)
		e = ETIMEDOUT;
	else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		e = errno;
	close(fd);
	if (!e)
		what = "connected";
	else if (e == ETIMEDOUT)
		what = "no answer after 1 s: the SYN was dropped";
	else
		what = strerror(e);
	return what;
}

/* Run nft here (in the demo's namespace). Returns 0 or EXIT_ERROR (printed). */
static int nft(const char *const *args)
{
	struct strbuf msg = STRBUF_INIT;
	int r = nft_run(args, &msg);

	if (r != 0) {
		if (r < 0)
			errmsg("demo: cannot run nft: %s", strerror(-r));
		else
			errmsg("demo: nft failed (exit %d): %s", r, msg.buf ? msg.buf : "");
	}
	strbuf_release(&msg);
	return r ? EXIT_ERROR : 0;
}

/* nft -f of @text, through a memfd nft reads as /proc/self/fd/N. */
static int nft_load(const char *text)
{
	char path[64];
	int fd = memfd_create("fwaudit-demo.nft", 0), ret;

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		errmsg("demo: cannot stage the ruleset: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXIT_ERROR;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ret = nft((const char *const[]){ "-f", path, NULL });
	close(fd);
	return ret;
}

/* @text filled into lines of at most WRAP columns, each after @pad spaces
 * but the first, which follows what @out already holds on its line. */
#define WRAP 88
static void wrapped(struct strbuf *out, const char *text, int pad)
{
	const char *nl = out->len ? strrchr(out->buf, '\n') : NULL;
	size_t col = nl ? out->len - (size_t)(nl - out->buf) - 1 : out->len;

	while (*text) {
		size_t len = strcspn(text, " ");

		if (col > (size_t)pad && col + 1 + len > WRAP) {
			strbuf_addf(out, "\n%*s", pad, "");
			col = (size_t)pad;
		} else if (col > (size_t)pad) {
			strbuf_addch(out, ' ');
			col++;
		}
		strbuf_add(out, text, len);
		col += len;
		text += len;
		text += strspn(text, " ");
	}
	strbuf_addch(out, '\n');
}

/* A paragraph of the demo's text, wrapped, indented 3 after its first line. */
__attribute__((format(printf, 2, 3))) static void para(struct strbuf *out, const char *fmt, ...)
{
	struct strbuf text = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&text, fmt, ap);
	va_end(ap);
	wrapped(out, text.buf, 3);
	strbuf_release(&text);
}

static void print(struct strbuf *out)
{
	fwrite(out->buf ? out->buf : "", 1, out->len, stdout);
	fflush(stdout);
	strbuf_truncate(out, 0);
}

/* Snapshot the demo's namespace and check it. Returns 0 or EXIT_ERROR. */
static int scan(const struct policy_set *ps, struct ruleset **rs, struct findings *found)
{
	const struct source_opts live = { 0 };
	const struct check_opts copts = { 0 };

	if (source_load(&live, rs))
		return EXIT_ERROR;
	policy_check(ps, *rs, &copts, found);
	findings_sort(found);
	return 0;
}

/* Findings below @fail_on, as "3 icmp-blocked, 2 no-loopback". */
static void below_summary(const struct findings *f, enum severity fail_on, struct strbuf *out)
{
	const char **seen = NULL;
	size_t nseen = 0, cap = 0;

	for (size_t i = 0; i < f->n; i++) {
		size_t k, count = 0;

		if (f->v[i].severity >= fail_on)
			continue;
		for (k = 0; k < nseen && strcmp(seen[k], f->v[i].check); k++)
			;
		if (k < nseen)
			continue;
		GROW(seen, nseen, cap);
		seen[nseen++] = f->v[i].check;
		for (size_t j = i; j < f->n; j++)
			count +=
				f->v[j].severity < fail_on && !strcmp(f->v[j].check, f->v[i].check);
		strbuf_addf(out, "%s%zu %s", nseen > 1 ? ", " : "", count, f->v[i].check);
	}
	free(seen);
}

/* The findings at or above @fail_on as the check report shows them, without its header. */
static void render_failing(const struct findings *f, const struct policy_set *ps,
			   const struct ruleset *rs, enum severity fail_on, struct strbuf *out)
{
	struct findings top = { 0 };
	struct report_meta m = {
		.source = "demo", .rs = rs, .ps = ps, .fail_on = fail_on, .color = stdout_color()
	};
	struct strbuf text = STRBUF_INIT;
	const char *body;

	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].severity >= fail_on) {
			GROW(top.v, top.n, top.cap);
			top.v[top.n++] = f->v[i]; /* borrowed: freed with @f */
		}
	report_render(&top, &m, REPORT_TEXT, &text);
	/* past the header line and the blank line after it */
	body = strstr(text.buf, "\n\n");
	strbuf_add_indented(out, body ? body + 2 : "", "   ");
	free(top.v);
	strbuf_release(&text);
}

static const struct incident *story(const struct postmortem_index *ix)
{
	for (size_t i = 0; ix && i < ix->n; i++)
		if (!strcmp(ix->v[i]->id, STORY_INCIDENT))
			return ix->v[i];
	return NULL;
}

int cmd_demo(int argc, char **argv)
{
	const struct option opts[] = {
		POLICY_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct policy_opts po = { .fail_on = SEV_HIGH };
	struct policy_set *ps = NULL;
	struct postmortem_index *ix = NULL;
	struct ruleset *before = NULL, *after = NULL;
	struct findings found0 = { 0 }, found1 = { 0 };
	struct changes changes = { 0 }, structural = { 0 };
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	const struct incident *in;
	const char *sev;
	size_t failing0, failing1;
	int c, fds[ARRAY_SIZE(web_ports)], ret = EXIT_ERROR;
	bool userns, defaults;

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		fds[i] = -1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			cmd_usage("demo");
			ret = EXIT_CLEAN;
			goto out;
		}
		if (policy_opt("demo", &po, c, optarg) <= 0)
			goto out;
	}
	if (optind < argc) {
		errmsg("demo: unexpected argument '%s'", argv[optind]);
		goto out;
	}
	/* the shipped set only, so that the demo tells the same story everywhere */
	defaults = !po.npaths && !po.nmpaths;
	if (!po.npaths)
		path_push(&po.paths, &po.npaths, (char *)shipped_policydir());
	if (!po.nmpaths)
		path_push(&po.mpaths, &po.nmpaths, (char *)shipped_postmortemdir());
	if (policy_opts_load("demo", &po, &ps, &ix)) {
		if (defaults)
			fprintf(stderr,
				"demo: give --policies DIR --postmortems DIR (in a checkout: "
				"policies and policies/postmortems)\n");
		goto out;
	}
	sev = severity_name(po.fail_on);

	/* from here on, nothing this process does can reach the host's network */
	if (nl_private_netns(&userns, &err) < 0) {
		errmsg("demo: %s", err.buf);
		goto out;
	}
	if (lo_up() < 0) {
		errmsg("demo: cannot bring up lo in the demo's namespace: %s", strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		fds[i] = listen_on(web_ports[i]);
		if (fds[i] < 0) {
			errmsg("demo: cannot listen on port %u: %s", web_ports[i],
			       strerror(-fds[i]));
			goto out;
		}
	}
	if (nft_load(web_ruleset) || scan(ps, &before, &found0))
		goto out;
	failing0 = findings_failing(&found0, po.fail_on);

	strbuf_addf(&out, "fwaudit demo: an outage from a postmortem, replayed in a network "
			  "namespace of its own.\n"
			  "Nothing on this host is read or changed; the namespace ends with the "
			  "demo.\n\n");
	strbuf_addstr(&out, "1. A web server listens on tcp/80 and tcp/443 behind this firewall,\n"
			    "   loaded with nft -f and read back from the kernel:\n\n");
	{
		struct render_opts ro = { 0 };
		struct strbuf rules = STRBUF_INIT;

		ruleset_render(before, &ro, &rules);
		strbuf_add_indented(&out, rules.buf ? rules.buf : "", "      ");
		strbuf_release(&rules);
	}
	strbuf_addf(&out, "\n   A client connects to port %u: ", PROBE_PORT);
	print(&out);
	strbuf_addf(&out, "%s.\n\n", probe(PROBE_PORT));
	strbuf_addstr(&out, "2. ");
	para(&out,
	     "The scheduled scan (fwaudit scan) snapshots the ruleset and checks it against "
	     "%zu policies: %zu finding%s, %zu at %s or above. This snapshot becomes the "
	     "baseline.",
	     ps->n, found0.n, found0.n == 1 ? "" : "s", failing0, sev);
	strbuf_addch(&out, '\n');

	in = story(ix);
	strbuf_addstr(&out, "3. ");
	{
		struct strbuf text = STRBUF_INIT;

		if (in && in->root_cause)
			strbuf_addf(&text,
				    "The change. The postmortem \"%s\" (%s) says: \"%s\" Here "
				    "is such a rule:",
				    in->title, in->source, in->root_cause);
		else
			strbuf_addstr(&text, "The change: a drop at the top of the input chain.");
		para(&out, "%s", text.buf);
		strbuf_release(&text);
	}
	strbuf_addstr(&out, "\n      # nft");
	for (size_t i = 0; change_args[i]; i++)
		strbuf_addf(&out, " %s", change_args[i]);
	strbuf_addf(&out, "\n\n   A client connects to port %u: ", PROBE_PORT);
	print(&out);
	if (nft(change_args))
		goto out;
	strbuf_addf(&out, "%s.\n\n", probe(PROBE_PORT));
	print(&out);

	if (scan(ps, &after, &found1))
		goto out;
	failing1 = findings_failing(&found1, po.fail_on);
	flow_changes(before, after, ps, &changes);
	ruleset_changes(before, after, true, &structural);
	changes_append(&changes, &structural);
	strbuf_addstr(&out, "4. ");
	para(&out, "The next scan compares the ruleset with the baseline. What changed, first what "
		   "it means, then what was edited:");
	strbuf_addch(&out, '\n');
	{
		struct strbuf text = STRBUF_INIT;

		changes_render_text(&changes, &text);
		strbuf_add_indented(&out, text.buf ? text.buf : "", "   ");
		strbuf_release(&text);
	}
	strbuf_addstr(&out, "\n   ");
	para(&out,
	     "What it breaks: %zu finding%s at %s or above, each with the postmortem action "
	     "items it enforces and the outage that taught them:",
	     failing1, failing1 == 1 ? "" : "s", sev);
	strbuf_addch(&out, '\n');
	render_failing(&found1, ps, after, po.fail_on, &out);
	if (found1.n > failing1) {
		strbuf_addf(&out, "\n   And %zu more below %s: ", found1.n - failing1, sev);
		below_summary(&found1, po.fail_on, &out);
		strbuf_addstr(&out, ".\n");
	}
	strbuf_addf(
		&out,
		"\n   The scan exits %d: a timer or cron job that runs it fails, and says so.\n",
		failing1 ? EXIT_FINDINGS : EXIT_CLEAN);
	strbuf_addstr(
		&out,
		"\n5. On your hosts (fwaudit(1) has the details):\n"
		"      fwaudit check                     # the live ruleset against the policies, "
		"now\n"
		"      fwaudit gate --ruleset new.nft    # before a deploy: would refuse this "
		"change\n"
		"      fwaudit scan                      # on a timer: what changed since the "
		"baseline\n"
		"      fwaudit watch                     # live: each change as it happens, and "
		"who made it\n");
	print(&out);
	if (failing1 > failing0) {
		ret = EXIT_CLEAN;
	} else {
		errmsg("demo: the policies found nothing new at %s or above in the change", sev);
		ret = EXIT_FINDINGS;
	}
out:
	for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
		if (fds[i] >= 0)
			close(fds[i]);
	changes_release(&changes);
	changes_release(&structural);
	findings_release(&found0);
	findings_release(&found1);
	ruleset_free(before);
	ruleset_free(after);
	policy_set_free(ps);
	postmortem_index_free(ix);
	policy_opts_release(&po);
	strbuf_release(&out);
	strbuf_release(&err);
	return ret;
}
