#!/usr/bin/python3
# fwaudit scan / diff / history against a real kernel in private namespaces:
# the seed outage as the scheduled audit sees it (a server answers from a
# second namespace before the change and not after, and the scan names the
# rule that did it), every kind of structural change, watched files with
# their diff, --quiet, --accept, --keep, references, tampering.
# usage: scan.py FWAUDIT POLICYDIR
import json, os, shutil, subprocess, sys, tempfile, time

from nstest import connects, expect, finish, link_pair, serve, sh

fw = os.path.realpath(sys.argv[1])
policies = os.path.realpath(sys.argv[2])
postmortems = os.path.join(policies, "postmortems")
ns, cli = "fwa-scan-%d" % os.getpid(), "fwa-scli-%d" % os.getpid()


RULESET = """
table inet filter {
  set blocklist { type ipv4_addr; elements = { 198.51.100.1, 198.51.100.2 } }
  chain input {
    type filter hook input priority 0; policy accept;
    ct state established,related accept
    iif lo accept
    tcp dport 22 counter accept
    tcp dport { 80, 443 } counter accept
    ip saddr @blocklist drop
  }
}
"""

if subprocess.run(["ip", "netns", "add", ns], capture_output=True).returncode:
    print("scan: cannot make a namespace; skipped")
    sys.exit(77)
sh("ip", "netns", "add", cli)
work = tempfile.mkdtemp()
state = os.path.join(work, "state")
etc = os.path.join(work, "etc")
os.mkdir(etc)
conf = os.path.join(etc, "app.conf")
with open(conf, "w") as f:
    f.write("listen 443;\nworkers 4;\n")
server = None
try:
    link_pair(ns, cli)
    server = serve(ns, 443)
    time.sleep(0.5)
    sh("ip", "netns", "exec", ns, "nft", "-f", "-", inp=RULESET)

    def nft(*args):
        return sh("ip", "netns", "exec", ns, "nft", *args).stdout

    def handle_of(match):
        for line in nft("-a", "list", "chain", "inet", "filter", "input").splitlines():
            if match in line and "# handle" in line:
                return int(line.rsplit("# handle", 1)[1])
        raise RuntimeError("no rule " + match)

    def run(cmd, *args, st=state):
        return subprocess.run([fw, cmd, "--state", st] + list(args), capture_output=True,
                              text=True)

    def scan(*args, fmt="json"):
        r = run("scan", "--netns", ns, "--policies", policies, "--postmortems", postmortems,
                "--watch", conf, "--format", fmt, *args)
        doc = json.loads(r.stdout) if fmt == "json" and r.stdout else None
        return r, doc

    def verify(st=state):
        r = run("history", "verify", st=st)
        return r.returncode == 0, r.stdout

    # ---- first scan: the baseline ----
    r, doc = scan()
    expect(r.returncode in (0, 1) and doc and doc["first_scan"], "first scan", r.stderr)
    expect(doc["baseline"] == doc["snapshot"], "first scan makes the baseline")
    expect(oct(os.stat(state).st_mode & 0o777) == "0o700", "state dir is 0700")
    with open(os.path.join(state, "snapshots", doc["snapshot"] + ".json")) as f:
        snap = json.load(f)
    files = {x["path"]: x for x in snap.get("files", [])}
    expect(conf in files and files[conf]["content"] == "listen 443;\nworkers 4;\n"
           and files[conf]["mode"] == "0644" and len(files[conf]["sha256"]) == 64
           and files[conf]["size"] == 23 and "mtime" in files[conf],
           "watched file captured with content, mode, size, hash", json.dumps(files))
    r, _ = scan(fmt="text")
    expect("changes since the baseline" in r.stdout and ": none" in r.stdout,
           "second scan: no changes", r.stdout)

    # ---- --quiet: silent when nothing changed and nothing is found ----
    quiet_pol = os.path.join(work, "quiet.yaml")
    with open(quiet_pol, "w") as f:
        f.write("policy: q\nwatch: [%s]\nrequire:\n  - table: {family: inet, name: filter}\n"
                % conf)
    qstate = os.path.join(work, "qstate")
    r = run("scan", "--netns", ns, "--policies", quiet_pol, "--quiet", st=qstate)
    expect(r.returncode == 0 and "first scan" in r.stdout, "quiet: the first scan still says so")
    r = run("scan", "--netns", ns, "--policies", quiet_pol, "--quiet", st=qstate)
    expect(r.returncode == 0 and r.stdout == "" and r.stderr == "",
           "quiet: no output, exit 0 when nothing changed", r.stdout + r.stderr)

    # ---- traffic alone is not a change ----
    expect(connects(cli, 443), "443 answers before the change")
    r, doc = scan()
    expect(doc["changes"] == [], "counters moving is not a change", json.dumps(doc["changes"]))

    # ---- the seed outage: a rule that blocks 443, and every kind of change ----
    ssh = handle_of("tcp dport 22")
    web = handle_of("tcp dport { 80, 443 }")
    nft("delete", "rule", "inet", "filter", "input", "handle", str(ssh))
    nft("add", "rule", "inet", "filter", "input", "tcp", "dport", "22", "counter", "accept")
    nft("insert", "rule", "inet", "filter", "input", "position", str(web), "tcp", "dport", "443",
        "drop")
    blocker = handle_of("tcp dport 443 drop")
    bl = handle_of("ip saddr @blocklist")
    nft("replace", "rule", "inet", "filter", "input", "handle", str(bl), "ip", "saddr",
        "@blocklist", "reject")
    nft("add", "element", "inet", "filter", "blocklist", "{ 203.0.113.9 }")
    nft("delete", "element", "inet", "filter", "blocklist", "{ 198.51.100.1 }")
    nft("add", "chain", "inet", "filter", "extra")
    nft("add", "table", "ip", "nat")
    nft("add", "chain", "inet", "filter", "transit", "{ type filter hook forward priority 0; "
        "policy accept; }")
    with open(conf, "w") as f:
        f.write("listen 8443;\nworkers 4;\n")
    os.chmod(conf, 0o666)
    expect(not connects(cli, 443), "443 no longer answers after the change")
    r, doc = scan()
    ch = doc["changes"]

    def find(obj, kind, pred=lambda c: True):
        return [c for c in ch if c["object"] == obj and c["kind"] == kind and pred(c)]

    flow = find("flow", "changed", lambda c: c["where"].startswith("tcp/443 from any"))
    expect(len(flow) == 1 and flow[0]["before"] == "accept" and flow[0]["after"] == "drop"
           and flow[0]["cause"] == "rule handle %d in inet filter input" % blocker,
           "the semantic change names the rule", json.dumps(ch, indent=1))
    moved = find("rule", "moved", lambda c: c["after"] == "tcp dport 22 counter accept")
    expect(len(moved) == 1 and moved[0]["old_handle"] == ssh and moved[0]["new_handle"] != ssh,
           "a rule re-added with a new handle is moved", json.dumps(ch, indent=1))
    expect(not find("rule", "removed", lambda c: "dport 22" in c["before"]),
           "the moved rule is not also removed")
    added = find("rule", "added", lambda c: c["after"] == "tcp dport 443 drop")
    expect(len(added) == 1 and added[0]["new_handle"] == blocker, "added rule")
    changed = find("rule", "changed", lambda c: c["old_handle"] == bl)
    expect(len(changed) == 1 and changed[0]["before"] == "ip saddr @blocklist drop"
           and changed[0]["after"].startswith("ip saddr @blocklist reject"),
           "replaced rule is changed", json.dumps(ch, indent=1))
    el = find("elements", "changed")
    expect(len(el) == 1 and "+ 203.0.113.9" in el[0]["detail"]
           and "- 198.51.100.1" in el[0]["detail"], "element changes", json.dumps(el))
    expect(find("chain", "added", lambda c: c["where"] == "inet filter extra"), "chain added")
    expect(find("table", "added", lambda c: c["where"] == "ip nat"), "table added")
    fl = find("file", "changed", lambda c: c["where"] == conf)
    expect(len(fl) == 1 and "mode 0666" in fl[0]["after"] and "-listen 443;" in fl[0]["detail"]
           and "+listen 8443;" in fl[0]["detail"] and " workers 4;" in fl[0]["detail"],
           "file change with a unified diff", json.dumps(fl))
    r, _ = scan(fmt="text")
    expect("tcp/443 from any over IPv4 (listening): accept -> drop, caused by rule handle %d "
           "in inet filter input" % blocker in r.stdout, "the sentence for the on-call engineer",
           r.stdout)

    # ---- --accept moves the baseline; then nothing has changed ----
    r, doc = scan("--accept")
    expect(doc["accepted"] and doc["baseline"] == doc["snapshot"], "--accept")
    r, doc = scan()
    expect(doc["changes"] == [], "after --accept: no changes", json.dumps(doc["changes"]))

    # ---- chain policy flip ----
    nft("chain", "inet", "filter", "transit", "{ policy drop; }")
    r, doc = scan("--accept")
    expect([c for c in doc["changes"] if c["object"] == "policy" and c["before"] == "accept"
            and c["after"] == "drop" and c["where"] == "inet filter transit"], "policy flip",
           json.dumps(doc["changes"]))

    # ---- diff and history ----
    r = run("history", "--format", "json")
    hist = json.loads(r.stdout)["entries"]
    expect(len(hist) == 8 and hist[0]["event"] == "baseline" and hist[-1]["event"] == "baseline",
           "history lists every run", r.stdout)
    r = run("diff", "latest~1", "latest")
    expect(r.returncode == 1 and "policy of inet filter transit: accept -> drop" in r.stdout,
           "diff latest~N", r.stdout + r.stderr)
    r = run("diff", hist[2]["snapshot"][:10], hist[3]["snapshot"][:10])
    expect(r.returncode == 1 and "(moved)" in r.stdout, "diff by hash prefixes",
           r.stdout + r.stderr)
    r = run("diff", hist[0]["snapshot"][:8], "baseline", "--format", "json")
    expect(r.returncode == 1 and json.loads(r.stdout)["changes"], "diff by hash prefix")
    r = run("diff", "baseline", "latest")
    expect(r.returncode == 0 and "no changes" in r.stdout, "diff baseline latest: none")
    snapfile = os.path.join(state, "snapshots", hist[0]["snapshot"] + ".json")
    r = run("diff", snapfile, "latest")
    expect(r.returncode == 1, "diff a snapshot file with a stored one")
    for bad, why in (("zz", "not a snapshot hash"), ("latest~99", "fewer runs"),
                     ("ffff", "no snapshot ffff")):
        r = run("diff", bad, "latest")
        expect(r.returncode == 2 and why in r.stderr, "bad reference " + bad, r.stderr)
    r = run("history", st=os.path.join(work, "nothing"))
    expect(r.returncode == 2 and "no fwaudit state" in r.stderr, "history without state")
    ok, out = verify()
    expect(ok and "intact" in out, "verify: intact", out)

    # ---- --keep: old snapshots pruned, the record still verifies ----
    r, doc = scan("--keep", "2")
    snaps = os.listdir(os.path.join(state, "snapshots"))
    expect(len(snaps) == 2, "--keep 2 leaves two snapshots (latest and baseline)", str(snaps))
    ok, out = verify()
    expect(ok, "verify after pruning", out)
    r = run("diff", hist[0]["snapshot"][:12], "latest")
    expect(r.returncode == 2 and "pruned" in r.stderr, "a pruned snapshot says so", r.stderr)

    # ---- tampering is detected ----
    for name, edit in (
            ("edited entry", lambda t: t.replace('"findings": ', '"findings": 1', 1)),
            ("removed entry", lambda t: "".join(t.splitlines(True)[:1] + t.splitlines(True)[2:])),
            ("reordered", lambda t: "".join([t.splitlines(True)[1], t.splitlines(True)[0]]
                                            + t.splitlines(True)[2:]))):
        copy = os.path.join(work, "tamper")
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(state, copy)
        with open(os.path.join(copy, "history")) as f:
            t = f.read()
        with open(os.path.join(copy, "history"), "w") as f:
            f.write(edit(t))
        ok, out = verify(copy)
        expect(not ok and "TAMPERED" in out, "verify detects: " + name, out)
    copy = os.path.join(work, "tamper")
    shutil.rmtree(copy)
    shutil.copytree(state, copy)
    latest = [e for e in json.loads(run("history", "--format", "json").stdout)["entries"]
              if e["event"] != "prune"][-1]["snapshot"]
    with open(os.path.join(copy, "snapshots", latest + ".json"), "a") as f:
        f.write(" ")
    ok, out = verify(copy)
    expect(not ok and "changed on disk" in out, "verify detects an edited snapshot", out)
    r = run("diff", "latest~1", "latest", st=copy)
    expect(r.returncode == 2 and "does not match its hash" in r.stderr,
           "an edited snapshot is not loaded", r.stdout + r.stderr)
finally:
    if server:
        server.kill()
    subprocess.run(["ip", "netns", "del", ns])
    subprocess.run(["ip", "netns", "del", cli])
    shutil.rmtree(work, ignore_errors=True)

finish()
