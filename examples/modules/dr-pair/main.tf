# A reusable module: pairs two Front End pools and exposes whether the pair is
# converged, for use in checks and dashboards.
terraform {
  required_providers {
    lync = {
      source = "lyncdr/lync"
    }
  }
}

variable "pool_fqdn" {
  description = "FQDN of the primary Front End pool."
  type        = string
}

variable "backup_pool_fqdn" {
  description = "FQDN of the pool that backs it up, normally in another site."
  type        = string
}

variable "voice_failover_enabled" {
  description = "Automatic failover and failback for Voice."
  type        = bool
  default     = true
}

resource "lync_pool_pair" "this" {
  pool_fqdn              = var.pool_fqdn
  backup_pool_fqdn       = var.backup_pool_fqdn
  voice_failover_enabled = var.voice_failover_enabled
}

output "id" {
  value = lync_pool_pair.this.id
}

output "converged" {
  description = "LYNCBACKUP runs everywhere and both directions are in steady state."
  value       = lync_pool_pair.this.converged
}

output "front_end_servers" {
  value = [for s in lync_pool_pair.this.front_end_servers : "${s.fqdn} (${s.pool_fqdn}): ${s.backup_service}"]
}
