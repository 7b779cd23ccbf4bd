# Quickstart against the lab farm: `make demo` runs it end to end, or start
# the farm with `make labfarm` and run terraform here yourself.
terraform {
  required_providers {
    lync = {
      source = "lyncdr/lync"
    }
  }
}

variable "winrm_address" {
  description = "Where the lab farm listens for WinRM (every farm server answers there)."
  type        = string
  default     = "127.0.0.1:15985"
}

provider "lync" {
  # The lab farm's management host and demo credentials.
  host     = "fe01.contoso.com"
  username = "labadmin"
  password = "LabFarm-2013!"

  # Every server FQDN is dialled at the farm's loopback listener; the FQDN
  # stays the HTTP host, which is how the farm tells its servers apart.
  host_addresses = {
    "*" = var.winrm_address
  }
  port = tonumber(split(":", var.winrm_address)[1])

  # The lab farm runs its clock fast: poll often.
  status_poll_interval = "200ms"
}

resource "lync_pool_pair" "dr" {
  pool_fqdn        = "pool01.contoso.com"
  backup_pool_fqdn = "pool02.contoso.com"
}

output "converged" {
  value = lync_pool_pair.dr.converged
}

output "backup_service" {
  value = { for s in lync_pool_pair.dr.front_end_servers : s.fqdn => s.backup_service }
}

output "backup_status" {
  value = { for d in lync_pool_pair.dr.backup_status : "${d.pool_fqdn} -> ${d.backup_pool_fqdn}" => d.steady ? "steady" : "not steady" }
}
