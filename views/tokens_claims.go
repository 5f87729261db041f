package views

import (
	"encoding/json"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// claimTable is the Claims or the Header tab: one row per claim (or header parameter)
// with its value and what it means.
type claimTable struct {
	box     *fyne.Container
	nameCol string // the first column's heading
	rows    []claimRow

	// Presenter view masks the personal claims' values (presenter.go) until a confirmed
	// Reveal, which lasts until the table shows other rows.
	presenter *Presenter
	reveal    *widget.Button
	revealed  bool
}

func newClaimTable(nameCol string) *claimTable {
	t := &claimTable{box: container.NewVBox(), nameCol: nameCol, presenter: currentPresenter()}
	t.reveal = newRevealButton(func() fyne.Window { return windowOf(nil) }, func() {
		t.revealed = true
		t.mask()
	})
	t.presenter.Subscribe(func(bool) { t.revealed = false; t.mask() })
	return t
}

// show replaces the table's rows.
func (t *claimTable) show(rows []claimRow) {
	t.box.RemoveAll()
	t.box.Add(container.NewBorder(nil, nil, nil, t.reveal, tableHeading(t.nameCol, "Value", "What it means")))
	t.rows = rows
	t.revealed = false
	for _, r := range rows {
		t.box.Add(r.object())
	}
	t.mask()
}

// mask shows every row's value, or its mask in presenter view, and the Reveal button
// while a personal value is masked.
func (t *claimTable) mask() {
	masked := false
	hide := t.presenter.On() && !t.revealed
	for _, r := range t.rows {
		v := r.real
		if hide && isPersonalClaim(r.Name) {
			v = maskClaimValue(r.Name, r.real)
			masked = masked || v != r.real
		}
		if r.Value.Text != v {
			r.Value.SetText(v)
		}
	}
	setRevealShown(t.reveal, masked)
}

func (t *claimTable) clear() {
	t.box.RemoveAll()
	t.rows = nil
	t.revealed = false
}

// claimRowsOf explains every claim of d; relative times are said against now.
func claimRowsOf(d *token.Decoded, now time.Time) []claimRow {
	var rows []claimRow
	for _, name := range token.SortedClaimNames(d.Claims) {
		title, text, known := token.ExplainClaim(name)
		if !known {
			title = "Custom claim"
			text = "Not a standard claim: usually an attribute the PingOne application maps into its tokens."
		}
		rows = append(rows, newClaimRow(name, title, token.DescribeValue(name, d.Claims[name], now), text))
	}
	return rows
}

// headerRowsOf explains every header parameter of d.
func headerRowsOf(d *token.Decoded) []claimRow {
	var rows []claimRow
	for _, name := range token.SortedClaimNames(d.Header) {
		title, text, known := token.ExplainHeader(name)
		if !known {
			title = "Other parameter"
			text = "Not a parameter this app knows."
		}
		rows = append(rows, newClaimRow(name, title, compactJSON(d.Header[name]), text))
	}
	return rows
}

// claimRow is one line of the claims or header table.
type claimRow struct {
	Name    string
	Title   *widget.Label
	Value   *widget.Label
	Meaning *widget.Label
	real    string // the value, which presenter view may mask in Value
}

func newClaimRow(name, title, value, meaning string) claimRow {
	r := claimRow{
		Name:    name,
		Title:   widget.NewLabel(title),
		Value:   widget.NewLabel(value),
		Meaning: widget.NewLabel(meaning),
		real:    value,
	}
	r.Title.Importance = widget.LowImportance
	r.Title.Wrapping = fyne.TextWrapWord
	r.Value.Wrapping = fyne.TextWrapBreak
	r.Value.Selectable = true
	r.Meaning.Wrapping = fyne.TextWrapWord
	// The explanations are what a non-expert reads: full contrast, set apart by italics
	// (the low-importance colour is too faint in the light theme).
	r.Meaning.TextStyle = fyne.TextStyle{Italic: true}
	return r
}

func (r claimRow) object() fyne.CanvasObject {
	name := widget.NewLabelWithStyle(r.Name, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	name.Wrapping = fyne.TextWrapBreak
	nameCell := container.New(layout.NewCustomPaddedVBoxLayout(-theme.Padding()*2), name, r.Title)
	cells := container.New(tableLayout{}, nameCell, r.Value, r.Meaning)
	return container.NewVBox(cells, widget.NewSeparator())
}

func tableHeading(cols ...string) fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(cols))
	for i, c := range cols {
		l := widget.NewLabelWithStyle(c, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Importance = widget.LowImportance
		objs[i] = l
	}
	return container.NewVBox(container.New(tableLayout{}, objs...), widget.NewSeparator())
}

func compactJSON(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// tableLayout lays three cells side by side in fixed proportions (name, value, meaning) so
// every row of a table lines up without a widget.Table's fixed row heights, which would cut
// off wrapped explanations.
type tableLayout struct{}

var tableWeights = [...]float32{0.24, 0.36, 0.40}

func (tableLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	avail := size.Width - pad*float32(len(objs)-1)
	x := float32(0)
	for i, o := range objs {
		w := avail * tableWeights[i%len(tableWeights)]
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + pad
	}
}

func (tableLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h, w float32
	for _, o := range objs {
		m := o.MinSize()
		h = max(h, m.Height)
		w += m.Width
	}
	return fyne.NewSize(w+theme.Padding()*float32(len(objs)-1), h)
}
