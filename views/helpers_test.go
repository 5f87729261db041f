package views

import (
	"crypto/rsa"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/golang-jwt/jwt/v5"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

const (
	testIssuer   = "https://auth.pingone.com/7d2bd0e6-0b0e-4cf8-9b37-5d0c0a6ee4f1/as"
	testClientID = "c4d5e6f7-1111-4222-8333-944455566677"
	testEnvID    = "7d2bd0e6-0b0e-4cf8-9b37-5d0c0a6ee4f1"
)

// t0 is the fixed "now" of the tests.
var t0 = time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)

// signingKey is shared by the test binary: RSA key generation is slow under -race.
func signingKey(testing.TB) *rsa.PrivateKey { return sandboxtest.SigningKey() }

// idToken signs an ID token with the test key; extra claims override the defaults.
func idToken(t testing.TB, extra jwt.MapClaims) string {
	t.Helper()
	claims := jwt.MapClaims{
		"iss":             testIssuer,
		"sub":             "831441df-2b7d-4a9f-bf9e-6e9c8b0a5c11",
		"aud":             testClientID,
		"iat":             t0.Unix(),
		"exp":             t0.Add(5 * time.Minute).Unix(),
		"nonce":           "n-0S6_WzA2Mj",
		"acme_department": "QA",
	}
	for k, v := range extra {
		claims[k] = v
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = "test-key-1"
	raw, err := tok.SignedString(signingKey(t))
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return raw
}

// fakeTicker is an injectable ticker: the test sends ticks and sees when it is stopped.
type fakeTicker struct {
	c       chan time.Time
	mu      sync.Mutex
	started int
	stopped int
}

func newFakeTicker() *fakeTicker { return &fakeTicker{c: make(chan time.Time)} }

func (f *fakeTicker) New(time.Duration) (<-chan time.Time, func()) {
	f.mu.Lock()
	f.started++
	f.mu.Unlock()
	return f.c, func() {
		f.mu.Lock()
		f.stopped++
		f.mu.Unlock()
	}
}

func (f *fakeTicker) counts() (started, stopped int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.started, f.stopped
}

// fakeClock is a clock the test moves; it is read from the ticker goroutine too.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// waitFor fails the test if ch does not deliver within a generous bound. Meanwhile it runs
// the window's queued UI updates (ui, from newQueuedUI) on the test goroutine, as the Fyne
// goroutine would: a value sent from an update arrives, and nothing touches widgets
// behind the test's back.
func waitFor[T any](t *testing.T, ui *UI, ch <-chan T, what string) T {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case v := <-ch: // what an update just sent comes before the updates after it
			return v
		default:
		}
		select {
		case v := <-ch:
			return v
		case <-ui.Ready():
			ui.Drain()
		case <-timeout:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// walkVisible calls visit on every visible object under o, through the renderers the
// canvas already uses (so list rows that were laid out are included). visit returns
// false to skip an object's children.
func walkVisible(o fyne.CanvasObject, visit func(fyne.CanvasObject) bool) {
	if o == nil || !o.Visible() || !visit(o) {
		return
	}
	switch c := o.(type) {
	case fyne.Widget:
		for _, ch := range test.WidgetRenderer(c).Objects() {
			walkVisible(ch, visit)
		}
	case *fyne.Container:
		for _, ch := range c.Objects {
			walkVisible(ch, visit)
		}
	}
}

// labelsIn returns the text of every visible label under o.
func labelsIn(o fyne.CanvasObject) []string {
	var out []string
	walkVisible(o, func(obj fyne.CanvasObject) bool {
		if l, ok := obj.(*widget.Label); ok {
			out = append(out, l.Text)
			return false
		}
		return true
	})
	return out
}

func hasLabelContaining(o fyne.CanvasObject, sub string) bool {
	for _, s := range labelsIn(o) {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
