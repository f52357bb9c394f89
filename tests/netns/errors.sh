#!/bin/bash
# Errors are clear, located, exit 2, and leave nothing half-written.
set -u
fw=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
check() { # name expected-exit pattern command...
	local name=$1 want=$2 pat=$3
	shift 3
	"$@" >"$work/out" 2>"$work/err"
	local rc=$?
	if [ $rc -ne "$want" ] || ! grep -q -- "$pat" "$work/err"; then
		echo "FAIL $name: exit $rc (want $want), stderr: $(cat "$work/err")"
		fail=1
	else
		echo "ok $name"
	fi
}
printf '{"fwaudit_snapshot": 1,\n "tables": [}' >"$work/bad.json"
check "json syntax error names FILE:LINE:COL" 2 "^$work/bad.json:2:13: " "$fw" show --snapshot "$work/bad.json"
echo '{"fwaudit_snapshot": 1, "tables": [{"family": "ip"}]}' >"$work/bad2.json"
check "json shape error names the value" 2 "at /tables/0/name: missing string" "$fw" show --snapshot "$work/bad2.json"
check "missing file" 2 "No such file" "$fw" show --snapshot "$work/none.json"
check "unknown command" 2 "no such command" "$fw" frobnicate
check "bad format" 2 "text or json" "$fw" show --format xml
check "bad netns" 2 "cannot open network namespace" "$fw" show --netns fwaudit-no-such-ns
check "netns name with slash" 2 "not a path" "$fw" show --netns ../x
# Every command that reads a snapshot file: a malformed one (bad syntax,
# empty, not JSON, a value of the wrong shape) is exit 2 naming the file.
: >"$work/empty.json"
printf '\x89PNG\r\n\x1a\n\x00\x00' >"$work/binary.json"
ruleset=$(dirname "$0")/../data/rulesets/01-ip-basic.nft
for f in bad bad2 empty binary; do
	s=$work/$f.json
	check "$f: show" 2 "^$s:" "$fw" show --snapshot "$s"
	check "$f: check" 2 "^$s:" unshare -n "$fw" check --snapshot "$s"
	check "$f: trace" 2 "^$s:" "$fw" trace --snapshot "$s" --packet proto=tcp
	check "$f: reach" 2 "^$s:" "$fw" reach --snapshot "$s" --flow proto=tcp
	check "$f: diff" 2 "^$s:" "$fw" diff "$s" "$s"
	check "$f: coverage" 2 "^$s:" "$fw" coverage --snapshot "$s"
	check "$f: scan" 2 "^$s:" "$fw" scan --state "$work/state" --snapshot "$s"
	if unshare -n true 2>/dev/null; then
		check "$f: gate --against" 2 "^$s:" unshare -n "$fw" gate --against "$s" "$ruleset"
	fi
done
[ ! -e "$work/state/history" ] || { echo "FAIL: a scan of a bad snapshot stored a run"; fail=1; }
# The inputs fuzzing found crashes with are snapshot files too: read them all
for s in "$(dirname "$0")"/../data/fuzz/snapshot/*.json "$(dirname "$0")"/../data/fuzz/store/*.json; do
	for args in "show --snapshot $s" "check --snapshot $s" "diff $s $s" \
		"trace --snapshot $s --packet proto=tcp" "reach --snapshot $s --flow proto=tcp"; do
		# shellcheck disable=SC2086
		unshare -n "$fw" $args >/dev/null 2>"$work/err"
		rc=$?
		if [ $rc -gt 2 ]; then
			echo "FAIL fuzz seed $(basename "$s"): $args: exit $rc: $(tail -3 "$work/err")"
			fail=1
		fi
	done
done
echo "ok every command on malformed snapshots and the fuzz seeds"
# Without CAP_NET_ADMIN: the capability is named, exit 2.
if command -v setpriv >/dev/null && unshare -n true 2>/dev/null; then
	check "no CAP_NET_ADMIN" 2 "CAP_NET_ADMIN" unshare -n setpriv --inh-caps=-all --bounding-set=-net_admin "$fw" show
fi
# A failed snapshot writes nothing: the old output file stays as it was.
echo keep >"$work/out.json"
check "snapshot of a bad input keeps the old file" 2 "bad.json" "$fw" snapshot --snapshot "$work/bad.json" -o "$work/out.json"
[ "$(cat "$work/out.json")" = keep ] || { echo "FAIL: output file was touched"; fail=1; }
[ -z "$(ls "$work" | grep tmp)" ] || { echo "FAIL: temporary files left"; fail=1; }
# -o onto a pipe or device writes through it and never replaces it.
echo '{"fwaudit_snapshot": 1, "tables": []}' >"$work/good.json"
mkfifo "$work/fifo"
cat "$work/fifo" >"$work/fifo.out" &
reader=$!
"$fw" snapshot --snapshot "$work/good.json" -o "$work/fifo"
wait $reader
if [ -p "$work/fifo" ] && grep -q fwaudit_snapshot "$work/fifo.out"; then
	echo "ok snapshot -o FIFO writes through it"
else
	echo "FAIL: snapshot -o replaced or did not write the FIFO"
	fail=1
fi
exit $fail
