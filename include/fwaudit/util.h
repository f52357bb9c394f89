/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_UTIL_H
#define FWAUDIT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Room for one more element in array @v with @n used and @cap allocated. */
#define GROW(v, n, cap)                                                                            \
	do {                                                                                       \
		if ((n) == (cap)) {                                                                \
			(cap) = (cap) ? (cap)*2 : 8;                                               \
			(v) = xrealloc((v), (cap) * sizeof(*(v)));                                 \
		}                                                                                  \
	} while (0)

/* Exit codes shared by every command (see DESIGN.md). */
enum {
	EXIT_CLEAN = 0,
	EXIT_FINDINGS = 1,
	EXIT_ERROR = 2,
};

/*
 * Allocation wrappers: out of memory aborts with a message, so callers never
 * check for NULL. The caller owns the result and frees it with free().
 */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
__attribute__((format(printf, 1, 2))) char *xasprintf(const char *fmt, ...);

/**
 * struct strbuf - growable NUL-terminated byte buffer.
 * @buf: the bytes, always NUL-terminated once anything was added
 * @len: bytes used, without the NUL
 * @alloc: bytes allocated
 *
 * Initialise with STRBUF_INIT; release with strbuf_release().
 */
struct strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};
#define STRBUF_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
__attribute__((format(printf, 2, 3))) void strbuf_addf(struct strbuf *sb, const char *fmt, ...);
__attribute__((format(printf, 2, 0))) void strbuf_vaddf(struct strbuf *sb, const char *fmt,
							va_list ap);
/* Drop everything after the first @len bytes. */
void strbuf_truncate(struct strbuf *sb, size_t len);
/* Hand the buffer to the caller (who frees it) and reset @sb. Never NULL. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* @s as a JSON string, quotes included; bytes outside ASCII as \u00XX. */
void strbuf_addjson(struct strbuf *sb, const char *s);
/* @s (UTF-8 text) as a JSON string: characters kept, bad bytes as U+FFFD. */
void strbuf_addjson_text(struct strbuf *sb, const char *s);
/* Each line of @text, @pad before it (not before an empty line), each
 * ending in a newline. */
void strbuf_add_indented(struct strbuf *sb, const char *text, const char *pad);

/**
 * struct arena - bump allocator for objects that live and die together.
 *
 * A snapshot's many small objects (expressions, attributes, names) come from
 * one arena, so building is cheap and freeing is one call.
 */
struct arena;
struct arena *arena_new(void);
/* Zeroed memory from @a, aligned for any type; lives until arena_free(). */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
/* Copy of @n bytes without alignment padding (for byte strings). */
void *arena_bytesdup(struct arena *a, const void *p, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void *arena_memdup(struct arena *a, const void *p, size_t n);
/* Bytes handed out so far (for statistics). */
size_t arena_used(const struct arena *a);
void arena_free(struct arena *a);

/* Print "fwaudit: " + message to stderr. */
__attribute__((format(printf, 1, 2))) void errmsg(const char *fmt, ...);

/* Milliseconds on the monotonic clock: for timeouts and retries, not dates. */
int64_t now_ms(void);

/**
 * struct atomic_file - a file that appears at @path complete or not at all.
 * @f: write here
 *
 * atomic_file_open() creates a temporary file beside @path;
 * atomic_file_commit() flushes, fsyncs, renames it over @path and fsyncs the
 * directory; atomic_file_abort() removes it. Both free the struct's fields.
 */
struct atomic_file {
	FILE *f;
	char *path;
	char *tmp;
};
int atomic_file_open(struct atomic_file *af, const char *path);
int atomic_file_commit(struct atomic_file *af);
void atomic_file_abort(struct atomic_file *af);

/* Write @len bytes to @path via a temporary file, fsync, rename, fsync dir. */
int write_file_atomic(const char *path, const void *data, size_t len);
/* Read a whole file; *out is NUL-terminated and owned by the caller. */
int read_file(const char *path, char **out, size_t *len);
/*
 * The entries of directory @path that do not start with '.', as "PATH/NAME"
 * sorted by name. Returns 0 (the caller frees each name and the array), or
 * -errno.
 */
int dir_list(const char *path, char ***names, size_t *n);

/* ---- text (src/util/text.c) ---- */

/* Edits between @a and @b, a swap of neighbours counting one (typos). */
size_t edit_distance(const char *a, const char *b);
/* Append " (did you mean 'x'?)" for the closest of @names (NULL-terminated)
 * when one is close, else nothing. */
void name_suggest(struct strbuf *sb, const char *word, const char *const *names);
/* Whether @len bytes are well-formed UTF-8; else *bad (when @bad is not
 * NULL) is the first bad byte. */
bool utf8_valid(const char *buf, size_t len, size_t *bad);
/* The same, appending "NAME:LINE:COL: not UTF-8 (byte 0xNN)" to @err. */
bool utf8_check(const char *name, const char *buf, size_t len, struct strbuf *err);

/* Forget everything allocated from @a but keep its first chunk for reuse. */
void arena_reset(struct arena *a);

#endif
