package views

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/pingone/token"
)

// tokensChecklist is the Checklist tab: the verification report's checks under a summary,
// and the verdict, the same outcome in a word beside the token's kind.
type tokensChecklist struct {
	object  fyne.CanvasObject
	summary *widget.Label
	box     *fyne.Container
	rows    []checkRow
	verdict *widget.Label
}

func newTokensChecklist() *tokensChecklist {
	c := &tokensChecklist{
		summary: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		box:     container.NewVBox(),
		verdict: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
	}
	c.summary.Wrapping = fyne.TextWrapWord
	c.object = container.NewVBox(c.summary, c.box)
	return c
}

// fill shows a token's report; verifyErr is the verifier's error when it gave no report,
// and pasted says the token was pasted (so Verify signature can still be asked for).
func (c *tokensChecklist) fill(report *token.Report, verifyErr error, pasted bool) {
	defer c.fillVerdict(report)
	c.box.RemoveAll()
	c.rows = nil
	c.summary.Importance = widget.MediumImportance
	switch {
	case verifyErr != nil:
		c.summary.Importance = widget.DangerImportance
		c.summary.SetText("Could not verify: " + verifyErr.Error())
		return
	case report == nil && pasted:
		c.summary.SetText("Not verified. Decoding shows what the token says, not whether it is genuine: use Verify signature to check it against the issuer's published keys.")
		return
	case report == nil:
		c.summary.SetText("This token was not verified by the sign-in. Access and refresh tokens are meant for the API, not for this app.")
		return
	}

	failed := len(report.Failed())
	applicable := 0
	for _, ch := range report.Checks {
		if ch.Status != token.NotApplicable {
			applicable++
		}
		row := newCheckRow(ch)
		c.rows = append(c.rows, row)
		c.box.Add(row.object())
	}
	switch {
	case failed == 0 && applicable > 0:
		c.summary.Importance = widget.SuccessImportance
		c.summary.SetText(fmt.Sprintf("All %d applicable checks passed.", applicable))
	case failed > 0:
		c.summary.Importance = widget.DangerImportance
		c.summary.SetText(fmt.Sprintf("%d of %d checks failed: do not trust this token.", failed, applicable))
	default:
		c.summary.SetText("No checks applied.")
	}
}

// fillVerdict repeats the checklist's outcome next to the token's kind, so whether the
// token can be trusted is visible without opening the Checklist tab.
func (c *tokensChecklist) fillVerdict(report *token.Report) {
	switch {
	case report == nil:
		c.verdict.Importance = widget.LowImportance
		c.verdict.SetText("· not verified")
	case len(report.Failed()) > 0:
		c.verdict.Importance = widget.DangerImportance
		c.verdict.SetText(fmt.Sprintf("· %d checks FAILED", len(report.Failed())))
	default:
		c.verdict.Importance = widget.SuccessImportance
		c.verdict.SetText("· verified")
	}
}

func (c *tokensChecklist) clear() {
	c.box.RemoveAll()
	c.rows = nil
	c.summary.SetText("")
	c.verdict.SetText("")
}

// checkRow is one line of the verification checklist.
type checkRow struct {
	ID     string
	Status token.Status
	Icon   *widget.Icon
	Title  *widget.Label
	Reason *widget.Label
}

func newCheckRow(c token.Check) checkRow {
	r := checkRow{
		ID:     c.ID,
		Status: c.Status,
		Icon:   widget.NewIcon(statusIcon(c.Status)),
		Title:  widget.NewLabelWithStyle(c.Title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		Reason: widget.NewLabel(c.Reason),
	}
	r.Reason.Wrapping = fyne.TextWrapWord
	switch c.Status {
	case token.Failed:
		r.Title.Importance = widget.DangerImportance
	case token.NotApplicable:
		r.Title.Importance = widget.LowImportance
		r.Reason.Importance = widget.LowImportance
	}
	return r
}

func (r checkRow) object() fyne.CanvasObject {
	status := widget.NewLabel(statusWord(r.Status))
	status.Importance = r.Title.Importance
	if r.Status == token.Passed {
		status.Importance = widget.SuccessImportance
	}
	text := container.New(layout.NewCustomPaddedVBoxLayout(0), r.Title, r.Reason)
	return container.NewVBox(container.NewBorder(nil, nil, container.NewVBox(r.Icon), status, text), widget.NewSeparator())
}

func statusWord(s token.Status) string {
	switch s {
	case token.Passed:
		return "Passed"
	case token.Failed:
		return "Failed"
	default:
		return "Not applicable"
	}
}

func statusIcon(s token.Status) fyne.Resource {
	switch s {
	case token.Passed:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case token.Failed:
		return theme.NewErrorThemedResource(theme.CancelIcon())
	default:
		return theme.NewDisabledResource(theme.ContentRemoveIcon())
	}
}
