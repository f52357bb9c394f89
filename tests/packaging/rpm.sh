#!/bin/bash
# The RPM spec builds, and stays in step with meson.build: same version,
# and rpmbuild (Debian's, with tests/packaging/rpm-macros standing in for
# Fedora's meson and systemd macros; BuildRequires not checked, as Debian
# names its packages otherwise) fails on any file meson installs that
# %files does not list. The built package holds what a Fedora user needs
# and its fwaudit runs.
# usage: rpm.sh SOURCEDIR
set -u
src=$(realpath "$1")
spec="$src/packaging/rpm/fwaudit.spec"
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

command -v rpmbuild >/dev/null || { echo "rpm: rpmbuild is missing; skipped"; exit 77; }
version=$(sed -n 's/^Version: *//p' "$spec")
meson_version=$(sed -n "s/^\tversion : '\(.*\)',/\1/p" "$src/meson.build")
[ "$version" = "$meson_version" ] || fail "the spec is at $version, meson.build at $meson_version"
grep -q "^\* .* - $version-" "$spec" || fail "the spec's %changelog has no entry for $version"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/SOURCES" "$work/fwaudit-$version"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$src" ls-files -co --exclude-standard -z | (cd "$src" && tar --null -T - -cf -) |
		tar -xf - -C "$work/fwaudit-$version"
else
	tar -C "$src" --exclude='./build*' --exclude=./tests/.cache -cf - . |
		tar -xf - -C "$work/fwaudit-$version"
fi
tar -C "$work" -czf "$work/SOURCES/fwaudit-$version.tar.gz" "fwaudit-$version"

echo "rpm: building"
if ! rpmbuild -bb --nodeps --define "_topdir $work" \
	--load "$src/tests/packaging/rpm-macros" "$spec" >"$work/build.log" 2>&1; then
	tail -30 "$work/build.log"
	fail "rpmbuild"
	echo "rpm: $fails failed"
	exit 1
fi
grep -E '^(warning|error):' "$work/build.log" && fail "rpmbuild warned"
pkg=$(ls "$work"/RPMS/*/fwaudit-"$version"-1.*.rpm)
list=$(rpm -qlp "$pkg")
# (Debian's rpm neither compresses man pages nor names the licence
# directory without the version, as Fedora's does)
for f in /usr/bin/fwaudit /usr/share/fwaudit/policies/firewall-availability.yaml \
	/usr/share/fwaudit/postmortems/webapp-2023-02-01.md '/usr/share/man/man1/fwaudit\.1(\.gz)?' \
	'/usr/share/man/man5/fwaudit-policy\.5(\.gz)?' '/usr/share/man/man5/fwaudit-postmortem\.5(\.gz)?' \
	/usr/share/bash-completion/completions/fwaudit /usr/lib/systemd/system/fwaudit-watch.service \
	/usr/lib/systemd/system/fwaudit-scan.service /usr/lib/systemd/system/fwaudit-scan.timer \
	/usr/share/doc/fwaudit/examples/cron.d/fwaudit /usr/share/doc/fwaudit/examples/prometheus/fwaudit-alerts.yml /usr/share/doc/fwaudit/README.md \
	'/usr/share/licenses/fwaudit[^/]*/COPYING'; do
	echo "$list" | grep -qxE "$f" || fail "the package lacks $f"
done
rpm -qp --requires "$pkg" 2>/dev/null | grep -qx nftables || fail "the package requires nftables"
mkdir "$work/root"
(cd "$work/root" && rpm2cpio "$pkg" | cpio -idm --quiet)
[ "$("$work/root/usr/bin/fwaudit" --version)" = "fwaudit $version" ] || fail "fwaudit --version"
grep -q '^ExecStart=/usr/bin/fwaudit watch' "$work/root/usr/lib/systemd/system/fwaudit-watch.service" ||
	fail "the watch unit runs /usr/bin/fwaudit"
echo "rpm: $fails failed"
[ "$fails" -eq 0 ]
