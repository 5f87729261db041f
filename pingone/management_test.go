package pingone

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testEnv   = "4b1e5c7a-3f2d-4e8b-9a6c-0d1e2f3a4b5c"
	testApp   = "7e94e040-aef8-402a-80fe-01a954a03465"
	testWID   = "9c2f6a1e-7b3d-4c5e-8f9a-1b2c3d4e5f60"
	tokenPath = "/" + testEnv + "/as/token"
)

// fakePingOne is a scripted PingOne for unit tests: api answers Management API calls.
type fakePingOne struct {
	srv         *httptest.Server
	tokenCalls  atomic.Int32
	acceptBasic bool
	expiresIn   int
	api         http.HandlerFunc
	mu          sync.Mutex
	styles      []string
}

func newFake(t *testing.T, acceptBasic bool) *fakePingOne {
	f := &fakePingOne{acceptBasic: acceptBasic, expiresIn: 3600}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == tokenPath {
			n := f.tokenCalls.Add(1)
			_ = r.ParseForm()
			style := "post"
			id, secret, basic := r.BasicAuth()
			if basic {
				style = "basic"
			} else {
				id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
			}
			f.mu.Lock()
			f.styles = append(f.styles, style)
			f.mu.Unlock()
			if (basic && !f.acceptBasic) || id != testWID || secret != canary || r.PostForm.Get("grant_type") != "client_credentials" {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(401)
				io.WriteString(w, `{"error":"invalid_client","error_description":"Unsupported authentication method"}`)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"Bearer","expires_in":%d}`, n, f.expiresIn)
			return
		}
		f.api(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakePingOne) management(t *testing.T, now func() time.Time, tr *Transcript) *Management {
	t.Helper()
	ep, err := CustomEndpoints(f.srv.URL, f.srv.URL+"/v1")
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewManagement(ManagementConfig{
		Endpoints:  ep,
		Worker:     WorkerCredentials{EnvironmentID: testEnv, ClientID: testWID, ClientSecret: canary},
		HTTPClient: NewHTTPClient(HTTPOptions{Transcript: tr}),
		Retry:      RetryPolicy{Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }},
		Now:        now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestWorkerTokenFallsBackToPostAndRemembers(t *testing.T) {
	f := newFake(t, false)
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	tr := NewTranscript()
	m := f.management(t, now, tr)
	ctx := context.Background()

	tok, err := m.Token(ctx)
	if err != nil || tok != "tok-2" {
		t.Fatalf("token %q, %v", tok, err)
	}
	if tok2, _ := m.Token(ctx); tok2 != tok || f.tokenCalls.Load() != 2 {
		t.Errorf("not cached: %q, %d calls", tok2, f.tokenCalls.Load())
	}
	// 59 minutes later the token is inside the 60 s safety margin: fetch again, POST style only.
	mu.Lock()
	clock = clock.Add(59*time.Minute + time.Second)
	mu.Unlock()
	if tok3, err := m.Token(ctx); err != nil || tok3 != "tok-3" {
		t.Fatalf("renewal: %q %v", tok3, err)
	}
	if got := strings.Join(f.styles, ","); got != "basic,post,post" {
		t.Errorf("styles = %s", got)
	}
	assertNoCanary(t, tr)
	for _, e := range tr.Entries() {
		if e.Step != "worker-token" {
			t.Errorf("step = %q", e.Step)
		}
	}
}

func TestWorkerTokenRejected(t *testing.T) {
	f := newFake(t, true)
	ep, _ := CustomEndpoints(f.srv.URL, f.srv.URL+"/v1")
	m, err := NewManagement(ManagementConfig{Endpoints: ep,
		Worker: WorkerCredentials{EnvironmentID: testEnv, ClientID: testWID, ClientSecret: "wrong-" + canary}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Token(context.Background())
	var oe *OAuthError
	if !errors.As(err, &oe) || oe.Code != "invalid_client" {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), canary) || f.tokenCalls.Load() != 2 {
		t.Errorf("err %q, calls %d", err, f.tokenCalls.Load())
	}
	if s := fmt.Sprintf("%v %+v %#v", m.worker, m.worker, m.worker); strings.Contains(s, canary) {
		t.Errorf("credentials print their secret: %s", s)
	}
}

func TestWorkerTokenOddResponses(t *testing.T) {
	cases := map[string]string{
		"error-in-200": `{"error":"invalid_client"}`,
		"no-token":     `{"token_type":"Bearer"}`,
		"not-json":     `<html>hi</html>`,
		"dpop":         `{"access_token":"x","token_type":"DPoP"}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, body)
			}))
			defer srv.Close()
			ep, _ := CustomEndpoints(srv.URL, srv.URL+"/v1")
			m, _ := NewManagement(ManagementConfig{Endpoints: ep, Worker: WorkerCredentials{EnvironmentID: testEnv, ClientID: "c", ClientSecret: "s"}})
			if tok, err := m.Token(context.Background()); err == nil {
				t.Errorf("accepted %q", tok)
			}
		})
	}
}

func TestTokenWaiterCanGiveUp(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		io.WriteString(w, `{"access_token":"late","token_type":"Bearer","expires_in":3600}`)
	}))
	defer srv.Close()
	defer close(release)
	ep, _ := CustomEndpoints(srv.URL, srv.URL+"/v1")
	m, _ := NewManagement(ManagementConfig{Endpoints: ep, Worker: WorkerCredentials{EnvironmentID: testEnv, ClientID: "c", ClientSecret: "s"}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := m.Token(ctx); done <- err }()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Token did not return after cancel")
	}
}

func TestListFollowsOnlySameHostNextLinks(t *testing.T) {
	f := newFake(t, true)
	var pages atomic.Int32
	f.api = func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok-1" {
			t.Errorf("auth header = %q", r.Header.Get("Authorization"))
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Query().Get("cursor") {
		case "":
			pages.Add(1)
			fmt.Fprintf(w, `{"_links":{"next":{"href":"%s/v1/environments/%s/applications?cursor=2"}},"_embedded":{"applications":[{"id":"a1","name":"one"}]}}`, f.srv.URL, testEnv)
		case "2":
			pages.Add(1)
			io.WriteString(w, `{"_links":{"next":{"href":"https://evil.example/v1/steal?cursor=3"}},"_embedded":{"applications":[{"id":"a2","name":"two"}]}}`)
		default:
			t.Error("followed a foreign next link")
		}
	}
	m := f.management(t, nil, nil)
	apps, err := m.ListApplications(context.Background(), testEnv)
	if err != nil || len(apps) != 2 || apps[1].Name != "two" || pages.Load() != 2 {
		t.Fatalf("apps %+v, err %v, pages %d", apps, err, pages.Load())
	}
}

func TestDeleteAfterLostReplyTreats404AsDone(t *testing.T) {
	f := newFake(t, true)
	var deletes atomic.Int32
	f.api = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if deletes.Add(1) == 1 {
			w.WriteHeader(502)
			io.WriteString(w, `{"id":"x","code":"UNEXPECTED_ERROR","message":"upstream"}`)
			return
		}
		w.WriteHeader(404)
		io.WriteString(w, `{"id":"x","code":"NOT_FOUND","message":"gone"}`)
	}
	m := f.management(t, nil, nil)
	if err := m.DeleteApplication(context.Background(), testEnv, testApp); err != nil {
		t.Fatalf("delete after retry: %v", err)
	}
	// A 404 on the first attempt is a real "not found".
	deletes.Store(1)
	err := m.DeleteApplication(context.Background(), testEnv, testApp)
	var pe *Error
	if !errors.As(err, &pe) || !pe.IsNotFound() {
		t.Errorf("plain 404: %v", err)
	}
}

func TestPostNotRetriedOn5xxButReconciled(t *testing.T) {
	seed := SeedNativeApp()
	created := time.Date(2026, 4, 20, 16, 33, 44, 10e6, time.UTC)
	mine := fmt.Sprintf(`{"id":%q,"name":"Shared-Native-App","enabled":true,"type":"NATIVE_APP","protocol":"OPENID_CONNECT",`+
		`"tokenEndpointAuthMethod":"NONE","pkceEnforcement":"S256_REQUIRED","redirectUris":[%q],"createdAt":%q}`,
		testApp, seed.RedirectURIs[0], created.Format(time.RFC3339Nano))
	cases := []struct {
		name   string
		listed string
		now    time.Time // the machine's clock when the POST starts
		want   bool      // reconciled, else NameTakenError
	}{
		{"made by the POST", mine, created.Add(-time.Second), true},
		{"machine clock a minute ahead", mine, created.Add(time.Minute), true},
		{"created long before the POST", mine, created.Add(time.Hour), false},
		{"no createdAt or settings", fmt.Sprintf(`{"id":%q,"name":"Shared-Native-App","enabled":true}`, testApp), created, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, true)
			var posts, gets atomic.Int32
			f.api = func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if r.Method == http.MethodPost {
					posts.Add(1)
					w.WriteHeader(500)
					io.WriteString(w, `{"id":"x","code":"UNEXPECTED_ERROR","message":"boom"}`)
					return
				}
				gets.Add(1)
				fmt.Fprintf(w, `{"_embedded":{"applications":[%s]}}`, tc.listed)
			}
			m := f.management(t, func() time.Time { return tc.now }, nil)
			app, err := m.CreateApplication(context.Background(), testEnv, seed)
			var nt *NameTakenError
			switch {
			case tc.want && (err != nil || !app.Reconciled || app.ID != testApp):
				t.Fatalf("app %+v err %v, want the reconciled app", app, err)
			case !tc.want && (!errors.As(err, &nt) || nt.ExistingID != testApp || app != nil):
				t.Fatalf("app %+v err %v, want NameTakenError", app, err)
			}
			if posts.Load() != 1 || gets.Load() != 1 {
				t.Errorf("posts %d gets %d", posts.Load(), gets.Load())
			}
		})
	}
}

func TestInvalidIDsNeverReachTheNetwork(t *testing.T) {
	f := newFake(t, true)
	f.api = func(w http.ResponseWriter, r *http.Request) { t.Errorf("request sent: %s", r.URL) }
	m := f.management(t, nil, nil)
	ctx := context.Background()
	if _, err := m.GetApplication(ctx, "../../x", testApp); err == nil {
		t.Error("bad env accepted")
	}
	if _, err := m.GetApplication(ctx, testEnv, "x/../../users"); err == nil {
		t.Error("bad app accepted")
	}
	if _, err := m.ListGrants(ctx, testEnv, "https://evil"); err == nil {
		t.Error("bad app accepted")
	}
	if err := m.DeleteApplication(ctx, "", testApp); err == nil {
		t.Error("empty env accepted")
	}
	if f.tokenCalls.Load() != 0 {
		t.Error("token fetched for an invalid request")
	}
	if _, err := NewManagement(ManagementConfig{Endpoints: Endpoints{AuthBase: "x", APIBase: "y"},
		Worker: WorkerCredentials{EnvironmentID: "nope", ClientID: "c", ClientSecret: "s"}}); err == nil {
		t.Error("bad worker env accepted")
	}
}

func TestApplicationRequestValidate(t *testing.T) {
	if err := SeedNativeApp().Validate(); err != nil {
		t.Fatalf("seed invalid: %v", err)
	}
	mod := func(f func(*ApplicationRequest)) ApplicationRequest { r := SeedNativeApp(); f(&r); return r }
	cases := map[string]struct {
		req    ApplicationRequest
		target string
	}{
		"no name":         {mod(func(r *ApplicationRequest) { r.Name = "  " }), "name"},
		"saml":            {mod(func(r *ApplicationRequest) { r.Protocol = "SAML" }), "protocol"},
		"bad type":        {mod(func(r *ApplicationRequest) { r.Type = "PING_ONE_PORTAL" }), "type"},
		"no auth method":  {mod(func(r *ApplicationRequest) { r.TokenEndpointAuthMethod = "" }), "tokenEndpointAuthMethod"},
		"bad grant":       {mod(func(r *ApplicationRequest) { r.GrantTypes = append(r.GrantTypes, "PASSWORD") }), "grantTypes"},
		"bad pkce":        {mod(func(r *ApplicationRequest) { r.PKCEEnforcement = "S512" }), "pkceEnforcement"},
		"http remote":     {mod(func(r *ApplicationRequest) { r.RedirectURIs = []string{"http://example.com/cb"} }), "redirectUris"},
		"fragment":        {mod(func(r *ApplicationRequest) { r.RedirectURIs = []string{"https://x.example/cb#f"} }), "redirectUris"},
		"wildcard":        {mod(func(r *ApplicationRequest) { r.RedirectURIs = []string{"https://*.example/cb"} }), "redirectUris"},
		"javascript":      {mod(func(r *ApplicationRequest) { r.RedirectURIs = []string{"javascript:alert(1)"} }), "redirectUris"},
		"relative":        {mod(func(r *ApplicationRequest) { r.RedirectURIs = []string{"/callback"} }), "redirectUris"},
		"no redirect":     {mod(func(r *ApplicationRequest) { r.RedirectURIs = nil }), "redirectUris"},
		"code needs CODE": {mod(func(r *ApplicationRequest) { r.ResponseTypes = []string{"ID_TOKEN"} }), "responseTypes"},
		"CODE needs code": {mod(func(r *ApplicationRequest) { r.GrantTypes = []string{"REFRESH_TOKEN"} }), "grantTypes"},
		"cc with none":    {mod(func(r *ApplicationRequest) { r.GrantTypes = append(r.GrantTypes, "CLIENT_CREDENTIALS") }), "grantTypes"},
		"logout data":     {mod(func(r *ApplicationRequest) { r.PostLogoutRedirectURIs = []string{"data:text/html,x"} }), "postLogoutRedirectUris"},
		"rt too short":    {mod(func(r *ApplicationRequest) { r.RefreshTokenDuration = 10 }), "refreshTokenDuration"},
		"rt > rolling":    {mod(func(r *ApplicationRequest) { r.RefreshTokenDuration = 7200; r.RefreshTokenRollingDuration = 3600 }), "refreshTokenDuration"},
		"private key jwt": {mod(func(r *ApplicationRequest) { r.TokenEndpointAuthMethod = "PRIVATE_KEY_JWT" }), "jwks"},
	}
	for name, c := range cases {
		err := c.req.Validate()
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%s: err = %v", name, err)
			continue
		}
		if pe.Status != 0 || pe.Code != "INVALID_DATA" || pe.FieldErrors()[c.target] == "" {
			t.Errorf("%s: want target %s, got %v", name, c.target, pe.FieldErrors())
		}
	}
	ok := []ApplicationRequest{
		mod(func(r *ApplicationRequest) { r.Type = "SINGLE_PAGE_APP" }),
		mod(func(r *ApplicationRequest) { r.GrantTypes = append(r.GrantTypes, "REFRESH_TOKEN") }),
		mod(func(r *ApplicationRequest) {
			r.RedirectURIs = []string{"http://127.0.0.1:3000/callback", "com.example.app:/cb", "https://app.example/cb"}
		}),
		mod(func(r *ApplicationRequest) { r.PostLogoutRedirectURIs = []string{"http://localhost:3000/logout"} }),
	}
	for i, r := range ok {
		if err := r.Validate(); err != nil {
			t.Errorf("ok[%d]: %v", i, err)
		}
	}
}

func TestApplicationRoundTrip(t *testing.T) {
	raw := []byte(`{"id":"` + testApp + `","name":"n","enabled":true,"type":"NATIVE_APP","protocol":"OPENID_CONNECT",
	  "grantTypes":["AUTHORIZATION_CODE","REFRESH_TOKEN"],"responseTypes":["CODE"],"redirectUris":["http://localhost:3000/callback"],
	  "tokenEndpointAuthMethod":"NONE","pkceEnforcement":"S256_REQUIRED","refreshTokenDuration":3600,
	  "createdAt":"2026-04-20T16:33:44.010Z","environment":{"id":"` + testEnv + `"}}`)
	var a Application
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatal(err)
	}
	if a.ClientID != testApp || a.EnvironmentID != testEnv || a.CreatedAt.IsZero() || string(a.Raw) != string(raw) {
		t.Errorf("decoded %+v", a)
	}
	r := a.Request()
	if r.RefreshTokenDuration != 3600 || len(r.GrantTypes) != 2 || r.PKCEEnforcement != "S256_REQUIRED" || r.Validate() != nil {
		t.Errorf("request %+v", r)
	}
}
