package pingone

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestRetryPolicyBackoff(t *testing.T) {
	p := RetryPolicy{MaxAttempts: 4, BaseDelay: 100 * time.Millisecond, MaxDelay: 300 * time.Millisecond, MaxRetryAfter: 30 * time.Second}
	if _, ok := p.backoff(1, 0); ok {
		t.Error("attempt 1 is not a retry")
	}
	for next, ceiling := range map[int]time.Duration{2: 100 * time.Millisecond, 3: 200 * time.Millisecond, 4: 300 * time.Millisecond} {
		for i := 0; i < 50; i++ {
			d, ok := p.backoff(next, 0)
			if !ok || d < ceiling/2 || d > ceiling {
				t.Fatalf("backoff(%d) = %v, %v; want in [%v, %v]", next, d, ok, ceiling/2, ceiling)
			}
		}
	}
	if _, ok := p.backoff(5, 0); ok {
		t.Error("retried beyond MaxAttempts")
	}
	if d, ok := p.backoff(2, 7*time.Second); !ok || d != 7*time.Second {
		t.Errorf("Retry-After not honoured: %v %v", d, ok)
	}
	if _, ok := p.backoff(2, 24*time.Hour); ok {
		t.Error("absurd Retry-After must stop retrying, not wait a day")
	}
}

func TestRetryPolicyDefaultsAndSleep(t *testing.T) {
	p := RetryPolicy{}.withDefaults()
	if p.MaxAttempts != 4 || p.MaxRetryAfter != 30*time.Second || p.Sleep == nil {
		t.Errorf("defaults: %+v", p)
	}
	if (RetryPolicy{MaxAttempts: 1}).withDefaults().MaxAttempts != 1 {
		t.Error("MaxAttempts 1 must stay one attempt")
	}
	var slept time.Duration
	p = RetryPolicy{Sleep: func(_ context.Context, d time.Duration) error { slept = d; return nil }}
	if err := p.withDefaults().Sleep(context.Background(), 3*time.Second); err != nil || slept != 3*time.Second {
		t.Errorf("injected sleep: %v %v", err, slept)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepContext(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleepContext on cancelled ctx = %v", err)
	}
	if !retryableStatus(503) || !retryableStatus(429) || retryableStatus(400) || retryableStatus(401) || retryableStatus(501) {
		t.Error("retryableStatus")
	}
}
