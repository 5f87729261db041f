package sandbox

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Flow API media types (pingone-api.md §5.2): the action is chosen by Content-Type.
const (
	mediaUsernamePassword = "application/vnd.pingidentity.usernamePassword.check+json"
	mediaPasswordReset    = "application/vnd.pingidentity.password.reset+json"
	mediaSessionReset     = "application/vnd.pingidentity.session.reset+json"
	mediaPasswordForgot   = "application/vnd.pingidentity.password.forgot+json"
)

const msgBadCredentials = "Invalid username and/or password."

func (s *Server) flowURL(id string) string { return s.base + "/" + s.envID + "/flows/" + id }
func (s *Server) resumeURL(id string) string {
	return s.base + "/" + s.envID + "/as/resume?flowId=" + url.QueryEscape(id)
}
func (s *Server) signonURL(id string) string {
	return s.base + "/" + s.envID + "/signon/?flowId=" + url.QueryEscape(id)
}

// flowObject is a flow in PingOne's shape. Its fields (and those of the types
// below) are in the order encoding/json gives map keys, so the encoding is
// the one of the equivalent map; the structs just encode faster.
type flowObject struct {
	Embedded    flowEmbedded `json:"_embedded"`
	Links       flowLinks    `json:"_links"`
	CreatedAt   string       `json:"createdAt"`
	Environment idRef        `json:"environment"`
	ExpiresAt   string       `json:"expiresAt"`
	ID          string       `json:"id"`
	ResumeURL   string       `json:"resumeUrl"`
	Session     *idRef       `json:"session,omitempty"`
	Status      string       `json:"status"`
}

type idRef struct {
	ID string `json:"id"`
}

type hrefLink struct {
	Href string `json:"href"`
}

type flowLinks struct {
	PasswordForgot        *hrefLink `json:"password.forgot,omitempty"`
	PasswordReset         *hrefLink `json:"password.reset,omitempty"`
	Self                  hrefLink  `json:"self"`
	SessionReset          *hrefLink `json:"session.reset,omitempty"`
	SignOnPage            *hrefLink `json:"signOnPage,omitempty"`
	UsernamePasswordCheck *hrefLink `json:"usernamePassword.check,omitempty"`
}

type flowEmbedded struct {
	Application    flowApplication `json:"application"`
	PasswordPolicy json.RawMessage `json:"passwordPolicy,omitempty"`
	User           *flowUser       `json:"user,omitempty"`
}

type flowApplication struct {
	Name string `json:"name"`
}

type flowUser struct {
	ID       string        `json:"id"`
	Name     *flowUserName `json:"name,omitempty"`
	Username string        `json:"username"`
}

type flowUserName struct {
	Family string `json:"family"`
	Given  string `json:"given"`
}

// flowJSON renders a flow object in PingOne's shape; s.mu must be held. The
// result shares nothing with the server's state, so it can be encoded after
// s.mu is released.
func (s *Server) flowJSON(f *flow) *flowObject {
	self := &hrefLink{Href: s.flowURL(f.ID)}
	m := &flowObject{
		ID:          f.ID,
		Environment: idRef{ID: s.envID},
		ResumeURL:   s.resumeURL(f.ID),
		Status:      f.Status,
		CreatedAt:   timestamp(f.CreatedAt),
		ExpiresAt:   timestamp(f.ExpiresAt),
		Links:       flowLinks{Self: *self},
	}
	if app := s.apps[f.Req.ClientID]; app != nil {
		m.Embedded.Application.Name = app.Name
	}
	u := s.users[f.UserID]
	switch f.Status {
	case "USERNAME_PASSWORD_REQUIRED":
		m.Links.UsernamePasswordCheck = self
		m.Links.PasswordForgot = self
		m.Links.SessionReset = self
		m.Links.SignOnPage = &hrefLink{Href: s.signonURL(f.ID)}
		m.Embedded.PasswordPolicy = passwordPolicyEncoded
	case "PASSWORD_EXPIRED", "MUST_CHANGE_PASSWORD":
		m.Links.PasswordReset = self
		m.Links.SessionReset = self
		m.Embedded.PasswordPolicy = passwordPolicyEncoded
		if u != nil {
			m.Embedded.User = &flowUser{ID: u.ID, Username: u.Username}
		}
	case "COMPLETED":
		m.Session = &idRef{ID: f.SessionID}
		if u != nil {
			m.Embedded.User = &flowUser{ID: u.ID, Username: u.Username, Name: &flowUserName{Given: u.Given, Family: u.Family}}
		}
	}
	return m
}

// liveFlowLocked returns the flow if it exists and has not expired; expired
// flows are forgotten. s.mu must be held.
func (s *Server) liveFlowLocked(id string) *flow {
	f := s.flows[id]
	if f == nil {
		return nil
	}
	if !s.now().Before(f.ExpiresAt) {
		delete(s.flows, id)
		return nil
	}
	return f
}

// serveFlow implements GET/POST {env}/flows/{flowID}. The body is parsed
// before s.mu is taken and the answer encoded after it is released; errors
// keep their order (unknown flow, media type, action, body, credentials).
func (s *Server) serveFlow(w http.ResponseWriter, r *http.Request, flowID string) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost)
		return
	}
	var in flowInput
	var ids sessionIDs
	if r.Method == http.MethodPost {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err != nil {
			writeInvalidRequest(w, r, "")
			return
		}
		in = parseFlowInput(body, flowFields(mediaType(r)))
		ids = newSessionIDs()
	}
	s.mu.Lock()
	send := s.flowLocked(w, r, flowID, in, ids)
	s.mu.Unlock()
	send()
}

// flowFields are the JSON string members a flow action requires.
func flowFields(media string) []string {
	switch media {
	case mediaUsernamePassword:
		return []string{"username", "password"}
	case mediaPasswordReset:
		return []string{"currentPassword", "newPassword"}
	}
	return nil
}

// flowInput is a flow action's JSON body, read before s.mu is taken.
type flowInput struct {
	values  map[string]string
	invalid bool          // the body is not a JSON object
	missing []errorDetail // REQUIRED_VALUE for each absent or empty field
}

func parseFlowInput(body []byte, fields []string) flowInput {
	in := flowInput{values: map[string]string{}}
	if len(fields) == 0 {
		return in
	}
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		in.invalid = true
		return in
	}
	for _, k := range fields {
		v, ok := raw[k].(string)
		if !ok || v == "" {
			in.missing = append(in.missing, errorDetail{Code: "REQUIRED_VALUE", Target: k, Message: "A value is required for " + k + "."})
		}
		in.values[k] = v
	}
	return in
}

// flowLocked applies a flow request; the returned function writes the answer
// once s.mu is released. s.mu must be held.
func (s *Server) flowLocked(w http.ResponseWriter, r *http.Request, flowID string, in flowInput, ids sessionIDs) func() {
	f := s.liveFlowLocked(flowID)
	if f == nil {
		return func() { writeNotFound(w, r) }
	}
	if r.Method == http.MethodGet {
		body := s.flowJSON(f)
		return func() { writeJSON(w, http.StatusOK, body) }
	}

	mt := mediaType(r)
	var action func(map[string]string) (*session, []errorDetail)
	switch mt {
	case mediaUsernamePassword:
		action = func(in map[string]string) (*session, []errorDetail) {
			return s.checkCredentialsLocked(f, in["username"], in["password"], ids)
		}
	case mediaPasswordReset:
		action = func(in map[string]string) (*session, []errorDetail) {
			return s.resetPasswordLocked(f, in["currentPassword"], in["newPassword"], ids)
		}
	case mediaSessionReset:
		action = func(map[string]string) (*session, []errorDetail) {
			f.Status, f.UserID, f.SessionID = "USERNAME_PASSWORD_REQUIRED", "", ""
			return nil, nil
		}
	case mediaPasswordForgot:
		return func() {
			writePlatformError(w, r, http.StatusBadRequest, "REQUEST_FAILED",
				"The request could not be completed. Password recovery is not available in the sandbox.", nil)
		}
	default:
		return func() { writeUnsupportedMediaType(w, r, mt) }
	}
	if !actionAllowed(f.Status, mt) {
		status := f.Status
		return func() {
			writeInvalidRequest(w, r, "The request could not be completed. The action is not valid for a flow in status "+status+".")
		}
	}
	if in.invalid {
		return func() {
			writeInvalidRequest(w, r, "The request could not be completed. The request body is not valid JSON.")
		}
	}
	if len(in.missing) > 0 {
		return func() { writeInvalidData(w, r, in.missing) }
	}
	sess, details := action(in.values)
	if len(details) > 0 {
		return func() { writeInvalidData(w, r, details) }
	}
	var cookie *http.Cookie
	if sess != nil {
		cookie = s.sessionCookieLocked(sess)
	}
	body := s.flowJSON(f)
	return func() {
		if cookie != nil {
			http.SetCookie(w, cookie)
		}
		writeJSON(w, http.StatusOK, body)
	}
}

func actionAllowed(status, media string) bool {
	switch media {
	case mediaUsernamePassword:
		return status == "USERNAME_PASSWORD_REQUIRED"
	case mediaPasswordReset:
		return status == "PASSWORD_EXPIRED" || status == "MUST_CHANGE_PASSWORD"
	case mediaSessionReset:
		return status != "COMPLETED"
	}
	return false
}

// checkCredentialsLocked is the username/password step shared by the flow API
// and the hosted sign-on page. Unknown users and wrong passwords get the same
// answer (target "username", as observed on real PingOne) so that the
// response does not reveal which one was wrong.
func (s *Server) checkCredentialsLocked(f *flow, username, password string, ids sessionIDs) (*session, []errorDetail) {
	now := s.now()
	bad := []errorDetail{{Code: "INVALID_VALUE", Target: "username", Message: msgBadCredentials}}
	u := s.userByName(username)
	if u == nil || !u.Enabled || u.passwordState == "NO_PASSWORD" {
		return nil, bad
	}
	if now.Before(u.lockedUntil) {
		return nil, []errorDetail{lockedDetail(u, now)}
	}
	if subtle.ConstantTimeCompare([]byte(password), []byte(u.password)) != 1 {
		u.failures++
		if u.failures >= lockoutThreshold {
			// The failure that reaches the threshold already reports the lockout.
			u.failures = 0
			u.lockedUntil = now.Add(lockoutDuration)
			return nil, []errorDetail{lockedDetail(u, now)}
		}
		return nil, bad
	}
	u.failures = 0
	f.UserID = u.ID
	switch u.passwordState {
	case "PASSWORD_EXPIRED", "MUST_CHANGE_PASSWORD":
		f.Status = u.passwordState
		return nil, nil
	}
	return s.completeFlowLocked(f, u, ids), nil
}

func lockedDetail(u *user, now time.Time) errorDetail {
	secs := int(u.lockedUntil.Sub(now).Round(time.Second).Seconds())
	return errorDetail{Code: "PASSWORD_LOCKED_OUT", Target: "password",
		Message:    "The password is locked because of too many failed attempts.",
		InnerError: map[string]any{"secondsUntilUnlock": secs}}
}

func (s *Server) resetPasswordLocked(f *flow, current, next string, ids sessionIDs) (*session, []errorDetail) {
	u := s.users[f.UserID]
	if u == nil {
		return nil, []errorDetail{{Code: "INVALID_VALUE", Target: "username", Message: msgBadCredentials}}
	}
	if subtle.ConstantTimeCompare([]byte(current), []byte(u.password)) != 1 {
		return nil, []errorDetail{{Code: "INVALID_VALUE", Target: "currentPassword", Message: "The current password is not correct."}}
	}
	if unmet := passwordPolicyFailures(next, u.password); len(unmet) > 0 {
		return nil, []errorDetail{policyDetail("newPassword", unmet)}
	}
	setPassword(u, next, false, s.now())
	return s.completeFlowLocked(f, u, ids), nil
}

// sessionIDs are a new session's sid and ST cookie value, drawn before s.mu
// is taken so that crypto/rand does not run under it.
type sessionIDs struct{ id, token string }

func newSessionIDs() sessionIDs { return sessionIDs{id: newUUID(), token: randomToken(32)} }

// completeFlowLocked authenticates the user: it opens a session (sid and the
// ST cookie value) and marks the flow COMPLETED.
func (s *Server) completeFlowLocked(f *flow, u *user, ids sessionIDs) *session {
	sess := &session{ID: ids.id, Token: ids.token, UserID: u.ID, AuthTime: s.now()}
	s.sessions[sess.Token] = sess
	f.Status, f.UserID, f.SessionID = "COMPLETED", u.ID, sess.ID
	return sess
}

// sessionCookieLocked is PingOne's ST cookie, scoped to /{envID}. Secure is
// only set on https: Go's cookie jar would not send a Secure cookie back over
// the plain-http loopback the sandbox normally runs on. s.mu must be held.
func (s *Server) sessionCookieLocked(sess *session) *http.Cookie {
	c := &http.Cookie{Name: "ST", Value: sess.Token, Path: "/" + s.envID, HttpOnly: true, MaxAge: 2592000, SameSite: http.SameSiteLaxMode}
	if strings.HasPrefix(s.base, "https://") {
		c.Secure, c.SameSite = true, http.SameSiteNoneMode
	}
	return c
}
