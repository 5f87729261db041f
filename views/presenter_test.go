package views

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

func TestPresenter_Masks(t *testing.T) {
	if got := maskToken("eyJhbGciOiJSUzI1NiJ9.payload.sig"); got != "eyJhbG•••" {
		t.Errorf("maskToken = %q", got)
	}
	if got := maskSecret("Canary-Pw-9c3a1f!x"); got != "•••••••" {
		t.Errorf("maskSecret = %q", got)
	}
	if got := maskPersonal("someone@example.com"); got != "•••" {
		t.Errorf("maskPersonal = %q", got)
	}
	if maskToken("") != "" || maskSecret("") != "" || maskPersonal("") != "" {
		t.Error("an empty value is masked as something")
	}
	in := `{"email": "a@b.c", "name": "Ann Lee", "sub": "u-1"}`
	out := maskPersonalJSON(in)
	if strings.Contains(out, "a@b.c") || strings.Contains(out, "Ann Lee") || !strings.Contains(out, "u-1") {
		t.Errorf("maskPersonalJSON = %s", out)
	}
}

func TestPresenter_RemembersAndNotifies(t *testing.T) {
	a := test.NewTempApp(t)
	p := presenterFor(a)
	if p.On() {
		t.Fatal("presenter view is on by default")
	}
	var got []bool
	stop := p.Subscribe(func(on bool) { got = append(got, on) })
	p.Toggle()
	p.Set(true) // no change, no call
	stop()
	p.Set(false)
	if len(got) != 1 || !got[0] {
		t.Fatalf("subscriber saw %v, want [true]", got)
	}
	p.Set(true)
	if !a.Preferences().Bool(prefPresenterView) {
		t.Fatal("presenter view is not remembered")
	}
	if s := a.Settings().Theme().Size("text"); s < 13*presenterTextScale {
		t.Errorf("presenter view text size = %v", s)
	}
}

// screenTexts is every text drawn under o: labels, entries (a password-style entry draws
// dots, not its text), rich text, canvas texts, buttons, selects, hyperlinks.
func screenTexts(o fyne.CanvasObject) []string {
	var out []string
	walkVisible(o, func(obj fyne.CanvasObject) bool {
		switch w := obj.(type) {
		case *widget.Label:
			out = append(out, w.Text)
			return false
		case *canvas.Text:
			out = append(out, w.Text)
		case *widget.Entry: // its rich text holds the text even when it draws dots
			if !w.Password {
				out = append(out, w.Text)
			}
			return false
		case *pasteEntry:
			if !w.Password {
				out = append(out, w.Text)
			}
			return false
		case *widget.RichText:
			for _, seg := range w.Segments {
				if ts, ok := seg.(*widget.TextSegment); ok {
					out = append(out, ts.Text)
				}
			}
		case *widget.Button:
			out = append(out, w.Text)
		case *widget.Select:
			out = append(out, w.Selected)
		case *widget.Hyperlink:
			out = append(out, w.Text)
		}
		return true
	})
	return out
}

// everyScreenText shows every screen, every token of the Tokens screen and each of its
// tabs, and returns what is drawn, by where.
func everyScreenText(t *testing.T, e *deskEnv) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for where, labels := range screenLabels(t, e) {
		out[where] = labels
	}
	for i, scr := range e.Win.Screens {
		e.Win.Show(i)
		if i == ScreenSignIn && e.Win.SignIn.appsTask != nil {
			waitTask(t, e.Win.SignIn.appsTask, "the sign-in screen's application list")
		}
		e.Win.UI.Drain()
		out[scr.Title+" (all texts)"] = screenTexts(e.Win.Win.Content())
		if i == ScreenSignIn { // the PKCE tab, and every other
			walkVisible(e.Win.Win.Content(), func(obj fyne.CanvasObject) bool {
				if tabs, ok := obj.(*container.AppTabs); ok && tabs != e.Win.Nav {
					for j := range tabs.Items {
						tabs.SelectIndex(j)
						out[scr.Title+" / "+tabs.Items[j].Text] = screenTexts(e.Win.Win.Content())
					}
					return false
				}
				return true
			})
		}
	}
	e.Win.Show(ScreenTokens)
	ts := e.Win.Tokens
	for _, src := range []TokenSource{SourceIDToken, SourceAccessToken, SourceRefreshToken} {
		ts.SelectSource(src)
		for j := range ts.tabs.Items {
			ts.tabs.SelectIndex(j)
			out["Tokens / "+src.String()+" / "+ts.tabs.Items[j].Text] = screenTexts(e.Win.Win.Content())
		}
	}
	out["Header"] = screenTexts(e.Win.Header.Object)
	return out
}

// signedInCanaries signs in on the sandbox (demo user's password canaryPassword) and
// returns the values presenter view must never show, by name.
func signedInCanaries(t *testing.T, e *deskEnv, s *SignInScreen) map[string]string {
	t.Helper()
	waitSignedIn(t, e, s.Start(app.SignInInApp), "in-app sign-in")
	sess := e.Desk.CurrentSession()
	if sess == nil {
		t.Fatalf("not signed in: %q", s.status.Text)
	}
	e.Win.UI.Drain()
	c := map[string]string{
		"password":      canaryPassword,
		"access token":  sess.Tokens.AccessToken,
		"ID token":      sess.Tokens.IDToken,
		"refresh token": sess.Tokens.RefreshToken,
	}
	if s.pkce != nil {
		c["code_verifier"] = s.pkce.Verifier
	}
	if d, err := token.Decode(sess.Tokens.IDToken); err == nil {
		for _, name := range []string{"email", "name", "preferred_username"} {
			if v, _ := d.Claims[name].(string); v != "" {
				c[name] = v
			}
		}
	}
	for _, ex := range e.Win.Timeline.entries { // the authorization code, from the token request
		if form, err := url.ParseQuery(ex.RequestBody); err == nil && form.Get("grant_type") == "authorization_code" {
			c["code"] = form.Get("code")
		}
	}
	for name, v := range c {
		if v == "" {
			t.Logf("no %s to look for", name)
		}
	}
	return c
}

// leaks lists every drawn text holding a canary (or a token's first 12 characters).
func leaks(texts map[string][]string, canaries map[string]string) map[string][]string {
	out := map[string][]string{}
	for name, v := range canaries {
		if v == "" {
			continue
		}
		needles := []string{v}
		if strings.HasSuffix(name, "token") && len(v) > 12 {
			needles = append(needles, v[:12])
		}
		for where, list := range texts {
			for _, text := range list {
				for _, n := range needles {
					if strings.Contains(text, n) && !slices.Contains(out[name], where) {
						out[name] = append(out[name], where+": "+trimText(text))
					}
				}
			}
		}
	}
	return out
}

func trimText(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func TestPresenter_NothingLeaksOnScreen(t *testing.T) {
	e, s := newSessionEnv(t)
	p := presenterFor(e.App)
	stop := e.Win.followPresenter(nil)
	defer stop()
	p.Set(true)
	canaries := signedInCanaries(t, e, s)

	// The demo user's claims fetched from userinfo are masked too.
	e.Win.Show(ScreenTokens)
	panel := e.Win.Tokens.session
	if panel != nil {
		panel.loadUserInfo()
		if panel.task != nil {
			waitTask(t, panel.task, "userinfo")
		}
	}
	if e.Win.Timeline.Visible() {
		t.Error("the HTTP timeline is shown in presenter view")
	}

	on := everyScreenText(t, e)
	for name, where := range leaks(on, canaries) {
		t.Errorf("presenter view shows the %s on %v", name, where)
	}

	// Off, the same walk finds them, so the walk does look where they are.
	p.Set(false)
	off := leaks(everyScreenText(t, e), canaries)
	for _, name := range []string{"access token", "ID token", "refresh token", "email", "name", "code_verifier", "password"} {
		if canaries[name] != "" && len(off[name]) == 0 {
			t.Errorf("with presenter view off the %s is shown nowhere: the walk misses it", name)
		}
	}
}

func TestPresenter_MasksNestedPersonalJSON(t *testing.T) {
	in := `{"status":"COMPLETED","_embedded":{"user":{"id":"u-1","username":"demo.user","name":{"given":"Ann"}}},"list":[{"email":"a@b.c"}]}`
	out := maskPersonalJSON(in)
	for _, v := range []string{"demo.user", "Ann", "a@b.c"} {
		if strings.Contains(out, v) {
			t.Errorf("maskPersonalJSON left %q in %s", v, out)
		}
	}
	if !strings.Contains(out, `"u-1"`) || !strings.Contains(out, `"COMPLETED"`) {
		t.Errorf("maskPersonalJSON lost what is not personal: %s", out)
	}
	if got := maskPersonalJSON("grant_type=authorization_code"); got != "grant_type=authorization_code" {
		t.Errorf("a form body was changed: %q", got)
	}
}

// The stage demo in presenter view: the diagram, the recap, every step's details (the
// dialog a click opens) and every screen show no secret and no personal value.
func TestPresenter_StageDemoShowsNoSecret(t *testing.T) {
	e := newDeskEnv(t)
	presenterFor(e.App).Set(true)
	fs := e.Win.Flow
	e.Win.Show(ScreenFlow)
	fs.RunDemo()
	waitTask(t, fs.task, "the stage demo")
	f, _ := e.Desk.CurrentFlow()
	sess := e.Desk.CurrentSession()
	if !f.Succeeded() || sess == nil {
		t.Fatalf("the demo did not sign in: %q", f.Err)
	}
	canaries := map[string]string{
		"password":      canaryPassword,
		"access token":  sess.Tokens.AccessToken,
		"ID token":      sess.Tokens.IDToken,
		"refresh token": sess.Tokens.RefreshToken,
	}
	if d, err := token.Decode(sess.Tokens.IDToken); err == nil {
		for _, name := range []string{"email", "name", "preferred_username"} {
			if v, _ := d.Claims[name].(string); v != "" {
				canaries[name] = v
			}
		}
	}
	if canaries["email"] == "" {
		t.Fatal("the demo's ID token has no email claim to look for")
	}
	texts := everyScreenText(t, e)
	shownUser := false
	for _, st := range f.Steps {
		detail := stepDetailText(st)
		texts["Flow / "+st.Label] = []string{detail}
		if st.Exchange != nil && strings.Contains(st.Exchange.RequestBody+st.Exchange.ResponseBody, canaries["preferred_username"]) {
			shownUser = true
		}
	}
	for name, where := range leaks(texts, canaries) {
		t.Errorf("presenter view shows the %s on %v", name, where)
	}
	if !shownUser {
		t.Log("no exchange of the demo carried the username")
	}
	if !slices.ContainsFunc(texts["Flow (all texts)"], func(s string) bool { return strings.Contains(s, "Token request") || strings.Contains(s, "token") }) {
		t.Errorf("the Flow screen shows no step label: %v", texts["Flow (all texts)"])
	}
}

// In presenter view the header shows the tag large and a production connection says so
// in red; a masked token is shown only after the Reveal's question is answered yes; a copy
// button copies the real value and says that it did.
func TestPresenter_HeaderRevealAndCopy(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	p := presenterFor(a)

	h := NewHeader()
	h.Set(ConnectionInfo{Name: "Prod EU", Region: "EU", EnvironmentID: "env-1", Stage: StageProduction})
	small := h.tagText.TextSize
	stop := h.FollowPresenter(p)
	defer stop()
	if h.prodWarn.Visible() {
		t.Fatal("PRODUCTION is shown large with presenter view off")
	}
	p.Set(true)
	if !h.prodWarn.Visible() || h.prodWarn.Color != stageColor(StageProduction) || h.tagText.TextSize <= small {
		t.Fatalf("presenter view header: warning shown %v, tag size %v (was %v)", h.prodWarn.Visible(), h.tagText.TextSize, small)
	}
	h.Set(ConnectionInfo{Name: "Sandbox", Stage: StageSandbox})
	if h.prodWarn.Visible() {
		t.Fatal("PRODUCTION stays on a sandbox connection")
	}

	// Reveal asks first.
	revealed := 0
	confirmReveal(w, func() { revealed++ })
	pop, ok := w.Canvas().Overlays().Top().(*widget.PopUp)
	if !ok || !containsText(pop, msgRevealConfirm) || revealed != 0 {
		t.Fatalf("Reveal did not ask first (revealed %d)", revealed)
	}
	var yes *widget.Button
	walkVisible(pop, func(o fyne.CanvasObject) bool {
		if b, ok := o.(*widget.Button); ok && b.Text == "Yes" {
			yes = b
		}
		return yes == nil
	})
	if yes == nil {
		t.Fatal("the question has no Yes")
	}
	test.Tap(yes)
	if revealed != 1 {
		t.Fatal("Yes did not reveal")
	}

	// Copy copies the real value and says so.
	note := widget.NewLabel("")
	secretClipboardFor(a.Clipboard()).Copy(newQueuedUI(), "real-secret-value", note)
	if got := a.Clipboard().Content(); got != "real-secret-value" {
		t.Fatalf("copied %q", got)
	}
	if !strings.Contains(note.Text, msgCopiedRealHidden) {
		t.Fatalf("copy note in presenter view: %q", note.Text)
	}
	closeSecretClipboard(a.Clipboard())
}
