package views

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
)

// explainedError shows an error explained: what went wrong and what to do, with the
// technical detail below in small print.
type explainedError struct {
	object       *fyne.Container
	text, detail *widget.Label
}

func newExplainedError() *explainedError {
	p := &explainedError{text: widget.NewLabel(""), detail: widget.NewLabel("")}
	p.text.Wrapping = fyne.TextWrapWord
	p.text.Importance = widget.DangerImportance
	p.detail.Wrapping = fyne.TextWrapWord
	p.detail.Importance = widget.LowImportance
	p.object = container.New(layout.NewCustomPaddedVBoxLayout(0), p.text, p.detail)
	p.object.Hide()
	return p
}

// show explains err. lead (optional) comes before the explanation, extra (optional)
// with the technical detail.
func (p *explainedError) show(lead string, err error, extra string) {
	pr := app.Explain(err)
	if pr == nil {
		p.clear()
		return
	}
	text := strings.TrimSpace(lead + " " + pr.Title + " " + pr.Remedy)
	p.text.SetText(text)
	p.detail.SetText(strings.TrimSpace(strings.Join([]string{extra, pr.Detail()}, "\n")))
	p.object.Show()
}

func (p *explainedError) clear() {
	p.text.SetText("")
	p.detail.SetText("")
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
