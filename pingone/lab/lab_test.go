package lab

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pkcedesk/pkcedesk/pingone/sandbox"
	"github.com/pkcedesk/pkcedesk/pingone/token"
)

func TestCatalogue_FourteenCasesInPlainWords(t *testing.T) {
	cs := Cases()
	if len(cs) != 14 {
		t.Fatalf("%d cases", len(cs))
	}
	for i, c := range cs {
		if c.Number != i+1 || c.Name == "" || c.Done == "" || c.Expected == "" || c.Reference == "" || c.Needs == "" {
			t.Errorf("case %d incomplete: %+v", i+1, c)
		}
		if !strings.HasPrefix(c.Why, "Without it") {
			t.Errorf("case %d: Why should say what an attacker gains without the defence: %q", c.Number, c.Why)
		}
		want := Server
		if c.Number >= 11 {
			want = Client
		}
		if c.Side != want {
			t.Errorf("case %d side %s", c.Number, c.Side)
		}
		if _, ok := cases[c.Number]; !ok {
			t.Errorf("case %d has no implementation", c.Number)
		}
	}
}

func TestRun_AllCasesHoldOnTheDefaultSandbox(t *testing.T) {
	e := newLabEnv(t, sandbox.Lax{})
	var events []Event
	rep, err := Run(context.Background(), e.target, nil, func(ev Event) { events = append(events, ev) })
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 14 {
		t.Fatalf("%d results", len(rep.Results))
	}
	for _, r := range rep.Results {
		if r.Verdict != Holds {
			t.Errorf("case %d %s: %s (%s; actual %s)", r.Case.Number, r.Case.Name, r.Verdict, r.Why, r.Actual.Summary)
		}
		if r.Actual.Summary == "" {
			t.Errorf("case %d: no actual summary", r.Case.Number)
		}
		if len(r.Exchanges) == 0 && r.Case.Number != 11 {
			t.Errorf("case %d recorded no exchanges", r.Case.Number)
		}
	}
	if got := rep.ExitCode(); got != ExitAllHold {
		t.Errorf("exit code %d, want 0", got)
	}
	// Actual values as the sandbox answers them.
	for _, n := range []int{1, 5, 6, 8, 9, 10} {
		a := resultOf(t, rep, n).Actual
		if a.Status != http.StatusBadRequest || a.Error != "invalid_grant" || a.ErrorDescription == "" || a.CorrelationID == "" {
			t.Errorf("case %d actual %+v", n, a)
		}
	}
	for _, n := range []int{3, 4} {
		a := resultOf(t, rep, n).Actual
		if a.Status != http.StatusFound || a.Error != "invalid_request" || !strings.Contains(a.Summary, "redirect to http://localhost:3000/callback") {
			t.Errorf("case %d actual %+v", n, a)
		}
	}
	if a := resultOf(t, rep, 7).Actual; a.Status != http.StatusBadRequest || strings.Contains(a.Summary, "attacker") {
		t.Errorf("case 7 actual %+v", a)
	}
	if a := resultOf(t, rep, 11).Actual; a.Status != http.StatusBadRequest || a.Error != "missing or wrong state" {
		t.Errorf("case 11 actual %+v", a)
	}
	for n, check := range map[int]string{12: "nonce", 13: "signature", 14: "exp"} {
		if a := resultOf(t, rep, n).Actual; !strings.Contains(a.Summary, "failed on "+check) {
			t.Errorf("case %d actual %q", n, a.Summary)
		}
	}
	if info := resultOf(t, rep, 5).Info; !strings.Contains(info, "were revoked") {
		t.Errorf("case 5 info %q", info)
	}
	// Two throw-away apps (the main one and case 8's second), both deleted.
	if len(rep.CleanedUp) != 2 || len(rep.CleanupFailed) != 0 {
		t.Errorf("clean-up %v / %v", rep.CleanedUp, rep.CleanupFailed)
	}
	if left := e.labApps(t); len(left) != 0 {
		t.Errorf("apps left behind: %v", left)
	}
	if events[0].Kind != EventCaseStarted || events[0].Case != 1 || events[len(events)-1].Kind != EventCleanup {
		t.Errorf("events start %+v end %+v", events[0], events[len(events)-1])
	}

	junit, js := outputs(t, rep)
	secrets := e.catcher.all()
	if len(secrets) < 20 {
		t.Fatalf("the catcher saw only %d secret values; it is not looking", len(secrets))
	}
	assertNoSecrets(t, "JUnit", junit, secrets)
	assertNoSecrets(t, "JSON", js, secrets)
	var evText strings.Builder
	for _, ev := range events {
		evText.WriteString(ev.Message + "\n")
	}
	assertNoSecrets(t, "progress", evText.String(), secrets)

	var doc struct {
		Results []struct {
			Verdict   string `json:"verdict"`
			Exchanges []struct {
				Curl string `json:"curl"`
			} `json:"exchanges"`
		} `json:"results"`
		ExitCode  int      `json:"exit_code"`
		CleanedUp []string `json:"cleaned_up"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Results) != 14 || doc.ExitCode != 0 || len(doc.CleanedUp) != 2 || !strings.HasPrefix(doc.Results[0].Exchanges[0].Curl, "curl") {
		t.Errorf("JSON document: %d results, exit %d, clean-up %v", len(doc.Results), doc.ExitCode, doc.CleanedUp)
	}
}

// junitDoc is read back with encoding/xml, as a CI system would read the file.
type junitDoc struct {
	XMLName xml.Name `xml:"testsuites"`
	Tests   int      `xml:"tests,attr"`
	Suites  []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Skipped  int    `xml:"skipped,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
		SystemOut string `xml:"system-out"`
	} `xml:"testsuite"`
}

func TestJUnit_ParsedBackWithEveryField(t *testing.T) {
	e := newLabEnv(t, sandbox.Lax{PKCE: true})
	e.target.AdvanceClock = nil // case 10 then could not run
	rep := e.run(t, 1, 5, 10)
	junit, _ := outputs(t, rep)
	var doc junitDoc
	if err := xml.Unmarshal([]byte(junit), &doc); err != nil {
		t.Fatalf("%v\n%s", err, junit)
	}
	if doc.Tests != 3 || len(doc.Suites) != 1 {
		t.Fatalf("tests %d suites %d", doc.Tests, len(doc.Suites))
	}
	s := doc.Suites[0]
	if s.Tests != 3 || s.Failures != 1 || s.Skipped != 1 || len(s.Cases) != 3 || !strings.Contains(s.SystemOut, "clean-up: deleted application pkcedesk-lab-") {
		t.Fatalf("suite %+v", s)
	}
	one, five, ten := s.Cases[0], s.Cases[1], s.Cases[2]
	if one.Name != "case 01: Wrong code_verifier" || one.Classname != "pkcedesk.lab.server" || one.Failure == nil ||
		!strings.Contains(one.Failure.Message, "expected: 400 invalid_grant.") || !strings.Contains(one.Failure.Message, "actual: HTTP 200") ||
		!strings.Contains(one.Failure.Text, "Without it") || one.Skipped != nil {
		t.Errorf("case 1: %+v", one)
	}
	if five.Failure != nil || five.Skipped != nil || !strings.Contains(five.SystemOut, "Verdict: holds") || !strings.Contains(five.SystemOut, "token POST") {
		t.Errorf("case 5: %+v", five)
	}
	if ten.Skipped == nil || !strings.Contains(ten.Skipped.Message, "enable the wait") || ten.Failure != nil {
		t.Errorf("case 10: %+v", ten)
	}
	if _, err := time.ParseDuration(one.Time + "s"); err != nil {
		t.Errorf("time %q", one.Time)
	}
	if rep.ExitCode() != ExitDoesNotHold {
		t.Errorf("exit code %d, want 1", rep.ExitCode())
	}
	assertNoSecrets(t, "JUnit", junit, e.catcher.all())
}

func TestExitCode(t *testing.T) {
	mk := func(vs ...Verdict) *Report {
		r := &Report{}
		for _, v := range vs {
			r.Results = append(r.Results, Result{Verdict: v})
		}
		return r
	}
	for _, tc := range []struct {
		r    *Report
		want int
	}{
		{mk(Holds, Holds), 0}, {mk(Holds, DoesNotHold, CouldNotRun), 1}, {mk(Holds, CouldNotRun), 2}, {mk(), 2},
		{&Report{Results: []Result{{Verdict: Holds}}, CleanupFailed: []string{"x"}}, 2},
	} {
		if got := tc.r.ExitCode(); got != tc.want {
			t.Errorf("%+v: %d, want %d", tc.r, got, tc.want)
		}
	}
}

func TestRun_RefusesUnknownCasesAndIncompleteTargets(t *testing.T) {
	e := newLabEnv(t, sandbox.Lax{})
	if _, err := Run(context.Background(), e.target, []int{15}, nil); err == nil || !strings.Contains(err.Error(), "no case 15") {
		t.Errorf("case 15: %v", err)
	}
	tg := e.target
	tg.Password = ""
	if _, err := Run(context.Background(), tg, nil, nil); err == nil || !strings.Contains(err.Error(), "password") {
		t.Errorf("no password: %v", err)
	}
}

// On a tenant there is no clock to move: case 10 waits out the code's lifetime with a
// countdown. The test's timer moves the sandbox's clock by what was waited, so the wait
// takes no time, and each tick is seen as a progress event.
func TestCase10_WaitsOnATenant(t *testing.T) {
	e := newLabEnv(t, sandbox.Lax{})
	advance := e.target.AdvanceClock
	e.target.AdvanceClock = nil
	e.target.WaitForExpiry = true
	var waited time.Duration
	e.target.After = func(d time.Duration) <-chan time.Time {
		waited += d
		advance(d)
		ch := make(chan time.Time, 1)
		ch <- time.Now()
		return ch
	}
	var countdown []time.Duration
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := Run(ctx, e.target, []int{10}, func(ev Event) {
		if ev.Kind == EventWaiting && ev.Case == 10 {
			countdown = append(countdown, ev.Remaining)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := resultOf(t, rep, 10); r.Verdict != Holds {
		t.Fatalf("case 10 after the wait: %s (%s)", r.Verdict, r.Why)
	}
	want := DefaultCodeLifetime + 5*time.Second
	if waited != want {
		t.Errorf("waited %s, want %s", waited, want)
	}
	if len(countdown) != int(want/(5*time.Second)) || countdown[0] != want || countdown[len(countdown)-1] != 5*time.Second {
		t.Errorf("countdown %v", countdown)
	}

	// Cancelled during the wait: could not run, with why.
	e.target.After = func(time.Duration) <-chan time.Time { cancel(); return make(chan time.Time) }
	rep, _ = Run(ctx, e.target, []int{10}, nil)
	if len(rep.Results) == 1 && rep.Results[0].Verdict == Holds {
		t.Errorf("a cancelled wait was judged: %+v", rep.Results[0])
	}
}

// Each client-side case catches a client without its check: the test-only switch makes
// the lab's client forget one check, and the case that tests it says so.
func TestClientCases_CatchABrokenClient(t *testing.T) {
	e := newLabEnv(t, sandbox.Lax{})
	for _, c := range []struct {
		check   string
		n       int
		summary string
	}{
		{"state", 11, "accepted the callback with the tampered state"},
		{token.CheckNonce, 12, "did not fail on nonce"},
		{token.CheckSignature, 13, "without checking its signature"},
		{token.CheckAud, 14, "did not fail on aud"},
		{token.CheckExp, 14, "did not fail on exp"},
	} {
		e.target.brokenClient = map[string]bool{c.check: true}
		r := resultOf(t, e.run(t, c.n), c.n)
		if r.Verdict != DoesNotHold || !strings.Contains(r.Actual.Summary, c.summary) {
			t.Errorf("case %d without the %s check: %s, %q (%s)", c.n, c.check, r.Verdict, r.Actual.Summary, r.Why)
		}
	}
	e.target.brokenClient = nil
	for _, n := range []int{11, 12, 13, 14} {
		if r := resultOf(t, e.run(t, n), n); r.Verdict != Holds {
			t.Errorf("case %d with every check: %s (%s)", n, r.Verdict, r.Why)
		}
	}
}
