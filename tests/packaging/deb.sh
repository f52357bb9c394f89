#!/bin/bash
# The Debian package: built from packaging/debian with dpkg-buildpackage
# (debhelper's meson support) from a copy of the source tree, checked by
# lintian --pedantic (every tag left is overridden with its reason in
# packaging/debian/fwaudit.lintian-overrides), then installed with dpkg into
# a throwaway root: overlays on /usr, /etc and /var in a mount namespace of
# this test's own, so the test machine never changes. From there:
# fwaudit --version, check --snapshot with the installed policies, the
# installed files and unit states, the demo, and a clean purge.
# usage: deb.sh SOURCEDIR SNAPSHOT
set -u
src=$(realpath "$1")
snap=$(realpath "$2")
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

for t in dpkg-buildpackage dh lintian unshare; do
	command -v "$t" >/dev/null || { echo "deb: $t is missing; skipped"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "deb: the install needs root; skipped"; exit 77; }
version=$(sed -n '1s/^fwaudit (\([^)]*\)).*/\1/p' "$src/packaging/debian/changelog")
meson_version=$(sed -n "s/^\tversion : '\(.*\)',/\1/p" "$src/meson.build")
[ "$version" = "$meson_version" ] ||
	fail "debian/changelog is at $version, meson.build at $meson_version"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tree="$work/fwaudit-$version"
mkdir -p "$tree"
# the project's files, without build directories or caches
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$src" ls-files -co --exclude-standard -z | (cd "$src" && tar --null -T - -cf -) |
		tar -xf - -C "$tree"
else
	tar -C "$src" --exclude='./build*' --exclude=./tests/.cache -cf - . | tar -xf - -C "$tree"
fi
cp -r "$src/packaging/debian" "$tree/debian"

echo "deb: building"
if ! (cd "$tree" && dpkg-buildpackage -us -uc >"$work/build.log" 2>&1); then
	tail -40 "$work/build.log"
	fail "dpkg-buildpackage"
	echo "deb: $fails failed"
	exit 1
fi
deb=$(ls "$work"/fwaudit_"$version"_*.deb)
changes=$(ls "$work"/fwaudit_"$version"_*.changes)

echo "deb: lintian"
lintian --pedantic --display-level '>=pedantic' "$changes" >"$work/lintian.log" 2>&1
cat "$work/lintian.log"
grep -qE '^[EWIP]: ' "$work/lintian.log" && fail "lintian reports tags (fix or override them)"

echo "deb: installing into a throwaway root"
for d in usr etc var; do mkdir -p "$work/ov/$d/up" "$work/ov/$d/work"; done
unshare -m bash -s "$work" "$deb" "$snap" "$version" >"$work/install.log" 2>&1 <<'EOF'
set -u
work=$1 deb=$2 snap=$3 version=$4
mount --make-rprivate /
for d in usr etc var; do
	mount -t overlay overlay -o "lowerdir=/$d,upperdir=$work/ov/$d/up,workdir=$work/ov/$d/work" "/$d" ||
		{ echo "FAIL cannot overlay /$d"; exit 1; }
done
fail() { echo "FAIL $*"; }
dpkg -i "$deb" || fail "dpkg -i"
[ "$(fwaudit --version)" = "fwaudit $version" ] || fail "fwaudit --version: $(fwaudit --version)"
out=$(cd / && fwaudit check --snapshot "$snap"); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q 'from 3 policies' && echo "$out" | grep -q 'enforces ' ||
	fail "check --snapshot with the installed policies and postmortems (exit $rc): $out"
fwaudit postmortems | grep -q 'webapp-2023-02-01#2' || fail "the installed postmortems"
for f in /usr/bin/fwaudit /usr/share/fwaudit/policies/firewall-availability.yaml \
	/usr/share/fwaudit/postmortems/artimus-2023-06-01.md /usr/share/fwaudit/examples/web-ingress.yaml \
	/usr/share/man/man1/fwaudit.1.gz /usr/share/man/man5/fwaudit-policy.5.gz \
	/usr/share/man/man5/fwaudit-postmortem.5.gz /usr/share/bash-completion/completions/fwaudit \
	/lib/systemd/system/fwaudit-watch.service /lib/systemd/system/fwaudit-scan.service \
	/lib/systemd/system/fwaudit-scan.timer /usr/share/doc/fwaudit/examples/cron.d/fwaudit /usr/share/doc/fwaudit/examples/prometheus/fwaudit-alerts.yml \
	/usr/share/doc/fwaudit/examples/ansible/firewall.yml /usr/share/doc/fwaudit/copyright; do
	[ -e "$f" ] || fail "not installed: $f"
done
grep -q '^ExecStart=/usr/bin/fwaudit watch' /lib/systemd/system/fwaudit-watch.service ||
	fail "the watch unit runs /usr/bin/fwaudit"
[ -L /etc/systemd/system/timers.target.wants/fwaudit-scan.timer ] || fail "the timer is enabled"
[ -e /etc/systemd/system/multi-user.target.wants/fwaudit-watch.service ] &&
	fail "the watcher is enabled without being asked"
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify /lib/systemd/system/fwaudit-*.service /lib/systemd/system/fwaudit-scan.timer ||
		fail "the installed units verify"
fi
out=$(cd / && fwaudit demo 2>&1) || fail "fwaudit demo with the installed policies: $out"
dpkg --purge fwaudit || fail "dpkg --purge"
[ -e /usr/bin/fwaudit ] && fail "purged, but /usr/bin/fwaudit is still there"
[ -e /etc/systemd/system/timers.target.wants/fwaudit-scan.timer ] && fail "purged, timer still enabled"
echo done
EOF
cat "$work/install.log"
grep -q '^FAIL' "$work/install.log" && fails=$((fails + $(grep -c '^FAIL' "$work/install.log")))
grep -q '^done$' "$work/install.log" || fail "the install test did not finish"
echo "deb: $fails failed"
[ "$fails" -eq 0 ]
