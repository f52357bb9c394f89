#!/bin/bash
# Benchmark (issue 7): `fwaudit watch` in a private namespace. For each
# ruleset, the latency from a one-rule `nft insert`/`nft delete` returning
# to the watcher's alert line for that generation (p50, p99; beside nft's
# own command time, for scale), the events per second of a storm of
# single-rule transactions, and CPU and RSS idle and during the storm.
# Rulesets: the check.sh ruleset (a web server's input chain, N rules in 10
# chains, a 100k-element set) at 1k and 100k rules, and the 100k one with a
# further 1M-element set.
# Targets: p50 < 20 ms, p99 < 100 ms at 100k rules with the 1M-element set;
# idle CPU ~0.
# usage: tests/bench/watch.sh [FWAUDIT] [CHANGES] [STORM]
#        (FWAUDIT_BENCH_SIZES="1000" for fewer cases: 1000, 100000, 100000+1M)
set -eu
fw=$(realpath "${1:-build/fwaudit}")
changes=${2:-101}
storm=${3:-5000}
here=$(realpath "$(dirname "$0")")
policies=$(realpath "$here/../../policies")
command -v nft >/dev/null || { echo "nft is needed" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. "$here/lib.sh"

# a 1M-element set of addresses, added in 10k-element commands
gen_huge() {
	printf 'table inet bench {\n\tset huge {\n\t\ttype ipv4_addr\n\t\tsize 2000000\n\t}\n}\n'
	gen_elements huge 1000000 100 64
}

for c in ${FWAUDIT_BENCH_SIZES:-1000 100000 100000+1M}; do
	n=${c%+1M}
	gen_chains "$n" web > "$work/r.nft"
	[ "$c" = "$n" ] || gen_huge >> "$work/r.nft"
	unshare -n bash -c '
		set -eu
		ip link set lo up
		nft -f "$1"
		python3 "$2/watch_lat.py" "$3" "$4" "$5 rules" "$6" "$7"
	' _ "$work/r.nft" "$here" "$fw" "$policies" "$c" "$changes" "$storm"
done
