#!/usr/bin/python3
# Driver of tests/bench/watch.sh, run inside a private network namespace
# that already holds the ruleset: starts `fwaudit watch --format json`,
# makes one-rule changes with nft (add, then delete, alternating) and takes,
# for each, the time from nft's return to the alert line that reports its
# generation; then a storm of single-rule transactions from one `nft -i`
# (events per second until the watcher has reported the last generation),
# and the watcher's CPU and RSS while idle and over the storm.
# usage: watch_lat.py FWAUDIT POLICYDIR LABEL NCHANGES NSTORM
import json, os, select, signal, subprocess, sys, time

fw, policies, label = sys.argv[1], sys.argv[2], sys.argv[3]
nchanges, nstorm = int(sys.argv[4]), int(sys.argv[5])
tick = os.sysconf("SC_CLK_TCK")


def cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        v = f.read().rsplit(")", 1)[1].split()
    return (int(v[11]) + int(v[12])) / tick


def rss_mib(pid, key="VmRSS"):
    with open("/proc/%d/status" % pid) as f:
        for l in f:
            if l.startswith(key + ":"):
                return int(l.split()[1]) / 1024
    return 0.0


p = subprocess.Popen([fw, "watch", "--format", "json", "--policies", policies,
                      "--postmortems", os.path.join(policies, "postmortems")],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
buf = b""


def next_alert(timeout):
    """The next alert line and when it arrived, or (None, None)."""
    global buf
    end = time.monotonic() + timeout
    while b"\n" not in buf:
        left = end - time.monotonic()
        if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
            return None, None
        chunk = os.read(p.stdout.fileno(), 1 << 20)
        if not chunk:
            return None, None
        buf += chunk
    at = time.monotonic()
    line, buf = buf.split(b"\n", 1)
    return json.loads(line), at


t0 = time.monotonic()
start, at = next_alert(600)
if not start:
    print("watch did not start:", p.stderr.read().decode(), file=sys.stderr)
    sys.exit(1)
startup = at - t0
gen = start["generation"]

# idle: CPU over 3 s with nothing happening
c0 = cpu_s(p.pid)
time.sleep(3)
idle_cpu = (cpu_s(p.pid) - c0) / 3 * 100
idle_rss = rss_mib(p.pid)

lat = []
nft_ms = []  # the committing nft command's own time, for scale
resyncs = 0
for i in range(nchanges):
    if i % 2 == 0:
        cmd = ["nft", "insert", "rule", "inet", "bench", "input", "tcp", "dport", "8080", "accept"]
    else:
        h = subprocess.run(["nft", "-a", "list", "chain", "inet", "bench", "input"],
                           capture_output=True, text=True).stdout
        handle = [l.rsplit("# handle ", 1)[1] for l in h.splitlines()
                  if "dport 8080" in l][0].strip()
        cmd = ["nft", "delete", "rule", "inet", "bench", "input", "handle", handle]
    before = time.monotonic()
    subprocess.run(cmd, check=True)
    done = time.monotonic()
    nft_ms.append((done - before) * 1000)
    gen += 1
    while True:
        a, at = next_alert(60)
        if a is None:
            print("no alert for generation %d" % gen, file=sys.stderr)
            sys.exit(1)
        if "resynchronised" in a:
            resyncs += 1
        if a["generation"] >= gen:
            gen = a["generation"]
            break
    lat.append(max(0.0, at - done) * 1000)
    if i == 0:
        lat_first = lat[0]
    time.sleep(0.05)

lat.sort()
nft_ms.sort()
nft50 = nft_ms[len(nft_ms) // 2]
p50 = lat[len(lat) // 2]
p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
first, worst = lat_first, lat[-1]

# storm: nstorm transactions, one rule each, as fast as nft -i sends them
cmds = "".join("add rule inet bench input tcp dport %d counter\n" % (20000 + i % 40000)
               for i in range(nstorm))
c0 = cpu_s(p.pid)
s0 = time.monotonic()
subprocess.run(["nft", "-i"], input=cmds.encode(), stdout=subprocess.DEVNULL, check=True)
target = gen + nstorm
peak = rss_mib(p.pid)
while gen < target:
    a, at = next_alert(120)
    if a is None:
        print("storm: the watcher stopped at generation %d of %d" % (gen, target), file=sys.stderr)
        sys.exit(1)
    if "resynchronised" in a:
        resyncs += 1
    gen = max(gen, a["generation"])
    peak = max(peak, rss_mib(p.pid))
storm_s = time.monotonic() - s0
storm_cpu = (cpu_s(p.pid) - c0) / storm_s * 100
peak = max(peak, rss_mib(p.pid, "VmHWM"))

p.send_signal(signal.SIGTERM)
p.wait(timeout=60)
print("%-28s | start %6.2fs | one-rule change: p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms, first %7.1f ms (%d changes; "
      "nft's own command p50 %.1f ms, alert p50 = %.2fx it) | "
      "storm %6.0f tx/s (%d tx, %.2fs, CPU %3.0f%%) | idle CPU %.2f%% RSS %.0f MiB, peak %.0f MiB | resyncs %d"
      % (label, startup, p50, p99, worst, first, len(lat), nft50, p50 / nft50, nstorm / storm_s, nstorm, storm_s, storm_cpu,
         idle_cpu, idle_rss, peak, resyncs))
