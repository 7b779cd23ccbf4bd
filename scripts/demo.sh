#!/usr/bin/env bash
# The demo: builds the provider and the lab farm, starts the farm, applies
# examples/quickstart with a development override, shows the result, stops
# the backup service on a server out of band, shows the drift plan, repairs
# it, and destroys. Everything happens in a temporary directory.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
farm_pid=""
cleanup() {
  if [ -n "$farm_pid" ]; then kill "$farm_pid" 2>/dev/null || true; wait "$farm_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

for tool in terraform go curl; do
  command -v "$tool" >/dev/null || { echo "FATAL: $tool is not on PATH; the demo needs it" >&2; exit 1; }
done

step "Building the provider and the lab farm"
(cd "$root" && go build -o "$work/plugins/terraform-provider-lync" . && go build -o "$work/lync-labfarm" ./internal/labfarm/cmd/lync-labfarm)

step "Starting the lab farm (a farm minute lasts 0.3 s)"
"$work/lync-labfarm" -listen 127.0.0.1:0 -control 127.0.0.1:0 -scale 0.005 >"$work/farm.out" 2>"$work/farm.log" &
farm_pid=$!
for _ in $(seq 1 100); do grep -q '^Press Ctrl+C' "$work/farm.out" 2>/dev/null && break; sleep 0.1; done
grep -q '^Press Ctrl+C' "$work/farm.out" || { cat "$work/farm.log" >&2; echo "FATAL: the lab farm did not start" >&2; exit 1; }
sed '/^Press Ctrl+C/d' "$work/farm.out"
winrm_addr=$(sed -n 's#.*WinRM: *http://\([^/]*\)/wsman.*#\1#p' "$work/farm.out")
control=$(sed -n 's#.*Control: *\(http://[^/]*\)/v1/state.*#\1#p' "$work/farm.out")

cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "lyncdr/lync" = "$work/plugins"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1
cp "$root/examples/quickstart/main.tf" "$work/main.tf"
cd "$work"
# tf runs terraform and hides the development-override warning that every
# command repeats; it keeps terraform's exit code.
tf() {
  set +e
  terraform "$@" -no-color -var "winrm_address=$winrm_addr" 2>&1 |
    sed -e '/^Warning: Provider development overrides are in effect/,/releases\.$/d' -e '/^[╷│╵]/d'
  local rc=${PIPESTATUS[0]}
  set -e
  return "$rc"
}

step "terraform apply: pair pool01 with pool02 (topology, Bootstrapper.exe on 6 servers, LYNCBACKUP, sync both ways)"
tf apply -auto-approve

step "terraform output"
terraform output -no-color

step "Out of band: LYNCBACKUP stops on fe02.contoso.com"
curl -fsS -X POST "$control/v1/actions/stop-backup-service" -H 'Content-Type: application/json' -d '{"server":"fe02.contoso.com"}' >/dev/null
echo "stopped"

step "terraform plan: the drift shows as an in-place update"
rc=0
tf plan -detailed-exitcode || rc=$?
[ "$rc" -eq 2 ] || { echo "FATAL: expected a plan with changes (exit 2), got $rc" >&2; exit 1; }

step "terraform apply: start the service and synchronize again"
tf apply -auto-approve

step "terraform destroy: remove the association, leave the pools"
tf destroy -auto-approve

step "Lab farm after destroy"
curl -fsS "$control/v1/state" | jq -r '.pools[] | select(.fqdn=="pool01.contoso.com" or .fqdn=="pool02.contoso.com") | "\(.fqdn): backup pool \(if .backupPool=="" then "none" else .backupPool end)"' 2>/dev/null \
  || curl -fsS "$control/v1/state"
echo
echo "Demo finished."
