/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_MODEL_H
#define FWAUDIT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct arena;
struct strbuf;

/*
 * The ruleset model: fwaudit's own copy of what the kernel holds, independent
 * of libnftnl. Containers (tables, chains, sets, ...) have named fields; the
 * bodies of expressions and stateful objects are kept as the kernel's own
 * attribute lists, decoded by a table of known attributes (attrs.c), so an
 * expression or attribute fwaudit does not know is kept raw, never dropped.
 * Everything in a ruleset is allocated from its arena.
 */

/* How one attribute's payload is stored. */
enum attr_kind {
	ATTR_BIN = 0, /* raw bytes: unknown attribute, or opaque blob */
	ATTR_U8,
	ATTR_U16, /* network byte order on the wire, host order here */
	ATTR_U32,
	ATTR_U64,
	ATTR_STR,
	ATTR_DATA,     /* NFTA_DATA_VALUE bytes or NFTA_DATA_VERDICT */
	ATTR_EXPR,     /* one nested expression */
	ATTR_EXPRS,    /* a list of nested expressions */
	ATTR_U32_HOST, /* host byte order u32 (compat match/target revision) */
};

/**
 * struct verdict - a verdict as the kernel encodes it.
 * @code: NF_ACCEPT, NF_DROP, NF_QUEUE or NFT_CONTINUE/BREAK/JUMP/GOTO/RETURN
 * @chain: target chain of jump/goto, else NULL
 */
struct verdict {
	int32_t code;
	char *chain;
};

struct expr_list;

/**
 * struct attr - one netlink attribute of an expression or object body.
 * @type: the attribute number (NFTA_PAYLOAD_OFFSET, ...)
 * @kind: enum attr_kind
 * @len: byte length of @bytes (ATTR_BIN, ATTR_DATA value)
 */
struct attr {
	uint16_t type;
	uint8_t kind;
	uint8_t is_verdict; /* ATTR_DATA: @verdict is set, not @bytes */
	uint32_t len;
	union {
		uint64_t num;
		char *str;
		uint8_t *bytes;
		struct verdict *verdict; /* ATTR_DATA holding a verdict */
		struct expr_list *exprs; /* ATTR_EXPR and ATTR_EXPRS */
	};
};

/**
 * struct expr - one nf_tables expression (or object body).
 * @name: the kernel's name ("payload", "cmp", ...); for objects the type name
 * @known: false if the decoder has no attribute table for @name: every
 *	attribute is then ATTR_BIN and the expression renders raw
 * @nattrs: number of @attrs, in the order the kernel sent them
 */
struct expr {
	const char *name;
	bool known;
	uint16_t nattrs;
	struct attr *attrs;
};

struct expr_list {
	uint32_t n;
	struct expr *v;
};

struct table;
struct chain;

struct rule {
	struct chain *chain;
	uint64_t handle;
	char *comment;	/* from userdata, or NULL */
	uint8_t *udata; /* raw userdata, kept for round trips */
	uint32_t udata_len;
	struct expr_list exprs;
};

struct chain {
	struct table *table;
	char *name;
	uint64_t handle;
	bool base; /* has a hook */
	bool has_policy;
	uint32_t hooknum;
	int32_t priority;
	uint32_t policy; /* NF_ACCEPT / NF_DROP */
	uint32_t flags;	 /* NFT_CHAIN_* */
	char *type;	 /* "filter", "nat", "route" */
	char **devices;
	uint32_t ndevices;
	char *comment;
	uint8_t *udata;
	uint32_t udata_len;
	struct rule **rules;
	uint32_t nrules, rules_cap;
	/* bumped by every change of its rules, hook or policy: what evaluators
	 * derived from the chain (keyed by it) is stale when this moved */
	uint32_t version;
};

/**
 * struct elem - one set element.
 * @key, @key_end: key bytes (key_end for intervals in concatenations)
 * @data: map data bytes, or NULL; @verdict for verdict maps, or NULL
 */
struct elem {
	uint32_t flags; /* NFT_SET_ELEM_INTERVAL_END, NFT_SET_ELEM_CATCHALL */
	uint32_t key_len, key_end_len, data_len;
	uint8_t *key, *key_end, *data;
	struct verdict *verdict;
	uint64_t timeout, expiration; /* milliseconds, 0 = none */
	char *objref;
	uint8_t *udata;
	uint32_t udata_len;
	struct expr_list exprs;
};

struct set {
	struct table *table;
	char *name;
	uint64_t handle;
	uint32_t flags; /* NFT_SET_* */
	uint32_t key_type, key_len;
	uint32_t data_type, data_len;
	uint32_t obj_type;
	uint32_t policy;
	bool has_policy, has_data_type, has_obj_type, has_desc_size;
	uint32_t desc_size;
	uint32_t field_len[16]; /* concatenation field lengths */
	uint32_t nfields;
	uint64_t timeout;     /* ms */
	uint32_t gc_interval; /* ms */
	uint8_t *udata;
	uint32_t udata_len;
	struct expr_list exprs;
	struct elem *elems;
	uint32_t nelems, elems_cap;
	/* where each element is, for applying deletions (nl/decode.c; in the
	 * arena), or NULL; whoever replaces @elems otherwise sets it NULL */
	struct elem_index *ix;
};

struct obj {
	struct table *table;
	char *name;
	uint32_t type; /* NFT_OBJECT_* */
	uint64_t handle;
	uint8_t *udata;
	uint32_t udata_len;
	char *comment;
	struct expr body; /* NFTA_OBJ_DATA, decoded like an expression */
};

struct flowtable {
	struct table *table;
	char *name;
	uint64_t handle;
	uint32_t hooknum;
	int32_t priority;
	uint32_t flags;
	char **devices;
	uint32_t ndevices;
};

struct table {
	uint32_t family; /* NFPROTO_* */
	char *name;
	uint64_t handle;
	uint32_t flags;
	char *comment;
	uint8_t *udata;
	uint32_t udata_len;
	struct chain **chains;
	uint32_t nchains, chains_cap;
	struct set **sets;
	uint32_t nsets, sets_cap;
	struct set **set_hash; /* open addressing by name, for table_find_set() */
	uint32_t set_hash_cap;
	struct obj **objs;
	uint32_t nobjs, objs_cap;
	struct flowtable **flowtables;
	uint32_t nflowtables, flowtables_cap;
};

/**
 * struct listener - a socket waiting for traffic in the namespace.
 * @family: NFPROTO_IPV4 or NFPROTO_IPV6
 * @proto: IPPROTO_TCP (listening) or IPPROTO_UDP (bound, unconnected)
 * @addr: the local address it is bound to, as text ("0.0.0.0", "::1")
 * @loopback: bound to a loopback address only (unreachable from outside)
 */
struct listener {
	uint8_t family, proto;
	uint16_t port;
	bool loopback;
	char addr[48];
};

/**
 * struct watched_file - a watched config file as captured into a snapshot.
 * @path: the absolute path it is watched under (for a gate's candidate, the
 *	live path it would replace)
 * @exists: false when the path does not exist
 * @error: why it could not be captured (a symlink, not a regular file,
 *	unreadable), or NULL; the metadata below is then partial
 * @target: where a symbolic link points, or NULL
 * @binary: the content is not UTF-8 text, so only its hash is kept
 * @content: the first @len bytes (NUL-terminated) of a text file, @truncated
 *	when the file is longer than the capture cap; NULL when not kept
 * @sha256: of the whole file, lowercase hex ("" when not read)
 */
struct watched_file {
	char *path;
	bool exists, symlink, truncated, binary;
	char *error;
	char *target;
	uint32_t mode, uid, gid;
	uint64_t size;
	int64_t mtime;
	char sha256[65];
	char *content;
	size_t len;
};

/**
 * struct ruleset - a consistent copy of one namespace's nf_tables state.
 * @generation: the generation id the whole copy belongs to
 * @taken_at: unix time (seconds) of the snapshot
 * @host, @kernel, @tool: where and by what it was taken
 */
struct ruleset {
	struct arena *arena;
	uint32_t generation;
	int64_t taken_at;
	char *host, *kernel, *tool;
	struct table **tables;
	uint32_t ntables, tables_cap;
	struct listener *listeners; /* arena; valid when @has_listeners */
	uint32_t nlisteners;
	bool has_listeners;
	struct watched_file *files; /* arena, sorted by path; valid when @has_files */
	uint32_t nfiles, files_cap;
	bool has_files;
	/*
	 * What an evaluator derived from the ruleset and keeps between calls
	 * (sorted set elements), freed with it by @derived_free. Whoever changes
	 * the ruleset calls ruleset_changed(), ruleset_rules_changed() when rules
	 * came or went, or ruleset_set_changed() when only a set's elements
	 * changed or a set went (@derived_forget drops what was derived from
	 * that set alone, or with NULL from the rules).
	 */
	void *derived;
	void (*derived_free)(void *derived);
	void (*derived_forget)(void *derived, const struct set *s);
};

/* Drop what was derived from @rs before a change. */
void ruleset_changed(struct ruleset *rs);

/* Drop what was derived from set @s of @rs, before its elements change or
 * it goes; rules, chains and other sets keep theirs. */
void ruleset_set_changed(struct ruleset *rs, const struct set *s);

/* Drop what was derived from @rs's rules, before rules are added or go
 * (a rule itself never changes; set indexes stay). */
void ruleset_rules_changed(struct ruleset *rs);

/* Add a file record for @path to @rs (copied into the arena; the record is
 * zeroed apart from @path). Keep the list sorted with ruleset_sort_files(). */
struct watched_file *ruleset_add_file(struct ruleset *rs, const char *path);
void ruleset_sort_files(struct ruleset *rs);
/* The record for @path, or NULL (the list must be sorted). */
const struct watched_file *ruleset_find_file(const struct ruleset *rs, const char *path);

/* @addr (text) is a loopback address: 127.0.0.0/8, ::1 or ::ffff:127.x. */
bool listener_addr_loopback(uint8_t family, const char *addr);

/* A new, empty ruleset with its own arena. Free with ruleset_free(). */
struct ruleset *ruleset_new(void);
void ruleset_free(struct ruleset *rs);

/*
 * A rule's expressions as bytes (content.c): equal for equal rules of any
 * load, counters and quotas left out, an anonymous set by its elements.
 * content_put() appends @n and then @n bytes; content_hash() is FNV-1a.
 */
void exprs_content(const struct expr_list *l, const struct table *t, struct strbuf *sb);
void expr_content(const struct expr *e, const struct table *t, struct strbuf *sb);
void content_put(struct strbuf *sb, const void *p, uint32_t n);
uint64_t content_hash(const void *p, size_t n);

/* Constructors: allocate from @rs's arena and append to the parent. */
struct table *ruleset_add_table(struct ruleset *rs, uint32_t family, const char *name);
struct chain *table_add_chain(struct ruleset *rs, struct table *t, const char *name);
struct rule *chain_add_rule(struct ruleset *rs, struct chain *c);
struct set *table_add_set(struct ruleset *rs, struct table *t, const char *name);
struct elem *set_add_elem(struct ruleset *rs, struct set *s);
/* Room for @n more elements in @s, so that adding them moves nothing. */
void set_reserve_elems(struct ruleset *rs, struct set *s, uint32_t n);
/*
 * Order elements by what names them in the kernel: key, key end, and
 * whether an interval end or the catch-all. 0: the same element.
 */
int elem_identity_cmp(const struct elem *a, const struct elem *b);
/* A hash of what elem_identity_cmp() compares: equal for the same element. */
uint64_t elem_identity_hash(const struct elem *e);
/* Remove @s from @t (the memory stays in the arena until the ruleset goes). */
void table_del_set(struct ruleset *rs, struct table *t, struct set *s);
struct obj *table_add_obj(struct ruleset *rs, struct table *t, const char *name);
struct flowtable *table_add_flowtable(struct ruleset *rs, struct table *t, const char *name);

/* Look-ups by name; NULL when absent. */
struct table *ruleset_find_table(const struct ruleset *rs, uint32_t family, const char *name);
struct chain *table_find_chain(const struct table *t, const char *name);
struct set *table_find_set(const struct table *t, const char *name);

/* "accept", "drop", "jump", ...; NULL for a code without a name. */
const char *verdict_code_name(int32_t code);

/* Hook names of @family ("input", "ingress", ...): NULL / false if unknown. */
const char *hook_name(uint32_t family, uint32_t hooknum);
bool hook_parse(uint32_t family, const char *name, uint32_t *hooknum);

/* Number of rules in the whole ruleset. */
size_t ruleset_count_rules(const struct ruleset *rs);

/* "ip", "ip6", "inet", "arp", "bridge", "netdev"; NULL if unknown. */
const char *family_name(uint32_t family);
/* Inverse of family_name(); returns -1 if unknown. */
int family_parse(const char *name);

/*
 * Userdata TLVs (libnftnl's NFTNL_UDATA_* layout: u8 type, u8 len, value).
 * Returns a pointer to the value of the first TLV of @type, or NULL.
 */
const uint8_t *udata_find(const uint8_t *udata, uint32_t len, uint8_t type, uint8_t *vlen);

/*
 * The TLV types nft writes into a set's and an element's userdata, numbered
 * as libnftnl's udata.h numbers them (the kernel keeps the bytes; only nft
 * and fwaudit read them). Here so that the model needs no libnftnl header.
 */
enum udata_set {
	UDATA_SET_KEYBYTEORDER,
	UDATA_SET_DATABYTEORDER,
	UDATA_SET_MERGE_ELEMENTS,
	UDATA_SET_KEY_TYPEOF,
	UDATA_SET_DATA_TYPEOF,
	UDATA_SET_EXPR,
	UDATA_SET_DATA_INTERVAL,
	UDATA_SET_COMMENT,
};

enum udata_elem {
	UDATA_SET_ELEM_COMMENT,
	UDATA_SET_ELEM_FLAGS,
};

/* ---- attribute tables (attrs.c) ---- */

/**
 * struct attr_desc - how one attribute of a known expression is decoded.
 * @type: attribute number
 * @name: stable name used in JSON
 * @kind: enum attr_kind
 */
struct attr_desc {
	uint16_t type;
	const char *name;
	uint8_t kind;
};

struct expr_desc {
	const char *name;
	const struct attr_desc *attrs;
	uint16_t nattrs;
};

/* The table for expression @name, or NULL if fwaudit does not know it. */
const struct expr_desc *expr_desc_find(const char *name);
/* The table for the body of an object of type @obj_type, or NULL. */
const struct expr_desc *obj_desc_find(uint32_t obj_type);
/* Object type name ("counter", "quota", ...), or NULL. */
const char *obj_type_name(uint32_t obj_type);
int obj_type_parse(const char *name);
/* The descriptor of attribute @type in @d, or NULL. */
const struct attr_desc *expr_desc_attr(const struct expr_desc *d, uint16_t type);
/* The descriptor named @name in @d, or NULL. */
const struct attr_desc *expr_desc_attr_by_name(const struct expr_desc *d, const char *name);

/* True when @a holds a verdict (ATTR_DATA from NFTA_DATA_VERDICT). */
static inline bool attr_is_verdict(const struct attr *a)
{
	return a->kind == ATTR_DATA && a->is_verdict;
}

/* Accessors: the attribute of @type in @e, or NULL / false if absent. */
const struct attr *expr_attr(const struct expr *e, uint16_t type);
bool expr_has(const struct expr *e, uint16_t type);
/* Numeric attribute value, or @def if absent. */
uint64_t expr_num(const struct expr *e, uint16_t type, uint64_t def);
const char *expr_str(const struct expr *e, uint16_t type);
bool expr_is(const struct expr *e, const char *name);

/* ---- JSON (json_save.c, json_load.c) ---- */

/*
 * Serialise @rs as the stable snapshot JSON (documented in
 * docs/snapshot-format.md) into @out. Deterministic: the same model always
 * gives the same bytes.
 */
void ruleset_to_json(const struct ruleset *rs, struct strbuf *out);

/* The same JSON, streamed to @f. Returns 0 or -EIO. */
int ruleset_write_json(const struct ruleset *rs, FILE *f);

/*
 * Parse snapshot JSON. On success returns 0 and sets *out (caller frees with
 * ruleset_free()). On error returns -EINVAL and writes "FILE:LINE:COL: what"
 * into @err (caller releases it).
 */
int ruleset_from_json(const char *text, size_t len, const char *filename, struct ruleset **out,
		      struct strbuf *err);

/**
 * struct json_field - one member json_object_read() looks for.
 * @key: its name
 * @num: where an integer goes (0 when absent or not an integer), or NULL
 * @str: where a string goes, NUL-terminated, at most @cap - 1 bytes
 *	("" when absent or not a string), or NULL
 * @whole: a longer string gives "" instead of its first @cap - 1 bytes
 */
struct json_field {
	const char *key;
	int64_t *num;
	char *str;
	size_t cap;
	bool whole;
};

/*
 * Read @len bytes of @text as one JSON object into @fields (the JSON other
 * modules read, such as the store's history lines, without a JSON library
 * of their own). Returns 0, or -EINVAL with why in @err (the parser's
 * message, or "not an object").
 */
int json_object_read(const char *text, size_t len, const struct json_field *fields, size_t n,
		     struct strbuf *err);

/* ---- nft-syntax rendering (render*.c) ---- */

struct render_opts {
	bool numeric;	/* reserved: print numbers instead of names */
	bool handles;	/* print "# handle N" like nft -a */
	bool stateless; /* like nft -s: no counter values, quota use, expiry times */
};

/* Render the whole ruleset like `nft list ruleset` into @out. */
void ruleset_render(const struct ruleset *rs, const struct render_opts *o, struct strbuf *out);
/*
 * Render one rule's statements (without indentation or newline) into @out.
 * Returns the number of expressions rendered raw (0 = fully decoded).
 */
unsigned rule_render(const struct rule *r, const struct render_opts *o, struct strbuf *out);
/* Render the elements of @s as nft lists them: "{ a, b, ... }". */
void set_render_elements(const struct set *s, const struct render_opts *o, struct strbuf *out);

#endif
