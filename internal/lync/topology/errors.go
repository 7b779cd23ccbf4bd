package topology

import (
	"fmt"
	"strings"
)

// ErrorKind classifies an Error.
type ErrorKind int

const (
	// ErrMalformed: the text is not a published topology document.
	ErrMalformed ErrorKind = iota + 1
	// ErrPoolNotFound: no cluster has the FQDN; Known lists the Front End pools.
	ErrPoolNotFound
	// ErrNotFrontEnd: the cluster is not a Front End pool.
	ErrNotFrontEnd
	// ErrUnsupportedVersion: the pool runs a version without pool pairing
	// (Lync Server 2010); Version holds its ServiceVersion.
	ErrUnsupportedVersion
	// ErrSamePool: a pool cannot be its own backup.
	ErrSamePool
	// ErrAlreadyPaired: Pool is paired with Other, a third pool.
	ErrAlreadyPaired
	// ErrInconsistent: the pairing in the document breaks the encoding's rules
	// (one-sided, two partners, a reference to nothing).
	ErrInconsistent
	// ErrInvalidVoice: voice failover intervals out of range.
	ErrInvalidVoice
)

// Error is a validation error of the topology or of a requested edit.
type Error struct {
	Kind    ErrorKind
	Pool    string
	Other   string   // ErrAlreadyPaired: the pool Pool is paired with
	Version int      // ErrUnsupportedVersion: the pool's ServiceVersion
	Known   []string // ErrPoolNotFound: the Front End pools of the topology
	Detail  string
}

func (e *Error) Error() string {
	switch e.Kind {
	case ErrMalformed:
		return "not a published Lync topology document: " + e.Detail
	case ErrPoolNotFound:
		known := "none"
		if len(e.Known) > 0 {
			known = strings.Join(e.Known, ", ")
		}
		return fmt.Sprintf("pool %q is not in the topology (Front End pools in the topology: %s)", e.Pool, known)
	case ErrNotFrontEnd:
		return fmt.Sprintf("pool %q is not a Front End pool: %s", e.Pool, e.Detail)
	case ErrUnsupportedVersion:
		return fmt.Sprintf("pool %q runs %s (Registrar ServiceVersion %d); pool pairing needs %s or later",
			e.Pool, ProductName(e.Version), e.Version, ProductName(MinPairingVersion))
	case ErrSamePool:
		return fmt.Sprintf("pool %q cannot be paired with itself", e.Pool)
	case ErrAlreadyPaired:
		return fmt.Sprintf("pool %q is already paired with %q; a pool has exactly one backup pool", e.Pool, e.Other)
	case ErrInconsistent:
		return "inconsistent pool pairing in the topology: " + e.Detail
	case ErrInvalidVoice:
		return "invalid voice failover settings: " + e.Detail
	}
	return e.Detail
}

func inconsistent(format string, args ...any) *Error {
	return &Error{Kind: ErrInconsistent, Detail: fmt.Sprintf(format, args...)}
}
