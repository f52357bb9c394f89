// SPDX-License-Identifier: GPL-2.0-or-later
/* Model tests: JSON round trips, error locations, value rendering. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "fwaudit/model.h"
#include "fwaudit/util.h"

static const char snapshot[] =
	"{\n"
	"\t\"fwaudit_snapshot\": 1,\n"
	"\t\"generation\": 5,\n"
	"\t\"taken_at\": 1700000000,\n"
	"\t\"host\": \"h\",\n"
	"\t\"tables\": [\n"
	"\t\t{\n"
	"\t\t\t\"family\": \"ip\",\n"
	"\t\t\t\"name\": \"filter\",\n"
	"\t\t\t\"handle\": 1,\n"
	"\t\t\t\"objects\": [],\n"
	"\t\t\t\"sets\": [],\n"
	"\t\t\t\"flowtables\": [],\n"
	"\t\t\t\"chains\": [\n"
	"\t\t\t\t{\n"
	"\t\t\t\t\t\"name\": \"input\",\n"
	"\t\t\t\t\t\"handle\": 1,\n"
	"\t\t\t\t\t\"type\": \"filter\",\n"
	"\t\t\t\t\t\"hook\": \"input\",\n"
	"\t\t\t\t\t\"priority\": 0,\n"
	"\t\t\t\t\t\"policy\": \"accept\",\n"
	"\t\t\t\t\t\"rules\": [\n"
	"\t\t\t\t\t\t{\n"
	"\t\t\t\t\t\t\t\"handle\": 2,\n"
	"\t\t\t\t\t\t\t\"exprs\": [\n"
	"\t\t\t\t\t\t\t\t{\"expr\": \"payload\", \"dreg\": 1, \"base\": 1, \"offset\": 12, "
	"\"len\": 1},\n"
	"\t\t\t\t\t\t\t\t{\"expr\": \"cmp\", \"sreg\": 1, \"op\": 0, \"data\": \"0a\"},\n"
	"\t\t\t\t\t\t\t\t{\"expr\": \"immediate\", \"dreg\": 0, \"data\": {\"verdict\": "
	"\"drop\"}}\n"
	"\t\t\t\t\t\t\t]\n"
	"\t\t\t\t\t\t}\n"
	"\t\t\t\t\t]\n"
	"\t\t\t\t}\n"
	"\t\t\t]\n"
	"\t\t}\n"
	"\t]\n"
	"}\n";

static void test_roundtrip_identical(void **state)
{
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct ruleset *rs = NULL;

	(void)state;
	assert_int_equal(ruleset_from_json(snapshot, strlen(snapshot), "s.json", &rs, &err), 0);
	ruleset_to_json(rs, &out);
	assert_string_equal(out.buf, snapshot);
	strbuf_release(&out);
	/* A one-byte load at the start of saddr is nft's byte-aligned prefix. */
	ruleset_render(rs, NULL, &out);
	assert_non_null(strstr(out.buf, "\t\tip saddr 10.0.0.0/8 drop\n"));
	strbuf_release(&out);
	ruleset_free(rs);
}

/*
 * Strings are bytes: each byte outside ASCII is saved as \u00XX and must
 * load as that byte again, whether the bytes are UTF-8 or not; UTF-8
 * written into the file by hand loads as itself (found by fuzz_snapshot:
 * a second load and save gave other bytes).
 */
static void test_string_bytes(void **state)
{
	static const struct {
		const char *in, *bytes;
	} cases[] = {
		{ "\"caf\\u00c3\\u00a9\"", "caf\xc3\xa9" }, /* saved UTF-8 */
		{ "\"\\u00ff\\u0080x\"", "\xff\x80x" },	    /* saved non-UTF-8 bytes */
		{ "\"6.18\xd3\x99"
		  "c\"",
		  "6.18\xd3\x99"
		  "c" }, /* hand-written UTF-8 */
		{ "\"caf\xc3\xa9 \xe2\x9c\x93\"", "caf\xc3\xa9 \xe2\x9c\x93" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct strbuf err = STRBUF_INIT, text = STRBUF_INIT, out = STRBUF_INIT,
			      again = STRBUF_INIT;
		struct ruleset *rs = NULL, *rs2 = NULL;

		strbuf_addf(&text, "{\"fwaudit_snapshot\": 1, \"host\": %s, \"tables\": []}",
			    cases[i].in);
		assert_int_equal(ruleset_from_json(text.buf, text.len, "s.json", &rs, &err), 0);
		assert_string_equal(rs->host, cases[i].bytes);
		ruleset_to_json(rs, &out);
		assert_int_equal(ruleset_from_json(out.buf, out.len, "s.json", &rs2, &err), 0);
		assert_string_equal(rs2->host, cases[i].bytes);
		ruleset_to_json(rs2, &again);
		assert_string_equal(out.buf, again.buf);
		ruleset_free(rs);
		ruleset_free(rs2);
		strbuf_release(&err);
		strbuf_release(&text);
		strbuf_release(&out);
		strbuf_release(&again);
	}
}

static const struct {
	const char *text;
	const char *error;
} bad[] = {
	{ "{\"fwaudit_snapshot\": 1,\n \"tables\": [,]}", "bad.json:2:13: " },
	{ "{\"fwaudit_snapshot\": 2, \"tables\": []}",
	  "bad.json: at /fwaudit_snapshot: unsupported" },
	{ "{\"tables\": []}", "bad.json: at /fwaudit_snapshot: not an fwaudit snapshot" },
	{ "{\"fwaudit_snapshot\": 1, \"tables\": [{\"family\": \"ipx\", \"name\": \"t\"}]}",
	  "bad.json: at /tables/0/family: expected ip, ip6" },
	{ "{\"fwaudit_snapshot\": 1, \"tables\": [{\"family\": \"ip\", \"name\": \"t\", "
	  "\"chains\": "
	  "[{\"name\": \"c\", \"rules\": [{\"exprs\": [{\"expr\": \"cmp\", \"data\": "
	  "\"0g\"}]}]}]}]}",
	  "bad.json: at /tables/0/chains/0/rules/0/exprs/0/data: expected an even number of hex" },
	{ "", "bad.json:1:0: " },
};

static void test_errors_name_where(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct strbuf err = STRBUF_INIT;
		struct ruleset *rs = NULL;

		assert_int_equal(
			ruleset_from_json(bad[i].text, strlen(bad[i].text), "bad.json", &rs, &err),
			-EINVAL);
		assert_null(rs);
		if (strncmp(err.buf, bad[i].error, strlen(bad[i].error)))
			fail_msg("case %zu: got '%s', want prefix '%s'", i, err.buf, bad[i].error);
		strbuf_release(&err);
	}
}

static void test_udata_comment(void **state)
{
	const uint8_t udata[] = { 1, 2, 'x', 'y', 0, 3, 'h', 'i', 0 };
	uint8_t len;
	const uint8_t *v;

	(void)state;
	v = udata_find(udata, sizeof(udata), 0, &len);
	assert_non_null(v);
	assert_int_equal(len, 3);
	assert_string_equal((const char *)v, "hi");
	assert_null(udata_find(udata, sizeof(udata), 7, &len));
	/* A TLV running past the end is not trusted. */
	assert_null(udata_find(udata, 4, 0, &len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_identical),
		cmocka_unit_test(test_errors_name_where),
		cmocka_unit_test(test_string_bytes),
		cmocka_unit_test(test_udata_comment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
