/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_FILES_H
#define FWAUDIT_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct strbuf;

/*
 * Watched files: a safe capture (no symlinks unless asked, regular files
 * only, open then fstat so what is hashed is what was checked) and the
 * config formats fwaudit reads keys from.
 */

/**
 * struct file_capture - one watched file as it was read.
 * @exists: false when the path (or a directory on it) does not exist
 * @error: -errno when it exists but could not be captured, with @why
 * @symlink: the path is a symbolic link (@target is where it points)
 * @regular: a regular file (only those are read)
 * @content: the first @len bytes (NUL-terminated), @truncated if more
 * @sha256: of the whole file, lowercase hex
 */
struct file_capture {
	bool exists, symlink, regular, truncated;
	int error;
	char *why;
	char *target;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	uint64_t size;
	int64_t mtime;
	char sha256[65];
	char *content;
	size_t len;
};

/*
 * Capture @path (absolute) under @root (NULL = /). Symbolic links anywhere
 * on the path are refused unless @follow. At most @cap bytes are kept; the
 * hash covers the whole file. Returns 0 (see @out->exists / @out->error);
 * release with file_capture_release().
 */
int file_capture(const char *root, const char *path, bool follow, uint64_t cap,
		 struct file_capture *out);
void file_capture_release(struct file_capture *fc);

struct ruleset;
struct watched_file;
/*
 * Capture @path as file_capture() does and add it to @rs->files (the record
 * lives in @rs's arena; call ruleset_sort_files() after the last one). The
 * content is kept only for UTF-8 text without NUL bytes. Returns the record,
 * valid until the next file is added.
 */
struct watched_file *watched_file_capture(struct ruleset *rs, const char *root, const char *path,
					  bool follow, uint64_t cap);

/**
 * struct file_watch - inotify on the directories of the watched files, its
 *	events gathered into bursts.
 * @fd: the inotify descriptor to poll, or -1: nothing is watched
 * @first, @last: when the burst's first and last events were read
 *	(now_ms() time; 0: no burst)
 */
struct file_watch {
	int fd;
	int64_t first, last;
};

/* Start watching (nothing yet): 0, or -errno with @fw->fd -1. */
int file_watch_open(struct file_watch *fw);
/* Stop watching: @fw->fd is -1 then (twice is harmless). */
void file_watch_close(struct file_watch *fw);
/*
 * Watch the directory of each of @files's files (an editor's write and
 * rename replaces the file), or the nearest one that exists. Call it again
 * after each burst: a directory made since is watched from then on.
 */
void file_watch_arm(struct file_watch *fw, const struct ruleset *files);
/* Read every waiting event: each starts or extends the burst at @now. */
void file_watch_read(struct file_watch *fw, int64_t now);
/*
 * When the burst is over, to read the files again: once quiet for 100 ms,
 * or 1 s after it began if it goes on. 0: no burst.
 */
int64_t file_watch_due(const struct file_watch *fw);
/* The files were read again: the burst is over. */
void file_watch_settled(struct file_watch *fw);

/* SHA-256 of everything in the file @fd (read from offset 0 with pread). 0 or -errno. */
int sha256_fd(int fd, char hex[65]);

/* SHA-256 of @len bytes as lowercase hex into @hex (65 bytes). */
void sha256_hex(const void *data, size_t len, char hex[65]);

/**
 * struct conf - a config file read as (key path, value, line) entries.
 * Keys are dotted paths: "section.key" (ini), "http.server.listen"
 * (nginx), "auth.timeout_seconds" (yaml/json); a key may repeat.
 */
struct conf_entry {
	char *key;
	char *value;
	uint32_t line;
};

struct conf {
	struct conf_entry *v;
	size_t n, cap;
};

void conf_add(struct conf *c, const char *key, const char *value, size_t vlen, uint32_t line);
void conf_release(struct conf *c);

/*
 * Parsers of the formats without a library. Each returns 0, or -EINVAL
 * with "LINE:COL: what is wrong" in @err.
 */
int conf_parse_keyvalue(const char *text, size_t len, struct conf *out, struct strbuf *err);
int conf_parse_ini(const char *text, size_t len, struct conf *out, struct strbuf *err);
int conf_parse_nginx(const char *text, size_t len, struct conf *out, struct strbuf *err);

/*
 * A unified diff (as diff -u prints it, with @context lines) of @a (@alen
 * bytes) against @b, named @a_name and @b_name in the header, appended to
 * @out. Returns 0 when the texts are the same (nothing appended), 1 when
 * they differ. Lines are compared exactly; a text that needs more than 2,000
 * line edits is shown as one replacement.
 */
int diff_unified(const char *a_name, const char *a, size_t alen, const char *b_name, const char *b,
		 size_t blen, unsigned context, struct strbuf *out);

#endif
