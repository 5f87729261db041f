package views

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// showChange asks for a new password; status is PingOne's flow status.
func (s *SignInScreen) showChange(status string) {
	s.changePending = true
	s.cancelBtn.Enable() // the pending flow can still be abandoned
	s.currentPw.SetText(s.password.Text)
	s.newPw.SetText("")
	s.confirm.SetText("")
	setShown(s.changeMsg, "")
	s.changeBox.Show()
	prompt := "PingOne wants a new password before completing the sign-in."
	if status == app.StatusPasswordExpired {
		prompt = "The password has expired: choose a new one to complete the sign-in."
	}
	s.setStatus(prompt, "Enter the current and a new password.", "", widget.WarningImportance)
}

func (s *SignInScreen) hideChange() {
	s.changePending = false
	s.currentPw.SetText("")
	s.newPw.SetText("")
	s.confirm.SetText("")
	setShown(s.changeMsg, "")
	s.changeBox.Hide()
}

func (s *SignInScreen) changePassword() {
	if s.running || !s.changePending {
		return
	}
	current, next := s.currentPw.Text, s.newPw.Text
	switch {
	case current == "" || next == "":
		setShown(s.changeMsg, "Enter the current and the new password.")
		return
	case next != s.confirm.Text:
		setShown(s.changeMsg, "The new password and its confirmation differ.")
		return
	}
	setShown(s.changeMsg, "")
	n := s.attempt.Load() // the change continues the same attempt and its events
	s.setRunning()
	s.changeBtn.Disable()
	s.setStatus("Changing the password…", "", "", widget.MediumImportance)
	s.task = Run(context.Background(), s.sh.ui(), s.sh.progress(),
		func(ctx context.Context) (*app.Session, error) { return s.desk.ChangePassword(ctx, current, next) },
		func(sess *app.Session, err error) {
			if s.attempt.Load() != n {
				return
			}
			s.changeBtn.Enable()
			var rejected *app.PasswordRejectedError
			if errors.As(err, &rejected) {
				s.setIdle()
				s.cancelBtn.Enable()
				setShown(s.changeMsg, rejectionText(rejected))
				s.setStatus("PingOne refused the password change.", "Correct it and try again.", "", widget.WarningImportance)
				return
			}
			s.finished(sess, err)
		})
}

// rejectionText is PingOne's reason (already cleaned of control characters) with the
// unmet policy requirements; it never quotes a password.
func rejectionText(e *app.PasswordRejectedError) string {
	msg := e.Message
	if msg == "" {
		msg = "PingOne refused the password."
	}
	if e.Target == "currentPassword" && e.Message == "" {
		msg = "The current password is not correct."
	}
	if len(e.Unsatisfied) > 0 {
		msg += " Unmet requirements: " + strings.Join(e.Unsatisfied, ", ") + "."
	}
	return msg
}

// subjectLabel is the small line under the signed-in user's name that gives the subject.
func subjectLabel() *widget.Label {
	l := widget.NewLabel("")
	l.SizeName = theme.SizeNameCaptionText
	l.Importance = widget.LowImportance
	l.Truncation = fyne.TextTruncateEllipsis
	l.Selectable = true
	l.Hide()
	return l
}

// updateSession renders the session block, the session buttons, the status line (when it
// shows the session) and the attempt's last row from the desk's current session.
func (s *SignInScreen) updateSession() { s.renderSession(s.desk.CurrentSession()) }

func (s *SignInScreen) renderSession(sess *app.Session) {
	s.sessionLabel.SetText(sessionDetails(sess))
	setShown(s.sessionSub, subjectText(sess))
	for _, b := range []*widget.Button{s.refreshBtn, s.userInfoBtn, s.signOut} {
		if sess != nil && !s.sessionBusy {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	if s.headline {
		if sess == nil {
			s.setStatus("", "", "", widget.MediumImportance) // the session it named has ended
		} else {
			text, imp := sessionHeadline(sess)
			s.setStatus(text, "", "", imp)
			s.headline = true
		}
	}
	if s.outcomeLive && sess != nil {
		text, imp := sessionHeadline(sess)
		s.setOutcomeRow("Done: "+text, "OK", imp)
	}
}

// sessionChanged puts one session event on screen (UI goroutine). Events come from the
// goroutines that made the changes; an older one arriving late is dropped.
func (s *SignInScreen) sessionChanged(ev app.SessionEvent) {
	if ev.Seq <= s.sessionSeq {
		return
	}
	s.sessionSeq = ev.Seq
	switch ev.Kind {
	case app.SessionSignedIn, app.SessionDropped:
		s.clearSessionMessages() // they were about the session that just ended
	case app.SessionRefreshed:
		s.showUserInfo("")
		s.sessionMsg.Importance = widget.SuccessImportance
		setShown(s.sessionMsg, refreshedText(ev))
	case app.SessionSignedOut:
		text, imp := signedOutText(ev)
		s.showUserInfo("")
		s.sessionMsg.Importance = imp
		setShown(s.sessionMsg, text)
		if s.outcomeLive {
			s.outcomeLive = false
			s.setOutcomeRow(text, "·", widget.MediumImportance)
		}
	}
	if ev.Session == nil {
		s.outcomeLive = false
	}
	s.renderSession(ev.Session)
}

// clearSessionMessages removes what the last session action said, and the userinfo it
// fetched.
func (s *SignInScreen) clearSessionMessages() {
	s.sessionMsg.Importance = widget.MediumImportance
	setShown(s.sessionMsg, "")
	s.showUserInfo("")
}

// runSession runs one session action in the background, one at a time. Starting it
// clears what the previous action said, and a failed sign-in's message on the status line:
// the user has moved on.
func runSession[T any](s *SignInScreen, busy string, work func(context.Context) (T, error), done func(T, error)) {
	if s.sessionBusy {
		return
	}
	s.sessionBusy = true
	if !s.running && !s.changePending && !s.headline {
		s.hideFix()
		s.setStatus("", "", "", widget.MediumImportance)
		s.headline = true // back to showing the session
	}
	s.updateSession()
	s.clearSessionMessages()
	s.sessionMsg.Importance = widget.MediumImportance
	setShown(s.sessionMsg, busy)
	s.task = Run(context.Background(), s.sh.ui(), s.sh.progress(), work, func(v T, err error) {
		s.sessionBusy = false
		done(v, err)
		s.updateSession()
	})
}

func (s *SignInScreen) sessionProblem(prefix string, err error) {
	p := app.Explain(err)
	text := prefix + p.Title
	if p.Remedy != "" {
		text += " " + p.Remedy
	}
	s.sessionMsg.Importance = widget.DangerImportance
	setShown(s.sessionMsg, text)
}

func (s *SignInScreen) refresh() {
	runSession(s, "Refreshing the tokens…", s.desk.Refresh, func(next *app.Session, err error) {
		if err != nil {
			s.sessionProblem("", err)
			return
		}
		// The SessionRefreshed event has put the outcome on screen already.
		s.sh.showSession(next)
	})
}

func (s *SignInScreen) loadUserInfo() {
	runSession(s, "Calling the userinfo endpoint…", s.desk.UserInfo, func(claims map[string]any, err error) {
		if err != nil {
			s.showUserInfo("")
			s.sessionProblem("", err)
			return
		}
		out, jerr := json.MarshalIndent(claims, "", "  ")
		if jerr != nil {
			s.sessionProblem("", jerr)
			return
		}
		s.sessionMsg.Importance = widget.SuccessImportance
		setShown(s.sessionMsg, "UserInfo claims (the subject matches the ID token):")
		s.showUserInfo(string(out))
	})
}

// showUserInfo shows the userinfo claims (JSON; "" for none), the personal ones masked in
// presenter view.
func (s *SignInScreen) showUserInfo(claims string) {
	s.userInfoJSON = claims
	s.userInfo.SetText(shownBody(claims))
}

func (s *SignInScreen) doSignOut() {
	if s.desk.CurrentSession() == nil {
		return
	}
	runSession(s, "Signing out…", s.desk.SignOut, func(signOffURL string, err error) {
		s.showUserInfo("")
		s.clearPassword() // the session is gone; so is what was typed to start it
		if errors.Is(err, app.ErrNoSession) {
			s.sessionProblem("", err) // nothing was signed out
			return
		}
		// The SessionSignedOut event has put the outcome on screen. An in-app session was
		// signed out of PingOne by the desk (no URL); a browser session's PingOne cookie is
		// the browser's, so its sign-off page opens there.
		if signOffURL != "" && s.sh != nil && s.sh.OpenURL != nil {
			opened := " PingOne's sign-off page was opened in the browser to end its session too."
			if oerr := s.sh.OpenURL(signOffURL); oerr != nil {
				opened = " The browser could not open PingOne's sign-off page."
			}
			setShown(s.sessionMsg, s.sessionMsg.Text+opened)
		}
	})
}
