#!/bin/bash
# Benchmark: trace and reach against `nft list ruleset`, in the same run, in
# a private namespace. For 1k and 100k rules (10 chains, each rule a
# saddr + dport match, plus one 100k-element set looked up by hashing):
#   - packets evaluated per second by trace (one process, many packets,
#     timed by trace itself: FWAUDIT_BENCH_PACKETS repeats the trace),
#   - wall time of one trace (netlink snapshot + evaluate) vs nft list ruleset,
#   - wall time of reach for one flow at 10k and 100k rules.
# usage: tests/bench/eval.sh [FWAUDIT] [RUNS]
set -eu
fw=$(realpath "${1:-build/fwaudit}")
runs=${2:-3}
command -v nft >/dev/null || { echo "nft is needed" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. "$(dirname "$0")/lib.sh"

best() { # best wall seconds of $runs runs of a command
	local b=""
	for _ in $(seq "$runs"); do
		local s e t
		s=$(date +%s%N)
		"$@" >/dev/null
		e=$(date +%s%N)
		t=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f", (e - s) / 1e9 }')
		if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then b=$t; fi
	done
	echo "$b"
}
export -f best
export fw runs work

for n in 1000 10000 100000; do
	gen_chains "$n" > "$work/r.nft"
	unshare -n bash -c '
		set -eu
		nft -f "$1"
		"$fw" snapshot -o "$work/s.json"
		nt=$(best nft list ruleset)
		# the packet matches the last rule: it walks every chain and rule
		k=$(($2 - 1))
		pkt="proto=tcp saddr=10.$((k / 65536 % 256)).$((k / 256 % 256)).$((k % 256)) dport=$((1 + k % 65535))"
		tt=$(best "$fw" trace --packet "$pkt")
		v=$("$fw" trace --packet "$pkt" --format json | sed -n "s/.*\"packet\":\"[^\"]*\",\"verdict\":\"\([a-z]*\)\".*/\1/p")
		pps=$(FWAUDIT_BENCH_PACKETS=2000 "$fw" trace --packet "$pkt" 2>&1 >/dev/null | sed -n "s/.*bench: \([0-9.]*\) packets\/s.*/\1/p")
		rt=$(best "$fw" reach --flow "family=ip proto=tcp dport=443")
		re=$(FWAUDIT_BENCH_PACKETS=1 "$fw" reach --flow "family=ip proto=tcp dport=443" 2>&1 >/dev/null | sed -n "s/.*bench: reach \([0-9.]*\) s.*/\1/p")
		rv=$("$fw" reach --flow "family=ip proto=tcp dport=443" --format json | sed -n "s/.*\"flow\":\"[^\"]*\",\"verdict\":\"\([a-z]*\)\".*/\1/p")
		awk -v n="$2" -v nt="$nt" -v tt="$tt" -v pps="$pps" -v rt="$rt" -v re="$re" -v v="$v" -v rv="$rv" "BEGIN {
			printf \"%7d rules | nft list %6.3fs | trace %6.3fs = %4.2fx nft (%s) | eval %8.0f packets/s, one packet %7.4fs = %6.4fx nft | reach %6.3fs = %4.2fx nft, of it evaluation %6.3fs = %5.3fx nft (%s)\n\",
				n, nt, tt, tt / nt, v, pps, 1 / pps, (1 / pps) / nt, rt, rt / nt, re, re / nt, rv
		}"
	' _ "$work/r.nft" "$n"
done
