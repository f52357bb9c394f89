/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_CMD_H
#define FWAUDIT_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fwaudit/policy.h" /* enum severity */

struct ruleset;

/* Subcommands: each parses its own options, returns an exit code (0/1/2). */
int cmd_show(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_reach(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_postmortems(int argc, char **argv);
int cmd_coverage(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_gate(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_lint(int argc, char **argv);

/* The usage of one command, printed by "fwaudit help CMD" and "CMD --help". */
void cmd_usage(const char *name);

/**
 * struct source_opts - where a command reads the ruleset from.
 * @netns: a name under /run/netns, or NULL
 * @netns_path: a namespace file such as /proc/PID/ns/net, or NULL
 * @snapshot: a saved snapshot file instead of the live kernel, or NULL
 * @one_thread: read the kernel on one thread (nl_snapshot_opts)
 */
struct source_opts {
	const char *netns;
	const char *netns_path;
	const char *snapshot;
	bool one_thread;
};

/* getopt_long rows for --netns, --netns-path and --snapshot ('n', 'p', 's'). */
/* clang-format off */
#define SOURCE_OPTIONS \
	{ "netns", required_argument, NULL, 'n' }, \
	{ "netns-path", required_argument, NULL, 'p' }, \
	{ "snapshot", required_argument, NULL, 's' }
/* clang-format on */

/* Store the source option @c (from SOURCE_OPTIONS); false if @c is not one. */
bool source_opt(struct source_opts *src, int c, const char *arg);

/* --format: "text" or "json". Returns 0, or prints what is wrong (as @cmd)
 * and returns EXIT_ERROR. */
int format_opt(const char *cmd, const char *arg, bool *json);

/*
 * After getopt: no stray arguments and at most one source. Returns 0, or
 * prints what is wrong (as @cmd) and returns EXIT_ERROR.
 */
int source_check(const char *cmd, const struct source_opts *src, int argc, char **argv, int optind);

/*
 * Load the ruleset named by @src (live or from a file). Returns 0 and sets
 * *out (caller frees with ruleset_free()), or prints the error to stderr and
 * returns EXIT_ERROR.
 */
int source_load(const struct source_opts *src, struct ruleset **out);

struct strbuf;
/* "live", "netns NAME", "snapshot FILE": where the ruleset came from, for reports. */
void source_describe(const struct source_opts *src, struct strbuf *out);

/* Write @out to stdout. Returns EXIT_CLEAN, or prints what failed (as @cmd)
 * and returns EXIT_ERROR. */
int write_out(const char *cmd, const struct strbuf *out);

/* @ref names a snapshot file (it holds a '/' or is a regular file here),
 * not a reference into the state directory. */
bool names_file(const char *ref);

/* Unix time @t as local "YYYY-MM-DD HH:MM:SS ZONE" into @buf ("unknown time" for 0). */
void time_text(int64_t t, char *buf, size_t n);

/* Colour for text on stdout: a terminal, and NO_COLOR unset. */
bool stdout_color(void);

/*
 * Capture into @rs the files the policies of @ps check or watch and the
 * paths @watch (under @root, NULL = /), each once: a path @rs already holds
 * is kept as it is.
 */
void capture_watched(struct ruleset *rs, const struct policy_set *ps, char **watch, size_t nwatch,
		     const char *root);

/* A count option @opt: a decimal number in [@min, @max]. Returns 0, or
 * prints what is wrong (as @cmd) and returns EXIT_ERROR. */
int count_opt(const char *cmd, const char *opt, const char *arg, unsigned min, unsigned max,
	      unsigned *out);

/* Append @path (argv memory, not copied) to the array *v of *n paths. */
void path_push(char ***v, size_t *n, const char *path);

/* --watch PATH: an absolute path, appended to *v. Returns 0, or prints what
 * is wrong (as @cmd) and returns EXIT_ERROR. */
int watch_opt(const char *cmd, const char *arg, char ***v, size_t *n);

/* --fail-on: a severity name. Returns 0, or prints what is wrong (as @cmd)
 * and returns EXIT_ERROR. */
int fail_on_opt(const char *cmd, const char *arg, enum severity *out);

/*
 * The shipped policies and postmortems: /usr/share/fwaudit/... (the
 * prefix's), or the checkout's policies/ and policies/postmortems when
 * this process is the binary at the top of the build tree it was built in.
 */
const char *shipped_policydir(void);
const char *shipped_postmortemdir(void);

struct policy_set;
/*
 * Load the policies named by @paths (files or directories), or by default
 * the shipped and the site's directories. Returns 0 and sets *out (free
 * with policy_set_free()), or prints every problem and returns EXIT_ERROR.
 */
int policies_load(const char *cmd, char **paths, size_t npaths, struct policy_set **out);

/* The directories the policies @paths come from: each directory named, the
 * directory of each file named, or the shipped and the site's policy
 * directories when none is. Returns their number; free each and *out. */
size_t policy_dirs(char **paths, size_t npaths, char ***out);

struct postmortem_index;
/*
 * Load the postmortems under @paths; without @paths, the shipped and the
 * site's directories and the postmortems/ folder in or beside each policy
 * directory @near (see postmortems_near()). Each directory is read once. A
 * bad or missing document, or a path that cannot be read, is reported (as
 * @cmd) and skipped, and counted in *skipped when @skipped is not NULL: it
 * never stops the caller. Sets *out (free with postmortem_index_free()) and
 * returns 0.
 */
int postmortems_load(const char *cmd, char **paths, size_t npaths, char **near, size_t nnear,
		     struct postmortem_index **out, size_t *skipped);
/* The same into @ix, the messages ("NAME: why" lines) appended to @err
 * instead of printed. Returns how many documents or paths were skipped. */
size_t postmortems_read(char **paths, size_t npaths, char **near, size_t nnear,
			struct postmortem_index *ix, struct strbuf *err);

/* Resolve the policies' links; prints each one left unresolved as
 * FILE:LINE:COL and returns how many there are (they become findings). */
size_t postmortems_link(const struct postmortem_index *ix, struct policy_set *ps);

/**
 * struct policy_opts - what to check against: --policies, --postmortems,
 * --fail-on, shared by every command that checks.
 * @paths, @mpaths: argv memory (arrays freed by policy_opts_release())
 * @fail_on: set the command's default before parsing
 */
struct policy_opts {
	char **paths, **mpaths;
	size_t npaths, nmpaths;
	enum severity fail_on;
};

/* getopt_long rows for --policies, --postmortems and --fail-on ('P', 'M', 'F'). */
/* clang-format off */
#define POLICY_OPTIONS \
	{ "policies", required_argument, NULL, 'P' }, \
	{ "postmortems", required_argument, NULL, 'M' }, \
	{ "fail-on", required_argument, NULL, 'F' }
/* clang-format on */

/* Store the option @c (from POLICY_OPTIONS): 1 when it was one, 0 when not,
 * -1 when its value is wrong (printed, as @cmd). */
int policy_opt(const char *cmd, struct policy_opts *po, int c, const char *arg);

/*
 * Load the policies and postmortems @po names and link them, as every
 * command that checks starts: *ps and *ix are set as far as they loaded
 * (the caller frees both either way). Returns 0, or EXIT_ERROR (printed)
 * for a policy that does not load. Postmortems and links never fail it: a
 * bad document is a warning, an unresolved link a warning and a finding.
 */
int policy_opts_load(const char *cmd, const struct policy_opts *po, struct policy_set **ps,
		     struct postmortem_index **ix);
void policy_opts_release(struct policy_opts *po);

/* nft running in this process's network namespace: its pid and its output. */
struct nft_run {
	pid_t pid;
	int out;
};

/* Start nft with the NULL-terminated arguments @args (at most 16), stdout
 * and stderr to a pipe. Returns 0 or -errno. */
int nft_start(const char *const *args, struct nft_run *run);
/* Wait for a started nft; its messages go to @msg. Returns nft's exit
 * status (128 + signal when killed), or -errno. */
int nft_finish(struct nft_run *run, struct strbuf *msg);
/* nft_start() and nft_finish() in one. */
int nft_run(const char *const *args, struct strbuf *msg);

#endif
