// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fwaudit/util.h"

static void oom(size_t size)
{
	fprintf(stderr, "fwaudit: out of memory allocating %zu bytes\n", size);
	abort();
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		oom(size);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom(n * size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		oom(size);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return strbuf_detach(&sb);
}

void errmsg(const char *fmt, ...)
{
	va_list ap;

	fputs("fwaudit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Chunks are large so that a 100k-rule snapshot needs only a few hundred. */
#define ARENA_CHUNK (256 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	size_t used;
	max_align_t data[];
};

struct arena {
	struct arena_chunk *head;
	size_t used;
};

struct arena *arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->head;
	size_t align = sizeof(max_align_t);
	void *p;

	size = (size + align - 1) & ~(align - 1);
	if (!c || c->size - c->used < size) {
		size_t cap = size > ARENA_CHUNK / 4 ? size : ARENA_CHUNK;

		c = xmalloc(sizeof(*c) + cap);
		c->size = cap;
		c->used = 0;
		if (cap == size && a->head) {
			/* Keep the current chunk on top: a large block fills its own. */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = (char *)c->data + c->used;
	c->used += size;
	a->used += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

void *arena_memdup(struct arena *a, const void *p, size_t n)
{
	void *q = arena_alloc(a, n);

	memcpy(q, p, n);
	return q;
}

size_t arena_used(const struct arena *a)
{
	return a->used;
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c, *next;

	if (!a)
		return;
	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp.XXXXXX", path);
	char *dircopy = xstrdup(path);
	const char *p = data;
	int fd = -1, dfd = -1, ret = 0;

	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto out;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
		ret = -errno;
		goto out;
	}
	if (close(fd) < 0) {
		fd = -1;
		ret = -errno;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		ret = -errno;
		goto out;
	}
	dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY);
	if (dfd >= 0)
		fsync(dfd);
out:
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		unlink(tmp);
	if (dfd >= 0)
		close(dfd);
	free(tmp);
	free(dircopy);
	return ret;
}

int read_file(const char *path, char **out, size_t *lenp)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		strbuf_add(&sb, buf, (size_t)n);
	}
	close(fd);
	if (ret < 0) {
		strbuf_release(&sb);
		return ret;
	}
	if (lenp)
		*lenp = sb.len;
	*out = strbuf_detach(&sb);
	return 0;
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *c, *next;

	if (!a->head)
		return;
	for (c = a->head->next; c; c = next) {
		next = c->next;
		free(c);
	}
	a->head->next = NULL;
	a->head->used = 0;
	a->used = 0;
}
