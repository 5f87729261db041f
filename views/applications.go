package views

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
)

// Choices of the create form. The lists are the values a person is likely to want for an
// OIDC client; PingOne accepts a few more, which the self-check would flag anyway.
var (
	appTypeOptions      = []string{"NATIVE_APP", "SINGLE_PAGE_APP", "WEB_APP", "CUSTOM_APP"}
	authMethodOptions   = []string{"NONE", "CLIENT_SECRET_BASIC", "CLIENT_SECRET_POST"}
	pkceOptions         = []string{"OPTIONAL", "REQUIRED", "S256_REQUIRED"}
	grantTypeOptions    = []string{"AUTHORIZATION_CODE", "REFRESH_TOKEN", "IMPLICIT", "CLIENT_CREDENTIALS"}
	responseTypeOptions = []string{"CODE", "TOKEN", "ID_TOKEN"}
)

// Form field names are PingOne's details[].target values, so a rejected value lands on
// the field that holds it without a translation table.
const (
	appFieldName          = "name"
	appFieldDescription   = "description"
	appFieldType          = "type"
	appFieldGrantTypes    = "grantTypes"
	appFieldResponseTypes = "responseTypes"
	appFieldRedirectURIs  = "redirectUris"
	appFieldPostLogout    = "postLogoutRedirectUris"
	appFieldAuthMethod    = "tokenEndpointAuthMethod"
	appFieldPKCE          = "pkceEnforcement"
	appFieldEnabled       = "enabled"
)

const offlineAccess = "offline_access"

// ApplicationsScreen creates applications in the target environment, lists them, runs the
// self-check on one and fixes what it finds, and creates demo users.
type ApplicationsScreen struct {
	desk *app.Desk
	sh   *Shell

	tabs    *container.AppTabs
	content fyne.CanvasObject

	// task is the last background task started, whatever its kind: tests wait on it.
	task *Task
	// gen counts connection changes. Reads of an older connection are cancelled; writes
	// (create, fix, delete, demo user) are left to finish so their outcome is not made
	// uncertain, but their results are dropped when gen moved on.
	gen int
	// confirm asks before a destructive action; a seam for tests, which cannot easily tap
	// a dialog's buttons.
	confirm func(title, message string, ok func())

	// Create form.
	seed                                     pingone.ApplicationRequest
	name, description, redirects, postLogout *widget.Entry
	appType, authMethod, pkce                *widget.Select
	grantTypes, responseTypes, scopes        *widget.CheckGroup
	enabled                                  *widget.Check
	fieldErrors                              map[string]*widget.Label
	formProblem                              *explainedError
	createButton, resetButton                *widget.Button
	creating, filling, edited, hadRefresh    bool
	createTask                               *Task

	// Create result.
	created                      *pingone.Application
	result                       *fyne.Container
	resultHint                   *widget.Label
	resultTitle, resultClientID  *widget.Label
	resultNote                   *widget.Label
	grantProblem                 *explainedError
	sentJSON, receivedJSON       *widget.Label
	copyCreatedID, signInCreated *widget.Button

	// Application list.
	filter        *widget.Entry
	refreshButton *widget.Button
	list          *widget.List
	apps          []pingone.Application
	listProblem   *explainedError
	listCount     *widget.Label
	listTask      *Task
	loaded        bool
	quietSelect   bool // re-highlighting after a reload must not re-run the self-check

	// Details of the selected application.
	selected                                     *pingone.Application
	details                                      *fyne.Container
	detailsHint                                  *widget.Label
	detailName, detailID, detailType             *widget.Label
	detailRedirects, detailGrants, detailEnabled *widget.Label
	copyDetailID, signInSelected, deleteButton   *widget.Button
	deleteNote                                   *widget.Label
	check                                        *app.SelfCheck
	checkSummary                                 *widget.Label
	findings                                     *fyne.Container
	fixButtons                                   map[string]*widget.Button
	fixAll                                       *widget.Button
	detailProblem                                *explainedError
	checkTask                                    *Task
	busy                                         bool // a fix or delete is running

	// Demo user.
	demoButton                 *widget.Button
	demoNote                   *widget.Label
	demoBox                    *fyne.Container
	demoUsername, demoPassword *widget.Label
	copyUsername, copyPassword *widget.Button
	passwordNote               *widget.Label // "the clipboard clears in 60 s" after copying the password
	demoProblem                *explainedError
	demoUser                   *app.DemoUser
}

// NewApplicationsScreen builds the Applications screen.
func NewApplicationsScreen(desk *app.Desk, sh *Shell) *ApplicationsScreen {
	s := &ApplicationsScreen{desk: desk, sh: sh, fieldErrors: map[string]*widget.Label{}, fixButtons: map[string]*widget.Button{}}
	s.confirm = s.confirmDialog
	create := s.buildForm()
	result := s.buildResult()
	browse := s.buildList()
	demo := s.buildDemo()

	createSplit := container.NewHSplit(container.NewVScroll(create), container.NewVScroll(result))
	createSplit.SetOffset(0.55)
	s.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Create", theme.ContentAddIcon(), createSplit),
		container.NewTabItemWithIcon("Applications in this environment", theme.ListIcon(), browse),
		container.NewTabItemWithIcon("Demo user", theme.AccountIcon(), container.NewVScroll(demo)),
	)
	s.content = container.New(layout.NewCustomPaddedLayout(4, 4, 8, 8), s.tabs)

	s.fill(desk.NewApplicationRequest())
	s.updateDemoState()
	return s
}

// Screen is the navigation entry.
func (s *ApplicationsScreen) Screen() Screen {
	return Screen{
		Title:   "Applications",
		Icon:    theme.GridIcon(),
		Content: s.content,
		// No Focus: focusing the name entry would lay it out while the first list load
		// (started by OnShow) is in flight, which the test driver runs on other goroutines.
		OnShow: func() {
			if !s.loaded {
				s.Refresh()
			}
		},
		Actions: []Action{
			{
				Label:    "Create application",
				Shortcut: &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault},
				Run: func() {
					s.tabs.SelectIndex(0) // the result appears beside the form
					s.Create()
				},
			},
			{
				// Ctrl+L ("list"): Ctrl+R stays free for the Sign in screen.
				Label:    "Refresh applications",
				Shortcut: &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault},
				Run: func() {
					s.tabs.SelectIndex(1)
					s.Refresh()
				},
			},
		},
	}
}

// ConnectionChanged forgets everything that belonged to the previous connection and
// reloads the list. The form keeps what the user typed: its seed (the loopback redirect)
// does not depend on the connection.
func (s *ApplicationsScreen) ConnectionChanged() {
	s.gen++
	for _, t := range []*Task{s.listTask, s.checkTask} {
		if t != nil {
			t.Cancel()
		}
	}
	s.created = nil
	s.showResult(nil)
	s.apps = nil
	s.list.UnselectAll()
	s.list.Refresh()
	s.clearDetails()
	s.demoUser = nil
	s.demoBox.Hide()
	s.demoProblem.clear()
	s.updateDemoState()
	s.loaded = false
	s.Refresh()
}

// Created is the application created last on this connection, or nil.
func (s *ApplicationsScreen) Created() *pingone.Application { return s.created }

// ---- create form ----

func (s *ApplicationsScreen) buildForm() fyne.CanvasObject {
	s.name = widget.NewEntry()
	s.name.OnChanged = func(string) { s.touched(appFieldName) }
	s.description = widget.NewMultiLineEntry()
	s.description.Wrapping = fyne.TextWrapWord
	s.description.SetMinRowsVisible(3)
	s.description.OnChanged = func(string) { s.touched(appFieldDescription) }
	s.appType = widget.NewSelect(appTypeOptions, func(string) { s.touched(appFieldType) })
	s.grantTypes = widget.NewCheckGroup(grantTypeOptions, func([]string) { s.grantsChanged() })
	s.responseTypes = widget.NewCheckGroup(responseTypeOptions, func([]string) { s.touched(appFieldResponseTypes) })
	s.responseTypes.Horizontal = true
	s.redirects = widget.NewMultiLineEntry()
	s.redirects.SetMinRowsVisible(2)
	s.redirects.OnChanged = func(string) { s.touched(appFieldRedirectURIs) }
	s.postLogout = widget.NewMultiLineEntry()
	s.postLogout.SetMinRowsVisible(2)
	s.postLogout.SetPlaceHolder("none")
	s.postLogout.OnChanged = func(string) { s.touched(appFieldPostLogout) }
	s.authMethod = widget.NewSelect(authMethodOptions, func(string) { s.touched(appFieldAuthMethod) })
	s.pkce = widget.NewSelect(pkceOptions, func(string) { s.touched(appFieldPKCE) })
	s.enabled = widget.NewCheck("Enabled", func(bool) { s.touched(appFieldEnabled) })
	s.scopes = widget.NewCheckGroup(app.OptionalScopes, func([]string) { s.touched("") })

	redirect := s.desk.RedirectURI()
	rows := []fyne.CanvasObject{}
	add := func(label, field string, w fyne.CanvasObject, help string) {
		errLabel := fieldMessage()
		if field != "" {
			s.fieldErrors[field] = errLabel
		}
		helpLabel := widget.NewLabel(help)
		helpLabel.Importance = widget.LowImportance
		helpLabel.Wrapping = fyne.TextWrapWord
		title := widget.NewLabelWithStyle(label, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		rows = append(rows, title, container.New(layout.NewCustomPaddedVBoxLayout(0), w, errLabel, helpLabel))
	}
	add("Name", appFieldName, s.name, "Shown in the PingOne console and on the sign-on page; it must be unique in the environment.")
	add("Description", appFieldDescription, s.description, "Optional, for the people who read the console.")
	add("Type", appFieldType, s.appType, "NATIVE_APP: a desktop or mobile app, which runs on the user's computer and so is a public client.")
	add("Grant types", appFieldGrantTypes, s.grantTypes, "AUTHORIZATION_CODE is the sign-in with a code and PKCE. REFRESH_TOKEN renews tokens without a new sign-in. Avoid IMPLICIT: it hands tokens over in the browser's address bar.")
	add("Response types", appFieldResponseTypes, s.responseTypes, "CODE only: the tokens then come from the token endpoint, never through the browser.")
	add("Redirect URIs", appFieldRedirectURIs, s.redirects, "One per line. PingOne sends the browser back here after the sign-in; PKCE Desk listens on "+redirect+".")
	add("Post-logout URIs", appFieldPostLogout, s.postLogout, "One per line, optional: where PingOne may send the browser after signing off.")
	add("Authentication", appFieldAuthMethod, s.authMethod, "NONE: a desktop app cannot keep a client secret (anyone can read it out of the installed app), so PKCE protects the code instead.")
	add("PKCE", appFieldPKCE, s.pkce, "S256_REQUIRED: PingOne refuses sign-ins without PKCE, and with its weak plain method.")
	add("State", appFieldEnabled, s.enabled, "A disabled application cannot be signed in to.")
	add("Grant scopes", "", s.scopes, "Sign-ins may only ask for OpenID scopes granted to the app (openid itself needs none). offline_access follows REFRESH_TOKEN: it asks for a refresh token, which only that grant type gives.")

	s.createButton = widget.NewButtonWithIcon("Create", theme.ContentAddIcon(), func() { s.Create() })
	s.createButton.Importance = widget.HighImportance
	s.resetButton = widget.NewButtonWithIcon("Reset to the seed", theme.ContentUndoIcon(), s.Reset)
	s.formProblem = newExplainedError()

	heading := widget.NewLabelWithStyle("New OIDC application", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	intro := widget.NewLabel("Prefilled with Ping's public-client seed: a native app that signs in with authorization code and PKCE, without a secret.")
	intro.Wrapping = fyne.TextWrapWord
	intro.Importance = widget.LowImportance
	return container.NewVBox(
		heading, intro,
		container.New(layout.NewFormLayout(), rows...),
		s.formProblem.object,
		container.NewHBox(s.createButton, s.resetButton),
	)
}

// touched notes that the user edited a field, and hides PingOne's complaint about it: the
// value it was about is gone.
func (s *ApplicationsScreen) touched(field string) {
	if s.filling {
		return
	}
	s.edited = true
	if l := s.fieldErrors[field]; l != nil {
		l.Hide()
	}
}

// grantsChanged keeps offline_access in step with REFRESH_TOKEN: without that grant type
// PingOne issues no refresh token, so granting offline_access alone would only mislead.
func (s *ApplicationsScreen) grantsChanged() {
	refresh := slices.Contains(s.grantTypes.Selected, "REFRESH_TOKEN")
	if refresh != s.hadRefresh {
		s.hadRefresh = refresh
		scopes := slices.DeleteFunc(slices.Clone(s.scopes.Selected), func(v string) bool { return v == offlineAccess })
		if refresh {
			scopes = append(scopes, offlineAccess)
		}
		was := s.filling
		s.filling = true // the user did not tick the scope themselves
		s.scopes.SetSelected(scopes)
		s.filling = was
	}
	s.touched(appFieldGrantTypes)
}

// fill puts r into the form and clears every message.
func (s *ApplicationsScreen) fill(r pingone.ApplicationRequest) {
	s.filling = true
	defer func() { s.filling = false }()
	s.seed = r
	s.name.SetText(r.Name)
	s.description.SetText(r.Description)
	s.appType.SetSelected(r.Type)
	s.grantTypes.SetSelected(slices.Clone(r.GrantTypes))
	s.responseTypes.SetSelected(slices.Clone(r.ResponseTypes))
	s.redirects.SetText(strings.Join(r.RedirectURIs, "\n"))
	s.postLogout.SetText(strings.Join(r.PostLogoutRedirectURIs, "\n"))
	s.authMethod.SetSelected(r.TokenEndpointAuthMethod)
	s.pkce.SetSelected(r.PKCEEnforcement)
	s.enabled.SetChecked(r.Enabled)
	scopes := []string{"profile", "email"}
	s.hadRefresh = slices.Contains(r.GrantTypes, "REFRESH_TOKEN")
	if s.hadRefresh {
		scopes = append(scopes, offlineAccess)
	}
	s.scopes.SetSelected(scopes)
	s.clearFieldErrors()
	s.formProblem.clear()
	s.edited = false
}

// Reset puts the seed back into the form.
func (s *ApplicationsScreen) Reset() { s.fill(s.desk.NewApplicationRequest()) }

func (s *ApplicationsScreen) clearFieldErrors() {
	for _, l := range s.fieldErrors {
		l.Hide()
	}
}

// request is what the form says, on top of the seed so that what the form does not show
// (protocol, refresh token durations) keeps the seed's value.
func (s *ApplicationsScreen) request() pingone.ApplicationRequest {
	r := s.seed
	r.Name = strings.TrimSpace(s.name.Text)
	r.Description = strings.TrimSpace(s.description.Text)
	r.Type = s.appType.Selected
	r.GrantTypes = inOrder(grantTypeOptions, s.grantTypes.Selected)
	r.ResponseTypes = inOrder(responseTypeOptions, s.responseTypes.Selected)
	r.RedirectURIs = nonBlankLines(s.redirects.Text)
	r.PostLogoutRedirectURIs = nonBlankLines(s.postLogout.Text)
	r.TokenEndpointAuthMethod = s.authMethod.Selected
	r.PKCEEnforcement = s.pkce.Selected
	r.Enabled = s.enabled.Checked
	return r
}

func (s *ApplicationsScreen) selectedScopes() []string {
	return inOrder(app.OptionalScopes, s.scopes.Selected)
}

// createResult is what one press of Create brought back.
type createResult struct {
	app           *pingone.Application
	sent, replied string // the create exchange's bodies, redacted by the transcript
	apps          []pingone.Application
	listErr       error
}

// Create presses Create: it creates the application from the form (and grants the ticked
// scopes) in the background and returns the task, or the running one if a create is
// already under way, so a double press never creates twice.
func (s *ApplicationsScreen) Create() *Task {
	if s.creating {
		return s.createTask
	}
	s.creating = true
	gen := s.gen
	if load := s.listTask; load != nil && running(load) {
		// Ctrl+N right after the screen opened: start once the first list load has landed,
		// so that the two never update the screen at the same time.
		chained := &Task{cancel: func() {}, done: make(chan struct{})}
		go func() {
			<-load.Done()
			onUI(func() {
				if gen != s.gen { // the connection changed before the create began
					s.creating = false
					close(chained.done)
					return
				}
				inner := s.startCreate()
				go func() { <-inner.Done(); close(chained.done) }()
			})
		}()
		s.createTask, s.task = chained, chained
		return chained
	}
	s.createTask = s.startCreate()
	s.task = s.createTask
	return s.task
}

// running reports whether t has not finished yet.
func running(t *Task) bool {
	select {
	case <-t.Done():
		return false
	default:
		return true
	}
}

// startCreate sends the form; s.creating is already set.
func (s *ApplicationsScreen) startCreate() *Task {
	s.createButton.Disable()
	s.clearFieldErrors()
	s.formProblem.clear()
	req, scopes, filter, gen := s.request(), s.selectedScopes(), s.filter.Text, s.gen
	transcript := s.desk.Transcript()
	return Run(context.Background(), s.sh.progress(), func(ctx context.Context) (createResult, error) {
		before := lastExchangeID(transcript.Entries())
		var res createResult
		created, err := s.desk.CreateApplication(ctx, req, scopes)
		res.app = created
		if created != nil {
			if ex, ok := createExchange(transcript.Entries(), before); ok {
				res.sent, res.replied = ex.RequestBody, ex.ResponseBody
			}
			// The list is read in the same task so the new app is in it when the task ends.
			res.apps, res.listErr = s.desk.ListApplications(ctx, filter)
		}
		return res, err
	}, func(res createResult, err error) {
		s.creating = false
		s.createButton.Enable()
		if gen != s.gen {
			return // the connection changed meanwhile; this result is not about the new one
		}
		if res.app == nil {
			s.showCreateError(err)
			return
		}
		s.created = res.app
		s.showResult(&res)
		var ge *app.GrantError
		if errors.As(err, &ge) {
			s.grantProblem.show("The application was created, but granting "+strings.Join(ge.Scopes, ", ")+" failed:", err, "The self-check in the list offers the grant again.")
		} else if err != nil {
			s.grantProblem.show("", err, "")
		}
		s.sh.pickApp(res.app.ID, res.app.Name)
		s.setApps(res.apps, res.listErr)
	})
}

// showCreateError puts PingOne's complaints on their fields and the explanation under
// the form. The form itself is left exactly as the user filled it.
func (s *ApplicationsScreen) showCreateError(err error) {
	var other []string
	var pe *pingone.Error
	if errors.As(err, &pe) {
		fields := pe.FieldErrors()
		targets := make([]string, 0, len(fields))
		for t := range fields {
			targets = append(targets, t)
		}
		sort.Strings(targets)
		for _, target := range targets {
			if l := s.fieldErrors[target]; l != nil && target != "" {
				l.SetText(fields[target])
				l.Show()
				continue
			}
			if target == "" {
				other = append(other, fields[target])
			} else {
				other = append(other, target+": "+fields[target])
			}
		}
	}
	s.formProblem.show("", err, strings.Join(other, "\n"))
}

// ---- create result ----

func (s *ApplicationsScreen) buildResult() fyne.CanvasObject {
	s.resultHint = widget.NewLabel("The created application appears here: its client ID, the JSON sent to PingOne and its reply.")
	s.resultHint.Wrapping = fyne.TextWrapWord
	s.resultHint.Importance = widget.LowImportance
	s.resultTitle = sectionTitle("")
	s.resultTitle.Wrapping = fyne.TextWrapWord
	s.resultClientID = monoLabel()
	s.resultClientID.Wrapping = fyne.TextWrapOff // an ID broken over two lines gets copied by hand wrongly
	s.resultNote = widget.NewLabel("")
	s.resultNote.Wrapping = fyne.TextWrapWord
	s.resultNote.Importance = widget.WarningImportance
	s.grantProblem = newExplainedError()
	s.sentJSON = monoLabel()
	s.receivedJSON = monoLabel()
	s.copyCreatedID = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		if s.created != nil {
			s.copy(s.created.ClientID)
		}
	})
	s.signInCreated = widget.NewButtonWithIcon("Sign in with this app", theme.LoginIcon(), func() {
		if s.created != nil {
			s.sh.signInWith(s.created.ID, s.created.Name)
		}
	})
	s.signInCreated.Importance = widget.HighImportance
	s.result = container.NewVBox(
		s.resultTitle,
		widget.NewLabelWithStyle("Client ID (public, not a secret: your app sends it with every sign-in)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, nil, s.copyCreatedID, s.resultClientID),
		s.resultNote,
		s.grantProblem.object,
		container.NewHBox(s.signInCreated),
		widget.NewSeparator(),
		sectionTitle("Sent to PingOne"), s.sentJSON,
		sectionTitle("PingOne's reply"), s.receivedJSON,
	)
	s.result.Hide()
	return container.NewVBox(s.resultHint, s.result)
}

// showResult shows a create's result; nil hides the panel.
func (s *ApplicationsScreen) showResult(res *createResult) {
	s.grantProblem.clear()
	if res == nil || res.app == nil {
		s.result.Hide()
		s.resultHint.Show()
		return
	}
	a := res.app
	s.resultTitle.SetText("Created " + a.Name)
	s.resultClientID.SetText(a.ClientID)
	if a.Reconciled {
		s.resultNote.SetText("PingOne's reply was lost; the application was found by its name and was not created a second time.")
		s.resultNote.Show()
	} else {
		s.resultNote.Hide()
	}
	s.sentJSON.SetText(dashIfEmpty(prettyBody(res.sent)))
	s.receivedJSON.SetText(dashIfEmpty(prettyBody(res.replied)))
	s.resultHint.Hide()
	s.result.Show()
}

// ---- list and details ----

func (s *ApplicationsScreen) buildList() fyne.CanvasObject {
	s.filter = widget.NewEntry()
	s.filter.SetPlaceHolder("Filter by name")
	// Every keystroke reloads; the previous load is cancelled, so only the last lands.
	s.filter.OnChanged = func(string) { s.Refresh() }
	s.refreshButton = widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), func() { s.Refresh() })
	s.listProblem = newExplainedError()
	s.listCount = widget.NewLabel("")
	s.listCount.Importance = widget.LowImportance

	s.list = widget.NewList(
		func() int { return len(s.apps) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			info := widget.NewLabel("")
			info.Truncation = fyne.TextTruncateEllipsis
			return container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()*2), name, info)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < 0 || id >= len(s.apps) {
				return
			}
			a := s.apps[id]
			objs := o.(*fyne.Container).Objects
			objs[0].(*widget.Label).SetText(a.Name)
			info := objs[1].(*widget.Label)
			info.SetText(appSummary(a))
			// A public app without S256 is the commonest reason a sign-in fails.
			if a.PKCEEnforcement != "S256_REQUIRED" && a.TokenEndpointAuthMethod == "NONE" {
				info.Importance = widget.WarningImportance
			} else {
				info.Importance = widget.LowImportance
			}
			info.Refresh()
		},
	)
	s.list.OnSelected = func(id widget.ListItemID) {
		if s.quietSelect || id < 0 || id >= len(s.apps) {
			return
		}
		a := s.apps[id]
		s.Select(&a)
	}

	left := container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, nil, s.refreshButton, s.filter), s.listProblem.object),
		s.listCount, nil, nil, s.list)
	split := container.NewHSplit(left, container.NewVScroll(s.buildDetails()))
	split.SetOffset(0.4)
	return split
}

// appSummary is a list row's second line.
func appSummary(a pingone.Application) string {
	return dashIfEmpty(a.Type) + " · PKCE " + dashIfEmpty(a.PKCEEnforcement) + " · auth " + dashIfEmpty(a.TokenEndpointAuthMethod)
}

// Refresh reloads the list with the filter's text and returns the task.
func (s *ApplicationsScreen) Refresh() *Task {
	if s.listTask != nil {
		s.listTask.Cancel()
	}
	s.loaded = true
	filter, gen := s.filter.Text, s.gen
	s.listTask = Run(context.Background(), s.sh.progress(), func(ctx context.Context) ([]pingone.Application, error) {
		return s.desk.ListApplications(ctx, filter)
	}, func(apps []pingone.Application, err error) {
		if gen != s.gen {
			return
		}
		s.setApps(apps, err)
	})
	s.task = s.listTask
	return s.task
}

// setApps shows a freshly read list. The selected app stays highlighted when it is still
// there, without running its self-check again.
func (s *ApplicationsScreen) setApps(apps []pingone.Application, err error) {
	if err != nil {
		s.listProblem.show("", err, "")
		return
	}
	s.listProblem.clear()
	s.apps = apps
	s.list.UnselectAll()
	s.list.Refresh()
	switch len(apps) {
	case 1:
		s.listCount.SetText("1 application")
	default:
		s.listCount.SetText(strconv.Itoa(len(apps)) + " applications")
	}
	if s.selected == nil {
		return
	}
	for i := range apps {
		if apps[i].ID == s.selected.ID {
			s.quietSelect = true
			s.list.Select(i)
			s.quietSelect = false
			return
		}
	}
}

func (s *ApplicationsScreen) buildDetails() fyne.CanvasObject {
	s.detailsHint = widget.NewLabel("Select an application to see its settings and check that PKCE Desk can sign in to it.")
	s.detailsHint.Wrapping = fyne.TextWrapWord
	s.detailsHint.Importance = widget.LowImportance
	s.detailName = sectionTitle("")
	s.detailName.SizeName = theme.SizeNameSubHeadingText
	s.detailName.Wrapping = fyne.TextWrapWord
	s.detailID = monoLabel()
	s.detailType = widget.NewLabel("")
	s.detailRedirects = monoLabel()
	s.detailGrants = widget.NewLabel("")
	s.detailGrants.Wrapping = fyne.TextWrapWord
	s.detailEnabled = widget.NewLabel("")
	s.copyDetailID = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		if s.selected != nil {
			s.copy(s.selected.ClientID)
		}
	})
	s.signInSelected = widget.NewButtonWithIcon("Sign in with this app", theme.LoginIcon(), func() {
		if s.selected != nil {
			s.sh.signInWith(s.selected.ID, s.selected.Name)
		}
	})
	s.signInSelected.Importance = widget.HighImportance
	s.deleteButton = widget.NewButtonWithIcon("Delete", theme.DeleteIcon(), s.askDelete)
	s.deleteButton.Importance = widget.DangerImportance
	s.deleteNote = widget.NewLabel("")
	s.deleteNote.Importance = widget.LowImportance
	s.deleteNote.Wrapping = fyne.TextWrapWord
	s.deleteNote.Hide()
	s.checkSummary = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.checkSummary.Wrapping = fyne.TextWrapWord
	s.findings = container.NewVBox()
	s.fixAll = widget.NewButtonWithIcon("Fix all", theme.SettingsIcon(), func() {
		if s.check != nil {
			s.Fix(s.check.Failed()...)
		}
	})
	s.fixAll.Hide()
	s.detailProblem = newExplainedError()

	form := container.New(layout.NewFormLayout(),
		widget.NewLabel("Client ID"), container.NewBorder(nil, nil, nil, s.copyDetailID, s.detailID),
		widget.NewLabel("Type"), s.detailType,
		widget.NewLabel("Redirect URIs"), s.detailRedirects,
		widget.NewLabel("Grant types"), s.detailGrants,
		widget.NewLabel("State"), s.detailEnabled,
	)
	s.details = container.NewVBox(
		s.detailName, form,
		container.NewHBox(s.signInSelected, layout.NewSpacer(), s.deleteButton),
		s.deleteNote,
		s.detailProblem.object,
		widget.NewSeparator(),
		container.NewBorder(nil, nil, sectionTitle("Self-check"), s.fixAll),
		s.checkSummary,
		s.findings,
	)
	s.details.Hide()
	return container.NewVBox(s.detailsHint, s.details)
}

// Select shows an application's details and runs its self-check.
func (s *ApplicationsScreen) Select(a *pingone.Application) *Task {
	if s.checkTask != nil {
		s.checkTask.Cancel()
	}
	s.selected = a
	s.check = nil
	s.showDetails(a)
	s.renderCheck(nil)
	s.detailProblem.clear()
	s.checkSummary.SetText("Checking…")
	id, gen := a.ID, s.gen
	s.checkTask = Run(context.Background(), s.sh.progress(), func(ctx context.Context) (*app.SelfCheck, error) {
		return s.desk.CheckApplication(ctx, id)
	}, func(check *app.SelfCheck, err error) {
		if gen != s.gen || s.selected == nil || s.selected.ID != id {
			return
		}
		if err != nil {
			s.checkSummary.SetText("")
			s.detailProblem.show("", err, "")
			return
		}
		s.applyCheck(check)
	})
	s.task = s.checkTask
	return s.task
}

func (s *ApplicationsScreen) showDetails(a *pingone.Application) {
	s.detailName.SetText(a.Name)
	s.detailID.SetText(a.ClientID)
	s.detailType.SetText(dashIfEmpty(a.Type) + " · auth " + dashIfEmpty(a.TokenEndpointAuthMethod) + " · PKCE " + dashIfEmpty(a.PKCEEnforcement))
	s.detailRedirects.SetText(dashIfEmpty(strings.Join(a.RedirectURIs, "\n")))
	s.detailGrants.SetText(dashIfEmpty(strings.Join(a.GrantTypes, ", ")))
	if a.Enabled {
		s.detailEnabled.SetText("Enabled")
	} else {
		s.detailEnabled.SetText("Disabled")
	}
	// Deleting the connection's own worker would cut the app off from the environment.
	if a.ID == s.desk.ActiveProfile().WorkerClientID {
		s.deleteButton.Disable()
		s.deleteNote.SetText("This is the worker app this connection uses; PKCE Desk does not delete it.")
		s.deleteNote.Show()
	} else {
		s.deleteButton.Enable()
		s.deleteNote.Hide()
	}
	s.detailsHint.Hide()
	s.details.Show()
}

func (s *ApplicationsScreen) clearDetails() {
	s.selected = nil
	s.check = nil
	s.renderCheck(nil)
	s.detailProblem.clear()
	s.details.Hide()
	s.detailsHint.Show()
}

// applyCheck shows a self-check and the app as it read it (the freshest copy).
func (s *ApplicationsScreen) applyCheck(check *app.SelfCheck) {
	s.check = check
	if check.App != nil {
		fresh := *check.App
		s.selected = &fresh
		s.showDetails(&fresh)
		for i := range s.apps {
			if s.apps[i].ID == fresh.ID {
				s.apps[i] = fresh
				s.list.RefreshItem(i)
			}
		}
	}
	s.renderCheck(check)
}

func (s *ApplicationsScreen) renderCheck(check *app.SelfCheck) {
	s.findings.RemoveAll()
	clear(s.fixButtons)
	s.fixAll.Hide()
	if check == nil {
		s.checkSummary.SetText("")
		return
	}
	if check.OK() {
		s.checkSummary.SetText("PKCE Desk can sign in to this application.")
		s.checkSummary.Importance = widget.SuccessImportance
	} else {
		s.checkSummary.SetText(strconv.Itoa(len(check.Failed())) + " of " + strconv.Itoa(len(check.Findings)) + " checks failed: a sign-in would not work as expected.")
		s.checkSummary.Importance = widget.DangerImportance
		s.fixAll.Show()
	}
	s.checkSummary.Refresh()
	for _, f := range check.Findings {
		s.findings.Add(s.findingRow(f))
	}
	s.setBusy(s.busy)
}

func (s *ApplicationsScreen) findingRow(f app.Finding) fyne.CanvasObject {
	var icon fyne.Resource = theme.NewSuccessThemedResource(theme.ConfirmIcon())
	if !f.OK {
		icon = theme.NewErrorThemedResource(theme.CancelIcon())
	}
	title := widget.NewLabelWithStyle(f.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	detail := widget.NewLabel(f.Detail)
	detail.Wrapping = fyne.TextWrapWord
	var fix fyne.CanvasObject
	if !f.OK {
		title.Importance = widget.DangerImportance
		id := f.ID
		b := widget.NewButtonWithIcon("Fix", theme.SettingsIcon(), func() { s.Fix(id) })
		s.fixButtons[id] = b
		fix = container.NewVBox(b)
	}
	text := container.New(layout.NewCustomPaddedVBoxLayout(0), title, detail)
	return container.NewVBox(container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(icon)), fix, text), widget.NewSeparator())
}

// setBusy disables what must not run twice while a fix or delete is under way.
func (s *ApplicationsScreen) setBusy(busy bool) {
	s.busy = busy
	buttons := []*widget.Button{s.fixAll}
	for _, b := range s.fixButtons {
		buttons = append(buttons, b)
	}
	for _, b := range buttons {
		if busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if busy {
		s.deleteButton.Disable()
	} else if s.selected != nil {
		s.showDetails(s.selected) // re-applies the worker guard
	}
}

// Fix repairs the named findings of the selected application and shows the new
// self-check.
func (s *ApplicationsScreen) Fix(ids ...string) *Task {
	if s.selected == nil || s.busy || len(ids) == 0 {
		return nil
	}
	if s.checkTask != nil {
		s.checkTask.Cancel() // a fresh self-check comes with the fix
	}
	s.setBusy(true)
	s.detailProblem.clear()
	id, gen := s.selected.ID, s.gen
	s.task = Run(context.Background(), s.sh.progress(), func(ctx context.Context) (*app.SelfCheck, error) {
		return s.desk.Fix(ctx, id, ids...)
	}, func(check *app.SelfCheck, err error) {
		s.setBusy(false)
		if gen != s.gen || s.selected == nil || s.selected.ID != id {
			return
		}
		if err != nil {
			s.detailProblem.show("", err, "")
			return
		}
		s.applyCheck(check)
	})
	return s.task
}

func (s *ApplicationsScreen) askDelete() {
	if s.selected == nil || s.busy {
		return
	}
	a := *s.selected
	p := s.desk.ActiveProfile()
	s.confirm("Delete application",
		"Delete "+a.Name+" ("+a.ID+") from "+p.Name+"? Sign-ins to it stop working at once; this cannot be undone.",
		func() { s.Delete(a.ID) })
}

func (s *ApplicationsScreen) confirmDialog(title, message string, ok func()) {
	if s.sh == nil || s.sh.Win == nil {
		return // nowhere to ask, so nothing is deleted
	}
	d := dialog.NewConfirm(title, message, func(yes bool) {
		if yes {
			ok()
		}
	}, s.sh.Win)
	d.SetConfirmText("Delete")
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// deleteResult is the list as it is after a delete.
type deleteResult struct {
	apps    []pingone.Application
	listErr error
}

// Delete deletes an application without asking (the Delete button asks first) and
// reloads the list in the same task.
func (s *ApplicationsScreen) Delete(appID string) *Task {
	if s.busy {
		return nil
	}
	if s.listTask != nil {
		s.listTask.Cancel()
	}
	s.setBusy(true)
	s.detailProblem.clear()
	filter, gen := s.filter.Text, s.gen
	s.task = Run(context.Background(), s.sh.progress(), func(ctx context.Context) (deleteResult, error) {
		if err := s.desk.DeleteApplication(ctx, appID); err != nil {
			return deleteResult{}, err
		}
		apps, err := s.desk.ListApplications(ctx, filter)
		return deleteResult{apps: apps, listErr: err}, nil
	}, func(res deleteResult, err error) {
		s.setBusy(false)
		if gen != s.gen {
			return
		}
		if err != nil {
			s.detailProblem.show("", err, "")
			return
		}
		if s.selected != nil && s.selected.ID == appID {
			s.clearDetails()
		}
		if s.created != nil && s.created.ID == appID {
			s.created = nil
			s.showResult(nil)
		}
		s.setApps(res.apps, res.listErr)
	})
	return s.task
}

// ---- demo user ----

func (s *ApplicationsScreen) buildDemo() fyne.CanvasObject {
	heading := widget.NewLabelWithStyle("Demo user", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	intro := widget.NewLabel("Creates a user with a random password in the target environment, to sign in with during a demo.")
	intro.Wrapping = fyne.TextWrapWord
	s.demoButton = widget.NewButtonWithIcon("Create demo user", theme.AccountIcon(), func() { s.CreateDemoUser() })
	s.demoNote = widget.NewLabel("")
	s.demoNote.Wrapping = fyne.TextWrapWord
	s.demoNote.Importance = widget.LowImportance
	s.demoUsername = monoLabel()
	s.demoPassword = monoLabel()
	s.copyUsername = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		if s.demoUser != nil {
			s.copy(s.demoUser.Username)
		}
	})
	s.passwordNote = newClipboardNote()
	s.copyPassword = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		if s.demoUser != nil {
			secretClipboardFor(s.sh.clipboard()).Copy(s.demoUser.Password, s.passwordNote)
		}
	})
	once := widget.NewLabel("The password is shown only here and only now: PKCE Desk does not store it. Copy it before you leave this connection.")
	once.Wrapping = fyne.TextWrapWord
	once.Importance = widget.WarningImportance
	s.demoBox = container.NewVBox(
		container.New(layout.NewFormLayout(),
			widget.NewLabel("Username"), container.NewBorder(nil, nil, nil, s.copyUsername, s.demoUsername),
			widget.NewLabel("Password"), container.NewBorder(nil, nil, nil, container.NewHBox(s.passwordNote, s.copyPassword), s.demoPassword),
		),
		once,
	)
	s.demoBox.Hide()
	s.demoProblem = newExplainedError()
	return container.NewVBox(heading, intro, container.NewHBox(s.demoButton), s.demoNote, s.demoProblem.object, s.demoBox)
}

// updateDemoState allows demo users on sandbox and test connections only: a stray user
// with a known password has no place in production.
func (s *ApplicationsScreen) updateDemoState() {
	if s.desk.ActiveProfile().Tag == app.TagProduction {
		s.demoButton.Disable()
		s.demoNote.SetText("Not available: this is a production connection. Demo users are only created in sandbox and test environments.")
		return
	}
	s.demoButton.Enable()
	s.demoNote.SetText("Only on sandbox and test connections.")
}

// CreateDemoUser presses "Create demo user".
func (s *ApplicationsScreen) CreateDemoUser() *Task {
	if s.demoButton.Disabled() {
		return nil
	}
	s.demoButton.Disable()
	s.demoProblem.clear()
	gen := s.gen
	s.task = Run(context.Background(), s.sh.progress(), func(ctx context.Context) (*app.DemoUser, error) {
		return s.desk.CreateDemoUser(ctx)
	}, func(u *app.DemoUser, err error) {
		s.updateDemoState()
		if gen != s.gen {
			return
		}
		if err != nil {
			s.demoProblem.show("", err, "")
			return
		}
		s.demoUser = u
		s.demoUsername.SetText(u.Username)
		s.demoPassword.SetText(u.Password)
		s.demoBox.Show()
	})
	return s.task
}

// ---- helpers ----

func (s *ApplicationsScreen) copy(text string) {
	if c := s.sh.clipboard(); c != nil {
		c.SetContent(text)
	}
}

// explainedError shows an error explained: what went wrong and what to do, with the
// technical detail below in small print.
type explainedError struct {
	object       *fyne.Container
	text, detail *widget.Label
}

func newExplainedError() *explainedError {
	p := &explainedError{text: widget.NewLabel(""), detail: widget.NewLabel("")}
	p.text.Wrapping = fyne.TextWrapWord
	p.text.Importance = widget.DangerImportance
	p.detail.Wrapping = fyne.TextWrapWord
	p.detail.Importance = widget.LowImportance
	p.object = container.New(layout.NewCustomPaddedVBoxLayout(0), p.text, p.detail)
	p.object.Hide()
	return p
}

// show explains err. lead (optional) comes before the explanation, extra (optional)
// with the technical detail.
func (p *explainedError) show(lead string, err error, extra string) {
	pr := app.Explain(err)
	if pr == nil {
		p.clear()
		return
	}
	text := strings.TrimSpace(lead + " " + pr.Title + " " + pr.Remedy)
	p.text.SetText(text)
	p.detail.SetText(strings.TrimSpace(strings.Join([]string{extra, pr.Detail()}, "\n")))
	p.object.Show()
}

func (p *explainedError) clear() {
	p.text.SetText("")
	p.detail.SetText("")
	p.object.Hide()
}

// lastExchangeID is the ID of the newest recorded exchange (0 when none).
func lastExchangeID(entries []pingone.Exchange) int {
	id := 0
	for _, ex := range entries {
		id = max(id, ex.ID)
	}
	return id
}

// createExchange finds the create request recorded after exchange ID after: the last
// POST to …/applications (grants go to …/applications/{id}/grants and do not match).
func createExchange(entries []pingone.Exchange, after int) (pingone.Exchange, bool) {
	for i := len(entries) - 1; i >= 0; i-- {
		ex := entries[i]
		if ex.ID <= after || ex.Method != "POST" {
			continue
		}
		u, err := url.Parse(ex.URL)
		if err == nil && strings.HasSuffix(u.Path, "/applications") {
			return ex, true
		}
	}
	return pingone.Exchange{}, false
}

// nonBlankLines splits a multi-line entry into its non-blank, trimmed lines.
func nonBlankLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// inOrder returns the chosen values in the order of options, whatever order they were
// ticked in, so the JSON sent reads the same for the same choices.
func inOrder(options, chosen []string) []string {
	var out []string
	for _, o := range options {
		if slices.Contains(chosen, o) {
			out = append(out, o)
		}
	}
	for _, c := range chosen {
		if !slices.Contains(options, c) && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

func dashIfEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
