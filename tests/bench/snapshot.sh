#!/bin/bash
# Benchmark: fwaudit snapshot and show against `nft list ruleset`, measured
# in the same run inside a private network namespace, at 1k, 10k and 100k
# rules and for one set of 1M elements. Prints wall time (best of N runs),
# the ratio to nft's time, and peak RSS of each.
#
# usage: tests/bench/snapshot.sh [FWAUDIT] [RUNS]
# Needs root (network namespaces), nft and GNU time (/usr/bin/time).
set -eu
fw=$(realpath "${1:-build/fwaudit}")
runs=${2:-3}
command -v nft >/dev/null || { echo "nft is needed" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install time" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gen_rules() { # N -> nft script with N rules over 10 chains
	awk -v n="$1" 'BEGIN {
		print "table inet bench {"
		for (c = 0; c < 10; c++) {
			printf "\tchain c%d {\n", c
			if (c == 0) print "\t\ttype filter hook input priority filter; policy accept;"
			for (i = 0; i < n / 10; i++) {
				k = c * n / 10 + i
				printf "\t\tip saddr 10.%d.%d.%d tcp dport %d counter accept comment \"r%d\"\n",
					int(k / 65536) % 256, int(k / 256) % 256, k % 256, 1 + k % 65535, k
			}
			print "\t}"
		}
		print "}"
	}'
}

gen_set() { # N -> a set of N IPv4 addresses, added in chunks
	printf "table ip bigset {\n\tset s {\n\t\ttype ipv4_addr\n\t\tsize %d\n\t}\n}\n" $(($1 * 2))
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i += 10000) {
			printf "add element ip bigset s { "
			for (j = i; j < i + 10000 && j < n; j++)
				printf "%s%d.%d.%d.%d", (j > i ? ", " : ""), 10 + int(j / 16777216), int(j / 65536) % 256, int(j / 256) % 256, j % 256
			print " }"
		}
	}'
}

. "$(dirname "$0")/lib.sh"

export -f measure
export work runs fw

run_case() { # NAME SCRIPT
	local name=$1 script=$2
	unshare -n bash -c '
		set -eu
		nft -f "$1"
		read -r nt nm < <(measure nft list ruleset)
		read -r st sm < <(measure "$fw" snapshot -o "$work/snap.json")
		read -r ht hm < <(measure "$fw" show)
		rules=$("$fw" snapshot --stats -o - 2>&1 >/dev/null | sed -n "s/.*: \([0-9]*\) rules.*/\1/p")
		awk -v name="$2" -v nt="$nt" -v nm="$nm" -v st="$st" -v sm="$sm" -v ht="$ht" -v hm="$hm" -v rules="$rules" "BEGIN {
			r1 = nt > 0 ? st / nt : 0; r2 = nt > 0 ? ht / nt : 0
			printf \"%-12s %7s rules | nft list %7.3fs %6.1f MB | snapshot %7.3fs (%4.2fx) %6.1f MB | show %7.3fs (%4.2fx) %6.1f MB\n\",
				name, rules, nt, nm / 1024, st, r1, sm / 1024, ht, r2, hm / 1024
		}"
	' _ "$script" "$name"
}

echo "fwaudit $("$fw" --version | cut -d" " -f2), nft $(nft --version | cut -d" " -f2), kernel $(uname -r), best of $runs runs"
for n in ${BENCH_SIZES:-1000 10000 100000}; do
	gen_rules $n > "$work/rules-$n.nft"
	run_case "rules-$n" "$work/rules-$n.nft"
done
gen_set 1000000 > "$work/set.nft"
run_case "set-1M" "$work/set.nft"
