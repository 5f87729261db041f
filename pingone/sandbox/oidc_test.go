package sandbox_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

func (e *env) userinfo(token string) response {
	e.t.Helper()
	req := newRequest(e.t, http.MethodGet, e.asURL("userinfo"), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return do(e.t, nil, req)
}

func (e *env) refresh(clientID, rt string) response {
	e.t.Helper()
	return postForm(e.t, nil, e.asURL("token"), url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {clientID}})
}

// signInTokens creates nothing; it signs in to app and returns the token response.
func (e *env) signInTokens(app, scope string) map[string]any {
	e.t.Helper()
	p := newPKCE()
	params := authorizeParams(app, p)
	params.Set("scope", scope)
	res := e.signInPiFlow(params)
	r := e.exchange(app, res.code, p.verifier)
	if r.status != http.StatusOK {
		e.t.Fatalf("exchange: %d %s", r.status, r.body)
	}
	return r.json(e.t)
}

func TestDiscoveryAndJWKS(t *testing.T) {
	e := newEnv(t)
	d := do(t, nil, newRequest(t, http.MethodGet, e.asURL(".well-known/openid-configuration"), nil)).json(t)
	iss := e.envPath() + "/as"
	want := map[string]string{
		"issuer": iss, "authorization_endpoint": iss + "/authorize", "token_endpoint": iss + "/token",
		"userinfo_endpoint": iss + "/userinfo", "jwks_uri": iss + "/jwks", "end_session_endpoint": iss + "/signoff",
		"revocation_endpoint": iss + "/revoke", "introspection_endpoint": iss + "/introspect",
	}
	for k, v := range want {
		if d[k] != v {
			t.Errorf("%s = %v, want %s", k, d[k], v)
		}
	}
	hasAll := func(key string, values ...string) {
		list, _ := d[key].([]any)
		for _, v := range values {
			found := false
			for _, x := range list {
				found = found || x == v
			}
			if !found {
				t.Errorf("%s lacks %s: %v", key, v, list)
			}
		}
	}
	hasAll("code_challenge_methods_supported", "S256", "plain")
	hasAll("id_token_signing_alg_values_supported", "RS256")
	hasAll("response_modes_supported", "pi.flow", "query")
	hasAll("scopes_supported", "openid", "profile", "email", "offline_access")
	hasAll("grant_types_supported", "authorization_code", "refresh_token", "client_credentials")
	hasAll("token_endpoint_auth_methods_supported", "none", "client_secret_basic", "client_secret_post")
	if info := e.s.Info(); info.AuthBaseURL != e.ts.URL || info.APIBaseURL != e.ts.URL+"/v1" {
		t.Errorf("info = %+v", info)
	}
	keys := e.jwksKeys()
	if len(keys) != 1 || keys[e.s.SigningKeyID()] == nil || keys[e.s.SigningKeyID()].N.BitLen() != 2048 {
		t.Errorf("jwks = %v", keys)
	}
}

func TestRotateSigningKeyKeepsOldKey(t *testing.T) {
	e := newEnv(t)
	before := e.workerToken()
	oldKid := e.s.SigningKeyID()
	e.s.RotateSigningKey()
	if e.s.SigningKeyID() == oldKid {
		t.Fatal("kid did not change")
	}
	keys := e.jwksKeys()
	if len(keys) != 2 || keys[oldKid] == nil {
		t.Fatalf("jwks after rotation: %d keys", len(keys))
	}
	after := e.workerToken()
	if h, _, _ := jwt.NewParser().ParseUnverified(after, jwt.MapClaims{}); h.Header["kid"] != e.s.SigningKeyID() {
		t.Errorf("new token kid = %v", h.Header["kid"])
	}
	e.verify(before)
	e.verify(after)
	if r := e.api(http.MethodGet, "/applications", before, nil); r.status != http.StatusOK {
		t.Errorf("old-key token rejected: %d", r.status)
	}
}

func TestRotateSigningKeyDropsOldKey(t *testing.T) {
	e := newEnv(t, func(o *sandbox.Options) { o.DropRotatedKeys = true })
	before := e.workerToken()
	oldKid := e.s.SigningKeyID()
	e.s.RotateSigningKey()
	keys := e.jwksKeys()
	if len(keys) != 1 || keys[oldKid] != nil {
		t.Fatalf("old key still published")
	}
	detail(t, e.api(http.MethodGet, "/applications", before, nil), http.StatusUnauthorized, "ACCESS_FAILED")
}

func refreshApp(m map[string]any) {
	m["name"] = "Refreshing"
	m["grantTypes"] = []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN"}
}

func TestRefreshRotation(t *testing.T) {
	e := newEnv(t)
	app := e.createApp(e.workerToken(), refreshApp)
	tm := e.signInTokens(app, "openid")
	rt1, _ := tm["refresh_token"].(string)
	if rt1 == "" {
		t.Fatal("no refresh token although the app has REFRESH_TOKEN")
	}
	r := e.refresh(app, rt1)
	if r.status != http.StatusOK {
		t.Fatalf("refresh: %d %s", r.status, r.body)
	}
	m := r.json(t)
	rt2, _ := m["refresh_token"].(string)
	if rt2 == "" || rt2 == rt1 {
		t.Fatalf("refresh did not rotate: %q", rt2)
	}
	idc := e.verify(m["id_token"].(string), jwt.WithAudience(app))
	if idc["sub"] != e.s.UserID(e.info.User.Username) {
		t.Errorf("refreshed id_token sub = %v", idc["sub"])
	}
	newAT := m["access_token"].(string)
	// Replaying the old token fails and, with replay protection, kills the family.
	oauthErr(t, e.refresh(app, rt1), http.StatusBadRequest, "invalid_grant")
	oauthErr(t, e.refresh(app, rt2), http.StatusBadRequest, "invalid_grant")
	if ui := e.userinfo(newAT); ui.status != http.StatusUnauthorized {
		t.Errorf("access token of a replayed family still works: %d", ui.status)
	}
}

func TestRefreshScopeAndClientChecks(t *testing.T) {
	e := newEnv(t)
	w := e.workerToken()
	app := e.createApp(w, refreshApp)
	other := e.createApp(w, func(m map[string]any) { refreshApp(m); m["name"] = "Other" })
	rt := e.signInTokens(app, "openid")["refresh_token"].(string)
	oauthErr(t, e.refresh(other, rt), http.StatusBadRequest, "invalid_grant")
	r := postForm(t, nil, e.asURL("token"), url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt},
		"client_id": {app}, "scope": {"openid email"}})
	oauthErr(t, r, http.StatusBadRequest, "invalid_scope")
	if r := e.refresh(app, rt); r.status != http.StatusOK {
		t.Errorf("refresh after refused attempts: %d %s", r.status, r.body)
	}
}

func TestRefreshOfflineAccessRule(t *testing.T) {
	e := newEnv(t)
	w := e.workerToken()
	app := e.createApp(w, refreshApp)
	e.grantScopes(w, app, "offline_access")
	if tm := e.signInTokens(app, "openid"); tm["refresh_token"] != nil {
		t.Error("refresh token issued without offline_access although the grant contains it")
	}
	if tm := e.signInTokens(app, "openid offline_access"); tm["refresh_token"] == nil {
		t.Error("no refresh token with offline_access")
	}
}

func TestUserinfo(t *testing.T) {
	e := newEnv(t)
	w := e.workerToken()
	app := e.createApp(w, nil)
	e.grantScopes(w, app, "profile", "email")
	sub := e.s.UserID(e.info.User.Username)

	only := e.userinfo(e.signInTokens(app, "openid")["access_token"].(string))
	if m := only.json(t); only.status != http.StatusOK || m["sub"] != sub || m["email"] != nil || m["name"] != nil {
		t.Errorf("openid-only userinfo: %d %s", only.status, only.body)
	}
	full := e.userinfo(e.signInTokens(app, "openid profile email")["access_token"].(string))
	m := full.json(t)
	if m["sub"] != sub || m["email"] != "demo.user@example.com" || m["preferred_username"] != e.info.User.Username || m["given_name"] != "Demo" {
		t.Errorf("full userinfo: %s", full.body)
	}
	if d := detail(t, e.userinfo(w), http.StatusForbidden, "ACCESS_FAILED"); d != nil {
		t.Logf("%v", d)
	}
	bad := e.userinfo("garbage")
	detail(t, bad, http.StatusUnauthorized, "ACCESS_FAILED")
	if !strings.Contains(bad.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
		t.Errorf("WWW-Authenticate = %q", bad.header.Get("WWW-Authenticate"))
	}
}

func TestRevokeAndIntrospect(t *testing.T) {
	e := newEnv(t)
	app := e.createApp(e.workerToken(), refreshApp)
	tm := e.signInTokens(app, "openid")
	at, rt := tm["access_token"].(string), tm["refresh_token"].(string)
	intro := func(tok string) map[string]any {
		return postForm(t, nil, e.asURL("introspect"), url.Values{"token": {tok}, "client_id": {app}}).json(t)
	}
	m := intro(at)
	if m["active"] != true || m["client_id"] != app || m["sub"] != e.s.UserID(e.info.User.Username) || m["token_type"] != "Bearer" || m["scope"] != "openid" {
		t.Errorf("introspect access: %v", m)
	}
	if m := intro(rt); m["active"] != true || m["token_type"] != "refresh_token" {
		t.Errorf("introspect refresh: %v", m)
	}
	if m := intro("garbage"); m["active"] != false || len(m) != 1 {
		t.Errorf("introspect garbage: %v", m)
	}
	r := postForm(t, nil, e.asURL("revoke"), url.Values{"token": {at}, "client_id": {app}})
	if r.status != http.StatusOK || len(r.body) != 0 {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if m := intro(at); m["active"] != false {
		t.Errorf("revoked token still active")
	}
	if ui := e.userinfo(at); ui.status != http.StatusUnauthorized {
		t.Errorf("userinfo with revoked token: %d", ui.status)
	}
	postForm(t, nil, e.asURL("revoke"), url.Values{"token": {rt}, "client_id": {app}})
	oauthErr(t, e.refresh(app, rt), http.StatusBadRequest, "invalid_grant")
	// Unknown tokens: still 200 (RFC 7009 §2.2).
	if r := postForm(t, nil, e.asURL("revoke"), url.Values{"token": {"nope"}, "client_id": {app}}); r.status != http.StatusOK {
		t.Errorf("revoke unknown: %d", r.status)
	}
}

func TestSignoff(t *testing.T) {
	e := newEnv(t)
	app := e.createApp(e.workerToken(), func(m map[string]any) {
		m["postLogoutRedirectUris"] = []string{"http://localhost:3000/signed-out"}
	})
	idt := e.signInTokens(app, "openid")["id_token"].(string)
	q := url.Values{"id_token_hint": {idt}, "post_logout_redirect_uri": {"http://localhost:3000/signed-out"}, "state": {"bye"}}
	r := do(t, nil, newRequest(t, http.MethodGet, e.asURL("signoff")+"?"+q.Encode(), nil))
	if r.status != http.StatusFound || r.header.Get("Location") != "http://localhost:3000/signed-out?state=bye" {
		t.Errorf("signoff: %d %q", r.status, r.header.Get("Location"))
	}
	q.Set("post_logout_redirect_uri", "https://evil.example/")
	r = do(t, nil, newRequest(t, http.MethodGet, e.asURL("signoff")+"?"+q.Encode(), nil))
	if r.status != http.StatusBadRequest || r.header.Get("Location") != "" {
		t.Errorf("unregistered post-logout URI: %d %q", r.status, r.header.Get("Location"))
	}
	r = do(t, nil, newRequest(t, http.MethodGet, e.asURL("signoff"), nil))
	if r.status != http.StatusOK || !strings.Contains(string(r.body), "signed out") {
		t.Errorf("plain signoff: %d %s", r.status, r.body)
	}
}

func TestUnknownEnvironmentOnAuthHost(t *testing.T) {
	e := newEnv(t)
	r := do(t, nil, newRequest(t, http.MethodGet, e.ts.URL+"/00000000-0000-4000-8000-000000000000/as/jwks", nil))
	detail(t, r, http.StatusNotFound, "NOT_FOUND")
}
