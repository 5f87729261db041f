package pingone

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Resource is a PingOne resource (the built-in "openid" one has type OPENID_CONNECT).
type Resource struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"` // OPENID_CONNECT, PINGONE_API, CUSTOM
}

// Scope is a scope of a resource.
type Scope struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// ErrNoOpenIDResource: the environment has no OPENID_CONNECT resource (every real
// environment has one, so this points at a wrong environment ID or a broken emulator).
var ErrNoOpenIDResource = errors.New("pingone: the environment has no OpenID Connect resource")

// OpenIDResource finds the environment's built-in OPENID_CONNECT resource and its scopes
// (openid, profile, email, address, phone, offline_access, ...), as the Terraform provider
// does: by type, not by name.
func (m *Management) OpenIDResource(ctx context.Context, envID string) (*Resource, []Scope, error) {
	path, err := envPath(envID, "resources")
	if err != nil {
		return nil, nil, fmt.Errorf("pingone: list resources: %w", err)
	}
	resources, err := listAll[Resource](ctx, m, "list-resources", "list resources", path, "resources")
	if err != nil {
		return nil, nil, err
	}
	i := slices.IndexFunc(resources, func(r Resource) bool { return r.Type == "OPENID_CONNECT" })
	if i < 0 {
		return nil, nil, ErrNoOpenIDResource
	}
	res := resources[i]
	if err := ValidateID(res.ID); err != nil {
		return nil, nil, fmt.Errorf("pingone: list resources: %w", &UnexpectedResponseError{
			Status: http.StatusOK, ContentType: "application/json", Reason: "resource id is not a UUID"})
	}
	scopesPath, _ := envPath(envID, "resources", res.ID, "scopes")
	scopes, err := listAll[Scope](ctx, m, "list-scopes", "list scopes", scopesPath, "scopes")
	if err != nil {
		return nil, nil, err
	}
	return &res, scopes, nil
}

// Grant is an application's access grant to one resource's scopes.
type Grant struct {
	ID            string
	ApplicationID string
	ResourceID    string
	ScopeIDs      []string
}

type grantJSON struct {
	ID          string  `json:"id,omitempty"`
	Application *idRef  `json:"application,omitempty"`
	Resource    idRef   `json:"resource"`
	Scopes      []idRef `json:"scopes"`
}

type idRef struct {
	ID string `json:"id"`
}

func (g grantJSON) grant() Grant {
	out := Grant{ID: g.ID, ResourceID: g.Resource.ID}
	if g.Application != nil {
		out.ApplicationID = g.Application.ID
	}
	for _, s := range g.Scopes {
		out.ScopeIDs = append(out.ScopeIDs, s.ID)
	}
	return out
}

// ListGrants returns the application's resource grants.
func (m *Management) ListGrants(ctx context.Context, envID, appID string) ([]Grant, error) {
	path, err := appPath(envID, appID, "grants")
	if err != nil {
		return nil, fmt.Errorf("pingone: list grants: %w", err)
	}
	raw, err := listAll[grantJSON](ctx, m, "list-grants", "list grants", path, "grants")
	if err != nil {
		return nil, err
	}
	grants := make([]Grant, 0, len(raw))
	for _, g := range raw {
		gr := g.grant()
		if gr.ApplicationID == "" {
			gr.ApplicationID = appID
		}
		grants = append(grants, gr)
	}
	return grants, nil
}

// GrantOpenIDScopes makes sure the application may request the named OIDC scopes (e.g.
// profile, email, offline_access). Plain "openid" works without a grant, but every other
// OIDC scope needs one (pingone-api.md §3.4).
//
// Granting is additive: an existing openid-resource grant is updated with PUT and the union
// of its scopes and the requested ones, instead of creating a second grant; when it already
// covers them it is returned unchanged without a request.
func (m *Management) GrantOpenIDScopes(ctx context.Context, envID, appID string, scopeNames []string) (*Grant, error) {
	if _, err := appPath(envID, appID); err != nil {
		return nil, fmt.Errorf("pingone: grant scopes: %w", err)
	}
	if len(scopeNames) == 0 {
		return nil, errors.New("pingone: grant scopes: no scopes requested")
	}
	res, scopes, err := m.OpenIDResource(ctx, envID)
	if err != nil {
		return nil, err
	}
	byName := make(map[string]string, len(scopes))
	for _, s := range scopes {
		byName[s.Name] = s.ID
	}
	var wanted, unknown []string
	for _, n := range scopeNames {
		id, ok := byName[strings.TrimSpace(n)]
		if !ok {
			unknown = append(unknown, SanitizeText(n, 40))
			continue
		}
		if !slices.Contains(wanted, id) {
			wanted = append(wanted, id)
		}
	}
	if len(unknown) > 0 {
		return nil, &Error{Code: "INVALID_DATA", Message: "Unknown OpenID Connect scope(s); nothing was sent to PingOne.",
			Details: []ErrorDetail{{Code: "INVALID_VALUE", Target: "scopes", Message: "Unknown scope(s): " + strings.Join(unknown, ", ")}}}
	}

	grants, err := m.ListGrants(ctx, envID, appID)
	if err != nil {
		return nil, err
	}
	for _, g := range grants {
		if g.ResourceID != res.ID {
			continue
		}
		merged := slices.Clone(g.ScopeIDs)
		for _, id := range wanted {
			if !slices.Contains(merged, id) {
				merged = append(merged, id)
			}
		}
		if len(merged) == len(g.ScopeIDs) {
			return &g, nil
		}
		if err := ValidateID(g.ID); err != nil {
			return nil, fmt.Errorf("pingone: update grant: %w", &UnexpectedResponseError{
				Status: http.StatusOK, ContentType: "application/json", Reason: "grant id is not a UUID"})
		}
		path, _ := appPath(envID, appID, "grants", g.ID)
		return m.writeGrant(ctx, apiCall{step: "update-grant", op: "update grant", method: http.MethodPut, path: path}, res.ID, merged, appID)
	}
	path, _ := appPath(envID, appID, "grants")
	return m.writeGrant(ctx, apiCall{step: "create-grant", op: "create grant", method: http.MethodPost, path: path}, res.ID, wanted, appID)
}

func (m *Management) writeGrant(ctx context.Context, c apiCall, resourceID string, scopeIDs []string, appID string) (*Grant, error) {
	body := grantJSON{Resource: idRef{ID: resourceID}}
	for _, id := range scopeIDs {
		body.Scopes = append(body.Scopes, idRef{ID: id})
	}
	c.body = body
	var out grantJSON
	if err := m.do(ctx, c, &out); err != nil {
		return nil, err
	}
	g := out.grant()
	if g.ApplicationID == "" {
		g.ApplicationID = appID
	}
	return &g, nil
}
