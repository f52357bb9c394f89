#!/usr/bin/env python3
# Shadowed and redundant rules with rule guards and without: random chains
# (addresses and prefixes, negations, ports, ranges and anonymous sets, ct
# state, marks, interface names, jumps, returns, counters and logs; some
# long allow-lists of single addresses and ports, for the guard index) are
# loaded by nft into a private network namespace and snapshotted; eval_check
# --chains analyses every chain both ways and requires every rule that the
# analysis without guards decides to be decided the same with them.
#
# usage: chain_guards.py FWAUDIT EVAL_CHECK [SEED] [COUNT]
# Exit 77 (skip) when network namespaces cannot be made.
import os
import random
import subprocess
import sys
import tempfile

FW, CHECK = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
SEED = int(sys.argv[3]) if len(sys.argv) > 3 else 1
COUNT = int(sys.argv[4]) if len(sys.argv) > 4 else 100
ADDRS = ["10.0.0.0/8", "10.1.0.0/16", "10.1.2.3", "192.168.0.0/16", "192.168.1.1",
         "172.16.0.0/12"]
PORTS = ["22", "80", "443", "1-1023", "1000-2000", "{ 22, 80 }", "{ 443, 8080 }", "8080"]
ENDS = ["accept", "drop", "accept", "drop", "jump other", "return", "counter", "log"]


def rule(r):
    parts = []
    if r.random() < 0.6:
        parts.append(("ip saddr " if r.random() < 0.8 else "ip saddr != ") + r.choice(ADDRS))
    if r.random() < 0.5:
        parts.append(r.choice(["tcp", "udp"]) + " dport " + r.choice(PORTS))
    if r.random() < 0.2:
        parts.append("ct state " + r.choice(["new", "established", "established,related"]))
    if r.random() < 0.15:
        parts.append("meta mark " + r.choice(["1", "2", "0x10"]))
    if r.random() < 0.1:
        parts.append("iifname " + r.choice(['"lo"', '"eth0"']))
    if r.random() < 0.3:
        parts.append("counter")
    parts.append(r.choice(ENDS))
    return " ".join(parts)


def allow(r):
    """An allow-list rule: one address and one port, from few enough that
    they repeat (the guard index's values with several rules)."""
    rule = "ip saddr 10.9.%d.%d" % (r.randint(0, 3), r.randint(0, 15))
    if r.random() < 0.8:
        rule += " tcp dport %d" % r.choice([22, 80, 443, 5432, 8080, 9000])
    return rule + " " + r.choice(["accept", "accept", "drop", "counter accept"])


def ruleset(r):
    text = "table inet t {\n\tchain other {\n\t\tcounter\n\t}\n"
    text += "\tchain input {\n\t\ttype filter hook input priority 0; policy %s;\n" % r.choice(
        ["accept", "drop"])
    text += "".join("\t\t%s\n" % rule(r) for _ in range(r.randint(3, 40)))
    text += "\t}\n\tchain reg {\n"
    if r.random() < 0.3:
        # long enough for the guard index, mostly one value per field
        text += "".join("\t\t%s\n" % (allow(r) if r.random() < 0.8 else rule(r))
                        for _ in range(r.randint(40, 120)))
    else:
        text += "".join("\t\t%s\n" % rule(r) for _ in range(r.randint(3, 30)))
    return text + "\t}\n}\n"


def main():
    if subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        print("chain-guards: cannot make a network namespace; skipped")
        return 77
    r = random.Random(SEED)
    compared, failures = 0, []
    with tempfile.TemporaryDirectory() as tmp:
        snap = os.path.join(tmp, "snap.json")
        for n in range(COUNT):
            text = ruleset(r)
            p = subprocess.run(["unshare", "-n", "sh", "-c", 'nft -f - && "$0" snapshot -o "$1"',
                                FW, snap], input=text, text=True, capture_output=True)
            if p.returncode != 0:
                failures.append("ruleset %d did not load: %s" % (n, p.stderr))
                continue
            o = subprocess.run([CHECK, snap, "--chains"], capture_output=True, text=True)
            if "chains: " in o.stdout:
                compared += int(o.stdout.split("chains: ")[1].split()[0])
            if o.returncode != 0:
                failures.append("seed %d ruleset %d:\n%s%s%s" % (SEED, n, text, o.stdout[-1500:],
                                                                 o.stderr))
    print("chain-guards: seed %d: %d rulesets, %d rules compared, %d failures"
          % (SEED, COUNT, compared, len(failures)))
    for f in failures[:3]:
        print(f)
    # a run that compares next to nothing proves nothing
    return 0 if not failures and compared > COUNT * 10 else 1


if __name__ == "__main__":
    sys.exit(main())
