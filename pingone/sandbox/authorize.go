package sandbox

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// isPKCEValue is RFC 7636 §4.1/§4.2: 43–128 unreserved characters
// ([A-Za-z0-9-._~]). The same grammar covers code_verifier and (S256 or plain)
// code_challenge.
func isPKCEValue(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
		default:
			return false
		}
	}
	return true
}

// authorizeError is an error found after client_id and redirect_uri were
// validated, so it may be returned to the client (RFC 6749 §4.1.2.1).
type authorizeError struct {
	code   string // OAuth error code for browser mode
	desc   string
	target string // platform-error target for pi.flow mode
}

// serveAuthorize implements GET/POST {env}/as/authorize.
func (s *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost)
		return
	}
	var params url.Values
	if r.Method == http.MethodPost {
		if mediaType(r) != "application/x-www-form-urlencoded" {
			writeUnsupportedMediaType(w, r, mediaType(r))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		if err := r.ParseForm(); err != nil {
			writeInvalidRequest(w, r, "")
			return
		}
		params = r.PostForm
	} else {
		params = r.URL.Query()
	}
	piFlow := params.Get("response_mode") == "pi.flow"

	flowID := newUUID()
	s.mu.Lock()
	send := s.authorizeLocked(w, r, params, piFlow, flowID)
	s.mu.Unlock()
	send()
}

// authorizeLocked validates the request and opens the flow; the returned
// function writes the answer once s.mu is released. s.mu must be held.
func (s *Server) authorizeLocked(w http.ResponseWriter, r *http.Request, params url.Values, piFlow bool, flowID string) func() {
	// Errors about the client or the redirect URI are never redirected: the
	// redirect target itself is not trustworthy (RFC 6749 §4.1.2.1).
	clientID := params.Get("client_id")
	app := s.apps[clientID]
	if clientID == "" || app == nil || !app.Enabled {
		return func() {
			refuseWithoutRedirect(w, r, piFlow, "client_id", "The client_id is missing, unknown or the application is disabled.")
		}
	}
	redirectURI := params.Get("redirect_uri")
	redirectTo := redirectURI
	switch {
	case redirectURI == "" && piFlow && len(app.RedirectURIs) > 0:
		// The docs say redirect_uri is optional in pi.flow mode; the code is
		// then bound to "no redirect_uri" at the token endpoint.
		redirectTo = app.RedirectURIs[0]
	case redirectURI == "":
		return func() { refuseWithoutRedirect(w, r, piFlow, "redirect_uri", "The redirect_uri parameter is required.") }
	case !redirectRegistered(app, redirectURI) && !s.lax.RedirectURI: // Lax.RedirectURI: lab only
		return func() {
			refuseWithoutRedirect(w, r, piFlow, "redirect_uri", "The redirect_uri does not match a redirect URI registered for the application.")
		}
	}

	req := authRequest{
		ClientID: clientID, RedirectURI: redirectURI, redirectTo: redirectTo,
		State: params.Get("state"), Nonce: params.Get("nonce"), ResponseMode: "query",
		Challenge: params.Get("code_challenge"), Method: params.Get("code_challenge_method"),
		authorizeTime: s.now(),
	}
	if piFlow {
		req.ResponseMode = "pi.flow"
	}
	if aerr := s.checkAuthorizeLocked(app, params, &req); aerr != nil {
		if piFlow {
			return func() {
				writeInvalidData(w, r, []errorDetail{{Code: "INVALID_VALUE", Target: aerr.target, Message: aerr.desc}})
			}
		}
		return func() {
			redirectWithParams(w, r, redirectTo, url.Values{"error": {aerr.code}, "error_description": {aerr.desc}}, req.State)
		}
	}

	now := s.now()
	f := &flow{ID: flowID, Req: req, Status: "USERNAME_PASSWORD_REQUIRED", CreatedAt: now, ExpiresAt: now.Add(flowLifetime)}
	s.flows[f.ID] = f
	if piFlow {
		body := s.flowJSON(f)
		return func() { writeJSON(w, http.StatusOK, body) }
	}
	signon := s.signonURL(f.ID)
	return func() { http.Redirect(w, r, signon, http.StatusFound) }
}

// checkAuthorizeLocked validates everything after client_id/redirect_uri and
// completes req (scope, PKCE method).
func (s *Server) checkAuthorizeLocked(app *application, params url.Values, req *authRequest) *authorizeError {
	if mode := params.Get("response_mode"); mode != "" && mode != "pi.flow" && mode != "query" {
		return &authorizeError{"invalid_request", "The response_mode is not supported by the sandbox (use query or pi.flow).", "response_mode"}
	}
	rt := params.Get("response_type")
	if rt == "" {
		return &authorizeError{"invalid_request", "The response_type parameter is required.", "response_type"}
	}
	if rt != "code" {
		return &authorizeError{"unsupported_response_type", "Only the code response type is supported.", "response_type"}
	}
	if !contains(app.ResponseTypes, "CODE") || !app.hasGrantType("AUTHORIZATION_CODE") {
		return &authorizeError{"unauthorized_client", "The application is not allowed to use the authorization code flow.", "response_type"}
	}

	scopes := strings.Fields(params.Get("scope"))
	if !contains(scopes, "openid") {
		return &authorizeError{"invalid_scope", "The openid scope is required.", "scope"}
	}
	granted := s.grantedOIDCScopes(app.ID)
	for _, sc := range scopes {
		if sc == "openid" {
			continue
		}
		if !isOIDCScope(sc) {
			return &authorizeError{"invalid_scope", "The scope " + quoteForMessage(sc) + " is not known.", "scope"}
		}
		if !contains(granted, sc) {
			return &authorizeError{"invalid_scope", "The scope " + quoteForMessage(sc) + " has not been granted to the application.", "scope"}
		}
	}
	req.Scope = dedupe(scopes)
	if params.Get("prompt") == "none" {
		// The sandbox keeps no browser SSO session that could satisfy prompt=none.
		return &authorizeError{"login_required", "No authenticated session exists.", "prompt"}
	}

	if req.Method != "" && req.Method != "S256" && req.Method != "plain" {
		return &authorizeError{"invalid_request", "The code_challenge_method must be S256 or plain.", "code_challenge_method"}
	}
	if req.Challenge == "" {
		if req.Method != "" {
			return &authorizeError{"invalid_request", "code_challenge_method was sent without code_challenge.", "code_challenge"}
		}
		// Lax.PKCE (lab only) skips the app's enforcement here and below.
		if !s.lax.PKCE && (app.PKCEEnforcement == "REQUIRED" || app.PKCEEnforcement == "S256_REQUIRED") {
			return &authorizeError{"invalid_request", "The application requires PKCE: code_challenge is required.", "code_challenge"}
		}
		return nil
	}
	if !isPKCEValue(req.Challenge) {
		return &authorizeError{"invalid_request", "The code_challenge must be 43 to 128 unreserved characters.", "code_challenge"}
	}
	if req.Method == "" {
		req.Method = "plain" // RFC 7636 §4.3 default
	}
	if !s.lax.PKCE && app.PKCEEnforcement == "S256_REQUIRED" && req.Method != "S256" {
		// A missing method defaults to plain and is refused, as PingOne documents.
		return &authorizeError{"invalid_request", "The application requires code_challenge_method S256.", "code_challenge_method"}
	}
	return nil
}

func isOIDCScope(name string) bool {
	for _, sc := range oidcScopes {
		if sc.Name == name {
			return true
		}
	}
	return false
}

func dedupe(list []string) []string {
	var out []string
	for _, v := range list {
		if !contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// refuseWithoutRedirect answers an authorize request whose client or redirect
// URI is bad: JSON in pi.flow mode, a plain error page otherwise.
func refuseWithoutRedirect(w http.ResponseWriter, r *http.Request, piFlow bool, target, msg string) {
	if piFlow {
		writeInvalidData(w, r, []errorDetail{{Code: "INVALID_VALUE", Target: target, Message: msg}})
		return
	}
	writeErrorPage(w, http.StatusBadRequest, "Sign-on error", msg)
}

// redirectRegistered compares redirect URIs exactly, except that loopback
// URIs match on any port (RFC 8252 §7.3; PingOne does the same) and that
// registered wildcards apply when the app allows them.
func redirectRegistered(app *application, got string) bool {
	for _, reg := range app.RedirectURIs {
		if reg == got || loopbackEqual(reg, got) {
			return true
		}
		if app.AllowWildcardInRedirectURIs && strings.Contains(reg, "*") && wildcardMatch(reg, got) {
			return true
		}
	}
	return false
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback() && (ip.Equal(net.IPv4(127, 0, 0, 1)) || ip.Equal(net.IPv6loopback))
}

func loopbackEqual(reg, got string) bool {
	a, err1 := url.Parse(reg)
	b, err2 := url.Parse(got)
	if err1 != nil || err2 != nil {
		return false
	}
	if !isLoopbackHost(a.Hostname()) || a.Hostname() != b.Hostname() {
		return false
	}
	return a.Scheme == b.Scheme && a.Path == b.Path && a.RawQuery == b.RawQuery && a.User == nil && b.User == nil &&
		b.Fragment == "" && a.Fragment == ""
}

// wildcardMatch treats each '*' as "any run of characters".
func wildcardMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i, p := range parts[1:] {
		if i == len(parts)-2 {
			return strings.HasSuffix(s, p)
		}
		idx := strings.Index(s, p)
		if idx < 0 {
			return false
		}
		s = s[idx+len(p):]
	}
	return true
}

// redirectWithParams sends the browser to target with extra query parameters
// (and state when the client sent one), keeping target's own query.
func redirectWithParams(w http.ResponseWriter, r *http.Request, target string, extra url.Values, state string) {
	u, err := url.Parse(target)
	if err != nil {
		writeErrorPage(w, http.StatusBadRequest, "Sign-on error", "The redirect URI is not valid.")
		return
	}
	q := u.Query()
	for k, vs := range extra {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	if state != "" {
		q.Set("state", state)
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, u.String(), http.StatusFound)
}
