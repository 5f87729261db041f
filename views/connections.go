package views

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
)

// ConnectionsScreen lists the connection profiles, shows the built-in sandbox and edits
// the saved PingOne connections. The worker secret is typed into a password entry and
// handed to the desk (keyring, or memory for this run); it is never shown again.
type ConnectionsScreen struct {
	desk *app.Desk
	sh   *Shell

	list    *connProfileList // the profiles, with Use this connection and New connection
	tester  *connTester      // Test connection, always about the active connection
	sandbox *connSandbox     // the built-in sandbox, when it is selected
	form    *connForm        // a saved connection's settings, or a new one's

	details *fyne.Container // the sandbox panel or the form
	scroll  *container.Scroll
	right   *fyne.Container // test area and details, laid out again when messages change

	// task is the last background task started, for tests and the journey test.
	task   *Task
	Object fyne.CanvasObject
}

// NewConnectionsScreen builds the Connections screen.
func NewConnectionsScreen(desk *app.Desk, sh *Shell) *ConnectionsScreen {
	s := &ConnectionsScreen{desk: desk, sh: sh}
	s.list = newConnProfileList(desk.Profiles, func() string { return desk.ActiveProfile().ID },
		s.selectProfile, s.useSelected, s.newProfile)
	s.tester = newConnTester(func() { s.TestActive() }, s.stopTest)
	s.sandbox = newConnSandbox(sh.clipboard)
	s.form = newConnForm(s.relayout, s.saveForm, s.confirmDelete, s.rememberSecret)
	s.details = container.NewStack()
	s.scroll = container.NewVScroll(s.details)

	s.right = container.NewBorder(
		container.NewVBox(s.tester.object, widget.NewSeparator()), nil, nil, nil,
		s.scroll)
	split := container.NewHSplit(s.list.object, s.right)
	split.SetOffset(0.3)
	s.Object = container.New(layout.NewCustomPaddedLayout(4, 8, 12, 12), split)

	// The sandbox starts in the background: generating its signing key takes a moment.
	s.task = s.sandbox.fill(desk, sh.ui(), sh.progress())
	s.list.reload(desk.ActiveProfile().ID)
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
		Focus: s.list.rows,
		Actions: []Action{{
			Label:    "Test connection",
			Shortcut: &desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: fyne.KeyModifierShortcutDefault},
			Run:      func() { s.TestActive() },
		}},
	}
}

// selectProfile is the user picking a row.
func (s *ConnectionsScreen) selectProfile(i int) {
	if s.list.pick(i) {
		s.showSelected()
	}
}

func (s *ConnectionsScreen) showSelected() {
	p, ok := s.list.current()
	if !ok {
		return
	}
	if p.IsSandbox() {
		s.showDetails(s.sandbox.object)
		return
	}
	s.form.fill(p)
	s.showDetails(s.form.object)
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
	p, ok := s.list.current()
	if !ok {
		return
	}
	if err := s.desk.SetActive(p.ID); err != nil {
		showProblem(s.list.notice, nil, err)
		return
	}
	s.stopTest()
	setShown(s.tester.result, "")
	setShown(s.tester.remedy, "")
	s.list.reload(p.ID)
	s.showActive()
	s.list.notice.Importance = widget.SuccessImportance
	setShown(s.list.notice, fmt.Sprintf("Now using “%s”.", p.Name))
	s.sh.connectionChanged()
}

// newProfile opens an empty form; test is the default tag so production is a choice.
func (s *ConnectionsScreen) newProfile() {
	s.list.unselect()
	s.form.fill(app.Profile{Region: pingone.RegionNA, Tag: app.TagTest})
	s.form.secretSource.SetText("Worker secret: not set")
	s.showDetails(s.form.object)
	if s.sh != nil && s.sh.Win != nil {
		s.sh.Win.Canvas().Focus(s.form.name)
	}
}

// settingsChanged tells the other screens when the active connection's settings changed.
func (s *ConnectionsScreen) settingsChanged(id string) {
	if id == s.desk.ActiveProfile().ID {
		s.sh.connectionChanged()
	}
}
