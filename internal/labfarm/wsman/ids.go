package wsman

import (
	"crypto/rand"
	"fmt"
)

// newGUID returns a random (version 4) GUID in the upper-case form Windows
// uses for ShellId, CommandId and MessageID values.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails since Go 1.24
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%X-%X-%X-%X-%X", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
