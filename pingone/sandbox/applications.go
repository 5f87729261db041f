package sandbox

import (
	"net/http"
	"strings"
)

// appURL is the application's Management API URL; s.mu must be held.
func (s *Server) appURL(id string) string { return s.envURL() + "/applications/" + id }

// appJSON renders an application like the SEED-APP 201 response; s.mu must be held.
func (s *Server) appJSON(a *application) map[string]any {
	self := s.appURL(a.ID)
	l := map[string]string{
		"self":              self,
		"environment":       s.envURL(),
		"attributes":        self + "/attributes",
		"grants":            self + "/grants",
		"keyRotationPolicy": s.envURL() + "/keyRotationPolicies/" + a.keyRotationPolicyID,
	}
	if isConfidential(a.TokenEndpointAuthMethod) {
		l["secret"] = self + "/secret"
	}
	m := map[string]any{
		"_links":                  links(l),
		"environment":             map[string]string{"id": s.envID},
		"id":                      a.ID,
		"clientId":                a.ID,
		"name":                    a.Name,
		"enabled":                 a.Enabled,
		"hiddenFromAppPortal":     a.HiddenFromAppPortal,
		"type":                    a.Type,
		"protocol":                a.Protocol,
		"createdAt":               timestamp(a.CreatedAt),
		"updatedAt":               timestamp(a.UpdatedAt),
		"assignActorRoles":        false,
		"grantTypes":              a.GrantTypes,
		"tokenEndpointAuthMethod": a.TokenEndpointAuthMethod,
		"pkceEnforcement":         a.PKCEEnforcement,
		"parRequirement":          a.ParRequirement,
		"parTimeout":              a.ParTimeout,
		"deviceTimeout":           a.DeviceTimeout,
		"devicePollingInterval":   a.DevicePollingInterval,
		"idpSignoff":              a.IdpSignoff,
		"requestScopesForMultipleResourcesEnabled":      false,
		"additionalRefreshTokenReplayProtectionEnabled": a.ReplayProtection,
		"signing": map[string]any{"keyRotationPolicy": map[string]string{"id": a.keyRotationPolicyID}},
	}
	if a.Description != "" {
		m["description"] = a.Description
	}
	if len(a.ResponseTypes) > 0 {
		m["responseTypes"] = a.ResponseTypes
	}
	if len(a.RedirectURIs) > 0 {
		m["redirectUris"] = a.RedirectURIs
	}
	if len(a.PostLogoutRedirectURIs) > 0 {
		m["postLogoutRedirectUris"] = a.PostLogoutRedirectURIs
	}
	if a.AllowWildcardInRedirectURIs {
		m["allowWildcardInRedirectUris"] = true
	}
	if a.hasGrantType("REFRESH_TOKEN") {
		m["refreshTokenDuration"] = a.RefreshTokenDuration
		if a.RefreshTokenRollingDuration > 0 {
			m["refreshTokenRollingDuration"] = a.RefreshTokenRollingDuration
		}
	}
	if a.LoginPageURL != "" {
		m["loginPageUrl"] = a.LoginPageURL
	}
	if a.Type == "NATIVE_APP" {
		// NATIVE_APP responses carry mobile defaults (SEED-APP).
		m["mobile"] = map[string]any{
			"integrityDetection":      map[string]string{"mode": "DISABLED"},
			"passcodeRefreshDuration": map[string]any{"duration": 30, "timeUnit": "SECONDS"},
			"passcodeGracePeriod":     5,
		}
		l["metadata"] = self + "/metadata"
		l["pushCredentials"] = self + "/pushCredentials"
		m["_links"] = links(l)
	}
	return m
}

func (s *Server) handleApplications(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock()
		items := make([]any, 0, len(s.appOrder))
		for _, id := range s.appOrder {
			items = append(items, s.appJSON(s.apps[id]))
		}
		body := collection(s.envURL()+"/applications", "applications", items)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, body)
	case http.MethodPost:
		if !requireJSON(w, r) {
			return
		}
		var in applicationInput
		if !decodeJSONBody(w, r, &in) {
			return
		}
		details := in.validate()
		s.mu.Lock()
		defer s.mu.Unlock()
		if in.Name != nil {
			details = append(details, s.nameClashLocked(strings.TrimSpace(*in.Name), "")...)
		}
		if len(details) > 0 {
			writeInvalidData(w, r, details)
			return
		}
		now := s.now()
		a := &application{ID: newUUID(), CreatedAt: now, UpdatedAt: now}
		in.apply(a)
		if isConfidential(a.TokenEndpointAuthMethod) {
			a.secret = randomToken(48)
		}
		s.putApp(a)
		w.Header().Set("Location", s.appURL(a.ID))
		writeJSON(w, http.StatusCreated, s.appJSON(a))
	default:
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost)
	}
}

// nameClashLocked reports UNIQUENESS_VIOLATION when another app has the name.
func (s *Server) nameClashLocked(name, selfID string) []errorDetail {
	for _, id := range s.appOrder {
		if id != selfID && strings.EqualFold(s.apps[id].Name, name) {
			return []errorDetail{{Code: "UNIQUENESS_VIOLATION", Target: "name",
				Message:    "An application with this name already exists in the environment.",
				InnerError: map[string]any{"existingId": id}}}
		}
	}
	return nil
}

func (s *Server) handleApplication(w http.ResponseWriter, r *http.Request, id string) {
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock()
		defer s.mu.Unlock()
		a := s.apps[id]
		if a == nil {
			writeNotFound(w, r)
			return
		}
		writeJSON(w, http.StatusOK, s.appJSON(a))
	case http.MethodPut:
		if !requireJSON(w, r) {
			return
		}
		var in applicationInput
		if !decodeJSONBody(w, r, &in) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		a := s.apps[id]
		if a == nil {
			writeNotFound(w, r)
			return
		}
		details := in.validate()
		if in.Type != nil && *in.Type != a.Type {
			details = append(details, errorDetail{Code: "INVALID_VALUE", Target: "type",
				Message: "The application type cannot be changed after the application is created."})
		}
		if in.TokenEndpointAuthMethod != nil && *in.TokenEndpointAuthMethod != a.TokenEndpointAuthMethod &&
			isConfidential(a.TokenEndpointAuthMethod) != isConfidential(*in.TokenEndpointAuthMethod) &&
			a.Type == "WORKER" {
			details = append(details, errorDetail{Code: "INVALID_VALUE", Target: "tokenEndpointAuthMethod",
				Message: "A worker application must keep a client-secret authentication method."})
		}
		if in.Name != nil {
			details = append(details, s.nameClashLocked(strings.TrimSpace(*in.Name), id)...)
		}
		// The ClientID/ClientSecret import rule is POST-only.
		details = dropTarget(details, "clientId")
		if len(details) > 0 {
			writeInvalidData(w, r, details)
			return
		}
		updated := &application{ID: a.ID, CreatedAt: a.CreatedAt, UpdatedAt: s.now(), secret: a.secret, keyRotationPolicyID: a.keyRotationPolicyID}
		in.apply(updated)
		if isConfidential(updated.TokenEndpointAuthMethod) && updated.secret == "" {
			updated.secret = randomToken(48)
		}
		s.apps[id] = updated
		writeJSON(w, http.StatusOK, s.appJSON(updated))
	case http.MethodDelete:
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.apps[id] == nil {
			writeNotFound(w, r)
			return
		}
		s.deleteApp(id)
		w.WriteHeader(http.StatusNoContent)
	default:
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPut, http.MethodDelete)
	}
}

func dropTarget(d []errorDetail, target string) []errorDetail {
	out := d[:0]
	for _, e := range d {
		if e.Target != target {
			out = append(out, e)
		}
	}
	return out
}

// handleAppSecret serves GET …/applications/{id}/secret for confidential apps.
func (s *Server) handleAppSecret(w http.ResponseWriter, r *http.Request, id string) {
	if r.Method != http.MethodGet {
		writeMethodNotAllowed(w, r, http.MethodGet)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.apps[id]
	if a == nil || a.secret == "" {
		writeNotFound(w, r)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"_links":      links(map[string]string{"self": s.appURL(id) + "/secret"}),
		"environment": map[string]string{"id": s.envID},
		"application": map[string]string{"id": id},
		"secret":      a.secret,
	})
}
