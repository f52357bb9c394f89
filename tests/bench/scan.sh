#!/bin/bash
# Benchmark (issue 6): `fwaudit scan` against `nft list ruleset`, and
# `fwaudit gate` against `nft -c -f`, on the same input in the same run, in
# a private namespace: wall time (best of RUNS) and peak RSS of each.
# Scan: N rules (10k, 100k; the check.sh ruleset: a web server's input chain,
# N rules in 10 chains, a 100k-element set) and 50 watched files, against a
# stored baseline in which 1% of the rules and 5 of the files differ (the
# ruleset reloaded with nft -f, as a deploy does). Gate: a 10k-rule
# candidate file, compared with the live ruleset.
# Targets: scan <= 1.5x nft list ruleset; gate <= 1.5x nft -c -f.
# usage: tests/bench/scan.sh [FWAUDIT] [RUNS]   (FWAUDIT_BENCH_SIZES="10000" for fewer sizes)
set -eu
fw=$(realpath "${1:-build/fwaudit}")
runs=${2:-3}
policies=$(realpath "$(dirname "$0")/../../policies")
command -v nft >/dev/null || { echo "nft is needed" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time (package time) is needed" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. "$(dirname "$0")/lib.sh"

export -f measure
export fw runs work policies

# 50 watched config files of 2 KiB each
mkdir "$work/etc"
watch=()
for i in $(seq 50); do
	awk -v i="$i" 'BEGIN { for (k = 0; k < 64; k++) printf "key%02d = value %d of file %d\n", k, k, i }' \
		> "$work/etc/f$i.conf"
	watch+=(--watch "$work/etc/f$i.conf")
done
export watch_args="${watch[*]}"

for n in ${FWAUDIT_BENCH_SIZES:-10000 100000}; do
	gen_chains "$n" web > "$work/base.nft"
	# 1% of the rules differ: every 100th rule gets another port
	awk '/counter accept/ && ++k % 100 == 0 { sub(/dport [0-9]+/, "dport 9"); } { print }' \
		"$work/base.nft" > "$work/now.nft"
	unshare -n bash -c '
		set -eu
		ip link set lo up
		nft -f "$1"
		scan() { "$fw" scan --state "$work/state$2" --policies "$policies" \
			--postmortems "$policies/postmortems" --keep 3 $watch_args "${@:3}"; }
		scan "$@" > /dev/null || [ $? -le 1 ]
		# the deploy: the ruleset reloaded with 1% of it changed, 5 files edited
		nft flush ruleset
		nft -f "$work/now.nft"
		for i in 1 2 3 4 5; do echo "changed = yes" >> "$work/etc/f$i.conf"; done
		changes=$(scan "$@" --format json | grep -c "\"object\": \"" || true)
		read -r nt nm <<< "$(measure nft list ruleset)"
		export -f scan
		read -r st sm <<< "$(measure bash -c "scan \"\$@\" >/dev/null; [ \$? -le 1 ]" _ "$@")"
		awk -v n="$2" -v nt="$nt" -v nm="$nm" -v st="$st" -v sm="$sm" -v c="$changes" "BEGIN {
			printf \"%7d rules | nft list ruleset %6.2fs %7.1f MiB | fwaudit scan %6.2fs = %4.2fx nft, %7.1f MiB = %4.2fx nft (%d changes reported)\n\",
				n, nt, nm / 1024, st, st / nt, sm / 1024, sm / nm, c
		}"
		for i in 1 2 3 4 5; do sed -i "/changed = yes/d" "$work/etc/f$i.conf"; done
	' _ "$work/base.nft" "$n"
done

# gate: a 10k-rule candidate, the live ruleset the same size
gen_chains 10000 web > "$work/cand.nft"
awk '/counter accept/ && ++k % 100 == 0 { sub(/dport [0-9]+/, "dport 9"); } { print }' \
	"$work/cand.nft" > "$work/live.nft"
unshare -n bash -c '
	set -eu
	ip link set lo up
	nft -f "$work/live.nft"
	read -r nt nm <<< "$(measure nft -c -f "$work/cand.nft")"
	read -r gt gm <<< "$(measure sh -c "\"$fw\" gate --policies \"$policies\" --postmortems \"$policies/postmortems\" \"$work/cand.nft\" >/dev/null; [ \$? -le 1 ]")"
	awk -v nt="$nt" -v nm="$nm" -v gt="$gt" -v gm="$gm" "BEGIN {
		printf \"  10000 rules | nft -c -f         %6.2fs %7.1f MiB | fwaudit gate %6.2fs = %4.2fx nft, %7.1f MiB = %4.2fx nft\n\",
			nt, nm / 1024, gt, gt / nt, gm / 1024, gm / nm
	}"
'
