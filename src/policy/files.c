// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Watched files against a policy's files: items. YAML and JSON configs are
 * read here because libyaml lives in this module (JSON is read as the YAML
 * it is); the other formats come from files/.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "fwaudit/files.h"
#include "fwaudit/model.h"
#include "fwaudit/policy.h"
#include "fwaudit/util.h"
#include "policy_internal.h"

/* Flatten a YAML node into dotted keys; a list's items share its key. */
static void yaml_flatten(yaml_document_t *doc, yaml_node_t *n, struct strbuf *key, struct conf *out,
			 int depth)
{
	size_t at = key->len;

	if (!n || depth > 64)
		return;
	switch (n->type) {
	case YAML_SCALAR_NODE:
		conf_add(out, key->buf ? key->buf : "", (const char *)n->data.scalar.value,
			 n->data.scalar.length, (uint32_t)n->start_mark.line + 1);
		break;
	case YAML_SEQUENCE_NODE:
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++)
			yaml_flatten(doc, yaml_document_get_node(doc, *it), key, out, depth + 1);
		break;
	case YAML_MAPPING_NODE:
		for (yaml_node_pair_t *p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);

			if (!k || k->type != YAML_SCALAR_NODE)
				continue;
			if (key->len)
				strbuf_addch(key, '.');
			strbuf_add(key, k->data.scalar.value, k->data.scalar.length);
			yaml_flatten(doc, yaml_document_get_node(doc, p->value), key, out,
				     depth + 1);
			strbuf_truncate(key, at);
		}
		break;
	default:
		break;
	}
}

static int conf_parse_yaml(const char *text, size_t len, struct conf *out, struct strbuf *err)
{
	yaml_parser_t parser;
	int ret = 0;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	for (;;) {
		yaml_document_t doc;
		yaml_node_t *root;
		struct strbuf key = STRBUF_INIT;

		if (!yaml_parser_load(&parser, &doc)) {
			strbuf_addf(err, "%zu:%zu: %s", parser.problem_mark.line + 1,
				    parser.problem_mark.column + 1,
				    parser.problem ? parser.problem : "syntax error");
			ret = -EINVAL;
			break;
		}
		root = yaml_document_get_root_node(&doc);
		if (!root) {
			yaml_document_delete(&doc);
			break;
		}
		yaml_flatten(&doc, root, &key, out, 0);
		strbuf_release(&key);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	return ret;
}

static int conf_parse(enum file_format fmt, const char *text, size_t len, struct conf *out,
		      struct strbuf *err)
{
	switch (fmt) {
	case FMT_KEYVALUE:
		return conf_parse_keyvalue(text, len, out, err);
	case FMT_INI:
		return conf_parse_ini(text, len, out, err);
	case FMT_NGINX:
		return conf_parse_nginx(text, len, out, err);
	case FMT_YAML:
	case FMT_JSON:
		return conf_parse_yaml(text, len, out, err);
	default:
		return 0;
	}
}

static struct finding *file_finding(struct findings *out, const struct policy *po,
				    const struct policy_file *pf, uint32_t line, const char *extra)
{
	struct finding *f = finding_add(out, po, "file", pf->severity);

	f->subject.kind = SUBJ_FILE;
	f->subject.path = xstrdup(pf->path);
	f->subject.line = line;
	f->loc = pf->loc;
	finding_set_id(f, extra);
	return f;
}

static bool id_matches(const char *want, unsigned long id, bool user)
{
	char *end;
	unsigned long n = strtoul(want, &end, 10);

	if (*want && !*end)
		return n == id;
	if (user) {
		struct passwd *pw = getpwuid((uid_t)id);

		return pw && !strcmp(pw->pw_name, want);
	}
	{
		struct group *gr = getgrgid((gid_t)id);

		return gr && !strcmp(gr->gr_name, want);
	}
}

/* Line number (1-based) of byte offset @off. */
static uint32_t line_of(const char *text, size_t off)
{
	uint32_t line = 1;

	for (size_t i = 0; i < off; i++)
		line += text[i] == '\n';
	return line;
}

/* A regex over the lines: the first matching line (1-based), or 0. */
static uint32_t first_match(const struct watched_file *fc, const regex_t *re, char **text)
{
	const char *p = fc->content, *end = fc->content + fc->len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *ln = xstrndup(p, n);

		if (!regexec(re, ln, 0, NULL, 0)) {
			*text = ln;
			return line_of(fc->content, (size_t)(p - fc->content));
		}
		free(ln);
		p += n + 1;
	}
	return 0;
}

static void check_assert(const struct policy *po, const struct policy_file *pf,
			 const struct file_assert *a, const struct watched_file *fc,
			 const struct conf *conf, struct findings *out)
{
	struct finding *f;
	size_t found = 0, ok = 0;
	const struct conf_entry *bad = NULL;
	char extra[32];

	snprintf(extra, sizeof(extra), "assert%u", a->loc.line);
	if (a->op == AS_REGEX) {
		char *text = NULL;
		uint32_t line = first_match(fc, a->re, &text);

		if (a->must_match && !line) {
			f = file_finding(out, po, pf, 0, extra);
			f->message = xasprintf("no line matches /%s/", a->value);
		} else if (!a->must_match && line) {
			f = file_finding(out, po, pf, line, extra);
			f->message = xasprintf("line %u matches /%s/, which must not match", line,
					       a->value);
			evidence_add_line(&f->evidence, pf->path, line, xstrdup(text));
		} else {
			f = NULL;
		}
		if (f)
			f->loc = a->loc;
		free(text);
		return;
	}
	for (size_t i = 0; i < conf->n; i++) {
		const struct conf_entry *e = &conf->v[i];
		bool pass = false;

		if (strcmp(e->key, a->key))
			continue;
		found++;
		switch (a->op) {
		case AS_EQUALS:
			pass = !strcmp(e->value, a->value);
			break;
		case AS_CONTAINS:
			pass = strstr(e->value, a->value) != NULL;
			break;
		case AS_MATCHES:
			pass = !regexec(a->re, e->value, 0, NULL, 0);
			break;
		case AS_RANGE: {
			char *end;
			double v = strtod(e->value, &end);

			pass = *e->value && !*end && (!a->has_min || v >= a->min) &&
			       (!a->has_max || v <= a->max);
			break;
		}
		default:
			pass = true;
		}
		if (pass)
			ok++;
		else if (!bad)
			bad = e;
	}
	if (a->op == AS_EXISTS) {
		if (a->must_match == (found > 0))
			return;
		f = file_finding(out, po, pf, found ? conf->v[0].line : 0, extra);
		for (size_t i = 0; found && i < conf->n; i++)
			if (!strcmp(conf->v[i].key, a->key)) {
				f->subject.line = conf->v[i].line;
				break;
			}
		f->message = found ? xasprintf("key %s is set, and must not be", a->key)
				   : xasprintf("key %s is not set", a->key);
		f->loc = a->loc;
		return;
	}
	if (!found) {
		f = file_finding(out, po, pf, 0, extra);
		f->message = xasprintf("key %s is not set", a->key);
		f->loc = a->loc;
		return;
	}
	/* a range holds for every occurrence; the others for at least one */
	if (a->op == AS_RANGE ? !bad : ok > 0)
		return;
	f = file_finding(out, po, pf, bad->line, extra);
	switch (a->op) {
	case AS_EQUALS:
		f->message = xasprintf("%s is '%s', must equal '%s'", a->key, bad->value, a->value);
		break;
	case AS_CONTAINS:
		f->message =
			xasprintf("%s is '%s', must contain '%s'", a->key, bad->value, a->value);
		break;
	case AS_MATCHES:
		f->message = xasprintf("%s is '%s', must match /%s/", a->key, bad->value, a->value);
		break;
	default:
		if (a->has_min && a->has_max)
			f->message = xasprintf("%s is %s, must be between %g and %g", a->key,
					       bad->value, a->min, a->max);
		else if (a->has_min)
			f->message = xasprintf("%s is %s, must be at least %g", a->key, bad->value,
					       a->min);
		else
			f->message = xasprintf("%s is %s, must be at most %g", a->key, bad->value,
					       a->max);
	}
	evidence_add_line(&f->evidence, pf->path, bad->line,
			  xasprintf("%s = %s", bad->key, bad->value));
	f->loc = a->loc;
}

void check_file(const struct policy *po, const struct policy_file *pf, const struct ruleset *rs,
		const struct check_opts *opts, struct findings *out)
{
	const struct watched_file *fc = rs->has_files ? ruleset_find_file(rs, pf->path) : NULL;
	struct ruleset *scratch = NULL;
	struct conf conf = { 0 };
	struct strbuf err = STRBUF_INIT;
	struct finding *f;

	/* a snapshot carries its files; otherwise read the file now */
	if (!fc) {
		scratch = ruleset_new();
		fc = watched_file_capture(scratch, opts ? opts->root : NULL, pf->path,
					  pf->follow_symlinks, pf->max_size);
	}
	if (!fc->exists) {
		if (pf->must_exist) {
			f = file_finding(out, po, pf, 0, "missing");
			f->message = xstrdup("file does not exist");
		}
		goto out;
	}
	if (fc->error) {
		f = file_finding(out, po, pf, 0, "unreadable");
		f->message = fc->symlink && fc->target
				     ? xasprintf("%s (to %s); set follow_symlinks: true to check "
						 "its target",
						 fc->error, fc->target)
				     : xasprintf("cannot be checked: %s", fc->error);
		goto out;
	}
	if (pf->owner && !id_matches(pf->owner, fc->uid, true)) {
		f = file_finding(out, po, pf, 0, "owner");
		f->message = xasprintf("owned by uid %u, must be owned by %s", (unsigned)fc->uid,
				       pf->owner);
	}
	if (pf->group && !id_matches(pf->group, fc->gid, false)) {
		f = file_finding(out, po, pf, 0, "group");
		f->message = xasprintf("group is gid %u, must be %s", (unsigned)fc->gid, pf->group);
	}
	if (pf->max_mode >= 0 && (fc->mode & 07777 & ~(unsigned)pf->max_mode)) {
		f = file_finding(out, po, pf, 0, "mode");
		f->message = xasprintf("mode %04o allows more than %04o", fc->mode & 07777,
				       (unsigned)pf->max_mode);
	}
	if (pf->sha256 && strcmp(pf->sha256, fc->sha256)) {
		f = file_finding(out, po, pf, 0, "sha256");
		f->message =
			xasprintf("content differs from the pinned sha256 (now %s)", fc->sha256);
	}
	if (!pf->nasserts)
		goto out;
	if (fc->truncated) {
		f = file_finding(out, po, pf, 0, "size");
		f->message = xasprintf("larger than max_size (%llu bytes); assertions not checked",
				       (unsigned long long)pf->max_size);
		goto out;
	}
	if (fc->binary || !fc->content) {
		f = file_finding(out, po, pf, 0, "parse");
		f->message = xstrdup("not UTF-8 text; assertions not checked");
		goto out;
	}
	if (conf_parse(pf->format, fc->content, fc->len, &conf, &err) < 0) {
		f = file_finding(out, po, pf, (uint32_t)strtoul(err.buf, NULL, 10), "parse");
		f->message = xasprintf("cannot be read as %s: %s",
				       (const char *[]){ "text", "keyvalue", "ini", "yaml", "json",
							 "nginx" }[pf->format],
				       err.buf);
		goto out;
	}
	for (size_t i = 0; i < pf->nasserts; i++)
		check_assert(po, pf, &pf->asserts[i], fc, &conf, out);
out:
	conf_release(&conf);
	strbuf_release(&err);
	ruleset_free(scratch);
}
