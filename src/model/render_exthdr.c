// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Header options and extension headers (nft's exthdr expressions): TCP
 * options, IPv6 extension headers, IPv4 options and SCTP chunks, with the
 * fields nft names in each (nftables exthdr.c, tcpopt.c, ipopt.c,
 * sctp_chunk.c).
 */
#include <string.h>
#include <linux/netfilter/nf_tables.h>

#include "fwaudit/util.h"
#include "render_internal.h"

static const struct {
	uint8_t type;
	uint8_t offset; /* bits/8 */
	uint8_t len;	/* bytes */
	const char *name;
} tcpopts[] = {
	{ 2, 2, 2, "maxseg size" },	{ 3, 2, 1, "window count" },
	{ 4, 0, 0, "sack-perm" },	{ 5, 2, 4, "sack left" },
	{ 5, 10, 4, "sack1 left" },	{ 5, 14, 4, "sack1 right" },
	{ 5, 18, 4, "sack2 left" },	{ 5, 22, 4, "sack2 right" },
	{ 5, 26, 4, "sack3 left" },	{ 5, 30, 4, "sack3 right" },
	{ 5, 6, 4, "sack right" },	{ 8, 2, 4, "timestamp tsval" },
	{ 8, 6, 4, "timestamp tsecr" }, { 30, 0, 0, "mptcp" },
	{ 2, 1, 1, "maxseg length" },	{ 3, 1, 1, "window length" },
	{ 5, 1, 1, "sack length" },	{ 8, 1, 1, "timestamp length" },
	{ 0, 0, 1, "eol kind" },	{ 1, 0, 1, "nop kind" },
	{ 2, 0, 1, "maxseg kind" },	{ 3, 0, 1, "window kind" },
	{ 4, 0, 1, "sack-perm kind" },	{ 5, 0, 1, "sack kind" },
	{ 8, 0, 1, "timestamp kind" },	{ 4, 1, 1, "sack-perm length" },
};

#define XF(n, off, len, dt)                                                                        \
	{                                                                                          \
		n, off, len, DT_##dt, BO_BIG                                                       \
	}
static const struct proto_field hbh_fields[] = { XF("nexthdr", 0, 8, INET_PROTOCOL),
						 XF("hdrlength", 8, 8, INTEGER) };
static const struct proto_field rt_fields[] = { XF("nexthdr", 0, 8, INET_PROTOCOL),
						XF("hdrlength", 8, 8, INTEGER),
						XF("type", 16, 8, INTEGER),
						XF("seg-left", 24, 8, INTEGER) };
static const struct proto_field frag_fields[] = {
	XF("nexthdr", 0, 8, INET_PROTOCOL),   XF("reserved", 8, 8, INTEGER),
	XF("frag-off", 16, 13, INTEGER),      XF("reserved2", 29, 2, INTEGER),
	XF("more-fragments", 31, 1, INTEGER), XF("id", 32, 32, INTEGER)
};
static const struct proto_field mh_fields[] = {
	XF("nexthdr", 0, 8, INET_PROTOCOL), XF("hdrlength", 8, 8, INTEGER),
	XF("type", 16, 8, MH_TYPE), XF("reserved", 24, 8, INTEGER), XF("checksum", 32, 16, INTEGER)
};

const struct proto_field *ip6_exthdr_field(uint8_t type, uint32_t offset, uint32_t len)
{
	const struct proto_field *f;
	size_t n;

	switch (type) {
	case 0:	 /* hop-by-hop */
	case 60: /* destination options */
		f = hbh_fields, n = ARRAY_SIZE(hbh_fields);
		break;
	case 43:
		f = rt_fields, n = ARRAY_SIZE(rt_fields);
		break;
	case 44:
		f = frag_fields, n = ARRAY_SIZE(frag_fields);
		break;
	case 135:
		f = mh_fields, n = ARRAY_SIZE(mh_fields);
		break;
	default:
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (f[i].offset == offset && f[i].len == len)
			return &f[i];
	return NULL;
}

void exthdr_resolve(struct hx *e)
{
	if (e->exthdr.op == NFT_EXTHDR_OP_IPV6 && !(e->exthdr.flags & NFT_EXTHDR_F_PRESENT)) {
		e->exthdr.field = ip6_exthdr_field(e->exthdr.type, e->exthdr.offset, e->len);
		if (e->exthdr.field)
			e->dtype = e->exthdr.field->dtype;
		return;
	}
	if (e->exthdr.op == NFT_EXTHDR_OP_TCPOPT && (e->exthdr.flags & NFT_EXTHDR_F_PRESENT))
		return;
	if (e->exthdr.op == NFT_EXTHDR_OP_TCPOPT) {
		for (size_t i = 0; i < ARRAY_SIZE(tcpopts); i++)
			if (tcpopts[i].type == e->exthdr.type &&
			    tcpopts[i].offset * 8u == e->exthdr.offset &&
			    tcpopts[i].len * 8u == e->len) {
				e->exthdr.flags |= (uint32_t)i << 16 | 1u << 31;
				return;
			}
	}
}

static const char *tcpopt_name(uint8_t type)
{
	static const char *const names[] = {
		[0] = "eol",  [1] = "nop",	 [2] = "maxseg",  [3] = "window", [4] = "sack-perm",
		[5] = "sack", [8] = "timestamp", [19] = "md5sig", [30] = "mptcp", [34] = "fastopen"
	};

	return type < ARRAY_SIZE(names) ? names[type] : NULL;
}

static const char *ip6_exthdr_name(uint8_t type)
{
	switch (type) {
	case 0:
		return "hbh";
	case 43:
		return "rt";
	case 44:
		return "frag";
	case 60:
		return "dst";
	case 135:
		return "mh";
	default:
		return NULL;
	}
}

#define F8(n, off, len)                                                                            \
	{                                                                                          \
		n, off, len, DT_INTEGER, BO_BIG                                                    \
	}

struct opt_desc {
	uint8_t type;
	const char *name;
	const struct proto_field *fields;
	uint8_t nfields;
};

#define OPT(t, n, ...)                                                                             \
	{                                                                                          \
		t, n, (const struct proto_field[]){ __VA_ARGS__ },                                 \
			ARRAY_SIZE(((const struct proto_field[]){ __VA_ARGS__ }))                  \
	}

static const struct opt_desc ip_options[] = {
	OPT(131, "lsrr", F8("type", 0, 8), F8("length", 8, 8), F8("ptr", 16, 8),
	    F8("addr", 24, 32)),
	OPT(7, "rr", F8("type", 0, 8), F8("length", 8, 8), F8("ptr", 16, 8), F8("addr", 24, 32)),
	OPT(137, "ssrr", F8("type", 0, 8), F8("length", 8, 8), F8("ptr", 16, 8),
	    F8("addr", 24, 32)),
	OPT(148, "ra", F8("type", 0, 8), F8("length", 8, 8), F8("value", 16, 16)),
};

#define SCTP_COMMON F8("type", 0, 8), F8("flags", 8, 8), F8("length", 16, 16)
static const struct opt_desc sctp_chunks[] = {
	OPT(0, "data", SCTP_COMMON, F8("tsn", 32, 32), F8("stream", 64, 16), F8("ssn", 80, 16),
	    F8("ppid", 96, 32)),
	OPT(1, "init", SCTP_COMMON, F8("init-tag", 32, 32), F8("a-rwnd", 64, 32),
	    F8("num-outbound-streams", 96, 16), F8("num-inbound-streams", 112, 16),
	    F8("initial-tsn", 128, 32)),
	OPT(2, "init-ack", SCTP_COMMON, F8("init-tag", 32, 32), F8("a-rwnd", 64, 32),
	    F8("num-outbound-streams", 96, 16), F8("num-inbound-streams", 112, 16),
	    F8("initial-tsn", 128, 32)),
	OPT(3, "sack", SCTP_COMMON, F8("cum-tsn-ack", 32, 32), F8("a-rwnd", 64, 32),
	    F8("num-gap-ack-blocks", 96, 16), F8("num-dup-tsns", 112, 16)),
	OPT(4, "heartbeat", SCTP_COMMON),
	OPT(5, "heartbeat-ack", SCTP_COMMON),
	OPT(6, "abort", SCTP_COMMON),
	OPT(7, "shutdown", SCTP_COMMON, F8("cum-tsn-ack", 32, 32)),
	OPT(8, "shutdown-ack", SCTP_COMMON),
	OPT(9, "error", SCTP_COMMON),
	OPT(10, "cookie-echo", SCTP_COMMON),
	OPT(11, "cookie-ack", SCTP_COMMON),
	OPT(12, "ecne", SCTP_COMMON, F8("lowest-tsn", 32, 32)),
	OPT(13, "cwr", SCTP_COMMON, F8("lowest-tsn", 32, 32)),
	OPT(14, "shutdown-complete", SCTP_COMMON),
	OPT(128, "asconf-ack", SCTP_COMMON, F8("seqno", 32, 32)),
	OPT(192, "forward-tsn", SCTP_COMMON, F8("new-cum-tsn", 32, 32)),
	OPT(193, "asconf", SCTP_COMMON, F8("seqno", 32, 32)),
};

static const struct opt_desc *opt_find(const struct opt_desc *t, size_t n, uint8_t type)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].type == type)
			return &t[i];
	return NULL;
}

static const struct opt_desc *opt_of(const struct hx *e)
{
	if (e->exthdr.op == NFT_EXTHDR_OP_IPV4)
		return opt_find(ip_options, ARRAY_SIZE(ip_options), e->exthdr.type);
	if (e->exthdr.op == NFT_EXTHDR_OP_SCTP)
		return opt_find(sctp_chunks, ARRAY_SIZE(sctp_chunks), e->exthdr.type);
	return NULL;
}

static const struct proto_field *opt_field(const struct opt_desc *o, uint32_t offset, uint32_t len)
{
	for (uint8_t i = 0; o && i < o->nfields; i++)
		if (o->fields[i].offset == offset && o->fields[i].len == len)
			return &o->fields[i];
	return NULL;
}

void exthdr_print(struct strbuf *out, const struct hx *e)
{
	const struct opt_desc *o;
	const char *what;

	switch (e->exthdr.op) {
	case NFT_EXTHDR_OP_TCPOPT:
		if (e->exthdr.flags >> 31)
			strbuf_addf(out, "tcp option %s",
				    tcpopts[(e->exthdr.flags >> 16) & 0x7fff].name);
		else if (e->exthdr.flags & NFT_EXTHDR_F_PRESENT && tcpopt_name(e->exthdr.type))
			strbuf_addf(out, "tcp option %s", tcpopt_name(e->exthdr.type));
		else if (e->exthdr.flags & NFT_EXTHDR_F_PRESENT)
			strbuf_addf(out, "tcp option %u", e->exthdr.type);
		else if (!e->len && tcpopt_name(e->exthdr.type))
			strbuf_addf(out, "tcp option %s", tcpopt_name(e->exthdr.type));
		else if (!e->len)
			strbuf_addf(out, "tcp option %u", e->exthdr.type);
		else
			strbuf_addf(out, "tcp option @%u,%u,%u", e->exthdr.type, e->exthdr.offset,
				    e->len);
		return;
	case NFT_EXTHDR_OP_IPV6:
		if (!ip6_exthdr_name(e->exthdr.type))
			break;
		if (e->exthdr.field)
			strbuf_addf(out, "%s %s", ip6_exthdr_name(e->exthdr.type),
				    e->exthdr.field->name);
		else if (e->exthdr.flags & NFT_EXTHDR_F_PRESENT)
			strbuf_addf(out, "exthdr %s", ip6_exthdr_name(e->exthdr.type));
		else
			strbuf_addf(out, "exthdr %s @%u,%u", ip6_exthdr_name(e->exthdr.type),
				    e->exthdr.offset, e->len);
		return;
	case NFT_EXTHDR_OP_IPV4:
	case NFT_EXTHDR_OP_SCTP:
		o = opt_of(e);
		if (!o)
			break;
		what = e->exthdr.op == NFT_EXTHDR_OP_IPV4 ? "ip option" : "sctp chunk";
		if (e->exthdr.flags & NFT_EXTHDR_F_PRESENT)
			strbuf_addf(out, "%s %s", what, o->name);
		else if (opt_field(o, e->exthdr.offset, e->len))
			strbuf_addf(out, "%s %s %s", what, o->name,
				    opt_field(o, e->exthdr.offset, e->len)->name);
		else
			strbuf_addf(out, "%s %s @%u,%u", what, o->name, e->exthdr.offset, e->len);
		return;
	default:
		break;
	}
	strbuf_addf(out, "exthdr @%u,%u,%u", e->exthdr.type, e->exthdr.offset, e->len);
}

/* IPv6 extension headers by nft's exthdr_desc_id, their fields in template order. */
static const struct {
	uint8_t type;
	const struct proto_field *fields;
	uint8_t nfields;
} ip6_descs[] = {
	[1] = { 0, hbh_fields, ARRAY_SIZE(hbh_fields) },
	[2] = { 43, rt_fields, ARRAY_SIZE(rt_fields) },
	[6] = { 44, frag_fields, ARRAY_SIZE(frag_fields) },
	[7] = { 60, hbh_fields, ARRAY_SIZE(hbh_fields) },
	[8] = { 135, mh_fields, ARRAY_SIZE(mh_fields) },
};

/*
 * Offset and length in bits of TCP option @kind's template @index, after
 * kind and length (tcpopt.c: tcpopt_protocols). False if there is none.
 */
static bool tcpopt_template(uint32_t kind, uint32_t index, uint32_t *offset, uint32_t *len)
{
	static const uint16_t maxseg[] = { 16, 16 }, window[] = { 16, 8 },
			      ts[] = { 16, 32, 48, 32 }, mptcp[] = { 16, 4 },
			      sack[] = { 16,  32, 48,  32, 80,	32, 112, 32,
					 144, 32, 176, 32, 208, 32, 240, 32 };
	const uint16_t *t = NULL;
	size_t n = 0;

	if (index < 2) {
		*offset = index * 8;
		*len = 8;
		return kind != 0 && kind != 1 ? true : index == 0;
	}
	switch (kind) {
	case 2:
		t = maxseg, n = ARRAY_SIZE(maxseg);
		break;
	case 3:
		t = window, n = ARRAY_SIZE(window);
		break;
	case 5:
		t = sack, n = ARRAY_SIZE(sack);
		break;
	case 8:
		t = ts, n = ARRAY_SIZE(ts);
		break;
	case 30:
		t = mptcp, n = ARRAY_SIZE(mptcp);
		break;
	default:
		return false;
	}
	if ((index - 2) * 2 + 1 >= n)
		return false;
	*offset = t[(index - 2) * 2];
	*len = t[(index - 2) * 2 + 1];
	return true;
}

struct hx *exthdr_typeof(struct render_ctx *rc, uint32_t op, uint32_t desc, uint32_t index)
{
	/* ipopt.c's template order; the fields are looked up by name. */
	static const char *const ipopt_fields[] = {
		NULL, "type", "length", "value", "ptr", "addr"
	};
	const struct proto_field *f = NULL;
	const struct opt_desc *o;
	struct hx *e = hx_new(rc, HX_EXTHDR);
	uint32_t offset = 0, len = 0;

	e->exthdr.op = op;
	e->byteorder = BO_BIG;
	switch (op) {
	case NFT_EXTHDR_OP_IPV6:
		if (desc >= ARRAY_SIZE(ip6_descs) || !ip6_descs[desc].fields || !index ||
		    index > ip6_descs[desc].nfields)
			return NULL;
		e->exthdr.type = ip6_descs[desc].type;
		f = &ip6_descs[desc].fields[index - 1];
		break;
	case NFT_EXTHDR_OP_TCPOPT:
		if (desc > 255 || !tcpopt_template(desc, index, &offset, &len))
			return NULL;
		e->exthdr.type = (uint8_t)desc;
		break;
	case NFT_EXTHDR_OP_IPV4:
		o = opt_find(ip_options, ARRAY_SIZE(ip_options), (uint8_t)desc);
		for (uint8_t i = 0;
		     o && index && index < ARRAY_SIZE(ipopt_fields) && i < o->nfields; i++)
			if (!strcmp(o->fields[i].name, ipopt_fields[index]))
				f = &o->fields[i];
		if (!f || desc > 255)
			return NULL;
		e->exthdr.type = (uint8_t)desc;
		break;
	case NFT_EXTHDR_OP_SCTP:
		o = opt_find(sctp_chunks, ARRAY_SIZE(sctp_chunks), (uint8_t)desc);
		if (!o || desc > 255 || index >= o->nfields)
			return NULL;
		e->exthdr.type = (uint8_t)desc;
		f = &o->fields[index];
		break;
	default:
		return NULL;
	}
	if (f) {
		offset = f->offset;
		len = f->len;
	}
	e->exthdr.offset = offset;
	e->len = len;
	e->dtype = f ? f->dtype : DT_INTEGER;
	exthdr_resolve(e);
	return e;
}
