package views

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/app"
	"github.com/pkcedesk/pkcedesk/app/export"
)

// historyDetail shows one run: where it ran, how it ended and why, its steps and
// checklist, with the export buttons and "Copy a redacted summary". Nothing in a run is
// secret (exchanges are redacted, tokens and the verifier are not kept), so it shows the
// same in presenter view.
type historyDetail struct {
	object fyne.CanvasObject

	run             *export.Run
	verifierOf      func(id uint64) (string, bool)
	presenter       *Presenter
	hint            *widget.Label
	box             *fyne.Container
	title, facts    *widget.Label
	failure         *widget.Label
	steps, checks   *widget.Label
	checksTitle     *widget.Label
	exports         []*widget.Button
	summary, postmn *widget.Button
	note            *widget.Label
}

// newHistoryDetail builds the panel; export saves the shown run in a format, postman saves
// its Postman collection, summary copies its redacted summary.
// verifierOf gives a redeemed run's code_verifier, masked in presenter view.
func newHistoryDetail(exportAs func(export.Run, app.ExportFormat), postman func(export.Run), summary func(export.Run),
	verifierOf func(uint64) (string, bool), presenter *Presenter) *historyDetail {
	p := &historyDetail{verifierOf: verifierOf, presenter: presenter}
	p.hint = wrappedLabel()
	setShown(p.hint, "Pick a run to see what happened and to export it: as a Markdown report to attach to a ticket, as JSON, as a HAR file for a browser's developer tools, Fiddler or Charles, or as a Postman collection.")
	p.title = sectionTitle("")
	p.title.Wrapping = fyne.TextWrapWord
	p.facts = wrappedLabel()
	p.failure = wrappedLabel()
	p.failure.Importance = widget.DangerImportance
	p.steps = monoLabel()
	p.steps.Wrapping = fyne.TextWrapWord
	p.checksTitle = sectionTitle("ID token checklist")
	p.checks = wrappedLabel()
	var buttons []fyne.CanvasObject
	for _, f := range app.ExportFormats() {
		b := widget.NewButtonWithIcon(f.String()+"…", theme.DocumentSaveIcon(), func() {
			if p.run != nil {
				exportAs(*p.run, f)
			}
		})
		p.exports = append(p.exports, b)
		buttons = append(buttons, b)
	}
	p.postmn = widget.NewButtonWithIcon("Postman…", theme.DocumentSaveIcon(), func() {
		if p.run != nil {
			postman(*p.run)
		}
	})
	p.summary = widget.NewButtonWithIcon("Copy a redacted summary", theme.ContentCopyIcon(), func() {
		if p.run != nil {
			summary(*p.run)
		}
	})
	p.note = wrappedLabel()
	p.note.Importance = widget.LowImportance
	p.note.Hide()
	exportRow := container.NewHBox(append([]fyne.CanvasObject{widget.NewLabel("Export:")}, append(buttons, p.postmn)...)...)
	p.box = container.NewVBox(p.title, p.facts, p.failure,
		container.NewHScroll(exportRow), container.NewHBox(p.summary), p.note, widget.NewSeparator(),
		sectionTitle("Steps"), p.steps, p.checksTitle, p.checks)
	p.box.Hide()
	p.object = container.NewVScroll(container.NewVBox(p.hint, p.box))
	return p
}

// show puts r in the panel; nil empties it.
func (p *historyDetail) show(r *export.Run) {
	p.run = r
	p.note.Hide()
	if r == nil {
		p.box.Hide()
		p.hint.Show()
		return
	}
	p.hint.Hide()
	p.title.SetText(historyTitle(*r))
	setShown(p.facts, historyFacts(*r)+p.verifierLine(r.ID))
	setShown(p.failure, historyFailure(*r))
	p.steps.SetText(historySteps(*r))
	checks := historyChecks(*r)
	p.checksTitle.Hidden = checks == ""
	setShown(p.checks, checks)
	p.postmn.Hidden = r.App.ClientID == "" // a collection needs the app
	p.box.Show()
	p.box.Refresh()
}

// verifierLine shows a redeemed run's code_verifier: spent by then (RFC 7636 §4.5), and
// with it anyone can check that S256 of it is the challenge. Masked in presenter view.
func (p *historyDetail) verifierLine(id uint64) string {
	v, ok := p.verifierOf(id)
	if !ok {
		return ""
	}
	if p.presenter.On() {
		v = maskSecret(v) + " (hidden in presenter view)"
	}
	return "\ncode_verifier (redeemed, so spent): " + v
}

// rerender shows the same run again (presenter view flipped).
func (p *historyDetail) rerender() {
	if p.run != nil {
		r := *p.run
		p.show(&r)
	}
}

// noted says in the panel what the last action did ("Saved …", "Copied …").
func (p *historyDetail) noted(text string) { setShown(p.note, text) }

func historyFacts(r export.Run) string {
	c := r.Connection
	where := c.Name
	if c.Tag != "" && !c.Sandbox {
		where += " (" + c.Tag + ")"
	}
	lines := []string{
		"Connection: " + where,
		"Issuer: " + orDash(c.Issuer),
		"Application: " + orDash(r.App.ClientID),
		fmt.Sprintf("Started %s, took %s", r.Started.Local().Format("2006-01-02 15:04:05"), r.Duration.Round(time.Millisecond)),
	}
	if r.PKCE.Challenge != "" {
		lines = append(lines, "PKCE: "+r.PKCE.Method+", code_challenge "+r.PKCE.Challenge)
	}
	return strings.Join(lines, "\n")
}

// historyFailure names what failed: the run's reason and the failing step or check.
func historyFailure(r export.Run) string {
	if r.Outcome == "succeeded" {
		return ""
	}
	parts := []string{r.Error}
	for _, s := range r.Steps {
		if s.State == "failed" && s.Reason != "" && s.Reason != r.Error {
			parts = append(parts, "Failed at "+s.Name+": "+s.Reason)
			break
		}
	}
	for _, c := range r.Checks {
		if c.Status == "failed" {
			parts = append(parts, "Check failed: "+c.Title+" — "+c.Reason)
		}
	}
	return strings.TrimSpace(strings.Join(parts, "\n"))
}

func historySteps(r export.Run) string {
	if r.Lab != nil {
		var b strings.Builder
		for _, res := range r.Lab.Results {
			fmt.Fprintf(&b, "case %2d  %-13s %s\n", res.Case.Number, res.Verdict, res.Case.Name)
		}
		return strings.TrimRight(b.String(), "\n")
	}
	var b strings.Builder
	for _, s := range r.Steps {
		status := ""
		if s.Status != 0 {
			status = fmt.Sprintf(" %d", s.Status)
		}
		fmt.Fprintf(&b, "%-7s%s  %s\n", s.State, status, s.Label)
	}
	if b.Len() == 0 {
		return "No steps were recorded."
	}
	return strings.TrimRight(b.String(), "\n")
}

func historyChecks(r export.Run) string {
	var lines []string
	for _, c := range r.Checks {
		line := c.Status + ": " + c.Title
		if c.Reason != "" && c.Status != "passed" {
			line += " — " + c.Reason
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
