package labfarm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/farm"
)

// Types of the control API, re-exported so that clients need only this
// package.
type (
	// State is GET /v1/state.
	State = farm.State
	// Fault is the body of POST /v1/faults and an entry of State.Faults.
	Fault = farm.Fault
	// FaultKind names a fault.
	FaultKind = farm.FaultKind
)

// Fault kinds (see farm.FaultKind).
const (
	FaultServerDown          = farm.FaultServerDown
	FaultBootstrapperFailure = farm.FaultBootstrapperFailure
	FaultSyncStuck           = farm.FaultSyncStuck
	FaultSyncError           = farm.FaultSyncError
	FaultTransient           = farm.FaultTransient
)

// ControlClient is a typed client of a lab farm's control API; acceptance
// tests use it to check and disturb the farm over HTTP, in process or not.
type ControlClient struct {
	// BaseURL is the control API's base URL, for example http://127.0.0.1:15980.
	BaseURL string
	// HTTP is the client to use; default one with a 30 s timeout.
	HTTP *http.Client
}

// NewControlClient returns a client for the control API at baseURL.
func NewControlClient(baseURL string) *ControlClient {
	return &ControlClient{BaseURL: strings.TrimRight(baseURL, "/"), HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// APIError is an error answer of the control API.
type APIError struct {
	Status  int
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("lab farm control API: %d %s: %s", e.Status, http.StatusText(e.Status), e.Message)
}

func (c *ControlClient) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("lab farm control API: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("lab farm control API: %s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		var e errorResponse
		if json.Unmarshal(data, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(data))
		}
		return &APIError{Status: resp.StatusCode, Message: e.Error}
	}
	switch o := out.(type) {
	case nil:
		return nil
	case *string:
		*o = string(data)
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("lab farm control API: %s %s: decoding the answer: %w", method, path, err)
	}
	return nil
}

// State returns the whole farm state.
func (c *ControlClient) State(ctx context.Context) (State, error) {
	var st State
	err := c.do(ctx, http.MethodGet, "/v1/state", nil, &st)
	return st, err
}

// Topology returns the published topology XML, or the enabled one.
func (c *ControlClient) Topology(ctx context.Context, enabled bool) (string, error) {
	var text string
	path := "/v1/topology"
	if enabled {
		path += "?document=enabled"
	}
	err := c.do(ctx, http.MethodGet, path, nil, &text)
	return text, err
}

// Faults returns the active faults.
func (c *ControlClient) Faults(ctx context.Context) ([]Fault, error) {
	var out []Fault
	err := c.do(ctx, http.MethodGet, "/v1/faults", nil, &out)
	return out, err
}

// InjectFault injects a fault and returns its id.
func (c *ControlClient) InjectFault(ctx context.Context, f Fault) (string, error) {
	var out idResponse
	err := c.do(ctx, http.MethodPost, "/v1/faults", f, &out)
	return out.ID, err
}

// ClearFault clears one fault.
func (c *ControlClient) ClearFault(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/v1/faults/"+url.PathEscape(id), nil, nil)
}

// ClearFaults clears every fault.
func (c *ControlClient) ClearFaults(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, "/v1/faults", nil, nil)
}

// StopBackupService stops LYNCBACKUP on a server (an action, not a fault).
func (c *ControlClient) StopBackupService(ctx context.Context, server string) error {
	return c.do(ctx, http.MethodPost, "/v1/actions/stop-backup-service", serverRequest{Server: server}, nil)
}

// RemovePairing removes a pool's pairing from the published and the enabled
// topology, out of band.
func (c *ControlClient) RemovePairing(ctx context.Context, pool string) error {
	return c.do(ctx, http.MethodPost, "/v1/actions/remove-pairing", poolRequest{Pool: pool}, nil)
}

// SetScale sets the time scale (wall seconds per farm second).
func (c *ControlClient) SetScale(ctx context.Context, scale float64) error {
	return c.do(ctx, http.MethodPut, "/v1/clock", ClockRequest{Scale: scale}, nil)
}

// Advance moves farm time forward at once.
func (c *ControlClient) Advance(ctx context.Context, d time.Duration) (ClockState, error) {
	var out ClockState
	err := c.do(ctx, http.MethodPut, "/v1/clock", ClockRequest{Advance: d.String()}, &out)
	return out, err
}

// Reset puts the farm back to its definition.
func (c *ControlClient) Reset(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "/v1/reset", nil, nil)
}
