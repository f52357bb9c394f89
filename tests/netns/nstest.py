# Shared by the namespace tests (check.py, scan.py, gate.py, store_crash.py):
# run a command, count checks, serve a TCP port in a namespace.
import os, shutil, subprocess, sys, tempfile

checks = 0
fails = 0

# A web server's input chain: accept policy, return traffic, loopback, 80/443.
WEB_INPUT = """
table inet filter {
  chain input {
    type filter hook input priority 0; policy accept;
    ct state established,related accept
    iif lo accept
    tcp dport { 80, 443 } accept
  }
}
"""


def _readable(path):
    os.chmod(path, 0o755 if os.path.isdir(path) or os.access(path, os.X_OK) else 0o644)


def public_copy(*paths):
    """Copies of @paths (files or trees) in a new world-readable directory, for
    what a test runs as an unprivileged user: the checkout may sit under a
    directory only root can enter (root's home is 0700). Returns the
    directory and the copies' paths, in order; the caller removes the
    directory."""
    top = tempfile.mkdtemp(prefix="fwaudit-public-")
    _readable(top)
    out = []
    for i, p in enumerate(paths):
        dst = os.path.join(top, "%d-%s" % (i, os.path.basename(p.rstrip("/"))))
        if os.path.isdir(p):
            shutil.copytree(p, dst)
            for root, dirs, files in os.walk(dst):
                for name in dirs + files:
                    _readable(os.path.join(root, name))
        else:
            shutil.copy2(p, dst)
        _readable(dst)
        out.append(dst)
    return top, out


def installed_copy(fw, directory):
    """A copy of the binary @fw in @directory: it runs as an installed one
    does, without the checkout's policies and postmortems that build/fwaudit
    takes as the shipped ones (so that "no postmortems" means none)."""
    dst = os.path.join(directory, "fwaudit-installed")
    shutil.copy2(fw, dst)
    return dst


def sh(*cmd, inp=None, check=True):
    """Run @cmd; with @check, a failure raises with its stderr."""
    r = subprocess.run(cmd, input=inp, capture_output=True, text=True)
    if check and r.returncode:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr))
    return r


def expect(cond, what, extra=""):
    """Count one check; print what failed, and @extra to show why."""
    global checks, fails
    checks += 1
    if not cond:
        fails += 1
        print("FAIL", what)
        if extra:
            print(extra)


def finish(prefix=""):
    print("%s%d checks, %d failed" % (prefix, checks, fails))
    sys.exit(1 if fails else 0)


def serve(ns, port):
    """A server in namespace @ns accepting (and closing) connections to @port."""
    return subprocess.Popen(
        ["ip", "netns", "exec", ns, "python3", "-c",
         "import socket\ns=socket.socket()\ns.setsockopt(socket.SOL_SOCKET,"
         "socket.SO_REUSEADDR,1)\ns.bind(('0.0.0.0',%d))\ns.listen(64)\n"
         "while True:\n c,_=s.accept(); c.close()" % port])


SERVER, CLIENT = "192.0.2.1", "192.0.2.2"


def link_pair(ns, cli):
    """A veth pair between namespaces @ns (SERVER) and @cli (CLIENT), up, with lo up in @ns."""
    sh("ip", "-n", ns, "link", "set", "lo", "up")
    sh("ip", "link", "add", "v0", "netns", ns, "type", "veth", "peer", "name", "v1", "netns", cli)
    sh("ip", "-n", ns, "addr", "add", SERVER + "/24", "dev", "v0")
    sh("ip", "-n", cli, "addr", "add", CLIENT + "/24", "dev", "v1")
    sh("ip", "-n", ns, "link", "set", "v0", "up")
    sh("ip", "-n", cli, "link", "set", "v1", "up")


def connects(cli, port):
    """A real TCP connection from @cli to SERVER:@port succeeds within a second."""
    r = subprocess.run(["ip", "netns", "exec", cli, "python3", "-c",
                        "import socket\ns=socket.create_connection(('%s',%d),"
                        "timeout=1)" % (SERVER, port)], capture_output=True)
    return r.returncode == 0
