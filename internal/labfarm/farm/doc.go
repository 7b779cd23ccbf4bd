// Package farm is the lab farm's model of a Lync Server farm: sites, Front
// End pools (Enterprise or Standard Edition, Lync Server 2010 or 2013) and
// their servers, the Central Management store pool, the published and the
// enabled topology documents, the Windows services of each server
// (LYNCBACKUP among them), the Backup Service's sync per direction, a clock
// with a scale factor and a latency profile, and injected faults.
//
// It registers the Lync cmdlets and Bootstrapper.exe with the PowerShell
// interpreter through the ps package's contract (Farm.Session returns the
// ps.Commands of one powershell.exe process on one host).
//
// Facts come from shared/reference/lync-dr.md; each doc comment cites its
// section and confidence mark ([C] confirmed, [I] inferred, [U] unconfirmed).
// Everything [U] is MODELLED: isolated and labelled where it is decided. The
// biggest such piece, the topology encoding of a pool pair, is in
// pairing_encoding.go alone (main DESIGN.md §1).
//
// The package imports nothing of the provider side (internal/provider,
// internal/pairing, internal/lync, internal/winrm): it is an independent
// implementation of the other side of the wire.
package farm
