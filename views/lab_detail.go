package views

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/pingone/lab"
)

// labDetail is one case in full, beside the table: what the lab did, what must happen
// and what an attacker would gain otherwise, what came back, the verdict with why, and
// the redacted requests, each with Copy as cURL. The exchanges were redacted when they
// were recorded (pingone.Transcript), so no code, verifier, token or password is shown.
type labDetail struct {
	object   fyne.CanvasObject
	title    *widget.Label
	done     *widget.Label
	expected *widget.Label
	attacker *widget.Label
	ref      *widget.Label
	actual   *widget.Label
	verdict  *widget.Label
	info     *widget.Label
	requests *fyne.Container
	body     *fyne.Container
	empty    *widget.Label
	copy     func(text string)
	shown    int // the case number shown; 0 for none
}

func newLabDetail(copyText func(string)) *labDetail {
	d := &labDetail{copy: copyText}
	d.title = sectionTitle("")
	d.title.Wrapping = fyne.TextWrapWord
	d.done, d.expected, d.attacker, d.ref = labWrapped(), labWrapped(), labWrapped(), labWrapped()
	d.attacker.TextStyle.Italic = true
	d.ref.Importance = widget.LowImportance
	d.actual, d.verdict, d.info = labWrapped(), labWrapped(), labWrapped()
	d.verdict.TextStyle.Bold = true
	d.requests = container.NewVBox()
	d.body = container.NewVBox(d.title,
		sectionTitle("What the lab does"), d.done,
		sectionTitle("Expected"), d.expected, d.attacker, d.ref,
		sectionTitle("What came back"), d.actual,
		sectionTitle("Verdict"), d.verdict, d.info,
		sectionTitle("Requests it made (redacted)"), d.requests)
	d.body.Hide()
	d.empty = labWrapped()
	d.empty.SetText("Pick a case in the table (Tab to a row, then Enter) to see what was done, what was expected and what came back.")
	d.object = container.NewVScroll(container.NewVBox(d.empty, d.body))
	return d
}

func labWrapped() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	return l
}

// show renders a case, with its result once it has one.
func (d *labDetail) show(c lab.Case, r *lab.Result) {
	d.shown = c.Number
	d.empty.Hide()
	d.body.Show()
	d.title.SetText("Case " + strconv.Itoa(c.Number) + ": " + c.Name)
	d.done.SetText(c.Done)
	d.expected.SetText(c.Expected)
	d.attacker.SetText("Why it matters: " + c.Why)
	d.ref.SetText("Reference: " + c.Reference + ". Needs " + c.Needs + ".")
	d.requests.RemoveAll()
	if r == nil {
		d.actual.SetText("Not run yet.")
		d.verdict.Importance = widget.LowImportance
		d.verdict.SetText("Not run yet.")
		setShown(d.info, "")
		d.requests.Add(widget.NewLabel("None yet."))
		d.body.Refresh()
		return
	}
	d.actual.SetText(labActualText(r.Actual))
	d.verdict.Importance = labVerdictImportance(r.Verdict)
	d.verdict.SetText(labVerdictText(*r))
	info := r.Info
	if r.AppID != "" {
		if info != "" {
			info += "\n"
		}
		info += "Application used: " + r.AppID
	}
	setShown(d.info, info)
	if len(r.Exchanges) == 0 {
		d.requests.Add(widget.NewLabel("This case made no requests."))
	}
	for _, e := range r.Exchanges {
		line := widget.NewLabel(labExchangeLine(e))
		line.Wrapping = fyne.TextWrapBreak
		curl := e.Curl()
		btn := widget.NewButtonWithIcon("Copy as cURL", theme.ContentCopyIcon(), func() { d.copy(curl) })
		btn.Importance = widget.LowImportance
		d.requests.Add(container.NewBorder(nil, nil, nil, btn, line))
	}
	d.body.Refresh()
}
