package pairing

import "strings"

// The steady-state rule (reference/lync-dr.md §2.3–2.4): a direction P -> Q,
// read with Get-CsBackupServiceStatus -PoolFqdn P, is steady when every
// module has ExportStatus SteadyState or FinalState and ImportStatus
// NormalState. The CentralMgmt.CMSMaster module reports ExportStatus
// NotInitialized on the pool that is not the active CMS master; that is
// tolerated there. NotInitialized and NonSteadyState mean "keep waiting";
// ErrorState (export or import) marks the direction failed, which is also
// waited on but reported as such if it persists.
const (
	exportSteady         = "SteadyState"
	exportFinal          = "FinalState"
	exportNotInitialized = "NotInitialized"
	importNormal         = "NormalState"
	statusError          = "ErrorState"
	moduleCMSMaster      = "CentralMgmt.CMSMaster"
)

// verdict is the rule applied to one direction.
type verdict struct {
	steady bool
	failed bool
	// pending says, per module not yet steady, what it reports.
	pending []string
}

// evaluate applies the steady-state rule to the modules of one direction.
// cmsMaster tells whether the direction's source pool hosts the active
// Central Management store.
func evaluate(modules []Module, cmsMaster bool) verdict {
	if len(modules) == 0 {
		return verdict{pending: []string{"no backup modules reported"}}
	}
	var v verdict
	for _, m := range modules {
		exportOK := is(m.ExportStatus, exportSteady) || is(m.ExportStatus, exportFinal) ||
			(is(m.Identity, moduleCMSMaster) && !cmsMaster && is(m.ExportStatus, exportNotInitialized))
		importOK := is(m.ImportStatus, importNormal)
		if is(m.ExportStatus, statusError) || is(m.ImportStatus, statusError) {
			v.failed = true
		}
		switch {
		case !exportOK && !importOK:
			v.pending = append(v.pending, m.Identity+" ExportStatus "+orNone(m.ExportStatus)+", ImportStatus "+orNone(m.ImportStatus))
		case !exportOK:
			v.pending = append(v.pending, m.Identity+" ExportStatus "+orNone(m.ExportStatus))
		case !importOK:
			v.pending = append(v.pending, m.Identity+" ImportStatus "+orNone(m.ImportStatus))
		}
	}
	v.steady = len(v.pending) == 0
	return v
}

func is(got, want string) bool { return strings.EqualFold(got, want) }

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
