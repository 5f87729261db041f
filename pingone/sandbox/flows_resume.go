package sandbox

import (
	"net/http"
	"net/url"
)

// resumeObject is the completed pi.flow answer of /as/resume; fields in
// encoding/json's map-key order, as for flowObject.
type resumeObject struct {
	Links             selfLinks         `json:"_links"`
	AuthorizeResponse authorizeResponse `json:"authorizeResponse"`
	Environment       idRef             `json:"environment"`
	ID                string            `json:"id"`
	Status            string            `json:"status"`
}

type selfLinks struct {
	Self hrefLink `json:"self"`
}

type authorizeResponse struct {
	Code  string `json:"code"`
	State string `json:"state,omitempty"` // only when the client sent one
}

// serveResume implements GET {env}/as/resume?flowId=: it needs the flow's ST
// cookie, turns the completed flow into a single-use code and consumes the
// flow. pi.flow answers JSON; browser mode redirects to the client.
func (s *Server) serveResume(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost)
		return
	}
	code := randomToken(32)
	s.mu.Lock()
	send := s.resumeLocked(w, r, code)
	s.mu.Unlock()
	send()
}

// resumeLocked issues the code; the returned function writes the answer once
// s.mu is released. s.mu must be held.
func (s *Server) resumeLocked(w http.ResponseWriter, r *http.Request, code string) func() {
	f := s.liveFlowLocked(r.URL.Query().Get("flowId"))
	if f == nil {
		if r.Header.Get("Accept") == "application/json" || r.Method == http.MethodPost {
			return func() { writeNotFound(w, r) }
		}
		return func() {
			writeErrorPage(w, http.StatusNotFound, "Sign-on error", "The sign-on flow does not exist or has expired.")
		}
	}
	piFlow := f.Req.ResponseMode == "pi.flow"
	if f.Status != "COMPLETED" {
		if piFlow {
			status := f.Status
			return func() {
				writeInvalidRequest(w, r, "The request could not be completed. The flow is in status "+status+", not COMPLETED.")
			}
		}
		signon := s.signonURL(f.ID)
		return func() { http.Redirect(w, r, signon, http.StatusFound) }
	}
	var sess *session
	if c, err := r.Cookie("ST"); err == nil {
		sess = s.sessions[c.Value]
	}
	if sess == nil || sess.ID != f.SessionID {
		if piFlow {
			return func() {
				writePlatformError(w, r, http.StatusBadRequest, "REQUEST_FAILED",
					"The request could not be completed. The session cookie (ST) of this flow was not sent.", nil)
			}
		}
		return func() {
			writeErrorPage(w, http.StatusBadRequest, "Sign-on error", "The session cookie of this sign-on was not sent. Enable cookies and try again.")
		}
	}
	s.codes[code] = &authCode{Req: f.Req, UserID: sess.UserID, SessionID: sess.ID, AuthTime: sess.AuthTime,
		ExpiresAt: s.now().Add(codeLifetime)}
	delete(s.flows, f.ID)
	if piFlow {
		resp := &resumeObject{
			Links:             selfLinks{Self: hrefLink{Href: s.resumeURL(f.ID)}},
			AuthorizeResponse: authorizeResponse{Code: code, State: f.Req.State},
			Environment:       idRef{ID: s.envID},
			ID:                f.ID,
			Status:            "COMPLETED",
		}
		return func() {
			w.Header().Set("Cache-Control", "no-store")
			writeJSON(w, http.StatusOK, resp)
		}
	}
	req := f.Req
	return func() { redirectWithParams(w, r, req.redirectTo, url.Values{"code": {code}}, req.State) }
}
