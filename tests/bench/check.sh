#!/bin/bash
# Benchmark: `fwaudit check` with the shipped policies against `nft list
# ruleset` on the same ruleset, in the same run, in a private namespace:
# wall time (best of RUNS) and peak RSS of each, at 10k and 100k rules.
# The ruleset is a web server's input chain (drop policy, established,
# loopback, icmp, 80/443, ssh from a range) followed by N rules in 10
# chains (a saddr + dport accept each), plus a 100k-element set.
# Target (issue 4): check at 100k rules within 1.5x nft list ruleset.
# usage: tests/bench/check.sh [FWAUDIT] [RUNS]   (FWAUDIT_BENCH_SIZES="10000" for fewer sizes)
set -eu
fw=$(realpath "${1:-build/fwaudit}")
runs=${2:-3}
policies=$(realpath "$(dirname "$0")/../../policies")
command -v nft >/dev/null || { echo "nft is needed" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. "$(dirname "$0")/lib.sh"

export -f measure
export fw runs work policies

[ -x /usr/bin/time ] || { echo "GNU time (package time) is needed" >&2; exit 2; }
for n in ${FWAUDIT_BENCH_SIZES:-10000 100000}; do
	gen_chains "$n" web > "$work/r.nft"
	unshare -n bash -c '
		set -eu
		ip link set lo up
		nft -f "$1"
		read -r nt nm <<< "$(measure nft list ruleset)"
		# check exits 1 when it finds something; time it whatever it finds
		read -r ct cm <<< "$(measure sh -c "\"$fw\" check --policies \"$policies\" --postmortems \"$policies/postmortems\" >/dev/null; [ \$? -le 1 ]")"
		"$fw" check --policies "$policies" --postmortems "$policies/postmortems" --format json > "$work/f.json" || true
		nf=$(grep -o "\"total\":[0-9]*" "$work/f.json" | head -1 | cut -d: -f2)
		awk -v n="$2" -v nt="$nt" -v nm="$nm" -v ct="$ct" -v cm="$cm" -v nf="$nf" "BEGIN {
			printf \"%7d rules | nft list ruleset %6.2fs %7.1f MiB | fwaudit check %6.2fs = %4.2fx nft, %7.1f MiB = %4.2fx nft (%s findings)\n\",
				n, nt, nm / 1024, ct, ct / nt, cm / 1024, cm / nm, nf
		}"
	' _ "$work/r.nft" "$n"
done
