#!/usr/bin/python3
# fwaudit demo, run as a new user would: inside a namespace of the test's
# own (standing in for the host, with a canary table), as root and as an
# unprivileged user. It tells the seed outage end to end (a real connection
# before and after, the semantic change, the finding and the action items
# it enforces) and leaves the "host" as it found it. The demo's claim that
# the gate would refuse the change is checked with the gate itself.
# usage: demo.py FWAUDIT POLICYDIR
import os, shutil, subprocess, sys, tempfile, time

from nstest import expect, finish, public_copy, serve, sh

fw = os.path.realpath(sys.argv[1])
policies = os.path.realpath(sys.argv[2])
postmortems = os.path.join(policies, "postmortems")
ns = "fwa-demo-%d" % os.getpid()
CANARY = "table ip canary {\n\tchain c {\n\t\ttype filter hook input priority 0; policy accept;\n" \
         "\t\ttcp dport 9 counter accept\n\t}\n}\n"
# the demo's web server firewall with its change: a drop at the top of input
CANDIDATE = """table inet filter {
  chain input {
    type filter hook input priority filter; policy drop;
    drop
    ct state established,related accept
    iif "lo" accept
    meta l4proto { icmp, ipv6-icmp } accept
    ip saddr 10.0.0.0/8 tcp dport 22 accept
    tcp dport { 80, 443 } accept
  }
}
"""

if subprocess.run(["ip", "netns", "add", ns], capture_output=True).returncode:
    print("demo: cannot make a namespace; skipped")
    sys.exit(77)
servers = []
work = tempfile.mkdtemp()
try:
    sh("ip", "netns", "exec", ns, "nft", "-f", "-", inp=CANARY)
    host_rules = sh("ip", "netns", "exec", ns, "nft", "list", "ruleset").stdout

    def demo(*args, user=None, prog=fw):
        cmd = ["ip", "netns", "exec", ns]
        if user:
            cmd += ["setpriv", "--reuid", user, "--regid", user, "--clear-groups"]
        return subprocess.run(cmd + [prog, "demo"] + list(args), capture_output=True, text=True)

    r = demo("--policies", policies, "--postmortems", postmortems)
    out = r.stdout
    expect(r.returncode == 0, "the demo runs and catches the change (exit 0)",
           out + r.stderr)
    i443 = out.find("A client connects to port 443: connected.")
    idrop = out.find("A client connects to port 443: no answer after 1 s")
    expect(0 < i443 < idrop, "a real connection: accepted before, dropped after", out)
    expect("policy drop;" in out and 'tcp dport { 80, 443 } accept' in out,
           "the web server's ruleset, read back from the kernel", out)
    expect("0 findings, 0 at high or above" in out, "the first scan is clean", out)
    expect("# nft insert rule inet filter input drop" in out, "the change as a command", out)
    expect('"Web application down: a new firewall rule blocked all incoming traffic"'
           in " ".join(out.split()),
           "the change's story: the postmortem it comes from", out)
    expect("! tcp/443 from any (listening): accept -> drop, caused by rule handle" in out
           and "! tcp/80 from any (listening): accept -> drop" in out,
           "the semantic change", out)
    expect("+ rule inet filter input handle" in out and ": drop (rule 1 of 6)" in out,
           "the structural change", out)
    expect("[firewall-availability] blanket-inbound-block: new connections to served ports "
           "tcp/80, tcp/443 are dropped" in out, "the finding", out)
    expect("enforces webapp-2023-02-01#2 [open]: Keep loopback and return traffic accepted"
           in out and "enforces artimus-2023-06-01#3 [open]" in out,
           "the action items it enforces", out)
    expect("how this outage happened before: Web application down" in out,
           "and the outage that taught them", out)
    expect("The scan exits 1" in out and "more below high:" in out, "the rest, summarised",
           out)
    expect(sh("ip", "netns", "exec", ns, "nft", "list", "ruleset").stdout == host_rules,
           "the host's ruleset is untouched")
    # (its namespace is unshare's, unnamed: it ends with the process; the
    # list of named ones is not compared, other tests add theirs meanwhile)

    # without root: a user namespace of its own, where the kernel allows them
    probe = subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                            "unshare", "-rn", "true"], capture_output=True)
    if probe.returncode == 0:
        # what the unprivileged user reads, where it can read it
        pub, (pfw, ppol) = public_copy(fw, policies)
        try:
            r = demo("--policies", ppol, "--postmortems", os.path.join(ppol, "postmortems"),
                     user="65534", prog=pfw)
        finally:
            shutil.rmtree(pub, ignore_errors=True)
        expect(r.returncode == 0 and "blanket-inbound-block" in r.stdout
               and "443: connected." in r.stdout, "the demo without root", r.stdout + r.stderr)
    else:
        print("unprivileged user namespaces are not allowed here: that part skipped")

    # policies that do not guard inbound traffic see nothing: exit 1, said so
    r = demo("--policies", os.path.join(policies, "firewall-hygiene.yaml"),
             "--postmortems", postmortems)
    expect(r.returncode == 1 and "found nothing new at high or above" in r.stderr,
           "nothing caught: exit 1", r.stdout + r.stderr)
    r = demo("--policies", "/nonexistent")
    expect(r.returncode == 2 and "/nonexistent" in r.stderr and "build tree" not in r.stderr,
           "a missing policy directory: exit 2", r.stderr)
    r = demo("extra")
    expect(r.returncode == 2 and "unexpected argument" in r.stderr, "a stray argument: exit 2")
    r = demo("--help")
    expect(r.returncode == 0 and r.stdout.startswith("fwaudit demo"), "--help")

    # "fwaudit gate --ruleset new.nft would refuse this change": it does
    sh("ip", "-n", ns, "link", "set", "lo", "up")
    servers = [serve(ns, 80), serve(ns, 443)]
    time.sleep(0.5)
    cand = os.path.join(work, "new.nft")
    with open(cand, "w") as f:
        f.write(CANDIDATE)
    r = subprocess.run(["ip", "netns", "exec", ns, fw, "gate", "--against", "none",
                        "--policies", policies, "--postmortems", postmortems, "--ruleset",
                        cand], capture_output=True, text=True)
    expect(r.returncode == 1 and "blanket-inbound-block" in r.stdout,
           "the gate refuses the demo's change", r.stdout + r.stderr)
finally:
    for s in servers:
        s.kill()
        s.wait()
    subprocess.run(["ip", "netns", "del", ns])
    subprocess.run(["rm", "-rf", work])
finish("demo: ")
