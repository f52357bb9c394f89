// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A unified diff of two texts: Myers' O(ND) shortest edit script over lines
 * ("An O(ND) Difference Algorithm and Its Variations", 1986), forward with
 * the V array of every step kept for the backtrack, then hunks with context
 * as diff -u prints them. Config files are small and change a little, so
 * D stays small; past a limit on D the whole text is one replacement.
 */
#include <stdlib.h>
#include <string.h>

#include "fwaudit/files.h"
#include "fwaudit/util.h"

#define MAX_EDITS 2000

struct lines {
	const char **p; /* start of each line */
	size_t *len;	/* without its '\n' */
	size_t n;
	bool last_nl; /* the text ends with '\n' */
};

static void split(const char *text, size_t size, struct lines *l)
{
	size_t cap = 0;

	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < size;) {
		const char *nl = memchr(text + i, '\n', size - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : size - i;

		if (l->n == cap) {
			cap = cap ? cap * 2 : 64;
			l->p = xrealloc(l->p, cap * sizeof(*l->p));
			l->len = xrealloc(l->len, cap * sizeof(*l->len));
		}
		l->p[l->n] = text + i;
		l->len[l->n++] = n;
		i += n + (nl != NULL);
	}
	l->last_nl = !size || text[size - 1] == '\n';
}

/* Equal lines, counting a missing last newline as a difference (diff -u). */
static bool same(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	bool a_open = i == a->n - 1 && !a->last_nl, b_open = j == b->n - 1 && !b->last_nl;

	return a->len[i] == b->len[j] && a_open == b_open && !memcmp(a->p[i], b->p[j], a->len[i]);
}

enum edit_op {
	OP_KEEP,
	OP_DEL,
	OP_ADD,
};

/*
 * The edit script as one op per line of the result of merging a and b, or
 * -1 when it needs more than MAX_EDITS edits.
 */
static int myers(const struct lines *a, const struct lines *b, unsigned char **ops, size_t *nops)
{
	long n = (long)a->n, m = (long)b->n, max = n + m, off = max + 1, d, k, x, y;
	long **trace = NULL, *v;
	size_t cap = 0;
	int ret = -1;

	v = xcalloc((size_t)(2 * off + 1), sizeof(*v));
	for (d = 0; d <= max && d <= MAX_EDITS; d++) {
		bool done = false;

		for (k = -d; k <= d && !done; k += 2) {
			if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				x = v[off + k + 1]; /* down: an insertion */
			else
				x = v[off + k - 1] + 1; /* right: a deletion */
			y = x - k;
			while (x < n && y < m && same(a, (size_t)x, b, (size_t)y))
				x++, y++;
			v[off + k] = x;
			done = x >= n && y >= m;
		}
		/* keep diagonals -d..d of this step: O(D^2) memory, not O(D(N+M)) */
		trace = xrealloc(trace, (size_t)(d + 1) * sizeof(*trace));
		trace[d] = xmalloc((size_t)(2 * d + 1) * sizeof(*v));
		memcpy(trace[d], v + off - d, (size_t)(2 * d + 1) * sizeof(*v));
		if (done)
			goto found;
	}
	d--;
	goto out;
found:
	/* backtrack from (n, m), collecting ops in reverse */
	*nops = 0;
	*ops = NULL;
	x = n, y = m;
	for (long dd = d; dd >= 0; dd--) {
		long pk, px, py;

		k = x - y;
		if (dd == 0)
			pk = 0;
		else if (k == -dd ||
			 (k != dd && trace[dd - 1][k - 1 + dd - 1] < trace[dd - 1][k + 1 + dd - 1]))
			pk = k + 1;
		else
			pk = k - 1;
		px = dd ? trace[dd - 1][pk + dd - 1] : 0;
		py = px - pk;
		while (x > px && y > py) {
			GROW(*ops, *nops, cap);
			(*ops)[(*nops)++] = OP_KEEP;
			x--, y--;
		}
		if (dd) {
			GROW(*ops, *nops, cap);
			(*ops)[(*nops)++] = x == px ? OP_ADD : OP_DEL;
		}
		x = px, y = py;
	}
	for (size_t i = 0; i < *nops / 2; i++) {
		unsigned char t = (*ops)[i];

		(*ops)[i] = (*ops)[*nops - 1 - i];
		(*ops)[*nops - 1 - i] = t;
	}
	ret = 0;
out:
	for (long i = 0; i <= d && trace; i++)
		free(trace[i]);
	free(trace);
	free(v);
	return ret;
}

/* "a,b" as diff -u writes a range: start line and count, "0,0" when empty. */
static void range(struct strbuf *out, size_t start, size_t count)
{
	if (count == 1)
		strbuf_addf(out, "%zu", start + 1);
	else
		strbuf_addf(out, "%zu,%zu", count ? start + 1 : start, count);
}

static void line_out(struct strbuf *out, char sign, const struct lines *l, size_t i)
{
	strbuf_addch(out, sign);
	strbuf_add(out, l->p[i], l->len[i]);
	strbuf_addch(out, '\n');
	if (i == l->n - 1 && !l->last_nl)
		strbuf_addstr(out, "\\ No newline at end of file\n");
}

int diff_unified(const char *a_name, const char *a, size_t alen, const char *b_name, const char *b,
		 size_t blen, unsigned context, struct strbuf *out)
{
	struct lines la, lb;
	unsigned char *ops = NULL;
	size_t nops = 0, i;
	int ret = 0;

	split(a, alen, &la);
	split(b, blen, &lb);
	if (myers(&la, &lb, &ops, &nops) < 0) {
		/* too different for a line diff worth reading: replace it all */
		nops = la.n + lb.n;
		ops = xmalloc(nops + 1);
		memset(ops, OP_DEL, la.n);
		memset(ops + la.n, OP_ADD, lb.n);
	}
	for (i = 0; i < nops && ops[i] == OP_KEEP; i++)
		;
	if (i == nops)
		goto out; /* the same */
	ret = 1;
	strbuf_addf(out, "--- %s\n+++ %s\n", a_name, b_name);
	/* walk the ops; a hunk spans changes closer than 2 * context lines */
	{
		size_t ai = 0, bi = 0, k = 0;

		while (k < nops) {
			size_t first, last, keep, h_a, h_b, n_a = 0, n_b = 0, lead;

			while (k < nops && ops[k] == OP_KEEP)
				k++, ai++, bi++;
			if (k == nops)
				break;
			lead = ai < context ? ai : context;
			h_a = ai - lead;
			h_b = bi - lead;
			first = k - lead;
			/* extend while the next change is within 2 * context keeps */
			last = k;
			for (size_t j = k; j < nops; j++) {
				if (ops[j] != OP_KEEP) {
					last = j;
					continue;
				}
				for (keep = 0; j + keep < nops && ops[j + keep] == OP_KEEP; keep++)
					;
				if (j + keep == nops || keep > 2 * (size_t)context)
					break;
				j += keep - 1;
			}
			{
				size_t end = last + 1, tail = 0;

				while (end < nops && ops[end] == OP_KEEP && tail < context)
					end++, tail++;
				for (size_t j = first; j < end; j++) {
					n_a += ops[j] != OP_ADD;
					n_b += ops[j] != OP_DEL;
				}
				strbuf_addstr(out, "@@ -");
				range(out, h_a, n_a);
				strbuf_addstr(out, " +");
				range(out, h_b, n_b);
				strbuf_addstr(out, " @@\n");
				ai = h_a, bi = h_b;
				for (size_t j = first; j < end; j++) {
					if (ops[j] == OP_KEEP) {
						line_out(out, ' ', &la, ai++);
						bi++;
					} else if (ops[j] == OP_DEL) {
						line_out(out, '-', &la, ai++);
					} else {
						line_out(out, '+', &lb, bi++);
					}
				}
				k = end;
			}
		}
	}
out:
	free(ops);
	free(la.p);
	free(la.len);
	free(lb.p);
	free(lb.len);
	return ret;
}
