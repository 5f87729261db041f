package views

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
)

// --- password change --------------------------------------------------------

func (s *SignInScreen) showChange(pcr *signin.PasswordChangeRequired) {
	s.changePending = true
	s.cancelBtn.Enable() // the pending flow can still be abandoned
	s.currentPw.SetText(s.password.Text)
	s.newPw.SetText("")
	s.confirm.SetText("")
	setShown(s.changeMsg, "")
	s.changeBox.Show()
	prompt := "PingOne wants a new password before completing the sign-in."
	if pcr.Status == "PASSWORD_EXPIRED" {
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
	s.task = Run(context.Background(), s.sh.progress(),
		func(ctx context.Context) (*app.Session, error) { return s.desk.ChangePassword(ctx, current, next) },
		func(sess *app.Session, err error) {
			if s.attempt.Load() != n {
				return
			}
			s.changeBtn.Enable()
			var rejected *signin.PasswordRejectedError
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
func rejectionText(e *signin.PasswordRejectedError) string {
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

// --- session actions ----------------------------------------------------------

func (s *SignInScreen) updateSession() {
	sess := s.desk.CurrentSession()
	if sess == nil {
		s.sessionLabel.SetText("Nobody is signed in.")
	} else {
		s.sessionLabel.SetText(fmt.Sprintf("Signed in as %s (%s sign-in, client %s) since %s.",
			sess.Subject, sess.Mode, shortID(sess.ClientID), sess.SignedInAt.Local().Format("15:04:05")))
	}
	for _, b := range []*widget.Button{s.refreshBtn, s.userInfoBtn, s.signOut} {
		if sess != nil && !s.sessionBusy {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

// runSession runs one session action in the background, one at a time.
func runSession[T any](s *SignInScreen, busy string, work func(context.Context) (T, error), done func(T, error)) {
	if s.sessionBusy {
		return
	}
	s.sessionBusy = true
	s.updateSession()
	s.sessionMsg.Importance = widget.MediumImportance
	s.sessionMsg.SetText(busy)
	s.task = Run(context.Background(), s.sh.progress(), work, func(v T, err error) {
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
	s.sessionMsg.SetText(text)
}

func (s *SignInScreen) refresh() {
	runSession(s, "Refreshing the tokens…", s.desk.Refresh, func(next *app.Session, err error) {
		if err != nil {
			s.sessionProblem("", err)
			return
		}
		s.sessionMsg.Importance = widget.SuccessImportance
		s.sessionMsg.SetText("Tokens refreshed at " + time.Now().Format("15:04:05") + "; PingOne rotated the refresh token.")
		s.sh.showSession(next)
	})
}

func (s *SignInScreen) loadUserInfo() {
	runSession(s, "Calling the userinfo endpoint…", s.desk.UserInfo, func(claims map[string]any, err error) {
		if err != nil {
			s.userInfo.SetText("")
			s.sessionProblem("", err)
			return
		}
		out, jerr := json.MarshalIndent(claims, "", "  ")
		if jerr != nil {
			s.sessionProblem("", jerr)
			return
		}
		s.sessionMsg.Importance = widget.SuccessImportance
		s.sessionMsg.SetText("UserInfo claims (the subject matches the ID token):")
		s.userInfo.SetText(string(out))
	})
}

func (s *SignInScreen) doSignOut() {
	sess := s.desk.CurrentSession()
	if sess == nil {
		return
	}
	revoked := "the access token"
	if sess.Tokens.RefreshToken != "" {
		revoked = "the refresh and access tokens"
	}
	runSession(s, "Signing out…", s.desk.SignOut, func(signOffURL string, err error) {
		s.userInfo.SetText("")
		s.clearPassword() // the session is gone; so is what was typed to start it
		opened := ""
		if signOffURL != "" && s.sh != nil && s.sh.OpenURL != nil {
			if oerr := s.sh.OpenURL(signOffURL); oerr == nil {
				opened = " PingOne's sign-off page was opened in the browser to end its session too."
			} else {
				opened = " The browser could not open PingOne's sign-off page."
			}
		}
		if err != nil {
			s.sessionProblem("Signed out here, but not everything went through: ", err)
			s.sessionMsg.SetText(s.sessionMsg.Text + opened)
			return
		}
		s.sessionMsg.Importance = widget.SuccessImportance
		s.sessionMsg.SetText("Signed out: revoked " + revoked + "." + opened)
	})
}
