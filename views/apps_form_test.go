package views

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// sizeForScreen sizes the window as it opens on a supported smallest screen.
func sizeForScreen(e *deskEnv, logical fyne.Size) {
	size := windowSizeFor(logical)
	e.Win.Win.Resize(fyne.NewSize(size.Width, size.Height-menuBarAllowance()))
}

// absRect is obj's rectangle in window coordinates.
func absRect(obj fyne.CanvasObject) (fyne.Position, fyne.Position) {
	p := fyne.CurrentApp().Driver().AbsolutePositionForObject(obj)
	return p, p.Add(obj.Size())
}

// within reports whether obj lies wholly inside outer on screen.
func within(obj, outer fyne.CanvasObject) bool {
	a, b := absRect(obj)
	oa, ob := absRect(outer)
	return a.X >= oa.X && a.Y >= oa.Y && b.X <= ob.X && b.Y <= ob.Y && obj.Size().Height > 0
}

func actionNamed(t *testing.T, s *ApplicationsScreen, label string) Action {
	t.Helper()
	for _, a := range s.Screen().Actions {
		if a.Label == label {
			return a
		}
	}
	t.Fatalf("no %q action", label)
	return Action{}
}

// Create application and Reset stay in view however far the form is scrolled, on the
// smallest supported screens, with the timeline collapsed or open.
func TestApplicationsCreateButtonAlwaysInView(t *testing.T) {
	e := newDeskEnv(t)
	s := openApplications(t, e)
	s.tabs.SelectIndex(0)
	f := s.form
	screen := e.Win.Nav.Items[ScreenApplications].Content
	for _, sc := range supportedScreens {
		sizeForScreen(e, sc.logical)
		for _, collapsed := range []bool{true, false} {
			e.Win.SetTimelineCollapsed(collapsed)
			where := fmt.Sprintf("%s, timeline collapsed %v", sc.name, collapsed)
			if f.scroll.Content.MinSize().Height <= f.scroll.Size().Height {
				t.Fatalf("%s: the whole form fits (%v in %v): scrolling proves nothing", where, f.scroll.Content.MinSize(), f.scroll.Size())
			}
			f.scroll.ScrollToBottom()
			bottom := f.scroll.Offset.Y
			if bottom <= 0 {
				t.Fatalf("%s: the form did not scroll", where)
			}
			for _, at := range []string{"bottom", "top"} {
				if at == "top" {
					f.scroll.ScrollToTop()
				}
				for _, b := range []*widget.Button{f.createButton, f.resetButton} {
					if !within(b, screen) || !within(b, e.Win.Win.Content()) {
						p, q := absRect(b)
						t.Errorf("%s, form at the %s: %q spans %v–%v, outside the screen", where, at, b.Text, p, q)
					}
				}
				if within(f.createButton, f.scroll) {
					t.Errorf("%s: the Create button scrolls with the form", where)
				}
			}
		}
	}
	e.Win.SetTimelineCollapsed(true)
}

// A validation error on a field below the fold scrolls the form to that field and
// focuses it, here through Ctrl+N's action pressed on another tab.
func TestApplicationsErrorScrollsToItsField(t *testing.T) {
	e := newDeskEnv(t)
	s := openApplications(t, e)
	sizeForScreen(e, supportedScreens[0].logical)
	f := s.form
	cell := formCell(t, f, appFieldPostLogout)
	s.tabs.SelectIndex(1)

	f.postLogout.SetText("not a uri")
	s.tabs.SelectIndex(0)
	f.scroll.ScrollToTop()
	if within(cell, f.scroll) {
		t.Fatal("the post-logout field is in view at the top: the test proves nothing")
	}
	s.tabs.SelectIndex(1)
	actionNamed(t, s, "Create application").Run()
	waitTask(t, s.task, "create with a bad post-logout URI")
	if s.Created() != nil {
		t.Fatal("created with a bad post-logout URI")
	}
	if fieldError(s, appFieldPostLogout) == "" {
		t.Fatalf("no error on the post-logout field; the form says %q", f.problem.text.Text)
	}
	if f.scroll.Offset.Y <= 0 || !within(cell, f.scroll) {
		t.Errorf("offset %v: the field with the error is not in view", f.scroll.Offset)
	}
	if !within(f.fieldErrors[appFieldPostLogout], f.scroll) {
		t.Error("the field's message is not in view")
	}
	if got := e.Win.Win.Canvas().Focused(); got != f.postLogout {
		t.Errorf("focus on %T, want the post-logout entry", got)
	}
}

// A field that is a group of checks gets its first check focused.
func TestApplicationsErrorFocusesACheckGroup(t *testing.T) {
	e := newDeskEnv(t)
	s := openApplications(t, e)
	sizeForScreen(e, supportedScreens[0].logical)
	f := s.form
	f.responseTypes.SetSelected(nil) // AUTHORIZATION_CODE without CODE
	waitTask(t, s.Create(), "create without the CODE response type")
	if fieldError(s, appFieldResponseTypes) == "" {
		t.Fatalf("no error on the response types; the form says %q", f.problem.text.Text)
	}
	ch, ok := e.Win.Win.Canvas().Focused().(*widget.Check)
	if !ok || ch.Text != responseTypeOptions[0] {
		t.Fatalf("focus on %T, want the %s check", e.Win.Win.Canvas().Focused(), responseTypeOptions[0])
	}
	if !within(ch, f.scroll) {
		t.Errorf("offset %v: the focused check is not in view", f.scroll.Offset)
	}
}

func formCell(t *testing.T, f *appsCreateForm, name string) fyne.CanvasObject {
	t.Helper()
	for _, fld := range f.fields {
		if fld.name == name {
			return fld.cell
		}
	}
	t.Fatalf("no %s field", name)
	return nil
}

// A connection change while a create runs cancels it: Create works at once on the new
// connection, and the old create's result never lands.
func TestApplicationsConnectionChangeCancelsCreate(t *testing.T) {
	e := newDeskEnv(t)
	s := openApplications(t, e)
	reached, release := make(chan struct{}), make(chan struct{})
	held := false
	unsubscribe := e.Desk.Transcript().Subscribe(func(ex pingone.Exchange) {
		if !held && ex.Method == "POST" && strings.HasSuffix(ex.URL, "/applications") {
			held = true
			close(reached)
			<-release
		}
	})
	defer unsubscribe()
	old := s.Create()
	waitFor(t, e.Win.UI, reached, "the create request")
	if !s.form.createButton.Disabled() {
		t.Fatal("Create is enabled while the create runs")
	}

	s.ConnectionChanged()
	if s.creating || s.form.createButton.Disabled() {
		t.Error("after the connection change the screen still counts the old create as running")
	}
	close(release)
	waitTask(t, old, "the cancelled create")
	waitTask(t, s.listTask, "the new connection's list")
	if s.Created() != nil || s.result.box.Visible() {
		t.Errorf("the cancelled create's result landed: %+v", s.Created())
	}
	if s.form.problem.object.Visible() {
		t.Errorf("the cancelled create showed %q", s.form.problem.text.Text)
	}

	s.form.name.SetText("After-The-Switch")
	next := s.Create()
	if next == old {
		t.Fatal("Create returned the cancelled task instead of starting a new one")
	}
	waitTask(t, next, "the create on the new connection")
	if c := s.Created(); c == nil || c.Name != "After-The-Switch" {
		t.Fatalf("created %+v; the form says %q", c, s.form.problem.text.Text)
	}
}
