package app

import (
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
)

// What the user reads when the token endpoint or the network fails during a sign-in
// (case B2, B12, B16, F5), end to end: Desk.SignIn, the sandbox, Explain.

// signInAgainstFault runs an in-app sign-in whose code exchange meets fault and returns
// the explained error and the number of token requests the sign-in made.
func signInAgainstFault(t *testing.T, fault sandbox.Fault) (*Problem, int) {
	t.Helper()
	d, _ := newDesk(t)
	clientID := createSignInApp(t, d)
	srv, _ := d.ensureSandbox()
	fault.Method, fault.PathContains = http.MethodPost, "/as/token"
	srv.Faults().Add(fault)
	before := srv.Requests(http.MethodPost, "/as/token")
	_, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInInApp, ClientID: clientID,
		Username: sandbox.DefaultUsername, Password: canaryPassword}, nil)
	if err == nil {
		t.Fatal("the sign-in succeeded despite the fault")
	}
	p := Explain(err)
	assertNoCanary(t, "problem", p.Title+p.Remedy+p.Detail())
	return p, srv.Requests(http.MethodPost, "/as/token") - before
}

func TestSignIn_B2_MisconfiguredRegistration(t *testing.T) {
	const corr = "0d9c8b7a-6f5e-4d3c-8b2a-1f0e9d8c7b6a"
	p, n := signInAgainstFault(t, sandbox.Fault{Times: 1, Status: 400, Header: map[string]string{"Correlation-Id": corr},
		Body: `{"error":"unauthorized_client","error_description":"The client is not authorized to use this grant type."}`})
	if !strings.Contains(p.Title, "misconfigured") || !strings.Contains(p.Title, "unauthorized_client") {
		t.Fatalf("title %q", p.Title)
	}
	for _, want := range []string{"NONE", "PKCE", "Authorization Code", corr} {
		if !strings.Contains(p.Remedy, want) {
			t.Errorf("remedy %q does not mention %q", p.Remedy, want)
		}
	}
	if n != 1 {
		t.Errorf("%d token requests", n)
	}
}

func TestSignIn_B12_ServerErrorSaysSignInAgain(t *testing.T) {
	p, n := signInAgainstFault(t, sandbox.Fault{Times: 1, Status: 503, RetryAfter: "120", AfterEffect: true,
		Body: `{"error":"temporarily_unavailable","error_description":"Try again later."}`})
	if !strings.Contains(p.Title, "temporary problem") || !strings.Contains(p.Remedy, "sign in again in 2 minutes") {
		t.Fatalf("problem %q / %q", p.Title, p.Remedy)
	}
	if n != 1 {
		t.Fatalf("%d token requests; the code exchange must not be retried", n)
	}
}

// A profile whose host presents a certificate the system does not trust (a MITM or a
// corporate TLS-inspecting proxy) fails closed, and the message names that cause.
func TestSignIn_B16_UntrustedCertificateMentionsCorporateProxy(t *testing.T) {
	var hits atomic.Int32
	mitm := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	mitm.Config.ErrorLog = log.New(io.Discard, "", 0)
	mitm.StartTLS()
	t.Cleanup(mitm.Close)

	d, _ := newDesk(t)
	p := sandboxAsCustomProfile(t, d, func(p *Profile) {
		p.AuthBaseURL, p.APIBaseURL = mitm.URL, mitm.URL+"/v1"
	})
	if err := d.SetActive(p.ID); err != nil {
		t.Fatal(err)
	}
	_, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInInApp, ClientID: "4b1e5c7a-3f2d-4e8b-9a6c-0d1e2f3a4b5c",
		Username: sandbox.DefaultUsername, Password: canaryPassword}, nil)
	if err == nil {
		t.Fatal("signed in over an untrusted connection")
	}
	pr := Explain(err)
	host := strings.TrimPrefix(mitm.URL, "https://")
	if !strings.Contains(pr.Title, host) || !strings.Contains(pr.Title, "not trusted") || !strings.Contains(pr.Remedy, "corporate proxy") {
		t.Fatalf("problem %q / %q", pr.Title, pr.Remedy)
	}
	if hits.Load() != 0 {
		t.Fatal("a request went through the untrusted connection")
	}
	assertNoCanary(t, "problem", pr.Title+pr.Remedy+pr.Detail())
}

// Offline at start: a host that does not resolve fails fast, says which host, and the
// browser is never opened.
func TestSignIn_F5_OfflineAtStartOpensNoBrowser(t *testing.T) {
	redirect, _ := freeRedirect(t)
	var opened atomic.Int32
	d, _ := newDesk(t, func(o *Options) {
		o.RedirectURI = redirect
		o.OpenBrowser = func(string) error { opened.Add(1); return nil }
	})
	p := sandboxAsCustomProfile(t, d, func(p *Profile) {
		p.AuthBaseURL, p.APIBaseURL = "https://auth.pingone.invalid", "https://api.pingone.invalid/v1"
	})
	if err := d.SetActive(p.ID); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := d.SignIn(testCtx(t), SignInRequest{Mode: SignInBrowser, ClientID: "4b1e5c7a-3f2d-4e8b-9a6c-0d1e2f3a4b5c"}, nil)
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("took %s; an unresolvable host must fail fast", took)
	}
	if err == nil || errors.Is(err, signin.ErrTimedOut) {
		t.Fatalf("err = %v, want the DNS failure", err)
	}
	if pr := Explain(err); !strings.Contains(pr.Title, "Cannot reach auth.pingone.invalid") {
		t.Fatalf("problem %q / %q", pr.Title, pr.Remedy)
	}
	if opened.Load() != 0 {
		t.Fatal("the browser was opened although PingOne cannot be reached")
	}
}
