#!/usr/bin/python3
# fwaudit check against rulesets loaded by nft into private namespaces: the
# seed outage end to end (with real connections from a second namespace
# proving the kernel agrees), every detector, expect/require, watched files,
# bad policies, and the report formats (SARIF against the official schema
# when tests/.cache holds it, JUnit through xmllint).
# usage: check.py FWAUDIT POLICYDIR [SARIF_SCHEMA]
import json, os, shutil, subprocess, sys, tempfile, time

from nstest import connects, expect, finish, installed_copy, link_pair, serve, sh

fw = os.path.realpath(sys.argv[1])
policies = os.path.realpath(sys.argv[2])
postmortems = os.path.join(policies, "postmortems")
schema = sys.argv[3] if len(sys.argv) > 3 else ""
ns, cli = "fwa-check-%d" % os.getpid(), "fwa-cli-%d" % os.getpid()

if subprocess.run(["ip", "netns", "add", ns], capture_output=True).returncode:
    print("check: cannot make a namespace; skipped")
    sys.exit(77)
sh("ip", "netns", "add", cli)
work = tempfile.mkdtemp()
servers = []
try:
    link_pair(ns, cli)
    # a web server: something listening on 80 and 443
    servers = [serve(ns, port) for port in (80, 443)]
    time.sleep(0.5)

    def load(ruleset):
        sh("ip", "netns", "exec", ns, "nft", "flush", "ruleset")
        sh("ip", "netns", "exec", ns, "nft", "-f", "-", inp=ruleset)

    def check(*args, fmt="json"):
        r = subprocess.run([fw, "check", "--netns", ns, "--format", fmt,
                            "--postmortems", postmortems] + list(args),
                           capture_output=True, text=True)
        return r.returncode, r.stdout, r.stderr

    def findings(*args):
        code, out, err = check("--policies", policies, *args)
        if code == 2:
            print(err)
        return code, json.loads(out)["findings"] if out else []

    def handle_of(match):
        out = sh("ip", "netns", "exec", ns, "nft", "-a", "list", "chain", "inet", "filter",
                 "input").stdout
        for line in out.splitlines():
            if match in line and "# handle" in line:
                return int(line.rsplit("# handle ", 1)[1])
        raise RuntimeError("no rule like %r" % match)

    web = """table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		ct state established,related accept
		ct state invalid drop
		iif "lo" accept
		meta l4proto { icmp, ipv6-icmp } accept
		tcp dport { 80, 443 } accept
		ip saddr 10.0.0.0/8 tcp dport 22 accept
	}
}
"""
    # 1. the web server's ruleset is clean, and the kernel lets clients in
    load(web)
    code, f = findings()
    expect(code == 0 and f == [], "clean web ruleset: exit %d, %s" % (code, [x["id"] for x in f]))
    expect(connects(cli, 80) and connects(cli, 443), "clean web ruleset: clients reach 80 and 443")

    # 2. the outage: a rule that drops everything, inserted at the top
    sh("ip", "netns", "exec", ns, "nft", "insert", "rule", "inet", "filter", "input", "drop")
    h = handle_of("\t\tdrop ")
    code, f = findings()
    blanket = [x for x in f if x["check"] == "blanket-inbound-block"]
    expect(code == 1, "outage (rule): exit 1, got %d" % code)
    expect(len(blanket) == 1 and blanket[0]["severity"] == "critical" and
           blanket[0]["subject"].get("handle") == h and
           "tcp/80" in blanket[0]["message"] and "tcp/443" in blanket[0]["message"] and
           blanket[0]["subject"]["rule"] == "drop" and blanket[0]["links"],
           "outage (rule): critical blanket-inbound-block naming handle %d: %s" % (h, blanket))
    expect(not connects(cli, 80), "outage (rule): the kernel drops clients too")

    # 3. the outage again: the accepts deleted, the policy drop does it
    load(web.replace("\t\ttcp dport { 80, 443 } accept\n", ""))
    code, f = findings()
    blanket = [x for x in f if x["check"] == "blanket-inbound-block"]
    expect(code == 1 and len(blanket) == 1 and blanket[0]["subject"]["kind"] == "chain" and
           blanket[0]["subject"]["chain"] == "input" and "drop policy" in blanket[0]["message"]
           and "tcp/80" in blanket[0]["message"],
           "outage (policy): blanket-inbound-block by the chain policy: %s" % blanket)
    expect(not connects(cli, 443), "outage (policy): the kernel drops clients too")

    def only(ruleset, detector, what, want=1, extra=()):
        load(ruleset)
        code, f = findings(*extra)
        got = [x for x in f if x["check"] == detector]
        ok = len(got) == want and (want == 0 or code in (0, 1))
        expect(ok, "%s: %d %s finding(s) expected, got %s" % (what, want, detector,
                                                            [x["message"] for x in f]))
        return got

    # 4. the other detectors
    got = only("table inet filter {\n chain input {\n type filter hook input priority 0; "
               "policy accept;\n counter\n }\n}\n", "accept-all", "accept-all")
    expect(got and got[0]["severity"] == "high", "accept-all is high")
    got = only(web.replace("ip saddr 10.0.0.0/8 tcp dport 22", "tcp dport 22"),
               "world-open", "world-open (ssh from anywhere)")
    expect(got and "tcp/22" in got[0]["message"] and got[0]["subject"]["kind"] == "rule",
           "world-open names the ssh rule")
    got = only(web.replace("\t\tct state established,related accept\n", ""),
               "no-established", "no-established")
    expect(got and got[0]["subject"]["kind"] == "chain", "no-established: by the policy")
    only(web.replace('\t\tiif "lo" accept\n', ""), "no-loopback", "no-loopback", want=2)
    only(web.replace("meta l4proto { icmp, ipv6-icmp } accept",
                     "meta l4proto { icmp, ipv6-icmp } drop")
         .replace("ct state established,related accept\n",
                  "meta l4proto { icmp, ipv6-icmp } drop\n\t\tct state established,related accept\n"),
         "icmp-blocked", "icmp-blocked", want=3)
    got = only(web.replace("tcp dport { 80, 443 } accept",
                           "tcp dport 0-1024 accept\n\t\ttcp dport 80 accept"),
               "shadowed-rule", "shadowed-rule", want=2)
    got = [x for x in got if x["subject"]["rule"] == "tcp dport 80 accept"]
    expect(got and "tcp dport 0-1024 accept" in (got[0]["evidence"]["text"] or ""),
           "shadowed-rule names the shadowed rule and the one that shadows it: %s" % got)
    got = only(web.replace("tcp dport { 80, 443 } accept",
                           "tcp dport { 80, 443 } accept\n\t\ttcp dport 8080 drop"),
               "redundant-rule", "redundant-rule")
    expect(got and got[0]["subject"]["rule"] == "tcp dport 8080 drop", "redundant-rule: %s" % got)
    got = only("", "empty-ruleset", "empty-ruleset")
    expect(got and got[0]["severity"] == "high", "empty-ruleset is high")

    # 5. expect and require, in a policy of the test's own
    pol = os.path.join(work, "web.yaml")
    with open(pol, "w") as fh:
        fh.write("policy: web\nseverity: critical\nlinks: [artimus-2023-06-01#2]\n"
                 "expect:\n  - flow: {proto: tcp, dport: [80, 443], ct: new}\n"
                 "    verdict: accept\n  - flow: {proto: tcp, dport: 23, ct: new, iif: \"!lo\", "
                 "iifindex: \"!1\"}\n    verdict: drop\n"
                 "require:\n  - chain: {hook: input, family: inet, policy: drop}\n")
    load(web)
    code, out, err = check(pol)
    expect(code == 0 and json.loads(out)["findings"] == [], "web policy clean: %s %s" % (out, err))
    sh("ip", "netns", "exec", ns, "nft", "insert", "rule", "inet", "filter", "input",
       "tcp", "dport", "443", "drop")
    sh("ip", "netns", "exec", ns, "nft", "chain", "inet", "filter", "input",
       "{ policy accept ; }")
    code, out, err = check(pol)
    f = json.loads(out)["findings"]
    exp = [x for x in f if x["check"] == "expect"]
    req = [x for x in f if x["check"] == "require"]
    expect(code == 1 and len(exp) == 2 and len(req) == 1, "web policy broken: %s" % out)
    expect(any(x["subject"].get("rule") == "tcp dport 443 drop" for x in exp),
           "expect names the rule that drops 443: %s" % exp)

    # 6. report formats
    for fmt in ("sarif", "junit", "text"):
        code, out, err = check(pol, fmt=fmt)
        expect(code == 1 and out, "format %s: exit 1 and a report" % fmt)
        with open(os.path.join(work, "report." + fmt), "w") as fh:
            fh.write(out)
    if shutil.which("xmllint"):
        r = subprocess.run(["xmllint", "--noout", os.path.join(work, "report.junit")])
        expect(r.returncode == 0, "junit: xmllint accepts it")
    if schema and os.path.exists(schema):
        r = subprocess.run(["/usr/bin/python3", "-c",
                            "import json,sys,jsonschema\n"
                            "s=json.load(open(sys.argv[1]))\nd=json.load(open(sys.argv[2]))\n"
                            "jsonschema.Draft4Validator(s).validate(d)",
                            schema, os.path.join(work, "report.sarif")], capture_output=True,
                           text=True)
        expect(r.returncode == 0, "sarif: valid against the 2.1.0 schema: %s" % r.stderr[-400:])
    else:
        print("check: SARIF schema not found; schema validation skipped")
    text = open(os.path.join(work, "report.text")).read()
    expect("\033[" not in text and "CRITICAL" in text, "text: grouped by severity, no colour off a tty")

    # 7. watched files, under --root
    root = os.path.join(work, "root")
    os.makedirs(root + "/etc/nginx")
    os.makedirs(root + "/etc/auth")
    with open(root + "/etc/nginx/nginx.conf", "w") as fh:
        fh.write("http {\n  server {\n    listen 80;\n    autoindex on;\n  }\n}\n")
    os.chmod(root + "/etc/nginx/nginx.conf", 0o666)
    with open(root + "/etc/auth/config.yaml", "w") as fh:
        fh.write("auth:\n  timeout_seconds: 1\n")
    os.symlink("/etc/shadow", root + "/etc/auth/link.conf")
    fpol = os.path.join(work, "files.yaml")
    with open(fpol, "w") as fh:
        fh.write("""policy: files
files:
  - path: /etc/nginx/nginx.conf
    max_mode: "0644"
    format: nginx
    sha256: "%s"
    assert:
      - {key: "http.server.listen", contains: "443"}
      - {regex: "^\\\\s*autoindex\\\\s+on", must: not-match}
  - path: /etc/auth/config.yaml
    format: yaml
    assert:
      - {key: "auth.timeout_seconds", min: 5, max: 120}
  - path: /etc/auth/link.conf
  - path: /etc/missing.conf
""" % ("0" * 64))
    code, out, err = check("--root", root, fpol)
    f = json.loads(out)["findings"] if out else []
    msgs = {(x["subject"].get("path"), x["subject"].get("line")): x["message"] for x in f}
    expect(code == 1 and len(f) == 7, "files: 7 findings, got %d: %s %s" % (len(f), msgs, err))
    every = [x["message"] for x in f]
    expect(any("mode 0666" in m for m in every), "files: mode too wide: %s" % every)
    expect(any("sha256" in m for m in every), "files: sha256 pin")
    expect(msgs.get(("/etc/nginx/nginx.conf", 3), "").startswith("http.server.listen is '80'"),
           "files: nginx listen on line 3: %s" % msgs)
    expect("autoindex" in msgs.get(("/etc/nginx/nginx.conf", 4), ""), "files: regex on line 4")
    expect("between 5 and 120" in msgs.get(("/etc/auth/config.yaml", 2), ""),
           "files: timeout out of range on line 2")
    expect("symbolic link" in msgs.get(("/etc/auth/link.conf", 0), ""), "files: symlink refused")
    expect("does not exist" in msgs.get(("/etc/missing.conf", 0), ""), "files: missing file")
    # a config file in Latin-1, not UTF-8: read as binary (its hash only), no
    # crash (fuzz_conf found check, scan and watch crashing on it)
    with open(root + "/etc/legacy.conf", "wb") as fh:
        fh.write(b"server_name caf\xe9.example;\nlisten 443;\n")
    with open(fpol, "w") as fh:
        fh.write("policy: legacy\nfiles:\n  - path: /etc/legacy.conf\n    format: nginx\n"
                 "    assert:\n      - {key: listen, contains: \"443\"}\n")
    code, out, err = check("--root", root, fpol)
    f = json.loads(out)["findings"] if out else []
    expect(code in (0, 1) and not err, "files: a Latin-1 file is read without a crash: %d %r" %
           (code, err))

    # the shipped examples load and check
    for ex in ("web-ingress.yaml", "auth-timeout.yaml"):
        code, out, err = check(os.path.join(policies, "examples", ex))
        expect(code in (0, 1) and out, "example %s loads and checks: %s" % (ex, err))

    # 8. a bad policy: exit 2, FILE:LINE:COL, nothing checked, nothing on stdout
    bad = os.path.join(work, "bad.yaml")
    with open(bad, "w") as fh:
        fh.write("policy: bad\ndetect: [blanket-block]\n")
    code, out, err = check(bad)
    expect(code == 2 and out == "" and
           err.startswith(bad + ":2:10: unknown detector 'blanket-block'"),
           "bad policy: exit 2 with the location: %d %r %r" % (code, out, err))

    # 9. postmortems: findings carry the action item they enforce, in every format
    def validate_sarif(path, what):
        if not (schema and os.path.exists(schema)):
            return
        r = subprocess.run(["/usr/bin/python3", "-c",
                            "import json,sys,jsonschema\n"
                            "s=json.load(open(sys.argv[1]))\nd=json.load(open(sys.argv[2]))\n"
                            "jsonschema.Draft4Validator(s).validate(d)", schema, path],
                           capture_output=True, text=True)
        expect(r.returncode == 0, "%s: valid SARIF 2.1.0: %s" % (what, r.stderr[-400:]))

    load(web)
    sh("ip", "netns", "exec", ns, "nft", "insert", "rule", "inet", "filter", "input", "drop")
    code, f = findings()
    blanket = [x for x in f if x["check"] == "blanket-inbound-block"]
    items = blanket[0]["action_items"] if blanket else []
    expect(code == 1 and [i["id"] for i in items] ==
           ["artimus-2023-06-01#3", "webapp-2023-02-01#2"] and
           items[0]["incident"]["title"] ==
           "Project Artimus: the web testing service was unreachable" and
           items[0]["incident"]["date"] == "2023-06-01" and
           items[0]["incident"]["duration"] == "2h30m" and
           items[0]["incident"]["impact_percent"] == 40 and items[0]["status"] == "open",
           "links: the blanket block carries the Artimus action item: %s" % items)
    code, out, err = check("--policies", policies, fmt="text")
    expect("enforces artimus-2023-06-01#3 [open]: Keep the web ports" in out and
           "how this outage happened before: Project Artimus" in out,
           "links: the text report shows the incident and the action item")
    code, out, err = check("--policies", policies, fmt="sarif")
    sarif = os.path.join(work, "links.sarif")
    with open(sarif, "w") as fh:
        fh.write(out)
    res = [r for r in json.loads(out)["runs"][0]["results"]
           if r["ruleId"] == "blanket-inbound-block"]
    expect(res and res[0]["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"]
           .endswith("artimus-2023-06-01.md") and
           res[0]["properties"]["actionItems"][0]["id"] == "artimus-2023-06-01#3",
           "links: SARIF relatedLocations point into the postmortem")
    validate_sarif(sarif, "links")

    # 10. coverage: the same item in force, then violated, then unguarded
    avail = os.path.join(policies, "firewall-availability.yaml")

    def coverage(*args):
        r = subprocess.run([fw, "coverage", "--netns", ns, "--format", "json",
                            "--postmortems", postmortems] + list(args),
                           capture_output=True, text=True)
        doc = json.loads(r.stdout) if r.stdout else {}
        by = {}
        for inc in doc.get("incidents", []):
            for it in inc["action_items"]:
                by[it["id"]] = it
        return r.returncode, by, doc, r.stderr

    load(web)
    code, by, doc, err = coverage("--policies", avail)
    expect(code == 0 and by["artimus-2023-06-01#3"]["coverage"] == "in force" and
           by["artimus-2023-06-01#1"]["coverage"] == "unguarded" and
           doc["summary"]["violated"] == 0 and doc["summary"]["in_force"] == 2,
           "coverage: clean ruleset, linked items in force: %d %s" % (code, doc.get("summary")))
    sh("ip", "netns", "exec", ns, "nft", "insert", "rule", "inet", "filter", "input", "drop")
    code, by, doc, err = coverage("--policies", avail)
    pol = by.get("artimus-2023-06-01#3", {}).get("policies", [{}])[0]
    expect(code == 1 and by["artimus-2023-06-01#3"]["coverage"] == "violated" and
           not pol.get("holds") and
           any(x["check"] == "blanket-inbound-block" for x in pol.get("findings", [])),
           "coverage: blanket block, the item is violated with the finding: %d" % code)
    r = subprocess.run([fw, "coverage", "--netns", ns, "--policies", avail,
                        "--postmortems", postmortems], capture_output=True, text=True)
    expect(r.returncode == 1 and "violated   artimus-2023-06-01#3" in r.stdout and
           "critical blanket-inbound-block" in r.stdout,
           "coverage: the text report names the broken policy and its finding")

    # 11. links that do not resolve never stop the audit: a warning naming the
    # policy file and line, a low policy-link finding in every format, the
    # policy still checked; only lint fails on them
    lpol = os.path.join(work, "links.yaml")
    with open(lpol, "w") as fh:
        fh.write("policy: l\ndetect: [no-loopback]\nlinks:\n  - artimus-2023-06-01#99\n")
    load(web)
    code, out, err = check(lpol)
    lf = json.loads(out)["findings"] if out else []
    ids = sorted(x["id"] for x in lf)
    expect(code == 0 and ids == ["l/policy-link/artimus-2023-06-01#99"] and
           lf[0]["severity"] == "low" and lf[0]["subject"] == {
               "kind": "policy", "path": lpol, "line": 4} and
           lf[0]["location"] == {"file": lpol, "line": 4, "column": 5} and
           err.startswith(lpol + ":4:5: policy 'l' links to action item "
                          "'artimus-2023-06-01#99', but incident 'artimus-2023-06-01'"),
           "links: unknown item is a warning and a low finding, exit 0: %d %s %r" %
           (code, ids, err))
    # input chain emptied under its drop policy: loopback is dropped
    sh("ip", "netns", "exec", ns, "nft", "flush", "chain", "inet", "filter", "input")
    code, out, err = check(lpol)
    lf = json.loads(out)["findings"] if out else []
    expect(code == 0 and sorted(set(x["check"] for x in lf)) == ["no-loopback", "policy-link"],
           "links: the policy is still checked without the item: %d %s" %
           (code, [x["check"] for x in lf]))
    load(web)
    code, out, err = check(lpol, fmt="text")
    expect(code == 0 and "LOW\n  [l] policy-link: policy 'l' links to action item" in out and
           "subject: %s:4" % lpol in out and err.count("\n") == 1,
           "links: text report shows the finding, stderr names it once: %r" % err)
    code, out, err = check(lpol, fmt="sarif")
    res = json.loads(out)["runs"][0]["results"] if code != 2 else []
    sarif = os.path.join(work, "link.sarif")
    with open(sarif, "w") as fh:
        fh.write(out)
    expect(code == 0 and [r["ruleId"] for r in res] == ["policy-link"] and
           res[0]["level"] == "note" and
           res[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == lpol and
           res[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 4,
           "links: SARIF result at the policy's line: %s" % res)
    validate_sarif(sarif, "links: unresolved")
    code, out, err = check(lpol, fmt="junit")
    expect(code == 0 and 'name="policy-link: %s:4"' % lpol in out and
           "below --fail-on" in out, "links: JUnit has the link as a test case: %s" % out[-300:])
    code, out, err = check(lpol, "--fail-on", "low", fmt="junit")
    expect(code == 1 and '<failure type="low"' in out,
           "links: with --fail-on low the link fails the run and the JUnit case")
    code, by, doc, err = coverage("--policies", lpol)
    un = doc.get("unresolved_links", [])
    expect(code == 0 and doc["summary"]["violated"] == 0 and len(un) == 1 and
           un[0]["link"] == "artimus-2023-06-01#99" and un[0]["line"] == 4,
           "coverage: an unresolved link is listed and violates nothing: %d %s" % (code, un))
    r = subprocess.run([fw, "lint", lpol, "--postmortems", postmortems],
                       capture_output=True, text=True)
    expect(r.returncode == 2 and lpol + ":4:5: policy 'l' links" in r.stderr and
           "1 unresolved link" in r.stdout, "lint: exit 2 on the link: %d %r" %
           (r.returncode, r.stdout))
    r = subprocess.run([fw, "lint", "--policies", policies], capture_output=True, text=True)
    expect(r.returncode == 0 and "every link resolved" in r.stdout and not r.stderr,
           "lint: the shipped policies and their postmortems are clean: %r" % r.stderr)

    # the shipped policies without their postmortems: each link a warning and
    # a finding, and the audit's exit code stays the findings' (run as an
    # installed binary, which has no checkout's postmortems to fall back on)
    inst = installed_copy(fw, work)
    bare = os.path.join(work, "bare", "policies")
    os.makedirs(bare)
    for name in os.listdir(policies):
        if name.endswith(".yaml"):
            shutil.copy(os.path.join(policies, name), bare)
    for args, want in ((["--policies", bare], 0),
                       (["--policies", bare, "--postmortems", "/nonexistent"], 0)):
        r = subprocess.run([inst, "check", "--netns", ns, "--format", "json"] + args,
                           capture_output=True, text=True)
        lf = json.loads(r.stdout)["findings"] if r.stdout else []
        links = sorted(x["id"] for x in lf if x["check"] == "policy-link")
        expect(r.returncode == want and len(links) == 4 and
               all(bare + "/" in line for line in r.stderr.splitlines()
                   if "links to" in line) and r.stderr.count("links to action item") == 4,
               "links: postmortems absent (%s): exit %d, 4 link findings: %d %s %r" %
               (args[-1], want, r.returncode, links, r.stderr))
    # found where the policies are: a checkout's policies/postmortems
    r = subprocess.run([fw, "check", "--netns", ns, "--format", "json", "--policies", policies],
                       capture_output=True, text=True)
    lf = json.loads(r.stdout)["findings"] if r.stdout else []
    expect(r.returncode == 0 and not [x for x in lf if x["check"] == "policy-link"] and
           not r.stderr, "links: postmortems found beside the policies: %d %r" %
           (r.returncode, r.stderr))
    sh("ip", "netns", "exec", ns, "nft", "insert", "rule", "inet", "filter", "input", "drop")
    r = subprocess.run([inst, "check", "--netns", ns, "--policies", bare], capture_output=True,
                       text=True)
    expect(r.returncode == 1 and "blanket-inbound-block" in r.stdout,
           "links: without postmortems the blanket block is still critical: %d" % r.returncode)
    # the postmortem edited after the link was pinned: detected, not re-linked
    edited = os.path.join(work, "pm")
    shutil.copytree(postmortems, edited)
    doc = os.path.join(edited, "artimus-2023-06-01.md")
    text = open(doc).read()
    with open(doc, "w") as fh:
        fh.write(text.replace("Keep the web ports", "Keep the admin ports"))
    r = subprocess.run([fw, "check", "--netns", ns, "--policies", avail, "--postmortems", edited,
                        "--format", "json"], capture_output=True, text=True)
    lf = json.loads(r.stdout)["findings"] if r.stdout else []
    expect(r.returncode == 1 and avail + ":12:5: link 'artimus-2023-06-01#3@" in r.stderr and
           "was edited and now reads \"Keep the admin ports" in r.stderr and
           "firewall-availability/policy-link/artimus-2023-06-01#3" in [x["id"] for x in lf] and
           any(x["check"] == "blanket-inbound-block" and
               [i["id"] for i in x["action_items"]] == ["webapp-2023-02-01#2"] for x in lf),
           "links: an edited postmortem is detected, the other item still linked: %r" %
           r.stderr)
    # a bad postmortem beside the good ones is reported and skipped; the check still runs
    with open(os.path.join(edited, "junk.md"), "wb") as fh:
        fh.write(b"\xff\xfe not text")
    with open(doc, "w") as fh:
        fh.write(text)
    r = subprocess.run([fw, "check", "--netns", ns, "--policies", avail, "--postmortems", edited],
                       capture_output=True, text=True)
    expect(r.returncode == 1 and "junk.md:1:1: not UTF-8" in r.stderr and
           "artimus-2023-06-01#3" in r.stdout,
           "links: a bad postmortem is skipped, the others still link: %d %r" %
           (r.returncode, r.stderr))
finally:
    for s in servers:
        s.kill()
    subprocess.run(["ip", "netns", "del", ns])
    subprocess.run(["ip", "netns", "del", cli])
    shutil.rmtree(work, ignore_errors=True)

finish("check: ")
