package views

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// runDemoShortcut is Ctrl+D (Cmd+D on macOS): run the stage demo.
var runDemoShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyD, Modifier: fyne.KeyModifierShortcutDefault}

// compareShortcut opens the side-by-side view of browser and in-app (Ctrl+Shift+D).
var compareShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyD, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}

// msgCompareNeedsBoth is what Compare says before both modes ran for the app.
const msgCompareNeedsBoth = "Sign in with the same application in both ways first: with the system browser (Ctrl+3, Ctrl+B) and in the app (Ctrl+3, Ctrl+I, or Run the demo). Then both diagrams are shown side by side."

// FlowScreen is the stage: the live diagram of the current attempt (any sign-in, refresh,
// userinfo or sign-out, from whichever screen started it), step-through, the one-click
// stage demo on the sandbox, the "what just happened" recap, and the side-by-side view of
// the two sign-in modes once both have run for the same application.
type FlowScreen struct {
	desk *app.Desk
	sh   *Shell

	panel    *flowPanel
	run      *widget.Button
	problem  *explainedError
	verified *widget.Label
	recap    *fyne.Container
	recapBox *fyne.Container
	compare  *widget.Button
	content  fyne.CanvasObject

	task   *Task
	unsub  func()
	flowID uint64

	// OnDemoSignedIn (optional) receives the demo's session on the UI goroutine, so the
	// window can put its tokens on the Tokens screen without leaving this one.
	OnDemoSignedIn func(*app.Session)
	// OnHeld (optional) is called on the UI goroutine when step-through holds a request.
	OnHeld func()
}

// NewFlowScreen builds the Flow screen on desk.
func NewFlowScreen(desk *app.Desk, sh *Shell) *FlowScreen {
	s := &FlowScreen{desk: desk, sh: sh, problem: newExplainedError()}
	s.run = widget.NewButtonWithIcon("Run the demo", theme.MediaPlayIcon(), s.RunDemo)
	s.run.Importance = widget.HighImportance
	s.verified = wrappedLabel()
	s.verified.Hide()
	s.recap = container.NewVBox()
	title := sectionTitle("What just happened")
	s.recapBox = container.NewVBox(title, s.recap)
	s.recapBox.Hide()
	s.compare = widget.NewButtonWithIcon("Compare browser and in-app", theme.ViewRestoreIcon(), s.ShowCompare)
	s.compare.Hide()
	hint := widget.NewLabel("Ctrl+D on the sandbox: creates the seed's app if needed, signs the demo user in and verifies the tokens.")
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	bar := container.NewBorder(nil, nil, s.run, s.compare, hint)
	s.verified.TextStyle.Bold = true
	s.panel = newFlowPanel(desk, sh, s.problem.object, s.verified, s.recapBox)
	s.content = container.NewBorder(container.NewVBox(bar, widget.NewSeparator()), nil, nil, nil, s.panel.object)
	s.unsub = desk.OnFlowChange(func(f app.Flow) { sh.ui().Do(func() { s.panel.show(f); s.flowChanged(f) }) })
	return s
}

// Screen is the navigation entry.
func (s *FlowScreen) Screen() Screen {
	return Screen{
		Title: "Flow", Icon: theme.MediaPlayIcon(), Content: s.content, Focus: s.run, OnKey: s.panel.typedKey,
		Actions: []Action{
			{Label: "Run the demo", Shortcut: runDemoShortcut, Run: s.RunDemo},
			{Label: "Pause before each request", Shortcut: stepThroughShortcut, Run: s.panel.togglePause},
			{Label: "Compare browser and in-app", Shortcut: compareShortcut, Run: s.ShowCompare},
		},
	}
}

// Close stops following the desk.
func (s *FlowScreen) Close() {
	if s.unsub != nil {
		s.unsub()
		s.unsub = nil
	}
	if s.task != nil {
		s.task.Cancel()
	}
	s.panel.stopTicker()
}

// focusNext gives Next the keyboard focus, so Space sends the held request.
func (s *FlowScreen) focusNext() {
	if c := s.sh.Win; c != nil {
		c.Canvas().Focus(s.panel.next)
	}
}

// flowChanged runs on the UI goroutine for every change of the current flow: a new flow
// clears the last one's messages, recap and summary; a finished sign-in gets its recap.
func (s *FlowScreen) flowChanged(f app.Flow) {
	if f.ID != s.flowID {
		s.flowID = f.ID
		s.problem.clear()
		s.verified.Hide()
		s.recapBox.Hide()
	}
	if _, held := f.Held(); held && s.OnHeld != nil {
		s.OnHeld()
	}
	if lines := f.Recap(); len(lines) > 0 {
		s.recap.Objects = nil
		for i, line := range lines {
			l := widget.NewLabel(strconv.Itoa(i+1) + ". " + line)
			l.Wrapping = fyne.TextWrapWord
			s.recap.Add(l)
		}
		if !s.recapBox.Visible() {
			s.recapBox.Show()
			// The recap ends the story: bring it up under the last arrows.
			s.panel.diagram.scroll.ScrollToBottom()
		}
		s.verified.SetText("Signed in and verified: the ID token passed every OpenID Connect check. The tokens are on the Tokens screen (Ctrl+4).")
		s.verified.Importance = widget.MediumImportance
		s.verified.Show()
	}
	if f.Ended && f.Err != "" {
		s.verified.SetText("Not signed in: " + strings.TrimSuffix(f.Err, ".") + ".")
		s.verified.Importance = widget.DangerImportance
		s.verified.Show()
	}
	_, _, both := s.desk.LastSignIns(f.ClientID)
	if both {
		s.compare.Show()
	} else {
		s.compare.Hide()
	}
}

// RunDemo runs the one-click stage demo.
func (s *FlowScreen) RunDemo() {
	if s.task != nil {
		return
	}
	s.problem.clear()
	s.run.Disable()
	desk := s.desk
	s.task = Run(context.Background(), s.sh.ui(), s.sh.progress(),
		func(ctx context.Context) (*app.StageDemo, error) { return desk.RunStageDemo(ctx, nil) },
		func(d *app.StageDemo, err error) {
			s.task = nil
			s.run.Enable()
			if err != nil {
				s.problem.show("The demo stopped.", err, "")
				return
			}
			if s.OnDemoSignedIn != nil {
				s.OnDemoSignedIn(d.Session)
			}
		})
}

// ShowCompare opens the side-by-side view of the application's two last sign-ins.
func (s *FlowScreen) ShowCompare() {
	f, ok := s.desk.CurrentFlow()
	var b, a app.Flow
	both := false
	if ok {
		b, a, both = s.desk.LastSignIns(f.ClientID)
	}
	if !both {
		if s.sh.Win != nil {
			dialog.ShowInformation("Compare browser and in-app", msgCompareNeedsBoth, s.sh.Win)
		}
		return
	}
	showFlowCompare(s.sh.Win, b, a)
}
