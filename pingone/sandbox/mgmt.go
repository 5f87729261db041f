package sandbox

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
)

const maxBodyBytes = 1 << 20

// serveManagement routes {base}/v1/environments/{envID}/...
func (s *Server) serveManagement(w http.ResponseWriter, r *http.Request) {
	if !s.authorizeWorker(w, r) {
		return
	}
	seg := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/v1/"), "/"), "/")
	if len(seg) < 2 || seg[0] != "environments" || seg[1] != s.envID {
		writeNotFound(w, r)
		return
	}
	seg = seg[2:]
	switch {
	case len(seg) == 0:
		s.handleEnvironment(w, r)
	case seg[0] == "applications" && len(seg) == 1:
		s.handleApplications(w, r)
	case seg[0] == "applications" && len(seg) == 2:
		s.handleApplication(w, r, seg[1])
	case seg[0] == "applications" && len(seg) == 3 && seg[2] == "secret":
		s.handleAppSecret(w, r, seg[1])
	case seg[0] == "applications" && len(seg) == 3 && seg[2] == "grants":
		s.handleGrants(w, r, seg[1])
	case seg[0] == "applications" && len(seg) == 4 && seg[2] == "grants":
		s.handleGrant(w, r, seg[1], seg[3])
	case seg[0] == "resources" && len(seg) == 1:
		s.handleResources(w, r)
	case seg[0] == "resources" && len(seg) == 2:
		s.handleResource(w, r, seg[1])
	case seg[0] == "resources" && len(seg) == 3 && seg[2] == "scopes":
		s.handleScopes(w, r, seg[1])
	case seg[0] == "users" && len(seg) == 1:
		s.handleUsers(w, r)
	case seg[0] == "users" && len(seg) == 2:
		s.handleUser(w, r, seg[1])
	case seg[0] == "users" && len(seg) == 3 && seg[2] == "password":
		s.handleUserPassword(w, r, seg[1])
	case seg[0] == "populations" && len(seg) == 1:
		s.handlePopulations(w, r)
	case seg[0] == "populations" && len(seg) == 2:
		s.handlePopulation(w, r, seg[1])
	default:
		writeNotFound(w, r)
	}
}

// authorizeWorker enforces "Bearer worker token on every call". Missing,
// malformed, expired or revoked tokens get 401 ACCESS_FAILED; valid tokens
// that are not a worker's client_credentials token get 403 ACCESS_FAILED
// (permissions come from the worker's role assignments, pingone-api.md §2).
func (s *Server) authorizeWorker(w http.ResponseWriter, r *http.Request) bool {
	raw, ok := bearerToken(r)
	if !ok {
		writePlatformError(w, r, http.StatusUnauthorized, "ACCESS_FAILED",
			"The request could not be completed. The request was not authenticated: a Bearer access token is required.", nil)
		return false
	}
	s.mu.Lock()
	rec, err := s.accessRecordLocked(raw)
	var app *application
	if err == nil {
		app = s.apps[rec.ClientID]
	}
	s.mu.Unlock()
	if err != nil {
		writePlatformError(w, r, http.StatusUnauthorized, "ACCESS_FAILED",
			"The request could not be completed. The access token is invalid or expired.", nil)
		return false
	}
	if rec.GrantType != "client_credentials" || app == nil || app.Type != "WORKER" || !app.Enabled {
		writePlatformError(w, r, http.StatusForbidden, "ACCESS_FAILED", msgAccessFailed, []errorDetail{{
			Code: "INSUFFICIENT_PERMISSIONS", Message: "The actor attempting to perform the request is not authorized.",
		}})
		return false
	}
	return true
}

// bearerToken extracts an RFC 6750 §2.1 bearer token.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// accessRecordLocked verifies a sandbox-issued access token and returns its
// record; s.mu must be held.
func (s *Server) accessRecordLocked(raw string) (*accessRecord, error) {
	claims, err := s.parseTokenLocked(raw, true)
	if err != nil {
		return nil, err
	}
	jti, _ := claims["jti"].(string)
	rec := s.access[jti]
	if rec == nil || rec.Revoked || !s.now().Before(rec.ExpiresAt) {
		return nil, errors.New("token not active")
	}
	return rec, nil
}

func (s *Server) handleEnvironment(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		writeMethodNotAllowed(w, r, http.MethodGet)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"_links":       links(map[string]string{"self": s.envURL()}),
		"id":           s.envID,
		"name":         "PKCE Desk Sandbox",
		"type":         "SANDBOX",
		"region":       "NA",
		"organization": map[string]string{"id": s.orgID},
	})
}

// envURL is the Management API URL of the environment; s.mu must be held.
func (s *Server) envURL() string { return s.base + "/v1/environments/" + s.envID }

func links(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = map[string]string{"href": v}
	}
	return out
}

// collection is PingOne's EntityArray shape.
func collection(self, name string, items []any) map[string]any {
	return map[string]any{
		"_links":    links(map[string]string{"self": self}),
		"_embedded": map[string]any{name: items},
		"count":     len(items),
		"size":      len(items),
	}
}

// decodeJSONBody reads a JSON object into v. Malformed JSON is
// INVALID_REQUEST; a value of the wrong type is INVALID_DATA on that field.
func decodeJSONBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		writeInvalidRequest(w, r, "The request could not be completed. The request body is too large or unreadable.")
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			writeInvalidData(w, r, []errorDetail{{Code: "INVALID_VALUE", Target: typeErr.Field,
				Message: "The value must be of type " + typeErr.Type.String() + "."}})
			return false
		}
		writeInvalidRequest(w, r, "The request could not be completed. The request body is not valid JSON.")
		return false
	}
	return true
}

// mediaType returns the lower-cased media type of the request without parameters.
func mediaType(r *http.Request) string {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(ct))
	}
	// Media types are case-insensitive (RFC 9110 §8.3.1); hand back PingOne's
	// spelling so that callers can compare with the constants.
	for _, known := range knownMediaTypes {
		if strings.EqualFold(mt, known) {
			return known
		}
	}
	return mt
}

var knownMediaTypes = []string{
	mediaUsernamePassword, mediaPasswordReset, mediaSessionReset, mediaPasswordForgot,
	mediaUserImport, mediaPasswordSet,
}

// requireJSON answers 415 unless the body is application/json.
func requireJSON(w http.ResponseWriter, r *http.Request) bool {
	if mt := mediaType(r); mt != "application/json" {
		writeUnsupportedMediaType(w, r, mt)
		return false
	}
	return true
}
