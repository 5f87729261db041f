package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
)

func TestExplain(t *testing.T) {
	if Explain(nil) != nil {
		t.Fatal("Explain(nil) != nil")
	}
	own := &Problem{Title: "mine"}
	if Explain(fmt.Errorf("wrapped: %w", own)) != own {
		t.Fatal("an existing Problem was not passed through")
	}
	cases := []struct {
		err   error
		title string
	}{
		{&signin.PortInUseError{Port: 3000, Address: "127.0.0.1"}, "port 3000"},
		{&signin.BrowserRequiredError{Status: "OTP_REQUIRED"}, "OTP_REQUIRED"},
		{&signin.LockedOutError{SecondsUntilUnlock: 900}, "locked"},
		{signin.ErrTimedOut, "not completed in time"},
		{fmt.Errorf("create: %w", pingone.ErrOutcomeUnknown), "may or may not"},
		{&pingone.Error{Status: 400, Code: "INVALID_DATA", Details: []pingone.ErrorDetail{{Code: "UNIQUENESS_VIOLATION", Target: "name"}}}, "already taken"},
		{&pingone.Error{Code: "INVALID_DATA", Details: []pingone.ErrorDetail{{Code: "INVALID_VALUE", Target: "redirectUris"}}}, "nothing was sent"},
		{&pingone.Error{Status: 400, Code: "INVALID_DATA", Details: []pingone.ErrorDetail{{Code: "INVALID_VALUE", Target: "redirectUris"}}}, "PingOne rejected some values"},
		{&pingone.Error{Status: 503, Code: "UNEXPECTED_ERROR"}, "server error"},
		{&pingone.OAuthError{Status: 400, Code: "invalid_grant"}, "no longer valid"},
		{&pingone.UnexpectedResponseError{Status: 502, ContentType: "text/html"}, "Something other than PingOne answered"},
		{context.Canceled, "Cancelled"},
		{ErrNoRefreshToken, "no refresh token"},
		{&KeyringError{Kind: ErrKeyringLocked, Op: "read"}, "Could not read the worker secret: the system keyring is locked"},
		{errors.New("boom"), "Something went wrong"},
	}
	for _, tc := range cases {
		p := Explain(tc.err)
		if !strings.Contains(p.Title, tc.title) {
			t.Errorf("Explain(%v).Title = %q, want it to contain %q", tc.err, p.Title, tc.title)
		}
		if !errors.Is(p, tc.err) {
			t.Errorf("Explain(%v) does not wrap the error", tc.err)
		}
	}
}

// Defect 8 and the B/F catalogue: what the user reads for each kind of failure.
func TestExplain_HostsAndTokenEndpoint(t *testing.T) {
	const corr = "6f1e2d3c-b2a1-4f5e-9d8c-7b6a5f4e3d2c"
	exchange := func(err error, retryAfter time.Duration) error {
		return &signin.TokenError{Op: "code exchange", Err: err, RetryAfter: retryAfter}
	}
	cases := []struct {
		name          string
		err           error
		title, remedy string
		notInTitle    string
	}{
		{"non-PingOne 5xx names the host", &pingone.UnexpectedResponseError{Status: 503, ContentType: "text/html", Host: "auth.pingone.eu"},
			"Something other than PingOne answered at auth.pingone.eu (HTTP 503, text/html)", "region", "server error"},
		{"PingOne's own 5xx", &pingone.Error{Status: 503, ID: "e", Code: "UNEXPECTED_ERROR"}, "PingOne had a server error", "try again", ""},
		{"worker token server_error", &pingone.OAuthError{Status: 500, Code: "server_error"}, "temporary problem", "try again", ""},
		{"F5 DNS", &pingone.NetworkError{Class: "DNS lookup failed", Host: "auth.pingone.invalid"},
			"Cannot reach auth.pingone.invalid", "spelled right", ""},
		{"B16 certificate", &pingone.NetworkError{Class: "TLS certificate rejected", Host: "auth.pingone.com"},
			"auth.pingone.com is not trusted", "corporate proxy", ""},
		{"B2 misconfigured app", exchange(&pingone.OAuthError{Status: 400, Code: "unauthorized_client", CorrelationID: corr}, 0),
			"misconfigured", "NONE, PKCE S256 required, the Authorization Code grant", ""},
		{"B2 correlation id", exchange(&pingone.OAuthError{Status: 400, Code: "invalid_scope", CorrelationID: corr}, 0),
			"registration", corr, ""},
		{"B12 503 with Retry-After", exchange(&pingone.OAuthError{Status: 503, Code: "temporarily_unavailable"}, 2*time.Minute),
			"temporary problem", "sign in again in 2 minutes", ""},
		{"B12 502 PingOne error", exchange(&pingone.Error{Status: 502, ID: "e", Code: "UNEXPECTED_ERROR"}, 0),
			"temporary problem", "Sign in again", ""},
		{"B17 reset during the exchange", exchange(&pingone.NetworkError{Class: "connection reset", Host: "auth.pingone.com"}, 0),
			"dropped while the sign-in", "Sign in again", ""},
		{"invalid_grant still means sign in again", exchange(&pingone.OAuthError{Status: 400, Code: "invalid_grant"}, 0),
			"no longer valid", "Sign in again", ""},
		{"lost create, name held", &pingone.NameTakenError{Name: "Shared-Native-App", ExistingID: "x"},
			"“Shared-Native-App” already exists", "another name", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := Explain(tc.err)
			if !strings.Contains(p.Title, tc.title) || !strings.Contains(p.Remedy, tc.remedy) {
				t.Fatalf("Explain = %q / %q, want %q / %q", p.Title, p.Remedy, tc.title, tc.remedy)
			}
			if tc.notInTitle != "" && strings.Contains(p.Title, tc.notInTitle) {
				t.Fatalf("title %q blames PingOne (%q)", p.Title, tc.notInTitle)
			}
			if !errors.Is(p, tc.err) {
				t.Fatal("the Problem does not wrap the error")
			}
		})
	}
}

// The Connections form marks the fields a failed connection test points at.
func TestConnectionFields(t *testing.T) {
	region := Profile{ID: "p1", Region: pingone.RegionEU}
	other := Profile{ID: "p2", AuthBaseURL: "https://auth.example.test", APIBaseURL: "https://api.example.test/v1"}
	dns := &pingone.NetworkError{Class: "DNS lookup failed", Host: "auth.pingone.invalid"}
	notPingOne := &pingone.UnexpectedResponseError{Status: 502, ContentType: "text/html", Host: "api.example.test"}
	cases := []struct {
		name string
		step string
		p    Profile
		err  error
		want []string
	}{
		{"invalid_client", stepToken, region, &pingone.OAuthError{Status: 401, Code: "invalid_client"}, []string{FieldWorkerClientID, FieldWorkerSecret}},
		{"worker env unknown", stepToken, region, &pingone.Error{Status: 404, ID: "e", Code: "NOT_FOUND"}, []string{FieldAdminEnvironmentID}},
		{"target env unknown", stepList, region, &pingone.Error{Status: 404, ID: "e", Code: "NOT_FOUND"}, []string{FieldTargetEnvironmentID}},
		{"DNS, region", stepToken, region, dns, []string{FieldRegion}},
		{"DNS, other host", stepToken, other, dns, []string{FieldAuthBaseURL}},
		{"not PingOne, API host", stepList, other, notPingOne, []string{FieldAPIBaseURL}},
		{"not PingOne, region", stepList, region, notPingOne, []string{FieldRegion}},
		{"no secret", "", region, ErrSecretNotFound, []string{FieldWorkerSecret}},
		{"missing role", stepList, region, &pingone.Error{Status: 403, ID: "e", Code: "ACCESS_FAILED"}, nil},
		{"timeout", stepToken, region, &pingone.NetworkError{Class: "timeout"}, nil},
		{"sandbox has no form", stepToken, Profile{ID: SandboxProfileID}, dns, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := explainConnection(tc.step, tc.p, tc.err).FieldErrors()
			var keys []string
			for k, msg := range got {
				keys = append(keys, k)
				if msg == "" {
					t.Errorf("field %s has no message", k)
				}
			}
			slices.Sort(keys)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(keys, want) {
				t.Fatalf("fields = %v, want %v", got, tc.want)
			}
		})
	}
}
