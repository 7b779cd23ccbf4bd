package wsman

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// These tests send hand-built envelopes for what clients do not exercise.

// blockingExecutor runs until its context is cancelled.
var blockingExecutor = execFunc(func(ctx context.Context, _ Command) int {
	<-ctx.Done()
	return 1
})

func TestCreateReturnsShellIDInBothPlaces(t *testing.T) {
	f := startFarm(t, Config{Executor: blockingExecutor}, farmOptions{})
	req := rawRequest{action: actionCreate, messageID: "uuid:0954a915-dbdf-4c45-ae50-9ef44f61adc0"}
	r := f.post(t, context.Background(), "fe01.contoso.com", req.String())
	h := r.env.Header
	if r.status != http.StatusOK || r.contentType != "application/soap+xml;charset=UTF-8" ||
		h.Action != actionCreate+"Response" || h.RelatesTo != req.messageID || h.To != addressAnonymous ||
		!strings.HasPrefix(h.MessageID, "uuid:") {
		t.Fatalf("Create reply: %d %s headers %+v\n%s", r.status, r.contentType, h, r.text)
	}
	sel := r.env.Body.Created.Reference.Selectors
	if r.env.Body.ShellID == "" || len(sel) != 1 || sel[0].Name != "ShellId" || sel[0].Value != r.env.Body.ShellID {
		t.Fatalf("ShellId selector %+v vs rsp:ShellId %q\n%s", sel, r.env.Body.ShellID, r.text)
	}
	other := f.post(t, context.Background(), "fe01.contoso.com", req.String())
	if other.env.Header.MessageID == h.MessageID || other.env.Body.ShellID == r.env.Body.ShellID {
		t.Fatal("MessageID or ShellId repeated across replies")
	}
}

func TestUnknownShellFault(t *testing.T) {
	f := startFarm(t, Config{Executor: blockingExecutor}, farmOptions{})
	const shellID = "0B9F5C6E-1111-4A4A-9999-000000000000"
	req := receiveRequest(shellID, "1A6DEE6B-EC68-4DD6-87E9-030C0048ECC4")
	req.messageID = "uuid:c87a5972-2bfc-4936-b1e7-5e620dcd4d02"
	r := f.post(t, context.Background(), "fe01.contoso.com", req.String())
	fl := r.env.Body.Fault
	if r.status != http.StatusInternalServerError || fl == nil || r.env.Header.Action != actionFault ||
		r.env.Header.RelatesTo != req.messageID {
		t.Fatalf("reply: %d %s", r.status, r.text)
	}
	if fl.Code != "s:Sender" || fl.Subcode != "w:InvalidSelectors" || fl.Detail.WSManFault.Code != "2150858843" ||
		fl.Detail.WSManFault.Machine != "fe01.contoso.com" || !strings.Contains(fl.Detail.WSManFault.Message, "ShellId "+shellID) {
		t.Fatalf("fault: %+v", fl)
	}

	// A shell exists only on the server that created it.
	id := f.rawCreate(t, "fe01.contoso.com")
	r = f.post(t, context.Background(), "fe02.contoso.com", rawRequest{action: actionDelete, shellID: id}.String())
	if r.faultCode() != "2150858843" {
		t.Fatalf("Delete of fe01's shell on fe02: %d %s", r.status, r.text)
	}
}

func TestShellIDSelectorNameIsCaseInsensitive(t *testing.T) {
	f := startFarm(t, Config{Executor: echoExecutor}, farmOptions{})
	id := f.rawCreate(t, "fe01.contoso.com")
	for _, name := range []string{"ShellID", "shellid", "SHELLID"} {
		r := f.post(t, context.Background(), "fe01.contoso.com", rawRequest{action: actionCommand, selectorName: name,
			shellID: strings.ToLower(id), body: `<rsp:CommandLine><rsp:Command>hostname</rsp:Command></rsp:CommandLine>`}.String())
		if r.status != http.StatusOK || r.env.Body.CmdID == "" {
			t.Fatalf("selector %q: %d %s", name, r.status, r.text)
		}
	}
	// Any other selector name is not the ShellId.
	r := f.post(t, context.Background(), "fe01.contoso.com", rawRequest{action: actionCommand, selectorName: "Shell",
		shellID: id, body: `<rsp:CommandLine><rsp:Command>hostname</rsp:Command></rsp:CommandLine>`}.String())
	if r.faultCode() != "2150858842" {
		t.Fatalf("selector Shell: %d %s", r.status, r.text)
	}
}

func TestReceiveStaysUnderMaxEnvelopeSize(t *testing.T) {
	stdout := bytes.Repeat([]byte("stdout data\r\n"), 8000) // 104 KB
	stderr := bytes.Repeat([]byte("#< CLIXML\r\n"), 4000)   // 44 KB
	exec := execFunc(func(_ context.Context, cmd Command) int {
		_, _ = cmd.Stdout.Write(stdout)
		_, _ = cmd.Stderr.Write(stderr)
		return 7
	})
	f := startFarm(t, Config{Executor: exec}, farmOptions{})
	shellID := f.rawCreate(t, "fe01.contoso.com")
	cmdID := f.rawCommand(t, shellID, "Get-CsTopology -AsXml")

	const maxEnvelope = 16384
	var gotOut, gotErr bytes.Buffer
	for i := 0; ; i++ {
		if i > 100 {
			t.Fatal("no Done after 100 Receives")
		}
		req := receiveRequest(shellID, cmdID)
		req.maxEnvelopeSize = maxEnvelope
		r := f.post(t, context.Background(), "fe01.contoso.com", req.String())
		if r.status != http.StatusOK || r.env.Body.Receive == nil {
			t.Fatalf("Receive %d: %d %s", i, r.status, r.text)
		}
		if len(r.text) > maxEnvelope {
			t.Fatalf("Receive %d: %d bytes, over MaxEnvelopeSize %d", i, len(r.text), maxEnvelope)
		}
		rr := r.env.Body.Receive
		ended := 0
		for _, s := range rr.Streams {
			if s.CommandID != cmdID {
				t.Fatalf("stream for CommandId %q", s.CommandID)
			}
			data, err := base64.StdEncoding.DecodeString(s.Data)
			if err != nil {
				t.Fatal(err)
			}
			if s.End == "true" {
				ended++
			}
			map[string]*bytes.Buffer{"stdout": &gotOut, "stderr": &gotErr}[s.Name].Write(data)
		}
		if rr.CommandState.State == stateDone {
			if ended != 2 || rr.CommandState.ExitCode != "7" {
				t.Fatalf("final Receive: %d End streams, exit code %q", ended, rr.CommandState.ExitCode)
			}
			break
		}
		if rr.CommandState.State != stateRunning || ended != 0 {
			t.Fatalf("intermediate Receive: state %q, %d End streams", rr.CommandState.State, ended)
		}
	}
	if !bytes.Equal(gotOut.Bytes(), stdout) || !bytes.Equal(gotErr.Bytes(), stderr) {
		t.Fatalf("reassembled %d/%d bytes, want %d/%d", gotOut.Len(), gotErr.Len(), len(stdout), len(stderr))
	}
}

func TestDeleteReply(t *testing.T) {
	cancelled := make(chan struct{})
	exec := execFunc(func(ctx context.Context, _ Command) int {
		<-ctx.Done()
		close(cancelled)
		return 1
	})
	f := startFarm(t, Config{Executor: exec}, farmOptions{})
	id := f.rawCreate(t, "fe01.contoso.com")
	f.rawCommand(t, id, "Wait-Forever")

	req := rawRequest{action: actionDelete, shellID: id, messageID: "uuid:c49a8dbd-040b-4b70-a97b-9e23790f5bb1"}
	r := f.post(t, context.Background(), "fe01.contoso.com", req.String())
	if r.status != http.StatusOK || r.env.Header.Action != actionDelete+"Response" ||
		r.env.Header.RelatesTo != req.messageID || r.env.Body.Inner != "" {
		t.Fatalf("Delete reply: %d %s", r.status, r.text)
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("Delete did not cancel the running command")
	}
	if r := f.post(t, context.Background(), "fe01.contoso.com", req.String()); r.faultCode() != "2150858843" {
		t.Fatalf("second Delete: %d %s", r.status, r.text)
	}
	if st := f.srv.Stats()["fe01.contoso.com"]; st.OpenShells != 0 || st.ShellsCreated != 1 {
		t.Fatalf("Stats = %+v", st)
	}
}

func TestRequestFaults(t *testing.T) {
	f := startFarm(t, Config{Executor: echoExecutor}, farmOptions{})
	id := f.rawCreate(t, "fe01.contoso.com")
	tests := []struct {
		name     string
		body     string
		subcode  string
		wantCode string
	}{
		{"not XML", "this is not XML", "w:SchemaValidationError", "2150858819"},
		{"SOAP 1.1 envelope", `<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"/>`, "w:SchemaValidationError", "2150858819"},
		{"unknown action", rawRequest{action: nsTransfer + "/Get", shellID: id}.String(), "a:ActionNotSupported", "2150858771"},
		{"no MessageID", rawRequest{action: actionCreate, messageID: "-"}.String(), "a:MessageInformationHeaderRequired", "2150858769"},
		{"PowerShell remoting", rawRequest{action: actionCreate, resourceURI: "http://schemas.microsoft.com/powershell/Microsoft.PowerShell"}.String(),
			"a:DestinationUnreachable", "2150858811"},
		{"no ShellId", rawRequest{action: actionCommand, body: `<rsp:CommandLine><rsp:Command>dir</rsp:Command></rsp:CommandLine>`}.String(),
			"w:InvalidSelectors", "2150858842"},
		{"no command", rawRequest{action: actionCommand, shellID: id, body: `<rsp:CommandLine/>`}.String(), "w:SchemaValidationError", "2150858817"},
		{"unknown command", receiveRequest(id, "00000000-0000-0000-0000-000000000000").String(), "w:InvalidParameter", "2150858810"},
		{"unknown signal", rawRequest{action: actionSignal, shellID: id,
			body: `<rsp:Signal CommandId="X"><rsp:Code>http://example.com/kill</rsp:Code></rsp:Signal>`}.String(), "w:InvalidParameter", "2150858810"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.post(t, context.Background(), "fe01.contoso.com", tt.body)
			if r.status != http.StatusInternalServerError || r.env.Header.Action != actionFault || r.env.Body.Fault == nil {
				t.Fatalf("reply: %d %s", r.status, r.text)
			}
			if fl := r.env.Body.Fault; fl.Subcode != tt.subcode || fl.Detail.WSManFault.Code != tt.wantCode || fl.Reason == "" {
				t.Fatalf("fault %s/%s, want %s/%s\n%s", fl.Subcode, fl.Detail.WSManFault.Code, tt.subcode, tt.wantCode, r.text)
			}
		})
	}
}

func TestHTTPLevelRefusals(t *testing.T) {
	f := startFarm(t, Config{Executor: echoExecutor}, farmOptions{})
	client := f.httpClient()
	base := fmt.Sprintf("http://fe01.contoso.com:%d", f.port)
	for _, tt := range []struct {
		method, path string
		auth         bool
		body         string
		want         int
	}{
		{http.MethodGet, "/wsman", true, "", http.StatusMethodNotAllowed},
		{http.MethodPost, "/wsman/", true, "", http.StatusNotFound},
		{http.MethodPost, "/wsman", false, rawRequest{action: actionCreate}.String(), http.StatusUnauthorized},
		{http.MethodPost, "/wsman", true, strings.Repeat("x", maxEnvelopeBytes+1), http.StatusRequestEntityTooLarge},
	} {
		req, _ := http.NewRequest(tt.method, base+tt.path, strings.NewReader(tt.body))
		if tt.auth {
			req.SetBasicAuth(testUser, testPassword)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want || strings.Contains(resp.Header.Get("Content-Type"), "soap") {
			t.Errorf("%s %s: %d %s, want %d text/plain", tt.method, tt.path, resp.StatusCode, resp.Header.Get("Content-Type"), tt.want)
		}
		if tt.want == http.StatusUnauthorized && resp.Header.Get("WWW-Authenticate") != `Basic realm="WSMAN"` {
			t.Errorf("401 without the Basic challenge: %q", resp.Header.Get("WWW-Authenticate"))
		}
	}
}

func TestShellQuota(t *testing.T) {
	f := startFarm(t, Config{Executor: echoExecutor, MaxShellsPerUser: 2}, farmOptions{})
	first := f.rawCreate(t, "fe01.contoso.com")
	f.rawCreate(t, "fe01.contoso.com")
	r := f.post(t, context.Background(), "fe01.contoso.com", rawRequest{action: actionCreate}.String())
	if fl := r.env.Body.Fault; fl == nil || fl.Subcode != "w:QuotaLimit" || fl.Detail.WSManFault.Code != "2150859173" ||
		!strings.Contains(fl.Reason, "maximum number of 2 concurrent shells") {
		t.Fatalf("third Create: %d %s", r.status, r.text)
	}
	f.rawCreate(t, "fe02.contoso.com") // the quota is per server
	f.post(t, context.Background(), "fe01.contoso.com", rawRequest{action: actionDelete, shellID: first}.String())
	f.rawCreate(t, "fe01.contoso.com")
}

func TestSendAcceptsLargeAndLateInput(t *testing.T) {
	f := startFarm(t, Config{Executor: echoExecutor}, farmOptions{})
	shellID := f.rawCreate(t, "fe01.contoso.com")
	cmdID := f.rawCommand(t, shellID, "hostname")
	for { // let it finish
		r := f.post(t, context.Background(), "fe01.contoso.com", receiveRequest(shellID, cmdID).String())
		if r.env.Body.Receive != nil && r.env.Body.Receive.CommandState.State == stateDone {
			break
		}
	}
	payload := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{'A'}, 153600-1000)) // masterzen's chunk
	for _, body := range []string{
		`<rsp:Send><rsp:Stream Name="stdin" CommandId="` + cmdID + `">` + payload + `</rsp:Stream></rsp:Send>`,
		`<rsp:Send><rsp:Stream Name="stdin" CommandId="` + cmdID + `" End="true"/></rsp:Send>`,
	} {
		req := rawRequest{action: actionSend, shellID: shellID, body: body}
		r := f.post(t, context.Background(), "fe01.contoso.com", req.String())
		if r.status != http.StatusOK || r.env.Header.Action != actionSend+"Response" {
			t.Fatalf("Send of %d bytes after the command finished: %d %s", len(req.String()), r.status, r.text)
		}
	}
	// Signals are idempotent, also once the command is forgotten.
	for range 2 {
		r := f.post(t, context.Background(), "fe01.contoso.com", rawRequest{action: actionSignal, shellID: shellID,
			body: `<rsp:Signal CommandId="` + cmdID + `"><rsp:Code>` + signalTerminate + `</rsp:Code></rsp:Signal>`}.String())
		if r.status != http.StatusOK || r.env.Header.Action != actionSignal+"Response" {
			t.Fatalf("Signal: %d %s", r.status, r.text)
		}
	}
}

func TestReceiveAbandonedByClientKeepsOutput(t *testing.T) {
	release := make(chan struct{})
	exec := execFunc(func(_ context.Context, cmd Command) int {
		<-release
		fmt.Fprint(cmd.Stdout, "late output\r\n")
		return 0
	})
	f := startFarm(t, Config{Executor: exec, MaxHold: time.Minute}, farmOptions{})
	shellID := f.rawCreate(t, "fe01.contoso.com")
	cmdID := f.rawCommand(t, shellID, "Slow-Cmdlet")

	arrived := f.logs.next("wsman: request")
	left := f.logs.next("wsman: client left a Receive; output stays buffered")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := f.do(ctx, "fe01.contoso.com", receiveRequest(shellID, cmdID).String())
		done <- err
	}()
	<-arrived
	cancel()
	if err := <-done; err == nil {
		t.Fatal("abandoned Receive returned a reply")
	}
	select {
	case <-left:
	case <-time.After(5 * time.Second):
		t.Fatal("the server did not notice the client leaving")
	}
	close(release)

	r := f.post(t, context.Background(), "fe01.contoso.com", receiveRequest(shellID, cmdID).String())
	var got []byte
	for _, s := range r.env.Body.Receive.Streams {
		data, _ := base64.StdEncoding.DecodeString(s.Data)
		got = append(got, data...)
	}
	if string(got) != "late output\r\n" {
		t.Fatalf("next Receive got %q, want the output produced after the client left", got)
	}
}

func TestIdleShellsExpire(t *testing.T) {
	cancelled := make(chan struct{})
	exec := execFunc(func(ctx context.Context, _ Command) int {
		<-ctx.Done()
		close(cancelled)
		return 1
	})
	f := startFarm(t, Config{Executor: exec, IdleShellTimeout: 200 * time.Millisecond}, farmOptions{})
	id := f.rawCreate(t, "fe01.contoso.com")
	f.rawCommand(t, id, "Wait-Forever")
	time.Sleep(300 * time.Millisecond)

	r := f.post(t, context.Background(), "fe01.contoso.com", rawRequest{action: actionDelete, shellID: id}.String())
	if r.faultCode() != "2150858843" {
		t.Fatalf("request on an expired shell: %d %s", r.status, r.text)
	}
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("expiry did not cancel the shell's command")
	}
	if st := f.srv.Stats()["fe01.contoso.com"]; st.OpenShells != 0 {
		t.Fatalf("Stats = %+v", st)
	}
}

func TestCloseReleasesEverything(t *testing.T) {
	cancelled := make(chan struct{})
	exec := execFunc(func(ctx context.Context, _ Command) int {
		<-ctx.Done()
		close(cancelled)
		return 1
	})
	hang := func(host string, _ Op) Action {
		if host == "fe02.contoso.com" {
			return Hang
		}
		return Proceed
	}
	f := startFarm(t, Config{Executor: exec, Interceptor: hang, MaxHold: time.Minute}, farmOptions{})
	shellID := f.rawCreate(t, "fe01.contoso.com")
	cmdID := f.rawCommand(t, shellID, "Wait-Forever")

	results := make(chan string, 2)
	go func() {
		r, err := f.do(context.Background(), "fe01.contoso.com", receiveRequest(shellID, cmdID).String())
		results <- fmt.Sprintf("receive: %d %v", r.status, err)
	}()
	go func() {
		_, err := f.do(context.Background(), "fe02.contoso.com", rawRequest{action: actionCreate}.String())
		results <- fmt.Sprintf("hang: %v", err)
	}()
	time.Sleep(50 * time.Millisecond)

	closed := make(chan struct{})
	go func() {
		_ = f.srv.Close()
		close(closed)
	}()
	for range 2 {
		select {
		case res := <-results:
			t.Log(res)
		case <-time.After(5 * time.Second):
			t.Fatal("Close did not release a waiting request")
		}
	}
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	select {
	case <-cancelled:
	default:
		t.Fatal("Close returned before the executor's context was cancelled")
	}
	if r := f.post(t, context.Background(), "fe01.contoso.com", rawRequest{action: actionCreate}.String()); r.status != http.StatusServiceUnavailable {
		t.Fatalf("request after Close: %d %s", r.status, r.text)
	}
}
