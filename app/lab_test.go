package app

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pkcedesk/pkcedesk/pingone/lab"
)

func TestRunLab_SandboxAllHold(t *testing.T) {
	d, _ := newDesk(t)
	var mu sync.Mutex
	var events []lab.Event
	rep, err := d.RunLab(testCtx(t), LabRequest{}, func(e lab.Event) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 14 {
		t.Fatalf("got %d results, want 14", len(rep.Results))
	}
	for _, r := range rep.Results {
		if r.Verdict != lab.Holds {
			t.Errorf("case %d %q: %s (%s; %s)", r.Case.Number, r.Case.Name, r.Verdict, r.Why, r.Actual.Summary)
		}
	}
	if rep.ExitCode() != lab.ExitAllHold || len(rep.CleanupFailed) != 0 {
		t.Errorf("exit code %d, clean-up failed %v", rep.ExitCode(), rep.CleanupFailed)
	}
	finished := 0
	for _, e := range events {
		if e.Kind == lab.EventCaseFinished {
			finished++
		}
	}
	if finished != 14 {
		t.Errorf("%d case-finished events, want 14", finished)
	}
	// The clock moved for case 10 is put back, and no lab app is left behind.
	if off := d.sandboxClock.Offset(); off != 0 {
		t.Errorf("the sandbox clock is still %v ahead", off)
	}
	apps, err := d.ListApplications(testCtx(t), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range apps {
		if strings.HasPrefix(a.Name, "pkcedesk-lab-") {
			t.Errorf("lab app %q left behind", a.Name)
		}
	}
	var b strings.Builder
	for _, r := range rep.Results {
		for _, e := range r.Exchanges {
			b.WriteString(e.Curl() + e.RequestBody + e.ResponseBody + e.URL)
		}
	}
	assertNoCanary(t, "the lab's exchanges", b.String())
}

func TestRunLab_SomeCases(t *testing.T) {
	d, _ := newDesk(t)
	rep, err := d.RunLab(testCtx(t), LabRequest{Cases: []int{5, 1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 2 || rep.Results[0].Case.Number != 1 || rep.Results[1].Case.Number != 5 {
		t.Fatalf("results %+v", rep.Results)
	}
	if _, err := d.RunLab(testCtx(t), LabRequest{Cases: []int{15}}, nil); err == nil {
		t.Error("case 15 was accepted")
	}
}

func TestRunLab_ProductionRefused(t *testing.T) {
	d, _ := newDesk(t)
	p := sandboxAsCustomProfile(t, d, func(p *Profile) { p.Tag = TagProduction; p.Name = "Prod" })
	if err := d.SetActive(p.ID); err != nil {
		t.Fatal(err)
	}
	_, err := d.RunLab(testCtx(t), LabRequest{}, nil)
	var re *LabRefusedError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want *LabRefusedError", err)
	}
	pr := Explain(err)
	if !strings.Contains(pr.Title, "production") || pr.Remedy == "" {
		t.Errorf("explained as %q / %q", pr.Title, pr.Remedy)
	}
	if !strings.Contains(d.LabPlan(LabRequest{Cases: []int{1}}), "1 case ") {
		t.Errorf("plan %q", d.LabPlan(LabRequest{Cases: []int{1}}))
	}
}

func TestRunLab_TenantThrowAwayUser(t *testing.T) {
	d, _ := newDesk(t)
	p := sandboxAsCustomProfile(t, d, func(p *Profile) { p.Name = "Test tenant" })
	if err := d.SetWorkerSecret(testCtx(t), p.ID, canaryWorkerSecret); err != nil {
		t.Fatal(err)
	}
	if err := d.SetActive(p.ID); err != nil {
		t.Fatal(err)
	}
	plan := d.LabPlan(LabRequest{ClientID: "abc"})
	for _, want := range []string{"“Test tenant”", "14 cases", "throw-away user", "deletes everything"} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan %q lacks %q", plan, want)
		}
	}
	var cleanups []string
	rep, err := d.RunLab(testCtx(t), LabRequest{Cases: []int{1, 5}}, func(e lab.Event) {
		if e.Kind == lab.EventCleanup {
			cleanups = append(cleanups, e.Message)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 2 {
		t.Fatalf("got %d results", len(rep.Results))
	}
	for _, r := range rep.Results {
		if r.Verdict != lab.Holds {
			t.Errorf("case %d with the throw-away user: %s (%s)", r.Case.Number, r.Verdict, r.Why)
		}
	}
	var user string
	for _, c := range rep.CleanedUp {
		if rest, ok := strings.CutPrefix(c, "the throw-away user "); ok {
			user = rest
		}
	}
	if !strings.HasPrefix(user, "pkcedesk.lab.") || len(rep.CleanupFailed) != 0 {
		t.Fatalf("cleaned up %q, failed %q: no throw-away user reported deleted", rep.CleanedUp, rep.CleanupFailed)
	}
	srv, _ := d.ensureSandbox()
	if id := srv.UserID(user); id != "" {
		t.Errorf("the throw-away user %s is still there (%s)", user, id)
	}
	if !slices.Contains(cleanups, "deleted the throw-away user "+user) {
		t.Errorf("progress did not report the user's deletion: %q", cleanups)
	}

	// With a demo user made on this desk the lab signs in as it and creates no user.
	demo, err := d.CreateDemoUser(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if plan := d.LabPlan(LabRequest{}); !strings.Contains(plan, "demo user created on the Applications screen") {
		t.Errorf("plan %q", plan)
	}
	before := srv.Requests(http.MethodPost, "/users")
	rep, err = d.RunLab(testCtx(t), LabRequest{Cases: []int{1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Results[0].Verdict != lab.Holds || srv.Requests(http.MethodPost, "/users") != before {
		t.Errorf("with the demo user: %s (%s), user creations %d → %d", rep.Results[0].Verdict, rep.Results[0].Why,
			before, srv.Requests(http.MethodPost, "/users"))
	}
	if srv.UserID(demo.Username) == "" {
		t.Error("the lab deleted the desk's own demo user")
	}
}

func TestRunLab_ThrowAwayUserDeletedWhenCancelled(t *testing.T) {
	d, _ := newDesk(t)
	p := sandboxAsCustomProfile(t, d, nil)
	if err := d.SetWorkerSecret(testCtx(t), p.ID, canaryWorkerSecret); err != nil {
		t.Fatal(err)
	}
	if err := d.SetActive(p.ID); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	rep, _ := d.RunLab(ctx, LabRequest{Cases: []int{1, 2, 3}}, func(e lab.Event) {
		if e.Kind == lab.EventCaseFinished {
			cancel() // stop after the first case
		}
	})
	srv, _ := d.ensureSandbox()
	var deleted bool
	for _, c := range rep.CleanedUp {
		if user, ok := strings.CutPrefix(c, "the throw-away user "); ok {
			deleted = true
			if srv.UserID(user) != "" {
				t.Errorf("%s survived the cancelled run", user)
			}
		}
	}
	if !deleted {
		t.Errorf("cancelled run cleaned up %q, failed %q", rep.CleanedUp, rep.CleanupFailed)
	}
}
