package ps

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// psError carries a terminating error up the Go call stack until a try/catch
// or the statement loop handles it.
type psError struct {
	rec *ErrorRecord
	// script marks errors that stop the whole script when uncaught (throw,
	// and errors escalated by ErrorAction Stop); other terminating errors
	// only end their statement, as in PowerShell.
	script bool
}

func (e *psError) Error() string { return e.rec.Message }

// Flow-control signals travel as errors too; loops and calls catch them.
type breakSignal struct{ label string }
type continueSignal struct{ label string }
type returnSignal struct{}
type exitSignal struct{ code int }

func (*breakSignal) Error() string    { return "break" }
func (*continueSignal) Error() string { return "continue" }
func (*returnSignal) Error() string   { return "return" }
func (*exitSignal) Error() string     { return "exit" }

// rtError builds a RuntimeException-family error record. reason is the short
// exception type name (RuntimeException, MethodInvocationException ...).
func rtError(category, reason, msg string) *ErrorRecord {
	full := "System.Management.Automation." + reason
	return &ErrorRecord{Message: msg, ExceptionType: full, FullyQualifiedErrorID: reason, Category: category}
}

// exceptionShortName is the CategoryInfo reason: the exception type without
// its namespace.
func exceptionShortName(full string) string {
	if i := strings.LastIndexByte(full, '.'); i >= 0 {
		return full[i+1:]
	}
	return full
}

// commandNotFound is PowerShell's error for an unknown command name.
func commandNotFound(name string) *ErrorRecord {
	return &ErrorRecord{
		Message:               fmt.Sprintf("The term '%s' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.", name),
		ExceptionType:         "System.Management.Automation.CommandNotFoundException",
		FullyQualifiedErrorID: "CommandNotFoundException",
		Category:              "ObjectNotFound",
		TargetName:            name,
		Command:               name,
	}
}

// exceptionOf returns $_.Exception for a record.
func exceptionOf(rec *ErrorRecord) *exceptionValue {
	if rec.exc != nil {
		return rec.exc
	}
	t := rec.ExceptionType
	if t == "" {
		t = "System.Management.Automation.RuntimeException"
	}
	rec.exc = &exceptionValue{typeName: t, message: rec.Message, inner: rec.inner, rec: rec}
	return rec.exc
}

// categoryLine renders CategoryInfo as "Category: (Target:Type) [Activity], Reason".
func categoryLine(rec *ErrorRecord) string {
	cat := rec.Category
	if cat == "" {
		cat = "NotSpecified"
	}
	target := rec.TargetName
	ttype := ""
	if rec.hasTarget && rec.target != nil {
		if target == "" {
			target = ToString(rec.target)
		}
		ttype = typeOf(rec.target).name()
	} else if target != "" {
		ttype = "String"
	}
	if n := utf8.RuneCountInString(target); n > 40 {
		r := []rune(target)
		target = string(r[:37]) + "..."
	}
	reason := exceptionShortName(exceptionOf(rec).typeName)
	return fmt.Sprintf("%s: (%s:%s) [%s], %s", cat, target, ttype, rec.activity, reason)
}

// positionMessage renders "At line:L char:C", the line and the squiggle.
func positionMessage(e extent) string {
	if e.src == nil {
		return ""
	}
	line, col := e.src.position(e.start)
	text := e.src.lineText(line)
	var b strings.Builder
	fmt.Fprintf(&b, "At line:%d char:%d\r\n+ %s\r\n+ ", line, col, text)
	b.WriteString(strings.Repeat(" ", col-1))
	width := 1
	if e.end > e.start {
		endLine, endCol := e.src.position(e.end)
		if endLine == line {
			width = endCol - col
		} else {
			width = utf8.RuneCountInString(text) - col + 1
		}
	}
	if width < 1 {
		width = 1
	}
	b.WriteString(strings.Repeat("~", width))
	return b.String()
}

// renderError returns the lines PowerShell prints for an error record in
// its normal view.
func renderError(rec *ErrorRecord) []string {
	var lines []string
	msg := rec.Message
	prefix := rec.prefix
	if prefix == "" {
		prefix = rec.Command
	}
	first := msg
	if prefix != "" {
		first = prefix + " : " + msg
	}
	lines = append(lines, strings.Split(strings.ReplaceAll(first, "\r\n", "\n"), "\n")...)
	if !rec.noPosition && rec.pos.src != nil {
		lines = append(lines, strings.Split(positionMessage(rec.pos), "\r\n")...)
	}
	lines = append(lines,
		"    + CategoryInfo          : "+categoryLine(rec),
		"    + FullyQualifiedErrorId : "+rec.FullyQualifiedErrorID,
		" ")
	return lines
}

// clixmlEscape escapes text for a CLIXML <S> element: XML entities plus
// PowerShell's _xHHHH_ encoding of control characters.
func clixmlEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '_' && isEscapeSequence(s[i:]):
			b.WriteString("_x005F_")
		case r < 0x20 || r == 0x7f || r == 0xFFFE || r == 0xFFFF || r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, "_x%04X_", r&0xFFFF)
		case r > 0xFFFF:
			// Characters outside the BMP are written as a surrogate pair.
			r -= 0x10000
			fmt.Fprintf(&b, "_x%04X__x%04X_", 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		default:
			b.WriteRune(r)
		}
		i += n
	}
	return b.String()
}

func isEscapeSequence(s string) bool {
	if len(s) < 7 || s[1] != 'x' || s[6] != '_' {
		return false
	}
	for i := 2; i < 6; i++ {
		if !isHexDigit(s[i]) {
			return false
		}
	}
	return true
}
