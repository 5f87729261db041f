package sandbox_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox/sandboxtest"
)

// exchangeStatus redeems a code from any goroutine (no t.Fatal) and returns
// the status and the decoded body.
func (e *env) exchangeStatus(clientID, code, verifier string) (int, map[string]any, error) {
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "client_id": {clientID},
		"redirect_uri": {seedRedirect}, "code_verifier": {verifier},
	}
	resp, err := http.Post(e.asURL("token"), "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, m, nil
}

// TestConcurrentCodeRedemption: the tokens are signed outside the server
// lock, but the code is consumed under it, so of many simultaneous
// redemptions exactly one succeeds (RFC 6749 §4.1.2), and the reuse still
// revokes what that one received.
func TestConcurrentCodeRedemption(t *testing.T) {
	e := newEnv(t)
	app := e.createApp(e.workerToken(), nil)
	p := newPKCE()
	res := e.signInPiFlow(authorizeParams(app, p))

	const n = 8
	var wg sync.WaitGroup
	statuses := make([]int, n)
	bodies := make([]map[string]any, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i], bodies[i], errs[i] = e.exchangeStatus(app, res.code, p.verifier)
		}()
	}
	close(start)
	wg.Wait()
	var at string
	ok := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		switch statuses[i] {
		case http.StatusOK:
			ok++
			at, _ = bodies[i]["access_token"].(string)
		case http.StatusBadRequest:
			if bodies[i]["error"] != "invalid_grant" {
				t.Errorf("error = %v", bodies[i]["error"])
			}
		default:
			t.Errorf("status %d: %v", statuses[i], bodies[i])
		}
	}
	if ok != 1 || at == "" {
		t.Fatalf("%d of %d redemptions succeeded, want exactly 1", ok, n)
	}
	e.verify(at)
	if ui := e.userinfo(at); ui.status != http.StatusUnauthorized {
		t.Errorf("userinfo after concurrent reuse: %d, want 401 (the reuse revokes the tokens)", ui.status)
	}
}

// TestConcurrentSignInsDuringRotation: sign-ins running while the key rotates
// get tokens that verify against the JWKS (old keys stay published), and the
// cached JWKS document follows each rotation.
func TestConcurrentSignInsDuringRotation(t *testing.T) {
	e := newEnv(t)
	w := e.workerToken()
	app := e.createApp(w, nil)
	e.grantScopes(w, app, "profile", "email")
	if keys := e.jwksKeys(); len(keys) != 1 { // fills the JWKS cache
		t.Fatalf("jwks: %d keys", len(keys))
	}

	type signedIn struct{ code, verifier string }
	const n = 4
	codes := make(chan signedIn, n)
	for range n {
		p := newPKCE()
		params := authorizeParams(app, p)
		params.Set("scope", "openid profile email")
		codes <- signedIn{e.signInPiFlow(params).code, p.verifier}
	}
	close(codes)

	var wg sync.WaitGroup
	var mu sync.Mutex
	var tokens []string
	var failures []string
	for c := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, body, err := e.exchangeStatus(app, c.code, c.verifier)
			mu.Lock()
			defer mu.Unlock()
			if err != nil || status != http.StatusOK {
				failures = append(failures, http.StatusText(status))
				return
			}
			tokens = append(tokens, body["access_token"].(string), body["id_token"].(string))
		}()
	}
	e.s.RotateSigningKeyTo(sandboxtest.RotatedSigningKey())
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("exchanges failed: %v", failures)
	}
	keys := e.jwksKeys()
	if len(keys) != 2 || keys[e.s.SigningKeyID()] == nil {
		t.Fatalf("jwks after rotation: %d keys, current kid published: %v", len(keys), keys[e.s.SigningKeyID()] != nil)
	}
	for _, tok := range tokens {
		e.verify(tok)
	}
	after := e.workerToken()
	e.verify(after)
}
