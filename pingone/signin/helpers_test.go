package signin

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// noLeaks registers a goroutine leak check that runs after every other cleanup of t
// (cleanups run last-in first-out, so call it first).
func noLeaks(t *testing.T) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) })
}

func freePort(t *testing.T) int { return sandboxtest.FreePort(t) }

// assertPortFree proves the listener is really gone: both stacks can be bound again.
func assertPortFree(t *testing.T, port int) {
	t.Helper()
	ls, err := listenBothStacks(port)
	if err != nil {
		t.Fatalf("port %d not re-bindable after the attempt: %v", port, err)
	}
	for _, l := range ls {
		l.Close()
	}
}

// rawClient is an HTTP client without keep-alives (no idle goroutines for goleak) that
// never follows redirects.
func rawClient() *http.Client {
	return &http.Client{
		Transport:     &http.Transport{DisableKeepAlives: true, Proxy: nil},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       10 * time.Second,
	}
}

type page struct {
	status int
	header http.Header
	body   string
}

func hit(t *testing.T, method, rawURL, host string) page {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := rawClient().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, rawURL, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{resp.StatusCode, resp.Header, string(b)}
}

// waitCtx is a bounded context for waiting on channels instead of sleeping.
func waitCtx(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func assertNoSecret(t *testing.T, where, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s contains a secret value %q", where, s)
		}
	}
}

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }
