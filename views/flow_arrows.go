package views

import (
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// flowDiagram draws an app.Flow as a sequence diagram of our own: the lanes' names across
// the top, then one row per step with its arrow from lane to lane, its label, status and
// duration, its plain failure reason, and its two-line note (the standard, then PingOne).
// The rows are focusable: Tab moves between them and Enter, Space or a click opens the
// step's redacted request and response.
type flowDiagram struct {
	win    fyne.Window // parent of the detail dialog; nil in tests that do not open it
	header *fyne.Container
	rows   *fyne.Container
	object fyne.CanvasObject // the lane names over the rows, which scroll with below
	scroll *container.Scroll
	flow   app.Flow
}

// newFlowDiagram builds an empty diagram; below (optional) scrolls under the rows.
func newFlowDiagram(win fyne.Window, below ...fyne.CanvasObject) *flowDiagram {
	d := &flowDiagram{win: win, header: container.NewGridWithColumns(1), rows: container.NewVBox()}
	d.scroll = container.NewVScroll(container.NewVBox(append([]fyne.CanvasObject{d.rows}, below...)...))
	d.object = container.NewBorder(d.header, nil, nil, nil, d.scroll)
	return d
}

// newFlowDiagramOf is a diagram showing f, for the side-by-side view.
func newFlowDiagramOf(win fyne.Window, f app.Flow) fyne.CanvasObject {
	d := newFlowDiagram(win)
	d.set(f)
	return d.object
}

// set shows f: rows are reused, so a live flow does not flicker as it grows.
func (d *flowDiagram) set(f app.Flow) {
	grew := len(f.Steps) > len(d.flow.Steps) || f.ID != d.flow.ID
	d.flow = f
	defer func() {
		if grew && len(f.Steps) > 0 {
			// Keep the newest step in view, as a live audience expects.
			d.rows.Refresh()
			last := d.rows.Objects[len(f.Steps)-1]
			if off := last.Position().Y + last.Size().Height - d.scroll.Size().Height; off > d.scroll.Offset.Y {
				d.scroll.ScrollToOffset(fyne.NewPos(0, off))
			}
		}
	}()
	if len(d.header.Objects) != len(f.Lanes) || !sameLanes(d.header.Objects, f.Lanes) {
		objs := make([]fyne.CanvasObject, len(f.Lanes))
		for i, l := range f.Lanes {
			t := widget.NewLabelWithStyle(l.Label, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
			t.Truncation = fyne.TextTruncateEllipsis
			objs[i] = t
		}
		d.header.Objects = objs
		d.header.Layout = container.NewGridWithColumns(max(len(f.Lanes), 1)).Layout
		d.header.Refresh()
	}
	for i, st := range f.Steps {
		if i < len(d.rows.Objects) {
			r := d.rows.Objects[i].(*flowRow)
			r.set(f.Lanes, st)
			continue
		}
		r := newFlowRow(d)
		r.set(f.Lanes, st)
		d.rows.Add(r)
	}
	if len(d.rows.Objects) > len(f.Steps) {
		d.rows.Objects = d.rows.Objects[:len(f.Steps)]
	}
	d.rows.Refresh() // a row that gained a reason is taller
}

func sameLanes(objs []fyne.CanvasObject, lanes []app.Lane) bool {
	for i, o := range objs {
		if l, ok := o.(*widget.Label); !ok || l.Text != lanes[i].Label {
			return false
		}
	}
	return true
}

// openStep shows a step's redacted request and response.
func (d *flowDiagram) openStep(st app.FlowStep) {
	if d.win == nil {
		return
	}
	l := monoLabel()
	l.SetText(stepDetailText(st))
	l.Wrapping = fyne.TextWrapBreak
	scroll := container.NewVScroll(l)
	dlg := dialog.NewCustom(st.Label, "Close", scroll, d.win)
	size := d.win.Canvas().Size()
	dlg.Resize(fyne.NewSize(size.Width*0.9, size.Height*0.85))
	closeOnEscape(d.win, dlg)
	dlg.Show()
}

// stepDetailText is what a step's dialog shows: its notes, why it failed, and its redacted
// request and response (personal values masked too in presenter view).
func stepDetailText(st app.FlowStep) string {
	text := st.Label + "\n\nSpec: " + st.Spec + "\nPingOne: " + st.PingOne
	if st.Reason != "" {
		text += "\n\n" + st.Reason
	}
	if x := st.Exchange; x != nil {
		text += "\n\n" + requestText(*x)
		if x.Status != 0 || x.Err != "" {
			text += "\n\n" + responseText(*x)
		}
	} else {
		text += "\n\nNo HTTP request of the desk's: " + flowStepWhy(st)
	}
	return text
}

func flowStepWhy(st app.FlowStep) string {
	switch {
	case st.From == st.To:
		return "this step happens inside " + string(st.From) + "."
	case st.From == app.LaneBrowser || st.To == app.LaneBrowser:
		return "the browser makes this request; the desk sees only its result."
	}
	return "the step has no exchange to show."
}

// flowStateText is what a row says about its state, besides its colour.
func flowStateText(st app.FlowStep) string {
	switch st.State {
	case app.FlowHeld:
		return "paused: press Next (Space)"
	case app.FlowRunning:
		return "…"
	case app.FlowFailed:
		if st.Status != 0 {
			return strconv.Itoa(st.Status) + " · failed"
		}
		return "failed"
	}
	out := "ok"
	if st.Status != 0 {
		out = strconv.Itoa(st.Status)
	}
	if st.Duration > 0 {
		out += " · " + formatDuration(st.Duration)
	}
	return out
}

func flowStateColour(s app.FlowState) color.Color {
	switch s {
	case app.FlowHeld:
		return theme.Color(theme.ColorNameWarning)
	case app.FlowRunning:
		return theme.Color(theme.ColorNamePrimary)
	case app.FlowFailed:
		return theme.Color(theme.ColorNameError)
	}
	return theme.Color(theme.ColorNameSuccess)
}

// flowRow is one step of the diagram.
type flowRow struct {
	widget.BaseWidget
	d       *flowDiagram
	lanes   []app.Lane
	step    app.FlowStep
	focused bool
}

func newFlowRow(d *flowDiagram) *flowRow {
	r := &flowRow{d: d}
	r.ExtendBaseWidget(r)
	return r
}

func (r *flowRow) set(lanes []app.Lane, st app.FlowStep) {
	r.lanes, r.step = lanes, st
	r.Refresh()
}

// Tapped opens the step.
func (r *flowRow) Tapped(*fyne.PointEvent) {
	if c := fyne.CurrentApp(); c != nil && c.Driver() != nil {
		if cv := c.Driver().CanvasForObject(r); cv != nil {
			cv.Focus(r)
		}
	}
	r.d.openStep(r.step)
}

// FocusGained and the rest make the row reachable with Tab.
func (r *flowRow) FocusGained() { r.focused = true; r.Refresh() }

// FocusLost clears the focus outline.
func (r *flowRow) FocusLost() { r.focused = false; r.Refresh() }

// TypedRune opens the step on Space.
func (r *flowRow) TypedRune(c rune) {
	if c == ' ' {
		r.d.openStep(r.step)
	}
}

// TypedKey opens the step on Enter.
func (r *flowRow) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		r.d.openStep(r.step)
	}
}

func (r *flowRow) CreateRenderer() fyne.WidgetRenderer {
	rr := &flowRowRenderer{r: r, focus: canvas.NewRectangle(color.Transparent),
		shaft: canvas.NewLine(color.Black), headA: canvas.NewLine(color.Black), headB: canvas.NewLine(color.Black),
		box:   canvas.NewRectangle(color.Transparent),
		label: canvas.NewText("", color.Black), state: canvas.NewText("", color.Black),
		reason: canvas.NewText("", color.Black), spec: canvas.NewText("", color.Black), ping: canvas.NewText("", color.Black)}
	rr.label.TextStyle.Bold = true
	return rr
}

type flowRowRenderer struct {
	r                    *flowRow
	focus, box           *canvas.Rectangle
	lines                []*canvas.Line
	shaft, headA, headB  *canvas.Line
	label, state, reason *canvas.Text
	spec, ping           *canvas.Text
	objects              []fyne.CanvasObject
}

func (rr *flowRowRenderer) sizes() (text, note float32) {
	return theme.TextSize(), theme.CaptionTextSize()
}

func (rr *flowRowRenderer) MinSize() fyne.Size {
	ts, ns := rr.sizes()
	h := ts*1.4 + 14 + 2*ns*1.4 + 8
	if rr.r.step.Reason != "" {
		h += ns * 1.4
	}
	return fyne.NewSize(200, h)
}

func (rr *flowRowRenderer) laneX(w float32, id app.FlowLane) float32 {
	n := len(rr.r.lanes)
	for i, l := range rr.r.lanes {
		if l.ID == id {
			return (float32(i) + 0.5) * w / float32(n)
		}
	}
	return w / 2
}

func (rr *flowRowRenderer) Layout(size fyne.Size) {
	ts, ns := rr.sizes()
	w := size.Width
	st := rr.r.step
	col := flowStateColour(st.State)
	fg := theme.Color(theme.ColorNameForeground)
	soft := theme.Color(theme.ColorNamePlaceHolder)

	// Lane lines down the whole row.
	for len(rr.lines) < len(rr.r.lanes) {
		rr.lines = append(rr.lines, canvas.NewLine(soft))
	}
	rr.lines = rr.lines[:len(rr.r.lanes)]
	for i := range rr.lines {
		x := (float32(i) + 0.5) * w / float32(len(rr.lines))
		rr.lines[i].StrokeColor, rr.lines[i].StrokeWidth = soft, 1
		rr.lines[i].Position1, rr.lines[i].Position2 = fyne.NewPos(x, 0), fyne.NewPos(x, size.Height)
	}

	x1, x2 := rr.laneX(w, st.From), rr.laneX(w, st.To)
	arrowY := ts*1.4 + 7
	for _, l := range []*canvas.Line{rr.shaft, rr.headA, rr.headB} {
		l.StrokeColor, l.StrokeWidth = col, 2
	}
	rr.box.Hide()
	if x1 == x2 { // a step inside one lane: a small box on its line
		rr.box.StrokeColor, rr.box.StrokeWidth, rr.box.FillColor = col, 2, color.Transparent
		rr.box.Move(fyne.NewPos(x1-8, arrowY-7))
		rr.box.Resize(fyne.NewSize(16, 14))
		rr.box.Show()
		rr.shaft.Hide()
		rr.headA.Hide()
		rr.headB.Hide()
	} else {
		rr.shaft.Show()
		rr.headA.Show()
		rr.headB.Show()
		rr.shaft.Position1, rr.shaft.Position2 = fyne.NewPos(x1, arrowY), fyne.NewPos(x2, arrowY)
		dir := float32(1)
		if x2 < x1 {
			dir = -1
		}
		rr.headA.Position1, rr.headA.Position2 = fyne.NewPos(x2-dir*9, arrowY-5), fyne.NewPos(x2, arrowY)
		rr.headB.Position1, rr.headB.Position2 = fyne.NewPos(x2-dir*9, arrowY+5), fyne.NewPos(x2, arrowY)
	}

	// The label over the arrow, starting at its left end (or beside a box).
	left := min(x1, x2) + 6
	if x1 == x2 {
		left = x1 + 14
	}
	stateText := flowStateText(st)
	stateCol := col
	if st.State == app.FlowOK {
		stateCol = fg // the arrow is green; its text stays readable in both themes
	}
	rr.state.Text, rr.state.Color, rr.state.TextSize = stateText, stateCol, ns
	rr.state.TextStyle.Bold = st.State != app.FlowOK
	sw := fyne.MeasureText(stateText, ns, rr.state.TextStyle).Width
	stateX := max(x1, x2) + 6
	if x1 == x2 || stateX+sw > w {
		stateX = w - sw - 4
	}
	rr.state.Move(fyne.NewPos(stateX, arrowY+2))
	rr.label.Color, rr.label.TextSize = fg, ts
	rr.label.Text = fitText(st.Label, w-left-4, ts, rr.label.TextStyle)
	if left+fyne.MeasureText(rr.label.Text, ts, rr.label.TextStyle).Width > w-4 {
		left = 4
	}
	rr.label.Move(fyne.NewPos(left, 2))

	y := arrowY + 8
	rr.reason.Hide()
	if st.Reason != "" {
		rr.reason.Text, rr.reason.Color, rr.reason.TextSize = fitText(st.Reason, w-8, ns, rr.reason.TextStyle), theme.Color(theme.ColorNameError), ns
		rr.reason.TextStyle.Bold = true
		rr.reason.Move(fyne.NewPos(4, y))
		rr.reason.Show()
		y += ns * 1.4
	}
	for _, t := range []struct {
		c    *canvas.Text
		text string
	}{{rr.spec, "Spec: " + st.Spec}, {rr.ping, "PingOne: " + st.PingOne}} {
		t.c.Text, t.c.Color, t.c.TextSize = fitText(t.text, w-8, ns, t.c.TextStyle), soft, ns
		if strings.HasSuffix(t.text, ": ") {
			t.c.Text = ""
		}
		t.c.Move(fyne.NewPos(4, y))
		y += ns * 1.4
	}

	rr.focus.StrokeWidth, rr.focus.FillColor = 2, color.Transparent
	rr.focus.StrokeColor = color.Transparent
	if rr.r.focused {
		rr.focus.StrokeColor = theme.Color(theme.ColorNameFocus)
	}
	rr.focus.Resize(size)

	rr.objects = rr.objects[:0]
	for _, l := range rr.lines {
		rr.objects = append(rr.objects, l)
	}
	rr.objects = append(rr.objects, rr.focus, rr.shaft, rr.headA, rr.headB, rr.box, rr.label, rr.state, rr.reason, rr.spec, rr.ping)
}

// fitText shortens s with an ellipsis to fit width; the full text is in the step's dialog.
func fitText(s string, width, size float32, style fyne.TextStyle) string {
	if width <= 0 || fyne.MeasureText(s, size, style).Width <= width {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fyne.MeasureText(string(r[:mid])+"…", size, style).Width <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(r[:lo]) + "…"
}

func (rr *flowRowRenderer) Refresh() {
	rr.Layout(rr.r.Size())
	for _, o := range rr.objects {
		o.Refresh()
	}
}

func (rr *flowRowRenderer) Objects() []fyne.CanvasObject {
	if len(rr.objects) == 0 {
		rr.Layout(rr.r.Size())
	}
	return rr.objects
}

func (rr *flowRowRenderer) Destroy() {}
