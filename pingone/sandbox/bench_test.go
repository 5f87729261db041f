//go:build unix

package sandbox_test

import (
	"bytes"
	"crypto"
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
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

// The sandbox benchmarks drive the sandbox's http.Handler in-process: each
// client's Transport calls ServeHTTP with an httptest.ResponseRecorder, so the
// CPU they measure is the sandbox's (plus a thin client), not TCP's.

const (
	benchBase     = "http://sandbox.bench"
	benchRedirect = "http://127.0.0.1:7878/callback"
	benchScope    = "openid profile email"
)

// BenchmarkSandboxSignInCPU compares the process CPU time (user+system, from
// getrusage) of one full redirectless sign-in (authorize, flow check, resume,
// token, JWKS) with the CPU time of the two RS256 signatures it contains (the
// access token and the ID token, RFC 7515 / RFC 7518 §3.3 RSASSA-PKCS1-v1_5
// with SHA-256) made directly with crypto/rsa and the sandbox's own key.
func BenchmarkSandboxSignInCPU(b *testing.B) {
	fx := newBenchFixture(b)
	c := fx.client(b)
	tok, err := c.signIn()
	if err != nil {
		b.Fatal(err)
	}
	if err := fx.verify(tok); err != nil {
		b.Fatal(err)
	}
	inputs := [][]byte{signingInput(tok.AccessToken), signingInput(tok.IDToken)}

	b.Run("desk", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		start := cpuTime(b)
		for b.Loop() {
			if _, err := c.signIn(); err != nil {
				b.Fatal(err)
			}
			n++
		}
		b.ReportMetric(float64(cpuTime(b)-start)/float64(n), "cpu-ns/op")
	})
	b.Run("reference", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		start := cpuTime(b)
		for b.Loop() {
			for _, in := range inputs {
				sum := sha256.Sum256(in)
				sig, err := rsa.SignPKCS1v15(rand.Reader, fx.key, crypto.SHA256, sum[:])
				if err != nil || len(sig) != fx.key.Size() {
					b.Fatalf("signature: %v", err)
				}
			}
			n++
		}
		b.ReportMetric(float64(cpuTime(b)-start)/float64(n), "cpu-ns/op")
	})
}

// BenchmarkSandboxThroughput runs full sign-ins from 1, 2 and 8 concurrent
// clients (each with its own cookie jar) sharing b.N sign-ins, and reports
// sign-ins per second of wall-clock time.
func BenchmarkSandboxThroughput(b *testing.B) {
	fx := newBenchFixture(b)
	for _, n := range []int{1, 2, 8} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			clients := make([]*benchClient, n)
			for i := range clients {
				clients[i] = fx.client(b)
				if _, err := clients[i].signIn(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			var next atomic.Int64
			var firstErr error
			var errOnce sync.Once
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for _, c := range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						if _, err := c.signIn(); err != nil {
							errOnce.Do(func() { firstErr = err })
							return
						}
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			if firstErr != nil {
				b.Fatal(firstErr)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "signins/s")
		})
	}
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// signingInput is the JWS Signing Input of a compact JWS (RFC 7515 §5.1):
// everything before the last '.'.
func signingInput(jws string) []byte {
	return []byte(jws[:strings.LastIndexByte(jws, '.')])
}

type benchFixture struct {
	srv      *sandbox.Server
	h        http.Handler
	key      *rsa.PrivateKey
	clientID string
	username string
	password string
}

// newBenchFixture starts a sandbox with the shared test key and registers a
// public (NONE, S256-required) native app granted profile and email, the
// shape of a desktop app's PingOne application.
func newBenchFixture(b *testing.B) *benchFixture {
	b.Helper()
	key := sandboxtest.SigningKey()
	s := sandbox.New(sandbox.Options{SigningKey: key})
	s.SetBaseURL(benchBase)
	fx := &benchFixture{srv: s, h: s.Handler(), key: key}
	info := s.Info()
	fx.username, fx.password = info.User.Username, info.User.Password
	hc := &http.Client{Transport: handlerTransport{fx.h}}
	envPath := benchBase + "/" + info.EnvironmentID

	// Worker token (client_credentials, client_secret_basic).
	req, _ := http.NewRequest(http.MethodPost, envPath+"/as/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(info.Worker.ClientID, info.Worker.ClientSecret)
	var wt struct {
		AccessToken string `json:"access_token"`
	}
	if err := doJSON(hc, req, http.StatusOK, &wt); err != nil {
		b.Fatalf("worker token: %v", err)
	}
	api := func(method, path string, body any, want int, out any) {
		b.Helper()
		var rd io.Reader
		if body != nil {
			raw, _ := json.Marshal(body)
			rd = bytes.NewReader(raw)
		}
		req, _ := http.NewRequest(method, benchBase+"/v1/environments/"+info.EnvironmentID+path, rd)
		req.Header.Set("Authorization", "Bearer "+wt.AccessToken)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if err := doJSON(hc, req, want, out); err != nil {
			b.Fatalf("%s %s: %v", method, path, err)
		}
	}
	var app struct {
		ID string `json:"id"`
	}
	api(http.MethodPost, "/applications", map[string]any{
		"enabled": true, "name": "Bench-Native-App", "type": "NATIVE_APP", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"AUTHORIZATION_CODE"}, "responseTypes": []string{"CODE"},
		"redirectUris": []string{benchRedirect}, "tokenEndpointAuthMethod": "NONE", "pkceEnforcement": "S256_REQUIRED",
	}, http.StatusCreated, &app)
	fx.clientID = app.ID

	var resources struct {
		Embedded struct {
			Resources []struct {
				ID       string `json:"id"`
				Type     string `json:"type"`
				Embedded struct {
					Scopes []struct{ ID, Name string } `json:"scopes"`
				} `json:"_embedded"`
			} `json:"resources"`
		} `json:"_embedded"`
	}
	api(http.MethodGet, "/resources?expand=scopes", nil, http.StatusOK, &resources)
	for _, r := range resources.Embedded.Resources {
		if r.Type != "OPENID_CONNECT" {
			continue
		}
		var scopes []map[string]string
		for _, sc := range r.Embedded.Scopes {
			if sc.Name == "profile" || sc.Name == "email" {
				scopes = append(scopes, map[string]string{"id": sc.ID})
			}
		}
		if len(scopes) != 2 {
			b.Fatalf("openid resource scopes: %+v", r.Embedded.Scopes)
		}
		api(http.MethodPost, "/applications/"+app.ID+"/grants", map[string]any{
			"resource": map[string]string{"id": r.ID}, "scopes": scopes,
		}, http.StatusCreated, nil)
		return fx
	}
	b.Fatal("no OPENID_CONNECT resource")
	return nil
}

// verify checks both tokens' RS256 signatures against the published JWKS.
func (fx *benchFixture) verify(tok *benchTokens) error {
	for _, raw := range []string{tok.AccessToken, tok.IDToken} {
		kid, err := jwsKid(raw)
		if err != nil {
			return err
		}
		var pub *rsa.PublicKey
		for _, k := range tok.jwks.Keys {
			if k.Kid == kid {
				n, err1 := base64.RawURLEncoding.DecodeString(k.N)
				e, err2 := base64.RawURLEncoding.DecodeString(k.E)
				if err1 != nil || err2 != nil {
					return errors.New("bad JWK n/e")
				}
				pub = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
			}
		}
		if pub == nil {
			return fmt.Errorf("kid %q not in the JWKS", kid)
		}
		sig, err := base64.RawURLEncoding.DecodeString(raw[strings.LastIndexByte(raw, '.')+1:])
		if err != nil {
			return err
		}
		sum := sha256.Sum256(signingInput(raw))
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
			return fmt.Errorf("token does not verify: %w", err)
		}
	}
	return nil
}

// handlerTransport serves each request with the handler in-process.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	if req.Body != nil {
		_ = req.Body.Close()
	}
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// benchClient is a minimal native client of the redirectless (pi.flow) sign-in.
type benchClient struct {
	hc       *http.Client
	env      string // {base}/{envID}
	clientID string
	username string
	password string
}

func (fx *benchFixture) client(b *testing.B) *benchClient {
	jar, err := cookiejar.New(nil)
	if err != nil {
		b.Fatal(err)
	}
	return &benchClient{
		hc: &http.Client{
			Transport:     handlerTransport{fx.h},
			Jar:           jar,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		env:      benchBase + "/" + fx.srv.EnvironmentID(),
		clientID: fx.clientID,
		username: fx.username,
		password: fx.password,
	}
}

type benchLink struct {
	Href string `json:"href"`
}

type benchFlow struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	ResumeURL string `json:"resumeUrl"`
	Links     struct {
		Check benchLink `json:"usernamePassword.check"`
	} `json:"_links"`
}

type benchTokens struct {
	AccessToken string `json:"access_token"`
	IDToken     string `json:"id_token"`
	TokenType   string `json:"token_type"`
	jwks        benchJWKS
}

type benchJWKS struct {
	Keys []struct {
		Kid string `json:"kid"`
		N   string `json:"n"`
		E   string `json:"e"`
	} `json:"keys"`
}

// signIn is one full sign-in: authorize (pi.flow, PKCE S256), the
// username/password check, resume, the code exchange (client_id in the body,
// RFC 7636 code_verifier) and the JWKS fetch.
func (c *benchClient) signIn() (*benchTokens, error) {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	verifier := base64.RawURLEncoding.EncodeToString(raw)
	sum := sha256.Sum256([]byte(verifier))
	state := base64.RawURLEncoding.EncodeToString(raw[:8])
	q := url.Values{
		"client_id": {c.clientID}, "response_type": {"code"}, "scope": {benchScope},
		"redirect_uri": {benchRedirect}, "response_mode": {"pi.flow"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
		"state": {state}, "nonce": {base64.RawURLEncoding.EncodeToString(raw[8:16])},
	}
	req, _ := http.NewRequest(http.MethodGet, c.env+"/as/authorize?"+q.Encode(), nil)
	var fl benchFlow
	if err := doJSON(c.hc, req, http.StatusOK, &fl); err != nil {
		return nil, fmt.Errorf("authorize: %w", err)
	}
	check := fl.Links.Check.Href
	if fl.Status != "USERNAME_PASSWORD_REQUIRED" || check == "" {
		return nil, fmt.Errorf("authorize: flow status %q, check link %q", fl.Status, check)
	}

	body, _ := json.Marshal(map[string]string{"username": c.username, "password": c.password})
	req, _ = http.NewRequest(http.MethodPost, check, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/vnd.pingidentity.usernamePassword.check+json")
	fl = benchFlow{}
	if err := doJSON(c.hc, req, http.StatusOK, &fl); err != nil {
		return nil, fmt.Errorf("usernamePassword.check: %w", err)
	}
	if fl.Status != "COMPLETED" || fl.ResumeURL == "" {
		return nil, fmt.Errorf("usernamePassword.check: flow status %q", fl.Status)
	}

	req, _ = http.NewRequest(http.MethodGet, fl.ResumeURL, nil)
	var resumed struct {
		Status            string `json:"status"`
		AuthorizeResponse struct {
			Code  string `json:"code"`
			State string `json:"state"`
		} `json:"authorizeResponse"`
	}
	if err := doJSON(c.hc, req, http.StatusOK, &resumed); err != nil {
		return nil, fmt.Errorf("resume: %w", err)
	}
	if resumed.AuthorizeResponse.Code == "" || resumed.AuthorizeResponse.State != state {
		return nil, errors.New("resume: no code or wrong state")
	}

	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {resumed.AuthorizeResponse.Code}, "client_id": {c.clientID},
		"redirect_uri": {benchRedirect}, "code_verifier": {verifier},
	}
	req, _ = http.NewRequest(http.MethodPost, c.env+"/as/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	tok := &benchTokens{}
	if err := doJSON(c.hc, req, http.StatusOK, tok); err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	if strings.Count(tok.AccessToken, ".") != 2 || strings.Count(tok.IDToken, ".") != 2 || tok.TokenType != "Bearer" {
		return nil, errors.New("token: the response lacks an access token or an ID token")
	}

	req, _ = http.NewRequest(http.MethodGet, c.env+"/as/jwks", nil)
	if err := doJSON(c.hc, req, http.StatusOK, &tok.jwks); err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	kid, err := jwsKid(tok.IDToken)
	if err != nil {
		return nil, err
	}
	for _, k := range tok.jwks.Keys {
		if k.Kid == kid {
			return tok, nil
		}
	}
	return nil, fmt.Errorf("jwks: no key %q", kid)
}

// jwsKid reads the kid of a compact JWS's protected header (RFC 7515 §4.1.4).
func jwsKid(raw string) (string, error) {
	head, _, _ := strings.Cut(raw, ".")
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return "", err
	}
	var h struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return "", err
	}
	if h.Alg != "RS256" || h.Kid == "" {
		return "", fmt.Errorf("JWS header alg %q kid %q", h.Alg, h.Kid)
	}
	return h.Kid, nil
}

// doJSON sends req and decodes a JSON answer with status want into out (nil: ignore the body).
func doJSON(hc *http.Client, req *http.Request, want int, out any) error {
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("status %d: %.300s", resp.StatusCode, body)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(body, out)
}
