// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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
	char *p;

	/* as strndup(3): never reads past the string's end */
	n = strnlen(s, n);
	p = xmalloc(n + 1);

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

int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
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

/* Pointer alignment is enough for every struct the model holds. */
#define ARENA_ALIGN sizeof(void *)

static void *arena_take(struct arena *a, size_t size, size_t align)
{
	struct arena_chunk *c = a->head;
	size_t used = c ? (c->used + align - 1) & ~(align - 1) : 0;
	void *p;

	if (!c || used > c->size || c->size - used < size) {
		size_t cap = size > ARENA_CHUNK / 4 ? size : ARENA_CHUNK;

		c = xmalloc(sizeof(*c) + cap);
		c->size = cap;
		c->used = 0;
		used = 0;
		if (cap == size && a->head) {
			/* Keep the current chunk on top: a large block fills its own. */
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = (char *)c->data + used;
	c->used = used + size;
	a->used += size;
	memset(p, 0, size);
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	return arena_take(a, size ? size : 1, ARENA_ALIGN);
}

void *arena_bytesdup(struct arena *a, const void *p, size_t n)
{
	void *q = arena_take(a, n ? n : 1, 1);

	memcpy(q, p, n);
	return q;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_take(a, n + 1, 1);

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

int atomic_file_open(struct atomic_file *af, const char *path)
{
	int fd;

	af->path = xstrdup(path);
	af->tmp = xasprintf("%s.tmp.XXXXXX", path);
	af->f = NULL;
	fd = mkstemp(af->tmp);
	if (fd < 0 || fchmod(fd, 0644) < 0 || !(af->f = fdopen(fd, "w"))) {
		int ret = -errno;

		if (fd >= 0) {
			close(fd);
			unlink(af->tmp);
		}
		free(af->path);
		free(af->tmp);
		return ret;
	}
	return 0;
}

void atomic_file_abort(struct atomic_file *af)
{
	if (af->f)
		fclose(af->f);
	unlink(af->tmp);
	free(af->path);
	free(af->tmp);
	af->f = NULL;
}

int atomic_file_commit(struct atomic_file *af)
{
	char *dir = xstrdup(af->path);
	int ret = 0, dfd;

	if (fflush(af->f) != 0 || fsync(fileno(af->f)) < 0)
		ret = -errno;
	if (fclose(af->f) != 0 && ret == 0)
		ret = -errno;
	af->f = NULL;
	if (ret == 0 && rename(af->tmp, af->path) < 0)
		ret = -errno;
	if (ret < 0) {
		unlink(af->tmp);
	} else {
		/* The rename is durable only once the directory is synced. */
		dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	free(dir);
	free(af->path);
	free(af->tmp);
	return ret;
}

int write_file_atomic(const char *path, const void *data, size_t len)
{
	struct atomic_file af;
	int ret = atomic_file_open(&af, path);

	if (ret < 0)
		return ret;
	if (len && fwrite(data, 1, len, af.f) != len) {
		ret = -errno ? -errno : -EIO;
		atomic_file_abort(&af);
		return ret;
	}
	return atomic_file_commit(&af);
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

static int str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int dir_list(const char *path, char ***out, size_t *count)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	DIR *d = opendir(path);

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		GROW(names, n, cap);
		names[n++] = xasprintf("%s/%s", path, de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), str_ptr_cmp);
	*out = names;
	*count = n;
	return 0;
}
