# Pair two Enterprise Edition pools in two sites, with automatic failover and
# failback for Voice at Topology Builder's default intervals.
resource "lync_pool_pair" "dr" {
  pool_fqdn        = "pool01.contoso.com"
  backup_pool_fqdn = "pool02.contoso.com"
}

# The same with explicit voice intervals and longer timeouts for a large farm.
resource "lync_pool_pair" "emea" {
  pool_fqdn                   = "pool11.emea.contoso.com"
  backup_pool_fqdn            = "pool12.emea.contoso.com"
  voice_failover_enabled      = true
  failure_detection_interval  = 300
  failback_detection_interval = 600

  timeouts {
    create = "2h"
    update = "2h"
  }
}
