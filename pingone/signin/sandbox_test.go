package signin

import (
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

// A shared signing key: 2048-bit RSA generation is slow under -race.
func signingKey(*testing.T) *rsa.PrivateKey { return sandboxtest.SigningKey() }

const canaryPassword = "Canary-Pw-9f3e1c!x"

// env is a running sandbox with one NATIVE_APP (NONE, S256_REQUIRED) registered for
// redirectURI.
type env struct {
	srv      *sandbox.Server
	info     sandbox.Info
	issuer   string
	clientID string
	redirect string
}

func startSandbox(t *testing.T, redirectURI string) *env {
	t.Helper()
	srv, err := sandbox.Start("127.0.0.1:0", sandbox.Options{SigningKey: signingKey(t), Password: canaryPassword})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	info := srv.Info()
	e := &env{srv: srv, info: info, issuer: info.AuthBaseURL + "/" + info.EnvironmentID + "/as", redirect: redirectURI}
	e.clientID = e.createApp(t, redirectURI)
	return e
}

// createApp registers the app over the Management API with plain net/http (the
// Management client is someone else's package).
func (e *env) createApp(t testing.TB, redirectURI string) string {
	t.Helper()
	hc := rawClient()
	form := url.Values{"grant_type": {"client_credentials"}}
	req, _ := http.NewRequest(http.MethodPost, e.info.AuthBaseURL+"/"+e.info.EnvironmentID+"/as/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(e.info.Worker.ClientID, e.info.Worker.ClientSecret)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	sandboxtest.DoJSON(t, hc, req, http.StatusOK, &tok)

	body, _ := json.Marshal(map[string]any{
		"enabled": true, "name": fmt.Sprintf("signin-test-%d", time.Now().UnixNano()),
		"type": "NATIVE_APP", "protocol": "OPENID_CONNECT",
		"grantTypes": []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}, "responseTypes": []string{"CODE"},
		"redirectUris": []string{redirectURI}, "postLogoutRedirectUris": []string{redirectURI},
		"tokenEndpointAuthMethod": "NONE", "pkceEnforcement": "S256_REQUIRED",
	})
	req, _ = http.NewRequest(http.MethodPost, e.info.APIBaseURL+"/environments/"+e.info.EnvironmentID+"/applications", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	var app struct {
		ID string `json:"id"`
	}
	sandboxtest.DoJSON(t, hc, req, http.StatusCreated, &app)
	if app.ID == "" {
		t.Fatal("sandbox returned no application id")
	}
	return app.ID
}

func (e *env) client(t *testing.T, mutate ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{Issuer: e.issuer, ClientID: e.clientID, RedirectURI: e.redirect, Scopes: []string{"openid"}}
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// recorder collects events; it is safe for use from the attempt's goroutines.
type recorder struct {
	mu     sync.Mutex
	events []Event
	kinds  chan EventKind
}

func newRecorder() *recorder { return &recorder{kinds: make(chan EventKind, 256)} }

func (r *recorder) on(ev Event) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
	select {
	case r.kinds <- ev.Kind:
	default:
	}
}

func (r *recorder) all() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// waitFor blocks until an event of kind k was seen (or fails after d).
func (r *recorder) waitFor(t *testing.T, k EventKind, d time.Duration) {
	t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		select {
		case got := <-r.kinds:
			if got == k {
				return
			}
		case <-deadline.C:
			t.Fatalf("no %s event within %s", k, d)
		}
	}
}

// text renders everything a user or a log could see of the events.
func (r *recorder) text() string {
	var b strings.Builder
	for _, ev := range r.all() {
		fmt.Fprintf(&b, "%s %s %s %s\n", ev.Kind, ev.Step, ev.Message, ev.AuthorizeURL)
		if ev.Err != nil {
			b.WriteString(ev.Err.Error() + "\n")
		}
		if x := ev.Exchange; x != nil {
			fmt.Fprintf(&b, "%s %s %v %s %v %s %s\n", x.Method, x.URL, x.RequestHeader, x.RequestBody, x.ResponseHeader, x.ResponseBody, x.Curl())
		}
	}
	return b.String()
}
