// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Running the nft binary: the gate loads a candidate with it, the demo
 * builds its web server's firewall with it. FWAUDIT_NFT names another
 * binary (tests).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fwaudit/cmd.h"
#include "fwaudit/util.h"

#define MAX_ARGS 16

int nft_start(const char *const *args, struct nft_run *run)
{
	/* a user's PATH often lacks /usr/sbin */
	static const char *const nfts[] = { "nft", "/usr/sbin/nft", "/sbin/nft" };
	const char *argv[MAX_ARGS + 2];
	size_t n = 0;
	int fds[2];

	while (args[n] && n < MAX_ARGS) {
		argv[n + 1] = args[n];
		n++;
	}
	if (args[n])
		return -E2BIG;
	argv[n + 1] = NULL;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	run->pid = fork();
	if (run->pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (run->pid == 0) {
		const char *env = getenv("FWAUDIT_NFT");

		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		if (env && *env) {
			argv[0] = env;
			execv(env, (char *const *)argv);
		}
		for (size_t i = 0; i < ARRAY_SIZE(nfts); i++) {
			argv[0] = nfts[i];
			execvp(nfts[i], (char *const *)argv);
		}
		fprintf(stderr, "cannot run nft: %s (install the nftables package)\n",
			strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	run->out = fds[0];
	return 0;
}

int nft_finish(struct nft_run *run, struct strbuf *msg)
{
	char buf[4096];
	ssize_t n;
	int status = 0;

	while ((n = read(run->out, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		strbuf_add(msg, buf, (size_t)n);
	}
	close(run->out);
	run->out = -1;
	while (waitpid(run->pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int nft_run(const char *const *args, struct strbuf *msg)
{
	struct nft_run run;
	int r = nft_start(args, &run);

	return r < 0 ? r : nft_finish(&run, msg);
}
