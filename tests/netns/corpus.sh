#!/bin/bash
# Kernel-backed rendering test: every ruleset of a corpus is loaded with
# `nft -f` into a private network namespace, snapshotted by fwaudit, and
# `fwaudit show` is compared with `nft list ruleset` (leading whitespace
# normalised). Also: show from the saved snapshot equals show from the live
# namespace, and loading then saving a snapshot is byte-identical.
#
# With EVAL_CHECK, each chain's shadowed/redundant analysis is also compared
# with and without rule guards (eval_check --chains).
#
# usage: corpus.sh FWAUDIT DIR NAME MIN_RULE_PERCENT [EVAL_CHECK]
# Prints the exact-match ratio per corpus. Exit 77 (skip) where namespaces
# or the corpus are not available.
set -u
fw=$1 dir=$2 name=$3 min=$4 check=${5:-}
. "$(dirname "$0")/lib.sh"
[ -d "$dir" ] || { echo "SKIP: corpus $dir absent"; exit 77; }
unshare -n true 2>/dev/null || { echo "SKIP: cannot create a network namespace"; exit 77; }
command -v nft >/dev/null || { echo "SKIP: nft not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

files=0 loaded=0 same_files=0 rules=0 same_rules=0 raw=0 problems=0
for f in "$dir"/*.nft; do
	files=$((files + 1))
	b=$(basename "$f")
	unshare -n bash -c '
		nft -f "$1" 2>/dev/null || exit 3
		nft list ruleset > "$2/nft.txt" || exit 4
		"$3" show > "$2/fw.txt" 2> "$2/fw.err" || exit 5
		"$3" snapshot -o "$2/snap.json" || exit 6
		' _ "$f" "$work" "$fw"
	rc=$?
	if [ $rc -ne 0 ]; then
		[ $rc -eq 3 ] && continue  # needs a module this kernel lacks
		echo "FAIL $b: fwaudit step exited (code $rc)"; cat "$work/fw.err" 2>/dev/null
		problems=$((problems + 1)); continue
	fi
	loaded=$((loaded + 1))
	"$fw" show --snapshot "$work/snap.json" > "$work/fw2.txt" || { echo "FAIL $b: show --snapshot"; problems=$((problems + 1)); }
	"$fw" snapshot --snapshot "$work/snap.json" -o "$work/snap2.json" || { echo "FAIL $b: reload"; problems=$((problems + 1)); }
	cmp -s "$work/snap.json" "$work/snap2.json" || { echo "FAIL $b: load+save is not byte-identical"; problems=$((problems + 1)); }
	if [ -n "$check" ] && ! "$check" "$work/snap.json" --chains > "$work/chains.txt"; then
		echo "FAIL $b: chain analysis with guards differs"; head -5 "$work/chains.txt"
		problems=$((problems + 1))
	fi
	cmp -s "$work/fw.txt" "$work/fw2.txt" || { echo "FAIL $b: show from snapshot differs from live show"; problems=$((problems + 1)); }
	sed 's/^[ \t]*//' "$work/nft.txt" > "$work/a"
	sed 's/^[ \t]*//' "$work/fw.txt" > "$work/b"
	raw=$((raw + $(grep -c '\[raw ' "$work/b")))
	read -r n same fwn < <(compare_rules "$work/nft.txt" "$work/fw.txt")
	if [ "$fwn" -ne "$n" ]; then
		echo "FAIL $b: nft lists $n rules, fwaudit $fwn"
		problems=$((problems + 1))
	fi
	rules=$((rules + n)); same_rules=$((same_rules + same))
	if cmp -s "$work/a" "$work/b"; then
		same_files=$((same_files + 1))
	elif [ -n "${VERBOSE:-}" ]; then
		echo "--- $b"; diff "$work/a" "$work/b" | head -20
	fi
done
finish "$name" "$same_rules" "$rules" "$min" "$problems" \
	"$loaded/$files rulesets loaded; identical rulesets $same_files/$loaded; raw expressions $raw; "
