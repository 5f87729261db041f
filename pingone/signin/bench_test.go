package signin

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

// benchSandbox serves a fresh sandbox with httptest on loopback and registers a native
// app (NONE, S256) for it. Each sub-benchmark run gets its own, so neither side pays
// for state the other one left in the sandbox.
func benchSandbox(b *testing.B) *env {
	b.Helper()
	srv := sandbox.New(sandbox.Options{SigningKey: sandboxtest.SigningKey(), Password: canaryPassword})
	ts := httptest.NewServer(srv.Handler())
	b.Cleanup(ts.Close)
	srv.SetBaseURL(ts.URL)
	info := srv.Info()
	e := &env{srv: srv, info: info, issuer: info.AuthBaseURL + "/" + info.EnvironmentID + "/as", redirect: otherRedirect}
	e.clientID = e.createApp(b, otherRedirect)
	return e
}

// BenchmarkRedirectlessSignIn measures one complete pi.flow sign-in against the
// in-process sandbox: discovery, authorize (response_mode=pi.flow), the
// usernamePassword.check flow POST, resume, the token request and a verified ID token.
//
// desk is signin.Client configured as the app configures it (default transport, a
// desk-wide Transcript, an OnEvent consumer), one Client for all sign-ins: it reuses its
// connections and its key set, so after the first sign-in it makes no JWKS request
// (the key set's refetch rules still apply to a kid it has not seen).
// reference is what a careful minimal client written with net/http, a cookie jar and
// golang-jwt must do for the same sign-in: the same requests, plus a JWKS fetch on
// every sign-in, and an ID token checked with jwt.ParseWithClaims (RS256 only, RFC 8725
// §3.1; iss, aud, exp and nonce per OIDC Core §3.1.3.7).
func BenchmarkRedirectlessSignIn(b *testing.B) {
	b.Run("desk", func(b *testing.B) {
		e := benchSandbox(b)
		transcript := pingone.NewTranscript() // the desk-wide one (app.Desk keeps one)
		c, err := NewClient(Config{
			Issuer:      e.issuer,
			ClientID:    e.clientID,
			RedirectURI: e.redirect,
			Scopes:      []string{"openid"},
			Transcript:  transcript,
		})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		var events atomic.Int64 // the app's timeline consumes every event
		opts := RedirectlessOptions{OnEvent: func(Event) { events.Add(1) }}
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			res, err := c.SignInWithPassword(ctx, e.info.User.Username, canaryPassword, opts)
			if err != nil {
				b.Fatal(err)
			}
			if res.IDToken == nil || !res.IDToken.OK() || res.Subject == "" || res.Tokens.AccessToken == "" {
				b.Fatalf("sign-in did not end in verified tokens: %v", res)
			}
		}
		if events.Load() == 0 || len(transcript.Entries()) == 0 {
			b.Fatal("the sign-ins were not recorded")
		}
	})

	b.Run("reference", func(b *testing.B) {
		e := benchSandbox(b)
		// One transport for the whole run, as any long-lived client keeps.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		defer tr.CloseIdleConnections()
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if err := referenceSignIn(ctx, tr, e.issuer, e.clientID, e.redirect, e.info.User.Username, canaryPassword); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// referenceSignIn is the minimal pi.flow client: every request PingOne needs for a
// redirectless sign-in, and the ID-token checks a client must make.
func referenceSignIn(ctx context.Context, tr http.RoundTripper, issuer, clientID, redirectURI, username, password string) error {
	jar, err := cookiejar.New(nil) // the flow's ST session cookie
	if err != nil {
		return err
	}
	hc := &http.Client{
		Transport:     tr,
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	getJSON := func(req *http.Request, out any) error {
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("%s %s: HTTP %d", req.Method, req.URL.Path, resp.StatusCode)
		}
		return json.Unmarshal(body, out)
	}
	post := func(href, contentType string, body []byte, out any) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, href, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", contentType)
		return getJSON(req, out)
	}
	get := func(href string, out any) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, href, nil)
		if err != nil {
			return err
		}
		return getJSON(req, out)
	}

	// OpenID Connect Discovery 1.0 §4.
	var meta struct {
		Issuer                string `json:"issuer"`
		AuthorizationEndpoint string `json:"authorization_endpoint"`
		TokenEndpoint         string `json:"token_endpoint"`
		JWKSURI               string `json:"jwks_uri"`
	}
	if err := get(strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", &meta); err != nil {
		return err
	}
	if meta.Issuer != issuer {
		return errors.New("discovery names another issuer")
	}

	// RFC 7636 §4.1–4.2: verifier and S256 challenge; state and nonce as in OIDC Core.
	random := func() string {
		var b [32]byte
		_, _ = rand.Read(b[:])
		return base64.RawURLEncoding.EncodeToString(b[:])
	}
	verifier, state, nonce := random(), random(), random()
	sum := sha256.Sum256([]byte(verifier))
	form := url.Values{
		"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {redirectURI},
		"scope": {"openid"}, "state": {state}, "nonce": {nonce},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
		"response_mode": {"pi.flow"},
	}
	type flow struct {
		Status    string `json:"status"`
		ResumeURL string `json:"resumeUrl"`
		Links     map[string]struct {
			Href string `json:"href"`
		} `json:"_links"`
		Authorize *struct {
			Code  string `json:"code"`
			State string `json:"state"`
		} `json:"authorizeResponse"`
	}
	var f flow
	if err := post(meta.AuthorizationEndpoint, "application/x-www-form-urlencoded", []byte(form.Encode()), &f); err != nil {
		return err
	}
	check := f.Links["usernamePassword.check"].Href
	if f.Status != StatusUsernamePasswordRequired || check == "" {
		return fmt.Errorf("flow status %q", f.Status)
	}
	creds, _ := json.Marshal(map[string]string{"username": username, "password": password})
	if err := post(check, mediaUsernamePassword, creds, &f); err != nil {
		return err
	}
	if f.Status != StatusCompleted || f.ResumeURL == "" {
		return fmt.Errorf("flow status %q after the password", f.Status)
	}
	if err := get(f.ResumeURL, &f); err != nil {
		return err
	}
	if f.Authorize == nil || f.Authorize.Code == "" || f.Authorize.State != state {
		return errors.New("resume gave no code for this state")
	}

	// RFC 6749 §4.1.3 with the PKCE verifier.
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		IDToken     string `json:"id_token"`
	}
	tform := url.Values{
		"grant_type": {"authorization_code"}, "code": {f.Authorize.Code}, "redirect_uri": {redirectURI},
		"client_id": {clientID}, "code_verifier": {verifier},
	}
	if err := post(meta.TokenEndpoint, "application/x-www-form-urlencoded", []byte(tform.Encode()), &tok); err != nil {
		return err
	}
	if tok.AccessToken == "" || tok.IDToken == "" || !strings.EqualFold(tok.TokenType, "Bearer") {
		return errors.New("token response without tokens")
	}

	// RFC 7517 key set; RFC 7518 §6.3.1 RSA members.
	var jwks struct {
		Keys []struct {
			Kty, Kid, N, E string
		} `json:"keys"`
	}
	if err := get(meta.JWKSURI, &jwks); err != nil {
		return err
	}
	keyFunc := func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		for _, k := range jwks.Keys {
			if k.Kty != "RSA" || k.Kid != kid {
				continue
			}
			n, err1 := base64.RawURLEncoding.DecodeString(k.N)
			e, err2 := base64.RawURLEncoding.DecodeString(k.E)
			if err1 != nil || err2 != nil {
				return nil, errors.New("bad RSA key")
			}
			return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, nil
		}
		return nil, errors.New("unknown kid")
	}
	var claims struct {
		jwt.RegisteredClaims
		Nonce string `json:"nonce"`
	}
	parsed, err := jwt.ParseWithClaims(tok.IDToken, &claims, keyFunc,
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(issuer), jwt.WithAudience(clientID),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt())
	if err != nil || !parsed.Valid {
		return fmt.Errorf("ID token rejected: %v", err)
	}
	if claims.Nonce != nonce || claims.Subject == "" {
		return errors.New("ID token nonce or sub wrong")
	}
	return nil
}
