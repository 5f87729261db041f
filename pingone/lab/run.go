package lab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone"
)

// outcome is what a case function decides; the runner adds the case, the exchanges and
// the timing.
type outcome struct {
	verdict Verdict
	why     string
	actual  Actual
	info    string
	appID   string
}

func holds(a Actual) outcome { return outcome{verdict: Holds, actual: a} }

func doesNotHold(a Actual, why string) outcome {
	return outcome{verdict: DoesNotHold, actual: a, why: why}
}

func couldNotRun(why string) outcome { return outcome{verdict: CouldNotRun, why: why} }

// couldNotRunErr is couldNotRun with an error's text; every error the lab can meet is
// built by pingone, signin or token, whose messages carry no secrets.
func couldNotRunErr(step string, err error) outcome {
	return couldNotRun(step + ": " + err.Error())
}

type caseFunc func(ctx context.Context, r *runner) outcome

// cases maps a case number to its implementation.
var cases = map[int]caseFunc{
	1: caseWrongVerifier, 2: caseMissingVerifier, 3: casePlainMethod, 4: caseNoChallenge,
	5: caseCodeTwice, 6: caseOtherRedirect, 7: caseUnregisteredRedirect, 8: caseOtherClient,
	9: caseRefreshReplay, 10: caseExpiredCode,
	11: caseTamperedState, 12: caseWrongNonce, 13: caseBrokenSignature, 14: caseAudienceAndExpiry,
}

// runner carries one run's state.
type runner struct {
	t        Target
	apps     *appPool
	progress func(Event)
	current  int
	hc       *http.Client // see httpClient
}

// Run runs the numbered cases (all of them when cases is empty) in order, each as real
// requests, and returns the report. Everything the run created is deleted before Run
// returns, also when ctx is cancelled or a case fails half-way; the report says what
// was deleted. The error is only for a run that could not start (an unusable target or
// an unknown case number); a case that cannot run is a CouldNotRun result instead.
func Run(ctx context.Context, target Target, cases []int, progress func(Event)) (rep Report, err error) {
	if err := target.check(); err != nil {
		return Report{}, err
	}
	list, err := caseList(cases)
	if err != nil {
		return Report{}, err
	}
	if progress == nil {
		progress = func(Event) {}
	}
	r := &runner{t: target, apps: &appPool{t: &target}, progress: progress}
	rep = Report{Issuer: target.Issuer, Started: target.now(), CleanedUp: []string{}}
	start := time.Now()
	defer func() {
		rep.CleanedUp, rep.CleanupFailed = r.apps.cleanup(ctx, progress)
		if rep.CleanedUp == nil {
			rep.CleanedUp = []string{}
		}
		rep.Duration = time.Since(start)
		if r.hc != nil {
			r.hc.CloseIdleConnections()
		}
	}()
	for _, n := range list {
		if ctx.Err() != nil {
			rep.Cancelled = true
			c, _ := CaseByNumber(n)
			rep.Results = append(rep.Results, Result{Case: c, Verdict: CouldNotRun, Why: "the run was cancelled before this case"})
			continue
		}
		rep.Results = append(rep.Results, r.runCase(ctx, n))
	}
	if ctx.Err() != nil {
		rep.Cancelled = true
	}
	return rep, nil
}

func caseList(in []int) ([]int, error) {
	if len(in) == 0 {
		out := make([]int, len(catalogue))
		for i := range out {
			out[i] = i + 1
		}
		return out, nil
	}
	var out []int
	for _, n := range in {
		if _, ok := CaseByNumber(n); !ok {
			return nil, fmt.Errorf("lab: there is no case %d (cases are 1 to %d)", n, len(catalogue))
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

func (r *runner) runCase(ctx context.Context, n int) Result {
	c, _ := CaseByNumber(n)
	r.current = n
	r.progress(Event{Kind: EventCaseStarted, Case: n, Name: c.Name, Message: c.Done})
	tr := pingone.NewTranscript()
	start := time.Now()
	o := cases[n](pingone.RecordTo(ctx, tr), r)
	if ctx.Err() != nil && o.verdict != Holds && o.verdict != DoesNotHold {
		o = couldNotRun("the run was cancelled during this case")
	}
	res := Result{
		Case: c, Verdict: o.verdict, Why: o.why, Actual: o.actual, Info: o.info, AppID: o.appID,
		Exchanges: tr.Entries(), Duration: time.Since(start),
	}
	msg := string(o.verdict)
	if o.why != "" {
		msg += ": " + o.why
	}
	r.progress(Event{Kind: EventCaseFinished, Case: n, Name: c.Name, Verdict: o.verdict, Message: msg})
	return res
}

// wait blocks for d, sending a countdown every few seconds, or until ctx ends.
func (r *runner) wait(ctx context.Context, d time.Duration, why string) error {
	const tick = 5 * time.Second
	for left := d; left > 0; {
		r.progress(Event{Kind: EventWaiting, Case: r.current, Message: why, Remaining: left.Round(time.Second)})
		step := min(tick, left)
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-r.t.after(step):
			left -= step
		}
	}
	return nil
}

var errNoRefreshToken = errors.New("the sign-in returned no refresh token")
