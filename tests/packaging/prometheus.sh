#!/bin/bash
# Prometheus: the metrics fwaudit really writes (scan --textfile and watch
# --textfile, in a namespace of the test's own) pass promtool check metrics;
# the example alerting rules pass promtool check rules and their unit tests
# (promtool test rules); and every metric the rules use is one fwaudit writes.
# promtool comes from Debian's prometheus package, unpacked by quickstart.
# usage: prometheus.sh FWAUDIT SOURCEDIR PROMTOOL
set -u
fw=$(realpath "$1")
src=$(realpath "$2")
promtool=$(realpath -m "$3")
ex="$src/packaging/examples/prometheus"
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

[ -x "$promtool" ] || { echo "prometheus: no promtool at $promtool; skipped"; exit 77; }
ns=fwa-prom-$$
ip netns add "$ns" 2>/dev/null || { echo "prometheus: cannot make a namespace; skipped"; exit 77; }
work=$(mktemp -d)
watcher= server=
cleanup() {
	[ -n "$watcher" ] && kill "$watcher" 2>/dev/null && wait "$watcher" 2>/dev/null
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
	ip netns del "$ns"
	rm -rf "$work"
}
trap cleanup EXIT

"$promtool" check rules "$ex/fwaudit-alerts.yml" || fail "promtool check rules"
(cd "$ex" && "$promtool" test rules fwaudit-alerts.test.yml) || fail "promtool test rules"

ip netns exec "$ns" nft -f - <<'EOF'
table inet filter {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport 22 accept
	}
}
EOF
# a web server, so that the blanket block below is critical
ip netns exec "$ns" python3 -c 'import socket, time
s = socket.socket(); s.bind(("0.0.0.0", 443)); s.listen(); time.sleep(600)' &
server=$!
for _ in $(seq 50); do ip netns exec "$ns" ss -Htln | grep -q ':443 ' && break; sleep 0.1; done
pol=(--policies "$src/policies" --postmortems "$src/policies/postmortems")
"$fw" scan --netns "$ns" --state "$work/state" "${pol[@]}" --quiet --textfile "$work/scan.prom" >/dev/null
[ $? -le 1 ] || fail "scan --textfile"
"$promtool" check metrics <"$work/scan.prom" || fail "promtool check metrics: scan"
grep -qx 'fwaudit_scan_rules 1' "$work/scan.prom" || fail "scan metrics: $(cat "$work/scan.prom")"
grep -qx 'fwaudit_scan_policy_links_unresolved 0' "$work/scan.prom" ||
	fail "scan metrics: links: $(cat "$work/scan.prom")"
# the policies without their postmortems: every link a low finding, counted
# (a copy of the binary runs as an installed one, without the checkout's)
mkdir "$work/bare" && cp "$src"/policies/*.yaml "$work/bare/" && cp "$fw" "$work/fwaudit"
"$work/fwaudit" scan --netns "$ns" --state "$work/state2" --policies "$work/bare" --quiet \
	--textfile "$work/scan2.prom" >/dev/null 2>"$work/scan2.err"
[ $? -le 1 ] || fail "scan --textfile without postmortems: $(cat "$work/scan2.err")"
grep -qx 'fwaudit_scan_policy_links_unresolved 4' "$work/scan2.prom" ||
	fail "scan metrics without postmortems: $(cat "$work/scan2.prom" 2>&1)"
grep -qx 'fwaudit_scan_findings{severity="low"} 4' "$work/scan2.prom" ||
	fail "scan metrics without postmortems: the links are low findings"
"$promtool" check metrics <"$work/scan2.prom" || fail "promtool check metrics: scan, links"

"$fw" watch --netns "$ns" "${pol[@]}" --textfile "$work/watch.prom" >"$work/watch.out" 2>&1 &
watcher=$!
for _ in $(seq 100); do [ -s "$work/watch.prom" ] && break; sleep 0.1; done
grep -q 'fwaudit_findings{severity="critical"} 0' "$work/watch.prom" ||
	fail "watch metrics at the start: $(cat "$work/watch.prom" 2>&1)"
ip netns exec "$ns" nft insert rule inet filter input drop
for _ in $(seq 50); do grep -q 'severity="critical"} [1-9]' "$work/watch.prom" 2>/dev/null && break; sleep 0.1; done
grep -q 'fwaudit_findings{severity="critical"} [1-9]' "$work/watch.prom" ||
	fail "watch metrics after the blanket block: $(cat "$work/watch.prom" 2>&1)"
"$promtool" check metrics <"$work/watch.prom" || fail "promtool check metrics: watch"

for m in $(grep -o 'fwaudit_[a-z_]*' "$ex/fwaudit-alerts.yml" | sort -u); do
	grep -q "^$m[{ ]" "$work/scan.prom" "$work/watch.prom" ||
		fail "the rules use $m, which fwaudit does not write"
done
echo "prometheus: $fails failed"
[ "$fails" -eq 0 ]
