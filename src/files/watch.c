// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inotify on the directories of the watched files, its events gathered
 * into bursts: an editor's save, a package upgrade or a config tool's run
 * is many events, and the files are read again once, when it is over.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "fwaudit/files.h"
#include "fwaudit/model.h"
#include "fwaudit/util.h"

#define FILE_SETTLE_MS 100  /* files are read again once quiet this long */
#define FILE_WAIT_MS   1000 /* or this long after the first event of a burst */

int file_watch_open(struct file_watch *fw)
{
	memset(fw, 0, sizeof(*fw));
	fw->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	return fw->fd < 0 ? -errno : 0;
}

void file_watch_close(struct file_watch *fw)
{
	if (fw->fd >= 0)
		close(fw->fd);
	fw->fd = -1;
}

/*
 * Watch the directory of each watched file (an editor's write-and-rename
 * replaces the file itself), or the nearest one that exists; called again
 * after each burst, so a directory made later is watched from then on.
 */
void file_watch_arm(struct file_watch *fw, const struct ruleset *files)
{
	const uint32_t mask = IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE |
			      IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF;

	if (fw->fd < 0)
		return;
	for (uint32_t i = 0; i < files->nfiles; i++) {
		char *dir = xstrdup(files->files[i].path);

		for (char *slash = strrchr(dir, '/'); slash; slash = strrchr(dir, '/')) {
			*slash = '\0';
			if (inotify_add_watch(fw->fd, dir[0] ? dir : "/", mask) >= 0 ||
			    (errno != ENOENT && errno != ENOTDIR))
				break;
		}
		free(dir);
	}
}

void file_watch_read(struct file_watch *fw, int64_t now)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));

	while (read(fw->fd, buf, sizeof(buf)) > 0) {
		if (!fw->first)
			fw->first = now;
		fw->last = now;
	}
}

int64_t file_watch_due(const struct file_watch *fw)
{
	int64_t quiet = fw->last + FILE_SETTLE_MS, most = fw->first + FILE_WAIT_MS;

	if (!fw->first)
		return 0;
	return quiet < most ? quiet : most;
}

void file_watch_settled(struct file_watch *fw)
{
	fw->first = fw->last = 0;
}
