package views

import (
	"context"
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone/lab"
)

// labRunAllShortcut is Ctrl+Shift+L (Cmd+Shift+L on macOS): run every case.
var labRunAllShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}

// LabScreen is the break-it lab: attacks on the sign-in sent for real to the active
// connection, each with what must happen beside what did. The work is app.Desk.RunLab;
// the screen picks the app and the cases, shows progress per case and the results.
type LabScreen struct {
	desk *app.Desk
	sh   *Shell

	apps    *labApps
	cases   *labCases
	results *labResults
	detail  *labDetail
	runAll  *widget.Button
	runSome *widget.Button
	cancel  *widget.Button
	status  *widget.Label
	problem *explainedError
	content fyne.CanvasObject

	task   *Task
	stop   context.CancelFunc // cancels the running lab; its report still comes back
	report *lab.Report        // the last run's
	gen    int                // counts runs and connection changes; late news of an old run is dropped

	// confirm asks before a run on a test connection; a seam for tests.
	confirm func(title, message string, ok func())
}

// NewLabScreen builds the Lab screen on desk.
func NewLabScreen(desk *app.Desk, sh *Shell) *LabScreen {
	s := &LabScreen{desk: desk, sh: sh, problem: newExplainedError()}
	s.confirm = s.confirmDialog
	s.apps = newLabApps(desk, sh)
	s.cases = newLabCases()
	s.detail = newLabDetail(func(text string) { copyPlain(sh.clipboard(), text) })
	s.results = newLabResults(s.detail.show)
	s.runAll = widget.NewButtonWithIcon("Run all", theme.MediaPlayIcon(), s.RunAll)
	s.runAll.Importance = widget.HighImportance
	s.runSome = widget.NewButtonWithIcon("Run picked cases", theme.MediaPlayIcon(), s.RunPicked)
	s.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), s.Cancel)
	s.cancel.Disable()
	s.status = wrappedLabel()
	setShown(s.status, "Each case sends real requests to the active connection and compares what comes back with what the standards require. On the sandbox a full run takes a few seconds.")

	bar := container.NewHBox(s.runAll, s.runSome, s.cancel)
	top := container.NewVBox(s.apps.object, s.cases.object, bar, s.status, s.problem.object, widget.NewSeparator())
	split := container.NewHSplit(s.results.object, s.detail.object)
	split.Offset = 0.45
	// The controls above, the results below; the divider moves and the controls scroll, so
	// both fit 1024x700 and presenter view's larger type.
	rows := container.NewVSplit(container.NewVScroll(top), split)
	rows.Offset = 0.36
	s.content = rows
	return s
}

// Screen is the navigation entry.
func (s *LabScreen) Screen() Screen {
	return Screen{
		Title: "Lab", Icon: theme.WarningIcon(), Content: s.content, Focus: s.runAll,
		OnShow: s.apps.loadOnce,
		Actions: []Action{
			{Label: "Run all lab cases", Shortcut: labRunAllShortcut, Run: s.RunAll},
			{Label: "Cancel the lab run", Run: s.Cancel},
		},
	}
}

// RunAll ticks every case and runs them.
func (s *LabScreen) RunAll() {
	s.cases.pickAll()
	s.start(nil)
}

// RunPicked runs the ticked cases.
func (s *LabScreen) RunPicked() {
	picked := s.cases.picked()
	if len(picked) == 0 {
		setShown(s.status, "Tick at least one case first.")
		return
	}
	if len(picked) == len(lab.Cases()) {
		picked = nil
	}
	s.start(picked)
}

// running reports whether a run is on.
func (s *LabScreen) running() bool {
	if s.task == nil {
		return false
	}
	select {
	case <-s.task.Done():
		return false
	default:
		return true
	}
}

// start asks first on a test connection, naming what the run creates and deletes; the
// sandbox runs at once, and a production connection is refused by the desk.
func (s *LabScreen) start(cases []int) {
	if s.running() {
		return
	}
	req := app.LabRequest{ClientID: s.apps.clientID(), Cases: cases}
	p := s.desk.ActiveProfile()
	if p.Tag == app.TagTest {
		s.confirm("Run the lab on "+p.Name+"?", s.desk.LabPlan(req), func() { s.run(req) })
		return
	}
	s.run(req)
}

func (s *LabScreen) confirmDialog(title, message string, ok func()) {
	if s.sh == nil || s.sh.Win == nil {
		return // nowhere to ask, so nothing runs
	}
	d := dialog.NewConfirm(title, message, func(yes bool) {
		if yes {
			ok()
		}
	}, s.sh.Win)
	d.SetConfirmText("Run the lab")
	d.Show()
}

// run starts the lab off the UI goroutine; progress events come back through the
// window's UI. Cancel stops the lab's context but not the task, so the report of a
// cancelled run (with its clean-up) is still shown.
func (s *LabScreen) run(req app.LabRequest) {
	s.problem.clear()
	s.results.reset(req.Cases)
	s.detail.empty.Show()
	s.detail.body.Hide()
	s.setRunning(true)
	n := len(req.Cases)
	if n == 0 {
		n = len(lab.Cases())
	}
	setShown(s.status, fmt.Sprintf("Running %d %s…", n, pluralWord(n, "case", "cases")))
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	s.gen++
	gen := s.gen
	ui := s.sh.ui()
	s.task = Run(ctx, ui, s.sh.progress(),
		func(ctx context.Context) (lab.Report, error) {
			return s.desk.RunLab(ctx, req, func(e lab.Event) {
				ui.Do(func() {
					if s.gen == gen {
						s.progress(e)
					}
				})
			})
		},
		func(rep lab.Report, err error) {
			stop()
			s.setRunning(false)
			if s.gen != gen { // the connection changed meanwhile
				return
			}
			if err != nil {
				s.problem.show("The lab did not run.", err, "")
				setShown(s.status, "")
				return
			}
			s.report = &rep
			s.results.show(rep)
			setShown(s.status, labSummary(rep))
		})
}

// progress shows one event of the running lab.
func (s *LabScreen) progress(e lab.Event) {
	switch e.Kind {
	case lab.EventCaseStarted:
		s.results.started(e.Case)
		setShown(s.status, "Case "+strconv.Itoa(e.Case)+": "+e.Name+"…")
	case lab.EventWaiting:
		text := fmt.Sprintf("waiting, %s left", e.Remaining)
		s.results.waiting(e.Case, text)
		setShown(s.status, "Case "+strconv.Itoa(e.Case)+": "+e.Message+" ("+text+")")
	case lab.EventCaseFinished:
		s.results.finished(e.Case, e.Verdict)
	case lab.EventCleanup:
		setShown(s.status, "Cleaning up: "+e.Message)
	}
}

// Cancel stops the running lab; what it created is still deleted and reported.
func (s *LabScreen) Cancel() {
	if s.stop != nil && s.running() {
		s.stop()
		setShown(s.status, "Cancelling… the lab deletes what it created before it stops.")
	}
}

func (s *LabScreen) setRunning(on bool) {
	s.cases.setEnabled(!on)
	s.apps.setEnabled(!on)
	if on {
		s.runAll.Disable()
		s.runSome.Disable()
		s.cancel.Enable()
	} else {
		s.runAll.Enable()
		s.runSome.Enable()
		s.cancel.Disable()
	}
}

// ConnectionChanged forgets the previous connection's apps and results.
func (s *LabScreen) ConnectionChanged() {
	s.Cancel()
	s.gen++
	s.apps.forget()
	s.results.reset(nil)
	s.report = nil
	s.problem.clear()
	s.detail.empty.Show()
	s.detail.body.Hide()
}

// Close stops a running lab (its clean-up still runs).
func (s *LabScreen) Close() {
	if s.stop != nil {
		s.stop()
	}
}
