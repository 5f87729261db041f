package views

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
)

// treeHolds reports whether obj is part of root's object tree, hidden parts included.
func treeHolds(root, obj fyne.CanvasObject) bool {
	if root == nil {
		return false
	}
	if root == obj {
		return true
	}
	switch c := root.(type) {
	case fyne.Widget:
		for _, ch := range test.WidgetRenderer(c).Objects() {
			if treeHolds(ch, obj) {
				return true
			}
		}
	case *fyne.Container:
		for _, ch := range c.Objects {
			if treeHolds(ch, obj) {
				return true
			}
		}
	}
	return false
}

// assertOpened checks that screen i is in the window, laid out and visible, or (opened
// false) that it waits outside the window, never laid out.
func assertOpened(t *testing.T, win *Window, i int, opened bool) {
	t.Helper()
	content := screenContent(win.Nav.Items[i])
	inTree := treeHolds(win.Win.Content(), content)
	size := content.Size()
	if !opened {
		if inTree || win.lazy[i].opened() || !size.IsZero() {
			t.Errorf("%s was built into the window before it was shown (in the window %v, laid out at %v)",
				win.Screens[i].Title, inTree, size)
		}
		return
	}
	if !inTree || !win.lazy[i].opened() || size.Width <= 0 || size.Height <= 0 || !content.Visible() {
		t.Errorf("%s is not on screen once shown (in the window %v, laid out at %v, visible %v)",
			win.Screens[i].Title, inTree, size, content.Visible())
	}
}

// At start only the first screen is laid out: the others wait in their placeholders
// (container.AppTabs would measure all four), and each arrives when first shown.
func TestStartLaysOutOnlyTheFirstScreen(t *testing.T) {
	e := newDeskEnv(t)
	w := e.Win
	assertOpened(t, w.Window, ScreenConnections, true)
	for _, i := range []int{ScreenApplications, ScreenSignIn, ScreenTokens} {
		assertOpened(t, w.Window, i, false)
	}
	// The screens exist all the same: a sign-in result can be pushed to the Tokens screen
	// before anyone looked at it.
	w.Tokens.Show(TokenSet{IDToken: idToken(t, nil)})
	assertOpened(t, w.Window, ScreenTokens, false)

	w.Show(ScreenTokens)
	assertOpened(t, w.Window, ScreenTokens, true)
	assertOpened(t, w.Window, ScreenSignIn, false)
	w.Show(ScreenSignIn)
	if w.SignIn.appsTask != nil {
		waitTask(t, w.SignIn.appsTask, "the sign-in screen's list") // showing it reloads the list
	}
	assertOpened(t, w.Window, ScreenSignIn, true)
	// Back and forth keeps one copy of each screen in the window.
	w.Show(ScreenTokens)
	w.Show(ScreenConnections)
	for _, i := range []int{ScreenConnections, ScreenSignIn, ScreenTokens} {
		if n := len(w.lazy[i].holder.Objects); n != 1 {
			t.Errorf("%s is in its tab %d times", w.Screens[i].Title, n)
		}
	}
	assertOpened(t, w.Window, ScreenApplications, false)
}

// A screen first opened by its shortcut, its menu item or one of its actions arrives
// laid out, with the keyboard focus where the screen wants it and the action run.
func TestStartShortcutsOpenScreensNotShownYet(t *testing.T) {
	focus := widget.NewEntry()
	signIn := &Screen{Title: "Sign in", Content: container.NewVBox(widget.NewLabel("sign in here"), focus), Focus: focus}
	var created int
	create := &desktop.CustomShortcut{KeyName: fyne.KeyN, Modifier: fyne.KeyModifierShortcutDefault}
	apps := &Screen{Title: "Applications", Content: widget.NewLabel("the applications"),
		Actions: []Action{{Label: "Create application", Shortcut: create, Run: func() { created++ }}}}
	win := newTestWindow(t, Options{SignIn: signIn, Applications: apps})
	for _, i := range []int{ScreenApplications, ScreenSignIn, ScreenTokens} {
		assertOpened(t, win, i, false)
	}

	typeShortcut(t, win.Win, &desktop.CustomShortcut{KeyName: fyne.Key3, Modifier: fyne.KeyModifierShortcutDefault})
	if win.Current() != ScreenSignIn {
		t.Fatalf("Ctrl+3 shows screen %d", win.Current())
	}
	assertOpened(t, win, ScreenSignIn, true)
	if got := win.Win.Canvas().Focused(); got != focus {
		t.Errorf("the focus is on %T, not on the screen's own field", got)
	}

	typeShortcut(t, win.Win, create)
	if win.Current() != ScreenApplications || created != 1 {
		t.Fatalf("the action's shortcut shows screen %d and ran the action %d times", win.Current(), created)
	}
	assertOpened(t, win, ScreenApplications, true)

	var tokens *fyne.MenuItem
	for _, item := range win.Win.MainMenu().Items[0].Items {
		if item.Label == "Tokens" {
			tokens = item
		}
	}
	if tokens == nil {
		t.Fatal("no Tokens item in the Go menu")
	}
	tokens.Action()
	if win.Current() != ScreenTokens {
		t.Fatalf("the Go menu's Tokens shows screen %d", win.Current())
	}
	assertOpened(t, win, ScreenTokens, true)
}

// main.go's window shows empty and gets the desk window right after its first frame.
func TestStartShowDeskWindowBuildsAfterTheFirstFrame(t *testing.T) {
	keyring.MockInit()
	a := test.NewTempApp(t)
	desk, err := app.New(app.Options{Preferences: app.NewMemoryPreferences(),
		Sandbox: sandbox.Options{SigningKey: signingKey(t)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { desk.Close() })
	w := test.NewTempWindow(t, nil)
	ready, ui := make(chan *DeskWindow, 1), newQueuedUI()
	showDeskWindow(a, w, desk, "test", ui, func(dw *DeskWindow) { ready <- dw })

	blank, ok := w.Content().(*canvas.Raster)
	if !ok {
		t.Fatalf("before its first frame the window holds %T, want the empty placeholder", w.Content())
	}
	if got, want := w.Canvas().Size(), windowSizeFor(fyne.Size{}); got != want {
		t.Errorf("the window opens at %v, want %v (sized before it shows)", got, want)
	}
	select {
	case <-ready:
		t.Fatal("the desk window was built before the first frame")
	default:
	}
	// Drawing a frame is what calls a raster's generator.
	if img := blank.Generator(4, 4); img.At(0, 0) != (image.NewNRGBA(image.Rect(0, 0, 1, 1)).At(0, 0)) {
		t.Error("the placeholder is not transparent")
	}
	dw := waitFor(t, ui, ready, "the desk window after the first frame")
	t.Cleanup(func() { dw.SignIn.Close(); dw.Close() })
	waitTask(t, dw.Connections.task, "the sandbox panel") // it starts the sandbox in the background

	if !treeHolds(w.Content(), dw.Header.Object) || !treeHolds(w.Content(), dw.Nav) {
		t.Fatal("the desk window is not in the window")
	}
	if got, want := w.Canvas().Size(), windowSizeFor(fyne.Size{}); got != want {
		t.Errorf("building resized the window to %v, want %v kept", got, want)
	}
	typeShortcut(t, w, &desktop.CustomShortcut{KeyName: fyne.Key4, Modifier: fyne.KeyModifierShortcutDefault})
	if dw.Current() != ScreenTokens {
		t.Errorf("Ctrl+4 shows screen %d once built", dw.Current())
	}
	assertOpened(t, dw.Window, ScreenTokens, true)
}
