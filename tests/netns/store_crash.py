#!/usr/bin/python3
# The state directory survives a scan killed at any point: SIGKILL at random
# moments of many scans (some moving the baseline, some pruning), and after
# each the history still verifies, keeps every entry it had, and the
# baseline still loads. Then scans started together never interleave.
# usage: store_crash.py FWAUDIT [ROUNDS]
import json, os, random, shutil, signal, subprocess, sys, tempfile, time

from nstest import expect, finish, sh

fw = os.path.realpath(sys.argv[1])
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 80
ns = "fwa-crash-%d" % os.getpid()


if subprocess.run(["ip", "netns", "add", ns], capture_output=True).returncode:
    print("store_crash: cannot make a namespace; skipped")
    sys.exit(77)
work = tempfile.mkdtemp()
state = os.path.join(work, "state")
conf = os.path.join(work, "app.conf")
pol = os.path.join(work, "p.yaml")
random.seed(int(os.environ.get("SEED", "6")))
try:
    rules = "\n".join("    tcp dport %d ip saddr 10.%d.%d.0/24 accept" % (1000 + i, i // 250, i % 250)
                      for i in range(3000))
    sh("ip", "netns", "exec", ns, "nft", "-f", "-",
       inp="table inet t {\n  chain input {\n    type filter hook input priority 0;\n%s\n  }\n}\n"
       % rules)
    with open(conf, "w") as f:
        f.write("a = 1\n")
    with open(pol, "w") as f:
        f.write("policy: p\nwatch: [%s]\nrequire:\n  - table: {name: t}\n" % conf)

    def scan(*args):
        return [fw, "scan", "--netns", ns, "--state", state, "--policies", pol, "--format",
                "json"] + list(args)

    def history_text():
        try:
            with open(os.path.join(state, "history")) as f:
                return f.read()
        except FileNotFoundError:
            return ""

    r = subprocess.run(scan(), capture_output=True, text=True)
    expect(r.returncode == 0, "first scan", r.stderr)
    # how long a scan against a baseline takes: the kills land all over it
    t0 = time.monotonic()
    subprocess.run(scan(), capture_output=True, text=True)
    took = time.monotonic() - t0
    killed = finished = committed = 0
    for i in range(rounds):
        before = history_text()
        if random.random() < 0.3:
            sh("ip", "netns", "exec", ns, "nft", "add", "rule", "inet", "t", "input", "tcp",
               "dport", str(20000 + i), "drop")
        if random.random() < 0.3:
            with open(conf, "a") as f:
                f.write("b%d = %d\n" % (i, i))
        args = []
        if random.random() < 0.3:
            args.append("--accept")
        if random.random() < 0.3:
            args += ["--keep", str(random.randint(1, 4))]
        p = subprocess.Popen(scan(*args), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(random.uniform(0, took * 1.1))
        p.send_signal(signal.SIGKILL)
        p.wait()
        if p.returncode == -signal.SIGKILL:
            killed += 1
        else:
            finished += 1
        after = history_text()
        v = subprocess.run([fw, "history", "--state", state, "verify"], capture_output=True,
                           text=True)
        expect(v.returncode == 0, "round %d: history verifies after the kill" % i,
               v.stdout + v.stderr)
        expect(after.startswith(before), "round %d: no entry lost or rewritten" % i)
        committed += after != before
        d = subprocess.run([fw, "diff", "--state", state, "baseline", "latest"],
                           capture_output=True, text=True)
        expect(d.returncode in (0, 1), "round %d: the baseline and latest still load" % i,
               d.stderr)
        leftovers = [n for n in os.listdir(state) + os.listdir(os.path.join(state, "snapshots"))
                     if ".tmp." in n]
        if leftovers:
            # the next writer removes them: make sure it does
            subprocess.run(scan(), capture_output=True)
            left = [n for n in os.listdir(state) + os.listdir(os.path.join(state, "snapshots"))
                    if ".tmp." in n]
            expect(not left, "round %d: the next scan removes temporary files" % i, str(left))
    print("%d scans killed (%d after their history entry was committed), %d finished before "
          "the kill" % (killed, committed - finished, finished))
    expect(killed >= rounds // 4, "enough scans were really killed mid-run")

    # ---- the narrowest window: killed between the history and the baseline pointer ----
    with open(os.path.join(state, "baseline")) as f:
        old_pointer = f.read()
    r = subprocess.run(scan("--accept"), capture_output=True, text=True)
    new_base = json.loads(r.stdout)["baseline"]
    with open(os.path.join(state, "baseline"), "w") as f:
        f.write(old_pointer)  # as if the pointer's rename never happened
    v = subprocess.run([fw, "history", "--state", state, "verify"], capture_output=True, text=True)
    expect(v.returncode == 0 and "lags the history" in v.stdout,
           "a lagging baseline pointer verifies, with a note", v.stdout)
    r = subprocess.run(scan(), capture_output=True, text=True)
    with open(os.path.join(state, "baseline")) as f:
        expect(f.read().strip() == new_base, "the next scan moves the pointer to the history's")

    # ---- scans started together queue on the lock ----
    n0 = len(history_text().splitlines())
    ps = [subprocess.Popen(scan(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
          for _ in range(4)]
    codes = [p.wait() for p in ps]
    expect(all(c == 0 for c in codes), "parallel scans all succeed", str(codes))
    lines = history_text().splitlines()
    expect(len(lines) == n0 + 4, "four parallel scans, four entries", "%d -> %d" % (n0, len(lines)))
    v = subprocess.run([fw, "history", "--state", state, "verify"], capture_output=True, text=True)
    expect(v.returncode == 0, "history verifies after parallel scans", v.stdout)
finally:
    subprocess.run(["ip", "netns", "del", ns])
    shutil.rmtree(work, ignore_errors=True)

finish()
