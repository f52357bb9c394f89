// SPDX-License-Identifier: GPL-2.0-or-later
/* fwaudit: the dispatch table. Each command lives in src/cmd/<name>.c. */
#include <stdio.h>
#include <string.h>

#include "fwaudit/cmd.h"
#include "fwaudit/util.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *usage;
};

static const struct command commands[] = {
	{ "show", cmd_show, "print the ruleset in nft syntax (or JSON)",
	  "fwaudit show [--netns NAME | --netns-path PATH | --snapshot FILE]\n"
	  "             [--format text|json] [--handles]\n"
	  "\n"
	  "Print the live ruleset (or a saved snapshot) as `nft list ruleset` does.\n"
	  "Expressions fwaudit cannot decode print as [raw NAME ...].\n"
	  "--format json prints the snapshot model (docs/snapshot-format.md).\n" },
	{ "snapshot", cmd_snapshot, "save a consistent snapshot of the ruleset as JSON",
	  "fwaudit snapshot [-o FILE] [--netns NAME | --netns-path PATH | --snapshot FILE]\n"
	  "                 [--stats]\n"
	  "\n"
	  "Dump the ruleset under one generation id and write it as JSON to FILE\n"
	  "(atomically) or to stdout. --stats reports dump attempts on stderr.\n" },
	{ "trace", cmd_trace, "follow one packet through the base chains of a hook",
	  "fwaudit trace [--netns NAME | --netns-path PATH | --snapshot FILE]\n"
	  "              [--hook HOOK] --packet 'KEY=VALUE ...' [--format text|json]\n"
	  "\n"
	  "Evaluate the ruleset offline for one packet at HOOK (default input), rule by\n"
	  "rule, like `nft monitor trace`. Keys: family (ip, ip6), proto, saddr, daddr,\n"
	  "sport, dport, flags (tcp: syn,ack,...), icmp-type, icmp-code, iif, oif,\n"
	  "iifindex, oifindex, mark, ct (new, established, related, invalid,\n"
	  "untracked), ct-status, ct-dir, ct-mark, len, frag. Keys left out take the\n"
	  "defaults printed on the first line. The verdict is accept, drop, queue, or\n"
	  "uncertain when it depends on what a snapshot cannot tell (every possible\n"
	  "path is then shown with what it assumed).\n" },
	{ "check", cmd_check, "check the ruleset and watched files against policies",
	  "fwaudit check [--netns NAME | --netns-path PATH | --snapshot FILE]\n"
	  "              [--policies DIR]... [POLICY.yaml]... [--postmortems DIR]...\n"
	  "              [--fail-on SEVERITY]\n"
	  "              [--format text|json|sarif|junit] [-o FILE] [--root DIR]\n"
	  "\n"
	  "Check the ruleset (and the files the policies watch) against the policies\n"
	  "in each DIR (every *.yaml / *.yml, sorted) and the files named; without\n"
	  "either, /usr/share/fwaudit/policies (for build/fwaudit run uninstalled,\n"
	  "the checkout's policies/) and /etc/fwaudit/policies.d.\n"
	  "A malformed policy is reported as FILE:LINE:COL and nothing is checked.\n"
	  "Exit 0 when no finding is at or above --fail-on (default high), 1 when\n"
	  "one is, 2 on any error. -o writes the report atomically to FILE. --root\n"
	  "reads watched files under DIR instead of / (tests, images).\n"
	  "Formats: text (grouped by severity; colour on a tty unless NO_COLOR),\n"
	  "json (docs/report.md), sarif (2.1.0), junit (XML for CI test views).\n"
	  "Each finding names the postmortem action items its policy links to\n"
	  "(--postmortems DIR; default /usr/share/fwaudit/postmortems,\n"
	  "/etc/fwaudit/postmortems and the postmortems/ folder in or beside each\n"
	  "policy directory). A link that names no item, or whose pinned hash no\n"
	  "longer matches, is reported as FILE:LINE:COL and as a policy-link\n"
	  "finding (low); the policy is still checked. 'fwaudit lint' fails on it.\n" },
	{ "postmortems", cmd_postmortems, "list incidents and their action items with ids",
	  "fwaudit postmortems [--postmortems DIR]... [FILE]... [--format text|json]\n"
	  "\n"
	  "Read postmortems (Markdown as people write it, or the YAML form of\n"
	  "fwaudit-postmortem(5)) from each DIR, recursively, and the files named;\n"
	  "without either, /usr/share/fwaudit/postmortems and /etc/fwaudit/postmortems.\n"
	  "Lists each incident (title, date, times, duration, impact, root cause,\n"
	  "detection) and its action items as ID@HASH [status] text: a policy's\n"
	  "links: names an item by ID, or by ID@HASH to notice when the document is\n"
	  "edited or reordered. A document that cannot be read is reported and\n"
	  "skipped.\n" },
	{ "coverage", cmd_coverage, "which postmortem action items hold on this host",
	  "fwaudit coverage [--netns NAME | --netns-path PATH | --snapshot FILE]\n"
	  "                 [--policies DIR]... [--postmortems DIR]... [--fail-on SEVERITY]\n"
	  "                 [--format text|json] [--root DIR]\n"
	  "\n"
	  "For each action item of each postmortem: the policies that link to it and\n"
	  "whether they hold now: 'in force' (every linked policy holds), 'violated'\n"
	  "(with the findings) or 'unguarded' (no policy enforces it). A policy\n"
	  "holds when it has no finding at or above --fail-on (default info).\n"
	  "Links that name no item are listed apart; they violate nothing.\n"
	  "Exit 1 when any item is violated, 2 on any error.\n" },
	{ "lint", cmd_lint, "fail on a malformed policy or postmortem, or an unresolved link (CI)",
	  "fwaudit lint [--policies DIR]... [POLICY.yaml]... [--postmortems DIR]...\n"
	  "             [--format text|json]\n"
	  "\n"
	  "The strict mode for a policy repository's CI: load the policies named (by\n"
	  "default those check reads) and the postmortems (--postmortems DIR, else\n"
	  "the defaults and the postmortems/ folder in or beside each policy\n"
	  "directory), resolve every link, and list\n"
	  "every problem as FILE:LINE:COL (a postmortem that cannot be read: NAME).\n"
	  "No ruleset is read. Where check, scan, gate and watch report these and go\n"
	  "on, lint exits 2 on any of them; 0 when every policy loads, every\n"
	  "document is read and every link resolves.\n" },
	{ "scan", cmd_scan, "snapshot, check and compare with the baseline (cron, timers)",
	  "fwaudit scan [--state DIR] [--policies DIR]... [--postmortems DIR]...\n"
	  "             [--watch PATH]... [--accept] [--keep N] [--quiet]\n"
	  "             [--fail-on SEVERITY] [--format text|json] [--root DIR]\n"
	  "             [--textfile PATH] [--netns NAME | --netns-path PATH | --snapshot FILE]\n"
	  "\n"
	  "Snapshot the ruleset and the watched files (the policies' files: and\n"
	  "watch: lists, and each --watch PATH), check them, compare them with the\n"
	  "baseline and store the snapshot in the state directory (default\n"
	  "/var/lib/fwaudit). Reports what changed (flows whose verdict changed and\n"
	  "the rule that did it, tables, chains, rules, sets, elements, chain\n"
	  "policies, files with a unified diff) and the findings. The first scan\n"
	  "makes its snapshot the baseline; --accept makes this one the baseline.\n"
	  "Until then every scan reports the changes again. --keep N keeps the N\n"
	  "newest snapshots and the baseline (default 100). --quiet prints nothing\n"
	  "when nothing changed and nothing is at or above --fail-on (for cron).\n"
	  "--textfile writes Prometheus metrics (fwaudit_scan_findings by severity,\n"
	  "_changes, _rules, _last_run_timestamp_seconds) for node_exporter's\n"
	  "textfile collector after each completed scan.\n"
	  "Exit 0 clean, 1 findings at or above --fail-on (default high), 2 error.\n" },
	{ "watch", cmd_watch, "alert on every rule change: what it did and who made it",
	  "fwaudit watch [--netns NAME | --netns-path PATH] [--policies DIR]...\n"
	  "              [--postmortems DIR]... [--format text|json] [--exec CMD]\n"
	  "              [--journal] [--syslog] [--textfile PATH] [--watch PATH]...\n"
	  "              [--redump-interval SECONDS] [--debounce MS] [--rcvbuf BYTES]\n"
	  "              [--save-model FILE]\n"
	  "\n"
	  "Follow the ruleset as the kernel changes it (nftables events, applied to\n"
	  "a snapshot taken at the start), check it after each change and print one\n"
	  "alert per burst of transactions (--debounce, default 10 ms): what changed,\n"
	  "the process that committed it (pid and name from the kernel; uid, parent\n"
	  "and command line from /proc while it runs), the findings that appeared\n"
	  "(with the postmortem action items they enforce) and those resolved.\n"
	  "Watched files (the policies' files: and watch: lists, and each --watch\n"
	  "PATH) are followed with inotify on their directories; a burst of writes\n"
	  "is one \"file\" alert with the unified diff. Sets the packet path or\n"
	  "timeouts change (flags dynamic or timeout), which the kernel does not\n"
	  "announce, are read again every --redump-interval seconds (default 60,\n"
	  "0: never); a difference is a \"sets\" alert.\n"
	  "--format json prints one JSON object per line. When the kernel drops\n"
	  "events (receive buffer full, --rcvbuf, default 64 MiB) or a generation\n"
	  "is skipped, the ruleset is read again and the alert says so. --exec runs\n"
	  "CMD (split on spaces, no shell) with each alert as JSON on stdin (5 s\n"
	  "limit). --journal sends each alert to the systemd journal (MESSAGE_ID\n"
	  "8f580b41919e47a58fd88f5b6c264779, FWAUDIT_* fields), --syslog to syslog\n"
	  "(daemon facility), each at the priority of its worst new finding.\n"
	  "--textfile writes Prometheus metrics for node_exporter's textfile\n"
	  "collector after each alert. A sink that fails is reported and tried\n"
	  "again (1 s, doubling to 60 s; syslog cannot tell). SIGHUP reloads\n"
	  "policies and postmortems; SIGTERM or SIGINT exits 0, first writing the\n"
	  "model as a snapshot to --save-model FILE. Exit 2 on errors.\n" },
	{ "diff", cmd_diff, "what changed between two snapshots",
	  "fwaudit diff [--state DIR] [--policies DIR]... [--format text|json] [A [B]]\n"
	  "\n"
	  "Compare snapshot A with B (default: baseline and latest). Each is a\n"
	  "snapshot file, a stored snapshot's hash or a prefix of it (4+ hex\n"
	  "digits), baseline, latest or latest~N (N runs before the latest).\n"
	  "With --policies, the flows they expect are compared too. Exit 0 when\n"
	  "they are the same, 1 when they differ (like diff(1)), 2 on error.\n" },
	{ "history", cmd_history, "the stored runs; 'history verify' checks the record",
	  "fwaudit history [--state DIR] [--format text|json] [verify]\n"
	  "\n"
	  "List the runs recorded in the state directory, oldest first. 'verify'\n"
	  "checks the hash chain of the history (an edited, removed or inserted\n"
	  "entry breaks it), every stored snapshot against its hash and the\n"
	  "baseline pointer: exit 0 intact, 1 tampered or damaged, 2 error.\n" },
	{ "gate", cmd_gate, "check a candidate ruleset or config file before deploying it",
	  "fwaudit gate [--file LIVEPATH=CANDIDATE]... [--against live|baseline|none|SNAPSHOT]\n"
	  "             [--policies DIR]... [--postmortems DIR]... [--fail-on SEVERITY]\n"
	  "             [--format text|json|sarif|junit] [--state DIR] [--root DIR]\n"
	  "             [--ruleset] FILE\n"
	  "\n"
	  "Load the candidate ruleset FILE with nft into a private network namespace\n"
	  "that vanishes with the run (the kernel validates it; nft's error is shown\n"
	  "and the exit is 2), snapshot it, put each CANDIDATE file in place of\n"
	  "LIVEPATH (its content; owner and mode stay the live file's), and check\n"
	  "the policies. Changes are shown against --against (default live; without\n"
	  "root, none). Nothing on the host changes. The file may come last, so\n"
	  "Ansible's validate: 'fwaudit gate %s' works as it is. Without root it\n"
	  "runs in a user namespace where the kernel allows them.\n"
	  "Exit 0 clean, 1 findings at or above --fail-on (default high), 2 error.\n" },
	{ "reach", cmd_reach, "what the ruleset does with a whole class of packets",
	  "fwaudit reach [--netns NAME | --netns-path PATH | --snapshot FILE]\n"
	  "              [--hook HOOK] --flow 'KEY=VALUE ...' [--format text|json]\n"
	  "\n"
	  "The keys given are fixed (same keys as trace); every other field ranges over\n"
	  "all its values. Answers accept (for all), drop (for all), mixed (with the\n"
	  "classes accepted and dropped) or uncertain (with the reason).\n" },
	{ "demo", cmd_demo, "replay a seed outage in a throwaway namespace (first five minutes)",
	  "fwaudit demo [--policies DIR]... [--postmortems DIR]... [--fail-on SEVERITY]\n"
	  "\n"
	  "In a network namespace that exists only while the demo runs: a web server\n"
	  "listening on tcp/80 and tcp/443 behind a sound nftables ruleset, a clean\n"
	  "scan, then the rule from the seed postmortem (a drop at the top of the\n"
	  "input chain) inserted with nft. Shows what changed and what it means\n"
	  "(\"tcp/443 from any: accept -> drop\"), the findings at or above --fail-on\n"
	  "(default high) with the postmortem action items they enforce, and a real\n"
	  "connection to port 443 before and after. Nothing on the host is touched.\n"
	  "Policies and postmortems default to the shipped ones only\n"
	  "(/usr/share/fwaudit). Needs root, or unprivileged user namespaces, and nft.\n"
	  "Exit 0 when the change was caught, 1 when the policies found nothing new,\n"
	  "2 on error.\n" },
};

void cmd_usage(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name)) {
			fputs(commands[i].usage, stdout);
			return;
		}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: fwaudit <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "  %-12s %s\n", "help", "show the usage of a command");
	fprintf(f, "\nexit codes: 0 clean, 1 findings, 2 usage, input or runtime error\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("fwaudit %s\n", FWAUDIT_VERSION);
		return EXIT_CLEAN;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	if (!strcmp(argv[1], "help")) {
		if (argc > 2) {
			for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
				if (!strcmp(commands[i].name, argv[2])) {
					cmd_usage(argv[2]);
					return EXIT_CLEAN;
				}
			errmsg("help: no such command: %s", argv[2]);
			return EXIT_ERROR;
		}
		usage(stdout);
		return EXIT_CLEAN;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, argv[1]))
			return commands[i].fn(argc - 1, argv + 1);
	errmsg("no such command: %s (see fwaudit --help)", argv[1]);
	return EXIT_ERROR;
}
