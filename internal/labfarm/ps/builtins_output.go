package ps

import (
	"strings"
)

// Output and stream cmdlets.
//
// Streams: Write-Host writes text to stdout (PowerShell 3/5 under WinRS
// does). Write-Warning, Write-Verbose (when $VerbosePreference or -Verbose
// asks for it) and Write-Debug go to the warning/verbose/debug streams:
// CLIXML elements on stderr with -EncodedCommand, "WARNING: ..." lines on
// stdout with -Command. Write-Progress is accepted and dropped.

// newCaptureFormatter makes the formatter Out-String renders into.
func newCaptureFormatter() *formatter { return &formatter{capture: &strings.Builder{}} }

func init() {
	register(&builtin{
		name:   "Write-Output",
		params: []paramSpec{{name: "InputObject", position: 0, pipeline: true, remaining: true, typeLabel: "System.Management.Automation.PSObject[]", allowEmpty: true}, pSwitch("NoEnumerate")},
		process: func(c *bcall, v Value, present bool) error {
			if !present {
				return nil
			}
			if c.flag("NoEnumerate") {
				return c.out(c.get("InputObject"))
			}
			return writeEnum(c.get("InputObject"), c.out)
		},
	})
	register(&builtin{
		name: "Write-Host",
		params: []paramSpec{{name: "Object", position: 0, pipeline: true, remaining: true, typeLabel: "System.Object", allowEmpty: true},
			pSwitch("NoNewline"), pObj("Separator", -1), pStr("ForegroundColor", -1), pStr("BackgroundColor", -1)},
		process: func(c *bcall, v Value, present bool) error {
			sep := " "
			if c.has("Separator") {
				sep = c.str("Separator")
			}
			var parts []string
			if present || c.has("Object") {
				for _, it := range AsSlice(c.get("Object")) {
					parts = append(parts, ToString(it))
				}
			}
			c.in.writeHost(strings.Join(parts, sep), !c.flag("NoNewline"))
			return nil
		},
	})
	register(&builtin{
		name: "Write-Error",
		params: []paramSpec{pStr("Message", 0, "Msg"), pObj("Exception", -1), pObj("ErrorRecord", -1), pStr("Category", -1),
			pStr("ErrorId", -1), pObj("TargetObject", -1), pStr("RecommendedAction", -1), pStr("CategoryActivity", -1, "Activity"),
			pStr("CategoryReason", -1, "Reason"), pStr("CategoryTargetName", -1, "TargetName"), pStr("CategoryTargetType", -1, "TargetType")},
		process: func(c *bcall, v Value, present bool) error { return writeErrorCmd(c) },
	})
	register(&builtin{
		name:   "Write-Warning",
		params: []paramSpec{{name: "Message", position: 0, pipeline: true, aliases: []string{"Msg"}, typeLabel: "System.String", mandatory: true, convert: toStringConv}},
		process: func(c *bcall, v Value, present bool) error {
			return c.in.writeInfoStream(c, "warning", "WARNING: ", c.str("Message"))
		},
	})
	register(&builtin{
		name:   "Write-Verbose",
		params: []paramSpec{{name: "Message", position: 0, pipeline: true, aliases: []string{"Msg"}, typeLabel: "System.String", mandatory: true, convert: toStringConv}},
		process: func(c *bcall, v Value, present bool) error {
			return c.in.writeInfoStream(c, "verbose", "VERBOSE: ", c.str("Message"))
		},
	})
	register(&builtin{
		name:   "Write-Debug",
		params: []paramSpec{{name: "Message", position: 0, pipeline: true, aliases: []string{"Msg"}, typeLabel: "System.String", mandatory: true, convert: toStringConv}},
		process: func(c *bcall, v Value, present bool) error {
			return c.in.writeInfoStream(c, "debug", "DEBUG: ", c.str("Message"))
		},
	})
	register(&builtin{
		name: "Write-Progress",
		params: []paramSpec{pStr("Activity", 0), pStr("Status", 1), pInt("Id", 2), pInt("PercentComplete", -1), pInt("SecondsRemaining", -1),
			pStr("CurrentOperation", -1), pInt("ParentId", -1), pSwitch("Completed"), pInt("SourceId", -1)},
	})
	register(&builtin{
		name:   "Out-Null",
		params: []paramSpec{pInputObject(-1)},
	})
	register(&builtin{
		name:   "Out-Default",
		params: []paramSpec{pInputObject(-1)},
		process: func(c *bcall, v Value, present bool) error {
			if present {
				return c.in.fmt.write(v)
			}
			return nil
		},
	})
	register(&builtin{
		name:   "Out-Host",
		params: []paramSpec{pInputObject(-1), pSwitch("Paging")},
		process: func(c *bcall, v Value, present bool) error {
			if present {
				return c.in.fmt.write(v)
			}
			return nil
		},
	})
	register(&builtin{
		name:   "Out-String",
		params: []paramSpec{pInputObject(-1), pSwitch("Stream"), pInt("Width", -1)},
		begin:  func(c *bcall) error { c.state = newCaptureFormatter(); return nil },
		process: func(c *bcall, v Value, present bool) error {
			if !present {
				return nil
			}
			f := callState(c, newCaptureFormatter)
			if c.flag("Stream") {
				sub := newCaptureFormatter()
				_ = sub.write(v)
				sub.finish()
				for _, l := range strings.Split(strings.TrimRight(sub.capture.String(), "\r\n"), "\r\n") {
					if err := c.out(l); err != nil {
						return err
					}
				}
				return nil
			}
			return f.write(v)
		},
		end: func(c *bcall) error {
			if c.flag("Stream") {
				return nil
			}
			f := callState(c, newCaptureFormatter)
			f.finish()
			return c.out(f.capture.String())
		},
	})
	for _, name := range []string{"Format-Table", "Format-List"} {
		list := name == "Format-List"
		register(&builtin{
			name:   name,
			params: []paramSpec{pObj("Property", 0), pInputObject(-1), pSwitch("AutoSize"), pSwitch("HideTableHeaders"), pSwitch("Wrap"), pObj("GroupBy", -1), pSwitch("Force")},
			begin:  func(c *bcall) error { c.state = []Value{}; return nil },
			process: func(c *bcall, v Value, present bool) error {
				if present {
					c.collect(v)
				}
				return nil
			},
			end: func(c *bcall) error {
				items := c.items()
				if len(items) == 0 {
					return nil
				}
				var props []string
				if c.has("Property") {
					for _, p := range AsSlice(c.get("Property")) {
						props = append(props, ToString(p))
					}
				}
				lines := formatExplicit(items, props, list)
				return c.out(&formattedText{lines: lines})
			},
		})
	}
}

func toStringConv(v Value) (Value, error) {
	if v == nil {
		return nil, nil
	}
	return ToString(v), nil
}

// writeInfoStream writes a warning, verbose or debug record if its
// preference asks for it.
func (in *interp) writeInfoStream(c *bcall, stream, prefix, msg string) error {
	pref := ""
	switch stream {
	case "warning":
		pref = c.common.warningAction
		if pref == "" {
			pref = in.preference(c.sc, "WarningPreference")
		}
	case "verbose":
		if c.common.verboseSet {
			if c.common.verbose {
				pref = "continue"
			}
		} else {
			pref = in.preference(c.sc, "VerbosePreference")
		}
	case "debug":
		if c.common.debug {
			pref = "continue"
		} else {
			pref = in.preference(c.sc, "DebugPreference")
		}
	}
	switch pref {
	case "continue", "inquire":
	case "stop":
		rec := rtError("OperationStopped", "ActionPreferenceStopException", "The running command stopped because the preference variable \""+strings.ToUpper(stream[:1])+stream[1:]+"Preference\" or common parameter is set to Stop: "+msg)
		rec.FullyQualifiedErrorID = "ActionPreferenceStop"
		rec.pos = c.ext
		return &psError{rec: rec, script: true}
	default:
		return nil
	}
	in.fmt.interrupt()
	if in.streams.clixml {
		in.streams.writeStream(stream, []string{msg})
	} else {
		in.streams.writeStream(stream, []string{prefix + msg})
	}
	return nil
}

// writeErrorCmd implements Write-Error: a non-terminating error attributed
// to the calling function (or to the script statement at top level).
func writeErrorCmd(c *bcall) error {
	in := c.in
	rec := &ErrorRecord{
		Message:               c.str("Message"),
		ExceptionType:         "Microsoft.PowerShell.Commands.WriteErrorException",
		FullyQualifiedErrorID: "Microsoft.PowerShell.Commands.WriteErrorException",
		Category:              "NotSpecified",
		activity:              "Write-Error",
	}
	if er, ok := c.get("ErrorRecord").(*ErrorRecord); ok {
		cp := *er
		rec = &cp
	}
	if ex, ok := c.get("Exception").(*exceptionValue); ok {
		rec.ExceptionType = ex.typeName
		rec.exc = ex
		if rec.Message == "" {
			rec.Message = ex.message
		}
	}
	if c.has("Category") {
		rec.Category = c.str("Category")
	}
	if c.has("ErrorId") {
		rec.FullyQualifiedErrorID = c.str("ErrorId")
	}
	if c.has("TargetObject") {
		rec.target, rec.hasTarget = c.get("TargetObject"), true
	}
	if c.has("CategoryActivity") {
		rec.activity = c.str("CategoryActivity")
	}
	if c.has("CategoryTargetName") {
		rec.TargetName = c.str("CategoryTargetName")
	}
	if n := len(in.frames); n > 0 && in.frames[n-1].name != "" {
		f := in.frames[n-1]
		rec.Command = f.name
		rec.pos = f.callExt
		rec.FullyQualifiedErrorID += "," + f.name
	} else {
		rec.prefix = c.ext.text()
		rec.noPosition = true
	}
	return in.nonTerminating(c.sc, rec, c.common.errorAction)
}
