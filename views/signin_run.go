package views

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// Start begins a sign-in with the form's values in mode m. While one runs it does
// nothing and returns the running task (single flight).
func (s *SignInScreen) Start(m app.SignInMode) *Task {
	if s.running {
		return s.task
	}
	s.setMode(m)
	req := app.SignInRequest{
		Mode:        m,
		ClientID:    strings.TrimSpace(s.clientID.Text),
		Scopes:      s.scopes(),
		PromptLogin: s.promptLogin.Checked,
	}
	if m == app.SignInInApp {
		req.Username = strings.TrimSpace(s.username.Text)
		req.Password = s.password.Text
	}
	n := s.attempt.Add(1)
	s.resetAttempt()
	s.clearSessionMessages() // a new attempt: what the last action said is no longer news
	s.setRunning()
	s.setStatus("Signing in…", "", "", widget.MediumImportance)
	if m == app.SignInBrowser {
		setShown(s.remedy, "Finish the sign-in in the browser window that opens.")
	}
	onEvent := s.eventHandler(n)
	s.task = Run(context.Background(), s.sh.ui(), s.sh.progress(),
		func(ctx context.Context) (*app.Session, error) { return s.desk.SignIn(ctx, req, onEvent) },
		func(sess *app.Session, err error) {
			if s.attempt.Load() == n {
				s.finished(sess, err)
			}
		})
	return s.task
}

// Cancel stops the running sign-in (or the pending password change) and returns the
// screen to idle. It bumps the attempt first, so events still in flight are ignored.
func (s *SignInScreen) Cancel() {
	if !s.running && !s.changePending {
		return
	}
	s.attempt.Add(1)
	if s.task != nil {
		s.task.Cancel()
	}
	// Returns once the attempt has ended and its loopback listener is closed.
	s.desk.CancelSignIn()
	s.stopCountdown()
	s.setIdle()
	s.hideChange()
	s.urlBox.Hide()
	if s.pkce != nil {
		s.ended = true
		s.renderPKCE()
	}
	s.addNote(msgCancelled, "", widget.WarningImportance)
	s.setStatus(msgCancelled, "", "", widget.WarningImportance)
}

// eventHandler returns the onEvent callback for attempt n. It runs on sign-in
// goroutines, so it only hands the event to the window's UI goroutine.
func (s *SignInScreen) eventHandler(n uint64) func(app.SignInEvent) {
	hook := s.afterEvent
	return func(ev app.SignInEvent) {
		s.sh.ui().Do(func() {
			if s.attempt.Load() != n {
				return // a superseded or cancelled attempt
			}
			s.showEvent(ev)
			if hook != nil {
				hook(ev)
			}
		})
	}
}

func (s *SignInScreen) showEvent(ev app.SignInEvent) {
	switch ev.Kind {
	case app.SignInEventStarted:
		s.addNote("Reading the issuer's configuration", "", widget.LowImportance)
	case app.SignInEventPKCE:
		if ev.PKCE != nil {
			v := *ev.PKCE
			s.pkce, s.redeemed, s.ended = &v, false, false
			s.renderPKCE()
			s.addNote("Fresh code_verifier, state and nonce for this attempt", "", widget.LowImportance)
		}
	case app.SignInEventAuthorizeURL:
		s.authURL = ev.AuthorizeURL
		s.urlLabel.SetText(ev.AuthorizeURL)
		s.urlBox.Show()
		s.addNote("Authorize URL ready", "", widget.LowImportance)
	case app.SignInEventBrowserError:
		s.browserErr = true
		s.addNote("Could not open the browser", "", widget.WarningImportance)
		s.setStatus(msgBrowserError, "Use Copy URL below and paste it into a browser; the app keeps waiting.", "", widget.WarningImportance)
	case app.SignInEventWaiting:
		if ev.Mode == app.SignInBrowser {
			if !s.browserErr {
				s.addNote("Opened the system browser", "", widget.LowImportance)
			}
			s.addNote("Waiting for the browser to come back…", "", widget.MediumImportance)
			s.startCountdown(s.attempt.Load())
		} else {
			s.addNote(capitalise(ev.Message), "", widget.MediumImportance)
		}
	case app.SignInEventResponse:
		if ev.Exchange != nil {
			ex := *ev.Exchange
			if ev.CodeRedeemed {
				// PingOne redeemed the code (RFC 6749 §4.1.3): it can never be redeemed
				// again, so the verifier may be shown once the attempt is over.
				s.redeemed = true
			}
			s.steps = append(s.steps, signInStep{ex: &ex, at: ev.Time})
			s.stepsChanged()
		}
	case app.SignInEventCallback:
		imp := widget.SuccessImportance
		if ev.Status >= 400 {
			imp = widget.WarningImportance
		}
		text := "Callback received"
		if ev.Message != "" {
			text += ": " + ev.Message
		}
		s.addNote(text, fmt.Sprintf("%3d", ev.Status), imp)
	case app.SignInEventDone:
		s.redeemed, s.ended = true, true
		s.renderPKCE()
		// The session's own words replace this once the sign-in has returned it.
		s.outcomeRow = len(s.steps)
		s.addNote("Done: tokens received and verified", "OK", widget.SuccessImportance)
	case app.SignInEventFailed:
		s.ended = true
		s.renderPKCE()
		// The sign-in's own error replaces this once it has returned (finished): the
		// attempt may have been closed for a reason the engine reports as cancelled.
		s.outcomeRow = len(s.steps)
		s.addNote("Failed: "+app.Explain(ev.Err).Title, "ERR", widget.DangerImportance)
	}
}

// setOutcomeRow rewrites the attempt's last row, so the steps end with the same words as
// the status line.
func (s *SignInScreen) setOutcomeRow(text, status string, imp widget.Importance) {
	if s.outcomeRow < 0 || s.outcomeRow >= len(s.steps) {
		return
	}
	st := &s.steps[s.outcomeRow]
	if st.text == text && st.status == status && st.imp == imp {
		return
	}
	st.text, st.status, st.imp = text, status, imp
	s.stepList.RefreshItem(s.outcomeRow)
	if s.selected == s.outcomeRow {
		s.stepSummary.SetText(text)
	}
}

// finished puts the outcome of a sign-in (or of a password change) on screen.
func (s *SignInScreen) finished(sess *app.Session, err error) {
	s.stopCountdown()
	s.setIdle()
	if err == nil {
		s.hideChange()
		s.urlBox.Hide()
		s.clearPassword() // it did its job; it must not linger in the form
		s.headline, s.outcomeLive = true, true
		s.updateSession() // the status line and the last step now follow the session
		s.sh.showSession(sess)
		return
	}
	if status, ok := app.PasswordChange(err); ok {
		s.showChange(status)
		return
	}
	s.hideChange()
	var ve *app.ValidationError
	if errors.As(err, &ve) {
		if msg, ok := ve.Fields["clientID"]; ok {
			if strings.TrimSpace(s.clientID.Text) == "" {
				msg = msgPickApp
			}
			setShown(s.appMsg, msg)
		}
		if msg, ok := ve.Fields["username"]; ok {
			setShown(s.credsMsg, msg)
		}
	}
	p := app.Explain(err)
	imp := widget.DangerImportance
	if errors.Is(err, context.Canceled) {
		imp = widget.WarningImportance
	}
	remedy := p.Remedy
	var pire *app.PortInUseError
	if errors.As(err, &pire) && s.authURL != "" {
		remedy += " Or copy the authorize URL below into a browser."
	}
	s.setStatus(p.Title, remedy, p.Detail(), imp)
	s.setOutcomeRow("Failed: "+p.Title, "ERR", widget.DangerImportance)
	var rue *app.RedirectUnusableError
	if errors.As(err, &rue) && rue.Fixable() {
		s.offerFix(rue.AppID)
	}
}
