package sandbox_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

// testKey is one RSA key for every test server: 2048-bit generation is slow under -race.
func testKey(*testing.T) *rsa.PrivateKey { return sandboxtest.SigningKey() }

// clock is an injectable, manually advanced clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 4, 20, 16, 33, 44, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env bundles a running sandbox for one test.
type env struct {
	t     *testing.T
	s     *sandbox.Server
	ts    *httptest.Server
	clock *clock
	info  sandbox.Info
}

const seedRedirect = "http://localhost:3000/callback"

func newEnv(t *testing.T, opts ...func(*sandbox.Options)) *env {
	t.Helper()
	c := newClock()
	o := sandbox.Options{Now: c.Now, SigningKey: testKey(t), WorkerSecret: "worker-secret-for-tests"}
	for _, f := range opts {
		f(&o)
	}
	s := sandbox.New(o)
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	s.SetBaseURL(ts.URL)
	return &env{t: t, s: s, ts: ts, clock: c, info: s.Info()}
}

func (e *env) envPath() string { return e.ts.URL + "/" + e.info.EnvironmentID }
func (e *env) asURL(p string) string {
	return e.envPath() + "/as/" + p
}
func (e *env) apiURL(p string) string {
	return e.ts.URL + "/v1/environments/" + e.info.EnvironmentID + p
}

// noRedirectClient never follows redirects and keeps cookies, as a native
// client driving the flow API should.
func noRedirectClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("status %d: body is not a JSON object: %v: %s", r.status, err, r.body)
	}
	return m
}

func do(t *testing.T, c *http.Client, req *http.Request) response {
	t.Helper()
	if c == nil {
		c = noRedirectClient(t)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func newRequest(t *testing.T, method, u string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func postForm(t *testing.T, c *http.Client, u string, form url.Values, mutate ...func(*http.Request)) response {
	t.Helper()
	req := newRequest(t, http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, m := range mutate {
		m(req)
	}
	return do(t, c, req)
}

func withBasic(id, secret string) func(*http.Request) {
	return func(r *http.Request) { r.SetBasicAuth(id, secret) }
}

// workerToken gets a Management API token with client_secret_basic.
func (e *env) workerToken() string {
	e.t.Helper()
	r := postForm(e.t, nil, e.asURL("token"), url.Values{"grant_type": {"client_credentials"}},
		withBasic(e.info.Worker.ClientID, e.info.Worker.ClientSecret))
	if r.status != http.StatusOK {
		e.t.Fatalf("worker token: %d %s", r.status, r.body)
	}
	tok, _ := r.json(e.t)["access_token"].(string)
	if tok == "" {
		e.t.Fatal("worker token: no access_token")
	}
	return tok
}

// api calls the Management API with a JSON body (nil for none).
func (e *env) api(method, path, token string, body any, contentType ...string) response {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			rd = strings.NewReader(b)
		default:
			raw, err := json.Marshal(b)
			if err != nil {
				e.t.Fatal(err)
			}
			rd = bytes.NewReader(raw)
		}
	}
	req := newRequest(e.t, method, e.apiURL(path), rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		ct := "application/json"
		if len(contentType) > 0 {
			ct = contentType[0]
		}
		req.Header.Set("Content-Type", ct)
	}
	return do(e.t, nil, req)
}

// seedApp is the SEED-APP request body (shared/seeds/003_*.txt).
func seedApp() map[string]any {
	return map[string]any{
		"enabled":                 true,
		"name":                    "Shared-Native-App",
		"description":             "Public client application with NONE authentication - for SPAs and mobile apps that cannot securely store secrets. MUST use PKCE for security.",
		"type":                    "NATIVE_APP",
		"protocol":                "OPENID_CONNECT",
		"grantTypes":              []string{"AUTHORIZATION_CODE"},
		"redirectUris":            []string{seedRedirect},
		"responseTypes":           []string{"CODE"},
		"tokenEndpointAuthMethod": "NONE",
		"pkceEnforcement":         "S256_REQUIRED",
	}
}

// createApp creates an app (seed body changed by mutate) and returns its id.
func (e *env) createApp(token string, mutate func(map[string]any)) string {
	e.t.Helper()
	body := seedApp()
	if mutate != nil {
		mutate(body)
	}
	r := e.api(http.MethodPost, "/applications", token, body)
	if r.status != http.StatusCreated {
		e.t.Fatalf("create app: %d %s", r.status, r.body)
	}
	return r.json(e.t)["id"].(string)
}

// grantScopes grants openid-resource scopes (by name) to an app.
func (e *env) grantScopes(token, appID string, names ...string) {
	e.t.Helper()
	res := e.api(http.MethodGet, "/resources?expand=scopes", token, nil).json(e.t)
	var openid map[string]any
	for _, r := range embedded(e.t, res, "resources") {
		if r["type"] == "OPENID_CONNECT" {
			openid = r
		}
	}
	if openid == nil {
		e.t.Fatal("no OPENID_CONNECT resource")
	}
	var scopes []map[string]string
	for _, sc := range embedded(e.t, openid, "scopes") {
		for _, n := range names {
			if sc["name"] == n {
				scopes = append(scopes, map[string]string{"id": sc["id"].(string)})
			}
		}
	}
	if len(scopes) != len(names) {
		e.t.Fatalf("scopes %v not all found", names)
	}
	r := e.api(http.MethodPost, "/applications/"+appID+"/grants", token,
		map[string]any{"resource": map[string]string{"id": openid["id"].(string)}, "scopes": scopes})
	if r.status != http.StatusCreated {
		e.t.Fatalf("grant: %d %s", r.status, r.body)
	}
}

func embedded(t *testing.T, m map[string]any, name string) []map[string]any {
	t.Helper()
	emb, _ := m["_embedded"].(map[string]any)
	list, _ := emb[name].([]any)
	out := make([]map[string]any, 0, len(list))
	for _, v := range list {
		out = append(out, v.(map[string]any))
	}
	return out
}

type pkce struct{ verifier, challenge string }

func newPKCE() pkce {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(v))
	return pkce{verifier: v, challenge: base64.RawURLEncoding.EncodeToString(sum[:])}
}

// authorizeParams are the seed's pi.flow authorize parameters.
func authorizeParams(clientID string, p pkce) url.Values {
	return url.Values{
		"client_id": {clientID}, "response_type": {"code"}, "scope": {"openid"},
		"redirect_uri": {seedRedirect}, "response_mode": {"pi.flow"},
		"code_challenge": {p.challenge}, "code_challenge_method": {"S256"},
		"state": {"state-123"}, "nonce": {"nonce-456"},
	}
}

// flowResult is what a redirectless sign-in produced.
type flowResult struct {
	code   string
	client *http.Client
}

// signInPiFlow runs authorize → usernamePassword.check → resume and returns the code.
func (e *env) signInPiFlow(params url.Values) flowResult {
	e.t.Helper()
	c := noRedirectClient(e.t)
	r := postForm(e.t, c, e.asURL("authorize"), params)
	if r.status != http.StatusOK {
		e.t.Fatalf("authorize: %d %s", r.status, r.body)
	}
	fl := r.json(e.t)
	check := link(e.t, fl, "usernamePassword.check")
	r = e.flowAction(c, check, "application/vnd.pingidentity.usernamePassword.check+json",
		map[string]string{"username": e.info.User.Username, "password": e.info.User.Password})
	if r.status != http.StatusOK || r.json(e.t)["status"] != "COMPLETED" {
		e.t.Fatalf("check: %d %s", r.status, r.body)
	}
	resume := r.json(e.t)["resumeUrl"].(string)
	r = do(e.t, c, newRequest(e.t, http.MethodGet, resume, nil))
	if r.status != http.StatusOK {
		e.t.Fatalf("resume: %d %s", r.status, r.body)
	}
	ar := r.json(e.t)["authorizeResponse"].(map[string]any)
	return flowResult{code: ar["code"].(string), client: c}
}

func (e *env) flowAction(c *http.Client, u, mediaType string, body any) response {
	e.t.Helper()
	raw, _ := json.Marshal(body)
	req := newRequest(e.t, http.MethodPost, u, bytes.NewReader(raw))
	req.Header.Set("Content-Type", mediaType)
	return do(e.t, c, req)
}

func link(t *testing.T, m map[string]any, name string) string {
	t.Helper()
	l, _ := m["_links"].(map[string]any)
	h, _ := l[name].(map[string]any)
	href, _ := h["href"].(string)
	if href == "" {
		t.Fatalf("no _links[%q] in %v", name, m)
	}
	return href
}

// exchange redeems a code like a NONE client: client_id in the body, no Authorization.
func (e *env) exchange(clientID, code, verifier string) response {
	e.t.Helper()
	return postForm(e.t, nil, e.asURL("token"), url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "client_id": {clientID},
		"redirect_uri": {seedRedirect}, "code_verifier": {verifier},
	})
}

// jwksKeys fetches the JWKS and builds RSA keys from n/e, keyed by kid.
func (e *env) jwksKeys() map[string]*rsa.PublicKey {
	e.t.Helper()
	r := do(e.t, nil, newRequest(e.t, http.MethodGet, e.asURL("jwks"), nil))
	var set struct {
		Keys []struct{ Kty, Kid, Use, Alg, N, E string } `json:"keys"`
	}
	if err := json.Unmarshal(r.body, &set); err != nil {
		e.t.Fatal(err)
	}
	out := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || k.Use != "sig" || k.Alg != "RS256" {
			e.t.Fatalf("unexpected JWK %+v", k)
		}
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		eb, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil {
			e.t.Fatal("bad n/e encoding")
		}
		out[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(eb).Int64())}
	}
	return out
}

// verify checks an RS256 JWT against the sandbox JWKS and returns its claims.
func (e *env) verify(raw string, opts ...jwt.ParserOption) jwt.MapClaims {
	e.t.Helper()
	keys := e.jwksKeys()
	claims := jwt.MapClaims{}
	opts = append(opts, jwt.WithValidMethods([]string{"RS256"}), jwt.WithTimeFunc(e.clock.Now),
		jwt.WithIssuer(e.envPath()+"/as"), jwt.WithExpirationRequired(), jwt.WithIssuedAt())
	tok, err := jwt.ParseWithClaims(raw, claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if k := keys[kid]; k != nil {
			return k, nil
		}
		return nil, jwt.ErrTokenUnverifiable
	}, opts...)
	if err != nil {
		e.t.Fatalf("token does not verify: %v", err)
	}
	if tok.Header["typ"] != "JWT" {
		e.t.Errorf("typ header = %v", tok.Header["typ"])
	}
	return claims
}

// detail returns details[0] of a platform error, checking the top-level code.
func detail(t *testing.T, r response, status int, code string) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d: %s", r.status, status, r.body)
	}
	m := r.json(t)
	if m["code"] != code {
		t.Fatalf("code = %v, want %s: %s", m["code"], code, r.body)
	}
	if m["id"] == "" || m["id"] == nil {
		t.Errorf("platform error without id: %s", r.body)
	}
	ds, _ := m["details"].([]any)
	if len(ds) == 0 {
		return nil
	}
	return ds[0].(map[string]any)
}

func oauthErr(t *testing.T, r response, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d: %s", r.status, status, r.body)
	}
	m := r.json(t)
	if m["error"] != code {
		t.Fatalf("error = %v, want %s: %s", m["error"], code, r.body)
	}
	if d, _ := m["error_description"].(string); d == "" {
		t.Errorf("no error_description: %s", r.body)
	}
}
