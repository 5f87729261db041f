package token

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	testIssuer   = "https://auth.pingone.com/7d2bd0e6-0b0e-4cf8-9b37-5d0c0a6ee4f1/as"
	testClientID = "c4d5e6f7-1111-4222-8333-944455566677"
	testNonce    = "n-NONCECANARY-0S6_WzA2Mj"
	testAccess   = "eyJ.ACCESSCANARY.sig"
	testCode     = "CODECANARY-Qcb0Orv1zh30vL1MPRsbm"
	testSub      = "831441df-2b7d-4a9f-bf9e-6e9c8b0a5c11"
)

// t0 is the fixed "now" of the tests.
var t0 = time.Date(2026, 11, 22, 14, 0, 0, 0, time.UTC)

// Keys are expensive to generate under -race, so each is made once.
var (
	keyOnce sync.Map // name → *sync.Once
	keys    sync.Map // name → *rsa.PrivateKey
)

func rsaKey(t testing.TB, name string, bits int) *rsa.PrivateKey {
	t.Helper()
	once, _ := keyOnce.LoadOrStore(name, new(sync.Once))
	once.(*sync.Once).Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			panic(err)
		}
		keys.Store(name, k)
	})
	k, _ := keys.Load(name)
	return k.(*rsa.PrivateKey)
}

func mainKey(t testing.TB) *rsa.PrivateKey     { return rsaKey(t, "main", 2048) }
func rotatedKey(t testing.TB) *rsa.PrivateKey  { return rsaKey(t, "rotated", 2048) }
func attackerKey(t testing.TB) *rsa.PrivateKey { return rsaKey(t, "attacker", 2048) }

// fakeClock is an injectable clock safe for concurrent use.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *fakeClock { return &fakeClock{now: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func rsaJWK(kid string, pub *rsa.PublicKey) map[string]any {
	return map[string]any{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
		"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes()),
	}
}

// jwksServer serves a JWKS that tests can change, and counts requests.
type jwksServer struct {
	*httptest.Server
	hits atomic.Int64

	mu     sync.Mutex
	status int
	body   []byte
}

func newJWKSServer(t testing.TB, entries ...any) *jwksServer {
	t.Helper()
	s := &jwksServer{status: http.StatusOK}
	s.setKeys(entries...)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		s.mu.Lock()
		status, body := s.status, s.body
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) setKeys(entries ...any) {
	if entries == nil {
		entries = []any{}
	}
	b, err := json.Marshal(map[string]any{"keys": entries})
	if err != nil {
		panic(err)
	}
	s.setRaw(http.StatusOK, b)
}

func (s *jwksServer) setRaw(status int, body []byte) {
	s.mu.Lock()
	s.status, s.body = status, body
	s.mu.Unlock()
}

// countingServer records hits on any path; used as the "attacker" host.
func countingServer(t testing.TB, body string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// signWith builds a compact JWS with full control of header and claims,
// signed by method (golang-jwt's implementation) with key. It marshals the
// maps itself so tests can put anything in them.
func signWith(t testing.TB, method jwt.SigningMethod, key any, header, claims map[string]any) string {
	t.Helper()
	hb, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	return signRaw(t, method, key, string(hb), string(cb))
}

func signRaw(t testing.TB, method jwt.SigningMethod, key any, headerJSON, claimsJSON string) string {
	t.Helper()
	input := b64([]byte(headerJSON)) + "." + b64([]byte(claimsJSON))
	sig, err := method.Sign(input, key)
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64(sig)
}

func unix(t time.Time) int64 { return t.Unix() }

// idClaims is a valid PingOne-shaped ID token payload at time now.
func idClaims(now time.Time) map[string]any {
	return map[string]any{
		"iss":       testIssuer,
		"sub":       testSub,
		"aud":       testClientID,
		"iat":       unix(now.Add(-10 * time.Second)),
		"exp":       unix(now.Add(time.Hour)),
		"auth_time": unix(now.Add(-20 * time.Second)),
		"nonce":     testNonce,
		"at_hash":   HalfHash(testAccess),
		"acr":       "Single_Factor",
		"amr":       []string{"pwd"},
		"sid":       "5655baab-0f4c-4b0c-9d5e-1a2b3c4d5e6f",
	}
}

func rs256Header(kid string) map[string]any {
	return map[string]any{"alg": "RS256", "kid": kid}
}

func expect() Expect {
	return Expect{Issuer: testIssuer, ClientID: testClientID, Nonce: testNonce, AccessToken: testAccess}
}

// fixture is a JWKS server publishing the main key as "k1", a KeySet and a
// Verifier sharing one fake clock.
type fixture struct {
	clock *fakeClock
	jwks  *jwksServer
	keys  *KeySet
	v     *Verifier
}

func newFixture(t testing.TB, entries ...any) *fixture {
	t.Helper()
	if entries == nil {
		entries = []any{rsaJWK("k1", &mainKey(t).PublicKey)}
	}
	f := &fixture{clock: newClock(t0)}
	f.jwks = newJWKSServer(t, entries...)
	ks, err := NewKeySet(f.jwks.URL+"/as/jwks", KeySetOptions{HTTPClient: f.jwks.Client(), Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	f.keys = ks
	f.v = NewVerifier(VerifierOptions{Keys: ks, Now: f.clock.Now})
	return f
}

// idToken signs claims with the main key under kid k1.
func (f *fixture) idToken(t testing.TB, mutate func(h, c map[string]any)) string {
	t.Helper()
	h, c := rs256Header("k1"), idClaims(f.clock.Now())
	if mutate != nil {
		mutate(h, c)
	}
	return signWith(t, jwt.SigningMethodRS256, mainKey(t), h, c)
}

func (f *fixture) verify(t testing.TB, raw string, exp Expect) (*Report, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rep, err := f.v.VerifyIDToken(ctx, raw, exp)
	assertConsistent(t, rep, err)
	return rep, err
}

// assertConsistent pins the contract: a report always comes back, and err is
// set exactly when the report is not OK.
func assertConsistent(t testing.TB, rep *Report, err error) {
	t.Helper()
	if rep == nil {
		t.Fatal("nil report")
	}
	if (err == nil) != rep.OK() {
		t.Fatalf("err=%v but report OK=%v (failed: %+v)", err, rep.OK(), rep.Failed())
	}
	seen := map[string]bool{}
	for _, c := range rep.Checks {
		if seen[c.ID] {
			t.Fatalf("check %q reported twice", c.ID)
		}
		seen[c.ID] = true
		if c.Title == "" || c.Reason == "" {
			t.Fatalf("check %q has no title or reason", c.ID)
		}
	}
}

func assertCheck(t testing.TB, rep *Report, id string, want Status, reasonContains string) {
	t.Helper()
	c, ok := rep.Check(id)
	if !ok {
		t.Fatalf("no %q check in report", id)
	}
	if c.Status != want {
		t.Fatalf("check %q: status %v, want %v (reason: %s)", id, c.Status, want, c.Reason)
	}
	if reasonContains != "" && !strings.Contains(c.Reason, reasonContains) {
		t.Fatalf("check %q: reason %q does not contain %q", id, c.Reason, reasonContains)
	}
}

func assertRejected(t testing.TB, rep *Report, err error, id string) {
	t.Helper()
	if err == nil || rep.OK() {
		t.Fatalf("token accepted; want rejection on %q", id)
	}
	assertCheck(t, rep, id, Failed, "")
}
