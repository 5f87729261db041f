package pingone

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"
)

// RetryPolicy decides whether and how long to wait before repeating a failed idempotent
// request: exponential backoff with jitter, honouring Retry-After up to a cap
// (pingone-api.md §4.1 "Retry policy"; case D6/D7). Zero fields take defaults.
type RetryPolicy struct {
	MaxAttempts   int           // total tries including the first; default 4
	BaseDelay     time.Duration // first backoff; default 500 ms
	MaxDelay      time.Duration // backoff ceiling; default 10 s
	MaxRetryAfter time.Duration // longest Retry-After honoured; default 30 s
	// Sleep waits d or until ctx ends; injectable so tests do not wait. Default uses a timer.
	Sleep func(ctx context.Context, d time.Duration) error
}

// withDefaults returns p with zero fields replaced by the defaults.
func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 500 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 10 * time.Second
	}
	if p.MaxDelay < p.BaseDelay {
		p.MaxDelay = p.BaseDelay
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 30 * time.Second
	}
	if p.Sleep == nil {
		p.Sleep = sleepContext
	}
	return p
}

// backoff returns how long to wait before attempt number next (2 for the first retry) and
// whether to retry at all. A server-supplied retryAfter (>0) replaces the computed backoff;
// one longer than MaxRetryAfter stops retrying rather than hammering the server early, and the
// caller surfaces the error with its RetryAfter so the user can be told when to try again.
func (p RetryPolicy) backoff(next int, retryAfter time.Duration) (time.Duration, bool) {
	p = p.withDefaults()
	if next > p.MaxAttempts || next < 2 {
		return 0, false
	}
	if retryAfter > 0 {
		if retryAfter > p.MaxRetryAfter {
			return 0, false
		}
		return retryAfter, true
	}
	d := p.BaseDelay
	for i := 2; i < next && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	// "Equal jitter": half fixed, half random, so concurrent clients spread out while the
	// wait still grows with each attempt.
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1)), true
}

// sleepContext waits d or until ctx is done.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryableStatus reports the statuses worth repeating an idempotent request for:
// 408, 429, 500, 502, 503, 504 (not 501 or 4xx client errors).
func retryableStatus(status int) bool {
	switch status {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}
