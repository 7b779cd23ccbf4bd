// Package ps is the lab farm's PowerShell-subset interpreter: a tokenizer, a
// parser and an evaluator for the part of Windows PowerShell 3.0 that the
// provider emits and that an administrator types from the Lync disaster
// recovery procedure.
//
// This file is the contract between the interpreter and the commands it runs:
// the farm model registers cmdlets and native executables through these types
// and never reaches into the evaluator. Keep it stable; the farm compiles
// against it.
package ps

import (
	"context"
	"io"
	"strings"
	"time"
)

// Value is a PowerShell value. The interpreter uses these Go types:
//
//	nil            $null
//	bool           [bool]
//	int            [int] / [long]
//	float64        [double]
//	string         [string]
//	[]Value        [object[]] (arrays)
//	[]byte         [byte[]]
//	*Hashtable     @{} and [ordered]@{}
//	*Object        [pscustomobject] and every object a cmdlet emits
//	XElement       System.Xml.Linq.XElement (Get-CsTopology -AsXml)
//	*ErrorRecord   $_ inside catch, entries of $Error
//
// The evaluator may add private types (script blocks, XML documents); cmdlets
// only ever see and produce the types above.
type Value = any

// Hashtable is a PowerShell hashtable. Keys are compared case-insensitively,
// as PowerShell does for string keys; insertion order is kept so that
// [ordered]@{} and ConvertTo-Json behave like the real thing.
type Hashtable struct {
	keys    []string
	values  map[string]Value // keyed by strings.ToLower(key)
	ordered bool             // built by [ordered]@{}: GetType() is OrderedDictionary
}

// NewHashtable returns an empty hashtable.
func NewHashtable() *Hashtable { return &Hashtable{values: map[string]Value{}} }

// Set adds or replaces a key.
func (h *Hashtable) Set(key string, v Value) {
	lk := strings.ToLower(key)
	if _, ok := h.values[lk]; !ok {
		h.keys = append(h.keys, key)
	}
	h.values[lk] = v
}

// Get returns the value of a key.
func (h *Hashtable) Get(key string) (Value, bool) {
	v, ok := h.values[strings.ToLower(key)]
	return v, ok
}

// Delete removes a key.
func (h *Hashtable) Delete(key string) {
	lk := strings.ToLower(key)
	if _, ok := h.values[lk]; !ok {
		return
	}
	delete(h.values, lk)
	for i, k := range h.keys {
		if strings.ToLower(k) == lk {
			h.keys = append(h.keys[:i], h.keys[i+1:]...)
			break
		}
	}
}

// Keys returns the keys in insertion order, as first spelled.
func (h *Hashtable) Keys() []string { return append([]string(nil), h.keys...) }

// Len returns the number of keys.
func (h *Hashtable) Len() int { return len(h.keys) }

// Object is a PSObject with note properties: what [pscustomobject]@{} builds
// and what the farm's cmdlets emit. Property names are case-insensitive and
// keep their order, which is the order Format-List and ConvertTo-Json use.
type Object struct {
	// TypeNames are the .NET type names, most derived first, for example
	// "Microsoft.Rtc.Management.Hadr.BackupService.BackupRelation". Empty means
	// System.Management.Automation.PSCustomObject.
	TypeNames []string
	props     *Hashtable
	// display, when set, is what ToString() and string conversion return
	// (used for the interpreter's own objects such as CategoryInfo).
	display string
}

// NewObject returns an object with the given type name (may be empty).
func NewObject(typeName string) *Object {
	o := &Object{props: NewHashtable()}
	if typeName != "" {
		o.TypeNames = []string{typeName}
	}
	return o
}

// Set adds or replaces a property and returns the object, for chaining.
func (o *Object) Set(name string, v Value) *Object { o.props.Set(name, v); return o }

// Get returns a property.
func (o *Object) Get(name string) (Value, bool) { return o.props.Get(name) }

// Properties returns the property names in order.
func (o *Object) Properties() []string { return o.props.Keys() }

// XElement stands for System.Xml.Linq.XElement: what Get-CsTopology -AsXml
// returns and Publish-CsTopology -Document takes. ToString() gives XML.
type XElement struct {
	XML string
}

// ErrorRecord is a PowerShell error. Cmdlets return one from Invoke to fail;
// the interpreter renders it the way powershell.exe does on stderr.
type ErrorRecord struct {
	// Message is Exception.Message.
	Message string
	// ExceptionType is the .NET exception type name, for example
	// "System.InvalidOperationException".
	ExceptionType string
	// FullyQualifiedErrorID is FullyQualifiedErrorId, for example
	// "CommandNotFoundException" or "InvalidOperation,Microsoft.Rtc.Management.Hadr.InvokeBackupServiceSyncCmdlet".
	FullyQualifiedErrorID string
	// Category is the ErrorCategory name, for example "ObjectNotFound",
	// "InvalidOperation", "InvalidArgument", "ResourceUnavailable".
	Category string
	// TargetName is the CategoryInfo target (often the offending value).
	TargetName string
	// Command is the name of the command that failed (InvocationInfo.MyCommand.Name).
	Command string
	// Terminating marks an error that stops the statement even when
	// $ErrorActionPreference is Continue (ThrowTerminatingError). Errors a
	// cmdlet returns from Invoke are terminating; WriteError ones are not.
	Terminating bool

	// Interpreter bookkeeping: where the error happened and the parts of the
	// record PowerShell shows that cmdlets never need to set.
	pos        extent          // InvocationInfo position ("At line:1 char:1")
	activity   string          // CategoryInfo activity: [Get-CsPool]
	target     Value           // TargetObject when it is not TargetName
	hasTarget  bool            // target is set (it may be $null)
	exc        *exceptionValue // the exception object a script threw, if any
	inner      *exceptionValue // Exception.InnerException
	prefix     string          // text before " : " when it is not Command
	noPosition bool            // render without the "At line" block
}

func (e *ErrorRecord) Error() string { return e.Message }

// NewError builds a terminating error record as a compiled cmdlet's
// ThrowTerminatingError would.
func NewError(category, errorID, target, message string) *ErrorRecord {
	return &ErrorRecord{
		Message:               message,
		ExceptionType:         "System.InvalidOperationException",
		FullyQualifiedErrorID: errorID,
		Category:              category,
		TargetName:            target,
		Terminating:           true,
	}
}

// ParamType says how an argument is converted before a cmdlet sees it.
type ParamType int

const (
	// TypeString converts to string (numbers and booleans are formatted).
	TypeString ParamType = iota
	// TypeInt converts to int; a non-numeric string fails binding.
	TypeInt
	// TypeBool takes $true/$false (and 0/1).
	TypeBool
	// TypeSwitch is a switch parameter: present means true, -Name:$false is false.
	TypeSwitch
	// TypeObject passes the value unchanged.
	TypeObject
	// TypeStringArray converts a scalar or an array to []string.
	TypeStringArray
)

// Param describes one cmdlet parameter.
type Param struct {
	// Name is the canonical name without the dash, for example "PoolFqdn".
	Name string
	Type ParamType
	// Position is the 0-based position for positional binding; -1 if the
	// parameter can only be named.
	Position int
	// Mandatory parameters that are missing fail binding the way PowerShell
	// fails a non-interactive session.
	Mandatory bool
	// FromPipeline binds pipeline input by value; Invoke then runs once per
	// input object.
	FromPipeline bool
	// Aliases are other accepted names (case-insensitive).
	Aliases []string
}

// Cmdlet is a command the interpreter can run. Unknown parameters, missing
// mandatory ones and conversion failures are reported by the interpreter with
// PowerShell's own messages before Invoke is called.
type Cmdlet struct {
	// Name is the canonical Verb-Noun name; lookups are case-insensitive.
	Name string
	// FullName is the .NET class implementing the cmdlet, used in
	// FullyQualifiedErrorId of binding errors ("NamedParameterNotFound,<FullName>"),
	// for example "Microsoft.Rtc.Management.Hadr.GetPoolBackupRelationshipCmdlet".
	// Empty means Name is used.
	FullName string
	Params   []Param
	// Invoke runs the cmdlet. A returned error is a terminating error; return
	// an *ErrorRecord for full control of its rendering (the interpreter
	// copies it and fills in Command and the script position). Invoke is
	// called once per pipeline object when a parameter is FromPipeline, else
	// once. Call.Context is cancelled when the script is stopped or when a
	// WriteError escalates under ErrorAction Stop.
	Invoke func(c *Call) error
}

// Call is one invocation of a cmdlet.
type Call struct {
	Context context.Context
	// Host is the lower-case FQDN of the computer the script runs on.
	Host string
	// Bound holds the bound parameters by canonical name; switches that were
	// given are true.
	Bound map[string]Value
	// Input is the pipeline input object for this call when the cmdlet has no
	// FromPipeline parameter and input was piped to it.
	Input []Value
	// Emit writes an object to the output pipeline. A []Value is written
	// as its elements (like WriteObject(x, true)); the next command sees
	// each object as it is emitted, so output streams. Emit, WriteHost and
	// WriteError are safe to call from other goroutines while Invoke runs.
	Emit func(Value)
	// Host output (Write-Host, status reports), written to stdout as text.
	WriteHost func(text string)
	// WriteError reports a non-terminating error.
	WriteError func(*ErrorRecord)
	// Sleep waits on the farm clock; it returns early with the context error.
	Sleep func(d time.Duration) error
}

// Has reports whether a parameter was bound.
func (c *Call) Has(name string) bool { _, ok := c.Bound[name]; return ok }

// String returns a bound string parameter, or "".
func (c *Call) String(name string) string {
	s, _ := c.Bound[name].(string)
	return s
}

// Bool returns a bound switch or bool parameter, or false.
func (c *Call) Bool(name string) bool {
	b, _ := c.Bound[name].(bool)
	return b
}

// Int returns a bound int parameter, or 0.
func (c *Call) Int(name string) int {
	i, _ := c.Bound[name].(int)
	return i
}

// Native is an executable started with & 'C:\path\tool.exe' or by name.
type Native struct {
	// Path is the full Windows path; matching is case-insensitive.
	Path string
	// Run runs the program and returns its exit code, which the interpreter
	// stores in $LASTEXITCODE.
	Run func(c *NativeCall) int
}

// NativeCall is one run of a native executable.
type NativeCall struct {
	Context context.Context
	Host    string
	Args    []string
	// Stdout and Stderr receive the program's text output.
	Stdout io.Writer
	Stderr io.Writer
	Sleep  func(d time.Duration) error
}

// Commands is what a session can run besides the interpreter's built-ins.
// The farm implements it per host.
type Commands interface {
	// Cmdlet returns the cmdlet with the given name (case-insensitive), or nil.
	Cmdlet(name string) *Cmdlet
	// Native returns the executable at a full Windows path (case-insensitive),
	// or nil.
	Native(path string) *Native
}

// Env is everything one powershell.exe invocation needs from outside.
type Env struct {
	// Host is the lower-case FQDN of the computer the script runs on; it is
	// also $env:COMPUTERNAME (first label, upper case).
	Host     string
	Commands Commands
	// Stdin is the process's standard input ([Console]::In, -Command -).
	// It is read as WinRS console-mode stdin: [Console]::In.ReadLine()
	// returns at most 254 characters of a line (see consoleLineMax).
	Stdin io.Reader
	// Stdout and Stderr receive output as it is produced, so that a slow
	// script streams over WinRM.
	Stdout io.Writer
	Stderr io.Writer
	// Sleep waits on the farm clock (Start-Sleep, cmdlet latency).
	Sleep func(ctx context.Context, d time.Duration) error
	// Variables are extra environment variables visible as $env:NAME.
	Variables map[string]string
}
