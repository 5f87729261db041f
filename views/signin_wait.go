package views

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// signInWait is the countdown of a browser sign-in: "Waiting for the browser — 4:32
// left", rendered from the desk's time limit for the attempt (app.Desk.BrowserTimeLeft),
// so the screen shows the limit the attempt really runs under.
type signInWait struct {
	label     *widget.Label
	newTicker func(time.Duration) (<-chan time.Time, func()) // injectable for tests
	stop      func()
	onTick    func() // tests only: runs on the UI goroutine after each update
}

func (s *SignInScreen) buildWait() {
	s.wait.label = messageLabel(widget.MediumImportance)
	if s.wait.newTicker == nil {
		s.wait.newTicker = func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(d)
			return t.C, t.Stop
		}
	}
	s.fixBtn = widget.NewButtonWithIcon("Fix redirect", theme.SettingsIcon(), s.runFix)
	s.fixBtn.Importance = widget.HighImportance
	s.fixBox = container.NewHBox(s.fixBtn)
	s.fixBox.Hide()
}

// startCountdown shows attempt n's time left and updates it every second until the
// attempt ends. Ticks of an older attempt are dropped.
func (s *SignInScreen) startCountdown(n uint64) {
	s.stopCountdown()
	s.renderWait()
	tick, stopTicker := s.wait.newTicker(time.Second)
	done := make(chan struct{})
	hook, ui := s.wait.onTick, s.sh.ui()
	go func() {
		for {
			select {
			case <-tick:
				ui.Do(func() {
					if s.attempt.Load() != n {
						return
					}
					s.renderWait()
					if hook != nil {
						hook()
					}
				})
			case <-done:
				return
			}
		}
	}()
	s.wait.stop = func() {
		stopTicker()
		close(done)
	}
}

func (s *SignInScreen) stopCountdown() {
	if s.wait.stop != nil {
		s.wait.stop()
		s.wait.stop = nil
	}
	if s.wait.label != nil {
		setShown(s.wait.label, "")
	}
}

func (s *SignInScreen) renderWait() {
	left, ok := s.desk.BrowserTimeLeft()
	if !ok {
		setShown(s.wait.label, "")
		return
	}
	setShown(s.wait.label, "Waiting for the browser — "+clockText(left)+" left")
}

// clockText is m:ss, rounded up so the countdown reaches 0:00 when time is up.
func clockText(d time.Duration) string {
	secs := int((d + time.Second - 1) / time.Second)
	return fmt.Sprintf("%d:%02d", secs/60, secs%60)
}

// offerFix shows "Fix redirect" for an application whose redirect URIs lack the app's
// own: the self-check's fix (app.FindingRedirectURI) adds it.
func (s *SignInScreen) offerFix(appID string) {
	s.fixAppID = appID
	s.fixBtn.Enable()
	s.fixBox.Show()
}

func (s *SignInScreen) hideFix() {
	s.fixAppID = ""
	if s.fixBox != nil {
		s.fixBox.Hide()
	}
}

func (s *SignInScreen) runFix() {
	appID := s.fixAppID
	if appID == "" || s.fixRunning || s.running {
		return
	}
	s.fixRunning = true
	s.fixBtn.Disable()
	s.setStatus("Adding "+s.desk.RedirectURI()+" to the application's redirect URIs…", "", "", widget.MediumImportance)
	gen := s.attempt.Load()
	s.task = Run(context.Background(), s.sh.ui(), s.sh.progress(),
		func(ctx context.Context) (*app.SelfCheck, error) { return s.desk.FixRedirect(ctx, appID) },
		func(check *app.SelfCheck, err error) {
			s.fixRunning = false
			if s.attempt.Load() != gen || s.fixAppID != appID {
				return // the user moved on (another sign-in, another connection)
			}
			if err != nil {
				s.fixBtn.Enable()
				p := app.Explain(err)
				s.setStatus("The redirect could not be fixed: "+p.Title, p.Remedy, p.Detail(), widget.DangerImportance)
				return
			}
			if f, ok := check.Finding(app.FindingRedirectURI); !ok || !f.OK {
				s.fixBtn.Enable()
				s.setStatus("The application still lacks the redirect URI.", "Run its self-check on the Applications screen.", "", widget.WarningImportance)
				return
			}
			s.hideFix()
			s.setStatus("Fixed: "+s.desk.RedirectURI()+" is now a redirect URI of the application.", "Sign in again.", "", widget.SuccessImportance)
		})
}
