package views

import (
	"image/color"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func newTestWindow(t *testing.T, opts Options) *Window {
	t.Helper()
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	if opts.Tokens.NewTicker == nil {
		opts.Tokens.NewTicker = newFakeTicker().New
	}
	if opts.Tokens.Now == nil {
		opts.Tokens.Now = (&fakeClock{now: t0}).Now
	}
	if opts.UI == nil {
		opts.UI = newQueuedUI()
	}
	win := NewWindow(a, w, opts)
	t.Cleanup(win.Close)
	return win
}

func typeShortcut(t *testing.T, w fyne.Window, sc fyne.Shortcut) {
	t.Helper()
	h, ok := w.Canvas().(fyne.Shortcutable)
	if !ok {
		t.Fatal("test canvas cannot take shortcuts")
	}
	h.TypedShortcut(sc)
}

func TestWindowHasFourScreens(t *testing.T) {
	win := newTestWindow(t, Options{})
	want := []string{"Connections", "Applications", "Sign in", "Tokens"}
	if len(win.Nav.Items) != len(want) {
		t.Fatalf("%d screens, want %d", len(win.Nav.Items), len(want))
	}
	// The side navigation is text only, so seven entries fit 1024x700 and presenter view's
	// larger type; the Go menu shows each screen with its icon.
	goMenu := win.Win.MainMenu().Items[0]
	for i, title := range want {
		if win.Nav.Items[i].Text != title || win.Nav.Items[i].Icon != nil {
			t.Errorf("screen %d = %q (icon %v), want %q in words", i, win.Nav.Items[i].Text, win.Nav.Items[i].Icon, title)
		}
		if goMenu.Label != "Go" || goMenu.Items[i].Label != title || goMenu.Items[i].Icon == nil {
			t.Errorf("Go menu item %d = %q, want %q with an icon", i, goMenu.Items[i].Label, title)
		}
	}
	if win.Win.Content() == nil {
		t.Fatal("window has no content")
	}
}

func TestWindowShortcutsSwitchScreens(t *testing.T) {
	win := newTestWindow(t, Options{})
	cases := []struct {
		sc   fyne.Shortcut
		want int
	}{
		{&desktop.CustomShortcut{KeyName: fyne.Key4, Modifier: fyne.KeyModifierShortcutDefault}, ScreenTokens},
		{&desktop.CustomShortcut{KeyName: fyne.Key2, Modifier: fyne.KeyModifierAlt}, ScreenApplications},
		{&desktop.CustomShortcut{KeyName: fyne.Key3, Modifier: fyne.KeyModifierShortcutDefault}, ScreenSignIn},
		{&desktop.CustomShortcut{KeyName: fyne.Key1, Modifier: fyne.KeyModifierAlt}, ScreenConnections},
	}
	for _, c := range cases {
		typeShortcut(t, win.Win, c.sc)
		if win.Current() != c.want || win.Nav.SelectedIndex() != c.want {
			t.Errorf("after %s: current %d, tab %d, want %d", c.sc.ShortcutName(), win.Current(), win.Nav.SelectedIndex(), c.want)
		}
	}
}

func TestWindowHeaderShowsConnection(t *testing.T) {
	win := newTestWindow(t, Options{Connection: ConnectionInfo{Name: "Offline demo", EnvironmentID: testEnvID, Stage: StageSandbox}})
	h := win.Header
	if h.name.Text != "Offline demo" || h.tagText.Text != "SANDBOX" {
		t.Fatalf("header = %q / %q", h.name.Text, h.tagText.Text)
	}
	if !strings.Contains(h.detail.Text, "Sandbox") || !strings.Contains(h.detail.Text, testEnvID) {
		t.Errorf("detail = %q, want the location and environment ID", h.detail.Text)
	}
	sandboxColour := h.tag.FillColor

	win.SetConnection(ConnectionInfo{Name: "Acme live", Region: "EU", EnvironmentID: testEnvID, Stage: StageProduction})
	if h.tagText.Text != "PRODUCTION" || h.name.Text != "Acme live" || !strings.Contains(h.detail.Text, "Region EU") {
		t.Fatalf("production header = %q %q %q", h.tagText.Text, h.name.Text, h.detail.Text)
	}
	if sameColour(h.tag.FillColor, sandboxColour) {
		t.Error("production tag has the sandbox colour")
	}
	if sameColour(h.prodStripe.FillColor, color.Transparent) {
		t.Error("production has no warning stripe")
	}

	win.SetConnection(ConnectionInfo{Name: "QA", Region: "NA", Stage: StageTest})
	if h.tagText.Text != "TEST" || sameColour(h.tag.FillColor, stageColor(StageProduction)) || !sameColour(h.prodStripe.FillColor, color.Transparent) {
		t.Error("test environment looks like production")
	}
}

func sameColour(a, b color.Color) bool {
	ar, ag, ab, aa := a.RGBA()
	br, bg, bb, ba := b.RGBA()
	return ar == br && ag == bg && ab == bb && aa == ba
}

func TestWindowShowTokensSwitchesAndStopsTickerOnLeave(t *testing.T) {
	ticker := newFakeTicker()
	win := newTestWindow(t, Options{Tokens: TokensOptions{NewTicker: ticker.New}})
	win.ShowTokens(TokenSet{IDToken: idToken(t, nil)})
	if win.Current() != ScreenTokens || !win.Tokens.expiry.running() {
		t.Fatalf("current %d, ticker running %v", win.Current(), win.Tokens.expiry.running())
	}
	typeShortcut(t, win.Win, &desktop.CustomShortcut{KeyName: fyne.Key1, Modifier: fyne.KeyModifierShortcutDefault})
	if win.Tokens.expiry.running() {
		t.Fatal("countdown keeps ticking on another screen")
	}
}

func TestWindowTokensStartsHidden(t *testing.T) {
	ticker := newFakeTicker()
	win := newTestWindow(t, Options{Tokens: TokensOptions{NewTicker: ticker.New}})
	win.Tokens.Show(TokenSet{IDToken: idToken(t, nil)}) // pushed while another screen is visible
	if win.Tokens.expiry.running() {
		t.Fatal("ticker runs for a screen nobody sees")
	}
}

func TestWindowAboutShowsVersion(t *testing.T) {
	win := newTestWindow(t, Options{Version: "1.2.3"})
	typeShortcut(t, win.Win, &desktop.CustomShortcut{KeyName: fyne.KeyF1})
	top := win.Win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no About dialog")
	}
	if !hasLabelContaining(top, "Version 1.2.3") || !hasLabelContaining(top, "PKCE Desk") {
		t.Fatalf("About dialog labels: %q", labelsIn(top))
	}
}

func TestWindowCustomScreenReplacesPlaceholder(t *testing.T) {
	content := widget.NewLabel("the real sign-in screen")
	custom := &Screen{Title: "Sign in", Content: content}
	win := newTestWindow(t, Options{SignIn: custom})
	if screenContent(win.Nav.Items[ScreenSignIn]) != content {
		t.Fatal("the Sign in slot did not take the given screen")
	}
}
