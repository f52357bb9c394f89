// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The policy loader: YAML documents (libyaml's document API) into struct
 * policy. Every problem is recorded with the node's mark as FILE:LINE:COL
 * and loading goes on, so one run lists every mistake of a file; a file with
 * any mistake adds nothing to the set.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/netfilter.h>
#include <yaml.h>

#include "fwaudit/eval.h"
#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/util.h"
#include "policy_internal.h"

#define MAX_POLICY_BYTES (4u << 20)

struct load_error {
	size_t line, col, seq;
	char *text;
};

struct loader {
	const char *file;
	yaml_document_t *doc;
	struct load_error *errs; /* printed sorted by position, once */
	size_t nerrs, caperrs;
	unsigned nerr;
	struct ruleset *empty; /* for validating flows with reach's own parser */
};

static const char *const severities[] = { "info", "low", "medium", "high", "critical" };

const char *severity_name(enum severity s)
{
	return (unsigned)s < ARRAY_SIZE(severities) ? severities[s] : "?";
}

int severity_parse(const char *name, enum severity *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(severities); i++)
		if (!strcmp(name, severities[i])) {
			*out = (enum severity)i;
			return 0;
		}
	return -EINVAL;
}

/* ---- messages ---- */

__attribute__((format(printf, 3, 4))) static void fail_at(struct loader *l, const yaml_mark_t *m,
							  const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s:%zu:%zu: ", l->file, m->line + 1, m->column + 1);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_addch(&sb, '\n');
	GROW(l->errs, l->nerrs, l->caperrs);
	l->errs[l->nerrs++] =
		(struct load_error){ m->line, m->column, l->nerrs, strbuf_detach(&sb) };
	l->nerr++;
}

#define fail(l, node, ...) fail_at(l, &(node)->start_mark, __VA_ARGS__)

/* One of @names, or an error listing them (with a suggestion). */
static int one_of(struct loader *l, yaml_node_t *n, const char *what, const char *value,
		  const char *const *names)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; names[i]; i++)
		if (!strcmp(value, names[i]))
			return (int)i;
	name_suggest(&sb, value, names);
	if (!sb.len) {
		strbuf_addstr(&sb, " (one of");
		for (size_t i = 0; names[i]; i++)
			strbuf_addf(&sb, "%s %s", i ? "," : "", names[i]);
		strbuf_addch(&sb, ')');
	}
	fail(l, n, "unknown %s '%s'%s", what, value, sb.buf);
	strbuf_release(&sb);
	return -1;
}

/* ---- nodes ---- */

static const char *node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return "a scalar";
	}
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A plain (unquoted) scalar that YAML reads as null: "", "~", "null". */
static bool is_null(const yaml_node_t *n)
{
	const char *s = scalar(n);

	return s && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
		!strcmp(s, "NULL"));
}

static yaml_node_t *node(struct loader *l, int id)
{
	return yaml_document_get_node(l->doc, id);
}

/*
 * Check a mapping's keys: scalars, known, each once. Returns false (with
 * the errors recorded) if any is wrong.
 */
static bool check_keys(struct loader *l, yaml_node_t *map, const char *what,
		       const char *const *allowed)
{
	yaml_node_pair_t *p, *q;
	bool ok = true;

	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(l, p->key);
		const char *ks = scalar(k);
		bool known = false;

		if (!ks) {
			fail(l, k, "%s keys must be scalars, not %s", what, node_kind(k));
			ok = false;
			continue;
		}
		for (q = map->data.mapping.pairs.start; q < p; q++) {
			const char *prev = scalar(node(l, q->key));

			if (prev && !strcmp(prev, ks)) {
				fail(l, k, "duplicate key '%s' in %s", ks, what);
				ok = false;
				break;
			}
		}
		for (size_t i = 0; allowed[i]; i++)
			known |= !strcmp(ks, allowed[i]);
		if (!known) {
			struct strbuf sb = STRBUF_INIT;
			name_suggest(&sb, ks, allowed);
			fail(l, k, "unknown key '%s' in %s%s", ks, what, sb.buf ? sb.buf : "");
			strbuf_release(&sb);
			ok = false;
		}
	}
	return ok;
}

static size_t seq_len(const yaml_node_t *seq)
{
	return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

static struct src_loc loc_of(const struct loader *l, const yaml_node_t *n)
{
	return (struct src_loc){ l->file, (uint32_t)n->start_mark.line + 1,
				 (uint32_t)n->start_mark.column + 1 };
}

static yaml_node_t *get(struct loader *l, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *ks = scalar(node(l, p->key));

		if (ks && !strcmp(ks, key))
			return node(l, p->value);
	}
	return NULL;
}

static bool want(struct loader *l, yaml_node_t *n, yaml_node_type_t type, const char *what)
{
	static const char *const names[] = { "", "a scalar", "a list", "a mapping" };

	if (n->type == type && !(type == YAML_SCALAR_NODE && is_null(n)))
		return true;
	fail(l, n, "%s must be %s, not %s", what, names[type], is_null(n) ? "empty" : node_kind(n));
	return false;
}

/* A string value; NULL (with the error recorded) if it is not one. */
static char *get_str(struct loader *l, yaml_node_t *n, const char *what)
{
	if (!want(l, n, YAML_SCALAR_NODE, what))
		return NULL;
	return xstrdup(scalar(n));
}

static bool get_bool(struct loader *l, yaml_node_t *n, const char *what, bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "on", NULL };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "off", NULL };
	const char *s;

	if (!want(l, n, YAML_SCALAR_NODE, what))
		return false;
	s = scalar(n);
	for (size_t i = 0; yes[i]; i++)
		if (!strcmp(s, yes[i]))
			return *out = true;
	for (size_t i = 0; no[i]; i++)
		if (!strcmp(s, no[i])) {
			*out = false;
			return true;
		}
	fail(l, n, "%s must be true or false, not '%s'", what, s);
	return false;
}

static bool get_uint(struct loader *l, yaml_node_t *n, const char *what, uint64_t max,
		     uint64_t *out)
{
	const char *s;
	char *end;

	if (!want(l, n, YAML_SCALAR_NODE, what))
		return false;
	s = scalar(n);
	errno = 0;
	*out = isdigit((unsigned char)*s) ? strtoull(s, &end, 10) : 0;
	if (!isdigit((unsigned char)*s) || *end || errno) {
		fail(l, n, "%s must be a whole number, not '%s'", what, s);
		return false;
	}
	if (*out > max) {
		fail(l, n, "%s %s is out of range 0-%llu", what, s, (unsigned long long)max);
		return false;
	}
	return true;
}

static bool get_number(struct loader *l, yaml_node_t *n, const char *what, double *out)
{
	const char *s;
	char *end;

	if (!want(l, n, YAML_SCALAR_NODE, what))
		return false;
	s = scalar(n);
	*out = strtod(s, &end);
	if (!*s || *end) {
		fail(l, n, "%s must be a number, not '%s'", what, s);
		return false;
	}
	return true;
}

static bool get_severity(struct loader *l, yaml_node_t *n, int *out)
{
	static const char *const names[] = { "info", "low", "medium", "high", "critical", NULL };
	int i;

	if (!want(l, n, YAML_SCALAR_NODE, "severity"))
		return false;
	i = one_of(l, n, "severity", scalar(n), names);
	if (i < 0)
		return false;
	*out = i;
	return true;
}

static void *compile_re(struct loader *l, yaml_node_t *n, const char *src)
{
	regex_t *re = xmalloc(sizeof(*re));
	int rc = regcomp(re, src, REG_EXTENDED | REG_NOSUB | REG_NEWLINE);

	if (rc) {
		char msg[128];

		regerror(rc, re, msg, sizeof(msg));
		fail(l, n, "bad regular expression '%s': %s", src, msg);
		free(re);
		return NULL;
	}
	return re;
}

/* A port or "LO-HI" range, as a number or a string. */
static bool get_port_range(struct loader *l, yaml_node_t *n, uint32_t out[2])
{
	const char *s, *dash;
	char *end;
	unsigned long lo, hi;

	if (!want(l, n, YAML_SCALAR_NODE, "port"))
		return false;
	s = scalar(n);
	dash = strchr(s, '-');
	errno = 0;
	lo = strtoul(s, &end, 10);
	if (!isdigit((unsigned char)*s) || (dash ? end != dash : *end) || errno) {
		fail(l, n, "port must be a number or a range LO-HI, not '%s'", s);
		return false;
	}
	hi = lo;
	if (dash) {
		hi = strtoul(dash + 1, &end, 10);
		if (!isdigit((unsigned char)dash[1]) || *end) {
			fail(l, n, "port must be a number or a range LO-HI, not '%s'", s);
			return false;
		}
	}
	if (lo > 65535 || hi > 65535) {
		fail(l, n, "port %s is outside 0-65535", s);
		return false;
	}
	if (lo > hi) {
		fail(l, n, "port range %s is empty (%lu > %lu)", s, lo, hi);
		return false;
	}
	out[0] = (uint32_t)lo;
	out[1] = (uint32_t)hi;
	return true;
}

/* ---- flows ---- */

static const char *const flow_keys[] = {
	"hook",	     "family",	  "proto",   "saddr", "daddr",	  "sport",    "dport", "flags",
	"icmp-type", "icmp-code", "iif",     "oif",   "iifindex", "oifindex", "mark",  "ct",
	"ct-status", "ct-dir",	  "ct-mark", "len",   "frag",	  NULL,
};

/* A flow key's value: one scalar, or a list of them, as a comma list. */
static bool flow_value(struct loader *l, yaml_node_t *v, const char *key, struct strbuf *out)
{
	bool port = !strcmp(key, "sport") || !strcmp(key, "dport");

	if (v->type == YAML_SEQUENCE_NODE) {
		yaml_node_item_t *it;

		if (v->data.sequence.items.start == v->data.sequence.items.top) {
			fail(l, v, "flow key '%s' has an empty list", key);
			return false;
		}
		for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
			yaml_node_t *x = node(l, *it);
			uint32_t pr[2];

			if (!want(l, x, YAML_SCALAR_NODE, "a flow value"))
				return false;
			if (port && !get_port_range(l, x, pr))
				return false;
			if (strchr(scalar(x), ',') || strchr(scalar(x), ' ')) {
				fail(l, x, "flow value '%s' holds a comma or space", scalar(x));
				return false;
			}
			strbuf_addf(out, "%s%s", it > v->data.sequence.items.start ? "," : "",
				    scalar(x));
		}
		return true;
	}
	if (!want(l, v, YAML_SCALAR_NODE, "a flow value"))
		return false;
	if (strchr(scalar(v), ' ')) {
		fail(l, v, "flow value '%s' holds a space", scalar(v));
		return false;
	}
	if (port) {
		/* "80,443" and "!22" are reach's own syntax; check each port */
		char *copy = xstrdup(scalar(v) + (scalar(v)[0] == '!')), *tok, *save = NULL;
		bool ok = true;

		for (tok = strtok_r(copy, ",", &save); tok && ok;
		     tok = strtok_r(NULL, ",", &save)) {
			yaml_node_t fake = *v;

			fake.data.scalar.value = (yaml_char_t *)tok;
			ok = get_port_range(l, &fake, (uint32_t[2]){ 0 });
		}
		free(copy);
		if (!ok)
			return false;
	}
	strbuf_addstr(out, scalar(v));
	return true;
}

/*
 * A flow mapping into reach's "key=value ..." text and a hook. Each value
 * is checked by reach's own parser on an empty ruleset, so a flow that
 * loads is a flow reach answers.
 */
static bool load_flow(struct loader *l, yaml_node_t *map, uint32_t *hook, char **flow)
{
	struct strbuf sb = STRBUF_INIT;
	yaml_node_pair_t *p;
	const char *family = NULL;
	bool ok = true;

	*hook = NF_INET_LOCAL_IN;
	if (!want(l, map, YAML_MAPPING_NODE, "flow") || !check_keys(l, map, "flow", flow_keys))
		return false;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(l, p->key));
		yaml_node_t *v = node(l, p->value);

		if (!strcmp(k, "hook")) {
			static const char *const hooks[] = { "prerouting", "input",	  "forward",
							     "output",	   "postrouting", NULL };
			int h;

			if (!want(l, v, YAML_SCALAR_NODE, "hook"))
				ok = false;
			else if ((h = one_of(l, v, "hook", scalar(v), hooks)) < 0)
				ok = false;
			else
				*hook = (uint32_t)h;
		} else if (!strcmp(k, "family")) {
			static const char *const fams[] = { "ip", "ip6", NULL };

			if (!want(l, v, YAML_SCALAR_NODE, "family") ||
			    one_of(l, v, "family", scalar(v), fams) < 0)
				ok = false;
			else
				family = scalar(v);
		}
	}
	if (family)
		strbuf_addf(&sb, "family=%s", family);
	for (p = map->data.mapping.pairs.start; ok && p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(l, p->key));
		yaml_node_t *v = node(l, p->value);
		struct strbuf one = STRBUF_INIT, err = STRBUF_INIT;
		struct reach_result *r = NULL;
		size_t at = sb.len;

		if (!strcmp(k, "hook") || !strcmp(k, "family"))
			continue;
		strbuf_addf(&sb, "%s%s=", sb.len ? " " : "", k);
		if (!flow_value(l, v, k, &sb)) {
			ok = false;
			break;
		}
		/* check the item alone (with the family), as reach reads it */
		if (family)
			strbuf_addf(&one, "family=%s ", family);
		strbuf_addstr(&one, sb.buf + at + (at ? 1 : 0));
		if (reach_flow(l->empty, *hook, one.buf, &r, &err) < 0) {
			fail(l, v, "%s", err.buf);
			ok = false;
		}
		reach_result_free(r);
		strbuf_release(&one);
		strbuf_release(&err);
	}
	if (!ok) {
		strbuf_release(&sb);
		return false;
	}
	*flow = strbuf_detach(&sb);
	return true;
}

/* ---- sections ---- */

static bool load_links(struct loader *l, yaml_node_t *seq, struct policy *po)
{
	yaml_node_item_t *it;
	bool ok = true;

	if (!want(l, seq, YAML_SEQUENCE_NODE, "links"))
		return false;
	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *x = node(l, *it);
		char *s = get_str(l, x, "a link");

		if (!s) {
			ok = false;
			continue;
		}
		if (strpbrk(s, " \t") || !strchr(s, '#') || *s == '#') {
			fail(l, x,
			     "link '%s' is not an action item id (they look like "
			     "'incident-id#3', optionally pinned to the item's text as "
			     "'incident-id#3@HASH')",
			     s);
			free(s);
			ok = false;
			continue;
		}
		{
			struct policy_link ln = { .loc = loc_of(l, x) };
			char *at = strchr(s, '@');

			if (at) {
				size_t n = strlen(at + 1);

				*at = 0;
				if (n < 6 || n > 12 || strspn(at + 1, "0123456789abcdef") != n) {
					fail(l, x,
					     "link '%s': '%s' after '@' is not a content hash (6 "
					     "to "
					     "12 lowercase hex digits, as 'fwaudit postmortems' "
					     "prints)",
					     s, at + 1);
					free(s);
					ok = false;
					continue;
				}
				ln.hash = xstrdup(at + 1);
			}
			ln.id = s;
			po->links = xrealloc(po->links, (po->nlinks + 1) * sizeof(*po->links));
			po->links[po->nlinks++] = ln;
		}
	}
	return ok;
}

static bool load_ignores(struct loader *l, yaml_node_t *seq, struct policy *po)
{
	static const char *const keys[] = { "table", "chain", "comment", "rule", NULL };
	yaml_node_item_t *it;
	bool ok = true;

	if (!want(l, seq, YAML_SEQUENCE_NODE, "ignore"))
		return false;
	po->ignores = xcalloc(seq_len(seq) + 1, sizeof(*po->ignores));
	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *x = node(l, *it), *v;
		struct policy_ignore *ig = &po->ignores[po->nignores];

		if (!want(l, x, YAML_MAPPING_NODE, "an ignore item") ||
		    !check_keys(l, x, "ignore item", keys)) {
			ok = false;
			continue;
		}
		po->nignores++;
		ig->loc = loc_of(l, x);
		if (!x->data.mapping.pairs.top ||
		    x->data.mapping.pairs.top == x->data.mapping.pairs.start) {
			fail(l, x, "an ignore item needs table, chain, comment or rule");
			ok = false;
		}
		if ((v = get(l, x, "table")) && !(ig->table = get_str(l, v, "table")))
			ok = false;
		if ((v = get(l, x, "chain")) && !(ig->chain = get_str(l, v, "chain")))
			ok = false;
		if ((v = get(l, x, "comment"))) {
			if (!(ig->comment = get_str(l, v, "comment")) ||
			    !(ig->comment_re = compile_re(l, v, ig->comment)))
				ok = false;
		}
		if ((v = get(l, x, "rule"))) {
			if (!(ig->rule = get_str(l, v, "rule")) ||
			    !(ig->rule_re = compile_re(l, v, ig->rule)))
				ok = false;
		}
		if (ig->table && !ignore_table_valid(ig->table)) {
			fail(l, get(l, x, "table"),
			     "table must be 'NAME' or 'FAMILY NAME', not '%s'", ig->table);
			ok = false;
		}
	}
	return ok;
}

static bool load_expects(struct loader *l, yaml_node_t *seq, struct policy *po)
{
	static const char *const keys[] = { "flow", "verdict", "name", "severity", NULL };
	static const char *const verdicts[] = { "accept", "drop", NULL };
	yaml_node_item_t *it;
	bool ok = true;

	if (!want(l, seq, YAML_SEQUENCE_NODE, "expect"))
		return false;
	po->expects = xcalloc(seq_len(seq) + 1, sizeof(*po->expects));
	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *x = node(l, *it), *v;
		struct policy_expect *e = &po->expects[po->nexpects];
		int vd;

		if (!want(l, x, YAML_MAPPING_NODE, "an expect item") ||
		    !check_keys(l, x, "expect item", keys)) {
			ok = false;
			continue;
		}
		po->nexpects++;
		e->severity = -1;
		e->loc = loc_of(l, x);
		if (!(v = get(l, x, "flow"))) {
			fail(l, x, "an expect item needs a flow");
			ok = false;
		} else if (!load_flow(l, v, &e->hook, &e->flow)) {
			ok = false;
		}
		if (!(v = get(l, x, "verdict"))) {
			fail(l, x, "an expect item needs a verdict (accept or drop)");
			ok = false;
		} else if (!want(l, v, YAML_SCALAR_NODE, "verdict") ||
			   (vd = one_of(l, v, "verdict", scalar(v), verdicts)) < 0) {
			ok = false;
		} else {
			e->verdict = vd == 0 ? EVAL_ACCEPT : EVAL_DROP;
		}
		if ((v = get(l, x, "name")) && !(e->name = get_str(l, v, "name")))
			ok = false;
		if ((v = get(l, x, "severity")) && !get_severity(l, v, &e->severity))
			ok = false;
	}
	return ok;
}

static bool load_requires(struct loader *l, yaml_node_t *seq, struct policy *po)
{
	static const char *const kinds[] = { "chain", "table", "severity", NULL };
	static const char *const chain_keys[] = { "family", "table",	"name",	  "hook",
						  "type",   "priority", "policy", NULL };
	static const char *const table_keys[] = { "family", "name", NULL };
	static const char *const families[] = {
		"ip", "ip6", "inet", "arp", "bridge", "netdev", NULL
	};
	static const char *const hooks[] = { "prerouting", "input",	  "forward",
					     "output",	   "postrouting", NULL };
	static const char *const types[] = { "filter", "nat", "route", NULL };
	static const char *const policies[] = { "accept", "drop", NULL };
	yaml_node_item_t *it;
	bool ok = true;

	if (!want(l, seq, YAML_SEQUENCE_NODE, "require"))
		return false;
	po->requires = xcalloc(seq_len(seq) + 1, sizeof(*po->requires));
	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *x = node(l, *it), *body = NULL, *v;
		struct policy_require *rq = &po->requires[po->nrequires];
		bool is_chain;

		if (!want(l, x, YAML_MAPPING_NODE, "a require item") ||
		    !check_keys(l, x, "require item", kinds)) {
			ok = false;
			continue;
		}
		po->nrequires++;
		rq->hook = -1;
		rq->severity = -1;
		rq->loc = loc_of(l, x);
		if ((v = get(l, x, "severity")) && !get_severity(l, v, &rq->severity))
			ok = false;
		if ((body = get(l, x, "chain")) && get(l, x, "table")) {
			fail(l, x, "a require item names either a chain or a table");
			ok = false;
			continue;
		}
		is_chain = body != NULL;
		if (!body)
			body = get(l, x, "table");
		if (!body) {
			fail(l, x, "a require item needs chain or table");
			ok = false;
			continue;
		}
		rq->kind = xstrdup(is_chain ? "chain" : "table");
		if (!want(l, body, YAML_MAPPING_NODE, rq->kind) ||
		    !check_keys(l, body, rq->kind, is_chain ? chain_keys : table_keys)) {
			ok = false;
			continue;
		}
		if ((v = get(l, body, "family"))) {
			if (!(rq->family = get_str(l, v, "family")) ||
			    one_of(l, v, "family", rq->family, families) < 0)
				ok = false;
		}
		if ((v = get(l, body, is_chain ? "table" : "name")) &&
		    !(rq->table = get_str(l, v, "table")))
			ok = false;
		if (!is_chain)
			continue;
		if ((v = get(l, body, "name")) && !(rq->name = get_str(l, v, "name")))
			ok = false;
		if ((v = get(l, body, "hook"))) {
			if (!want(l, v, YAML_SCALAR_NODE, "hook") ||
			    (rq->hook = one_of(l, v, "hook", scalar(v), hooks)) < 0)
				ok = false;
		}
		if ((v = get(l, body, "type"))) {
			if (!(rq->type = get_str(l, v, "type")) ||
			    one_of(l, v, "chain type", rq->type, types) < 0)
				ok = false;
		}
		if ((v = get(l, body, "policy"))) {
			if (!(rq->policy = get_str(l, v, "policy")) ||
			    one_of(l, v, "chain policy", rq->policy, policies) < 0)
				ok = false;
		}
		if ((v = get(l, body, "priority"))) {
			const char *s = scalar(v);
			char *end;
			long pr;

			if (!want(l, v, YAML_SCALAR_NODE, "priority")) {
				ok = false;
				continue;
			}
			errno = 0;
			pr = strtol(s, &end, 10);
			if (!*s || *end || errno || pr < INT32_MIN || pr > INT32_MAX) {
				fail(l, v, "priority must be a whole number, not '%s'", s);
				ok = false;
			} else {
				rq->has_priority = true;
				rq->priority = (int32_t)pr;
			}
		}
	}
	return ok;
}

static bool load_detect_params(struct loader *l, yaml_node_t *params, const struct detector_info *d,
			       struct policy_detect *pd)
{
	yaml_node_t *v;
	bool ok = true;

	if (is_null(params))
		return true;
	if (!want(l, params, YAML_MAPPING_NODE, "detector parameters"))
		return false;
	{
		const char *keys[8] = { "severity" };
		size_t n = 1;
		char what[80];

		for (size_t i = 0; d->params && d->params[i] && n < 7; i++)
			keys[n++] = d->params[i];
		keys[n] = NULL;
		snprintf(what, sizeof(what), "parameters of %s", d->id);
		if (!check_keys(l, params, what, keys))
			return false;
	}
	if ((v = get(l, params, "severity")) && !get_severity(l, v, &pd->severity))
		ok = false;
	if ((v = get(l, params, "ports"))) {
		yaml_node_item_t *it;

		if (!want(l, v, YAML_SEQUENCE_NODE, "ports"))
			return false;
		pd->ports = xcalloc(
			(size_t)(v->data.sequence.items.top - v->data.sequence.items.start) + 1,
			sizeof(*pd->ports));
		for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
			if (!get_port_range(l, node(l, *it), pd->ports[pd->nports]))
				ok = false;
			else
				pd->nports++;
		}
	}
	return ok;
}

static bool load_detects(struct loader *l, yaml_node_t *seq, struct policy *po)
{
	yaml_node_item_t *it;
	bool ok = true;
	const char *ids[32];
	size_t nid = 0;

	for (size_t i = 0; detectors[i].id && nid < 31; i++)
		ids[nid++] = detectors[i].id;
	ids[nid] = NULL;
	if (!want(l, seq, YAML_SEQUENCE_NODE, "detect"))
		return false;
	po->detects = xcalloc(seq_len(seq) + 1, sizeof(*po->detects));
	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *x = node(l, *it), *idn = x, *params = NULL;
		struct policy_detect *pd = &po->detects[po->ndetects];
		const struct detector_info *d;
		int k;

		if (x->type == YAML_MAPPING_NODE) {
			if (x->data.mapping.pairs.top - x->data.mapping.pairs.start != 1) {
				fail(l, x,
				     "a detector with parameters is a mapping of one key "
				     "(the detector id)");
				ok = false;
				continue;
			}
			idn = node(l, x->data.mapping.pairs.start->key);
			params = node(l, x->data.mapping.pairs.start->value);
		}
		if (!want(l, idn, YAML_SCALAR_NODE, "a detector")) {
			ok = false;
			continue;
		}
		if ((k = one_of(l, idn, "detector", scalar(idn), ids)) < 0) {
			ok = false;
			continue;
		}
		for (size_t i = 0; i < po->ndetects; i++)
			if (!strcmp(po->detects[i].id, scalar(idn))) {
				fail(l, idn, "detector '%s' is listed twice", scalar(idn));
				ok = false;
			}
		d = &detectors[k];
		pd->id = d->id;
		pd->severity = -1;
		pd->loc = loc_of(l, idn);
		po->ndetects++;
		if (params && !load_detect_params(l, params, d, pd))
			ok = false;
	}
	return ok;
}

static bool load_assert(struct loader *l, yaml_node_t *x, struct policy_file *pf,
			struct file_assert *a)
{
	static const char *const keys[] = { "key",     "equals", "contains", "min",  "max",
					    "matches", "exists", "regex",    "must", NULL };
	static const char *const musts[] = { "match", "not-match", NULL };
	static const char *const ops[] = { "equals", "contains", "matches", "exists", NULL };
	yaml_node_t *v, *opn = NULL;
	bool ok = true;
	int nops = 0;

	if (!want(l, x, YAML_MAPPING_NODE, "an assert item") ||
	    !check_keys(l, x, "assert item", keys))
		return false;
	a->loc = loc_of(l, x);
	a->must_match = true;
	if ((v = get(l, x, "regex"))) {
		if (get(l, x, "key")) {
			fail(l, x, "an assert item has either key or regex, not both");
			return false;
		}
		for (size_t i = 0; ops[i]; i++)
			if (get(l, x, ops[i])) {
				fail(l, get(l, x, ops[i]), "'%s' goes with key, not with regex",
				     ops[i]);
				return false;
			}
		if (get(l, x, "min") || get(l, x, "max")) {
			fail(l, x, "min and max go with key, not with regex");
			return false;
		}
		a->op = AS_REGEX;
		if (!(a->value = get_str(l, v, "regex")) || !(a->re = compile_re(l, v, a->value)))
			return false;
		if ((v = get(l, x, "must"))) {
			int m;

			if (!want(l, v, YAML_SCALAR_NODE, "must") ||
			    (m = one_of(l, v, "must value", scalar(v), musts)) < 0)
				return false;
			a->must_match = m == 0;
		}
		return true;
	}
	if (!(v = get(l, x, "key"))) {
		fail(l, x, "an assert item needs key or regex");
		return false;
	}
	if (get(l, x, "must")) {
		fail(l, get(l, x, "must"), "'must' goes with regex; use exists: false for a key");
		return false;
	}
	if (pf->format == FMT_TEXT) {
		fail(l, v, "format text has no keys; use regex (or set format)");
		return false;
	}
	if (!(a->key = get_str(l, v, "key")))
		return false;
	for (size_t i = 0; ops[i]; i++)
		if ((v = get(l, x, ops[i]))) {
			nops++;
			opn = v;
			a->op = i == 0	 ? AS_EQUALS
				: i == 1 ? AS_CONTAINS
				: i == 2 ? AS_MATCHES
					 : AS_EXISTS;
		}
	if (get(l, x, "min") || get(l, x, "max")) {
		nops++;
		a->op = AS_RANGE;
		if ((v = get(l, x, "min"))) {
			a->has_min = true;
			ok &= get_number(l, v, "min", &a->min);
		}
		if ((v = get(l, x, "max"))) {
			a->has_max = true;
			ok &= get_number(l, v, "max", &a->max);
		}
		if (ok && a->has_min && a->has_max && a->min > a->max) {
			fail(l, x, "min %g is above max %g", a->min, a->max);
			ok = false;
		}
	}
	if (nops != 1) {
		fail(l, x,
		     nops ? "an assert item has one test: equals, contains, matches, "
			    "exists, or min/max"
			  : "an assert item with a key needs a test: equals, contains, "
			    "matches, exists, or min/max");
		return false;
	}
	if (!ok)
		return false;
	switch (a->op) {
	case AS_EQUALS:
	case AS_CONTAINS:
		return (a->value = get_str(l, opn, a->op == AS_EQUALS ? "equals" : "contains"));
	case AS_MATCHES:
		return (a->value = get_str(l, opn, "matches")) &&
		       (a->re = compile_re(l, opn, a->value));
	case AS_EXISTS:
		return get_bool(l, opn, "exists", &a->must_match);
	default:
		return true;
	}
}

static bool load_files(struct loader *l, yaml_node_t *seq, struct policy *po)
{
	static const char *const keys[] = { "path",   "must_exist", "owner",
					    "group",  "max_mode",   "sha256",
					    "format", "max_size",   "follow_symlinks",
					    "assert", "severity",   NULL };
	static const char *const formats[] = { "text", "keyvalue", "ini", "yaml",
					       "json", "nginx",	   NULL };
	yaml_node_item_t *it;
	bool ok = true;

	if (!want(l, seq, YAML_SEQUENCE_NODE, "files"))
		return false;
	po->files = xcalloc(seq_len(seq) + 1, sizeof(*po->files));
	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *x = node(l, *it), *v;
		struct policy_file *pf = &po->files[po->nfiles];
		if (!want(l, x, YAML_MAPPING_NODE, "a files item") ||
		    !check_keys(l, x, "files item", keys)) {
			ok = false;
			continue;
		}
		po->nfiles++;
		pf->must_exist = true;
		pf->max_mode = -1;
		pf->severity = -1;
		pf->max_size = 1u << 20;
		pf->loc = loc_of(l, x);
		if (!(v = get(l, x, "path"))) {
			fail(l, x, "a files item needs a path");
			ok = false;
		} else if (!(pf->path = get_str(l, v, "path"))) {
			ok = false;
		} else if (pf->path[0] != '/') {
			fail(l, v, "path must be absolute, not '%s'", pf->path);
			ok = false;
		}
		if ((v = get(l, x, "must_exist")) && !get_bool(l, v, "must_exist", &pf->must_exist))
			ok = false;
		if ((v = get(l, x, "follow_symlinks")) &&
		    !get_bool(l, v, "follow_symlinks", &pf->follow_symlinks))
			ok = false;
		if ((v = get(l, x, "owner")) && !(pf->owner = get_str(l, v, "owner")))
			ok = false;
		if ((v = get(l, x, "group")) && !(pf->group = get_str(l, v, "group")))
			ok = false;
		if ((v = get(l, x, "severity")) && !get_severity(l, v, &pf->severity))
			ok = false;
		if ((v = get(l, x, "max_size"))) {
			if (!get_uint(l, v, "max_size", 1ull << 30, &pf->max_size))
				ok = false;
		}
		if ((v = get(l, x, "max_mode"))) {
			const char *s = scalar(v);
			char *end;

			if (!want(l, v, YAML_SCALAR_NODE, "max_mode")) {
				ok = false;
			} else {
				unsigned long m = strtoul(s, &end, 8);

				if (!*s || *end || m > 07777) {
					fail(l, v,
					     "max_mode must be octal permission bits like "
					     "\"0644\", not '%s'",
					     s);
					ok = false;
				} else {
					pf->max_mode = (int)m;
				}
			}
		}
		if ((v = get(l, x, "sha256"))) {
			if (!(pf->sha256 = get_str(l, v, "sha256"))) {
				ok = false;
			} else {
				size_t n = strlen(pf->sha256);
				bool hex = n == 64;

				for (size_t i = 0; hex && i < n; i++) {
					pf->sha256[i] = (char)tolower((unsigned char)pf->sha256[i]);
					hex = isxdigit((unsigned char)pf->sha256[i]);
				}
				if (!hex) {
					fail(l, v, "sha256 must be 64 hex digits");
					ok = false;
				}
			}
		}
		if ((v = get(l, x, "format"))) {
			int f;

			if (!want(l, v, YAML_SCALAR_NODE, "format") ||
			    (f = one_of(l, v, "format", scalar(v), formats)) < 0)
				ok = false;
			else
				pf->format = (enum file_format)f;
		}
		if ((v = get(l, x, "assert"))) {
			yaml_node_item_t *ai;

			if (!want(l, v, YAML_SEQUENCE_NODE, "assert")) {
				ok = false;
				continue;
			}
			pf->asserts = xcalloc(seq_len(v) + 1, sizeof(*pf->asserts));
			for (ai = v->data.sequence.items.start; ai < v->data.sequence.items.top;
			     ai++) {
				if (!load_assert(l, node(l, *ai), pf, &pf->asserts[pf->nasserts]))
					ok = false;
				pf->nasserts++;
			}
		}
	}
	return ok;
}

/* ---- documents ---- */

static bool id_valid(const char *s)
{
	if (!isalnum((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return false;
	return true;
}

/* "watch:": files the scan captures and diffs, with nothing asserted. */
static bool load_watch(struct loader *l, yaml_node_t *seq, struct policy *po)
{
	yaml_node_item_t *it;
	bool ok = true;

	if (!want(l, seq, YAML_SEQUENCE_NODE, "watch"))
		return false;
	po->watch = xcalloc(seq_len(seq) + 1, sizeof(*po->watch));
	for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
		yaml_node_t *x = node(l, *it);
		char *path = get_str(l, x, "a watch item");

		if (!path) {
			ok = false;
		} else if (path[0] != '/') {
			fail(l, x, "watch path must be absolute, not '%s'", path);
			free(path);
			ok = false;
		} else {
			po->watch[po->nwatch++] = path;
		}
	}
	return ok;
}

static struct policy *load_policy(struct loader *l, yaml_node_t *root)
{
	static const char *const keys[] = { "policy", "title",	"description", "severity",
					    "links",  "ignore", "expect",      "require",
					    "detect", "files",	"watch",       NULL };
	struct policy *po = xcalloc(1, sizeof(*po));
	unsigned before = l->nerr;
	yaml_node_t *v;
	int sev = SEV_HIGH;

	po->loc = loc_of(l, root);
	if (!want(l, root, YAML_MAPPING_NODE, "a policy document"))
		goto out;
	check_keys(l, root, "policy", keys);
	if (!(v = get(l, root, "policy"))) {
		fail(l, root, "missing key 'policy' (the policy's id)");
	} else if ((po->id = get_str(l, v, "policy")) && !id_valid(po->id)) {
		fail(l, v, "policy id '%s' may hold only letters, digits, '.', '_' and '-'",
		     po->id);
	}
	if ((v = get(l, root, "title")))
		po->title = get_str(l, v, "title");
	if ((v = get(l, root, "description")))
		po->description = get_str(l, v, "description");
	if ((v = get(l, root, "severity")))
		get_severity(l, v, &sev);
	po->severity = (enum severity)sev;
	if ((v = get(l, root, "links")))
		load_links(l, v, po);
	if ((v = get(l, root, "ignore")))
		load_ignores(l, v, po);
	if ((v = get(l, root, "expect")))
		load_expects(l, v, po);
	if ((v = get(l, root, "require")))
		load_requires(l, v, po);
	if ((v = get(l, root, "detect")))
		load_detects(l, v, po);
	if ((v = get(l, root, "files")))
		load_files(l, v, po);
	if ((v = get(l, root, "watch")))
		load_watch(l, v, po);
	if (l->nerr == before && !po->nexpects && !po->nrequires && !po->ndetects && !po->nfiles &&
	    !po->nwatch)
		fail(l, root,
		     "policy '%s' checks nothing (no expect, require, detect, files or watch)",
		     po->id ? po->id : "?");
out:
	if (l->nerr != before) {
		policy_free(po);
		return NULL;
	}
	if (!po->title)
		po->title = xstrdup(po->id);
	return po;
}

static int error_cmp(const void *a, const void *b)
{
	const struct load_error *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const char *set_file_name(struct policy_set *ps, const char *name)
{
	ps->files = xrealloc(ps->files, (ps->nfiles + 1) * sizeof(*ps->files));
	ps->files[ps->nfiles] = xstrdup(name);
	return ps->files[ps->nfiles++];
}

int policy_load_buffer(struct policy_set *ps, const char *name, const char *buf, size_t len,
		       struct strbuf *err)
{
	struct loader l = { 0 };
	yaml_parser_t parser;
	struct policy **got = NULL;
	size_t ngot = 0, ndocs = 0;
	bool done = false;

	l.file = set_file_name(ps, name);
	if (len > MAX_POLICY_BYTES) {
		strbuf_addf(err, "%s:1:1: file is larger than %u bytes\n", name, MAX_POLICY_BYTES);
		return -EINVAL;
	}
	if (!utf8_check(name, buf, len, err))
		return -EINVAL;
	l.empty = ruleset_new();
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done) {
		yaml_document_t doc;
		yaml_node_t *root;

		if (!yaml_parser_load(&parser, &doc)) {
			const yaml_mark_t *m =
				parser.problem ? &parser.problem_mark : &parser.context_mark;

			fail_at(&l, m, "YAML syntax error: %s%s%s",
				parser.problem ? parser.problem : "unknown error",
				parser.context ? " " : "", parser.context ? parser.context : "");
			break;
		}
		l.doc = &doc;
		root = yaml_document_get_root_node(&doc);
		if (!root) {
			done = true;
		} else {
			struct policy *po;

			ndocs++;
			if (is_null(root)) {
				fail(&l, root, "empty policy document");
			} else if ((po = load_policy(&l, root))) {
				got = xrealloc(got, (ngot + 1) * sizeof(*got));
				got[ngot++] = po;
			}
		}
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	ruleset_free(l.empty);
	if (l.nerrs) {
		qsort(l.errs, l.nerrs, sizeof(*l.errs), error_cmp);
		for (size_t i = 0; i < l.nerrs; i++) {
			strbuf_addstr(err, l.errs[i].text);
			free(l.errs[i].text);
		}
		free(l.errs);
	}
	if (!l.nerr && !ndocs)
		strbuf_addf(err, "%s:1:1: empty policy file\n", name), l.nerr++;
	if (l.nerr) {
		for (size_t i = 0; i < ngot; i++)
			policy_free(got[i]);
		free(got);
		return -EINVAL;
	}
	ps->v = xrealloc(ps->v, (ps->n + ngot + 1) * sizeof(*ps->v));
	memcpy(ps->v + ps->n, got, ngot * sizeof(*got));
	ps->n += ngot;
	free(got);
	return 0;
}

static bool policy_name(const char *n)
{
	size_t len = strlen(n);

	if (n[0] == '.')
		return false;
	return (len > 5 && !strcmp(n + len - 5, ".yaml")) ||
	       (len > 4 && !strcmp(n + len - 4, ".yml"));
}

static int load_one(struct policy_set *ps, const char *path, struct strbuf *err)
{
	char *text = NULL;
	size_t len = 0;
	int ret = read_file(path, &text, &len);

	if (ret < 0) {
		strbuf_addf(err, "%s: %s\n", path, strerror(-ret));
		return ret;
	}
	ret = policy_load_buffer(ps, path, text, len, err);
	free(text);
	return ret;
}

int policy_load_path(struct policy_set *ps, const char *path, struct strbuf *err)
{
	struct stat st;
	char **names = NULL;
	size_t n = 0;
	int ret = 0;

	if (stat(path, &st) < 0) {
		strbuf_addf(err, "%s: %s\n", path, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(st.st_mode))
		return load_one(ps, path, err);
	if ((ret = dir_list(path, &names, &n)) < 0) {
		strbuf_addf(err, "%s: %s\n", path, strerror(-ret));
		return ret;
	}
	for (size_t i = 0; i < n; i++) {
		int r = policy_name(strrchr(names[i], '/') + 1) ? load_one(ps, names[i], err) : 0;

		if (r < 0 && !ret)
			ret = r;
		free(names[i]);
	}
	free(names);
	return ret;
}

int policy_set_validate(const struct policy_set *ps, struct strbuf *err)
{
	int ret = 0;

	for (size_t i = 0; i < ps->n; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(ps->v[i]->id, ps->v[j]->id)) {
				strbuf_addf(err,
					    "%s:%u:%u: duplicate policy id '%s' (first defined at "
					    "%s:%u:%u)\n",
					    ps->v[i]->loc.file, ps->v[i]->loc.line,
					    ps->v[i]->loc.col, ps->v[i]->id, ps->v[j]->loc.file,
					    ps->v[j]->loc.line, ps->v[j]->loc.col);
				ret = -EINVAL;
				break;
			}
	return ret;
}

struct policy_set *policy_set_new(void)
{
	return xcalloc(1, sizeof(struct policy_set));
}

void policy_set_free(struct policy_set *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		policy_free(ps->v[i]);
	for (size_t i = 0; i < ps->nfiles; i++)
		free(ps->files[i]);
	free(ps->files);
	free(ps->v);
	free(ps);
}
