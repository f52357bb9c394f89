#!/usr/bin/python3
# fwaudit's unified diff (src/files/diff.c) against GNU diff -u, on seeded
# random pairs of config-like files: the patch must turn A into B (checked
# with patch(1)), change exactly as many lines as diff -u does (both are
# shortest edit scripts), and be byte-identical to diff -u's output wherever
# the shortest script is unique in shape (we compare and count those).
# usage: diff_check.py DIFF_TOOL [SEED] [COUNT]
import os, random, shutil, subprocess, sys, tempfile

tool = sys.argv[1]
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
count = int(sys.argv[3]) if len(sys.argv) > 3 else 500
if not shutil.which("diff") or not shutil.which("patch"):
    print("diff_check: diff or patch missing; skipped")
    sys.exit(77)
rng = random.Random(seed)
words = ["listen 80;", "listen 443 ssl;", "server_name example.org;", "root /srv/www;",
         "timeout = 30", "timeout = 1", "", "}", "{", "# comment", "allow 10.0.0.0/8;",
         "deny all;", "autoindex on;", "autoindex off;"]


def text():
    lines = [rng.choice(words) for _ in range(rng.randint(0, 40))]
    body = "\n".join(lines)
    if lines and rng.random() < 0.8:
        body += "\n"
    return body


def mutate(t):
    lines = t.split("\n")
    for _ in range(rng.randint(0, 6)):
        op = rng.random()
        i = rng.randint(0, len(lines))
        if op < 0.4:
            lines.insert(i, rng.choice(words))
        elif op < 0.8 and lines:
            del lines[min(i, len(lines) - 1)]
        elif lines:
            lines[min(i, len(lines) - 1)] = rng.choice(words)
    out = "\n".join(lines)
    if rng.random() < 0.1:
        out = out.rstrip("\n")
    return out


def changed(d):
    return sum(1 for l in d.splitlines() if l[:1] in "+-" and not l.startswith(("+++", "---")))


fails = identical = 0
work = tempfile.mkdtemp()
try:
    a, b = os.path.join(work, "a"), os.path.join(work, "b")
    for n in range(count):
        ta = text()
        tb = mutate(ta) if rng.random() < 0.9 else text()
        open(a, "w").write(ta)
        open(b, "w").write(tb)
        ours = subprocess.run([tool, a, b], capture_output=True, text=True)
        gnu = subprocess.run(["diff", "-u", "--label", a, "--label", b, a, b],
                             capture_output=True, text=True)
        ok = ours.returncode == gnu.returncode
        if ok and ours.returncode == 1:
            c = os.path.join(work, "c")
            shutil.copy(a, c)
            p = subprocess.run(["patch", "-s", "-o", c + ".out", c], input=ours.stdout,
                               capture_output=True, text=True)
            ok = p.returncode == 0 and open(c + ".out").read() == tb
            ok = ok and changed(ours.stdout) == changed(gnu.stdout)
            if os.path.exists(c + ".out"):
                os.unlink(c + ".out")
        elif ok:
            ok = ours.stdout == ""
        identical += ok and ours.stdout == gnu.stdout
        if not ok:
            fails += 1
            if fails <= 3:
                print("diff_check: case %d differs\n--- A\n%s--- B\n%s--- ours\n%s--- diff -u\n%s"
                      % (n, ta, tb, ours.stdout, gnu.stdout))
finally:
    shutil.rmtree(work)
print("diff_check: %d pairs, %d failed, %d byte-identical to diff -u" % (count, fails, identical))
sys.exit(1 if fails else 0)
