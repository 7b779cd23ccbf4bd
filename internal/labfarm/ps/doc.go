// Overview of the interpreter (the package comment is in api.go).
//
// Files:
//
//	tokenizer.go   mode-driven lexer (expression vs command mode), strings, here-strings, numbers
//	parser.go      recursive-descent parser producing ast.go nodes; ParseError with PowerShell ids
//	interp.go      Run, process state, scopes, variables, host streams (text / CLIXML), stdin
//	eval_*.go      statements, expressions, operators, members and methods
//	commands.go    pipelines, command resolution, script functions, farm cmdlets, natives
//	binding.go     parameter binding shared by farm cmdlets, built-ins and advanced functions
//	builtins*.go   built-in cmdlets (Write-*, Out-*, object cmdlets, utilities)
//	statics.go     [Convert], [Text.Encoding], [Console], [string], [math], [scriptblock], ...
//	convert.go     PowerShell conversions (ToString, ToBool, ToInt, casts, comparisons)
//	format.go      Out-Default: tables, lists, Name/Value tables
//	json.go        ConvertTo-Json / ConvertFrom-Json (Windows PowerShell 5.1 behaviour)
//	xml.go         the [xml] DOM and PowerShell's XML adapter; xpath.go its XPath subset
//	errors.go      error records, their rendering and CLIXML escaping
//	commandline.go RunCommandLine: powershell.exe argument handling
//
// Behaviour worth knowing when writing farm cmdlets:
//
//   - Values crossing the api.go boundary are the types listed on Value; use
//     ToString, ToBool, ToInt and AsSlice to read TypeObject parameters.
//   - Output streams: every object reaching the end of a top-level pipeline is
//     formatted and written as it arrives, except that a new table holds its
//     rows until the statement ends, the script waits longer than 300 ms on the
//     farm clock or host text is written, so that its columns fit the values
//     shown (format.go); Write-Host and Call.WriteHost go to stdout;
//     errors, warnings and verbose records go to stderr as CLIXML under
//     -EncodedCommand (Run) and as text under -Command.
//   - Non-terminating errors (Call.WriteError) follow -ErrorAction and
//     $ErrorActionPreference; errors returned from Invoke are terminating and
//     end the statement (and the script under ErrorAction Stop or in try).
//   - Exit codes: exit N; 1 after an uncaught terminating error; otherwise 0/1
//     from the success of the last statement; ExitCodeCancelled on cancellation.
//   - Standard input is WinRS console-mode stdin (WINRS_CONSOLEMODE_STDIN=TRUE,
//     what masterzen/winrm and pywinrm send), as .NET Framework reads it:
//     [Console]::In.ReadLine() and [Console]::ReadLine() return at most 254
//     characters of a line and lose the rest of it (interp.go, consoleLine),
//     so a client that sends longer lines fails here as on a real server.
//
// Deliberate differences from Windows PowerShell: [char] is a one-character
// string; hashtables keep insertion order; unprefixed XPath name tests match
// any namespace; there is no file system (Out-File, > file, Get-Content and
// XmlDocument.Save/Load fail with PowerShell's "could not find" errors);
// -OutputFormat XML is accepted but output stays text; "-Command -" reads all
// of standard input before running it; regular expressions use Go's RE2
// syntax (no look-around or back-references).

package ps
