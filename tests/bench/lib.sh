# Shared by the benchmarks: source it, after setting runs and work.

# gen_chains N [web]: a ruleset with N rules in 10 chains joined by jumps,
# each rule "ip saddr A tcp dport P counter accept", plus a 100k-element
# set of addresses dropped at the start. Without "web", chain c0 is the
# input base chain (policy drop); with it, an input chain with a web
# server's rules (established, loopback, icmp, 80/443, ssh from a range)
# comes first and jumps to c0.
gen_chains() {
	awk -v n="$1" -v web="${2:-}" 'BEGIN {
		print "table inet bench {"
		printf "\tset big {\n\t\ttype ipv4_addr\n\t\tsize 200000\n\t}\n"
		if (web == "web") {
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
		}
		for (c = 0; c < 10; c++) {
			printf "\tchain c%d {\n", c
			if (c == 0 && web != "web") print "\t\ttype filter hook input priority filter; policy drop;"
			if (c == 0 && web != "web") print "\t\tip saddr @big drop"
			for (i = 0; i < n / 10; i++) {
				k = c * n / 10 + i
				printf "\t\tip saddr 10.%d.%d.%d tcp dport %d counter accept\n",
					int(k / 65536) % 256, int(k / 256) % 256, k % 256, 1 + k % 65535
			}
			if (c < 9) printf "\t\tjump c%d\n", c + 1
			print "\t}"
		}
		print "}"
	}'
	gen_elements big 100000 172 16
}

# gen_elements SET N A B: "add element" commands of 10k addresses each,
# N in all, into set SET of table inet bench: A.(B + j/65536).(j/256).j
gen_elements() {
	awk -v set="$1" -v n="$2" -v a="$3" -v b="$4" 'BEGIN {
		for (i = 0; i < n; i += 10000) {
			printf "add element inet bench %s { ", set
			for (j = i; j < i + 10000 && j < n; j++)
				printf "%s%d.%d.%d.%d", (j > i ? ", " : ""), a, b + int(j / 65536), int(j / 256) % 256, j % 256
			print " }"
		}
	}'
}

# measure CMD...: best wall time and its lowest peak RSS (KiB) over $runs
# runs, output discarded: "SECONDS KIB". Fails if the command does.
measure() {
	local best_t="" best_m=""
	for _ in $(seq "$runs"); do
		local s e t m
		s=$(date +%s%N)
		/usr/bin/time -f "%M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || {
			cat "$work/err" >&2; return 1; }
		e=$(date +%s%N)
		read -r m < "$work/t"
		t=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f", (e - s) / 1e9 }')
		if [ -z "$best_t" ] || awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; fi
		if [ -z "$best_m" ] || [ "$m" -lt "$best_m" ]; then best_m=$m; fi
	done
	echo "$best_t $best_m"
}
