#!/bin/bash
# Benchmark: `fwaudit check` with the shipped policies against `nft list
# ruleset` on the same ruleset, in the same run, in a private namespace:
# wall time (best of RUNS) and peak RSS of each, at 10k and 100k rules.
# The ruleset is a web server's input chain (drop policy, established,
# loopback, icmp, 80/443, ssh from a range) followed by N rules in 10
# chains (a saddr + dport accept each), plus a 100k-element set.
# Target (issue 4): check at 100k rules within 1.5x nft list ruleset.
# usage: tests/bench/check.sh [FWAUDIT] [RUNS]
set -eu
fw=$(realpath "${1:-build/fwaudit}")
runs=${2:-3}
policies=$(realpath "$(dirname "$0")/../../policies")
command -v nft >/dev/null || { echo "nft is needed" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gen() { # N -> ruleset
	awk -v n="$1" 'BEGIN {
		print "table inet bench {"
		printf "\tset big {\n\t\ttype ipv4_addr\n\t\tsize 200000\n\t}\n"
		print "\tchain input {"
		print "\t\ttype filter hook input priority filter; policy drop;"
		print "\t\tct state established,related accept"
		print "\t\tiif \"lo\" accept"
		print "\t\tmeta l4proto { icmp, ipv6-icmp } accept"
		print "\t\tip saddr @big drop"
		print "\t\ttcp dport { 80, 443 } accept"
		print "\t\tip saddr 10.0.0.0/8 tcp dport 22 accept"
		print "\t\tjump c0"
		print "\t}"
		for (c = 0; c < 10; c++) {
			printf "\tchain c%d {\n", c
			for (i = 0; i < n / 10; i++) {
				k = c * n / 10 + i
				printf "\t\tip saddr 10.%d.%d.%d tcp dport %d counter accept\n",
					int(k / 65536) % 256, int(k / 256) % 256, k % 256, 1024 + k % 60000
			}
			if (c < 9) printf "\t\tjump c%d\n", c + 1
			print "\t}"
		}
		print "}"
		for (i = 0; i < 100000; i += 10000) {
			printf "add element inet bench big { "
			for (j = i; j < i + 10000; j++)
				printf "%s172.%d.%d.%d", (j > i ? ", " : ""), 16 + int(j / 65536), int(j / 256) % 256, j % 256
			print " }"
		}
	}'
}

best() { # best wall seconds and its peak RSS (KiB) of $runs runs: "SECONDS KIB"
	local b="" kb=""
	for _ in $(seq "$runs"); do
		local out t m
		out=$( { /usr/bin/time -f "%e %M" "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -1)
		t=${out% *}; m=${out#* }
		if [ -z "$b" ] || awk "BEGIN{exit !($t < $b)}"; then b=$t; kb=$m; fi
	done
	echo "$b $kb"
}
export -f best
export fw runs work policies

[ -x /usr/bin/time ] || { echo "GNU time (package time) is needed" >&2; exit 2; }
for n in 10000 100000; do
	gen "$n" > "$work/r.nft"
	unshare -n bash -c '
		set -eu
		ip link set lo up
		nft -f "$1"
		read -r nt nm <<< "$(best nft list ruleset)"
		# check exits 1 when it finds something; time it whatever it finds
		read -r ct cm <<< "$(best sh -c "\"$fw\" check --policies \"$policies\" >/dev/null; [ \$? -le 1 ]")"
		"$fw" check --policies "$policies" --format json > "$work/f.json" || true
		nf=$(grep -o "\"total\":[0-9]*" "$work/f.json" | head -1 | cut -d: -f2)
		awk -v n="$2" -v nt="$nt" -v nm="$nm" -v ct="$ct" -v cm="$cm" -v nf="$nf" "BEGIN {
			printf \"%7d rules | nft list ruleset %6.2fs %7.1f MiB | fwaudit check %6.2fs = %4.2fx nft, %7.1f MiB = %4.2fx nft (%s findings)\n\",
				n, nt, nm / 1024, ct, ct / nt, cm / 1024, cm / nm, nf
		}"
	' _ "$work/r.nft" "$n"
done
