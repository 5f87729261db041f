package views

import (
	"image/color"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/pingone/lab"
)

// labResults is the results table: one row a case (number, name, verdict in colour and
// in words), filled in as the run goes. Tab reaches each row; Enter, Space or a click
// shows the case's detail beside the table.
type labResults struct {
	object   fyne.CanvasObject
	rows     *fyne.Container
	byCase   map[int]*labRow
	selected *labRow
	onOpen   func(lab.Case, *lab.Result)
}

func newLabResults(onOpen func(lab.Case, *lab.Result)) *labResults {
	p := &labResults{rows: container.NewVBox(), byCase: map[int]*labRow{}, onOpen: onOpen}
	head := container.NewBorder(nil, nil, widget.NewLabelWithStyle("#", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle("Verdict", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle("Case", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	p.object = container.NewBorder(container.NewVBox(head, widget.NewSeparator()), nil, nil, nil, container.NewVScroll(p.rows))
	p.reset(nil)
	return p
}

// reset lists the cases of a run (every case when nums is empty), none run yet.
func (p *labResults) reset(nums []int) {
	p.rows.RemoveAll()
	p.byCase = map[int]*labRow{}
	p.selected = nil
	for _, c := range lab.Cases() {
		if len(nums) > 0 && !slices.Contains(nums, c.Number) {
			continue
		}
		r := newLabRow(p, c)
		p.byCase[c.Number] = r
		p.rows.Add(r)
	}
	p.rows.Refresh()
}

// started marks a case as running.
func (p *labResults) started(n int) {
	if r := p.byCase[n]; r != nil {
		r.state, r.imp = "running…", widget.HighImportance
		r.Refresh()
	}
}

// waiting shows a countdown on a case.
func (p *labResults) waiting(n int, text string) {
	if r := p.byCase[n]; r != nil {
		r.state, r.imp = text, widget.HighImportance
		r.Refresh()
	}
}

// finished puts a case's verdict in its row; the result itself comes with the report.
func (p *labResults) finished(n int, v lab.Verdict) {
	if r := p.byCase[n]; r != nil {
		r.state, r.imp = labVerdictWord(v), labVerdictImportance(v)
		r.Refresh()
	}
}

// show puts a whole report in the table.
func (p *labResults) show(rep lab.Report) {
	for i := range rep.Results {
		res := rep.Results[i]
		r := p.byCase[res.Case.Number]
		if r == nil {
			continue
		}
		r.result = &res
		r.state, r.imp = labVerdictWord(res.Verdict), labVerdictImportance(res.Verdict)
		r.Refresh()
	}
	if p.selected != nil {
		p.open(p.selected)
	}
}

// verdicts lists the rows' texts in order, for tests and the screen's summary.
func (p *labResults) verdicts() []string {
	var out []string
	for _, o := range p.rows.Objects {
		out = append(out, o.(*labRow).state)
	}
	return out
}

func (p *labResults) open(r *labRow) {
	if p.selected != nil && p.selected != r {
		p.selected.selected = false
		p.selected.Refresh()
	}
	p.selected, r.selected = r, true
	r.Refresh()
	if p.onOpen != nil {
		p.onOpen(r.c, r.result)
	}
}

// labRow is one case in the table.
type labRow struct {
	widget.BaseWidget
	p        *labResults
	c        lab.Case
	result   *lab.Result
	state    string
	imp      widget.Importance
	selected bool
	focused  bool
}

func newLabRow(p *labResults, c lab.Case) *labRow {
	r := &labRow{p: p, c: c, state: "not run", imp: widget.LowImportance}
	r.ExtendBaseWidget(r)
	return r
}

// Tapped shows the case's detail.
func (r *labRow) Tapped(*fyne.PointEvent) {
	if a := fyne.CurrentApp(); a != nil && a.Driver() != nil {
		if cv := a.Driver().CanvasForObject(r); cv != nil {
			cv.Focus(r)
		}
	}
	r.p.open(r)
}

// FocusGained and the rest make the row reachable with Tab.
func (r *labRow) FocusGained() { r.focused = true; r.Refresh() }

// FocusLost clears the focus outline.
func (r *labRow) FocusLost() { r.focused = false; r.Refresh() }

// TypedRune shows the detail on Space.
func (r *labRow) TypedRune(c rune) {
	if c == ' ' {
		r.p.open(r)
	}
}

// TypedKey shows the detail on Enter.
func (r *labRow) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		r.p.open(r)
	}
}

func (r *labRow) CreateRenderer() fyne.WidgetRenderer {
	rr := &labRowRenderer{r: r, bg: canvas.NewRectangle(color.Transparent),
		num: widget.NewLabel(""), name: widget.NewLabel(""), verdict: widget.NewLabel("")}
	rr.name.Truncation = fyne.TextTruncateEllipsis
	rr.verdict.TextStyle.Bold = true
	rr.verdict.Alignment = fyne.TextAlignTrailing
	rr.body = container.NewBorder(nil, nil, rr.num, rr.verdict, rr.name)
	rr.Refresh()
	return rr
}

type labRowRenderer struct {
	r                  *labRow
	bg                 *canvas.Rectangle
	num, name, verdict *widget.Label
	body               *fyne.Container
}

func (rr *labRowRenderer) Layout(s fyne.Size) {
	rr.bg.Resize(s)
	rr.body.Resize(s)
}

func (rr *labRowRenderer) MinSize() fyne.Size { return rr.body.MinSize() }

// Refresh redraws from the row's state and the current theme (dark or light).
func (rr *labRowRenderer) Refresh() {
	r := rr.r
	rr.num.SetText(strconv.Itoa(r.c.Number))
	rr.name.SetText(r.c.Name)
	rr.verdict.Importance = r.imp
	rr.verdict.SetText(r.state)
	rr.bg.FillColor = color.Transparent
	if r.selected {
		rr.bg.FillColor = theme.Color(theme.ColorNameSelection)
	}
	rr.bg.StrokeWidth = 0
	if r.focused {
		rr.bg.StrokeColor = theme.Color(theme.ColorNameFocus)
		rr.bg.StrokeWidth = 2
	}
	rr.bg.Refresh()
}

func (rr *labRowRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{rr.bg, rr.body} }

func (rr *labRowRenderer) Destroy() {}
