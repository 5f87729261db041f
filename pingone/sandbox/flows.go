package sandbox

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// Flow API media types (pingone-api.md §5.2): the action is chosen by Content-Type.
const (
	mediaUsernamePassword = "application/vnd.pingidentity.usernamePassword.check+json"
	mediaPasswordReset    = "application/vnd.pingidentity.password.reset+json"
	mediaSessionReset     = "application/vnd.pingidentity.session.reset+json"
	mediaPasswordForgot   = "application/vnd.pingidentity.password.forgot+json"
)

const msgBadCredentials = "Invalid username and/or password."

// specialCharacters is the "Standard" password policy's special class.
const specialCharacters = "~!@#$%^&*()-_=+[]{}|;:,.<>/?"

func (s *Server) flowURL(id string) string { return s.base + "/" + s.envID + "/flows/" + id }
func (s *Server) resumeURL(id string) string {
	return s.base + "/" + s.envID + "/as/resume?flowId=" + url.QueryEscape(id)
}
func (s *Server) signonURL(id string) string {
	return s.base + "/" + s.envID + "/signon/?flowId=" + url.QueryEscape(id)
}

// passwordPolicyJSON mirrors the environment's default "Standard" policy.
func passwordPolicyJSON() map[string]any {
	return map[string]any{
		"id":      "d3e4f5a6-0b1c-4d2e-8f3a-4b5c6d7e8f90",
		"name":    "Standard",
		"default": true,
		"length":  map[string]int{"min": 8, "max": 255},
		"minCharacters": map[string]int{
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ": 1, "abcdefghijklmnopqrstuvwxyz": 1, "0123456789": 1, specialCharacters: 1,
		},
		"maxRepeatedCharacters": 2,
		"minUniqueCharacters":   5,
		"history":               map[string]int{"count": 6, "retentionDays": 365},
		"lockout":               map[string]int{"failureCount": lockoutThreshold, "durationSeconds": int(lockoutDuration.Seconds())},
	}
}

// passwordPolicyEncoded is passwordPolicyJSON encoded once: every flow
// object that asks for a password embeds it.
var passwordPolicyEncoded = func() json.RawMessage {
	b, err := json.Marshal(passwordPolicyJSON())
	if err != nil {
		panic(err)
	}
	return b
}()

// passwordPolicyFailures names the unmet requirements of the Standard policy,
// using the policy's own property names as PingOne's unsatisfiedRequirements do.
func passwordPolicyFailures(pw, current string) []string {
	var unmet []string
	if n := len([]rune(pw)); n < 8 || n > 255 {
		unmet = append(unmet, "length")
	}
	var upper, lower, digit, special bool
	unique := map[rune]bool{}
	repeat, maxRepeat := 0, 0
	var prev rune
	for i, c := range pw {
		unique[c] = true
		switch {
		case unicode.IsUpper(c):
			upper = true
		case unicode.IsLower(c):
			lower = true
		case unicode.IsDigit(c):
			digit = true
		case strings.ContainsRune(specialCharacters, c):
			special = true
		}
		if i > 0 && c == prev {
			repeat++
		} else {
			repeat = 1
		}
		maxRepeat = max(maxRepeat, repeat)
		prev = c
	}
	if !upper || !lower || !digit || !special {
		unmet = append(unmet, "minCharacters")
	}
	if maxRepeat > 2 {
		unmet = append(unmet, "maxRepeatedCharacters")
	}
	if len(unique) < 5 {
		unmet = append(unmet, "minUniqueCharacters")
	}
	if current != "" && pw == current {
		unmet = append(unmet, "history")
	}
	return unmet
}

func policyDetail(target string, unmet []string) errorDetail {
	return errorDetail{Code: "INVALID_VALUE", Target: target,
		Message:    "The password does not satisfy the password policy.",
		InnerError: map[string]any{"unsatisfiedRequirements": unmet}}
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
