package lab

import (
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// Verdict is a case's outcome.
type Verdict string

// The three verdicts.
const (
	Holds       Verdict = "holds"         // the defence worked
	DoesNotHold Verdict = "does not hold" // the attack got through
	CouldNotRun Verdict = "could not run" // the case did not get far enough to tell
)

// Actual is what came back. It never holds a token, code, verifier or password.
type Actual struct {
	Status           int    `json:"status,omitempty"` // HTTP status; 0 for client-side checks
	Error            string `json:"error,omitempty"`  // OAuth error code or PingOne platform code
	ErrorDescription string `json:"error_description,omitempty"`
	CorrelationID    string `json:"correlation_id,omitempty"` // PingOne's Correlation-Id header
	// Summary is one plain sentence of what happened, for the table and the JUnit text.
	Summary string `json:"summary"`
}

// Result is one case's run.
type Result struct {
	Case    Case    `json:"case"`
	Verdict Verdict `json:"verdict"`
	// Why explains a DoesNotHold or CouldNotRun verdict in one sentence.
	Why    string `json:"why,omitempty"`
	Actual Actual `json:"actual"`
	// Info is extra information that is not part of the verdict (case 5: whether the
	// first exchange's tokens were revoked).
	Info      string             `json:"info,omitempty"`
	AppID     string             `json:"app_id,omitempty"` // the application the case used
	Exchanges []pingone.Exchange `json:"-"`                // redacted; JSON writes them with their cURL
	Duration  time.Duration      `json:"-"`
}

// Report is a whole run.
type Report struct {
	Issuer   string        `json:"issuer"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"-"`
	Results  []Result      `json:"results"`
	// CleanedUp lists what the run created and deleted again, in plain words.
	CleanedUp []string `json:"cleaned_up"`
	// CleanupFailed lists what could not be deleted (the tester must remove it).
	CleanupFailed []string `json:"cleanup_failed,omitempty"`
	// Cancelled says the run was stopped before every case ran.
	Cancelled bool `json:"cancelled,omitempty"`
}

// Exit codes of a headless run.
const (
	ExitAllHold     = 0
	ExitDoesNotHold = 1
	ExitCouldNotRun = 2
)

// ExitCode is 0 when every case holds, 1 when one does not hold, 2 when a case could
// not run (or nothing ran, or clean-up left something behind) and none failed.
func (r *Report) ExitCode() int {
	if r == nil || len(r.Results) == 0 {
		return ExitCouldNotRun
	}
	code := ExitAllHold
	for _, res := range r.Results {
		switch res.Verdict {
		case DoesNotHold:
			return ExitDoesNotHold
		case CouldNotRun:
			code = ExitCouldNotRun
		}
	}
	if len(r.CleanupFailed) > 0 || r.Cancelled {
		code = ExitCouldNotRun
	}
	return code
}

// Count returns how many results have the verdict v.
func (r *Report) Count(v Verdict) int {
	n := 0
	for _, res := range r.Results {
		if res.Verdict == v {
			n++
		}
	}
	return n
}
