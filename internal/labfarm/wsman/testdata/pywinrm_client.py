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
w:TimedOut fault. Environment variables select other winrm.Session options:
PYWINRM_TRANSPORT (e.g. 'ntlm'), PYWINRM_MESSAGE_ENCRYPTION ('auto', 'never')
and PYWINRM_CA_TRUST_PATH (a CA PEM file; server_cert_validation='validate'),
or PYWINRM_CERT_VALIDATION='ignore'. A WinRMTransportError also reports the
server's response body as "detail". Note that pywinrm 0.3.0 (Debian bookworm) raises TypeError in
run_ps when the command wrote to stderr (it tests bytes against a str CLIXML
marker), so PowerShell runs here must keep stderr empty.
"""
import hashlib
import json
import os
import sys

try:
    import winrm
except ImportError as exc:
    print("pywinrm is not importable by %s: %s" % (sys.executable, exc), file=sys.stderr)
    sys.exit(3)


def enable_md4():
    """Make hashlib.new('md4') work, which ntlm_auth needs for NT hashes.

    OpenSSL 3 keeps MD4 in its legacy provider. cryptography's OpenSSL
    binding loads that provider when it initialises; requests_ntlm happens to
    initialise it over HTTPS only (hashing the server certificate for channel
    binding), so NTLM over plain HTTP would fail with "unsupported hash type
    md4" before talking to the server.
    """
    try:
        hashlib.new("md4")
    except ValueError:
        try:
            from cryptography.hazmat.bindings.openssl.binding import Binding
            Binding()
        except Exception:  # best effort; ntlm_auth reports what is missing
            pass


def main(argv):
    if len(argv) < 6 or argv[4] not in ("cmd", "ps"):
        print(__doc__, file=sys.stderr)
        return 2
    url, user, password, mode = argv[1:5]
    options = {"transport": os.environ.get("PYWINRM_TRANSPORT", "plaintext")}
    if options["transport"] == "ntlm":
        enable_md4()
    if os.environ.get("PYWINRM_MESSAGE_ENCRYPTION"):
        options["message_encryption"] = os.environ["PYWINRM_MESSAGE_ENCRYPTION"]
    if os.environ.get("PYWINRM_CA_TRUST_PATH"):
        options["server_cert_validation"] = "validate"
        options["ca_trust_path"] = os.environ["PYWINRM_CA_TRUST_PATH"]
    elif os.environ.get("PYWINRM_CERT_VALIDATION"):
        options["server_cert_validation"] = os.environ["PYWINRM_CERT_VALIDATION"]
    session = winrm.Session(
        url,
        auth=(user, password),
        operation_timeout_sec=1,
        read_timeout_sec=10,
        **options
    )
    try:
        if mode == "cmd":
            response = session.run_cmd(argv[5], argv[6:])
        else:
            response = session.run_ps(argv[5])
    except Exception as exc:  # report every failure to the Go test
        result = {"error": type(exc).__name__, "message": str(exc)}
        detail = getattr(exc, "response_text", None)
        if detail:
            result["detail"] = detail.decode("utf-8") if isinstance(detail, bytes) else str(detail)
        print(json.dumps(result))
        return 0
    print(json.dumps({
        "status_code": response.status_code,
        "std_out": response.std_out.decode("utf-8"),
        "std_err": response.std_err.decode("utf-8"),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
