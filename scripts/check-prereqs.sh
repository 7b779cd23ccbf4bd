#!/usr/bin/env bash
# Makes sure what the tests need is there: installs pywinrm for the system
# Python when it can (Debian, as root), and otherwise fails loudly, naming
# what is missing. Never skips.
set -u
missing=0
if ! command -v terraform >/dev/null 2>&1; then
  echo "FATAL: the Terraform CLI is not on PATH. The acceptance tests drive the real CLI (v1.11 or later)." >&2
  missing=1
fi
if ! command -v go >/dev/null 2>&1; then
  echo "FATAL: Go is not on PATH." >&2
  missing=1
fi
if ! /usr/bin/python3 -c 'import winrm' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "--- installing python3-winrm (pywinrm for /usr/bin/python3, used by the lab farm's client tests)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-winrm >/dev/null
  fi
  if ! /usr/bin/python3 -c 'import winrm' >/dev/null 2>&1; then
    echo "FATAL: pywinrm is missing for /usr/bin/python3. Install it with: apt-get install -y python3-winrm" >&2
    missing=1
  fi
fi
exit $missing
