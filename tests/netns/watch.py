#!/usr/bin/python3
# fwaudit watch against a real kernel in a private namespace: a change made
# with nft names nft and its pid; the seed outage (a blanket drop inserted at
# the top of input) gives one alert with a critical finding; a storm of
# transactions with a small receive buffer loses events, the watcher says so
# and reads the ruleset again, and afterwards its model is the kernel's
# (fwaudit diff against a fresh snapshot finds nothing) and its findings are
# fwaudit check's; events of every kind are applied (tables, chains, chain
# policy, rules at a position, sets, elements, objects) without a re-read.
# usage: watch.py FWAUDIT POLICYDIR
import json, os, signal, subprocess, sys, tempfile, time

from nstest import WEB_INPUT as RULESET, expect, finish, installed_copy, sh

fw = os.path.realpath(sys.argv[1])
policies = os.path.realpath(sys.argv[2])
postmortems = os.path.join(policies, "postmortems")
ns = "fwa-watch-%d" % os.getpid()


WEB = """policy: web
title: Web traffic must reach the service
severity: critical
expect:
  - name: web from anywhere
    flow: {hook: input, proto: tcp, dport: 443, ct: new}
    verdict: accept
"""

if subprocess.run(["ip", "netns", "add", ns], capture_output=True).returncode:
    print("watch: cannot make a namespace; skipped")
    sys.exit(77)
work = tempfile.mkdtemp()
pol = os.path.join(work, "policies")
os.mkdir(pol)
with open(os.path.join(pol, "web.yaml"), "w") as f:
    f.write(WEB)


def nft(*args, inp=None):
    return sh("ip", "netns", "exec", ns, "nft", *args, inp=inp)


class Watcher:
    def __init__(self, *extra, policies=None, prog=fw):
        self.out = open(os.path.join(work, "alerts"), "w+")
        where = ["--policies", policies] if policies else ["--policies", pol, "--postmortems",
                                                             postmortems]
        self.p = subprocess.Popen([prog, "watch", "--netns", ns, "--format", "json"] + where +
                                  list(extra), stdout=self.out, stderr=subprocess.PIPE,
                                  text=True)
        self.wait_for(lambda a: a["event"] == "start")

    def alerts(self):
        self.out.flush()
        with open(self.out.name) as f:
            # an alert of more than one write may be half there: whole lines only
            return [json.loads(l) for l in f if l.strip() and l.endswith("\n")]

    def wait_for(self, pred, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            for a in self.alerts():
                if pred(a):
                    return a
            time.sleep(0.02)
        return None

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        _, err = self.p.communicate(timeout=60)
        return self.p.returncode, err


try:
    nft("-f", "-", inp=RULESET)

    # the seed outage, live: one alert, critical, naming nft and its pid
    w = Watcher()
    n0 = len(w.alerts())
    t0 = time.time()
    r = subprocess.Popen(["ip", "netns", "exec", ns, "nft", "insert", "rule", "inet", "filter",
                          "input", "drop"])
    r.wait()
    a = w.wait_for(lambda a: a["event"] == "change")
    lat = time.time() - t0
    expect(a is not None, "an alert for the blanket drop")
    time.sleep(0.3)
    changes = [x for x in w.alerts()[n0:] if x["event"] == "change"]
    expect(len(changes) == 1, "one alert for one transaction", changes)
    if a:
        expect(a["comm"] == "nft", "the alert names nft", a)
        expect(a["pid"] > 0, "the alert names a pid", a)
        crit = [f for f in a["findings_new"] if f["severity"] == "critical"]
        expect(len(crit) == 1 and crit[0]["policy"] == "web",
               "the blanket drop is one critical finding of the web policy", a["findings_new"])
        expect(a["rules_added"] == 1 and any(c.get("rule") == "drop" for c in a["changes"]),
               "the alert shows the rule added", a["changes"])
        expect(a["findings"]["critical"] == 1, "critical count 1", a["findings"])
    print("blanket drop: alert %.0f ms after nft started" % (lat * 1000))

    # pid attribution: a long-lived committer's pid and command line
    holder = subprocess.Popen(["ip", "netns", "exec", ns, "nft", "-i"], stdin=subprocess.PIPE,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
    drop = [c["handle"] for c in a["changes"] if c.get("rule") == "drop"] if a else [0]
    holder.stdin.write("delete rule inet filter input handle %d\n" % drop[0])
    holder.stdin.flush()
    a = w.wait_for(lambda a: a["event"] == "change" and a["rules_removed"] == 1)
    expect(a is not None and a["comm"] == "nft", "the interactive nft's change", a)
    if a:
        expect(a["pid"] == holder.pid or a.get("ppid") == holder.pid,
               "the pid is the committing nft's (%d)" % holder.pid, a)
        expect("nft -i" in a.get("cmdline", ""), "its command line from /proc", a)
        expect(any(f["severity"] == "critical" for f in a["findings_resolved"]),
               "the critical finding is resolved", a)
    holder.stdin.close()
    holder.wait()

    # every kind of event, applied without a re-read
    nft("-f", "-", inp="""
add table ip extra
add chain ip extra c { type filter hook forward priority 0; policy accept; }
add set ip extra s { type ipv4_addr; flags interval; }
add element ip extra s { 10.0.0.0/8, 192.168.1.1 }
add counter ip extra cnt
add rule ip extra c ip saddr @s counter name cnt drop
add rule ip extra c tcp dport 22 accept
""")
    nft("insert", "rule", "ip", "extra", "c", "udp", "dport", "53", "accept")
    nft("add", "rule", "inet", "filter", "input", "tcp", "dport", "{ 8080, 8443 }", "accept")
    nft("chain", "ip", "extra", "c", "{ policy drop; }")
    nft("delete", "element", "ip", "extra", "s", "{ 192.168.1.1 }")
    nft("add", "element", "ip", "extra", "s", "{ 172.16.0.0/12 }")
    nft("add", "quota", "ip", "extra", "q", "{ 25 mbytes }")
    nft("delete", "quota", "ip", "extra", "q")
    nft("add", "table", "ip", "gone")
    nft("add", "chain", "ip", "gone", "x")
    nft("delete", "table", "ip", "gone")
    handles = nft("-a", "list", "chain", "inet", "filter", "input").stdout
    h = [l.split("# handle ")[1] for l in handles.splitlines() if "8080" in l][0]
    nft("replace", "rule", "inet", "filter", "input", "handle", h, "tcp", "dport", "8080",
        "accept")
    time.sleep(0.5)
    code, err = w.stop()
    expect(code == 0, "SIGTERM exits 0", err)
    expect(not any("resynchronised" in x for x in w.alerts()),
           "no re-read for ordinary changes", [x for x in w.alerts() if "resynchronised" in x])

    def same_as_kernel(tag, *extra):
        model = os.path.join(work, "model-%s.json" % tag)
        fresh = os.path.join(work, "fresh-%s.json" % tag)
        w = Watcher("--save-model", model, *extra)
        yield w
        # stop once the watcher has seen the kernel's latest generation
        gen = json.loads(sh(fw, "snapshot", "--netns", ns).stdout)["generation"]
        w.wait_for(lambda a: a["generation"] >= gen, timeout=120)
        code, err = w.stop()
        w.err = err
        expect(code == 0, "%s: watcher exits 0" % tag, err)
        with open(fresh, "w") as f:
            f.write(sh(fw, "snapshot", "--netns", ns).stdout)
        d = sh(fw, "diff", model, fresh, check=False)
        expect(d.returncode == 0, "%s: the watcher's model is the kernel's ruleset" % tag,
               d.stdout[-3000:] + d.stderr)
        chk = sh(fw, "check", "--netns", ns, "--policies", pol, "--postmortems", postmortems,
                 "--format", "json", check=False)
        doc = json.loads(chk.stdout)
        last = w.alerts()[-1]
        ids = sorted(f["id"] for f in doc["findings"])
        alerted = set()
        for x in w.alerts():
            alerted |= {f["id"] for f in x["findings_new"]}
            alerted -= {f["id"] for f in x["findings_resolved"]}
        expect(sorted(alerted) == sorted(set(ids)),
               "%s: the findings the alerts leave are fwaudit check's" % tag,
               "%s\n%s" % (sorted(alerted), ids))
        yield last

    # the model after all the kinds of change above
    g = same_as_kernel("kinds")
    w = next(g)
    nft("add", "rule", "ip", "extra", "c", "position", "0", "icmp", "type", "echo-request",
        "accept")
    w.wait_for(lambda a: a["event"] == "change")
    next(g, None)

    # a storm with a small receive buffer: events are lost, the watcher says
    # so, reads again, and ends where the kernel is
    g = same_as_kernel("storm", "--rcvbuf", "4096", "--debounce", "50")
    w = next(g)
    script = os.path.join(work, "storm.sh")
    with open(script, "w") as f:
        f.write("for i in $(seq 1 1500); do echo \"add rule inet filter input tcp dport "
                "$((10000 + i)) accept\"; done > %s/storm.nft\n" % work)
        f.write("for i in $(seq 1 300); do nft add rule inet filter input udp dport $((20000 + i)) "
                "accept & done; wait\n")
        f.write("nft -f %s/storm.nft\n" % work)
    with open(script.replace("storm.sh", "storm2.sh"), "w") as f:
        f.write("for i in $(seq 1 300); do nft add rule inet filter input udp dport $((30000 + i)) "
                "accept & done; wait\n")
        f.write("nft -f %s/storm.nft\n" % work)
    # half of the storm while the watcher is stopped: its buffer overflows
    # whatever the machine's speed; the other half while it runs
    w.p.send_signal(signal.SIGSTOP)
    sh("ip", "netns", "exec", ns, "sh", script)
    w.p.send_signal(signal.SIGCONT)
    sh("ip", "netns", "exec", ns, "sh", script.replace("storm.sh", "storm2.sh"))
    a = w.wait_for(lambda a: "resynchronised" in a)
    expect(a is not None, "the storm lost events and the alert says so")
    time.sleep(1)
    next(g, None)

    # churn: rules added and flushed again and again leave removed objects
    # in the model; past twice the last read (no slack here) the watcher
    # reads the ruleset again, quietly, and carries on from there
    nft("flush", "chain", "inet", "filter", "input")  # the storm's rules: a small model
    nft("add", "chain", "inet", "filter", "churn")
    os.environ["FWAUDIT_WATCH_COMPACT_SLACK"] = "0"
    g = same_as_kernel("churn")
    w = next(g)
    del os.environ["FWAUDIT_WATCH_COMPACT_SLACK"]
    batch = "".join("add rule inet filter churn tcp dport %d accept\n" % (40000 + i)
                    for i in range(200)) + "flush chain inet filter churn\n"
    for _ in range(6):
        nft("-f", "-", inp=batch)
    gen = json.loads(sh(fw, "snapshot", "--netns", ns).stdout)["generation"]
    w.wait_for(lambda a: a["generation"] >= gen, timeout=120)
    time.sleep(1)  # idle: the watcher compacts now
    nft("add", "rule", "inet", "filter", "churn", "tcp", "dport", "4444", "accept")
    a = w.wait_for(lambda a: a["event"] == "change" and
                   any("dport 4444" in c.get("rule", "") for c in a["changes"]), timeout=60)
    expect(a is not None, "churn: a change after the compaction is still reported")
    next(g, None)
    expect("model compacted" in w.err, "churn: the model was compacted", w.err)
    expect(not any("resynchronised" in x for x in w.alerts()),
           "churn: compacting is no resynchronisation")

    # a bulk delete: the kernel announces each element on its own, and each
    # is one lookup in the set's index, not a pass over 40,000 elements
    def elements(n, base):
        return ", ".join("10.%d.%d.%d" % (base, i // 256 % 256, i % 256) for i in range(n))
    nft("-f", "-", inp="add set inet filter bulk { type ipv4_addr; size 100000; }\n"
        "add element inet filter bulk { %s }\n" % elements(40000, 1))
    g = same_as_kernel("bulk")
    w = next(g)
    t0 = time.time()
    nft("-f", "-", inp="delete element inet filter bulk { %s }\n" % elements(20000, 1))
    a = w.wait_for(lambda a: a["event"] == "change", timeout=60)
    expect(a is not None and time.time() - t0 < 15,
           "bulk: 20,000 of 40,000 elements deleted, alerted within 15 s (%.1f s)"
           % (time.time() - t0))
    next(g, None)

    # the shipped policies without their postmortems: the watcher starts, each
    # link is a low finding of the start alert, a blanket drop is still found
    # (and reported with the links it could not resolve); SIGHUP with the
    # postmortems in place resolves the links, reporting findings whose
    # policies the reload replaced
    bare = os.path.join(work, "bare")
    os.mkdir(bare)
    for name in os.listdir(policies):
        if name.endswith(".yaml"):
            with open(os.path.join(policies, name)) as src, \
                 open(os.path.join(bare, name), "w") as dst:
                dst.write(src.read())
    nft("flush", "ruleset")
    nft("-f", "-", inp=RULESET)
    w = Watcher(policies=bare, prog=installed_copy(fw, work))
    start = w.alerts()[0] if w.alerts() else {}
    links = sorted(f["id"] for f in start.get("findings_new", []) if f["check"] == "policy-link")
    expect(w.p.poll() is None and len(links) == 4 and start["findings"]["low"] >= 4,
           "links: the watcher starts without postmortems, 4 link findings: %s" % links)
    nft("insert", "rule", "inet", "filter", "input", "drop")
    a = w.wait_for(lambda a: a["event"] == "change")
    expect(a is not None and any(f["check"] == "no-loopback" and f["policy"] ==
                                 "firewall-availability" for f in a["findings_new"]),
           "links: the blocked loopback is still found without postmortems")
    os.symlink(postmortems, os.path.join(bare, "postmortems"))
    w.p.send_signal(signal.SIGHUP)
    a = w.wait_for(lambda a: a["event"] == "reload")
    gone = sorted(f["id"] for f in (a or {}).get("findings_resolved", [])
                  if f["check"] == "policy-link")
    expect(a is not None and gone == links and w.p.poll() is None,
           "links: SIGHUP with the postmortems in place resolves them: %s" % gone)
    code, err = w.stop()
    expect(code == 0 and err.count("links to action item") == 4,
           "links: each link named once on stderr, exit 0: %d %r" % (code, err[-300:]))
finally:
    subprocess.run(["ip", "netns", "del", ns])
finish("watch: ")
