// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for the --packet and --flow parsers (user input): the bytes
 * are a description; packet_parse() and reach_flow() (on a small ruleset)
 * must answer or reject it, never crash or leak. Without libFuzzer, main()
 * runs built-in seeds and every truncation and byte flip of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwaudit/eval.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"
#include "small_ruleset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = xstrndup((const char *)data, size);
	struct strbuf err = STRBUF_INIT;
	struct ruleset *rs = small_ruleset();
	struct reach_result *r = NULL;
	struct packet p;
	struct trace t;

	packet_defaults(&p, 1);
	if (packet_parse(spec, &p, &err) == 0) {
		trace_packet(rs, 1, &p, &t);
		trace_release(&t);
	}
	strbuf_release(&err);
	if (reach_flow(rs, 1, spec, &r, &err) == 0)
		reach_result_free(r);
	strbuf_release(&err);
	ruleset_free(rs);
	free(spec);
	return 0;
}

#ifndef FWAUDIT_LIBFUZZER
int main(void)
{
	static const char *const seeds[] = {
		"family=ip proto=tcp saddr=203.0.113.7 daddr=10.0.0.1 sport=40000 dport=443 "
		"iif=eth0 ct=new",
		"family=ip6 proto=udp saddr=2001:db8::1 dport=53 flags=syn,ack mark=0x10",
		"saddr=10.0.0.0/8,192.168.0.1-192.168.0.9 dport=1-1024 ct=established,new",
		"proto=icmp icmp-type=echo-request icmp-code=0 len=65535 frag=yes ct-status=dnat",
		"ct-dir=reply ct-mark=0xffffffff iifindex=4294967295 oif=lo",
	};
	unsigned runs = 0;

	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		size_t n = strlen(seeds[i]);
		char *b = xstrdup(seeds[i]);

		for (size_t k = 0; k <= n; k++, runs++)
			LLVMFuzzerTestOneInput((const uint8_t *)seeds[i], k);
		for (size_t k = 0; k < n; k++)
			for (unsigned x = 1; x < 256; x <<= 1, runs++) {
				b[k] ^= (char)x;
				LLVMFuzzerTestOneInput((const uint8_t *)b, n);
				b[k] ^= (char)x;
			}
		free(b);
	}
	printf("fuzz packet: %u descriptions parsed without a crash\n", runs);
	return 0;
}
#endif
