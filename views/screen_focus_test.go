package views

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// Showing a screen puts the keyboard focus on its first useful field, and the list load
// the screen starts meanwhile does not take it away.
func TestScreensFocusTheirFirstField(t *testing.T) {
	e := newDeskEnv(t)
	c := e.Win.Win.Canvas()
	cases := []struct {
		name   string
		screen int
		field  fyne.Focusable
		task   func() *Task
	}{
		{"Applications: the create form's name", ScreenApplications, e.Win.Applications.form.name, func() *Task { return e.Win.Applications.task }},
		{"Connections: the profile list", ScreenConnections, e.Win.Connections.list.rows, nil},
	}
	for _, tc := range cases {
		e.Win.Show(tc.screen)
		if got := c.Focused(); got != tc.field {
			t.Errorf("%s: the focus is on %T, want the field", tc.name, got)
			continue
		}
		if tc.task != nil {
			waitTask(t, tc.task(), tc.name+": the screen's list")
			if got := c.Focused(); got != tc.field {
				t.Errorf("%s: the list load moved the focus to %T", tc.name, got)
			}
		}
	}
}

// The window's focus follower scrolls a field focused below the fold into view; its
// looks run through the window's UI, here the test's queue.
func TestWindowFocusScrollsTheFieldIntoView(t *testing.T) {
	e := newDeskEnv(t)
	s := openApplications(t, e)
	e.Win.Win.Resize(fyne.NewSize(1024, 600))
	f := s.form
	target := f.postLogout
	if inScrollView(f.scroll, target) {
		t.Fatal("the post-logout field is in view before it has the focus: the test proves nothing")
	}
	e.Win.Win.Canvas().Focus(target)
	giveUp := time.After(10 * time.Second)
	for !inScrollView(f.scroll, target) {
		select {
		case <-e.Win.UI.Ready():
			e.Win.UI.Drain()
		case <-giveUp:
			t.Fatalf("offset %v: the focused field was not scrolled into view", f.scroll.Offset)
		}
	}
	if e.Win.Win.Canvas().Focused() != target {
		t.Fatal("revealing the field moved the focus")
	}
}

// inScrollView reports whether obj lies wholly inside sc's visible area.
func inScrollView(sc *container.Scroll, obj fyne.CanvasObject) bool {
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(obj).Y - d.AbsolutePositionForObject(sc).Y
	return top >= 0 && top+obj.Size().Height <= sc.Size().Height
}
