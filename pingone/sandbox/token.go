package sandbox

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// grantTypeNames maps OAuth grant_type values to PingOne's grantTypes enum.
var grantTypeNames = map[string]string{
	"authorization_code": "AUTHORIZATION_CODE",
	"refresh_token":      "REFRESH_TOKEN",
	"client_credentials": "CLIENT_CREDENTIALS",
}

// parseTokenForm reads an application/x-www-form-urlencoded body (RFC 6749
// §3.2: the token endpoint only takes POST with a form body).
func parseTokenForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeOAuthError(w, http.StatusMethodNotAllowed, "invalid_request", "The endpoint only accepts POST")
		return nil, false
	}
	if mediaType(r) != "application/x-www-form-urlencoded" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The request body must be application/x-www-form-urlencoded")
		return nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "The request body could not be parsed")
		return nil, false
	}
	return r.PostForm, true
}

// authenticateClientLocked applies the app's tokenEndpointAuthMethod.
//   - NONE (public clients): client_id in the body and no credentials at all;
//     a Basic header or client_secret is refused with invalid_client, because
//     PingOne binds each app to exactly one method.
//   - CLIENT_SECRET_BASIC / CLIENT_SECRET_POST: either style is accepted
//     (clients such as x/oauth2 auto-detect the style by trying both).
//
// On failure it writes the error and returns nil. s.mu must be held.
func (s *Server) authenticateClientLocked(w http.ResponseWriter, r *http.Request, form url.Values) *application {
	basicID, basicSecret, hasBasic := r.BasicAuth()
	if hasBasic {
		// RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
		if v, err := url.QueryUnescape(basicID); err == nil {
			basicID = v
		}
		if v, err := url.QueryUnescape(basicSecret); err == nil {
			basicSecret = v
		}
	} else if r.Header.Get("Authorization") != "" {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Unsupported Authorization header")
		return nil
	}
	bodyID, bodySecret := form.Get("client_id"), form.Get("client_secret")
	if hasBasic && bodySecret != "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "Only one client authentication method may be used")
		return nil
	}
	if hasBasic && bodyID != "" && bodyID != basicID {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "client_id does not match the authenticated client")
		return nil
	}
	clientID := bodyID
	if hasBasic {
		clientID = basicID
	}
	if clientID == "" {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication is required")
		return nil
	}
	app := s.apps[clientID]
	if app == nil || !app.Enabled {
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Unknown or disabled client")
		return nil
	}
	switch app.TokenEndpointAuthMethod {
	case "NONE":
		if hasBasic || bodySecret != "" {
			writeOAuthError(w, http.StatusUnauthorized, "invalid_client",
				"The application's token endpoint authentication method is NONE; send client_id only")
			return nil
		}
	case "CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST":
		secret := bodySecret
		if hasBasic {
			secret = basicSecret
		}
		if secret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(app.secret)) != 1 {
			writeOAuthError(w, http.StatusUnauthorized, "invalid_client", "Client authentication failed")
			return nil
		}
	default:
		writeOAuthError(w, http.StatusUnauthorized, "invalid_client",
			"The token endpoint authentication method "+app.TokenEndpointAuthMethod+" is not supported by the sandbox")
		return nil
	}
	return app
}

// serveToken implements POST {env}/as/token.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	form, ok := parseTokenForm(w, r)
	if !ok {
		return
	}
	gt := form.Get("grant_type")
	if gt == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "grant_type is required")
		return
	}
	pingGrant, known := grantTypeNames[gt]
	if !known {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "The grant type is not supported")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	app := s.authenticateClientLocked(w, r, form)
	if app == nil {
		return
	}
	if !app.hasGrantType(pingGrant) {
		writeOAuthError(w, http.StatusBadRequest, "unauthorized_client", "The application is not allowed to use the "+gt+" grant type")
		return
	}
	var resp map[string]any
	var errCode, errDesc string
	switch gt {
	case "client_credentials":
		resp = s.clientCredentialsLocked(app)
	case "authorization_code":
		resp, errCode, errDesc = s.exchangeCodeLocked(app, form)
	case "refresh_token":
		resp, errCode, errDesc = s.refreshLocked(app, form)
	}
	if errCode != "" {
		writeOAuthError(w, http.StatusBadRequest, errCode, errDesc)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}

// clientCredentialsLocked mints a worker (client_credentials) token: no sub,
// no sid, aud is the PingOne API resource ({base}), env/org present.
func (s *Server) clientCredentialsLocked(app *application) map[string]any {
	now := s.now()
	jti := newUUID()
	exp := now.Add(accessTokenLifetime)
	claims := jwt.MapClaims{
		"iss": s.issuerLocked(), "aud": []string{s.base}, "client_id": app.ID,
		"env": s.envID, "org": s.orgID, "iat": now.Unix(), "exp": exp.Unix(), "jti": jti,
	}
	s.access[jti] = &accessRecord{ClientID: app.ID, GrantType: "client_credentials", IssuedAt: now, ExpiresAt: exp}
	return map[string]any{
		"access_token": s.signLocked(claims),
		"token_type":   "Bearer",
		"expires_in":   int(accessTokenLifetime.Seconds()),
	}
}

// exchangeCodeLocked is RFC 6749 §4.1.3 plus RFC 7636 §4.6.
func (s *Server) exchangeCodeLocked(app *application, form url.Values) (map[string]any, string, string) {
	code := form.Get("code")
	if code == "" {
		return nil, "invalid_request", "code is required"
	}
	c := s.codes[code]
	if c == nil || c.Req.ClientID != app.ID {
		return nil, "invalid_grant", "The authorization code is invalid or expired"
	}
	if c.Used {
		// RFC 6749 §4.1.2: a reused code revokes what it produced.
		s.revokeIssuedLocked(c.issued)
		return nil, "invalid_grant", "The authorization code has already been used"
	}
	// Any presentation consumes the code, so a wrong verifier cannot be retried.
	c.Used = true
	if !s.now().Before(c.ExpiresAt) {
		return nil, "invalid_grant", "The authorization code is invalid or expired"
	}
	redirectURI := form.Get("redirect_uri")
	if c.Req.RedirectURI != "" && redirectURI != c.Req.RedirectURI {
		return nil, "invalid_grant", "redirect_uri does not match the authorization request"
	}
	if c.Req.RedirectURI == "" && redirectURI != "" && !redirectRegistered(app, redirectURI) {
		return nil, "invalid_grant", "redirect_uri is not registered for the application"
	}
	verifier := form.Get("code_verifier")
	if c.Req.Challenge != "" {
		if verifier == "" {
			return nil, "invalid_grant", "code_verifier is required"
		}
		if !pkceValue.MatchString(verifier) {
			return nil, "invalid_grant", "code_verifier must be 43 to 128 unreserved characters"
		}
		if !pkceMatches(c.Req.Method, c.Req.Challenge, verifier) {
			return nil, "invalid_grant", "PKCE verification failed"
		}
	} else if verifier != "" {
		// RFC 9700 §4.8.2: a verifier without a challenge signals a downgrade.
		return nil, "invalid_grant", "code_verifier was sent but the authorization request had no code_challenge"
	}
	if s.users[c.UserID] == nil {
		return nil, "invalid_grant", "The user no longer exists"
	}
	resp, issued := s.issueUserTokensLocked(app, c.UserID, c.Req.Scope, c.SessionID, c.AuthTime, c.Req.Nonce, "", s.refreshAllowedLocked(app, c.Req.Scope))
	c.issued = issued
	return resp, "", ""
}

func pkceMatches(method, challenge, verifier string) bool {
	want := verifier
	if method == "S256" {
		sum := sha256.Sum256([]byte(verifier))
		want = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(challenge)) == 1
}

// refreshAllowedLocked: refresh tokens need the REFRESH_TOKEN grant type; if
// the app's openid grant contains offline_access they are only issued when
// offline_access was requested (pingone-api.md §3.4).
func (s *Server) refreshAllowedLocked(app *application, scope []string) bool {
	if !app.hasGrantType("REFRESH_TOKEN") {
		return false
	}
	if contains(s.grantedOIDCScopes(app.ID), "offline_access") {
		return contains(scope, "offline_access")
	}
	return true
}

// refreshLocked rotates refresh tokens: each use returns a new one and the
// old one dies; replaying a used one revokes the whole family when the app
// has additionalRefreshTokenReplayProtectionEnabled (the default).
func (s *Server) refreshLocked(app *application, form url.Values) (map[string]any, string, string) {
	tok := form.Get("refresh_token")
	if tok == "" {
		return nil, "invalid_request", "refresh_token is required"
	}
	rec := s.refresh[tok]
	if rec == nil || rec.ClientID != app.ID || rec.Revoked || !s.now().Before(rec.ExpiresAt) {
		return nil, "invalid_grant", "The refresh token is invalid or expired"
	}
	if rec.Used {
		if app.ReplayProtection {
			s.revokeFamilyLocked(rec.Family)
		}
		return nil, "invalid_grant", "The refresh token has already been used"
	}
	scope := rec.Scope
	if req := form.Get("scope"); req != "" {
		scope = dedupe(strings.Fields(req))
		for _, sc := range scope {
			if !contains(rec.Scope, sc) {
				return nil, "invalid_scope", "The requested scope exceeds the scope originally granted"
			}
		}
	}
	if s.users[rec.UserID] == nil {
		return nil, "invalid_grant", "The user no longer exists"
	}
	rec.Used = true
	resp, _ := s.issueUserTokensLocked(app, rec.UserID, scope, rec.SessionID, rec.AuthTime, "", rec.Family, true)
	return resp, "", ""
}

// issueUserTokensLocked mints access, ID and (optionally) refresh tokens for a
// signed-in user and returns the response plus what was issued (jtis and
// refresh tokens) for later revocation.
func (s *Server) issueUserTokensLocked(app *application, userID string, scope []string, sid string, authTime time.Time,
	nonce, family string, withRefresh bool,
) (map[string]any, []string) {
	now := s.now()
	u := s.users[userID]
	jti := newUUID()
	exp := now.Add(accessTokenLifetime)
	if family == "" {
		family = newUUID()
	}
	scopeStr := strings.Join(scope, " ")
	at := s.signLocked(jwt.MapClaims{
		"iss": s.issuerLocked(), "sub": userID, "aud": []string{s.base}, "client_id": app.ID,
		"scope": scopeStr, "sid": sid, "acr": "Single_Factor", "amr": []string{"pwd"},
		"auth_time": authTime.Unix(), "iat": now.Unix(), "exp": exp.Unix(), "jti": jti,
		"env": s.envID, "org": s.orgID,
	})
	s.access[jti] = &accessRecord{ClientID: app.ID, UserID: userID, GrantType: "user", Scope: scope, SessionID: sid,
		IssuedAt: now, ExpiresAt: exp, family: family}
	issued := []string{jti}
	resp := map[string]any{
		"access_token": at,
		"token_type":   "Bearer",
		"expires_in":   int(accessTokenLifetime.Seconds()),
		"scope":        scopeStr,
	}
	if contains(scope, "openid") {
		claims := jwt.MapClaims{
			"iss": s.issuerLocked(), "sub": userID, "aud": app.ID, "iat": now.Unix(),
			"exp": now.Add(idTokenLifetime).Unix(), "auth_time": authTime.Unix(), "at_hash": atHash(at),
			"acr": "Single_Factor", "amr": []string{"pwd"}, "sid": sid,
		}
		if nonce != "" {
			claims["nonce"] = nonce
		}
		for k, v := range userClaims(u, scope) {
			claims[k] = v
		}
		resp["id_token"] = s.signLocked(claims)
	}
	if withRefresh {
		rt := randomToken(48)
		s.refresh[rt] = &refreshRecord{Family: family, ClientID: app.ID, UserID: userID, Scope: scope, SessionID: sid,
			AuthTime: authTime, IssuedAt: now, ExpiresAt: now.Add(time.Duration(app.RefreshTokenDuration) * time.Second)}
		resp["refresh_token"] = rt
		issued = append(issued, rt)
	}
	return resp, issued
}

// userClaims returns the profile/email claims for the granted scopes
// (OIDC Core §5.4).
func userClaims(u *user, scope []string) map[string]any {
	m := map[string]any{}
	if u == nil {
		return m
	}
	if contains(scope, "profile") {
		m["name"] = u.fullName()
		m["given_name"] = u.Given
		m["family_name"] = u.Family
		m["preferred_username"] = u.Username
		m["updated_at"] = u.UpdatedAt.Unix()
	}
	if contains(scope, "email") {
		m["email"] = u.Email
		m["email_verified"] = false // the sandbox never verifies addresses
	}
	return m
}

func (s *Server) revokeIssuedLocked(issued []string) {
	for _, id := range issued {
		if rec := s.access[id]; rec != nil {
			rec.Revoked = true
		}
		if rec := s.refresh[id]; rec != nil {
			s.revokeFamilyLocked(rec.Family)
		}
	}
}

func (s *Server) revokeFamilyLocked(family string) {
	for _, rec := range s.refresh {
		if rec.Family == family {
			rec.Revoked = true
		}
	}
	for _, rec := range s.access {
		if rec.family == family {
			rec.Revoked = true
		}
	}
}
