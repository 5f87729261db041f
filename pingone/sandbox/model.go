package sandbox

import (
	"strings"
	"time"
)

// application is an OIDC application as the Management API stores it.
type application struct {
	ID                          string
	Name                        string
	Description                 string
	Enabled                     bool
	HiddenFromAppPortal         bool
	Type                        string
	Protocol                    string
	GrantTypes                  []string
	ResponseTypes               []string
	RedirectURIs                []string
	PostLogoutRedirectURIs      []string
	TokenEndpointAuthMethod     string
	PKCEEnforcement             string
	AllowWildcardInRedirectURIs bool
	ParRequirement              string
	ParTimeout                  int
	RefreshTokenDuration        int
	RefreshTokenRollingDuration int
	ReplayProtection            bool
	IdpSignoff                  bool
	LoginPageURL                string
	DeviceTimeout               int
	DevicePollingInterval       int
	CreatedAt, UpdatedAt        time.Time
	secret                      string // confidential clients only; never in app JSON
	keyRotationPolicyID         string
}

func (a *application) hasGrantType(g string) bool { return contains(a.GrantTypes, g) }

type user struct {
	ID            string
	Username      string
	Email         string
	Given, Family string
	Enabled       bool
	PopulationID  string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	password      string // plain text is fine for an in-memory emulator
	passwordState string // OK, NO_PASSWORD, PASSWORD_EXPIRED, MUST_CHANGE_PASSWORD
	passwordAt    time.Time
	failures      int
	lockedUntil   time.Time
}

func (u *user) fullName() string { return strings.TrimSpace(u.Given + " " + u.Family) }

type scope struct {
	ID, Name, Description string
}

type resource struct {
	ID, Name, Description, Type, Audience string
	Scopes                                []scope
	CreatedAt                             time.Time
}

func (r *resource) scopeByID(id string) *scope {
	for i := range r.Scopes {
		if r.Scopes[i].ID == id {
			return &r.Scopes[i]
		}
	}
	return nil
}

type grant struct {
	ID, AppID, ResourceID string
	ScopeIDs              []string
	CreatedAt, UpdatedAt  time.Time
}

type population struct {
	ID, Name  string
	CreatedAt time.Time
}

// authRequest is what /as/authorize accepted and the code must remember.
type authRequest struct {
	ClientID      string
	RedirectURI   string // as sent ("" if omitted in pi.flow mode)
	Scope         []string
	State         string
	Nonce         string
	Challenge     string
	Method        string // S256 or plain; "" when no challenge
	ResponseMode  string // "pi.flow" or "query"
	redirectTo    string // where browser-mode responses go (RedirectURI or the registered one)
	authorizeTime time.Time
}

type flow struct {
	ID        string
	Req       authRequest
	Status    string
	UserID    string
	SessionID string // set on COMPLETED
	CreatedAt time.Time
	ExpiresAt time.Time
}

type session struct {
	ID       string // sid claim
	Token    string // ST cookie value
	UserID   string
	AuthTime time.Time
}

type authCode struct {
	Req       authRequest
	UserID    string
	SessionID string
	AuthTime  time.Time
	ExpiresAt time.Time
	Used      bool
	issued    []string // jtis and refresh tokens minted with this code (revoked on reuse)
}

type accessRecord struct {
	ClientID  string
	UserID    string // "" for client_credentials
	GrantType string
	Scope     []string
	SessionID string
	IssuedAt  time.Time
	ExpiresAt time.Time
	Revoked   bool
	family    string // refresh-token family it belongs to ("" for client_credentials)
}

type refreshRecord struct {
	Family    string // all rotations of one grant share it (replay kills the family)
	ClientID  string
	UserID    string
	Scope     []string
	SessionID string
	AuthTime  time.Time
	IssuedAt  time.Time
	ExpiresAt time.Time
	Used      bool
	Revoked   bool
}

// Fixed IDs for the built-in resources so that logs and docs stay readable.
const (
	openidResourceID  = "8c6c6bda-0c3e-4bd6-9a3d-4a8e3a1f0b01"
	pingOneResourceID = "8c6c6bda-0c3e-4bd6-9a3d-4a8e3a1f0b02"
	populationID      = "5d3a2f1e-0b9c-4d8e-a7f6-5e4d3c2b1a09"
	keyRotationID     = "1cb8d0b5-c7ba-42e8-a556-240ea2410f1d"
)

// oidcScopes are the scopes of the built-in openid resource
// (pingone-api.md §3.4); IDs are fixed for the same reason.
var oidcScopes = []scope{
	{ID: "a1b2c3d4-0001-4000-8000-000000000001", Name: "openid", Description: "Signals an OpenID Connect request."},
	{ID: "a1b2c3d4-0001-4000-8000-000000000002", Name: "profile", Description: "End-User's default profile claims."},
	{ID: "a1b2c3d4-0001-4000-8000-000000000003", Name: "email", Description: "email and email_verified claims."},
	{ID: "a1b2c3d4-0001-4000-8000-000000000004", Name: "address", Description: "address claim."},
	{ID: "a1b2c3d4-0001-4000-8000-000000000005", Name: "phone", Description: "phone_number and phone_number_verified claims."},
	{ID: "a1b2c3d4-0001-4000-8000-000000000006", Name: "offline_access", Description: "Request a refresh token."},
}

func (s *Server) seed(workerSecret string) {
	now := s.now()
	s.population = population{ID: populationID, Name: "Default", CreatedAt: now}
	s.resources = []*resource{
		{ID: openidResourceID, Name: "openid", Type: "OPENID_CONNECT", Description: "OpenID Connect scopes",
			Scopes: oidcScopes, CreatedAt: now},
		{ID: pingOneResourceID, Name: "PingOne API", Type: "PINGONE_API", Description: "PingOne Management API",
			Scopes: []scope{
				{ID: "a1b2c3d4-0002-4000-8000-000000000001", Name: "p1:read:user", Description: "Read own user."},
				{ID: "a1b2c3d4-0002-4000-8000-000000000002", Name: "p1:update:user", Description: "Update own user."},
			}, CreatedAt: now},
	}
	worker := &application{
		ID: s.workerID, Name: "PKCE Desk Sandbox Worker", Description: "Seeded worker app for the Management API.",
		Enabled: true, Type: "WORKER", Protocol: "OPENID_CONNECT",
		GrantTypes: []string{"CLIENT_CREDENTIALS"}, TokenEndpointAuthMethod: "CLIENT_SECRET_BASIC",
		CreatedAt: now, UpdatedAt: now, secret: workerSecret,
	}
	applyAppDefaults(worker)
	s.putApp(worker)
	u := &user{
		ID: newUUID(), Username: s.username, Email: s.username + "@example.com",
		Given: "Demo", Family: "User", Enabled: true, PopulationID: populationID,
		CreatedAt: now, UpdatedAt: now, password: s.password, passwordState: "OK", passwordAt: now,
	}
	s.users[u.ID] = u
	s.userOrder = append(s.userOrder, u.ID)
}

func applyAppDefaults(a *application) {
	if a.PKCEEnforcement == "" {
		a.PKCEEnforcement = "OPTIONAL"
	}
	if a.ParRequirement == "" {
		a.ParRequirement = "OPTIONAL"
	}
	if a.ParTimeout == 0 {
		a.ParTimeout = 60
	}
	if a.RefreshTokenDuration == 0 {
		a.RefreshTokenDuration = 2592000
	}
	if a.DeviceTimeout == 0 {
		a.DeviceTimeout = 600
	}
	if a.DevicePollingInterval == 0 {
		a.DevicePollingInterval = 5
	}
	if a.keyRotationPolicyID == "" {
		a.keyRotationPolicyID = keyRotationID
	}
}

func (s *Server) putApp(a *application) {
	if _, ok := s.apps[a.ID]; !ok {
		s.appOrder = append(s.appOrder, a.ID)
	}
	s.apps[a.ID] = a
}

func (s *Server) deleteApp(id string) {
	delete(s.apps, id)
	s.appOrder = remove(s.appOrder, id)
	for _, gid := range append([]string(nil), s.grantOrder...) {
		if s.grants[gid].AppID == id {
			delete(s.grants, gid)
			s.grantOrder = remove(s.grantOrder, gid)
		}
	}
}

func (s *Server) userByName(name string) *user {
	for _, id := range s.userOrder {
		if u := s.users[id]; strings.EqualFold(u.Username, name) {
			return u
		}
	}
	return nil
}

func (s *Server) resourceByID(id string) *resource {
	for _, r := range s.resources {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// grantedOIDCScopes lists the openid-resource scope names granted to an app.
func (s *Server) grantedOIDCScopes(appID string) []string {
	var names []string
	res := s.resourceByID(openidResourceID)
	for _, gid := range s.grantOrder {
		g := s.grants[gid]
		if g.AppID != appID || g.ResourceID != openidResourceID {
			continue
		}
		for _, sid := range g.ScopeIDs {
			if sc := res.scopeByID(sid); sc != nil {
				names = append(names, sc.Name)
			}
		}
	}
	return names
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func remove(list []string, v string) []string {
	out := list[:0]
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}
