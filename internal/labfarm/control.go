package labfarm

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/lyncdr/terraform-provider-lync/internal/labfarm/farm"
)

// The control API: JSON over HTTP on its own loopback listener, without
// authentication (it is a test fixture). Endpoints (README.md has the
// details and the JSON shapes):
//
//	GET    /v1/state                          the whole farm (farm.State)
//	GET    /v1/topology[?document=enabled]    the published (or enabled) topology XML
//	GET    /v1/definition                     the farm definition JSON
//	GET    /v1/faults                         active faults
//	POST   /v1/faults                         inject a fault (farm.Fault) -> 201 {"id": "f1"}
//	DELETE /v1/faults/{id}                    clear one fault -> 204, 404 if unknown
//	DELETE /v1/faults                         clear every fault -> 204
//	POST   /v1/actions/stop-backup-service    {"server": "fe01.contoso.com"} -> 204
//	POST   /v1/actions/remove-pairing         {"pool": "pool01.contoso.com"} -> 204
//	PUT    /v1/clock                          {"scale": 0.001, "advance": "5m"} -> 200 ClockState
//	POST   /v1/reset                          back to the definition -> 204
//
// Errors are {"error": "message"} with 400 (bad request) or 404 (unknown
// fault id); an unknown path or method gets net/http's plain 404 or 405.

// ClockState is the answer of PUT /v1/clock.
type ClockState struct {
	Scale    float64   `json:"scale"`
	FarmTime time.Time `json:"farmTime"`
}

// ClockRequest is the body of PUT /v1/clock: a new scale and/or a farm-time
// jump (a Go duration string such as "5m").
type ClockRequest struct {
	Scale   float64 `json:"scale,omitempty"`
	Advance string  `json:"advance,omitempty"`
}

type idResponse struct {
	ID string `json:"id"`
}

type errorResponse struct {
	Error string `json:"error"`
}

type serverRequest struct {
	Server string `json:"server"`
}

type poolRequest struct {
	Pool string `json:"pool"`
}

func newControlHandler(f *Farm) http.Handler {
	m := f.model
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/state", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, f.State())
	})
	mux.HandleFunc("GET /v1/topology", func(w http.ResponseWriter, r *http.Request) {
		text := m.PublishedXML()
		switch r.URL.Query().Get("document") {
		case "", "published":
		case "enabled":
			text = m.EnabledXML()
		default:
			writeError(w, http.StatusBadRequest, errors.New(`document must be "published" or "enabled"`))
			return
		}
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		_, _ = io.WriteString(w, text)
	})
	mux.HandleFunc("GET /v1/definition", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(m.Definition().JSON())
	})
	mux.HandleFunc("GET /v1/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, m.Faults())
	})
	mux.HandleFunc("POST /v1/faults", func(w http.ResponseWriter, r *http.Request) {
		var in farm.Fault
		if !readJSON(w, r, &in) {
			return
		}
		id, err := m.InjectFault(in)
		if err != nil {
			writeError(w, http.StatusBadRequest, err)
			return
		}
		f.logger.Info("lab farm: fault injected", "id", id, "kind", in.Kind)
		writeJSON(w, http.StatusCreated, idResponse{ID: id})
	})
	mux.HandleFunc("DELETE /v1/faults/{id}", func(w http.ResponseWriter, r *http.Request) {
		if !m.ClearFault(r.PathValue("id")) {
			writeError(w, http.StatusNotFound, fmt.Errorf("no fault with id %q", r.PathValue("id")))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("DELETE /v1/faults", func(w http.ResponseWriter, r *http.Request) {
		m.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /v1/actions/stop-backup-service", func(w http.ResponseWriter, r *http.Request) {
		var in serverRequest
		if readJSON(w, r, &in) {
			noContent(w, m.StopBackupService(in.Server))
		}
	})
	mux.HandleFunc("POST /v1/actions/remove-pairing", func(w http.ResponseWriter, r *http.Request) {
		var in poolRequest
		if readJSON(w, r, &in) {
			noContent(w, m.RemovePairingOutOfBand(in.Pool))
		}
	})
	mux.HandleFunc("PUT /v1/clock", func(w http.ResponseWriter, r *http.Request) {
		var in ClockRequest
		if !readJSON(w, r, &in) {
			return
		}
		var skip time.Duration
		if in.Advance != "" {
			d, err := time.ParseDuration(in.Advance)
			if err != nil || d < 0 {
				writeError(w, http.StatusBadRequest, fmt.Errorf("advance: %q is not a non-negative duration such as \"5m\"", in.Advance))
				return
			}
			skip = d
		}
		clock := m.Clock()
		if in.Scale != 0 {
			if err := clock.SetScale(in.Scale); err != nil {
				writeError(w, http.StatusBadRequest, err)
				return
			}
		}
		if skip > 0 {
			_ = clock.Advance(skip)
		}
		writeJSON(w, http.StatusOK, ClockState{Scale: clock.Scale(), FarmTime: clock.Now()})
	})
	mux.HandleFunc("POST /v1/reset", func(w http.ResponseWriter, r *http.Request) {
		noContent(w, m.Reset())
	})
	return mux
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf("invalid JSON body: %v", err))
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, errorResponse{Error: err.Error()})
}

func noContent(w http.ResponseWriter, err error) {
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
