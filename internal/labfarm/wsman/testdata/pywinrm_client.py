#!/usr/bin/python3
"""Run one command against the lab farm's WinRM server with pywinrm.

Usage:
    pywinrm_client.py URL USER PASSWORD cmd COMMAND [ARGUMENT...]
    pywinrm_client.py URL USER PASSWORD ps SCRIPT

Prints one JSON object on stdout: {"status_code", "std_out", "std_err"} for a
completed run, or {"error", "message"} when pywinrm raised. Exits 3 when
pywinrm cannot be imported (Debian: apt-get install python3-winrm).

Uses Basic auth over HTTP (transport 'plaintext'), Ansible's default, with a
1 s OperationTimeout so that slow commands exercise pywinrm's retry on the
w:TimedOut fault. Note that pywinrm 0.3.0 (Debian bookworm) raises TypeError in
run_ps when the command wrote to stderr (it tests bytes against a str CLIXML
marker), so PowerShell runs here must keep stderr empty.
"""
import json
import sys

try:
    import winrm
except ImportError as exc:
    print("pywinrm is not importable by %s: %s" % (sys.executable, exc), file=sys.stderr)
    sys.exit(3)


def main(argv):
    if len(argv) < 6 or argv[4] not in ("cmd", "ps"):
        print(__doc__, file=sys.stderr)
        return 2
    url, user, password, mode = argv[1:5]
    session = winrm.Session(
        url,
        auth=(user, password),
        transport="plaintext",
        operation_timeout_sec=1,
        read_timeout_sec=10,
    )
    try:
        if mode == "cmd":
            response = session.run_cmd(argv[5], argv[6:])
        else:
            response = session.run_ps(argv[5])
    except Exception as exc:  # report every failure to the Go test
        print(json.dumps({"error": type(exc).__name__, "message": str(exc)}))
        return 0
    print(json.dumps({
        "status_code": response.status_code,
        "std_out": response.std_out.decode("utf-8"),
        "std_err": response.std_err.decode("utf-8"),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
