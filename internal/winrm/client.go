package winrm

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"sync"
	"time"

	"github.com/masterzen/winrm"
)

// Client runs scripts on Windows servers over WinRM. It is safe for
// concurrent use; executions on one server are capped by
// Config.MaxConcurrentPerHost.
type Client struct {
	cfg   Config
	roots *x509.CertPool
	addrs addressMap

	mu    sync.Mutex
	hosts map[string]*hostConn // by normalized FQDN, built on first use
}

// New validates cfg, applies its defaults and returns a client. It does not
// connect: servers are contacted on the first Run for them.
func New(cfg Config) (*Client, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	c := &Client{cfg: cfg, addrs: newAddressMap(cfg.Addresses, cfg.Port), hosts: map[string]*hostConn{}}
	if len(cfg.CACertPEM) > 0 {
		roots, err := parseCACerts(cfg.CACertPEM)
		if err != nil {
			return nil, fmt.Errorf("winrm: invalid configuration: %w", err)
		}
		c.roots = roots
	}
	return c, nil
}

// Close releases idle connections. The client stays usable.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, h := range c.hosts {
		h.close()
	}
	return nil
}

// host returns the connection state of a server, creating it on first use.
func (c *Client) host(fqdn string) *hostConn {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.hosts[fqdn]
	if !ok {
		h = c.newHostConn(fqdn)
		c.hosts[fqdn] = h
	}
	return h
}

// Run implements [Runner]. It retries failures that happened before the
// script could have started (Config.Retry), never one after.
func (c *Client) Run(ctx context.Context, host, script string) (*Result, error) {
	if err := checkHost(host); err != nil {
		return nil, err
	}
	payload, err := stdinPayload(script)
	if err != nil {
		return nil, err
	}
	h := c.host(normalizeHost(host))
	c.logf(ctx, LevelDebug, "winrm: running script", map[string]any{
		"host": h.fqdn, "address": h.addr, "auth": string(c.cfg.Auth), "script_bytes": len(script),
	})
	c.logf(ctx, LevelTrace, "winrm: script text", map[string]any{"host": h.fqdn, "script": script})

	for attempt := 1; ; attempt++ {
		res, werr := c.execute(ctx, h, payload)
		if werr == nil {
			c.logf(ctx, LevelDebug, "winrm: script finished", map[string]any{
				"host": h.fqdn, "exit_code": res.ExitCode, "duration": res.Duration.String(),
				"stdout_bytes": len(res.Stdout), "stderr_bytes": len(res.Stderr), "attempt": attempt,
			})
			c.logf(ctx, LevelTrace, "winrm: script output", map[string]any{
				"host": h.fqdn, "stdout": res.Stdout, "stderr": res.Stderr,
			})
			return res, nil
		}
		werr.Attempts = attempt
		retry := werr.temporary && !werr.OutcomeUnknown && attempt < c.cfg.Retry.MaxAttempts && ctx.Err() == nil
		if !retry {
			c.logf(ctx, LevelDebug, "winrm: script failed", map[string]any{
				"host": h.fqdn, "kind": werr.Kind.String(), "op": string(werr.Op),
				"outcome_unknown": werr.OutcomeUnknown, "attempt": attempt, "error": werr.Error(),
			})
			return nil, werr
		}
		pause := c.cfg.Retry.backoff(attempt)
		c.logf(ctx, LevelWarn, "winrm: transient failure before the script started, retrying", map[string]any{
			"host": h.fqdn, "attempt": attempt, "backoff": pause.String(), "error": werr.Error(),
		})
		if err := sleep(ctx, pause); err != nil {
			return nil, werr // the caller gave up while we waited; report the real failure
		}
	}
}

// execute makes one attempt: take a slot, open a shell, start PowerShell
// with the bootstrap, send the script on stdin, collect output and exit
// code, terminate the command and delete the shell.
func (c *Client) execute(ctx context.Context, h *hostConn, payload []byte) (*Result, *Error) {
	release, err := h.acquire(ctx)
	if err != nil {
		return nil, c.contextError(h, OpWait, err, false)
	}
	defer release()

	opCtx, cancelOp := context.WithTimeout(ctx, c.cfg.OperationTimeout)
	defer cancelOp()
	runCtx, abort := context.WithCancel(opCtx)
	defer abort()

	x := &exchange{host: h, username: c.cfg.Username, password: c.cfg.Password, ctx: runCtx, abort: abort}
	wc, err := winrm.NewClientWithParameters(h.endpoint, c.cfg.Username, c.cfg.Password, x.parameters())
	if err != nil { // cannot happen: the exchange's Transport never fails
		return nil, &Error{Kind: ErrProtocol, Op: OpCreateShell, Host: h.fqdn, Addr: h.addr, Err: err}
	}

	var stdout, stderr bytes.Buffer
	start := time.Now()
	// The library returns exit code 0 together with an error when the
	// context ends, so the error is examined first, always.
	exitCode, runErr := wc.RunWithContextWithInput(runCtx, commandLine, &stdout, &stderr, bytes.NewReader(payload))
	elapsed := time.Since(start)

	if runErr == nil {
		// The library saw the command's Done: the result is complete, even
		// if the context ended or a late request failed meanwhile.
		return &Result{
			Stdout:   stdout.String(),
			Stderr:   DecodeCLIXML(stderr.String()),
			ExitCode: exitCode,
			Duration: elapsed,
		}, nil
	}
	phase, failure, payloadSent := x.outcome()
	switch {
	case ctx.Err() != nil:
		op := phase
		if payloadSent {
			op = OpRun
		}
		return nil, c.contextError(h, op, ctx.Err(), payloadSent)
	case failure != nil:
		return nil, c.classify(h, failure.op, failure.err, failure.status, payloadSent)
	case opCtx.Err() != nil:
		err := fmt.Errorf("operation timeout of %s exceeded: %w", c.cfg.OperationTimeout, opCtx.Err())
		return nil, c.contextError(h, phase, err, payloadSent)
	default:
		return nil, c.classify(h, phase, runErr, 0, payloadSent)
	}
}
