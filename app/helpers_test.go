package app

import (
	"context"
	"crypto/rsa"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

// Canary values: known fake secrets that must never show up in preferences, transcripts
// or error strings (case H1).
const (
	canaryWorkerSecret = "CANARY-worker-secret-7f3a9c"
	canaryPassword     = "Canary-Pw-5d2e8b!x"
)

// A shared signing key: 2048-bit RSA generation is slow under -race.
func signingKey() *rsa.PrivateKey { return sandboxtest.SigningKey() }

type deskOpt func(*Options)

// newDesk returns a Desk on fresh in-memory preferences and a mock keyring, with a sandbox
// whose worker secret and user password are canaries and whose retries do not wait.
func newDesk(t *testing.T, mods ...deskOpt) (*Desk, *MemoryPreferences) {
	t.Helper()
	keyring.MockInit()
	prefs := NewMemoryPreferences()
	opts := Options{
		Preferences: prefs,
		Sandbox:     sandbox.Options{SigningKey: signingKey(), WorkerSecret: canaryWorkerSecret, Password: canaryPassword},
		Retry:       pingone.RetryPolicy{Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }},
		HTTPTimeout: 20 * time.Second,
	}
	for _, m := range mods {
		m(&opts)
	}
	d, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, prefs
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// sandboxAsCustomProfile saves a non-sandbox profile that points at the running sandbox
// as if it were a custom domain, so the keyring path of real profiles can be exercised.
func sandboxAsCustomProfile(t *testing.T, d *Desk, mod func(*Profile)) Profile {
	t.Helper()
	srv, err := d.ensureSandbox()
	if err != nil {
		t.Fatal(err)
	}
	info := srv.Info()
	p := Profile{
		Name: "Sandbox as custom domain", AuthBaseURL: info.AuthBaseURL, APIBaseURL: info.APIBaseURL,
		AdminEnvironmentID: info.EnvironmentID, WorkerClientID: info.Worker.ClientID,
		TargetEnvironmentID: info.EnvironmentID, Tag: TagTest,
	}
	if mod != nil {
		mod(&p)
	}
	saved, err := d.SaveProfile(p)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

// assertNoCanary fails if any canary secret appears in text.
func assertNoCanary(t *testing.T, where, text string, extra ...string) {
	t.Helper()
	for _, s := range append([]string{canaryWorkerSecret, canaryPassword}, extra...) {
		if s != "" && strings.Contains(text, s) {
			t.Fatalf("%s leaks a secret (%.6s…)", where, s)
		}
	}
}

// transcriptText renders every recorded exchange, cURL included.
func transcriptText(d *Desk) string {
	var b strings.Builder
	for _, e := range d.Transcript().Entries() {
		fmt.Fprintf(&b, "%s %s %v %s %v %s %s\n", e.Method, e.URL, e.RequestHeader, e.RequestBody, e.ResponseHeader, e.ResponseBody, e.Curl())
	}
	return b.String()
}

// freeRedirect returns a loopback redirect URI on a port free on both stacks.
func freeRedirect(t *testing.T) (string, int) { return sandboxtest.FreeRedirect(t) }
