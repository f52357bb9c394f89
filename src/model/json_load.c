// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * JSON -> snapshot. Syntax errors carry jansson's line and column; a value
 * of the wrong shape is named by its JSON pointer (jansson keeps no
 * positions for values).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <jansson.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "fwaudit/model.h"
#include "fwaudit/util.h"
#include "model_internal.h"

struct loader {
	struct ruleset *rs;
	const char *file;
	struct strbuf *err;
	char path[512];
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(const char *s, uint8_t *out)
{
	size_t n = strlen(s);

	if (n % 2)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

static int fail(struct loader *l, const char *key, const char *what)
{
	if (!l->err->len)
		strbuf_addf(l->err, "%s: at %s%s%s%s: %s", l->file, l->path, key ? "/" : "",
			    key ? key : "", l->path[0] || key ? "" : "/", what);
	return -EINVAL;
}

/* Path bookkeeping: push "/key" or "/index", pop by restoring the length. */
static size_t path_push(struct loader *l, const char *key, long idx)
{
	size_t old = strlen(l->path);

	if (key)
		snprintf(l->path + old, sizeof(l->path) - old, "/%s", key);
	else
		snprintf(l->path + old, sizeof(l->path) - old, "/%ld", idx);
	return old;
}

static void path_pop(struct loader *l, size_t old)
{
	l->path[old] = '\0';
}

/*
 * A snapshot string as the bytes it stands for. The writer escapes each
 * byte outside ASCII as \u00XX (strbuf_addjson), which jansson decodes to
 * the characters U+0080..U+00FF: those go back to single bytes. A string
 * with any character above U+00FF was not written so (a hand edit): its
 * UTF-8 is kept as it is.
 */
static char *json_bytes(struct arena *a, json_t *v)
{
	const unsigned char *s = (const unsigned char *)json_string_value(v);
	size_t n = json_string_length(v), k = 0;
	char *out;

	for (size_t i = 0; i < n; i++)
		if (s[i] >= 0x80 && (s[i] & 0xfe) != 0xc2 && (s[i] & 0xc0) != 0x80)
			return arena_strndup(a, (const char *)s, n);
	out = arena_alloc(a, n + 1);
	for (size_t i = 0; i < n; i++, k++)
		if ((s[i] & 0xfe) == 0xc2 && i + 1 < n) {
			out[k] = (char)(((s[i] & 0x03) << 6) | (s[i + 1] & 0x3f));
			i++;
		} else {
			out[k] = (char)s[i];
		}
	out[k] = '\0';
	return out;
}

static int get_string(struct loader *l, json_t *o, const char *key, bool required, char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (!v)
		return required ? fail(l, key, "missing string") : 0;
	if (!json_is_string(v))
		return fail(l, key, "expected a string");
	*out = json_bytes(l->rs->arena, v);
	return 0;
}

static int get_u64(struct loader *l, json_t *o, const char *key, bool required, uint64_t *out)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return required ? fail(l, key, "missing number") : 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return fail(l, key, "expected a non-negative integer");
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* "listening": the sockets the namespace served when the snapshot was taken. */
static int load_listeners(struct loader *l, json_t *arr)
{
	json_t *o;
	size_t i;

	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return fail(l, "listening", "expected an array");
	l->rs->has_listeners = true;
	l->rs->nlisteners = (uint32_t)json_array_size(arr);
	l->rs->listeners =
		arena_alloc(l->rs->arena, (json_array_size(arr) + 1) * sizeof(struct listener));
	json_array_foreach(arr, i, o)
	{
		struct listener *li = &l->rs->listeners[i];
		char *fam = NULL, *proto = NULL, *addr = NULL;
		uint64_t port = 0;

		snprintf(l->path, sizeof(l->path), "/listening/%zu", i);
		if (!json_is_object(o))
			return fail(l, NULL, "expected an object");
		if (get_string(l, o, "family", true, &fam) < 0 ||
		    get_string(l, o, "proto", true, &proto) < 0 ||
		    get_string(l, o, "address", true, &addr) < 0 ||
		    get_u64(l, o, "port", true, &port) < 0)
			return -EINVAL;
		if ((strcmp(fam, "ip") && strcmp(fam, "ip6")) ||
		    (strcmp(proto, "tcp") && strcmp(proto, "udp")) || port > 65535 ||
		    strlen(addr) >= sizeof(li->addr))
			return fail(l, NULL, "expected family ip/ip6, proto tcp/udp, a port");
		li->family = fam[2] ? NFPROTO_IPV6 : NFPROTO_IPV4;
		li->proto = proto[0] == 'u' ? IPPROTO_UDP : IPPROTO_TCP;
		li->port = (uint16_t)port;
		snprintf(li->addr, sizeof(li->addr), "%s", addr);
		li->loopback = listener_addr_loopback(li->family, addr);
	}
	return 0;
}

static bool get_bool(json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

/* "files": the watched files captured with the ruleset. */
static int load_files(struct loader *l, json_t *arr)
{
	static const struct {
		const char *name;
		uint32_t bits;
	} types[] = { { "file", S_IFREG },
		      { "directory", S_IFDIR },
		      { "symlink", S_IFLNK },
		      { "other", 0 } };
	json_t *o;
	size_t i;

	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return fail(l, "files", "expected an array");
	l->rs->has_files = true;
	json_array_foreach(arr, i, o)
	{
		struct watched_file *f;
		char *path = NULL, *mode = NULL, *type = NULL, *sha = NULL, *end = NULL;
		uint64_t uid = 0, gid = 0, size = 0;
		json_t *content, *mtime;

		snprintf(l->path, sizeof(l->path), "/files/%zu", i);
		if (!json_is_object(o))
			return fail(l, NULL, "expected an object");
		if (get_string(l, o, "path", true, &path) < 0)
			return -EINVAL;
		if (path[0] != '/')
			return fail(l, "path", "expected an absolute path");
		f = ruleset_add_file(l->rs, path);
		f->exists = !json_is_false(json_object_get(o, "exists"));
		if (get_string(l, o, "error", false, &f->error) < 0 ||
		    get_string(l, o, "target", false, &f->target) < 0 ||
		    get_string(l, o, "mode", false, &mode) < 0 ||
		    get_string(l, o, "type", false, &type) < 0 ||
		    get_string(l, o, "sha256", false, &sha) < 0 ||
		    get_u64(l, o, "uid", false, &uid) < 0 ||
		    get_u64(l, o, "gid", false, &gid) < 0 ||
		    get_u64(l, o, "size", false, &size) < 0)
			return -EINVAL;
		if (mode) {
			unsigned long m = strtoul(mode, &end, 8);

			if (!*mode || *end || m > 07777)
				return fail(l, "mode", "expected octal permission bits");
			f->mode = (uint32_t)m;
			for (size_t k = 0; type && k < ARRAY_SIZE(types); k++)
				if (!strcmp(type, types[k].name))
					f->mode |= types[k].bits;
		}
		f->symlink = (f->mode & S_IFMT) == S_IFLNK || (type && !strcmp(type, "symlink")) ||
			     f->target;
		if (uid > UINT32_MAX || gid > UINT32_MAX)
			return fail(l, "uid", "out of range");
		f->uid = (uint32_t)uid;
		f->gid = (uint32_t)gid;
		f->size = size;
		mtime = json_object_get(o, "mtime");
		if (json_is_integer(mtime))
			f->mtime = json_integer_value(mtime);
		if (sha) {
			if (strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64)
				return fail(l, "sha256", "expected 64 lowercase hex digits");
			memcpy(f->sha256, sha, 65);
		}
		f->binary = get_bool(o, "binary");
		f->truncated = get_bool(o, "truncated");
		content = json_object_get(o, "content");
		if (content) {
			if (!json_is_string(content))
				return fail(l, "content", "expected a string");
			f->len = json_string_length(content);
			f->content =
				arena_strndup(l->rs->arena, json_string_value(content), f->len);
		}
	}
	ruleset_sort_files(l->rs);
	return 0;
}

static int get_u32(struct loader *l, json_t *o, const char *key, bool required, uint32_t *out,
		   bool *present)
{
	uint64_t v = 0;
	int ret;

	if (present)
		*present = json_object_get(o, key) != NULL;
	ret = get_u64(l, o, key, required, &v);
	if (ret == 0 && v > UINT32_MAX)
		return fail(l, key, "number out of range");
	if (ret == 0 && json_object_get(o, key))
		*out = (uint32_t)v;
	return ret;
}

static int get_hex(struct loader *l, json_t *o, const char *key, uint8_t **out, uint32_t *len)
{
	json_t *v = json_object_get(o, key);
	int n;

	*out = NULL;
	*len = 0;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return fail(l, key, "expected a hex string");
	*out = arena_alloc(l->rs->arena, json_string_length(v) / 2 + 1);
	n = hex_decode(json_string_value(v), *out);
	if (n < 0)
		return fail(l, key, "expected an even number of hex digits");
	*len = (uint32_t)n;
	return 0;
}

static int get_strings(struct loader *l, json_t *o, const char *key, char ***out, uint32_t *n)
{
	json_t *v = json_object_get(o, key), *s;
	size_t i;

	*n = 0;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return fail(l, key, "expected an array of strings");
	*out = arena_alloc(l->rs->arena, (json_array_size(v) + 1) * sizeof(char *));
	json_array_foreach(v, i, s)
	{
		if (!json_is_string(s))
			return fail(l, key, "expected an array of strings");
		(*out)[(*n)++] = json_bytes(l->rs->arena, s);
	}
	return 0;
}

static int load_verdict(struct loader *l, json_t *v, const char *key, struct verdict **out)
{
	json_t *code = json_object_get(v, "verdict");
	struct verdict *vd = arena_alloc(l->rs->arena, sizeof(*vd));
	size_t old = path_push(l, key, 0);
	int ret = 0;

	if (json_is_string(code)) {
		if (!verdict_code_parse(json_string_value(code), &vd->code))
			ret = fail(l, "verdict", "unknown verdict");
	} else if (json_is_integer(code)) {
		vd->code = (int32_t)json_integer_value(code);
	} else {
		ret = fail(l, "verdict", "missing verdict");
	}
	if (ret == 0)
		ret = get_string(l, v, "chain", false, &vd->chain);
	path_pop(l, old);
	*out = vd;
	return ret;
}

static int load_exprs(struct loader *l, json_t *arr, const char *key, struct expr_list *out);

/* Attributes of an expression or object body: every key but "expr". */
static int load_body(struct loader *l, json_t *o, const struct expr_desc *d, struct expr *e)
{
	const char *key;
	json_t *v;
	uint16_t n = 0;

	e->attrs = arena_alloc(l->rs->arena, (json_object_size(o) + 1) * sizeof(struct attr));
	json_object_foreach(o, key, v)
	{
		const struct attr_desc *ad;
		struct attr *a;
		unsigned num;

		if (!strcmp(key, "expr"))
			continue;
		a = &e->attrs[n++];
		if (sscanf(key, "attr_%u", &num) == 1) {
			a->type = (uint16_t)num;
			a->kind = ATTR_BIN;
			if (get_hex(l, o, key, &a->bytes, &a->len) < 0)
				return -EINVAL;
			continue;
		}
		ad = expr_desc_attr_by_name(d, key);
		if (!ad)
			return fail(l, key, "unknown attribute for this expression");
		a->type = ad->type;
		a->kind = ad->kind;
		switch (ad->kind) {
		case ATTR_U8:
		case ATTR_U16:
		case ATTR_U32:
		case ATTR_U32_HOST:
		case ATTR_U64:
			if (get_u64(l, o, key, true, &a->num) < 0)
				return -EINVAL;
			break;
		case ATTR_STR:
			if (get_string(l, o, key, true, &a->str) < 0)
				return -EINVAL;
			break;
		case ATTR_DATA:
			if (json_is_object(v)) {
				if (load_verdict(l, v, key, &a->verdict) < 0)
					return -EINVAL;
				a->is_verdict = 1;
			} else if (get_hex(l, o, key, &a->bytes, &a->len) < 0) {
				return -EINVAL;
			}
			break;
		case ATTR_EXPR: {
			json_t *arr = json_array();
			int ret;

			a->exprs = arena_alloc(l->rs->arena, sizeof(*a->exprs));
			json_array_append(arr, v);
			ret = load_exprs(l, arr, key, a->exprs);
			json_decref(arr);
			if (ret < 0)
				return ret;
			break;
		}
		case ATTR_EXPRS:
			a->exprs = arena_alloc(l->rs->arena, sizeof(*a->exprs));
			if (load_exprs(l, v, key, a->exprs) < 0)
				return -EINVAL;
			break;
		default:
			if (get_hex(l, o, key, &a->bytes, &a->len) < 0)
				return -EINVAL;
			break;
		}
	}
	e->nattrs = n;
	return 0;
}

static int load_exprs(struct loader *l, json_t *arr, const char *key, struct expr_list *out)
{
	size_t old = path_push(l, key, 0), i;
	json_t *o;
	int ret = 0;

	out->n = 0;
	if (!json_is_array(arr)) {
		path_pop(l, old);
		return fail(l, NULL, "expected an array of expressions");
	}
	out->v = arena_alloc(l->rs->arena, (json_array_size(arr) + 1) * sizeof(struct expr));
	json_array_foreach(arr, i, o)
	{
		size_t o2 = path_push(l, NULL, (long)i);
		struct expr *e = &out->v[i];
		json_t *name = json_object_get(o, "expr");
		const struct expr_desc *d;

		if (!json_is_object(o) || !json_is_string(name)) {
			ret = fail(l, "expr", "missing expression name");
			break;
		}
		d = expr_desc_find(json_string_value(name));
		e->name = d ? d->name : json_bytes(l->rs->arena, name);
		e->known = d != NULL;
		ret = load_body(l, o, d, e);
		if (ret < 0)
			break;
		out->n++;
		path_pop(l, o2);
	}
	if (ret == 0)
		path_pop(l, old);
	return ret;
}

static const uint8_t *udata_or_null(uint8_t *p, uint32_t n)
{
	return n ? p : NULL;
}

static char *comment_of(struct loader *l, const uint8_t *udata, uint32_t len, uint8_t type)
{
	uint8_t vlen;
	const uint8_t *v = udata_find(udata, len, type, &vlen);

	if (!v || !vlen)
		return NULL;
	return arena_strndup(l->rs->arena, (const char *)v, strnlen((const char *)v, vlen));
}

static int load_hook(struct loader *l, json_t *o, uint32_t family, uint32_t *hooknum, int32_t *prio)
{
	json_t *h = json_object_get(o, "hook"), *p = json_object_get(o, "priority");

	if (json_is_string(h)) {
		if (!hook_parse(family, json_string_value(h), hooknum))
			return fail(l, "hook", "unknown hook for this family");
	} else if (json_is_integer(h)) {
		*hooknum = (uint32_t)json_integer_value(h);
	} else {
		return fail(l, "hook", "missing hook");
	}
	if (!json_is_integer(p))
		return fail(l, "priority", "missing priority");
	*prio = (int32_t)json_integer_value(p);
	return 0;
}

static int load_chain(struct loader *l, struct table *t, json_t *o)
{
	char *name;
	struct chain *c;
	json_t *rules, *r, *pol;
	size_t i;

	if (get_string(l, o, "name", true, &name) < 0)
		return -EINVAL;
	c = table_add_chain(l->rs, t, name);
	if (get_u64(l, o, "handle", false, &c->handle) < 0 ||
	    get_u32(l, o, "flags", false, &c->flags, NULL) < 0 ||
	    get_hex(l, o, "udata", &c->udata, &c->udata_len) < 0)
		return -EINVAL;
	if (json_object_get(o, "hook")) {
		c->base = true;
		if (load_hook(l, o, t->family, &c->hooknum, &c->priority) < 0 ||
		    get_string(l, o, "type", false, &c->type) < 0 ||
		    get_strings(l, o, "devices", &c->devices, &c->ndevices) < 0)
			return -EINVAL;
	}
	pol = json_object_get(o, "policy");
	if (pol) {
		c->has_policy = true;
		if (json_is_string(pol) && !strcmp(json_string_value(pol), "accept"))
			c->policy = NF_ACCEPT;
		else if (json_is_string(pol) && !strcmp(json_string_value(pol), "drop"))
			c->policy = NF_DROP;
		else if (json_is_integer(pol))
			c->policy = (uint32_t)json_integer_value(pol);
		else
			return fail(l, "policy", "expected accept, drop or a number");
	}
	c->comment = comment_of(l, udata_or_null(c->udata, c->udata_len), c->udata_len, 0);
	rules = json_object_get(o, "rules");
	if (!json_is_array(rules))
		return fail(l, "rules", "missing array");
	json_array_foreach(rules, i, r)
	{
		size_t old = strlen(l->path);
		struct rule *rule = chain_add_rule(l->rs, c);

		snprintf(l->path + old, sizeof(l->path) - old, "/rules/%zu", i);
		if (!json_is_object(r))
			return fail(l, NULL, "expected an object");
		if (get_u64(l, r, "handle", false, &rule->handle) < 0 ||
		    get_hex(l, r, "udata", &rule->udata, &rule->udata_len) < 0 ||
		    load_exprs(l, json_object_get(r, "exprs"), "exprs", &rule->exprs) < 0)
			return -EINVAL;
		rule->comment = comment_of(l, udata_or_null(rule->udata, rule->udata_len),
					   rule->udata_len, 0);
		path_pop(l, old);
	}
	return 0;
}

static int load_elem(struct loader *l, struct set *s, json_t *o)
{
	struct elem *e = set_add_elem(l->rs, s);
	json_t *v;

	memset(e, 0, sizeof(*e));
	if (get_hex(l, o, "key", &e->key, &e->key_len) < 0 ||
	    get_hex(l, o, "key_end", &e->key_end, &e->key_end_len) < 0 ||
	    get_hex(l, o, "data", &e->data, &e->data_len) < 0 ||
	    get_u32(l, o, "flags", false, &e->flags, NULL) < 0 ||
	    get_u64(l, o, "timeout", false, &e->timeout) < 0 ||
	    get_u64(l, o, "expiration", false, &e->expiration) < 0 ||
	    get_string(l, o, "objref", false, &e->objref) < 0 ||
	    get_hex(l, o, "udata", &e->udata, &e->udata_len) < 0)
		return -EINVAL;
	v = json_object_get(o, "verdict");
	if (v && load_verdict(l, v, "verdict", &e->verdict) < 0)
		return -EINVAL;
	v = json_object_get(o, "exprs");
	if (v && load_exprs(l, v, "exprs", &e->exprs) < 0)
		return -EINVAL;
	return 0;
}

static int load_set(struct loader *l, struct table *t, json_t *o)
{
	char *name;
	struct set *s;
	json_t *v, *x;
	size_t i;

	if (get_string(l, o, "name", true, &name) < 0)
		return -EINVAL;
	s = table_add_set(l->rs, t, name);
	if (get_u64(l, o, "handle", false, &s->handle) < 0 ||
	    get_u32(l, o, "flags", false, &s->flags, NULL) < 0 ||
	    get_u32(l, o, "key_type", false, &s->key_type, NULL) < 0 ||
	    get_u32(l, o, "key_len", false, &s->key_len, NULL) < 0 ||
	    get_u32(l, o, "data_type", false, &s->data_type, &s->has_data_type) < 0 ||
	    get_u32(l, o, "data_len", false, &s->data_len, NULL) < 0 ||
	    get_u32(l, o, "obj_type", false, &s->obj_type, &s->has_obj_type) < 0 ||
	    get_u32(l, o, "policy", false, &s->policy, &s->has_policy) < 0 ||
	    get_u32(l, o, "size", false, &s->desc_size, &s->has_desc_size) < 0 ||
	    get_u64(l, o, "timeout", false, &s->timeout) < 0 ||
	    get_u32(l, o, "gc_interval", false, &s->gc_interval, NULL) < 0 ||
	    get_hex(l, o, "udata", &s->udata, &s->udata_len) < 0)
		return -EINVAL;
	v = json_object_get(o, "field_len");
	if (v) {
		if (!json_is_array(v) || json_array_size(v) > ARRAY_SIZE(s->field_len))
			return fail(l, "field_len", "expected an array of at most 16 numbers");
		json_array_foreach(v, i, x)
		{
			if (!json_is_integer(x))
				return fail(l, "field_len", "expected numbers");
			s->field_len[s->nfields++] = (uint32_t)json_integer_value(x);
		}
	}
	v = json_object_get(o, "exprs");
	if (v && load_exprs(l, v, "exprs", &s->exprs) < 0)
		return -EINVAL;
	v = json_object_get(o, "elements");
	if (!json_is_array(v))
		return fail(l, "elements", "missing array");
	json_array_foreach(v, i, x)
	{
		size_t old = strlen(l->path);

		snprintf(l->path + old, sizeof(l->path) - old, "/elements/%zu", i);
		if (!json_is_object(x) || load_elem(l, s, x) < 0)
			return json_is_object(x) ? -EINVAL : fail(l, NULL, "expected an object");
		path_pop(l, old);
	}
	return 0;
}

static int load_obj(struct loader *l, struct table *t, json_t *o)
{
	const struct expr_desc *d;
	json_t *type = json_object_get(o, "type"), *body;
	struct obj *ob;
	char *name;
	int tn;

	if (get_string(l, o, "name", true, &name) < 0)
		return -EINVAL;
	ob = table_add_obj(l->rs, t, name);
	if (json_is_string(type) && (tn = obj_type_parse(json_string_value(type))) >= 0)
		ob->type = (uint32_t)tn;
	else if (json_is_integer(type))
		ob->type = (uint32_t)json_integer_value(type);
	else
		return fail(l, "type", "unknown object type");
	if (get_u64(l, o, "handle", false, &ob->handle) < 0 ||
	    get_hex(l, o, "udata", &ob->udata, &ob->udata_len) < 0)
		return -EINVAL;
	ob->comment = comment_of(l, udata_or_null(ob->udata, ob->udata_len), ob->udata_len, 0);
	d = obj_desc_find(ob->type);
	ob->body.name = d ? d->name : "unknown";
	ob->body.known = d != NULL;
	body = json_object_get(o, "body");
	if (!json_is_object(body))
		return fail(l, "body", "missing object");
	return load_body(l, body, d, &ob->body);
}

static int load_flowtable(struct loader *l, struct table *t, json_t *o)
{
	struct flowtable *f;
	char *name;

	if (get_string(l, o, "name", true, &name) < 0)
		return -EINVAL;
	f = table_add_flowtable(l->rs, t, name);
	if (get_u64(l, o, "handle", false, &f->handle) < 0 ||
	    load_hook(l, o, NFPROTO_NETDEV, &f->hooknum, &f->priority) < 0 ||
	    get_u32(l, o, "flags", false, &f->flags, NULL) < 0 ||
	    get_strings(l, o, "devices", &f->devices, &f->ndevices) < 0)
		return -EINVAL;
	return 0;
}

typedef int (*load_fn)(struct loader *l, struct table *t, json_t *o);

static int load_list(struct loader *l, struct table *t, json_t *o, const char *key, load_fn fn)
{
	json_t *arr = json_object_get(o, key), *x;
	size_t i;

	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return fail(l, key, "expected an array");
	json_array_foreach(arr, i, x)
	{
		size_t old = strlen(l->path);

		snprintf(l->path + old, sizeof(l->path) - old, "/%s/%zu", key, i);
		if (!json_is_object(x))
			return fail(l, NULL, "expected an object");
		if (fn(l, t, x) < 0)
			return -EINVAL;
		path_pop(l, old);
	}
	return 0;
}

static int load_table(struct loader *l, json_t *o)
{
	json_t *fam = json_object_get(o, "family");
	struct table *t;
	char *name;
	int family;

	if (!json_is_string(fam) || (family = family_parse(json_string_value(fam))) < 0)
		return fail(l, "family", "expected ip, ip6, inet, arp, bridge or netdev");
	if (get_string(l, o, "name", true, &name) < 0)
		return -EINVAL;
	t = ruleset_add_table(l->rs, (uint32_t)family, name);
	if (get_u64(l, o, "handle", false, &t->handle) < 0 ||
	    get_u32(l, o, "flags", false, &t->flags, NULL) < 0 ||
	    get_hex(l, o, "udata", &t->udata, &t->udata_len) < 0)
		return -EINVAL;
	t->comment = comment_of(l, udata_or_null(t->udata, t->udata_len), t->udata_len, 0);
	if (load_list(l, t, o, "objects", load_obj) < 0 ||
	    load_list(l, t, o, "sets", load_set) < 0 ||
	    load_list(l, t, o, "flowtables", load_flowtable) < 0 ||
	    load_list(l, t, o, "chains", load_chain) < 0)
		return -EINVAL;
	return 0;
}

int ruleset_from_json(const char *text, size_t len, const char *filename, struct ruleset **out,
		      struct strbuf *err)
{
	struct loader l = { NULL, filename, err, "" };
	json_error_t jerr;
	json_t *root, *tables, *t, *ver;
	uint64_t gen = 0;
	size_t i;
	int ret = 0;

	*out = NULL;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		strbuf_addf(err, "%s:%d:%d: %s", filename, jerr.line, jerr.column, jerr.text);
		return -EINVAL;
	}
	l.rs = ruleset_new();
	ver = json_object_get(root, "fwaudit_snapshot");
	if (!json_is_object(root) || !json_is_integer(ver)) {
		ret = fail(&l, "fwaudit_snapshot", "not an fwaudit snapshot (no format version)");
		goto out;
	}
	if (json_integer_value(ver) != SNAPSHOT_FORMAT_VERSION) {
		ret = fail(&l, "fwaudit_snapshot", "unsupported snapshot format version");
		goto out;
	}
	if (get_u64(&l, root, "generation", false, &gen) < 0 ||
	    get_string(&l, root, "host", false, &l.rs->host) < 0 ||
	    get_string(&l, root, "kernel", false, &l.rs->kernel) < 0 ||
	    get_string(&l, root, "tool", false, &l.rs->tool) < 0) {
		ret = -EINVAL;
		goto out;
	}
	l.rs->generation = (uint32_t)gen;
	if (json_is_integer(json_object_get(root, "taken_at")))
		l.rs->taken_at = json_integer_value(json_object_get(root, "taken_at"));
	tables = json_object_get(root, "tables");
	if (!json_is_array(tables)) {
		ret = fail(&l, "tables", "missing array");
		goto out;
	}
	json_array_foreach(tables, i, t)
	{
		snprintf(l.path, sizeof(l.path), "/tables/%zu", i);
		if (!json_is_object(t)) {
			ret = fail(&l, NULL, "expected an object");
			goto out;
		}
		ret = load_table(&l, t);
		if (ret < 0)
			goto out;
	}
	ret = load_listeners(&l, json_object_get(root, "listening"));
	if (!ret)
		ret = load_files(&l, json_object_get(root, "files"));
out:
	json_decref(root);
	if (ret < 0) {
		ruleset_free(l.rs);
		return ret;
	}
	*out = l.rs;
	return 0;
}

int json_object_read(const char *text, size_t len, const struct json_field *fields, size_t n,
		     struct strbuf *err)
{
	json_error_t jerr;
	json_t *o = json_loadb(text, len, 0, &jerr);

	if (!o || !json_is_object(o)) {
		strbuf_addstr(err, o ? "not an object" : jerr.text);
		json_decref(o);
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_object_get(o, fields[i].key);

		if (fields[i].num)
			*fields[i].num = json_integer_value(v);
		if (fields[i].str) {
			const char *s = json_is_string(v) ? json_string_value(v) : "";

			snprintf(fields[i].str, fields[i].cap, "%s",
				 fields[i].whole && strlen(s) >= fields[i].cap ? "" : s);
		}
	}
	json_decref(o);
	return 0;
}
