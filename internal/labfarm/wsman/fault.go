package wsman

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// WSManFault codes the server emits. They are the Windows error numbers
// (winerror.h) that real clients compare against, e.g. pywinrm retries on
// codeTimedOut and WinRb/WinRM resets its shell on codeShellNotFound.
const (
	codeTimedOut             = 2150858793 // ERROR_WSMAN_OPERATION_TIMEDOUT
	codeShellNotFound        = 2150858843 // ERROR_WSMAN_UNEXPECTED_SELECTORS: what Windows sends for an unknown ShellId
	codeInsufficientSelector = 2150858842 // ERROR_WSMAN_INSUFFCIENT_SELECTORS (sic)
	codeInvalidParameter     = 2150858810 // ERROR_WSMAN_INVALID_PARAMETER
	codeFilenameTooLong      = 2147942606 // HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE), from winrscmd.dll
	codeQuotaMaxShells       = 2150859173 // ERROR_WSMAN_QUOTA_MAX_SHELLS
	codeActionNotSupported   = 2150858771 // ERROR_WSMAN_ACTION_NOT_SUPPORTED
	codeHeaderRequired       = 2150858769 // ERROR_WSMAN_MESSAGE_INFORMATION_HEADER_REQUIRED
	codeInvalidResourceURI   = 2150858811 // ERROR_WSMAN_INVALID_RESOURCE_URI
	codeInvalidXML           = 2150858819 // ERROR_WSMAN_INVALID_XML
	codeSchemaValidation     = 2150858817 // ERROR_WSMAN_SCHEMA_VALIDATION_ERROR
)

// fault is a WS-Management SOAP fault: HTTP 500, a:Action .../wsman/fault and a
// WSManFault detail, as Windows sends it.
type fault struct {
	code     string // s:Sender or s:Receiver
	subcode  string // qualified with a prefix of the reply prologue, e.g. w:TimedOut
	reason   string // s:Reason text
	wsman    uint32 // WSManFault Code
	message  string // f:Message text
	provider string // when set, the message is a ProviderFault of this WinRS plugin
}

// Error makes faults loggable.
func (f *fault) Error() string {
	return fmt.Sprintf("%s %s (%d): %s", f.code, f.subcode, f.wsman, f.message)
}

// writeFault writes f as the reply to a request with the given MessageID.
// machine is the emulated host that "raised" it (WSManFault Machine).
func writeFault(w http.ResponseWriter, relatesTo, machine string, f *fault) {
	var b strings.Builder
	b.WriteString(`<s:Fault><s:Code><s:Value>` + f.code + `</s:Value><s:Subcode><s:Value>` + f.subcode +
		`</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en-US">`)
	b.WriteString(escape(f.reason))
	b.WriteString(`</s:Text></s:Reason><s:Detail><f:WSManFault xmlns:f="` + nsWSManFault + `" Code="` +
		strconv.FormatUint(uint64(f.wsman), 10) + `" Machine="`)
	b.WriteString(escape(machine))
	b.WriteString(`"><f:Message>`)
	if f.provider != "" {
		b.WriteString(`<f:ProviderFault provider="` + escape(f.provider) + `" path="%systemroot%\system32\winrscmd.dll">`)
		b.WriteString(escape(f.message))
		b.WriteString(`</f:ProviderFault>`)
	} else {
		b.WriteString(escape(f.message))
	}
	b.WriteString(`</f:Message></f:WSManFault></s:Detail></s:Fault>`)
	writeEnvelope(w, http.StatusInternalServerError, actionFault, relatesTo, b.String())
}

// The real Windows text ends with two spaces; kept for byte-level likeness.
const timedOutText = "The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  "

func faultTimedOut() *fault {
	return &fault{code: "s:Receiver", subcode: "w:TimedOut", reason: timedOutText, wsman: codeTimedOut, message: timedOutText}
}

func faultShellNotFound(shellID string) *fault {
	return &fault{
		code:    "s:Sender",
		subcode: "w:InvalidSelectors",
		reason:  "The WS-Management service cannot process the request because the request contained invalid selectors for the resource. ",
		wsman:   codeShellNotFound,
		message: fmt.Sprintf("The request for the Windows Remote Shell with ShellId %s failed because the shell was not found on the server. "+
			"Possible causes are: the specified ShellId is incorrect or the shell no longer exists on the server. "+
			"Provide the correct ShellId or create a new shell and retry the operation. ", shellID),
	}
}

func faultNoShellSelector() *fault {
	const text = "The WS-Management service cannot process the request because the request did not contain all required selectors. "
	return &fault{code: "s:Sender", subcode: "w:InvalidSelectors", reason: text, wsman: codeInsufficientSelector,
		message: text + "The ShellId selector is missing."}
}

func faultInvalidParameter(detail string) *fault {
	return &fault{
		code:    "s:Sender",
		subcode: "w:InvalidParameter",
		reason:  "The WS-Management service cannot process the request because a parameter for the operation is not valid. ",
		wsman:   codeInvalidParameter,
		message: detail,
	}
}

func faultCommandNotFound(shellID, commandID string) *fault {
	return faultInvalidParameter(fmt.Sprintf(
		"The request for the Windows Remote Shell with ShellId %s failed because the command with CommandId %q was not found in the shell. ",
		shellID, commandID))
}

// faultCommandLineTooLong is the fault winrscmd.dll raises when cmd.exe
// refuses a command line over 8191 characters (masterzen's recorded fixture
// executeCommandResponseWithError).
func faultCommandLineTooLong() *fault {
	const text = "The filename or extension is too long. "
	return &fault{code: "s:Receiver", subcode: "w:InternalError", reason: text, wsman: codeFilenameTooLong,
		message: text, provider: "Shell cmd plugin"}
}

func faultQuotaShells(user string, limit int) *fault {
	text := fmt.Sprintf("The WS-Management service cannot process the request. This user is allowed a maximum number of %d concurrent shells, "+
		"which has been exceeded. Close existing shells or raise the quota for this user. ", limit)
	return &fault{code: "s:Sender", subcode: "w:QuotaLimit", reason: text, wsman: codeQuotaMaxShells,
		message: text + "User: " + user + "."}
}

func faultActionNotSupported(action string) *fault {
	const text = "The WS-Management service does not support the action specified in the request. "
	return &fault{code: "s:Sender", subcode: "a:ActionNotSupported", reason: text, wsman: codeActionNotSupported,
		message: fmt.Sprintf("%sThe lab farm emulates the Windows Remote Shell only; action %q is not one of its operations.", text, action)}
}

func faultHeaderRequired(header string) *fault {
	const text = "The WS-Management service cannot process the request. The request does not have all the expected SOAP headers. "
	return &fault{code: "s:Sender", subcode: "a:MessageInformationHeaderRequired", reason: text, wsman: codeHeaderRequired,
		message: text + "Missing header: " + header + "."}
}

func faultResourceURI(uri string) *fault {
	const text = "The WS-Management service cannot process the request. The resource URI is missing or it has an incorrect format. "
	return &fault{code: "s:Sender", subcode: "a:DestinationUnreachable", reason: text, wsman: codeInvalidResourceURI,
		message: fmt.Sprintf("%sThe lab farm serves only %s; the request named %q.", text, resourceURICmd, uri)}
}

func faultInvalidXML(err error) *fault {
	const text = "The WS-Management service cannot process the request because the XML is invalid. "
	return &fault{code: "s:Sender", subcode: "w:SchemaValidationError", reason: text, wsman: codeInvalidXML,
		message: text + err.Error()}
}

func faultMissingBody(element string) *fault {
	const text = "The SOAP XML in the message does not match the corresponding XML schema definition. Change the XML and retry. "
	return &fault{code: "s:Sender", subcode: "w:SchemaValidationError", reason: text, wsman: codeSchemaValidation,
		message: text + "Missing or empty element: " + element + "."}
}
