package views

import (
	"strconv"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// revealFixture is a 200-high scroll over a column of 30 entries, a check group at the
// bottom, and an entry outside the scroll.
type revealFixture struct {
	win     fyne.Window
	scroll  *container.Scroll
	entries []*widget.Entry
	group   *widget.CheckGroup
	outside *widget.Entry
}

func newRevealFixture(t *testing.T) *revealFixture {
	t.Helper()
	test.NewTempApp(t)
	f := &revealFixture{outside: widget.NewEntry()}
	col := container.NewVBox()
	for i := range 30 {
		e := widget.NewEntry()
		e.SetPlaceHolder("field " + strconv.Itoa(i))
		f.entries = append(f.entries, e)
		col.Add(container.NewPadded(e)) // nested, so positions are summed
	}
	f.group = widget.NewCheckGroup([]string{"one", "two", "three"}, nil)
	col.Add(f.group)
	f.scroll = container.NewVScroll(col)
	f.win = test.NewTempWindow(t, container.NewBorder(f.outside, nil, nil, nil, f.scroll))
	f.win.Resize(fyne.NewSize(400, 260))
	if h := f.scroll.Size().Height; h <= 0 || h >= col.MinSize().Height/2 {
		t.Fatalf("the scroll is %v high for content %v high: nothing would be below the fold", h, col.MinSize().Height)
	}
	return f
}

// inView reports whether obj lies wholly inside the scroll's visible area.
func (f *revealFixture) inView(obj fyne.CanvasObject) bool {
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(obj).Y - d.AbsolutePositionForObject(f.scroll).Y
	return top >= 0 && top+obj.Size().Height <= f.scroll.Size().Height
}

func TestRevealScrollsToAnObjectBelowTheFold(t *testing.T) {
	f := newRevealFixture(t)
	target := f.entries[20]
	if f.inView(target) {
		t.Fatal("the target is in view before revealing: the test proves nothing")
	}
	if !revealInScroll(f.scroll, target) {
		t.Fatal("the target was not found inside the scroll")
	}
	if f.scroll.Offset.Y <= 0 || !f.inView(target) {
		t.Fatalf("offset %v: the target is not in view", f.scroll.Offset)
	}
	// The smallest move: the target ends at the bottom of the view, not at its top.
	d := fyne.CurrentApp().Driver()
	if top := d.AbsolutePositionForObject(target).Y - d.AbsolutePositionForObject(f.scroll).Y; top < f.scroll.Size().Height/2 {
		t.Errorf("the target was scrolled to %v of a %v view: more than needed", top, f.scroll.Size().Height)
	}

	// Back up: an entry above the view is brought down to its top.
	up := f.entries[2]
	revealInScroll(f.scroll, up)
	if !f.inView(up) {
		t.Errorf("offset %v: the entry above the view is not shown", f.scroll.Offset)
	}
}

func TestRevealLeavesAnObjectInView(t *testing.T) {
	f := newRevealFixture(t)
	f.scroll.ScrollToOffset(fyne.NewPos(0, 120))
	before := f.scroll.Offset
	var shown *widget.Entry
	for _, e := range f.entries {
		if f.inView(e) {
			shown = e
			break
		}
	}
	if shown == nil {
		t.Fatal("no entry in view")
	}
	if !revealInScroll(f.scroll, shown) || f.scroll.Offset != before {
		t.Errorf("revealing an entry in view moved the offset from %v to %v", before, f.scroll.Offset)
	}
	if revealInScroll(f.scroll, f.outside) || f.scroll.Offset != before {
		t.Errorf("revealing an entry outside the scroll moved it to %v", f.scroll.Offset)
	}
	if revealInScroll(f.scroll, widget.NewEntry()) || f.scroll.Offset != before {
		t.Errorf("revealing an entry in no window moved it to %v", f.scroll.Offset)
	}
}

// Tab moves the focus below the fold: the focus watcher scrolls it into view, also for
// a check of a CheckGroup (drawn by the group's renderer), once per focus change.
func TestRevealFocusFollowsTab(t *testing.T) {
	f := newRevealFixture(t)
	c := f.win.Canvas()
	r := newFocusReveal(c, newQueuedUI(), func() []*container.Scroll { return scrollsIn(f.win.Content()) })
	if got := scrollsIn(f.win.Content()); len(got) != 1 || got[0] != f.scroll {
		t.Fatalf("scrollsIn found %d scrolls", len(got))
	}

	c.Focus(f.entries[25])
	r.check()
	if !f.inView(f.entries[25]) {
		t.Fatalf("offset %v: the focused entry is not in view", f.scroll.Offset)
	}

	// The user scrolls away from the entry that keeps the focus: it is left alone.
	f.scroll.ScrollToTop()
	r.check()
	if f.scroll.Offset.Y != 0 {
		t.Errorf("the view snapped back to the unchanged focus (offset %v)", f.scroll.Offset)
	}

	// Tab on from the last entry reaches the first check of the group.
	f.scroll.ScrollToTop()
	c.Focus(f.entries[29])
	r.check()
	f.scroll.ScrollToTop()
	c.FocusNext()
	check, ok := c.Focused().(*widget.Check)
	if !ok {
		t.Fatalf("Tab from the last entry focuses %T", c.Focused())
	}
	r.check()
	if !f.inView(check) {
		t.Errorf("offset %v: the focused check %q is not in view", f.scroll.Offset, check.Text)
	}

	// Focus outside the scroll moves nothing.
	f.scroll.ScrollToTop()
	c.Focus(f.outside)
	r.check()
	if f.scroll.Offset.Y != 0 {
		t.Errorf("focus outside the scroll moved it to %v", f.scroll.Offset)
	}
}

// start polls on its ticker and stop ends the polling.
func TestRevealFocusPollsUntilStopped(t *testing.T) {
	f := newRevealFixture(t)
	c := f.win.Canvas()
	ui := newQueuedUI()
	r := newFocusReveal(c, ui, func() []*container.Scroll { return []*container.Scroll{f.scroll} })
	ticker := newFakeTicker()
	stop := r.start(ticker.New)

	c.Focus(f.entries[22])
	ticker.c <- t0
	ticker.c <- t0 // received only once the first look was queued
	if f.inView(f.entries[22]) {
		t.Fatal("a look ran before the window's UI ran it")
	}
	if ui.Drain() == 0 || !f.inView(f.entries[22]) {
		t.Errorf("offset %v: a tick did not reveal the focused entry", f.scroll.Offset)
	}
	stop()
	stop() // twice is harmless
	if started, _ := ticker.counts(); started != 1 {
		t.Errorf("ticker started %d times", started)
	}
}
