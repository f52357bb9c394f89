// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Attribute tables of the nf_tables expressions and objects fwaudit decodes.
 * One row per attribute: number, JSON name, how its payload is stored.
 * An expression missing here is still kept, with raw attributes.
 */
#include <string.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>

#include "fwaudit/model.h"
#include "fwaudit/util.h"

#define A(t, n, k)                                                                                 \
	{                                                                                          \
		t, n, ATTR_##k                                                                     \
	}
#define DESC(name, table)                                                                          \
	{                                                                                          \
		name, table, ARRAY_SIZE(table)                                                     \
	}

static const struct attr_desc immediate_attrs[] = {
	A(NFTA_IMMEDIATE_DREG, "dreg", U32),
	A(NFTA_IMMEDIATE_DATA, "data", DATA),
};
static const struct attr_desc bitwise_attrs[] = {
	A(NFTA_BITWISE_SREG, "sreg", U32),  A(NFTA_BITWISE_DREG, "dreg", U32),
	A(NFTA_BITWISE_LEN, "len", U32),    A(NFTA_BITWISE_MASK, "mask", DATA),
	A(NFTA_BITWISE_XOR, "xor", DATA),   A(NFTA_BITWISE_OP, "op", U32),
	A(NFTA_BITWISE_DATA, "data", DATA),
};
static const struct attr_desc byteorder_attrs[] = {
	A(NFTA_BYTEORDER_SREG, "sreg", U32), A(NFTA_BYTEORDER_DREG, "dreg", U32),
	A(NFTA_BYTEORDER_OP, "op", U32),     A(NFTA_BYTEORDER_LEN, "len", U32),
	A(NFTA_BYTEORDER_SIZE, "size", U32),
};
static const struct attr_desc cmp_attrs[] = {
	A(NFTA_CMP_SREG, "sreg", U32),
	A(NFTA_CMP_OP, "op", U32),
	A(NFTA_CMP_DATA, "data", DATA),
};
static const struct attr_desc range_attrs[] = {
	A(NFTA_RANGE_SREG, "sreg", U32),
	A(NFTA_RANGE_OP, "op", U32),
	A(NFTA_RANGE_FROM_DATA, "from", DATA),
	A(NFTA_RANGE_TO_DATA, "to", DATA),
};
static const struct attr_desc lookup_attrs[] = {
	A(NFTA_LOOKUP_SET, "set", STR),	    A(NFTA_LOOKUP_SREG, "sreg", U32),
	A(NFTA_LOOKUP_DREG, "dreg", U32),   A(NFTA_LOOKUP_SET_ID, "set_id", U32),
	A(NFTA_LOOKUP_FLAGS, "flags", U32),
};
static const struct attr_desc dynset_attrs[] = {
	A(NFTA_DYNSET_SET_NAME, "set", STR),
	A(NFTA_DYNSET_SET_ID, "set_id", U32),
	A(NFTA_DYNSET_OP, "op", U32),
	A(NFTA_DYNSET_SREG_KEY, "sreg_key", U32),
	A(NFTA_DYNSET_SREG_DATA, "sreg_data", U32),
	A(NFTA_DYNSET_TIMEOUT, "timeout", U64),
	A(NFTA_DYNSET_EXPR, "expression", EXPR),
	A(NFTA_DYNSET_FLAGS, "flags", U32),
	A(NFTA_DYNSET_EXPRESSIONS, "exprs", EXPRS),
};
static const struct attr_desc payload_attrs[] = {
	A(NFTA_PAYLOAD_DREG, "dreg", U32),
	A(NFTA_PAYLOAD_BASE, "base", U32),
	A(NFTA_PAYLOAD_OFFSET, "offset", U32),
	A(NFTA_PAYLOAD_LEN, "len", U32),
	A(NFTA_PAYLOAD_SREG, "sreg", U32),
	A(NFTA_PAYLOAD_CSUM_TYPE, "csum_type", U32),
	A(NFTA_PAYLOAD_CSUM_OFFSET, "csum_offset", U32),
	A(NFTA_PAYLOAD_CSUM_FLAGS, "csum_flags", U32),
};
static const struct attr_desc exthdr_attrs[] = {
	A(NFTA_EXTHDR_DREG, "dreg", U32),     A(NFTA_EXTHDR_TYPE, "type", U8),
	A(NFTA_EXTHDR_OFFSET, "offset", U32), A(NFTA_EXTHDR_LEN, "len", U32),
	A(NFTA_EXTHDR_FLAGS, "flags", U32),   A(NFTA_EXTHDR_OP, "op", U32),
	A(NFTA_EXTHDR_SREG, "sreg", U32),
};
static const struct attr_desc hash_attrs[] = {
	A(NFTA_HASH_SREG, "sreg", U32),	    A(NFTA_HASH_DREG, "dreg", U32),
	A(NFTA_HASH_LEN, "len", U32),	    A(NFTA_HASH_MODULUS, "modulus", U32),
	A(NFTA_HASH_SEED, "seed", U32),	    A(NFTA_HASH_OFFSET, "offset", U32),
	A(NFTA_HASH_TYPE, "type", U32),	    A(NFTA_HASH_SET_NAME, "set", STR),
	A(NFTA_HASH_SET_ID, "set_id", U32),
};
static const struct attr_desc meta_attrs[] = {
	A(NFTA_META_DREG, "dreg", U32),
	A(NFTA_META_KEY, "key", U32),
	A(NFTA_META_SREG, "sreg", U32),
};
static const struct attr_desc rt_attrs[] = {
	A(NFTA_RT_DREG, "dreg", U32),
	A(NFTA_RT_KEY, "key", U32),
};
static const struct attr_desc socket_attrs[] = {
	A(NFTA_SOCKET_KEY, "key", U32),
	A(NFTA_SOCKET_DREG, "dreg", U32),
	A(NFTA_SOCKET_LEVEL, "level", U32),
};
static const struct attr_desc ct_attrs[] = {
	A(NFTA_CT_DREG, "dreg", U32),
	A(NFTA_CT_KEY, "key", U32),
	A(NFTA_CT_DIRECTION, "dir", U8),
	A(NFTA_CT_SREG, "sreg", U32),
};
static const struct attr_desc flow_offload_attrs[] = {
	A(NFTA_FLOW_TABLE_NAME, "flowtable", STR),
};
static const struct attr_desc limit_attrs[] = {
	A(NFTA_LIMIT_RATE, "rate", U64),   A(NFTA_LIMIT_UNIT, "unit", U64),
	A(NFTA_LIMIT_BURST, "burst", U32), A(NFTA_LIMIT_TYPE, "type", U32),
	A(NFTA_LIMIT_FLAGS, "flags", U32),
};
static const struct attr_desc connlimit_attrs[] = {
	A(NFTA_CONNLIMIT_COUNT, "count", U32),
	A(NFTA_CONNLIMIT_FLAGS, "flags", U32),
};
static const struct attr_desc counter_attrs[] = {
	A(NFTA_COUNTER_BYTES, "bytes", U64),
	A(NFTA_COUNTER_PACKETS, "packets", U64),
};
static const struct attr_desc last_attrs[] = {
	A(NFTA_LAST_SET, "set", U32),
	A(NFTA_LAST_MSECS, "msecs", U64),
};
static const struct attr_desc log_attrs[] = {
	A(NFTA_LOG_GROUP, "group", U16),     A(NFTA_LOG_PREFIX, "prefix", STR),
	A(NFTA_LOG_SNAPLEN, "snaplen", U32), A(NFTA_LOG_QTHRESHOLD, "qthreshold", U16),
	A(NFTA_LOG_LEVEL, "level", U32),     A(NFTA_LOG_FLAGS, "flags", U32),
};
static const struct attr_desc queue_attrs[] = {
	A(NFTA_QUEUE_NUM, "num", U16),
	A(NFTA_QUEUE_TOTAL, "total", U16),
	A(NFTA_QUEUE_FLAGS, "flags", U16),
	A(NFTA_QUEUE_SREG_QNUM, "sreg_qnum", U32),
};
static const struct attr_desc quota_attrs[] = {
	A(NFTA_QUOTA_BYTES, "bytes", U64),
	A(NFTA_QUOTA_FLAGS, "flags", U32),
	A(NFTA_QUOTA_CONSUMED, "consumed", U64),
};
static const struct attr_desc secmark_attrs[] = {
	A(NFTA_SECMARK_CTX, "ctx", STR),
};
static const struct attr_desc reject_attrs[] = {
	A(NFTA_REJECT_TYPE, "type", U32),
	A(NFTA_REJECT_ICMP_CODE, "icmp_code", U8),
};
static const struct attr_desc nat_attrs[] = {
	A(NFTA_NAT_TYPE, "type", U32),
	A(NFTA_NAT_FAMILY, "family", U32),
	A(NFTA_NAT_REG_ADDR_MIN, "reg_addr_min", U32),
	A(NFTA_NAT_REG_ADDR_MAX, "reg_addr_max", U32),
	A(NFTA_NAT_REG_PROTO_MIN, "reg_proto_min", U32),
	A(NFTA_NAT_REG_PROTO_MAX, "reg_proto_max", U32),
	A(NFTA_NAT_FLAGS, "flags", U32),
};
static const struct attr_desc tproxy_attrs[] = {
	A(NFTA_TPROXY_FAMILY, "family", U32),
	A(NFTA_TPROXY_REG_ADDR, "reg_addr", U32),
	A(NFTA_TPROXY_REG_PORT, "reg_port", U32),
};
static const struct attr_desc masq_attrs[] = {
	A(NFTA_MASQ_FLAGS, "flags", U32),
	A(NFTA_MASQ_REG_PROTO_MIN, "reg_proto_min", U32),
	A(NFTA_MASQ_REG_PROTO_MAX, "reg_proto_max", U32),
};
static const struct attr_desc redir_attrs[] = {
	A(NFTA_REDIR_REG_PROTO_MIN, "reg_proto_min", U32),
	A(NFTA_REDIR_REG_PROTO_MAX, "reg_proto_max", U32),
	A(NFTA_REDIR_FLAGS, "flags", U32),
};
static const struct attr_desc dup_attrs[] = {
	A(NFTA_DUP_SREG_ADDR, "sreg_addr", U32),
	A(NFTA_DUP_SREG_DEV, "sreg_dev", U32),
};
static const struct attr_desc fwd_attrs[] = {
	A(NFTA_FWD_SREG_DEV, "sreg_dev", U32),
	A(NFTA_FWD_SREG_ADDR, "sreg_addr", U32),
	A(NFTA_FWD_NFPROTO, "nfproto", U32),
};
static const struct attr_desc objref_attrs[] = {
	A(NFTA_OBJREF_IMM_TYPE, "type", U32),	  A(NFTA_OBJREF_IMM_NAME, "name", STR),
	A(NFTA_OBJREF_SET_SREG, "set_sreg", U32), A(NFTA_OBJREF_SET_NAME, "set", STR),
	A(NFTA_OBJREF_SET_ID, "set_id", U32),
};
static const struct attr_desc fib_attrs[] = {
	A(NFTA_FIB_DREG, "dreg", U32),
	A(NFTA_FIB_RESULT, "result", U32),
	A(NFTA_FIB_FLAGS, "flags", U32),
};
static const struct attr_desc osf_attrs[] = {
	A(NFTA_OSF_DREG, "dreg", U32),
	A(NFTA_OSF_TTL, "ttl", U8),
	A(NFTA_OSF_FLAGS, "flags", U32),
};
static const struct attr_desc synproxy_attrs[] = {
	A(NFTA_SYNPROXY_MSS, "mss", U16),
	A(NFTA_SYNPROXY_WSCALE, "wscale", U8),
	A(NFTA_SYNPROXY_FLAGS, "flags", U32),
};
static const struct attr_desc xfrm_attrs[] = {
	A(NFTA_XFRM_DREG, "dreg", U32),
	A(NFTA_XFRM_KEY, "key", U32),
	A(NFTA_XFRM_DIR, "dir", U8),
	A(NFTA_XFRM_SPNUM, "spnum", U32),
};
static const struct attr_desc numgen_attrs[] = {
	A(NFTA_NG_DREG, "dreg", U32),	 A(NFTA_NG_MODULUS, "modulus", U32),
	A(NFTA_NG_TYPE, "type", U32),	 A(NFTA_NG_OFFSET, "offset", U32),
	A(NFTA_NG_SET_NAME, "set", STR), A(NFTA_NG_SET_ID, "set_id", U32),
};
static const struct attr_desc compat_match_attrs[] = {
	A(NFTA_MATCH_NAME, "name", STR),
	A(NFTA_MATCH_REV, "rev", U32),
	A(NFTA_MATCH_INFO, "info", BIN),
};
static const struct attr_desc compat_target_attrs[] = {
	A(NFTA_TARGET_NAME, "name", STR),
	A(NFTA_TARGET_REV, "rev", U32),
	A(NFTA_TARGET_INFO, "info", BIN),
};
static const struct attr_desc tunnel_attrs[] = {
	A(NFTA_TUNNEL_KEY, "key", U32),
	A(NFTA_TUNNEL_DREG, "dreg", U32),
	A(NFTA_TUNNEL_MODE, "mode", U32),
};
static const struct attr_desc notrack_attrs[] = { { 0, NULL, 0 } };

static const struct expr_desc expr_descs[] = {
	DESC("bitwise", bitwise_attrs),
	DESC("byteorder", byteorder_attrs),
	DESC("cmp", cmp_attrs),
	DESC("connlimit", connlimit_attrs),
	DESC("counter", counter_attrs),
	DESC("ct", ct_attrs),
	DESC("dup", dup_attrs),
	DESC("dynset", dynset_attrs),
	DESC("exthdr", exthdr_attrs),
	DESC("fib", fib_attrs),
	DESC("flow_offload", flow_offload_attrs),
	DESC("fwd", fwd_attrs),
	DESC("hash", hash_attrs),
	DESC("immediate", immediate_attrs),
	DESC("last", last_attrs),
	DESC("limit", limit_attrs),
	DESC("log", log_attrs),
	DESC("lookup", lookup_attrs),
	DESC("masq", masq_attrs),
	DESC("match", compat_match_attrs),
	DESC("meta", meta_attrs),
	DESC("nat", nat_attrs),
	{ "notrack", notrack_attrs, 0 },
	DESC("numgen", numgen_attrs),
	DESC("objref", objref_attrs),
	DESC("osf", osf_attrs),
	DESC("payload", payload_attrs),
	DESC("queue", queue_attrs),
	DESC("quota", quota_attrs),
	DESC("range", range_attrs),
	DESC("redir", redir_attrs),
	DESC("reject", reject_attrs),
	DESC("rt", rt_attrs),
	DESC("secmark", secmark_attrs),
	DESC("socket", socket_attrs),
	DESC("synproxy", synproxy_attrs),
	DESC("target", compat_target_attrs),
	DESC("tproxy", tproxy_attrs),
	DESC("tunnel", tunnel_attrs),
	DESC("xfrm", xfrm_attrs),
};

/* Object bodies (NFTA_OBJ_DATA). */
static const struct attr_desc ct_helper_attrs[] = {
	A(NFTA_CT_HELPER_NAME, "name", STR),
	A(NFTA_CT_HELPER_L3PROTO, "l3proto", U16),
	A(NFTA_CT_HELPER_L4PROTO, "l4proto", U8),
};
static const struct attr_desc ct_timeout_attrs[] = {
	A(NFTA_CT_TIMEOUT_L3PROTO, "l3proto", U16),
	A(NFTA_CT_TIMEOUT_L4PROTO, "l4proto", U8),
	A(NFTA_CT_TIMEOUT_DATA, "data", BIN),
};
static const struct attr_desc ct_expect_attrs[] = {
	A(NFTA_CT_EXPECT_L3PROTO, "l3proto", U16), A(NFTA_CT_EXPECT_L4PROTO, "l4proto", U8),
	A(NFTA_CT_EXPECT_DPORT, "dport", U16),	   A(NFTA_CT_EXPECT_TIMEOUT, "timeout", U32_HOST),
	A(NFTA_CT_EXPECT_SIZE, "size", U8),
};
static const struct attr_desc tunnel_obj_attrs[] = {
	A(NFTA_TUNNEL_KEY_ID, "id", U32),	A(NFTA_TUNNEL_KEY_IP, "ip", BIN),
	A(NFTA_TUNNEL_KEY_IP6, "ip6", BIN),	A(NFTA_TUNNEL_KEY_FLAGS, "flags", U32),
	A(NFTA_TUNNEL_KEY_TOS, "tos", U8),	A(NFTA_TUNNEL_KEY_TTL, "ttl", U8),
	A(NFTA_TUNNEL_KEY_SPORT, "sport", U16), A(NFTA_TUNNEL_KEY_DPORT, "dport", U16),
	A(NFTA_TUNNEL_KEY_OPTS, "opts", BIN),
};
static const struct attr_desc ct_helper_obj_placeholder[] = { { 0, NULL, 0 } };

static const struct {
	uint32_t type;
	struct expr_desc desc;
} obj_descs[] = {
	{ NFT_OBJECT_COUNTER, DESC("counter", counter_attrs) },
	{ NFT_OBJECT_QUOTA, DESC("quota", quota_attrs) },
	{ NFT_OBJECT_CT_HELPER, DESC("ct helper", ct_helper_attrs) },
	{ NFT_OBJECT_LIMIT, DESC("limit", limit_attrs) },
	{ NFT_OBJECT_CONNLIMIT, DESC("connlimit", connlimit_attrs) },
	{ NFT_OBJECT_TUNNEL, DESC("tunnel", tunnel_obj_attrs) },
	{ NFT_OBJECT_CT_TIMEOUT, DESC("ct timeout", ct_timeout_attrs) },
	{ NFT_OBJECT_SECMARK, DESC("secmark", secmark_attrs) },
	{ NFT_OBJECT_CT_EXPECT, DESC("ct expectation", ct_expect_attrs) },
	{ NFT_OBJECT_SYNPROXY, DESC("synproxy", synproxy_attrs) },
};

const struct expr_desc *expr_desc_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(expr_descs); i++)
		if (!strcmp(expr_descs[i].name, name))
			return &expr_descs[i];
	return NULL;
}

const struct expr_desc *obj_desc_find(uint32_t obj_type)
{
	(void)ct_helper_obj_placeholder;
	for (size_t i = 0; i < ARRAY_SIZE(obj_descs); i++)
		if (obj_descs[i].type == obj_type)
			return &obj_descs[i].desc;
	return NULL;
}

const char *obj_type_name(uint32_t obj_type)
{
	const struct expr_desc *d = obj_desc_find(obj_type);

	return d ? d->name : NULL;
}

int obj_type_parse(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(obj_descs); i++)
		if (!strcmp(obj_descs[i].desc.name, name))
			return (int)obj_descs[i].type;
	return -1;
}

const struct attr_desc *expr_desc_attr(const struct expr_desc *d, uint16_t type)
{
	for (uint16_t i = 0; d && i < d->nattrs; i++)
		if (d->attrs[i].type == type)
			return &d->attrs[i];
	return NULL;
}

const struct attr_desc *expr_desc_attr_by_name(const struct expr_desc *d, const char *name)
{
	for (uint16_t i = 0; d && i < d->nattrs; i++)
		if (!strcmp(d->attrs[i].name, name))
			return &d->attrs[i];
	return NULL;
}

const struct attr *expr_attr(const struct expr *e, uint16_t type)
{
	for (uint16_t i = 0; i < e->nattrs; i++)
		if (e->attrs[i].type == type)
			return &e->attrs[i];
	return NULL;
}

bool expr_has(const struct expr *e, uint16_t type)
{
	return expr_attr(e, type) != NULL;
}

uint64_t expr_num(const struct expr *e, uint16_t type, uint64_t def)
{
	const struct attr *a = expr_attr(e, type);

	if (!a || a->kind == ATTR_BIN || a->kind == ATTR_STR || a->kind == ATTR_DATA ||
	    a->kind == ATTR_EXPR || a->kind == ATTR_EXPRS)
		return def;
	return a->num;
}

const char *expr_str(const struct expr *e, uint16_t type)
{
	const struct attr *a = expr_attr(e, type);

	return a && a->kind == ATTR_STR ? a->str : NULL;
}

bool expr_is(const struct expr *e, const char *name)
{
	return !strcmp(e->name, name);
}
