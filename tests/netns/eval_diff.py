#!/usr/bin/env python3
# Differential test of `fwaudit trace` against the kernel.
#
# A seeded generator writes random rulesets (families ip and inet, several
# tables and input base chains with random priorities and policies, regular
# chains reached by jump and goto, return, prefixes, ranges, anonymous and
# named sets with intervals, vmaps, negations, ct state, iifname, marks,
# counters) and random probe packets. Each ruleset is loaded in namespace A,
# joined to namespace B by two veth pairs; B sends every probe as a real
# packet (raw socket, unique IP id) and a last observer chain in A counts the
# ids that got through every chain. fwaudit traces the same probes from a
# snapshot of A; every disagreement is reported and fails the test.
#
# usage: eval_diff.py FWAUDIT [SEED] [COUNT] [PROBES]
# Exit 77 (skip) when network namespaces cannot be made.
import json
import os
import random
import socket
import struct
import subprocess
import sys
import tempfile

FW = os.path.realpath(sys.argv[1])
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 1
COUNT = int(sys.argv[3]) if len(sys.argv) > 3 else 12
PROBES = int(sys.argv[4]) if len(sys.argv) > 4 else 60
CHECK = os.path.realpath(sys.argv[5]) if len(sys.argv) > 5 else None
FLOWS = ["family=ip proto=tcp dport=22", "family=ip proto=udp", "family=ip iif=va0 ct=new",
         "family=ip proto=icmp", "family=ip"]

NSA, NSB = "fwdiffA%d" % os.getpid(), "fwdiffB%d" % os.getpid()
A_ADDRS = {"va0": ["10.0.0.1", "10.0.0.5"], "va1": ["10.1.0.1"]}
B_ADDRS = {"vb0": "10.0.0.2", "vb1": "10.1.0.2"}
SADDRS = ["10.9.0.7", "10.9.200.1", "192.168.1.10", "192.168.1.200", "192.168.2.1",
          "203.0.113.5", "203.0.113.77", "198.51.100.9", "172.16.5.5", "172.31.255.1"]
PORTS = [22, 53, 80, 443, 1000, 1023, 1024, 8080, 31337]


def sh(*args, check=True, inp=None):
    r = subprocess.run(args, input=inp, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(args), r.stderr.strip()))
    return r


def ns(name, *args, check=True, inp=None):
    return sh("ip", "netns", "exec", name, *args, check=check, inp=inp)


def setup():
    sh("ip", "netns", "add", NSA)
    sh("ip", "netns", "add", NSB)
    for i in (0, 1):
        sh("ip", "link", "add", "va%d" % i, "netns", NSA, "type", "veth", "peer", "name",
           "vb%d" % i, "netns", NSB)
    for n in (NSA, NSB):
        ns(n, "ip", "link", "set", "lo", "up")
        for k in ("all", "default"):
            ns(n, "sysctl", "-qw", "net.ipv4.conf.%s.rp_filter=0" % k)
    for dev, addrs in A_ADDRS.items():
        for a in addrs:
            ns(NSA, "ip", "addr", "add", a + "/24", "dev", dev)
        ns(NSA, "ip", "link", "set", dev, "up")
        ns(NSA, "sysctl", "-qw", "net.ipv4.conf.%s.rp_filter=0" % dev)
    for dev, a in B_ADDRS.items():
        ns(NSB, "ip", "addr", "add", a + "/24", "dev", dev)
        ns(NSB, "ip", "link", "set", dev, "up")
    ns(NSA, "ip", "route", "add", "default", "via", "10.0.0.2")


def teardown():
    sh("ip", "netns", "del", NSA, check=False)
    sh("ip", "netns", "del", NSB, check=False)


# ---- the generator ----

class Gen:
    def __init__(self, rnd):
        self.r = rnd

    def prefix(self):
        r = self.r
        return r.choice(["10.0.0.0/8", "10.9.0.0/16", "192.168.1.0/24", "192.168.0.0/16",
                         "203.0.113.0/25", "203.0.113.64/26", "172.16.0.0/12",
                         "198.51.100.9", "192.168.1.200"])

    def cond(self, sets, l4):
        # a condition consistent with the rule's protocol @l4 (or none)
        for _ in range(50):
            c = self.cond1(sets)
            need = next((x for x in ("tcp", "udp", "icmp") if c.startswith(x) or
                         " . " + x in c or c.endswith(" " + x)), None)
            if need is None or need == l4:
                return c
        return "counter"

    def cond1(self, sets):
        r = self.r
        k = r.randrange(17)
        if k == 0:
            return "ip saddr %s" % self.prefix()
        if k == 1:
            return "ip saddr != %s" % self.prefix()
        if k == 2:
            return "ip daddr %s" % r.choice(["10.0.0.1", "10.0.0.5", "10.1.0.1", "10.0.0.0/24"])
        if k == 3:
            return "tcp dport %d" % r.choice(PORTS)
        if k == 4:
            return "tcp dport { %s }" % ", ".join(str(p) for p in r.sample(PORTS, 3))
        if k == 5:
            lo = r.choice(PORTS)
            return "%s dport %d-%d" % (r.choice(["tcp", "udp"]), lo, lo + r.choice([0, 10, 1000]))
        if k == 6:
            return "meta l4proto %s" % r.choice(["tcp", "udp", "icmp"])  # needs l4 (endswith)
        if k == 7:
            return "ct state %s" % r.choice(["new", "established,related", "invalid",
                                             "new,invalid"])
        if k == 8:
            return "ct state != %s" % r.choice(["new", "invalid"])
        if k == 9:
            return "iifname %s" % r.choice(['"va0"', '"va1"', '"va*"', '!= "va0"', '"lo"'])
        if k == 10:
            return "iif %s" % r.choice(['"va0"', '"va1"', '"lo"'])
        if k == 11 and sets:
            return "ip saddr %s@%s" % (r.choice(["", "!= "]), r.choice(sets))
        if k == 12:
            return "tcp flags %s" % r.choice(["syn", "& (syn | fin) == syn | fin", "& (syn | ack) == syn"])
        if k == 13:
            return "icmp type echo-request"
        if k == 14:
            return "meta mark 0x%x" % r.choice([0, 1, 2])
        if k == 15:
            return "ip saddr . tcp dport { 192.168.1.10 . 22, 203.0.113.5 . 80, 10.9.0.7 . 443 }"
        return "udp sport %d-%d" % (20000, r.choice([30000, 40000, 65535]))

    def rule(self, chain_idx, nchains, regular, sets):
        r = self.r
        l4 = r.choice([None, "tcp", "tcp", "udp", "icmp"])
        conds = [self.cond(sets, l4) for _ in range(r.choice([0, 1, 1, 2, 2, 3]))]
        stmts = []
        if r.random() < 0.3:
            stmts.append("counter")
        if r.random() < 0.12:
            stmts.append("meta mark set 0x%x" % r.choice([1, 2]))
        targets = list(range(chain_idx + 1, nchains))
        k = r.random()
        if k < 0.08 and not conds:
            v = "tcp dport vmap { 22 : accept, 80 : drop, 443 : continue%s }" % (
                ", 8080 : jump c%d" % targets[0] if targets else "")
            return " ".join(stmts + [v])
        if k < 0.33:
            v = "accept"
        elif k < 0.55:
            v = r.choice(["drop", "reject"])
        elif k < 0.72 and targets:
            v = "%s c%d" % (r.choice(["jump", "jump", "goto"]), r.choice(targets))
        elif k < 0.8 and regular:
            v = "return"
        else:
            v = ""
            if not stmts:
                stmts.append("counter")
        return " ".join(conds + stmts + ([v] if v else []))

    def ruleset(self, prios):
        r = self.r
        out = []
        for t in range(r.choice([1, 2, 2, 3])):
            fam = r.choice(["ip", "inet"])
            lines = ["table %s t%d {" % (fam, t)]
            sets = []
            if r.random() < 0.6:
                lines.append("\tset s_int { type ipv4_addr; flags interval; elements = { %s } }"
                             % ", ".join(r.sample(["10.9.0.0/16", "192.168.1.0/25",
                                                   "203.0.113.0-203.0.113.70", "172.16.5.5",
                                                   "198.51.100.0/24"], 3)))
                sets.append("s_int")
            if r.random() < 0.5:
                lines.append("\tset s_hash { type ipv4_addr; elements = { %s } }"
                             % ", ".join(r.sample(SADDRS, 4)))
                sets.append("s_hash")
            nbase = r.choice([1, 1, 2])
            nreg = r.choice([0, 1, 2, 3])
            names = ["b%d" % i for i in range(nbase)] + ["c%d" % i for i in range(nbase, nbase + nreg)]
            for i, name in enumerate(names):
                lines.append("\tchain %s {" % name)
                if name.startswith("b"):
                    prio = prios.pop()
                    lines.append("\t\ttype filter hook input priority %d; policy %s;"
                                 % (prio, r.choice(["accept", "accept", "drop"])))
                for _ in range(r.randrange(1, 7)):
                    # regular chains can only be reached from lower-numbered ones
                    lines.append("\t\t" + self.rule(i if name.startswith("c") else nbase - 1,
                                                    len(names), name.startswith("c"), sets))
                lines.append("\t}")
            lines.append("}")
            out.append("\n".join(lines))
        # chain names c<N> must exist per table: rename targets to the table's names
        return "\n".join(out) + "\n"


def fix_targets(text):
    # a jump to cN where the table has no cN: drop the jump (keep the rule valid)
    tables = text.split("\ntable ")
    fixed = []
    for t in tables:
        import re
        have = set(re.findall(r"chain (c\d+) \{", t))
        t = re.sub(r"(jump|goto) (c\d+)", lambda m: m.group(0) if m.group(2) in have else "accept", t)
        t = re.sub(r", 8080 : accept", "", t)
        fixed.append(t)
    return "\ntable ".join(fixed)


# ---- probes ----

def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def probe_packet(p):
    src, dst = socket.inet_aton(p["saddr"]), socket.inet_aton(p["daddr"])
    if p["proto"] == "tcp":
        flags = {"syn": 0x02, "syn,fin": 0x03}[p["flags"]]
        th = struct.pack("!HHIIBBHHH", p["sport"], p["dport"], 1, 0, 5 << 4, flags, 1024, 0, 0)
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(th))
        th = th[:16] + struct.pack("!H", csum(pseudo + th)) + th[18:]
        proto = 6
    elif p["proto"] == "udp":
        th = struct.pack("!HHHH", p["sport"], p["dport"], 8, 0)
        pseudo = src + dst + struct.pack("!BBH", 0, 17, len(th))
        c = csum(pseudo + th) or 0xffff
        th = th[:6] + struct.pack("!H", c)
        proto = 17
    else:
        th = struct.pack("!BBHHH", 8, 0, 0, p["id"], 1)
        th = th[:2] + struct.pack("!H", csum(th)) + th[4:]
        proto = 1
    ih = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(th), p["id"], 0, 64, proto, 0, src, dst)
    ih = ih[:10] + struct.pack("!H", csum(ih)) + ih[12:]
    return ih + th


def gen_probes(rnd, base_id):
    probes = []
    for i in range(PROBES):
        dev = rnd.choice(["va0", "va0", "va1"])
        proto = rnd.choice(["tcp", "tcp", "tcp", "udp", "icmp"])
        p = {"id": base_id + i, "iif": dev, "daddr": rnd.choice(A_ADDRS[dev]),
             "saddr": rnd.choice(SADDRS), "proto": proto,
             "sport": rnd.choice([20000 + i, 35000 + i, 50000 + i]),
             "dport": rnd.choice(PORTS), "flags": "syn"}
        if proto == "tcp" and rnd.random() < 0.2:
            p["flags"] = "syn,fin"  # conntrack calls this invalid
        probes.append(p)
    return probes


SENDER = r'''
import socket, sys, json
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for line in sys.stdin:
    d, pkt = line.split()
    s.sendto(bytes.fromhex(pkt), (d, 0))
'''


def describe(p, ifindex):
    ct = "invalid" if p["flags"] == "syn,fin" else "new"
    d = "family=ip proto=%s saddr=%s daddr=%s iif=%s iifindex=%d ct=%s" % (
        p["proto"], p["saddr"], p["daddr"], p["iif"], ifindex[p["iif"]], ct)
    if p["proto"] in ("tcp", "udp"):
        d += " sport=%d dport=%d" % (p["sport"], p["dport"])
    if p["proto"] == "tcp":
        d += " flags=%s" % p["flags"]
    if p["proto"] == "icmp":
        d += " icmp-type=echo-request"
    d += " len=%d" % len(probe_packet(p))
    return d


def observer(probes):
    lines = ["table ip zz_observer {", "\tchain c {",
             "\t\ttype filter hook input priority 2000000000; policy accept;"]
    for p in probes:
        lines.append("\t\tip id %d counter" % p["id"])
    lines += ["\t}", "}"]
    return "\n".join(lines) + "\n"


def seen_ids():
    out = json.loads(ns(NSA, "nft", "-j", "list", "table", "ip", "zz_observer").stdout)
    seen = set()
    for item in out["nftables"]:
        rule = item.get("rule")
        if not rule:
            continue
        pid = cnt = None
        for e in rule["expr"]:
            if "match" in e:
                pid = e["match"]["right"]
            if "counter" in e:
                cnt = e["counter"]["packets"]
        if pid is not None and cnt:
            seen.add(pid)
    return seen


def main():
    if os.geteuid() != 0:
        print("eval-diff: needs root; skipped")
        return 77
    try:
        setup()
    except Exception as e:  # no namespaces here
        print("eval-diff: cannot make namespaces (%s); skipped" % e)
        teardown()
        return 77
    rnd = random.Random(SEED)
    gen = Gen(rnd)
    ifindex = {}
    for dev in A_ADDRS:
        out = ns(NSA, "cat", "/sys/class/net/%s/ifindex" % dev).stdout
        ifindex[dev] = int(out)
    total = agree = accepted = 0
    reach_checked = [0]
    failures = []
    tmp = tempfile.mkdtemp()
    try:
        for n in range(COUNT):
            prios = rnd.sample(range(-300, 301), 12)
            text = fix_targets(gen.ruleset(prios))
            ns(NSA, "nft", "flush", "ruleset")
            ns(NSA, "conntrack", "-F", check=False)
            r = ns(NSA, "nft", "-f", "-", inp=text, check=False)
            if r.returncode != 0:
                failures.append("ruleset %d did not load: %s\n%s" % (n, r.stderr, text))
                continue
            snap = os.path.join(tmp, "snap%d.json" % n)
            ns(NSA, FW, "snapshot", "-o", snap)
            if CHECK:
                out = sh(CHECK, snap, "--chains", check=False)
                if out.returncode != 0:
                    failures.append("chain analysis with guards, seed %d ruleset %d:\n%s%s"
                                    % (SEED, n, out.stdout[-2000:], out.stderr))
            for flow in FLOWS if CHECK else []:
                out = sh(CHECK, snap, "input", flow, "12", str(SEED * 1000 + n), check=False)
                last = (out.stdout.strip().splitlines() or [""])[-1]
                reach_checked[0] += int(last.split("classes, ")[1].split()[0]) if "classes, " in last else 0
                if out.returncode != 0:
                    failures.append("reach vs trace, seed %d ruleset %d flow '%s':\n%s%s"
                                    % (SEED, n, flow, out.stdout[-2000:], out.stderr))
            probes = gen_probes(rnd, 1000 + n * 1000)
            ns(NSA, "nft", "-f", "-", inp=observer(probes))
            # the same flow must not be seen twice: fresh conntrack entries per probe
            feed = "".join("%s %s\n" % (p["daddr"], probe_packet(p).hex()) for p in probes)
            ns(NSB, "python3", "-c", SENDER, inp=feed)
            subprocess.run(["sleep", "0.2"])
            seen = seen_ids()
            for p in probes:
                kernel = "accept" if p["id"] in seen else "drop"
                accepted += kernel == "accept"
                out = sh(FW, "trace", "--snapshot", snap, "--format", "json", "--packet",
                         describe(p, ifindex), check=False)
                if out.returncode != 0:
                    failures.append("trace failed: %s" % out.stderr)
                    continue
                ours = json.loads(out.stdout)["verdict"]
                total += 1
                if ours == kernel:
                    agree += 1
                else:
                    failures.append("seed %d ruleset %d probe %s: kernel %s, fwaudit %s"
                                    % (SEED, n, describe(p, ifindex), kernel, ours))
                    keep = os.environ.get("FWAUDIT_DIFF_KEEP")
                    if keep:
                        with open(os.path.join(keep, "seed%d-ruleset%d.nft" % (SEED, n)), "w") as f:
                            f.write(text)
    finally:
        teardown()
    print("eval-diff: seed %d: %d rulesets, %d probes (%d accepted by the kernel, %d dropped), "
          "%d agree, %d disagree; reach classes checked by %d traces"
          % (SEED, COUNT, total, accepted, total - accepted, agree, len(failures),
             reach_checked[0]))
    for f in failures[:5]:
        print(f)
    # a run where the kernel never (or always) accepts proves nothing
    return 0 if not failures and 0 < accepted < total else 1


if __name__ == "__main__":
    sys.exit(main())
