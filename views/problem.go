package views

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// explainedError shows an error explained: what went wrong and what to do, always in
// view, and the technical detail (the error's own text with PingOne's code, for a
// developer or a support ticket) behind a "Details" button that starts collapsed. The
// button is a plain button, so Tab reaches it and Space opens it.
type explainedError struct {
	object              *fyne.Container
	text, extra, detail *widget.Label
	toggle              *widget.Button
}

func newExplainedError() *explainedError {
	p := &explainedError{text: widget.NewLabel(""), extra: wrappedLabel(), detail: widget.NewLabel("")}
	p.text.Wrapping = fyne.TextWrapWord
	p.text.Importance = widget.DangerImportance
	p.detail.Wrapping = fyne.TextWrapWord
	p.detail.Importance = widget.LowImportance
	p.detail.Hide()
	p.toggle = widget.NewButtonWithIcon("Details", theme.MenuExpandIcon(), func() { p.setExpanded(!p.detail.Visible()) })
	p.toggle.Importance = widget.LowImportance
	p.toggle.Alignment = widget.ButtonAlignLeading
	p.toggle.Hide()
	p.object = container.New(layout.NewCustomPaddedVBoxLayout(0), p.text, p.extra, container.NewHBox(p.toggle), p.detail)
	p.object.Hide()
	return p
}

// setExpanded shows or hides the technical detail.
func (p *explainedError) setExpanded(open bool) {
	if open {
		p.toggle.SetIcon(theme.MenuDropDownIcon()) // ▾ open, as the timeline's title
		p.detail.Show()
	} else {
		p.toggle.SetIcon(theme.MenuExpandIcon()) // ▸ closed
		p.detail.Hide()
	}
	p.object.Refresh()
}

// expanded reports whether the detail is open.
func (p *explainedError) expanded() bool { return p.detail.Visible() }

// show explains err. lead (optional) comes before the explanation and extra (optional)
// under it, both in view; only the error's technical text goes behind Details.
func (p *explainedError) show(lead string, err error, extra string) {
	pr := app.Explain(err)
	if pr == nil {
		p.clear()
		return
	}
	text := strings.TrimSpace(lead + " " + pr.Title + " " + pr.Remedy)
	p.text.SetText(text)
	setShown(p.extra, strings.TrimSpace(extra))
	p.detail.SetText(pr.Detail())
	p.setExpanded(false) // a new error starts collapsed, whatever the last one showed
	if p.detail.Text == "" {
		p.toggle.Hide()
	} else {
		p.toggle.Show()
	}
	p.object.Show()
}

// clear hides the explanation and collapses its detail.
func (p *explainedError) clear() {
	p.text.SetText("")
	setShown(p.extra, "")
	p.detail.SetText("")
	p.setExpanded(false)
	p.toggle.Hide()
	p.object.Hide()
}

// showProblem puts an error in plain words into title (and its remedy into remedy, or
// after the title when there is no remedy label). app.Explain's texts never contain a
// secret, which is why raw error strings are never shown here.
func showProblem(title, remedy *widget.Label, err error) {
	p := app.Explain(err)
	if p == nil {
		return
	}
	title.Importance = widget.DangerImportance
	if remedy == nil {
		setShown(title, strings.TrimSpace(p.Title+" "+p.Remedy))
		return
	}
	setShown(title, p.Title)
	setShown(remedy, p.Remedy)
}
