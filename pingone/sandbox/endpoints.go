package sandbox

import (
	"net/http"
	"net/url"

	"github.com/golang-jwt/jwt/v5"
)

// serveDiscovery implements {env}/as/.well-known/openid-configuration.
func (s *Server) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeMethodNotAllowed(w, r, http.MethodGet)
		return
	}
	s.mu.Lock()
	iss := s.issuerLocked()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                        iss,
		"authorization_endpoint":                        iss + "/authorize",
		"token_endpoint":                                iss + "/token",
		"userinfo_endpoint":                             iss + "/userinfo",
		"jwks_uri":                                      iss + "/jwks",
		"end_session_endpoint":                          iss + "/signoff",
		"revocation_endpoint":                           iss + "/revoke",
		"introspection_endpoint":                        iss + "/introspect",
		"scopes_supported":                              []string{"openid", "profile", "email", "address", "phone", "offline_access"},
		"response_types_supported":                      []string{"code"},
		"response_modes_supported":                      []string{"pi.flow", "query"},
		"grant_types_supported":                         []string{"authorization_code", "client_credentials", "refresh_token"},
		"subject_types_supported":                       []string{"public"},
		"id_token_signing_alg_values_supported":         []string{"RS256"},
		"userinfo_signing_alg_values_supported":         []string{"none"},
		"code_challenge_methods_supported":              []string{"S256", "plain"},
		"token_endpoint_auth_methods_supported":         []string{"client_secret_basic", "client_secret_post", "none"},
		"revocation_endpoint_auth_methods_supported":    []string{"client_secret_basic", "client_secret_post", "none"},
		"introspection_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post", "none"},
		"claims_supported": []string{"sub", "iss", "auth_time", "acr", "amr", "sid", "name", "given_name", "family_name",
			"preferred_username", "updated_at", "email", "email_verified"},
		"claims_parameter_supported":            false,
		"request_parameter_supported":           false,
		"request_uri_parameter_supported":       false,
		"require_pushed_authorization_requests": false,
	})
}

// serveUserinfo implements {env}/as/userinfo (OIDC Core §5.3). Tokens from
// client_credentials get ACCESS_FAILED, as PingOne documents.
func (s *Server) serveUserinfo(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost)
		return
	}
	raw, ok := bearerToken(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="PingOne"`)
		writePlatformError(w, r, http.StatusUnauthorized, "ACCESS_FAILED",
			"The request could not be completed. A Bearer access token is required.", nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, err := s.accessRecordLocked(raw)
	if err != nil || (rec.UserID != "" && s.users[rec.UserID] == nil) {
		// RFC 6750 §3.1
		w.Header().Set("WWW-Authenticate", `Bearer realm="PingOne", error="invalid_token", error_description="The access token is invalid or expired"`)
		writePlatformError(w, r, http.StatusUnauthorized, "ACCESS_FAILED",
			"The request could not be completed. The access token is invalid or expired.", nil)
		return
	}
	if rec.UserID == "" || !contains(rec.Scope, "openid") {
		w.Header().Set("WWW-Authenticate", `Bearer realm="PingOne", error="insufficient_scope"`)
		writePlatformError(w, r, http.StatusForbidden, "ACCESS_FAILED",
			"The request could not be completed. The access token was not issued to a user with the openid scope.", nil)
		return
	}
	claims := userClaims(s.users[rec.UserID], rec.Scope)
	claims["sub"] = rec.UserID
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, claims)
}

// serveRevoke implements RFC 7009: 200 with an empty body, also for unknown
// tokens or tokens of other clients (which are left alone).
func (s *Server) serveRevoke(w http.ResponseWriter, r *http.Request) {
	form, ok := parseTokenForm(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	app := s.authenticateClientLocked(w, r, form)
	if app == nil {
		return
	}
	tok := form.Get("token")
	if tok == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "token is required")
		return
	}
	if rec := s.refresh[tok]; rec != nil && rec.ClientID == app.ID {
		s.revokeFamilyLocked(rec.Family)
	} else if claims, err := s.parseTokenLocked(tok, false); err == nil {
		jti, _ := claims["jti"].(string)
		if rec := s.access[jti]; rec != nil && rec.ClientID == app.ID {
			rec.Revoked = true
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

// serveIntrospect implements RFC 7662 for the caller's own tokens.
func (s *Server) serveIntrospect(w http.ResponseWriter, r *http.Request) {
	form, ok := parseTokenForm(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	app := s.authenticateClientLocked(w, r, form)
	if app == nil {
		return
	}
	tok := form.Get("token")
	if tok == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "token is required")
		return
	}
	inactive := map[string]any{"active": false}
	w.Header().Set("Cache-Control", "no-store")
	if rec := s.refresh[tok]; rec != nil {
		if rec.ClientID != app.ID || rec.Revoked || rec.Used || !s.now().Before(rec.ExpiresAt) {
			writeJSON(w, http.StatusOK, inactive)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"active": true, "token_type": "refresh_token", "client_id": rec.ClientID, "sub": rec.UserID,
			"scope": joinSpace(rec.Scope), "iat": rec.IssuedAt.Unix(), "exp": rec.ExpiresAt.Unix(), "iss": s.issuerLocked(),
		})
		return
	}
	rec, err := s.accessRecordLocked(tok)
	if err != nil || rec.ClientID != app.ID {
		writeJSON(w, http.StatusOK, inactive)
		return
	}
	resp := map[string]any{
		"active": true, "token_type": "Bearer", "client_id": rec.ClientID, "scope": joinSpace(rec.Scope),
		"iat": rec.IssuedAt.Unix(), "exp": rec.ExpiresAt.Unix(), "iss": s.issuerLocked(), "aud": []string{s.base},
	}
	if rec.UserID != "" {
		resp["sub"] = rec.UserID
		resp["sid"] = rec.SessionID
	}
	writeJSON(w, http.StatusOK, resp)
}

func joinSpace(list []string) string {
	out := ""
	for i, v := range list {
		if i > 0 {
			out += " "
		}
		out += v
	}
	return out
}

// serveSignoff implements {env}/as/signoff (RP-initiated logout). The
// post_logout_redirect_uri must be registered exactly on the app named by the
// id_token_hint's aud (or client_id); otherwise nothing is redirected.
func (s *Server) serveSignoff(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost)
		return
	}
	if err := r.ParseForm(); err != nil {
		writeErrorPage(w, http.StatusBadRequest, "Sign-off error", "The request could not be read.")
		return
	}
	hint, target, state := r.Form.Get("id_token_hint"), r.Form.Get("post_logout_redirect_uri"), r.Form.Get("state")
	s.mu.Lock()
	defer s.mu.Unlock()
	clientID := r.Form.Get("client_id")
	var sid string
	if hint != "" {
		claims, err := s.parseTokenLocked(hint, false)
		if err != nil {
			writeErrorPage(w, http.StatusBadRequest, "Sign-off error", "The id_token_hint is not a valid ID token from this environment.")
			return
		}
		aud, _ := audience(claims)
		if clientID != "" && clientID != aud {
			writeErrorPage(w, http.StatusBadRequest, "Sign-off error", "client_id does not match the id_token_hint.")
			return
		}
		clientID = aud
		sid, _ = claims["sid"].(string)
	}
	if target != "" {
		app := s.apps[clientID]
		if app == nil || !contains(app.PostLogoutRedirectURIs, target) {
			writeErrorPage(w, http.StatusBadRequest, "Sign-off error", "The post_logout_redirect_uri is not registered for the application.")
			return
		}
	}
	if c, err := r.Cookie("ST"); err == nil {
		if sess := s.sessions[c.Value]; sess != nil {
			sid = sess.ID
		}
	}
	for tok, sess := range s.sessions {
		if sid != "" && sess.ID == sid {
			delete(s.sessions, tok)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: "ST", Value: "", Path: "/" + s.envID, MaxAge: -1, HttpOnly: true})
	if target != "" {
		redirectWithParams(w, r, target, url.Values{}, state)
		return
	}
	writeErrorPage(w, http.StatusOK, "Signed out", "You have been signed out.")
}

// audience returns a single-valued aud claim.
func audience(claims jwt.MapClaims) (string, bool) {
	aud, err := claims.GetAudience()
	if err != nil || len(aud) != 1 {
		return "", false
	}
	return aud[0], true
}
