package ps

import (
	"fmt"
	"strings"
	"time"
)

// Private value types. Cmdlets never see these (api.go lists what they do
// see); they exist so that scripts can hold script blocks, XML documents,
// .NET helper objects and the like in variables.

// scriptBlock is a { } literal or the result of [scriptblock]::Create.
type scriptBlock struct {
	ast *scriptBlockAst
}

func (sb *scriptBlock) String() string { return sb.ast.text() }

// arrayList is System.Collections.ArrayList (also used for $Error): a
// mutable list with reference semantics.
type arrayList struct {
	items    []Value
	typeName string
}

func newArrayList() *arrayList { return &arrayList{typeName: "System.Collections.ArrayList"} }

// dateTime is System.DateTime.
type dateTime struct {
	t   time.Time
	utc bool
}

// timeSpan is System.TimeSpan.
type timeSpan struct{ d time.Duration }

// encodingValue is a System.Text.Encoding instance.
type encodingValue struct{ name string } // "utf-8", "utf-16", "us-ascii"

// consoleStream is [Console]::In, ::Out or ::Error.
type consoleStream struct{ which string }

// stringBuilder is System.Text.StringBuilder.
type stringBuilder struct{ b strings.Builder }

// versionValue is System.Version ($PSVersionTable.PSVersion).
type versionValue struct{ major, minor, build, revision int }

func (v *versionValue) String() string {
	s := fmt.Sprintf("%d.%d", v.major, v.minor)
	if v.build >= 0 {
		s += fmt.Sprintf(".%d", v.build)
		if v.revision >= 0 {
			s += fmt.Sprintf(".%d", v.revision)
		}
	}
	return s
}

// guidValue is System.Guid.
type guidValue struct{ s string }

// exceptionValue is a .NET exception: $_.Exception, or an exception object a
// script creates and throws.
type exceptionValue struct {
	typeName string
	message  string
	inner    *exceptionValue
	rec      *ErrorRecord // the error record the exception belongs to, if any
}

// formattedText is the output of Format-Table / Format-List: lines that
// Out-Default prints as they are.
type formattedText struct{ lines []string }

// nsManager is System.Xml.XmlNamespaceManager.
type nsManager struct{ prefixes map[string]string }

// regexValue is System.Text.RegularExpressions.Regex.
type regexValue struct{ pattern string }

// typeInfo is what GetType() returns and what a type literal evaluates to.
type typeInfo struct{ t *psType }

// psObjectView is $obj.PSObject.
type psObjectView struct{ target Value }

// dictEntry is System.Collections.DictionaryEntry (hashtable enumeration).
type dictEntry struct {
	key   string
	value Value
}

// commandInfo is what Get-Command returns.
type commandInfo struct {
	name        string
	commandType string
	source      string
}
