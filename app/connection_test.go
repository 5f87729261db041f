package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

func TestSandboxProfileConnects(t *testing.T) {
	d, _ := newDesk(t)
	rep, err := d.TestConnection(testCtx(t))
	if err != nil {
		t.Fatalf("TestConnection: %v (%s)", err, Explain(err).Detail())
	}
	srv, _ := d.ensureSandbox()
	if rep.Issuer != srv.Issuer() || rep.Profile.TargetEnvironmentID != srv.EnvironmentID() {
		t.Fatalf("report = %+v, want issuer %s", rep, srv.Issuer())
	}
	if rep.Applications < 1 {
		t.Fatalf("applications = %d, want the sandbox's worker at least", rep.Applications)
	}
	if n := srv.Requests("POST", "/as/token"); n != 1 {
		t.Fatalf("worker token requests = %d, want 1", n)
	}
	// The transcript shows the calls, redacted.
	entries := d.Transcript().Entries()
	if len(entries) < 2 {
		t.Fatalf("transcript has %d entries, want token + list", len(entries))
	}
	assertNoCanary(t, "transcript", transcriptText(d))

	demo, err := d.SandboxDemoUser()
	if err != nil || demo.Username != sandbox.DefaultUsername || demo.Password != canaryPassword {
		t.Fatalf("demo user = %+v, %v", demo, err)
	}
}

func TestConnectionFailuresInPlainWords(t *testing.T) {
	const (
		otherEnv = "12345678-1234-4234-8234-123456789abc"
		html     = "<html><body>Please sign in to the hotel Wi-Fi</body></html>"
	)
	cases := []struct {
		name   string
		mod    func(*Profile)
		secret string
		fault  *sandbox.Fault
		want   string   // in the Problem's title
		remedy string   // in its remedy
		fields []string // the form fields it marks
		check  func(t *testing.T, err error)
	}{
		{name: "wrong secret", secret: "wrong-secret", want: "client ID or secret", remedy: "secret",
			fields: []string{FieldWorkerClientID, FieldWorkerSecret},
			check: func(t *testing.T, err error) {
				var oe *pingone.OAuthError
				if !errors.As(err, &oe) || oe.Code != "invalid_client" {
					t.Fatalf("cause = %v, want invalid_client", err)
				}
			}},
		{name: "wrong admin environment", mod: func(p *Profile) { p.AdminEnvironmentID = otherEnv }, want: "worker's environment", remedy: "region",
			fields: []string{FieldAdminEnvironmentID}},
		{name: "wrong target environment", mod: func(p *Profile) { p.TargetEnvironmentID = otherEnv }, want: "target environment", remedy: "target environment ID",
			fields: []string{FieldTargetEnvironmentID}},
		{name: "missing role", fault: &sandbox.Fault{Method: "GET", PathContains: "/applications", Status: 403,
			Body: `{"id":"e1","code":"ACCESS_FAILED","message":"Access denied.","details":[{"code":"INSUFFICIENT_PERMISSIONS","message":"no role"}]}`},
			want: "lacks a role", remedy: "Client Application Developer"},
		{name: "proxy page", fault: &sandbox.Fault{Method: "POST", PathContains: "/as/token", Status: 200, ContentType: "text/html", Body: html},
			want: "Something other than PingOne answered at 127.0.0.1:", remedy: "proxy", fields: []string{FieldAuthBaseURL},
			check: func(t *testing.T, err error) {
				if strings.Contains(err.Error(), "hotel") || strings.Contains(Explain(err).Detail(), "hotel") {
					t.Fatal("the proxy page's body was echoed")
				}
			}},
		{name: "offline", mod: func(p *Profile) { p.AuthBaseURL = "http://127.0.0.1:1"; p.APIBaseURL = "http://127.0.0.1:1/v1" },
			want: "Cannot reach 127.0.0.1:1", remedy: "online", fields: []string{FieldAuthBaseURL}},
		// Defect 8: a wrong host's 5xx is not PingOne's server error.
		{name: "other service's 5xx", fault: &sandbox.Fault{Method: "GET", PathContains: "/applications", Status: 503,
			Body: `{"timestamp":"2026-04-20T12:00:00Z","status":503,"error":"Service Unavailable","path":"/v1/environments"}`},
			want: "Something other than PingOne answered at 127.0.0.1:", remedy: "region", fields: []string{FieldAPIBaseURL},
			check: func(t *testing.T, err error) {
				if strings.Contains(Explain(err).Title, "server error") {
					t.Fatal("a non-PingOne answer is blamed on PingOne")
				}
			}},
		{name: "host does not resolve (F5)", mod: func(p *Profile) {
			p.AuthBaseURL = "https://auth.pingone.invalid"
			p.APIBaseURL = "https://api.pingone.invalid/v1"
		}, want: "Cannot reach auth.pingone.invalid", remedy: "spelled right", fields: []string{FieldAuthBaseURL}},
		{name: "rate limited", fault: &sandbox.Fault{Method: "GET", PathContains: "/applications", Status: 429, RetryAfter: "120",
			Body: `{"id":"e2","code":"REQUEST_LIMITED","message":"Too many requests."}`},
			want: "rate", remedy: "2 minutes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, _ := newDesk(t)
			p := sandboxAsCustomProfile(t, d, tc.mod)
			secret := canaryWorkerSecret
			if tc.secret != "" {
				secret = tc.secret
			}
			ctx := testCtx(t)
			if err := d.SetWorkerSecret(ctx, p.ID, secret); err != nil {
				t.Fatal(err)
			}
			if err := d.SetActive(p.ID); err != nil {
				t.Fatal(err)
			}
			if tc.fault != nil {
				srv, _ := d.ensureSandbox()
				srv.Faults().Add(*tc.fault)
			}
			rep, err := d.TestConnection(ctx)
			if err == nil {
				t.Fatalf("connection test passed: %+v", rep)
			}
			var pr *Problem
			if !errors.As(err, &pr) {
				t.Fatalf("err = %T %v, want *Problem", err, err)
			}
			if !strings.Contains(pr.Title, tc.want) || !strings.Contains(pr.Remedy, tc.remedy) {
				t.Fatalf("problem = %q / %q, want %q / %q (cause %v)", pr.Title, pr.Remedy, tc.want, tc.remedy, pr.Err)
			}
			var got []string
			for k := range pr.FieldErrors() {
				got = append(got, k)
			}
			slices.Sort(got)
			want := slices.Clone(tc.fields)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("fields = %v, want %v", pr.FieldErrors(), tc.fields)
			}
			assertNoCanary(t, "problem", pr.Title+pr.Remedy+pr.Detail()+fmt.Sprint(pr.FieldErrors()))
			assertNoCanary(t, "transcript", transcriptText(d))
			if tc.check != nil {
				tc.check(t, err)
			}
		})
	}
}

func TestConnectionNeedsASecret(t *testing.T) {
	d, _ := newDesk(t)
	p := sandboxAsCustomProfile(t, d, nil)
	if err := d.SetActive(p.ID); err != nil {
		t.Fatal(err)
	}
	_, err := d.TestConnection(testCtx(t))
	if !errors.Is(err, ErrSecretNotFound) {
		t.Fatalf("err = %v, want ErrSecretNotFound", err)
	}
	if pr := Explain(err); !strings.Contains(pr.Remedy, "secret") {
		t.Fatalf("remedy = %q", pr.Remedy)
	}
	srv, _ := d.ensureSandbox()
	if srv.Requests("", "") != 0 {
		t.Fatal("a request was made without a worker secret")
	}
}

func TestMemoryOnlySecretConnects(t *testing.T) {
	d, _ := newDesk(t)
	p := sandboxAsCustomProfile(t, d, nil)
	if err := d.RememberWorkerSecret(p.ID, canaryWorkerSecret); err != nil {
		t.Fatal(err)
	}
	if err := d.SetActive(p.ID); err != nil {
		t.Fatal(err)
	}
	rep, err := d.TestConnection(testCtx(t))
	if err != nil {
		t.Fatalf("TestConnection: %v", err)
	}
	if rep.Profile.ID != p.ID {
		t.Fatalf("report for %q, want %q", rep.Profile.ID, p.ID)
	}
}

func TestSwitchingProfileClearsTranscript(t *testing.T) {
	d, _ := newDesk(t)
	if _, err := d.TestConnection(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if len(d.Transcript().Entries()) == 0 {
		t.Fatal("nothing recorded")
	}
	p := sandboxAsCustomProfile(t, d, nil)
	if err := d.SetActive(p.ID); err != nil {
		t.Fatal(err)
	}
	if n := len(d.Transcript().Entries()); n != 0 {
		t.Fatalf("transcript kept %d entries of the previous connection", n)
	}
}

func TestClosedDeskRefusesWork(t *testing.T) {
	d, _ := newDesk(t)
	if _, err := d.TestConnection(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.TestConnection(context.Background()); err == nil {
		t.Fatal("a closed desk still connects")
	}
}
