package app

import (
	"context"
	"slices"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// SignInScopes is what a sign-in to one application can ask for: the OpenID Connect
// scopes granted to it and whether it can be issued refresh tokens.
type SignInScopes struct {
	// Granted are the names of the OpenID Connect scopes granted to the application,
	// sorted. PingOne refuses a sign-in that asks for a scope the application was not
	// granted (openid itself needs no grant).
	Granted []string
	// Refresh reports the REFRESH_TOKEN grant type. Without it PingOne issues no refresh
	// token, whatever the scopes.
	Refresh bool
}

// Defaults are the OptionalScopes a sign-in to the application should ask for unless the
// user says otherwise: every granted one, and offline_access only with the REFRESH_TOKEN
// grant type. When offline_access is granted, PingOne issues a refresh token only to a
// sign-in that asks for it, so leaving it out would cost the demo its refresh token;
// without REFRESH_TOKEN, asking for it brings nothing.
func (s *SignInScopes) Defaults() []string {
	var out []string
	for _, name := range OptionalScopes {
		if !slices.Contains(s.Granted, name) || (name == "offline_access" && !s.Refresh) {
			continue
		}
		out = append(out, name)
	}
	return out
}

// SignInScopesOf reads what sign-ins to the listed applications can ask for, keyed by
// application ID: one request for the environment's OpenID Connect resource, then one per
// application for its grants (the grant types come with the list).
func (d *Desk) SignInScopesOf(ctx context.Context, apps []pingone.Application) (map[string]*SignInScopes, error) {
	out := map[string]*SignInScopes{}
	if len(apps) == 0 {
		return out, nil
	}
	c, err := d.connect(ctx)
	if err != nil {
		return nil, err
	}
	oidc, err := d.openIDScopeNames(ctx, c)
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		if err := checkAppID(a.ID); err != nil {
			return nil, err
		}
		granted, err := oidc.granted(ctx, c, a.ID)
		if err != nil {
			return nil, err
		}
		out[a.ID] = &SignInScopes{Granted: granted, Refresh: slices.Contains(a.GrantTypes, "REFRESH_TOKEN")}
	}
	return out, nil
}

// SignInScopes reads the application's grant types and its granted OpenID Connect scopes.
func (d *Desk) SignInScopes(ctx context.Context, appID string) (*SignInScopes, error) {
	if err := checkAppID(appID); err != nil {
		return nil, err
	}
	c, err := d.connect(ctx)
	if err != nil {
		return nil, err
	}
	app, err := c.mgmt.GetApplication(ctx, c.profile.TargetEnvironmentID, appID)
	if err != nil {
		return nil, err
	}
	granted, err := d.grantedOpenIDScopes(ctx, c, appID)
	if err != nil {
		return nil, err
	}
	return &SignInScopes{Granted: granted, Refresh: slices.Contains(app.GrantTypes, "REFRESH_TOKEN")}, nil
}
