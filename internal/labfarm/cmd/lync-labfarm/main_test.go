package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a goroutine-safe buffer that signals when text appears.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestPrintDefinition(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-print-definition"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	var def map[string]any
	if err := json.Unmarshal(out.Bytes(), &def); err != nil || def["domain"] != "contoso.com" {
		t.Fatalf("%v %s", err, out.String())
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-nope"}, {"-ca-out", "x.pem"}, {"extra"}, {"-farm", "/does/not/exist.json"}, {"-scale", "0"}} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), append(args, "-listen", "127.0.0.1:0", "-control", "127.0.0.1:0"), &out, &errOut); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

func TestRunUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	ca := filepath.Join(t.TempDir(), "ca.pem")
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-control", "127.0.0.1:0", "-tls", "-ca-out", ca, "-scale", "0.001",
			"-farm", filepath.Join("..", "..", "testdata", "two-se-pools.json")}, &out, &errOut)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "Press Ctrl+C") {
		if time.Now().After(deadline) {
			t.Fatalf("no banner:\n%s\n%s", out.String(), errOut.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, want := range []string{"https://127.0.0.1:", "/v1/state", "lync-se1.fabrikam.com", "Basic labadmin"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, out.String())
		}
	}
	if b, err := os.ReadFile(ca); err != nil || !bytes.Contains(b, []byte("BEGIN CERTIFICATE")) {
		t.Errorf("CA file: %v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop")
	}
	if !strings.Contains(errOut.String(), "lab farm stopped") {
		t.Errorf("logs:\n%s", errOut.String())
	}
}
