#!/bin/bash
# The systemd units: systemd-analyze verify passes for each (with ExecStart
# pointed at the built binary), and systemd-analyze security rates both
# services OK or better (exposure below 3.0); the scores are printed.
# usage: units.sh FWAUDIT UNITDIR
set -eu
fw=$(realpath "$1")
src=$(realpath "$2")
command -v systemd-analyze >/dev/null || { echo "units: no systemd-analyze; skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for u in fwaudit-watch.service fwaudit-scan.service; do
	sed "s|@bindir@/fwaudit|$fw|" "$src/$u.in" > "$work/$u"
done
cp "$src/fwaudit-scan.timer" "$work/"
cd "$work"
fails=0
if ! out=$(systemd-analyze verify --man=no ./fwaudit-watch.service ./fwaudit-scan.service \
	./fwaudit-scan.timer 2>&1) || [ -n "$out" ]; then
	echo "FAIL systemd-analyze verify:"; echo "$out"; fails=$((fails + 1))
fi
for u in fwaudit-watch.service fwaudit-scan.service; do
	line=$(systemd-analyze security --offline=true "./$u" 2>&1 | grep "Overall exposure level") || true
	echo "$u: ${line#*: }"
	score=$(echo "$line" | grep -o "[0-9]*\.[0-9]" | head -1)
	if [ -z "$score" ] || ! awk -v s="$score" 'BEGIN { exit !(s < 3.0) }' ||
		! echo "$line" | grep -q -E " (OK|SAFE)"; then
		echo "FAIL $u is not rated OK: $line"; fails=$((fails + 1))
	fi
done
echo "units: $fails failed"
[ "$fails" -eq 0 ]
