package wsman

import (
	"errors"
	"sync"
)

// maxBufferedOutput is how much unreceived output a command may accumulate
// before its writes block, like a process whose stdout pipe is full. It keeps
// a command whose client stopped polling from growing without bound.
const maxBufferedOutput = 4 << 20

var errCommandFinished = errors.New("wsman: write after the command finished")

// output buffers a command's stdout and stderr between the executor's writes
// and the client's Receives, and carries the exit code once Run returns.
// Waiters (long-polling Receives, writers blocked by flow control) are woken
// through wake, a channel closed and replaced on every change.
type output struct {
	abort <-chan struct{} // the command's context: releases blocked writers

	mu        sync.Mutex
	stdout    []byte
	stderr    []byte
	finished  bool
	exitCode  int
	delivered bool // the final state has been taken at least once
	wake      chan struct{}
}

func newOutput(abort <-chan struct{}) *output {
	return &output{abort: abort, wake: make(chan struct{})}
}

// broadcast wakes every waiter. Callers hold o.mu.
func (o *output) broadcast() {
	close(o.wake)
	o.wake = make(chan struct{})
}

// write appends p to one stream, blocking while too much output is waiting
// for the client.
func (o *output) write(stderr bool, p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for len(o.stdout)+len(o.stderr) >= maxBufferedOutput && !o.finished {
		wake := o.wake
		o.mu.Unlock()
		select {
		case <-wake:
		case <-o.abort:
			o.mu.Lock()
			return 0, errors.New("wsman: command terminated")
		}
		o.mu.Lock()
	}
	if o.finished {
		return 0, errCommandFinished
	}
	if stderr {
		o.stderr = append(o.stderr, p...)
	} else {
		o.stdout = append(o.stdout, p...)
	}
	o.broadcast()
	return len(p), nil
}

// finish records the exit code; buffered output stays for the Receives.
func (o *output) finish(exitCode int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.finished, o.exitCode = true, exitCode
	o.broadcast()
}

// chunk is what one ReceiveResponse reports.
type chunk struct {
	stdout, stderr []byte
	done           bool // the command finished and this chunk empties the buffers
	exitCode       int
}

// take removes up to budget bytes of output (stdout first) and reports
// whether there was anything to tell the client. When there was not, it
// returns a channel that is closed at the next change.
func (o *output) take(budget int) (c chunk, ok bool, changed <-chan struct{}) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.stdout) == 0 && len(o.stderr) == 0 && !o.finished {
		return chunk{}, false, o.wake
	}
	c.stdout, o.stdout = cut(o.stdout, budget)
	c.stderr, o.stderr = cut(o.stderr, budget-len(c.stdout))
	if o.finished && len(o.stdout) == 0 && len(o.stderr) == 0 {
		c.done, c.exitCode = true, o.exitCode
		o.delivered = true
	}
	o.broadcast() // writers blocked by flow control may go on
	return c, true, nil
}

// finalDelivered reports whether a Receive has taken the final state.
func (o *output) finalDelivered() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.delivered
}

// cut splits off up to n leading bytes of b. The remainder is dropped to nil
// once empty so that a consumed buffer's memory is released.
func cut(b []byte, n int) (head, rest []byte) {
	n = min(max(n, 0), len(b))
	head = append([]byte(nil), b[:n]...)
	if n == len(b) {
		return head, nil
	}
	return head, b[n:]
}

// streamWriter is the io.Writer an executor gets for one stream.
type streamWriter struct {
	out    *output
	stderr bool
}

func (w streamWriter) Write(p []byte) (int, error) { return w.out.write(w.stderr, p) }
