package views

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// Shell is what a screen may ask of the window around it. Screens never know each
// other: moving the user from one screen to another, or telling the others that the
// connection changed, goes through these functions. Every function runs on the UI
// goroutine and may be nil in a test that does not need it.
type Shell struct {
	App      fyne.App
	Win      fyne.Window // parent of dialogs
	Progress *Progress   // the header's "something is running" bar
	UI       *UI         // the window's UI goroutine for background results; nil is fyne.Do

	// ConnectionChanged is called after the active connection changed, or the active
	// connection's saved settings did: the header and the other screens reload.
	ConnectionChanged func()
	// SignInWith opens the Sign in screen with this application picked.
	SignInWith func(clientID, name string)
	// PickApp picks this application on the Sign in screen without leaving the current
	// screen (after a create, so the next sign-in uses the new app).
	PickApp func(clientID, name string)
	// ShowSession opens the Tokens screen on a signed-in session's tokens.
	ShowSession func(*app.Session)
	// OpenURL opens a URL in the system browser (the sign-off page).
	OpenURL func(url string) error
}

func (sh *Shell) connectionChanged() {
	if sh != nil && sh.ConnectionChanged != nil {
		sh.ConnectionChanged()
	}
}

func (sh *Shell) signInWith(clientID, name string) {
	if sh != nil && sh.SignInWith != nil {
		sh.SignInWith(clientID, name)
	}
}

func (sh *Shell) pickApp(clientID, name string) {
	if sh != nil && sh.PickApp != nil {
		sh.PickApp(clientID, name)
	}
}

func (sh *Shell) showSession(s *app.Session) {
	if sh != nil && sh.ShowSession != nil {
		sh.ShowSession(s)
	}
}

func (sh *Shell) progress() *Progress {
	if sh == nil {
		return nil
	}
	return sh.Progress
}

// ui is the window's UI, through which background work hands its results back.
func (sh *Shell) ui() *UI {
	if sh == nil {
		return nil
	}
	return sh.UI
}

// clipboard is the app's clipboard (nil without an app).
func (sh *Shell) clipboard() fyne.Clipboard {
	if sh == nil || sh.App == nil {
		return nil
	}
	return sh.App.Clipboard()
}

// copySecret copies a secret through the secret clipboard, which takes it off again
// after SecretClipboardDelay; note (optional) says so meanwhile.
func (sh *Shell) copySecret(text string, note *widget.Label) {
	secretClipboardFor(sh.clipboard()).Copy(sh.ui(), text, note)
}

// Action is a command of a screen that also sits in the window's Actions menu with a
// keyboard shortcut. Menu shortcuts work even while a text field has the focus, so
// keyboard users (and the Xvfb test, which drives the real window with xdotool) can
// run every main action without the mouse. Choosing an action shows its screen first.
type Action struct {
	Label    string
	Shortcut fyne.Shortcut // optional
	Run      func()
}
