package signin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// Token-endpoint fault catalogue (case B) and F5, against the sandbox. Every
// case also checks that the authorization code was sent exactly once: a code may be
// consumed by a request whose answer was lost, so it is never retried (RFC 6749 §10.5).

func TestToken_B2_RegistrationErrorsKeepCorrelationID(t *testing.T) {
	const corr = "6f1e2d3c-b2a1-4f5e-9d8c-7b6a5f4e3d2c"
	desc := "The request could not be completed. There was an issue processing the request: rejected (Correlation ID: " + corr + ")"
	for _, code := range []string{"invalid_request", "unauthorized_client", "unsupported_grant_type", "invalid_scope"} {
		for _, where := range []string{"description", "header"} {
			t.Run(code+"/"+where, func(t *testing.T) {
				noLeaks(t)
				fault := sandbox.Fault{Times: 1, Status: 400, Body: `{"error":"` + code + `","error_description":"` + desc + `"}`}
				if where == "header" {
					fault.Body = `{"error":"` + code + `"}`
					fault.Header = map[string]string{"Correlation-Id": corr}
				}
				n, err := exchangeWithFault(t, fault)
				var te *TokenError
				var oe *pingone.OAuthError
				if !errors.As(err, &te) || te.Op != "code exchange" || !errors.As(err, &oe) || oe.Code != code {
					t.Fatalf("err = %v, want a code-exchange TokenError with %s", err, code)
				}
				if oe.CorrelationID != corr || !strings.Contains(err.Error(), corr) {
					t.Fatalf("correlation id %q, message %q; want %s kept", oe.CorrelationID, err, corr)
				}
				if n != 1 {
					t.Fatalf("%d token requests, want 1", n)
				}
			})
		}
	}
}

func TestToken_B4_200WithErrorIsAnError(t *testing.T) {
	for name, body := range map[string]string{
		"error only":         `{"error":"invalid_grant","error_description":"The authorization code is invalid."}`,
		"error beside token": `{"error":"server_error","access_token":"at-canary","token_type":"Bearer","id_token":"a.b.c"}`,
	} {
		t.Run(name, func(t *testing.T) {
			noLeaks(t)
			n, err := exchangeWithFault(t, sandbox.Fault{Times: 1, Status: 200, Body: body})
			var oe *pingone.OAuthError
			if !errors.As(err, &oe) || oe.Status != 200 || oe.Code == "" {
				t.Fatalf("err = %v (%T), want an OAuthError from the 200", err, err)
			}
			if n != 1 {
				t.Fatalf("%d token requests", n)
			}
			assertNoSecret(t, "error", err.Error(), "at-canary")
		})
	}
}

// reformatTokenResponse rewrites the sandbox's real JSON token responses as a query
// string with the given Content-Type (x/oauth2 parses those as url.Values), after edit.
type reformatTokenResponse struct {
	base        *http.Transport
	contentType string
	edit        func(url.Values)
}

func (r *reformatTokenResponse) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil || !strings.HasSuffix(req.URL.Path, "/as/token") || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var fields map[string]any
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, err
	}
	vals := url.Values{}
	for k, v := range fields {
		vals.Set(k, fmt.Sprint(v))
	}
	if r.edit != nil {
		r.edit(vals)
	}
	out := []byte(vals.Encode())
	resp.Body = io.NopCloser(bytes.NewReader(out))
	resp.ContentLength = int64(len(out))
	resp.Header.Set("Content-Type", r.contentType)
	resp.Header.Set("Content-Length", fmt.Sprint(len(out)))
	return resp, nil
}

func TestToken_B9_QueryStringResponsesValidatedTheSame(t *testing.T) {
	tamper := func(v url.Values) { // change the signature's last character
		id := v.Get("id_token")
		last := id[len(id)-1]
		if last == 'A' {
			last = 'B'
		} else {
			last = 'A'
		}
		v.Set("id_token", id[:len(id)-1]+string(last))
	}
	cases := []struct {
		name  string
		ct    string
		edit  func(url.Values)
		check func(t *testing.T, res *Result, err error)
	}{
		{"form-encoded, valid", "application/x-www-form-urlencoded", nil, func(t *testing.T, res *Result, err error) {
			if err != nil || res.IDToken == nil || !res.IDToken.OK() || res.Tokens.AccessToken == "" || res.Subject == "" {
				t.Fatalf("res %v, err %v: a valid form-encoded response must be accepted after the usual checks", res, err)
			}
		}},
		{"text/plain, valid", "text/plain; charset=utf-8", nil, func(t *testing.T, res *Result, err error) {
			if err != nil || res.IDToken == nil || !res.IDToken.OK() {
				t.Fatalf("res %v, err %v", res, err)
			}
		}},
		{"form-encoded, forged signature", "application/x-www-form-urlencoded", tamper, func(t *testing.T, res *Result, err error) {
			var ir *IDTokenRejectedError
			if !errors.As(err, &ir) || res != nil {
				t.Fatalf("res %v, err %v: want IDTokenRejectedError", res, err)
			}
		}},
		{"text/plain, no id_token", "text/plain", func(v url.Values) { v.Del("id_token") }, func(t *testing.T, res *Result, err error) {
			if !errors.Is(err, ErrMissingIDToken) || res != nil {
				t.Fatalf("res %v, err %v: want ErrMissingIDToken", res, err)
			}
		}},
		{"form-encoded, DPoP", "application/x-www-form-urlencoded", func(v url.Values) { v.Set("token_type", "DPoP") }, func(t *testing.T, res *Result, err error) {
			if !errors.Is(err, ErrMalformedResponse) || res != nil {
				t.Fatalf("res %v, err %v: want ErrMalformedResponse", res, err)
			}
		}},
		{"form-encoded, 200 with error", "application/x-www-form-urlencoded", func(v url.Values) { v.Set("error", "invalid_grant") }, func(t *testing.T, res *Result, err error) {
			var oe *pingone.OAuthError
			if !errors.As(err, &oe) || oe.Code != "invalid_grant" || res != nil {
				t.Fatalf("res %v, err %v: want invalid_grant", res, err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			noLeaks(t)
			e := startSandbox(t, otherRedirect)
			rt := &reformatTokenResponse{base: newBaseTransport(), contentType: tc.ct, edit: tc.edit}
			t.Cleanup(rt.base.CloseIdleConnections)
			c := e.client(t, func(c *Config) { c.Transport = rt })
			before := e.srv.Requests(http.MethodPost, "/as/token")
			res, err := c.SignInWithPassword(waitCtx(t, 30*time.Second), e.info.User.Username, canaryPassword, RedirectlessOptions{})
			tc.check(t, res, err)
			if n := e.srv.Requests(http.MethodPost, "/as/token") - before; n != 1 {
				t.Fatalf("%d token requests", n)
			}
		})
	}
}

func TestToken_B12_ServerErrorsNotRetried(t *testing.T) {
	cases := []struct {
		status     int
		retryAfter string
		body       string
		want       time.Duration
	}{
		{500, "", `{"error":"server_error","error_description":"Unexpected error."}`, 0},
		{502, "", `{"id":"e-502","code":"UNEXPECTED_ERROR","message":"Bad gateway."}`, 0},
		{503, "120", `{"error":"temporarily_unavailable","error_description":"Try again later."}`, 2 * time.Minute},
		{504, "", `{"id":"e-504","code":"UNEXPECTED_ERROR","message":"Gateway timeout."}`, 0},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			noLeaks(t)
			// AfterEffect: the code is redeemed before the error goes out, as when PingOne
			// fails after issuing the tokens; a retry could not succeed and must not happen.
			n, err := exchangeWithFault(t, sandbox.Fault{Times: 1, Status: tc.status, RetryAfter: tc.retryAfter, Body: tc.body, AfterEffect: true})
			var te *TokenError
			if !errors.As(err, &te) || te.Op != "code exchange" {
				t.Fatalf("err = %v, want a code-exchange TokenError", err)
			}
			var oe *pingone.OAuthError
			var pe *pingone.Error
			if !(errors.As(err, &oe) && oe.Status == tc.status) && !(errors.As(err, &pe) && pe.Status == tc.status) {
				t.Fatalf("err = %v, want PingOne's %d decoded", err, tc.status)
			}
			if n != 1 {
				t.Fatalf("%d token requests; the code exchange must not be retried", n)
			}
			if te.RetryAfter != tc.want {
				t.Fatalf("RetryAfter = %s, want %s", te.RetryAfter, tc.want)
			}
		})
	}
}

// mitmTokenEndpoint sends token requests to an interceptor with its own (untrusted)
// certificate, the way a corporate TLS-inspecting proxy would, through the transport the
// client builds for itself. Everything else reaches the sandbox.
type mitmTokenEndpoint struct {
	sandbox, product *http.Transport
	mitm             *url.URL
}

func (m *mitmTokenEndpoint) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/as/token") {
		return m.sandbox.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host = m.mitm.Scheme, m.mitm.Host
	out.Host = ""
	return m.product.RoundTrip(out)
}

func TestToken_B16_UntrustedCertificateFailsClosed(t *testing.T) {
	// startMITM starts the interceptor; it counts what gets through its handshake.
	startMITM := func(t *testing.T) (*url.URL, *atomic.Int32) {
		var hits atomic.Int32
		mitm := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token":"at-canary","token_type":"Bearer","id_token":"a.b.c"}`)
		}))
		mitm.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
		mitm.StartTLS()
		t.Cleanup(mitm.Close)
		u, _ := url.Parse(mitm.URL)
		return u, &hits
	}
	assertTLSRejected := func(t *testing.T, err error, hits *atomic.Int32) {
		t.Helper()
		var ne *pingone.NetworkError
		if !errors.As(err, &ne) || ne.Class != "TLS certificate rejected" {
			t.Fatalf("err = %v, want a rejected certificate", err)
		}
		if hits.Load() != 0 {
			t.Fatal("a request was sent over the untrusted connection")
		}
		assertNoSecret(t, "error", err.Error(), "at-canary")
	}

	t.Run("token endpoint intercepted", func(t *testing.T) {
		noLeaks(t)
		e := startSandbox(t, otherRedirect)
		mitm, hits := startMITM(t)
		rt := &mitmTokenEndpoint{sandbox: newBaseTransport(), product: newBaseTransport(), mitm: mitm}
		t.Cleanup(func() { rt.sandbox.CloseIdleConnections(); rt.product.CloseIdleConnections() })
		c := e.client(t, func(c *Config) { c.Transport = rt })
		before := e.srv.Requests(http.MethodPost, "/as/token")
		res, err := c.SignInWithPassword(waitCtx(t, 30*time.Second), e.info.User.Username, canaryPassword, RedirectlessOptions{})
		if res != nil {
			t.Fatal("tokens accepted over an untrusted connection")
		}
		var te *TokenError
		if !errors.As(err, &te) || te.Op != "code exchange" {
			t.Fatalf("err = %v, want the code exchange to fail", err)
		}
		assertTLSRejected(t, err, hits)
		if n := e.srv.Requests(http.MethodPost, "/as/token") - before; n != 0 {
			t.Fatalf("%d token requests went around the interceptor; none should (no fallback, no retry)", n)
		}
	})

	t.Run("issuer intercepted, client's own transport", func(t *testing.T) {
		noLeaks(t)
		mitm, hits := startMITM(t)
		c, err := NewClient(Config{Issuer: mitm.String() + "/" + sandbox.DefaultEnvironmentID + "/as", ClientID: "4b1e5c7a-3f2d-4e8b-9a6c-0d1e2f3a4b5c"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		_, err = c.SignInWithPassword(waitCtx(t, 30*time.Second), "demo.user", canaryPassword, RedirectlessOptions{})
		assertTLSRejected(t, err, hits)
	})
}

func TestToken_B17_ConnectionLostMidExchangeNotRetried(t *testing.T) {
	for name, fault := range map[string]sandbox.Fault{
		"reset mid-response":       {Times: 1, ResetMidResponse: true},
		"dropped after redeeming":  {Times: 1, DropConnection: true, AfterEffect: true},
		"dropped before redeeming": {Times: 1, DropConnection: true},
	} {
		t.Run(name, func(t *testing.T) {
			noLeaks(t)
			n, err := exchangeWithFault(t, fault)
			var te *TokenError
			var ne *pingone.NetworkError
			if !errors.As(err, &te) || te.Op != "code exchange" || !errors.As(err, &ne) {
				t.Fatalf("err = %v (%T), want a code-exchange TokenError with a NetworkError", err, err)
			}
			if ne.Class != "connection reset" && ne.Class != "connection closed" {
				t.Fatalf("class = %q", ne.Class)
			}
			if n != 1 {
				t.Fatalf("%d token requests; a lost exchange must not be repeated", n)
			}
		})
	}
}

func TestBrowser_F5_OfflineAtStartOpensNoBrowser(t *testing.T) {
	noLeaks(t)
	redirect, port := freeRedirect(t)
	c, err := NewClient(Config{
		Issuer:      "https://auth.pingone.invalid/" + sandbox.DefaultEnvironmentID + "/as",
		ClientID:    "4b1e5c7a-3f2d-4e8b-9a6c-0d1e2f3a4b5c",
		RedirectURI: redirect,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	var opened atomic.Int32
	rec := newRecorder()
	start := time.Now()
	_, err = c.SignInBrowser(waitCtx(t, 30*time.Second), BrowserOptions{
		OpenBrowser: func(string) error { opened.Add(1); return nil },
		OnEvent:     rec.on,
	})
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("took %s; an unresolvable host must fail fast", took)
	}
	var ne *pingone.NetworkError
	if !errors.As(err, &ne) || ne.Class != "DNS lookup failed" || ne.Host != "auth.pingone.invalid" {
		t.Fatalf("err = %v, want a DNS failure naming auth.pingone.invalid", err)
	}
	if !strings.Contains(err.Error(), "cannot reach auth.pingone.invalid") {
		t.Errorf("message %q does not name the host", err)
	}
	if opened.Load() != 0 {
		t.Fatal("the browser was opened although PingOne cannot be reached")
	}
	for _, ev := range rec.all() {
		if ev.Kind == EventAuthorizeURL {
			t.Fatal("an authorize URL was offered although discovery failed")
		}
	}
	assertPortFree(t, port)
}
