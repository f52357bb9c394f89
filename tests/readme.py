#!/usr/bin/python3
# The README runs as written: every command of its Quick start and of "The
# other commands" (with the postmortems walkthrough), in the order written,
# as one shell script, with the built binary as `fwaudit` and as
# build/fwaudit. It runs in a mount and network namespace of its own (a
# private /run/netns, so the README's `ip netns add` makes nothing on the
# host) and in a scratch directory that looks like the checkout (policies/,
# packaging/, build/ and ../shared link to the real ones), so what the
# commands write lands there. A command fails the test when it exits 2, is
# killed, or a sanitizer reports; fwaudit's exit 1 (findings) is an answer,
# any other command must exit 0. `packaging/quickstart test` is the one
# command not run: it is what runs this test.
# usage: readme.py SOURCEDIR FWAUDIT
import os, re, shutil, subprocess, sys, tempfile

src = os.path.realpath(sys.argv[1])
fw = os.path.realpath(sys.argv[2])
build = os.path.dirname(fw)
readme = os.path.join(src, "README.md")

SECTIONS = ("## Quick start", "## The other commands")
NOT_RUN = {"packaging/quickstart test": "it is the command that runs this test"}
SHARED = os.path.join(os.path.dirname(src), "shared")


def blocks(path):
    """(first line number, text) of each ```sh block in SECTIONS."""
    out, section, block, start = [], None, None, 0
    for n, line in enumerate(open(path), 1):
        if block is not None:
            if line.startswith("```"):
                out.append((start, "".join(block)))
                block = None
            else:
                block.append(line)
        elif line.startswith("## "):
            section = line.rstrip("\n") if line.rstrip("\n") in SECTIONS else None
        elif section and line.startswith("```sh"):
            block, start = [], n + 1
    return out


ON_ERR = r"""
# a command that failed: fwaudit's exit 1 (findings) is an answer
on_err() {
	case "$2" in
	fwaudit\ * | \$FW\ * | build/fwaudit\ * | packaging/quickstart\ *)
		[ "$1" -eq 1 ] && return 0 ;;
	esac
	echo "README:$(readme_line "$3"): exit $1: $2" >&2
	fails=$((fails + 1))
}
trap 'on_err $? "$BASH_COMMAND" $LINENO' ERR
"""


def script(found):
    """The blocks as one bash script; each line of it remembers the README
    line it comes from, so that a failing command is named by that line."""
    lines = ["", "set -u", "fails=0"] + ON_ERR.strip("\n").splitlines()
    where = {}
    for start, text in found:
        for k, line in enumerate(text.splitlines()):
            stripped = line.strip()
            for cmd, why in NOT_RUN.items():
                if stripped.startswith(cmd):
                    print("README:%d: not run (%s): %s" % (start + k, why, stripped))
                    line = ":"
            if "../shared" in line and not os.path.isdir(SHARED):
                print("README:%d: not run (../shared is absent): %s" % (start + k, stripped))
                line = ":"
            if fw != os.path.join(src, "build", "fwaudit"):
                line = re.sub(r"(^|\s)build/fwaudit\b", r"\1$FW", line)
            lines.append(line)
            where[len(lines)] = start + k  # script lines count from 1
    lines.append('echo "readme: $fails failing commands" >&2')
    lines.append('exit $((fails > 0))')
    table = " ".join("%d:%d" % kv for kv in sorted(where.items()))
    lines[0] = ('readme_line() { local best=?; for p in %s; do '
                '[ "${p%%%%:*}" -le "$1" ] && best=${p#*:}; done; echo "$best"; }' % table)
    return "\n".join(lines) + "\n"


def main():
    found = blocks(readme)
    if not found:
        print("readme: no ```sh blocks found in %s" % readme)
        return 1
    if subprocess.run(["unshare", "-mn", "true"], capture_output=True).returncode:
        print("readme: cannot make a mount and network namespace; skipped")
        return 77
    scratch = tempfile.mkdtemp(prefix="fwaudit-readme-")
    try:
        home = os.path.join(scratch, "checkout")
        os.mkdir(home)
        for name in ("policies", "packaging", "docs", "README.md"):
            os.symlink(os.path.join(src, name), os.path.join(home, name))
        os.symlink(build, os.path.join(home, "build"))
        if os.path.isdir(SHARED):
            os.symlink(SHARED, os.path.join(scratch, "shared"))
        bindir = os.path.join(scratch, "bin")
        os.mkdir(bindir)
        os.symlink(fw, os.path.join(bindir, "fwaudit"))
        body = script(found)
        with open(os.path.join(scratch, "readme.sh"), "w") as f:
            f.write(body)
        # a private /run/netns and /var/lib/fwaudit: the README's namespaces
        # and state exist only in here
        wrapper = ("set -e; mount --make-rprivate /; mkdir -p /run/netns /var/lib/fwaudit; "
                   "mount -t tmpfs fwaudit-readme /run/netns; "
                   "mount -t tmpfs fwaudit-readme /var/lib/fwaudit; "
                   "ip link set lo up; cd \"$1\"; exec bash \"$2\"")
        env = dict(os.environ, FW=fw, PATH=bindir + ":" + os.environ.get("PATH", ""),
                   NO_COLOR="1",
                   ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "detect_leaks=1") +
                   ":exitcode=86",
                   UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=87")
        r = subprocess.run(["unshare", "-mn", "--fork", "bash", "-c", wrapper, "_", home,
                            os.path.join(scratch, "readme.sh")],
                           capture_output=True, text=True, env=env, timeout=600)
        verbose = r.returncode or os.environ.get("VERBOSE")
        sys.stdout.write(r.stdout if os.environ.get("VERBOSE") else r.stdout[-6000:] if verbose else "")
        sys.stderr.write(r.stderr[-20000:] if verbose else "")
        reports = [l for l in r.stderr.splitlines()
                   if "runtime error:" in l or "AddressSanitizer" in l or
                   "LeakSanitizer" in l]
        for l in reports:
            print("sanitizer: %s" % l)
        ran = sum(1 for _, t in found for l in t.splitlines()
                  if l.strip() and not l.strip().startswith("#"))
        print("readme: %d blocks, %d command lines from README.md; exit %d, %d sanitizer "
              "reports" % (len(found), ran, r.returncode, len(reports)))
        return 1 if r.returncode or reports else 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


sys.exit(main())
