package sandbox

import (
	"html/template"
	"net/http"
	"net/url"
)

// signonTemplate is the sandbox's hosted sign-on page (PingOne's lives on
// apps.pingone.{tld}). It has no external resources (RFC 9700 §4.2.4) and
// html/template escapes every value, including messages.
var signonTemplate = template.Must(template.New("signon").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign On – {{.AppName}}</title>
<style>body{font-family:sans-serif;max-width:24em;margin:3em auto}label,input,button{display:block;width:100%;margin:.3em 0}
#message{color:#b00020}</style></head>
<body>
<h1>{{.AppName}}</h1>
<p id="env">PingOne sandbox environment {{.EnvID}}</p>
{{if .Message}}<p id="message" role="alert">{{.Message}}</p>{{end}}
<form id="signonForm" method="post" action="{{.Action}}">
<input type="hidden" name="flowId" value="{{.FlowID}}">
{{if .ChangePassword}}
<p id="changePasswordPrompt">{{.ChangePrompt}}</p>
<label for="currentPassword">Current password</label>
<input id="currentPassword" name="currentPassword" type="password" autocomplete="current-password" required autofocus>
<label for="newPassword">New password</label>
<input id="newPassword" name="newPassword" type="password" autocomplete="new-password" required>
<button id="changePassword" type="submit" name="action" value="changePassword">Change password</button>
{{else}}
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" value="{{.Username}}" required{{if not .Username}} autofocus{{end}}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required{{if .Username}} autofocus{{end}}>
<button id="signin" type="submit" name="action" value="signin">Sign On</button>
{{end}}
<button id="cancel" type="submit" name="action" value="cancel" formnovalidate>Cancel</button>
</form>
</body></html>
`))

type signonPage struct {
	AppName, EnvID, FlowID, Action, Message, Username, ChangePrompt string
	ChangePassword                                                  bool
}

// serveSignonPage implements GET/POST {env}/signon/?flowId=.
func (s *Server) serveSignonPage(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		writeMethodNotAllowed(w, r, http.MethodGet, http.MethodPost)
		return
	}
	flowID := r.URL.Query().Get("flowId")
	var ids sessionIDs
	if r.Method == http.MethodPost {
		ids = newSessionIDs()
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		if err := r.ParseForm(); err != nil {
			writeErrorPage(w, http.StatusBadRequest, "Sign-on error", "The form could not be read.")
			return
		}
		if v := r.PostForm.Get("flowId"); v != "" {
			flowID = v
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.liveFlowLocked(flowID)
	if f == nil {
		writeErrorPage(w, http.StatusNotFound, "Sign-on error", "The sign-on flow does not exist or has expired. Start the sign-in again from the application.")
		return
	}
	if f.Status == "COMPLETED" {
		http.Redirect(w, r, s.resumeURL(f.ID), http.StatusFound)
		return
	}
	page := signonPage{EnvID: s.envID, FlowID: f.ID, Action: s.signonURL(f.ID)}
	if app := s.apps[f.Req.ClientID]; app != nil {
		page.AppName = app.Name
	}
	if r.Method == http.MethodPost {
		var sess *session
		var details []errorDetail
		switch r.PostForm.Get("action") {
		case "cancel":
			// Cancel ends the flow; the client learns it as access_denied.
			delete(s.flows, f.ID)
			redirectWithParams(w, r, f.Req.redirectTo, url.Values{
				"error": {"access_denied"}, "error_description": {"The user cancelled the sign-on."},
			}, f.Req.State)
			return
		case "changePassword":
			if !actionAllowed(f.Status, mediaPasswordReset) {
				break
			}
			sess, details = s.resetPasswordLocked(f, r.PostForm.Get("currentPassword"), r.PostForm.Get("newPassword"), ids)
		default: // "signin", or Enter pressed in a field
			if !actionAllowed(f.Status, mediaUsernamePassword) {
				break
			}
			page.Username = r.PostForm.Get("username")
			sess, details = s.checkCredentialsLocked(f, page.Username, r.PostForm.Get("password"), ids)
		}
		if sess != nil {
			http.SetCookie(w, s.sessionCookieLocked(sess))
			http.Redirect(w, r, s.resumeURL(f.ID), http.StatusFound)
			return
		}
		if len(details) > 0 {
			page.Message = details[0].Message
			if un, ok := details[0].InnerError["unsatisfiedRequirements"].([]string); ok {
				page.Message += " Unmet requirements: " + joinComma(un) + "."
			}
		}
	}
	switch f.Status {
	case "PASSWORD_EXPIRED":
		page.ChangePassword, page.ChangePrompt = true, "Your password has expired. Choose a new password."
	case "MUST_CHANGE_PASSWORD":
		page.ChangePassword, page.ChangePrompt = true, "You must change your password before signing on."
	}
	setPageHeaders(w)
	w.WriteHeader(http.StatusOK)
	_ = signonTemplate.Execute(w, page)
}

func joinComma(list []string) string {
	out := ""
	for i, v := range list {
		if i > 0 {
			out += ", "
		}
		out += v
	}
	return out
}
