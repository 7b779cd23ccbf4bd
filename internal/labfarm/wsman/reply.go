package wsman

import (
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// soapContentType is the Content-Type of every SOAP reply. masterzen rejects
// any reply whose Content-Type does not contain application/soap+xml.
const soapContentType = "application/soap+xml;charset=UTF-8"

// envelopeOpen is the prologue Windows Server uses; the prefixes are the ones
// of its replies, so recorded fixtures and our replies look alike.
const envelopeOpen = `<s:Envelope xml:lang="en-US"` +
	` xmlns:s="` + nsSOAP + `"` +
	` xmlns:a="` + nsAddressing + `"` +
	` xmlns:x="` + nsTransfer + `"` +
	` xmlns:w="` + nsWSMan + `"` +
	` xmlns:rsp="` + nsShell + `"` +
	` xmlns:p="` + nsMSWSMan + `">`

// writeEnvelope writes one complete SOAP reply. Every reply gets a fresh
// a:MessageID and echoes the request's a:MessageID as a:RelatesTo (pywinrm
// asserts it on Signal and Delete); relatesTo is empty only when the request
// had no MessageID.
func writeEnvelope(w http.ResponseWriter, status int, action, relatesTo, body string) {
	var b strings.Builder
	b.Grow(len(envelopeOpen) + len(body) + 512)
	b.WriteString(envelopeOpen)
	b.WriteString(`<s:Header><a:Action>`)
	b.WriteString(action)
	b.WriteString(`</a:Action><a:MessageID>uuid:`)
	b.WriteString(newGUID())
	b.WriteString(`</a:MessageID><a:To>` + addressAnonymous + `</a:To>`)
	if relatesTo != "" {
		b.WriteString(`<a:RelatesTo>`)
		b.WriteString(escape(relatesTo))
		b.WriteString(`</a:RelatesTo>`)
	}
	b.WriteString(`</s:Header><s:Body>`)
	b.WriteString(body)
	b.WriteString(`</s:Body></s:Envelope>`)

	h := w.Header()
	h.Set("Content-Type", soapContentType)
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	_, _ = io.WriteString(w, b.String())
}

// writeResponse writes a successful (HTTP 200) reply to the request's action.
func writeResponse(w http.ResponseWriter, req *request, body string) {
	writeEnvelope(w, http.StatusOK, req.Header.Action+responseSuffix, req.Header.MessageID, body)
}

// writeText writes a plain-text reply, the way HTTP.sys answers outside SOAP
// (401, 404, 413, 503). Clients see a non-SOAP Content-Type; masterzen turns
// that into "http response error: <status> - invalid content type".
func writeText(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(text + "\n"))
}

// escape returns s escaped for XML character data and attribute values.
func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
