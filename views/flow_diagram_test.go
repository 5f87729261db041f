package views

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
)

// browserSignInFlow is a finished browser sign-in with every step the issue names:
// open the browser, authorize, the loopback callback, token, JWKS and the ID token check.
func browserSignInFlow() app.Flow {
	token := ok("token", "POST /as/token  code, code_verifier, client_id", app.LaneDesk, app.LanePingOne, 200)
	token.Exchange = &pingone.Exchange{
		Step: "token", Method: http.MethodPost, URL: "https://auth.pingone.com/env/as/token",
		RequestHeader: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
		RequestBody:   "grant_type=authorization_code&code=REDACTED&code_verifier=REDACTED&client_id=app",
		Status:        200, ResponseBody: `{"token_type":"Bearer","access_token":"REDACTED"}`,
		Duration: 42 * time.Millisecond,
	}
	jwks := ok("jwks", "GET /as/jwks", app.LaneDesk, app.LanePingOne, 200)
	return app.Flow{ID: 7, Kind: "sign-in", Mode: app.SignInBrowser, Lanes: browserLanes, Steps: []app.FlowStep{
		ok("open-browser", "open the authorize URL", app.LaneDesk, app.LaneBrowser, 0),
		ok("authorize", "GET /as/authorize  code_challenge, state, nonce", app.LaneBrowser, app.LanePingOne, 0),
		ok("callback", "redirect to the loopback  code + state", app.LaneBrowser, app.LaneLoopback, 200),
		token,
		jwks,
		ok("verify", "check the ID token", app.LaneDesk, app.LaneDesk, 0),
	}}
}

// TestFlowDiagramFits1024_BrowserSignInSixRows draws the whole browser sign-in at the
// smallest supported window and checks every row: lanes, label, status and duration, and
// that nothing is drawn past the right edge (the lanes share the width; only Y scrolls).
func TestFlowDiagramFits1024_BrowserSignInSixRows(t *testing.T) {
	test.NewTempApp(t)
	d := newFlowDiagram(nil)
	w := test.NewTempWindow(t, d.object)
	w.Resize(fyne.NewSize(1024, 700))
	f := browserSignInFlow()
	d.set(f)

	if n := len(d.header.Objects); n != 4 {
		t.Fatalf("%d lane headers, want 4", n)
	}
	for i, o := range d.header.Objects {
		if got := o.(*widget.Label).Text; got != browserLanes[i].Label {
			t.Errorf("lane %d = %q, want %q", i, got, browserLanes[i].Label)
		}
	}
	if len(d.rows.Objects) != len(f.Steps) {
		t.Fatalf("%d rows for %d steps", len(d.rows.Objects), len(f.Steps))
	}
	width := d.scroll.Size().Width
	for i, o := range d.rows.Objects {
		r := o.(*flowRow)
		rr := test.WidgetRenderer(r).(*flowRowRenderer)
		rr.Layout(r.Size())
		st := f.Steps[i]
		if r.step.From != st.From || r.step.To != st.To {
			t.Errorf("row %d goes %s→%s, want %s→%s", i, r.step.From, r.step.To, st.From, st.To)
		}
		if rr.label.Text != st.Label {
			t.Errorf("row %d label = %q, want %q (unshortened at 1024 px)", i, rr.label.Text, st.Label)
		}
		if st.Status == 200 && rr.state.Text != "200 · 42 ms" {
			t.Errorf("row %d (%s) state = %q, want \"200 · 42 ms\"", i, st.Name, rr.state.Text)
		}
		if rr.reason.Visible() {
			t.Errorf("row %d shows a reason on success: %q", i, rr.reason.Text)
		}
		if !strings.HasPrefix(rr.spec.Text, "Spec: ") || !strings.HasPrefix(rr.ping.Text, "PingOne: ") {
			t.Errorf("row %d note = %q / %q", i, rr.spec.Text, rr.ping.Text)
		}
		if r.Size().Width > width+0.5 {
			t.Errorf("row %d is %v wide in a %v scroll", i, r.Size().Width, width)
		}
		for _, c := range []*canvas.Text{rr.label, rr.state, rr.spec, rr.ping} {
			if right := c.Position().X + c.MinSize().Width; right > r.Size().Width+0.5 {
				t.Errorf("row %d text %q ends at %v, past the row's %v", i, c.Text, right, r.Size().Width)
			}
		}
	}
	if rr := test.WidgetRenderer(d.rows.Objects[5].(*flowRow)).(*flowRowRenderer); !rr.box.Visible() || rr.shaft.Visible() {
		t.Error("verify (inside the desk's lane) is not drawn as a box")
	}
}

// TestFlowDiagramKeyboard_TabThenEnterOpensTheRedactedExchange walks to the token row
// with Tab and opens it with Enter, then Space and a click: each shows the step's redacted
// request and response (RFC 7636 §4.5: the verifier travels in the token request body).
func TestFlowDiagramKeyboard_TabThenEnterOpensTheRedactedExchange(t *testing.T) {
	test.NewTempApp(t)
	d := newFlowDiagram(nil)
	w := test.NewTempWindow(t, d.object)
	d.win = w
	w.Resize(fyne.NewSize(1024, 700))
	d.set(browserSignInFlow())

	for range 4 { // open-browser, authorize, callback, token
		w.Canvas().FocusNext()
	}
	token := d.rows.Objects[3].(*flowRow)
	if w.Canvas().Focused() != token || !token.focused {
		t.Fatalf("focused = %T after four Tabs, want the token row", w.Canvas().Focused())
	}
	dialogText := func() string {
		t.Helper()
		top := w.Canvas().Overlays().Top()
		if top == nil {
			t.Fatal("no dialog opened")
		}
		var texts []string
		walkVisible(top, func(o fyne.CanvasObject) bool {
			switch v := o.(type) {
			case *widget.Label:
				texts = append(texts, v.Text)
			case *canvas.Text:
				texts = append(texts, v.Text)
			}
			return true
		})
		w.Canvas().Overlays().Remove(top)
		return strings.Join(texts, "\n")
	}
	for name, open := range map[string]func(){
		"Enter": func() { w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) },
		"Space": func() { w.Canvas().Focused().TypedRune(' ') },
		"click": func() { test.Tap(token) },
	} {
		open()
		text := dialogText()
		for _, want := range []string{"POST https://auth.pingone.com/env/as/token", "code_verifier=REDACTED", "HTTP 200", "token_type", "Bearer"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: dialog lacks %q:\n%s", name, want, text)
			}
		}
	}

	// A step the browser makes has no exchange of the desk's, and says so.
	test.Tap(d.rows.Objects[1].(*flowRow))
	if text := dialogText(); !strings.Contains(text, "the browser makes this request") {
		t.Errorf("authorize dialog = %s", text)
	}
}

// TestFlowDiagramStates_HeldRunningFailedInOneFlow checks the four states side by side:
// held says Next, running is the primary colour, a failure shows its reason under the arrow.
func TestFlowDiagramStates_HeldRunningFailedInOneFlow(t *testing.T) {
	held := ok("token", "POST /as/token", app.LaneDesk, app.LanePingOne, 0)
	held.State = app.FlowHeld
	running := ok("userinfo", "GET /as/userinfo", app.LaneDesk, app.LanePingOne, 0)
	running.State = app.FlowRunning
	failed := ok("refresh", "POST /as/token  grant_type=refresh_token", app.LaneDesk, app.LanePingOne, 400)
	failed.State, failed.Reason = app.FlowFailed, "PingOne refused the refresh token (invalid_grant): sign in again."
	rows := drawFlow(t, app.Flow{ID: 9, Kind: "refresh", Lanes: inAppLanes, Steps: []app.FlowStep{
		ok("pkce", "make the code verifier and challenge", app.LaneDesk, app.LaneDesk, 0), held, running, failed,
	}})
	want := []struct{ colour, state, reason string }{
		{"green", "ok", ""},
		{"held", "Next", ""},
		{"running", "…", ""},
		{"red", "400 · failed", "invalid_grant"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i, w := range want {
		r := rows[i]
		if r.colour != w.colour || !strings.Contains(r.state, w.state) || (w.reason == "") != (r.reason == "") || !strings.Contains(r.reason, w.reason) {
			t.Errorf("row %d (%s) = colour %s, state %q, reason %q; want %s, %q, %q", i, r.label, r.colour, r.state, r.reason, w.colour, w.state, w.reason)
		}
	}
	if !rows[0].box {
		t.Error("pkce (inside the desk) is not a box")
	}
}
