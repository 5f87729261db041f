package views

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func TestTimelineStartsCollapsedToOneLine(t *testing.T) {
	win := newTestWindow(t, Options{})
	win.Timeline.Append(tokenExchange())
	win.Timeline.Append(tokenExchange())
	if !win.Timeline.Collapsed() || win.Timeline.panes.Visible() {
		t.Fatal("the timeline starts open")
	}
	line := win.Timeline.toggle.MinSize().Height + theme.Padding()
	if h := win.Timeline.MinSize().Height; h > line {
		t.Fatalf("the collapsed timeline is %v high, more than its title line (%v)", h, line)
	}
	if win.Timeline.Size().Height > line {
		t.Fatalf("the collapsed timeline takes %v of the height", win.Timeline.Size().Height)
	}
	if !hasLabelContaining(win.Timeline, "2 requests") {
		t.Fatalf("the collapsed line does not count the requests: %q", labelsIn(win.Timeline))
	}
	// The screens get the height the timeline gave back.
	if nav, body := win.Nav.Size().Height, win.body.Size().Height; nav < body-line-theme.Padding() {
		t.Fatalf("the screens have %v of %v", nav, body)
	}
}

func TestTimelineToggleIsRemembered(t *testing.T) {
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	win := NewWindow(a, w, Options{UI: newQueuedUI(), Tokens: TokensOptions{NewTicker: newFakeTicker().New}})
	t.Cleanup(win.Close)

	typeShortcut(t, w, timelineShortcut) // Ctrl+J
	if win.Timeline.Collapsed() || !win.Timeline.panes.Visible() || win.split == nil {
		t.Fatal("Ctrl+J did not open the timeline")
	}
	if win.Timeline.Size().Height < 100 {
		t.Fatalf("the open timeline is %v high", win.Timeline.Size().Height)
	}
	if !win.timelineMenu.Checked {
		t.Error("the View menu does not tick the open timeline")
	}

	// The next window opens it as left.
	w2 := test.NewTempWindow(t, nil)
	again := NewWindow(a, w2, Options{UI: newQueuedUI(), Tokens: TokensOptions{NewTicker: newFakeTicker().New}})
	t.Cleanup(again.Close)
	if again.Timeline.Collapsed() {
		t.Fatal("the open timeline was not remembered")
	}

	// Its own button collapses it, and that is remembered too.
	test.Tap(again.Timeline.toggle)
	if !again.Timeline.Collapsed() || again.split != nil {
		t.Fatal("the timeline's button did not collapse it")
	}
	w3 := test.NewTempWindow(t, nil)
	third := NewWindow(a, w3, Options{UI: newQueuedUI(), Tokens: TokensOptions{NewTicker: newFakeTicker().New}})
	t.Cleanup(third.Close)
	if !third.Timeline.Collapsed() {
		t.Fatal("the collapsed timeline was not remembered")
	}
}

func TestHelpOpensOnF1(t *testing.T) {
	win := newTestWindow(t, Options{Version: "1.2.3"})
	// Fyne's desktop driver hands an unmodified F1 to the canvas when no widget has the
	// focus; the test driver takes it as a shortcut.
	win.Win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyF1})
	top := win.Win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("F1 opened nothing")
	}
	for _, want := range []string{"Ctrl+J", "Show or hide the HTTP timeline", "Ctrl+1 … Ctrl+7", "A first demo", "Version 1.2.3"} {
		if !hasLabelContaining(top, want) {
			t.Errorf("the help lacks %q; labels: %q", want, labelsIn(top))
		}
	}
	win.Win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if win.Win.Canvas().Overlays().Top() != nil {
		t.Fatal("Escape did not close the help")
	}
	typeShortcut(t, win.Win, helpShortcut)
	if top := win.Win.Canvas().Overlays().Top(); top == nil || !hasLabelContaining(top, "Ctrl+J") {
		t.Fatal("the F1 shortcut does not open the help")
	}
}
