/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the nft-syntax renderer (render*.c, delinearize.c, datatype.c,
 * proto.c). The renderer mirrors nftables' own listing path: the kernel's
 * low-level expressions are lifted back into high-level ones
 * (netlink_delinearize.c), payload dependencies are dropped, and values are
 * printed by their datatype (datatype.c).
 */
#ifndef FWAUDIT_RENDER_INTERNAL_H
#define FWAUDIT_RENDER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "fwaudit/model.h"
#include "model_internal.h"

struct arena;
struct strbuf;

/* nftables' datatype numbers, as stored in set key/data types. */
enum dtype {
	DT_INVALID,
	DT_VERDICT,
	DT_NFPROTO,
	DT_BITMASK,
	DT_INTEGER,
	DT_STRING,
	DT_LLADDR,
	DT_IPADDR,
	DT_IP6ADDR,
	DT_ETHERADDR,
	DT_ETHERTYPE,
	DT_ARPOP,
	DT_INET_PROTOCOL,
	DT_INET_SERVICE,
	DT_ICMP_TYPE,
	DT_TCP_FLAG,
	DT_DCCP_PKTTYPE,
	DT_MH_TYPE,
	DT_TIME,
	DT_MARK,
	DT_IFINDEX,
	DT_ARPHRD,
	DT_REALM,
	DT_CLASSID,
	DT_UID,
	DT_GID,
	DT_CT_STATE,
	DT_CT_DIR,
	DT_CT_STATUS,
	DT_ICMP6_TYPE,
	DT_CT_LABEL,
	DT_PKTTYPE,
	DT_ICMP_CODE,
	DT_ICMPV6_CODE,
	DT_ICMPX_CODE,
	DT_DEVGROUP,
	DT_DSCP,
	DT_ECN,
	DT_FIB_ADDR,
	DT_BOOLEAN,
	DT_CT_EVENTBIT,
	DT_IFNAME,
	DT_IGMP_TYPE,
	DT_TIME_DATE,
	DT_TIME_HOUR,
	DT_TIME_DAY,
	DT_CGROUPV2,
	DT_MAX,
	/* Not in nftables' numbering: raw payloads print as hex. */
	DT_XINTEGER = 100,
};

#define CONCAT_TYPE_BITS 6

enum byteorder {
	BO_BIG = 0,
	BO_HOST = 1,
};

/* Name used in set declarations ("ipv4_addr"); NULL if unknown. */
const char *dtype_name(uint32_t dt);
/* Byte order values of @dt are stored in. */
enum byteorder dtype_byteorder(uint32_t dt);
/* Size in bits of a value of @dt, 0 if variable. */
uint32_t dtype_bits(uint32_t dt);
/* True for types whose range bounds nft prints as plain numbers (protocols, ...). */
bool dtype_range_numeric(uint32_t dt);
/* True for bitmask types printed as "a,b" (ct state, tcp flags, ...). */
bool dtype_is_bitmask(uint32_t dt);

/*
 * Print a value of @dt: @len bytes at @p, in @bo, meaning @bits bits
 * (0 = all). Appends to @out.
 */
/* How value_print() spells some types where nft does so by context. */
enum value_style {
	VS_SET_ELEMENTS = 1 << 0, /* flag combinations as "a | b", not "a,b" */
	VS_RANGE = 1 << 1,	  /* range bounds: times in plain seconds */
	VS_FLAGS_HEX = 1 << 2,	  /* flag combinations as one number: "0x12" */
};

void value_print(struct strbuf *out, unsigned style, uint32_t dt, enum byteorder bo,
		 const uint8_t *p, uint32_t len, uint32_t bits);
/* Unsigned integer of up to 8 bytes. */
uint64_t value_uint(const uint8_t *p, uint32_t len, enum byteorder bo);

/* ---- protocol headers (proto.c) ---- */

struct proto_field {
	const char *name;
	uint16_t offset; /* bits */
	uint16_t len;	 /* bits */
	uint8_t dtype;
	uint8_t byteorder;
};

struct proto_desc {
	const char *name;
	uint8_t base; /* NFT_PAYLOAD_*_HEADER */
	uint8_t nfields;
	const struct proto_field *fields;
	/* Field carrying the next protocol, or -1. */
	int8_t next_field;
};

enum proto_id {
	PROTO_NONE,
	PROTO_ETH,
	PROTO_VLAN,
	PROTO_ARP,
	PROTO_IP,
	PROTO_IP6,
	PROTO_ICMP,
	PROTO_IGMP,
	PROTO_ICMP6,
	PROTO_TCP,
	PROTO_UDP,
	PROTO_UDPLITE,
	PROTO_SCTP,
	PROTO_DCCP,
	PROTO_AH,
	PROTO_ESP,
	PROTO_COMP,
	PROTO_TH,
	PROTO_MAX
};

const struct proto_desc *proto_get(enum proto_id id);
/* Transport protocol for an IP protocol number; PROTO_NONE if none. */
enum proto_id proto_by_l4num(uint8_t n);
/* Network protocol for an ethertype (host order); PROTO_NONE if none. */
enum proto_id proto_by_ethertype(uint16_t t);

/* ---- high-level expressions (delinearize.c) ---- */

enum hx_kind {
	HX_VALUE,
	HX_PAYLOAD,
	HX_META,
	HX_CT,
	HX_EXTHDR,
	HX_RT,
	HX_SOCKET,
	HX_FIB,
	HX_OSF,
	HX_NUMGEN,
	HX_HASH,
	HX_XFRM,
	HX_CONCAT,
	HX_BINOP,
	HX_SET,
	HX_MAP,
	HX_RANGE,
	HX_PREFIX,
	HX_VERDICT,
	HX_SYMBOL,
	HX_RAW,
};

enum hx_op {
	OP_AND,
	OP_OR,
	OP_XOR,
	OP_LSHIFT,
	OP_RSHIFT,
};

/**
 * struct hx - a high-level expression, as nft prints it.
 * @dtype, @byteorder, @len: type of the value this expression yields
 *	(@len in bits)
 */
struct hx {
	enum hx_kind kind;
	uint32_t dtype;
	uint8_t byteorder;
	uint8_t shift; /* values of this field are stored shifted left by this */
	uint32_t len;
	union {
		struct { /* HX_VALUE */
			uint8_t *bytes;
			uint32_t nbytes;
		} value;
		struct { /* HX_PAYLOAD */
			uint8_t base;
			uint32_t offset;     /* bits */
			enum proto_id proto; /* PROTO_NONE: raw */
			const struct proto_field *field;
		} payload;
		struct { /* HX_META, HX_RT, HX_SOCKET, HX_FIB, HX_XFRM, HX_OSF */
			uint32_t key;
			uint32_t flags;
			int32_t dir; /* ct direction or -1 */
			uint32_t level;
		} key;
		struct { /* HX_CT */
			uint32_t key;
			int32_t dir;
			uint32_t nfproto; /* for ct original ip saddr */
		} ct;
		struct { /* HX_EXTHDR */
			uint32_t op;
			uint8_t type;
			uint32_t offset;
			uint32_t flags;
			const struct proto_field *field; /* IPv6 header field, if known */
		} exthdr;
		struct { /* HX_NUMGEN, HX_HASH */
			uint32_t type;
			uint32_t modulus;
			uint32_t offset;
			uint32_t seed;
			bool has_seed;
			struct hx *sub;
		} gen;
		struct { /* HX_CONCAT */
			struct hx **items;
			uint32_t n;
		} concat;
		struct { /* HX_BINOP, HX_RANGE (left..right), HX_MAP (left map right) */
			enum hx_op op;
			struct hx *left, *right;
		} bin;
		struct { /* HX_SET */
			const struct set *set;
		} set;
		struct { /* HX_PREFIX */
			struct hx *base;
			uint32_t plen;
		} prefix;
		struct verdict verdict; /* HX_VERDICT */
		const char *symbol;	/* HX_SYMBOL: printed as is */
	};
};

struct render_ctx {
	struct arena *arena;
	const struct table *table;
	const struct render_opts *opts;
	unsigned raw;	      /* expressions rendered raw */
	int indent;	      /* tabs before nested chain bodies (binding chains) */
	unsigned value_style; /* enum value_style bits in force */
};

struct hx *hx_new(struct render_ctx *rc, enum hx_kind kind);
/* Bytes a value of @e occupies. */
static inline uint32_t hx_bytes(const struct hx *e)
{
	return (e->len + 7) / 8;
}
/* "mark", "iifname", ... for a meta key; "unknown" if fwaudit has no name. */
const char *meta_key_name(uint32_t key);
struct hx *hx_value(struct render_ctx *rc, const uint8_t *p, uint32_t nbytes);
/* Print @e; values take their type from @e itself. */
void hx_print(struct render_ctx *rc, struct strbuf *out, const struct hx *e);
/* Print @val typed like @like (the left side of a comparison). */
void hx_print_as(struct render_ctx *rc, struct strbuf *out, const struct hx *val,
		 const struct hx *like);
/* Print set @s inline ({ a, b }) with element types from the key expression. */
void set_print_inline(struct render_ctx *rc, struct strbuf *out, const struct set *s,
		      const struct hx *key, const struct hx *data);
/* Print @s's elements (for a named set declaration) with optional key. */
void set_print_elements(struct render_ctx *rc, struct strbuf *out, const struct set *s,
			const struct hx *key, const struct hx *data, const char *sep,
			const char *indent);
/* True for maps whose data are ranges ("type ipv4_addr : interval ipv4_addr"). */
bool set_data_interval(const struct set *s);
/* Key type of a set rendered from its udata typeof expression, if any. */
struct hx *set_typeof_key(struct render_ctx *rc, const struct set *s, bool data);
/* Key/data types from the set's numeric key_type/data_type. */
struct hx *set_type_hx(struct render_ctx *rc, const struct set *s, bool data);

struct dl;
/* Register contents covering @len bytes (a concatenation if need be), or NULL. */
struct hx *dl_reg_get(struct dl *d, uint32_t reg, uint32_t len);
struct render_ctx *dl_ctx(struct dl *d);
/* Network protocol established so far in the rule (PROTO_IP, PROTO_IP6, ...). */
enum proto_id dl_nh_proto(struct dl *d);
/* Drop the match that established the network protocol (a statement implies it). */
void dl_kill_nh_dependency(struct dl *d);
/* Forget the protocol matches so far: no later expression drops them. */
void dl_reset_dependencies(struct dl *d);
/* Drop the match that established the transport protocol. */
void dl_kill_th_dependency(struct dl *d);
/* Render a statement expression (counter, nat, log, ...) into @out (render_stmt.c). */
void stmt_render(struct dl *d, const struct expr *e, struct strbuf *out);
/*
 * Render a statement that needs no registers (counter, limit, quota, log,
 * ...); other expressions render raw. @bare_counter prints "counter" alone.
 */
void stmt_render_plain(struct render_ctx *rc, const struct expr *e, struct strbuf *out,
		       bool bare_counter);
/*
 * An iptables-nft compat match or target, translated as nft lists it where
 * fwaudit knows the info layout; else 'xt match "NAME"'. @l4 is the
 * transport protocol matched earlier in the rule. Returns true if translated.
 */
bool xt_render(struct render_ctx *rc, const struct expr *e, enum proto_id l4, struct strbuf *t);
/* Transport protocol established so far in the rule. */
enum proto_id dl_th_proto(struct dl *d);
/*
 * The words of a limit ("rate 10/second burst 20 packets") and a quota
 * ("over 100 mbytes used 1 kbytes"), shared by statements and objects.
 */
void limit_words(const struct expr *e, struct strbuf *t);
void quota_words(const struct expr *e, struct strbuf *t);
/* Print fib/rt/socket/osf/numgen/hash/xfrm/exthdr expressions. */
void render_key_expr(struct render_ctx *rc, struct strbuf *out, const struct hx *e);
/* Print an exthdr expression ("tcp option maxseg size", "frag frag-off", ...). */
void exthdr_print(struct strbuf *out, const struct hx *e);
/* Name an exthdr expression's field and type from its offset and length. */
void exthdr_resolve(struct hx *e);
/*
 * The exthdr expression of a set's typeof udata: @op, nft's header id
 * @desc (IPv6: exthdr_desc_id; else the option or chunk type) and field
 * template @index. NULL if fwaudit does not know the field.
 */
struct hx *exthdr_typeof(struct render_ctx *rc, uint32_t op, uint32_t desc, uint32_t index);
/* The field of IPv6 extension header @type at @offset bits, @len bits long, or NULL. */
const struct proto_field *ip6_exthdr_field(uint8_t type, uint32_t offset, uint32_t len);
/* Meta and ct expressions of @key, typed as nft types them (delinearize.c). */
struct hx *meta_key_hx(struct render_ctx *rc, uint32_t key);
struct hx *ct_key_hx(struct render_ctx *rc, uint32_t key, int32_t dir, uint32_t len);
/* Render one rule's statements (delinearize.c). */
void rule_render_stmts(struct render_ctx *rc, const struct expr_list *exprs, struct strbuf *out);
/* Render a chain body (rules), used for chain bindings. */
void chain_render_body(struct render_ctx *rc, const struct chain *c, struct strbuf *out,
		       int indent);
/* The chain of this table named @name (for binding chains). */
const struct chain *render_find_chain(struct render_ctx *rc, const char *name);

/* Render raw: "[name attr=... ]". */
void expr_render_raw(struct render_ctx *rc, const struct expr *e, struct strbuf *out);

struct flag_name {
	uint32_t bit;
	const char *name;
};

/* The names of the bits set in @flags, in table order: @lead, then @sep between. */
void flag_names_print(struct strbuf *out, uint32_t flags, const struct flag_name *names, size_t n,
		      const char *lead, const char *sep);
/* Print a time in ms as nft does ("1d2h3m4s5ms"). */
void time_print(struct strbuf *out, uint64_t ms);
/* Print a string with quotes as nft does for comments/prefixes. */
void quoted_print(struct strbuf *out, const char *s);

#endif
