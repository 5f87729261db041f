package views

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// focusPollInterval is how often focusReveal looks at the focused object. Fyne has no
// focus-changed callback; ten looks a second follow Tab without a visible lag.
const focusPollInterval = 100 * time.Millisecond

// revealInScroll scrolls sc by the smallest amount that shows obj whole (its top first
// when it is taller than the view). It reports whether obj is inside sc; when it is not,
// nothing moves. The caller lays out first if obj's size just changed.
func revealInScroll(sc *container.Scroll, obj fyne.CanvasObject) bool {
	if sc == nil || sc.Content == nil || obj == nil {
		return false
	}
	pos, ok := locate(sc.Content, obj)
	if !ok {
		return false
	}
	pad := theme.Padding()
	view, size, off := sc.Size(), obj.Size(), sc.Offset
	if sc.Direction == container.ScrollBoth || sc.Direction == container.ScrollVerticalOnly {
		off.Y = revealAxis(off.Y, view.Height, pos.Y, size.Height, pad)
	}
	if sc.Direction == container.ScrollBoth || sc.Direction == container.ScrollHorizontalOnly {
		off.X = revealAxis(off.X, view.Width, pos.X, size.Width, pad)
	}
	sc.ScrollToOffset(off) // clamps to the content
	return true
}

// revealAxis is the new offset along one axis: unchanged when [start, start+length] is
// in [offset, offset+view], else the nearest offset that shows it, pad to spare.
func revealAxis(offset, view, start, length, pad float32) float32 {
	end := start + length
	switch {
	case start >= offset && end <= offset+view:
		return offset
	case start < offset || length+2*pad > view:
		return max(0, start-pad)
	default:
		return end + pad - view
	}
}

// locate finds obj under root and returns its position relative to root's top-left
// corner, summing the positions on the way down. The walk follows containers and the
// layout widgets whose children are public (scroll, split, tabs). An object inside
// another widget's renderer (a Check of a CheckGroup, say) is out of its reach: for
// those the driver's absolute positions are compared, and obj counts as inside when it
// lies within a widget the walk did reach.
func locate(root, obj fyne.CanvasObject) (fyne.Position, bool) {
	var found *fyne.Position
	var leaves []leafBox
	var walk func(o fyne.CanvasObject, at fyne.Position)
	walk = func(o fyne.CanvasObject, at fyne.Position) {
		if found != nil || o == nil || !o.Visible() {
			return
		}
		if o == obj {
			found = &at
			return
		}
		children, known := childrenOf(o)
		if !known {
			if _, isWidget := o.(fyne.Widget); isWidget {
				leaves = append(leaves, leafBox{at, o.Size()})
			}
			return
		}
		for _, ch := range children {
			if ch != nil {
				walk(ch, at.Add(ch.Position()))
			}
		}
	}
	walk(root, fyne.Position{})
	if found != nil {
		return *found, true
	}
	if len(leaves) == 0 || !obj.Visible() {
		return fyne.Position{}, false
	}
	d := fyne.CurrentApp().Driver()
	absObj := d.AbsolutePositionForObject(obj)
	if absObj == d.AbsolutePositionForObject(unplaced) {
		return fyne.Position{}, false // obj is in no window: the driver's "not found"
	}
	rel := absObj.Subtract(d.AbsolutePositionForObject(root))
	for _, l := range leaves {
		if l.contains(rel, obj.Size()) {
			return rel, true
		}
	}
	return fyne.Position{}, false
}

// unplaced is in no window; the driver's position for it is what it answers for an
// object it cannot find.
var unplaced = canvas.NewRectangle(nil)

type leafBox struct {
	pos  fyne.Position
	size fyne.Size
}

func (l leafBox) contains(p fyne.Position, s fyne.Size) bool {
	const slack = 0.5 // float rounding of positions summed two ways
	return p.X >= l.pos.X-slack && p.Y >= l.pos.Y-slack &&
		p.X+s.Width <= l.pos.X+l.size.Width+slack && p.Y+s.Height <= l.pos.Y+l.size.Height+slack
}

// childrenOf lists the objects drawn inside o that are reachable without Fyne's
// renderer cache; known is false for any other widget, and for plain canvas objects.
func childrenOf(o fyne.CanvasObject) (children []fyne.CanvasObject, known bool) {
	switch c := o.(type) {
	case *fyne.Container:
		return c.Objects, true
	case *container.Scroll:
		return []fyne.CanvasObject{c.Content}, true
	case *container.Split:
		return []fyne.CanvasObject{c.Leading, c.Trailing}, true
	case *container.AppTabs:
		if sel := c.Selected(); sel != nil {
			return []fyne.CanvasObject{sel.Content}, true
		}
		return nil, true
	case *container.DocTabs:
		if sel := c.Selected(); sel != nil {
			return []fyne.CanvasObject{sel.Content}, true
		}
		return nil, true
	}
	return nil, false
}

// scrollsIn lists the scroll containers shown under root, outermost first: what
// focusReveal needs for the screen on view.
func scrollsIn(root fyne.CanvasObject) []*container.Scroll {
	var out []*container.Scroll
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		if sc, ok := o.(*container.Scroll); ok {
			out = append(out, sc)
		}
		children, _ := childrenOf(o)
		for _, ch := range children {
			walk(ch)
		}
	}
	walk(root)
	return out
}

// revealInScrolls reveals obj in each of scrolls that holds it, the innermost first so
// that the outer ones then see where it ended up.
func revealInScrolls(scrolls []*container.Scroll, obj fyne.CanvasObject) {
	for i := len(scrolls) - 1; i >= 0; i-- {
		revealInScroll(scrolls[i], obj)
	}
}

// focusReveal scrolls the focused object into view when the focus moves, by Tab or
// from code. scrolls returns the scroll containers of the screen on view, outermost
// first (scrollsIn gives them in that order).
// Its looks run through ui, the window's UI goroutine.
type focusReveal struct {
	canvas  fyne.Canvas
	ui      *UI
	scrolls func() []*container.Scroll
	last    fyne.Focusable
}

func newFocusReveal(c fyne.Canvas, ui *UI, scrolls func() []*container.Scroll) *focusReveal {
	return &focusReveal{canvas: c, ui: ui, scrolls: scrolls}
}

// check is one look at the focus, on the Fyne goroutine: a newly focused object is
// revealed. Focus that stays put is left alone, so the user can scroll away from it.
// Nothing moves while a dialog or pop-up is open: the focus is in it, not on the screen.
func (r *focusReveal) check() {
	f := r.canvas.Focused()
	if f == r.last {
		return
	}
	r.last = f
	obj, ok := f.(fyne.CanvasObject)
	if !ok || obj == nil || r.canvas.Overlays().Top() != nil {
		return
	}
	revealInScrolls(r.scrolls(), obj)
}

// start polls the focus every focusPollInterval until the returned stop is called.
// newTicker (nil for a real one) returns the tick channel and its stop func.
func (r *focusReveal) start(newTicker func(time.Duration) (<-chan time.Time, func())) (stop func()) {
	if newTicker == nil {
		newTicker = func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(d)
			return t.C, t.Stop
		}
	}
	ticks, stopTicker := newTicker(focusPollInterval)
	done := make(chan struct{})
	ui := r.ui
	go func() {
		defer stopTicker()
		for {
			select {
			case <-done:
				return
			case <-ticks:
				ui.Do(func() {
					select {
					case <-done: // stopped while this look was queued
					default:
						r.check()
					}
				})
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done) }) }
}
