package app

import (
	"sync"
	"time"
)

// sandboxClock is the in-process sandbox's clock: a base clock plus an offset the lab can
// move forward, so its expired-code case (RFC 6749 §4.1.2: codes are short-lived) runs in
// no time instead of waiting out the code's lifetime. With a zero offset it is the base.
type sandboxClock struct {
	base func() time.Time

	mu     sync.Mutex
	offset time.Duration
}

func newSandboxClock(base func() time.Time) *sandboxClock {
	if base == nil {
		base = time.Now
	}
	return &sandboxClock{base: base}
}

// Now is the sandbox's current time.
func (c *sandboxClock) Now() time.Time {
	c.mu.Lock()
	off := c.offset
	c.mu.Unlock()
	return c.base().Add(off)
}

// Advance moves the clock forward by d.
func (c *sandboxClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// reset puts the clock back on its base, so tokens the sandbox issues after a lab run
// carry today's time again and the desk's own ID-token checks keep passing.
func (c *sandboxClock) reset() {
	c.mu.Lock()
	c.offset = 0
	c.mu.Unlock()
}
