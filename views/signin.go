package views

import (
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
)

// Texts the tests and the issue refer to.
const (
	modeBrowserLabel = "System browser"
	modeInAppLabel   = "In-app (redirectless)"

	msgPickApp      = "Pick an application first — create one on the Applications screen"
	msgCancelled    = "Cancelled."
	msgVerifierMask = "•••• (hidden until the code is redeemed)"
	// msgVerifierUnused masks the verifier of an attempt that ended without redeeming a
	// code (a busy port, a wrong password, a cancel). A verifier is only safe to show once
	// its code was redeemed: a code of this attempt may still sit in a browser's history,
	// and with it the verifier is all it takes to get tokens (RFC 7636 §1).
	msgVerifierUnused = "•••• (hidden: no code was redeemed with it)"
	msgNoAttempt      = "—"
	msgBrowserError   = "The browser could not be opened; copy the URL into a browser."
	msgSandboxUser    = "Prefilled with the demo user of the offline sandbox."
)

// SignInScreen runs one sign-in at a time (authorization code + PKCE, in the browser or
// in-app), shows the attempt's own steps and PKCE values, and acts on the session.
//
// Concurrency: every widget is touched on the UI goroutine only. Sign-in events arrive on
// the sign-in's goroutines and are handed over through the window's UI (Shell.UI); each carries the number of
// the attempt it belongs to, and events of an older attempt are dropped, so a cancelled
// attempt can never change the screen.
type SignInScreen struct {
	desk *app.Desk
	sh   *Shell

	// Application.
	apps      []pingone.Application // the Select's options, in order
	appSelect *widget.Select
	clientID  *widget.Entry
	appMsg    *widget.Label // field message for the client ID
	appsNote  *widget.Label // loading / load error of the list
	appsTask  *Task
	modeHelp  *widget.Label // what the browser mode does; the in-app mode has its own note

	// Scopes and options.
	scopeOpenID, scopeProfile, scopeEmail, scopeOffline *widget.Check
	promptLogin                                         *widget.Check

	// Mode and credentials.
	mode      *widget.RadioGroup
	credsBox  *fyne.Container
	credsNote *widget.Label
	username  *widget.Entry
	password  *widget.Entry
	credsMsg  *widget.Label // field message for username/password
	credsTask *Task         // reads the sandbox's demo user (prefillCredentials)
	demo      *app.DemoCredentials

	// Start / cancel and the outcome.
	startBtn, cancelBtn *widget.Button
	status              *widget.Label
	remedy              *widget.Label
	detail              *widget.Label

	// A browser sign-in's countdown, and the fix for an app that cannot redirect back.
	wait       signInWait
	fixBox     *fyne.Container
	fixBtn     *widget.Button
	fixAppID   string
	fixRunning bool

	// Browser mode: the authorize URL, for when the browser did not open.
	urlBox    *fyne.Container
	urlLabel  *widget.Label
	copyURL   *widget.Button
	openAgain *widget.Button
	authURL   string

	// Password change (PASSWORD_EXPIRED / MUST_CHANGE_PASSWORD).
	changeBox                 *fyne.Container
	currentPw, newPw, confirm *widget.Entry
	changeBtn                 *widget.Button
	changeMsg                 *widget.Label
	changePending             bool

	// Session actions. The block renders from the desk's session events (app.SessionEvent),
	// so a sign-out or a refresh shows here the moment it happens.
	sessionLabel                     *widget.Label
	sessionSub                       *widget.Label // the session's sub, in small type under the name
	refreshBtn, userInfoBtn, signOut *widget.Button
	sessionMsg                       *widget.Label
	userInfo                         *widget.Label
	userInfoJSON                     string // the userinfo claims fetched, as JSON (showUserInfo)
	sessionBusy                      bool
	sessionSeq                       uint64 // the last session event put on screen
	unfollow                         func() // stops the session events
	// headline: the status line shows the session (sessionHeadline) rather than an
	// attempt's progress or failure, so it follows the session.
	headline bool
	// outcomeRow is the index in steps of the attempt's last row ("Done: …" or "Failed: …");
	// outcomeLive says it names the current session and follows it.
	outcomeRow  int
	outcomeLive bool

	// This attempt's steps.
	steps       []signInStep
	stepList    *widget.List
	stepSummary *widget.Label
	stepRequest *widget.Label
	stepReply   *widget.Label
	stepCurl    *widget.Button
	clipNote    *widget.Label // "the clipboard clears in 60 s" beside the cURL buttons
	selected    int
	browserErr  bool // the current attempt could not open the browser
	bottom      *container.AppTabs

	// This attempt's PKCE values. The verifier is shown in full only once the attempt has
	// ended with its code redeemed (RFC 7636 §4.5: the verifier is what makes a code
	// redeemable, so it is secret while a code may still be redeemed with it).
	pkce                                       *app.SignInPKCE
	redeemed                                   bool // the token endpoint accepted this attempt's code
	ended                                      bool // the attempt is over (done, failed or cancelled)
	verifierLabel, challengeLabel, methodLabel *widget.Label
	stateLabel, nonceLabel                     *widget.Label
	pkceExplain                                []*widget.Label // each value's explanation, in row order

	attempt atomic.Uint64 // bumped by every start and cancel
	running bool          // a sign-in or password change is in flight
	task    *Task         // the last background task (tests wait on it)

	// afterEvent (tests only) runs on the UI goroutine after an event was put on screen.
	afterEvent func(app.SignInEvent)

	// scopePanel ticks the scope boxes after the picked application's grants.
	scopePanel *signInScopes

	content fyne.CanvasObject
}

// signInStep is one row of the steps list: an HTTP exchange, or a note such as
// "waiting for the browser".
type signInStep struct {
	ex *pingone.Exchange // nil for a note
	// A note's text, status word and colour; an HTTP step takes them from ex.
	text   string
	status string
	imp    widget.Importance
	at     time.Time
}

// NewSignInScreen builds the Sign in screen.
func NewSignInScreen(desk *app.Desk, sh *Shell) *SignInScreen {
	s := &SignInScreen{desk: desk, sh: sh, selected: -1, outcomeRow: -1}
	s.buildForm()
	s.sessionSub = subjectLabel()
	s.buildSteps()
	s.buildBottom()

	left := s.formObject()
	right := container.NewVSplit(s.stepsObject(), s.bottom)
	right.SetOffset(0.5)
	split := container.NewHSplit(left, right)
	split.SetOffset(0.45)
	s.content = split

	s.modeChanged()
	s.prefillCredentials()
	s.resetAttempt()
	s.setIdle()
	s.updateSession()
	s.unfollow = desk.OnSessionChange(func(ev app.SessionEvent) {
		sh.ui().Do(func() { s.sessionChanged(ev) })
	})
	return s
}

// Screen is the navigation entry.
func (s *SignInScreen) Screen() Screen {
	return Screen{
		Title:   "Sign in",
		Icon:    theme.LoginIcon(),
		Content: s.content,
		OnShow: func() {
			s.updateSession()
			s.loadApps()
		},
		// No Focus: a focused select is filled with the focus colour, which hides the picked
		// application's name under a blue block (and from the OCR of the Xvfb tests); Tab
		// reaches the picker first.
		Actions: []Action{
			{
				Label:    "Sign in with the browser",
				Shortcut: &desktop.CustomShortcut{KeyName: fyne.KeyB, Modifier: fyne.KeyModifierShortcutDefault},
				Run:      func() { s.Start(app.SignInBrowser) },
			},
			{
				Label:    "Sign in here (in-app)",
				Shortcut: &desktop.CustomShortcut{KeyName: fyne.KeyI, Modifier: fyne.KeyModifierShortcutDefault},
				Run:      func() { s.Start(app.SignInInApp) },
			},
			{
				Label:    "Cancel sign-in",
				Shortcut: &desktop.CustomShortcut{KeyName: fyne.KeyK, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift},
				Run:      s.Cancel,
			},
		},
	}
}

// ConnectionChanged forgets everything of the previous connection: its apps, a running
// sign-in, the typed credentials (the password must never follow the user to another
// environment), and the attempt's steps.
func (s *SignInScreen) ConnectionChanged() {
	if s.running || s.changePending {
		s.Cancel()
	}
	if s.appsTask != nil {
		s.appsTask.Cancel()
		s.appsTask = nil
	}
	s.apps = nil
	s.appSelect.SetOptions(nil)
	s.appSelect.ClearSelected()
	s.clientID.SetText("")
	s.prefillCredentials()
	s.resetAttempt()
	s.setIdle()
	s.setStatus("", "", "", widget.MediumImportance)
	s.showUserInfo("")
	s.sessionMsg.SetText("")
	s.updateSession()
	s.loadApps()
}

// UseApp picks the application to sign in to.
func (s *SignInScreen) UseApp(clientID, name string) {
	idx := s.appIndex(clientID)
	if idx < 0 {
		// Not listed yet (just created): add it so the picker shows it.
		s.apps = append([]pingone.Application{{ID: clientID, ClientID: clientID, Name: name}}, s.apps...)
		s.appSelect.SetOptions(s.appOptions())
		idx = 0
	}
	s.appSelect.SetSelectedIndex(idx)
	s.clientID.SetText(clientID)
	s.appMsg.SetText("")
	s.appMsg.Hide()
}

// Close cancels a running sign-in and any background task, and stops following the
// session.
func (s *SignInScreen) Close() {
	if s.unfollow != nil {
		s.unfollow()
		s.unfollow = nil
	}
	s.stopCountdown()
	if s.running || s.changePending {
		s.Cancel()
	}
	if s.appsTask != nil {
		s.appsTask.Cancel()
	}
	if s.credsTask != nil {
		s.credsTask.Cancel()
	}
	if s.task != nil {
		s.task.Cancel()
	}
}

func (s *SignInScreen) setRunning() {
	s.running = true
	s.startBtn.Disable()
	s.cancelBtn.Enable()
}

func (s *SignInScreen) setIdle() {
	s.running = false
	s.startBtn.Enable()
	if s.changePending {
		s.cancelBtn.Enable()
	} else {
		s.cancelBtn.Disable()
	}
}

func (s *SignInScreen) setStatus(title, remedy, detail string, imp widget.Importance) {
	s.headline = false
	if detail == title {
		detail = ""
	}
	s.status.Importance = imp
	setShown(s.status, title)
	setShown(s.remedy, remedy)
	setShown(s.detail, detail)
}

// resetAttempt clears what belongs to one attempt: its steps, PKCE values, URL and
// field messages.
func (s *SignInScreen) resetAttempt() {
	s.steps = nil
	s.selected = -1
	s.browserErr = false
	s.stepList.UnselectAll()
	s.stepList.Refresh()
	s.showStep(-1)
	s.pkce, s.redeemed, s.ended = nil, false, false
	s.renderPKCE()
	s.outcomeRow, s.outcomeLive = -1, false
	s.authURL = ""
	s.urlLabel.SetText("")
	s.urlBox.Hide()
	s.hideChange()
	s.stopCountdown()
	s.hideFix()
	setShown(s.appMsg, "")
	setShown(s.credsMsg, "")
	if s.bottom != nil {
		s.bottom.SelectIndex(0)
	}
}
