#!/usr/bin/python3
# fwaudit watch's sinks, files and dynamic sets against the real receivers' sockets, in a private
# mount and network namespace: the journal (sd_journal_send's datagrams on
# /run/systemd/journal/socket, decoded here as journald decodes them),
# syslog (/dev/log), an --exec hook that fails twice and is retried until
# it takes the alert, and a --textfile whose directory appears only later
# (written once it can be). The change: the seed outage, a blanket drop at
# the top of input, made with nft. Then watched files (inotify): a
# write-and-rename gives one alert with the diff, a burst of writes one
# alert, a file in a directory made later is seen; and a dynamic set that
# the packet path fills and a timeout empties is read again and reported.
# usage: watch_sinks.py FWAUDIT POLICYDIR
import json, os, socket, struct, subprocess, sys, tempfile, time

from nstest import WEB_INPUT, expect, finish, sh

if os.environ.get("FWA_SINKS_INNER") != "1":
    env = dict(os.environ, FWA_SINKS_INNER="1")
    r = subprocess.run(["unshare", "-m", "-n", sys.executable] + sys.argv, env=env)
    if r.returncode == 1 and os.geteuid() != 0:
        print("watch_sinks: needs root for its namespaces; skipped")
        sys.exit(77)
    sys.exit(r.returncode)

fw = os.path.realpath(sys.argv[1])
policies = os.path.realpath(sys.argv[2])
work = tempfile.mkdtemp()

# our own /run and /dev, seen by this namespace only
sh("mount", "--make-rprivate", "/")
sh("mount", "-t", "tmpfs", "tmpfs", "/run")
os.makedirs("/run/systemd/journal")
sh("mount", "-t", "tmpfs", "tmpfs", "/dev")
for name, minor in (("null", 3), ("zero", 5), ("random", 8), ("urandom", 9)):
    os.mknod("/dev/" + name, 0o20666, os.makedev(1, minor))
    os.chmod("/dev/" + name, 0o666)
journal = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
journal.bind("/run/systemd/journal/socket")
syslog = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
syslog.bind("/dev/log")
sh("ip", "link", "set", "lo", "up")
# a web server listening: what a blanket block takes away
web = socket.socket()
web.bind(("0.0.0.0", 443))
web.listen(8)
sh("nft", "-f", "-", inp=WEB_INPUT)

# the hook fails twice, then keeps what it is given
hook = os.path.join(work, "hook.sh")
with open(hook, "w") as f:
    f.write("#!/bin/sh\nn=$(cat %s/tries 2>/dev/null || echo 0)\necho $((n + 1)) > %s/tries\n"
            "[ $n -ge 2 ] || exit 3\ncat >> %s/hooked\n" % (work, work, work))
os.chmod(hook, 0o755)
prom = os.path.join(work, "later", "fwaudit.prom")
etc = os.path.join(work, "etc")
os.mkdir(etc)
conf = os.path.join(etc, "app.conf")
with open(conf, "w") as f:
    f.write("listen 443\ntimeout 30\n")
late = os.path.join(work, "notyet", "late.conf")
p = subprocess.Popen([fw, "watch", "--format", "json", "--policies", policies, "--postmortems",
                      os.path.join(policies, "postmortems"), "--journal", "--syslog",
                      "--exec", hook, "--textfile", prom, "--watch", conf, "--watch", late,
                      "--redump-interval", "1"],
                     stdout=open(os.path.join(work, "alerts"), "w"), stderr=subprocess.PIPE,
                     text=True)


def journal_fields(data):
    """The native journal protocol: KEY=VALUE lines, or KEY, a length and bytes."""
    out, i = {}, 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1)
            out[k.decode()] = v.decode()
            i = nl + 1
        else:
            (n,) = struct.unpack("<Q", data[nl + 1:nl + 9])
            out[line.decode()] = data[nl + 9:nl + 9 + n].decode()
            i = nl + 9 + n + 1
    return out


def records(sock, want, timeout=10):
    got = []
    sock.settimeout(0.2)
    end = time.time() + timeout
    while time.time() < end and len(got) < want:
        try:
            got.append(sock.recv(1 << 20))
        except socket.timeout:
            pass
    return got


try:
    start = records(journal, 1)
    expect(len(start) == 1, "the start alert reaches the journal", p.stderr if p.poll() else "")
    records(syslog, 1)
    before = time.time()
    nft = subprocess.Popen(["nft", "insert", "rule", "inet", "filter", "input", "drop"])
    nft.wait()
    got = records(journal, 1)
    expect(len(got) == 1, "the change reaches the journal")
    j = journal_fields(got[0]) if got else {}
    expect(j.get("MESSAGE_ID") == "8f580b41919e47a58fd88f5b6c264779", "MESSAGE_ID", j)
    expect(j.get("PRIORITY") == "2", "a critical finding is priority 2 (crit)", j.get("PRIORITY"))
    expect(j.get("FWAUDIT_EVENT") == "change", "FWAUDIT_EVENT", j.get("FWAUDIT_EVENT"))
    expect(j.get("FWAUDIT_COMM") == "nft" and j.get("FWAUDIT_PID") == str(nft.pid),
           "FWAUDIT_COMM and FWAUDIT_PID name nft", (j.get("FWAUDIT_COMM"), j.get("FWAUDIT_PID"),
                                                     nft.pid))
    expect("blanket-inbound-block" in j.get("FWAUDIT_FINDINGS_NEW", ""),
           "FWAUDIT_FINDINGS_NEW names the blanket block", j.get("FWAUDIT_FINDINGS_NEW"))
    expect(int(j.get("FWAUDIT_FINDINGS_CRITICAL", "0")) >= 1, "FWAUDIT_FINDINGS_CRITICAL",
           j.get("FWAUDIT_FINDINGS_CRITICAL"))
    expect("#" in j.get("FWAUDIT_ACTION_ITEMS", ""), "FWAUDIT_ACTION_ITEMS lists postmortem items",
           j.get("FWAUDIT_ACTION_ITEMS"))
    expect("\n" in j.get("MESSAGE", "") and "blanket-inbound-block" in j.get("MESSAGE", ""),
           "MESSAGE is the text alert, several lines", j.get("MESSAGE"))
    alert = json.loads(j.get("FWAUDIT_ALERT", "{}"))
    expect(alert.get("event") == "change" and alert.get("comm") == "nft",
           "FWAUDIT_ALERT is the JSON alert", alert)

    got = records(syslog, 1)
    line = got[0].decode() if got else ""
    expect(line.startswith("<26>") and "fwaudit[%d]" % p.pid in line,
           "syslog: daemon.crit, tagged fwaudit[pid]", line[:120])
    expect("blanket-inbound-block" in line, "syslog: the finding is named", line[:400])

    # the hook: exit 3, exit 3 (1 s, 2 s later), then taken
    hooked = os.path.join(work, "hooked")
    end = time.time() + 15
    while time.time() < end and not os.path.exists(hooked):
        time.sleep(0.1)
    lines = open(hooked).read().splitlines() if os.path.exists(hooked) else []
    expect(lines and json.loads(lines[0])["event"] == "start",
           "the failing hook is retried until it takes the first alert", lines)
    end = time.time() + 10
    while time.time() < end and len(lines) < 2:
        time.sleep(0.1)
        lines = open(hooked).read().splitlines()
    expect(len(lines) == 2 and json.loads(lines[1])["event"] == "change",
           "then the change alert, in order", lines)

    # the textfile's directory appears: the next try writes it
    expect(not os.path.exists(prom), "no textfile while its directory is missing")
    os.mkdir(os.path.dirname(prom))
    end = time.time() + 5
    while time.time() < end and not os.path.exists(prom):
        time.sleep(0.1)
    text = open(prom).read() if os.path.exists(prom) else ""
    expect('fwaudit_findings{severity="critical"} 1' in text,
           "the textfile is written once it can be, with the latest state", text)

    # watched files: an editor's write-and-rename, then a burst of writes
    def alerts():
        with open(os.path.join(work, "alerts")) as f:
            # an alert of more than one write may be half there: whole lines only
            return [json.loads(l) for l in f if l.strip() and l.endswith("\n")]

    def file_alerts(n, timeout=5):
        end = time.time() + timeout
        while time.time() < end and len([a for a in alerts() if a["event"] == "file"]) < n:
            time.sleep(0.05)
        time.sleep(0.3)
        return [a for a in alerts() if a["event"] == "file"]

    with open(conf + ".swp", "w") as f:
        f.write("listen 443\ntimeout 5\n")
    os.rename(conf + ".swp", conf)
    got = file_alerts(1)
    a = got[0] if got else {}
    fc = [c for c in a.get("files", []) if c.get("where") == conf]
    expect(len(got) == 1 and len(fc) == 1, "a file replaced by rename gives one file alert",
           [x.get("files") for x in got])
    expect(fc and "-timeout 30" in (fc[0].get("detail") or "") and
           "+timeout 5" in (fc[0].get("detail") or ""),
           "the alert carries the unified diff", fc)
    for i in range(50):
        with open(conf, "a") as f:
            f.write("line %d\n" % i)
    got = file_alerts(2)
    expect(len(got) == 2, "a burst of 50 writes is coalesced into one alert", len(got))
    os.mkdir(os.path.dirname(late))
    with open(late, "w") as f:
        f.write("x\n")
    got = file_alerts(3)
    expect(len(got) == 3 and any(c.get("where") == late and c.get("kind") == "added"
                                 for c in got[-1].get("files", [])),
           "a file in a directory made later is seen", got[-1].get("files") if got else None)

    # a set the packet path fills and timeouts empty: no events, read again
    sh("nft", "-f", "-", inp="""
table inet dyn {
  set seen {
    type ipv4_addr
    flags dynamic,timeout
    timeout 2s
  }
  chain input {
    type filter hook input priority -10; policy accept;
    udp dport 9 update @seen { ip saddr }
  }
}
""")
    n0 = len(alerts())
    time.sleep(0.3)
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", 9))

    def sets_alert(key, timeout=8):
        end = time.time() + timeout
        while time.time() < end:
            for a in alerts()[n0:]:
                for c in a.get("changes", []):
                    if a["event"] == "sets" and c.get("where") == "inet dyn seen" and c.get(key):
                        return c
            time.sleep(0.1)
        return None

    c = sets_alert("added")
    expect(c is not None and c["added"] == 1 and c["by"] == "packet path or timeouts",
           "an element the packet path added is seen by the re-read", c)
    c = sets_alert("removed")
    expect(c is not None and c["removed"] == 1, "its expiry is seen too", c)
finally:
    p.terminate()
    _, err = p.communicate(timeout=30)
    out = open(os.path.join(work, "alerts")).read()
expect(p.returncode == 0, "SIGTERM exits 0", err)
expect("failed (exit status 3)" in err and "works again after 2 failed attempts" in err,
       "the hook's failure and recovery are reported once each", err)
expect(err.count("--textfile") == 2, "the textfile's failure and recovery are reported", err)
import nstest
if nstest.fails:
    print("watcher's stderr:\n" + err[-3000:] + "\nits alerts:\n" + out[-3000:])
finish("watch_sinks: ")
