package sandbox

import (
	"net/http"
	"strings"
)

// --- resources and scopes ---------------------------------------------------

func (s *Server) resourceJSON(res *resource, expandScopes bool) map[string]any {
	self := s.envURL() + "/resources/" + res.ID
	m := map[string]any{
		"_links":                     links(map[string]string{"self": self, "scopes": self + "/scopes"}),
		"id":                         res.ID,
		"name":                       res.Name,
		"description":                res.Description,
		"type":                       res.Type,
		"environment":                map[string]string{"id": s.envID},
		"createdAt":                  timestamp(res.CreatedAt),
		"accessTokenValiditySeconds": int(accessTokenLifetime.Seconds()),
	}
	if res.Type == "PINGONE_API" {
		m["audience"] = s.base // tokens for this resource carry aud [base]
	}
	if expandScopes {
		m["_embedded"] = map[string]any{"scopes": s.scopesJSON(res)}
	}
	return m
}

func (s *Server) scopesJSON(res *resource) []any {
	items := make([]any, 0, len(res.Scopes))
	for _, sc := range res.Scopes {
		items = append(items, map[string]any{
			"_links":      links(map[string]string{"self": s.envURL() + "/resources/" + res.ID + "/scopes/" + sc.ID}),
			"id":          sc.ID,
			"name":        sc.Name,
			"description": sc.Description,
			"resource":    map[string]string{"id": res.ID},
			"environment": map[string]string{"id": s.envID},
		})
	}
	return items
}

func (s *Server) handleResources(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeMethodNotAllowed(w, r, http.MethodGet)
		return
	}
	expand := strings.Contains(r.URL.Query().Get("expand"), "scopes")
	s.mu.Lock()
	defer s.mu.Unlock()
	items := make([]any, 0, len(s.resources))
	for _, res := range s.resources {
		items = append(items, s.resourceJSON(res, expand))
	}
	writeJSON(w, http.StatusOK, collection(s.envURL()+"/resources", "resources", items))
}

func (s *Server) handleResource(w http.ResponseWriter, r *http.Request, id string) {
	if r.Method != http.MethodGet {
		writeMethodNotAllowed(w, r, http.MethodGet)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	res := s.resourceByID(id)
	if res == nil {
		writeNotFound(w, r)
		return
	}
	writeJSON(w, http.StatusOK, s.resourceJSON(res, strings.Contains(r.URL.Query().Get("expand"), "scopes")))
}

func (s *Server) handleScopes(w http.ResponseWriter, r *http.Request, id string) {
	if r.Method != http.MethodGet {
		writeMethodNotAllowed(w, r, http.MethodGet)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	res := s.resourceByID(id)
	if res == nil {
		writeNotFound(w, r)
		return
	}
	writeJSON(w, http.StatusOK, collection(s.envURL()+"/resources/"+id+"/scopes", "scopes", s.scopesJSON(res)))
}

// --- application resource grants -------------------------------------------

type grantInput struct {
	Resource *struct {
		ID string `json:"id"`
	} `json:"resource"`
	Scopes []struct {
		ID string `json:"id"`
	} `json:"scopes"`
}

func (s *Server) grantJSON(g *grant) map[string]any {
	scopes := make([]any, 0, len(g.ScopeIDs))
	for _, id := range g.ScopeIDs {
		scopes = append(scopes, map[string]string{"id": id})
	}
	return map[string]any{
		"_links":      links(map[string]string{"self": s.appURL(g.AppID) + "/grants/" + g.ID, "application": s.appURL(g.AppID)}),
		"id":          g.ID,
		"environment": map[string]string{"id": s.envID},
		"application": map[string]string{"id": g.AppID},
		"resource":    map[string]string{"id": g.ResourceID},
		"scopes":      scopes,
		"createdAt":   timestamp(g.CreatedAt),
		"updatedAt":   timestamp(g.UpdatedAt),
	}
}

// validateGrantLocked checks that the resource exists and every scope belongs
// to it (TF's grant validation); s.mu must be held.
func (s *Server) validateGrantLocked(in *grantInput) ([]string, []errorDetail) {
	var d []errorDetail
	if in.Resource == nil || in.Resource.ID == "" {
		d = append(d, errorDetail{Code: "REQUIRED_VALUE", Target: "resource.id", Message: "A value is required for resource.id."})
		return nil, d
	}
	res := s.resourceByID(in.Resource.ID)
	if res == nil {
		d = append(d, errorDetail{Code: "INVALID_VALUE", Target: "resource.id", Message: "The resource does not exist in this environment."})
		return nil, d
	}
	if len(in.Scopes) == 0 {
		d = append(d, errorDetail{Code: "REQUIRED_VALUE", Target: "scopes", Message: "At least one scope is required."})
	}
	var ids []string
	for _, sc := range in.Scopes {
		if res.scopeByID(sc.ID) == nil {
			d = append(d, errorDetail{Code: "INVALID_VALUE", Target: "scopes",
				Message: "The scope " + quoteForMessage(sc.ID) + " does not belong to the resource."})
			continue
		}
		if !contains(ids, sc.ID) {
			ids = append(ids, sc.ID)
		}
	}
	return ids, d
}

func (s *Server) handleGrants(w http.ResponseWriter, r *http.Request, appID string) {
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.apps[appID] == nil {
			writeNotFound(w, r)
			return
		}
		items := []any{}
		for _, gid := range s.grantOrder {
			if g := s.grants[gid]; g.AppID == appID {
				items = append(items, s.grantJSON(g))
			}
		}
		writeJSON(w, http.StatusOK, collection(s.appURL(appID)+"/grants", "grants", items))
	case http.MethodPost:
		if !requireJSON(w, r) {
			return
		}
		var in grantInput
		if !decodeJSONBody(w, r, &in) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.apps[appID] == nil {
			writeNotFound(w, r)
			return
		}
		ids, d := s.validateGrantLocked(&in)
		if len(d) > 0 {
			writeInvalidData(w, r, d)
			return
		}
		now := s.now()
		g := &grant{ID: newUUID(), AppID: appID, ResourceID: in.Resource.ID, ScopeIDs: ids, CreatedAt: now, UpdatedAt: now}
		s.grants[g.ID] = g
		s.grantOrder = append(s.grantOrder, g.ID)
		w.Header().Set("Location", s.appURL(appID)+"/grants/"+g.ID)
		writeJSON(w, http.StatusCreated, s.grantJSON(g))
	default:
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost)
	}
}

func (s *Server) handleGrant(w http.ResponseWriter, r *http.Request, appID, grantID string) {
	var in grantInput
	if r.Method == http.MethodPut {
		if !requireJSON(w, r) || !decodeJSONBody(w, r, &in) {
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.grants[grantID]
	if s.apps[appID] == nil || g == nil || g.AppID != appID {
		if r.Method == http.MethodGet || r.Method == http.MethodPut || r.Method == http.MethodDelete {
			writeNotFound(w, r)
			return
		}
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, http.StatusOK, s.grantJSON(g))
	case http.MethodPut:
		ids, d := s.validateGrantLocked(&in)
		if len(d) > 0 {
			writeInvalidData(w, r, d)
			return
		}
		g.ResourceID, g.ScopeIDs, g.UpdatedAt = in.Resource.ID, ids, s.now()
		writeJSON(w, http.StatusOK, s.grantJSON(g))
	case http.MethodDelete:
		delete(s.grants, grantID)
		s.grantOrder = remove(s.grantOrder, grantID)
		w.WriteHeader(http.StatusNoContent)
	default:
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPut, http.MethodDelete)
	}
}
