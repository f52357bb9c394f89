// SPDX-License-Identifier: GPL-2.0-or-later
/* fwaudit trace and fwaudit reach: what the ruleset does with packets. */
#include <getopt.h>
#include <net/if.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "fwaudit/cmd.h"
#include "fwaudit/eval.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

struct eval_opts {
	struct source_opts src;
	uint32_t hook;
	const char *spec; /* --packet or --flow */
	bool json;
};

static int parse_opts(const char *cmd, const char *spec_opt, int argc, char **argv,
		      struct eval_opts *o)
{
	const struct option opts[] = {
		SOURCE_OPTIONS,
		{ "format", required_argument, NULL, 'f' },
		{ "hook", required_argument, NULL, 'k' },
		{ spec_opt, required_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->hook = NF_INET_LOCAL_IN;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (format_opt(cmd, optarg, &o->json))
				return EXIT_ERROR;
			break;
		case 'k':
			if (!hook_parse(NFPROTO_IPV4, optarg, &o->hook) ||
			    o->hook > NF_INET_POST_ROUTING) {
				errmsg("%s: --hook: unknown hook '%s' (prerouting, input, forward, "
				       "output, postrouting)",
				       cmd, optarg);
				return EXIT_ERROR;
			}
			break;
		case 'q':
			o->spec = optarg;
			break;
		case 'h':
			cmd_usage(cmd);
			return -1;
		default:
			if (source_opt(&o->src, c, optarg))
				break;
			return EXIT_ERROR;
		}
	}
	if (!o->spec) {
		errmsg("%s: --%s is required", cmd, spec_opt);
		return EXIT_ERROR;
	}
	return source_check(cmd, &o->src, argc, argv, optind);
}

static int emit(struct strbuf *out)
{
	fwrite(out->buf ? out->buf : "", 1, out->len, stdout);
	strbuf_release(out);
	return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_ERROR;
}

/* FWAUDIT_BENCH_PACKETS=N: trace the packet N times, report packets/s on stderr. */
static void bench_trace(const struct ruleset *rs, uint32_t hook, const struct packet *p)
{
	const char *env = getenv("FWAUDIT_BENCH_PACKETS");
	long n = env ? strtol(env, NULL, 10) : 0;
	struct evaluator *ev;
	struct timespec a, b;
	double secs;

	if (n <= 0)
		return;
	ev = evaluator_new(rs);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++) {
		struct trace t;

		evaluator_trace(ev, hook, p, &t);
		trace_release(&t);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	fprintf(stderr, "bench: %.0f packets/s (%ld packets in %.3f s)\n", n / secs, n, secs);
	evaluator_free(ev);
}

int cmd_trace(int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct ruleset *rs = NULL;
	struct eval_opts o;
	struct packet p;
	struct trace t;
	int ret = parse_opts("trace", "packet", argc, argv, &o);

	if (ret)
		return ret < 0 ? EXIT_CLEAN : ret;
	packet_defaults(&p, o.hook);
	if (packet_parse(o.spec, &p, &err) < 0) {
		errmsg("trace: --packet: %s", err.buf);
		strbuf_release(&err);
		return EXIT_ERROR;
	}
	ret = source_load(&o.src, &rs);
	if (ret)
		return ret;
	/* live: the interface indexes of the namespace we are now in */
	if (!o.src.snapshot) {
		if (!p.iif && p.iifname[0])
			p.iif = if_nametoindex(p.iifname);
		if (!p.oif && p.oifname[0])
			p.oif = if_nametoindex(p.oifname);
	}
	bench_trace(rs, o.hook, &p);
	trace_packet(rs, o.hook, &p, &t);
	if (o.json)
		trace_render_json(&t, &p, o.hook, &out);
	else
		trace_render_text(&t, &p, o.hook, &out);
	trace_release(&t);
	ruleset_free(rs);
	return emit(&out);
}

int cmd_reach(int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct reach_result *r = NULL;
	struct ruleset *rs = NULL;
	struct timespec t0, t1;
	struct eval_opts o;
	int ret = parse_opts("reach", "flow", argc, argv, &o);

	if (ret)
		return ret < 0 ? EXIT_CLEAN : ret;
	ret = source_load(&o.src, &rs);
	if (ret)
		return ret;
	/* FWAUDIT_REACH_REPEAT=N: answer N times, as the watcher does after each
	 * change, and show the last answer (from the second on, reach passes
	 * over the rules a class cannot match); for tests and benchmarks */
	for (long i = 0, n = getenv("FWAUDIT_REACH_REPEAT")
				     ? strtol(getenv("FWAUDIT_REACH_REPEAT"), NULL, 10)
				     : 1;
	     i < (n > 0 ? n : 1); i++) {
		if (r)
			reach_result_free(r);
		r = NULL;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		ret = reach_flow(rs, o.hook, o.spec, &r, &err);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (getenv("FWAUDIT_BENCH_PACKETS"))
			fprintf(stderr, "bench: reach %.3f s\n",
				(double)(t1.tv_sec - t0.tv_sec) +
					(double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		if (ret < 0)
			break;
	}
	if (ret < 0) {
		errmsg("reach: --flow: %s", err.buf);
		strbuf_release(&err);
		ruleset_free(rs);
		return EXIT_ERROR;
	}
	if (o.json)
		reach_render_json(r, &out);
	else
		reach_render_text(r, &out);
	reach_result_free(r);
	ruleset_free(rs);
	return emit(&out);
}
