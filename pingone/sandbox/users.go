package sandbox

import (
	"net/http"
	"strings"
	"time"
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

const (
	mediaUserImport  = "application/vnd.pingidentity.user.import+json"
	mediaPasswordSet = "application/vnd.pingidentity.password.set+json"
)
