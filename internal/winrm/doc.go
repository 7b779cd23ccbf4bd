// Package winrm is the provider's transport: it runs one PowerShell script on
// one Windows server over WinRM (WS-Management remote shells) and returns the
// script's stdout, its decoded stderr and its exit code.
//
// It is the bottom layer (provider -> pairing -> lync -> winrm) and knows
// nothing about Lync or Terraform. What it does know:
//
//   - how scripts are delivered: a constant, short -EncodedCommand bootstrap
//     reads the real script from stdin in base64 lines short enough for a
//     console ReadLine (see [Bootstrap]), so script size never meets the
//     8191-character cmd.exe limit and the script cannot start before it has
//     been delivered in full;
//   - the bugs of github.com/masterzen/winrm (swallowed HTTP status, panics on
//     empty Receive bodies, "invalid content type" instead of the real
//     reason) and how to stay clear of them: this package brings its own
//     HTTP transport to the library instead of the library's default one;
//   - TLS, Basic or NTLM authentication (NTLM without message encryption,
//     each handshake kept on one connection), per-host address mapping
//     (NAT, SSH tunnels, test farms) and a per-host concurrency cap;
//   - which failures may be retried safely (only those that happened before
//     the script could have started) and how to explain every failure in an
//     actionable way ([Error]);
//   - how to turn PowerShell's CLIXML stderr back into text ([DecodeCLIXML]).
//
// Everything takes a context: cancelling it aborts the HTTP request in
// flight, terminates the remote command and deletes the remote shell.
package winrm
