package views

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/pkcedesk/pkcedesk/pingone"
	"github.com/pkcedesk/pkcedesk/pingone/lab"
)

// labVerdictImportance colours a verdict with the theme's own colours, so it reads in
// dark and light alike; the word beside it says the same for anyone who cannot tell
// the colours apart.
func labVerdictImportance(v lab.Verdict) widget.Importance {
	switch v {
	case lab.Holds:
		return widget.SuccessImportance
	case lab.DoesNotHold:
		return widget.DangerImportance
	case lab.CouldNotRun:
		return widget.WarningImportance
	}
	return widget.LowImportance
}

// labVerdictWord is a verdict as the table shows it: a mark and the word.
func labVerdictWord(v lab.Verdict) string {
	switch v {
	case lab.Holds:
		return "✔ holds"
	case lab.DoesNotHold:
		return "✘ does not hold"
	case lab.CouldNotRun:
		return "? could not run"
	}
	return string(v)
}

// labActualText is what came back, one fact a line, leaving out what is empty.
func labActualText(a lab.Actual) string {
	var lines []string
	if a.Summary != "" {
		lines = append(lines, a.Summary)
	}
	if a.Status != 0 {
		lines = append(lines, fmt.Sprintf("HTTP status: %d", a.Status))
	}
	if a.Error != "" {
		lines = append(lines, "error: "+a.Error)
	}
	if a.ErrorDescription != "" {
		lines = append(lines, "error_description: "+a.ErrorDescription)
	}
	if a.CorrelationID != "" {
		lines = append(lines, "PingOne correlation ID: "+a.CorrelationID)
	}
	if len(lines) == 0 {
		return "Nothing came back."
	}
	return strings.Join(lines, "\n")
}

// labVerdictText is the verdict in a sentence, with why when it is not "holds".
func labVerdictText(r lab.Result) string {
	switch r.Verdict {
	case lab.Holds:
		return "Holds: the defence worked, the attack was refused."
	case lab.DoesNotHold:
		return "Does not hold: the attack got through. " + r.Why
	case lab.CouldNotRun:
		return "Could not run: " + r.Why
	}
	return string(r.Verdict)
}

// labExchangeLine names one redacted request and its answer.
func labExchangeLine(e pingone.Exchange) string {
	line := e.Method + " " + pingone.SanitizeText(e.URL, 160)
	if e.Status != 0 {
		line += fmt.Sprintf(" → %d", e.Status)
	}
	return line
}

// labSummary is the status line after a run.
func labSummary(rep lab.Report) string {
	s := fmt.Sprintf("%d %s: %d hold, %d do not hold, %d could not run (%s).",
		len(rep.Results), pluralWord(len(rep.Results), "case", "cases"),
		rep.Count(lab.Holds), rep.Count(lab.DoesNotHold), rep.Count(lab.CouldNotRun),
		rep.Duration.Round(100*time.Millisecond))
	if rep.Cancelled {
		s = "Cancelled. " + s
	}
	if n := len(rep.CleanedUp); n > 0 {
		s += fmt.Sprintf(" Cleaned up: %s.", strings.Join(rep.CleanedUp, "; "))
	}
	if len(rep.CleanupFailed) > 0 {
		s += " NOT cleaned up, remove by hand: " + strings.Join(rep.CleanupFailed, "; ") + "."
	}
	return s
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
