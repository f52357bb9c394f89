/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef FWAUDIT_POLICY_H
#define FWAUDIT_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ruleset;
struct strbuf;
struct file_assert;

/*
 * Policies: YAML documents that say what must hold of a ruleset and of the
 * watched files (fwaudit-policy(5)). The loader is the only place that
 * includes yaml.h; checking turns a policy set and a snapshot into findings.
 */

enum severity {
	SEV_INFO,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL,
};

/* "info" ... "critical". */
const char *severity_name(enum severity s);
/* Returns 0, or -EINVAL for an unknown name. */
int severity_parse(const char *name, enum severity *out);

/* Where a policy item was written (for messages). @file is owned by the set. */
struct src_loc {
	const char *file;
	uint32_t line, col;
};

/**
 * struct policy_ignore - rules, chains or tables managed by someone else.
 * @table: "FAMILY NAME" or "NAME" (any family), or NULL
 * @chain: "FAMILY TABLE CHAIN", "TABLE CHAIN" or "CHAIN", or NULL
 * @comment: POSIX extended regex on the rule's comment, or NULL
 * @rule: POSIX extended regex on the rendered rule, or NULL
 * All given keys must match.
 */
struct policy_ignore {
	char *table, *chain, *comment, *rule;
	void *comment_re, *rule_re; /* compiled regex_t */
	struct src_loc loc;
};

/**
 * struct policy_expect - a flow and the verdict it must get.
 * @hook: NF_INET_* hook number
 * @flow: the flow as `fwaudit reach --flow` reads it (without the hook)
 * @verdict: EVAL_ACCEPT or EVAL_DROP
 * @name: a label for messages, or NULL
 * @severity: the policy's, unless the item sets its own
 */
struct policy_expect {
	uint32_t hook;
	char *flow;
	int verdict;
	char *name;
	int severity;
	struct src_loc loc;
};

/**
 * struct policy_require - a structure the ruleset must have.
 * @kind: "chain" or "table"
 * @family, @table, @name, @type, @policy: wanted values, or NULL for any
 * @hook: wanted hook, or -1; @priority: wanted priority when @has_priority
 */
struct policy_require {
	char *kind;
	char *family, *table, *name, *type, *policy;
	int hook;
	bool has_priority;
	int32_t priority;
	int severity;
	struct src_loc loc;
};

/**
 * struct policy_detect - one built-in detector and its parameters.
 * @id: the detector's id ("blanket-inbound-block", ...)
 * @ports, @nports: "ports:" (world-open, blanket-inbound-block) as ranges
 * @severity: the detector's default unless overridden
 */
struct policy_detect {
	const char *id;
	uint32_t (*ports)[2];
	size_t nports;
	int severity;
	struct src_loc loc;
};

enum file_format {
	FMT_TEXT,
	FMT_KEYVALUE,
	FMT_INI,
	FMT_YAML,
	FMT_JSON,
	FMT_NGINX,
};

enum assert_op {
	AS_EQUALS,
	AS_CONTAINS,
	AS_RANGE,
	AS_MATCHES,
	AS_EXISTS,
	AS_REGEX, /* a regex over the lines, no key */
};

/**
 * struct file_assert - one assertion about a watched file.
 * @key: dotted key path ("http.server.listen"), or NULL for @op AS_REGEX
 * @value: equals/contains text, or the regex source (matches, regex)
 * @min, @max: AS_RANGE bounds (has_min / has_max)
 * @must_match: AS_REGEX, AS_EXISTS: true = must match / exist
 */
struct file_assert {
	char *key;
	enum assert_op op;
	char *value;
	void *re; /* compiled regex_t for AS_MATCHES, AS_REGEX */
	double min, max;
	bool has_min, has_max, must_match;
	struct src_loc loc;
};

/**
 * struct policy_file - a watched config file and what must hold of it.
 * @owner, @group: names or numeric ids, or NULL
 * @max_mode: the permission bits the file may have at most, or -1
 * @sha256: pinned lowercase hex digest, or NULL
 * @max_size: capture cap in bytes
 */
struct policy_file {
	char *path;
	bool must_exist, follow_symlinks;
	char *owner, *group;
	int max_mode;
	char *sha256;
	enum file_format format;
	uint64_t max_size;
	struct file_assert *asserts;
	size_t nasserts;
	int severity;
	struct src_loc loc;
};

struct action_item;

/**
 * struct policy_link - a postmortem action item a policy enforces.
 * @id: "INCIDENT#N"
 * @hash: the item's content hash as pinned in the policy (ID@HASH), or NULL
 * @item: the item, once postmortem_link() found it; NULL before
 * @problem: why postmortem_link() could not resolve it (one sentence, no
 *	location), or NULL; owned by the policy. The policy is still checked,
 *	without the item, and policy_check() reports the link as a finding.
 */
struct policy_link {
	char *id, *hash;
	const struct action_item *item;
	char *problem;
	struct src_loc loc;
};

/**
 * struct policy - one policy document.
 * @id, @title, @description: from the document (@title defaults to @id)
 * @links: postmortem action items this policy enforces
 */
struct policy {
	char *id, *title, *description;
	enum severity severity;
	struct policy_link *links;
	size_t nlinks;
	struct policy_ignore *ignores;
	size_t nignores;
	struct policy_expect *expects;
	size_t nexpects;
	struct policy_require *requires;
	size_t nrequires;
	struct policy_detect *detects;
	size_t ndetects;
	struct policy_file *files;
	size_t nfiles;
	char **watch; /* files the scan captures and diffs, nothing asserted */
	size_t nwatch;
	struct src_loc loc;
};

/**
 * struct policy_set - every policy loaded, in load order.
 * @files: the file names the src_locs point to
 */
struct policy_set {
	struct policy **v;
	size_t n;
	char **files;
	size_t nfiles;
};

struct policy_set *policy_set_new(void);
void policy_set_free(struct policy_set *ps);

/*
 * Load policies from the YAML text @buf (@len bytes) named @name into @ps.
 * Every problem found is appended to @err as "NAME:LINE:COL: message\n".
 * Returns 0, or -EINVAL when anything was wrong (then nothing from @buf
 * is added to @ps).
 */
int policy_load_buffer(struct policy_set *ps, const char *name, const char *buf, size_t len,
		       struct strbuf *err);

/*
 * Load a file, or every *.yaml / *.yml file of a directory (sorted by
 * name). Returns 0 or -errno; messages are appended to @err.
 */
int policy_load_path(struct policy_set *ps, const char *path, struct strbuf *err);

/* After loading: ids unique across the set. Returns 0 or -EINVAL. */
int policy_set_validate(const struct policy_set *ps, struct strbuf *err);

/* ---- detectors ---- */

struct findings;

/* A detector: the findings of policy item @pd on @rs, appended to @out. */
typedef void (*detector_fn)(const struct policy *po, const struct policy_detect *pd,
			    const struct ruleset *rs, struct findings *out);

/**
 * struct detector_info - a built-in detector: a new one is one row of
 * detectors[] and its function.
 * @id: its id in policies and findings
 * @severity: default severity
 * @summary: one line for help and reports
 * @params: the parameter keys it accepts (NULL-terminated)
 * @run: what it checks
 */
struct detector_info {
	const char *id;
	enum severity severity;
	const char *summary;
	const char *const *params;
	detector_fn run;
};

/* Every detector, NULL-id terminated. */
extern const struct detector_info detectors[];
const struct detector_info *detector_find(const char *id);

/* ---- findings ---- */

enum subject_kind {
	SUBJ_RULESET,
	SUBJ_HOOK,
	SUBJ_CHAIN,
	SUBJ_RULE,
	SUBJ_FILE,
	SUBJ_POLICY,
};

/**
 * struct subject - what a finding is about.
 * @family, @table, @chain: names, or NULL
 * @hook: hook name, or NULL
 * @handle: rule handle (SUBJ_RULE)
 * @rule: the rule rendered in nft syntax (SUBJ_RULE)
 * @path, @line: SUBJ_FILE; line 0 = the whole file. SUBJ_POLICY: the
 *	policy document and the line of what is wrong in it
 */
struct subject {
	enum subject_kind kind;
	char *family, *table, *chain, *hook;
	uint64_t handle;
	char *rule;
	char *path;
	uint32_t line;
};

/**
 * struct evidence_class - a class of packets that proves a finding, as
 * reach found it.
 * @family: NFPROTO_IPV4 or NFPROTO_IPV6
 * @verdict: what the ruleset does with every packet of it (EVAL_*)
 * @by: what decided it ("rule handle 8 in inet filter input")
 * @reason: why the verdict is not certain, or NULL
 * @fields: where the class differs from the probed flow, in reach's words
 *	("every packet of the flow" when nowhere); @fields_json the same as
 *	the members of a JSON object
 */
struct evidence_class {
	uint8_t family;
	int verdict;
	char *by, *reason, *fields, *fields_json;
};

/**
 * struct evidence_rule - a rule that decides first every packet of a rule
 * that never matches.
 * @handle: its handle; @rule: it as nft prints it
 */
struct evidence_rule {
	uint64_t handle;
	char *rule;
};

/**
 * struct evidence_line - a line of a watched file, as it was read.
 * @text: "key = value" for a key, the line itself for a regular expression
 */
struct evidence_line {
	char *path;
	uint32_t line;
	char *text;
};

/**
 * struct evidence - why a finding holds, kept as facts; report/ words it in
 * each format.
 * @has_classes: reach was asked (then @classes may still be empty)
 * @text_max: how many classes the text report shows (the rest are counted)
 */
struct evidence {
	bool has_classes;
	struct evidence_class *classes;
	size_t nclasses, classes_cap, text_max;
	struct evidence_rule *rules;
	size_t nrules;
	struct evidence_line *lines;
	size_t nlines;
};

/**
 * struct finding - one thing a person should act on.
 * @id: stable id: policy, check and subject ("web/blanket-inbound-block/
 *	inet/filter/input/4")
 * @policy: the policy it came from (owned by the policy set)
 * @check: the detector id, "expect", "require", "file" or "policy-link"
 * @message: one sentence
 * @evidence: what proves it (classes of packets, rules, file lines)
 */
struct finding {
	char *id;
	const struct policy *policy;
	char *check;
	enum severity severity;
	char *message;
	struct subject subject;
	struct evidence evidence;
	struct src_loc loc;
};

struct findings {
	struct finding *v;
	size_t n, cap;
};

void findings_release(struct findings *f);
/* How many findings are at or above @fail_on: the run fails when any is. */
size_t findings_failing(const struct findings *f, enum severity fail_on);
/* Sort by severity (highest first), then policy, then id. */
void findings_sort(struct findings *f);

/**
 * struct check_opts - what a check run may look at beyond the ruleset.
 * @root: prefix for watched file paths (tests), or NULL
 */
struct check_opts {
	const char *root;
};

/*
 * Check @rs and the watched files against every policy of @ps; findings
 * are appended to @out. Never fails: anything that cannot be decided
 * becomes a finding that says so, and so does every link with a @problem
 * (check "policy-link", severity low, id "POLICY/policy-link/LINK-ID").
 */
void policy_check(const struct policy_set *ps, const struct ruleset *rs,
		  const struct check_opts *opts, struct findings *out);

#endif
