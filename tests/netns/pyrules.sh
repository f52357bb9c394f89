#!/bin/bash
# Rendering corpus from nftables' own tests/py: every "RULE;ok" line of each
# .t file is added with nft into a private namespace, with the tables,
# chains, sets and objects the file declares; then fwaudit's listing of
# each rule is compared with nft's. Prints the exact-match ratio.
# usage: pyrules.sh FWAUDIT DIR MIN_PERCENT
set -u
fw=$1 dir=$2 min=$3
. "$(dirname "$0")/lib.sh"
[ -d "$dir" ] || { echo "SKIP: corpus $dir absent"; exit 77; }
unshare -n true 2>/dev/null || { echo "SKIP: cannot create a network namespace"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One nft command per line: the file's declarations, then each rule once
# for every table it applies to.
to_commands() {
	awk -F';' '
	function flush_tables() { }
	/^#/ || /^[ \t]*$/ || /^-/ { next }
	/^:/ { name = substr($1, 2); chaindef[name] = $2; next }
	/^\*/ {
		fam = substr($1, 2); tbl = $2; n = split($3, cs, ",")
		if (!((fam, tbl) in seen)) {
			seen[fam, tbl] = 1; ntables++; tf[ntables] = fam; tt[ntables] = tbl
			print "add table " fam " " tbl
		}
		tc[ntables] = ""
		for (i = 1; i <= n; i++) {
			print "add chain " fam " " tbl " " cs[i] " { " chaindef[cs[i]] "; }"
			tc[ntables] = tc[ntables] (i > 1 ? "," : "") cs[i]
		}
		next
	}
	$2 != "ok" { next }
	/^!/ {
		split(substr($1, 2), w, " "); body = substr($1, length(w[1]) + 3)
		gsub(/ flags /, "; flags ", body); gsub(/ timeout /, "; timeout ", body)
		gsub(/ size /, "; size ", body)
		for (t = 1; t <= ntables; t++)
			print "add " (body ~ / : / ? "map" : "set") " " tf[t] " " tt[t] " " w[1] " { " body "; }"
		next
	}
	/^\?/ {
		split(substr($1, 2), w, " "); body = substr($1, length(w[1]) + 3)
		for (t = 1; t <= ntables; t++)
			print "add element " tf[t] " " tt[t] " " w[1] " { " body " }"
		next
	}
	/^%/ {
		split(substr($1, 2), w, " "); body = substr($1, length(w[1]) + 3)
		sub(/^type /, "", body); split(body, o, " "); rest = substr(body, length(o[1]) + 2)
		for (t = 1; t <= ntables; t++)
			print "add " o[1] " " tf[t] " " tt[t] " " w[1] (rest != "" ? " { " rest " }" : "")
		next
	}
	{
		for (t = 1; t <= ntables; t++) {
			n = split(tc[t], cs, ",")
			for (i = 1; i <= n; i++)
				print "add rule " tf[t] " " tt[t] " " cs[i] " " $1
		}
	}' "$1"
}

files=0 rules=0 same=0 added=0 problems=0
for t in "$dir"/*.t; do
	files=$((files + 1))
	to_commands "$t" > "$work/cmds"
	unshare -n bash -c '
		while IFS= read -r cmd; do nft "$cmd" 2>/dev/null; done < "$1"
		nft list ruleset > "$2/nft.txt" 2>/dev/null
		"$3" show > "$2/fw.txt" 2> "$2/fw.err" || exit 5
	' _ "$work/cmds" "$work" "$fw"
	if [ $? -ne 0 ]; then
		echo "FAIL $(basename "$t"): fwaudit show failed: $(cat "$work/fw.err")"
		problems=$((problems + 1)); continue
	fi
	read -r n s fwn < <(compare_rules "$work/nft.txt" "$work/fw.txt")
	if [ "$fwn" -ne "$n" ]; then
		echo "FAIL $(basename "$t"): nft lists $n rules, fwaudit $fwn"
		problems=$((problems + 1))
	fi
	rules=$((rules + n)); same=$((same + s))
	if [ -n "${VERBOSE:-}" ] && [ "$s" -ne "$n" ]; then
		echo "--- $(basename "$t")"
		diff <(sed 's/^[ \t]*//' "$work/nft.txt") <(sed 's/^[ \t]*//' "$work/fw.txt") | grep '^[<>]' | head -${VERBOSE_LINES:-10}
	fi
done
finish nft-py "$same" "$rules" "$min" "$problems" "$files files; "
