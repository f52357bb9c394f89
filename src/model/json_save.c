// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Snapshot -> JSON. A hand-written streaming writer, not a jansson tree: a
 * 100k-rule ruleset would cost hundreds of MB as json_t nodes, and writing
 * in a fixed order makes the output deterministic (load + save is
 * byte-identical). The format is documented in docs/snapshot-format.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <linux/netfilter.h>

#include "fwaudit/model.h"
#include "fwaudit/util.h"
#include "model_internal.h"

struct jw {
	struct strbuf *out;
	int depth;
	bool first; /* no element yet at the current level */
	FILE *sink; /* if set, @out is flushed here as it fills */
	int error;
	int compact; /* > 0: on one line (expressions) */
};

/* Streaming keeps a large snapshot from being held twice in memory. */
#define JW_FLUSH_AT (1 << 20)

static void jw_indent(struct jw *w)
{
	strbuf_addch(w->out, '\n');
	for (int i = 0; i < w->depth; i++)
		strbuf_addch(w->out, '\t');
}

static void jw_flush(struct jw *w)
{
	if (!w->sink || !w->out->len)
		return;
	if (fwrite(w->out->buf, 1, w->out->len, w->sink) != w->out->len)
		w->error = -EIO;
	strbuf_truncate(w->out, 0);
}

static void jw_sep(struct jw *w)
{
	if (w->sink && w->out->len >= JW_FLUSH_AT)
		jw_flush(w);
	if (w->compact) {
		if (!w->first)
			strbuf_addstr(w->out, ", ");
		w->first = false;
		return;
	}
	if (!w->first)
		strbuf_addch(w->out, ',');
	w->first = false;
	jw_indent(w);
}

static void jw_string(struct strbuf *out, const char *s)
{
	strbuf_addjson(out, s);
}

static void jw_key(struct jw *w, const char *key)
{
	jw_sep(w);
	jw_string(w->out, key);
	strbuf_addstr(w->out, ": ");
}

static void jw_open(struct jw *w, char c)
{
	strbuf_addch(w->out, c);
	w->depth++;
	w->first = true;
}

static void jw_close(struct jw *w, char c)
{
	bool empty = w->first;

	w->depth--;
	if (!empty && !w->compact)
		jw_indent(w);
	strbuf_addch(w->out, c);
	w->first = false;
}

static void jw_kstr(struct jw *w, const char *key, const char *v)
{
	if (!v)
		return;
	jw_key(w, key);
	jw_string(w->out, v);
}

static void jw_knum(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	strbuf_addf(w->out, "%" PRIu64, v);
}

static void jw_kint(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	strbuf_addf(w->out, "%" PRId64, v);
}

void hex_encode(struct strbuf *out, const uint8_t *p, uint32_t len)
{
	static const char hex[] = "0123456789abcdef";

	strbuf_grow(out, 2 * (size_t)len);
	for (uint32_t i = 0; i < len; i++) {
		out->buf[out->len++] = hex[p[i] >> 4];
		out->buf[out->len++] = hex[p[i] & 15];
	}
	out->buf[out->len] = '\0';
}

static void jw_khex(struct jw *w, const char *key, const uint8_t *p, uint32_t len)
{
	if (!p)
		return;
	jw_key(w, key);
	strbuf_addch(w->out, '"');
	hex_encode(w->out, p, len);
	strbuf_addch(w->out, '"');
}

static void jw_strings(struct jw *w, const char *key, char **v, uint32_t n)
{
	if (!n)
		return;
	jw_key(w, key);
	jw_open(w, '[');
	for (uint32_t i = 0; i < n; i++) {
		jw_sep(w);
		jw_string(w->out, v[i]);
	}
	jw_close(w, ']');
}

static void write_verdict(struct jw *w, const char *key, const struct verdict *v)
{
	const char *name = verdict_code_name(v->code);

	jw_key(w, key);
	jw_open(w, '{');
	if (name)
		jw_kstr(w, "verdict", name);
	else
		jw_kint(w, "verdict", v->code);
	jw_kstr(w, "chain", v->chain);
	jw_close(w, '}');
}

static void write_exprs(struct jw *w, const char *key, const struct expr_list *l);

static const struct expr_desc *expr_desc_of(const struct expr *e)
{
	return e->known ? expr_desc_find(e->name) : NULL;
}

static void write_expr_body(struct jw *w, const struct expr *e, const struct expr_desc *d)
{

	for (uint16_t i = 0; i < e->nattrs; i++) {
		const struct attr *a = &e->attrs[i];
		const struct attr_desc *ad = expr_desc_attr(d, a->type);
		char raw[16];
		const char *key;

		/* An attribute kept raw is named by number, so loading keeps it raw. */
		if (!ad || (a->kind == ATTR_BIN && ad->kind != ATTR_BIN)) {
			snprintf(raw, sizeof(raw), "attr_%u", a->type);
			key = raw;
		} else {
			key = ad->name;
		}
		switch (a->kind) {
		case ATTR_U8:
		case ATTR_U16:
		case ATTR_U32:
		case ATTR_U32_HOST:
		case ATTR_U64:
			jw_knum(w, key, a->num);
			break;
		case ATTR_STR:
			jw_kstr(w, key, a->str);
			break;
		case ATTR_DATA:
			if (attr_is_verdict(a))
				write_verdict(w, key, a->verdict);
			else
				jw_khex(w, key, a->bytes, a->len);
			break;
		case ATTR_EXPR:
			jw_key(w, key);
			jw_open(w, '{');
			jw_kstr(w, "expr", a->exprs->v[0].name);
			write_expr_body(w, &a->exprs->v[0], expr_desc_of(&a->exprs->v[0]));
			jw_close(w, '}');
			break;
		case ATTR_EXPRS:
			write_exprs(w, key, a->exprs);
			break;
		default:
			jw_khex(w, key, a->bytes ? a->bytes : (const uint8_t *)"", a->len);
			break;
		}
	}
}

static void write_exprs(struct jw *w, const char *key, const struct expr_list *l)
{
	jw_key(w, key);
	jw_open(w, '[');
	for (uint32_t i = 0; i < l->n; i++) {
		jw_sep(w);
		/* One expression per line: a 100k-rule snapshot stays half the size. */
		w->compact++;
		jw_open(w, '{');
		jw_kstr(w, "expr", l->v[i].name);
		write_expr_body(w, &l->v[i], expr_desc_of(&l->v[i]));
		jw_close(w, '}');
		w->compact--;
	}
	jw_close(w, ']');
}

static void write_hook(struct jw *w, uint32_t family, uint32_t hooknum, int32_t prio)
{
	const char *h = hook_name(family, hooknum);

	if (h)
		jw_kstr(w, "hook", h);
	else
		jw_knum(w, "hook", hooknum);
	jw_kint(w, "priority", prio);
}

static void write_chain(struct jw *w, const struct chain *c)
{
	jw_open(w, '{');
	jw_kstr(w, "name", c->name);
	jw_knum(w, "handle", c->handle);
	if (c->base) {
		jw_kstr(w, "type", c->type);
		write_hook(w, c->table->family, c->hooknum, c->priority);
		jw_strings(w, "devices", c->devices, c->ndevices);
	}
	if (c->has_policy) {
		if (c->policy == NF_ACCEPT || c->policy == NF_DROP)
			jw_kstr(w, "policy", c->policy == NF_ACCEPT ? "accept" : "drop");
		else
			jw_knum(w, "policy", c->policy);
	}
	if (c->flags)
		jw_knum(w, "flags", c->flags);
	jw_kstr(w, "comment", c->comment);
	jw_khex(w, "udata", c->udata, c->udata_len);
	jw_key(w, "rules");
	jw_open(w, '[');
	for (uint32_t i = 0; i < c->nrules; i++) {
		const struct rule *r = c->rules[i];

		jw_sep(w);
		jw_open(w, '{');
		jw_knum(w, "handle", r->handle);
		jw_kstr(w, "comment", r->comment);
		jw_khex(w, "udata", r->udata, r->udata_len);
		write_exprs(w, "exprs", &r->exprs);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

static void write_elem(struct jw *w, const struct elem *e)
{
	jw_open(w, '{');
	jw_khex(w, "key", e->key, e->key_len);
	jw_khex(w, "key_end", e->key_end, e->key_end_len);
	jw_khex(w, "data", e->data, e->data_len);
	if (e->verdict)
		write_verdict(w, "verdict", e->verdict);
	if (e->flags)
		jw_knum(w, "flags", e->flags);
	if (e->timeout)
		jw_knum(w, "timeout", e->timeout);
	if (e->expiration)
		jw_knum(w, "expiration", e->expiration);
	jw_kstr(w, "objref", e->objref);
	jw_khex(w, "udata", e->udata, e->udata_len);
	if (e->exprs.n)
		write_exprs(w, "exprs", &e->exprs);
	jw_close(w, '}');
}

static void write_set(struct jw *w, const struct set *s)
{
	jw_open(w, '{');
	jw_kstr(w, "name", s->name);
	jw_knum(w, "handle", s->handle);
	jw_knum(w, "flags", s->flags);
	jw_knum(w, "key_type", s->key_type);
	jw_knum(w, "key_len", s->key_len);
	if (s->has_data_type) {
		jw_knum(w, "data_type", s->data_type);
		jw_knum(w, "data_len", s->data_len);
	}
	if (s->has_obj_type)
		jw_knum(w, "obj_type", s->obj_type);
	if (s->has_policy)
		jw_knum(w, "policy", s->policy);
	if (s->has_desc_size)
		jw_knum(w, "size", s->desc_size);
	if (s->nfields) {
		jw_key(w, "field_len");
		jw_open(w, '[');
		for (uint32_t i = 0; i < s->nfields; i++) {
			jw_sep(w);
			strbuf_addf(w->out, "%u", s->field_len[i]);
		}
		jw_close(w, ']');
	}
	if (s->timeout)
		jw_knum(w, "timeout", s->timeout);
	if (s->gc_interval)
		jw_knum(w, "gc_interval", s->gc_interval);
	jw_khex(w, "udata", s->udata, s->udata_len);
	if (s->exprs.n)
		write_exprs(w, "exprs", &s->exprs);
	jw_key(w, "elements");
	jw_open(w, '[');
	for (uint32_t i = 0; i < s->nelems; i++) {
		jw_sep(w);
		write_elem(w, &s->elems[i]);
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

static void write_obj(struct jw *w, const struct obj *o)
{
	const char *tn = obj_type_name(o->type);

	jw_open(w, '{');
	jw_kstr(w, "name", o->name);
	jw_knum(w, "handle", o->handle);
	if (tn)
		jw_kstr(w, "type", tn);
	else
		jw_knum(w, "type", o->type);
	jw_kstr(w, "comment", o->comment);
	jw_khex(w, "udata", o->udata, o->udata_len);
	jw_key(w, "body");
	jw_open(w, '{');
	write_expr_body(w, &o->body, obj_desc_find(o->type));
	jw_close(w, '}');
	jw_close(w, '}');
}

static void write_flowtable(struct jw *w, const struct flowtable *f)
{
	jw_open(w, '{');
	jw_kstr(w, "name", f->name);
	jw_knum(w, "handle", f->handle);
	write_hook(w, NFPROTO_NETDEV, f->hooknum, f->priority);
	if (f->flags)
		jw_knum(w, "flags", f->flags);
	jw_strings(w, "devices", f->devices, f->ndevices);
	jw_close(w, '}');
}

#define WRITE_LIST(w, key, vec, n, fn)                                                             \
	do {                                                                                       \
		jw_key(w, key);                                                                    \
		jw_open(w, '[');                                                                   \
		for (uint32_t i_ = 0; i_ < (n); i_++) {                                            \
			jw_sep(w);                                                                 \
			fn(w, (vec)[i_]);                                                          \
		}                                                                                  \
		jw_close(w, ']');                                                                  \
	} while (0)

static void write_table(struct jw *w, const struct table *t)
{
	jw_open(w, '{');
	jw_kstr(w, "family", family_name(t->family));
	jw_kstr(w, "name", t->name);
	jw_knum(w, "handle", t->handle);
	if (t->flags)
		jw_knum(w, "flags", t->flags);
	jw_kstr(w, "comment", t->comment);
	jw_khex(w, "udata", t->udata, t->udata_len);
	WRITE_LIST(w, "objects", t->objs, t->nobjs, write_obj);
	WRITE_LIST(w, "sets", t->sets, t->nsets, write_set);
	WRITE_LIST(w, "flowtables", t->flowtables, t->nflowtables, write_flowtable);
	WRITE_LIST(w, "chains", t->chains, t->nchains, write_chain);
	jw_close(w, '}');
}

static void jw_kflag(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	strbuf_addstr(w->out, v ? "true" : "false");
}

static void write_file(struct jw *w, const struct watched_file *f)
{
	jw_open(w, '{');
	jw_kstr(w, "path", f->path);
	if (!f->exists) {
		jw_kflag(w, "exists", false);
		jw_close(w, '}');
		return;
	}
	jw_kstr(w, "error", f->error);
	jw_kstr(w, "target", f->target);
	if (f->mode) {
		char mode[8];

		snprintf(mode, sizeof(mode), "%04o", f->mode & 07777);
		jw_kstr(w, "mode", mode);
		jw_kstr(w, "type",
			(f->mode & S_IFMT) == S_IFREG	? "file"
			: (f->mode & S_IFMT) == S_IFDIR ? "directory"
			: (f->mode & S_IFMT) == S_IFLNK ? "symlink"
							: "other");
		jw_knum(w, "uid", f->uid);
		jw_knum(w, "gid", f->gid);
		jw_knum(w, "size", f->size);
		jw_kint(w, "mtime", f->mtime);
	}
	if (f->sha256[0])
		jw_kstr(w, "sha256", f->sha256);
	if (f->binary)
		jw_kflag(w, "binary", true);
	if (f->truncated)
		jw_kflag(w, "truncated", true);
	if (f->content) {
		jw_key(w, "content");
		strbuf_addjson_text(w->out, f->content);
	}
	jw_close(w, '}');
}

static void write_ruleset(struct jw *w, const struct ruleset *rs);

void ruleset_to_json(const struct ruleset *rs, struct strbuf *out)
{
	struct jw w = { out, 0, true, NULL, 0 };

	write_ruleset(&w, rs);
}

int ruleset_write_json(const struct ruleset *rs, FILE *f)
{
	struct strbuf buf = STRBUF_INIT;
	struct jw w = { &buf, 0, true, f, 0 };

	write_ruleset(&w, rs);
	jw_flush(&w);
	strbuf_release(&buf);
	return w.error;
}

static void write_ruleset(struct jw *w_, const struct ruleset *rs)
{
	struct jw w = *w_;

	jw_open(&w, '{');
	jw_knum(&w, "fwaudit_snapshot", SNAPSHOT_FORMAT_VERSION);
	jw_knum(&w, "generation", rs->generation);
	jw_kint(&w, "taken_at", rs->taken_at);
	jw_kstr(&w, "host", rs->host);
	jw_kstr(&w, "kernel", rs->kernel);
	jw_kstr(&w, "tool", rs->tool);
	WRITE_LIST(&w, "tables", rs->tables, rs->ntables, write_table);
	if (rs->has_listeners) {
		jw_key(&w, "listening");
		jw_open(&w, '[');
		for (uint32_t i = 0; i < rs->nlisteners; i++) {
			const struct listener *li = &rs->listeners[i];

			jw_sep(&w);
			jw_open(&w, '{');
			jw_kstr(&w, "family", li->family == NFPROTO_IPV6 ? "ip6" : "ip");
			jw_kstr(&w, "proto", li->proto == IPPROTO_UDP ? "udp" : "tcp");
			jw_kstr(&w, "address", li->addr);
			jw_knum(&w, "port", li->port);
			jw_close(&w, '}');
		}
		jw_close(&w, ']');
	}
	if (rs->has_files) {
		jw_key(&w, "files");
		jw_open(&w, '[');
		for (uint32_t i = 0; i < rs->nfiles; i++) {
			jw_sep(&w);
			write_file(&w, &rs->files[i]);
		}
		jw_close(&w, ']');
	}
	jw_close(&w, '}');
	strbuf_addch(w.out, '\n');
	*w_ = w;
}
