// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for a snapshot file as every command that reads one uses it
 * (show, check, trace, reach, diff, scan --against): the bytes are
 * snapshot JSON; what ruleset_from_json() accepts is rendered like nft
 * lists it, saved and loaded again (the same bytes both times), traced
 * with packets at every hook, asked for the verdict of flows, and checked
 * against every detector and an expect. None of it may crash or leak; a
 * rejection must say why. Without libFuzzer, main() runs the files named
 * (or every file of a directory named), every truncation and bit flips
 * spread over them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwaudit/eval.h"
#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every detector, and one flow of each verdict. */
static const char policy_text[] = "policy: fuzz\n"
				  "severity: high\n"
				  "links: [fuzz#1]\n"
				  "detect:\n"
				  "  - blanket-inbound-block\n"
				  "  - accept-all\n"
				  "  - world-open\n"
				  "  - no-established\n"
				  "  - no-loopback\n"
				  "  - icmp-blocked\n"
				  "  - shadowed-rule\n"
				  "  - redundant-rule\n"
				  "  - empty-ruleset\n"
				  "expect:\n"
				  "  - flow: {hook: input, proto: tcp, dport: [80, 443], ct: new}\n"
				  "    verdict: accept\n"
				  "  - flow: {hook: forward, family: ip6, proto: udp, sport: 53}\n"
				  "    verdict: drop\n";

static const char *const packets[] = {
	"proto=tcp saddr=203.0.113.7 dport=443 iif=eth0 ct=new",
	"family=ip6 proto=udp saddr=2001:db8::1 dport=53 iif=lo",
	"proto=icmp icmp-type=echo-request mark=0x10",
};

static const char *const flows[] = {
	"family=ip proto=tcp dport=22",
	"family=ip6 proto=udp",
	"",
};

static struct policy_set *fuzz_policies(void)
{
	static struct policy_set *ps;
	struct strbuf err = STRBUF_INIT;

	if (ps)
		return ps;
	ps = policy_set_new();
	if (policy_load_buffer(ps, "fuzz.yaml", policy_text, sizeof(policy_text) - 1, &err) < 0) {
		fprintf(stderr, "%s", err.buf);
		abort();
	}
	strbuf_release(&err);
	return ps;
}

static void evaluate(const struct ruleset *rs)
{
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct findings f = { 0 };
	struct check_opts o = { .root = "/nonexistent-fwaudit-fuzz-root" };

	for (uint32_t hook = 0; hook <= 4; hook++)
		for (size_t i = 0; i < ARRAY_SIZE(packets); i++) {
			struct packet p;
			struct trace t;

			packet_defaults(&p, hook);
			if (packet_parse(packets[i], &p, &err) < 0)
				abort();
			trace_packet(rs, hook, &p, &t);
			trace_render_text(&t, &p, hook, &out);
			trace_render_json(&t, &p, hook, &out);
			trace_release(&t);
		}
	for (size_t i = 0; i < ARRAY_SIZE(flows); i++) {
		struct reach_result *r = NULL;

		if (reach_flow(rs, 1, flows[i], &r, &err) == 0) {
			reach_render_text(r, &out);
			reach_render_json(r, &out);
			reach_result_free(r);
		}
		strbuf_truncate(&err, 0);
	}
	policy_check(fuzz_policies(), rs, &o, &f);
	findings_release(&f);
	strbuf_release(&err);
	strbuf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ruleset *rs = NULL, *again = NULL;
	struct strbuf err = STRBUF_INIT, text = STRBUF_INIT, saved = STRBUF_INIT,
		      resaved = STRBUF_INIT;
	struct render_opts ro = { .handles = true };

	if (ruleset_from_json((const char *)data, size, "fuzz.json", &rs, &err) < 0) {
		if (!err.len) {
			fprintf(stderr, "rejected without a message\n");
			abort();
		}
		goto out;
	}
	ruleset_render(rs, &ro, &text);
	ro.handles = false;
	ro.stateless = true;
	ruleset_render(rs, &ro, &text);
	/* what fwaudit accepted, it must read back as the same bytes */
	ruleset_to_json(rs, &saved);
	if (ruleset_from_json(saved.buf, saved.len, "saved.json", &again, &err) < 0) {
		fprintf(stderr, "a saved snapshot does not load: %s\n", err.buf);
		abort();
	}
	ruleset_to_json(again, &resaved);
	if (saved.len != resaved.len || memcmp(saved.buf, resaved.buf, saved.len)) {
		fprintf(stderr, "load and save is not byte-identical\n");
		abort();
	}
	evaluate(rs);
out:
	ruleset_free(rs);
	ruleset_free(again);
	strbuf_release(&err);
	strbuf_release(&text);
	strbuf_release(&saved);
	strbuf_release(&resaved);
	return 0;
}

#ifndef FWAUDIT_LIBFUZZER
#include "seed_main.h"

int main(int argc, char **argv)
{
	unsigned runs = seed_main(argc, argv, 256);

	policy_set_free(fuzz_policies());
	printf("fuzz snapshot: %u snapshots read or rejected without a crash\n", runs);
	return 0;
}
#endif
