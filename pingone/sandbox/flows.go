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

// flowJSON renders a flow object in PingOne's shape; s.mu must be held.
func (s *Server) flowJSON(f *flow) map[string]any {
	self := s.flowURL(f.ID)
	app := s.apps[f.Req.ClientID]
	appName := ""
	if app != nil {
		appName = app.Name
	}
	embedded := map[string]any{"application": map[string]string{"name": appName}}
	m := map[string]any{
		"id":          f.ID,
		"environment": map[string]string{"id": s.envID},
		"resumeUrl":   s.resumeURL(f.ID),
		"status":      f.Status,
		"createdAt":   timestamp(f.CreatedAt),
		"expiresAt":   timestamp(f.ExpiresAt),
		"_embedded":   embedded,
	}
	l := map[string]string{"self": self}
	u := s.users[f.UserID]
	switch f.Status {
	case "USERNAME_PASSWORD_REQUIRED":
		l["usernamePassword.check"] = self
		l["password.forgot"] = self
		l["session.reset"] = self
		l["signOnPage"] = s.signonURL(f.ID)
		embedded["passwordPolicy"] = passwordPolicyJSON()
	case "PASSWORD_EXPIRED", "MUST_CHANGE_PASSWORD":
		l["password.reset"] = self
		l["session.reset"] = self
		embedded["passwordPolicy"] = passwordPolicyJSON()
		if u != nil {
			embedded["user"] = map[string]string{"id": u.ID, "username": u.Username}
		}
	case "COMPLETED":
		m["session"] = map[string]string{"id": f.SessionID}
		if u != nil {
			embedded["user"] = map[string]any{"id": u.ID, "username": u.Username,
				"name": map[string]string{"given": u.Given, "family": u.Family}}
		}
	}
	m["_links"] = links(l)
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

// serveFlow implements GET/POST {env}/flows/{flowID}.
func (s *Server) serveFlow(w http.ResponseWriter, r *http.Request, flowID string) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost)
		return
	}
	var body []byte
	if r.Method == http.MethodPost {
		var err error
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err != nil {
			writeInvalidRequest(w, r, "")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.liveFlowLocked(flowID)
	if f == nil {
		writeNotFound(w, r)
		return
	}
	if r.Method == http.MethodGet {
		writeJSON(w, http.StatusOK, s.flowJSON(f))
		return
	}

	mt := mediaType(r)
	var action func(map[string]string) (*session, []errorDetail)
	var fields []string
	switch mt {
	case mediaUsernamePassword:
		fields = []string{"username", "password"}
		action = func(in map[string]string) (*session, []errorDetail) {
			return s.checkCredentialsLocked(f, in["username"], in["password"])
		}
	case mediaPasswordReset:
		fields = []string{"currentPassword", "newPassword"}
		action = func(in map[string]string) (*session, []errorDetail) {
			return s.resetPasswordLocked(f, in["currentPassword"], in["newPassword"])
		}
	case mediaSessionReset:
		action = func(map[string]string) (*session, []errorDetail) {
			f.Status, f.UserID, f.SessionID = "USERNAME_PASSWORD_REQUIRED", "", ""
			return nil, nil
		}
	case mediaPasswordForgot:
		writePlatformError(w, r, http.StatusBadRequest, "REQUEST_FAILED",
			"The request could not be completed. Password recovery is not available in the sandbox.", nil)
		return
	default:
		writeUnsupportedMediaType(w, r, mt)
		return
	}
	if !actionAllowed(f.Status, mt) {
		writeInvalidRequest(w, r, "The request could not be completed. The action is not valid for a flow in status "+f.Status+".")
		return
	}
	in := map[string]string{}
	if len(fields) > 0 {
		var raw map[string]any
		if err := json.Unmarshal(body, &raw); err != nil {
			writeInvalidRequest(w, r, "The request could not be completed. The request body is not valid JSON.")
			return
		}
		var missing []errorDetail
		for _, k := range fields {
			v, ok := raw[k].(string)
			if !ok || v == "" {
				missing = append(missing, errorDetail{Code: "REQUIRED_VALUE", Target: k, Message: "A value is required for " + k + "."})
			}
			in[k] = v
		}
		if len(missing) > 0 {
			writeInvalidData(w, r, missing)
			return
		}
	}
	sess, details := action(in)
	if len(details) > 0 {
		writeInvalidData(w, r, details)
		return
	}
	if sess != nil {
		s.setSessionCookie(w, sess)
	}
	writeJSON(w, http.StatusOK, s.flowJSON(f))
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
func (s *Server) checkCredentialsLocked(f *flow, username, password string) (*session, []errorDetail) {
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
	return s.completeFlowLocked(f, u), nil
}

func lockedDetail(u *user, now time.Time) errorDetail {
	secs := int(u.lockedUntil.Sub(now).Round(time.Second).Seconds())
	return errorDetail{Code: "PASSWORD_LOCKED_OUT", Target: "password",
		Message:    "The password is locked because of too many failed attempts.",
		InnerError: map[string]any{"secondsUntilUnlock": secs}}
}

func (s *Server) resetPasswordLocked(f *flow, current, next string) (*session, []errorDetail) {
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
	return s.completeFlowLocked(f, u), nil
}

// completeFlowLocked authenticates the user: it opens a session (sid and the
// ST cookie value) and marks the flow COMPLETED.
func (s *Server) completeFlowLocked(f *flow, u *user) *session {
	sess := &session{ID: newUUID(), Token: randomToken(32), UserID: u.ID, AuthTime: s.now()}
	s.sessions[sess.Token] = sess
	f.Status, f.UserID, f.SessionID = "COMPLETED", u.ID, sess.ID
	return sess
}

// setSessionCookie sets PingOne's ST cookie, scoped to /{envID}. Secure is
// only set on https: Go's cookie jar would not send a Secure cookie back over
// the plain-http loopback the sandbox normally runs on.
func (s *Server) setSessionCookie(w http.ResponseWriter, sess *session) {
	c := &http.Cookie{Name: "ST", Value: sess.Token, Path: "/" + s.envID, HttpOnly: true, MaxAge: 2592000, SameSite: http.SameSiteLaxMode}
	if strings.HasPrefix(s.base, "https://") {
		c.Secure, c.SameSite = true, http.SameSiteNoneMode
	}
	http.SetCookie(w, c)
}

// serveResume implements GET {env}/as/resume?flowId=: it needs the flow's ST
// cookie, turns the completed flow into a single-use code and consumes the
// flow. pi.flow answers JSON; browser mode redirects to the client.
func (s *Server) serveResume(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.liveFlowLocked(r.URL.Query().Get("flowId"))
	if f == nil {
		if r.Header.Get("Accept") == "application/json" || r.Method == http.MethodPost {
			writeNotFound(w, r)
			return
		}
		writeErrorPage(w, http.StatusNotFound, "Sign-on error", "The sign-on flow does not exist or has expired.")
		return
	}
	piFlow := f.Req.ResponseMode == "pi.flow"
	if f.Status != "COMPLETED" {
		if piFlow {
			writeInvalidRequest(w, r, "The request could not be completed. The flow is in status "+f.Status+", not COMPLETED.")
			return
		}
		http.Redirect(w, r, s.signonURL(f.ID), http.StatusFound)
		return
	}
	var sess *session
	if c, err := r.Cookie("ST"); err == nil {
		sess = s.sessions[c.Value]
	}
	if sess == nil || sess.ID != f.SessionID {
		if piFlow {
			writePlatformError(w, r, http.StatusBadRequest, "REQUEST_FAILED",
				"The request could not be completed. The session cookie (ST) of this flow was not sent.", nil)
			return
		}
		writeErrorPage(w, http.StatusBadRequest, "Sign-on error", "The session cookie of this sign-on was not sent. Enable cookies and try again.")
		return
	}
	code := randomToken(32)
	s.codes[code] = &authCode{Req: f.Req, UserID: sess.UserID, SessionID: sess.ID, AuthTime: sess.AuthTime,
		ExpiresAt: s.now().Add(codeLifetime)}
	delete(s.flows, f.ID)
	if piFlow {
		resp := map[string]any{
			"_links":            links(map[string]string{"self": s.resumeURL(f.ID)}),
			"id":                f.ID,
			"environment":       map[string]string{"id": s.envID},
			"status":            "COMPLETED",
			"authorizeResponse": map[string]string{"code": code},
		}
		if f.Req.State != "" {
			resp["authorizeResponse"].(map[string]string)["state"] = f.Req.State
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, resp)
		return
	}
	redirectWithParams(w, r, f.Req.redirectTo, url.Values{"code": {code}}, f.Req.State)
}
