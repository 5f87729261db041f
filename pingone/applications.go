package pingone

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// ApplicationRequest is the body of POST and PUT …/applications. PUT is a full replace in
// PingOne (omitted attributes are cleared), so the same complete struct serves both. Field
// order follows Ping's own seed request.
type ApplicationRequest struct {
	Enabled                     bool     `json:"enabled"`
	Name                        string   `json:"name"`
	Description                 string   `json:"description,omitempty"`
	Type                        string   `json:"type"`     // NATIVE_APP, SINGLE_PAGE_APP, ...
	Protocol                    string   `json:"protocol"` // OPENID_CONNECT
	GrantTypes                  []string `json:"grantTypes,omitempty"`
	RedirectURIs                []string `json:"redirectUris,omitempty"`
	PostLogoutRedirectURIs      []string `json:"postLogoutRedirectUris,omitempty"`
	ResponseTypes               []string `json:"responseTypes,omitempty"`
	TokenEndpointAuthMethod     string   `json:"tokenEndpointAuthMethod"`
	PKCEEnforcement             string   `json:"pkceEnforcement,omitempty"` // OPTIONAL, REQUIRED, S256_REQUIRED
	RefreshTokenDuration        int      `json:"refreshTokenDuration,omitempty"`
	RefreshTokenRollingDuration int      `json:"refreshTokenRollingDuration,omitempty"`
}

// SeedRedirectURI is the loopback redirect URI PKCE Desk registers and listens on.
const SeedRedirectURI = "http://localhost:3000/callback"

// SeedNativeApp is the exact body of Ping's "Create public client app (NONE auth)" workflow:
// a public native OIDC client that must use PKCE with S256.
func SeedNativeApp() ApplicationRequest {
	return ApplicationRequest{
		Enabled:                 true,
		Name:                    "Shared-Native-App",
		Description:             "Public client application with NONE authentication - for SPAs and mobile apps that cannot securely store secrets. MUST use PKCE for security.",
		Type:                    "NATIVE_APP",
		Protocol:                "OPENID_CONNECT",
		GrantTypes:              []string{"AUTHORIZATION_CODE"},
		RedirectURIs:            []string{SeedRedirectURI},
		ResponseTypes:           []string{"CODE"},
		TokenEndpointAuthMethod: "NONE",
		PKCEEnforcement:         "S256_REQUIRED",
	}
}

// Allowed values from the Management API's enums (EnumApplication*).
var (
	oidcAppTypes     = []string{"CUSTOM_APP", "NATIVE_APP", "SERVICE", "SINGLE_PAGE_APP", "WEB_APP", "WORKER"}
	grantTypeValues  = []string{"AUTHORIZATION_CODE", "IMPLICIT", "REFRESH_TOKEN", "CLIENT_CREDENTIALS", "DEVICE_CODE", "TOKEN_EXCHANGE", "CIBA"}
	responseTypeVals = []string{"CODE", "TOKEN", "ID_TOKEN"}
	authMethodValues = []string{"NONE", "CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST", "PRIVATE_KEY_JWT", "CLIENT_SECRET_JWT"}
	pkceValues       = []string{"OPTIONAL", "REQUIRED", "S256_REQUIRED"}
)

// Validate applies PingOne's documented rules before anything is sent, so a form can show
// problems without a round trip. It returns nil or an *Error with Code INVALID_DATA, Status
// 0 (client-side) and details whose targets are PingOne's own field names, so FieldErrors
// maps both kinds of error onto the form the same way.
func (r ApplicationRequest) Validate() error {
	var d []ErrorDetail
	add := func(code, target, msg string) {
		d = append(d, ErrorDetail{Code: code, Target: target, Message: msg})
	}
	enum := func(target, v string, allowed []string) {
		if !slices.Contains(allowed, v) {
			add("INVALID_VALUE", target, fmt.Sprintf("%q is not one of %s.", SanitizeText(v, 40), strings.Join(allowed, ", ")))
		}
	}
	if strings.TrimSpace(r.Name) == "" {
		add("REQUIRED_VALUE", "name", "A name is required.")
	}
	if r.Protocol == "" {
		add("REQUIRED_VALUE", "protocol", "A protocol is required.")
	} else if r.Protocol != "OPENID_CONNECT" {
		add("INVALID_VALUE", "protocol", "Only OPENID_CONNECT applications are supported.")
	}
	if r.Type == "" {
		add("REQUIRED_VALUE", "type", "An application type is required.")
	} else {
		enum("type", r.Type, oidcAppTypes)
	}
	if r.TokenEndpointAuthMethod == "" {
		add("REQUIRED_VALUE", "tokenEndpointAuthMethod", "A token endpoint authentication method is required.")
	} else {
		enum("tokenEndpointAuthMethod", r.TokenEndpointAuthMethod, authMethodValues)
	}
	for _, g := range r.GrantTypes {
		enum("grantTypes", g, grantTypeValues)
	}
	for _, t := range r.ResponseTypes {
		enum("responseTypes", t, responseTypeVals)
	}
	if r.PKCEEnforcement != "" {
		enum("pkceEnforcement", r.PKCEEnforcement, pkceValues)
	}
	for _, u := range r.RedirectURIs {
		if msg := redirectURIProblem(u); msg != "" {
			add("INVALID_VALUE", "redirectUris", msg)
		}
	}
	for _, u := range r.PostLogoutRedirectURIs {
		if msg := postLogoutURIProblem(u); msg != "" {
			add("INVALID_VALUE", "postLogoutRedirectUris", msg)
		}
	}
	const maxDuration = 2147483647
	for _, f := range []struct {
		target string
		v      int
	}{{"refreshTokenDuration", r.RefreshTokenDuration}, {"refreshTokenRollingDuration", r.RefreshTokenRollingDuration}} {
		if f.v != 0 && (f.v < 60 || f.v > maxDuration) {
			add("OUT_OF_RANGE", f.target, f.target+" must be between 60 and 2147483647 seconds.")
		}
	}
	if r.RefreshTokenDuration != 0 && r.RefreshTokenRollingDuration != 0 && r.RefreshTokenDuration > r.RefreshTokenRollingDuration {
		add("INVALID_VALUE", "refreshTokenDuration", "refreshTokenDuration must not exceed refreshTokenRollingDuration.")
	}

	// Cross-field rules (DOCS-FOUNDATIONS "Applications"; Terraform provider validators).
	has := func(list []string, v string) bool { return slices.Contains(list, v) }
	if has(r.GrantTypes, "AUTHORIZATION_CODE") {
		if !has(r.ResponseTypes, "CODE") {
			add("INVALID_VALUE", "responseTypes", "The CODE response type is required with the AUTHORIZATION_CODE grant type.")
		}
		if len(r.RedirectURIs) == 0 {
			add("INVALID_VALUE", "redirectUris", "At least one redirect URI is required with the AUTHORIZATION_CODE grant type.")
		}
	}
	if has(r.ResponseTypes, "CODE") && !has(r.GrantTypes, "AUTHORIZATION_CODE") {
		add("INVALID_VALUE", "grantTypes", "The AUTHORIZATION_CODE grant type is required with the CODE response type.")
	}
	if has(r.GrantTypes, "IMPLICIT") && !has(r.ResponseTypes, "TOKEN") && !has(r.ResponseTypes, "ID_TOKEN") {
		add("INVALID_VALUE", "responseTypes", "The TOKEN or ID_TOKEN response type is required with the IMPLICIT grant type.")
	}
	if has(r.GrantTypes, "CLIENT_CREDENTIALS") && r.TokenEndpointAuthMethod == "NONE" {
		add("INVALID_VALUE", "grantTypes", "CLIENT_CREDENTIALS cannot be used with the NONE authentication method.")
	}
	if r.TokenEndpointAuthMethod == "PRIVATE_KEY_JWT" {
		add("REQUIRED_VALUE", "jwks", "PRIVATE_KEY_JWT needs a JWKS, which this client does not manage.")
	}
	if len(d) == 0 {
		return nil
	}
	return &Error{
		Code:    "INVALID_DATA",
		Message: "The application settings are not valid; nothing was sent to PingOne.",
		Details: d,
	}
}

// redirectURIProblem mirrors PingOne's redirect URI rules (pingone-api.md §3.2): https, a
// custom scheme, or http only for localhost/127.0.0.1; no fragment; no wildcards (they need
// allowWildcardInRedirectUris, which this client never sets).
func redirectURIProblem(raw string) string {
	if strings.Contains(raw, "*") {
		return "Wildcards are not allowed in redirect URIs."
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || !validScheme(u.Scheme) {
		return fmt.Sprintf("%q is not a valid absolute URI.", SanitizeText(raw, 80))
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return "Redirect URIs must not contain a fragment."
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		if u.Host == "" {
			return "An https redirect URI needs a host."
		}
	case "http":
		if h := u.Hostname(); h != "localhost" && h != "127.0.0.1" {
			return "http redirect URIs are only allowed for localhost and 127.0.0.1."
		}
	case "javascript", "data", "vbscript", "file":
		return fmt.Sprintf("The %s scheme is not allowed.", strings.ToLower(u.Scheme))
	}
	return ""
}

func postLogoutURIProblem(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || !validScheme(u.Scheme) {
		return fmt.Sprintf("%q is not a valid absolute URI.", SanitizeText(raw, 80))
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return "Post-logout redirect URIs must not contain a fragment."
	}
	switch strings.ToLower(u.Scheme) {
	case "javascript", "data", "vbscript", "file":
		return fmt.Sprintf("The %s scheme is not allowed.", strings.ToLower(u.Scheme))
	}
	return ""
}

// validScheme checks RFC 3986 §3.1 scheme syntax.
func validScheme(s string) bool {
	for i, c := range s {
		letter := ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
		if i == 0 && !letter || !(letter || ('0' <= c && c <= '9') || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return s != ""
}

// Application is an application as PingOne returns it. Raw keeps the full JSON (HAL links,
// mobile settings, ...) for display.
type Application struct {
	ID                      string
	ClientID                string // equals ID for OIDC apps; use it as client_id
	Name                    string
	Description             string
	Type                    string
	Protocol                string
	TokenEndpointAuthMethod string
	PKCEEnforcement         string
	Enabled                 bool
	GrantTypes              []string
	ResponseTypes           []string
	RedirectURIs            []string
	PostLogoutRedirectURIs  []string
	CreatedAt, UpdatedAt    time.Time
	EnvironmentID           string
	Raw                     json.RawMessage

	// Reconciled is set by CreateApplication when the POST's reply was lost (connection
	// dropped or timed out) and the application was then found by name, created after the
	// POST started and with the settings it sent: it was created by that POST, which was
	// not sent a second time.
	Reconciled bool
}

// Request returns the body that would recreate or fully replace a with its current settings;
// edit it and pass it to UpdateApplication.
func (a Application) Request() ApplicationRequest {
	var extra struct {
		RefreshTokenDuration        int `json:"refreshTokenDuration"`
		RefreshTokenRollingDuration int `json:"refreshTokenRollingDuration"`
	}
	_ = json.Unmarshal(a.Raw, &extra)
	return ApplicationRequest{
		Enabled:                     a.Enabled,
		Name:                        a.Name,
		Description:                 a.Description,
		Type:                        a.Type,
		Protocol:                    a.Protocol,
		GrantTypes:                  slices.Clone(a.GrantTypes),
		RedirectURIs:                slices.Clone(a.RedirectURIs),
		PostLogoutRedirectURIs:      slices.Clone(a.PostLogoutRedirectURIs),
		ResponseTypes:               slices.Clone(a.ResponseTypes),
		TokenEndpointAuthMethod:     a.TokenEndpointAuthMethod,
		PKCEEnforcement:             a.PKCEEnforcement,
		RefreshTokenDuration:        extra.RefreshTokenDuration,
		RefreshTokenRollingDuration: extra.RefreshTokenRollingDuration,
	}
}

type applicationJSON struct {
	ID                      string   `json:"id"`
	ClientID                string   `json:"clientId"`
	Name                    string   `json:"name"`
	Description             string   `json:"description"`
	Type                    string   `json:"type"`
	Protocol                string   `json:"protocol"`
	TokenEndpointAuthMethod string   `json:"tokenEndpointAuthMethod"`
	PKCEEnforcement         string   `json:"pkceEnforcement"`
	Enabled                 bool     `json:"enabled"`
	GrantTypes              []string `json:"grantTypes"`
	ResponseTypes           []string `json:"responseTypes"`
	RedirectURIs            []string `json:"redirectUris"`
	PostLogoutRedirectURIs  []string `json:"postLogoutRedirectUris"`
	CreatedAt               string   `json:"createdAt"`
	UpdatedAt               string   `json:"updatedAt"`
	Environment             struct {
		ID string `json:"id"`
	} `json:"environment"`
}

// UnmarshalJSON decodes PingOne's application representation and keeps the raw bytes.
func (a *Application) UnmarshalJSON(b []byte) error {
	var j applicationJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*a = Application{
		ID: j.ID, ClientID: nonEmpty(j.ClientID, j.ID), Name: j.Name, Description: j.Description,
		Type: j.Type, Protocol: j.Protocol, TokenEndpointAuthMethod: j.TokenEndpointAuthMethod,
		PKCEEnforcement: j.PKCEEnforcement, Enabled: j.Enabled, GrantTypes: j.GrantTypes,
		ResponseTypes: j.ResponseTypes, RedirectURIs: j.RedirectURIs,
		PostLogoutRedirectURIs: j.PostLogoutRedirectURIs, EnvironmentID: j.Environment.ID,
		Raw: append(json.RawMessage(nil), b...),
	}
	a.CreatedAt, _ = time.Parse(time.RFC3339Nano, j.CreatedAt)
	a.UpdatedAt, _ = time.Parse(time.RFC3339Nano, j.UpdatedAt)
	return nil
}

// ListApplications returns every application of envID, platform applications included
// (PingOne lists its Admin Console and portals too). PingOne's filter support for this
// collection is undocumented, so callers filter client-side.
func (m *Management) ListApplications(ctx context.Context, envID string) ([]Application, error) {
	path, err := envPath(envID, "applications")
	if err != nil {
		return nil, fmt.Errorf("pingone: list applications: %w", err)
	}
	return listAll[Application](ctx, m, "list-applications", "list applications", path, "applications")
}

// GetApplication reads one application.
func (m *Management) GetApplication(ctx context.Context, envID, appID string) (*Application, error) {
	path, err := appPath(envID, appID)
	if err != nil {
		return nil, fmt.Errorf("pingone: get application: %w", err)
	}
	var app Application
	if err := m.do(ctx, apiCall{step: "get-application", op: "get application", method: http.MethodGet, path: path}, &app); err != nil {
		return nil, err
	}
	return &app, nil
}

// UpdateApplication replaces the application's settings with r (PUT is a full replace:
// anything not in r is reset to PingOne's default). The type cannot change after creation.
func (m *Management) UpdateApplication(ctx context.Context, envID, appID string, r ApplicationRequest) (*Application, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	path, err := appPath(envID, appID)
	if err != nil {
		return nil, fmt.Errorf("pingone: update application: %w", err)
	}
	var app Application
	if err := m.do(ctx, apiCall{step: "update-application", op: "update application", method: http.MethodPut, path: path, body: r}, &app); err != nil {
		return nil, err
	}
	return &app, nil
}

// DeleteApplication deletes the application. A retried DELETE whose first attempt did
// succeed answers 404; that is reported as success.
func (m *Management) DeleteApplication(ctx context.Context, envID, appID string) error {
	path, err := appPath(envID, appID)
	if err != nil {
		return fmt.Errorf("pingone: delete application: %w", err)
	}
	return m.do(ctx, apiCall{step: "delete-application", op: "delete application", method: http.MethodDelete,
		path: path, goneIsDone: true}, nil)
}

func appPath(envID, appID string, more ...string) (string, error) {
	if err := ValidateID(appID); err != nil {
		return "", fmt.Errorf("application ID: %w", err)
	}
	return envPath(envID, append([]string{"applications", appID}, more...)...)
}
