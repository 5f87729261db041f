package sandbox

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"
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

// serveToken implements POST {env}/as/token. The grant is checked and its
// effects (the code or refresh token consumed, the token records created)
// happen under s.mu; the tokens are signed once it is released.
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
	ids := newTokenIDs()
	s.mu.Lock()
	p, errCode, errDesc, answered := s.grantLocked(w, r, form, gt, pingGrant, ids)
	s.mu.Unlock()
	if answered {
		return
	}
	if errCode != "" {
		writeOAuthError(w, http.StatusBadRequest, errCode, errDesc)
		return
	}
	resp := p.sign()
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, resp)
}

// grantLocked authenticates the client and applies the grant. answered means
// the error response was already written (client authentication). s.mu must
// be held.
func (s *Server) grantLocked(w http.ResponseWriter, r *http.Request, form url.Values, gt, pingGrant string, ids tokenIDs) (
	p *pendingTokens, errCode, errDesc string, answered bool,
) {
	app := s.authenticateClientLocked(w, r, form)
	if app == nil {
		return nil, "", "", true
	}
	if !app.hasGrantType(pingGrant) {
		return nil, "unauthorized_client", "The application is not allowed to use the " + gt + " grant type", false
	}
	switch gt {
	case "client_credentials":
		p = s.clientCredentialsLocked(app, ids)
	case "authorization_code":
		p, errCode, errDesc = s.exchangeCodeLocked(app, form, ids)
	case "refresh_token":
		p, errCode, errDesc = s.refreshLocked(app, form, ids)
	}
	return p, errCode, errDesc, false
}

// tokenIDs are the random values a token response may need (RFC 7519 §4.1.7
// jti, a refresh-token family, the refresh token itself), drawn before s.mu
// is taken so that crypto/rand does not run under it.
type tokenIDs struct {
	jti, family, refresh string
}

func newTokenIDs() tokenIDs {
	return tokenIDs{jti: newUUID(), family: newUUID(), refresh: randomToken(48)}
}

// pendingTokens is a token response whose JWTs are not signed yet: the claims
// and the key were taken under s.mu, the signatures are made without it.
type pendingTokens struct {
	key    *signingKey
	access any       // *accessClaims or *workerClaims
	id     *idClaims // nil: no ID token; at_hash is added by sign
	resp   *tokenResponse
}

// sign signs the access token and then the ID token (whose at_hash covers the
// access token, OIDC Core §3.1.3.6) and returns the response body.
func (p *pendingTokens) sign() *tokenResponse {
	at := p.key.sign(p.access)
	p.resp.AccessToken = at
	if p.id != nil {
		p.id.AtHash = atHash(at)
		p.resp.IDToken = p.key.sign(p.id)
	}
	return p.resp
}

// The claim sets and the token response are structs whose fields are in the
// order encoding/json gives map keys (sorted), so they encode exactly as the
// equivalent maps would, only faster. Optional members are pointers or
// omitempty strings that are never empty when present.

// clientCredentialsLocked mints a worker (client_credentials) token: no sub,
// no sid, aud is the PingOne API resource ({base}), env/org present.
func (s *Server) clientCredentialsLocked(app *application, ids tokenIDs) *pendingTokens {
	now := s.now()
	jti := ids.jti
	exp := now.Add(accessTokenLifetime)
	claims := &workerClaims{
		Iss: s.issuerLocked(), Aud: []string{s.base}, ClientID: app.ID,
		Env: s.envID, Org: s.orgID, Iat: now.Unix(), Exp: exp.Unix(), Jti: jti,
	}
	s.access[jti] = &accessRecord{ClientID: app.ID, GrantType: "client_credentials", IssuedAt: now, ExpiresAt: exp}
	return &pendingTokens{key: s.signingKeyLocked(), access: claims, resp: &tokenResponse{
		TokenType: "Bearer",
		ExpiresIn: int(accessTokenLifetime.Seconds()),
	}}
}

// exchangeCodeLocked is RFC 6749 §4.1.3 plus RFC 7636 §4.6. The code is
// consumed under s.mu, so it is redeemable once even under concurrency.
func (s *Server) exchangeCodeLocked(app *application, form url.Values, ids tokenIDs) (*pendingTokens, string, string) {
	code := form.Get("code")
	if code == "" {
		return nil, "invalid_request", "code is required"
	}
	c := s.codes[code]
	// The Lax switches (lax.go) are for tests and the lab; they are all off by default.
	if c == nil || (c.Req.ClientID != app.ID && !s.lax.ClientBinding) {
		return nil, "invalid_grant", "The authorization code is invalid or expired"
	}
	if c.Used && !s.lax.CodeReuse {
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
	if c.Req.RedirectURI != "" && redirectURI != c.Req.RedirectURI && !s.lax.RedirectURI {
		return nil, "invalid_grant", "redirect_uri does not match the authorization request"
	}
	if c.Req.RedirectURI == "" && redirectURI != "" && !redirectRegistered(app, redirectURI) && !s.lax.RedirectURI {
		return nil, "invalid_grant", "redirect_uri is not registered for the application"
	}
	verifier := form.Get("code_verifier")
	switch {
	case s.lax.PKCE:
		// Lax.PKCE: the verifier is not checked at all.
	case c.Req.Challenge != "":
		if verifier == "" {
			return nil, "invalid_grant", "code_verifier is required"
		}
		if !isPKCEValue(verifier) {
			return nil, "invalid_grant", "code_verifier must be 43 to 128 unreserved characters"
		}
		if !pkceMatches(c.Req.Method, c.Req.Challenge, verifier) {
			return nil, "invalid_grant", "PKCE verification failed"
		}
	case verifier != "":
		// RFC 9700 §4.8.2: a verifier without a challenge signals a downgrade.
		return nil, "invalid_grant", "code_verifier was sent but the authorization request had no code_challenge"
	}
	if s.users[c.UserID] == nil {
		return nil, "invalid_grant", "The user no longer exists"
	}
	p, issued := s.issueUserTokensLocked(app, c.UserID, c.Req.Scope, c.SessionID, c.AuthTime, c.Req.Nonce, ids, s.refreshAllowedLocked(app, c.Req.Scope))
	c.issued = issued
	return p, "", ""
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
func (s *Server) refreshLocked(app *application, form url.Values, ids tokenIDs) (*pendingTokens, string, string) {
	tok := form.Get("refresh_token")
	if tok == "" {
		return nil, "invalid_request", "refresh_token is required"
	}
	rec := s.refresh[tok]
	if rec == nil || rec.ClientID != app.ID || rec.Revoked || !s.now().Before(rec.ExpiresAt) {
		return nil, "invalid_grant", "The refresh token is invalid or expired"
	}
	if rec.Used && !s.lax.RefreshReplay { // Lax.RefreshReplay: lab only
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
	if rec.Family != "" {
		ids.family = rec.Family // the rotation stays in the family
	}
	p, _ := s.issueUserTokensLocked(app, rec.UserID, scope, rec.SessionID, rec.AuthTime, "", ids, true)
	return p, "", ""
}

// issueUserTokensLocked records access, ID and (optionally) refresh tokens for
// a signed-in user and returns them for signing plus what was issued (jtis
// and refresh tokens) for later revocation. ids.family is the refresh-token
// family: the fresh one for a code exchange, the old one for a rotation.
// s.mu must be held.
func (s *Server) issueUserTokensLocked(app *application, userID string, scope []string, sid string, authTime time.Time,
	nonce string, ids tokenIDs, withRefresh bool,
) (*pendingTokens, []string) {
	now := s.now()
	u := s.users[userID]
	jti := ids.jti
	exp := now.Add(accessTokenLifetime)
	family := ids.family
	scopeStr := strings.Join(scope, " ")
	p := &pendingTokens{key: s.signingKeyLocked()}
	p.access = &accessClaims{
		Iss: s.issuerLocked(), Sub: userID, Aud: []string{s.base}, ClientID: app.ID,
		Scope: scopeStr, Sid: sid, Acr: "Single_Factor", Amr: []string{"pwd"},
		AuthTime: authTime.Unix(), Iat: now.Unix(), Exp: exp.Unix(), Jti: jti,
		Env: s.envID, Org: s.orgID,
	}
	s.access[jti] = &accessRecord{ClientID: app.ID, UserID: userID, GrantType: "user", Scope: scope, SessionID: sid,
		IssuedAt: now, ExpiresAt: exp, family: family}
	issued := []string{jti}
	p.resp = &tokenResponse{
		TokenType: "Bearer",
		ExpiresIn: int(accessTokenLifetime.Seconds()),
		Scope:     &scopeStr,
	}
	if contains(scope, "openid") {
		p.id = &idClaims{
			Iss: s.issuerLocked(), Sub: userID, Aud: app.ID, Iat: now.Unix(),
			Exp: now.Add(idTokenLifetime).Unix(), AuthTime: authTime.Unix(),
			Acr: "Single_Factor", Amr: []string{"pwd"}, Sid: sid, Nonce: nonce,
		}
		p.id.setUserClaims(u, scope)
	}
	if withRefresh {
		rt := ids.refresh
		s.refresh[rt] = &refreshRecord{Family: family, ClientID: app.ID, UserID: userID, Scope: scope, SessionID: sid,
			AuthTime: authTime, IssuedAt: now, ExpiresAt: now.Add(time.Duration(app.RefreshTokenDuration) * time.Second)}
		p.resp.RefreshToken = rt
		issued = append(issued, rt)
	}
	return p, issued
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
