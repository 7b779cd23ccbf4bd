#!/usr/bin/python3
"""Run the seed's pool-pairing procedure against the lab farm with pywinrm.

The seed (shared/seed/000_7390928162a6c69b.txt, "Deploying paired Front End
pools for disaster recovery in Lync Server 2013"), over real WinRM with
Debian's python3-winrm (pywinrm 0.3.0), against the lab farm's default farm:

  discover the Front End servers of both pools ((Get-CsPool -Identity P).Computers)
           and the CMS pool, in the shell of --admin-host (fe01).
  setup    Steps 2-6 (Topology Builder: Associated Backup Pool, automatic
           failover for voice, publish) done in PowerShell, also through
           pywinrm: read (Get-CsTopology -AsXml).ToString(), add the pairing
           with [xml] in the modelled encoding (main DESIGN.md section 1, the
           same edit as linkEdit in ../procedure_test.go), Publish-CsTopology
           -Document, then Enable-CsTopology. Skipped when the pools are
           already paired with each other, so the script can run twice.
  step 8   & 'C:\\Program Files\\Microsoft Lync Server 2013\\Deployment\\Bootstrapper.exe'
           on every Front End of both pools, in parallel.
  step 9   Start-CsWindowsService -Name LYNCBACKUP on each of them, then
           Get-CsWindowsService -Name LYNCBACKUP on each as a check.
  step 10  Invoke-CsBackupServiceSync -PoolFqdn <pool1> and <pool2>, then
           Get-CsBackupServiceStatus -PoolFqdn <pool1> and <pool2> until both
           directions are steady. Each poll runs the seed's command as written
           (step "10-status") and then its modules in the form of the one
           confirmed sample, (Get-CsBackupServiceStatus -PoolFqdn P).BackupModules
           (lync-dr.md section 2.2; step "10-modules"), because the default
           view of the status object need not show the modules' states (the
           farm's shows {...BackupModuleStatus, ...}). Steadiness is judged
           from the default text output of both, with the rule of lync-dr.md
           section 2.4 (the CMS module may stay NotInitialized on the pool
           that is not the CMS master, found with Get-CsService
           -CentralManagement).
  extra    each --run HOST COMMAND, in order (the Go test's negative cases).

The seed's commands are sent exactly as the seed writes them, each as its own
WinRS command `powershell -encodedcommand <base64 UTF-16LE>`, the way
pywinrm's Session.run_ps sends them.

Usage:
    seed_pywinrm.py --winrm http://127.0.0.1:PORT/wsman [--user U] [--password P]
                    [--admin-host FQDN] [--pool1 FQDN] [--pool2 FQDN]
                    [--interval S] [--timeout S]
                    [--run HOST COMMAND]...

Output: one JSON object per line on stdout, in a fixed order:
  {"step", "host", "command", "status_code", "stdout", "stderr",
   "stderr_clixml", "seconds"}                      for every command run,
  {"step", "host", "command", "error", "message"}   when pywinrm raised,
  {"step": "result", "ok", "steady", "polls", "front_ends", "cms_pool",
   "topology_published", "seconds"}                 last.
"stderr" is the decoded text of PowerShell's CLIXML error stream (the raw
stream when it is not CLIXML; "stderr_clixml" says which). Progress goes to
stderr. Exit status: 0 when the seed's steps all exited 0 and both directions
became steady, 1 otherwise (the --run commands do not count), 2 for bad usage,
3 when pywinrm cannot be imported (Debian: apt-get install -y python3-winrm).

pywinrm specifics:
  * Session.run_ps of pywinrm 0.3.0 raises TypeError when the command wrote
    to stderr (it tests the bytes stream against a str CLIXML marker), so this
    script drives winrm.Protocol directly (open_shell, run_command,
    get_command_output, cleanup_command, close_shell) and decodes CLIXML
    itself.
  * Addressing: the farm serves every server on one listener and picks the
    server by the HTTP Host header, as a real network would by DNS. Each
    server gets its own Protocol whose endpoint is the server's real URL
    (http://fe04.contoso.com:PORT/wsman, which also goes into the
    WS-Addressing To header); pywinrm's requests session then gets a
    transport adapter, LoopbackResolver, that keeps the Host header of that
    URL but connects to the listener address, the way an /etc/hosts entry
    would. The session ignores proxy settings from the environment: the
    farm's names resolve nowhere else.
"""
import argparse
import base64
import json
import re
import sys
import threading
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

try:
    import winrm
    from requests.adapters import HTTPAdapter
except ImportError as exc:
    print("pywinrm is not importable by %s: %s; install it with: apt-get install -y python3-winrm"
          % (sys.executable, exc), file=sys.stderr)
    sys.exit(3)

# The seed's commands, verbatim (step 8 with <system drive> = C:).
BOOTSTRAPPER = r"& 'C:\Program Files\Microsoft Lync Server 2013\Deployment\Bootstrapper.exe'"
START_BACKUP = "Start-CsWindowsService -Name LYNCBACKUP"
SYNC = "Invoke-CsBackupServiceSync -PoolFqdn {pool}"
STATUS = "Get-CsBackupServiceStatus -PoolFqdn {pool}"
# The confirmed way to read the modules (lync-dr.md section 2.2).
MODULES_VIEW = "(Get-CsBackupServiceStatus -PoolFqdn {pool}).BackupModules"

# A check after step 9, not part of the seed.
GET_BACKUP = "Get-CsWindowsService -Name LYNCBACKUP"

MODULES = ("UserServices.PresenceFocus", "ConfServices.DataConf", "CentralMgmt.CMSMaster")
EXPORT_STATES = ("NotInitialized", "NonSteadyState", "SteadyState", "FinalState", "ErrorState")
IMPORT_STATES = ("NormalState", "ErrorState")
CMS_MODULE = "CentralMgmt.CMSMaster"

# One side of the pairing in the modelled encoding (main DESIGN.md section 1):
# on the Registrar of pool {src}, a BackupRegistrar dependency naming the
# Registrar of pool {dst}, and the voice failover attributes with Topology
# Builder's default intervals. The same edit as linkEdit in procedure_test.go.
LINK_EDIT = """
$ns = $xml.Topology.NamespaceURI
$cluster = $xml.Topology.Clusters.Cluster | Where-Object {{ $_.Fqdn -eq '{src}' }}
$partner = $xml.Topology.Clusters.Cluster | Where-Object {{ $_.Fqdn -eq '{dst}' }}
$registrar = $xml.Topology.Services.Service | Where-Object {{
    $_.ServiceId.RoleName -eq 'Registrar' -and
    $_.InstalledOn.ClusterId.SiteId -eq $cluster.ClusterId.SiteId -and
    $_.InstalledOn.ClusterId.Number -eq $cluster.ClusterId.Number }}
$partnerRegistrar = $xml.Topology.Services.Service | Where-Object {{
    $_.ServiceId.RoleName -eq 'Registrar' -and
    $_.InstalledOn.ClusterId.SiteId -eq $partner.ClusterId.SiteId -and
    $_.InstalledOn.ClusterId.Number -eq $partner.ClusterId.Number }}
$dependency = $xml.CreateElement('Dependency', $ns)
$dependency.SetAttribute('Usage', 'BackupRegistrar')
$serviceId = $xml.CreateElement('ServiceId', $ns)
$serviceId.SetAttribute('SiteId', $partnerRegistrar.ServiceId.SiteId)
$serviceId.SetAttribute('RoleName', 'Registrar')
$serviceId.SetAttribute('Instance', $partnerRegistrar.ServiceId.Instance)
[void]$dependency.AppendChild($serviceId)
[void]$registrar.DependsOn.AppendChild($dependency)
$registrar.RegistrarService.SetAttribute('EnableAutomaticFailover', 'true')
$registrar.RegistrarService.SetAttribute('FailureDetectionInterval', '120')
$registrar.RegistrarService.SetAttribute('FailbackDetectionInterval', '240')
"""

PUBLISH = """Import-Module Lync
$xml = [xml](Get-CsTopology -AsXml).ToString()
{edits}
Publish-CsTopology -Document ([System.Xml.Linq.XElement]::Parse($xml.OuterXml)) -Force
"""


class LoopbackResolver(HTTPAdapter):
    """Sends every request to one address, keeping the URL's host as the
    HTTP Host header: name resolution for the farm's FQDNs."""

    def __init__(self, address):
        super().__init__()
        self.address = address

    def send(self, request, **kwargs):
        url = urlsplit(request.url)
        request.headers["Host"] = url.netloc
        request.url = urlunsplit((url.scheme, self.address, url.path, url.query, url.fragment))
        kwargs["proxies"] = {}
        return super().send(request, **kwargs)


_XML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def decode_clixml(raw):
    """Returns (text, is_clixml) for a stderr stream: the strings of
    PowerShell's CLIXML records with _xHHHH_ escapes decoded, or raw."""
    marker = "#< CLIXML"
    if not raw.startswith(marker):
        return raw, False
    body = raw[len(marker):].lstrip("\r\n")
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return raw, False
    parts = []
    for node in root.iter():
        if node.tag.rsplit("}", 1)[-1] == "S" and node.text:
            parts.append(_XML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), node.text))
    return "".join(parts), True


class Farm:
    """pywinrm access to the farm's servers through one listener."""

    def __init__(self, winrm_url, user, password):
        url = urlsplit(winrm_url)
        if url.scheme != "http" or not url.port:
            raise ValueError("--winrm must be http://ADDRESS:PORT/wsman, got %r" % winrm_url)
        self.address = url.netloc
        self.port = url.port
        self.path = url.path or "/wsman"
        self.user = user
        self.password = password
        self.lines = []
        self.lock = threading.Lock()

    def protocol(self, host):
        endpoint = "http://%s:%d%s" % (host, self.port, self.path)
        p = winrm.Protocol(endpoint, transport="plaintext", username=self.user, password=self.password,
                           operation_timeout_sec=20, read_timeout_sec=30)
        p.transport.build_session()  # what send_message would do lazily
        session = p.transport.session
        session.trust_env = False
        session.proxies = {}
        session.mount("http://", LoopbackResolver(self.address))
        return p

    def run(self, step, host, command):
        """Runs one PowerShell command on host; returns its report (a dict)."""
        start = time.monotonic()
        report = {"step": step, "host": host, "command": command}
        try:
            p = self.protocol(host)
            encoded = base64.b64encode(command.encode("utf-16-le")).decode("ascii")
            shell = p.open_shell()
            try:
                cid = p.run_command(shell, "powershell", ["-encodedcommand", encoded])
                stdout, stderr, code = p.get_command_output(shell, cid)
                p.cleanup_command(shell, cid)
            finally:
                p.close_shell(shell)
        except Exception as exc:  # every failure goes into the report
            report.update(error=type(exc).__name__, message=str(exc))
        else:
            err, clixml = decode_clixml(stderr.decode("utf-8", "replace"))
            report.update(status_code=code, stdout=stdout.decode("utf-8", "replace"), stderr=err,
                          stderr_clixml=clixml)
        report["seconds"] = round(time.monotonic() - start, 3)
        with self.lock:
            print("%s %s: %s" % (host, command.splitlines()[0], report.get("status_code", report.get("error"))),
                  file=sys.stderr)
        return report

    def emit(self, report):
        print(json.dumps(report), flush=True)
        return report

    def run_all(self, step, hosts, command):
        """Runs command on every host in parallel; reports in host order."""
        with ThreadPoolExecutor(max_workers=max(1, len(hosts))) as pool:
            reports = list(pool.map(lambda h: self.run(step, h, command), hosts))
        return [self.emit(r) for r in reports]


def ok(report):
    return report.get("status_code") == 0


def cell(value, states):
    """A status cell of a table: the state itself, or the state that a cell
    cut to the column width ("NotInitia...") stands for."""
    if value in states:
        return value
    if value.endswith("..."):
        for state in states:
            if state.startswith(value[:-3]):
                return state
    return value


def parse_status(text):
    """The modules in a default text view: every line that starts with a
    module identity followed by its export and import status, as in the
    Identity/ExportStatus/ImportStatus table of BackupModules."""
    modules = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0] in MODULES:
            modules[fields[0]] = (cell(fields[1], EXPORT_STATES), cell(fields[2], IMPORT_STATES))
    return modules


def is_steady(modules, pool, cms_pool):
    """lync-dr.md section 2.4: every module SteadyState or FinalState and
    NormalState; the CMS module is NotInitialized on the non-CMS pool."""
    if set(modules) != set(MODULES):
        return False
    for ident, (export, imp) in modules.items():
        if imp != "NormalState":
            return False
        if ident == CMS_MODULE and pool != cms_pool and export == "NotInitialized":
            continue
        if export not in ("SteadyState", "FinalState"):
            return False
    return True


def first_line(report):
    lines = report.get("stdout", "").split()
    return lines[0] if lines else ""


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--winrm", required=True, help="the farm's WinRM URL, http://127.0.0.1:PORT/wsman")
    parser.add_argument("--user", default="labadmin")
    parser.add_argument("--password", default="LabFarm-2013!")
    parser.add_argument("--admin-host", default="fe01.contoso.com",
                        help="the server whose shell runs the topology and discovery commands")
    parser.add_argument("--pool1", default="pool01.contoso.com")
    parser.add_argument("--pool2", default="pool02.contoso.com")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between status polls")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for steady state")
    parser.add_argument("--run", nargs=2, action="append", default=[], metavar=("HOST", "COMMAND"),
                        help="run COMMAND on HOST after the procedure (repeatable)")
    args = parser.parse_args(argv[1:])
    try:
        farm = Farm(args.winrm, args.user, args.password)
    except ValueError as exc:
        parser.error(str(exc))
    started = time.monotonic()
    pools = (args.pool1, args.pool2)
    result = {"step": "result", "ok": False, "steady": {p: False for p in pools}, "polls": 0,
              "front_ends": {}, "cms_pool": "", "topology_published": False}

    def finish(success):
        result["ok"] = success
        for host, command in args.run:
            farm.emit(farm.run("extra", host, command))
        result["seconds"] = round(time.monotonic() - started, 3)
        farm.emit(result)
        return 0 if success else 1

    # Discovery: the Front End servers of both pools and the CMS pool, asked
    # in the Lync Server Management Shell of --admin-host.
    admin = args.admin_host
    for pool in pools:
        r = farm.emit(farm.run("discover", admin, "(Get-CsPool -Identity %s).Computers" % pool))
        if not ok(r):
            return finish(False)
        result["front_ends"][pool] = r["stdout"].split()
    r = farm.emit(farm.run("discover", admin, "(Get-CsService -CentralManagement).PoolFqdn"))
    if not ok(r):
        return finish(False)
    result["cms_pool"] = first_line(r)
    front_ends = [fe for pool in pools for fe in result["front_ends"][pool]]
    home = {pool: result["front_ends"][pool][0] for pool in pools}

    # Setup (seed steps 2-6): pair the pools in the topology unless they are.
    r = farm.emit(farm.run("setup", admin,
                           "(Get-CsPoolBackupRelationship -PoolFqdn %s).BackupPoolFqdn" % args.pool1))
    if not ok(r):
        return finish(False)
    if first_line(r) != args.pool2:
        edits = LINK_EDIT.format(src=args.pool1, dst=args.pool2) + LINK_EDIT.format(src=args.pool2, dst=args.pool1)
        if not ok(farm.emit(farm.run("setup", admin, PUBLISH.format(edits=edits)))):
            return finish(False)
        if not ok(farm.emit(farm.run("setup", admin, "Enable-CsTopology"))):
            return finish(False)
        result["topology_published"] = True

    # Step 8: Bootstrapper.exe on every Front End of both pools.
    if not all(ok(r) for r in farm.run_all("8", front_ends, BOOTSTRAPPER)):
        return finish(False)
    # Step 9: start the Backup Service on each, then check it runs.
    if not all(ok(r) for r in farm.run_all("9", front_ends, START_BACKUP)):
        return finish(False)
    if not all(ok(r) for r in farm.run_all("9-check", front_ends, GET_BACKUP)):
        return finish(False)
    # Step 10: force the sync both ways, then wait for steady state in both
    # directions.
    for pool in pools:
        if not ok(farm.emit(farm.run("10-sync", home[pool], SYNC.format(pool=pool)))):
            return finish(False)
    deadline = time.monotonic() + args.timeout
    while True:
        result["polls"] += 1
        for pool in pools:
            text = ""
            for step, command in (("10-status", STATUS), ("10-modules", MODULES_VIEW)):
                r = farm.emit(farm.run(step, home[pool], command.format(pool=pool)))
                if not ok(r):
                    return finish(False)
                text += r["stdout"]
            result["steady"][pool] = is_steady(parse_status(text), pool, result["cms_pool"])
        if all(result["steady"].values()):
            return finish(True)
        if time.monotonic() > deadline:
            return finish(False)
        time.sleep(args.interval)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
