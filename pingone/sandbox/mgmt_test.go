package sandbox_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestWorkerTokenBasicAndPost(t *testing.T) {
	e := newEnv(t)
	cases := map[string]response{
		"basic": postForm(t, nil, e.asURL("token"), url.Values{"grant_type": {"client_credentials"}},
			withBasic(e.info.Worker.ClientID, e.info.Worker.ClientSecret)),
		"post": postForm(t, nil, e.asURL("token"), url.Values{"grant_type": {"client_credentials"},
			"client_id": {e.info.Worker.ClientID}, "client_secret": {e.info.Worker.ClientSecret}}),
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			if cc := r.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q", cc)
			}
			m := r.json(t)
			if m["token_type"] != "Bearer" || m["expires_in"] != float64(3600) {
				t.Errorf("token response = %v", m)
			}
			claims := e.verify(m["access_token"].(string))
			if claims["client_id"] != e.info.Worker.ClientID || claims["env"] != e.info.EnvironmentID || claims["org"] == nil {
				t.Errorf("claims = %v", claims)
			}
			if _, has := claims["sub"]; has {
				t.Error("worker token must not have sub")
			}
			// The token works on the Management API.
			if got := e.api(http.MethodGet, "/applications", m["access_token"].(string), nil); got.status != http.StatusOK {
				t.Errorf("applications with worker token: %d %s", got.status, got.body)
			}
		})
	}
}

func TestWorkerTokenWrongSecret(t *testing.T) {
	e := newEnv(t)
	basic := postForm(t, nil, e.asURL("token"), url.Values{"grant_type": {"client_credentials"}},
		withBasic(e.info.Worker.ClientID, "wrong"))
	oauthErr(t, basic, http.StatusUnauthorized, "invalid_client")
	if basic.header.Get("WWW-Authenticate") == "" {
		t.Error("401 invalid_client without WWW-Authenticate")
	}
	if strings.Contains(string(basic.body), "wrong") || strings.Contains(string(basic.body), e.info.Worker.ClientSecret) {
		t.Error("error body echoes a secret")
	}
	post := postForm(t, nil, e.asURL("token"), url.Values{"grant_type": {"client_credentials"},
		"client_id": {e.info.Worker.ClientID}, "client_secret": {"wrong"}})
	oauthErr(t, post, http.StatusUnauthorized, "invalid_client")
	unknown := postForm(t, nil, e.asURL("token"), url.Values{"grant_type": {"client_credentials"}},
		withBasic("no-such-client", "x"))
	oauthErr(t, unknown, http.StatusUnauthorized, "invalid_client")
}

func TestTokenEndpointRequestErrors(t *testing.T) {
	e := newEnv(t)
	oauthErr(t, postForm(t, nil, e.asURL("token"), url.Values{"grant_type": {"password"}},
		withBasic(e.info.Worker.ClientID, e.info.Worker.ClientSecret)), http.StatusBadRequest, "unsupported_grant_type")
	oauthErr(t, postForm(t, nil, e.asURL("token"), url.Values{}), http.StatusBadRequest, "invalid_request")
	get := do(t, nil, newRequest(t, http.MethodGet, e.asURL("token")+"?grant_type=client_credentials", nil))
	oauthErr(t, get, http.StatusMethodNotAllowed, "invalid_request")
	js := newRequest(t, http.MethodPost, e.asURL("token"), strings.NewReader(`{"grant_type":"client_credentials"}`))
	js.Header.Set("Content-Type", "application/json")
	oauthErr(t, do(t, nil, js), http.StatusBadRequest, "invalid_request")
	// Both Basic and client_secret: RFC 6749 §2.3 allows only one method.
	both := postForm(t, nil, e.asURL("token"), url.Values{"grant_type": {"client_credentials"},
		"client_secret": {e.info.Worker.ClientSecret}}, withBasic(e.info.Worker.ClientID, e.info.Worker.ClientSecret))
	oauthErr(t, both, http.StatusBadRequest, "invalid_request")
}

func TestManagementRequiresWorkerToken(t *testing.T) {
	e := newEnv(t)
	if d := detail(t, e.api(http.MethodGet, "/applications", "", nil), http.StatusUnauthorized, "ACCESS_FAILED"); d != nil {
		t.Logf("detail %v", d)
	}
	detail(t, e.api(http.MethodGet, "/applications", "not-a-jwt", nil), http.StatusUnauthorized, "ACCESS_FAILED")
	tok := e.workerToken()
	// Tamper with the signature.
	detail(t, e.api(http.MethodGet, "/applications", tok[:len(tok)-4]+"AAAA", nil), http.StatusUnauthorized, "ACCESS_FAILED")
	e.clock.Advance(time.Hour + time.Second)
	detail(t, e.api(http.MethodGet, "/applications", tok, nil), http.StatusUnauthorized, "ACCESS_FAILED")
}

func TestManagementUserTokenForbidden(t *testing.T) {
	e := newEnv(t)
	w := e.workerToken()
	app := e.createApp(w, nil)
	p := newPKCE()
	res := e.signInPiFlow(authorizeParams(app, p))
	tok := e.exchange(app, res.code, p.verifier).json(t)["access_token"].(string)
	d := detail(t, e.api(http.MethodGet, "/applications", tok, nil), http.StatusForbidden, "ACCESS_FAILED")
	if d["code"] != "INSUFFICIENT_PERMISSIONS" {
		t.Errorf("detail = %v", d)
	}
}

func TestCreateSeedApplication(t *testing.T) {
	e := newEnv(t)
	tok := e.workerToken()
	r := e.api(http.MethodPost, "/applications", tok, seedApp())
	if r.status != http.StatusCreated {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	m := r.json(t)
	id, _ := m["id"].(string)
	if id == "" || m["clientId"] != id {
		t.Errorf("id %q clientId %v", id, m["clientId"])
	}
	if loc := r.header.Get("Location"); loc != e.apiURL("/applications/"+id) {
		t.Errorf("Location = %q", loc)
	}
	if r.header.Get("Correlation-Id") == "" {
		t.Error("no Correlation-Id header")
	}
	want := map[string]any{
		"pkceEnforcement": "S256_REQUIRED", "tokenEndpointAuthMethod": "NONE", "type": "NATIVE_APP",
		"protocol": "OPENID_CONNECT", "enabled": true, "name": "Shared-Native-App",
		"parRequirement": "OPTIONAL", "parTimeout": float64(60), "hiddenFromAppPortal": false,
		"additionalRefreshTokenReplayProtectionEnabled": true, "deviceTimeout": float64(600),
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if envObj, _ := m["environment"].(map[string]any); envObj["id"] != e.info.EnvironmentID {
		t.Errorf("environment = %v", m["environment"])
	}
	for _, k := range []string{"createdAt", "updatedAt"} {
		if _, err := time.Parse(time.RFC3339, m[k].(string)); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	if link(t, m, "self") != e.apiURL("/applications/"+id) {
		t.Errorf("self link = %s", link(t, m, "self"))
	}
	link(t, m, "grants")
	if ru, _ := m["redirectUris"].([]any); len(ru) != 1 || ru[0] != seedRedirect {
		t.Errorf("redirectUris = %v", m["redirectUris"])
	}
}

func TestApplicationDefaultsPKCEOptional(t *testing.T) {
	e := newEnv(t)
	tok := e.workerToken()
	body := seedApp()
	delete(body, "pkceEnforcement")
	r := e.api(http.MethodPost, "/applications", tok, body)
	if r.status != http.StatusCreated || r.json(t)["pkceEnforcement"] != "OPTIONAL" {
		t.Fatalf("%d %s", r.status, r.body)
	}
}

func TestApplicationCRUD(t *testing.T) {
	e := newEnv(t)
	tok := e.workerToken()
	id := e.createApp(tok, nil)

	list := e.api(http.MethodGet, "/applications", tok, nil)
	lm := list.json(t)
	apps := embedded(t, lm, "applications")
	if lm["count"] != float64(2) || lm["size"] != float64(2) || len(apps) != 2 {
		t.Fatalf("list = %s", list.body)
	}
	var sawWorker bool
	for _, a := range apps {
		if a["id"] == e.info.Worker.ClientID && a["type"] == "WORKER" && a["tokenEndpointAuthMethod"] == "CLIENT_SECRET_BASIC" {
			sawWorker = true
		}
	}
	if !sawWorker {
		t.Error("seeded worker app missing from list")
	}

	got := e.api(http.MethodGet, "/applications/"+id, tok, nil)
	if got.status != http.StatusOK || got.json(t)["name"] != "Shared-Native-App" {
		t.Fatalf("get: %d %s", got.status, got.body)
	}

	// PUT is a full replace: description omitted → cleared.
	put := seedApp()
	put["name"] = "Renamed"
	delete(put, "description")
	pr := e.api(http.MethodPut, "/applications/"+id, tok, put)
	pm := pr.json(t)
	if pr.status != http.StatusOK || pm["name"] != "Renamed" || pm["description"] != nil {
		t.Fatalf("put: %d %s", pr.status, pr.body)
	}
	if pm["createdAt"] != got.json(t)["createdAt"] {
		t.Error("PUT changed createdAt")
	}

	put["type"] = "SINGLE_PAGE_APP"
	d := detail(t, e.api(http.MethodPut, "/applications/"+id, tok, put), http.StatusBadRequest, "INVALID_DATA")
	if d["target"] != "type" {
		t.Errorf("type change detail = %v", d)
	}

	if r := e.api(http.MethodDelete, "/applications/"+id, tok, nil); r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	detail(t, e.api(http.MethodGet, "/applications/"+id, tok, nil), http.StatusNotFound, "NOT_FOUND")
	detail(t, e.api(http.MethodDelete, "/applications/"+id, tok, nil), http.StatusNotFound, "NOT_FOUND")

	r := e.api(http.MethodPatch, "/applications", tok, nil)
	if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") == "" {
		t.Errorf("PATCH collection: %d allow=%q", r.status, r.header.Get("Allow"))
	}
}

func TestApplicationValidationRules(t *testing.T) {
	cases := []struct {
		name         string
		mutate       func(map[string]any)
		code, target string
	}{
		{"name required", func(m map[string]any) { delete(m, "name") }, "REQUIRED_VALUE", "name"},
		{"enabled required", func(m map[string]any) { delete(m, "enabled") }, "REQUIRED_VALUE", "enabled"},
		{"type required", func(m map[string]any) { delete(m, "type") }, "REQUIRED_VALUE", "type"},
		{"protocol required", func(m map[string]any) { delete(m, "protocol") }, "REQUIRED_VALUE", "protocol"},
		{"auth method required", func(m map[string]any) { delete(m, "tokenEndpointAuthMethod") }, "REQUIRED_VALUE", "tokenEndpointAuthMethod"},
		{"type enum", func(m map[string]any) { m["type"] = "DESKTOP_APP" }, "INVALID_VALUE", "type"},
		{"protocol enum", func(m map[string]any) { m["protocol"] = "OAUTH" }, "INVALID_VALUE", "protocol"},
		{"grant enum", func(m map[string]any) { m["grantTypes"] = []string{"AUTHORIZATION_CODE", "PASSWORD"} }, "INVALID_VALUE", "grantTypes"},
		{"response enum", func(m map[string]any) { m["responseTypes"] = []string{"CODE", "TOKENS"} }, "INVALID_VALUE", "responseTypes"},
		{"auth enum", func(m map[string]any) { m["tokenEndpointAuthMethod"] = "SECRET" }, "INVALID_VALUE", "tokenEndpointAuthMethod"},
		{"pkce enum", func(m map[string]any) { m["pkceEnforcement"] = "S512_REQUIRED" }, "INVALID_VALUE", "pkceEnforcement"},
		{"http non-loopback", func(m map[string]any) { m["redirectUris"] = []string{"http://example.com/cb"} }, "INVALID_VALUE", "redirectUris"},
		{"fragment", func(m map[string]any) { m["redirectUris"] = []string{"https://example.com/cb#x"} }, "INVALID_VALUE", "redirectUris"},
		{"wildcard", func(m map[string]any) { m["redirectUris"] = []string{"https://example.com/*"} }, "INVALID_VALUE", "redirectUris"},
		{"relative", func(m map[string]any) { m["redirectUris"] = []string{"/callback"} }, "INVALID_VALUE", "redirectUris"},
		{"post logout", func(m map[string]any) { m["postLogoutRedirectUris"] = []string{"not a uri"} }, "INVALID_VALUE", "postLogoutRedirectUris"},
		{"code needs CODE", func(m map[string]any) {
			m["responseTypes"] = []string{"TOKEN"}
			m["grantTypes"] = []string{"AUTHORIZATION_CODE", "IMPLICIT"}
		}, "INVALID_VALUE", "responseTypes"},
		{"code needs redirect", func(m map[string]any) { m["redirectUris"] = []string{} }, "INVALID_VALUE", "redirectUris"},
		{"client credentials with NONE", func(m map[string]any) {
			m["grantTypes"] = []string{"AUTHORIZATION_CODE", "CLIENT_CREDENTIALS"}
		}, "INVALID_VALUE", "grantTypes"},
		{"par timeout range", func(m map[string]any) { m["parTimeout"] = 601 }, "OUT_OF_RANGE", "parTimeout"},
		{"wrong JSON type", func(m map[string]any) { m["enabled"] = "yes" }, "INVALID_VALUE", "enabled"},
	}
	e := newEnv(t)
	tok := e.workerToken()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := seedApp()
			tc.mutate(body)
			r := e.api(http.MethodPost, "/applications", tok, body)
			m := r.json(t)
			if r.status != http.StatusBadRequest || m["code"] != "INVALID_DATA" {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if m["message"] != "The request could not be completed. One or more validation errors were in the request." {
				t.Errorf("message = %v", m["message"])
			}
			found := false
			for _, d := range m["details"].([]any) {
				d := d.(map[string]any)
				if d["code"] == tc.code && d["target"] == tc.target && d["message"] != "" {
					found = true
					if tc.code == "INVALID_VALUE" && strings.HasSuffix(tc.name, "enum") {
						inner, _ := d["innerError"].(map[string]any)
						if av, _ := inner["allowedValues"].([]any); len(av) == 0 {
							t.Errorf("enum error without allowedValues: %v", d)
						}
					}
				}
			}
			if !found {
				t.Errorf("want detail %s/%s, got %s", tc.code, tc.target, r.body)
			}
		})
	}
	// Nothing was created by the invalid requests.
	if n := len(embedded(t, e.api(http.MethodGet, "/applications", tok, nil).json(t), "applications")); n != 1 {
		t.Errorf("%d apps after invalid creates, want 1 (the worker)", n)
	}
}

func TestApplicationValidationCollectsAllErrors(t *testing.T) {
	e := newEnv(t)
	r := e.api(http.MethodPost, "/applications", e.workerToken(), map[string]any{"grantTypes": []string{"NOPE"}})
	m := r.json(t)
	targets := map[string]bool{}
	for _, d := range m["details"].([]any) {
		targets[d.(map[string]any)["target"].(string)] = true
	}
	for _, want := range []string{"name", "enabled", "type", "protocol", "tokenEndpointAuthMethod", "grantTypes"} {
		if !targets[want] {
			t.Errorf("missing detail for %s in %s", want, r.body)
		}
	}
}

func TestApplicationAcceptedRedirectForms(t *testing.T) {
	e := newEnv(t)
	tok := e.workerToken()
	e.createApp(tok, func(m map[string]any) {
		m["redirectUris"] = []string{"http://127.0.0.1/cb", "https://example.com/cb", "com.example.app:/oauth2redirect"}
	})
	e.createApp(tok, func(m map[string]any) {
		m["name"] = "Wildcard"
		m["allowWildcardInRedirectUris"] = true
		m["redirectUris"] = []string{"https://example.com/*"}
	})
}

func TestApplicationNameUnique(t *testing.T) {
	e := newEnv(t)
	tok := e.workerToken()
	first := e.createApp(tok, nil)
	d := detail(t, e.api(http.MethodPost, "/applications", tok, seedApp()), http.StatusBadRequest, "INVALID_DATA")
	if d["code"] != "UNIQUENESS_VIOLATION" || d["target"] != "name" {
		t.Errorf("detail = %v", d)
	}
	if inner, _ := d["innerError"].(map[string]any); inner["existingId"] != first {
		t.Errorf("existingId = %v, want %s", d["innerError"], first)
	}
}

func TestApplicationRequestErrors(t *testing.T) {
	e := newEnv(t)
	tok := e.workerToken()
	detail(t, e.api(http.MethodPost, "/applications", tok, `{"name":`), http.StatusBadRequest, "INVALID_REQUEST")
	detail(t, e.api(http.MethodPost, "/applications", tok, `{}`, "text/plain"), http.StatusUnsupportedMediaType, "INVALID_REQUEST")
	req := newRequest(t, http.MethodGet, e.ts.URL+"/v1/environments/00000000-0000-4000-8000-000000000000/applications", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	detail(t, do(t, nil, req), http.StatusNotFound, "NOT_FOUND")
	detail(t, e.api(http.MethodGet, "/applications/nope", tok, nil), http.StatusNotFound, "NOT_FOUND")
}

func TestConfidentialAppSecretAndClientCredentials(t *testing.T) {
	e := newEnv(t)
	tok := e.workerToken()
	id := e.createApp(tok, func(m map[string]any) {
		m["name"] = "Web"
		m["type"] = "WEB_APP"
		m["tokenEndpointAuthMethod"] = "CLIENT_SECRET_POST"
		m["grantTypes"] = []string{"AUTHORIZATION_CODE", "CLIENT_CREDENTIALS"}
	})
	r := e.api(http.MethodGet, "/applications/"+id+"/secret", tok, nil)
	secret, _ := r.json(t)["secret"].(string)
	if r.status != http.StatusOK || len(secret) < 32 {
		t.Fatalf("secret: %d %s", r.status, r.body)
	}
	cc := postForm(t, nil, e.asURL("token"), url.Values{"grant_type": {"client_credentials"},
		"client_id": {id}, "client_secret": {secret}})
	if cc.status != http.StatusOK {
		t.Fatalf("client_credentials: %d %s", cc.status, cc.body)
	}
	// A non-worker client_credentials token has no Management API permissions.
	detail(t, e.api(http.MethodGet, "/applications", cc.json(t)["access_token"].(string), nil), http.StatusForbidden, "ACCESS_FAILED")
	// A public app has no secret endpoint.
	pub := e.createApp(tok, nil)
	detail(t, e.api(http.MethodGet, "/applications/"+pub+"/secret", tok, nil), http.StatusNotFound, "NOT_FOUND")
}

func TestResourcesScopesAndGrants(t *testing.T) {
	e := newEnv(t)
	tok := e.workerToken()
	res := embedded(t, e.api(http.MethodGet, "/resources", tok, nil).json(t), "resources")
	types := map[string]string{}
	for _, r := range res {
		types[r["type"].(string)] = r["id"].(string)
	}
	if types["OPENID_CONNECT"] == "" || types["PINGONE_API"] == "" {
		t.Fatalf("resources = %v", res)
	}
	scopes := embedded(t, e.api(http.MethodGet, "/resources/"+types["OPENID_CONNECT"]+"/scopes", tok, nil).json(t), "scopes")
	names := map[string]string{}
	for _, s := range scopes {
		names[s["name"].(string)] = s["id"].(string)
	}
	for _, n := range []string{"openid", "profile", "email", "address", "phone", "offline_access"} {
		if names[n] == "" {
			t.Errorf("scope %s missing", n)
		}
	}
	app := e.createApp(tok, nil)
	g := e.api(http.MethodPost, "/applications/"+app+"/grants", tok, map[string]any{
		"resource": map[string]string{"id": types["OPENID_CONNECT"]},
		"scopes":   []map[string]string{{"id": names["profile"]}, {"id": names["email"]}},
	})
	if g.status != http.StatusCreated || g.header.Get("Location") == "" {
		t.Fatalf("grant: %d %s", g.status, g.body)
	}
	gid := g.json(t)["id"].(string)
	if n := len(embedded(t, e.api(http.MethodGet, "/applications/"+app+"/grants", tok, nil).json(t), "grants")); n != 1 {
		t.Errorf("%d grants", n)
	}
	// Scope of another resource → INVALID_VALUE target scopes.
	p1 := embedded(t, e.api(http.MethodGet, "/resources/"+types["PINGONE_API"]+"/scopes", tok, nil).json(t), "scopes")
	bad := e.api(http.MethodPost, "/applications/"+app+"/grants", tok, map[string]any{
		"resource": map[string]string{"id": types["OPENID_CONNECT"]},
		"scopes":   []map[string]string{{"id": p1[0]["id"].(string)}},
	})
	if d := detail(t, bad, http.StatusBadRequest, "INVALID_DATA"); d["target"] != "scopes" || d["code"] != "INVALID_VALUE" {
		t.Errorf("detail = %v", d)
	}
	up := e.api(http.MethodPut, "/applications/"+app+"/grants/"+gid, tok, map[string]any{
		"resource": map[string]string{"id": types["OPENID_CONNECT"]},
		"scopes":   []map[string]string{{"id": names["email"]}},
	})
	if sc, _ := up.json(t)["scopes"].([]any); up.status != http.StatusOK || len(sc) != 1 {
		t.Errorf("put grant: %d %s", up.status, up.body)
	}
	if r := e.api(http.MethodDelete, "/applications/"+app+"/grants/"+gid, tok, nil); r.status != http.StatusNoContent {
		t.Errorf("delete grant: %d", r.status)
	}
	detail(t, e.api(http.MethodGet, "/applications/"+app+"/grants/"+gid, tok, nil), http.StatusNotFound, "NOT_FOUND")
	// expand=scopes embeds them.
	for _, r := range embedded(t, e.api(http.MethodGet, "/resources?expand=scopes", tok, nil).json(t), "resources") {
		if len(embedded(t, r, "scopes")) == 0 {
			t.Errorf("resource %v without embedded scopes", r["name"])
		}
	}
}

func TestUsersAndPasswords(t *testing.T) {
	e := newEnv(t)
	tok := e.workerToken()
	r := e.api(http.MethodPost, "/users", tok, map[string]any{"username": "alice", "email": "alice@example.com",
		"name": map[string]string{"given": "Alice", "family": "Smith"}})
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	alice := r.json(t)["id"].(string)
	d := detail(t, e.api(http.MethodPost, "/users", tok, map[string]any{"username": "ALICE", "email": "a2@example.com"}),
		http.StatusBadRequest, "INVALID_DATA")
	if d["code"] != "UNIQUENESS_VIOLATION" || d["target"] != "username" {
		t.Errorf("duplicate: %v", d)
	}
	if d := detail(t, e.api(http.MethodPost, "/users", tok, map[string]any{"username": "bob"}), http.StatusBadRequest, "INVALID_DATA"); d["target"] != "email" {
		t.Errorf("missing email: %v", d)
	}
	// Import with a password, forceChange → MUST_CHANGE_PASSWORD.
	imp := e.api(http.MethodPost, "/users", tok, map[string]any{"username": "carol", "email": "carol@example.com",
		"password": map[string]any{"value": "Carol-Passw0rd!", "forceChange": true}}, "application/vnd.pingidentity.user.import+json")
	if imp.status != http.StatusCreated {
		t.Fatalf("import: %d %s", imp.status, imp.body)
	}
	if pw := imp.json(t)["_embedded"].(map[string]any)["password"].(map[string]any); pw["status"] != "MUST_CHANGE_PASSWORD" {
		t.Errorf("password status = %v", pw)
	}
	// Password set: wrong media type → 415; weak → INVALID_VALUE; good → 200.
	detail(t, e.api(http.MethodPut, "/users/"+alice+"/password", tok, map[string]any{"value": "Alice-Passw0rd!"}),
		http.StatusUnsupportedMediaType, "INVALID_REQUEST")
	weak := e.api(http.MethodPut, "/users/"+alice+"/password", tok, map[string]any{"value": "short"}, "application/vnd.pingidentity.password.set+json")
	if d := detail(t, weak, http.StatusBadRequest, "INVALID_DATA"); d["target"] != "value" {
		t.Errorf("weak: %v", d)
	}
	set := e.api(http.MethodPut, "/users/"+alice+"/password", tok, map[string]any{"value": "Alice-Passw0rd!", "forceChange": false},
		"application/vnd.pingidentity.password.set+json")
	if set.status != http.StatusOK || set.json(t)["status"] != "OK" {
		t.Fatalf("set: %d %s", set.status, set.body)
	}
	list := e.api(http.MethodGet, "/users", tok, nil).json(t)
	if list["count"] != float64(3) {
		t.Errorf("users count = %v", list["count"])
	}
	pops := embedded(t, e.api(http.MethodGet, "/populations", tok, nil).json(t), "populations")
	if len(pops) != 1 || pops[0]["default"] != true {
		t.Errorf("populations = %v", pops)
	}
	if r := e.api(http.MethodDelete, "/users/"+alice, tok, nil); r.status != http.StatusNoContent {
		t.Errorf("delete: %d", r.status)
	}
	detail(t, e.api(http.MethodGet, "/users/"+alice, tok, nil), http.StatusNotFound, "NOT_FOUND")
}
