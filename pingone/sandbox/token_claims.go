package sandbox

// tokenResponse is RFC 6749 §5.1 (plus OIDC Core §3.1.3.3 id_token).
type tokenResponse struct {
	AccessToken  string  `json:"access_token"`
	ExpiresIn    int     `json:"expires_in"`
	IDToken      string  `json:"id_token,omitempty"`
	RefreshToken string  `json:"refresh_token,omitempty"`
	Scope        *string `json:"scope,omitempty"` // user tokens only
	TokenType    string  `json:"token_type"`
}

// accessClaims are a user access token's claims (PingOne's shape).
type accessClaims struct {
	Acr      string   `json:"acr"`
	Amr      []string `json:"amr"`
	Aud      []string `json:"aud"`
	AuthTime int64    `json:"auth_time"`
	ClientID string   `json:"client_id"`
	Env      string   `json:"env"`
	Exp      int64    `json:"exp"`
	Iat      int64    `json:"iat"`
	Iss      string   `json:"iss"`
	Jti      string   `json:"jti"`
	Org      string   `json:"org"`
	Scope    string   `json:"scope"`
	Sid      string   `json:"sid"`
	Sub      string   `json:"sub"`
}

// workerClaims are a client_credentials access token's claims.
type workerClaims struct {
	Aud      []string `json:"aud"`
	ClientID string   `json:"client_id"`
	Env      string   `json:"env"`
	Exp      int64    `json:"exp"`
	Iat      int64    `json:"iat"`
	Iss      string   `json:"iss"`
	Jti      string   `json:"jti"`
	Org      string   `json:"org"`
}

// idClaims are an ID token's claims (OIDC Core §2, §5.1); the profile and
// email members are present only for those scopes (userClaims).
type idClaims struct {
	Acr               string   `json:"acr"`
	Amr               []string `json:"amr"`
	AtHash            string   `json:"at_hash"`
	Aud               string   `json:"aud"`
	AuthTime          int64    `json:"auth_time"`
	Email             *string  `json:"email,omitempty"`
	EmailVerified     *bool    `json:"email_verified,omitempty"`
	Exp               int64    `json:"exp"`
	FamilyName        *string  `json:"family_name,omitempty"`
	GivenName         *string  `json:"given_name,omitempty"`
	Iat               int64    `json:"iat"`
	Iss               string   `json:"iss"`
	Name              *string  `json:"name,omitempty"`
	Nonce             string   `json:"nonce,omitempty"`
	PreferredUsername *string  `json:"preferred_username,omitempty"`
	Sid               string   `json:"sid"`
	Sub               string   `json:"sub"`
	UpdatedAt         *int64   `json:"updated_at,omitempty"`
}

// setUserClaims adds the claims userClaims returns for u and scope.
func (c *idClaims) setUserClaims(u *user, scope []string) {
	if u == nil {
		return
	}
	if contains(scope, "profile") {
		name, given, family, username, updated := u.fullName(), u.Given, u.Family, u.Username, u.UpdatedAt.Unix()
		c.Name, c.GivenName, c.FamilyName, c.PreferredUsername, c.UpdatedAt = &name, &given, &family, &username, &updated
	}
	if contains(scope, "email") {
		email, verified := u.Email, false // the sandbox never verifies addresses
		c.Email, c.EmailVerified = &email, &verified
	}
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
