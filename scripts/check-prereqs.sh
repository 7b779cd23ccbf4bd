#!/usr/bin/env bash
# Fails loudly when something the tests need is missing; never skips.
set -u
missing=0
if ! command -v terraform >/dev/null 2>&1; then
  echo "FATAL: the Terraform CLI is not on PATH. The acceptance tests drive the real CLI (v1.11 or later)." >&2
  missing=1
fi
if ! /usr/bin/python3 -c 'import winrm' >/dev/null 2>&1; then
  echo "FATAL: pywinrm is missing for /usr/bin/python3. Install it with: apt-get install -y python3-winrm" >&2
  missing=1
fi
if ! command -v go >/dev/null 2>&1; then
  echo "FATAL: Go is not on PATH." >&2
  missing=1
fi
exit $missing
