# WinRM over HTTPS with a private CA: the recommended setup.
provider "lync" {
  host           = "fe01.contoso.com" # runs the Lync Server Management Shell cmdlets
  https          = true
  ca_certificate = file("${path.module}/contoso-ca.pem")
  username       = "CONTOSO\\svc-terraform-lync"
  password       = var.lync_password
}

variable "lync_password" {
  type      = string
  sensitive = true
}

# Everything can also come from the environment instead:
#   LYNC_HOST=fe01.contoso.com LYNC_HTTPS=true LYNC_CA_CERTIFICATE_FILE=./contoso-ca.pem \
#   LYNC_USERNAME='CONTOSO\svc-terraform-lync' LYNC_PASSWORD=... terraform plan
