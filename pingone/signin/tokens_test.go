package signin

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// exchangeWithFault runs a redirectless sign-in whose token request meets fault, and
// returns how many token requests the sign-in made and the error.
func exchangeWithFault(t *testing.T, fault sandbox.Fault, mutate ...func(*Config)) (int, error) {
	t.Helper()
	e := startSandbox(t, otherRedirect)
	fault.Method, fault.PathContains = http.MethodPost, "/as/token"
	e.srv.Faults().Add(fault)
	before := e.srv.Requests(http.MethodPost, "/as/token")
	_, err := e.client(t, mutate...).SignInWithPassword(waitCtx(t, 30*time.Second), e.info.User.Username, canaryPassword, RedirectlessOptions{})
	if err == nil {
		t.Fatal("sign-in succeeded despite the fault")
	}
	return e.srv.Requests(http.MethodPost, "/as/token") - before, err
}

func TestToken_B1_InvalidGrantNotRetried(t *testing.T) {
	noLeaks(t)
	n, err := exchangeWithFault(t, sandbox.Fault{Times: 1, Status: 400,
		Body: `{"error":"invalid_grant","error_description":"The authorization code is invalid or expired."}`})
	var te *TokenError
	var oe *pingone.OAuthError
	if !errors.As(err, &te) || !errors.As(err, &oe) || oe.Code != "invalid_grant" || te.Op != "code exchange" {
		t.Fatalf("err = %v, want TokenError with invalid_grant", err)
	}
	if n != 1 {
		t.Fatalf("token endpoint called %d times; the code must never be retried", n)
	}
}

func TestToken_B7_MalformedResponses(t *testing.T) {
	for name, body := range map[string]string{
		"truncated":         `{"access_token":"at-canary","token_type":"Bearer","id_tok`,
		"wrong types":       `{"access_token":"at-canary","token_type":"Bearer","expires_in":"soon"}`,
		"no access_token":   `{"token_type":"Bearer","id_token":"x"}`,
		"not bearer":        `{"access_token":"at-canary","token_type":"DPoP"}`,
		"no id_token":       `{"access_token":"at-canary","token_type":"Bearer","expires_in":3600}`,
		"unknown fields ok": `{"access_token":"at-canary","token_type":"bearer","id_token":"a.b.c","x":{"y":[1,2]}}`,
	} {
		t.Run(name, func(t *testing.T) {
			noLeaks(t)
			n, err := exchangeWithFault(t, sandbox.Fault{Times: 1, Status: 200, Body: body})
			if n != 1 {
				t.Fatalf("%d token requests", n)
			}
			var te *TokenError
			var ir *IDTokenRejectedError
			ok := (errors.As(err, &te) && errors.Is(err, ErrMalformedResponse)) || errors.Is(err, ErrMissingIDToken) || errors.As(err, &ir)
			if !ok {
				t.Fatalf("err = %v (%T), want a typed malformed-response error", err, err)
			}
			assertNoSecret(t, "error", err.Error(), "at-canary", "id_tok")
		})
	}
}

func TestToken_B8_HTMLPageInsteadOfJSON(t *testing.T) {
	const page = `<html><body>Captive portal CANARY-HTML <script>x()</script></body></html>`
	for _, status := range []int{200, 403, 502} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			noLeaks(t)
			n, err := exchangeWithFault(t, sandbox.Fault{Times: 1, Status: status, Body: page, ContentType: "text/html"})
			if n != 1 {
				t.Fatalf("%d token requests", n)
			}
			var te *TokenError
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want TokenError", err)
			}
			var ue *pingone.UnexpectedResponseError
			if status != 200 && !errors.As(err, &ue) {
				t.Fatalf("err = %v, want UnexpectedResponseError inside", err)
			}
			assertNoSecret(t, "error", err.Error(), "CANARY-HTML", "<script")
		})
	}
}

// hangingTransport never answers requests whose path contains match; it returns only
// when the request's context ends (client timeout or cancel). The hang is simulated on
// the client side so that no server goroutine outlives the test.
type hangingTransport struct {
	base  *http.Transport
	match string
}

func (h *hangingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.Contains(req.URL.Path, h.match) {
		<-req.Context().Done()
		return nil, req.Context().Err()
	}
	return h.base.RoundTrip(req)
}

func hangTokenEndpoint(t *testing.T) *hangingTransport {
	h := &hangingTransport{base: newBaseTransport(), match: "/as/token"}
	t.Cleanup(h.base.CloseIdleConnections)
	return h
}

func TestToken_B11_NoAnswerIsBounded(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	hang := hangTokenEndpoint(t)
	c := e.client(t, func(c *Config) { c.HTTPTimeout = 500 * time.Millisecond; c.Transport = hang })
	start := time.Now()
	_, err := c.SignInWithPassword(waitCtx(t, 30*time.Second), e.info.User.Username, canaryPassword, RedirectlessOptions{})
	if time.Since(start) > 10*time.Second {
		t.Fatal("the hanging token endpoint was not bounded by the request timeout")
	}
	var ne *pingone.NetworkError
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("err = %v, want a timeout NetworkError", err)
	}
}

func TestToken_B11_CancelDuringExchange(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	hang := hangTokenEndpoint(t)
	c := e.client(t, func(c *Config) { c.Transport = hang })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tokenSent := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() {
		_, err := c.SignInWithPassword(ctx, e.info.User.Username, canaryPassword, RedirectlessOptions{OnEvent: func(ev Event) {
			if ev.Kind == EventRequest && ev.Step == "token" {
				tokenSent <- struct{}{}
			}
		}})
		done <- err
	}()
	select {
	case <-tokenSent:
	case <-time.After(20 * time.Second):
		t.Fatal("token request never sent")
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancel did not abort the exchange")
	}
}

func TestToken_B13_RateLimitedRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   time.Duration
	}{{"30", 30 * time.Second}, {"", 0}} {
		t.Run("Retry-After="+tc.header, func(t *testing.T) {
			noLeaks(t)
			n, err := exchangeWithFault(t, sandbox.Fault{Times: 1, Status: 429, RetryAfter: tc.header,
				Body: `{"error":"temporarily_unavailable","error_description":"Too many requests"}`})
			var te *TokenError
			if !errors.As(err, &te) || te.RetryAfter != tc.want {
				t.Fatalf("err = %v, want TokenError with RetryAfter %s", err, tc.want)
			}
			if n != 1 {
				t.Fatalf("%d token requests; no hammering", n)
			}
			if tc.want > 0 && !strings.Contains(err.Error(), "retry after 30s") {
				t.Fatalf("message %q does not say when to retry", err)
			}
		})
	}
}

func TestToken_RefreshUserinfoIntrospectRevokeSignoff(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	c := e.client(t)
	ctx := waitCtx(t, 30*time.Second)
	res, err := c.SignInWithPassword(ctx, e.info.User.Username, canaryPassword, RedirectlessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tokens.RefreshToken == "" {
		t.Fatal("no refresh token (app has REFRESH_TOKEN)")
	}

	info, err := c.UserInfo(ctx, res.Tokens.AccessToken, res.Subject)
	if err != nil || info["sub"] != res.Subject {
		t.Fatalf("userinfo: %v %v", info, err)
	}
	var sm *SubjectMismatchError
	if _, err := c.UserInfo(ctx, res.Tokens.AccessToken, "someone-else"); !errors.As(err, &sm) {
		t.Fatalf("userinfo for another subject: err = %v, want SubjectMismatchError", err)
	}

	ref, err := c.Refresh(ctx, res.Tokens.RefreshToken, res.IDToken.Token)
	if err != nil {
		t.Fatal(err)
	}
	if !ref.Rotated || ref.Tokens.RefreshToken == res.Tokens.RefreshToken || ref.Tokens.AccessToken == "" {
		t.Fatalf("refresh did not rotate: rotated=%v", ref.Rotated)
	}
	if ref.IDToken == nil || !ref.IDToken.OK() || !ref.Verified() {
		t.Fatal("refreshed ID token missing or not verified")
	}
	in, err := c.Introspect(ctx, ref.Tokens.AccessToken, "access_token")
	if err != nil || in["active"] != true {
		t.Fatalf("introspect: %v %v", in, err)
	}
	if err := c.Revoke(ctx, ref.Tokens.AccessToken, "access_token"); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	in, err = c.Introspect(ctx, ref.Tokens.AccessToken, "access_token")
	if err != nil || in["active"] != false {
		t.Fatalf("introspect after revoke: %v %v", in, err)
	}

	// The old refresh token is spent (replay protection) → typed invalid_grant.
	_, err = c.Refresh(ctx, res.Tokens.RefreshToken, res.IDToken.Token)
	var oe *pingone.OAuthError
	if !errors.As(err, &oe) || oe.Code != "invalid_grant" {
		t.Fatalf("reused refresh token: err = %v, want invalid_grant", err)
	}
	assertNoSecret(t, "refresh error", err.Error(), res.Tokens.RefreshToken)

	u, err := c.SignOffURL(ctx, res.Tokens.IDToken, otherRedirect, "st-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{e.issuer + "/signoff?", "id_token_hint=", "post_logout_redirect_uri=", "state=st-1"} {
		if !strings.Contains(u, want) {
			t.Errorf("sign-off URL %q lacks %q", u, want)
		}
	}
}
