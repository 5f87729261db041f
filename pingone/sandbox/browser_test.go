package sandbox_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// browserAuthorize starts browser mode and returns the sign-on page URL.
func (e *env) browserAuthorize(c *http.Client, app string, p pkce) string {
	e.t.Helper()
	params := authorizeParams(app, p)
	params.Del("response_mode")
	r := do(e.t, c, newRequest(e.t, http.MethodGet, e.asURL("authorize")+"?"+params.Encode(), nil))
	if r.status != http.StatusFound {
		e.t.Fatalf("authorize: %d %s", r.status, r.body)
	}
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, e.envPath()+"/signon/?flowId=") {
		e.t.Fatalf("authorize Location = %q", loc)
	}
	return loc
}

func TestBrowserSignOnChain(t *testing.T) {
	e := newEnv(t)
	app := e.createApp(e.workerToken(), nil)
	c := noRedirectClient(t)
	p := newPKCE()
	page := e.browserAuthorize(c, app, p)

	r := do(t, c, newRequest(t, http.MethodGet, page, nil))
	html := string(r.body)
	for _, want := range []string{`id="username"`, `name="username"`, `id="password"`, `name="password"`, `id="signin"`, `id="cancel"`} {
		if !strings.Contains(html, want) {
			t.Errorf("sign-on page lacks %s", want)
		}
	}
	for _, bad := range []string{"<script", "http://", "https://"} {
		if bad != "<script" && strings.Contains(strings.ReplaceAll(html, e.ts.URL, ""), bad) {
			t.Errorf("page references an external resource (%s)", bad)
		}
		if bad == "<script" && strings.Contains(html, bad) {
			t.Error("page contains a script")
		}
	}
	if r.header.Get("Referrer-Policy") != "no-referrer" || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("page headers = %v", r.header)
	}

	r = postForm(t, c, page, url.Values{"username": {e.info.User.Username}, "password": {e.info.User.Password}, "action": {"signin"}})
	if r.status != http.StatusFound || !strings.Contains(r.header.Get("Location"), "/as/resume?flowId=") {
		t.Fatalf("form post: %d %q %s", r.status, r.header.Get("Location"), r.body)
	}
	r = do(t, c, newRequest(t, http.MethodGet, r.header.Get("Location"), nil))
	if r.status != http.StatusFound {
		t.Fatalf("resume: %d %s", r.status, r.body)
	}
	cb, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if cb.Scheme+"://"+cb.Host+cb.Path != seedRedirect || cb.Query().Get("state") != "state-123" || cb.Query().Get("code") == "" {
		t.Fatalf("callback = %s", cb)
	}
	if tr := e.exchange(app, cb.Query().Get("code"), p.verifier); tr.status != http.StatusOK {
		t.Fatalf("exchange: %d %s", tr.status, tr.body)
	}
}

func TestBrowserWrongPasswordIsEscaped(t *testing.T) {
	e := newEnv(t)
	app := e.createApp(e.workerToken(), nil)
	c := noRedirectClient(t)
	page := e.browserAuthorize(c, app, newPKCE())
	r := postForm(t, c, page, url.Values{"username": {`<script>alert(1)</script>`}, "password": {"x"}, "action": {"signin"}})
	body := string(r.body)
	if r.status != http.StatusOK || !strings.Contains(body, "Invalid username and/or password.") {
		t.Fatalf("re-render: %d %s", r.status, body)
	}
	if strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "&lt;script&gt;") {
		t.Error("username not escaped in the re-rendered page")
	}
}

func TestBrowserCancel(t *testing.T) {
	e := newEnv(t)
	app := e.createApp(e.workerToken(), nil)
	c := noRedirectClient(t)
	page := e.browserAuthorize(c, app, newPKCE())
	r := postForm(t, c, page, url.Values{"action": {"cancel"}})
	loc, _ := url.Parse(r.header.Get("Location"))
	if r.status != http.StatusFound || loc == nil || loc.Query().Get("error") != "access_denied" || loc.Query().Get("state") != "state-123" {
		t.Fatalf("cancel: %d %q", r.status, r.header.Get("Location"))
	}
	// The flow is gone.
	if r := do(t, c, newRequest(t, http.MethodGet, page, nil)); r.status != http.StatusNotFound {
		t.Errorf("page after cancel: %d", r.status)
	}
}

func TestBrowserChangePassword(t *testing.T) {
	e := newEnv(t)
	app := e.createApp(e.workerToken(), nil)
	e.s.SetUserPasswordState(e.info.User.Username, "PASSWORD_EXPIRED")
	c := noRedirectClient(t)
	page := e.browserAuthorize(c, app, newPKCE())
	r := postForm(t, c, page, url.Values{"username": {e.info.User.Username}, "password": {e.info.User.Password}, "action": {"signin"}})
	if !strings.Contains(string(r.body), `id="currentPassword"`) || !strings.Contains(string(r.body), `id="newPassword"`) {
		t.Fatalf("no change-password form: %s", r.body)
	}
	r = postForm(t, c, page, url.Values{"currentPassword": {e.info.User.Password}, "newPassword": {"Fresh-Passw0rd!"}, "action": {"changePassword"}})
	if r.status != http.StatusFound || !strings.Contains(r.header.Get("Location"), "/as/resume") {
		t.Fatalf("change: %d %s", r.status, r.body)
	}
}

func TestBrowserAuthorizeErrors(t *testing.T) {
	e := newEnv(t)
	w := e.workerToken()
	app := e.createApp(w, nil)
	p := newPKCE()

	// Bad redirect_uri: an error page, never a redirect (RFC 6749 §4.1.2.1).
	params := authorizeParams(app, p)
	params.Del("response_mode")
	params.Set("redirect_uri", "https://evil.example/cb")
	r := do(t, nil, newRequest(t, http.MethodGet, e.asURL("authorize")+"?"+params.Encode(), nil))
	if r.status != http.StatusBadRequest || r.header.Get("Location") != "" {
		t.Errorf("bad redirect: %d %q", r.status, r.header.Get("Location"))
	}

	// Other errors go back to the client with state.
	params = authorizeParams(app, p)
	params.Del("response_mode")
	params.Del("code_challenge_method")
	r = do(t, nil, newRequest(t, http.MethodGet, e.asURL("authorize")+"?"+params.Encode(), nil))
	loc, _ := url.Parse(r.header.Get("Location"))
	if r.status != http.StatusFound || loc.Query().Get("error") != "invalid_request" || loc.Query().Get("state") != "state-123" ||
		loc.Query().Get("error_description") == "" || !strings.HasPrefix(loc.String(), seedRedirect) {
		t.Errorf("S256 without method: %d %q", r.status, r.header.Get("Location"))
	}
	params.Set("code_challenge_method", "S256")
	params.Set("scope", "openid email")
	r = do(t, nil, newRequest(t, http.MethodGet, e.asURL("authorize")+"?"+params.Encode(), nil))
	if loc, _ := url.Parse(r.header.Get("Location")); loc == nil || loc.Query().Get("error") != "invalid_scope" {
		t.Errorf("ungranted scope: %d %q", r.status, r.header.Get("Location"))
	}
}
