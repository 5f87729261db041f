package views

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// diagramRows renders f in a fresh diagram and returns its rows' texts and arrow ends.
type drawnRow struct {
	label, state, reason string
	fromX, toX           float32 // as a share of the row's width
	box                  bool
	colour               string
}

func drawFlow(t *testing.T, f app.Flow) []drawnRow {
	t.Helper()
	test.NewTempApp(t)
	d := newFlowDiagram(nil)
	w := test.NewTempWindow(t, d.object)
	w.Resize(fyne.NewSize(1000, 2400))
	d.set(f)
	var out []drawnRow
	for _, o := range d.rows.Objects {
		r := o.(*flowRow)
		rr := test.WidgetRenderer(r).(*flowRowRenderer)
		rr.Layout(r.Size())
		dr := drawnRow{label: rr.label.Text, state: rr.state.Text, box: rr.box.Visible()}
		if rr.reason.Visible() {
			dr.reason = rr.reason.Text
		}
		dr.fromX, dr.toX = rr.shaft.Position1.X/r.Size().Width, rr.shaft.Position2.X/r.Size().Width
		switch rr.shaft.StrokeColor {
		case theme.Color(theme.ColorNameError):
			dr.colour = "red"
		case theme.Color(theme.ColorNameWarning):
			dr.colour = "held"
		case theme.Color(theme.ColorNameSuccess):
			dr.colour = "green"
		case theme.Color(theme.ColorNamePrimary):
			dr.colour = "running"
		}
		out = append(out, dr)
	}
	return out
}

var browserLanes = []app.Lane{{ID: app.LaneDesk, Label: "PKCE Desk"}, {ID: app.LaneBrowser, Label: "Browser"}, {ID: app.LaneLoopback, Label: "Loopback :3000"}, {ID: app.LanePingOne, Label: "PingOne auth.pingone.com"}}
var inAppLanes = []app.Lane{{ID: app.LaneDesk, Label: "PKCE Desk"}, {ID: app.LanePingOne, Label: "PingOne auth.pingone.com"}}

func ok(name, label string, from, to app.FlowLane, status int) app.FlowStep {
	return app.FlowStep{Name: name, Label: label, From: from, To: to, State: app.FlowOK, Status: status, Duration: 42 * time.Millisecond, Spec: "RFC", PingOne: "PingOne"}
}

func TestFlowDiagram_BrowserArrowsGoBetweenTheirLanes(t *testing.T) {
	f := app.Flow{ID: 1, Kind: "sign-in", Lanes: browserLanes, Steps: []app.FlowStep{
		ok("open-browser", "open the authorize URL", app.LaneDesk, app.LaneBrowser, 0),
		ok("authorize", "GET /as/authorize", app.LaneBrowser, app.LanePingOne, 0),
		ok("callback", "redirect to the loopback  code + state", app.LaneBrowser, app.LaneLoopback, 200),
		ok("token", "POST /as/token", app.LaneDesk, app.LanePingOne, 200),
		ok("verify", "check the ID token", app.LaneDesk, app.LaneDesk, 0),
	}}
	rows := drawFlow(t, f)
	if len(rows) != 5 {
		t.Fatalf("%d rows for 5 steps", len(rows))
	}
	// Four lanes share the width: centres at 1/8, 3/8, 5/8, 7/8.
	want := [][2]float32{{0.125, 0.375}, {0.375, 0.875}, {0.375, 0.625}, {0.125, 0.875}}
	for i, w := range want {
		if rows[i].fromX != w[0] || rows[i].toX != w[1] || rows[i].colour != "green" {
			t.Errorf("row %d (%s) drawn %v→%v %s, want %v→%v green", i, rows[i].label, rows[i].fromX, rows[i].toX, rows[i].colour, w[0], w[1])
		}
	}
	if !rows[4].box {
		t.Error("a step inside one lane is not drawn as a box")
	}
	if rows[3].state != "200 · 42ms" && !strings.HasPrefix(rows[3].state, "200 · ") {
		t.Errorf("token status = %q, want 200 and its duration", rows[3].state)
	}
}

func TestFlowDiagram_RedirectlessFailureAndHeld(t *testing.T) {
	failed := ok("token", "POST /as/token", app.LaneDesk, app.LanePingOne, 400)
	failed.State, failed.Reason = app.FlowFailed, "The authorization code has expired or was already used."
	f := app.Flow{ID: 2, Kind: "sign-in", Mode: app.SignInInApp, Lanes: inAppLanes, Steps: []app.FlowStep{
		ok("authorize", "POST /as/authorize", app.LaneDesk, app.LanePingOne, 200),
		ok("flow", "POST /flows/…  username + password", app.LaneDesk, app.LanePingOne, 200),
		ok("resume", "GET /as/resume", app.LaneDesk, app.LanePingOne, 200),
		failed,
	}}
	rows := drawFlow(t, f)
	if rows[3].colour != "red" || !strings.Contains(rows[3].reason, "expired") || !strings.Contains(rows[3].state, "failed") {
		t.Fatalf("failed token row = %+v, want red with its reason", rows[3])
	}
	if rows[0].fromX != 0.25 || rows[0].toX != 0.75 {
		t.Errorf("in-app arrow %v→%v, want 1/4→3/4 (two lanes)", rows[0].fromX, rows[0].toX)
	}
	held := ok("token", "POST /as/token", app.LaneDesk, app.LanePingOne, 0)
	held.State = app.FlowHeld
	f.Steps[3] = held
	rows = drawFlow(t, f)
	if rows[3].colour != "held" || !strings.Contains(rows[3].state, "Next") {
		t.Fatalf("held row = %+v, want the held colour and 'press Next'", rows[3])
	}
}

func TestFlowDiagram_RefreshFlowAndRowsUpdateInPlace(t *testing.T) {
	test.NewTempApp(t)
	d := newFlowDiagram(nil)
	w := test.NewTempWindow(t, d.object)
	w.Resize(fyne.NewSize(800, 600))
	running := ok("refresh", "POST /as/token  grant_type=refresh_token, client_id", app.LaneDesk, app.LanePingOne, 0)
	running.State = app.FlowRunning
	d.set(app.Flow{ID: 3, Kind: "refresh", Lanes: inAppLanes, Steps: []app.FlowStep{running}})
	first := d.rows.Objects[0]
	done := running
	done.State, done.Status = app.FlowOK, 200
	d.set(app.Flow{ID: 3, Kind: "refresh", Lanes: inAppLanes, Steps: []app.FlowStep{done, ok("verify", "check the new ID token", app.LaneDesk, app.LaneDesk, 0)}})
	if len(d.rows.Objects) != 2 || d.rows.Objects[0] != first {
		t.Fatalf("rows = %d (first reused: %v), want 2 with the first row kept", len(d.rows.Objects), d.rows.Objects[0] == first)
	}
	if s := d.rows.Objects[0].(*flowRow).step; s.State != app.FlowOK || !strings.Contains(s.Label, "refresh_token") {
		t.Fatalf("refresh row = %+v", s)
	}
	var texts []string
	walkVisible(d.object, func(o fyne.CanvasObject) bool {
		if tx, ok := o.(*canvas.Text); ok {
			texts = append(texts, tx.Text)
		}
		return true
	})
	if all := strings.Join(texts, "|"); !strings.Contains(all, "PingOne auth.pingone.com") && !strings.Contains(all, "refresh_token") {
		t.Errorf("diagram text = %s", all)
	}
}

func TestCodeAgeText(t *testing.T) {
	at := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	f := app.Flow{CodeAt: at, CodeLifetime: 60 * time.Second}
	if s := codeAgeText(f, at.Add(12*time.Second)); !strings.Contains(s, "12 s of the sandbox's 60 s") || !strings.Contains(s, "invalid_grant") {
		t.Errorf("12 s: %q", s)
	}
	if s := codeAgeText(f, at.Add(75*time.Second)); !strings.Contains(s, "has expired") {
		t.Errorf("75 s: %q", s)
	}
	f.CodeLifetime = 0
	if s := codeAgeText(f, at.Add(5*time.Second)); !strings.Contains(s, "short-lived") || strings.Contains(s, "60") {
		t.Errorf("tenant: %q", s)
	}
}

// The Flow screen on the real desk: with step-through on, the stage demo stops before each
// request, the sandbox sees no token request until Next, and the demo ends with verified
// tokens and a recap.
func TestFlowScreen_StageDemoStepsThroughToVerifiedTokens(t *testing.T) {
	e := newDeskEnv(t)
	fs := e.Win.Flow
	fs.panel.pause.SetChecked(true)
	if !e.Desk.StepThrough() {
		t.Fatal("the switch did not turn step-through on")
	}
	heldCh := make(chan app.FlowStep, 128)
	defer e.Desk.OnFlowChange(func(f app.Flow) {
		if s, ok := f.Held(); ok {
			heldCh <- s
		}
	})()
	fs.RunDemo()
	sawToken := false
	for !sawToken {
		st := waitFor(t, e.Win.UI, heldCh, "a held request")
		e.Win.UI.Drain()
		if fs.panel.next.Disabled() {
			t.Fatal("Next is disabled while a request is held")
		}
		if !strings.Contains(fs.panel.heldText(), st.Label) {
			t.Fatalf("held line %q does not name %q", fs.panel.heldText(), st.Label)
		}
		if st.Name == "token" {
			sawToken = true
			if n := e.Sandbox.Requests("", "/as/token"); n != 1 { // the worker token's, for the create
				t.Fatalf("the sandbox saw %d token requests while the code exchange was held", n)
			}
			if !fs.panel.codeAge.Visible() || !strings.Contains(fs.panel.codeAge.Text, "of the sandbox's 60 s") {
				t.Fatalf("code age while held on the token request: %q", fs.panel.codeAge.Text)
			}
		}
		test.Tap(fs.panel.next)
	}
	fs.panel.pause.SetChecked(false) // the rest runs through
	waitTask(t, fs.task, "the stage demo")
	f, _ := e.Desk.CurrentFlow()
	if !f.Succeeded() {
		t.Fatalf("demo flow: %q", f.Err)
	}
	if !fs.recapBox.Visible() || len(fs.recap.Objects) != 5 || !strings.Contains(fs.verified.Text, "verified") {
		t.Fatalf("after the demo: recap shown %v (%d lines), summary %q", fs.recapBox.Visible(), len(fs.recap.Objects), fs.verified.Text)
	}
	if len(fs.panel.diagram.rows.Objects) != len(f.Steps) {
		t.Fatalf("%d rows for %d steps", len(fs.panel.diagram.rows.Objects), len(f.Steps))
	}
	if e.Desk.CurrentSession() == nil {
		t.Fatal("no session after the demo")
	}
}

// After a browser and an in-app sign-in of the same app, Compare (Ctrl+Shift+D) opens both
// diagrams side by side with what differs; Escape closes it. Before that it says what to do.
func TestFlowScreen_CompareBothModes(t *testing.T) {
	e, s, _ := newSignInEnv(t)
	fs := e.Win.Flow
	overlays := e.Win.Win.Canvas().Overlays()
	fs.ShowCompare()
	top, ok := overlays.Top().(*widget.PopUp)
	if !ok || !containsText(top, msgCompareNeedsBoth) {
		t.Fatal("Compare with nothing to compare does not say what to do")
	}
	top.Hide()
	overlays.Remove(top)

	waitSignedIn(t, e, s.Start(app.SignInInApp), "in-app sign-in")
	task := s.Start(app.SignInBrowser)
	authURL := waitFor(t, e.Win.UI, e.Opened, "the browser to be opened")
	demo, _ := e.Desk.SandboxDemoUser()
	browser := playBrowser(authURL, demo.Username, demo.Password)
	waitSignedIn(t, e, task, "browser sign-in")
	if err := waitFor(t, e.Win.UI, browser, "the fake browser"); err != nil {
		t.Fatal(err)
	}
	e.Win.UI.Drain()
	if !fs.compare.Visible() {
		t.Fatal("the Compare button is hidden after both modes ran")
	}
	fs.ShowCompare()
	top, ok = overlays.Top().(*widget.PopUp)
	if !ok {
		t.Fatal("Compare opened nothing")
	}
	for _, want := range []string{"In the browser", "In-app (pi.flow)", "Loopback", "Who sees the password"} {
		if !containsText(top, want) {
			t.Errorf("the side-by-side view does not show %q", want)
		}
	}
	e.Win.Win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if overlays.Top() != nil && overlays.Top().Visible() {
		t.Fatal("Escape did not close the side-by-side view")
	}
}

// containsText reports whether a label, rich text or canvas text under o contains want.
func containsText(o fyne.CanvasObject, want string) bool {
	found := false
	walkVisible(o, func(obj fyne.CanvasObject) bool {
		switch w := obj.(type) {
		case *widget.Label:
			found = found || strings.Contains(w.Text, want)
		case *widget.RichText:
			found = found || strings.Contains(w.String(), want)
		case *canvas.Text:
			found = found || strings.Contains(w.Text, want)
		}
		return !found
	})
	return found
}

// With nothing focused, Space or → typed on the Flow screen sends the held request, and
// only then; the View menu's Presenter view item follows the state.
func TestFlowScreen_SpaceWithNothingFocusedSendsHeldRequest(t *testing.T) {
	e := newDeskEnv(t)
	fs := e.Win.Flow
	fs.panel.pause.SetChecked(true)
	heldCh := make(chan app.FlowStep, 128)
	defer e.Desk.OnFlowChange(func(f app.Flow) {
		if s, ok := f.Held(); ok {
			heldCh <- s
		}
	})()
	e.Win.Show(ScreenFlow)
	typed := e.Win.Win.Canvas().OnTypedKey()
	typed(&fyne.KeyEvent{Name: fyne.KeySpace}) // nothing held: nothing happens
	fs.RunDemo()
	first := waitFor(t, e.Win.UI, heldCh, "a held request")
	e.Win.UI.Drain()
	e.Win.Win.Canvas().Unfocus()
	typed(&fyne.KeyEvent{Name: fyne.KeySpace})
	second := waitFor(t, e.Win.UI, heldCh, "the next held request")
	if second.At == first.At && second.Label == first.Label {
		t.Fatal("Space did not send the held request")
	}
	e.Win.UI.Drain()
	e.Win.Win.Canvas().Unfocus()
	typed(&fyne.KeyEvent{Name: fyne.KeyRight})
	waitFor(t, e.Win.UI, heldCh, "the request after →")
	fs.panel.pause.SetChecked(false)
	e.Desk.Next()
	waitTask(t, fs.task, "the stage demo")

	if e.Win.presenterMenu.Checked {
		t.Fatal("the Presenter view item is checked while it is off")
	}
	e.Win.TogglePresenterView()
	if !e.Win.presenterMenu.Checked || !e.Win.PresenterView() {
		t.Fatal("the Presenter view item does not follow the state")
	}
	e.Win.TogglePresenterView()
}
