package lync

import (
	"context"
	"strings"
	"sync"
)

// topologyLocks holds one lock per management host for the whole process, so
// that every Client (one per provider configuration, several resources each)
// serializes its read-modify-publish of the topology on that host. Publishing
// through different management hosts of one farm is still guarded by
// PublishTopology's expectedCurrent check.
var topologyLocks sync.Map // lower-case host -> chan struct{} (capacity 1)

// LockTopology waits until no other caller in this process holds the topology
// lock of host, takes it and returns the function that releases it. It gives
// up with ctx's error.
func (c *Client) LockTopology(ctx context.Context, host string) (unlock func(), err error) {
	v, _ := topologyLocks.LoadOrStore(strings.ToLower(host), make(chan struct{}, 1))
	ch, _ := v.(chan struct{}) // only channels are stored
	select {
	case ch <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-ch }) }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
