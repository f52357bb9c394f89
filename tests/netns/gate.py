#!/usr/bin/python3
# fwaudit gate as config management calls it: a candidate ruleset loaded by
# nft into a throwaway namespace and judged, with the "live" host being a
# private namespace that serves tcp/443. A real Ansible run of the shipped
# example playbook packaging/examples/ansible/firewall.yml (ansible-core,
# connection: local) whose validate: refuses the seed outage's blanket block
# and lets a good ruleset through; the same as a bare CI call without root;
# candidate config files; syntax errors; the host never changes.
# usage: gate.py FWAUDIT POLICYDIR
import json, os, pwd, shutil, subprocess, sys, tempfile, time

from nstest import expect, finish, installed_copy, public_copy, serve, sh

fw = os.path.realpath(sys.argv[1])
policies = os.path.realpath(sys.argv[2])
postmortems = os.path.join(policies, "postmortems")
ns = "fwa-gate-%d" % os.getpid()


GOOD = """table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    iif lo accept
    meta l4proto { icmp, ipv6-icmp } accept
    tcp dport { 80, 443 } accept
    ip saddr 192.0.2.0/24 tcp dport 22 accept
  }
}
"""
# the seed outage: "block all inbound traffic" with nothing let through
BLANKET = """table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    iif lo accept
    meta l4proto { icmp, ipv6-icmp } accept
    ip saddr 192.0.2.0/24 tcp dport 22 accept
  }
}
"""
SYNTAX = """table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    tcp dport 443 acept
  }
}
"""

if subprocess.run(["ip", "netns", "add", ns], capture_output=True).returncode:
    print("gate: cannot make a namespace; skipped")
    sys.exit(77)
work = tempfile.mkdtemp()
os.chmod(work, 0o755)
server = None
try:
    sh("ip", "-n", ns, "link", "set", "lo", "up")
    sh("ip", "netns", "exec", ns, "nft", "-f", "-", inp=GOOD)
    server = serve(ns, 443)
    time.sleep(0.5)

    def write(name, text, mode=0o644):
        p = os.path.join(work, name)
        with open(p, "w") as f:
            f.write(text)
        os.chmod(p, mode)
        return p

    def host_ruleset():
        return sh("ip", "netns", "exec", ns, "nft", "list", "ruleset").stdout

    def gate(*args, user=None, prog=fw, pol=policies):
        pre = ["ip", "netns", "exec", ns]
        if user:
            pre += ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups"]
        return subprocess.run(pre + [prog, "gate", "--policies", pol, "--postmortems",
                                     os.path.join(pol, "postmortems")] + list(args),
                              capture_output=True, text=True)

    live = host_ruleset()
    good, blanket, syntax = write("good", GOOD), write("blanket", BLANKET), write("bad", SYNTAX)

    r = gate(good)
    expect(r.returncode == 0, "a good ruleset passes", r.stdout + r.stderr)
    r = gate("--format", "json", blanket)
    doc = json.loads(r.stdout) if r.stdout else {}
    ids = [f["check"] for f in doc.get("check", {}).get("findings", [])]
    expect(r.returncode == 1 and "blanket-inbound-block" in ids,
           "the blanket block is refused", r.stdout + r.stderr)
    flows = [c for c in doc.get("changes", []) if c["object"] == "flow"]
    expect(flows and flows[0]["before"] == "accept" and flows[0]["after"] == "drop"
           and flows[0]["where"].startswith("tcp/443 from any")
           and "policy of inet filter input" in flows[0]["cause"],
           "the gate says what the candidate does to tcp/443", json.dumps(doc.get("changes")))
    # the postmortems missing, moved or renamed: the gate still judges the
    # ruleset, and a good one still deploys (a validate: step must not refuse
    # it); each link is named on stderr and is a low finding
    bare = os.path.join(work, "bare")
    os.mkdir(bare)
    inst = installed_copy(fw, work)
    for name in os.listdir(policies):
        if name.endswith(".yaml"):
            shutil.copy(os.path.join(policies, name), bare)
    for missing in ([], ["--postmortems", os.path.join(work, "renamed")]):
        r = subprocess.run(["ip", "netns", "exec", ns, inst, "gate", "--policies", bare,
                            "--format", "json"] + missing + [good],
                           capture_output=True, text=True)
        doc = json.loads(r.stdout) if r.stdout else {}
        links = [f for f in doc.get("check", {}).get("findings", [])
                 if f["check"] == "policy-link"]
        expect(r.returncode == 0 and len(links) == 4 and
               r.stderr.count("links to action item") == 4,
               "postmortems absent%s: a good ruleset passes, 4 link findings" %
               (" (--postmortems renamed)" if missing else ""), r.stdout[-500:] + r.stderr)
    r = subprocess.run(["ip", "netns", "exec", ns, inst, "gate", "--policies", bare, blanket],
                       capture_output=True, text=True)
    expect(r.returncode == 1 and "blanket-inbound-block" in r.stdout,
           "postmortems absent: the blanket block is still refused", r.stdout + r.stderr)
    r = gate(syntax)
    expect(r.returncode == 2 and "%s:4:" % syntax in r.stderr and "syntax error" in r.stderr
           and r.stdout == "", "a syntax error: nft's FILE:LINE:COL message, exit 2", r.stderr)
    # rules naming the host's interfaces load: they exist in the throwaway namespace too
    sh("ip", "-n", ns, "link", "add", "uplink0", "type", "veth", "peer", "name", "uplink0p")
    ifs = write("ifs", GOOD.replace("iif lo accept", "iif lo accept\n    iif \"uplink0\" "
                                    "tcp dport 8080 accept") +
                "table netdev edge {\n  chain in {\n    type filter hook ingress device "
                "\"uplink0\" priority 0;\n  }\n}\n")
    r = gate(ifs)
    expect(r.returncode == 0, "a ruleset naming the host's interfaces loads and passes",
           r.stdout + r.stderr)
    r = gate("--ruleset", os.path.join(work, "missing"))
    expect(r.returncode == 2 and "No such file" in r.stderr, "a missing candidate: exit 2")
    expect(host_ruleset() == live, "the host's ruleset never changed")

    # ---- candidate config files ----
    conf = write("app.conf", "timeout = 30\n", 0o640)
    pol = write("files.yaml", "policy: app\nfiles:\n  - path: %s\n    format: keyvalue\n"
                "    max_mode: \"0640\"\n    assert:\n      - {key: timeout, min: 5, max: 60}\n"
                % conf)
    cand = write("tmpXYZ", "timeout = 0\n", 0o600)
    r = subprocess.run(["ip", "netns", "exec", ns, fw, "gate", "--policies", pol, "--file",
                        "%s=%s" % (conf, cand)], capture_output=True, text=True)
    expect(r.returncode == 1 and conf in r.stdout and "-timeout = 30" in r.stdout
           and "+timeout = 0" in r.stdout, "a bad candidate config is refused, with its diff",
           r.stdout + r.stderr)
    with open(cand, "w") as f:
        f.write("timeout = 45\n")
    r = subprocess.run(["ip", "netns", "exec", ns, fw, "gate", "--policies", pol, "--file",
                        "%s=%s" % (conf, cand)], capture_output=True, text=True)
    expect(r.returncode == 0 and "mode" not in r.stdout.split("fwaudit check")[1],
           "a good candidate config passes; the live file's mode counts", r.stdout + r.stderr)

    # ---- --against a saved snapshot and the stored baseline ----
    snap = os.path.join(work, "snap.json")
    sh("ip", "netns", "exec", ns, fw, "snapshot", "-o", snap)
    r = gate("--against", snap, "--format", "json", blanket)
    expect(r.returncode == 1 and json.loads(r.stdout)["against"] == "snapshot " + snap,
           "--against SNAPSHOT", r.stdout + r.stderr)
    st = os.path.join(work, "state")
    sh("ip", "netns", "exec", ns, fw, "scan", "--state", st, "--policies", policies,
       "--postmortems", postmortems, "--quiet")
    r = gate("--against", "baseline", "--state", st, good)
    expect(r.returncode == 0 and "changes against baseline" in r.stdout, "--against baseline",
           r.stdout + r.stderr)

    # ---- CI: without root, in a user namespace ----
    nobody = pwd.getpwnam("nobody").pw_uid
    userns = subprocess.run(["setpriv", "--reuid=%d" % nobody, "--regid=%d" % nobody,
                             "--clear-groups", "unshare", "-rn", "true"]).returncode == 0
    if userns:
        # what the unprivileged user reads, where it can read it
        pub, (pfw, ppol, pblanket, pgood, psyntax) = public_copy(fw, policies, blanket, good,
                                                                 syntax)
        try:
            def rootless(cand):
                return gate(cand, user=nobody, prog=pfw, pol=ppol)
            r = rootless(pblanket)
            expect(r.returncode == 1 and "blanket-inbound-block" in r.stdout
                   and "not root" in r.stderr, "rootless: the blanket block is refused",
                   r.stdout + r.stderr)
            r = rootless(pgood)
            expect(r.returncode == 0, "rootless: a good ruleset passes", r.stdout + r.stderr)
            r = rootless(psyntax)
            expect(r.returncode == 2 and "syntax error" in r.stderr, "rootless: syntax error")
        finally:
            shutil.rmtree(pub, ignore_errors=True)
    else:
        print("gate: unprivileged user namespaces are off here; rootless cases skipped")

    # ---- Ansible: validate: as it is written in playbooks ----
    if shutil.which("ansible-playbook"):
        dest = os.path.join(work, "deployed", "nftables.conf")
        os.mkdir(os.path.dirname(dest))

        example = os.path.join(os.path.dirname(policies), "packaging", "examples", "ansible",
                               "firewall.yml")

        def play(src):
            # the shipped example playbook, as a user runs it
            extra = {"target": "localhost", "fwaudit_become": False, "fwaudit": fw,
                     "fwaudit_args": "--policies %s --postmortems %s" % (policies, postmortems),
                     "ruleset_src": src, "ruleset_dest": dest, "reload_nftables": False}
            env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="0",
                       ANSIBLE_INVENTORY_UNPARSED_WARNING="0", HOME=work)
            return subprocess.run(["ip", "netns", "exec", ns, "ansible-playbook", "-i",
                                   "localhost,", "-c", "local", "-e", json.dumps(extra), example],
                                  capture_output=True, text=True, env=env)

        r = play(blanket)
        expect(r.returncode != 0 and not os.path.exists(dest)
               and "blanket-inbound-block" in r.stdout,
               "Ansible: the blanket block is refused and nothing is written",
               r.stdout[-3000:] + r.stderr[-2000:])
        r = play(good)
        expect(r.returncode == 0 and os.path.exists(dest) and open(dest).read() == GOOD,
               "Ansible: a good ruleset is deployed", r.stdout[-3000:] + r.stderr[-2000:])
        expect(host_ruleset() == live, "Ansible's validate changed nothing on the host")
    else:
        print("gate: ansible-playbook not installed; the Ansible cases skipped")
finally:
    if server:
        server.kill()
    subprocess.run(["ip", "netns", "del", ns])
    shutil.rmtree(work, ignore_errors=True)

finish()
