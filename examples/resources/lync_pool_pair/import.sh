# A pairing made in Topology Builder is imported by "<pool_fqdn>,<backup_pool_fqdn>".
terraform import lync_pool_pair.dr pool01.contoso.com,pool02.contoso.com
