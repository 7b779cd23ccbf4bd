package ps

import (
	"fmt"
	"strings"
	"time"
)

// Utility cmdlets: Start-Sleep, Get-Date, Get-Command, Test-Path, variables,
// Invoke-Expression, Invoke-Command (local only), Join-Path, Split-Path,
// Read-Host, and the Import-Module fallback used when the farm provides none.

func init() {
	register(&builtin{
		name:   "Start-Sleep",
		params: []paramSpec{pInt("Seconds", 0), pInt("Milliseconds", -1)},
		process: func(c *bcall, v Value, present bool) error {
			var d time.Duration
			switch {
			case c.has("Seconds"):
				d = time.Duration(c.num("Seconds")) * time.Second
			case c.has("Milliseconds"):
				d = time.Duration(c.num("Milliseconds")) * time.Millisecond
			default:
				return c.b.missingMandatory(c.bound, "")
			}
			if err := c.in.sleep(c.in.ctx, d); err != nil {
				return errCancelled
			}
			return nil
		},
	})
	register(&builtin{
		name:   "Get-Date",
		params: []paramSpec{pObj("Date", 0), pStr("Format", -1), pStr("UFormat", -1), pInt("Year", -1), pInt("Month", -1), pInt("Day", -1), pInt("Hour", -1), pInt("Minute", -1), pInt("Second", -1)},
		process: func(c *bcall, v Value, present bool) error {
			d := &dateTime{t: time.Now()}
			if c.has("Date") {
				cv, err := convertTo(c.get("Date"), tDateTime)
				if err != nil {
					return c.in.failAt(c.elem, err)
				}
				dt, ok := cv.(*dateTime)
				if !ok {
					return c.in.failAt(c.elem, castError(c.get("Date"), tDateTime))
				}
				d = dt
			}
			if c.has("Format") {
				return c.out(d.format(c.str("Format")))
			}
			if c.has("UFormat") {
				return c.out(uformat(d.t, c.str("UFormat")))
			}
			return c.out(d)
		},
	})
	register(&builtin{
		name:   "Get-Command",
		params: []paramSpec{{name: "Name", position: 0, pipeline: true, typeLabel: "System.String[]", allowEmpty: true}, pStr("Module", -1), pStr("CommandType", -1), pSwitch("ListImported")},
		process: func(c *bcall, v Value, present bool) error {
			for _, n := range AsSlice(c.get("Name")) {
				name := ToString(n)
				target := c.in.resolveCommand(c.sc, name)
				var info *commandInfo
				switch t := target.(type) {
				case *functionDef:
					info = &commandInfo{name: t.name, commandType: "Function"}
				case *builtin:
					info = &commandInfo{name: t.name, commandType: "Cmdlet", source: "Microsoft.PowerShell.Utility"}
				case *Cmdlet:
					info = &commandInfo{name: t.Name, commandType: "Cmdlet", source: "Lync"}
				case *Native:
					info = &commandInfo{name: t.Path, commandType: "Application"}
				}
				if info == nil {
					rec := commandNotFound(name)
					rec.FullyQualifiedErrorID = "CommandNotFoundException,Microsoft.PowerShell.Commands.GetCommandCommand"
					rec.Command = "Get-Command"
					rec.activity = "Get-Command"
					if err := c.writeError(rec); err != nil {
						return err
					}
					continue
				}
				if err := c.out(info); err != nil {
					return err
				}
			}
			return nil
		},
	})
	register(&builtin{
		name:   "Test-Path",
		params: []paramSpec{{name: "Path", position: 0, pipeline: true, typeLabel: "System.String[]", allowEmpty: true}, pStr("LiteralPath", -1, "PSPath"), pStr("PathType", -1, "Type"), pSwitch("IsValid")},
		process: func(c *bcall, v Value, present bool) error {
			paths := AsSlice(c.get("Path"))
			if c.has("LiteralPath") {
				paths = []Value{c.get("LiteralPath")}
			}
			for _, p := range paths {
				s := ToString(p)
				ok := false
				if strings.HasPrefix(strings.ToLower(s), "env:") {
					_, ok = c.in.getVar(c.sc, s)
				} else if strings.HasPrefix(strings.ToLower(s), "variable:") {
					_, ok = c.in.getVar(c.sc, strings.SplitN(s, ":", 2)[1])
				} else if strings.HasPrefix(strings.ToLower(s), "function:") {
					ok = c.in.lookupFunc(c.sc, strings.SplitN(s, ":", 2)[1]) != nil
				} else if c.in.env.Commands != nil {
					ok = c.in.env.Commands.Native(s) != nil
				}
				if err := c.out(ok); err != nil {
					return err
				}
			}
			return nil
		},
	})
	register(&builtin{
		name:   "Get-Variable",
		params: []paramSpec{{name: "Name", position: 0, typeLabel: "System.String[]", allowEmpty: true}, pSwitch("ValueOnly"), pStr("Scope", -1)},
		process: func(c *bcall, v Value, present bool) error {
			for _, n := range AsSlice(c.get("Name")) {
				name := ToString(n)
				val, ok := c.in.getVar(c.sc, name)
				if !ok {
					rec := &ErrorRecord{Message: fmt.Sprintf("Cannot find a variable with the name '%s'.", name), ExceptionType: "System.Management.Automation.ItemNotFoundException", FullyQualifiedErrorID: "VariableNotFound,Microsoft.PowerShell.Commands.GetVariableCommand", Category: "ObjectNotFound", TargetName: name}
					if err := c.writeError(rec); err != nil {
						return err
					}
					continue
				}
				if c.flag("ValueOnly") {
					if err := c.out(val); err != nil {
						return err
					}
					continue
				}
				o := NewObject("System.Management.Automation.PSVariable")
				o.Set("Name", name).Set("Value", val)
				if err := c.out(o); err != nil {
					return err
				}
			}
			return nil
		},
	})
	register(&builtin{
		name:   "Set-Variable",
		params: []paramSpec{pStr("Name", 0), pObj("Value", 1), pStr("Scope", -1), pSwitch("PassThru"), pStr("Option", -1)},
		process: func(c *bcall, v Value, present bool) error {
			name := c.str("Name")
			val := c.get("Value")
			if present && !c.has("Value") {
				val = v
			}
			switch strings.ToLower(c.str("Scope")) {
			case "global", "script":
				name = "global:" + name
			}
			return c.in.failAt(c.elem, c.in.setVar(c.sc, name, val))
		},
	})
	register(&builtin{
		name:   "Remove-Variable",
		params: []paramSpec{{name: "Name", position: 0, typeLabel: "System.String[]", allowEmpty: true}, pStr("Scope", -1), pSwitch("Force")},
		process: func(c *bcall, v Value, present bool) error {
			for _, n := range AsSlice(c.get("Name")) {
				ln := strings.ToLower(ToString(n))
				for s := c.sc; s != nil; s = s.parent {
					if _, ok := s.vars[ln]; ok {
						delete(s.vars, ln)
						break
					}
				}
			}
			return nil
		},
	})
	register(&builtin{
		name:   "Invoke-Expression",
		params: []paramSpec{{name: "Command", position: 0, pipeline: true, mandatory: true, typeLabel: "System.String", convert: toStringConv}},
		process: func(c *bcall, v Value, present bool) error {
			text := c.str("Command")
			src := newSource(text)
			sb, perr := parseSourceText(src)
			if perr != nil {
				rec := &ErrorRecord{Message: perr.Message, ExceptionType: "System.Management.Automation.ParseException", FullyQualifiedErrorID: perr.ID + ",Microsoft.PowerShell.Commands.InvokeExpressionCommand", Category: "ParserError", Command: "Invoke-Expression", activity: "Invoke-Expression", pos: extent{src: src, start: perr.start, end: perr.end}}
				return &psError{rec: rec}
			}
			return blockResult(c.in.execBlock(c.sc, sb.end, c.out))
		},
	})
	register(&builtin{
		name:   "Invoke-Command",
		params: []paramSpec{pObj("ScriptBlock", 0), pObj("ArgumentList", -1, "Args"), pStr("ComputerName", -1, "Cn"), pObj("Session", -1), pObj("Credential", -1), pInputObject(-1), pSwitch("NoNewScope")},
		process: func(c *bcall, v Value, present bool) error {
			if c.has("ComputerName") || c.has("Session") {
				rec := &ErrorRecord{Message: "Connecting to remote server failed with the following error message : The WinRM client cannot process the request. Remoting from the lab farm is not supported.", ExceptionType: "System.Management.Automation.Remoting.PSRemotingTransportException", FullyQualifiedErrorID: "PSSessionStateBroken", Category: "OpenError", TargetName: c.str("ComputerName")}
				return c.writeError(rec)
			}
			sb, ok := c.get("ScriptBlock").(*scriptBlock)
			if !ok {
				return c.b.missingMandatory(map[string]Value{}, "")
			}
			return c.in.invokeScriptBlock(c.sc, sb, AsSlice(c.get("ArgumentList")), v, present, !c.flag("NoNewScope"), c.out)
		},
	})
	register(&builtin{
		name:   "Join-Path",
		params: []paramSpec{{name: "Path", position: 0, mandatory: true, pipeline: true, typeLabel: "System.String[]", convert: toStringConv}, {name: "ChildPath", position: 1, mandatory: true, typeLabel: "System.String", convert: toStringConv}, pSwitch("Resolve")},
		process: func(c *bcall, v Value, present bool) error {
			p := strings.TrimRight(c.str("Path"), `\/`)
			child := strings.TrimLeft(c.str("ChildPath"), `\/`)
			return c.out(p + `\` + child)
		},
	})
	register(&builtin{
		name:   "Split-Path",
		params: []paramSpec{{name: "Path", position: 0, mandatory: true, pipeline: true, typeLabel: "System.String[]", convert: toStringConv}, pSwitch("Leaf"), pSwitch("Parent"), pSwitch("Qualifier"), pSwitch("NoQualifier")},
		process: func(c *bcall, v Value, present bool) error {
			p := strings.TrimRight(c.str("Path"), `\/`)
			i := strings.LastIndexAny(p, `\/`)
			switch {
			case c.flag("Leaf"):
				return c.out(p[i+1:])
			case c.flag("Qualifier"):
				if j := strings.IndexByte(p, ':'); j >= 0 {
					return c.out(p[:j+1])
				}
				return c.out("")
			case c.flag("NoQualifier"):
				if j := strings.IndexByte(p, ':'); j >= 0 {
					return c.out(p[j+1:])
				}
				return c.out(p)
			}
			if i < 0 {
				return c.out("")
			}
			parent := p[:i]
			if strings.HasSuffix(parent, ":") {
				parent += `\`
			}
			return c.out(parent)
		},
	})
	register(&builtin{
		name:   "Read-Host",
		params: []paramSpec{pObj("Prompt", 0), pSwitch("AsSecureString")},
		process: func(c *bcall, v Value, present bool) error {
			return c.fail("System.Management.Automation.PSInvalidOperationException", "InvalidOperation", "System.Management.Automation.PSInvalidOperationException",
				"Windows PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.")
		},
	})
	register(&builtin{name: "Clear-Host"})
	for _, name := range []string{"Set-Location", "Push-Location"} {
		register(&builtin{
			name:   name,
			params: []paramSpec{pStr("Path", 0), pStr("LiteralPath", -1, "PSPath"), pSwitch("PassThru")},
			process: func(c *bcall, v Value, present bool) error {
				p := c.str("Path")
				if c.has("LiteralPath") {
					p = c.str("LiteralPath")
				}
				switch {
				case p == "" || p == ".":
					return nil
				case p == "..":
					if i := strings.LastIndexByte(strings.TrimRight(c.in.cwd, `\`), '\\'); i > 2 {
						c.in.cwd = c.in.cwd[:i]
					}
					return nil
				case len(p) >= 2 && p[1] == ':', strings.HasPrefix(p, `\\`):
					c.in.cwd = strings.TrimRight(p, `\`)
				default:
					c.in.cwd = strings.TrimRight(c.in.cwd, `\`) + `\` + strings.TrimRight(strings.TrimPrefix(p, `.\`), `\`)
				}
				if len(c.in.cwd) == 2 {
					c.in.cwd += `\`
				}
				return nil
			},
		})
	}
	register(&builtin{name: "Pop-Location"})
	register(&builtin{
		name: "Get-Location",
		process: func(c *bcall, v Value, present bool) error {
			o := NewObject("System.Management.Automation.PathInfo")
			o.Set("Drive", c.in.cwd[:1]).Set("Provider", "Microsoft.PowerShell.Core\\FileSystem").Set("ProviderPath", c.in.cwd).Set("Path", c.in.cwd)
			o.display = c.in.cwd
			return c.out(o)
		},
	})
	registerFallback(&builtin{
		name:   "Import-Module",
		params: []paramSpec{{name: "Name", position: 0, pipeline: true, typeLabel: "System.String[]", allowEmpty: true}, pSwitch("Force"), pSwitch("PassThru"), pSwitch("Global"), pStr("Prefix", -1), pObj("Function", -1), pObj("Cmdlet", -1), pSwitch("DisableNameChecking"), pObj("ArgumentList", -1, "Args")},
		process: func(c *bcall, v Value, present bool) error {
			for _, n := range AsSlice(c.get("Name")) {
				name := ToString(n)
				rec := &ErrorRecord{
					Message:               fmt.Sprintf("The specified module '%s' was not loaded because no valid module file was found in any module directory.", name),
					ExceptionType:         "System.IO.FileNotFoundException",
					FullyQualifiedErrorID: "Modules_ModuleNotFound,Microsoft.PowerShell.Commands.ImportModuleCommand",
					Category:              "ResourceUnavailable",
					TargetName:            name,
				}
				if err := c.writeError(rec); err != nil {
					return err
				}
			}
			return nil
		},
	})
	registerFallback(&builtin{
		name:   "Get-Module",
		params: []paramSpec{{name: "Name", position: 0, typeLabel: "System.String[]", allowEmpty: true}, pSwitch("ListAvailable"), pSwitch("All")},
	})
	for _, name := range []string{"Get-Content", "Set-Content", "Out-File", "Add-Content"} {
		n := name
		register(&builtin{
			name:   n,
			params: []paramSpec{{name: "Path", position: 0, typeLabel: "System.String[]", allowEmpty: true}, pObj("Value", 1), pInputObject(-1), pStr("LiteralPath", -1, "PSPath"), pStr("FilePath", -1), pSwitch("Raw"), pStr("Encoding", -1), pSwitch("Force"), pSwitch("NoNewline"), pInt("TotalCount", -1, "First", "Head"), pInt("Tail", -1, "Last"), pSwitch("Append"), pInt("Width", -1)},
			end: func(c *bcall) error {
				path := c.str("Path")
				if path == "" {
					path = c.str("FilePath")
				}
				if path == "" {
					path = c.str("LiteralPath")
				}
				if n == "Get-Content" {
					rec := &ErrorRecord{Message: fmt.Sprintf("Cannot find path '%s' because it does not exist.", path), ExceptionType: "System.Management.Automation.ItemNotFoundException", FullyQualifiedErrorID: "PathNotFound,Microsoft.PowerShell.Commands.GetContentCommand", Category: "ObjectNotFound", TargetName: path}
					return c.writeError(rec)
				}
				rec := &ErrorRecord{Message: fmt.Sprintf("Could not find a part of the path '%s'.", path), ExceptionType: "System.IO.DirectoryNotFoundException", FullyQualifiedErrorID: "GetContentWriterDirectoryNotFoundError," + c.fullName(), Category: "ObjectNotFound", TargetName: path}
				return c.writeError(rec)
			},
		})
	}
}

// uformat implements Get-Date -UFormat for the common specifiers.
func uformat(t time.Time, f string) string {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		if f[i] != '%' || i+1 >= len(f) {
			b.WriteByte(f[i])
			continue
		}
		i++
		switch f[i] {
		case 'Y':
			fmt.Fprintf(&b, "%04d", t.Year())
		case 'y':
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case 'm':
			fmt.Fprintf(&b, "%02d", int(t.Month()))
		case 'd':
			fmt.Fprintf(&b, "%02d", t.Day())
		case 'H':
			fmt.Fprintf(&b, "%02d", t.Hour())
		case 'M':
			fmt.Fprintf(&b, "%02d", t.Minute())
		case 'S':
			fmt.Fprintf(&b, "%02d", t.Second())
		case 's':
			fmt.Fprintf(&b, "%d", t.Unix())
		case 'Z':
			b.WriteString(t.Format("-07"))
		default:
			b.WriteByte(f[i])
		}
	}
	return b.String()
}
