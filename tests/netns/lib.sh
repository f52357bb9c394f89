# Shared by the kernel-backed tests: compare nft's listing with fwaudit's.

# compare_rules NFT_LISTING FWAUDIT_LISTING -> prints "TOTAL SAME FW_TOTAL":
# rule lines (two tabs deep inside a chain) in nft's listing, how many of
# them fwaudit printed identically at the same line, and how many rule lines
# fwaudit printed at all (a missing rule shows as FW_TOTAL < TOTAL).
compare_rules() {
	awk '
		FNR == 1 { file++ }
		/^\tchain / { inchain = 1; next }
		/^\t}/ { inchain = 0; next }
		inchain && /^\t\t[^\t]/ && !/^\t\t(type |policy |comment )/ {
			if (file == 1) a[FNR] = $0; else { b[FNR] = $0; nb++ }
		}
		END {
			n = 0; same = 0
			for (i in a) { n++; if ((i in b) && a[i] == b[i]) same++ }
			print n, same, nb + 0
		}' "$1" "$2"
}

# finish NAME SAME TOTAL MIN_PERCENT PROBLEMS DETAIL -> prints the ratio line
# and exits 1 on problems or a ratio below MIN_PERCENT, else 0.
finish() {
	local name=$1 same=$2 total=$3 min=$4 problems=$5 detail=$6 pct=0
	[ "$total" -gt 0 ] && pct=$((100 * same / total))
	echo "$name: ${detail}identical rules $same/$total (${pct}%); problems $problems"
	[ "$problems" -eq 0 ] || exit 1
	[ "$pct" -ge "$min" ] || { echo "$name: rule match ${pct}% below the required ${min}%"; exit 1; }
	exit 0
}
