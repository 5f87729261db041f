package export

import (
	"fmt"
	"strings"

	"github.com/pkcedesk/pkcedesk/pingone/lab"
)

// Summary is the "Copy a redacted summary" text for a chat or a ticket: a few plain
// lines with the outcome, what was run, the app and connection, what failed and how long
// it took. Like every export it is redacted again.
func Summary(r Run) string {
	r = jsRedacted(r)
	var b strings.Builder
	what := r.Kind
	if what == "" {
		what = "run"
	}
	if r.Mode != "" {
		what += " (" + r.Mode + ")"
	}
	outcome := r.Outcome
	if outcome == "" {
		outcome = "unknown outcome"
	}
	fmt.Fprintf(&b, "PKCE Desk %s: %s, %s\n", what, outcome, mdDuration(r.Duration))

	conn := r.Connection.Name
	if conn == "" {
		conn = "an unnamed connection"
	}
	if r.Connection.Tag != "" {
		conn += " [" + r.Connection.Tag + "]"
	}
	if app := r.App.ClientID; app != "" {
		if r.App.Name != "" {
			app += " (" + r.App.Name + ")"
		}
		fmt.Fprintf(&b, "App %s on %s\n", sumOneLine(app), sumOneLine(conn))
	} else {
		fmt.Fprintf(&b, "On %s\n", sumOneLine(conn))
	}

	if f, ok := jsFailure(r); ok {
		var where string
		switch {
		case f.Step != "":
			where = "Failed at step " + f.Title
			if f.Title != f.Step {
				where += " (" + f.Step + ")"
			}
		case f.Check != "":
			where = "Failed ID token check " + f.Title + " (" + f.Check + ")"
		default:
			where = "Failed: " + f.Title
		}
		if f.Reason != "" {
			where += ": " + f.Reason
		}
		b.WriteString(sumOneLine(where) + "\n")
	}
	if r.Lab != nil {
		fmt.Fprintf(&b, "Lab: %d hold, %d do not hold, %d could not run\n",
			r.Lab.Count(lab.Holds), r.Lab.Count(lab.DoesNotHold), r.Lab.Count(lab.CouldNotRun))
	}
	if !r.Started.IsZero() {
		fmt.Fprintf(&b, "Started %s\n", jsTime(r.Started))
	}
	return b.String()
}

func sumOneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
