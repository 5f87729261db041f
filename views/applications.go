package views

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
)

// ApplicationsScreen creates applications in the target environment, lists them, runs the
// self-check on one and fixes what it finds, and creates demo users.
type ApplicationsScreen struct {
	desk *app.Desk
	sh   *Shell

	tabs    *container.AppTabs
	content fyne.CanvasObject

	form      *appsCreateForm   // the Create tab's form
	result    *appsCreateResult // beside it, what the last create brought back
	list      *appsList         // the applications in the environment
	details   *appsDetails      // the selected application
	selfCheck *appsSelfCheck    // and its self-check, below its details
	demo      *appsDemoUser     // the Demo user tab

	// task is the last background task started, whatever its kind: tests wait on it.
	task *Task
	// gen counts connection changes. Reads of an older connection are cancelled, and so
	// is a running create, so that Create works at once on the new connection; the other
	// writes (fix, delete, demo user) are left to finish so their outcome is not made
	// uncertain, but their results are dropped when gen moved on.
	gen int
	// confirm asks before a destructive action; a seam for tests, which cannot easily tap
	// a dialog's buttons.
	confirm func(title, message string, ok func())

	creating   bool
	createTask *Task
	listTask   *Task
	loaded     bool
	checkTask  *Task
	busy       bool // a fix or delete is running
}

// NewApplicationsScreen builds the Applications screen.
func NewApplicationsScreen(desk *app.Desk, sh *Shell) *ApplicationsScreen {
	s := &ApplicationsScreen{desk: desk, sh: sh}
	s.confirm = s.confirmDialog
	s.form = newAppsCreateForm(desk.RedirectURI(), desk.NewApplicationRequest, func() { s.Create() })
	s.result = newAppsCreateResult(s.copy, sh.signInWith)
	s.list = newAppsList(func() { s.Refresh() }, func(a *pingone.Application) { s.Select(a) })
	s.selfCheck = newAppsSelfCheck(func(ids ...string) { s.Fix(ids...) })
	s.details = newAppsDetails(func() string { return desk.ActiveProfile().WorkerClientID },
		s.copy, sh.signInWith, s.askDelete, s.selfCheck.objects()...)
	s.demo = newAppsDemoUser(s.copy, sh.copySecret, func() { s.CreateDemoUser() })
	s.bindSnippets()

	// The form scrolls inside its own pane, over its fixed Create bar (apps_create_form.go).
	createSplit := container.NewHSplit(s.form.object, container.NewVScroll(s.result.object))
	createSplit.SetOffset(0.55)
	browse := container.NewHSplit(s.list.object, container.NewVScroll(s.details.object))
	browse.SetOffset(0.4)
	s.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Create", theme.ContentAddIcon(), createSplit),
		container.NewTabItemWithIcon("Applications in this environment", theme.ListIcon(), browse),
		container.NewTabItemWithIcon("Demo user", theme.AccountIcon(), container.NewVScroll(s.demo.object)),
	)
	s.content = container.New(layout.NewCustomPaddedLayout(4, 4, 8, 8), s.tabs)

	s.form.fill(desk.NewApplicationRequest())
	s.updateDemoState()
	return s
}

// Screen is the navigation entry.
func (s *ApplicationsScreen) Screen() Screen {
	return Screen{
		Title:   "Applications",
		Icon:    theme.GridIcon(),
		Content: s.content,
		Focus:   s.form.name, // the create form's first field
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
// reloads the list. A create still running is cancelled: it was aimed at the previous
// connection's environment, and must not keep Create disabled on the new one. The form
// keeps what the user typed: its seed (the loopback redirect) does not depend on the
// connection.
func (s *ApplicationsScreen) ConnectionChanged() {
	s.gen++
	for _, t := range []*Task{s.listTask, s.checkTask, s.createTask} {
		if t != nil {
			t.Cancel()
		}
	}
	s.creating, s.createTask = false, nil
	s.form.createButton.Enable()
	s.result.show(nil)
	s.list.clear()
	s.clearDetails()
	s.demo.clear()
	s.updateDemoState()
	s.loaded = false
	s.Refresh()
}

// Created is the application created last on this connection, or nil.
func (s *ApplicationsScreen) Created() *pingone.Application { return s.result.created }

// Reset puts the seed back into the form.
func (s *ApplicationsScreen) Reset() { s.form.reset() }

// copy copies a value that is not a secret, such as a client ID.
func (s *ApplicationsScreen) copy(text string) { copyPlain(s.sh.clipboard(), text) }

func dashIfEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
