package views

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/signin"
)

// Texts the tests and the issue refer to.
const (
	modeBrowserLabel = "System browser"
	modeInAppLabel   = "In-app (redirectless)"

	msgPickApp      = "Pick an application first — create one on the Applications screen"
	msgCancelled    = "Cancelled."
	msgVerifierMask = "•••• (hidden until the code is redeemed)"
	msgNoAttempt    = "—"
	msgBrowserError = "The browser could not be opened; copy the URL into a browser."
	msgSandboxUser  = "Prefilled with the demo user of the offline sandbox."
)

// SignInScreen runs one sign-in at a time (authorization code + PKCE, in the browser or
// in-app), shows the attempt's own steps and PKCE values, and acts on the session.
//
// Concurrency: every widget is touched on the UI goroutine only. Sign-in events arrive on
// the sign-in's goroutines and are handed over with onUI (fyne.Do); each carries the number of
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

	// Start / cancel and the outcome.
	startBtn, cancelBtn *widget.Button
	status              *widget.Label
	remedy              *widget.Label
	detail              *widget.Label

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

	// Session actions.
	sessionLabel                     *widget.Label
	refreshBtn, userInfoBtn, signOut *widget.Button
	sessionMsg                       *widget.Label
	userInfo                         *widget.Label
	sessionBusy                      bool

	// This attempt's steps.
	steps       []signInStep
	stepList    *widget.List
	stepSummary *widget.Label
	stepRequest *widget.Label
	stepReply   *widget.Label
	stepCurl    *widget.Button
	selected    int
	browserErr  bool // the current attempt could not open the browser
	bottom      *container.AppTabs

	// This attempt's PKCE values.
	pkce                                       *signin.AttemptSecrets
	spent                                      bool // the code was redeemed (or the attempt ended): the verifier is no longer secret
	verifierLabel, challengeLabel, methodLabel *widget.Label
	stateLabel, nonceLabel                     *widget.Label

	attempt atomic.Uint64 // bumped by every start and cancel
	running bool          // a sign-in or password change is in flight
	task    *Task         // the last background task (tests wait on it)

	// afterEvent (tests only) runs on the UI goroutine after an event was put on screen.
	afterEvent func(signin.Event)

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
	s := &SignInScreen{desk: desk, sh: sh, selected: -1}
	s.buildForm()
	s.buildSteps()
	s.buildPKCE()

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
	return s
}

// Screen is the navigation entry.
func (s *SignInScreen) Screen() Screen {
	return Screen{
		Title:   "Sign in",
		Icon:    theme.LoginIcon(),
		Content: s.content,
		OnShow: func() {
			s.loadApps()
			s.updateSession()
		},
		// No Focus: OnShow starts the app list in the background, and the window focuses
		// right after OnShow, which the single-goroutine-free test driver reports as a
		// race. The actions' shortcuts work without a focused field.
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
	s.userInfo.SetText("")
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

// Close cancels a running sign-in and any background task.
func (s *SignInScreen) Close() {
	if s.running || s.changePending {
		s.Cancel()
	}
	if s.appsTask != nil {
		s.appsTask.Cancel()
	}
	if s.task != nil {
		s.task.Cancel()
	}
}

// --- building ---------------------------------------------------------------

func (s *SignInScreen) buildForm() {
	s.appSelect = widget.NewSelect(nil, func(string) {
		if i := s.appSelect.SelectedIndex(); i >= 0 && i < len(s.apps) {
			if s.clientID.Text != appClientID(s.apps[i]) {
				s.clientID.SetText(appClientID(s.apps[i]))
			}
		}
	})
	s.appSelect.PlaceHolder = "Pick an application"
	s.clientID = widget.NewEntry()
	s.clientID.SetPlaceHolder("or type a client ID, e.g. 4b1e5c7a-3f2d-4e8b-9a6c-0d1e2f3a4b5c")
	s.clientID.OnChanged = func(text string) {
		s.appMsg.Hide()
		// A typed ID that is not the picked app's un-picks it, so the two never disagree.
		if i := s.appSelect.SelectedIndex(); i >= 0 && i < len(s.apps) && appClientID(s.apps[i]) != strings.TrimSpace(text) {
			s.appSelect.ClearSelected()
		}
	}
	s.appMsg = fieldMessage()
	s.appsNote = widget.NewLabel("")
	s.appsNote.Importance = widget.LowImportance
	s.appsNote.Wrapping = fyne.TextWrapWord
	s.appsNote.Hide()

	s.scopeOpenID = widget.NewCheck("openid", nil)
	s.scopeOpenID.SetChecked(true)
	s.scopeOpenID.Disable() // openid is what makes this OpenID Connect; always sent
	s.scopeProfile = widget.NewCheck("profile", nil)
	s.scopeProfile.SetChecked(true)
	s.scopeEmail = widget.NewCheck("email", nil)
	s.scopeEmail.SetChecked(true)
	s.scopeOffline = widget.NewCheck("offline_access", nil)
	s.promptLogin = widget.NewCheck("prompt=login (show the sign-on page even with a live session)", nil)

	s.mode = widget.NewRadioGroup([]string{modeBrowserLabel, modeInAppLabel}, func(string) { s.modeChanged() })
	s.mode.Required = true
	s.mode.Horizontal = true // keeps the credentials above the fold at the default window size
	s.modeHelp = widget.NewLabel("Your browser opens PingOne's sign-on page; PingOne then redirects to " +
		s.desk.RedirectURI() + ", where this app waits for the code (RFC 8252).")
	s.modeHelp.Importance = widget.LowImportance
	s.modeHelp.Wrapping = fyne.TextWrapWord
	s.mode.SetSelected(modeBrowserLabel)

	s.credsNote = widget.NewLabel("")
	s.credsNote.Importance = widget.LowImportance
	s.credsNote.Wrapping = fyne.TextWrapWord
	s.username = widget.NewEntry()
	s.username.SetPlaceHolder("Username")
	s.password = widget.NewPasswordEntry()
	s.password.SetPlaceHolder("Password")
	s.credsMsg = fieldMessage()
	s.credsBox = container.NewVBox(s.credsNote,
		widget.NewForm(widget.NewFormItem("Username", s.username), widget.NewFormItem("Password", s.password)),
		s.credsMsg)

	s.startBtn = widget.NewButtonWithIcon("Sign in", theme.LoginIcon(), func() { s.Start(s.selectedMode()) })
	s.startBtn.Importance = widget.HighImportance
	s.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), s.Cancel)

	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.remedy = widget.NewLabel("")
	s.remedy.Wrapping = fyne.TextWrapWord
	s.detail = widget.NewLabel("")
	s.detail.Wrapping = fyne.TextWrapWord
	s.detail.Importance = widget.LowImportance
	s.detail.TextStyle = fyne.TextStyle{Italic: true}

	s.urlLabel = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	s.urlLabel.Truncation = fyne.TextTruncateEllipsis
	s.copyURL = widget.NewButtonWithIcon("Copy URL", theme.ContentCopyIcon(), func() {
		if cb := s.sh.clipboard(); cb != nil && s.authURL != "" {
			cb.SetContent(s.authURL)
		}
	})
	s.openAgain = widget.NewButtonWithIcon("Open again", theme.ComputerIcon(), func() {
		if s.sh != nil && s.sh.OpenURL != nil && s.authURL != "" {
			if err := s.sh.OpenURL(s.authURL); err != nil {
				s.setStatus(msgBrowserError, "", "", widget.WarningImportance)
			}
		}
	})
	s.urlBox = container.NewVBox(
		sectionTitle("Authorize URL"),
		s.urlLabel,
		container.NewHBox(s.copyURL, s.openAgain))

	s.currentPw = widget.NewPasswordEntry()
	s.newPw = widget.NewPasswordEntry()
	s.confirm = widget.NewPasswordEntry()
	s.changeBtn = widget.NewButtonWithIcon("Change password and continue", theme.ConfirmIcon(), s.changePassword)
	s.changeBtn.Importance = widget.HighImportance
	s.changeMsg = fieldMessage()
	s.changeBox = container.NewVBox(
		sectionTitle("New password required"),
		widget.NewForm(
			widget.NewFormItem("Current password", s.currentPw),
			widget.NewFormItem("New password", s.newPw),
			widget.NewFormItem("Confirm", s.confirm)),
		s.changeMsg,
		container.NewHBox(s.changeBtn))

	s.sessionLabel = widget.NewLabel("")
	s.sessionLabel.Wrapping = fyne.TextWrapWord
	s.refreshBtn = widget.NewButtonWithIcon("Refresh tokens", theme.ViewRefreshIcon(), s.refresh)
	s.userInfoBtn = widget.NewButtonWithIcon("UserInfo", theme.AccountIcon(), s.loadUserInfo)
	s.signOut = widget.NewButtonWithIcon("Sign out", theme.LogoutIcon(), s.doSignOut)
	s.sessionMsg = widget.NewLabel("")
	s.sessionMsg.Wrapping = fyne.TextWrapWord
	s.userInfo = monoLabel()
}

// formObject is the left pane: the form scrolls, while Start/Cancel, the outcome, the
// authorize URL and the password-change step stay pinned below it, so they are in view
// at 1180x780 without scrolling.
func (s *SignInScreen) formObject() fyne.CanvasObject {
	reload := widget.NewButtonWithIcon("", theme.ViewRefreshIcon(), s.loadApps)
	reload.Importance = widget.LowImportance
	form := container.NewVBox(
		sectionTitle("Application"),
		container.NewBorder(nil, nil, nil, reload, s.appSelect),
		s.clientID,
		s.appMsg,
		s.appsNote,
		// How to sign in comes before the scopes: the credentials are what the user must
		// see, the scopes' defaults rarely change.
		sectionTitle("How to sign in"),
		s.mode,
		s.modeHelp,
		s.credsBox,
		sectionTitle("Scopes"),
		container.NewHBox(s.scopeOpenID, s.scopeProfile, s.scopeEmail, s.scopeOffline),
		s.promptLogin,
		widget.NewSeparator(),
		sectionTitle("Session"),
		s.sessionLabel,
		container.NewHBox(s.refreshBtn, s.userInfoBtn, s.signOut),
		s.sessionMsg,
		s.userInfo,
	)
	pinned := container.NewVBox(
		widget.NewSeparator(),
		container.NewHBox(s.startBtn, s.cancelBtn),
		s.status,
		s.remedy,
		s.detail,
		s.urlBox,
		s.changeBox,
	)
	return container.NewBorder(nil, pinned, nil, nil, container.NewVScroll(form))
}

func (s *SignInScreen) buildSteps() {
	s.stepList = widget.NewList(
		func() int { return len(s.steps) },
		newStepRow,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= 0 && id < len(s.steps) {
				s.fillStepRow(o, s.steps[id])
			}
		})
	s.stepList.OnSelected = func(id widget.ListItemID) { s.showStep(id) }
	s.stepList.OnUnselected = func(widget.ListItemID) { s.showStep(-1) }

	s.stepSummary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.stepSummary.Truncation = fyne.TextTruncateEllipsis
	s.stepRequest = monoLabel()
	s.stepReply = monoLabel()
	s.stepCurl = widget.NewButtonWithIcon("Copy as cURL", theme.ContentCopyIcon(), func() { s.copyCurl(s.selected) })
}

func (s *SignInScreen) stepsObject() fyne.CanvasObject {
	title := sectionTitle("Steps of this sign-in")
	hint := widget.NewLabel("select a step to see it")
	hint.Importance = widget.LowImportance
	return container.NewBorder(container.NewHBox(title, hint), nil, nil, nil, s.stepList)
}

func (s *SignInScreen) buildPKCE() {
	s.verifierLabel = monoLabel()
	s.challengeLabel = monoLabel()
	s.methodLabel = monoLabel()
	s.stateLabel = monoLabel()
	s.nonceLabel = monoLabel()
	row := func(name string, value *widget.Label, why string) fyne.CanvasObject {
		expl := widget.NewLabel(why)
		expl.Wrapping = fyne.TextWrapWord
		expl.Importance = widget.LowImportance
		return container.NewVBox(container.NewBorder(nil, nil, sectionTitle(name), nil, value), expl)
	}
	panel := container.NewVBox(
		row("code_verifier", s.verifierLabel, "The secret only this app knows. Sending it with the code proves that whoever redeems the code is the app that asked for it."),
		row("code_challenge", s.challengeLabel, "SHA-256 of the verifier, sent up front in the authorize request; PingOne checks the verifier against it later."),
		row("code_challenge_method", s.methodLabel, "The hashing method. S256 is required: plain (the verifier itself) is refused."),
		row("state", s.stateLabel, "Ties the browser's answer to this attempt, so a forged callback is rejected (stops CSRF)."),
		row("nonce", s.nonceLabel, "Ties the ID token to this attempt, so an old token cannot be replayed."),
	)

	detail := container.NewBorder(container.NewBorder(nil, nil, nil, s.stepCurl, s.stepSummary), nil, nil, nil,
		container.NewAppTabs(
			container.NewTabItem("Request", container.NewVScroll(s.stepRequest)),
			container.NewTabItem("Response", container.NewVScroll(s.stepReply))))
	s.bottom = container.NewAppTabs(
		container.NewTabItem("PKCE", container.NewVScroll(panel)),
		container.NewTabItem("Step detail", detail))
}

// fieldMessage is a field's error line.
func fieldMessage() *widget.Label { return messageLabel(widget.DangerImportance) }

// --- the application picker -------------------------------------------------

func (s *SignInScreen) appIndex(clientID string) int {
	for i, a := range s.apps {
		if appClientID(a) == clientID {
			return i
		}
	}
	return -1
}

func (s *SignInScreen) appOptions() []string {
	out := make([]string, len(s.apps))
	for i, a := range s.apps {
		out[i] = fmt.Sprintf("%s (%s)", a.Name, shortID(appClientID(a)))
	}
	return out
}

// shortID is enough of a UUID to tell apps with similar names apart.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8] + "…"
	}
	return id
}

// loadApps fills the picker from the target environment, keeping the current pick.
func (s *SignInScreen) loadApps() {
	if s.appsTask != nil {
		select {
		case <-s.appsTask.Done():
		default:
			return // already loading
		}
	}
	setShown(s.appsNote, "Loading the applications…")
	s.appsTask = Run(context.Background(), s.sh.progress(),
		func(ctx context.Context) ([]pingone.Application, error) { return s.desk.ListApplications(ctx, "") },
		func(apps []pingone.Application, err error) {
			if err != nil {
				p := app.Explain(err)
				setShown(s.appsNote, "Could not list the applications: "+p.Title+" You can still type a client ID.")
				return
			}
			picked := strings.TrimSpace(s.clientID.Text)
			// Keep an app picked through UseApp that the list does not show (yet).
			if picked != "" && !containsApp(apps, picked) && s.appIndex(picked) >= 0 {
				apps = append([]pingone.Application{s.apps[s.appIndex(picked)]}, apps...)
			}
			s.apps = apps
			s.appSelect.SetOptions(s.appOptions())
			if i := s.appIndex(picked); i >= 0 {
				s.appSelect.SetSelectedIndex(i)
			} else {
				s.appSelect.ClearSelected()
			}
			if len(apps) == 0 {
				setShown(s.appsNote, "No applications yet — create one on the Applications screen.")
			} else {
				setShown(s.appsNote, "")
			}
		})
}

// appClientID is the client_id of an app; for OIDC apps it equals the app ID.
func appClientID(a pingone.Application) string {
	if a.ClientID != "" {
		return a.ClientID
	}
	return a.ID
}

func containsApp(apps []pingone.Application, clientID string) bool {
	for _, a := range apps {
		if appClientID(a) == clientID {
			return true
		}
	}
	return false
}

// --- mode and credentials ---------------------------------------------------

func (s *SignInScreen) selectedMode() app.SignInMode {
	if s.mode.Selected == modeInAppLabel {
		return app.SignInInApp
	}
	return app.SignInBrowser
}

func (s *SignInScreen) setMode(m app.SignInMode) {
	want := modeBrowserLabel
	if m == app.SignInInApp {
		want = modeInAppLabel
	}
	if s.mode.Selected != want {
		s.mode.SetSelected(want) // calls modeChanged
	}
}

func (s *SignInScreen) modeChanged() {
	if s.credsBox == nil {
		return // still building
	}
	if s.selectedMode() == app.SignInInApp {
		s.credsBox.Show()
		s.modeHelp.Hide()
	} else {
		s.credsBox.Hide()
		s.modeHelp.Show()
	}
}

// prefillCredentials puts the sandbox's demo user in the form; any other connection
// starts empty, so a password typed for one environment is never sent to another.
func (s *SignInScreen) prefillCredentials() {
	s.username.SetText("")
	s.password.SetText("")
	setShown(s.credsMsg, "")
	s.credsNote.SetText("The app sends the username and password to PingOne itself (pi.flow): good for testing sign-on policies; the browser is the safer way.")
	if !s.desk.ActiveProfile().IsSandbox() {
		return
	}
	demo, err := s.desk.SandboxDemoUser()
	if err != nil {
		return
	}
	s.username.SetText(demo.Username)
	s.password.SetText(demo.Password)
	s.credsNote.SetText(msgSandboxUser + " " + s.credsNote.Text)
}

func (s *SignInScreen) scopes() []string {
	out := []string{"openid"}
	for _, c := range []*widget.Check{s.scopeProfile, s.scopeEmail, s.scopeOffline} {
		if c.Checked {
			out = append(out, c.Text)
		}
	}
	return out
}

// --- running a sign-in ------------------------------------------------------

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
	s.setRunning()
	s.setStatus("Signing in…", "", "", widget.MediumImportance)
	if m == app.SignInBrowser {
		setShown(s.remedy, "Finish the sign-in in the browser window that opens.")
	}
	onEvent := s.eventHandler(n)
	s.task = Run(context.Background(), s.sh.progress(),
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
	s.setIdle()
	s.hideChange()
	s.urlBox.Hide()
	s.addNote(msgCancelled, "", widget.WarningImportance)
	s.setStatus(msgCancelled, "", "", widget.WarningImportance)
}

// eventHandler returns the onEvent callback for attempt n. It runs on sign-in
// goroutines, so it only hands the event to the UI goroutine (onUI, which also keeps
// it from overlapping the timeline's updates in the test driver).
func (s *SignInScreen) eventHandler(n uint64) func(signin.Event) {
	hook := s.afterEvent
	return func(ev signin.Event) {
		onUI(func() {
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

func (s *SignInScreen) showEvent(ev signin.Event) {
	switch ev.Kind {
	case signin.EventStarted:
		s.addNote("Reading the issuer's configuration", "", widget.LowImportance)
	case signin.EventPKCE:
		if ev.PKCE != nil {
			v := *ev.PKCE
			s.pkce, s.spent = &v, false
			s.renderPKCE()
			s.addNote("Fresh code_verifier, state and nonce for this attempt", "", widget.LowImportance)
		}
	case signin.EventAuthorizeURL:
		s.authURL = ev.AuthorizeURL
		s.urlLabel.SetText(ev.AuthorizeURL)
		s.urlBox.Show()
		s.addNote("Authorize URL ready", "", widget.LowImportance)
	case signin.EventBrowserError:
		s.browserErr = true
		s.addNote("Could not open the browser", "", widget.WarningImportance)
		s.setStatus(msgBrowserError, "Use Copy URL below and paste it into a browser; the app keeps waiting.", "", widget.WarningImportance)
	case signin.EventWaiting:
		if ev.Flow == "browser" {
			if !s.browserErr {
				s.addNote("Opened the system browser", "", widget.LowImportance)
			}
			s.addNote("Waiting for the browser to come back…", "", widget.MediumImportance)
		} else {
			s.addNote(capitalise(ev.Message), "", widget.MediumImportance)
		}
	case signin.EventResponse:
		if ev.Exchange != nil {
			ex := *ev.Exchange
			s.steps = append(s.steps, signInStep{ex: &ex, at: ev.Time})
			s.stepsChanged()
		}
	case signin.EventCallback:
		imp := widget.SuccessImportance
		if ev.Status >= 400 {
			imp = widget.WarningImportance
		}
		text := "Callback received"
		if ev.Message != "" {
			text += ": " + ev.Message
		}
		s.addNote(text, fmt.Sprintf("%3d", ev.Status), imp)
	case signin.EventDone:
		s.spent = true
		s.renderPKCE()
		s.addNote("Done: "+ev.Message, "OK", widget.SuccessImportance)
	case signin.EventFailed:
		s.spent = true
		s.renderPKCE()
		s.addNote("Failed: "+app.Explain(ev.Err).Title, "ERR", widget.DangerImportance)
	}
}

// finished puts the outcome of a sign-in (or of a password change) on screen.
func (s *SignInScreen) finished(sess *app.Session, err error) {
	s.setIdle()
	if err == nil {
		s.hideChange()
		s.urlBox.Hide()
		s.setStatus(fmt.Sprintf("Signed in as %s · ID token verified", sess.Subject), "", "", widget.SuccessImportance)
		s.updateSession()
		s.sh.showSession(sess)
		return
	}
	var pcr *signin.PasswordChangeRequired
	if errors.As(err, &pcr) {
		s.showChange(pcr)
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
	var pire *signin.PortInUseError
	if errors.As(err, &pire) && s.authURL != "" {
		remedy += " Or copy the authorize URL below into a browser."
	}
	s.setStatus(p.Title, remedy, p.Detail(), imp)
}

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

// --- screen state -------------------------------------------------------------

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
	s.pkce, s.spent = nil, false
	s.renderPKCE()
	s.authURL = ""
	s.urlLabel.SetText("")
	s.urlBox.Hide()
	s.hideChange()
	setShown(s.appMsg, "")
	setShown(s.credsMsg, "")
	if s.bottom != nil {
		s.bottom.SelectIndex(0)
	}
}

// renderPKCE shows the attempt's values; the verifier stays masked while it can still
// be redeemed.
func (s *SignInScreen) renderPKCE() {
	if s.pkce == nil {
		for _, l := range []*widget.Label{s.verifierLabel, s.challengeLabel, s.methodLabel, s.stateLabel, s.nonceLabel} {
			l.SetText(msgNoAttempt)
		}
		return
	}
	s.verifierLabel.SetText(maskVerifier(s.pkce.Verifier, s.spent))
	s.challengeLabel.SetText(s.pkce.Challenge)
	s.methodLabel.SetText("S256")
	s.stateLabel.SetText(s.pkce.State)
	s.nonceLabel.SetText(s.pkce.Nonce)
}

// maskVerifier shows only the first characters of a verifier that is still secret.
func maskVerifier(v string, spent bool) string {
	if spent {
		return v
	}
	if len(v) > 4 {
		v = v[:4]
	}
	return v + msgVerifierMask
}

// --- the steps list -----------------------------------------------------------

func (s *SignInScreen) addNote(text, status string, imp widget.Importance) {
	if status == "" {
		status = "·"
	}
	s.steps = append(s.steps, signInStep{text: text, status: status, imp: imp, at: time.Now()})
	s.stepsChanged()
}

func (s *SignInScreen) stepsChanged() {
	s.stepList.Refresh()
	s.stepList.ScrollToBottom()
}

// A step row is an exchange row with a Copy as cURL button; non-HTTP steps (notes) use
// the URL cell for their text and the duration cell for their time.
func newStepRow() fyne.CanvasObject {
	curl := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), nil)
	curl.Importance = widget.LowImportance
	return newExchangeRow(curl)
}

func (s *SignInScreen) fillStepRow(o fyne.CanvasObject, st signInStep) {
	r, extra := exchangeRowOf(o)
	curl := extra[0].(*widget.Button)
	if st.ex == nil {
		r.status.Importance = st.imp
		r.status.SetText(st.status)
		r.method.Hide()
		r.step.SetText("")
		r.dur.SetText(st.at.Local().Format("15:04:05"))
		r.url.SetText(st.text)
		curl.Hide()
		return
	}
	ex := st.ex
	r.fill(*ex, stepPath(ex.URL))
	curl.Show()
	curl.OnTapped = func() { s.clipboardSet(ex.Curl()) }
}

// stripQuery keeps rows short; the query (already redacted) is in the step detail.
func stripQuery(u string) string {
	if i := strings.IndexByte(u, '?'); i >= 0 {
		return u[:i]
	}
	return u
}

// stepPath is how a step's URL reads in a row: every step goes to the issuer's host, so
// the row shows the path, with the environment ID written {envID} as in PingOne's own
// docs. The full URL is in the step's detail.
func stepPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return stripQuery(shortURL(raw))
	}
	segs := strings.Split(u.Path, "/")
	for i, seg := range segs {
		if pingone.ValidateID(seg) == nil && (i == 1 || (i > 1 && segs[i-1] == "environments")) {
			segs[i] = "{envID}"
		}
	}
	return strings.Join(segs, "/")
}

func (s *SignInScreen) showStep(i int) {
	if i < 0 || i >= len(s.steps) {
		s.selected = -1
		s.stepSummary.SetText("Select an HTTP step to see its request and response")
		s.stepRequest.SetText("")
		s.stepReply.SetText("")
		s.stepCurl.Disable()
		return
	}
	s.selected = i
	st := s.steps[i]
	if st.ex == nil {
		s.stepSummary.SetText(st.text)
		s.stepRequest.SetText("")
		s.stepReply.SetText("")
		s.stepCurl.Disable()
		return
	}
	ex := *st.ex
	s.stepSummary.SetText(rowStatus(ex) + "  " + ex.Method + " " + stripQuery(shortURL(ex.URL)))
	s.stepRequest.SetText(requestText(ex))
	s.stepReply.SetText(responseText(ex))
	s.stepCurl.Enable()
	s.bottom.SelectIndex(1)
}

func (s *SignInScreen) copyCurl(i int) {
	if i >= 0 && i < len(s.steps) && s.steps[i].ex != nil {
		s.clipboardSet(s.steps[i].ex.Curl())
	}
}

func (s *SignInScreen) clipboardSet(text string) {
	if cb := s.sh.clipboard(); cb != nil {
		cb.SetContent(text)
	}
}

// capitalise upper-cases the first letter of an event message for a row.
func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
