package app

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// NewApplicationRequest is the create form's starting point: Ping's own public-client
// seed (NATIVE_APP, auth method NONE, PKCE S256_REQUIRED) with the app's redirect URI.
func (d *Desk) NewApplicationRequest() pingone.ApplicationRequest {
	r := pingone.SeedNativeApp()
	r.RedirectURIs = []string{d.redirectURI}
	return r
}

// OptionalScopes are the OIDC scopes the create form offers to grant in the same step.
// openid itself needs no grant (pingone-api.md §3.4).
var OptionalScopes = []string{"profile", "email", "offline_access"}

// GrantError reports that an application was created but granting its scopes failed.
// The application exists; the self-check offers the grant again.
type GrantError struct {
	Scopes []string
	Err    error
}

func (e *GrantError) Error() string {
	return "the application was created, but granting " + strings.Join(e.Scopes, ", ") + " failed: " + e.Err.Error()
}

func (e *GrantError) Unwrap() error { return e.Err }

// CreatedApplication is an application CreateApplication made, with the JSON of the one
// create request that made it and PingOne's reply, redacted as the transcript records
// them. Received is empty when the reply was lost and the application was found by its
// name (Reconciled).
type CreatedApplication struct {
	*pingone.Application
	Sent, Received string
}

// CreateApplication creates the application in the target environment and, when scopes
// are given, grants them in the same step. Rejected values come back as a *pingone.Error
// whose FieldErrors() map PingOne's details[].target (redirectUris, name, ...) to
// messages for the form. If the app was created but the grant failed, both the app and a
// *GrantError are returned.
func (d *Desk) CreateApplication(ctx context.Context, r pingone.ApplicationRequest, scopes []string) (*CreatedApplication, error) {
	c, err := d.connect(ctx)
	if err != nil {
		return nil, err
	}
	// The call's own exchanges, not a search of the shared transcript, which other
	// requests may be adding to at the same time.
	own := pingone.NewTranscript()
	app, err := c.mgmt.CreateApplication(pingone.RecordTo(ctx, own), c.profile.TargetEnvironmentID, r)
	if err != nil {
		return nil, err
	}
	d.rememberApps(c.profile.ID, *app)
	out := &CreatedApplication{Application: app}
	if ex, ok := createExchange(own.Entries()); ok {
		out.Sent, out.Received = ex.RequestBody, ex.ResponseBody
	}
	if len(scopes) > 0 {
		if _, err := c.mgmt.GrantOpenIDScopes(ctx, c.profile.TargetEnvironmentID, app.ID, scopes); err != nil {
			return out, &GrantError{Scopes: slices.Clone(scopes), Err: err}
		}
	}
	return out, nil
}

// createExchange is the create request among a create's exchanges: the last one, as a
// request PingOne refused unprocessed (401 with a stale worker token, 429) is sent again.
func createExchange(entries []pingone.Exchange) (pingone.Exchange, bool) {
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].Step == pingone.StepCreateApplication {
			return entries[i], true
		}
	}
	return pingone.Exchange{}, false
}

// ListApplications lists the target environment's applications whose name contains
// filter (case-insensitive; empty lists all), sorted by name. PingOne's filter support
// for applications is undocumented, so the filtering happens here.
func (d *Desk) ListApplications(ctx context.Context, filter string) ([]pingone.Application, error) {
	c, err := d.connect(ctx)
	if err != nil {
		return nil, err
	}
	apps, err := c.mgmt.ListApplications(ctx, c.profile.TargetEnvironmentID)
	if err != nil {
		return nil, err
	}
	d.rememberApps(c.profile.ID, apps...)
	f := strings.ToLower(strings.TrimSpace(filter))
	out := apps[:0]
	for _, a := range apps {
		if f == "" || strings.Contains(strings.ToLower(a.Name), f) {
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, nil
}

// GetApplication reads one application.
func (d *Desk) GetApplication(ctx context.Context, appID string) (*pingone.Application, error) {
	if err := checkAppID(appID); err != nil {
		return nil, err
	}
	c, err := d.connect(ctx)
	if err != nil {
		return nil, err
	}
	app, err := c.mgmt.GetApplication(ctx, c.profile.TargetEnvironmentID, appID)
	if err == nil {
		d.rememberApps(c.profile.ID, *app)
	}
	return app, err
}

// DeleteApplication deletes one application.
func (d *Desk) DeleteApplication(ctx context.Context, appID string) error {
	if err := checkAppID(appID); err != nil {
		return err
	}
	c, err := d.connect(ctx)
	if err != nil {
		return err
	}
	return c.mgmt.DeleteApplication(ctx, c.profile.TargetEnvironmentID, appID)
}

func checkAppID(id string) error {
	if pingone.ValidateID(id) != nil {
		return &ValidationError{Fields: map[string]string{"applicationID": "An application ID looks like 4b1e5c7a-3f2d-4e8b-9a6c-0d1e2f3a4b5c."}}
	}
	return nil
}

// Finding IDs of the application self-check, stable for views and tests.
const (
	FindingEnabled      = "enabled"
	FindingRedirectURI  = "redirect-uri"
	FindingPKCE         = "pkce"
	FindingAuthMethod   = "auth-method"
	FindingGrantType    = "grant-type"
	FindingResponseType = "response-type"
	FindingScopes       = "openid-scopes"
)

// SelfCheckScopes are the OIDC scopes the sign-in asks for besides openid, so the app
// must have a grant for them.
var SelfCheckScopes = []string{"profile", "email"}

// Finding is one line of the self-check. A failed finding can be fixed with one click:
// pass its ID to Fix.
type Finding struct {
	ID     string
	Title  string // what is checked, e.g. "PKCE is S256_REQUIRED"
	OK     bool
	Detail string // what was found, in plain words
}

// SelfCheck is the result of CheckApplication.
type SelfCheck struct {
	App      *pingone.Application
	Findings []Finding
}

// OK reports whether every finding passed.
func (s *SelfCheck) OK() bool {
	for _, f := range s.Findings {
		if !f.OK {
			return false
		}
	}
	return len(s.Findings) > 0
}

// Failed lists the IDs of the findings that did not pass.
func (s *SelfCheck) Failed() []string {
	var ids []string
	for _, f := range s.Findings {
		if !f.OK {
			ids = append(ids, f.ID)
		}
	}
	return ids
}

// Finding returns the finding with that ID.
func (s *SelfCheck) Finding(id string) (Finding, bool) {
	for _, f := range s.Findings {
		if f.ID == id {
			return f, true
		}
	}
	return Finding{}, false
}

// CheckApplication verifies that an application can be signed in to by this app: enabled,
// the loopback redirect registered, PKCE S256_REQUIRED, auth method NONE, the
// AUTHORIZATION_CODE grant with the CODE response type, and a grant for the OpenID scopes.
func (d *Desk) CheckApplication(ctx context.Context, appID string) (*SelfCheck, error) {
	if err := checkAppID(appID); err != nil {
		return nil, err
	}
	c, err := d.connect(ctx)
	if err != nil {
		return nil, err
	}
	env := c.profile.TargetEnvironmentID
	app, err := c.mgmt.GetApplication(ctx, env, appID)
	if err != nil {
		return nil, err
	}
	granted, err := d.grantedOpenIDScopes(ctx, c, appID)
	if err != nil {
		return nil, err
	}
	return &SelfCheck{App: app, Findings: d.findings(app, granted)}, nil
}

// grantedOpenIDScopes returns the names of the OIDC scopes granted to the app.
func (d *Desk) grantedOpenIDScopes(ctx context.Context, c *connection, appID string) ([]string, error) {
	oidc, err := d.openIDScopeNames(ctx, c)
	if err != nil {
		return nil, err
	}
	return oidc.granted(ctx, c, appID)
}

// openIDScopes is the environment's OpenID Connect resource and its scopes' names by ID.
type openIDScopes struct {
	resourceID string
	names      map[string]string
}

func (d *Desk) openIDScopeNames(ctx context.Context, c *connection) (*openIDScopes, error) {
	res, scopes, err := c.mgmt.OpenIDResource(ctx, c.profile.TargetEnvironmentID)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, s := range scopes {
		names[s.ID] = s.Name
	}
	return &openIDScopes{resourceID: res.ID, names: names}, nil
}

// granted returns the names of the OpenID Connect scopes granted to the app, sorted.
func (o *openIDScopes) granted(ctx context.Context, c *connection, appID string) ([]string, error) {
	grants, err := c.mgmt.ListGrants(ctx, c.profile.TargetEnvironmentID, appID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, g := range grants {
		if g.ResourceID != o.resourceID {
			continue
		}
		for _, id := range g.ScopeIDs {
			if n, ok := o.names[id]; ok && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

func (d *Desk) findings(app *pingone.Application, granted []string) []Finding {
	yesNo := func(ok bool, good, bad string) string {
		if ok {
			return good
		}
		return bad
	}
	var missing []string
	for _, s := range SelfCheckScopes {
		if !slices.Contains(granted, s) {
			missing = append(missing, s)
		}
	}
	hasRedirect := slices.Contains(app.RedirectURIs, d.redirectURI)
	pkce := app.PKCEEnforcement == "S256_REQUIRED"
	none := app.TokenEndpointAuthMethod == "NONE"
	code := slices.Contains(app.GrantTypes, "AUTHORIZATION_CODE")
	// CODE alone: mixing CODE with TOKEN/ID_TOKEN (hybrid) puts tokens in the front
	// channel, which RFC 9700 §2.1.2 advises against.
	codeOnly := slices.Equal(app.ResponseTypes, []string{"CODE"})
	return []Finding{
		{ID: FindingEnabled, Title: "The application is enabled", OK: app.Enabled,
			Detail: yesNo(app.Enabled, "Enabled.", "Disabled: PingOne refuses sign-ins to it.")},
		{ID: FindingRedirectURI, Title: "The redirect URI " + d.redirectURI + " is registered", OK: hasRedirect,
			Detail: yesNo(hasRedirect, "Registered.", "Not registered: PingOne would refuse the browser sign-in's redirect.")},
		{ID: FindingPKCE, Title: "PKCE is required with S256", OK: pkce,
			Detail: yesNo(pkce, "S256_REQUIRED.", "PKCE enforcement is "+orNone(app.PKCEEnforcement)+": PingOne would accept a sign-in without PKCE or with the weak plain method.")},
		{ID: FindingAuthMethod, Title: "Token endpoint authentication is NONE (public client)", OK: none,
			Detail: yesNo(none, "NONE.", orNone(app.TokenEndpointAuthMethod)+": a desktop app cannot keep a client secret, so the code exchange would fail.")},
		{ID: FindingGrantType, Title: "The AUTHORIZATION_CODE grant is enabled", OK: code,
			Detail: yesNo(code, "Enabled.", "Grant types are "+orNone(strings.Join(app.GrantTypes, ", "))+".")},
		{ID: FindingResponseType, Title: "The response type is CODE", OK: codeOnly,
			Detail: yesNo(codeOnly, "CODE.", "Response types are "+orNone(strings.Join(app.ResponseTypes, ", "))+".")},
		{ID: FindingScopes, Title: "The OpenID scopes " + strings.Join(SelfCheckScopes, " and ") + " are granted", OK: len(missing) == 0,
			Detail: yesNo(len(missing) == 0, "Granted: "+strings.Join(granted, ", ")+".", "Not granted: "+strings.Join(missing, ", ")+". Sign-ins asking for them would fail.")},
	}
}

func orNone(s string) string {
	if s == "" {
		return "not set"
	}
	return s
}

// Fix repairs the named findings (all failed ones when ids is empty) and returns a fresh
// self-check. Settings are fixed with one PUT of the app's full current settings with the
// fixes applied (PUT is a full replace in PingOne, so nothing else is lost); scopes with a
// grant.
func (d *Desk) Fix(ctx context.Context, appID string, ids ...string) (*SelfCheck, error) {
	check, err := d.CheckApplication(ctx, appID)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		ids = check.Failed()
	}
	c, err := d.connect(ctx)
	if err != nil {
		return nil, err
	}
	req := check.App.Request()
	put, grant := false, false
	for _, id := range ids {
		switch id {
		case FindingEnabled:
			req.Enabled, put = true, true
		case FindingRedirectURI:
			if !slices.Contains(req.RedirectURIs, d.redirectURI) {
				req.RedirectURIs = append(req.RedirectURIs, d.redirectURI)
			}
			put = true
		case FindingPKCE:
			req.PKCEEnforcement, put = "S256_REQUIRED", true
		case FindingAuthMethod:
			req.TokenEndpointAuthMethod, put = "NONE", true
		case FindingGrantType:
			if !slices.Contains(req.GrantTypes, "AUTHORIZATION_CODE") {
				req.GrantTypes = append(req.GrantTypes, "AUTHORIZATION_CODE")
			}
			put = true
		case FindingResponseType:
			req.ResponseTypes, put = []string{"CODE"}, true
		case FindingScopes:
			grant = true
		default:
			return nil, fmt.Errorf("app: unknown self-check finding %q", id)
		}
	}
	env := c.profile.TargetEnvironmentID
	if put {
		if _, err := c.mgmt.UpdateApplication(ctx, env, appID, req); err != nil {
			return nil, err
		}
	}
	if grant {
		if _, err := c.mgmt.GrantOpenIDScopes(ctx, env, appID, SelfCheckScopes); err != nil {
			return nil, err
		}
	}
	return d.CheckApplication(ctx, appID)
}
