package ps

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
)

// exitCodeBadCommandLine is what powershell.exe 5.1 returns for command-line
// errors (0xFFFD0000).
const exitCodeBadCommandLine = -196608

// RunCommandLine emulates the program a WinRS command line starts. Only
// powershell.exe is installed: anything else fails the way cmd.exe reports
// an unknown program (exit code 1). For powershell.exe the options
// -NoProfile, -NonInteractive, -NoLogo, -NoExit, -ExecutionPolicy,
// -InputFormat, -OutputFormat, -WindowStyle, -Version, -Sta/-Mta are
// accepted (abbreviated as PowerShell allows); -EncodedCommand runs a
// base64 UTF-16LE script with the error streams as CLIXML; -Command runs the
// rest of the line (or, with "-Command -", the whole of standard input)
// with errors as text; -File fails because the farm has no file system.
func RunCommandLine(ctx context.Context, env *Env, commandLine string) int {
	if env == nil {
		env = &Env{}
	}
	stderr := func(s string) {
		if env.Stderr != nil {
			_, _ = env.Stderr.Write([]byte(s))
		}
	}
	argv := splitCommandLine(commandLine)
	if len(argv) == 0 {
		return 0
	}
	prog := argv[0]
	base := prog
	if i := strings.LastIndexAny(base, `\/`); i >= 0 {
		base = base[i+1:]
	}
	switch strings.ToLower(base) {
	case "powershell", "powershell.exe":
	default:
		stderr(fmt.Sprintf("'%s' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n", prog))
		return 1
	}
	args := argv[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		isOption := strings.HasPrefix(a, "-") || strings.HasPrefix(a, "/")
		if !isOption || a == "-" {
			// First non-option: the rest is the command (-Command is the default).
			return run(ctx, env, strings.Join(args[i:], " "), runOptions{})
		}
		sw := strings.ToLower(a[1:])
		needArg := func() (string, bool) {
			if i+1 >= len(args) {
				return "", false
			}
			i++
			return args[i], true
		}
		switch {
		case matchSwitch(sw, "noprofile", "nop"), matchSwitch(sw, "noninteractive", "noni"), matchSwitch(sw, "nologo", "nol"),
			matchSwitch(sw, "noexit", "noe"), matchSwitch(sw, "sta", "s"), matchSwitch(sw, "mta", "mta"):
		case matchSwitch(sw, "executionpolicy", "ex") || sw == "ep",
			matchSwitch(sw, "inputformat", "i") || sw == "if",
			matchSwitch(sw, "outputformat", "o") || sw == "of",
			matchSwitch(sw, "windowstyle", "w"),
			matchSwitch(sw, "version", "v"),
			matchSwitch(sw, "configurationname", "config"),
			matchSwitch(sw, "psconsolefile", "psc"):
			if _, ok := needArg(); !ok {
				stderr(fmt.Sprintf("Missing argument for parameter %s.\r\n", a))
				return exitCodeBadCommandLine
			}
		case matchSwitch(sw, "encodedcommand", "e") || sw == "ec":
			b64, ok := needArg()
			if !ok {
				stderr("Cannot process the command because -EncodedCommand requires an argument. Specify an argument for -EncodedCommand and try again.\r\n")
				return exitCodeBadCommandLine
			}
			raw, err := base64.StdEncoding.DecodeString(b64)
			if err != nil || len(raw)%2 != 0 {
				stderr("Cannot process the command because the value specified with -EncodedCommand is not properly encoded. The value must be Base64 encoded.\r\n")
				return exitCodeBadCommandLine
			}
			return run(ctx, env, fromUTF16LE(raw), runOptions{clixml: true})
		case matchSwitch(sw, "command", "c"):
			rest := args[i+1:]
			if len(rest) == 1 && rest[0] == "-" {
				in := newStdinReader(env.Stdin)
				script, err := in.readAll(ctx)
				if err != nil {
					return ExitCodeCancelled
				}
				env2 := *env
				env2.Stdin = strings.NewReader("")
				return run(ctx, &env2, script, runOptions{})
			}
			return run(ctx, env, strings.Join(rest, " "), runOptions{})
		case matchSwitch(sw, "file", "f"):
			path, _ := needArg()
			stderr(fmt.Sprintf("The argument '%s' to the -File parameter does not exist. Provide the path to an existing '.ps1' file as an argument to the -File parameter.\r\n", path))
			return exitCodeBadCommandLine
		case sw == "?" || matchSwitch(sw, "help", "h"):
			if env.Stdout != nil {
				_, _ = env.Stdout.Write([]byte("PowerShell[.exe] [-PSConsoleFile <file> | -Version <version>]\r\n    [-NoLogo] [-NoExit] [-Sta] [-Mta] [-NoProfile] [-NonInteractive]\r\n    [-InputFormat {Text | XML}] [-OutputFormat {Text | XML}]\r\n    [-WindowStyle <style>] [-EncodedCommand <Base64EncodedCommand>]\r\n    [-ConfigurationName <string>]\r\n    [-File <filePath> <args>] [-ExecutionPolicy <ExecutionPolicy>]\r\n    [-Command { - | <script-block> [-args <arg-array>]\r\n                  | <string> [<CommandParameters>] } ]\r\n"))
			}
			return 0
		default:
			// powershell.exe treats an unknown switch as the start of the command.
			return run(ctx, env, strings.Join(args[i:], " "), runOptions{})
		}
	}
	return 0
}

// matchSwitch reports whether key abbreviates name with at least shortest.
func matchSwitch(key, name, shortest string) bool {
	return strings.HasPrefix(name, key) && len(key) >= len(shortest) && strings.HasPrefix(key, shortest)
}

// splitCommandLine splits a Windows command line as CommandLineToArgvW
// does: blanks separate arguments, double quotes group, backslashes escape
// quotes only when they precede one.
func splitCommandLine(s string) []string {
	var args []string
	var cur strings.Builder
	inQuote, have := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			n := 0
			for i < len(s) && s[i] == '\\' {
				n++
				i++
			}
			if i < len(s) && s[i] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
				} else {
					inQuote = !inQuote
				}
			} else {
				cur.WriteString(strings.Repeat(`\`, n))
				i--
			}
			have = true
		case c == '"':
			if inQuote && i+1 < len(s) && s[i+1] == '"' {
				cur.WriteByte('"')
				i++
			} else {
				inQuote = !inQuote
			}
			have = true
		case (c == ' ' || c == '\t') && !inQuote:
			if have {
				args = append(args, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if have {
		args = append(args, cur.String())
	}
	return args
}
