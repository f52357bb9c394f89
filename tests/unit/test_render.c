// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Table-driven rendering tests: expression lists as the kernel holds them
 * (written in the snapshot JSON form) and the nft text they must print as.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fwaudit/model.h"
#include "fwaudit/util.h"

#define PAY(base, off, len)                                                                        \
	"{\"expr\": \"payload\", \"dreg\": 1, \"base\": " #base ", \"offset\": " #off              \
	", \"len\": " #len "}"
#define CMP(op, hex) "{\"expr\": \"cmp\", \"sreg\": 1, \"op\": " #op ", \"data\": \"" hex "\"}"
#define META(key)    "{\"expr\": \"meta\", \"key\": " #key ", \"dreg\": 1}"
#define CT(key)	     "{\"expr\": \"ct\", \"key\": " #key ", \"dreg\": 1}"
#define BITWISE(mask, xor)                                                                         \
	"{\"expr\": \"bitwise\", \"sreg\": 1, \"dreg\": 1, \"len\": 4, \"mask\": \"" mask          \
	"\", \"xor\": \"" xor                                                                      \
		"\"}"
#define REJECT(type, code) "{\"expr\": \"reject\", \"type\": " #type ", \"icmp_code\": " #code "}"
#define VERDICT(v)	   "{\"expr\": \"immediate\", \"dreg\": 0, \"data\": {\"verdict\": \"" v "\"}}"
#define JUMP(c)                                                                                    \
	"{\"expr\": \"immediate\", \"dreg\": 0, \"data\": {\"verdict\": \"jump\", \"chain\": \"" c \
	"\"}}"

static const struct {
	const char *family;
	const char *exprs;
	const char *text;
} cases[] = {
	{ "ip", PAY(1, 12, 4) "," CMP(0, "c0a80001") "," VERDICT("accept"),
	  "ip saddr 192.168.0.1 accept" },
	{ "ip", PAY(1, 12, 4) "," CMP(1, "c0a80001"), "ip saddr != 192.168.0.1" },
	{ "ip", PAY(1, 12, 3) "," CMP(0, "0a0000"), "ip saddr 10.0.0.0/24" },
	{ "ip", PAY(1, 12, 8) "," CMP(0, "0a0000010a000002"),
	  "ip saddr 10.0.0.1 ip daddr 10.0.0.2" },
	{ "inet", META(16) "," CMP(0, "06") "," PAY(2, 2, 2) "," CMP(0, "0016"), "tcp dport 22" },
	{ "inet", META(16) "," CMP(0, "11") "," PAY(2, 0, 2) "," CMP(4, "0400"),
	  "udp sport > 1024" },
	{ "inet", META(15) "," CMP(0, "0a"), "meta nfproto ipv6" },
	{ "inet", META(16) "," CMP(0, "06"), "meta l4proto tcp" },
	{ "ip", META(6) "," CMP(0, "65746830000000000000000000000000"), "iifname \"eth0\"" },
	{ "ip", META(6) "," CMP(0, "657468"), "iifname \"eth*\"" },
	{ "ip", META(3) "," CMP(0, "2a000000"), "meta mark 0x0000002a" },
	{ "ip", CT(0) "," BITWISE("06000000", "00000000") "," CMP(1, "00000000"),
	  "ct state established,related" },
	{ "ip",
	  CT(0) "," BITWISE("08000000", "00000000") "," CMP(1, "00000000") "," VERDICT("drop"),
	  "ct state new drop" },
	{ "ip", CT(3) "," BITWISE("ff000000", "00000000") "," CMP(0, "10000000"),
	  "ct mark & 0x000000ff == 0x00000010" },
	{ "ip",
	  PAY(1, 0, 1) ","
		       "{\"expr\": \"bitwise\", \"sreg\": 1, \"dreg\": 1, \"len\": 1, \"mask\": "
		       "\"f0\", \"xor\": \"00\"}"
		       "," CMP(0, "40"),
	  "ip version 4" },
	{ "ip", PAY(1, 9, 1) "," CMP(0, "06"), "ip protocol tcp" },
	{ "ip", PAY(1, 9, 1) "," CMP(0, "01") "," JUMP("icmp_chain"),
	  "ip protocol icmp jump icmp_chain" },
	{ "ip", "{\"expr\": \"counter\", \"bytes\": 120, \"packets\": 2}",
	  "counter packets 2 bytes 120" },
	{ "ip", "{\"expr\": \"log\", \"prefix\": \"x: \", \"level\": 6}",
	  "log prefix \"x: \" level info" },
	{ "ip",
	  "{\"expr\": \"limit\", \"rate\": 10, \"unit\": 60, \"burst\": 5, \"type\": 0, \"flags\": "
	  "0}",
	  "limit rate 10/minute" },
	{ "ip", "{\"expr\": \"quota\", \"bytes\": 104857600, \"flags\": 1}",
	  "quota over 100 mbytes" },
	{ "ip", "{\"expr\": \"reject\", \"type\": 1, \"icmp_code\": 0}", "reject with tcp reset" },
	{ "ip", "{\"expr\": \"notrack\"}", "notrack" },
	{ "ip", "{\"expr\": \"masq\", \"flags\": 4}", "masquerade random" },
	{ "ip",
	  "{\"expr\": \"immediate\", \"dreg\": 1, \"data\": \"0a000002\"},"
	  "{\"expr\": \"nat\", \"type\": 1, \"family\": 2, \"reg_addr_min\": 1}",
	  "dnat to 10.0.0.2" },
	{ "ip", "{\"expr\": \"fib\", \"dreg\": 1, \"result\": 3, \"flags\": 2}," CMP(0, "02000000"),
	  "fib daddr type local" },
	{ "ip", VERDICT("return"), "return" },
	/*
	 * Bridge reject as stmt_reject_postprocess() lists it (this test
	 * kernel lacks nft_reject_bridge, so no netns ruleset covers it).
	 */
	{ "bridge", REJECT(2, 1), "reject" },
	{ "bridge", REJECT(2, 3), "reject with icmpx admin-prohibited" },
	{ "bridge", PAY(0, 12, 2) "," CMP(0, "0800") "," REJECT(0, 3),
	  "reject with icmp port-unreachable" },
	{ "bridge", PAY(0, 12, 2) "," CMP(0, "86dd") "," REJECT(0, 1),
	  "reject with icmpv6 admin-prohibited" },
	{ "bridge",
	  PAY(0, 12, 2) "," CMP(0, "0800") "," PAY(1, 12, 4) "," CMP(0, "01020304") "," REJECT(0,
											       3),
	  "ip saddr 1.2.3.4 reject with icmp port-unreachable" },
	{ "bridge", META(16) "," CMP(0, "06") "," REJECT(1, 0),
	  "meta l4proto tcp reject with tcp reset" },
	{ "bridge", PAY(0, 12, 2) "," CMP(0, "0800") "," META(16) "," CMP(0, "06") "," REJECT(1, 0),
	  "meta l4proto tcp reject with tcp reset" },
	{ "bridge", REJECT(0, 3), "reject" },
	{ "ip", "{\"expr\": \"frobnicate\", \"attr_1\": \"2a\"}", "[raw frobnicate 1=0x2a]" },
};

static void test_render_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf json = STRBUF_INIT, err = STRBUF_INIT, out = STRBUF_INIT;
		struct ruleset *rs = NULL;

		strbuf_addf(&json,
			    "{\"fwaudit_snapshot\": 1, \"tables\": [{\"family\": \"%s\", \"name\": "
			    "\"t\", "
			    "\"chains\": [{\"name\": \"c\", \"rules\": [{\"exprs\": [%s]}]}, "
			    "{\"name\": \"icmp_chain\", \"rules\": []}]}]}",
			    cases[i].family, cases[i].exprs);
		if (ruleset_from_json(json.buf, json.len, "case", &rs, &err) < 0)
			fail_msg("case %zu: %s", i, err.buf);
		rule_render(rs->tables[0]->chains[0]->rules[0], NULL, &out);
		if (strcmp(out.buf, cases[i].text))
			fail_msg("case %zu: got '%s', want '%s'", i, out.buf, cases[i].text);
		strbuf_release(&json);
		strbuf_release(&err);
		strbuf_release(&out);
		ruleset_free(rs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
