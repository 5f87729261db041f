package views

import (
	"context"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// connTester is Test connection, above the details: it names the active connection (the
// one every screen uses) and shows how its last test went.
type connTester struct {
	object fyne.CanvasObject

	active *widget.Label
	test   *widget.Button
	cancel *widget.Button
	result *widget.Label
	remedy *widget.Label
	task   *Task
}

// newConnTester builds the panel; onTest and onCancel are its buttons.
func newConnTester(onTest, onCancel func()) *connTester {
	t := &connTester{}
	t.active = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.active.Wrapping = fyne.TextWrapWord
	t.test = widget.NewButtonWithIcon("Test connection", theme.MediaPlayIcon(), onTest)
	t.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), onCancel)
	t.cancel.Hide()
	t.result = wrappedLabel()
	t.remedy = wrappedLabel()
	t.remedy.Importance = widget.LowImportance
	t.object = container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewHBox(t.test, t.cancel), t.active),
		t.result, t.remedy,
	)
	return t
}

// running says whether the last test has not delivered its result yet. The task field is
// only touched outside done callbacks.
func (t *connTester) running() bool { return t.task != nil && running(t.task) }

func (t *connTester) ended() {
	t.test.Enable()
	t.cancel.Hide()
}

// showActive names the connection that "Test connection" (and every other screen) uses.
func (s *ConnectionsScreen) showActive() {
	p := s.desk.ActiveProfile()
	s.tester.active.SetText(fmt.Sprintf("Active: %s · %s", p.Name, ConnectionFromProfile(p).Stage))
}

// TestActive tests the active connection in the background: a worker token, then the
// target environment's applications. It returns the running task (the one already
// running, if any).
func (s *ConnectionsScreen) TestActive() *Task {
	t := s.tester
	if t.running() {
		return t.task
	}
	t.test.Disable()
	t.cancel.Show()
	t.result.Importance = widget.MediumImportance
	setShown(t.result, fmt.Sprintf("Testing “%s”…", s.desk.ActiveProfile().Name))
	setShown(t.remedy, "")
	s.form.clearTestMarks()
	s.relayout()
	tested := s.desk.ActiveProfile().ID
	task := Run(context.Background(), s.sh.ui(), s.sh.progress(), s.desk.TestConnection, func(r *app.ConnectionReport, err error) {
		t.ended()
		if err != nil {
			showProblem(t.result, t.remedy, err)
			s.form.markTestFields(tested, err)
		} else {
			t.result.Importance = widget.SuccessImportance
			setShown(t.result, reportText(r))
		}
		s.relayout()
	})
	t.task, s.task = task, task
	return task
}

// stopTest cancels a running test; its late result is dropped by Run.
func (s *ConnectionsScreen) stopTest() {
	t := s.tester
	if !t.running() {
		return
	}
	t.task.Cancel()
	t.ended()
	t.result.Importance = widget.MediumImportance
	setShown(t.result, "Test cancelled.")
	setShown(t.remedy, "")
	s.relayout()
}

func reportText(r *app.ConnectionReport) string {
	apps := fmt.Sprintf("%d applications", r.Applications)
	if r.Applications == 1 {
		apps = "1 application"
	}
	return fmt.Sprintf("Worker token OK · %s in the environment · issuer %s · took %d ms",
		apps, r.Issuer, r.Duration.Milliseconds())
}
