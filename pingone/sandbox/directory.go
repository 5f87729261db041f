package sandbox

import (
	"net/http"
	"strings"
	"time"
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

// --- users ------------------------------------------------------------------

const (
	mediaUserImport  = "application/vnd.pingidentity.user.import+json"
	mediaPasswordSet = "application/vnd.pingidentity.password.set+json"
)

type userInput struct {
	Username *string `json:"username"`
	Email    *string `json:"email"`
	Name     *struct {
		Given  string `json:"given"`
		Family string `json:"family"`
	} `json:"name"`
	Enabled    *bool `json:"enabled"`
	Population *struct {
		ID string `json:"id"`
	} `json:"population"`
	Password *passwordSet `json:"password"`
}

type passwordSet struct {
	Value       *string `json:"value"`
	ForceChange bool    `json:"forceChange"`
}

func (s *Server) userURL(id string) string { return s.envURL() + "/users/" + id }

func (s *Server) userJSON(u *user) map[string]any {
	pwStatus := u.passwordState
	if s.now().Before(u.lockedUntil) {
		pwStatus = "PASSWORD_LOCKED_OUT"
	}
	return map[string]any{
		"_links": links(map[string]string{
			"self": s.userURL(u.ID), "password": s.userURL(u.ID) + "/password",
			"population": s.envURL() + "/populations/" + u.PopulationID,
		}),
		"id":          u.ID,
		"environment": map[string]string{"id": s.envID},
		"username":    u.Username,
		"email":       u.Email,
		"name":        map[string]string{"given": u.Given, "family": u.Family, "formatted": u.fullName()},
		"enabled":     u.Enabled,
		"population":  map[string]string{"id": u.PopulationID},
		"lifecycle":   map[string]string{"status": "ACCOUNT_OK"},
		"mfaEnabled":  false,
		"createdAt":   timestamp(u.CreatedAt),
		"updatedAt":   timestamp(u.UpdatedAt),
		"_embedded":   map[string]any{"password": map[string]string{"status": pwStatus}},
	}
}

func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock()
		defer s.mu.Unlock()
		items := make([]any, 0, len(s.userOrder))
		for _, id := range s.userOrder {
			items = append(items, s.userJSON(s.users[id]))
		}
		writeJSON(w, http.StatusOK, collection(s.envURL()+"/users", "users", items))
	case http.MethodPost:
		mt := mediaType(r)
		if mt != "application/json" && mt != mediaUserImport {
			writeUnsupportedMediaType(w, r, mt)
			return
		}
		var in userInput
		if !decodeJSONBody(w, r, &in) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		var d []errorDetail
		if in.Username == nil || strings.TrimSpace(*in.Username) == "" {
			d = append(d, errorDetail{Code: "REQUIRED_VALUE", Target: "username", Message: "A value is required for username."})
		} else if len(*in.Username) > 128 {
			d = append(d, errorDetail{Code: "SIZE_LIMIT_EXCEEDED", Target: "username", Message: "username must be at most 128 characters."})
		} else if other := s.userByName(*in.Username); other != nil {
			d = append(d, errorDetail{Code: "UNIQUENESS_VIOLATION", Target: "username",
				Message: "A user with this username already exists.", InnerError: map[string]any{"existingId": other.ID}})
		}
		if in.Email == nil || strings.TrimSpace(*in.Email) == "" {
			d = append(d, errorDetail{Code: "REQUIRED_VALUE", Target: "email", Message: "A value is required for email."})
		} else if !strings.Contains(*in.Email, "@") {
			d = append(d, errorDetail{Code: "INVALID_VALUE", Target: "email", Message: "The email address is not valid."})
		}
		if in.Population != nil && in.Population.ID != s.population.ID {
			d = append(d, errorDetail{Code: "INVALID_VALUE", Target: "population.id", Message: "The population does not exist."})
		}
		if in.Password != nil {
			if mt != mediaUserImport {
				d = append(d, errorDetail{Code: "INVALID_VALUE", Target: "password",
					Message: "A password can only be set on create with the " + mediaUserImport + " content type."})
			} else if in.Password.Value == nil {
				d = append(d, errorDetail{Code: "REQUIRED_VALUE", Target: "password.value", Message: "A value is required for password.value."})
			} else if unmet := passwordPolicyFailures(*in.Password.Value, ""); len(unmet) > 0 {
				d = append(d, policyDetail("password.value", unmet))
			}
		}
		if len(d) > 0 {
			writeInvalidData(w, r, d)
			return
		}
		now := s.now()
		u := &user{ID: newUUID(), Username: strings.TrimSpace(*in.Username), Email: *in.Email, Enabled: true,
			PopulationID: s.population.ID, CreatedAt: now, UpdatedAt: now, passwordState: "NO_PASSWORD"}
		if in.Name != nil {
			u.Given, u.Family = in.Name.Given, in.Name.Family
		}
		if in.Enabled != nil {
			u.Enabled = *in.Enabled
		}
		if in.Password != nil {
			setPassword(u, *in.Password.Value, in.Password.ForceChange, now)
		}
		s.users[u.ID] = u
		s.userOrder = append(s.userOrder, u.ID)
		w.Header().Set("Location", s.userURL(u.ID))
		writeJSON(w, http.StatusCreated, s.userJSON(u))
	default:
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost)
	}
}

func (s *Server) handleUser(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[id]
	switch r.Method {
	case http.MethodGet:
		if u == nil {
			writeNotFound(w, r)
			return
		}
		writeJSON(w, http.StatusOK, s.userJSON(u))
	case http.MethodDelete:
		if u == nil {
			writeNotFound(w, r)
			return
		}
		delete(s.users, id)
		s.userOrder = remove(s.userOrder, id)
		w.WriteHeader(http.StatusNoContent)
	default:
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodDelete)
	}
}

// handleUserPassword implements PUT …/users/{id}/password with the
// password.set media type; the action is chosen by Content-Type in PingOne,
// so any other type is a 415.
func (s *Server) handleUserPassword(w http.ResponseWriter, r *http.Request, id string) {
	if r.Method != http.MethodPut {
		writeMethodNotAllowed(w, r, http.MethodPut)
		return
	}
	if mt := mediaType(r); mt != mediaPasswordSet {
		writeUnsupportedMediaType(w, r, mt)
		return
	}
	var in passwordSet
	if !decodeJSONBody(w, r, &in) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[id]
	if u == nil {
		writeNotFound(w, r)
		return
	}
	if in.Value == nil || *in.Value == "" {
		writeInvalidData(w, r, []errorDetail{{Code: "REQUIRED_VALUE", Target: "value", Message: "A value is required for value."}})
		return
	}
	if unmet := passwordPolicyFailures(*in.Value, ""); len(unmet) > 0 {
		writeInvalidData(w, r, []errorDetail{policyDetail("value", unmet)})
		return
	}
	now := s.now()
	setPassword(u, *in.Value, in.ForceChange, now)
	writeJSON(w, http.StatusOK, map[string]any{
		"_links":        links(map[string]string{"self": s.userURL(id) + "/password", "user": s.userURL(id)}),
		"environment":   map[string]string{"id": s.envID},
		"user":          map[string]string{"id": id},
		"status":        u.passwordState,
		"lastChangedAt": timestamp(now),
	})
}

func setPassword(u *user, value string, forceChange bool, now time.Time) {
	u.password = value
	u.passwordState = "OK"
	if forceChange {
		u.passwordState = "MUST_CHANGE_PASSWORD"
	}
	u.passwordAt, u.UpdatedAt = now, now
	u.failures, u.lockedUntil = 0, time.Time{}
}

// --- populations --------------------------------------------------------------

func (s *Server) populationJSON() map[string]any {
	return map[string]any{
		"_links":      links(map[string]string{"self": s.envURL() + "/populations/" + s.population.ID}),
		"id":          s.population.ID,
		"name":        s.population.Name,
		"default":     true,
		"environment": map[string]string{"id": s.envID},
		"userCount":   len(s.userOrder),
		"createdAt":   timestamp(s.population.CreatedAt),
	}
}

func (s *Server) handlePopulations(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeMethodNotAllowed(w, r, http.MethodGet)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, collection(s.envURL()+"/populations", "populations", []any{s.populationJSON()}))
}

func (s *Server) handlePopulation(w http.ResponseWriter, r *http.Request, id string) {
	if r.Method != http.MethodGet {
		writeMethodNotAllowed(w, r, http.MethodGet)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id != s.population.ID {
		writeNotFound(w, r)
		return
	}
	writeJSON(w, http.StatusOK, s.populationJSON())
}
