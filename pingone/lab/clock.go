package lab

import (
	"sync"
	"time"
)

// Clock is a sandbox's time control for a lab run: a base clock plus an offset the lab
// moves forward (Target.AdvanceClock), so the expired-code case (RFC 6749 §4.1.2: codes
// are short-lived) runs in no time instead of waiting out the code's lifetime. Give the
// same Clock's Now to the sandbox (sandbox.Options.Now) and to the Target. It is safe for
// concurrent use; with a zero offset it is its base.
type Clock struct {
	base func() time.Time

	mu     sync.Mutex
	offset time.Duration
}

// NewClock returns a Clock on base (time.Now when nil).
func NewClock(base func() time.Time) *Clock {
	if base == nil {
		base = time.Now
	}
	return &Clock{base: base}
}

// Now is the base time plus the offset.
func (c *Clock) Now() time.Time { return c.base().Add(c.Offset()) }

// Offset is how far the clock runs ahead of its base.
func (c *Clock) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// Reset puts the clock back on its base, so what the sandbox issues after a run carries
// the base's time again.
func (c *Clock) Reset() {
	c.mu.Lock()
	c.offset = 0
	c.mu.Unlock()
}
