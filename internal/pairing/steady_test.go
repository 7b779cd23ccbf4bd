package pairing

import (
	"slices"
	"testing"
)

func TestSteadyRule(t *testing.T) {
	mod := func(id, exp, imp string) Module { return Module{id, exp, imp} }
	const ps, dc, cms = "UserServices.PresenceFocus", "ConfServices.DataConf", "CentralMgmt.CMSMaster"
	cases := []struct {
		name      string
		modules   []Module
		cmsMaster bool
		steady    bool
		failed    bool
		pending   []string
	}{
		{"jenstr sample: not the CMS master", []Module{mod(ps, "FinalState", "NormalState"), mod(dc, "FinalState", "NormalState"), mod(cms, "NotInitialized", "NormalState")}, false, true, false, nil},
		{"same on the CMS master is not steady", []Module{mod(ps, "FinalState", "NormalState"), mod(dc, "FinalState", "NormalState"), mod(cms, "NotInitialized", "NormalState")}, true, false, false, []string{cms + " ExportStatus NotInitialized"}},
		{"steady and final mixed", []Module{mod(ps, "SteadyState", "NormalState"), mod(dc, "FinalState", "NormalState"), mod(cms, "SteadyState", "NormalState")}, true, true, false, nil},
		{"no CMS module at all", []Module{mod(ps, "SteadyState", "NormalState"), mod(dc, "SteadyState", "NormalState")}, false, true, false, nil},
		{"case-insensitive", []Module{mod("userservices.presencefocus", "steadystate", "normalstate")}, false, true, false, nil},
		{"not initialized waits", []Module{mod(ps, "NotInitialized", "NormalState"), mod(dc, "SteadyState", "NormalState")}, false, false, false, []string{ps + " ExportStatus NotInitialized"}},
		{"non-steady waits", []Module{mod(dc, "NonSteadyState", "NormalState")}, false, false, false, []string{dc + " ExportStatus NonSteadyState"}},
		{"export error", []Module{mod(dc, "ErrorState", "NormalState")}, false, false, true, []string{dc + " ExportStatus ErrorState"}},
		{"import error", []Module{mod(ps, "SteadyState", "ErrorState")}, false, false, true, []string{ps + " ImportStatus ErrorState"}},
		{"both bad", []Module{mod(ps, "NonSteadyState", "ErrorState")}, false, false, true, []string{ps + " ExportStatus NonSteadyState, ImportStatus ErrorState"}},
		{"CMS error on non-master is an error", []Module{mod(cms, "ErrorState", "NormalState")}, false, false, true, []string{cms + " ExportStatus ErrorState"}},
		{"empty status", []Module{mod(ps, "", "")}, false, false, false, []string{ps + " ExportStatus (none), ImportStatus (none)"}},
		{"no modules", nil, false, false, false, []string{"no backup modules reported"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := evaluate(c.modules, c.cmsMaster)
			if v.steady != c.steady || v.failed != c.failed || !slices.Equal(v.pending, c.pending) {
				t.Errorf("got steady=%v failed=%v pending=%q", v.steady, v.failed, v.pending)
			}
		})
	}
}
