package signin

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// rotatedKey is the key tests rotate the sandbox to.
func rotatedKey(*testing.T) *rsa.PrivateKey { return sandboxtest.RotatedSigningKey() }

// signedInWithWarmKeys signs in and refreshes once, so the client's shared key set has
// just been fetched: the state in which a key rotation used to go unnoticed.
func signedInWithWarmKeys(t *testing.T, e *env, c *Client, ctx context.Context) (*Result, *Refreshed) {
	t.Helper()
	res, err := c.SignInWithPassword(ctx, e.info.User.Username, canaryPassword, RedirectlessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := c.Refresh(ctx, res.Tokens.RefreshToken, res.IDToken.Token)
	if err != nil || !ref.Verified() {
		t.Fatalf("first refresh: %v, verified=%v", err, ref.Verified())
	}
	return res, ref
}

func TestRefresh_C6_RotatedSigningKeyFetchedAtOnce(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	c := e.client(t)
	ctx := waitCtx(t, 60*time.Second)
	res, ref := signedInWithWarmKeys(t, e, c, ctx)

	e.srv.RotateSigningKeyTo(rotatedKey(t))
	before := e.srv.Requests(http.MethodGet, "/as/jwks")
	next, err := c.Refresh(ctx, ref.Tokens.RefreshToken, res.IDToken.Token)
	if err != nil {
		t.Fatalf("refresh after key rotation: %v", err)
	}
	if !next.Verified() || next.IDToken == nil || !next.IDToken.OK() {
		t.Fatalf("refreshed ID token not verified after rotation: %v", next.IDTokenErr)
	}
	if kid := next.IDToken.Token.HeaderString("kid"); kid != e.srv.SigningKeyID() {
		t.Fatalf("ID token kid %q, want the rotated key %q", kid, e.srv.SigningKeyID())
	}
	if got := e.srv.Requests(http.MethodGet, "/as/jwks") - before; got != 1 {
		t.Fatalf("%d JWKS requests for the new kid, want exactly 1", got)
	}
}

func TestRefresh_UnverifiedIDTokenKeepsRotatedTokens(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	c := e.client(t)
	ctx := waitCtx(t, 60*time.Second)
	res, ref := signedInWithWarmKeys(t, e, c, ctx)

	// The key rotates and the JWKS endpoint fails once: the new ID token cannot be
	// verified, but PingOne has already replaced the refresh token.
	e.srv.RotateSigningKeyTo(rotatedKey(t))
	e.srv.Faults().Add(sandbox.Fault{Method: http.MethodGet, PathContains: "/as/jwks", Times: 1, Status: 503, Body: `{}`})
	next, err := c.Refresh(ctx, ref.Tokens.RefreshToken, res.IDToken.Token)
	if err != nil {
		t.Fatalf("refresh with an unverifiable ID token failed: %v", err)
	}
	if next.Verified() || !next.Rotated || next.Tokens.AccessToken == "" || next.Tokens.IDToken == "" {
		t.Fatalf("verified=%v rotated=%v: want the new tokens, marked not verified", next.Verified(), next.Rotated)
	}
	var rejected *IDTokenRejectedError
	if !errors.As(next.IDTokenErr, &rejected) || rejected.Report != next.IDToken {
		t.Fatalf("IDTokenErr = %v, want *IDTokenRejectedError carrying the checklist", next.IDTokenErr)
	}
	sig, _ := next.IDToken.Check(token.CheckSignature)
	if sig.Status != token.Failed || !strings.Contains(sig.Reason, "Cannot verify tokens right now") {
		t.Fatalf("signature check = %+v", sig)
	}
	assertNoSecret(t, "IDTokenErr", next.IDTokenErr.Error(), next.Tokens.AccessToken, next.Tokens.RefreshToken, next.Tokens.IDToken)

	// The rotated refresh token was kept: the next refresh works.
	again, err := c.Refresh(ctx, next.Tokens.RefreshToken, res.IDToken.Token)
	if err != nil {
		t.Fatalf("refresh after an unverified one: %v", err)
	}
	if !again.Rotated || again.Tokens.RefreshToken == next.Tokens.RefreshToken {
		t.Fatal("second refresh did not rotate")
	}
}

// foreignTokenResponse is a token response whose ID token is genuinely signed by the
// sandbox's key but changed by mutate (another user, an earlier sign-in, ...).
func foreignTokenResponse(t *testing.T, e *env, original *token.Decoded, mutate func(jwt.MapClaims)) string {
	t.Helper()
	const at = "at-foreign-CANARY"
	now := time.Now()
	claims := jwt.MapClaims{
		"iss": e.issuer, "sub": original.ClaimString("sub"), "aud": e.clientID,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "auth_time": original.Claims["auth_time"],
		"at_hash": token.HalfHash(at),
	}
	mutate(claims)
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = e.srv.SigningKeyID()
	raw, err := tok.SignedString(signingKey(t))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{
		"access_token": at, "token_type": "Bearer", "expires_in": 3600,
		"refresh_token": "rt-foreign-CANARY", "id_token": raw,
	})
	return string(body)
}

func TestRefresh_IdentityMismatchDiscardsTokens(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	c := e.client(t)
	ctx := waitCtx(t, 60*time.Second)
	res, err := c.SignInWithPassword(ctx, e.info.User.Username, canaryPassword, RedirectlessOptions{})
	if err != nil {
		t.Fatal(err)
	}
	original := res.IDToken.Token
	authTime, _ := original.Claims["auth_time"].(json.Number).Int64()
	for _, tc := range []struct {
		name   string
		mutate func(jwt.MapClaims)
		claim  string
	}{
		{"another user", func(c jwt.MapClaims) { c["sub"] = "another-user-CANARY" }, "sub"},
		{"an earlier sign-in", func(c jwt.MapClaims) { c["auth_time"] = authTime - 3600 }, "auth_time"},
		{"an extra audience", func(c jwt.MapClaims) { c["aud"] = []string{e.clientID, "another-app"} }, "aud"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The canned answer stands in for the real one, so the session's refresh
			// token is not spent and each case can use it.
			e.srv.Faults().Add(sandbox.Fault{Method: http.MethodPost, PathContains: "/as/token", Times: 1, Status: 200,
				Body: foreignTokenResponse(t, e, original, tc.mutate)})
			ref, err := c.Refresh(ctx, res.Tokens.RefreshToken, original)
			var rie *RefreshIdentityError
			if !errors.As(err, &rie) || rie.Claim != tc.claim {
				t.Fatalf("err = %v, want *RefreshIdentityError for %s", err, tc.claim)
			}
			if ref != nil {
				t.Fatal("the refreshed tokens were returned despite the mismatch")
			}
			assertNoSecret(t, "error", err.Error(), "another-user-CANARY", "at-foreign-CANARY", "rt-foreign-CANARY", res.Tokens.RefreshToken)
		})
	}
	// Without the fault the same refresh token still works and matches.
	if ref, err := c.Refresh(ctx, res.Tokens.RefreshToken, original); err != nil || !ref.Verified() {
		t.Fatalf("genuine refresh: %v", err)
	}
	if _, err := c.Refresh(ctx, "rt", nil); !errors.Is(err, ErrNoOriginalIDToken) {
		t.Fatalf("refresh without the original ID token: %v", err)
	}
}

// OIDC Core §3.1.2.1 / §3.1.3.7 rule 13: a sign-in that sent max_age checks auth_time.
// The client's clock runs 10 minutes ahead of the sandbox, so the sign-in looks 10
// minutes old.
func TestSignIn_MaxAgeChecksAuthTime(t *testing.T) {
	noLeaks(t)
	e := startSandbox(t, otherRedirect)
	ahead := func() time.Time { return time.Now().Add(10 * time.Minute) }
	c := e.client(t, func(c *Config) { c.Now = ahead })
	for _, tc := range []struct {
		name   string
		params url.Values
		want   token.Status
	}{
		{"max_age shorter than the sign-in's age", url.Values{"max_age": {"60"}}, token.Failed},
		{"max_age longer than the sign-in's age", url.Values{"max_age": {"3600"}}, token.Passed},
		{"no max_age", nil, token.NotApplicable},
		{"unusable max_age is neither sent nor checked", url.Values{"max_age": {"soon"}}, token.NotApplicable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := c.SignInWithPassword(waitCtx(t, 30*time.Second), e.info.User.Username, canaryPassword, RedirectlessOptions{AuthParams: tc.params})
			var report *token.Report
			var rejected *IDTokenRejectedError
			switch {
			case tc.want == token.Failed:
				if !errors.As(err, &rejected) {
					t.Fatalf("err = %v, want *IDTokenRejectedError", err)
				}
				report = rejected.Report
			case err != nil:
				t.Fatalf("sign-in: %v", err)
			default:
				report = res.IDToken
			}
			check, ok := report.Check(token.CheckAuthTime)
			if !ok || check.Status != tc.want {
				t.Fatalf("auth_time check = %+v, want %v", check, tc.want)
			}
		})
	}
}

func TestAuthorizeURL_MaxAgeOnlyWhenValid(t *testing.T) {
	c, err := NewClient(Config{Issuer: "https://auth.pingone.com/7d2bd0e6-0b0e-4cf8-9b37-5d0c0a6ee4f1/as", ClientID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	m := &Metadata{AuthorizationEndpoint: "https://auth.pingone.com/e/as/authorize", TokenEndpoint: "https://auth.pingone.com/e/as/token"}
	s, err := NewAttemptSecrets()
	if err != nil {
		t.Fatal(err)
	}
	for value, want := range map[string]string{"0": "0", "300": "300", "-5": "", "1e3": "", "soon": "", "99999999999": "", " 60": ""} {
		u, _ := url.Parse(c.AuthorizeURL(m, s, url.Values{"max_age": {value}}))
		if got := u.Query().Get("max_age"); got != want {
			t.Errorf("max_age=%q: sent %q, want %q", value, got, want)
		}
		d, ok := requestedMaxAge(url.Values{"max_age": {value}})
		if ok != (want != "") || (ok && d.String() == "") {
			t.Errorf("max_age=%q: requestedMaxAge = %v, %v", value, d, ok)
		}
	}
}
