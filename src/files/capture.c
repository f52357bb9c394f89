// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Safe capture of a watched file. openat2(RESOLVE_NO_SYMLINKS) refuses a
 * symbolic link on any component of the path (O_NOFOLLOW guards only the
 * last); RESOLVE_IN_ROOT keeps --root captures inside the root. The file is
 * opened first and then fstat()ed, so the metadata checked, the bytes
 * hashed and the bytes parsed all belong to the same inode.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <openssl/evp.h>

#include "fwaudit/files.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

static void digest_hex(const unsigned char *md, unsigned int n, char hex[65])
{
	static const char digits[] = "0123456789abcdef";

	for (unsigned i = 0; i < n && i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[2 * (n < 32 ? n : 32)] = 0;
}

void sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	digest_hex(md, n, hex);
}

int sha256_fd(int fd, char hex[65])
{
	unsigned char buf[1 << 16], md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	off_t off = 0;
	ssize_t got;

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	while ((got = pread(fd, buf, sizeof(buf), off)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;

			EVP_MD_CTX_free(ctx);
			return -e;
		}
		EVP_DigestUpdate(ctx, buf, (size_t)got);
		off += got;
	}
	EVP_DigestFinal_ex(ctx, md, &n);
	EVP_MD_CTX_free(ctx);
	digest_hex(md, n, hex);
	return 0;
}

static int open_beneath(int rootfd, const char *rel, bool follow)
{
	struct open_how how = {
		.flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | (follow ? 0 : O_NOFOLLOW),
		.resolve = (follow ? 0 : RESOLVE_NO_SYMLINKS) |
			   (rootfd != AT_FDCWD ? RESOLVE_IN_ROOT : 0),
	};
	long fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS) /* kernels before 5.6: the last component only */
		fd = openat(rootfd, rel, (int)how.flags);
	return fd < 0 ? -errno : (int)fd;
}

static void describe_link(int rootfd, const char *rel, struct file_capture *out)
{
	char buf[4096];
	ssize_t n = readlinkat(rootfd, rel, buf, sizeof(buf) - 1);
	struct stat st;

	if (fstatat(rootfd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
		out->symlink = true;
		out->exists = true;
		if (n >= 0) {
			buf[n] = 0;
			out->target = xstrdup(buf);
		}
	}
}

int file_capture(const char *root, const char *path, bool follow, uint64_t cap,
		 struct file_capture *out)
{
	int rootfd = AT_FDCWD, fd = -1;
	const char *rel = path;
	struct stat st;
	EVP_MD_CTX *md = NULL;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	struct strbuf content = STRBUF_INIT;
	char buf[65536];

	memset(out, 0, sizeof(*out));
	if (root && *root) {
		rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0) {
			out->error = -errno;
			out->exists = true;
			out->why = xasprintf("root %s: %s", root, strerror(errno));
			return 0;
		}
		while (*rel == '/')
			rel++;
	}
	fd = open_beneath(rootfd, rel, follow);
	if (fd < 0) {
		int e = -fd;

		if (e == ENOENT || e == ENOTDIR) {
			out->exists = false;
		} else if (e == ELOOP || e == EXDEV) {
			/* a symlink on the path: say where it leads, do not follow */
			describe_link(rootfd, rel, out);
			out->exists = true;
			out->error = -ELOOP;
			out->why = xstrdup(out->symlink
						   ? "is a symbolic link"
						   : "a directory on the path is a symbolic link");
		} else {
			out->exists = true;
			out->error = -e;
			out->why = xstrdup(strerror(e));
		}
		goto out;
	}
	out->exists = true;
	if (fstat(fd, &st) < 0) {
		out->error = -errno;
		out->why = xstrdup(strerror(errno));
		goto out;
	}
	out->mode = st.st_mode;
	out->uid = st.st_uid;
	out->gid = st.st_gid;
	out->size = (uint64_t)st.st_size;
	out->mtime = st.st_mtim.tv_sec;
	out->regular = S_ISREG(st.st_mode);
	if (!out->regular) {
		out->error = -EINVAL;
		out->why = xstrdup("is not a regular file");
		goto out;
	}
	md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			out->error = -errno;
			out->why = xstrdup(strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		EVP_DigestUpdate(md, buf, (size_t)n);
		if (content.len < cap)
			strbuf_add(&content, buf,
				   (size_t)n < cap - content.len ? (size_t)n : cap - content.len);
		if (content.len >= cap && (uint64_t)n + content.len > cap)
			out->truncated = true;
	}
	EVP_DigestFinal_ex(md, digest, &dlen);
	digest_hex(digest, dlen, out->sha256);
	out->len = content.len;
	out->content = content.len ? strbuf_detach(&content) : xstrdup("");
out:
	strbuf_release(&content);
	EVP_MD_CTX_free(md);
	if (fd >= 0)
		close(fd);
	if (rootfd != AT_FDCWD)
		close(rootfd);
	return 0;
}

void file_capture_release(struct file_capture *fc)
{
	free(fc->why);
	free(fc->target);
	free(fc->content);
	memset(fc, 0, sizeof(*fc));
}

/* Drop a UTF-8 sequence the capture cap cut in half. */
static size_t utf8_whole(const char *s, size_t len)
{
	size_t i = len, back = 0;

	while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xc0) == 0x80) {
		i--;
		back++;
	}
	if (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0xc0) {
		unsigned char lead = (unsigned char)s[i - 1];
		size_t need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : 1;

		if (back < need)
			return i - 1;
	}
	return len;
}

struct watched_file *watched_file_capture(struct ruleset *rs, const char *root, const char *path,
					  bool follow, uint64_t cap)
{
	struct watched_file *f = ruleset_add_file(rs, path);
	struct file_capture fc;
	size_t keep;

	file_capture(root, path, follow, cap, &fc);
	f->exists = fc.exists;
	f->symlink = fc.symlink;
	if (fc.why)
		f->error = arena_strdup(rs->arena, fc.why);
	if (fc.target)
		f->target = arena_strdup(rs->arena, fc.target);
	f->mode = fc.mode;
	f->uid = fc.uid;
	f->gid = fc.gid;
	f->size = fc.size;
	f->mtime = fc.mtime;
	f->truncated = fc.truncated;
	if (fc.exists && !fc.error && fc.content) {
		memcpy(f->sha256, fc.sha256, sizeof(f->sha256));
		keep = fc.truncated ? utf8_whole(fc.content, fc.len) : fc.len;
		if (memchr(fc.content, 0, keep) || !utf8_valid(fc.content, keep, NULL)) {
			f->binary = true;
		} else {
			f->content = arena_strndup(rs->arena, fc.content, keep);
			f->len = keep;
		}
	}
	file_capture_release(&fc);
	return f;
}
