// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What every command that checks shares: --policies, --postmortems and
 * --fail-on, loading the policies, finding and reading the postmortems,
 * and linking the two.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fwaudit/cmd.h"
#include "fwaudit/policy.h"
#include "fwaudit/postmortem.h"
#include "fwaudit/util.h"

#define SITE_POLICYDIR	   "/etc/fwaudit/policies.d"
#define SITE_POSTMORTEMDIR "/etc/fwaudit/postmortems"

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int policies_load(const char *cmd, char **paths, size_t npaths, struct policy_set **out)
{
	struct policy_set *ps = policy_set_new();
	struct strbuf err = STRBUF_INIT;
	int ret = 0;

	if (!npaths) {
		/* the shipped set, then the site's own */
		const char *const defaults[] = { shipped_policydir(), SITE_POLICYDIR };

		for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
			if (is_dir(defaults[i]) && policy_load_path(ps, defaults[i], &err) < 0)
				ret = -EINVAL;
	}
	for (size_t i = 0; i < npaths; i++)
		if (policy_load_path(ps, paths[i], &err) < 0)
			ret = -EINVAL;
	if (!ret && policy_set_validate(ps, &err) < 0)
		ret = -EINVAL;
	if (!ret && !ps->n) {
		strbuf_addf(&err,
			    "%s: no policies (give --policies DIR or policy files; looked in "
			    "%s and %s)\n",
			    cmd, shipped_policydir(), SITE_POLICYDIR);
		ret = -ENOENT;
	}
	if (ret < 0) {
		fputs(err.buf, stderr);
		strbuf_release(&err);
		policy_set_free(ps);
		return EXIT_ERROR;
	}
	strbuf_release(&err);
	*out = ps;
	return 0;
}

int policy_opt(const char *cmd, struct policy_opts *po, int c, const char *arg)
{
	switch (c) {
	case 'P':
		path_push(&po->paths, &po->npaths, arg);
		return 1;
	case 'M':
		path_push(&po->mpaths, &po->nmpaths, arg);
		return 1;
	case 'F':
		return fail_on_opt(cmd, arg, &po->fail_on) ? -1 : 1;
	default:
		return 0;
	}
}

size_t policy_dirs(char **paths, size_t npaths, char ***out)
{
	const char *const defaults[] = { shipped_policydir(), SITE_POLICYDIR };
	size_t n = 0;

	*out = NULL;
	if (!npaths) {
		*out = xcalloc(ARRAY_SIZE(defaults), sizeof(**out));
		for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
			(*out)[n++] = xstrdup(defaults[i]);
		return n;
	}
	*out = xcalloc(npaths, sizeof(**out));
	for (size_t i = 0; i < npaths; i++) {
		const char *slash = strrchr(paths[i], '/');

		if (is_dir(paths[i]))
			(*out)[n++] = xstrdup(paths[i]);
		else if (slash)
			(*out)[n++] = xstrndup(paths[i], (size_t)(slash - paths[i]) ?: 1);
		else
			(*out)[n++] = xstrdup(".");
	}
	return n;
}

int policy_opts_load(const char *cmd, const struct policy_opts *po, struct policy_set **ps,
		     struct postmortem_index **ix)
{
	char **dirs = NULL;
	size_t ndirs;

	/* policies first: a bad policy stops the run before anything is read */
	if (policies_load(cmd, po->paths, po->npaths, ps))
		return EXIT_ERROR;
	ndirs = policy_dirs(po->paths, po->npaths, &dirs);
	postmortems_load(cmd, po->mpaths, po->nmpaths, dirs, ndirs, ix, NULL);
	postmortems_link(*ix, *ps);
	for (size_t i = 0; i < ndirs; i++)
		free(dirs[i]);
	free(dirs);
	return 0;
}

void policy_opts_release(struct policy_opts *po)
{
	free(po->paths);
	free(po->mpaths);
	po->paths = po->mpaths = NULL;
	po->npaths = po->nmpaths = 0;
}

/* Load @path once (by its real path) into @ix; *skipped counts bad documents. */
static int load_once(struct postmortem_index *ix, const char *path, char ***seen, size_t *nseen,
		     size_t *skipped, struct strbuf *err)
{
	char *real = realpath(path, NULL);
	int r;

	for (size_t i = 0; real && i < *nseen; i++)
		if (!strcmp((*seen)[i], real)) {
			free(real);
			return 0;
		}
	if (real) {
		*seen = xrealloc(*seen, (*nseen + 1) * sizeof(**seen));
		(*seen)[(*nseen)++] = real;
	}
	r = postmortem_load_path(ix, path, err);
	if (r < 0) {
		/* the message names the path; the audit goes on without it */
		(*skipped)++;
		return r;
	}
	*skipped += (size_t)r;
	return 0;
}

/*
 * The postmortems/ folder of a policy directory @dir, else the one beside
 * it (DIR/../postmortems: /etc/fwaudit/policies.d and /etc/fwaudit/
 * postmortems, /usr/share/fwaudit/policies and .../postmortems, or
 * policies/examples and policies/postmortems in a checkout). NULL if none.
 */
static char *postmortems_near(const char *dir)
{
	char *p = xasprintf("%s/postmortems", dir);

	if (is_dir(p))
		return p;
	free(p);
	p = xasprintf("%s/../postmortems", dir);
	if (is_dir(p))
		return p;
	free(p);
	return NULL;
}

size_t postmortems_read(char **paths, size_t npaths, char **near, size_t nnear,
			struct postmortem_index *ix, struct strbuf *err)
{
	char **seen = NULL;
	size_t nskipped = 0, nseen = 0;

	if (!npaths) {
		/* the shipped postmortems (the shipped policies link to them), the
		 * site's own, then those where the policies are */
		const char *const defaults[] = { shipped_postmortemdir(), SITE_POSTMORTEMDIR };

		for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
			if (is_dir(defaults[i]))
				load_once(ix, defaults[i], &seen, &nseen, &nskipped, err);
		for (size_t i = 0; i < nnear; i++) {
			char *dir = postmortems_near(near[i]);

			if (dir)
				load_once(ix, dir, &seen, &nseen, &nskipped, err);
			free(dir);
		}
	}
	for (size_t i = 0; i < npaths; i++)
		load_once(ix, paths[i], &seen, &nseen, &nskipped, err);
	for (size_t i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	return nskipped;
}

int postmortems_load(const char *cmd, char **paths, size_t npaths, char **near, size_t nnear,
		     struct postmortem_index **out, size_t *skipped)
{
	struct postmortem_index *ix = postmortem_index_new();
	struct strbuf err = STRBUF_INIT;
	size_t nskipped = postmortems_read(paths, npaths, near, nnear, ix, &err);

	if (skipped)
		*skipped = nskipped;
	/* a bad or missing document is reported and skipped; the others still count */
	if (err.len) {
		const char *p = err.buf;

		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);

			fprintf(stderr, "%s: %.*s\n", cmd, (int)n, p);
			p += n + (nl != NULL);
		}
	}
	strbuf_release(&err);
	*out = ix;
	return 0;
}

size_t postmortems_link(const struct postmortem_index *ix, struct policy_set *ps)
{
	struct strbuf err = STRBUF_INIT;
	int n = postmortem_link(ix, ps, &err);

	fputs(err.buf ?: "", stderr);
	strbuf_release(&err);
	return (size_t)n;
}
