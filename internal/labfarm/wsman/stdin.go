package wsman

import (
	"io"
	"sync"
)

// stdin carries what Sends deliver to a command's Command.Stdin. Sends never
// block: the client may send everything before the executor reads, and
// masterzen sends its End="true" even after the command finished.
type stdin struct {
	abort <-chan struct{} // the command's context: ends blocked reads

	mu      sync.Mutex
	buf     []byte
	eof     bool // a Stream with End="true" arrived
	retired bool // Run returned: later input has no reader and is dropped
	wake    chan struct{}
}

func newStdin(abort <-chan struct{}) *stdin {
	return &stdin{abort: abort, wake: make(chan struct{})}
}

// send appends input and, with end, marks the end of the stream.
func (s *stdin) send(p []byte, end bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.eof || s.retired {
		return
	}
	s.buf = append(s.buf, p...)
	s.eof = end
	close(s.wake)
	s.wake = make(chan struct{})
}

// retire drops buffered input once nobody will read it.
func (s *stdin) retire() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retired, s.buf = true, nil
}

// Read blocks until input arrives, the client ends the stream (io.EOF) or the
// command is terminated (io.ErrUnexpectedEOF, like a pipe whose writer died).
func (s *stdin) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.buf) == 0 {
		if s.eof {
			return 0, io.EOF
		}
		wake := s.wake
		s.mu.Unlock()
		aborted := false
		select {
		case <-wake:
		case <-s.abort:
			aborted = true
		}
		s.mu.Lock()
		if aborted && len(s.buf) == 0 && !s.eof {
			return 0, io.ErrUnexpectedEOF
		}
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	if len(s.buf) == 0 {
		s.buf = nil
	}
	return n, nil
}
