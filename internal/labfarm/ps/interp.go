package ps

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

// ExitCodeCancelled is the exit code of a script stopped because its context
// was cancelled (WinRS Signal terminate, shell deleted). It is
// STATUS_CONTROL_C_EXIT, what Windows reports for a console process stopped
// by Ctrl+C or Ctrl+Break.
const ExitCodeCancelled = -1073741510

// Run runs a script as powershell.exe -EncodedCommand does under WinRS: output
// is formatted as text on env.Stdout as it is produced, and the error,
// warning and verbose streams go to env.Stderr as CLIXML. It returns the
// process exit code: N for exit N; 1 after an uncaught terminating error;
// otherwise 0 if the last statement succeeded and 1 if it failed;
// ExitCodeCancelled if ctx is cancelled.
func Run(ctx context.Context, env *Env, script string) int {
	return run(ctx, env, script, runOptions{clixml: true})
}

type runOptions struct {
	clixml bool // error streams as CLIXML (-EncodedCommand) rather than text (-Command)
}

func run(ctx context.Context, env *Env, script string, opts runOptions) int {
	in := newInterp(ctx, env, opts)
	defer in.streams.close()
	sb, perr := parseScript(script)
	if perr != nil {
		in.reportParseError(perr)
		return 1
	}
	code := in.runTop(sb)
	in.fmt.finish()
	return code
}

// errCancelled stops a script whose context was cancelled; try/catch never
// catches it.
var errCancelled = errors.New("pipeline stopped")

// interp is the state of one powershell.exe process.
type interp struct {
	ctx      context.Context
	env      *Env
	host     string
	global   *scope
	streams  *hostStreams
	fmt      *formatter
	status   bool // $?
	failed   bool // an error was reported in the current statement
	errs     *arrayList
	tryDepth int
	stdin    *stdinReader
	envVars  map[string][2]string // lower-case name -> {name, value}
	frames   []*frame
	errHook  []func(*ErrorRecord) bool // 2>&1 and 2>$null redirections, innermost last
	sleep    func(ctx context.Context, d time.Duration) error
	cwd      string // current location (Set-Location), for .\tool.exe
	// stmtDepth counts the statement lists being run; 0 outside the script's
	// own statements (execStmts).
	stmtDepth int
}

// frame is one function or script block invocation on the call stack.
type frame struct {
	name    string // function name ("" for script blocks)
	callExt extent // where it was invoked
}

// scope holds variables and functions; lookups walk to the parent
// (PowerShell's dynamic scoping).
type scope struct {
	vars   map[string]*variable
	funcs  map[string]*functionDef
	parent *scope
}

type variable struct {
	name  string
	value Value
	typ   *psType // [int]$x = ... type constraint
}

func newScope(parent *scope) *scope {
	return &scope{vars: map[string]*variable{}, parent: parent}
}

var defaultEnvVars = map[string]string{
	"ProgramFiles":           `C:\Program Files`,
	"ProgramFiles(x86)":      `C:\Program Files (x86)`,
	"ProgramData":            `C:\ProgramData`,
	"SystemRoot":             `C:\Windows`,
	"windir":                 `C:\Windows`,
	"SystemDrive":            `C:`,
	"TEMP":                   `C:\Windows\TEMP`,
	"TMP":                    `C:\Windows\TEMP`,
	"OS":                     "Windows_NT",
	"PROCESSOR_ARCHITECTURE": "AMD64",
	"PSModulePath":           `C:\Windows\system32\WindowsPowerShell\v1.0\Modules\`,
	"ComSpec":                `C:\Windows\system32\cmd.exe`,
	"PATHEXT":                ".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC",
}

func newInterp(ctx context.Context, env *Env, opts runOptions) *interp {
	if env == nil {
		env = &Env{}
	}
	in := &interp{ctx: ctx, env: env, host: strings.ToLower(env.Host), status: true, cwd: `C:\Users\Administrator`}
	stdout, stderr := env.Stdout, env.Stderr
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	in.streams = &hostStreams{stdout: stdout, stderr: stderr, clixml: opts.clixml}
	in.fmt = &formatter{w: in.streams}
	in.stdin = newStdinReader(env.Stdin)
	sleep := env.Sleep
	if sleep == nil {
		sleep = realSleep
	}
	// A wait longer than Out-Default's grouping delay shows the table rows
	// held so far (format.go), so that output streams while a script waits.
	in.sleep = func(ctx context.Context, d time.Duration) error {
		if d > tableGroupingDelay {
			in.fmt.flush()
		}
		return sleep(ctx, d)
	}
	in.envVars = map[string][2]string{}
	for k, v := range defaultEnvVars {
		in.envVars[strings.ToLower(k)] = [2]string{k, v}
	}
	if in.host != "" {
		label := strings.ToUpper(strings.SplitN(in.host, ".", 2)[0])
		in.envVars["computername"] = [2]string{"COMPUTERNAME", label}
		if i := strings.IndexByte(in.host, '.'); i >= 0 {
			in.envVars["userdnsdomain"] = [2]string{"USERDNSDOMAIN", strings.ToUpper(in.host[i+1:])}
		}
	}
	keys := make([]string, 0, len(env.Variables))
	for k := range env.Variables {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		in.envVars[strings.ToLower(k)] = [2]string{k, env.Variables[k]}
	}
	in.global = newScope(nil)
	in.errs = &arrayList{typeName: "System.Collections.ArrayList"}
	g := in.global
	set := func(name string, v Value) { g.vars[strings.ToLower(name)] = &variable{name: name, value: v} }
	set("Error", in.errs)
	set("ErrorActionPreference", "Continue")
	set("ProgressPreference", "Continue")
	set("VerbosePreference", "SilentlyContinue")
	set("DebugPreference", "SilentlyContinue")
	set("WarningPreference", "Continue")
	set("ConfirmPreference", "High")
	set("WhatIfPreference", false)
	set("PSVersionTable", newPSVersionTable())
	set("PSHOME", `C:\Windows\System32\WindowsPowerShell\v1.0`)
	set("HOME", `C:\Users\Administrator`)
	set("PID", 4242)
	set("PSCulture", "en-US")
	set("PSUICulture", "en-US")
	set("MaximumHistoryCount", 4096)
	set("NestedPromptLevel", 0)
	set("ShellId", "Microsoft.PowerShell")
	set("PSScriptRoot", "")
	set("PSCommandPath", "")
	set("args", []Value{})
	set("OFS", nil)
	delete(g.vars, "ofs")
	return in
}

func newPSVersionTable() *Hashtable {
	h := NewHashtable()
	h.Set("PSVersion", &versionValue{3, 0, -1, -1})
	h.Set("WSManStackVersion", &versionValue{3, 0, -1, -1})
	h.Set("SerializationVersion", &versionValue{1, 1, 0, 1})
	h.Set("CLRVersion", &versionValue{4, 0, 30319, 42000})
	h.Set("BuildVersion", &versionValue{6, 2, 9200, 22198})
	h.Set("PSCompatibleVersions", []Value{&versionValue{1, 0, -1, -1}, &versionValue{2, 0, -1, -1}, &versionValue{3, 0, -1, -1}})
	h.Set("PSRemotingProtocolVersion", &versionValue{2, 2, -1, -1})
	return h
}

func realSleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ---- variables ----

func splitScope(name string) (qual, bare string) {
	if i := strings.IndexByte(name, ':'); i > 0 {
		return strings.ToLower(name[:i]), name[i+1:]
	}
	return "", name
}

func (in *interp) lookupVar(sc *scope, name string) (*variable, bool) {
	ln := strings.ToLower(name)
	if ln == "psitem" {
		ln = "_"
	}
	for s := sc; s != nil; s = s.parent {
		if v, ok := s.vars[ln]; ok {
			return v, true
		}
	}
	return nil, false
}

// getVar reads a variable, including automatic and scope-qualified ones.
func (in *interp) getVar(sc *scope, name string) (Value, bool) {
	qual, bare := splitScope(name)
	switch qual {
	case "env":
		if v, ok := in.envVars[strings.ToLower(bare)]; ok {
			return v[1], true
		}
		return nil, false
	case "global", "script":
		sc = in.global
	case "variable", "local", "private", "using", "":
	default:
		return nil, false
	}
	switch strings.ToLower(bare) {
	case "null":
		return nil, true
	case "true":
		return true, true
	case "false":
		return false, true
	case "?":
		return in.status, true
	case "$", "^":
		return nil, true
	}
	if qual == "local" || qual == "private" {
		if v, ok := sc.vars[strings.ToLower(bare)]; ok {
			return v.value, true
		}
		return nil, false
	}
	if v, ok := in.lookupVar(sc, bare); ok {
		return v.value, true
	}
	return nil, false
}

// setVar assigns a variable in the current scope (or the qualified one).
func (in *interp) setVar(sc *scope, name string, val Value) error {
	qual, bare := splitScope(name)
	switch qual {
	case "env":
		if val == nil || ToString(val) == "" {
			delete(in.envVars, strings.ToLower(bare))
			return nil
		}
		in.envVars[strings.ToLower(bare)] = [2]string{bare, ToString(val)}
		return nil
	case "global", "script":
		sc = in.global
	}
	lb := strings.ToLower(bare)
	switch lb {
	case "null":
		return nil
	case "true", "false", "?", "$", "^":
		rec := rtError("WriteError", "SessionStateUnauthorizedAccessException", "Cannot overwrite variable "+bare+" because it is read-only or constant.")
		rec.FullyQualifiedErrorID = "VariableNotWritable"
		rec.TargetName = bare
		return &psError{rec: rec}
	case "psitem":
		lb = "_"
	}
	if v, ok := sc.vars[lb]; ok {
		if v.typ != nil {
			cv, err := convertTo(val, v.typ)
			if err != nil {
				return asPSError(err)
			}
			val = cv
		}
		v.value = val
		return nil
	}
	// A type constraint declared in a parent scope still applies.
	if v, ok := in.lookupVar(sc.parent, lb); ok && v.typ != nil && sc.parent != nil {
		cv, err := convertTo(val, v.typ)
		if err != nil {
			return asPSError(err)
		}
		val = cv
	}
	sc.vars[lb] = &variable{name: bare, value: val}
	return nil
}

func (in *interp) setLocal(sc *scope, name string, val Value) {
	sc.vars[strings.ToLower(name)] = &variable{name: name, value: val}
}

// preference returns a preference variable value such as
// $ErrorActionPreference, lower-cased.
func (in *interp) preference(sc *scope, name string) string {
	v, _ := in.getVar(sc, name)
	return strings.ToLower(ToString(v))
}

// ---- functions ----

func (in *interp) lookupFunc(sc *scope, name string) *functionDef {
	ln := strings.ToLower(name)
	for s := sc; s != nil; s = s.parent {
		if f, ok := s.funcs[ln]; ok {
			return f
		}
	}
	return nil
}

func (in *interp) defineFunc(sc *scope, fd *functionDef) {
	if sc.funcs == nil {
		sc.funcs = map[string]*functionDef{}
	}
	sc.funcs[strings.ToLower(fd.name)] = fd
}

// ---- errors ----

// asPSError wraps conversion and method errors (plain *ErrorRecord) as
// terminating errors.
func asPSError(err error) error {
	if err == nil {
		return nil
	}
	if rec, ok := err.(*ErrorRecord); ok {
		return &psError{rec: rec}
	}
	return err
}

// failAt attaches a position to an error if it has none.
func (in *interp) failAt(n node, err error) error {
	err = asPSError(err)
	if pe, ok := err.(*psError); ok && pe.rec.pos.src == nil && !pe.rec.noPosition && n != nil {
		pe.rec.pos = n.ext()
	}
	return err
}

// addError records an error in $Error (newest first).
func (in *interp) addError(rec *ErrorRecord) {
	in.errs.items = append([]Value{rec}, in.errs.items...)
	if len(in.errs.items) > 256 {
		in.errs.items = in.errs.items[:256]
	}
}

// reportError writes an error record to the error stream (unless a
// redirection takes it) and records it in $Error.
func (in *interp) reportError(rec *ErrorRecord, display bool) {
	in.failed = true
	in.addError(rec)
	for i := len(in.errHook) - 1; i >= 0; i-- {
		if in.errHook[i](rec) {
			return
		}
	}
	if display {
		in.streams.writeStream("Error", renderError(rec))
	}
}

// nonTerminating handles a non-terminating error according to the effective
// error action; under Stop it returns the terminating error to raise.
func (in *interp) nonTerminating(sc *scope, rec *ErrorRecord, action string) error {
	if action == "" {
		action = in.preference(sc, "ErrorActionPreference")
	}
	switch action {
	case "stop":
		in.failed = true
		return &psError{rec: rec, script: true}
	case "ignore":
		in.failed = true
		return nil
	case "silentlycontinue":
		in.reportError(rec, false)
		return nil
	}
	in.reportError(rec, true)
	return nil
}

func (in *interp) reportParseError(perr *ParseError) {
	rec := &ErrorRecord{
		Message:               perr.Message,
		ExceptionType:         "System.Management.Automation.ParentContainsErrorRecordException",
		FullyQualifiedErrorID: perr.ID,
		Category:              "ParserError",
		pos:                   extent{src: perr.src, start: perr.start, end: perr.end},
	}
	lines := strings.Split(positionMessage(rec.pos), "\r\n")
	lines = append(lines, perr.Message,
		"    + CategoryInfo          : "+categoryLine(rec),
		"    + FullyQualifiedErrorId : "+rec.FullyQualifiedErrorID,
		" ")
	in.addError(rec)
	in.streams.writeStream("Error", lines)
}

// ---- top level ----

func (in *interp) runTop(sb *scriptBlockAst) int {
	out := in.fmt.write
	err := in.runBlocks(in.global, sb, out)
	if err == nil {
		if in.status {
			return 0
		}
		return 1
	}
	return in.finalError(err)
}

// finalError turns what escaped the script into an exit code.
func (in *interp) finalError(err error) int {
	var ex *exitSignal
	var pe *psError
	switch {
	case errors.As(err, &ex):
		return ex.code
	case errors.Is(err, errCancelled):
		return ExitCodeCancelled
	case errors.As(err, &pe):
		in.reportError(pe.rec, in.preference(in.global, "ErrorActionPreference") != "ignore")
		return 1
	}
	switch err.(type) {
	case *breakSignal, *continueSignal, *returnSignal:
		if in.status {
			return 0
		}
		return 1
	}
	rec := rtError("NotSpecified", "RuntimeException", err.Error())
	in.reportError(rec, true)
	return 1
}

// ---- host streams ----

// hostStreams serialises writes to stdout and stderr. In CLIXML mode the
// error, warning and verbose streams are written as one <Objs> document
// opened by the first record and closed when the process ends.
type hostStreams struct {
	mu     sync.Mutex
	stdout io.Writer
	stderr io.Writer
	clixml bool
	open   bool
}

func (h *hostStreams) writeOut(s string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, _ = io.WriteString(h.stdout, s)
}

func (h *hostStreams) writeErrRaw(s string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, _ = io.WriteString(h.stderr, s)
}

// writeStream writes lines of the Error, warning, verbose or debug stream.
func (h *hostStreams) writeStream(stream string, lines []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.clixml {
		var b strings.Builder
		for _, l := range lines {
			b.WriteString(l)
			b.WriteString("\r\n")
		}
		w := h.stderr
		if stream != "Error" {
			w = h.stdout
		}
		_, _ = io.WriteString(w, b.String())
		return
	}
	var b strings.Builder
	if !h.open {
		b.WriteString("#< CLIXML\r\n<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">")
		h.open = true
	}
	for _, l := range lines {
		b.WriteString(`<S S="`)
		b.WriteString(stream)
		b.WriteString(`">`)
		b.WriteString(clixmlEscape(l + "\r\n"))
		b.WriteString("</S>")
	}
	_, _ = io.WriteString(h.stderr, b.String())
}

func (h *hostStreams) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.open {
		_, _ = io.WriteString(h.stderr, "</Objs>")
		h.open = false
	}
}

// ---- stdin ----

// stdinReader reads the process's standard input on demand without ever
// blocking past a cancelled context: each read runs in a goroutine.
type stdinReader struct {
	r    io.Reader
	buf  []byte
	eof  bool
	pend chan readResult
}

type readResult struct {
	data []byte
	err  error
}

func newStdinReader(r io.Reader) *stdinReader {
	if r == nil {
		return &stdinReader{eof: true}
	}
	return &stdinReader{r: r}
}

func (s *stdinReader) fill(ctx context.Context) error {
	if s.eof {
		return io.EOF
	}
	if s.pend == nil {
		ch := make(chan readResult, 1)
		s.pend = ch
		go func(r io.Reader) {
			b := make([]byte, 32*1024)
			n, err := r.Read(b)
			ch <- readResult{b[:n], err}
		}(s.r)
	}
	select {
	case <-ctx.Done():
		return errCancelled
	case res := <-s.pend:
		s.pend = nil
		s.buf = append(s.buf, res.data...)
		if res.err != nil {
			s.eof = true
		}
		return nil
	}
}

// readLine returns the next line without its terminator, or ok=false at end
// of input. The line is whole: [Console]::In.ReadLine() cuts it
// (consoleLine).
func (s *stdinReader) readLine(ctx context.Context) (string, bool, error) {
	for {
		if i := bytes.IndexByte(s.buf, '\n'); i >= 0 {
			line := string(s.buf[:i])
			s.buf = s.buf[i+1:]
			return strings.TrimSuffix(line, "\r"), true, nil
		}
		if s.eof {
			if len(s.buf) == 0 {
				return "", false, nil
			}
			line := string(s.buf)
			s.buf = nil
			return strings.TrimSuffix(line, "\r"), true, nil
		}
		if err := s.fill(ctx); err != nil && err != io.EOF {
			return "", false, err
		}
	}
}

// consoleLineMax is how many characters of a line [Console]::In.ReadLine()
// returns. The farm emulates WinRS console-mode stdin
// (WINRS_CONSOLEMODE_STDIN=TRUE, what masterzen/winrm and pywinrm always
// send): powershell.exe's stdin is then a console, and .NET Framework reads
// a console through a 256-character buffer of which the line end takes two,
// so Console.ReadLine returns at most 254 characters of a line (documented
// on Console.ReadLine) and the rest of that line is lost. A client that sends
// longer lines fails here as it would on a real server.
const consoleLineMax = 254

// consoleLine cuts a line of stdin as a console ReadLine does: to its first
// consoleLineMax UTF-16 code units. A surrogate pair cut in half leaves
// U+FFFD (a lone surrogate has no UTF-8 form).
func consoleLine(line string) string {
	if len(line) <= consoleLineMax { // bytes >= UTF-16 code units
		return line
	}
	n := 0
	for i, r := range line {
		w := 1
		if r > 0xFFFF {
			w = 2
		}
		if n+w > consoleLineMax {
			if n < consoleLineMax {
				return line[:i] + "\uFFFD"
			}
			return line[:i]
		}
		n += w
	}
	return line
}

func (s *stdinReader) readAll(ctx context.Context) (string, error) {
	for !s.eof {
		if err := s.fill(ctx); err != nil && err != io.EOF {
			return "", err
		}
	}
	out := string(s.buf)
	s.buf = nil
	return out, nil
}

// runBlocks runs a script's blocks (begin, process once, end) in sc.
func (in *interp) runBlocks(sc *scope, sb *scriptBlockAst, out emitFn) error {
	if len(sb.params) > 0 {
		b := &binder{specs: specsFromScript(sb), lax: true}
		res, err := b.bind(nil)
		if err != nil {
			return err
		}
		if err := in.initParams(sc, sb, b.specs, res); err != nil {
			return err
		}
	}
	if !sb.named {
		return blockResult(in.execBlock(sc, sb.end, out))
	}
	for _, blk := range []*stmtBlock{sb.begin, sb.process, sb.end} {
		if blk == nil {
			continue
		}
		if err := blockResult(in.execBlock(sc, blk, out)); err != nil {
			return err
		}
	}
	return nil
}
