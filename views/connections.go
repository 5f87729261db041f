package views

import (
	"context"
	"errors"
	"fmt"
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

// otherHost is the region choice for hosts that are not PingOne's public ones, such as a
// sandbox started with `pkcedesk sandbox`: the user enters both base URLs. A PingOne
// custom domain is not this: it is the region plus the Custom domain field.
const otherHost = "Other host (enter base URLs)"

// Tag picker labels; the sandbox tag belongs to the built-in connection only.
const (
	tagTestLabel       = "Test"
	tagProductionLabel = "Production"
)

// ConnectionsScreen lists the connection profiles, shows the built-in sandbox and edits
// the saved PingOne connections. The worker secret is typed into a password entry and
// handed to the desk (keyring, or memory for this run); it is never shown again.
type ConnectionsScreen struct {
	desk *app.Desk
	sh   *Shell

	profiles []app.Profile // as listed: sandbox first
	selected int           // index into profiles; -1 while a new connection is edited
	quiet    bool          // set while the list is selected from code, not by the user

	list    *widget.List
	use     *widget.Button
	newConn *widget.Button
	notice  *widget.Label // outcome of Use / Delete

	// Test connection (always about the active connection).
	active     *widget.Label
	test       *widget.Button
	cancelTest *widget.Button
	result     *widget.Label
	remedy     *widget.Label
	testTask   *Task
	testMarks  []string // form fields the last test marked, cleared by the next one

	details *fyne.Container // the sandbox panel or the form
	scroll  *container.Scroll
	right   *fyne.Container // test area and details, laid out again when messages change

	// Sandbox panel.
	sandboxPanel    fyne.CanvasObject
	sandboxAddress  *widget.Label
	sandboxEnv      *widget.Label
	demoUsername    *widget.Label
	demoPassword    *widget.Label
	sandboxProblem  *widget.Label
	sandboxCopyable map[string]string // what each copy button copies
	sandboxCopy     map[string]*widget.Button

	// Connection form.
	form         fyne.CanvasObject
	formTitle    *widget.Label
	editingID    string // "" for a new connection
	name         *widget.Entry
	region       *widget.Select
	customRows   []fyne.CanvasObject // label and content cells of the other-host rows
	regionRows   []fyne.CanvasObject // cells shown only with a PingOne region (custom domain)
	domain       *widget.Entry
	authBase     *widget.Entry
	apiBase      *widget.Entry
	adminEnv     *widget.Entry
	workerID     *widget.Entry
	secret       *widget.Entry
	secretSource *widget.Label
	targetEnv    *widget.Entry
	tag          *widget.RadioGroup
	fieldErrors  map[string]*widget.Label
	save         *widget.Button
	del          *widget.Button
	runOnly      *widget.Button // "Use for this run only" after a keyring failure
	formNotice   *widget.Label
	formRemedy   *widget.Label
	sourceTask   *Task // reads where the shown profile's secret is kept

	// task is the last background task started, for tests and the journey test.
	task   *Task
	Object fyne.CanvasObject
}

// NewConnectionsScreen builds the Connections screen.
func NewConnectionsScreen(desk *app.Desk, sh *Shell) *ConnectionsScreen {
	s := &ConnectionsScreen{desk: desk, sh: sh, selected: -1}

	s.list = widget.NewList(
		func() int { return len(s.profiles) },
		newProfileRow,
		func(i widget.ListItemID, o fyne.CanvasObject) { s.fillProfileRow(i, o) },
	)
	s.list.OnSelected = func(i widget.ListItemID) {
		if !s.quiet {
			s.selectProfile(i)
		}
	}
	s.use = widget.NewButtonWithIcon("Use this connection", theme.ConfirmIcon(), s.useSelected)
	s.use.Importance = widget.HighImportance
	s.newConn = widget.NewButtonWithIcon("New connection", theme.ContentAddIcon(), s.newProfile)
	s.notice = wrappedLabel()

	s.active = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.active.Wrapping = fyne.TextWrapWord
	s.test = widget.NewButtonWithIcon("Test connection", theme.MediaPlayIcon(), func() { s.TestActive() })
	s.cancelTest = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), s.stopTest)
	s.cancelTest.Hide()
	s.result = wrappedLabel()
	s.remedy = wrappedLabel()
	s.remedy.Importance = widget.LowImportance

	s.buildSandboxPanel()
	s.buildForm()
	s.details = container.NewStack()
	s.scroll = container.NewVScroll(s.details)

	heading := widget.NewLabelWithStyle("Connections", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	left := container.NewBorder(
		heading,
		container.NewVBox(s.notice, s.use, s.newConn),
		nil, nil, s.list)
	testBox := container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(s.test, s.cancelTest), s.active),
		s.result, s.remedy,
	)
	s.right = container.NewBorder(
		container.NewVBox(testBox, widget.NewSeparator()), nil, nil, nil,
		s.scroll)
	split := container.NewHSplit(left, s.right)
	split.SetOffset(0.3)
	s.Object = container.New(layout.NewCustomPaddedLayout(4, 8, 12, 12), split)

	// The sandbox starts here, synchronously, once: it only opens a loopback listener, and
	// the window is not shown yet, so a background task would only race with building it.
	s.fillSandbox()
	s.reloadList(desk.ActiveProfile().ID)
	s.showSelected()
	s.showActive()
	return s
}

// Screen is the navigation entry.
func (s *ConnectionsScreen) Screen() Screen {
	return Screen{
		Title:   "Connections",
		Icon:    theme.StorageIcon(),
		Content: s.Object,
		// The list takes arrow keys, so keyboard users can move between connections.
		Focus: s.list,
		Actions: []Action{{
			Label:    "Test connection",
			Shortcut: &desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: fyne.KeyModifierShortcutDefault},
			Run:      func() { s.TestActive() },
		}},
	}
}

// ---- the list ----

func newProfileRow() fyne.CanvasObject {
	name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	detail := widget.NewLabel("")
	detail.Importance = widget.LowImportance
	detail.Truncation = fyne.TextTruncateEllipsis
	return container.NewBorder(nil, nil, widget.NewIcon(nil), nil, container.NewVBox(name, detail))
}

func (s *ConnectionsScreen) fillProfileRow(i int, o fyne.CanvasObject) {
	if i < 0 || i >= len(s.profiles) {
		return
	}
	p := s.profiles[i]
	row := o.(*fyne.Container)
	texts := row.Objects[0].(*fyne.Container)
	icon := row.Objects[1].(*widget.Icon)
	texts.Objects[0].(*widget.Label).SetText(p.Name)
	texts.Objects[1].(*widget.Label).SetText(profileSummary(p, p.ID == s.desk.ActiveProfile().ID))
	if p.ID == s.desk.ActiveProfile().ID {
		icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	} else {
		icon.SetResource(theme.NewDisabledResource(theme.RadioButtonIcon()))
	}
}

// profileSummary is the second line of a list row: stage, where it points, and "active".
func profileSummary(p app.Profile, active bool) string {
	parts := []string{ConnectionFromProfile(p).Stage.String()}
	switch {
	case p.IsSandbox():
		parts = append(parts, "in-process, offline")
	case p.Region != "" && p.AuthBaseURL == "" && p.CustomDomain != "":
		parts = append(parts, p.Region.DisplayName()+", "+p.CustomDomain)
	case p.Region != "" && p.AuthBaseURL == "":
		parts = append(parts, p.Region.DisplayName())
	default:
		parts = append(parts, "other host")
	}
	if active {
		parts = append(parts, "active")
	}
	return strings.Join(parts, " · ")
}

// reloadList reads the profiles again and selects the one with id (the active one when
// id is not found), without treating that as a user's choice.
func (s *ConnectionsScreen) reloadList(id string) {
	s.profiles = s.desk.Profiles()
	s.selected = -1
	for i, p := range s.profiles {
		if p.ID == id {
			s.selected = i
		}
	}
	if s.selected < 0 {
		active := s.desk.ActiveProfile().ID
		for i, p := range s.profiles {
			if p.ID == active {
				s.selected = i
			}
		}
	}
	s.list.Refresh()
	s.quiet = true
	s.list.Select(s.selected)
	s.quiet = false
	s.updateUseButton()
}

func (s *ConnectionsScreen) updateUseButton() {
	if s.selected < 0 || s.profiles[s.selected].ID == s.desk.ActiveProfile().ID {
		s.use.Disable()
	} else {
		s.use.Enable()
	}
}

// selectProfile is the user picking a row.
func (s *ConnectionsScreen) selectProfile(i int) {
	if i < 0 || i >= len(s.profiles) {
		return
	}
	s.selected = i
	s.notice.Hide()
	s.updateUseButton()
	s.showSelected()
}

func (s *ConnectionsScreen) showSelected() {
	if s.selected < 0 {
		return
	}
	p := s.profiles[s.selected]
	if p.IsSandbox() {
		s.showDetails(s.sandboxPanel)
		return
	}
	s.fillForm(p)
	s.showDetails(s.form)
	s.loadSecretSource(p.ID)
}

func (s *ConnectionsScreen) showDetails(o fyne.CanvasObject) {
	s.details.Objects = []fyne.CanvasObject{o}
	s.scroll.ScrollToTop()
	s.relayout()
}

// relayout lays the details out again after messages appeared or went away, so an
// error line pushes the fields below it down instead of covering them.
func (s *ConnectionsScreen) relayout() {
	if s.right != nil {
		s.right.Refresh()
	}
}

// useSelected makes the selected profile the active one. Switching drops the session
// and the timeline of the previous connection, so the other screens reload.
func (s *ConnectionsScreen) useSelected() {
	if s.selected < 0 {
		return
	}
	p := s.profiles[s.selected]
	if err := s.desk.SetActive(p.ID); err != nil {
		showProblem(s.notice, nil, err)
		return
	}
	s.stopTest()
	setShown(s.result, "")
	setShown(s.remedy, "")
	s.reloadList(p.ID)
	s.showActive()
	s.notice.Importance = widget.SuccessImportance
	setShown(s.notice, fmt.Sprintf("Now using “%s”.", p.Name))
	s.sh.connectionChanged()
}

// ---- test connection ----

// showActive names the connection that "Test connection" (and every other screen) uses.
func (s *ConnectionsScreen) showActive() {
	p := s.desk.ActiveProfile()
	s.active.SetText(fmt.Sprintf("Active: %s · %s", p.Name, ConnectionFromProfile(p).Stage))
}

// TestActive tests the active connection in the background: a worker token, then the
// target environment's applications. It returns the running task (the one already
// running, if any).
func (s *ConnectionsScreen) TestActive() *Task {
	if s.testRunning() {
		return s.testTask
	}
	s.test.Disable()
	s.cancelTest.Show()
	s.result.Importance = widget.MediumImportance
	setShown(s.result, fmt.Sprintf("Testing “%s”…", s.desk.ActiveProfile().Name))
	setShown(s.remedy, "")
	s.clearTestMarks()
	s.relayout()
	tested := s.desk.ActiveProfile().ID
	t := Run(context.Background(), s.sh.progress(), s.desk.TestConnection, func(r *app.ConnectionReport, err error) {
		s.testEnded()
		if err != nil {
			showProblem(s.result, s.remedy, err)
			s.markTestFields(tested, err)
		} else {
			s.result.Importance = widget.SuccessImportance
			setShown(s.result, reportText(r))
		}
		s.relayout()
	})
	// Nothing below may touch widgets: in the test driver the callback can already be
	// running on the worker goroutine.
	s.testTask, s.task = t, t
	return t
}

// testRunning says whether the last test has not delivered its result yet. The task
// fields are only touched outside done callbacks: in the test driver a callback runs on
// the worker goroutine, possibly before Run has even returned.
func (s *ConnectionsScreen) testRunning() bool {
	if s.testTask == nil {
		return false
	}
	select {
	case <-s.testTask.Done():
		return false
	default:
		return true
	}
}

// stopTest cancels a running test; its late result is dropped by Run.
func (s *ConnectionsScreen) stopTest() {
	if !s.testRunning() {
		return
	}
	s.testTask.Cancel()
	s.testEnded()
	s.result.Importance = widget.MediumImportance
	setShown(s.result, "Test cancelled.")
	setShown(s.remedy, "")
	s.relayout()
}

// markTestFields puts a failed test's field messages (app decides which fields a failure
// concerns) under those fields, when the form shows the connection that was tested.
func (s *ConnectionsScreen) markTestFields(tested string, err error) {
	fields := app.Explain(err).FieldErrors()
	if len(fields) == 0 || tested == "" || s.editingID != tested {
		return
	}
	s.markFields(fields)
	for k := range fields {
		s.testMarks = append(s.testMarks, k)
	}
}

// clearTestMarks removes the previous test's field messages, leaving the form's own
// validation messages alone.
func (s *ConnectionsScreen) clearTestMarks() {
	for _, k := range s.testMarks {
		if l, ok := s.fieldErrors[k]; ok {
			setShown(l, "")
		}
	}
	s.testMarks = nil
}

func (s *ConnectionsScreen) testEnded() {
	s.test.Enable()
	s.cancelTest.Hide()
}

func reportText(r *app.ConnectionReport) string {
	apps := fmt.Sprintf("%d applications", r.Applications)
	if r.Applications == 1 {
		apps = "1 application"
	}
	return fmt.Sprintf("Worker token OK · %s in the environment · issuer %s · took %d ms",
		apps, r.Issuer, r.Duration.Milliseconds())
}

// ---- the sandbox ----

func (s *ConnectionsScreen) buildSandboxPanel() {
	s.sandboxAddress = widget.NewLabel("")
	s.sandboxEnv = widget.NewLabel("")
	s.demoUsername = widget.NewLabel("")
	s.demoPassword = widget.NewLabel("")
	s.sandboxProblem = wrappedLabel()
	s.sandboxCopyable = map[string]string{}
	s.sandboxCopy = map[string]*widget.Button{}

	about := wrappedLabel()
	setShown(about, "The sandbox is an emulated PingOne environment running inside this app on loopback: "+
		"nothing leaves your computer, and its applications and users are forgotten when the app quits.")
	fixtures := wrappedLabel()
	setShown(fixtures, "The demo user is a test fixture of the sandbox, not a real account. "+
		"This connection is built in: it cannot be edited or deleted.")
	fixtures.Importance = widget.LowImportance

	grid := container.New(layout.NewFormLayout(),
		widget.NewLabel("Address"), s.copyRow(s.sandboxAddress, "address"),
		widget.NewLabel("Environment ID"), s.copyRow(s.sandboxEnv, "environment"),
		widget.NewLabel("Demo username"), s.copyRow(s.demoUsername, "username"),
		widget.NewLabel("Demo password"), s.copyRow(s.demoPassword, "password"),
	)
	title := sectionTitle("Sandbox (offline)")
	title.SizeName = theme.SizeNameSubHeadingText
	s.sandboxPanel = container.NewVBox(title, about, s.sandboxProblem, grid, fixtures)
}

// copyRow is a value with a copy button; what it copies is looked up when pressed, so
// the panel can be filled after it was built.
func (s *ConnectionsScreen) copyRow(value *widget.Label, key string) fyne.CanvasObject {
	b := widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() {
		if c := s.sh.clipboard(); c != nil {
			c.SetContent(s.sandboxCopyable[key])
		}
	})
	b.Importance = widget.LowImportance
	s.sandboxCopy[key] = b
	value.Selectable = true
	return container.NewBorder(nil, nil, nil, b, value)
}

func (s *ConnectionsScreen) fillSandbox() {
	srv, err := s.desk.SandboxServer()
	if err == nil {
		var demo app.DemoCredentials
		if demo, err = s.desk.SandboxDemoUser(); err == nil {
			info := srv.Info()
			s.sandboxCopyable["address"] = info.AuthBaseURL
			s.sandboxCopyable["environment"] = info.EnvironmentID
			s.sandboxCopyable["username"] = demo.Username
			s.sandboxCopyable["password"] = demo.Password
			s.sandboxAddress.SetText(info.AuthBaseURL)
			s.sandboxEnv.SetText(info.EnvironmentID)
			s.demoUsername.SetText(demo.Username)
			s.demoPassword.SetText(demo.Password)
			return
		}
	}
	showProblem(s.sandboxProblem, nil, err)
}

// ---- the form ----

func (s *ConnectionsScreen) buildForm() {
	s.fieldErrors = map[string]*widget.Label{}
	s.formTitle = sectionTitle("")
	s.formTitle.SizeName = theme.SizeNameSubHeadingText

	s.name = widget.NewEntry()
	s.name.SetPlaceHolder("e.g. Acme test tenant")
	s.region = widget.NewSelect(regionOptions(), s.regionChanged)
	s.region.PlaceHolder = "Pick the region of your environments"
	s.authBase = widget.NewEntry()
	s.authBase.SetPlaceHolder("https://login.example.com")
	s.domain = widget.NewEntry()
	s.domain.SetPlaceHolder("auth.example.com (optional)")
	s.apiBase = widget.NewEntry()
	s.apiBase.SetPlaceHolder("https://api.pingone.com/v1")
	s.adminEnv = widget.NewEntry()
	s.adminEnv.SetPlaceHolder("00000000-0000-0000-0000-000000000000")
	s.workerID = widget.NewEntry()
	s.workerID.SetPlaceHolder("00000000-0000-0000-0000-000000000000")
	s.secret = widget.NewPasswordEntry()
	s.secretSource = widget.NewLabel("")
	s.targetEnv = widget.NewEntry()
	s.targetEnv.SetPlaceHolder("00000000-0000-0000-0000-000000000000")
	s.tag = widget.NewRadioGroup([]string{tagTestLabel, tagProductionLabel}, nil)
	s.tag.Horizontal = true
	s.tag.Required = true

	rows := []fyne.CanvasObject{}
	add := func(label string, input fyne.CanvasObject, field, help string, extra ...fyne.CanvasObject) []fyne.CanvasObject {
		cells := []fyne.CanvasObject{widget.NewLabel(label), s.fieldBox(input, field, help, extra...)}
		rows = append(rows, cells...)
		return cells
	}
	add("Name", s.name, app.FieldName, "Shown in the header and in this list.")
	add("Region", s.region, app.FieldRegion, "Where your PingOne organisation lives; every environment of it is in the same region.")
	s.regionRows = append(s.regionRows, add("Custom domain", s.domain, app.FieldCustomDomain,
		"Only if the target environment has a PingOne custom domain: sign-ins then use https://<domain>/as. Leave empty otherwise.")...)
	s.customRows = append(s.customRows, add("Auth base URL", s.authBase, app.FieldAuthBaseURL,
		"The auth host; the environment ID is added after it, as on auth.pingone.com.")...)
	s.customRows = append(s.customRows, add("API base URL", s.apiBase, app.FieldAPIBaseURL,
		"The Management API, with /v1.")...)
	add("Worker's environment ID", s.adminEnv, app.FieldAdminEnvironmentID,
		"The environment that holds the worker app, often \"Administrators\". Settings › Environment Properties.")
	add("Worker client ID", s.workerID, app.FieldWorkerClientID,
		"The worker app's client ID (Applications › your worker › Overview).")
	add("Worker client secret", s.secret, app.FieldWorkerSecret,
		"Kept in the system keyring, never in the settings file. Leave empty to keep the saved one.", s.secretSource)
	add("Target environment ID", s.targetEnv, app.FieldTargetEnvironmentID,
		"Where applications and users are created and signed in to; the worker needs roles there.")
	add("Tag", s.tag, app.FieldTag, "Production connections refuse test-only actions such as creating demo users.")

	s.save = widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), s.saveForm)
	s.save.Importance = widget.HighImportance
	s.del = widget.NewButtonWithIcon("Delete…", theme.DeleteIcon(), s.confirmDelete)
	s.del.Importance = widget.DangerImportance
	s.runOnly = widget.NewButtonWithIcon("Use for this run only", theme.HistoryIcon(), s.rememberSecret)
	s.runOnly.Hide()
	s.formNotice = wrappedLabel()
	s.formRemedy = wrappedLabel()
	s.formRemedy.Importance = widget.LowImportance

	s.form = container.NewVBox(
		s.formTitle,
		container.New(layout.NewFormLayout(), rows...),
		container.NewHBox(s.save, s.del),
		s.formNotice, s.formRemedy,
		container.NewHBox(s.runOnly),
	)
}

// fieldBox stacks an input with its help text and its (hidden until needed) error line.
func (s *ConnectionsScreen) fieldBox(input fyne.CanvasObject, field, help string, extra ...fyne.CanvasObject) fyne.CanvasObject {
	h := wrappedLabel()
	setShown(h, help)
	h.Importance = widget.LowImportance
	e := fieldMessage()
	s.fieldErrors[field] = e
	objs := append([]fyne.CanvasObject{input}, extra...)
	return container.NewVBox(append(objs, e, h)...)
}

func regionLabel(r pingone.Region) string {
	ep, err := pingone.RegionEndpoints(r)
	if err != nil {
		return string(r)
	}
	return fmt.Sprintf("%s (%s)", r.DisplayName(), strings.TrimPrefix(ep.AuthBase, "https://"))
}

func regionOptions() []string {
	var out []string
	for _, r := range pingone.Regions() {
		out = append(out, regionLabel(r))
	}
	return append(out, otherHost)
}

func regionFromLabel(label string) pingone.Region {
	for _, r := range pingone.Regions() {
		if regionLabel(r) == label {
			return r
		}
	}
	return ""
}

func (s *ConnectionsScreen) regionChanged(label string) {
	for _, o := range s.customRows {
		if label == otherHost {
			o.Show()
		} else {
			o.Hide()
		}
	}
	for _, o := range s.regionRows {
		if label == otherHost {
			o.Hide()
		} else {
			o.Show()
		}
	}
	s.relayout()
}

// newProfile opens an empty form; test is the default tag so production is a choice.
func (s *ConnectionsScreen) newProfile() {
	s.quiet = true
	s.list.UnselectAll()
	s.quiet = false
	s.selected = -1
	s.notice.Hide()
	s.updateUseButton()
	s.fillForm(app.Profile{Region: pingone.RegionNA, Tag: app.TagTest})
	s.secretSource.SetText("Worker secret: not set")
	s.showDetails(s.form)
	if s.sh != nil && s.sh.Win != nil {
		s.sh.Win.Canvas().Focus(s.name)
	}
}

// fillForm shows p in the form. The secret entry always starts empty: a saved secret is
// never read back into a widget.
func (s *ConnectionsScreen) fillForm(p app.Profile) {
	if s.sourceTask != nil {
		s.sourceTask.Cancel()
		s.sourceTask = nil
	}
	s.editingID = p.ID
	if p.ID == "" {
		s.formTitle.SetText("New connection")
		s.del.Hide()
	} else {
		s.formTitle.SetText(p.Name)
		s.del.Show()
	}
	s.name.SetText(p.Name)
	if p.AuthBaseURL != "" || (p.ID != "" && p.Region == "") {
		s.region.SetSelected(otherHost)
	} else {
		s.region.SetSelected(regionLabel(p.Region))
	}
	s.regionChanged(s.region.Selected)
	s.authBase.SetText(p.AuthBaseURL)
	s.apiBase.SetText(p.APIBaseURL)
	s.domain.SetText(p.CustomDomain)
	s.adminEnv.SetText(p.AdminEnvironmentID)
	s.workerID.SetText(p.WorkerClientID)
	s.targetEnv.SetText(p.TargetEnvironmentID)
	s.secret.SetText("")
	switch p.Tag {
	case app.TagProduction:
		s.tag.SetSelected(tagProductionLabel)
	default:
		s.tag.SetSelected(tagTestLabel)
	}
	s.runOnly.Hide()
	s.clearFormMessages()
}

func (s *ConnectionsScreen) clearFormMessages() {
	for _, l := range s.fieldErrors {
		setShown(l, "")
	}
	setShown(s.formNotice, "")
	setShown(s.formRemedy, "")
	s.relayout()
}

// profileFromForm reads the form. Values are trimmed here so that what is validated is
// what gets saved.
func (s *ConnectionsScreen) profileFromForm() app.Profile {
	p := app.Profile{
		ID:                  s.editingID,
		Name:                strings.TrimSpace(s.name.Text),
		AdminEnvironmentID:  strings.TrimSpace(s.adminEnv.Text),
		WorkerClientID:      strings.TrimSpace(s.workerID.Text),
		TargetEnvironmentID: strings.TrimSpace(s.targetEnv.Text),
	}
	if s.region.Selected == otherHost {
		p.AuthBaseURL = strings.TrimSpace(s.authBase.Text)
		p.APIBaseURL = strings.TrimSpace(s.apiBase.Text)
	} else {
		p.Region = regionFromLabel(s.region.Selected)
		p.CustomDomain = strings.TrimSpace(s.domain.Text)
	}
	switch s.tag.Selected {
	case tagTestLabel:
		p.Tag = app.TagTest
	case tagProductionLabel:
		p.Tag = app.TagProduction
	}
	return p
}

// markFields puts each message under its field. The validation of other-host base URLs
// reports both URLs under one key; a message about the API URL belongs under that one.
func (s *ConnectionsScreen) markFields(fields map[string]string) {
	for k, msg := range fields {
		if k == app.FieldAuthBaseURL && strings.Contains(msg, "API base URL") {
			k = app.FieldAPIBaseURL
		}
		l, ok := s.fieldErrors[k]
		if !ok {
			continue
		}
		setShown(l, msg)
	}
	s.relayout()
}

// saveForm saves the profile (preferences only, fast) and then, if one was typed, the
// worker secret in the background: the keyring may block on an unlock prompt.
func (s *ConnectionsScreen) saveForm() {
	s.clearFormMessages()
	s.runOnly.Hide()
	p := s.profileFromForm()
	secret := strings.TrimSpace(s.secret.Text)

	fields := map[string]string{}
	if ve := (*app.ValidationError)(nil); errors.As(p.Validate(), &ve) {
		for k, v := range ve.FieldErrors() {
			fields[k] = v
		}
	}
	if p.ID == "" && secret == "" {
		fields[app.FieldWorkerSecret] = "Paste the worker's client secret."
	}
	if len(fields) > 0 {
		s.markFields(fields)
		showProblem(s.formNotice, s.formRemedy, &app.ValidationError{Fields: fields})
		s.relayout()
		return
	}
	saved, err := s.desk.SaveProfile(p)
	if err != nil {
		if ve := (*app.ValidationError)(nil); errors.As(err, &ve) {
			s.markFields(ve.FieldErrors())
		}
		showProblem(s.formNotice, s.formRemedy, err)
		s.relayout()
		return
	}
	s.editingID = saved.ID
	s.formTitle.SetText(saved.Name)
	s.del.Show()
	s.reloadList(saved.ID)
	if saved.ID == s.desk.ActiveProfile().ID {
		s.showActive()
	}
	if secret == "" {
		s.formNotice.Importance = widget.SuccessImportance
		setShown(s.formNotice, fmt.Sprintf("Saved “%s”.", saved.Name))
		s.relayout()
		s.settingsChanged(saved.ID)
		return
	}
	s.formNotice.Importance = widget.MediumImportance
	setShown(s.formNotice, fmt.Sprintf("Saved “%s”. Storing the worker secret in the system keyring…", saved.Name))
	s.save.Disable()
	s.relayout()
	id := saved.ID
	s.task = Run(context.Background(), s.sh.progress(), func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.desk.SetWorkerSecret(ctx, id, secret)
	}, func(_ struct{}, err error) {
		s.save.Enable()
		if s.editingID == id { // else the user moved on: the form shows another connection
			if err != nil {
				s.secretNotStored(err)
			} else {
				s.secretStored(app.SecretInKeyring)
			}
		}
		s.settingsChanged(id)
	})
}

// secretNotStored explains a keyring failure and, if the keyring is the problem, offers
// to keep the secret in memory. The typed secret stays in its entry for that.
func (s *ConnectionsScreen) secretNotStored(err error) {
	if ve := (*app.ValidationError)(nil); errors.As(err, &ve) {
		s.markFields(ve.FieldErrors())
	}
	showProblem(s.formNotice, s.formRemedy, err)
	s.secretSource.SetText("Worker secret: not stored")
	if ke := (*app.KeyringError)(nil); errors.As(err, &ke) && ke.Kind != app.ErrSecretTooBig {
		s.runOnly.Show()
	}
	s.relayout()
}

// rememberSecret is "Use for this run only": the typed secret is kept in memory.
func (s *ConnectionsScreen) rememberSecret() {
	id := s.editingID
	if err := s.desk.RememberWorkerSecret(id, s.secret.Text); err != nil {
		s.clearFormMessages()
		s.secretNotStored(err)
		return
	}
	s.clearFormMessages()
	s.secretStored(app.SecretInMemory)
	s.settingsChanged(id)
}

// secretStored clears the entry: only now is the secret kept somewhere else.
func (s *ConnectionsScreen) secretStored(src app.SecretSource) {
	s.secret.SetText("")
	s.runOnly.Hide()
	s.secretSource.SetText("Worker secret: " + src.String())
	s.formNotice.Importance = widget.SuccessImportance
	setShown(s.formNotice, fmt.Sprintf("Saved. The worker secret is %s.", src))
	setShown(s.formRemedy, "")
	s.relayout()
}

// settingsChanged tells the other screens when the active connection's settings changed.
func (s *ConnectionsScreen) settingsChanged(id string) {
	if id == s.desk.ActiveProfile().ID {
		s.sh.connectionChanged()
	}
}

// loadSecretSource says where the shown profile's secret is kept. It reads the keyring,
// hence the background task.
func (s *ConnectionsScreen) loadSecretSource(id string) {
	s.secretSource.SetText("Worker secret: checking…")
	t := Run(context.Background(), nil, func(ctx context.Context) (app.SecretSource, error) {
		return s.desk.WorkerSecretSource(ctx, id)
	}, func(src app.SecretSource, err error) {
		switch {
		case err == nil:
			s.secretSource.SetText("Worker secret: " + src.String())
		case errors.Is(err, app.ErrSecretNotFound):
			s.secretSource.SetText("Worker secret: not set; paste it and save")
		default:
			s.secretSource.SetText("Worker secret: " + app.Explain(err).Title)
		}
	})
	s.sourceTask, s.task = t, t
}

// ---- delete ----

func (s *ConnectionsScreen) confirmDelete() {
	id := s.editingID
	p, ok := s.desk.Profile(id)
	if !ok || p.IsSandbox() || s.sh == nil || s.sh.Win == nil {
		return // nothing to delete, or no window to ask in
	}
	msg := fmt.Sprintf("Delete the connection “%s”?\nIts worker secret is removed from the system keyring too.\n"+
		"Nothing is deleted in PingOne.", p.Name)
	d := dialog.NewConfirm("Delete connection", msg, func(ok bool) {
		if ok {
			s.deleteProfile(p)
		}
	}, s.sh.Win)
	d.SetConfirmText("Delete")
	d.SetDismissText("Keep")
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// deleteProfile runs in the background because it removes the secret from the keyring.
func (s *ConnectionsScreen) deleteProfile(p app.Profile) {
	wasActive := p.ID == s.desk.ActiveProfile().ID
	s.del.Disable()
	s.task = Run(context.Background(), s.sh.progress(), func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.desk.DeleteProfile(ctx, p.ID)
	}, func(_ struct{}, err error) {
		s.del.Enable()
		if _, still := s.desk.Profile(p.ID); still {
			showProblem(s.formNotice, s.formRemedy, err) // nothing was deleted
			return
		}
		if s.editingID == p.ID {
			s.editingID = ""
		}
		s.reloadList("")
		s.showSelected()
		s.showActive()
		if err != nil {
			pr := app.Explain(err)
			s.notice.Importance = widget.WarningImportance
			setShown(s.notice, fmt.Sprintf("Deleted “%s”, but: %s %s", p.Name, pr.Title, pr.Remedy))
		} else {
			s.notice.Importance = widget.SuccessImportance
			setShown(s.notice, fmt.Sprintf("Deleted “%s”.", p.Name))
		}
		if wasActive {
			s.stopTest()
			setShown(s.result, "")
			s.sh.connectionChanged()
		}
	})
}

// ---- helpers ----

// showProblem puts an error in plain words into title (and its remedy into remedy, or
// after the title when there is no remedy label). app.Explain's texts never contain a
// secret, which is why raw error strings are never shown here.
func showProblem(title, remedy *widget.Label, err error) {
	p := app.Explain(err)
	if p == nil {
		return
	}
	title.Importance = widget.DangerImportance
	if remedy == nil {
		setShown(title, strings.TrimSpace(p.Title+" "+p.Remedy))
		return
	}
	setShown(title, p.Title)
	setShown(remedy, p.Remedy)
}
