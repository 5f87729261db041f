package views

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/pingone"
)

func platformError() error {
	return fmt.Errorf("pingone: create application: %w", &pingone.Error{Status: 400, Code: "INVALID_DATA",
		Message: "The request could not be completed.", ID: "f7c1"})
}

// The plain message is always in view; the developer text waits behind Details.
func TestProblemDetailsStartCollapsed(t *testing.T) {
	test.NewTempApp(t)
	p := newExplainedError()
	test.NewTempWindow(t, p.object)

	p.show("", platformError(), "redirectUris: not a URI")
	if !p.object.Visible() || !p.text.Visible() || p.text.Text == "" {
		t.Fatalf("the plain message is not shown: %q", p.text.Text)
	}
	if strings.Contains(p.text.Text, "INVALID_DATA") {
		t.Errorf("the plain message carries the developer text: %q", p.text.Text)
	}
	if p.expanded() || hasLabelContaining(p.object, "INVALID_DATA") {
		t.Error("the detail is open before Details was pressed")
	}
	if !hasLabelContaining(p.object, "redirectUris: not a URI") {
		t.Errorf("the caller's extra line is not in view: %q", labelsIn(p.object))
	}
	if !p.toggle.Visible() {
		t.Fatal("no Details button for an error with a detail")
	}

	test.Tap(p.toggle)
	if !p.expanded() {
		t.Fatal("Details did not open the detail")
	}
	if !hasLabelContaining(p.object, "INVALID_DATA") {
		t.Errorf("the open detail lacks PingOne's code: %q", labelsIn(p.object))
	}
	if !hasLabelContaining(p.object, p.text.Text) {
		t.Error("opening the detail hid the plain message")
	}
	test.Tap(p.toggle)
	if p.expanded() {
		t.Error("a second press did not close the detail")
	}

	// clear collapses: the next error starts closed, even if the last one was open.
	test.Tap(p.toggle)
	p.clear()
	if p.object.Visible() || p.expanded() || p.toggle.Visible() || p.extra.Visible() {
		t.Error("clear left the explanation or its detail shown")
	}
	p.show("", platformError(), "")
	if p.expanded() {
		t.Error("a new error opened with the detail of the last one open")
	}
	test.Tap(p.toggle)
	p.show("", platformError(), "")
	if p.expanded() {
		t.Error("showing another error kept the detail open")
	}
}

// Details is reached with Tab and opened with Space, like any button.
func TestProblemDetailsByKeyboard(t *testing.T) {
	test.NewTempApp(t)
	p := newExplainedError()
	w := test.NewTempWindow(t, p.object)
	p.show("", platformError(), "")

	c := w.Canvas()
	c.FocusNext()
	if c.Focused() != p.toggle {
		t.Fatalf("Tab focuses %T, not the Details button", c.Focused())
	}
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if !p.expanded() {
		t.Error("Space on Details did not open the detail")
	}
}

// An error with nothing technical to add shows no Details button at all.
func TestProblemWithoutDetailHasNoButton(t *testing.T) {
	test.NewTempApp(t)
	p := newExplainedError()
	test.NewTempWindow(t, p.object)
	p.show("", &app.Problem{Title: "Nobody is signed in.", Remedy: "Sign in first."}, "")
	if !strings.Contains(p.text.Text, "Nobody is signed in.") {
		t.Fatalf("message = %q", p.text.Text)
	}
	if p.toggle.Visible() {
		t.Error("a Details button with nothing behind it")
	}
}
