package sandbox_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const (
	mtCheck        = "application/vnd.pingidentity.usernamePassword.check+json"
	mtReset        = "application/vnd.pingidentity.password.reset+json"
	mtSessionReset = "application/vnd.pingidentity.session.reset+json"
)

// TestRedirectlessSeedFlow walks SEED-NONE end to end and checks every shape
// a client depends on.
func TestRedirectlessSeedFlow(t *testing.T) {
	e := newEnv(t)
	w := e.workerToken()
	app := e.createApp(w, nil)
	e.grantScopes(w, app, "profile", "email")
	p := newPKCE()
	params := authorizeParams(app, p)
	params.Set("scope", "openid profile email")
	c := noRedirectClient(t)

	// A: authorize (POST form, as the seed does).
	r := postForm(t, c, e.asURL("authorize"), params)
	if r.status != http.StatusOK {
		t.Fatalf("authorize: %d %s", r.status, r.body)
	}
	fl := r.json(t)
	if fl["status"] != "USERNAME_PASSWORD_REQUIRED" {
		t.Fatalf("status = %v", fl["status"])
	}
	for _, l := range []string{"self", "usernamePassword.check", "password.forgot", "session.reset", "signOnPage"} {
		link(t, fl, l)
	}
	emb := fl["_embedded"].(map[string]any)
	if emb["application"].(map[string]any)["name"] != "Shared-Native-App" || emb["passwordPolicy"] == nil {
		t.Errorf("_embedded = %v", emb)
	}
	if fl["environment"].(map[string]any)["id"] != e.info.EnvironmentID {
		t.Errorf("environment = %v", fl["environment"])
	}
	created, _ := time.Parse(time.RFC3339, fl["createdAt"].(string))
	expires, _ := time.Parse(time.RFC3339, fl["expiresAt"].(string))
	if expires.Sub(created) != 15*time.Minute {
		t.Errorf("flow lifetime = %v", expires.Sub(created))
	}
	flowID := fl["id"].(string)
	if fl["resumeUrl"] != e.asURL("resume")+"?flowId="+flowID {
		t.Errorf("resumeUrl = %v", fl["resumeUrl"])
	}

	// GET re-reads the flow.
	if again := do(t, c, newRequest(t, http.MethodGet, link(t, fl, "self"), nil)); again.json(t)["id"] != flowID {
		t.Errorf("GET flow: %s", again.body)
	}

	// B: credentials.
	r = e.flowAction(c, link(t, fl, "usernamePassword.check"), mtCheck,
		map[string]string{"username": e.info.User.Username, "password": e.info.User.Password})
	done := r.json(t)
	if r.status != http.StatusOK || done["status"] != "COMPLETED" {
		t.Fatalf("check: %d %s", r.status, r.body)
	}
	sess, _ := done["session"].(map[string]any)
	if sess["id"] == nil || done["resumeUrl"] == nil {
		t.Errorf("completed flow = %s", r.body)
	}
	userEmb := done["_embedded"].(map[string]any)["user"].(map[string]any)
	if userEmb["username"] != e.info.User.Username || userEmb["id"] != e.s.UserID(e.info.User.Username) {
		t.Errorf("_embedded.user = %v", userEmb)
	}
	var st *http.Cookie
	for _, ck := range (&http.Response{Header: r.header}).Cookies() {
		if ck.Name == "ST" {
			st = ck
		}
	}
	if st == nil || st.Path != "/"+e.info.EnvironmentID || !st.HttpOnly || st.Secure {
		t.Fatalf("ST cookie = %+v", st)
	}

	// C: resume with the cookie jar.
	r = do(t, c, newRequest(t, http.MethodGet, done["resumeUrl"].(string), nil))
	if r.status != http.StatusOK {
		t.Fatalf("resume: %d %s", r.status, r.body)
	}
	res := r.json(t)
	ar := res["authorizeResponse"].(map[string]any)
	if res["status"] != "COMPLETED" || ar["state"] != "state-123" || ar["code"] == "" {
		t.Fatalf("resume = %s", r.body)
	}
	// The flow is consumed.
	if again := do(t, c, newRequest(t, http.MethodGet, done["resumeUrl"].(string), nil)); again.status != http.StatusNotFound {
		t.Errorf("second resume: %d", again.status)
	}

	// D: token exchange, no Authorization header.
	tr := e.exchange(app, ar["code"].(string), p.verifier)
	if tr.status != http.StatusOK {
		t.Fatalf("token: %d %s", tr.status, tr.body)
	}
	tm := tr.json(t)
	if tm["token_type"] != "Bearer" || tm["scope"] != "openid profile email" || tm["refresh_token"] != nil {
		t.Errorf("token response = %s", tr.body)
	}
	at := tm["access_token"].(string)
	idc := e.verify(tm["id_token"].(string), jwt.WithAudience(app))
	sub := e.s.UserID(e.info.User.Username)
	sum := sha256.Sum256([]byte(at))
	wantIDClaims := map[string]any{
		"sub": sub, "nonce": "nonce-456", "acr": "Single_Factor", "at_hash": base64.RawURLEncoding.EncodeToString(sum[:16]),
		"preferred_username": e.info.User.Username, "given_name": "Demo", "family_name": "User", "name": "Demo User",
		"email": "demo.user@example.com", "sid": sess["id"],
	}
	for k, v := range wantIDClaims {
		if idc[k] != v {
			t.Errorf("id_token %s = %v, want %v", k, idc[k], v)
		}
	}
	if amr, _ := idc["amr"].([]any); len(amr) != 1 || amr[0] != "pwd" {
		t.Errorf("amr = %v", idc["amr"])
	}
	for _, k := range []string{"auth_time", "iat", "exp", "updated_at", "email_verified"} {
		if _, ok := idc[k]; !ok {
			t.Errorf("id_token lacks %s", k)
		}
	}
	atc := e.verify(at, jwt.WithAudience(e.ts.URL))
	for k, v := range map[string]any{"sub": sub, "client_id": app, "scope": "openid profile email", "sid": sess["id"],
		"env": e.info.EnvironmentID, "acr": "Single_Factor"} {
		if atc[k] != v {
			t.Errorf("access token %s = %v, want %v", k, atc[k], v)
		}
	}
	if atc["jti"] == nil || atc["org"] == nil || atc["auth_time"] == nil {
		t.Errorf("access token claims = %v", atc)
	}
}

func TestTokenWrongVerifierConsumesCode(t *testing.T) {
	e := newEnv(t)
	app := e.createApp(e.workerToken(), nil)
	p := newPKCE()
	res := e.signInPiFlow(authorizeParams(app, p))
	oauthErr(t, e.exchange(app, res.code, newPKCE().verifier), http.StatusBadRequest, "invalid_grant")
	oauthErr(t, e.exchange(app, res.code, p.verifier), http.StatusBadRequest, "invalid_grant")
}

func TestTokenVerifierRules(t *testing.T) {
	e := newEnv(t)
	app := e.createApp(e.workerToken(), nil)
	for name, verifier := range map[string]string{
		"missing":   "",
		"too short": "abc",
		"bad chars": strings.Repeat("a", 42) + "+",
	} {
		t.Run(name, func(t *testing.T) {
			p := newPKCE()
			res := e.signInPiFlow(authorizeParams(app, p))
			oauthErr(t, e.exchange(app, res.code, verifier), http.StatusBadRequest, "invalid_grant")
		})
	}
}

func TestTokenCodeReuseRevokesTokens(t *testing.T) {
	e := newEnv(t)
	app := e.createApp(e.workerToken(), nil)
	p := newPKCE()
	res := e.signInPiFlow(authorizeParams(app, p))
	first := e.exchange(app, res.code, p.verifier)
	if first.status != http.StatusOK {
		t.Fatalf("first: %d %s", first.status, first.body)
	}
	at := first.json(t)["access_token"].(string)
	if ui := e.userinfo(at); ui.status != http.StatusOK {
		t.Fatalf("userinfo before reuse: %d", ui.status)
	}
	oauthErr(t, e.exchange(app, res.code, p.verifier), http.StatusBadRequest, "invalid_grant")
	if ui := e.userinfo(at); ui.status != http.StatusUnauthorized {
		t.Errorf("userinfo after code reuse: %d, want 401", ui.status)
	}
}

func TestTokenCodeChecks(t *testing.T) {
	e := newEnv(t)
	w := e.workerToken()
	app := e.createApp(w, nil)
	other := e.createApp(w, func(m map[string]any) { m["name"] = "Other" })

	t.Run("expired", func(t *testing.T) {
		p := newPKCE()
		res := e.signInPiFlow(authorizeParams(app, p))
		e.clock.Advance(61 * time.Second)
		oauthErr(t, e.exchange(app, res.code, p.verifier), http.StatusBadRequest, "invalid_grant")
	})
	t.Run("redirect mismatch", func(t *testing.T) {
		p := newPKCE()
		res := e.signInPiFlow(authorizeParams(app, p))
		r := postForm(t, nil, e.asURL("token"), url.Values{"grant_type": {"authorization_code"}, "code": {res.code},
			"client_id": {app}, "redirect_uri": {"http://localhost:3000/callback/"}, "code_verifier": {p.verifier}})
		oauthErr(t, r, http.StatusBadRequest, "invalid_grant")
	})
	t.Run("other client", func(t *testing.T) {
		p := newPKCE()
		res := e.signInPiFlow(authorizeParams(app, p))
		oauthErr(t, e.exchange(other, res.code, p.verifier), http.StatusBadRequest, "invalid_grant")
		// Not consumed by the wrong client: the right one still succeeds.
		if r := e.exchange(app, res.code, p.verifier); r.status != http.StatusOK {
			t.Errorf("right client after wrong one: %d %s", r.status, r.body)
		}
	})
	t.Run("NONE client with Basic", func(t *testing.T) {
		p := newPKCE()
		res := e.signInPiFlow(authorizeParams(app, p))
		r := postForm(t, nil, e.asURL("token"), url.Values{"grant_type": {"authorization_code"}, "code": {res.code},
			"redirect_uri": {seedRedirect}, "code_verifier": {p.verifier}}, withBasic(app, "anything"))
		oauthErr(t, r, http.StatusUnauthorized, "invalid_client")
	})
	t.Run("unknown code", func(t *testing.T) {
		oauthErr(t, e.exchange(app, "nope", newPKCE().verifier), http.StatusBadRequest, "invalid_grant")
	})
	t.Run("grant type not allowed", func(t *testing.T) {
		r := postForm(t, nil, e.asURL("token"), url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}, "client_id": {app}})
		oauthErr(t, r, http.StatusBadRequest, "unauthorized_client")
	})
}

func TestAuthorizePKCEEnforcement(t *testing.T) {
	e := newEnv(t)
	w := e.workerToken()
	s256 := e.createApp(w, nil)
	required := e.createApp(w, func(m map[string]any) { m["name"] = "Req"; m["pkceEnforcement"] = "REQUIRED" })
	optional := e.createApp(w, func(m map[string]any) { m["name"] = "Opt"; m["pkceEnforcement"] = "OPTIONAL" })
	p := newPKCE()
	cases := []struct {
		name   string
		app    string
		mutate func(url.Values)
		target string // "" = accepted
	}{
		{"S256 ok", s256, func(url.Values) {}, ""},
		{"S256 missing method", s256, func(v url.Values) { v.Del("code_challenge_method") }, "code_challenge_method"},
		{"S256 plain", s256, func(v url.Values) { v.Set("code_challenge_method", "plain") }, "code_challenge_method"},
		{"S256 no challenge", s256, func(v url.Values) { v.Del("code_challenge"); v.Del("code_challenge_method") }, "code_challenge"},
		{"REQUIRED plain ok", required, func(v url.Values) { v.Set("code_challenge_method", "plain") }, ""},
		{"REQUIRED no challenge", required, func(v url.Values) { v.Del("code_challenge"); v.Del("code_challenge_method") }, "code_challenge"},
		{"OPTIONAL no challenge", optional, func(v url.Values) { v.Del("code_challenge"); v.Del("code_challenge_method") }, ""},
		{"bad method", optional, func(v url.Values) { v.Set("code_challenge_method", "S512") }, "code_challenge_method"},
		{"short challenge", optional, func(v url.Values) { v.Set("code_challenge", "abc") }, "code_challenge"},
		{"no openid", optional, func(v url.Values) { v.Set("scope", "profile") }, "scope"},
		{"ungranted scope", optional, func(v url.Values) { v.Set("scope", "openid email") }, "scope"},
		{"bad response_type", optional, func(v url.Values) { v.Set("response_type", "token") }, "response_type"},
		{"unregistered redirect", optional, func(v url.Values) { v.Set("redirect_uri", "https://evil.example/cb") }, "redirect_uri"},
		{"unknown client", "nope", func(url.Values) {}, "client_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := authorizeParams(tc.app, p)
			tc.mutate(v)
			// GET with the query, the other supported form.
			r := do(t, nil, newRequest(t, http.MethodGet, e.asURL("authorize")+"?"+v.Encode(), nil))
			if tc.target == "" {
				if r.status != http.StatusOK || r.json(t)["status"] != "USERNAME_PASSWORD_REQUIRED" {
					t.Fatalf("want accepted: %d %s", r.status, r.body)
				}
				return
			}
			if d := detail(t, r, http.StatusBadRequest, "INVALID_DATA"); d["target"] != tc.target {
				t.Errorf("target = %v, want %s (%s)", d["target"], tc.target, r.body)
			}
		})
	}
}

func TestAuthorizePlainPKCEExchange(t *testing.T) {
	e := newEnv(t)
	app := e.createApp(e.workerToken(), func(m map[string]any) { m["pkceEnforcement"] = "REQUIRED" })
	v := strings.Repeat("v", 50)
	params := authorizeParams(app, pkce{challenge: v})
	params.Set("code_challenge_method", "plain")
	res := e.signInPiFlow(params)
	if r := e.exchange(app, res.code, v); r.status != http.StatusOK {
		t.Fatalf("plain exchange: %d %s", r.status, r.body)
	}
}

func TestVerifierWithoutChallengeRefused(t *testing.T) {
	e := newEnv(t)
	app := e.createApp(e.workerToken(), func(m map[string]any) { m["pkceEnforcement"] = "OPTIONAL" })
	params := authorizeParams(app, newPKCE())
	params.Del("code_challenge")
	params.Del("code_challenge_method")
	res := e.signInPiFlow(params)
	oauthErr(t, e.exchange(app, res.code, newPKCE().verifier), http.StatusBadRequest, "invalid_grant")
}

func TestAuthorizeLoopbackAnyPort(t *testing.T) {
	e := newEnv(t)
	app := e.createApp(e.workerToken(), nil)
	p := newPKCE()
	params := authorizeParams(app, p)
	params.Set("redirect_uri", "http://localhost:51234/callback")
	res := e.signInPiFlow(params)
	r := postForm(t, nil, e.asURL("token"), url.Values{"grant_type": {"authorization_code"}, "code": {res.code},
		"client_id": {app}, "redirect_uri": {"http://localhost:51234/callback"}, "code_verifier": {p.verifier}})
	if r.status != http.StatusOK {
		t.Fatalf("loopback other port: %d %s", r.status, r.body)
	}
	for _, bad := range []string{"http://127.0.0.1:3000/callback", "http://localhost:3000/other", "https://localhost:3000/callback"} {
		params.Set("redirect_uri", bad)
		if d := detail(t, postForm(t, nil, e.asURL("authorize"), params), http.StatusBadRequest, "INVALID_DATA"); d["target"] != "redirect_uri" {
			t.Errorf("%s: %v", bad, d)
		}
	}
}

func TestFlowWrongPasswordAndLockout(t *testing.T) {
	e := newEnv(t)
	app := e.createApp(e.workerToken(), nil)
	c := noRedirectClient(t)
	fl := postForm(t, c, e.asURL("authorize"), authorizeParams(app, newPKCE())).json(t)
	check := link(t, fl, "usernamePassword.check")
	wrong := map[string]string{"username": e.info.User.Username, "password": "Wrong-Passw0rd!"}

	for i := 1; i < 5; i++ {
		d := detail(t, e.flowAction(c, check, mtCheck, wrong), http.StatusBadRequest, "INVALID_DATA")
		if d["code"] != "INVALID_VALUE" || d["target"] != "username" || d["message"] != "Invalid username and/or password." {
			t.Fatalf("attempt %d: %v", i, d)
		}
	}
	// Unknown users get the same answer (no user enumeration).
	unk := detail(t, e.flowAction(c, check, mtCheck, map[string]string{"username": "nobody", "password": "x"}), http.StatusBadRequest, "INVALID_DATA")
	if unk["target"] != "username" || unk["code"] != "INVALID_VALUE" {
		t.Errorf("unknown user: %v", unk)
	}
	d := detail(t, e.flowAction(c, check, mtCheck, wrong), http.StatusBadRequest, "INVALID_DATA")
	if d["code"] != "PASSWORD_LOCKED_OUT" || d["innerError"].(map[string]any)["secondsUntilUnlock"] != float64(900) {
		t.Fatalf("5th failure: %v", d)
	}
	right := map[string]string{"username": e.info.User.Username, "password": e.info.User.Password}
	e.clock.Advance(100 * time.Second)
	d = detail(t, e.flowAction(c, check, mtCheck, right), http.StatusBadRequest, "INVALID_DATA")
	if d["code"] != "PASSWORD_LOCKED_OUT" || d["innerError"].(map[string]any)["secondsUntilUnlock"] != float64(800) {
		t.Fatalf("right password while locked: %v", d)
	}
	// The lockout lasts 900 s; the flow itself lives 15 min, so use a new one.
	e.clock.Advance(801 * time.Second)
	fl = postForm(t, c, e.asURL("authorize"), authorizeParams(app, newPKCE())).json(t)
	r := e.flowAction(c, link(t, fl, "usernamePassword.check"), mtCheck, right)
	if r.status != http.StatusOK || r.json(t)["status"] != "COMPLETED" {
		t.Fatalf("after lockout: %d %s", r.status, r.body)
	}
}

func TestFlowMustChangePassword(t *testing.T) {
	for _, state := range []string{"MUST_CHANGE_PASSWORD", "PASSWORD_EXPIRED"} {
		t.Run(state, func(t *testing.T) {
			e := newEnv(t)
			app := e.createApp(e.workerToken(), nil)
			e.s.SetUserPasswordState(e.info.User.Username, state)
			c := noRedirectClient(t)
			fl := postForm(t, c, e.asURL("authorize"), authorizeParams(app, newPKCE())).json(t)
			r := e.flowAction(c, link(t, fl, "usernamePassword.check"), mtCheck,
				map[string]string{"username": e.info.User.Username, "password": e.info.User.Password})
			m := r.json(t)
			if r.status != http.StatusOK || m["status"] != state {
				t.Fatalf("check: %d %s", r.status, r.body)
			}
			reset := link(t, m, "password.reset")
			if d := detail(t, e.flowAction(c, reset, mtReset, map[string]string{"currentPassword": "nope", "newPassword": "New-Passw0rd!"}),
				http.StatusBadRequest, "INVALID_DATA"); d["target"] != "currentPassword" {
				t.Errorf("wrong current: %v", d)
			}
			d := detail(t, e.flowAction(c, reset, mtReset, map[string]string{"currentPassword": e.info.User.Password, "newPassword": "weak"}),
				http.StatusBadRequest, "INVALID_DATA")
			unmet, _ := d["innerError"].(map[string]any)["unsatisfiedRequirements"].([]any)
			if d["target"] != "newPassword" || len(unmet) == 0 {
				t.Errorf("weak: %v", d)
			}
			d = detail(t, e.flowAction(c, reset, mtReset, map[string]string{"currentPassword": e.info.User.Password, "newPassword": e.info.User.Password}),
				http.StatusBadRequest, "INVALID_DATA")
			if d["target"] != "newPassword" {
				t.Errorf("reuse of the current password: %v", d)
			}
			r = e.flowAction(c, reset, mtReset, map[string]string{"currentPassword": e.info.User.Password, "newPassword": "Brand-New-Passw0rd!"})
			if r.status != http.StatusOK || r.json(t)["status"] != "COMPLETED" || !strings.Contains(r.header.Get("Set-Cookie"), "ST=") {
				t.Fatalf("reset: %d %s", r.status, r.body)
			}
			// The new password is now the one that works.
			fl = postForm(t, c, e.asURL("authorize"), authorizeParams(app, newPKCE())).json(t)
			r = e.flowAction(c, link(t, fl, "usernamePassword.check"), mtCheck,
				map[string]string{"username": e.info.User.Username, "password": "Brand-New-Passw0rd!"})
			if r.json(t)["status"] != "COMPLETED" {
				t.Errorf("sign-in with new password: %s", r.body)
			}
		})
	}
}

func TestFlowAPIErrors(t *testing.T) {
	e := newEnv(t)
	app := e.createApp(e.workerToken(), nil)
	c := noRedirectClient(t)
	fl := postForm(t, c, e.asURL("authorize"), authorizeParams(app, newPKCE())).json(t)
	self := link(t, fl, "self")

	detail(t, e.flowAction(c, self, "application/json", map[string]string{}), http.StatusUnsupportedMediaType, "INVALID_REQUEST")
	detail(t, e.flowAction(c, e.envPath()+"/flows/unknown", mtCheck, map[string]string{}), http.StatusNotFound, "NOT_FOUND")
	if d := detail(t, e.flowAction(c, self, mtCheck, map[string]string{"username": "x"}), http.StatusBadRequest, "INVALID_DATA"); d["target"] != "password" {
		t.Errorf("missing password: %v", d)
	}
	// password.reset is not valid in USERNAME_PASSWORD_REQUIRED.
	detail(t, e.flowAction(c, self, mtReset, map[string]string{"currentPassword": "a", "newPassword": "b"}), http.StatusBadRequest, "INVALID_REQUEST")

	// session.reset returns to USERNAME_PASSWORD_REQUIRED.
	e.s.SetUserPasswordState(e.info.User.Username, "MUST_CHANGE_PASSWORD")
	r := e.flowAction(c, self, mtCheck, map[string]string{"username": e.info.User.Username, "password": e.info.User.Password})
	if r.json(t)["status"] != "MUST_CHANGE_PASSWORD" {
		t.Fatalf("check: %s", r.body)
	}
	r = e.flowAction(c, self, mtSessionReset, map[string]string{})
	if r.status != http.StatusOK || r.json(t)["status"] != "USERNAME_PASSWORD_REQUIRED" {
		t.Errorf("session.reset: %d %s", r.status, r.body)
	}

	// Resume before completion is refused; flows expire after 15 minutes.
	detail(t, do(t, c, newRequest(t, http.MethodGet, fl["resumeUrl"].(string), nil)), http.StatusBadRequest, "INVALID_REQUEST")
	e.clock.Advance(15*time.Minute + time.Second)
	detail(t, do(t, c, newRequest(t, http.MethodGet, self, nil)), http.StatusNotFound, "NOT_FOUND")
}

func TestResumeRequiresSessionCookie(t *testing.T) {
	e := newEnv(t)
	app := e.createApp(e.workerToken(), nil)
	c := noRedirectClient(t)
	fl := postForm(t, c, e.asURL("authorize"), authorizeParams(app, newPKCE())).json(t)
	r := e.flowAction(c, link(t, fl, "usernamePassword.check"), mtCheck,
		map[string]string{"username": e.info.User.Username, "password": e.info.User.Password})
	resume := r.json(t)["resumeUrl"].(string)
	// A fresh client has no ST cookie.
	detail(t, do(t, noRedirectClient(t), newRequest(t, http.MethodGet, resume, nil)), http.StatusBadRequest, "REQUEST_FAILED")
	// The flow survives that and the right client still gets its code.
	if r := do(t, c, newRequest(t, http.MethodGet, resume, nil)); r.status != http.StatusOK {
		t.Errorf("resume with cookie: %d %s", r.status, r.body)
	}
}
